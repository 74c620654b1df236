//! What an explanation is about, as typed fields (the members AWS's `Explanation` carries:
//! components by id, addresses, ports, the packet, the route, ACL entry, listener, target
//! group and target), and [`Why`]: which of the code's situations it is. The words are
//! built from both in one place, [`super::message`].

use std::net::IpAddr;
use std::sync::Arc;

use super::Header;

/// A route of a route table: the table, the route's position among the table's routes
/// (world order) and its text (`10.1.0.0/16 -> pcx-…`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RouteRef {
    pub table: Arc<str>,
    pub index: u32,
    pub label: Arc<str>,
}

/// A network ACL entry: its number (`None`: the default entry `*`) and direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AclRuleRef {
    pub number: Option<u32>,
    pub egress: bool,
}

/// A load balancer listener: its ARN, port and protocol (`TCP`, `TLS`, `UDP`, `TCP_UDP`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ListenerRef {
    pub arn: Arc<str>,
    pub port: Option<u16>,
    pub protocol: Option<Arc<str>>,
}

/// A registered target: its id (an instance id or an address), the port traffic goes to,
/// and where known its address and Availability Zone.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TargetRef {
    pub id: Arc<str>,
    pub port: u16,
    pub address: Option<IpAddr>,
    pub zone: Option<Arc<str>>,
}

/// Which end of a flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum End {
    Source,
    Destination,
}

/// The typed fields of an explanation. Every field names something the engine found; none
/// is parsed from words.
#[derive(Debug, Clone, PartialEq, Eq, Default, Hash)]
pub struct Detail {
    pub vpc: Option<Arc<str>>,
    pub subnet: Option<Arc<str>>,
    pub source_vpc: Option<Arc<str>>,
    pub destination_vpc: Option<Arc<str>>,
    pub network_interface: Option<Arc<str>>,
    /// The interface's security groups (all of them, as checked together).
    pub security_groups: Vec<Arc<str>>,
    /// One security group in particular (one whose rules are not known).
    pub security_group: Option<Arc<str>>,
    pub acl: Option<Arc<str>>,
    pub acl_rule: Option<AclRuleRef>,
    /// `Some(true)`: outbound (egress), `Some(false)`: inbound (ingress).
    pub egress: Option<bool>,
    /// The route taken (its table is the explanation's route table).
    pub route: Option<RouteRef>,
    /// A route the one taken wins over (`MORE_SPECIFIC_ROUTE`).
    pub shadowed_route: Option<RouteRef>,
    pub route_table: Option<Arc<str>>,
    pub peering: Option<Arc<str>>,
    /// An internet or egress-only internet gateway.
    pub internet_gateway: Option<Arc<str>>,
    pub nat_gateway: Option<Arc<str>>,
    pub vpn_gateway: Option<Arc<str>>,
    pub vpc_endpoint: Option<Arc<str>>,
    pub endpoint_service: Option<Arc<str>>,
    /// A load balancer's ARN.
    pub load_balancer: Option<Arc<str>>,
    pub listener: Option<ListenerRef>,
    pub target_group: Option<Arc<str>>,
    pub target: Option<TargetRef>,
    pub availability_zone: Option<Arc<str>>,
    /// Where a packet went instead (an interface, endpoint, gateway, or the internet).
    pub destination: Option<Arc<str>>,
    /// The address at issue (a destination no route or interface takes, a source…).
    pub address: Option<IpAddr>,
    /// The address a reply came back from when it is not the one the request went to.
    pub translated_from: Option<IpAddr>,
    /// The packet as it was where it stopped.
    pub header: Option<Header>,
    /// A component's state (`pendingAcceptance`, `Failed`, …) or why a route target is
    /// not usable.
    pub state: Option<Arc<str>>,
    /// A component that does not exist.
    pub missing: Option<Arc<str>>,
    /// An AWS service name (gateway or interface endpoint).
    pub service_name: Option<Arc<str>>,
    pub transit_gateway: Option<Arc<str>>,
    pub transit_gateway_attachment: Option<Arc<str>>,
    pub transit_gateway_route_table: Option<Arc<str>>,
}

