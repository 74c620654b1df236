"""Internet gateways, egress-only gateways, Elastic IPs, NAT gateways and DHCP option sets."""

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, error_code


def tags_of(resource):
    return {t["Key"]: t["Value"] for t in resource.get("Tags", [])}


def new_vpc(ec2, cidr="10.0.0.0/16"):
    return ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]


def new_subnet(ec2, vpc_id, cidr="10.0.1.0/24"):
    return ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr)["Subnet"]["SubnetId"]


def default_vpc(ec2):
    return ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]


def default_subnet(ec2):
    vpc = default_vpc(ec2)
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"]
    return sorted(subnets, key=lambda s: s["CidrBlock"])[0]["SubnetId"]


def raises(code, fn, **kwargs):
    with pytest.raises(ClientError) as e:
        fn(**kwargs)
    assert error_code(e) == code, e.value.response["Error"]
    return e.value.response["Error"]["Message"]


# --- internet gateways -------------------------------------------------------------------


def test_internet_gateway_attach_detach_and_errors(ec2):
    vpc = new_vpc(ec2)
    igw = ec2.create_internet_gateway(TagSpecifications=[
        {"ResourceType": "internet-gateway", "Tags": [{"Key": "Name", "Value": "edge"}]}
    ])["InternetGateway"]
    igw_id = igw["InternetGatewayId"]
    assert igw_id.startswith("igw-") and len(igw_id) == 21
    assert igw["Attachments"] == [] and igw["OwnerId"] == A and tags_of(igw) == {"Name": "edge"}

    ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc)
    got = ec2.describe_internet_gateways(InternetGatewayIds=[igw_id])["InternetGateways"][0]
    assert got["Attachments"] == [{"State": "available", "VpcId": vpc}]

    msg = raises("Resource.AlreadyAssociated", ec2.attach_internet_gateway,
                 InternetGatewayId=igw_id, VpcId=vpc)
    assert msg == f"resource {igw_id} is already attached to network {vpc}"
    other = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    msg = raises("InvalidParameterValue", ec2.attach_internet_gateway,
                 InternetGatewayId=other, VpcId=vpc)
    assert msg == f"Network {vpc} already has an internet gateway attached"
    raises("Gateway.NotAttached", ec2.detach_internet_gateway, InternetGatewayId=other, VpcId=vpc)
    msg = raises("DependencyViolation", ec2.delete_internet_gateway, InternetGatewayId=igw_id)
    assert msg == f"The internetGateway '{igw_id}' has dependencies and cannot be deleted."

    by_vpc = ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]}])["InternetGateways"]
    assert [g["InternetGatewayId"] for g in by_vpc] == [igw_id]
    by_tag = ec2.describe_internet_gateways(
        Filters=[{"Name": "tag:Name", "Values": ["ed*"]}])["InternetGateways"]
    assert [g["InternetGatewayId"] for g in by_tag] == [igw_id]

    ec2.detach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc)
    ec2.delete_internet_gateway(InternetGatewayId=igw_id)
    msg = raises("InvalidInternetGatewayID.NotFound", ec2.describe_internet_gateways,
                 InternetGatewayIds=[igw_id])
    assert msg == f"The internetGateway ID '{igw_id}' does not exist"
    raises("InvalidInternetGatewayId.Malformed", ec2.delete_internet_gateway,
           InternetGatewayId="igw-nothex")


def test_internet_gateway_pagination_dry_run_and_isolation(server, ec2):
    for _ in range(6):
        ec2.create_internet_gateway()
    first = ec2.describe_internet_gateways(MaxResults=5)
    assert len(first["InternetGateways"]) == 5 and first["NextToken"]
    rest = ec2.describe_internet_gateways(MaxResults=5, NextToken=first["NextToken"])
    assert len(rest["InternetGateways"]) == 2  # six created plus the default VPC's
    raises("DryRunOperation", ec2.create_internet_gateway, DryRun=True)
    assert len(ec2.describe_internet_gateways()["InternetGateways"]) == 7
    mine = first["InternetGateways"][0]["InternetGatewayId"]
    b = server.client(B)
    raises("InvalidInternetGatewayID.NotFound", b.describe_internet_gateways,
           InternetGatewayIds=[mine])
    assert len(b.describe_internet_gateways()["InternetGateways"]) == 1


