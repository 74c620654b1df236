"""VPC peering end to end (§1) through boto3 and the aws CLI, two and three accounts."""

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, error_code

HOUR, DAY = 3600, 86400


def vpc(client, cidr):
    return client.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]


def status(client, pcx):
    return client.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])[
        "VpcPeeringConnections"][0]["Status"]


def test_cross_account_lifecycle_with_two_access_keys(server):
    a, b = server.client(A), server.client(B)
    x, y = vpc(a, "10.0.0.0/16"), vpc(b, "10.1.0.0/16")
    created = a.create_vpc_peering_connection(VpcId=x, PeerVpcId=y, PeerOwnerId=B)["VpcPeeringConnection"]
    pcx = created["VpcPeeringConnectionId"]
    assert created["Status"] == {"Code": "initiating-request", "Message": f"Initiating Request to {B}"}
    assert "CidrBlock" not in created["AccepterVpcInfo"]
    assert created["RequesterVpcInfo"]["PeeringOptions"]["AllowDnsResolutionFromRemoteVpc"] is False
    a.get_waiter("vpc_peering_connection_exists").wait(VpcPeeringConnectionIds=[pcx])
    seen_by_b = b.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"][0]
    assert seen_by_b["Status"] == {"Code": "pending-acceptance", "Message": f"Pending Acceptance by {B}"}
    assert "ExpirationTime" in seen_by_b
    with pytest.raises(ClientError) as e:
        a.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert error_code(e) == "OperationNotPermitted"
    accepted = b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)["VpcPeeringConnection"]
    assert accepted["Status"]["Code"] == "provisioning"
    assert accepted["AccepterVpcInfo"]["CidrBlock"] == "10.1.0.0/16"
    assert status(a, pcx)["Code"] == "active"
    assert a.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)["Return"] is True
    a.get_waiter("vpc_peering_connection_deleted").wait(VpcPeeringConnectionIds=[pcx])
    assert status(b, pcx) == {"Code": "deleted", "Message": f"Deleted by {A}"}
    server.advance(2 * HOUR)
    with pytest.raises(ClientError) as e:
        a.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])
    assert error_code(e) == "InvalidVpcPeeringConnectionID.NotFound"
    assert status(b, pcx)["Code"] == "deleted"  # the other party keeps it for 2 days
    server.advance(2 * DAY)
    assert b.describe_vpc_peering_connections()["VpcPeeringConnections"] == []


def test_expiry_after_seven_days_with_the_cli(server):
    x = server.aws("ec2", "create-vpc", "--cidr-block", "10.0.0.0/16")["Vpc"]["VpcId"]
    y = server.aws("ec2", "create-vpc", "--cidr-block", "10.1.0.0/16", account=B)["Vpc"]["VpcId"]
    pcx = server.aws("ec2", "create-vpc-peering-connection", "--vpc-id", x, "--peer-vpc-id", y,
                     "--peer-owner-id", B)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    server.advance(7 * DAY - 60)
    got = server.aws("ec2", "describe-vpc-peering-connections", "--vpc-peering-connection-ids", pcx, account=B)
    assert got["VpcPeeringConnections"][0]["Status"]["Code"] == "pending-acceptance"
    server.advance(60)
    for acct in (A, B):
        got = server.aws("ec2", "describe-vpc-peering-connections", "--filters",
                         "Name=status-code,Values=expired", account=acct)
        assert [p["VpcPeeringConnectionId"] for p in got["VpcPeeringConnections"]] == [pcx]
    proc = server.aws("ec2", "accept-vpc-peering-connection", "--vpc-peering-connection-id", pcx,
                      account=B, check=False)
    assert proc.returncode != 0 and "InvalidStateTransition" in proc.stderr


def test_inter_region_same_account(server):
    east, west = server.client(A, "us-east-1"), server.client(A, "us-west-2")
    x, y = vpc(east, "10.0.0.0/16"), vpc(west, "10.1.0.0/16")
    pcx = east.create_vpc_peering_connection(VpcId=x, PeerVpcId=y, PeerRegion="us-west-2")[
        "VpcPeeringConnection"]["VpcPeeringConnectionId"]
    assert status(west, pcx)["Code"] == "pending-acceptance"
    with pytest.raises(ClientError) as e:
        east.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert error_code(e) == "OperationNotPermitted"
    assert "must be accepted in region us-west-2" in e.value.response["Error"]["Message"]
    west.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    info = east.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"][0]
    assert info["Status"]["Code"] == "active"
    assert info["AccepterVpcInfo"]["Region"] == "us-west-2" and info["RequesterVpcInfo"]["Region"] == "us-east-1"
    east.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert status(west, pcx)["Code"] == "deleted"


