"""IPv6-only subnets (issue 8 item 2) through boto3 and the aws CLI: CreateSubnet with
Ipv6Native and AWS's errors for the invalid combinations, what DescribeSubnets shows, the
launch options IPv6-only subnets allow, interfaces and instances with IPv6 addresses only,
services that need IPv4 refused, and the reachability engine deciding IPv6 flows only."""

import ipaddress

import pytest
from botocore.exceptions import ClientError

from conftest import A, error_code

IMAGE = "ami-0e86e20dae9224db8"


def raises(code, call, **kwargs):
    with pytest.raises(ClientError) as e:
        call(**kwargs)
    assert error_code(e) == code, e.value.response["Error"]
    return e.value.response["Error"]["Message"]


def vpc_with_ipv6(ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", AmazonProvidedIpv6CidrBlock=True)["Vpc"]
    block = ipaddress.ip_network(vpc["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"])
    return vpc["VpcId"], list(block.subnets(new_prefix=64))


def test_create_subnet_ipv6_native_and_its_errors(ec2):
    vpc, sixty_fours = vpc_with_ipv6(ec2)
    msg = raises("MissingParameter", ec2.create_subnet, VpcId=vpc, Ipv6Native=True)
    assert msg == "Either 'ipv6CidrBlock' or 'ipv6IpamPoolId' should be provided."
    raises("MissingParameter", ec2.create_subnet, VpcId=vpc, Ipv6Native=True,
           CidrBlock="10.0.0.0/24")
    msg = raises("InvalidParameterCombination", ec2.create_subnet, VpcId=vpc, Ipv6Native=True,
                 CidrBlock="10.0.0.0/24", Ipv6CidrBlock=str(sixty_fours[0]))
    assert "you cannot set ipv6Native to true" in msg
    raises("MissingParameter", ec2.create_subnet, VpcId=vpc, Ipv6CidrBlock=str(sixty_fours[0]))
    assert ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Subnets"] == []
    s = ec2.create_subnet(VpcId=vpc, Ipv6Native=True, Ipv6CidrBlock=str(sixty_fours[0]))["Subnet"]
    assert s["Ipv6Native"] is True and "CidrBlock" not in s
    assert s["AssignIpv6AddressOnCreation"] is True and s["MapPublicIpOnLaunch"] is False
    assert s["AvailableIpAddressCount"] == 0
    assert s["PrivateDnsNameOptionsOnLaunch"]["HostnameType"] == "resource-name"
    assert s["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"] == str(sixty_fours[0])
    dual = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24",
                             Ipv6CidrBlock=str(sixty_fours[1]))["Subnet"]["SubnetId"]
    found = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                          {"Name": "ipv6-native", "Values": ["true"]}])["Subnets"]
    assert [x["SubnetId"] for x in found] == [s["SubnetId"]]
    found = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                          {"Name": "ipv6-native", "Values": ["false"]}])["Subnets"]
    assert [x["SubnetId"] for x in found] == [dual]


def test_launch_options_an_ipv6_only_subnet_allows(server):
    ec2 = server.client(A)
    vpc, sixty_fours = vpc_with_ipv6(ec2)
    s = server.aws("ec2", "create-subnet", "--vpc-id", vpc, "--ipv6-native",
                   "--ipv6-cidr-block", str(sixty_fours[2]))["Subnet"]["SubnetId"]
    for args in (["--map-public-ip-on-launch"], ["--no-assign-ipv6-address-on-creation"],
                 ["--enable-resource-name-dns-a-record-on-launch"],
                 ["--private-dns-hostname-type-on-launch", "ip-name"]):
        proc = server.aws("ec2", "modify-subnet-attribute", "--subnet-id", s, *args, check=False)
        assert proc.returncode != 0 and "InvalidParameterValue" in proc.stderr, (args, proc.stderr)
    server.aws("ec2", "modify-subnet-attribute", "--subnet-id", s, "--enable-dns64")
    server.aws("ec2", "modify-subnet-attribute", "--subnet-id", s,
               "--enable-resource-name-dns-aaaa-record-on-launch")
    got = server.aws("ec2", "describe-subnets", "--subnet-ids", s)["Subnets"][0]
    assert got["EnableDns64"] is True
    assert got["PrivateDnsNameOptionsOnLaunch"] == {
        "HostnameType": "resource-name", "EnableResourceNameDnsARecord": False,
        "EnableResourceNameDnsAAAARecord": True}


