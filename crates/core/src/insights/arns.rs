//! Components of an analysis and their ARNs in AWS's formats: the ARN resource type of
//! each id prefix and who owns an id.

use crate::ids::Kind;
use crate::prefix_list;
use crate::world::{Scope, World};

use super::model::Component;

/// The prefix of an id (`vpce-svc` for `vpce-svc-0123…`, `i` for `i-0123…`).
pub fn prefix_of(id: &str) -> &str {
    id.rsplit_once('-').map_or("", |(p, _)| p)
}

/// The resource type an ARN names for an id prefix (`network-interface` for `eni`).
pub fn arn_type(prefix: &str) -> &str {
    match prefix {
        "i" => "instance",
        "eni" => "network-interface",
        "rtb" => "route-table",
        "igw" => "internet-gateway",
        "eigw" => "egress-only-internet-gateway",
        "nat" => "natgateway",
        "acl" => "network-acl",
        "sg" => "security-group",
        "pcx" => "vpc-peering-connection",
        "vpce" => "vpc-endpoint",
        "vpce-svc" => "vpc-endpoint-service",
        "pl" => "prefix-list",
        "tgw" => "transit-gateway",
        "tgw-attach" => "transit-gateway-attachment",
        "tgw-rtb" => "transit-gateway-route-table",
        "vgw" => "vpn-gateway",
        "vpn" => "vpn-connection",
        "eipalloc" => "elastic-ip",
        "nip" => "network-insights-path",
        "nia" => "network-insights-analysis",
        other => other, // vpc, subnet
    }
}

/// The (account, Region) that owns `id`, if the world holds it.
pub fn owner_of(w: &World, id: &str) -> Option<Scope> {
    let s = match Kind::of_id(id)? {
        Kind::Vpc => w.vpcs.get(id)?.scope.clone(),
        Kind::Subnet => w.subnets.get(id)?.scope.clone(),
        Kind::RouteTable => w.route_tables.get(id)?.scope.clone(),
        Kind::InternetGateway => w.internet_gateways.get(id)?.scope.clone(),
        Kind::EgressOnlyInternetGateway => w.egress_only_gateways.get(id)?.scope.clone(),
        Kind::NatGateway => w.nat_gateways.get(id)?.scope.clone(),
        Kind::NetworkAcl => w.network_acls.get(id)?.scope.clone(),
        Kind::SecurityGroup => w.security_groups.get(id)?.scope.clone(),
        Kind::NetworkInterface => w.network_interfaces.get(id)?.scope.clone(),
        Kind::Instance => w.instances.get(id)?.scope.clone(),
        Kind::PrefixList => w.prefix_lists.get(id)?.scope.clone(),
        Kind::Address => w.addresses.get(id)?.scope.clone(),
        Kind::VpcEndpoint => w.vpc_endpoints.get(id)?.scope.clone(),
        Kind::VpcEndpointService => w.endpoint_services.get(id)?.scope.clone(),
        Kind::TransitGateway => w.transit_gateways.get(id)?.scope.clone(),
        Kind::TransitGatewayAttachment => match w.tgw_attachments.get(id) {
            Some(a) => a.scope.clone(),
            None => w.tgw_peerings.get(id)?.scope.clone(),
        },
        Kind::TransitGatewayRouteTable => w.tgw_route_tables.get(id)?.scope.clone(),
        Kind::VpnConnection => w.vpn_connections.get(id)?.scope.clone(),
        Kind::NetworkInsightsPath => w.insights_paths.get(id)?.scope.clone(),
        Kind::NetworkInsightsAnalysis => w.insights_analyses.get(id)?.scope.clone(),
        Kind::VpcPeeringConnection => {
            let p = w.peerings.get(id)?;
            Scope::new(&p.requester.account, &p.requester.region)
        }
        _ => return None,
    };
    Some(s)
}

/// Id prefixes of resources that have an EC2 ARN.
const ARN_PREFIXES: &[&str] = &[
    "vpc",
    "subnet",
    "i",
    "eni",
    "rtb",
    "igw",
    "eigw",
    "nat",
    "acl",
    "sg",
    "pcx",
    "vpce",
    "vpce-svc",
    "pl",
    "tgw",
    "tgw-attach",
    "vgw",
    "vpn",
    "eipalloc",
    "nip",
    "nia",
];

/// A component with its ARN in AWS's format for its id prefix. The owner comes from the
/// world; an AWS-shaped id the world does not hold gets `fallback`'s account and Region;
/// anything else (a pseudo-component such as `internet`) has no ARN.
pub fn component(w: &World, id: &str, fallback: &Scope) -> Component {
    let prefix = prefix_of(id);
    let arn = if prefix == "pl" && prefix_list::is_aws_managed(w, id) {
        Some(format!(
            "arn:aws:ec2:{}:aws:prefix-list/{id}",
            fallback.region
        ))
    } else if ARN_PREFIXES.contains(&prefix) {
        let owner = owner_of(w, id).unwrap_or_else(|| fallback.clone());
        Some(format!(
            "arn:aws:ec2:{}:{}:{}/{id}",
            owner.region,
            owner.account,
            arn_type(prefix)
        ))
    } else {
        None
    };
    Component {
        id: id.to_string(),
        arn,
    }
}
