//! The simulated outside: one "internet" namespace holding the stand-in host
//! (198.51.100.10 and an IPv6 address on `lo`), joined by an edge link to the router of
//! every VPC with an internet or egress-only gateway. The internet gateway's 1:1 NAT runs
//! in the router on the edge link (private ↔ public by two maps); the internet routes each
//! public address and each IPv6 block of a VPC with an internet gateway to that VPC's
//! edge link, and drops what leaves a VPC without a public source, so an interface
//! without a public address (or a NAT gateway) cannot reach it, as in the engine.
//! A NAT gateway is an interface namespace that masquerades its VPC's traffic to its
//! private address; the router's gateway NAT then maps that to its Elastic IP.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::Ipv4Addr;

use crate::model::{Desired, Obj, RouteTo, MAIN_TABLE};
use crate::names::{mac, Kind};

use super::fabric::{any4, any6, forwarding_sysctls, link_end};
use super::nft::elements;
use super::{Ctx, INTERNET_HOST_V4, INTERNET_HOST_V6, LL_A, LL_B};

/// (private → public) of VPC `v`: interfaces' public addresses and NAT gateways'.
fn publics(c: &Ctx, v: usize) -> BTreeMap<Ipv4Addr, Ipv4Addr> {
    let mut m = BTreeMap::new();
    for e in c.f.interfaces.iter().filter(|e| e.vpc == v) {
        for &(private, public) in &e.publics {
            m.entry(private).or_insert(public);
        }
    }
    for n in c.f.nat_gateways.iter().filter(|n| n.vpc == v) {
        if let Some(p) = n.public {
            m.entry(n.private).or_insert(p);
        }
    }
    m
}

/// The internet namespace, its edge links and routes, and NAT gateways' masquerading.
pub fn internet(c: &Ctx, d: &mut Desired) {
    nat_gateways(c, d);
    if c.edge_links.is_empty() {
        return;
    }
    let inet = c.names.namespace(Kind::Internet, "");
    let p = d.ns(
        &inet,
        Kind::Internet,
        c.names.marker(Kind::Internet, "internet"),
    );
    p.sysctls = forwarding_sysctls();
    p.add(Obj::host("lo", INTERNET_HOST_V4.into()));
    p.add(Obj::host("lo", INTERNET_HOST_V6.into()));
    let mut regions: Vec<String> = c.w.vpcs.values().map(|v| v.scope.region.clone()).collect();
    regions.sort();
    regions.dedup();
    for region in &regions {
        for service in ["s3", "dynamodb"] {
            for a in super::endpoints::standin_addresses(region, service) {
                p.add(Obj::host("lo", a.into()));
            }
        }
    }
    d.standins.insert(inet.clone(), "internet".into());
    let mut all_publics = Vec::new();
    for (&v, link) in &c.edge_links {
        let router = &c.routers[v];
        let (r_mac, i_mac) = (mac(&format!("{link}/r")), mac(&format!("{link}/i")));
        link_end(d, router, link, LL_A, LL_B, &i_mac);
        link_end(d, &inet, link, LL_B, LL_A, &r_mac);
        d.link(crate::model::Link {
            a_ns: router.clone(),
            a_name: link.clone(),
            a_mac: r_mac,
            b_ns: inet.clone(),
            b_name: link.clone(),
            b_mac: i_mac,
        });
        let p = d.namespaces.get_mut(&inet).expect("internet planned");
        let vpc = &c.f.vpcs[v];
        let mut nets: Vec<ipnet::IpNet> = vpc.v6.iter().map(|n| (*n).into()).collect();
        if vpc.igw.is_some() {
            let pubs = publics(c, v);
            nets.extend(
                pubs.values()
                    .map(|a| ipnet::IpNet::from(std::net::IpAddr::V4(*a))),
            );
            all_publics.extend(pubs.into_values());
        }
        for n in nets {
            p.add(Obj::via(MAIN_TABLE, n, LL_A, link));
        }
        d.count("internet_gateways");
    }
    let p = d.namespaces.get_mut(&inet).expect("internet planned");
    for dst in [any4(), any6()] {
        p.add(Obj::Route {
            table: MAIN_TABLE,
            dst,
            to: RouteTo::Prohibit,
        });
    }
    let pubs =
        elements(all_publics.iter().map(|a| a.to_string())).unwrap_or_else(|| "{ 0.0.0.0 }".into());
    p.nft = format!(
        "table inet ovpc {{\n  chain input {{\n    type filter hook input priority 0; policy accept;\n    meta nfproto ipv4 ip saddr != {pubs} meta l4proto tcp reject with tcp reset\n    meta nfproto ipv4 ip saddr != {pubs} drop\n  }}\n  chain forward {{\n    type filter hook forward priority 0; policy accept;\n    meta nfproto ipv4 ip saddr != {pubs} meta l4proto tcp reject with tcp reset\n    meta nfproto ipv4 ip saddr != {pubs} drop\n  }}\n}}\n"
    );
}

/// The internet gateway's 1:1 NAT in router `v`'s ruleset.
pub fn router_nat(c: &Ctx, v: usize, out: &mut String) {
    let Some(link) = c.edge_links.get(&v) else {
        return;
    };
    if c.f.vpcs[v].igw.is_none() {
        return;
    }
    let pubs = publics(c, v);
    let outward = elements(pubs.iter().map(|(p, q)| format!("{p} : {q}")));
    let inward = elements(pubs.iter().map(|(p, q)| format!("{q} : {p}")));
    let (Some(outward), Some(inward)) = (outward, inward) else {
        return;
    };
    let _ = write!(
        out,
        "table ip ovpcnat {{\n  map outward {{\n    type ipv4_addr : ipv4_addr\n    elements = {outward}\n  }}\n  map inward {{\n    type ipv4_addr : ipv4_addr\n    elements = {inward}\n  }}\n  chain pre {{\n    type nat hook prerouting priority dstnat; policy accept;\n    iifname \"{link}\" dnat to ip daddr map @inward\n  }}\n  chain post {{\n    type nat hook postrouting priority srcnat; policy accept;\n    oifname \"{link}\" snat to ip saddr map @outward\n  }}\n}}\n"
    );
}

/// A NAT gateway's interface masquerades what its VPC sends through it (IPv4 only).
fn nat_gateways(c: &Ctx, d: &mut Desired) {
    for n in &c.f.nat_gateways {
        let Some(i) = c.interface_at(n.vpc, std::net::IpAddr::V4(n.private)) else {
            continue;
        };
        let vpc = elements(c.f.vpcs[n.vpc].v4.iter().map(|n| n.to_string()))
            .unwrap_or_else(|| "{ 0.0.0.0/32 }".into());
        let ns = &c.interface_ns[i];
        let Some(p) = d.namespaces.get_mut(ns) else {
            continue;
        };
        let private = n.private;
        p.nft = format!(
            "table inet ovpc {{\n  chain forward {{\n    type filter hook forward priority 0; policy drop;\n    ct state established,related accept\n    meta nfproto ipv4 ip saddr {vpc} accept\n    meta l4proto tcp reject with tcp reset\n  }}\n  chain post {{\n    type nat hook postrouting priority srcnat; policy accept;\n    meta nfproto ipv4 ip saddr != {private} masquerade\n  }}\n}}\n"
        );
        d.count("nat_gateways");
    }
}
