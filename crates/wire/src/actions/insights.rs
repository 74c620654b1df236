//! Reachability Analyzer actions: network insights paths and analyses (§5.1).
//!
//! StartNetworkInsightsAnalysis runs the reachability engine here, over the world of the
//! request, and sends its result into the core with the command (the core does not know
//! the engine; the journal keeps the result). The Start response says `running`; every
//! Describe afterwards says `succeeded`.

mod analyse;

use openvpc_core::insights::{
    self, Analysis, AnalysisQuery, AnalysisResult, Cmd, Component, ExplanationData, FilterSpec,
    PacketHeader, Path, PathComponentData, PathFilter, PathSpec, RouteData, SgRule,
};
use openvpc_core::nacl::{self, EntryCidr};
use openvpc_core::sg::Peer;
use openvpc_core::{tags, ApiError, Command, Kind, Protocol, Result, Scope, World};

use super::describe::{Bounds, Query};
use super::route::{render_route as render_route_members, RouteShape};
use super::{created_id, Call, Handler};
use crate::params::View;
use crate::time::{iso8601, parse_timestamp};
use crate::xml::{escape, Xml};

use analyse::analyse;

/// `MaxResults` of the Network Insights Describe actions.
const PAGE: Bounds = Bounds::strict(1, 100);

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("CreateNetworkInsightsPath", create_path),
    ("DescribeNetworkInsightsPaths", describe_paths),
    ("DeleteNetworkInsightsPath", delete_path),
    ("StartNetworkInsightsAnalysis", start_analysis),
    ("DescribeNetworkInsightsAnalyses", describe_analyses),
    ("DeleteNetworkInsightsAnalysis", delete_analysis),
];

fn analysis_id(v: &View, name: &str) -> Result<String> {
    let id = v.req(name)?;
    Kind::NetworkInsightsAnalysis.check(&id)?;
    Ok(id)
}

fn filter_spec(v: &View, name: &str) -> Result<Option<FilterSpec>> {
    if !v.has(name) {
        return Ok(None);
    }
    let f = v.nested(name);
    let ports = |range: &str| -> Result<Option<(Option<i64>, Option<i64>)>> {
        if !f.has(range) {
            return Ok(None);
        }
        let r = f.nested(range);
        Ok(Some((r.int("FromPort")?, r.int("ToPort")?)))
    };
    Ok(Some(FilterSpec {
        source_address: f.str("SourceAddress"),
        source_ports: ports("SourcePortRange")?,
        destination_address: f.str("DestinationAddress"),
        destination_ports: ports("DestinationPortRange")?,
    }))
}

fn create_path(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let spec = PathSpec {
        source: p.req("Source")?,
        destination: p.str("Destination").filter(|s| !s.is_empty()),
        source_ip: p.str("SourceIp"),
        destination_ip: p.str("DestinationIp"),
        protocol: p.req("Protocol")?,
        destination_port: p.int("DestinationPort")?,
        filter_at_source: filter_spec(&p, "FilterAtSource")?,
        filter_at_destination: filter_spec(&p, "FilterAtDestination")?,
    };
    let cmd = Cmd::CreatePath {
        spec,
        tags: p.tag_specs()?,
        client_token: p.str("ClientToken"),
    };
    let id = created_id(cx.mutate(Command::Insights(cmd))?)?;
    let w = cx.world();
    let scope = cx.ctx().scope();
    let path = insights::path(w, scope, &id)?;
    let mut x = Xml::new();
    x.node("networkInsightsPath", |x| render_path(x, w, scope, path));
    Ok(x)
}

fn describe_paths(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(&cx.p(), "NetworkInsightsPathId", |_| Ok(()), PAGE)?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = insights::describe_paths(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |p| p.id.clone(),
        "networkInsightsPathSet",
        |x, p| render_path(x, w, scope, p),
    ))
}

fn delete_path(cx: &mut Call) -> Result<Xml> {
    let id = cx.p().req("NetworkInsightsPathId")?;
    let out = created_id(cx.mutate(Command::Insights(Cmd::DeletePath { id }))?)?;
    let mut x = Xml::new();
    x.leaf("networkInsightsPathId", out);
    Ok(x)
}

