"""Prefix delegation (issue 8 item 2) through boto3 and the aws CLI: IPv6 /80 and IPv4 /28
prefixes on CreateNetworkInterface, RunInstances, Assign/UnassignIpv6Addresses and
Assign/UnassignPrivateIpAddresses, shown by the describes and their filters, AWS's errors,
and the reachability engine treating an address inside a prefix as its interface's."""

import ipaddress

import pytest
from botocore.exceptions import ClientError

from conftest import error_code

IMAGE = "ami-0e86e20dae9224db8"


def raises(code, call, **kwargs):
    with pytest.raises(ClientError) as e:
        call(**kwargs)
    assert error_code(e) == code, e.value.response["Error"]
    return e.value.response["Error"]["Message"]


def dual_stack(ec2, cidr="10.0.0.0/16", subnet="10.0.1.0/24"):
    vpc = ec2.create_vpc(CidrBlock=cidr, AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    block = ipaddress.ip_network(vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"])
    first = next(block.subnets(new_prefix=64))
    s = ec2.create_subnet(VpcId=vpc["VpcId"], CidrBlock=subnet, Ipv6CidrBlock=str(first))["Subnet"]
    return vpc["VpcId"], s["SubnetId"], first


def eni(ec2, eni_id):
    return ec2.describe_network_interfaces(NetworkInterfaceIds=[eni_id])["NetworkInterfaces"][0]


def test_ipv6_prefixes_on_a_new_interface_and_assigned_later(ec2):
    _, s, block = dual_stack(ec2)
    created = ec2.create_network_interface(SubnetId=s, Ipv6PrefixCount=2)["NetworkInterface"]
    prefixes = [p["Ipv6Prefix"] for p in created["Ipv6Prefixes"]]
    assert len(prefixes) == 2
    for p in prefixes:
        net = ipaddress.ip_network(p)
        assert net.prefixlen == 80 and net.subnet_of(block)
    assert created["Ipv6Native"] is False
    eid = created["NetworkInterfaceId"]
    named = str(list(block.subnets(new_prefix=80))[7])
    got = ec2.assign_ipv6_addresses(NetworkInterfaceId=eid, Ipv6Prefixes=[named])
    assert got["AssignedIpv6Prefixes"] == [named] and got["AssignedIpv6Addresses"] == []
    got = ec2.assign_ipv6_addresses(NetworkInterfaceId=eid, Ipv6PrefixCount=1)
    [third] = got["AssignedIpv6Prefixes"]
    held = [p["Ipv6Prefix"] for p in eni(ec2, eid)["Ipv6Prefixes"]]
    assert sorted(held) == sorted(prefixes + [named, third])
    # Another interface cannot take it, nor an address inside it.
    other = ec2.create_network_interface(SubnetId=s)["NetworkInterface"]["NetworkInterfaceId"]
    raises("InvalidIPAddress.InUse", ec2.assign_ipv6_addresses, NetworkInterfaceId=other,
           Ipv6Prefixes=[named])
    inside = str(ipaddress.ip_network(named)[5])
    raises("InvalidIPAddress.InUse", ec2.assign_ipv6_addresses, NetworkInterfaceId=other,
           Ipv6Addresses=[inside])
    # Bad prefixes change nothing.
    before = ec2.describe_network_interfaces()["NetworkInterfaces"]
    raises("InvalidParameterValue", ec2.assign_ipv6_addresses, NetworkInterfaceId=other,
           Ipv6Prefixes=[str(block)])
    raises("InvalidParameter", ec2.assign_ipv6_addresses, NetworkInterfaceId=other,
           Ipv6Prefixes=["2001:db8:0:1::/80"])
    raises("InvalidParameterCombination", ec2.assign_ipv6_addresses, NetworkInterfaceId=other,
           Ipv6Prefixes=[named], Ipv6PrefixCount=1)
    raises("InvalidParameterValue", ec2.assign_ipv6_addresses, NetworkInterfaceId=other,
           Ipv6PrefixCount=51)
    assert ec2.describe_network_interfaces()["NetworkInterfaces"] == before
    # Unassign, then the other interface may have it.
    got = ec2.unassign_ipv6_addresses(NetworkInterfaceId=eid, Ipv6Prefixes=[named])
    assert got["UnassignedIpv6Prefixes"] == [named]
    ec2.assign_ipv6_addresses(NetworkInterfaceId=other, Ipv6Prefixes=[named])
    assert [p["Ipv6Prefix"] for p in eni(ec2, other)["Ipv6Prefixes"]] == [named]


def test_a_subnet_without_ipv6_has_no_prefixes_to_give(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    s = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    msg = raises("InvalidParameterValue", ec2.create_network_interface, SubnetId=s,
                 Ipv6PrefixCount=1)
    assert "IPv6" in msg
    tiny = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.2.0/28")["Subnet"]["SubnetId"]
    raises("InsufficientCidrBlocks", ec2.create_network_interface, SubnetId=tiny,
           Ipv4PrefixCount=1)
    assert ec2.describe_network_interfaces()["NetworkInterfaces"] == []


def test_ipv4_prefixes_through_the_aws_cli(server):
    vpc = server.aws("ec2", "create-vpc", "--cidr-block", "10.9.0.0/16")["Vpc"]["VpcId"]
    s = server.aws("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block",
                   "10.9.1.0/24")["Subnet"]["SubnetId"]
    created = server.aws("ec2", "create-network-interface", "--subnet-id", s,
                         "--ipv4-prefixes", "Ipv4Prefix=10.9.1.32/28")["NetworkInterface"]
    assert created["Ipv4Prefixes"] == [{"Ipv4Prefix": "10.9.1.32/28"}]
    eid = created["NetworkInterfaceId"]
    got = server.aws("ec2", "assign-private-ip-addresses", "--network-interface-id", eid,
                     "--ipv4-prefix-count", "1")
    assert got["AssignedIpv4Prefixes"] == [{"Ipv4Prefix": "10.9.1.16/28"}]
    subnet = server.aws("ec2", "describe-subnets", "--subnet-ids", s)["Subnets"][0]
    assert subnet["AvailableIpAddressCount"] == 251 - 1 - 32
    server.aws("ec2", "unassign-private-ip-addresses", "--network-interface-id", eid,
               "--ipv4-prefixes", "10.9.1.32/28")
    desc = server.aws("ec2", "describe-network-interfaces", "--network-interface-ids", eid)
    assert desc["NetworkInterfaces"][0]["Ipv4Prefixes"] == [{"Ipv4Prefix": "10.9.1.16/28"}]
    server.aws("ec2", "delete-network-interface", "--network-interface-id", eid)
    subnet = server.aws("ec2", "describe-subnets", "--subnet-ids", s)["Subnets"][0]
    assert subnet["AvailableIpAddressCount"] == 251


def test_run_instances_with_prefixes_and_the_instance_filters(ec2):
    _, s, block = dual_stack(ec2)
    run = ec2.run_instances(ImageId=IMAGE, MinCount=1, MaxCount=1, NetworkInterfaces=[{
        "DeviceIndex": 0, "SubnetId": s, "Ipv6PrefixCount": 1, "Ipv4PrefixCount": 1}])
    inst = run["Instances"][0]
    [nic] = inst["NetworkInterfaces"]
    [v6] = [p["Ipv6Prefix"] for p in nic["Ipv6Prefixes"]]
    [v4] = [p["Ipv4Prefix"] for p in nic["Ipv4Prefixes"]]
    assert ipaddress.ip_network(v6).subnet_of(block) and v4 == "10.0.1.16/28"

    def found(name, value):
        res = ec2.describe_instances(Filters=[{"Name": name, "Values": [value]}])["Reservations"]
        return [i["InstanceId"] for r in res for i in r["Instances"]]

    assert found("network-interface.ipv6-prefixes.ipv6-prefix", v6) == [inst["InstanceId"]]
    assert found("network-interface.ipv4-prefixes.ipv4-prefix", v4) == [inst["InstanceId"]]
    assert found("network-interface.ipv4-prefixes.ipv4-prefix", "10.0.1.32/28") == []
    assert found("network-interface.ipv6-native", "false") == [inst["InstanceId"]]


def test_reachability_to_an_address_inside_a_delegated_prefix(ec2):
    vpc, s, block = dual_stack(ec2)
    sg = ec2.create_security_group(GroupName="open", Description="d", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "Ipv6Ranges": [{"CidrIpv6": str(block)}],
         "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
    src = ec2.run_instances(ImageId=IMAGE, MinCount=1, MaxCount=1, SubnetId=s,
                            Ipv6AddressCount=1)["Instances"][0]["InstanceId"]
    dst = ec2.create_network_interface(SubnetId=s, Groups=[sg], Ipv6PrefixCount=1,
                                       Ipv4PrefixCount=1)["NetworkInterface"]
    inside6 = str(ipaddress.ip_network(dst["Ipv6Prefixes"][0]["Ipv6Prefix"])[0x42])
    inside4 = str(ipaddress.ip_network(dst["Ipv4Prefixes"][0]["Ipv4Prefix"])[3])

    def reachable(ip):
        p = ec2.create_network_insights_path(Source=src, DestinationIp=ip, Protocol="tcp",
                                             DestinationPort=22)["NetworkInsightsPath"]
        a = ec2.start_network_insights_analysis(
            NetworkInsightsPathId=p["NetworkInsightsPathId"])["NetworkInsightsAnalysis"]
        [got] = ec2.describe_network_insights_analyses(
            NetworkInsightsAnalysisIds=[a["NetworkInsightsAnalysisId"]])["NetworkInsightsAnalyses"]
        return got

    for ip in (inside6, inside4):
        got = reachable(ip)
        assert got["NetworkPathFound"] is True, got.get("Explanations")
        hops = [c["Component"]["Id"] for c in got["ForwardPathComponents"]]
        assert dst["NetworkInterfaceId"] in hops
    ec2.unassign_ipv6_addresses(NetworkInterfaceId=dst["NetworkInterfaceId"],
                                Ipv6Prefixes=[dst["Ipv6Prefixes"][0]["Ipv6Prefix"]])
    assert reachable(inside6)["NetworkPathFound"] is False
