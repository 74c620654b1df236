//! Subnets as data: the subnet, its IPv6 block, its attributes and its commands.

use std::collections::BTreeSet;

use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

use crate::cidr;
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
    pub cidr: Ipv4Net,
    pub ipv6_cidrs: Vec<SubnetIpv6>,
    pub availability_zone: String,
    pub availability_zone_id: String,
    pub default_for_az: bool,
    pub map_public_ip_on_launch: bool,
    pub assign_ipv6_on_creation: bool,
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
    /// `availableIpAddressCount`: size minus the five reserved minus those in use.
    pub fn available_ip_count(&self) -> u64 {
        cidr::size_v4(&self.cidr) - RESERVED - self.used.len() as u64
    }

    /// The subnet ARN.
    pub fn arn(&self) -> String {
        format!(
            "arn:aws:ec2:{}:{}:subnet/{}",
            self.scope.region, self.scope.account, self.id
        )
    }
}

/// A subnet attribute for ModifySubnetAttribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Attribute {
    MapPublicIpOnLaunch,
    AssignIpv6AddressOnCreation,
}

/// Subnet commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    Create {
        vpc_id: String,
        cidr_block: String,
        ipv6_cidr_block: Option<String>,
        availability_zone: Option<String>,
        availability_zone_id: Option<String>,
        tags: Vec<TagSpec>,
    },
    CreateDefault {
        availability_zone: Option<String>,
        availability_zone_id: Option<String>,
    },
    Delete {
        subnet_id: String,
    },
    ModifyAttribute {
        subnet_id: String,
        attribute: Attribute,
        value: bool,
    },
    AssociateIpv6 {
        subnet_id: String,
        ipv6_cidr_block: String,
    },
    DisassociateIpv6 {
        association_id: String,
    },
}
