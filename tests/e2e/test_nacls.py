"""Network ACLs: ACLs, numbered entries, subnet associations."""

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, error_code


def vpc(ec2, cidr="10.0.0.0/16", **kw):
    return ec2.create_vpc(CidrBlock=cidr, **kw)["Vpc"]["VpcId"]


def acl(ec2, acl_id):
    return ec2.describe_network_acls(NetworkAclIds=[acl_id])["NetworkAcls"][0]


def test_create_describe_delete(ec2):
    v = vpc(ec2)
    out = ec2.create_network_acl(VpcId=v, TagSpecifications=[
        {"ResourceType": "network-acl", "Tags": [{"Key": "Name", "Value": "private"}]}])
    a = out["NetworkAcl"]
    assert a["NetworkAclId"].startswith("acl-") and a["VpcId"] == v and a["OwnerId"] == A
    assert a["IsDefault"] is False and a["Associations"] == []
    assert a["Tags"] == [{"Key": "Name", "Value": "private"}]
    assert a["Entries"] == [
        {"CidrBlock": "0.0.0.0/0", "Egress": True, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767},
        {"CidrBlock": "0.0.0.0/0", "Egress": False, "Protocol": "-1", "RuleAction": "deny", "RuleNumber": 32767},
    ]
    assert acl(ec2, a["NetworkAclId"]) == a

    default = ec2.describe_network_acls(Filters=[{"Name": "vpc-id", "Values": [v]},
                                                 {"Name": "default", "Values": ["true"]}])["NetworkAcls"]
    assert len(default) == 1
    d = default[0]
    assert [(e["Egress"], e["RuleNumber"], e["RuleAction"]) for e in d["Entries"]] == [
        (True, 100, "allow"), (True, 32767, "deny"), (False, 100, "allow"), (False, 32767, "deny")]
    with pytest.raises(ClientError) as e:
        ec2.delete_network_acl(NetworkAclId=d["NetworkAclId"])
    assert error_code(e) == "InvalidParameterValue"
    assert e.value.response["Error"]["Message"] == f"cannot delete default network ACL {d['NetworkAclId']}"

    ec2.delete_network_acl(NetworkAclId=a["NetworkAclId"])
    with pytest.raises(ClientError) as e:
        acl(ec2, a["NetworkAclId"])
    assert error_code(e) == "InvalidNetworkAclID.NotFound"
    with pytest.raises(ClientError) as e:
        ec2.delete_network_acl(NetworkAclId="acl-xyz")
    assert error_code(e) == "InvalidNetworkAclId.Malformed"


def test_ipv6_vpc_entries(ec2):
    v = vpc(ec2, AmazonProvidedIpv6CidrBlock=True)
    a = ec2.create_network_acl(VpcId=v)["NetworkAcl"]
    assert [(e["Egress"], e["RuleNumber"], e.get("Ipv6CidrBlock")) for e in a["Entries"]] == [
        (True, 32767, None), (True, 32768, "::/0"), (False, 32767, None), (False, 32768, "::/0")]


