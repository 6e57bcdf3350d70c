"""Pushover stand-in: `POST /1/messages.json` validated like the real API, every accepted message recorded.

    po = Pushover().start()
    token = po.add_app()                   # a fresh 30-character application token
    alice = po.add_user("alice")           # a fresh 30-character user key (po.users["alice"])
    ... the worker posts ...
    po.messages                            # accepted messages, oldest first (dicts of the form fields + request id)
    po.fail(500, times=2); po.quota_exhausted(); po.fail(400)

Validation (HTTP 400 + `{"<field>":"invalid","errors":[...],"status":0,"request":"<uuid>"}`): the token must be a
known app (30 chars), each user a known key (30 chars, comma lists allowed), message 1..1024 characters, title
<= 250, url <= 512, url_title <= 100, priority -2..2, retry (>= 30) and expire (<= 10800) required with priority 2,
a known sound, an integer timestamp. Success: `{"status":1,"request":"<uuid>"}` plus `"receipt"` for priority 2.
Every answer to a messages call carries X-Limit-App-Limit / -Remaining / -Reset; at zero remaining it is 429.

Run alone: `cd scripts && python3 -m devstack.pushover` (prints its URL, an app token and a user key).
"""
from __future__ import annotations

import secrets
import string
import threading
import time
import uuid
from typing import Any

from ._http import Fault, Request, Response, StandIn, serve_until_interrupted

SOUNDS = {"pushover", "bike", "bugle", "cashregister", "classical", "cosmic", "falling", "gamelan", "incoming",
          "intermission", "magic", "mechanical", "pianobar", "siren", "spacealarm", "tugboat", "alien", "climb",
          "persistent", "echo", "updown", "vibrate", "none"}
_ALNUM = string.ascii_letters + string.digits


def random_key(prefix: str = "") -> str:
    """A 30-character key in Pushover's alphabet (app tokens start with 'a', users with 'u' by convention)."""
    return (prefix + "".join(secrets.choice(_ALNUM) for _ in range(30)))[:30]


