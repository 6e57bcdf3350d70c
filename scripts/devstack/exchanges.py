"""Binance, Coinbase Exchange and Bybit v5 market-data stand-ins over one shared market model.

    ex = Exchanges().start()                     # three servers: ex.url("binance"), ex.url("coinbase"), ...
    ex.add_market("BTC", "USDT", PricePath.flat("64000"))           # listed on all three venues
    ex.add_market("BTC", "USD", PricePath.wave("btc", "64000"), venues=["coinbase"])
    ex.clock.set(t0)                              # the exchanges' "now" (ms); ex.clock.advance(HOUR)
    ex.fail("binance", 500, times=2, symbol="BTCUSDT")
    ex.rate_limit("binance", retry_after=1)      # 429 + Retry-After (status=418 for a ban)
    ex.geo_block("binance")                      # 451 restricted location until ex.clear_faults("binance")
    ex.count("binance", endpoint="klines", symbol="BTCUSDT")

Each venue is its own HTTP server (so each base URL only answers its own API) speaking the real wire format:
Binance `/api/v3/klines` (oldest first, string prices, 12-field arrays) and `/api/v3/ticker/price`; Coinbase
`/products/{id}/candles` (newest first, numbers `[time, low, high, open, close, volume]`, <= 300 buckets, needs a
User-Agent) and `/products/{id}/ticker`; Bybit `/v5/market/kline` and `/v5/market/tickers` (newest first, strings,
`retCode` errors with HTTP 200). Candles never open after the clock's now; the still-open one has its extremes so far.

Run alone: `cd scripts && python3 -m devstack.exchanges` (prints the three URLs; a default market is listed).
"""
from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Iterable

from ._http import Fault, Request, Response, StandIn, serve_until_interrupted
from .market import DAY, HOUR, MINUTE, SECOND, Candle, Clock, PricePath

VENUES = ("binance", "coinbase", "bybit")

GEO_451 = ("Service unavailable from a restricted location according to 'b. Eligibility' in "
           "https://www.binance.com/en/terms. Please contact customer service if you believe you received this "
           "message in error.")
CLOUDFRONT_403 = (
    '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" "http://www.w3.org/TR/html4/loose.dtd">\n'
    '<HTML><HEAD><META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=iso-8859-1">\n'
    "<TITLE>ERROR: The request could not be satisfied</TITLE>\n</HEAD><BODY>\n<H1>403 ERROR</H1>\n"
    "<H2>The request could not be satisfied.</H2>\n<HR noshade size=\"1px\">\n"
    "The Amazon CloudFront distribution is configured to block access from your country.\n"
    "We can't connect to the server for this app or website at this time. There might be too much traffic or a "
    "configuration error. Try again later, or contact the app or website owner.\n<BR clear=\"all\">\n"
    "</BODY></HTML>")


def plain(d: Decimal) -> str:
    """Decimal text without exponent or trailing zeros (Coinbase numbers)."""
    text = format(d.normalize(), "f")
    return text


def fixed(d: Decimal, places: int) -> str:
    return format(d.quantize(Decimal(1).scaleb(-places)), "f")


def tick_text(d: Decimal, tick: Decimal) -> str:
    """Price text at the market's tick precision (Bybit)."""
    return format(d.quantize(tick), "f")


def native_symbol(venue: str, base: str, quote: str) -> str:
    return f"{base}-{quote}" if venue == "coinbase" else f"{base}{quote}"


# MARK: - The shared market

