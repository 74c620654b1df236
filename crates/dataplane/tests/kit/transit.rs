//! Seeded random transit-gateway worlds for the differential test, built through the Query
//! API: five VPCs (one sometimes overlapping another) with subnets in two zones (or both in
//! one), one or two transit gateways with or without default association and propagation,
//! attachments in a random subset of zones (some of one subnet in appliance mode, some
//! with IPv6), custom route tables with random associations (some attachments left
//! without one) and propagations, static routes to attachments and blackholes, VPC routes
//! (IPv4 and IPv6) to the gateways, random group rules and network ACL entries, and with
//! two gateways sometimes a peering attachment between them with static routes to it.

use super::random::{acls, group_rules, vpc_in, RWorld, Rng};
use super::{first, Api};

const ZONES: [&str; 2] = ["us-east-1a", "us-east-1b"];

/// An attachment made: its id, gateway and VPC (index).
struct Att {
    id: String,
    tgw: usize,
    vpc: usize,
}

/// A random transit-gateway world of seed `seed`.
pub fn world(api: &mut Api, seed: u64) -> RWorld {
    let mut rng = Rng(seed ^ 0x7a7e);
    let mut w = RWorld::default();
    let fifth = if rng.chance(0.4) {
        "10.0.0.0/16"
    } else {
        "10.4.0.0/16"
    };
    for cidr in [
        "10.0.0.0/16",
        "10.1.0.0/16",
        "10.2.0.0/16",
        "10.3.0.0/16",
        fifth,
    ] {
        let second = if rng.chance(0.25) { ZONES[0] } else { ZONES[1] };
        let v = vpc_in(api, &mut rng, cidr, [Some(ZONES[0]), Some(second)]);
        w.vpcs.push(v);
    }
    // A custom route table for the second subnet, sometimes.
    for v in &mut w.vpcs {
        v.tables.push(v.main_rtb.clone());
        if rng.chance(0.4) {
            let t = first(
                &api.call(&[("Action", "CreateRouteTable"), ("VpcId", &v.id)]),
                "routeTableId",
            );
            api.call(&[
                ("Action", "AssociateRouteTable"),
                ("RouteTableId", &t),
                ("SubnetId", &v.subnets[1]),
            ]);
            v.tables.push(t);
        }
    }
    let gateways: Vec<(String, Option<String>)> = (0..1 + usize::from(rng.chance(0.5)))
        .map(|_| gateway(api, &mut rng))
        .collect();
    api.settle();
    let mut atts = Vec::new();
    for (g, _) in gateways.iter().enumerate() {
        for v in 0..w.vpcs.len() {
            let p = if g == 0 { 0.95 } else { 0.5 };
            if rng.chance(p) {
                if let Some(id) = attach(api, &mut rng, &w, &gateways[g].0, v) {
                    atts.push(Att { id, tgw: g, vpc: v });
                }
            }
        }
    }
    api.settle();
    tables(api, &mut rng, &w, &gateways, &atts);
    vpc_routes(api, &mut rng, &w, &gateways, &atts);
    group_rules(api, &mut rng, &w);
    // Half the groups admit everything from the VPCs and send anywhere, so that paths,
    // not groups, decide most flows between VPCs.
    for v in &w.vpcs {
        for g in &v.groups {
            if rng.chance(0.5) {
                for (action, range, cidr) in [
                    (
                        "AuthorizeSecurityGroupIngress",
                        "IpRanges.1.CidrIp",
                        "10.0.0.0/8",
                    ),
                    (
                        "AuthorizeSecurityGroupEgress",
                        "IpRanges.1.CidrIp",
                        "0.0.0.0/0",
                    ),
                    (
                        "AuthorizeSecurityGroupIngress",
                        "Ipv6Ranges.1.CidrIpv6",
                        "::/0",
                    ),
                    (
                        "AuthorizeSecurityGroupEgress",
                        "Ipv6Ranges.1.CidrIpv6",
                        "::/0",
                    ),
                ] {
                    let _ = api.try_call(&[
                        ("Action", action),
                        ("GroupId", g),
                        ("IpPermissions.1.IpProtocol", "-1"),
                        (&format!("IpPermissions.1.{range}"), cidr),
                    ]);
                }
            }
        }
    }
    acls(api, &mut rng, &w);
    peering(api, &mut rng, &w, &gateways, &atts);
    api.settle();
    w
}

