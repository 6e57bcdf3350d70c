"""The Lambda SQS event-source mapping, by hand (with `ReportBatchItemFailures`).

    source = EventSource(queue_url, invoke=runtime_api, sqs=boto3_sqs_client, batch_size=10)
    report = source.drain(timeout=60)      # until the queue (incl. in-flight messages) is empty, or the bound
    report.deleted, report.failed, report.dlq_depth, report.function_errors

What it does, as Lambda does (awsdocs with-sqs.md, "Reporting batch item failures"):
- receives up to `batch_size` messages (several ReceiveMessage calls of <= 10), with all attributes;
- builds the SQS event: `{"Records": [{messageId, receiptHandle, body, attributes (all strings:
  ApproximateReceiveCount, SentTimestamp, SenderId, ApproximateFirstReceiveTimestamp), messageAttributes,
  md5OfBody, [md5OfMessageAttributes], eventSource "aws:sqs", eventSourceARN, awsRegion}]}`;
- invokes the function; a function error (error response, crash, timeout) fails the whole batch;
- reads the partial batch response: `{"batchItemFailures":[{"itemIdentifier": id}]}`; an empty or null list, `{}`,
  or an empty/null response is complete success; invalid JSON, an empty/null/unknown itemIdentifier or a bad key is
  complete failure;
- deletes every message not reported failed, and leaves the failed ones alone: they come back after the queue's
  visibility timeout, and the queue's redrive policy (maxReceiveCount) moves a message received too often to the
  dead-letter queue.

`invoke` is anything that runs the function on an event: a `runtime_api.RuntimeAPI` (its `.invoke(event_bytes)`
returns an InvokeResult whose kind "error"/"init_error"/"timeout" is a function error), or a callable
`event_bytes -> bytes` that may also return an `InvokeOutcome` or raise `FunctionError`.
"""
from __future__ import annotations

import base64
import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable

STANDARD_ATTRIBUTES = ("ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp",
                       "AWSTraceHeader", "SequenceNumber", "MessageGroupId", "MessageDeduplicationId")


class FunctionError(Exception):
    """Raised by an invoker when the function reported an error (or crashed, or timed out)."""

    def __init__(self, message: str, payload: bytes = b"", error_type: str | None = None):
        super().__init__(message)
        self.payload, self.error_type = payload, error_type


@dataclass
class InvokeOutcome:
    ok: bool                         # False: a function error; the whole batch is retried
    payload: bytes                   # the function's response, or its error body
    error_type: str | None = None


@dataclass
class BatchResult:
    records: list[dict]              # the Records of the event
    outcome: InvokeOutcome
    failed_ids: list[str]            # message ids left for redelivery
    deleted_ids: list[str]
    whole_batch_failed: bool
    reason: str | None               # why the whole batch failed, or a warning about the response
    duration: float

    @property
    def size(self) -> int:
        return len(self.records)


@dataclass
class DrainReport:
    batches: int = 0
    invocations: int = 0
    received: int = 0                # records delivered (a redelivered message counts again)
    deleted: int = 0
    failed: int = 0                  # records left for redelivery (reported failures + failed batches)
    function_errors: int = 0         # invocations that failed as a whole
    dlq_depth: int | None = None     # messages in the dead-letter queue at the end
    remaining: int = 0               # messages still in the queue (visible + in flight) at the end
    timed_out: bool = False
    elapsed: float = 0.0
    results: list[BatchResult] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "results"}

    def __str__(self) -> str:
        return (f"{self.batches} batches, {self.received} records, {self.deleted} deleted, {self.failed} left for "
                f"redelivery, {self.function_errors} function errors, DLQ depth {self.dlq_depth}, "
                f"{self.remaining} remaining{' (timed out)' if self.timed_out else ''}, {self.elapsed:.1f}s")


def _as_outcome(result: Any) -> InvokeOutcome:
    if isinstance(result, InvokeOutcome):
        return result
    if result is None:
        return InvokeOutcome(True, b"")
    if isinstance(result, (bytes, bytearray)):
        return InvokeOutcome(True, bytes(result))
    if isinstance(result, str):
        return InvokeOutcome(True, result.encode())
    if hasattr(result, "kind"):
        # runtime_api.InvokeResult: kind is response | error | init_error | timeout
        ok = result.kind == "response"
        return InvokeOutcome(ok, bytes(result.body or b""),
                             None if ok else (getattr(result, "error_type", None) or result.kind))
    payload = next((getattr(result, n) for n in ("payload", "body", "response") if hasattr(result, n)), b"")
    if isinstance(payload, str):
        payload = payload.encode()
    if isinstance(payload, (dict, list)):
        payload = json.dumps(payload).encode()
    ok = getattr(result, "ok", None)
    if ok is None:
        ok = not getattr(result, "error", None)
    error_type = getattr(result, "error_type", None)
    return InvokeOutcome(bool(ok), payload or b"", error_type)


