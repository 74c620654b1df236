//! Reachability Analyzer resources (§5.1): network insights paths (`nip-…`) and analyses
//! (`nia-…`).
//!
//! A path names a source (an instance, a network interface, an interface endpoint or an
//! internet gateway, by id or ARN), a destination (the same kinds, or an address), a
//! protocol and a port. An analysis is one run of the
//! reachability engine over a path. The engine lives outside the core (it depends on it),
//! so the wire runs it against the world of the request and hands the result to
//! [`Cmd::StartAnalysis`] as data: the verdict is journaled with the command and a replay
//! reproduces it without re-deciding (deterministic even if the engine changes).
//!
//! Status rule: an analysis is computed synchronously when it starts. Its Start response
//! says `running` (what AWS answers, and what clients expect to poll on); every later read
//! says `succeeded` (the wire renders this; nothing is stored).
//!
//! Isolation: a path's source and destination must belong to the caller's account and
//! Region; the engine then sees the whole world (peered VPCs of other accounts included),
//! as AWS does within an organization. `DestinationIp` may name any address.

use crate::ids::Kind;
use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::filter::{self, Filter};
use crate::protocol::Protocol;
use crate::table::Resource;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::{endpoint, nacl, prefix_list, route, sg, Millis, Output};

// ---------------------------------------------------------------------------------------
// Paths
// ---------------------------------------------------------------------------------------

/// The protocol of a path: TCP or UDP (AWS), or ICMP (an openvpc extension; ICMPv6 for
/// IPv6 ends). Parsed case-insensitively (CLI examples pass `TCP`).
pub fn path_protocol(raw: &str) -> Result<Protocol> {
    match Protocol::parse(raw) {
        Some(p @ (Protocol::TCP | Protocol::UDP | Protocol::ICMP))
            if raw != "6" && raw != "17" && raw != "1" =>
        {
            Ok(p)
        }
        _ => Err(ApiError::invalid_value(format!(
            "Value ({raw}) for parameter protocol is invalid. Valid values: tcp | udp | icmp"
        ))),
    }
}

/// A port range of a path filter; either end may be absent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterPorts {
    pub from: Option<u16>,
    pub to: Option<u16>,
}

impl FilterPorts {
    /// `from-to` with absent ends as the full range's ends (filter values).
    pub fn text(&self) -> String {
        format!("{}-{}", self.from.unwrap_or(0), self.to.unwrap_or(65535))
    }
}

/// `FilterAtSource` / `FilterAtDestination` of a path (accepted and stored).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathFilter {
    pub source_address: Option<IpAddr>,
    pub source_ports: Option<FilterPorts>,
    pub destination_address: Option<IpAddr>,
    pub destination_ports: Option<FilterPorts>,
}

/// A path filter as the request gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterSpec {
    pub source_address: Option<String>,
    /// (FromPort, ToPort), when the range was given at all.
    pub source_ports: Option<(Option<i64>, Option<i64>)>,
    pub destination_address: Option<String>,
    pub destination_ports: Option<(Option<i64>, Option<i64>)>,
}

/// CreateNetworkInsightsPath as the request gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathSpec {
    pub source: String,
    pub destination: Option<String>,
    pub source_ip: Option<String>,
    pub destination_ip: Option<String>,
    pub protocol: String,
    pub destination_port: Option<i64>,
    pub filter_at_source: Option<FilterSpec>,
    pub filter_at_destination: Option<FilterSpec>,
}

/// A network insights path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Path {
    pub id: String,
    pub scope: Scope,
    /// The source's id (an ARN given on create is resolved to its id).
    pub source: String,
    pub source_arn: String,
    pub destination: Option<String>,
    pub destination_arn: Option<String>,
    pub source_ip: Option<IpAddr>,
    pub destination_ip: Option<IpAddr>,
    pub protocol: Protocol,
    /// Destination port (TCP/UDP) or ICMP type (ICMP).
    pub destination_port: Option<u16>,
    pub filter_at_source: Option<PathFilter>,
    pub filter_at_destination: Option<PathFilter>,
    pub created: Millis,
}

impl Resource for Path {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl Path {
    /// `arn:aws:ec2:<region>:<account>:network-insights-path/<id>`.
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:ec2:{}:{}:network-insights-path/{}",
            self.scope.region, self.scope.account, self.id
        )
    }
}

// ---------------------------------------------------------------------------------------
// Analyses and their results
// ---------------------------------------------------------------------------------------

/// A component named in a result: its id and, when known, its ARN.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    pub id: String,
    pub arn: Option<String>,
}

/// A port range of a packet header (`from`–`to`, inclusive).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortRange {
    pub from: u16,
    pub to: u16,
}

/// A packet header at one component.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PacketHeader {
    pub sources: Vec<IpAddr>,
    pub destinations: Vec<IpAddr>,
    pub source_ports: Vec<PortRange>,
    pub destination_ports: Vec<PortRange>,
    /// IANA protocol number (6, 17, 1, 58).
    pub protocol: u8,
}

/// The security group rule a component matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SgRule {
    pub group_id: String,
    pub egress: bool,
    pub rule: sg::Rule,
}

/// A route a component or explanation names, with its state when analysed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteData {
    pub route: route::Route,
    /// `active` or `blackhole`.
    pub state: String,
}

/// One component of a forward or return path (`PathComponent`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathComponentData {
    pub sequence_number: u32,
    pub component: Component,
    pub vpc: Option<Component>,
    pub subnet: Option<Component>,
    pub source_vpc: Option<Component>,
    pub destination_vpc: Option<Component>,
    pub acl_rule: Option<nacl::Entry>,
    pub security_group_rule: Option<SgRule>,
    pub route: Option<RouteData>,
    pub inbound_header: Option<PacketHeader>,
    pub outbound_header: Option<PacketHeader>,
}

/// One reason a path is not reachable (`Explanation`), with the context the engine gave.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExplanationData {
    /// AWS's explanation code (`ENI_SG_RULES_MISMATCH`, …).
    pub code: String,
    pub component: Option<Component>,
    pub vpc: Option<Component>,
    pub subnet: Option<Component>,
    pub source_vpc: Option<Component>,
    pub destination_vpc: Option<Component>,
    pub route_table: Option<Component>,
    pub route: Option<RouteData>,
    pub acl: Option<Component>,
    pub acl_rule: Option<nacl::Entry>,
    pub security_group: Option<Component>,
    pub security_groups: Vec<Component>,
    pub network_interface: Option<Component>,
    pub vpc_peering_connection: Option<Component>,
    pub internet_gateway: Option<Component>,
    pub nat_gateway: Option<Component>,
    pub vpc_endpoint: Option<Component>,
    /// `Some(true)`: egress (outbound), `Some(false)`: ingress (inbound).
    pub egress: Option<bool>,
    pub address: Option<IpAddr>,
    pub port: Option<u16>,
    pub protocols: Vec<String>,
    pub missing_component: Option<String>,
    /// Whether the blocker is on the return path.
    pub on_return_path: bool,
    /// The engine's explanation in words (not on the wire: AWS's shape has no text).
    pub message: String,
}