/// With two gateways, sometimes a peering attachment between them (in one Region: a veth
/// between their routers) and, in each default table, static routes to it for VPCs
/// attached to the other side.
fn peering(
    api: &mut Api,
    rng: &mut Rng,
    w: &RWorld,
    gateways: &[(String, Option<String>)],
    atts: &[Att],
) {
    if gateways.len() < 2 || !rng.chance(0.7) {
        return;
    }
    let body = api.call(&[
        ("Action", "CreateTransitGatewayPeeringAttachment"),
        ("TransitGatewayId", &gateways[0].0),
        ("PeerTransitGatewayId", &gateways[1].0),
        ("PeerAccountId", super::ACCOUNT),
        ("PeerRegion", "us-east-1"),
    ]);
    let id = first(&body, "transitGatewayAttachmentId");
    api.settle();
    api.call(&[
        ("Action", "AcceptTransitGatewayPeeringAttachment"),
        ("TransitGatewayAttachmentId", &id),
    ]);
    api.settle();
    for (g, (_, default)) in gateways.iter().enumerate() {
        let Some(table) = default else { continue };
        // Static over propagated: the first gateway sends some VPCs attached to both
        // across too (the second delivers them; routes both ways would loop).
        let here: Vec<usize> = atts.iter().filter(|a| a.tgw == g).map(|a| a.vpc).collect();
        for a in atts.iter().filter(|a| a.tgw != g) {
            if (g == 0 || !here.contains(&a.vpc)) && rng.chance(0.6) {
                let _ = api.try_call(&[
                    ("Action", "CreateTransitGatewayRoute"),
                    ("TransitGatewayRouteTableId", table),
                    ("DestinationCidrBlock", &w.vpcs[a.vpc].cidr),
                    ("TransitGatewayAttachmentId", &id),
                ]);
            }
        }
    }
}

/// A transit gateway with or without default association and propagation: its id and
/// default route table.
fn gateway(api: &mut Api, rng: &mut Rng) -> (String, Option<String>) {
    let assoc = if rng.chance(0.75) {
        "enable"
    } else {
        "disable"
    };
    let prop = if rng.chance(0.75) {
        "enable"
    } else {
        "disable"
    };
    let body = api.call(&[
        ("Action", "CreateTransitGateway"),
        ("Options.DefaultRouteTableAssociation", assoc),
        ("Options.DefaultRouteTablePropagation", prop),
    ]);
    let id = first(&body, "transitGatewayId");
    api.settle();
    let body = api.call(&[
        ("Action", "DescribeTransitGateways"),
        ("TransitGatewayIds.1", &id),
    ]);
    let default = body
        .contains("<associationDefaultRouteTableId>")
        .then(|| first(&body, "associationDefaultRouteTableId"))
        .or_else(|| {
            body.contains("<propagationDefaultRouteTableId>")
                .then(|| first(&body, "propagationDefaultRouteTableId"))
        });
    (id, default)
}

/// Attaches VPC `v` to `tgw` in a random non-empty set of its subnets (one per zone).
fn attach(api: &mut Api, rng: &mut Rng, w: &RWorld, tgw: &str, v: usize) -> Option<String> {
    let vpc = &w.vpcs[v];
    let zone = |s: &str| {
        api.world()
            .subnets
            .get(s)
            .map(|x| x.availability_zone.clone())
    };
    let (z0, z1) = (zone(&vpc.subnets[0]), zone(&vpc.subnets[1]));
    let subnets: Vec<&String> = match rng.below(5) {
        0 => vec![&vpc.subnets[0]],
        1 if z0 != z1 => vec![&vpc.subnets[1]],
        _ if z0 != z1 => vec![&vpc.subnets[0], &vpc.subnets[1]],
        _ => vec![&vpc.subnets[1]],
    };
    let mut p: Vec<(String, String)> = vec![
        ("Action".into(), "CreateTransitGatewayVpcAttachment".into()),
        ("TransitGatewayId".into(), tgw.into()),
        ("VpcId".into(), vpc.id.clone()),
    ];
    for (k, s) in subnets.iter().enumerate() {
        p.push((format!("SubnetIds.{}", k + 1), (*s).clone()));
    }
    // Appliance mode where the attachment has one subnet: with more, the engine picks the
    // interface a flow leaves by with its flow hash and the kernel routes per destination
    // (docs/decisions.md), which differ when the subnets' ACLs do.
    if rng.chance(0.2) && subnets.len() == 1 {
        p.push(("Options.ApplianceModeSupport".into(), "enable".into()));
    }
    if rng.chance(0.75) {
        p.push(("Options.Ipv6Support".into(), "enable".into()));
    }
    let pairs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let body = api.try_call(&pairs).ok()?;
    Some(first(&body, "transitGatewayAttachmentId"))
}

