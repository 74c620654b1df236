//! The differential test: seeded random worlds realised in the kernel, and for each
//! flow the engine's verdict (crates/reach) compared with a real probe between
//! namespaces (TCP connect, UDP request/answer, ICMP echo): within and between VPCs
//! (peerings, middleboxes, IPv4 and IPv6), to the internet (internet gateway, NAT gateway,
//! egress-only gateway for IPv6), to S3 (gateway endpoint or internet), and through
//! PrivateLink (interface endpoint → load-balancer node → target in another account's VPC,
//! overlapping or not). Any difference fails with the
//! flow and both answers. `OVPC_DIFF_SEEDS=1,2,3` picks the worlds, `OVPC_DIFF_FLOWS`
//! the flows per world (default: 4 worlds × 130 flows).

mod kit;

use std::net::IpAddr;
use std::sync::Mutex;

use kit::random::{world, RWorld, Rng};
use kit::{probe_icmp, probe_tcp, probe_udp, serve, Api, Plane};
use openvpc_dataplane::build::{INTERNET_HOST_V4, INTERNET_HOST_V6};

/// The S3 stand-in's first address in us-east-1 (reached through a gateway endpoint or,
/// with a public address, through an internet gateway).
const S3: [u8; 4] = [52, 216, 0, 1];
use openvpc_reach::{decide, Endpoint, Flow, HopKind, Protocol, View};

#[derive(Debug, Clone)]
struct Case {
    /// What kind of path the flow tries (for the coverage summary).
    kind: &'static str,
    src: String,
    dst: IpAddr,
    protocol: Protocol,
    port: Option<u16>,
    sport: u16,
}

/// What the engine expects: `None` blocked, `Some(name)` the answering party
/// (`internet` or an interface id) and, for the internet, the address it sees.
fn expected(view: &View, c: &Case) -> (Option<String>, String) {
    let flow = Flow {
        source: c.src.clone(),
        destination: Endpoint::Ip(c.dst),
        protocol: c.protocol,
        port: c.port,
        source_port: Some(c.sport),
    };
    let v = decide(view, &flow);
    let why = v
        .explanations
        .iter()
        .map(|e| format!("{:?} {}: {}", e.code, e.component, e.message()))
        .collect::<Vec<_>>()
        .join("; ");
    if !v.reachable {
        return (None, why);
    }
    let why = v
        .forward
        .iter()
        .map(|h| format!("{:?} {}", h.kind, h.component))
        .collect::<Vec<_>>()
        .join(" > ");
    let end = v.forward.iter().rev().find(|h| {
        matches!(
            h.kind,
            HopKind::NetworkInterface
                | HopKind::InterfaceEndpoint
                | HopKind::Internet
                | HopKind::Service
        )
    });
    let name = match end {
        Some(h) if h.kind == HopKind::Internet => format!("internet {}", h.header.src),
        Some(h) if h.kind == HopKind::Service => format!("s3 {}", h.header.src),
        Some(h) => h.component.to_string(),
        None => "?".into(),
    };
    (Some(name), why)
}

fn probe(ns: &str, c: &Case) -> Option<String> {
    match c.protocol {
        p if p == Protocol::TCP => probe_tcp(ns, c.sport, c.dst, c.port.unwrap_or(7000)),
        p if p == Protocol::UDP => probe_udp(ns, c.sport, c.dst, c.port.unwrap_or(7100)),
        _ => probe_icmp(ns, c.dst),
    }
}

