"""Security groups: groups, rules, references across a peering, stale rules."""

import boto3
import botocore.config
import pytest
from botocore.exceptions import ClientError

from conftest import ACCOUNTS, A, B, error_code


def unvalidated(server, account=A):
    """A boto3 client that sends out-of-range values instead of refusing them locally."""
    key, secret = ACCOUNTS[account]
    return boto3.client("ec2", endpoint_url=server.endpoint, region_name="us-east-1",
                        aws_access_key_id=key, aws_secret_access_key=secret,
                        config=botocore.config.Config(parameter_validation=False,
                                                      retries={"max_attempts": 1}))


def vpc(ec2, cidr="10.0.0.0/16"):
    return ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]


def sg(ec2, name, vpc_id=None, **kw):
    args = dict(GroupName=name, Description=f"{name} group", **kw)
    if vpc_id:
        args["VpcId"] = vpc_id
    return ec2.create_security_group(**args)["GroupId"]


def group(ec2, gid):
    return ec2.describe_security_groups(GroupIds=[gid])["SecurityGroups"][0]


def ssh(cidr="0.0.0.0/0", port=22, **extra):
    return {"IpProtocol": "tcp", "FromPort": port, "ToPort": port,
            "IpRanges": [dict(CidrIp=cidr, **extra)]}


def test_create_describe_delete(ec2):
    v = vpc(ec2)
    out = ec2.create_security_group(GroupName="web", Description="web tier", VpcId=v,
                                    TagSpecifications=[{"ResourceType": "security-group",
                                                        "Tags": [{"Key": "Name", "Value": "web"}]}])
    gid = out["GroupId"]
    assert gid.startswith("sg-") and len(gid) == 20
    assert out["SecurityGroupArn"] == f"arn:aws:ec2:us-east-1:{A}:security-group/{gid}"
    assert out["Tags"] == [{"Key": "Name", "Value": "web"}]
    g = group(ec2, gid)
    assert (g["GroupName"], g["Description"], g["VpcId"], g["OwnerId"]) == ("web", "web tier", v, A)
    assert g["IpPermissions"] == []
    assert g["IpPermissionsEgress"] == [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                                         "Ipv6Ranges": [], "PrefixListIds": [], "UserIdGroupPairs": []}]
    assert g["Tags"] == [{"Key": "Name", "Value": "web"}]

    with pytest.raises(ClientError) as e:
        sg(ec2, "web", v)
    assert error_code(e) == "InvalidGroup.Duplicate"
    assert e.value.response["Error"]["Message"] == f"The security group 'web' already exists for VPC '{v}'"
    with pytest.raises(ClientError) as e:
        sg(ec2, "default", v)
    assert error_code(e) == "InvalidGroup.Reserved"
    with pytest.raises(ClientError) as e:
        sg(ec2, "sg-web", v)
    assert error_code(e) == "InvalidParameterValue"

    default = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [v]},
                                                    {"Name": "group-name", "Values": ["default"]}])
    default = default["SecurityGroups"][0]
    assert default["Description"] == "default VPC security group"
    assert default["IpPermissions"][0]["UserIdGroupPairs"] == [{"UserId": A, "GroupId": default["GroupId"]}]
    with pytest.raises(ClientError) as e:
        ec2.delete_security_group(GroupId=default["GroupId"])
    assert error_code(e) == "CannotDelete"

    assert ec2.delete_security_group(GroupId=gid)["GroupId"] == gid
    with pytest.raises(ClientError) as e:
        group(ec2, gid)
    assert error_code(e) == "InvalidGroup.NotFound"
    with pytest.raises(ClientError) as e:
        ec2.describe_security_groups(GroupIds=["sg-nope"])
    assert error_code(e) == "InvalidGroupId.Malformed"


