//! Tags: one tag set per (resource, account, Region) view, as AWS keeps them for peering
//! connections; every other resource simply has one view, its owner's.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ErrorCode, Result};
use crate::filter::{self, Filter};
use crate::world::{Ctx, Scope, World};
use crate::Output;

/// A tag set.
pub type TagSet = BTreeMap<String, String>;

/// Tags per view: scope → resource id → tags.
pub type TagStore = BTreeMap<Scope, BTreeMap<String, TagSet>>;

/// Most tags a resource may carry.
pub const MAX_TAGS: usize = 50;

/// A `TagSpecification.N` from a create call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagSpec {
    pub resource_type: String,
    pub tags: Vec<(String, String)>,
}

/// Tag commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    /// CreateTags: add or overwrite tags on resources of the caller's view.
    Create {
        resource_ids: Vec<String>,
        tags: Vec<(String, String)>,
    },
    /// DeleteTags: remove tags (any value when the value is None; all when the list is empty).
    Delete {
        resource_ids: Vec<String>,
        tags: Vec<(String, Option<String>)>,
    },
}

static EMPTY: TagSet = TagSet::new();

/// The caller's view of a resource's tags.
pub fn of<'w>(w: &'w World, scope: &Scope, id: &str) -> &'w TagSet {
    w.tags.get(scope).and_then(|m| m.get(id)).unwrap_or(&EMPTY)
}

/// Validates one tag key/value pair.
pub fn check_tag(key: &str, value: &str) -> Result<()> {
    if key.is_empty() || key.chars().count() > 128 {
        return Err(ApiError::new(
            ErrorCode::InvalidTagKeyMalformed,
            "Tag keys must be between 1 and 128 characters.",
        ));
    }
    if key.to_ascii_lowercase().starts_with("aws:") {
        return Err(ApiError::new(
            ErrorCode::InvalidTagKeyMalformed,
            "Tag keys starting with 'aws:' are reserved for internal use",
        ));
    }
    if value.chars().count() > 256 {
        return Err(ApiError::invalid_value(
            "Tag values may only contain up to 256 characters.",
        ));
    }
    Ok(())
}

/// Validates the `TagSpecification`s of a create call for a resource of `resource_type`.
pub fn check_specs(specs: &[TagSpec], resource_type: &str) -> Result<()> {
    for spec in specs {
        if spec.resource_type != resource_type {
            return Err(ApiError::invalid_value(format!(
                "'{}' is not a valid taggable resource type for this operation.",
                spec.resource_type
            )));
        }
        if spec.tags.len() > MAX_TAGS {
            return Err(ApiError::new(
                ErrorCode::TagLimitExceeded,
                format!("The maximum number of tags per resource is {MAX_TAGS}."),
            ));
        }
        for (k, v) in &spec.tags {
            check_tag(k, v)?;
        }
    }
    Ok(())
}

/// Applies validated `TagSpecification`s to a newly created resource in `scope`.
pub fn apply_specs(w: &mut World, scope: &Scope, id: &str, specs: &[TagSpec]) {
    for spec in specs {
        let set = w
            .tags
            .entry(scope.clone())
            .or_default()
            .entry(id.to_string())
            .or_default();
        for (k, v) in &spec.tags {
            set.insert(k.clone(), v.clone());
        }
    }
}

/// Drops every view's tags of a deleted resource.
pub fn forget(w: &mut World, id: &str) {
    for views in w.tags.values_mut() {
        views.remove(id);
    }
}

/// Applies a tag command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    let scope = ctx.scope();
    match cmd {
        Cmd::Create { resource_ids, tags } => {
            if resource_ids.is_empty() {
                return Err(ApiError::missing("ResourceId"));
            }
            for (k, v) in &tags {
                check_tag(k, v)?;
            }
            for id in &resource_ids {
                w.check_visible(scope, id)?;
                let current = of(w, scope, id);
                let added = tags
                    .iter()
                    .filter(|(k, _)| !current.contains_key(k))
                    .count();
                if current.len() + added > MAX_TAGS {
                    return Err(ApiError::new(
                        ErrorCode::TagLimitExceeded,
                        format!("The maximum number of tags per resource is {MAX_TAGS}."),
                    ));
                }
            }
            for id in &resource_ids {
                let set = w
                    .tags
                    .entry(scope.clone())
                    .or_default()
                    .entry(id.clone())
                    .or_default();
                for (k, v) in &tags {
                    set.insert(k.clone(), v.clone());
                }
            }
            Ok(Output::Done)
        }
        Cmd::Delete { resource_ids, tags } => {
            if resource_ids.is_empty() {
                return Err(ApiError::missing("ResourceId"));
            }
            for id in &resource_ids {
                w.check_visible(scope, id)?;
            }
            for id in &resource_ids {
                let Some(set) = w.tags.get_mut(scope).and_then(|m| m.get_mut(id)) else {
                    continue;
                };
                if tags.is_empty() {
                    set.clear();
                }
                for (k, v) in &tags {
                    if v.as_ref().is_none_or(|v| set.get(k) == Some(v)) {
                        set.remove(k);
                    }
                }
            }
            Ok(Output::Done)
        }
    }
}

/// One row of DescribeTags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagRow {
    pub resource_id: String,
    pub resource_type: &'static str,
    pub key: String,
    pub value: String,
}

/// Filters DescribeTags accepts.
pub const FILTERS: &[&str] = &["key", "resource-id", "resource-type", "value"];

/// DescribeTags: the caller's tags, in (resource id, key) order.
pub fn describe(w: &World, ctx: &Ctx, filters: &[Filter]) -> Result<Vec<TagRow>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let mut rows = Vec::new();
    for (id, set) in w.tags.get(scope).into_iter().flatten() {
        for (k, v) in set {
            let row = TagRow {
                resource_id: id.clone(),
                resource_type: resource_type_of(id),
                key: k.clone(),
                value: v.clone(),
            };
            let ok = filter::matches(filters, set, |name| match name {
                "key" => filter::s(&row.key),
                "value" => filter::s(&row.value),
                "resource-id" => filter::s(&row.resource_id),
                "resource-type" => filter::s(row.resource_type),
                _ => Vec::new(),
            });
            if ok {
                rows.push(row);
            }
        }
    }
    Ok(rows)
}

/// The EC2 `ResourceType` of an id, from its prefix.
pub fn resource_type_of(id: &str) -> &'static str {
    let prefix = id.rsplit_once('-').map_or(id, |(p, _)| p);
    match prefix {
        "vpc" => "vpc",
        "subnet" => "subnet",
        "scr" => "subnet-cidr-reservation",
        "rtb" => "route-table",
        "igw" => "internet-gateway",
        "eigw" => "egress-only-internet-gateway",
        "nat" => "natgateway",
        "eipalloc" => "elastic-ip",
        "dopt" => "dhcp-options",
        "acl" => "network-acl",
        "sg" => "security-group",
        "sgr" => "security-group-rule",
        "eni" => "network-interface",
        "i" => "instance",
        "pcx" => "vpc-peering-connection",
        "vpce" => "vpc-endpoint",
        "vpce-svc" => "vpc-endpoint-service",
        "vpce-svc-perm" => "vpc-endpoint-service-permission",
        "pl" => "prefix-list",
        "nip" => "network-insights-path",
        "vgw" => "vpn-gateway",
        "cgw" => "customer-gateway",
        "vpn" => "vpn-connection",
        "nia" => "network-insights-analysis",
        "key" => "key-pair",
        "fl" => "vpc-flow-log",
        _ => "unknown",
    }
}
