//! The Elastic Load Balancing v2 Query wire (API version 2015-12-01).
//!
//! Served on the EC2 endpoint and chosen by the SigV4 service name `elasticloadbalancing`
//! (unsigned requests: by `Version=2015-12-01`). Plain AWS Query protocol: lists are
//! `Name.member.N` on the way in and `<Name><member>…</member></Name>` on the way out;
//! responses wrap an `<ActionResult>` and a `<ResponseMetadata>`; errors are
//! `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.

use base64::Engine;
use openvpc_core::elb::{
    self, ActionSpec, Cmd, CreateListener, CreateLoadBalancer, CreateTargetGroup, HealthCheckInput,
    Listener, LoadBalancer, SubnetMapping, TargetGroup, TargetSpec,
};
use openvpc_core::{ApiError, Command, Ctx, ErrorCode, Output, Result, World};

use crate::actions::created_id;
use crate::errors::query_result;
use crate::params::{Page, Params, View};
use crate::time::iso8601;
use crate::xml::{escape, Xml};
use crate::{Backend, Response};

/// The ELBv2 API version.
pub const VERSION: &str = "2015-12-01";
/// The ELBv2 XML namespace.
pub const NAMESPACE: &str = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";
/// The SigV4 service name that selects this wire.
pub const SERVICE: &str = "elasticloadbalancing";

type Handler = fn(&mut Cx) -> Result<Xml>;

const ACTIONS: &[(&str, Handler)] = &[
    ("CreateLoadBalancer", create_load_balancer),
    ("DescribeLoadBalancers", describe_load_balancers),
    ("DeleteLoadBalancer", delete_load_balancer),
    ("CreateTargetGroup", create_target_group),
    ("DescribeTargetGroups", describe_target_groups),
    ("DeleteTargetGroup", delete_target_group),
    ("RegisterTargets", register_targets),
    ("DeregisterTargets", deregister_targets),
    ("DescribeTargetHealth", describe_target_health),
    ("CreateListener", create_listener),
    ("DescribeListeners", describe_listeners),
    ("DeleteListener", delete_listener),
    ("SetSecurityGroups", set_security_groups),
    (
        "DescribeLoadBalancerAttributes",
        describe_load_balancer_attributes,
    ),
    (
        "ModifyLoadBalancerAttributes",
        modify_load_balancer_attributes,
    ),
    (
        "DescribeTargetGroupAttributes",
        describe_target_group_attributes,
    ),
    (
        "ModifyTargetGroupAttributes",
        modify_target_group_attributes,
    ),
    ("DescribeListenerAttributes", describe_listener_attributes),
    ("ModifyListenerAttributes", modify_listener_attributes),
    ("AddTags", add_tags),
    ("RemoveTags", remove_tags),
    ("DescribeTags", describe_tags),
];

/// Names of every implemented ELBv2 action.
pub fn action_names() -> Vec<&'static str> {
    ACTIONS.iter().map(|(n, _)| *n).collect()
}

/// One ELBv2 request in flight.
struct Cx<'a> {
    params: &'a Params<'a>,
    backend: &'a mut dyn Backend,
}

impl<'a> Cx<'a> {
    fn p(&self) -> View<'a> {
        self.params.root()
    }

    fn world(&self) -> &World {
        self.backend.world()
    }

    fn ctx(&self) -> &Ctx {
        self.backend.ctx()
    }

    /// Ends decoding of a read: unknown parameters are refused.
    fn read(&self) -> Result<()> {
        self.params.finish()
    }

    /// Ends decoding of a mutation and applies it.
    fn mutate(&mut self, cmd: Cmd) -> Result<Output> {
        self.params.finish()?;
        self.backend.mutate(Command::Elb(cmd))
    }
}

/// Handles one ELBv2 request end to end.
pub fn handle(
    action: &str,
    params: &Params,
    backend: &mut dyn Backend,
    request_id: &str,
) -> Response {
    let result = match ACTIONS.iter().find(|(name, _)| *name == action) {
        None => Err(ApiError::new(
            ErrorCode::InvalidAction,
            format!("The action {action} is not valid for this web service."),
        )),
        Some((_, handler)) => handler(&mut Cx { params, backend }),
    };
    match result {
        Ok(body) => query_result(NAMESPACE, action, &body, request_id),
        Err(e) => error_response(&e, request_id),
    }
}

