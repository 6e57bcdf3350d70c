"""The market story the demo plays for the example sheet (Tests/Fixtures/example-sheet.json).

Times are relative to the first tick T1 (a whole hour). Tick 1 is every signal's first check: it only looks at the
minute it runs in and records reference prices; nothing is true yet, so nothing fires. During the hour to tick 2:

* BTCUSDT climbs through 64,000 at T1+8m (btc-swing's entry), and at T1+25m one candle wicks to 66,050 and closes
  back at 64,980: row 2 (above 65,000) fires on the wick alone, btc-swing reaches TP1 (66,000);
* ETH-USD on Coinbase dips to 2,985.50 at T1+40m: row 3 (below 3,000, repeat every) fires;
* SOLUSDT rises 5.5 % to 158.20 by T1+50m: row 4 (pct_up 5 % over the close at its first check, 150.00) fires;
* BTC never falls 3 % (row 5 stays quiet) and ETHUSDT stays between eth-short's stop-loss and its first target.

In the hour to tick 3 BTC settles above 65,000 and SOL stays above its +5 % level: their `once` / `4h` signals
are still true but send nothing new. Later hours are flat.
"""
from __future__ import annotations

from bisect import bisect_right
from decimal import Decimal
from typing import Iterable

from devstack.exchanges import Exchanges
from devstack.market import MINUTE, PricePath

HOURS = 60  # minutes


def waypoint_path(t1: int, points: Iterable[tuple[int, str]], tick: str = "0.01",
                  wiggle: str = "0.0002") -> PricePath:
    """A path through (minute offset from T1, price) points, linear in between and flat outside, with candles
    whose high/low sit a small `wiggle` (a fraction of the price) beyond open/close."""
    pts = sorted((t1 // MINUTE + m, Decimal(p)) for m, p in points)
    times = [m for m, _ in pts]
    w = Decimal(wiggle)

    def at(minute: int) -> Decimal:
        i = bisect_right(times, minute)
        if i == 0:
            return pts[0][1]
        if i == len(pts):
            return pts[-1][1]
        (m0, p0), (m1, p1) = pts[i - 1], pts[i]
        return p0 + (p1 - p0) * Decimal(minute - m0) / Decimal(m1 - m0)

    def candle(minute: int) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        o, c = at(minute), at(minute + 1)
        return o, max(o, c) * (1 + w), min(o, c) * (1 - w), c

    return PricePath(candle, tick=tick, seed="demo")


def play_example_story(ex: Exchanges, t1: int) -> None:
    """List the example sheet's markets on the exchange stand-ins, following the story above."""
    btc = waypoint_path(t1, [(-120, "63700"), (0, "63800"), (5, "63850"), (8, "64010"), (20, "64600"),
                             (24, "64900"), (26, "64950"), (40, "64500"), (60, "64600"), (80, "65300"),
                             (2 * HOURS, "65400")], wiggle="0.00005")
    btc.script(t1 + 25 * MINUTE, open="64950", high="66050", low="64900", close="64980", high_at=31)
    ex.add_market("BTC", "USDT", btc)

    eth_usd = waypoint_path(t1, [(0, "3050"), (30, "3020"), (50, "3015"), (60, "3020"), (2 * HOURS, "3030")])
    eth_usd.script(t1 + 40 * MINUTE, open="3010", high="3012", low="2985.5", close="3004")
    ex.add_market("ETH", "USD", eth_usd, venues=("coinbase",))

    ex.add_market("SOL", "USDT", waypoint_path(t1, [(0, "150"), (30, "151"), (50, "158.2"), (60, "157.9"),
                                                    (2 * HOURS, "158")]))
    ex.add_market("ETH", "USDT", waypoint_path(t1, [(0, "3400"), (20, "3420"), (45, "3390"), (60, "3405"),
                                                    (2 * HOURS, "3410")]))
