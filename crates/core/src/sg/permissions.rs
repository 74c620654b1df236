//! Requested permissions (`IpPermissions`) validated into rules: protocol and ports as AWS
//! stores them, peers (CIDRs, prefix lists, groups of this or a peered VPC), descriptions,
//! and the rule text AWS's messages show.

use ipnet::{Ipv4Net, Ipv6Net};

use super::groups::NAME_CHARS;
use super::model::{Peer, PeerSpec, Permission, Rule, SecurityGroup};
use super::references::active_link;
use crate::cidr;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::protocol::Protocol;
use crate::world::{Scope, World};

fn different_networks() -> ApiError {
    ApiError::new(
        ErrorCode::InvalidGroupNotFound,
        "You have specified two resources that belong to different networks.",
    )
}

/// A rule description: fewer than 256 characters of AWS's set.
pub(super) fn check_rule_description(d: &Option<String>) -> Result<()> {
    let Some(d) = d else { return Ok(()) };
    let ok = d.chars().count() < 256
        && d.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || NAME_CHARS.contains(c));
    if !ok {
        return Err(ApiError::invalid_value(
            "Invalid rule description. Valid descriptions are strings less than 256 characters from the following set:  a-zA-Z0-9. _-:/()#,@[]+=&;{}!$*",
        ));
    }
    Ok(())
}

/// Validates protocol and ports; returns (protocol, from, to) as stored.
fn protocol_and_ports(
    protocol: Option<&str>,
    from: Option<i64>,
    to: Option<i64>,
) -> Result<(Protocol, Option<i32>, Option<i32>)> {
    let Some(raw) = protocol.filter(|p| !p.is_empty()) else {
        return Err(ApiError::invalid_value(
            "Invalid value 'null' for protocol. VPC security group rules must specify protocols explicitly.",
        ));
    };
    let protocol = Protocol::parse(raw.trim()).ok_or_else(|| {
        ApiError::invalid_value(format!(
            "Invalid value '{raw}' for IP protocol. Unknown protocol."
        ))
    })?;
    if protocol.has_ports() {
        {
            let (Some(from), Some(to)) = (from, to) else {
                return Err(ApiError::invalid_value(
                    "Invalid value 'Must specify both from and to ports with TCP/UDP.' for portRange",
                ));
            };
            if !(0..=65535).contains(&from) || !(0..=65535).contains(&to) || from > to {
                return Err(ApiError::new(
                    ErrorCode::InvalidPermissionMalformed,
                    format!("Invalid TCP/UDP port range {from}-{to}."),
                ));
            }
            Ok((protocol, Some(from as i32), Some(to as i32)))
        }
    } else if protocol.is_icmp() {
        {
            let (Some(t), Some(c)) = (from, to) else {
                let name = if protocol == Protocol::ICMP {
                    "ICMP"
                } else {
                    "ICMPv6"
                };
                return Err(ApiError::invalid_value(format!(
                    "Invalid value 'Must specify both from and to ports with {name}.' for portRange"
                )));
            };
            if !(-1..=255).contains(&t) || !(-1..=255).contains(&c) || (t == -1 && c != -1) {
                return Err(ApiError::new(
                    ErrorCode::InvalidPermissionMalformed,
                    format!("Invalid ICMP type/code {t}/{c}."),
                ));
            }
            Ok((protocol, Some(t as i32), Some(c as i32)))
        }
    } else {
        Ok((protocol, None, None))
    }
}

/// The rule text of `InvalidPermission.Duplicate` / `.NotFound` messages.
pub(super) fn describe_rule(r: &Rule) -> String {
    let name = r.protocol.name().to_ascii_uppercase();
    let proto = if r.protocol.has_ports() {
        format!(
            "{name}, from port: {}, to port: {}",
            r.from_port.unwrap_or(-1),
            r.to_port.unwrap_or(-1)
        )
    } else if r.protocol.is_icmp() {
        format!(
            "{name}, type: {}, code: {}",
            r.from_port.unwrap_or(-1),
            r.to_port.unwrap_or(-1)
        )
    } else if r.protocol == Protocol::All {
        "ALL".to_string()
    } else {
        format!("protocol: {}", r.protocol.name())
    };
    format!("peer: {}, {proto}, ALLOW", r.peer.display())
}

