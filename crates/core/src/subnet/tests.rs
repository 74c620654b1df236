//! Subnets: placement, zones, quota, default subnets (§6), deletion, attributes, IPv6
//! blocks, address allocation and DescribeSubnets.

use std::net::Ipv4Addr;

use ipnet::IpNet;

use super::*;
use crate::eni::{self, InterfaceSpec};
use crate::filter::Filter;
use crate::tags::TagSpec;
use crate::testkit::{Kit, B, REGION};
use crate::{vpc, Output};

/// CreateSubnet of `cidr` in `vpc_id`, its zone by name and/or id.
fn create(vpc_id: &str, cidr: &str, az: Option<&str>, az_id: Option<&str>) -> Cmd {
    Cmd::Create {
        vpc_id: vpc_id.into(),
        cidr_block: cidr.into(),
        ipv6_cidr_block: None,
        ipv6_native: false,
        availability_zone: az.map(str::to_string),
        availability_zone_id: az_id.map(str::to_string),
        tags: vec![],
    }
}

/// CreateDefaultSubnet in the zone named `az` and/or with id `az_id`.
fn create_default(az: Option<&str>, az_id: Option<&str>) -> Cmd {
    Cmd::CreateDefault {
        availability_zone: az.map(str::to_string),
        availability_zone_id: az_id.map(str::to_string),
        ipv6_native: false,
    }
}

/// The caller's default subnet in the zone named `az`.
fn default_subnet_in(k: &Kit, az: &str) -> Subnet {
    k.w.subnets
        .in_scope(k.ctx.scope())
        .find(|s| s.default_for_az && s.availability_zone == az)
        .expect("a default subnet in the zone")
        .clone()
}

#[test]
fn subnets_lie_in_the_vpc_blocks_without_overlap() {
    let mut k = Kit::new();
    let v = k.vpc("10.0.0.0/16");
    let zones = k.w.config.zones(k.ctx.account(), REGION);
    let id = k.subnet(&v, "10.0.1.0/24", Some(&zones[1].name));
    let s = k.w.subnets.get(&id).unwrap().clone();
    assert!(id.starts_with("subnet-") && id.len() == 24);
    assert_eq!(
        (s.vpc_id.as_str(), s.display_cidr()),
        (v.as_str(), "10.0.1.0/24".into())
    );
    assert_eq!(
        (
            s.availability_zone.as_str(),
            s.availability_zone_id.as_str()
        ),
        (zones[1].name.as_str(), zones[1].id.as_str())
    );
    assert!(!s.default_for_az && !s.map_public_ip_on_launch && !s.assign_ipv6_on_creation);
    assert_eq!(s.available_ip_count(), 251);
    assert_eq!(
        s.arn(),
        format!("arn:aws:ec2:{REGION}:{}:subnet/{id}", k.ctx.account())
    );
    // Its VPC's default ACL holds it.
    let acl = &k.w.vpcs.get(&v).unwrap().default_network_acl_id;
    assert!(k
        .w
        .network_acls
        .get(acl)
        .unwrap()
        .associations
        .iter()
        .any(|a| a.subnet_id == id));
    let cases = [
        ("10.0.1.128/25", "InvalidSubnet.Conflict"),
        ("10.0.0.0/8", "InvalidSubnet.Range"),
        ("10.1.0.0/24", "InvalidSubnet.Range"),
        ("10.0.0.0/29", "InvalidSubnet.Range"),
        ("10.0.0.0/15", "InvalidSubnet.Range"),
        ("10.0.0.300/24", "InvalidParameterValue"),
    ];
    for (cidr, code) in cases {
        k.refused(create(&v, cidr, None, None), code);
    }
    let e = k.refused(
        create(&v, "10.0.1.0/28", None, None),
        "InvalidSubnet.Conflict",
    );
    assert_eq!(
        e.message,
        "The CIDR '10.0.1.0/28' conflicts with another subnet"
    );
    k.refused(
        create("vpc-0123456789abcdef0", "10.0.2.0/24", None, None),
        "InvalidVpcID.NotFound",
    );
    let b = k.as_account(B);
    k.refused_as(
        &b,
        create(&v, "10.0.2.0/24", None, None),
        "InvalidVpcID.NotFound",
    );
    // A secondary block takes subnets too.
    k.id(vpc::Cmd::AssociateCidr {
        vpc_id: v.clone(),
        cidr_block: Some("10.1.0.0/16".into()),
        amazon_ipv6: false,
    });
    k.subnet(&v, "10.1.0.0/24", None);
}

