//! Network insights paths: CreateNetworkInsightsPath (its ends by id or ARN, the caller's
//! own; protocol, port, addresses and filters) and DeleteNetworkInsightsPath.

use std::net::IpAddr;

use super::arns::{arn_type, prefix_of};
use super::model::{FilterPorts, FilterSpec, Path, PathFilter, PathSpec};
use crate::config::quota;
use crate::endpoint;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::protocol::Protocol;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::{Millis, Output};

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

/// The caller's path `id`.
pub fn path<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w Path> {
    w.insights_paths
        .get_in(scope, id)
        .ok_or_else(|| Kind::NetworkInsightsPath.not_found(id))
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
    ("tgw", "transit gateway"),
    ("tgw-attach", "transit gateway attachment"),
];

/// Resolves a path end given by id or ARN to (id, ARN) in the caller's scope.
fn resolve_end(
    w: &World,
    scope: &Scope,
    raw: &str,
    end: End,
    now: Millis,
) -> Result<(String, String)> {
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
        // Traffic entering (source) or leaving (destination) a VPC through the connection
        // or gateway; the analysis picks the address beyond it unless the path names one.
        "pcx" => w.peerings.visible(scope, &id, now).is_some(),
        "vgw" => w.vpn_gateways.get_in(scope, &id).is_some(),
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

/// CreateNetworkInsightsPath: parameters, then the ends, then tags and the quota.
pub(super) fn create_path(
    w: &mut World,
    ctx: &Ctx,
    spec: &PathSpec,
    tag_specs: &[TagSpec],
) -> Result<Output> {
    let scope = ctx.scope();
    let mut path = parse_spec(spec, ctx)?;
    resolve_ends(w, &mut path, spec)?;
    tags::check_specs(tag_specs, "network-insights-path")?;
    if let Some(limit) = w
        .config
        .quotas
        .limit(ctx.account(), quota::NETWORK_INSIGHTS_PATHS_PER_REGION)
    {
        if w.insights_paths.count_in(scope) >= limit as usize {
            return Err(ApiError::limit(
                ErrorCode::NetworkInsightsPathLimitExceeded,
                "network insights paths",
                limit,
            ));
        }
    }
    let id = w.ids.id(Kind::NetworkInsightsPath);
    path.id = id.clone();
    w.insights_paths.insert(path);
    tags::apply_specs(w, scope, &id, tag_specs);
    Ok(Output::Id(id))
}

/// A path from the request's parameters alone (no id yet, ends as given): the protocol,
/// a destination, compatible filters, valid addresses and ports.
fn parse_spec(spec: &PathSpec, ctx: &Ctx) -> Result<Path> {
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
    let ip =
        |raw: &Option<String>, param: &str| raw.as_deref().map(|r| parse_ip(r, param)).transpose();
    let filter = |f: &Option<FilterSpec>, param: &str| {
        f.as_ref().map(|f| parse_filter(f, param)).transpose()
    };
    let source_ip = ip(&spec.source_ip, "SourceIp")?;
    let destination_ip = ip(&spec.destination_ip, "DestinationIp")?;
    let destination_port = spec
        .destination_port
        .map(|n| parse_port(n, "DestinationPort"))
        .transpose()?;
    Ok(Path {
        id: String::new(),
        scope: ctx.scope().clone(),
        source: spec.source.clone(),
        source_arn: String::new(),
        destination: None,
        destination_arn: None,
        source_ip,
        destination_ip,
        protocol,
        destination_port,
        filter_at_source: filter(&spec.filter_at_source, "FilterAtSource")?,
        filter_at_destination: filter(&spec.filter_at_destination, "FilterAtDestination")?,
        created: ctx.now,
    })
}

/// Resolves the path's ends to ids and ARNs; two internet gateways make no path.
fn resolve_ends(w: &World, path: &mut Path, spec: &PathSpec) -> Result<()> {
    let (source, source_arn) =
        resolve_end(w, &path.scope, &spec.source, End::Source, path.created)?;
    if let Some(raw) = &spec.destination {
        let (id, arn) = resolve_end(w, &path.scope, raw, End::Destination, path.created)?;
        path.destination = Some(id);
        path.destination_arn = Some(arn);
    }
    if Kind::InternetGateway.names(&source)
        && path
            .destination
            .as_deref()
            .is_some_and(|d| Kind::InternetGateway.names(d))
    {
        return Err(ApiError::invalid_value(
            "The source and the destination cannot both be internet gateways.",
        ));
    }
    path.source = source;
    path.source_arn = source_arn;
    Ok(())
}

/// DeleteNetworkInsightsPath: only once its analyses are gone.
pub(super) fn delete_path(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    let scope = ctx.scope();
    path(w, scope, id)?;
    if w.insights_analyses.in_scope(scope).any(|a| a.path_id == id) {
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
