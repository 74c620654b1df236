//! CreateTargetGroup and DeleteTargetGroup: protocol, port, target type and health-check
//! settings with their defaults.

use super::arns::{check_arn, validation};
use super::checks::{check_name, check_tags, in_range, port_of, random_hex, tag_set};
use super::model::{ArnKind, CreateTargetGroup, HealthCheck, HealthCheckInput, TargetGroup};
use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::tags::TagSet;
use crate::world::{Ctx, World};
use crate::Output;

/// The protocols a target group may have.
const TG_PROTOCOLS: &[&str] = &["TCP", "UDP", "TCP_UDP", "TLS", "GENEVE"];

/// The group a create asks for (without its ARN) and the caller's group of that name, if any.
fn plan(w: &World, ctx: &Ctx, c: &CreateTargetGroup) -> Result<(TargetGroup, Option<String>)> {
    check_name(&c.name, "Target group")?;
    let target_type = target_type_of(c.target_type.as_deref())?;
    let (protocol, port) = protocol_and_port(c)?;
    let vpc_id = c
        .vpc_id
        .clone()
        .ok_or_else(|| validation("A VPC ID must be specified"))?;
    if w.vpcs.get_in(ctx.scope(), &vpc_id).is_none() {
        return Err(validation(format!("The VPC ID '{vpc_id}' is not found")));
    }
    let ip_address_type = ip_address_type_of(c.ip_address_type.as_deref(), target_type)?;
    let health_check = health_check_of(&c.health_check, protocol)?;
    let group = TargetGroup {
        arn: String::new(),
        scope: ctx.scope().clone(),
        name: c.name.clone(),
        protocol: protocol.to_string(),
        port,
        vpc_id,
        target_type: target_type.to_string(),
        ip_address_type: ip_address_type.to_string(),
        health_check,
        targets: Vec::new(),
        attributes: Default::default(),
        created: ctx.now,
        tags: tag_set(&c.tags),
    };
    let existing = w
        .target_groups
        .in_scope(ctx.scope())
        .find(|g| g.name == c.name)
        .map(|g| g.arn.clone());
    Ok((group, existing))
}

/// `TargetType`: `instance` (the default) or `ip`.
fn target_type_of(given: Option<&str>) -> Result<&'static str> {
    match given {
        None | Some("instance") => Ok("instance"),
        Some("ip") => Ok("ip"),
        Some(t @ ("lambda" | "alb")) => Err(validation(format!(
            "Target type '{t}' is not supported: use 'instance' or 'ip'"
        ))),
        Some(other) => Err(validation(format!(
            "Target type '{other}' is not valid: it must be one of 'instance', 'ip'"
        ))),
    }
}

/// `Protocol` and `Port`, both required; GENEVE groups use port 6081.
fn protocol_and_port(c: &CreateTargetGroup) -> Result<(&str, u16)> {
    let protocol = c
        .protocol
        .as_deref()
        .ok_or_else(|| validation("A protocol must be specified"))?;
    if !TG_PROTOCOLS.contains(&protocol) {
        return Err(validation(format!(
            "Target group protocol '{protocol}' is not supported: it must be one of {}",
            TG_PROTOCOLS.join(", ")
        )));
    }
    let port = port_of(
        c.port
            .ok_or_else(|| validation("A port must be specified"))?,
        "Port",
    )?;
    if protocol == "GENEVE" && port != 6081 {
        return Err(validation(
            "Target groups with the GENEVE protocol must use port 6081",
        ));
    }
    Ok((protocol, port))
}

/// `IpAddressType`: `ipv4` (the default), or `ipv6` for `ip` targets.
fn ip_address_type_of(given: Option<&str>, target_type: &str) -> Result<&'static str> {
    match given {
        None | Some("ipv4") => Ok("ipv4"),
        Some("ipv6") if target_type == "ip" => Ok("ipv6"),
        Some("ipv6") => Err(validation(
            "The IP address type 'ipv6' is only supported for target groups of target type 'ip'",
        )),
        Some(other) => Err(validation(format!(
            "IP address type '{other}' is not valid: it must be one of 'ipv4', 'ipv6'"
        ))),
    }
}

