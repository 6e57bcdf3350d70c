"""The HTTP server every stand-in shares.

One `StandIn` = one ThreadingHTTPServer on 127.0.0.1, port 0 by default (the port it got is in `.port`/`.url`).
Responses go out in one write with TCP_NODELAY, because Python's http.server otherwise writes the status line,
headers and body in small pieces and Nagle + delayed ACK stalls every keep-alive response by ~40 ms.

A subclass implements `handle(request) -> Response` and, optionally:
- `tags(request) -> dict`   what a fault can match on (venue, symbol, endpoint, ...);
- `fault_response(fault, request, tags) -> Response`   the service's own error body for an injected status;
- `control_<name>(**json)`  extra control actions, reachable as `POST /_control/<name>` with a JSON body.

Every request (except `/_control/...`) is recorded in `.log` for assertions.
"""
from __future__ import annotations

import json
import socket
import sys
import threading
import time
import traceback
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Iterable

JSONLike = Any


# MARK: - Requests and responses

@dataclass
class Request:
    method: str
    target: str                     # as received: path + query, still percent-encoded
    path: str                       # percent-decoded path, no query
    raw_path: str                   # percent-encoded path, no query
    query: dict[str, list[str]]
    headers: dict[str, str]         # lower-cased names
    body: bytes
    received_at: float = field(default_factory=time.time)

    def arg(self, name: str, default: str | None = None) -> str | None:
        """First value of a query parameter."""
        values = self.query.get(name)
        return values[0] if values else default

    def header(self, name: str, default: str | None = None) -> str | None:
        return self.headers.get(name.lower(), default)

    def form(self) -> dict[str, str]:
        """The body as a form (last value wins, blank values kept), or a JSON object's fields as text."""
        ctype = (self.header("content-type") or "").split(";")[0].strip().lower()
        if ctype == "application/json":
            obj = json.loads(self.body or b"{}")
            return {k: v if isinstance(v, str) else json.dumps(v) for k, v in obj.items()}
        pairs = urllib.parse.parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return dict(pairs)

    def json(self) -> JSONLike:
        return json.loads(self.body or b"null")

    def as_dict(self) -> dict:
        """A JSON-friendly copy for the control endpoint."""
        return {"method": self.method, "target": self.target, "path": self.path, "query": self.query,
                "headers": self.headers, "body": self.body.decode("utf-8", "replace"),
                "received_at": self.received_at}


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    drop: bool = False              # close the connection without answering (a "no reply" fault)

    @classmethod
    def json(cls, status: int, obj: JSONLike, headers: Iterable[tuple[str, str]] = ()) -> "Response":
        body = obj if isinstance(obj, (bytes, bytearray)) else json.dumps(obj, separators=(",", ":")).encode()
        return cls(status, bytes(body), [("Content-Type", "application/json; charset=utf-8"), *headers])

    @classmethod
    def raw_json(cls, status: int, text: str, headers: Iterable[tuple[str, str]] = ()) -> "Response":
        """JSON already serialised (used where number text must be exact, e.g. Coinbase candles)."""
        return cls(status, text.encode(), [("Content-Type", "application/json; charset=utf-8"), *headers])

    @classmethod
    def text(cls, status: int, text: str, content_type: str = "text/plain; charset=utf-8",
             headers: Iterable[tuple[str, str]] = ()) -> "Response":
        return cls(status, text.encode(), [("Content-Type", content_type), *headers])

    def header(self, name: str) -> str | None:
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None


# MARK: - Faults

@dataclass
class Fault:
    """A scripted misbehaviour for the requests whose tags match.

    `status`: answer with that status and the service's own error body (or `body` if given).
    `delay`: wait that many seconds first (then answer normally unless `status`/`drop` is set) - for timeouts.
    `drop`: close the connection without any answer.
    `times`: how many matching requests it applies to; None = until cleared.
    `match`: tag -> value (or list of values) that must all agree, e.g. {"venue": "binance", "symbol": "BTCUSDT"}.
    `kind`: the flavour of error body the stand-in renders (e.g. "geo", "rate_limit", "quota", "throttle").
    """
    status: int | None = None
    times: int | None = 1
    delay: float = 0.0
    drop: bool = False
    retry_after: int | None = None
    kind: str | None = None
    body: JSONLike = None
    headers: dict[str, str] = field(default_factory=dict)
    match: dict[str, Any] = field(default_factory=dict)
    hits: int = 0
    id: int = 0

    def matches(self, tags: dict[str, Any]) -> bool:
        for key, want in self.match.items():
            have = tags.get(key)
            if isinstance(want, (list, tuple, set)):
                if have not in want:
                    return False
            elif have != want:
                return False
        return True

    def as_dict(self) -> dict:
        return {"id": self.id, "status": self.status, "times": self.times, "delay": self.delay, "drop": self.drop,
                "retry_after": self.retry_after, "kind": self.kind, "match": self.match, "hits": self.hits}


