"""`openvpc import`: the summary says what was imported, what was not and what to check;
Elastic IPs and load-balancer and target-group attributes arrive, as boto3 and `openvpc
reach` then see them; on a terminal the import shows its progress on one line.

The fixture is the import crate's `tests/fixtures/report`: account 444444444444 (a VPC with
an internet gateway, an instance behind an Elastic IP, a NAT gateway, two network load
balancers and an application one, transit gateways) and a directory 555555555555 whose VPC
belongs to 666666666666.
"""

import json
import os
import pty
import shutil
import subprocess

import boto3
import botocore.config

from conftest import BIN, ROOT, Server

FIXTURE = ROOT / "crates" / "import" / "tests" / "fixtures" / "report"
ACCOUNT = "444444444444"


def cli(*args):
    p = subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def test_the_summary_lists_what_was_read_skipped_and_suspect(tmp_path):
    data = tmp_path / "data"
    code, out, err = cli("import", FIXTURE, "--data-dir", data)
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].startswith("imported 2 VPCs, 2 subnets, ")
    assert lines[0].endswith(f" into {data}")
    for part in ["1 instances", "1 internet gateways", "1 NAT gateways", "3 Elastic IPs",
                 "2 load balancers (1 with attributes)", "1 target groups (1 with attributes)",
                 "0 targets, 1 listeners", "0 VPN gateways, 0 customer gateways, 0 VPN connections"]:
        assert part in lines[0], part
    assert lines[1] == (
        "not imported: 1 files not ending in .json, 1 DHCP options, 1 terminated instances, "
        "1 deleted NAT gateways, 1 EC2-Classic Elastic IPs, "
        "1 routes to targets openvpc does not model, "
        "6 transit-gateway VPC attachments without describe-transit-gateway-vpc-attachments "
        "output, 1 application load balancers, "
        "1 listeners of application load balancers, "
        "1 attribute outputs naming no imported load balancer or target group")
    warnings = lines[2:]
    assert len(warnings) == 3, warnings
    assert warnings[0].startswith("warning: directory 555555555555: "
                                  "555555555555/us-east-1/describe-vpcs.json lists resources "
                                  "owned by 666666666666")
    assert warnings[1].startswith("warning: load balancer lonely-nlb: no listener imported")
    assert warnings[2].startswith("warning: target group web-tg of load balancer web-nlb: "
                                  "no describe-target-health output")
    # Not a terminal: no progress line.
    assert "import:" not in err and "\r" not in err

    # The Elastic IP is the instance's public address: out through the internet gateway as
    # 54.160.10.10 (the engine's internet-exposure sweep finds it open on 443 from the
    # internet: the import crate's tests).
    code, out, err = cli("reach", "--data-dir", data, "--from", "i-0ddddddddddddddd1",
                         "--to", "198.51.100.7:443", "--json")
    assert code == 0, out + err
    hops = {h["component"]: h["header"] for h in json.loads(out)["forward"]}
    assert hops["igw-0ddddddddddddddd1"]["src"] == "54.160.10.10"


def test_imported_addresses_and_attributes_are_served(tmp_path):
    s = Server(credentials=False)
    try:
        s.stop()
        code, _, err = cli("import", FIXTURE, "--data-dir", s.data_dir)
        assert code == 0, err
        s.start()
        session = dict(endpoint_url=s.endpoint, region_name="us-east-1",
                       aws_access_key_id=ACCOUNT, aws_secret_access_key="x",
                       config=botocore.config.Config(retries={"max_attempts": 1}))
        ec2 = boto3.client("ec2", **session)
        addresses = {a["AllocationId"]: a for a in ec2.describe_addresses()["Addresses"]}
        web = addresses["eipalloc-0ddddddddddddddd1"]
        assert web["PublicIp"] == "54.160.10.10"
        assert web["NetworkInterfaceId"] == "eni-0ddddddddddddddd1"
        assert web["InstanceId"] == "i-0ddddddddddddddd1"
        assert web["PrivateIpAddress"] == "10.4.1.10"
        assert {"Key": "Name", "Value": "web-eip"} in web["Tags"]
        assert "AssociationId" not in addresses["eipalloc-0ddddddddddddddd2"]
        eni = ec2.describe_network_interfaces(
            NetworkInterfaceIds=["eni-0ddddddddddddddd1"])["NetworkInterfaces"][0]
        assert eni["Association"]["PublicIp"] == "54.160.10.10"

        elb = boto3.client("elbv2", **session)
        lbs = {lb["LoadBalancerName"]: lb for lb in elb.describe_load_balancers()["LoadBalancers"]}
        attrs = {a["Key"]: a["Value"] for a in elb.describe_load_balancer_attributes(
            LoadBalancerArn=lbs["web-nlb"]["LoadBalancerArn"])["Attributes"]}
        assert attrs["load_balancing.cross_zone.enabled"] == "true"
        assert attrs["deletion_protection.enabled"] == "true"
        tg = elb.describe_target_groups()["TargetGroups"][0]
        tg_attrs = {a["Key"]: a["Value"] for a in elb.describe_target_group_attributes(
            TargetGroupArn=tg["TargetGroupArn"])["Attributes"]}
        assert tg_attrs["load_balancing.cross_zone.enabled"] == "false"
        assert tg_attrs["deregistration_delay.timeout_seconds"] == "60"
    finally:
        s.stop()