#[test]
fn zones_by_name_or_id_else_in_turn() {
    let mut k = Kit::new();
    let v = k.vpc("10.0.0.0/16");
    let zones = k.w.config.zones(k.ctx.account(), REGION);
    let by_id = k.id(create(&v, "10.0.0.0/24", None, Some(&zones[2].id)));
    assert_eq!(
        k.w.subnets.get(&by_id).unwrap().availability_zone,
        zones[2].name
    );
    let e = k.refused(
        create(&v, "10.0.1.0/24", Some("us-east-1z"), None),
        "InvalidParameterValue",
    );
    assert!(e
        .message
        .contains("Subnets can currently only be created in the following availability zones"));
    k.refused(
        create(&v, "10.0.1.0/24", None, Some("use1-az99")),
        "InvalidParameterValue",
    );
    k.refused(
        create(&v, "10.0.1.0/24", Some(&zones[0].name), Some(&zones[0].id)),
        "InvalidParameterCombination",
    );
    // Without a zone: the VPC's n-th subnet goes to the n-th zone.
    let second = k.subnet(&v, "10.0.1.0/24", None);
    let third = k.subnet(&v, "10.0.2.0/24", None);
    assert_eq!(
        k.w.subnets.get(&second).unwrap().availability_zone,
        zones[1].name
    );
    assert_eq!(
        k.w.subnets.get(&third).unwrap().availability_zone,
        zones[2].name
    );
}

#[test]
fn tags_and_the_subnet_quota() {
    let mut k = Kit::with_quotas(&["subnets-per-vpc=2"]);
    let v = k.vpc("10.0.0.0/16");
    let tagged = |resource_type: &str, cidr: &str| Cmd::Create {
        vpc_id: v.clone(),
        cidr_block: cidr.into(),
        ipv6_cidr_block: None,
        ipv6_native: false,
        availability_zone: None,
        availability_zone_id: None,
        tags: vec![TagSpec {
            resource_type: resource_type.into(),
            tags: vec![("Name".into(), "web".into())],
        }],
    };
    k.refused(tagged("vpc", "10.0.0.0/24"), "InvalidParameterValue");
    let id = k.id(tagged("subnet", "10.0.0.0/24"));
    assert_eq!(
        crate::tags::of(&k.w, k.ctx.scope(), &id)
            .get("Name")
            .unwrap(),
        "web"
    );
    k.subnet(&v, "10.0.1.0/24", None);
    let e = k.refused(create(&v, "10.0.2.0/24", None, None), "SubnetLimitExceeded");
    assert_eq!(e.message, "The maximum number of subnets has been reached.");
}

#[test]
fn an_ipv6_only_default_subnet_takes_the_next_free_64_of_the_default_vpc() {
    let mut k = Kit::new();
    let zones = k.w.config.zones(k.ctx.account(), REGION);
    let default_vpc = k.default_vpc(k.ctx.scope());
    let native = |az: &str| Cmd::CreateDefault {
        availability_zone: Some(az.to_string()),
        availability_zone_id: None,
        ipv6_native: true,
    };
    // The zone's default subnet must go first, as for any default subnet.
    k.refused(
        native(&zones[0].name),
        "DefaultSubnetAlreadyExistsInAvailabilityZone",
    );
    let gone = default_subnet_in(&k, &zones[0].name);
    k.ok(Cmd::Delete { subnet_id: gone.id });
    // Without an IPv6 block on the default VPC there is nothing to take.
    let e = k.refused(native(&zones[0].name), "InvalidParameterValue");
    assert!(e.message.contains("no IPv6 CIDR block"), "{}", e.message);
    k.ok(crate::vpc::Cmd::AssociateCidr {
        vpc_id: default_vpc.clone(),
        cidr_block: None,
        amazon_ipv6: true,
    });
    let block = k.w.vpcs.get(&default_vpc).unwrap().ipv6_cidrs[0].cidr;
    // A /64 another subnet holds is skipped.
    let first: ipnet::Ipv6Net = block.subnets(64).unwrap().next().unwrap();
    let other = default_subnet_in(&k, &zones[1].name).id;
    k.ok(Cmd::AssociateIpv6 {
        subnet_id: other,
        ipv6_cidr_block: first.to_string(),
    });
    let id = k.id(native(&zones[0].name));
    let s = k.w.subnets.get(&id).unwrap().clone();
    assert_eq!(s.cidr, None);
    assert_eq!(
        s.ipv6_cidrs[0].cidr,
        block.subnets(64).unwrap().nth(1).unwrap()
    );
    assert!(s.default_for_az && s.assign_ipv6_on_creation && !s.map_public_ip_on_launch);
    assert_eq!(s.availability_zone, zones[0].name);
    k.refused(
        native(&zones[0].name),
        "DefaultSubnetAlreadyExistsInAvailabilityZone",
    );
}