/// What an analysis found, computed by the engine outside the core.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalysisResult {
    pub network_path_found: bool,
    pub forward: Vec<PathComponentData>,
    pub return_path: Vec<PathComponentData>,
    pub explanations: Vec<ExplanationData>,
}

/// A network insights analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analysis {
    pub id: String,
    pub scope: Scope,
    pub path_id: String,
    pub additional_accounts: Vec<String>,
    pub filter_in_arns: Vec<String>,
    pub filter_out_arns: Vec<String>,
    pub started: Millis,
    pub result: AnalysisResult,
}

impl Resource for Analysis {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl Analysis {
    /// `arn:aws:ec2:<region>:<account>:network-insights-analysis/<id>`.
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:ec2:{}:{}:network-insights-analysis/{}",
            self.scope.region, self.scope.account, self.id
        )
    }

    /// The status every read shows (the Start response shows `running`).
    pub fn status(&self) -> &'static str {
        "succeeded"
    }
}

// ---------------------------------------------------------------------------------------
// Commands
// ---------------------------------------------------------------------------------------

/// Reachability Analyzer commands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Cmd {
    /// CreateNetworkInsightsPath. Output: the path id.
    CreatePath {
        spec: PathSpec,
        tags: Vec<TagSpec>,
        client_token: Option<String>,
    },
    /// DeleteNetworkInsightsPath. Output: the path id.
    DeletePath { id: String },
    /// StartNetworkInsightsAnalysis with the engine's result. Output: the analysis id.
    StartAnalysis {
        path_id: String,
        additional_accounts: Vec<String>,
        filter_in_arns: Vec<String>,
        filter_out_arns: Vec<String>,
        tags: Vec<TagSpec>,
        client_token: Option<String>,
        result: AnalysisResult,
    },
    /// DeleteNetworkInsightsAnalysis. Output: the analysis id.
    DeleteAnalysis { id: String },
}

impl Cmd {
    /// The command's `ClientToken`, if any.
    pub fn client_token(&self) -> Option<&str> {
        match self {
            Cmd::CreatePath { client_token, .. } | Cmd::StartAnalysis { client_token, .. } => {
                client_token.as_deref()
            }
            _ => None,
        }
    }

    /// The parameters that identify a request for idempotency: an analysis retried with
    /// the same token is the same request even if the world (hence the result) changed.
    pub fn fingerprint(&self) -> String {
        let mut c = self.clone();
        if let Cmd::StartAnalysis { result, .. } = &mut c {
            *result = AnalysisResult::default();
        }
        serde_json::to_string(&c).unwrap_or_default()
    }
}

/// The caller's path `id`.
pub fn path<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w Path> {
    w.insights_paths
        .get_in(scope, id)
        .ok_or_else(|| Kind::NetworkInsightsPath.not_found(id))
}

/// The caller's analysis `id`.
pub fn analysis<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w Analysis> {
    w.insights_analyses
        .get_in(scope, id)
        .ok_or_else(|| Kind::NetworkInsightsAnalysis.not_found(id))
}

/// Applies a Reachability Analyzer command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::CreatePath { spec, tags, .. } => create_path(w, ctx, &spec, &tags),
        Cmd::DeletePath { id } => delete_path(w, ctx, &id),
        Cmd::StartAnalysis {
            path_id,
            additional_accounts,
            filter_in_arns,
            filter_out_arns,
            tags,
            result,
            ..
        } => start_analysis(
            w,
            ctx,
            Analysis {
                id: String::new(),
                scope: ctx.scope(),
                path_id,
                additional_accounts,
                filter_in_arns,
                filter_out_arns,
                started: ctx.now,
                result,
            },
            &tags,
        ),
        Cmd::DeleteAnalysis { id } => delete_analysis(w, ctx, &id),
    }
}

#[derive(Clone, Copy)]
enum End {
    Source,
    Destination,
}

impl End {
    fn not_found(self, raw: &str) -> ApiError {
        match self {
            End::Source => ApiError::new(
                ErrorCode::NetworkInsightsSourceNotFound,
                format!("The source '{raw}' does not exist"),
            ),
            End::Destination => ApiError::new(
                ErrorCode::NetworkInsightsDestinationNotFound,
                format!("The destination '{raw}' does not exist"),
            ),
        }
    }

    fn word(self) -> &'static str {
        match self {
            End::Source => "source",
            End::Destination => "destination",
        }
    }
}

/// Resource types AWS accepts as a path end that openvpc cannot analyse yet.
const NOT_YET: &[(&str, &str)] = &[
    ("vpce-svc", "VPC endpoint service"),
    ("pcx", "VPC peering connection"),
    ("tgw", "transit gateway"),
    ("tgw-attach", "transit gateway attachment"),
    ("vgw", "virtual private gateway"),
];

/// Resolves a path end given by id or ARN to (id, ARN) in the caller's scope.
fn resolve_end(w: &World, scope: &Scope, raw: &str, end: End) -> Result<(String, String)> {
    let id = match raw.strip_prefix("arn:") {
        Some(rest) => {
            // arn:<partition>:ec2:<region>:<account>:<type>/<id>
            let parts: Vec<&str> = rest.splitn(5, ':').collect();
            let [_, service, region, account, resource] = parts[..] else {
                return Err(end.not_found(raw));
            };
            let Some((_, id)) = resource.split_once('/') else {
                return Err(end.not_found(raw));
            };
            // Another account or Region: outside the caller's view (AWS requires an
            // organization for cross-account paths, which openvpc does not model).
            if service != "ec2" || region != scope.region || account != scope.account {
                return Err(end.not_found(raw));
            }
            let expected = arn_type(prefix_of(id));
            if !resource.starts_with(&format!("{expected}/")) {
                return Err(end.not_found(raw));
            }
            id.to_string()
        }
        None => raw.to_string(),
    };
    let prefix = prefix_of(&id);
    let found = match prefix {
        "i" => w.instances.get_in(scope, &id).is_some(),
        "eni" => w.network_interfaces.get_in(scope, &id).is_some(),
        // An interface endpoint: a destination (its interfaces receive the traffic) or a
        // source (the engine then says it initiates nothing).
        "vpce" => match w.vpc_endpoints.get_in(scope, &id) {
            Some(e) if e.endpoint_type == endpoint::EndpointType::Interface => true,
            Some(_) => {
                return Err(ApiError::invalid_value(format!(
                    "openvpc can analyse paths with interface endpoints only as {}, not gateway or Gateway Load Balancer endpoints yet",
                    end.word()
                )))
            }
            None => false,
        },
        // The internet through this gateway (the analysis picks the internet address).
        "igw" => w.internet_gateways.get_in(scope, &id).is_some(),
        p => {
            if let Some((_, what)) = NOT_YET.iter().find(|(q, _)| *q == p) {
                return Err(ApiError::invalid_value(format!(
                    "openvpc cannot analyse paths with a {what} as {} yet; use an instance or a network interface",
                    end.word()
                )));
            }
            return Err(end.not_found(raw));
        }
    };
    if !found {
        return Err(end.not_found(raw));
    }
    let arn = format!(
        "arn:aws:ec2:{}:{}:{}/{id}",
        scope.region,
        scope.account,
        arn_type(prefix)
    );
    Ok((id, arn))
}

