#!/usr/bin/env python3
"""Many writers at once: mutation throughput, latency and server CPU with 1 and K
concurrent clients, and read latency alone and beside K writers, against one server.

Each client has one keep-alive connection (raw HTTP/1.1) and its own account. With
--client python (the default) each is its own Python process; with --client native each is
a thread of crates/server/examples/load_client.rs (--native-bin), which sends the same
requests at a fraction of the CPU: on a 2-core machine the Python clients take about as much
CPU per request as the server does. Each writer repeats the cycle
  CreateVpc, CreateVpc, CreateVpcPeeringConnection(a, b), AcceptVpcPeeringConnection
until the phase has made --ops mutations in all. Readers send DescribeVpcs VpcId.1=<id>.

Phases (in this order, one server):
  http-floor     1 client,  max(--reads, 5000) GET /_openvpc/health: the server CPU of
                 a request that does nothing (parse, route, answer), the floor every row
                 below stands on, on this machine at this hour
  writers-1      1 client,  --ops mutations
  writers-K      K clients, --ops mutations in all
  reads-alone    1 reader,  --reads DescribeVpcs, nothing else running
  reads-beside-K 1 reader,  --reads DescribeVpcs while K writers run

Metrics per phase (successful requests only; errors are counted beside them, never
folded into a latency or a rate):
  ops/s       successful requests / wall-clock time of the phase
  p50/p99 us  client-side latency of successful requests
  srv us/op   server CPU (utime+stime of --server-pid from /proc, whole process) over the
              phase / successful requests; 1 tick = 10 ms, so phases are sized to hundreds
              of ticks
  errors      non-200 answers or transport failures, by code

Usage: writers.py --endpoint http://127.0.0.1:18480 --server-pid PID --clients 16 \
                  --ops 20000 --reads 5000 --label full --out full.json
       writers.py --compare full.json batched.json none.json    (side by side, ratios)
"""
import argparse, json, multiprocessing as mp, os, re, socket, subprocess, sys, time, urllib.parse

VERSION = "2016-11-15"
TICK_NS = 10**9 // os.sysconf("SC_CLK_TCK")
RX = {k: re.compile(rf"<{k}>([^<]*)</{k}>".encode()) for k in ("vpcId", "vpcPeeringConnectionId", "Code")}


def server_cpu_ns(pid):
    if not pid:
        return 0
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * TICK_NS


class Conn:
    """One keep-alive HTTP/1.1 connection sending Query requests of one account."""

    def __init__(self, host, port, account):
        self.addr, self.account = (host, port), account
        self.sock = None

    def get(self, path):
        return self._send(f"GET {path} HTTP/1.1\r\nHost: {self.addr[0]}:{self.addr[1]}\r\n\r\n".encode())

    def call(self, action, params=()):
        body = urllib.parse.urlencode([("Action", action), ("Version", VERSION), *params]).encode()
        head = (f"POST / HTTP/1.1\r\nHost: {self.addr[0]}:{self.addr[1]}\r\n"
                "Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n"
                f"Authorization: AWS4-HMAC-SHA256 Credential={self.account}/20260101/us-east-1/ec2/"
                "aws4_request, SignedHeaders=host;x-amz-date, Signature=00\r\n"
                f"X-Amz-Date: 20260101T000000Z\r\nContent-Length: {len(body)}\r\n\r\n").encode()
        return self._send(head + body)

    def _send(self, request):
        try:
            if self.sock is None:
                self.sock = socket.create_connection(self.addr, timeout=60)
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self.sock.sendall(request)
            return self._read()
        except OSError as e:
            self.sock = None
            return 0, f"transport:{type(e).__name__}".encode()

    def _read(self):
        buf = b""
        while b"\r\n\r\n" not in buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionResetError
            buf += chunk
        head, _, rest = buf.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
        while len(rest) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionResetError
            rest += chunk
        if re.search(rb"(?i)\r\nconnection: *close", head):
            self.sock.close()
            self.sock = None
        return status, rest


def ok(status, body):
    return status == 200 and b"<Errors>" not in body


def code(status, body):
    m = RX["Code"].search(body)
    return m.group(1).decode() if m else f"HTTP{status}"


