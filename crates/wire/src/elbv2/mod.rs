//! The Elastic Load Balancing v2 Query wire (API version 2015-12-01).
//!
//! Served on the EC2 endpoint and chosen by the SigV4 service name `elasticloadbalancing`
//! (unsigned requests: by `Version=2015-12-01`). Plain AWS Query protocol: lists are
//! `Name.member.N` on the way in and `<Name><member>…</member></Name>` on the way out;
//! responses wrap an `<ActionResult>` and a `<ResponseMetadata>`; errors are
//! `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
//!
//! This file holds the action table, the dispatch, the error document and the helpers the
//! actions share; each resource's actions have their file (`load_balancers`, `target_groups`,
//! `listeners`, `attributes`, `tags`).

use base64::Engine;
use openvpc_core::elb::{self, Cmd, TargetSpec};
use openvpc_core::{ApiError, Command, Ctx, ErrorCode, Output, Result, World};

use crate::errors::query_result;
use crate::params::{Page, Params, View};
use crate::xml::Xml;
use crate::{Backend, Response};

mod attributes;
mod listeners;
mod load_balancers;
mod tags;
mod target_groups;

use attributes::{
    describe_listener_attributes, describe_load_balancer_attributes,
    describe_target_group_attributes, modify_listener_attributes, modify_load_balancer_attributes,
    modify_target_group_attributes,
};
use listeners::{create_listener, delete_listener, describe_listeners};
use load_balancers::{
    create_load_balancer, delete_load_balancer, describe_load_balancers, set_security_groups,
};
use tags::{add_tags, describe_tags, remove_tags};
use target_groups::{
    create_target_group, delete_target_group, deregister_targets, describe_target_groups,
    describe_target_health, register_targets,
};

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
// Decoding and rendering helpers the actions share

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

#[cfg(test)]
mod tests;