/// The ELBv2 error document. Parameter-decoding errors (`MissingParameter`,
/// `InvalidParameterValue`) become `ValidationError`, as the service reports them.
pub fn error_response(err: &ApiError, request_id: &str) -> Response {
    let code = match err.code {
        ErrorCode::MissingParameter | ErrorCode::InvalidParameterValue => {
            ErrorCode::ValidationError
        }
        ErrorCode::InternalError => ErrorCode::InternalFailure,
        other => other,
    };
    crate::errors::query_error(
        Some(NAMESPACE),
        &ApiError::new(code, err.message.clone()),
        request_id,
    )
}

// ---------------------------------------------------------------------------------------
// Decoding helpers

/// `Name.member.N` strings. A bare `Name=` (how SDKs send an empty list) is accepted.
fn members(p: &View, name: &str) -> Result<Vec<String>> {
    if p.str(name).is_some_and(|v| !v.is_empty()) {
        return Err(elb::validation(format!(
            "Parameter {name} is a list: send it as {name}.member.N"
        )));
    }
    Ok(p.list(&format!("{name}.member")))
}

/// `Name.member.N.*` structures.
fn member_structs<'a>(p: &View<'a>, name: &str) -> Result<Vec<View<'a>>> {
    if p.str(name).is_some_and(|v| !v.is_empty()) {
        return Err(elb::validation(format!(
            "Parameter {name} is a list: send it as {name}.member.N.*"
        )));
    }
    Ok(p.structs(&format!("{name}.member")))
}

/// `Tags.member.N.Key` / `.Value`.
fn tags(p: &View) -> Result<Vec<(String, String)>> {
    member_structs(p, "Tags")?
        .into_iter()
        .map(|t| Ok((t.req("Key")?, t.str("Value").unwrap_or_default())))
        .collect()
}

/// `Targets.member.N.{Id,Port,AvailabilityZone}`.
fn targets(p: &View) -> Result<Vec<TargetSpec>> {
    member_structs(p, "Targets")?
        .into_iter()
        .map(|t| {
            Ok(TargetSpec {
                id: t.req("Id")?,
                port: t.int("Port")?,
                availability_zone: t.str("AvailabilityZone"),
            })
        })
        .collect()
}

/// Markers are the opaque tokens [`Page::take`] hands out (base64 of the last ARN).
fn decode_marker(marker: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(marker)
        .ok()?;
    String::from_utf8(bytes)
        .ok()?
        .strip_prefix("v1:")
        .map(str::to_string)
}

/// `PageSize` (1–400) and `Marker`.
fn page(p: &View) -> Result<Page> {
    let max_results = match p.int("PageSize")? {
        None => None,
        Some(n) if (1..=400).contains(&n) => Some(n as usize),
        Some(n) => {
            return Err(elb::validation(format!(
                "1 validation error detected: Value '{n}' at 'pageSize' failed to satisfy constraint: Member must have value between 1 and 400"
            )))
        }
    };
    let after = match p.str("Marker") {
        None => None,
        Some(m) if m.is_empty() => None,
        Some(m) => Some(
            decode_marker(&m)
                .ok_or_else(|| elb::validation(format!("The marker '{m}' is not valid")))?,
        ),
    };
    Ok(Page { max_results, after })
}

// ---------------------------------------------------------------------------------------
// Rendering helpers

/// `<tag><member>…</member>…</tag>`.
fn member_list<T>(
    x: &mut Xml,
    tag: &str,
    items: impl IntoIterator<Item = T>,
    mut each: impl FnMut(&mut Xml, T),
) {
    x.node(tag, |x| {
        for item in items {
            x.node("member", |x| each(x, item));
        }
    });
}

