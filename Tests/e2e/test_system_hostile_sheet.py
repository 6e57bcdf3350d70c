"""The hostile sheet (Tests/Fixtures/hostile-sheet.json) through the whole system: exactly the expected
notifications, nothing for the rejected, skipped or unlisted, and nothing new an hour later."""
from reader_fixtures import as_reported, days_since_fixture, shifted
from sheet_fixtures import expected_summary, load, raw
from system_fixtures import MINUTE, T0, flat, items, make_system, stack  # noqa: F401
from devstack.system import iso

# Every notification the first tick must send, by title: (user, priority, sound, text the message must contain).
EXPECTED = {
    "BTCUSDT above 65000 (Binance)": ("trader", "2", "persistent", "Reached 65000"),       # the wick touches it
    "BTCUSDT above 4 (Binance)": ("trader", "2", "persistent", "Reached 65000"),
    "BTCUSDT below 70500 (Binance)": ("trader", "2", "persistent", "Reached 63990"),
    "BTCUSDT long entry 64000 (Binance)": ("alice", "1", "cashregister", "breakout"),       # trade-1
    "ETH-USD below 3000.5 (Coinbase)": ("trader", "2", "persistent", "Reached 2999"),
    "ETHUSDT above 5000 (Binance)": ("trader", "2", "persistent", "🚀 to the moon — ✓ \"quoted\"\n2nd line"),
    "ETHUSDT above 5100 (Binance)": ("trader", "2", "persistent", "xxxxxxxxxx…"),
}
UNLISTED = ["sig-ef93bbd571a9b073987333ee", "sig-6012e7ee6a884b956f770a33", "sig-5fb43b8a7075e55f4a58d16d",
            "sig-86a7da6244575a77eb79d171", "sig-e95651fc8e0ecfdda7c77fbe"]          # BNBUSDT, XRPUSDT


def market(stack):
    """BTC flat at 64,000 except the minute of the first check, which wicks to exactly 65,000 and down to 63,990;
    ETHUSDT at 5,200; ETH-USD at 2,999; SOL, PEPE and BTC-USD far from every level; BNB and XRP listed nowhere."""
    btc = flat(stack, "BTC", "USDT", "64000")
    btc.script(T0, open="64000", high="65000", low="63990", close="64100", high_at=10, low_at=20)
    flat(stack, "ETH", "USDT", "5200")
    flat(stack, "ETH", "USD", "2999", venues=("coinbase",))
    flat(stack, "BTC", "USD", "64000", venues=("coinbase",))
    flat(stack, "SOL", "USDT", "150")
    flat(stack, "1000PEPE", "USDT", "0.45", venues=("binance",))
    for venue in ("binance", "bybit", "coinbase"):
        for symbol in ("BNBUSDT", "XRPUSDT", "BNB-USDT", "XRP-USDT"):
            stack.exchanges.delist(venue, symbol)


def test_the_hostile_sheet_notifies_exactly_the_signals_whose_levels_were_reached(stack, make_system):
    _, expected = load("hostile-sheet")
    text, expected = shifted(raw("hostile-sheet").decode(), expected, days_since_fixture())
    stack.serve_sheet(text)
    market(stack)
    system = make_system()

    tick = system.tick(T0, event_id="evt-hostile-1")

    assert tick.reader.ok, tick.reader.error
    assert tick.reader.result == expected_summary(as_reported(expected), "evt-hostile-1", iso(T0))
    d = tick.drain
    assert (d.received, d.deleted, d.failed, d.function_errors, d.remaining, d.dlq_depth) == (24, 24, 0, 0, 0, 0)
    assert tick.counts["SignalsEvaluated"] == 24 - len(UNLISTED)      # no candles to evaluate for those
    assert sorted(m["title"] for m in tick.notifications) == sorted(EXPECTED)
    for m in tick.notifications:
        user, priority, sound, text = EXPECTED[m["title"]]
        assert (m["user_name"], m["priority"], m["sound"]) == (user, priority, sound), m
        assert text in m["message"], m
        assert len(m["message"]) <= 1024 and m["url"].startswith("https://")
    assert tick.counts["EventsFired"] == tick.counts["NotificationsSent"] == len(EXPECTED)
    # Symbols no exchange lists: a per-signal problem, recorded and acknowledged (not retried, not dead-lettered).
    for sid in UNLISTED:
        assert items(stack, system.table_name, sid)["STATE"]["problem"] == "unknown_symbol"

    # An hour later every level is still where it was: `once` signals stay quiet, nothing is sent again.
    later = system.tick(T0 + 60 * MINUTE, event_id="evt-hostile-2")
    assert later.reader.ok and later.reader.result["enqueued"] == 24
    assert later.drain.deleted == 24 and later.drain.dlq_depth == 0
    assert later.notifications == []
    assert later.counts["SignalsEvaluated"] == 24 - len(UNLISTED) and later.counts["EventsFired"] == 0
    assert len(stack.pushover.accepted()) == len(EXPECTED)
