"""Read what the dynamic loader cares about from an ELF file, via binutils' `readelf` (no Python ELF dependency).

Everything here is a pure question about one file: machine, interpreter, NEEDED, SONAME, RPATH/RUNPATH,
symbol versions needed and defined, dynamic symbols.
"""
from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

ELF_MAGIC = b"\x7fELF"

# readelf's "Machine:" text → the architecture names Lambda uses.
_MACHINES = {"Advanced Micro Devices X86-64": "x86_64", "AArch64": "arm64"}


def _readelf(*args: str) -> str:
    return subprocess.run(["readelf", "-W", *args], check=True, capture_output=True, text=True).stdout


def is_elf(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == ELF_MAGIC
    except OSError:
        return False


def machine(path: Path) -> str:
    m = re.search(r"Machine:\s+(.+)", _readelf("-h", str(path)))
    text = m.group(1).strip() if m else "?"
    return _MACHINES.get(text, text)


def interpreter(path: Path) -> str | None:
    m = re.search(r"Requesting program interpreter: ([^\]]+)\]", _readelf("-l", str(path)))
    return m.group(1) if m else None


def _dynamic(path: Path, tag: str) -> list[str]:
    return re.findall(rf"\({tag}\)\s+.*?\[([^\]]*)\]", _readelf("-d", str(path)))


def needed(path: Path) -> list[str]:
    return _dynamic(path, "NEEDED")


def soname(path: Path) -> str | None:
    names = _dynamic(path, "SONAME")
    return names[0] if names else None


def rpath(path: Path) -> list[str]:
    return _dynamic(path, "RPATH")


def runpath(path: Path) -> list[str]:
    return _dynamic(path, "RUNPATH")


def versions_needed(path: Path) -> dict[str, set[str]]:
    """{needed file: {version names}} from .gnu.version_r."""
    out: dict[str, set[str]] = {}
    current = None
    in_section = False
    for line in _readelf("-V", str(path)).splitlines():
        if line.startswith("Version needs section"):
            in_section = True
            continue
        if in_section and (line.startswith("Version ") and "section" in line):
            in_section = False
        if not in_section:
            continue
        m = re.search(r"File: (\S+)", line)
        if m:
            current = out.setdefault(m.group(1), set())
            continue
        m = re.search(r"Name: (\S+)", line)
        if m and current is not None:
            current.add(m.group(1))
    return out


def versions_defined(path: Path) -> set[str]:
    """Version names from .gnu.version_d (without the BASE entry, which is the file's own name)."""
    out: set[str] = set()
    in_section = False
    for line in _readelf("-V", str(path)).splitlines():
        if line.startswith("Version definition section"):
            in_section = True
            continue
        if in_section and line.startswith("Version ") and "section" in line:
            in_section = False
        if in_section and "Flags: BASE" not in line:
            m = re.search(r"Name: (\S+)", line)
            if m:
                out.add(m.group(1))
    return out


@dataclasses.dataclass(frozen=True)
class Symbol:
    name: str
    version: str | None  # None: unversioned
    defined: bool
    kind: str  # FUNC, OBJECT, NOTYPE, ...
    size: int
    binding: str  # GLOBAL, WEAK


_SYM = re.compile(r"^\s*\d+:\s+[0-9a-f]+\s+(\S+)\s+(\w+)\s+(\w+)\s+\w+\s+(\S+)\s+(\S+)")


def dynamic_symbols(path: Path) -> list[Symbol]:
    out = []
    for line in _readelf("--dyn-syms", str(path)).splitlines():
        m = _SYM.match(line)
        if not m:
            continue
        size_text, kind, binding, ndx, full = m.groups()
        if not full or kind in ("SECTION", "FILE") or binding == "LOCAL":
            continue
        name, _, version = full.replace("@@", "@").partition("@")
        size = int(size_text, 16) if size_text.startswith("0x") else int(size_text)
        out.append(Symbol(name, version or None, ndx != "UND", kind, size, binding))
    return out


def version_key(version: str) -> tuple[int, ...]:
    """`GLIBC_2.34` → (2, 34); `GLIBCXX_3.4.29` → (3, 4, 29)."""
    return tuple(int(p) for p in re.findall(r"\d+", version.split("_", 1)[1]))


def highest(versions: set[str] | list[str], prefix: str) -> str | None:
    """The highest `PREFIX_x.y[.z]` among versions (e.g. prefix `GLIBC` ignores `GLIBCXX_…`)."""
    pattern = re.compile(rf"^{re.escape(prefix)}_\d+(\.\d+)*$")
    matching = [v for v in versions if pattern.match(v)]
    return max(matching, key=version_key) if matching else None
