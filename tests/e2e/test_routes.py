"""Route tables and routes through boto3 and the aws CLI (§1.7, §4.6, §4.8, §6)."""

import pytest
from botocore.exceptions import ClientError

from conftest import A, error_code


def make_vpc(ec2, cidr):
    return ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]


def make_subnet(ec2, vpc_id, cidr):
    return ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr)["Subnet"]["SubnetId"]


def table(ec2, rtb_id):
    return ec2.describe_route_tables(RouteTableIds=[rtb_id])["RouteTables"][0]


def route(ec2, rtb_id, dest):
    routes = table(ec2, rtb_id)["Routes"]
    return next(r for r in routes if dest in (r.get("DestinationCidrBlock"), r.get("DestinationIpv6CidrBlock")))


def main_table_of(ec2, vpc_id):
    return ec2.describe_route_tables(Filters=[
        {"Name": "vpc-id", "Values": [vpc_id]},
        {"Name": "association.main", "Values": ["true"]},
    ])["RouteTables"][0]


def default_vpc(ec2):
    return ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]


def test_default_vpc_main_table(ec2):
    vpc_id = default_vpc(ec2)
    main = main_table_of(ec2, vpc_id)
    routes = {r.get("DestinationCidrBlock"): r for r in main["Routes"]}
    assert routes["172.31.0.0/16"]["GatewayId"] == "local"
    assert routes["172.31.0.0/16"]["Origin"] == "CreateRouteTable"
    assert routes["172.31.0.0/16"]["State"] == "active"
    assert routes["0.0.0.0/0"]["GatewayId"].startswith("igw-")
    assert routes["0.0.0.0/0"]["Origin"] == "CreateRoute"
    assert routes["0.0.0.0/0"]["State"] == "active"
    assoc = main["Associations"][0]
    assert assoc["Main"] is True and "SubnetId" not in assoc
    assert assoc["AssociationState"]["State"] == "associated"
    assert main["OwnerId"] == A and main["PropagatingVgws"] == []


def test_create_describe_delete_table(ec2):
    vpc_id = make_vpc(ec2, "10.0.0.0/16")
    created = ec2.create_route_table(
        VpcId=vpc_id,
        TagSpecifications=[{"ResourceType": "route-table", "Tags": [{"Key": "Name", "Value": "private"}]}],
    )
    rtb = created["RouteTable"]
    assert rtb["RouteTableId"].startswith("rtb-") and len(rtb["RouteTableId"]) == 21
    assert rtb["VpcId"] == vpc_id and rtb["Associations"] == []
    assert rtb["Routes"] == [{"DestinationCidrBlock": "10.0.0.0/16", "GatewayId": "local",
                              "Origin": "CreateRouteTable", "State": "active"}]
    assert rtb["Tags"] == [{"Key": "Name", "Value": "private"}]
    assert created["ClientToken"]  # boto3 fills the idempotency token
    got = table(ec2, rtb["RouteTableId"])
    assert got["RouteTableId"] == rtb["RouteTableId"]
    ec2.delete_route_table(RouteTableId=rtb["RouteTableId"])
    with pytest.raises(ClientError) as e:
        table(ec2, rtb["RouteTableId"])
    assert error_code(e) == "InvalidRouteTableID.NotFound"


def test_client_token_is_idempotent(ec2):
    vpc_id = make_vpc(ec2, "10.0.0.0/16")
    first = ec2.create_route_table(VpcId=vpc_id, ClientToken="tok-1")["RouteTable"]["RouteTableId"]
    again = ec2.create_route_table(VpcId=vpc_id, ClientToken="tok-1")["RouteTable"]["RouteTableId"]
    assert first == again
    other = make_vpc(ec2, "10.1.0.0/16")
    with pytest.raises(ClientError) as e:
        ec2.create_route_table(VpcId=other, ClientToken="tok-1")
    assert error_code(e) == "IdempotentParameterMismatch"


