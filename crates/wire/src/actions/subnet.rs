//! Subnet actions.

use openvpc_core::subnet::{
    self, Attribute, CidrReservation, Cmd, CreateReservation, LaunchOption, Subnet,
};
use openvpc_core::{tags, ApiError, Command, Kind, Result, Scope, World};

use super::describe::{Query, EC2};
use super::{created_id, returned_true, Call, Handler};
use crate::xml::Xml;

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("CreateSubnet", create_subnet),
    ("CreateDefaultSubnet", create_default_subnet),
    ("DeleteSubnet", delete_subnet),
    ("DescribeSubnets", describe_subnets),
    ("ModifySubnetAttribute", modify_subnet_attribute),
    ("AssociateSubnetCidrBlock", associate_subnet_cidr_block),
    (
        "DisassociateSubnetCidrBlock",
        disassociate_subnet_cidr_block,
    ),
    ("CreateSubnetCidrReservation", create_cidr_reservation),
    ("DeleteSubnetCidrReservation", delete_cidr_reservation),
    ("GetSubnetCidrReservations", get_cidr_reservations),
];

fn create_subnet(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let vpc_id = p.req("VpcId")?;
    Kind::Vpc.check(&vpc_id)?;
    let cmd = Cmd::Create {
        vpc_id,
        cidr_block: p.str("CidrBlock").unwrap_or_default(),
        ipv6_cidr_block: p.str("Ipv6CidrBlock"),
        ipv6_native: p.flag("Ipv6Native")?,
        availability_zone: p.str("AvailabilityZone"),
        availability_zone_id: p.str("AvailabilityZoneId"),
        tags: p.tag_specs()?,
    };
    let id = created_id(cx.mutate(Command::Subnet(cmd))?)?;
    let w = cx.world();
    let mut x = Xml::new();
    x.node("subnet", |x| {
        render(
            x,
            w,
            cx.ctx().scope(),
            w.subnets.get(&id).expect("created"),
            "pending",
        )
    });
    Ok(x)
}

fn create_default_subnet(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let cmd = Cmd::CreateDefault {
        availability_zone: p.str("AvailabilityZone"),
        availability_zone_id: p.str("AvailabilityZoneId"),
        ipv6_native: p.flag("Ipv6Native")?,
    };
    let id = created_id(cx.mutate(Command::Subnet(cmd))?)?;
    let w = cx.world();
    let mut x = Xml::new();
    x.node("subnet", |x| {
        render(
            x,
            w,
            cx.ctx().scope(),
            w.subnets.get(&id).expect("created"),
            "available",
        )
    });
    Ok(x)
}

fn delete_subnet(cx: &mut Call) -> Result<Xml> {
    let subnet_id = cx.p().req("SubnetId")?;
    Kind::Subnet.check(&subnet_id)?;
    cx.mutate(Command::Subnet(Cmd::Delete { subnet_id }))?;
    Ok(returned_true())
}

fn describe_subnets(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(&cx.p(), "SubnetId", |id| Kind::Subnet.check(id), EC2)?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = subnet::describe(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |s| s.id.clone(),
        "subnetSet",
        |x, s| render(x, w, scope, s, "available"),
    ))
}

/// Renders one subnet's members.
pub fn render(x: &mut Xml, w: &World, scope: &Scope, s: &Subnet, state: &str) {
    x.leaf("subnetId", &s.id)
        .leaf("subnetArn", s.arn())
        .leaf("state", state)
        .leaf("ownerId", &s.scope.account)
        .leaf("vpcId", &s.vpc_id)
        .opt("cidrBlock", s.cidr)
        .list("ipv6CidrBlockAssociationSet", &s.ipv6_cidrs, |x, c| {
            x.leaf("associationId", &c.association_id)
                .leaf("ipv6CidrBlock", c.cidr)
                .node("ipv6CidrBlockState", |x| {
                    x.leaf("state", "associated");
                });
        })
        .leaf("availableIpAddressCount", s.available_ip_count())
        .leaf("availabilityZone", &s.availability_zone)
        .leaf("availabilityZoneId", &s.availability_zone_id)
        .leaf("defaultForAz", s.default_for_az)
        .leaf("mapPublicIpOnLaunch", s.map_public_ip_on_launch)
        .leaf("mapCustomerOwnedIpOnLaunch", false)
        .leaf("assignIpv6AddressOnCreation", s.assign_ipv6_on_creation)
        .leaf("enableDns64", s.launch.enable_dns64)
        .leaf("ipv6Native", s.ipv6_native())
        .node("privateDnsNameOptionsOnLaunch", |x| {
            x.leaf("hostnameType", &s.launch.hostname_type)
                .leaf(
                    "enableResourceNameDnsARecord",
                    s.launch.resource_name_dns_a_record,
                )
                .leaf(
                    "enableResourceNameDnsAAAARecord",
                    s.launch.resource_name_dns_aaaa_record,
                );
        })
        .opt("enableLniAtDeviceIndex", s.launch.lni_at_device_index)
        .tag_set(tags::of(w, scope, &s.id));
}