fn parse_ip(raw: &str, param: &str) -> Result<IpAddr> {
    raw.trim().parse().map_err(|_| {
        ApiError::invalid_value(format!(
            "Value ({raw}) for parameter {param} is invalid. It is not a valid IP address."
        ))
    })
}

fn parse_port(n: i64, param: &str) -> Result<u16> {
    u16::try_from(n).map_err(|_| {
        ApiError::invalid_value(format!(
            "Value ({n}) for parameter {param} is invalid. Expecting a value between 0 and 65535."
        ))
    })
}

fn parse_filter(spec: &FilterSpec, param: &str) -> Result<PathFilter> {
    let ip = |raw: &Option<String>, name: &str| -> Result<Option<IpAddr>> {
        raw.as_deref()
            .map(|r| parse_ip(r, &format!("{param}.{name}")))
            .transpose()
    };
    let ports = |raw: &Option<(Option<i64>, Option<i64>)>, name: &str| -> Result<_> {
        let Some((from, to)) = raw else {
            return Ok(None);
        };
        let from = from
            .map(|n| parse_port(n, &format!("{param}.{name}.FromPort")))
            .transpose()?;
        let to = to
            .map(|n| parse_port(n, &format!("{param}.{name}.ToPort")))
            .transpose()?;
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(ApiError::invalid_value(format!(
                    "The port range {f}-{t} of {param}.{name} is invalid: FromPort exceeds ToPort."
                )));
            }
        }
        Ok(Some(FilterPorts { from, to }))
    };
    Ok(PathFilter {
        source_address: ip(&spec.source_address, "SourceAddress")?,
        source_ports: ports(&spec.source_ports, "SourcePortRange")?,
        destination_address: ip(&spec.destination_address, "DestinationAddress")?,
        destination_ports: ports(&spec.destination_ports, "DestinationPortRange")?,
    })
}

fn create_path(w: &mut World, ctx: &Ctx, spec: &PathSpec, tag_specs: &[TagSpec]) -> Result<Output> {
    let scope = ctx.scope();
    let protocol = path_protocol(&spec.protocol)?;
    if spec.destination.is_none() && spec.destination_ip.is_none() {
        return Err(ApiError::missing("Destination or DestinationIp"));
    }
    if spec.filter_at_source.is_some()
        && (spec.source_ip.is_some() || spec.destination_port.is_some())
    {
        return Err(ApiError::invalid_combination(
            "FilterAtSource cannot be specified with SourceIp or DestinationPort.",
        ));
    }
    if spec.filter_at_destination.is_some() && spec.destination_ip.is_some() {
        return Err(ApiError::invalid_combination(
            "FilterAtDestination cannot be specified with DestinationIp.",
        ));
    }
    let source_ip = spec
        .source_ip
        .as_deref()
        .map(|r| parse_ip(r, "SourceIp"))
        .transpose()?;
    let destination_ip = spec
        .destination_ip
        .as_deref()
        .map(|r| parse_ip(r, "DestinationIp"))
        .transpose()?;
    let destination_port = spec
        .destination_port
        .map(|n| parse_port(n, "DestinationPort"))
        .transpose()?;
    let filter_at_source = spec
        .filter_at_source
        .as_ref()
        .map(|f| parse_filter(f, "FilterAtSource"))
        .transpose()?;
    let filter_at_destination = spec
        .filter_at_destination
        .as_ref()
        .map(|f| parse_filter(f, "FilterAtDestination"))
        .transpose()?;
    let (source, source_arn) = resolve_end(w, &scope, &spec.source, End::Source)?;
    let (destination, destination_arn) = match &spec.destination {
        Some(raw) => {
            let (id, arn) = resolve_end(w, &scope, raw, End::Destination)?;
            (Some(id), Some(arn))
        }
        None => (None, None),
    };
    if source.starts_with("igw-")
        && destination
            .as_deref()
            .is_some_and(|d| d.starts_with("igw-"))
    {
        return Err(ApiError::invalid_value(
            "The source and the destination cannot both be internet gateways.",
        ));
    }
    tags::check_specs(tag_specs, "network-insights-path")?;
    if let Some(limit) = w
        .config
        .quotas
        .limit(&ctx.account, quota::NETWORK_INSIGHTS_PATHS_PER_REGION)
    {
        if w.insights_paths.count_in(&scope) >= limit as usize {
            return Err(ApiError::limit(
                ErrorCode::NetworkInsightsPathLimitExceeded,
                "network insights paths",
                limit,
            ));
        }
    }
    let id = w.ids.id(Kind::NetworkInsightsPath);
    w.insights_paths.insert(Path {
        id: id.clone(),
        scope: scope.clone(),
        source,
        source_arn,
        destination,
        destination_arn,
        source_ip,
        destination_ip,
        protocol,
        destination_port,
        filter_at_source,
        filter_at_destination,
        created: ctx.now,
    });
    tags::apply_specs(w, &scope, &id, tag_specs);
    Ok(Output::Id(id))
}

fn delete_path(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    let scope = ctx.scope();
    path(w, &scope, id)?;
    if w.insights_analyses
        .in_scope(&scope)
        .any(|a| a.path_id == id)
    {
        return Err(ApiError::new(
            ErrorCode::AnalysisExistsForNetworkInsightsPath,
            format!(
                "The network insights path {id} has analyses; delete them before deleting the path."
            ),
        ));
    }
    w.insights_paths.remove(id);
    tags::forget(w, id);
    Ok(Output::Id(id.to_string()))
}

