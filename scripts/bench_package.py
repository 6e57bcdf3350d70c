#!/usr/bin/env python3
"""Packaging benchmark: zip sizes, and time from process start to the first Runtime API `/next` for the packaged
bootstrap in an empty chroot root against the plain binary on this host.

    python3 scripts/bench_package.py [--runs 15] [--package-dir DIR]

scripts/bench runs it (`--markdown`) after its own table. As a library: `rows(runs=15, package_dir=None) ->
list[dict]`, each row `{"name", "value", "unit", "note"}`. Needs root (chroot) and builds with scripts/package.

Variants timed (runtime-probe, the minimal bootstrap over LambdaRuntime, so the numbers are the runtime's own):
  plain            the static-stdlib release binary, unpatched, on the host's libraries
  packaged         the zip's bootstrap in the root: bundled loader by PT_INTERP, RPATH, stubbed curl extras
  packaged-full    the same with libcurl's whole closure bundled (scripts/package --no-stubs)
  loader-exec      the bundled loader run explicitly with --library-path (what a shell-wrapper bootstrap
                   execs, without the shell's own start-up)
  shell-wrapper    a `#!/bin/sh` bootstrap that execs the loader as above (the shell is the host's dash,
                   packaged the same way; Amazon Linux's /bin/sh is bash, slower to start than dash)
Every variant is started as `unshare --mount --mount-proc chroot ROOT ...` (the plain one with ROOT /), so all
pay the same extra execs.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from devstack.runtime_api import RuntimeAPI, spawn_bootstrap  # noqa: E402
from lambdapkg import bundle, chroot  # noqa: E402

PROBE = "runtime-probe"


def _package(out: pathlib.Path, *extra: str, products=(PROBE,)) -> None:
    subprocess.run([str(ROOT / "scripts" / "package"), "--out", str(out), *extra, *products], cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)


def _bin_dir() -> pathlib.Path:
    out = subprocess.run(["swift", "build", "-c", "release", "--static-swift-stdlib", "--show-bin-path"], cwd=ROOT,
                         check=True, capture_output=True, text=True).stdout.strip()
    return pathlib.Path(out)


def time_to_first_next(argv: list[str], env: dict, root: pathlib.Path) -> tuple[float, float]:
    """(ms from spawn to the first GET /next, ms for the first invocation's round trip), run chrooted in root with
    /proc mounted (libdispatch's worker monitor reads /proc/<tid>/stat and traps without it). The plain binary
    runs with root / the same way, so that every variant pays the same unshare + chroot execs."""
    with RuntimeAPI(function_timeout_s=30) as api:
        boot = spawn_bootstrap(chroot.command(root, argv), env={**env, "AWS_LAMBDA_RUNTIME_API": api.address},
                               inherit_env=False)
        try:
            sent = time.monotonic_ns()
            result = api.invoke(b"{}", timeout=30)
            done = time.monotonic_ns()
            if result.kind != "response":
                raise RuntimeError(f"{root} {argv}: {result.kind} {result.body[:200]!r} rc={boot.returncode} "
                                   f"{boot.stderr[-500:]}")
            first_next = api.next_arrivals_ns[0]
            return (first_next - boot.started_ns) / 1e6, (done - max(sent, first_next)) / 1e6
        finally:
            boot.stop()


def rows(runs: int = 15, package_dir: pathlib.Path | None = None) -> list[dict]:
    reason = chroot.chroot_unavailable_reason()
    if reason:
        raise RuntimeError(f"bench_package needs chroot: {reason}")
    work = pathlib.Path(tempfile.mkdtemp(prefix="bench-package-"))
    try:
        out: list[dict] = []
        pkg = package_dir or work / "dist"
        if package_dir is None:
            _package(pkg, products=("reader", "worker", PROBE))
        full = work / "full"
        _package(full, "--skip-build", "--no-stubs", products=("reader", PROBE))
        for name in ("reader", "worker"):
            m = json.loads((pkg / f"{name}.manifest.json").read_text())
            out.append({"name": f"package.{name}.zip", "value": round(m["zip_bytes"] / 1e6, 2), "unit": "MB",
                        "note": f"{m['unzipped_bytes'] / 1e6:.1f} MB unzipped, {len(m['libraries'])} libs, "
                                f"{len(m['stubs'])} stubs; target <= 10 MB"})
        m = json.loads((full / "reader.manifest.json").read_text())
        out.append({"name": "package.reader.zip.no-stubs", "value": round(m["zip_bytes"] / 1e6, 2), "unit": "MB",
                    "note": f"libcurl's whole closure ({len(m['libraries'])} libs)"})

        roots = {}
        for label, zip_path in (("packaged", pkg / f"{PROBE}.zip"), ("packaged-full", full / f"{PROBE}.zip")):
            roots[label] = chroot.make_root(zip_path, work / f"root-{label}", decoys=False)
        plain = _bin_dir() / PROBE
        shutil.copy(plain, roots["packaged"] / "var/task/plain")
        loader = next((roots["packaged"] / "var/task/lib").glob("ld-linux-*")).name
        shell = shutil.which("dash") or "/bin/sh"
        bundle.stage(pathlib.Path(shell).resolve(), work / "sh", ca_bundle=pathlib.Path(bundle.DEFAULT_CA),
                     use_stubs=True)
        shutil.copy(work / "sh" / "bootstrap", roots["packaged"] / "var/task/sh")
        wrapper = roots["packaged"] / "var/task/wrapper"
        wrapper.write_text(f"#!/var/task/sh\nexec /var/task/lib/{loader} --library-path /var/task/lib /var/task/plain\n")
        wrapper.chmod(0o755)
        lambda_env = chroot.lambda_environment("")
        variants = {
            "plain": ([str(plain)], {"PATH": os.environ.get("PATH", "")}, pathlib.Path("/")),
            "packaged": (["/var/task/bootstrap"], lambda_env, roots["packaged"]),
            "packaged-full": (["/var/task/bootstrap"], lambda_env, roots["packaged-full"]),
            "loader-exec": ([f"/var/task/lib/{loader}", "--library-path", "/var/task/lib", "/var/task/plain"],
                            lambda_env, roots["packaged"]),
            "shell-wrapper": (["/var/task/wrapper"], lambda_env, roots["packaged"]),
        }
        samples: dict[str, list[tuple[float, float]]] = {k: [] for k in variants}
        for _ in range(runs):  # interleaved, so that load on the machine hits every variant alike
            for label, (argv, env, root) in variants.items():
                samples[label].append(time_to_first_next(argv, env, root))
        for label, values in samples.items():
            firsts = sorted(v[0] for v in values)
            rounds = sorted(v[1] for v in values)
            p90 = firsts[min(len(firsts) - 1, int(len(firsts) * 0.9))]
            out.append({"name": f"start.{label}.first_next", "value": round(statistics.median(firsts), 2),
                        "unit": "ms", "note": f"median of {runs}; p90 {p90:.2f} ms; "
                                              f"first invoke round trip {statistics.median(rounds):.2f} ms"})
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--package-dir", type=pathlib.Path, help="existing scripts/package output (reader, worker, "
                                                               "runtime-probe); default: build")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--markdown", action="store_true", help="a table like scripts/bench's (it calls this)")
    args = ap.parse_args(argv)
    reason = chroot.chroot_unavailable_reason()
    if reason:
        print(f"bench_package: skipped, the packaged bootstrap runs in a chroot: {reason}", file=sys.stderr)
        return 0
    result = rows(args.runs, args.package_dir)
    if args.json:
        print(json.dumps(result, indent=2))
    elif args.markdown:
        print("| packaging | value | |")
        print("|---|---|---|")
        for r in result:
            print(f"| {r['name']} | {r['value']} {r['unit']} | {r['note']} |")
    else:
        for r in result:
            print(f"{r['name']:<36} {r['value']:>8} {r['unit']:<3} {r['note']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
