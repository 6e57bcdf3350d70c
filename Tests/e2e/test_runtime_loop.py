"""The Lambda Runtime API loop (SPEC §8) end to end: runtime-probe against devstack.runtime_api."""
import json
import time

from devstack.runtime_api import RuntimeAPI, spawn_bootstrap
from runtime_fixtures import PROBE, api, probe, records, run_local  # noqa: F401  (fixtures)


def test_a_response_goes_back_to_the_caller(api, probe):
    result = api.invoke(b'{"hello":"world","n":1.50}')
    assert result.kind == "response"
    assert result.body == b'{"hello":"world","n":1.50}'  # the bytes come back exactly as sent
    assert result.headers["Content-Type"] == "application/json"


def test_a_thrown_error_is_reported_and_the_loop_goes_on(api, probe):
    failed = api.invoke({"fail": "sheet unreadable"})
    assert failed.kind == "error"
    assert failed.error_type == "Function.ProbeFailure"
    assert failed.headers["Content-Type"] == "application/vnd.aws.lambda.error+json"
    assert failed.json == {"errorMessage": "sheet unreadable", "errorType": "ProbeFailure"}
    ok = api.invoke({"after": True})
    assert ok.kind == "response" and ok.json == {"after": True}
    assert probe.returncode is None
    logged = [r for r in probe.log_records() if r["level"] == "ERROR"]
    assert logged and logged[0]["requestId"] == failed.request_id
    assert logged[0]["errorType"] == "ProbeFailure"


def test_an_init_error_names_the_variable_and_the_process_exits():
    with RuntimeAPI() as api:
        proc = spawn_bootstrap([PROBE], api=api, env={"PROBE_REQUIRE": "SQS_QUEUE_URL"}, inherit_env=False)
        error = api.wait_for_init_error(timeout=10)
        assert proc.wait(10) != 0
        assert error is not None
        assert error.json["errorType"] == "ConfigurationError"
        assert "SQS_QUEUE_URL" in error.json["errorMessage"]
        assert error.error_type == "Runtime.ConfigurationError"
        assert not any(path.endswith("/next") for _, path, _ in api.calls)
        # Lambda serves the init error to the first invoke.
        assert api.invoke({}, timeout=1).kind == "init_error"


def test_the_context_carries_the_deadline_arn_and_request_id(api, probe):
    result = api.invoke({"context": True})
    ctx = result.json
    inv = api.last_invocation
    assert ctx["requestId"] == inv.request_id == result.request_id
    assert ctx["deadlineMs"] == inv.deadline_ms
    assert 2_000 < ctx["remainingMs"] <= 3_000  # function timeout 3 s
    assert ctx["invokedFunctionArn"] == api.function_arn
    slept = api.invoke({"sleepMs": 300}).json
    assert 250 <= slept["remainingBefore"] - slept["remainingAfter"] < 1_000


def test_the_trace_id_is_set_for_the_handler_and_unset_when_absent(api, probe):
    traced = api.invoke({"context": True}, trace_id="Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1").json
    assert traced["traceId"] == traced["traceEnv"] == "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1"
    untraced = api.invoke({"context": True}).json
    assert untraced["traceId"] is None and untraced["traceEnv"] is None


def test_a_hundred_invocations_in_a_row_on_one_process_and_one_connection(api, probe):
    ids = set()
    for i in range(100):
        result = api.invoke({"i": i} if i % 10 else {"fail": f"number {i}"})
        if i % 10:
            assert result.kind == "response" and result.json == {"i": i}
        else:
            assert result.kind == "error" and result.json["errorMessage"] == f"number {i}"
        ids.add(result.request_id)
    assert len(ids) == 100
    assert probe.returncode is None
    assert api.connections_accepted == 1  # keep-alive across invocations


