//! The one place an explanation becomes words: the cause and a fix that works, built from
//! its code's situation ([`Why`]) and typed fields ([`Detail`]). Checked against AWS's
//! definitions of the explanation codes (spec §17).

use std::net::IpAddr;
use std::sync::Arc;

use super::{Direction, Explanation, Why};
use crate::decide::MAX_LEGS;

/// The words of `e`: on the return path prefixed `return path:`, and for a blocker met
/// on the way to one target of a load balancer prefixed with that target.
pub fn of(e: &Explanation) -> String {
    let body = body(e);
    let target = e
        .detail
        .target
        .as_ref()
        .filter(|_| !names_target(e.why))
        .map(|t| format!("target {}: ", t.id))
        .unwrap_or_default();
    match e.direction {
        Direction::Forward => format!("{target}{body}"),
        Direction::Return => format!("return path: {target}{body}"),
    }
}

/// Situations whose words name the target themselves.
fn names_target(why: Why) -> bool {
    matches!(
        why,
        Why::TargetNoAddress
            | Why::TargetNotRunning
            | Why::TargetNotIp
            | Why::TargetZoneDisabled
            | Why::TargetUnheld
    )
}

fn s(o: &Option<Arc<str>>) -> &str {
    o.as_deref().unwrap_or("(unknown)")
}

fn ip(a: Option<IpAddr>) -> String {
    a.map_or_else(|| "(unknown)".to_string(), |a| a.to_string())
}

fn family(a: Option<IpAddr>) -> &'static str {
    match a {
        Some(IpAddr::V6(_)) => "IPv6",
        _ => "IPv4",
    }
}

