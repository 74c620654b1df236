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


def test_associated_block_may_not_contain_a_route_destination(ec2):
    # §1.6: a new block must not contain (be the same as or larger than) the destination of
    # a route in any of the VPC's route tables.
    v = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=v)
    rtb = ec2.create_route_table(VpcId=v)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="10.1.2.0/24", GatewayId=igw)
    for cidr in ("10.1.0.0/16", "10.1.2.0/24"):
        with pytest.raises(ClientError) as e:
            ec2.associate_vpc_cidr_block(VpcId=v, CidrBlock=cidr)
        assert error_code(e) == "InvalidParameterValue"
        assert e.value.response["Error"]["Message"] == (
            f"The CIDR '{cidr}' conflicts with route '10.1.2.0/24' in route table {rtb}.")
    blocks = ec2.describe_vpcs(VpcIds=[v])["Vpcs"][0]["CidrBlockAssociationSet"]
    assert [b["CidrBlock"] for b in blocks] == ["10.0.0.0/16"]
    ec2.associate_vpc_cidr_block(VpcId=v, CidrBlock="10.2.0.0/16")  # leaves it outside
    ec2.delete_route(RouteTableId=rtb, DestinationCidrBlock="10.1.2.0/24")
    ec2.associate_vpc_cidr_block(VpcId=v, CidrBlock="10.1.0.0/16")
    routes = ec2.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"]
    assert {r["DestinationCidrBlock"] for r in routes if r.get("GatewayId") == "local"} == {
        "10.0.0.0/16", "10.1.0.0/16", "10.2.0.0/16"}

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


def default_subnets(ec2):
    """The default subnets by zone name."""
    got = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]}])["Subnets"]
    return {s["AvailabilityZone"]: s for s in got}


def test_create_default_subnet_one_per_zone_in_the_next_free_block(ec2):
    # §6: CreateDefaultSubnet takes the next free /20 of the default VPC; one default
    # subnet per zone (DefaultSubnetAlreadyExistsInAvailabilityZone).
    before = default_subnets(ec2)
    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    assert sorted(before) == sorted(z["ZoneName"] for z in zones)
    first, second = zones[0], zones[1]
    taken = before[first["ZoneName"]]["SubnetId"]
    for kwargs in ({"AvailabilityZone": first["ZoneName"]}, {"AvailabilityZoneId": first["ZoneId"]}):
        with pytest.raises(ClientError) as e:
            ec2.create_default_subnet(**kwargs)
        assert error_code(e) == "DefaultSubnetAlreadyExistsInAvailabilityZone"
        assert e.value.response["Error"]["Message"] == (
            f"'{taken}' is already the default subnet in {first['ZoneName']}.")
    gone = before[second["ZoneName"]]
    ec2.delete_subnet(SubnetId=gone["SubnetId"])
    made = ec2.create_default_subnet(AvailabilityZoneId=second["ZoneId"])["Subnet"]
    assert made["SubnetId"] != gone["SubnetId"]
    assert (made["CidrBlock"], made["AvailabilityZone"], made["VpcId"]) == (
        gone["CidrBlock"], second["ZoneName"], gone["VpcId"])
    assert made["DefaultForAz"] is True and made["MapPublicIpOnLaunch"] is True
    assert made["AvailableIpAddressCount"] == 4091
    assert default_subnets(ec2)[second["ZoneName"]]["SubnetId"] == made["SubnetId"]
    with pytest.raises(ClientError) as e:
        ec2.create_default_subnet(AvailabilityZone=second["ZoneName"])
    assert error_code(e) == "DefaultSubnetAlreadyExistsInAvailabilityZone"
    with pytest.raises(ClientError) as e:
        ec2.create_default_subnet(AvailabilityZone="us-east-1z")
    assert error_code(e) == "InvalidParameterValue"


