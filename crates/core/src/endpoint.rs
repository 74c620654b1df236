//! VPC endpoints (§3): interface endpoints (one requester-managed interface per subnet, DNS
//! entries, private DNS), gateway endpoints (prefix-list routes in route tables) and Gateway
//! Load Balancer endpoints; their lifecycle (pending → available, pendingAcceptance →
//! accepted/rejected, deleting → deleted → purged) and the provider's connection view.

use crate::ids::Kind;
use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use crate::config::quota;
use crate::endpoint_service::{self, dedup, ServiceType, ServiceView};
use crate::error::{ApiError, ErrorCode, Result};
use crate::filter::{self, Filter};
use crate::route::{Destination, Origin, Route, Target};
use crate::table::Resource;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, TimerKind, World};
use crate::{cidr, eni, subnet, vpc, BulkFailure, Millis, Output, HOUR};

/// How long a deleted endpoint stays describable before it is purged.
pub const RETENTION: Millis = 2 * HOUR;

/// Longest endpoint policy accepted, in characters.
pub const MAX_POLICY: usize = 20_480;

/// The policy an endpoint gets when none is given (full access).
pub const DEFAULT_POLICY: &str = r#"{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}"#;

/// Who the endpoint interfaces are requested by.
const REQUESTER_ID: &str = "amazon-aws";

/// The id of the AWS-managed prefix list of a gateway endpoint service (`s3`, `dynamodb`)
/// in `region`, as the prefix-list module names it.
pub fn gateway_prefix_list_id(region: &str, service: &str) -> String {
    crate::prefix_list::aws_managed_id(region, service)
}

/// The Route 53 zone of `*.vpce.amazonaws.com` names in a Region.
pub fn hosted_zone_id(region: &str) -> String {
    match region {
        "us-east-1" => "Z7HUB22UULQXV".into(),
        "us-east-2" => "ZC8PG0KIFKBRI".into(),
        "us-west-1" => "Z12I86A8N7VCZO".into(),
        "us-west-2" => "Z1YSA3EXCYUU9Z".into(),
        "eu-west-1" => "Z38GZ743OKFT7T".into(),
        "eu-central-1" => "Z273ZU8SZ5RJPC".into(),
        "ap-southeast-1" => "Z18LLCSTV4NVNL".into(),
        "ap-northeast-1" => "Z2E726K9Y6RL4W".into(),
        other => zone_like(other),
    }
}

/// A stable Route 53-shaped zone id derived from `seed`.
fn zone_like(seed: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut h = seed.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let mut out = String::from("Z");
    for _ in 0..20 {
        h = h.wrapping_mul(0x100_0000_01b3).wrapping_add(0x9e37_79b9);
        out.push(ALPHABET[((h >> 33) % ALPHABET.len() as u64) as usize] as char);
    }
    out
}

/// Endpoint types openvpc implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EndpointType {
    Interface,
    Gateway,
    GatewayLoadBalancer,
}

impl EndpointType {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointType::Interface => "Interface",
            EndpointType::Gateway => "Gateway",
            EndpointType::GatewayLoadBalancer => "GatewayLoadBalancer",
        }
    }

    /// Parses the wire value; VPC Lattice types are not implemented.
    pub fn parse(s: &str) -> Result<Self> {
        match s {
            "Interface" => Ok(EndpointType::Interface),
            "Gateway" => Ok(EndpointType::Gateway),
            "GatewayLoadBalancer" => Ok(EndpointType::GatewayLoadBalancer),
            "Resource" | "ServiceNetwork" => Err(ApiError::new(ErrorCode::InvalidVpcEndpointType,
                format!("The VPC endpoint type {s} is not supported."),
            )),
            other => Err(ApiError::new(ErrorCode::InvalidVpcEndpointType,
                format!("The VPC endpoint type '{other}' is not valid. Valid types: Interface, Gateway, GatewayLoadBalancer."),
            )),
        }
    }

    fn service_type(self) -> ServiceType {
        match self {
            EndpointType::Interface => ServiceType::Interface,
            EndpointType::Gateway => ServiceType::Gateway,
            EndpointType::GatewayLoadBalancer => ServiceType::GatewayLoadBalancer,
        }
    }
}

/// Endpoint states; camelCase on the wire as AWS sends them (§3.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    PendingAcceptance,
    Pending,
    Available,
    Deleting,
    Deleted,
    Rejected,
    Failed,
    Expired,
}

impl State {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            State::PendingAcceptance => "pendingAcceptance",
            State::Pending => "pending",
            State::Available => "available",
            State::Deleting => "deleting",
            State::Deleted => "deleted",
            State::Rejected => "rejected",
            State::Failed => "failed",
            State::Expired => "expired",
        }
    }

    /// Connected to its service or waiting for acceptance (keeps a service from deletion).
    pub fn is_connected(self) -> bool {
        matches!(
            self,
            State::PendingAcceptance | State::Pending | State::Available
        )
    }

    /// Still an endpoint of its VPC (counts toward quotas, blocks DeleteVpc).
    pub fn exists(self) -> bool {
        !matches!(self, State::Deleting | State::Deleted)
    }
}

/// A subnet chosen for an interface or GWLB endpoint, with optional fixed addresses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetChoice {
    pub subnet_id: String,
    pub ipv4: Option<Ipv4Addr>,
    pub ipv6: Option<Ipv6Addr>,
}

/// The network interface an endpoint holds in one subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointInterface {
    pub subnet_id: String,
    pub availability_zone: String,
    pub network_interface_id: String,
}

/// DNS options of an interface endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsOptions {
    pub dns_record_ip_type: String,
    pub private_dns_only_for_inbound_resolver_endpoint: Option<bool>,
    pub private_dns_preference: Option<String>,
    pub private_dns_specified_domains: Vec<String>,
}

/// Why an endpoint failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LastError {
    pub code: String,
    pub message: String,
}

/// A VPC endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpcEndpoint {
    pub id: String,
    pub scope: Scope,
    pub endpoint_type: EndpointType,
    pub vpc_id: String,
    pub service_name: String,
    pub service_region: String,
    /// The custom endpoint service connected to (None for AWS services).
    pub service_id: Option<String>,
    pub state: State,
    pub policy_document: Option<String>,
    pub route_table_ids: Vec<String>,
    pub subnets: Vec<SubnetChoice>,
    /// Interfaces, once provisioned (after acceptance when the service requires it).
    pub interfaces: Vec<EndpointInterface>,
    pub groups: Vec<String>,
    pub ip_address_type: String,
    pub dns_options: Option<DnsOptions>,
    pub private_dns_enabled: bool,
    /// The random label of the endpoint's DNS names.
    pub dns_suffix: String,
    pub connection_id: Option<String>,
    pub created: Millis,
    /// When the current asynchronous step (pending, deleting) completes.
    pub step_due: Millis,
    pub deleted_at: Option<Millis>,
    pub last_error: Option<LastError>,
}

impl Resource for VpcEndpoint {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl VpcEndpoint {
    /// The custom service id, if connected to one.
    pub fn service_id(&self) -> Option<&str> {
        self.service_id.as_deref()
    }

    /// The AWS short service name (`s3`, `ec2`, …), for AWS services.
    pub fn aws_short_name(&self) -> Option<&str> {
        if self.service_id.is_some() {
            return None;
        }
        endpoint_service::aws_short_name(&self.service_name, &self.service_region)
    }

    /// The route-table ids still associated (tables deleted meanwhile are dropped).
    pub fn live_route_tables<'a>(&'a self, w: &'a World) -> impl Iterator<Item = &'a String> {
        self.route_table_ids
            .iter()
            .filter(move |t| w.route_tables.get(t).is_some())
    }
}

/// `DnsOptions.*` as requested.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DnsOptionsSpec {
    pub dns_record_ip_type: Option<String>,
    pub private_dns_only_for_inbound_resolver_endpoint: Option<bool>,
    pub private_dns_preference: Option<String>,
    pub private_dns_specified_domains: Vec<String>,
}

/// One `SubnetConfiguration.N` as requested.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetConfig {
    pub subnet_id: Option<String>,
    pub ipv4: Option<String>,
    pub ipv6: Option<String>,
}

/// CreateVpcEndpoint as requested.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Create {
    /// Defaults to `Gateway`.
    pub endpoint_type: Option<String>,
    pub vpc_id: String,
    pub service_name: Option<String>,
    pub policy_document: Option<String>,
    pub route_table_ids: Vec<String>,
    pub subnet_ids: Vec<String>,
    pub security_group_ids: Vec<String>,
    pub ip_address_type: Option<String>,
    pub dns_options: Option<DnsOptionsSpec>,
    pub client_token: Option<String>,
    pub private_dns_enabled: Option<bool>,
    pub tags: Vec<TagSpec>,
    pub subnet_configurations: Vec<SubnetConfig>,
    pub service_region: Option<String>,
}

/// ModifyVpcEndpoint as requested; empty members change nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modify {
    pub endpoint_id: String,
    pub reset_policy: bool,
    pub policy_document: Option<String>,
    pub add_route_table_ids: Vec<String>,
    pub remove_route_table_ids: Vec<String>,
    pub add_subnet_ids: Vec<String>,
    pub remove_subnet_ids: Vec<String>,
    pub add_security_group_ids: Vec<String>,
    pub remove_security_group_ids: Vec<String>,
    pub ip_address_type: Option<String>,
    pub dns_options: Option<DnsOptionsSpec>,
    pub private_dns_enabled: Option<bool>,
    pub subnet_configurations: Vec<SubnetConfig>,
}

/// Endpoint commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    Create(Box<Create>),
    Modify(Box<Modify>),
    /// Output: `Bulk`.
    Delete {
        endpoint_ids: Vec<String>,
    },
}

impl Cmd {
    /// The command's `ClientToken`, if any.
    pub fn client_token(&self) -> Option<&str> {
        match self {
            Cmd::Create(c) => c.client_token.as_deref(),
            _ => None,
        }
    }
}

/// The caller's endpoint `id` (deleted endpoints included while they are retained).
pub fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w VpcEndpoint> {
    w.vpc_endpoints
        .get_in(scope, id)
        .ok_or_else(|| Kind::VpcEndpoint.not_found(id))
}

/// Applies an endpoint command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::Create(c) => create(w, ctx, *c),
        Cmd::Modify(m) => modify(w, ctx, *m),
        Cmd::Delete { endpoint_ids } => Ok(delete(w, ctx, &endpoint_ids)),
    }
}

// ---------------------------------------------------------------------------------------
// Validation helpers.

fn only_for(what: &str, types: &str) -> ApiError {
    ApiError::invalid_parameter(format!(
        "{what} are only supported for {types} type VPC Endpoints."
    ))
}

fn check_policy(doc: &str) -> Result<()> {
    if doc.chars().count() > MAX_POLICY {
        return Err(ApiError::new(
            ErrorCode::InvalidPolicyDocument,
            format!("The policy document exceeds the maximum length of {MAX_POLICY} characters."),
        ));
    }
    match serde_json::from_str::<serde_json::Value>(doc) {
        Ok(serde_json::Value::Object(_)) => Ok(()),
        _ => Err(ApiError::new(
            ErrorCode::InvalidPolicyDocument,
            "The policy document is not a valid JSON object.",
        )),
    }
}

/// The policy to store: the given one (validated) or the default where policies apply.
fn policy_for(view: &ServiceView, ty: EndpointType, given: Option<&str>) -> Result<Option<String>> {
    let supported = view.policy_supported && ty != EndpointType::GatewayLoadBalancer;
    match given {
        Some(_) if !supported => Err(ApiError::invalid_parameter(format!(
            "The VPC endpoint service {} does not support VPC endpoint policies.",
            view.name
        ))),
        Some(doc) => {
            check_policy(doc)?;
            Ok(Some(doc.to_string()))
        }
        None => Ok(supported.then(|| DEFAULT_POLICY.to_string())),
    }
}

/// The service an endpoint of `ty` to `name` in `region` connects to, as the caller sees it.
fn pick_service(
    w: &World,
    ctx: &Ctx,
    name: &str,
    region: &str,
    ty: EndpointType,
) -> Result<ServiceView> {
    let views = endpoint_service::resolve(w, ctx, name, region);
    if views.is_empty() {
        return Err(endpoint_service::name_not_found(name));
    }
    if let Some(v) = views.iter().find(|v| v.service_type == ty.service_type()) {
        return Ok(v.clone());
    }
    if ty == EndpointType::Gateway {
        return Err(endpoint_service::name_not_found(name));
    }
    Err(ApiError::invalid_parameter(format!(
        "The VPC endpoint service {name} does not support the VPC endpoint type {}.",
        ty.as_str()
    )))
}

/// The service an existing endpoint is connected to, whatever the permissions say now
/// (removing a permission leaves existing connections alone). None once it is deleted.
fn service_view(w: &World, ep: &VpcEndpoint) -> Option<ServiceView> {
    match &ep.service_id {
        Some(id) => w
            .endpoint_services
            .get(id)
            .map(|s| endpoint_service::custom_view(w, s, &ep.scope.account)),
        None => endpoint_service::aws_view(
            w,
            &ep.scope.account,
            &ep.service_region,
            &ep.service_name,
            ep.endpoint_type.service_type(),
        ),
    }
}

fn service_gone(ep: &VpcEndpoint) -> ApiError {
    ApiError::invalid_parameter(format!(
        "The VPC endpoint service {} of {} no longer exists.",
        ep.service_name, ep.id
    ))
}