#[test]
fn create_default_subnet_uses_the_next_free_20_of_the_default_vpc() {
    // §6: exactly one of AvailabilityZone / AvailabilityZoneId; one default subnet per zone;
    // the next free /20 of the default VPC, or a failure when none is left.
    let mut k = Kit::new();
    let zones = k.w.config.zones(k.ctx.account(), REGION);
    let default_vpc = k.default_vpc(k.ctx.scope());
    k.refused(create_default(None, None), "MissingParameter");
    k.refused(
        create_default(Some(&zones[0].name), Some(&zones[0].id)),
        "InvalidParameterCombination",
    );
    k.refused(
        create_default(Some("us-east-1z"), None),
        "InvalidParameterValue",
    );
    let existing = default_subnet_in(&k, &zones[0].name);
    let e = k.refused(
        create_default(Some(&zones[0].name), None),
        "DefaultSubnetAlreadyExistsInAvailabilityZone",
    );
    assert_eq!(
        e.message,
        format!(
            "'{}' is already the default subnet in {}.",
            existing.id, zones[0].name
        )
    );
    k.refused(
        create_default(None, Some(&zones[0].id)),
        "DefaultSubnetAlreadyExistsInAvailabilityZone",
    );
    // Once the zone's default subnet is gone, a new one takes the first free /20.
    let gone = default_subnet_in(&k, &zones[1].name);
    k.ok(Cmd::Delete {
        subnet_id: gone.id.clone(),
    });
    let id = k.id(create_default(None, Some(&zones[1].id)));
    let s = k.w.subnets.get(&id).unwrap().clone();
    assert_ne!(id, gone.id);
    assert_eq!(s.cidr, gone.cidr);
    assert_eq!(
        (s.vpc_id.as_str(), s.availability_zone.as_str()),
        (default_vpc.as_str(), zones[1].name.as_str())
    );
    assert!(s.default_for_az && s.map_public_ip_on_launch);
    k.refused(
        create_default(Some(&zones[1].name), None),
        "DefaultSubnetAlreadyExistsInAvailabilityZone",
    );
    // A zone without a default subnet but with an ordinary one still gets one.
    let gone = default_subnet_in(&k, &zones[2].name);
    k.ok(Cmd::Delete {
        subnet_id: gone.id.clone(),
    });
    // Fill every other /20 of 172.31.0.0/16, and part of the freed one.
    for i in zones.len()..16 {
        k.subnet(&default_vpc, &format!("172.31.{}.0/20", 16 * i), None);
    }
    let partial = k.subnet(
        &default_vpc,
        &gone.display_cidr().replace("/20", "/24"),
        Some(&zones[2].name),
    );
    let e = k.refused(
        create_default(Some(&zones[2].name), None),
        "InsufficientFreeAddressesInSubnet",
    );
    assert_eq!(
        e.message,
        "There is no free /20 block left in the default VPC."
    );
    k.ok(Cmd::Delete { subnet_id: partial });
    let id = k.id(create_default(Some(&zones[2].name), None));
    assert_eq!(k.w.subnets.get(&id).unwrap().cidr, gone.cidr);
    // Without a default VPC there is nothing to create in.
    k.w.vpcs.get_mut(&default_vpc).unwrap().is_default = false;
    let e = k.refused(
        create_default(Some(&zones[0].name), None),
        "DefaultVpcDoesNotExist",
    );
    assert_eq!(e.message, "No default VPC for this user");
}

#[test]
fn delete_waits_for_interfaces_and_leaves_its_associations() {
    let mut k = Kit::new();
    let v = k.vpc("10.0.0.0/16");
    let id = k.subnet(&v, "10.0.0.0/24", None);
    let rtb = k.id(crate::route::Cmd::CreateTable {
        vpc_id: v.clone(),
        tags: vec![],
        client_token: None,
    });
    k.id(crate::route::Cmd::Associate {
        route_table_id: rtb.clone(),
        subnet_id: Some(id.clone()),
        gateway_id: None,
    });
    let eni = k.id(eni::Cmd::CreateInterface {
        spec: InterfaceSpec {
            subnet_id: Some(id.clone()),
            ..InterfaceSpec::default()
        },
        interface_type: None,
        client_token: None,
        tags: vec![],
    });
    let e = k.refused(
        Cmd::Delete {
            subnet_id: id.clone(),
        },
        "DependencyViolation",
    );
    assert_eq!(
        e.message,
        format!("The subnet '{id}' has dependencies and cannot be deleted.")
    );
    k.ok(eni::Cmd::DeleteInterface {
        network_interface_id: eni,
    });
    let b = k.as_account(B);
    k.refused_as(
        &b,
        Cmd::Delete {
            subnet_id: id.clone(),
        },
        "InvalidSubnetID.NotFound",
    );
    assert_eq!(
        k.ok(Cmd::Delete {
            subnet_id: id.clone()
        }),
        Output::Done
    );
    assert!(k.w.subnets.get(&id).is_none());
    let table = k.w.route_tables.get(&rtb).unwrap();
    assert!(table
        .associations
        .iter()
        .all(|a| a.subnet_id.as_deref() != Some(id.as_str())));
    let acl = &k.w.vpcs.get(&v).unwrap().default_network_acl_id;
    assert!(k
        .w
        .network_acls
        .get(acl)
        .unwrap()
        .associations
        .iter()
        .all(|a| a.subnet_id != id));
    k.refused(Cmd::Delete { subnet_id: id }, "InvalidSubnetID.NotFound");
}