def test_cli_internet_gateway_flow(server):
    vpc = server.aws("ec2", "create-vpc", "--cidr-block", "10.1.0.0/16")["Vpc"]["VpcId"]
    igw = server.aws("ec2", "create-internet-gateway")["InternetGateway"]["InternetGatewayId"]
    server.aws("ec2", "attach-internet-gateway", "--internet-gateway-id", igw, "--vpc-id", vpc)
    got = server.aws("ec2", "describe-internet-gateways", "--filters",
                     f"Name=attachment.vpc-id,Values={vpc}")["InternetGateways"]
    assert [g["InternetGatewayId"] for g in got] == [igw]
    proc = server.aws("ec2", "delete-internet-gateway", "--internet-gateway-id", igw, check=False)
    assert proc.returncode != 0 and "DependencyViolation" in proc.stderr
    server.aws("ec2", "detach-internet-gateway", "--internet-gateway-id", igw, "--vpc-id", vpc)
    server.aws("ec2", "delete-internet-gateway", "--internet-gateway-id", igw)


# --- egress-only internet gateways --------------------------------------------------------


def test_egress_only_internet_gateway(server, ec2):
    vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]["VpcId"]
    out = ec2.create_egress_only_internet_gateway(VpcId=vpc, ClientToken="eigw-token-1")
    eigw = out["EgressOnlyInternetGateway"]
    eigw_id = eigw["EgressOnlyInternetGatewayId"]
    assert out["ClientToken"] == "eigw-token-1"
    assert eigw["Attachments"] == [{"State": "attached", "VpcId": vpc}]
    again = ec2.create_egress_only_internet_gateway(VpcId=vpc, ClientToken="eigw-token-1")
    assert again["EgressOnlyInternetGateway"]["EgressOnlyInternetGatewayId"] == eigw_id
    listed = server.aws("ec2", "describe-egress-only-internet-gateways")["EgressOnlyInternetGateways"]
    assert [g["EgressOnlyInternetGatewayId"] for g in listed] == [eigw_id]
    raises("DependencyViolation", ec2.delete_vpc, VpcId=vpc)
    assert ec2.delete_egress_only_internet_gateway(EgressOnlyInternetGatewayId=eigw_id)["ReturnCode"]
    raises("InvalidEgressOnlyInternetGatewayId.NotFound", ec2.describe_egress_only_internet_gateways,
           EgressOnlyInternetGatewayIds=[eigw_id])
    ec2.delete_vpc(VpcId=vpc)


# --- Elastic IPs ------------------------------------------------------------------------


def test_allocate_describe_release_address(server, ec2):
    a = ec2.allocate_address(Domain="vpc", TagSpecifications=[
        {"ResourceType": "elastic-ip", "Tags": [{"Key": "role", "Value": "web"}]}])
    assert a["AllocationId"].startswith("eipalloc-") and a["Domain"] == "vpc"
    assert a["PublicIp"] and a["NetworkBorderGroup"] == "us-east-1"
    b = server.aws("ec2", "allocate-address")
    assert b["PublicIp"] != a["PublicIp"]
    all_ = ec2.describe_addresses()["Addresses"]
    assert {x["AllocationId"] for x in all_} == {a["AllocationId"], b["AllocationId"]}
    by_ip = ec2.describe_addresses(PublicIps=[a["PublicIp"]])["Addresses"]
    assert by_ip[0]["AllocationId"] == a["AllocationId"] and tags_of(by_ip[0]) == {"role": "web"}
    by_tag = ec2.describe_addresses(Filters=[{"Name": "tag:role", "Values": ["web"]}])["Addresses"]
    assert [x["AllocationId"] for x in by_tag] == [a["AllocationId"]]
    msg = raises("InvalidAllocationID.NotFound", ec2.describe_addresses,
                 AllocationIds=["eipalloc-0123456789abcdef0"])
    assert msg == "The allocation ID 'eipalloc-0123456789abcdef0' does not exist"
    raises("InvalidAllocationID.NotFound", server.client(B).release_address,
           AllocationId=a["AllocationId"])
    ec2.release_address(AllocationId=a["AllocationId"])
    server.aws("ec2", "release-address", "--allocation-id", b["AllocationId"])
    assert ec2.describe_addresses()["Addresses"] == []