fn parse_choices(ids: &[String], configs: &[SubnetConfig]) -> Result<Vec<SubnetChoice>> {
    let mut out: Vec<SubnetChoice> = dedup(ids)
        .into_iter()
        .map(|subnet_id| SubnetChoice {
            subnet_id,
            ipv4: None,
            ipv6: None,
        })
        .collect();
    for (i, c) in configs.iter().enumerate() {
        let subnet_id = c
            .subnet_id
            .clone()
            .ok_or_else(|| ApiError::missing(&format!("SubnetConfiguration.{}.SubnetId", i + 1)))?;
        let ipv4 = match &c.ipv4 {
            None => None,
            Some(v) => Some(v.parse::<Ipv4Addr>().map_err(|_| {
                ApiError::invalid_value(format!(
                    "Value ({v}) for parameter SubnetConfiguration.Ipv4 is invalid. It is not a valid IPv4 address."
                ))
            })?),
        };
        let ipv6 = match &c.ipv6 {
            None => None,
            Some(v) => Some(v.parse::<Ipv6Addr>().map_err(|_| {
                ApiError::invalid_value(format!(
                    "Value ({v}) for parameter SubnetConfiguration.Ipv6 is invalid. It is not a valid IPv6 address."
                ))
            })?),
        };
        match out.iter_mut().find(|s| s.subnet_id == subnet_id) {
            Some(s) => {
                s.ipv4 = ipv4;
                s.ipv6 = ipv6;
            }
            None => out.push(SubnetChoice {
                subnet_id,
                ipv4,
                ipv6,
            }),
        }
    }
    Ok(out)
}

/// Checks subnets to add next to `kept` ones: the caller's, in the VPC, one per zone,
/// zones the service offers (skipped for a remote-Region service), valid fixed addresses.
fn check_subnets(
    w: &World,
    scope: &Scope,
    vpc_id: &str,
    view: &ServiceView,
    new: &[SubnetChoice],
    kept: &[SubnetChoice],
) -> Result<()> {
    let mut zones: BTreeMap<String, String> = kept
        .iter()
        .filter_map(|c| w.subnets.get(&c.subnet_id))
        .map(|s| (s.availability_zone_id.clone(), s.id.clone()))
        .collect();
    let remote = view.region != scope.region;
    for c in new {
        let s = subnet::get(w, scope, &c.subnet_id)?;
        if s.vpc_id != vpc_id {
            return Err(ApiError::invalid_parameter(format!(
                "The subnet {} does not belong to the VPC {vpc_id}.",
                s.id
            )));
        }
        if zones
            .insert(s.availability_zone_id.clone(), s.id.clone())
            .is_some()
        {
            return Err(ApiError::new(ErrorCode::DuplicateSubnetsInSameZone,
                format!(
                    "Found another VPC endpoint subnet in the availability zone of {}. VPC endpoint subnets should be in different availability zones supported by the VPC endpoint service.",
                    s.id
                ),
            ));
        }
        if !remote && !view.zones.iter().any(|z| z.id == s.availability_zone_id) {
            return Err(ApiError::invalid_parameter(format!(
                "The VPC endpoint service {} does not support the availability zone of the subnet: {}.",
                view.name, s.id
            )));
        }
        if let Some(ip) = c.ipv4 {
            let size = cidr::size_v4(&s.cidr) as u32;
            let usable = cidr::offset_v4(&s.cidr, ip).is_some_and(|o| o >= 4 && o < size - 1);
            if !usable {
                return Err(ApiError::invalid_parameter(format!(
                    "Address {ip} does not fall within the subnet's address range"
                )));
            }
        }
        if let Some(ip) = c.ipv6 {
            if !s.ipv6_cidrs.iter().any(|b| b.cidr.contains(&ip)) {
                return Err(ApiError::invalid_parameter(format!(
                    "Address {ip} does not fall within an IPv6 block of the subnet {}.",
                    s.id
                )));
            }
        }
    }
    Ok(())
}

/// Whether interfaces can be made for `choices` now: subnets exist, addresses are free.
fn check_provision(w: &World, choices: &[SubnetChoice]) -> Result<()> {
    for c in choices {
        let s = w
            .subnets
            .get(&c.subnet_id)
            .ok_or_else(|| Kind::Subnet.not_found(&c.subnet_id))?;
        match c.ipv4 {
            Some(ip) => {
                let taken = cidr::offset_v4(&s.cidr, ip).is_some_and(|o| s.used.contains(&o));
                if taken {
                    return Err(ApiError::new(ErrorCode::InvalidIPAddressInUse,
                        format!("Address {ip} is in use."),
                    ));
                }
            }
            None if s.available_ip_count() < 1 => {
                return Err(ApiError::new(ErrorCode::InsufficientFreeAddressesInSubnet,
                    format!(
                        "There are not enough free addresses in subnet '{}' to satisfy the requested number of instances.",
                        s.id
                    ),
                ))
            }
            None => {}
        }
    }
    Ok(())
}

fn check_groups(w: &World, scope: &Scope, vpc_id: &str, ids: &[String]) -> Result<()> {
    for id in ids {
        let g = w
            .security_groups
            .get_in(scope, id)
            .ok_or_else(|| Kind::SecurityGroup.not_found(id))?;
        if g.vpc_id != vpc_id {
            return Err(ApiError::invalid_parameter(format!(
                "The security group {id} does not belong to the VPC {vpc_id}."
            )));
        }
    }
    Ok(())
}

fn check_route_tables(
    w: &World,
    scope: &Scope,
    vpc_id: &str,
    ids: &[String],
    prefix_list: &str,
) -> Result<()> {
    for id in ids {
        let t = w
            .route_tables
            .get_in(scope, id)
            .ok_or_else(|| Kind::RouteTable.not_found(id))?;
        if t.vpc_id != vpc_id {
            return Err(ApiError::invalid_parameter(format!(
                "The route table {id} does not belong to the VPC {vpc_id}."
            )));
        }
        let pl = Destination::PrefixList(prefix_list.to_string());
        if t.routes.iter().any(|r| r.destination == pl) {
            return Err(ApiError::new(ErrorCode::RouteAlreadyExists,
                format!(
                    "route table {id} already has a route with destination-prefix-list-id {prefix_list}"
                ),
            ));
        }
    }
    Ok(())
}

fn check_ip_address_type(
    w: &World,
    ty: EndpointType,
    view: &ServiceView,
    ip_type: &str,
    subnets: &[SubnetChoice],
) -> Result<()> {
    if !["ipv4", "dualstack", "ipv6"].contains(&ip_type) {
        return Err(ApiError::invalid_value(format!(
            "Value ({ip_type}) for parameter IpAddressType is invalid. Valid values: ipv4, dualstack, ipv6."
        )));
    }
    if ip_type == "ipv4" {
        return Ok(());
    }
    if !view.supported_ip_address_types.iter().any(|t| t == "ipv6") {
        return Err(ApiError::invalid_parameter(format!(
            "The VPC endpoint service {} does not support the IP address type {ip_type}.",
            view.name
        )));
    }
    if ty != EndpointType::Gateway {
        if let Some(c) = subnets.iter().find(|c| {
            w.subnets
                .get(&c.subnet_id)
                .is_none_or(|s| s.ipv6_cidrs.is_empty())
        }) {
            return Err(ApiError::invalid_parameter(format!(
                "The subnet {} has no IPv6 CIDR block; the IP address type {ip_type} requires one.",
                c.subnet_id
            )));
        }
    }
    Ok(())
}

/// The DNS options an interface endpoint ends up with (None for other types).
fn dns_options_for(
    ty: EndpointType,
    ip_type: &str,
    spec: Option<&DnsOptionsSpec>,
    current: Option<&DnsOptions>,
) -> Result<Option<DnsOptions>> {
    if ty != EndpointType::Interface {
        if spec.is_some() {
            return Err(only_for("DNS options", "Interface"));
        }
        return Ok(None);
    }
    let default = match ip_type {
        "dualstack" => "dualstack",
        "ipv6" => "ipv6",
        _ => "ipv4",
    };
    let compatible = |r: &str| match ip_type {
        "ipv4" => r == "ipv4" || r == "service-defined",
        "ipv6" => r == "ipv6" || r == "service-defined",
        _ => true,
    };
    let requested = spec.and_then(|s| s.dns_record_ip_type.clone());
    let record = match &requested {
        Some(r) => {
            if !["ipv4", "dualstack", "ipv6", "service-defined"].contains(&r.as_str()) {
                return Err(ApiError::invalid_value(format!(
                    "Value ({r}) for parameter DnsOptions.DnsRecordIpType is invalid."
                )));
            }
            if !compatible(r) {
                return Err(ApiError::invalid_parameter(format!(
                    "The DNS record IP type {r} is not compatible with the IP address type {ip_type}."
                )));
            }
            r.clone()
        }
        None => current
            .map(|c| c.dns_record_ip_type.clone())
            .filter(|r| compatible(r))
            .unwrap_or_else(|| default.to_string()),
    };
    let mut out = current.cloned().unwrap_or(DnsOptions {
        dns_record_ip_type: record.clone(),
        private_dns_only_for_inbound_resolver_endpoint: None,
        private_dns_preference: None,
        private_dns_specified_domains: Vec::new(),
    });
    out.dns_record_ip_type = record;
    if let Some(s) = spec {
        if s.private_dns_only_for_inbound_resolver_endpoint.is_some() {
            out.private_dns_only_for_inbound_resolver_endpoint =
                s.private_dns_only_for_inbound_resolver_endpoint;
        }
        if s.private_dns_preference.is_some() {
            out.private_dns_preference = s.private_dns_preference.clone();
        }
        if !s.private_dns_specified_domains.is_empty() {
            out.private_dns_specified_domains = s.private_dns_specified_domains.clone();
        }
    }
    Ok(Some(out))
}

/// Whether private DNS ends up enabled. `requested` None means "default" on create and
/// "unchanged" (`current`) on modify.
fn private_dns_for(
    w: &World,
    vpc: &vpc::Vpc,
    ty: EndpointType,
    view: &ServiceView,
    requested: Option<bool>,
    current: Option<(&str, bool)>,
) -> Result<bool> {
    let exclude = current.map(|(id, _)| id);
    let conflict = || {
        w.vpc_endpoints.values().any(|e| {
            e.vpc_id == vpc.id
                && Some(e.id.as_str()) != exclude
                && e.state.exists()
                && e.private_dns_enabled
                && e.service_name == view.name
                && e.service_region == view.region
        })
    };
    let dns_ok = vpc.enable_dns_support && vpc.enable_dns_hostnames;
    match (requested, current) {
        (Some(false), _) => Ok(false),
        (None, Some((_, now))) => Ok(now),
        (None, None) => Ok(ty == EndpointType::Interface
            && view.usable_private_dns_name().is_some()
            && dns_ok
            && !conflict()),
        (Some(true), _) => {
            if ty != EndpointType::Interface {
                return Err(only_for("Private DNS names", "Interface"));
            }
            let Some(name) = view.usable_private_dns_name() else {
                return Err(ApiError::invalid_parameter(format!(
                    "Private DNS can't be enabled because the service {} does not provide a private DNS name.",
                    view.name
                )));
            };
            if !dns_ok {
                return Err(ApiError::invalid_parameter(format!(
                    "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for {}",
                    vpc.id
                )));
            }
            if conflict() {
                return Err(ApiError::invalid_parameter(format!(
                    "private-dns-enabled cannot be set because there is already a conflicting DNS domain for {name} in the VPC {}",
                    vpc.id
                )));
            }
            Ok(true)
        }
    }
}

/// `PrivateDnsOnlyForInboundResolverEndpoint=true` needs private DNS and a gateway
/// endpoint of the same service in the VPC.
fn check_inbound_resolver(
    w: &World,
    vpc_id: &str,
    view: &ServiceView,
    options: Option<&DnsOptions>,
    private_dns: bool,
) -> Result<()> {
    if options.and_then(|o| o.private_dns_only_for_inbound_resolver_endpoint) != Some(true) {
        return Ok(());
    }
    let has_gateway = w.vpc_endpoints.values().any(|e| {
        e.vpc_id == vpc_id
            && e.endpoint_type == EndpointType::Gateway
            && e.state.exists()
            && e.service_name == view.name
    });
    if !has_gateway {
        return Err(ApiError::invalid_parameter(format!(
            "To set PrivateDnsOnlyForInboundResolverEndpoint to true, the VPC {vpc_id} must have a Gateway endpoint for the service."
        )));
    }
    if !private_dns {
        return Err(ApiError::invalid_parameter(
            "PrivateDnsOnlyForInboundResolverEndpoint requires private DNS to be enabled.",
        ));
    }
    Ok(())
}

