"""An otherwise empty root holding one unpacked package at /var/task, to run `bootstrap` as Lambda would.

The root has only what a Lambda sandbox gives any runtime and the package cannot carry: /var/task (the zip),
an empty /tmp, /dev/null and /dev/urandom, and /proc (a private mount, gone when the process exits; Lambda has one, Swift reads
CommandLine.arguments from /proc/self/cmdline, and libdispatch's worker-pool monitor reads /proc/<tid>/stat and
traps with SIGILL when it is missing). Nothing from the host's /lib. Optionally, decoy libraries in /lib64
and /usr/lib64 with the names of bundled ones: Lambda puts those directories first in LD_LIBRARY_PATH, so if
the loader ever looked there instead of /var/task/lib, the decoy (not an ELF file) would make it fail.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import zipfile
from pathlib import Path

TASK_ROOT = "var/task"
LAMBDA_LD_LIBRARY_PATH = "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib"


def chroot_unavailable_reason() -> str | None:
    """None when this process may chroot (root, or CAP_SYS_CHROOT); otherwise why not."""
    if shutil.which("chroot") is None:
        return "the chroot command is not installed"
    try:
        subprocess.run(["chroot", "/", "true"], check=True, capture_output=True)
    except (subprocess.CalledProcessError, OSError) as e:
        return f"chroot is not permitted here ({e}); run the tests as root"
    return None


def unzip_preserving_modes(zip_path: Path, dest: Path) -> None:
    """Like Lambda's unpack: files keep their Unix modes from the zip, symlinks stay symlinks."""
    with zipfile.ZipFile(zip_path) as z:
        for info in z.infolist():
            target = dest / info.filename
            mode = info.external_attr >> 16
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            data = z.read(info)
            if (mode & 0o170000) == 0o120000:
                os.symlink(data.decode(), target)
                continue
            target.write_bytes(data)
            target.chmod(mode & 0o7777 or 0o644)


def make_root(zip_path: Path, root: Path, decoys: bool = True) -> Path:
    task = root / TASK_ROOT
    task.mkdir(parents=True)
    unzip_preserving_modes(zip_path, task)
    (root / "tmp").mkdir(mode=0o1777)
    (root / "tmp").chmod(0o1777)
    (root / "proc").mkdir()
    dev = root / "dev"
    dev.mkdir()
    os.mknod(dev / "null", 0o666 | 0o020000, os.makedev(1, 3))
    os.mknod(dev / "urandom", 0o666 | 0o020000, os.makedev(1, 9))
    if decoys:
        for d in ("lib64", "usr/lib64"):
            (root / d).mkdir(parents=True)
            for lib in sorted((task / "lib").iterdir()):
                (root / d / lib.name).write_text("decoy: a system library that must not shadow the bundled one\n")
    return root


def command(root: Path, argv: list[str]) -> list[str]:
    """argv (paths inside the root) run chrooted in a private mount namespace with /proc mounted.

    Absolute tool paths: the child's environment is Lambda's, whose PATH has no sbin."""
    unshare = shutil.which("unshare") or "/usr/bin/unshare"
    chroot = shutil.which("chroot") or "/usr/sbin/chroot"
    return [unshare, "--mount", f"--mount-proc={root / 'proc'}", chroot, str(root), *argv]


def run_without_proc(root: Path, argv: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    """Runs argv chrooted by this process itself (no /proc, no host tool in between), so that loader variables
    such as LD_TRACE_LOADED_OBJECTS reach only the program in the root. Call it with no other threads running."""
    def enter() -> None:
        os.chroot(root)
        os.chdir("/")
    return subprocess.run(argv, env=env, preexec_fn=enter, capture_output=True, text=True, timeout=timeout)


def lambda_environment(runtime_api: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment Lambda gives a provided.al2023 function (the parts a runtime can observe)."""
    env = {
        "AWS_LAMBDA_RUNTIME_API": runtime_api,
        "LAMBDA_TASK_ROOT": "/var/task",
        "LAMBDA_RUNTIME_DIR": "/var/runtime",
        "LD_LIBRARY_PATH": LAMBDA_LD_LIBRARY_PATH,
        "PATH": "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
        "LANG": "en_US.UTF-8",
        "TZ": ":UTC",
        "_HANDLER": "bootstrap",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_LAMBDA_FUNCTION_NAME": "package-test",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "SSL_CERT_FILE": "/var/task/ca-bundle.crt",
    }
    env.update(extra or {})
    return env