def test_overlapping_cidrs_fail(server):
    a, b = server.client(A), server.client(B)
    x, y = vpc(a, "10.0.0.0/16"), vpc(b, "10.0.128.0/20")
    pcx = a.create_vpc_peering_connection(VpcId=x, PeerVpcId=y, PeerOwnerId=B)[
        "VpcPeeringConnection"]["VpcPeeringConnectionId"]
    assert status(a, pcx) == {"Code": "failed",
                              "Message": "Failed due to incorrect VPC-ID, Account ID, or overlapping CIDR range"}
    with pytest.raises(ClientError) as e:
        b.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])
    assert error_code(e) == "InvalidVpcPeeringConnectionID.NotFound"
    with pytest.raises(ClientError) as e:
        a.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert error_code(e) == "InvalidStateTransition"


def test_a_vpc_peers_with_two_vpcs_that_overlap_each_other(server):
    # §1.6: only the two ends of a connection are checked against each other.
    a, b = server.client(A), server.client(B)
    hub = vpc(a, "10.0.0.0/16")
    x, y = vpc(b, "10.1.0.0/16"), vpc(b, "10.1.0.0/16")
    ids = [a.create_vpc_peering_connection(VpcId=hub, PeerVpcId=peer, PeerOwnerId=B)[
        "VpcPeeringConnection"]["VpcPeeringConnectionId"] for peer in (x, y)]
    for pcx in ids:
        assert status(b, pcx)["Code"] == "pending-acceptance"
        b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    got = a.describe_vpc_peering_connections(
        Filters=[{"Name": "requester-vpc-info.vpc-id", "Values": [hub]}])["VpcPeeringConnections"]
    assert sorted((p["VpcPeeringConnectionId"], p["AccepterVpcInfo"]["VpcId"], p["AccepterVpcInfo"]["CidrBlock"],
                   p["Status"]["Code"]) for p in got) == sorted([
        (ids[0], x, "10.1.0.0/16", "active"), (ids[1], y, "10.1.0.0/16", "active")])

def test_outstanding_limit_is_25_per_account(server):
    a = server.client(A)
    hub = vpc(a, "10.0.0.0/16")
    for i in range(1, 26):
        a.create_vpc_peering_connection(VpcId=hub, PeerVpcId=vpc(a, f"10.{i}.0.0/16"))
    extra = vpc(a, "10.99.0.0/16")
    with pytest.raises(ClientError) as e:
        a.create_vpc_peering_connection(VpcId=hub, PeerVpcId=extra)
    assert error_code(e) == "OutstandingVpcPeeringConnectionLimitExceeded"


def test_active_limit_is_50_per_vpc(server):
    a = server.client(A)
    hub = vpc(a, "10.0.0.0/16")
    for i in range(1, 52):
        spoke = vpc(a, f"10.{i}.0.0/16")
        pcx = a.create_vpc_peering_connection(VpcId=hub, PeerVpcId=spoke)[
            "VpcPeeringConnection"]["VpcPeeringConnectionId"]
        if i <= 50:
            a.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    with pytest.raises(ClientError) as e:
        a.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    assert error_code(e) == "ActiveVpcPeeringConnectionPerVpcLimitExceeded"