#[allow(clippy::too_many_lines)] // one arm per situation: the words of every code in one place
fn body(e: &Explanation) -> String {
    let d = &*e.detail;
    let c = &*e.component;
    let addr = ip(d.address);
    let header = d
        .header
        .map_or_else(|| "the packet".to_string(), |h| h.to_string());
    let way = if d.egress == Some(true) {
        "outbound"
    } else {
        "inbound"
    };
    let route = d.route.as_ref().map_or("(none)", |r| &*r.label);
    let table = d
        .route
        .as_ref()
        .map(|r| &*r.table)
        .or(d.route_table.as_deref())
        .unwrap_or("(unknown)");
    let groups = d
        .security_groups
        .iter()
        .map(|g| &**g)
        .collect::<Vec<_>>()
        .join(", ");
    let eni = s(&d.network_interface);
    let lb = s(&d.load_balancer);
    let listener = d.listener.as_ref().map_or("(unknown)", |l| &*l.arn);
    let tg = s(&d.target_group);
    let zone = s(&d.availability_zone);
    match e.why {
        Why::Code => format!("{} at {c}", e.code),
        Why::Missing(end) => format!(
            "the {} {c} does not exist (or is not a running instance); name an existing interface, instance or endpoint",
            match end {
                super::End::Source => "source",
                super::End::Destination => "destination",
            }
        ),
        Why::NoAddress => format!("the destination {eni} has no IP address, so nothing can reach it; assign it one"),
        Why::SourceNoAddress => format!(
            "{c} has no {} address to send to {addr} from; give it one or name a destination of the family it has",
            family(d.address)
        ),
        Why::AllProtocols => "a flow carries one protocol, not all (-1); name tcp, udp, icmp or a protocol number".to_string(),
        Why::NotInternetHost => format!(
            "{addr} is not an internet address (it is private, or held by an interface as its public address); name an internet host, or the interface or instance itself as the source"
        ),
        Why::EndpointFromInternet => format!(
            "{c} has no public address: an interface endpoint is reached from its VPC (or a connected one), not from the internet"
        ),
        Why::NoPublicAddress => format!(
            "the destination {eni} has no public {} address, so the internet cannot reach it; associate an Elastic IP (or an IPv6 address) with it and route its subnet to an internet gateway",
            family(d.address)
        ),
        Why::NoHolder => format!(
            "no interface holds {addr}, where {c} sends: the flow never enters a VPC; name a public address an interface holds"
        ),
        Why::GatewayEndpointAsDestination => format!(
            "{c} is a gateway endpoint: it has no address of its own; name an address of {}",
            s(&d.service_name)
        ),
        Why::EndpointNotAvailable => format!(
            "{c} is {}, not available: it has no network interface to reach{}",
            s(&d.state),
            pending(d.state.as_deref())
        ),
        Why::EndpointNoInterface => format!("{c} has no network interface to reach"),
        Why::ReplyTranslated => {
            let (client, server) = d.header.map_or_else(
                || ("(unknown)".to_string(), "(unknown)".to_string()),
                |h| (h.src.to_string(), h.dst.to_string()),
            );
            let from = ip(d.translated_from);
            match (&d.network_interface, &d.nat_gateway) {
                (Some(src), _) => format!(
                    "the reply reaches {client} from {from}, not from {server}: it was translated on the way back, so {src} drops it; route replies back the way the request came"
                ),
                (None, Some(nat)) => format!(
                    "the reply reaches the internet host {client} from {from}, the address of {nat}, not from {server}: the host drops it; route the reply's subnet to the internet gateway, not the NAT gateway"
                ),
                (None, None) => format!(
                    "the reply reaches the internet host {client} from {from}, not from {server}: the host drops it; route replies to the internet through the internet gateway"
                ),
            }
        }
        Why::ReplyNotToInternet => format!(
            "the reply to the internet host {} is delivered to {} (route {route} in {table}), not to the internet; route it to the internet gateway",
            d.header.map_or_else(|| "(unknown)".to_string(), |h| h.src.to_string()),
            s(&d.destination)
        ),
        Why::ReplyMisrouted => {
            let to = match &d.destination {
                Some(got) => format!("to {got}"),
                None => "where nothing holds it".to_string(),
            };
            let back = d
                .network_interface
                .as_ref()
                .map_or_else(|| "the sender".to_string(), |w| w.to_string());
            format!(
                "reply misrouted (AWS does not check the reverse path): route {route} in {table} takes the reply for {addr} {to}, not back to {back}; add a more specific route back the way the request came"
            )
        }
        Why::RoutingLoop => format!(
            "routing loop: more than {MAX_LEGS} route lookups toward {addr}; check the routes that send it through middleboxes"
        ),
        Why::NoInternetGateway => format!(
            "{addr} is not reachable from the internet: {} has no internet gateway attached; attach one and route the subnet to it",
            s(&d.vpc)
        ),
        Why::NoHolderBehind => format!(
            "no interface of {} holds {addr}, where traffic arriving through {} is addressed",
            s(&d.vpc),
            s(&d.destination)
        ),
        Why::RouteTableUnknown => format!(
            "the route table of {} is not known (in AWS every subnet has one, its own or its VPC's main table; it was not imported): the path cannot be decided past it; import describe-route-tables of its account",
            s(&d.subnet)
        ),
        Why::NoRoute => format!(
            "{table} (for {}) has no route to {addr}; add one whose destination covers it",
            s(&d.subnet)
        ),
        Why::Blackhole => format!(
            "route {route} in {table} is a blackhole ({}): packets to {addr} are dropped; point the route at a target that exists and is available, or delete it",
            s(&d.state)
        ),
        Why::UnsupportedTarget => format!(
            "route {route} in {table} sends {addr} to {c}, which openvpc does not model: the path cannot be decided past it"
        ),
        Why::LocalNoHolder => format!(
            "no interface in {} holds {addr}: the local route {route} of {table} delivers only to addresses interfaces of the VPC hold; name such an address",
            s(&d.vpc)
        ),
        Why::NotInPeerCidr => format!(
            "{addr} is not in the CIDR blocks of {}: {} delivers only into the peer VPC (peering is not transitive); reach {addr} by a connection of this VPC's own (a peering with the VPC that holds it, or a gateway)",
            s(&d.destination_vpc),
            s(&d.peering)
        ),
        Why::TgwNotAttached => format!(
            "{} has no available attachment to {}: the route {route} in {table} cannot use it; attach the VPC to the transit gateway",
            s(&d.transit_gateway),
            s(&d.vpc)
        ),
        Why::TgwNoSubnetInZone => format!(
            "{} has no subnet in {}, the Availability Zone of the sender: traffic from it cannot enter {}; add a subnet of that zone to the attachment",
            s(&d.transit_gateway_attachment),
            s(&d.availability_zone),
            s(&d.transit_gateway)
        ),
        Why::TgwNoAssociation => format!(
            "{} is associated with no route table of {}: the gateway cannot route what it sends; associate it with a transit gateway route table",
            s(&d.transit_gateway_attachment),
            s(&d.transit_gateway)
        ),
        Why::TgwNoRoute => format!(
            "no route of {} matches {addr}; add a static route to the destination's attachment or enable its propagation",
            s(&d.transit_gateway_route_table)
        ),
        Why::TgwBlackhole => format!(
            "the route of {} for {addr} is a blackhole: packets to it are dropped; replace it with a route to an attachment",
            s(&d.transit_gateway_route_table)
        ),
        Why::TgwAttachmentNotAvailable => format!(
            "the route of {} for {addr} sends to {}, which is not available (not yet accepted, pending, deleted or unknown): packets to it are dropped; accept it or route to an available attachment",
            s(&d.transit_gateway_route_table),
            s(&d.transit_gateway_attachment)
        ),
        Why::TgwPeeringLoop => format!(
            "the route of {} for {addr} sends back over {} to a transit gateway the packet already crossed: it would loop; route {addr} to the attachment of its VPC on one of the gateways",
            s(&d.transit_gateway_route_table),
            s(&d.transit_gateway_attachment)
        ),
        Why::TgwNoHolder => format!(
            "no interface in {} holds {addr} (reached through {}); name an address an interface of that VPC holds",
            s(&d.destination_vpc),
            s(&d.transit_gateway)
        ),
        Why::PeerNoHolder => format!(
            "no interface in {} holds {addr} (reached through {}); name an address an interface of that VPC holds",
            s(&d.destination_vpc),
            s(&d.peering)
        ),
        Why::PrivateToInternetGateway => format!(
            "{addr} is a private (RFC 1918) address: {} does not carry it (route {route} in {table}); route it through a peering or VPN instead",
            s(&d.internet_gateway)
        ),
        Why::NoPublicIp => format!(
            "{addr} has no public IPv4 address to leave {} with; associate an Elastic IP (or a public IP) with its interface, or route through a NAT gateway",
            s(&d.internet_gateway)
        ),
        Why::EgressOnlyIpv4 => format!(
            "{} carries IPv6 only, not {addr} (route {route}); route IPv4 to an internet or NAT gateway",
            s(&d.internet_gateway)
        ),
        Why::NatSourceOutside => format!(
            "{} translates only traffic from addresses of its own VPC {}; {addr} is not one (route {route} in {table}); give that VPC its own NAT gateway",
            s(&d.nat_gateway),
            s(&d.vpc)
        ),
        Why::NatIpv6 => format!(
            "{} is not decided for IPv6 ({addr}): NAT64 is not modelled; route IPv6 to an egress-only internet gateway",
            s(&d.nat_gateway)
        ),
        Why::SourceDestCheck => format!(
            "{eni} forwards {header} (route {route} in {table}) but its source/destination check is on, so it drops traffic not addressed to it; turn the check off"
        ),
        Why::GroupsUnknown => format!(
            "the security groups of {eni} are not known (they were not imported): whether they let {header} {way} cannot be decided; import describe-network-interfaces and describe-security-groups of its account"
        ),
        Why::GroupUnknown => format!(
            "{} of {eni} is not known (it was not imported) and no known group of the interface lets {header} {way}: the verdict cannot be decided; import describe-security-groups of its account",
            s(&d.security_group)
        ),
        Why::SgNoRules => format!(
            "the security groups of {eni} ({groups}) have no {way} rules; add one allowing {header}"
        ),
        Why::SgReferenceLost => format!(
            "only a security-group reference of {groups} on {eni} would allow {header}, but the source's group identity is lost through a middlebox; allow the source address instead"
        ),
        Why::SgNoMatch => format!(
            "no {way} rule of {groups} on {eni} allows {header}; add one for {addr}"
        ),
        Why::UnsolicitedToNat => format!(
            "{c} is a NAT gateway: it translates connections its VPC opens and drops unsolicited connections opened toward it, such as {header}; send to an instance or a load balancer instead"
        ),
        Why::AclUnknown => format!(
            "the network ACL of {} is not known (in AWS every subnet has one; it was not imported): whether it lets {header} {way} cannot be decided; import describe-network-acls of its account",
            s(&d.subnet)
        ),
        Why::AclDeny => {
            let number = d.acl_rule.and_then(|r| r.number);
            let rule = number.map_or("*".to_string(), |n| n.to_string());
            let below = number.map_or(String::new(), |n| format!(" numbered below {n}"));
            let stateless = if e.direction == Direction::Return {
                " (network ACLs are stateless: replies need their own rule)"
            } else {
                ""
            };
            format!(
                "{way} rule {rule} of {c} on {} denies {header}; add an allow rule{below} for {addr}{stateless}",
                s(&d.subnet)
            )
        }
        Why::VgwSourceOutside => format!(
            "{} carries only traffic from addresses of {}; {addr} is not one (a peered VPC cannot use another VPC's VPN: no edge-to-edge routing)",
            s(&d.vpn_gateway),
            s(&d.vpc)
        ),
        Why::NoVpnRoute => format!(
            "no VPN connection of {} has a static route covering {addr} (route {route}); add one with CreateVpnConnectionRoute",
            s(&d.vpn_gateway)
        ),
        Why::HeldElsewhere => format!(
            "{addr} is held by {} where the packet is, so it is delivered there, not to {eni}; name an address only {eni} holds",
            s(&d.destination)
        ),
        Why::RoutedElsewhere => format!(
            "{addr} is delivered to {}, not to {eni}: route {route} in {table} leads there; add a more specific route toward {eni} (through a connection to its VPC, with routes both ways) or name an address only {eni} holds",
            s(&d.destination)
        ),
        Why::MoreSpecific => {
            let shadowed = d.shadowed_route.as_ref().map_or("(unknown)", |r| &*r.label);
            format!(
                "route {shadowed} in {table} leads toward {eni}, but the more specific route {route} takes {addr} to {}; narrow or remove route {route}, or route {addr} toward {eni} with a longer prefix",
                s(&d.destination)
            )
        }
        Why::Disconnected => {
            let (from, to) = (s(&d.source_vpc), s(&d.destination_vpc));
            format!(
                "{eni} is in {to}, which {from} is not connected to here (no route leads there), so {addr} stays in {from} ({}); connect them (an active peering with routes both ways, between CIDRs that do not overlap) or name a destination {from} reaches",
                s(&d.destination)
            )
        }
        Why::NoNodeInZone => format!(
            "{lb} has no network interface in zone {zone}: it carries nothing there; enable a subnet of that zone on it"
        ),
        Why::NoListener => format!(
            "no listener of {lb} takes {header}; add a listener for that protocol and port, or send to a port a listener has"
        ),
        Why::TargetGroupMissing => format!(
            "the target group {tg} of listener {listener} does not exist; forward the listener to a target group with targets"
        ),
        Why::NoTargets => format!(
            "the target group {tg} of listener {listener} has no registered targets; register one"
        ),
        Why::NoTargetsInZone => format!(
            "cross-zone load balancing is off for {lb} and no target of {tg} is in zone {zone}, where the flow enters; register a target in that zone or turn on load_balancing.cross_zone.enabled"
        ),
        Why::TargetNoAddress => format!("target {c} has no IPv4 address; give it one or register another target"),
        Why::TargetNotRunning => format!("target {c} does not exist or is not running; start it or register a running instance"),
        Why::TargetNotIp => format!("target {c} of an ip target group is not an IP address; register an address"),
        Why::TargetZoneDisabled => format!(
            "target {} is in zone {zone}, where {c} is not enabled: it receives no traffic; enable that zone on the load balancer or register a target in an enabled zone",
            d.target.as_ref().map_or("(unknown)", |t| &*t.id)
        ),
        Why::TargetUnheld => format!(
            "no network interface holds {addr}, the address of target {c}; register the address of a running interface"
        ),
        Why::EndpointInitiates => format!(
            "{eni} is the network interface of interface endpoint {}: an endpoint only answers traffic its consumers initiate, it cannot open {header}",
            d.vpc_endpoint.as_deref().unwrap_or(eni)
        ),
        Why::GatewayEndpointProtocol => format!("{c} carries only TCP and ICMP echo, not {header}"),
        Why::GatewayEndpointOtherVpc => format!(
            "{c} belongs to {}: only sources in that VPC use it, not {addr} in {} (a gateway endpoint is not reachable through a peering, VPN or transit gateway); create a gateway endpoint in {}",
            s(&d.vpc),
            s(&d.source_vpc),
            s(&d.source_vpc)
        ),
        Why::GatewayEndpointNoVpc => format!(
            "{c} belongs to no VPC known here: {addr} in {} cannot use it",
            s(&d.source_vpc)
        ),
        Why::GatewayEndpointSourceOutside => format!(
            "{c} accepts only sources in {}, not {addr}",
            s(&d.vpc)
        ),
        Why::EndpointState => format!(
            "{c} is {}, not available: it carries no traffic{}",
            s(&d.state),
            pending(d.state.as_deref())
        ),
        Why::EndpointTcpOnly => format!("interface endpoint {c} carries TCP only, not {header}"),
        Why::ServiceGone => format!(
            "the endpoint service {} of {c} no longer exists",
            s(&d.endpoint_service)
        ),
        Why::ServiceState => format!("{c} is {}, not Available", s(&d.state)),
        Why::ServiceNoLoadBalancer => format!("{c} has no network load balancer"),
        Why::ServiceNotInZone => format!(
            "{eni} of {c} is in zone {zone}, where no load balancer of {} is; add a subnet of that zone to the load balancer",
            s(&d.endpoint_service)
        ),
        Why::SourceAddressNotHeld => format!(
            "{eni} does not hold {addr} and its source/destination check is on, so it sends only from its own addresses; name one of them as the source address, or turn the check off"
        ),
        Why::DestinationAddressNotHeld => format!(
            "{eni} does not hold {addr}: an interface receives only traffic for its own addresses; name one of them as the destination address"
        ),
        Why::NotPublicAddress => format!(
            "{addr} is not a public address of {eni} (nor a private one with a public address): an internet gateway delivers only to an interface's public or IPv6 addresses; associate a public or Elastic IP with it"
        ),
        Why::EdgeVpcUnknown => format!("{} (the VPC {c} leads into) is not known; import it", s(&d.vpc)),
        Why::EdgeNoSource => format!("a flow from {c} needs a source address beyond it; name one"),
        Why::EdgeNotInVpc => format!(
            "{addr} is not in the CIDR blocks of {}: {c} delivers only into that VPC; name a destination there",
            s(&d.destination_vpc)
        ),
        Why::NotLeftBy => format!(
            "the path to {addr} ends at {}, not through {c}; route {addr} through {c} in the source subnet's route table",
            s(&d.destination)
        ),
        Why::ReplyNotBack => {
            let edge = s(if d.peering.is_some() { &d.peering } else { &d.vpn_gateway });
            format!(
                "the reply to {addr} goes to {}, not back through {edge} where the request came in; route {addr} through {edge}",
                s(&d.destination)
            )
        }
        Why::ArrivalSource => format!(
            "{header} arrives from another source than {addr}, the one the filter at the destination names; name the source the destination sees"
        ),
        Why::ArrivalDestination => format!(
            "{header} arrives at another address than {addr}, the one the filter at the destination names; name the address the destination receives at"
        ),
        Why::ArrivalSourcePort => format!(
            "{header} arrives from a source port outside the filter at the destination's range; widen the range"
        ),
        Why::ArrivalDestinationPort => format!(
            "{header} arrives at a port outside the filter at the destination's range; widen the range"
        ),
        Why::Excluded => format!(
            "the only path crosses {c}, which the analysis excludes (FilterOutArns); remove the filter, or give the traffic another way"
        ),
        Why::NotThrough => format!(
            "the path does not cross {c}, a component the analysis must traverse (FilterInArns): no path traverses it; name a component on the path"
        ),
        Why::EndGone => format!("{c} does not exist; name an existing one as the path's end"),
        Why::Detached => format!(
            "{c} is not attached to any VPC: no traffic passes through it; attach it to a VPC"
        ),
        Why::NotPublicHost => format!(
            "{addr} is not a public address: the address of an internet gateway's end of a path must be one on the internet"
        ),
        Why::NotAcrossPeering => format!(
            "{c} connects {} and {}; the other end of the path is in neither, so no traffic between them crosses it",
            s(&d.source_vpc),
            s(&d.destination_vpc)
        ),
        Why::GatewayOtherVpc(end) => {
            let (attached, other) = match end {
                super::End::Source => (s(&d.source_vpc), s(&d.destination_vpc)),
                super::End::Destination => (s(&d.destination_vpc), s(&d.source_vpc)),
            };
            let way = match end {
                super::End::Source => "traffic from the internet through it cannot reach",
                super::End::Destination => "traffic cannot leave through it from",
            };
            format!("{c} is attached to {attached}, not to {other}: {way} {other}; name the gateway attached to {other}")
        }
        Why::OtherGateway(end) => format!(
            "the path {} through {}, not through {c}",
            match end {
                super::End::Source => "enters",
                super::End::Destination => "leaves",
            },
            s(&d.destination)
        ),
        Why::NeverInternet(end) => format!(
            "the path does not cross {c}: it never {} the internet",
            match end {
                super::End::Source => "comes from",
                super::End::Destination => "reaches",
            }
        ),
        Why::GatewayLoadBalancerUnknown => format!(
            "the Gateway Load Balancer behind {} ({c}) is not known (it was not imported): whether its appliances pass {header} cannot be decided; import its account's load balancers and target groups",
            s(&d.vpc_endpoint)
        ),
    }
}

fn pending(state: Option<&str>) -> &'static str {
    if state == Some("pendingAcceptance") {
        " until the service provider accepts the connection"
    } else {
        ""
    }
}
