"""Price paths and the clock behind the exchange stand-ins.

A `PricePath` gives, for any minute, a 1-minute candle, and inside it one price per second, so 1-second klines,
1-minute candles and coarser candles always agree (a 1m high is the highest of its 1s prices; an hour's high the
highest of its minutes). A path is a base (a flat price, or a deterministic wave from a seed) plus scripted
minutes that override it:

    path = PricePath.flat("64000")
    path.script(t0 + 30 * MINUTE, open="64000", high="65100", low="63990", close="64010")   # a wick
    path.script(t1, open=..., high=..., low=..., close=..., high_at=10, low_at=40)          # high first
    path.quiet(t2)                                                                         # no trades

All times are epoch milliseconds. Prices are Decimal, quantised to the path's tick.
"""
from __future__ import annotations

import hashlib
import math
import threading
import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable, Iterable

SECOND = 1000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def _unit(seed: str, *parts: object) -> float:
    """Deterministic uniform number in [0, 1) from a seed and a key."""
    h = hashlib.blake2b(":".join([seed, *map(str, parts)]).encode(), digest_size=8).digest()
    return int.from_bytes(h, "big") / 2 ** 64


def dec(value: object) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


@dataclass(frozen=True)
class Candle:
    """One candle: open time (ms), OHLC, base volume. `trades` = 0 for a minute without trades."""
    open_time: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    trades: int = 1

    @property
    def quote_volume(self) -> Decimal:
        return self.volume * (self.open + self.close) / 2


@dataclass(frozen=True)
class _Minute:
    """A minute's shape: OHLC plus the seconds at which the high and the low were made."""
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    high_at: int
    low_at: int
    trades: int = 1

    def second_price(self, s: int) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        """(open, high, low, close) of second `s` in 0..59: piecewise-linear through the knots."""
        knots = sorted({(0, self.open), (59, self.close), (self.high_at, self.high), (self.low_at, self.low)},
                       key=lambda k: (k[0], k[1]))
        at_s = [p for t, p in knots if t == s]
        if at_s:
            if s == self.high_at and s == self.low_at:
                return self.high, self.high, self.low, self.low   # both extremes in one second: a true tie
            if s == self.high_at:
                return self.high, self.high, self.high, self.high
            if s == self.low_at:
                return self.low, self.low, self.low, self.low
            p = at_s[-1]
            return p, p, p, p
        before = max((k for k in knots if k[0] < s), key=lambda k: k[0])
        after = min((k for k in knots if k[0] > s), key=lambda k: k[0])
        p = before[1] + (after[1] - before[1]) * Decimal(s - before[0]) / Decimal(after[0] - before[0])
        return p, p, p, p


