"""Reachability Analyzer end to end (§5.1): network insights paths and analyses through boto3
and the aws CLI, over the seed's world — VPC A peered with B and with C, B cannot reach C."""

import datetime

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, Server, error_code

ARN = "arn:aws:ec2:us-east-1:{acct}:{kind}/{id}"


def raises(code, fn, *args, **kwargs):
    with pytest.raises(ClientError) as e:
        fn(*args, **kwargs)
    assert error_code(e) == code, e.value.response["Error"]
    return e.value.response["Error"]["Message"]


def net(ec2, cidr, subnet_cidr, ports=(22,)):
    """A VPC with one subnet, a security group admitting TCP `ports` from 10.0.0.0/8, and an
    instance in it."""
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=subnet_cidr, AvailabilityZone="us-east-1a")[
        "Subnet"]["SubnetId"]
    sg = ec2.create_security_group(VpcId=vpc, GroupName="app", Description="app")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": p, "ToPort": p, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}
        for p in ports])
    inst = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1, SubnetId=subnet,
                             SecurityGroupIds=[sg])["Instances"][0]
    rtb = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]
    return {"vpc": vpc, "subnet": subnet, "sg": sg, "rtb": rtb["RouteTableId"],
            "i": inst["InstanceId"], "eni": inst["NetworkInterfaces"][0]["NetworkInterfaceId"],
            "ip": inst["PrivateIpAddress"]}


def peer(requester, accepter, a, b, peer_owner=None):
    kwargs = {"PeerOwnerId": peer_owner} if peer_owner else {}
    pcx = requester.create_vpc_peering_connection(VpcId=a["vpc"], PeerVpcId=b["vpc"], **kwargs)[
        "VpcPeeringConnection"]["VpcPeeringConnectionId"]
    accepter.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    return pcx


def route(ec2, rtb, cidr, pcx):
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock=cidr, VpcPeeringConnectionId=pcx)


@pytest.fixture
def world(ec2):
    """The seed's world in one account: A↔B and A↔C, B routes C's range through A."""
    a = net(ec2, "10.0.0.0/16", "10.0.1.0/24")
    b = net(ec2, "10.1.0.0/16", "10.1.1.0/24")
    c = net(ec2, "10.2.0.0/16", "10.2.1.0/24")
    ab, ac = peer(ec2, ec2, a, b), peer(ec2, ec2, a, c)
    route(ec2, a["rtb"], "10.1.0.0/16", ab)
    route(ec2, a["rtb"], "10.2.0.0/16", ac)
    route(ec2, b["rtb"], "10.0.0.0/16", ab)
    route(ec2, b["rtb"], "10.2.0.0/16", ab)  # hoping A forwards: peering is not transitive
    route(ec2, c["rtb"], "10.0.0.0/16", ac)
    return {"a": a, "b": b, "c": c, "ab": ab, "ac": ac}


def analyse(ec2, path_id, **kwargs):
    started = ec2.start_network_insights_analysis(NetworkInsightsPathId=path_id, **kwargs)[
        "NetworkInsightsAnalysis"]
    assert started["Status"] == "running"
    assert "NetworkPathFound" not in started and "Explanations" not in started
    [got] = ec2.describe_network_insights_analyses(
        NetworkInsightsAnalysisIds=[started["NetworkInsightsAnalysisId"]])["NetworkInsightsAnalyses"]
    assert got["Status"] == "succeeded"
    assert got["StartDate"] == started["StartDate"]
    return got


def path(ec2, source, destination=None, protocol="tcp", port=22, **kwargs):
    if destination:
        kwargs["Destination"] = destination
    if port is not None:
        kwargs["DestinationPort"] = port
    return ec2.create_network_insights_path(Source=source, Protocol=protocol, **kwargs)[
        "NetworkInsightsPath"]


def codes(analysis):
    return sorted({e["ExplanationCode"] for e in analysis["Explanations"]})


