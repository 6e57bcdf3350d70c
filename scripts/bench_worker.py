#!/usr/bin/env python3
"""Worker benchmark (issue 5): CPU time per evaluated signal over a 24 h window of 1-minute candles, peak RSS,
and DynamoDB / exchange requests per signal, for batches of 10 and 100 signals.

    python3 scripts/bench_worker.py [--bin-dir .build/release] [--cases 10x10,10x2,100x10] [--json out.json]

`scripts/bench` can call `bench_worker(bin_dir)`, which returns rows {"name", "value", "unit", "target"}.

Each measured invocation is the second check of fresh signals: a first check 24 h earlier (exchange time) created
their state, so the measured check covers 1441 one-minute candles per signal. A case is (signals per batch,
distinct symbols among them): candles are fetched once per symbol and batch, so 10 signals on 10 symbols is the
worst case (every signal pays for its own day of candles). Levels are far away, so the checks are quiet, the
common case. CPU time is the worker process's on-CPU time (all threads, /proc schedstat, ns) during the measured
invocations only; RSS is the process's high-water mark (VmHWM) at the end.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import sys
import time
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

from devstack.market import DAY, HOUR, PricePath  # noqa: E402
from devstack.runtime_api import RuntimeAPI, spawn_bootstrap  # noqa: E402
from devstack.stack import start_stack  # noqa: E402

BASES = ["BTC", "ETH", "SOL", "XRP", "ADA", "DOGE", "AVAX", "LINK", "DOT", "LTC"]
PRICES = ["64000", "3200", "150", "0.62", "0.45", "0.1867", "35", "14.5", "7.2", "85"]


def cpu_ns(pid: int) -> int:
    """On-CPU time of every thread of the process, in ns."""
    total = 0
    for task in pathlib.Path(f"/proc/{pid}/task").iterdir():
        try:
            total += int((task / "schedstat").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            pass
    return total


def peak_rss_kb(pid: int) -> int:
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def signal_body(i: int, run_ms: int, tag: str, symbols: int = len(BASES)) -> str:
    k = i % min(symbols, len(BASES))
    price = float(PRICES[k])
    kinds = [
        {"condition": "above", "target_price": f"{price * 10:.6g}"},
        {"condition": "below", "target_price": f"{price / 10:.6g}"},
        {"condition": "pct_up", "percent": "400"},
        {"condition": "pct_down", "percent": "90"},
        {"condition": "long", "entry": f"{price * 5:.6g}", "take_profit": [f"{price * 6:.6g}", f"{price * 7:.6g}"],
         "stop_loss": f"{price * 4:.6g}"},
    ]
    signal = {"id": f"bench-{tag}-{i}", "exchange": "binance", "symbol": f"{BASES[k]}USDT", **kinds[i % len(kinds)]}
    iso = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(run_ms / 1000))
    return json.dumps({"version": 1, "run": {"id": f"run-{run_ms}", "time": iso}, "sheet": {"id": "bench", "row": i + 2},
                       "signal": signal})


def event(stack, bodies: list[str]) -> dict:
    return {"Records": [{"messageId": str(uuid.uuid4()), "receiptHandle": "rh", "body": b,
                         "attributes": {"ApproximateReceiveCount": "1"}, "messageAttributes": {},
                         "eventSource": "aws:sqs", "eventSourceARN": stack.queue_arn, "awsRegion": stack.aws.region}
                        for b in bodies]}


DEFAULT_CASES = ((10, 10), (10, 2), (100, 10))


def bench_worker(bin_dir: str | pathlib.Path, cases=DEFAULT_CASES, min_signals: int = 200) -> list[dict]:
    """`cases`: (signals per batch, distinct symbols among them)."""
    bin_dir = pathlib.Path(bin_dir)
    rows: list[dict] = []
    t0 = (int(time.time() * 1000) // HOUR - 2) * HOUR
    with start_stack(market=False, fallback_exchanges="") as stack:
        for base, price in zip(BASES, PRICES):
            stack.exchanges.add_market(base, "USDT", PricePath.wave(base.lower(), price))
        api = RuntimeAPI(function_name="worker", function_timeout_s=300).start()
        env = {**stack.env_worker, "LOG_LEVEL": "warn", **{k: v for k, v in os.environ.items() if k.startswith(("MALLOC_", "WORKER_"))}}
        proc = spawn_bootstrap([str(bin_dir / "worker")], env=env, api=api, inherit_env=False)
        try:
            assert api.wait_for_next(timeout=30), proc.stderr
            for n, symbols in cases:
                repeats = max(1, -(-min_signals // n))
                cpu = 0
                counts = {"exchange": 0, "dynamodb": 0}
                for r in range(repeats):
                    tag = f"{n}-{r}-{uuid.uuid4().hex[:6]}"
                    # First check a day earlier creates the state; the measured check covers the 24 h since.
                    stack.exchanges.clock.set(t0 - DAY)
                    first = api.invoke(event(stack, [signal_body(i, t0 - DAY, tag, symbols) for i in range(n)]))
                    assert first.kind == "response" and first.json["batchItemFailures"] == [], first.body
                    stack.exchanges.clock.set(t0)
                    bodies = [signal_body(i, t0, tag, symbols) for i in range(n)]
                    stack.reset_counts()
                    before = cpu_ns(proc.pid)
                    result = api.invoke(event(stack, bodies))
                    cpu += cpu_ns(proc.pid) - before
                    assert result.kind == "response" and result.json["batchItemFailures"] == [], result.body
                    c = stack.request_counts()
                    counts["exchange"] += sum(c[v] for v in ("binance", "coinbase", "bybit"))
                    counts["dynamodb"] += sum(v for k, v in c.get("aws", {}).items() if k.startswith("DynamoDB"))
                signals = n * repeats
                case = f"batch of {n} on {min(n, symbols)} symbol{'s' if min(n, symbols) > 1 else ''}"
                rows += [
                    {"name": f"worker CPU per evaluated signal, {case}, 24 h of 1m candles",
                     "value": round(cpu / signals / 1e6, 3), "unit": "ms", "target": "<= 1"},
                    {"name": f"DynamoDB requests per quiet signal, {case}",
                     "value": round(counts["dynamodb"] / signals, 2), "unit": "requests", "target": "<= 2"},
                    {"name": f"exchange requests per signal, {case}",
                     "value": round(counts["exchange"] / signals, 2), "unit": "requests", "target": ""},
                ]
            status = pathlib.Path(f"/proc/{proc.pid}/status").read_text()
            if os.environ.get("BENCH_VERBOSE"):
                print("\n".join(l for l in status.splitlines() if l.startswith(("Vm", "Rss", "Threads"))), file=sys.stderr)
            rows.append({"name": "worker peak RSS", "value": round(peak_rss_kb(proc.pid) / 1024, 1), "unit": "MB",
                         "target": "<= 24"})
        finally:
            proc.stop()
            api.stop()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin-dir", default=os.environ.get("BIN_DIR", str(ROOT / ".build" / "release")))
    parser.add_argument("--cases", default=",".join(f"{n}x{k}" for n, k in DEFAULT_CASES),
                        help="signals-per-batch x distinct-symbols, comma separated (default %(default)s)")
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--markdown", action="store_true", help="print a markdown table")
    args = parser.parse_args()
    cases = tuple(tuple(int(x) for x in c.split("x")) for c in args.cases.split(","))
    rows = bench_worker(args.bin_dir, cases)
    if args.markdown:
        print("| worker (24 h of 1m candles, quiet signals) | value | target |")
        print("|---|---|---|")
        for r in rows:
            print(f"| {r['name']} | {r['value']} {r['unit']} | {r['target'] or '–'} |")
        rows = []
    width = max((len(r["name"]) for r in rows), default=0)
    for r in rows:
        target = f"  (target {r['target']})" if r["target"] else ""
        print(f"{r['name']:<{width}}  {r['value']:>8} {r['unit']}{target}")
    if args.json:
        pathlib.Path(args.json).write_text(json.dumps(rows, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
