//! Listeners: create, describe, delete.

use openvpc_core::elb::{self, ActionSpec, Cmd, CreateListener, Listener};
use openvpc_core::Result;

use super::{member_list, member_structs, members, page, tags, Cx};
use crate::actions::created_id;
use crate::xml::Xml;

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

pub(super) fn create_listener(cx: &mut Cx) -> Result<Xml> {
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

pub(super) fn describe_listeners(cx: &mut Cx) -> Result<Xml> {
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

pub(super) fn delete_listener(cx: &mut Cx) -> Result<Xml> {
    let arn = cx.p().req("ListenerArn")?;
    cx.mutate(Cmd::DeleteListener { arn })?;
    Ok(Xml::new())
}
