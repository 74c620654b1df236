//! ACL entries: CreateNetworkAclEntry, ReplaceNetworkAclEntry, DeleteNetworkAclEntry and
//! the validation of a requested entry.

use crate::cidr;
use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::protocol::Protocol;
use crate::world::{Ctx, World};
use crate::Output;

use super::acls::get;
use super::model::{
    sort_entries, Entry, EntryCidr, EntrySpec, NetworkAcl, RuleAction, DEFAULT_RULE_V4,
};

/// CreateNetworkAclEntry: a new (direction, rule number); the entries quota when configured.
pub(super) fn create(w: &mut World, ctx: &Ctx, spec: &EntrySpec) -> Result<Output> {
    let acl = get(w, ctx.scope(), &spec.acl_id)?;
    let entry = validate(spec)?;
    if acl
        .entries
        .iter()
        .any(|e| e.egress == entry.egress && e.rule_number == entry.rule_number)
    {
        return Err(ApiError::new(
            ErrorCode::NetworkAclEntryAlreadyExists,
            format!(
                "The network acl entry identified by {} already exists.",
                entry.rule_number
            ),
        ));
    }
    check_quota(w, ctx, acl, &entry)?;
    let acl = w.network_acls.get_mut(&spec.acl_id).expect("checked");
    acl.entries.push(entry);
    sort_entries(&mut acl.entries);
    Ok(Output::Done)
}

/// The entries-per-ACL quota, when configured: numbered entries of the new one's direction.
fn check_quota(w: &World, ctx: &Ctx, acl: &NetworkAcl, entry: &Entry) -> Result<()> {
    let Some(limit) = w
        .config
        .quotas
        .limit(ctx.account(), quota::ENTRIES_PER_NETWORK_ACL)
    else {
        return Ok(());
    };
    let count = acl
        .entries
        .iter()
        .filter(|e| e.egress == entry.egress && e.rule_number < DEFAULT_RULE_V4)
        .count();
    if count >= limit as usize {
        return Err(ApiError::new(
            ErrorCode::NetworkAclEntryLimitExceeded,
            format!(
                "The maximum number of entries for network ACL '{}' has been reached ({limit}).",
                acl.id
            ),
        ));
    }
    Ok(())
}

/// ReplaceNetworkAclEntry: an existing (direction, rule number) takes the new entry.
pub(super) fn replace(w: &mut World, ctx: &Ctx, spec: &EntrySpec) -> Result<Output> {
    let acl = get(w, ctx.scope(), &spec.acl_id)?;
    let entry = validate(spec)?;
    let Some(pos) = acl
        .entries
        .iter()
        .position(|e| e.egress == entry.egress && e.rule_number == entry.rule_number)
    else {
        return Err(entry_not_found(entry.rule_number, entry.egress));
    };
    let acl = w.network_acls.get_mut(&spec.acl_id).expect("checked");
    acl.entries[pos] = entry;
    Ok(Output::Done)
}

/// DeleteNetworkAclEntry: a numbered entry (never the `*` rules).
pub(super) fn delete(
    w: &mut World,
    ctx: &Ctx,
    acl_id: &str,
    rule_number: i64,
    egress: bool,
) -> Result<Output> {
    let acl = get(w, ctx.scope(), acl_id)?;
    let number = check_rule_number(rule_number)?;
    let Some(pos) = acl
        .entries
        .iter()
        .position(|e| e.egress == egress && e.rule_number == number)
    else {
        return Err(entry_not_found(number, egress));
    };
    w.network_acls
        .get_mut(acl_id)
        .expect("checked")
        .entries
        .remove(pos);
    Ok(Output::Done)
}

fn entry_not_found(rule_number: u32, egress: bool) -> ApiError {
    let direction = if egress { "egress" } else { "ingress" };
    ApiError::new(
        ErrorCode::InvalidNetworkAclEntryNotFound,
        format!("The network acl entry identified by {rule_number} ({direction}) does not exist."),
    )
}

