"""SPEC §7/§8: a missing or malformed variable is reported naming the variable and saying what is wrong with it,
never quoting its value — also for the variables whose names look secret (the token, the user key), whose reason
the secret masking must not swallow. Run with `--event -`: the error JSON alone on stdout, exit 1."""
import json
import os
import subprocess

import pytest

from conftest import BIN_DIR

AWS = {"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "not-a-real-secret"}
TOKEN = "a" + "zGDORePK8gMaC0QOYAMyEEuzJnyU"  # Pushover-token shaped, assembled so no key-like literal is tracked


def run(binary: str, env: dict) -> tuple[int, dict, str]:
    p = subprocess.run([str(BIN_DIR / binary), "--event", "-"], input=b"{}", capture_output=True, timeout=30,
                       env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **AWS, **env})
    return p.returncode, json.loads(p.stdout), p.stderr.decode()


@pytest.mark.parametrize("env, variable, reason", [
    ({}, "TRADING_ALERT_PUSHOVER_API_TOKEN", "required unless ALERTS_DRY_RUN=1"),
    ({"TRADING_ALERT_PUSHOVER_API_TOKEN": TOKEN, "PUSHOVER_USER_KEY": "u-too-short"}, "PUSHOVER_USER_KEY",
     "30-character"),
    ({"TRADING_ALERT_PUSHOVER_API_TOKEN": TOKEN, "PUSHOVER_USERS": "alice=u123"}, "PUSHOVER_USERS", "JSON object"),
])
def test_a_worker_setting_error_names_the_variable_and_why(env, variable, reason):
    code, error, logs = run("worker", {"DYNAMODB_TABLE_NAME": "signals-state", **env})

    assert code == 1 and error["errorType"] == "ConfigurationError"
    assert variable in error["errorMessage"] and reason in error["errorMessage"], error
    for value in env.values():
        assert value not in error["errorMessage"] and value not in logs
