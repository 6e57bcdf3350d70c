"""Turn one release binary into a Lambda zip whose `bootstrap` runs on provided.al2023 with nothing installed.

    cd scripts && python3 -m lambdapkg.bundle --binary ../.build/release/reader --name reader --out ../dist

Layout of the zip (unpacked by Lambda at /var/task):

    bootstrap            the binary, stripped; ELF interpreter = /var/task/lib/ld-linux-*.so.*, DT_RPATH = /var/task/lib
    lib/                 its shared-library closure from the build host, including glibc and the loader
    ca-bundle.crt        the build host's CA bundle; the deploy sets SSL_CERT_FILE to it

Why this wiring: the build host's glibc (Debian 12: 2.36) is newer than Amazon Linux 2023's (2.34), so the
binary must run on the glibc it was linked against. The kernel starts the bundled loader named by PT_INTERP, and
DT_RPATH (unlike RUNPATH) is searched before LD_LIBRARY_PATH, whose system directories Lambda puts first — so no
/lib64 library can shadow a bundled one. No shell wrapper, no extra exec.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from . import check, elf, stubs

TASK_ROOT = "/var/task"
CA_NAME = "ca-bundle.crt"
DEFAULT_CA = "/etc/ssl/certs/ca-certificates.crt"
FIXED_MTIME = 315964800  # 1980-01-06 UTC: the zip is byte-identical when its inputs are (idempotent deploys)


class PackagingError(Exception):
    pass


def host_arch() -> str:
    return {"x86_64": "x86_64", "aarch64": "arm64", "arm64": "arm64"}.get(os.uname().machine, os.uname().machine)


def ldd_map(binary: Path) -> dict[str, Path]:
    """SONAME → host path for the binary's whole closure, as the host loader resolves it."""
    proc = subprocess.run(["ldd", str(binary)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise PackagingError(f"ldd {binary} failed: {proc.stderr.strip() or proc.stdout.strip()}")
    out = {}
    for line in proc.stdout.splitlines():
        m = re.match(r"\s*(\S+) => (.+?) \(0x", line)
        if m:
            if m.group(2) == "not found":
                raise PackagingError(f"{binary} needs {m.group(1)}, which the build host does not have")
            out[m.group(1)] = Path(m.group(2))
        elif "not found" in line:
            raise PackagingError(f"ldd: {line.strip()}")
    return out


def closure(binary: Path, use_stubs: bool) -> tuple[dict[str, Path], dict[str, Path]]:
    """(libraries to copy, libraries to stub) as SONAME → host path. The loader itself is handled apart."""
    host = ldd_map(binary)
    interp = elf.interpreter(binary)
    interp_name = Path(interp).name if interp else None
    direct = set(elf.needed(binary))
    copy: dict[str, Path] = {}
    stub: dict[str, Path] = {}
    queue = list(elf.needed(binary))
    while queue:
        name = queue.pop(0)
        if name in copy or name in stub or name == interp_name:
            continue
        if name not in host:
            raise PackagingError(f"cannot resolve {name} on the build host")
        if use_stubs and stubs.is_stubbable(name) and name not in direct:
            stub[name] = host[name]
            continue
        copy[name] = host[name]
        queue.extend(elf.needed(host[name]))
    return copy, stub


def _run(cmd: list[str]) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise PackagingError(f"{' '.join(cmd)}: {proc.stderr.strip()}")


def stage(binary: Path, dest: Path, *, ca_bundle: Path, use_stubs: bool, task_root: str = TASK_ROOT) -> dict:
    """Fill dest with bootstrap, lib/ and the CA bundle; returns facts for the manifest."""
    if dest.exists():
        shutil.rmtree(dest)
    lib = dest / "lib"
    lib.mkdir(parents=True)
    interp = elf.interpreter(binary)
    if not interp:
        raise PackagingError(f"{binary} is statically linked or not an executable: nothing to bundle")
    copy, to_stub = closure(binary, use_stubs)

    libs = []
    for name, src in sorted(copy.items()):
        shutil.copyfile(src.resolve(), lib / name)
        libs.append({"name": name, "from": str(src.resolve()), "bytes": (lib / name).stat().st_size})
    shutil.copyfile(Path(interp).resolve(), lib / Path(interp).name)
    libs.append({"name": Path(interp).name, "from": str(Path(interp).resolve()),
                 "bytes": (lib / Path(interp).name).stat().st_size})

    stubbed = []
    for name, real in sorted(to_stub.items()):
        importers = [lib / n for n in copy if name in elf.needed(lib / n)]
        symbols = stubs.build_stub(real, importers, name, lib / name)
        stubbed.append({"name": name, "replaces": str(real.resolve()), "symbols": len(symbols),
                        "bytes": (lib / name).stat().st_size})

    # DT_RUNPATH in a bundled library would switch off the executable's RPATH for its own dependencies.
    for name in sorted(copy):
        if elf.runpath(lib / name):
            _run(["patchelf", "--force-rpath", "--set-rpath", f"{task_root}/lib", str(lib / name)])

    boot = dest / "bootstrap"
    shutil.copyfile(binary, boot)
    _run(["strip", "--strip-all", str(boot)])
    _run(["patchelf", "--set-interpreter", f"{task_root}/lib/{Path(interp).name}",
          "--force-rpath", "--set-rpath", f"{task_root}/lib", str(boot)])

    shutil.copyfile(ca_bundle, dest / CA_NAME)
    for p in [boot, *lib.iterdir()]:
        p.chmod(0o755)
    (dest / CA_NAME).chmod(0o644)
    for p in [dest, lib, *dest.rglob("*")]:
        os.utime(p, (FIXED_MTIME, FIXED_MTIME), follow_symlinks=False)
    return {"libraries": libs, "stubs": stubbed, "interpreter": f"{task_root}/lib/{Path(interp).name}",
            "rpath": f"{task_root}/lib"}


def make_zip(src: Path, out: Path) -> None:
    """Deterministic zip: sorted entries, fixed times, no uid/gid extras; symlinks kept as links."""
    if out.exists():
        out.unlink()
    entries = sorted(str(p.relative_to(src)) for p in src.rglob("*") if p.is_file() or p.is_symlink())
    subprocess.run(["zip", "-q", "-X", "-9", "--symlinks", str(out.resolve()), "-@"], cwd=src,
                   input="\n".join(entries) + "\n", text=True, check=True, env={**os.environ, "TZ": "UTC"})


def lambda_code_sha256(path: Path) -> str:
    """What Lambda reports as CodeSha256: base64 of the zip's SHA-256."""
    return base64.b64encode(hashlib.sha256(path.read_bytes()).digest()).decode()


def package(binary: Path, name: str, out_dir: Path, *, arch: str, ca_bundle: Path, use_stubs: bool,
            work_dir: Path | None = None) -> dict:
    if not elf.is_elf(binary):
        raise PackagingError(f"{binary} is not an ELF executable")
    got = elf.machine(binary)
    if got != arch:
        raise PackagingError(f"{binary} is {got}, --arch is {arch}")
    if arch != host_arch():
        raise PackagingError(f"--arch {arch} on a {host_arch()} host: the package bundles the build host's "
                             f"libraries, so build {arch} packages on a {arch} machine")
    if not ca_bundle.is_file():
        raise PackagingError(f"CA bundle {ca_bundle} not found (install ca-certificates)")
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = (work_dir or out_dir / ".staging") / name
    facts = stage(binary, staging, ca_bundle=ca_bundle, use_stubs=use_stubs)

    reports = check.check_package(staging)
    problems = [f"{r.path}: {p}" for r in reports for p in r.problems]
    if problems:
        raise PackagingError("the package would not load:\n  " + "\n  ".join(problems))

    zip_path = out_dir / f"{name}.zip"
    make_zip(staging, zip_path)
    boot = next(r for r in reports if r.path == "bootstrap")
    manifest = {
        "name": name,
        "arch": arch,
        "zip": zip_path.name,
        "zip_bytes": zip_path.stat().st_size,
        "unzipped_bytes": sum(p.stat().st_size for p in staging.rglob("*") if p.is_file()),
        "code_sha256": lambda_code_sha256(zip_path),
        "bootstrap_bytes": (staging / "bootstrap").stat().st_size,
        "bootstrap_needs": {"GLIBC": boot.highest_glibc, "GLIBCXX": boot.highest_glibcxx},
        "bundled_provides": {"GLIBC": check.provided(staging, "GLIBC"),
                             "GLIBCXX": check.provided(staging, "GLIBCXX")},
        "environment": {"SSL_CERT_FILE": f"{TASK_ROOT}/{CA_NAME}"},
        **facts,
    }
    (out_dir / f"{name}.manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--binary", required=True, type=Path)
    ap.add_argument("--name", required=True, help="zip name (reader, worker)")
    ap.add_argument("--out", type=Path, default=Path("dist"))
    ap.add_argument("--arch", default=host_arch(), choices=["x86_64", "arm64"])
    ap.add_argument("--ca-bundle", type=Path, default=Path(DEFAULT_CA))
    ap.add_argument("--no-stubs", action="store_true", help="bundle libcurl's whole closure instead of stubs")
    args = ap.parse_args(argv)
    try:
        m = package(args.binary, args.name, args.out, arch=args.arch, ca_bundle=args.ca_bundle,
                    use_stubs=not args.no_stubs)
    except PackagingError as e:
        print(f"package {args.name}: {e}", file=sys.stderr)
        return 1
    print(f"package {m['name']}: {args.out / m['zip']} {m['zip_bytes'] / 1e6:.1f} MB "
          f"({m['unzipped_bytes'] / 1e6:.1f} MB unzipped, {len(m['libraries'])} libraries, "
          f"{len(m['stubs'])} stubs); bootstrap needs {m['bootstrap_needs']['GLIBC']}, "
          f"bundles {m['bundled_provides']['GLIBC']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
