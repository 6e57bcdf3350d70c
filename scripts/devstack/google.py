"""Google stand-in: the OAuth token endpoint (service-account JWT bearer grant) and Sheets API v4 values.

    google = Google().start()
    key_file = google.create_service_account()          # RSA 2048 made now; token_uri points here
    google.serve_sheet("sheet-id", [["symbol", "condition", "target_price"], ["BTCUSDT", "above", 65000]])
    env = {"GOOGLE_SERVICE_ACCOUNT_JSON": json.dumps(key_file), "GOOGLE_SHEETS_API_URL": google.url, ...}

Token endpoint `POST /token` verifies the RS256 assertion with the account's public key and checks `iss`, `aud`
(= this token URL), `scope`, `iat`/`exp` (at most one hour, not expired, not from the future) and the header `kid`,
answering with Google's own JSON (`{"access_token",...}` or `{"error":"invalid_grant",...}`).
`GET /v4/spreadsheets/{id}/values/{range}` needs `Authorization: Bearer <a token issued here>` and answers with
the ValueRange JSON or Google's error JSON (401, 403 PERMISSION_DENIED, 404 NOT_FOUND, 400 range, 429).

Run alone: `cd scripts && python3 -m devstack.google` (prints its URL; control with `POST /_control/...`).
"""
from __future__ import annotations

import base64
import json
import math
import re
import secrets
import threading
import time
import urllib.parse
from dataclasses import dataclass
from typing import Any, Callable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from . import a1
from ._http import Fault, Request, Response, StandIn, serve_until_interrupted

SHEETS_SCOPES = {
    "https://www.googleapis.com/auth/spreadsheets.readonly",
    "https://www.googleapis.com/auth/spreadsheets",
    "https://www.googleapis.com/auth/drive.readonly",
    "https://www.googleapis.com/auth/drive",
    "https://www.googleapis.com/auth/drive.file",
}
READONLY_SCOPE = "https://www.googleapis.com/auth/spreadsheets.readonly"
JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer"
TOKEN_LIFETIME = 3599
CLOCK_SKEW = 300   # seconds of clock difference tolerated on iat/exp [inferred; Google documents "reasonable"]

_TIMEFRAME = ("Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. "
              "Check your iat and exp values in the JWT claim.")


# MARK: - Keys and JWTs (test helpers; nothing here is ever written to disk)

def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def generate_service_account_key(token_uri: str, project_id: str = "devstack-project",
                                 account: str = "trading-alerts") -> dict:
    """A fresh service-account key file (the JSON Google hands out), RSA 2048 made at runtime."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    email = f"{account}@{project_id}.iam.gserviceaccount.com"
    return {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": secrets.token_hex(20),
        "private_key": pem,
        "client_email": email,
        "client_id": str(100000000000000000000 + secrets.randbelow(10 ** 20)),
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
                                + urllib.parse.quote(email, safe=""),
        "universe_domain": "googleapis.com",
    }


def public_key_pem(key_file: dict) -> str:
    key = serialization.load_pem_private_key(key_file["private_key"].encode(), password=None)
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def sign_assertion(key_file: dict, now: float | None = None, *, lifetime: int = 3600,
                   scope: str = READONLY_SCOPE, aud: str | None = None, iss: str | None = None,
                   kid: str | None = None, header: dict | None = None, claims: dict | None = None) -> str:
    """An RS256 JWT as the reader should make it; every field can be overridden to make bad ones."""
    now = int(time.time() if now is None else now)
    hdr = header if header is not None else {"alg": "RS256", "typ": "JWT",
                                             "kid": kid if kid is not None else key_file["private_key_id"]}
    body = claims if claims is not None else {
        "iss": iss or key_file["client_email"], "scope": scope, "aud": aud or key_file["token_uri"],
        "iat": now, "exp": now + lifetime}
    signing_input = f"{b64url(json.dumps(hdr).encode())}.{b64url(json.dumps(body).encode())}"
    key = serialization.load_pem_private_key(key_file["private_key"].encode(), password=None)
    sig = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64url(sig)}"


class Number:
    """A JSON number kept as its text, so a sheet served from a fixture says exactly what the fixture says
    (`1e400`, `65000.50`) instead of what Python's float makes of it (inf, 65000.5)."""
    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Number):
            return self.text == other.text
        if isinstance(other, (int, float)) and not isinstance(other, bool):
            return float(self.text) == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return self.text