def test_duplicate_pairs(server):
    a = server.client(A)
    x, y = vpc(a, "10.0.0.0/16"), vpc(a, "10.1.0.0/16")
    first = a.create_vpc_peering_connection(VpcId=x, PeerVpcId=y)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    again = a.create_vpc_peering_connection(VpcId=x, PeerVpcId=y)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    assert again == first
    reverse = a.create_vpc_peering_connection(VpcId=y, PeerVpcId=x)["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    a.accept_vpc_peering_connection(VpcPeeringConnectionId=first)
    with pytest.raises(ClientError) as e:
        a.accept_vpc_peering_connection(VpcPeeringConnectionId=reverse)
    assert error_code(e) == "VpcPeeringConnectionAlreadyExists"


def test_reject_and_tags_per_view(server):
    a, b = server.client(A), server.client(B)
    x, y = vpc(a, "10.0.0.0/16"), vpc(b, "10.1.0.0/16")
    pcx = a.create_vpc_peering_connection(
        VpcId=x, PeerVpcId=y, PeerOwnerId=B,
        TagSpecifications=[{"ResourceType": "vpc-peering-connection", "Tags": [{"Key": "side", "Value": "a"}]}],
    )["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    b.create_tags(Resources=[pcx], Tags=[{"Key": "side", "Value": "b"}])
    tags_a = a.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"][0]["Tags"]
    tags_b = b.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"][0]["Tags"]
    assert tags_a == [{"Key": "side", "Value": "a"}] and tags_b == [{"Key": "side", "Value": "b"}]
    found = b.describe_vpc_peering_connections(Filters=[{"Name": "tag:side", "Values": ["a"]}])
    assert found["VpcPeeringConnections"] == []
    assert b.reject_vpc_peering_connection(VpcPeeringConnectionId=pcx)["Return"] is True
    assert status(a, pcx) == {"Code": "rejected", "Message": f"Rejected by {B}"}
    server.advance(2 * HOUR)
    assert b.describe_vpc_peering_connections()["VpcPeeringConnections"] == []
    assert status(a, pcx)["Code"] == "rejected"


def test_options_and_cidr_rules(server):
    a, b = server.client(A), server.client(B)
    x, y = vpc(a, "10.0.0.0/16"), vpc(b, "10.1.0.0/16")
    pcx = a.create_vpc_peering_connection(VpcId=x, PeerVpcId=y, PeerOwnerId=B)[
        "VpcPeeringConnection"]["VpcPeeringConnectionId"]
    with pytest.raises(ClientError) as e:
        a.associate_vpc_cidr_block(VpcId=x, CidrBlock="10.7.0.0/16")
    assert error_code(e) == "OperationNotPermitted"
    b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    status(a, pcx)
    with pytest.raises(ClientError) as e:
        a.modify_vpc_peering_connection_options(
            VpcPeeringConnectionId=pcx, RequesterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True})
    assert error_code(e) == "InvalidVpcPeeringConnectionState.DnsHostnamesDisabled"
    a.modify_vpc_attribute(VpcId=x, EnableDnsHostnames={"Value": True})
    b.modify_vpc_attribute(VpcId=y, EnableDnsHostnames={"Value": True})
    out = a.modify_vpc_peering_connection_options(
        VpcPeeringConnectionId=pcx, RequesterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True})
    assert out["RequesterPeeringConnectionOptions"]["AllowDnsResolutionFromRemoteVpc"] is True
    assert "AccepterPeeringConnectionOptions" not in out
    with pytest.raises(ClientError) as e:
        a.modify_vpc_peering_connection_options(
            VpcPeeringConnectionId=pcx, AccepterPeeringConnectionOptions={"AllowDnsResolutionFromRemoteVpc": True})
    assert error_code(e) == "OperationNotPermitted"
    with pytest.raises(ClientError) as e:
        a.associate_vpc_cidr_block(VpcId=x, CidrBlock="10.1.0.0/16")
    assert error_code(e) == "InvalidParameterValue"
    a.associate_vpc_cidr_block(VpcId=x, CidrBlock="10.2.0.0/16")
    info = a.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])["VpcPeeringConnections"][0]
    assert [c["CidrBlock"] for c in info["RequesterVpcInfo"]["CidrBlockSet"]] == ["10.0.0.0/16", "10.2.0.0/16"]


def test_delete_vpc_with_incoming_request_and_active_peering(server):
    a, b = server.client(A), server.client(B)
    x, y = vpc(a, "10.0.0.0/16"), vpc(b, "10.1.0.0/16")
    pcx = a.create_vpc_peering_connection(VpcId=x, PeerVpcId=y, PeerOwnerId=B)[
        "VpcPeeringConnection"]["VpcPeeringConnectionId"]
    status(a, pcx)
    with pytest.raises(ClientError) as e:
        b.delete_vpc(VpcId=y)
    assert error_code(e) == "DependencyViolation"
    b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    b.delete_vpc(VpcId=y)
    assert status(a, pcx)["Code"] == "deleted"


def test_filters_by_vpc_and_pagination(server):
    a = server.client(A)
    hub = vpc(a, "10.0.0.0/16")
    ids = []
    for i in range(1, 8):
        spoke = vpc(a, f"10.{i}.0.0/16")
        ids.append(a.create_vpc_peering_connection(VpcId=hub, PeerVpcId=spoke)[
            "VpcPeeringConnection"]["VpcPeeringConnectionId"])
    pages = list(a.get_paginator("describe_vpc_peering_connections").paginate(
        Filters=[{"Name": "requester-vpc-info.vpc-id", "Values": [hub]}], PaginationConfig={"PageSize": 5}))
    assert [len(page["VpcPeeringConnections"]) for page in pages] == [5, 2]
    got = [p["VpcPeeringConnectionId"] for page in pages for p in page["VpcPeeringConnections"]]
    assert sorted(got) == sorted(ids)
    by_accepter = a.describe_vpc_peering_connections(
        Filters=[{"Name": "accepter-vpc-info.vpc-id", "Values": [hub]}])["VpcPeeringConnections"]
    assert by_accepter == []
