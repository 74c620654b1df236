//! What a decision says: the verdict, the hops with their headers and what each applied,
//! the explanations with their typed fields ([`Detail`]) and the words built from them
//! ([`message`]).

mod detail;
pub mod message;

use std::fmt;
use std::net::IpAddr;
use std::sync::Arc;

pub use detail::{AclRuleRef, Detail, End, ListenerRef, RouteRef, TargetRef, Why};

/// Reachability Analyzer explanation codes (§5.1 spelling via [`Code::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Code {
    NoSourceOrDestination,
    EniSgRulesMismatch,
    SgHasNoRules,
    SgReferencesNotPreserved,
    SubnetAclRestriction,
    NoRouteToDestination,
    BadStateRoute,
    VpcLocalRouteCidrRestriction,
    PcxRequiresAddressInVpcCidr,
    IgwPublicIpAssociationForEgress,
    IgwDestinationAddressNotInRfc1918Egress,
    NgwRequiresSourceInVpc,
    EniSourceDestCheckRestriction,
    VpceGatewayProtocolRestriction,
    VpceGatewayEgressSourceAddressRestriction,
    CannotRoute,
    UnsupportedComponent,
    /// A component (endpoint, endpoint service, load balancer, target) not in a working state.
    BadState,
    /// The protocol is not carried (an interface endpoint carries TCP only).
    ProtocolRestriction,
    /// An interface endpoint does not initiate traffic (it only answers its consumers).
    VpceIntraVpcTraffic,
    /// The endpoint's Availability Zone is not one the service's load balancer is in.
    VpceServiceNotInstalledInAz,
    /// Nothing past this component takes the traffic (no listener, no target).
    NoPossibleDestination,
    /// A load balancer listener whose target group does not exist or has no targets.
    Elbv2ListenerHasNoTg,
    /// A target in an Availability Zone the load balancer is not enabled in.
    ElbInstalledAzRestriction,
    /// A virtual private gateway carries out only traffic from its own VPC's addresses.
    VgwPrivateIpAssociationForEgress,
    /// No listener of the load balancer takes the flow's protocol and port.
    Elbv2ListenersMismatch,
    /// Cross-zone load balancing is off and the entry node's zone has no targets.
    Elbv2NoTargetsInAz,
    /// The route toward the destination loses to a more specific one.
    MoreSpecificRoute,
    /// The source and destination are in VPCs no route connects.
    DisconnectedVpcs,
    /// An interface neither sends from nor receives at an address it does not hold.
    EniAddressRestriction,
    /// An internet gateway delivers only to an interface's public address.
    IgwPrivateIpAssociationForIngress,
    /// No path from the source to the destination (it leaves by another way than the
    /// path's end, or only through an excluded component).
    NoPath,
    /// No path crosses the component the analysis must traverse (`FilterInArns`).
    ComponentFilterRestriction,
    /// The packet arrives from another source address than `FilterAtDestination` names.
    FilterAtDestinationSourceAddress,
    /// The packet arrives at another address than `FilterAtDestination` names.
    FilterAtDestinationDestinationAddress,
    /// The packet arrives from a source port outside `FilterAtDestination`'s range.
    FilterAtDestinationSourcePortRange,
    /// The packet arrives at a port outside `FilterAtDestination`'s range.
    FilterAtDestinationDestinationPortRange,
    /// The transit gateway's attachment has no subnet in the sender's Availability Zone.
    TgwRouteAzRestriction,
    /// The attachment is associated with no transit-gateway route table.
    TgwAttachMissingTgwRtbAssociation,
    /// No route of the transit-gateway route table matches the destination.
    TgwRtbCannotRoute,
    /// The matching transit-gateway route is a blackhole.
    TgwRtbBadStateRoute,
    /// A component's configuration is not known (data absent from an import, as AWS reports
    /// what a cross-account analysis cannot see).
    UnknownResource,
    /// The address at an internet gateway's end of a path is not a public one.
    IgwExpectsPublicAddress,
    /// A path end that is not attached to a VPC (a detached internet or VPN gateway).
    UnassociatedComponent,
}

