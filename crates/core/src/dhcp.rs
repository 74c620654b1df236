//! DHCP option sets, including each scope's default set: create (validated keys and
//! values), delete (refused while a VPC uses the set), associate with a VPC, describe.

use serde::{Deserialize, Serialize};

use std::net::IpAddr;

use crate::error::{ApiError, Result};
use crate::filter::{self, Filter};
use crate::table::Resource;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::{vpc, Output};

/// A DHCP option set: (key, values) pairs such as `domain-name-servers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DhcpOptions {
    pub id: String,
    pub scope: Scope,
    pub configurations: Vec<(String, Vec<String>)>,
    pub is_default: bool,
}

impl Resource for DhcpOptions {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// DHCP options commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    Create {
        configurations: Vec<(String, Vec<String>)>,
        tags: Vec<TagSpec>,
    },
    Delete {
        dhcp_options_id: String,
    },
    /// `dhcp_options_id` may be `default`: the scope's default set.
    Associate {
        dhcp_options_id: String,
        vpc_id: String,
    },
}

/// The option names AWS accepts.
pub const KEYS: &[&str] = &[
    "domain-name",
    "domain-name-servers",
    "ntp-servers",
    "netbios-name-servers",
    "netbios-node-type",
    "ipv6-address-preferred-lease-time",
];

/// `InvalidDhcpOptionID.NotFound` for `id`.
pub fn not_found(id: &str) -> ApiError {
    ApiError::new(
        "InvalidDhcpOptionID.NotFound",
        format!("The dhcpOption ID '{id}' does not exist"),
    )
}

/// The caller's option set `id`, or `InvalidDhcpOptionID.NotFound`.
pub fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w DhcpOptions> {
    w.dhcp_options
        .get_in(scope, id)
        .ok_or_else(|| not_found(id))
}

/// Applies a DHCP options command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    let scope = ctx.scope();
    match cmd {
        Cmd::Create {
            configurations,
            tags: specs,
        } => {
            check_configurations(&configurations)?;
            tags::check_specs(&specs, "dhcp-options")?;
            let id = w.ids.id("dopt");
            w.dhcp_options.insert(DhcpOptions {
                id: id.clone(),
                scope: scope.clone(),
                configurations,
                is_default: false,
            });
            tags::apply_specs(w, &scope, &id, &specs);
            Ok(Output::Id(id))
        }
        Cmd::Delete {
            dhcp_options_id: id,
        } => {
            get(w, &scope, &id)?;
            if w.vpcs.values().any(|v| v.dhcp_options_id == id) {
                return Err(ApiError::dependency(format!(
                    "The dhcpOptions '{id}' has dependencies and cannot be deleted."
                )));
            }
            w.dhcp_options.remove(&id);
            tags::forget(w, &id);
            Ok(Output::Done)
        }
        Cmd::Associate {
            dhcp_options_id,
            vpc_id,
        } => {
            vpc::get(w, &scope, &vpc_id)?;
            let id = if dhcp_options_id == "default" {
                default_for(w, &scope)
            } else {
                get(w, &scope, &dhcp_options_id)?;
                dhcp_options_id
            };
            w.vpcs.get_mut(&vpc_id).expect("checked").dhcp_options_id = id;
            Ok(Output::Done)
        }
    }
}

fn bad_value(key: &str, value: &str) -> ApiError {
    ApiError::invalid_value(format!("Value ({value}) for parameter {key} is invalid."))
}

/// Validates the (key, values) pairs of CreateDhcpOptions.
pub fn check_configurations(configurations: &[(String, Vec<String>)]) -> Result<()> {
    if configurations.is_empty() {
        return Err(ApiError::missing("DhcpConfiguration"));
    }
    for (i, (key, values)) in configurations.iter().enumerate() {
        if !KEYS.contains(&key.as_str()) {
            return Err(ApiError::invalid_value(format!(
                "Value ({key}) for parameter name is invalid. Unknown DHCP option"
            )));
        }
        if configurations[..i].iter().any(|(k, _)| k == key) {
            return Err(ApiError::invalid_value(format!(
                "The DHCP option '{key}' is specified more than once."
            )));
        }
        if values.is_empty() || values.iter().any(|v| v.trim().is_empty()) {
            return Err(ApiError::invalid_value(format!(
                "Value for parameter {key} cannot be empty."
            )));
        }
        let is_ip = |v: &str| v.parse::<IpAddr>().is_ok();
        let is_v4 = |v: &str| v.parse::<std::net::Ipv4Addr>().is_ok();
        let too_many = || {
            ApiError::invalid_value(format!("The DHCP option '{key}' accepts at most 4 values."))
        };
        match key.as_str() {
            "domain-name-servers" => {
                if values.len() > 4 {
                    return Err(too_many());
                }
                if let Some(v) = values
                    .iter()
                    .find(|v| v.as_str() != "AmazonProvidedDNS" && !is_ip(v))
                {
                    return Err(bad_value(key, v));
                }
            }
            "ntp-servers" | "netbios-name-servers" => {
                if values.len() > 4 {
                    return Err(too_many());
                }
                let ok = |v: &str| {
                    if key == "ntp-servers" {
                        is_ip(v)
                    } else {
                        is_v4(v)
                    }
                };
                if let Some(v) = values.iter().find(|v| !ok(v)) {
                    return Err(bad_value(key, v));
                }
            }
            "netbios-node-type" => {
                if values.len() != 1 || !["1", "2", "4", "8"].contains(&values[0].as_str()) {
                    return Err(bad_value(key, &values.join(",")));
                }
            }
            "ipv6-address-preferred-lease-time" => {
                let ok = values.len() == 1
                    && values[0]
                        .parse::<u64>()
                        .is_ok_and(|n| (140..=2_147_483_647).contains(&n));
                if !ok {
                    return Err(bad_value(key, &values.join(",")));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Filters DescribeDhcpOptions accepts.
pub const FILTERS: &[&str] = &["dhcp-options-id", "key", "value", "owner-id"];

/// DescribeDhcpOptions: explicit ids must all exist; then filters.
pub fn describe<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w DhcpOptions>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let candidates: Vec<&DhcpOptions> = if ids.is_empty() {
        w.dhcp_options.in_scope(&scope).collect()
    } else {
        ids.iter()
            .map(|id| get(w, &scope, id))
            .collect::<Result<_>>()?
    };
    Ok(candidates
        .into_iter()
        .filter(|d| {
            filter::matches(filters, tags::of(w, &scope, &d.id), |name| match name {
                "dhcp-options-id" => filter::s(&d.id),
                "key" => d.configurations.iter().map(|(k, _)| k.clone()).collect(),
                "value" => d
                    .configurations
                    .iter()
                    .flat_map(|(_, v)| v.iter().cloned())
                    .collect(),
                "owner-id" => filter::s(&d.scope.account),
                _ => Vec::new(),
            })
        })
        .collect())
}

/// The scope's default option set, created on first use.
pub fn default_for(w: &mut World, scope: &Scope) -> String {
    if let Some(d) = w.dhcp_options.in_scope(scope).find(|d| d.is_default) {
        return d.id.clone();
    }
    let id = w.ids.id("dopt");
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
