"""Network Insights through network load balancers, as AWS decides them (spec §14, §17):
a client reaching an NLB directly, its listeners, cross-zone load balancing off by default
and the attribute that turns it on, all through boto3."""

import pytest

from conftest import A
from test_insights import analyse, codes, path


@pytest.fixture
def elbv2(server):
    return server.client(A, service="elbv2")


def lb_world(ec2, elbv2):
    """A VPC with subnets in us-east-1a and us-east-1b; an internal NLB without security
    groups in both, listening on TCP 80 for an instance target group (port 8080) whose one
    target sits in us-east-1a; a client instance in us-east-1a."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    sa, sb = [ec2.create_subnet(VpcId=vpc, CidrBlock=c, AvailabilityZone=z)["Subnet"]["SubnetId"]
              for c, z in [("10.0.1.0/24", "us-east-1a"), ("10.0.2.0/24", "us-east-1b")]]
    sg = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
        "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])

    def instance(subnet):
        return ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1,
                                 SubnetId=subnet, SecurityGroupIds=[sg])["Instances"][0][
            "InstanceId"]

    client, target_a, target_b = instance(sa), instance(sa), instance(sb)
    lb = elbv2.create_load_balancer(Name="web", Type="network", Scheme="internal",
                                    Subnets=[sa, sb])["LoadBalancers"][0]
    node_a = next(z["LoadBalancerAddresses"][0]["PrivateIPv4Address"]
                  for z in lb["AvailabilityZones"] if z["ZoneName"] == "us-east-1a")
    tg = elbv2.create_target_group(Name="web", Protocol="TCP", Port=8080, VpcId=vpc,
                                   TargetType="instance")["TargetGroups"][0]["TargetGroupArn"]
    elbv2.register_targets(TargetGroupArn=tg, Targets=[{"Id": target_a}])
    elbv2.create_listener(LoadBalancerArn=lb["LoadBalancerArn"], Protocol="TCP", Port=80,
                          DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    return {"client": client, "a": target_a, "b": target_b, "node_a": node_a, "tg": tg,
            "lb": lb["LoadBalancerArn"]}


def test_client_to_nlb_listener_and_targets(ec2, elbv2, server):
    w = lb_world(ec2, elbv2)
    # No security groups on the load balancer: the listener takes the client.
    p = path(ec2, w["client"], port=80, DestinationIp=w["node_a"])
    got = analyse(ec2, p["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is True, got.get("Explanations")
    components = [c["Component"]["Id"] for c in got["ForwardPathComponents"]]
    eni_a = ec2.describe_instances(InstanceIds=[w["a"]])["Reservations"][0]["Instances"][0][
        "NetworkInterfaces"][0]["NetworkInterfaceId"]
    assert w["lb"] in components and w["tg"] in components and eni_a in components
    # The load balancer's component names the listener, target group and target it applied.
    listener = elbv2.describe_listeners(LoadBalancerArn=w["lb"])["Listeners"][0]["ListenerArn"]
    lb = next(c for c in got["ForwardPathComponents"] if c["Component"]["Id"] == w["lb"])
    assert lb["Component"]["Arn"] == w["lb"]
    assert lb["ElasticLoadBalancerListener"] == {"Id": listener, "Arn": listener}
    [applied] = lb["Explanations"]
    assert applied["LoadBalancerArn"] == w["lb"]
    assert applied["ElasticLoadBalancerListener"]["Arn"] == listener
    assert applied["LoadBalancerListenerPort"] == 80
    assert applied["LoadBalancerTargetGroup"]["Arn"] == w["tg"]
    assert [g["Arn"] for g in applied["LoadBalancerTargetGroups"]] == [w["tg"]]
    target = applied["LoadBalancerTarget"]
    assert target["Instance"]["Id"] == w["a"] and target["Port"] == 8080
    assert target["AvailabilityZone"] == "us-east-1a"
    assert applied["LoadBalancerTargetPort"] == 8080
    assert applied["Protocols"] == ["tcp"]
    # The aws CLI sees the same members.
    lid = got["NetworkInsightsAnalysisId"]
    cli = server.aws("ec2", "describe-network-insights-analyses",
                     "--network-insights-analysis-ids", lid)
    cli_lb = next(c for c in cli["NetworkInsightsAnalyses"][0]["ForwardPathComponents"]
                  if c["Component"]["Id"] == w["lb"])
    assert cli_lb["Explanations"][0]["LoadBalancerTarget"]["Port"] == 8080

    # No listener on port 81.
    p = path(ec2, w["client"], port=81, DestinationIp=w["node_a"])
    got = analyse(ec2, p["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is False
    assert codes(got) == ["ELBV2_LISTENERS_MISMATCH"]
    [e] = got["Explanations"]
    assert e["Component"]["Arn"] == w["lb"] and e["LoadBalancerArn"] == w["lb"]
    assert e["Port"] == 81 and e["Protocols"] == ["tcp"]

    # A listener whose target group has no targets.
    elbv2.deregister_targets(TargetGroupArn=w["tg"], Targets=[{"Id": w["a"]}])
    got = analyse(ec2, path(ec2, w["client"], port=80, DestinationIp=w["node_a"])[
        "NetworkInsightsPathId"])
    assert codes(got) == ["ELBV2_LISTENER_HAS_NO_TG"]
    [e] = got["Explanations"]
    assert e["Component"]["Arn"] == listener
    assert e["ElasticLoadBalancerListener"]["Arn"] == listener
    assert e["LoadBalancerListenerPort"] == 80
    assert e["LoadBalancerTargetGroup"]["Arn"] == w["tg"]


def test_cross_zone_is_off_by_default_and_the_attribute_turns_it_on(ec2, elbv2):
    w = lb_world(ec2, elbv2)
    # The only target moves to us-east-1b; the client enters by the node in us-east-1a.
    elbv2.register_targets(TargetGroupArn=w["tg"], Targets=[{"Id": w["b"]}])
    elbv2.deregister_targets(TargetGroupArn=w["tg"], Targets=[{"Id": w["a"]}])
    p = path(ec2, w["client"], port=80, DestinationIp=w["node_a"])["NetworkInsightsPathId"]
    got = analyse(ec2, p)
    assert got["NetworkPathFound"] is False
    assert codes(got) == ["ELBV2_NO_TARGETS_IN_AZ"]
    [e] = got["Explanations"]
    assert e["AvailabilityZones"] == ["us-east-1a"] and len(e["AvailabilityZoneIds"]) == 1
    assert e["LoadBalancerArn"] == w["lb"] and e["LoadBalancerTargetGroup"]["Arn"] == w["tg"]
    elbv2.modify_load_balancer_attributes(LoadBalancerArn=w["lb"], Attributes=[
        {"Key": "load_balancing.cross_zone.enabled", "Value": "true"}])
    assert analyse(ec2, p)["NetworkPathFound"] is True
    # The target group's own setting wins over the load balancer's.
    elbv2.modify_target_group_attributes(TargetGroupArn=w["tg"], Attributes=[
        {"Key": "load_balancing.cross_zone.enabled", "Value": "false"}])
    assert codes(analyse(ec2, p)) == ["ELBV2_NO_TARGETS_IN_AZ"]
