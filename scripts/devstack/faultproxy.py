"""A fault-injecting HTTP proxy in front of moto (or any AWS-protocol endpoint).

    proxy = FaultProxy(moto_url).start()          # clients use proxy.url as AWS_ENDPOINT_URL
    proxy.throttle("DynamoDB_20120810.PutItem", times=3)          # 400 ProvisionedThroughputExceededException
    proxy.throttle("DynamoDB_20120810.", times=2, table="alerts")  # any DynamoDB call on that table
    proxy.fail(500, times=1, target="AmazonSQS.SendMessageBatch")
    proxy.count(target="DynamoDB_20120810.GetItem")

Requests are forwarded byte for byte, Host header included: the client signs the proxy's host:port and moto
recomputes the SigV4 signature from the Host header it receives, so it must be the original one (moto also builds
queue URLs from it, which keeps SQS traffic going through the proxy). `target` matches the X-Amz-Target header
exactly, or as a prefix when it ends with "." (a whole service).
"""
from __future__ import annotations

import http.client
import json
import threading
import urllib.parse
import uuid
import zlib
from typing import Any

from ._http import Fault, Request, Response, StandIn, serve_until_interrupted

_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
               "content-length"}

THROUGHPUT_EXCEEDED = ("com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",
                       "The level of configured provisioned throughput for the table was exceeded. Consider "
                       "increasing your provisioning level with the UpdateTable API.")
THROTTLING = ("com.amazon.coral.availability#ThrottlingException", "Rate of requests exceeds the allowed throughput.")


class FaultProxy(StandIn):
    name = "faultproxy"

    def __init__(self, upstream: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        parsed = urllib.parse.urlsplit(upstream)
        self.upstream_host = parsed.hostname or "127.0.0.1"
        self.upstream_port = parsed.port or 80
        self._local = threading.local()

    # -- faults ------------------------------------------------------------------------------------

    def tags(self, request: Request) -> dict[str, Any]:
        target = request.header("x-amz-target") or ""
        tags: dict[str, Any] = {"target": target, "service": target.split(".")[0] if target else ""}
        if target and request.body:
            try:
                body = json.loads(request.body)
                if isinstance(body, dict):
                    tags["table"] = body.get("TableName")
                    tags["queue"] = (body.get("QueueUrl") or "").rstrip("/").rsplit("/", 1)[-1] or None
            except ValueError:
                pass
        return tags

    def _match(self, target: str | None, table: str | None, queue: str | None) -> dict[str, Any]:
        match: dict[str, Any] = {}
        if table:
            match["table"] = table
        if queue:
            match["queue"] = queue
        if target:
            if target.endswith("."):
                match["service"] = target[:-1]
            else:
                match["target"] = target
        return match

    def throttle(self, target: str = "DynamoDB_20120810.", times: int | None = 1, table: str | None = None,
                 kind: str = "throughput") -> Fault:
        """400 ProvisionedThroughputExceededException (kind="throughput") or ThrottlingException
        (kind="throttling") for `times` matching requests."""
        return self.inject(Fault(status=400, times=times, kind=kind, match=self._match(target, table, None)))

    def fail(self, status: int = 500, times: int | None = 1, target: str | None = None,  # type: ignore[override]
             table: str | None = None, queue: str | None = None) -> Fault:
        """A 5xx (InternalServerError / InternalError) for `times` matching requests."""
        return self.inject(Fault(status=status, times=times, match=self._match(target, table, queue)))

    def count(self, target: str | None = None, status: int | None = None) -> int:
        if target is None:
            return self.log.count(status=status)
        if target.endswith("."):
            return self.log.count(status=status, service=target[:-1])
        return self.log.count(status=status, target=target)

    def fault_response(self, fault: Fault, request: Request, tags: dict[str, Any]) -> Response:
        status = fault.status or 500
        service = tags.get("service", "")
        if status == 400 and fault.kind in ("throughput", "throttling"):
            kind, message = THROUGHPUT_EXCEEDED if fault.kind == "throughput" else THROTTLING
            if service == "AmazonSQS":
                kind, message = "com.amazonaws.sqs#ThrottlingException", "Rate exceeded"
        elif service.startswith("DynamoDB"):
            kind, message = "com.amazonaws.dynamodb.v20120810#InternalServerError", "Internal server error"
        elif service == "AmazonSQS":
            kind, message = "com.amazonaws.sqs#InternalError", "We encountered an internal error. Please try again."
        else:
            kind, message = "InternalFailure", "The request processing has failed because of an unknown error."
        body = json.dumps({"__type": kind, "message": message}).encode()
        headers = [("Content-Type", "application/x-amz-json-1.0"), ("x-amzn-RequestId", str(uuid.uuid4())),
                   ("x-amz-crc32", str(zlib.crc32(body)))]
        if service == "AmazonSQS":
            headers.append(("x-amzn-query-error", f"{kind.split('#')[-1]};Sender"))
        return Response(status, body, headers)

    # -- forwarding --------------------------------------------------------------------------------

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=120)
            self._local.conn = conn
        return conn

    def handle(self, request: Request) -> Response:
        headers = {k: v for k, v in request.headers.items() if k not in _HOP_BY_HOP}
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.putrequest(request.method, request.target, skip_host=True, skip_accept_encoding=True)
                for k, v in headers.items():
                    conn.putheader(k, v)
                conn.putheader("Content-Length", str(len(request.body)))
                conn.endheaders(request.body)
                upstream = conn.getresponse()
                body = upstream.read()
                out = [(k, v) for k, v in upstream.getheaders() if k.lower() not in _HOP_BY_HOP]
                return Response(upstream.status, body, out)
            except (http.client.HTTPException, ConnectionError, OSError):
                # a keep-alive connection the upstream closed: reconnect once
                conn.close()
                self._local.conn = None
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")


def main() -> None:
    import sys
    if len(sys.argv) != 2:
        sys.exit("usage: python3 -m devstack.faultproxy UPSTREAM_URL")
    serve_until_interrupted(FaultProxy(sys.argv[1]))


if __name__ == "__main__":
    main()
