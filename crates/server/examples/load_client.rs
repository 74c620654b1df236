//! A native load client for `bench/load/writers.py --client native`: one phase of that
//! benchmark (K writers, and optionally one reader or one client of the health page), run
//! by threads with one keep-alive connection each, so that on a small machine the client
//! takes little of the CPU the server is measured on. It sends what writers.py's Python
//! client sends, byte for byte in shape, and prints one JSON object of raw results (latencies
//! of successful requests, error codes, wall time, server CPU) for writers.py to summarise.
//!
//! ```text
//! load_client --addr 127.0.0.1:18490 --server-pid PID --writers 16 --ops 20000 \
//!     --account-base 200000001200 [--reads N (--read-ids vpc-a,vpc-b | --floor)] [--poll]
//! ```
//!
//! A writer repeats CreateVpc, CreateVpc, CreateVpcPeeringConnection(a, b),
//! AcceptVpcPeeringConnection until it has sent its share of `--ops`; writer `w` uses
//! account `account-base + w`. The reader (account 300000000000) sends DescribeVpcs for
//! `--read-ids` in turn; `--floor` makes it GET /_openvpc/health instead.
//!
//! `--poll`: each connection waits for its answer by polling its non-blocking socket
//! instead of sleeping in `read`. On loopback the server's `send` runs the delivery to the
//! client and the client's wake-up, charged to the server's CPU; polling takes that wake-up
//! away, as a client on another machine would. Meant for phases of one client: K polling
//! threads would take the cores the server runs on.
//!
//! `load_client --echo-probe N` measures the machine instead of a server: a thread that
//! echoes one byte over loopback TCP, N times for a client that sleeps in `read` and N times
//! for one that polls, and the echoing thread's CPU per round trip. That thread runs no
//! server code, so its CPU is the floor of a request's server CPU on this machine now: its
//! own wake-up and, for a sleeping client, the client's (see `echo_probe`).

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Barrier};
use std::time::Instant;

const VERSION: &str = "2016-11-15";
const READER_ACCOUNT: &str = "300000000000";

/// What one client thread brings back.
#[derive(Default)]
struct Outcome {
    latencies_ns: Vec<u64>,
    errors: BTreeMap<String, u64>,
    end: Option<Instant>,
}

impl Outcome {
    fn failed(&mut self, code: String) {
        *self.errors.entry(code).or_default() += 1;
    }
}

/// One keep-alive HTTP/1.1 connection.
struct Conn {
    stream: TcpStream,
    /// Whether the socket is non-blocking and polled (`--poll`).
    poll: bool,
    host: String,
    buf: Vec<u8>,
}

/// An answer: status and body.
struct Answer {
    status: u16,
    body: Vec<u8>,
}

impl Answer {
    fn ok(&self) -> bool {
        self.status == 200 && find(&self.body, b"<Errors>").is_none()
    }

    /// The error code of a failed answer.
    fn code(&self) -> String {
        element(&self.body, "Code").unwrap_or_else(|| format!("HTTP{}", self.status))
    }
}

impl Conn {
    fn open(addr: &str, poll: bool) -> std::io::Result<Conn> {
        let stream = TcpStream::connect(addr)?;
        stream.set_nodelay(true)?;
        stream.set_nonblocking(poll)?;
        Ok(Conn {
            stream,
            poll,
            host: addr.to_string(),
            buf: Vec::with_capacity(16 * 1024),
        })
    }

    fn get(&mut self, path: &str) -> std::io::Result<Answer> {
        let request = format!("GET {path} HTTP/1.1\r\nHost: {}\r\n\r\n", self.host);
        self.send(request.as_bytes())
    }

    /// A Query API call signed (in form; the server runs without credentials) as `account`.
    fn call(
        &mut self,
        account: &str,
        action: &str,
        params: &[(&str, &str)],
    ) -> std::io::Result<Answer> {
        let mut body = format!("Action={action}&Version={VERSION}");
        for (k, v) in params {
            body.push('&');
            body.push_str(k);
            body.push('=');
            encode_into(&mut body, v);
        }
        let request = format!(
            "POST / HTTP/1.1\r\nHost: {host}\r\n\
             Content-Type: application/x-www-form-urlencoded; charset=utf-8\r\n\
             Authorization: AWS4-HMAC-SHA256 Credential={account}/20260101/us-east-1/ec2/\
             aws4_request, SignedHeaders=host;x-amz-date, Signature=00\r\n\
             X-Amz-Date: 20260101T000000Z\r\nContent-Length: {len}\r\n\r\n{body}",
            host = self.host,
            len = body.len(),
        );
        self.send(request.as_bytes())
    }

