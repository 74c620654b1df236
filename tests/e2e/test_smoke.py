"""Smoke: the server answers the aws CLI and boto3 with AWS's shapes."""

import pytest
from botocore.exceptions import ClientError

from conftest import A, error_code


def test_default_vpc_exists_on_first_use(ec2):
    vpcs = ec2.describe_vpcs()["Vpcs"]
    assert len(vpcs) == 1 and vpcs[0]["IsDefault"] and vpcs[0]["CidrBlock"] == "172.31.0.0/16"
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpcs[0]["VpcId"]]}])["Subnets"]
    assert len(subnets) == 6 and all(s["DefaultForAz"] for s in subnets)
    assert sorted(s["CidrBlock"] for s in subnets)[0] == "172.31.0.0/20"


def test_cli_create_and_describe_vpc(server):
    vpc = server.aws("ec2", "create-vpc", "--cidr-block", "10.0.0.0/16")["Vpc"]
    assert vpc["VpcId"].startswith("vpc-") and len(vpc["VpcId"]) == 21
    got = server.aws("ec2", "describe-vpcs", "--vpc-ids", vpc["VpcId"])["Vpcs"]
    assert got[0]["CidrBlock"] == "10.0.0.0/16" and got[0]["OwnerId"] == A


def test_unknown_vpc_is_not_found(ec2):
    with pytest.raises(ClientError) as e:
        ec2.describe_vpcs(VpcIds=["vpc-0123456789abcdef0"])
    assert error_code(e) == "InvalidVpcID.NotFound"
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