# MARK: - Request log

@dataclass
class Exchange:
    """One request and what it was answered with."""
    request: Request
    status: int
    response_body: bytes
    tags: dict[str, Any]
    fault: int | None              # id of the fault that shaped the answer
    duration: float

    def as_dict(self) -> dict:
        return {**self.request.as_dict(), "status": self.status, "tags": self.tags, "fault": self.fault,
                "duration": self.duration, "response": self.response_body.decode("utf-8", "replace")}


class RequestLog:
    """Thread-safe list of `Exchange`s with small query helpers."""

    def __init__(self) -> None:
        self._items: list[Exchange] = []
        self._lock = threading.Lock()

    def add(self, item: Exchange) -> None:
        with self._lock:
            self._items.append(item)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def all(self) -> list[Exchange]:
        with self._lock:
            return list(self._items)

    def __len__(self) -> int:
        with self._lock:
            return len(self._items)

    def where(self, path: str | None = None, method: str | None = None, status: int | None = None,
              **tags: Any) -> list[Exchange]:
        """Exchanges whose path starts with `path`, with that method/status and tags equal to `tags`."""
        out = []
        for e in self.all():
            if path is not None and not e.request.path.startswith(path):
                continue
            if method is not None and e.request.method != method:
                continue
            if status is not None and e.status != status:
                continue
            if any(e.tags.get(k) != v for k, v in tags.items()):
                continue
            out.append(e)
        return out

    def count(self, **kwargs: Any) -> int:
        return len(self.where(**kwargs))


# MARK: - The server

