//! `openvpc reach`: decide one flow in a data directory's state and print the trace or
//! the blockers, readable or as JSON.

use std::fmt::Write;
use std::net::IpAddr;
use std::path::PathBuf;

use openvpc_core::Kind;
use openvpc_reach::explain::{ListenerRef, TargetRef};
use openvpc_reach::{
    search, Applied, Detail, Direction, Endpoint, Explanation, Flow, Found, Header, Hop, HopKind,
    Options, Outcome, Protocol, Search, Verdict, View,
};
use serde_json::{json, Value};

use crate::state::load_world;

/// Version of the JSON documents `reach` and `matrix` print.
pub const JSON_VERSION: u32 = 1;

/// `--protocol`: `tcp`, `udp`, `icmp`, `icmpv6` or an IANA protocol number (e.g. `50`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProtocolArg(Protocol);

impl ProtocolArg {
    /// Parses a flow's protocol: one protocol, not every one (`-1`).
    pub fn parse(text: &str) -> Result<ProtocolArg, String> {
        match Protocol::parse(text) {
            Some(Protocol::All) => Err(
                "a flow carries one protocol: name it (tcp, udp, icmp, icmpv6 or a number 0-255), not -1"
                    .to_string(),
            ),
            Some(p) => Ok(ProtocolArg(p)),
            None => Err(format!(
                "'{text}' is not a protocol: use tcp, udp, icmp, icmpv6 or a number 0-255"
            )),
        }
    }

    pub fn protocol(self) -> Protocol {
        self.0
    }
}

/// Exit status of `reach` when the path crosses a component the engine does not model.
pub const EXIT_UNKNOWN: i32 = 3;

#[derive(clap::Args, Debug)]
pub struct ReachArgs {
    /// Data directory to read (a running server's `--data-dir`, or an import's); never written.
    #[arg(long, default_value = "openvpc-data")]
    pub data_dir: PathBuf,
    /// Source: a network interface (`eni-…`), an instance (`i-…`, its primary interface) or
    /// an interface endpoint (`vpce-…`, its network interface).
    #[arg(long = "from", value_name = "ID")]
    pub from: String,
    /// Destination: `eni-…`, `i-…`, `vpce-…` (an interface endpoint: its network interface
    /// in the source's zone) or an IP address, optionally with `:PORT` (`[IPV6]:PORT`).
    #[arg(long = "to", value_name = "ID|IP[:PORT]")]
    pub to: String,
    /// Protocol of the flow: tcp, udp, icmp (ICMPv6 toward an IPv6 address), icmpv6 or an
    /// IANA protocol number (e.g. 50 for ESP).
    #[arg(long, value_parser = ProtocolArg::parse, default_value = "tcp")]
    pub protocol: ProtocolArg,
    /// Destination port (TCP, UDP) or ICMP type (default: echo request). Without one, a
    /// TCP/UDP flow is to a port that no port-specific rule names.
    #[arg(long)]
    pub port: Option<u16>,
    /// Search a destination port range (`FROM-TO`) instead of one port: reachable when some
    /// port of it gets through; the ports that do are printed.
    #[arg(long, value_name = "FROM-TO", value_parser = parse_port_range)]
    pub port_range: Option<(u16, u16)>,
    /// Source port, or a range of them to search (`FROM-TO`).
    #[arg(long, value_name = "PORT|FROM-TO", value_parser = parse_port_range)]
    pub source_port: Option<(u16, u16)>,
    /// The source's address to send from (one of the source interface's; Network Insights'
    /// `SourceIp`).
    #[arg(long, value_name = "IP")]
    pub source_ip: Option<IpAddr>,
    /// The destination interface's address to send to (Network Insights' `DestinationIp`).
    #[arg(long, value_name = "IP")]
    pub destination_ip: Option<IpAddr>,
    /// A component the path must cross (repeatable: one of them; `FilterInArns`).
    #[arg(long, value_name = "ID|ARN")]
    pub through: Vec<String>,
    /// A component the path must not cross (repeatable; `FilterOutArns`).
    #[arg(long, value_name = "ID|ARN")]
    pub avoid: Vec<String>,
    /// Print a JSON document instead of the readable trace.
    #[arg(long)]
    pub json: bool,
}

