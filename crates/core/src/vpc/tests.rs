//! VPCs: creation with their defaults, the default VPC (§6), deletion, attributes, CIDR
//! block associations (§1.6) and DescribeVpcs.

use ipnet::IpNet;

use super::*;
use crate::filter::Filter;
use crate::route::{self, Destination, RouteParams, Target};
use crate::tags::TagSpec;
use crate::testkit::network::{associate_cidr, create_vpc};
use crate::testkit::{Kit, B, REGION};
use crate::{gateway, subnet, Command, Output};

/// AssociateVpcCidrBlock of an Amazon-provided IPv6 block.
fn associate_ipv6(vpc_id: &str) -> Cmd {
    Cmd::AssociateCidr {
        vpc_id: vpc_id.into(),
        cidr_block: None,
        amazon_ipv6: true,
    }
}

/// The destinations of the local routes of `vpc_id`'s main route table.
fn local_routes(k: &Kit, vpc_id: &str) -> Vec<String> {
    let main = &k.w.vpcs.get(vpc_id).unwrap().main_route_table_id;
    k.w.route_tables
        .get(main)
        .unwrap()
        .routes
        .iter()
        .filter(|r| r.target == Target::Local)
        .map(|r| r.destination.to_string())
        .collect()
}

#[test]
fn a_new_vpc_gets_its_main_table_default_group_and_acl() {
    let mut k = Kit::new();
    let id = k.vpc("10.0.0.0/16");
    let v = k.w.vpcs.get(&id).unwrap().clone();
    assert!(id.starts_with("vpc-") && id.len() == 21);
    assert_eq!(v.primary_cidr().to_string(), "10.0.0.0/16");
    assert!(v.cidrs[0].association_id.starts_with("vpc-cidr-assoc-"));
    assert!(!v.is_default && v.ipv6_cidrs.is_empty());
    assert_eq!(v.instance_tenancy, "default");
    assert!(v.enable_dns_support && !v.enable_dns_hostnames);
    assert!(!v.enable_network_address_usage_metrics);
    assert_eq!(v.created, k.ctx.now);
    // The Region's default DHCP options.
    let dopt = k.w.dhcp_options.get(&v.dhcp_options_id).unwrap();
    assert!(dopt.is_default);
    // Main table with the local route only.
    let main = k.w.route_tables.get(&v.main_route_table_id).unwrap();
    assert!(main.is_main() && main.vpc_id == id);
    assert_eq!(local_routes(&k, &id), ["10.0.0.0/16"]);
    assert_eq!(main.routes.len(), 1);
    // Default group: all from itself in, all out to 0.0.0.0/0.
    let g =
        k.w.security_groups
            .get(&v.default_security_group_id)
            .unwrap();
    assert_eq!(
        (g.name.as_str(), g.vpc_id.as_str()),
        ("default", id.as_str())
    );
    assert_eq!((g.ingress.len(), g.egress.len()), (1, 1));
    // Default ACL.
    let acl = k.w.network_acls.get(&v.default_network_acl_id).unwrap();
    assert!(acl.is_default && acl.vpc_id == id);
    // With an Amazon IPv6 block: a /56 of Amazon's pool and ::/0 egress.
    let v6 = k.vpc_v6("10.1.0.0/16");
    let v6 = k.w.vpcs.get(&v6).unwrap().clone();
    assert_eq!(v6.ipv6_cidrs.len(), 1);
    assert_eq!(v6.ipv6_cidrs[0].cidr.prefix_len(), 56);
    assert_eq!(v6.ipv6_cidrs[0].border_group, REGION);
    let g6 =
        k.w.security_groups
            .get(&v6.default_security_group_id)
            .unwrap();
    assert_eq!(g6.egress.len(), 2);
    // Each new block comes from the next /56.
    let other = k.vpc_v6("10.2.0.0/16");
    assert_ne!(
        k.w.vpcs.get(&other).unwrap().ipv6_cidrs[0].cidr,
        v6.ipv6_cidrs[0].cidr
    );
}

