"""The whole local stack in one call: moto (SQS + DynamoDB, SigV4 checked) behind the fault proxy, the Google,
exchange and Pushover stand-ins, the queue + dead-letter queue + redrive policy and the state table.

    with start_stack() as stack:
        stack.serve_sheet([["symbol", "condition", "target_price"], ["BTCUSDT", "above", 65000]])
        run("reader", env=stack.env_reader)                   # the SPEC §7 variables for each function
        report = stack.event_source(runtime_api).drain()     # SQS -> worker, like the Lambda event source
        stack.pushover.accepted()                             # what was "sent"
    # everything is stopped here, also on an exception or Ctrl-C

`stack.stop()` is idempotent and also runs at interpreter exit. Nothing the stack makes (keys, tokens) is written
to disk.
"""
from __future__ import annotations

import atexit
import functools
import json
import shlex
import threading
from dataclasses import dataclass, field
from typing import Any, Callable

import boto3
from botocore.config import Config

from .event_source import EventSource
from .exchanges import Exchanges, default_market
from .faultproxy import FaultProxy
from .google import Google
from .moto import Moto, start_moto
from .pushover import Pushover

DEFAULT_SHEET = [
    ["symbol", "exchange", "condition", "target_price", "note"],
    ["BTCUSDT", "binance", "above", 60000, "devstack default sheet"],
]


@dataclass
class AWSAccess:
    endpoint_url: str            # what the functions use (the fault proxy, or moto itself)
    moto_url: str
    region: str
    access_key_id: str              # an IAM user's key: what the test plumbing (boto3) signs with
    secret_access_key: str
    session: dict = field(default_factory=dict)   # temporary credentials for the functions (as Lambda gives)

    def function_credentials(self) -> dict[str, str]:
        """AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (/ AWS_SESSION_TOKEN) for the functions."""
        if self.session:
            return {"AWS_ACCESS_KEY_ID": self.session["access_key_id"],
                    "AWS_SECRET_ACCESS_KEY": self.session["secret_access_key"],
                    "AWS_SESSION_TOKEN": self.session["session_token"]}
        return {"AWS_ACCESS_KEY_ID": self.access_key_id, "AWS_SECRET_ACCESS_KEY": self.secret_access_key}

    def client(self, service: str, direct: bool = False) -> Any:
        """A boto3 client signed with the stack's IAM key (through the proxy unless direct=True)."""
        return boto3.client(service, endpoint_url=self.moto_url if direct else self.endpoint_url,
                            region_name=self.region, aws_access_key_id=self.access_key_id,
                            aws_secret_access_key=self.secret_access_key,
                            config=Config(retries={"mode": "standard", "max_attempts": 3}))


