"""Network Insights path options through boto3 and the aws CLI: `SourceIp` and
`DestinationIp` at every kind of end, peering connections and virtual private gateways as
ends, `FilterAtSource`/`FilterAtDestination` (addresses and port ranges) and
`FilterInArns`/`FilterOutArns` on analyses."""

import pytest

from conftest import A
from test_insights import analyse, codes, net, path, peer, route

ARN = "arn:aws:ec2:us-east-1:{acct}:{kind}/{id}"


def secondary(ec2, n, ip):
    ec2.assign_private_ip_addresses(NetworkInterfaceId=n["eni"], PrivateIpAddresses=[ip])
    return ip


@pytest.fixture
def site(ec2):
    """A (10.0.0.0/16) peered with B (10.1.0.0/16), routes both ways; A has an internet
    gateway (0.0.0.0/0), an Elastic IP on its instance, and a VPN gateway with a static VPN
    connection to 192.168.0.0/16 propagated into its table. Groups admit TCP 22 from 10/8."""
    a = net(ec2, "10.0.0.0/16", "10.0.1.0/24")
    b = net(ec2, "10.1.0.0/16", "10.1.1.0/24")
    pcx = peer(ec2, ec2, a, b)
    route(ec2, a["rtb"], "10.1.0.0/16", pcx)
    route(ec2, b["rtb"], "10.0.0.0/16", pcx)
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=a["vpc"])
    ec2.create_route(RouteTableId=a["rtb"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    alloc = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=alloc["AllocationId"], InstanceId=a["i"])
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    ec2.attach_vpn_gateway(VpcId=a["vpc"], VpnGatewayId=vgw)
    cgw = ec2.create_customer_gateway(Type="ipsec.1", IpAddress="203.0.113.10", BgpAsn=65000)[
        "CustomerGateway"]["CustomerGatewayId"]
    vpn = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw, VpnGatewayId=vgw,
                                    Options={"StaticRoutesOnly": True})["VpnConnection"]
    ec2.create_vpn_connection_route(VpnConnectionId=vpn["VpnConnectionId"],
                                    DestinationCidrBlock="192.168.0.0/16")
    ec2.enable_vgw_route_propagation(GatewayId=vgw, RouteTableId=a["rtb"])
    ec2.authorize_security_group_ingress(GroupId=a["sg"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
         "IpRanges": [{"CidrIp": "192.168.0.0/16"}, {"CidrIp": "0.0.0.0/0"}]}])
    return {"a": a, "b": b, "pcx": pcx, "igw": igw, "vgw": vgw, "public": alloc["PublicIp"]}


def first_out(got):
    return got["ForwardPathComponents"][0]["OutboundHeader"]


def last_in(got):
    return [c for c in got["ForwardPathComponents"] if "InboundHeader" in c][-1]["InboundHeader"]


