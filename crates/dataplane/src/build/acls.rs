//! Network ACLs: stateless, at subnet boundaries, entries in rule order.
//!
//! A packet forwarded from an interface of subnet S to a link that is not S's meets S's
//! outbound entries (remote = its destination); a packet delivered to an interface of
//! subnet T from outside T meets T's inbound entries (remote = its source). Same-subnet
//! delivery meets none, as in the engine.

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
    // Interfaces of this VPC by subnet.
    let mut by_subnet: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, eni) in f.interfaces.iter().enumerate() {
        if eni.vpc == v {
            by_subnet.entry(eni.subnet).or_default().push(i);
        }
    }
    let mut acls: Vec<usize> = by_subnet.keys().filter_map(|&s| f.subnets[s].acl).collect();
    acls.sort_unstable();
    acls.dedup();
    for &a in &acls {
        let id = ident(&f.acls[a].id);
        chain(out, &format!("aout_{id}"), &f.acls[a].outbound, "daddr");
        chain(out, &format!("ain_{id}"), &f.acls[a].inbound, "saddr");
    }
    // Inbound dispatch: the arriving subnet's inbound entries.
    let inbound = elements(by_subnet.iter().flat_map(|(&s, is)| {
        f.subnets[s].acl.into_iter().flat_map(move |a| {
            is.iter()
                .map(move |&i| format!("\"{}\" : jump ain_{}", c.links[i], ident(&f.acls[a].id)))
        })
    }));
    let _ = writeln!(out, "  chain acl_in {{");
    if let Some(m) = &inbound {
        let _ = writeln!(out, "    oifname vmap {m}");
    }
    out.push_str("  }\n");
    let mut dispatch = Vec::new();
    for (&s, is) in &by_subnet {
        let sid = ident(&f.subnets[s].id);
        let members = elements(is.iter().map(|&i| format!("\"{}\"", c.links[i])));
        let _ = writeln!(out, "  chain from_{sid} {{");
        if let Some(m) = members {
            let _ = writeln!(out, "    oifname {m} return");
        }
        if let Some(a) = f.subnets[s].acl {
            let _ = writeln!(out, "    jump aout_{}", ident(&f.acls[a].id));
        }
        out.push_str("    jump acl_in\n  }\n");
        dispatch.extend(
            is.iter()
                .map(|&i| format!("\"{}\" : jump from_{sid}", c.links[i])),
        );
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