fn start_analysis(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let path_id = p.req("NetworkInsightsPathId")?;
    let additional_accounts = p.list("AdditionalAccount");
    let filter_in_arns = p.list("FilterInArn");
    let filter_out_arns = p.list("FilterOutArn");
    let tags = p.tag_specs()?;
    let client_token = p.str("ClientToken");
    let scope = cx.ctx().scope().clone();
    // An unknown path gets an empty result; the core refuses it.
    let view = cx.reach_view();
    let result = match insights::path(cx.world(), &scope, &path_id) {
        Ok(path) => analyse(
            cx.world(),
            view.as_deref(),
            &scope,
            path,
            &filter_in_arns,
            &filter_out_arns,
        ),
        Err(_) => AnalysisResult::default(),
    };
    let cmd = Cmd::StartAnalysis {
        path_id,
        additional_accounts,
        filter_in_arns,
        filter_out_arns,
        tags,
        client_token,
        result,
    };
    let id = created_id(cx.mutate(Command::Insights(cmd))?)?;
    let w = cx.world();
    let a = insights::analysis(w, &scope, &id)?;
    let mut x = Xml::new();
    x.node("networkInsightsAnalysis", |x| {
        render_analysis(x, w, &scope, a, true)
    });
    Ok(x)
}

fn timestamp(v: &View, name: &str) -> Result<Option<i64>> {
    v.str(name)
        .map(|raw| {
            parse_timestamp(&raw).ok_or_else(|| {
                ApiError::invalid_value(format!(
                    "Value ({raw}) for parameter {name} is invalid. Expected a timestamp."
                ))
            })
        })
        .transpose()
}

fn describe_analyses(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let q = Query::decode(
        &p,
        "NetworkInsightsAnalysisId",
        |id| Kind::NetworkInsightsAnalysis.check(id),
        PAGE,
    )?;
    let query = AnalysisQuery {
        path_id: p.str("NetworkInsightsPathId"),
        start_time: timestamp(&p, "AnalysisStartTime")?,
        end_time: timestamp(&p, "AnalysisEndTime")?,
    };
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = insights::describe_analyses(w, cx.ctx(), &q.ids, &query, &q.filters)?;
    Ok(q.answer(
        found,
        |a| a.id.clone(),
        "networkInsightsAnalysisSet",
        |x, a| render_analysis(x, w, scope, a, false),
    ))
}

fn delete_analysis(cx: &mut Call) -> Result<Xml> {
    let id = analysis_id(&cx.p(), "NetworkInsightsAnalysisId")?;
    let out = created_id(cx.mutate(Command::Insights(Cmd::DeleteAnalysis { id }))?)?;
    let mut x = Xml::new();
    x.leaf("networkInsightsAnalysisId", out);
    Ok(x)
}

// ---------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------

fn strings<'a>(x: &mut Xml, tag: &str, items: impl IntoIterator<Item = &'a String>) {
    x.list(tag, items, |x, s| {
        x.raw(&escape(s));
    });
}

fn render_filter(x: &mut Xml, tag: &str, f: &Option<PathFilter>) {
    let Some(f) = f else { return };
    x.node(tag, |x| {
        x.opt("sourceAddress", f.source_address);
        if let Some(r) = f.source_ports {
            x.node("sourcePortRange", |x| {
                x.opt("fromPort", r.from).opt("toPort", r.to);
            });
        }
        x.opt("destinationAddress", f.destination_address);
        if let Some(r) = f.destination_ports {
            x.node("destinationPortRange", |x| {
                x.opt("fromPort", r.from).opt("toPort", r.to);
            });
        }
    });
}

/// Renders one `NetworkInsightsPath` as `scope` sees it.
pub fn render_path(x: &mut Xml, w: &World, scope: &Scope, p: &Path) {
    x.leaf("networkInsightsPathId", &p.id)
        .leaf("networkInsightsPathArn", p.arn())
        .leaf("createdDate", iso8601(p.created))
        .leaf("source", &p.source)
        .opt("destination", p.destination.as_ref())
        .leaf("sourceArn", &p.source_arn)
        .opt("destinationArn", p.destination_arn.as_ref())
        .opt("sourceIp", p.source_ip)
        .opt("destinationIp", p.destination_ip)
        .leaf("protocol", p.protocol.name())
        .opt("destinationPort", p.destination_port)
        .tag_set(tags::of(w, scope, &p.id));
    render_filter(x, "filterAtSource", &p.filter_at_source);
    render_filter(x, "filterAtDestination", &p.filter_at_destination);
}