def parse_json_exact(data: bytes | str) -> Any:
    """JSON with every number as a `Number`."""
    return json.loads(data, parse_float=Number, parse_int=Number)


def dumps_exact(obj: Any) -> str:
    """Compact JSON that writes `Number`s verbatim."""
    if isinstance(obj, Number):
        return obj.text
    if isinstance(obj, dict):
        return "{" + ",".join(f"{json.dumps(str(k))}:{dumps_exact(v)}" for k, v in obj.items()) + "}"
    if isinstance(obj, (list, tuple)):
        return "[" + ",".join(dumps_exact(v) for v in obj) + "]"
    return json.dumps(obj)


def load_sheet_file(path: str) -> list[list]:
    """Rows from a .json file (a list of rows, or a whole ValueRange response; numbers kept exactly) or a .csv
    file (cells that read as numbers become numbers, TRUE/FALSE booleans, as Sheets stores typed values)."""
    import csv

    if path.endswith(".json"):
        with open(path, "rb") as f:
            data = parse_json_exact(f.read())
        return data.get("values", []) if isinstance(data, dict) else data

    def cell(text: str) -> Any:
        if text.upper() in ("TRUE", "FALSE"):
            return text.upper() == "TRUE"
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        if re.fullmatch(r"-?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?", text):
            value = float(text)
            return value if math.isfinite(value) else text
        return text

    with open(path, encoding="utf-8", newline="") as f:
        return [[cell(c) for c in row] for row in csv.reader(f)]


# MARK: - The stand-in

@dataclass
class ServiceAccount:
    email: str
    key_id: str
    public_key: Any


@dataclass
class IssuedToken:
    email: str
    scopes: set[str]
    expires_at: float


@dataclass
class Spreadsheet:
    tabs: dict[str, list[list]]            # tab name -> rows of cells (first tab first)
    shared_with: set[str] | None = None    # None: every registered service account may read it


class GrantError(Exception):
    def __init__(self, error: str, description: str, status: int = 400):
        super().__init__(description)
        self.error, self.description, self.status = error, description, status


def _google_error(status: int, message: str, state: str, reason: str | None = None) -> Response:
    body: dict = {"code": status, "message": message, "status": state}
    if reason:
        body["errors"] = [{"message": message, "domain": "global", "reason": reason}]
    return Response.json(status, {"error": body})


def _render(cell: Any, option: str) -> Any:
    """A stored cell as the API renders it. A cell may be a plain value or {"value", "formatted", "formula"}."""
    if isinstance(cell, dict):
        if option == "FORMULA" and "formula" in cell:
            return cell["formula"]
        if option == "FORMATTED_VALUE" and "formatted" in cell:
            return cell["formatted"]
        cell = cell.get("value", "")
    if option == "UNFORMATTED_VALUE" or option == "FORMULA":
        return cell
    if isinstance(cell, Number):
        return cell.text
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return "" if cell is None else str(cell)


