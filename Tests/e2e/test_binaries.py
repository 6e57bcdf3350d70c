"""The two executables exist and start. Replaced by real end-to-end tests as the issues land."""
import subprocess

from conftest import BIN_DIR


def test_binaries_are_built():
    for name in ("reader", "worker"):
        assert (BIN_DIR / name).exists(), f"{name} was not built"
