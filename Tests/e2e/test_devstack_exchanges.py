"""The exchange stand-ins: each venue's wire format, the shared market model (clock, scripted wicks), faults."""
import socket
from decimal import Decimal

import pytest
from devstack_fixtures import exchanges, get, post_json  # noqa: F401  (fixtures)

from devstack.market import HOUR, MINUTE, SECOND, PricePath

T0 = 1_764_100_800_000            # 2025-11-25T20:00:00Z, a minute boundary


@pytest.fixture
def market(exchanges):
    """BTC/USDT flat at 64000 on all venues, a wick to 65100 half an hour before T0, now = T0 + 90 s."""
    path = exchanges.add_market("BTC", "USDT", PricePath.flat("64000"))
    exchanges.add_market("BTC", "USD", path, venues=["coinbase"])
    path.script(T0 - 30 * MINUTE, open="64000", high="65100", low="63990", close="64010", high_at=10, low_at=40)
    exchanges.clock.set(T0 + 90 * SECOND)
    return exchanges


def binance(ex, path, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return get(f"{ex.url('binance')}{path}?{query}")


# MARK: - Binance

def test_binance_klines_shape_order_and_window(market):
    reply = binance(market, "/api/v3/klines", symbol="BTCUSDT", interval="1m", startTime=T0 - 31 * MINUTE + 1,
                    endTime=T0 - 29 * MINUTE)
    assert reply.status == 200 and reply.headers["x-mbx-used-weight-1m"].isdigit()
    rows = reply.json()
    # opening at or after startTime (so the -31 min candle is out), up to endTime, oldest first
    assert [r[0] for r in rows] == [T0 - 30 * MINUTE, T0 - 29 * MINUTE]
    wick = rows[0]
    assert len(wick) == 12
    assert wick[1:5] == ["64000.00000000", "65100.00000000", "63990.00000000", "64010.00000000"]
    assert wick[6] == T0 - 29 * MINUTE - 1 and isinstance(wick[8], int) and wick[11] == "0"
    assert all(isinstance(x, str) for x in wick[1:6] + [wick[7], wick[9], wick[10]])


def test_binance_never_serves_the_future_and_the_open_candle_is_partial(market):
    path = market.path("binance", "BTCUSDT")
    path.script(T0 + MINUTE, open="64000", high="64500", low="64000", close="64000", high_at=45, low_at=5)
    rows = binance(market, "/api/v3/klines", symbol="BTCUSDT", interval="1m", limit=3).json()
    assert [r[0] for r in rows] == [T0 - MINUTE, T0, T0 + MINUTE]     # now = T0 + 90 s
    assert rows[-1][2] == "64312.50000000"     # second 30 of a climb from 64000 at s5 to the high 64500 at s45
    market.clock.advance(20 * SECOND)                               # second 50: past the high
    rows = binance(market, "/api/v3/klines", symbol="BTCUSDT", interval="1m", limit=1).json()
    assert rows[-1][2] == "64500.00000000"


def test_one_second_klines_agree_with_the_minute_and_order_the_extremes(market):
    rows = binance(market, "/api/v3/klines", symbol="BTCUSDT", interval="1s", startTime=T0 - 30 * MINUTE,
                   limit=60).json()
    assert len(rows) == 60
    highs = [Decimal(r[2]) for r in rows]
    lows = [Decimal(r[3]) for r in rows]
    assert max(highs) == Decimal("65100") and min(lows) == Decimal("63990")
    assert highs.index(max(highs)) == 10 and lows.index(min(lows)) == 40         # high first, as scripted


def test_binance_limits_and_errors(market):
    assert len(binance(market, "/api/v3/klines", symbol="BTCUSDT", interval="1m", limit=1000).json()) == 1000
    assert len(binance(market, "/api/v3/klines", symbol="BTCUSDT", interval="1m").json()) == 500
    over = binance(market, "/api/v3/klines", symbol="BTCUSDT", interval="1m", limit=1001)
    assert over.status == 400 and over.json()["code"] == -1130
    unknown = binance(market, "/api/v3/klines", symbol="BTCUSDX", interval="1m")
    assert unknown.status == 400 and unknown.json() == {"code": -1121, "msg": "Invalid symbol."}
    assert binance(market, "/api/v3/klines", symbol="BTCUSDT", interval="7m").json()["code"] == -1120
    assert binance(market, "/api/v3/klines", interval="1m").json()["code"] == -1102
    price = binance(market, "/api/v3/ticker/price", symbol="BTCUSDT")
    assert price.json() == {"symbol": "BTCUSDT", "price": "64000.00000000"}
    assert binance(market, "/api/v3/ticker/price", symbol="NOPE").json()["code"] == -1121


# MARK: - Coinbase

def test_coinbase_candles_newest_first_numbers_and_user_agent(market):
    url = (f"{market.url('coinbase')}/products/BTC-USD/candles?granularity=60"
           f"&start={(T0 - 31 * MINUTE) // 1000}&end=2025-11-25T19:31:00Z")
    assert get(url, user_agent=None).json() == {"message": "User-Agent header is required."}
    reply = get(url)
    assert reply.status == 200
    assert reply.text.startswith("[[1764099060,64000,64000,64000,64000,")       # numbers, no quotes
    rows = reply.json()
    assert [r[0] for r in rows] == [(T0 - 29 * MINUTE) // 1000, (T0 - 30 * MINUTE) // 1000,
                                    (T0 - 31 * MINUTE) // 1000]
    assert rows[1][1:5] == [63990, 65100, 64000, 64010]                             # [time, low, high, open, close]


def test_coinbase_limits_unknown_products_and_quiet_minutes(market):
    base = f"{market.url('coinbase')}/products"
    too_many = get(f"{base}/BTC-USD/candles?granularity=60&start={(T0 - 301 * MINUTE) // 1000}&end={T0 // 1000}")
    assert too_many.status == 400 and "exceeds 300" in too_many.json()["message"]
    assert get(f"{base}/BTC-USD/candles?granularity=120").json() == {"message": "Unsupported granularity"}
    missing = get(f"{base}/NOPE-USD/candles?granularity=60")
    assert missing.status == 404 and missing.json() == {"message": "NotFound"}
    market.path("coinbase", "BTC-USD").quiet(T0 - 5 * MINUTE)
    times = [r[0] for r in get(f"{base}/BTC-USD/candles?granularity=60&start={(T0 - 6 * MINUTE) // 1000}"
                                f"&end={(T0 - 4 * MINUTE) // 1000}").json()]
    assert times == [(T0 - 4 * MINUTE) // 1000, (T0 - 6 * MINUTE) // 1000]       # no candle without trades
    binance_rows = binance(market, "/api/v3/klines", symbol="BTCUSDT", interval="1m", startTime=T0 - 5 * MINUTE,
                           limit=1).json()
    assert binance_rows[0][5] == "0.00000000" and binance_rows[0][1] == binance_rows[0][2]   # Binance: flat, 0 vol
    ticker = get(f"{base}/BTC-USD/ticker").json()
    assert ticker["price"] == "64000.00" and {"bid", "ask", "volume", "time", "trade_id", "size"} <= ticker.keys()


# MARK: - Bybit

def test_bybit_kline_newest_first_strings_and_retcodes(market):
    base = f"{market.url('bybit')}/v5/market"
    body = get(f"{base}/kline?category=spot&symbol=BTCUSDT&interval=1&start={T0 - 31 * MINUTE}"
               f"&end={T0 - 29 * MINUTE}").json()
    assert body["retCode"] == 0 and body["retMsg"] == "OK" and body["result"]["category"] == "spot"
    rows = body["result"]["list"]
    assert [r[0] for r in rows] == [str(T0 - 29 * MINUTE), str(T0 - 30 * MINUTE), str(T0 - 31 * MINUTE)]
    assert rows[1][1:5] == ["64000.00", "65100.00", "63990.00", "64010.00"] and len(rows[1]) == 7
    unknown = get(f"{base}/kline?category=spot&symbol=NOPEUSDT&interval=1")
    assert unknown.status == 200 and unknown.json()["retCode"] == 10001
    assert get(f"{base}/kline?symbol=BTCUSDT&interval=1").json()["retCode"] == 10001     # category required
    assert get(f"{base}/kline?category=spot&symbol=BTCUSDT&interval=2").json()["retMsg"] == "Params Error"
    tickers = get(f"{base}/tickers?category=spot&symbol=BTCUSDT").json()["result"]["list"]
    assert tickers[0]["symbol"] == "BTCUSDT" and tickers[0]["lastPrice"] == "64000.00"


def test_bybit_limit_keeps_the_newest(market):
    rows = get(f"{market.url('bybit')}/v5/market/kline?category=spot&symbol=BTCUSDT&interval=1"
               f"&start={T0 - HOUR}&limit=2").json()["result"]["list"]
    assert [r[0] for r in rows] == [str(T0 + MINUTE), str(T0)]


# MARK: - Faults and counters

def test_faults_per_venue_and_symbol_then_recovery(market):
    market.add_market("ETH", "USDT", PricePath.flat("3000"))
    market.fail("binance", 500, times=2, symbol="BTCUSDT")
    assert binance(market, "/api/v3/ticker/price", symbol="ETHUSDT").status == 200      # other symbol unaffected
    assert binance(market, "/api/v3/ticker/price", symbol="BTCUSDT").status == 500
    assert binance(market, "/api/v3/klines", symbol="BTCUSDT", interval="1m").json()["code"] == -1000
    assert binance(market, "/api/v3/ticker/price", symbol="BTCUSDT").status == 200
    assert market.count("binance", symbol="BTCUSDT") == 3
    assert market.count("binance", symbol="BTCUSDT", status=500) == 2


def test_rate_limits_carry_retry_after(market):
    market.rate_limit("binance", retry_after=3)
    market.rate_limit("binance", retry_after=60, status=418)
    limited = binance(market, "/api/v3/ticker/price", symbol="BTCUSDT")
    assert limited.status == 429 and limited.headers["retry-after"] == "3" and limited.json()["code"] == -1003
    banned = binance(market, "/api/v3/ticker/price", symbol="BTCUSDT")
    assert banned.status == 418 and banned.headers["retry-after"] == "60"
    market.rate_limit("coinbase", retry_after=2)
    cb = get(f"{market.url('coinbase')}/products/BTC-USD/ticker")
    assert cb.status == 429 and cb.headers["retry-after"] == "2"
    market.rate_limit("bybit", retry_after=2)
    bb = get(f"{market.url('bybit')}/v5/market/tickers?category=spot")
    assert bb.status == 429 and bb.json()["retCode"] == 10006 and bb.headers["retry-after"] == "2"


def test_geo_blocks_until_cleared(market):
    market.geo_block("binance")
    market.geo_block("bybit")
    for _ in range(2):
        blocked = binance(market, "/api/v3/klines", symbol="BTCUSDT", interval="1m")
        assert blocked.status == 451 and "restricted location" in blocked.json()["msg"]
    bybit = get(f"{market.url('bybit')}/v5/market/kline?category=spot&symbol=BTCUSDT&interval=1")
    assert bybit.status == 403 and "block access from your country" in bybit.text
    market.clear_faults("binance")
    assert binance(market, "/api/v3/klines", symbol="BTCUSDT", interval="1m").status == 200


def test_delay_makes_a_client_time_out_and_drop_closes(market):
    market.delay("coinbase", 2.0)
    with pytest.raises(socket.timeout):
        get(f"{market.url('coinbase')}/products/BTC-USD/ticker", timeout=0.3)
    market.drop("coinbase")
    with pytest.raises((ConnectionError, OSError)):
        get(f"{market.url('coinbase')}/products/BTC-USD/ticker")
    assert get(f"{market.url('coinbase')}/products/BTC-USD/ticker").status == 200


def test_control_endpoint_sets_now_scripts_candles_and_faults(market):
    url = market.url("bybit")
    assert post_json(f"{url}/_control/now", {"ms": T0 + HOUR}).json() == {"now": T0 + HOUR, "frozen": True}
    assert post_json(f"{url}/_control/candle", {"symbol": "BTCUSDT", "open_time": T0 + 30 * MINUTE, "open": "64000",
                                                "high": "66000", "low": "64000", "close": "64100"}).status == 200
    rows = binance(market, "/api/v3/klines", symbol="BTCUSDT", interval="1h", startTime=T0, limit=1).json()
    assert rows[0][2] == "66000.00000000"                           # seen through Binance too: one market
    assert post_json(f"{url}/_control/fault", {"status": 500, "times": 1}).status == 200
    assert get(f"{url}/v5/market/tickers?category=spot").status == 500
    assert post_json(f"{url}/_control/market", {"base": "SOL", "quote": "USDT", "price": "150"}).status == 200
    assert binance(market, "/api/v3/ticker/price", symbol="SOLUSDT").json()["price"] == "150.00000000"
