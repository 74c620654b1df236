"""PrivateLink end to end (§2–§3) through boto3 and the aws CLI: endpoint services,
VPC endpoints of the three types, discovery, acceptance, across two accounts.

Flows that need a network or gateway load balancer create it through the ELBv2 API.
"""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, C, error_code

REGION = "us-east-1"
S3 = f"com.amazonaws.{REGION}.s3"
DYNAMODB = f"com.amazonaws.{REGION}.dynamodb"
EC2 = f"com.amazonaws.{REGION}.ec2"
HOUR = 3600
DEFAULT_POLICY = {"Version": "2008-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}


def code_of(exc):
    return exc.response["Error"]["Code"]


def vpc(client, cidr):
    return client.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]


def subnet(client, vpc_id, cidr, az_id):
    return client.create_subnet(VpcId=vpc_id, CidrBlock=cidr, AvailabilityZoneId=az_id)["Subnet"]["SubnetId"]


def endpoint(client, vpce):
    return client.describe_vpc_endpoints(VpcEndpointIds=[vpce])["VpcEndpoints"][0]


def load_balancer(server, account, subnets, lb_type="network"):
    """An NLB or GWLB through the ELBv2 API."""
    elb = server.client(account, service="elbv2")
    kwargs = {"Type": lb_type, "Subnets": subnets}
    if lb_type == "network":
        kwargs["Scheme"] = "internal"
    lb = elb.create_load_balancer(Name=f"{lb_type[:3]}-{len(subnets)}-{subnets[0][-6:]}", **kwargs)
    return lb["LoadBalancers"][0]["LoadBalancerArn"]


def route_table_routes(client, rtb):
    """Routes of a table through DescribeRouteTables."""
    return client.describe_route_tables(RouteTableIds=[rtb])["RouteTables"][0]["Routes"]


