"""The sheet fixtures (Tests/Fixtures, written by make_sheet_fixtures.py) for end-to-end tests.

    sheet, expected = load("hostile-sheet")
    serve `sheet` from the local Sheets stand-in, invoke the reader with an event whose time is
    expected["now"], then compare the queue with expected_messages(...) and the response with
    expected_summary(...).
"""
import json
import pathlib

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "Fixtures"
NAMES = ("hostile-sheet", "missing-header-sheet", "example-sheet")


def raw(name):
    """The sheet response bytes, to serve verbatim: the hostile sheet holds the bare JSON number 1e400,
    which Python's json reads as inf and would write back as the invalid token Infinity."""
    return (FIXTURES / f"{name}.json").read_bytes()


def load(name):
    """(the Sheets API response, its expectation)."""
    sheet = json.loads((FIXTURES / f"{name}.json").read_text())
    expected = json.loads((FIXTURES / f"{name}.expected.json").read_text())
    return sheet, expected


def expected_messages(expected, run_id, sheet_id, run_time=None):
    """The SQS message bodies (SPEC §4) the reader must send, as dicts, in sheet row order."""
    run_time = run_time or expected["now"]
    return [
        {"version": 1, "run": {"id": run_id, "time": run_time}, "sheet": {"id": sheet_id, "row": e["row"]},
         "signal": e["signal"]}
        for e in expected["enqueued"]
    ]


def expected_summary(expected, run_id, run_time=None):
    """The reader's response (SPEC §2) when every valid signal was enqueued."""
    return {"run": {"id": run_id, "time": run_time or expected["now"]}, "rows": expected["rows"],
            "enqueued": len(expected["enqueued"]), "skipped": expected["skipped"], "rejected": expected["rejected"]}
