"""A local AWS Lambda Runtime API (version 2018-06-01), standard library only.

It follows what AWS documents and the Runtime Interface Emulator (RIE) does:

* ``GET  /2018-06-01/runtime/invocation/next`` blocks until an invoke arrives; 200 with the event and the
  ``Lambda-Runtime-*`` headers (request id, deadline, function ARN, trace id when given, client context,
  Cognito identity). Asking again before answering the current invoke is 403 ``InvalidStateTransition``.
* ``POST .../invocation/{id}/response`` 202 ``{"status":"OK"}``; 413 ``RequestEntityTooLarge`` over
  6 MiB + 100 bytes (the invoke then fails as ``Function.ResponseSizeTooLarge``, as at the RIE); 400
  ``InvalidRequestID`` for another id; 403 when no invoke is in flight.
* ``POST .../invocation/{id}/error`` 202; the caller gets the error body, and the
  ``Lambda-Runtime-Function-Error-Type`` header normalised the RIE's way (``Runtime.Unknown`` unless it
  matches ``(Runtime|Function).[A-Z][a-zA-Z]+``).
* ``POST /2018-06-01/runtime/init/error`` 202 before the first ``/next`` (403 after); every invoke then
  fails with that error, as Lambda serves it "in response to the first invoke".

Use from Python::

    with RuntimeAPI(function_timeout_s=3) as api:          # 127.0.0.1, a free port
        proc = spawn_bootstrap([binary], api=api)
        result = api.invoke(b'{"x":1}')                      # InvokeResult(kind='response', body=..., ...)

or from the command line (see ``--help``) with an RIE-like front door::

    cd scripts && python3 -m devstack.runtime_api --front-door 8080 -- ../.build/release/reader
    curl -d '{}' http://127.0.0.1:8080/2015-03-31/functions/function/invocations
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import http.server
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from typing import Callable, Optional

API_PREFIX = "/2018-06-01/runtime"
MAX_PAYLOAD_BYTES = 6 * 1024 * 1024 + 100  # RIE interop.MaxPayloadSize
_ERROR_TYPE = re.compile(r"^(Runtime|Function)\.[A-Z][a-zA-Z]+$")
_INVOCATION_PATH = re.compile(r"^" + re.escape(API_PREFIX) + r"/invocation/([^/]+)/(response|error)$")


@dataclasses.dataclass
class InvokeResult:
    """What one invoke came to.

    kind: ``response`` (the runtime posted a response), ``error`` (it posted an error, or the response was
    too large), ``init_error`` (the runtime reported ``/init/error``), ``timeout`` (no answer in time).
    """

    kind: str
    body: bytes = b""
    headers: dict = dataclasses.field(default_factory=dict)
    request_id: str = ""

    @property
    def json(self):
        return json.loads(self.body)

    @property
    def error_type(self) -> Optional[str]:
        return self.headers.get("Lambda-Runtime-Function-Error-Type")


@dataclasses.dataclass
class _Invocation:
    request_id: str
    event: bytes
    deadline_ms: int
    trace_id: Optional[str]
    client_context: Optional[str]
    cognito_identity: Optional[str]
    result: Optional[InvokeResult] = None
    done: threading.Event = dataclasses.field(default_factory=threading.Event)
    delivered_ns: int = 0  # when the /next answer was written (monotonic)
    answered_ns: int = 0  # when the runtime's answer arrived (monotonic)


def normalise_error_type(value: Optional[str]) -> str:
    """The RIE's fatalerror.GetValidRuntimeOrFunctionErrorType."""
    if value and _ERROR_TYPE.match(value):
        return value
    if value and value.startswith("Function."):
        return "Function.Unknown"
    return "Runtime.Unknown"