def main_route_table(client, vpc_id):
    tables = client.describe_route_tables(Filters=[
        {"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "association.main", "Values": ["true"]}])
    return tables["RouteTables"][0]["RouteTableId"]


# --------------------------------------------------------------------------------------
# Discovery.

def test_catalogue_of_aws_services(server):
    a = server.client(A)
    got = a.describe_vpc_endpoint_services()
    names = got["ServiceNames"]
    assert names == sorted(set(names))
    for short in ["s3", "dynamodb", "ec2", "sts", "ssm", "ssmmessages", "ec2messages", "kms", "logs",
                  "monitoring", "sqs", "sns", "secretsmanager", "ecr.api", "ecr.dkr",
                  "elasticloadbalancing", "execute-api", "lambda"]:
        assert f"com.amazonaws.{REGION}.{short}" in names, short
    s3 = [d for d in got["ServiceDetails"] if d["ServiceName"] == S3]
    assert sorted(d["ServiceType"][0]["ServiceType"] for d in s3) == ["Gateway", "Interface"]
    ec2 = next(d for d in got["ServiceDetails"] if d["ServiceName"] == EC2)
    assert ec2["Owner"] == "amazon"
    assert ec2["PrivateDnsName"] == f"ec2.{REGION}.amazonaws.com"
    assert ec2["PrivateDnsNameVerificationState"] == "verified"
    assert ec2["VpcEndpointPolicySupported"] is True
    zones = a.describe_availability_zones()["AvailabilityZones"]
    assert sorted(ec2["AvailabilityZones"]) == sorted(z["ZoneName"] for z in zones)
    gateways = a.describe_vpc_endpoint_services(Filters=[{"Name": "service-type", "Values": ["Gateway"]}])
    assert gateways["ServiceNames"] == [DYNAMODB, S3]
    with pytest.raises(ClientError) as e:
        a.describe_vpc_endpoint_services(ServiceNames=[f"com.amazonaws.{REGION}.nope"])
    assert error_code(e) == "InvalidServiceName"
    assert "does not exist" in e.value.response["Error"]["Message"]
    # Both result keys paginate.
    pages = list(a.get_paginator("describe_vpc_endpoint_services").paginate(PaginationConfig={"PageSize": 5}))
    assert len(pages) > 3
    assert sum(len(p["ServiceDetails"]) for p in pages) == len(got["ServiceDetails"])


def test_catalogue_with_the_cli(server):
    got = server.aws("ec2", "describe-vpc-endpoint-services", "--filters", "Name=owner,Values=amazon",
                     "Name=service-name,Values=*.ecr.*")
    assert got["ServiceNames"] == [f"com.amazonaws.{REGION}.ecr.api", f"com.amazonaws.{REGION}.ecr.dkr"]
    assert got["ServiceDetails"][1]["PrivateDnsName"] == f"*.dkr.ecr.{REGION}.amazonaws.com"


# --------------------------------------------------------------------------------------
# Gateway endpoints.

def test_gateway_endpoint_lifecycle(server):
    a = server.client(A)
    x = vpc(a, "10.0.0.0/16")
    created = a.create_vpc_endpoint(VpcId=x, ServiceName=S3)["VpcEndpoint"]
    vpce = created["VpcEndpointId"]
    assert created["VpcEndpointType"] == "Gateway"  # the API default
    assert created["State"] == "available"
    assert json.loads(created["PolicyDocument"]) == DEFAULT_POLICY
    assert created["RouteTableIds"] == [] and created["DnsEntries"] == []
    assert created["RequesterManaged"] is False and created["OwnerId"] == A
    with pytest.raises(ClientError) as e:
        a.create_vpc_endpoint(VpcId=x, ServiceName=EC2, VpcEndpointType="Gateway")
    assert error_code(e) == "InvalidServiceName"
    with pytest.raises(ClientError) as e:
        a.create_vpc_endpoint(VpcId=x, ServiceName=DYNAMODB, PolicyDocument="{nope")
    assert error_code(e) == "InvalidPolicyDocument"
    sn = subnet(a, x, "10.0.1.0/24", "use1-az1")
    with pytest.raises(ClientError) as e:
        a.create_vpc_endpoint(VpcId=x, ServiceName=DYNAMODB, SubnetIds=[sn])
    assert error_code(e) == "InvalidParameter"
    assert "only supported for Interface and GatewayLoadBalancer" in e.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as e:
        a.modify_vpc_endpoint(VpcEndpointId=vpce, AddSubnetIds=[sn])
    assert error_code(e) == "InvalidParameter"
    policy = json.dumps({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*"}]})
    assert a.modify_vpc_endpoint(VpcEndpointId=vpce, PolicyDocument=policy)["Return"] is True
    assert endpoint(a, vpce)["PolicyDocument"] == policy
    a.modify_vpc_endpoint(VpcEndpointId=vpce, ResetPolicy=True)
    assert json.loads(endpoint(a, vpce)["PolicyDocument"]) == DEFAULT_POLICY
    with pytest.raises(ClientError) as e:
        a.delete_vpc(VpcId=x)
    assert error_code(e) == "DependencyViolation"
    assert a.delete_vpc_endpoints(VpcEndpointIds=[vpce])["Unsuccessful"] == []
    got = a.describe_vpc_endpoints(Filters=[{"Name": "vpc-endpoint-state", "Values": ["deleted"]}])
    assert [e["VpcEndpointId"] for e in got["VpcEndpoints"]] == [vpce]
    server.advance(2 * HOUR)
    with pytest.raises(ClientError) as e:
        endpoint(a, vpce)
    assert error_code(e) == "InvalidVpcEndpointId.NotFound"
    a.delete_subnet(SubnetId=sn)
    a.delete_vpc(VpcId=x)


def test_gateway_endpoint_routes(server):
    a = server.client(A)
    x = vpc(a, "10.0.0.0/16")
    rtb = main_route_table(a, x)
    vpce = a.create_vpc_endpoint(VpcId=x, ServiceName=S3, RouteTableIds=[rtb])["VpcEndpoint"]["VpcEndpointId"]
    routes = [r for r in route_table_routes(a, rtb) if r.get("GatewayId") == vpce]
    assert len(routes) == 1
    assert routes[0]["DestinationPrefixListId"].startswith("pl-")
    assert routes[0]["Origin"] == "CreateRoute" and routes[0]["State"] == "active"
    with pytest.raises(ClientError) as e:
        a.create_vpc_endpoint(VpcId=x, ServiceName=S3, RouteTableIds=[rtb])
    assert error_code(e) == "RouteAlreadyExists"
    assert f"route table {rtb} already has a route with destination-prefix-list-id" in e.value.response["Error"]["Message"]
    a.modify_vpc_endpoint(VpcEndpointId=vpce, RemoveRouteTableIds=[rtb])
    assert not [r for r in route_table_routes(a, rtb) if r.get("GatewayId") == vpce]
    a.modify_vpc_endpoint(VpcEndpointId=vpce, AddRouteTableIds=[rtb])
    assert [r for r in route_table_routes(a, rtb) if r.get("GatewayId") == vpce]
    a.delete_vpc_endpoints(VpcEndpointIds=[vpce])
    assert not [r for r in route_table_routes(a, rtb) if r.get("GatewayId") == vpce]


# --------------------------------------------------------------------------------------
# Interface endpoints to AWS services, with the CLI.

def test_interface_endpoint_with_the_cli(server):
    x = server.aws("ec2", "create-vpc", "--cidr-block", "10.0.0.0/16")["Vpc"]["VpcId"]
    s1 = server.aws("ec2", "create-subnet", "--vpc-id", x, "--cidr-block", "10.0.1.0/24",
                    "--availability-zone-id", "use1-az1")["Subnet"]["SubnetId"]
    s2 = server.aws("ec2", "create-subnet", "--vpc-id", x, "--cidr-block", "10.0.2.0/24",
                    "--availability-zone-id", "use1-az1")["Subnet"]["SubnetId"]
    proc = server.aws("ec2", "create-vpc-endpoint", "--vpc-endpoint-type", "Interface", "--vpc-id", x,
                      "--service-name", EC2, "--subnet-ids", s1, s2, check=False)
    assert proc.returncode != 0 and "DuplicateSubnetsInSameZone" in proc.stderr
    proc = server.aws("ec2", "create-vpc-endpoint", "--vpc-endpoint-type", "Interface", "--vpc-id", x,
                      "--service-name", EC2, "--subnet-ids", s1, "--private-dns-enabled", check=False)
    assert proc.returncode != 0 and "enableDnsHostnames" in proc.stderr
    created = server.aws("ec2", "create-vpc-endpoint", "--vpc-endpoint-type", "Interface", "--vpc-id", x,
                         "--service-name", EC2, "--subnet-ids", s1, "--client-token", "abc",
                         "--tag-specifications", "ResourceType=vpc-endpoint,Tags=[{Key=Name,Value=ec2}]")
    vpce = created["VpcEndpoint"]["VpcEndpointId"]
    assert created["ClientToken"] == "abc"
    assert created["VpcEndpoint"]["State"] == "pending"
    assert created["VpcEndpoint"]["PrivateDnsEnabled"] is False
    again = server.aws("ec2", "create-vpc-endpoint", "--vpc-endpoint-type", "Interface", "--vpc-id", x,
                       "--service-name", EC2, "--subnet-ids", s1, "--client-token", "abc",
                       "--tag-specifications", "ResourceType=vpc-endpoint,Tags=[{Key=Name,Value=ec2}]")
    assert again["VpcEndpoint"]["VpcEndpointId"] == vpce
    got = server.aws("ec2", "describe-vpc-endpoints", "--filters", "Name=tag:Name,Values=ec2")["VpcEndpoints"]
    assert [e["VpcEndpointId"] for e in got] == [vpce]
    e = got[0]
    assert e["State"] == "available"
    assert len(e["NetworkInterfaceIds"]) == 1
    assert e["CreationTimestamp"].endswith("Z") and "." in e["CreationTimestamp"]
    dns = [d["DnsName"] for d in e["DnsEntries"]]
    assert len(dns) == 2 and dns[0].startswith(vpce + "-") and dns[0].endswith(".ec2.us-east-1.vpce.amazonaws.com")
    assert all(d["HostedZoneId"] == e["DnsEntries"][0]["HostedZoneId"] for d in e["DnsEntries"])
    assert e["Groups"][0]["GroupName"] == "default"
    # Private DNS once the VPC has DNS hostnames.
    server.aws("ec2", "modify-vpc-attribute", "--vpc-id", x, "--enable-dns-hostnames", '{"Value":true}')
    server.aws("ec2", "modify-vpc-endpoint", "--vpc-endpoint-id", vpce, "--private-dns-enabled")
    e = server.aws("ec2", "describe-vpc-endpoints", "--vpc-endpoint-ids", vpce)["VpcEndpoints"][0]
    assert e["PrivateDnsEnabled"] is True
    assert e["DnsEntries"][-1]["DnsName"] == "ec2.us-east-1.amazonaws.com"
    out = server.aws("ec2", "delete-vpc-endpoints", "--vpc-endpoint-ids", vpce, "vpce-0123456789abcdef0")
    assert [u["ResourceId"] for u in out["Unsuccessful"]] == ["vpce-0123456789abcdef0"]
    assert out["Unsuccessful"][0]["Error"]["Code"] == "InvalidVpcEndpointId.NotFound"


def test_interface_endpoint_interfaces(server):
    a = server.client(A)
    x = vpc(a, "10.0.0.0/16")
    s1 = subnet(a, x, "10.0.1.0/24", "use1-az1")
    s2 = subnet(a, x, "10.0.2.0/24", "use1-az2")
    vpce = a.create_vpc_endpoint(VpcId=x, VpcEndpointType="Interface", ServiceName=EC2, SubnetIds=[s1],
                                 SubnetConfigurations=[{"SubnetId": s1, "Ipv4": "10.0.1.50"}])["VpcEndpoint"]["VpcEndpointId"]
    a.modify_vpc_endpoint(VpcEndpointId=vpce, AddSubnetIds=[s2])
    e = endpoint(a, vpce)
    assert sorted(e["SubnetIds"]) == sorted([s1, s2])
    assert len(e["NetworkInterfaceIds"]) == 2
    assert len(e["DnsEntries"]) == 3
    counts = {s["SubnetId"]: s["AvailableIpAddressCount"] for s in a.describe_subnets(SubnetIds=[s1, s2])["Subnets"]}
    assert counts == {s1: 250, s2: 250}
    enis = a.describe_network_interfaces(NetworkInterfaceIds=e["NetworkInterfaceIds"])["NetworkInterfaces"]
    assert {n["InterfaceType"] for n in enis} == {"vpc_endpoint"}
    assert all(n["RequesterManaged"] for n in enis)
    assert {n["Description"] for n in enis} == {f"VPC Endpoint Interface {vpce}"}
    assert "10.0.1.50" in {n["PrivateIpAddress"] for n in enis}
    a.modify_vpc_endpoint(VpcEndpointId=vpce, RemoveSubnetIds=[s2])
    assert len(endpoint(a, vpce)["NetworkInterfaceIds"]) == 1
    assert a.describe_subnets(SubnetIds=[s2])["Subnets"][0]["AvailableIpAddressCount"] == 251
    with pytest.raises(ClientError) as err:
        a.modify_vpc_endpoint(VpcEndpointId=vpce, AddRouteTableIds=["rtb-0123456789abcdef0"])
    assert error_code(err) == "InvalidParameter"
    with pytest.raises(ClientError) as err:
        a.delete_subnet(SubnetId=s1)
    assert error_code(err) == "DependencyViolation"
    a.delete_vpc_endpoints(VpcEndpointIds=[vpce])
    a.delete_subnet(SubnetId=s1)


def test_ids_errors_and_dry_run(server):
    a = server.client(A)
    x = vpc(a, "10.0.0.0/16")
    with pytest.raises(ClientError) as e:
        a.describe_vpc_endpoints(VpcEndpointIds=["vpce-nothex"])
    assert error_code(e) == "InvalidVpcEndpointId.Malformed"
    assert e.value.response["Error"]["Message"] == (
        "Invalid Id: 'vpce-nothex' (expecting 'vpce-...; the Id may only contain lowercase alphanumeric "
        "characters and a single dash')")
    with pytest.raises(ClientError) as e:
        a.describe_vpc_endpoint_service_configurations(ServiceIds=["vpce-svc-x"])
    assert error_code(e) == "InvalidVpcEndpointServiceIdId.Malformed"
    with pytest.raises(ClientError) as e:
        a.describe_vpc_endpoints(VpcEndpointIds=["vpce-0123456789abcdef0"])
    assert error_code(e) == "InvalidVpcEndpointId.NotFound"
    with pytest.raises(ClientError) as e:
        a.describe_vpc_endpoint_service_configurations(ServiceIds=["vpce-svc-0123456789abcdef0"])
    assert error_code(e) == "InvalidVpcEndpointServiceId.NotFound"
    with pytest.raises(ClientError) as e:
        a.create_vpc_endpoint(VpcId=x, ServiceName=S3, DryRun=True)
    assert error_code(e) == "DryRunOperation"
    assert a.describe_vpc_endpoints()["VpcEndpoints"] == []
    with pytest.raises(ClientError) as e:
        a.create_vpc_endpoint(VpcId=x, ServiceName=S3, VpcEndpointType="Resource")
    assert error_code(e) == "InvalidVpcEndpointType"
    with pytest.raises(ClientError) as e:
        a.describe_vpc_endpoints(Filters=[{"Name": "state", "Values": ["x"]}])
    assert error_code(e) == "InvalidFilter"  # the endpoint family's code (§16.3)
    with pytest.raises(ClientError) as e:
        a.accept_vpc_endpoint_connections(ServiceId="vpce-svc-0123456789abcdef0",
                                          VpcEndpointIds=["vpce-0123456789abcdef0"])
    assert error_code(e) == "InvalidVpcEndpointServiceId.NotFound"
    with pytest.raises(ClientError) as e:
        a.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=["arn:aws:nope"])
    assert error_code(e) == "InvalidNetworkLoadBalancerArn.Malformed"
    arn = f"arn:aws:elasticloadbalancing:{REGION}:{A}:loadbalancer/net/missing/0123456789abcdef"
    with pytest.raises(ClientError) as e:
        a.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[arn])
    assert error_code(e) == "InvalidNetworkLoadBalancerArn.NotFound"
    # Paginated describes with their ranges.
    for i in range(3):
        a.create_vpc_endpoint(VpcId=x, ServiceName=f"com.amazonaws.{REGION}.{['sts', 'kms', 'logs'][i]}",
                              VpcEndpointType="Interface")
    pages = list(a.get_paginator("describe_vpc_endpoints").paginate(PaginationConfig={"PageSize": 2}))
    assert [len(p["VpcEndpoints"]) for p in pages] == [2, 1]
    assert len(a.describe_vpc_endpoints(MaxResults=5000)["VpcEndpoints"]) == 3
    with pytest.raises(ClientError) as e:
        a.describe_vpc_endpoint_connections(MaxResults=4)
    assert error_code(e) == "InvalidParameterValue"


# --------------------------------------------------------------------------------------
# Endpoint services across accounts (need the ELBv2 API).

def provider_nlb(server):
    """Account A's NLB in use1-az1 and use1-az2."""
    a = server.client(A)
    x = vpc(a, "10.10.0.0/16")
    subnets = [subnet(a, x, f"10.10.{i}.0/24", az) for i, az in enumerate(["use1-az1", "use1-az2"])]
    return load_balancer(server, A, subnets)


def test_cross_account_service_with_acceptance(server):
    a, b = server.client(A), server.client(B)
    nlb = provider_nlb(server)
    svc = a.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[nlb], AcceptanceRequired=True,
        TagSpecifications=[{"ResourceType": "vpc-endpoint-service", "Tags": [{"Key": "Name", "Value": "web"}]}],
    )["ServiceConfiguration"]
    sid, name = svc["ServiceId"], svc["ServiceName"]
    assert name == f"com.amazonaws.vpce.{REGION}.{sid}"
    assert svc["ServiceState"] == "Available"
    assert svc["ServiceType"] == [{"ServiceType": "Interface"}]
    assert sorted(svc["AvailabilityZoneIds"]) == ["use1-az1", "use1-az2"]
    assert svc["BaseEndpointDnsNames"] == [f"{sid}.{REGION}.vpce.amazonaws.com"]
    assert svc["ManagesVpcEndpoints"] is False and svc["PayerResponsibility"] == "ServiceOwner"
    # The load balancer cannot go while it serves the service.
    with pytest.raises(ClientError) as e:
        server.client(A, service="elbv2").delete_load_balancer(LoadBalancerArn=nlb)
    assert error_code(e) == "ResourceInUse"
    # The consumer cannot see it yet.
    with pytest.raises(ClientError) as e:
        b.describe_vpc_endpoint_services(ServiceNames=[name])
    assert error_code(e) == "InvalidServiceName"
    y = vpc(b, "10.20.0.0/16")
    in_az1 = subnet(b, y, "10.20.1.0/24", "use1-az1")
    in_az2 = subnet(b, y, "10.20.2.0/24", "use1-az2")
    in_az3 = subnet(b, y, "10.20.3.0/24", "use1-az3")
    with pytest.raises(ClientError) as e:
        b.create_vpc_endpoint(VpcId=y, VpcEndpointType="Interface", ServiceName=name, SubnetIds=[in_az1])
    assert error_code(e) == "InvalidServiceName"
    added = a.modify_vpc_endpoint_service_permissions(ServiceId=sid, AddAllowedPrincipals=[f"arn:aws:iam::{B}:root"])
    assert added["ReturnValue"] is True
    assert added["AddedPrincipals"][0]["PrincipalType"] == "Account"
    assert added["AddedPrincipals"][0]["ServicePermissionId"].startswith("vpce-svc-perm-")
    # Now discoverable, with zones in the consumer's own names.
    detail = b.describe_vpc_endpoint_services(ServiceNames=[name])["ServiceDetails"][0]
    assert detail["Owner"] == A and detail["AcceptanceRequired"] is True
    b_names = {z["ZoneId"]: z["ZoneName"] for z in b.describe_availability_zones()["AvailabilityZones"]}
    assert sorted(detail["AvailabilityZones"]) == sorted([b_names["use1-az1"], b_names["use1-az2"]])
    assert server.client(C).describe_vpc_endpoint_services(
        Filters=[{"Name": "owner", "Values": [A]}])["ServiceDetails"] == []
    # A subnet in a zone the service lacks is refused.
    with pytest.raises(ClientError) as e:
        b.create_vpc_endpoint(VpcId=y, VpcEndpointType="Interface", ServiceName=name, SubnetIds=[in_az1, in_az3])
    assert error_code(e) == "InvalidParameter"
    assert e.value.response["Error"]["Message"] == (
        f"The VPC endpoint service {name} does not support the availability zone of the subnet: {in_az3}.")
    vpce = b.create_vpc_endpoint(VpcId=y, VpcEndpointType="Interface", ServiceName=name,
                                 SubnetIds=[in_az1, in_az2])["VpcEndpoint"]
    assert vpce["State"] == "pendingAcceptance"
    vid = vpce["VpcEndpointId"]
    server.advance(HOUR)
    # As AWS shows a pending endpoint: its interfaces and DNS entries exist already.
    e = endpoint(b, vid)
    assert e["State"] == "pendingAcceptance"
    pending_enis = e["NetworkInterfaceIds"]
    assert len(pending_enis) == 2 and len(e["DnsEntries"]) == 3
    assert f".{sid}.{REGION}.vpce.amazonaws.com" in e["DnsEntries"][0]["DnsName"]
    enis = b.describe_network_interfaces(NetworkInterfaceIds=pending_enis)["NetworkInterfaces"]
    assert {n["InterfaceType"] for n in enis} == {"vpc_endpoint"}
    assert all(n["RequesterManaged"] for n in enis)
    # Traffic is not delivered until the provider accepts.
    inst = b.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1, SubnetId=in_az1)[
        "Instances"][0]["InstanceId"]
    p = b.create_network_insights_path(Source=inst, Destination=vid, Protocol="tcp",
                                       DestinationPort=443)["NetworkInsightsPath"]
    started = b.start_network_insights_analysis(NetworkInsightsPathId=p["NetworkInsightsPathId"])
    got = b.describe_network_insights_analyses(NetworkInsightsAnalysisIds=[
        started["NetworkInsightsAnalysis"]["NetworkInsightsAnalysisId"]])["NetworkInsightsAnalyses"][0]
    assert got["NetworkPathFound"] is False
    assert "BAD_STATE" in {x["ExplanationCode"] for x in got["Explanations"]}
    conns = a.describe_vpc_endpoint_connections(Filters=[{"Name": "service-id", "Values": [sid]}])["VpcEndpointConnections"]
    assert [(c["VpcEndpointId"], c["VpcEndpointOwner"], c["VpcEndpointState"]) for c in conns] == [
        (vid, B, "pendingAcceptance")]
    assert conns[0]["NetworkLoadBalancerArns"] == [nlb]
    # The provider cannot delete the service while the request is live.
    out = a.delete_vpc_endpoint_service_configurations(ServiceIds=[sid])
    assert out["Unsuccessful"][0]["Error"]["Code"] == "ExistingVpcEndpointConnections"
    assert a.accept_vpc_endpoint_connections(ServiceId=sid, VpcEndpointIds=[vid])["Unsuccessful"] == []
    e = endpoint(b, vid)
    assert e["State"] == "available"
    assert e["NetworkInterfaceIds"] == pending_enis  # the same interfaces
    assert len(e["DnsEntries"]) == 3 and f".{sid}.{REGION}.vpce.amazonaws.com" in e["DnsEntries"][0]["DnsName"]
    # Removing the permission leaves the connection; the provider still cannot delete.
    a.modify_vpc_endpoint_service_permissions(ServiceId=sid, RemoveAllowedPrincipals=[f"arn:aws:iam::{B}:root"])
    assert endpoint(b, vid)["State"] == "available"
    out = a.delete_vpc_endpoint_service_configurations(ServiceIds=[sid])
    assert out["Unsuccessful"][0]["Error"]["Code"] == "ExistingVpcEndpointConnections"
    # Rejecting an available endpoint, then the service can go.
    assert a.reject_vpc_endpoint_connections(ServiceId=sid, VpcEndpointIds=[vid])["Unsuccessful"] == []
    e = endpoint(b, vid)
    assert e["State"] == "rejected" and e["NetworkInterfaceIds"] == []
    assert a.delete_vpc_endpoint_service_configurations(ServiceIds=[sid])["Unsuccessful"] == []
    assert b.delete_vpc_endpoints(VpcEndpointIds=[vid])["Unsuccessful"] == []


def test_service_configuration_with_the_cli(server):
    nlb = provider_nlb(server)
    created = server.aws("ec2", "create-vpc-endpoint-service-configuration", "--network-load-balancer-arns", nlb,
                         "--no-acceptance-required", "--private-dns-name", "api.example.com",
                         "--client-token", "svc-1")
    svc = created["ServiceConfiguration"]
    sid = svc["ServiceId"]
    assert created["ClientToken"] == "svc-1"
    conf = svc["PrivateDnsNameConfiguration"]
    assert conf["State"] == "pendingVerification" and conf["Type"] == "TXT"
    assert conf["Name"].startswith("_") and conf["Value"].startswith("vpce:")
    again = server.aws("ec2", "create-vpc-endpoint-service-configuration", "--network-load-balancer-arns", nlb,
                       "--no-acceptance-required", "--private-dns-name", "api.example.com",
                       "--client-token", "svc-1")
    assert again["ServiceConfiguration"]["ServiceId"] == sid
    server.aws("ec2", "start-vpc-endpoint-service-private-dns-verification", "--service-id", sid)
    got = server.aws("ec2", "describe-vpc-endpoint-service-configurations", "--service-ids", sid)
    assert got["ServiceConfigurations"][0]["PrivateDnsNameConfiguration"]["State"] == "verified"
    server.aws("ec2", "modify-vpc-endpoint-service-configuration", "--service-id", sid,
               "--private-dns-name", "api.example.invalid", "--acceptance-required")
    server.aws("ec2", "start-vpc-endpoint-service-private-dns-verification", "--service-id", sid)
    got = server.aws("ec2", "describe-vpc-endpoint-service-configurations", "--filters",
                     f"Name=service-id,Values={sid}")["ServiceConfigurations"][0]
    assert got["PrivateDnsNameConfiguration"]["State"] == "failed"
    assert got["AcceptanceRequired"] is True
    server.aws("ec2", "modify-vpc-endpoint-service-permissions", "--service-id", sid, "--add-allowed-principals",
               f"arn:aws:iam::{B}:role/app", "*")
    perms = server.aws("ec2", "describe-vpc-endpoint-service-permissions", "--service-id", sid)["AllowedPrincipals"]
    assert sorted(p["PrincipalType"] for p in perms) == ["All", "Role"]
    proc = server.aws("ec2", "modify-vpc-endpoint-service-permissions", "--service-id", sid,
                      "--add-allowed-principals", f"arn:aws:iam::{B}:user/team/alice", check=False)
    assert proc.returncode != 0 and "UnknownPrincipalType.Unsupported" in proc.stderr
    out = server.aws("ec2", "delete-vpc-endpoint-service-configurations", "--service-ids", sid)
    assert out["Unsuccessful"] == []


def test_private_dns_needs_a_verified_name(server):
    a, b = server.client(A), server.client(B)
    nlb = provider_nlb(server)
    sid = a.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[nlb], PrivateDnsName="svc.example.com")["ServiceConfiguration"]["ServiceId"]
    name = f"com.amazonaws.vpce.{REGION}.{sid}"
    a.modify_vpc_endpoint_service_permissions(ServiceId=sid, AddAllowedPrincipals=["*"])
    y = vpc(b, "10.20.0.0/16")
    b.modify_vpc_attribute(VpcId=y, EnableDnsHostnames={"Value": True})
    s1 = subnet(b, y, "10.20.1.0/24", "use1-az1")
    with pytest.raises(ClientError) as e:
        b.create_vpc_endpoint(VpcId=y, VpcEndpointType="Interface", ServiceName=name, SubnetIds=[s1],
                              PrivateDnsEnabled=True)
    assert error_code(e) == "InvalidParameter"
    assert "does not provide a private DNS name" in e.value.response["Error"]["Message"]
    a.start_vpc_endpoint_service_private_dns_verification(ServiceId=sid)
    detail = b.describe_vpc_endpoint_services(ServiceNames=[name])["ServiceDetails"][0]
    assert detail["PrivateDnsName"] == "svc.example.com"
    assert detail["PrivateDnsNameVerificationState"] == "verified"
    vid = b.create_vpc_endpoint(VpcId=y, VpcEndpointType="Interface", ServiceName=name, SubnetIds=[s1],
                                PrivateDnsEnabled=True)["VpcEndpoint"]["VpcEndpointId"]
    assert endpoint(b, vid)["DnsEntries"][-1]["DnsName"] == "svc.example.com"


