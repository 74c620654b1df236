//! Transit gateways: a router namespace per gateway (`ovpc-<owner>-tgw-<tgw id>`). Each
//! available VPC attachment is one veth per attachment subnet (its interface in that
//! zone) between the VPC's router and the gateway's; a sender enters by the link of its
//! own zone's attachment subnet (none there: the VPC route is `prohibit`, see
//! `routes`). In the gateway each transit-gateway route table is a kernel table per zone
//! of entry, chosen by the arriving link (`ip rule iif`): its routes in effect (static,
//! propagated, blackholes as `prohibit`) lead out by the destination attachment's link in
//! the same zone (appliance mode, or no subnet there: its first). Arriving in a VPC
//! router from a gateway, a packet may only reach the VPC's own interfaces, as from a
//! peering. A peering attachment joins two gateways' routers: a veth within a Region, an
//! encrypted tunnel between Regions (`regions::tunnel`).
//!
//! | pref | in the gateway | action |
//! |---|---|---|
//! | 2000 | from an attachment link | lookup its route table's table for the link's zone |
//! | 2000 | from a peering attachment's link | lookup the table this side associates it with (zone unknown) |
//! | 2900 | from the gateway itself (ICMP errors) | lookup the attached VPCs' blocks |
//! | 3001 | everything else | prohibit |

use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr};

use openvpc_reach::fabric::Attachment;

use crate::model::{Desired, Link, Obj, RouteTo};
use crate::names::{link, mac, table_id, Kind};

use super::fabric::{forwarding_sysctls, link_end};
use super::routes::rule;
use super::{Ctx, LL_A, LL_B, LOCAL_TABLE};

/// The IPv4 source of a gateway's ICMP errors (RFC 7600's dummy address, meant for
/// routers without an IPv4 address of their own).
pub const ICMP_SOURCE: Ipv4Addr = Ipv4Addr::new(192, 0, 0, 8);

/// The gateway's table of routes back to its attached VPCs (for what it sends itself).
const RETURN_TABLE: u32 = 100;

/// The link of attachment `a`'s interface in subnet `subnet` (index).
pub fn attachment_link(c: &Ctx, a: &Attachment, subnet: usize) -> String {
    link('t', &format!("{}/{}", a.id, c.f.subnets[subnet].id))
}

/// The kernel table of route table `id` for traffic from zone `zone` (`None`: unknown).
pub fn zoned_table(id: &str, zone: Option<&str>) -> u32 {
    match zone {
        Some(z) => table_id(&format!("{id}@{z}")),
        None => table_id(id),
    }
}

/// VPC `vpc`'s attachment to transit gateway `tgw`.
pub fn attachment_of<'a>(c: &'a Ctx, tgw: &str, vpc: usize) -> Option<&'a Attachment> {
    c.f.transit
        .attachments
        .iter()
        .find(|a| a.vpc == vpc && a.transit_gateway == tgw)
}

/// Where a VPC route to transit gateway `tgw` leads from a sender in `zone` of VPC `vpc`:
/// into the attachment by its subnet in that zone, refused without one.
pub fn vpc_route(c: &Ctx, vpc: usize, tgw: &str, zone: Option<&str>) -> RouteTo {
    let Some(a) = attachment_of(c, tgw, vpc) else {
        return RouteTo::Prohibit;
    };
    match a.entry(zone) {
        Some(e) => RouteTo::Via {
            gw: LL_B.parse().expect("a link-local next hop"),
            dev: attachment_link(c, a, e),
        },
        None => RouteTo::Prohibit,
    }
}

