#!/usr/bin/env python3
"""Print a Lambda SQS event for `worker --event FILE`, from reader -> worker message bodies (SPEC §4).

    scripts/sqs_event.py --signal '{"symbol":"BTCUSDT","condition":"above","target_price":"65000"}' > event.json
    scripts/sqs_event.py body1.json body2.json > event.json          # files holding message bodies
    scripts/sqs_event.py --from-queue "$SQS_QUEUE_URL" > event.json    # up to 10 messages the reader enqueued

`--signal` wraps one signal object in a version-1 body (exchange defaults to binance, id to
`manual-<symbol>-<condition>`); `--from-queue` receives with boto3 using the usual AWS_* variables (including
AWS_ENDPOINT_URL for a local moto) and leaves the messages on the queue unless `--delete` is given.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
import uuid


def body_for_signal(signal: dict) -> str:
    signal = {"exchange": "binance", **signal}
    signal.setdefault("id", f"manual-{signal.get('symbol', 'x')}-{signal.get('condition', 'x')}".lower())
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return json.dumps({"version": 1, "run": {"id": "manual-" + uuid.uuid4().hex[:8], "time": now}, "signal": signal})


def record(body: str, message_id: str | None = None, receipt: str = "", receive_count: int = 1,
           arn: str = "arn:aws:sqs:us-east-1:123456789012:manual", region: str = "us-east-1") -> dict:
    return {"messageId": message_id or str(uuid.uuid4()), "receiptHandle": receipt or "manual-" + uuid.uuid4().hex,
            "body": body,
            "attributes": {"ApproximateReceiveCount": str(receive_count), "SentTimestamp": str(int(time.time() * 1000)),
                           "SenderId": "manual", "ApproximateFirstReceiveTimestamp": str(int(time.time() * 1000))},
            "messageAttributes": {}, "md5OfBody": hashlib.md5(body.encode()).hexdigest(), "eventSource": "aws:sqs",
            "eventSourceARN": arn, "awsRegion": region}


def from_queue(url: str, delete: bool) -> list[dict]:
    import boto3

    sqs = boto3.client("sqs")
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=1,
                              AttributeNames=["All"]).get("Messages", [])
    out = [record(m["Body"], m["MessageId"], m["ReceiptHandle"], int(m["Attributes"]["ApproximateReceiveCount"]),
                  arn, sqs.meta.region_name) for m in got]
    if delete and got:
        sqs.delete_message_batch(QueueUrl=url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]}
                                                         for i, m in enumerate(got)])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("bodies", nargs="*", help="files holding one message body each (- = stdin)")
    parser.add_argument("--signal", action="append", default=[], help="a signal object (JSON); repeatable")
    parser.add_argument("--from-queue", metavar="URL", help="receive up to 10 messages from this queue")
    parser.add_argument("--delete", action="store_true", help="with --from-queue: delete what was received")
    args = parser.parse_args()
    records = [record(body_for_signal(json.loads(s))) for s in args.signal]
    for path in args.bodies:
        text = sys.stdin.read() if path == "-" else open(path).read()
        records.append(record(json.dumps(json.loads(text))))
    if args.from_queue:
        records += from_queue(args.from_queue, args.delete)
    if not records:
        parser.error("nothing to put in the event: give --signal, body files or --from-queue")
    print(json.dumps({"Records": records}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
