"""Running deploy/deploy.sh and deploy/destroy.sh against moto, with settings and a service-account key made at
test time (nothing secret is committed)."""
from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import subprocess

from conftest import ROOT

DEPLOY = ROOT / "deploy" / "deploy.sh"
DESTROY = ROOT / "deploy" / "destroy.sh"
# Reading calls; anything else in a trace is a change.
READ_OPERATIONS = ("get-", "describe-", "list-", "wait")


@dataclasses.dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    calls: list[str]  # "service operation", in order

    @property
    def writes(self) -> list[str]:
        return [c for c in self.calls if not c.split(" ", 1)[1].startswith(READ_OPERATIONS)]


def make_settings(directory: pathlib.Path) -> tuple[pathlib.Path, dict[str, str]]:
    """An env file as a user would fill it (key file by path), and the secret values it holds."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    account = {"type": "service_account", "project_id": "alerts-test", "private_key_id": os.urandom(8).hex(),
               "private_key": pem, "client_email": "sheet-reader@alerts-test.iam.gserviceaccount.com",
               "client_id": "1234567890", "token_uri": "https://oauth2.googleapis.com/token"}
    (directory / "service-account.json").write_text(json.dumps(account, indent=2))
    secrets = {"TRADING_ALERT_PUSHOVER_API_TOKEN": "a" + os.urandom(14).hex(),
               "PUSHOVER_USER_KEY": "u" + os.urandom(14).hex(),
               "private_key_body": pem.splitlines()[5]}
    env = directory / "env"
    env.write_text("\n".join([
        "# as deploy/env.example, filled in",
        "GOOGLE_SHEETS_SPREADSHEET_ID=1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789",
        "GOOGLE_SERVICE_ACCOUNT_JSON_FILE=service-account.json",
        f"TRADING_ALERT_PUSHOVER_API_TOKEN={secrets['TRADING_ALERT_PUSHOVER_API_TOKEN']}",
        f"PUSHOVER_USER_KEY='{secrets['PUSHOVER_USER_KEY']}'",
        'PUSHOVER_USERS={"desk":"gdeskgroupkey0000000000000000"}',
        "FALLBACK_EXCHANGES=coinbase,bybit",
        "LOG_LEVEL=",
        "",
    ]))
    return env, secrets


def run_script(script: pathlib.Path, moto, args: list[str], trace: pathlib.Path, env: dict | None = None) -> Run:
    """Runs a deploy script with moto's credentials but no AWS_ENDPOINT_URL*: a call that forgot
    --endpoint-url would leave loopback and fail (no network here) instead of silently passing."""
    child = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DEPLOY_"))}
    child.update({"AWS_ACCESS_KEY_ID": moto.access_key_id, "AWS_SECRET_ACCESS_KEY": moto.secret_access_key,
                  "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
                  "DEPLOY_TRACE": str(trace)})
    child.update(env or {})
    if trace.exists():
        trace.unlink()
    proc = subprocess.run([str(script), "--region", moto.region, "--endpoint-url", moto.endpoint, *args],
                          env=child, capture_output=True, text=True, timeout=900, stdin=subprocess.DEVNULL)
    calls = trace.read_text().splitlines() if trace.exists() else []
    return Run(proc.returncode, proc.stdout, proc.stderr, calls)
