#!/usr/bin/env python3
"""Reader benchmarks (issue 4), runnable alone or from scripts/bench.py through `run(bin_dir)`:

* CPU time and peak RSS of one `reader --event` run over a 10,000-row sheet (8,000 valid signals, 1,000 inactive,
  1,000 rejected), enqueuing into a minimal SQS sink (moto's SQS slows down with every message a queue holds:
  8,000 messages take minutes there, which would measure moto). Targets: ≤ 0.1 ms CPU per row, ≤ 40 MB RSS.
* Wall time to enqueue 1,000 signals into moto (a 1,000-row sheet, every row valid): the whole run, and the part
  between the reader's "reading the sheet" and "run finished" log lines.

    cd scripts && python3 bench_reader.py [--bin-dir ../.build/release]

Each result is a dict: {"name", "value", "unit", "target" (or None), "ok" (or None), "detail"}.
"""
from __future__ import annotations

import argparse
import datetime as dt
import http.server
import json
import threading
import uuid
import os
import pathlib
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from devstack.google import Google  # noqa: E402
from devstack.moto import start_moto  # noqa: E402

CONDITIONS = [
    ("above", {"target_price": "65,000.50"}), ("below", {"target_price": 3000}), ("pct_up", {"percent": 5}),
    ("pct_down", {"percent": "2.5"}), ("long", {"entry": 64000, "take_profit": "66000, 68000", "stop_loss": 62000}),
    ("short", {"entry": "3500", "take_profit": "3200;3000", "stop_loss": 3700}),
]
HEADER = ["id", "symbol", "exchange", "condition", "target_price", "percent", "entry", "take_profit", "stop_loss",
          "active", "user", "priority", "repeat", "expires", "note"]


def make_sheet(rows: int, valid_share: float = 1.0) -> list[list]:
    """`rows` data rows after the header: valid signals, then (when valid_share < 1) inactive and rejected ones
    spread evenly. Every valid row has its own identity."""
    values = [HEADER]
    symbols = ["BTCUSDT", "ETH-USD", "SOL/USDT", "1000PEPEUSDT", "XRPUSDT"]
    venues = ["binance", "coinbase", "bybit", "", "Binance"]
    for n in range(rows):
        condition, levels = CONDITIONS[n % len(CONDITIONS)]
        kind = "valid"
        if valid_share < 1:
            bucket = n % 10
            kind = "inactive" if bucket == 8 else "rejected" if bucket == 9 else "valid"
        row = {h: "" for h in HEADER}
        row.update(levels)
        row.update(id=f"bench-{n}", symbol=symbols[n % 5], exchange=venues[n % 5], condition=condition,
                   active="FALSE" if kind == "inactive" else "TRUE", user="alice" if n % 3 else "",
                   priority=n % 3 - 1, repeat=["once", "every", "4h"][n % 3],
                   expires=46387.5 if n % 4 == 0 else "", note=f"signal {n}: breakout watch")
        if kind == "rejected":
            row["target_price"] = row["percent"] = row["entry"] = "#N/A"
        values.append([row[h] for h in HEADER])
    return values


def _measured(binary: pathlib.Path, env: dict, event: dict):
    """Runs `reader --event`; returns (output, CPU seconds, peak RSS in MB, wall seconds) of the reader alone.

    The peak comes from GNU time where installed, else from polling the reader's VmHWM: the kernel's
    ru_maxrss for a child spawned by Python also counts the pages of the Python process it was forked from.
    """
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        (tmp / "event.json").write_text(json.dumps(event))
        argv = [str(binary), "--event", str(tmp / "event.json")]
        gnu_time = pathlib.Path("/usr/bin/time")
        if gnu_time.exists():
            argv = [str(gnu_time), "-f", "%U %S %M", "-o", str(tmp / "usage")] + argv
        with open(tmp / "out", "w+") as out, open(tmp / "err", "w+") as err:
            started = time.monotonic()
            proc = subprocess.Popen(argv, env={"PATH": "/usr/bin:/bin", **env}, stdout=out, stderr=err)
            peak_kb = 0
            while proc.poll() is None:
                if not gnu_time.exists():
                    try:
                        status = pathlib.Path(f"/proc/{proc.pid}/status").read_text()
                        peak_kb = max(peak_kb, int(status.split("VmHWM:")[1].split()[0]))
                    except (OSError, IndexError, ValueError):
                        pass
                time.sleep(0.005)  # sampling interval, not a wait for a race
            wall = time.monotonic() - started
            out.seek(0)
            err.seek(0)
            done = subprocess.CompletedProcess(argv, proc.returncode, out.read(), err.read())
        if gnu_time.exists():
            user, system, peak = (tmp / "usage").read_text().split()[-3:]
            return done, float(user) + float(system), int(peak) / 1024.0, wall
    # Without GNU time: CPU from the children's usage (the reader is the only child that ends here).
    return done, _children_cpu_since(done), peak_kb / 1024.0, wall


_cpu_mark = [0.0]


def _children_cpu_since(_done) -> float:
    import resource
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    total = usage.ru_utime + usage.ru_stime
    spent, _cpu_mark[0] = total - _cpu_mark[0], total
    return spent


