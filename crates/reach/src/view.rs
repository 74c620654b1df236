//! The compiled, immutable forwarding view of a [`World`](openvpc_core::World).
//!
//! Resources are interned into vectors and referred to by index; ids survive as shared
//! strings for hops and explanations. Route tables are compiled per address family into
//! longest-prefix-match levels (one hash map per prefix length present, longest first) with
//! prefix-list routes expanded and the §1.7 tie-breaks applied; route targets are resolved
//! once, so a `blackhole` is known at compile time.

use std::hash::Hash;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use openvpc_core::ids::Kind;

use crate::fast::{HashMap, HashSet};
use crate::privatelink::PrivateLinkV;

mod compile;
mod parts;

pub(crate) use parts::{
    compile_acl, compile_sg, compile_table, group_links, link_subnets, PlCache,
};

/// Index of an interned resource.
pub(crate) type Ix = u32;

/// An interned VPC.
#[derive(Debug, Clone)]
pub(crate) struct VpcV {
    pub id: Arc<str>,
    pub v4: Vec<Ipv4Net>,
    pub v6: Vec<Ipv6Net>,
    /// The attached internet gateway.
    pub igw: Option<Arc<str>>,
}

impl VpcV {
    pub fn contains(&self, a: IpAddr) -> bool {
        match a {
            IpAddr::V4(a) => self.v4.iter().any(|n| n.contains(&a)),
            IpAddr::V6(a) => self.v6.iter().any(|n| n.contains(&a)),
        }
    }
}

/// An interned subnet with its effective route table and network ACL.
#[derive(Debug)]
pub(crate) struct SubnetV {
    pub id: Arc<str>,
    pub vpc: Ix,
    pub rtb: Option<Ix>,
    pub acl: Option<Ix>,
}

/// An interned network interface.
#[derive(Debug)]
pub(crate) struct EniV {
    pub id: Arc<str>,
    pub vpc: Ix,
    pub subnet: Ix,
    pub v4: Vec<Ipv4Addr>,
    pub v6: Vec<Ipv6Addr>,
    /// Prefixes delegated to it (`/28`, `/80`): every address inside is its own.
    pub v4_prefixes: Vec<Ipv4Net>,
    pub v6_prefixes: Vec<Ipv6Net>,
    /// Known security groups; `group_ids` keeps every listed id for messages.
    pub groups: Vec<Ix>,
    pub group_ids: Vec<Arc<str>>,
    pub source_dest_check: bool,
    /// An interface endpoint's network interface (`interface_type` `vpc_endpoint`).
    pub endpoint: bool,
    /// (private, public) address pairs: the primary's public IP and Elastic IPs.
    pub publics: Vec<(Ipv4Addr, Ipv4Addr)>,
}

impl EniV {
    pub fn has(&self, a: IpAddr) -> bool {
        match a {
            IpAddr::V4(a) => {
                self.v4.contains(&a) || self.v4_prefixes.iter().any(|p| p.contains(&a))
            }
            IpAddr::V6(a) => {
                self.v6.contains(&a) || self.v6_prefixes.iter().any(|p| p.contains(&a))
            }
        }
    }
}

/// An interned NAT gateway (any state; availability is part of route resolution).
#[derive(Debug)]
pub(crate) struct NatV {
    pub id: Arc<str>,
    pub vpc: Ix,
    pub subnet: Ix,
    pub private: Ipv4Addr,
    pub public: Option<Ipv4Addr>,
}

/// A resolved route target.
#[derive(Debug, Clone)]
pub(crate) enum Tgt {
    Local,
    Pcx {
        id: Arc<str>,
        peer: Ix,
    },
    Igw(Arc<str>),
    Eigw(Arc<str>),
    Nat(Ix),
    Eni(Ix),
    GatewayEndpoint(Arc<str>),
    /// A virtual private gateway attached to the table's VPC and the customer-side ranges
    /// its VPN connections lead to (their static routes).
    Vgw {
        id: Arc<str>,
        on_premises: Arc<[Ipv4Net]>,
    },
    /// A transit gateway with an available attachment to the table's VPC (see
    /// [`crate::transit`]).
    Tgw(Arc<str>),
    /// A Gateway Load Balancer endpoint: through its appliance and on from its interface.
    Gwlbe(Arc<str>),
    /// A target kind the engine does not model (another kind of endpoint, a transit
    /// gateway the world does not hold).
    Unsupported(Arc<str>),
    /// Not usable: the target is gone or not in a usable state.
    Blackhole {
        why: String,
    },
}

