"""What the fault suite shares: a server process on a data directory, raw Query requests,
signed requests, XML checks and tmpfs mounts (root). Servers and `scratch` directories a
test makes are stopped and removed after it (a failed test's report shows its servers'
log tails first): see tests/scratch.py."""

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from pathlib import Path

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
from scratch import made, remove_tree, scratch  # noqa: E402,F401 -- scratch: for the tests

BIN = Path(os.environ.get("OPENVPC_BIN", ROOT / "target" / "debug" / "openvpc"))
VERSION = "2016-11-15"
KEYS = {  # access key -> (secret, account, admin)
    "AKIDAAAAAAAAAAAAAAAA": ("secret-a", "111111111111", False),
    "AKIDADMINAAAAAAAAAAA": ("secret-admin", "999999999999", True),
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def credentials_file(path):
    path.write_text("".join(f"{k} {s} {a}{' admin' if adm else ''}\n"
                            for k, (s, a, adm) in KEYS.items()))
    return path


class Server:
    """An openvpc process on `data_dir`; started by `start()`, which waits for health or
    for the process to exit (then `exit_code` and `log` tell why). Its log is a temporary
    file that `close()` removes, after stopping the process (a test's body closes nothing:
    its servers are closed after it; a fixture closes its own)."""

    def __init__(self, data_dir, *extra):
        self.data_dir = Path(data_dir)
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.args = [str(BIN), "serve", "--listen", f"127.0.0.1:{self.port}",
                     "--data-dir", str(self.data_dir), *extra]
        self.proc, self.exit_code, self.log = None, None, ""
        fd, log_path = tempfile.mkstemp(prefix="openvpc-fault-", suffix=".log")
        os.close(fd)
        self.log_path = Path(log_path)
        made(self)

    def start(self, expect_up=True):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.args, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self.exit_code = self.proc.returncode
                self.log = self.log_path.read_text()
                if expect_up:
                    raise AssertionError(f"openvpc exited {self.exit_code}: {self.log}")
                return False
            try:
                with urllib.request.urlopen(self.endpoint + "/_openvpc/health", timeout=1) as r:
                    if r.status == 200:
                        return True
            except OSError:
                time.sleep(0.02)  # waiting for the process to listen, not for model time
        raise AssertionError("openvpc neither became healthy nor exited")

    def kill9(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
        if self.proc:
            self.proc.wait()

    def stop(self):
        """A clean stop (SIGTERM): everything acknowledged is written first."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)
        self.log = self.log_path.read_text()

    def close(self):
        """Kills the process if it still runs and removes the log (not the data directory:
        the test's `scratch` holds it)."""
        self.kill9()
        self.log_path.unlink(missing_ok=True)


def query(endpoint, params, account="111111111111", region="us-east-1", timeout=30):
    """An unsigned Query request (the access key names the account); (status, body)."""
    params = {"Version": VERSION, **params}
    body = urllib.parse.urlencode(params).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
               "Authorization": f"AWS4-HMAC-SHA256 Credential={account}/20260101/{region}/ec2/"
                                "aws4_request, SignedHeaders=host;x-amz-date, Signature=00",
               "X-Amz-Date": "20260101T000000Z"}
    req = urllib.request.Request(endpoint + "/", data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def signed(endpoint, path="/", body=b"", key="AKIDAAAAAAAAAAAAAAAA", service="ec2",
           region="us-east-1", method="POST", headers=None, mutate=None):
    """A request signed by `key` for `service`; `mutate(aws_request)` may change it after
    signing. Returns (status, body)."""
    secret = KEYS[key][0]
    aws = AWSRequest(method=method, url=endpoint + path, data=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                              **(headers or {})})
    SigV4Auth(Credentials(key, secret), service, region).add_auth(aws)
    if mutate:
        mutate(aws)
    data = aws.data if isinstance(aws.data, bytes) else (aws.data or "").encode()
    req = urllib.request.Request(aws.url, data=data if method == "POST" else None,
                                 headers=dict(aws.headers.items()), method=method)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def code_of(body):
    m = re.search(r"<Code>([^<]+)</Code>", body)
    return m and m.group(1)


def parses(body):
    """The body is well-formed XML (raises otherwise); returns the root element."""
    return ET.fromstring(body.encode())


def ids(body, tag="vpcId"):
    return re.findall(rf"<{tag}>([^<]+)</{tag}>", body)


def create_vpc(endpoint, cidr, account="111111111111"):
    status, body = query(endpoint, {"Action": "CreateVpc", "CidrBlock": cidr}, account=account)
    return status, (ids(body) or [None])[0], body


def all_vpcs(endpoint, account="111111111111"):
    status, body = query(endpoint, {"Action": "DescribeVpcs"}, account=account)
    assert status == 200, body
    return set(ids(body))


def require_root():
    if os.geteuid() != 0:
        raise AssertionError("this fault test mounts tmpfs and must run as root (CI does)")


@contextmanager
def tmpfs(size):
    """A tmpfs of `size` (e.g. "2m") mounted on a fresh temp dir; unmounted after."""
    require_root()
    mnt = Path(tempfile.mkdtemp(prefix="openvpc-tmpfs-"))
    try:
        subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mnt)],
                       check=True)
        try:
            yield mnt
        finally:
            subprocess.run(["umount", "-l", str(mnt)], check=False)
    finally:
        remove_tree(mnt)


def remount(mnt, mode):
    subprocess.run(["mount", "-o", f"remount,{mode}", str(mnt)], check=True)


def fill(mnt):
    """Fills the file system; returns the filler file (delete it to free the space)."""
    filler = Path(mnt) / "filler"
    with open(filler, "wb", buffering=0) as f:
        for chunk in (65536, 4096, 1):
            try:
                while f.write(b"\0" * chunk):
                    pass
            except OSError:
                pass
    return filler


def created_vpcs(endpoint, account="111111111111"):
    """The account's VPCs other than its default one."""
    status, body = query(endpoint, {"Action": "DescribeVpcs", "Filter.1.Name": "is-default",
                                    "Filter.1.Value.1": "false"}, account=account)
    assert status == 200, body
    return set(ids(body))
