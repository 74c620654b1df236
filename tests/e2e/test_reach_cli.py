"""`openvpc reach`, `openvpc matrix` and `openvpc demo` on real state.

The world is built through boto3 against the session server; the CLI then reads the
server's data directory while it runs (read only). The imported fixture and the demo use
their own data directories and server.
"""

import json
import subprocess

import pytest

from conftest import A, B, BIN, ROOT, Server

PORT = 443


def cli(*args):
    """Runs the openvpc binary; returns (exit status, stdout, stderr)."""
    p = subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def reach(data_dir, src, dst, *extra):
    return cli("reach", "--data-dir", data_dir, "--from", src, "--to", dst, *extra)


def reach_json(data_dir, src, dst, *extra):
    code, out, err = reach(data_dir, src, dst, "--json", *extra)
    assert code in (0, 1), err
    doc = json.loads(out)
    assert code == (0 if doc["reachable"] else 1)
    return doc


def network(ec2, cidr, name):
    """A VPC with one subnet, a security group allowing TCP 443 from 10.0.0.0/8 and an
    instance; returns ids."""
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr.replace(".0.0/16", ".1.0/24"),
                               AvailabilityZone="us-east-1a")["Subnet"]["SubnetId"]
    sg = ec2.create_security_group(VpcId=vpc, GroupName=f"{name}-app",
                                   Description="app")["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": PORT, "ToPort": PORT,
        "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
    inst = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1, SubnetId=subnet,
                             SecurityGroupIds=[sg])["Instances"][0]
    rtb = ec2.describe_route_tables(Filters=[
        {"Name": "vpc-id", "Values": [vpc]},
        {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]["RouteTableId"]
    return {"vpc": vpc, "subnet": subnet, "sg": sg, "rtb": rtb, "instance": inst["InstanceId"],
            "eni": inst["NetworkInterfaces"][0]["NetworkInterfaceId"],
            "ip": inst["PrivateIpAddress"]}


def peered(ec2):
    """A (10.0/16) peered with B (10.1/16), routes both ways."""
    a, b = network(ec2, "10.0.0.0/16", "a"), network(ec2, "10.1.0.0/16", "b")
    pcx = ec2.create_vpc_peering_connection(VpcId=a["vpc"], PeerVpcId=b["vpc"])[
        "VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=pcx)
    ec2.create_route(RouteTableId=a["rtb"], DestinationCidrBlock="10.1.0.0/16",
                     VpcPeeringConnectionId=pcx)
    ec2.create_route(RouteTableId=b["rtb"], DestinationCidrBlock="10.0.0.0/16",
                     VpcPeeringConnectionId=pcx)
    return a, b, pcx


def test_reach_across_a_peering_and_its_blockers(server, ec2):
    a, b, pcx = peered(ec2)
    d = server.data_dir

    doc = reach_json(d, a["instance"], f"{b['eni']}:{PORT}")
    assert doc["verdict"] == "reachable" and doc["codes"] == [] and doc["explanations"] == []
    assert doc["flow"] == {"source": a["instance"], "destination": b["eni"],
                           "protocol": "tcp", "port": PORT}
    kinds = [(h["component"], h["kind"]) for h in doc["forward"]]
    assert kinds[0] == (a["eni"], "network-interface")
    # In order: out of A's interface, through the peering, into B's interface and group.
    order = [kinds.index(k) for k in [(a["sg"], "security-group"), (a["rtb"], "route-table"),
                                      (pcx, "peering-connection"), (b["eni"], "network-interface"),
                                      (b["sg"], "security-group")]]
    assert order == sorted(order)
    assert doc["forward"][0]["header"] == {
        "protocol": "tcp", "src": a["ip"], "dst": b["ip"], "src_port": 49152, "dst_port": PORT,
        "icmp_type": None}
    assert doc["return"][0]["header"]["src"] == b["ip"]
    assert (pcx, "peering-connection") in [(h["component"], h["kind"]) for h in doc["return"]]

    code, out, _ = reach(d, a["eni"], b["ip"], "--port", PORT)
    assert code == 0 and "REACHABLE" in out and pcx in out and "Return path" in out

    # Port 22 is not open on B: its group is named, readable and in JSON.
    doc = reach_json(d, a["eni"], b["eni"], "--port", "22")
    assert doc["verdict"] == "not-reachable" and doc["codes"] == ["ENI_SG_RULES_MISMATCH"]
    [e] = doc["explanations"]
    assert (e["component"], e["direction"]) == (b["sg"], "forward")
    f = e["fields"]
    assert (f["network_interface"], f["security_groups"], f["direction"]) == (
        b["eni"], [b["sg"]], "ingress")
    assert (f["address"], f["header"]["dst_port"], f["vpc"]) == (a["ip"], 22, b["vpc"])
    code, out, _ = reach(d, a["eni"], b["eni"], "--port", "22")
    assert code == 1 and "NOT REACHABLE" in out and "ENI_SG_RULES_MISMATCH" in out
    assert b["sg"] in out and "security group" in out

    # A network ACL on B's subnet denying the reply: the rule number and the return path.
    acl = ec2.create_network_acl(VpcId=b["vpc"])["NetworkAcl"]["NetworkAclId"]
    ec2.create_network_acl_entry(NetworkAclId=acl, RuleNumber=100, Protocol="6", RuleAction="allow",
                                 Egress=False, CidrBlock="10.0.0.0/16",
                                 PortRange={"From": PORT, "To": PORT})
    assoc = ec2.describe_network_acls(Filters=[
        {"Name": "association.subnet-id", "Values": [b["subnet"]]}])["NetworkAcls"][0]
    assoc_id = [x for x in assoc["Associations"] if x["SubnetId"] == b["subnet"]][0][
        "NetworkAclAssociationId"]
    ec2.replace_network_acl_association(AssociationId=assoc_id, NetworkAclId=acl)
    doc = reach_json(d, a["eni"], b["eni"], "--port", str(PORT))
    assert doc["codes"] == ["SUBNET_ACL_RESTRICTION"]
    [e] = doc["explanations"]
    assert (e["component"], e["direction"], e["rule"]) == (acl, "return", "32767")
    f = e["fields"]
    assert (f["acl"], f["acl_rule"], f["direction"]) == (
        acl, {"number": 32767, "egress": True}, "egress")
    assert (f["subnet"], f["address"], f["header"]["src_port"]) == (b["subnet"], a["ip"], PORT)
    code, out, _ = reach(d, a["eni"], b["eni"], "--port", str(PORT))
    assert code == 1 and acl in out and "return path" in out

    # Without B's route back, the reply has no way home.
    ec2.delete_route(RouteTableId=b["rtb"], DestinationCidrBlock="10.0.0.0/16")
    ec2.replace_network_acl_association(
        AssociationId=ec2.describe_network_acls(NetworkAclIds=[acl])["NetworkAcls"][0][
            "Associations"][0]["NetworkAclAssociationId"],
        NetworkAclId=assoc["NetworkAclId"])
    doc = reach_json(d, a["eni"], b["eni"], "--port", str(PORT))
    assert doc["codes"] == ["NO_ROUTE_TO_DESTINATION"]
    assert [(e["component"], e["direction"]) for e in doc["explanations"]] == [(b["rtb"], "return")]
    f = doc["explanations"][0]["fields"]
    assert (f["route_table"], f["subnet"], f["address"]) == (b["rtb"], b["subnet"], a["ip"])


def test_reach_path_options_port_ranges_and_filters(server, ec2):
    """The Network Insights path options on the command line: port ranges searched,
    source/destination addresses, components the path must cross or avoid."""
    a, b, pcx = peered(ec2)
    d = server.data_dir
    ec2.authorize_security_group_ingress(GroupId=b["sg"], IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": 8000, "ToPort": 8010,
        "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])

    doc = reach_json(d, a["eni"], b["eni"], "--port-range", "400-8005")
    assert doc["verdict"] == "reachable"
    assert doc["ports"] == {"destination": [[443, 443], [8000, 8005]], "source": [[49152, 49152]]}
    assert doc["forward"][-1]["header"]["dst_port"] == 443
    code, out, _ = reach(d, a["eni"], b["eni"], "--port-range", "400-8005")
    assert code == 0 and "ports that get through: 443, 8000-8005" in out
    doc = reach_json(d, a["eni"], b["eni"], "--port-range", "20-30")
    assert doc["verdict"] == "not-reachable" and doc["ports"]["destination"] == []
    assert doc["codes"] == ["ENI_SG_RULES_MISMATCH"]

    doc = reach_json(d, a["eni"], b["eni"], "--port", str(PORT), "--source-port", "1024-1030")
    assert doc["ports"]["source"] == [[1024, 1030]]
    assert doc["forward"][0]["header"]["src_port"] == 1024

    # Through the peering: found; avoiding it: not found, and the explanation names it.
    assert reach_json(d, a["eni"], b["eni"], "--port", str(PORT),
                      "--through", pcx)["verdict"] == "reachable"
    doc = reach_json(d, a["eni"], b["eni"], "--port", str(PORT), "--avoid", pcx)
    assert doc["verdict"] == "not-reachable"
    assert pcx in [e["component"] for e in doc["explanations"]]

    # Addresses: the source interface's own address is accepted; another is refused.
    doc = reach_json(d, a["eni"], b["eni"], "--port", str(PORT), "--source-ip", a["ip"],
                     "--destination-ip", b["ip"])
    assert doc["verdict"] == "reachable"
    assert doc["forward"][0]["header"]["src"] == a["ip"]
    assert reach_json(d, a["eni"], b["eni"], "--port", str(PORT),
                      "--source-ip", "10.9.9.9")["verdict"] == "not-reachable"

    for bad in (["--port-range", "90-80"], ["--port-range", "x"],
                ["--port", "80", "--port-range", "80-90"]):
        code, _, err = reach(d, a["eni"], b["eni"], *bad)
        assert code == 2 and err


def test_reach_ip_destinations_icmp_and_missing_endpoints(server, ec2):
    a, b, _ = peered(ec2)
    d = server.data_dir
    # ICMP is not allowed by B's group (TCP 443 only).
    doc = reach_json(d, a["eni"], b["ip"], "--protocol", "icmp")
    assert doc["codes"] == ["ENI_SG_RULES_MISMATCH"]
    assert doc["forward"][0]["header"]["icmp_type"] == 8
    # An address nobody holds in B.
    doc = reach_json(d, a["eni"], f"10.1.1.200:{PORT}")
    assert doc["codes"] == ["VPC_LOCAL_ROUTE_CIDR_RESTRICTION"]
    # A source that does not exist is a verdict, not a usage error.
    doc = reach_json(d, "eni-00000000000000000", b["eni"])
    assert doc["codes"] == ["NO_SOURCE_OR_DESTINATION"]
    assert doc["explanations"][0]["component"] == "eni-00000000000000000"


def test_reach_endpoints(server, ec2):
    """An interface endpoint id leads through its service's load balancer to the provider's
    target; a gateway endpoint is reached through its service's addresses."""
    a = network(ec2, "10.0.0.0/16", "a")
    # Account B serves TCP 443 from an instance behind an NLB in A's zone (by zone id); its
    # VPC overlaps A's.
    pb = server.client(B)
    elb = server.client(B, service="elbv2")
    az_id = ec2.describe_subnets(SubnetIds=[a["subnet"]])["Subnets"][0]["AvailabilityZoneId"]
    pvpc = pb.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    psub = pb.create_subnet(VpcId=pvpc, CidrBlock="10.0.1.0/24", AvailabilityZoneId=az_id)[
        "Subnet"]["SubnetId"]
    psg = pb.create_security_group(VpcId=pvpc, GroupName="svc", Description="svc")["GroupId"]
    pb.authorize_security_group_ingress(GroupId=psg, IpPermissions=[{
        "IpProtocol": "tcp", "FromPort": PORT, "ToPort": PORT,
        "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
    target = pb.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1, SubnetId=psub,
                              SecurityGroupIds=[psg])["Instances"][0]
    tg = elb.create_target_group(Name="svc", Protocol="TCP", Port=PORT, VpcId=pvpc)[
        "TargetGroups"][0]["TargetGroupArn"]
    elb.register_targets(TargetGroupArn=tg, Targets=[{"Id": target["InstanceId"]}])
    nlb = elb.create_load_balancer(Name="svc", Type="network", Scheme="internal",
                                   Subnets=[psub])["LoadBalancers"][0]["LoadBalancerArn"]
    elb.create_listener(LoadBalancerArn=nlb, Protocol="TCP", Port=PORT,
                        DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
    svc = pb.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[nlb], AcceptanceRequired=False)["ServiceConfiguration"]
    pb.modify_vpc_endpoint_service_permissions(
        ServiceId=svc["ServiceId"], AddAllowedPrincipals=[f"arn:aws:iam::{A}:root"])
    vpce = ec2.create_vpc_endpoint(VpcEndpointType="Interface", VpcId=a["vpc"],
                                   ServiceName=svc["ServiceName"], SubnetIds=[a["subnet"]],
                                   SecurityGroupIds=[a["sg"]])["VpcEndpoint"]["VpcEndpointId"]
    eni = ec2.describe_vpc_endpoints(VpcEndpointIds=[vpce])["VpcEndpoints"][0][
        "NetworkInterfaceIds"][0]
    d = server.data_dir

    doc = reach_json(d, a["instance"], f"{vpce}:443")
    assert doc["verdict"] == "reachable" and doc["flow"]["destination"] == vpce
    kinds = [(h["component"], h["kind"]) for h in doc["forward"]]
    for k in [(eni, "interface-endpoint"), (svc["ServiceId"], "endpoint-service"),
              (nlb, "load-balancer"), (tg, "target-group"),
              (target["NetworkInterfaces"][0]["NetworkInterfaceId"], "network-interface")]:
        assert k in kinds, k
    assert doc["forward"][-1]["header"]["dst"] == target["PrivateIpAddress"]
    # The load balancer's hop names the listener, target group and target it applied.
    listener = elb.describe_listeners(LoadBalancerArn=nlb)["Listeners"][0]["ListenerArn"]
    [applied] = [h["applied"] for h in doc["forward"] if h["kind"] == "load-balancer"]
    assert applied["listener"] == {"arn": listener, "port": PORT, "protocol": "TCP"}
    assert applied["target_group"] == tg
    assert (applied["target"]["id"], applied["target"]["port"]) == (target["InstanceId"], PORT)
    assert applied["target"]["address"] == target["PrivateIpAddress"]
    code, out, _ = reach(d, a["instance"], f"{vpce}:443")
    assert code == 0 and "load balancer" in out and "target group" in out and svc["ServiceId"] in out
    assert f"-> target {target['InstanceId']}:{PORT}" in out
    # Port 22: A's group on the endpoint does not admit it.
    doc = reach_json(d, a["instance"], vpce, "--port", "22")
    assert "ENI_SG_RULES_MISMATCH" in doc["codes"]
    assert a["sg"] in [e["component"] for e in doc["explanations"]]
    # An endpoint that does not exist is named as missing.
    assert reach_json(d, a["instance"], "vpce-00000000000000000:443")["codes"] == [
        "NO_SOURCE_OR_DESTINATION"]

    # S3 through a gateway endpoint on A's table: TCP yes, UDP no.
    s3 = ec2.describe_prefix_lists(Filters=[
        {"Name": "prefix-list-name", "Values": ["com.amazonaws.us-east-1.s3"]}])["PrefixLists"][0]
    addr = s3["Cidrs"][0].split("/")[0].rsplit(".", 1)[0] + ".1"
    assert reach_json(d, a["instance"], f"{addr}:443")["codes"] == ["NO_ROUTE_TO_DESTINATION"]
    gw = ec2.create_vpc_endpoint(VpcEndpointType="Gateway", VpcId=a["vpc"],
                                 ServiceName="com.amazonaws.us-east-1.s3",
                                 RouteTableIds=[a["rtb"]])["VpcEndpoint"]["VpcEndpointId"]
    doc = reach_json(d, a["instance"], f"{addr}:443")
    assert doc["verdict"] == "reachable"
    assert (gw, "gateway-endpoint") in [(h["component"], h["kind"]) for h in doc["forward"]]
    doc = reach_json(d, a["instance"], f"{addr}:53", "--protocol", "udp")
    assert doc["codes"] == ["VPCE_GATEWAY_PROTOCOL_RESTRICTION"]
    assert doc["explanations"][0]["rule"] == f"{s3['PrefixListId']} ({s3['Cidrs'][0]}) -> {gw}"
    # A gateway endpoint has no address of its own: not a destination, and the decision says so.
    doc = reach_json(d, a["instance"], f"{gw}:443")
    assert doc["verdict"] == "not-reachable"
    assert [e["component"] for e in doc["explanations"]] == [gw]


def test_usage_errors_exit_2(server, ec2, tmp_path):
    a, b, _ = peered(ec2)
    d = server.data_dir
    for args in [
        ("--from", a["eni"], "--to", "nonsense"),
        ("--from", "10.0.0.1", "--to", b["eni"]),
        ("--from", a["eni"], "--to", f"{b['eni']}:443", "--port", "22"),
        ("--from", a["eni"], "--to", b["eni"], "--protocol", "sctp"),
        ("--from", a["eni"]),
    ]:
        code, out, err = cli("reach", "--data-dir", d, *args)
        assert code == 2 and out == "", (args, err)
    code, _, err = cli("reach", "--data-dir", tmp_path / "none", "--from", a["eni"], "--to", b["eni"])
    assert code == 2 and "no openvpc state" in err
    assert not (tmp_path / "none").exists()
    code, _, err = cli("matrix", "--data-dir", d, "--vpc", "vpc-00000000000000000")
    assert code == 2 and "no such VPC" in err


def test_matrix(server, ec2):
    a, b, pcx = peered(ec2)
    c = network(ec2, "10.2.0.0/16", "c")
    ac = ec2.create_vpc_peering_connection(VpcId=a["vpc"], PeerVpcId=c["vpc"])[
        "VpcPeeringConnection"]["VpcPeeringConnectionId"]
    ec2.accept_vpc_peering_connection(VpcPeeringConnectionId=ac)
    ec2.create_route(RouteTableId=a["rtb"], DestinationCidrBlock="10.2.0.0/16",
                     VpcPeeringConnectionId=ac)
    ec2.create_route(RouteTableId=c["rtb"], DestinationCidrBlock="10.0.0.0/16",
                     VpcPeeringConnectionId=ac)
    ec2.create_route(RouteTableId=b["rtb"], DestinationCidrBlock="10.2.0.0/16",
                     VpcPeeringConnectionId=pcx)
    # A second interface in A's subnet, in A's default group (which admits only itself).
    default_sg = ec2.describe_security_groups(Filters=[
        {"Name": "vpc-id", "Values": [a["vpc"]]},
        {"Name": "group-name", "Values": ["default"]}])["SecurityGroups"][0]["GroupId"]
    extra = ec2.create_network_interface(SubnetId=a["subnet"], Groups=[default_sg])[
        "NetworkInterface"]["NetworkInterfaceId"]

    vpcs = [x for v in (a, b, c) for x in ("--vpc", v["vpc"])]
    code, out, err = cli("matrix", "--data-dir", server.data_dir, *vpcs, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["protocol"] == "tcp" and doc["port"] == 443 and doc["sampling"] == "every-interface"
    assert [s["id"] for s in doc["subnets"]] == [a["subnet"], b["subnet"], c["subnet"]]
    assert doc["subnets"][0]["interfaces"] == sorted([a["eni"], extra])
    pairs = {(p["from"], p["to"]): p for p in doc["pairs"]}
    assert len(pairs) == 9

    def cell(x, y):
        return pairs[(x["subnet"], y["subnet"])]

    assert cell(a, b)["verdict"] == "reachable" and cell(a, b)["flows"] == 2
    assert cell(b, a)["verdict"] == "partial" and cell(b, a)["reachable_flows"] == 1
    assert cell(b, a)["codes"] == ["ENI_SG_RULES_MISMATCH"]
    assert cell(b, a)["blockers"][0]["component"] == default_sg
    assert cell(b, c)["verdict"] == "not-reachable"
    assert cell(b, c)["codes"] == ["PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"]
    assert cell(b, c)["blockers"][0]["component"] == pcx
    assert cell(c, b)["codes"] == ["NO_ROUTE_TO_DESTINATION"]
    assert cell(b, b)["verdict"] == "no-flow" and cell(b, b)["flows"] == 0
    flows = {(f["source"], f["destination"]): f for f in cell(a, a)["interfaces"]}
    assert set(flows) == {(a["eni"], extra), (extra, a["eni"])}

    code, out, _ = cli("matrix", "--data-dir", server.data_dir, *vpcs)
    assert code == 0
    assert "✓" in out and "✗" in out and "◐" in out
    assert f"S2 -> S3  ({b['subnet']} -> {c['subnet']})" in out
    assert "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR" in out and pcx in out
    assert f"--from {b['eni']} --to {c['eni']}" in out

    # A representative per subnet when the budget is small.
    code, out, _ = cli("matrix", "--data-dir", server.data_dir, *vpcs, "--json", "--max-flows", "5")
    doc = json.loads(out)
    assert doc["sampling"] == "representative"
    assert all(p["flows"] <= 1 for p in doc["pairs"])


def test_imported_fixture(tmp_path):
    """eni-…a1 (account 1111, 10.0.1.10) to eni-…b1 (account 2222, 10.1.1.20) over the
    active peering pcx-…a1, TCP 443.

    A's side lets it out: its `web` group allows all egress, its route table sends
    10.1.0.0/16 to the peering, its ACL allows all outbound. B's side was exported with
    only VPCs, subnets and interfaces: its interface lists no security group, its subnet
    no ACL and no route table — data absent from the import, as a cross-account analysis
    cannot see them. They are unknown (UNKNOWN_RESOURCE, exit 3), never misconfigurations.
    """
    data = tmp_path / "data"
    code, out, err = cli("import", ROOT / "tests" / "fixtures" / "import", "--data-dir", data)
    assert code == 0, err
    src, dst = "eni-0aaaaaaaaaaaaaaa1", "eni-0bbbbbbbbbbbbbbb1"
    code, out, err = reach(data, src, f"{dst}:443", "--json")
    assert code == 3, err
    doc = json.loads(out)
    assert doc["verdict"] == "unknown" and not doc["reachable"]
    subnet = "subnet-0bbbbbbbbbbbbbbb1"
    assert [(e["code"], e["component"], e["direction"]) for e in doc["explanations"]] == [
        ("UNKNOWN_RESOURCE", subnet, "forward"),
        ("UNKNOWN_RESOURCE", dst, "forward"),
        ("UNKNOWN_RESOURCE", subnet, "return"),
        ("UNKNOWN_RESOURCE", subnet, "return"),
    ]
    assert doc["unknown_components"] == [subnet, dst]
    messages = " ".join(e["message"] for e in doc["explanations"])
    assert "not imported" in messages and "attach" not in messages
    assert [h["component"] for h in doc["forward"]] == [
        src, "sg-0aaaaaaaaaaaaaaa2", "rtb-0aaaaaaaaaaaaaaa1", "acl-0aaaaaaaaaaaaaaa1",
        "pcx-0aaaaaaaaaaaaaaa1", dst]
    assert doc["forward"][-1]["header"]["dst"] == "10.1.1.20"
    code, out, _ = reach(data, src, f"{dst}:443")
    assert code == 3
    assert out.splitlines()[1].startswith("UNKNOWN") and subnet in out

    # The instance id stands for its primary interface.
    assert reach_json_any(data, "i-0aaaaaaaaaaaaaaa1", f"{dst}:443")["codes"] == [
        "UNKNOWN_RESOURCE"]

    code, out, _ = cli("matrix", "--data-dir", data, "--json")
    doc = json.loads(out)
    assert [p["verdict"] for p in doc["pairs"]] == ["no-flow", "unknown", "unknown", "no-flow"]


def reach_json_any(data_dir, src, dst, *extra):
    """`reach --json` whatever the verdict; the exit status matches it."""
    code, out, err = reach(data_dir, src, dst, "--json", *extra)
    doc = json.loads(out)
    assert code == {"reachable": 0, "not-reachable": 1, "unknown": 3}[doc["verdict"]], err
    return doc


@pytest.fixture(scope="module")
def open_server():
    """A server without --credentials, as `openvpc demo` needs."""
    s = Server(credentials=False)
    yield s
    s.close()


def test_demo(open_server):
    code, out, err = cli("demo", "--endpoint", open_server.endpoint,
                         "--data-dir", open_server.data_dir, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["unexpected"] == 0
    verdicts = {c["name"]: (c["verdict"], c["codes"]) for c in doc["checks"]}
    assert verdicts["A -> B"] == ("reachable", [])
    assert verdicts["B -> A"] == ("reachable", [])
    assert verdicts["A -> C"] == ("reachable", [])
    assert verdicts["C -> A"] == ("reachable", [])
    assert verdicts["B -> C (through A)"] == ("not-reachable", ["PCX_REQUIRES_ADDRESS_IN_VPC_CIDR"])
    assert verdicts["C -> B"] == ("not-reachable", ["NO_ROUTE_TO_DESTINATION"])
    ids = {k: v["subnet"] for k, v in doc["vpcs"].items()}
    pairs = {(p["from"], p["to"]): p["verdict"] for p in doc["matrix"]["pairs"]}
    assert pairs[(ids["A"], ids["B"])] == "reachable"
    assert pairs[(ids["B"], ids["C"])] == "not-reachable"
    # PrivateLink and the S3 gateway endpoint are built.
    for part in ("privatelink", "s3_gateway_endpoint"):
        assert doc[part]["status"] == "built", doc[part]
    assert verdicts["A -> service via endpoint"] == ("reachable", [])
    assert verdicts["B -> service via A's endpoint"] == ("reachable", [])
    assert [v for k, v in verdicts.items() if k.startswith("A -> S3")] == [("reachable", [])]

    # The narrative, a second world beside the first, and the matrix without a data dir.
    code, out, err = cli("demo", "--endpoint", open_server.endpoint,
                         "--data-dir", open_server.data_dir)
    assert code == 0, err
    assert "B -> C (through A)" in out and "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR" in out
    assert "from\\to" in out and "✗" in out
    code, out, err = cli("demo", "--endpoint", open_server.endpoint)
    assert code == 0, err
    assert "openvpc matrix --data-dir DIR --vpc vpc-" in out


def test_demo_needs_a_server():
    code, _, err = cli("demo", "--endpoint", "http://127.0.0.1:9")
    assert code == 2 and "demo:" in err
    code, _, err = cli("demo", "--endpoint", "https://example.invalid")
    assert code == 2 and "only http://" in err


def test_unknown_component_exits_3_and_protocol_numbers(tmp_path):
    """A path through a transit gateway (not modelled) is unknown, not blocked: exit 3, the
    component named; `matrix` marks such pairs `?`. `--protocol` takes a number."""
    import shutil
    fixture = tmp_path / "import"
    shutil.copytree(ROOT / "tests" / "fixtures" / "import", fixture)
    tables = fixture / "111111111111" / "us-east-1" / "describe-route-tables.json"
    doc = json.loads(tables.read_text())
    tgw = "tgw-0ccccccccccccccc1"
    doc["RouteTables"][0]["Routes"].append({
        "DestinationCidrBlock": "10.9.0.0/16", "TransitGatewayId": tgw,
        "Origin": "CreateRoute", "State": "active"})
    tables.write_text(json.dumps(doc))
    data = tmp_path / "data"
    code, out, err = cli("import", fixture, "--data-dir", data)
    assert code == 0, err
    src = "eni-0aaaaaaaaaaaaaaa1"

    code, out, err = reach(data, src, "10.9.1.1:443")
    assert code == 3, out + err
    assert out.splitlines()[1].startswith("UNKNOWN") and tgw in out
    code, out, _ = reach(data, src, "10.9.1.1:443", "--json")
    assert code == 3
    doc = json.loads(out)
    assert doc["verdict"] == "unknown" and doc["reachable"] is False
    assert doc["unknown_components"] == [tgw]
    assert doc["codes"] == ["UNSUPPORTED_COMPONENT"]

    # Blocked stays blocked (1), reachable 0, and a protocol number is a protocol.
    code, out, _ = reach(data, src, "192.168.1.1:443")
    assert code == 1 and "NO_ROUTE_TO_DESTINATION" in out
    code, out, _ = reach(data, src, "10.9.1.1", "--protocol", "50", "--json")
    assert code == 3, out
    assert json.loads(out)["flow"]["protocol"] == "50"
    for bad in ["-1", "esp", "256"]:
        code, _, err = reach(data, src, "10.9.1.1", f"--protocol={bad}")
        assert code == 2 and "protocol" in err, (bad, err)

    # A's route to B through the transit gateway instead: A → B is unknown in the matrix.
    doc = json.loads(tables.read_text())
    routes = doc["RouteTables"][0]["Routes"]
    routes[1] = {"DestinationCidrBlock": "10.1.0.0/16", "TransitGatewayId": tgw,
                 "Origin": "CreateRoute", "State": "active"}
    tables.write_text(json.dumps(doc))
    data2 = tmp_path / "data2"
    code, _, err = cli("import", fixture, "--data-dir", data2)
    assert code == 0, err
    code, out, _ = cli("matrix", "--data-dir", data2, "--json")
    assert code == 0
    verdicts = [p["verdict"] for p in json.loads(out)["pairs"]]
    assert verdicts == ["no-flow", "unknown", "unknown", "no-flow"]
    code, out, _ = cli("matrix", "--data-dir", data2)
    assert "?" in out and "unknown" in out and tgw in out