def test_associate_address_errors(ec2):
    alloc = ec2.allocate_address(Domain="vpc")["AllocationId"]
    raises("InvalidNetworkInterfaceID.NotFound", ec2.associate_address,
           AllocationId=alloc, NetworkInterfaceId="eni-0123456789abcdef0")
    raises("InvalidInstanceID.NotFound", ec2.associate_address,
           AllocationId=alloc, InstanceId="i-0123456789abcdef0")
    raises("InvalidAllocationID.NotFound", ec2.associate_address,
           AllocationId="eipalloc-0123456789abcdef0", NetworkInterfaceId="eni-0123456789abcdef0")
    raises("InvalidNetworkInterfaceId.Malformed", ec2.associate_address,
           AllocationId=alloc, NetworkInterfaceId="eni-zz")
    raises("InvalidAssociationID.NotFound", ec2.disassociate_address,
           AssociationId="eipassoc-0123456789abcdef0")


def create_interface(ec2, subnet):
    return ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]


def test_associate_address_to_interface(ec2):
    eni = create_interface(ec2, default_subnet(ec2))
    alloc = ec2.allocate_address(Domain="vpc")
    assoc = ec2.associate_address(AllocationId=alloc["AllocationId"], NetworkInterfaceId=eni)
    assert assoc["AssociationId"].startswith("eipassoc-")
    got = ec2.describe_addresses(AllocationIds=[alloc["AllocationId"]])["Addresses"][0]
    assert got["AssociationId"] == assoc["AssociationId"] and got["NetworkInterfaceId"] == eni
    assert got["NetworkInterfaceOwnerId"] == A and got["PrivateIpAddress"]
    vpc = default_vpc(ec2)
    igw = ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]}])["InternetGateways"][0]
    msg = raises("DependencyViolation", ec2.detach_internet_gateway,
                 InternetGatewayId=igw["InternetGatewayId"], VpcId=vpc)
    assert "has some mapped public address(es)" in msg
    raises("InvalidIPAddress.InUse", ec2.release_address, AllocationId=alloc["AllocationId"])
    ec2.disassociate_address(AssociationId=assoc["AssociationId"])
    ec2.release_address(AllocationId=alloc["AllocationId"])
    # Without an internet gateway there is nothing to map onto.
    vpc2 = new_vpc(ec2)
    eni2 = create_interface(ec2, new_subnet(ec2, vpc2))
    alloc2 = ec2.allocate_address(Domain="vpc")["AllocationId"]
    msg = raises("Gateway.NotAttached", ec2.associate_address, AllocationId=alloc2,
                 NetworkInterfaceId=eni2)
    assert msg == f"Network {vpc2} is not attached to any internet gateway"


def test_address_quota_is_enforced_only_when_configured(ec2):
    for _ in range(8):
        ec2.allocate_address(Domain="vpc")
    assert len(ec2.describe_addresses()["Addresses"]) == 8


# --- NAT gateways -------------------------------------------------------------------------


