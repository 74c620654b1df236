"""Transit gateways through boto3 and the aws CLI: the gateway and its default route table,
VPC attachments on the injectable clock, route tables, static and blackhole routes, the
tgw- id as a VPC route target; Network Insights through a transit gateway (transitive,
where peering is not)."""


import pytest
from botocore.exceptions import ClientError

from conftest import B, analyse_tcp22, error_code


def raises(code, fn, *args, **kwargs):
    with pytest.raises(ClientError) as e:
        fn(*args, **kwargs)
    assert error_code(e) == code, e.value.response["Error"]


def spoke(ec2, n):
    """VPC 10.n.0.0/16 with a subnet in us-east-1a, a group admitting TCP 22 from 10/8, an
    instance."""
    vpc = ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{n}.1.0/24",
                               AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(VpcId=vpc, GroupName="app", Description="app")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
        "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    inst = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1,
                             SubnetId=subnet, SecurityGroupIds=[sg])["Instances"][0]
    rtb = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])[
        "RouteTables"][0]["RouteTableId"]
    return {"vpc": vpc, "subnet": subnet, "rtb": rtb, "i": inst["InstanceId"],
            "ip": inst["PrivateIpAddress"]}


def hub(server, ec2, spokes):
    """A transit gateway, each spoke attached and routing 10/8 to it."""
    g = ec2.create_transit_gateway(Description="hub", TagSpecifications=[{
        "ResourceType": "transit-gateway", "Tags": [{"Key": "Name", "Value": "hub"}]}])[
        "TransitGateway"]
    assert g["State"] == "pending"
    server.advance(1)
    tgw = g["TransitGatewayId"]
    for s in spokes:
        a = ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw, VpcId=s["vpc"], SubnetIds=[s["subnet"]])[
            "TransitGatewayVpcAttachment"]
        assert a["State"] == "pending"
        s["attach"] = a["TransitGatewayAttachmentId"]
    server.advance(1)
    for s in spokes:
        ec2.create_route(RouteTableId=s["rtb"], DestinationCidrBlock="10.0.0.0/8",
                         TransitGatewayId=tgw)
    return g


