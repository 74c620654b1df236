"""IPv6 throughout (issue 8 item 2) through boto3: CreateVpc's IPv6 parameters, subnet
blocks of /44–/64, every ModifySubnetAttribute attribute and PrivateDnsNameOptionsOnLaunch."""

import ipaddress

import pytest
from botocore.exceptions import ClientError

from conftest import error_code


def raises(code, call, **kwargs):
    with pytest.raises(ClientError) as e:
        call(**kwargs)
    assert error_code(e) == code, e.value.response["Error"]
    return e.value.response["Error"]["Message"]


def test_create_vpc_with_an_amazon_block_and_its_border_group(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True,
                         Ipv6CidrBlockNetworkBorderGroup="us-east-1")["Vpc"]
    block = vpc["Ipv6CidrBlockAssociationSet"][0]
    assert block["NetworkBorderGroup"] == "us-east-1" and block["Ipv6CidrBlock"].endswith("/56")
    before = ec2.describe_vpcs()["Vpcs"]
    raises("InvalidParameterValue", ec2.create_vpc, CidrBlock="10.1.0.0/16",
           AmazonProvidedIpv6CidrBlock=True, Ipv6CidrBlockNetworkBorderGroup="us-west-2-lax-1")
    raises("InvalidParameterCombination", ec2.create_vpc, CidrBlock="10.1.0.0/16",
           Ipv6CidrBlockNetworkBorderGroup="us-east-1")
    # A BYOIP pool openvpc does not have: AWS's error, not UnknownParameter.
    raises("InvalidIpv6PoolID.NotFound", ec2.create_vpc, CidrBlock="10.1.0.0/16",
           Ipv6Pool="ipv6pool-ec2-0123456789abcdef0", Ipv6CidrBlock="2001:db8::/56")
    raises("MissingParameter", ec2.create_vpc, CidrBlock="10.1.0.0/16", Ipv6CidrBlock="2001:db8::/56")
    raises("InvalidIpv6PoolID.NotFound", ec2.associate_vpc_cidr_block, VpcId=vpc["VpcId"],
           Ipv6Pool="ipv6pool-ec2-0123456789abcdef0")
    assert ec2.describe_vpcs()["Vpcs"] == before  # nothing changed on an error