/// A compiled route: its text for messages and its resolved target.
#[derive(Debug, Clone)]
pub(crate) struct RouteV {
    pub label: Arc<str>,
    pub target: Tgt,
    /// Tie-break on an identical prefix: lower wins (static, prefix list, propagated;
    /// then lowest prefix-list id; then table order).
    rank: (u8, Arc<str>, usize),
}

impl RouteV {
    /// The route's position in its table (world order).
    pub(crate) fn position(&self) -> usize {
        self.rank.2
    }
}

/// Longest-prefix-match levels for one family; keys are masked addresses. A small table
/// (most are) is sealed into one list, longest prefix first, scanned in order: a few cache
/// lines instead of a hash probe per prefix length.
#[derive(Debug)]
pub(crate) struct Lpm<K> {
    levels: Vec<(u8, HashMap<K, RouteV>)>,
    /// Every prefix as (length, key, route), longest first, once sealed small.
    flat: Vec<(u8, K, RouteV)>,
}

/// Prefixes up to which a sealed table is scanned rather than hashed.
const SMALL_TABLE: usize = 48;

impl<K: Hash + Eq + Copy> Lpm<K> {
    fn new() -> Self {
        Lpm {
            levels: Vec::new(),
            flat: Vec::new(),
        }
    }

    /// Done inserting: a small table becomes one list.
    fn seal(&mut self) {
        let n: usize = self.levels.iter().map(|(_, m)| m.len()).sum();
        if n > SMALL_TABLE {
            return;
        }
        for (len, map) in std::mem::take(&mut self.levels) {
            self.flat
                .extend(map.into_iter().map(|(key, route)| (len, key, route)));
        }
    }

    fn insert(&mut self, len: u8, key: K, route: RouteV) {
        let pos = match self.levels.binary_search_by(|(l, _)| len.cmp(l)) {
            Ok(p) => p,
            Err(p) => {
                self.levels.insert(p, (len, HashMap::default()));
                p
            }
        };
        let map = &mut self.levels[pos].1;
        match map.get(&key) {
            Some(old) if old.rank <= route.rank => {}
            _ => {
                map.insert(key, route);
            }
        }
    }

    /// Every prefix as (length, key, route), hashed or sealed.
    fn entries(&self) -> impl Iterator<Item = (u8, K, &RouteV)> {
        let hashed = self
            .levels
            .iter()
            .flat_map(|(len, map)| map.iter().map(move |(k, r)| (*len, *k, r)));
        hashed.chain(self.flat.iter().map(|(len, k, r)| (*len, *k, r)))
    }

    fn lookup(&self, mask: impl Fn(u8) -> K) -> Option<&RouteV> {
        if self.levels.is_empty() {
            return self
                .flat
                .iter()
                .find(|(len, key, _)| mask(*len) == *key)
                .map(|(_, _, route)| route);
        }
        self.levels
            .iter()
            .find_map(|(len, map)| map.get(&mask(*len)))
    }
}

fn mask4(a: u32, len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        a & (u32::MAX << (32 - len))
    }
}

fn mask6(a: u128, len: u8) -> u128 {
    if len == 0 {
        0
    } else {
        a & (u128::MAX << (128 - len))
    }
}

impl<K: Hash + Eq + Copy + Into<u128>> Lpm<K> {
    /// Every prefix as its first and last address (IPv4 as u32 values), `bits` wide keys.
    fn bounds(&self, bits: u8, out: &mut Vec<(u128, u128)>) {
        let host = |len: u8| {
            if len >= bits {
                0
            } else {
                (u128::MAX >> (128 - u32::from(bits))) >> len
            }
        };
        out.extend(
            self.entries()
                .map(|(len, k, _)| (k.into(), k.into() | host(len))),
        );
    }
}

/// An interned route table.
#[derive(Debug)]
pub(crate) struct Rtb {
    pub id: Arc<str>,
    pub vpc: Option<Ix>,
    /// Associations as (association id, subnet, main), to see whether an edit moved them.
    pub links: Vec<(Arc<str>, Option<Arc<str>>, bool)>,
    v4: Lpm<u32>,
    v6: Lpm<u128>,
}

impl Rtb {
    /// The first and last address of every prefix of one family (IPv4 as u32 values).
    pub fn bounds(&self, v4: bool, out: &mut Vec<(u128, u128)>) {
        if v4 {
            self.v4.bounds(32, out)
        } else {
            self.v6.bounds(128, out)
        }
    }