def test_gateway_load_balancer_endpoint(server):
    a = server.client(A)
    x = vpc(a, "10.10.0.0/16")
    s1 = subnet(a, x, "10.10.1.0/24", "use1-az1")
    gwlb = load_balancer(server, A, [s1], lb_type="gateway")
    sid = a.create_vpc_endpoint_service_configuration(
        GatewayLoadBalancerArns=[gwlb])["ServiceConfiguration"]["ServiceId"]
    name = f"com.amazonaws.vpce.{REGION}.{sid}"
    y = vpc(a, "10.20.0.0/16")
    t1 = subnet(a, y, "10.20.1.0/24", "use1-az1")
    with pytest.raises(ClientError) as e:
        a.create_vpc_endpoint(VpcId=y, VpcEndpointType="Interface", ServiceName=name, SubnetIds=[t1])
    assert error_code(e) == "InvalidParameter"
    vid = a.create_vpc_endpoint(VpcId=y, VpcEndpointType="GatewayLoadBalancer", ServiceName=name,
                                SubnetIds=[t1])["VpcEndpoint"]["VpcEndpointId"]
    e = endpoint(a, vid)
    assert e["VpcEndpointType"] == "GatewayLoadBalancer" and len(e["NetworkInterfaceIds"]) == 1
    assert "PolicyDocument" not in e and e["Groups"] == []
    assert a.delete_vpc_endpoints(VpcEndpointIds=[vid])["Unsuccessful"] == []


