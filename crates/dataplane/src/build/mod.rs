//! From the committed state to the [`Desired`] kernel state.
//!
//! The forwarding rules come from the engine's compiled view ([`View::fabric`]): route
//! targets already resolved (blackholes included), prefix lists expanded, security-group
//! references resolved or stale, ACL entries in rule order. This module only maps them
//! onto kernel objects, one file per seam: the namespaces and links (`fabric`), route
//! tables and policy rules (`routes`), security groups and network ACLs as nftables
//! (`groups`, `acls`, `nft`), the simulated outside (`edge`), the Regions with the
//! encrypted tunnels of inter-Region peerings (`regions`), and transit gateways
//! (`transit`).

mod acls;
pub mod dns;
mod edge;
mod endpoints;
mod fabric;
mod groups;
mod nft;
mod privatelink;
mod regions;
mod routes;
mod transit;

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};
use openvpc_core::World;
use openvpc_reach::fabric::Fabric;
use openvpc_reach::View;

use crate::model::Desired;
use crate::names::{link, Kind, Names};

/// The stand-in internet host (TEST-NET-2), as the engine names it.
pub const INTERNET_HOST_V4: Ipv4Addr = Ipv4Addr::new(198, 51, 100, 10);
/// The stand-in internet host's IPv6 address (documentation range).
pub const INTERNET_HOST_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0x5100, 0, 0, 0, 0, 0x10);

/// Link-local address of the first end of every link (router side), and of the second.
pub const LL_A: &str = "fe80::1";
pub const LL_B: &str = "fe80::2";

/// Kernel table of the addresses of a VPC's own interfaces (in its router).
pub const LOCAL_TABLE: u32 = 100;

/// What every part of the build reads.
pub(crate) struct Ctx<'a> {
    pub w: &'a World,
    pub f: &'a Fabric,
    pub names: &'a Names,
    /// Router namespace per VPC index.
    pub routers: Vec<String>,
    /// Router-side link name per interface index.
    pub links: Vec<String>,
    /// Namespace per interface index.
    pub interface_ns: Vec<String>,
    /// Subnet CIDRs by subnet index.
    pub subnet_v4: Vec<Option<Ipv4Net>>,
    pub subnet_v6: Vec<Vec<Ipv6Net>>,
    /// (VPC, peer VPC) → the link in the VPC's router and the peer's link-local address.
    pub peer_links: BTreeMap<(usize, usize), (String, &'static str)>,
    /// Peering link name → the peering's id.
    pub peering_ids: BTreeMap<String, String>,
    /// The Region of each VPC (by VPC index).
    pub regions: Vec<String>,
    /// Edge link (to the internet namespace) per VPC that has an internet or egress-only
    /// gateway.
    pub edge_links: BTreeMap<usize, String>,
    /// Interfaces that belong to NAT gateways.
    pub nat_interfaces: Vec<bool>,
    /// Available gateway endpoints → their link in the router.
    pub gateway_links: BTreeMap<String, String>,
    /// Load-balancer nodes' interfaces without security groups (no group checks apply).
    pub open_interfaces: Vec<bool>,
}

impl Ctx<'_> {
    /// The interface index holding address `a` in VPC `vpc`.
    pub fn interface_at(&self, vpc: usize, a: IpAddr) -> Option<usize> {
        self.f.interfaces.iter().position(|i| {
            i.vpc == vpc
                && match a {
                    IpAddr::V4(a) => i.v4.contains(&a),
                    IpAddr::V6(a) => i.v6.contains(&a),
                }
        })
    }
}

/// The desired kernel state of `world` for owner `names`; `view` is `world`'s compiled reach
/// view (the server keeps one current, so a change is not compiled twice).
pub fn build(world: &World, view: &View, names: &Names) -> Desired {
    let f = view.fabric();
    let ctx = context(world, &f, names);
    let mut d = Desired::default();
    fabric::routers(&ctx, &mut d);
    fabric::interfaces(&ctx, &mut d);
    fabric::peerings(&ctx, &mut d);
    regions::render(&ctx, &mut d);
    transit::render(&ctx, &mut d);
    edge::internet(&ctx, &mut d);
    privatelink::render(&ctx, &mut d);
    endpoints::render(&ctx, &mut d);
    dns::render(&ctx, &mut d);
    routes::tables(&ctx, &mut d);
    for v in 0..f.vpcs.len() {
        let text = nft::router_ruleset(&ctx, v);
        d.namespaces
            .get_mut(&ctx.routers[v])
            .expect("router planned")
            .nft = text;
    }
    d
}

fn context<'a>(w: &'a World, f: &'a Fabric, names: &'a Names) -> Ctx<'a> {
    let routers = f
        .vpcs
        .iter()
        .map(|v| names.namespace(Kind::Router, &v.id))
        .collect();
    let links = f.interfaces.iter().map(|i| link('e', &i.id)).collect();
    let interface_ns = f
        .interfaces
        .iter()
        .map(|i| names.namespace(Kind::Interface, &i.id))
        .collect();
    let subnet_v4 = f
        .subnets
        .iter()
        .map(|s| w.subnets.get(&s.id).and_then(|s| s.cidr))
        .collect();
    let subnet_v6 = f
        .subnets
        .iter()
        .map(|s| {
            w.subnets
                .get(&s.id)
                .map(|s| s.ipv6_cidrs.iter().map(|c| c.cidr).collect())
                .unwrap_or_default()
        })
        .collect();
    let vpc_ix: BTreeMap<&str, usize> = f
        .vpcs
        .iter()
        .enumerate()
        .map(|(i, v)| (v.id.as_str(), i))
        .collect();
    let mut peer_links = BTreeMap::new();
    let mut peering_ids = BTreeMap::new();
    for p in w.peerings.values().filter(|p| p.status.is_active()) {
        let (Some(&r), Some(&a)) = (
            vpc_ix.get(p.requester.vpc_id.as_str()),
            vpc_ix.get(p.accepter.vpc_id.as_str()),
        ) else {
            continue;
        };
        if r == a {
            continue;
        }
        let name = link('p', &p.id);
        peering_ids.insert(name.clone(), p.id.clone());
        peer_links.insert((r, a), (name.clone(), LL_B));
        peer_links.insert((a, r), (name, LL_A));
    }
    let mut edge_links = BTreeMap::new();
    for (i, v) in f.vpcs.iter().enumerate() {
        let eigw = w.egress_only_gateways.values().any(|g| g.vpc_id == v.id);
        if v.igw.is_some() || eigw {
            edge_links.insert(i, link('x', &v.id));
        }
    }
    let nat_interfaces = f
        .interfaces
        .iter()
        .map(|i| {
            w.network_interfaces
                .get(&i.id)
                .is_some_and(|e| e.interface_type == "nat_gateway")
        })
        .collect();
    let open_interfaces = f
        .interfaces
        .iter()
        .map(|i| {
            i.groups.is_empty()
                && w.network_interfaces
                    .get(&i.id)
                    .is_some_and(|e| e.interface_type == "network_load_balancer")
        })
        .collect();
    let regions = f
        .vpcs
        .iter()
        .map(|v| {
            w.vpcs
                .get(&v.id)
                .map(|x| x.scope.region.clone())
                .unwrap_or_default()
        })
        .collect();
    let mut ctx = Ctx {
        gateway_links: BTreeMap::new(),
        peering_ids,
        regions,
        open_interfaces,
        w,
        f,
        names,
        routers,
        links,
        interface_ns,
        subnet_v4,
        subnet_v6,
        peer_links,
        edge_links,
        nat_interfaces,
    };
    ctx.gateway_links = endpoints::links(&ctx);
    ctx
}