fn start_analysis(
    w: &mut World,
    ctx: &Ctx,
    mut analysis: Analysis,
    tag_specs: &[TagSpec],
) -> Result<Output> {
    let scope = ctx.scope();
    path(w, &scope, &analysis.path_id)?;
    for account in &analysis.additional_accounts {
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::invalid_value(format!(
                "Value ({account}) for parameter AdditionalAccount is invalid. Expected a 12-digit account ID."
            )));
        }
    }
    for arn in analysis
        .filter_in_arns
        .iter()
        .chain(&analysis.filter_out_arns)
    {
        if !arn.starts_with("arn:") {
            return Err(ApiError::invalid_value(format!(
                "Value ({arn}) for parameter FilterInArn/FilterOutArn is invalid. Expected an ARN."
            )));
        }
    }
    tags::check_specs(tag_specs, "network-insights-analysis")?;
    let id = w.ids.id(Kind::NetworkInsightsAnalysis);
    analysis.id = id.clone();
    w.insights_analyses.insert(analysis);
    tags::apply_specs(w, &scope, &id, tag_specs);
    Ok(Output::Id(id))
}

fn delete_analysis(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    analysis(w, &ctx.scope(), id)?;
    w.insights_analyses.remove(id);
    tags::forget(w, id);
    Ok(Output::Id(id.to_string()))
}

// ---------------------------------------------------------------------------------------
// ARNs of components
// ---------------------------------------------------------------------------------------

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
        "vgw" => "vpn-gateway",
        "eipalloc" => "elastic-ip",
        "nip" => "network-insights-path",
        "nia" => "network-insights-analysis",
        other => other, // vpc, subnet
    }
}

