"""The local Runtime API as a command-line tool (scripts/devstack/runtime_api.py), driving runtime-probe."""
import json
import pathlib
import subprocess
import sys
import urllib.request

from runtime_fixtures import PROBE

SCRIPTS = pathlib.Path(__file__).resolve().parents[2] / "scripts"
CLI = [sys.executable, "-m", "devstack.runtime_api", "--port", "0"]


def test_invoke_prints_each_result_and_fails_on_a_function_error(tmp_path):
    ok = tmp_path / "ok.json"
    ok.write_text('{"n":1}')
    bad = tmp_path / "bad.json"
    bad.write_text('{"fail":"nope"}')
    p = subprocess.run([*CLI, "--invoke", str(ok), "--invoke", str(bad), "--", str(PROBE)],
                       cwd=SCRIPTS, capture_output=True, timeout=60)
    assert p.returncode == 1
    lines = p.stdout.decode().splitlines()
    assert json.loads(lines[0]) == {"n": 1}
    assert json.loads(lines[1]) == {"errorMessage": "nope", "errorType": "ProbeFailure"}
    assert "Function.ProbeFailure" in p.stderr.decode()


def test_front_door_answers_like_the_rie():
    proc = subprocess.Popen([*CLI, "--front-door", "0", "--", str(PROBE)], cwd=SCRIPTS,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        url = None
        for raw in proc.stderr:
            line = raw.decode().strip()
            if line.startswith("curl"):
                url = line.split()[-1]
                break
        assert url and url.endswith("/2015-03-31/functions/function/invocations")
        with urllib.request.urlopen(urllib.request.Request(url, data=b'{"x":[1,2]}'), timeout=10) as r:
            assert r.status == 200 and json.loads(r.read()) == {"x": [1, 2]}
        with urllib.request.urlopen(urllib.request.Request(url, data=b'{"fail":"bad"}'), timeout=10) as r:
            assert r.headers["X-Amz-Function-Error"] == "Function.ProbeFailure"
            assert json.loads(r.read())["errorMessage"] == "bad"
    finally:
        proc.kill()
        proc.wait()