def test_create_default_subnet_without_a_free_block_or_default_vpc(server):
    ec2 = server.client(B)
    subnets = default_subnets(ec2)
    vpc = next(iter(subnets.values()))["VpcId"]
    zone = sorted(subnets)[0]
    freed = subnets[zone]
    ec2.delete_subnet(SubnetId=freed["SubnetId"])
    used = {s["CidrBlock"] for s in subnets.values()}
    for i in range(16):  # every other /20 of 172.31.0.0/16
        block = f"172.31.{16 * i}.0/20"
        if block not in used:
            ec2.create_subnet(VpcId=vpc, CidrBlock=block)
    part = ec2.create_subnet(VpcId=vpc, CidrBlock=freed["CidrBlock"].replace("/20", "/24"))["Subnet"]
    with pytest.raises(ClientError) as e:
        ec2.create_default_subnet(AvailabilityZone=zone)
    assert error_code(e) == "InsufficientFreeAddressesInSubnet"
    ec2.delete_subnet(SubnetId=part["SubnetId"])
    assert ec2.create_default_subnet(AvailabilityZone=zone)["Subnet"]["CidrBlock"] == freed["CidrBlock"]
    # Without a default VPC there is nothing to create in.
    for s in ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]:
        ec2.delete_subnet(SubnetId=s["SubnetId"])
    for igw in ec2.describe_internet_gateways(
            Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]}])["InternetGateways"]:
        ec2.detach_internet_gateway(InternetGatewayId=igw["InternetGatewayId"], VpcId=vpc)
    ec2.delete_vpc(VpcId=vpc)
    with pytest.raises(ClientError) as e:
        ec2.create_default_subnet(AvailabilityZone=zone)
    assert error_code(e) == "DefaultVpcDoesNotExist"


def test_every_vpc_attribute_and_tenancy(ec2, server):
    v = ec2.create_vpc(CidrBlock="10.0.0.0/16", InstanceTenancy="dedicated")["Vpc"]["VpcId"]
    for name, key, default in [("enableDnsSupport", "EnableDnsSupport", True),
                               ("enableDnsHostnames", "EnableDnsHostnames", False),
                               ("enableNetworkAddressUsageMetrics", "EnableNetworkAddressUsageMetrics", False)]:
        got = ec2.describe_vpc_attribute(VpcId=v, Attribute=name)
        assert got["VpcId"] == v and got[key]["Value"] is default, name
        ec2.modify_vpc_attribute(VpcId=v, **{key: {"Value": not default}})
        got = server.aws("ec2", "describe-vpc-attribute", "--vpc-id", v, "--attribute", name)
        assert got[key]["Value"] is (not default), name
    with pytest.raises(ClientError) as e:
        ec2.describe_vpc_attribute(VpcId=v, Attribute="enableSomething")
    assert error_code(e) == "InvalidParameterValue"
    # ModifyVpcTenancy: dedicated → default only.
    assert ec2.describe_vpcs(VpcIds=[v])["Vpcs"][0]["InstanceTenancy"] == "dedicated"
    with pytest.raises(ClientError) as e:
        ec2.modify_vpc_tenancy(VpcId=v, InstanceTenancy="dedicated")
    assert error_code(e) == "InvalidParameterValue"
    with pytest.raises(ClientError) as e:
        ec2.modify_vpc_tenancy(VpcId="vpc-0123456789abcdef0", InstanceTenancy="default")
    assert error_code(e) == "InvalidVpcID.NotFound"
    assert ec2.describe_vpcs(VpcIds=[v])["Vpcs"][0]["InstanceTenancy"] == "dedicated"
    assert server.aws("ec2", "modify-vpc-tenancy", "--vpc-id", v, "--instance-tenancy", "default")[
        "ReturnValue"] is True
    assert ec2.describe_vpcs(VpcIds=[v])["Vpcs"][0]["InstanceTenancy"] == "default"