def test_source_and_destination_ips_of_interfaces_and_instances(ec2, site):
    a, b = site["a"], site["b"]
    extra = secondary(ec2, a, "10.0.1.200")
    # SourceIp: a secondary address of the source instance is the packet's source.
    got = analyse(ec2, path(ec2, a["i"], b["i"], SourceIp=extra)["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is True
    assert first_out(got)["SourceAddresses"] == [extra]
    assert last_in(got)["SourceAddresses"] == [extra]
    # An address the source does not hold, its source/destination check on.
    got = analyse(ec2, path(ec2, a["eni"], b["eni"], SourceIp="10.0.1.99")["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is False
    assert codes(got) == ["ENI_SOURCE_DEST_CHECK_RESTRICTION"]
    # DestinationIp with a destination: one of the destination's addresses.
    got = analyse(ec2, path(ec2, b["i"], a["i"], DestinationIp=extra)["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is True
    assert first_out(got)["DestinationAddresses"] == [extra]
    got = analyse(ec2, path(ec2, b["i"], a["eni"], DestinationIp="10.0.1.98")[
        "NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is False and codes(got) == ["ENI_ADDRESS_RESTRICTION"]
    assert got["Explanations"][0]["Component"]["Id"] == a["eni"]


def test_addresses_at_internet_gateway_ends(ec2, site):
    a, igw, public = site["a"], site["igw"], site["public"]
    # To the instance's private address from the internet: through its Elastic IP.
    got = analyse(ec2, path(ec2, igw, a["i"], SourceIp="198.51.100.77", DestinationIp=a["ip"])[
        "NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is True
    inbound = got["ForwardPathComponents"][0]["InboundHeader"]
    assert inbound["SourceAddresses"] == ["198.51.100.77"]
    assert inbound["DestinationAddresses"] == [public]
    # A secondary address without a public one is not reachable from the internet.
    extra = secondary(ec2, a, "10.0.1.201")
    got = analyse(ec2, path(ec2, igw, a["i"], DestinationIp=extra)["NetworkInsightsPathId"])
    assert codes(got) == ["IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS"]
    # The internet host the instance sends to.
    got = analyse(ec2, path(ec2, a["i"], igw, DestinationIp="203.0.113.50")["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is True
    assert got["ForwardPathComponents"][-1]["OutboundHeader"]["DestinationAddresses"] == [
        "203.0.113.50"]
    got = analyse(ec2, path(ec2, a["i"], igw, DestinationIp="10.200.0.1")["NetworkInsightsPathId"])
    assert codes(got) == ["IGW_EXPECTS_PUBLIC_ADDRESS"]


def test_peering_connection_as_source_and_destination(ec2, site, server):
    a, b, pcx = site["a"], site["b"], site["pcx"]
    p = path(ec2, pcx, a["i"])
    assert p["SourceArn"] == ARN.format(acct=A, kind="vpc-peering-connection", id=pcx)
    got = analyse(ec2, p["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is True, got["Explanations"]
    fwd = got["ForwardPathComponents"]
    assert fwd[0]["Component"]["Id"] == pcx
    assert fwd[0]["InboundHeader"]["SourceAddresses"] == ["10.1.0.4"]  # B's first host
    assert pcx in [c["Component"]["Id"] for c in got["ReturnPathComponents"]]
    # A SourceIp outside B is not carried by the peering connection.
    got = analyse(ec2, path(ec2, pcx, a["i"], SourceIp="172.31.0.1")["NetworkInsightsPathId"])
    assert codes(got) == ["PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"]
    assert got["Explanations"][0]["VpcPeeringConnection"]["Id"] == pcx
    # As destination, with the aws CLI: A's instance to an address of B.
    p = server.aws("ec2", "create-network-insights-path", "--source", a["i"], "--destination", pcx,
                   "--destination-ip", "10.1.7.7", "--protocol", "tcp",
                   "--destination-port", "22")["NetworkInsightsPath"]
    started = server.aws("ec2", "start-network-insights-analysis", "--network-insights-path-id",
                         p["NetworkInsightsPathId"])["NetworkInsightsAnalysis"]
    got = server.aws("ec2", "describe-network-insights-analyses", "--network-insights-analysis-ids",
                     started["NetworkInsightsAnalysisId"])["NetworkInsightsAnalyses"][0]
    assert got["NetworkPathFound"] is True, got["Explanations"]
    assert pcx in [c["Component"]["Id"] for c in got["ForwardPathComponents"]]
    # Without a route toward B, the path never reaches the connection: it goes to the
    # internet gateway, which carries no private destination.
    ec2.delete_route(RouteTableId=a["rtb"], DestinationCidrBlock="10.1.0.0/16")
    got = analyse(ec2, path(ec2, a["i"], pcx)["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is False
    assert codes(got) == ["IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS"]
    # The peering connection of other VPCs does not connect the source.
    c = net(ec2, "10.2.0.0/16", "10.2.1.0/24")
    got = analyse(ec2, path(ec2, c["i"], pcx)["NetworkInsightsPathId"])
    assert codes(got) == ["DISCONNECTED_VPCS"]


def test_vpn_gateway_as_source_and_destination(ec2, site):
    a, b, vgw = site["a"], site["b"], site["vgw"]
    p = path(ec2, vgw, a["i"])
    assert p["SourceArn"] == ARN.format(acct=A, kind="vpn-gateway", id=vgw)
    got = analyse(ec2, p["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is True, got["Explanations"]
    assert got["ForwardPathComponents"][0]["Component"]["Id"] == vgw
    assert got["ForwardPathComponents"][0]["InboundHeader"]["SourceAddresses"] == ["192.168.0.1"]
    assert vgw in [c["Component"]["Id"] for c in got["ReturnPathComponents"]]
    # An on-premises host no VPN connection routes to gets no reply.
    ec2.create_route(RouteTableId=a["rtb"], DestinationCidrBlock="172.16.0.0/12", GatewayId=vgw)
    got = analyse(ec2, path(ec2, vgw, a["i"], SourceIp="172.16.0.9")["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is False and codes(got) == ["CANNOT_ROUTE"]
    # As destination: out through the gateway; from the peer VPC, no edge-to-edge routing.
    got = analyse(ec2, path(ec2, a["i"], vgw, DestinationIp="192.168.4.4")["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is True, got["Explanations"]
    assert got["ForwardPathComponents"][-1]["Component"]["Id"] == vgw
    route(ec2, b["rtb"], "192.168.0.0/16", site["pcx"])
    got = analyse(ec2, path(ec2, b["i"], vgw)["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is False
    assert codes(got) == ["PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"]
    # A detached gateway is no end of anything.
    ec2.detach_vpn_gateway(VpcId=a["vpc"], VpnGatewayId=vgw)
    got = analyse(ec2, path(ec2, vgw, a["i"])["NetworkInsightsPathId"])
    assert codes(got) == ["UNASSOCIATED_COMPONENT"]


def ranges(header, key="DestinationPortRanges"):
    return [(r["From"], r["To"]) for r in header[key]]


def test_filters_search_port_ranges_and_check_the_arrival(ec2, site, server):
    a, b = site["a"], site["b"]
    # Some port of the range gets through: the analysis reports the ports that do.
    p = path(ec2, a["i"], b["i"], port=None,
             FilterAtSource={"DestinationPortRange": {"FromPort": 1, "ToPort": 1000}})
    got = analyse(ec2, p["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is True
    assert ranges(first_out(got)) == [(22, 22)]
    assert ranges(last_in(got)) == [(22, 22)]
    ec2.authorize_security_group_ingress(GroupId=b["sg"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 90, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    got = analyse(ec2, p["NetworkInsightsPathId"])
    assert ranges(first_out(got)) == [(22, 22), (80, 90)]
    # The return path carries the same ranges, swapped.
    back = got["ReturnPathComponents"][0]["OutboundHeader"]
    assert ranges(back, "SourcePortRanges") == [(22, 22), (80, 90)]
    # No port of the range gets through.
    p = path(ec2, a["i"], b["i"], port=None,
             FilterAtSource={"DestinationPortRange": {"FromPort": 23, "ToPort": 79}})
    got = analyse(ec2, p["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is False and codes(got) == ["ENI_SG_RULES_MISMATCH"]
    # At the destination: the ports it must arrive at narrow the search.
    p = path(ec2, a["i"], b["i"], port=None,
             FilterAtSource={"DestinationPortRange": {"FromPort": 1, "ToPort": 1000}},
             FilterAtDestination={"DestinationPortRange": {"FromPort": 85, "ToPort": 86}})
    got = analyse(ec2, p["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is True and ranges(last_in(got)) == [(85, 86)]
    # ...and the address it must come from.
    p = path(ec2, a["i"], b["i"], FilterAtDestination={"SourceAddress": "10.0.1.250"})
    got = analyse(ec2, p["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is False
    assert codes(got) == ["FILTER_AT_DESTINATION_SOURCE_ADDRESS"]
    # The filter's source address is the source's (here a secondary one), with the aws CLI.
    extra = secondary(ec2, a, "10.0.1.250")
    p = server.aws("ec2", "create-network-insights-path", "--source", a["i"], "--destination",
                   b["i"], "--protocol", "tcp", "--filter-at-source",
                   '{"SourceAddress": "%s", "DestinationPortRange": {"FromPort": 80, "ToPort": 100}}'
                   % extra, "--filter-at-destination", '{"SourceAddress": "%s"}' % extra)[
        "NetworkInsightsPath"]
    started = server.aws("ec2", "start-network-insights-analysis", "--network-insights-path-id",
                         p["NetworkInsightsPathId"])["NetworkInsightsAnalysis"]
    got = server.aws("ec2", "describe-network-insights-analyses", "--network-insights-analysis-ids",
                     started["NetworkInsightsAnalysisId"])["NetworkInsightsAnalyses"][0]
    assert got["NetworkPathFound"] is True, got["Explanations"]
    assert first_out(got)["SourceAddresses"] == [extra]
    assert ranges(first_out(got)) == [(80, 90)]


def test_filter_in_and_out_arns(ec2, site, server):
    a, b, pcx = site["a"], site["b"], site["pcx"]
    pid = path(ec2, a["i"], b["i"])["NetworkInsightsPathId"]
    pcx_arn = ARN.format(acct=A, kind="vpc-peering-connection", id=pcx)
    got = analyse(ec2, pid, FilterInArns=[pcx_arn])
    assert got["NetworkPathFound"] is True and got["FilterInArns"] == [pcx_arn]
    got = analyse(ec2, pid, FilterInArns=[ARN.format(acct=A, kind="vpc", id=b["vpc"])])
    assert got["NetworkPathFound"] is True
    # The only path crosses an excluded component.
    got = analyse(ec2, pid, FilterOutArns=[pcx_arn])
    assert got["NetworkPathFound"] is False and got["FilterOutArns"] == [pcx_arn]
    assert codes(got) == ["NO_PATH"]
    assert got["Explanations"][0]["Component"]["Id"] == pcx
    # No path crosses the component the analysis must traverse.
    igw_arn = ARN.format(acct=A, kind="internet-gateway", id=site["igw"])
    got = analyse(ec2, pid, FilterInArns=[igw_arn])
    assert got["NetworkPathFound"] is False and codes(got) == ["COMPONENT_FILTER_RESTRICTION"]
    assert got["Explanations"][0]["Component"]["Id"] == site["igw"]
    # The aws CLI: --filter-out-arns.
    started = server.aws("ec2", "start-network-insights-analysis", "--network-insights-path-id",
                         pid, "--filter-out-arns", ARN.format(acct=A, kind="subnet",
                                                              id=b["subnet"]))[
        "NetworkInsightsAnalysis"]
    got = server.aws("ec2", "describe-network-insights-analyses", "--network-insights-analysis-ids",
                     started["NetworkInsightsAnalysisId"])["NetworkInsightsAnalyses"][0]
    assert got["NetworkPathFound"] is False
    assert [e["ExplanationCode"] for e in got["Explanations"]] == ["NO_PATH"]


def test_gateway_load_balancer_endpoint_as_a_route_target(ec2, server):
    """Traffic routed to a GWLB endpoint goes through the service's Gateway Load Balancer
    to an appliance (GENEVE, UDP 6081) and back, then on to its destination."""
    elb = server.client(A, service="elbv2")
    app = net(ec2, "10.0.0.0/16", "10.0.1.0/24")
    sub2 = ec2.create_subnet(VpcId=app["vpc"], CidrBlock="10.0.2.0/24",
                             AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    fw = ec2.create_subnet(VpcId=app["vpc"], CidrBlock="10.0.9.0/24",
                           AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    web = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1,
                            SubnetId=sub2, SecurityGroupIds=[app["sg"]])["Instances"][0]
    sec = net(ec2, "10.50.0.0/16", "10.50.1.0/24")  # its instance is the appliance
    gwlb = elb.create_load_balancer(Name="inspect", Type="gateway", Subnets=[sec["subnet"]])[
        "LoadBalancers"][0]["LoadBalancerArn"]
    tg = elb.create_target_group(Name="appliances", Protocol="GENEVE", Port=6081,
                                 VpcId=sec["vpc"], TargetType="instance")["TargetGroups"][0][
        "TargetGroupArn"]
    elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": sec["i"]}])
    elb.create_listener(LoadBalancerArn=gwlb, DefaultActions=[{"Type": "forward",
                                                              "TargetGroupArn": tg}])
    sid = ec2.create_vpc_endpoint_service_configuration(
        GatewayLoadBalancerArns=[gwlb], AcceptanceRequired=False)["ServiceConfiguration"]["ServiceId"]
    vpce = ec2.create_vpc_endpoint(VpcId=app["vpc"], VpcEndpointType="GatewayLoadBalancer",
                                   ServiceName=f"com.amazonaws.vpce.us-east-1.{sid}",
                                   SubnetIds=[fw])["VpcEndpoint"]["VpcEndpointId"]
    rtb = ec2.create_route_table(VpcId=app["vpc"])["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=rtb, SubnetId=app["subnet"])
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="10.0.2.0/24", VpcEndpointId=vpce)

    pid = path(ec2, app["i"], web["InstanceId"])["NetworkInsightsPathId"]
    # The appliance's group admits TCP 22 only: GENEVE from the load balancer is dropped.
    got = analyse(ec2, pid)
    assert got["NetworkPathFound"] is False and codes(got) == ["ENI_SG_RULES_MISMATCH"]
    assert got["Explanations"][0]["SecurityGroups"][0]["Id"] == sec["sg"]
    ec2.authorize_security_group_ingress(GroupId=sec["sg"], IpPermissions=[
        {"IpProtocol": "udp", "FromPort": 6081, "ToPort": 6081,
         "IpRanges": [{"CidrIp": "10.50.0.0/16"}]}])
    got = analyse(ec2, pid)
    assert got["NetworkPathFound"] is True, got["Explanations"]
    ids = [c["Component"]["Id"] for c in got["ForwardPathComponents"]]
    assert vpce in ids and gwlb in ids and tg in ids and sec["eni"] in ids
    assert ids.index(vpce) < ids.index(sec["eni"]) < ids.index(web["NetworkInterfaces"][0][
        "NetworkInterfaceId"])
    # Excluding the endpoint leaves no path.
    got = analyse(ec2, pid, FilterOutArns=[ARN.format(acct=A, kind="vpc-endpoint", id=vpce)])
    assert got["NetworkPathFound"] is False and codes(got) == ["NO_PATH"]