#[test]
fn attributes_and_ipv6_blocks() {
    let mut k = Kit::new();
    let v4only = k.vpc("10.9.0.0/16");
    let plain = k.subnet(&v4only, "10.9.0.0/24", None);
    let v = k.vpc_v6("10.0.0.0/16");
    let id = k.subnet(&v, "10.0.0.0/24", None);
    let set = |subnet_id: &str, attribute, value| Cmd::ModifyAttribute {
        subnet_id: subnet_id.into(),
        attribute,
        value,
    };
    k.ok(set(&id, Attribute::MapPublicIpOnLaunch, true));
    // Assigning IPv6 addresses at launch needs an IPv6 block.
    let e = k.refused(
        set(&id, Attribute::AssignIpv6AddressOnCreation, true),
        "InvalidParameterValue",
    );
    assert!(e.message.contains("has an IPv6 CIDR block associated"));
    k.ok(set(&id, Attribute::AssignIpv6AddressOnCreation, false));
    assert!(k.w.subnets.get(&id).unwrap().map_public_ip_on_launch);
    k.refused(
        set(
            "subnet-0123456789abcdef0",
            Attribute::MapPublicIpOnLaunch,
            true,
        ),
        "InvalidSubnetID.NotFound",
    );
    // IPv6: a /64 of the VPC's block.
    let block = k.w.vpcs.get(&v).unwrap().ipv6_cidrs[0].cidr;
    let mut sixty_fours = IpNet::V6(block).subnets(64).unwrap();
    let first = sixty_fours.next().unwrap().to_string();
    let second = sixty_fours.next().unwrap().to_string();
    let associate = |subnet_id: &str, cidr: &str| Cmd::AssociateIpv6 {
        subnet_id: subnet_id.into(),
        ipv6_cidr_block: cidr.into(),
    };
    k.refused(associate(&plain, &first), "InvalidSubnet.Range");
    k.refused(associate(&id, "2001:db8::/64"), "InvalidSubnet.Range");
    k.refused(associate(&id, "nope"), "InvalidParameterValue");
    let assoc = k.id(associate(&id, &first));
    k.ok(set(&id, Attribute::AssignIpv6AddressOnCreation, true));
    assert!(k.w.subnets.get(&id).unwrap().assign_ipv6_on_creation);
    assert!(assoc.starts_with("subnet-cidr-assoc-"));
    let e = k.refused(associate(&id, &second), "InvalidParameterValue");
    assert!(e.message.contains("already has an IPv6 CIDR block"));
    let other = k.subnet(&v, "10.0.1.0/24", None);
    k.refused(associate(&other, &first), "InvalidSubnet.Conflict");
    // A subnet created with its IPv6 block.
    let with_v6 = k.id(Cmd::Create {
        vpc_id: v.clone(),
        cidr_block: "10.0.2.0/24".into(),
        ipv6_cidr_block: Some(second.clone()),
        ipv6_native: false,
        availability_zone: None,
        availability_zone_id: None,
        tags: vec![],
    });
    assert_eq!(
        k.w.subnets.get(&with_v6).unwrap().ipv6_cidrs[0]
            .cidr
            .to_string(),
        second
    );
    // Disassociate: not while instances get an address from it (AWS's words, seen on the
    // wire in pulumi/pulumi-aws #2570).
    k.refused(
        Cmd::DisassociateIpv6 {
            association_id: assoc.clone(),
        },
        "InvalidCidrBlock.InUse",
    );
    k.ok(set(&id, Attribute::AssignIpv6AddressOnCreation, false));
    assert_eq!(
        k.ok(Cmd::DisassociateIpv6 {
            association_id: assoc.clone()
        }),
        Output::Id(assoc.clone())
    );
    assert!(k.w.subnets.get(&id).unwrap().ipv6_cidrs.is_empty());
    k.refused(
        Cmd::DisassociateIpv6 {
            association_id: assoc,
        },
        "InvalidSubnetCidrBlockAssociationID.NotFound",
    );
}

#[test]
fn addresses_skip_the_reserved_five_and_are_handed_back() {
    let mut k = Kit::new();
    let v = k.vpc("10.0.0.0/16");
    let id = k.subnet(&v, "10.0.0.0/28", None);
    let ip = |s: &str| -> Ipv4Addr { s.parse().unwrap() };
    assert_eq!(allocate_ip(&mut k.w, &id, None).unwrap(), ip("10.0.0.4"));
    assert_eq!(
        allocate_ip(&mut k.w, &id, Some(ip("10.0.0.9"))).unwrap(),
        ip("10.0.0.9")
    );
    let e = allocate_ip(&mut k.w, &id, Some(ip("10.0.0.9"))).unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("InvalidIPAddress.InUse", "Address 10.0.0.9 is in use.")
    );
    for reserved in ["10.0.0.0", "10.0.0.3", "10.0.0.15", "10.0.1.4"] {
        let e = allocate_ip(&mut k.w, &id, Some(ip(reserved))).unwrap_err();
        assert_eq!(e.code, "InvalidParameter", "{reserved}");
    }
    assert_eq!(k.w.subnets.get(&id).unwrap().available_ip_count(), 9);
    // The lowest free address next; then the subnet runs out.
    assert_eq!(allocate_ip(&mut k.w, &id, None).unwrap(), ip("10.0.0.5"));
    for _ in 0..8 {
        allocate_ip(&mut k.w, &id, None).unwrap();
    }
    let e = allocate_ip(&mut k.w, &id, None).unwrap_err();
    assert_eq!(e.code, "InsufficientFreeAddressesInSubnet");
    release_ip(&mut k.w, &id, ip("10.0.0.7"));
    assert_eq!(k.w.subnets.get(&id).unwrap().available_ip_count(), 1);
    assert_eq!(allocate_ip(&mut k.w, &id, None).unwrap(), ip("10.0.0.7"));
    let e = allocate_ip(&mut k.w, "subnet-0123456789abcdef0", None).unwrap_err();
    assert_eq!(e.code, "InvalidSubnetID.NotFound");
}

