"""devstack.moto: moto_server on a free loopback port with SigV4 checking on (the AWS helper's stand-in)."""
import json
import os
import pathlib
import subprocess
import sys

import botocore.exceptions
import pytest

from devstack.moto import start_moto

SCRIPTS = pathlib.Path(__file__).resolve().parents[2] / "scripts"


def test_keys_made_at_start_work_and_a_wrong_secret_is_refused():
    with start_moto() as moto:
        assert moto.endpoint.startswith("http://127.0.0.1:")
        sqs = moto.boto3_client("sqs")
        url = sqs.create_queue(QueueName="probe")["QueueUrl"]
        assert url.endswith("/probe")

        import boto3

        wrong = boto3.client("sqs", endpoint_url=moto.endpoint, region_name=moto.region,
                             aws_access_key_id=moto.access_key_id, aws_secret_access_key="not-the-secret")
        with pytest.raises(botocore.exceptions.ClientError) as err:
            wrong.list_queues()
        assert err.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert moto.process.poll() is not None  # stopped


def test_cli_prints_one_json_line_and_stops_on_sigterm():
    proc = subprocess.Popen([sys.executable, "-m", "devstack.moto"], cwd=SCRIPTS, stdout=subprocess.PIPE, text=True)
    try:
        info = json.loads(proc.stdout.readline())
        assert set(info) >= {"endpoint", "access_key_id", "secret_access_key", "region", "pid"}
        os.kill(proc.pid, 15)
        assert proc.wait(timeout=30) == 0
        # The moto_server child is gone too.
        with pytest.raises(ProcessLookupError):
            os.kill(info["pid"], 0)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
