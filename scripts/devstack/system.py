"""The whole system on one machine: both real binaries as Lambda bootstraps on the local stack.

    with start_stack() as stack, LocalSystem(stack, bin_dir) as system:
        stack.serve_sheet(rows)
        tick = system.tick(at_ms)          # EventBridge event -> reader -> SQS -> event source -> worker -> Pushover
        tick.reader.result, tick.drain, tick.counts, tick.notifications, tick.signals

One `Function` per Lambda: a local Runtime API (`runtime_api.RuntimeAPI`) with the binary spawned as its bootstrap,
with only the variables given (nothing inherited from the shell but PATH). A bootstrap that dies is replaced
before the next invocation, as Lambda replaces a failed execution environment. `Function.cpu_seconds()` is the
user + system CPU of every process it ran (read from /proc before each one is stopped).

A tick freezes the exchanges' clock at the check time (`at_ms + check_delay_ms`: the scheduled event is on the
hour, the worker looks at the market a little later), invokes the reader with the scheduled event, then lets the
event source deliver the queue to the worker until it is empty (redeliveries and the dead-letter queue included).
This module is used by `scripts/demo`, the end-to-end tests (Tests/e2e/test_system_*.py) and `scripts/bench`.
"""
from __future__ import annotations

import json
import os
import pathlib
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable

from .event_source import BatchResult, DrainReport, EventSource
from .runtime_api import Bootstrap, InvokeResult, RuntimeAPI, spawn_bootstrap

HOUR = 3_600_000
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


class FunctionStartError(RuntimeError):
    """The bootstrap reported an init error, exited, or never asked for an invocation."""


def iso(ms: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ms / 1000))


def scheduled_event(at_ms: int, event_id: str | None = None, region: str = "us-east-1",
                    rule: str = "trading-alerts-hourly") -> dict:
    """The event an EventBridge `rate(1 hour)` rule sends to the reader."""
    account = "123456789012"
    return {"version": "0", "id": event_id or str(uuid.uuid4()), "detail-type": "Scheduled Event",
            "source": "aws.events", "account": account, "time": iso(at_ms), "region": region,
            "resources": [f"arn:aws:events:{region}:{account}:rule/{rule}"], "detail": {}}