#[test]
fn describe_filters_and_ids() {
    let mut k = Kit::new();
    let v = k.vpc("10.0.0.0/16");
    let zones = k.w.config.zones(k.ctx.account(), REGION);
    let x = k.subnet(&v, "10.0.0.0/24", Some(&zones[0].name));
    let y = k.subnet(&v, "10.0.1.0/24", Some(&zones[1].name));
    k.ok(Cmd::ModifyAttribute {
        subnet_id: y.clone(),
        attribute: Attribute::MapPublicIpOnLaunch,
        value: true,
    });
    let ctx = k.ctx.clone();
    let find = |k: &Kit, f: &[(&str, &[&str])]| -> Vec<String> {
        let filters: Vec<Filter> = f.iter().map(|(n, v)| Filter::new(n, v)).collect();
        let mut ids: Vec<String> = describe(&k.w, &ctx, &[], &filters)
            .unwrap()
            .into_iter()
            .map(|s| s.id.clone())
            .collect();
        ids.sort();
        ids
    };
    let mut both = vec![x.clone(), y.clone()];
    both.sort();
    assert_eq!(find(&k, &[("vpc-id", &[&v])]), both);
    // The older names (`cidr`, `cidrBlock`) are the wire's aliases of `cidr-block`.
    assert_eq!(find(&k, &[("cidr-block", &["10.0.1.0/24"])]), [y.as_str()]);
    assert_eq!(
        find(
            &k,
            &[("vpc-id", &[&v]), ("availability-zone", &[&zones[0].name])]
        ),
        [x.as_str()]
    );
    assert_eq!(
        find(
            &k,
            &[("vpc-id", &[&v]), ("availability-zone-id", &[&zones[1].id])]
        ),
        [y.as_str()]
    );
    assert_eq!(
        find(
            &k,
            &[("vpc-id", &[&v]), ("map-public-ip-on-launch", &["true"])]
        ),
        [y.as_str()]
    );
    assert_eq!(
        find(
            &k,
            &[("vpc-id", &[&v]), ("available-ip-address-count", &["251"])]
        ),
        both
    );
    let defaults = find(&k, &[("default-for-az", &["true"])]);
    assert_eq!(defaults.len(), zones.len());
    assert_eq!(
        find(&k, &[("ipv6-native", &["false"])]).len(),
        defaults.len() + 2
    );
    let arn = k.w.subnets.get(&x).unwrap().arn();
    assert_eq!(find(&k, &[("subnet-arn", &[&arn])]), [x.as_str()]);
    let e = describe(&k.w, &ctx, &[], &[Filter::new("bogus", &["x"])]).unwrap_err();
    assert_eq!(e.code, "InvalidParameterValue");
    let e = describe(&k.w, &ctx, &["subnet-0123456789abcdef0".into()], &[]).unwrap_err();
    assert_eq!(e.code, "InvalidSubnetID.NotFound");
    let b = k.as_account(B);
    let e = describe(&k.w, &b, std::slice::from_ref(&x), &[]).unwrap_err();
    assert_eq!(e.code, "InvalidSubnetID.NotFound");
}

#[test]
fn ipv6_blocks_are_44_to_64_in_steps_of_4() {
    for len in 0..=128u8 {
        let allowed = matches!(len, 44 | 48 | 52 | 56 | 60 | 64);
        assert_eq!(attributes::ipv6_prefix_allowed(len), allowed, "/{len}");
    }
    let mut k = Kit::new();
    let v = k.vpc_v6("10.0.0.0/16");
    let block = k.w.vpcs.get(&v).unwrap().ipv6_cidrs[0].cidr;
    let associate = |subnet_id: &str, cidr: String| Cmd::AssociateIpv6 {
        subnet_id: subnet_id.into(),
        ipv6_cidr_block: cidr,
    };
    let a = k.subnet(&v, "10.0.0.0/24", None);
    let b = k.subnet(&v, "10.0.1.0/24", None);
    let sub = |len: u8| IpNet::V6(block).subnets(len).unwrap().next().unwrap();
    for len in [62u8, 68, 128] {
        k.refused(associate(&a, sub(len).to_string()), "InvalidSubnet.Range");
    }
    // Larger than the VPC's /56.
    let wider = ipnet::Ipv6Net::new(block.network(), 52).unwrap().trunc();
    k.refused(associate(&a, wider.to_string()), "InvalidSubnet.Range");
    // A /60, then a /64 inside it conflicts; the next /60 does not.
    k.ok(associate(&a, sub(60).to_string()));
    k.refused(associate(&b, sub(64).to_string()), "InvalidSubnet.Conflict");
    let next60 = IpNet::V6(block).subnets(60).unwrap().nth(1).unwrap();
    k.ok(associate(&b, next60.to_string()));
    // The whole /56 on a subnet of another VPC.
    let w = k.vpc_v6("10.1.0.0/16");
    let whole = k.w.vpcs.get(&w).unwrap().ipv6_cidrs[0].cidr;
    let c = k.subnet(&w, "10.1.0.0/24", None);
    k.ok(associate(&c, whole.to_string()));
}