/// The (account, Region) that owns `id`, if the world holds it.
pub fn owner_of(w: &World, id: &str) -> Option<Scope> {
    let s = match prefix_of(id) {
        "vpc" => w.vpcs.get(id)?.scope.clone(),
        "subnet" => w.subnets.get(id)?.scope.clone(),
        "rtb" => w.route_tables.get(id)?.scope.clone(),
        "igw" => w.internet_gateways.get(id)?.scope.clone(),
        "eigw" => w.egress_only_gateways.get(id)?.scope.clone(),
        "nat" => w.nat_gateways.get(id)?.scope.clone(),
        "acl" => w.network_acls.get(id)?.scope.clone(),
        "sg" => w.security_groups.get(id)?.scope.clone(),
        "eni" => w.network_interfaces.get(id)?.scope.clone(),
        "i" => w.instances.get(id)?.scope.clone(),
        "pl" => w.prefix_lists.get(id)?.scope.clone(),
        "eipalloc" => w.addresses.get(id)?.scope.clone(),
        "vpce" => w.vpc_endpoints.get(id)?.scope.clone(),
        "vpce-svc" => w.endpoint_services.get(id)?.scope.clone(),
        "nip" => w.insights_paths.get(id)?.scope.clone(),
        "nia" => w.insights_analyses.get(id)?.scope.clone(),
        "pcx" => {
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

// ---------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------

/// Filters DescribeNetworkInsightsPaths accepts.
pub const PATH_FILTERS: &[&str] = &[
    "destination",
    "destination-ip",
    "destination-port",
    "filter-at-destination.destination-address",
    "filter-at-destination.destination-port-range",
    "filter-at-destination.source-address",
    "filter-at-destination.source-port-range",
    "filter-at-source.destination-address",
    "filter-at-source.destination-port-range",
    "filter-at-source.source-address",
    "filter-at-source.source-port-range",
    "protocol",
    "source",
    "source-ip",
];

fn path_filter_field(f: &Option<PathFilter>, name: &str) -> Vec<String> {
    let Some(f) = f else { return Vec::new() };
    match name {
        "source-address" => filter::opt(f.source_address.map(|a| a.to_string())),
        "destination-address" => filter::opt(f.destination_address.map(|a| a.to_string())),
        "source-port-range" => ports_field(f.source_ports),
        "destination-port-range" => ports_field(f.destination_ports),
        _ => Vec::new(),
    }
}

/// A port range as filter values: `from-to`, and the single port when from = to.
fn ports_field(p: Option<FilterPorts>) -> Vec<String> {
    let Some(p) = p else { return Vec::new() };
    let mut v = vec![p.text()];
    if let (Some(f), Some(t)) = (p.from, p.to) {
        if f == t {
            v.push(f.to_string());
        }
    }
    v
}

fn path_field(p: &Path, name: &str) -> Vec<String> {
    if let Some(rest) = name.strip_prefix("filter-at-source.") {
        return path_filter_field(&p.filter_at_source, rest);
    }
    if let Some(rest) = name.strip_prefix("filter-at-destination.") {
        return path_filter_field(&p.filter_at_destination, rest);
    }
    match name {
        "destination" => {
            let mut v = filter::opt(p.destination.clone());
            v.extend(p.destination_arn.clone());
            v
        }
        "destination-ip" => filter::opt(p.destination_ip.map(|a| a.to_string())),
        "destination-port" => filter::opt(p.destination_port.map(|n| n.to_string())),
        "protocol" => filter::s(p.protocol.name()),
        "source" => vec![p.source.clone(), p.source_arn.clone()],
        "source-ip" => filter::opt(p.source_ip.map(|a| a.to_string())),
        _ => Vec::new(),
    }
}

/// DescribeNetworkInsightsPaths: explicit ids must all be the caller's; then filters; id
/// order.
pub fn describe_paths<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w Path>> {
    filter::check_names(filters, PATH_FILTERS)?;
    let scope = ctx.scope();
    let candidates = w
        .insights_paths
        .pick(&scope, ids, |id| path(w, &scope, id))?;
    Ok(candidates
        .into_iter()
        .filter(|p| filter::matches(filters, tags::of(w, &scope, &p.id), |n| path_field(p, n)))
        .collect())
}

/// Filters DescribeNetworkInsightsAnalyses accepts.
pub const ANALYSIS_FILTERS: &[&str] = &["path-found", "status"];

/// The selection of DescribeNetworkInsightsAnalyses besides ids and filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnalysisQuery {
    pub path_id: Option<String>,
    /// Analyses started at or after this instant.
    pub start_time: Option<Millis>,
    /// Analyses started at or before this instant.
    pub end_time: Option<Millis>,
}

/// DescribeNetworkInsightsAnalyses: explicit ids must all be the caller's; a named path
/// must be the caller's; then the time window and filters; id order.
pub fn describe_analyses<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    query: &AnalysisQuery,
    filters: &[Filter],
) -> Result<Vec<&'w Analysis>> {
    filter::check_names(filters, ANALYSIS_FILTERS)?;
    let scope = ctx.scope();
    if let Some(p) = &query.path_id {
        path(w, &scope, p)?;
    }
    let candidates = w
        .insights_analyses
        .pick(&scope, ids, |id| analysis(w, &scope, id))?;
    Ok(candidates
        .into_iter()
        .filter(|a| query.path_id.as_ref().is_none_or(|p| &a.path_id == p))
        .filter(|a| query.start_time.is_none_or(|t| a.started >= t))
        .filter(|a| query.end_time.is_none_or(|t| a.started <= t))
        .filter(|a| {
            filter::matches(filters, tags::of(w, &scope, &a.id), |n| match n {
                "path-found" => filter::b(a.result.network_path_found),
                "status" => filter::s(a.status()),
                _ => Vec::new(),
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::eni::{self, InterfaceSpec, Launch};
    use crate::Command;

    const A: &str = "111111111111";
    const B: &str = "222222222222";

    fn world(quotas: &[&str]) -> World {
        let mut config = Config::default();
        for q in quotas {
            config.quotas.set_from_arg(q).unwrap();
        }
        let mut w = World::new(config, 1);
        for acct in [A, B] {
            w.apply(&ctx(acct), Command::InitScope).unwrap();
        }
        w
    }

    fn ctx(account: &str) -> Ctx {
        Ctx::new(account, "us-east-1", 1_000)
    }

    /// Applies `cmd`; with `expect = Some(code)` asserts that error and an unchanged world.
    fn check(w: &mut World, ctx: &Ctx, cmd: Cmd, expect: Option<&str>) -> Option<Output> {
        let before = format!("{w:?}");
        let got = w.apply(ctx, Command::Insights(cmd.clone()));
        match (got, expect) {
            (Ok(out), None) => Some(out),
            (Err(e), Some(code)) => {
                assert_eq!(e.code, code, "{cmd:?}: {}", e.message);
                assert_eq!(before, format!("{w:?}"), "{cmd:?} mutated");
                None
            }
            (got, expect) => panic!("{cmd:?}: got {got:?}, expected {expect:?}"),
        }
    }

    fn id(out: Option<Output>) -> String {
        match out {
            Some(Output::Id(id)) => id,
            other => panic!("expected an id, got {other:?}"),
        }
    }

    fn default_subnet(w: &World, account: &str) -> String {
        w.subnets
            .in_scope(&Scope::new(account, "us-east-1"))
            .next()
            .expect("default subnet")
            .id
            .clone()
    }

    fn eni(w: &mut World, account: &str) -> String {
        let subnet = default_subnet(w, account);
        let cmd = eni::Cmd::CreateInterface {
            spec: InterfaceSpec {
                subnet_id: Some(subnet),
                ..InterfaceSpec::default()
            },
            interface_type: None,
            client_token: None,
            tags: vec![],
        };
        match w.apply(&ctx(account), Command::Eni(cmd)).unwrap() {
            Output::Id(id) => id,
            other => panic!("{other:?}"),
        }
    }

    fn instance(w: &mut World, account: &str) -> String {
        let launch = Launch {
            image_id: "ami-12345678".into(),
            min_count: 1,
            max_count: 1,
            ..Launch::default()
        };
        match w
            .apply(
                &ctx(account),
                Command::Eni(eni::Cmd::RunInstances(Box::new(launch))),
            )
            .unwrap()
        {
            Output::Ids(ids) => ids[1].clone(),
            other => panic!("{other:?}"),
        }
    }

    fn spec(source: &str, destination: &str) -> PathSpec {
        PathSpec {
            source: source.into(),
            destination: Some(destination.into()),
            protocol: "tcp".into(),
            ..PathSpec::default()
        }
    }

    fn create(spec: PathSpec) -> Cmd {
        Cmd::CreatePath {
            spec,
            tags: vec![],
            client_token: None,
        }
    }

    fn start(path_id: &str, found: bool) -> Cmd {
        Cmd::StartAnalysis {
            path_id: path_id.into(),
            additional_accounts: vec![],
            filter_in_arns: vec![],
            filter_out_arns: vec![],
            tags: vec![],
            client_token: None,
            result: AnalysisResult {
                network_path_found: found,
                ..AnalysisResult::default()
            },
        }
    }

    #[test]
    fn paths_resolve_ids_and_arns_of_the_callers_resources() {
        let mut w = world(&[]);
        let (x, i) = (eni(&mut w, A), instance(&mut w, A));
        let other = eni(&mut w, B);
        let a = ctx(A);
        let arn = |t: &str, id: &str| format!("arn:aws:ec2:us-east-1:{A}:{t}/{id}");
        let ok = |w: &mut World, s: PathSpec| id(check(w, &a, create(s), None));

        let p = ok(&mut w, spec(&x, &i));
        let path = w.insights_paths.get(&p).unwrap();
        assert!(p.starts_with("nip-") && p.len() == 21);
        assert_eq!(path.source_arn, arn("network-interface", &x));
        assert_eq!(
            path.destination_arn.as_deref(),
            Some(arn("instance", &i).as_str())
        );
        assert_eq!(path.arn(), arn("network-insights-path", &p));
        assert_eq!(path.created, 1_000);

        // An ARN is resolved to its id; the protocol is case-insensitive.
        let s = PathSpec {
            protocol: "TCP".into(),
            ..spec(&arn("instance", &i), &arn("network-interface", &x))
        };
        let p = ok(&mut w, s);
        let path = w.insights_paths.get(&p).unwrap();
        assert_eq!(
            (path.source.as_str(), path.protocol),
            (i.as_str(), Protocol::TCP)
        );

        // A destination address alone, IPv6 and ICMP included (openvpc extensions).
        for (ip, proto) in [("10.9.9.9", "udp"), ("2600:1f18::1", "icmp")] {
            let s = PathSpec {
                destination: None,
                destination_ip: Some(ip.into()),
                protocol: proto.into(),
                ..spec(&x, "")
            };
            let p = ok(&mut w, s);
            assert_eq!(
                w.insights_paths.get(&p).unwrap().destination_ip,
                Some(ip.parse().unwrap())
            );
        }

        let bad: &[(PathSpec, &str)] = &[
            (
                spec("eni-0123456789abcdef0", &x),
                "NetworkInsightsSource.NotFound",
            ),
            (spec(&other, &x), "NetworkInsightsSource.NotFound"),
            (spec(&x, &other), "NetworkInsightsDestination.NotFound"),
            (
                spec(&x, "i-0123456789abcdef0"),
                "NetworkInsightsDestination.NotFound",
            ),
            (spec("bogus", &x), "NetworkInsightsSource.NotFound"),
            (
                spec(
                    &format!("arn:aws:ec2:us-east-1:{B}:network-interface/{other}"),
                    &x,
                ),
                "NetworkInsightsSource.NotFound",
            ),
            (
                spec(
                    &format!("arn:aws:ec2:us-west-2:{A}:network-interface/{x}"),
                    &i,
                ),
                "NetworkInsightsSource.NotFound",
            ),
            (
                spec(&arn("instance", &x), &i),
                "NetworkInsightsSource.NotFound",
            ),
            (
                spec("igw-0123456789abcdef0", &x),
                "NetworkInsightsSource.NotFound",
            ),
            (
                spec(&x, "igw-0123456789abcdef0"),
                "NetworkInsightsDestination.NotFound",
            ),
            (
                spec(&x, "vpce-0123456789abcdef0"),
                "NetworkInsightsDestination.NotFound",
            ),
            (
                spec("vpce-0123456789abcdef0", &x),
                "NetworkInsightsSource.NotFound",
            ),
            (spec("pcx-0123456789abcdef0", &x), "InvalidParameterValue"),
            (
                PathSpec {
                    protocol: "sctp".into(),
                    ..spec(&x, &i)
                },
                "InvalidParameterValue",
            ),
            (
                PathSpec {
                    destination: None,
                    ..spec(&x, &i)
                },
                "MissingParameter",
            ),
            (
                PathSpec {
                    destination_port: Some(65536),
                    ..spec(&x, &i)
                },
                "InvalidParameterValue",
            ),
            (
                PathSpec {
                    source_ip: Some("10.0.0.256".into()),
                    ..spec(&x, &i)
                },
                "InvalidParameterValue",
            ),
            (
                PathSpec {
                    destination_port: Some(22),
                    filter_at_source: Some(FilterSpec::default()),
                    ..spec(&x, &i)
                },
                "InvalidParameterCombination",
            ),
            (
                PathSpec {
                    destination_ip: Some("10.0.0.1".into()),
                    filter_at_destination: Some(FilterSpec::default()),
                    ..spec(&x, &i)
                },
                "InvalidParameterCombination",
            ),
            (
                PathSpec {
                    filter_at_source: Some(FilterSpec {
                        source_ports: Some((Some(90), Some(80))),
                        ..FilterSpec::default()
                    }),
                    ..spec(&x, &i)
                },
                "InvalidParameterValue",
            ),
        ];
        for (s, code) in bad {
            check(&mut w, &a, create(s.clone()), Some(code));
        }
        let tagged = Cmd::CreatePath {
            spec: spec(&x, &i),
            tags: vec![TagSpec {
                resource_type: "vpc".into(),
                tags: vec![],
            }],
            client_token: None,
        };
        check(&mut w, &a, tagged, Some("InvalidParameterValue"));
    }

    fn igw(w: &mut World, account: &str) -> String {
        let cmd = crate::gateway::Cmd::CreateInternetGateway { tags: vec![] };
        match w.apply(&ctx(account), Command::Gateway(cmd)).unwrap() {
            Output::Id(id) => id,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn internet_gateways_and_endpoints_are_path_ends() {
        let mut w = world(&[]);
        let (x, mine, theirs) = (eni(&mut w, A), igw(&mut w, A), igw(&mut w, B));
        let vpc = w.network_interfaces.get(&x).unwrap().vpc_id.clone();
        let a = ctx(A);
        let arn = |t: &str, id: &str| format!("arn:aws:ec2:us-east-1:{A}:{t}/{id}");
        let subnet = default_subnet(&w, A);
        let mut ep = |kind: Option<&str>, service: &str| {
            let c = endpoint::Create {
                endpoint_type: kind.map(str::to_string),
                vpc_id: vpc.clone(),
                service_name: Some(service.into()),
                subnet_ids: kind.map(|_| subnet.clone()).into_iter().collect(),
                ..endpoint::Create::default()
            };
            match w
                .apply(&a, Command::Endpoint(endpoint::Cmd::Create(Box::new(c))))
                .unwrap()
            {
                Output::Id(id) => id,
                other => panic!("{other:?}"),
            }
        };
        let vi = &ep(Some("Interface"), "com.amazonaws.us-east-1.ec2");
        let vg = &ep(None, "com.amazonaws.us-east-1.s3");

        // By id and by ARN, either end; the ARN kinds are AWS's.
        for (s, d, sa, da) in [
            (
                mine.clone(),
                x.clone(),
                arn("internet-gateway", &mine),
                arn("network-interface", &x),
            ),
            (
                arn("internet-gateway", &mine),
                x.clone(),
                arn("internet-gateway", &mine),
                arn("network-interface", &x),
            ),
            (
                x.clone(),
                arn("internet-gateway", &mine),
                arn("network-interface", &x),
                arn("internet-gateway", &mine),
            ),
            (
                vi.to_string(),
                x.clone(),
                arn("vpc-endpoint", vi),
                arn("network-interface", &x),
            ),
            (
                arn("vpc-endpoint", vi),
                mine.clone(),
                arn("vpc-endpoint", vi),
                arn("internet-gateway", &mine),
            ),
            (
                x.clone(),
                arn("vpc-endpoint", vi),
                arn("network-interface", &x),
                arn("vpc-endpoint", vi),
            ),
        ] {
            let p = id(check(&mut w, &a, create(spec(&s, &d)), None));
            let p = w.insights_paths.get(&p).unwrap();
            assert_eq!(
                (p.source_arn.as_str(), p.destination_arn.as_deref()),
                (sa.as_str(), Some(da.as_str()))
            );
            assert!(
                !p.source.starts_with("arn:")
                    && !p.destination.as_ref().unwrap().starts_with("arn:")
            );
        }
        let bad: &[(PathSpec, &str)] = &[
            (spec(&theirs, &x), "NetworkInsightsSource.NotFound"),
            (spec(&x, &theirs), "NetworkInsightsDestination.NotFound"),
            (
                spec(
                    &format!("arn:aws:ec2:us-east-1:{B}:internet-gateway/{theirs}"),
                    &x,
                ),
                "NetworkInsightsSource.NotFound",
            ),
            (
                spec(&arn("vpc-endpoint", &mine), &x),
                "NetworkInsightsSource.NotFound",
            ),
            (
                spec(&x, &arn("internet-gateway", vi)),
                "NetworkInsightsDestination.NotFound",
            ),
            (spec(vg, &x), "InvalidParameterValue"),
            (spec(&x, vg), "InvalidParameterValue"),
            (spec(&mine, &mine), "InvalidParameterValue"),
        ];
        for (s, code) in bad {
            check(&mut w, &a, create(s.clone()), Some(code));
        }
    }

    #[test]
    fn filters_are_stored_and_describable() {
        let mut w = world(&[]);
        let (x, i) = (eni(&mut w, A), instance(&mut w, A));
        let a = ctx(A);
        let s = PathSpec {
            filter_at_source: Some(FilterSpec {
                source_address: Some("10.0.0.5".into()),
                destination_ports: Some((Some(443), Some(443))),
                ..FilterSpec::default()
            }),
            ..spec(&x, &i)
        };
        let p1 = id(check(&mut w, &a, create(s), None));
        let p2 = id(check(
            &mut w,
            &a,
            create(PathSpec {
                destination_port: Some(22),
                protocol: "udp".into(),
                ..spec(&i, &x)
            }),
            None,
        ));
        let f = w.insights_paths.get(&p1).unwrap().filter_at_source.clone();
        assert_eq!(f.unwrap().destination_ports.unwrap().text(), "443-443");
        let found = |filters: &[Filter]| -> Vec<String> {
            describe_paths(&w, &a, &[], filters)
                .unwrap()
                .iter()
                .map(|p| p.id.clone())
                .collect()
        };
        assert_eq!(found(&[]).len(), 2);
        assert_eq!(found(&[Filter::new("protocol", &["udp"])]), [p2.as_str()]);
        assert_eq!(found(&[Filter::new("source", &[&x])]), [p1.as_str()]);
        assert_eq!(found(&[Filter::new("destination", &[&x])]), [p2.as_str()]);
        assert_eq!(
            found(&[Filter::new("destination-port", &["22"])]),
            [p2.as_str()]
        );
        assert_eq!(
            found(&[Filter::new(
                "filter-at-source.destination-port-range",
                &["443"]
            )]),
            [p1.as_str()]
        );
        assert_eq!(
            found(&[Filter::new(
                "filter-at-source.source-address",
                &["10.0.0.*"]
            )]),
            [p1.as_str()]
        );
        assert!(describe_paths(&w, &a, &[], &[Filter::new("bogus", &["x"])]).is_err());
        let e = describe_paths(&w, &a, &["nip-0123456789abcdef0".into()], &[]).unwrap_err();
        assert_eq!(e.code, "InvalidNetworkInsightsPathId.NotFound");
        // Another account sees none of them.
        assert!(describe_paths(&w, &ctx(B), &[], &[]).unwrap().is_empty());
        let e = describe_paths(&w, &ctx(B), &[p1], &[]).unwrap_err();
        assert_eq!(e.code, "InvalidNetworkInsightsPathId.NotFound");
    }

    #[test]
    fn path_and_analysis_lifecycle() {
        let mut w = world(&[]);
        let (x, i) = (eni(&mut w, A), instance(&mut w, A));
        let (a, b) = (ctx(A), ctx(B));
        let p = id(check(&mut w, &a, create(spec(&x, &i)), None));
        check(
            &mut w,
            &b,
            start(&p, true),
            Some("InvalidNetworkInsightsPathId.NotFound"),
        );
        let n1 = id(check(&mut w, &a, start(&p, true), None));
        let n2 = id(check(
            &mut w,
            &Ctx::new(A, "us-east-1", 5_000),
            start(&p, false),
            None,
        ));
        let an = w.insights_analyses.get(&n1).unwrap();
        assert!(n1.starts_with("nia-") && n1.len() == 21);
        assert_eq!((an.started, an.status()), (1_000, "succeeded"));
        assert_eq!(
            an.arn(),
            format!("arn:aws:ec2:us-east-1:{A}:network-insights-analysis/{n1}")
        );

        let found = |w: &World, q: AnalysisQuery, filters: &[Filter]| -> Vec<String> {
            describe_analyses(w, &a, &[], &q, filters)
                .unwrap()
                .iter()
                .map(|a| a.id.clone())
                .collect()
        };
        let mut both = vec![n1.clone(), n2.clone()];
        both.sort();
        assert_eq!(found(&w, AnalysisQuery::default(), &[]), both);
        let from = |t| AnalysisQuery {
            start_time: Some(t),
            ..AnalysisQuery::default()
        };
        assert_eq!(found(&w, from(2_000), &[]), [n2.as_str()]);
        let until = AnalysisQuery {
            end_time: Some(2_000),
            path_id: Some(p.clone()),
            ..AnalysisQuery::default()
        };
        assert_eq!(found(&w, until, &[]), [n1.as_str()]);
        let not_found = [Filter::new("path-found", &["false"])];
        assert_eq!(
            found(&w, AnalysisQuery::default(), &not_found),
            [n2.as_str()]
        );
        let status = [Filter::new("status", &["succeeded"])];
        assert_eq!(found(&w, AnalysisQuery::default(), &status).len(), 2);
        let missing_path = AnalysisQuery {
            path_id: Some("nip-0123456789abcdef0".into()),
            ..AnalysisQuery::default()
        };
        let e = describe_analyses(&w, &a, &[], &missing_path, &[]).unwrap_err();
        assert_eq!(e.code, "InvalidNetworkInsightsPathId.NotFound");
        let e = describe_analyses(
            &w,
            &b,
            std::slice::from_ref(&n1),
            &AnalysisQuery::default(),
            &[],
        )
        .unwrap_err();
        assert_eq!(e.code, "InvalidNetworkInsightsAnalysisId.NotFound");

        // A path with analyses cannot go; the analyses can, then the path.
        check(
            &mut w,
            &a,
            Cmd::DeletePath { id: p.clone() },
            Some("AnalysisExistsForNetworkInsightsPath"),
        );
        check(
            &mut w,
            &b,
            Cmd::DeleteAnalysis { id: n1.clone() },
            Some("InvalidNetworkInsightsAnalysisId.NotFound"),
        );
        for n in [&n1, &n2] {
            let out = check(&mut w, &a, Cmd::DeleteAnalysis { id: n.clone() }, None);
            assert_eq!(id(out), *n);
        }
        check(
            &mut w,
            &a,
            Cmd::DeleteAnalysis { id: n1 },
            Some("InvalidNetworkInsightsAnalysisId.NotFound"),
        );
        check(
            &mut w,
            &b,
            Cmd::DeletePath { id: p.clone() },
            Some("InvalidNetworkInsightsPathId.NotFound"),
        );
        assert_eq!(
            id(check(&mut w, &a, Cmd::DeletePath { id: p.clone() }, None)),
            p
        );
        check(
            &mut w,
            &a,
            Cmd::DeletePath { id: p },
            Some("InvalidNetworkInsightsPathId.NotFound"),
        );
    }

    #[test]
    fn analysis_parameters_are_validated() {
        let mut w = world(&[]);
        let (x, i) = (eni(&mut w, A), instance(&mut w, A));
        let a = ctx(A);
        let p = id(check(&mut w, &a, create(spec(&x, &i)), None));
        let with = |f: &dyn Fn(&mut Cmd)| {
            let mut c = start(&p, true);
            f(&mut c);
            c
        };
        let cases: Vec<Cmd> = vec![
            with(&|c| {
                if let Cmd::StartAnalysis {
                    additional_accounts,
                    ..
                } = c
                {
                    additional_accounts.push("12345".into());
                }
            }),
            with(&|c| {
                if let Cmd::StartAnalysis { filter_in_arns, .. } = c {
                    filter_in_arns.push("sg-0123".into());
                }
            }),
            with(&|c| {
                if let Cmd::StartAnalysis { tags, .. } = c {
                    tags.push(TagSpec {
                        resource_type: "network-insights-path".into(),
                        tags: vec![],
                    });
                }
            }),
        ];
        for c in cases {
            check(&mut w, &a, c, Some("InvalidParameterValue"));
        }
        let ok = with(&|c| {
            if let Cmd::StartAnalysis {
                additional_accounts,
                filter_out_arns,
                tags,
                ..
            } = c
            {
                additional_accounts.push(B.into());
                filter_out_arns.push(format!("arn:aws:ec2:us-east-1:{A}:security-group/sg-1"));
                tags.push(TagSpec {
                    resource_type: "network-insights-analysis".into(),
                    tags: vec![("Name".into(), "n".into())],
                });
            }
        });
        let n = id(check(&mut w, &a, ok, None));
        assert_eq!(tags::of(&w, &a.scope(), &n).get("Name").unwrap(), "n");
        assert_eq!(
            w.insights_analyses.get(&n).unwrap().additional_accounts,
            [B]
        );
    }

    #[test]
    fn client_tokens_make_creates_and_starts_idempotent() {
        let mut w = world(&[]);
        let (x, i) = (eni(&mut w, A), instance(&mut w, A));
        let a = ctx(A);
        let tokened = |s: PathSpec| Cmd::CreatePath {
            spec: s,
            tags: vec![],
            client_token: Some("tok-1".into()),
        };
        let p = id(check(&mut w, &a, tokened(spec(&x, &i)), None));
        assert_eq!(id(check(&mut w, &a, tokened(spec(&x, &i)), None)), p);
        assert_eq!(w.insights_paths.len(), 1);
        check(
            &mut w,
            &a,
            tokened(spec(&i, &x)),
            Some("IdempotentParameterMismatch"),
        );

        // A retried Start is the same request even when the world (the result) changed.
        let started = |found: bool| {
            let mut c = start(&p, found);
            if let Cmd::StartAnalysis { client_token, .. } = &mut c {
                *client_token = Some("tok-2".into());
            }
            c
        };
        let n = id(check(&mut w, &a, started(true), None));
        assert_eq!(id(check(&mut w, &a, started(false), None)), n);
        assert_eq!(w.insights_analyses.len(), 1);
        assert!(
            w.insights_analyses
                .get(&n)
                .unwrap()
                .result
                .network_path_found
        );
    }

    #[test]
    fn path_quota_only_when_configured() {
        let mut w = world(&["network-insights-paths-per-region=1"]);
        let (x, i) = (eni(&mut w, A), instance(&mut w, A));
        let a = ctx(A);
        check(&mut w, &a, create(spec(&x, &i)), None);
        check(
            &mut w,
            &a,
            create(spec(&i, &x)),
            Some("NetworkInsightsPath.LimitExceeded"),
        );
        let mut w = world(&[]);
        let (x, i) = (eni(&mut w, A), instance(&mut w, A));
        for _ in 0..3 {
            check(&mut w, &a, create(spec(&x, &i)), None);
        }
    }

    #[test]
    fn tags_and_visibility_of_paths_and_analyses() {
        let mut w = world(&[]);
        let (x, i) = (eni(&mut w, A), instance(&mut w, A));
        let a = ctx(A);
        let p = id(check(&mut w, &a, create(spec(&x, &i)), None));
        let n = id(check(&mut w, &a, start(&p, true), None));
        assert!(w.check_visible(&a.scope(), &p).is_ok());
        assert!(w.check_visible(&a.scope(), &n).is_ok());
        let e = w.check_visible(&ctx(B).scope(), &n).unwrap_err();
        assert_eq!(e.code, "InvalidNetworkInsightsAnalysisId.NotFound");
        assert_eq!(tags::resource_type_of(&p), "network-insights-path");
        check(&mut w, &a, Cmd::DeleteAnalysis { id: n.clone() }, None);
        assert!(w.check_visible(&a.scope(), &n).is_err());
    }

    #[test]
    fn components_carry_arns_in_aws_formats() {
        let mut w = world(&[]);
        let x = eni(&mut w, B);
        let fallback = Scope::new(A, "us-east-1");
        let arn = |id: &str| component(&w, id, &fallback).arn;
        // The owner comes from the world (another account's interface keeps its owner).
        assert_eq!(
            arn(&x).unwrap(),
            format!("arn:aws:ec2:us-east-1:{B}:network-interface/{x}")
        );
        let cases = [
            (
                "rtb-1",
                Some(format!("arn:aws:ec2:us-east-1:{A}:route-table/rtb-1")),
            ),
            (
                "nat-1",
                Some(format!("arn:aws:ec2:us-east-1:{A}:natgateway/nat-1")),
            ),
            (
                "pcx-1",
                Some(format!(
                    "arn:aws:ec2:us-east-1:{A}:vpc-peering-connection/pcx-1"
                )),
            ),
            (
                "acl-1",
                Some(format!("arn:aws:ec2:us-east-1:{A}:network-acl/acl-1")),
            ),
            (
                "vpc-1",
                Some(format!("arn:aws:ec2:us-east-1:{A}:vpc/vpc-1")),
            ),
            (
                "pl-63a5400a",
                Some("arn:aws:ec2:us-east-1:aws:prefix-list/pl-63a5400a".to_string()),
            ),
            ("internet", None),
        ];
        for (id, want) in cases {
            assert_eq!(arn(id), want, "{id}");
        }
    }
}