def _proc_usage(pid: int) -> tuple[float, int] | None:
    """(user + system CPU seconds, peak RSS in KiB) of a live process, from /proc."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        cpu = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS      # utime, stime (fields 14, 15)
        peak = 0
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    peak = int(line.split()[1])
        return cpu, peak
    except (OSError, IndexError, ValueError):
        return None


def parse_log(text: str) -> list[dict]:
    """One record per line; a line that is not a JSON object is kept as {"level": "RAW", "message": line}."""
    out = []
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError:
            record = None
        out.append(record if isinstance(record, dict) else {"level": "RAW", "message": line})
    return out


class Function:
    """One Lambda function: a Runtime API on 127.0.0.1 and the real binary serving it."""

    def __init__(self, name: str, binary: str | os.PathLike, env: dict[str, str], timeout_s: float = 60.0,
                 start_timeout_s: float = 20.0) -> None:
        self.name = name
        self.binary = pathlib.Path(binary)
        self.env = dict(env)
        self.timeout_s = timeout_s
        self.start_timeout_s = start_timeout_s
        self.api: RuntimeAPI | None = None
        self.proc: Bootstrap | None = None
        self.retired: list[Bootstrap] = []          # earlier environments (crashed or timed out), kept for logs
        self._usage: dict[int, tuple[float, int]] = {}
        self._lock = threading.Lock()
        self.invocations = 0

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> "Function":
        if not self.binary.exists():
            raise FunctionStartError(f"{self.name}: no binary at {self.binary} (build it first: "
                                     f"swift build -c release --product {self.name})")
        self.api = RuntimeAPI(function_name=self.name, function_timeout_s=self.timeout_s).start()
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "AWS_LAMBDA_FUNCTION_NAME": self.name,
               "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256", "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
               "LOG_LEVEL": "info", **self.env}
        self.proc = spawn_bootstrap([self.binary], env=env, api=self.api, inherit_env=False)
        deadline = time.monotonic() + self.start_timeout_s
        while not self.api.wait_for_next(timeout=0.05):
            if self.api.init_error is not None:
                body = self.api.init_error.body.decode(errors="replace")
                try:
                    body = json.loads(body).get("errorMessage", body)
                except (ValueError, AttributeError):
                    pass
                self._stop_process()
                raise FunctionStartError(f"{self.name} failed to start: {body}")
            if self.proc.returncode is not None:
                code = self.proc.wait()
                raise FunctionStartError(f"{self.name} exited with status {code} before asking for work: "
                                         f"{(self.proc.stderr or self.proc.stdout)[-500:].strip()}")
            if time.monotonic() > deadline:
                self._stop_process()
                raise FunctionStartError(f"{self.name} did not ask for an invocation within {self.start_timeout_s:.0f} s")
        return self

    def _stop_process(self) -> None:
        proc, api = self.proc, self.api
        if proc is not None:
            usage = _proc_usage(proc.pid)
            if usage:
                self._usage[proc.pid] = usage
            proc.stop()
            self.retired.append(proc)
        if api is not None:
            api.stop()
        self.proc, self.api = None, None

    def stop(self) -> None:
        with self._lock:
            self._stop_process()

    def restart(self) -> None:
        """A new execution environment (the old process's output is kept)."""
        with self._lock:
            self._stop_process()
            self.start()

    def __enter__(self) -> "Function":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- invoking ----------------------------------------------------------------------------------

    def invoke(self, event: bytes | str | dict) -> InvokeResult:
        """One invocation, as Lambda runs it: a dead environment is replaced first; a timed-out one after."""
        with self._lock:
            if self.proc is None or self.proc.returncode is not None:
                self._stop_process()
                self.start()
            self.invocations += 1
            result = self.api.invoke(event)
            if result.kind in ("timeout", "init_error") or self.proc.returncode is not None:
                self._stop_process()
            return result

    # -- what it did -------------------------------------------------------------------------------

    def processes(self) -> list[Bootstrap]:
        return [*self.retired, *([self.proc] if self.proc else [])]

    def output(self) -> str:
        """Everything every process of this function wrote (stdout then stderr, per process)."""
        return "".join(p.stdout + p.stderr for p in self.processes())

    def log_records(self) -> list[dict]:
        out: list[dict] = []
        for p in self.processes():
            out += parse_log(p.stdout) + parse_log(p.stderr)
        return out

    def cpu_seconds(self) -> float:
        total = 0.0
        for p in self.processes():
            usage = self._usage.get(p.pid) if p.returncode is not None else _proc_usage(p.pid)
            total += usage[0] if usage else 0.0
        return total

    def peak_rss_kib(self) -> int:
        peaks = [(self._usage.get(p.pid) if p.returncode is not None else _proc_usage(p.pid)) for p in self.processes()]
        return max((u[1] for u in peaks if u), default=0)


# MARK: - One tick


@dataclass
class ReaderRun:
    kind: str                          # response | error | timeout | init_error
    body: bytes
    duration: float

    @property
    def ok(self) -> bool:
        return self.kind == "response"

    @property
    def result(self) -> dict:
        """The reader's summary (SPEC §2), or {} when it failed."""
        try:
            value = json.loads(self.body) if self.ok else {}
        except ValueError:
            return {}
        return value if isinstance(value, dict) else {}

    @property
    def error(self) -> str:
        """The error message the reader reported (errorType: errorMessage), or ""."""
        if self.ok:
            return ""
        try:
            e = json.loads(self.body)
            return f"{e.get('errorType', self.kind)}: {e.get('errorMessage', '')}".strip()
        except (ValueError, AttributeError):
            return f"{self.kind}: {self.body.decode(errors='replace')[:300]}"


@dataclass
class SignalOutcome:
    """What the worker did with one signal during a tick (from its "checked"/"skipped" log lines)."""
    signal_id: str
    row: int | None
    label: str                         # "BTCUSDT above 65000 (binance)"
    decision: str                      # quiet | fired | expired | unknown_symbol | ... | retried
    events: list[str] = field(default_factory=list)
    repeat: str = "once"


@dataclass
class Tick:
    number: int
    at_ms: int
    event_id: str
    reader: ReaderRun
    drain: DrainReport | None
    counts: dict[str, int]             # the worker's EMF counts summed over the tick
    notifications: list[dict]          # accepted by the Pushover stand-in during the tick
    signals: list[SignalOutcome]
    dlq: list[dict]                    # messages that reached the dead-letter queue during the tick
    problems: list[dict]               # WARN/ERROR log records of both functions during the tick
    reader_logs: list[dict]
    worker_logs: list[dict]
    batch_results: list[BatchResult]
    worker_responses: list[bytes]
    elapsed: float

    @property
    def time(self) -> str:
        return iso(self.at_ms)


def _describe(signal: dict) -> str:
    cond = signal.get("condition", "?")
    level = {"above": signal.get("target_price"), "below": signal.get("target_price"),
             "pct_up": f"+{signal.get('percent')} %", "pct_down": f"-{signal.get('percent')} %"}.get(cond)
    if cond in ("long", "short"):
        level = (f"@{signal['entry'] if signal.get('entry') else 'first check'} "
                 f"TP {'/'.join(signal.get('take_profit', []))} SL {signal.get('stop_loss')}")
    return f"{signal.get('symbol')} {cond} {level} ({signal.get('exchange')}, {signal.get('repeat', 'once')})"


class LocalSystem:
    """reader + worker on a started `Stack`; `tick()` runs one scheduled hour through the whole chain."""

    def __init__(self, stack: Any, bin_dir: str | os.PathLike, *, reader_env: dict[str, str] | None = None,
                 worker_env: dict[str, str] | None = None, queue_url: str | None = None, batch_size: int = 10,
                 reader_timeout_s: float = 60.0, worker_timeout_s: float = 30.0, check_delay_ms: int = 40_000,
                 log_level: str = "info") -> None:
        self.stack = stack
        self.bin_dir = pathlib.Path(bin_dir)
        self.queue_url = queue_url or stack.queue_url
        self.batch_size = batch_size
        self.check_delay_ms = check_delay_ms
        renv = {**stack.env_reader, "SQS_QUEUE_URL": self.queue_url, "LOG_LEVEL": log_level, **(reader_env or {})}
        wenv = {**stack.env_worker, "LOG_LEVEL": log_level, **(worker_env or {})}
        self.reader = Function("reader", self.bin_dir / "reader", renv, timeout_s=reader_timeout_s)
        self.worker = Function("worker", self.bin_dir / "worker", wenv, timeout_s=worker_timeout_s)
        self.ticks: list[Tick] = []
        self.bodies: dict[str, dict] = {}          # signal id -> last message body seen (for labels and rows)
        self._worker_responses: list[bytes] = []
        self._invoke_hook: Callable[[bytes, Callable[[bytes], InvokeResult]], Any] | None = None

    @property
    def table_name(self) -> str:
        return self.worker.env["DYNAMODB_TABLE_NAME"]

    def start(self) -> "LocalSystem":
        try:
            self.reader.start()
            self.worker.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for f in (self.worker, self.reader):
            f.stop()

    def __enter__(self) -> "LocalSystem":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # -- the pieces of a tick ----------------------------------------------------------------------

    def run_reader(self, at_ms: int, event_id: str | None = None) -> tuple[ReaderRun, str]:
        event_id = event_id or f"demo-{uuid.uuid4()}"
        started = time.monotonic()
        result = self.reader.invoke(scheduled_event(at_ms, event_id, region=self.stack.aws.region))
        return ReaderRun(result.kind, bytes(result.body or b""), time.monotonic() - started), event_id

    def invoke_worker(self, event: bytes) -> InvokeResult:
        """What the event source calls; `on_worker_invoke(hook)` can wrap it (tests: duplicate delivery...)."""
        for record in json.loads(event).get("Records", []):
            try:
                body = json.loads(record["body"])
                self.bodies[body["signal"]["id"]] = body
            except (ValueError, KeyError, TypeError):
                pass
        if self._invoke_hook is not None:
            result = self._invoke_hook(event, self.worker.invoke)
        else:
            result = self.worker.invoke(event)
        self._worker_responses.append(bytes(getattr(result, "body", b"") or b""))
        return result

    def on_worker_invoke(self, hook: Callable[[bytes, Callable[[bytes], InvokeResult]], Any] | None) -> None:
        self._invoke_hook = hook

    def event_source(self, on_batch: Callable[[BatchResult], None] | None = None) -> EventSource:
        return EventSource(self.queue_url, self.invoke_worker, sqs=self.stack.sqs, batch_size=self.batch_size,
                           on_batch=on_batch)

    def deliver(self, timeout: float = 60.0, on_batch: Callable[[BatchResult], None] | None = None) -> DrainReport:
        """The event source until the queue is empty (failed messages come back after the visibility timeout)."""
        return self.event_source(on_batch).drain(timeout=timeout)

    # -- a whole tick ------------------------------------------------------------------------------

    def tick(self, at_ms: int, *, event_id: str | None = None, drain_timeout: float = 60.0,
             on_reader: Callable[[ReaderRun], None] | None = None,
             on_batch: Callable[[BatchResult], None] | None = None, deliver: bool = True) -> Tick:
        started = time.monotonic()
        self.stack.exchanges.clock.set(at_ms + self.check_delay_ms)
        marks = self._marks()
        reader, event_id = self.run_reader(at_ms, event_id)
        if on_reader:
            on_reader(reader)
        drain = self.deliver(drain_timeout, on_batch) if deliver else None
        tick = self._collect(len(self.ticks) + 1, at_ms, event_id, reader, drain, marks,
                             time.monotonic() - started)
        self.ticks.append(tick)
        return tick

    def _marks(self) -> dict[str, Any]:
        return {"reader": len(self.reader.log_records()), "worker": len(self.worker.log_records()),
                "pushover": len(self.stack.pushover.accepted()), "responses": len(self._worker_responses),
                "dlq": {m["MessageId"] for m in self._dlq_messages()}}

    def _dlq_messages(self) -> list[dict]:
        return EventSource(self.queue_url, lambda e: b"", sqs=self.stack.sqs).dlq_messages()

    def _collect(self, number: int, at_ms: int, event_id: str, reader: ReaderRun, drain: DrainReport | None,
                 marks: dict[str, Any], elapsed: float) -> Tick:
        reader_logs = self.reader.log_records()[marks["reader"]:]
        worker_logs = self.worker.log_records()[marks["worker"]:]
        counts: dict[str, int] = {}
        for r in worker_logs:
            if "_aws" in r:
                for metric in r["_aws"]["CloudWatchMetrics"][0]["Metrics"]:
                    counts[metric["Name"]] = counts.get(metric["Name"], 0) + int(r.get(metric["Name"], 0))
        problems = [r for r in reader_logs + worker_logs if str(r.get("level", "")).upper() in ("WARN", "ERROR", "RAW")]
        dlq = [m for m in self._dlq_messages() if m["MessageId"] not in marks["dlq"]]
        return Tick(number, at_ms, event_id, reader, drain, counts,
                    self.stack.pushover.accepted()[marks["pushover"]:], self._signal_outcomes(worker_logs), dlq,
                    problems, reader_logs, worker_logs, list(drain.results) if drain else [],
                    self._worker_responses[marks["responses"]:], elapsed)

    def _signal_outcomes(self, worker_logs: list[dict]) -> list[SignalOutcome]:
        """The last word on each signal in these logs ("checked"/"skipped"/a permanent problem), else "retried"."""
        outcomes: dict[str, SignalOutcome] = {}
        for r in worker_logs:
            sid = r.get("signal")
            if not isinstance(sid, str):
                continue
            body = self.bodies.get(sid, {})
            decision = r.get("decision")
            if decision is None and str(r.get("level", "")).upper() in ("WARN", "ERROR"):
                decision = "retried" if "retry" in str(r.get("message", "")) else None
            if decision is None:
                continue
            events = [str(e) for e in r.get("events", [])] if isinstance(r.get("events"), list) else []
            prev = outcomes.get(sid)
            if prev and prev.decision == "fired" and decision in ("quiet", "duplicate"):
                continue                 # a redelivery after the notification went out changes nothing
            outcomes[sid] = SignalOutcome(sid, body.get("sheet", {}).get("row"),
                                          _describe(body.get("signal", {})) if body else sid, str(decision),
                                          events or (prev.events if prev else []),
                                          str(body.get("signal", {}).get("repeat", "once")))
        return sorted(outcomes.values(), key=lambda o: (o.row is None, o.row or 0, o.signal_id))

    # -- secrets -----------------------------------------------------------------------------------

    def secrets(self) -> list[str]:
        """Every secret string the system holds: none may appear in any output."""
        s = self.stack
        pem_lines = [line for line in s.service_account.get("private_key", "").splitlines()
                     if line and "-----" not in line]
        with s.google._data_lock:
            tokens = list(s.google.tokens)
        session = getattr(s.aws, "session", None) or {}
        found = [s.pushover_token, s.aws.secret_access_key, session.get("secret_access_key", ""),
                 session.get("session_token", ""), *pem_lines, *tokens, "PRIVATE KEY"]
        return [x for x in found if x]

    def outputs(self) -> list[str]:
        """Every captured line of output and every result, to check for secrets."""
        texts = [self.reader.output(), self.worker.output()]
        for t in self.ticks:
            texts += [t.reader.body.decode(errors="replace"), *(b.decode(errors="replace") for b in t.worker_responses)]
        return texts
