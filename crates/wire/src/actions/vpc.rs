//! VPC actions: CreateVpc, DeleteVpc, DescribeVpcs, CreateDefaultVpc, attributes, CIDR blocks.

use openvpc_core::vpc::{self, Attribute, Cmd, Vpc};
use openvpc_core::{tags, ApiError, Command, ErrorCode, Kind, Result, World};

use super::describe::{Query, EC2};
use super::{created_id, returned_true, Call, Handler};
use crate::xml::Xml;

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("CreateVpc", create_vpc),
    ("CreateDefaultVpc", create_default_vpc),
    ("DeleteVpc", delete_vpc),
    ("DescribeVpcs", describe_vpcs),
    ("DescribeVpcAttribute", describe_vpc_attribute),
    ("ModifyVpcAttribute", modify_vpc_attribute),
    ("ModifyVpcTenancy", modify_vpc_tenancy),
    ("AssociateVpcCidrBlock", associate_vpc_cidr_block),
    ("DisassociateVpcCidrBlock", disassociate_vpc_cidr_block),
];

fn create_vpc(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let amazon_ipv6 = p.flag("AmazonProvidedIpv6CidrBlock")?;
    let cidr_block = match p.str("CidrBlock") {
        Some(c) => c,
        None if p.has("Ipv4IpamPoolId") => {
            return Err(ApiError::invalid_parameter("IPAM pools are not supported."))
        }
        None => {
            return Err(ApiError::new(
                ErrorCode::MissingParameter,
                "Either 'cidrBlock' or 'ipv4IpamPoolId' should be provided.",
            ))
        }
    };
    check_ipv6(cx, &p, amazon_ipv6)?;
    let cmd = Cmd::Create {
        cidr_block,
        amazon_ipv6,
        instance_tenancy: p.str("InstanceTenancy"),
        tags: p.tag_specs()?,
    };
    let id = created_id(cx.mutate(Command::Vpc(cmd))?)?;
    let w = cx.world();
    let mut x = Xml::new();
    x.node("vpc", |x| {
        render(
            x,
            w,
            cx.ctx().scope(),
            w.vpcs.get(&id).expect("created"),
            "pending",
        )
    });
    Ok(x)
}

fn create_default_vpc(cx: &mut Call) -> Result<Xml> {
    let id = created_id(cx.mutate(Command::Vpc(Cmd::CreateDefault))?)?;
    let w = cx.world();
    let mut x = Xml::new();
    x.node("vpc", |x| {
        render(
            x,
            w,
            cx.ctx().scope(),
            w.vpcs.get(&id).expect("created"),
            "pending",
        )
    });
    Ok(x)
}

fn delete_vpc(cx: &mut Call) -> Result<Xml> {
    let vpc_id = cx.p().req("VpcId")?;
    Kind::Vpc.check(&vpc_id)?;
    cx.mutate(Command::Vpc(Cmd::Delete { vpc_id }))?;
    Ok(returned_true())
}

fn describe_vpcs(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(&cx.p(), "VpcId", |id| Kind::Vpc.check(id), EC2)?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = vpc::describe(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |v| v.id.clone(),
        "vpcSet",
        |x, v| render(x, w, scope, v, "available"),
    ))
}

/// Renders one VPC's members.
pub fn render(x: &mut Xml, w: &World, scope: &openvpc_core::Scope, v: &Vpc, state: &str) {
    x.leaf("vpcId", &v.id)
        .leaf("ownerId", &v.scope.account)
        .leaf("state", state)
        .leaf("cidrBlock", v.primary_cidr())
        .list("cidrBlockAssociationSet", &v.cidrs, |x, c| {
            x.leaf("associationId", &c.association_id)
                .leaf("cidrBlock", c.cidr)
                .node("cidrBlockState", |x| {
                    x.leaf("state", "associated");
                });
        });
    if !v.ipv6_cidrs.is_empty() {
        x.list("ipv6CidrBlockAssociationSet", &v.ipv6_cidrs, |x, c| {
            x.leaf("associationId", &c.association_id)
                .leaf("ipv6CidrBlock", c.cidr)
                .node("ipv6CidrBlockState", |x| {
                    x.leaf("state", "associated");
                })
                .leaf("networkBorderGroup", &c.border_group)
                .leaf("ipv6Pool", "Amazon");
        });
    }
    x.leaf("dhcpOptionsId", &v.dhcp_options_id)
        .leaf("instanceTenancy", &v.instance_tenancy)
        .leaf("isDefault", v.is_default)
        .tag_set(tags::of(w, scope, &v.id));
}

fn attribute_of(name: &str) -> Result<Attribute> {
    match name {
        "enableDnsSupport" => Ok(Attribute::EnableDnsSupport),
        "enableDnsHostnames" => Ok(Attribute::EnableDnsHostnames),
        "enableNetworkAddressUsageMetrics" => Ok(Attribute::EnableNetworkAddressUsageMetrics),
        other => Err(ApiError::invalid_value(format!(
            "Value ({other}) for parameter attribute is invalid. Unknown attribute."
        ))),
    }
}

