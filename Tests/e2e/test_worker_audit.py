"""Worker audit against SPEC §3, §5, §6, §7, the real binary with scripted candles and faults: take-profit order,
ties settled by 1-second candles or stop-loss first, fallbacks, Pushover quota and refusals, the pending takeover."""
import json
import time

from devstack.market import PricePath
from worker_fixtures import (HOUR, MINUTE, T0, items, market, message, sent_to, stack, workers)  # noqa: F401


def advance(stack, ms):
    stack.exchanges.clock.advance(ms)


def test_take_profits_fire_in_order_of_distance_from_entry_whatever_the_sheet_order(stack, workers):
    path = market(stack, "LNG")
    w = workers()
    s = {"id": "a-long", "symbol": "LNGUSDT", "condition": "long", "entry": "101", "take_profit": ["110", "105"],
         "stop_loss": "90"}
    assert w.invoke([("a", message(s, T0))]) == []
    path.script(T0 + 5 * MINUTE, open="100", high="102", low="99", close="101")
    path.script(T0 + 10 * MINUTE, open="101", high="106", low="100", close="104")
    path.script(T0 + 20 * MINUTE, open="104", high="111", low="103", close="104")
    advance(stack, HOUR)
    assert w.invoke([("b", message(s, T0 + HOUR))]) == []
    sent = sent_to(stack, "LNGUSDT")
    assert [m["title"] for m in sent] == ["LNGUSDT long entry 101 (Binance)", "LNGUSDT long TP1 105 (Binance)",
                                          "LNGUSDT long TP2 110, trade closed (Binance)"]
    assert "TP 105, 110" in sent[0]["message"]
    assert sorted(items(stack, "a-long")) == ["EVENT#0001#entry", "EVENT#0001#tp1", "EVENT#0001#tp2", "STATE"]


def tie(stack, workers, name, venue, tps, high_at, low_at, cond="long", hi="111", lo="94"):
    """A trade whose one scripted minute reaches both sides; returns the titles notified."""
    path = market(stack, name)
    w = workers()
    s = {"id": "a-" + name, "exchange": venue, "symbol": name + ("-USDT" if venue == "coinbase" else "USDT"),
         "condition": cond, "take_profit": tps, "stop_loss": "95" if cond == "long" else "105"}
    assert w.invoke([("a", message(s, T0))]) == []
    path.script(T0 + 5 * MINUTE, open="100", high=hi, low=lo, close="100", high_at=high_at, low_at=low_at)
    advance(stack, HOUR)
    assert w.invoke([("b", message(s, T0 + HOUR))]) == []
    return [m["title"] for m in sent_to(stack, name)]


def test_a_minute_spanning_tp_and_sl_on_bybit_fires_only_the_stop_loss(stack, workers):
    assert tie(stack, workers, "TIE", "bybit", ["105"], 10, 40) == ["TIEUSDT long stop-loss 95, trade closed (Bybit)"]


def test_a_short_tie_on_coinbase_fires_only_the_stop_loss(stack, workers):
    assert tie(stack, workers, "SC", "coinbase", ["95"], 10, 40, cond="short", hi="106") == [
        "SC-USDT short stop-loss 105, trade closed (Coinbase)"]


def test_binance_second_candles_settle_a_tie_take_profit_first(stack, workers):
    assert tie(stack, workers, "TIB", "binance", ["105"], 10, 40) == ["TIBUSDT long TP1 105, trade closed (Binance)"]


def test_binance_second_candles_show_tp1_then_the_stop_loss(stack, workers):
    assert tie(stack, workers, "TS", "binance", ["105", "110"], 10, 40, hi="106") == [
        "TSUSDT long TP1 105 (Binance)", "TSUSDT long stop-loss 95, trade closed (Binance)"]


def test_a_same_second_tie_on_binance_fires_only_the_stop_loss(stack, workers):
    assert tie(stack, workers, "TT", "binance", ["105"], 20, 20) == ["TTUSDT long stop-loss 95, trade closed (Binance)"]


