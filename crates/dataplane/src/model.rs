//! The desired kernel state: namespaces, the veth pairs between them, and per namespace
//! its sysctls, `ip` objects and nftables ruleset. Built from the committed state by
//! [`crate::build`], applied by [`crate::reconcile`].

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv6Addr};

use ipnet::IpNet;

use crate::names::Kind;

/// One kernel object of a namespace, applied over rtnetlink ([`crate::kernel::netlink`]).
/// Objects are applied in [`Obj::rank`] order (links, addresses, neighbours, routes,
/// rules) and removed in reverse; each shows as the `ip` command that would make it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Obj {
    /// A link set up, with its MTU when given.
    Up { dev: String, mtu: Option<u32> },
    /// An address (`net.addr()`) with its prefix length; `noprefixroute`: no on-link route.
    Addr {
        dev: String,
        net: IpNet,
        noprefixroute: bool,
    },
    /// A permanent neighbour entry.
    Neigh {
        dev: String,
        ip: IpAddr,
        mac: [u8; 6],
    },
    /// A route in kernel table `table`.
    Route { table: u32, dst: IpNet, to: RouteTo },
    /// A policy rule: packets arriving on `iif` (any when `None`) for `to` (any when
    /// `None`) look up `table`, or are refused (`None`). `v6`: the IPv6 rule list.
    Rule {
        v6: bool,
        pref: u32,
        iif: Option<String>,
        to: Option<IpNet>,
        table: Option<u32>,
    },
}

/// Where a route leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteTo {
    /// To a link-local next hop over `dev` (IPv4 routes too: RFC 5549).
    Via { gw: Ipv6Addr, dev: String },
    /// Back to the rule list (the next rule decides).
    Throw,
    /// Refused (ICMP administratively prohibited).
    Prohibit,
    /// Delivered here: every address of the destination is this namespace's own (a
    /// delegated prefix; `ip route add local … dev lo`, in the `local` table).
    Local { dev: String },
}

/// Ranks of [`Obj`].
pub const LINK: u8 = 0;
pub const ADDR: u8 = 1;
pub const NEIGH: u8 = 2;
pub const ROUTE: u8 = 3;
pub const RULE: u8 = 4;

/// The main routing table.
pub const MAIN_TABLE: u32 = 254;
/// The table of local addresses.
pub const LOCAL_ROUTES: u32 = 255;

impl Obj {
    pub fn up(dev: &str) -> Obj {
        Obj::Up {
            dev: dev.to_string(),
            mtu: None,
        }
    }

    /// An address `ip/prefix` on `dev` (panics on a prefix longer than the family's).
    pub fn addr(dev: &str, ip: IpAddr, prefix: u8) -> Obj {
        Obj::Addr {
            dev: dev.to_string(),
            net: IpNet::new(ip, prefix).expect("prefix length within the family"),
            noprefixroute: false,
        }
    }

    /// A host address (`/32`, `/128`) on `dev`.
    pub fn host(dev: &str, ip: IpAddr) -> Obj {
        Obj::addr(dev, ip, if ip.is_ipv4() { 32 } else { 128 })
    }

    /// A permanent neighbour `ip` at `mac` (`02:…` text) on `dev`.
    pub fn neigh(dev: &str, ip: IpAddr, mac: &str) -> Obj {
        let mut m = [0u8; 6];
        for (i, part) in mac.split(':').take(6).enumerate() {
            m[i] = u8::from_str_radix(part, 16).unwrap_or(0);
        }
        Obj::Neigh {
            dev: dev.to_string(),
            ip,
            mac: m,
        }
    }

    /// A route to `dst` through the link-local next hop `gw` on `dev`.
    pub fn via(table: u32, dst: IpNet, gw: &str, dev: &str) -> Obj {
        Obj::Route {
            table,
            dst,
            to: RouteTo::Via {
                gw: gw.parse().expect("a link-local next hop"),
                dev: dev.to_string(),
            },
        }
    }

    pub fn rank(&self) -> u8 {
        match self {
            Obj::Up { .. } => LINK,
            Obj::Addr { .. } => ADDR,
            Obj::Neigh { .. } => NEIGH,
            Obj::Route { .. } => ROUTE,
            Obj::Rule { .. } => RULE,
        }
    }

    /// The key of the object in its namespace: a route is keyed by table and
    /// destination (a changed next hop replaces it in place), the rest by what they are.
    pub fn key(&self) -> String {
        match self {
            Obj::Route { table, dst, .. } => format!("route {dst} table {table}"),
            _ => self.to_string(),
        }
    }

    /// Whether the object names link `dev` (the kernel drops it with the link).
    pub fn uses_link(&self, name: &str) -> bool {
        match self {
            Obj::Up { dev, .. } | Obj::Addr { dev, .. } | Obj::Neigh { dev, .. } => dev == name,
            Obj::Route {
                to: RouteTo::Via { dev, .. } | RouteTo::Local { dev },
                ..
            } => dev == name,
            Obj::Route { .. } => false,
            Obj::Rule { iif, .. } => iif.as_deref() == Some(name),
        }
    }
}

