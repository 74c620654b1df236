"""Regions and Availability Zones as AWS has them (§10): every commercial Region, the
opt-in ones with their status, real zone ids and counts, and the per-account mapping."""

import json

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, Server, error_code

OPT_IN = {"af-south-1", "ap-east-1", "ap-east-2", "ap-south-2", "ap-southeast-3",
          "ap-southeast-4", "ap-southeast-5", "ap-southeast-6", "ap-southeast-7",
          "ca-west-1", "eu-central-2", "eu-south-1", "eu-south-2", "il-central-1",
          "me-central-1", "me-south-1", "mx-central-1"}


def test_every_commercial_region_is_served(server):
    regions = {r["RegionName"]: r for r in server.client(A).describe_regions()["Regions"]}
    assert len(regions) == 34
    for name in ("eu-north-1", "ca-central-1", "sa-east-1", "eu-west-2", "eu-west-3", "ap-south-1"):
        assert regions[name]["OptInStatus"] == "opt-in-not-required"
        assert regions[name]["Endpoint"] == f"ec2.{name}.amazonaws.com"
    assert {n for n, r in regions.items() if r["OptInStatus"] == "opted-in"} == OPT_IN
    everything = server.aws("ec2", "describe-regions", "--all-regions")["Regions"]
    assert len(everything) == 34
    only = server.client(A).describe_regions(
        Filters=[{"Name": "opt-in-status", "Values": ["opted-in"]}])["Regions"]
    assert {r["RegionName"] for r in only} == OPT_IN
    with pytest.raises(ClientError) as e:
        server.client(A).describe_regions(RegionNames=["us--east-1"])
    assert error_code(e) == "InvalidParameterValue"
    assert e.value.response["Error"]["Message"] == "Invalid region: [us--east-1]"
    # A VPC in a Region the old list lacked, with subnets in its real zones.
    ec2 = server.client(B, region="eu-north-1")
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    zone = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24",
                             AvailabilityZoneId="eun1-az3")["Subnet"]["AvailabilityZone"]
    assert zone == "eu-north-1c"


def test_zones_carry_aws_fields_and_real_ids(server):
    zones = server.client(A, region="us-east-2").describe_availability_zones()["AvailabilityZones"]
    assert zones[0] == {
        "State": "available", "OptInStatus": "opt-in-not-required", "Messages": [],
        "RegionName": "us-east-2", "ZoneName": "us-east-2a", "ZoneId": "use2-az1",
        "GroupName": "us-east-2-zg-1", "NetworkBorderGroup": "us-east-2",
        "ZoneType": "availability-zone", "GroupLongName": "US East (Ohio) 1",
    }
    def ids(account, region):
        got = server.client(account, region=region).describe_availability_zones(
            AllAvailabilityZones=True)["AvailabilityZones"]
        return {z["ZoneName"]: z["ZoneId"] for z in got}
    assert sorted(ids(A, "us-west-1").values()) == ["usw1-az1", "usw1-az3"]
    assert sorted(ids(A, "ap-northeast-1").values()) == ["apne1-az1", "apne1-az2", "apne1-az4"]
    assert "ap-northeast-1b" not in ids(A, "ap-northeast-1")
    assert sorted(ids(A, "ca-central-1")) == ["ca-central-1a", "ca-central-1b", "ca-central-1d"]
    # Uniformly mapped Regions: every account alike; AWS's older Regions: per account,
    # each account's mapping stable.
    assert ids(A, "eu-central-1") == ids(B, "eu-central-1") == {
        "eu-central-1a": "euc1-az2", "eu-central-1b": "euc1-az3", "eu-central-1c": "euc1-az1"}
    assert len(ids(A, "us-east-1")) == 6 and ids(A, "us-east-1") == ids(A, "us-east-1")
    assert sorted(ids(A, "us-east-1").values()) == sorted(ids(B, "us-east-1").values())
    ec2 = server.client(A, region="ap-south-1")
    picked = ec2.describe_availability_zones(
        ZoneIds=["aps1-az3"], Filters=[{"Name": "zone-type", "Values": ["availability-zone"]},
                                       {"Name": "group-name", "Values": ["ap-south-1-zg-1"]}])
    assert [z["ZoneName"] for z in picked["AvailabilityZones"]] == ["ap-south-1b"]
    with pytest.raises(ClientError) as e:
        ec2.describe_availability_zones(ZoneNames=["ap-south-1z"])
    assert error_code(e) == "InvalidParameterValue" and "ap-south-1z" in str(e.value)
    with pytest.raises(ClientError) as e:
        ec2.describe_availability_zones(Filters=[{"Name": "nope", "Values": ["x"]}])
    assert error_code(e) == "InvalidParameterValue"


def test_the_region_list_stays_configurable(tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"regions": [
        "us-east-1", "eu-north-1",
        {"name": "af-south-1", "opt_in_status": "not-opted-in"},
        {"name": "xx-lab-1", "long_name": "Lab", "az_id_prefix": "xxl1", "zone_letters": "ab"},
    ]}))
    s = Server("--config", str(config))
    try:
        ec2 = s.client(A)
        enabled = {r["RegionName"]: r["OptInStatus"] for r in ec2.describe_regions()["Regions"]}
        assert enabled == {"us-east-1": "opt-in-not-required", "eu-north-1": "opt-in-not-required",
                           "xx-lab-1": "opt-in-not-required"}
        every = {r["RegionName"]: r["OptInStatus"]
                 for r in ec2.describe_regions(AllRegions=True)["Regions"]}
        assert every["af-south-1"] == "not-opted-in"
        assert ec2.describe_regions(RegionNames=["af-south-1"])["Regions"][0]["OptInStatus"] \
            == "not-opted-in"
        # A Region the account has not enabled refuses as AWS does; one not served at all
        # says so.
        with pytest.raises(ClientError) as e:
            s.client(A, region="af-south-1").describe_vpcs()
        assert error_code(e) == "AuthFailure"
        with pytest.raises(ClientError) as e:
            s.client(A, region="eu-west-3").describe_vpcs()
        assert error_code(e) == "InvalidParameterValue" and "eu-west-3" in str(e.value)
        lab = s.client(A, region="xx-lab-1").describe_availability_zones()["AvailabilityZones"]
        assert sorted(z["ZoneId"] for z in lab) == ["xxl1-az1", "xxl1-az2"]
    finally:
        s.stop()