impl Code {
    /// The AWS spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::NoSourceOrDestination => "NO_SOURCE_OR_DESTINATION",
            Code::EniSgRulesMismatch => "ENI_SG_RULES_MISMATCH",
            Code::SgHasNoRules => "SG_HAS_NO_RULES",
            Code::SgReferencesNotPreserved => "SG_REFERENCES_NOT_PRESERVED",
            Code::SubnetAclRestriction => "SUBNET_ACL_RESTRICTION",
            Code::NoRouteToDestination => "NO_ROUTE_TO_DESTINATION",
            Code::BadStateRoute => "BAD_STATE_ROUTE",
            Code::VpcLocalRouteCidrRestriction => "VPC_LOCAL_ROUTE_CIDR_RESTRICTION",
            Code::PcxRequiresAddressInVpcCidr => "PCX_REQUIRES_ADDRESS_IN_VPC_CIDR",
            Code::IgwPublicIpAssociationForEgress => "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS",
            Code::IgwDestinationAddressNotInRfc1918Egress => {
                "IGW_DESTINATION_ADDRESS_NOT_IN_RFC1918_EGRESS"
            }
            Code::NgwRequiresSourceInVpc => "NGW_REQUIRES_SOURCE_IN_VPC",
            Code::EniSourceDestCheckRestriction => "ENI_SOURCE_DEST_CHECK_RESTRICTION",
            Code::VpceGatewayProtocolRestriction => "VPCE_GATEWAY_PROTOCOL_RESTRICTION",
            Code::VpceGatewayEgressSourceAddressRestriction => {
                "VPCE_GATEWAY_EGRESS_SOURCE_ADDRESS_RESTRICTION"
            }
            Code::CannotRoute => "CANNOT_ROUTE",
            Code::UnsupportedComponent => "UNSUPPORTED_COMPONENT",
            Code::BadState => "BAD_STATE",
            Code::ProtocolRestriction => "PROTOCOL_RESTRICTION",
            Code::VpceIntraVpcTraffic => "VPCE_INTRA_VPC_TRAFFIC",
            Code::VpceServiceNotInstalledInAz => "VPCE_SERVICE_NOT_INSTALLED_IN_AZ",
            Code::NoPossibleDestination => "NO_POSSIBLE_DESTINATION",
            Code::Elbv2ListenerHasNoTg => "ELBV2_LISTENER_HAS_NO_TG",
            Code::ElbInstalledAzRestriction => "ELB_INSTALLED_AZ_RESTRICTION",
            Code::VgwPrivateIpAssociationForEgress => "VGW_PRIVATE_IP_ASSOCIATION_FOR_EGRESS",
            Code::Elbv2ListenersMismatch => "ELBV2_LISTENERS_MISMATCH",
            Code::Elbv2NoTargetsInAz => "ELBV2_NO_TARGETS_IN_AZ",
            Code::MoreSpecificRoute => "MORE_SPECIFIC_ROUTE",
            Code::DisconnectedVpcs => "DISCONNECTED_VPCS",
            Code::UnknownResource => "UNKNOWN_RESOURCE",
            Code::EniAddressRestriction => "ENI_ADDRESS_RESTRICTION",
            Code::IgwPrivateIpAssociationForIngress => "IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS",
            Code::NoPath => "NO_PATH",
            Code::ComponentFilterRestriction => "COMPONENT_FILTER_RESTRICTION",
            Code::FilterAtDestinationSourceAddress => "FILTER_AT_DESTINATION_SOURCE_ADDRESS",
            Code::FilterAtDestinationDestinationAddress => {
                "FILTER_AT_DESTINATION_DESTINATION_ADDRESS"
            }
            Code::FilterAtDestinationSourcePortRange => "FILTER_AT_DESTINATION_SOURCE_PORT_RANGE",
            Code::FilterAtDestinationDestinationPortRange => {
                "FILTER_AT_DESTINATION_DESTINATION_PORT_RANGE"
            }
            Code::TgwRouteAzRestriction => "TGW_ROUTE_AZ_RESTRICTION",
            Code::TgwAttachMissingTgwRtbAssociation => "TGW_ATTACH_MISSING_TGW_RTB_ASSOCIATION",
            Code::TgwRtbCannotRoute => "TGW_RTB_CANNOT_ROUTE",
            Code::TgwRtbBadStateRoute => "TGW_RTB_BAD_STATE_ROUTE",
            Code::IgwExpectsPublicAddress => "IGW_EXPECTS_PUBLIC_ADDRESS",
            Code::UnassociatedComponent => "UNASSOCIATED_COMPONENT",
        }
    }
}