#[test]
fn create_validates_block_tenancy_tags_and_quota() {
    let mut k = Kit::with_quotas(&["vpcs-per-region=2"]);
    for (cidr, code) in [
        ("10.0.0.0/15", "InvalidVpc.Range"),
        ("10.0.0.0/29", "InvalidVpc.Range"),
        ("banana", "InvalidParameterValue"),
    ] {
        k.refused(create_vpc(cidr, false), code);
    }
    let e = k.refused(
        Cmd::Create {
            cidr_block: "10.0.0.0/16".into(),
            amazon_ipv6: false,
            instance_tenancy: Some("shared".into()),
            tags: vec![],
        },
        "InvalidParameterValue",
    );
    assert_eq!(
        e.message,
        "Value (shared) for parameter instanceTenancy is invalid."
    );
    k.refused(
        Cmd::Create {
            cidr_block: "10.0.0.0/16".into(),
            amazon_ipv6: false,
            instance_tenancy: None,
            tags: vec![TagSpec {
                resource_type: "subnet".into(),
                tags: vec![("k".into(), "v".into())],
            }],
        },
        "InvalidParameterValue",
    );
    let tagged = k.id(Cmd::Create {
        cidr_block: "10.0.0.0/16".into(),
        amazon_ipv6: false,
        instance_tenancy: Some("dedicated".into()),
        tags: vec![TagSpec {
            resource_type: "vpc".into(),
            tags: vec![("Name".into(), "prod".into())],
        }],
    });
    assert_eq!(k.w.vpcs.get(&tagged).unwrap().instance_tenancy, "dedicated");
    assert_eq!(
        crate::tags::of(&k.w, k.ctx.scope(), &tagged)
            .get("Name")
            .unwrap(),
        "prod"
    );
    // The default VPC counts: two VPCs now, the third is over the quota.
    let e = k.refused(create_vpc("10.1.0.0/16", false), "VpcLimitExceeded");
    assert_eq!(e.message, "The maximum number of VPCs has been reached.");
    // The quota is per account and Region.
    let b = k.as_account(B);
    k.id_as(&b, create_vpc("10.1.0.0/16", false));
}

#[test]
fn the_default_vpc_has_an_internet_gateway_and_a_default_subnet_per_zone() {
    let mut k = Kit::new();
    let id = k.default_vpc(k.ctx.scope());
    let v = k.w.vpcs.get(&id).unwrap().clone();
    assert!(v.is_default && v.enable_dns_hostnames && v.enable_dns_support);
    assert_eq!(v.primary_cidr().to_string(), "172.31.0.0/16");
    let igw =
        k.w.internet_gateways
            .in_scope(k.ctx.scope())
            .find(|g| g.attachment.as_deref() == Some(id.as_str()))
            .expect("an attached internet gateway");
    let main = k.w.route_tables.get(&v.main_route_table_id).unwrap();
    assert!(main
        .routes
        .iter()
        .any(|r| r.destination.to_string() == "0.0.0.0/0"
            && r.target == Target::Gateway(igw.id.clone())));
    let zones = k.w.config.zones(k.ctx.account(), REGION);
    let subnets: Vec<_> =
        k.w.subnets
            .in_scope(k.ctx.scope())
            .filter(|s| s.vpc_id == id)
            .collect();
    assert_eq!(subnets.len(), zones.len());
    for (i, zone) in zones.iter().enumerate() {
        let s = subnets
            .iter()
            .find(|s| s.availability_zone == zone.name)
            .expect("one default subnet per zone");
        assert_eq!(s.display_cidr(), format!("172.31.{}.0/20", 16 * i));
        assert!(s.default_for_az && s.map_public_ip_on_launch);
        assert_eq!(s.availability_zone_id, zone.id);
    }
    // Only one default VPC per Region.
    let e = k.refused(Cmd::CreateDefault, "DefaultVpcAlreadyExists");
    assert_eq!(
        e.message,
        "A Default VPC already exists for this account in this region."
    );
    // Unknown Regions get no defaults.
    let ctx = crate::Ctx::new(B, "xx-nowhere-1", k.ctx.now);
    assert_eq!(
        k.refused_as(&ctx, Command::InitScope, "InvalidParameterValue")
            .message,
        "The Region 'xx-nowhere-1' is not supported by this endpoint."
    );
}

#[test]
fn delete_needs_only_defaults_left_and_takes_them_along() {
    let mut k = Kit::new();
    let id = k.vpc("10.0.0.0/16");
    let v = k.w.vpcs.get(&id).unwrap().clone();
    let s = k.subnet(&id, "10.0.1.0/24", None);
    let e = k.refused(Cmd::Delete { vpc_id: id.clone() }, "DependencyViolation");
    assert_eq!(
        e.message,
        format!("The vpc '{id}' has dependencies and cannot be deleted.")
    );
    k.ok(subnet::Cmd::Delete { subnet_id: s });
    // Another account does not see it.
    let b = k.as_account(B);
    k.refused_as(
        &b,
        Cmd::Delete { vpc_id: id.clone() },
        "InvalidVpcID.NotFound",
    );
    assert_eq!(k.ok(Cmd::Delete { vpc_id: id.clone() }), Output::Done);
    assert!(k.w.vpcs.get(&id).is_none());
    assert!(k.w.route_tables.get(&v.main_route_table_id).is_none());
    assert!(k
        .w
        .security_groups
        .get(&v.default_security_group_id)
        .is_none());
    assert!(k.w.network_acls.get(&v.default_network_acl_id).is_none());
    k.refused(Cmd::Delete { vpc_id: id }, "InvalidVpcID.NotFound");
}