def test_an_oversized_response_is_reported_as_an_error_not_sent(api, probe):
    result = api.invoke({"big": True})
    assert result.kind == "error"
    assert result.error_type == "Function.ResponseSizeTooLarge"
    assert result.json["errorType"] == "ResponseSizeTooLarge"
    assert not any(path.endswith("/response") for _, path, _ in api.calls)
    assert api.invoke({"small": 1}).kind == "response"


def test_a_413_from_the_api_is_survived():
    with RuntimeAPI(max_response_bytes=1_000) as api:
        proc = spawn_bootstrap([PROBE], api=api)
        try:
            result = api.invoke({"bytes": 2_000})
            assert result.kind == "error" and result.error_type == "Function.ResponseSizeTooLarge"
            assert any(status == 413 for _, _, status in api.calls)
            assert api.invoke({"after": 1}).json == {"after": 1}
            assert any("413" in r["message"] for r in proc.log_records() if r["level"] == "ERROR")
        finally:
            proc.stop()


def test_the_api_going_away_ends_the_process_with_a_clear_message(api, probe):
    assert api.invoke({}).kind == "response"
    assert api.wait_for_next(count=2)  # blocked in the next long poll
    api.stop()
    start = time.monotonic()
    assert probe.wait(10) != 0
    assert time.monotonic() - start < 5
    last = probe.log_records()[-1]
    assert last["level"] == "ERROR"
    assert "Runtime API" in last["message"] and "unreachable" in last["error"]


def test_a_500_from_next_means_exit_now(api, probe):
    assert api.wait_for_next()
    api.answer_next_with(500)
    assert probe.wait(10) != 0
    last = probe.log_records()[-1]
    assert "HTTP 500" in last["error"]
    assert sum(1 for _, path, _ in api.calls if path.endswith("/next")) == 1  # not retried


def test_every_stdout_line_is_a_json_log_record(api, probe):
    api.invoke({"log": "hello from the handler"})
    api.invoke({"fail": "x"})
    lines = probe.log_records()
    assert all({"timestamp", "level", "message"} <= set(r) for r in lines)
    hello = next(r for r in lines if r["message"] == "hello from the handler")
    assert hello["level"] == "INFO" and hello["requestId"] and hello["probe"] is True


# -- outside Lambda -------------------------------------------------------------------------------


def test_event_file_prints_the_response_alone(tmp_path):
    event = tmp_path / "event.json"
    event.write_text('{"log":"local run","k":[1,2]}')
    code, out, err = run_local(["--event", str(event)])
    assert code == 0
    assert out == '{"log":"local run","k":[1,2]}\n'
    assert any(r["message"] == "local run" for r in records(err))


def test_event_from_stdin():
    code, out, _ = run_local(["--event", "-"], stdin=b'{"context":true}')
    assert code == 0
    ctx = json.loads(out)
    assert ctx["requestId"].startswith("local-") and ctx["remainingMs"] > 0


def test_event_mode_failure_prints_the_error_json_and_exits_1():
    code, out, err = run_local(["--event", "-"], stdin=b'{"fail":"bad row"}')
    assert code == 1
    assert json.loads(out) == {"errorMessage": "bad row", "errorType": "ProbeFailure"}
    assert records(err)[-1]["level"] == "ERROR"


def test_event_mode_setup_failure_names_the_variable():
    code, out, _ = run_local(["--event", "-"], stdin=b"{}", env={"PROBE_REQUIRE": "DYNAMODB_TABLE_NAME"})
    assert code == 1
    assert "DYNAMODB_TABLE_NAME" in json.loads(out)["errorMessage"]


def test_event_mode_unreadable_file():
    code, out, _ = run_local(["--event", "/nonexistent/event.json"])
    assert code == 1
    assert json.loads(out)["errorType"] == "InvalidEvent"


def test_neither_lambda_nor_event_prints_usage_and_exits_2():
    code, out, err = run_local([])
    assert code == 2
    assert out == ""
    assert "usage:" in err and "--event" in err and "AWS_LAMBDA_RUNTIME_API" in err
    assert run_local(["--bogus"])[0] == 2
