"""Prefix lists end to end (§3.7): AWS-managed S3/DynamoDB lists seen by every account,
customer-managed lists with versions, paging of entries, errors; boto3 and the aws CLI."""

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, error_code

S3_EAST, DDB_EAST = "pl-63a5400a", "pl-02cd2c6b"


def managed(client, **kw):
    return client.describe_managed_prefix_lists(**kw)["PrefixLists"]


def create(client, name="corp", entries=(), max_entries=10, family="IPv4", **kw):
    return client.create_managed_prefix_list(
        PrefixListName=name, MaxEntries=max_entries, AddressFamily=family,
        Entries=[{"Cidr": c} for c in entries], **kw)["PrefixList"]


def test_describe_prefix_lists_shows_the_regions_gateway_services_with_the_cli(server):
    got = server.aws("ec2", "describe-prefix-lists")["PrefixLists"]
    assert [p["PrefixListName"] for p in got] == [
        "com.amazonaws.us-east-1.dynamodb", "com.amazonaws.us-east-1.s3"]
    by_name = {p["PrefixListName"]: p for p in got}
    assert by_name["com.amazonaws.us-east-1.s3"]["PrefixListId"] == S3_EAST
    assert by_name["com.amazonaws.us-east-1.dynamodb"]["PrefixListId"] == DDB_EAST
    assert by_name["com.amazonaws.us-east-1.s3"]["Cidrs"] == ["52.216.0.0/22", "54.231.0.0/24"]
    west = server.aws("ec2", "describe-prefix-lists", "--filters",
                      "Name=prefix-list-name,Values=*.s3", region="us-west-2")["PrefixLists"]
    assert [p["PrefixListName"] for p in west] == ["com.amazonaws.us-west-2.s3"]
    assert west[0]["PrefixListId"] not in (S3_EAST, DDB_EAST)
    assert len(west[0]["PrefixListId"]) == 11
    proc = server.aws("ec2", "describe-prefix-lists", "--prefix-list-ids", "pl-0123456789abcdef0",
                      check=False)
    assert proc.returncode != 0 and "InvalidPrefixListId.NotFound" in proc.stderr


def test_aws_managed_lists_are_the_same_for_every_account(server):
    a, b = server.client(A), server.client(B)
    seen_a = managed(a, Filters=[{"Name": "owner-id", "Values": ["AWS"]}])
    seen_b = managed(b, Filters=[{"Name": "owner-id", "Values": ["AWS"]}])
    assert seen_a == seen_b
    s3 = next(p for p in seen_a if p["PrefixListId"] == S3_EAST)
    assert s3 == {
        "PrefixListId": S3_EAST, "AddressFamily": "IPv4", "State": "create-complete",
        "PrefixListArn": f"arn:aws:ec2:us-east-1:aws:prefix-list/{S3_EAST}",
        "PrefixListName": "com.amazonaws.us-east-1.s3", "MaxEntries": 2, "Version": 1,
        "Tags": [], "OwnerId": "AWS",
    }
    entries = b.get_managed_prefix_list_entries(PrefixListId=DDB_EAST)["Entries"]
    assert [e["Cidr"] for e in entries] == ["52.92.0.0/22", "52.119.0.0/24"]
    assert all("Description" not in e for e in entries)
    # Another Region's list is not found here.
    west_s3 = managed(server.client(A, "us-west-2"),
                      Filters=[{"Name": "prefix-list-name", "Values": ["com.amazonaws.us-west-2.s3"]}])
    with pytest.raises(ClientError) as e:
        a.get_managed_prefix_list_entries(PrefixListId=west_s3[0]["PrefixListId"])
    assert error_code(e) == "InvalidPrefixListID.NotFound"


def test_aws_managed_lists_are_read_only(ec2):
    with pytest.raises(ClientError) as e:
        ec2.modify_managed_prefix_list(PrefixListId=S3_EAST, PrefixListName="mine")
    assert error_code(e) == "OperationNotPermitted"
    with pytest.raises(ClientError) as e:
        ec2.delete_managed_prefix_list(PrefixListId=DDB_EAST)
    assert error_code(e) == "OperationNotPermitted"
    assert ec2.get_managed_prefix_list_associations(PrefixListId=S3_EAST)[
        "PrefixListAssociations"] == []