/// The gateways' namespaces, the attachments' links and the gateways' tables and rules.
pub fn render(c: &Ctx, d: &mut Desired) {
    let t = &c.f.transit;
    // (route table, zone of entry) tables each gateway needs; no zone after a peering.
    let mut needed: BTreeMap<String, BTreeSet<(String, Option<String>)>> = BTreeMap::new();
    for a in &t.attachments {
        let ns = gateway_ns(c, d, &a.transit_gateway);
        let router = &c.routers[a.vpc];
        for (i, (zone, s)) in a.subnets.iter().enumerate() {
            let name = attachment_link(c, a, *s);
            let (r_mac, t_mac) = (mac(&format!("{name}/r")), mac(&format!("{name}/t")));
            link_end(d, router, &name, LL_A, LL_B, &t_mac);
            link_end(d, &ns, &name, LL_B, LL_A, &r_mac);
            d.link(Link {
                a_ns: router.clone(),
                a_name: name.clone(),
                a_mac: r_mac,
                b_ns: ns.clone(),
                b_name: name.clone(),
                b_mac: t_mac,
            });
            // In the VPC: only to its own interfaces.
            let p = d.namespaces.get_mut(router).expect("router planned");
            rule(p, 1000, Some(&name), Some(LOCAL_TABLE));
            rule(p, 1500, Some(&name), None);
            let p = d.namespaces.get_mut(&ns).expect("gateway planned");
            if let Some(rt) = a.table.as_ref().filter(|rt| route_table(c, rt).is_some()) {
                let id = zoned_table(rt, Some(zone));
                rule(p, 2000, Some(&name), Some(id));
                needed
                    .entry(a.transit_gateway.clone())
                    .or_default()
                    .insert((rt.clone(), Some(zone.clone())));
            }
            if i == 0 {
                for net in c.f.vpcs[a.vpc].v4.iter().map(|n| (*n).into()) {
                    p.add(Obj::via(RETURN_TABLE, net, LL_A, &name));
                }
                for net in c.f.vpcs[a.vpc].v6.iter().map(|n| (*n).into()) {
                    p.add(Obj::via(RETURN_TABLE, net, LL_A, &name));
                }
            }
        }
        d.count("transit_gateway_attachments");
    }
    let peer_links = peerings(c, d, &mut needed);
    for (tgw, tables) in needed {
        let ns = c.names.namespace(Kind::TransitGateway, &tgw);
        for (rt, zone) in tables {
            let routes = route_table(c, &rt).map_or(&[][..], |x| x.routes.as_slice());
            let id = zoned_table(&rt, zone.as_deref());
            let p = d.namespaces.get_mut(&ns).expect("gateway planned");
            for r in routes {
                let to = r.attachment.as_ref().and_then(|x| {
                    if let Some(dest) = t.attachments.iter().find(|a| a.id == *x) {
                        // Per destination, not per flow: where the engine picks by flow
                        // hash (appliance mode, no subnet in the zone), the kernel takes
                        // the attachment's first subnet.
                        let exit = dest.exit(zone.as_deref(), 0)?;
                        return Some(RouteTo::Via {
                            gw: LL_A.parse().expect("a link-local next hop"),
                            dev: attachment_link(c, dest, exit),
                        });
                    }
                    let (link, far) = peer_links.get(&(tgw.clone(), x.clone()))?;
                    Some(RouteTo::Via {
                        gw: far.parse().expect("a link-local next hop"),
                        dev: link.clone(),
                    })
                });
                p.add(Obj::Route {
                    table: id,
                    dst: r.destination,
                    to: to.unwrap_or(RouteTo::Prohibit),
                });
            }
        }
    }
}

/// Available peering attachments: a veth between the two gateways' routers within a
/// Region, an encrypted tunnel between Regions (as an inter-Region VPC peering's); on each
/// side what arrives over it looks up the table that side associates it with (zone
/// unknown). Returns (gateway, peering) → (link, the far end's link-local address).
fn peerings(
    c: &Ctx,
    d: &mut Desired,
    needed: &mut BTreeMap<String, BTreeSet<(String, Option<String>)>>,
) -> BTreeMap<(String, String), (String, &'static str)> {
    let mut links = BTreeMap::new();
    let region = |g: &str| {
        c.w.transit_gateways
            .get(g)
            .map(|x| x.scope.region.clone())
            .unwrap_or_default()
    };
    for p in &c.f.transit.peerings {
        let [(ga, ta), (gb, tb)] = &p.sides;
        if ga == gb {
            continue;
        }
        let name = link('q', &p.id);
        let (na, nb) = (gateway_ns(c, d, ga), gateway_ns(c, d, gb));
        let (ra, rb) = (region(ga), region(gb));
        if ra == rb {
            let (a_mac, b_mac) = (mac(&format!("{name}/a")), mac(&format!("{name}/b")));
            link_end(d, &na, &name, LL_A, LL_B, &b_mac);
            link_end(d, &nb, &name, LL_B, LL_A, &a_mac);
            d.link(Link {
                a_ns: na.clone(),
                a_name: name.clone(),
                a_mac,
                b_ns: nb.clone(),
                b_name: name.clone(),
                b_mac,
            });
        } else {
            let ends = [
                (na.as_str(), ra.as_str(), LL_A),
                (nb.as_str(), rb.as_str(), LL_B),
            ];
            super::regions::tunnel(c, d, p.id.clone(), &name, ends);
        }
        for (ns, g, table, far) in [(&na, ga, ta, LL_B), (&nb, gb, tb, LL_A)] {
            links.insert((g.clone(), p.id.clone()), (name.clone(), far));
            let Some(rt) = table.as_ref().filter(|rt| route_table(c, rt).is_some()) else {
                continue;
            };
            let plan = d.namespaces.get_mut(ns).expect("gateway planned");
            rule(plan, 2000, Some(&name), Some(zoned_table(rt, None)));
            needed
                .entry(g.clone())
                .or_default()
                .insert((rt.clone(), None));
        }
        d.count("transit_gateway_peerings");
    }
    links
}

fn route_table<'a>(c: &'a Ctx, id: &str) -> Option<&'a openvpc_reach::fabric::TransitTable> {
    c.f.transit.tables.iter().find(|t| t.id == id)
}

/// The router namespace of transit gateway `tgw`, planned if new.
fn gateway_ns(c: &Ctx, d: &mut Desired, tgw: &str) -> String {
    let ns = c.names.namespace(Kind::TransitGateway, tgw);
    if !d.namespaces.contains_key(&ns) {
        let p = d.ns(
            &ns,
            Kind::TransitGateway,
            c.names.marker(Kind::TransitGateway, tgw),
        );
        p.sysctls = forwarding_sysctls();
        p.add(Obj::host("lo", IpAddr::V4(ICMP_SOURCE)));
        rule(p, 2900, Some("lo"), Some(RETURN_TABLE));
        rule(p, 3001, None, None);
        d.count("transit_gateways");
    }
    ns
}