def test_main_table_and_associated_table_cannot_be_deleted(ec2):
    vpc_id = make_vpc(ec2, "10.0.0.0/16")
    subnet = make_subnet(ec2, vpc_id, "10.0.1.0/24")
    main = main_table_of(ec2, vpc_id)["RouteTableId"]
    with pytest.raises(ClientError) as e:
        ec2.delete_route_table(RouteTableId=main)
    assert error_code(e) == "DependencyViolation"
    rtb = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    assoc = ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)
    assert assoc["AssociationState"]["State"] == "associated"
    with pytest.raises(ClientError) as e:
        ec2.delete_route_table(RouteTableId=rtb)
    assert error_code(e) == "DependencyViolation"
    assert e.value.response["Error"]["Message"] == f"The routeTable '{rtb}' has dependencies and cannot be deleted."
    ec2.disassociate_route_table(AssociationId=assoc["AssociationId"])
    ec2.delete_route_table(RouteTableId=rtb)


def test_associations(ec2):
    vpc_id = make_vpc(ec2, "10.0.0.0/16")
    other_vpc = make_vpc(ec2, "10.1.0.0/16")
    subnet = make_subnet(ec2, vpc_id, "10.0.1.0/24")
    rtb = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    foreign = ec2.create_route_table(VpcId=other_vpc)["RouteTable"]["RouteTableId"]
    with pytest.raises(ClientError) as e:
        ec2.associate_route_table(RouteTableId=foreign, SubnetId=subnet)
    assert error_code(e) == "InvalidParameterValue"
    assoc_id = ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)["AssociationId"]
    assert assoc_id.startswith("rtbassoc-")
    with pytest.raises(ClientError) as e:
        ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)
    assert error_code(e) == "Resource.AlreadyAssociated"
    assoc = table(ec2, rtb)["Associations"][0]
    assert assoc == {"Main": False, "RouteTableAssociationId": assoc_id, "RouteTableId": rtb,
                     "SubnetId": subnet, "AssociationState": {"State": "associated"}}
    # Move the subnet to another table of the VPC.
    rtb2 = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    new_id = ec2.replace_route_table_association(AssociationId=assoc_id, RouteTableId=rtb2)["NewAssociationId"]
    assert new_id != assoc_id
    assert table(ec2, rtb)["Associations"] == []
    assert table(ec2, rtb2)["Associations"][0]["SubnetId"] == subnet
    # The main association cannot be disassociated, but it can be moved.
    main = main_table_of(ec2, vpc_id)
    main_assoc = main["Associations"][0]["RouteTableAssociationId"]
    with pytest.raises(ClientError) as e:
        ec2.disassociate_route_table(AssociationId=main_assoc)
    assert error_code(e) == "InvalidParameterValue"
    ec2.replace_route_table_association(AssociationId=main_assoc, RouteTableId=rtb)
    assert main_table_of(ec2, vpc_id)["RouteTableId"] == rtb
    ec2.delete_route_table(RouteTableId=main["RouteTableId"])
    with pytest.raises(ClientError) as e:
        ec2.disassociate_route_table(AssociationId="rtbassoc-0123456789abcdef0")
    assert error_code(e) == "InvalidAssociationID.NotFound"


