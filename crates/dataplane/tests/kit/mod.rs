//! Shared by the data-plane tests: worlds built through the Query API in memory, a data
//! plane of a unique owner applied to them, servers in every interface namespace, and
//! probes (TCP, UDP, ICMP) from one namespace to an address.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr, TcpListener, UdpSocket};
use std::process::{Command, Stdio};
use std::time::Duration;

use openvpc_core::{Command as CoreCommand, Config, Ctx, World};
use openvpc_dataplane::build::build;
use openvpc_dataplane::reconcile::{reconcile, Applied};
use openvpc_dataplane::{kernel, Names};
use openvpc_reach::View;
use openvpc_wire::params::Params;
use openvpc_wire::{actions, InMemory};

pub const ACCOUNT: &str = "111111111111";
pub const TCP_PORTS: [u16; 3] = [7000, 7001, 7002];
pub const UDP_PORT: u16 = 7100;

/// Whether this machine can run the data plane; tests skip (and say so) otherwise.
pub fn capable() -> bool {
    match kernel::check_capable() {
        Ok(()) => true,
        Err(e) => {
            eprintln!("skipped: {e}");
            false
        }
    }
}

/// A world driven through the Query API.
pub struct Api {
    pub b: InMemory,
}

impl Api {
    pub fn new(seed: u64) -> Api {
        let ctx = Ctx::new(ACCOUNT, "us-east-1", 1_700_000_000_000);
        let mut b = InMemory {
            world: World::new(Config::default(), seed),
            ctx,
        };
        b.world
            .apply(&b.ctx.clone(), CoreCommand::InitScope)
            .unwrap();
        Api { b }
    }

    pub fn try_call(&mut self, pairs: &[(&str, &str)]) -> Result<String, String> {
        let params = Params::from_pairs(pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let action = params.peek("Action").unwrap().to_string();
        let resp = if params.peek("Version") == Some(openvpc_wire::elbv2::VERSION) {
            openvpc_wire::elbv2::handle(&action, &params, &mut self.b, "test")
        } else {
            actions::handle(&action, &params, &mut self.b, "test")
        };
        if resp.status == 200 {
            Ok(resp.body)
        } else {
            Err(resp.body)
        }
    }

    pub fn call(&mut self, pairs: &[(&str, &str)]) -> String {
        self.try_call(pairs)
            .unwrap_or_else(|e| panic!("{pairs:?}: {e}"))
    }

    /// Calls as `account` (its defaults made on first use).
    pub fn as_account(&mut self, account: &str) {
        self.b.ctx = Ctx::new(account, self.b.ctx.region(), self.b.ctx.now);
        if !self.b.world.scope_ready(self.b.ctx.scope()) {
            let ctx = self.b.ctx.clone();
            self.b.world.apply(&ctx, CoreCommand::InitScope).unwrap();
        }
    }

    /// Calls in `region` from now on (the account's defaults there made on first use).
    pub fn in_region(&mut self, region: &str) {
        self.b.ctx = Ctx::new(self.b.ctx.account(), region, self.b.ctx.now);
        let account = self.b.ctx.account().to_string();
        self.as_account(&account);
    }

    /// An ELBv2 call.
    pub fn elb(&mut self, pairs: &[(&str, &str)]) -> String {
        let mut p = pairs.to_vec();
        p.push(("Version", openvpc_wire::elbv2::VERSION));
        self.call(&p)
    }

    /// Moves the clock so that pending transitions (peering, NAT gateways) complete.
    pub fn settle(&mut self) {
        self.b.ctx.now += 600_000;
        self.b.world.tick(self.b.ctx.now);
    }

    pub fn world(&self) -> &World {
        &self.b.world
    }

    /// The id of VPC `vpc`'s main route table (its only one until a test makes another).
    pub fn main_route_table(&mut self, vpc: &str) -> String {
        first(
            &self.call(&[
                ("Action", "DescribeRouteTables"),
                ("Filter.1.Name", "vpc-id"),
                ("Filter.1.Value.1", vpc),
            ]),
            "routeTableId",
        )
    }
}

/// The text of the first `<tag>…</tag>` in `body`.
pub fn first(body: &str, tag: &str) -> String {
    let open = format!("<{tag}>");
    let start = body
        .find(&open)
        .unwrap_or_else(|| panic!("{tag} in {body}"))
        + open.len();
    let end = body[start..].find('<').unwrap() + start;
    body[start..end].to_string()
}

/// A data plane of a unique owner, applied by hand; cleaned up on drop.
pub struct Plane {
    pub names: Names,
    pub applied: Applied,
}

impl Plane {
    pub fn new(tag: &str) -> Plane {
        let owner = format!("t{}{}", tag, std::process::id() % 100_000);
        let names = Names::new(&owner);
        openvpc_dataplane::cleanup::cleanup(Some(&names)).unwrap();
        Plane {
            names,
            applied: Applied::default(),
        }
    }

    /// Realises `world`; panics on a kernel error.
    pub fn apply(&mut self, world: &World) -> openvpc_dataplane::model::Desired {
        let desired = build(world, &View::compile(world), &self.names);
        let report = reconcile(&mut self.applied, &desired);
        assert!(report.errors.is_empty(), "{:#?}", report.errors);
        desired
    }

