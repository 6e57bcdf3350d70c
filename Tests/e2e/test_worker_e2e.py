"""The worker end to end: the real binary under a local Runtime API, DynamoDB in moto (SigV4 checked), the exchange
and Pushover stand-ins speaking the real wire formats (SPEC §3, §5, §6, §7)."""
from worker_fixtures import (HOUR, MINUTE, T0, in_parallel, items, market, message, sent_to, stack,  # noqa: F401
                             workers)


def advance(stack, ms: int) -> None:
    stack.exchanges.clock.advance(ms)


def test_a_wick_only_crossing_fires_once_and_a_later_check_with_the_price_still_above_sends_nothing(stack, workers):
    path = market(stack, "WICK")
    w = workers()
    signal = {"id": "e2e-wick", "symbol": "WICKUSDT", "condition": "above", "target_price": "150",
              "note": "wick test", "repeat": "once"}
    # First check at T0: nothing near 150, the state is created.
    assert w.invoke([("m1", message(signal, T0))]) == []
    assert sent_to(stack, "WICKUSDT") == []
    assert items(stack, "e2e-wick")["STATE"]["version"] == "1"

    # During the next hour one candle wicks to 151 and closes back at 100.1.
    path.script(T0 + 17 * MINUTE, open="100", high="151", low="99.9", close="100.1")
    advance(stack, HOUR)
    assert w.invoke([("m2", message(signal, T0 + HOUR))]) == []
    sent = sent_to(stack, "WICKUSDT")
    assert len(sent) == 1
    m = sent[0]
    assert m["title"] == "WICKUSDT above 150 (Binance)"
    assert "151" in m["message"] and "wick test" in m["message"]
    assert m["user"] == stack.pushover_user_key
    assert m["priority"] == "2" and m["retry"] == "30" and m["expire"] == "3600" and m["sound"] == "persistent"
    assert m["timestamp"] == str((T0 + 17 * MINUTE) // 1000)
    assert m["url"] == "https://www.binance.com/en/trade/WICK_USDT"
    event = items(stack, "e2e-wick")["EVENT#0001#above"]
    assert event["status"] == "sent" and event["request"] == m["request"]
    assert int(event["expires_at"]) > int(event["sent_at"]) // 1000 + 89 * 86400

    # The hour after, the price stays above 150 the whole time: a `once` signal sends nothing more.
    path.script_many((T0 + HOUR + i * MINUTE, "155", "156", "154", "155") for i in range(60))
    advance(stack, HOUR)
    assert w.invoke([("m3", message(signal, T0 + 2 * HOUR))]) == []
    assert len(sent_to(stack, "WICKUSDT")) == 1
    decisions = [r.get("decision") for r in w.logs() if r.get("signal") == "e2e-wick" and r.get("message") == "checked"]
    assert decisions == ["quiet", "fired", "quiet"]


def test_the_same_event_twice_and_two_concurrent_copies_notify_once(stack, workers):
    path = market(stack, "DUPE")
    a, b = workers(), workers()
    first = {"id": "e2e-dup-1", "symbol": "DUPEUSDT", "condition": "above", "target_price": "150"}
    second = {"id": "e2e-dup-2", "symbol": "DUPEUSDT", "condition": "above", "target_price": "140"}
    assert a.invoke([("d0", message(first, T0)), ("e0", message(second, T0))]) == []
    path.script(T0 + 25 * MINUTE, open="100", high="160", low="99", close="101")
    advance(stack, HOUR)

    # The same SQS event delivered twice, one after the other.
    event = [("d1", message(first, T0 + HOUR))]
    assert a.invoke(event) == []
    assert a.invoke(event) == []
    assert len(sent_to(stack, "DUPEUSDT above 150")) == 1

    # Two copies processed at the same time by two worker processes.
    copy = [("e1", message(second, T0 + HOUR))]
    results = in_parallel(lambda: a.invoke(copy), lambda: b.invoke(copy))
    assert len(sent_to(stack, "DUPEUSDT above 140")) == 1
    # A copy that found the event in flight is retried; its redelivery does nothing more.
    for failed in results:
        if failed:
            assert b.invoke(copy) == []
    assert len(sent_to(stack, "DUPEUSDT above 140")) == 1
    assert items(stack, "e2e-dup-2")["EVENT#0001#above"]["status"] == "sent"


def test_an_exchange_500_fails_only_that_message_and_the_alert_fires_once_after_redelivery(stack, workers):
    ok_path, bad_path = market(stack, "OKAY"), market(stack, "FLAKY")
    w = workers()
    ok = {"id": "e2e-500-ok", "symbol": "OKAYUSDT", "condition": "above", "target_price": "120"}
    bad = {"id": "e2e-500-bad", "symbol": "FLAKYUSDT", "condition": "below", "target_price": "80"}
    assert w.invoke([("o0", message(ok, T0)), ("f0", message(bad, T0))]) == []
    ok_path.script(T0 + 5 * MINUTE, open="100", high="121", low="99", close="100")
    bad_path.script(T0 + 6 * MINUTE, open="100", high="101", low="79", close="100")
    advance(stack, HOUR)
    # Every attempt at FLAKYUSDT's candles fails for this invocation (the worker tries 3 times).
    stack.exchanges.fail("binance", 500, times=3, symbol="FLAKYUSDT")
    batch = [("o1", message(ok, T0 + HOUR)), ("f1", message(bad, T0 + HOUR))]
    assert w.invoke(batch) == ["f1"]
    assert len(sent_to(stack, "OKAYUSDT")) == 1 and sent_to(stack, "FLAKYUSDT") == []
    # SQS redelivers only the failed message.
    assert w.invoke([("f1", message(bad, T0 + HOUR))]) == []
    assert len(sent_to(stack, "FLAKYUSDT below 80")) == 1
    assert len(sent_to(stack, "OKAYUSDT")) == 1


def test_pushover_500_then_200_delivers_exactly_one_message(stack, workers):
    path = market(stack, "PUSH")
    w = workers()
    signal = {"id": "e2e-push", "symbol": "PUSHUSDT", "condition": "above", "target_price": "99"}
    stack.pushover.fail(500, times=1)
    assert w.invoke([("p1", message(signal, T0 + 2 * HOUR))]) == []
    assert len(sent_to(stack, "PUSHUSDT")) == 1
    assert items(stack, "e2e-push")["EVENT#0001#above"]["status"] == "sent"
    warned = [r for r in w.logs() if r.get("signal") == "e2e-push" and r.get("level") == "WARN"]
    assert path is not None and warned == []   # retried inside the Pushover client, ≥ 5 s later


def test_pushover_failing_through_the_invocation_is_left_to_redelivery(stack, workers):
    market(stack, "PUSHR")
    w = workers()
    signal = {"id": "e2e-push-r", "symbol": "PUSHRUSDT", "condition": "above", "target_price": "99"}
    stack.pushover.fail(503, times=None)
    try:
        assert w.invoke([("r1", message(signal, T0 + 2 * HOUR))]) == ["r1"]
    finally:
        stack.pushover.clear_faults()
    assert sent_to(stack, "PUSHRUSDT") == []
    assert w.invoke([("r1", message(signal, T0 + 2 * HOUR))]) == []
    assert len(sent_to(stack, "PUSHRUSDT")) == 1


def test_a_body_that_is_not_json_fails_while_its_neighbours_succeed(stack, workers):
    market(stack, "NEIGH")
    w = workers()
    left = {"id": "e2e-n-1", "symbol": "NEIGHUSDT", "condition": "above", "target_price": "99"}
    right = {"id": "e2e-n-2", "symbol": "NEIGHUSDT", "condition": "below", "target_price": "101"}
    failures = w.invoke([("n1", message(left, T0 + 2 * HOUR)), ("junk", "this is not JSON {"),
                         ("n2", message(right, T0 + 2 * HOUR)), ("v9", '{"version":9,"signal":{"id":"x"}}')])
    assert sorted(failures) == ["junk", "v9"]
    assert len(sent_to(stack, "NEIGHUSDT")) == 2
    errors = [r for r in w.logs() if r.get("level") == "ERROR" and "malformed" in r.get("message", "")]
    assert {r["messageId"] for r in errors} == {"junk", "v9"}


def test_a_binance_451_falls_back_to_the_next_venue(stack, workers):
    market(stack, "GEO")
    w = workers()
    signal = {"id": "e2e-geo", "symbol": "GEOUSDT", "condition": "above", "target_price": "99"}
    stack.exchanges.geo_block("binance")
    try:
        assert w.invoke([("g1", message(signal, T0 + 2 * HOUR))]) == []
    finally:
        stack.exchanges.clear_faults("binance")
    sent = sent_to(stack, "GEOUSDT")
    assert len(sent) == 1 and sent[0]["title"] == "GEOUSDT above 99 (Bybit)"
    assert sent[0]["url"] == "https://www.bybit.com/en/trade/spot/GEO/USDT"
    logs = w.logs()
    assert any(r.get("level") == "ERROR" and "Binance refuses this region" in r.get("message", "") for r in logs)
    assert any(r.get("answeredBy") == "bybit" and r.get("signal") == "e2e-geo" for r in logs)


def test_an_unknown_symbol_is_recorded_and_acknowledged(stack, workers):
    w = workers()
    signal = {"id": "e2e-unknown", "symbol": "NOSUCHUSDT", "condition": "above", "target_price": "1"}
    assert w.invoke([("u1", message(signal, T0 + 2 * HOUR))]) == []
    state = items(stack, "e2e-unknown")["STATE"]
    assert state["problem"] == "unknown_symbol" and "NOSUCHUSDT" in state["problem_detail"]


def test_a_missing_variable_is_an_init_error_naming_it(stack):
    from devstack.runtime_api import RuntimeAPI, spawn_bootstrap
    from worker_fixtures import BIN_DIR
    env = {k: v for k, v in stack.env_worker.items() if k != "DYNAMODB_TABLE_NAME"}
    with RuntimeAPI(function_name="worker") as api:
        proc = spawn_bootstrap([str(BIN_DIR / "worker")], env=env, api=api, inherit_env=False)
        report = api.wait_for_init_error(timeout=20)
        assert proc.wait(timeout=20) != 0
    assert report is not None and "DYNAMODB_TABLE_NAME" in report.json["errorMessage"]
    assert stack.pushover_token not in proc.stdout + proc.stderr


def test_event_mode_prints_the_batch_response(stack, tmp_path):
    import json
    import subprocess
    from worker_fixtures import BIN_DIR, sqs_event
    market(stack, "CLI")
    event = tmp_path / "event.json"
    signal = {"id": "e2e-cli", "symbol": "CLIUSDT", "condition": "above", "target_price": "99"}
    event.write_text(json.dumps(sqs_event(stack, [("c1", message(signal, T0)), ("bad", "nope")])))
    stack.exchanges.clock.set(T0)
    done = subprocess.run([str(BIN_DIR / "worker"), "--event", str(event)], env={**stack.env_worker},
                          capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"batchItemFailures": [{"itemIdentifier": "bad"}]}
    assert len(sent_to(stack, "CLIUSDT above 99")) == 1


def test_each_venue_is_read_in_its_own_format(stack, workers):
    market(stack, "VEN")
    w = workers()
    signals = [{"id": f"e2e-venue-{v}", "exchange": v, "symbol": s, "condition": "above", "target_price": "99"}
               for v, s in (("binance", "VENUSDT"), ("coinbase", "VEN-USDT"), ("bybit", "VENUSDT"))]
    assert w.invoke([(s["id"], message(s, T0)) for s in signals]) == []
    titles = sorted(m["title"] for m in sent_to(stack, "VEN"))
    assert titles == ["VEN-USDT above 99 (Coinbase)", "VENUSDT above 99 (Binance)", "VENUSDT above 99 (Bybit)"]
    assert {stack.exchanges.count(v, endpoint=e) >= 1 for v, e in
            (("binance", "klines"), ("coinbase", "candles"), ("bybit", "kline"))} == {True}
