//! Security groups themselves: lookups (by id, or by name in the default VPC), create and
//! delete, and the groups and rules every VPC and group starts with (§6).

use super::model::{GroupRef, Peer, Rule, SecurityGroup};
use super::references::referenced_by;
use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::protocol::Protocol;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::Output;

/// Characters AWS allows in group names, descriptions and rule descriptions, besides
/// letters, digits and spaces.
pub(super) const NAME_CHARS: &str = "._-:/()#,@[]+=&;{}!$*";

/// The caller's group `id`, or `InvalidGroup.NotFound`.
pub fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w SecurityGroup> {
    w.security_groups
        .get_in(scope, id)
        .ok_or_else(|| Kind::SecurityGroup.not_found(id))
}

/// The caller's groups `ids` are all in `vpc_id`: a missing one is `InvalidGroup.NotFound`,
/// one in another VPC is refused with `elsewhere(id)` (each API words it its own way).
pub fn check_in_vpc(
    w: &World,
    scope: &Scope,
    ids: &[String],
    vpc_id: &str,
    elsewhere: impl Fn(&str) -> ApiError,
) -> Result<()> {
    for id in ids {
        if get(w, scope, id)?.vpc_id != vpc_id {
            return Err(elsewhere(id));
        }
    }
    Ok(())
}

/// The scope's default VPC id, or `VPCIdNotSpecified`.
fn default_vpc(w: &World, scope: &Scope) -> Result<String> {
    w.vpcs
        .in_scope(scope)
        .find(|v| v.is_default)
        .map(|v| v.id.clone())
        .ok_or_else(|| ApiError::new(ErrorCode::VPCIdNotSpecified, "No default VPC for this user"))
}

/// A group by name in the scope's default VPC.
pub fn by_name_in_default_vpc<'w>(
    w: &'w World,
    scope: &Scope,
    name: &str,
) -> Result<&'w SecurityGroup> {
    let vpc_id = default_vpc(w, scope)?;
    w.security_groups
        .in_scope(scope)
        .find(|g| g.vpc_id == vpc_id && g.name == name)
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::InvalidGroupNotFound,
                format!("The security group '{name}' does not exist in default VPC '{vpc_id}'"),
            )
        })
}

/// The group a command names.
pub(super) fn resolve<'w>(
    w: &'w World,
    scope: &Scope,
    group: &GroupRef,
) -> Result<&'w SecurityGroup> {
    match group {
        GroupRef::Id(id) => get(w, scope, id),
        GroupRef::Name(name) => by_name_in_default_vpc(w, scope, name),
    }
}

/// A group name or description: at most 255 ASCII characters of AWS's set.
fn check_text(param: &str, value: &str) -> Result<()> {
    if value.chars().count() > 255 {
        return Err(ApiError::invalid_value(format!(
            "Value ({value}) for parameter {param} is invalid. Length exceeds maximum of 255 characters."
        )));
    }
    if !value.is_ascii() {
        return Err(ApiError::invalid_value(format!(
            "Value ({value}) for parameter {param} is invalid. Character sets beyond ASCII are not supported."
        )));
    }
    let ok = value
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || NAME_CHARS.contains(c));
    if !ok {
        return Err(ApiError::invalid_value(format!(
            "Value ({value}) for parameter {param} is invalid. Valid characters are a-z, A-Z, 0-9, spaces, and {NAME_CHARS}"
        )));
    }
    Ok(())
}

/// The name and description of a new group: both given, valid text, the name neither
/// `sg-*` nor `default`.
fn check_name(name: &str, description: &str) -> Result<()> {
    if name.is_empty() {
        return Err(ApiError::missing("GroupName"));
    }
    if description.is_empty() {
        return Err(ApiError::missing("GroupDescription"));
    }
    check_text("GroupName", name)?;
    check_text("GroupDescription", description)?;
    if Kind::SecurityGroup.names(&name.to_ascii_lowercase()) {
        return Err(ApiError::invalid_value(format!(
            "Value ({name}) for parameter GroupName is invalid. Group names may not be in the format sg-*."
        )));
    }
    if name == "default" {
        return Err(ApiError::new(
            ErrorCode::InvalidGroupReserved,
            "The security group 'default' is reserved",
        ));
    }
    Ok(())
}

/// A name is unique within its VPC, and the VPC has room for one more group.
fn check_room(w: &World, ctx: &Ctx, vpc_id: &str, name: &str) -> Result<()> {
    // A VPC's groups are in its owner's scope.
    if w.security_groups
        .in_scope(ctx.scope())
        .any(|g| g.vpc_id == vpc_id && g.name == name)
    {
        return Err(ApiError::new(
            ErrorCode::InvalidGroupDuplicate,
            format!("The security group '{name}' already exists for VPC '{vpc_id}'"),
        ));
    }
    if let Some(limit) = w
        .config
        .quotas
        .limit(ctx.account(), quota::SECURITY_GROUPS_PER_VPC)
    {
        let count = w
            .security_groups
            .values()
            .filter(|g| g.vpc_id == vpc_id)
            .count();
        if count >= limit as usize {
            return Err(ApiError::new(
                ErrorCode::SecurityGroupLimitExceeded,
                format!(
                    "The maximum number of security groups for VPC '{vpc_id}' has been reached."
                ),
            ));
        }
    }
    Ok(())
}

