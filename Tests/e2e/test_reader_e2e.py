"""The real `reader` binary against local stand-ins: the Lambda Runtime API, a Google token endpoint that verifies
the RS256 assertion with the service account's public key, a Sheets endpoint, and moto with SigV4 checking on.

Each test asserts what a trader would see: exactly which messages are on the queue, the summary the function
answers with, the error a misconfiguration produces — and that no secret shows up in any of it.
"""
import datetime as dt
import json

import pytest

from conftest import BIN_DIR
from devstack.moto import start_moto
from devstack.runtime_api import RuntimeAPI, spawn_bootstrap
from reader_fixtures import (SheetsStandIn, as_reported, assert_no_secrets, days_since_fixture, drain, new_queue, reader_env,
                             run_local, scheduled_event, secrets_of, shifted)
from sheet_fixtures import expected_messages, expected_summary, load, raw

READER = BIN_DIR / "reader"
SHEET_ID = "1hostileSheet-0123456789_abcdefghijklmnopqrs"


@pytest.fixture(scope="module")
def moto():
    with start_moto() as m:
        yield m


@pytest.fixture(scope="module")
def sqs(moto):
    return moto.boto3_client("sqs")


@pytest.fixture
def google():
    g = SheetsStandIn().start()
    yield g
    g.stop()


@pytest.fixture
def key_file(google):
    return google.create_service_account(account="signals-reader")


@pytest.fixture
def queue_url(sqs):
    return new_queue(sqs)


@pytest.fixture
def hostile(google):
    """The hostile sheet served byte-exact, and its expectation, with dates kept meaningful today."""
    _, expected = load("hostile-sheet")
    text, expected = shifted(raw("hostile-sheet").decode(), expected, days_since_fixture())
    google.serve_raw(SHEET_ID, text)
    return as_reported(expected)


class Lambda:
    """The reader under the local Runtime API; stopped (and its output kept) at teardown."""

    def __init__(self, env, timeout_s=60):
        self.api = RuntimeAPI(function_name="reader", function_timeout_s=timeout_s).start()
        self.proc = spawn_bootstrap([READER], env=env, api=self.api, inherit_env=False)

    def invoke(self, event):
        return self.api.invoke(event)

    def stop(self):
        self.proc.stop()
        self.api.stop()

    def outputs(self):
        return [self.proc.stdout, self.proc.stderr]


@pytest.fixture
def start_lambda():
    started = []

    def start(env, **kw):
        lam = Lambda({"PATH": "/usr/bin:/bin", **env}, **kw)
        started.append(lam)
        return lam

    yield start
    for lam in started:
        lam.stop()


def log_records(lam):
    return [json.loads(line) for line in lam.proc.stdout.splitlines() if line.strip()]


# MARK: - The hostile sheet, scheduled