def test_progress_on_a_terminal(tmp_path):
    """With standard error on a terminal, one line updated in place (carriage returns),
    erased before the summary."""
    master, slave = pty.openpty()
    p = subprocess.Popen([str(BIN), "import", str(FIXTURE), "--data-dir", str(tmp_path / "d")],
                         stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    err = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: the child closed its side
            break
        if not chunk:
            break
        err += chunk
    os.close(master)
    out = p.stdout.read().decode()
    assert p.wait(timeout=60) == 0
    assert out.startswith("imported 2 VPCs")
    text = err.decode()
    assert "\r\x1b[Kimport: 1/19 files read, 0 loaded, 0 resources" in text, text
    assert "import: writing " in text
    assert text.endswith("\r\x1b[K"), repr(text[-80:])
    assert "\n" not in text.replace("\r\n", "")


TGW_FIXTURE = ROOT / "crates" / "import" / "tests" / "fixtures" / "tgw"


def test_imported_transit_gateway_decides_flows_and_is_served(tmp_path):
    """Three VPCs on one transit gateway (the import crate's `tests/fixtures/tgw`): A reaches
    C through the gateway; a static blackhole route in A's route table stops A -> B. The
    server then describes what was imported."""
    s = Server(credentials=False)
    try:
        s.stop()
        code, out, err = cli("import", TGW_FIXTURE, "--data-dir", s.data_dir)
        assert code == 0, err
        assert ("1 transit gateways, 3 transit-gateway attachments, "
                "2 transit-gateway route tables into ") in out, out
        assert "not imported" not in out and "warning" not in out, out

        code, out, err = cli("reach", "--data-dir", s.data_dir, "--from", "i-0777777777777777a",
                             "--to", "10.3.1.10:22", "--json")
        assert code == 0, out + err
        verdict = json.loads(out)
        assert verdict["reachable"]
        for path in ("forward", "return"):
            assert "tgw-07777777777777777" in [h["component"] for h in verdict[path]], path

        code, out, err = cli("reach", "--data-dir", s.data_dir, "--from", "i-0777777777777777a",
                             "--to", "10.2.1.10:22", "--json")
        assert code == 1, out + err
        verdict = json.loads(out)
        assert not verdict["reachable"]
        assert verdict["codes"] == ["TGW_RTB_BAD_STATE_ROUTE"], verdict["codes"]

        s.start()
        ec2 = boto3.client("ec2", endpoint_url=s.endpoint, region_name="us-east-1",
                           aws_access_key_id="777777777777", aws_secret_access_key="x",
                           config=botocore.config.Config(retries={"max_attempts": 1}))
        [tgw] = ec2.describe_transit_gateways()["TransitGateways"]
        assert tgw["TransitGatewayId"] == "tgw-07777777777777777"
        attachments = ec2.describe_transit_gateway_vpc_attachments()["TransitGatewayVpcAttachments"]
        assert sorted(a["VpcId"] for a in attachments) == [
            f"vpc-0777777777777777{x}" for x in "abc"]
        routes = ec2.search_transit_gateway_routes(
            TransitGatewayRouteTableId="tgw-rtb-07777777777777772",
            Filters=[{"Name": "type", "Values": ["static", "propagated"]}])["Routes"]
        states = {r["DestinationCidrBlock"]: r["State"] for r in routes}
        assert states == {"10.2.0.0/16": "blackhole", "10.3.0.0/16": "active"}, routes
    finally:
        s.stop()


def test_assume_default_acls_for_an_export_without_them(tmp_path):
    """Without describe-network-acls output the subnets have no ACL: the summary warns and
    flows through them are unknown (exit 3); --assume-default-acls gives each its VPC's
    default ACL, as AWS always has one, and says so."""
    src = tmp_path / "export"
    shutil.copytree(FIXTURE, src)
    (src / "444444444444" / "us-east-1" / "describe-network-acls.json").unlink()
    code, out, err = cli("import", src, "--data-dir", tmp_path / "unknown")
    assert code == 0, err
    assert "warning: 2 subnets have no network ACL" in out
    code, out, _ = cli("reach", "--data-dir", tmp_path / "unknown", "--from", "eni-0ddddddddddddddd1",
                       "--to", "8.8.8.8:443")
    assert code == 3 and "UNKNOWN" in out
    code, out, err = cli("import", src, "--data-dir", tmp_path / "assumed", "--assume-default-acls")
    assert code == 0, err
    assert ("assumed: AWS's default network ACL (allow all) for 2 subnets without one "
            "(1 default ACLs made)") in out
    assert "have no network ACL" not in out
    code, out, _ = cli("reach", "--data-dir", tmp_path / "assumed", "--from", "eni-0ddddddddddddddd1",
                       "--to", "8.8.8.8:443")
    assert code == 0 and "REACHABLE" in out
