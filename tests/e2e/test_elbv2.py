"""ELBv2 (network and gateway load balancers) through boto3 and the aws CLI."""

import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, error_code


@pytest.fixture
def elbv2(server):
    """boto3 ELBv2 client of account A in us-east-1."""
    return server.client(A, service="elbv2")


def network(ec2):
    """A VPC with subnets in us-east-1a and us-east-1b (and a second one in 1a)."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]
        for cidr, az in [("10.0.0.0/24", "us-east-1a"), ("10.0.1.0/24", "us-east-1b"),
                         ("10.0.2.0/24", "us-east-1a")]
    ]
    return vpc, subnets


def nlb(elbv2, name, subnets, **kw):
    return elbv2.create_load_balancer(Name=name, Type="network", Scheme="internal",
                                      Subnets=subnets, **kw)["LoadBalancers"][0]


def test_internal_nlb_end_to_end(ec2, elbv2):
    vpc, subnets = network(ec2)
    created = nlb(elbv2, "svc", subnets[:2], Tags=[{"Key": "team", "Value": "net"}])
    arn = created["LoadBalancerArn"]
    assert arn.startswith(f"arn:aws:elasticloadbalancing:us-east-1:{A}:loadbalancer/net/svc/")
    hex16 = arn.rsplit("/", 1)[1]
    assert len(hex16) == 16
    assert created["DNSName"] == f"svc-{hex16}.elb.us-east-1.amazonaws.com"
    assert created["CanonicalHostedZoneId"] == "Z26RNL4JYFTOTI"
    assert created["State"]["Code"] == "provisioning"
    assert created["VpcId"] == vpc and created["Type"] == "network" and created["Scheme"] == "internal"
    zones = {z["ZoneName"]: z for z in created["AvailabilityZones"]}
    assert set(zones) == {"us-east-1a", "us-east-1b"}
    assert zones["us-east-1a"]["LoadBalancerAddresses"] == [{"PrivateIPv4Address": "10.0.0.4"}]

    described = elbv2.describe_load_balancers(Names=["svc"])["LoadBalancers"]
    assert [lb["LoadBalancerArn"] for lb in described] == [arn]
    assert described[0]["State"]["Code"] == "active"
    elbv2.get_waiter("load_balancer_available").wait(LoadBalancerArns=[arn])

    tg = elbv2.create_target_group(Name="svc-tg", Protocol="TCP", Port=8080, VpcId=vpc,
                                   TargetType="ip")["TargetGroups"][0]
    tg_arn = tg["TargetGroupArn"]
    assert tg_arn.startswith(f"arn:aws:elasticloadbalancing:us-east-1:{A}:targetgroup/svc-tg/")
    assert tg["HealthCheckProtocol"] == "TCP" and tg["HealthCheckPort"] == "traffic-port"
    assert tg["LoadBalancerArns"] == []
    elbv2.register_targets(TargetGroupArn=tg_arn,
                           Targets=[{"Id": "10.0.0.10"}, {"Id": "10.0.1.10", "Port": 9090}])
    health = elbv2.describe_target_health(TargetGroupArn=tg_arn)["TargetHealthDescriptions"]
    assert {h["TargetHealth"]["State"] for h in health} == {"unused"}
    assert {h["TargetHealth"]["Reason"] for h in health} == {"Target.NotInUse"}

    listener = elbv2.create_listener(
        LoadBalancerArn=arn, Protocol="TCP", Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg_arn}])["Listeners"][0]
    assert listener["ListenerArn"].startswith(
        f"arn:aws:elasticloadbalancing:us-east-1:{A}:listener/net/svc/{hex16}/")
    assert listener["DefaultActions"][0]["TargetGroupArn"] == tg_arn
    assert elbv2.describe_listeners(LoadBalancerArn=arn)["Listeners"][0]["Port"] == 80
    groups = elbv2.describe_target_groups(LoadBalancerArn=arn)["TargetGroups"]
    assert [g["TargetGroupArn"] for g in groups] == [tg_arn]
    assert groups[0]["LoadBalancerArns"] == [arn]

    health = elbv2.describe_target_health(TargetGroupArn=tg_arn)["TargetHealthDescriptions"]
    by_id = {h["Target"]["Id"]: h for h in health}
    assert {h["TargetHealth"]["State"] for h in health} == {"healthy"}
    assert by_id["10.0.1.10"]["Target"]["Port"] == 9090
    assert by_id["10.0.1.10"]["HealthCheckPort"] == "9090"
    elbv2.get_waiter("target_in_service").wait(TargetGroupArn=tg_arn)

    tags = elbv2.describe_tags(ResourceArns=[arn, tg_arn])["TagDescriptions"]
    assert tags[0]["Tags"] == [{"Key": "team", "Value": "net"}] and tags[1]["Tags"] == []
    elbv2.add_tags(ResourceArns=[tg_arn], Tags=[{"Key": "tier", "Value": "backend"}])
    elbv2.remove_tags(ResourceArns=[arn], TagKeys=["team"])
    tags = elbv2.describe_tags(ResourceArns=[arn, tg_arn])["TagDescriptions"]
    assert tags[0]["Tags"] == [] and tags[1]["Tags"] == [{"Key": "tier", "Value": "backend"}]

    # Delete in order: listener, targets, group, load balancer; then the subnets are free.
    with pytest.raises(ClientError) as e:
        elbv2.delete_target_group(TargetGroupArn=tg_arn)
    assert error_code(e) == "ResourceInUse"
    elbv2.delete_listener(ListenerArn=listener["ListenerArn"])
    elbv2.deregister_targets(TargetGroupArn=tg_arn, Targets=[{"Id": "10.0.0.10"}])
    assert len(elbv2.describe_target_health(TargetGroupArn=tg_arn)["TargetHealthDescriptions"]) == 1
    elbv2.delete_target_group(TargetGroupArn=tg_arn)
    elbv2.delete_load_balancer(LoadBalancerArn=arn)
    assert elbv2.describe_load_balancers()["LoadBalancers"] == []
    for s in subnets:
        ec2.delete_subnet(SubnetId=s)


def test_load_balancer_interfaces_are_requester_managed(ec2, elbv2):
    _, subnets = network(ec2)
    lb = nlb(elbv2, "enis", subnets[:2])
    hex16 = lb["LoadBalancerArn"].rsplit("/", 1)[1]
    with pytest.raises(ClientError) as e:
        ec2.delete_subnet(SubnetId=subnets[0])
    assert error_code(e) == "DependencyViolation"
    enis = ec2.describe_network_interfaces(
        Filters=[{"Name": "description", "Values": [f"ELB net/enis/{hex16}"]}])["NetworkInterfaces"]
    assert sorted(e["SubnetId"] for e in enis) == sorted(subnets[:2])
    for eni in enis:
        assert eni["InterfaceType"] == "network_load_balancer"
        assert eni["RequesterManaged"] is True
    elbv2.delete_load_balancer(LoadBalancerArn=lb["LoadBalancerArn"])
    enis = ec2.describe_network_interfaces(
        Filters=[{"Name": "description", "Values": [f"ELB net/enis/{hex16}"]}])["NetworkInterfaces"]
    assert enis == []


def test_same_settings_are_idempotent_and_other_settings_refused(ec2, elbv2):
    vpc, subnets = network(ec2)
    first = nlb(elbv2, "dup", subnets[:2])
    again = nlb(elbv2, "dup", subnets[:2])
    assert again["LoadBalancerArn"] == first["LoadBalancerArn"]
    with pytest.raises(ClientError) as e:
        nlb(elbv2, "dup", subnets[:1])
    assert error_code(e) == "DuplicateLoadBalancerName"
    assert e.value.response["Error"]["Message"] == (
        "A load balancer with the same name 'dup' exists, but with different settings")
    tg = elbv2.create_target_group(Name="dup", Protocol="TCP", Port=80, VpcId=vpc)["TargetGroups"][0]
    assert tg["TargetType"] == "instance"
    assert elbv2.create_target_group(Name="dup", Protocol="TCP", Port=80,
                                     VpcId=vpc)["TargetGroups"][0]["TargetGroupArn"] == tg["TargetGroupArn"]
    with pytest.raises(ClientError) as e:
        elbv2.create_target_group(Name="dup", Protocol="UDP", Port=80, VpcId=vpc)
    assert error_code(e) == "DuplicateTargetGroupName"


def test_refusals(ec2, elbv2):
    vpc, subnets = network(ec2)

    def code(fn, **kw):
        with pytest.raises(ClientError) as e:
            fn(**kw)
        assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        return error_code(e)

    assert code(elbv2.create_load_balancer, Name="app", Subnets=subnets[:2]) == "ValidationError"
    assert code(elbv2.create_load_balancer, Name="app", Type="application",
                Subnets=subnets[:2]) == "ValidationError"
    assert code(nlb, elbv2=elbv2, name="same-az", subnets=[subnets[0], subnets[2]]) == \
        "InvalidConfigurationRequest"
    assert code(nlb, elbv2=elbv2, name="nosub", subnets=["subnet-0123456789abcdef0"]) == "SubnetNotFound"
    assert code(elbv2.create_load_balancer, Name="public", Type="network",
                Subnets=subnets[:1]) == "InvalidSubnet"  # no internet gateway
    with pytest.raises(ClientError) as e:
        elbv2.describe_load_balancers(Names=["missing"])
    assert error_code(e) == "LoadBalancerNotFound"
    assert e.value.response["Error"]["Message"] == "Load balancers '[missing]' not found"
    missing_tg = f"arn:aws:elasticloadbalancing:us-east-1:{A}:targetgroup/x/0123456789abcdef"
    with pytest.raises(ClientError) as e:
        elbv2.describe_target_groups(TargetGroupArns=[missing_tg])
    assert error_code(e) == "TargetGroupNotFound"
    assert e.value.response["Error"]["Message"] == f"Target groups '{missing_tg}' not found"
    assert code(elbv2.describe_target_groups, TargetGroupArns=["not-an-arn"]) == "ValidationError"
    assert code(elbv2.describe_listeners,
                ListenerArns=[f"arn:aws:elasticloadbalancing:us-east-1:{A}:listener/net/x/0123456789abcdef/0123456789abcdef"]) \
        == "ListenerNotFound"

    lb = nlb(elbv2, "lb", subnets[:2])["LoadBalancerArn"]
    tg = elbv2.create_target_group(Name="tg", Protocol="TCP", Port=80, VpcId=vpc,
                                   TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    udp = elbv2.create_target_group(Name="udp", Protocol="UDP", Port=53, VpcId=vpc,
                                    TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    assert code(elbv2.register_targets, TargetGroupArn=tg, Targets=[{"Id": "8.8.8.8"}]) == "InvalidTarget"
    assert code(elbv2.register_targets, TargetGroupArn=tg,
                Targets=[{"Id": "i-0123456789abcdef0"}]) == "InvalidTarget"
    forward = [{"Type": "forward", "TargetGroupArn": tg}]
    elbv2.create_listener(LoadBalancerArn=lb, Protocol="TCP", Port=80, DefaultActions=forward)
    assert code(elbv2.create_listener, LoadBalancerArn=lb, Protocol="UDP", Port=80,
                DefaultActions=[{"Type": "forward", "TargetGroupArn": udp}]) == "DuplicateListener"
    assert code(elbv2.create_listener, LoadBalancerArn=lb, Protocol="TCP", Port=81,
                DefaultActions=[{"Type": "forward", "TargetGroupArn": udp}]) == "IncompatibleProtocols"
    assert code(elbv2.create_listener, LoadBalancerArn=lb, Protocol="HTTP", Port=82,
                DefaultActions=forward) == "ValidationError"


def test_accounts_are_isolated(server, ec2, elbv2):
    _, subnets = network(ec2)
    arn = nlb(elbv2, "mine", subnets[:1])["LoadBalancerArn"]
    theirs = server.client(B, service="elbv2")
    assert theirs.describe_load_balancers()["LoadBalancers"] == []
    with pytest.raises(ClientError) as e:
        theirs.describe_load_balancers(LoadBalancerArns=[arn])
    assert error_code(e) == "LoadBalancerNotFound"
    with pytest.raises(ClientError) as e:
        theirs.create_load_balancer(Name="x", Type="network", Scheme="internal", Subnets=subnets[:1])
    assert error_code(e) == "SubnetNotFound"


def test_pagination_with_markers(ec2, elbv2):
    vpc, _ = network(ec2)
    names = [f"tg{i}" for i in range(5)]
    for n in names:
        elbv2.create_target_group(Name=n, Protocol="TCP", Port=80, VpcId=vpc)
    pages = list(elbv2.get_paginator("describe_target_groups").paginate(PaginationConfig={"PageSize": 2}))
    assert [len(p["TargetGroups"]) for p in pages] == [2, 2, 1]
    seen = [g["TargetGroupName"] for p in pages for g in p["TargetGroups"]]
    assert sorted(seen) == names


def test_gateway_load_balancer(ec2, elbv2):
    vpc, subnets = network(ec2)
    gw = elbv2.create_load_balancer(Name="gw", Type="gateway", Subnets=subnets[:2])["LoadBalancers"][0]
    assert ":loadbalancer/gwy/gw/" in gw["LoadBalancerArn"] and gw["Type"] == "gateway"
    tg = elbv2.create_target_group(Name="geneve", Protocol="GENEVE", Port=6081, VpcId=vpc,
                                   TargetType="ip")["TargetGroups"][0]["TargetGroupArn"]
    listener = elbv2.create_listener(LoadBalancerArn=gw["LoadBalancerArn"],
                                     DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    got = listener["Listeners"][0]
    assert ":listener/gwy/gw/" in got["ListenerArn"] and "Port" not in got and "Protocol" not in got


def test_unsigned_elbv2_errors_use_the_elbv2_document(server):
    req = urllib.request.Request(
        server.endpoint, method="POST",
        data=b"Action=DescribeLoadBalancers&Version=2015-12-01",
        headers={"Content-Type": "application/x-www-form-urlencoded"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10)
    body = e.value.read().decode()
    assert e.value.code == 401
    assert body.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse '
                           'xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">')
    assert "<Code>MissingAuthenticationToken</Code>" in body


def test_cli_flow(server, ec2):
    vpc, subnets = network(ec2)
    lb = server.aws("elbv2", "create-load-balancer", "--name", "cli-nlb", "--type", "network",
                    "--scheme", "internal", "--subnets", *subnets[:2],
                    "--tags", "Key=owner,Value=cli")["LoadBalancers"][0]
    arn = lb["LoadBalancerArn"]
    assert lb["Type"] == "network" and lb["Scheme"] == "internal"
    server.aws("elbv2", "wait", "load-balancer-available", "--load-balancer-arns", arn)
    tg = server.aws("elbv2", "create-target-group", "--name", "cli-tg", "--protocol", "TCP",
                    "--port", "443", "--vpc-id", vpc, "--target-type", "ip")["TargetGroups"][0]
    tg_arn = tg["TargetGroupArn"]
    server.aws("elbv2", "register-targets", "--target-group-arn", tg_arn,
               "--targets", "Id=10.0.0.20", "Id=10.0.1.20,Port=8443")
    listener = server.aws("elbv2", "create-listener", "--load-balancer-arn", arn,
                          "--protocol", "TCP", "--port", "443",
                          "--default-actions", f"Type=forward,TargetGroupArn={tg_arn}")["Listeners"][0]
    health = server.aws("elbv2", "describe-target-health",
                        "--target-group-arn", tg_arn)["TargetHealthDescriptions"]
    assert sorted((h["Target"]["Id"], h["TargetHealth"]["State"]) for h in health) == [
        ("10.0.0.20", "healthy"), ("10.0.1.20", "healthy")]
    described = server.aws("elbv2", "describe-load-balancers", "--names", "cli-nlb")["LoadBalancers"]
    assert described[0]["State"]["Code"] == "active"
    assert server.aws("elbv2", "describe-tags", "--resource-arns", arn)["TagDescriptions"][0]["Tags"] == [
        {"Key": "owner", "Value": "cli"}]
    missing = server.aws("elbv2", "describe-load-balancers", "--names", "nope", check=False)
    assert missing.returncode != 0 and "LoadBalancerNotFound" in missing.stderr
    server.aws("elbv2", "delete-listener", "--listener-arn", listener["ListenerArn"])
    server.aws("elbv2", "delete-target-group", "--target-group-arn", tg_arn)
    server.aws("elbv2", "delete-load-balancer", "--load-balancer-arn", arn)
    assert server.aws("elbv2", "describe-load-balancers")["LoadBalancers"] == []


def test_network_load_balancer_with_security_groups(ec2, elbv2):
    vpc, subnets = network(ec2)
    sg = ec2.create_security_group(GroupName="nlb", Description="nlb", VpcId=vpc)["GroupId"]
    lb = nlb(elbv2, "guarded", subnets[:1], SecurityGroups=[sg])
    assert lb["SecurityGroups"] == [sg]
    assert lb["EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic"] == "on"
    with pytest.raises(ClientError) as e:
        nlb(elbv2, "bad-sg", subnets[:1], SecurityGroups=["sg-0123456789abcdef0"])
    assert error_code(e) == "InvalidSecurityGroup"


def test_internet_facing_needs_an_internet_gateway(ec2, elbv2):
    vpc, subnets = network(ec2)
    with pytest.raises(ClientError) as e:
        elbv2.create_load_balancer(Name="edge", Type="network", Subnets=subnets[:2])
    assert error_code(e) == "InvalidSubnet"
    assert e.value.response["Error"]["Message"] == f"VPC {vpc} has no internet gateway"
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    lb = elbv2.create_load_balancer(Name="edge", Type="network", Subnets=subnets[:2])["LoadBalancers"][0]
    assert lb["Scheme"] == "internet-facing"
    assert all(z["LoadBalancerAddresses"] == [] for z in lb["AvailabilityZones"])
