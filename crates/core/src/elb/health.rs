//! DescribeTargetHealth: no health checks run, so a target is `healthy` while a listener of
//! an active load balancer forwards to its group and it sits in one of that load balancer's
//! zones (or `all`); otherwise `unused`, with AWS's reason [I].

use std::net::Ipv4Addr;

use super::arns::get_target_group;
use super::checks::port_of;
use super::model::{LoadBalancer, Target, TargetGroup, TargetHealthRow, TargetSpec};
use crate::eni::InstanceState;
use crate::error::Result;
use crate::world::{Ctx, World};

/// The Availability Zone a registered target sits in, if known (`all` for any zone).
fn target_zone(w: &World, group: &TargetGroup, t: &Target) -> Option<String> {
    if let Some(z) = &t.availability_zone {
        return Some(z.clone());
    }
    if group.target_type == "instance" {
        let instance = w.instances.get(&t.id)?;
        return w
            .subnets
            .get(&instance.subnet_id)
            .map(|s| s.availability_zone.clone());
    }
    let ip: Ipv4Addr = t.id.parse().ok()?;
    w.subnets
        .values()
        .find(|s| s.vpc_id == group.vpc_id && s.cidr.is_some_and(|c| c.contains(&ip)))
        .map(|s| s.availability_zone.clone())
}

/// The health of one registered target as of `ctx.now`.
fn health_of(w: &World, ctx: &Ctx, group: &TargetGroup, t: &Target) -> TargetHealthRow {
    let port = t.port.unwrap_or(group.port);
    let row = |state, reason, description| TargetHealthRow {
        target: t.clone(),
        health_check_port: if group.health_check.port == "traffic-port" {
            port.to_string()
        } else {
            group.health_check.port.clone()
        },
        state,
        reason,
        description,
    };
    if group.target_type == "instance" {
        let running = w
            .instances
            .get(&t.id)
            .is_some_and(|i| i.state == InstanceState::Running);
        if !running {
            return row(
                "unused",
                Some("Target.InvalidState"),
                Some("Target is in the stopped state"),
            );
        }
    }
    let serving: Vec<&LoadBalancer> = w
        .listeners
        .values()
        .filter(|l| l.target_group_arn == group.arn)
        .filter_map(|l| w.load_balancers.get(&l.load_balancer_arn))
        .filter(|lb| lb.is_active(ctx.now))
        .collect();
    if serving.is_empty() {
        return row(
            "unused",
            Some("Target.NotInUse"),
            Some("Target group is not configured to receive traffic from the load balancer"),
        );
    }
    let zone = target_zone(w, group, t);
    let in_zone = match zone.as_deref() {
        Some("all") => true,
        Some(z) => serving
            .iter()
            .any(|lb| lb.subnets.iter().any(|s| s.availability_zone == z)),
        None => false,
    };
    if !in_zone {
        return row(
            "unused",
            Some("Target.NotInUse"),
            Some("Target is in an Availability Zone that is not enabled for the load balancer"),
        );
    }
    row("healthy", None, None)
}

/// DescribeTargetHealth: every registered target, or the given ones (unregistered ones
/// reported `unused` / `Target.NotRegistered`).
pub fn describe_target_health(
    w: &World,
    ctx: &Ctx,
    arn: &str,
    targets: &[TargetSpec],
) -> Result<Vec<TargetHealthRow>> {
    let group = get_target_group(w, ctx.scope(), arn)?;
    if targets.is_empty() {
        return Ok(group
            .targets
            .iter()
            .map(|t| health_of(w, ctx, group, t))
            .collect());
    }
    let mut rows = Vec::new();
    for spec in targets {
        let port = match spec.port {
            None => None,
            Some(p) => Some(port_of(p, "Target port")?),
        };
        let registered: Vec<&Target> = group
            .targets
            .iter()
            .filter(|t| t.id == spec.id && (port.is_none() || t.port == port))
            .collect();
        if registered.is_empty() {
            rows.push(TargetHealthRow {
                target: Target {
                    id: spec.id.clone(),
                    port: Some(port.unwrap_or(group.port)),
                    availability_zone: spec.availability_zone.clone(),
                },
                health_check_port: String::new(),
                state: "unused",
                reason: Some("Target.NotRegistered"),
                description: Some("Target is not registered to the target group"),
            });
        }
        for t in registered {
            rows.push(health_of(w, ctx, group, t));
        }
    }
    Ok(rows)
}
