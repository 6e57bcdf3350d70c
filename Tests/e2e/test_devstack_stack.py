"""The stack as one piece: resources, the functions' environment (SPEC §7), clean shutdown, the `devstack up` CLI."""
import json
import pathlib
import signal
import socket
import subprocess
import sys
import urllib.parse

import pytest
from devstack_fixtures import get, post_json, stack  # noqa: F401  (fixture)

from devstack.stack import start_stack

SCRIPTS = pathlib.Path(__file__).resolve().parents[2] / "scripts"
READER_VARS = {"GOOGLE_SHEETS_SPREADSHEET_ID", "GOOGLE_SERVICE_ACCOUNT_JSON", "GOOGLE_SHEETS_API_URL",
               "SQS_QUEUE_URL"}
WORKER_VARS = {"DYNAMODB_TABLE_NAME", "TRADING_ALERT_PUSHOVER_API_TOKEN", "PUSHOVER_USER_KEY", "PUSHOVER_USERS",
               "PUSHOVER_API_URL", "BINANCE_API_URL", "COINBASE_API_URL", "BYBIT_API_URL", "FALLBACK_EXCHANGES"}
AWS_VARS = {"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
            "AWS_ENDPOINT_URL"}


def refuses(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    try:
        socket.create_connection((parts.hostname, parts.port), timeout=1).close()
        return False
    except OSError:
        return True


def test_environment_names_and_values(stack):
    assert set(stack.env_reader) == READER_VARS | AWS_VARS
    assert set(stack.env_worker) == WORKER_VARS | AWS_VARS
    key = json.loads(stack.env_reader["GOOGLE_SERVICE_ACCOUNT_JSON"])
    assert key["token_uri"] == stack.google.token_url and "PRIVATE KEY" in key["private_key"]
    users = json.loads(stack.env_worker["PUSHOVER_USERS"])
    assert set(users) == {"alice", "bob"} and all(len(k) == 30 for k in users.values())
    assert stack.env["AWS_ENDPOINT_URL"] == stack.proxy.url
    assert stack.env["SQS_QUEUE_URL"].startswith(stack.proxy.url)    # queue traffic goes through the proxy too
    assert stack.env["BINANCE_API_URL"] == stack.exchanges.url("binance")


def test_the_functions_temporary_credentials_work_through_the_proxy(stack):
    import boto3
    env = stack.env_worker
    assert env["AWS_ACCESS_KEY_ID"].startswith("ASIA") and env["AWS_SESSION_TOKEN"]
    ddb = boto3.client("dynamodb", endpoint_url=env["AWS_ENDPOINT_URL"], region_name=env["AWS_REGION"],
                       aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"],
                       aws_session_token=env["AWS_SESSION_TOKEN"])
    assert stack.table_name in ddb.list_tables()["TableNames"]


def test_queue_dead_letter_queue_and_table(stack):
    attrs = stack.sqs.get_queue_attributes(QueueUrl=stack.queue_url, AttributeNames=["All"])["Attributes"]
    policy = json.loads(attrs["RedrivePolicy"])
    assert int(policy["maxReceiveCount"]) == 2 and policy["deadLetterTargetArn"].endswith("-dlq")
    assert attrs["VisibilityTimeout"] == "1"
    table = stack.dynamodb.describe_table(TableName=stack.table_name)["Table"]
    assert {(k["AttributeName"], k["KeyType"]) for k in table["KeySchema"]} == {("PK", "HASH"), ("SK", "RANGE")}
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ttl = stack.dynamodb.describe_time_to_live(TableName=stack.table_name)["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": "expires_at"}


def test_the_default_market_answers_on_every_venue(stack):
    assert get(f"{stack.exchanges.url('binance')}/api/v3/ticker/price?symbol=BTCUSDT").status == 200
    assert get(f"{stack.exchanges.url('coinbase')}/products/BTC-USD/ticker").status == 200
    assert get(f"{stack.exchanges.url('bybit')}/v5/market/tickers?category=spot&symbol=ETHUSDT").json()[
        "retCode"] == 0


def test_request_counts_per_service(stack):
    stack.reset_counts()
    get(f"{stack.exchanges.url('binance')}/api/v3/ticker/price?symbol=BTCUSDT")
    stack.aws.client("dynamodb").describe_table(TableName=stack.table_name)
    counts = stack.request_counts()
    assert counts["binance"] == 1 and counts["coinbase"] == 0 and counts["sheets"] == 0
    assert counts["aws"] == {"DynamoDB_20120810.DescribeTable": 1}


def test_stop_leaves_nothing_running_even_after_an_exception():
    with pytest.raises(RuntimeError, match="boom"):
        with start_stack(market=False) as s:
            urls = [s.aws.moto_url, s.proxy.url, s.google.url, s.pushover.url, *s.exchanges.urls.values()]
            moto = s.moto.process
            raise RuntimeError("boom")
    assert moto.poll() is not None
    assert all(refuses(u) for u in urls)


def test_devstack_up_prints_env_serves_control_and_stops_on_sigint(tmp_path):
    env_file = tmp_path / "env.sh"
    proc = subprocess.Popen([sys.executable, "-m", "devstack", "up", "--env-file", str(env_file)], cwd=SCRIPTS,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        exports = {}
        for line in proc.stdout:                      # export lines, then one JSON line
            if line.startswith("{"):
                described = json.loads(line)
                break
            name, _, value = line.removeprefix("export ").partition("=")
            exports[name] = value.strip()
        assert READER_VARS | WORKER_VARS | AWS_VARS <= exports.keys()
        assert described["env_worker"]["BINANCE_API_URL"] == described["urls"]["binance"]
        assert oct(env_file.stat().st_mode & 0o777) == "0o600"
        binance = described["urls"]["binance"]
        assert post_json(f"{binance}/_control/market", {"base": "XRP", "quote": "USDT", "price": "0.5"}).status == 200
        assert get(f"{binance}/api/v3/ticker/price?symbol=XRPUSDT").json()["price"] == "0.50000000"
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
        assert all(refuses(u) for k, u in described["urls"].items() if k != "google_token")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