def writer(args):
    """One writing client: runs mutation cycles until `ops` mutations were sent."""
    host, port, account, ops, start = args
    c, lat, errors, ids = Conn(host, port, account), [], {}, []
    start.wait()
    n, i = 0, 0
    while n < ops:
        def timed(action, params):
            nonlocal n
            t0 = time.perf_counter_ns()
            status, body = c.call(action, params)
            dt = time.perf_counter_ns() - t0
            n += 1
            if ok(status, body):
                lat.append(dt)
                return body
            k = code(status, body)
            errors[k] = errors.get(k, 0) + 1
            return None
        a = timed("CreateVpc", [("CidrBlock", f"10.{i % 250}.{(i // 250) % 256}.0/24")])
        b = timed("CreateVpc", [("CidrBlock", f"10.{(i + 1) % 250}.{(i // 250) % 256}.0/24")])
        i += 2
        va = a and RX["vpcId"].search(a)
        vb = b and RX["vpcId"].search(b)
        if va and vb:
            ids.append(va.group(1).decode())
            p = timed("CreateVpcPeeringConnection", [("VpcId", va.group(1).decode()),
                                                     ("PeerVpcId", vb.group(1).decode())])
            m = p and RX["vpcPeeringConnectionId"].search(p)
            if m:
                timed("AcceptVpcPeeringConnection", [("VpcPeeringConnectionId", m.group(1).decode())])
    t_end = time.perf_counter_ns()
    return lat, errors, ids, t_end


def floor(args):
    """One client asking for the health page: a request that does nothing."""
    host, port, reads, start = args
    c, lat, errors = Conn(host, port, "300000000000"), [], {}
    start.wait()
    for _ in range(reads):
        t0 = time.perf_counter_ns()
        status, body = c.get("/_openvpc/health")
        dt = time.perf_counter_ns() - t0
        if status == 200:
            lat.append(dt)
        else:
            errors[f"HTTP{status}"] = errors.get(f"HTTP{status}", 0) + 1
    return lat, errors, [], time.perf_counter_ns()


def reader(args):
    host, port, account, reads, vpc_ids, start = args
    c, lat, errors = Conn(host, port, account), [], {}
    start.wait()
    for q in range(reads):
        vid = vpc_ids[q % len(vpc_ids)]
        t0 = time.perf_counter_ns()
        status, body = c.call("DescribeVpcs", [("VpcId.1", vid)])
        dt = time.perf_counter_ns() - t0
        if ok(status, body) and RX["vpcId"].findall(body) == [vid.encode()]:
            lat.append(dt)
        else:
            k = code(status, body) if not ok(status, body) else "wrong-result"
            errors[k] = errors.get(k, 0) + 1
    return lat, errors, [], time.perf_counter_ns()


