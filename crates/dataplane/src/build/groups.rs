//! Security groups: stateful, per interface, in the VPC router.
//!
//! The sending interface's egress rules run when a new flow leaves its link, the
//! receiving interface's ingress rules when it arrives on its link; replies pass by
//! conntrack. A rule naming a group matches its members: on ingress by the link the
//! packet came over and its source (a member's own link, or the peering to the member's
//! VPC), so identity is lost through a middlebox as in the engine; on egress by the
//! destination address in the group's VPC.

use std::collections::BTreeSet;
use std::fmt::Write;

use ipnet::IpNet;
use openvpc_reach::fabric::{GroupRule, Interface, RulePeer};

use super::nft::{elements, ident, l4};
use super::Ctx;

/// Groups referenced by rules of interfaces in VPC `v`.
fn referenced(c: &Ctx, v: usize) -> BTreeSet<(usize, usize)> {
    let mut out = BTreeSet::new();
    for eni in c.f.interfaces.iter().filter(|e| e.vpc == v) {
        for &g in &eni.groups {
            let sg = &c.f.groups[g];
            for r in sg.ingress.iter().chain(&sg.egress) {
                if let RulePeer::Group { group, vpc } = r.peer {
                    out.insert((group, vpc));
                }
            }
        }
    }
    out
}

/// What interface `eni` holds of one family (`v4`) as set elements: addresses, and
/// delegated prefixes (which make a set an interval set).
fn held(eni: &Interface, v4: bool) -> impl Iterator<Item = String> + '_ {
    eni.held()
        .filter(move |n| n.addr().is_ipv4() == v4)
        .map(|n| match n.prefix_len() == n.max_prefix_len() {
            true => n.addr().to_string(),
            false => n.trunc().to_string(),
        })
}

/// Sets of members of group `g` (in VPC `gv`) as router `v` sees them.
fn member_sets(c: &Ctx, v: usize, g: usize, gv: usize, out: &mut String) {
    let id = ident(&c.f.groups[g].id);
    let via = |i: usize| -> Option<String> {
        if gv == v {
            Some(c.links[i].clone())
        } else {
            c.peer_links.get(&(v, gv)).map(|(l, _)| l.clone())
        }
    };
    let members: Vec<usize> =
        c.f.interfaces
            .iter()
            .enumerate()
            .filter(|(_, e)| e.vpc == gv && e.groups.contains(&g))
            .map(|(i, _)| i)
            .collect();
    let held = |i: usize, v4: bool| held(&c.f.interfaces[i], v4);
    let pairs = |v4: bool| {
        members.iter().flat_map(move |&i| {
            let l = via(i);
            held(i, v4).filter_map(move |a| l.clone().map(|l| format!("\"{l}\" . {a}")))
        })
    };
    let addrs = |v4: bool| members.iter().flat_map(move |&i| held(i, v4));
    let (pairs4, pairs6, addrs4, addrs6) = (pairs(true), pairs(false), addrs(true), addrs(false));
    // Sets holding a prefix are interval sets.
    let set = |out: &mut String, name: String, ty: &str, els: Option<String>| {
        let _ = write!(out, "  set {name} {{\n    type {ty}\n");
        if els.as_deref().is_some_and(|e| e.contains('/')) {
            out.push_str("    flags interval\n");
        }
        if let Some(e) = els {
            let _ = writeln!(out, "    elements = {e}");
        }
        out.push_str("  }\n");
    };
    set(
        out,
        format!("gi4_{id}_{gv}"),
        "ifname . ipv4_addr",
        elements(pairs4),
    );
    set(
        out,
        format!("gi6_{id}_{gv}"),
        "ifname . ipv6_addr",
        elements(pairs6),
    );
    set(out, format!("ge4_{id}_{gv}"), "ipv4_addr", elements(addrs4));
    set(out, format!("ge6_{id}_{gv}"), "ipv6_addr", elements(addrs6));
}