    /// Every prefix with the route that wins for it, longest prefixes first.
    pub fn routes(&self) -> impl Iterator<Item = (IpNet, &RouteV)> {
        let v4 = self.v4.entries().filter_map(|(len, k, r)| {
            Some((IpNet::V4(Ipv4Net::new(Ipv4Addr::from(k), len).ok()?), r))
        });
        let v6 = self.v6.entries().filter_map(|(len, k, r)| {
            Some((IpNet::V6(Ipv6Net::new(Ipv6Addr::from(k), len).ok()?), r))
        });
        v4.chain(v6)
    }

    /// The route longest-prefix-matching `a`.
    pub fn lookup(&self, a: IpAddr) -> Option<&RouteV> {
        match a {
            IpAddr::V4(a) => {
                let a = u32::from(a);
                self.v4.lookup(|l| mask4(a, l))
            }
            IpAddr::V6(a) => {
                let a = u128::from(a);
                self.v6.lookup(|l| mask6(a, l))
            }
        }
    }
}

/// A compiled network ACL entry.
#[derive(Debug)]
pub(crate) struct EntryV {
    pub number: u32,
    pub allow: bool,
    pub net: IpNet,
    pub protocol: Option<u8>,
    pub ports: Option<(u16, u16)>,
    pub icmp: Option<(i32, i32)>,
}

/// An interned network ACL; entries sorted by rule number.
#[derive(Debug)]
pub(crate) struct AclV {
    pub id: Arc<str>,
    pub vpc: Option<Ix>,
    /// Associations as (association id, subnet).
    pub links: Vec<(Arc<str>, Arc<str>)>,
    pub inbound: Vec<EntryV>,
    pub outbound: Vec<EntryV>,
}

/// What a security group rule matches on the other end.
#[derive(Debug)]
pub(crate) enum PeerV {
    Net(IpNet),
    Nets(Vec<IpNet>),
    /// Members of group `sg`, looked up by address in `vpc`.
    Group {
        sg: Ix,
        vpc: Ix,
    },
    /// A reference that resolves to nothing (group gone, peering not active, other Region).
    Stale,
}

/// A compiled security group rule. `a`/`b` are the port range (TCP/UDP) or the ICMP type
/// and code, -1 meaning any.
#[derive(Debug)]
pub(crate) struct RuleV {
    pub protocol: Option<u8>,
    pub a: i32,
    pub b: i32,
    pub peer: PeerV,
}

/// An interned security group.
#[derive(Debug)]
pub(crate) struct SgV {
    pub id: Arc<str>,
    /// The group's own VPC (for incremental updates).
    pub vpc: Option<Ix>,
    pub ingress: Vec<RuleV>,
    pub egress: Vec<RuleV>,
}

/// Slots per chunk of [`Slots`].
const CHUNK: usize = 64;

/// Parts by index, in chunks of [`CHUNK`] behind `Arc`s: cloning is O(1), and replacing
/// one part copies one chunk and the chunk list (pointers), not every part.
#[derive(Debug)]
pub(crate) struct Slots<T> {
    chunks: Arc<Vec<Arc<Vec<Arc<T>>>>>,
    len: usize,
}

impl<T> Clone for Slots<T> {
    fn clone(&self) -> Self {
        Slots {
            chunks: self.chunks.clone(),
            len: self.len,
        }
    }
}

impl<T> Slots<T> {
    pub fn new(items: Vec<T>) -> Self {
        let len = items.len();
        let mut chunks = Vec::with_capacity(len.div_ceil(CHUNK));
        let mut items = items.into_iter().map(Arc::new).peekable();
        while items.peek().is_some() {
            chunks.push(Arc::new(items.by_ref().take(CHUNK).collect()));
        }
        Slots {
            chunks: Arc::new(chunks),
            len,
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// Replaces part `i`.
    pub fn set(&mut self, i: usize, item: T) {
        let chunk = &mut Arc::make_mut(&mut self.chunks)[i / CHUNK];
        Arc::make_mut(chunk)[i % CHUNK] = Arc::new(item);
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flat_map(|c| c.iter().map(|x| &**x))
    }
}

impl<T> std::ops::Index<usize> for Slots<T> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        &self.chunks[i / CHUNK][i % CHUNK]
    }
}

