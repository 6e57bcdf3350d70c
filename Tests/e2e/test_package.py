"""The Lambda zips run on provided.al2023 with nothing installed: each is unpacked into an otherwise empty root at
/var/task and started there with chroot (Lambda's environment, LD_LIBRARY_PATH with system directories first and
decoy libraries in them), against a local Runtime API. A missing library, a loader problem or a glibc symbol
version newer than what the zip carries fails here rather than on the first cold start in AWS. The real reader
and worker complete invocations there against the local stand-ins (Google, exchanges, Pushover, moto).
"""
from __future__ import annotations

import pathlib
import re
import shutil
import stat
import subprocess
import zipfile

import pytest

from devstack.moto import start_moto
from devstack.runtime_api import RuntimeAPI, spawn_bootstrap
from lambdapkg import chroot, elf
from package_fixtures import PRODUCTS, packages  # noqa: F401 (fixture)
from reader_fixtures import (SheetsStandIn, as_reported, days_since_fixture, drain, new_queue, reader_env,
                             scheduled_event, shifted)
from sheet_fixtures import expected_messages, expected_summary, load, raw
from worker_fixtures import HOUR, MINUTE, T0, market, message, sent_to, sqs_event, stack  # noqa: F401 (fixture)

ZIP_LIMIT = 10 * 1000 * 1000
NO_CHROOT = chroot.chroot_unavailable_reason()
needs_chroot = pytest.mark.skipif(NO_CHROOT is not None, reason=f"cannot chroot: {NO_CHROOT}")


@pytest.fixture
def unpacked(tmp_path):
    def unpack(zip_path: pathlib.Path) -> pathlib.Path:
        dest = tmp_path / zip_path.stem
        dest.mkdir()
        chroot.unzip_preserving_modes(zip_path, dest)
        return dest
    return unpack


@pytest.fixture
def lambda_root(tmp_path):
    def make(zip_path: pathlib.Path) -> pathlib.Path:
        return chroot.make_root(zip_path, tmp_path / f"root-{zip_path.stem}")
    return make


@pytest.mark.parametrize("product", PRODUCTS)
def test_zip_layout_size_and_modes(packages, product):
    path = packages[product]
    assert path.stat().st_size <= ZIP_LIMIT, f"{path.name} is {path.stat().st_size / 1e6:.1f} MB"
    with zipfile.ZipFile(path) as z:
        infos = {i.filename: i for i in z.infolist()}
        assert all(not n.startswith("/") and ".." not in n.split("/") for n in infos)
        boot = infos["bootstrap"]
        assert (boot.external_attr >> 16) & 0o777 == 0o755, "Lambda needs bootstrap executable"
        loaders = [n for n in infos if re.fullmatch(r"lib/ld-linux-[\w-]+\.so\.\d", n)]
        assert loaders and (infos[loaders[0]].external_attr >> 16) & stat.S_IXUSR
        assert "lib/libc.so.6" in infos and "lib/libcurl.so.4" in infos
        ca = z.read("ca-bundle.crt").decode()
        assert ca.count("BEGIN CERTIFICATE") > 100


@pytest.mark.parametrize("product", PRODUCTS)
def test_bootstrap_uses_the_bundled_loader_and_rpath(packages, unpacked, product):
    root = unpacked(packages[product])
    boot = root / "bootstrap"
    assert elf.interpreter(boot) == f"/var/task/lib/{next((root / 'lib').glob('ld-linux-*')).name}"
    # DT_RPATH (searched before LD_LIBRARY_PATH), not DT_RUNPATH (searched after it).
    assert elf.rpath(boot) == ["/var/task/lib"]
    assert elf.runpath(boot) == []
    for lib in (root / "lib").iterdir():
        assert elf.runpath(lib) == [], f"{lib.name} has a RUNPATH, which would bypass the bootstrap's RPATH"