# --------------------------------------------------------------------------------------
# Connection notifications, payer responsibility, the catalogue's size.

def test_connection_notifications(server):
    a, b = server.client(A), server.client(B)
    nlb = provider_nlb(server)
    sid = a.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[nlb])[
        "ServiceConfiguration"]["ServiceId"]
    topic = f"arn:aws:sns:{REGION}:{A}:endpoint-events"
    made = a.create_vpc_endpoint_connection_notification(
        ServiceId=sid, ConnectionNotificationArn=topic, ConnectionEvents=["Connect", "Accept"],
        ClientToken="nfn-1")
    n = made["ConnectionNotification"]
    assert made["ClientToken"] == "nfn-1"
    nid = n["ConnectionNotificationId"]
    assert nid.startswith("vpce-nfn-")
    assert (n["ServiceId"], n["ConnectionNotificationType"], n["ConnectionNotificationArn"],
            n["ConnectionEvents"], n["ConnectionNotificationState"], n["ServiceRegion"]) == (
        sid, "Topic", topic, ["Connect", "Accept"], "Enabled", REGION)
    # The same client token gives the same notification.
    again = a.create_vpc_endpoint_connection_notification(
        ServiceId=sid, ConnectionNotificationArn=topic, ConnectionEvents=["Connect", "Accept"],
        ClientToken="nfn-1")
    assert again["ConnectionNotification"]["ConnectionNotificationId"] == nid
    # A consumer's notification of its own endpoint, with the CLI.
    y = vpc(b, "10.20.0.0/16")
    vid = b.create_vpc_endpoint(VpcId=y, ServiceName=S3)["VpcEndpoint"]["VpcEndpointId"]
    mine = server.aws("ec2", "create-vpc-endpoint-connection-notification", "--vpc-endpoint-id", vid,
                      "--connection-notification-arn", f"arn:aws:sns:{REGION}:{B}:mine",
                      "--connection-events", "Accept", "Reject", account=B)["ConnectionNotification"]
    assert mine["VpcEndpointId"] == vid and "ServiceId" not in mine
    # Validation: nothing is stored on an error.
    for kwargs, code in [
        ({"ServiceId": sid, "ConnectionNotificationArn": "arn:aws:sqs:us-east-1:111111111111:q",
          "ConnectionEvents": ["Accept"]}, "InvalidParameter"),
        ({"ServiceId": sid, "ConnectionNotificationArn": topic, "ConnectionEvents": ["Explode"]},
         "InvalidParameter"),
        ({"ConnectionNotificationArn": topic, "ConnectionEvents": ["Accept"]}, "MissingParameter"),
        ({"ServiceId": sid, "VpcEndpointId": vid, "ConnectionNotificationArn": topic,
          "ConnectionEvents": ["Accept"]}, "InvalidParameterCombination"),
        ({"ServiceId": "vpce-svc-0123456789abcdef0", "ConnectionNotificationArn": topic,
          "ConnectionEvents": ["Accept"]}, "InvalidVpcEndpointServiceId.NotFound"),
    ]:
        with pytest.raises(ClientError) as e:
            a.create_vpc_endpoint_connection_notification(**kwargs)
        assert error_code(e) == code, kwargs
    listed = a.describe_vpc_endpoint_connection_notifications()["ConnectionNotificationSet"]
    assert [x["ConnectionNotificationId"] for x in listed] == [nid]
    assert a.describe_vpc_endpoint_connection_notifications(ConnectionNotificationId=nid)[
        "ConnectionNotificationSet"][0]["ConnectionEvents"] == ["Connect", "Accept"]
    assert a.describe_vpc_endpoint_connection_notifications(Filters=[
        {"Name": "service-id", "Values": ["vpce-svc-0123456789abcdef0"]}])["ConnectionNotificationSet"] == []
    with pytest.raises(ClientError) as e:
        b.describe_vpc_endpoint_connection_notifications(ConnectionNotificationId=nid)
    assert error_code(e) == "InvalidConnectionNotification"
    # Modify.
    topic2 = f"arn:aws:sns:{REGION}:{A}:other"
    assert a.modify_vpc_endpoint_connection_notification(
        ConnectionNotificationId=nid, ConnectionNotificationArn=topic2,
        ConnectionEvents=["Delete", "Reject"])["ReturnValue"] is True
    got = a.describe_vpc_endpoint_connection_notifications(ConnectionNotificationId=nid)[
        "ConnectionNotificationSet"][0]
    assert (got["ConnectionNotificationArn"], got["ConnectionEvents"]) == (topic2, ["Delete", "Reject"])
    with pytest.raises(ClientError) as e:
        a.modify_vpc_endpoint_connection_notification(ConnectionNotificationId=nid, ConnectionEvents=["Nope"])
    assert error_code(e) == "InvalidParameter"
    # Delete, per id.
    out = a.delete_vpc_endpoint_connection_notifications(
        ConnectionNotificationIds=[nid, "vpce-nfn-0123456789abcdef0"])
    assert [(u["ResourceId"], u["Error"]["Code"]) for u in out["Unsuccessful"]] == [
        ("vpce-nfn-0123456789abcdef0", "InvalidConnectionNotification")]
    assert a.describe_vpc_endpoint_connection_notifications()["ConnectionNotificationSet"] == []
    # Deleting the endpoint takes its notifications along.
    b.delete_vpc_endpoints(VpcEndpointIds=[vid])
    assert b.describe_vpc_endpoint_connection_notifications()["ConnectionNotificationSet"] == []


