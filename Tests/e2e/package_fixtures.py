"""The Lambda zips, built once per test session with scripts/package (or taken from PACKAGE_DIR), and chroot roots.

PACKAGE_DIR=dir with reader.zip, worker.zip and runtime-probe.zip skips the build (e.g. after `scripts/package
--out dir reader worker runtime-probe`).
"""
from __future__ import annotations

import functools
import os
import pathlib
import subprocess
import tempfile

import pytest

from conftest import ROOT

PRODUCTS = ("reader", "worker", "runtime-probe")


@functools.lru_cache(maxsize=None)
def built_packages() -> dict[str, pathlib.Path]:
    given = os.environ.get("PACKAGE_DIR")
    if given:
        out = pathlib.Path(given)
    else:
        out = pathlib.Path(tempfile.mkdtemp(prefix="packages-"))
        proc = subprocess.run([str(ROOT / "scripts" / "package"), "--out", str(out), *PRODUCTS],
                              cwd=ROOT, capture_output=True, text=True)
        assert proc.returncode == 0, f"scripts/package failed:\n{proc.stderr[-4000:]}"
    zips = {p: out / f"{p}.zip" for p in PRODUCTS}
    missing = [str(z) for z in zips.values() if not z.is_file()]
    assert not missing, f"missing packages: {missing}"
    return zips


@pytest.fixture(scope="session")
def packages() -> dict[str, pathlib.Path]:
    return built_packages()