def test_route_errors(ec2):
    vpc_id = make_vpc(ec2, "10.0.0.0/16")
    rtb = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    igw = main_table_of(ec2, default_vpc(ec2))["Routes"]
    default_igw = next(r["GatewayId"] for r in igw if r.get("DestinationCidrBlock") == "0.0.0.0/0")

    def fails(code, message=None, **kw):
        with pytest.raises(ClientError) as e:
            ec2.create_route(RouteTableId=rtb, **kw)
        assert error_code(e) == code, e.value.response["Error"]
        if message:
            assert e.value.response["Error"]["Message"] == message

    fails("MissingParameter",
          "The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock",
          GatewayId=default_igw)
    fails("InvalidGatewayID.NotFound", "The gateway ID 'igw-0123456789abcdef0' does not exist",
          DestinationCidrBlock="0.0.0.0/0", GatewayId="igw-0123456789abcdef0")
    # The default VPC's gateway is attached to another network.
    fails("InvalidParameterValue",
          f"route table {rtb} and network gateway {default_igw} belong to different networks",
          DestinationCidrBlock="0.0.0.0/0", GatewayId=default_igw)
    fails("RouteAlreadyExists", "The route identified by 10.0.0.0/16 already exists.",
          DestinationCidrBlock="10.0.0.0/16", GatewayId=default_igw)
    fails("InvalidParameterValue", DestinationCidrBlock="169.254.169.0/24", GatewayId=default_igw)
    fails("InvalidPrefixListID.NotFound", DestinationPrefixListId="pl-0123456789abcdef0",
          GatewayId=default_igw)
    fails("NatGatewayNotFound", DestinationCidrBlock="0.0.0.0/0", NatGatewayId="nat-0123456789abcdef0")
    fails("InvalidNetworkInterfaceID.NotFound", DestinationCidrBlock="0.0.0.0/0",
          NetworkInterfaceId="eni-0123456789abcdef0")
    fails("InvalidInstanceID.NotFound", DestinationCidrBlock="0.0.0.0/0", InstanceId="i-0123456789abcdef0")
    fails("InvalidVpcPeeringConnectionID.NotFound", DestinationCidrBlock="0.0.0.0/0",
          VpcPeeringConnectionId="pcx-0123456789abcdef0")
    fails("InvalidParameterCombination", DestinationCidrBlock="0.0.0.0/0", GatewayId=default_igw,
          NatGatewayId="nat-0123456789abcdef0")
    with pytest.raises(ClientError) as e:
        ec2.create_route(RouteTableId="rtb-nope", DestinationCidrBlock="0.0.0.0/0", GatewayId=default_igw)
    assert error_code(e) == "InvalidRouteTableId.Malformed"
    with pytest.raises(ClientError) as e:
        ec2.replace_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", GatewayId=default_igw)
    assert e.value.response["Error"]["Message"] == \
        "There is no route defined for '0.0.0.0/0' in the route table. Use CreateRoute instead."
    with pytest.raises(ClientError) as e:
        ec2.delete_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0")
    assert error_code(e) == "InvalidRoute.NotFound"
    with pytest.raises(ClientError) as e:
        ec2.delete_route(RouteTableId=rtb, DestinationCidrBlock="10.0.0.0/16")
    assert error_code(e) == "InvalidParameterValue"
    # Nothing was added by the failed calls.
    assert len(table(ec2, rtb)["Routes"]) == 1


def test_routes_in_the_default_vpc(ec2):
    vpc_id = default_vpc(ec2)
    main = main_table_of(ec2, vpc_id)
    igw = next(r["GatewayId"] for r in main["Routes"] if r.get("DestinationCidrBlock") == "0.0.0.0/0")
    rtb = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    # Host bits are dropped.
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="100.68.0.18/18", GatewayId=igw)
    r = route(ec2, rtb, "100.68.0.0/18")
    assert r == {"DestinationCidrBlock": "100.68.0.0/18", "GatewayId": igw,
                 "Origin": "CreateRoute", "State": "active"}
    ec2.replace_route(RouteTableId=rtb, DestinationCidrBlock="100.68.0.0/18", GatewayId=igw)
    ec2.delete_route(RouteTableId=rtb, DestinationCidrBlock="100.68.0.0/18")
    assert [r.get("DestinationCidrBlock") for r in table(ec2, rtb)["Routes"]] == ["172.31.0.0/16"]


def test_dry_run_changes_nothing(ec2):
    vpc_id = make_vpc(ec2, "10.0.0.0/16")
    with pytest.raises(ClientError) as e:
        ec2.create_route_table(VpcId=vpc_id, DryRun=True)
    assert error_code(e) == "DryRunOperation"
    tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["RouteTables"]
    assert len(tables) == 1