/// Custom route tables, associations, propagations and static routes (to attachments of
/// the same gateway, or blackholes).
fn tables(
    api: &mut Api,
    rng: &mut Rng,
    w: &RWorld,
    gateways: &[(String, Option<String>)],
    atts: &[Att],
) {
    for (g, (tgw, default)) in gateways.iter().enumerate() {
        let mut tables: Vec<String> = default.iter().cloned().collect();
        for _ in 0..1 + rng.below(2) {
            let body = api.call(&[
                ("Action", "CreateTransitGatewayRouteTable"),
                ("TransitGatewayId", tgw),
            ]);
            tables.push(first(&body, "transitGatewayRouteTableId"));
        }
        api.settle();
        let mine: Vec<&Att> = atts.iter().filter(|a| a.tgw == g).collect();
        for a in &mine {
            // Re-associate some (refused while associated elsewhere: then disassociate).
            if rng.chance(0.35) {
                let t = rng.pick(&tables).clone();
                let assoc = [
                    ("Action", "AssociateTransitGatewayRouteTable"),
                    ("TransitGatewayRouteTableId", t.as_str()),
                    ("TransitGatewayAttachmentId", a.id.as_str()),
                ];
                if api.try_call(&assoc).is_err() && rng.chance(0.7) {
                    if let Some(d) = default {
                        let _ = api.try_call(&[
                            ("Action", "DisassociateTransitGatewayRouteTable"),
                            ("TransitGatewayRouteTableId", d),
                            ("TransitGatewayAttachmentId", &a.id),
                        ]);
                        api.settle();
                        if rng.chance(0.85) {
                            let _ = api.try_call(&assoc);
                        }
                    }
                }
            }
            for t in &tables {
                if rng.chance(0.6) {
                    let _ = api.try_call(&[
                        ("Action", "EnableTransitGatewayRouteTablePropagation"),
                        ("TransitGatewayRouteTableId", t),
                        ("TransitGatewayAttachmentId", &a.id),
                    ]);
                }
            }
        }
        api.settle();
        // Static routes: a VPC's block (or a /24 of it) to a random attachment, or a
        // blackhole.
        for t in &tables {
            for _ in 0..rng.below(4) {
                let v = rng.pick(&w.vpcs);
                let octets: Vec<&str> = v.cidr.split('.').collect();
                let dest = if rng.chance(0.5) {
                    v.cidr.clone()
                } else {
                    format!("{}.{}.{}.0/24", octets[0], octets[1], 1 + rng.below(2))
                };
                let mut p = vec![
                    ("Action", "CreateTransitGatewayRoute".to_string()),
                    ("TransitGatewayRouteTableId", t.clone()),
                    ("DestinationCidrBlock", dest),
                ];
                if mine.is_empty() || rng.chance(0.3) {
                    p.push(("Blackhole", "true".into()));
                } else {
                    p.push(("TransitGatewayAttachmentId", rng.pick(&mine).id.clone()));
                }
                let pairs: Vec<(&str, &str)> = p.iter().map(|(k, v)| (*k, v.as_str())).collect();
                let _ = api.try_call(&pairs);
            }
        }
    }
    api.settle();
}

/// Routes in the VPCs' tables to the other VPCs' blocks through a gateway the VPC is
/// attached to (sometimes one it is not), IPv4 and IPv6.
fn vpc_routes(
    api: &mut Api,
    rng: &mut Rng,
    w: &RWorld,
    gateways: &[(String, Option<String>)],
    atts: &[Att],
) {
    for (me, v) in w.vpcs.iter().enumerate() {
        let attached: Vec<usize> = atts.iter().filter(|a| a.vpc == me).map(|a| a.tgw).collect();
        for t in &v.tables {
            for (other, o) in w.vpcs.iter().enumerate() {
                if other == me || o.cidr == v.cidr {
                    continue;
                }
                let g = if !attached.is_empty() && rng.chance(0.9) {
                    *rng.pick(&attached)
                } else {
                    rng.below(gateways.len())
                };
                let tgw = &gateways[g].0;
                if rng.chance(0.9) {
                    let _ = api.try_call(&[
                        ("Action", "CreateRoute"),
                        ("RouteTableId", t),
                        ("DestinationCidrBlock", &o.cidr),
                        ("TransitGatewayId", tgw),
                    ]);
                }
                if rng.chance(0.7) {
                    let _ = api.try_call(&[
                        ("Action", "CreateRoute"),
                        ("RouteTableId", t),
                        ("DestinationIpv6CidrBlock", &o.v6),
                        ("TransitGatewayId", tgw),
                    ]);
                }
            }
        }
    }
}