fn render_load_balancer(x: &mut Xml, lb: &LoadBalancer, state: &str) {
    x.leaf("LoadBalancerArn", &lb.arn)
        .leaf("DNSName", &lb.dns_name)
        .leaf("CanonicalHostedZoneId", &lb.canonical_hosted_zone_id)
        .leaf("CreatedTime", iso8601(lb.created))
        .leaf("LoadBalancerName", &lb.name)
        .leaf("Scheme", &lb.scheme)
        .leaf("VpcId", &lb.vpc_id)
        .node("State", |x| {
            x.leaf("Code", state);
        })
        .leaf("Type", lb.lb_type.as_str());
    let internal = lb.scheme == "internal";
    member_list(x, "AvailabilityZones", &lb.subnets, |x, s| {
        x.leaf("ZoneName", &s.availability_zone)
            .leaf("SubnetId", &s.subnet_id);
        // Internal load balancers show their node addresses; internet-facing ones, like
        // AWS's without Elastic IPs, show none.
        member_list(
            x,
            "LoadBalancerAddresses",
            internal.then_some(s.private_ip),
            |x, ip| {
                x.leaf("PrivateIPv4Address", ip);
            },
        );
    });
    if !lb.security_groups.is_empty() {
        member_list(x, "SecurityGroups", &lb.security_groups, |x, g| {
            x.raw(&escape(g));
        });
        x.leaf(
            "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic",
            lb.enforce_inbound_on_privatelink_value(),
        );
    }
    x.leaf("IpAddressType", &lb.ip_address_type);
}

fn render_target_group(x: &mut Xml, w: &World, g: &TargetGroup) {
    let hc = &g.health_check;
    x.leaf("TargetGroupArn", &g.arn)
        .leaf("TargetGroupName", &g.name)
        .leaf("Protocol", &g.protocol)
        .leaf("Port", g.port)
        .leaf("VpcId", &g.vpc_id)
        .leaf("HealthCheckProtocol", &hc.protocol)
        .leaf("HealthCheckPort", &hc.port)
        .leaf("HealthCheckEnabled", hc.enabled)
        .leaf("HealthCheckIntervalSeconds", hc.interval_seconds)
        .leaf("HealthCheckTimeoutSeconds", hc.timeout_seconds)
        .leaf("HealthyThresholdCount", hc.healthy_threshold)
        .leaf("UnhealthyThresholdCount", hc.unhealthy_threshold)
        .opt("HealthCheckPath", hc.path.as_deref());
    if let Some(m) = &hc.matcher {
        x.node("Matcher", |x| {
            x.leaf("HttpCode", m);
        });
    }
    member_list(
        x,
        "LoadBalancerArns",
        elb::target_group_load_balancers(w, &g.arn),
        |x, a| {
            x.raw(&escape(&a));
        },
    );
    x.leaf("TargetType", &g.target_type)
        .leaf("IpAddressType", &g.ip_address_type);
}

fn render_listener(x: &mut Xml, l: &Listener) {
    x.leaf("ListenerArn", &l.arn)
        .leaf("LoadBalancerArn", &l.load_balancer_arn)
        .opt("Port", l.port)
        .opt("Protocol", l.protocol.as_deref());
    if !l.certificates.is_empty() {
        member_list(x, "Certificates", &l.certificates, |x, c| {
            x.leaf("CertificateArn", c);
        });
    }
    x.opt("SslPolicy", l.ssl_policy.as_deref());
    member_list(x, "DefaultActions", [&l.target_group_arn], |x, tg| {
        x.leaf("Type", "forward")
            .leaf("TargetGroupArn", tg)
            .node("ForwardConfig", |x| {
                member_list(x, "TargetGroups", [tg], |x, tg| {
                    x.leaf("TargetGroupArn", tg).leaf("Weight", 1);
                });
                x.node("TargetGroupStickinessConfig", |x| {
                    x.leaf("Enabled", false);
                });
            });
    });
}

// ---------------------------------------------------------------------------------------
// Load balancers

fn create_load_balancer(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let subnet_mappings = member_structs(&p, "SubnetMappings")?
        .into_iter()
        .map(|m| {
            Ok(SubnetMapping {
                subnet_id: m.req("SubnetId")?,
                private_ipv4_address: m.str("PrivateIPv4Address"),
            })
        })
        .collect::<Result<_>>()?;
    let cmd = CreateLoadBalancer {
        name: p.req("Name")?,
        lb_type: p.str("Type"),
        scheme: p.str("Scheme"),
        subnets: members(&p, "Subnets")?,
        subnet_mappings,
        security_groups: members(&p, "SecurityGroups")?,
        ip_address_type: p.str("IpAddressType"),
        tags: tags(&p)?,
    };
    let arn = created_id(cx.mutate(Cmd::CreateLoadBalancer(cmd))?)?;
    let now = cx.ctx().now;
    let lb = cx
        .world()
        .load_balancers
        .get(&arn)
        .ok_or_else(|| elb::load_balancer_not_found(&arn))?;
    // A new load balancer answers `provisioning`; describes show `active` once ready.
    let state = if lb.created == now {
        "provisioning"
    } else {
        lb.state(now)
    };
    let mut x = Xml::new();
    member_list(&mut x, "LoadBalancers", [lb], |x, lb| {
        render_load_balancer(x, lb, state)
    });
    Ok(x)
}