def test_customer_list_lifecycle_with_the_cli(server):
    created = server.aws(
        "ec2", "create-managed-prefix-list", "--prefix-list-name", "corp",
        "--entries", "Cidr=10.1.0.0/16,Description=office", "Cidr=10.0.0.0/16",
        "--max-entries", "5", "--address-family", "IPv4",
        "--tag-specifications", "ResourceType=prefix-list,Tags=[{Key=Name,Value=corp}]")["PrefixList"]
    pl = created["PrefixListId"]
    assert len(pl) == 20 and created["OwnerId"] == A
    assert (created["State"], created["Version"], created["MaxEntries"]) == ("create-complete", 1, 5)
    assert created["PrefixListArn"] == f"arn:aws:ec2:us-east-1:{A}:prefix-list/{pl}"
    assert created["Tags"] == [{"Key": "Name", "Value": "corp"}]
    mine = server.aws("ec2", "describe-managed-prefix-lists", "--filters",
                      "Name=tag:Name,Values=corp")["PrefixLists"]
    assert [p["PrefixListId"] for p in mine] == [pl]
    modified = server.aws("ec2", "modify-managed-prefix-list", "--prefix-list-id", pl,
                          "--current-version", "1", "--add-entries", "Cidr=10.2.0.0/16",
                          "--remove-entries", "Cidr=10.0.0.0/16")["PrefixList"]
    assert (modified["State"], modified["Version"]) == ("modify-complete", 2)
    stale = server.aws("ec2", "modify-managed-prefix-list", "--prefix-list-id", pl,
                       "--current-version", "1", "--add-entries", "Cidr=10.3.0.0/16", check=False)
    assert stale.returncode != 0 and "PrefixListVersionMismatch" in stale.stderr
    now = server.aws("ec2", "get-managed-prefix-list-entries", "--prefix-list-id", pl)["Entries"]
    assert now == [{"Cidr": "10.1.0.0/16", "Description": "office"}, {"Cidr": "10.2.0.0/16"}]
    then = server.aws("ec2", "get-managed-prefix-list-entries", "--prefix-list-id", pl,
                      "--target-version", "1")["Entries"]
    assert [e["Cidr"] for e in then] == ["10.0.0.0/16", "10.1.0.0/16"]
    # Another account sees neither the list nor its entries.
    for args in (("describe-managed-prefix-lists", "--prefix-list-ids", pl),
                 ("get-managed-prefix-list-entries", "--prefix-list-id", pl),
                 ("delete-managed-prefix-list", "--prefix-list-id", pl)):
        proc = server.aws("ec2", *args, account=B, check=False)
        assert proc.returncode != 0 and "InvalidPrefixListID.NotFound" in proc.stderr, args
    deleted = server.aws("ec2", "delete-managed-prefix-list", "--prefix-list-id", pl)["PrefixList"]
    assert (deleted["PrefixListId"], deleted["State"]) == (pl, "delete-complete")
    proc = server.aws("ec2", "describe-managed-prefix-lists", "--prefix-list-ids", pl, check=False)
    assert proc.returncode != 0 and "InvalidPrefixListID.NotFound" in proc.stderr


def test_modify_rules(ec2):
    pl = create(ec2, entries=["10.0.0.0/16", "10.1.0.0/16"], max_entries=2)["PrefixListId"]
    renamed = ec2.modify_managed_prefix_list(PrefixListId=pl, PrefixListName="renamed")["PrefixList"]
    assert (renamed["PrefixListName"], renamed["Version"]) == ("renamed", 1)
    cases = [
        ({"AddEntries": [{"Cidr": "10.2.0.0/16"}]}, "InvalidPrefixListModification"),
        ({"AddEntries": [{"Cidr": "10.0.0.0/16"}], "RemoveEntries": [{"Cidr": "10.1.0.0/16"}]},
         "InvalidPrefixListModification"),
        ({"RemoveEntries": [{"Cidr": "10.9.0.0/16"}]}, "InvalidPrefixListModification"),
        ({"AddEntries": [{"Cidr": "2001:db8::/32"}], "RemoveEntries": [{"Cidr": "10.1.0.0/16"}]},
         "InvalidParameterValue"),
        ({"MaxEntries": 3, "AddEntries": [{"Cidr": "10.2.0.0/16"}]}, "InvalidParameterCombination"),
        ({"MaxEntries": 1}, "InvalidPrefixListModification"),
        ({"MaxEntries": 1001}, "InvalidParameterValue"),
        ({"CurrentVersion": 2, "PrefixListName": "x"}, "PrefixListVersionMismatch"),
        ({"PrefixListName": "com.amazonaws.mine"}, "InvalidParameterValue"),
    ]
    for params, code in cases:
        with pytest.raises(ClientError) as e:
            ec2.modify_managed_prefix_list(PrefixListId=pl, **params)
        assert error_code(e) == code, params
    grown = ec2.modify_managed_prefix_list(PrefixListId=pl, MaxEntries=3)["PrefixList"]
    assert (grown["MaxEntries"], grown["Version"]) == (3, 1)
    added = ec2.modify_managed_prefix_list(PrefixListId=pl, CurrentVersion=1,
                                           AddEntries=[{"Cidr": "10.2.0.0/16"}])["PrefixList"]
    assert added["Version"] == 2


