"""Describe filters (issue 8 item 3, spec §16) through boto3 and the aws CLI: the older names
tools still send, id values checked as ids, unknown names, and the value limits."""

import pytest
from botocore.exceptions import ClientError

from conftest import error_code


def names(items, key):
    return sorted(i[key] for i in items)


def test_ansible_looks_a_vpc_up_by_cidr_block_and_name(ec2):
    # amazon.aws.ec2_vpc_net: Filters=[{"tag:Name": …}, {"cidr-block": …}].
    v = ec2.create_vpc(CidrBlock="10.20.0.0/16", TagSpecifications=[
        {"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "ansible-vpc"}]}])["Vpc"]["VpcId"]
    ec2.create_vpc(CidrBlock="10.21.0.0/16")
    for name in ["cidr-block", "cidrBlock", "cidr"]:
        got = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["ansible-vpc"]},
                                         {"Name": name, "Values": ["10.20.0.0/16"]}])["Vpcs"]
        assert [x["VpcId"] for x in got] == [v], name
    default = ec2.describe_vpcs(Filters=[{"Name": "isDefault", "Values": ["true"]}])["Vpcs"]
    assert [x["IsDefault"] for x in default] == [True]
    assert ec2.describe_vpcs(Filters=[{"Name": "tag-value", "Values": ["ansible-*"]}])["Vpcs"][0]["VpcId"] == v


def test_subnet_filters_by_their_2014_names(ec2):
    v = ec2.create_vpc(CidrBlock="10.30.0.0/16")["Vpc"]["VpcId"]
    zone = ec2.describe_availability_zones()["AvailabilityZones"][0]
    s = ec2.create_subnet(VpcId=v, CidrBlock="10.30.1.0/24", AvailabilityZone=zone["ZoneName"])["Subnet"]
    for name, value in [("availabilityZone", zone["ZoneName"]), ("availabilityZoneId", zone["ZoneId"]),
                        ("cidrBlock", "10.30.1.0/24"), ("cidr", "10.30.1.0/24"),
                        ("defaultForAz", "false"), ("ipv6-native", "false")]:
        got = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [v]},
                                            {"Name": name, "Values": [value]}])["Subnets"]
        assert [x["SubnetId"] for x in got] == [s["SubnetId"]], name
    defaults = ec2.describe_subnets(Filters=[{"Name": "defaultForAz", "Values": ["true"]}])["Subnets"]
    assert defaults and all(x["DefaultForAz"] for x in defaults)


def test_id_values_are_checked_as_ids(ec2):
    for call, name, code in [
        (ec2.describe_security_groups, "group-id", "InvalidGroupId.Malformed"),
        (ec2.describe_subnets, "vpc-id", "InvalidVpcId.Malformed"),
        (ec2.describe_network_interfaces, "network-interface-id", "InvalidNetworkInterfaceId.Malformed"),
        (ec2.describe_route_tables, "route-table-id", "InvalidRouteTableId.Malformed"),
    ]:
        with pytest.raises(ClientError) as e:
            call(Filters=[{"Name": name, "Values": ["not-an-id"]}])
        assert error_code(e) == code, name
    # A pattern is not an id.
    assert ec2.describe_security_groups(Filters=[{"Name": "group-id", "Values": ["sg-*"]}])["SecurityGroups"]


def test_unknown_names_get_their_actions_code(ec2):
    with pytest.raises(ClientError) as e:
        ec2.describe_vpcs(Filters=[{"Name": "bogus", "Values": ["x"]}])
    assert error_code(e) == "InvalidParameterValue"
    assert e.value.response["Error"]["Message"] == "The filter 'bogus' is invalid"
    with pytest.raises(ClientError) as e:
        ec2.describe_vpc_endpoint_services(Filters=[{"Name": "vpc-id", "Values": ["vpc-0123abcd"]}])
    assert error_code(e) == "InvalidFilter"
    with pytest.raises(ClientError) as e:
        ec2.describe_security_group_rules(Filters=[{"Name": "tag-key", "Values": ["x"]}])
    assert error_code(e) == "InvalidParameterValue"


def test_more_than_200_values_is_refused(ec2):
    values = [f"10.{i // 256}.{i % 256}.0/24" for i in range(201)]
    with pytest.raises(ClientError) as e:
        ec2.describe_subnets(Filters=[{"Name": "cidr-block", "Values": values}])
    assert error_code(e) == "FilterLimitExceeded"
    assert ec2.describe_subnets(Filters=[{"Name": "cidr-block", "Values": values[:200]}])["Subnets"] == []


def test_the_cli_sends_the_same_names(server):
    server.aws("ec2", "create-vpc", "--cidr-block", "10.40.0.0/16")
    got = server.aws("ec2", "describe-vpcs", "--filters", "Name=cidr-block,Values=10.40.0.0/16")
    assert [x["CidrBlock"] for x in got["Vpcs"]] == ["10.40.0.0/16"]
    proc = server.aws("ec2", "describe-vpcs", "--filters", "Name=cidr-blocks,Values=x", check=False)
    assert proc.returncode != 0 and "InvalidParameterValue" in proc.stderr
