"""pytest fixtures for the devstack stand-ins (import the ones a test module uses) and a raw HTTP helper."""
from __future__ import annotations

import http.client as httpclient
import json
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any, Callable

import pytest

import conftest  # noqa: F401  (puts scripts/ on sys.path)
from devstack.exchanges import Exchanges
from devstack.google import Google
from devstack.pushover import Pushover
from devstack.stack import start_stack


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode()


def http(method: str, url: str, body: bytes | str | dict | None = None, headers: dict[str, str] | None = None,
         timeout: float = 10, user_agent: str | None = "devstack-tests/1.0") -> Reply:
    """One request with exactly these headers (http.client adds only Host, Content-Length and, here, a User-Agent
    unless user_agent=None)."""
    parts = urllib.parse.urlsplit(url)
    conn = httpclient.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    headers = dict(headers or {})
    if user_agent is not None:
        headers.setdefault("User-Agent", user_agent)
    if isinstance(body, dict):
        body = urllib.parse.urlencode(body)
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    if isinstance(body, str):
        body = body.encode()
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        conn.request(method, target or "/", body=body, headers=headers)
        resp = conn.getresponse()
        return Reply(resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read())
    finally:
        conn.close()


def get(url: str, **kwargs: Any) -> Reply:
    return http("GET", url, **kwargs)


def post_json(url: str, obj: Any) -> Reply:
    return http("POST", url, json.dumps(obj), {"Content-Type": "application/json"})


def eventually(check: Callable[[], Any], timeout: float = 10.0, interval: float = 0.05) -> Any:
    """Poll `check` until it returns something truthy or the deadline passes (then fail with its last value)."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last value {value!r})")
        time.sleep(interval)


@pytest.fixture
def google():
    with Google() as server:
        yield server


@pytest.fixture
def exchanges():
    with Exchanges() as ex:
        yield ex


@pytest.fixture
def pushover():
    with Pushover() as server:
        yield server


@pytest.fixture(scope="module")
def stack():
    """The whole local stack (moto with signature checking, proxy, stand-ins), shared by one test module.
    Short visibility timeout so redelivery happens within about a second."""
    with start_stack(visibility_timeout=1, max_receive_count=2) as s:
        yield s