fn check_quota(w: &World, ctx: &Ctx, vpc_id: &str, ty: EndpointType) -> Result<()> {
    let (name, count) = if ty == EndpointType::Gateway {
        let scope = ctx.scope();
        (
            quota::GATEWAY_ENDPOINTS_PER_REGION,
            w.vpc_endpoints
                .in_scope(&scope)
                .filter(|e| e.endpoint_type == EndpointType::Gateway && e.state.exists())
                .count(),
        )
    } else {
        (
            quota::VPC_ENDPOINTS_PER_VPC,
            w.vpc_endpoints
                .values()
                .filter(|e| {
                    e.vpc_id == vpc_id
                        && e.endpoint_type != EndpointType::Gateway
                        && e.state.exists()
                })
                .count(),
        )
    };
    if let Some(limit) = w.config.quotas.limit(&ctx.account, name) {
        if count >= limit as usize {
            return Err(ApiError::limit(
                ErrorCode::VpcEndpointLimitExceeded,
                "VPC endpoints",
                limit,
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Interfaces and routes.

/// Creates the requester-managed interface of an endpoint in one subnet. The caller has
/// checked the subnet and its addresses ([`check_provision`]).
#[allow(clippy::too_many_arguments)]
fn create_interface(
    w: &mut World,
    scope: &Scope,
    now: Millis,
    endpoint_id: &str,
    ty: EndpointType,
    choice: &SubnetChoice,
    groups: &[String],
    dualstack: bool,
) -> Option<EndpointInterface> {
    let s = w.subnets.get(&choice.subnet_id)?.clone();
    let interface_type = match ty {
        EndpointType::GatewayLoadBalancer => "gateway_load_balancer_endpoint",
        _ => "vpc_endpoint",
    };
    let managed = eni::ManagedInterface {
        subnet_id: s.id.clone(),
        interface_type: interface_type.into(),
        description: format!("VPC Endpoint Interface {endpoint_id}"),
        requester_id: REQUESTER_ID.into(),
        groups: groups.to_vec(),
        private_ip: choice.ipv4,
        attached_to: Some(REQUESTER_ID.into()),
    };
    let id = eni::create_managed(w, scope, now, &managed).ok()?;
    let ipv6 = match (choice.ipv6, s.ipv6_cidrs.first()) {
        (Some(v6), _) => vec![v6],
        (None, Some(block)) if dualstack => {
            let host = u128::from(w.ids.next_u64() | 1);
            vec![cidr::nth_v6(&block.cidr, host)]
        }
        _ => Vec::new(),
    };
    if let Some(e) = w.network_interfaces.get_mut(&id) {
        if ty == EndpointType::GatewayLoadBalancer {
            // Gateway Load Balancer endpoints take no security groups.
            e.groups.clear();
        }
        e.ipv6_addresses = ipv6;
    }
    Some(EndpointInterface {
        subnet_id: s.id,
        availability_zone: s.availability_zone,
        network_interface_id: id,
    })
}

/// Removes an endpoint interface and returns its addresses to the subnet.
fn destroy_interface(w: &mut World, eni_id: &str) {
    eni::destroy_interface(w, eni_id);
}

/// Creates the interfaces an endpoint lacks for its subnets (checked beforehand).
fn provision(w: &mut World, id: &str, now: Millis) {
    let Some(ep) = w.vpc_endpoints.get(id).cloned() else {
        return;
    };
    let dualstack = ep.ip_address_type != "ipv4";
    let mut made = Vec::new();
    for c in &ep.subnets {
        if ep.interfaces.iter().any(|i| i.subnet_id == c.subnet_id) {
            continue;
        }
        if let Some(i) = create_interface(
            w,
            &ep.scope,
            now,
            id,
            ep.endpoint_type,
            c,
            &ep.groups,
            dualstack,
        ) {
            made.push(i);
        }
    }
    if let Some(e) = w.vpc_endpoints.get_mut(id) {
        e.interfaces.extend(made);
    }
}

/// Removes every interface of an endpoint.
fn release_interfaces(w: &mut World, id: &str) {
    let interfaces = w
        .vpc_endpoints
        .get_mut(id)
        .map(|e| std::mem::take(&mut e.interfaces))
        .unwrap_or_default();
    for i in interfaces {
        destroy_interface(w, &i.network_interface_id);
    }
}

fn add_gateway_route(w: &mut World, rtb: &str, prefix_list: &str, endpoint_id: &str) {
    if let Some(t) = w.route_tables.get_mut(rtb) {
        t.routes.push(Route {
            destination: Destination::PrefixList(prefix_list.to_string()),
            target: Target::GatewayEndpoint(endpoint_id.to_string()),
            origin: Origin::CreateRoute,
        });
    }
}

fn remove_gateway_route(w: &mut World, rtb: &str, endpoint_id: &str) {
    if let Some(t) = w.route_tables.get_mut(rtb) {
        t.routes
            .retain(|r| r.target != Target::GatewayEndpoint(endpoint_id.to_string()));
    }
}

/// The prefix list of a gateway endpoint's service.
fn prefix_list_of(ep: &VpcEndpoint) -> Option<String> {
    let short = ep.aws_short_name()?;
    Some(gateway_prefix_list_id(&ep.service_region, short))
}

// ---------------------------------------------------------------------------------------
// Commands.

fn create(w: &mut World, ctx: &Ctx, c: Create) -> Result<Output> {
    let scope = ctx.scope();
    let ty = EndpointType::parse(c.endpoint_type.as_deref().unwrap_or("Gateway"))?;
    let vpc = vpc::get(w, &scope, &c.vpc_id)?.clone();
    let name = c
        .service_name
        .clone()
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::missing("ServiceName"))?;
    tags::check_specs(&c.tags, "vpc-endpoint")?;
    let region = c
        .service_region
        .clone()
        .unwrap_or_else(|| ctx.region.clone());
    w.check_region(&region)?;
    let view = pick_service(w, ctx, &name, &region, ty)?;
    let has_subnets = !c.subnet_ids.is_empty() || !c.subnet_configurations.is_empty();
    match ty {
        EndpointType::Gateway if has_subnets => {
            return Err(only_for("Subnet IDs", "Interface and GatewayLoadBalancer"))
        }
        EndpointType::Interface | EndpointType::GatewayLoadBalancer
            if !c.route_table_ids.is_empty() =>
        {
            return Err(only_for("Route table IDs", "Gateway"))
        }
        EndpointType::Gateway | EndpointType::GatewayLoadBalancer
            if !c.security_group_ids.is_empty() =>
        {
            return Err(only_for("Security group IDs", "Interface"))
        }
        _ => {}
    }
    let policy = policy_for(&view, ty, c.policy_document.as_deref())?;
    let route_tables = dedup(&c.route_table_ids);
    let prefix_list = (ty == EndpointType::Gateway)
        .then(|| gateway_prefix_list_id(&region, name.rsplit('.').next().unwrap_or_default()));
    if let Some(pl) = &prefix_list {
        check_route_tables(w, &scope, &vpc.id, &route_tables, pl)?;
    }
    let subnets = parse_choices(&c.subnet_ids, &c.subnet_configurations)?;
    if ty == EndpointType::GatewayLoadBalancer && subnets.len() != 1 {
        return Err(ApiError::invalid_parameter(
            "A Gateway Load Balancer endpoint requires exactly one subnet.",
        ));
    }
    check_subnets(w, &scope, &vpc.id, &view, &subnets, &[])?;
    let mut groups = dedup(&c.security_group_ids);
    check_groups(w, &scope, &vpc.id, &groups)?;
    if ty == EndpointType::Interface && groups.is_empty() {
        groups.push(vpc.default_security_group_id.clone());
    }
    let ip_type = c.ip_address_type.clone().unwrap_or_else(|| "ipv4".into());
    check_ip_address_type(w, ty, &view, &ip_type, &subnets)?;
    let private_dns = private_dns_for(w, &vpc, ty, &view, c.private_dns_enabled, None)?;
    let dns_options = dns_options_for(ty, &ip_type, c.dns_options.as_ref(), None)?;
    check_inbound_resolver(w, &vpc.id, &view, dns_options.as_ref(), private_dns)?;
    check_quota(w, ctx, &vpc.id, ty)?;
    let state = match ty {
        EndpointType::Gateway => State::Available,
        _ if view.acceptance_required => State::PendingAcceptance,
        _ => State::Pending,
    };
    if state == State::Pending {
        check_provision(w, &subnets)?;
    }
    // Everything is checked: mutate.
    let id = w.ids.id(Kind::VpcEndpoint);
    let dns_suffix = w.ids.token(8);
    let connection_id = view
        .custom
        .as_ref()
        .map(|_| w.ids.id(Kind::VpcEndpointConnection));
    let due = ctx.now + w.config.delays.transition;
    w.vpc_endpoints.insert(VpcEndpoint {
        id: id.clone(),
        scope: scope.clone(),
        endpoint_type: ty,
        vpc_id: vpc.id.clone(),
        service_name: name,
        service_region: region,
        service_id: view.custom.clone(),
        state,
        policy_document: policy,
        route_table_ids: route_tables.clone(),
        subnets,
        interfaces: Vec::new(),
        groups,
        ip_address_type: ip_type,
        dns_options,
        private_dns_enabled: private_dns,
        dns_suffix,
        connection_id,
        created: ctx.now,
        step_due: due,
        deleted_at: None,
        last_error: None,
    });
    if let Some(pl) = &prefix_list {
        for rtb in &route_tables {
            add_gateway_route(w, rtb, pl, &id);
        }
    }
    if state == State::Pending {
        provision(w, &id, ctx.now);
        w.schedule(due, TimerKind::VpcEndpoint, &id);
    }
    tags::apply_specs(w, &scope, &id, &c.tags);
    Ok(Output::Id(id))
}

fn modify(w: &mut World, ctx: &Ctx, m: Modify) -> Result<Output> {
    let scope = ctx.scope();
    let ep = get(w, &scope, &m.endpoint_id)?.clone();
    if !ep.state.exists() {
        return Err(Kind::VpcEndpoint.not_found(&ep.id));
    }
    let vpc = vpc::get(w, &scope, &ep.vpc_id)?.clone();
    let ty = ep.endpoint_type;
    let touches_tables = !m.add_route_table_ids.is_empty() || !m.remove_route_table_ids.is_empty();
    let touches_subnets = !m.add_subnet_ids.is_empty()
        || !m.remove_subnet_ids.is_empty()
        || !m.subnet_configurations.is_empty();
    let touches_groups =
        !m.add_security_group_ids.is_empty() || !m.remove_security_group_ids.is_empty();
    if touches_tables && ty != EndpointType::Gateway {
        return Err(only_for("Route table IDs", "Gateway"));
    }
    if touches_subnets && ty == EndpointType::Gateway {
        return Err(only_for("Subnet IDs", "Interface and GatewayLoadBalancer"));
    }
    if touches_groups && ty != EndpointType::Interface {
        return Err(only_for("Security group IDs", "Interface"));
    }
    if ty == EndpointType::GatewayLoadBalancer && !m.remove_subnet_ids.is_empty() {
        return Err(ApiError::invalid_parameter(
            "Subnets cannot be removed from a Gateway Load Balancer endpoint.",
        ));
    }
    if m.reset_policy && m.policy_document.is_some() {
        return Err(ApiError::invalid_combination(
            "ResetPolicy and PolicyDocument cannot be specified together.",
        ));
    }
    let needs_view = touches_subnets
        || m.reset_policy
        || m.policy_document.is_some()
        || m.private_dns_enabled == Some(true)
        || m.ip_address_type.is_some();
    let view = match service_view(w, &ep) {
        Some(v) => v,
        None if needs_view => return Err(service_gone(&ep)),
        None => ServiceView {
            name: ep.service_name.clone(),
            id: ep.service_id.clone().unwrap_or_default(),
            service_type: ty.service_type(),
            region: ep.service_region.clone(),
            owner: String::new(),
            zones: Vec::new(),
            base_dns_names: Vec::new(),
            private_dns_name: None,
            private_dns_state: None,
            policy_supported: false,
            acceptance_required: false,
            supported_ip_address_types: Vec::new(),
            dns_label: String::new(),
            custom: ep.service_id.clone(),
        },
    };
    // Policy.
    let policy = if m.reset_policy {
        let reset = policy_for(&view, ty, None)?.ok_or_else(|| {
            ApiError::invalid_parameter(format!(
                "The VPC endpoint service {} does not support VPC endpoint policies.",
                view.name
            ))
        })?;
        Some(reset)
    } else if let Some(doc) = &m.policy_document {
        policy_for(&view, ty, Some(doc))?
    } else {
        ep.policy_document.clone()
    };
    // Route tables.
    let live: Vec<String> = ep.live_route_tables(w).cloned().collect();
    let removing = dedup(&m.remove_route_table_ids);
    if let Some(t) = removing.iter().find(|t| !ep.route_table_ids.contains(t)) {
        return Err(ApiError::invalid_parameter(format!(
            "The route table {t} is not associated with the VPC endpoint {}.",
            ep.id
        )));
    }
    let adding: Vec<String> = dedup(&m.add_route_table_ids)
        .into_iter()
        .filter(|t| !live.contains(t) || removing.contains(t))
        .collect();
    let prefix_list = prefix_list_of(&ep);
    if let Some(pl) = &prefix_list {
        // Tables being re-added after removal in the same call get their route back.
        let fresh: Vec<String> = adding
            .iter()
            .filter(|t| !live.contains(t))
            .cloned()
            .collect();
        check_route_tables(w, &scope, &vpc.id, &fresh, pl)?;
    }
    // Subnets.
    let remove_subnets = dedup(&m.remove_subnet_ids);
    if let Some(s) = remove_subnets
        .iter()
        .find(|s| !ep.subnets.iter().any(|c| &c.subnet_id == *s))
    {
        return Err(ApiError::invalid_parameter(format!(
            "The subnet {s} is not associated with the VPC endpoint {}.",
            ep.id
        )));
    }
    let requested = parse_choices(&m.add_subnet_ids, &m.subnet_configurations)?;
    let mut kept: Vec<SubnetChoice> = ep
        .subnets
        .iter()
        .filter(|c| !remove_subnets.contains(&c.subnet_id))
        .cloned()
        .collect();
    let mut added = Vec::new();
    let mut replaced = Vec::new();
    for c in requested {
        match kept.iter_mut().find(|k| k.subnet_id == c.subnet_id) {
            Some(k) if c.ipv4.is_some() || c.ipv6.is_some() => {
                if k.ipv4 != c.ipv4 || k.ipv6 != c.ipv6 {
                    k.ipv4 = c.ipv4;
                    k.ipv6 = c.ipv6;
                    replaced.push(k.clone());
                }
            }
            Some(_) => {}
            None => added.push(c),
        }
    }
    if ty == EndpointType::GatewayLoadBalancer && kept.len() + added.len() != 1 {
        return Err(ApiError::invalid_parameter(
            "A Gateway Load Balancer endpoint requires exactly one subnet.",
        ));
    }
    check_subnets(w, &scope, &vpc.id, &view, &added, &kept)?;
    check_subnets(
        w,
        &scope,
        &vpc.id,
        &view,
        &replaced,
        &kept
            .iter()
            .filter(|k| !replaced.iter().any(|r| r.subnet_id == k.subnet_id))
            .cloned()
            .collect::<Vec<_>>(),
    )?;
    let provisioned = matches!(ep.state, State::Pending | State::Available);
    if provisioned {
        check_provision(w, &added)?;
        let replacing: Vec<SubnetChoice> = replaced
            .iter()
            .filter(|r| {
                // The address the current interface holds is about to be released.
                let current = ep
                    .interfaces
                    .iter()
                    .find(|i| i.subnet_id == r.subnet_id)
                    .and_then(|i| w.network_interfaces.get(&i.network_interface_id))
                    .map(|e| e.primary_ip());
                r.ipv4.is_some() && r.ipv4 != current
            })
            .cloned()
            .collect();
        check_provision(w, &replacing)?;
    }
    // Security groups.
    let remove_groups = dedup(&m.remove_security_group_ids);
    if let Some(g) = remove_groups.iter().find(|g| !ep.groups.contains(g)) {
        return Err(ApiError::invalid_parameter(format!(
            "The security group {g} is not associated with the VPC endpoint {}.",
            ep.id
        )));
    }
    let add_groups: Vec<String> = dedup(&m.add_security_group_ids)
        .into_iter()
        .filter(|g| !ep.groups.contains(g))
        .collect();
    check_groups(w, &scope, &vpc.id, &add_groups)?;
    let mut groups: Vec<String> = ep
        .groups
        .iter()
        .filter(|g| !remove_groups.contains(g))
        .cloned()
        .collect();
    groups.extend(add_groups);
    if ty == EndpointType::Interface && groups.is_empty() {
        return Err(ApiError::invalid_parameter(
            "An interface endpoint must keep at least one security group.",
        ));
    }
    // Addressing and DNS.
    if ty != EndpointType::Interface && (m.private_dns_enabled.is_some() || m.dns_options.is_some())
    {
        if m.private_dns_enabled.is_some() {
            return Err(only_for("Private DNS names", "Interface"));
        }
        return Err(only_for("DNS options", "Interface"));
    }
    let ip_type = m
        .ip_address_type
        .clone()
        .unwrap_or_else(|| ep.ip_address_type.clone());
    let mut all_subnets = kept.clone();
    all_subnets.extend(added.iter().cloned());
    if m.ip_address_type.is_some() || !added.is_empty() {
        check_ip_address_type(w, ty, &view, &ip_type, &all_subnets)?;
    }
    let private_dns = private_dns_for(
        w,
        &vpc,
        ty,
        &view,
        m.private_dns_enabled,
        Some((&ep.id, ep.private_dns_enabled)),
    )?;
    let dns_options = dns_options_for(
        ty,
        &ip_type,
        m.dns_options.as_ref(),
        ep.dns_options.as_ref(),
    )?;
    if m.dns_options.is_some() || m.private_dns_enabled.is_some() {
        check_inbound_resolver(w, &vpc.id, &view, dns_options.as_ref(), private_dns)?;
    }
    // Everything is checked: mutate.
    let id = ep.id.clone();
    if let Some(pl) = &prefix_list {
        for t in &removing {
            remove_gateway_route(w, t, &id);
        }
        for t in &adding {
            add_gateway_route(w, t, pl, &id);
        }
    }
    let mut route_table_ids: Vec<String> = live
        .iter()
        .filter(|t| !removing.contains(t))
        .cloned()
        .collect();
    for t in adding {
        if !route_table_ids.contains(&t) {
            route_table_ids.push(t);
        }
    }
    // Interfaces of removed or re-addressed subnets go; new ones are made below.
    let dropped: Vec<String> = ep
        .interfaces
        .iter()
        .filter(|i| {
            remove_subnets.contains(&i.subnet_id)
                || replaced.iter().any(|r| r.subnet_id == i.subnet_id)
        })
        .map(|i| i.network_interface_id.clone())
        .collect();
    for eni in &dropped {
        destroy_interface(w, eni);
    }
    for i in ep
        .interfaces
        .iter()
        .filter(|i| !dropped.contains(&i.network_interface_id))
    {
        if let Some(e) = w.network_interfaces.get_mut(&i.network_interface_id) {
            e.groups = groups.clone();
        }
    }
    let mut subnets = kept;
    subnets.extend(added);
    let e = w.vpc_endpoints.get_mut(&id).expect("found");
    e.policy_document = policy;
    e.route_table_ids = route_table_ids;
    e.subnets = subnets;
    e.interfaces
        .retain(|i| !dropped.contains(&i.network_interface_id));
    e.groups = groups;
    e.ip_address_type = ip_type;
    e.dns_options = dns_options;
    e.private_dns_enabled = private_dns;
    if provisioned {
        provision(w, &id, ctx.now);
    }
    Ok(Output::Done)
}

fn delete(w: &mut World, ctx: &Ctx, ids: &[String]) -> Output {
    let scope = ctx.scope();
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    for id in dedup(ids) {
        match delete_one(w, ctx, &scope, &id) {
            Ok(()) => ok.push(id),
            Err(e) => failed.push(BulkFailure {
                id,
                code: e.code,
                message: e.message,
            }),
        }
    }
    Output::Bulk { ok, failed }
}

fn delete_one(w: &mut World, ctx: &Ctx, scope: &Scope, id: &str) -> Result<()> {
    let ep = get(w, scope, id)?;
    match ep.state {
        State::Deleted => return Err(Kind::VpcEndpoint.not_found(id)),
        State::Deleting => return Ok(()),
        _ => {}
    }
    if ep.endpoint_type == EndpointType::GatewayLoadBalancer {
        let target = Target::VpcEndpoint(id.to_string());
        if let Some(t) = w
            .route_tables
            .values()
            .find(|t| t.routes.iter().any(|r| r.target == target))
        {
            return Err(ApiError::dependency(format!(
                "The VPC endpoint {id} is the target of a route in {}; delete the route first.",
                t.id
            )));
        }
    }
    let tables = ep.route_table_ids.clone();
    for t in &tables {
        remove_gateway_route(w, t, id);
    }
    release_interfaces(w, id);
    let due = ctx.now + w.config.delays.transition;
    let e = w.vpc_endpoints.get_mut(id).expect("found");
    e.state = State::Deleting;
    e.step_due = due;
    w.schedule(due, TimerKind::VpcEndpoint, id);
    Ok(())
}

fn state_error(id: &str, from: State, to: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidStateTransition,
        format!(
            "Invalid state transition for {id}, attempted to transition from {} to {to}",
            from.as_str()
        ),
    )
}

/// The endpoint `id` if it is a connection of `service_id`.
fn connection<'w>(w: &'w World, service_id: &str, id: &str) -> Result<&'w VpcEndpoint> {
    w.vpc_endpoints
        .get(id)
        .filter(|e| e.service_id() == Some(service_id) && e.state != State::Deleted)
        .ok_or_else(|| Kind::VpcEndpoint.not_found(id))
}

/// AcceptVpcEndpointConnections for one endpoint: pendingAcceptance → pending (interfaces
/// are made now; if that is impossible the endpoint fails with `lastError`).
pub(crate) fn accept(w: &mut World, ctx: &Ctx, service_id: &str, id: &str) -> Result<()> {
    let ep = connection(w, service_id, id)?;
    if ep.state != State::PendingAcceptance {
        return Err(state_error(id, ep.state, "pending"));
    }
    if let Err(e) = check_provision(w, &ep.subnets) {
        let ep = w.vpc_endpoints.get_mut(id).expect("found");
        ep.state = State::Failed;
        ep.last_error = Some(LastError {
            code: e.code.to_string(),
            message: e.message,
        });
        return Ok(());
    }
    let due = ctx.now + w.config.delays.transition;
    provision(w, id, ctx.now);
    let ep = w.vpc_endpoints.get_mut(id).expect("found");
    ep.state = State::Pending;
    ep.step_due = due;
    w.schedule(due, TimerKind::VpcEndpoint, id);
    Ok(())
}

/// RejectVpcEndpointConnections for one endpoint: pending, waiting or available → rejected.
pub(crate) fn reject(w: &mut World, _ctx: &Ctx, service_id: &str, id: &str) -> Result<()> {
    let ep = connection(w, service_id, id)?;
    if !ep.state.is_connected() {
        return Err(state_error(id, ep.state, "rejected"));
    }
    release_interfaces(w, id);
    let ep = w.vpc_endpoints.get_mut(id).expect("found");
    ep.state = State::Rejected;
    Ok(())
}

/// Runs an endpoint's due step, acting as of `due`.
pub fn on_timer(w: &mut World, id: &str, due: Millis) {
    let Some(ep) = w.vpc_endpoints.get(id) else {
        return;
    };
    match ep.state {
        State::Pending if due >= ep.step_due => {
            w.vpc_endpoints.get_mut(id).expect("exists").state = State::Available;
        }
        State::Deleting if due >= ep.step_due => {
            let at = ep.step_due;
            let e = w.vpc_endpoints.get_mut(id).expect("exists");
            e.state = State::Deleted;
            e.deleted_at = Some(at);
            w.schedule(at + RETENTION, TimerKind::VpcEndpoint, id);
        }
        State::Deleted if ep.deleted_at.is_some_and(|at| due >= at + RETENTION) => {
            w.vpc_endpoints.remove(id);
            tags::forget(w, id);
        }
        _ => {}
    }
}

// ---------------------------------------------------------------------------------------
// Hooks for other modules.

/// DeleteVpc is refused while the VPC has endpoints (other than deleted ones).
pub fn check_vpc_deletable(w: &World, vpc_id: &str) -> Result<()> {
    if w.vpc_endpoints
        .values()
        .any(|e| e.vpc_id == vpc_id && e.state != State::Deleted)
    {
        return Err(ApiError::dependency(format!(
            "The vpc '{vpc_id}' has dependencies and cannot be deleted."
        )));
    }
    Ok(())
}

/// A deleted route table leaves the endpoints it was associated with.
pub fn on_route_table_deleted(w: &mut World, rtb: &str) {
    for e in w.vpc_endpoints.values_mut() {
        e.route_table_ids.retain(|t| t != rtb);
    }
}

/// Whether a security group is used by a live interface endpoint.
pub fn uses_security_group(w: &World, group_id: &str) -> bool {
    w.vpc_endpoints
        .values()
        .any(|e| e.state.exists() && e.groups.iter().any(|g| g == group_id))
}

/// Whether a route target is a live gateway endpoint (its routes are then `active`).
pub fn gateway_endpoint_exists(w: &World, id: &str) -> bool {
    w.vpc_endpoints
        .get(id)
        .is_some_and(|e| e.endpoint_type == EndpointType::Gateway && e.state.exists())
}

// ---------------------------------------------------------------------------------------
// Describe.

/// One `dnsEntrySet` item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsEntry {
    pub dns_name: String,
    pub hosted_zone_id: String,
}

