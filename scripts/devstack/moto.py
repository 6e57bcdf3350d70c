"""moto_server on a free 127.0.0.1 port with SigV4 signature checking switched on.

Python:  ``m = start_moto(); ...; m.stop()``  (or ``with start_moto() as m:``)
CLI:     ``cd scripts && python3 -m devstack.moto [--region R] [--port P] [--no-auth] [--exit-with-parent]``
         prints one JSON line ``{"endpoint", "access_key_id", "secret_access_key", "region", "pid", "session",
         "log"}`` and runs until killed (SIGTERM/SIGINT stop moto too). ``session`` holds temporary credentials
         (``access_key_id``, ``secret_access_key``, ``session_token``) of an allow-all role.

How auth is switched on (moto only checks signatures when asked): moto starts with checking off, an IAM user
with an access key and an allow-everything inline policy is created, then ``POST /moto-api/reset-auth`` with
body ``0`` makes every later request go through SigV4 verification. A wrong key or secret then gets
``403 InvalidClientTokenId`` / ``SignatureDoesNotMatch`` (as XML, even on JSON services).
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field

ALLOW_ALL = json.dumps({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]})


@dataclass
class Moto:
    endpoint: str
    access_key_id: str
    secret_access_key: str
    region: str
    process: subprocess.Popen = field(repr=False)
    log_path: str = ""
    # Temporary credentials (an assumed role: ASIA… key + session token), like Lambda's; moto checks the token.
    session: dict = field(default_factory=dict, repr=False)

    @property
    def pid(self) -> int:
        return self.process.pid

    def env(self) -> dict:
        """Variables that point an AWS SDK (or our Swift clients) at this moto."""
        return {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_ACCESS_KEY_ID": self.access_key_id,
            "AWS_SECRET_ACCESS_KEY": self.secret_access_key,
            "AWS_REGION": self.region,
            "AWS_DEFAULT_REGION": self.region,
        }

    def boto3_client(self, service: str):
        import boto3

        return boto3.client(
            service, endpoint_url=self.endpoint, region_name=self.region,
            aws_access_key_id=self.access_key_id, aws_secret_access_key=self.secret_access_key)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.log_path:  # the log is for diagnosing a running or failed start; do not litter /tmp
            try:
                os.unlink(self.log_path)
            except OSError:
                pass

    def __enter__(self) -> "Moto":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _die_with_parent() -> None:
    """In the child: receive SIGTERM when the process that started moto dies (Linux), so none is left behind.
    Also clear any inherited signal mask (a starter's threads may block SIGTERM), so stop() works."""
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def _wait_until_answering(endpoint: str, process: subprocess.Popen, timeout: float, log_path: str) -> None:
    deadline = time.monotonic() + timeout
    delay = 0.02
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited with {process.returncode}; log: {_tail(log_path)}")
        try:
            with urllib.request.urlopen(endpoint + "/moto-api/data.json", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"moto_server did not answer within {timeout}s; log: {_tail(log_path)}")
        time.sleep(delay)  # polling interval, not a wait for a race
        delay = min(delay * 2, 0.25)


def _tail(path: str) -> str:
    try:
        with open(path, "rb") as f:
            return f.read()[-2000:].decode("utf-8", "replace")
    except OSError:
        return "(no log)"


def start_moto(region: str = "us-east-1", auth: bool = True, port: int | None = None,
               env: dict | None = None, timeout: float = 60.0, user: str = "app") -> Moto:
    """Starts moto_server and returns once it answers, with an IAM user's key made and (by default) SigV4 on."""
    log = tempfile.NamedTemporaryFile(prefix="moto-", suffix=".log", delete=False)
    child_env = dict(os.environ)
    child_env.update(env or {})
    for attempt in range(5):
        p = port or free_port()
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(p)],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=child_env,
            preexec_fn=_die_with_parent)
        endpoint = f"http://127.0.0.1:{p}"
        try:
            _wait_until_answering(endpoint, process, timeout, log.name)
            break
        except RuntimeError:
            process.kill()
            process.wait()
            if port is not None or attempt == 4:  # a fixed port, or the free-port race lost five times
                raise
    try:
        key_id, secret = _make_user(endpoint, region, user)
        session = _assume_role(endpoint, region, key_id, secret)
        if auth:
            req = urllib.request.Request(endpoint + "/moto-api/reset-auth", data=b"0", method="POST",
                                         headers={"Content-Type": "text/plain"})
            with urllib.request.urlopen(req, timeout=10) as r:
                r.read()
    except Exception:
        process.kill()
        process.wait()
        raise
    return Moto(endpoint, key_id, secret, region, process, log.name, session)


def _make_user(endpoint: str, region: str, user: str) -> tuple[str, str]:
    import boto3

    # Any key works while checking is still off; moto uses it only to route the request to IAM.
    iam = boto3.client("iam", endpoint_url=endpoint, region_name=region,
                       aws_access_key_id="BOOTSTRAP-ONLY", aws_secret_access_key="bootstrap")
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName="allow-all", PolicyDocument=ALLOW_ALL)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def _assume_role(endpoint: str, region: str, key_id: str, secret: str) -> dict:
    """Temporary credentials for an allow-all role. Made before checking is switched on: moto 5 refuses the
    user's AssumeRole under enforcement even with an allow-all policy."""
    import boto3

    iam = boto3.client("iam", endpoint_url=endpoint, region_name=region,
                       aws_access_key_id=key_id, aws_secret_access_key=secret)
    trust = json.dumps({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": "sts:AssumeRole"}]})
    arn = iam.create_role(RoleName="app-role", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
    iam.put_role_policy(RoleName="app-role", PolicyName="allow-all", PolicyDocument=ALLOW_ALL)
    sts = boto3.client("sts", endpoint_url=endpoint, region_name=region,
                       aws_access_key_id=key_id, aws_secret_access_key=secret)
    c = sts.assume_role(RoleArn=arn, RoleSessionName="devstack")["Credentials"]
    return {"access_key_id": c["AccessKeyId"], "secret_access_key": c["SecretAccessKey"],
            "session_token": c["SessionToken"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python3 -m devstack.moto", description=__doc__.split("\n\n")[0])
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--port", type=int, default=None)
    ap.add_argument("--no-auth", action="store_true", help="leave SigV4 checking off")
    ap.add_argument("--exit-with-parent", action="store_true",
                    help="stop when the process that started this one exits (for test harnesses)")
    args = ap.parse_args(argv)

    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGTERM, signal.SIGINT])
    parent = os.getppid()
    moto = start_moto(region=args.region, auth=not args.no_auth, port=args.port)
    stopping = False

    def on_signal(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    print(json.dumps({"endpoint": moto.endpoint, "access_key_id": moto.access_key_id,
                      "secret_access_key": moto.secret_access_key, "region": moto.region, "pid": moto.pid,
                      "session": moto.session, "log": moto.log_path}), flush=True)
    try:
        while not stopping and moto.process.poll() is None:
            if args.exit_with_parent and os.getppid() != parent:
                break
            time.sleep(0.2)  # supervision tick
    finally:
        moto.stop()
    return 0 if moto.process.returncode in (0, -signal.SIGTERM, None) else 1


if __name__ == "__main__":
    sys.exit(main())
