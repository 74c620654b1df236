"""Virtual private gateways, customer gateways and Site-to-Site VPN connections (spec §13)
through boto3 and the aws CLI; `openvpc reach` through a VPN; `openvpc import` of them."""

import json
import subprocess

import botocore.exceptions
import pytest

from conftest import A, B, BIN, ROOT, error_code


def cli(*args):
    p = subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def main_table(ec2, vpc):
    return ec2.describe_route_tables(Filters=[
        {"Name": "vpc-id", "Values": [vpc]},
        {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]


def site(ec2):
    """A VPC with an attached gateway, a customer gateway and a static VPN to
    192.168.0.0/16, propagated into the VPC's main table."""
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    vgw = ec2.create_vpn_gateway(Type="ipsec.1", TagSpecifications=[{
        "ResourceType": "vpn-gateway", "Tags": [{"Key": "Name", "Value": "office"}]}])[
        "VpnGateway"]
    att = ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw["VpnGatewayId"])["VpcAttachment"]
    assert att == {"VpcId": vpc, "State": "attaching"}
    cgw = ec2.create_customer_gateway(Type="ipsec.1", IpAddress="203.0.113.10", BgpAsn=65000)[
        "CustomerGateway"]
    vpn = ec2.create_vpn_connection(Type="ipsec.1", CustomerGatewayId=cgw["CustomerGatewayId"],
                                    VpnGatewayId=vgw["VpnGatewayId"],
                                    Options={"StaticRoutesOnly": True})["VpnConnection"]
    ec2.create_vpn_connection_route(VpnConnectionId=vpn["VpnConnectionId"],
                                    DestinationCidrBlock="192.168.0.0/16")
    rtb = main_table(ec2, vpc)["RouteTableId"]
    ec2.enable_vgw_route_propagation(GatewayId=vgw["VpnGatewayId"], RouteTableId=rtb)
    return vpc, vgw, cgw, vpn, rtb


def test_vpn_lifecycle_and_propagated_routes(server, ec2):
    vpc, vgw, cgw, vpn, rtb = site(ec2)
    vgw_id, cgw_id, vpn_id = vgw["VpnGatewayId"], cgw["CustomerGatewayId"], vpn["VpnConnectionId"]
    assert vgw["State"] == "available" and vgw["AmazonSideAsn"] == 64512
    assert cgw["BgpAsn"] == "65000" and cgw["IpAddress"] == "203.0.113.10"
    assert vpn["State"] == "available" and vpn["Options"]["StaticRoutesOnly"] is True
    assert len(vpn["VgwTelemetry"]) == 2 and vpn["VgwTelemetry"][0]["Status"] == "DOWN"

    [g] = ec2.describe_vpn_gateways(VpnGatewayIds=[vgw_id])["VpnGateways"]
    assert g["VpcAttachments"] == [{"VpcId": vpc, "State": "attached"}]
    assert g["Tags"] == [{"Key": "Name", "Value": "office"}]
    [c] = ec2.describe_vpn_connections(Filters=[
        {"Name": "route.destination-cidr-block", "Values": ["192.168.0.0/16"]}])["VpnConnections"]
    assert c["Routes"] == [{"DestinationCidrBlock": "192.168.0.0/16", "Source": "Static",
                            "State": "available"}]
    # The boto3 waiter sees it available at once.
    ec2.get_waiter("vpn_connection_available").wait(VpnConnectionIds=[vpn_id])

    table = main_table(ec2, vpc)
    assert table["PropagatingVgws"] == [{"GatewayId": vgw_id}]
    assert {"DestinationCidrBlock": "192.168.0.0/16", "GatewayId": vgw_id,
            "Origin": "EnableVgwRoutePropagation", "State": "active"} in table["Routes"]
    # A static route to the gateway too (a VGW is a route target).
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="172.16.0.0/12", GatewayId=vgw_id)
    ec2.create_vpn_connection_route(VpnConnectionId=vpn_id, DestinationCidrBlock="172.16.0.0/12")
    routes = main_table(ec2, vpc)["Routes"]
    assert sorted(r["Origin"] for r in routes if r["DestinationCidrBlock"] == "172.16.0.0/12") == [
        "CreateRoute", "EnableVgwRoutePropagation"]

    # Errors as AWS sends them, and nothing changes.
    other = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.enable_vgw_route_propagation(GatewayId=vgw_id,
                                         RouteTableId=main_table(ec2, other)["RouteTableId"])
    assert error_code(e) == "Gateway.NotAttached"
    second = ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.attach_vpn_gateway(VpcId=vpc, VpnGatewayId=second)
    assert error_code(e) == "InvalidVpcState"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.delete_vpn_gateway(VpnGatewayId=vgw_id)
    assert error_code(e) == "InvalidVpnGatewayState"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.delete_customer_gateway(CustomerGatewayId=cgw_id)
    assert error_code(e) == "IncorrectState"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.describe_customer_gateways(CustomerGatewayIds=["cgw-0123456789abcdef0"])
    assert error_code(e) == "InvalidCustomerGatewayID.NotFound"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        server.client(B).describe_vpn_gateways(VpnGatewayIds=[vgw_id])
    assert error_code(e) == "InvalidVpnGatewayID.NotFound"

    # Tear down in AWS's order.
    ec2.delete_vpn_connection(VpnConnectionId=vpn_id)
    ec2.get_waiter("vpn_connection_deleted").wait(VpnConnectionIds=[vpn_id])
    assert not [r for r in main_table(ec2, vpc)["Routes"]
                if r["Origin"] == "EnableVgwRoutePropagation"]
    ec2.delete_customer_gateway(CustomerGatewayId=cgw_id)
    ec2.detach_vpn_gateway(VpcId=vpc, VpnGatewayId=vgw_id)
    [g] = ec2.describe_vpn_gateways(VpnGatewayIds=[vgw_id])["VpnGateways"]
    assert g["VpcAttachments"] == [{"VpcId": vpc, "State": "detached"}]
    assert main_table(ec2, vpc)["PropagatingVgws"] == []
    ec2.delete_vpn_gateway(VpnGatewayId=vgw_id)
    assert ec2.describe_vpn_gateways(Filters=[{"Name": "state", "Values": ["available"]}])[
        "VpnGateways"] == [{"VpnGatewayId": second, "State": "available", "Type": "ipsec.1",
                            "VpcAttachments": [], "AmazonSideAsn": 64512, "Tags": []}]
    server.advance(2 * 3600)
    assert ec2.describe_vpn_connections()["VpnConnections"] == []


