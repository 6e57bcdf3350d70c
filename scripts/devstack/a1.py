"""A1 notation for the Sheets stand-in: parse a range, cut a grid to it, and echo it the way the API does."""
from __future__ import annotations

import re
from dataclasses import dataclass

_CELL = re.compile(r"^([A-Za-z]{0,3})(\d{0,7})$")


class RangeError(ValueError):
    pass


@dataclass
class A1Range:
    sheet: str | None          # None = the first sheet
    col1: int | None = None    # 0-based, inclusive; None = unbounded
    row1: int | None = None    # 0-based
    col2: int | None = None
    row2: int | None = None
    whole_sheet: bool = False


def column_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def column_letters(index: int) -> str:
    index += 1
    out = ""
    while index:
        index, rem = divmod(index - 1, 26)
        out = chr(65 + rem) + out
    return out


def _cell(text: str) -> tuple[int | None, int | None]:
    m = _CELL.match(text)
    if not m or (not m.group(1) and not m.group(2)):
        raise RangeError(text)
    col = column_index(m.group(1)) if m.group(1) else None
    row = int(m.group(2)) - 1 if m.group(2) else None
    if row is not None and row < 0:
        raise RangeError(text)
    return col, row


def _cells(text: str) -> tuple[int | None, int | None, int | None, int | None]:
    first, sep, second = text.partition(":")
    c1, r1 = _cell(first)
    if not sep:
        if c1 is None or r1 is None:
            raise RangeError(text)
        return c1, r1, c1, r1
    c2, r2 = _cell(second)
    # "A:B" and "1:2" are whole columns / rows; "A1:B" is open-ended downwards.
    if (c1 is None) != (c2 is None) and r1 is None:
        raise RangeError(text)
    return c1, r1, c2, r2


def unquote_sheet(name: str) -> str:
    if len(name) >= 2 and name[0] == "'" and name[-1] == "'":
        return name[1:-1].replace("''", "'")
    if "'" in name or name == "":
        raise RangeError(name)
    return name


def parse(text: str, sheet_names: list[str]) -> A1Range:
    """Parse an A1 range against the spreadsheet's tab names; raises RangeError like the API's 400."""
    text = text.strip()
    if not text:
        raise RangeError(text)
    if "!" in text:
        sheet_part, _, cells = text.rpartition("!")
        sheet = unquote_sheet(sheet_part)
        if sheet not in sheet_names:
            raise RangeError(text)
        if not cells:
            raise RangeError(text)
        return A1Range(sheet, *_cells(cells))
    # No "!": either cells on the first sheet or a sheet name.
    quoted = text.startswith("'")
    if not quoted:
        try:
            return A1Range(None, *_cells(text))
        except RangeError:
            pass
    sheet = unquote_sheet(text)
    if sheet not in sheet_names:
        raise RangeError(text)
    return A1Range(sheet, whole_sheet=True)


def quote_sheet(name: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name) and not _CELL.match(name):
        return name
    return "'" + name.replace("'", "''") + "'"


def _is_empty(cell) -> bool:
    return cell is None or cell == ""


def cut(grid: list[list], rng: A1Range) -> tuple[list[list], tuple[int, int, int, int]]:
    """Rows of `grid` inside the range, trailing empty cells and rows dropped (as the API does).

    Returns the values and the echoed bounds (col1, row1, col2, row2), open ends closed by the grid size
    (at least 1000 rows x 26 columns, like a new sheet).
    """
    width = max([len(r) for r in grid] + [26])
    height = max(len(grid), 1000)
    c1 = rng.col1 if rng.col1 is not None else 0
    r1 = rng.row1 if rng.row1 is not None else 0
    c2 = rng.col2 if rng.col2 is not None else width - 1
    r2 = rng.row2 if rng.row2 is not None else height - 1
    if rng.whole_sheet:
        c1, r1, c2, r2 = 0, 0, width - 1, height - 1
    c1, c2 = min(c1, c2), max(c1, c2)
    r1, r2 = min(r1, r2), max(r1, r2)
    rows: list[list] = []
    for row in grid[r1:r2 + 1]:
        cells = list(row[c1:c2 + 1])
        while cells and _is_empty(cells[-1]):
            cells.pop()
        rows.append(["" if c is None else c for c in cells])
    while rows and not rows[-1]:
        rows.pop()
    return rows, (c1, r1, c2, r2)


def echo(sheet: str, bounds: tuple[int, int, int, int]) -> str:
    c1, r1, c2, r2 = bounds
    return f"{quote_sheet(sheet)}!{column_letters(c1)}{r1 + 1}:{column_letters(c2)}{r2 + 1}"