/// Parses `PORT` or `FROM-TO` (FROM ≤ TO).
pub fn parse_port_range(text: &str) -> Result<(u16, u16), String> {
    let bad = || format!("'{text}' is not a port or a port range FROM-TO (0-65535)");
    let port = |p: &str| p.trim().parse::<u16>().map_err(|_| bad());
    let (lo, hi) = match text.split_once('-') {
        Some((a, b)) => (port(a)?, port(b)?),
        None => (port(text)?, port(text)?),
    };
    if lo > hi {
        return Err(bad());
    }
    Ok((lo, hi))
}

/// The Network Insights path options and search `args` ask for beyond the flow.
pub fn options_of(args: &ReachArgs) -> (Options, Search) {
    let opts = Options {
        source_ip: args.source_ip,
        destination_ip: args.destination_ip,
        ..Options::default()
    };
    let single = |r: Option<(u16, u16)>| r.filter(|(a, b)| a != b);
    let search = Search {
        destination_ports: args.port_range,
        source_ports: single(args.source_port),
        through: args.through.clone(),
        avoid: args.avoid.clone(),
        ..Search::default()
    };
    (opts, search)
}

/// Checks the source id.
pub fn parse_source(s: &str) -> Result<String, String> {
    let ok = [Kind::NetworkInterface, Kind::Instance, Kind::VpcEndpoint]
        .iter()
        .any(|k| k.names(s) && s.len() > k.prefix().len() + 1)
        && !Kind::VpcEndpointService.names(s);
    if ok {
        Ok(s.to_string())
    } else {
        Err(format!(
            "--from {s}: expected a network interface (eni-…), instance (i-…) or interface endpoint (vpce-…) id"
        ))
    }
}

/// Parses `ID|IP[:PORT]` (IPv6 with a port in brackets).
pub fn parse_destination(s: &str) -> Result<(Endpoint, Option<u16>), String> {
    let bad = || {
        format!(
            "--to {s}: expected eni-…, i-… or an IP address, optionally with :PORT ([IPV6]:PORT)"
        )
    };
    let port = |p: &str| p.parse::<u16>().map_err(|_| bad());
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (ip, tail) = rest.split_once(']').ok_or_else(bad)?;
        let port = match tail {
            "" => None,
            t => Some(port(t.strip_prefix(':').ok_or_else(bad)?)?),
        };
        (ip, port)
    } else if s.parse::<IpAddr>().is_ok() {
        (s, None)
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) => (h, Some(port(p)?)),
            None => (s, None),
        }
    };
    let endpoint = match Endpoint::parse(host).ok_or_else(bad)? {
        Endpoint::Eni(id) if id.len() <= 4 => return Err(bad()),
        Endpoint::Instance(id) if id.len() <= 2 => return Err(bad()),
        Endpoint::Vpce(id) if id.len() <= 5 => return Err(bad()),
        e => e,
    };
    if s.starts_with('[') && !matches!(endpoint, Endpoint::Ip(IpAddr::V6(_))) {
        return Err(bad());
    }
    Ok((endpoint, port))
}

/// The flow `--from/--to/--protocol/--port` describe.
pub fn flow_of(args: &ReachArgs) -> Result<Flow, String> {
    let source = parse_source(&args.from)?;
    let (destination, to_port) = parse_destination(&args.to)?;
    let port = match (to_port, args.port) {
        (Some(a), Some(b)) if a != b => {
            return Err(format!(
                "--to {} names port {a} but --port says {b}",
                args.to
            ))
        }
        (a, b) => a.or(b),
    };
    if port.is_some() && args.port_range.is_some() {
        return Err("give --port or --port-range, not both".to_string());
    }
    let mut flow = Flow::new(&source, destination, args.protocol.protocol(), port);
    flow.source_port = args.source_port.map(|(lo, _)| lo);
    Ok(flow)
}