@dataclass
class Stack:
    moto: Moto
    proxy: FaultProxy | None
    google: Google
    exchanges: Exchanges
    pushover: Pushover
    aws: AWSAccess
    queue_url: str = ""
    queue_arn: str = ""
    dlq_url: str = ""
    table_name: str = ""
    spreadsheet_id: str = ""
    service_account: dict = field(default_factory=dict)
    pushover_token: str = ""
    pushover_user_key: str = ""
    pushover_users: dict[str, str] = field(default_factory=dict)
    fallback_exchanges: str = ""
    visibility_timeout: int = 0
    max_receive_count: int = 0
    _stops: list[Callable[[], None]] = field(default_factory=list)
    _stopped: bool = False
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- clients and helpers -----------------------------------------------------------------------

    @functools.cached_property
    def sqs(self) -> Any:
        """boto3 SQS client straight to moto (not through the fault proxy: test plumbing is never faulted)."""
        return self.aws.client("sqs", direct=True)

    @functools.cached_property
    def dynamodb(self) -> Any:
        return self.aws.client("dynamodb", direct=True)

    def serve_sheet(self, rows: list[list] | dict[str, list[list]], tab: str = "Signals") -> None:
        """Serve these rows as the stack's spreadsheet (readable by the stack's service account)."""
        self.google.serve_sheet(self.spreadsheet_id, rows, tab)

    def event_source(self, invoke: Any, batch_size: int = 10, **kwargs: Any) -> EventSource:
        """The SQS -> function delivery loop for the stack's queue (see event_source.py)."""
        return EventSource(self.queue_url, invoke, sqs=self.sqs, batch_size=batch_size, **kwargs)

    def create_queue(self, name: str, dlq_name: str | None = None, visibility_timeout: int | None = None,
                     max_receive_count: int | None = None) -> tuple[str, str]:
        """A queue with its own dead-letter queue and redrive policy; returns (queue URL, DLQ URL). Tests that
        want a queue to themselves use this; the URLs go through the same endpoint as the stack's queue."""
        sqs = self.aws.client("sqs")
        dlq_url = sqs.create_queue(QueueName=dlq_name or f"{name}-dlq")["QueueUrl"]
        dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        policy = {"deadLetterTargetArn": dlq_arn,
                  "maxReceiveCount": str(max_receive_count or self.max_receive_count)}
        url = sqs.create_queue(QueueName=name, Attributes={
            "VisibilityTimeout": str(visibility_timeout or self.visibility_timeout),
            "RedrivePolicy": json.dumps(policy)})["QueueUrl"]
        return url, dlq_url

    def queue_depth(self, dlq: bool = False) -> int:
        attrs = self.sqs.get_queue_attributes(
            QueueUrl=self.dlq_url if dlq else self.queue_url,
            AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible",
                            "ApproximateNumberOfMessagesDelayed"])["Attributes"]
        return sum(int(v) for v in attrs.values())

    def table_items(self) -> list[dict]:
        """Every item of the state table (plain scan; fine for local data sizes)."""
        items, kwargs = [], {"TableName": self.table_name}
        while True:
            page = self.dynamodb.scan(**kwargs)
            items.extend(page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def request_counts(self) -> dict[str, Any]:
        """Requests each service received since the start (or `reset_counts()`): per stand-in, and per AWS
        operation through the proxy, e.g. {"binance": 12, ..., "aws": {"DynamoDB_20120810.GetItem": 100, ...}}."""
        counts: dict[str, Any] = {
            "google_token": self.google.log.count(path="/token"),
            "sheets": self.google.log.count(path="/v4/"),
            **self.exchanges.counts(),
            "pushover": self.pushover.log.count(path="/1/"),
        }
        if self.proxy is not None:
            by_target: dict[str, int] = {}
            for e in self.proxy.log.all():
                by_target[e.tags.get("target") or "?"] = by_target.get(e.tags.get("target") or "?", 0) + 1
            counts["aws"] = dict(sorted(by_target.items()))
        return counts

    def reset_counts(self) -> None:
        """Forget the request logs (not the data, not the faults)."""
        for server in (self.google, self.pushover, self.proxy, *self.exchanges.venues.values()):
            if server is not None:
                server.log.clear()

    # -- environment -------------------------------------------------------------------------------

    @property
    def urls(self) -> dict[str, str]:
        return {"aws": self.aws.endpoint_url, "moto": self.aws.moto_url, "google": self.google.url,
                "google_token": self.google.token_url, **self.exchanges.urls, "pushover": self.pushover.url}

    def _aws_env(self) -> dict[str, str]:
        return {"AWS_REGION": self.aws.region, "AWS_DEFAULT_REGION": self.aws.region,
                **self.aws.function_credentials(), "AWS_ENDPOINT_URL": self.aws.endpoint_url}

    @property
    def env_reader(self) -> dict[str, str]:
        return {**self._aws_env(),
                "GOOGLE_SHEETS_SPREADSHEET_ID": self.spreadsheet_id,
                "GOOGLE_SERVICE_ACCOUNT_JSON": json.dumps(self.service_account),
                "GOOGLE_SHEETS_API_URL": self.google.url,
                "SQS_QUEUE_URL": self.queue_url}

    @property
    def env_worker(self) -> dict[str, str]:
        env = {**self._aws_env(),
               "DYNAMODB_TABLE_NAME": self.table_name,
               "TRADING_ALERT_PUSHOVER_API_TOKEN": self.pushover_token,
               "PUSHOVER_USER_KEY": self.pushover_user_key,
               "PUSHOVER_USERS": json.dumps(self.pushover_users),
               "PUSHOVER_API_URL": self.pushover.url,
               "BINANCE_API_URL": self.exchanges.url("binance"),
               "COINBASE_API_URL": self.exchanges.url("coinbase"),
               "BYBIT_API_URL": self.exchanges.url("bybit")}
        if self.fallback_exchanges:
            env["FALLBACK_EXCHANGES"] = self.fallback_exchanges
        return env

    @property
    def env(self) -> dict[str, str]:
        """Both functions' variables together."""
        return {**self.env_reader, **self.env_worker}

    def export_lines(self) -> str:
        return "\n".join(f"export {k}={shlex.quote(v)}" for k, v in sorted(self.env.items()))

    def describe(self) -> dict:
        return {"urls": self.urls, "queue_url": self.queue_url, "dlq_url": self.dlq_url,
                "table": self.table_name, "spreadsheet_id": self.spreadsheet_id,
                "env_reader": self.env_reader, "env_worker": self.env_worker}

    # -- lifecycle ---------------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop everything (reverse start order). Safe to call more than once."""
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
            stops, self._stops = self._stops, []
        errors = []
        for stop in reversed(stops):
            try:
                stop()
            except Exception as e:  # keep stopping the rest
                errors.append(e)
        atexit.unregister(self.stop)
        if errors:
            raise RuntimeError(f"devstack: errors while stopping: {errors}")

    def __enter__(self) -> "Stack":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def start_stack(*, region: str = "us-east-1", proxy: bool = True, market: bool = True,
                queue_name: str = "trading-alerts-signals", dlq_name: str = "trading-alerts-signals-dlq",
                table_name: str = "trading-alerts-state", visibility_timeout: int = 5, max_receive_count: int = 3,
                spreadsheet_id: str = "devstack-sheet-0001", sheet: list[list] | None = None,
                fallback_exchanges: str = "bybit,coinbase", session_credentials: bool = True,
                verbose: bool = False) -> Stack:
    """Start everything and return the `Stack`. On any failure, whatever started is stopped again.

    `visibility_timeout`/`max_receive_count` are short so that redelivery and the DLQ happen within seconds
    locally (production uses >= 6x the function timeout and >= 5). `proxy=False` points the functions straight at
    moto (no fault injection, one hop less: for benchmarks). `market=False` lists no markets (add your own)."""
    stops: list[Callable[[], None]] = []
    try:
        moto = start_moto(region=region)
        stops.append(moto.stop)
        moto_url = moto.endpoint.rstrip("/")
        fault_proxy = None
        if proxy:
            fault_proxy = FaultProxy(moto_url, verbose=verbose).start()
            stops.append(fault_proxy.stop)
        google = Google(verbose=verbose).start()
        stops.append(google.stop)
        exchanges = Exchanges(verbose=verbose).start()
        stops.append(exchanges.stop)
        if market:
            default_market(exchanges)
        pushover = Pushover(verbose=verbose).start()
        stops.append(pushover.stop)

        aws = AWSAccess(endpoint_url=fault_proxy.url if fault_proxy else moto_url, moto_url=moto_url,
                        region=moto.region, access_key_id=moto.access_key_id,
                        secret_access_key=moto.secret_access_key,
                        session=dict(getattr(moto, "session", None) or {}) if session_credentials else {})
        stack = Stack(moto, fault_proxy, google, exchanges, pushover, aws, table_name=table_name,
                      spreadsheet_id=spreadsheet_id, fallback_exchanges=fallback_exchanges,
                      visibility_timeout=visibility_timeout, max_receive_count=max_receive_count, _stops=stops)
        atexit.register(stack.stop)

        # Google: a service account made now, the sheet shared with it.
        stack.service_account = google.create_service_account()
        stack.serve_sheet(sheet if sheet is not None else DEFAULT_SHEET)
        # Pushover: an app token, a default user and two aliases.
        stack.pushover_token = pushover.add_app()
        stack.pushover_user_key = pushover.add_user("trader")
        stack.pushover_users = {"alice": pushover.add_user("alice"), "bob": pushover.add_user("bob")}

        # SQS + DynamoDB, created through the endpoint the functions use (moto builds queue URLs from the Host).
        stack.queue_url, stack.dlq_url = stack.create_queue(queue_name, dlq_name, visibility_timeout,
                                                            max_receive_count)
        stack.queue_arn = stack.sqs.get_queue_attributes(QueueUrl=stack.queue_url,
                                                         AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        ddb = aws.client("dynamodb")
        ddb.create_table(TableName=table_name, BillingMode="PAY_PER_REQUEST",
                         AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"},
                                               {"AttributeName": "SK", "AttributeType": "S"}],
                         KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"},
                                    {"AttributeName": "SK", "KeyType": "RANGE"}])
        ddb.update_time_to_live(TableName=table_name,
                                TimeToLiveSpecification={"Enabled": True, "AttributeName": "expires_at"})
        if fault_proxy:
            fault_proxy.log.clear()      # the setup calls are not what tests count
        return stack
    except BaseException:
        for stop in reversed(stops):
            try:
                stop()
            except Exception:
                pass
        raise