def make_invoker(target: Any) -> Callable[[bytes], InvokeOutcome]:
    """Wrap a Runtime API (anything with .invoke) or a plain callable into `bytes -> InvokeOutcome`."""
    call = target.invoke if hasattr(target, "invoke") else target

    def invoke(event: bytes) -> InvokeOutcome:
        try:
            return _as_outcome(call(event))
        except FunctionError as e:
            return InvokeOutcome(False, e.payload or str(e).encode(), e.error_type)

    return invoke


def parse_batch_response(payload: bytes, ids: set[str]) -> tuple[set[str] | None, str | None]:
    """(failed ids, note). failed ids None = the whole batch failed (note says why)."""
    text = payload.strip()
    if not text or text == b"null":
        return set(), None
    try:
        obj = json.loads(text)
    except ValueError:
        return None, "the response is not valid JSON"
    if obj is None:
        return set(), None
    if not isinstance(obj, dict):
        return set(), f"the response is JSON {type(obj).__name__}, not an object: treated as complete success"
    failures = obj.get("batchItemFailures")
    if failures is None:
        return set(), None
    if not isinstance(failures, list):
        return None, "batchItemFailures is not a list"
    failed: set[str] = set()
    for item in failures:
        if not isinstance(item, dict) or "itemIdentifier" not in item:
            return None, f"a batchItemFailures entry has no itemIdentifier key: {item!r}"
        ident = item["itemIdentifier"]
        if ident is None or ident == "":
            return None, "an itemIdentifier is empty or null"
        if ident not in ids:
            return None, f"itemIdentifier {ident!r} is not a message of this batch"
        failed.add(ident)
    return failed, None


