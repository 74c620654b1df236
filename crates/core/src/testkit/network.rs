//! Builders for the VPC basics: VPCs and subnets.

use super::{Kit, REGION};
use crate::world::{Ctx, Scope};
use crate::{subnet, vpc};

impl Kit {
    /// A VPC with `cidr` (no IPv6) owned by the caller.
    pub fn vpc(&mut self, cidr: &str) -> String {
        self.id(create_vpc(cidr, false))
    }

    /// A VPC with `cidr` (no IPv6) owned by `ctx`'s caller.
    pub fn vpc_as(&mut self, ctx: &Ctx, cidr: &str) -> String {
        self.id_as(ctx, create_vpc(cidr, false))
    }

    /// A VPC with `cidr` and an Amazon-provided IPv6 block.
    pub fn vpc_v6(&mut self, cidr: &str) -> String {
        self.id(create_vpc(cidr, true))
    }

    /// A dual-stack subnet 10.0.1.0/24 in us-east-1a, with the first /64 of the Amazon IPv6
    /// block of its new VPC 10.0.0.0/16.
    pub fn dual_stack_subnet(&mut self) -> String {
        let v = self.vpc("10.0.0.0/16");
        self.ok(vpc::Cmd::AssociateCidr {
            vpc_id: v.clone(),
            cidr_block: None,
            amazon_ipv6: true,
        });
        let block = self.w.vpcs.get(&v).expect("vpc").ipv6_cidrs[0].cidr;
        let first = ipnet::Ipv6Net::new(block.network(), 64).expect("a /64");
        self.id(subnet::Cmd::Create {
            vpc_id: v,
            cidr_block: "10.0.1.0/24".into(),
            ipv6_cidr_block: Some(first.to_string()),
            ipv6_native: false,
            availability_zone: Some("us-east-1a".into()),
            availability_zone_id: None,
            tags: vec![],
        })
    }

    /// An IPv6-only subnet in us-east-1a: the second /64 of the Amazon IPv6 block of a new VPC
    /// 10.0.0.0/16 (its first /64 is left free).
    pub fn ipv6_only_subnet(&mut self) -> String {
        let v = self.vpc_v6("10.0.0.0/16");
        let block = self.w.vpcs.get(&v).expect("vpc").ipv6_cidrs[0].cidr;
        let second = block
            .subnets(64)
            .expect("a /56")
            .nth(1)
            .expect("a second /64");
        self.id(subnet::Cmd::Create {
            vpc_id: v,
            cidr_block: String::new(),
            ipv6_cidr_block: Some(second.to_string()),
            ipv6_native: true,
            availability_zone: Some("us-east-1a".into()),
            availability_zone_id: None,
            tags: vec![],
        })
    }

    /// A subnet of `vpc_id` with `cidr` in the zone named `az` (None: the first zone).
    pub fn subnet(&mut self, vpc_id: &str, cidr: &str, az: Option<&str>) -> String {
        self.id(create_subnet(vpc_id, cidr, az))
    }

    /// A subnet of `vpc_id` with `cidr` in the first zone, created by `ctx`'s caller.
    pub fn subnet_as(&mut self, ctx: &Ctx, vpc_id: &str, cidr: &str) -> String {
        self.id_as(ctx, create_subnet(vpc_id, cidr, None))
    }

    /// The default VPC of `scope`.
    pub fn default_vpc(&self, scope: &Scope) -> String {
        self.w
            .vpcs
            .in_scope(scope)
            .find(|v| v.is_default)
            .expect("a default VPC")
            .id
            .clone()
    }

    /// The first default subnet of `account` in the kit's Region.
    pub fn default_subnet(&self, account: &str) -> String {
        self.w
            .subnets
            .in_scope(&Scope::new(account, REGION))
            .next()
            .expect("a default subnet")
            .id
            .clone()
    }
}

/// CreateVpc with `cidr`, with or without an Amazon-provided IPv6 block.
pub fn create_vpc(cidr: &str, amazon_ipv6: bool) -> vpc::Cmd {
    vpc::Cmd::Create {
        cidr_block: cidr.into(),
        amazon_ipv6,
        instance_tenancy: None,
        tags: vec![],
    }
}

/// AssociateVpcCidrBlock of the IPv4 block `cidr`.
pub fn associate_cidr(vpc_id: &str, cidr: &str) -> vpc::Cmd {
    vpc::Cmd::AssociateCidr {
        vpc_id: vpc_id.into(),
        cidr_block: Some(cidr.into()),
        amazon_ipv6: false,
    }
}

/// CreateSubnet of an IPv4-only subnet.
fn create_subnet(vpc_id: &str, cidr: &str, az: Option<&str>) -> subnet::Cmd {
    subnet::Cmd::Create {
        vpc_id: vpc_id.into(),
        cidr_block: cidr.into(),
        ipv6_cidr_block: None,
        ipv6_native: false,
        availability_zone: az.map(str::to_string),
        availability_zone_id: None,
        tags: vec![],
    }
}