def test_pushover_400_is_recorded_as_failed_and_429_is_left_to_redelivery(stack, workers):
    market(stack, "POQ")
    w = workers()
    s = {"id": "a-po400", "symbol": "POQUSDT", "condition": "above", "target_price": "99"}
    stack.pushover.fail(400, times=1)
    assert w.invoke([("a", message(s, T0))]) == []
    assert items(stack, "a-po400")["EVENT#0001#above"]["status"] == "failed"
    assert items(stack, "a-po400")["STATE"]["problem"] == "notification_rejected"

    s2 = {"id": "a-po429", "symbol": "POQUSDT", "condition": "above", "target_price": "98"}
    stack.pushover.quota_exhausted(times=1)
    assert w.invoke([("b", message(s2, T0))]) == ["b"]
    assert [r for r in w.logs() if r.get("level") == "ERROR" and "quota" in r.get("message", "")]
    assert w.invoke([("b", message(s2, T0))]) == []
    assert len(sent_to(stack, "POQUSDT above 98")) == 1


def test_a_sound_pushover_does_not_know_still_delivers_the_alert(stack, workers):
    market(stack, "SND")
    w = workers()
    s = {"id": "a-snd", "symbol": "SNDUSDT", "condition": "above", "target_price": "99", "sound": "mycustomtypo"}
    assert w.invoke([("a", message(s, T0))]) == []
    sent = sent_to(stack, "SNDUSDT")
    assert len(sent) == 1 and "sound" not in sent[0]
    assert items(stack, "a-snd")["EVENT#0001#above"]["status"] == "sent"


def test_a_coinbase_geo_block_falls_back_and_a_binance_500_does_not(stack, workers):
    market(stack, "GEO3")
    w = workers()
    s = {"id": "a-geo3", "exchange": "coinbase", "symbol": "GEO3-USDT", "condition": "above", "target_price": "99"}
    stack.exchanges.geo_block("coinbase")
    try:
        assert w.invoke([("a", message(s, T0))]) == []
    finally:
        stack.exchanges.clear_faults("coinbase")
    assert [m["title"] for m in sent_to(stack, "GEO3")] == ["GEO3USDT above 99 (Bybit)"]

    s2 = {"id": "a-geo5", "symbol": "GEO3USDT", "condition": "above", "target_price": "98"}
    before = stack.exchanges.count("bybit", endpoint="kline")
    stack.exchanges.fail("binance", 500, times=None)
    try:
        assert w.invoke([("b", message(s2, T0))]) == ["b"]
    finally:
        stack.exchanges.clear_faults("binance")
    assert stack.exchanges.count("bybit", endpoint="kline") == before


def test_a_fallback_venue_not_listing_the_pair_is_skipped(stack, workers):
    stack.exchanges.add_market("SKP", "USDT", PricePath.flat("100"), venues=("binance", "coinbase"))
    w = workers()
    s = {"id": "a-skp", "symbol": "SKPUSDT", "condition": "above", "target_price": "99"}
    stack.exchanges.geo_block("binance")
    try:
        assert w.invoke([("a", message(s, T0))]) == []
    finally:
        stack.exchanges.clear_faults("binance")
    assert [m["title"] for m in sent_to(stack, "SKP")] == ["SKP-USDT above 99 (Coinbase)"]


def test_an_unreachable_venue_falls_back(stack, workers):
    market(stack, "UNR")
    w = workers()
    s = {"id": "a-unr", "symbol": "UNRUSDT", "condition": "above", "target_price": "99"}
    stack.exchanges.drop("binance", times=None)
    try:
        assert w.invoke([("a", message(s, T0))]) == []
    finally:
        stack.exchanges.clear_faults("binance")
    assert [m["title"] for m in sent_to(stack, "UNRUSDT")] == ["UNRUSDT above 99 (Bybit)"]


def test_a_rate_limited_venue_is_retried_not_fallen_back_from(stack, workers):
    market(stack, "RL")
    w = workers()
    s = {"id": "a-rl", "symbol": "RLUSDT", "condition": "above", "target_price": "99"}
    stack.exchanges.rate_limit("binance", retry_after=120)
    try:
        assert w.invoke([("a", message(s, T0))]) == ["a"]
    finally:
        stack.exchanges.clear_faults("binance")
    assert sent_to(stack, "RLUSDT") == []


