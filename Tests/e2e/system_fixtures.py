"""Fixtures for the whole-system tests: sheet -> reader -> SQS (moto, SigV4 checked) -> event source -> worker ->
DynamoDB -> Pushover stand-in, with the real release binaries under local Runtime APIs (devstack.system).

One stack per test module (moto, proxy, stand-ins); each test gets its own queue + dead-letter queue and its own
table through `make_system`, so tests never see each other's messages or state. At teardown every captured log
line and every result of every function the test ran is checked for secrets.
"""
from __future__ import annotations

import re
import time
import uuid
from dataclasses import dataclass

import pytest

from conftest import BIN_DIR
from devstack.market import MINUTE, PricePath
from devstack.stack import start_stack
from devstack.system import HOUR, LocalSystem, Tick

# Ticks run on whole hours a few hours back (the exchanges' clock is frozen there; the worker takes its time
# from the exchange); a test moves forward from T0 an hour at a time.
T0 = (int(time.time() * 1000) // HOUR - 4) * HOUR
CHECK_DELAY_MS = 40_000          # the worker looks at the market 40 s after the scheduled time


@pytest.fixture(scope="module")
def stack():
    with start_stack(market=False, visibility_timeout=1, max_receive_count=3) as s:
        yield s


def create_table(stack, name: str) -> None:
    stack.dynamodb.create_table(
        TableName=name, BillingMode="PAY_PER_REQUEST",
        AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"},
                              {"AttributeName": "SK", "AttributeType": "S"}],
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}])


def reset(stack) -> None:
    for server in (stack.pushover, stack.google, stack.proxy, *stack.exchanges.venues.values()):
        server.reset()


@pytest.fixture
def make_system(stack):
    """make_system(**LocalSystem kwargs) -> a started LocalSystem on a fresh queue/DLQ and table."""
    reset(stack)
    started: list[LocalSystem] = []

    def make(worker_env: dict | None = None, **kwargs) -> LocalSystem:
        name = "e2e-" + uuid.uuid4().hex[:10]
        queue_url, _ = stack.create_queue(name)
        create_table(stack, name)
        system = LocalSystem(stack, BIN_DIR, queue_url=queue_url, check_delay_ms=CHECK_DELAY_MS,
                             worker_env={"DYNAMODB_TABLE_NAME": name, **(worker_env or {})}, **kwargs)
        started.append(system.start())
        return system

    yield make
    for system in started:
        system.stop()
    reset(stack)
    for system in started:
        assert_no_secrets(system)


def assert_no_secrets(system: LocalSystem) -> None:
    secrets = system.secrets()
    assert secrets, "no secrets to look for"
    for text in system.outputs():
        for s in secrets:
            assert s not in text, f"a secret ({s[:4]}…) appeared in a function's output or result"
        assert not re.search(r"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.", text), "a JWT appeared in the output"
        assert "Signature=" not in text, "a SigV4 signature appeared in the output"


def flat(stack, base: str, quote: str, price: str, venues=("binance", "bybit", "coinbase")) -> PricePath:
    return stack.exchanges.add_market(base, quote, PricePath.flat(price), venues=venues)


def items(stack, table: str, signal_id: str) -> dict[str, dict]:
    """The signal's DynamoDB items by sort key, attribute values unwrapped."""
    out = stack.dynamodb.query(TableName=table, KeyConditionExpression="PK = :pk",
                               ExpressionAttributeValues={":pk": {"S": "SIGNAL#" + signal_id}}, ConsistentRead=True)
    return {i["SK"]["S"]: {k: next(iter(v.values())) for k, v in i.items()} for i in out["Items"]}


def titles(messages: list[dict]) -> list[str]:
    return sorted(m["title"] for m in messages)


def log_text(tick: Tick) -> str:
    """The tick's WARN/ERROR lines of both functions, and the reader's error, as one text to search."""
    lines = [f"{p.get('level')} {p.get('message')} {p.get('error', '')}" for p in tick.problems]
    return "\n".join(lines + [tick.reader.error])


@dataclass(frozen=True)
class Row:
    """One sheet row of a small test sheet."""
    id: str
    symbol: str
    exchange: str
    condition: str
    target_price: str

    HEADER = ("id", "symbol", "exchange", "condition", "target_price")

    def cells(self) -> list:
        return [self.id, self.symbol, self.exchange, self.condition, self.target_price]


def sheet(rows: list[Row]) -> list[list]:
    return [list(Row.HEADER), *[r.cells() for r in rows]]


# A small sheet where three signals, one per venue, are true at their first check and one is not.
FIRING = [Row("e2e-btc", "BTCUSDT", "binance", "above", "100"), Row("e2e-eth", "ETH-USD", "coinbase", "below", "5000"),
          Row("e2e-sol", "SOLUSDT", "bybit", "above", "10")]
QUIET = [Row("e2e-quiet", "BTCUSDT", "binance", "below", "100")]
FIRING_TITLES = ["BTCUSDT above 100 (Binance)", "ETH-USD below 5000 (Coinbase)", "SOLUSDT above 10 (Bybit)"]


def serve_small_sheet(stack) -> list[str]:
    """Serve FIRING + QUIET with flat markets; returns the titles the first tick must notify, sorted."""
    stack.serve_sheet(sheet(FIRING + QUIET))
    flat(stack, "BTC", "USDT", "64000")
    flat(stack, "ETH", "USD", "3000", venues=("coinbase",))
    flat(stack, "SOL", "USDT", "150")
    return sorted(FIRING_TITLES)


__all__ = ["FIRING", "QUIET", "FIRING_TITLES", "serve_small_sheet", "T0", "HOUR", "MINUTE", "CHECK_DELAY_MS", "stack", "make_system", "flat", "items", "titles", "log_text",
           "Row", "sheet", "assert_no_secrets"]
