//! Compiling a whole world into a [`View`]. A large world is compiled on two threads (the
//! machine's two cores): security groups and network ACLs beside the interfaces and their
//! address indexes, then the route tables in two halves; the parts are the same as on one
//! thread, in the same order.

use std::net::IpAddr;
use std::sync::Arc;

use openvpc_core::eni::InstanceState;
use openvpc_core::route::RouteTable;
use openvpc_core::World;

use super::parts::ids;
use super::{
    compile_acl, compile_sg, compile_table, group_links, link_subnets, AclV, EniV, Index, Ix, NatV,
    PlCache, Rtb, SgV, Slots, SubnetV, View, VpcV, NO_VPC,
};
use crate::fast::HashMap;
use crate::PrefixLists;

/// Interfaces from which a world is compiled on two threads.
const PARALLEL_FROM: usize = 20_000;

/// Runs `a` and `b`, on two threads when `parallel`.
fn both<A: Send, B: Send>(
    parallel: bool,
    a: impl FnOnce() -> A + Send,
    b: impl FnOnce() -> B + Send,
) -> (A, B) {
    if !parallel {
        return (a(), b());
    }
    std::thread::scope(|s| {
        let a = s.spawn(a);
        let b = b();
        (a.join().expect("a compile thread panicked"), b)
    })
}

/// The interfaces of a view and everything indexed by them.
struct Interfaces {
    subnets: Vec<SubnetV>,
    enis: Vec<EniV>,
    eni_ix: HashMap<Arc<str>, Ix>,
    by_addr: HashMap<(Ix, IpAddr), Ix>,
    by_v6: HashMap<std::net::Ipv6Addr, Ix>,
    by_prefix: HashMap<(Ix, IpAddr), Ix>,
    by_public: HashMap<std::net::Ipv4Addr, (Ix, std::net::Ipv4Addr)>,
    instances: HashMap<Arc<str>, Option<Ix>>,
    nats: Vec<NatV>,
    nat_ix: HashMap<Arc<str>, Ix>,
}

impl View {
    /// Compiles a world with its own prefix lists (customer- and AWS-managed).
    pub fn compile(w: &World) -> View {
        View::compile_with(w, w)
    }

    /// Compiles a world, taking prefix-list entries from `pls`.
    pub fn compile_with(w: &World, pls: &dyn PrefixLists) -> View {
        let parallel = w.network_interfaces.len() >= PARALLEL_FROM;
        let (vpcs, mut ix) = index(w);
        let ((sgs, acls), net) = both(parallel, || rules(w, &ix, pls), || interfaces(w, &ix));
        let Interfaces {
            subnets,
            enis,
            eni_ix,
            by_addr,
            by_v6,
            by_prefix,
            by_public,
            instances,
            nats,
            nat_ix,
        } = net;
        ix.nat = nat_ix;
        let tables = tables(w, &ix, &eni_ix, &enis, pls, parallel);
        let mut view = View {
            vpcs: Arc::new(vpcs),
            subnets: Arc::new(subnets),
            enis: Arc::new(enis),
            nats: Arc::new(nats),
            tables: Slots::new(tables),
            acls: Slots::new(acls),
            sgs: Slots::new(sgs),
            eni_ix: Arc::new(eni_ix),
            instances: Arc::new(instances),
            by_addr: Arc::new(by_addr),
            by_v6: Arc::new(by_v6),
            by_prefix: Arc::new(by_prefix),
            by_public: Arc::new(by_public),
            privatelink: Arc::default(),
            transit: Arc::default(),
            ix: Arc::new(ix),
        };
        view.privatelink = Arc::new(crate::privatelink::compile(w, &view));
        view.transit = Arc::new(crate::transit::compile(w, &view));
        view
    }
}