def test_priority_below_2_sends_no_retry_or_expire_and_aliases_resolve(stack, workers):
    market(stack, "PRI")
    w = workers()
    s = {"id": "a-pri", "symbol": "PRIUSDT", "condition": "above", "target_price": "99", "priority": 0,
         "user": "alice", "sound": "cashregister"}
    assert w.invoke([("a", message(s, T0))]) == []
    m = sent_to(stack, "PRIUSDT")[0]
    assert "retry" not in m and "expire" not in m
    assert m["priority"] == "0" and m["sound"] == "cashregister" and m["user"] == stack.pushover_users["alice"]


def test_messages_without_identity_or_version_go_to_the_dead_letter_queue(stack, workers):
    w = workers()
    no_id = {"version": 1, "signal": {"exchange": "binance", "symbol": "BTCUSDT", "condition": "above",
                                      "target_price": "1"}}
    text_version = {"version": "1", "signal": {"id": "q", "symbol": "BTCUSDT", "condition": "above",
                                               "target_price": "1"}}
    assert w.invoke([("x", json.dumps(no_id)), ("y", json.dumps({"version": 1})), ("z", "[]"),
                     ("v", json.dumps(text_version))]) == ["x", "y", "z", "v"]


def test_a_message_without_exchange_is_a_binance_signal(stack, workers):
    market(stack, "NEX")
    w = workers()
    body = json.dumps({"version": 1, "signal": {"id": "a-nex", "symbol": "NEXUSDT", "condition": "above",
                                                "target_price": "99"}})
    assert w.invoke([("a", body)]) == []
    assert [m["title"] for m in sent_to(stack, "NEXUSDT")] == ["NEXUSDT above 99 (Binance)"]


def test_binance_prices_are_printed_without_padding(stack, workers):
    stack.exchanges.add_market("DEC", "USDT", PricePath.flat("0.1867"), venues=("binance", "coinbase", "bybit"))
    w = workers()
    s = {"id": "a-dec", "symbol": "DECUSDT", "condition": "above", "target_price": "0.18"}
    assert w.invoke([("a", message(s, T0))]) == []
    m = sent_to(stack, "DECUSDT")[0]
    assert "Reached 0.1867 " in m["message"] and "0.18670000" not in m["message"]


def test_dry_run_needs_no_token_and_sends_nothing(stack, workers):
    market(stack, "DRY")
    w = workers(extra_env={"ALERTS_DRY_RUN": "1", "TRADING_ALERT_PUSHOVER_API_TOKEN": ""})
    s = {"id": "a-dry", "symbol": "DRYUSDT", "condition": "above", "target_price": "99"}
    assert w.invoke([("a", message(s, T0))]) == []
    assert sent_to(stack, "DRYUSDT") == []
    assert items(stack, "a-dry")["EVENT#0001#above"]["status"] == "sent"


def test_a_young_pending_event_is_retried_and_an_old_one_taken_over(stack, workers):
    market(stack, "PND")
    w = workers()
    s = {"id": "a-pnd", "symbol": "PNDUSDT", "condition": "above", "target_price": "99"}
    ddb = stack.aws.client("dynamodb", direct=True)

    def pending(age_ms):
        lease = int(time.time() * 1000) - age_ms
        ddb.put_item(TableName=stack.table_name, Item={
            "PK": {"S": "SIGNAL#a-pnd"}, "SK": {"S": "EVENT#0001#above"}, "status": {"S": "pending"},
            "lease_at": {"N": str(lease)}})

    pending(30_000)
    assert w.invoke([("a", message(s, T0))]) == ["a"]
    assert sent_to(stack, "PNDUSDT") == []
    pending(90_000)
    assert w.invoke([("a", message(s, T0))]) == []
    assert len(sent_to(stack, "PNDUSDT")) == 1
    assert items(stack, "a-pnd")["EVENT#0001#above"]["status"] == "sent"