fn rule_lines(c: &Ctx, r: &GroupRule, ingress: bool, verdict: &str, out: &mut String) {
    let ports = matches!(r.protocol, Some(6 | 17)).then_some((r.from, r.to));
    let icmp = matches!(r.protocol, Some(1 | 58)).then_some((r.from, r.to));
    let m = l4(r.protocol, ports, icmp);
    let dir = if ingress { "saddr" } else { "daddr" };
    match &r.peer {
        RulePeer::Nets(nets) => {
            for n in nets {
                let fam = match n {
                    IpNet::V4(_) => "ip",
                    IpNet::V6(_) => "ip6",
                };
                let _ = writeln!(out, "    {fam} {dir} {n} {m} {verdict}");
            }
        }
        RulePeer::Group { group, vpc } => {
            let id = ident(&c.f.groups[*group].id);
            if ingress {
                let _ = writeln!(out, "    iifname . ip saddr @gi4_{id}_{vpc} {m} {verdict}");
                let _ = writeln!(out, "    iifname . ip6 saddr @gi6_{id}_{vpc} {m} {verdict}");
            } else {
                let _ = writeln!(out, "    ip daddr @ge4_{id}_{vpc} {m} {verdict}");
                let _ = writeln!(out, "    ip6 daddr @ge6_{id}_{vpc} {m} {verdict}");
            }
        }
        RulePeer::Stale => {}
    }
}

/// The security-group part of router `v`'s ruleset.
pub fn render(c: &Ctx, v: usize, out: &mut String) {
    for (g, gv) in referenced(c, v) {
        member_sets(c, v, g, gv, out);
    }
    let mut outs = Vec::new();
    let mut ins = Vec::new();
    let mut checks = Vec::new();
    for (i, eni) in c.f.interfaces.iter().enumerate() {
        if eni.vpc != v {
            continue;
        }
        let link = &c.links[i];
        if eni.source_dest_check && !c.nat_interfaces[i] {
            checks.push(i);
        }
        if c.nat_interfaces[i] {
            continue;
        }
        if c.open_interfaces[i] {
            // A load-balancer node without groups: what it sends is not checked (the
            // engine checks a node's groups only when it has some), but, like any
            // interface without groups, it admits no connection opened to it directly.
            ins.push(format!("\"{link}\" : jump deny"));
            continue;
        }
        let _ = writeln!(out, "  chain out_{link} {{");
        for &g in &eni.groups {
            for r in &c.f.groups[g].egress {
                rule_lines(c, r, false, "return", out);
            }
        }
        out.push_str("    jump deny\n  }\n");
        let _ = writeln!(out, "  chain in_{link} {{");
        for &g in &eni.groups {
            for r in &c.f.groups[g].ingress {
                rule_lines(c, r, true, "accept", out);
            }
        }
        out.push_str("    jump deny\n  }\n");
        outs.push(format!("\"{link}\" : jump out_{link}"));
        ins.push(format!("\"{link}\" : jump in_{link}"));
    }
    out.push_str("  chain sg {\n    type filter hook forward priority 0; policy drop;\n");
    for i in checks {
        let eni = &c.f.interfaces[i];
        let link = &c.links[i];
        let (own4, own6) = (elements(held(eni, true)), elements(held(eni, false)));
        let _ = writeln!(
            out,
            "    iifname \"{link}\" meta nfproto ipv4 ip saddr != {} drop",
            own4.clone().unwrap_or_else(|| "0.0.0.0".into())
        );
        let _ = writeln!(
            out,
            "    oifname \"{link}\" meta nfproto ipv4 ip daddr != {} drop",
            own4.unwrap_or_else(|| "0.0.0.0".into())
        );
        let _ = writeln!(
            out,
            "    iifname \"{link}\" meta nfproto ipv6 ip6 saddr != {} drop",
            own6.clone().unwrap_or_else(|| "::".into())
        );
        let _ = writeln!(
            out,
            "    oifname \"{link}\" meta nfproto ipv6 ip6 daddr != {} drop",
            own6.unwrap_or_else(|| "::".into())
        );
    }
    out.push_str("    ct state established,related accept\n");
    if let Some(link) = c.edge_links.get(&v) {
        if c.f.vpcs[v].igw.is_none() {
            // Only an egress-only gateway: nothing new comes in from the internet.
            let _ = writeln!(out, "    iifname \"{link}\" jump deny");
        }
    }
    if let Some(m) = elements(outs) {
        let _ = writeln!(out, "    iifname vmap {m}");
    }
    if let Some(m) = elements(ins) {
        let _ = writeln!(out, "    oifname vmap {m}");
    }
    out.push_str("    accept\n  }\n");
}