class PricePath:
    """Deterministic prices for one market; shared by every venue that lists it."""

    def __init__(self, base: Callable[[int], tuple[Decimal, Decimal, Decimal, Decimal]], *,
                 tick: str | Decimal = "0.01", seed: str = "devstack") -> None:
        self._base = base                      # minute index -> (open, high, low, close)
        self.tick = dec(tick)
        self.seed = seed
        self._scripted: dict[int, _Minute | None] = {}
        self._lock = threading.Lock()
        self._base_cache: dict[int, _Minute] = {}                     # minute -> unscripted shape
        self._closed_cache: dict[tuple[int, int], Candle] = {}       # (interval, open) -> closed candle

    # -- constructors ------------------------------------------------------------------------------

    @classmethod
    def flat(cls, price: str | Decimal, *, tick: str | Decimal | None = None) -> "PricePath":
        p = dec(price)
        return cls(lambda m: (p, p, p, p), tick=tick or _tick_for(p))

    @classmethod
    def wave(cls, seed: str, start: str | Decimal, *, amplitude: float = 0.02, wick: float = 0.0015,
             period_minutes: int = 240, tick: str | Decimal | None = None) -> "PricePath":
        """A smooth, seeded wave around `start` (±amplitude, plus noise and wicks): realistic-looking and
        the same every run. Minute m opens where minute m-1 closed."""
        s0 = float(dec(start))
        phase1, phase2 = _unit(seed, "p1") * 2 * math.pi, _unit(seed, "p2") * 2 * math.pi

        def boundary(m: int) -> float:
            wave = (math.sin(2 * math.pi * m / period_minutes + phase1) * 0.7
                    + math.sin(2 * math.pi * m / (period_minutes / 7.3) + phase2) * 0.3)
            noise = (_unit(seed, "n", m) - 0.5) * 0.2
            return s0 * (1 + amplitude * (wave + noise))

        def base(m: int) -> tuple[Decimal, Decimal, Decimal, Decimal]:
            o, c = boundary(m), boundary(m + 1)
            h = max(o, c) * (1 + wick * _unit(seed, "h", m))
            lo = min(o, c) * (1 - wick * _unit(seed, "l", m))
            return dec(o), dec(h), dec(lo), dec(c)

        return cls(base, tick=tick or _tick_for(dec(start)), seed=seed)

    # -- scripting ---------------------------------------------------------------------------------

    def script(self, open_time: int, *, open: object, high: object, low: object, close: object,
               volume: object | None = None, high_at: int | None = None, low_at: int | None = None) -> None:
        """Fix the 1-minute candle opening at `open_time` (rounded down to the minute). `high_at`/`low_at` are
        the seconds (0-59) at which the high and the low happen (equal = same second: a true tie)."""
        m = open_time // MINUTE
        o, h, lo, c = (self._q(dec(x)) for x in (open, high, low, close))
        if not (lo <= min(o, c) and h >= max(o, c)):
            raise ValueError(f"inconsistent candle o={o} h={h} l={lo} c={c}")
        ha, la = self._default_extremes(m, high_at, low_at)
        vol = dec(volume) if volume is not None else self._volume(m)
        with self._lock:
            self._scripted[m] = _Minute(o, h, lo, c, vol, ha, la)
            self._closed_cache.clear()

    def script_many(self, candles: Iterable[tuple]) -> None:
        """(open_time, open, high, low, close) tuples."""
        for t, o, h, lo, c in candles:
            self.script(t, open=o, high=h, low=lo, close=c)

    def quiet(self, open_time: int) -> None:
        """No trades in that minute: Binance/Bybit answer a flat zero-volume candle, Coinbase omits it."""
        with self._lock:
            self._scripted[open_time // MINUTE] = None
            self._closed_cache.clear()

    def clear_script(self) -> None:
        with self._lock:
            self._scripted.clear()
            self._closed_cache.clear()

    # -- reading -----------------------------------------------------------------------------------

    def minute(self, m: int) -> _Minute:
        with self._lock:
            scripted = self._scripted.get(m, ...)
        if scripted is None:
            # a quiet minute: flat at the last traded price before it
            prev = m - 1
            with self._lock:
                while prev > m - 100_000 and self._scripted.get(prev, ...) is None:
                    prev -= 1
                still_quiet = self._scripted.get(prev, ...) is None
            c = self._q(self._base(prev)[3]) if still_quiet else self.minute(prev).close
            return _Minute(c, c, c, c, Decimal(0), 0, 0, trades=0)
        if scripted is not ...:
            return scripted
        cached = self._base_cache.get(m)
        if cached is not None:
            return cached
        o, h, lo, c = (self._q(x) for x in self._base(m))
        h, lo = max(h, o, c), min(lo, o, c)
        ha, la = self._default_extremes(m, None, None)
        shape = _Minute(o, h, lo, c, self._volume(m), ha, la)
        if len(self._base_cache) > 1_000_000:
            self._base_cache.clear()
        self._base_cache[m] = shape
        return shape

    def candle(self, open_time: int, interval: int, now: int) -> Candle | None:
        """The candle of `interval` ms opening at `open_time`, as seen at `now` (a still-open candle has its
        high/low so far and the latest price as close). None if it opens after `now`."""
        if open_time > now:
            return None
        end = min(open_time + interval, now + 1)      # exclusive, in ms
        if interval < MINUTE:
            m, s = divmod(open_time // SECOND, 60)
            mi = self.minute(m)
            o, h, lo, c = (self._q(x) for x in mi.second_price(s))
            return Candle(open_time, o, h, lo, c, self._q_vol(mi.volume / 60), mi.trades)
        closed = open_time + interval <= now
        if closed and interval > MINUTE:
            cached = self._closed_cache.get((interval, open_time))
            if cached is not None:
                return cached
        first_m, last_m = open_time // MINUTE, (end - 1) // MINUTE
        o = h = lo = c = None
        volume, trades = Decimal(0), 0
        for m in range(first_m, last_m + 1):
            mi = self.minute(m)
            if m == last_m and (end - m * MINUTE) < MINUTE:
                # still open: seconds up to now
                last_s = (end - 1 - m * MINUTE) // SECOND
                secs = [mi.second_price(s) for s in range(0, last_s + 1)]
                mo, mh, ml = mi.open, self._q(max(x[1] for x in secs)), self._q(min(x[2] for x in secs))
                mc = self._q(secs[-1][3])
                mv = self._q_vol(mi.volume * (last_s + 1) / 60)
            else:
                mo, mh, ml, mc, mv = mi.open, mi.high, mi.low, mi.close, mi.volume
            if o is None:
                o, h, lo = mo, mh, ml
            h, lo, c = max(h, mh), min(lo, ml), mc
            volume += mv
            trades += mi.trades
        candle = Candle(open_time, o, h, lo, c, volume, trades)
        if closed and interval > MINUTE:
            with self._lock:
                if len(self._closed_cache) > 100_000:
                    self._closed_cache.clear()
                self._closed_cache[(interval, open_time)] = candle
        return candle

    def price(self, now: int) -> Decimal:
        """The last traded price at `now`."""
        m, s = divmod(now // SECOND, 60)
        return self._q(self.minute(m).second_price(s)[3])

    # -- helpers -----------------------------------------------------------------------------------

    def _q(self, x: Decimal) -> Decimal:
        return (x / self.tick).to_integral_value() * self.tick

    def _q_vol(self, x: Decimal) -> Decimal:
        return x.quantize(Decimal("0.00001"))

    def _volume(self, m: int) -> Decimal:
        return Decimal(str(round(1 + 20 * _unit(self.seed, "v", m), 5)))

    def _default_extremes(self, m: int, high_at: int | None, low_at: int | None) -> tuple[int, int]:
        ha = high_at if high_at is not None else 1 + int(_unit(self.seed, "ha", m) * 57)
        la = low_at if low_at is not None else 1 + int(_unit(self.seed, "la", m) * 57)
        if high_at is None and low_at is None and ha == la:
            la = ha + 1
        return ha, la


def _tick_for(price: Decimal) -> Decimal:
    """A plausible tick for a price: 0.01 above 1, then more decimals for small prices (PEPE ~ 1e-5)."""
    if price >= 1:
        return Decimal("0.01")
    digits = max(2, -price.adjusted() + 4)
    return Decimal(1).scaleb(-digits)


class Clock:
    """The exchanges' "now": the wall clock (optionally shifted) or frozen at a set time; in ms."""

    def __init__(self) -> None:
        self._fixed: int | None = None
        self._offset = 0

    def now(self) -> int:
        return self._fixed if self._fixed is not None else int(time.time() * 1000) + self._offset

    def set(self, ms: int, running: bool = False) -> None:
        """Freeze at `ms`, or (running=True) run from `ms` on at wall-clock speed."""
        if running:
            self._fixed, self._offset = None, ms - int(time.time() * 1000)
        else:
            self._fixed = ms

    def advance(self, ms: int) -> None:
        if self._fixed is not None:
            self._fixed += ms
        else:
            self._offset += ms

    def real(self) -> None:
        self._fixed, self._offset = None, 0

    @property
    def frozen(self) -> bool:
        return self._fixed is not None