class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, handler, owner: "StandIn"):
        self.owner = owner
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(addr, handler)

    def process_request(self, request, client_address):
        with self.connections_lock:
            self.connections.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request):
        with self.connections_lock:
            self.connections.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """Idle keep-alive connections would otherwise keep handler threads alive after stop()."""
        with self.connections_lock:
            conns = list(self.connections)
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"     # keep-alive
    disable_nagle_algorithm = True
    timeout = 300                     # idle keep-alive connections are closed after this long
    server: _Server
    server_version = "devstack"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
        if self.server.owner.verbose:
            sys.stderr.write(f"[{self.server.owner.name}] {format % args}\n")

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    break
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _dispatch(self) -> None:
        body = self._read_body()
        raw_path, _, qs = self.path.partition("?")
        request = Request(
            method=self.command,
            target=self.path,
            path=urllib.parse.unquote(raw_path),
            raw_path=raw_path,
            query=urllib.parse.parse_qs(qs, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
        )
        response = self.server.owner._serve(request)
        if response.drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self._write(response)

    def _write(self, response: Response) -> None:
        lines = [f"HTTP/1.1 {response.status} {self.responses.get(response.status, ('',))[0]}"]
        names = set()
        for k, v in response.headers:
            lines.append(f"{k}: {v}")
            names.add(k.lower())
        if "date" not in names:
            lines.append(f"Date: {self.date_time_string()}")
        lines.append(f"Content-Length: {len(response.body) if self.command != 'HEAD' else 0}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head + (response.body if self.command != "HEAD" else b""))
        self.wfile.flush()

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _dispatch


class StandIn:
    """Base class: lifecycle, request log, faults and the `/_control/` surface."""

    name = "stand-in"

    def __init__(self, host: str = "127.0.0.1", port: int = 0, verbose: bool = False) -> None:
        self.host = host
        self._requested_port = port
        self.verbose = verbose
        self.log = RequestLog()
        self._faults: list[Fault] = []
        self._fault_ids = 0
        self._lock = threading.RLock()
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle --------------------------------------------------------------------------------

    def start(self) -> "StandIn":
        """Bind and serve in a background thread; returns self. Calling it twice is harmless."""
        if self._server is not None:
            return self
        self._stopping.clear()
        handler = type(f"{type(self).__name__}Handler", (_Handler,), {})
        self._server = _Server((self.host, self._requested_port), handler, self)
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=f"devstack-{self.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close every connection and free the port."""
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()        # wakes handlers sleeping in a delay fault
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"{self.name} is not started")
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        """Base URL without a trailing slash, e.g. http://127.0.0.1:40123"""
        return f"http://{self.host}:{self.port}"

    # -- faults -----------------------------------------------------------------------------------

    def inject(self, fault: Fault | None = None, **kwargs: Any) -> Fault:
        """Add a fault (a `Fault` or its fields as keywords). Faults apply in the order they were added."""
        fault = fault or Fault(**kwargs)
        with self._lock:
            self._fault_ids += 1
            fault.id = self._fault_ids
            self._faults.append(fault)
        return fault

    def fail(self, status: int = 500, times: int | None = 1, **match: Any) -> Fault:
        """Answer `times` matching requests with `status` and the service's error body."""
        return self.inject(Fault(status=status, times=times, match=match))

    def delay(self, seconds: float, times: int | None = 1, **match: Any) -> Fault:
        """Hold `times` matching requests for `seconds` before answering normally (client timeouts)."""
        return self.inject(Fault(delay=seconds, times=times, match=match))

    def drop(self, times: int | None = 1, **match: Any) -> Fault:
        """Close the connection of `times` matching requests without answering."""
        return self.inject(Fault(drop=True, times=times, match=match))

    def clear_faults(self, kind: str | None = None) -> None:
        with self._lock:
            self._faults = [f for f in self._faults if kind is not None and f.kind != kind]

    def faults(self) -> list[Fault]:
        with self._lock:
            return list(self._faults)

    def _take_fault(self, tags: dict[str, Any]) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(tags):
                    fault.hits += 1
                    if fault.times is not None:
                        fault.times -= 1
                        if fault.times <= 0:
                            self._faults.remove(fault)
                    return fault
        return None

    # -- hooks for subclasses ---------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        return Response.json(404, {"error": "not found"})

    def tags(self, request: Request) -> dict[str, Any]:
        return {}

    def fault_response(self, fault: Fault, request: Request, tags: dict[str, Any]) -> Response:
        return Response.json(fault.status or 500, {"error": "injected fault"})

    def reset(self) -> None:
        """Forget requests and faults (subclasses also reset their scripted data where it makes sense)."""
        self.log.clear()
        self.clear_faults()

    # -- serving ----------------------------------------------------------------------------------

    def _serve(self, request: Request) -> Response:
        if request.path.startswith("/_control/"):
            return self._control(request)
        started = time.monotonic()
        tags = {"method": request.method, "path": request.path}
        try:
            tags.update(self.tags(request))
        except Exception:  # a request the tagger cannot read is still served (and answered by handle)
            pass
        fault = self._take_fault(tags)
        try:
            response = self._answer(request, tags, fault)
        except Exception as error:
            traceback.print_exc()
            response = Response.json(500, {"devstack_error": f"{type(error).__name__}: {error}"})
        if fault is not None and fault.headers:
            response.headers.extend(fault.headers.items())
        self.log.add(Exchange(request, 0 if response.drop else response.status, response.body, tags,
                              fault.id if fault else None, time.monotonic() - started))
        return response

    def _answer(self, request: Request, tags: dict[str, Any], fault: Fault | None) -> Response:
        if fault is None:
            return self.handle(request)
        if fault.delay:
            self._stopping.wait(fault.delay)
        if fault.drop:
            return Response(0, drop=True)
        if fault.status is not None:
            if fault.body is not None:
                if isinstance(fault.body, (dict, list)):
                    return Response.json(fault.status, fault.body)
                return Response.text(fault.status, str(fault.body))
            return self.fault_response(fault, request, tags)
        return self.handle(request)

    # -- control ----------------------------------------------------------------------------------

    def _control(self, request: Request) -> Response:
        action = request.path[len("/_control/"):].strip("/").replace("-", "_")
        method: Callable[..., Any] | None = getattr(self, f"control_{action}", None)
        if method is None:
            names = sorted(n[len("control_"):] for n in dir(self) if n.startswith("control_"))
            return Response.json(404, {"error": f"unknown control action {action!r}", "actions": names})
        try:
            args = request.json() if request.body else {}
            if request.method == "GET":
                args = {k: v[0] for k, v in request.query.items()} | (args or {})
            result = method(**(args or {}))
            return Response.json(200, result if result is not None else {"ok": True})
        except Exception as error:
            return Response.json(400, {"error": f"{type(error).__name__}: {error}"})

    def control_requests(self, **match: Any) -> list[dict]:
        """GET /_control/requests[?path=/x&venue=binance] -> the request log."""
        status = match.pop("status", None)
        items = self.log.where(status=int(status) if status is not None else None, **match)
        return [e.as_dict() for e in items]

    def control_fault(self, **fields: Any) -> dict:
        """POST /_control/fault {"status":500,"times":2,"match":{"venue":"binance"}} -> the fault."""
        return self.inject(Fault(**fields)).as_dict()

    def control_faults(self) -> list[dict]:
        return [f.as_dict() for f in self.faults()]

    def control_clear_faults(self, kind: str | None = None) -> dict:
        self.clear_faults(kind)
        return {"ok": True}

    def control_reset(self) -> dict:
        self.reset()
        return {"ok": True}


def serve_until_interrupted(*standins: StandIn, describe: Callable[[], JSONLike] | None = None) -> None:
    """Start the stand-ins, print where they listen (JSON on stdout), block until Ctrl-C or SIGTERM, stop them."""
    import signal

    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        for s in standins:
            s.start()
        info = describe() if describe else {s.name: s.url for s in standins}
        print(json.dumps(info, indent=2), flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass
    finally:
        for s in standins:
            s.stop()
        signal.signal(signal.SIGTERM, previous)