#[test]
fn attributes_are_changed_one_at_a_time() {
    let mut k = Kit::new();
    let id = k.vpc("10.0.0.0/16");
    let set = |attribute, value| Cmd::ModifyAttribute {
        vpc_id: id.clone(),
        attribute,
        value,
    };
    k.ok(set(Attribute::EnableDnsHostnames, true));
    k.ok(set(Attribute::EnableDnsSupport, false));
    k.ok(set(Attribute::EnableNetworkAddressUsageMetrics, true));
    let v = k.w.vpcs.get(&id).unwrap();
    assert!(v.enable_dns_hostnames && !v.enable_dns_support);
    assert!(v.enable_network_address_usage_metrics);
    let b = k.as_account(B);
    k.refused_as(
        &b,
        set(Attribute::EnableDnsHostnames, false),
        "InvalidVpcID.NotFound",
    );
}

#[test]
fn associated_blocks_keep_to_the_family_overlap_nothing_and_count_toward_the_quota() {
    let mut k = Kit::new();
    let id = k.vpc("10.0.0.0/16");
    k.refused(
        Cmd::AssociateCidr {
            vpc_id: id.clone(),
            cidr_block: Some("10.1.0.0/16".into()),
            amazon_ipv6: true,
        },
        "InvalidParameterCombination",
    );
    k.refused(
        Cmd::AssociateCidr {
            vpc_id: id.clone(),
            cidr_block: None,
            amazon_ipv6: false,
        },
        "InvalidParameterCombination",
    );
    k.refused(associate_cidr(&id, "10.1.0.0/29"), "InvalidVpc.Range");
    let e = k.refused(associate_cidr(&id, "192.168.0.0/16"), "InvalidVpc.Range");
    assert!(e.message.contains("is restricted"), "{}", e.message);
    let e = k.refused(
        associate_cidr(&id, "10.0.128.0/17"),
        "InvalidParameterValue",
    );
    assert_eq!(
        e.message,
        "The CIDR '10.0.128.0/17' conflicts with another CIDR block (10.0.0.0/16) of the VPC."
    );
    k.refused(
        associate_cidr("vpc-0123456789abcdef0", "10.1.0.0/16"),
        "InvalidVpcID.NotFound",
    );
    // A publicly routable block may join a private VPC.
    let public = k.id(associate_cidr(&id, "100.64.0.0/16"));
    assert!(public.starts_with("vpc-cidr-assoc-"));
    let second = k.id(associate_cidr(&id, "10.1.0.0/16"));
    assert_eq!(
        local_routes(&k, &id),
        ["10.0.0.0/16", "100.64.0.0/16", "10.1.0.0/16"]
    );
    // Five IPv4 blocks per VPC by default.
    k.id(associate_cidr(&id, "10.2.0.0/16"));
    k.id(associate_cidr(&id, "10.3.0.0/16"));
    let e = k.refused(associate_cidr(&id, "10.4.0.0/16"), "CidrLimitExceeded");
    assert_eq!(
        e.message,
        format!("This network '{id}' has met its maximum number of allowed CIDRs: 5")
    );
    // IPv6: a /56 with its local route.
    let v6 = k.id(associate_ipv6(&id));
    let block = k.w.vpcs.get(&id).unwrap().ipv6_cidrs[0].clone();
    assert_eq!(block.association_id, v6);
    assert!(local_routes(&k, &id).contains(&block.cidr.to_string()));
    // Disassociating the second block takes its local route along.
    assert_eq!(
        k.ok(Cmd::DisassociateCidr {
            association_id: second.clone()
        }),
        Output::Id(second.clone())
    );
    assert!(!local_routes(&k, &id).contains(&"10.1.0.0/16".to_string()));
    k.refused(
        Cmd::DisassociateCidr {
            association_id: second,
        },
        "InvalidVpcCidrBlockAssociationID.NotFound",
    );
}

