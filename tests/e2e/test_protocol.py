"""The EC2 Query protocol (§4): envelopes, errors and statuses, DryRun, filters,
pagination, malformed ids, SigV4 on and off, and durability across kill -9."""

import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError

from conftest import A, ACCOUNTS, B, Server, error_code


def raw(server, params, account=A, secret=None, method="POST", sign=True, region="us-east-1"):
    """Sends a Query request by hand; returns (status, body)."""
    key, good_secret = ACCOUNTS[account]
    body = urllib.parse.urlencode(params)
    url = server.endpoint + "/"
    if method == "GET":
        url, body = url + "?" + body, ""
    req = AWSRequest(method=method, url=url, data=body,
                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    if sign:
        SigV4Auth(Credentials(key, secret or good_secret), "ec2", region).add_auth(req)
    prepared = urllib.request.Request(url, data=body.encode() if method == "POST" else None,
                                      headers=dict(req.headers), method=method)
    try:
        with urllib.request.urlopen(prepared, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def code_of(body):
    m = re.search(r"<Code>([^<]+)</Code>", body)
    return m and m.group(1)


def test_success_envelope_and_get_requests(server):
    status, body = raw(server, {"Action": "DescribeVpcs", "Version": "2016-11-15"}, method="GET")
    assert status == 200
    assert '<DescribeVpcsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>' in body
    assert "<vpcSet><item>" in body


def test_error_document_shape_and_codes(server):
    status, body = raw(server, {"Action": "DescribeVpcs", "Version": "2016-11-15", "Bogus": "1"})
    assert status == 400 and code_of(body) == "UnknownParameter"
    assert "The parameter Bogus is not recognized" in body
    assert re.search(r"^<\?xml[^>]*>\s*<Response><Errors><Error><Code>", body)
    assert "<RequestID>" in body
    status, body = raw(server, {"Action": "NoSuchThing", "Version": "2016-11-15"})
    assert (status, code_of(body)) == (400, "InvalidAction")
    status, body = raw(server, {"Action": "CreateVpc", "Version": "2016-11-15"})
    assert code_of(body) == "MissingParameter" and "cidrBlock" in body


def test_dry_run_answers_412_and_changes_nothing(ec2):
    before = len(ec2.describe_vpcs()["Vpcs"])
    with pytest.raises(ClientError) as e:
        ec2.create_vpc(CidrBlock="10.0.0.0/16", DryRun=True)
    assert error_code(e) == "DryRunOperation"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412
    assert len(ec2.describe_vpcs()["Vpcs"]) == before
    with pytest.raises(ClientError) as e:
        ec2.create_vpc(CidrBlock="10.0.0.0/8", DryRun=True)
    assert error_code(e) == "InvalidVpc.Range"  # validation comes before the dry-run answer
    with pytest.raises(ClientError) as e:
        ec2.describe_vpcs(DryRun=True)
    assert error_code(e) == "DryRunOperation"


def test_malformed_and_unknown_ids(ec2):
    for call, code in [
        (lambda: ec2.describe_vpcs(VpcIds=["vpc-zzz"]), "InvalidVpcId.Malformed"),
        (lambda: ec2.describe_subnets(SubnetIds=["subnet-1"]), "InvalidSubnetID.Malformed"),
        (lambda: ec2.accept_vpc_peering_connection(VpcPeeringConnectionId="pcx-x"),
         "InvalidVpcPeeringConnectionId.Malformed"),
        (lambda: ec2.delete_vpc_peering_connection(VpcPeeringConnectionId="pcx-0123456789abcdef0"),
         "InvalidVpcPeeringConnectionID.NotFound"),
        (lambda: ec2.delete_vpc(VpcId="vpc-0123456789abcdef0"), "InvalidVpcID.NotFound"),
    ]:
        with pytest.raises(ClientError) as e:
            call()
        assert error_code(e) == code


def test_filters_wildcards_and_unknown_names(ec2):
    v = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "web-prod"}]}])["Vpc"]["VpcId"]
    ec2.create_vpc(CidrBlock="10.1.0.0/16")
    def ids(filters):
        return [x["VpcId"] for x in ec2.describe_vpcs(Filters=filters)["Vpcs"]]
    assert ids([{"Name": "tag:Name", "Values": ["web-*"]}]) == [v]
    assert ids([{"Name": "tag:Name", "Values": ["web-pro?"]}]) == [v]
    assert ids([{"Name": "tag-key", "Values": ["Name"]}]) == [v]
    assert ids([{"Name": "cidr", "Values": ["10.0.0.0/16", "10.9.0.0/16"]}]) == [v]
    assert ids([{"Name": "is-default", "Values": ["false"]}, {"Name": "tag:Name", "Values": ["*"]}]) == [v]
    with pytest.raises(ClientError) as e:
        ec2.describe_vpcs(Filters=[{"Name": "flavour", "Values": ["x"]}])
    assert error_code(e) == "InvalidParameterValue"
    assert e.value.response["Error"]["Message"] == "The filter 'flavour' is invalid"