impl Code {
    /// Whether the code is about a route: its explanation then names the route taken.
    pub fn is_about_route(self) -> bool {
        !matches!(
            self,
            Code::NoSourceOrDestination
                | Code::EniSgRulesMismatch
                | Code::SgHasNoRules
                | Code::SgReferencesNotPreserved
                | Code::SubnetAclRestriction
                | Code::NoRouteToDestination
                | Code::BadState
                | Code::ProtocolRestriction
                | Code::VpceIntraVpcTraffic
                | Code::VpceServiceNotInstalledInAz
                | Code::NoPossibleDestination
                | Code::Elbv2ListenerHasNoTg
                | Code::ElbInstalledAzRestriction
                | Code::Elbv2ListenersMismatch
                | Code::Elbv2NoTargetsInAz
                | Code::DisconnectedVpcs
                | Code::UnknownResource
                | Code::EniAddressRestriction
                | Code::IgwPrivateIpAssociationForIngress
                | Code::NoPath
                | Code::ComponentFilterRestriction
                | Code::FilterAtDestinationSourceAddress
                | Code::FilterAtDestinationDestinationAddress
                | Code::FilterAtDestinationSourcePortRange
                | Code::FilterAtDestinationDestinationPortRange
                | Code::TgwRouteAzRestriction
                | Code::TgwAttachMissingTgwRtbAssociation
                | Code::TgwRtbCannotRoute
                | Code::TgwRtbBadStateRoute
                | Code::IgwExpectsPublicAddress
                | Code::UnassociatedComponent
        )
    }

    /// Whether the code says the engine cannot decide (a component not modelled, or one
    /// whose configuration is unknown) rather than that something blocks.
    pub fn is_unknown(self) -> bool {
        matches!(self, Code::UnsupportedComponent | Code::UnknownResource)
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which way the packet was travelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    Forward,
    Return,
}

/// One blocker: the AWS code, the component that blocks, which situation of the code it
/// is, and the typed fields it is about. The message is built from them ([`Self::message`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub code: Code,
    /// `sg-…`, `acl-…`, `rtb-…`, `pcx-…`, `igw-…`, `nat-…`, `eni-…`, `vpce-…`, `subnet-…`,
    /// `vpc-…`, a load balancer, listener or target group ARN, a target's id, or the
    /// flow's own source/destination text.
    pub component: Arc<str>,
    pub direction: Direction,
    pub why: Why,
    pub detail: Box<Detail>,
}

impl Explanation {
    pub fn new(
        code: Code,
        component: Arc<str>,
        direction: Direction,
        why: Why,
        detail: Detail,
    ) -> Self {
        Explanation {
            code,
            component,
            direction,
            why,
            detail: Box::new(detail),
        }
    }

    /// The explanation in words: the cause and a fix, from its fields.
    pub fn message(&self) -> String {
        message::of(self)
    }

    /// The rule or route involved, as short text: an ACL entry number (`*` for the default
    /// deny) or the route taken (`10.1.0.0/16 -> pcx-…`).
    pub fn rule(&self) -> Option<String> {
        let d = &self.detail;
        if let Some(r) = d.acl_rule {
            return Some(r.number.map_or("*".to_string(), |n| n.to_string()));
        }
        d.route.as_ref().map(|r| r.label.to_string())
    }
}

