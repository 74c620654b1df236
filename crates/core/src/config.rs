//! Configuration the core needs: Regions, quotas and the delays of asynchronous transitions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::region::{RegionDef, Zone};
use crate::Millis;

/// Quota names. Quotas the seed names are enforced by default; the rest only when configured.
pub mod quota {
    /// Active peering connections per VPC (default 50, at most 125).
    pub const PEERING_ACTIVE_PER_VPC: &str = "peering-active-per-vpc";
    /// Outstanding (pending) peering requests per requester account (default 25).
    pub const PEERING_OUTSTANDING_PER_ACCOUNT: &str = "peering-outstanding-per-account";
    /// IPv4 CIDR blocks per VPC (default 5).
    pub const IPV4_CIDRS_PER_VPC: &str = "ipv4-cidrs-per-vpc";
    /// IPv6 CIDR blocks per VPC (default 5).
    pub const IPV6_CIDRS_PER_VPC: &str = "ipv6-cidrs-per-vpc";
    /// VPCs per Region (not enforced unless configured).
    pub const VPCS_PER_REGION: &str = "vpcs-per-region";
    /// Subnets per VPC (not enforced unless configured).
    pub const SUBNETS_PER_VPC: &str = "subnets-per-vpc";
    /// Non-propagated routes per route table (not enforced unless configured).
    pub const ROUTES_PER_TABLE: &str = "routes-per-table";
    /// Route tables per VPC (not enforced unless configured).
    pub const ROUTE_TABLES_PER_VPC: &str = "route-tables-per-vpc";
    /// Security groups per VPC (not enforced unless configured).
    pub const SECURITY_GROUPS_PER_VPC: &str = "security-groups-per-vpc";
    /// Rules per security group and direction (not enforced unless configured).
    pub const RULES_PER_SECURITY_GROUP: &str = "rules-per-security-group";
    /// Network ACL entries per ACL and direction (not enforced unless configured).
    pub const ENTRIES_PER_NETWORK_ACL: &str = "entries-per-network-acl";
    /// Internet gateways per Region (not enforced unless configured).
    pub const INTERNET_GATEWAYS_PER_REGION: &str = "internet-gateways-per-region";
    /// Elastic IP addresses per Region (not enforced unless configured).
    pub const ADDRESSES_PER_REGION: &str = "addresses-per-region";
    /// NAT gateways per AZ (not enforced unless configured).
    pub const NAT_GATEWAYS_PER_AZ: &str = "nat-gateways-per-az";
    /// Interface and Gateway Load Balancer endpoints per VPC (default 50).
    pub const VPC_ENDPOINTS_PER_VPC: &str = "vpc-endpoints-per-vpc";
    /// Gateway endpoints per Region (default 20).
    pub const GATEWAY_ENDPOINTS_PER_REGION: &str = "gateway-endpoints-per-region";
    /// Customer-managed prefix lists per Region (not enforced unless configured).
    pub const PREFIX_LISTS_PER_REGION: &str = "prefix-lists-per-region";
    /// ELBv2 load balancers per Region (not enforced unless configured).
    pub const LOAD_BALANCERS_PER_REGION: &str = "load-balancers-per-region";
    /// ELBv2 target groups per Region (not enforced unless configured).
    pub const TARGET_GROUPS_PER_REGION: &str = "target-groups-per-region";
    /// Network insights paths per Region (not enforced unless configured).
    pub const NETWORK_INSIGHTS_PATHS_PER_REGION: &str = "network-insights-paths-per-region";
    /// Transit gateways per account and Region (default 5).
    pub const TRANSIT_GATEWAYS_PER_REGION: &str = "transit-gateways-per-region";
    /// Transit gateways a VPC may be attached to (default 5, not adjustable).
    pub const TGW_ATTACHMENTS_PER_VPC: &str = "tgw-attachments-per-vpc";
    /// Attachments per transit gateway (default 5,000, not adjustable).
    pub const ATTACHMENTS_PER_TGW: &str = "attachments-per-tgw";
    /// Route tables per transit gateway (default 20).
    pub const ROUTE_TABLES_PER_TGW: &str = "route-tables-per-tgw";
    /// Static and propagated routes across a transit gateway's route tables (default 10,000).
    pub const ROUTES_PER_TGW: &str = "routes-per-tgw";
    /// Peering attachments per transit gateway (default 50).
    pub const PEERING_ATTACHMENTS_PER_TGW: &str = "peering-attachments-per-tgw";
    /// Peering attachments awaiting acceptance per transit gateway (default 10).
    pub const PENDING_PEERING_ATTACHMENTS_PER_TGW: &str = "pending-peering-attachments-per-tgw";

    /// Key pairs per Region (AWS: "up to 5,000 key pairs per Region").
    pub const KEY_PAIRS_PER_REGION: &str = "key-pairs-per-region";