def test_gateway_attachments_route_tables_and_routes(server, ec2):
    a, b = spoke(ec2, 1), spoke(ec2, 2)
    g = hub(server, ec2, [a, b])
    tgw = g["TransitGatewayId"]
    o = g["Options"]
    assert o["AmazonSideAsn"] == 64512 and o["DefaultRouteTableAssociation"] == "enable"
    assert o["AssociationDefaultRouteTableId"] == o["PropagationDefaultRouteTableId"]
    rtb = o["AssociationDefaultRouteTableId"]
    [d] = ec2.describe_transit_gateways(TransitGatewayIds=[tgw])["TransitGateways"]
    assert d["State"] == "available" and d["Tags"] == [{"Key": "Name", "Value": "hub"}]
    assert d["TransitGatewayArn"].endswith(f":transit-gateway/{tgw}")

    atts = ec2.describe_transit_gateway_vpc_attachments(Filters=[
        {"Name": "transit-gateway-id", "Values": [tgw]}])["TransitGatewayVpcAttachments"]
    assert {x["State"] for x in atts} == {"available"} and len(atts) == 2
    [gen] = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[a["attach"]])[
        "TransitGatewayAttachments"]
    assert gen["ResourceType"] == "vpc" and gen["ResourceId"] == a["vpc"]
    assert gen["Association"] == {"TransitGatewayRouteTableId": rtb, "State": "associated"}
    enis = ec2.describe_network_interfaces(Filters=[
        {"Name": "interface-type", "Values": ["transit_gateway"]}])["NetworkInterfaces"]
    assert len(enis) == 2

    [t] = ec2.describe_transit_gateway_route_tables(Filters=[
        {"Name": "default-association-route-table", "Values": ["true"]}])[
        "TransitGatewayRouteTables"]
    assert t["TransitGatewayRouteTableId"] == rtb and t["DefaultPropagationRouteTable"] is True
    routes = ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=rtb, Filters=[
        {"Name": "type", "Values": ["propagated"]}])["Routes"]
    assert sorted(r["DestinationCidrBlock"] for r in routes) == ["10.1.0.0/16", "10.2.0.0/16"]
    assert routes[0]["State"] == "active"
    assoc = ec2.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=rtb)[
        "Associations"]
    assert {x["ResourceId"] for x in assoc} == {a["vpc"], b["vpc"]}
    props = ec2.get_transit_gateway_route_table_propagations(TransitGatewayRouteTableId=rtb)[
        "TransitGatewayRouteTablePropagations"]
    assert {x["State"] for x in props} == {"enabled"}

    # Static and blackhole routes; longest prefix through the search.
    r = ec2.create_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                         DestinationCidrBlock="10.2.1.0/24", Blackhole=True)["Route"]
    assert r == {"DestinationCidrBlock": "10.2.1.0/24", "Type": "static", "State": "blackhole"}
    [lp] = ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=rtb, Filters=[
        {"Name": "route-search.longest-prefix-match", "Values": ["10.2.1.7/32"]}])["Routes"]
    assert lp["DestinationCidrBlock"] == "10.2.1.0/24"
    raises("RouteAlreadyExists", ec2.create_transit_gateway_route,
           TransitGatewayRouteTableId=rtb, DestinationCidrBlock="10.2.1.0/24", Blackhole=True)
    ec2.replace_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                      DestinationCidrBlock="10.2.1.0/24",
                                      TransitGatewayAttachmentId=b["attach"])
    ec2.delete_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                     DestinationCidrBlock="10.2.1.0/24")

    # A custom table: disassociate, associate, propagate.
    custom = ec2.create_transit_gateway_route_table(TransitGatewayId=tgw)[
        "TransitGatewayRouteTable"]["TransitGatewayRouteTableId"]
    ec2.disassociate_transit_gateway_route_table(TransitGatewayRouteTableId=rtb,
                                                 TransitGatewayAttachmentId=a["attach"])
    ec2.associate_transit_gateway_route_table(TransitGatewayRouteTableId=custom,
                                              TransitGatewayAttachmentId=a["attach"])
    raises("Resource.AlreadyAssociated", ec2.associate_transit_gateway_route_table,
           TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=a["attach"])
    ec2.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=custom,
                                                       TransitGatewayAttachmentId=b["attach"])
    raises("TransitGatewayRouteTablePropagation.Duplicate",
           ec2.enable_transit_gateway_route_table_propagation,
           TransitGatewayRouteTableId=custom, TransitGatewayAttachmentId=b["attach"])

    # The VPC route to the gateway is active while the attachment is available.
    vpc_routes = ec2.describe_route_tables(RouteTableIds=[a["rtb"]])["RouteTables"][0]["Routes"]
    assert {"DestinationCidrBlock": "10.0.0.0/8", "TransitGatewayId": tgw,
            "Origin": "CreateRoute", "State": "active"} in vpc_routes

    # Deleting: refused while attachments live; attachments go deleting → deleted.
    raises("IncorrectState", ec2.delete_transit_gateway, TransitGatewayId=tgw)
    raises("DependencyViolation", ec2.delete_vpc, VpcId=a["vpc"])
    for s in (a, b):
        gone = ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=s["attach"])
        assert gone["TransitGatewayVpcAttachment"]["State"] == "deleting"
    server.advance(1)
    states = {x["State"] for x in ec2.describe_transit_gateway_vpc_attachments()[
        "TransitGatewayVpcAttachments"]}
    assert states == {"deleted"}
    vpc_routes = ec2.describe_route_tables(RouteTableIds=[a["rtb"]])["RouteTables"][0]["Routes"]
    assert next(r for r in vpc_routes if r.get("TransitGatewayId") == tgw)["State"] == "blackhole"
    ec2.delete_transit_gateway(TransitGatewayId=tgw)
    server.advance(1)
    [d] = ec2.describe_transit_gateways(TransitGatewayIds=[tgw])["TransitGateways"]
    assert d["State"] == "deleted"


