//! Names and ownership markers of everything the data plane makes.
//!
//! Namespaces are `ovpc-<owner>-<kind>-<aws id or Region>`; links inside a router or the internet
//! namespace are a kind letter plus ten hex digits of a hash of what they stand for (the
//! kernel allows 15 characters); inside an interface namespace the link is `eth0`. Every
//! namespace's `lo` carries the alias `openvpc:<owner>:<kind>:<id>`: cleanup deletes only
//! namespaces whose name has the prefix *and* whose `lo` carries the marker.

/// Prefix of every namespace the data plane makes.
pub const PREFIX: &str = "ovpc-";
/// Prefix of the ownership marker (the alias of `lo`).
pub const MARKER: &str = "openvpc:";

/// FNV-1a, 64 bits: stable across runs and platforms.
pub fn fnv64(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// What a namespace stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// A VPC router.
    Router,
    /// A network interface (instance, endpoint, load-balancer node, NAT gateway, …).
    Interface,
    /// The simulated internet.
    Internet,
    /// An AWS service behind a gateway endpoint.
    Service,
    /// A Region's edge: the encrypted tunnels of its inter-Region peerings leave from here
    /// over the backbone to other Regions.
    Region,
    /// A transit gateway's router: one kernel table per route table (and zone), its
    /// attachments' links to VPC routers.
    TransitGateway,
}

impl Kind {
    pub fn tag(self) -> &'static str {
        match self {
            Kind::Router => "vr",
            Kind::Interface => "if",
            Kind::Internet => "inet",
            Kind::Service => "svc",
            Kind::Region => "rg",
            Kind::TransitGateway => "tgw",
        }
    }
}

/// The names of one data plane instance (one owner).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    pub owner: String,
}

impl Names {
    /// An owner is a short token of `[a-z0-9]`; longer or other input is hashed into one.
    pub fn new(owner: &str) -> Names {
        let clean = owner.len() <= 10
            && !owner.is_empty()
            && owner
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        let owner = if clean {
            owner.to_string()
        } else {
            format!("{:08x}", fnv64(owner) as u32)
        };
        Names { owner }
    }

    /// The namespace of `kind` for AWS id `id` (empty for the internet).
    pub fn namespace(&self, kind: Kind, id: &str) -> String {
        match kind {
            Kind::Internet => format!("{PREFIX}{}-inet", self.owner),
            _ => format!("{PREFIX}{}-{}-{id}", self.owner, kind.tag()),
        }
    }

    /// The prefix of every namespace of this owner.
    pub fn own_prefix(&self) -> String {
        format!("{PREFIX}{}-", self.owner)
    }

    /// The marker `lo` carries in a namespace of this owner.
    pub fn marker(&self, kind: Kind, id: &str) -> String {
        format!("{MARKER}{}:{}:{id}", self.owner, kind.tag())
    }
}

/// A link name: `letter` plus ten hex digits of a hash of `id`.
pub fn link(letter: char, id: &str) -> String {
    format!("{letter}{:010x}", fnv64(id) & 0xff_ffff_ffff)
}

/// A locally administered unicast MAC address derived from `seed`.
pub fn mac(seed: &str) -> String {
    let h = fnv64(seed).to_be_bytes();
    format!(
        "02:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        h[0], h[1], h[2], h[3], h[4]
    )
}

/// A kernel routing-table id for route table `id`: stable, never a reserved one.
pub fn table_id(id: &str) -> u32 {
    0x1000_0000 | (fnv64(id) as u32 & 0x0fff_ffff)
}

#[cfg(test)]
mod tests;