def test_route_to_peering_follows_its_state(ec2, server):
    vpc_a = make_vpc(ec2, "10.0.0.0/16")
    vpc_b = make_vpc(ec2, "10.1.0.0/16")
    rtb = ec2.create_route_table(VpcId=vpc_a)["RouteTable"]["RouteTableId"]
    pcx = ec2.create_vpc_peering_connection(VpcId=vpc_a, PeerVpcId=vpc_b)["VpcPeeringConnection"]
    assert pcx["Status"]["Code"] == "initiating-request"
    pcx_id = pcx["VpcPeeringConnectionId"]
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pcx_id)
    r = route(ec2, rtb, "10.1.0.0/16")
    assert r["VpcPeeringConnectionId"] == pcx_id and r["State"] == "blackhole"
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)
    assert route(ec2, rtb, "10.1.0.0/16")["State"] == "active"
    ec2.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx_id)
    assert route(ec2, rtb, "10.1.0.0/16")["State"] == "blackhole"
    # A pcx that does not join the table's VPC is refused.
    vpc_c = make_vpc(ec2, "10.2.0.0/16")
    other = ec2.create_vpc_peering_connection(VpcId=vpc_b, PeerVpcId=vpc_c)["VpcPeeringConnection"]
    with pytest.raises(ClientError) as e:
        ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="10.2.0.0/16",
                         VpcPeeringConnectionId=other["VpcPeeringConnectionId"])
    assert error_code(e) == "InvalidParameterValue"


def test_route_to_a_stopped_instance_is_a_blackhole(ec2):
    vpc_id = make_vpc(ec2, "10.0.0.0/16")
    subnet = make_subnet(ec2, vpc_id, "10.0.1.0/24")
    rtb = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
    inst = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1, SubnetId=subnet)["Instances"][0]
    inst_id = inst["InstanceId"]
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="0.0.0.0/0", InstanceId=inst_id)
    r = route(ec2, rtb, "0.0.0.0/0")
    assert r["InstanceId"] == inst_id and r["InstanceOwnerId"] == A
    assert r["NetworkInterfaceId"] == inst["NetworkInterfaces"][0]["NetworkInterfaceId"]
    assert r["State"] == "active"
    # A stopped instance carries no traffic: the route is a blackhole until it runs again.
    ec2.stop_instances(InstanceIds=[inst_id])
    assert route(ec2, rtb, "0.0.0.0/0")["State"] == "blackhole"
    blackholes = ec2.describe_route_tables(Filters=[{"Name": "route.state", "Values": ["blackhole"]},
                                                    {"Name": "vpc-id", "Values": [vpc_id]}])
    assert [t["RouteTableId"] for t in blackholes["RouteTables"]] == [rtb]
    ec2.start_instances(InstanceIds=[inst_id])
    assert route(ec2, rtb, "0.0.0.0/0")["State"] == "active"