/// The immutable forwarding view of a world. Build with [`View::compile`], refresh after a
/// mutation with [`View::update`] (see [`crate::update`]).
///
/// Every part sits behind an `Arc`: cloning a view is cheap, and an update replaces only
/// the parts it recompiles (security groups, route tables and ACLs each in a slot of its
/// own, in chunks), sharing everything else with the view it started from.
#[derive(Debug, Clone)]
pub struct View {
    pub(crate) vpcs: Arc<Vec<VpcV>>,
    pub(crate) subnets: Arc<Vec<SubnetV>>,
    pub(crate) enis: Arc<Vec<EniV>>,
    pub(crate) nats: Arc<Vec<NatV>>,
    pub(crate) tables: Slots<Rtb>,
    pub(crate) acls: Slots<AclV>,
    pub(crate) sgs: Slots<SgV>,
    pub(crate) eni_ix: Arc<HashMap<Arc<str>, Ix>>,
    /// Instance id → its primary interface, when running.
    pub(crate) instances: Arc<HashMap<Arc<str>, Option<Ix>>>,
    /// (VPC, private address) → interface.
    pub(crate) by_addr: Arc<HashMap<(Ix, IpAddr), Ix>>,
    /// IPv6 address → interface (IPv6 addresses are globally unique and public).
    pub(crate) by_v6: Arc<HashMap<Ipv6Addr, Ix>>,
    /// (VPC, delegated prefix's network address) → interface; IPv6 prefixes also under
    /// [`NO_VPC`] (globally unique, as IPv6 addresses are).
    pub(crate) by_prefix: Arc<HashMap<(Ix, IpAddr), Ix>>,
    /// Public IPv4 → (interface, private address).
    pub(crate) by_public: Arc<HashMap<Ipv4Addr, (Ix, Ipv4Addr)>>,
    /// VPC endpoints, endpoint services, load balancers (see [`crate::privatelink`]).
    pub(crate) privatelink: Arc<PrivateLinkV>,
    /// Transit gateways' attachments and route tables (see [`crate::transit`]).
    pub(crate) transit: Arc<crate::transit::TransitV>,
    /// Id → index maps that recompiling one part needs.
    pub(crate) ix: Arc<Index>,
}

/// The VPC index under which IPv6 prefixes are also kept, VPC-independent.
pub(crate) const NO_VPC: Ix = Ix::MAX;

/// The network address of the delegated prefix that would hold `a` (a `/28` or a `/80`).
pub(crate) fn prefix_key(a: IpAddr) -> IpAddr {
    match a {
        IpAddr::V4(a) => IpAddr::V4(
            Ipv4Net::new(a, openvpc_core::eni::IPV4_PREFIX_LEN)
                .expect("valid length")
                .network(),
        ),
        IpAddr::V6(a) => IpAddr::V6(
            Ipv6Net::new(a, openvpc_core::eni::IPV6_PREFIX_LEN)
                .expect("valid length")
                .network(),
        ),
    }
}

impl View {
    /// The interface holding `a` in `vpc`: one of its addresses, or inside a prefix
    /// delegated to it.
    pub(crate) fn holder(&self, vpc: Ix, a: IpAddr) -> Option<Ix> {
        self.by_addr
            .get(&(vpc, a))
            .or_else(|| self.by_prefix.get(&(vpc, prefix_key(a))))
            .copied()
    }

    /// The interface holding the IPv6 address `a`, in any VPC.
    pub(crate) fn holder_v6(&self, a: Ipv6Addr) -> Option<Ix> {
        self.by_v6
            .get(&a)
            .or_else(|| self.by_prefix.get(&(NO_VPC, prefix_key(IpAddr::V6(a)))))
            .copied()
    }
}

/// Id → index maps of the resources whose set only a full compile changes.
#[derive(Debug, Default)]
pub(crate) struct Index {
    pub vpc: HashMap<Arc<str>, Ix>,
    pub sg: HashMap<Arc<str>, Ix>,
    pub rtb: HashMap<Arc<str>, Ix>,
    pub acl: HashMap<Arc<str>, Ix>,
    pub nat: HashMap<Arc<str>, Ix>,
    /// Ordered pairs of VPCs across which group references resolve
    /// ([`openvpc_core::sg::linked_vpc_pairs`]): a change of this set re-resolves the
    /// groups of the VPCs it touches.
    pub group_links: HashSet<(Ix, Ix)>,
}

impl View {
    /// Number of interfaces in the view.
    pub fn interface_count(&self) -> usize {
        self.enis.len()
    }

    /// The interface `id`, the primary interface of running instance `id`, or the first
    /// network interface of VPC endpoint `id`.
    pub(crate) fn endpoint(&self, id: &str) -> Option<Ix> {
        if Kind::Instance.names(id) {
            self.instances.get(id).copied().flatten()
        } else if Kind::VpcEndpoint.names(id) {
            let e = self.privatelink.endpoints.get(id)?;
            e.enis.first().copied()
        } else {
            self.eni_ix.get(id).copied()
        }
    }
}