def test_entries(ec2):
    v = vpc(ec2)
    aid = ec2.create_network_acl(VpcId=v)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(NetworkAclId=aid, RuleNumber=100, Protocol="6", RuleAction="allow",
                                 Egress=False, CidrBlock="10.0.0.0/8", PortRange={"From": 22, "To": 22})
    ec2.create_network_acl_entry(NetworkAclId=aid, RuleNumber=110, Protocol="tcp", RuleAction="allow",
                                 Egress=False, CidrBlock="0.0.0.0/0", PortRange={"From": 443, "To": 443})
    ec2.create_network_acl_entry(NetworkAclId=aid, RuleNumber=120, Protocol="1", RuleAction="allow",
                                 Egress=False, CidrBlock="0.0.0.0/0", IcmpTypeCode={"Type": 8, "Code": -1})
    ec2.create_network_acl_entry(NetworkAclId=aid, RuleNumber=100, Protocol="-1", RuleAction="allow",
                                 Egress=True, Ipv6CidrBlock="::/0")
    entries = acl(ec2, aid)["Entries"]
    ingress = {e["RuleNumber"]: e for e in entries if not e["Egress"]}
    assert ingress[100] == {"CidrBlock": "10.0.0.0/8", "Egress": False, "PortRange": {"From": 22, "To": 22},
                            "Protocol": "6", "RuleAction": "allow", "RuleNumber": 100}
    assert ingress[110]["Protocol"] == "6"
    assert ingress[120]["IcmpTypeCode"] == {"Code": -1, "Type": 8}
    egress = [e for e in entries if e["Egress"]]
    assert egress[0] == {"Egress": True, "Ipv6CidrBlock": "::/0", "Protocol": "-1",
                         "RuleAction": "allow", "RuleNumber": 100}

    with pytest.raises(ClientError) as e:
        ec2.create_network_acl_entry(NetworkAclId=aid, RuleNumber=100, Protocol="-1", RuleAction="deny",
                                     Egress=False, CidrBlock="0.0.0.0/0")
    assert error_code(e) == "NetworkAclEntryAlreadyExists"
    bad = [
        (dict(RuleNumber=0, Protocol="-1", CidrBlock="0.0.0.0/0"), "InvalidParameterValue"),
        (dict(RuleNumber=32767, Protocol="-1", CidrBlock="0.0.0.0/0"), "InvalidParameterValue"),
        (dict(RuleNumber=5, Protocol="6", CidrBlock="0.0.0.0/0"), "InvalidParameterValue"),
        (dict(RuleNumber=5, Protocol="1", CidrBlock="0.0.0.0/0"), "InvalidParameterValue"),
        (dict(RuleNumber=5, Protocol="nope", CidrBlock="0.0.0.0/0"), "InvalidParameterValue"),
        (dict(RuleNumber=5, Protocol="-1"), "MissingParameter"),
        (dict(RuleNumber=5, Protocol="-1", CidrBlock="0.0.0.0/0", Ipv6CidrBlock="::/0"),
         "InvalidParameterCombination"),
    ]
    for kw, code in bad:
        with pytest.raises(ClientError) as e:
            ec2.create_network_acl_entry(NetworkAclId=aid, RuleAction="allow", Egress=False, **kw)
        assert error_code(e) == code, kw

    ec2.replace_network_acl_entry(NetworkAclId=aid, RuleNumber=110, Protocol="6", RuleAction="deny",
                                  Egress=False, CidrBlock="0.0.0.0/0", PortRange={"From": 80, "To": 80})
    e110 = [e for e in acl(ec2, aid)["Entries"] if e["RuleNumber"] == 110][0]
    assert (e110["RuleAction"], e110["PortRange"]) == ("deny", {"From": 80, "To": 80})
    with pytest.raises(ClientError) as e:
        ec2.replace_network_acl_entry(NetworkAclId=aid, RuleNumber=111, Protocol="-1", RuleAction="deny",
                                      Egress=False, CidrBlock="0.0.0.0/0")
    assert error_code(e) == "InvalidNetworkAclEntry.NotFound"
    ec2.delete_network_acl_entry(NetworkAclId=aid, RuleNumber=110, Egress=False)
    with pytest.raises(ClientError) as e:
        ec2.delete_network_acl_entry(NetworkAclId=aid, RuleNumber=110, Egress=False)
    assert error_code(e) == "InvalidNetworkAclEntry.NotFound"


