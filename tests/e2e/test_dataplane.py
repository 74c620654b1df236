"""The Linux data plane end to end: `openvpc serve --dataplane linux` realises what boto3
creates, `openvpc exec` runs real programs in instances, PostgreSQL in an "RDS" interface of
VPC B answers psql from VPC A across a peering and refuses VPC C, `openvpc reach` agrees,
and stopping the server leaves no namespace behind. Needs root, ip and nft (skips
otherwise)."""

import glob
import json
import os
import shutil
import subprocess
import time
import urllib.request

import pytest

from conftest import A, B, BIN, Server
from scratch import scratch

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("nft") or not shutil.which("ip"),
    reason="the data plane needs root, iproute2 and nftables",
)

OWNER = f"e2e{os.getpid() % 100000}"


def status(server):
    with urllib.request.urlopen(server.endpoint + "/_openvpc/dataplane", timeout=10) as r:
        return json.loads(r.read())


def wait_in_sync(server):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        s = status(server)
        if s["in_sync"]:
            return s
        time.sleep(0.05)  # waiting for the kernel to be programmed, not for model time
    raise AssertionError(f"data plane not in sync: {status(server)}")


def exec_(server, target, *cmd, **kw):
    return subprocess.run([str(BIN), "exec", "--endpoint", server.endpoint, target, "--", *cmd],
                          capture_output=True, text=True, timeout=60, **kw)


def own_namespaces():
    out = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    return [l for l in out.splitlines() if l.startswith(f"ovpc-{OWNER}-")]


@pytest.fixture(scope="module")
def dp():
    s = Server("--dataplane", "linux", "--dataplane-owner", OWNER)
    yield s
    s.close()
    assert own_namespaces() == [], "namespaces left behind"


def net(ec2, cidr):
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr.replace(".0.0/16", ".1.0/24"))["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(VpcId=vpc, GroupName="app", Description="app")["GroupId"]
    rtb = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]["RouteTableId"]
    return {"vpc": vpc, "subnet": subnet, "sg": sg, "rtb": rtb, "cidr": cidr}


def peer(server, ec2_a, ec2_b, a, b, owner_b):
    pcx = ec2_a.create_vpc_peering_connection(VpcId=a["vpc"], PeerVpcId=b["vpc"], PeerOwnerId=owner_b)[
        "VpcPeeringConnection"]["VpcPeeringConnectionId"]
    server.advance(5)
    ec2_b.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    server.advance(5)
    ec2_a.create_route(RouteTableId=a["rtb"], DestinationCidrBlock=b["cidr"], VpcPeeringConnectionId=pcx)
    ec2_b.create_route(RouteTableId=b["rtb"], DestinationCidrBlock=a["cidr"], VpcPeeringConnectionId=pcx)
    return pcx


def instance(ec2, n):
    i = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", InstanceType="t3.micro", MinCount=1, MaxCount=1,
                          SubnetId=n["subnet"], SecurityGroupIds=[n["sg"]])["Instances"][0]
    return i["InstanceId"]