pub fn run(args: ReachArgs) -> i32 {
    let flow = match flow_of(&args) {
        Ok(f) => f,
        Err(e) => crate::fail(e),
    };
    let world = load_world(&args.data_dir).unwrap_or_else(|e| crate::fail(e));
    let view = View::compile_with(&world, &world);
    let (opts, query) = options_of(&args);
    let searched = query != Search::default();
    let found = search(&view, &flow, &opts, &query);
    let verdict = &found.verdict;
    if args.json {
        let mut doc = verdict_json(&flow, verdict);
        if searched {
            doc["ports"] = json!({
                "destination": found.destination_ports,
                "source": found.source_ports,
            });
        }
        println!("{}", serde_json::to_string_pretty(&doc).expect("JSON"));
    } else {
        print!("{}", render(&flow, verdict));
        if searched && verdict.reachable {
            println!("\n{}", ports_line(&found));
        }
    }
    match verdict.outcome() {
        Outcome::Reachable => 0,
        Outcome::Blocked => 1,
        Outcome::Unknown => EXIT_UNKNOWN,
    }
}

/// The ports a search found getting through, e.g. `ports that get through: 80, 443-450`.
fn ports_line(found: &Found) -> String {
    let list = |r: &[(u16, u16)]| {
        r.iter()
            .map(|&(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}-{b}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut line = format!("ports that get through: {}", list(&found.destination_ports));
    if !found.source_ports.is_empty() {
        let _ = write!(line, " (source ports {})", list(&found.source_ports));
    }
    line
}

fn destination_text(e: &Endpoint) -> String {
    match e {
        Endpoint::Eni(id) | Endpoint::Instance(id) | Endpoint::Vpce(id) => id.clone(),
        Endpoint::Ip(a) => a.to_string(),
    }
}

/// The JSON name of a hop kind.
pub fn kind_json(k: HopKind) -> &'static str {
    match k {
        HopKind::NetworkInterface => "network-interface",
        HopKind::SecurityGroup => "security-group",
        HopKind::NetworkAcl => "network-acl",
        HopKind::RouteTable => "route-table",
        HopKind::PeeringConnection => "peering-connection",
        HopKind::InternetGateway => "internet-gateway",
        HopKind::EgressOnlyInternetGateway => "egress-only-internet-gateway",
        HopKind::NatGateway => "nat-gateway",
        HopKind::VpnGateway => "vpn-gateway",
        HopKind::TransitGateway => "transit-gateway",
        HopKind::TransitGatewayAttachment => "transit-gateway-attachment",
        HopKind::VpnConnection => "vpn-connection",
        HopKind::TransitGatewayRouteTable => "transit-gateway-route-table",
        HopKind::Middlebox => "middlebox",
        HopKind::GatewayEndpoint => "gateway-endpoint",
        HopKind::GatewayLoadBalancerEndpoint => "gateway-load-balancer-endpoint",
        HopKind::InterfaceEndpoint => "interface-endpoint",
        HopKind::Internet => "internet",
        HopKind::Service => "service",
        HopKind::EndpointService => "endpoint-service",
        HopKind::LoadBalancer => "load-balancer",
        HopKind::LoadBalancerListener => "load-balancer-listener",
        HopKind::TargetGroup => "target-group",
    }
}

/// What a component id names, from its prefix.
pub fn kind_of_id(id: &str) -> &'static str {
    if id.starts_with("arn:aws:elasticloadbalancing:") {
        for (part, kind) in [
            (":loadbalancer/", "load balancer"),
            (":listener/", "listener"),
            (":targetgroup/", "target group"),
        ] {
            if id.contains(part) {
                return kind;
            }
        }
    }
    let prefixes: [(&str, &str); 16] = [
        ("vpce-svc-", "endpoint service"),
        ("tgw-rtb-", "transit gateway route table"),
        ("tgw-attach-", "transit gateway attachment"),
        ("tgw-", "transit gateway"),
        ("sg-", "security group"),
        ("acl-", "network ACL"),
        ("rtb-", "route table"),
        ("pcx-", "peering connection"),
        ("igw-", "internet gateway"),
        ("eigw-", "egress-only internet gateway"),
        ("nat-", "NAT gateway"),
        ("eni-", "network interface"),
        ("i-", "instance"),
        ("vpce-", "VPC endpoint"),
        ("subnet-", "subnet"),
        ("vpc-", "VPC"),
    ];
    prefixes
        .iter()
        .find(|(p, _)| id.starts_with(p))
        .map_or("", |(_, k)| k)
}