def test_vpn_through_the_aws_cli(server):
    vgw = server.aws("ec2", "create-vpn-gateway", "--type", "ipsec.1", "--amazon-side-asn",
                     "65001")["VpnGateway"]
    assert vgw["AmazonSideAsn"] == 65001
    cgw = server.aws("ec2", "create-customer-gateway", "--type", "ipsec.1",
                     "--public-ip", "198.51.100.7", "--bgp-asn", "65010")["CustomerGateway"]
    vpn = server.aws("ec2", "create-vpn-connection", "--type", "ipsec.1",
                     "--customer-gateway-id", cgw["CustomerGatewayId"],
                     "--vpn-gateway-id", vgw["VpnGatewayId"],
                     "--options", "StaticRoutesOnly=true")["VpnConnection"]
    out = server.aws("ec2", "describe-vpn-connections", "--filters",
                     "Name=vpn-gateway-id,Values=" + vgw["VpnGatewayId"])
    assert [c["VpnConnectionId"] for c in out["VpnConnections"]] == [vpn["VpnConnectionId"]]
    assert "<vpn_connection" in out["VpnConnections"][0]["CustomerGatewayConfiguration"]
    bad = server.aws("ec2", "create-vpn-connection-route", "--vpn-connection-id",
                     vpn["VpnConnectionId"], "--destination-cidr-block", "nope", check=False)
    assert bad.returncode != 0 and "InvalidParameterValue" in bad.stderr


def test_reach_through_a_vpn_and_never_for_a_peer(server, ec2):
    vpc, vgw, _, _, rtb = site(ec2)
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    ia = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1,
                           SubnetId=subnet)["Instances"][0]["InstanceId"]
    d = server.data_dir
    code, out, err = cli("reach", "--data-dir", d, "--from", ia, "--to", "192.168.1.10:22",
                         "--json")
    assert code == 0, out + err
    doc = json.loads(out)
    vgw_id = vgw["VpnGatewayId"]
    assert (vgw_id, "vpn-gateway") in [(h["component"], h["kind"]) for h in doc["forward"]]
    assert (vgw_id, "vpn-gateway") in [(h["component"], h["kind"]) for h in doc["return"]]
    code, out, _ = cli("reach", "--data-dir", d, "--from", ia, "--to", "192.168.1.10:22")
    assert code == 0 and "virtual private gateway" in out
    # Outside the connection's static routes.
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="172.16.0.0/12", GatewayId=vgw_id)
    code, out, _ = cli("reach", "--data-dir", d, "--from", ia, "--to", "172.16.0.1:22", "--json")
    assert code == 1 and json.loads(out)["codes"] == ["CANNOT_ROUTE"]

    # A peered VPC routing the customer's range over the peering gets nowhere.
    peer = ec2.create_vpc(CidrBlock="10.1.0.0/16")["Vpc"]["VpcId"]
    psub = ec2.create_subnet(VpcId=peer, CidrBlock="10.1.1.0/24")["Subnet"]["SubnetId"]
    ib = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1,
                           SubnetId=psub)["Instances"][0]["InstanceId"]
    pcx = ec2.create_vpc_peering_connection(VpcId=vpc, PeerVpcId=peer)[
        "VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ec2.create_route(RouteTableId=main_table(ec2, peer)["RouteTableId"],
                     DestinationCidrBlock="192.168.0.0/16", VpcPeeringConnectionId=pcx)
    code, out, _ = cli("reach", "--data-dir", d, "--from", ib, "--to", "192.168.1.10:22",
                       "--json")
    assert code == 1 and json.loads(out)["codes"] == ["PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"]


def test_import_reads_vpn_resources(tmp_path):
    code, out, err = cli("import", ROOT / "tests" / "fixtures" / "import",
                         "--data-dir", tmp_path / "data")
    assert code == 0, err
    assert "1 VPN gateways, 1 customer gateways, 1 VPN connections" in out
