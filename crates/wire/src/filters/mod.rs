//! Every Describe action's filters (§16), in one place: the names the wire accepts (the
//! current names and the older ones AWS still takes, such as `cidrBlock` or `isDefault`), the
//! name the core matches each on, which names hold ids (checked as ids are, by [`Kind`]),
//! whether tag filters apply, and the code an unknown name gets.
//!
//! [`check`] runs on every `Filter.N` a request decodes ([`crate::params::View::filters`]):
//! the limits of §16.2, then the action's table. An action without a table passes its
//! filters to the core unchanged (the core refuses names it does not answer). A new Describe
//! action adds a table in the file of its resource and lists it in [`TABLES`].

mod dhcp;
mod endpoint;
mod eni;
mod flowlog;
mod gateway;
mod image;
mod insights;
mod keypair;
mod nacl;
mod peering;
mod prefix_list;
mod route;
mod sg;
mod subnet;
mod tags;
mod tgw;
mod vpc;
mod vpn;

#[cfg(test)]
mod tests;

use openvpc_core::filter::{self, Filter};
use openvpc_core::{ApiError, ErrorCode, Kind, Result};

/// The most filter values one call may carry, across all its filters (§16.2).
pub const MAX_VALUES: usize = 200;

/// The longest filter value, in characters (§16.2).
pub const MAX_VALUE_LEN: usize = 255;

/// Which tag filters an action takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tags {
    /// None: `tag:<key>`, `tag-key` and `tag-value` are unknown names.
    None,
    /// `tag:<key>` only (DescribeSecurityGroupRules).
    KeyOnly,
    /// `tag:<key>`, `tag-key`, and the older `tag-value` (§16.1).
    All,
}

/// One filter name on the wire.
#[derive(Debug, Clone, Copy)]
pub struct Name {
    /// The name as a client sends it.
    pub wire: &'static str,
    /// The name the core's describe matches it on.
    pub core: &'static str,
    /// The kind of id its values hold, checked as an id parameter would be.
    pub id: Option<Kind>,
}

/// A current name, matched under the same name.
pub const fn name(wire: &'static str) -> Name {
    Name {
        wire,
        core: wire,
        id: None,
    }
}

/// A name whose values are ids of `kind`.
pub const fn id(wire: &'static str, kind: Kind) -> Name {
    Name {
        wire,
        core: wire,
        id: Some(kind),
    }
}

/// An older name (or a documented alias) of the name `core`.
pub const fn alias(wire: &'static str, core: &'static str) -> Name {
    Name {
        wire,
        core,
        id: None,
    }
}

/// The filters of one action.
#[derive(Debug)]
pub struct Table {
    pub action: &'static str,
    /// The code an unknown name gets (`InvalidParameterValue` unless AWS sends another).
    pub unknown: ErrorCode,
    pub tags: Tags,
    pub names: &'static [Name],
}

impl Table {
    /// A table taking every tag filter, unknown names refused with `InvalidParameterValue`.
    pub const fn new(action: &'static str, names: &'static [Name]) -> Table {
        Table {
            action,
            unknown: ErrorCode::InvalidParameterValue,
            tags: Tags::All,
            names,
        }
    }

    /// The same table with another code for unknown names.
    pub const fn unknown(self, code: ErrorCode) -> Table {
        Table {
            unknown: code,
            ..self
        }
    }

    /// The same table with other tag filters.
    pub const fn tags(self, tags: Tags) -> Table {
        Table { tags, ..self }
    }

    /// The table's entry for a wire name.
    pub fn lookup(&self, wire: &str) -> Option<&Name> {
        self.names.iter().find(|n| n.wire == wire)
    }

    fn takes_tag(&self, name: &str) -> bool {
        match self.tags {
            Tags::None => false,
            Tags::KeyOnly => name.starts_with("tag:"),
            Tags::All => filter::is_tag_filter(name),
        }
    }