fn header_json(h: &Header) -> Value {
    let icmp = !h.has_ports();
    json!({
        "protocol": Protocol::Number(h.protocol).name(),
        "src": h.src.to_string(),
        "dst": h.dst.to_string(),
        "src_port": if icmp { None } else { h.src_port },
        "dst_port": if icmp { None } else { h.dst_port },
        "icmp_type": if icmp { h.dst_port } else { None },
    })
}

fn listener_json(l: &ListenerRef) -> Value {
    json!({ "arn": &*l.arn, "port": l.port, "protocol": l.protocol.as_deref() })
}

fn target_json(t: &TargetRef) -> Value {
    json!({
        "id": &*t.id,
        "port": t.port,
        "address": t.address.map(|a| a.to_string()),
        "availability_zone_id": t.zone.as_deref(),
    })
}

/// What a hop applied: the rule, entry or route (by position), or a load balancer's
/// listener, target group and target.
fn applied_json(a: &Applied) -> Value {
    match a {
        Applied::Nothing => Value::Null,
        Applied::SecurityGroupRule { egress, index } => {
            json!({ "security_group_rule": { "egress": egress, "index": index } })
        }
        Applied::AclRule { egress, number } => {
            json!({ "acl_rule": { "egress": egress, "number": number } })
        }
        Applied::Route { index } => json!({ "route": { "index": index } }),
        Applied::LoadBalancer(b) => json!({
            "listener": listener_json(&b.listener),
            "target_group": &*b.target_group,
            "target": b.target.as_ref().map(target_json),
        }),
        Applied::TgwRoute(r) => json!({ "transit_gateway_route": {
            "destination": r.destination.to_string(),
            "attachment": r.attachment.as_deref(),
            "type": if r.propagated { "propagated" } else { "static" },
            "prefix_list": r.prefix_list.as_deref(),
        } }),
    }
}

fn hop_json(h: &Hop) -> Value {
    let mut v = json!({
        "component": &*h.component,
        "kind": kind_json(h.kind),
        "header": header_json(&h.header),
    });
    let applied = applied_json(&h.applied);
    if !applied.is_null() {
        v["applied"] = applied;
    }
    v
}