/// The boolean attributes of ModifySubnetAttribute, each sent as `<Name>.Value`.
const FLAGS: &[(&str, Attribute)] = &[
    ("MapPublicIpOnLaunch", Attribute::MapPublicIpOnLaunch),
    (
        "AssignIpv6AddressOnCreation",
        Attribute::AssignIpv6AddressOnCreation,
    ),
    ("EnableDns64", Attribute::EnableDns64),
    (
        "EnableResourceNameDnsARecordOnLaunch",
        Attribute::EnableResourceNameDnsARecordOnLaunch,
    ),
    (
        "EnableResourceNameDnsAAAARecordOnLaunch",
        Attribute::EnableResourceNameDnsAAAARecordOnLaunch,
    ),
    (
        "MapCustomerOwnedIpOnLaunch",
        Attribute::MapCustomerOwnedIpOnLaunch,
    ),
    (
        "DisableLniAtDeviceIndex",
        Attribute::DisableLniAtDeviceIndex,
    ),
];

/// ModifySubnetAttribute: exactly one attribute per call.
fn modify_subnet_attribute(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let subnet_id = p.req("SubnetId")?;
    Kind::Subnet.check(&subnet_id)?;
    let mut given = Vec::new();
    for (name, attribute) in FLAGS {
        if let Some(value) = p.nested(name).bool("Value")? {
            given.push(Cmd::ModifyAttribute {
                subnet_id: subnet_id.clone(),
                attribute: *attribute,
                value,
            });
        }
    }
    if let Some(t) = p.str("PrivateDnsHostnameTypeOnLaunch") {
        given.push(Cmd::ModifyLaunchOption {
            subnet_id: subnet_id.clone(),
            option: LaunchOption::HostnameType(t),
        });
    }
    if let Some(i) = p.int("EnableLniAtDeviceIndex")? {
        given.push(Cmd::ModifyLaunchOption {
            subnet_id: subnet_id.clone(),
            option: LaunchOption::LniAtDeviceIndex(i),
        });
    }
    if let Some(pool) = p.str("CustomerOwnedIpv4Pool") {
        return Err(ApiError::invalid_value(format!(
            "Value ({pool}) for parameter customerOwnedIpv4Pool is invalid. The customer-owned IPv4 pool does not exist."
        )));
    }
    let cmd = match given.len() {
        1 => given.remove(0),
        0 => {
            return Err(ApiError::invalid_parameter(
                "Specify one of MapPublicIpOnLaunch, AssignIpv6AddressOnCreation, EnableDns64, PrivateDnsHostnameTypeOnLaunch, EnableResourceNameDnsARecordOnLaunch, EnableResourceNameDnsAAAARecordOnLaunch, EnableLniAtDeviceIndex, DisableLniAtDeviceIndex or MapCustomerOwnedIpOnLaunch.",
            ))
        }
        _ => {
            return Err(ApiError::invalid_combination(
                "Only one attribute can be modified at a time.",
            ))
        }
    };
    cx.mutate(Command::Subnet(cmd))?;
    Ok(returned_true())
}

fn associate_subnet_cidr_block(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let subnet_id = p.req("SubnetId")?;
    Kind::Subnet.check(&subnet_id)?;
    let ipv6_cidr_block = p.req("Ipv6CidrBlock")?;
    let association_id = created_id(cx.mutate(Command::Subnet(Cmd::AssociateIpv6 {
        subnet_id: subnet_id.clone(),
        ipv6_cidr_block: ipv6_cidr_block.clone(),
    }))?)?;
    let mut x = Xml::new();
    x.leaf("subnetId", &subnet_id)
        .node("ipv6CidrBlockAssociation", |x| {
            x.leaf("associationId", &association_id)
                .leaf("ipv6CidrBlock", &ipv6_cidr_block)
                .node("ipv6CidrBlockState", |x| {
                    x.leaf("state", "associating");
                });
        });
    Ok(x)
}