def test_peered_vpcs_reach_each_other_with_every_hop_named(ec2, world):
    a, b, ab = world["a"], world["b"], world["ab"]
    p = path(ec2, a["i"], b["i"])
    assert p["NetworkInsightsPathId"].startswith("nip-")
    assert p["NetworkInsightsPathArn"] == ARN.format(
        acct=A, kind="network-insights-path", id=p["NetworkInsightsPathId"])
    assert p["SourceArn"] == ARN.format(acct=A, kind="instance", id=a["i"])
    assert p["DestinationArn"] == ARN.format(acct=A, kind="instance", id=b["i"])
    assert (p["Protocol"], p["DestinationPort"]) == ("tcp", 22)
    assert p["Source"] == a["i"] and p["Destination"] == b["i"] and "CreatedDate" in p

    got = analyse(ec2, p["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is True
    assert got["Explanations"] == []
    assert got["NetworkInsightsAnalysisArn"] == ARN.format(
        acct=A, kind="network-insights-analysis", id=got["NetworkInsightsAnalysisId"])
    fwd = got["ForwardPathComponents"]
    assert [c["SequenceNumber"] for c in fwd] == list(range(1, len(fwd) + 1))
    ids = [c["Component"]["Id"] for c in fwd]
    assert ids[0] == a["eni"] and b["eni"] in ids
    assert {a["sg"], a["rtb"], ab, b["sg"]} <= set(ids)
    by_id = {c["Component"]["Id"]: c for c in fwd}

    first = fwd[0]
    assert first["Component"]["Arn"] == ARN.format(acct=A, kind="network-interface", id=a["eni"])
    assert first["Vpc"]["Id"] == a["vpc"] and first["Subnet"]["Id"] == a["subnet"]
    out = first["OutboundHeader"]
    assert out["SourceAddresses"] == [a["ip"]] and out["DestinationAddresses"] == [b["ip"]]
    assert out["DestinationPortRanges"] == [{"From": 22, "To": 22}] and out["Protocol"] == "6"

    rtb = by_id[a["rtb"]]
    assert rtb["Component"]["Arn"] == ARN.format(acct=A, kind="route-table", id=a["rtb"])
    assert rtb["RouteTableRoute"] == {"DestinationCidr": "10.1.0.0/16", "VpcPeeringConnectionId": ab,
                                      "Origin": "CreateRoute", "State": "active"}
    pcx = by_id[ab]
    assert pcx["Component"]["Arn"] == ARN.format(acct=A, kind="vpc-peering-connection", id=ab)
    assert (pcx["SourceVpc"]["Id"], pcx["DestinationVpc"]["Id"]) == (a["vpc"], b["vpc"])
    egress = by_id[a["sg"]]["SecurityGroupRule"]
    assert egress == {"Cidr": "0.0.0.0/0", "Direction": "egress", "SecurityGroupId": a["sg"],
                      "Protocol": "all"}
    ingress = by_id[b["sg"]]["SecurityGroupRule"]
    assert ingress == {"Cidr": "10.0.0.0/8", "Direction": "ingress", "SecurityGroupId": b["sg"],
                       "PortRange": {"From": 22, "To": 22}, "Protocol": "tcp"}
    acls = [c for c in fwd if c["Component"]["Id"].startswith("acl-")]
    assert [c["AclRule"]["Egress"] for c in acls] == [True, False]
    assert all(c["AclRule"]["RuleNumber"] == 100 and c["AclRule"]["RuleAction"] == "allow"
               for c in acls)
    last = by_id[b["eni"]]
    assert last["InboundHeader"]["DestinationAddresses"] == [b["ip"]]
    assert last["Vpc"]["Id"] == b["vpc"]

    back = got["ReturnPathComponents"]
    assert back[0]["Component"]["Id"] == b["eni"] and back[-1]["Component"]["Id"] == a["eni"]
    assert back[0]["OutboundHeader"]["SourcePortRanges"] == [{"From": 22, "To": 22}]
    back_route = next(c for c in back if c["Component"]["Id"] == b["rtb"])["RouteTableRoute"]
    assert back_route["DestinationCidr"] == "10.0.0.0/16"


def test_peering_is_not_transitive(ec2, world):
    b, c, ab = world["b"], world["c"], world["ab"]
    got = analyse(ec2, path(ec2, b["i"], c["i"])["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is False
    assert codes(got) == ["PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"]
    [e] = got["Explanations"]
    assert e["VpcPeeringConnection"]["Id"] == ab
    assert e["Component"]["Arn"] == ARN.format(acct=A, kind="vpc-peering-connection", id=ab)
    assert e["Address"] == c["ip"]
    # The route that led there, and the VPCs on either side of the peering.
    assert e["RouteTable"]["Id"] == b["rtb"]
    assert e["RouteTableRoute"] == {"DestinationCidr": "10.2.0.0/16", "VpcPeeringConnectionId": ab,
                                    "Origin": "CreateRoute", "State": "active"}
    assert (e["SourceVpc"]["Id"], e["DestinationVpc"]["Id"]) == (b["vpc"], world["a"]["vpc"])
    assert got["ReturnPathComponents"] == []
    # Without B's route toward C the answer is that there is no route at all.
    ec2.delete_route(RouteTableId=b["rtb"], DestinationCidrBlock="10.2.0.0/16")
    got = analyse(ec2, path(ec2, b["i"], c["i"])["NetworkInsightsPathId"])
    assert codes(got) == ["NO_ROUTE_TO_DESTINATION"]
    [e] = got["Explanations"]
    assert e["RouteTable"]["Id"] == b["rtb"] and "RouteTableRoute" not in e
    assert (e["Address"], e["Subnet"]["Id"], e["Vpc"]["Id"]) == (c["ip"], b["subnet"], b["vpc"])
    assert (e["Port"], e["Protocols"]) == (22, ["tcp"])


def test_a_blackhole_route_is_named_with_its_state(ec2, world):
    a, b, ab = world["a"], world["b"], world["ab"]
    ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=ab)
    got = analyse(ec2, path(ec2, a["i"], b["i"])["NetworkInsightsPathId"])
    assert codes(got) == ["BAD_STATE_ROUTE"]
    [e] = got["Explanations"]
    assert e["Component"]["Id"] == a["rtb"] and e["RouteTable"]["Id"] == a["rtb"]
    assert e["RouteTableRoute"]["DestinationCidr"] == "10.1.0.0/16"
    assert e["RouteTableRoute"]["State"] == "blackhole"
    assert e["Address"] == b["ip"]


def test_every_blocker_is_named_with_its_context(ec2, world):
    a, c = world["a"], world["c"]
    # Port 3306: C's group admits only 22; A's ACL denies it on the way out too.
    ec2.create_network_acl_entry(NetworkAclId=ec2.describe_network_acls(Filters=[
        {"Name": "association.subnet-id", "Values": [a["subnet"]]}])["NetworkAcls"][0]["NetworkAclId"],
        RuleNumber=50, Protocol="6", RuleAction="deny", Egress=True, CidrBlock="10.2.0.0/16",
        PortRange={"From": 3306, "To": 3306})
    got = analyse(ec2, path(ec2, a["i"], c["i"], port=3306)["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is False
    assert codes(got) == ["ENI_SG_RULES_MISMATCH", "SUBNET_ACL_RESTRICTION"]
    acl = next(e for e in got["Explanations"] if e["ExplanationCode"] == "SUBNET_ACL_RESTRICTION")
    assert acl["Direction"] == "egress" and acl["Acl"]["Id"].startswith("acl-")
    assert acl["AclRule"] == {"Cidr": "10.2.0.0/16", "Egress": True, "PortRange": {"From": 3306, "To": 3306},
                              "Protocol": "6", "RuleAction": "deny", "RuleNumber": 50}
    assert (acl["Address"], acl["Port"], acl["Protocols"]) == (c["ip"], 3306, ["tcp"])
    assert (acl["Subnet"]["Id"], acl["Vpc"]["Id"]) == (a["subnet"], a["vpc"])
    sg = next(e for e in got["Explanations"] if e["ExplanationCode"] == "ENI_SG_RULES_MISMATCH")
    assert sg["Direction"] == "ingress"
    assert sg["NetworkInterface"]["Id"] == c["eni"] and sg["SecurityGroup"]["Id"] == c["sg"]
    assert [g["Id"] for g in sg["SecurityGroups"]] == [c["sg"]]
    assert (sg["Vpc"]["Id"], sg["Subnet"]["Id"]) == (c["vpc"], c["subnet"])
    assert (sg["Address"], sg["Port"], sg["Protocols"]) == (a["ip"], 3306, ["tcp"])
    # The filters find it.
    found = ec2.describe_network_insights_analyses(Filters=[
        {"Name": "path-found", "Values": ["false"]}])["NetworkInsightsAnalyses"]
    assert [x["NetworkInsightsAnalysisId"] for x in found] == [got["NetworkInsightsAnalysisId"]]


def test_icmp_ipv6_and_addresses_unlike_aws(ec2, world):
    a, b = world["a"], world["b"]
    # ICMP (an openvpc extension): B's group admits only TCP 22 until an ICMP rule exists.
    p = path(ec2, a["eni"], b["eni"], protocol="icmp", port=None)
    assert p["Protocol"] == "icmp"
    assert codes(analyse(ec2, p["NetworkInsightsPathId"])) == ["ENI_SG_RULES_MISMATCH"]
    ec2.authorize_security_group_ingress(GroupId=b["sg"], IpPermissions=[
        {"IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
    got = analyse(ec2, p["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is True
    assert got["ForwardPathComponents"][0]["OutboundHeader"]["Protocol"] == "1"
    # A destination address; the protocol is accepted in any case and stored lowercase.
    p = path(ec2, a["i"], None, protocol="TCP", DestinationIp=b["ip"])
    assert (p["Protocol"], p["DestinationIp"]) == ("tcp", b["ip"]) and "Destination" not in p
    assert analyse(ec2, p["NetworkInsightsPathId"])["NetworkPathFound"] is True
    # IPv6: an address nobody holds is routed nowhere.
    p = path(ec2, a["i"], None, DestinationIp="2600:1f18::1")
    assert p["DestinationIp"] == "2600:1f18::1"
    got = analyse(ec2, p["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is False and got["Explanations"]


def test_cross_account_peer_is_analysed_as_one_network(server):
    a, b = server.client(A), server.client(B)
    x = net(a, "10.0.0.0/16", "10.0.1.0/24")
    y = net(b, "10.1.0.0/16", "10.1.1.0/24")
    pcx = peer(a, b, x, y, peer_owner=B)
    route(a, x["rtb"], "10.1.0.0/16", pcx)
    route(b, y["rtb"], "10.0.0.0/16", pcx)
    # B's instance is not A's to name; its address is.
    raises("NetworkInsightsDestination.NotFound", path, a, x["i"], y["i"])
    raises("NetworkInsightsDestination.NotFound", path, a, x["i"],
           ARN.format(acct=B, kind="instance", id=y["i"]))
    got = analyse(a, path(a, x["i"], None, DestinationIp=y["ip"])["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is True
    far = next(c for c in got["ForwardPathComponents"] if c["Component"]["Id"] == y["eni"])
    assert far["Component"]["Arn"] == ARN.format(acct=B, kind="network-interface", id=y["eni"])
    # B sees none of A's paths or analyses.
    assert b.describe_network_insights_paths()["NetworkInsightsPaths"] == []
    assert b.describe_network_insights_analyses()["NetworkInsightsAnalyses"] == []


def test_lifecycle_errors_and_tags(ec2, world):
    a, b = world["a"], world["b"]
    raises("NetworkInsightsSource.NotFound", path, ec2, "i-0123456789abcdef0", b["i"])
    raises("NetworkInsightsDestination.NotFound", path, ec2, a["i"], "eni-0123456789abcdef0")
    raises("MissingParameter", path, ec2, a["i"], None)
    raises("InvalidParameterValue", path, ec2, a["i"], b["i"], protocol="sctp")
    raises("InvalidParameterCombination", path, ec2, a["i"], b["i"],
           FilterAtSource={"SourceAddress": a["ip"]})
    p = path(ec2, ARN.format(acct=A, kind="network-interface", id=a["eni"]), b["i"], port=None,
             FilterAtSource={"SourcePortRange": {"FromPort": 1024, "ToPort": 65535},
                             "DestinationPortRange": {"FromPort": 22, "ToPort": 22}},
             TagSpecifications=[{"ResourceType": "network-insights-path",
                                 "Tags": [{"Key": "Name", "Value": "a-to-b"}]}])
    pid = p["NetworkInsightsPathId"]
    assert p["Source"] == a["eni"] and "DestinationPort" not in p
    assert p["FilterAtSource"] == {"SourcePortRange": {"FromPort": 1024, "ToPort": 65535},
                                   "DestinationPortRange": {"FromPort": 22, "ToPort": 22}}
    assert p["Tags"] == [{"Key": "Name", "Value": "a-to-b"}]
    other = path(ec2, b["i"], a["i"], protocol="udp", port=53)["NetworkInsightsPathId"]

    def paths(**kw):
        return [x["NetworkInsightsPathId"]
                for x in ec2.describe_network_insights_paths(**kw)["NetworkInsightsPaths"]]
    assert sorted(paths()) == sorted([pid, other])
    assert paths(Filters=[{"Name": "protocol", "Values": ["udp"]}]) == [other]
    assert paths(Filters=[{"Name": "tag:Name", "Values": ["a-to-*"]}]) == [pid]
    assert paths(Filters=[{"Name": "filter-at-source.destination-port-range", "Values": ["22"]}]) == [pid]
    assert paths(Filters=[{"Name": "source", "Values": [b["i"]]}]) == [other]
    raises("InvalidParameterValue", paths, Filters=[{"Name": "bogus", "Values": ["x"]}])
    raises("InvalidNetworkInsightsPathId.NotFound", paths, NetworkInsightsPathIds=["nip-0123456789abcdef0"])
    raises("InvalidParameterValue", paths, MaxResults=101)  # boto3 itself refuses 0
    pages = ec2.get_paginator("describe_network_insights_paths").paginate(PaginationConfig={"PageSize": 1})
    assert sorted(x["NetworkInsightsPathId"] for pg in pages for x in pg["NetworkInsightsPaths"]) == \
        sorted([pid, other])

    # The filter's ports drive the analysis: every source port of 1024-65535 gets through
    # to destination port 22.
    got = analyse(ec2, pid, TagSpecifications=[{"ResourceType": "network-insights-analysis",
                                                 "Tags": [{"Key": "run", "Value": "1"}]}],
                  AdditionalAccounts=[B], FilterInArns=[ARN.format(acct=A, kind="vpc", id=a["vpc"])])
    nia = got["NetworkInsightsAnalysisId"]
    assert got["NetworkPathFound"] is True and got["Tags"] == [{"Key": "run", "Value": "1"}]
    assert got["AdditionalAccounts"] == [B] and got["FilterInArns"] == [
        ARN.format(acct=A, kind="vpc", id=a["vpc"])]
    out = got["ForwardPathComponents"][0]["OutboundHeader"]
    assert out["SourcePortRanges"] == [{"From": 1024, "To": 65535}]
    assert out["DestinationPortRanges"] == [{"From": 22, "To": 22}]
    second = analyse(ec2, other)["NetworkInsightsAnalysisId"]

    def analyses(**kw):
        return [x["NetworkInsightsAnalysisId"]
                for x in ec2.describe_network_insights_analyses(**kw)["NetworkInsightsAnalyses"]]
    assert analyses(NetworkInsightsPathId=pid) == [nia]
    assert sorted(analyses(Filters=[{"Name": "status", "Values": ["succeeded"]}])) == sorted([nia, second])
    # The server's clock, not this machine's: earlier tests may have advanced it.
    future = got["StartDate"] + datetime.timedelta(days=1)
    assert analyses(AnalysisStartTime=future) == []
    assert sorted(analyses(AnalysisEndTime=future)) == sorted([nia, second])
    raises("InvalidNetworkInsightsAnalysisId.Malformed", analyses, NetworkInsightsAnalysisIds=["nia-xyz"])
    raises("InvalidNetworkInsightsAnalysisId.NotFound", analyses,
           NetworkInsightsAnalysisIds=["nia-0123456789abcdef0"])
    raises("InvalidParameterValue", analyses, MaxResults=101)
    raises("InvalidNetworkInsightsPathId.NotFound", ec2.start_network_insights_analysis,
           NetworkInsightsPathId="nip-0123456789abcdef0")
    tags = ec2.describe_tags(Filters=[{"Name": "resource-type", "Values": ["network-insights-analysis"]}])
    assert [t["ResourceId"] for t in tags["Tags"]] == [nia]

    # DryRun changes nothing; analyses must go before their path.
    raises("DryRunOperation", ec2.delete_network_insights_analysis, NetworkInsightsAnalysisId=nia, DryRun=True)
    assert analyses(NetworkInsightsAnalysisIds=[nia]) == [nia]
    raises("AnalysisExistsForNetworkInsightsPath", ec2.delete_network_insights_path,
           NetworkInsightsPathId=pid, DryRun=True)
    raises("AnalysisExistsForNetworkInsightsPath", ec2.delete_network_insights_path, NetworkInsightsPathId=pid)
    deleted = ec2.delete_network_insights_analysis(NetworkInsightsAnalysisId=nia)
    assert deleted["NetworkInsightsAnalysisId"] == nia
    raises("InvalidNetworkInsightsAnalysisId.NotFound", ec2.delete_network_insights_analysis,
           NetworkInsightsAnalysisId=nia)
    raises("InvalidNetworkInsightsAnalysisId.Malformed", ec2.delete_network_insights_analysis,
           NetworkInsightsAnalysisId="analysis-1")
    assert ec2.delete_network_insights_path(NetworkInsightsPathId=pid)["NetworkInsightsPathId"] == pid
    raises("InvalidNetworkInsightsPathId.NotFound", ec2.delete_network_insights_path, NetworkInsightsPathId=pid)


def test_client_tokens_are_idempotent(ec2, world):
    a, b = world["a"], world["b"]
    first = path(ec2, a["i"], b["i"], ClientToken="path-1")["NetworkInsightsPathId"]
    assert path(ec2, a["i"], b["i"], ClientToken="path-1")["NetworkInsightsPathId"] == first
    raises("IdempotentParameterMismatch", path, ec2, b["i"], a["i"], ClientToken="path-1")
    start = ec2.start_network_insights_analysis
    nia = start(NetworkInsightsPathId=first, ClientToken="run-1")["NetworkInsightsAnalysis"]
    # A retry is the same analysis even though the network changed in between.
    ec2.revoke_security_group_ingress(GroupId=b["sg"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    again = start(NetworkInsightsPathId=first, ClientToken="run-1")["NetworkInsightsAnalysis"]
    assert again["NetworkInsightsAnalysisId"] == nia["NetworkInsightsAnalysisId"]
    # The SDK fills a fresh token per call: a new analysis sees the change.
    fresh = analyse(ec2, first)
    assert fresh["NetworkInsightsAnalysisId"] != nia["NetworkInsightsAnalysisId"]
    assert codes(fresh) == ["SG_HAS_NO_RULES"]


def test_each_change_is_seen_by_the_next_analysis(ec2, world):
    """The server keeps its compiled view current: every committed change (a rule, a route,
    a peering, a new instance) is in the verdict of the analysis that follows it."""
    a, b, ab = world["a"], world["b"], world["ab"]
    p = path(ec2, a["i"], b["i"])["NetworkInsightsPathId"]
    assert analyse(ec2, p)["NetworkPathFound"] is True
    ssh = [{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}]
    ec2.revoke_security_group_ingress(GroupId=b["sg"], IpPermissions=ssh)
    assert codes(analyse(ec2, p)) == ["SG_HAS_NO_RULES"]
    ec2.authorize_security_group_ingress(GroupId=b["sg"], IpPermissions=ssh)
    assert analyse(ec2, p)["NetworkPathFound"] is True
    ec2.delete_route(RouteTableId=a["rtb"], DestinationCidrBlock="10.1.0.0/16")
    assert analyse(ec2, p)["NetworkPathFound"] is False
    route(ec2, a["rtb"], "10.1.0.0/16", ab)
    assert analyse(ec2, p)["NetworkPathFound"] is True
    ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=ab)
    assert analyse(ec2, p)["NetworkPathFound"] is False
    # An instance launched after the last analysis is analysed at once.
    late = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1,
                             SubnetId=a["subnet"], SecurityGroupIds=[a["sg"]])["Instances"][0]
    q = path(ec2, late["InstanceId"], a["i"])["NetworkInsightsPathId"]
    assert analyse(ec2, q)["NetworkPathFound"] is True


def test_cli_flow(server):
    ec2 = server.client(A)
    a = net(ec2, "10.0.0.0/16", "10.0.1.0/24")
    b = net(ec2, "10.1.0.0/16", "10.1.1.0/24")
    pcx = peer(ec2, ec2, a, b)
    route(ec2, a["rtb"], "10.1.0.0/16", pcx)
    route(ec2, b["rtb"], "10.0.0.0/16", pcx)
    p = server.aws("ec2", "create-network-insights-path", "--source", a["i"], "--destination", b["i"],
                   "--protocol", "TCP", "--destination-port", "22")["NetworkInsightsPath"]
    assert p["Protocol"] == "tcp"
    started = server.aws("ec2", "start-network-insights-analysis", "--network-insights-path-id",
                         p["NetworkInsightsPathId"])["NetworkInsightsAnalysis"]
    assert started["Status"] == "running"
    got = server.aws("ec2", "describe-network-insights-analyses", "--network-insights-analysis-ids",
                     started["NetworkInsightsAnalysisId"])["NetworkInsightsAnalyses"][0]
    assert got["Status"] == "succeeded" and got["NetworkPathFound"] is True
    assert got["ForwardPathComponents"][0]["Component"]["Id"] == a["eni"]
    # Close the door and ask again.
    server.aws("ec2", "revoke-security-group-ingress", "--group-id", b["sg"], "--protocol", "tcp",
               "--port", "22", "--cidr", "10.0.0.0/8")
    again = server.aws("ec2", "start-network-insights-analysis", "--network-insights-path-id",
                       p["NetworkInsightsPathId"])["NetworkInsightsAnalysis"]
    listed = server.aws("ec2", "describe-network-insights-analyses", "--network-insights-path-id",
                        p["NetworkInsightsPathId"], "--filters", "Name=path-found,Values=false")
    [blocked] = listed["NetworkInsightsAnalyses"]
    assert blocked["NetworkInsightsAnalysisId"] == again["NetworkInsightsAnalysisId"]
    assert [e["ExplanationCode"] for e in blocked["Explanations"]] == ["SG_HAS_NO_RULES"]
    paths = server.aws("ec2", "describe-network-insights-paths")["NetworkInsightsPaths"]
    assert [x["NetworkInsightsPathId"] for x in paths] == [p["NetworkInsightsPathId"]]
    # No waiter exists for analyses in the SDKs; Describe is the way to poll.
    assert not [w for w in ec2.waiter_names if "insights" in w]


def test_analyses_survive_a_restart_unchanged():
    s = Server()
    try:
        ec2 = s.client(A)
        a = net(ec2, "10.0.0.0/16", "10.0.1.0/24")
        b = net(ec2, "10.1.0.0/16", "10.1.1.0/24")
        pid = path(ec2, a["i"], b["i"])["NetworkInsightsPathId"]
        before = analyse(ec2, pid)
        assert codes(before) == ["NO_ROUTE_TO_DESTINATION"]
        # The journal keeps the result: a changed network does not rewrite history.
        pcx = peer(ec2, ec2, a, b)
        route(ec2, a["rtb"], "10.1.0.0/16", pcx)
        s.kill9()
        s.start()
        ec2 = s.client(A)
        after = ec2.describe_network_insights_analyses(
            NetworkInsightsAnalysisIds=[before["NetworkInsightsAnalysisId"]])["NetworkInsightsAnalyses"][0]
        assert after == before
    finally:
        s.stop()


def test_a_path_outlives_its_source(ec2, server):
    a = net(ec2, "10.0.0.0/16", "10.0.1.0/24")
    pid = path(ec2, a["i"], None, DestinationIp="10.0.1.99")["NetworkInsightsPathId"]
    ec2.terminate_instances(InstanceIds=[a["i"]])
    got = analyse(ec2, pid)
    assert codes(got) == ["NO_SOURCE_OR_DESTINATION"] and "MissingComponent" not in got["Explanations"][0]
    server.advance(3600)  # the terminated instance is purged
    [e] = analyse(ec2, pid)["Explanations"]
    assert (e["ExplanationCode"], e["MissingComponent"]) == ("NO_SOURCE_OR_DESTINATION", a["i"])


def test_interface_endpoint_as_destination_across_peering(ec2, world):
    a, b, c = world["a"], world["b"], world["c"]
    vpce = ec2.create_vpc_endpoint(VpcId=c["vpc"], VpcEndpointType="Interface",
                                   ServiceName="com.amazonaws.us-east-1.ec2", SubnetIds=[c["subnet"]],
                                   SecurityGroupIds=[c["sg"]])["VpcEndpoint"]
    vid, [eni] = vpce["VpcEndpointId"], vpce["NetworkInterfaceIds"]
    p = path(ec2, a["i"], vid)
    assert p["Destination"] == vid
    assert p["DestinationArn"] == ARN.format(acct=A, kind="vpc-endpoint", id=vid)
    got = analyse(ec2, p["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is True
    assert got["ForwardPathComponents"][-2]["Component"]["Id"] == eni  # then its group
    # Peering stays non-transitive for endpoints too.
    assert codes(analyse(ec2, path(ec2, b["i"], vid)["NetworkInsightsPathId"])) == [
        "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"]
    gw = ec2.create_vpc_endpoint(VpcId=a["vpc"], ServiceName="com.amazonaws.us-east-1.s3")[
        "VpcEndpoint"]["VpcEndpointId"]
    raises("InvalidParameterValue", path, ec2, a["i"], gw)
    raises("NetworkInsightsDestination.NotFound", path, ec2, a["i"], "vpce-0123456789abcdef0")


def test_interface_endpoint_as_source_initiates_nothing(ec2, world):
    a = world["a"]
    vid = ec2.create_vpc_endpoint(VpcId=a["vpc"], VpcEndpointType="Interface",
                                  ServiceName="com.amazonaws.us-east-1.ec2", SubnetIds=[a["subnet"]],
                                  SecurityGroupIds=[a["sg"]])["VpcEndpoint"]["VpcEndpointId"]
    for source in (vid, ARN.format(acct=A, kind="vpc-endpoint", id=vid)):
        p = path(ec2, source, a["i"])
        assert p["Source"] == vid
        assert p["SourceArn"] == ARN.format(acct=A, kind="vpc-endpoint", id=vid)
        got = analyse(ec2, p["NetworkInsightsPathId"])
        assert got["NetworkPathFound"] is False
        assert codes(got) == ["VPCE_INTRA_VPC_TRAFFIC"]
    raises("NetworkInsightsSource.NotFound", path, ec2, "vpce-0123456789abcdef0", a["i"])
    raises("NetworkInsightsSource.NotFound", path, ec2, "igw-0123456789abcdef0", a["i"])
    raises("NetworkInsightsDestination.NotFound", path, ec2, a["i"], "igw-0123456789abcdef0")


def public_net(ec2, world):
    """World A's VPC with an attached internet gateway, 0.0.0.0/0 routed to it, and an
    Elastic IP on its instance."""
    a = world["a"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=a["vpc"])
    ec2.create_route(RouteTableId=a["rtb"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    alloc = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=alloc["AllocationId"], InstanceId=a["i"])
    return a, igw, alloc["PublicIp"]


def test_internet_gateway_as_source(ec2, world, server):
    a, igw, public = public_net(ec2, world)
    p = path(ec2, ARN.format(acct=A, kind="internet-gateway", id=igw), a["i"], port=443)
    assert p["Source"] == igw
    assert p["SourceArn"] == ARN.format(acct=A, kind="internet-gateway", id=igw)
    got = analyse(ec2, p["NetworkInsightsPathId"])
    assert codes(got) == ["ENI_SG_RULES_MISMATCH"] and got["NetworkPathFound"] is False

    ec2.authorize_security_group_ingress(GroupId=a["sg"], IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    got = analyse(ec2, p["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is True and got["Explanations"] == []
    fwd = got["ForwardPathComponents"]
    assert fwd[0]["Component"]["Id"] == igw and fwd[0]["Vpc"]["Id"] == a["vpc"]
    assert fwd[0]["InboundHeader"]["SourceAddresses"] == ["198.51.100.10"]
    assert fwd[0]["InboundHeader"]["DestinationAddresses"] == [public]
    assert a["eni"] in [c["Component"]["Id"] for c in fwd]
    # A public SourceIp is the internet host; a private one is refused as AWS documents.
    p2 = path(ec2, igw, a["i"], port=443, SourceIp="203.0.113.7")
    got = analyse(ec2, p2["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is True
    assert got["ForwardPathComponents"][0]["InboundHeader"]["SourceAddresses"] == ["203.0.113.7"]
    got = analyse(ec2, path(ec2, igw, a["i"], port=443, SourceIp="10.9.9.9")["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is False and codes(got) == ["IGW_EXPECTS_PUBLIC_ADDRESS"]
    assert got["Explanations"][0]["InternetGateway"]["Id"] == igw

    # The gateway of another VPC leads nowhere near the instance.
    b = world["b"]
    got = analyse(ec2, path(ec2, igw, b["i"], port=443)["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is False and codes(got) == ["DISCONNECTED_VPCS"]
    [x] = got["Explanations"]
    assert x["InternetGateway"]["Id"] == igw and x["Vpc"]["Id"] == a["vpc"]
    assert x["DestinationVpc"]["Id"] == b["vpc"]

    # Another account's gateway is invisible.
    other = server.client(B).create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    raises("NetworkInsightsSource.NotFound", path, ec2, other, a["i"])
    raises("NetworkInsightsDestination.NotFound", path, ec2, a["i"],
           ARN.format(acct=B, kind="internet-gateway", id=other))
    raises("InvalidParameterValue", path, ec2, igw, igw)


def test_internet_gateway_as_destination(ec2, world):
    a, igw, public = public_net(ec2, world)
    p = path(ec2, a["i"], igw, port=443)
    assert p["DestinationArn"] == ARN.format(acct=A, kind="internet-gateway", id=igw)
    got = analyse(ec2, p["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is True and got["Explanations"] == []
    fwd = got["ForwardPathComponents"]
    assert fwd[-1]["Component"]["Id"] == igw
    assert fwd[-1]["OutboundHeader"]["SourceAddresses"] == [public]
    assert fwd[-1]["OutboundHeader"]["DestinationAddresses"] == ["198.51.100.10"]

    # An instance without a public address cannot leave through the gateway.
    bare = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1, SubnetId=a["subnet"],
                             SecurityGroupIds=[a["sg"]])["Instances"][0]["InstanceId"]
    got = analyse(ec2, path(ec2, bare, igw, port=443)["NetworkInsightsPathId"])
    assert codes(got) == ["IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS"]

    # Without a route to the gateway there is no way out.
    ec2.delete_route(RouteTableId=a["rtb"], DestinationCidrBlock="0.0.0.0/0")
    got = analyse(ec2, p["NetworkInsightsPathId"])
    assert got["NetworkPathFound"] is False and codes(got) == ["NO_ROUTE_TO_DESTINATION"]

    # A source in another VPC cannot leave through this VPC's gateway; a detached one
    # carries nothing.
    got = analyse(ec2, path(ec2, world["b"]["i"], igw)["NetworkInsightsPathId"])
    assert codes(got) == ["DISCONNECTED_VPCS"]
    loose = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    got = analyse(ec2, path(ec2, a["i"], loose)["NetworkInsightsPathId"])
    assert codes(got) == ["UNASSOCIATED_COMPONENT"] and got["NetworkPathFound"] is False
