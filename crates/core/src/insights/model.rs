//! Reachability Analyzer resources as data: paths (with their filters), analyses (with the
//! result the engine computed: components, headers, explanations), and the commands.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::protocol::Protocol;
use crate::table::Resource;
use crate::tags::TagSpec;
use crate::world::Scope;
use crate::Millis;

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
    pub rule: crate::sg::Rule,
}

/// A route a component or explanation names, with its state when analysed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteData {
    pub route: crate::route::Route,
    /// `active` or `blackhole`.
    pub state: String,
}

/// A load balancer target an explanation names (`AnalysisLoadBalancerTarget`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoadBalancerTarget {
    pub address: Option<IpAddr>,
    pub availability_zone: Option<String>,
    pub availability_zone_id: Option<String>,
    /// The instance, for an `instance` target.
    pub instance: Option<Component>,
    pub port: Option<u16>,
}

/// One component of a forward or return path (`PathComponent`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PathComponentData {
    pub sequence_number: u32,
    pub component: Component,
    pub vpc: Option<Component>,
    pub subnet: Option<Component>,
    pub source_vpc: Option<Component>,
    pub destination_vpc: Option<Component>,
    pub acl_rule: Option<crate::nacl::Entry>,
    pub security_group_rule: Option<SgRule>,
    pub route: Option<RouteData>,
    pub inbound_header: Option<PacketHeader>,
    pub outbound_header: Option<PacketHeader>,
    /// A load balancer's listener that took the flow (`elasticLoadBalancerListener`).
    pub elastic_load_balancer_listener: Option<Component>,
    /// What the component applied beyond the members above (`explanationSet`): for a load
    /// balancer, its listener port, target group, target and target port.
    pub explanations: Vec<ExplanationData>,
    /// A transit-gateway route table's gateway (`transitGateway`).
    pub transit_gateway: Option<Component>,
    /// The transit-gateway route taken (`transitGatewayRouteTableRoute`).
    pub transit_gateway_route: Option<TgwRouteData>,
}

/// A transit-gateway route as a path component shows it
/// (`TransitGatewayRouteTableRoute`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TgwRouteData {
    pub destination_cidr: String,
    /// `active` or `blackhole`.
    pub state: String,
    /// `static` or `propagated`.
    pub route_origin: String,
    pub prefix_list_id: Option<String>,
    pub attachment_id: Option<String>,
    pub resource_id: Option<String>,
    pub resource_type: Option<String>,
}

/// One reason a path is not reachable (`Explanation`), with the context the engine gave.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
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
    pub acl_rule: Option<crate::nacl::Entry>,
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
    pub vpn_gateway: Option<Component>,
    /// Where the packet went instead (`destination`).
    pub destination: Option<Component>,
    pub availability_zones: Vec<String>,
    pub availability_zone_ids: Vec<String>,
    /// A component's state (`state`).
    pub state: Option<String>,
    pub load_balancer_arn: Option<String>,
    pub elastic_load_balancer_listener: Option<Component>,
    pub load_balancer_listener_port: Option<u16>,
    pub load_balancer_target_group: Option<Component>,
    pub load_balancer_target_groups: Vec<Component>,
    pub load_balancer_target: Option<LoadBalancerTarget>,
    pub load_balancer_target_port: Option<u16>,
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