def test_errors_and_the_aws_cli(server, ec2):
    a = spoke(ec2, 1)
    raises("InvalidTransitGatewayID.NotFound", ec2.create_transit_gateway_vpc_attachment,
           TransitGatewayId="tgw-0123456789abcdef0", VpcId=a["vpc"], SubnetIds=[a["subnet"]])
    raises("InvalidTransitGatewayID.Malformed", ec2.describe_transit_gateways,
           TransitGatewayIds=["tgw-nope"])
    raises("InvalidParameterValue", ec2.describe_transit_gateways,
           Filters=[{"Name": "no-such-filter", "Values": ["x"]}])
    raises("InvalidTransitGatewayID.NotFound", ec2.create_route, RouteTableId=a["rtb"],
           DestinationCidrBlock="10.0.0.0/8", TransitGatewayId="tgw-0123456789abcdef0")
    out = server.aws("ec2", "create-transit-gateway", "--options",
                     "DefaultRouteTableAssociation=disable,DefaultRouteTablePropagation=disable,"
                     "AmazonSideAsn=64600")
    g = out["TransitGateway"]
    assert g["Options"]["AmazonSideAsn"] == 64600
    assert "AssociationDefaultRouteTableId" not in g["Options"]
    server.advance(1)
    out = server.aws("ec2", "describe-transit-gateways", "--filters",
                     "Name=options.amazon-side-asn,Values=64600")
    assert [x["TransitGatewayId"] for x in out["TransitGateways"]] == [
        g["TransitGatewayId"]]


def codes(got):
    return sorted({e["ExplanationCode"] for e in got["Explanations"]})


def test_network_insights_through_a_transit_gateway(server, ec2):
    # Peering is not transitive: 1↔2 and 2↔3 peered, 1 cannot reach 3.
    a, b, c = spoke(ec2, 1), spoke(ec2, 2), spoke(ec2, 3)
    for x, y in ((a, b), (b, c)):
        pcx = ec2.create_vpc_peering_connection(VpcId=x["vpc"], PeerVpcId=y["vpc"])[
            "VpcPeeringConnection"]["VpcPeeringConnectionId"]
        server.advance(1)
        ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
        server.advance(1)
        for s, t in ((x, y), (y, x)):
            ec2.create_route(RouteTableId=s["rtb"], DestinationCidrBlock=f"{t['ip']}/32",
                             VpcPeeringConnectionId=pcx)
    got = analyse_tcp22(ec2, a["i"], c["i"])
    assert got["NetworkPathFound"] is False

    # Three VPCs on one transit gateway: 1 reaches 3 through it.
    d, e, f = spoke(ec2, 4), spoke(ec2, 5), spoke(ec2, 6)
    g = hub(server, ec2, [d, e, f])
    got = analyse_tcp22(ec2, d["i"], f["i"])
    assert got["NetworkPathFound"] is True, got["Explanations"]
    assert any(x["Component"]["Id"] == g["TransitGatewayId"]
               for x in got["ForwardPathComponents"])

    # A blackhole route in the transit gateway's table blocks the path.
    rtb = g["Options"]["AssociationDefaultRouteTableId"]
    ec2.create_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                     DestinationCidrBlock=f"{f['ip']}/32", Blackhole=True)
    got = analyse_tcp22(ec2, d["i"], f["i"])
    assert got["NetworkPathFound"] is False
    assert codes(got) == ["TGW_RTB_BAD_STATE_ROUTE"]
    # No route at all once the destination stops propagating.
    ec2.delete_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                     DestinationCidrBlock=f"{f['ip']}/32")
    ec2.disable_transit_gateway_route_table_propagation(
        TransitGatewayRouteTableId=rtb, TransitGatewayAttachmentId=f["attach"])
    got = analyse_tcp22(ec2, d["i"], f["i"])
    assert codes(got) == ["TGW_RTB_CANNOT_ROUTE"]