/// Compares the kernel's answer with the engine's; `Err` describes a difference.
fn agree(c: &Case, want: &(Option<String>, String), got: &Option<String>) -> Result<(), String> {
    let same = match (&want.0, got) {
        (None, None) => true,
        (Some(_), Some(_)) if c.protocol == Protocol::ICMP => true,
        (Some(w), Some(g)) if w.starts_with("internet ") || w.starts_with("s3 ") => {
            g.lines().last() == Some(w.as_str())
        }
        (Some(w), Some(g)) => g.split_whitespace().next() == Some(w.as_str()),
        _ => false,
    };
    if same {
        Ok(())
    } else {
        Err(format!(
            "{} -> {} {:?} port {:?} (source port {}): engine {} [{}], kernel {}",
            c.src,
            c.dst,
            c.protocol,
            c.port,
            c.sport,
            want.0
                .as_deref()
                .map_or("blocked".into(), |n| format!("reachable to {n}")),
            want.1,
            got.as_deref()
                .map_or("blocked".into(), |s| format!("answered {s:?}")),
        ))
    }
}

fn cases(api: &Api, rw: &RWorld, rng: &mut Rng, n: usize, sport: &mut u16) -> Vec<Case> {
    let w = api.world();
    let enis: Vec<&openvpc_core::eni::NetworkInterface> = w
        .network_interfaces
        .values()
        .filter(|e| e.interface_type == "interface")
        .collect();
    let mut out = Vec::new();
    while out.len() < n {
        let mut s = enis[rng.below(enis.len())];
        let d = if rng.chance(0.4) {
            // Half the time within the source's VPC.
            let same: Vec<_> = enis.iter().filter(|e| e.vpc_id == s.vpc_id).collect();
            *same[rng.below(same.len())]
        } else {
            enis[rng.below(enis.len())]
        };
        if s.id == d.id {
            continue;
        }
        let v6 = rng.chance(0.25) && !s.ipv6_addresses.is_empty();
        let mut kind = "vpc";
        let mut listener = None;
        let dst: IpAddr = if rng.chance(0.05) {
            kind = "s3";
            S3.into()
        } else if rng.chance(0.1) {
            kind = "internet";
            INTERNET_HOST_V4.into()
        } else if v6 && rng.chance(0.3) {
            // Through an internet gateway or an egress-only one, or nowhere.
            kind = "internet-ipv6";
            INTERNET_HOST_V6.into()
        } else if !rw.endpoint_interfaces.is_empty() && rng.chance(0.12) {
            // PrivateLink: to an interface endpoint, from its VPC or a peer.
            kind = "privatelink";
            let (e, port) = rng.pick(&rw.endpoint_interfaces);
            listener = Some(*port);
            let e = w.network_interfaces.get(e);
            // Mostly from the endpoint's own VPC (else from anywhere: peers, others).
            let local: Vec<_> = enis
                .iter()
                .filter(|x| e.is_some_and(|e| e.vpc_id == x.vpc_id))
                .collect();
            if !local.is_empty() && rng.chance(0.6) {
                s = local[rng.below(local.len())];
            }
            match e.and_then(|e| e.private_ips.first()) {
                Some(a) => (*a).into(),
                None => continue,
            }
        } else if v6 {
            match d.ipv6_addresses.first() {
                Some(a) => (*a).into(),
                None => continue,
            }
        } else {
            d.private_ips[0].into()
        };
        // A program talking to its own address never leaves its host (the kernel delivers
        // it on `lo`), so such a flow says nothing about the VPC.
        let own = match dst {
            IpAddr::V4(a) => s.private_ips.contains(&a),
            IpAddr::V6(a) => s.ipv6_addresses.contains(&a),
        };
        if own {
            continue;
        }
        let (protocol, port) = match rng.below(4) {
            // PrivateLink: mostly its listener's port.
            _ if listener.is_some() && rng.chance(0.6) => (Protocol::TCP, listener),
            0 => (Protocol::UDP, Some(kit::UDP_PORT)),
            1 => (Protocol::ICMP, None),
            _ => (Protocol::TCP, Some(*rng.pick(&kit::TCP_PORTS))),
        };
        // The stand-ins answer ICMP and TCP 80 (and 443).
        let outside = [
            INTERNET_HOST_V4.into(),
            INTERNET_HOST_V6.into(),
            IpAddr::from(S3),
        ]
        .contains(&dst);
        let (protocol, port) = match protocol {
            _ if !outside => (protocol, port),
            p if p == Protocol::ICMP => (protocol, port),
            _ => (Protocol::TCP, Some(80)),
        };
        *sport += 1;
        if kind == "vpc" && v6 {
            kind = "vpc-ipv6";
        }
        out.push(Case {
            kind,
            src: s.id.clone(),
            dst,
            protocol,
            port,
            sport: *sport,
        });
    }
    out
}

