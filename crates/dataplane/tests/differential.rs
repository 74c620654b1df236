//! The differential test: seeded random worlds realised in the kernel, and for each
//! flow the engine's verdict (crates/reach) compared with a real probe between
//! namespaces (TCP connect, UDP request/answer, ICMP echo): within and between VPCs
//! (peerings, middleboxes, IPv4 and IPv6), to the internet (internet gateway, NAT gateway,
//! egress-only gateway for IPv6), to S3 (gateway endpoint or internet), and through
//! PrivateLink (interface endpoint → load-balancer node → target in another account's VPC,
//! overlapping or not), and through transit gateways (worlds of their own). Any difference
//! fails with the flow and both answers. `OVPC_DIFF_SEEDS=1,2,3` picks the worlds
//! (`OVPC_DIFF_TGW_SEEDS` the transit-gateway worlds), `OVPC_DIFF_FLOWS` the flows per world
//! (default: 4 + 3 worlds × 130 flows).

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
/// (`internet` or an interface id) and, for the internet, the address it sees; with the
/// path or the blockers' explanation codes.
fn expected(view: &View, c: &Case) -> ((Option<String>, String), Vec<String>) {
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
        let codes = v
            .explanations
            .iter()
            .map(|e| format!("{:?}", e.code))
            .collect();
        return ((None, why), codes);
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
    ((Some(name), why), Vec::new())
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

/// The flows a run tries per world.
#[derive(Clone, Copy)]
struct Mix {
    flows: usize,
    /// The share between interfaces of one VPC.
    same_vpc: f64,
    /// The share over IPv6 (from interfaces with an IPv6 address).
    ipv6: f64,
    /// Whether some flows go to the internet and to S3.
    outside: bool,
}

/// Random flows of world `rw`.
fn cases(api: &Api, rw: &RWorld, rng: &mut Rng, mix: Mix, sport: &mut u16) -> Vec<Case> {
    let (n, same_vpc) = (mix.flows, mix.same_vpc);
    let w = api.world();
    let enis: Vec<&openvpc_core::eni::NetworkInterface> = w
        .network_interfaces
        .values()
        .filter(|e| e.interface_type == "interface")
        .collect();
    let mut out = Vec::new();
    while out.len() < n {
        let mut s = enis[rng.below(enis.len())];
        let d = if rng.chance(same_vpc) {
            let same: Vec<_> = enis.iter().filter(|e| e.vpc_id == s.vpc_id).collect();
            *same[rng.below(same.len())]
        } else {
            enis[rng.below(enis.len())]
        };
        if s.id == d.id {
            continue;
        }
        let v6 = rng.chance(mix.ipv6) && !s.ipv6_addresses.is_empty();
        let mut kind = "vpc";
        let mut listener = None;
        let dst: IpAddr = if mix.outside && rng.chance(0.05) {
            kind = "s3";
            S3.into()
        } else if mix.outside && rng.chance(0.1) {
            kind = "internet";
            INTERNET_HOST_V4.into()
        } else if mix.outside && v6 && rng.chance(0.3) {
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
        if kind.starts_with("vpc") && s.vpc_id != d.vpc_id {
            kind = if v6 { "other-vpc-ipv6" } else { "other-vpc" };
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

/// What a run over several worlds found.
#[derive(Default)]
struct Outcome {
    total: usize,
    reachable: usize,
    /// Per kind of path: (flows, reachable).
    by_kind: std::collections::BTreeMap<&'static str, (usize, usize)>,
    /// Per explanation code of the engine's blocked verdicts: flows.
    blockers: std::collections::BTreeMap<String, usize>,
    /// Flows through a transit gateway the engine finds reachable, and those of them
    /// crossing a peering attachment between two gateways.
    through_transit: usize,
    through_peering: usize,
    differences: Vec<String>,
}

/// Seeds from `var` (comma-separated), else `default`.
fn seeds(var: &str, default: &[u64]) -> Vec<u64> {
    std::env::var(var)
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| default.to_vec())
}

/// Builds the world of each seed with `make`, realises it, and compares the probes of
/// random flows (`mix`) with the engine's verdicts.
fn run(seeds: &[u64], tag: &str, mix: Mix, make: fn(&mut Api, u64) -> RWorld) -> Outcome {
    let out = Mutex::new(Outcome::default());
    let mut sport = 20_000u16;
    for &seed in seeds {
        let mut api = Api::new(seed);
        let rw = make(&mut api, seed);
        let mut plane = Plane::new(tag);
        let desired = plane.apply(api.world());
        for e in api.world().network_interfaces.values() {
            serve(&plane.ns_of(&e.id), &e.id);
        }
        let mut standins = openvpc_dataplane::standin::StandIns::default();
        let errors = standins.sync(&desired.standins);
        assert!(errors.is_empty(), "{errors:?}");
        let view = View::compile(api.world());
        let mut rng = Rng(seed ^ 0xd1ff);
        let cases = cases(&api, &rw, &mut rng, mix, &mut sport);
        out.lock().unwrap().total += cases.len();
        std::thread::scope(|s| {
            for part in cases.chunks(cases.len().div_ceil(12)) {
                let (out, view, plane) = (&out, &view, &plane);
                s.spawn(move || {
                    for c in part {
                        let (want, codes) = expected(view, c);
                        let got = probe(&plane.ns_of(&c.src), c);
                        let mut o = out.lock().unwrap();
                        let e = o.by_kind.entry(c.kind).or_default();
                        e.0 += 1;
                        e.1 += usize::from(want.0.is_some());
                        if want.0.is_some() {
                            o.reachable += 1;
                            o.through_transit += usize::from(want.1.contains("TransitGateway"));
                            o.through_peering +=
                                usize::from(want.1.contains("TransitGatewayAttachment"));
                        }
                        for code in codes {
                            *o.blockers.entry(code).or_default() += 1;
                        }
                        if let Err(e) = agree(c, &want, &got) {
                            o.differences.push(format!("seed {seed}: {e}"));
                        }
                    }
                });
            }
        });
        standins.stop_all();
    }
    let out = out.into_inner().unwrap();
    eprintln!(
        "differential ({tag}): {} flows ({} reachable, {} blocked by the engine), {} differences",
        out.total,
        out.reachable,
        out.total - out.reachable,
        out.differences.len()
    );
    for (kind, (n, ok)) in &out.by_kind {
        eprintln!("  {kind}: {n} flows, {ok} reachable");
    }
    eprintln!("  blocked by: {:?}", out.blockers);
    eprintln!(
        "  reachable through a transit gateway: {} (across a peering of gateways: {})",
        out.through_transit, out.through_peering
    );
    // Both verdicts are well represented (at least a tenth each), so neither side of the
    // comparison is vacuous.
    assert!(
        out.reachable * 10 >= out.total && (out.total - out.reachable) * 10 >= out.total,
        "worlds too one-sided: {} of {} flows reachable",
        out.reachable,
        out.total
    );
    assert!(
        out.differences.is_empty(),
        "{} of {} flows differ:\n{}",
        out.differences.len(),
        out.total,
        out.differences.join("\n")
    );
    out
}

fn flows_per_world() -> usize {
    std::env::var("OVPC_DIFF_FLOWS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(130)
}

#[test]
fn engine_and_kernel_agree_on_random_worlds() {
    if !kit::capable() {
        return;
    }
    let seeds = seeds("OVPC_DIFF_SEEDS", &[1, 2, 3, 4]);
    let mix = Mix {
        flows: flows_per_world(),
        same_vpc: 0.4,
        ipv6: 0.25,
        outside: true,
    };
    let out = run(&seeds, "d", mix, world);
    // Every kind of path is tried, and PrivateLink and IPv6 to the internet (through an
    // internet or egress-only gateway) both ways.
    for kind in ["privatelink", "internet-ipv6"] {
        let (n, ok) = out.by_kind.get(kind).copied().unwrap_or_default();
        assert!(ok > 0 && ok < n, "{kind}: {ok} of {n} flows reachable");
    }
}

/// Transit-gateway worlds (`kit::transit`): flows between VPCs through one or two
/// gateways. Each transit-gateway blocker (no subnet in the sender's zone, blackhole, no
/// route, no association) and reachable paths through a gateway all occur.
/// `OVPC_DIFF_TGW_SEEDS` picks the worlds.
#[test]
fn engine_and_kernel_agree_on_transit_worlds() {
    if !kit::capable() {
        return;
    }
    let seeds = seeds("OVPC_DIFF_TGW_SEEDS", &[1, 2, 3]);
    let mix = Mix {
        flows: flows_per_world(),
        same_vpc: 0.2,
        ipv6: 0.4,
        outside: false,
    };
    let out = run(&seeds, "t", mix, kit::transit::world);
    assert!(out.through_transit > 0, "no flow crossed a transit gateway");
    if std::env::var_os("OVPC_DIFF_TGW_SEEDS").is_none() {
        for code in [
            "TgwRouteAzRestriction",
            "TgwRtbBadStateRoute",
            "TgwRtbCannotRoute",
        ] {
            assert!(
                out.blockers.contains_key(code),
                "no flow blocked by {code}: {:?}",
                out.blockers
            );
        }
    }
}