def test_default_vpc_and_group_names(ec2):
    gid = sg(ec2, "legacy")
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]
    assert group(ec2, gid)["VpcId"] == default_vpc["VpcId"]
    got = ec2.describe_security_groups(GroupNames=["legacy"])["SecurityGroups"]
    assert [g["GroupId"] for g in got] == [gid]
    ec2.authorize_security_group_ingress(GroupName="legacy", IpProtocol="tcp", FromPort=80,
                                         ToPort=80, CidrIp="0.0.0.0/0")
    perms = group(ec2, gid)["IpPermissions"]
    assert perms == [{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
                      "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [],
                      "PrefixListIds": [], "UserIdGroupPairs": []}]
    # Default VPC: revoking an unknown rule is reported, not refused.
    out = ec2.revoke_security_group_ingress(GroupName="legacy", IpPermissions=[ssh(port=80), ssh(port=81)])
    assert out["Return"] is True
    assert [p["FromPort"] for p in out["UnknownIpPermissions"]] == [81]
    assert [r["FromPort"] for r in out["RevokedSecurityGroupRules"]] == [80]
    ec2.delete_security_group(GroupName="legacy")
    with pytest.raises(ClientError) as e:
        ec2.describe_security_groups(GroupNames=["legacy"])
    assert error_code(e) == "InvalidGroup.NotFound"