fn disassociate_subnet_cidr_block(cx: &mut Call) -> Result<Xml> {
    let association_id = cx.p().req("AssociationId")?;
    let scope = cx.ctx().scope();
    let before = cx.world().subnets.in_scope(scope).find_map(|s| {
        s.ipv6_cidrs
            .iter()
            .find(|c| c.association_id == association_id)
            .map(|c| (s.id.clone(), c.cidr))
    });
    cx.mutate(Command::Subnet(Cmd::DisassociateIpv6 {
        association_id: association_id.clone(),
    }))?;
    let mut x = Xml::new();
    if let Some((subnet_id, cidr)) = before {
        x.leaf("subnetId", subnet_id)
            .node("ipv6CidrBlockAssociation", |x| {
                x.leaf("associationId", &association_id)
                    .leaf("ipv6CidrBlock", cidr)
                    .node("ipv6CidrBlockState", |x| {
                        x.leaf("state", "disassociating");
                    });
            });
    }
    Ok(x)
}

fn create_cidr_reservation(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let subnet_id = p.req("SubnetId")?;
    Kind::Subnet.check(&subnet_id)?;
    let c = CreateReservation {
        subnet_id,
        cidr: p.req("Cidr")?,
        reservation_type: p.req("ReservationType")?,
        description: p.str("Description"),
        tags: p.tag_specs()?,
    };
    let cmd = Cmd::CreateCidrReservation(Box::new(c));
    let id = created_id(cx.mutate(Command::Subnet(cmd))?)?;
    let w = cx.world();
    let r = w.subnet_cidr_reservations.get(&id).expect("created");
    let mut x = Xml::new();
    x.node("subnetCidrReservation", |x| {
        render_reservation(x, w, cx.ctx().scope(), r)
    });
    Ok(x)
}

fn delete_cidr_reservation(cx: &mut Call) -> Result<Xml> {
    let id = cx.p().req("SubnetCidrReservationId")?;
    Kind::SubnetCidrReservation.check(&id)?;
    let scope = cx.ctx().scope();
    let before = cx
        .world()
        .subnet_cidr_reservations
        .get_in(scope, &id)
        .cloned();
    let tags_before = tags::of(cx.world(), scope, &id).clone();
    cx.mutate(Command::Subnet(Cmd::DeleteCidrReservation { id }))?;
    let r = before.expect("deleted, so it existed");
    let mut x = Xml::new();
    x.node("deletedSubnetCidrReservation", |x| {
        reservation_fields(x, &r);
        if !tags_before.is_empty() {
            x.tag_set(&tags_before);
        }
    });
    Ok(x)
}

fn get_cidr_reservations(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let subnet_id = p.req("SubnetId")?;
    Kind::Subnet.check(&subnet_id)?;
    let q = Query::without_ids(&p, EC2)?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = subnet::describe_reservations(w, cx.ctx(), &subnet_id, &q.filters)?;
    let (page, next) = q.page.take(found, |r| r.id.clone());
    let (v4, v6): (Vec<_>, Vec<_>) = page.into_iter().partition(|r| r.cidr.addr().is_ipv4());
    let mut x = Xml::new();
    x.list("subnetIpv4CidrReservationSet", v4, |x, r| {
        render_reservation(x, w, scope, r)
    });
    x.list("subnetIpv6CidrReservationSet", v6, |x, r| {
        render_reservation(x, w, scope, r)
    });
    x.opt("nextToken", next);
    Ok(x)
}

/// A reservation's members without its tags.
fn reservation_fields(x: &mut Xml, r: &CidrReservation) {
    x.leaf("subnetCidrReservationId", &r.id)
        .leaf("subnetId", &r.subnet_id)
        .leaf("cidr", r.cidr)
        .leaf("reservationType", r.reservation_type.as_str())
        .leaf("ownerId", &r.scope.account)
        .opt("description", r.description.as_deref());
}

/// Renders one subnet CIDR reservation with the caller's tags.
fn render_reservation(x: &mut Xml, w: &World, scope: &Scope, r: &CidrReservation) {
    reservation_fields(x, r);
    let t = tags::of(w, scope, &r.id);
    if !t.is_empty() {
        x.tag_set(t);
    }
}