def test_psql_across_a_peering_and_exec(dp):
    ec2_a, ec2_b = dp.client(A), dp.client(B)
    a, c = net(ec2_a, "10.0.0.0/16"), net(ec2_a, "10.2.0.0/16")
    b = net(ec2_b, "10.1.0.0/16")
    peer(dp, ec2_a, ec2_b, a, b, B)
    peer(dp, ec2_a, ec2_b, c, b, B)
    # The database accepts PostgreSQL from VPC A only.
    ec2_b.authorize_security_group_ingress(GroupId=b["sg"], IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [{"CidrIp": a["cidr"]}]}])
    rds = ec2_b.create_network_interface(SubnetId=b["subnet"], Groups=[b["sg"]], Description="RDS",
                                         PrivateIpAddress="10.1.1.50")["NetworkInterface"]["NetworkInterfaceId"]
    ia, ic = instance(ec2_a, a), instance(ec2_a, c)
    dp.advance(120)
    s = wait_in_sync(dp)
    assert s["counts"]["interfaces"] >= 3 and s["counts"]["peerings"] == 2
    assert ia in s["targets"] and rds in s["targets"]

    # exec: exit status, streams, environment and resolv.conf pass through.
    r = exec_(dp, ia, "sh", "-c", "echo out; echo err >&2; cat /etc/resolv.conf; echo $GREETING; exit 3",
              env=dict(os.environ, GREETING="hi"))
    assert r.returncode == 3, r.stderr
    assert r.stdout.splitlines()[0] == "out" and "err" in r.stderr
    assert "nameserver 10.0.0.2" in r.stdout and r.stdout.strip().endswith("hi")

    binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    if not binaries:
        pytest.skip("PostgreSQL is not installed")
    bindir = os.path.dirname(binaries[-1])
    data = str(scratch("openvpc-rds-"))  # removed after the test
    shutil.chown(data, "postgres", "postgres")
    subprocess.run(["runuser", "-u", "postgres", "--", f"{bindir}/initdb", "-D", data, "--auth=trust"],
                   check=True, capture_output=True)
    with open(os.path.join(data, "pg_hba.conf"), "a") as f:
        f.write("host all all 0.0.0.0/0 trust\n")  # the security group decides who gets here
    pg = subprocess.Popen([str(BIN), "exec", "--endpoint", dp.endpoint, rds, "--",
                           "runuser", "-u", "postgres", "--", f"{bindir}/postgres", "-D", data,
                           "-c", "listen_addresses=*", "-k", data],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while exec_(dp, rds, f"{bindir}/pg_isready", "-h", "10.1.1.50").returncode != 0:
            assert time.monotonic() < deadline, "postgres did not start"
            time.sleep(0.1)  # waiting for the server process, not for model time
        ok = exec_(dp, ia, "psql", "-h", "10.1.1.50", "-U", "postgres", "-tAc", "select 'hello from B'")
        assert ok.returncode == 0, ok.stderr
        assert ok.stdout.strip() == "hello from B"
        refused = exec_(dp, ic, "psql", "-h", "10.1.1.50", "-U", "postgres", "-tAc", "select 1")
        assert refused.returncode != 0
        # The engine says the same.
        reach = lambda src: subprocess.run(
            [str(BIN), "reach", "--data-dir", str(dp.data_dir), "--from", src, "--to", "10.1.1.50:5432"],
            capture_output=True, text=True, timeout=60)
        assert reach(ia).returncode == 0
        assert reach(ic).returncode == 1
    finally:
        pg.terminate()
        pg.wait(timeout=10)


def test_a_change_is_realised_and_deleting_a_peering_cuts_it(dp):
    ec2_a = dp.client(A)
    a, b = net(ec2_a, "10.0.0.0/16"), net(ec2_a, "10.1.0.0/16")
    pcx = peer(dp, ec2_a, ec2_a, a, b, A)
    ec2_a.authorize_security_group_ingress(GroupId=b["sg"], IpPermissions=[{
        "IpProtocol": "icmp", "FromPort": -1, "ToPort": -1, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    ia, ib = instance(ec2_a, a), instance(ec2_a, b)
    dp.advance(120)
    wait_in_sync(dp)
    ip_b = ec2_a.describe_instances(InstanceIds=[ib])["Reservations"][0]["Instances"][0]["PrivateIpAddress"]
    assert exec_(dp, ia, "ping", "-c", "1", "-W", "1", ip_b).returncode == 0
    # The VPC resolver (base + 2) answers private hostnames and AWS service names.
    ip_a = ec2_a.describe_instances(InstanceIds=[ia])["Reservations"][0]["Instances"][0]["PrivateIpAddress"]
    name = "ip-" + ip_a.replace(".", "-") + ".ec2.internal"
    r = exec_(dp, ia, "getent", "ahostsv4", name)
    assert r.returncode == 0 and r.stdout.split()[0] == ip_a, r
    r = exec_(dp, ia, "getent", "ahostsv4", "s3.us-east-1.amazonaws.com")
    assert r.returncode == 0 and r.stdout.split()[0] == "52.216.0.1", r
    assert exec_(dp, ia, "getent", "ahostsv4", "example.com").returncode != 0
    ec2_a.delete_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    wait_in_sync(dp)
    assert exec_(dp, ia, "ping", "-c", "1", "-W", "1", ip_b).returncode != 0


def test_exec_refuses_unknown_ids(dp):
    r = exec_(dp, "eni-0000000000000000f", "true")
    assert r.returncode == 2 and "no namespace" in r.stderr


def test_the_outside_internet_gateway_nat_and_s3_gateway_endpoint(dp):
    ec2 = dp.client(A)
    a = net(ec2, "10.0.0.0/16")
    ec2.authorize_security_group_ingress(GroupId=a["sg"], IpPermissions=[{
        "IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=a["vpc"])
    ec2.create_route(RouteTableId=a["rtb"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    public, private = instance(ec2, a), instance(ec2, a)
    eip = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=eip["AllocationId"], InstanceId=public)
    # An S3 gateway endpoint on a second subnet's own table.
    s2 = ec2.create_subnet(VpcId=a["vpc"], CidrBlock="10.0.2.0/24")["Subnet"]["SubnetId"]
    rtb2 = ec2.create_route_table(VpcId=a["vpc"])["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=rtb2, SubnetId=s2)
    ec2.create_vpc_endpoint(VpcEndpointType="Gateway", VpcId=a["vpc"],
                            ServiceName="com.amazonaws.us-east-1.s3", RouteTableIds=[rtb2])
    inner = instance(ec2, {**a, "subnet": s2})
    dp.advance(120)
    wait_in_sync(dp)
    # The internet stand-in sees the Elastic IP; without a public address nothing leaves.
    r = exec_(dp, public, "curl", "-s", "-m", "3", "http://198.51.100.10/")
    assert r.returncode == 0 and r.stdout.strip() == f"internet {eip['PublicIp']}", r
    assert exec_(dp, private, "curl", "-s", "-m", "2", "http://198.51.100.10/").returncode != 0
    # Through the gateway endpoint S3 sees the private address.
    inner_ip = ec2.describe_instances(InstanceIds=[inner])["Reservations"][0]["Instances"][0]["PrivateIpAddress"]
    r = exec_(dp, inner, "curl", "-s", "-m", "3", "http://s3.us-east-1.amazonaws.com/")
    assert r.returncode == 0 and r.stdout.strip() == f"s3 {inner_ip}", r


def test_a_transit_gateway_joins_vpcs_in_the_senders_zone(dp):
    """A transit gateway (a router namespace) joins three VPCs through its default route
    table (propagated routes); a blackhole route cuts one; a sender in a zone where its
    VPC's attachment has no subnet cannot reach the gateway; `openvpc reach` agrees."""
    ec2 = dp.client(A)
    a, b, c = (net(ec2, cidr) for cidr in ("10.20.0.0/16", "10.21.0.0/16", "10.22.0.0/16"))
    for n in (a, b, c):
        ec2.authorize_security_group_ingress(GroupId=n["sg"], IpPermissions=[{
            "IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    zone = ec2.describe_subnets(SubnetIds=[a["subnet"]])["Subnets"][0]["AvailabilityZone"]
    other = next(z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]
                 if z["ZoneName"] != zone)
    elsewhere = ec2.create_subnet(VpcId=a["vpc"], CidrBlock="10.20.2.0/24",
                                  AvailabilityZone=other)["Subnet"]["SubnetId"]
    tgw = ec2.create_transit_gateway(Description="hub")["TransitGateway"]["TransitGatewayId"]
    dp.advance(1)
    for n in (a, b, c):
        ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw, VpcId=n["vpc"], SubnetIds=[n["subnet"]])
    dp.advance(1)
    for n in (a, b, c):
        for o in (a, b, c):
            if o is not n:
                ec2.create_route(RouteTableId=n["rtb"], DestinationCidrBlock=o["cidr"], TransitGatewayId=tgw)
    ia, ib, ic = instance(ec2, a), instance(ec2, b), instance(ec2, c)
    iz = instance(ec2, {**a, "subnet": elsewhere})
    dp.advance(120)
    s = wait_in_sync(dp)
    assert s["counts"]["transit_gateways"] >= 1 and s["counts"]["transit_gateway_attachments"] >= 3
    ip = lambda i: ec2.describe_instances(InstanceIds=[i])["Reservations"][0]["Instances"][0]["PrivateIpAddress"]
    ping = lambda src, dst: exec_(dp, src, "ping", "-c", "1", "-W", "1", ip(dst)).returncode
    assert ping(ia, ib) == 0 and ping(ic, ia) == 0
    # A's attachment has no subnet in the other zone: its instance there cannot use it.
    assert ping(iz, ib) != 0
    reach = lambda src, dst: subprocess.run(
        [str(BIN), "reach", "--data-dir", str(dp.data_dir), "--from", src, "--to", f"{ip(dst)}:22"],
        capture_output=True, text=True, timeout=60).returncode
    assert reach(ia, ib) == 0 and reach(iz, ib) == 1
    # A blackhole route for C in the gateway's table cuts A → C, not A → B.
    table = ec2.describe_transit_gateways(TransitGatewayIds=[tgw])["TransitGateways"][0]["Options"][
        "AssociationDefaultRouteTableId"]
    ec2.create_transit_gateway_route(TransitGatewayRouteTableId=table, DestinationCidrBlock=c["cidr"],
                                     Blackhole=True)
    wait_in_sync(dp)
    assert ping(ia, ic) != 0 and ping(ia, ib) == 0


def test_peered_transit_gateways_across_regions(dp):
    """Two gateways in two Regions peered (an encrypted tunnel between their routers):
    static routes to the peering attachment carry a ping across, and deleting the one
    back stops it."""
    east, west = dp.client(A), dp.client(A, region="us-west-2")
    hubs = []
    for ec2, cidr in ((east, "10.30.0.0/16"), (west, "10.31.0.0/16")):
        n = net(ec2, cidr)
        ec2.authorize_security_group_ingress(GroupId=n["sg"], IpPermissions=[{
            "IpProtocol": "-1", "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
        g = ec2.create_transit_gateway()["TransitGateway"]
        dp.advance(1)
        ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=g["TransitGatewayId"], VpcId=n["vpc"],
                                                  SubnetIds=[n["subnet"]])
        dp.advance(1)
        ec2.create_route(RouteTableId=n["rtb"], DestinationCidrBlock="10.0.0.0/8",
                         TransitGatewayId=g["TransitGatewayId"])
        ami = ec2.describe_images(Owners=["amazon"])["Images"][0]["ImageId"]
        i = ec2.run_instances(ImageId=ami, InstanceType="t3.micro", MinCount=1, MaxCount=1,
                              SubnetId=n["subnet"], SecurityGroupIds=[n["sg"]])["Instances"][0]
        hubs.append((ec2, n, g["TransitGatewayId"], g["Options"]["AssociationDefaultRouteTableId"], i))
    (_, a, tgw_a, rtb_a, ia), (_, b, tgw_b, rtb_b, ib) = hubs
    pid = east.create_transit_gateway_peering_attachment(
        TransitGatewayId=tgw_a, PeerTransitGatewayId=tgw_b, PeerAccountId=A, PeerRegion="us-west-2",
    )["TransitGatewayPeeringAttachment"]["TransitGatewayAttachmentId"]
    dp.advance(1)
    west.accept_transit_gateway_peering_attachment(TransitGatewayAttachmentId=pid)
    dp.advance(1)
    east.create_transit_gateway_route(TransitGatewayRouteTableId=rtb_a, DestinationCidrBlock=b["cidr"],
                                      TransitGatewayAttachmentId=pid)
    west.create_transit_gateway_route(TransitGatewayRouteTableId=rtb_b, DestinationCidrBlock=a["cidr"],
                                      TransitGatewayAttachmentId=pid)
    dp.advance(120)
    s = wait_in_sync(dp)
    assert s["counts"]["transit_gateway_peerings"] >= 1
    ping = lambda: exec_(dp, ia["InstanceId"], "ping", "-c", "3", "-W", "1", ib["PrivateIpAddress"]).returncode
    assert ping() == 0
    west.delete_transit_gateway_route(TransitGatewayRouteTableId=rtb_b, DestinationCidrBlock=a["cidr"])
    wait_in_sync(dp)
    assert ping() != 0