def test_payer_responsibility(server):
    a = server.client(A)
    sid = a.create_vpc_endpoint_service_configuration(NetworkLoadBalancerArns=[provider_nlb(server)])[
        "ServiceConfiguration"]["ServiceId"]
    assert a.modify_vpc_endpoint_service_payer_responsibility(
        ServiceId=sid, PayerResponsibility="ServiceOwner")["ReturnValue"] is True
    conf = a.describe_vpc_endpoint_service_configurations(ServiceIds=[sid])["ServiceConfigurations"][0]
    assert conf["PayerResponsibility"] == "ServiceOwner"
    with pytest.raises(ClientError) as e:
        a.modify_vpc_endpoint_service_payer_responsibility(
            ServiceId="vpce-svc-0123456789abcdef0", PayerResponsibility="ServiceOwner")
    assert error_code(e) == "InvalidVpcEndpointServiceId.NotFound"
    with pytest.raises(ClientError) as e:
        server.client(B).modify_vpc_endpoint_service_payer_responsibility(
            ServiceId=sid, PayerResponsibility="ServiceOwner")
    assert error_code(e) == "InvalidVpcEndpointServiceId.NotFound"


def test_catalogue_has_hundreds_of_services_paginated(server):
    a = server.client(A)
    everything = a.describe_vpc_endpoint_services(Filters=[{"Name": "owner", "Values": ["amazon"]}])
    details = everything["ServiceDetails"]
    assert len(everything["ServiceNames"]) > 400
    pages = list(a.get_paginator("describe_vpc_endpoint_services").paginate(
        Filters=[{"Name": "owner", "Values": ["amazon"]}], PaginationConfig={"PageSize": 100}))
    assert len(pages) == (len(details) + 99) // 100
    assert [d["ServiceId"] for p in pages for d in p["ServiceDetails"]] == [d["ServiceId"] for d in details]
    by_name = {d["ServiceName"]: d for d in details if d["ServiceType"][0]["ServiceType"] == "Interface"}
    bedrock = by_name[f"com.amazonaws.{REGION}.bedrock-runtime"]
    assert bedrock["PrivateDnsName"] == f"bedrock-runtime.{REGION}.amazonaws.com"
    assert bedrock["BaseEndpointDnsNames"] == [f"bedrock-runtime.{REGION}.vpce.amazonaws.com"]
    assert bedrock["SupportedIpAddressTypes"] == ["ipv4"]
    assert bedrock["PrivateDnsNameVerificationState"] == "verified"
    kinesis = by_name[f"com.amazonaws.{REGION}.kinesis-streams"]
    assert kinesis["PrivateDnsName"] == f"kinesis.{REGION}.amazonaws.com"
    # Any of them can be an interface endpoint, with its DNS entries.
    x = vpc(a, "10.30.0.0/16")
    s = subnet(a, x, "10.30.1.0/24", "use1-az1")
    e = a.create_vpc_endpoint(VpcId=x, VpcEndpointType="Interface", SubnetIds=[s],
                              ServiceName=f"com.amazonaws.{REGION}.bedrock-runtime")["VpcEndpoint"]
    assert any(d["DnsName"].endswith(f".bedrock-runtime.{REGION}.vpce.amazonaws.com") for d in e["DnsEntries"])
    cli = server.aws("ec2", "describe-vpc-endpoint-services", "--filters",
                     "Name=service-name,Values=*.sagemaker.*", "--query", "ServiceNames")
    assert f"com.amazonaws.{REGION}.sagemaker.runtime" in cli
