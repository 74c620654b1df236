#!/usr/bin/env python3
"""HTTP load benchmark for any EC2 Query API endpoint (openvpc, moto, ...).

Workload (N VPCs, P = 2N peerings), all over ONE client connection, closed loop:
  create-vpc           N x CreateVpc 10.{i//256}.{i%256}.0/24
  (setup)              DescribeRouteTables vpc-id=<100 ids> + association.main=true
  create-peering       2N x CreateVpcPeeringConnection for pairs i<->i+1, i<->i+7 (mod N),
  accept-peering            each immediately followed by AcceptVpcPeeringConnection
  create-route              and two CreateRoute (each main route table -> peer cidr via pcx)
  describe-vpcs-by-id  Q x DescribeVpcs VpcId.1=<random vpc>
  describe-pcx-by-vpc  Q x DescribeVpcPeeringConnections, alternating filters
                       requester-vpc-info.vpc-id / accepter-vpc-info.vpc-id = <random vpc>
Before phase 1, --warmup untimed DescribeVpcs. Describe results are checked (right vpc,
right number of peerings); a wrong answer is an error.

Metrics per phase (successful requests only; errors are counted beside them, so a fast
error never passes for a fast success):
  ops/s    successful requests / wall-clock time of the phase. The wall clock is split at
           every phase change (as the server CPU is), so in the interleaved peering loop each
           moment, client time included, counts for exactly one phase
  p50/p99  client-side latency of successful requests in microseconds (request sent -> full
           response read)
  srv us/req  server CPU: utime+stime of --server-pid from /proc/<pid>/stat, sampled each time
           the phase changes, the deltas summed per phase and divided by its request count.
           Resolution is 1 clock tick (10 ms) per sample, so values built from few ticks are
           marked '~' in the table.
  errors   non-200, <Errors> body, transport failure, or wrong describe result (flagged '!').
  retried  Accept attempts answered InvalidStateTransition (then DescribeVpcPeeringConnections
           and retry, bounded by --accept-retries); they count as accept-peering requests.

moto 5.2.1 quirks: without the SigV4-style Authorization header moto routes the POST to S3
(the credential scope picks the service), so a static, unverified header is always sent;
moto (werkzeug) answers every request with Connection: close, so its latencies include a TCP
connect (reported as tcp_connects); moto ignores all filters of DescribeVpcPeeringConnections
and returns every peering, so describe-pcx-by-vpc is flagged wrong-result and is slow (cap it
with --max-read-seconds); moto accepts a peering right away (no initiating-request window).

Usage:  load.py --endpoint http://127.0.0.1:8080 --n 1000 --server-pid PID --out r.json
        load.py --compare openvpc.json moto.json     (ratio table, openvpc / moto)
"""
import argparse, collections, http.client, json, os, random, re, sys, time, urllib.parse
import xml.etree.ElementTree as ET

VERSION = "2016-11-15"
AUTH = ("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/{}/ec2/aws4_request, "
        "SignedHeaders=host;x-amz-date, Signature=0000")
RX = {k: re.compile(rf"<{k}>([^<]*)</{k}>") for k in ("vpcId", "vpcPeeringConnectionId", "Code")}
PHASES = ["create-vpc", "create-peering", "accept-peering", "create-route",
          "describe-vpcs-by-id", "describe-pcx-by-vpc"]
TICK_NS = 10**9 // os.sysconf("SC_CLK_TCK")


def server_cpu_ns(pid):
    """utime+stime of the whole process (exited threads included), in ns."""
    if not pid:
        return 0
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * TICK_NS