def test_interfaces_and_instances_get_ipv6_addresses_only(server):
    ec2 = server.client(A)
    vpc, sixty_fours = vpc_with_ipv6(ec2)
    s = ec2.create_subnet(VpcId=vpc, Ipv6Native=True,
                          Ipv6CidrBlock=str(sixty_fours[0]))["Subnet"]["SubnetId"]
    eni = ec2.create_network_interface(SubnetId=s)["NetworkInterface"]
    assert "PrivateIpAddress" not in eni and eni["PrivateIpAddresses"] == []
    assert eni["Ipv6Native"] is True and len(eni["Ipv6Addresses"]) == 1
    assert ipaddress.ip_address(eni["Ipv6Addresses"][0]["Ipv6Address"]) in sixty_fours[0]
    raises("InvalidParameterValue", ec2.create_network_interface, SubnetId=s,
           PrivateIpAddress="10.0.0.5")
    raises("InvalidParameterValue", ec2.create_network_interface, SubnetId=s,
           SecondaryPrivateIpAddressCount=1)
    raises("InvalidParameterValue", ec2.create_network_interface, SubnetId=s, Ipv6AddressCount=0)
    run = server.aws("ec2", "run-instances", "--image-id", IMAGE, "--count", "1",
                     "--subnet-id", s)["Instances"][0]
    assert "PrivateIpAddress" not in run
    assert run["PrivateDnsName"] == f"{run['InstanceId']}.ec2.internal"
    [nic] = run["NetworkInterfaces"]
    assert len(nic["Ipv6Addresses"]) == 1 and nic["PrivateIpAddresses"] == []
    found = ec2.describe_instances(Filters=[
        {"Name": "network-interface.ipv6-native", "Values": ["true"]}])["Reservations"]
    assert [i["InstanceId"] for r in found for i in r["Instances"]] == [run["InstanceId"]]
    raises("InvalidParameterCombination", ec2.run_instances, ImageId=IMAGE, MinCount=1,
           MaxCount=1, NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": s,
                                           "AssociatePublicIpAddress": True}])


def test_services_that_need_ipv4_are_refused(server):
    ec2, elbv2 = server.client(A), server.client(A, service="elbv2")
    vpc, sixty_fours = vpc_with_ipv6(ec2)
    s = ec2.create_subnet(VpcId=vpc, Ipv6Native=True,
                          Ipv6CidrBlock=str(sixty_fours[0]))["Subnet"]["SubnetId"]
    raises("InvalidSubnet", ec2.create_nat_gateway, SubnetId=s, ConnectivityType="private")
    assert ec2.describe_nat_gateways()["NatGateways"] == []
    with pytest.raises(ClientError) as e:
        elbv2.create_load_balancer(Name="v6only", Type="network", Scheme="internal", Subnets=[s])
    assert error_code(e) == "InvalidSubnet"
    raises("InvalidSubnet", ec2.create_vpc_endpoint, VpcId=vpc, VpcEndpointType="Interface",
           ServiceName="com.amazonaws.us-east-1.ec2", SubnetIds=[s])