def test_subnet_blocks_from_44_to_64_in_steps_of_4(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    block = ipaddress.ip_network(vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"])
    sixties = list(block.subnets(new_prefix=60))
    a = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.0.0.0/24",
                          Ipv6CidrBlock=str(sixties[0]))["Subnet"]
    assert a["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"] == str(sixties[0])
    b = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    raises("InvalidSubnet.Range", ec2.associate_subnet_cidr_block, SubnetId=b,
           Ipv6CidrBlock=str(next(sixties[1].subnets(new_prefix=62))))
    raises("InvalidSubnet.Conflict", ec2.associate_subnet_cidr_block, SubnetId=b,
           Ipv6CidrBlock=str(next(sixties[0].subnets(new_prefix=64))))
    got = ec2.associate_subnet_cidr_block(SubnetId=b, Ipv6CidrBlock=str(sixties[1]))
    assert got["Ipv6CidrBlockAssociation"]["Ipv6CidrBlock"] == str(sixties[1])


def test_every_modify_subnet_attribute(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    s = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.0.0.0/24")["Subnet"]["SubnetId"]
    msg = raises("InvalidParameterValue", ec2.modify_subnet_attribute, SubnetId=s,
                 AssignIpv6AddressOnCreation={"Value": True})
    assert "IPv6 CIDR block" in msg
    fresh = ec2.describe_subnets(SubnetIds=[s])["Subnets"][0]
    assert fresh["PrivateDnsNameOptionsOnLaunch"] == {
        "HostnameType": "ip-name", "EnableResourceNameDnsARecord": False,
        "EnableResourceNameDnsAAAARecord": False}
    assert fresh["EnableDns64"] is False and fresh["Ipv6Native"] is False
    for kwargs in [dict(EnableDns64={"Value": True}),
                   dict(PrivateDnsHostnameTypeOnLaunch="resource-name"),
                   dict(EnableResourceNameDnsARecordOnLaunch={"Value": True}),
                   dict(EnableResourceNameDnsAAAARecordOnLaunch={"Value": True}),
                   dict(EnableLniAtDeviceIndex=1),
                   dict(MapCustomerOwnedIpOnLaunch={"Value": False})]:
        ec2.modify_subnet_attribute(SubnetId=s, **kwargs)
    got = ec2.describe_subnets(SubnetIds=[s])["Subnets"][0]
    assert got["EnableDns64"] is True and got["EnableLniAtDeviceIndex"] == 1
    assert got["PrivateDnsNameOptionsOnLaunch"] == {
        "HostnameType": "resource-name", "EnableResourceNameDnsARecord": True,
        "EnableResourceNameDnsAAAARecord": True}
    found = ec2.describe_subnets(Filters=[
        {"Name": "private-dns-name-options-on-launch.hostname-type", "Values": ["resource-name"]},
        {"Name": "enable-dns64", "Values": ["true"]}])["Subnets"]
    assert [x["SubnetId"] for x in found] == [s]
    # Refused, and nothing changes.
    raises("InvalidParameterValue", ec2.modify_subnet_attribute, SubnetId=s,
           PrivateDnsHostnameTypeOnLaunch="ip-address")
    raises("InvalidParameterValue", ec2.modify_subnet_attribute, SubnetId=s, EnableLniAtDeviceIndex=0)
    raises("InvalidParameterValue", ec2.modify_subnet_attribute, SubnetId=s,
           MapCustomerOwnedIpOnLaunch={"Value": True})
    raises("InvalidParameterCombination", ec2.modify_subnet_attribute, SubnetId=s,
           EnableDns64={"Value": False}, MapPublicIpOnLaunch={"Value": True})
    assert ec2.describe_subnets(SubnetIds=[s])["Subnets"][0] == got
    ec2.modify_subnet_attribute(SubnetId=s, DisableLniAtDeviceIndex={"Value": True})
    assert "EnableLniAtDeviceIndex" not in ec2.describe_subnets(SubnetIds=[s])["Subnets"][0]


def test_interface_ipv6_addresses_assigned_and_unassigned(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    block = ipaddress.ip_network(vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"])
    sub = next(block.subnets(new_prefix=64))
    s = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock="10.0.0.0/24", Ipv6CidrBlock=str(sub))["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=s, Ipv6AddressCount=1)["NetworkInterface"]
    e = eni["NetworkInterfaceId"]
    assert len(eni["Ipv6Addresses"]) == 1
    got = ec2.assign_ipv6_addresses(NetworkInterfaceId=e, Ipv6AddressCount=2)
    assert got["NetworkInterfaceId"] == e and len(got["AssignedIpv6Addresses"]) == 2
    named = str(sub[0x99])
    assert ec2.assign_ipv6_addresses(NetworkInterfaceId=e, Ipv6Addresses=[named])["AssignedIpv6Addresses"] == [named]
    held = [a["Ipv6Address"] for a in ec2.describe_network_interfaces(NetworkInterfaceIds=[e])["NetworkInterfaces"][0]["Ipv6Addresses"]]
    assert len(held) == 4 and named in held
    found = ec2.describe_network_interfaces(Filters=[{"Name": "ipv6-addresses.ipv6-address", "Values": [named]}])
    assert [x["NetworkInterfaceId"] for x in found["NetworkInterfaces"]] == [e]
    raises("InvalidParameterValue", ec2.assign_ipv6_addresses, NetworkInterfaceId=e, Ipv6Addresses=[named])
    raises("InvalidParameter", ec2.assign_ipv6_addresses, NetworkInterfaceId=e, Ipv6Addresses=["2001:db8::5"])
    gone = ec2.unassign_ipv6_addresses(NetworkInterfaceId=e, Ipv6Addresses=[named])
    assert gone["UnassignedIpv6Addresses"] == [named]
    raises("InvalidParameterValue", ec2.unassign_ipv6_addresses, NetworkInterfaceId=e, Ipv6Addresses=[named])
    after = ec2.describe_network_interfaces(NetworkInterfaceIds=[e])["NetworkInterfaces"][0]["Ipv6Addresses"]
    assert len(after) == 3
    # Instances launched into a subnet that assigns IPv6 at creation get one.
    ec2.modify_subnet_attribute(SubnetId=s, AssignIpv6AddressOnCreation={"Value": True})
    inst = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1, SubnetId=s)["Instances"][0]
    assert len(inst["NetworkInterfaces"][0]["Ipv6Addresses"]) == 1
