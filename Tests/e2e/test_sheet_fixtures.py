"""The committed sheet fixtures are what their generator writes, and each expectation adds up."""
import filecmp
import subprocess
import sys

import pytest

from sheet_fixtures import FIXTURES, NAMES, expected_messages, load


def test_fixtures_match_their_generator(tmp_path):
    subprocess.run([sys.executable, str(FIXTURES / "make_sheet_fixtures.py"), str(tmp_path)], check=True,
                   capture_output=True)
    for name in NAMES:
        for suffix in (".json", ".expected.json"):
            assert filecmp.cmp(tmp_path / (name + suffix), FIXTURES / (name + suffix), shallow=False), \
                f"{name}{suffix} is stale: run Tests/Fixtures/make_sheet_fixtures.py"


@pytest.mark.parametrize("name", NAMES)
def test_every_row_is_accounted_for_once(name):
    sheet, expected = load(name)
    rows = [e["row"] for e in expected["enqueued"]] + [s["row"] for s in expected["skipped"]] + \
           [r["row"] for r in expected["rejected"]]
    assert len(rows) == len(set(rows)) == expected["rows"]
    assert all(2 <= r <= len(sheet["values"]) for r in rows)
    for r in expected["rejected"]:
        assert set(r) == {"row", "column", "value", "reason"} and r["reason"]


def test_hostile_sheet_is_hostile_enough():
    sheet, expected = load("hostile-sheet")
    assert expected["rows"] >= 50
    assert any(len(str(c)) >= 10_000 for row in sheet["values"] for c in row)


def test_messages_carry_run_and_row():
    _, expected = load("example-sheet")
    bodies = expected_messages(expected, "evt-1", "sheet-1")
    assert bodies[0]["run"] == {"id": "evt-1", "time": expected["now"]}
    assert [b["sheet"]["row"] for b in bodies] == [e["row"] for e in expected["enqueued"]]