    fn send(&mut self, request: &[u8]) -> std::io::Result<Answer> {
        let mut rest = request;
        while !rest.is_empty() {
            match self.stream.write(rest) {
                Ok(0) => return Err(std::io::ErrorKind::WriteZero.into()),
                Ok(n) => rest = &rest[n..],
                Err(e) if self.poll && e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::hint::spin_loop()
                }
                Err(e) => return Err(e),
            }
        }
        self.buf.clear();
        let head_end = loop {
            if let Some(i) = find(&self.buf, b"\r\n\r\n") {
                break i + 4;
            }
            self.fill()?;
        };
        let head = std::str::from_utf8(&self.buf[..head_end]).map_err(invalid)?;
        let status = head
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| invalid("status line"))?;
        let length: usize = head
            .lines()
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse().ok())?
            })
            .ok_or_else(|| invalid("no content-length"))?;
        while self.buf.len() < head_end + length {
            self.fill()?;
        }
        Ok(Answer {
            status,
            body: self.buf[head_end..head_end + length].to_vec(),
        })
    }

    fn fill(&mut self) -> std::io::Result<()> {
        let mut chunk = [0u8; 16 * 1024];
        let n = loop {
            match self.stream.read(&mut chunk) {
                Err(e) if self.poll && e.kind() == std::io::ErrorKind::WouldBlock => {
                    std::hint::spin_loop()
                }
                read => break read?,
            }
        };
        if n == 0 {
            return Err(std::io::ErrorKind::ConnectionReset.into());
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(())
    }
}

fn invalid(what: impl std::fmt::Display) -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The text of the first `<name>…</name>` in `body`.
fn element(body: &[u8], name: &str) -> Option<String> {
    let open = format!("<{name}>");
    let start = find(body, open.as_bytes())? + open.len();
    let len = find(&body[start..], b"<")?;
    Some(String::from_utf8_lossy(&body[start..start + len]).into_owned())
}

/// Form-encodes a value as Python's `urlencode` does for the values sent here.
fn encode_into(out: &mut String, value: &str) {
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
}

/// Times one request; returns the answer when it succeeded.
fn timed(out: &mut Outcome, request: impl FnOnce() -> std::io::Result<Answer>) -> Option<Answer> {
    let t0 = Instant::now();
    match request() {
        Ok(a) if a.ok() => {
            out.latencies_ns.push(t0.elapsed().as_nanos() as u64);
            Some(a)
        }
        Ok(a) => {
            out.failed(a.code());
            None
        }
        Err(e) => {
            out.failed(format!("transport:{:?}", e.kind()));
            None
        }
    }
}

/// One writer: mutation cycles until `ops` mutations were sent.
fn writer(addr: &str, poll: bool, account: &str, ops: u64, start: &Barrier) -> Outcome {
    let mut out = Outcome::default();
    let mut conn = match Conn::open(addr, poll) {
        Ok(c) => c,
        Err(e) => {
            start.wait();
            out.failed(format!("transport:{:?}", e.kind()));
            out.end = Some(Instant::now());
            return out;
        }
    };
    start.wait();
    let (mut sent, mut i) = (0u64, 0u64);
    while sent < ops {
        let cidr = |i: u64| format!("10.{}.{}.0/24", i % 250, (i / 250) % 256);
        let a = timed(&mut out, || {
            conn.call(account, "CreateVpc", &[("CidrBlock", &cidr(i))])
        });
        let b = timed(&mut out, || {
            conn.call(account, "CreateVpc", &[("CidrBlock", &cidr(i + 1))])
        });
        sent += 2;
        i += 2;
        let va = a.and_then(|a| element(&a.body, "vpcId"));
        let vb = b.and_then(|b| element(&b.body, "vpcId"));
        let (Some(va), Some(vb)) = (va, vb) else {
            continue;
        };
        let p = timed(&mut out, || {
            conn.call(
                account,
                "CreateVpcPeeringConnection",
                &[("VpcId", &va), ("PeerVpcId", &vb)],
            )
        });
        sent += 1;
        if let Some(pcx) = p.and_then(|p| element(&p.body, "vpcPeeringConnectionId")) {
            timed(&mut out, || {
                conn.call(
                    account,
                    "AcceptVpcPeeringConnection",
                    &[("VpcPeeringConnectionId", &pcx)],
                )
            });
            sent += 1;
        }
    }
    out.end = Some(Instant::now());
    out
}