class Pushover(StandIn):
    name = "pushover"

    def __init__(self, monthly_limit: int = 10000, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.apps: set[str] = set()
        self.users: dict[str, str] = {}            # name -> key
        self.messages: list[dict] = []
        self.monthly_limit = monthly_limit
        self.remaining = monthly_limit
        self._data_lock = threading.Lock()

    # -- scripting ---------------------------------------------------------------------------------

    def add_app(self, token: str | None = None) -> str:
        token = token or random_key("a")
        with self._data_lock:
            self.apps.add(token)
        return token

    def add_user(self, name: str, key: str | None = None) -> str:
        key = key or random_key("u")
        with self._data_lock:
            self.users[name] = key
        return key

    def user_name(self, key: str) -> str | None:
        with self._data_lock:
            return next((n for n, k in self.users.items() if k == key), None)

    def messages_for(self, user: str) -> list[dict]:
        """Accepted messages sent to a user (by name or key)."""
        key = self.users.get(user, user)
        return [m for m in self.accepted() if key in m["user"].split(",")]

    def accepted(self) -> list[dict]:
        with self._data_lock:
            return list(self.messages)

    def quota_exhausted(self, times: int | None = None) -> Fault:
        """429 with X-Limit-App-Remaining: 0 (the monthly quota is spent)."""
        return self.inject(Fault(status=429, times=times, kind="quota", match={"endpoint": "messages"}))

    def fail(self, status: int = 500, times: int | None = 1, **match: Any) -> Fault:
        """500 / 503 (retryable), 400 (a permanent rejection: "user identifier is invalid"), 429 (quota)."""
        return self.inject(Fault(status=status, times=times, kind="quota" if status == 429 else None,
                                 match={"endpoint": "messages", **match}))

    def reset(self) -> None:
        super().reset()
        with self._data_lock:
            self.messages.clear()
            self.remaining = self.monthly_limit

    # -- faults ------------------------------------------------------------------------------------

    def tags(self, request: Request) -> dict[str, Any]:
        endpoint = {"/1/messages.json": "messages", "/1/users/validate.json": "validate"}.get(request.path, "other")
        tags: dict[str, Any] = {"endpoint": endpoint}
        if endpoint == "messages":
            try:
                form = request.form()
                tags["user"] = form.get("user")
                tags["title"] = form.get("title")
            except ValueError:
                pass
        return tags

    def _limit_headers(self) -> list[tuple[str, str]]:
        with self._data_lock:
            remaining = self.remaining
        reset = (int(time.time()) // (30 * 86400) + 1) * 30 * 86400   # "the 1st of next month", roughly
        return [("X-Limit-App-Limit", str(self.monthly_limit)), ("X-Limit-App-Remaining", str(remaining)),
                ("X-Limit-App-Reset", str(reset))]

    def fault_response(self, fault: Fault, request: Request, tags: dict[str, Any]) -> Response:
        status = fault.status or 500
        rid = str(uuid.uuid4())
        headers = [("X-Request-Id", rid)]
        if fault.retry_after is not None:
            headers.append(("Retry-After", str(fault.retry_after)))
        if status == 429:
            limits = [(k, "0" if k == "X-Limit-App-Remaining" else v) for k, v in self._limit_headers()]
            return Response.json(429, {"errors": ["application has exceeded its message quota"], "status": 0,
                                       "request": rid}, [*limits, *headers])
        if status >= 500:
            return Response.text(status, "<html><body><h1>Internal Server Error</h1></body></html>", "text/html",
                                 headers)
        return Response.json(status, {"user": "invalid", "errors": ["user identifier is invalid"], "status": 0,
                                      "request": rid}, [*self._limit_headers(), *headers])

    # -- serving -----------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if request.path == "/1/messages.json":
            if request.method != "POST":
                return Response.json(404, {"status": 0, "errors": ["not found"], "request": str(uuid.uuid4())})
            return self._message(request)
        if request.path == "/1/users/validate.json" and request.method == "POST":
            return self._validate(request)
        return Response.json(404, {"status": 0, "errors": ["not found"], "request": str(uuid.uuid4())})

    def _reject(self, field: str, error: str, status: int = 400) -> Response:
        return Response.json(status, {field: "invalid", "errors": [error], "status": 0,
                                      "request": str(uuid.uuid4())}, self._limit_headers())

    def _check_token_user(self, form: dict[str, str]) -> Response | None:
        token = form.get("token", "")
        with self._data_lock:
            known_token = token in self.apps
            keys = set(self.users.values())
        if len(token) != 30 or not known_token:
            return self._reject("token", "application token is invalid")
        users = [u.strip() for u in form.get("user", "").split(",") if u.strip()]
        if not users or len(users) > 50 or any(len(u) != 30 or u not in keys for u in users):
            return self._reject("user", "user identifier is invalid")
        return None

    def _message(self, request: Request) -> Response:
        try:
            form = request.form()
        except ValueError:
            return self._reject("message", "message cannot be blank")
        problem = self._check_token_user(form)
        if problem:
            return problem
        message, title = form.get("message", ""), form.get("title", "")
        if not message:
            return self._reject("message", "message cannot be blank")
        if len(message) > 1024:
            return self._reject("message", "message is too long (maximum is 1024 characters)")
        if len(title) > 250:
            return self._reject("title", "title is too long (maximum is 250 characters)")
        if len(form.get("url", "")) > 512:
            return self._reject("url", "url is too long (maximum is 512 characters)")
        if len(form.get("url_title", "")) > 100:
            return self._reject("url_title", "url_title is too long (maximum is 100 characters)")
        try:
            priority = int(form.get("priority") or 0)
        except ValueError:
            return self._reject("priority", "priority is invalid")
        if not -2 <= priority <= 2:
            return self._reject("priority", "priority is invalid")
        if priority == 2:
            if not form.get("retry"):
                return self._reject("retry", "retry must be supplied with priority=2")
            if not form.get("expire"):
                return self._reject("expire", "expire must be supplied with priority=2")
            try:
                retry, expire = int(form["retry"]), int(form["expire"])
            except ValueError:
                return self._reject("retry", "retry and expire must be integers")
            if retry < 30:
                return self._reject("retry", "retry is too small (minimum is 30 seconds)")
            if expire > 10800:
                return self._reject("expire", "expire is too large (maximum is 10800 seconds)")
        sound = form.get("sound")
        if sound and sound not in SOUNDS:
            return self._reject("sound", "sound is invalid")
        if form.get("timestamp"):
            try:
                int(form["timestamp"])
            except ValueError:
                return self._reject("timestamp", "timestamp is invalid")
        with self._data_lock:
            if self.remaining <= 0:
                quota = True
            else:
                quota = False
                self.remaining -= 1
        if quota:
            return Response.json(429, {"errors": ["application has exceeded its message quota"], "status": 0,
                                       "request": str(uuid.uuid4())}, self._limit_headers())
        rid = str(uuid.uuid4())
        body: dict[str, Any] = {"status": 1, "request": rid}
        record = {**form, "request": rid, "received_at": time.time(),
                  "user_name": self.user_name(form["user"])}
        if priority == 2:
            body["receipt"] = record["receipt"] = random_key("r")
        with self._data_lock:
            self.messages.append(record)
        return Response.json(200, body, self._limit_headers())

    def _validate(self, request: Request) -> Response:
        form = request.form()
        problem = self._check_token_user(form)
        if problem:
            return problem
        return Response.json(200, {"status": 1, "group": 0, "devices": ["phone"], "licenses": ["iOS"],
                                   "request": str(uuid.uuid4())})

    # -- control -----------------------------------------------------------------------------------

    def control_messages(self) -> list[dict]:
        """GET /_control/messages -> accepted messages (without the app token)."""
        return [{k: v for k, v in m.items() if k != "token"} for m in self.accepted()]

    def control_user(self, name: str, key: str | None = None) -> dict:
        return {"name": name, "key": self.add_user(name, key)}

    def control_app(self, token: str | None = None) -> dict:
        return {"token": self.add_app(token)}


def main() -> None:
    po = Pushover()
    token, user = po.add_app(), po.add_user("me")
    serve_until_interrupted(po, describe=lambda: {"url": po.url, "token": token, "user": user})


if __name__ == "__main__":
    main()
