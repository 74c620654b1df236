"""End-to-end fixtures: the real `openvpc` binary driven by boto3 and the aws CLI.

The server under test is `$OPENVPC_BIN` (default: target/debug/openvpc). One server per
session, started with --admin-api and a credentials file of three accounts; every test
starts from a wiped state (POST /_openvpc/reset). Time is moved with the admin clock,
never with sleeps. Every server's directory is removed once it is done with (a test's own
servers after that test; a failed test's report shows their logs' tails first): see
tests/scratch.py.
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import boto3
import botocore.config
import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests"))
import scratch  # noqa: E402
from scratch import pytest_runtest_call, pytest_runtest_teardown  # noqa: E402,F401 -- hooks

BIN = Path(os.environ.get("OPENVPC_BIN", ROOT / "target" / "debug" / "openvpc"))

# Access keys of the test accounts: ACCESS_KEY_ID SECRET ACCOUNT_ID.
ACCOUNTS = {
    "111111111111": ("AKIDAAAAAAAAAAAAAAAA", "secret-a"),
    "222222222222": ("AKIDBBBBBBBBBBBBBBBB", "secret-b"),
    "333333333333": ("AKIDCCCCCCCCCCCCCCCC", "secret-c"),
}
A, B, C = "111111111111", "222222222222", "333333333333"
# The key the credentials file marks `admin`: it signs the admin API's requests.
ADMIN = ("AKIDADMINAAAAAAAAAAA", "secret-admin", "999999999999")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running openvpc process and helpers to talk to it, in a temporary directory of its
    own that `close()` removes (a test's body closes nothing: its servers are closed after
    it; a fixture closes its own)."""

    def __init__(self, *extra_args, credentials=True):
        self.dir = Path(tempfile.mkdtemp(prefix="openvpc-e2e-"))
        self.data_dir = self.dir / "data"
        self.log_path = self.dir / "server.log"
        self.port = free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.args = [str(BIN), "serve", "--listen", f"127.0.0.1:{self.port}",
                     "--data-dir", str(self.data_dir), "--admin-api", *extra_args]
        if credentials:
            creds = self.dir / "credentials"
            creds.write_text("".join(f"{k} {s} {acct}\n" for acct, (k, s) in ACCOUNTS.items())
                             + "{} {} {} admin\n".format(*ADMIN))
            self.args += ["--credentials", str(creds)]
        self.proc = None
        scratch.made(self)
        try:
            self.start()
        except BaseException:
            self.close()  # a fixture's server that did not start is closed by nobody else
            raise

    def start(self):
        with open(self.log_path, "ab") as log:
            self.proc = subprocess.Popen(self.args, stdout=log, stderr=log)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.endpoint + "/_openvpc/health", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"openvpc exited: {self.log_path.read_text()}")
                time.sleep(0.05)  # waiting for the process to listen, not for model time
        raise RuntimeError("openvpc did not become healthy")

    def kill9(self):
        self.proc.kill()
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)

    def close(self):
        """Stops the server (kills it if it does not stop) and removes its directory."""
        try:
            self.stop()
        finally:
            if self.proc and self.proc.poll() is None:
                self.kill9()
            scratch.remove_tree(self.dir)

    def post(self, path, sign=True):
        """POSTs to an admin endpoint, signed (service `openvpc`) by the admin key."""
        headers = {}
        if sign:
            import botocore.auth, botocore.awsrequest, botocore.credentials
            aws = botocore.awsrequest.AWSRequest(method="POST", url=self.endpoint + path, data=b"")
            botocore.auth.SigV4Auth(botocore.credentials.Credentials(ADMIN[0], ADMIN[1]),
                                    "openvpc", "us-east-1").add_auth(aws)
            headers = dict(aws.headers.items())
        req = urllib.request.Request(self.endpoint + path, method="POST", data=b"", headers=headers)
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.read().decode()

    def reset(self):
        self.post("/_openvpc/reset")

    def advance(self, seconds):
        """Moves the server's clock forward and runs what falls due."""
        return json.loads(self.post(f"/_openvpc/clock/advance?seconds={int(seconds)}"))

    def client(self, account=A, region="us-east-1", service="ec2"):
        key, secret = ACCOUNTS[account]
        return boto3.client(
            service, endpoint_url=self.endpoint, region_name=region,
            aws_access_key_id=key, aws_secret_access_key=secret,
            config=botocore.config.Config(retries={"max_attempts": 1}),
        )

    def aws(self, *args, account=A, region="us-east-1", check=True):
        """Runs the aws CLI; returns parsed JSON output (or the CompletedProcess if check=False)."""
        key, secret = ACCOUNTS[account]
        env = dict(os.environ, AWS_ACCESS_KEY_ID=key, AWS_SECRET_ACCESS_KEY=secret,
                   AWS_DEFAULT_REGION=region, AWS_ENDPOINT_URL=self.endpoint,
                   AWS_MAX_ATTEMPTS="1", AWS_PAGER="")
        env.pop("AWS_PROFILE", None)
        proc = subprocess.run(["aws", *args, "--output", "json"], env=env,
                              capture_output=True, text=True, timeout=60)
        if not check:
            return proc
        if proc.returncode != 0:
            raise AssertionError(f"aws {' '.join(args)} failed: {proc.stderr}")
        return json.loads(proc.stdout) if proc.stdout.strip() else {}


@pytest.fixture(scope="session")
def server():
    s = Server()
    yield s
    s.close()


@pytest.fixture(autouse=True)
def _fresh_state(request):
    if "server" in request.fixturenames:
        request.getfixturevalue("server").reset()


@pytest.fixture
def ec2(server):
    """boto3 EC2 client of account A in us-east-1."""
    return server.client(A)


def error_code(excinfo):
    return excinfo.value.response["Error"]["Code"]


def analyse_tcp22(ec2, source, destination=None, ip=None):
    """Network Insights from `source` to resource `destination` or address `ip` (TCP 22):
    the finished analysis."""
    target = {"Destination": destination} if destination else {"DestinationIp": ip}
    path = ec2.create_network_insights_path(Source=source, Protocol="tcp", DestinationPort=22,
                                            **target)["NetworkInsightsPath"]["NetworkInsightsPathId"]
    aid = ec2.start_network_insights_analysis(NetworkInsightsPathId=path)[
        "NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]
    [got] = ec2.describe_network_insights_analyses(NetworkInsightsAnalysisIds=[aid])[
        "NetworkInsightsAnalyses"]
    return got


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "may_skip(reason): the test may skip itself for the reason given")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A skip the test did not plan (no `may_skip` mark) fails the run: a dropped action
    must not pass as skipped. A failed test's report shows its servers' log tails."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and item.get_closest_marker("may_skip") is None:
        report.outcome = "failed"
        report.longrepr = f"unplanned skip: {report.longrepr}"
    scratch.report_logs(item, report)
