//! Option sets: CreateDhcpOptions, DeleteDhcpOptions, AssociateDhcpOptions and the scope's
//! default set.

use crate::error::{ApiError, Result};
use crate::ids::Kind;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::{vpc, Output};

use super::model::DhcpOptions;
use super::validate::check_configurations;

/// The caller's option set `id`, or `InvalidDhcpOptionID.NotFound`.
pub fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w DhcpOptions> {
    w.dhcp_options
        .get_in(scope, id)
        .ok_or_else(|| Kind::DhcpOptions.not_found(id))
}

/// CreateDhcpOptions.
pub(super) fn create(
    w: &mut World,
    ctx: &Ctx,
    configurations: Vec<(String, Vec<String>)>,
    specs: &[TagSpec],
) -> Result<Output> {
    let scope = ctx.scope();
    check_configurations(&configurations)?;
    tags::check_specs(specs, "dhcp-options")?;
    let id = w.ids.id(Kind::DhcpOptions);
    w.dhcp_options.insert(DhcpOptions {
        id: id.clone(),
        scope: scope.clone(),
        configurations,
        is_default: false,
    });
    tags::apply_specs(w, scope, &id, specs);
    Ok(Output::Id(id))
}

/// DeleteDhcpOptions: not while any VPC uses the set.
pub(super) fn delete(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    get(w, ctx.scope(), id)?;
    if w.vpcs.values().any(|v| v.dhcp_options_id == id) {
        return Err(ApiError::dependency(format!(
            "The dhcpOptions '{id}' has dependencies and cannot be deleted."
        )));
    }
    w.dhcp_options.remove(id);
    tags::forget(w, id);
    Ok(Output::Done)
}

/// AssociateDhcpOptions: a set of the caller, or `default` for the scope's default set.
pub(super) fn associate(
    w: &mut World,
    ctx: &Ctx,
    dhcp_options_id: String,
    vpc_id: &str,
) -> Result<Output> {
    let scope = ctx.scope();
    vpc::get(w, scope, vpc_id)?;
    let id = if dhcp_options_id == "default" {
        default_for(w, scope)
    } else {
        get(w, scope, &dhcp_options_id)?;
        dhcp_options_id
    };
    w.vpcs.get_mut(vpc_id).expect("checked").dhcp_options_id = id;
    Ok(Output::Done)
}

/// The scope's default option set, created on first use.
pub fn default_for(w: &mut World, scope: &Scope) -> String {
    if let Some(d) = w.dhcp_options.in_scope(scope).find(|d| d.is_default) {
        return d.id.clone();
    }
    let id = w.ids.id(Kind::DhcpOptions);
    let domain = if scope.region == "us-east-1" {
        "ec2.internal".to_string()
    } else {
        format!("{}.compute.internal", scope.region)
    };
    w.dhcp_options.insert(DhcpOptions {
        id: id.clone(),
        scope: scope.clone(),
        configurations: vec![
            ("domain-name".into(), vec![domain]),
            (
                "domain-name-servers".into(),
                vec!["AmazonProvidedDNS".into()],
            ),
        ],
        is_default: true,
    });
    id
}
