#!/usr/bin/env python3
"""Start-up and loop-overhead benchmark against the local Runtime API (devstack.runtime_api).

For each row (one bootstrap binary) it measures:
  * first /next: time from spawning the process to the request line of its first GET /next arriving at the
    API (median of --starts fresh processes; includes the fork/exec from Python, see the raw-socket row);
  * loop overhead: time from the API writing a /next answer to the runtime's /response request line arriving
    (median over --invocations of a trivial handler, after a warm-up): the runtime's whole turn-around;
  * peak RSS: VmHWM of the process after those invocations.

Rows are data: add one per bootstrap (e.g. reader/worker with their env and event) to ROWS below.
Prints a markdown table. Called by scripts/bench, which builds the binaries first.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import pathlib
import statistics
import sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from devstack.runtime_api import RuntimeAPI, spawn_bootstrap  # noqa: E402


@dataclasses.dataclass
class Row:
    name: str
    binary: pathlib.Path
    event: bytes = b"{}"
    env: dict = dataclasses.field(default_factory=dict)
    serves_invocations: bool = True  # False: start-up only (it exits after its first /next)


@dataclasses.dataclass
class Result:
    first_next_ms: list
    overhead_ms: list
    peak_rss_kib: int | None
    size_bytes: int


def peak_rss_kib(pid: int) -> int | None:
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def measure(row: Row, starts: int, invocations: int, warmup: int = 100) -> Result:
    first = []
    for _ in range(starts):
        with RuntimeAPI() as api:
            proc = spawn_bootstrap([row.binary], env=row.env, api=api, inherit_env=False)
            try:
                if not api.wait_for_next(timeout=10):
                    raise SystemExit(f"{row.name}: no /next within 10 s\n{proc.stderr}")
                first.append((api.next_arrivals_ns[0] - proc.started_ns) / 1e6)
            finally:
                proc.stop()
    overhead, rss = [], None
    with RuntimeAPI() as api:
        proc = spawn_bootstrap([row.binary], env=row.env, api=api, inherit_env=False)
        try:
            if row.serves_invocations:
                for i in range(warmup + invocations):
                    result = api.invoke(row.event, timeout=10)
                    if result.kind != "response":
                        raise SystemExit(f"{row.name}: invocation ended as {result.kind}: {result.body[:200]!r}")
                    inv = api.last_invocation
                    if i >= warmup:
                        overhead.append((inv.answered_ns - inv.delivered_ns) / 1e6)
            else:
                api.wait_for_next(timeout=10)
            rss = peak_rss_kib(proc.pid)
        finally:
            proc.stop()
    return Result(first, overhead, rss, row.binary.stat().st_size)


def fmt_ms(values: list, q: float | None = None) -> str:
    if not values:
        return "–"
    if q is None:
        return f"{statistics.median(values):.2f}"
    s = sorted(values)
    return f"{s[min(len(s) - 1, int(len(s) * q))]:.2f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin-dir", required=True, type=pathlib.Path, help="release build of runtime-probe (static stdlib)")
    parser.add_argument("--baselines", type=pathlib.Path, help="directory with the C reference binaries, if built")
    parser.add_argument("--starts", type=int, default=30)
    parser.add_argument("--invocations", type=int, default=2000)
    args = parser.parse_args()

    rows = [Row("runtime-probe (this runtime, Swift, static stdlib)", args.bin_dir / "runtime-probe")]
    if args.baselines:
        rows.append(Row("C + libcurl, same loop (reference)", args.baselines / "curl_next"))
        rows.append(Row("Swift static stdlib, raw socket, no curl (Swift floor)", args.baselines / "swift_raw_next",
                        serves_invocations=False))
        rows.append(Row("C, raw socket, libc only (spawn floor)", args.baselines / "raw_next", serves_invocations=False))
    # Later issues: rows.append(Row("reader", args.bin_dir / "reader", event=..., env={...}))

    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores shared; medians are noisy under load)", file=sys.stderr)
    print("| bootstrap | first /next median (ms) | min | p90 | loop overhead median (ms) | p99 | peak RSS (MiB) | binary (MiB) |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        if not row.binary.exists():
            print(f"bench: {row.binary} is missing; skipping {row.name}", file=sys.stderr)
            continue
        r = measure(row, args.starts, args.invocations if row.serves_invocations else 0)
        rss = f"{r.peak_rss_kib / 1024:.1f}" if r.peak_rss_kib else "–"
        print(
            f"| {row.name} | {fmt_ms(r.first_next_ms)} | {min(r.first_next_ms):.2f} | {fmt_ms(r.first_next_ms, 0.9)} "
            f"| {fmt_ms(r.overhead_ms)} | {fmt_ms(r.overhead_ms, 0.99)} | {rss} | {r.size_bytes / 1048576:.1f} |",
            flush=True,
        )
    print(f"load average after: {os.getloadavg()[0]:.2f}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