/// The DNS entries of an interface endpoint with interfaces: a Regional name, one zonal
/// name per zone, and the service's private name when private DNS is on.
pub fn dns_entries(w: &World, ep: &VpcEndpoint) -> Vec<DnsEntry> {
    if ep.endpoint_type != EndpointType::Interface || ep.interfaces.is_empty() {
        return Vec::new();
    }
    let view = service_view(w, ep);
    let label = match (&ep.service_id, &view) {
        (Some(id), _) => id.clone(),
        (None, Some(v)) => v.dns_label.clone(),
        (None, None) => ep
            .service_name
            .rsplit('.')
            .next()
            .unwrap_or_default()
            .to_string(),
    };
    let region = &ep.scope.region;
    let zone = hosted_zone_id(region);
    let wildcard = if ep.aws_short_name() == Some("s3") {
        "*."
    } else {
        ""
    };
    let base = format!("{}-{}", ep.id, ep.dns_suffix);
    let mut out = vec![DnsEntry {
        dns_name: format!("{wildcard}{base}.{label}.{region}.vpce.amazonaws.com"),
        hosted_zone_id: zone.clone(),
    }];
    for i in &ep.interfaces {
        out.push(DnsEntry {
            dns_name: format!(
                "{wildcard}{base}-{}.{label}.{region}.vpce.amazonaws.com",
                i.availability_zone
            ),
            hosted_zone_id: zone.clone(),
        });
    }
    if ep.private_dns_enabled {
        if let Some(name) = view.as_ref().and_then(|v| v.usable_private_dns_name()) {
            out.push(DnsEntry {
                dns_name: name.to_string(),
                hosted_zone_id: zone_like(&format!("{}/{}", ep.id, name)),
            });
        }
    }
    out
}

/// Filters DescribeVpcEndpoints accepts.
pub const FILTERS: &[&str] = &[
    "ip-address-type",
    "service-name",
    "service-region",
    "vpc-id",
    "vpc-endpoint-id",
    "vpc-endpoint-state",
    "vpc-endpoint-type",
];