def test_public_nat_gateway_lifecycle(server, ec2):
    subnet = default_subnet(ec2)
    vpc = default_vpc(ec2)
    alloc = ec2.allocate_address(Domain="vpc")
    nat = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=alloc["AllocationId"],
                                 TagSpecifications=[{"ResourceType": "natgateway",
                                                     "Tags": [{"Key": "Name", "Value": "egress"}]}])
    assert nat["ClientToken"]  # boto3 fills the idempotency token in
    nat = nat["NatGateway"]
    nat_id = nat["NatGatewayId"]
    assert nat_id.startswith("nat-") and nat["State"] == "pending"
    assert nat["ConnectivityType"] == "public" and nat["SubnetId"] == subnet and nat["VpcId"] == vpc
    # The next request sees it available.
    got = ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"][0]
    assert got["State"] == "available" and tags_of(got) == {"Name": "egress"}
    [address] = got["NatGatewayAddresses"]
    assert address["AllocationId"] == alloc["AllocationId"] and address["PublicIp"] == alloc["PublicIp"]
    assert address["NetworkInterfaceId"].startswith("eni-") and address["PrivateIp"].startswith("172.31.")
    assert address["IsPrimary"] and address["Status"] == "succeeded"
    ec2.get_waiter("nat_gateway_available").wait(NatGatewayIds=[nat_id],
                                                  WaiterConfig={"Delay": 1, "MaxAttempts": 2})
    eip = ec2.describe_addresses(AllocationIds=[alloc["AllocationId"]])["Addresses"][0]
    assert eip["NetworkInterfaceId"] == address["NetworkInterfaceId"]
    raises("InvalidIPAddress.InUse", ec2.release_address, AllocationId=alloc["AllocationId"])
    igw = ec2.describe_internet_gateways(
        Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]}])["InternetGateways"][0]
    raises("DependencyViolation", ec2.detach_internet_gateway,
           InternetGatewayId=igw["InternetGatewayId"], VpcId=vpc)
    raises("DependencyViolation", ec2.delete_subnet, SubnetId=subnet)
    filtered = ec2.describe_nat_gateways(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                                  {"Name": "state", "Values": ["available"]}])
    assert [n["NatGatewayId"] for n in filtered["NatGateways"]] == [nat_id]

    assert ec2.delete_nat_gateway(NatGatewayId=nat_id)["NatGatewayId"] == nat_id
    server.advance(1)
    gone = ec2.describe_nat_gateways(NatGatewayIds=[nat_id])["NatGateways"][0]
    assert gone["State"] == "deleted" and gone["DeleteTime"] >= gone["CreateTime"]
    ec2.get_waiter("nat_gateway_deleted").wait(NatGatewayIds=[nat_id],
                                                WaiterConfig={"Delay": 1, "MaxAttempts": 2})
    # Everything it held is free again.
    ec2.release_address(AllocationId=alloc["AllocationId"])
    ec2.detach_internet_gateway(InternetGatewayId=igw["InternetGatewayId"], VpcId=vpc)
    # Deleted gateways stay visible for an hour.
    server.advance(3601)
    msg = raises("NatGatewayNotFound", ec2.describe_nat_gateways, NatGatewayIds=[nat_id])
    assert msg == f"NAT gateway {nat_id} was not found"