#[test]
fn a_block_containing_a_route_destination_is_refused() {
    // §1.6: a new block may not contain the destination of a route of the VPC's tables.
    let mut k = Kit::new();
    let id = k.vpc("10.0.0.0/16");
    let igw = k.id(gateway::Cmd::CreateInternetGateway { tags: vec![] });
    k.ok(gateway::Cmd::AttachInternetGateway {
        internet_gateway_id: igw.clone(),
        vpc_id: id.clone(),
    });
    let rtb = k.id(route::Cmd::CreateTable {
        vpc_id: id.clone(),
        tags: vec![],
        client_token: None,
    });
    k.ok(route::Cmd::CreateRoute {
        route_table_id: rtb.clone(),
        route: RouteParams {
            destination_cidr_block: Some("10.1.2.0/24".into()),
            gateway_id: Some(igw),
            ..RouteParams::default()
        },
    });
    let e = k.refused(associate_cidr(&id, "10.1.0.0/16"), "InvalidParameterValue");
    assert_eq!(
        e.message,
        format!("The CIDR '10.1.0.0/16' conflicts with route '10.1.2.0/24' in route table {rtb}.")
    );
    // A block that leaves the destination outside is fine; so is the destination itself
    // once the route is gone.
    k.id(associate_cidr(&id, "10.2.0.0/16"));
    k.ok(route::Cmd::DeleteRoute {
        route_table_id: rtb.clone(),
        route: RouteParams {
            destination_cidr_block: Some("10.1.2.0/24".into()),
            ..RouteParams::default()
        },
    });
    k.id(associate_cidr(&id, "10.1.0.0/16"));
    let routes = &k.w.route_tables.get(&rtb).unwrap().routes;
    assert!(routes
        .iter()
        .any(|r| r.destination == Destination::V4("10.1.0.0/16".parse().unwrap())));
}

#[test]
fn blocks_in_use_and_the_primary_block_stay() {
    let mut k = Kit::new();
    let id = k.vpc("10.0.0.0/16");
    let extra = k.id(associate_cidr(&id, "10.1.0.0/16"));
    let v6 = k.id(associate_ipv6(&id));
    let primary = k.w.vpcs.get(&id).unwrap().cidrs[0].association_id.clone();
    let e = k.refused(
        Cmd::DisassociateCidr {
            association_id: primary.clone(),
        },
        "OperationNotPermitted",
    );
    assert!(e
        .message
        .contains("It is the primary IPv4 CIDR block of the VPC"));
    // A subnet in the extra block holds it.
    let s = k.subnet(&id, "10.1.0.0/24", None);
    let e = k.refused(
        Cmd::DisassociateCidr {
            association_id: extra.clone(),
        },
        "DependencyViolation",
    );
    assert_eq!(
        e.message,
        format!("The vpc CIDR block with association ID {extra} has dependencies (subnets) and cannot be disassociated.")
    );
    // A subnet with an IPv6 block holds the VPC's IPv6 block.
    let block = k.w.vpcs.get(&id).unwrap().ipv6_cidrs[0].cidr;
    let sub64 = IpNet::V6(block).subnets(64).unwrap().next().unwrap();
    k.id(subnet::Cmd::AssociateIpv6 {
        subnet_id: s.clone(),
        ipv6_cidr_block: sub64.to_string(),
    });
    k.refused(
        Cmd::DisassociateCidr {
            association_id: v6.clone(),
        },
        "DependencyViolation",
    );
    k.ok(subnet::Cmd::Delete { subnet_id: s });
    k.ok(Cmd::DisassociateCidr { association_id: v6 });
    k.ok(Cmd::DisassociateCidr {
        association_id: extra,
    });
    assert_eq!(local_routes(&k, &id), ["10.0.0.0/16"]);
    // Another account's association is not found.
    let b = k.as_account(B);
    k.refused_as(
        &b,
        Cmd::DisassociateCidr {
            association_id: primary,
        },
        "InvalidVpcCidrBlockAssociationID.NotFound",
    );
}