def _objdump_versions(path: pathlib.Path) -> tuple[set[str], set[str]]:
    """(versions referenced by undefined symbols, versions of defined symbols), from `objdump -T`."""
    needed, defined = set(), set()
    out = subprocess.run(["objdump", "-T", str(path)], check=True, capture_output=True, text=True).stdout
    for line in out.splitlines():
        m = re.search(r"\s(\*UND\*|\.\S+)\s+\S+\s+\(?(GLIBC(?:XX)?_[\d.]+)\)?\s", line)
        if m:
            (needed if m.group(1) == "*UND*" else defined).add(m.group(2))
    return needed, defined


@pytest.mark.parametrize("product", PRODUCTS)
def test_no_elf_needs_a_glibc_or_libstdcxx_newer_than_the_zip_provides(packages, unpacked, product):
    root = unpacked(packages[product])
    libs = sorted((root / "lib").iterdir())
    provided: set[str] = set()
    for lib in libs:
        provided |= _objdump_versions(lib)[1]
    ceiling = {fam: elf.highest(provided, fam) for fam in ("GLIBC", "GLIBCXX")}
    report = []
    for path in [root / "bootstrap", *libs]:
        needed = _objdump_versions(path)[0]
        for fam in ("GLIBC", "GLIBCXX"):
            top = elf.highest(needed, fam)
            if top is None:
                continue
            report.append(f"{path.name}: {top}")
            assert ceiling[fam] is not None, f"{path.name} needs {top}, the zip has no {fam}"
            assert elf.version_key(top) <= elf.version_key(ceiling[fam]), \
                f"{path.name} needs {top}, the zip provides up to {ceiling[fam]}"
            missing = {v for v in needed if v.startswith(fam + "_")} - provided
            assert not missing, f"{path.name} needs {sorted(missing)}, not defined by any bundled library"
    # The reason glibc is bundled at all: the host's build needs more than Amazon Linux 2023's 2.34.
    assert ceiling["GLIBC"] is not None and elf.version_key(ceiling["GLIBC"]) >= (2, 34), report


@needs_chroot
@pytest.mark.parametrize("product", PRODUCTS)
def test_every_symbol_resolves_in_an_empty_root(packages, lambda_root, product):
    """The loader itself, in the chroot, binds every symbol of every library now (LD_BIND_NOW) and reports
    where each library came from: all from /var/task/lib, despite LD_LIBRARY_PATH and the decoys."""
    root = lambda_root(packages[product])
    loader = next((root / "var/task/lib").glob("ld-linux-*")).name
    # What `ldd -r` does, with the bundled loader inside the root.
    env = chroot.lambda_environment("127.0.0.1:9", {"LD_TRACE_LOADED_OBJECTS": "1", "LD_BIND_NOW": "1",
                                                     "LD_WARN": "1"})
    proc = chroot.run_without_proc(root, [f"/var/task/lib/{loader}", "/var/task/bootstrap"], env)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "not found" not in output and "undefined symbol" not in output, output
    resolved = re.findall(r"=> (\S+) \(0x", output)
    assert resolved, output
    assert all(p.startswith("/var/task/lib/") for p in resolved), output


@needs_chroot
def test_packaged_runtime_completes_invocations_in_an_empty_root(packages, lambda_root):
    root = lambda_root(packages["runtime-probe"])
    with RuntimeAPI(function_timeout_s=10) as api:
        # LD_BIND_NOW: every symbol of every library resolved at start, not just the ones this run calls.
        env = chroot.lambda_environment(api.address, {"LD_BIND_NOW": "1"})
        boot = spawn_bootstrap(chroot.command(root, ["/var/task/bootstrap"]), env=env, inherit_env=False)
        try:
            first = api.invoke(b'{"hello":"from /var/task"}', timeout=30)
            assert first.kind == "response", (first, boot.stderr)
            assert first.json == {"hello": "from /var/task"}
            failed = api.invoke(b'{"fail":"on purpose"}', timeout=30)
            assert failed.kind == "error" and failed.json["errorType"] == "ProbeFailure"
            again = api.invoke(b'{"context":true}', request_id="req-after-error", timeout=30)
            assert again.kind == "response" and again.json["requestId"] == "req-after-error"
            assert boot.returncode is None, "a failed invocation must not end the runtime"
        finally:
            boot.stop()