def test_nat_gateway_failures_do_not_fail_the_request(ec2):
    vpc = new_vpc(ec2)
    subnet = new_subnet(ec2, vpc)
    alloc = ec2.allocate_address(Domain="vpc")["AllocationId"]
    nat = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=alloc)["NatGateway"]
    got = ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"][0]
    assert got["State"] == "failed"
    assert got["FailureCode"] == "Gateway.NotAttached"
    assert got["FailureMessage"] == f"Network {vpc} has no Internet gateway attached"
    # The address was not taken.
    assert "AssociationId" not in ec2.describe_addresses(AllocationIds=[alloc])["Addresses"][0]

    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    unknown = "eipalloc-0123456789abcdef0"
    nat = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=unknown)["NatGateway"]
    got = ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"][0]
    assert got["State"] == "failed" and got["FailureCode"] == "InvalidAllocationID.NotFound"

    ok = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=alloc)["NatGateway"]
    dup = ec2.create_nat_gateway(SubnetId=subnet, AllocationId=alloc)["NatGateway"]
    got = {n["NatGatewayId"]: n for n in ec2.describe_nat_gateways(
        NatGatewayIds=[ok["NatGatewayId"], dup["NatGatewayId"]])["NatGateways"]}
    assert got[ok["NatGatewayId"]]["State"] == "available"
    assert got[dup["NatGatewayId"]]["FailureCode"] == "Resource.AlreadyAssociated"
    assert got[dup["NatGatewayId"]]["FailureMessage"] == f"Elastic IP address {alloc} is already associated"
    failed = ec2.describe_nat_gateways(Filters=[{"Name": "state", "Values": ["failed"]}])["NatGateways"]
    assert len(failed) == 3


def test_nat_gateway_request_errors_and_private_gateways(server, ec2):
    subnet = default_subnet(ec2)
    raises("NatGatewayNotFound", ec2.delete_nat_gateway, NatGatewayId="nat-0123456789abcdef0")
    raises("NatGatewayMalformed", ec2.describe_nat_gateways, NatGatewayIds=["nat-xyz"])
    raises("InvalidSubnetID.NotFound", ec2.create_nat_gateway,
           SubnetId="subnet-0123456789abcdef0", ConnectivityType="private")
    raises("MissingParameter", ec2.create_nat_gateway, SubnetId=subnet)
    raises("InvalidParameterValue", ec2.create_nat_gateway, SubnetId=subnet,
           ConnectivityType="sideways")
    raises("InvalidParameterValue", ec2.describe_nat_gateways,
           Filters=[{"Name": "bogus", "Values": ["x"]}])
    nat = ec2.create_nat_gateway(SubnetId=subnet, ConnectivityType="private",
                                 ClientToken="priv-1")["NatGateway"]
    again = ec2.create_nat_gateway(SubnetId=subnet, ConnectivityType="private",
                                   ClientToken="priv-1")["NatGateway"]
    assert again["NatGatewayId"] == nat["NatGatewayId"]
    raises("IdempotentParameterMismatch", ec2.create_nat_gateway, SubnetId=subnet,
           ConnectivityType="private", PrivateIpAddress="172.31.0.99", ClientToken="priv-1")
    got = ec2.describe_nat_gateways(NatGatewayIds=[nat["NatGatewayId"]])["NatGateways"][0]
    assert got["ConnectivityType"] == "private" and got["State"] == "available"
    assert "PublicIp" not in got["NatGatewayAddresses"][0]
    raises("NatGatewayNotFound", server.client(B).describe_nat_gateways,
           NatGatewayIds=[nat["NatGatewayId"]])


def test_cli_nat_gateway_flow(server):
    subnet = server.aws("ec2", "describe-subnets", "--filters", "Name=default-for-az,Values=true")["Subnets"][0]["SubnetId"]
    alloc = server.aws("ec2", "allocate-address", "--domain", "vpc")["AllocationId"]
    nat = server.aws("ec2", "create-nat-gateway", "--subnet-id", subnet,
                     "--allocation-id", alloc)["NatGateway"]
    assert nat["State"] == "pending"
    server.aws("ec2", "wait", "nat-gateway-available", "--nat-gateway-ids", nat["NatGatewayId"])
    server.aws("ec2", "delete-nat-gateway", "--nat-gateway-id", nat["NatGatewayId"])
    server.advance(1)
    got = server.aws("ec2", "describe-nat-gateways", "--nat-gateway-ids", nat["NatGatewayId"])
    assert got["NatGateways"][0]["State"] == "deleted"


# --- DHCP option sets ----------------------------------------------------------------------


