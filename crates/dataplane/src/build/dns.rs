//! What each VPC's resolver answers (base + 2 and 169.254.169.253, on the router's `lo`),
//! for VPCs with DNS support: private hostnames of the VPC's and its active peers'
//! interfaces; public hostnames
//! (the private address inside the VPC, and from a peer that allows it); the public
//! addresses of peers' public hostnames otherwise; interface endpoints' Regional and zonal
//! names and the service's private name (the core's `dns_entries`); and the AWS service
//! names of S3 and DynamoDB (the first usable address of each CIDR of their prefix lists).
//! Nothing else resolves (no recursion out of the host).

use std::net::{IpAddr, Ipv4Addr};

use openvpc_core::eni::{private_dns_name, public_dns_name};
use openvpc_core::World;

use crate::model::{Desired, Obj, Zone};

use super::Ctx;

/// The link-local resolver address every VPC answers on.
pub const RESOLVER_LINK_LOCAL: Ipv4Addr = Ipv4Addr::new(169, 254, 169, 253);

fn add(zone: &mut Zone, name: &str, a: IpAddr) {
    let name = name
        .trim_start_matches("*.")
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let v = zone.entry(name).or_default();
    if !v.contains(&a) {
        v.push(a);
    }
}

/// Whether `peer_vpc`'s side of an active peering with `vpc` lets `vpc` resolve its public
/// hostnames to private addresses.
fn peer_allows(w: &World, vpc: &str, peer_vpc: &str) -> bool {
    w.peerings
        .values()
        .filter(|p| p.status.is_active())
        .any(|p| {
            if p.requester.vpc_id == peer_vpc && p.accepter.vpc_id == vpc {
                p.requester_options.allow_dns_resolution_from_remote_vpc
            } else if p.accepter.vpc_id == peer_vpc && p.requester.vpc_id == vpc {
                p.accepter_options
                    .is_some_and(|o| o.allow_dns_resolution_from_remote_vpc)
            } else {
                false
            }
        })
}

fn zone_of(c: &Ctx, v: usize) -> Zone {
    let w = c.w;
    let mut zone = Zone::new();
    let vpc_id = &c.f.vpcs[v].id;
    let peers: Vec<usize> = c
        .peer_links
        .keys()
        .filter(|(a, _)| *a == v)
        .map(|(_, b)| *b)
        .collect();
    for (i, eni) in c.f.interfaces.iter().enumerate() {
        let own = eni.vpc == v;
        if !own && !peers.contains(&eni.vpc) {
            continue;
        }
        let Some(e) = w.network_interfaces.get(&eni.id) else {
            continue;
        };
        let region = &e.scope.region;
        for a in &eni.v4 {
            add(&mut zone, &private_dns_name(region, *a), IpAddr::V4(*a));
        }
        let hostnames = w
            .vpcs
            .get(&e.vpc_id)
            .is_some_and(|x| x.enable_dns_hostnames);
        if !hostnames {
            continue;
        }
        let private_view = own || peer_allows(w, vpc_id, &c.f.vpcs[eni.vpc].id);
        for (private, public) in &c.f.interfaces[i].publics {
            let a = if private_view { *private } else { *public };
            add(&mut zone, &public_dns_name(region, *public), IpAddr::V4(a));
        }
    }
    for ep in w.vpc_endpoints.values().filter(|e| &e.vpc_id == vpc_id) {
        let ips: Vec<IpAddr> = ep
            .interfaces
            .iter()
            .filter_map(|i| w.network_interfaces.get(&i.network_interface_id))
            .filter_map(|e| e.private_ips.first().map(|a| IpAddr::V4(*a)))
            .collect();
        let entries = openvpc_core::endpoint::dns_entries(w, ep);
        let zonal = entries.len().saturating_sub(1).min(ips.len());
        for (k, entry) in entries.iter().enumerate() {
            // Entry 0 is Regional, 1..=n zonal (one per interface), then the private name.
            let these: Vec<IpAddr> = if (1..=zonal).contains(&k) {
                vec![ips[k - 1]]
            } else {
                ips.clone()
            };
            for a in these {
                add(&mut zone, &entry.dns_name, a);
            }
        }
    }
    let region = w
        .vpcs
        .get(vpc_id)
        .map(|x| x.scope.region.clone())
        .unwrap_or_default();
    for service in ["s3", "dynamodb"] {
        for n in openvpc_core::prefix_list::aws_managed_cidrs(&region, service) {
            if let ipnet::IpNet::V4(n) = n {
                let first = Ipv4Addr::from(u32::from(n.network()) + 1);
                add(
                    &mut zone,
                    &format!("{service}.{region}.amazonaws.com"),
                    IpAddr::V4(first),
                );
            }
        }
    }
    zone
}

/// Resolver addresses on each router and the zones of VPCs with DNS support.
pub(crate) fn render(c: &Ctx, d: &mut Desired) {
    for (v, vpc) in c.f.vpcs.iter().enumerate() {
        let support = c.w.vpcs.get(&vpc.id).is_some_and(|x| x.enable_dns_support);
        let Some(base) = vpc.v4.first() else { continue };
        if !support {
            continue;
        }
        let resolver = Ipv4Addr::from(u32::from(base.network()) + 2);
        let p = d.namespaces.get_mut(&c.routers[v]).expect("router planned");
        for a in [resolver, RESOLVER_LINK_LOCAL] {
            p.add(Obj::host("lo", a.into()));
        }
        d.dns.insert(c.routers[v].clone(), zone_of(c, v));
    }
}
