//! The reachability engine: decides, as AWS would, whether a flow gets through, and explains
//! every hop or blocker (spec §1.7, §1.8, §3.3, §5.1, §5.2).
//!
//! [`View::compile`] turns a [`World`] into an immutable forwarding view (indexes by id and
//! address, longest-prefix-match tables, resolved route targets); [`decide`] walks one flow
//! through it, forward and back. [`reference::decide`] is a deliberately simple second
//! evaluator over the raw world, used by the property tests to check the first.
//!
//! Past a route table or an interface, VPC endpoints and PrivateLink (gateway endpoints,
//! interface endpoints, endpoint services, network load balancers, listeners, target
//! groups) are compiled by the `privatelink` module and walked by `decide::privatelink`
//! (`reference::privatelink` for the reference).
//!
//! The engine knows nothing of the wire: it reads core structs only.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use ipnet::IpNet;
use openvpc_core::ids::Kind;

pub mod decide;
pub mod explain;
pub mod exposure;
pub mod fabric;
mod fast;
pub mod insights;
pub mod matrix;
mod ports;
mod privatelink;
pub mod reference;
pub mod search;
mod transit;
pub mod update;
pub mod view;
pub mod watch;

#[cfg(test)]
mod tests;

pub use decide::{decide, decide_with};
pub use explain::{
    Applied, Balanced, Code, Detail, Direction, Explanation, Header, Hop, HopKind, Outcome,
    Verdict, Why,
};
pub use exposure::{exposure, exposure_with, Exposure};
pub use search::{search, Arrival, Found, Search};
pub use update::{Changes, Touched};
pub use view::View;
pub use watch::Watch;

#[doc(no_inline)]
pub use openvpc_core::World;

/// The ephemeral source port used when a flow names none.
pub const DEFAULT_SOURCE_PORT: u16 = 49152;

/// The protocol of a flow (`openvpc_core::Protocol`): ICMP means ICMPv6 for an IPv6 flow.
#[doc(no_inline)]
pub use openvpc_core::Protocol;

/// One end of a flow: an interface, an instance (its primary interface), a VPC endpoint
/// (one of its network interfaces) or an address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Endpoint {
    Eni(String),
    Instance(String),
    /// An interface endpoint (`vpce-…`): its network interface in the source's
    /// Availability Zone if it has one there, else its first.
    Vpce(String),
    Ip(IpAddr),
}

impl Endpoint {
    /// `eni-…`, `i-…`, `vpce-…` (not `vpce-svc-…`) or an IP address.
    pub fn parse(s: &str) -> Option<Endpoint> {
        if Kind::NetworkInterface.names(s) {
            Some(Endpoint::Eni(s.to_string()))
        } else if Kind::Instance.names(s) {
            Some(Endpoint::Instance(s.to_string()))
        } else if Kind::VpcEndpoint.names(s) && !Kind::VpcEndpointService.names(s) {
            Some(Endpoint::Vpce(s.to_string()))
        } else {
            s.parse().ok().map(Endpoint::Ip)
        }
    }
}

/// A flow to decide.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Flow {
    /// An interface (`eni-…`), instance (`i-…`) or VPC endpoint (`vpce-…`) id.
    pub source: String,
    pub destination: Endpoint,
    pub protocol: Protocol,
    /// Destination port (TCP/UDP) or ICMP type. `None`: for TCP/UDP a port that no
    /// port-specific rule names; for ICMP an echo request.
    pub port: Option<u16>,
    /// Source port; [`DEFAULT_SOURCE_PORT`] when `None` (ignored for ICMP).
    pub source_port: Option<u16>,
}

impl Flow {
    /// A flow with the default source port.
    pub fn new(source: &str, destination: Endpoint, protocol: Protocol, port: Option<u16>) -> Self {
        Flow {
            source: source.to_string(),
            destination,
            protocol,
            port,
            source_port: None,
        }
    }
}

/// What a Network Insights path asks beyond a [`Flow`]: the addresses its ends use, and a
/// peering connection or virtual private gateway as an end. `Default`: none of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Options {
    /// The source's address: one of the source interface's (its private address when a
    /// public one is named); with [`Options::from`], the sender beyond the edge.
    pub source_ip: Option<IpAddr>,
    /// The destination interface's address to send to (from the internet, its public
    /// address, or the private one it maps to).
    pub destination_ip: Option<IpAddr>,
    /// The flow enters through a peering connection or virtual private gateway (the
    /// flow's `source` is ignored; [`Options::source_ip`] must be set).
    pub from: Option<Edge>,
    /// The flow must leave through this peering connection or virtual private gateway
    /// (`pcx-…`/`vgw-…`); the flow's destination is then an address beyond it.
    pub to: Option<String>,
}

/// A peering connection (`pcx-…`) or virtual private gateway (`vgw-…`) through which a
/// flow enters VPC `vpc`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edge {
    pub id: String,
    pub vpc: String,
}

/// Where prefix-list ids (customer- or AWS-managed) get their CIDRs from (shared by the
/// threads that compile a large world).
pub trait PrefixLists: Sync {
    /// The entries of list `id`, or `None` when the list is unknown (it then matches nothing).
    fn cidrs(&self, id: &str) -> Option<Vec<IpNet>>;
}

/// No prefix lists known: prefix-list routes and rules match nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoPrefixLists;

impl PrefixLists for NoPrefixLists {
    fn cidrs(&self, _id: &str) -> Option<Vec<IpNet>> {
        None
    }
}

impl PrefixLists for HashMap<String, Vec<IpNet>> {
    fn cidrs(&self, id: &str) -> Option<Vec<IpNet>> {
        self.get(id).cloned()
    }
}

/// A world's own lists: customer-managed lists and the Regions' AWS-managed lists.
impl PrefixLists for World {
    fn cidrs(&self, id: &str) -> Option<Vec<IpNet>> {
        let known = self.prefix_lists.get(id).is_some()
            || openvpc_core::prefix_list::is_aws_managed(self, id);
        known.then(|| openvpc_core::prefix_list::cidrs(self, id))
    }
}

impl PrefixLists for BTreeMap<String, Vec<IpNet>> {
    fn cidrs(&self, id: &str) -> Option<Vec<IpNet>> {
        self.get(id).cloned()
    }
}
