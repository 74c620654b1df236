//! Attributes of load balancers, target groups and listeners: describe and modify.

use openvpc_core::elb::{self, Cmd};
use openvpc_core::Result;

use super::{member_list, member_structs, Cx};
use crate::params::View;
use crate::xml::Xml;

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

pub(super) fn describe_load_balancer_attributes(cx: &mut Cx) -> Result<Xml> {
    let arn = cx.p().req("LoadBalancerArn")?;
    cx.read()?;
    load_balancer_attributes(cx, &arn)
}

pub(super) fn modify_load_balancer_attributes(cx: &mut Cx) -> Result<Xml> {
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

pub(super) fn describe_target_group_attributes(cx: &mut Cx) -> Result<Xml> {
    let arn = cx.p().req("TargetGroupArn")?;
    cx.read()?;
    target_group_attributes(cx, &arn)
}

pub(super) fn modify_target_group_attributes(cx: &mut Cx) -> Result<Xml> {
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

pub(super) fn describe_listener_attributes(cx: &mut Cx) -> Result<Xml> {
    let arn = cx.p().req("ListenerArn")?;
    cx.read()?;
    listener_attributes(cx, &arn)
}

pub(super) fn modify_listener_attributes(cx: &mut Cx) -> Result<Xml> {
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
