#!/usr/bin/env python3
"""PrivateLink at scale over HTTP: endpoint services and endpoints as services grow.

Workload (openvpc only; moto has no cross-account PrivateLink discovery to compare with):
a provider account publishes endpoint services, each behind its own internal NLB in two
subnets, with a permission (`arn:aws:iam::<acct>:root`) for each of ten consumer accounts;
consumers create five interface endpoints per service, spread over ten VPCs each.
At 100 services / 500 endpoints and at 1,000 services / 5,000 endpoints it times
DescribeVpcEndpointServices (whole catalogue, per returned item; by name) and
DescribeVpcEndpoints (by id; by VPC, per returned item), as one consumer.
Server CPU per request comes from /proc/<pid>/stat (--server-pid).

    privatelink.py --endpoint http://127.0.0.1:4566 --server-pid PID [--json OUT]
"""
import argparse, http.client, json, os, re, time, urllib.parse

TICK_NS = 10**9 // os.sysconf("SC_CLK_TCK")
PROVIDER, CONSUMERS = "900000000000", [f"{910000000000 + i:012d}" for i in range(10)]


def cpu_ns(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * TICK_NS


class Server:
    def __init__(self, endpoint, pid):
        u = urllib.parse.urlsplit(endpoint)
        self.conn, self.pid = http.client.HTTPConnection(u.hostname, u.port, timeout=120), pid

    def call(self, account, params, service="ec2"):
        """One request as `account`; returns (body, seconds). Fails loudly on an error."""
        version = "2015-12-01" if service == "elasticloadbalancing" else "2016-11-15"
        headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                   "Authorization": f"AWS4-HMAC-SHA256 Credential={account}/20260101/us-east-1/"
                                    f"{service}/aws4_request, SignedHeaders=host, Signature=0"}
        body = urllib.parse.urlencode([("Version", version), *params])
        t0 = time.perf_counter()
        self.conn.request("POST", "/", body, headers)
        resp = self.conn.getresponse()
        text = resp.read().decode()
        took = time.perf_counter() - t0
        if resp.status != 200:
            raise SystemExit(f"{params[0][1]} as {account}: HTTP {resp.status}: {text[:300]}")
        return text, took


def first(text, tag):
    return re.search(rf"<{tag}>([^<]*)</{tag}>", text).group(1)


def measure(s, label, account, requests, count_tag=None):
    lat, items, c0 = [], 0, cpu_ns(s.pid)
    for params in requests:
        text, took = s.call(account, params)
        lat.append(took)
        if count_tag:
            items = text.count(f"<{count_tag}>")
    cpu = (cpu_ns(s.pid) - c0) / len(requests) / 1000
    lat.sort()
    p50, p99 = lat[len(lat) // 2] * 1e6, lat[int(len(lat) * 0.99)] * 1e6
    row = {"request": label, "n": len(requests), "p50_us": round(p50, 1), "p99_us": round(p99, 1),
           "srv_cpu_us_per_req": round(cpu, 1)}
    if items:
        row.update(items=items, p50_us_per_item=round(p50 / items, 2))
    return row


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--endpoint", default="http://127.0.0.1:4566")
    ap.add_argument("--server-pid", type=int, required=True)
    ap.add_argument("--json")
    a = ap.parse_args()
    s = Server(a.endpoint, a.server_pid)
    ec2 = lambda acct, action, *p: s.call(acct, [("Action", action), *p])[0]
    vpc = first(ec2(PROVIDER, "CreateVpc", ("CidrBlock", "10.0.0.0/16")), "vpcId")
    subnets, zone_ids = [], []
    for i, az in enumerate(["us-east-1a", "us-east-1b"]):
        t = ec2(PROVIDER, "CreateSubnet", ("VpcId", vpc), ("CidrBlock", f"10.0.{i * 16}.0/20"),
                ("AvailabilityZone", az))
        subnets.append(first(t, "subnetId"))
        zone_ids.append(first(t, "availabilityZoneId"))
    consumer_vpcs = []
    for acct in CONSUMERS:
        for v in range(10):
            cv = first(ec2(acct, "CreateVpc", ("CidrBlock", f"10.{v}.0.0/16")), "vpcId")
            cs = first(ec2(acct, "CreateSubnet", ("VpcId", cv), ("CidrBlock", f"10.{v}.0.0/20"),
                           ("AvailabilityZoneId", zone_ids[0])), "subnetId")
            consumer_vpcs.append((acct, cv, cs))
    services, endpoints, rows = [], [], []
    for total in (100, 1000):
        t0, c0 = time.perf_counter(), cpu_ns(s.pid)
        while len(services) < total:
            i = len(services)
            lb = s.call(PROVIDER, [("Action", "CreateLoadBalancer"), ("Name", f"svc-{i}"),
                                   ("Type", "network"), ("Scheme", "internal"),
                                   ("Subnets.member.1", subnets[0]), ("Subnets.member.2", subnets[1])],
                        service="elasticloadbalancing")[0]
            t = ec2(PROVIDER, "CreateVpcEndpointServiceConfiguration",
                    ("NetworkLoadBalancerArn.1", first(lb, "LoadBalancerArn")), ("AcceptanceRequired", "false"))
            sid, name = first(t, "serviceId"), first(t, "serviceName")
            ec2(PROVIDER, "ModifyVpcEndpointServicePermissions", ("ServiceId", sid),
                *[(f"AddAllowedPrincipals.{k + 1}", f"arn:aws:iam::{c}:root") for k, c in enumerate(CONSUMERS)])
            for e in range(5):
                acct, cv, cs = consumer_vpcs[(i * 5 + e) % len(consumer_vpcs)]
                t = ec2(acct, "CreateVpcEndpoint", ("VpcEndpointType", "Interface"), ("VpcId", cv),
                        ("ServiceName", name), ("SubnetId.1", cs))
                endpoints.append((acct, cv, first(t, "vpcEndpointId")))
            services.append(name)
        built = {"request": f"publish to {total} services (NLB + service + permissions + 5 endpoints each)",
                 "seconds": round(time.perf_counter() - t0, 1),
                 "srv_cpu_ms": round((cpu_ns(s.pid) - c0) / 1e6)}
        who = CONSUMERS[3]
        mine = [e for e in endpoints if e[0] == who]
        scale = {"services": len(services), "endpoints": len(endpoints)}
        for row in [
            built,
            measure(s, "DescribeVpcEndpointServices (catalogue)", who,
                    [[("Action", "DescribeVpcEndpointServices")]] * 100, "serviceType"),
            measure(s, "DescribeVpcEndpointServices (by name)", who,
                    [[("Action", "DescribeVpcEndpointServices"), ("ServiceName.1", services[(i * 37) % len(services)])]
                     for i in range(2000)]),
            measure(s, "DescribeVpcEndpoints (by id)", who,
                    [[("Action", "DescribeVpcEndpoints"), ("VpcEndpointId.1", mine[(i * 13) % len(mine)][2])]
                     for i in range(2000)]),
            measure(s, "DescribeVpcEndpoints (by vpc-id)", who,
                    [[("Action", "DescribeVpcEndpoints"), ("Filter.1.Name", "vpc-id"), ("Filter.1.Value.1", mine[0][1])]] * 300,
                    "vpcEndpointId"),
        ]:
            row.update(scale)
            rows.append(row)
            print(json.dumps(row))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(rows, f, indent=1)


if __name__ == "__main__":
    main()
