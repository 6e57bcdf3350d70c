"""Shared pytest fixtures for the end-to-end tests: paths to the release binaries and the dev stack."""
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))

BIN_DIR = pathlib.Path(os.environ.get("BIN_DIR", ROOT / ".build" / "release"))