def test_associations(ec2):
    v = vpc(ec2)
    subnet = ec2.create_subnet(VpcId=v, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    found = ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": [subnet]}])
    default = found["NetworkAcls"][0]
    assert default["IsDefault"] is True
    (assoc,) = [x for x in default["Associations"] if x["SubnetId"] == subnet]
    assert assoc["NetworkAclId"] == default["NetworkAclId"]
    assert assoc["NetworkAclAssociationId"].startswith("aclassoc-")

    custom = ec2.create_network_acl(VpcId=v)["NetworkAcl"]["NetworkAclId"]
    new = ec2.replace_network_acl_association(AssociationId=assoc["NetworkAclAssociationId"],
                                              NetworkAclId=custom)["NewAssociationId"]
    assert new.startswith("aclassoc-") and new != assoc["NetworkAclAssociationId"]
    got = acl(ec2, custom)["Associations"]
    assert got == [{"NetworkAclAssociationId": new, "NetworkAclId": custom, "SubnetId": subnet}]
    with pytest.raises(ClientError) as e:
        ec2.replace_network_acl_association(AssociationId=assoc["NetworkAclAssociationId"],
                                            NetworkAclId=custom)
    assert error_code(e) == "InvalidAssociationID.NotFound"
    with pytest.raises(ClientError) as e:
        ec2.delete_network_acl(NetworkAclId=custom)
    assert error_code(e) == "DependencyViolation"
    other = ec2.create_network_acl(VpcId=vpc(ec2, "10.5.0.0/16"))["NetworkAcl"]["NetworkAclId"]
    with pytest.raises(ClientError) as e:
        ec2.replace_network_acl_association(AssociationId=new, NetworkAclId=other)
    assert error_code(e) == "InvalidParameterValue"
    ec2.replace_network_acl_association(AssociationId=new, NetworkAclId=default["NetworkAclId"])
    ec2.delete_network_acl(NetworkAclId=custom)


def test_filters_and_other_accounts(server, ec2):
    v = vpc(ec2)
    aid = ec2.create_network_acl(VpcId=v)["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(NetworkAclId=aid, RuleNumber=200, Protocol="17", RuleAction="allow",
                                 Egress=True, CidrBlock="10.0.0.0/8", PortRange={"From": 53, "To": 53})

    def ids(*filters):
        got = ec2.describe_network_acls(Filters=[{"Name": n, "Values": vs} for n, vs in filters])
        return sorted(a["NetworkAclId"] for a in got["NetworkAcls"])

    assert ids(("entry.rule-number", ["200"])) == [aid]
    assert ids(("entry.protocol", ["udp"])) == [aid]
    assert ids(("entry.port-range.to", ["53"]), ("entry.egress", ["true"])) == [aid]
    assert ids(("entry.cidr", ["10.0.0.0/8"])) == [aid]
    assert ids(("vpc-id", [v]), ("default", ["false"])) == [aid]
    assert ids(("network-acl-id", [aid]), ("owner-id", [A])) == [aid]
    assert len(ids(("vpc-id", [v]))) == 2
    with pytest.raises(ClientError) as e:
        ids(("entry.bogus", ["1"]))
    assert error_code(e) == "InvalidParameterValue"
    proc = server.aws("ec2", "describe-network-acls", "--max-results", "1001", check=False)
    assert proc.returncode != 0 and "InvalidParameterValue" in proc.stderr

    b = server.client(B)
    with pytest.raises(ClientError) as e:
        b.describe_network_acls(NetworkAclIds=[aid])
    assert error_code(e) == "InvalidNetworkAclID.NotFound"
    with pytest.raises(ClientError) as e:
        b.create_network_acl_entry(NetworkAclId=aid, RuleNumber=1, Protocol="-1", RuleAction="allow",
                                   Egress=False, CidrBlock="0.0.0.0/0")
    assert error_code(e) == "InvalidNetworkAclID.NotFound"
    with pytest.raises(ClientError) as e:
        ec2.create_network_acl(VpcId=v, DryRun=True)
    assert error_code(e) == "DryRunOperation"


def test_cli_flow(server):
    v = server.aws("ec2", "create-vpc", "--cidr-block", "10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = server.aws("ec2", "create-subnet", "--vpc-id", v, "--cidr-block", "10.0.1.0/24")["Subnet"]["SubnetId"]
    aid = server.aws("ec2", "create-network-acl", "--vpc-id", v)["NetworkAcl"]["NetworkAclId"]
    server.aws("ec2", "create-network-acl-entry", "--network-acl-id", aid, "--ingress", "--rule-number", "100",
               "--protocol", "tcp", "--port-range", "From=22,To=22", "--cidr-block", "0.0.0.0/0",
               "--rule-action", "allow")
    server.aws("ec2", "create-network-acl-entry", "--network-acl-id", aid, "--egress", "--rule-number", "100",
               "--protocol", "-1", "--cidr-block", "0.0.0.0/0", "--rule-action", "allow")
    got = server.aws("ec2", "describe-network-acls", "--network-acl-ids", aid)["NetworkAcls"][0]
    assert [(e["Egress"], e["RuleNumber"], e["Protocol"]) for e in got["Entries"]] == [
        (True, 100, "-1"), (True, 32767, "-1"), (False, 100, "6"), (False, 32767, "-1")]
    default = server.aws("ec2", "describe-network-acls", "--filters",
                         f"Name=association.subnet-id,Values={subnet}")["NetworkAcls"][0]
    assoc = [x for x in default["Associations"] if x["SubnetId"] == subnet][0]["NetworkAclAssociationId"]
    new = server.aws("ec2", "replace-network-acl-association", "--association-id", assoc,
                     "--network-acl-id", aid)["NewAssociationId"]
    assert new.startswith("aclassoc-")
    proc = server.aws("ec2", "delete-network-acl", "--network-acl-id", aid, check=False)
    assert proc.returncode != 0 and "DependencyViolation" in proc.stderr
    server.aws("ec2", "delete-network-acl-entry", "--network-acl-id", aid, "--ingress", "--rule-number", "100")
    server.aws("ec2", "replace-network-acl-association", "--association-id", new,
               "--network-acl-id", default["NetworkAclId"])
    server.aws("ec2", "delete-network-acl", "--network-acl-id", aid)
