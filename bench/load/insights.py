#!/usr/bin/env python3
"""Network Insights over HTTP on a large imported world, and what other clients wait meanwhile.

  1. `openvpc import DIR --data-dir D` (DIR written by `reach-bench --tier L --write-import`);
  2. `openvpc serve --data-dir D`: time until /_openvpc/health answers, the server's memory;
  3. one CreateNetworkInsightsPath per sampled pair of interfaces (same VPC, TCP 443), as the
     account that owns them; one warm-up analysis;
  4. baseline: another client (another account) alone, DescribeVpcs VpcId.1=<random> in a loop;
  5. under analyses: `--analysts` clients each run StartNetworkInsightsAnalysis over the paths
     in a closed loop while the other client goes on with DescribeVpcs;
  6. the server's peak and current resident memory (VmHWM / VmRSS).

Latency is client side (request sent -> response read), one keep-alive connection per client.
Every analysis response must carry a networkInsightsAnalysisId and every DescribeVpcs the
asked VPC; anything else is an error (counted and fatal to the exit status).

Usage: insights.py --openvpc target/release/openvpc --import-dir /tmp/reach-l --out r.json
"""
import argparse, http.client, json, os, random, re, shutil, subprocess, sys, tempfile, threading
import time, urllib.parse

VERSION = "2016-11-15"
AUTH = ("AWS4-HMAC-SHA256 Credential={}/20260101/us-east-1/ec2/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0000")
RX = {k: re.compile(rf"<{k}>([^<]*)</{k}>")
      for k in ("vpcId", "networkInsightsPathId", "networkInsightsAnalysisId", "Code")}


class Client:
    """One keep-alive connection calling as `account` (the 12-digit key id names it)."""

    def __init__(self, port, account):
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = {"Content-Type": "application/x-www-form-urlencoded",
                        "Authorization": AUTH.format(account)}

    def call(self, action, **params):
        body = urllib.parse.urlencode({"Action": action, "Version": VERSION, **params})
        t = time.perf_counter_ns()
        self.conn.request("POST", "/", body, self.headers)
        resp = self.conn.getresponse()
        text = resp.read().decode()
        return resp.status, text, time.perf_counter_ns() - t