def test_hostile_sheet_enqueues_exactly_the_valid_signals(google, moto, sqs, key_file, queue_url, hostile, start_lambda):
    env = reader_env(google, moto, key_file, SHEET_ID, queue_url)
    lam = start_lambda(env)
    event = scheduled_event("evt-hostile-1", hostile["now"])

    result = lam.invoke(event)

    assert result.kind == "response", result.body
    assert result.json == expected_summary(hostile, "evt-hostile-1")
    assert drain(sqs, queue_url) == expected_messages(hostile, "evt-hostile-1", SHEET_ID)

    # One warning per rejected row, naming row, column, value and reason; one EMF record with the counts.
    records = log_records(lam)
    rejected = [r for r in records if r.get("message") == "row rejected"]
    assert [{k: r[k] for k in ("row", "column", "value", "reason")} for r in rejected] == hostile["rejected"]
    assert all(r["level"] == "WARN" and r["requestId"] == result.request_id for r in rejected)
    emf = [r for r in records if "_aws" in r]
    assert len(emf) == 1
    assert emf[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "TradingAlerts"
    assert (emf[0]["RowsRead"], emf[0]["RowsRejected"], emf[0]["SignalsEnqueued"]) == \
        (hostile["rows"], len(hostile["rejected"]), len(hostile["enqueued"]))

    # The JWT went through the stand-in's signature check once; the Sheets call carried its token.
    assert google.log.count(path="/token", status=200) == 1
    assert_no_secrets(lam.outputs() + [result.body.decode()], secrets_of(key_file, google, env))


def test_warm_invocations_reuse_the_token(google, moto, sqs, key_file, queue_url, hostile, start_lambda):
    lam = start_lambda(reader_env(google, moto, key_file, SHEET_ID, queue_url))
    for n in range(3):
        result = lam.invoke(scheduled_event(f"evt-warm-{n}", hostile["now"]))
        assert result.kind == "response", result.body
        assert result.json["enqueued"] == len(hostile["enqueued"])
    assert google.log.count(path="/token") == 1
    assert len(drain(sqs, queue_url)) == 3 * len(hostile["enqueued"])


def test_any_json_object_uses_the_invocation(google, moto, sqs, key_file, queue_url, hostile, start_lambda):
    lam = start_lambda(reader_env(google, moto, key_file, SHEET_ID, queue_url))
    result = lam.invoke({"manual": True})
    assert result.kind == "response", result.body
    run = result.json["run"]
    assert run["id"] == result.request_id
    started = dt.datetime.fromisoformat(run["time"].replace("Z", "+00:00"))
    assert abs((dt.datetime.now(dt.timezone.utc) - started).total_seconds()) < 120
    bodies = drain(sqs, queue_url)
    assert {b["run"]["id"] for b in bodies} == {result.request_id}
    assert {b["run"]["time"] for b in bodies} == {run["time"]}


# MARK: - reader --event

def test_event_file_prints_the_summary_alone(google, moto, sqs, key_file, queue_url, tmp_path):
    _, expected = load("example-sheet")
    text, expected = shifted(raw("example-sheet").decode(), as_reported(expected), days_since_fixture())
    google.serve_raw("example", text)
    env = reader_env(google, moto, key_file, "example", queue_url)

    done = run_local(READER, scheduled_event("evt-cron", expected["now"]), env, tmp_path)

    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == expected_summary(expected, "evt-cron")
    assert done.stdout.count("\n") == 1
    assert all(json.loads(line) for line in done.stderr.splitlines())  # logs: JSON lines on stderr
    assert drain(sqs, queue_url) == expected_messages(expected, "evt-cron", "example")
    assert_no_secrets([done.stdout, done.stderr], secrets_of(key_file, google, env))


@pytest.mark.parametrize("range_text, tab", [
    ("My Signals!A1:ZZ", "My Signals"),
    ("'Bob''s Signals'!A1:P", "Bob's Signals"),
    ("Bob's Signals!A:P", "Bob's Signals"),
])
def test_a_named_tab_is_read(google, moto, sqs, key_file, queue_url, tmp_path, range_text, tab):
    google.serve_sheet("tabs", {"Other": [["symbol", "condition", "price"], ["ETHUSDT", "above", 1]],
                                tab: [["symbol", "condition", "price"], ["BTCUSDT", "above", 65000]]})
    env = reader_env(google, moto, key_file, "tabs", queue_url, GOOGLE_SHEETS_RANGE=range_text)
    done = run_local(READER, {}, env, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert json.loads(done.stdout)["enqueued"] == 1
    [body] = drain(sqs, queue_url)
    assert body["signal"]["symbol"] == "BTCUSDT" and body["signal"]["target_price"] == "65000"


def test_a_tab_that_does_not_exist_says_to_fix_the_range(google, moto, key_file, queue_url, tmp_path):
    google.serve_sheet("tabs", [["symbol", "condition", "price"]], tab="Signals")
    env = reader_env(google, moto, key_file, "tabs", queue_url, GOOGLE_SHEETS_RANGE="Sigs!A1:ZZ")
    done = run_local(READER, {}, env, tmp_path)
    assert done.returncode == 1
    error = json.loads(done.stdout)
    assert error["errorType"] == "RangeInvalid"
    assert "GOOGLE_SHEETS_RANGE" in error["errorMessage"] and "Sigs" in error["errorMessage"]


# MARK: - Errors a trader may see

@pytest.mark.parametrize("missing", ["GOOGLE_SHEETS_SPREADSHEET_ID", "GOOGLE_SERVICE_ACCOUNT_JSON", "SQS_QUEUE_URL",
                                     "AWS_REGION"])
def test_init_error_names_the_missing_variable(google, moto, key_file, queue_url, start_lambda, missing):
    env = reader_env(google, moto, key_file, SHEET_ID, queue_url, **{missing: None, "AWS_DEFAULT_REGION": None})
    lam = start_lambda(env)
    init = lam.api.wait_for_init_error(timeout=30)
    assert init is not None, lam.proc.stdout + lam.proc.stderr
    assert missing in init.json["errorMessage"]
    assert lam.proc.wait(timeout=30) != 0
    assert lam.invoke({}).kind == "init_error"


def test_a_broken_key_is_an_init_error_without_the_key(google, moto, key_file, queue_url, start_lambda):
    broken = dict(key_file, private_key=key_file["private_key"].replace("MII", "MIX", 1))
    env = reader_env(google, moto, broken, SHEET_ID, queue_url)
    lam = start_lambda(env)
    init = lam.api.wait_for_init_error(timeout=30)
    assert init is not None
    message = init.json["errorMessage"]
    assert "GOOGLE_SERVICE_ACCOUNT_JSON" in message and "private_key" in message
    assert lam.proc.wait(timeout=30) != 0
    assert_no_secrets(lam.outputs() + [init.body.decode()], secrets_of(broken, google, env))


def test_a_sheet_not_shared_says_who_to_share_it_with(google, moto, sqs, key_file, queue_url, hostile, start_lambda):
    env = reader_env(google, moto, key_file, SHEET_ID, queue_url)
    lam = start_lambda(env)
    google.unshare(SHEET_ID)

    result = lam.invoke(scheduled_event("evt-403", hostile["now"]))

    assert result.kind == "error"
    assert result.error_type == "Function.SheetNotShared"
    assert key_file["client_email"] in result.json["errorMessage"]
    assert "share the sheet" in result.json["errorMessage"]
    assert drain(sqs, queue_url) == []

    # The process lives on: shared again, the next invocation works.
    google.sheets[SHEET_ID].shared_with = None
    again = lam.invoke(scheduled_event("evt-after", hostile["now"]))
    assert again.kind == "response", again.body
    assert_no_secrets(lam.outputs() + [result.body.decode()], secrets_of(key_file, google, env))


def test_a_rejected_grant_is_a_clear_error(google, moto, sqs, key_file, queue_url, hostile, start_lambda):
    env = reader_env(google, moto, key_file, SHEET_ID, queue_url)
    lam = start_lambda(env)
    google.fail_token(status=400, times=None, error="invalid_grant")

    result = lam.invoke(scheduled_event("evt-grant", hostile["now"]))

    assert result.kind == "error"
    assert result.error_type == "Function.TokenRejected"
    message = result.json["errorMessage"]
    assert "invalid_grant" in message and key_file["client_email"] in message
    assert google.log.count(path="/token") == 1, "a refused grant is not retried"
    assert google.log.count(endpoint="values") == 0
    assert drain(sqs, queue_url) == []
    assert_no_secrets(lam.outputs() + [result.body.decode()], secrets_of(key_file, google, env))


def test_a_token_endpoint_outage_is_retried_then_reported(google, moto, sqs, key_file, queue_url, hostile, start_lambda):
    env = reader_env(google, moto, key_file, SHEET_ID, queue_url)
    lam = start_lambda(env)
    google.fail_token(status=503, times=1)
    ok = lam.invoke(scheduled_event("evt-blip", hostile["now"]))
    assert ok.kind == "response", ok.body
    assert google.log.count(path="/token") == 2

    google.expire_tokens()  # nothing cached would help: every token it holds is now refused
    lam2 = start_lambda(env)
    google.fail_token(status=500, times=None)
    down = lam2.invoke(scheduled_event("evt-down", hostile["now"]))
    assert down.kind == "error"
    assert down.error_type == "Function.TokenUnavailable"
    assert "next run will try again" in down.json["errorMessage"]


def test_a_run_that_cannot_enqueue_fails_loudly(google, moto, sqs, key_file, queue_url, hostile, start_lambda):
    env = reader_env(google, moto, key_file, SHEET_ID, queue_url, AWS_SECRET_ACCESS_KEY="not-the-secret-" + "x" * 25)
    lam = start_lambda(env)

    result = lam.invoke(scheduled_event("evt-sqs", hostile["now"]))

    assert result.kind == "error"
    assert result.error_type == "Function.EnqueueFailed"
    n = len(hostile["enqueued"])
    assert result.json["errorMessage"].startswith(f"{n} of {n} valid signals could not be put on the SQS queue")
    failed = [r for r in log_records(lam) if r.get("message") == "signal not enqueued"]
    assert sorted(r["row"] for r in failed) == [e["row"] for e in hostile["enqueued"]]
    emf = [r for r in log_records(lam) if "_aws" in r]
    assert emf and emf[-1]["SignalsEnqueued"] == 0
    assert drain(sqs, queue_url) == []
    assert_no_secrets(lam.outputs() + [result.body.decode()], secrets_of(key_file, google, env))