/// The reader: `reads` DescribeVpcs of `ids` in turn, or of the health page when `ids` is empty.
fn reader(addr: &str, poll: bool, reads: u64, ids: &[String], start: &Barrier) -> Outcome {
    let mut out = Outcome::default();
    let mut conn = Conn::open(addr, poll).expect("reader connects");
    start.wait();
    for q in 0..reads as usize {
        if ids.is_empty() {
            timed(&mut out, || conn.get("/_openvpc/health"));
            continue;
        }
        let id = &ids[q % ids.len()];
        if let Some(a) = timed(&mut out, || {
            conn.call(READER_ACCOUNT, "DescribeVpcs", &[("VpcId.1", id)])
        }) {
            let found = element(&a.body, "vpcId");
            if found.as_deref() != Some(id)
                || a.body.windows(7).filter(|w| w == b"<vpcId>").count() != 1
            {
                out.latencies_ns.pop();
                out.failed("wrong-result".into());
            }
        }
    }
    out.end = Some(Instant::now());
    out
}

/// utime + stime of `pid` in ns (0 without a pid).
fn server_cpu_ns(pid: u32) -> u64 {
    if pid == 0 {
        return 0;
    }
    cpu_ns(&format!("/proc/{pid}/stat"))
}

/// User and system time of the process or thread whose `/proc` `stat` is `path`.
fn cpu_ns(path: &str) -> u64 {
    let stat = std::fs::read_to_string(path).expect("/proc stat");
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .expect("stat")
        .1
        .split_whitespace()
        .collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    ticks * tick_ns()
}

/// The length of a `/proc` clock tick: writers.py passes `os.sysconf("SC_CLK_TCK")` as
/// `CLK_TCK`; 100 Hz otherwise, Linux's usual value.
fn tick_ns() -> u64 {
    std::env::var("CLK_TCK")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map_or(10_000_000, |hz| 1_000_000_000 / hz)
}

fn json_outcome(o: &Outcome, t0: Instant, cpu_ns: u64) -> serde_json::Value {
    serde_json::json!({
        "latencies_ns": o.latencies_ns,
        "errors": o.errors,
        "wall_ns": o.end.map_or(0, |e| e.duration_since(t0).as_nanos() as u64),
        "cpu_ns": cpu_ns,
    })
}

struct Args {
    addr: String,
    server_pid: u32,
    writers: u64,
    ops: u64,
    account_base: u64,
    reads: u64,
    read_ids: Vec<String>,
    floor: bool,
    poll: bool,
    echo_probe: u64,
}

