"""Quotas from the command line and the config file (issue 2 §4)."""

import json
import subprocess

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, BIN, Server, error_code


def test_per_account_quota_and_unenforced_defaults(tmp_path):
    config = tmp_path / "config.json"
    config.write_text(json.dumps({
        "regions": [{"name": "us-east-1", "az_id_prefix": "use1", "zone_letters": "abc"}],
        "quotas": {"global": {"vpcs-per-region": 4}},
    }))
    s = Server("--quota", f"{A}:peering-active-per-vpc=1", "--config", str(config))
    try:
        a, b = s.client(A), s.client(B)
        assert len(a.describe_availability_zones()["AvailabilityZones"]) == 3
        hub = a.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        spokes = [a.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"] for i in (1, 2)]
        with pytest.raises(ClientError) as e:  # default VPC + 3 = the configured 4
            a.create_vpc(CidrBlock="10.3.0.0/16")
        assert error_code(e) == "VpcLimitExceeded"
        first, second = [a.create_vpc_peering_connection(VpcId=hub, PeerVpcId=x)[
            "VpcPeeringConnection"]["VpcPeeringConnectionId"] for x in spokes]
        a.accept_vpc_peering_connection(VpcPeeringConnectionId=first)
        with pytest.raises(ClientError) as e:
            a.accept_vpc_peering_connection(VpcPeeringConnectionId=second)
        assert error_code(e) == "ActiveVpcPeeringConnectionPerVpcLimitExceeded"
        # Account B keeps the defaults.
        assert len([b.create_vpc(CidrBlock=f"10.{i}.0.0/16") for i in (1, 2)]) == 2
    finally:
        s.stop()


def test_quota_above_the_hard_maximum_is_refused_at_start(tmp_path):
    proc = subprocess.run([str(BIN), "serve", "--data-dir", str(tmp_path), "--listen", "127.0.0.1:0",
                           "--quota", "peering-active-per-vpc=126"], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 2 and "at most 125" in proc.stderr


def test_key_pairs_per_region(tmp_path):
    """AWS's 5,000 key pairs per Region, lowered here to 2: `ResourceLimitExceeded` on the
    third, in that account and Region only."""
    s = Server("--quota", "key-pairs-per-region=2")
    try:
        a = s.client(A)
        for name in ("one", "two"):
            a.create_key_pair(KeyName=name, KeyType="ed25519")
        with pytest.raises(ClientError) as e:
            a.create_key_pair(KeyName="three", KeyType="ed25519")
        assert error_code(e) == "ResourceLimitExceeded"
        assert "key pairs" in e.value.response["Error"]["Message"]
        assert s.client(B).create_key_pair(KeyName="three", KeyType="ed25519")["KeyName"]
        a.delete_key_pair(KeyName="one")
        assert a.create_key_pair(KeyName="three", KeyType="ed25519")["KeyName"] == "three"
    finally:
        s.stop()
