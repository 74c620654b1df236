//! DescribeNetworkAcls: its filters and the values each filter matches.

use crate::filter::{self, Filter};
use crate::protocol::Protocol;
use crate::world::{Ctx, World};
use crate::Result;

use super::acls::get;
use super::model::{EntryCidr, NetworkAcl};

/// Filters DescribeNetworkAcls accepts.
pub const FILTERS: &[&str] = &[
    "association.association-id",
    "association.network-acl-id",
    "association.subnet-id",
    "default",
    "entry.cidr",
    "entry.icmp.code",
    "entry.icmp.type",
    "entry.ipv6-cidr",
    "entry.port-range.from",
    "entry.port-range.to",
    "entry.protocol",
    "entry.rule-action",
    "entry.egress",
    "entry.rule-number",
    "network-acl-id",
    "owner-id",
    "vpc-id",
];

/// DescribeNetworkAcls.
pub fn describe<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w NetworkAcl>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let candidates = w.network_acls.pick(scope, ids, |id| get(w, scope, id))?;
    Ok(filter::tagged(w, scope, candidates, filters, |a, name| {
        field(a, name)
    }))
}

/// An entry's protocol as filters match it: its number and its name (`all` for every protocol).
fn protocol_names(protocol: Protocol) -> Vec<String> {
    let name = match protocol {
        Protocol::All => Some("all"),
        p => p.known_name(),
    };
    let mut v = vec![protocol.number_text()];
    v.extend(name.map(str::to_string));
    v
}

/// The values of filter `name` for ACL `a`.
fn field(a: &NetworkAcl, name: &str) -> Vec<String> {
    let entries = a.entries.iter();
    match name {
        "association.association-id" => a.associations.iter().map(|s| s.id.clone()).collect(),
        "association.network-acl-id" => a.associations.iter().map(|_| a.id.clone()).collect(),
        "association.subnet-id" => a.associations.iter().map(|s| s.subnet_id.clone()).collect(),
        "default" => filter::b(a.is_default),
        "entry.cidr" => entries
            .filter_map(|e| match &e.cidr {
                EntryCidr::V4(n) => Some(n.to_string()),
                EntryCidr::V6(_) => None,
            })
            .collect(),
        "entry.ipv6-cidr" => entries
            .filter_map(|e| match &e.cidr {
                EntryCidr::V6(n) => Some(n.to_string()),
                EntryCidr::V4(_) => None,
            })
            .collect(),
        "entry.icmp.code" => entries
            .filter_map(|e| e.icmp.map(|(_, c)| c.to_string()))
            .collect(),
        "entry.icmp.type" => entries
            .filter_map(|e| e.icmp.map(|(t, _)| t.to_string()))
            .collect(),
        "entry.port-range.from" => entries
            .filter_map(|e| e.port_range.map(|(f, _)| f.to_string()))
            .collect(),
        "entry.port-range.to" => entries
            .filter_map(|e| e.port_range.map(|(_, t)| t.to_string()))
            .collect(),
        "entry.protocol" => entries.flat_map(|e| protocol_names(e.protocol)).collect(),
        "entry.rule-action" => entries.map(|e| e.action.as_str().to_string()).collect(),
        "entry.egress" => entries.map(|e| e.egress.to_string()).collect(),
        "entry.rule-number" => entries.map(|e| e.rule_number.to_string()).collect(),
        "network-acl-id" => filter::s(&a.id),
        "owner-id" => filter::s(&a.scope.account),
        "vpc-id" => filter::s(&a.vpc_id),
        _ => Vec::new(),
    }
}