/// The VPCs with their attached internet gateways, and the id → index maps of VPCs,
/// groups, tables and ACLs, with the VPC pairs joined by an active peering.
fn index(w: &World) -> (Vec<VpcV>, Index) {
    let mut vpcs: Vec<VpcV> = w
        .vpcs
        .values()
        .map(|v| VpcV {
            id: v.id.as_str().into(),
            v4: v.cidrs.iter().map(|c| c.cidr).collect(),
            v6: v.ipv6_cidrs.iter().map(|c| c.cidr).collect(),
            igw: None,
        })
        .collect();
    let mut ix = Index {
        vpc: ids(&vpcs, |v| &v.id),
        ..Index::default()
    };
    for g in w.internet_gateways.values() {
        if let Some(&v) = g.attachment.as_deref().and_then(|a| ix.vpc.get(a)) {
            let vpc = &mut vpcs[v as usize];
            if vpc.igw.is_none() {
                vpc.igw = Some(g.id.as_str().into());
            }
        }
    }
    ix.group_links = group_links(w, &ix.vpc);
    let by_order = |it: &mut dyn Iterator<Item = &str>| -> HashMap<Arc<str>, Ix> {
        it.enumerate()
            .map(|(i, id)| (Arc::from(id), i as Ix))
            .collect()
    };
    ix.sg = by_order(&mut w.security_groups.values().map(|g| g.id.as_str()));
    ix.rtb = by_order(&mut w.route_tables.values().map(|t| t.id.as_str()));
    ix.acl = by_order(&mut w.network_acls.values().map(|a| a.id.as_str()));
    (vpcs, ix)
}

/// Every security group and network ACL.
fn rules(w: &World, ix: &Index, pls: &dyn PrefixLists) -> (Vec<SgV>, Vec<AclV>) {
    let mut pl = PlCache::new(pls);
    let sgs = w
        .security_groups
        .values()
        .map(|g| compile_sg(g, w, ix, &mut pl))
        .collect();
    let acls: Vec<AclV> = w
        .network_acls
        .values()
        .map(|a| compile_acl(a, ix))
        .collect();
    (sgs, acls)
}

/// The subnets with their tables and ACLs, the interfaces (those in a subnet of their own
/// VPC) with their addresses, instances and NAT gateways.
fn interfaces(w: &World, ix: &Index) -> Interfaces {
    let (subnets, subnet_vpc) = link_subnets(w, ix);
    let subnet_ix = ids(&subnets, |s| &s.id);
    let mut enis: Vec<EniV> = Vec::with_capacity(w.network_interfaces.len());
    for e in w.network_interfaces.values() {
        let (Some(&subnet), Some(&vpc)) = (
            subnet_ix.get(e.subnet_id.as_str()),
            ix.vpc.get(e.vpc_id.as_str()),
        ) else {
            continue;
        };
        if subnet_vpc[subnet as usize] != vpc {
            continue;
        }
        let mut publics = Vec::new();
        if let (Some(p), Some(&primary)) = (e.public_ip, e.private_ips.first()) {
            publics.push((primary, p));
        }
        // A known group's id shares the index's string.
        let group_id = |g: &String| match ix.sg.get_key_value(g.as_str()) {
            Some((id, _)) => id.clone(),
            None => Arc::from(g.as_str()),
        };
        enis.push(EniV {
            id: e.id.as_str().into(),
            vpc,
            subnet,
            v4: e.private_ips.clone(),
            v6: e.ipv6_addresses.clone(),
            v4_prefixes: e.ipv4_prefixes.clone(),
            v6_prefixes: e.ipv6_prefixes.clone(),
            groups: e
                .groups
                .iter()
                .filter_map(|g| ix.sg.get(g.as_str()).copied())
                .collect(),
            group_ids: e.groups.iter().map(group_id).collect(),
            source_dest_check: e.source_dest_check,
            endpoint: e.interface_type == "vpc_endpoint",
            publics,
        });
    }
    let eni_ix = ids(&enis, |e| &e.id);
    for a in w.addresses.values() {
        if let Some(assoc) = &a.association {
            if let Some(&e) = eni_ix.get(assoc.network_interface_id.as_str()) {
                let e = &mut enis[e as usize];
                if e.v4.contains(&assoc.private_ip) {
                    e.publics.push((assoc.private_ip, a.public_ip));
                }
            }
        }
    }
    let (by_addr, by_v6, by_public) = addresses(&enis);
    let by_prefix = prefixes(&enis);
    let instances = w
        .instances
        .values()
        .map(|i| {
            let eni = (i.state == InstanceState::Running)
                .then(|| eni_ix.get(i.network_interface_id.as_str()).copied())
                .flatten();
            (Arc::from(i.id.as_str()), eni)
        })
        .collect();
    let (nats, nat_ix) = nat_gateways(w, ix, &subnet_ix);
    Interfaces {
        subnets,
        enis,
        eni_ix,
        by_addr,
        by_v6,
        by_prefix,
        by_public,
        instances,
        nats,
        nat_ix,
    }
}