class Exchanges:
    """The three venue servers plus the market they share (listings, price paths, clock)."""

    def __init__(self, verbose: bool = False) -> None:
        self.clock = Clock()
        self.listings: dict[str, dict[str, PricePath]] = {v: {} for v in VENUES}
        self._lock = threading.Lock()
        self.binance = Binance(self, verbose=verbose)
        self.coinbase = Coinbase(self, verbose=verbose)
        self.bybit = Bybit(self, verbose=verbose)
        self.venues: dict[str, VenueServer] = {"binance": self.binance, "coinbase": self.coinbase,
                                               "bybit": self.bybit}

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> "Exchanges":
        for v in self.venues.values():
            v.start()
        return self

    def stop(self) -> None:
        for v in self.venues.values():
            v.stop()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def url(self, venue: str) -> str:
        return self.venues[venue].url

    @property
    def urls(self) -> dict[str, str]:
        return {name: v.url for name, v in self.venues.items()}

    # -- market ------------------------------------------------------------------------------------

    def add_market(self, base: str, quote: str, path: PricePath,
                   venues: Iterable[str] = VENUES) -> PricePath:
        """List BASE/QUOTE (BTCUSDT, BTC-USDT) on those venues, all following the same price path."""
        with self._lock:
            for venue in venues:
                self.listings[venue][native_symbol(venue, base.upper(), quote.upper())] = path
        return path

    def delist(self, venue: str, symbol: str) -> None:
        with self._lock:
            self.listings[venue].pop(symbol, None)

    def path(self, venue: str, symbol: str) -> PricePath | None:
        with self._lock:
            return self.listings[venue].get(symbol)

    def symbols(self, venue: str) -> list[str]:
        with self._lock:
            return sorted(self.listings[venue])

    def now(self) -> int:
        return self.clock.now()

    # -- faults and counters -----------------------------------------------------------------------

    def fail(self, venue: str, status: int = 500, times: int | None = 1, symbol: str | None = None,
             retry_after: int | None = None, **match: Any) -> Fault:
        """`status` with the venue's own error body for `times` requests (optionally one symbol)."""
        if symbol is not None:
            match["symbol"] = symbol
        return self.venues[venue].inject(Fault(status=status, times=times, retry_after=retry_after, match=match))

    def rate_limit(self, venue: str, retry_after: int = 1, times: int | None = 1, status: int = 429,
                   symbol: str | None = None) -> Fault:
        """429 (or 418, a Binance IP ban) with Retry-After."""
        match = {"symbol": symbol} if symbol else {}
        return self.venues[venue].inject(Fault(status=status, times=times, retry_after=retry_after,
                                               kind="rate_limit", match=match))

    def geo_block(self, venue: str, times: int | None = None) -> Fault:
        """Binance: 451 restricted location; Coinbase/Bybit: CloudFront 403 "block access from your country"."""
        status = 451 if venue == "binance" else 403
        return self.venues[venue].inject(Fault(status=status, times=times, kind="geo"))

    def delay(self, venue: str, seconds: float, times: int | None = 1, symbol: str | None = None) -> Fault:
        match = {"symbol": symbol} if symbol else {}
        return self.venues[venue].inject(Fault(delay=seconds, times=times, match=match))

    def drop(self, venue: str, times: int | None = 1, symbol: str | None = None) -> Fault:
        match = {"symbol": symbol} if symbol else {}
        return self.venues[venue].inject(Fault(drop=True, times=times, match=match))

    def clear_faults(self, venue: str | None = None) -> None:
        for name, v in self.venues.items():
            if venue in (None, name):
                v.clear_faults()

    def count(self, venue: str, **match: Any) -> int:
        """Requests that venue received, e.g. count("binance", endpoint="klines", symbol="BTCUSDT")."""
        return self.venues[venue].log.count(**match)

    def counts(self) -> dict[str, int]:
        return {name: len(v.log) for name, v in self.venues.items()}

    def reset(self) -> None:
        """Forget requests and faults on every venue (listings and the clock stay)."""
        for v in self.venues.values():
            v.reset()


# MARK: - Venue servers