#[test]
fn every_launch_option_of_modify_subnet_attribute() {
    let mut k = Kit::new();
    let v = k.vpc("10.0.0.0/16");
    let id = k.subnet(&v, "10.0.0.0/24", None);
    assert_eq!(
        k.w.subnets.get(&id).unwrap().launch,
        LaunchOptions::default()
    );
    assert_eq!(LaunchOptions::default().hostname_type, "ip-name");
    let flag = |attribute, value| Cmd::ModifyAttribute {
        subnet_id: id.clone(),
        attribute,
        value,
    };
    let option = |option| Cmd::ModifyLaunchOption {
        subnet_id: id.clone(),
        option,
    };
    k.ok(flag(Attribute::EnableDns64, true));
    k.ok(flag(Attribute::EnableResourceNameDnsARecordOnLaunch, true));
    k.ok(flag(
        Attribute::EnableResourceNameDnsAAAARecordOnLaunch,
        true,
    ));
    k.ok(option(LaunchOption::HostnameType("resource-name".into())));
    k.ok(option(LaunchOption::LniAtDeviceIndex(1)));
    let launch = k.w.subnets.get(&id).unwrap().launch.clone();
    assert_eq!(
        launch,
        LaunchOptions {
            enable_dns64: true,
            hostname_type: "resource-name".into(),
            resource_name_dns_a_record: true,
            resource_name_dns_aaaa_record: true,
            lni_at_device_index: Some(1),
        }
    );
    // Refusals change nothing.
    k.refused(
        option(LaunchOption::HostnameType("ip-address".into())),
        "InvalidParameterValue",
    );
    k.refused(
        option(LaunchOption::LniAtDeviceIndex(0)),
        "InvalidParameterValue",
    );
    k.refused(
        flag(Attribute::MapCustomerOwnedIpOnLaunch, true),
        "InvalidParameterValue",
    );
    k.ok(flag(Attribute::MapCustomerOwnedIpOnLaunch, false));
    k.refused(
        Cmd::ModifyLaunchOption {
            subnet_id: "subnet-0123456789abcdef0".into(),
            option: LaunchOption::LniAtDeviceIndex(1),
        },
        "InvalidSubnetID.NotFound",
    );
    // DescribeSubnets filters on them.
    let ctx = k.ctx.clone();
    let find = |name: &str, value: &str| -> Vec<String> {
        describe(&k.w, &ctx, &[], &[Filter::new(name, &[value])])
            .unwrap()
            .into_iter()
            .map(|s| s.id.clone())
            .collect()
    };
    assert_eq!(find("enable-dns64", "true"), [id.as_str()]);
    assert_eq!(find("enable-lni-at-device-index", "1"), [id.as_str()]);
    assert_eq!(
        find(
            "private-dns-name-options-on-launch.hostname-type",
            "resource-name"
        ),
        [id.as_str()]
    );
    assert_eq!(
        find(
            "private-dns-name-options-on-launch.enable-resource-name-dns-aaaa-record",
            "true"
        ),
        [id.as_str()]
    );
    // DisableLniAtDeviceIndex ends it; `false` leaves it.
    k.ok(flag(Attribute::DisableLniAtDeviceIndex, false));
    assert_eq!(
        k.w.subnets.get(&id).unwrap().launch.lni_at_device_index,
        Some(1)
    );
    k.ok(flag(Attribute::DisableLniAtDeviceIndex, true));
    assert_eq!(
        k.w.subnets.get(&id).unwrap().launch.lni_at_device_index,
        None
    );
}

fn reserve(subnet_id: &str, cidr: &str, ty: &str) -> Cmd {
    Cmd::CreateCidrReservation(Box::new(CreateReservation {
        subnet_id: subnet_id.into(),
        cidr: cidr.into(),
        reservation_type: ty.into(),
        description: Some("held".into()),
        tags: vec![],
    }))
}