def test_dhcp_options_create_associate_delete(ec2):
    vpc = new_vpc(ec2)
    default_set = ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["DhcpOptionsId"]
    sets = ec2.describe_dhcp_options()["DhcpOptions"]
    assert [s["DhcpOptionsId"] for s in sets] == [default_set]
    assert {c["Key"]: [v["Value"] for v in c["Values"]] for c in sets[0]["DhcpConfigurations"]} == {
        "domain-name": ["ec2.internal"], "domain-name-servers": ["AmazonProvidedDNS"]}

    created = ec2.create_dhcp_options(DhcpConfigurations=[
        {"Key": "domain-name", "Values": ["corp.example.com"]},
        {"Key": "domain-name-servers", "Values": ["10.0.0.2", "10.0.0.3"]},
    ], TagSpecifications=[{"ResourceType": "dhcp-options", "Tags": [{"Key": "Name", "Value": "corp"}]}])
    dopt = created["DhcpOptions"]
    dopt_id = dopt["DhcpOptionsId"]
    assert dopt_id.startswith("dopt-") and dopt["OwnerId"] == A and tags_of(dopt) == {"Name": "corp"}
    servers = [c for c in dopt["DhcpConfigurations"] if c["Key"] == "domain-name-servers"][0]
    assert [v["Value"] for v in servers["Values"]] == ["10.0.0.2", "10.0.0.3"]

    by_value = ec2.describe_dhcp_options(
        Filters=[{"Name": "value", "Values": ["corp.*"]}])["DhcpOptions"]
    assert [s["DhcpOptionsId"] for s in by_value] == [dopt_id]

    ec2.associate_dhcp_options(DhcpOptionsId=dopt_id, VpcId=vpc)
    assert ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["DhcpOptionsId"] == dopt_id
    msg = raises("DependencyViolation", ec2.delete_dhcp_options, DhcpOptionsId=dopt_id)
    assert msg == f"The dhcpOptions '{dopt_id}' has dependencies and cannot be deleted."
    ec2.associate_dhcp_options(DhcpOptionsId="default", VpcId=vpc)
    assert ec2.describe_vpcs(VpcIds=[vpc])["Vpcs"][0]["DhcpOptionsId"] == default_set
    ec2.delete_dhcp_options(DhcpOptionsId=dopt_id)
    raises("InvalidDhcpOptionID.NotFound", ec2.describe_dhcp_options, DhcpOptionsIds=[dopt_id])
    raises("InvalidDhcpOptionsId.Malformed", ec2.delete_dhcp_options, DhcpOptionsId="dopt-!")
    raises("InvalidParameterValue", ec2.create_dhcp_options,
           DhcpConfigurations=[{"Key": "netbios-node-type", "Values": ["3"]}])
    raises("InvalidParameterValue", ec2.create_dhcp_options,
           DhcpConfigurations=[{"Key": "no-such-option", "Values": ["x"]}])


def test_cli_dhcp_options(server):
    out = server.aws("ec2", "create-dhcp-options", "--dhcp-configurations",
                     "Key=domain-name,Values=example.org",
                     "Key=ntp-servers,Values=169.254.169.123")["DhcpOptions"]
    dopt = out["DhcpOptionsId"]
    got = server.aws("ec2", "describe-dhcp-options", "--filters", "Name=key,Values=ntp-servers")
    assert [d["DhcpOptionsId"] for d in got["DhcpOptions"]] == [dopt]
    vpc = server.aws("ec2", "create-vpc", "--cidr-block", "10.3.0.0/16")["Vpc"]["VpcId"]
    server.aws("ec2", "associate-dhcp-options", "--dhcp-options-id", dopt, "--vpc-id", vpc)
    proc = server.aws("ec2", "delete-dhcp-options", "--dhcp-options-id", dopt, check=False)
    assert proc.returncode != 0 and "DependencyViolation" in proc.stderr
    server.aws("ec2", "delete-vpc", "--vpc-id", vpc)
    server.aws("ec2", "delete-dhcp-options", "--dhcp-options-id", dopt)