class VenueServer(StandIn):
    venue = ""

    def __init__(self, exchanges: Exchanges, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ex = exchanges
        self.name = self.venue

    def _path(self, symbol: str | None) -> PricePath | None:
        return self.ex.path(self.venue, symbol) if symbol else None

    # -- control (shared market, reachable through any venue) --------------------------------------

    def control_now(self, ms: int | None = None, advance_ms: int | None = None, running: bool = False,
                    real: bool = False) -> dict:
        """POST /_control/now {"ms": 1764100800000} | {"advance_ms": 3600000} | {"real": true}"""
        if real:
            self.ex.clock.real()
        if ms is not None:
            self.ex.clock.set(int(ms), running=running)
        if advance_ms is not None:
            self.ex.clock.advance(int(advance_ms))
        return {"now": self.ex.now(), "frozen": self.ex.clock.frozen}

    def control_market(self, base: str, quote: str, price: str | None = None, seed: str | None = None,
                       venues: list[str] | None = None, tick: str | None = None) -> dict:
        """POST /_control/market {"base":"BTC","quote":"USDT","price":"64000"} (flat) or with "seed" (a wave)."""
        if price is None:
            raise ValueError("price is required")
        path = PricePath.wave(seed, price, tick=tick) if seed else PricePath.flat(price, tick=tick)
        self.ex.add_market(base, quote, path, venues or VENUES)
        return {"listed": {v: native_symbol(v, base.upper(), quote.upper()) for v in (venues or VENUES)}}

    def control_candle(self, symbol: str, open_time: int, open: str, high: str, low: str, close: str,
                       high_at: int | None = None, low_at: int | None = None) -> dict:
        """POST /_control/candle {"symbol":"BTCUSDT","open_time":...,"open":..,"high":..,"low":..,"close":..}
        scripts that 1-minute candle of this venue's market (shared with the other venues listing it)."""
        path = self._path(symbol)
        if path is None:
            raise KeyError(f"{symbol} is not listed on {self.venue}")
        path.script(int(open_time), open=open, high=high, low=low, close=close, high_at=high_at, low_at=low_at)
        return {"ok": True}

    def control_listings(self) -> dict:
        return {v: self.ex.symbols(v) for v in VENUES}


def _int_param(request: Request, name: str) -> int | None:
    value = request.arg(name)
    if value is None or value == "":
        return None
    return int(value)


def _series(path: PricePath, interval: int, now: int, start: int | None, end: int | None, limit: int,
            newest: bool, align_offset: int = 0) -> list[Candle]:
    """Candles opening in [start (rounded up to the interval), end], never after now; `limit` of them, taken
    from the start (oldest first) or, with no start or newest=True, from the end."""
    def floor(t: int) -> int:
        return (t - align_offset) // interval * interval + align_offset

    last = floor(min(end if end is not None else now, now))
    if start is not None:
        first = floor(start)
        if first < start:
            first += interval
        if first > last:
            return []
        if newest:
            first = max(first, last - (limit - 1) * interval)
        else:
            last = min(last, first + (limit - 1) * interval)
    else:
        first = last - (limit - 1) * interval
    out = []
    t = first
    while t <= last:
        c = path.candle(t, interval, now)
        if c is not None:
            out.append(c)
        t += interval
    return out


# MARK: Binance

BINANCE_INTERVALS = {"1s": SECOND, "1m": MINUTE, "3m": 3 * MINUTE, "5m": 5 * MINUTE, "15m": 15 * MINUTE,
                     "30m": 30 * MINUTE, "1h": HOUR, "2h": 2 * HOUR, "4h": 4 * HOUR, "6h": 6 * HOUR,
                     "8h": 8 * HOUR, "12h": 12 * HOUR, "1d": DAY, "3d": 3 * DAY, "1w": 7 * DAY}
_MONDAY_OFFSET = 4 * DAY   # 1970-01-01 was a Thursday; weekly klines open on Mondays


class _BinanceError(Exception):
    def __init__(self, code: int, msg: str, status: int = 400):
        super().__init__(msg)
        self.code, self.msg, self.status = code, msg, status


class Binance(VenueServer):
    venue = "binance"

    def __init__(self, exchanges: Exchanges, **kwargs: Any) -> None:
        super().__init__(exchanges, **kwargs)
        self._weight_minute, self._weight = 0, 0

    def tags(self, request: Request) -> dict[str, Any]:
        endpoint = {"/api/v3/klines": "klines", "/api/v3/uiKlines": "klines", "/api/v3/ticker/price": "ticker",
                    "/api/v3/time": "time", "/api/v3/ping": "ping"}.get(request.path, "other")
        return {"venue": self.venue, "endpoint": endpoint, "symbol": request.arg("symbol")}

    def fault_response(self, fault: Fault, request: Request, tags: dict[str, Any]) -> Response:
        status = fault.status or 500
        headers = [("Retry-After", str(fault.retry_after))] if fault.retry_after is not None else []
        if status == 451:
            return Response.json(451, {"code": 0, "msg": GEO_451})
        if status == 429:
            return Response.json(429, {"code": -1003, "msg": "Too many requests; current limit of IP(127.0.0.1) "
                                       "is 6000 requests per minute. Please use the websocket for live updates "
                                       "to avoid polling the API."}, headers)
        if status == 418:
            until = int(time.time() * 1000) + 1000 * (fault.retry_after or 120)
            return Response.json(418, {"code": -1003, "msg": f"Way too many requests; IP(127.0.0.1) banned until "
                                       f"{until}. Please use the websocket for live updates to avoid bans."}, headers)
        if status == 403:
            return Response.text(403, CLOUDFRONT_403, "text/html", headers)
        if status >= 500:
            return Response.json(status, {"code": -1000, "msg": "An unknown error occurred while processing the "
                                          "request."}, headers)
        return Response.json(status, {"code": -1100, "msg": "Illegal characters found in a parameter."}, headers)

    def handle(self, request: Request) -> Response:
        try:
            if request.path in ("/api/v3/klines", "/api/v3/uiKlines"):
                weight, body = 2, self._klines(request)
            elif request.path == "/api/v3/ticker/price":
                weight, body = self._ticker(request)
            elif request.path == "/api/v3/time":
                weight, body = 1, {"serverTime": self.ex.now()}
            elif request.path == "/api/v3/ping":
                weight, body = 1, {}
            else:
                return Response.text(404, "<html><body><h2>404 Not found</h2></body></html>", "text/html")
        except _BinanceError as e:
            return Response.json(e.status, {"code": e.code, "msg": e.msg}, [self._weight_header(1)])
        return Response.json(200, body, [self._weight_header(weight)])

    def _weight_header(self, weight: int) -> tuple[str, str]:
        minute = int(time.time() // 60)
        with self._lock:
            if minute != self._weight_minute:
                self._weight_minute, self._weight = minute, 0
            self._weight += weight
            return ("X-MBX-USED-WEIGHT-1M", str(self._weight))

    def _int(self, request: Request, name: str) -> int | None:
        try:
            return _int_param(request, name)
        except ValueError:
            raise _BinanceError(-1100, f"Illegal characters found in parameter '{name}'; legal range is "
                                       "'^[0-9]{1,20}$'.") from None

    def _klines(self, request: Request) -> list:
        symbol = request.arg("symbol")
        if not symbol:
            raise _BinanceError(-1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.")
        interval_text = request.arg("interval")
        if not interval_text:
            raise _BinanceError(-1102, "Mandatory parameter 'interval' was not sent, was empty/null, or malformed.")
        path = self._path(symbol)
        if path is None:
            raise _BinanceError(-1121, "Invalid symbol.")
        interval = BINANCE_INTERVALS.get(interval_text)
        if interval is None:
            raise _BinanceError(-1120, "Invalid interval.")
        start, end = self._int(request, "startTime"), self._int(request, "endTime")
        limit = self._int(request, "limit") or 500
        if not 1 <= limit <= 1000:
            raise _BinanceError(-1130, "Data sent for parameter 'limit' is not valid.")
        if start is not None and end is not None and start > end:
            raise _BinanceError(-1023, "Start time is greater than end time.")
        offset = _MONDAY_OFFSET if interval_text == "1w" else 0
        candles = _series(path, interval, self.ex.now(), start, end, limit, newest=False, align_offset=offset)
        return [[c.open_time, fixed(c.open, 8), fixed(c.high, 8), fixed(c.low, 8), fixed(c.close, 8),
                 fixed(c.volume, 8), c.open_time + interval - 1, fixed(c.quote_volume, 8), c.trades * 17,
                 fixed(c.volume / 2, 8), fixed(c.quote_volume / 2, 8), "0"] for c in candles]

    def _ticker(self, request: Request) -> tuple[int, Any]:
        now = self.ex.now()
        symbol, symbols = request.arg("symbol"), request.arg("symbols")
        if symbol and symbols:
            raise _BinanceError(-1128, "Combination of optional parameters invalid.")
        if symbol:
            path = self._path(symbol)
            if path is None:
                raise _BinanceError(-1121, "Invalid symbol.")
            return 2, {"symbol": symbol, "price": fixed(path.price(now), 8)}
        if symbols:
            try:
                names = json.loads(symbols)
            except ValueError:
                raise _BinanceError(-1100, "Illegal characters found in parameter 'symbols'.") from None
        else:
            names = self.ex.symbols(self.venue)
        out = []
        for name in names:
            path = self._path(name)
            if path is None:
                raise _BinanceError(-1121, "Invalid symbol.")
            out.append({"symbol": name, "price": fixed(path.price(now), 8)})
        return 4, out


# MARK: Coinbase

COINBASE_GRANULARITIES = {60, 300, 900, 3600, 21600, 86400}


def _coinbase_time(text: str | None) -> int | None:
    """ISO 8601 or epoch seconds -> ms."""
    if text is None or text == "":
        return None
    try:
        return int(float(text) * 1000)
    except ValueError:
        pass
    parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return int(parsed.timestamp() * 1000)


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Coinbase(VenueServer):
    venue = "coinbase"

    def tags(self, request: Request) -> dict[str, Any]:
        parts = request.path.strip("/").split("/")
        symbol = parts[1] if len(parts) >= 2 and parts[0] == "products" else None
        endpoint = parts[2] if len(parts) >= 3 and parts[0] == "products" else (
            "product" if symbol else parts[0] or "other")
        return {"venue": self.venue, "endpoint": endpoint, "symbol": symbol}

    def fault_response(self, fault: Fault, request: Request, tags: dict[str, Any]) -> Response:
        status = fault.status or 500
        headers = [("Retry-After", str(fault.retry_after))] if fault.retry_after is not None else []
        if status == 403 or fault.kind == "geo":
            return Response.text(status, CLOUDFRONT_403, "text/html", headers)
        if status == 429:
            return Response.json(429, {"message": "Public rate limit exceeded"}, headers)
        if status >= 500:
            return Response.json(status, {"message": "Internal server error"}, headers)
        return Response.json(status, {"message": "Bad Request"}, headers)

    def handle(self, request: Request) -> Response:
        if not request.header("user-agent"):
            return Response.json(400, {"message": "User-Agent header is required."})
        parts = request.path.strip("/").split("/")
        if parts == ["time"]:
            now = self.ex.now()
            return Response.json(200, {"iso": _iso(now), "epoch": now / 1000})
        if len(parts) < 2 or parts[0] != "products":
            return Response.json(404, {"message": "NotFound"})
        symbol = parts[1]
        path = self._path(symbol)
        if path is None:
            return Response.json(404, {"message": "NotFound"})
        if len(parts) == 2:
            base, _, quote = symbol.partition("-")
            return Response.json(200, {"id": symbol, "base_currency": base, "quote_currency": quote,
                                       "quote_increment": plain(path.tick), "base_increment": "0.00000001",
                                       "display_name": f"{base}/{quote}", "status": "online",
                                       "trading_disabled": False, "cancel_only": False, "post_only": False,
                                       "limit_only": False, "auction_mode": False})
        if parts[2:] == ["ticker"]:
            now = self.ex.now()
            price = path.price(now)
            return Response.json(200, {"ask": tick_text(price, path.tick),
                                       "bid": tick_text(price - path.tick, path.tick),
                                       "volume": "1234.56789", "trade_id": now // 1000,
                                       "price": tick_text(price, path.tick), "size": "0.01",
                                       "time": _iso(now)})
        if parts[2:] == ["candles"]:
            return self._candles(request, path)
        return Response.json(404, {"message": "NotFound"})

    def _candles(self, request: Request, path: PricePath) -> Response:
        try:
            granularity = int(request.arg("granularity") or 60)
        except ValueError:
            return Response.json(400, {"message": "Unsupported granularity"})
        if granularity not in COINBASE_GRANULARITIES:
            return Response.json(400, {"message": "Unsupported granularity"})
        g = granularity * 1000
        now = self.ex.now()
        try:
            start, end = _coinbase_time(request.arg("start")), _coinbase_time(request.arg("end"))
        except ValueError:
            return Response.json(400, {"message": "Invalid start or end"})
        if end is None:
            end = now
        if start is None:
            start = end - 299 * g
        if start > end:
            return Response.json(400, {"message": "start must be before end"})
        first = start // g * g          # Coinbase includes the bucket containing start
        if (end - first) // g + 1 > 300:
            return Response.json(400, {"message": "granularity too small for the requested time range. Count of "
                                                  "aggregations requested exceeds 300"})
        candles = _series(path, g, now, first, end, 300, newest=True)
        rows = [f"[{c.open_time // 1000},{plain(c.low)},{plain(c.high)},{plain(c.open)},{plain(c.close)},"
                f"{plain(c.volume)}]" for c in reversed(candles) if c.trades > 0]
        return Response.raw_json(200, "[" + ",".join(rows) + "]")


# MARK: Bybit

BYBIT_INTERVALS = {"1": MINUTE, "3": 3 * MINUTE, "5": 5 * MINUTE, "15": 15 * MINUTE, "30": 30 * MINUTE,
                   "60": HOUR, "120": 2 * HOUR, "240": 4 * HOUR, "360": 6 * HOUR, "720": 12 * HOUR, "D": DAY,
                   "W": 7 * DAY}


class Bybit(VenueServer):
    venue = "bybit"

    def tags(self, request: Request) -> dict[str, Any]:
        endpoint = {"/v5/market/kline": "kline", "/v5/market/tickers": "tickers",
                    "/v5/market/time": "time"}.get(request.path, "other")
        return {"venue": self.venue, "endpoint": endpoint, "symbol": request.arg("symbol")}

    def _envelope(self, code: int, msg: str, result: Any = None) -> dict:
        return {"retCode": code, "retMsg": msg, "result": result if result is not None else {},
                "retExtInfo": {}, "time": self.ex.now()}

    def fault_response(self, fault: Fault, request: Request, tags: dict[str, Any]) -> Response:
        status = fault.status or 500
        headers = [("Retry-After", str(fault.retry_after))] if fault.retry_after is not None else []
        if status == 403 and fault.kind == "rate_limit":
            return Response.text(403, "access too frequent", headers=headers)
        if status == 403 or fault.kind == "geo":
            return Response.text(status, CLOUDFRONT_403, "text/html", headers)
        if status == 429 or fault.kind == "rate_limit":
            reset = self.ex.now() + 1000 * (fault.retry_after or 1)
            return Response.json(status, self._envelope(10006, "Too many visits!"),
                                 [*headers, ("X-Bapi-Limit-Status", "0"), ("X-Bapi-Limit", "600"),
                                  ("X-Bapi-Limit-Reset-Timestamp", str(reset))])
        if status >= 500:
            return Response.json(status, self._envelope(10016, "Server Error."), headers)
        return Response.json(status, self._envelope(10001, "Params Error"), headers)

    def handle(self, request: Request) -> Response:
        if request.path == "/v5/market/time":
            now = self.ex.now()
            return Response.json(200, self._envelope(0, "OK", {"timeSecond": str(now // 1000),
                                                               "timeNano": str(now * 1_000_000)}))
        if request.path not in ("/v5/market/kline", "/v5/market/tickers"):
            return Response.text(404, "404 page not found")
        category = request.arg("category")
        if category != "spot":
            # Bybit defaults a missing category to linear (perpetuals): a worker must always send spot.
            return Response.json(200, self._envelope(10001, "Illegal category" if category else
                                                     "devstack serves category=spot only (a missing category "
                                                     "means linear on Bybit)"))
        if request.path == "/v5/market/tickers":
            return self._tickers(request)
        return self._kline(request)

    def _tickers(self, request: Request) -> Response:
        symbol = request.arg("symbol")
        names = [symbol] if symbol else self.ex.symbols(self.venue)
        now = self.ex.now()
        items = []
        for name in names:
            path = self._path(name)
            if path is None:
                return Response.json(200, self._envelope(10001, "Not supported symbols"))
            price = path.price(now)
            day = path.candle(now - DAY + 1, DAY, now)   # approximate 24 h window
            items.append({"symbol": name, "bid1Price": tick_text(price - path.tick, path.tick), "bid1Size": "1",
                          "ask1Price": tick_text(price, path.tick), "ask1Size": "1",
                          "lastPrice": tick_text(price, path.tick),
                          "prevPrice24h": tick_text(day.open, path.tick) if day else tick_text(price, path.tick),
                          "price24hPcnt": "0", "highPrice24h": tick_text(day.high if day else price, path.tick),
                          "lowPrice24h": tick_text(day.low if day else price, path.tick),
                          "turnover24h": "0", "volume24h": "0", "usdIndexPrice": ""})
        return Response.json(200, self._envelope(0, "OK", {"category": "spot", "list": items}))

    def _kline(self, request: Request) -> Response:
        symbol = request.arg("symbol")
        if not symbol:
            return Response.json(200, self._envelope(10001, "Params Error"))
        path = self._path(symbol)
        if path is None:
            return Response.json(200, self._envelope(10001, "Not supported symbols"))
        interval = BYBIT_INTERVALS.get(request.arg("interval") or "")
        if interval is None:
            return Response.json(200, self._envelope(10001, "Params Error"))
        try:
            start, end = _int_param(request, "start"), _int_param(request, "end")
            limit = _int_param(request, "limit") or 200
        except ValueError:
            return Response.json(200, self._envelope(10001, "Params Error"))
        if not 1 <= limit <= 1000 or (start is not None and end is not None and start > end):
            return Response.json(200, self._envelope(10001, "Params Error"))
        offset = _MONDAY_OFFSET if interval == 7 * DAY else 0
        candles = _series(path, interval, self.ex.now(), start, end, limit, newest=True, align_offset=offset)
        tick = path.tick
        rows = [[str(c.open_time), tick_text(c.open, tick), tick_text(c.high, tick), tick_text(c.low, tick),
                 tick_text(c.close, tick), fixed(c.volume, 5), fixed(c.quote_volume, 4)]
                for c in reversed(candles)]
        return Response.json(200, self._envelope(0, "OK", {"symbol": symbol, "category": "spot", "list": rows}))


def default_market(ex: Exchanges) -> None:
    """A few markets every demo and CLI instance lists: seeded waves, the same every run."""
    ex.add_market("BTC", "USDT", PricePath.wave("btc", "64000"))
    ex.add_market("ETH", "USDT", PricePath.wave("eth", "3200"))
    ex.add_market("SOL", "USDT", PricePath.wave("sol", "150"), venues=("binance", "bybit", "coinbase"))
    ex.add_market("BTC", "USD", PricePath.wave("btc-usd", "64010"), venues=("coinbase",))
    ex.add_market("ETH", "USD", PricePath.wave("eth-usd", "3201"), venues=("coinbase",))
    ex.add_market("1000PEPE", "USDT", PricePath.wave("pepe", "0.01234", tick="0.00001"), venues=("binance",))
    ex.add_market("DOGE", "USDT", PricePath.wave("doge", "0.1867", tick="0.0001"))


def main() -> None:
    ex = Exchanges()
    default_market(ex)
    serve_until_interrupted(*ex.venues.values())


if __name__ == "__main__":
    main()
