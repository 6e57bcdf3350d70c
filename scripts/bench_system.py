#!/usr/bin/env python3
"""End-to-end benchmark (issue 6): one scheduled tick of 1,000 signals over 100 symbols on the local stack, through
reader -> SQS (moto) -> event source (batches of 10, one execution environment) -> worker -> DynamoDB -> Pushover.

Two ticks are measured: the first (every signal's first check: no state yet, the current minute only) and the
next hour's (state read and written, a 60-minute window of candles). For each: wall time from the scheduled event
to an empty queue, the time inside the reader's and the worker's invocations, CPU of both binaries (user + system,
from /proc), and requests per signal to each service (counted by the stand-ins and, for SQS/DynamoDB, by the fault
proxy in front of moto). Most of the wall time is moto: its ReceiveMessage takes ~0.4 s with 1,000 messages queued,
and the event source (playing Lambda's poller) calls it once per batch.

    cd scripts && python3 bench_system.py [--bin-dir ../.build/release] [--json]

Prints a markdown table (scripts/bench adds it to its own; README § Performance).
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from devstack.market import PricePath  # noqa: E402
from devstack.stack import start_stack  # noqa: E402
from devstack.system import HOUR, LocalSystem  # noqa: E402

SIGNALS, SYMBOLS = 1_000, 100
HEADER = ["id", "symbol", "exchange", "condition", "target_price", "percent", "entry", "take_profit", "stop_loss",
          "repeat"]
VENUES = ["binance"] * 6 + ["coinbase"] * 2 + ["bybit"] * 2      # per ten symbols


def symbol_of(i: int) -> tuple[str, str, int]:
    """(base, venue, base price) of symbol i: B000USDT ... B099USDT, each on one venue."""
    return f"B{i:03d}", VENUES[i % 10], 10 + 7 * i


def make_sheet() -> list[list]:
    """Ten signals per symbol, every condition, levels a few per cent from the price: a handful fire."""
    rows = [HEADER]
    for n in range(SIGNALS):
        base, venue, p = symbol_of(n % SYMBOLS)
        symbol = f"{base}-USDT" if venue == "coinbase" else f"{base}USDT"
        k = n // SYMBOLS
        kind = k % 6
        row = [f"bench-{n:04d}", symbol, venue]
        if kind == 0:
            row += ["above", round(p * (1.001 + k / 100), 4), "", "", "", "", ""]
        elif kind == 1:
            row += ["below", round(p * (0.999 - k / 100), 4), "", "", "", "", ""]
        elif kind == 2:
            row += ["pct_up", "", 2 + k, "", "", "", ""]
        elif kind == 3:
            row += ["pct_down", "", 2 + k, "", "", "", ""]
        elif kind == 4:
            row += ["long", "", "", round(p * 1.002, 4), f"{round(p * 1.03, 4)} {round(p * 1.06, 4)}",
                    round(p * 0.95, 4), ""]
        else:
            row += ["short", "", "", "", f"{round(p * 0.97, 4)}; {round(p * 0.94, 4)}", round(p * 1.05, 4), "every"]
        rows.append(row)
    return rows


def _per_signal(counts: dict) -> dict[str, float]:
    flat = {k: v for k, v in counts.items() if k != "aws"}
    for target, n in counts.get("aws", {}).items():
        flat[target.replace("DynamoDB_20120810.", "dynamodb.").replace("AmazonSQS.", "sqs.")] = n
    return {k: round(v / SIGNALS, 3) for k, v in sorted(flat.items()) if v}


def run(bin_dir: str | os.PathLike) -> list[dict]:
    """One dict per measured tick: name, wall_s, reader_cpu_s, worker_cpu_s, requests (per signal, by service),
    invocations, notifications, worker_rss_mib, ok, detail."""
    results = []
    t1 = (int(time.time() * 1000) // HOUR - 2) * HOUR
    with start_stack(market=False, visibility_timeout=30, max_receive_count=5) as stack:
        for i in range(SYMBOLS):
            base, venue, p = symbol_of(i)
            stack.exchanges.add_market(base, "USDT", PricePath.wave(f"bench-{i}", str(p), amplitude=0.03),
                                       venues=(venue,))
        stack.serve_sheet(make_sheet())
        with LocalSystem(stack, bin_dir, batch_size=10, log_level="warn", worker_timeout_s=60) as system:
            for n, label in ((0, "first tick (no state, current minute)"), (1, "next hour (60-minute window)")):
                stack.reset_counts()
                cpu_before = (system.reader.cpu_seconds(), system.worker.cpu_seconds())
                tick = system.tick(t1 + n * HOUR, drain_timeout=600)
                d = tick.drain
                ok = (tick.reader.ok and tick.reader.result.get("enqueued") == SIGNALS and d.deleted == SIGNALS
                      and not d.remaining and not d.dlq_depth)
                invoke_s = [b.duration for b in d.results]
                aws_ms = sorted(e.duration * 1000 for e in stack.proxy.log.all())
                results.append({
                    "name": label, "wall_s": round(tick.elapsed, 2),
                    "reader_cpu_s": round(system.reader.cpu_seconds() - cpu_before[0], 2),
                    "worker_cpu_s": round(system.worker.cpu_seconds() - cpu_before[1], 2),
                    "requests": _per_signal(stack.request_counts()), "invocations": d.invocations,
                    "notifications": len(tick.notifications), "worker_rss_mib": round(system.worker.peak_rss_kib() / 1024, 1),
                    "aws_requests": len(aws_ms), "aws_median_ms": round(aws_ms[len(aws_ms) // 2], 1) if aws_ms else 0,
                    "aws_total_s": round(sum(aws_ms) / 1000, 1),
                    "reader_s": round(tick.reader.duration, 2), "worker_s": round(sum(invoke_s), 2),
                    "ok": ok,
                    "detail": (f"reader {tick.reader.duration:.2f} s; worker invocations median "
                               f"{sorted(invoke_s)[len(invoke_s) // 2]:.3f} s" if invoke_s else "")
                              + ("" if ok else f"; FAILED: reader {tick.reader.error or tick.reader.result}, drain {d}")})
    return results


def markdown(results: list[dict]) -> str:
    lines = [f"| end-to-end tick, {SIGNALS:,} signals / {SYMBOLS} symbols | wall (s) | reader run (s) | "
             "worker runs, total (s) | CPU reader + worker (s) | CPU per signal (ms) | worker invocations | "
             "notifications | SQS + DynamoDB calls × median (ms) | requests per signal |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        cpu = r["reader_cpu_s"] + r["worker_cpu_s"]
        reqs = ", ".join(f"{k} {v:g}" for k, v in r["requests"].items())
        flag = "" if r["ok"] else " **FAILED**"
        lines.append(f"| {r['name']}{flag} | {r['wall_s']:.1f} | {r['reader_s']:.1f} | {r['worker_s']:.1f} | "
                     f"{r['reader_cpu_s']:.2f} + {r['worker_cpu_s']:.2f} | "
                     f"{cpu * 1000 / SIGNALS:.2f} | {r['invocations']} | {r['notifications']} | "
                     f"{r['aws_requests']} × {r['aws_median_ms']:g} | {reqs} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin-dir", default=str(HERE.parent / ".build" / "release"))
    parser.add_argument("--json", action="store_true", help="print the results as one JSON array")
    args = parser.parse_args()
    results = run(args.bin_dir)
    if args.json:
        print(json.dumps(results, indent=1))
    else:
        print(markdown(results))
        for r in results:
            print(f"{r['name']}: {r['detail']}; worker peak RSS {r['worker_rss_mib']} MiB", file=sys.stderr)
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