fn describe_load_balancers(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let arns = members(&p, "LoadBalancerArns")?;
    let names = members(&p, "Names")?;
    let page = page(&p)?;
    cx.read()?;
    let now = cx.ctx().now;
    let found = elb::describe_load_balancers(cx.world(), cx.ctx(), &arns, &names)?;
    let (found, next) = page.take(found, |l| l.arn.clone());
    let mut x = Xml::new();
    member_list(&mut x, "LoadBalancers", found, |x, lb| {
        render_load_balancer(x, lb, lb.state(now))
    });
    x.opt("NextMarker", next);
    Ok(x)
}

fn delete_load_balancer(cx: &mut Cx) -> Result<Xml> {
    let arn = cx.p().req("LoadBalancerArn")?;
    cx.mutate(Cmd::DeleteLoadBalancer { arn })?;
    Ok(Xml::new())
}

// ---------------------------------------------------------------------------------------
// Target groups and targets

fn create_target_group(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let cmd = CreateTargetGroup {
        name: p.req("Name")?,
        protocol: p.str("Protocol"),
        port: p.int("Port")?,
        vpc_id: p.str("VpcId"),
        target_type: p.str("TargetType"),
        ip_address_type: p.str("IpAddressType"),
        health_check: HealthCheckInput {
            enabled: p.bool("HealthCheckEnabled")?,
            protocol: p.str("HealthCheckProtocol"),
            port: p.str("HealthCheckPort"),
            path: p.str("HealthCheckPath"),
            interval_seconds: p.int("HealthCheckIntervalSeconds")?,
            timeout_seconds: p.int("HealthCheckTimeoutSeconds")?,
            healthy_threshold: p.int("HealthyThresholdCount")?,
            unhealthy_threshold: p.int("UnhealthyThresholdCount")?,
            matcher: p.nested("Matcher").str("HttpCode"),
        },
        tags: tags(&p)?,
    };
    let arn = created_id(cx.mutate(Cmd::CreateTargetGroup(cmd))?)?;
    let w = cx.world();
    let g = w
        .target_groups
        .get(&arn)
        .ok_or_else(|| elb::target_group_not_found(&arn))?;
    let mut x = Xml::new();
    member_list(&mut x, "TargetGroups", [g], |x, g| {
        render_target_group(x, w, g)
    });
    Ok(x)
}

fn describe_target_groups(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let lb = p.str("LoadBalancerArn");
    let arns = members(&p, "TargetGroupArns")?;
    let names = members(&p, "Names")?;
    let page = page(&p)?;
    cx.read()?;
    let w = cx.world();
    let found = elb::describe_target_groups(w, cx.ctx(), lb.as_deref(), &arns, &names)?;
    let (found, next) = page.take(found, |g| g.arn.clone());
    let mut x = Xml::new();
    member_list(&mut x, "TargetGroups", found, |x, g| {
        render_target_group(x, w, g)
    });
    x.opt("NextMarker", next);
    Ok(x)
}

fn delete_target_group(cx: &mut Cx) -> Result<Xml> {
    let arn = cx.p().req("TargetGroupArn")?;
    cx.mutate(Cmd::DeleteTargetGroup { arn })?;
    Ok(Xml::new())
}

fn register_targets(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let arn = p.req("TargetGroupArn")?;
    let targets = targets(&p)?;
    cx.mutate(Cmd::RegisterTargets { arn, targets })?;
    Ok(Xml::new())
}

fn deregister_targets(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let arn = p.req("TargetGroupArn")?;
    let targets = targets(&p)?;
    cx.mutate(Cmd::DeregisterTargets { arn, targets })?;
    Ok(Xml::new())
}