fn describe_vpc_attribute(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let vpc_id = p.req("VpcId")?;
    Kind::Vpc.check(&vpc_id)?;
    let name = p.req("Attribute")?;
    let attribute = attribute_of(&name)?;
    cx.read()?;
    let v = vpc::get(cx.world(), cx.ctx().scope(), &vpc_id)?;
    let value = match attribute {
        Attribute::EnableDnsSupport => v.enable_dns_support,
        Attribute::EnableDnsHostnames => v.enable_dns_hostnames,
        Attribute::EnableNetworkAddressUsageMetrics => v.enable_network_address_usage_metrics,
    };
    let mut x = Xml::new();
    x.leaf("vpcId", &vpc_id).node(&name, |x| {
        x.leaf("value", value);
    });
    Ok(x)
}

fn modify_vpc_attribute(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let vpc_id = p.req("VpcId")?;
    Kind::Vpc.check(&vpc_id)?;
    let mut given = Vec::new();
    for (name, attribute) in [
        ("EnableDnsSupport", Attribute::EnableDnsSupport),
        ("EnableDnsHostnames", Attribute::EnableDnsHostnames),
        (
            "EnableNetworkAddressUsageMetrics",
            Attribute::EnableNetworkAddressUsageMetrics,
        ),
    ] {
        if let Some(value) = p.nested(name).bool("Value")? {
            given.push((attribute, value));
        }
    }
    let (attribute, value) = match given.as_slice() {
        [one] => *one,
        [] => return Err(ApiError::missing("EnableDnsSupport")),
        _ => return Err(ApiError::invalid_combination(
            "Fields for multiple attribute types specified: enableDnsSupport, enableDnsHostnames",
        )),
    };
    cx.mutate(Command::Vpc(Cmd::ModifyAttribute {
        vpc_id,
        attribute,
        value,
    }))?;
    Ok(returned_true())
}

fn modify_vpc_tenancy(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let vpc_id = p.req("VpcId")?;
    Kind::Vpc.check(&vpc_id)?;
    let instance_tenancy = p.req("InstanceTenancy")?;
    cx.mutate(Command::Vpc(Cmd::ModifyTenancy {
        vpc_id,
        instance_tenancy,
    }))?;
    Ok(returned_true())
}

fn associate_vpc_cidr_block(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let vpc_id = p.req("VpcId")?;
    Kind::Vpc.check(&vpc_id)?;
    let cidr_block = p.str("CidrBlock");
    let amazon_ipv6 = p.flag("AmazonProvidedIpv6CidrBlock")?;
    check_ipv6(cx, &p, amazon_ipv6)?;
    let association_id = created_id(cx.mutate(Command::Vpc(Cmd::AssociateCidr {
        vpc_id: vpc_id.clone(),
        cidr_block,
        amazon_ipv6,
    }))?)?;
    let v = vpc::get(cx.world(), cx.ctx().scope(), &vpc_id)?;
    let mut x = Xml::new();
    render_association(&mut x, v, &association_id, "associating");
    x.leaf("vpcId", &vpc_id);
    Ok(x)
}

/// The IPv6 parameters CreateVpc and AssociateVpcCidrBlock share, checked by the core
/// (`vpc::check_ipv6_request`) before anything is applied.
fn check_ipv6(cx: &Call, p: &crate::params::View, amazon: bool) -> Result<()> {
    let pool = p.str("Ipv6Pool");
    let cidr_block = p.str("Ipv6CidrBlock");
    let border_group = p.str("Ipv6CidrBlockNetworkBorderGroup");
    vpc::check_ipv6_request(
        cx.ctx(),
        &vpc::Ipv6Request {
            amazon,
            pool: pool.as_deref(),
            cidr_block: cidr_block.as_deref(),
            border_group: border_group.as_deref(),
        },
    )
}

fn render_association(x: &mut Xml, v: &Vpc, association_id: &str, state: &str) {
    if let Some(c) = v.cidrs.iter().find(|c| c.association_id == association_id) {
        x.node("cidrBlockAssociation", |x| {
            x.leaf("associationId", association_id)
                .leaf("cidrBlock", c.cidr)
                .node("cidrBlockState", |x| {
                    x.leaf("state", state);
                });
        });
    }
    if let Some(c) = v
        .ipv6_cidrs
        .iter()
        .find(|c| c.association_id == association_id)
    {
        x.node("ipv6CidrBlockAssociation", |x| {
            x.leaf("associationId", association_id)
                .leaf("ipv6CidrBlock", c.cidr)
                .node("ipv6CidrBlockState", |x| {
                    x.leaf("state", state);
                })
                .leaf("networkBorderGroup", &c.border_group)
                .leaf("ipv6Pool", "Amazon");
        });
    }
}

fn disassociate_vpc_cidr_block(cx: &mut Call) -> Result<Xml> {
    let association_id = cx.p().req("AssociationId")?;
    let scope = cx.ctx().scope();
    let before = cx
        .world()
        .vpcs
        .in_scope(scope)
        .find(|v| {
            v.cidrs.iter().any(|c| c.association_id == association_id)
                || v.ipv6_cidrs
                    .iter()
                    .any(|c| c.association_id == association_id)
        })
        .cloned();
    cx.mutate(Command::Vpc(Cmd::DisassociateCidr {
        association_id: association_id.clone(),
    }))?;
    let mut x = Xml::new();
    if let Some(v) = before {
        render_association(&mut x, &v, &association_id, "disassociating");
        x.leaf("vpcId", &v.id);
    }
    Ok(x)
}