    pub fn ns_of(&self, id: &str) -> String {
        let kind = if id.starts_with("vpc-") {
            openvpc_dataplane::names::Kind::Router
        } else {
            openvpc_dataplane::names::Kind::Interface
        };
        self.names.namespace(kind, id)
    }
}

impl Drop for Plane {
    fn drop(&mut self) {
        if std::env::var_os("OVPC_KEEP").is_some() {
            return;
        }
        let _ = openvpc_dataplane::cleanup::cleanup(Some(&self.names));
        let left = kernel::namespaces(&self.names.own_prefix());
        if !std::thread::panicking() {
            assert!(left.is_empty(), "namespaces left behind: {left:?}");
        }
    }
}

/// Starts, inside namespace `ns`, TCP servers on [`TCP_PORTS`] and a UDP echo on
/// [`UDP_PORT`] (IPv4 and IPv6) answering `"<name> <peer address>"`. They live as long as
/// the namespace (deleting it ends them with an error they ignore).
pub fn serve(ns: &str, name: &str) {
    let name = name.to_string();
    let ns2 = ns.to_string();
    let sockets = kernel::in_namespace(ns, move || {
        let mut tcp = Vec::new();
        let mut udp = Vec::new();
        for port in TCP_PORTS {
            tcp.push(TcpListener::bind(("0.0.0.0", port)).map_err(|e| format!("{ns2}: {e}"))?);
            tcp.push(bind6_tcp(port)?);
        }
        udp.push(UdpSocket::bind(("0.0.0.0", UDP_PORT)).map_err(|e| e.to_string())?);
        udp.push(bind6_udp(UDP_PORT)?);
        Ok((tcp, udp))
    })
    .expect("servers");
    let (tcp, udp) = sockets;
    for l in tcp {
        let name = name.clone();
        std::thread::spawn(move || {
            for conn in l.incoming() {
                let Ok(mut c) = conn else { return };
                let peer = c
                    .peer_addr()
                    .map(|a| a.ip().to_string())
                    .unwrap_or_default();
                let _ = c.write_all(format!("{name} {peer}\n").as_bytes());
            }
        });
    }
    for u in udp {
        let name = name.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 64];
            while let Ok((_, from)) = u.recv_from(&mut buf) {
                let _ = u.send_to(format!("{name} {}\n", from.ip()).as_bytes(), from);
            }
        });
    }
}

fn bind6_tcp(port: u16) -> Result<TcpListener, String> {
    let s = socket2::Socket::new(socket2::Domain::IPV6, socket2::Type::STREAM, None)
        .map_err(|e| e.to_string())?;
    s.set_only_v6(true).map_err(|e| e.to_string())?;
    s.set_reuse_address(true).map_err(|e| e.to_string())?;
    s.bind(&SocketAddr::from(([0u16; 8], port)).into())
        .map_err(|e| e.to_string())?;
    s.listen(128).map_err(|e| e.to_string())?;
    Ok(s.into())
}

fn bind6_udp(port: u16) -> Result<UdpSocket, String> {
    let s = socket2::Socket::new(socket2::Domain::IPV6, socket2::Type::DGRAM, None)
        .map_err(|e| e.to_string())?;
    s.set_only_v6(true).map_err(|e| e.to_string())?;
    s.bind(&SocketAddr::from(([0u16; 8], port)).into())
        .map_err(|e| e.to_string())?;
    Ok(s.into())
}

/// What a probe saw: `Some("<name> <address the server saw>")` or `None` (no answer).
pub type Seen = Option<String>;

/// A TCP connection from namespace `ns`, source port `sport`, to `dst:port`.
pub fn probe_tcp(ns: &str, sport: u16, dst: IpAddr, port: u16) -> Seen {
    kernel::in_namespace(ns, move || {
        let domain = if dst.is_ipv4() {
            socket2::Domain::IPV4
        } else {
            socket2::Domain::IPV6
        };
        let s =
            socket2::Socket::new(domain, socket2::Type::STREAM, None).map_err(|e| e.to_string())?;
        s.set_reuse_address(true).map_err(|e| e.to_string())?;
        let any: IpAddr = if dst.is_ipv4() {
            [0u8; 4].into()
        } else {
            [0u16; 8].into()
        };
        s.bind(&SocketAddr::new(any, sport).into())
            .map_err(|e| e.to_string())?;
        s.connect_timeout(
            &SocketAddr::new(dst, port).into(),
            Duration::from_millis(1500),
        )
        .map_err(|e| e.to_string())?;
        let mut c: std::net::TcpStream = s.into();
        c.set_read_timeout(Some(Duration::from_millis(1500)))
            .map_err(|e| e.to_string())?;
        let mut text = String::new();
        c.read_to_string(&mut text).map_err(|e| e.to_string())?;
        Ok(text.trim().to_string())
    })
    .ok()
    .filter(|t| !t.is_empty())
}

/// A UDP request and its answer.
pub fn probe_udp(ns: &str, sport: u16, dst: IpAddr, port: u16) -> Seen {
    kernel::in_namespace(ns, move || {
        let any: IpAddr = if dst.is_ipv4() {
            [0u8; 4].into()
        } else {
            [0u16; 8].into()
        };
        let u = UdpSocket::bind(SocketAddr::new(any, sport)).map_err(|e| e.to_string())?;
        u.connect(SocketAddr::new(dst, port))
            .map_err(|e| e.to_string())?;
        u.set_read_timeout(Some(Duration::from_millis(1200)))
            .map_err(|e| e.to_string())?;
        let mut buf = [0u8; 128];
        u.send(b"ping").map_err(|e| e.to_string())?;
        let n = u.recv(&mut buf).map_err(|e| e.to_string())?;
        Ok(String::from_utf8_lossy(&buf[..n]).trim().to_string())
    })
    .ok()
}

/// An ICMP echo (`ping -c 1`): `Some("")` when answered.
pub fn probe_icmp(ns: &str, dst: IpAddr) -> Seen {
    let ok = Command::new("ip")
        .args(["netns", "exec", ns, "ping", "-n", "-c", "1", "-W", "1"])
        .arg(dst.to_string())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    ok.then(String::new)
}

pub mod random;
pub mod transit;
