"""Stop-gap moto launcher used by stack.py only until `devstack/moto.py` (the AWS helper's) is on main.

Starts `moto_server` on a free loopback port in its own process group (killed with the parent), creates an IAM
user with an access key, then turns signature checking on.
"""
from __future__ import annotations

import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass

import boto3


def _die_with_parent() -> None:
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)   # PR_SET_PDEATHSIG
    except OSError:
        pass
    os.setsid()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class MotoServer:
    process: subprocess.Popen
    url: str
    access_key_id: str
    secret_access_key: str
    region: str = "us-east-1"

    def stop(self) -> None:
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start_moto(region: str = "us-east-1", timeout: float = 30.0) -> MotoServer:
    port = _free_port()
    exe = os.path.join(os.path.dirname(sys.executable), "moto_server")
    cmd = [exe if os.path.exists(exe) else "moto_server", "-H", "127.0.0.1", "-p", str(port)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, preexec_fn=_die_with_parent)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"{url}/moto-api/", timeout=1).read()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"moto_server did not start on {url}") from None
            time.sleep(0.1)
    try:
        iam = boto3.client("iam", endpoint_url=url, region_name=region, aws_access_key_id="AKIABOOTSTRAP0000000",
                           aws_secret_access_key="bootstrap")
        iam.create_user(UserName="devstack")
        key = iam.create_access_key(UserName="devstack")["AccessKey"]
        iam.put_user_policy(UserName="devstack", PolicyName="all", PolicyDocument='{"Version":"2012-10-17",'
                            '"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}')
        req = urllib.request.Request(f"{url}/moto-api/reset-auth", data=b"0", method="POST",
                                     headers={"Content-Type": "text/plain"})
        urllib.request.urlopen(req, timeout=5).read()
    except Exception:
        server = MotoServer(proc, url, "", "", region)
        server.stop()
        raise
    return MotoServer(proc, url, key["AccessKeyId"], key["SecretAccessKey"], region)