def test_pagination_ranges_and_tokens(server, ec2):
    for i in range(7):
        ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")
    pages = list(ec2.get_paginator("describe_vpcs").paginate(PaginationConfig={"PageSize": 5}))
    assert [len(p["Vpcs"]) for p in pages] == [5, 3]
    status, body = raw(server, {"Action": "DescribeVpcs", "Version": "2016-11-15", "MaxResults": "4"})
    assert (status, code_of(body)) == (400, "InvalidParameterValue")
    with pytest.raises(ClientError) as e:
        ec2.describe_vpcs(MaxResults=5, NextToken="not-a-token!")
    assert error_code(e) == "InvalidNextToken"


def test_accounts_are_isolated(server):
    a, b = server.client(A), server.client(B)
    v = a.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    with pytest.raises(ClientError) as e:
        b.describe_vpcs(VpcIds=[v])
    assert error_code(e) == "InvalidVpcID.NotFound"
    with pytest.raises(ClientError) as e:
        b.delete_vpc(VpcId=v)
    assert error_code(e) == "InvalidVpcID.NotFound"
    with pytest.raises(ClientError) as e:
        b.create_tags(Resources=[v], Tags=[{"Key": "k", "Value": "v"}])
    assert error_code(e) == "InvalidVpcID.NotFound"
    assert v not in [x["VpcId"] for x in b.describe_vpcs()["Vpcs"]]


def test_sigv4_is_verified_when_credentials_are_configured(server):
    status, body = raw(server, {"Action": "DescribeVpcs", "Version": "2016-11-15"}, secret="wrong")
    assert (status, code_of(body)) == (401, "AuthFailure")
    status, body = raw(server, {"Action": "CreateVpc", "Version": "2016-11-15", "CidrBlock": "10.0.0.0/16"},
                       sign=False)
    assert (status, code_of(body)) == (401, "MissingAuthenticationToken")
    assert len(server.client(A).describe_vpcs()["Vpcs"]) == 1  # nothing was created


def test_without_credentials_the_key_id_names_the_account():
    s = Server(credentials=False)
    try:
        import boto3
        c = boto3.client("ec2", endpoint_url=s.endpoint, region_name="eu-west-1",
                         aws_access_key_id="444444444444", aws_secret_access_key="anything")
        v = c.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]
        assert v["OwnerId"] == "444444444444"
        anon = boto3.client("ec2", endpoint_url=s.endpoint, region_name="eu-west-1",
                            aws_access_key_id="test", aws_secret_access_key="test")
        assert anon.describe_vpcs()["Vpcs"][0]["OwnerId"] == "000000000000"
        zones = c.describe_availability_zones()["AvailabilityZones"]
        assert [z["ZoneName"] for z in zones] == ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
        assert sorted(z["ZoneId"] for z in zones) == ["euw1-az1", "euw1-az2", "euw1-az3"]
    finally:
        s.stop()


def test_kill_9_loses_nothing_acknowledged_and_timers_survive():
    s = Server()
    try:
        a, b = s.client(A), s.client(B)
        x = a.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=[
            {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "kept"}]}])["Vpc"]["VpcId"]
        y = b.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
        pcx = a.create_vpc_peering_connection(VpcId=x, PeerVpcId=y, PeerOwnerId=B)[
            "VpcPeeringConnection"]["VpcPeeringConnectionId"]
        s.kill9()
        s.start()
        a, b = s.client(A), s.client(B)
        got = a.describe_vpcs(VpcIds=[x])["Vpcs"][0]
        assert got["Tags"] == [{"Key": "Name", "Value": "kept"}]
        assert b.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])[
            "VpcPeeringConnections"][0]["Status"]["Code"] == "pending-acceptance"
        s.post("/_openvpc/snapshot")
        z = a.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
        s.kill9()
        s.start()
        a = s.client(A)
        assert {x, z} <= {v["VpcId"] for v in a.describe_vpcs()["Vpcs"]}
        s.advance(7 * 86400)  # the expiry deadline survived both restarts
        assert a.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])[
            "VpcPeeringConnections"][0]["Status"]["Code"] == "expired"
        w = a.create_vpc(CidrBlock="10.3.0.0/16")["Vpc"]["VpcId"]
        assert w not in {x, z}  # ids continue, never reused
    finally:
        s.stop()