/// An explanation's typed fields: only those it has.
pub fn detail_json(d: &Detail) -> Value {
    let mut m = serde_json::Map::new();
    let mut put = |k: &str, v: Value| {
        if !v.is_null() {
            m.insert(k.to_string(), v);
        }
    };
    let id = |o: &Option<std::sync::Arc<str>>| o.as_deref().map_or(Value::Null, |s| json!(s));
    put("vpc", id(&d.vpc));
    put("subnet", id(&d.subnet));
    put("source_vpc", id(&d.source_vpc));
    put("destination_vpc", id(&d.destination_vpc));
    put("network_interface", id(&d.network_interface));
    if !d.security_groups.is_empty() {
        let groups: Vec<&str> = d.security_groups.iter().map(|g| &**g).collect();
        put("security_groups", json!(groups));
    }
    put("security_group", id(&d.security_group));
    put("acl", id(&d.acl));
    if let Some(r) = d.acl_rule {
        put(
            "acl_rule",
            json!({ "number": r.number, "egress": r.egress }),
        );
    }
    if let Some(e) = d.egress {
        put("direction", json!(if e { "egress" } else { "ingress" }));
    }
    let route = |r: &openvpc_reach::explain::RouteRef| json!({ "route_table": &*r.table, "index": r.index, "route": &*r.label });
    put("route", d.route.as_ref().map_or(Value::Null, route));
    put(
        "shadowed_route",
        d.shadowed_route.as_ref().map_or(Value::Null, route),
    );
    put("route_table", id(&d.route_table));
    put("peering_connection", id(&d.peering));
    put("internet_gateway", id(&d.internet_gateway));
    put("nat_gateway", id(&d.nat_gateway));
    put("vpn_gateway", id(&d.vpn_gateway));
    put("vpc_endpoint", id(&d.vpc_endpoint));
    put("endpoint_service", id(&d.endpoint_service));
    put("load_balancer", id(&d.load_balancer));
    put(
        "listener",
        d.listener.as_ref().map_or(Value::Null, listener_json),
    );
    put("target_group", id(&d.target_group));
    put("target", d.target.as_ref().map_or(Value::Null, target_json));
    put("availability_zone_id", id(&d.availability_zone));
    put("destination", id(&d.destination));
    put(
        "address",
        d.address.map_or(Value::Null, |a| json!(a.to_string())),
    );
    put(
        "translated_from",
        d.translated_from
            .map_or(Value::Null, |a| json!(a.to_string())),
    );
    put("header", d.header.as_ref().map_or(Value::Null, header_json));
    put("state", id(&d.state));
    put("missing_component", id(&d.missing));
    put("service_name", id(&d.service_name));
    Value::Object(m)
}

fn direction_json(d: Direction) -> &'static str {
    match d {
        Direction::Forward => "forward",
        Direction::Return => "return",
    }
}

pub fn explanation_json(e: &Explanation) -> Value {
    json!({
        "code": e.code.as_str(),
        "component": &*e.component,
        "direction": direction_json(e.direction),
        "rule": e.rule(),
        "message": e.message(),
        "fields": detail_json(&e.detail),
    })
}

/// The stable JSON document of one decision.
pub fn verdict_json(flow: &Flow, v: &Verdict) -> Value {
    json!({
        "version": JSON_VERSION,
        "flow": {
            "source": flow.source,
            "destination": destination_text(&flow.destination),
            "protocol": flow.protocol.name(),
            "port": flow.port,
        },
        "verdict": v.outcome().as_str(),
        "reachable": v.reachable,
        "unknown_components": v.unknown_components(),
        "codes": v.codes().iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        "forward": v.forward.iter().map(hop_json).collect::<Vec<_>>(),
        "return": v.return_path.iter().map(hop_json).collect::<Vec<_>>(),
        "explanations": v.explanations.iter().map(explanation_json).collect::<Vec<_>>(),
    })
}

fn readable_kind(k: HopKind) -> &'static str {
    match k {
        HopKind::NetworkInterface => "network interface",
        HopKind::SecurityGroup => "security group",
        HopKind::NetworkAcl => "network ACL",
        HopKind::RouteTable => "route table",
        HopKind::PeeringConnection => "peering connection",
        HopKind::InternetGateway => "internet gateway",
        HopKind::EgressOnlyInternetGateway => "egress-only IGW",
        HopKind::NatGateway => "NAT gateway",
        HopKind::VpnGateway => "virtual private gateway",
        HopKind::TransitGateway => "transit gateway",
        HopKind::TransitGatewayAttachment => "transit gateway peering attachment",
        HopKind::VpnConnection => "VPN connection",
        HopKind::TransitGatewayRouteTable => "TGW route table",
        HopKind::Middlebox => "middlebox",
        HopKind::GatewayEndpoint => "gateway endpoint",
        HopKind::GatewayLoadBalancerEndpoint => "GWLB endpoint",
        HopKind::InterfaceEndpoint => "interface endpoint",
        HopKind::Internet => "internet",
        HopKind::Service => "AWS service",
        HopKind::EndpointService => "endpoint service",
        HopKind::LoadBalancer => "load balancer",
        HopKind::LoadBalancerListener => "listener",
        HopKind::TargetGroup => "target group",
    }
}