/// DescribeVpcEndpoints: the caller's endpoints.
pub fn describe<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w VpcEndpoint>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let candidates = w.vpc_endpoints.pick(&scope, ids, |id| get(w, &scope, id))?;
    Ok(candidates
        .into_iter()
        .filter(|e| {
            filter::matches(filters, tags::of(w, &scope, &e.id), |name| match name {
                "ip-address-type" => filter::s(&e.ip_address_type),
                "service-name" => filter::s(&e.service_name),
                "service-region" => filter::s(&e.service_region),
                "vpc-id" => filter::s(&e.vpc_id),
                "vpc-endpoint-id" => filter::s(&e.id),
                "vpc-endpoint-state" => filter::s(e.state.as_str()),
                "vpc-endpoint-type" => filter::s(e.endpoint_type.as_str()),
                _ => Vec::new(),
            })
        })
        .collect())
}

/// Filters DescribeVpcEndpointConnections accepts.
pub const CONNECTION_FILTERS: &[&str] = &[
    "ip-address-type",
    "service-id",
    "transit-gateway-attachment-id",
    "vpc-endpoint-owner",
    "vpc-endpoint-region",
    "vpc-endpoint-state",
    "vpc-endpoint-id",
];

/// DescribeVpcEndpointConnections: endpoints connected to the caller's services.
pub fn describe_connections<'w>(
    w: &'w World,
    ctx: &Ctx,
    filters: &[Filter],
) -> Result<Vec<&'w VpcEndpoint>> {
    filter::check_names(filters, CONNECTION_FILTERS)?;
    let scope = ctx.scope();
    Ok(w.vpc_endpoints
        .values()
        .filter(|e| {
            e.service_id()
                .and_then(|s| w.endpoint_services.get(s))
                .is_some_and(|s| s.scope == scope)
        })
        .filter(|e| {
            filter::matches(filters, tags::of(w, &scope, &e.id), |name| match name {
                "ip-address-type" => filter::s(&e.ip_address_type),
                "service-id" => filter::opt(e.service_id.clone()),
                "vpc-endpoint-owner" => filter::s(&e.scope.account),
                "vpc-endpoint-region" => {
                    let mut v = filter::s(&e.scope.region);
                    if e.scope.region != e.service_region {
                        v.push("cross-region".into());
                    }
                    v
                }
                "vpc-endpoint-state" => filter::s(e.state.as_str()),
                "vpc-endpoint-id" => filter::s(&e.id),
                _ => Vec::new(),
            })
        })
        .collect())
}

