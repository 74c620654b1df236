"""ELBv2 attributes and security groups (spec §14) through boto3 and the aws CLI: the calls
Terraform's aws_lb, aws_lb_target_group and aws_lb_listener make."""

import pytest
from botocore.exceptions import ClientError

from conftest import A, error_code


@pytest.fixture
def elbv2(server):
    return server.client(A, service="elbv2")


def world(ec2, elbv2, **lb):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=c, AvailabilityZone=z)["Subnet"]["SubnetId"]
               for c, z in [("10.0.0.0/24", "us-east-1a"), ("10.0.1.0/24", "us-east-1b")]]
    arn = elbv2.create_load_balancer(Name="svc", Type="network", Scheme="internal",
                                     Subnets=subnets, **lb)["LoadBalancers"][0]["LoadBalancerArn"]
    return vpc, subnets, arn


def as_dict(attributes):
    return {a["Key"]: a["Value"] for a in attributes}


def test_load_balancer_attributes_defaults_modify_and_deletion_protection(ec2, elbv2):
    _, _, arn = world(ec2, elbv2)
    attrs = as_dict(elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"])
    assert attrs == {
        "deletion_protection.enabled": "false",
        "load_balancing.cross_zone.enabled": "false",
        "access_logs.s3.enabled": "false",
        "access_logs.s3.bucket": "",
        "access_logs.s3.prefix": "",
        "ipv6.deny_all_igw_traffic": "true",
        "zonal_shift.config.enabled": "false",
        "dns_record.client_routing_policy": "any_availability_zone",
        "secondary_ips.auto_assigned.per_subnet": "0",
    }
    out = elbv2.modify_load_balancer_attributes(LoadBalancerArn=arn, Attributes=[
        {"Key": "load_balancing.cross_zone.enabled", "Value": "true"},
        {"Key": "deletion_protection.enabled", "Value": "true"},
    ])["Attributes"]
    assert as_dict(out)["load_balancing.cross_zone.enabled"] == "true"
    assert len(out) == len(attrs)

    with pytest.raises(ClientError) as e:
        elbv2.delete_load_balancer(LoadBalancerArn=arn)
    assert error_code(e) == "OperationNotPermitted"
    assert "deletion protection is enabled" in e.value.response["Error"]["Message"]

    for key, value, code in [
        ("no.such.key", "1", "ValidationError"),
        ("idle_timeout.timeout_seconds", "60", "InvalidConfigurationRequest"),
        ("deletion_protection.enabled", "yes", "ValidationError"),
    ]:
        with pytest.raises(ClientError) as e:
            elbv2.modify_load_balancer_attributes(LoadBalancerArn=arn,
                                                  Attributes=[{"Key": key, "Value": value}])
        assert error_code(e) == code, key
    # A refused call changed nothing.
    after = as_dict(elbv2.describe_load_balancer_attributes(LoadBalancerArn=arn)["Attributes"])
    assert after["deletion_protection.enabled"] == "true"

    elbv2.modify_load_balancer_attributes(
        LoadBalancerArn=arn, Attributes=[{"Key": "deletion_protection.enabled", "Value": "false"}])
    elbv2.delete_load_balancer(LoadBalancerArn=arn)
    assert elbv2.describe_load_balancers()["LoadBalancers"] == []


def test_target_group_and_listener_attributes(server, ec2, elbv2):
    vpc, _, arn = world(ec2, elbv2)
    tg = elbv2.create_target_group(Name="t", Protocol="TCP", Port=80, VpcId=vpc,
                                   TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    attrs = as_dict(elbv2.describe_target_group_attributes(TargetGroupArn=tg)["Attributes"])
    assert attrs["deregistration_delay.timeout_seconds"] == "300"
    assert attrs["preserve_client_ip.enabled"] == "false"
    assert attrs["load_balancing.cross_zone.enabled"] == "use_load_balancer_configuration"
    assert attrs["stickiness.type"] == "source_ip"
    out = elbv2.modify_target_group_attributes(TargetGroupArn=tg, Attributes=[
        {"Key": "deregistration_delay.timeout_seconds", "Value": "30"},
        {"Key": "preserve_client_ip.enabled", "Value": "true"}])["Attributes"]
    assert as_dict(out)["deregistration_delay.timeout_seconds"] == "30"
    with pytest.raises(ClientError) as e:
        elbv2.modify_target_group_attributes(
            TargetGroupArn=tg, Attributes=[{"Key": "slow_start.duration_seconds", "Value": "30"}])
    assert error_code(e) == "ValidationError"
    assert "is not recognized" in e.value.response["Error"]["Message"]

    listener = elbv2.create_listener(
        LoadBalancerArn=arn, Protocol="TCP", Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])["Listeners"][0]["ListenerArn"]
    got = elbv2.describe_listener_attributes(ListenerArn=listener)["Attributes"]
    assert got == [{"Key": "tcp.idle_timeout.seconds", "Value": "350"}]
    elbv2.modify_listener_attributes(ListenerArn=listener, Attributes=[
        {"Key": "tcp.idle_timeout.seconds", "Value": "600"}])
    # The aws CLI reads the same values.
    shown = server.aws("elbv2", "describe-listener-attributes", "--listener-arn", listener)
    assert shown["Attributes"] == [{"Key": "tcp.idle_timeout.seconds", "Value": "600"}]
    with pytest.raises(ClientError) as e:
        elbv2.modify_listener_attributes(ListenerArn=listener, Attributes=[
            {"Key": "tcp.idle_timeout.seconds", "Value": "30"}])
    assert error_code(e) == "ValidationError"


def test_set_security_groups(ec2, elbv2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.0.0/24",
                               AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    a = ec2.create_security_group(GroupName="a", Description="a", VpcId=vpc)["GroupId"]
    b = ec2.create_security_group(GroupName="b", Description="b", VpcId=vpc)["GroupId"]
    with_groups = elbv2.create_load_balancer(
        Name="with", Type="network", Scheme="internal", Subnets=[subnet],
        SecurityGroups=[a])["LoadBalancers"][0]
    assert with_groups["SecurityGroups"] == [a]
    assert with_groups["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] == "on"
    without = elbv2.create_load_balancer(Name="without", Type="network", Scheme="internal",
                                         Subnets=[subnet])["LoadBalancers"][0]
    assert "SecurityGroups" not in without

    out = elbv2.set_security_groups(LoadBalancerArn=with_groups["LoadBalancerArn"],
                                    SecurityGroups=[a, b],
                                    EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic="off")
    assert out["SecurityGroupIds"] == [a, b]
    assert out["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] == "off"
    lb = elbv2.describe_load_balancers(Names=["with"])["LoadBalancers"][0]
    assert lb["SecurityGroups"] == [a, b]
    assert lb["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] == "off"
    # The nodes' interfaces carry the new groups.
    enis = ec2.describe_network_interfaces(
        Filters=[{"Name": "description", "Values": ["ELB net/with/*"]}])["NetworkInterfaces"]
    assert [sorted(g["GroupId"] for g in e["Groups"]) for e in enis] == [sorted([a, b])]

    with pytest.raises(ClientError) as e:
        elbv2.set_security_groups(LoadBalancerArn=without["LoadBalancerArn"], SecurityGroups=[a])
    assert error_code(e) == "InvalidConfigurationRequest"
    assert "created without any security groups" in e.value.response["Error"]["Message"]
