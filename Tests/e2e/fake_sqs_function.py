#!/usr/bin/env python3
"""A trivial SQS-triggered Lambda function in Python that runs the Runtime API loop itself (a "bootstrap").

It answers `{"batchItemFailures": [...]}` naming the records whose body contains "fail", and reports a function
error (POST /error) for a batch holding a body with "crash" received for the first time. Used to test the event source end to end through the
local Runtime API without the Swift worker.
"""
import http.client
import json
import os
import sys

host, _, port = os.environ["AWS_LAMBDA_RUNTIME_API"].partition(":")
conn = http.client.HTTPConnection(host, int(port))
base = "/2018-06-01/runtime/invocation"


def call(method, path, body=None, headers=None):
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    return resp, resp.read()


while True:
    try:
        resp, event = call("GET", f"{base}/next")
    except (ConnectionError, http.client.HTTPException, OSError):
        sys.exit(0)                                  # the Runtime API went away: the environment is gone
    request_id = resp.getheader("Lambda-Runtime-Aws-Request-Id")
    records = json.loads(event)["Records"]
    print(json.dumps({"requestId": request_id, "bodies": [r["body"] for r in records]}), flush=True)
    if any("crash" in r["body"] and r["attributes"]["ApproximateReceiveCount"] == "1" for r in records):
        call("POST", f"{base}/{request_id}/error",
             json.dumps({"errorMessage": "crashed on purpose", "errorType": "Crash"}),
             {"Lambda-Runtime-Function-Error-Type": "Function.Crash"})
        continue
    failures = [{"itemIdentifier": r["messageId"]} for r in records if "fail" in r["body"]]
    call("POST", f"{base}/{request_id}/response", json.dumps({"batchItemFailures": failures}))