/// A component as the readable trace shows it: ARNs by their resource part
/// (`loadbalancer/net/NAME/ID`), everything else as it is.
pub fn short_component(c: &str) -> &str {
    if c.starts_with("arn:") {
        c.rsplit(':').next().unwrap_or(c)
    } else {
        c
    }
}

fn render_hops(out: &mut String, title: &str, hops: &[Hop]) {
    if hops.is_empty() {
        return;
    }
    let w = hops
        .iter()
        .map(|h| short_component(&h.component).len())
        .max()
        .unwrap_or(0);
    let k = hops
        .iter()
        .map(|h| readable_kind(h.kind).len())
        .max()
        .unwrap_or(0);
    let _ = writeln!(out, "\n{title}:");
    for (i, h) in hops.iter().enumerate() {
        let _ = writeln!(
            out,
            "  {:>2}  {:w$}  {:k$}  {}",
            i + 1,
            short_component(&h.component),
            readable_kind(h.kind),
            h.header,
        );
        if let Applied::LoadBalancer(b) = &h.applied {
            let l = &b.listener;
            let port = l.port.map_or("*".to_string(), |p| p.to_string());
            let _ = write!(
                out,
                "      listener {} {}:{port} -> target group {}",
                short_component(&l.arn),
                l.protocol.as_deref().unwrap_or("?"),
                short_component(&b.target_group)
            );
            if let Some(t) = &b.target {
                let _ = write!(out, " -> target {}:{}", t.id, t.port);
            }
            let _ = writeln!(out);
        }
    }
}

