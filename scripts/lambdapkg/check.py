"""Checks on an unpacked package: every ELF finds each library it needs inside the package, with every symbol
version it asks for (`GLIBC_2.35`, `GLIBCXX_3.4.30`, `OPENSSL_3.0.0`, …) defined by the bundled copy.

This is the "would the loader accept it" question answered statically; the chroot test answers it by running.
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

from . import elf


@dataclasses.dataclass
class ElfReport:
    path: str  # relative to the package root
    highest_glibc: str | None
    highest_glibcxx: str | None
    problems: list[str]


def _bundled(root: Path) -> dict[str, Path]:
    """SONAME (or file name) → path for every ELF under root/lib."""
    out = {}
    lib = root / "lib"
    for p in sorted(lib.iterdir()) if lib.is_dir() else []:
        if elf.is_elf(p):
            out[p.name] = p
            name = elf.soname(p)
            if name:
                out.setdefault(name, p)
    return out


def check_package(root: Path, entry: str = "bootstrap") -> list[ElfReport]:
    """One report per ELF (entry first, then lib/*); a report with problems means the loader would refuse it."""
    bundled = _bundled(root)
    defined_cache: dict[Path, set[str]] = {}
    files = [root / entry] + sorted(set(bundled.values()))
    reports = []
    for path in files:
        problems = []
        needs = elf.versions_needed(path)
        for name in elf.needed(path):
            if name not in bundled:
                problems.append(f"needs {name}, not in the package")
        for lib_name, versions in needs.items():
            provider = bundled.get(lib_name)
            if provider is None:
                if lib_name not in elf.needed(path):
                    problems.append(f"needs versions of {lib_name}, not in the package")
                continue
            defined = defined_cache.setdefault(provider, elf.versions_defined(provider))
            for v in sorted(versions - defined):
                problems.append(f"needs {v} from {lib_name}, which defines only up to "
                                f"{elf.highest(defined, v.split('_')[0]) or 'none of that family'}")
        every = set().union(*needs.values()) if needs else set()
        reports.append(ElfReport(str(path.relative_to(root)), elf.highest(every, "GLIBC"),
                                 elf.highest(every, "GLIBCXX"), problems))
    return reports


def provided(root: Path, prefix: str) -> str | None:
    """The highest version of a family (`GLIBC`, `GLIBCXX`) any bundled library defines."""
    versions: set[str] = set()
    for p in set(_bundled(root).values()):
        versions |= elf.versions_defined(p)
    return elf.highest(versions, prefix)