#[test]
fn describe_filters_and_ids() {
    let mut k = Kit::new();
    let x = k.vpc("10.0.0.0/16");
    let y = k.vpc_v6("10.1.0.0/16");
    k.id(associate_cidr(&y, "10.2.0.0/16"));
    let default = k.default_vpc(k.ctx.scope());
    let ctx = k.ctx.clone();
    let find = |k: &Kit, f: &[(&str, &[&str])]| -> Vec<String> {
        let filters: Vec<Filter> = f.iter().map(|(n, v)| Filter::new(n, v)).collect();
        describe(&k.w, &ctx, &[], &filters)
            .unwrap()
            .into_iter()
            .map(|v| v.id.clone())
            .collect()
    };
    let mut all = vec![x.clone(), y.clone(), default.clone()];
    all.sort();
    assert_eq!(find(&k, &[]), all);
    assert_eq!(find(&k, &[("cidr", &["10.0.0.0/16"])]), [x.as_str()]);
    assert_eq!(
        find(
            &k,
            &[("cidr-block-association.cidr-block", &["10.2.0.0/16"])]
        ),
        [y.as_str()]
    );
    assert_eq!(find(&k, &[("is-default", &["true"])]), [default.as_str()]);
    assert_eq!(
        find(
            &k,
            &[("ipv6-cidr-block-association.ipv6-pool", &["Amazon"])]
        ),
        [y.as_str()]
    );
    assert_eq!(
        find(&k, &[("state", &["available"]), ("vpc-id", &[&x])]),
        [x.as_str()]
    );
    assert!(find(&k, &[("owner-id", &[B])]).is_empty());
    let e = describe(&k.w, &ctx, &[], &[Filter::new("bogus", &["x"])]).unwrap_err();
    assert_eq!(e.code, "InvalidParameterValue");
    let got = describe(&k.w, &ctx, std::slice::from_ref(&y), &[]).unwrap();
    assert_eq!(got[0].id, y);
    let e = describe(&k.w, &ctx, &["vpc-0123456789abcdef0".into()], &[]).unwrap_err();
    assert_eq!(e.code, "InvalidVpcID.NotFound");
    // Another account sees none of them.
    let b = k.as_account(B);
    assert_eq!(
        describe(&k.w, &b, std::slice::from_ref(&x), &[])
            .unwrap_err()
            .code,
        "InvalidVpcID.NotFound"
    );
}

#[test]
fn ipv6_requests_aws_refuses() {
    let k = Kit::new();
    let ctx = &k.ctx;
    let check = |r: Ipv6Request| check_ipv6_request(ctx, &r).map_err(|e| e.code.as_str());
    assert_eq!(check(Ipv6Request::default()), Ok(()));
    let amazon = Ipv6Request {
        amazon: true,
        ..Default::default()
    };
    assert_eq!(check(amazon), Ok(()));
    let region = ctx.region().to_string();
    assert_eq!(
        check(Ipv6Request {
            border_group: Some(&region),
            ..amazon
        }),
        Ok(())
    );
    assert_eq!(
        check(Ipv6Request {
            border_group: Some("us-west-2-lax-1"),
            ..amazon
        }),
        Err("InvalidParameterValue")
    );
    assert_eq!(
        check(Ipv6Request {
            border_group: Some(&region),
            ..Default::default()
        }),
        Err("InvalidParameterCombination")
    );
    assert_eq!(
        check(Ipv6Request {
            pool: Some("ipv6pool-ec2-0123456789abcdef0"),
            cidr_block: Some("2001:db8::/56"),
            ..Default::default()
        }),
        Err("InvalidIpv6PoolID.NotFound")
    );
    assert_eq!(
        check(Ipv6Request {
            pool: Some("ipv6pool-ec2-0123456789abcdef0"),
            ..amazon
        }),
        Err("InvalidParameterCombination")
    );
    assert_eq!(
        check(Ipv6Request {
            cidr_block: Some("2001:db8::/56"),
            ..Default::default()
        }),
        Err("MissingParameter")
    );
}

#[test]
fn tenancy_changes_only_to_default() {
    let mut k = Kit::new();
    let id = k.id(Cmd::Create {
        cidr_block: "10.0.0.0/16".into(),
        amazon_ipv6: false,
        instance_tenancy: Some("dedicated".into()),
        tags: vec![],
    });
    let tenancy = |k: &Kit| k.w.vpcs.get(&id).unwrap().instance_tenancy.clone();
    assert_eq!(tenancy(&k), "dedicated");
    let set = |t: &str| Cmd::ModifyTenancy {
        vpc_id: id.clone(),
        instance_tenancy: t.into(),
    };
    k.refused(set("dedicated"), "InvalidParameterValue");
    k.refused(set("host"), "InvalidParameterValue");
    let b = k.as_account(B);
    k.refused_as(&b, set("default"), "InvalidVpcID.NotFound");
    k.ok(set("default"));
    assert_eq!(tenancy(&k), "default");
    // Already default: nothing to change, no error.
    k.ok(set("default"));
}