def test_authorize_and_revoke_rules(ec2):
    v = vpc(ec2)
    web, app = sg(ec2, "web", v), sg(ec2, "app", v)
    out = ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "6", "FromPort": 22, "ToPort": 22,
         "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "office"}, {"CidrIp": "192.168.1.0/24"}],
         "Ipv6Ranges": [{"CidrIpv6": "2001:db8::/32"}]},
        {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": app, "Description": "from app"}]},
        {"IpProtocol": "icmp", "FromPort": 8, "ToPort": -1, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "PrefixListIds": [{"PrefixListId": "pl-63a5400a"}]},
    ])
    assert out["Return"] is True
    rules = out["SecurityGroupRules"]
    assert len(rules) == 6 and all(r["SecurityGroupRuleId"].startswith("sgr-") for r in rules)
    assert {(r["IpProtocol"], r["FromPort"], r["ToPort"]) for r in rules} == {
        ("tcp", 22, 22), ("-1", -1, -1), ("icmp", 8, -1), ("tcp", 443, 443)}
    by_peer = {r.get("CidrIpv4") or r.get("CidrIpv6") or r.get("PrefixListId")
               or r["ReferencedGroupInfo"]["GroupId"]: r for r in rules}
    assert by_peer["10.0.0.0/8"]["Description"] == "office"
    assert by_peer[app]["ReferencedGroupInfo"] == {"GroupId": app, "UserId": A}
    assert not by_peer["10.0.0.0/8"]["IsEgress"] and by_peer["10.0.0.0/8"]["GroupOwnerId"] == A

    perms = {(p["IpProtocol"], p.get("FromPort")): p for p in group(ec2, web)["IpPermissions"]}
    assert len(perms) == 4
    assert perms[("tcp", 22)]["IpRanges"] == [{"CidrIp": "10.0.0.0/8", "Description": "office"},
                                              {"CidrIp": "192.168.1.0/24"}]
    assert perms[("tcp", 22)]["Ipv6Ranges"] == [{"CidrIpv6": "2001:db8::/32"}]
    assert perms[("-1", None)]["UserIdGroupPairs"] == [{"Description": "from app", "UserId": A, "GroupId": app}]
    assert perms[("icmp", 8)]["ToPort"] == -1
    assert perms[("tcp", 443)]["PrefixListIds"] == [{"PrefixListId": "pl-63a5400a"}]

    with pytest.raises(ClientError) as e:
        ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[ssh("10.0.0.0/8")])
    assert error_code(e) == "InvalidPermission.Duplicate"
    assert e.value.response["Error"]["Message"] == (
        'the specified rule "peer: 10.0.0.0/8, TCP, from port: 22, to port: 22, ALLOW" already exists')
    bad = [
        ({"IpProtocol": "tcp", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}, "InvalidParameterValue"),
        ({"IpProtocol": "tcp", "FromPort": 30, "ToPort": 20, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
         "InvalidPermission.Malformed"),
        ({"IpProtocol": "bogus", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}, "InvalidParameterValue"),
        (ssh("10.0.0.0/40"), "InvalidParameterValue"),
        ({"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-0123456789abcdef0"}]}, "InvalidGroup.NotFound"),
        ({"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-bad"}]}, "InvalidGroupId.Malformed"),
    ]
    for perm, code in bad:
        with pytest.raises(ClientError) as e:
            ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[perm])
        assert error_code(e) == code, perm

    # Revoke by permission (number or name), by rule id, and the errors.
    out = ec2.revoke_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "6", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "192.168.1.0/24"}]}])
    assert out["Return"] is True and len(out["RevokedSecurityGroupRules"]) == 1
    assert "UnknownIpPermissions" not in out or out["UnknownIpPermissions"] == []
    with pytest.raises(ClientError) as e:
        ec2.revoke_security_group_ingress(GroupId=web, IpPermissions=[ssh("192.168.1.0/24")])
    assert error_code(e) == "InvalidPermission.NotFound"
    rid = by_peer["2001:db8::/32"]["SecurityGroupRuleId"]
    out = ec2.revoke_security_group_ingress(GroupId=web, SecurityGroupRuleIds=[rid])
    assert out["RevokedSecurityGroupRules"][0]["CidrIpv6"] == "2001:db8::/32"
    with pytest.raises(ClientError) as e:
        ec2.revoke_security_group_ingress(GroupId=web, SecurityGroupRuleIds=[rid])
    assert error_code(e) == "InvalidSecurityGroupRuleId.NotFound"

    # app is referenced by web, in the same VPC: it cannot go until the rule does.
    with pytest.raises(ClientError) as e:
        ec2.delete_security_group(GroupId=app)
    assert error_code(e) == "DependencyViolation"
    assert e.value.response["Error"]["Message"] == f"resource {app} has a dependent object"
    ec2.revoke_security_group_ingress(GroupId=web, IpPermissions=[
        {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": app}]}])
    ec2.delete_security_group(GroupId=app)


def test_egress_rules(ec2):
    v = vpc(ec2)
    gid = sg(ec2, "out", v)
    ec2.revoke_security_group_egress(GroupId=gid, IpPermissions=[
        {"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    assert group(ec2, gid)["IpPermissionsEgress"] == []
    out = ec2.authorize_security_group_egress(GroupId=gid, IpPermissions=[ssh("10.0.0.0/16", port=443)])
    assert out["SecurityGroupRules"][0]["IsEgress"] is True
    egress = group(ec2, gid)["IpPermissionsEgress"]
    assert egress[0]["FromPort"] == 443 and egress[0]["IpRanges"] == [{"CidrIp": "10.0.0.0/16"}]
    with pytest.raises(ClientError) as e:
        ec2.authorize_security_group_egress(GroupId=gid, IpPermissions=[ssh("10.0.0.0/16", port=443)])
    assert error_code(e) == "InvalidPermission.Duplicate"


def test_security_group_rules_and_tags(ec2):
    v = vpc(ec2)
    gid = sg(ec2, "web", v)
    out = ec2.authorize_security_group_ingress(
        GroupId=gid, IpPermissions=[ssh()],
        TagSpecifications=[{"ResourceType": "security-group-rule", "Tags": [{"Key": "Name", "Value": "ssh"}]}])
    rid = out["SecurityGroupRules"][0]["SecurityGroupRuleId"]
    assert out["SecurityGroupRules"][0]["Tags"] == [{"Key": "Name", "Value": "ssh"}]
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [gid]}])
    rules = rules["SecurityGroupRules"]
    assert len(rules) == 2 and {r["IsEgress"] for r in rules} == {True, False}
    got = ec2.describe_security_group_rules(SecurityGroupRuleIds=[rid])["SecurityGroupRules"][0]
    assert got["SecurityGroupRuleArn"] == f"arn:aws:ec2:us-east-1:{A}:security-group-rule/{rid}"
    ec2.create_tags(Resources=[rid], Tags=[{"Key": "Env", "Value": "prod"}])
    got = ec2.describe_security_group_rules(Filters=[{"Name": "tag:Env", "Values": ["prod"]}])
    assert [r["SecurityGroupRuleId"] for r in got["SecurityGroupRules"]] == [rid]
    with pytest.raises(ClientError) as e:
        ec2.describe_security_group_rules(SecurityGroupRuleIds=["sgr-0123456789abcdef0"])
    assert error_code(e) == "InvalidSecurityGroupRuleId.NotFound"

    ec2.modify_security_group_rules(GroupId=gid, SecurityGroupRules=[{
        "SecurityGroupRuleId": rid,
        "SecurityGroupRule": {"IpProtocol": "tcp", "FromPort": 2222, "ToPort": 2222,
                              "CidrIpv4": "10.0.0.0/8", "Description": "alt ssh"}}])
    got = ec2.describe_security_group_rules(SecurityGroupRuleIds=[rid])["SecurityGroupRules"][0]
    assert (got["FromPort"], got["CidrIpv4"], got["Description"]) == (2222, "10.0.0.0/8", "alt ssh")


def test_describe_filters_and_pages(server, ec2):
    v = vpc(ec2)
    web, app = sg(ec2, "web", v), sg(ec2, "app", v)
    ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        ssh("10.0.0.0/8"), {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
                            "UserIdGroupPairs": [{"GroupId": app}]}])

    def ids(*filters):
        got = ec2.describe_security_groups(Filters=[{"Name": n, "Values": vs} for n, vs in filters])
        return sorted(g["GroupId"] for g in got["SecurityGroups"])

    assert ids(("ip-permission.from-port", ["22"])) == [web]
    assert ids(("ip-permission.protocol", ["tcp"]), ("vpc-id", [v])) == [web]
    assert ids(("ip-permission.cidr", ["10.0.0.0/8"])) == [web]
    assert ids(("ip-permission.group-id", [app])) == [web]
    assert ids(("ip-permission.group-name", ["app"])) == [web]
    assert ids(("egress.ip-permission.cidr", ["0.0.0.0/0"]), ("group-name", ["a*"])) == [app]
    assert ids(("description", ["app group"])) == [app]
    with pytest.raises(ClientError) as e:
        ids(("bogus", ["x"]))
    assert error_code(e) == "InvalidParameterValue"

    for i in range(5):
        sg(ec2, f"extra-{i}", v)
    seen, token = [], None
    while True:
        kw = {"MaxResults": 5, "Filters": [{"Name": "vpc-id", "Values": [v]}]}
        if token:
            kw["NextToken"] = token
        page = ec2.describe_security_groups(**kw)
        assert len(page["SecurityGroups"]) <= 5
        seen += [g["GroupId"] for g in page["SecurityGroups"]]
        token = page.get("NextToken")
        if not token:
            break
    assert len(seen) == len(set(seen)) == 8
    with pytest.raises(ClientError) as e:
        unvalidated(server).describe_security_groups(MaxResults=4)
    assert error_code(e) == "InvalidParameterValue"


def test_dry_run_and_other_accounts(server, ec2):
    v = vpc(ec2)
    with pytest.raises(ClientError) as e:
        ec2.create_security_group(GroupName="x", Description="x", VpcId=v, DryRun=True)
    assert error_code(e) == "DryRunOperation"
    assert ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["x"]}])["SecurityGroups"] == []
    gid = sg(ec2, "mine", v)
    b = server.client(B)
    with pytest.raises(ClientError) as e:
        b.describe_security_groups(GroupIds=[gid])
    assert error_code(e) == "InvalidGroup.NotFound"
    with pytest.raises(ClientError) as e:
        b.authorize_security_group_ingress(GroupId=gid, IpPermissions=[ssh()])
    assert error_code(e) == "InvalidGroup.NotFound"


