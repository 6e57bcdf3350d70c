"""Fixtures for the worker's end-to-end tests: the local stack (moto with SigV4 checking, exchange and Pushover
stand-ins) and the real `worker` binary under the local Lambda Runtime API, driven with hand-built SQS events."""
from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Iterable

import pytest

from conftest import BIN_DIR
from devstack.market import HOUR, MINUTE, PricePath
from devstack.runtime_api import RuntimeAPI, spawn_bootstrap
from devstack.stack import start_stack

# The exchanges' clock is frozen on a whole hour a little in the past; tests move it by hand.
T0 = (int(time.time() * 1000) // HOUR - 6) * HOUR


@pytest.fixture(scope="module")
def stack():
    with start_stack(market=False, fallback_exchanges="bybit,coinbase") as s:
        s.exchanges.clock.set(T0)
        yield s


class Worker:
    """One worker process (one Lambda execution environment) and its Runtime API."""

    def __init__(self, stack, extra_env: dict | None = None, timeout_s: float = 30):
        self.stack = stack
        self.api = RuntimeAPI(function_name="worker", function_timeout_s=timeout_s).start()
        env = {**stack.env_worker, "LOG_LEVEL": "debug", **(extra_env or {})}
        self.proc = spawn_bootstrap([str(BIN_DIR / "worker")], env=env, api=self.api, inherit_env=False)
        assert self.api.wait_for_next(timeout=20), f"worker did not start:\n{self.proc.stderr}\n{self.proc.stdout}"

    def invoke(self, records: Iterable[tuple[str, str]]) -> list[str]:
        """Runs one SQS event; returns the messageIds reported in batchItemFailures."""
        result = self.api.invoke(sqs_event(self.stack, records))
        assert result.kind == "response", (result.kind, result.body, self.proc.stdout[-4000:])
        body = result.json
        return [f["itemIdentifier"] for f in body["batchItemFailures"]]

    def logs(self) -> list[dict]:
        return self.proc.log_records()

    def stop(self) -> None:
        self.proc.stop()
        self.api.stop()


@pytest.fixture
def workers(stack):
    """Starts workers on demand (the exchanges' clock back at T0); at the end checks that no secret reached any
    log line."""
    stack.exchanges.clock.set(T0)
    started: list[Worker] = []

    def start(**kwargs) -> Worker:
        w = Worker(stack, **kwargs)
        started.append(w)
        return w

    yield start
    secrets = [stack.pushover_token, stack.pushover_user_key, *stack.pushover_users.values(),
               stack.aws.secret_access_key]
    for w in started:
        w.stop()
        text = w.proc.stdout + w.proc.stderr
        for secret in secrets:
            assert secret not in text, "a secret reached the worker's logs"


def market(stack, base: str, quote: str = "USDT", price: str = "100", venues=("binance", "coinbase", "bybit")):
    """A fresh market on the stand-ins, flat at `price` unless scripted."""
    return stack.exchanges.add_market(base, quote, PricePath.flat(price), venues=venues)


def message(signal: dict, run_time_ms: int | None = None, row: int = 2) -> str:
    """A reader → worker message body (SPEC §4)."""
    run_ms = T0 if run_time_ms is None else run_time_ms
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(run_ms / 1000))
    return json.dumps({"version": 1, "run": {"id": f"run-{run_ms}", "time": iso},
                       "sheet": {"id": "sheet-e2e", "row": row}, "signal": {"exchange": "binance", **signal}})


def sqs_event(stack, records: Iterable[tuple[str, str]]) -> dict:
    return {"Records": [{
        "messageId": mid, "receiptHandle": "rh-" + uuid.uuid4().hex, "body": body,
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": str(int(time.time() * 1000))},
        "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
        "eventSourceARN": stack.queue_arn, "awsRegion": stack.aws.region} for mid, body in records]}


def items(stack, signal_id: str) -> dict[str, dict]:
    """The signal's DynamoDB items by sort key."""
    ddb = stack.aws.client("dynamodb", direct=True)
    out = ddb.query(TableName=stack.table_name, KeyConditionExpression="PK = :pk",
                    ExpressionAttributeValues={":pk": {"S": "SIGNAL#" + signal_id}}, ConsistentRead=True)
    return {i["SK"]["S"]: {k: next(iter(v.values())) for k, v in i.items()} for i in out["Items"]}


def sent_to(stack, title_part: str) -> list[dict]:
    return [m for m in stack.pushover.accepted() if title_part in m.get("title", "")]


def in_parallel(*calls):
    """Runs the calls on threads at once; returns their results in order."""
    results = [None] * len(calls)
    errors = []

    def run(i, call):
        try:
            results[i] = call()
        except BaseException as e:  # surfaced below
            errors.append(e)

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    if errors:
        raise errors[0]
    return results


__all__ = ["T0", "HOUR", "MINUTE", "stack", "workers", "market", "message", "items", "sent_to", "in_parallel"]
