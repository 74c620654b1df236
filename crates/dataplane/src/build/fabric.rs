//! Namespaces and links: a router per VPC, a namespace per interface joined to its router
//! by a veth, and a veth between the routers of every active peering.
//!
//! Every link carries IPv4 and IPv6 with link-local next hops (`fe80::1` router side,
//! `fe80::2` the other) and permanent neighbour entries, so no ARP or neighbour discovery
//! ever runs (and IPv6 works on the first packet).

use std::net::IpAddr;

use ipnet::IpNet;

use crate::model::{Desired, Link, Obj, RouteTo, LOCAL_ROUTES, MAIN_TABLE};
use crate::names::{mac, Kind};

use super::{Ctx, LL_A, LL_B};

/// Sysctls of a namespace that forwards (routers, interfaces, the internet).
pub fn forwarding_sysctls() -> Vec<(String, String)> {
    [
        ("ipv6/conf/all/accept_dad", "0"),
        ("ipv6/conf/default/accept_dad", "0"),
        ("ipv6/conf/all/accept_ra", "0"),
        ("ipv6/conf/default/accept_ra", "0"),
        ("ipv4/ip_forward", "1"),
        ("ipv6/conf/all/forwarding", "1"),
        ("ipv4/conf/all/rp_filter", "0"),
        ("ipv4/conf/default/rp_filter", "0"),
        ("ipv4/conf/all/send_redirects", "0"),
        ("ipv4/conf/default/send_redirects", "0"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// `link set NAME up` and the link-local address of one end.
pub fn link_end(d: &mut Desired, ns: &str, name: &str, local: &str, peer: &str, peer_mac: &str) {
    let p = d.namespaces.get_mut(ns).expect("namespace planned");
    p.add(Obj::up(name));
    p.add(Obj::addr(name, ll(local), 64));
    p.add(Obj::neigh(name, ll(peer), peer_mac));
}

/// A link-local address constant.
pub fn ll(s: &str) -> IpAddr {
    s.parse().expect("a link-local address")
}

/// One router namespace per VPC, with the subnets' gateway addresses on `lo`.
pub fn routers(c: &Ctx, d: &mut Desired) {
    for (v, vpc) in c.f.vpcs.iter().enumerate() {
        let marker = c.names.marker(Kind::Router, &vpc.id);
        let p = d.ns(&c.routers[v], Kind::Router, marker);
        p.sysctls = forwarding_sysctls();
        d.count("vpcs");
    }
    for (s, sub) in c.f.subnets.iter().enumerate() {
        let Some(router) = c.routers.get(sub.vpc) else {
            continue;
        };
        let p = d.namespaces.get_mut(router).expect("router planned");
        if let Some(n) = c.subnet_v4[s] {
            let gw = u32::from(n.network()) + 1;
            p.add(Obj::host("lo", std::net::Ipv4Addr::from(gw).into()));
        }
        for n in &c.subnet_v6[s] {
            let gw = std::net::Ipv6Addr::from(u128::from(n.network()) + 1);
            p.add(Obj::host("lo", gw.into()));
        }
    }
}

/// One namespace per interface: `eth0` with the interface's addresses (no on-link
/// prefix, so every packet goes through the router, where groups and ACLs are), default
/// routes through the router.
pub fn interfaces(c: &Ctx, d: &mut Desired) {
    for (i, eni) in c.f.interfaces.iter().enumerate() {
        let ns = &c.interface_ns[i];
        let router = &c.routers[eni.vpc];
        let eth_mac =
            c.w.network_interfaces
                .get(&eni.id)
                .map(|e| e.mac_address.clone())
                .filter(|m| m.len() == 17)
                .unwrap_or_else(|| mac(&eni.id));
        let router_mac = mac(&c.links[i]);
        let marker = c.names.marker(Kind::Interface, &eni.id);
        let p = d.ns(ns, Kind::Interface, marker);
        p.sysctls = super::fabric::forwarding_sysctls();
        p.nameserver = c.f.vpcs[eni.vpc]
            .v4
            .first()
            .map(|n| std::net::Ipv4Addr::from(u32::from(n.network()) + 2).to_string());
        let prefix4 = c.subnet_v4[eni.subnet].map_or(32, |n| n.prefix_len());
        let own = |a: IpAddr, prefix: u8| Obj::Addr {
            dev: "eth0".into(),
            net: IpNet::new(a, prefix).expect("a subnet's prefix length"),
            noprefixroute: true,
        };
        for a in &eni.v4 {
            p.add(own((*a).into(), prefix4));
        }
        let prefix6 = c.subnet_v6[eni.subnet]
            .first()
            .map_or(128, |n| n.prefix_len());
        for a in &eni.v6 {
            p.add(own((*a).into(), prefix6));
        }
        // Delegated prefixes: every address inside is the interface's own.
        let delegated = eni.v4_prefixes.iter().map(|n| IpNet::V4(*n));
        for n in delegated.chain(eni.v6_prefixes.iter().map(|n| IpNet::V6(*n))) {
            p.add(Obj::Route {
                table: LOCAL_ROUTES,
                dst: n,
                to: RouteTo::Local { dev: "lo".into() },
            });
        }
        if !eni.v4.is_empty() {
            p.add(Obj::via(MAIN_TABLE, any4(), LL_A, "eth0"));
        }
        p.add(Obj::via(MAIN_TABLE, any6(), LL_A, "eth0"));
        link_end(d, ns, "eth0", LL_B, LL_A, &router_mac);
        link_end(d, router, &c.links[i], LL_A, LL_B, &eth_mac);
        d.link(Link {
            a_ns: ns.clone(),
            a_name: "eth0".into(),
            a_mac: eth_mac,
            b_ns: router.clone(),
            b_name: c.links[i].clone(),
            b_mac: router_mac,
        });
        d.targets.insert(eni.id.clone(), ns.clone());
        d.count("interfaces");
    }
    for inst in c.w.instances.values() {
        if let Some(ns) = d.targets.get(&inst.network_interface_id).cloned() {
            if inst.state == openvpc_core::eni::InstanceState::Running {
                d.targets.insert(inst.id.clone(), ns);
                d.count("instances");
            }
        }
    }
}

/// `0.0.0.0/0`.
pub fn any4() -> IpNet {
    IpNet::V4(ipnet::Ipv4Net::default())
}

/// `::/0`.
pub fn any6() -> IpNet {
    IpNet::V6(ipnet::Ipv6Net::default())
}

/// A veth between the two routers of every active peering within a Region (an
/// inter-Region peering crosses an encrypted tunnel instead: `regions`).
pub fn peerings(c: &Ctx, d: &mut Desired) {
    for (&(a, b), (name, peer_ll)) in &c.peer_links {
        if a > b || c.regions[a] != c.regions[b] {
            continue;
        }
        let (a_ns, b_ns) = (&c.routers[a], &c.routers[b]);
        let (a_ll, b_ll) = (if *peer_ll == LL_B { LL_A } else { LL_B }, *peer_ll);
        let a_mac = mac(&format!("{name}/{a_ns}"));
        let b_mac = mac(&format!("{name}/{b_ns}"));
        link_end(d, a_ns, name, a_ll, b_ll, &b_mac);
        link_end(d, b_ns, name, b_ll, a_ll, &a_mac);
        d.link(Link {
            a_ns: a_ns.clone(),
            a_name: name.clone(),
            a_mac,
            b_ns: b_ns.clone(),
            b_name: name.clone(),
            b_mac,
        });
        d.count("peerings");
    }
}
