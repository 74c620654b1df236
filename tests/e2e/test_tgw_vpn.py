"""Transit-gateway VPN attachments through boto3 and the aws CLI: CreateVpnConnection with
TransitGatewayId attaches the connection (resource type `vpn`) on the injectable clock, its
routes propagate into the gateway's table, DeleteVpnConnection removes the attachment;
Network Insights from a VPC through the transit gateway ends at the VPN connection."""

import pytest
from botocore.exceptions import ClientError

from conftest import B, analyse_tcp22, error_code
from test_transit_gateways import codes, hub, spoke


def raises(code, fn, *args, **kwargs):
    with pytest.raises(ClientError) as e:
        fn(*args, **kwargs)
    assert error_code(e) == code, e.value.response["Error"]


def vpn_on(server, ec2, tgw, routes=("192.168.0.0/16",)):
    """A static VPN connection on `tgw` with `routes`, its attachment available."""
    cgw = ec2.create_customer_gateway(Type="ipsec.1", IpAddress="203.0.113.10", BgpAsn=65000)[
        "CustomerGateway"]["CustomerGatewayId"]
    vpn = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw,
                                    TransitGatewayId=tgw,
                                    Options={"StaticRoutesOnly": True})["VpnConnection"]
    assert vpn["TransitGatewayId"] == tgw and "VpnGatewayId" not in vpn
    for r in routes:
        ec2.create_vpn_connection_route(VpnConnectionId=vpn["VpnConnectionId"],
                                        DestinationCidrBlock=r)
    return vpn


def attachment_of(ec2, vpn_id):
    [a] = ec2.describe_transit_gateway_attachments(Filters=[
        {"Name": "resource-id", "Values": [vpn_id]}])["TransitGatewayAttachments"]
    return a


def test_vpn_attachment_lifecycle_routes_and_deletion(server, ec2):
    g = ec2.create_transit_gateway()["TransitGateway"]
    tgw = g["TransitGatewayId"]
    rtb = g["Options"]["AssociationDefaultRouteTableId"]
    server.advance(1)
    vpn = vpn_on(server, ec2, tgw)
    vpn_id = vpn["VpnConnectionId"]
    server.advance(1)
    a = attachment_of(ec2, vpn_id)
    assert a["ResourceType"] == "vpn" and a["State"] == "available"
    assert a["TransitGatewayId"] == tgw
    assert a["Association"] == {"TransitGatewayRouteTableId": rtb, "State": "associated"}
    att = a["TransitGatewayAttachmentId"]
    # Not a VPC attachment.
    assert ec2.describe_transit_gateway_vpc_attachments()["TransitGatewayVpcAttachments"] == []
    raises("InvalidTransitGatewayAttachmentID.NotFound",
           ec2.delete_transit_gateway_vpc_attachment, TransitGatewayAttachmentId=att)
    # The connection's route propagates as the attachment's.
    routes = ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=rtb, Filters=[
        {"Name": "attachment.resource-type", "Values": ["vpn"]}])["Routes"]
    assert routes == [{
        "DestinationCidrBlock": "192.168.0.0/16",
        "TransitGatewayAttachments": [{"ResourceId": vpn_id, "TransitGatewayAttachmentId": att,
                                       "ResourceType": "vpn"}],
        "Type": "propagated", "State": "active"}]
    props = ec2.get_transit_gateway_route_table_propagations(TransitGatewayRouteTableId=rtb)[
        "TransitGatewayRouteTablePropagations"]
    assert {"TransitGatewayAttachmentId": att, "ResourceId": vpn_id, "ResourceType": "vpn",
            "State": "enabled"} in props
    # A static route may target it too.
    r = ec2.create_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                         DestinationCidrBlock="172.16.0.0/12",
                                         TransitGatewayAttachmentId=att)["Route"]
    assert r["TransitGatewayAttachments"][0]["ResourceType"] == "vpn"
    [c] = ec2.describe_vpn_connections(Filters=[
        {"Name": "transit-gateway-id", "Values": [tgw]}])["VpnConnections"]
    assert c["VpnConnectionId"] == vpn_id and c["TransitGatewayId"] == tgw
    # The gateway cannot go while the attachment is there.
    raises("IncorrectState", ec2.delete_transit_gateway, TransitGatewayId=tgw)

    ec2.delete_vpn_connection(VpnConnectionId=vpn_id)
    server.advance(1)
    assert attachment_of(ec2, vpn_id)["State"] == "deleted"
    assert ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=rtb, Filters=[
        {"Name": "type", "Values": ["static", "propagated"]}])["Routes"] == []
    ec2.delete_transit_gateway(TransitGatewayId=tgw)