fn describe_target_health(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let arn = p.req("TargetGroupArn")?;
    let targets = targets(&p)?;
    for include in members(&p, "Include")? {
        if include != "AnomalyDetection" && include != "All" {
            return Err(elb::validation(format!(
                "Include value '{include}' is not valid: it must be one of 'AnomalyDetection', 'All'"
            )));
        }
    }
    cx.read()?;
    let rows = elb::describe_target_health(cx.world(), cx.ctx(), &arn, &targets)?;
    let mut x = Xml::new();
    member_list(&mut x, "TargetHealthDescriptions", rows, |x, r| {
        x.node("Target", |x| {
            x.leaf("Id", &r.target.id)
                .opt("Port", r.target.port)
                .opt("AvailabilityZone", r.target.availability_zone.as_deref());
        });
        if !r.health_check_port.is_empty() {
            x.leaf("HealthCheckPort", &r.health_check_port);
        }
        x.node("TargetHealth", |x| {
            x.leaf("State", r.state)
                .opt("Reason", r.reason)
                .opt("Description", r.description);
        });
    });
    Ok(x)
}

// ---------------------------------------------------------------------------------------
// Listeners

fn create_listener(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let default_actions = member_structs(&p, "DefaultActions")?
        .into_iter()
        .map(|a| {
            let forward = a.nested("ForwardConfig");
            let mut forward_target_groups = Vec::new();
            for g in member_structs(&forward, "TargetGroups")? {
                forward_target_groups.push(g.req("TargetGroupArn")?);
                if let Some(w) = g.int("Weight")? {
                    if !(0..=999).contains(&w) {
                        return Err(elb::validation(format!(
                            "Target group weight '{w}' is not valid: it must be between 0 and 999"
                        )));
                    }
                }
            }
            let stickiness = forward.nested("TargetGroupStickinessConfig");
            if stickiness.bool("Enabled")? == Some(true) {
                return Err(elb::validation(
                    "Target group stickiness is not supported by network load balancers",
                ));
            }
            stickiness.int("DurationSeconds")?;
            a.int("Order")?;
            Ok(ActionSpec {
                action_type: a.req("Type")?,
                target_group_arn: a.str("TargetGroupArn"),
                forward_target_groups,
            })
        })
        .collect::<Result<_>>()?;
    let certificates = member_structs(&p, "Certificates")?
        .into_iter()
        .map(|c| {
            c.bool("IsDefault")?;
            c.req("CertificateArn")
        })
        .collect::<Result<_>>()?;
    let cmd = CreateListener {
        load_balancer_arn: p.req("LoadBalancerArn")?,
        protocol: p.str("Protocol"),
        port: p.int("Port")?,
        default_actions,
        ssl_policy: p.str("SslPolicy"),
        certificates,
        tags: tags(&p)?,
    };
    let arn = created_id(cx.mutate(Cmd::CreateListener(cmd))?)?;
    let l = cx
        .world()
        .listeners
        .get(&arn)
        .ok_or_else(|| elb::listener_not_found(&arn))?;
    let mut x = Xml::new();
    member_list(&mut x, "Listeners", [l], render_listener);
    Ok(x)
}

fn describe_listeners(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let lb = p.str("LoadBalancerArn");
    let arns = members(&p, "ListenerArns")?;
    let page = page(&p)?;
    cx.read()?;
    let found = elb::describe_listeners(cx.world(), cx.ctx(), lb.as_deref(), &arns)?;
    let (found, next) = page.take(found, |l| l.arn.clone());
    let mut x = Xml::new();
    member_list(&mut x, "Listeners", found, render_listener);
    x.opt("NextMarker", next);
    Ok(x)
}

fn delete_listener(cx: &mut Cx) -> Result<Xml> {
    let arn = cx.p().req("ListenerArn")?;
    cx.mutate(Cmd::DeleteListener { arn })?;
    Ok(Xml::new())
}

// ---------------------------------------------------------------------------------------
// Security groups and attributes

fn set_security_groups(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let arn = p.req("LoadBalancerArn")?;
    let security_groups = members(&p, "SecurityGroups")?;
    let enforce = p.str("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic");
    cx.mutate(Cmd::SetSecurityGroups {
        arn: arn.clone(),
        security_groups,
        enforce_inbound_on_privatelink: enforce,
    })?;
    let lb = elb::get_load_balancer(cx.world(), cx.ctx().scope(), &arn)?;
    let mut x = Xml::new();
    member_list(&mut x, "SecurityGroupIds", &lb.security_groups, |x, g| {
        x.raw(&escape(g));
    });
    x.leaf(
        "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic",
        lb.enforce_inbound_on_privatelink_value(),
    );
    Ok(x)
}