class SQSSink(http.server.ThreadingHTTPServer):
    """Accepts every SendMessageBatch (AWS JSON 1.0) and counts the messages; checks nothing else."""
    daemon_threads = True

    def __init__(self):
        self.received = 0
        self.lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _SinkHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _SinkHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        entries = body.get("Entries", [])
        with self.server.lock:
            self.server.received += len(entries)
        answer = json.dumps({"Successful": [{"Id": e["Id"], "MessageId": str(uuid.uuid4()), "MD5OfMessageBody": ""}
                                            for e in entries], "Failed": []}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


def _handler_seconds(stderr: str) -> float | None:
    stamps = {}
    for line in stderr.splitlines():
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if record.get("message") in ("reading the sheet", "run finished"):
            stamps[record["message"]] = dt.datetime.fromisoformat(record["timestamp"].replace("Z", "+00:00"))
    if len(stamps) == 2:
        return (stamps["run finished"] - stamps["reading the sheet"]).total_seconds()
    return None


def run(bin_dir: str | os.PathLike) -> list[dict]:
    binary = pathlib.Path(bin_dir) / "reader"
    results = []
    google = Google().start()
    moto = start_moto()
    try:
        sqs = moto.boto3_client("sqs")
        key_file = google.create_service_account(account="bench-reader")

        def env_for(sheet_id, queue_url):
            return {**moto.env(), "GOOGLE_SHEETS_SPREADSHEET_ID": sheet_id, "GOOGLE_SHEETS_API_URL": google.url,
                    "GOOGLE_SERVICE_ACCOUNT_JSON": json.dumps(key_file), "SQS_QUEUE_URL": queue_url,
                    "LOG_LEVEL": "warn"}

        # 10,000 rows: CPU and memory.
        google.serve_sheet("bench-10k", make_sheet(10_000, valid_share=0.8))
        sink = SQSSink()
        env = {**env_for("bench-10k", sink.url + "/123456789012/bench-10k"), "AWS_ENDPOINT_URL_SQS": sink.url}
        try:
            done, cpu, rss_mb, wall = _measured(binary, env, {"id": "bench", "time": "2026-11-25T20:00:00Z"})
        finally:
            sink.shutdown()
        if done.returncode != 0:
            raise RuntimeError(f"reader failed on the 10,000-row sheet: {done.stdout}{done.stderr[-2000:]}")
        summary = json.loads(done.stdout)
        per_row_ms = cpu * 1000 / 10_000
        detail = (f"{summary['enqueued']} enqueued ({sink.received} received by the sink), {len(summary['skipped'])} "
                  f"skipped, {len(summary['rejected'])} rejected; wall {wall:.1f} s")
        results.append({"name": "reader CPU per row (10,000-row sheet)", "value": round(per_row_ms, 4), "unit": "ms",
                        "target": 0.1, "ok": per_row_ms <= 0.1, "detail": f"{cpu:.2f} s CPU in total; " + detail})
        results.append({"name": "reader peak RSS (10,000-row sheet)", "value": round(rss_mb, 1), "unit": "MB",
                        "target": 40, "ok": rss_mb <= 40, "detail": detail})

        # 1,000 signals: wall time into moto.
        google.serve_sheet("bench-1k", make_sheet(1_000))
        queue = sqs.create_queue(QueueName="bench-1k")["QueueUrl"]
        env = {**env_for("bench-1k", queue), "LOG_LEVEL": "info"}
        done, cpu, _, wall = _measured(binary, env, {"id": "bench-1k", "time": "2026-11-25T20:00:00Z"})
        if done.returncode != 0:
            raise RuntimeError(f"reader failed on the 1,000-row sheet: {done.stdout}{done.stderr[-2000:]}")
        enqueued = json.loads(done.stdout)["enqueued"]
        attrs = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
        on_queue = int(attrs["ApproximateNumberOfMessages"])
        handler = _handler_seconds(done.stderr)
        results.append({"name": "reader: enqueue 1,000 signals into moto (whole run)", "value": round(wall, 2),
                        "unit": "s", "target": None, "ok": enqueued == on_queue == 1000,
                        "detail": f"{on_queue} messages on the queue; handler {handler:.2f} s; CPU {cpu:.2f} s"
                        if handler is not None else f"{on_queue} messages on the queue; CPU {cpu:.2f} s"})
    finally:
        moto.stop()
        google.stop()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bin-dir", default=str(HERE.parent / ".build" / "release"))
    parser.add_argument("--json", action="store_true", help="print the results as one JSON array")
    parser.add_argument("--markdown", action="store_true", help="print the results as a markdown table")
    args = parser.parse_args()
    results = run(args.bin_dir)
    if args.json:
        print(json.dumps(results, indent=1))
    elif args.markdown:
        print("| reader | value | target | |\n|---|---|---|---|")
        for r in results:
            verdict = "" if r["ok"] is None else ("ok" if r["ok"] else "over target")
            target = f"≤ {r['target']} {r['unit']}" if r["target"] is not None else "–"
            print(f"| {r['name']} | {r['value']} {r['unit']} | {target} | {verdict} |")
    else:
        for r in results:
            verdict = "" if r["ok"] is None else ("ok" if r["ok"] else "OVER TARGET")
            target = f" (target ≤ {r['target']} {r['unit']})" if r["target"] is not None else ""
            print(f"{r['name']}: {r['value']} {r['unit']}{target} {verdict}\n    {r['detail']}")
    return 0 if all(r["ok"] is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
