"""The hand-made SQS event source against moto: event shape, delete on success, redelivery, DLQ, batch failures."""
import hashlib
import itertools
import json

import pytest
from devstack_fixtures import stack  # noqa: F401  (fixture)

from devstack.event_source import EventSource, FunctionError, parse_batch_response

_names = itertools.count()


@pytest.fixture
def queue(stack):
    """A queue of this test's own (visibility 1 s, maxReceiveCount 2) and a sender for it."""
    url, dlq = stack.create_queue(f"es-test-{next(_names)}", visibility_timeout=1, max_receive_count=2)

    def send(*bodies, **attrs):
        for body in bodies:
            stack.sqs.send_message(QueueUrl=url, MessageBody=body, MessageAttributes={
                k: {"DataType": "String", "StringValue": v} for k, v in attrs.items()})
    return url, dlq, send


class Function:
    """A trivial SQS function: fails the records whose body contains "fail" (or "flaky", first time only)."""

    def __init__(self):
        self.events = []
        self.seen = {}

    def __call__(self, event: bytes) -> bytes:
        records = json.loads(event)["Records"]
        self.events.append(records)
        failures = []
        for r in records:
            count = self.seen[r["body"]] = self.seen.get(r["body"], 0) + 1
            if "fail" in r["body"] or ("flaky" in r["body"] and count == 1):
                failures.append({"itemIdentifier": r["messageId"]})
        return json.dumps({"batchItemFailures": failures}).encode()

    def deliveries(self, body):
        return [r["attributes"]["ApproximateReceiveCount"] for batch in self.events for r in batch
                if r["body"] == body]


@pytest.mark.parametrize("response, failed", [
    (b"", set()), (b"null", set()), (b"{}", set()), (b'{"batchItemFailures":[]}', set()),
    (b'{"batchItemFailures":null}', set()),
    (b'{"batchItemFailures":[{"itemIdentifier":"a"}]}', {"a"}),
    (b"not json", None), (b'{"batchItemFailures":[{"itemIdentifier":""}]}', None),
    (b'{"batchItemFailures":[{"itemIdentifier":null}]}', None),
    (b'{"batchItemFailures":[{"id":"a"}]}', None),
    (b'{"batchItemFailures":[{"itemIdentifier":"zzz"}]}', None),
    (b'{"batchItemFailures":"a"}', None),
])
def test_partial_batch_response_rules(response, failed):
    assert parse_batch_response(response, {"a", "b"})[0] == failed


def test_the_event_is_the_lambda_sqs_event(stack, queue):
    url, _, send = queue
    send("hello", kind="signal")
    fn = Function()
    report = EventSource(url, fn, sqs=stack.sqs).drain(timeout=20)
    assert report.deleted == 1 and report.remaining == 0
    [[record]] = fn.events
    assert set(record) == {"messageId", "receiptHandle", "body", "attributes", "messageAttributes", "md5OfBody",
                           "md5OfMessageAttributes", "eventSource", "eventSourceARN", "awsRegion"}
    assert record["eventSource"] == "aws:sqs" and record["awsRegion"] == stack.aws.region
    assert record["eventSourceARN"].startswith("arn:aws:sqs:") and record["eventSourceARN"].endswith(
        url.rsplit("/", 1)[-1])
    assert record["md5OfBody"] == hashlib.md5(b"hello").hexdigest()
    attrs = record["attributes"]
    assert attrs["ApproximateReceiveCount"] == "1"
    assert all(isinstance(v, str) for v in attrs.values())
    assert {"SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"} <= attrs.keys()
    assert record["messageAttributes"] == {"kind": {"stringValue": "signal", "stringListValues": [],
                                                    "binaryListValues": [], "dataType": "String"}}


def test_success_is_deleted_failures_redelivered_then_dead_lettered(stack, queue):
    url, dlq, send = queue
    send("ok-1", "fail-2", "ok-3")
    fn = Function()
    source = EventSource(url, fn, sqs=stack.sqs)
    report = source.drain(timeout=30)
    assert not report.timed_out and report.remaining == 0
    assert fn.deliveries("ok-1") == ["1"] and fn.deliveries("ok-3") == ["1"]
    assert fn.deliveries("fail-2") == ["1", "2"]                 # maxReceiveCount 2, then the DLQ
    assert report.deleted == 2 and report.failed == 2 and report.dlq_depth == 1
    assert [m["Body"] for m in source.dlq_messages()] == ["fail-2"]