def _message_attributes(attrs: dict) -> dict:
    out = {}
    for name, value in (attrs or {}).items():
        item: dict[str, Any] = {"stringListValues": [], "binaryListValues": [], "dataType": value.get("DataType")}
        if "StringValue" in value:
            item["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            item["binaryValue"] = base64.b64encode(value["BinaryValue"]).decode()
        out[name] = item
    return out


class EventSource:
    def __init__(self, queue_url: str, invoke: Any, *, sqs: Any = None, batch_size: int = 10,
                 region: str | None = None, wait_seconds: int = 1,
                 on_batch: Callable[[BatchResult], None] | None = None, **client_kwargs: Any) -> None:
        """`sqs`: a boto3 SQS client (or pass endpoint_url/region_name/aws_access_key_id/... to make one)."""
        if sqs is None:
            import boto3
            sqs = boto3.client("sqs", region_name=region, **client_kwargs)
        self.sqs = sqs
        self.queue_url = queue_url
        self.invoke = make_invoker(invoke)
        self.batch_size = batch_size
        self.wait_seconds = wait_seconds
        self.on_batch = on_batch
        self.region = region or sqs.meta.region_name
        attrs = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn", "RedrivePolicy"])
        attrs = attrs.get("Attributes", {})
        self.queue_arn = attrs.get("QueueArn", f"arn:aws:sqs:{self.region}:000000000000:"
                                               f"{queue_url.rstrip('/').rsplit('/', 1)[-1]}")
        self.dlq_url: str | None = None
        if "RedrivePolicy" in attrs:
            dlq_name = json.loads(attrs["RedrivePolicy"])["deadLetterTargetArn"].rsplit(":", 1)[-1]
            self.dlq_url = sqs.get_queue_url(QueueName=dlq_name)["QueueUrl"]

    # -- one batch --------------------------------------------------------------------------------

    def _receive(self, wait_seconds: int) -> list[dict]:
        messages: list[dict] = []
        while len(messages) < self.batch_size:
            got = self.sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=min(10, self.batch_size - len(messages)),
                WaitTimeSeconds=wait_seconds if not messages else 0, AttributeNames=["All"],
                MessageAttributeNames=["All"]).get("Messages", [])
            if not got:
                break
            messages.extend(got)
        return messages

    def record(self, message: dict) -> dict:
        """The Lambda SQS event record for one received message."""
        rec: dict[str, Any] = {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message["Body"],
            "attributes": {k: str(v) for k, v in message.get("Attributes", {}).items() if k in STANDARD_ATTRIBUTES},
            "messageAttributes": _message_attributes(message.get("MessageAttributes", {})),
            "md5OfBody": message.get("MD5OfBody"),
        }
        if message.get("MD5OfMessageAttributes"):
            rec["md5OfMessageAttributes"] = message["MD5OfMessageAttributes"]
        rec.update({"eventSource": "aws:sqs", "eventSourceARN": self.queue_arn, "awsRegion": self.region})
        return rec

    def poll(self, wait_seconds: int | None = None) -> BatchResult | None:
        """Receive one batch, invoke, delete what succeeded. None when nothing was received."""
        messages = self._receive(self.wait_seconds if wait_seconds is None else wait_seconds)
        if not messages:
            return None
        records = [self.record(m) for m in messages]
        event = json.dumps({"Records": records}).encode()
        started = time.monotonic()
        outcome = self.invoke(event)
        ids = {r["messageId"] for r in records}
        if outcome.ok:
            failed, reason = parse_batch_response(outcome.payload, ids)
        else:
            failed, reason = None, f"function error {outcome.error_type or ''}".strip()
        whole = failed is None
        failed_ids = sorted(ids) if whole else sorted(failed)
        to_delete = [r for r in records if r["messageId"] not in failed_ids]
        for i in range(0, len(to_delete), 10):
            chunk = to_delete[i:i + 10]
            resp = self.sqs.delete_message_batch(QueueUrl=self.queue_url, Entries=[
                {"Id": str(n), "ReceiptHandle": r["receiptHandle"]} for n, r in enumerate(chunk)])
            if resp.get("Failed"):
                raise RuntimeError(f"DeleteMessageBatch failed: {resp['Failed']}")
        result = BatchResult(records, outcome, failed_ids, [r["messageId"] for r in to_delete], whole, reason,
                             time.monotonic() - started)
        if self.on_batch:
            self.on_batch(result)
        return result

    # -- until empty ------------------------------------------------------------------------------

    def depth(self, queue_url: str | None = None) -> int:
        """Messages in the queue: visible + in flight + delayed."""
        attrs = self.sqs.get_queue_attributes(
            QueueUrl=queue_url or self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                            "ApproximateNumberOfMessagesDelayed"])["Attributes"]
        return sum(int(v) for v in attrs.values())

    def dlq_messages(self) -> list[dict]:
        """Peek at the dead-letter queue (makes them invisible for 0 s only)."""
        if not self.dlq_url:
            return []
        out = []
        while True:
            got = self.sqs.receive_message(QueueUrl=self.dlq_url, MaxNumberOfMessages=10, VisibilityTimeout=0,
                                           AttributeNames=["All"]).get("Messages", [])
            new = [m for m in got if m["MessageId"] not in {o["MessageId"] for o in out}]
            if not new:
                return out
            out.extend(new)

    def drain(self, timeout: float = 60.0, max_batches: int | None = None) -> DrainReport:
        """Deliver batches until the queue is empty (nothing visible, in flight or delayed) or a bound is hit.

        Failed messages are waited for: they reappear after the visibility timeout and are delivered again, until
        deleted or moved to the dead-letter queue."""
        report = DrainReport()
        started = time.monotonic()
        deadline = started + timeout
        while True:
            if max_batches is not None and report.batches >= max_batches:
                break
            if time.monotonic() >= deadline:
                report.timed_out = True
                break
            wait = max(0, min(self.wait_seconds, int(deadline - time.monotonic())))
            result = self.poll(wait_seconds=wait)
            if result is None:
                if self.depth() == 0:
                    break
                if wait == 0:
                    time.sleep(0.05)     # the deadline is near: poll gently until it passes
                continue
            report.batches += 1
            report.invocations += 1
            report.received += result.size
            report.deleted += len(result.deleted_ids)
            report.failed += len(result.failed_ids)
            report.function_errors += 1 if not result.outcome.ok else 0
            report.results.append(result)
        report.remaining = self.depth()
        report.dlq_depth = self.depth(self.dlq_url) if self.dlq_url else None
        report.elapsed = time.monotonic() - started
        if report.remaining and not report.timed_out and max_batches is None:
            report.timed_out = True
        return report
