"""The Pushover stand-in validates like the real API, records what it accepted, and fails on demand."""
import pytest
from devstack_fixtures import get, http, pushover  # noqa: F401  (fixtures)


@pytest.fixture
def app(pushover):
    return pushover, pushover.add_app(), pushover.add_user("alice")


def send(pushover, **form):
    return http("POST", f"{pushover.url}/1/messages.json", form)


def test_accepted_message_is_recorded_with_limit_headers(app):
    po, token, alice = app
    reply = send(po, token=token, user=alice, title="BTCUSDT above 65000", message="reached 65100",
                 priority="1", sound="cashregister", timestamp="1764100800",
                 url="https://www.binance.com/en/trade/BTC_USDT", url_title="BTCUSDT on Binance")
    assert reply.status == 200
    body = reply.json()
    assert body["status"] == 1 and len(body["request"]) == 36 and "receipt" not in body
    assert reply.headers["x-limit-app-limit"] == "10000" and reply.headers["x-limit-app-remaining"] == "9999"
    assert reply.headers["x-limit-app-reset"].isdigit()
    [message] = po.messages_for("alice")
    assert message["title"] == "BTCUSDT above 65000" and message["request"] == body["request"]
    assert message["user_name"] == "alice" and message["timestamp"] == "1764100800"


def test_emergency_priority_needs_retry_and_expire_and_gets_a_receipt(app):
    po, token, alice = app
    missing = send(po, token=token, user=alice, message="m", priority="2", retry="30")
    assert missing.status == 400
    assert missing.json()["errors"] == ["expire must be supplied with priority=2"]
    assert missing.json()["status"] == 0 and missing.json()["request"]
    assert send(po, token=token, user=alice, message="m", priority="2", retry="10", expire="3600").status == 400
    ok = send(po, token=token, user=alice, message="m", priority="2", retry="30", expire="3600")
    assert ok.status == 200 and len(ok.json()["receipt"]) == 30
    assert len(po.accepted()) == 1


@pytest.mark.parametrize("case, change, field, error", [
    ("unknown user", {"user": "u" * 30}, "user", "user identifier is invalid"),
    ("short user", {"user": "abc"}, "user", "user identifier is invalid"),
    ("unknown token", {"token": "a" * 30}, "token", "application token is invalid"),
    ("empty message", {"message": ""}, "message", "message cannot be blank"),
    ("message of 1025 characters", {"message": "é" * 1025}, "message", "message is too long"),
    ("title of 251 characters", {"title": "t" * 251}, "title", "title is too long"),
    ("priority 3", {"priority": "3"}, "priority", "priority is invalid"),
    ("unknown sound", {"sound": "kazoo"}, "sound", "sound is invalid"),
    ("url_title of 101", {"url_title": "x" * 101}, "url_title", "url_title is too long"),
])
def test_invalid_input_is_a_4xx_in_pushovers_shape(app, case, change, field, error):
    po, token, alice = app
    reply = send(po, **({"token": token, "user": alice, "message": "hello"} | change))
    assert reply.status == 400, case
    body = reply.json()
    assert body[field] == "invalid" and body["status"] == 0 and body["errors"][0].startswith(error), (case, body)
    assert po.accepted() == []


def test_limits_are_characters_not_bytes(app):
    po, token, alice = app
    assert send(po, token=token, user=alice, message="€" * 1024, title="é" * 250).status == 200


def test_faults_500_then_success_and_quota(app):
    po, token, alice = app
    po.fail(500, times=2)
    assert send(po, token=token, user=alice, message="one").status == 500
    assert send(po, token=token, user=alice, message="one").status == 500
    assert send(po, token=token, user=alice, message="one").status == 200
    assert [m["message"] for m in po.accepted()] == ["one"]
    po.quota_exhausted(times=1)
    quota = send(po, token=token, user=alice, message="two")
    assert quota.status == 429 and quota.headers["x-limit-app-remaining"] == "0"
    po.fail(400)
    rejected = send(po, token=token, user=alice, message="three")
    assert rejected.status == 400 and rejected.json()["errors"] == ["user identifier is invalid"]
    assert len(po.accepted()) == 1
    assert po.log.count(path="/1/messages.json") == 5


def test_the_monthly_quota_runs_out(pushover):
    po = pushover
    po.monthly_limit = po.remaining = 1
    token, user = po.add_app(), po.add_user("me")
    assert send(po, token=token, user=user, message="a").status == 200
    assert send(po, token=token, user=user, message="b").status == 429


def test_control_lists_messages_without_the_token(app):
    po, token, alice = app
    send(po, token=token, user=alice, message="hi")
    [listed] = get(f"{po.url}/_control/messages").json()
    assert listed["message"] == "hi" and "token" not in listed