def test_describe_filters(ec2):
    vpc_id = make_vpc(ec2, "10.0.0.0/16")
    peer = make_vpc(ec2, "10.1.0.0/16")
    subnet = make_subnet(ec2, vpc_id, "10.0.1.0/24")
    rtb = ec2.create_route_table(
        VpcId=vpc_id,
        TagSpecifications=[{"ResourceType": "route-table", "Tags": [{"Key": "tier", "Value": "app"}]}],
    )["RouteTable"]["RouteTableId"]
    assoc = ec2.associate_route_table(RouteTableId=rtb, SubnetId=subnet)["AssociationId"]
    pcx = ec2.create_vpc_peering_connection(VpcId=vpc_id, PeerVpcId=peer)["VpcPeeringConnection"][
        "VpcPeeringConnectionId"]
    ec2.create_route(RouteTableId=rtb, DestinationCidrBlock="10.1.0.0/16", VpcPeeringConnectionId=pcx)
    main = main_table_of(ec2, vpc_id)["RouteTableId"]

    def ids(*filters):
        got = ec2.describe_route_tables(Filters=[{"Name": n, "Values": v} for n, v in filters])
        return sorted(t["RouteTableId"] for t in got["RouteTables"])

    mine = ("vpc-id", [vpc_id])
    assert ids(mine) == sorted([rtb, main])
    assert ids(mine, ("association.main", ["true"])) == [main]
    assert ids(mine, ("association.main", ["false"])) == [rtb]
    assert ids(("association.subnet-id", [subnet])) == [rtb]
    assert ids(("association.route-table-association-id", [assoc])) == [rtb]
    assert ids(("association.route-table-id", [rtb])) == [rtb]
    assert ids(("route-table-id", [rtb])) == [rtb]
    assert ids(("route.vpc-peering-connection-id", [pcx])) == [rtb]
    assert ids(mine, ("route.destination-cidr-block", ["10.1.0.0/16"])) == [rtb]
    assert ids(mine, ("route.state", ["blackhole"])) == [rtb]
    assert ids(mine, ("route.gateway-id", ["local"])) == sorted([rtb, main])
    assert ids(mine, ("route.origin", ["CreateRoute"])) == [rtb]
    assert ids(("tag:tier", ["ap*"])) == [rtb]
    assert ids(("tag-key", ["tier"])) == [rtb]
    assert ids(("owner-id", [A]), mine) == sorted([rtb, main])
    with pytest.raises(ClientError) as e:
        ids(("route.bogus", ["x"]))
    assert error_code(e) == "InvalidParameterValue"
    # Pagination: 5..100.
    with pytest.raises(ClientError) as e:
        ec2.describe_route_tables(MaxResults=101)
    assert error_code(e) == "InvalidParameterValue"
    for _ in range(5):
        ec2.create_route_table(VpcId=vpc_id)
    pages = list(ec2.get_paginator("describe_route_tables").paginate(
        Filters=[{"Name": "vpc-id", "Values": [vpc_id]}], PaginationConfig={"PageSize": 5}))
    assert [len(p["RouteTables"]) for p in pages][:2] == [5, 2]


def test_cli_route_flow(server):
    vpc_a = server.aws("ec2", "create-vpc", "--cidr-block", "10.0.0.0/16")["Vpc"]["VpcId"]
    vpc_b = server.aws("ec2", "create-vpc", "--cidr-block", "10.1.0.0/16")["Vpc"]["VpcId"]
    subnet = server.aws("ec2", "create-subnet", "--vpc-id", vpc_a,
                        "--cidr-block", "10.0.1.0/24")["Subnet"]["SubnetId"]
    rtb = server.aws("ec2", "create-route-table", "--vpc-id", vpc_a)["RouteTable"]["RouteTableId"]
    assoc = server.aws("ec2", "associate-route-table", "--route-table-id", rtb, "--subnet-id", subnet)
    assert assoc["AssociationState"]["State"] == "associated"
    pcx = server.aws("ec2", "create-vpc-peering-connection", "--vpc-id", vpc_a,
                     "--peer-vpc-id", vpc_b)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    out = server.aws("ec2", "create-route", "--route-table-id", rtb,
                     "--destination-cidr-block", "10.1.0.0/16", "--vpc-peering-connection-id", pcx)
    assert out == {"Return": True}

    def peer_route():
        t = server.aws("ec2", "describe-route-tables", "--route-table-ids", rtb)["RouteTables"][0]
        return next(r for r in t["Routes"] if r.get("DestinationCidrBlock") == "10.1.0.0/16")

    assert peer_route()["State"] == "blackhole"
    server.aws("ec2", "accept-vpc-peering-connection", "--vpc-peering-connection-id", pcx)
    assert peer_route()["State"] == "active"
    server.aws("ec2", "delete-vpc-peering-connection", "--vpc-peering-connection-id", pcx)
    assert peer_route()["State"] == "blackhole"


def test_cli_filters_main_tables(server):
    vpc = server.aws("ec2", "create-vpc", "--cidr-block", "10.0.0.0/16")["Vpc"]["VpcId"]
    server.aws("ec2", "create-route-table", "--vpc-id", vpc)
    got = server.aws("ec2", "describe-route-tables", "--filters",
                     f"Name=vpc-id,Values={vpc}", "Name=association.main,Values=true")["RouteTables"]
    assert len(got) == 1 and got[0]["Associations"][0]["Main"] is True
    err = server.aws("ec2", "delete-route-table", "--route-table-id", got[0]["RouteTableId"], check=False)
    assert err.returncode != 0 and "DependencyViolation" in err.stderr