impl std::fmt::Display for Obj {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Obj::Up { dev, mtu: None } => write!(f, "link set {dev} up"),
            Obj::Up { dev, mtu: Some(m) } => write!(f, "link set {dev} mtu {m} up"),
            Obj::Addr {
                dev,
                net,
                noprefixroute,
            } => {
                let npr = if *noprefixroute { " noprefixroute" } else { "" };
                write!(f, "addr add {net} dev {dev}{npr}")
            }
            Obj::Neigh { dev, ip, mac } => {
                let m: Vec<String> = mac.iter().map(|b| format!("{b:02x}")).collect();
                write!(
                    f,
                    "neigh add {ip} lladdr {} dev {dev} nud permanent",
                    m.join(":")
                )
            }
            Obj::Route { table, dst, to } => {
                match to {
                    RouteTo::Via { gw, dev } => {
                        write!(f, "route add {dst} via inet6 {gw} dev {dev}")?
                    }
                    RouteTo::Throw => write!(f, "route add throw {dst}")?,
                    RouteTo::Prohibit => write!(f, "route add prohibit {dst}")?,
                    RouteTo::Local { dev } => write!(f, "route add local {dst} dev {dev}")?,
                }
                write!(f, " table {table}")
            }
            Obj::Rule {
                v6,
                pref,
                iif,
                to,
                table,
            } => {
                write!(f, "{}rule add", if *v6 { "-6 " } else { "" })?;
                if let Some(to) = to {
                    write!(f, " to {to}")?;
                }
                if let Some(iif) = iif {
                    write!(f, " iif {iif}")?;
                }
                match table {
                    Some(t) => write!(f, " lookup {t}")?,
                    None => write!(f, " prohibit")?,
                }
                write!(f, " pref {pref}")
            }
        }
    }
}

/// What one namespace should hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NsPlan {
    pub kind: Option<Kind>,
    /// The alias of `lo` (the ownership marker).
    pub marker: String,
    /// `/proc/sys/net/...` paths (relative to `net/`) and values, set once at creation.
    pub sysctls: Vec<(String, String)>,
    /// Objects by [`Obj::key`].
    pub objects: BTreeMap<String, Obj>,
    /// The whole nftables ruleset of the namespace (empty: none).
    pub nft: String,
    /// The VPC resolver address written to the namespace's `resolv.conf` (interfaces).
    pub nameserver: Option<String>,
}

impl NsPlan {
    pub fn add(&mut self, obj: Obj) {
        self.objects.insert(obj.key(), obj);
    }
}

/// A veth pair with each end created directly in its namespace.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Link {
    pub a_ns: String,
    pub a_name: String,
    pub a_mac: String,
    pub b_ns: String,
    pub b_name: String,
    pub b_mac: String,
}

/// The whole desired state of one owner.
#[derive(Debug, Clone, Default)]
pub struct Desired {
    pub namespaces: BTreeMap<String, NsPlan>,
    /// Links by a key naming both ends.
    pub links: BTreeMap<String, Link>,
    /// Interface and instance ids → the namespace a program of theirs runs in.
    pub targets: BTreeMap<String, String>,
    /// Counts of what the state holds, by kind (for the status document).
    pub counts: BTreeMap<&'static str, usize>,
    /// Namespaces whose TCP 80 and 443 a stand-in serves, with the name it answers with.
    pub standins: BTreeMap<String, String>,
    /// The names each VPC's resolver answers, by router namespace (VPCs with DNS support).
    pub dns: BTreeMap<String, Zone>,
    /// Encrypted tunnels of inter-Region peerings, by peering id.
    pub tunnels: BTreeMap<String, Tunnel>,
}

/// An inter-Region peering's encrypted tunnel: a TUN device in each VPC router (the
/// peering's link there) and a UDP socket in each Region's namespace, on the backbone veth
/// between the two Regions, with userspace WireGuard between them ([`crate::tunnel`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tunnel {
    pub ends: [TunnelEnd; 2],
}

/// One end of a [`Tunnel`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TunnelEnd {
    /// The router namespace and the name of the TUN device in it.
    pub router: String,
    pub tun: String,
    /// The Region namespace, its backbone link to the other Region, and the addresses of
    /// this end and of the other end on that link.
    pub region: String,
    pub backbone: String,
    pub local: std::net::Ipv4Addr,
    pub remote: std::net::Ipv4Addr,
}

/// Names (lower case, no trailing dot) and their addresses.
pub type Zone = BTreeMap<String, Vec<std::net::IpAddr>>;

impl Desired {
    /// The plan of namespace `name`, made with `kind` and `marker` if new.
    pub fn ns(&mut self, name: &str, kind: Kind, marker: String) -> &mut NsPlan {
        self.namespaces.entry(name.to_string()).or_insert_with(|| {
            let mut p = NsPlan {
                kind: Some(kind),
                marker,
                ..NsPlan::default()
            };
            p.add(Obj::up("lo"));
            p
        })
    }

    /// Adds a veth pair.
    pub fn link(&mut self, link: Link) {
        let key = format!(
            "{}/{}={}/{}",
            link.a_ns, link.a_name, link.b_ns, link.b_name
        );
        self.links.insert(key, link);
    }

    pub fn count(&mut self, what: &'static str) {
        *self.counts.entry(what).or_default() += 1;
    }
}
