//! VPCs as data: the VPC, its CIDR block associations, its attributes and its commands.

use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

use crate::table::Resource;
use crate::tags::TagSpec;
use crate::world::Scope;
use crate::Millis;

/// An IPv4 block associated with a VPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CidrAssociation {
    pub association_id: String,
    pub cidr: Ipv4Net,
}

/// An Amazon-provided IPv6 block associated with a VPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ipv6Association {
    pub association_id: String,
    pub cidr: Ipv6Net,
    pub border_group: String,
}

/// A VPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vpc {
    pub id: String,
    pub scope: Scope,
    /// IPv4 blocks, primary first.
    pub cidrs: Vec<CidrAssociation>,
    pub ipv6_cidrs: Vec<Ipv6Association>,
    pub is_default: bool,
    pub instance_tenancy: String,
    pub dhcp_options_id: String,
    pub enable_dns_support: bool,
    pub enable_dns_hostnames: bool,
    pub enable_network_address_usage_metrics: bool,
    pub main_route_table_id: String,
    pub default_security_group_id: String,
    pub default_network_acl_id: String,
    pub created: Millis,
}

impl Resource for Vpc {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl Vpc {
    /// The primary IPv4 block.
    pub fn primary_cidr(&self) -> Ipv4Net {
        self.cidrs[0].cidr
    }

    /// Whether an IPv4 address lies in one of the VPC's blocks.
    pub fn contains_v4(&self, addr: std::net::Ipv4Addr) -> bool {
        self.cidrs.iter().any(|c| c.cidr.contains(&addr))
    }
}

/// A VPC attribute for ModifyVpcAttribute / DescribeVpcAttribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Attribute {
    EnableDnsSupport,
    EnableDnsHostnames,
    EnableNetworkAddressUsageMetrics,
}

/// VPC commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    Create {
        cidr_block: String,
        amazon_ipv6: bool,
        instance_tenancy: Option<String>,
        tags: Vec<TagSpec>,
    },
    CreateDefault,
    Delete {
        vpc_id: String,
    },
    ModifyAttribute {
        vpc_id: String,
        attribute: Attribute,
        value: bool,
    },
    AssociateCidr {
        vpc_id: String,
        cidr_block: Option<String>,
        amazon_ipv6: bool,
    },
    DisassociateCidr {
        association_id: String,
    },
    /// ModifyVpcTenancy: only to `default`.
    ModifyTenancy {
        vpc_id: String,
        instance_tenancy: String,
    },
}