class RuntimeAPI:
    """The Runtime API on ``host:port`` (port 0 = any free port), plus an in-process invoke call."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        function_name: str = "test_function",
        function_timeout_s: float = 300.0,
        region: str = "us-east-1",
        account: str = "012345678912",
        max_response_bytes: int = MAX_PAYLOAD_BYTES,
    ):
        self.function_name = function_name
        self.function_timeout_s = function_timeout_s
        self.function_arn = f"arn:aws:lambda:{region}:{account}:function:{function_name}"
        self.max_response_bytes = max_response_bytes
        self._cond = threading.Condition()
        self._pending: list[_Invocation] = []  # invokes not yet handed to /next
        self._current: Optional[_Invocation] = None  # handed out, not yet answered
        self._next_waiting = 0
        self._seen_next = False
        self._stopping = False
        self._forced_next_status: Optional[int] = None
        self._invoke_lock = threading.Lock()
        self._connections: set = set()
        self.connections_accepted = 0  # keep-alive reuse shows as 1 for many invocations
        self.init_error: Optional[InvokeResult] = None
        self.calls: list[tuple[str, str, int]] = []  # (method, path, status) in order
        self.next_arrivals_ns: list[int] = []  # monotonic time of each GET /next request line
        self.last_invocation: Optional[_Invocation] = None
        self._server = _Server((host, port), _Handler)
        self._server.api = self
        self._thread: Optional[threading.Thread] = None

    # -- lifecycle ---------------------------------------------------------------------------------

    @property
    def address(self) -> str:
        """``host:port``, the value for ``AWS_LAMBDA_RUNTIME_API``."""
        host, port = self._server.server_address[:2]
        return f"{host}:{port}"

    @property
    def port(self) -> int:
        return self._server.server_address[1]

    def start(self) -> "RuntimeAPI":
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="runtime-api", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Goes away like a dead API: the listener closes and every open connection is cut."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        self._server.shutdown()
        self._server.server_close()
        for sock in list(self._connections):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def __enter__(self) -> "RuntimeAPI":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- driving it --------------------------------------------------------------------------------

    def invoke(
        self,
        event,
        timeout: Optional[float] = None,
        trace_id: Optional[str] = None,
        client_context: Optional[str] = None,
        cognito_identity: Optional[str] = None,
        request_id: Optional[str] = None,
    ) -> InvokeResult:
        """Hands ``event`` (bytes, str, or a JSON-able value) to the runtime and waits for its answer.

        Invokes are served one at a time, like one Lambda execution environment. ``timeout`` defaults to the
        function timeout plus a second; on expiry the result is ``timeout`` and a late answer is discarded.
        """
        if not isinstance(event, (bytes, bytearray)):
            event = event.encode() if isinstance(event, str) else json.dumps(event).encode()
        with self._invoke_lock:
            with self._cond:
                if self.init_error is not None:
                    return dataclasses.replace(self.init_error)
                inv = _Invocation(
                    request_id=request_id or str(uuid.uuid4()),
                    event=bytes(event),
                    deadline_ms=int(time.time() * 1000 + self.function_timeout_s * 1000),
                    trace_id=trace_id,
                    client_context=client_context,
                    cognito_identity=cognito_identity,
                )
                self._pending.append(inv)
                self.last_invocation = inv
                self._cond.notify_all()
            wait = self.function_timeout_s + 1.0 if timeout is None else timeout
            deadline = time.monotonic() + wait
            with self._cond:
                while not inv.done.is_set() and self.init_error is None:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        break
                    self._cond.wait(left)
                if inv.done.is_set():
                    return inv.result
                if inv in self._pending:
                    self._pending.remove(inv)
                if self.init_error is not None:
                    return dataclasses.replace(self.init_error, request_id=inv.request_id)
                return InvokeResult(
                    kind="timeout",
                    body=json.dumps(
                        {"errorMessage": f"Task timed out after {wait:.2f} seconds", "errorType": "Sandbox.Timedout"}
                    ).encode(),
                    request_id=inv.request_id,
                )

    def wait_for_next(self, timeout: float = 10.0, count: int = 1) -> bool:
        """True once ``count`` GET /next calls have arrived (e.g. 1: the runtime finished init)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.next_arrivals_ns) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def wait_for_init_error(self, timeout: float = 10.0) -> Optional[InvokeResult]:
        deadline = time.monotonic() + timeout
        with self._cond:
            while self.init_error is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(left)
            return self.init_error

    def answer_next_with(self, status: int) -> None:
        """Fault injection: every /next (including one already waiting) gets this status, e.g. 500."""
        with self._cond:
            self._forced_next_status = status
            self._cond.notify_all()

    # -- handler side (called from connection threads) ---------------------------------------------

    def _next(self, handler: "_Handler") -> None:
        with self._cond:
            self.next_arrivals_ns.append(handler.arrival_ns)
            self._cond.notify_all()
            if self._current is not None:
                return handler.reply_error(403, "InvalidStateTransition", "State transition is not allowed")
            self._seen_next = True
            self._next_waiting += 1
            try:
                while not self._pending and not self._stopping and self._forced_next_status is None:
                    self._cond.wait()
            finally:
                self._next_waiting -= 1
            if self._forced_next_status is not None:
                status = self._forced_next_status
                return handler.reply_error(status, "InternalServerError", "Runtime should exit promptly")
            if self._stopping:
                handler.close_connection = True
                return handler.drop()
            inv = self._pending.pop(0)
            self._current = inv
        headers = {
            "Content-Type": "application/json",
            "Lambda-Runtime-Aws-Request-Id": inv.request_id,
            "Lambda-Runtime-Deadline-Ms": str(inv.deadline_ms),
            "Lambda-Runtime-Invoked-Function-Arn": self.function_arn,
        }
        if inv.trace_id:
            headers["Lambda-Runtime-Trace-Id"] = inv.trace_id
        if inv.client_context:
            headers["Lambda-Runtime-Client-Context"] = inv.client_context
        if inv.cognito_identity:
            headers["Lambda-Runtime-Cognito-Identity"] = inv.cognito_identity
        handler.reply(200, inv.event, headers)
        inv.delivered_ns = time.monotonic_ns()

    def _answer(self, handler: "_Handler", request_id: str, what: str, body: bytes) -> None:
        with self._cond:
            inv = self._current
            if inv is None:
                return handler.reply_error(403, "InvalidStateTransition", "State transition is not allowed")
            if request_id != inv.request_id:
                return handler.reply_error(400, "InvalidRequestID", "Invalid request ID")
            inv.answered_ns = handler.arrival_ns
            if what == "response" and len(body) > self.max_response_bytes:
                message = f"Response payload size exceeded maximum allowed payload size ({self.max_response_bytes} bytes)."
                result = InvokeResult(
                    kind="error",
                    body=json.dumps({"errorMessage": message, "errorType": "Function.ResponseSizeTooLarge"}).encode(),
                    headers={"Lambda-Runtime-Function-Error-Type": "Function.ResponseSizeTooLarge"},
                    request_id=inv.request_id,
                )
                self._finish(inv, result)
                return handler.reply_error(
                    413,
                    "RequestEntityTooLarge",
                    f"Exceeded maximum allowed payload size ({self.max_response_bytes} bytes).",
                )
            headers = dict(handler.headers.items())
            if what == "response":
                result = InvokeResult(kind="response", body=body, headers=headers, request_id=inv.request_id)
            else:
                headers["Lambda-Runtime-Function-Error-Type"] = normalise_error_type(
                    handler.headers.get("Lambda-Runtime-Function-Error-Type")
                )
                result = InvokeResult(kind="error", body=body, headers=headers, request_id=inv.request_id)
            self._finish(inv, result)
        handler.reply(202, b'{"status":"OK"}', {"Content-Type": "application/json"})

    def _init_error(self, handler: "_Handler", body: bytes) -> None:
        with self._cond:
            if self._seen_next or self.init_error is not None:
                return handler.reply_error(403, "InvalidStateTransition", "State transition is not allowed")
            headers = dict(handler.headers.items())
            headers["Lambda-Runtime-Function-Error-Type"] = normalise_error_type(
                handler.headers.get("Lambda-Runtime-Function-Error-Type")
            )
            self.init_error = InvokeResult(kind="init_error", body=body, headers=headers)
            self._cond.notify_all()
        handler.reply(202, b'{"status":"OK"}', {"Content-Type": "application/json"})

    def _finish(self, inv: _Invocation, result: InvokeResult) -> None:
        inv.result = result
        self._current = None
        inv.done.set()
        self._cond.notify_all()


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True
    api: RuntimeAPI

    def process_request(self, request, client_address):
        self.api._connections.add(request)
        self.api.connections_accepted += 1
        super().process_request(request, client_address)

    def handle_error(self, request, client_address):
        # A runtime that is killed or exits mid-connection is normal here, not worth a traceback.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)

    def shutdown_request(self, request):
        self.api._connections.discard(request)
        super().shutdown_request(request)


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # http.server writes status line, headers and body in separate sends; with Nagle on, the client's
    # delayed ACK stalls every response by ~40 ms (see notes/lambda-runtime.md, pitfalls).
    disable_nagle_algorithm = True
    server_version = "LocalRuntimeAPI/1"
    arrival_ns = 0

    def log_message(self, format, *args):  # quiet: tests and the demo read the function's output
        pass

    def parse_request(self):
        # The request line has just arrived: the moment the bench counts as "the runtime asked".
        self.arrival_ns = time.monotonic_ns()
        return super().parse_request()

    @property
    def api(self) -> RuntimeAPI:
        return self.server.api

    def do_GET(self):
        if self.path == API_PREFIX + "/invocation/next":
            return self.api._next(self)
        self.reply_error(404, "NotFound", "no such endpoint")

    def do_POST(self):
        body = self.read_body()
        if body is None:
            return self.reply_error(400, "TruncatedHTTPRequest", "could not read the request body")
        m = _INVOCATION_PATH.match(self.path)
        if m:
            return self.api._answer(self, m.group(1), m.group(2), body)
        if self.path == API_PREFIX + "/init/error":
            return self.api._init_error(self, body)
        self.reply_error(404, "NotFound", "no such endpoint")

    def read_body(self) -> Optional[bytes]:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            out = bytearray()
            while True:
                line = self.rfile.readline(1024)
                if not line:
                    return None
                size = int(line.split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                        pass
                    return bytes(out)
                out += self.rfile.read(size)
                self.rfile.readline(1024)
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length) if length else b""
        return data if len(data) == length else None

    def reply(self, status: int, body: bytes, headers: dict) -> None:
        self.api.calls.append((self.command, self.path, status))
        lines = [f"HTTP/1.1 {status} {self.responses.get(status, ('',))[0]}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        lines.append(f"Content-Length: {len(body)}")
        # One write: status line, headers and body leave in a single segment.
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    def reply_error(self, status: int, error_type: str, message: str) -> None:
        body = json.dumps({"errorMessage": message, "errorType": error_type}).encode()
        self.reply(status, body, {"Content-Type": "application/json"})

    def drop(self) -> None:
        self.api.calls.append((self.command, self.path, 0))
        self.close_connection = True


# -- running a bootstrap -----------------------------------------------------------------------------


class Bootstrap:
    """A runtime process whose stdout/stderr are collected in the background (pipes never fill)."""

    def __init__(self, popen: subprocess.Popen, started_ns: int):
        self.popen = popen
        self.started_ns = started_ns
        self._out = bytearray()
        self._err = bytearray()
        self._threads = [
            threading.Thread(target=self._pump, args=(popen.stdout, self._out), daemon=True),
            threading.Thread(target=self._pump, args=(popen.stderr, self._err), daemon=True),
        ]
        for t in self._threads:
            t.start()

    @staticmethod
    def _pump(stream, sink: bytearray) -> None:
        for chunk in iter(lambda: stream.read1(65536), b""):
            sink += chunk

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def returncode(self) -> Optional[int]:
        return self.popen.poll()

    def wait(self, timeout: float = 10.0) -> int:
        code = self.popen.wait(timeout)
        for t in self._threads:
            t.join(timeout)
        return code

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
        self.wait()

    @property
    def stdout(self) -> str:
        return self._out.decode(errors="replace")

    @property
    def stderr(self) -> str:
        return self._err.decode(errors="replace")

    def log_records(self, stream: str = "stdout") -> list:
        """Every line of that stream parsed as JSON (raises on a line that is not)."""
        text = self.stdout if stream == "stdout" else self.stderr
        return [json.loads(line) for line in text.splitlines() if line.strip()]


def spawn_bootstrap(
    argv: list, env: Optional[dict] = None, api: Optional[RuntimeAPI] = None, inherit_env: bool = True
) -> Bootstrap:
    """Starts a runtime binary with ``AWS_LAMBDA_RUNTIME_API`` pointing at ``api``."""
    full_env = dict(os.environ) if inherit_env else {}
    full_env.update(env or {})
    if api is not None:
        full_env["AWS_LAMBDA_RUNTIME_API"] = api.address
    started = time.monotonic_ns()
    popen = subprocess.Popen(
        [str(a) for a in argv], env=full_env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    return Bootstrap(popen, started)


# -- command line ------------------------------------------------------------------------------------


class _FrontDoor(http.server.ThreadingHTTPServer):
    daemon_threads = True
    invoke: Callable


class _FrontDoorHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format, *args):
        pass

    def do_POST(self):
        if self.path != "/2015-03-31/functions/function/invocations":
            return self._send(404, b'{"message":"not found"}', {})
        event = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        client_context = self.headers.get("X-Amz-Client-Context")
        if client_context:
            client_context = base64.b64decode(client_context).decode(errors="replace")
        result = self.server.invoke(event, self.headers.get("X-Amzn-Trace-Id"), client_context)
        headers = {"Content-Type": "application/json"}
        if result.kind == "response":
            return self._send(200, result.body, headers)
        if result.kind == "error":
            headers["X-Amz-Function-Error"] = result.error_type or "Unhandled"
            return self._send(200, result.body, headers)
        if result.kind == "timeout":
            return self._send(200, result.body, headers)
        headers["X-Amz-Function-Error"] = result.error_type or "Runtime.Unknown"
        return self._send(502, result.body, headers)

    def _send(self, status: int, body: bytes, headers: dict) -> None:
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _Session:
    """The CLI's runtime: re-created (API and process) after the process dies, like the RIE's reset."""

    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.api: Optional[RuntimeAPI] = None
        self.proc: Optional[Bootstrap] = None

    def _ensure(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            return
        if self.proc is not None:
            print(f"runtime-api: runtime exited with {self.proc.returncode}; starting a new one", file=sys.stderr)
            self.api.stop()
        self.api = RuntimeAPI(
            host=self.args.host, port=self.args.port, function_name=self.args.function_name,
            function_timeout_s=self.args.timeout,
        ).start()
        env = {"AWS_LAMBDA_FUNCTION_NAME": self.args.function_name, "AWS_LAMBDA_FUNCTION_TIMEOUT": str(int(self.args.timeout))}
        full_env = dict(os.environ, **env, AWS_LAMBDA_RUNTIME_API=self.api.address)
        # The function's log lines go to our stderr, so stdout carries only invoke results.
        popen = subprocess.Popen(self.args.command, env=full_env, stdin=subprocess.DEVNULL, stdout=sys.stderr)
        self.proc = _Inherited(popen)

    def invoke(self, event: bytes, trace_id=None, client_context=None) -> InvokeResult:
        with self.lock:
            self._ensure()
            result = self.api.invoke(event, trace_id=trace_id, client_context=client_context)
            if result.kind in ("timeout", "init_error"):
                # Lambda resets the environment after a timeout; after an init error the runtime exits anyway.
                self.proc.stop()
            return result

    def close(self) -> None:
        if self.proc is not None:
            self.proc.stop()
        if self.api is not None:
            self.api.stop()


class _Inherited:
    """A child process that writes to our own stdout/stderr."""

    def __init__(self, popen):
        self.popen = popen

    @property
    def returncode(self):
        return self.popen.poll()

    def stop(self):
        if self.popen.poll() is None:
            self.popen.kill()
        self.popen.wait()


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m devstack.runtime_api",
        description="Local AWS Lambda Runtime API: runs a bootstrap and feeds it invocations.",
        epilog="example: python3 -m devstack.runtime_api --invoke event.json -- ../.build/release/reader",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9001, help="Runtime API port (0 = any; default 9001)")
    parser.add_argument("--front-door", type=int, metavar="PORT",
                        help="serve POST /2015-03-31/functions/function/invocations on this port, like the RIE")
    parser.add_argument("--invoke", action="append", default=[], metavar="FILE",
                        help="invoke once with the event in FILE (- = stdin), print the result; repeatable")
    parser.add_argument("--timeout", type=float, default=300.0, help="function timeout in seconds (default 300)")
    parser.add_argument("--function-name", default="test_function")
    parser.add_argument("command", nargs="+", help="the bootstrap and its arguments (after --)")
    args = parser.parse_args(argv)
    if not args.invoke and args.front_door is None:
        parser.error("give --invoke FILE and/or --front-door PORT")

    session = _Session(args)
    try:
        with session.lock:
            session._ensure()
        exit_code = 0
        for path in args.invoke:
            event = sys.stdin.buffer.read() if path == "-" else open(path, "rb").read()
            result = session.invoke(event)
            text = result.body.decode(errors="replace")
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
            sys.stdout.flush()
            if result.kind != "response":
                print(f"runtime-api: invoke ended as {result.kind} ({result.error_type or '-'})", file=sys.stderr)
                exit_code = 1
        if args.front_door is None:
            return exit_code
        door = _FrontDoor((args.host, args.front_door), _FrontDoorHandler)
        door.invoke = session.invoke
        print(
            f"runtime-api: Runtime API on {session.api.address}; invoke with\n"
            f"  curl -d '{{}}' http://{args.host}:{door.server_address[1]}/2015-03-31/functions/function/invocations",
            file=sys.stderr,
        )
        try:
            door.serve_forever()
        except KeyboardInterrupt:
            pass
        return exit_code
    finally:
        session.close()


if __name__ == "__main__":
    sys.exit(main())
