//! Regions: each Region's fabric is separate. Every Region with an inter-Region peering
//! has a namespace (`ovpc-<owner>-rg-<region>`) at its edge, and two such Regions are
//! joined by one backbone veth between their namespaces. An inter-Region peering is a
//! TUN device in each of the two VPC routers (named as a peering link, so routes, rules,
//! groups and ACLs treat it like any peering) whose packets cross the backbone encrypted
//! by a userspace WireGuard worker ([`crate::tunnel`]): the backbone carries nothing else.

use std::net::Ipv4Addr;

use crate::model::{Desired, Link, Obj, Tunnel, TunnelEnd};
use crate::names::{fnv64, link, mac, Kind};
use crate::tunnel::BACKBONE_MTU;

use super::fabric::forwarding_sysctls;
use super::{Ctx, LL_A, LL_B};

/// The namespace of `region`, planned if new. IPv6 is off in it, so nothing but the
/// tunnels' IPv4 datagrams ever crosses a backbone (no neighbour discovery, no multicast
/// listener reports; IPv4 neighbours are permanent, so no ARP either).
fn region_ns(c: &Ctx, d: &mut Desired, region: &str) -> String {
    let ns = c.names.namespace(Kind::Region, region);
    if !d.namespaces.contains_key(&ns) {
        let p = d.ns(&ns, Kind::Region, c.names.marker(Kind::Region, region));
        p.sysctls = forwarding_sysctls();
        for scope in ["all", "default"] {
            p.sysctls
                .push((format!("ipv6/conf/{scope}/disable_ipv6"), "1".into()));
        }
        d.count("regions");
    }
    ns
}

/// The addresses of the backbone between Regions `a` and `b`: a /30 of 169.254.0.0/16
/// chosen by a hash of the pair (stable while the Regions exist).
pub fn backbone_addresses(a: &str, b: &str) -> (Ipv4Addr, Ipv4Addr) {
    let slot = (fnv64(&format!("{a}|{b}")) as u32 & 0x3fff) << 2;
    let base = u32::from(Ipv4Addr::new(169, 254, 0, 0)) | slot;
    (Ipv4Addr::from(base + 1), Ipv4Addr::from(base + 2))
}

/// The backbone link between Regions `a` < `b` (planned if new): its name and the
/// namespaces of `a` and `b`.
fn backbone(c: &Ctx, d: &mut Desired, a: &str, b: &str) -> (String, String, String) {
    let (a_ns, b_ns) = (region_ns(c, d, a), region_ns(c, d, b));
    let name = link('b', &format!("{a}|{b}"));
    let (a_mac, b_mac) = (mac(&format!("{name}/a")), mac(&format!("{name}/b")));
    let (a_ip, b_ip) = backbone_addresses(a, b);
    for (ns, ip, peer, peer_mac) in [(&a_ns, a_ip, b_ip, &b_mac), (&b_ns, b_ip, a_ip, &a_mac)] {
        let p = d.namespaces.get_mut(ns).expect("region planned");
        p.add(Obj::Up {
            dev: name.clone(),
            mtu: Some(BACKBONE_MTU),
        });
        p.add(Obj::addr(&name, ip.into(), 30));
        p.add(Obj::neigh(&name, peer.into(), peer_mac));
    }
    d.link(Link {
        a_ns: a_ns.clone(),
        a_name: name.clone(),
        a_mac,
        b_ns: b_ns.clone(),
        b_name: name.clone(),
        b_mac,
    });
    (name, a_ns, b_ns)
}

/// The TUN end in a router: up, with its link-local address (a TUN has no neighbours).
fn tun_end(d: &mut Desired, router: &str, name: &str, local: &str) {
    let p = d.namespaces.get_mut(router).expect("router planned");
    p.add(Obj::up(name));
    p.add(Obj::addr(name, super::fabric::ll(local), 64));
}

/// Region namespaces, backbones and a tunnel per active inter-Region peering.
pub fn render(c: &Ctx, d: &mut Desired) {
    for (&(a, b), (name, peer_ll)) in &c.peer_links {
        if a > b || c.regions[a] == c.regions[b] {
            continue;
        }
        let (a_ll, b_ll) = (if *peer_ll == LL_B { LL_A } else { LL_B }, *peer_ll);
        let id = c
            .peering_ids
            .get(name)
            .cloned()
            .unwrap_or_else(|| name.clone());
        let ends = [
            (c.routers[a].as_str(), c.regions[a].as_str(), a_ll),
            (c.routers[b].as_str(), c.regions[b].as_str(), b_ll),
        ];
        tunnel(c, d, id, name, ends);
        d.count("peerings");
        d.count("inter_region_peerings");
    }
}

/// An encrypted tunnel `id` between two router namespaces of different Regions: a TUN
/// device `name` in each (with its link-local address), the Regions' namespaces and their
/// backbone. `ends`: (router namespace, Region, link-local address).
pub fn tunnel(c: &Ctx, d: &mut Desired, id: String, name: &str, ends: [(&str, &str, &str); 2]) {
    let [(a_ns, ra, a_ll), (b_ns, rb, b_ll)] = ends;
    tun_end(d, a_ns, name, a_ll);
    tun_end(d, b_ns, name, b_ll);
    // The backbone's first end is the Region that sorts first.
    let a_first = ra < rb;
    let (lo, hi) = if a_first { (ra, rb) } else { (rb, ra) };
    let (bb, lo_ns, hi_ns) = backbone(c, d, lo, hi);
    let (lo_ip, hi_ip) = backbone_addresses(lo, hi);
    let end = |router: &str, first: bool| TunnelEnd {
        router: router.to_string(),
        tun: name.to_string(),
        region: if first { lo_ns.clone() } else { hi_ns.clone() },
        backbone: bb.clone(),
        local: if first { lo_ip } else { hi_ip },
        remote: if first { hi_ip } else { lo_ip },
    };
    let tunnel = Tunnel {
        ends: [end(a_ns, a_first), end(b_ns, !a_first)],
    };
    d.tunnels.insert(id, tunnel);
}