@needs_chroot
def test_packaged_runtime_reports_init_errors_from_an_empty_root(packages, lambda_root):
    root = lambda_root(packages["runtime-probe"])
    with RuntimeAPI(function_timeout_s=10) as api:
        env = chroot.lambda_environment(api.address, {"PROBE_REQUIRE": "SOME_SETTING"})
        boot = spawn_bootstrap(chroot.command(root, ["/var/task/bootstrap"]), env=env, inherit_env=False)
        try:
            result = api.invoke(b"{}", timeout=30)
            assert result.kind == "init_error", (result, boot.stderr)
            assert "SOME_SETTING" in result.body.decode()
            assert boot.wait(timeout=30) != 0
        finally:
            boot.stop()


@needs_chroot
def test_packaged_reader_reads_a_sheet_and_enqueues_from_an_empty_root(packages, lambda_root):
    """The real reader from its zip: RS256 JWT (libcrypto), Sheets and SQS calls (libcurl) over loopback to the
    Google stand-in and moto, all from inside the root."""
    root = lambda_root(packages["reader"])
    google = SheetsStandIn().start()
    try:
        with start_moto() as moto, RuntimeAPI(function_name="reader", function_timeout_s=60) as api:
            sqs = moto.boto3_client("sqs")
            queue_url = new_queue(sqs)
            _, expected = load("example-sheet")
            text, expected = shifted(raw("example-sheet").decode(), as_reported(expected), days_since_fixture())
            google.serve_raw("packaged", text)
            key_file = google.create_service_account(account="packaged-reader")
            env = chroot.lambda_environment(api.address, reader_env(google, moto, key_file, "packaged", queue_url))
            boot = spawn_bootstrap(chroot.command(root, ["/var/task/bootstrap"]), env=env, inherit_env=False)
            try:
                result = api.invoke(scheduled_event("evt-packaged", expected["now"]), timeout=60)
                assert result.kind == "response", (result.body, boot.stdout[-2000:], boot.stderr[-2000:])
                assert result.json == expected_summary(expected, "evt-packaged")
                assert drain(sqs, queue_url) == expected_messages(expected, "evt-packaged", "packaged")
            finally:
                boot.stop()
    finally:
        google.stop()


@needs_chroot
def test_packaged_worker_checks_a_signal_and_notifies_once_from_an_empty_root(packages, lambda_root, stack):
    """The real worker from its zip: candles from the exchange stand-in, state in moto's DynamoDB, one Pushover
    notification, all from inside the root."""
    root = lambda_root(packages["worker"])
    stack.exchanges.clock.set(T0)
    path = market(stack, "PKGD")
    signal = {"id": "packaged-worker", "symbol": "PKGDUSDT", "condition": "above", "target_price": "150",
              "note": "from /var/task", "repeat": "once"}
    with RuntimeAPI(function_name="worker", function_timeout_s=60) as api:
        env = chroot.lambda_environment(api.address, stack.env_worker)
        boot = spawn_bootstrap(chroot.command(root, ["/var/task/bootstrap"]), env=env, inherit_env=False)
        try:
            first = api.invoke(sqs_event(stack, [("p1", message(signal, T0))]), timeout=60)
            assert first.kind == "response", (first.body, boot.stdout[-3000:], boot.stderr[-2000:])
            assert first.json == {"batchItemFailures": []}
            path.script(T0 + 17 * MINUTE, open="100", high="151", low="99.9", close="100.1")
            stack.exchanges.clock.advance(HOUR)
            second = api.invoke(sqs_event(stack, [("p2", message(signal, T0 + HOUR))]), timeout=60)
            assert second.kind == "response" and second.json == {"batchItemFailures": []}, second.body
        finally:
            boot.stop()
    [sent] = sent_to(stack, "PKGDUSDT")
    assert sent["title"] == "PKGDUSDT above 150 (Binance)" and "from /var/task" in sent["message"]
