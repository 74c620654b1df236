//! Subnets as data: the subnet, its IPv6 block, its attributes and its commands.

use std::collections::BTreeSet;

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

use crate::cidr;
use crate::error::{ApiError, Result};
use crate::table::Resource;
use crate::tags::TagSpec;
use crate::world::Scope;
use crate::Millis;

/// Addresses AWS reserves in every subnet: the first four and the last.
pub const RESERVED: u64 = 5;

/// An IPv6 block associated with a subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubnetIpv6 {
    pub association_id: String,
    pub cidr: Ipv6Net,
}

/// A subnet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subnet {
    pub id: String,
    pub scope: Scope,
    pub vpc_id: String,
    /// The IPv4 block; none for an IPv6-only (`Ipv6Native`) subnet.
    pub cidr: Option<Ipv4Net>,
    pub ipv6_cidrs: Vec<SubnetIpv6>,
    pub availability_zone: String,
    pub availability_zone_id: String,
    pub default_for_az: bool,
    pub map_public_ip_on_launch: bool,
    pub assign_ipv6_on_creation: bool,
    /// What instances launched here get (ModifySubnetAttribute's launch options).
    #[serde(default)]
    pub launch: LaunchOptions,
    /// Offsets (from the network address) of addresses in use by interfaces.
    pub used: BTreeSet<u32>,
    pub created: Millis,
}

impl Resource for Subnet {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl Subnet {
    /// `availableIpAddressCount`: size minus the five reserved minus those in use (0 for an
    /// IPv6-only subnet, as AWS shows it).
    pub fn available_ip_count(&self) -> u64 {
        self.cidr
            .map_or(0, |c| cidr::size_v4(&c) - RESERVED - self.used.len() as u64)
    }

    /// The subnet's block as people name it: its IPv4 block, else its first IPv6 block.
    pub fn display_cidr(&self) -> String {
        match (self.cidr, self.ipv6_cidrs.first()) {
            (Some(c), _) => c.to_string(),
            (None, Some(b)) => b.cidr.to_string(),
            (None, None) => String::new(),
        }
    }

    /// Whether the subnet is IPv6-only (`ipv6Native`): it has no IPv4 block.
    pub fn ipv6_native(&self) -> bool {
        self.cidr.is_none()
    }

    /// The subnet ARN.
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:ec2:{}:{}:subnet/{}",
            self.scope.region, self.scope.account, self.id
        )
    }
}

/// A subnet's launch options beyond its two original flags: DNS64, the hostnames of its
/// instances (`PrivateDnsNameOptionsOnLaunch`) and the device index of local interfaces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaunchOptions {
    pub enable_dns64: bool,
    /// `ip-name` or `resource-name`.
    pub hostname_type: String,
    pub resource_name_dns_a_record: bool,
    pub resource_name_dns_aaaa_record: bool,
    /// `EnableLniAtDeviceIndex`, until `DisableLniAtDeviceIndex`.
    pub lni_at_device_index: Option<u32>,
}

impl Default for LaunchOptions {
    fn default() -> Self {
        LaunchOptions {
            enable_dns64: false,
            hostname_type: HOSTNAME_TYPES[0].to_string(),
            resource_name_dns_a_record: false,
            resource_name_dns_aaaa_record: false,
            lni_at_device_index: None,
        }
    }
}

/// The hostname types of `PrivateDnsHostnameTypeOnLaunch`, the default first.
pub const HOSTNAME_TYPES: &[&str] = &["ip-name", "resource-name"];

/// A boolean subnet attribute for ModifySubnetAttribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Attribute {
    MapPublicIpOnLaunch,
    AssignIpv6AddressOnCreation,
    EnableDns64,
    EnableResourceNameDnsARecordOnLaunch,
    EnableResourceNameDnsAAAARecordOnLaunch,
    /// Only Outposts subnets with a customer-owned pool may set it.
    MapCustomerOwnedIpOnLaunch,
    /// `true` ends `EnableLniAtDeviceIndex`.
    DisableLniAtDeviceIndex,
}

impl Attribute {
    /// The attribute's name in AWS's messages (`assign-ipv6-address-on-creation`, …).
    pub fn wire_name(self) -> &'static str {
        match self {
            Attribute::MapPublicIpOnLaunch => "map-public-ip-on-launch",
            Attribute::AssignIpv6AddressOnCreation => "assign-ipv6-address-on-creation",
            Attribute::EnableDns64 => "enable-dns64",
            Attribute::EnableResourceNameDnsARecordOnLaunch => {
                "enable-resource-name-dns-a-record-on-launch"
            }
            Attribute::EnableResourceNameDnsAAAARecordOnLaunch => {
                "enable-resource-name-dns-aaaa-record-on-launch"
            }
            Attribute::MapCustomerOwnedIpOnLaunch => "map-customer-owned-ip-on-launch",
            Attribute::DisableLniAtDeviceIndex => "disable-lni-at-device-index",
        }
    }
}

/// A ModifySubnetAttribute option that is not a boolean.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum LaunchOption {
    /// `PrivateDnsHostnameTypeOnLaunch`.
    HostnameType(String),
    /// `EnableLniAtDeviceIndex`.
    LniAtDeviceIndex(i64),
}

/// Subnet commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    Create {
        vpc_id: String,
        /// Empty for an IPv6-only subnet.
        cidr_block: String,
        ipv6_cidr_block: Option<String>,
        /// `Ipv6Native`: an IPv6-only subnet (no IPv4 block).
        #[serde(default)]
        ipv6_native: bool,
        availability_zone: Option<String>,
        availability_zone_id: Option<String>,
        tags: Vec<TagSpec>,
    },
    CreateDefault {
        availability_zone: Option<String>,
        availability_zone_id: Option<String>,
        /// `Ipv6Native`: an IPv6-only default subnet (a /64 of the default VPC's IPv6 block).
        #[serde(default)]
        ipv6_native: bool,
    },
    Delete {
        subnet_id: String,
    },
    ModifyAttribute {
        subnet_id: String,
        attribute: Attribute,
        value: bool,
    },
    ModifyLaunchOption {
        subnet_id: String,
        option: LaunchOption,
    },
    AssociateIpv6 {
        subnet_id: String,
        ipv6_cidr_block: String,
    },
    DisassociateIpv6 {
        association_id: String,
    },
    CreateCidrReservation(Box<CreateReservation>),
    DeleteCidrReservation {
        id: String,
    },
}

/// How the addresses of a reservation are assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReservationType {
    /// AWS assigns them, as prefixes delegated to interfaces.
    Prefix,
    /// The user assigns them, by name.
    Explicit,
}

impl ReservationType {
    /// `prefix` or `explicit`, else `InvalidParameterValue`.
    pub fn parse(raw: &str) -> Result<Self> {
        match raw {
            "prefix" => Ok(ReservationType::Prefix),
            "explicit" => Ok(ReservationType::Explicit),
            other => Err(ApiError::invalid_value(format!(
                "Value ({other}) for parameter reservationType is invalid. Valid values are prefix, explicit."
            ))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReservationType::Prefix => "prefix",
            ReservationType::Explicit => "explicit",
        }
    }
}

/// One subnet CIDR reservation (`scr-`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CidrReservation {
    pub id: String,
    pub scope: Scope,
    pub subnet_id: String,
    pub cidr: IpNet,
    pub reservation_type: ReservationType,
    pub description: Option<String>,
}

impl Resource for CidrReservation {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// A requested reservation, unvalidated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreateReservation {
    pub subnet_id: String,
    pub cidr: String,
    pub reservation_type: String,
    pub description: Option<String>,
    pub tags: Vec<TagSpec>,
}