/// Renders one `NetworkInsightsAnalysis`. The Start response (`starting`) shows it
/// `running`, without results; every later read shows it `succeeded` with its results.
pub fn render_analysis(x: &mut Xml, w: &World, scope: &Scope, a: &Analysis, starting: bool) {
    x.leaf("networkInsightsAnalysisId", &a.id)
        .leaf("networkInsightsAnalysisArn", a.arn())
        .leaf("networkInsightsPathId", &a.path_id);
    strings(x, "additionalAccountSet", &a.additional_accounts);
    strings(x, "filterInArnSet", &a.filter_in_arns);
    strings(x, "filterOutArnSet", &a.filter_out_arns);
    x.leaf("startDate", iso8601(a.started));
    if starting {
        x.leaf("status", "running");
    } else {
        let r = &a.result;
        x.leaf("status", a.status())
            .leaf("networkPathFound", r.network_path_found);
        x.list("forwardPathComponentSet", &r.forward, render_component);
        x.list("returnPathComponentSet", &r.return_path, render_component);
        x.list("explanationSet", &r.explanations, render_explanation);
    }
    x.tag_set(tags::of(w, scope, &a.id));
}

fn render_ref(x: &mut Xml, tag: &str, c: &Option<Component>) {
    if let Some(c) = c {
        x.node(tag, |x| {
            x.leaf("id", &c.id).opt("arn", c.arn.as_ref());
        });
    }
}

fn render_header(x: &mut Xml, tag: &str, h: &Option<PacketHeader>) {
    let Some(h) = h else { return };
    x.node(tag, |x| {
        let ranges = |x: &mut Xml, tag: &str, rs: &[insights::PortRange]| {
            x.list(tag, rs, |x, r| {
                x.leaf("from", r.from).leaf("to", r.to);
            });
        };
        x.list("destinationAddressSet", &h.destinations, |x, a| {
            x.raw(&escape(&a.to_string()));
        });
        ranges(x, "destinationPortRangeSet", &h.destination_ports);
        x.leaf("protocol", h.protocol);
        x.list("sourceAddressSet", &h.sources, |x, a| {
            x.raw(&escape(&a.to_string()));
        });
        ranges(x, "sourcePortRangeSet", &h.source_ports);
    });
}

fn render_acl_rule(x: &mut Xml, e: &Option<nacl::Entry>) {
    let Some(e) = e else { return };
    x.node("aclRule", |x| {
        match &e.cidr {
            EntryCidr::V4(c) => x.leaf("cidr", c),
            EntryCidr::V6(c) => x.leaf("cidr", c),
        };
        x.leaf("egress", e.egress);
        if let Some((from, to)) = e.port_range {
            x.node("portRange", |x| {
                x.leaf("from", from).leaf("to", to);
            });
        }
        let protocol = match e.protocol {
            Protocol::All => "all".to_string(),
            p => p.number_text(),
        };
        x.leaf("protocol", protocol)
            .leaf("ruleAction", e.action.as_str())
            .leaf("ruleNumber", e.rule_number);
    });
}

fn render_sg_rule(x: &mut Xml, r: &Option<SgRule>) {
    let Some(r) = r else { return };
    let rule = &r.rule;
    x.node("securityGroupRule", |x| {
        match &rule.peer {
            Peer::V4(c) => {
                x.leaf("cidr", c);
            }
            Peer::V6(c) => {
                x.leaf("cidr", c);
            }
            Peer::PrefixList(_) | Peer::Group { .. } => {}
        }
        x.leaf("direction", if r.egress { "egress" } else { "ingress" })
            .leaf("securityGroupId", &r.group_id);
        if rule.protocol.has_ports() {
            x.node("portRange", |x| {
                x.leaf("from", rule.from_port.unwrap_or(0))
                    .leaf("to", rule.to_port.unwrap_or(65535));
            });
        }
        if let Peer::PrefixList(id) = &rule.peer {
            x.leaf("prefixListId", id);
        }
        let protocol = match rule.protocol {
            Protocol::All => "all".to_string(),
            p => p.name(),
        };
        x.leaf("protocol", protocol);
    });
}

fn render_route(x: &mut Xml, r: &Option<RouteData>) {
    if let Some(RouteData { route: r, state }) = r {
        x.node("routeTableRoute", |x| {
            render_route_members(x, r, state, RouteShape::Analysis)
        });
    }
}