/// CreateSecurityGroup: in the given VPC or the default one; no inbound rules, all
/// outbound traffic allowed.
pub(super) fn create(
    w: &mut World,
    ctx: &Ctx,
    name: &str,
    description: &str,
    vpc_id: Option<String>,
    specs: &[TagSpec],
) -> Result<Output> {
    let scope = ctx.scope();
    check_name(name, description)?;
    let vpc_id = match vpc_id {
        Some(id) => crate::vpc::get(w, scope, &id)?.id.clone(),
        None => default_vpc(w, scope)?,
    };
    check_room(w, ctx, &vpc_id, name)?;
    tags::check_specs(specs, "security-group")?;
    let id = w.ids.id(Kind::SecurityGroup);
    let egress = default_egress(w, &vpc_id);
    w.security_groups.insert(SecurityGroup {
        id: id.clone(),
        scope: scope.clone(),
        vpc_id,
        name: name.to_string(),
        description: description.to_string(),
        ingress: Vec::new(),
        egress,
    });
    tags::apply_specs(w, scope, &id, specs);
    Ok(Output::Id(id))
}

/// DeleteSecurityGroup: not a VPC's default group, not while another group of its VPC
/// references it (stale references aside; references from peered VPCs become stale), an
/// interface uses it or an interface endpoint holds it.
pub(super) fn delete(w: &mut World, ctx: &Ctx, group: &GroupRef) -> Result<Output> {
    let g = resolve(w, ctx.scope(), group)?;
    let id = g.id.clone();
    let is_default = w
        .vpcs
        .get(&g.vpc_id)
        .is_some_and(|v| v.default_security_group_id == id);
    if is_default {
        return Err(ApiError::new(
            ErrorCode::CannotDelete,
            format!(
                "the specified group: \"{id}\" name: \"{}\" cannot be deleted by a user",
                g.name
            ),
        ));
    }
    if referenced_by(w, &id).is_some()
        || w.network_interfaces
            .values()
            .any(|e| e.groups.iter().any(|gid| gid == &id))
        || w.security_group_used_by_endpoint(&id)
    {
        return Err(ApiError::dependency(format!(
            "resource {id} has a dependent object"
        )));
    }
    let removed = w.security_groups.remove(&id).expect("resolved");
    for r in removed.ingress.iter().chain(removed.egress.iter()) {
        tags::forget(w, &r.rule_id);
    }
    tags::forget(w, &id);
    Ok(Output::Id(id))
}

/// Creates the VPC's default group: inbound from itself, outbound to everywhere.
pub fn create_default(w: &mut World, scope: &Scope, vpc_id: &str) -> String {
    let id = w.ids.id(Kind::SecurityGroup);
    let ingress = vec![Rule {
        rule_id: w.ids.id(Kind::SecurityGroupRule),
        protocol: Protocol::All,
        from_port: None,
        to_port: None,
        peer: Peer::Group {
            group_id: id.clone(),
            user_id: scope.account.clone(),
            vpc_id: None,
            vpc_peering_connection_id: None,
        },
        description: None,
    }];
    let egress = default_egress(w, vpc_id);
    w.security_groups.insert(SecurityGroup {
        id: id.clone(),
        scope: scope.clone(),
        vpc_id: vpc_id.to_string(),
        name: "default".into(),
        description: "default VPC security group".into(),
        ingress,
        egress,
    });
    id
}

/// The outbound rules a new group of `vpc_id` starts with: all to 0.0.0.0/0, and all to
/// ::/0 when the VPC has IPv6.
fn default_egress(w: &mut World, vpc_id: &str) -> Vec<Rule> {
    let has_ipv6 = w.vpcs.get(vpc_id).is_some_and(|v| !v.ipv6_cidrs.is_empty());
    let mut egress = vec![allow_all_egress_v4(w)];
    if has_ipv6 {
        egress.push(allow_all_egress_v6(w));
    }
    egress
}

/// The egress rule every new group starts with: all traffic to 0.0.0.0/0.
pub fn allow_all_egress_v4(w: &mut World) -> Rule {
    Rule {
        rule_id: w.ids.id(Kind::SecurityGroupRule),
        protocol: Protocol::All,
        from_port: None,
        to_port: None,
        peer: Peer::V4(crate::cidr::ANY_V4),
        description: None,
    }
}

/// The IPv6 egress rule a group of a VPC with IPv6 starts with: all traffic to ::/0.
pub fn allow_all_egress_v6(w: &mut World) -> Rule {
    Rule {
        rule_id: w.ids.id(Kind::SecurityGroupRule),
        protocol: Protocol::All,
        from_port: None,
        to_port: None,
        peer: Peer::V6(crate::cidr::ANY_V6),
        description: None,
    }
}