/// The readable trace of one decision.
pub fn render(flow: &Flow, v: &Verdict) -> String {
    let mut out = String::new();
    let port = match (flow.protocol, flow.port) {
        (Protocol::ICMP, Some(t)) => format!(" type {t}"),
        (Protocol::ICMP, None) => " echo".to_string(),
        (_, Some(p)) => format!(" port {p}"),
        (_, None) => String::new(),
    };
    let _ = writeln!(
        out,
        "{} -> {}  {}{port}",
        flow.source,
        destination_text(&flow.destination),
        flow.protocol.name()
    );
    if v.reachable {
        let _ = writeln!(out, "REACHABLE");
    } else if v.outcome() == Outcome::Unknown {
        let _ = writeln!(
            out,
            "UNKNOWN: cannot be decided at {} (not modelled by openvpc, or configuration not imported); nothing known blocks it",
            v.unknown_components().join(", ")
        );
        for e in &v.explanations {
            let _ = writeln!(
                out,
                "\n  {}  at {}\n     {}",
                e.code,
                e.component,
                e.message()
            );
        }
    } else {
        let n = v.explanations.len();
        let _ = writeln!(
            out,
            "NOT REACHABLE: {n} blocker{}",
            if n == 1 { "" } else { "s" }
        );
        for (i, e) in v.explanations.iter().enumerate() {
            let kind = kind_of_id(&e.component);
            let _ = write!(out, "\n  {}. {}  at {}", i + 1, e.code, e.component);
            if !kind.is_empty() {
                let _ = write!(out, " ({kind})");
            }
            let _ = write!(out, ", {} path", direction_json(e.direction));
            if let Some(r) = e.rule() {
                let what = if e.detail.acl_rule.is_some() {
                    "rule"
                } else {
                    "route"
                };
                let _ = write!(out, ", {what} {r}");
            }
            let _ = writeln!(out, "\n     {}", e.message());
        }
    }
    let (fwd, ret) = if v.reachable {
        ("Forward path", "Return path")
    } else {
        (
            "Forward path (as far as it was walked)",
            "Return path (as far as it was walked)",
        )
    };
    render_hops(&mut out, fwd, &v.forward);
    render_hops(&mut out, ret, &v.return_path);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    type Parsed = (Endpoint, Option<u16>);

    fn dest(s: &str) -> Result<Parsed, String> {
        parse_destination(s)
    }

    #[test]
    fn destinations_parse() {
        let eni = |s: &str| Endpoint::Eni(s.into());
        let vpce = |s: &str| Endpoint::Vpce(s.into());
        let ip = |s: &str| Endpoint::Ip(s.parse().unwrap());
        let cases: &[(&str, Option<Parsed>)] = &[
            ("eni-0abc", Some((eni("eni-0abc"), None))),
            ("eni-0abc:443", Some((eni("eni-0abc"), Some(443)))),
            (
                "i-0abc:22",
                Some((Endpoint::Instance("i-0abc".into()), Some(22))),
            ),
            ("10.0.0.5", Some((ip("10.0.0.5"), None))),
            ("10.0.0.5:8080", Some((ip("10.0.0.5"), Some(8080)))),
            ("2001:db8::1", Some((ip("2001:db8::1"), None))),
            ("[2001:db8::1]:443", Some((ip("2001:db8::1"), Some(443)))),
            ("[2001:db8::1]", Some((ip("2001:db8::1"), None))),
            ("[10.0.0.1]:1", None),
            ("[2001:db8::1]443", None),
            ("10.0.0.5:70000", None),
            ("10.0.0.5:", None),
            ("eni-", None),
            ("sg-123", None),
            ("vpce-0abc", Some((vpce("vpce-0abc"), None))),
            ("vpce-0abc:443", Some((vpce("vpce-0abc"), Some(443)))),
            ("vpce-svc-0abc", None),
            ("vpce-", None),
            ("bogus", None),
        ];
        for (input, want) in cases {
            assert_eq!(dest(input).ok(), *want, "{input}");
        }
    }

    #[test]
    fn arns_are_shortened_in_the_trace() {
        assert_eq!(
            short_component("arn:aws:elasticloadbalancing:us-east-1:2:loadbalancer/net/svc/ab"),
            "loadbalancer/net/svc/ab"
        );
        assert_eq!(short_component("eni-1"), "eni-1");
    }

    #[test]
    fn sources_parse() {
        assert!(parse_source("eni-0abc").is_ok());
        assert!(parse_source("i-0abc").is_ok());
        assert!(parse_source("vpce-0abc").is_ok());
        for bad in ["eni-", "i-", "10.0.0.1", "vpce-", "vpce-svc-0abc", "sg-1"] {
            assert!(parse_source(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ports_must_agree() {
        let args = |to: &str, port: Option<u16>| ReachArgs {
            data_dir: PathBuf::from("x"),
            from: "eni-1".into(),
            to: to.into(),
            protocol: ProtocolArg::parse("tcp").unwrap(),
            port,
            port_range: None,
            source_port: None,
            source_ip: None,
            destination_ip: None,
            through: Vec::new(),
            avoid: Vec::new(),
            json: false,
        };
        assert_eq!(flow_of(&args("eni-2:443", None)).unwrap().port, Some(443));
        assert_eq!(flow_of(&args("eni-2", Some(22))).unwrap().port, Some(22));
        assert_eq!(flow_of(&args("eni-2:22", Some(22))).unwrap().port, Some(22));
        assert!(flow_of(&args("eni-2:443", Some(22))).is_err());
    }

    #[test]
    fn port_ranges() {
        assert_eq!(parse_port_range("80"), Ok((80, 80)));
        assert_eq!(parse_port_range("80-90"), Ok((80, 90)));
        for bad in ["90-80", "", "-", "80-", "x", "70000", "1-2-3"] {
            assert!(parse_port_range(bad).is_err(), "{bad}");
        }
    }
}