    /// Checks each filter's name and id values, and renames it to the core's name.
    pub fn check(&self, filters: Vec<Filter>) -> Result<Vec<Filter>> {
        filters
            .into_iter()
            .map(|mut f| {
                if self.takes_tag(&f.name) {
                    return Ok(f);
                }
                let Some(entry) = self.lookup(&f.name) else {
                    return Err(ApiError::new(
                        self.unknown,
                        format!("The filter '{}' is invalid", f.name),
                    ));
                };
                if let Some(kind) = entry.id {
                    // A pattern is not an id: only literal values are checked.
                    f.values
                        .iter()
                        .filter(|v| !v.contains(['*', '?']))
                        .try_for_each(|v| kind.check(v))?;
                }
                f.name = entry.core.to_string();
                Ok(f)
            })
            .collect()
    }
}

/// Every action's table.
pub const TABLES: &[&Table] = &[
    &vpc::VPCS,
    &subnet::SUBNETS,
    &route::ROUTE_TABLES,
    &sg::SECURITY_GROUPS,
    &sg::SECURITY_GROUP_RULES,
    &nacl::NETWORK_ACLS,
    &eni::NETWORK_INTERFACES,
    &eni::INSTANCES,
    &gateway::INTERNET_GATEWAYS,
    &gateway::EGRESS_ONLY_INTERNET_GATEWAYS,
    &gateway::NAT_GATEWAYS,
    &gateway::ADDRESSES,
    &peering::VPC_PEERING_CONNECTIONS,
    &dhcp::DHCP_OPTIONS,
    &tags::TAGS,
    &endpoint::VPC_ENDPOINTS,
    &endpoint::VPC_ENDPOINT_CONNECTIONS,
    &endpoint::VPC_ENDPOINT_SERVICES,
    &endpoint::VPC_ENDPOINT_SERVICE_CONFIGURATIONS,
    &endpoint::VPC_ENDPOINT_SERVICE_PERMISSIONS,
    &endpoint::VPC_ENDPOINT_CONNECTION_NOTIFICATIONS,
    &prefix_list::MANAGED_PREFIX_LISTS,
    &prefix_list::PREFIX_LISTS,
    &insights::NETWORK_INSIGHTS_PATHS,
    &insights::NETWORK_INSIGHTS_ANALYSES,
    &vpn::VPN_GATEWAYS,
    &vpn::CUSTOMER_GATEWAYS,
    &vpn::VPN_CONNECTIONS,
    &tgw::TRANSIT_GATEWAYS,
    &tgw::VPC_ATTACHMENTS,
    &tgw::ATTACHMENTS,
    &tgw::ROUTE_TABLES,
    &tgw::SEARCH_ROUTES,
    &tgw::ASSOCIATIONS,
    &tgw::PROPAGATIONS,
    &tgw::PEERING_ATTACHMENTS,
    &image::IMAGES,
    &keypair::KEY_PAIRS,
    &flowlog::FLOW_LOGS,
];

/// The table of `action`, if it has one.
pub fn table(action: &str) -> Option<&'static Table> {
    TABLES.iter().copied().find(|t| t.action == action)
}

/// The limits every call's filters keep (§16.2): at most [`MAX_VALUES`] values in all, each
/// at most [`MAX_VALUE_LEN`] characters (`FilterLimitExceeded`).
pub fn check_limits(filters: &[Filter]) -> Result<()> {
    let count: usize = filters.iter().map(|f| f.values.len()).sum();
    if count > MAX_VALUES {
        return Err(ApiError::new(
            ErrorCode::FilterLimitExceeded,
            format!(
                "The maximum number of filter values specified on a single call is {MAX_VALUES}"
            ),
        ));
    }
    if filters
        .iter()
        .flat_map(|f| &f.values)
        .any(|v| v.chars().count() > MAX_VALUE_LEN)
    {
        return Err(ApiError::new(
            ErrorCode::FilterLimitExceeded,
            format!("The maximum length for a filter value is {MAX_VALUE_LEN} characters"),
        ));
    }
    Ok(())
}

/// The filters of a call to `action`, checked and renamed to the core's names.
pub fn check(action: &str, filters: Vec<Filter>) -> Result<Vec<Filter>> {
    check_limits(&filters)?;
    match table(action) {
        Some(t) => t.check(filters),
        None => Ok(filters),
    }
}
