//! Target groups and their targets: create, describe, delete, register, deregister, health.

use openvpc_core::elb::{self, Cmd, CreateTargetGroup, HealthCheckInput, TargetGroup};
use openvpc_core::{Result, World};

use super::{member_list, members, page, tags, targets, Cx};
use crate::actions::created_id;
use crate::xml::{escape, Xml};

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

pub(super) fn create_target_group(cx: &mut Cx) -> Result<Xml> {
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

pub(super) fn describe_target_groups(cx: &mut Cx) -> Result<Xml> {
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

pub(super) fn delete_target_group(cx: &mut Cx) -> Result<Xml> {
    let arn = cx.p().req("TargetGroupArn")?;
    cx.mutate(Cmd::DeleteTargetGroup { arn })?;
    Ok(Xml::new())
}

pub(super) fn register_targets(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let arn = p.req("TargetGroupArn")?;
    let targets = targets(&p)?;
    cx.mutate(Cmd::RegisterTargets { arn, targets })?;
    Ok(Xml::new())
}

pub(super) fn deregister_targets(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let arn = p.req("TargetGroupArn")?;
    let targets = targets(&p)?;
    cx.mutate(Cmd::DeregisterTargets { arn, targets })?;
    Ok(Xml::new())
}

pub(super) fn describe_target_health(cx: &mut Cx) -> Result<Xml> {
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