    /// Every known quota name with its default (None: not enforced) and hard maximum.
    pub const ALL: &[(&str, Option<u32>, Option<u32>)] = &[
        (PEERING_ACTIVE_PER_VPC, Some(50), Some(125)),
        (PEERING_OUTSTANDING_PER_ACCOUNT, Some(25), None),
        (IPV4_CIDRS_PER_VPC, Some(5), Some(50)),
        (IPV6_CIDRS_PER_VPC, Some(5), None),
        (VPCS_PER_REGION, None, None),
        (SUBNETS_PER_VPC, None, None),
        (ROUTES_PER_TABLE, None, Some(1000)),
        (ROUTE_TABLES_PER_VPC, None, None),
        (SECURITY_GROUPS_PER_VPC, None, None),
        (RULES_PER_SECURITY_GROUP, None, None),
        (ENTRIES_PER_NETWORK_ACL, None, None),
        (INTERNET_GATEWAYS_PER_REGION, None, None),
        (ADDRESSES_PER_REGION, None, None),
        (NAT_GATEWAYS_PER_AZ, None, None),
        (VPC_ENDPOINTS_PER_VPC, Some(50), None),
        (GATEWAY_ENDPOINTS_PER_REGION, Some(20), None),
        (PREFIX_LISTS_PER_REGION, None, None),
        (LOAD_BALANCERS_PER_REGION, None, None),
        (TARGET_GROUPS_PER_REGION, None, None),
        (NETWORK_INSIGHTS_PATHS_PER_REGION, None, None),
        (TRANSIT_GATEWAYS_PER_REGION, Some(5), None),
        (TGW_ATTACHMENTS_PER_VPC, Some(5), Some(5)),
        (ATTACHMENTS_PER_TGW, Some(5000), Some(5000)),
        (ROUTE_TABLES_PER_TGW, Some(20), None),
        (ROUTES_PER_TGW, Some(10_000), None),
        (PEERING_ATTACHMENTS_PER_TGW, Some(50), None),
        (PENDING_PEERING_ATTACHMENTS_PER_TGW, Some(10), None),
        (KEY_PAIRS_PER_REGION, Some(5000), None),
    ];
}

/// Quota values: global overrides and per-account overrides of the defaults.
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Quotas {
    #[serde(default)]
    pub global: BTreeMap<String, u32>,
    #[serde(default)]
    pub per_account: BTreeMap<String, BTreeMap<String, u32>>,
}

impl Quotas {
    /// The limit in force for `account`, or None when the quota is not enforced.
    pub fn limit(&self, account: &str, name: &str) -> Option<u32> {
        let (_, default, max) = quota::ALL.iter().find(|(n, _, _)| *n == name)?;
        let value = self
            .per_account
            .get(account)
            .and_then(|m| m.get(name))
            .or_else(|| self.global.get(name))
            .copied()
            .or(*default)?;
        Some(max.map_or(value, |m| value.min(m)))
    }

    /// Sets a quota from `NAME=VALUE` or `ACCOUNT:NAME=VALUE`.
    pub fn set_from_arg(&mut self, arg: &str) -> Result<(), String> {
        let (key, value) = arg
            .split_once('=')
            .ok_or_else(|| format!("quota `{arg}`: expected NAME=VALUE"))?;
        let value: u32 = value
            .trim()
            .parse()
            .map_err(|_| format!("quota `{arg}`: value must be a non-negative integer"))?;
        let (account, name) = match key.split_once(':') {
            Some((a, n)) => (Some(a.trim()), n.trim()),
            None => (None, key.trim()),
        };
        let Some((_, _, max)) = quota::ALL.iter().find(|(n, _, _)| *n == name) else {
            let names: Vec<_> = quota::ALL.iter().map(|(n, _, _)| *n).collect();
            return Err(format!(
                "unknown quota `{name}`; known: {}",
                names.join(", ")
            ));
        };
        if let Some(max) = max {
            if value > *max {
                return Err(format!("quota `{name}` can be raised to at most {max}"));
            }
        }
        match account {
            Some(a) => {
                self.per_account
                    .entry(a.to_string())
                    .or_default()
                    .insert(name.to_string(), value);
            }
            None => {
                self.global.insert(name.to_string(), value);
            }
        }
        Ok(())
    }
}

/// Delays of asynchronous transitions. Zero means "done by the next request".
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq, Eq)]
pub struct Delays {
    pub transition: Millis,
}

/// Everything the core is configured with.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Config {
    pub regions: Vec<RegionDef>,
    #[serde(default)]
    pub quotas: Quotas,
    #[serde(default)]
    pub delays: Delays,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            regions: RegionDef::defaults(),
            quotas: Quotas::default(),
            delays: Delays::default(),
        }
    }
}

impl Config {
    /// The Region definition for `name`, if served.
    pub fn region(&self, name: &str) -> Option<&RegionDef> {
        self.regions.iter().find(|r| r.name == name)
    }

    /// The Availability Zones of `region` as `account` names them (none if not served).
    pub fn zones(&self, account: &str, region: &str) -> Vec<Zone> {
        self.region(region)
            .map(|r| r.zones_for(account))
            .unwrap_or_default()
    }

    /// The names of the zones of `region` as `account` sees them.
    pub fn zone_names(&self, account: &str, region: &str) -> Vec<String> {
        self.zones(account, region)
            .into_iter()
            .map(|z| z.name)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(args: &[&str], account: &str, name: &str, expected: Option<u32>) {
        let mut q = Quotas::default();
        for a in args {
            q.set_from_arg(a).unwrap();
        }
        assert_eq!(q.limit(account, name), expected, "{args:?}");
    }

    #[test]
    fn quota_defaults_and_overrides() {
        check(&[], "1", quota::PEERING_ACTIVE_PER_VPC, Some(50));
        check(&[], "1", quota::VPCS_PER_REGION, None);
        check(&["vpcs-per-region=5"], "1", quota::VPCS_PER_REGION, Some(5));
        check(
            &["2:peering-active-per-vpc=125"],
            "2",
            quota::PEERING_ACTIVE_PER_VPC,
            Some(125),
        );
        check(
            &["2:peering-active-per-vpc=125"],
            "1",
            quota::PEERING_ACTIVE_PER_VPC,
            Some(50),
        );
    }

    #[test]
    fn quota_arguments_are_validated() {
        let mut q = Quotas::default();
        assert!(q.set_from_arg("peering-active-per-vpc=126").is_err());
        assert!(q.set_from_arg("nope=1").is_err());
        assert!(q.set_from_arg("vpcs-per-region").is_err());
    }
}