/// The packet at one point of the path. For ICMP, `dst_port` is the ICMP type (code 0)
/// and `src_port` is `None`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Header {
    pub src: IpAddr,
    pub dst: IpAddr,
    /// IANA protocol number: 6, 17, 1 or 58.
    pub protocol: u8,
    pub src_port: Option<u16>,
    pub dst_port: Option<u16>,
}

impl Header {
    /// Whether the protocol carries ports (TCP, UDP).
    pub fn has_ports(&self) -> bool {
        matches!(self.protocol, 6 | 17)
    }

    /// The reply to this packet: addresses and ports swapped; an ICMP echo request
    /// (type 8, or 128 for ICMPv6) is answered by an echo reply (0, 129), any other
    /// ICMP type by the same type.
    pub fn reply(&self) -> Header {
        let (src_port, dst_port) = if self.has_ports() {
            (self.dst_port, self.src_port)
        } else {
            let t = match (self.protocol, self.dst_port) {
                (1, Some(8)) => Some(0),
                (58, Some(128)) => Some(129),
                (_, t) => t,
            };
            (None, t)
        };
        Header {
            src: self.dst,
            dst: self.src,
            protocol: self.protocol,
            src_port,
            dst_port,
        }
    }
}

impl fmt::Display for Header {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let proto = match self.protocol {
            6 => "tcp",
            17 => "udp",
            1 => "icmp",
            58 => "icmpv6",
            _ => "ip",
        };
        let port = |p: Option<u16>| p.map_or("*".to_string(), |p| p.to_string());
        if self.has_ports() {
            write!(
                f,
                "{proto} {}:{} -> {}:{}",
                self.src,
                port(self.src_port),
                self.dst,
                port(self.dst_port)
            )
        } else if matches!(self.protocol, 1 | 58) {
            write!(
                f,
                "{proto} {} -> {} type {}",
                self.src,
                self.dst,
                port(self.dst_port)
            )
        } else {
            write!(f, "protocol {} {} -> {}", self.protocol, self.src, self.dst)
        }
    }
}

/// What a hop is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HopKind {
    /// The source or destination interface.
    NetworkInterface,
    /// A security group whose rule let the packet through.
    SecurityGroup,
    NetworkAcl,
    RouteTable,
    PeeringConnection,
    InternetGateway,
    EgressOnlyInternetGateway,
    NatGateway,
    /// A virtual private gateway: the path leaves for (or comes from) the customer's side
    /// of its VPN connections.
    VpnGateway,
    /// An interface or instance forwarding traffic (source/destination check off).
    Middlebox,
    /// A gateway endpoint (S3, DynamoDB); the path ends at the service.
    GatewayEndpoint,
    /// A Gateway Load Balancer endpoint as a route target (component: its `vpce-` id): the
    /// packet goes through its service's load balancer to an appliance and back, and on from
    /// the endpoint's interface.
    GatewayLoadBalancerEndpoint,
    /// An interface endpoint's network interface as the destination; PrivateLink goes on
    /// to the endpoint service's load balancer and its targets.
    InterfaceEndpoint,
    /// A transit gateway between two attached VPCs.
    TransitGateway,
    /// A transit-gateway peering attachment: the path crosses to the gateway at its other
    /// end.
    TransitGatewayAttachment,
    /// A Site-to-Site VPN connection attached to a transit gateway: the path leaves for (or
    /// comes from) the customer's side.
    VpnConnection,
    /// A transit-gateway route table and the route of it taken ([`Applied::TgwRoute`]).
    TransitGatewayRouteTable,
    /// Leaving AWS to an address no interface holds.
    Internet,
    /// The AWS service behind a gateway or interface endpoint (component: the service name).
    Service,
    /// A PrivateLink endpoint service (`vpce-svc-…`) behind an interface endpoint.
    EndpointService,
    /// A network load balancer behind an endpoint service (component: its ARN).
    LoadBalancer,
    /// The load balancer listener taking the flow's port (component: its ARN).
    LoadBalancerListener,
    /// The listener's target group (component: its ARN); the path goes on from the load
    /// balancer's interface in the endpoint's zone to a target, as the provider sees it.
    TargetGroup,
}