/// Resolves a referenced group for a rule of `owner` (validating reachability).
/// `lenient` (revocation): ids are taken as given without existence checks.
fn resolve_group_peer(
    w: &World,
    scope: &Scope,
    owner: &SecurityGroup,
    group_id: Option<&str>,
    group_name: Option<&str>,
    user_id: Option<&str>,
    lenient: bool,
) -> Result<Peer> {
    let user = user_id
        .filter(|u| !u.is_empty())
        .unwrap_or(&scope.account)
        .to_string();
    let referenced = match (group_id.filter(|s| !s.is_empty()), group_name) {
        (Some(id), _) => match w
            .security_groups
            .get(id)
            .filter(|g| g.scope.account == user)
        {
            Some(g) => g,
            None if lenient => {
                return Ok(Peer::Group {
                    group_id: id.to_string(),
                    user_id: user,
                    vpc_id: None,
                    vpc_peering_connection_id: None,
                })
            }
            None => return Err(Kind::SecurityGroup.not_found(id)),
        },
        (None, Some(name)) if !name.is_empty() => w
            .security_groups
            .values()
            .find(|g| g.scope.account == user && g.vpc_id == owner.vpc_id && g.name == name)
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidGroupNotFound,
                    format!(
                        "The security group '{name}' does not exist in VPC '{}'",
                        owner.vpc_id
                    ),
                )
            })?,
        _ => {
            return Err(ApiError::missing(
                "Groups.N.GroupId (or GroupName) of the user id group pair",
            ))
        }
    };
    if referenced.vpc_id == owner.vpc_id {
        return Ok(Peer::Group {
            group_id: referenced.id.clone(),
            user_id: referenced.scope.account.clone(),
            vpc_id: None,
            vpc_peering_connection_id: None,
        });
    }
    if referenced.scope.region != owner.scope.region {
        return Err(different_networks());
    }
    match active_link(w, &owner.vpc_id, &referenced.vpc_id) {
        Some(p) => Ok(Peer::Group {
            group_id: referenced.id.clone(),
            user_id: referenced.scope.account.clone(),
            vpc_id: Some(referenced.vpc_id.clone()),
            vpc_peering_connection_id: Some(p.id.clone()),
        }),
        None if lenient => Ok(Peer::Group {
            group_id: referenced.id.clone(),
            user_id: referenced.scope.account.clone(),
            vpc_id: Some(referenced.vpc_id.clone()),
            vpc_peering_connection_id: None,
        }),
        None => Err(different_networks()),
    }
}

fn parse_v4(raw: &str) -> Result<Ipv4Net> {
    cidr::parse_v4(raw)
        .ok_or_else(|| ApiError::invalid_value(format!("CIDR block {raw} is malformed")))
}

fn parse_v6(raw: &str) -> Result<Ipv6Net> {
    cidr::parse_v6(raw)
        .ok_or_else(|| ApiError::invalid_value(format!("CIDR block {raw} is malformed")))
}

/// Validates permissions into rules without ids (rule_id empty).
pub(super) fn drafts(
    w: &World,
    scope: &Scope,
    owner: &SecurityGroup,
    permissions: &[Permission],
    lenient: bool,
) -> Result<Vec<Rule>> {
    let mut out: Vec<Rule> = Vec::new();
    for p in permissions {
        let (protocol, from_port, to_port) =
            protocol_and_ports(p.protocol.as_deref(), p.from_port, p.to_port)?;
        if p.peers.is_empty() {
            return Err(ApiError::new(
                ErrorCode::MissingParameter,
                "Missing source specification: include source security group or CIDR information",
            ));
        }
        for spec in &p.peers {
            let (peer, description) = match spec {
                PeerSpec::Cidr { cidr, description } => (Peer::V4(parse_v4(cidr)?), description),
                PeerSpec::Cidr6 { cidr, description } => (Peer::V6(parse_v6(cidr)?), description),
                PeerSpec::PrefixList { id, description } => {
                    if !crate::prefix_list::exists_for(w, scope, id) {
                        return Err(Kind::PrefixList.not_found(id));
                    }
                    (Peer::PrefixList(id.clone()), description)
                }
                PeerSpec::Group {
                    group_id,
                    group_name,
                    user_id,
                    description,
                } => (
                    resolve_group_peer(
                        w,
                        scope,
                        owner,
                        group_id.as_deref(),
                        group_name.as_deref(),
                        user_id.as_deref(),
                        lenient,
                    )?,
                    description,
                ),
            };
            if !lenient {
                check_rule_description(description)?;
            }
            let rule = Rule {
                rule_id: String::new(),
                protocol,
                from_port,
                to_port,
                peer,
                description: description.clone().filter(|d| !d.is_empty()),
            };
            if out.iter().any(|r| r.same_grant(&rule)) {
                return Err(ApiError::invalid_value(
                    "The same permission must not appear multiple times",
                ));
            }
            out.push(rule);
        }
    }
    Ok(out)
}