class Google(StandIn):
    name = "google"

    def __init__(self, *, clock: Callable[[], float] = time.time, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.clock = clock                         # the token endpoint's "now" (tests may move it)
        self.accounts: dict[str, ServiceAccount] = {}
        self.tokens: dict[str, IssuedToken] = {}
        self.sheets: dict[str, Spreadsheet] = {}
        self._data_lock = threading.Lock()

    @property
    def token_url(self) -> str:
        return f"{self.url}/token"

    # -- scripting ---------------------------------------------------------------------------------

    def create_service_account(self, project_id: str = "devstack-project",
                               account: str = "trading-alerts") -> dict:
        """Generate a key, register its public half here, and return the key file JSON (as a dict)."""
        key_file = generate_service_account_key(self.token_url, project_id, account)
        self.register_service_account(key_file)
        return key_file

    def register_service_account(self, key_file: dict) -> None:
        """Trust a key file made elsewhere (only its public key is kept)."""
        public = serialization.load_pem_public_key(public_key_pem(key_file).encode())
        with self._data_lock:
            self.accounts[key_file["client_email"]] = ServiceAccount(
                key_file["client_email"], key_file["private_key_id"], public)

    def serve_sheet(self, spreadsheet_id: str, rows: Any, tab: str = "Signals",
                    shared_with: list[str] | None = None) -> None:
        """Serve a sheet. `rows`: a list of rows, {tab: rows}, or a recorded ValueRange response (a dict, or its
        JSON bytes/text - numbers then kept exactly, e.g. a bare 1e400). A cell is a number, `Number`, bool,
        text, None, or {"value", "formatted", "formula"}. Readable by every registered service account unless
        `shared_with` lists the emails that may read it."""
        if isinstance(rows, (bytes, bytearray, str)):
            rows = parse_json_exact(rows)
        if isinstance(rows, dict) and "values" in rows and not isinstance(rows["values"], dict):
            rng = rows.get("range", "")
            if "!" in rng:
                tab = a1.unquote_sheet(rng.rpartition("!")[0])
            rows = rows["values"]
        tabs = rows if isinstance(rows, dict) else {tab: rows}
        with self._data_lock:
            self.sheets[spreadsheet_id] = Spreadsheet({k: [list(r) for r in v] for k, v in tabs.items()},
                                                      set(shared_with) if shared_with is not None else None)

    def unshare(self, spreadsheet_id: str) -> None:
        """Make the sheet unreadable for every service account (403, "not shared with the account")."""
        with self._data_lock:
            self.sheets[spreadsheet_id].shared_with = set()

    def expire_tokens(self) -> None:
        """Every issued access token becomes invalid (401), as after an hour."""
        with self._data_lock:
            self.tokens.clear()

    def fail_token(self, status: int = 500, times: int | None = 1, error: str | None = None) -> Fault:
        """Token endpoint fault: 5xx, or 400 with `error` (e.g. "invalid_grant") as Google words it."""
        return self.inject(Fault(status=status, times=times, kind=error, match={"endpoint": "token"}))

    def fail_sheets(self, status: int = 500, times: int | None = 1, spreadsheet_id: str | None = None) -> Fault:
        """Sheets values fault: 403, 404, 400, 429 (RESOURCE_EXHAUSTED) or 5xx with Google's error body."""
        match: dict = {"endpoint": "values"}
        if spreadsheet_id:
            match["spreadsheet"] = spreadsheet_id
        return self.inject(Fault(status=status, times=times, match=match))

    def reset(self) -> None:
        super().reset()
        self.expire_tokens()

    # -- faults ------------------------------------------------------------------------------------

    def tags(self, request: Request) -> dict[str, Any]:
        if request.path == "/token":
            return {"endpoint": "token"}
        parts = request.path.split("/")
        if request.path.startswith("/v4/spreadsheets/") and len(parts) >= 6 and parts[4] == "values":
            return {"endpoint": "values", "spreadsheet": parts[3]}
        return {"endpoint": "other"}

    def fault_response(self, fault: Fault, request: Request, tags: dict[str, Any]) -> Response:
        status = fault.status or 500
        if tags.get("endpoint") == "token":
            if status >= 500:
                return Response.json(status, {"error": "internal_failure",
                                              "error_description": "Backend Error"})
            return Response.json(status, {"error": fault.kind or "invalid_grant",
                                          "error_description": "Invalid grant: account not found"})
        sheet_id = tags.get("spreadsheet", "")
        headers = [("Retry-After", str(fault.retry_after))] if fault.retry_after is not None else []
        if status == 403:
            return _google_error(403, "The caller does not have permission", "PERMISSION_DENIED", "forbidden")
        if status == 404:
            return _google_error(404, "Requested entity was not found.", "NOT_FOUND", "notFound")
        if status == 400:
            rng = urllib.parse.unquote(request.raw_path.split("/values/", 1)[-1])
            return _google_error(400, f"Unable to parse range: {rng}", "INVALID_ARGUMENT", "badRequest")
        if status == 429:
            r = _google_error(429, "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per "
                              "minute per user' of service 'sheets.googleapis.com' for consumer "
                              f"'project_number:{sheet_id[:6] or '0'}'.", "RESOURCE_EXHAUSTED", "rateLimitExceeded")
            r.headers.extend(headers)
            return r
        if status == 401:
            return self._unauthenticated()
        return _google_error(status, "Internal error encountered." if status == 500 else "The service is "
                             "currently unavailable.", "INTERNAL" if status == 500 else "UNAVAILABLE", "backendError")

    # -- serving -----------------------------------------------------------------------------------

    def handle(self, request: Request) -> Response:
        if request.path == "/token":
            if request.method != "POST":
                return Response.json(405, {"error": "invalid_request", "error_description": "POST required"})
            return self._token(request)
        parts = request.raw_path.split("/")
        # /v4/spreadsheets/{id}/values/{range}
        if len(parts) >= 6 and parts[1] == "v4" and parts[2] == "spreadsheets" and parts[4] == "values":
            if request.method != "GET":
                return _google_error(405, "Method not allowed", "INVALID_ARGUMENT")
            return self._values(request, urllib.parse.unquote(parts[3]),
                                urllib.parse.unquote("/".join(parts[5:])))
        return _google_error(404, "Requested entity was not found.", "NOT_FOUND", "notFound")

    def _token(self, request: Request) -> Response:
        try:
            form = request.form()
            if form.get("grant_type") != JWT_BEARER:
                raise GrantError("unsupported_grant_type", f"Invalid grant_type: {form.get('grant_type', '')}")
            assertion = form.get("assertion")
            if not assertion:
                raise GrantError("invalid_request", "Missing required parameter: assertion")
            email, scopes = self._verify(assertion)
        except GrantError as e:
            return Response.json(e.status, {"error": e.error, "error_description": e.description})
        token = "ya29.devstack-" + secrets.token_urlsafe(48)
        with self._data_lock:
            self.tokens[token] = IssuedToken(email, scopes, self.clock() + TOKEN_LIFETIME)
        return Response.json(200, {"access_token": token, "expires_in": TOKEN_LIFETIME, "token_type": "Bearer"})

    def _verify(self, assertion: str) -> tuple[str, set[str]]:
        """Checks a JWT-bearer assertion the way Google's token endpoint does; returns (email, scopes)."""
        pieces = assertion.split(".")
        if len(pieces) != 3:
            raise GrantError("invalid_grant", "Invalid JWT: the assertion is not a JWT (3 parts expected)")
        try:
            header = json.loads(b64url_decode(pieces[0]))
            claims = json.loads(b64url_decode(pieces[1]))
            signature = b64url_decode(pieces[2])
        except (ValueError, UnicodeDecodeError):
            raise GrantError("invalid_grant", "Invalid JWT: the assertion is not valid base64url JSON") from None
        if not isinstance(header, dict) or not isinstance(claims, dict):
            raise GrantError("invalid_grant", "Invalid JWT: header and claims must be JSON objects")
        if header.get("alg") != "RS256":
            raise GrantError("invalid_grant", f"Invalid JWT: unsupported algorithm {header.get('alg')!r}")
        with self._data_lock:
            account = self.accounts.get(claims.get("iss"))
        if account is None:
            raise GrantError("invalid_grant", "Invalid grant: account not found")
        if header.get("kid") not in (None, account.key_id):
            raise GrantError("invalid_grant", "Invalid JWT Signature.")
        try:
            account.public_key.verify(signature, f"{pieces[0]}.{pieces[1]}".encode(),
                                      padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise GrantError("invalid_grant", "Invalid JWT Signature.") from None
        if "kid" not in header:
            # Google accepts a missing kid; the reader is required to send it (AIP-4112), so flag it loudly.
            raise GrantError("invalid_grant", "Invalid JWT: header has no kid (devstack requires the key id)")
        if claims.get("aud") != self.token_url:
            raise GrantError("invalid_grant",
                             f"Invalid JWT: Failed audience check. The expected value was: {self.token_url}")
        iat, exp = claims.get("iat"), claims.get("exp")
        if not isinstance(iat, int) or not isinstance(exp, int) or isinstance(iat, bool) or isinstance(exp, bool):
            raise GrantError("invalid_grant", _TIMEFRAME)
        now = self.clock()
        if exp <= iat or exp - iat > 3600 or iat > now + CLOCK_SKEW or exp < now - CLOCK_SKEW:
            raise GrantError("invalid_grant", _TIMEFRAME)
        scopes = set(str(claims.get("scope", "")).split())
        if not scopes & SHEETS_SCOPES:
            raise GrantError("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        return account.email, scopes

    def _unauthenticated(self) -> Response:
        r = _google_error(401, "Request had invalid authentication credentials. Expected OAuth 2 access token, "
                          "login cookie or other valid authentication credential. See "
                          "https://developers.google.com/identity/sign-in/web/devconsole-project.",
                          "UNAUTHENTICATED")
        r.headers.append(("WWW-Authenticate", 'Bearer realm="https://accounts.google.com/"'))
        return r

    def _values(self, request: Request, spreadsheet_id: str, range_text: str) -> Response:
        auth = request.header("authorization") or ""
        if not auth.startswith("Bearer "):
            return self._unauthenticated()
        with self._data_lock:
            token = self.tokens.get(auth[len("Bearer "):].strip())
            sheet = self.sheets.get(spreadsheet_id)
        if token is None or token.expires_at <= self.clock():
            return self._unauthenticated()
        if not token.scopes & SHEETS_SCOPES:
            return _google_error(403, "Request had insufficient authentication scopes.", "PERMISSION_DENIED",
                                 "insufficientPermissions")
        if sheet is None:
            return _google_error(404, "Requested entity was not found.", "NOT_FOUND", "notFound")
        if sheet.shared_with is not None and token.email not in sheet.shared_with:
            return _google_error(403, "The caller does not have permission", "PERMISSION_DENIED", "forbidden")
        names = list(sheet.tabs)
        try:
            rng = a1.parse(range_text, names)
        except a1.RangeError:
            return _google_error(400, f"Unable to parse range: {range_text}", "INVALID_ARGUMENT", "badRequest")
        tab = rng.sheet or names[0]
        option = request.arg("valueRenderOption", "FORMATTED_VALUE")
        if option not in ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA"):
            return _google_error(400, f"Invalid value at 'value_render_option' ({option})", "INVALID_ARGUMENT",
                                 "badRequest")
        rows, bounds = a1.cut(sheet.tabs[tab], rng)
        values = [[_render(c, option) for c in row] for row in rows]
        # Cells that render to "" at the end of a row are dropped too (a formatted blank).
        for row in values:
            while row and row[-1] == "":
                row.pop()
        while values and not values[-1]:
            values.pop()
        dimension = request.arg("majorDimension", "ROWS")
        if dimension == "COLUMNS" and values:
            width = max(len(r) for r in values)
            values = [[r[i] if i < len(r) else "" for r in values] for i in range(width)]
            for col in values:
                while col and col[-1] == "":
                    col.pop()
        body: dict = {"range": a1.echo(tab, bounds), "majorDimension": dimension}
        if values:
            body["values"] = values
        return Response.raw_json(200, dumps_exact(body))

    # -- control -----------------------------------------------------------------------------------

    def control_service_account(self, project_id: str = "devstack-project", account: str = "trading-alerts") -> dict:
        """POST /_control/service_account -> a new key file whose token_uri points here."""
        return self.create_service_account(project_id, account)

    def control_sheet(self, spreadsheet_id: str, rows: Any = None, tab: str = "Signals",
                      shared_with: list[str] | None = None, response: str | None = None) -> dict:
        """POST /_control/sheet {"spreadsheet_id": "...", "rows": [[...], ...]} or {..., "response": "<the
        ValueRange JSON as text, numbers kept exactly>"}"""
        self.serve_sheet(spreadsheet_id, response if response is not None else rows, tab, shared_with)
        return {"ok": True}

    def control_expire_tokens(self) -> dict:
        self.expire_tokens()
        return {"ok": True}


def main() -> None:
    serve_until_interrupted(Google())


if __name__ == "__main__":
    main()