/// `Attributes.member.N.Key` / `.Value`.
fn attributes(p: &View) -> Result<Vec<(String, String)>> {
    member_structs(p, "Attributes")?
        .into_iter()
        .map(|a| Ok((a.req("Key")?, a.str("Value").unwrap_or_default())))
        .collect()
}

/// `<Attributes><member><Key/><Value/></member>…</Attributes>`.
fn render_attributes(attributes: Vec<(String, String)>) -> Xml {
    let mut x = Xml::new();
    member_list(&mut x, "Attributes", attributes, |x, (k, v)| {
        x.leaf("Key", k).leaf("Value", v);
    });
    x
}

fn load_balancer_attributes(cx: &Cx, arn: &str) -> Result<Xml> {
    let lb = elb::get_load_balancer(cx.world(), cx.ctx().scope(), arn)?;
    Ok(render_attributes(elb::load_balancer_attributes(lb)))
}

fn describe_load_balancer_attributes(cx: &mut Cx) -> Result<Xml> {
    let arn = cx.p().req("LoadBalancerArn")?;
    cx.read()?;
    load_balancer_attributes(cx, &arn)
}

fn modify_load_balancer_attributes(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let arn = p.req("LoadBalancerArn")?;
    let attributes = attributes(&p)?;
    let cmd = Cmd::ModifyLoadBalancerAttributes {
        arn: arn.clone(),
        attributes,
    };
    cx.mutate(cmd)?;
    load_balancer_attributes(cx, &arn)
}

fn target_group_attributes(cx: &Cx, arn: &str) -> Result<Xml> {
    let g = elb::get_target_group(cx.world(), cx.ctx().scope(), arn)?;
    Ok(render_attributes(elb::target_group_attributes(g)))
}

fn describe_target_group_attributes(cx: &mut Cx) -> Result<Xml> {
    let arn = cx.p().req("TargetGroupArn")?;
    cx.read()?;
    target_group_attributes(cx, &arn)
}

fn modify_target_group_attributes(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let arn = p.req("TargetGroupArn")?;
    let attributes = attributes(&p)?;
    let cmd = Cmd::ModifyTargetGroupAttributes {
        arn: arn.clone(),
        attributes,
    };
    cx.mutate(cmd)?;
    target_group_attributes(cx, &arn)
}

fn listener_attributes(cx: &Cx, arn: &str) -> Result<Xml> {
    let w = cx.world();
    let l = elb::get_listener(w, cx.ctx().scope(), arn)?;
    Ok(render_attributes(elb::listener_attributes(w, l)))
}

fn describe_listener_attributes(cx: &mut Cx) -> Result<Xml> {
    let arn = cx.p().req("ListenerArn")?;
    cx.read()?;
    listener_attributes(cx, &arn)
}

fn modify_listener_attributes(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let arn = p.req("ListenerArn")?;
    let attributes = attributes(&p)?;
    let cmd = Cmd::ModifyListenerAttributes {
        arn: arn.clone(),
        attributes,
    };
    cx.mutate(cmd)?;
    listener_attributes(cx, &arn)
}

// ---------------------------------------------------------------------------------------
// Tags

fn add_tags(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let arns = members(&p, "ResourceArns")?;
    let tags = tags(&p)?;
    cx.mutate(Cmd::AddTags { arns, tags })?;
    Ok(Xml::new())
}

fn remove_tags(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let arns = members(&p, "ResourceArns")?;
    let keys = members(&p, "TagKeys")?;
    cx.mutate(Cmd::RemoveTags { arns, keys })?;
    Ok(Xml::new())
}

fn describe_tags(cx: &mut Cx) -> Result<Xml> {
    let arns = members(&cx.p(), "ResourceArns")?;
    cx.read()?;
    let rows = elb::describe_tags(cx.world(), cx.ctx(), &arns)?;
    let mut x = Xml::new();
    member_list(&mut x, "TagDescriptions", rows, |x, (arn, set)| {
        x.leaf("ResourceArn", &arn);
        member_list(x, "Tags", &set, |x, (k, v)| {
            x.leaf("Key", k).leaf("Value", v);
        });
    });
    Ok(x)
}

#[cfg(test)]
mod tests;