def summary(lat, errors, wall_ns, cpu_ns):
    lat = sorted(lat)
    n = len(lat)
    pct = lambda q: lat[max(0, -(-n * q // 100) - 1)] / 1000 if n else None
    return {"requests": n, "errors": sum(errors.values()), "error_codes": errors,
            "wall_s": wall_ns / 1e9, "ops_per_s": n * 1e9 / wall_ns if wall_ns else None,
            "p50_us": pct(50), "p99_us": pct(99),
            "srv_cpu_us_per_op": cpu_ns / n / 1000 if n else None,
            "srv_cpu_ticks": cpu_ns // TICK_NS}


def account_base(a, tag):
    """Writer w of a phase uses account account_base + w."""
    return 200000000000 + a.seed * 1000 + tag * 100


def native_phase(a, writers_n, ops, reads, read_ids, tag):
    """The phase run by the native client: its raw results, summarised here."""
    u = urllib.parse.urlsplit(a.endpoint)
    cmd = [a.native_bin, "--addr", f"{u.hostname}:{u.port}", "--server-pid", str(a.server_pid),
           "--writers", str(writers_n), "--ops", str(ops), "--account-base", str(account_base(a, tag))]
    if reads:
        cmd += ["--reads", str(reads)] + (["--read-ids", ",".join(read_ids)] if read_ids else ["--floor"])
    if a.poll and writers_n + (1 if reads else 0) == 1:
        cmd += ["--poll"]
    env = dict(os.environ, CLK_TCK=str(os.sysconf("SC_CLK_TCK")))
    raw = json.loads(subprocess.run(cmd, check=True, capture_output=True, env=env).stdout)
    return {k: summary(r["latencies_ns"], r["errors"], r["wall_ns"], r["cpu_ns"]) for k, r in raw.items()}


def phase(a, pool, mgr, writers_n, ops, reads=0, read_ids=None, tag=0):
    """Runs `writers_n` writers (`ops` mutations in all) and optionally one reader (of
    `read_ids`, or of the health page without them), all released at once by a barrier;
    returns their summaries."""
    if a.client == "native":
        return native_phase(a, writers_n, ops, reads, read_ids, tag)
    u = urllib.parse.urlsplit(a.endpoint)
    start = mgr.Barrier(writers_n + (1 if reads else 0) + 1)
    jobs = [(u.hostname, u.port, f"{account_base(a, tag) + w:012d}",
             ops // max(writers_n, 1), start) for w in range(writers_n)]
    results = [pool.apply_async(writer, (j,)) for j in jobs]
    rres = None
    if reads and read_ids is None:
        rres = pool.apply_async(floor, ((u.hostname, u.port, reads, start),))
    elif reads:
        rres = pool.apply_async(reader, ((u.hostname, u.port, "300000000000", reads, read_ids, start),))
    start.wait()
    cpu0, t0 = server_cpu_ns(a.server_pid), time.perf_counter_ns()
    out = {}
    if writers_n:
        got = [r.get() for r in results]
        t_w = max(g[3] for g in got) - t0
        cpu_w = server_cpu_ns(a.server_pid) - cpu0
        lat = [x for g in got for x in g[0]]
        errs = {}
        for g in got:
            for k, v in g[1].items():
                errs[k] = errs.get(k, 0) + v
        out["writers"] = summary(lat, errs, t_w, cpu_w)
    if rres:
        lat, errs, _, t_end = rres.get()
        out["reader"] = summary(lat, errs, t_end - t0, server_cpu_ns(a.server_pid) - cpu0 if not writers_n else 0)
    return out


def run(a):
    python = a.client == "python"
    mgr = mp.Manager() if python else None
    pool = mp.Pool(a.clients + 1) if python else None
    res = {"label": a.label, "endpoint": a.endpoint, "clients": a.clients, "ops": a.ops,
           "reads": a.reads, "client": a.client, "poll": a.poll, "phases": {}}
    k = a.clients
    wanted = lambda name: not a.phases or name in a.phases.split(",")
    if wanted("http-floor"):
        # At least 5,000 requests: the CPU figure counts 10 ms ticks.
        floor_n = max(a.reads, 5000)
        res["phases"]["http-floor"] = phase(a, pool, mgr, 0, 0, reads=floor_n, tag=0)["reader"]
    if wanted("writers-1"):
        res["phases"]["writers-1"] = phase(a, pool, mgr, 1, a.ops, tag=1)["writers"]
    if k > 1 and wanted(f"writers-{k}"):
        res["phases"][f"writers-{k}"] = phase(a, pool, mgr, k, a.ops, tag=2)["writers"]
    if wanted("reads-alone") or wanted(f"reads-beside-{k}"):
        # Readers look up VPCs of account 300000000000, made here (setup, untimed).
        u = urllib.parse.urlsplit(a.endpoint)
        setup = Conn(u.hostname, u.port, "300000000000")
        read_ids = []
        for i in range(20):
            status, body = setup.call("CreateVpc", [("CidrBlock", f"10.{i}.0.0/16")])
            read_ids.append(RX["vpcId"].search(body).group(1).decode())
        if wanted("reads-alone"):
            alone = phase(a, pool, mgr, 0, 0, reads=a.reads, read_ids=read_ids, tag=3)
            res["phases"]["reads-alone"] = alone["reader"]
        if wanted(f"reads-beside-{k}"):
            beside = phase(a, pool, mgr, k, a.ops * 4, reads=a.reads, read_ids=read_ids, tag=4)
            res["phases"][f"reads-beside-{k}"] = beside["reader"]
            res["phases"][f"writers-{k}-beside-reads"] = beside["writers"]
    if pool:
        pool.close()
    return res


def fmt(v, spec):
    return format(v, spec) if v is not None else "-"


def print_table(res):
    print(f"\n== {res['label']}  {res['endpoint']}  clients={res['clients']} ({res.get('client', 'python')}) "
          f"ops={res['ops']} reads={res['reads']}")
    print(f"{'phase':<28}{'reqs':>8}{'ops/s':>10}{'p50 us':>10}{'p99 us':>10}{'srv us/op':>11}{'errors':>8}")
    for k, p in res["phases"].items():
        cpu = fmt(p["srv_cpu_us_per_op"], ".1f") + ("~" if 0 < p["srv_cpu_ticks"] < 50 else " ")
        if p["srv_cpu_ticks"] == 0:
            cpu = "-"
        print(f"{k:<28}{p['requests']:>8}{fmt(p['ops_per_s'], '.0f'):>10}{fmt(p['p50_us'], '.0f'):>10}"
              f"{fmt(p['p99_us'], '.0f'):>10}{cpu:>11}{(str(p['errors']) + ('!' if p['errors'] else '')):>8}")
        if p["errors"]:
            print(f"{'':<28}  error codes {p['error_codes']}")


def compare(paths):
    """Side by side, ratios against the first label. Several files of one label (repeated
    runs, e.g. durability.sh with RUNS=5) are shown as median (min-max) over the runs;
    "vs" ratios pair each run with the base label's run of the same index."""
    rs = [json.load(open(p)) for p in paths]
    for r in rs:
        print_table(r)
    runs = {}
    for r in rs:
        runs.setdefault(r["label"], []).append(r)
    labels = list(runs)
    base = runs[labels[0]]
    n = max(len(v) for v in runs.values())
    k = rs[0]["clients"]
    width = 14 if n == 1 else 26
    how = "one run" if n == 1 else f"median (min-max) of {n} runs"
    print(f"\n== side by side ({how}); ratios against {labels[0]}")
    print(f"{'':<28}" + "".join(f"{lab:>{width}}" for lab in labels))

    def cell(vals, spec, suffix=""):
        vals = sorted(v for v in vals if v is not None)
        if not vals:
            return f"{'-':>{width}}"
        if n == 1:
            return f"{format(vals[0], spec) + suffix:>{width}}"
        med = vals[len(vals) // 2] if len(vals) % 2 else (vals[len(vals) // 2 - 1] + vals[len(vals) // 2]) / 2
        text = f"{format(med, spec)}{suffix} ({format(vals[0], spec)}-{format(vals[-1], spec)})"
        return f"{text:>{width}}"

    rows = [("http-floor srv us/req", "http-floor", "srv_cpu_us_per_op", ".1f"),
            ("writers-1 ops/s", "writers-1", "ops_per_s", ".0f"),
            (f"writers-{k} ops/s", f"writers-{k}", "ops_per_s", ".0f"),
            ("writers-1 srv us/op", "writers-1", "srv_cpu_us_per_op", ".1f"),
            (f"writers-{k} srv us/op", f"writers-{k}", "srv_cpu_us_per_op", ".1f"),
            ("reads-alone p99 us", "reads-alone", "p99_us", ".0f"),
            (f"reads-beside-{k} p99 us", f"reads-beside-{k}", "p99_us", ".0f")]
    for name, ph, key, spec in rows:
        print(f"{name:<28}" + "".join(
            cell([r["phases"].get(ph, {}).get(key) for r in runs[lab]], spec) for lab in labels))

    def ratio(a, b):
        return a / b if a is not None and b else None

    ops = lambda r, ph: r["phases"].get(ph, {}).get("ops_per_s")
    print(f"{f'writers-{k} / writers-1':<28}" + "".join(
        cell([ratio(ops(r, f"writers-{k}"), ops(r, "writers-1")) for r in runs[lab]], ".2f", "x")
        for lab in labels))
    print(f"{'writers-1 vs ' + labels[0]:<28}" + "".join(
        cell([ratio(ops(r, "writers-1"), ops(b, "writers-1")) for r, b in zip(runs[lab], base)], ".2f", "x")
        for lab in labels))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--endpoint", default="http://127.0.0.1:18480")
    ap.add_argument("--server-pid", type=int, default=0)
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--ops", type=int, default=20000, help="mutations per writers phase")
    ap.add_argument("--reads", type=int, default=5000, help="DescribeVpcs per read phase")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--label", default="target")
    ap.add_argument("--phases", help="comma-separated phases to run (default: all)")
    ap.add_argument("--client", choices=("python", "native"), default="python")
    ap.add_argument("--poll", action="store_true",
                    help="with --client native, a phase of one client polls for its answers "
                         "rather than sleeping: the server's CPU then leaves out the client's "
                         "wake-up, which on loopback runs in the server's send")
    ap.add_argument("--native-bin", default=os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "../../target/release/examples/load_client"))
    ap.add_argument("--out")
    ap.add_argument("--compare", nargs="+")
    a = ap.parse_args()
    if a.poll and a.client != "native":
        ap.error("--poll needs --client native")
    if a.compare:
        return compare(a.compare)
    res = run(a)
    print_table(res)
    if a.out:
        with open(a.out, "w") as f:
            json.dump(res, f, indent=1)
    return 1 if any(p["errors"] for p in res["phases"].values()) else 0


if __name__ == "__main__":
    sys.exit(main())