def test_subnet_cidr_reservations(ec2, server):
    v = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    block = ec2.describe_vpcs(VpcIds=[v["VpcId"]])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"]
    v6 = block.replace("/56", "/64")
    s = ec2.create_subnet(VpcId=v["VpcId"], CidrBlock="10.0.1.0/28", Ipv6CidrBlock=v6)["Subnet"]["SubnetId"]
    explicit = ec2.create_subnet_cidr_reservation(
        SubnetId=s, Cidr="10.0.1.4/31", ReservationType="explicit", Description="appliances",
        TagSpecifications=[{"ResourceType": "subnet-cidr-reservation", "Tags": [{"Key": "team", "Value": "net"}]}],
    )["SubnetCidrReservation"]
    assert explicit["SubnetCidrReservationId"].startswith("scr-")
    assert (explicit["SubnetId"], explicit["Cidr"], explicit["ReservationType"], explicit["OwnerId"],
            explicit["Description"]) == (s, "10.0.1.4/31", "explicit", A, "appliances")
    assert explicit["Tags"] == [{"Key": "team", "Value": "net"}]
    prefix = server.aws("ec2", "create-subnet-cidr-reservation", "--subnet-id", s, "--cidr", "10.0.1.8/30",
                        "--reservation-type", "prefix")["SubnetCidrReservation"]
    v6_prefix = ec2.create_subnet_cidr_reservation(
        SubnetId=s, Cidr=v6.replace("/64", "/80"), ReservationType="prefix")["SubnetCidrReservation"]
    got = ec2.get_subnet_cidr_reservations(SubnetId=s)
    assert sorted(r["Cidr"] for r in got["SubnetIpv4CidrReservations"]) == ["10.0.1.4/31", "10.0.1.8/30"]
    assert [r["SubnetCidrReservationId"] for r in got["SubnetIpv6CidrReservations"]] == [
        v6_prefix["SubnetCidrReservationId"]]
    only = ec2.get_subnet_cidr_reservations(SubnetId=s, Filters=[
        {"Name": "reservationType", "Values": ["explicit"]}])
    assert [r["Cidr"] for r in only["SubnetIpv4CidrReservations"]] == ["10.0.1.4/31"]
    assert only["SubnetIpv6CidrReservations"] == []
    page = ec2.get_subnet_cidr_reservations(SubnetId=s, MaxResults=5)
    assert "NextToken" not in page
    # Refusals change nothing.
    for cidr, rtype, code in [("10.0.2.0/28", "explicit", "InvalidParameter"),
                              ("10.0.1.5/32", "prefix", "InvalidParameter"),
                              ("10.0.1.12/32", "sometimes", "InvalidParameterValue")]:
        with pytest.raises(ClientError) as e:
            ec2.create_subnet_cidr_reservation(SubnetId=s, Cidr=cidr, ReservationType=rtype)
        assert error_code(e) == code, cidr
    assert len(ec2.get_subnet_cidr_reservations(SubnetId=s)["SubnetIpv4CidrReservations"]) == 2
    # Automatic addresses avoid every reservation; an explicit address can be asked for.
    e1 = ec2.create_network_interface(SubnetId=s, SecondaryPrivateIpAddressCount=2)["NetworkInterface"]
    picked = sorted(a["PrivateIpAddress"] for a in e1["PrivateIpAddresses"])
    assert picked == ["10.0.1.12", "10.0.1.6", "10.0.1.7"]
    with pytest.raises(ClientError) as e:
        ec2.create_network_interface(SubnetId=s, SecondaryPrivateIpAddressCount=2)
    assert error_code(e) == "InsufficientFreeAddressesInSubnet"
    e2 = ec2.create_network_interface(SubnetId=s, PrivateIpAddress="10.0.1.4")["NetworkInterface"]
    assert e2["PrivateIpAddress"] == "10.0.1.4"
    # Delete: the reservation comes back once; another account cannot see it.
    with pytest.raises(ClientError) as e:
        server.client(B).delete_subnet_cidr_reservation(SubnetCidrReservationId=prefix["SubnetCidrReservationId"])
    assert error_code(e) == "InvalidSubnetCidrReservationID.NotFound"
    gone = ec2.delete_subnet_cidr_reservation(
        SubnetCidrReservationId=prefix["SubnetCidrReservationId"])["DeletedSubnetCidrReservation"]
    assert (gone["SubnetCidrReservationId"], gone["Cidr"]) == (prefix["SubnetCidrReservationId"], "10.0.1.8/30")
    with pytest.raises(ClientError) as e:
        ec2.delete_subnet_cidr_reservation(SubnetCidrReservationId=prefix["SubnetCidrReservationId"])
    assert error_code(e) == "InvalidSubnetCidrReservationID.NotFound"
    with pytest.raises(ClientError) as e:
        ec2.get_subnet_cidr_reservations(SubnetId="subnet-0123456789abcdef0")
    assert error_code(e) == "InvalidSubnetID.NotFound"