#[test]
fn engine_and_kernel_agree_on_random_worlds() {
    if !kit::capable() {
        return;
    }
    let seeds: Vec<u64> = std::env::var("OVPC_DIFF_SEEDS")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1, 2, 3, 4]);
    let per_world: usize = std::env::var("OVPC_DIFF_FLOWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(130);
    let mut differences = Vec::new();
    let mut total = 0;
    let reachable = std::sync::atomic::AtomicUsize::new(0);
    // Per kind of path: (flows, reachable).
    let by_kind = Mutex::new(std::collections::BTreeMap::<&str, (usize, usize)>::new());
    let mut sport = 20_000u16;
    for seed in seeds {
        let mut api = Api::new(seed);
        let rw = world(&mut api, seed);
        let mut plane = Plane::new("d");
        let desired = plane.apply(api.world());
        for e in api.world().network_interfaces.values() {
            serve(&plane.ns_of(&e.id), &e.id);
        }
        let mut standins = openvpc_dataplane::standin::StandIns::default();
        let errors = standins.sync(&desired.standins);
        assert!(errors.is_empty(), "{errors:?}");
        let view = View::compile(api.world());
        let mut rng = Rng(seed ^ 0xd1ff);
        let cases = cases(&api, &rw, &mut rng, per_world, &mut sport);
        total += cases.len();
        let found = Mutex::new(Vec::new());
        std::thread::scope(|s| {
            for part in cases.chunks(cases.len().div_ceil(12)) {
                let (found, view, plane, reachable) = (&found, &view, &plane, &reachable);
                let by_kind = &by_kind;
                s.spawn(move || {
                    for c in part {
                        let want = expected(view, c);
                        if want.0.is_some() {
                            reachable.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        }
                        {
                            let mut k = by_kind.lock().unwrap();
                            let e = k.entry(c.kind).or_default();
                            e.0 += 1;
                            e.1 += usize::from(want.0.is_some());
                        }
                        let got = probe(&plane.ns_of(&c.src), c);
                        if let Err(e) = agree(c, &want, &got) {
                            found.lock().unwrap().push(format!("seed {seed}: {e}"));
                        }
                    }
                });
            }
        });
        differences.extend(found.into_inner().unwrap());
        standins.stop_all();
    }
    let reachable = reachable.into_inner();
    eprintln!(
        "differential: {total} flows ({reachable} reachable, {} blocked by the engine), {} differences",
        total - reachable,
        differences.len()
    );
    let by_kind = by_kind.into_inner().unwrap();
    for (kind, (n, ok)) in &by_kind {
        eprintln!("  {kind}: {n} flows, {ok} reachable");
    }
    // Both verdicts are well represented (at least a tenth each), so neither side of the
    // comparison is vacuous.
    assert!(
        reachable * 10 >= total && (total - reachable) * 10 >= total,
        "worlds too one-sided: {reachable} of {total} flows reachable"
    );
    // Every kind of path is tried, and PrivateLink and IPv6 to the internet (through an
    // internet or egress-only gateway) both ways.
    for kind in ["privatelink", "internet-ipv6"] {
        let (n, ok) = by_kind.get(kind).copied().unwrap_or_default();
        assert!(ok > 0 && ok < n, "{kind}: {ok} of {n} flows reachable");
    }
    assert!(
        differences.is_empty(),
        "{} of {total} flows differ:\n{}",
        differences.len(),
        differences.join("\n")
    );
}
