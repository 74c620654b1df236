//! PrivateLink with real packets, as the engine places it ([`Placement`]): the endpoint's
//! interface namespace (consumer VPC) takes TCP on its listener ports, translates it to
//! the load-balancer node's address and sends it over a private transit veth (never
//! routed anywhere else) to the node's interface namespace (provider VPC), which spreads
//! it over the targets (`numgen`) with its own address as the source, as the provider
//! sees PrivateLink traffic. Only connections the consumer opens pass (conntrack), so the
//! provider cannot reach into the consumer; overlapping address spaces never meet.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::net::{IpAddr, Ipv4Addr};

use openvpc_reach::fabric::Placement;

use crate::model::{Desired, Link, Obj, MAIN_TABLE};
use crate::names::{link, mac};

use super::fabric::link_end;
use super::{Ctx, LL_A, LL_B};

/// The address an endpoint sends to over a transit link (the node translates it to a
/// target before routing; it is never assigned, so it cannot collide with the
/// overlapping addresses of either VPC).
const NODE_TRANSIT: Ipv4Addr = Ipv4Addr::new(169, 254, 255, 1);

/// The source address an endpoint's traffic carries on the `k`-th transit link of a node.
fn transit_source(k: usize) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(Ipv4Addr::new(169, 254, 0, 0)) + 4 * k as u32 + 1)
}

/// Transit links, routes and rulesets of every placement.
pub fn render(c: &Ctx, d: &mut Desired) {
    let mut per_node: BTreeMap<usize, Vec<&Placement>> = BTreeMap::new();
    for p in &c.f.privatelink {
        per_node.entry(p.node).or_default().push(p);
    }
    for (node, places) in per_node {
        let node_ns = c.interface_ns[node].clone();
        for (k, p) in places.iter().enumerate() {
            endpoint_side(c, d, p, &node_ns, transit_source(k));
        }
        node_side(c, d, node, &places);
    }
}

fn endpoint_side(c: &Ctx, d: &mut Desired, p: &Placement, node_ns: &str, source: Ipv4Addr) {
    let ep_ns = c.interface_ns[p.interface].clone();
    let ep_link = link('t', &c.f.interfaces[p.node].id);
    let node_link = link('t', &c.f.interfaces[p.interface].id);
    let (ep_mac, node_mac) = (mac(&format!("{ep_link}/e")), mac(&format!("{node_link}/n")));
    link_end(d, &ep_ns, &ep_link, LL_A, LL_B, &node_mac);
    link_end(d, node_ns, &node_link, LL_B, LL_A, &ep_mac);
    d.link(Link {
        a_ns: ep_ns.clone(),
        a_name: ep_link.clone(),
        a_mac: ep_mac,
        b_ns: node_ns.to_string(),
        b_name: node_link.clone(),
        b_mac: node_mac,
    });
    let route = |ns: &str, d: &mut Desired, dst: Ipv4Addr, via: &str, dev: &str| {
        if let Some(plan) = d.namespaces.get_mut(ns) {
            plan.add(Obj::via(MAIN_TABLE, IpAddr::V4(dst).into(), via, dev));
        }
    };
    route(&ep_ns, d, NODE_TRANSIT, LL_B, &ep_link);
    route(node_ns, d, source, LL_A, &node_link);
    let Some(ep_ip) = c.f.interfaces[p.interface].v4.first() else {
        return;
    };
    let mut dnat = String::new();
    for l in &p.listeners {
        let _ = writeln!(
            dnat,
            "    iifname \"eth0\" ip daddr {ep_ip} tcp dport {} dnat ip to {NODE_TRANSIT}",
            l.port
        );
    }
    let text = format!(
        "table inet ovpc {{\n  chain pre {{\n    type nat hook prerouting priority dstnat; policy accept;\n{dnat}  }}\n  chain post {{\n    type nat hook postrouting priority srcnat; policy accept;\n    oifname \"{ep_link}\" snat ip to {source}\n  }}\n  chain forward {{\n    type filter hook forward priority 0; policy drop;\n    ct state established,related accept\n    iifname \"eth0\" oifname \"{ep_link}\" ct status dnat accept\n  }}\n  chain input {{\n    type filter hook input priority 0; policy accept;\n    iifname \"eth0\" meta l4proto tcp reject with tcp reset\n    iifname \"eth0\" drop\n  }}\n}}\n"
    );
    if let Some(plan) = d.namespaces.get_mut(&ep_ns) {
        plan.nft = text;
    }
    d.count("privatelink_interfaces");
}

fn node_side(c: &Ctx, d: &mut Desired, node: usize, places: &[&Placement]) {
    let node_ip = places[0].node_ip;
    let mut rules = String::new();
    let mut seen = std::collections::BTreeSet::new();
    for l in places.iter().flat_map(|p| &p.listeners) {
        if !seen.insert(l.port) {
            continue;
        }
        let targets: Vec<String> = l
            .targets
            .iter()
            .filter_map(|(a, port)| match a {
                IpAddr::V4(a) => Some(format!("{a} . {port}")),
                IpAddr::V6(_) => None,
            })
            .enumerate()
            .map(|(i, t)| format!("{i} : {t}"))
            .collect();
        if targets.is_empty() {
            let _ = writeln!(
                rules,
                "    iifname \"t*\" tcp dport {} reject with tcp reset",
                l.port
            );
        } else {
            let _ = writeln!(
                rules,
                "    iifname \"t*\" tcp dport {} dnat ip to numgen inc mod {} map {{ {} }}",
                l.port,
                targets.len(),
                targets.join(", ")
            );
        }
    }
    let text = format!(
        "table inet ovpc {{\n  chain pre {{\n    type nat hook prerouting priority dstnat; policy accept;\n{rules}  }}\n  chain post {{\n    type nat hook postrouting priority srcnat; policy accept;\n    oifname \"eth0\" ct status dnat snat ip to {node_ip}\n  }}\n  chain forward {{\n    type filter hook forward priority 0; policy accept;\n    iifname \"t*\" ct status dnat accept\n    iifname \"t*\" meta l4proto tcp reject with tcp reset\n    iifname \"t*\" drop\n  }}\n}}\n"
    );
    if let Some(plan) = d.namespaces.get_mut(&c.interface_ns[node]) {
        plan.nft = text;
    }
}