def pct(xs, q):
    xs = sorted(xs)
    return xs[max(0, -(-len(xs) * q // 100) - 1)] / 1e6 if xs else None


def summary(lat, errors):
    return {"requests": len(lat), "errors": errors, "p50_ms": pct(lat, 50),
            "p99_ms": pct(lat, 99), "max_ms": max(lat) / 1e6 if lat else None}


def memory(pid):
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f)
    return {k: int(fields[k].split()[0]) // 1024 for k in ("VmHWM", "VmRSS")}


def load(path, key):
    with open(path) as f:
        return json.load(f)[key]


def accounts(import_dir):
    """(account, region dir) of every account directory, in order."""
    out = []
    for acct in sorted(os.listdir(import_dir)):
        for region in sorted(os.listdir(os.path.join(import_dir, acct))):
            out.append((acct, os.path.join(import_dir, acct, region)))
    return out


def pairs(region_dir, n, rng):
    """`n` pairs of interfaces in one VPC, from the account's interface file."""
    by_vpc = {}
    for e in load(os.path.join(region_dir, "NetworkInterfaces.json"), "NetworkInterfaces"):
        if e.get("InterfaceType", "interface") == "interface":
            by_vpc.setdefault(e["VpcId"], []).append(e["NetworkInterfaceId"])
    vpcs = [v for v in by_vpc.values() if len(v) >= 2]
    return [tuple(rng.sample(rng.choice(vpcs), 2)) for _ in range(n)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--openvpc", default="target/release/openvpc")
    ap.add_argument("--import-dir", required=True)
    ap.add_argument("--port", type=int, default=18490)
    ap.add_argument("--paths", type=int, default=50)
    ap.add_argument("--analyses", type=int, default=400, help="per analyst client")
    ap.add_argument("--analysts", type=int, default=2)
    ap.add_argument("--baseline-s", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--durability", default="full", choices=["full", "batched"])
    ap.add_argument("--out")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    data = tempfile.mkdtemp(prefix="openvpc-insights-")
    server = None
    result = {}
    try:
        t = time.perf_counter()
        subprocess.run([args.openvpc, "import", args.import_dir, "--data-dir", data], check=True,
                       stdout=subprocess.DEVNULL)
        result["import_s"] = time.perf_counter() - t
        result["durability"] = args.durability
        t = time.perf_counter()
        server = subprocess.Popen([args.openvpc, "serve", "--listen", f"127.0.0.1:{args.port}",
                                   "--data-dir", data, "--durability", args.durability], stdout=subprocess.DEVNULL,
                                  stderr=subprocess.DEVNULL)
        while True:
            if server.poll() is not None:
                sys.exit("the server exited")
            try:
                c = http.client.HTTPConnection("127.0.0.1", args.port, timeout=1)
                c.request("GET", "/_openvpc/health")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        result["start_s"] = time.perf_counter() - t
        result["memory_after_start_mib"] = memory(server.pid)

        accts = accounts(args.import_dir)
        (owner, region_dir), (other, other_dir) = accts[0], accts[-1]
        other_vpcs = [v["VpcId"] for v in load(os.path.join(other_dir, "Vpcs.json"), "Vpcs")]
        analyst = Client(args.port, owner)
        paths = []
        for src, dst in pairs(region_dir, args.paths, rng):
            status, text, _ = analyst.call("CreateNetworkInsightsPath", Source=src,
                                           Destination=dst, Protocol="tcp",
                                           DestinationPort="443")
            assert status == 200, text
            paths.append(RX["networkInsightsPathId"].search(text).group(1))
        reader = Client(args.port, other)

        def describe_vpcs():
            vpc = rng.choice(other_vpcs)
            status, text, ns = reader.call("DescribeVpcs", **{"VpcId.1": vpc})
            ok = status == 200 and RX["vpcId"].search(text).group(1) == vpc
            return ok, ns

        def analyse(client, path):
            status, text, ns = client.call("StartNetworkInsightsAnalysis",
                                           NetworkInsightsPathId=path)
            return status == 200 and RX["networkInsightsAnalysisId"].search(text), ns

        # Warm-up: the reader's scope and one analysis (the view compiles once if stale).
        describe_vpcs()
        analyse(analyst, paths[0])

        lat, errors, end = [], 0, time.perf_counter() + args.baseline_s
        while time.perf_counter() < end:
            ok, ns = describe_vpcs()
            lat.append(ns)
            errors += not ok
        result["describe_vpcs_alone"] = summary(lat, errors)

        done = threading.Event()
        analyses = [([], [0]) for _ in range(args.analysts)]

        def run_analyst(i):
            client = Client(args.port, owner)
            lat, errors = analyses[i]
            for k in range(args.analyses):
                ok, ns = analyse(client, paths[(k + i) % len(paths)])
                lat.append(ns)
                errors[0] += not ok

        threads = [threading.Thread(target=run_analyst, args=(i,)) for i in range(args.analysts)]
        t = time.perf_counter()
        for th in threads:
            th.start()
        lat, errors = [], 0

        def run_reader():
            nonlocal errors
            while not done.is_set():
                ok, ns = describe_vpcs()
                lat.append(ns)
                errors += not ok

        reader_thread = threading.Thread(target=run_reader)
        reader_thread.start()
        for th in threads:
            th.join()
        wall = time.perf_counter() - t
        done.set()
        reader_thread.join()
        all_lat = [x for lats, _ in analyses for x in lats]
        result["analyses"] = summary(all_lat, sum(e[0] for _, e in analyses))
        result["analyses"]["per_s"] = len(all_lat) / wall
        result["describe_vpcs_during_analyses"] = summary(lat, errors)
        result["memory_end_mib"] = memory(server.pid)
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        shutil.rmtree(data, ignore_errors=True)
    print(json.dumps(result, indent=1))
    if args.out:
        with open(args.out, "w") as f:
            json.dump(result, f, indent=1)
    failed = result["analyses"]["errors"] + result["describe_vpcs_during_analyses"]["errors"] + \
        result["describe_vpcs_alone"]["errors"]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
