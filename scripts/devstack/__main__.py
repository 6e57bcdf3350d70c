"""`python3 -m devstack up`: start the whole local stack, print its environment, run until Ctrl-C.

    cd scripts && python3 -m devstack up [--sheet FILE.csv|FILE.json] [--no-proxy] [--env-file PATH]

Prints `export NAME=value` lines (eval-able in a shell) and then one JSON object with the URLs and both
functions' environments, then serves until Ctrl-C or SIGTERM, and stops everything.
The single stand-ins run alone too: `python3 -m devstack.google`, `.exchanges`, `.pushover`, `.faultproxy URL`.
"""
from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import threading


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 -m devstack", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    up = sub.add_parser("up", help="start the whole local stack and run until Ctrl-C")
    up.add_argument("--sheet", help="serve this sheet (.csv or .json rows) instead of the one-row default")
    up.add_argument("--no-proxy", action="store_true", help="functions talk to moto directly (no fault proxy)")
    up.add_argument("--visibility-timeout", type=int, default=5)
    up.add_argument("--max-receive-count", type=int, default=3)
    up.add_argument("--env-file", help="also write the export lines to this file (mode 0600)")
    up.add_argument("--verbose", action="store_true", help="log every request the stand-ins receive")
    args = parser.parse_args(argv)

    from .google import load_sheet_file
    from .stack import start_stack

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    sheet = load_sheet_file(args.sheet) if args.sheet else None
    print("devstack: starting moto, the fault proxy and the stand-ins...", file=sys.stderr, flush=True)
    with start_stack(proxy=not args.no_proxy, sheet=sheet, visibility_timeout=args.visibility_timeout,
                     max_receive_count=args.max_receive_count, verbose=args.verbose) as stack:
        exports = stack.export_lines()
        if args.env_file:      # written before anything is printed: a reader of stdout may open it right away
            fd = os.open(args.env_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w") as f:
                f.write(exports + "\n")
        print(exports, flush=True)
        print(json.dumps(stack.describe()), flush=True)
        print("devstack: up. Control endpoints: POST <url>/_control/<action>. Ctrl-C stops everything.",
              file=sys.stderr, flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
        print("devstack: stopping", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