def test_the_engine_decides_ipv6_flows_and_refuses_ipv4_ones(ec2):
    vpc, sixty_fours = vpc_with_ipv6(ec2)
    native = ec2.create_subnet(VpcId=vpc, Ipv6Native=True,
                               Ipv6CidrBlock=str(sixty_fours[0]))["Subnet"]["SubnetId"]
    dual = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24",
                             Ipv6CidrBlock=str(sixty_fours[1]))["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(GroupName="ssh", Description="d", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    src = ec2.run_instances(ImageId=IMAGE, MinCount=1, MaxCount=1,
                            SubnetId=native)["Instances"][0]["InstanceId"]
    dst = ec2.run_instances(ImageId=IMAGE, MinCount=1, MaxCount=1, SubnetId=dual,
                            SecurityGroupIds=[sg], Ipv6AddressCount=1)["Instances"][0]

    def analyse(**kwargs):
        p = ec2.create_network_insights_path(Source=src, Protocol="tcp", DestinationPort=22,
                                             **kwargs)["NetworkInsightsPath"]
        a = ec2.start_network_insights_analysis(
            NetworkInsightsPathId=p["NetworkInsightsPathId"])["NetworkInsightsAnalysis"]
        [got] = ec2.describe_network_insights_analyses(
            NetworkInsightsAnalysisIds=[a["NetworkInsightsAnalysisId"]])["NetworkInsightsAnalyses"]
        return got

    got = analyse(Destination=dst["InstanceId"])
    assert got["NetworkPathFound"] is True, got.get("Explanations")
    v6 = dst["NetworkInterfaces"][0]["Ipv6Addresses"][0]["Ipv6Address"]
    assert analyse(DestinationIp=v6)["NetworkPathFound"] is True
    refused = analyse(DestinationIp=dst["PrivateIpAddress"])
    assert refused["NetworkPathFound"] is False
    assert "NO_SOURCE_OR_DESTINATION" in {e["ExplanationCode"] for e in refused["Explanations"]}


def test_ipv6_only_default_subnet(server, ec2):
    """CreateDefaultSubnet --ipv6-native: once the zone's default subnet is gone and the
    default VPC has an IPv6 block, an IPv6-only default subnet on its next free /64."""
    zone = ec2.describe_availability_zones()["AvailabilityZones"][0]["ZoneName"]
    [vpc] = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"]
    [old] = ec2.describe_subnets(Filters=[{"Name": "default-for-az", "Values": ["true"]},
                                          {"Name": "availability-zone", "Values": [zone]}])["Subnets"]
    raises("DefaultSubnetAlreadyExistsInAvailabilityZone", ec2.create_default_subnet,
           AvailabilityZone=zone, Ipv6Native=True)
    ec2.delete_subnet(SubnetId=old["SubnetId"])
    msg = raises("InvalidParameterValue", ec2.create_default_subnet, AvailabilityZone=zone,
                 Ipv6Native=True)
    assert "IPv6 CIDR block" in msg
    ec2.associate_vpc_cidr_block(VpcId=vpc["VpcId"], AmazonProvidedIpv6CidrBlock=True)
    [assoc] = ec2.describe_vpcs(VpcIds=[vpc["VpcId"]])["Vpcs"][0]["Ipv6CidrBlockAssociationSet"]
    first = next(ipaddress.ip_network(assoc["Ipv6CidrBlock"]).subnets(new_prefix=64))
    out = server.aws("ec2", "create-default-subnet", "--availability-zone", zone, "--ipv6-native")
    s = out["Subnet"]
    assert s["Ipv6Native"] is True and s["DefaultForAz"] is True and "CidrBlock" not in s
    assert s["Ipv6CidrBlockAssociationSet"][0]["Ipv6CidrBlock"] == str(first)
    assert s["AssignIpv6AddressOnCreation"] is True and s["MapPublicIpOnLaunch"] is False
    assert s["VpcId"] == vpc["VpcId"] and s["AvailabilityZone"] == zone
    inst = ec2.run_instances(ImageId=IMAGE, MinCount=1, MaxCount=1,
                             SubnetId=s["SubnetId"])["Instances"][0]
    assert "PrivateIpAddress" not in inst or not inst["PrivateIpAddress"]
    assert inst["NetworkInterfaces"][0]["Ipv6Addresses"]