def test_vpn_connection_errors_and_the_aws_cli(server, ec2):
    g = ec2.create_transit_gateway(Options={"AmazonSideAsn": 65000})["TransitGateway"]
    tgw = g["TransitGatewayId"]
    server.advance(1)
    cgw = ec2.create_customer_gateway(Type="ipsec.1", IpAddress="203.0.113.10", BgpAsn=65000)[
        "CustomerGateway"]["CustomerGatewayId"]
    vgw = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    raises("InvalidParameterCombination", ec2.create_vpn_connection, Type="ipsec.1",
           CustomerGatewayId=cgw, TransitGatewayId=tgw, VpnGatewayId=vgw)
    raises("AsnConflict", ec2.create_vpn_connection, Type="ipsec.1",
           CustomerGatewayId=cgw, TransitGatewayId=tgw)
    raises("InvalidTransitGatewayID.NotFound", ec2.create_vpn_connection, Type="ipsec.1",
           CustomerGatewayId=cgw, TransitGatewayId="tgw-0123456789abcdef0")
    # Another account cannot attach a VPN to a gateway it does not own.
    b = server.client(account=B)
    bcgw = b.create_customer_gateway(Type="ipsec.1", IpAddress="198.51.100.1", BgpAsn=65001)[
        "CustomerGateway"]["CustomerGatewayId"]
    raises("InvalidTransitGatewayID.NotFound", b.create_vpn_connection, Type="ipsec.1",
           CustomerGatewayId=bcgw, TransitGatewayId=tgw, Options={"StaticRoutesOnly": True})

    out = server.aws("ec2", "create-vpn-connection", "--type", "ipsec.1",
                     "--customer-gateway-id", cgw, "--transit-gateway-id", tgw,
                     "--options", "StaticRoutesOnly=true")
    vpn_id = out["VpnConnection"]["VpnConnectionId"]
    assert out["VpnConnection"]["TransitGatewayId"] == tgw
    server.advance(1)
    out = server.aws("ec2", "describe-transit-gateway-attachments", "--filters",
                     "Name=resource-type,Values=vpn")
    [a] = out["TransitGatewayAttachments"]
    assert (a["ResourceId"], a["State"]) == (vpn_id, "available")


def test_network_insights_from_a_vpc_through_the_gateway_to_the_vpn(server, ec2):
    a = spoke(ec2, 1)
    g = hub(server, ec2, [a])
    tgw = g["TransitGatewayId"]
    rtb = g["Options"]["AssociationDefaultRouteTableId"]
    ec2.create_route(RouteTableId=a["rtb"], DestinationCidrBlock="192.168.0.0/16",
                     TransitGatewayId=tgw)
    vpn = vpn_on(server, ec2, tgw)
    vpn_id = vpn["VpnConnectionId"]
    server.advance(1)
    got = analyse_tcp22(ec2, a["i"], ip="192.168.1.10")
    assert got["NetworkPathFound"] is True, got.get("Explanations")
    ids = [x["Component"]["Id"] for x in got["ForwardPathComponents"]]
    assert tgw in ids and ids[-1] == vpn_id, ids
    assert got["ForwardPathComponents"][-1]["Component"]["Arn"].endswith(
        f":vpn-connection/{vpn_id}")
    back = [x["Component"]["Id"] for x in got["ReturnPathComponents"]]
    assert back[0] == vpn_id and tgw in back, back
    # The transit gateway's route table and the route taken to the VPN attachment.
    [hop] = [x for x in got["ForwardPathComponents"] if "TransitGatewayRouteTableRoute" in x]
    att = attachment_of(ec2, vpn_id)["TransitGatewayAttachmentId"]
    assert hop["Component"]["Id"] == rtb and hop["TransitGateway"]["Id"] == tgw
    assert hop["TransitGatewayRouteTableRoute"] == {
        "DestinationCidr": "192.168.0.0/16", "State": "active", "RouteOrigin": "propagated",
        "AttachmentId": att, "ResourceId": vpn_id, "ResourceType": "vpn"}

    # The customer's range leaves the table: the gateway cannot route it.
    ec2.delete_vpn_connection_route(VpnConnectionId=vpn_id,
                                    DestinationCidrBlock="192.168.0.0/16")
    got = analyse_tcp22(ec2, a["i"], ip="192.168.1.10")
    assert got["NetworkPathFound"] is False
    assert codes(got) == ["TGW_RTB_CANNOT_ROUTE"]
    # A blackhole route for it stops it too.
    ec2.create_transit_gateway_route(TransitGatewayRouteTableId=rtb,
                                     DestinationCidrBlock="192.168.0.0/16", Blackhole=True)
    got = analyse_tcp22(ec2, a["i"], ip="192.168.1.10")
    assert codes(got) == ["TGW_RTB_BAD_STATE_ROUTE"]