#[test]
fn cidr_reservations_are_checked_listed_and_avoided() {
    let mut k = Kit::new();
    let v = k.vpc_v6("10.0.0.0/16");
    let block = k.w.vpcs.get(&v).unwrap().ipv6_cidrs[0].cidr;
    let v6_subnet: String = format!("{}/64", block.network());
    let s = k.id(Cmd::Create {
        vpc_id: v.clone(),
        cidr_block: "10.0.1.0/28".into(),
        ipv6_cidr_block: Some(v6_subnet.clone()),
        ipv6_native: false,
        availability_zone: None,
        availability_zone_id: None,
        tags: vec![],
    });
    let free = k.w.subnets.get(&s).unwrap().available_ip_count();
    assert_eq!(free, 11);
    // Explicit and prefix, IPv4 and IPv6.
    let explicit = k.id(reserve(&s, "10.0.1.4/31", "explicit"));
    let prefix = k.id(reserve(&s, "10.0.1.8/30", "prefix"));
    let v6 = k.id(reserve(&s, &format!("{}/80", block.network()), "prefix"));
    assert!(explicit.starts_with("scr-"));
    let r = k.w.subnet_cidr_reservations.get(&explicit).unwrap();
    assert_eq!(
        (
            r.cidr.to_string(),
            r.reservation_type,
            r.description.as_deref()
        ),
        (
            "10.0.1.4/31".into(),
            ReservationType::Explicit,
            Some("held")
        )
    );
    // Refused: outside the subnet, overlapping, bad type or CIDR, unknown subnet.
    for (cidr, ty, code) in [
        ("10.0.2.0/28", "explicit", "InvalidParameter"),
        ("10.0.1.5/32", "explicit", "InvalidParameter"),
        ("2001:db8::/64", "prefix", "InvalidParameter"),
        ("10.0.1.12/32", "other", "InvalidParameterValue"),
        ("10.0.1.300/32", "prefix", "InvalidParameterValue"),
    ] {
        k.refused(reserve(&s, cidr, ty), code);
    }
    k.refused(
        reserve("subnet-0123456789abcdef0", "10.0.1.12/32", "prefix"),
        "InvalidSubnetID.NotFound",
    );
    // Automatic picks skip every reserved address; a named one may use an explicit one.
    assert_eq!(auto_assignable_count(&k.w, k.w.subnets.get(&s).unwrap()), 5);
    let picked: Vec<Ipv4Addr> = (0..5)
        .map(|_| allocate_ip(&mut k.w, &s, None).unwrap())
        .collect();
    let last: Vec<u8> = picked.iter().map(|a| a.octets()[3]).collect();
    assert_eq!(last, vec![6, 7, 12, 13, 14]);
    assert_eq!(
        allocate_ip(&mut k.w, &s, None).unwrap_err().code,
        "InsufficientFreeAddressesInSubnet"
    );
    assert_eq!(
        allocate_ip(&mut k.w, &s, Some(Ipv4Addr::new(10, 0, 1, 4))).unwrap(),
        Ipv4Addr::new(10, 0, 1, 4)
    );
    // Get: per family, with filters; another account sees nothing.
    let ctx = k.ctx.clone();
    let all = describe_reservations(&k.w, &ctx, &s, &[]).unwrap();
    assert_eq!(all.len(), 3);
    let f = |n: &str, v: &str| {
        describe_reservations(&k.w, &ctx, &s, &[Filter::new(n, &[v])])
            .unwrap()
            .len()
    };
    assert_eq!(f("reservationType", "prefix"), 2);
    assert_eq!(f("reservationType", "explicit"), 1);
    assert_eq!(f("subnet-id", &s), 3);
    assert!(describe_reservations(&k.w, &ctx, &s, &[Filter::new("cidr", &["x"])]).is_err());
    let b = k.as_account(B);
    assert_eq!(
        describe_reservations(&k.w, &b, &s, &[]).unwrap_err().code,
        "InvalidSubnetID.NotFound"
    );
    k.refused_as(
        &b,
        Cmd::DeleteCidrReservation {
            id: explicit.clone(),
        },
        "InvalidSubnetCidrReservationID.NotFound",
    );
    // Delete; the subnet's deletion takes the rest along.
    k.ok(Cmd::DeleteCidrReservation { id: prefix.clone() });
    k.refused(
        Cmd::DeleteCidrReservation { id: prefix },
        "InvalidSubnetCidrReservationID.NotFound",
    );
    for a in picked.iter().chain([&Ipv4Addr::new(10, 0, 1, 4)]) {
        release_ip(&mut k.w, &s, *a);
    }
    k.ok(Cmd::Delete {
        subnet_id: s.clone(),
    });
    assert!(k.w.subnet_cidr_reservations.get(&explicit).is_none());
    assert!(k.w.subnet_cidr_reservations.get(&v6).is_none());
}

#[test]
fn reservations_hold_addresses_from_interfaces() {
    let mut k = Kit::new();
    let v = k.vpc("10.0.0.0/16");
    let s = k.subnet(&v, "10.0.1.0/28", None);
    k.ok(reserve(&s, "10.0.1.0/29", "explicit"));
    k.ok(reserve(&s, "10.0.1.8/30", "prefix"));
    // Left for automatic picks: .12, .13, .14.
    let spec = |ip: Option<&str>| eni::Cmd::CreateInterface {
        spec: InterfaceSpec {
            subnet_id: Some(s.clone()),
            private_ip: ip.map(|a| a.parse().unwrap()),
            secondary_count: Some(3),
            ..InterfaceSpec::default()
        },
        interface_type: None,
        client_token: None,
        tags: vec![],
    };
    // Four automatic addresses do not fit in three: refused, nothing taken.
    k.refused(spec(None), "InsufficientFreeAddressesInSubnet");
    // A named address in an explicit reservation is the user's to assign.
    let id = k.id(spec(Some("10.0.1.5")));
    let e = k.w.network_interfaces.get(&id).unwrap();
    let last: Vec<u8> = e.private_ips.iter().map(|a| a.octets()[3]).collect();
    assert_eq!(last, vec![5, 12, 13, 14]);
}

