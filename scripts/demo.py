#!/usr/bin/env python3
"""The whole system on this machine, offline: what `scripts/demo` runs after building the two binaries.

    python3 scripts/demo.py --bin-dir .build/release [--ticks N] [--sheet FILE] [--logs]

Starts moto (SQS + DynamoDB, SigV4 signatures checked) behind the fault proxy, the Google / Binance / Coinbase /
Bybit / Pushover stand-ins and one local Lambda Runtime API per function with the real `reader` and `worker`
binaries as bootstraps; creates the queue (+ dead-letter queue, redrive policy) and the table; serves the example
sheet; plays a scripted market (demo_market.py); then runs N hourly ticks, each an EventBridge scheduled event to
the reader, whose messages the event source delivers to the worker in batches. Prints progress while it works and
a summary at the end. Everything it started is stopped when it ends, fails, or is interrupted.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import signal
import sys
import textwrap
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from demo_market import play_example_story  # noqa: E402
from devstack.stack import start_stack  # noqa: E402
from devstack.system import HOUR, FunctionStartError, LocalSystem, Tick  # noqa: E402

EXAMPLE_SHEET = ROOT / "Tests" / "Fixtures" / "example-sheet.json"
METRICS = [("SignalsEvaluated", "signals evaluated"), ("EventsFired", "events fired"),
           ("NotificationsSent", "notifications sent"), ("NotificationsFailed", "notifications failed")]


class DemoFailure(Exception):
    """A step failed; the message names it."""


class Progress:
    def __init__(self) -> None:
        self.started = time.monotonic()

    def __call__(self, text: str) -> None:
        print(f"[{time.monotonic() - self.started:5.1f}s] {text}", flush=True)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _cell(value: object) -> str:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


# MARK: - Running


def run(args: argparse.Namespace, say: Progress) -> list[Tick]:
    sheet_path = pathlib.Path(args.sheet) if args.sheet else EXAMPLE_SHEET
    say("starting moto (SQS + DynamoDB, SigV4 signatures checked), the fault proxy, and the Google, Binance, "
        "Coinbase, Bybit and Pushover stand-ins")
    try:
        stack = start_stack(visibility_timeout=args.visibility_timeout, max_receive_count=3)
    except Exception as e:
        raise DemoFailure(f"{_who_failed(e)} did not start: {e}") from e
    with stack:
        say(f"moto at {stack.aws.moto_url} behind the fault proxy {stack.aws.endpoint_url}; "
            f"Google {stack.google.url}, Binance {stack.exchanges.url('binance')}, "
            f"Coinbase {stack.exchanges.url('coinbase')}, Bybit {stack.exchanges.url('bybit')}, "
            f"Pushover {stack.pushover.url}")
        say("Pushover users: trader (PUSHOVER_USER_KEY, the default), alice and bob (aliases in PUSHOVER_USERS)")
        say(f"queue {stack.queue_url.rsplit('/', 1)[-1]} (visibility {stack.visibility_timeout} s, dead-letter "
            f"queue after {stack.max_receive_count} receives), table {stack.table_name} (PK/SK, TTL expires_at)")
        if sheet_path.suffix == ".json":
            stack.serve_sheet(sheet_path.read_bytes())
        else:
            from devstack.google import load_sheet_file
            stack.serve_sheet(load_sheet_file(str(sheet_path)))
        rows = stack.google.sheets[stack.spreadsheet_id].tabs
        say(f"serving {sheet_path.relative_to(ROOT) if sheet_path.is_relative_to(ROOT) else sheet_path} as "
            f"spreadsheet {stack.spreadsheet_id} ({sum(len(v) for v in rows.values()) - 1} rows under the header)")

        first = (int(time.time() * 1000) // HOUR - (args.ticks - 1)) * HOUR
        play_example_story(stack.exchanges, first)
        say("exchange stand-ins: BTCUSDT, ETH-USD, SOLUSDT and ETHUSDT follow the demo's scripted hours "
            "(scripts/demo_market.py)")

        system = LocalSystem(stack, args.bin_dir, batch_size=10)
        try:
            system.start()
        except FunctionStartError as e:
            raise DemoFailure(str(e)) from e
        with system:
            bins = pathlib.Path(args.bin_dir).resolve()
            say(f"reader and worker ({bins.relative_to(ROOT) if bins.is_relative_to(ROOT) else bins}) running under "
                f"two local Lambda Runtime APIs "
                f"({system.reader.api.address}, {system.worker.api.address})")
            ticks: list[Tick] = []
            fired_before: dict[str, int] = {}
            for n in range(args.ticks):
                ticks.append(run_tick(system, first + n * HOUR, n + 1, args.ticks, say, fired_before))
            if args.logs:
                print("\n── function logs " + "─" * 60)
                for name, f in (("reader", system.reader), ("worker", system.worker)):
                    for line in f.output().splitlines():
                        print(f"{name}: {line}")
            leaked = [t for t in system.outputs() for s in system.secrets() if s in t]
            if leaked:
                raise DemoFailure("a secret appeared in the functions' output")
            return ticks


def _who_failed(error: BaseException) -> str:
    """Which part of the local stack raised `error` (the innermost devstack module in its traceback)."""
    names = {"moto": "moto", "google": "the Google stand-in", "exchanges": "the exchange stand-ins",
             "pushover": "the Pushover stand-in", "faultproxy": "the fault proxy", "_http": "a stand-in"}
    who, tb = "the local stack", error.__traceback__
    while tb is not None:
        module = pathlib.Path(tb.tb_frame.f_code.co_filename)
        if module.parent.name == "devstack" and module.stem in names:
            who = names[module.stem]
        tb = tb.tb_next
    return who


def run_tick(system: LocalSystem, at_ms: int, number: int, total: int, say: Progress,
             fired_before: dict[str, int]) -> Tick:
    print()
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(at_ms / 1000))
    print(f"── tick {number} of {total} · scheduled event at {stamp} " + "─" * 30, flush=True)

    def on_reader(r):
        if r.ok:
            res = r.result
            say(f"reader: {res.get('rows')} rows read → {res.get('enqueued')} enqueued, "
                f"{len(res.get('skipped', []))} skipped, {len(res.get('rejected', []))} rejected "
                f"({r.duration:.2f} s)")
        else:
            say(f"reader: FAILED — {r.error}")

    def on_batch(b):
        failed = len(b.failed_ids)
        note = f"; {b.reason}" if b.reason else ""
        say(f"worker: batch of {_plural(b.size, 'message')} → {len(b.deleted_ids)} done, "
            f"{failed} left for redelivery ({b.duration:.2f} s){note}")

    tick = system.tick(at_ms, event_id=f"demo-tick-{number}-{at_ms // 1000}", on_reader=on_reader,
                       on_batch=on_batch, drain_timeout=120)
    if not tick.reader.ok:
        raise DemoFailure(f"the reader returned an error: {tick.reader.error}")
    d = tick.drain
    if d.timed_out or d.remaining:
        raise DemoFailure(f"the worker did not empty the queue: {d}" + _problems_text(tick))
    if d.function_errors:
        say(f"worker: {_plural(d.function_errors, 'invocation')} failed as a whole (retried by the event source)")
    if tick.dlq:
        raise DemoFailure(f"{_plural(len(tick.dlq), 'message')} went to the dead-letter queue" + _problems_text(tick))
    say(f"queue empty after {_plural(d.batches, 'batch')}; "
        f"{_plural(len(tick.notifications), 'notification')} accepted by the Pushover stand-in")
    print_tick(tick, fired_before)
    return tick


def _problems_text(tick: Tick) -> str:
    lines = [f"\n  {p.get('level')}: {p.get('message')} {p.get('error', '')}".rstrip() for p in tick.problems[-10:]]
    return "".join(lines)


# MARK: - Printing


def _event_names(events: list[str]) -> str:
    """"tp1: sent" / "below@1795636800000: sent" / "pct_up.1: sent" -> "tp1" / "below" / "pct_up"."""
    return ", ".join(e.split(":")[0].split("@")[0].split(".")[0] for e in events)


def print_tick(tick: Tick, fired_before: dict[str, int]) -> None:
    if tick.number == 1:
        print("\n  (a signal's first check looks only at the current minute and records where the price is;"
              "\n   the checks after it cover the whole hour since, 1-minute candles, wicks included)")
    width = min(80, max((len(s.label) for s in tick.signals), default=20))
    print(f"\n  {'row':>3}  {'signal':<{width}}  result")
    for s in tick.signals:
        if s.decision == "fired":
            what = "FIRED: " + _event_names(s.events)
            fired_before.setdefault(s.signal_id, tick.number)
        elif s.decision == "quiet" and s.signal_id in fired_before and s.repeat != "every":
            what = f"nothing new since tick {fired_before[s.signal_id]}"
        elif s.decision == "quiet":
            what = "not reached"
        else:
            what = s.decision
        print(f"  {s.row if s.row is not None else '-':>3}  {s.label:<{width}.{width}}  {what}")
    for p in tick.problems:
        if p.get("message") != "row rejected":
            print(f"  ! {p.get('level')}: {p.get('message')}  {p.get('error', '')}".rstrip())
    if tick.notifications:
        print("\n  Pushover notifications")
        for m in tick.notifications:
            extra = f"priority {m.get('priority', '0')}" + (f", sound {m['sound']}" if m.get("sound") else "")
            print(f"  → {m.get('user_name') or 'unknown user'}: {m.get('title')}    ({extra})")
            for line in m.get("message", "").splitlines():
                print(textwrap.indent(textwrap.fill(line, 96), "      "))


def print_summary(ticks: list[Tick]) -> None:
    print("\n══ summary " + "═" * 70)
    head = "".join(f"{'tick ' + str(t.number):>10}" for t in ticks)
    print(f"  {'':<26}{head}")

    def row(label: str, values: list[object]) -> None:
        print(f"  {label:<26}" + "".join(f"{str(v):>10}" for v in values))

    results = [t.reader.result for t in ticks]
    row("scheduled at (UTC)", [time.strftime("%H:%M", time.gmtime(t.at_ms / 1000)) for t in ticks])
    row("rows read", [r.get("rows", "-") for r in results])
    row("rows skipped", [len(r.get("skipped", [])) for r in results])
    row("rows rejected", [len(r.get("rejected", [])) for r in results])
    row("messages enqueued", [r.get("enqueued", "-") for r in results])
    row("messages delivered", [t.drain.received if t.drain else 0 for t in ticks])
    row("worker invocations", [t.drain.invocations if t.drain else 0 for t in ticks])
    for key, label in METRICS:
        row(label, [t.counts.get(key, 0) for t in ticks])
    row("dead-letter queue", [len(t.dlq) for t in ticks])

    last = results[-1]
    if last.get("skipped"):
        print("\n  skipped:  " + ", ".join(f"row {s['row']} {s['reason']}" for s in last["skipped"]))
    for r in last.get("rejected", []):
        print(f"  rejected: row {r['row']} {r['column']} {_cell(r['value'])}: {r['reason']}")
    print("\n  notifications")
    any_sent = False
    for t in ticks:
        for m in t.notifications:
            any_sent = True
            print(f"    tick {t.number}  {m.get('user_name') or '?':<7} {m.get('title')}")
    if not any_sent:
        print("    none" + ("  (a first check only records prices: run with --ticks 2 to see the hour after it)"
                            if len(ticks) == 1 else ""))
    if len(ticks) > 2:
        later = sum(len(t.notifications) for t in ticks[2:])
        span = "tick 3" if len(ticks) == 3 else f"ticks 3–{len(ticks)}"
        print(f"\n  {span} sent {later} new: a `once` signal that fired stays quiet even while its level is still"
              " reached (BTCUSDT has been above 65000 since 11 minutes after tick 2).")


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin-dir", default=str(ROOT / ".build" / "release"),
                        help="where the reader and worker binaries are (default .build/release)")
    parser.add_argument("--ticks", type=int, default=2,
                        help="hourly ticks to run (default 2: the first check of every signal, then the hour after)")
    parser.add_argument("--sheet", help="serve this sheet (.json Sheets response or rows, or .csv) instead of the "
                                        "example sheet; the scripted market covers BTC, ETH and SOL")
    parser.add_argument("--visibility-timeout", type=int, default=2, help="the queue's, in seconds (default 2)")
    parser.add_argument("--logs", action="store_true", help="print both functions' log lines at the end")
    args = parser.parse_args(argv)
    if args.ticks < 1:
        parser.error("--ticks must be at least 1")

    # SIGTERM stops everything the same way Ctrl-C does.
    signal.signal(signal.SIGTERM, _interrupt)
    say = Progress()
    print("Trading signal alerts — the whole system on this machine (127.0.0.1 only; no accounts, no internet)\n")
    try:
        ticks = run(args, say)
    except DemoFailure as e:
        print(f"\ndemo: FAILED: {e}", file=sys.stderr)
        print("demo: everything it started has been stopped.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ndemo: interrupted; everything it started has been stopped.", file=sys.stderr)
        return 130
    print_summary(ticks)
    print(f"\nEverything stopped (moto, the stand-ins, both functions) after {time.monotonic() - say.started:.1f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
