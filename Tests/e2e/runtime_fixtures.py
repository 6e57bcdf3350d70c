"""Fixtures for the runtime loop's end-to-end tests: the runtime-probe binary driven through devstack.runtime_api."""
import json
import subprocess

import pytest

from conftest import BIN_DIR
from devstack.runtime_api import RuntimeAPI, spawn_bootstrap

PROBE = BIN_DIR / "runtime-probe"


@pytest.fixture
def api():
    with RuntimeAPI(function_timeout_s=3) as server:
        yield server


@pytest.fixture
def probe(api):
    """A runtime-probe serving `api`; killed after the test if still running."""
    proc = spawn_bootstrap([PROBE], api=api, env={"LOG_LEVEL": "info"})
    yield proc
    proc.stop()


def run_local(args, stdin=b"", env=None):
    """runtime-probe outside Lambda: (exit code, stdout, stderr)."""
    clean = {"PATH": "/usr/bin:/bin"}
    clean.update(env or {})
    p = subprocess.run([str(PROBE), *args], input=stdin, capture_output=True, env=clean, timeout=30)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


def records(text):
    return [json.loads(line) for line in text.splitlines() if line.strip()]