def test_cross_account_attachment_through_a_resource_share(server, ec2):
    b_ec2 = server.client(account=B)
    a_ram, b_ram = server.client(service="ram"), server.client(account=B, service="ram")
    g = ec2.create_transit_gateway()["TransitGateway"]
    tgw = g["TransitGatewayId"]
    server.advance(1)
    spoke_b = spoke(b_ec2, 7)
    # Not shared yet: B cannot see the gateway.
    raises("InvalidTransitGatewayID.NotFound", b_ec2.create_transit_gateway_vpc_attachment,
           TransitGatewayId=tgw, VpcId=spoke_b["vpc"], SubnetIds=[spoke_b["subnet"]])
    share = a_ram.create_resource_share(name="hub", resourceArns=[g["TransitGatewayArn"]],
                                        principals=[B])["resourceShare"]
    assert share["status"] == "ACTIVE" and share["owningAccountId"] == g["OwnerId"]
    [own] = a_ram.get_resource_shares(resourceOwner="SELF")["resourceShares"]
    assert own["resourceShareArn"] == share["resourceShareArn"]
    [inv] = b_ram.get_resource_share_invitations()["resourceShareInvitations"]
    assert inv["status"] == "PENDING" and inv["receiverAccountId"] == B
    out = server.aws("ram", "accept-resource-share-invitation", "--resource-share-invitation-arn",
                     inv["resourceShareInvitationArn"], account=B)
    assert out["resourceShareInvitation"]["status"] == "ACCEPTED"
    with pytest.raises(ClientError) as e:
        b_ram.accept_resource_share_invitation(
            resourceShareInvitationArn=inv["resourceShareInvitationArn"])
    assert error_code(e) == "ResourceShareInvitationAlreadyAcceptedException"
    assert len(b_ram.get_resource_shares(resourceOwner="OTHER-ACCOUNTS")["resourceShares"]) == 1
    assert [x["TransitGatewayId"] for x in b_ec2.describe_transit_gateways()[
        "TransitGateways"]] == [tgw]

    # B attaches; A accepts; the attachment is available on the clock.
    att = b_ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=spoke_b["vpc"], SubnetIds=[spoke_b["subnet"]])[
        "TransitGatewayVpcAttachment"]
    assert att["State"] == "pendingAcceptance" and att["VpcOwnerId"] == B
    raises("OperationNotPermitted", b_ec2.accept_transit_gateway_vpc_attachment,
           TransitGatewayAttachmentId=att["TransitGatewayAttachmentId"])
    ec2.accept_transit_gateway_vpc_attachment(
        TransitGatewayAttachmentId=att["TransitGatewayAttachmentId"])
    server.advance(1)
    [seen] = ec2.describe_transit_gateway_attachments()["TransitGatewayAttachments"]
    assert seen["State"] == "available" and seen["ResourceOwnerId"] == B
    with pytest.raises(ClientError) as e:
        a_ram.create_resource_share(name="x", resourceArns=["nope"])
    assert error_code(e) == "MalformedArnException"


