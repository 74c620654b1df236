"""Transit-gateway peering attachments through boto3 and the aws CLI: a request between two
Regions (and two accounts) on the injectable clock — initiatingRequest, pendingAcceptance
at the accepter, pending, available; rejected; failed when the peer gateway does not
exist —, static routes to the attachment on both sides, and a Network Insights answer
across the peering."""

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, analyse_tcp22, error_code

WEST = "us-west-2"


def raises(code, fn, *args, **kwargs):
    with pytest.raises(ClientError) as e:
        fn(*args, **kwargs)
    assert error_code(e) == code, e.value.response["Error"]


def spoke(ec2, n, zone):
    """VPC 10.n.0.0/16 with a subnet in `zone`, a group admitting TCP 22 from 10/8, an
    instance."""
    vpc = ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{n}.1.0/24",
                               AvailabilityZone=zone)["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(VpcId=vpc, GroupName="app", Description="app")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
        "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    ami = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
    inst = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1,
                             SubnetId=subnet, SecurityGroupIds=[sg])["Instances"][0]
    rtb = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])[
        "RouteTables"][0]["RouteTableId"]
    return {"vpc": vpc, "subnet": subnet, "rtb": rtb, "i": inst["InstanceId"],
            "ip": inst["PrivateIpAddress"], "cidr": f"10.{n}.0.0/16"}


def hub(server, ec2, s):
    """A transit gateway with spoke `s` attached and routing 10/8 to it; its default table."""
    g = ec2.create_transit_gateway()["TransitGateway"]
    server.advance(1)
    tgw = g["TransitGatewayId"]
    ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=s["vpc"],
                                              SubnetIds=[s["subnet"]])
    server.advance(1)
    ec2.create_route(RouteTableId=s["rtb"], DestinationCidrBlock="10.0.0.0/8",
                     TransitGatewayId=tgw)
    return tgw, g["Options"]["AssociationDefaultRouteTableId"]


def peerings(ec2, **kw):
    return ec2.describe_transit_gateway_peering_attachments(**kw)[
        "TransitGatewayPeeringAttachments"]


def test_inter_region_peering_routes_traffic_between_two_hubs(server, ec2):
    west = server.client(region=WEST)
    a, b = spoke(ec2, 1, "us-east-1a"), spoke(west, 2, "us-west-2a")
    tgw_a, rtb_a = hub(server, ec2, a)
    tgw_b, rtb_b = hub(server, west, b)

    p = ec2.create_transit_gateway_peering_attachment(
        TransitGatewayId=tgw_a, PeerTransitGatewayId=tgw_b, PeerAccountId=A,
        PeerRegion=WEST, Options={"DynamicRouting": "disable"},
        TagSpecifications=[{"ResourceType": "transit-gateway-attachment",
                            "Tags": [{"Key": "Name", "Value": "east-west"}]}],
    )["TransitGatewayPeeringAttachment"]
    pid = p["TransitGatewayAttachmentId"]
    assert p["State"] == "initiatingRequest"
    assert p["RequesterTgwInfo"] == {"TransitGatewayId": tgw_a, "OwnerId": A,
                                     "Region": "us-east-1"}
    assert p["AccepterTgwInfo"]["Region"] == WEST and p["Options"] == {
        "DynamicRouting": "disable"}
    assert p["Tags"] == [{"Key": "Name", "Value": "east-west"}]
    server.advance(1)
    [seen] = peerings(west, TransitGatewayAttachmentIds=[pid])
    assert seen["State"] == "pendingAcceptance"
    assert seen["Status"]["Code"] == "pendingAcceptance"
    # Accepted in the accepter's Region only.
    raises("OperationNotPermitted", ec2.accept_transit_gateway_peering_attachment,
           TransitGatewayAttachmentId=pid)
    got = west.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=pid)
    assert got["TransitGatewayPeeringAttachment"]["State"] == "pending"
    server.advance(1)
    assert [x["State"] for x in peerings(ec2)] == ["available"]
    assert [x["TransitGatewayAttachmentId"] for x in peerings(
        ec2, Filters=[{"Name": "transit-gateway-id", "Values": [tgw_b]}])] == [pid]
    assert peerings(ec2, Filters=[{"Name": "state", "Values": ["pending"]}]) == []

    # Each side lists it as a peering attachment of its own gateway, associated with its
    # default table.
    [mine] = ec2.describe_transit_gateway_attachments(Filters=[
        {"Name": "resource-type", "Values": ["peering"]}])["TransitGatewayAttachments"]
    assert (mine["TransitGatewayId"], mine["ResourceId"]) == (tgw_a, tgw_b)
    assert mine["Association"] == {"TransitGatewayRouteTableId": rtb_a, "State": "associated"}
    [theirs] = west.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[pid])[
        "TransitGatewayAttachments"]
    assert (theirs["TransitGatewayId"], theirs["ResourceType"]) == (tgw_b, "peering")

    # Static routes only: no propagation over a peering attachment.
    raises("InvalidParameterValue", ec2.enable_transit_gateway_route_table_propagation,
           TransitGatewayRouteTableId=rtb_a, TransitGatewayAttachmentId=pid)
    r = ec2.create_transit_gateway_route(TransitGatewayRouteTableId=rtb_a,
                                         DestinationCidrBlock=b["cidr"],
                                         TransitGatewayAttachmentId=pid)["Route"]
    assert r["TransitGatewayAttachments"] == [{
        "ResourceId": tgw_b, "TransitGatewayAttachmentId": pid, "ResourceType": "peering"}]
    west.create_transit_gateway_route(TransitGatewayRouteTableId=rtb_b,
                                      DestinationCidrBlock=a["cidr"],
                                      TransitGatewayAttachmentId=pid)

    got = analyse_tcp22(ec2, a["i"], ip=b["ip"])
    assert got["NetworkPathFound"] is True, got["Explanations"]
    ids = [c["Component"]["Id"] for c in got["ForwardPathComponents"]]
    assert tgw_a in ids and pid in ids and tgw_b in ids, ids
    assert ids.index(tgw_a) < ids.index(pid) < ids.index(tgw_b)
    comps = {c["Component"]["Id"]: c for c in got["ForwardPathComponents"]}
    assert comps[rtb_a]["TransitGatewayRouteTableRoute"] == {
        "DestinationCidr": b["cidr"], "State": "active", "RouteOrigin": "static",
        "AttachmentId": pid, "ResourceId": tgw_b, "ResourceType": "peering"}
    assert comps[rtb_a]["TransitGateway"]["Id"] == tgw_a
    assert comps[pid]["TransitGateway"]["Id"] == tgw_a
    far = comps[rtb_b]["TransitGatewayRouteTableRoute"]
    assert (far["RouteOrigin"], far["ResourceId"], far["ResourceType"]) == (
        "propagated", b["vpc"], "vpc")

    # Without the route back at the peer the reply stops at its table.
    west.delete_transit_gateway_route(TransitGatewayRouteTableId=rtb_b,
                                      DestinationCidrBlock=a["cidr"])
    got = analyse_tcp22(ec2, a["i"], ip=b["ip"])
    assert got["NetworkPathFound"] is False
    assert {e["ExplanationCode"] for e in got["Explanations"]} == {"TGW_RTB_CANNOT_ROUTE"}

    # A peered gateway cannot be deleted; the accepter deletes the attachment.
    raises("IncorrectState", west.delete_transit_gateway, TransitGatewayId=tgw_b)
    out = server.aws("ec2", "delete-transit-gateway-peering-attachment",
                     "--transit-gateway-attachment-id", pid, region=WEST)
    assert out["TransitGatewayPeeringAttachment"]["State"] == "deleting"
    server.advance(1)
    assert [x["State"] for x in peerings(ec2)] == ["deleted"]
    routes = ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=rtb_a, Filters=[
        {"Name": "type", "Values": ["static"]}])["Routes"]
    assert routes == []


