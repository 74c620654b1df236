"""STS on the EC2 endpoint (§11), the request-id header on every answer (§12), and the
refusal of services openvpc does not serve."""

import re
import urllib.error
import urllib.request

import boto3
import botocore.config
import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import A, ACCOUNTS, B, Server, error_code

NO_RETRY = botocore.config.Config(retries={"max_attempts": 1})


def client(server, service, key, secret, region="us-east-1"):
    return boto3.client(service, endpoint_url=server.endpoint, region_name=region,
                        aws_access_key_id=key, aws_secret_access_key=secret, config=NO_RETRY)


def send(server, body, service="sts", key=None, secret=None, method="POST", sign=True):
    """A signed (or unsigned) Query request by hand: (status, headers, body)."""
    key = key or ACCOUNTS[A][0]
    secret = secret or ACCOUNTS[A][1]
    url = server.endpoint + "/"
    req = AWSRequest(method=method, url=url, data=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    if sign:
        SigV4Auth(Credentials(key, secret), service, "us-east-1").add_auth(req)
    prepared = urllib.request.Request(url, data=body.encode(), headers=dict(req.headers),
                                      method=method)
    try:
        with urllib.request.urlopen(prepared, timeout=10) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read().decode()


def body_request_id(body):
    m = re.search(r"<(?:requestId|RequestId|RequestID)>([^<]+)</", body)
    return m and m.group(1)


def test_get_caller_identity_through_boto3_and_the_cli(server):
    for account in (A, B):
        ident = server.client(account, service="sts").get_caller_identity()
        assert ident["Account"] == account
        assert ident["Arn"] == f"arn:aws:iam::{account}:root"
        assert ident["UserId"] == account
        assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
                            ident["ResponseMetadata"]["RequestId"])
    # A Regional STS endpoint signs with its Region; the identity is the same.
    assert server.client(A, region="eu-west-1", service="sts").get_caller_identity()["Account"] == A
    out = server.aws("sts", "get-caller-identity", account=B)
    assert out == {"UserId": B, "Account": B, "Arn": f"arn:aws:iam::{B}:root"}


def test_a_credentials_line_may_name_the_principal():
    s = Server(credentials=False)
    try:
        creds = s.dir / "principals"
        creds.write_text("AKIDUSER000000000000 s1 444444444444 arn:aws:iam::444444444444:user/ops/alice\n"
                         "AKIDROLE000000000000 s2 555555555555 arn:aws:sts::555555555555:assumed-role/deploy/ci\n")
        s.stop()
        s.args += ["--credentials", str(creds)]
        s.start()
        alice = client(s, "sts", "AKIDUSER000000000000", "s1").get_caller_identity()
        assert alice["Arn"] == "arn:aws:iam::444444444444:user/ops/alice"
        assert re.fullmatch(r"AIDA[A-Z2-7]{17}", alice["UserId"]), alice
        assert alice["Account"] == "444444444444"
        role = client(s, "sts", "AKIDROLE000000000000", "s2").get_caller_identity()
        assert role["Arn"] == "arn:aws:sts::555555555555:assumed-role/deploy/ci"
        assert re.fullmatch(r"AROA[A-Z2-7]{17}:ci", role["UserId"]), role
        # The same key works for EC2 in its account.
        ec2 = client(s, "ec2", "AKIDUSER000000000000", "s1")
        assert ec2.describe_vpcs()["Vpcs"][0]["OwnerId"] == "444444444444"
    finally:
        s.stop()


def test_sts_refuses_as_sts_does(server):
    with pytest.raises(ClientError) as e:
        client(server, "sts", "AKIDUNKNOWN000000000", "x").get_caller_identity()
    assert error_code(e) == "InvalidClientTokenId"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    assert e.value.response["Error"]["Message"] == "The security token included in the request is invalid"
    with pytest.raises(ClientError) as e:
        client(server, "sts", ACCOUNTS[A][0], "wrong").get_caller_identity()
    assert error_code(e) == "SignatureDoesNotMatch"
    status, headers, body = send(server, "Action=GetCallerIdentity&Version=2011-06-15",
                                 key="AKIDUNKNOWN000000000")
    assert status == 403
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse '
                           'xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>'
                           '<Code>InvalidClientTokenId</Code>'), body
    assert headers["x-amzn-requestid"] == body_request_id(body)
    status, _, body = send(server, "Action=GetCallerIdentity&Version=2011-06-15", sign=False)
    assert status == 403 and "<Code>MissingAuthenticationToken</Code>" in body
    assert "<Message>Request is missing Authentication Token</Message>" in body
    status, _, body = send(server, "Action=GetCallerIdentity&Version=2011-06-15&Extra=1")
    assert status == 400 and "<Code>UnknownParameter</Code>" in body and "<ErrorResponse" in body
    status, _, body = send(server, "Action=AssumeRole&Version=2011-06-15")
    assert status == 400 and "<Code>InvalidAction</Code>" in body
    status, _, body = send(server, "Action=GetCallerIdentity&Version=2016-11-15")
    assert status == 400 and "<Code>NoSuchVersion</Code>" in body and "<ErrorResponse" in body


def test_a_service_openvpc_does_not_serve_is_named(server):
    iam = server.client(A, service="iam")
    with pytest.raises(ClientError) as e:
        iam.get_user()
    assert error_code(e) == "InvalidAction"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    message = e.value.response["Error"]["Message"]
    assert "'iam'" in message and "'ec2', 'elasticloadbalancing', 'sts' and 'ram'" in message
    proc = server.aws("iam", "list-users", check=False)
    assert proc.returncode != 0 and "InvalidAction" in proc.stderr and "'sts'" in proc.stderr


def test_every_answer_carries_the_body_request_id_in_its_header(server):
    ec2, elbv2 = server.client(A), server.client(A, service="elbv2")
    answers = [ec2.describe_vpcs()["ResponseMetadata"],
               elbv2.describe_load_balancers()["ResponseMetadata"],
               server.client(A, service="sts").get_caller_identity()["ResponseMetadata"]]
    for call in (lambda: ec2.describe_vpcs(VpcIds=["vpc-00000000"]),
                 lambda: elbv2.describe_target_groups(Names=["nope"]),
                 lambda: server.client(A, service="iam").get_user()):
        with pytest.raises(ClientError) as e:
            call()
        answers.append(e.value.response["ResponseMetadata"])
    for meta in answers:
        assert meta["RequestId"] and meta["HTTPHeaders"]["x-amzn-requestid"] == meta["RequestId"], meta
    assert len({m["RequestId"] for m in answers}) == len(answers)
    # The HTTP layer's own refusals (here: a method the endpoint does not take) too.
    status, headers, body = send(server, "Action=DescribeVpcs&Version=2016-11-15", service="ec2",
                                 method="PUT")
    assert status == 405 and headers["x-amzn-requestid"] == body_request_id(body)