fn check_rule_number(n: i64) -> Result<u32> {
    if !(1..=32766).contains(&n) {
        return Err(ApiError::invalid_value(format!(
            "Value ({n}) for parameter ruleNumber is invalid. Rule numbers must be between 1 and 32766."
        )));
    }
    Ok(n as u32)
}

/// Validates a requested entry.
fn validate(spec: &EntrySpec) -> Result<Entry> {
    let rule_number = check_rule_number(spec.rule_number)?;
    let protocol = Protocol::parse(spec.protocol.trim()).ok_or_else(|| {
        ApiError::invalid_value(format!(
            "Invalid value '{}' for IP protocol. Unknown protocol.",
            spec.protocol
        ))
    })?;
    let action = parse_action(&spec.action)?;
    let cidr = parse_cidr(spec)?;
    let mut port_range = None;
    let mut icmp = None;
    if protocol.has_ports() {
        port_range = Some(port_range_of(spec)?);
    } else if protocol.is_icmp() {
        let required = protocol == Protocol::ICMP || matches!(cidr, EntryCidr::V6(_));
        icmp = icmp_of(spec, required)?;
    }
    Ok(Entry {
        rule_number,
        egress: spec.egress,
        protocol,
        action,
        cidr,
        icmp,
        port_range,
    })
}

fn parse_action(action: &str) -> Result<RuleAction> {
    match action.to_ascii_lowercase().as_str() {
        "allow" => Ok(RuleAction::Allow),
        "deny" => Ok(RuleAction::Deny),
        _ => Err(ApiError::invalid_value(format!(
            "Value ({action}) for parameter ruleAction is invalid. Valid values: allow, deny."
        ))),
    }
}

/// Exactly one of `CidrBlock` and `Ipv6CidrBlock`.
fn parse_cidr(spec: &EntrySpec) -> Result<EntryCidr> {
    let invalid = |raw: &str, param: &str| {
        ApiError::invalid_value(format!(
            "Value ({raw}) for parameter {param} is invalid. This is not a valid CIDR block."
        ))
    };
    match (&spec.cidr_block, &spec.ipv6_cidr_block) {
        (Some(_), Some(_)) => Err(ApiError::invalid_combination(
            "Only one of cidrBlock or ipv6CidrBlock may be specified.",
        )),
        (None, None) => Err(ApiError::missing("CidrBlock")),
        (Some(raw), None) => cidr::parse_v4(raw)
            .map(EntryCidr::V4)
            .ok_or_else(|| invalid(raw, "cidrBlock")),
        (None, Some(raw)) => cidr::parse_v6(raw)
            .map(EntryCidr::V6)
            .ok_or_else(|| invalid(raw, "ipv6CidrBlock")),
    }
}

/// TCP and UDP entries need both ports, 0–65535, from not above to.
fn port_range_of(spec: &EntrySpec) -> Result<(u16, u16)> {
    let (Some(from), Some(to)) = (spec.port_from, spec.port_to) else {
        return Err(ApiError::invalid_value(
            "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange",
        ));
    };
    if !(0..=65535).contains(&from) || !(0..=65535).contains(&to) || from > to {
        return Err(ApiError::invalid_value(format!(
            "Invalid value '{from}-{to}' for portRange. Ports must be between 0 and 65535, from not greater than to."
        )));
    }
    Ok((from as u16, to as u16))
}

/// ICMP type and code, each -1–255; `required` for ICMP and for any ICMPv6 IPv6 entry.
fn icmp_of(spec: &EntrySpec, required: bool) -> Result<Option<(i32, i32)>> {
    match (spec.icmp_type, spec.icmp_code) {
        (Some(t), Some(c)) => {
            if !(-1..=255).contains(&t) || !(-1..=255).contains(&c) {
                return Err(ApiError::invalid_value(format!(
                    "Invalid value '{t}/{c}' for icmpTypeCode. Type and code must be between -1 and 255."
                )));
            }
            Ok(Some((t as i32, c as i32)))
        }
        _ if required => Err(ApiError::invalid_value(
            "Invalid value 'Must specify both ICMP type and code.' for icmpTypeCode",
        )),
        _ => Ok(None),
    }
}