/// The load balancers behind an endpoint's service, for the provider's connection view.
pub fn load_balancers_of(w: &World, ep: &VpcEndpoint) -> (Vec<String>, Vec<String>) {
    ep.service_id()
        .and_then(|s| w.endpoint_services.get(s))
        .map(|s| {
            (
                s.network_load_balancer_arns.clone(),
                s.gateway_load_balancer_arns.clone(),
            )
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    //! Consumer-side rules of §3 and the provider's connection handling of §2.3.

    use super::*;
    use crate::elb::LoadBalancerType;
    use crate::endpoint_service::tests::{check, Env, A, B, EAST};
    use crate::endpoint_service::{self as es, Cmd as SvcCmd};
    use crate::route;
    use crate::Command;

    const S3: &str = "com.amazonaws.us-east-1.s3";
    const DYNAMODB: &str = "com.amazonaws.us-east-1.dynamodb";
    const EC2: &str = "com.amazonaws.us-east-1.ec2";

    fn cmd(c: Create) -> Command {
        Command::Endpoint(Cmd::Create(Box::new(c)))
    }

    fn gateway(vpc: &str, service: &str, tables: &[&str]) -> Create {
        Create {
            vpc_id: vpc.into(),
            service_name: Some(service.into()),
            route_table_ids: tables.iter().map(|s| s.to_string()).collect(),
            ..Create::default()
        }
    }

    fn interface(vpc: &str, service: &str, subnets: &[&str]) -> Create {
        Create {
            endpoint_type: Some("Interface".into()),
            vpc_id: vpc.into(),
            service_name: Some(service.into()),
            subnet_ids: subnets.iter().map(|s| s.to_string()).collect(),
            ..Create::default()
        }
    }

    fn modify(id: &str, f: impl FnOnce(&mut Modify)) -> Command {
        let mut m = Modify {
            endpoint_id: id.into(),
            ..Modify::default()
        };
        f(&mut m);
        Command::Endpoint(Cmd::Modify(Box::new(m)))
    }

    fn delete(ids: &[&str]) -> Command {
        Command::Endpoint(Cmd::Delete {
            endpoint_ids: ids.iter().map(|s| s.to_string()).collect(),
        })
    }

    fn bulk(out: Output) -> (Vec<String>, Vec<BulkFailure>) {
        match out {
            Output::Bulk { ok, failed } => (ok, failed),
            other => panic!("{other:?}"),
        }
    }

    impl Env {
        fn id_in(&mut self, account: &str, region: &str, c: Command) -> String {
            match self.run_in(account, region, c).unwrap() {
                Output::Id(id) => id,
                other => panic!("{other:?}"),
            }
        }

        fn table(&mut self, account: &str, vpc: &str) -> String {
            let scope = Scope::new(account, EAST);
            route::create_table(&mut self.w, &scope, vpc, false)
        }

        fn ep(&self, id: &str) -> &VpcEndpoint {
            self.w.vpc_endpoints.get(id).unwrap()
        }

        fn enable_dns(&mut self, vpc: &str) {
            let v = self.w.vpcs.get_mut(vpc).unwrap();
            v.enable_dns_hostnames = true;
            v.enable_dns_support = true;
        }

        fn accept(&mut self, account: &str, service: &str, ids: &[&str]) -> Vec<BulkFailure> {
            let out = self
                .run(
                    account,
                    Command::EndpointService(SvcCmd::AcceptConnections {
                        service_id: service.into(),
                        endpoint_ids: ids.iter().map(|s| s.to_string()).collect(),
                    }),
                )
                .unwrap();
            bulk(out).1
        }

        fn reject(&mut self, account: &str, service: &str, ids: &[&str]) -> Vec<BulkFailure> {
            let out = self
                .run(
                    account,
                    Command::EndpointService(SvcCmd::RejectConnections {
                        service_id: service.into(),
                        endpoint_ids: ids.iter().map(|s| s.to_string()).collect(),
                    }),
                )
                .unwrap();
            bulk(out).1
        }

        fn routes_to(&self, rtb: &str, id: &str) -> Vec<Destination> {
            self.w
                .route_tables
                .get(rtb)
                .unwrap()
                .routes
                .iter()
                .filter(|r| r.target == Target::GatewayEndpoint(id.into()))
                .map(|r| r.destination.clone())
                .collect()
        }
    }

    #[test]
    fn gateway_endpoint_routes() {
        let mut env = Env::new();
        let vpc = env.vpc(A, "10.0.0.0/16");
        let (t1, t2) = (env.table(A, &vpc), env.table(A, &vpc));
        let id = env.id(A, cmd(gateway(&vpc, S3, &[&t1, &t2])));
        let e = env.ep(&id).clone();
        assert_eq!(e.endpoint_type, EndpointType::Gateway);
        assert_eq!(e.state.as_str(), "available");
        assert_eq!(e.policy_document.as_deref(), Some(DEFAULT_POLICY));
        assert!(e.interfaces.is_empty() && e.groups.is_empty() && !e.private_dns_enabled);
        let pl = Destination::PrefixList("pl-63a5400a".into());
        assert_eq!(env.routes_to(&t1, &id), vec![pl.clone()]);
        assert_eq!(env.routes_to(&t2, &id), vec![pl.clone()]);
        let route = env
            .w
            .route_tables
            .get(&t1)
            .unwrap()
            .routes
            .last()
            .unwrap()
            .clone();
        assert_eq!(route.origin, Origin::CreateRoute);
        assert!(gateway_endpoint_exists(&env.w, &id));
        // One endpoint route per service per table; another service is fine.
        check(
            &mut env,
            A,
            cmd(gateway(&vpc, S3, &[&t2])),
            Err((
                "RouteAlreadyExists",
                &format!("route table {t2} already has a route with destination-prefix-list-id pl-63a5400a"),
            )),
        );
        let d = env.id(A, cmd(gateway(&vpc, DYNAMODB, &[&t2])));
        assert_eq!(
            env.routes_to(&t2, &d),
            vec![Destination::PrefixList(gateway_prefix_list_id(
                EAST, "dynamodb"
            ))]
        );
        // Disassociation and re-association move the route.
        check(
            &mut env,
            A,
            modify(&id, |m| m.remove_route_table_ids = vec![t1.clone()]),
            Ok(()),
        );
        assert!(env.routes_to(&t1, &id).is_empty());
        assert_eq!(env.ep(&id).route_table_ids, vec![t2.clone()]);
        check(
            &mut env,
            A,
            modify(&id, |m| m.remove_route_table_ids = vec![t1.clone()]),
            Err(("InvalidParameter", "not associated")),
        );
        check(
            &mut env,
            A,
            modify(&id, |m| m.add_route_table_ids = vec![t1.clone()]),
            Ok(()),
        );
        assert_eq!(env.routes_to(&t1, &id), vec![pl.clone()]);
        // Deletion removes every route, then deleting → deleted → purged.
        let (ok, failed) = bulk(env.run(A, delete(&[&id])).unwrap());
        assert_eq!((ok.len(), failed.len()), (1, 0));
        assert!(env.routes_to(&t1, &id).is_empty() && env.routes_to(&t2, &id).is_empty());
        assert_eq!(env.ep(&id).state, State::Deleting);
        assert!(!gateway_endpoint_exists(&env.w, &id));
        env.advance(0);
        assert_eq!(env.ep(&id).state, State::Deleted);
        env.advance(RETENTION - 1);
        assert!(env.w.vpc_endpoints.get(&id).is_some());
        env.advance(1);
        assert!(env.w.vpc_endpoints.get(&id).is_none());
        // The table is free for a new S3 endpoint.
        env.id(A, cmd(gateway(&vpc, S3, &[&t1])));
    }

    #[test]
    fn gateway_endpoint_refusals() {
        let mut env = Env::new();
        let vpc = env.vpc(A, "10.0.0.0/16");
        let other = env.vpc(A, "10.1.0.0/16");
        let t = env.table(A, &vpc);
        let foreign = env.table(A, &other);
        let sn = env.subnet(A, &vpc, "10.0.1.0/24", "use1-az1");
        check(
            &mut env,
            A,
            cmd(gateway(&vpc, EC2, &[&t])),
            Err(("InvalidServiceName", EC2)),
        );
        check(
            &mut env,
            A,
            cmd(gateway(&vpc, "com.amazonaws.us-west-2.s3", &[&t])),
            Err(("InvalidServiceName", "us-west-2")),
        );
        check(
            &mut env,
            A,
            cmd(gateway(&vpc, S3, &["rtb-0123456789abcdef0"])),
            Err(("InvalidRouteTableID.NotFound", "rtb-0123456789abcdef0")),
        );
        check(
            &mut env,
            A,
            cmd(gateway(&vpc, S3, &[&foreign])),
            Err(("InvalidParameter", "does not belong")),
        );
        check(
            &mut env,
            B,
            cmd(gateway(&vpc, S3, &[])),
            Err(("InvalidVpcID.NotFound", &vpc)),
        );
        let mut c = gateway(&vpc, S3, &[&t]);
        c.subnet_ids = vec![sn.clone()];
        check(
            &mut env,
            A,
            cmd(c),
            Err(("InvalidParameter", "Subnet IDs are only supported for Interface and GatewayLoadBalancer type VPC Endpoints.")),
        );
        let mut c = gateway(&vpc, S3, &[&t]);
        c.security_group_ids = vec!["sg-0123456789abcdef0".into()];
        check(
            &mut env,
            A,
            cmd(c),
            Err(("InvalidParameter", "Security group IDs")),
        );
        let mut c = gateway(&vpc, S3, &[&t]);
        c.private_dns_enabled = Some(true);
        check(
            &mut env,
            A,
            cmd(c),
            Err(("InvalidParameter", "Private DNS")),
        );
        let mut c = gateway(&vpc, S3, &[&t]);
        c.endpoint_type = Some("Resource".into());
        check(
            &mut env,
            A,
            cmd(c),
            Err(("InvalidVpcEndpointType", "Resource")),
        );
        let mut c = gateway(&vpc, S3, &[&t]);
        c.endpoint_type = Some("Bogus".into());
        check(
            &mut env,
            A,
            cmd(c),
            Err(("InvalidVpcEndpointType", "Bogus")),
        );
        let mut c = gateway(&vpc, S3, &[&t]);
        c.service_name = None;
        check(
            &mut env,
            A,
            cmd(c),
            Err(("MissingParameter", "ServiceName")),
        );
        let mut c = gateway(&vpc, S3, &[&t]);
        c.policy_document = Some("{not json".into());
        check(&mut env, A, cmd(c), Err(("InvalidPolicyDocument", "JSON")));
        let mut c = gateway(&vpc, S3, &[&t]);
        c.policy_document = Some("[1]".into());
        check(&mut env, A, cmd(c), Err(("InvalidPolicyDocument", "JSON")));
        let mut c = gateway(&vpc, S3, &[&t]);
        c.policy_document = Some(format!("{{\"a\":\"{}\"}}", "x".repeat(MAX_POLICY)));
        check(&mut env, A, cmd(c), Err(("InvalidPolicyDocument", "20480")));
        let mut c = gateway(&vpc, S3, &[&t]);
        c.tags = vec![TagSpec {
            resource_type: "vpc".into(),
            tags: vec![],
        }];
        check(&mut env, A, cmd(c), Err(("InvalidParameterValue", "vpc")));
        let mut c = gateway(&vpc, S3, &[&t]);
        c.ip_address_type = Some("ipv5".into());
        check(&mut env, A, cmd(c), Err(("InvalidParameterValue", "ipv5")));
        let mut c = gateway(&vpc, S3, &[&t]);
        c.dns_options = Some(DnsOptionsSpec::default());
        check(
            &mut env,
            A,
            cmd(c),
            Err(("InvalidParameter", "DNS options")),
        );
        // A policy, then reset to the default.
        let mut c = gateway(&vpc, S3, &[&t]);
        let custom =
            r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}"#;
        c.policy_document = Some(custom.into());
        let id = env.id(A, cmd(c));
        assert_eq!(env.ep(&id).policy_document.as_deref(), Some(custom));
        check(
            &mut env,
            A,
            modify(&id, |m| {
                m.reset_policy = true;
                m.policy_document = Some("{}".into());
            }),
            Err(("InvalidParameterCombination", "ResetPolicy")),
        );
        check(&mut env, A, modify(&id, |m| m.reset_policy = true), Ok(()));
        assert_eq!(env.ep(&id).policy_document.as_deref(), Some(DEFAULT_POLICY));
        check(
            &mut env,
            A,
            modify(&id, |m| m.policy_document = Some("nope".into())),
            Err(("InvalidPolicyDocument", "")),
        );
        // Wrong-type modifications.
        check(
            &mut env,
            A,
            modify(&id, |m| m.add_subnet_ids = vec![sn.clone()]),
            Err(("InvalidParameter", "Subnet IDs")),
        );
        check(
            &mut env,
            A,
            modify(&id, |m| m.add_security_group_ids = vec!["sg-1".into()]),
            Err(("InvalidParameter", "Security group IDs")),
        );
        check(
            &mut env,
            A,
            modify(&id, |m| m.private_dns_enabled = Some(true)),
            Err(("InvalidParameter", "Private DNS")),
        );
        check(
            &mut env,
            B,
            modify(&id, |_| {}),
            Err(("InvalidVpcEndpointId.NotFound", &id)),
        );
    }

    #[test]
    fn gateway_quota_and_idempotency() {
        let mut env = Env::with_quotas(&["gateway-endpoints-per-region=1"]);
        let vpc = env.vpc(A, "10.0.0.0/16");
        let mut c = gateway(&vpc, S3, &[]);
        c.client_token = Some("t-1".into());
        let first = env.run(A, cmd(c.clone())).unwrap();
        assert_eq!(env.run(A, cmd(c.clone())).unwrap(), first);
        c.client_token = Some("t-2".into());
        check(
            &mut env,
            A,
            cmd(c),
            Err(("VpcEndpointLimitExceeded", "(1)")),
        );
    }

    #[test]
    fn interface_endpoint_to_an_aws_service() {
        let mut env = Env::new();
        let vpc = env.vpc(A, "10.0.0.0/16");
        let s1 = env.subnet(A, &vpc, "10.0.1.0/24", "use1-az1");
        let s2 = env.subnet(A, &vpc, "10.0.2.0/24", "use1-az2");
        let s3 = env.subnet(A, &vpc, "10.0.3.0/24", "use1-az1");
        check(
            &mut env,
            A,
            cmd(interface(&vpc, EC2, &[&s1, &s3])),
            Err((
                "DuplicateSubnetsInSameZone",
                &format!("availability zone of {s3}"),
            )),
        );
        let mut c = interface(&vpc, EC2, &[&s1]);
        c.route_table_ids = vec!["rtb-0123456789abcdef0".into()];
        check(
            &mut env,
            A,
            cmd(c),
            Err(("InvalidParameter", "Route table IDs")),
        );
        let mut c = interface(&vpc, EC2, &[&s1]);
        c.security_group_ids = vec!["sg-0123456789abcdef0".into()];
        check(
            &mut env,
            A,
            cmd(c),
            Err(("InvalidGroup.NotFound", "sg-0123456789abcdef0")),
        );
        // Explicit private DNS needs DNS support and hostnames on the VPC.
        let mut c = interface(&vpc, EC2, &[&s1]);
        c.private_dns_enabled = Some(true);
        check(
            &mut env,
            A,
            cmd(c.clone()),
            Err(("InvalidParameter", "enableDnsHostnames")),
        );
        // Without them, the default is off.
        let id = env.id(A, cmd(interface(&vpc, EC2, &[&s1, &s2])));
        let e = env.ep(&id).clone();
        assert!(!e.private_dns_enabled);
        assert_eq!(e.state, State::Pending);
        assert_eq!(
            e.groups,
            vec![env
                .w
                .vpcs
                .get(&vpc)
                .unwrap()
                .default_security_group_id
                .clone()]
        );
        assert_eq!(e.interfaces.len(), 2);
        for i in &e.interfaces {
            let eni = env
                .w
                .network_interfaces
                .get(&i.network_interface_id)
                .unwrap();
            assert_eq!(eni.interface_type, "vpc_endpoint");
            assert!(eni.requester_managed);
            assert_eq!(eni.description, format!("VPC Endpoint Interface {id}"));
            assert_eq!(eni.subnet_id, i.subnet_id);
            assert_eq!(eni.groups, e.groups);
        }
        assert_eq!(env.w.subnets.get(&s1).unwrap().used.len(), 1);
        let entries = dns_entries(&env.w, &e);
        assert_eq!(entries.len(), 3);
        let base = format!("{id}-{}", e.dns_suffix);
        assert_eq!(
            entries[0].dns_name,
            format!("{base}.ec2.us-east-1.vpce.amazonaws.com")
        );
        assert_eq!(entries[0].hosted_zone_id, "Z7HUB22UULQXV");
        let az1 = env.w.subnets.get(&s1).unwrap().availability_zone.clone();
        assert_eq!(
            entries[1].dns_name,
            format!("{base}-{az1}.ec2.us-east-1.vpce.amazonaws.com")
        );
        env.advance(0);
        assert_eq!(env.ep(&id).state, State::Available);
        // With DNS attributes on, private DNS defaults on for a second VPC's endpoint …
        let vpc2 = env.vpc(A, "10.2.0.0/16");
        env.enable_dns(&vpc2);
        let t1 = env.subnet(A, &vpc2, "10.2.1.0/24", "use1-az1");
        let p = env.id(A, cmd(interface(&vpc2, EC2, &[&t1])));
        assert!(env.ep(&p).private_dns_enabled);
        let entries = dns_entries(&env.w, env.ep(&p));
        assert_eq!(
            entries.last().unwrap().dns_name,
            "ec2.us-east-1.amazonaws.com"
        );
        // … and a second one to the same service conflicts when asking for it.
        let mut c = interface(&vpc2, EC2, &[&t1]);
        c.private_dns_enabled = Some(true);
        check(
            &mut env,
            A,
            cmd(c),
            Err((
                "InvalidParameter",
                "conflicting DNS domain for ec2.us-east-1.amazonaws.com",
            )),
        );
        // S3 interface endpoints: no private name, wildcard DNS names.
        let mut c = interface(&vpc2, S3, &[&t1]);
        c.private_dns_enabled = Some(true);
        check(
            &mut env,
            A,
            cmd(c),
            Err(("InvalidParameter", &format!("Private DNS can't be enabled because the service {S3} does not provide a private DNS name."))),
        );
        let s3 = env.id(A, cmd(interface(&vpc2, S3, &[&t1])));
        assert!(dns_entries(&env.w, env.ep(&s3))[0]
            .dns_name
            .starts_with("*.vpce-"));
        assert!(dns_entries(&env.w, env.ep(&s3))[0]
            .dns_name
            .ends_with(".s3.us-east-1.vpce.amazonaws.com"));
    }

    #[test]
    fn interface_options() {
        let mut env = Env::new();
        let vpc = env.vpc(A, "10.0.0.0/16");
        let other = env.vpc(A, "10.1.0.0/16");
        let s1 = env.subnet(A, &vpc, "10.0.1.0/24", "use1-az1");
        let o1 = env.subnet(A, &other, "10.1.1.0/24", "use1-az1");
        check(
            &mut env,
            A,
            cmd(interface(&vpc, EC2, &[&o1])),
            Err(("InvalidParameter", "does not belong")),
        );
        check(
            &mut env,
            A,
            cmd(interface(&vpc, EC2, &["subnet-0123456789abcdef0"])),
            Err(("InvalidSubnetID.NotFound", "subnet-0123456789abcdef0")),
        );
        let foreign_sg = env
            .w
            .vpcs
            .get(&other)
            .unwrap()
            .default_security_group_id
            .clone();
        let mut c = interface(&vpc, EC2, &[&s1]);
        c.security_group_ids = vec![foreign_sg];
        check(
            &mut env,
            A,
            cmd(c),
            Err(("InvalidParameter", "does not belong")),
        );
        let mut c = interface(&vpc, EC2, &[&s1]);
        c.ip_address_type = Some("dualstack".into());
        check(
            &mut env,
            A,
            cmd(c),
            Err((
                "InvalidParameter",
                "does not support the IP address type dualstack",
            )),
        );
        let mut c = interface(&vpc, S3, &[&s1]);
        c.ip_address_type = Some("dualstack".into());
        check(
            &mut env,
            A,
            cmd(c),
            Err(("InvalidParameter", "no IPv6 CIDR block")),
        );
        let mut c = interface(&vpc, EC2, &[&s1]);
        c.dns_options = Some(DnsOptionsSpec {
            dns_record_ip_type: Some("ipv6".into()),
            ..DnsOptionsSpec::default()
        });
        check(
            &mut env,
            A,
            cmd(c),
            Err(("InvalidParameter", "not compatible")),
        );
        let mut c = interface(&vpc, EC2, &[&s1]);
        c.dns_options = Some(DnsOptionsSpec {
            dns_record_ip_type: Some("ipv9".into()),
            ..DnsOptionsSpec::default()
        });
        check(&mut env, A, cmd(c), Err(("InvalidParameterValue", "ipv9")));
        let mut c = interface(&vpc, S3, &[&s1]);
        c.dns_options = Some(DnsOptionsSpec {
            private_dns_only_for_inbound_resolver_endpoint: Some(true),
            ..DnsOptionsSpec::default()
        });
        check(
            &mut env,
            A,
            cmd(c),
            Err((
                "InvalidParameter",
                &format!("the VPC {vpc} must have a Gateway endpoint for the service"),
            )),
        );
        // Fixed addresses through SubnetConfiguration.
        let mut c = interface(&vpc, EC2, &[]);
        c.subnet_configurations = vec![SubnetConfig {
            subnet_id: Some(s1.clone()),
            ipv4: Some("10.0.1.200".into()),
            ipv6: None,
        }];
        let id = env.id(A, cmd(c.clone()));
        let eni = &env.ep(&id).interfaces[0].network_interface_id;
        assert_eq!(
            env.w.network_interfaces.get(eni).unwrap().primary_ip(),
            Ipv4Addr::new(10, 0, 1, 200)
        );
        assert_eq!(
            env.ep(&id).dns_options.as_ref().unwrap().dns_record_ip_type,
            "ipv4"
        );
        check(
            &mut env,
            A,
            cmd(c.clone()),
            Err(("InvalidIPAddress.InUse", "10.0.1.200")),
        );
        c.subnet_configurations[0].ipv4 = Some("10.0.2.9".into());
        check(
            &mut env,
            A,
            cmd(c.clone()),
            Err(("InvalidParameter", "10.0.2.9")),
        );
        c.subnet_configurations[0].ipv4 = Some("ten".into());
        check(&mut env, A, cmd(c), Err(("InvalidParameterValue", "ten")));
    }

    #[test]
    fn interface_quota_and_addresses() {
        let mut env = Env::with_quotas(&["vpc-endpoints-per-vpc=1"]);
        let vpc = env.vpc(A, "10.0.0.0/16");
        let small = env.subnet(A, &vpc, "10.0.1.0/28", "use1-az1");
        // Fill the /28 (16 - 5 reserved = 11 addresses).
        for _ in 0..11 {
            subnet::allocate_ip(&mut env.w, &small, None).unwrap();
        }
        check(
            &mut env,
            A,
            cmd(interface(&vpc, EC2, &[&small])),
            Err(("InsufficientFreeAddressesInSubnet", &small)),
        );
        env.id(A, cmd(interface(&vpc, EC2, &[])));
        check(
            &mut env,
            A,
            cmd(interface(&vpc, "com.amazonaws.us-east-1.sts", &[])),
            Err(("VpcEndpointLimitExceeded", "(1)")),
        );
        // Gateway endpoints do not count toward the interface quota.
        env.id(A, cmd(gateway(&vpc, S3, &[])));
    }

    /// A provider (A) with a service behind an NLB in two zones, and a consumer (B) VPC
    /// with one subnet in each of three zones.
    struct Scene {
        env: Env,
        service: String,
        name: String,
        vpc: String,
        subnets: Vec<String>,
    }

    fn scene(acceptance: bool) -> Scene {
        let mut env = Env::new();
        let nlb = env.nlb(A, "web", &["use1-az1", "use1-az2"]);
        let service = env.service(A, &nlb, acceptance);
        let name = env.svc(&service).name();
        let vpc = env.vpc(B, "10.0.0.0/16");
        let subnets = ["use1-az1", "use1-az2", "use1-az3"]
            .iter()
            .enumerate()
            .map(|(i, az)| env.subnet(B, &vpc, &format!("10.0.{i}.0/24"), az))
            .collect();
        Scene {
            env,
            service,
            name,
            vpc,
            subnets,
        }
    }

    #[test]
    fn custom_service_needs_permission_and_offered_zones() {
        let Scene {
            mut env,
            service,
            name,
            vpc,
            subnets,
        } = scene(false);
        let c = interface(&vpc, &name, &[&subnets[0]]);
        check(
            &mut env,
            B,
            cmd(c.clone()),
            Err(("InvalidServiceName", &name)),
        );
        env.allow(A, &service, "arn:aws:iam::222222222222:root");
        check(
            &mut env,
            B,
            cmd(interface(&vpc, &name, &[&subnets[0], &subnets[2]])),
            Err((
                "InvalidParameter",
                &format!("The VPC endpoint service {name} does not support the availability zone of the subnet: {}.", subnets[2]),
            )),
        );
        let mut g = c.clone();
        g.endpoint_type = Some("GatewayLoadBalancer".into());
        check(
            &mut env,
            B,
            cmd(g),
            Err((
                "InvalidParameter",
                "does not support the VPC endpoint type GatewayLoadBalancer",
            )),
        );
        let mut p = c.clone();
        p.policy_document = Some("{}".into());
        check(
            &mut env,
            B,
            cmd(p),
            Err(("InvalidParameter", "does not support VPC endpoint policies")),
        );
        let mut p = c.clone();
        p.private_dns_enabled = Some(true);
        check(
            &mut env,
            B,
            cmd(p),
            Err(("InvalidParameter", "does not provide a private DNS name")),
        );
        let id = env.id(B, cmd(interface(&vpc, &name, &[&subnets[0], &subnets[1]])));
        let e = env.ep(&id).clone();
        assert_eq!(e.state, State::Pending);
        assert_eq!(e.service_id.as_deref(), Some(service.as_str()));
        assert!(e.policy_document.is_none());
        assert!(e.connection_id.is_some());
        let entries = dns_entries(&env.w, &e);
        assert!(entries[0]
            .dns_name
            .ends_with(&format!(".{service}.us-east-1.vpce.amazonaws.com")));
        env.advance(0);
        assert_eq!(env.ep(&id).state, State::Available);
        // Removing the permission leaves the connection alone but hides the service.
        env.run(
            A,
            Command::EndpointService(SvcCmd::ModifyPermissions {
                service_id: service.clone(),
                add: vec![],
                remove: vec!["arn:aws:iam::222222222222:root".into()],
            }),
        )
        .unwrap();
        assert_eq!(env.ep(&id).state, State::Available);
        check(&mut env, B, cmd(c), Err(("InvalidServiceName", &name)));
        // Still modifiable: add the third subnet? Not offered.
        check(
            &mut env,
            B,
            modify(&id, |m| m.add_subnet_ids = vec![subnets[2].clone()]),
            Err(("InvalidParameter", "does not support the availability zone")),
        );
        // The provider cannot delete the service while it is connected.
        let (ok, failed) = bulk(
            env.run(
                A,
                Command::EndpointService(SvcCmd::Delete {
                    service_ids: vec![service.clone()],
                }),
            )
            .unwrap(),
        );
        assert!(ok.is_empty());
        assert_eq!(failed[0].code, "ExistingVpcEndpointConnections");
        // Nor remove its load balancer.
        let nlb = env.svc(&service).network_load_balancer_arns[0].clone();
        let nlb2 = env.nlb(A, "web2", &["use1-az3"]);
        check(
            &mut env,
            A,
            Command::EndpointService(SvcCmd::Modify(es::Modify {
                service_id: service.clone(),
                add_network_load_balancer_arns: vec![nlb2],
                remove_network_load_balancer_arns: vec![nlb],
                ..es::Modify::default()
            })),
            Err(("ExistingVpcEndpointConnections", &service)),
        );
    }

    #[test]
    fn acceptance_flow() {
        let Scene {
            mut env,
            service,
            name,
            vpc,
            subnets,
        } = scene(true);
        env.allow(A, &service, "*");
        let id = env.id(B, cmd(interface(&vpc, &name, &[&subnets[0], &subnets[1]])));
        let e = env.ep(&id).clone();
        assert_eq!(e.state.as_str(), "pendingAcceptance");
        assert!(e.interfaces.is_empty());
        assert!(dns_entries(&env.w, &e).is_empty());
        env.advance(HOUR);
        assert_eq!(env.ep(&id).state, State::PendingAcceptance);
        // The provider sees the connection.
        let conns = describe_connections(&env.w, &env.ctx(A), &[]).unwrap();
        assert_eq!(conns.len(), 1);
        assert_eq!(conns[0].scope.account, B);
        assert!(describe_connections(&env.w, &env.ctx(B), &[])
            .unwrap()
            .is_empty());
        let f = |n: &str, v: &str| {
            describe_connections(&env.w, &env.ctx(A), &[Filter::new(n, &[v])])
                .unwrap()
                .len()
        };
        assert_eq!(f("vpc-endpoint-state", "pendingAcceptance"), 1);
        assert_eq!(f("vpc-endpoint-owner", B), 1);
        assert_eq!(f("vpc-endpoint-owner", A), 0);
        assert_eq!(f("vpc-endpoint-region", "cross-region"), 0);
        assert_eq!(f("service-id", &service), 1);
        assert_eq!(f("vpc-endpoint-id", &id), 1);
        assert!(
            describe_connections(&env.w, &env.ctx(A), &[Filter::new("bogus", &["x"])]).is_err()
        );
        // Only the service's owner may accept; unknown ids fail per item.
        check(
            &mut env,
            B,
            Command::EndpointService(SvcCmd::AcceptConnections {
                service_id: service.clone(),
                endpoint_ids: vec![id.clone()],
            }),
            Err(("InvalidVpcEndpointServiceId.NotFound", &service)),
        );
        let unknown = "vpce-0123456789abcdef0";
        let failed = env.accept(A, &service, &[unknown, &id]);
        assert_eq!(failed.len(), 1);
        assert_eq!(
            (failed[0].id.as_str(), failed[0].code.as_str()),
            (unknown, "InvalidVpcEndpointId.NotFound")
        );
        let e = env.ep(&id).clone();
        assert_eq!(e.state, State::Pending);
        assert_eq!(e.interfaces.len(), 2);
        assert_eq!(dns_entries(&env.w, &e).len(), 3);
        env.advance(0);
        assert_eq!(env.ep(&id).state, State::Available);
        let failed = env.accept(A, &service, &[&id]);
        assert_eq!(failed[0].code, "InvalidStateTransition");
        // An available endpoint can be rejected: its interfaces go.
        assert!(env.reject(A, &service, &[&id]).is_empty());
        let e = env.ep(&id).clone();
        assert_eq!(e.state.as_str(), "rejected");
        assert!(e.interfaces.is_empty());
        assert!(env.w.network_interfaces.values().all(|n| n.vpc_id != vpc));
        assert_eq!(
            env.reject(A, &service, &[&id])[0].code,
            "InvalidStateTransition"
        );
        // Rejected connections do not keep the service alive; the endpoint stays the consumer's.
        let (ok, _) = bulk(
            env.run(
                A,
                Command::EndpointService(SvcCmd::Delete {
                    service_ids: vec![service.clone()],
                }),
            )
            .unwrap(),
        );
        assert_eq!(ok, vec![service.clone()]);
        assert_eq!(env.ep(&id).state, State::Rejected);
        // Modifications needing the service fail once it is gone; deletion works.
        check(
            &mut env,
            B,
            modify(&id, |m| m.add_subnet_ids = vec![subnets[1].clone()]),
            Err(("InvalidParameter", "no longer exists")),
        );
        let (ok, _) = bulk(env.run(B, delete(&[&id])).unwrap());
        assert_eq!(ok, vec![id.clone()]);
    }

    #[test]
    fn rejecting_a_pending_request_and_failed_provisioning() {
        let Scene {
            mut env,
            service,
            name,
            vpc,
            subnets,
        } = scene(true);
        env.allow(A, &service, "arn:aws:iam::222222222222:user/alice");
        let x = env.id(B, cmd(interface(&vpc, &name, &[&subnets[0]])));
        assert!(env.reject(A, &service, &[&x]).is_empty());
        assert_eq!(env.ep(&x).state, State::Rejected);
        // A subnet that filled up before acceptance makes the endpoint fail.
        let vpc2 = env.vpc(B, "10.5.0.0/16");
        let small = env.subnet(B, &vpc2, "10.5.0.0/28", "use1-az1");
        let y = env.id(B, cmd(interface(&vpc2, &name, &[&small])));
        for _ in 0..11 {
            subnet::allocate_ip(&mut env.w, &small, None).unwrap();
        }
        assert!(env.accept(A, &service, &[&y]).is_empty());
        let e = env.ep(&y).clone();
        assert_eq!(e.state, State::Failed);
        assert_eq!(
            e.last_error.unwrap().code,
            "InsufficientFreeAddressesInSubnet"
        );
    }

    #[test]
    fn modify_interface_subnets_and_groups() {
        let mut env = Env::new();
        let vpc = env.vpc(A, "10.0.0.0/16");
        let s1 = env.subnet(A, &vpc, "10.0.1.0/24", "use1-az1");
        let s2 = env.subnet(A, &vpc, "10.0.2.0/24", "use1-az2");
        let s3 = env.subnet(A, &vpc, "10.0.3.0/24", "use1-az2");
        let id = env.id(A, cmd(interface(&vpc, EC2, &[&s1])));
        check(
            &mut env,
            A,
            modify(&id, |m| m.add_subnet_ids = vec![s2.clone(), s3.clone()]),
            Err(("DuplicateSubnetsInSameZone", &s3)),
        );
        check(
            &mut env,
            A,
            modify(&id, |m| m.add_subnet_ids = vec![s1.clone()]),
            Ok(()),
        );
        assert_eq!(env.ep(&id).interfaces.len(), 1);
        check(
            &mut env,
            A,
            modify(&id, |m| m.add_subnet_ids = vec![s2.clone()]),
            Ok(()),
        );
        assert_eq!(env.ep(&id).interfaces.len(), 2);
        assert_eq!(env.w.subnets.get(&s2).unwrap().used.len(), 1);
        check(
            &mut env,
            A,
            modify(&id, |m| m.remove_subnet_ids = vec![s3.clone()]),
            Err(("InvalidParameter", "not associated")),
        );
        check(
            &mut env,
            A,
            modify(&id, |m| m.remove_subnet_ids = vec![s2.clone()]),
            Ok(()),
        );
        assert_eq!(env.ep(&id).subnets.len(), 1);
        assert!(env.w.subnets.get(&s2).unwrap().used.is_empty());
        check(
            &mut env,
            A,
            modify(&id, |m| m.add_subnet_ids = vec![s3.clone()]),
            Ok(()),
        );
        // Re-addressing a subnet replaces its interface.
        let before = env.ep(&id).interfaces[0].network_interface_id.clone();
        check(
            &mut env,
            A,
            modify(&id, |m| {
                m.subnet_configurations = vec![SubnetConfig {
                    subnet_id: Some(s1.clone()),
                    ipv4: Some("10.0.1.77".into()),
                    ipv6: None,
                }]
            }),
            Ok(()),
        );
        let e = env.ep(&id).clone();
        let now = e.interfaces.iter().find(|i| i.subnet_id == s1).unwrap();
        assert_ne!(now.network_interface_id, before);
        assert!(env.w.network_interfaces.get(&before).is_none());
        assert_eq!(
            env.w
                .network_interfaces
                .get(&now.network_interface_id)
                .unwrap()
                .primary_ip(),
            Ipv4Addr::new(10, 0, 1, 77)
        );
        // Security groups follow onto every interface.
        let default_sg = e.groups[0].clone();
        let sg2 = {
            let scope = Scope::new(A, EAST);
            let g = crate::sg::create_default(&mut env.w, &scope, &vpc);
            env.w.security_groups.get_mut(&g).unwrap().name = "second".into();
            g
        };
        check(
            &mut env,
            A,
            modify(&id, |m| m.remove_security_group_ids = vec![sg2.clone()]),
            Err(("InvalidParameter", "not associated")),
        );
        check(
            &mut env,
            A,
            modify(&id, |m| {
                m.remove_security_group_ids = vec![default_sg.clone()]
            }),
            Err(("InvalidParameter", "at least one security group")),
        );
        check(
            &mut env,
            A,
            modify(&id, |m| {
                m.add_security_group_ids = vec![sg2.clone()];
                m.remove_security_group_ids = vec![default_sg.clone()];
            }),
            Ok(()),
        );
        for i in &env.ep(&id).interfaces {
            assert_eq!(
                env.w
                    .network_interfaces
                    .get(&i.network_interface_id)
                    .unwrap()
                    .groups,
                vec![sg2.clone()]
            );
        }
        assert!(uses_security_group(&env.w, &sg2) && !uses_security_group(&env.w, &default_sg));
        check(
            &mut env,
            A,
            modify(&id, |m| m.add_route_table_ids = vec!["rtb-1".into()]),
            Err(("InvalidParameter", "Route table IDs")),
        );
        // Private DNS on, once the VPC allows it.
        check(
            &mut env,
            A,
            modify(&id, |m| m.private_dns_enabled = Some(true)),
            Err(("InvalidParameter", "enableDnsSupport")),
        );
        env.enable_dns(&vpc);
        check(
            &mut env,
            A,
            modify(&id, |m| m.private_dns_enabled = Some(true)),
            Ok(()),
        );
        assert!(env.ep(&id).private_dns_enabled);
        check(
            &mut env,
            A,
            modify(&id, |m| m.ip_address_type = Some("ipv6".into())),
            Err(("InvalidParameter", "ipv6")),
        );
        check(
            &mut env,
            A,
            modify(&id, |m| {
                m.dns_options = Some(DnsOptionsSpec {
                    dns_record_ip_type: Some("service-defined".into()),
                    ..DnsOptionsSpec::default()
                })
            }),
            Ok(()),
        );
        assert_eq!(
            env.ep(&id).dns_options.as_ref().unwrap().dns_record_ip_type,
            "service-defined"
        );
    }

    #[test]
    fn gateway_load_balancer_endpoints() {
        let mut env = Env::new();
        let gwlb = env.load_balancer(A, LoadBalancerType::Gateway, "fw", &["use1-az1"]);
        let service = env.id(
            A,
            Command::EndpointService(SvcCmd::Create {
                network_load_balancer_arns: vec![],
                gateway_load_balancer_arns: vec![gwlb],
                acceptance_required: false,
                private_dns_name: None,
                supported_ip_address_types: vec![],
                supported_regions: vec![],
                client_token: None,
                tags: vec![],
            }),
        );
        let name = env.svc(&service).name();
        let vpc = env.vpc(A, "10.0.0.0/16");
        let s1 = env.subnet(A, &vpc, "10.0.1.0/24", "use1-az1");
        let s2 = env.subnet(A, &vpc, "10.0.2.0/24", "use1-az2");
        let gw = |subnets: &[&str]| {
            let mut c = interface(&vpc, &name, subnets);
            c.endpoint_type = Some("GatewayLoadBalancer".into());
            c
        };
        check(
            &mut env,
            A,
            cmd(gw(&[])),
            Err(("InvalidParameter", "exactly one subnet")),
        );
        check(
            &mut env,
            A,
            cmd(interface(&vpc, &name, &[&s1])),
            Err(("InvalidParameter", "endpoint type Interface")),
        );
        let mut c = gw(&[&s1]);
        c.security_group_ids = vec!["sg-0123456789abcdef0".into()];
        check(
            &mut env,
            A,
            cmd(c),
            Err(("InvalidParameter", "Security group IDs")),
        );
        let mut c = gw(&[&s1]);
        c.private_dns_enabled = Some(true);
        check(
            &mut env,
            A,
            cmd(c),
            Err(("InvalidParameter", "Private DNS")),
        );
        let id = env.id(A, cmd(gw(&[&s1])));
        let e = env.ep(&id).clone();
        assert_eq!(e.interfaces.len(), 1);
        assert!(e.groups.is_empty() && e.policy_document.is_none() && e.dns_options.is_none());
        let eni = env
            .w
            .network_interfaces
            .get(&e.interfaces[0].network_interface_id)
            .unwrap();
        assert_eq!(eni.interface_type, "gateway_load_balancer_endpoint");
        assert!(dns_entries(&env.w, &e).is_empty());
        check(
            &mut env,
            A,
            modify(&id, |m| m.add_subnet_ids = vec![s2.clone()]),
            Err(("InvalidParameter", "exactly one subnet")),
        );
        check(
            &mut env,
            A,
            modify(&id, |m| m.remove_subnet_ids = vec![s1.clone()]),
            Err(("InvalidParameter", "cannot be removed")),
        );
        // A route targets it: deletion is refused per item.
        let rtb = env.w.vpcs.get(&vpc).unwrap().main_route_table_id.clone();
        env.w
            .route_tables
            .get_mut(&rtb)
            .unwrap()
            .routes
            .push(Route {
                destination: Destination::V4("0.0.0.0/0".parse().unwrap()),
                target: Target::VpcEndpoint(id.clone()),
                origin: Origin::CreateRoute,
            });
        let (ok, failed) = bulk(env.run(A, delete(&[&id])).unwrap());
        assert!(ok.is_empty());
        assert_eq!(failed[0].code, "DependencyViolation");
        assert_eq!(env.ep(&id).state, State::Available);
        env.w.route_tables.get_mut(&rtb).unwrap().routes.pop();
        let (ok, _) = bulk(env.run(A, delete(&[&id])).unwrap());
        assert_eq!(ok, vec![id.clone()]);
        assert!(env.w.network_interfaces.values().all(|n| n.vpc_id != vpc));
    }

    #[test]
    fn delete_and_vpc_dependencies() {
        let mut env = Env::new();
        let vpc = env.vpc(A, "10.0.0.0/16");
        let s1 = env.subnet(A, &vpc, "10.0.1.0/24", "use1-az1");
        let id = env.id(A, cmd(interface(&vpc, EC2, &[&s1])));
        let g = env.id(A, cmd(gateway(&vpc, S3, &[])));
        let delete_vpc = Command::Vpc(vpc::Cmd::Delete {
            vpc_id: vpc.clone(),
        });
        let unknown = "vpce-0123456789abcdef0";
        let (ok, failed) = bulk(env.run(A, delete(&[unknown, &id, &id])).unwrap());
        assert_eq!(ok, vec![id.clone()]);
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].code, "InvalidVpcEndpointId.NotFound");
        assert!(env.w.subnets.get(&s1).unwrap().used.is_empty());
        // Another account cannot delete it.
        let (_, failed) = bulk(env.run(B, delete(&[&g])).unwrap());
        assert_eq!(failed[0].code, "InvalidVpcEndpointId.NotFound");
        env.run(A, Command::Subnet(subnet::Cmd::Delete { subnet_id: s1 }))
            .unwrap();
        check(
            &mut env,
            A,
            delete_vpc.clone(),
            Err(("DependencyViolation", &vpc)),
        );
        bulk(env.run(A, delete(&[&g])).unwrap());
        env.advance(0);
        let (_, failed) = bulk(env.run(A, delete(&[&g])).unwrap());
        assert_eq!(failed[0].code, "InvalidVpcEndpointId.NotFound");
        check(&mut env, A, delete_vpc, Ok(()));
    }

    #[test]
    fn describe_filters_and_tags() {
        let mut env = Env::new();
        let vpc = env.vpc(A, "10.0.0.0/16");
        let s1 = env.subnet(A, &vpc, "10.0.1.0/24", "use1-az1");
        let i = env.id(A, cmd(interface(&vpc, EC2, &[&s1])));
        let mut c = gateway(&vpc, S3, &[]);
        c.tags = vec![TagSpec {
            resource_type: "vpc-endpoint".into(),
            tags: vec![("Name".into(), "s3".into())],
        }];
        let g = env.id(A, cmd(c));
        let ctx = env.ctx(A);
        let ids = |f: &[Filter]| {
            describe(&env.w, &ctx, &[], f)
                .unwrap()
                .iter()
                .map(|e| e.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&[]).len(), 2);
        assert_eq!(
            ids(&[Filter::new("vpc-endpoint-type", &["Gateway"])]),
            vec![g.clone()]
        );
        assert_eq!(ids(&[Filter::new("service-name", &[EC2])]), vec![i.clone()]);
        assert_eq!(
            ids(&[Filter::new("vpc-endpoint-state", &["available"])]).len(),
            2
        );
        assert_eq!(
            ids(&[Filter::new("vpc-endpoint-type", &["Interface"])]),
            vec![i.clone()]
        );
        assert_eq!(ids(&[Filter::new("vpc-id", &[&vpc])]).len(), 2);
        assert_eq!(ids(&[Filter::new("tag:Name", &["s3"])]), vec![g.clone()]);
        assert_eq!(
            ids(&[
                Filter::new("service-region", &[EAST]),
                Filter::new("ip-address-type", &["ipv4"])
            ])
            .len(),
            2
        );
        assert!(describe(&env.w, &ctx, &[], &[Filter::new("state", &["x"])]).is_err());
        let e = describe(&env.w, &env.ctx(B), std::slice::from_ref(&i), &[]).unwrap_err();
        assert_eq!(e.code, "InvalidVpcEndpointId.NotFound");
        // Tagging goes through check_visible.
        let tag = |ids: Vec<String>| {
            Command::Tags(tags::Cmd::Create {
                resource_ids: ids,
                tags: vec![("k".into(), "v".into())],
            })
        };
        check(&mut env, A, tag(vec![i.clone()]), Ok(()));
        check(
            &mut env,
            B,
            tag(vec![i.clone()]),
            Err(("InvalidVpcEndpointId.NotFound", &i)),
        );
        let nlb = env.nlb(A, "web", &["use1-az1"]);
        let svc = env.service(A, &nlb, false);
        check(&mut env, A, tag(vec![svc.clone()]), Ok(()));
        check(
            &mut env,
            B,
            tag(vec![svc.clone()]),
            Err(("InvalidVpcEndpointServiceId.NotFound", &svc)),
        );
    }

    #[test]
    fn cross_region_consumer() {
        let Scene {
            mut env,
            service,
            name,
            ..
        } = scene(false);
        env.allow(A, &service, "*");
        const WEST: &str = "us-west-2";
        let vpc = env.id_in(
            B,
            WEST,
            Command::Vpc(vpc::Cmd::Create {
                cidr_block: "10.9.0.0/16".into(),
                amazon_ipv6: false,
                instance_tenancy: None,
                tags: vec![],
            }),
        );
        let sn = env.id_in(
            B,
            WEST,
            Command::Subnet(subnet::Cmd::Create {
                vpc_id: vpc.clone(),
                cidr_block: "10.9.1.0/24".into(),
                ipv6_cidr_block: None,
                availability_zone: None,
                availability_zone_id: Some("usw2-az1".into()),
                tags: vec![],
            }),
        );
        let mut c = interface(&vpc, &name, &[&sn]);
        c.service_region = Some(EAST.into());
        let remote = cmd(c);
        let refused = env.run_in(B, WEST, remote.clone()).unwrap_err();
        assert_eq!(refused.code, "InvalidServiceName");
        env.run(
            A,
            Command::EndpointService(SvcCmd::Modify(es::Modify {
                service_id: service.clone(),
                add_supported_regions: vec![WEST.into()],
                ..es::Modify::default()
            })),
        )
        .unwrap();
        let Output::Id(id) = env.run_in(B, WEST, remote).unwrap() else {
            panic!()
        };
        let e = env.ep(&id).clone();
        assert_eq!(
            (e.scope.region.as_str(), e.service_region.as_str()),
            (WEST, EAST)
        );
        assert_eq!(e.interfaces.len(), 1);
        let f = |v: &str| {
            describe_connections(
                &env.w,
                &env.ctx(A),
                &[Filter::new("vpc-endpoint-region", &[v])],
            )
            .unwrap()
            .len()
        };
        assert_eq!((f("cross-region"), f(WEST), f(EAST)), (1, 1, 0));
    }

    #[test]
    fn route_target_hooks() {
        let mut env = Env::new();
        let gwlb = env.load_balancer(A, LoadBalancerType::Gateway, "fw", &["use1-az1"]);
        let service = env.id(
            A,
            Command::EndpointService(SvcCmd::Create {
                network_load_balancer_arns: vec![],
                gateway_load_balancer_arns: vec![gwlb],
                acceptance_required: true,
                private_dns_name: None,
                supported_ip_address_types: vec![],
                supported_regions: vec![],
                client_token: None,
                tags: vec![],
            }),
        );
        let name = env.svc(&service).name();
        let vpc = env.vpc(A, "10.0.0.0/16");
        let other = env.vpc(A, "10.1.0.0/16");
        let s1 = env.subnet(A, &vpc, "10.0.1.0/24", "use1-az1");
        let mut c = interface(&vpc, &name, &[&s1]);
        c.endpoint_type = Some("GatewayLoadBalancer".into());
        let id = env.id(A, cmd(c));
        let g = env.id(A, cmd(gateway(&vpc, S3, &[])));
        let scope = Scope::new(A, EAST);
        assert!(route::check_endpoint_target(&env.w, &scope, &vpc, &id).is_ok());
        assert_eq!(
            route::check_endpoint_target(&env.w, &scope, &other, &id)
                .unwrap_err()
                .code,
            "InvalidParameterValue"
        );
        assert_eq!(
            route::check_endpoint_target(&env.w, &scope, &vpc, &g)
                .unwrap_err()
                .code,
            "InvalidParameter"
        );
        let b = Scope::new(B, EAST);
        assert_eq!(
            route::check_endpoint_target(&env.w, &b, &vpc, &id)
                .unwrap_err()
                .code,
            "InvalidVpcEndpointId.NotFound"
        );
        assert!(!route::endpoint_target_active(&env.w, &id));
        assert!(env.accept(A, &service, &[&id]).is_empty());
        env.advance(0);
        assert!(
            route::endpoint_target_active(&env.w, &id) && route::endpoint_target_active(&env.w, &g)
        );
    }

    #[test]
    fn route_table_deletion_hook() {
        let mut env = Env::new();
        let vpc = env.vpc(A, "10.0.0.0/16");
        let t = env.table(A, &vpc);
        let g = env.id(A, cmd(gateway(&vpc, S3, &[&t])));
        route::delete_table_unchecked(&mut env.w, &t);
        assert_eq!(env.ep(&g).live_route_tables(&env.w).count(), 0);
        on_route_table_deleted(&mut env.w, &t);
        assert!(env.ep(&g).route_table_ids.is_empty());
    }

    #[test]
    fn prefix_list_ids_are_stable() {
        assert_eq!(gateway_prefix_list_id("us-east-1", "s3"), "pl-63a5400a");
        let a = gateway_prefix_list_id("eu-west-1", "s3");
        assert_eq!(a, gateway_prefix_list_id("eu-west-1", "s3"));
        assert_ne!(a, gateway_prefix_list_id("eu-west-1", "dynamodb"));
        assert_eq!(a.len(), 11);
        assert_eq!(hosted_zone_id("mars-1").len(), 21);
    }
}
