//! RegisterTargets and DeregisterTargets: instance targets (running, in the group's VPC) and
//! IP targets (in the VPC, or private addresses outside it with the zone `all`). All or
//! nothing: one bad target leaves the group unchanged.

use std::net::Ipv4Addr;

use super::arns::{get_target_group, invalid_target, validation};
use super::checks::port_of;
use super::model::{Target, TargetGroup, TargetSpec};
use crate::eni::InstanceState;
use crate::error::Result;
use crate::world::{Ctx, World};
use crate::{cidr, Output};

/// Resolves given targets against a group: the registered form of each. Only
/// `registering` checks that the targets exist and may join.
fn resolve(
    w: &World,
    ctx: &Ctx,
    group: &TargetGroup,
    specs: &[TargetSpec],
    registering: bool,
) -> Result<Vec<Target>> {
    if specs.is_empty() {
        return Err(validation("At least one target must be specified"));
    }
    let mut out = Vec::new();
    for spec in specs {
        let port = match spec.port {
            None => group.port,
            Some(p) => port_of(p, "Target port")?,
        };
        let target = if group.target_type == "instance" {
            resolve_instance(w, ctx, group, spec, registering)?
        } else {
            resolve_ip(w, ctx, group, spec, registering)?
        };
        out.push(Target {
            port: Some(port),
            ..target
        });
    }
    Ok(out)
}

/// An instance target: a well-formed id without a zone; when registering, a running
/// instance of the caller in the group's VPC.
fn resolve_instance(
    w: &World,
    ctx: &Ctx,
    group: &TargetGroup,
    spec: &TargetSpec,
    registering: bool,
) -> Result<Target> {
    let id = spec.id.clone();
    if !crate::ids::is_well_formed(&id, "i") {
        return Err(validation(format!("Instance ID '{id}' is not valid")));
    }
    if spec.availability_zone.is_some() {
        return Err(validation(
            "An Availability Zone cannot be specified for targets of type 'instance'",
        ));
    }
    if registering {
        let instance = w.instances.get_in(ctx.scope(), &id).ok_or_else(|| {
            invalid_target(format!(
                "The following targets are not valid instances: '{id}'"
            ))
        })?;
        if instance.vpc_id != group.vpc_id {
            return Err(invalid_target(format!(
                "The following targets are not in the target group VPC '{}': '{id}'",
                group.vpc_id
            )));
        }
        if instance.state != InstanceState::Running {
            return Err(invalid_target(format!(
                "The following targets are not in a running state and cannot be registered: '{id}'"
            )));
        }
    }
    Ok(Target {
        id,
        port: None,
        availability_zone: None,
    })
}

/// An IP target: an IPv4 address with an optional zone of the Region (or `all`); when
/// registering, in the group's VPC, or a private address outside it with the zone `all`.
fn resolve_ip(
    w: &World,
    ctx: &Ctx,
    group: &TargetGroup,
    spec: &TargetSpec,
    registering: bool,
) -> Result<Target> {
    let id = spec.id.clone();
    let ip: Ipv4Addr = id.parse().map_err(|_| {
        invalid_target(format!(
            "The following targets are not valid IPv4 addresses: '{id}'"
        ))
    })?;
    let zone = spec.availability_zone.clone();
    if let Some(z) = &zone {
        let zones = w.config.zone_names(ctx.account(), ctx.region());
        if z != "all" && !zones.contains(z) {
            return Err(validation(format!(
                "Availability Zone '{z}' is not valid: it must be 'all' or a zone of {}",
                ctx.region()
            )));
        }
    }
    if registering {
        let vpc = w.vpcs.get(&group.vpc_id);
        let in_vpc = vpc.is_some_and(|v| v.contains_v4(ip));
        let private = cidr::is_rfc1918(ip)
            || cidr::parse_v4("100.64.0.0/10").is_some_and(|n| n.contains(&ip));
        if !in_vpc && zone.as_deref() != Some("all") {
            return Err(invalid_target(format!(
                "The following targets are not in the target group VPC '{}': '{id}'; an address outside the VPC needs the Availability Zone 'all'",
                group.vpc_id
            )));
        }
        if !in_vpc && !private {
            return Err(invalid_target(format!(
                "The following targets are not private IPv4 addresses: '{id}'"
            )));
        }
    }
    Ok(Target {
        id,
        port: None,
        availability_zone: zone,
    })
}

/// Whether two targets are the same registration (id and port).
fn same_target(a: &Target, b: &Target) -> bool {
    a.id == b.id && a.port == b.port
}

/// RegisterTargets: registering again updates the zone.
pub(super) fn register(
    w: &mut World,
    ctx: &Ctx,
    arn: &str,
    specs: &[TargetSpec],
) -> Result<Output> {
    let group = get_target_group(w, ctx.scope(), arn)?;
    let targets = resolve(w, ctx, group, specs, true)?;
    let group = w.target_groups.get_mut(arn).expect("checked");
    for t in targets {
        match group.targets.iter_mut().find(|x| same_target(x, &t)) {
            Some(existing) => existing.availability_zone = t.availability_zone,
            None => group.targets.push(t),
        }
    }
    Ok(Output::Done)
}

/// DeregisterTargets: every target must be registered.
pub(super) fn deregister(
    w: &mut World,
    ctx: &Ctx,
    arn: &str,
    specs: &[TargetSpec],
) -> Result<Output> {
    let group = get_target_group(w, ctx.scope(), arn)?;
    let targets = resolve(w, ctx, group, specs, false)?;
    let missing: Vec<&str> = targets
        .iter()
        .filter(|t| !group.targets.iter().any(|x| same_target(x, t)))
        .map(|t| t.id.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(invalid_target(format!(
            "The following targets are not registered in target group '{}': '{}'",
            group.name,
            missing.join("', '")
        )));
    }
    let group = w.target_groups.get_mut(arn).expect("checked");
    group
        .targets
        .retain(|x| !targets.iter().any(|t| same_target(x, t)));
    Ok(Output::Done)
}
