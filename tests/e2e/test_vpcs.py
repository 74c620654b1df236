"""VPCs, subnets, tags, Regions and account attributes (issue 2 §3) through boto3 and the CLI."""

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, error_code


def test_vpc_gets_its_defaults_and_attributes(ec2):
    v = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    assert ec2.describe_vpc_attribute(VpcId=v, Attribute="enableDnsSupport")["EnableDnsSupport"]["Value"] is True
    assert ec2.describe_vpc_attribute(VpcId=v, Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"] is False
    ec2.modify_vpc_attribute(VpcId=v, EnableDnsHostnames={"Value": True})
    assert ec2.describe_vpc_attribute(VpcId=v, Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"] is True
    default_vpc = next(x for x in ec2.describe_vpcs()["Vpcs"] if x["IsDefault"])
    assert ec2.describe_vpc_attribute(VpcId=default_vpc["VpcId"],
                                      Attribute="enableDnsHostnames")["EnableDnsHostnames"]["Value"] is True


def test_vpc_cidr_rules(ec2):
    for cidr, code in [("10.0.0.0/15", "InvalidVpc.Range"), ("10.0.0.0/29", "InvalidVpc.Range"),
                       ("banana", "InvalidParameterValue")]:
        with pytest.raises(ClientError) as e:
            ec2.create_vpc(CidrBlock=cidr)
        assert error_code(e) == code
    v = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    with pytest.raises(ClientError) as e:
        ec2.associate_vpc_cidr_block(VpcId=v, CidrBlock="192.168.0.0/16")
    assert error_code(e) == "InvalidVpc.Range"  # other RFC 1918 family
    with pytest.raises(ClientError) as e:
        ec2.associate_vpc_cidr_block(VpcId=v, CidrBlock="10.0.128.0/17")
    assert error_code(e) == "InvalidParameterValue"
    assoc = ec2.associate_vpc_cidr_block(VpcId=v, CidrBlock="10.1.0.0/16")
    assert assoc["CidrBlockAssociation"]["CidrBlockState"]["State"] == "associating"
    ipv6 = ec2.associate_vpc_cidr_block(VpcId=v, AmazonProvidedIpv6CidrBlock=True)["Ipv6CidrBlockAssociation"]
    assert ipv6["Ipv6CidrBlock"].endswith("/56")
    got = ec2.describe_vpcs(VpcIds=[v])["Vpcs"][0]
    assert [c["CidrBlock"] for c in got["CidrBlockAssociationSet"]] == ["10.0.0.0/16", "10.1.0.0/16"]
    primary = got["CidrBlockAssociationSet"][0]["AssociationId"]
    with pytest.raises(ClientError) as e:
        ec2.disassociate_vpc_cidr_block(AssociationId=primary)
    assert error_code(e) == "OperationNotPermitted"
    ec2.disassociate_vpc_cidr_block(AssociationId=assoc["CidrBlockAssociation"]["AssociationId"])
    with pytest.raises(ClientError) as e:
        ec2.disassociate_vpc_cidr_block(AssociationId="vpc-cidr-assoc-0123456789abcdef0")
    assert error_code(e) == "InvalidVpcCidrBlockAssociationID.NotFound"
    for i in range(2, 7):  # 10.0 + 10.2..10.5 = 5 blocks, then the quota
        if i < 6:
            ec2.associate_vpc_cidr_block(VpcId=v, CidrBlock=f"10.{i}.0.0/16")
        else:
            with pytest.raises(ClientError) as e:
                ec2.associate_vpc_cidr_block(VpcId=v, CidrBlock=f"10.{i}.0.0/16")
            assert error_code(e) == "CidrLimitExceeded"


def test_subnets_sizes_overlap_and_free_addresses(ec2):
    v = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    s = ec2.create_subnet(VpcId=v, CidrBlock="10.0.1.0/24", AvailabilityZone="us-east-1b")["Subnet"]
    assert s["AvailableIpAddressCount"] == 251 and s["AvailabilityZone"] == "us-east-1b"
    assert s["AvailabilityZoneId"].startswith("use1-az")
    for cidr, code in [("10.0.1.128/25", "InvalidSubnet.Conflict"), ("10.1.0.0/24", "InvalidSubnet.Range"),
                       ("10.0.0.0/29", "InvalidSubnet.Range")]:
        with pytest.raises(ClientError) as e:
            ec2.create_subnet(VpcId=v, CidrBlock=cidr)
        assert error_code(e) == code
    with pytest.raises(ClientError) as e:
        ec2.create_subnet(VpcId=v, CidrBlock="10.0.2.0/24", AvailabilityZone="us-east-1z")
    assert error_code(e) == "InvalidParameterValue"
    assert "Subnets can currently only be created in the following availability zones" in \
        e.value.response["Error"]["Message"]
    ec2.modify_subnet_attribute(SubnetId=s["SubnetId"], MapPublicIpOnLaunch={"Value": True})
    got = ec2.describe_subnets(Filters=[{"Name": "map-public-ip-on-launch", "Values": ["true"]},
                                        {"Name": "vpc-id", "Values": [v]}])["Subnets"]
    assert [x["SubnetId"] for x in got] == [s["SubnetId"]]
    with pytest.raises(ClientError) as e:
        ec2.delete_vpc(VpcId=v)
    assert error_code(e) == "DependencyViolation"
    ec2.delete_subnet(SubnetId=s["SubnetId"])
    ec2.delete_vpc(VpcId=v)
    with pytest.raises(ClientError) as e:
        ec2.describe_vpcs(VpcIds=[v])
    assert error_code(e) == "InvalidVpcID.NotFound"


def test_default_vpc_recreation(ec2):
    default = next(x for x in ec2.describe_vpcs()["Vpcs"] if x["IsDefault"])["VpcId"]
    with pytest.raises(ClientError) as e:
        ec2.create_default_vpc()
    assert error_code(e) == "DefaultVpcAlreadyExists"
    attrs = ec2.describe_account_attributes(AttributeNames=["default-vpc"])["AccountAttributes"]
    assert attrs[0]["AttributeValues"][0]["AttributeValue"] == default


def test_tags_create_describe_delete_with_the_cli(server):
    v = server.aws("ec2", "create-vpc", "--cidr-block", "10.0.0.0/16")["Vpc"]["VpcId"]
    server.aws("ec2", "create-tags", "--resources", v, "--tags", "Key=env,Value=prod", "Key=team,Value=net")
    tags = server.aws("ec2", "describe-tags", "--filters", f"Name=resource-id,Values={v}")["Tags"]
    assert [(t["Key"], t["Value"], t["ResourceType"]) for t in tags] == [
        ("env", "prod", "vpc"), ("team", "net", "vpc")]
    server.aws("ec2", "delete-tags", "--resources", v, "--tags", "Key=env")
    tags = server.aws("ec2", "describe-tags", "--filters", f"Name=resource-id,Values={v}")["Tags"]
    assert [t["Key"] for t in tags] == ["team"]
    proc = server.aws("ec2", "create-tags", "--resources", v, "--tags", "Key=aws:x,Value=y", check=False)
    assert proc.returncode != 0 and "InvalidTagKey.Malformed" in proc.stderr
    # Another account cannot tag it.
    proc = server.aws("ec2", "create-tags", "--resources", v, "--tags", "Key=k,Value=v", account=B, check=False)
    assert "InvalidVpcID.NotFound" in proc.stderr


def test_regions_and_zones(server):
    regions = server.aws("ec2", "describe-regions")["Regions"]
    assert {"us-east-1", "us-west-2", "eu-west-1"} <= {r["RegionName"] for r in regions}
    za = server.client(A).describe_availability_zones()["AvailabilityZones"]
    zb = server.client(B).describe_availability_zones()["AvailabilityZones"]
    assert [z["ZoneName"] for z in za] == [z["ZoneName"] for z in zb]
    assert sorted(z["ZoneId"] for z in za) == sorted(z["ZoneId"] for z in zb)
    attrs = server.client(A).describe_account_attributes()["AccountAttributes"]
    assert {"supported-platforms", "default-vpc"} <= {a["AttributeName"] for a in attrs}
