"""Helpers for the reader's end-to-end tests: the stand-ins (Google, moto, the Runtime API), sheets served
byte-exact, a queue drained into message bodies, and the secret check every captured output goes through.

Sheet fixtures carry `expires` dates relative to the generator's "now" (Tests/Fixtures, 2026-11-25T20:00Z).
The reader judges expiry by its own clock, so `shifted()` moves every valid date in the `expires` column (and
the expectation) forward by the whole days since then: the fixture means the same thing on any later day.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import uuid
from decimal import Decimal

from devstack._http import Response
from devstack.google import Google

SCHEDULED_EVENT = {
    "version": "0", "detail-type": "Scheduled Event", "source": "aws.events", "account": "123456789012",
    "region": "us-east-1", "resources": ["arn:aws:events:us-east-1:123456789012:rule/trading-signals-hourly"],
    "detail": {},
}


def scheduled_event(event_id: str, time: str) -> dict:
    return {**SCHEDULED_EVENT, "id": event_id, "time": time}


# MARK: - Sheets served byte-exact

class RawNumber(Decimal):
    """A JSON number that remembers its text (`1e400` must reach the reader as written, not as Infinity)."""
    text: str

    def __new__(cls, text: str):
        n = super().__new__(cls, text)
        n.text = text
        return n


def loads(text: str):
    return json.loads(text, parse_float=RawNumber, parse_int=RawNumber)


def _plain(value):
    """The same cells as ordinary Python values (the stand-in's own bookkeeping; 1e400 becomes inf)."""
    if isinstance(value, RawNumber):
        return int(value) if value == value.to_integral_value() and abs(value) < 2**63 else float(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def dumps(value) -> str:
    if isinstance(value, RawNumber):
        return value.text
    if isinstance(value, dict):
        return "{" + ",".join(json.dumps(k) + ":" + dumps(v) for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ",".join(dumps(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


class SheetsStandIn(Google):
    """The devstack Google stand-in, able to serve a sheet's `values` exactly as given (raw JSON text), while
    still checking the bearer token, the sharing and the range as the stand-in does."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.raw_values: dict[str, str] = {}

    def serve_raw(self, spreadsheet_id: str, response_text: str, tab: str = "Signals") -> None:
        """Serve the `values` of a Sheets response text verbatim; `range` is echoed as `tab!A1:ZZ<n>`."""
        rows = loads(response_text)["values"]
        self.raw_values[spreadsheet_id] = dumps(rows)
        self.serve_sheet(spreadsheet_id, _plain(rows), tab=tab)

    def _values(self, request, spreadsheet_id, range_text):
        response = super()._values(request, spreadsheet_id, range_text)
        raw = self.raw_values.get(spreadsheet_id)
        if response.status != 200 or raw is None:
            return response
        echoed = json.loads(response.body).get("range", "Signals!A1:ZZ")
        return Response.raw_json(200, '{"range":%s,"majorDimension":"ROWS","values":%s}' % (json.dumps(echoed), raw))


# MARK: - Dates that keep their meaning

_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})(.*)$")
FIXTURE_NOW = dt.datetime(2026, 11, 25, 20, 0, tzinfo=dt.timezone.utc)


def days_since_fixture(now: dt.datetime | None = None) -> int:
    now = now or dt.datetime.now(dt.timezone.utc)
    return max(0, (now - FIXTURE_NOW).days)


def _shift_iso(text: str, days: int) -> str:
    m = _ISO.match(text)
    if not m:
        return text
    try:
        day = dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return text  # an impossible date the reader must reject as written
    return (day + dt.timedelta(days=days)).isoformat() + m[4]


def _shift_cell(cell, days: int):
    if isinstance(cell, str):
        return _shift_iso(cell, days)
    if isinstance(cell, RawNumber) and cell.is_finite() and 0 < cell < 2_958_466:  # a sheet date serial
        return RawNumber(str(cell + days))
    return cell


def _canonical(header) -> str:
    return re.sub(r"[\s_-]+", "_", str(header).strip().lower())


def shifted(sheet_text: str, expected: dict, days: int) -> tuple[str, dict]:
    """(sheet response text, expectation) with every `expires` date `days` later."""
    sheet = loads(sheet_text)
    if days == 0:
        return dumps(sheet), expected
    header = sheet["values"][0]
    columns = [i for i, h in enumerate(header) if _canonical(h) in ("expires", "until")]
    for row in sheet["values"][1:]:
        for i in columns:
            if i < len(row):
                row[i] = _shift_cell(row[i], days)
    expected = json.loads(json.dumps(expected))
    for e in expected["enqueued"]:
        if "expires" in e["signal"]:
            e["signal"]["expires"] = _shift_iso(e["signal"]["expires"], days)
    expected["now"] = _shift_iso(expected["now"], days)
    return dumps(sheet), expected


def as_reported(expected: dict) -> dict:
    """The expectation as the reader reports it: a user-column value that looks like a (mistyped) Pushover key
    is cut to its first four characters, so keys stay out of logs and results (SPEC §8)."""
    expected = json.loads(json.dumps(expected))
    for r in expected["rejected"]:
        v = r["value"]
        if r["column"] == "pushover_user_key" and len(v) >= 16 and v.isascii() and v.isalnum():
            r["value"] = v[:4] + "…"
    return expected


# MARK: - The queue

def new_queue(sqs) -> str:
    return sqs.create_queue(QueueName="signals-" + uuid.uuid4().hex[:12])["QueueUrl"]


def drain(sqs, queue_url: str) -> list[dict]:
    """Every message on the queue, as parsed bodies, in sheet row order (moto hands out all visible ones)."""
    bodies = []
    while True:
        got = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get("Messages", [])
        if not got:
            break
        for m in got:
            bodies.append(json.loads(m["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
    return sorted(bodies, key=lambda b: b["sheet"]["row"])


# MARK: - The reader's environment

def reader_env(google: Google, moto, key_file: dict, spreadsheet_id: str, queue_url: str, **overrides) -> dict:
    env = {
        **moto.env(),
        "GOOGLE_SHEETS_SPREADSHEET_ID": spreadsheet_id,
        "GOOGLE_SERVICE_ACCOUNT_JSON": json.dumps(key_file),
        "GOOGLE_SHEETS_API_URL": google.url,
        "SQS_QUEUE_URL": queue_url,
        "LOG_LEVEL": "info",
    }
    for k, v in overrides.items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


def run_local(binary, event, env: dict, tmp_path) -> subprocess.CompletedProcess:
    """`reader --event FILE`, with only `env` (no inherited AWS or Google settings)."""
    path = tmp_path / f"event-{uuid.uuid4().hex[:8]}.json"
    path.write_text(json.dumps(event))
    return subprocess.run([str(binary), "--event", str(path)], env={"PATH": "/usr/bin:/bin", **env},
                          capture_output=True, text=True, timeout=120)


# MARK: - Secrets

def secrets_of(key_file: dict, google: Google, env: dict) -> list[str]:
    """Strings that must never appear in a log line, an error or a result."""
    pem_lines = [line for line in key_file["private_key"].splitlines() if line and "-----" not in line]
    found = ["PRIVATE KEY", env.get("AWS_SECRET_ACCESS_KEY", ""), env.get("AWS_SESSION_TOKEN", "")] + pem_lines
    with google._data_lock:
        found += list(google.tokens)           # access tokens issued by the stand-in
    return [s for s in found if s]


def assert_no_secrets(texts, secrets) -> None:
    for text in texts:
        for s in secrets:
            assert s not in text, f"a secret ({s[:6]}…) leaked into output: {text[:200]}"
        # An RS256 assertion or any JWT: header and claims both start with base64url("{\"").
        assert not re.search(r"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.", text), "a JWT leaked into output"
