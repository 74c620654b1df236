"""Never a malformed answer, nobody in: XML 1.0 input checks, the HTTP layer's own
refusals as AWS documents, read timeouts, the admin API behind credentials, the clock's
limits, and SigV4 as AWS checks it."""

import json
import socket
import subprocess
import tempfile
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from faultkit import BIN, Server, code_of, credentials_file, create_vpc, parses, query, signed

A_KEY, ADMIN_KEY = "AKIDAAAAAAAAAAAAAAAA", "AKIDADMINAAAAAAAAAAA"


@pytest.fixture(scope="module")
def open_server():
    with tempfile.TemporaryDirectory(prefix="openvpc-wire-") as d:
        s = Server(Path(d) / "data", "--admin-api", "--read-timeout", "1")
        try:
            s.start()
            yield s
        finally:
            s.close()


@pytest.fixture(scope="module")
def locked_server():
    with tempfile.TemporaryDirectory(prefix="openvpc-locked-") as d:
        d = Path(d)
        s = Server(d / "data", "--admin-api", "--credentials", str(credentials_file(d / "creds")))
        try:
            s.start()
            yield s
        finally:
            s.close()


def raw_http(server, data, read=True):
    """Sends raw bytes; returns the whole answer (the server closes after a refusal)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as c:
        c.sendall(data)
        out = b""
        while read:
            chunk = c.recv(65536)
            if not chunk:
                break
            out += chunk
        return out.decode("utf-8", "replace")


def document(answer):
    head, _, body = answer.partition("\r\n\r\n")
    status = int(head.split()[1])
    parses(body)
    assert "<RequestID>" in body and "x-amzn-requestid" in head.lower(), answer
    return status, code_of(body)


def test_control_characters_are_refused_and_every_answer_parses(open_server):
    e = open_server.endpoint
    status, vpc, _ = create_vpc(e, "10.0.0.0/16")
    status, body = query(e, {"Action": "CreateTags", "ResourceId.1": vpc,
                             "Tag.1.Key": "Name", "Tag.1.Value": "web\x07prod"})
    assert (status, code_of(body)) == (400, "InvalidParameterValue")
    assert "Tag.1.Value" in body and "\x07" not in body
    parses(body)
    status, body = query(e, {"Action": "DescribeVpcs"})
    assert status == 200 and "web" not in body
    parses(body)
    # An echoed unknown parameter or action never breaks the document.
    for params in ({"Action": "DescribeVpcs", "Bogus<&>": "1"},
                   {"Action": "No<Such>&Action"},
                   {"Action": "DescribeVpcs", "Bad\x1bKey": "1"}):
        status, body = query(e, params)
        assert status == 400
        parses(body)


def test_http_refusals_are_aws_documents(open_server):
    s = open_server
    big = b"Action=DescribeVpcs&Version=2016-11-15&X=" + b"a" * (3 << 20)
    status, body = None, None
    answer = raw_http(s, b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                      + f"Content-Length: {len(big)}\r\n\r\n".encode() + big)
    assert document(answer) == (413, "RequestEntityTooLarge")
    for n in (20_000, 70_000):  # ours, then beyond hyper's own URI limit
        answer = raw_http(s, f"GET /?Action=DescribeVpcs&X={'a' * n} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        assert document(answer) == (414, "RequestURITooLong"), n
    for n in (150, 700):  # ours, then beyond hyper's header count
        headers = "".join(f"X-H{i}: v\r\n" for i in range(n))
        answer = raw_http(s, f"GET / HTTP/1.1\r\nHost: x\r\n{headers}\r\n".encode())
        assert document(answer) == (431, "RequestHeaderFieldsTooLarge"), n
    answer = raw_http(s, b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n")
    assert document(answer) == (400, "MalformedHTTPRequest")
    answer = raw_http(s, b"PUT / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n")
    assert document(answer) == (405, "MethodNotAllowed")
    answer = raw_http(s, b"GET /_openvpc/reset HTTP/1.1\r\nHost: x\r\n\r\n")
    assert document(answer) == (405, "MethodNotAllowed")


def test_stalled_connections_are_closed_without_affecting_others(open_server):
    s = open_server
    with socket.create_connection(("127.0.0.1", s.port), timeout=30) as head_stall, \
            socket.create_connection(("127.0.0.1", s.port), timeout=30) as body_stall:
        head_stall.sendall(b"POST / HTTP/1.1\r\nHost: x\r\n")
        body_stall.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-"
                           b"urlencoded\r\nContent-Length: 100\r\n\r\nAction=Desc")
        # Others are served meanwhile.
        assert query(s.endpoint, {"Action": "DescribeVpcs"})[0] == 200
        # The stalled ones are answered (body) or closed (head) after --read-timeout.
        answer = b""
        while chunk := body_stall.recv(65536):
            answer += chunk
        assert document(answer.decode()) == (408, "RequestTimeout")
        assert head_stall.recv(65536) == b""


@pytest.mark.parametrize("seconds", ["0", "86401", "18446744073709551615"])
def test_a_read_timeout_out_of_range_is_refused_at_start(seconds):
    # A deadline past the clock's range ended the server at its first connection.
    with tempfile.TemporaryDirectory(prefix="openvpc-wire-") as d:
        done = subprocess.run([str(BIN), "serve", "--listen", "127.0.0.1:0", "--data-dir",
                               str(Path(d) / "data"), "--read-timeout", seconds],
                              capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "--read-timeout" in done.stderr and "1..=86400" in done.stderr


def test_admin_api_requires_an_admin_signature(locked_server):
    s = locked_server
    status, _ = signed(s.endpoint, body=b"Action=CreateVpc&Version=2016-11-15&CidrBlock=10.0.0.0/16")
    assert status == 200
    req = urllib.request.Request(s.endpoint + "/_openvpc/reset", method="POST", data=b"")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    assert e.value.code == 401 and code_of(e.value.read().decode()) == "MissingAuthenticationToken"
    status, body = signed(s.endpoint, "/_openvpc/reset", service="openvpc", key=A_KEY)
    assert (status, code_of(body)) == (403, "UnauthorizedOperation")
    status, body = signed(s.endpoint, "/_openvpc/clock/advance?seconds=60", service="openvpc",
                          key=A_KEY)
    assert status == 403
    status, body = signed(s.endpoint, body=b"Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=is-default&Filter.1.Value.1=false")
    assert status == 200 and "<vpcId>" in body, "nothing was wiped"
    with urllib.request.urlopen(s.endpoint + "/_openvpc/health", timeout=10) as r:
        assert r.status == 200
    status, _ = signed(s.endpoint, "/_openvpc/reset", service="openvpc", key=ADMIN_KEY)
    assert status == 200


def test_the_clock_refuses_overflow_and_still_expires_peerings(open_server):
    e = open_server.endpoint

    def advance(seconds):
        req = urllib.request.Request(f"{e}/_openvpc/clock/advance?seconds={seconds}",
                                     method="POST", data=b"")
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as err:
            return err.code, err.read().decode()

    _, x, _ = create_vpc(e, "10.10.0.0/16")
    _, y, _ = create_vpc(e, "10.11.0.0/16")
    status, body = query(e, {"Action": "CreateVpcPeeringConnection", "VpcId": x, "PeerVpcId": y})
    pcx = body.split("<vpcPeeringConnectionId>")[1].split("<")[0]
    for bad in ("9223372036854775", "-1", str(100 * 366 * 86400 + 1), "soon"):
        status, body = advance(bad)
        assert (status, code_of(body)) == (400, "InvalidParameterValue"), (bad, body)
        parses(body)
    status, body = advance(7 * 86400)
    assert status == 200 and json.loads(body)["now"]
    status, body = query(e, {"Action": "DescribeVpcPeeringConnections",
                             "VpcPeeringConnectionId.1": pcx})
    assert "<code>expired</code>" in body, body


def test_sigv4_as_aws_checks_it(locked_server):
    e = locked_server.endpoint
    form = b"Action=DescribeVpcs&Version=2016-11-15"

    def drop_host(aws):
        auth = aws.headers["Authorization"].replace("SignedHeaders=content-type;host;", "SignedHeaders=content-type;")
        del aws.headers["Authorization"]
        aws.headers["Authorization"] = auth

    status, body = signed(e, body=form, mutate=drop_host)
    assert (status, code_of(body)) == (400, "IncompleteSignature"), body
    # A service openvpc does not serve is refused, naming the ones it serves.
    status, body = signed(e, body=form, service="s3")
    assert (status, code_of(body)) == (400, "InvalidAction"), body
    assert "&apos;s3&apos;" in body and "&apos;ec2&apos;" in body

    def tamper(aws):
        aws.data = form + b"&VpcId.1=vpc-11111111"

    status, body = signed(e, body=form, headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"},
                          mutate=tamper)
    assert status in (401, 403) and code_of(body) in ("AuthFailure", "SignatureDoesNotMatch"), body
    status, body = signed(e, body=form, headers={"X-Amz-Content-SHA256": "UNSIGNED-PAYLOAD"})
    assert status in (401, 403), "UNSIGNED-PAYLOAD is refused for ec2"
    status, body = signed(e, body=b"Action=DescribeVpcs")
    assert (status, code_of(body)) == (400, "MissingParameter") and "Version" in body
    status, body = signed(e, body=b"Action=DescribeVpcs&Version=2014-01-01")
    assert (status, code_of(body)) == (400, "NoSuchVersion"), body
