//! Route tables as kernel tables in the VPC router, chosen per arriving link by policy
//! rules:
//!
//! | pref | selector | action |
//! |---|---|---|
//! | 1000 | from a peering or the edge | lookup the local-interface table (no transit, no edge to edge) |
//! | 1500 | from a peering or the edge | prohibit |
//! | 2000 | from an interface, to its own subnet | lookup the local-interface table (same subnet: no route table) |
//! | 2100 | from an interface | lookup its subnet's route table (`local` routes are `throw`) |
//! | 2200 | from an interface | lookup the local-interface table (after a `throw`) |
//! | 2900, 2950 | from the router itself | the main route table, then the local-interface table |
//! | 3001 | everything else | prohibit |

use std::net::IpAddr;

use ipnet::IpNet;
use openvpc_reach::fabric::Target;

use crate::model::{Desired, NsPlan, Obj, ROUTE, RULE};
use crate::names::table_id;

use super::{Ctx, LL_B, LOCAL_TABLE};

fn rule(p: &mut NsPlan, spec: String) {
    p.add(Obj::new(
        RULE,
        format!("rule add {spec}"),
        format!("rule del {spec}"),
    ));
    p.add(Obj::rule6(
        format!("rule add {spec}"),
        format!("rule del {spec}"),
    ));
}

fn route(p: &mut NsPlan, spec: String, table: u32, key_prefix: &IpNet) {
    let obj = Obj::new(
        ROUTE,
        format!("route replace {spec} table {table}"),
        format!("route del {key_prefix} table {table}"),
    );
    // Keyed by prefix and table: a changed target replaces the route in place.
    p.objects
        .insert(format!("route {key_prefix} table {table}"), obj);
}

/// The kernel route for `target`, or `None` when it cannot be realised here.
fn kernel_route(c: &Ctx, vpc: usize, net: &IpNet, target: &Target) -> String {
    let prohibit = format!("prohibit {net}");
    match target {
        Target::Local => format!("throw {net}"),
        Target::Peering { peer, .. } => match c.peer_links.get(&(vpc, *peer)) {
            Some((link, ll)) => format!("{net} via inet6 {ll} dev {link}"),
            None => prohibit,
        },
        Target::InternetGateway(_) | Target::EgressOnlyInternetGateway(_) => {
            match c.edge_links.get(&vpc) {
                Some(link) => format!("{net} via inet6 {LL_B} dev {link}"),
                None => prohibit,
            }
        }
        Target::NatGateway(n) => {
            let nat = &c.f.nat_gateways[*n];
            match c.interface_at(nat.vpc, IpAddr::V4(nat.private)) {
                Some(i) if net.addr().is_ipv4() => {
                    format!("{net} via inet6 {LL_B} dev {}", c.links[i])
                }
                _ => prohibit,
            }
        }
        Target::Interface(i) => format!("{net} via inet6 {LL_B} dev {}", c.links[*i]),
        Target::GatewayEndpoint(id) => match c.gateway_links.get(id) {
            Some(g) => format!("{net} via inet6 {LL_B} dev {g}"),
            None => prohibit,
        },
        Target::Unsupported(_) | Target::Blackhole(_) => prohibit,
    }
}

/// The local-interface table, the subnets' route tables and the rules choosing them.
pub fn tables(c: &Ctx, d: &mut Desired) {
    for (i, eni) in c.f.interfaces.iter().enumerate() {
        let p = d.namespaces.get_mut(&c.routers[eni.vpc]).expect("router");
        let link = &c.links[i];
        for a in eni.v4.iter().map(|a| IpNet::from(IpAddr::V4(*a))) {
            route(
                p,
                format!("{a} via inet6 {LL_B} dev {link}"),
                LOCAL_TABLE,
                &a,
            );
        }
        for a in eni.v6.iter().map(|a| IpNet::from(IpAddr::V6(*a))) {
            route(
                p,
                format!("{a} via inet6 {LL_B} dev {link}"),
                LOCAL_TABLE,
                &a,
            );
        }
        let sub = &c.f.subnets[eni.subnet];
        let own: Vec<IpNet> = c.subnet_v4[eni.subnet]
            .map(IpNet::V4)
            .into_iter()
            .chain(c.subnet_v6[eni.subnet].iter().map(|n| IpNet::V6(*n)))
            .collect();
        for n in own {
            let spec = format!("from all to {n} iif {link} lookup {LOCAL_TABLE} pref 2000");
            let six = n.addr().is_ipv6();
            p.add(Obj {
                rank: RULE,
                six,
                add: format!("rule add {spec}"),
                del: format!("rule del {spec}"),
            });
        }
        if let Some(t) = sub.table {
            let id = table_id(&c.f.tables[t].id);
            rule(p, format!("iif {link} lookup {id} pref 2100"));
        }
        rule(p, format!("iif {link} lookup {LOCAL_TABLE} pref 2200"));
    }
    for (&(a, _), (link, _)) in &c.peer_links {
        let p = d.namespaces.get_mut(&c.routers[a]).expect("router");
        rule(p, format!("iif {link} lookup {LOCAL_TABLE} pref 1000"));
        rule(p, format!("iif {link} prohibit pref 1500"));
    }
    for e in c.w.vpc_endpoints.values() {
        let (Some(g), Some(v)) = (
            c.gateway_links.get(&e.id),
            c.f.vpcs.iter().position(|x| x.id == e.vpc_id),
        ) else {
            continue;
        };
        let p = d.namespaces.get_mut(&c.routers[v]).expect("router");
        rule(p, format!("iif {g} lookup {LOCAL_TABLE} pref 1000"));
        rule(p, format!("iif {g} prohibit pref 1500"));
    }
    for (&v, link) in &c.edge_links {
        let p = d.namespaces.get_mut(&c.routers[v]).expect("router");
        rule(p, format!("iif {link} lookup {LOCAL_TABLE} pref 1000"));
        rule(p, format!("iif {link} prohibit pref 1500"));
    }
    let mut used: Vec<(usize, usize)> =
        c.f.subnets
            .iter()
            .filter_map(|s| s.table.map(|t| (s.vpc, t)))
            .collect();
    for (v, vpc) in c.f.vpcs.iter().enumerate() {
        let main = c.w.vpcs.get(&vpc.id).and_then(|x| {
            c.f.tables
                .iter()
                .position(|t| t.id == x.main_route_table_id)
        });
        let p = d.namespaces.get_mut(&c.routers[v]).expect("router");
        if let Some(t) = main {
            used.push((v, t));
            let id = table_id(&c.f.tables[t].id);
            rule(p, format!("iif lo lookup {id} pref 2900"));
        }
        rule(p, format!("iif lo lookup {LOCAL_TABLE} pref 2950"));
        rule(p, "prohibit pref 3001".into());
    }
    used.sort_unstable();
    used.dedup();
    for (v, t) in used {
        let table = &c.f.tables[t];
        let id = table_id(&table.id);
        let p = d.namespaces.get_mut(&c.routers[v]).expect("router");
        d.counts
            .entry("route_tables")
            .and_modify(|n| *n += 1)
            .or_insert(1);
        for r in &table.routes {
            let spec = kernel_route(c, v, &r.destination, &r.target);
            route(p, spec, id, &r.destination);
        }
    }
}