def test_create_errors_and_idempotency(ec2):
    cases = [
        ({"Entries": ["2001:db8::/32"]}, "InvalidParameterValue"),
        ({"Entries": ["10.0.0.0/8", "11.0.0.0/8"], "max_entries": 1}, "InvalidParameterValue"),
        ({"max_entries": 1001}, "InvalidParameterValue"),
        ({"family": "IPv5"}, "InvalidParameterValue"),
        ({"name": "com.amazonaws.corp"}, "InvalidParameterValue"),
        ({"Entries": ["not-a-cidr"]}, "InvalidParameterValue"),
    ]
    for params, code in cases:
        params = dict(params)
        entries = params.pop("Entries", ())
        with pytest.raises(ClientError) as e:
            create(ec2, entries=entries, **params)
        assert error_code(e) == code, params
    first = create(ec2, name="v6", family="IPv6", entries=["2001:DB8::/32"], ClientToken="tok-1")
    again = create(ec2, name="v6", family="IPv6", entries=["2001:DB8::/32"], ClientToken="tok-1")
    assert first["PrefixListId"] == again["PrefixListId"]
    assert ec2.get_managed_prefix_list_entries(PrefixListId=first["PrefixListId"])["Entries"] == [
        {"Cidr": "2001:db8::/32"}]
    with pytest.raises(ClientError) as e:
        create(ec2, name="other", ClientToken="tok-1")
    assert error_code(e) == "IdempotentParameterMismatch"
    with pytest.raises(ClientError) as e:
        create(ec2, name="dry", DryRun=True)
    assert error_code(e) == "DryRunOperation"
    assert [p["PrefixListName"] for p in managed(ec2, Filters=[
        {"Name": "owner-id", "Values": [A]}])] == ["v6"]


def test_ids_tags_and_not_found(ec2):
    pl = create(ec2)["PrefixListId"]
    ec2.create_tags(Resources=[pl], Tags=[{"Key": "env", "Value": "prod"}])
    got = managed(ec2, Filters=[{"Name": "tag:env", "Values": ["prod"]}])
    assert [p["PrefixListId"] for p in got] == [pl]
    tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [pl]}])["Tags"]
    assert tags[0]["ResourceType"] == "prefix-list"
    for bad in ("pl-xyz", "sg-0123456789abcdef0"):
        with pytest.raises(ClientError) as e:
            ec2.get_managed_prefix_list_entries(PrefixListId=bad)
        assert error_code(e) == "InvalidPrefixListId.Malformed"
    with pytest.raises(ClientError) as e:
        managed(ec2, PrefixListIds=["pl-0123456789abcdef0"])
    assert error_code(e) == "InvalidPrefixListID.NotFound"
    with pytest.raises(ClientError) as e:
        managed(ec2, Filters=[{"Name": "vpc-id", "Values": ["x"]}])
    assert error_code(e) == "InvalidParameterValue"
    assert ec2.get_managed_prefix_list_associations(PrefixListId=pl)["PrefixListAssociations"] == []


def test_entries_and_lists_paging(server, ec2):
    cidrs = [f"10.{i}.0.0/16" for i in range(7)]
    pl = create(ec2, entries=cidrs, max_entries=7)["PrefixListId"]
    pages = ec2.get_paginator("get_managed_prefix_list_entries").paginate(
        PrefixListId=pl, PaginationConfig={"PageSize": 2})
    sizes, seen = [], []
    for page in pages:
        sizes.append(len(page["Entries"]))
        seen += [e["Cidr"] for e in page["Entries"]]
    assert sizes == [2, 2, 2, 1] and seen == cidrs
    via_cli = server.aws("ec2", "get-managed-prefix-list-entries", "--prefix-list-id", pl,
                         "--page-size", "3")["Entries"]
    assert [e["Cidr"] for e in via_cli] == cidrs
    first = ec2.get_managed_prefix_list_entries(PrefixListId=pl, MaxResults=5)
    assert len(first["Entries"]) == 5 and "NextToken" in first
    rest = ec2.get_managed_prefix_list_entries(PrefixListId=pl, MaxResults=5,
                                               NextToken=first["NextToken"])
    assert [e["Cidr"] for e in rest["Entries"]] == cidrs[5:] and "NextToken" not in rest
    with pytest.raises(ClientError) as e:
        ec2.get_managed_prefix_list_entries(PrefixListId=pl, MaxResults=101)
    assert error_code(e) == "InvalidParameterValue"
    lists = ec2.get_paginator("describe_managed_prefix_lists").paginate(
        PaginationConfig={"PageSize": 1})
    assert sorted(p["PrefixListId"] for page in lists for p in page["PrefixLists"]) == sorted(
        [pl, S3_EAST, DDB_EAST])


def test_a_list_referenced_by_a_security_group_cannot_be_deleted(ec2):
    pl = create(ec2, entries=["10.9.0.0/16"])["PrefixListId"]
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    sg = ec2.create_security_group(GroupName="web", Description="web", VpcId=vpc)["GroupId"]
    perm = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
            "PrefixListIds": [{"PrefixListId": pl}]}
    ec2.authorize_security_group_egress(GroupId=sg, IpPermissions=[perm])
    assocs = ec2.get_managed_prefix_list_associations(PrefixListId=pl)["PrefixListAssociations"]
    assert assocs == [{"ResourceId": sg, "ResourceOwner": A}]
    with pytest.raises(ClientError) as e:
        ec2.delete_managed_prefix_list(PrefixListId=pl)
    assert error_code(e) == "DependencyViolation"
    ec2.revoke_security_group_egress(GroupId=sg, IpPermissions=[perm])
    assert ec2.delete_managed_prefix_list(PrefixListId=pl)["PrefixList"]["State"] == "delete-complete"
