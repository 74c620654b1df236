//! The desired kernel state: namespaces, the veth pairs between them, and per namespace
//! its sysctls, `ip` objects and nftables ruleset. Built from the committed state by
//! [`crate::build`], applied by [`crate::reconcile`].

use std::collections::BTreeMap;

use crate::names::Kind;

/// One `ip` object of a namespace: how to add it and how to remove it, as `ip -batch`
/// lines. Objects are applied in `rank` order (links, addresses, neighbours, routes, rules)
/// and removed in reverse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Obj {
    pub rank: u8,
    /// Needs `ip -6` (IPv6 policy rules: a batch line cannot choose the family).
    pub six: bool,
    pub add: String,
    /// Empty when removing needs nothing (link state, aliases).
    pub del: String,
}

/// Ranks of [`Obj`].
pub const LINK: u8 = 0;
pub const ADDR: u8 = 1;
pub const NEIGH: u8 = 2;
pub const ROUTE: u8 = 3;
pub const RULE: u8 = 4;

impl Obj {
    pub fn new(rank: u8, add: String, del: String) -> Obj {
        Obj {
            rank,
            six: false,
            add,
            del,
        }
    }

    /// An IPv6 policy rule (`rule add …` / `rule del …`).
    pub fn rule6(add: String, del: String) -> Obj {
        Obj {
            rank: RULE,
            six: true,
            add,
            del,
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
    /// Objects by key (the add line, unless an object is replaced in place).
    pub objects: BTreeMap<String, Obj>,
    /// The whole nftables ruleset of the namespace (empty: none).
    pub nft: String,
    /// The VPC resolver address written to the namespace's `resolv.conf` (interfaces).
    pub nameserver: Option<String>,
}

impl NsPlan {
    pub fn add(&mut self, obj: Obj) {
        let key = if obj.six {
            format!("-6 {}", obj.add)
        } else {
            obj.add.clone()
        };
        self.objects.insert(key, obj);
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

impl Link {
    /// The `ip -batch` line that makes the pair (run in the host namespace; nothing of it
    /// stays there).
    pub fn add_line(&self) -> String {
        format!(
            "link add {} netns {} address {} type veth peer name {} netns {} address {}",
            self.a_name, self.a_ns, self.a_mac, self.b_name, self.b_ns, self.b_mac
        )
    }
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
}

/// Names (lower case, no trailing dot) and their addresses.
pub type Zone = BTreeMap<String, Vec<std::net::IpAddr>>;

impl Desired {
    /// The plan of namespace `name`, made with `kind` and `marker` if new.
    pub fn ns(&mut self, name: &str, kind: Kind, marker: String) -> &mut NsPlan {
        self.namespaces
            .entry(name.to_string())
            .or_insert_with(|| NsPlan {
                kind: Some(kind),
                marker,
                ..NsPlan::default()
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