#[test]
fn ipv6_only_subnets_have_an_ipv6_block_and_no_ipv4_one() {
    let mut k = Kit::new();
    let v = k.vpc_v6("10.0.0.0/16");
    let block = k.w.vpcs.get(&v).unwrap().ipv6_cidrs[0].cidr;
    let first = block.subnets(64).unwrap().next().unwrap().to_string();
    let native = |cidr: &str, ipv6: Option<&str>| Cmd::Create {
        vpc_id: v.clone(),
        cidr_block: cidr.into(),
        ipv6_cidr_block: ipv6.map(str::to_string),
        ipv6_native: true,
        availability_zone: None,
        availability_zone_id: None,
        tags: vec![],
    };
    // AWS's errors for the invalid combinations (moto's AWS-verified tests).
    let before = crate::testkit::snapshot(&k.w);
    let e = k.refused(native("", None), "MissingParameter");
    assert_eq!(
        e.message,
        "Either 'ipv6CidrBlock' or 'ipv6IpamPoolId' should be provided."
    );
    k.refused(native("10.0.0.0/24", None), "MissingParameter");
    let e = k.refused(
        native("10.0.0.0/24", Some(&first)),
        "InvalidParameterCombination",
    );
    assert!(e.message.contains("you cannot set ipv6Native to true"));
    k.refused(create(&v, "", None, None), "MissingParameter");
    assert_eq!(crate::testkit::snapshot(&k.w), before);
    let id = k.id(native("", Some(&first)));
    let s = k.w.subnets.get(&id).unwrap().clone();
    assert!(s.ipv6_native() && s.cidr.is_none());
    assert!(s.assign_ipv6_on_creation && !s.map_public_ip_on_launch);
    assert_eq!(s.launch.hostname_type, "resource-name");
    assert_eq!(s.available_ip_count(), 0);
    assert_eq!(s.display_cidr(), first);
    // It takes no IPv4 room: a dual-stack subnet may use any IPv4 block beside it.
    k.subnet(&v, "10.0.0.0/24", None);
    let found = |k: &Kit, name: &str, value: &str| {
        describe(
            &k.w,
            &k.ctx,
            &[],
            &[Filter {
                name: name.into(),
                values: vec![value.into()],
            }],
        )
        .unwrap()
        .iter()
        .map(|s| s.id.clone())
        .collect::<Vec<_>>()
    };
    assert_eq!(found(&k, "ipv6-native", "true"), vec![id.clone()]);
    assert_eq!(found(&k, "ipv6-native", "false").len(), 7); // and the default VPC's
    assert_eq!(found(&k, "cidr-block", "10.0.0.0/24").len(), 1);
}

#[test]
fn ipv6_only_subnets_refuse_what_needs_ipv4() {
    let mut k = Kit::new();
    let id = k.ipv6_only_subnet();
    let set = |attribute, value| Cmd::ModifyAttribute {
        subnet_id: id.clone(),
        attribute,
        value,
    };
    let before = crate::testkit::snapshot(&k.w);
    for (attribute, value) in [
        (Attribute::MapPublicIpOnLaunch, true),
        (Attribute::AssignIpv6AddressOnCreation, false),
        (Attribute::EnableResourceNameDnsARecordOnLaunch, true),
    ] {
        k.refused(set(attribute, value), "InvalidParameterValue");
    }
    k.refused(
        Cmd::ModifyLaunchOption {
            subnet_id: id.clone(),
            option: LaunchOption::HostnameType("ip-name".into()),
        },
        "InvalidParameterValue",
    );
    // Its only block stays while instances get addresses from it.
    let assoc = k.w.subnets.get(&id).unwrap().ipv6_cidrs[0]
        .association_id
        .clone();
    k.refused(
        Cmd::DisassociateIpv6 {
            association_id: assoc,
        },
        "InvalidCidrBlock.InUse",
    );
    // NAT gateways need private IPv4 addresses.
    k.refused(
        crate::testkit::gateway::create_nat(&id, None),
        "InvalidSubnet",
    );
    assert_eq!(crate::testkit::snapshot(&k.w), before);
    // DNS64, AAAA records and the resource-name hostname are its to have.
    k.ok(set(Attribute::EnableDns64, true));
    k.ok(set(
        Attribute::EnableResourceNameDnsAAAARecordOnLaunch,
        true,
    ));
    k.ok(Cmd::ModifyLaunchOption {
        subnet_id: id.clone(),
        option: LaunchOption::HostnameType("resource-name".into()),
    });
    let s = k.w.subnets.get(&id).unwrap();
    assert!(s.launch.enable_dns64 && s.launch.resource_name_dns_aaaa_record);
}
