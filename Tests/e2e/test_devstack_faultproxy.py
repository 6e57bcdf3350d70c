"""The fault proxy in front of moto: signed traffic passes untouched, DynamoDB throttling and 5xx on demand."""
import zlib

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError
from devstack_fixtures import http, stack  # noqa: F401  (fixture)

NO_RETRY = Config(retries={"mode": "standard", "total_max_attempts": 1})


def client(stack, service, secret=None):
    return boto3.client(service, endpoint_url=stack.proxy.url, region_name=stack.aws.region,
                        aws_access_key_id=stack.aws.access_key_id,
                        aws_secret_access_key=secret or stack.aws.secret_access_key, config=NO_RETRY)


@pytest.fixture(autouse=True)
def clean(stack):
    stack.proxy.clear_faults()
    stack.proxy.log.clear()


def test_signed_requests_pass_and_moto_still_checks_signatures(stack):
    ddb = client(stack, "dynamodb")
    assert stack.table_name in ddb.list_tables()["TableNames"]
    with pytest.raises(ClientError) as bad:
        client(stack, "dynamodb", secret="not-the-secret").list_tables()
    assert bad.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert stack.proxy.count("DynamoDB_20120810.ListTables") == 2


def test_throughput_exceeded_for_n_matching_requests(stack):
    ddb = client(stack, "dynamodb")
    item = {"PK": {"S": "SIGNAL#t1"}, "SK": {"S": "STATE"}}
    stack.proxy.throttle("DynamoDB_20120810.PutItem", times=2)
    ddb.get_item(TableName=stack.table_name, Key=item)                     # other operations unaffected
    for _ in range(2):
        with pytest.raises(ClientError) as err:
            ddb.put_item(TableName=stack.table_name, Item=item)
        assert err.value.response["Error"]["Code"] == "ProvisionedThroughputExceededException"
        assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    ddb.put_item(TableName=stack.table_name, Item=item)
    assert stack.proxy.count("DynamoDB_20120810.PutItem") == 3
    assert stack.proxy.count("DynamoDB_20120810.PutItem", status=400) == 2
    assert "Item" in ddb.get_item(TableName=stack.table_name, Key=item)


def test_the_throttle_body_is_dynamodbs(stack):
    stack.proxy.throttle("DynamoDB_20120810.", kind="throttling", table="other-table")
    reply = http("POST", stack.proxy.url + "/", b'{"TableName":"other-table"}',
                 {"X-Amz-Target": "DynamoDB_20120810.Query", "Content-Type": "application/x-amz-json-1.0"})
    assert reply.status == 400
    assert reply.json() == {"__type": "com.amazon.coral.availability#ThrottlingException",
                            "message": "Rate of requests exceeds the allowed throughput."}
    assert reply.headers["x-amz-crc32"] == str(zlib.crc32(reply.body))
    client(stack, "dynamodb").describe_table(TableName=stack.table_name)    # only that table was throttled


def test_server_errors_for_sqs_and_dynamodb(stack):
    sqs = client(stack, "sqs")
    stack.proxy.fail(500, target="AmazonSQS.SendMessage")
    with pytest.raises(ClientError) as err:
        sqs.send_message(QueueUrl=stack.queue_url, MessageBody="x")
    assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 500
    assert err.value.response["Error"]["Code"] == "InternalError"
    sqs.send_message(QueueUrl=stack.queue_url, MessageBody="x")
    stack.sqs.purge_queue(QueueUrl=stack.queue_url)
    stack.proxy.fail(503, times=1, target="DynamoDB_20120810.")
    with pytest.raises(ClientError) as err:
        client(stack, "dynamodb").list_tables()
    assert err.value.response["Error"]["Code"] == "InternalServerError"