def peer_accounts(server):
    """A's VPC 10.0/16 peered (active) with B's VPC 10.1/16 in us-east-1."""
    a, b = server.client(A), server.client(B)
    va, vb = vpc(a, "10.0.0.0/16"), vpc(b, "10.1.0.0/16")
    pcx = a.create_vpc_peering_connection(VpcId=va, PeerVpcId=vb, PeerOwnerId=B)
    pcx = pcx["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    b.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])
    b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    status = a.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])
    assert status["VpcPeeringConnections"][0]["Status"]["Code"] == "active"
    return a, b, va, vb, pcx


def test_reference_peer_group_then_stale(server):
    a, b, va, vb, pcx = peer_accounts(server)
    ga, gb = sg(a, "a-web", va), sg(b, "b-app", vb)
    perm = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
            "UserIdGroupPairs": [{"GroupId": gb, "UserId": B}]}
    # Without UserId, B's group is looked up in A's account.
    with pytest.raises(ClientError) as e:
        a.authorize_security_group_ingress(GroupId=ga, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "UserIdGroupPairs": [{"GroupId": gb}]}])
    assert error_code(e) == "InvalidGroup.NotFound"
    out = a.authorize_security_group_ingress(GroupId=ga, IpPermissions=[perm])
    assert out["SecurityGroupRules"][0]["ReferencedGroupInfo"] == {
        "GroupId": gb, "UserId": B, "VpcId": vb, "VpcPeeringConnectionId": pcx, "PeeringStatus": "active"}
    pair = group(a, ga)["IpPermissions"][0]["UserIdGroupPairs"][0]
    assert pair == {"UserId": B, "GroupId": gb, "VpcId": vb, "VpcPeeringConnectionId": pcx,
                    "PeeringStatus": "active"}

    refs = b.describe_security_group_references(GroupId=[gb])["SecurityGroupReferenceSet"]
    assert refs == [{"GroupId": gb, "ReferencingVpcId": va, "VpcPeeringConnectionId": pcx}]
    assert a.describe_stale_security_groups(VpcId=va)["StaleSecurityGroupSet"] == []

    b.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    stale = a.describe_stale_security_groups(VpcId=va)["StaleSecurityGroupSet"]
    assert len(stale) == 1
    s = stale[0]
    assert (s["GroupId"], s["GroupName"], s["VpcId"], s["Description"]) == (ga, "a-web", va, "a-web group")
    assert s["StaleIpPermissionsEgress"] == []
    (p,) = s["StaleIpPermissions"]
    assert (p["IpProtocol"], p["FromPort"], p["ToPort"]) == ("tcp", 443, 443)
    (pair,) = p["UserIdGroupPairs"]
    assert pair["GroupId"] == gb and pair["VpcId"] == vb
    assert pair["PeeringStatus"] == "deleted" and pair["VpcPeeringConnectionId"] == pcx
    # The rule stays, shown with the peering's status.
    pair = group(a, ga)["IpPermissions"][0]["UserIdGroupPairs"][0]
    assert pair["PeeringStatus"] == "deleted"
    assert b.describe_security_group_references(GroupId=[gb])["SecurityGroupReferenceSet"] == []
    # Stale references do not hold the peer's group; new references are refused.
    b.delete_security_group(GroupId=gb)
    assert len(a.describe_stale_security_groups(VpcId=va)["StaleSecurityGroupSet"]) == 1
    gb2 = sg(b, "b-other", vb)
    with pytest.raises(ClientError) as e:
        a.authorize_security_group_ingress(GroupId=ga, IpPermissions=[
            {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": gb2, "UserId": B}]}])
    assert error_code(e) == "InvalidGroup.NotFound"
    assert e.value.response["Error"]["Message"] == "You have specified two resources that belong to different networks."
    a.revoke_security_group_ingress(GroupId=ga, IpPermissions=[perm])
    assert a.describe_stale_security_groups(VpcId=va)["StaleSecurityGroupSet"] == []
    with pytest.raises(ClientError) as e:
        unvalidated(server).describe_stale_security_groups(VpcId=va, MaxResults=300)
    assert error_code(e) == "InvalidParameterValue"


def test_delete_group_referenced_across_peering(server):
    # AWS refuses only references from the group's own VPC: a group referenced from a peered
    # VPC is deleted and the referencing rule is left stale.
    a, b, va, vb, pcx = peer_accounts(server)
    ga, gb = sg(a, "a-web", va), sg(b, "b-app", vb)
    perm = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
            "UserIdGroupPairs": [{"GroupId": gb, "UserId": B}]}
    a.authorize_security_group_ingress(GroupId=ga, IpPermissions=[perm])
    b.delete_security_group(GroupId=gb)
    with pytest.raises(ClientError) as e:
        b.describe_security_groups(GroupIds=[gb])
    assert error_code(e) == "InvalidGroup.NotFound"
    (s,) = a.describe_stale_security_groups(VpcId=va)["StaleSecurityGroupSet"]
    assert s["GroupId"] == ga
    (p,) = s["StaleIpPermissions"]
    assert p["UserIdGroupPairs"][0]["GroupId"] == gb
    # The rule is still A's, and A can revoke it.
    assert group(a, ga)["IpPermissions"][0]["UserIdGroupPairs"][0]["GroupId"] == gb
    a.revoke_security_group_ingress(GroupId=ga, IpPermissions=[perm])
    assert a.describe_stale_security_groups(VpcId=va)["StaleSecurityGroupSet"] == []


def test_inter_region_reference_refused(server):
    a, b_west = server.client(A), server.client(B, region="us-west-2")
    va, vb = vpc(a, "10.0.0.0/16"), vpc(b_west, "10.1.0.0/16")
    pcx = a.create_vpc_peering_connection(VpcId=va, PeerVpcId=vb, PeerOwnerId=B, PeerRegion="us-west-2")
    pcx = pcx["VpcPeeringConnection"]["VpcPeeringConnectionId"]
    b_west.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])
    b_west.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    a.describe_vpc_peering_connections(VpcPeeringConnectionIds=[pcx])
    ga, gb = sg(a, "a", va), sg(b_west, "b", vb)
    with pytest.raises(ClientError) as e:
        a.authorize_security_group_ingress(GroupId=ga, IpPermissions=[
            {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": gb, "UserId": B}]}])
    assert error_code(e) == "InvalidGroup.NotFound"


def test_cli_flow(server):
    v = server.aws("ec2", "create-vpc", "--cidr-block", "10.0.0.0/16")["Vpc"]["VpcId"]
    gid = server.aws("ec2", "create-security-group", "--group-name", "cli", "--description", "cli group",
                     "--vpc-id", v)["GroupId"]
    out = server.aws("ec2", "authorize-security-group-ingress", "--group-id", gid,
                     "--protocol", "tcp", "--port", "22", "--cidr", "203.0.113.0/24")
    assert out["Return"] is True and out["SecurityGroupRules"][0]["CidrIpv4"] == "203.0.113.0/24"
    server.aws("ec2", "authorize-security-group-ingress", "--group-id", gid, "--ip-permissions",
               'IpProtocol=tcp,FromPort=8000,ToPort=8100,IpRanges=[{CidrIp=10.0.0.0/16,Description=apps}]')
    got = server.aws("ec2", "describe-security-groups", "--group-ids", gid)["SecurityGroups"][0]
    assert sorted(p["FromPort"] for p in got["IpPermissions"]) == [22, 8000]
    rules = server.aws("ec2", "describe-security-group-rules", "--filters", f"Name=group-id,Values={gid}")
    assert len(rules["SecurityGroupRules"]) == 3
    proc = server.aws("ec2", "authorize-security-group-ingress", "--group-id", gid,
                      "--protocol", "tcp", "--port", "22", "--cidr", "203.0.113.0/24", check=False)
    assert proc.returncode != 0 and "InvalidPermission.Duplicate" in proc.stderr
    server.aws("ec2", "revoke-security-group-ingress", "--group-id", gid,
               "--protocol", "tcp", "--port", "22", "--cidr", "203.0.113.0/24")
    server.aws("ec2", "delete-security-group", "--group-id", gid)
    proc = server.aws("ec2", "describe-security-groups", "--group-ids", gid, check=False)
    assert proc.returncode != 0 and "InvalidGroup.NotFound" in proc.stderr


def test_update_rule_descriptions(ec2, server):
    v = vpc(ec2)
    web, app = sg(ec2, "web", v), sg(ec2, "app", v)
    out = ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[
        ssh("10.0.0.0/8"), {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": app}]}])
    ids = [r["SecurityGroupRuleId"] for r in out["SecurityGroupRules"]]
    # By IpPermissions: the description given with each peer.
    assert ec2.update_security_group_rule_descriptions_ingress(GroupId=web, IpPermissions=[
        ssh("10.0.0.0/8", Description="ssh from corp"),
        {"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": app, "Description": "app tier"}]},
    ])["Return"] is True
    perms = group(ec2, web)["IpPermissions"]
    by_proto = {p["IpProtocol"]: p for p in perms}
    assert by_proto["tcp"]["IpRanges"] == [{"CidrIp": "10.0.0.0/8", "Description": "ssh from corp"}]
    assert by_proto["-1"]["UserIdGroupPairs"][0]["Description"] == "app tier"
    rules = ec2.describe_security_group_rules(SecurityGroupRuleIds=ids)["SecurityGroupRules"]
    assert sorted(r["Description"] for r in rules) == ["app tier", "ssh from corp"]
    # By rule id (the CLI), egress too; no description removes it.
    egress = next(r["SecurityGroupRuleId"] for r in ec2.describe_security_group_rules(
        Filters=[{"Name": "group-id", "Values": [web]}])["SecurityGroupRules"] if r["IsEgress"])
    server.aws("ec2", "update-security-group-rule-descriptions-egress", "--group-id", web,
               "--security-group-rule-descriptions",
               f"SecurityGroupRuleId={egress},Description=all out")
    [r] = ec2.describe_security_group_rules(SecurityGroupRuleIds=[egress])["SecurityGroupRules"]
    assert r["Description"] == "all out"
    ec2.update_security_group_rule_descriptions_ingress(
        GroupId=web, SecurityGroupRuleDescriptions=[{"SecurityGroupRuleId": ids[0]}])
    [r] = ec2.describe_security_group_rules(SecurityGroupRuleIds=[ids[0]])["SecurityGroupRules"]
    assert "Description" not in r
    # AWS's errors for rules that do not match; nothing changes.
    before = group(ec2, web)
    with pytest.raises(ClientError) as e:
        ec2.update_security_group_rule_descriptions_ingress(
            GroupId=web, IpPermissions=[ssh("10.0.0.0/8", port=23, Description="x")])
    assert error_code(e) == "InvalidPermission.NotFound"
    assert e.value.response["Error"]["Message"] == "The specified rule does not exist in this security group."
    with pytest.raises(ClientError) as e:
        ec2.update_security_group_rule_descriptions_egress(
            GroupId=web, SecurityGroupRuleDescriptions=[
                {"SecurityGroupRuleId": ids[1], "Description": "x"},
                {"SecurityGroupRuleId": "sgr-0123456789abcdef0", "Description": "x"}])
    assert error_code(e) == "InvalidSecurityGroupRuleId.NotFound"
    with pytest.raises(ClientError) as e:
        ec2.update_security_group_rule_descriptions_ingress(
            GroupId=web, IpPermissions=[ssh("10.0.0.0/8", Description="x")],
            SecurityGroupRuleDescriptions=[{"SecurityGroupRuleId": ids[0], "Description": "x"}])
    assert error_code(e) == "InvalidParameterCombination"
    with pytest.raises(ClientError) as e:
        ec2.update_security_group_rule_descriptions_ingress(
            GroupId=web, SecurityGroupRuleDescriptions=[{"SecurityGroupRuleId": "sgr-zz"}])
    assert error_code(e) == "InvalidSecurityGroupRuleId.Malformed"
    assert group(ec2, web) == before