/// The health-check settings with AWS's defaults (TCP unless HTTP(S) is asked for; a path
/// and matcher only for HTTP(S)).
fn health_check_of(h: &HealthCheckInput, protocol: &str) -> Result<HealthCheck> {
    let hc_protocol = h.protocol.clone().unwrap_or_else(|| "TCP".to_string());
    if !["TCP", "HTTP", "HTTPS"].contains(&hc_protocol.as_str()) {
        return Err(validation(format!(
            "Health check protocol '{hc_protocol}' is not valid: it must be one of 'TCP', 'HTTP', 'HTTPS'"
        )));
    }
    let http = hc_protocol != "TCP";
    let hc_port = match h.port.as_deref() {
        None if protocol == "GENEVE" => "80".to_string(),
        None | Some("traffic-port") => "traffic-port".to_string(),
        Some(raw) => {
            let n: i64 = raw.parse().map_err(|_| {
                validation(format!(
                    "Health check port '{raw}' is not valid: it must be 'traffic-port' or a port number"
                ))
            })?;
            port_of(n, "Health check port")?.to_string()
        }
    };
    if !http && (h.path.is_some() || h.matcher.is_some()) {
        return Err(validation(
            "A health check path or matcher can only be specified for HTTP or HTTPS health checks",
        ));
    }
    let interval = in_range(h.interval_seconds, 30, 5, 300, "Health check interval")?;
    let timeout = in_range(
        h.timeout_seconds,
        if http { 6 } else { 10 },
        2,
        120,
        "Health check timeout",
    )?;
    if timeout >= interval {
        return Err(validation(
            "Health check timeout must be smaller than the health check interval",
        ));
    }
    let healthy = in_range(h.healthy_threshold, 5, 2, 10, "Healthy threshold count")?;
    let unhealthy = in_range(h.unhealthy_threshold, 2, 2, 10, "Unhealthy threshold count")?;
    Ok(HealthCheck {
        enabled: h.enabled.unwrap_or(true),
        protocol: hc_protocol,
        port: hc_port,
        path: http.then(|| h.path.clone().unwrap_or_else(|| "/".to_string())),
        interval_seconds: interval,
        timeout_seconds: timeout,
        healthy_threshold: healthy,
        unhealthy_threshold: unhealthy,
        matcher: http.then(|| h.matcher.clone().unwrap_or_else(|| "200-399".to_string())),
    })
}

/// CreateTargetGroup: the same settings under an existing name return that group.
pub(super) fn create(w: &mut World, ctx: &Ctx, c: CreateTargetGroup) -> Result<Output> {
    let (mut group, existing) = plan(w, ctx, &c)?;
    if let Some(arn) = existing {
        let old = w.target_groups.get(&arn).expect("listed");
        let same = old.protocol == group.protocol
            && old.port == group.port
            && old.vpc_id == group.vpc_id
            && old.target_type == group.target_type
            && old.ip_address_type == group.ip_address_type
            && old.health_check == group.health_check;
        if same {
            return Ok(Output::Id(arn));
        }
        return Err(ApiError::new(
            ErrorCode::DuplicateTargetGroupName,
            format!(
                "A target group with the same name '{}' exists, but with different settings",
                c.name
            ),
        ));
    }
    check_tags(&c.tags, &TagSet::new())?;
    check_quota(w, ctx)?;
    let hex = random_hex(w);
    group.arn = format!(
        "arn:aws:elasticloadbalancing:{}:{}:targetgroup/{}/{hex}",
        ctx.region(),
        ctx.account(),
        c.name
    );
    let arn = group.arn.clone();
    w.target_groups.insert(group);
    Ok(Output::Id(arn))
}

/// The configured target-groups-per-Region quota, if any.
fn check_quota(w: &World, ctx: &Ctx) -> Result<()> {
    let Some(limit) = w
        .config
        .quotas
        .limit(ctx.account(), quota::TARGET_GROUPS_PER_REGION)
    else {
        return Ok(());
    };
    if w.target_groups.count_in(ctx.scope()) >= limit as usize {
        return Err(ApiError::new(
            ErrorCode::TooManyTargetGroups,
            format!("The quota for the number of target groups has been reached ({limit})"),
        ));
    }
    Ok(())
}

/// DeleteTargetGroup; refused while a listener forwards to it. Like DeleteLoadBalancer,
/// deleting a group that does not exist succeeds [I].
pub(super) fn delete(w: &mut World, ctx: &Ctx, arn: &str) -> Result<Output> {
    check_arn(arn, ArnKind::TargetGroup)?;
    if w.target_groups.get_in(ctx.scope(), arn).is_none() {
        return Ok(Output::Done);
    }
    if w.listeners.values().any(|l| l.target_group_arn == arn) {
        return Err(ApiError::new(
            ErrorCode::ResourceInUse,
            format!("Target group '{arn}' is currently in use by a listener or a rule"),
        ));
    }
    w.target_groups.remove(arn);
    Ok(Output::Done)
}