class Phase:
    def __init__(self):
        self.lat, self.errors, self.retried, self.cpu_ns, self.wall_ns = [], 0, 0, 0, 0
        self.codes = collections.Counter()

    def fail(self, code):
        self.errors += 1
        self.codes[code] += 1

    def summary(self):
        n, lat = len(self.lat), sorted(self.lat)
        pct = lambda q: lat[max(0, -(-n * q // 100) - 1)] / 1000 if n else None  # nearest rank
        wall = self.wall_ns
        return {"requests": n, "errors": self.errors, "error_codes": dict(self.codes),
                "retried": self.retried, "ops_per_s": n * 1e9 / wall if wall else None,
                "p50_us": pct(50), "p99_us": pct(99),
                "mean_us": sum(lat) / n / 1000 if n else None, "wall_s": wall / 1e9,
                "srv_cpu_us_per_req": self.cpu_ns / n / 1000 if n else None,
                "srv_cpu_ticks": self.cpu_ns // TICK_NS}


class Client:
    def __init__(self, endpoint, region, pid):
        u = urllib.parse.urlsplit(endpoint)
        self.conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=120)
        self.path = u.path or "/"
        self.headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                        "Authorization": AUTH.format(region), "X-Amz-Date": "20260101T000000Z"}
        self.pid, self.phases, self.cur, self.mark, self.connects = pid, {}, None, 0, 0
        self.wall_mark = 0

    def switch(self, name):
        """Attribute server CPU and wall time since the last phase change to the current
        phase."""
        if name == self.cur:
            return
        now, wall = server_cpu_ns(self.pid), time.perf_counter_ns()
        if self.cur:
            self.phases[self.cur].cpu_ns += now - self.mark
            self.phases[self.cur].wall_ns += wall - self.wall_mark
        self.cur, self.mark, self.wall_mark = name, now, wall
        self.phases.setdefault(name, Phase())

    def call(self, phase, action, params=(), tolerate=()):
        """One request; returns the body text, or None on error (counted in the phase).
        Error codes in `tolerate` are returned as ('retry', code) and counted as retries."""
        self.switch(phase)
        ph = self.phases[phase]
        body = urllib.parse.urlencode([("Action", action), ("Version", VERSION), *params])
        if self.conn.sock is None:
            self.connects += 1          # http.client reconnects by itself (moto closes each time)
        t0 = time.perf_counter_ns()
        try:
            self.conn.request("POST", self.path, body, self.headers)
            resp = self.conn.getresponse()
            status, text = resp.status, resp.read().decode("utf-8", "replace")
        except (OSError, http.client.HTTPException) as e:
            self.conn.close()
            status, text = 0, f"<Code>transport:{type(e).__name__}</Code>"
        elapsed = time.perf_counter_ns() - t0
        if status == 200 and "<Errors>" not in text:
            ph.lat.append(elapsed)
            return text
        m = RX["Code"].search(text)
        code = m.group(1) if m else f"HTTP{status}"
        if code in tolerate:
            ph.retried += 1
            return ("retry", code)
        ph.fail(code)
        return None

    def flush(self):
        self.switch(None)

    def results(self):
        return {k: v.summary() for k, v in self.phases.items() if k}


def main_rtbs(c, vpc_ids):
    """vpc id -> main route table id, 100 vpc ids per DescribeRouteTables (setup, untimed)."""
    out = {}
    for i in range(0, len(vpc_ids), 100):
        batch = vpc_ids[i:i + 100]
        params = [("Filter.1.Name", "vpc-id")] + [(f"Filter.1.Value.{j+1}", v) for j, v in enumerate(batch)]
        params += [("Filter.2.Name", "association.main"), ("Filter.2.Value.1", "true")]
        text = c.call("setup", "DescribeRouteTables", params)
        if text is None:
            continue
        for el in ET.fromstring(text).iter():
            if el.tag.endswith("routeTableSet"):
                for item in el:
                    f = {ch.tag.rsplit("}", 1)[-1]: ch.text for ch in item}
                    out[f.get("vpcId")] = f.get("routeTableId")
    return out


def over_budget(c, phase, q, a, truncated):
    """True once a read phase has run longer than --max-read-seconds (recorded, never silent)."""
    if q == 0:
        c.phase_start = time.monotonic()
    elif a.max_read_seconds and time.monotonic() - c.phase_start > a.max_read_seconds:
        truncated[phase] = f"{q} of {a.queries} requests (--max-read-seconds {a.max_read_seconds})"
        return True
    return False


def run(a):
    rnd = random.Random(a.seed)
    c = Client(a.endpoint, a.region, a.server_pid)
    n = a.n
    t_start = time.time()

    for _ in range(a.warmup):   # untimed: lets a lazy server (moto builds its backend) warm up
        c.call("warmup", "DescribeVpcs")

    # 1. VPCs
    cidrs, vpcs = [f"10.{i // 256}.{i % 256}.0/24" for i in range(n)], []
    for cidr in cidrs:
        text = c.call("create-vpc", "CreateVpc", [("CidrBlock", cidr)])
        m = text and RX["vpcId"].search(text)
        vpcs.append(m.group(1) if m else None)
    rtb = main_rtbs(c, [v for v in vpcs if v])
    missing_rtb = sum(1 for v in vpcs if v and v not in rtb)

    # 2. peerings: create, accept (retry on InvalidStateTransition), two routes
    pairs = list(dict.fromkeys(tuple(sorted((i, (i + d) % n))) for d in (1, 7) for i in range(n)))
    assert len(pairs) == 2 * n, "N too small for distinct i<->i+1 / i<->i+7 pairs (use N >= 16)"
    req_count, acc_count = collections.Counter(), collections.Counter()  # expected describe answers
    for x, y in pairs:
        a_vpc, b_vpc = vpcs[x], vpcs[y]
        if not (a_vpc and b_vpc):
            continue
        text = c.call("create-peering", "CreateVpcPeeringConnection",
                      [("VpcId", a_vpc), ("PeerVpcId", b_vpc)])
        m = text and RX["vpcPeeringConnectionId"].search(text)
        if not m:
            continue
        pcx = m.group(1)
        req_count[a_vpc] += 1
        acc_count[b_vpc] += 1
        for attempt in range(a.accept_retries + 1):
            r = c.call("accept-peering", "AcceptVpcPeeringConnection",
                       [("VpcPeeringConnectionId", pcx)], tolerate=("InvalidStateTransition",))
            if not isinstance(r, tuple):
                break
            c.call("accept-retry-describe", "DescribeVpcPeeringConnections",
                   [("VpcPeeringConnectionId.1", pcx)])
            time.sleep(0.001 * attempt)
        else:
            c.phases["accept-peering"].fail("InvalidStateTransition(retries exhausted)")
        for (src, dst) in ((x, y), (y, x)):
            if vpcs[src] in rtb:
                c.call("create-route", "CreateRoute", [("RouteTableId", rtb[vpcs[src]]),
                       ("DestinationCidrBlock", cidrs[dst]), ("VpcPeeringConnectionId", pcx)])

    # 3. reads on a populated store (optionally cut short by --max-read-seconds, flagged)
    live, truncated = [v for v in vpcs if v], {}
    for q in range(a.queries if live else 0):
        if over_budget(c, "describe-vpcs-by-id", q, a, truncated):
            break
        vid = rnd.choice(live)
        text = c.call("describe-vpcs-by-id", "DescribeVpcs", [("VpcId.1", vid)])
        if text is not None and RX["vpcId"].findall(text) != [vid]:
            c.phases["describe-vpcs-by-id"].fail("wrong-result")
    for q in range(a.queries if live else 0):
        if over_budget(c, "describe-pcx-by-vpc", q, a, truncated):
            break
        vid = rnd.choice(live)
        side, want = (("requester", req_count), ("accepter", acc_count))[q % 2]
        text = c.call("describe-pcx-by-vpc", "DescribeVpcPeeringConnections",
                      [("Filter.1.Name", f"{side}-vpc-info.vpc-id"), ("Filter.1.Value.1", vid)])
        if text is not None and len(set(RX["vpcPeeringConnectionId"].findall(text))) != want[vid]:
            c.phases["describe-pcx-by-vpc"].fail("wrong-result")
    c.flush()

    return {"label": a.label, "endpoint": a.endpoint, "n": n, "peerings": len(pairs),
            "queries": a.queries, "seed": a.seed, "server_pid": a.server_pid,
            "vpcs_created": len(live), "vpcs_without_main_rtb": missing_rtb,
            "tcp_connects": c.connects, "elapsed_s": round(time.time() - t_start, 2),
            "truncated_phases": truncated, "phases": c.results()}


def fmt(v, spec):
    return format(v, spec) if v is not None else "-"


def print_table(res):
    print(f"\n== {res['label']}  {res['endpoint']}  N={res['n']} P={res['peerings']} "
          f"Q={res['queries']}  ({res['elapsed_s']} s, {res['tcp_connects']} TCP connects)")
    print(f"{'phase':<24}{'reqs':>7}{'ops/s':>10}{'p50 us':>10}{'p99 us':>10}{'srv us/req':>12}{'errors':>8}")
    names = PHASES + sorted(k for k in res["phases"] if k not in PHASES)
    for k in names:
        p = res["phases"].get(k)
        if not p:
            continue
        cpu = fmt(p["srv_cpu_us_per_req"], ".1f") + ("~" if p["srv_cpu_ticks"] < 20 else " ")
        flag = f"{p['errors']}!" if p["errors"] else "0 "
        print(f"{k:<24}{p['requests']:>7}{fmt(p['ops_per_s'], '.0f'):>10}{fmt(p['p50_us'], '.0f'):>10}"
              f"{fmt(p['p99_us'], '.0f'):>10}{cpu:>12}{flag:>8}")
        if p["errors"] or p["retried"]:
            print(f"{'':<24}  error codes {p['error_codes']}  retried {p['retried']}")
    for k, why in res["truncated_phases"].items():
        print(f"!! {k} truncated: {why}")
    if res["vpcs_without_main_rtb"]:
        print(f"!! {res['vpcs_without_main_rtb']} VPCs had no main route table in DescribeRouteTables")
    if not res["server_pid"]:
        print("(no --server-pid: server CPU not measured)")


def compare(paths):
    a, b = (json.load(open(p)) for p in paths)
    print(f"\n== {a['label']} (N={a['n']}) vs {b['label']} (N={b['n']}): ratios {a['label']}/{b['label']}")
    if a["n"] != b["n"]:
        print(f"   NOTE: different N ({a['n']} vs {b['n']}); store sizes differ, compare with care")
    print(f"{'phase':<24}{'ops/s ratio':>13}{'p50 ratio':>11}{'cpu/req ratio':>15}  (ops >1, p50/cpu <1 = {a['label']} better)")
    div = lambda x, y: f"{x / y:.3g}" if x and y else "-"
    for k in PHASES:
        pa, pb = a["phases"].get(k), b["phases"].get(k)
        if not (pa and pb):
            continue
        flag = "  errors!" if pa["errors"] or pb["errors"] else ""
        flag += "  truncated!" if k in a["truncated_phases"] or k in b["truncated_phases"] else ""
        print(f"{k:<24}{div(pa['ops_per_s'], pb['ops_per_s']):>13}{div(pa['p50_us'], pb['p50_us']):>11}"
              f"{div(pa['srv_cpu_us_per_req'], pb['srv_cpu_us_per_req']):>15}{flag}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--endpoint", default="http://127.0.0.1:8080")
    ap.add_argument("--n", type=int, default=1000, help="VPC count (peerings = 2N)")
    ap.add_argument("--queries", type=int, default=5000, help="requests per describe phase")
    ap.add_argument("--server-pid", type=int, default=0)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--label", default="target")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--warmup", type=int, default=20, help="untimed DescribeVpcs before phase 1")
    ap.add_argument("--accept-retries", type=int, default=5)
    ap.add_argument("--max-read-seconds", type=float, default=0,
                    help="cap each describe phase's duration (0 = no cap); a cut is reported")
    ap.add_argument("--out", help="write JSON results here")
    ap.add_argument("--compare", nargs=2, metavar=("A.json", "B.json"))
    a = ap.parse_args()
    if a.compare:
        return compare(a.compare)
    if not 16 <= a.n <= 65536:
        sys.exit("--n must be in [16, 65536] (10.x.y.0/24 blocks, distinct peering pairs)")
    res = run(a)
    print_table(res)
    if a.out:
        with open(a.out, "w") as f:
            json.dump(res, f, indent=1)
    errs = sum(p["errors"] for p in res["phases"].values())
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