/// Which situation of its code an explanation reports; with its [`Detail`] it gives the
/// message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Why {
    /// Reported by the reference evaluator, which names codes only.
    Code,
    /// The source or destination does not exist (or is not a running instance).
    Missing(End),
    /// The destination interface has no address.
    NoAddress,
    /// The source has no address of the destination's family.
    SourceNoAddress,
    /// A flow names every protocol (`-1`).
    AllProtocols,
    /// The source of an internet flow is not an internet address.
    NotInternetHost,
    /// An interface endpoint named as the destination of an internet flow.
    EndpointFromInternet,
    /// The destination has no public address of the flow's family.
    NoPublicAddress,
    /// No interface holds the internet flow's destination.
    NoHolder,
    /// A gateway endpoint as the destination: it has no address.
    GatewayEndpointAsDestination,
    /// An interface endpoint not available: it has no interface to reach.
    EndpointNotAvailable,
    /// An endpoint without network interfaces.
    EndpointNoInterface,
    /// A reply comes back from another address than the request went to.
    ReplyTranslated,
    /// A reply to an internet host is delivered elsewhere.
    ReplyNotToInternet,
    /// A reply misrouted by a route of its way back.
    ReplyMisrouted,
    /// More than the allowed number of route lookups.
    RoutingLoop,
    /// A public address of a VPC without an internet gateway.
    NoInternetGateway,
    /// No interface behind a gateway endpoint or VPN gateway holds the address.
    NoHolderBehind,
    /// The subnet's route table was not imported.
    RouteTableUnknown,
    /// The route table has no route to the address.
    NoRoute,
    /// The route taken is a blackhole.
    Blackhole,
    /// The route's target is a component the engine does not model.
    UnsupportedTarget,
    /// No interface of the VPC holds the address of a local route.
    LocalNoHolder,
    /// The address is outside the peer VPC's CIDR blocks.
    NotInPeerCidr,
    /// No interface of the peer VPC holds the address.
    PeerNoHolder,
    /// A private address routed to an internet gateway.
    PrivateToInternetGateway,
    /// A source without a public IPv4 address routed to an internet gateway.
    NoPublicIp,
    /// IPv4 routed to an egress-only internet gateway.
    EgressOnlyIpv4,
    /// A NAT gateway asked to translate a source outside its VPC.
    NatSourceOutside,
    /// IPv6 routed to a NAT gateway.
    NatIpv6,
    /// A middlebox forwards with its source/destination check on.
    SourceDestCheck,
    /// The interface's security groups were not imported.
    GroupsUnknown,
    /// One of the interface's groups was not imported and no known group admits.
    GroupUnknown,
    /// The interface's groups have no rules in that direction.
    SgNoRules,
    /// Only a group reference would admit, and the group identity is lost.
    SgReferenceLost,
    /// No rule of the interface's groups admits the packet.
    SgNoMatch,
    /// A connection opened toward a NAT gateway.
    UnsolicitedToNat,
    /// The subnet's network ACL was not imported.
    AclUnknown,
    /// A network ACL entry denies the packet.
    AclDeny,
    /// A virtual private gateway carries only its VPC's sources.
    VgwSourceOutside,
    /// No static route of the gateway's VPN connections covers the address.
    NoVpnRoute,
    /// The address is held where the packet is, by another interface than the wanted one.
    HeldElsewhere,
    /// The route taken leads elsewhere than the wanted destination.
    RoutedElsewhere,
    /// A route toward the destination loses to a more specific one.
    MoreSpecific,
    /// The destination's VPC is not connected to the source's.
    Disconnected,
    /// A load balancer without an interface in the entry zone.
    NoNodeInZone,
    /// No listener takes the protocol and port.
    NoListener,
    /// The listener's target group does not exist.
    TargetGroupMissing,
    /// The listener's target group has no registered targets.
    NoTargets,
    /// Cross-zone load balancing off and no target in the entry zone.
    NoTargetsInZone,
    /// A target instance without an IPv4 address.
    TargetNoAddress,
    /// A target instance that does not exist or is not running.
    TargetNotRunning,
    /// An `ip` target whose id is not an address.
    TargetNotIp,
    /// A target in a zone the load balancer is not enabled in.
    TargetZoneDisabled,
    /// No interface holds a target's address.
    TargetUnheld,
    /// An interface endpoint opening a connection.
    EndpointInitiates,
    /// A protocol a gateway endpoint does not carry.
    GatewayEndpointProtocol,
    /// A gateway endpoint of another VPC.
    GatewayEndpointOtherVpc,
    /// A gateway endpoint of no VPC in the view.
    GatewayEndpointNoVpc,
    /// A source outside the gateway endpoint's VPC.
    GatewayEndpointSourceOutside,
    /// An interface endpoint not available.
    EndpointState,
    /// An interface endpoint carries TCP only.
    EndpointTcpOnly,
    /// The endpoint's service no longer exists.
    ServiceGone,
    /// The endpoint service is not available.
    ServiceState,
    /// The endpoint service has no network load balancer.
    ServiceNoLoadBalancer,
    /// No load balancer of the service is in the endpoint's zone.
    ServiceNotInZone,
    /// The path's source address is not the source interface's (check on).
    SourceAddressNotHeld,
    /// The path's destination address is not the destination interface's.
    DestinationAddressNotHeld,
    /// The path's destination address is no public address of the destination (from the
    /// internet).
    NotPublicAddress,
    /// The transit gateway has no available attachment to the sender's VPC.
    TgwNotAttached,
    /// The attachment has no subnet in the sender's zone.
    TgwNoSubnetInZone,
    /// The attachment is associated with no transit-gateway route table.
    TgwNoAssociation,
    /// No route of the transit-gateway route table matches the address.
    TgwNoRoute,
    /// The matching transit-gateway route is a blackhole.
    TgwBlackhole,
    /// No interface of the destination attachment's VPC holds the address.
    TgwNoHolder,
    /// The matching transit-gateway route names an attachment that is not available.
    TgwAttachmentNotAvailable,
    /// The routes send the packet over peering attachments back to a gateway it crossed.
    TgwPeeringLoop,
    /// The VPC a gateway or connection source leads into is not in the view.
    EdgeVpcUnknown,
    /// A gateway or connection source without an address beyond it.
    EdgeNoSource,
    /// A peering connection source: the destination is not in the VPC it leads into.
    EdgeNotInVpc,
    /// The path ends elsewhere than the gateway or connection it must leave by.
    NotLeftBy,
    /// The reply does not go back out by the gateway or connection the flow came in by.
    ReplyNotBack,
    /// The packet arrives from another source address than the filter at the destination.
    ArrivalSource,
    /// The packet arrives at another address than the filter at the destination.
    ArrivalDestination,
    /// The packet arrives from a source port outside the filter at the destination.
    ArrivalSourcePort,
    /// The packet arrives at a port outside the filter at the destination.
    ArrivalDestinationPort,
    /// The only path crosses a component the analysis excludes.
    Excluded,
    /// The path crosses none of the components the analysis must traverse.
    NotThrough,
    /// The Gateway Load Balancer behind an endpoint is not in the view (not imported).
    GatewayLoadBalancerUnknown,
    /// A gateway or connection named as a path's end does not exist.
    EndGone,
    /// A gateway named as a path's end is attached to no VPC.
    Detached,
    /// The address at an internet gateway's end is not public.
    NotPublicHost,
    /// The path's other end is in neither VPC of the peering connection it names.
    NotAcrossPeering,
    /// The internet gateway at the path's end (the source with [`End::Source`]) is attached
    /// to another VPC than the other end's.
    GatewayOtherVpc(End),
    /// The path enters (gateway is the [`End::Source`]) or leaves by another gateway than
    /// the internet gateway it names.
    OtherGateway(End),
    /// The path never comes from (or reaches) the internet, so it does not cross the
    /// internet gateway it names.
    NeverInternet(End),
}
