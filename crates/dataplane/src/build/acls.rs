//! Network ACLs: stateless, at subnet boundaries, entries in rule order.
//!
//! A packet forwarded from an interface of subnet S to a link that is not S's meets S's
//! outbound entries (remote = its destination); a packet delivered to an interface of
//! subnet T from outside T meets T's inbound entries (remote = its source). Same-subnet
//! delivery meets none, as in the engine.
//!
//! A transit-gateway attachment's link stands for its interface in subnet E: a packet
//! leaving S for it meets S's outbound entries and, unless S is E, E's inbound ones; a
//! packet arriving over it for subnet T meets E's outbound entries unless T is E, then
//! T's inbound ones (the engine's `decide::transit`).

use std::collections::BTreeMap;
use std::fmt::Write;

use ipnet::IpNet;
use openvpc_reach::fabric::AclEntry;

use super::nft::{elements, ident, l4};
use super::Ctx;

fn entry_rule(e: &AclEntry, remote: &str) -> String {
    let fam = match e.net {
        IpNet::V4(_) => "ip",
        IpNet::V6(_) => "ip6",
    };
    let ports = e.ports.map(|(a, b)| (i32::from(a), i32::from(b)));
    let m = l4(e.protocol, ports, e.icmp);
    let verdict = if e.allow { "return" } else { "jump deny" };
    format!("    {fam} {remote} {} {m} {verdict}\n", e.net)
}

fn chain(out: &mut String, name: &str, entries: &[AclEntry], remote: &str) {
    let _ = writeln!(out, "  chain {name} {{");
    for e in entries {
        out.push_str(&entry_rule(e, remote));
    }
    out.push_str("    jump deny\n  }\n");
}

/// The ACL part of router `v`'s ruleset.
pub fn render(c: &Ctx, v: usize, out: &mut String) {
    let f = c.f;
    // The links standing for each subnet's interfaces, and its transit-gateway
    // attachments' links.
    let mut by_subnet: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (i, eni) in f.interfaces.iter().enumerate() {
        if eni.vpc == v {
            by_subnet
                .entry(eni.subnet)
                .or_default()
                .push(c.links[i].clone());
        }
    }
    let mut attached: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for a in f.transit.attachments.iter().filter(|a| a.vpc == v) {
        for &(_, s) in &a.subnets {
            by_subnet.entry(s).or_default();
            let l = super::transit::attachment_link(c, a, s);
            attached.entry(s).or_default().push(l);
        }
    }
    let acl_of = |s: usize| f.subnets[s].acl.map(|a| ident(&f.acls[a].id));
    let mut acls: Vec<usize> = by_subnet.keys().filter_map(|&s| f.subnets[s].acl).collect();
    acls.sort_unstable();
    acls.dedup();
    for &a in &acls {
        let id = ident(&f.acls[a].id);
        chain(out, &format!("aout_{id}"), &f.acls[a].outbound, "daddr");
        chain(out, &format!("ain_{id}"), &f.acls[a].inbound, "saddr");
    }
    // Inbound dispatch: the arriving subnet's inbound entries (into an interface, or into
    // an attachment's interface on the way to its transit gateway).
    let mut inbound = Vec::new();
    for (&s, links) in by_subnet.iter().chain(&attached) {
        if let Some(acl) = acl_of(s) {
            inbound.extend(links.iter().map(|l| format!("\"{l}\" : jump ain_{acl}")));
        }
    }
    let _ = writeln!(out, "  chain acl_in {{");
    if let Some(m) = elements(inbound) {
        let _ = writeln!(out, "    oifname vmap {m}");
    }
    out.push_str("  }\n");
    let mut dispatch = Vec::new();
    for (&s, links) in &by_subnet {
        let sid = ident(&f.subnets[s].id);
        let members = elements(links.iter().map(|l| format!("\"{l}\"")));
        let _ = writeln!(out, "  chain from_{sid} {{");
        if let Some(m) = &members {
            let _ = writeln!(out, "    oifname {m} return");
        }
        if let Some(acl) = acl_of(s) {
            let _ = writeln!(out, "    jump aout_{acl}");
        }
        // Into an attachment's interface of the same subnet: no inbound entries.
        let own = attached
            .get(&s)
            .map(|ls| ls.iter().map(|l| format!("\"{l}\"")));
        if let Some(own) = own.and_then(elements) {
            let _ = writeln!(out, "    oifname {own} return");
        }
        out.push_str("    jump acl_in\n  }\n");
        dispatch.extend(links.iter().map(|l| format!("\"{l}\" : jump from_{sid}")));
        // Out of an attachment's interface in this subnet: its outbound entries, unless
        // delivered within the subnet.
        if let Some(ls) = attached.get(&s) {
            let _ = writeln!(out, "  chain tgw_{sid} {{");
            if let Some(acl) = acl_of(s) {
                match &members {
                    Some(m) => {
                        let _ = writeln!(out, "    oifname != {m} jump aout_{acl}");
                    }
                    None => {
                        let _ = writeln!(out, "    jump aout_{acl}");
                    }
                }
            }
            out.push_str("    jump acl_in\n  }\n");
            dispatch.extend(ls.iter().map(|l| format!("\"{l}\" : jump tgw_{sid}")));
        }
    }
    let outside: Vec<String> = c
        .peer_links
        .iter()
        .filter(|((a, _), _)| *a == v)
        .map(|(_, (l, _))| l.clone())
        .chain(c.edge_links.get(&v).cloned())
        .chain(
            c.w.vpc_endpoints
                .values()
                .filter(|e| e.vpc_id == c.f.vpcs[v].id)
                .filter_map(|e| c.gateway_links.get(&e.id).cloned()),
        )
        .map(|l| format!("\"{l}\" : jump acl_in"))
        .collect();
    dispatch.extend(outside);
    out.push_str("  chain acl {\n    type filter hook forward priority -10; policy accept;\n");
    if let Some(m) = elements(dispatch) {
        let _ = writeln!(out, "    iifname vmap {m}");
    }
    out.push_str("  }\n");
}