/// (VPC, delegated prefix) → interface, IPv6 prefixes also under [`NO_VPC`]; the first
/// interface wins.
fn prefixes(enis: &[EniV]) -> HashMap<(Ix, IpAddr), Ix> {
    let mut out = HashMap::default();
    for (i, e) in enis.iter().enumerate() {
        let i = i as Ix;
        for p in &e.v4_prefixes {
            out.entry((e.vpc, IpAddr::V4(p.network()))).or_insert(i);
        }
        for p in &e.v6_prefixes {
            out.entry((e.vpc, IpAddr::V6(p.network()))).or_insert(i);
            out.entry((NO_VPC, IpAddr::V6(p.network()))).or_insert(i);
        }
    }
    out
}

type AddressMaps = (
    HashMap<(Ix, IpAddr), Ix>,
    HashMap<std::net::Ipv6Addr, Ix>,
    HashMap<std::net::Ipv4Addr, (Ix, std::net::Ipv4Addr)>,
);

/// (VPC, private address) → interface, IPv6 address → interface, public IPv4 →
/// (interface, private address); the first interface wins.
fn addresses(enis: &[EniV]) -> AddressMaps {
    let mut by_addr = HashMap::default();
    by_addr.reserve(enis.len());
    let mut by_v6 = HashMap::default();
    let mut by_public = HashMap::default();
    for (i, e) in enis.iter().enumerate() {
        let i = i as Ix;
        for a in &e.v4 {
            by_addr.entry((e.vpc, IpAddr::V4(*a))).or_insert(i);
        }
        for a in &e.v6 {
            by_addr.entry((e.vpc, IpAddr::V6(*a))).or_insert(i);
            by_v6.entry(*a).or_insert(i);
        }
        for (private, public) in &e.publics {
            by_public.entry(*public).or_insert((i, *private));
        }
    }
    (by_addr, by_v6, by_public)
}

/// NAT gateways with an address in a subnet of the view (availability is read when a route
/// to one is resolved).
fn nat_gateways(
    w: &World,
    ix: &Index,
    subnet_ix: &HashMap<Arc<str>, Ix>,
) -> (Vec<NatV>, HashMap<Arc<str>, Ix>) {
    let mut nats = Vec::new();
    let mut nat_ix = HashMap::default();
    for n in w.nat_gateways.values() {
        let (Some(&vpc), Some(&subnet), Some(private)) = (
            ix.vpc.get(n.vpc_id.as_str()),
            subnet_ix.get(n.subnet_id.as_str()),
            n.private_ip,
        ) else {
            continue;
        };
        nat_ix.insert(n.id.as_str().into(), nats.len() as Ix);
        nats.push(NatV {
            id: n.id.as_str().into(),
            vpc,
            subnet,
            private,
            public: if n.public { n.public_ip } else { None },
        });
    }
    (nats, nat_ix)
}

/// Every route table, in world order (in two halves on two threads when `parallel`).
fn tables(
    w: &World,
    ix: &Index,
    eni_ix: &HashMap<Arc<str>, Ix>,
    enis: &[EniV],
    pls: &dyn PrefixLists,
    parallel: bool,
) -> Vec<Rtb> {
    let all: Vec<&RouteTable> = w.route_tables.values().collect();
    let compile = |part: &[&RouteTable]| {
        let mut pl = PlCache::new(pls);
        part.iter()
            .map(|t| compile_table(t, w, ix, eni_ix, enis, &mut pl))
            .collect::<Vec<_>>()
    };
    let (first, second) = all.split_at(all.len() / 2);
    let (mut a, b) = both(parallel, || compile(first), || compile(second));
    a.extend(b);
    a
}