def test_a_transient_failure_is_retried_and_then_deleted(stack, queue):
    url, _, send = queue
    send("flaky", "steady")
    fn = Function()
    report = EventSource(url, fn, sqs=stack.sqs).drain(timeout=30)
    assert fn.deliveries("flaky") == ["1", "2"] and fn.deliveries("steady") == ["1"]
    assert report.deleted == 2 and report.dlq_depth == 0 and report.remaining == 0


def test_a_function_error_retries_the_whole_batch(stack, queue):
    url, _, send = queue
    send("a", "b")
    calls = []

    def crash_once(event: bytes) -> bytes:
        calls.append(sorted(r["body"] for r in json.loads(event)["Records"]))
        if len(calls) == 1:
            raise FunctionError("boom", b'{"errorMessage":"boom","errorType":"Unhandled"}', "Function.Unhandled")
        return b"{}"

    report = EventSource(url, crash_once, sqs=stack.sqs).drain(timeout=30)
    assert sorted(sum(calls, [])) == ["a", "a", "b", "b"]
    assert report.function_errors == 1 and report.deleted == 2 and report.dlq_depth == 0
    assert report.results[0].whole_batch_failed and "function error" in report.results[0].reason


def test_an_unknown_item_identifier_fails_the_whole_batch(stack, queue):
    url, _, send = queue
    send("x")
    answers = iter([b'{"batchItemFailures":[{"itemIdentifier":"not-in-batch"}]}', b"{}"])
    report = EventSource(url, lambda event: next(answers), sqs=stack.sqs).drain(timeout=30)
    assert report.results[0].whole_batch_failed and "not a message of this batch" in report.results[0].reason
    assert report.batches == 2 and report.deleted == 1


def test_batches_hold_at_most_batch_size_records(stack, queue):
    url, _, send = queue
    stack.sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"m{i}"} for i in range(10)])
    stack.sqs.send_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "MessageBody": f"n{i}"} for i in range(7)])
    fn = Function()
    report = EventSource(url, fn, sqs=stack.sqs, batch_size=5).drain(timeout=30)
    assert max(len(b) for b in fn.events) <= 5 and sum(len(b) for b in fn.events) == 17
    assert report.deleted == 17 and report.remaining == 0


def test_drain_stops_at_its_bound(stack, queue):
    url, _, send = queue
    send("fail-forever")
    report = EventSource(url, Function(), sqs=stack.sqs).drain(timeout=30, max_batches=1)
    assert report.batches == 1 and report.remaining == 1 and report.failed == 1


def test_through_the_runtime_api_with_a_python_bootstrap(stack, queue):
    """The event source driving a real Runtime API loop in another process: partial failures and crashes."""
    import pathlib
    import sys

    from devstack.runtime_api import RuntimeAPI, spawn_bootstrap

    url, dlq, send = queue
    send("ok", "fail-me", "crash-once")
    function = pathlib.Path(__file__).with_name("fake_sqs_function.py")
    with RuntimeAPI(function_timeout_s=5) as api:
        bootstrap = spawn_bootstrap([sys.executable, str(function)], api=api)
        try:
            source = EventSource(url, api, sqs=stack.sqs, batch_size=10)
            report = source.drain(timeout=30)
        finally:
            bootstrap.stop()
    # the crash fails the first batch as a whole; on redelivery "ok" and "crash-once" succeed and "fail-me",
    # failed again at maxReceiveCount 2, goes to the dead-letter queue
    bodies = sorted(b for line in bootstrap.log_records() for b in line["bodies"])
    assert bodies == ["crash-once", "crash-once", "fail-me", "fail-me", "ok", "ok"]
    assert report.function_errors == 1 and report.deleted == 2 and report.remaining == 0
    assert [m["Body"] for m in source.dlq_messages()] == ["fail-me"]
    assert report.results[0].outcome.error_type == "Function.Crash"