def test_prefix_list_references(server, ec2):
    a, b = spoke(ec2, 1), spoke(ec2, 2)
    g = hub(server, ec2, [a, b])
    rtb = g["Options"]["AssociationDefaultRouteTableId"]
    pl = ec2.create_managed_prefix_list(PrefixListName="corp", MaxEntries=5,
                                        AddressFamily="IPv4", Entries=[
                                            {"Cidr": "10.2.0.0/16"},
                                            {"Cidr": "172.16.0.0/12"}])[
        "PrefixList"]["PrefixListId"]
    r = ec2.create_transit_gateway_prefix_list_reference(
        TransitGatewayRouteTableId=rtb, PrefixListId=pl,
        TransitGatewayAttachmentId=b["attach"])["TransitGatewayPrefixListReference"]
    assert r == {"TransitGatewayRouteTableId": rtb, "PrefixListId": pl,
                 "PrefixListOwnerId": r["PrefixListOwnerId"], "State": "pending",
                 "Blackhole": False,
                 "TransitGatewayAttachment": {"TransitGatewayAttachmentId": b["attach"],
                                              "ResourceType": "vpc", "ResourceId": b["vpc"]}}
    raises("RouteAlreadyExists", ec2.create_transit_gateway_prefix_list_reference,
           TransitGatewayRouteTableId=rtb, PrefixListId=pl, Blackhole=True)
    raises("InvalidPrefixListID.NotFound", ec2.create_transit_gateway_prefix_list_reference,
           TransitGatewayRouteTableId=rtb, PrefixListId="pl-0123456789abcdef0", Blackhole=True)
    [got] = ec2.get_transit_gateway_prefix_list_references(TransitGatewayRouteTableId=rtb)[
        "TransitGatewayPrefixListReferences"]
    assert got["State"] == "available" and got["PrefixListId"] == pl
    assert ec2.get_transit_gateway_prefix_list_references(
        TransitGatewayRouteTableId=rtb, Filters=[{"Name": "is-blackhole", "Values": ["true"]}])[
        "TransitGatewayPrefixListReferences"] == []
    # Each entry is a route of the table; 10.2.0.0/16 is the list's, not the propagation's.
    routes = ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=rtb, Filters=[
        {"Name": "prefix-list-id", "Values": [pl]}])["Routes"]
    assert sorted(x["DestinationCidrBlock"] for x in routes) == ["10.2.0.0/16",
                                                                 "172.16.0.0/12"]
    assert {x["Type"] for x in routes} == {"static"}
    got = analyse_tcp22(ec2, a["i"], b["i"])
    assert got["NetworkPathFound"] is True, got["Explanations"]
    [hop] = [x for x in got["ForwardPathComponents"] if "TransitGatewayRouteTableRoute" in x]
    assert hop["Component"]["Id"] == rtb
    assert hop["TransitGatewayRouteTableRoute"] == {
        "DestinationCidr": "10.2.0.0/16", "State": "active", "RouteOrigin": "static",
        "PrefixListId": pl, "AttachmentId": b["attach"], "ResourceId": b["vpc"],
        "ResourceType": "vpc"}
    # Blackhole: the list's entries drop what they match.
    r = ec2.modify_transit_gateway_prefix_list_reference(
        TransitGatewayRouteTableId=rtb, PrefixListId=pl, Blackhole=True)[
        "TransitGatewayPrefixListReference"]
    assert r["State"] == "modifying" and r["Blackhole"] is True
    got = analyse_tcp22(ec2, a["i"], b["i"])
    assert codes(got) == ["TGW_RTB_BAD_STATE_ROUTE"]
    # A static route of the same prefix wins over the list's.
    ec2.create_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                     DestinationCidrBlock="10.2.0.0/16",
                                     TransitGatewayAttachmentId=b["attach"])
    got = analyse_tcp22(ec2, a["i"], b["i"])
    assert got["NetworkPathFound"] is True, got["Explanations"]
    raises("DependencyViolation", ec2.delete_managed_prefix_list, PrefixListId=pl)
    out = server.aws("ec2", "delete-transit-gateway-prefix-list-reference",
                     "--transit-gateway-route-table-id", rtb, "--prefix-list-id", pl)
    assert out["TransitGatewayPrefixListReference"]["State"] == "deleting"
    assert ec2.get_transit_gateway_prefix_list_references(TransitGatewayRouteTableId=rtb)[
        "TransitGatewayPrefixListReferences"] == []
    ec2.delete_managed_prefix_list(PrefixListId=pl)