def test_cross_account_requests_through_the_cli(server):
    def cli(*args, account=A, region="us-east-1"):
        return server.aws("ec2", *args, account=account, region=region)

    tgw_a = cli("create-transit-gateway")["TransitGateway"]["TransitGatewayId"]
    tgw_b = cli("create-transit-gateway", account=B, region="eu-west-1")[
        "TransitGateway"]["TransitGatewayId"]
    server.advance(1)

    def request(peer_tgw):
        return cli("create-transit-gateway-peering-attachment",
                   "--transit-gateway-id", tgw_a, "--peer-transit-gateway-id", peer_tgw,
                   "--peer-account-id", B, "--peer-region", "eu-west-1")[
            "TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]

    def state(pid, account=A, region="us-east-1"):
        out = cli("describe-transit-gateway-peering-attachments",
                  "--transit-gateway-attachment-ids", pid, account=account, region=region)
        return [x["State"] for x in out["TransitGatewayPeeringAttachments"]]

    # The wrong gateway id for account B fails once the request is looked at.
    missing = request("tgw-0123456789abcdef0")
    server.advance(1)
    out = cli("describe-transit-gateway-peering-attachments", "--filters",
              "Name=state,Values=failed")["TransitGatewayPeeringAttachments"]
    assert [x["TransitGatewayAttachmentId"] for x in out] == [missing]
    assert "tgw-0123456789abcdef0" in out[0]["Status"]["Message"]
    assert cli("describe-transit-gateway-peering-attachments", account=B,
               region="eu-west-1")["TransitGatewayPeeringAttachments"] == []

    # B rejects a request; then accepts the next one.
    rejected = request(tgw_b)
    server.advance(1)
    cli("reject-transit-gateway-peering-attachment", "--transit-gateway-attachment-id",
        rejected, account=B, region="eu-west-1")
    assert state(rejected) == ["rejected"]
    pid = request(tgw_b)
    server.advance(1)
    proc = server.aws("ec2", "accept-transit-gateway-peering-attachment",
                      "--transit-gateway-attachment-id", pid, account=B, region="us-east-1",
                      check=False)
    assert proc.returncode != 0 and "InvalidTransitGatewayAttachmentID.NotFound" in proc.stderr
    cli("accept-transit-gateway-peering-attachment", "--transit-gateway-attachment-id", pid,
        account=B, region="eu-west-1")
    server.advance(1)
    assert state(pid, account=B, region="eu-west-1") == ["available"]
    out = cli("describe-transit-gateway-attachments", "--filters",
              "Name=resource-type,Values=peering", "Name=state,Values=available",
              account=B, region="eu-west-1")["TransitGatewayAttachments"]
    assert [(x["ResourceId"], x["ResourceOwnerId"]) for x in out] == [(tgw_a, A)]
