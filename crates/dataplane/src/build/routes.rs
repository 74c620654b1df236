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
//!
//! A route table with a transit-gateway route is a kernel table per Availability Zone of
//! the subnets using it (the attachment is entered in the sender's zone, `transit`).

use std::net::IpAddr;

use ipnet::IpNet;
use openvpc_reach::fabric::Target;

use crate::model::{Desired, NsPlan, Obj, RouteTo};
use crate::names::table_id;

use super::transit::{self, zoned_table};
use super::{Ctx, LL_B, LOCAL_TABLE};

/// A policy rule for both families: arriving on `iif`, look up `table` (refuse: `None`).
pub(super) fn rule(p: &mut NsPlan, pref: u32, iif: Option<&str>, table: Option<u32>) {
    for v6 in [false, true] {
        p.add(Obj::Rule {
            v6,
            pref,
            iif: iif.map(str::to_string),
            to: None,
            table,
        });
    }
}

fn via(gw: &str, dev: &str) -> RouteTo {
    RouteTo::Via {
        gw: gw.parse().expect("a link-local next hop"),
        dev: dev.to_string(),
    }
}

/// Where the kernel sends what `target` receives from a sender in `zone` (refused where
/// it cannot be realised).
fn kernel_route(c: &Ctx, vpc: usize, net: &IpNet, target: &Target, zone: Option<&str>) -> RouteTo {
    match target {
        Target::TransitGateway(tgw) => transit::vpc_route(c, vpc, tgw, zone),
        Target::Local => RouteTo::Throw,
        Target::Peering { peer, .. } => match c.peer_links.get(&(vpc, *peer)) {
            Some((link, ll)) => via(ll, link),
            None => RouteTo::Prohibit,
        },
        Target::InternetGateway(_) | Target::EgressOnlyInternetGateway(_) => {
            match c.edge_links.get(&vpc) {
                Some(link) => via(LL_B, link),
                None => RouteTo::Prohibit,
            }
        }
        Target::NatGateway(n) => {
            let nat = &c.f.nat_gateways[*n];
            match c.interface_at(nat.vpc, IpAddr::V4(nat.private)) {
                Some(i) if net.addr().is_ipv4() => via(LL_B, &c.links[i]),
                _ => RouteTo::Prohibit,
            }
        }
        Target::Interface(i) => via(LL_B, &c.links[*i]),
        Target::GatewayEndpoint(id) => match c.gateway_links.get(id) {
            Some(g) => via(LL_B, g),
            None => RouteTo::Prohibit,
        },
        Target::Unsupported(_) | Target::Blackhole(_) => RouteTo::Prohibit,
    }
}

/// Whether route table `t` is realised per zone (it holds a transit-gateway route).
fn zoned(c: &Ctx, t: usize) -> bool {
    c.f.tables[t]
        .routes
        .iter()
        .any(|r| matches!(r.target, Target::TransitGateway(_)))
}

/// The zone a sender in subnet `s` enters a transit gateway from, where its route table
/// `t` is realised per zone.
fn zone_of<'c>(c: &Ctx<'c>, t: usize, s: usize) -> Option<&'c str> {
    if zoned(c, t) {
        c.f.transit.zones.get(&s).map(String::as_str)
    } else {
        None
    }
}

/// The local-interface table, the subnets' route tables and the rules choosing them.
pub fn tables(c: &Ctx, d: &mut Desired) {
    for (i, eni) in c.f.interfaces.iter().enumerate() {
        let p = d.namespaces.get_mut(&c.routers[eni.vpc]).expect("router");
        let link = &c.links[i];
        for n in eni.held() {
            p.add(Obj::via(LOCAL_TABLE, n, LL_B, link));
        }
        let sub = &c.f.subnets[eni.subnet];
        let own: Vec<IpNet> = c.subnet_v4[eni.subnet]
            .map(IpNet::V4)
            .into_iter()
            .chain(c.subnet_v6[eni.subnet].iter().map(|n| IpNet::V6(*n)))
            .collect();
        for n in own {
            p.add(Obj::Rule {
                v6: n.addr().is_ipv6(),
                pref: 2000,
                iif: Some(link.clone()),
                to: Some(n),
                table: Some(LOCAL_TABLE),
            });
        }
        if let Some(t) = sub.table {
            let zone = zone_of(c, t, eni.subnet);
            rule(
                p,
                2100,
                Some(link),
                Some(zoned_table(&c.f.tables[t].id, zone)),
            );
        }
        rule(p, 2200, Some(link), Some(LOCAL_TABLE));
    }
    for (&(a, _), (link, _)) in &c.peer_links {
        let p = d.namespaces.get_mut(&c.routers[a]).expect("router");
        rule(p, 1000, Some(link), Some(LOCAL_TABLE));
        rule(p, 1500, Some(link), None);
    }
    for e in c.w.vpc_endpoints.values() {
        let (Some(g), Some(v)) = (
            c.gateway_links.get(&e.id),
            c.f.vpcs.iter().position(|x| x.id == e.vpc_id),
        ) else {
            continue;
        };
        let p = d.namespaces.get_mut(&c.routers[v]).expect("router");
        rule(p, 1000, Some(g), Some(LOCAL_TABLE));
        rule(p, 1500, Some(g), None);
    }
    for (&v, link) in &c.edge_links {
        let p = d.namespaces.get_mut(&c.routers[v]).expect("router");
        rule(p, 1000, Some(link), Some(LOCAL_TABLE));
        rule(p, 1500, Some(link), None);
    }
    // (VPC, table, zone) realised: the tables of subnets with interfaces (in their zone),
    // and each VPC's main table for what the router sends itself (zone unknown).
    let mut used: Vec<(usize, usize, Option<&str>)> =
        c.f.interfaces
            .iter()
            .filter_map(|e| {
                let t = c.f.subnets[e.subnet].table?;
                Some((e.vpc, t, zone_of(c, t, e.subnet)))
            })
            .collect();
    used.extend(
        c.f.subnets
            .iter()
            .filter_map(|s| s.table.map(|t| (s.vpc, t, None))),
    );
    for (v, vpc) in c.f.vpcs.iter().enumerate() {
        let main = c.w.vpcs.get(&vpc.id).and_then(|x| {
            c.f.tables
                .iter()
                .position(|t| t.id == x.main_route_table_id)
        });
        let p = d.namespaces.get_mut(&c.routers[v]).expect("router");
        if let Some(t) = main {
            used.push((v, t, None));
            rule(p, 2900, Some("lo"), Some(table_id(&c.f.tables[t].id)));
        }
        rule(p, 2950, Some("lo"), Some(LOCAL_TABLE));
        rule(p, 3001, None, None);
    }
    used.sort_unstable();
    used.dedup();
    for (v, t, zone) in used {
        let table = &c.f.tables[t];
        let id = zoned_table(&table.id, zone);
        let p = d.namespaces.get_mut(&c.routers[v]).expect("router");
        if zone.is_none() {
            d.counts
                .entry("route_tables")
                .and_modify(|n| *n += 1)
                .or_insert(1);
        }
        for r in &table.routes {
            p.add(Obj::Route {
                table: id,
                dst: r.destination,
                to: kernel_route(c, v, &r.destination, &r.target, zone),
            });
        }
    }
}