/// One component on the path, with the packet as it is there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hop {
    pub component: Arc<str>,
    pub kind: HopKind,
    pub header: Header,
    /// What the component applied to let the packet on, as the engine decided it.
    pub applied: Applied,
}

/// The rule or route a hop applied, where the engine decided it (for display: the
/// verdict already holds).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Applied {
    /// Nothing to name (a gateway, an interface, a route table with no route).
    #[default]
    Nothing,
    /// The rule at `index` of the group's rules in that direction (world order).
    SecurityGroupRule { egress: bool, index: u32 },
    /// The entry numbered `number` in that direction of the network ACL.
    AclRule { egress: bool, number: u32 },
    /// The route at `index` of the route table's routes (world order).
    Route { index: u32 },
    /// A load balancer: the listener that took the flow, its target group and the target
    /// the path goes on to.
    LoadBalancer(Arc<Balanced>),
    /// The route of a transit-gateway route table taken.
    TgwRoute(Arc<TgwRouteRef>),
}

/// A transit-gateway route as a path component shows it (`TransitGatewayRouteTableRoute`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TgwRouteRef {
    pub destination: ipnet::IpNet,
    /// `None`: blackhole.
    pub attachment: Option<Arc<str>>,
    pub propagated: bool,
    pub prefix_list: Option<Arc<str>>,
}

/// What a load balancer applied: listener, target group, target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Balanced {
    pub listener: ListenerRef,
    pub target_group: Arc<str>,
    /// The target chosen (the first reachable; the first tried when none is).
    pub target: Option<TargetRef>,
}

/// The decision on one flow.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Verdict {
    pub reachable: bool,
    pub forward: Vec<Hop>,
    pub return_path: Vec<Hop>,
    /// Every blocker found (empty when reachable).
    pub explanations: Vec<Explanation>,
}

/// What a decision comes to: through, blocked, or unknown (the path crosses a component
/// the engine does not model or whose configuration it does not have, and nothing else
/// blocks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Reachable,
    Blocked,
    Unknown,
}

impl Outcome {
    /// The spelling of `reach --json` and `matrix --json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Reachable => "reachable",
            Outcome::Blocked => "not-reachable",
            Outcome::Unknown => "unknown",
        }
    }
}

impl Verdict {
    /// Reachable, blocked, or unknown: every blocker is a component not modelled.
    pub fn outcome(&self) -> Outcome {
        if self.reachable {
            Outcome::Reachable
        } else if !self.explanations.is_empty()
            && self.explanations.iter().all(|e| e.code.is_unknown())
        {
            Outcome::Unknown
        } else {
            Outcome::Blocked
        }
    }

    /// The components not modelled or not known that leave the verdict unknown (none
    /// unless [`Outcome::Unknown`]).
    pub fn unknown_components(&self) -> Vec<&str> {
        if self.outcome() != Outcome::Unknown {
            return Vec::new();
        }
        let mut c: Vec<&str> = Vec::new();
        for e in &self.explanations {
            if !c.contains(&&*e.component) {
                c.push(&e.component);
            }
        }
        c
    }

    /// The distinct codes of the explanations, sorted.
    pub fn codes(&self) -> Vec<Code> {
        let mut c: Vec<Code> = self.explanations.iter().map(|e| e.code).collect();
        c.sort();
        c.dedup();
        c
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let outcome = match self.outcome() {
            Outcome::Reachable => "reachable",
            Outcome::Blocked => "not reachable",
            Outcome::Unknown => "unknown",
        };
        writeln!(f, "{outcome}")?;
        for (name, hops) in [("forward", &self.forward), ("return", &self.return_path)] {
            for h in hops {
                writeln!(f, "  {name} {:?} {} [{}]", h.kind, h.component, h.header)?;
            }
        }
        for e in &self.explanations {
            writeln!(
                f,
                "  {} {} ({:?}): {}",
                e.code,
                e.component,
                e.direction,
                e.message()
            )?;
        }
        Ok(())
    }
}