fn args() -> Args {
    let mut a = Args {
        addr: "127.0.0.1:18490".into(),
        server_pid: 0,
        writers: 0,
        ops: 0,
        account_base: 200_000_000_000,
        reads: 0,
        read_ids: Vec::new(),
        floor: false,
        poll: false,
        echo_probe: 0,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--addr" => a.addr = value(),
            "--server-pid" => a.server_pid = value().parse().expect("--server-pid"),
            "--writers" => a.writers = value().parse().expect("--writers"),
            "--ops" => a.ops = value().parse().expect("--ops"),
            "--account-base" => a.account_base = value().parse().expect("--account-base"),
            "--reads" => a.reads = value().parse().expect("--reads"),
            "--read-ids" => a.read_ids = value().split(',').map(str::to_string).collect(),
            "--floor" => a.floor = true,
            "--poll" => a.poll = true,
            "--echo-probe" => a.echo_probe = value().parse().expect("--echo-probe"),
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

fn main() {
    let a = Arc::new(args());
    if a.echo_probe > 0 {
        let [(sleep_wall, sleep_cpu), (poll_wall, poll_cpu)] =
            [false, true].map(|poll| echo_probe(a.echo_probe, poll));
        println!(
            "echo probe: {:.1} us CPU of the echoing thread per round trip with a sleeping \
             client, {:.1} with a polling one ({:.0} and {:.0} us wall; n={})",
            sleep_cpu / 1e3,
            poll_cpu / 1e3,
            sleep_wall / 1e3,
            poll_wall / 1e3,
            a.echo_probe
        );
        return;
    }
    let with_reader = a.reads > 0 && (a.floor || !a.read_ids.is_empty());
    let start = Arc::new(Barrier::new(
        a.writers as usize + usize::from(with_reader) + 1,
    ));
    let writers: Vec<_> = (0..a.writers)
        .map(|w| {
            let (a, start) = (a.clone(), start.clone());
            std::thread::spawn(move || {
                let account = format!("{:012}", a.account_base + w);
                writer(&a.addr, a.poll, &account, a.ops / a.writers, &start)
            })
        })
        .collect();
    let reader = with_reader.then(|| {
        let (a, start) = (a.clone(), start.clone());
        std::thread::spawn(move || reader(&a.addr, a.poll, a.reads, &a.read_ids, &start))
    });
    start.wait();
    let (t0, cpu0) = (Instant::now(), server_cpu_ns(a.server_pid));
    let mut result = serde_json::Map::new();
    if a.writers > 0 {
        let mut all = Outcome::default();
        for w in writers {
            let o = w.join().expect("writer thread");
            all.latencies_ns.extend(o.latencies_ns);
            for (k, v) in o.errors {
                *all.errors.entry(k).or_default() += v;
            }
            all.end = all.end.max(o.end);
        }
        let cpu = server_cpu_ns(a.server_pid) - cpu0;
        result.insert("writers".into(), json_outcome(&all, t0, cpu));
    }
    if let Some(r) = reader {
        let o = r.join().expect("reader thread");
        let cpu = if a.writers > 0 {
            0
        } else {
            server_cpu_ns(a.server_pid) - cpu0
        };
        result.insert("reader".into(), json_outcome(&o, t0, cpu));
    }
    println!("{}", serde_json::Value::Object(result));
}

/// Nanoseconds of wall time and of the echoing thread's CPU per round trip of one byte over
/// loopback TCP, `n` round trips. The echoing thread sleeps in `read` between bytes, as a
/// server sleeps in `epoll_wait`: what it costs is its own wake-up, the two socket calls
/// and, when the client sleeps too, the client's wake-up, which on loopback runs inside the
/// echoing thread's `write`.
fn echo_probe(n: u64, poll: bool) -> (f64, f64) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind the echo probe");
    let addr = listener.local_addr().expect("echo probe address");
    let echo = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().expect("accept");
        s.set_nodelay(true).expect("nodelay");
        let mut byte = [0u8; 1];
        s.read_exact(&mut byte).expect("first byte");
        s.write_all(&byte).expect("first echo");
        let cpu0 = cpu_ns("/proc/thread-self/stat");
        for _ in 0..n {
            s.read_exact(&mut byte).expect("read");
            s.write_all(&byte).expect("echo");
        }
        cpu_ns("/proc/thread-self/stat") - cpu0
    });
    let mut c = Conn::open(&addr.to_string(), poll).expect("connect the echo probe");
    // One byte is sent whole even on a non-blocking socket; the echo is read as every answer
    // is (`Conn::fill`: sleeping or polling).
    let round_trip = |c: &mut Conn| {
        c.stream.write_all(b"x").expect("send");
        c.buf.clear();
        c.fill().expect("echo probe read");
    };
    round_trip(&mut c);
    let t0 = Instant::now();
    for _ in 0..n {
        round_trip(&mut c);
    }
    let wall = t0.elapsed().as_nanos() as f64;
    let cpu = echo.join().expect("echo thread") as f64;
    (wall / n as f64, cpu / n as f64)
}