fn render_component(x: &mut Xml, c: &PathComponentData) {
    x.leaf("sequenceNumber", c.sequence_number);
    render_acl_rule(x, &c.acl_rule);
    render_ref(x, "component", &Some(c.component.clone()));
    render_ref(x, "destinationVpc", &c.destination_vpc);
    render_ref(
        x,
        "elasticLoadBalancerListener",
        &c.elastic_load_balancer_listener,
    );
    if !c.explanations.is_empty() {
        x.list("explanationSet", &c.explanations, render_explanation);
    }
    render_header(x, "outboundHeader", &c.outbound_header);
    render_header(x, "inboundHeader", &c.inbound_header);
    render_route(x, &c.route);
    render_sg_rule(x, &c.security_group_rule);
    render_ref(x, "sourceVpc", &c.source_vpc);
    render_ref(x, "subnet", &c.subnet);
    render_ref(x, "transitGateway", &c.transit_gateway);
    if let Some(r) = &c.transit_gateway_route {
        x.node("transitGatewayRouteTableRoute", |x| {
            x.leaf("destinationCidr", &r.destination_cidr)
                .leaf("state", &r.state)
                .leaf("routeOrigin", &r.route_origin)
                .opt("prefixListId", r.prefix_list_id.as_deref())
                .opt("attachmentId", r.attachment_id.as_deref())
                .opt("resourceId", r.resource_id.as_deref())
                .opt("resourceType", r.resource_type.as_deref());
        });
    }
    render_ref(x, "vpc", &c.vpc);
}

fn render_explanation(x: &mut Xml, e: &ExplanationData) {
    render_ref(x, "acl", &e.acl);
    render_acl_rule(x, &e.acl_rule);
    x.opt("address", e.address);
    if !e.availability_zone_ids.is_empty() {
        strings(x, "availabilityZoneIdSet", &e.availability_zone_ids);
    }
    if !e.availability_zones.is_empty() {
        strings(x, "availabilityZoneSet", &e.availability_zones);
    }
    render_ref(x, "component", &e.component);
    render_ref(x, "destination", &e.destination);
    render_ref(x, "destinationVpc", &e.destination_vpc);
    if let Some(egress) = e.egress {
        x.leaf("direction", if egress { "egress" } else { "ingress" });
    }
    render_ref(
        x,
        "elasticLoadBalancerListener",
        &e.elastic_load_balancer_listener,
    );
    if !e.code.is_empty() {
        x.leaf("explanationCode", &e.code);
    }
    render_ref(x, "internetGateway", &e.internet_gateway);
    x.opt("loadBalancerArn", e.load_balancer_arn.as_ref());
    x.opt("loadBalancerListenerPort", e.load_balancer_listener_port);
    if let Some(t) = &e.load_balancer_target {
        x.node("loadBalancerTarget", |x| {
            x.opt("address", t.address)
                .opt("availabilityZone", t.availability_zone.as_ref())
                .opt("availabilityZoneId", t.availability_zone_id.as_ref());
            render_ref(x, "instance", &t.instance);
            x.opt("port", t.port);
        });
    }
    render_ref(x, "loadBalancerTargetGroup", &e.load_balancer_target_group);
    if !e.load_balancer_target_groups.is_empty() {
        x.list(
            "loadBalancerTargetGroupSet",
            &e.load_balancer_target_groups,
            |x, c| {
                x.leaf("id", &c.id).opt("arn", c.arn.as_ref());
            },
        );
    }
    x.opt("loadBalancerTargetPort", e.load_balancer_target_port);
    x.opt("missingComponent", e.missing_component.as_ref());
    render_ref(x, "natGateway", &e.nat_gateway);
    render_ref(x, "networkInterface", &e.network_interface);
    render_ref(x, "vpcPeeringConnection", &e.vpc_peering_connection);
    x.opt("port", e.port);
    if !e.protocols.is_empty() {
        strings(x, "protocolSet", &e.protocols);
    }
    render_route(x, &e.route);
    render_ref(x, "routeTable", &e.route_table);
    render_ref(x, "securityGroup", &e.security_group);
    if !e.security_groups.is_empty() {
        x.list("securityGroupSet", &e.security_groups, |x, c| {
            x.leaf("id", &c.id).opt("arn", c.arn.as_ref());
        });
    }
    render_ref(x, "sourceVpc", &e.source_vpc);
    x.opt("state", e.state.as_ref());
    render_ref(x, "subnet", &e.subnet);
    render_ref(x, "vpc", &e.vpc);
    render_ref(x, "vpcEndpoint", &e.vpc_endpoint);
    render_ref(x, "vpnGateway", &e.vpn_gateway);
}
