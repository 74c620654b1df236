//! Route tables, associations, routes, targets and their state.

use ipnet::Ipv6Net;

use super::*;
use crate::config::Config;
use crate::eni::{InstanceState, Launch};
use crate::filter::Filter;
use crate::gateway::NatState;
use crate::tags::{self, TagSpec};
use crate::testkit::eni::in_subnet;
use crate::testkit::route::{
    associate, create_route, create_table, delete_route, gw, replace_route, v4, v6,
};
use crate::testkit::{Kit, A, B};
use crate::{eni, gateway, peering, prefix_list, subnet, vpc, Output};

/// The ids of the route tests' world: account A's VPC 10.0.0.0/16 (+ IPv6) with a subnet,
/// its main table and a custom table; a second VPC 10.1.0.0/16 with its own subnet.
struct Net {
    vpc: String,
    vpc2: String,
    subnet: String,
    subnet2: String,
    main: String,
    rtb: String,
}

fn net(k: &mut Kit) -> Net {
    let vpc = k.vpc_v6("10.0.0.0/16");
    let vpc2 = k.vpc("10.1.0.0/16");
    let subnet = k.subnet(&vpc, "10.0.1.0/24", None);
    let subnet2 = k.subnet(&vpc2, "10.1.1.0/24", None);
    let main = k.w.vpcs.get(&vpc).unwrap().main_route_table_id.clone();
    let rtb = k.route_table(&vpc);
    Net {
        vpc,
        vpc2,
        subnet,
        subnet2,
        main,
        rtb,
    }
}

/// A kit (with `config`) and the route tests' world.
fn with(config: Config) -> (Kit, Net) {
    let mut k = Kit::with(config, 1, 1_000);
    let n = net(&mut k);
    (k, n)
}

fn setup() -> (Kit, Net) {
    with(Config::default())
}

/// Asserts that `cmd` is refused with `code` and exactly `message`.
fn refused_with(k: &mut Kit, cmd: Cmd, code: &str, message: &str) {
    let e = k.refused(cmd, code);
    assert_eq!(e.message, message);
}

// Other areas' resources, made with their commands.

/// An internet gateway, attached to `attached_to` if given.
fn igw(k: &mut Kit, attached_to: Option<&str>) -> String {
    let id = k.id(gateway::Cmd::CreateInternetGateway { tags: vec![] });
    if let Some(vpc) = attached_to {
        k.ok(gateway::Cmd::AttachInternetGateway {
            internet_gateway_id: id.clone(),
            vpc_id: vpc.into(),
        });
    }
    id
}

fn eigw(k: &mut Kit, vpc: &str) -> String {
    k.id(gateway::Cmd::CreateEgressOnlyInternetGateway {
        vpc_id: vpc.into(),
        client_token: None,
        tags: vec![],
    })
}

/// A private NAT gateway in `subnet`, put in `state` once its creation is done (so no
/// timer moves it on).
fn nat(k: &mut Kit, subnet: &str, state: NatState) -> String {
    let id = k.id(gateway::Cmd::CreateNatGateway {
        subnet_id: subnet.into(),
        public: false,
        allocation_id: None,
        private_ip: None,
        client_token: None,
        tags: vec![],
    });
    k.advance(0);
    k.w.nat_gateways.get_mut(&id).unwrap().state = state;
    id
}

/// A running instance in `subnet` with `enis` attached interfaces.
fn instance(k: &mut Kit, subnet: &str, enis: usize) -> String {
    let launch = Launch {
        image_id: crate::image::AMAZON_LINUX_2023.into(),
        min_count: 1,
        max_count: 1,
        subnet_id: Some(subnet.into()),
        ..Default::default()
    };
    let Output::Ids(ids) = k.ok(eni::Cmd::RunInstances(Box::new(launch))) else {
        panic!("RunInstances gives ids");
    };
    let id = ids[1].clone();
    for n in 1..enis {
        let extra = k.interface(in_subnet(subnet));
        k.ok(eni::Cmd::Attach {
            network_interface_id: extra,
            instance_id: id.clone(),
            device_index: n as i64,
        });
    }
    id
}

/// A same-account peering between `a` and `b`, advanced to pending-acceptance.
fn pcx(k: &mut Kit, a: &str, b: &str) -> String {
    let id = k.id(peering::Cmd::Create {
        vpc_id: a.into(),
        peer_vpc_id: b.into(),
        peer_owner_id: None,
        peer_region: None,
        tags: vec![],
    });
    k.advance(0);
    id
}

fn peering_cmd(k: &mut Kit, cmd: peering::Cmd) {
    k.ok(cmd);
    k.advance(0);
}

/// The state of the route to `dest` in `rtb` (the same with or without the table).
fn state_of(k: &Kit, rtb: &str, dest: &str) -> &'static str {
    let t = k.table(rtb);
    let r = t
        .routes
        .iter()
        .find(|r| r.destination.to_string() == dest)
        .unwrap();
    assert_eq!(route_state(&k.w, r), route_state_in(&k.w, t, r));
    route_state_in(&k.w, t, r)
}

/// Why the route to `dest` in `rtb` is a blackhole, if it is.
fn problem_of(k: &Kit, rtb: &str, dest: &str) -> Option<Unusable> {
    let t = k.table(rtb);
    let r = t
        .routes
        .iter()
        .find(|r| r.destination.to_string() == dest)
        .unwrap();
    target_problem(&k.w, Some(&t.vpc_id), &r.target)
}

#[test]
fn new_tables_hold_the_local_routes() {
    let (k, n) = setup();
    let t = k.table(&n.rtb);
    let vpc = k.w.vpcs.get(&n.vpc).unwrap();
    assert_eq!(t.vpc_id, n.vpc);
    assert!(t.associations.is_empty() && !t.is_main());
    assert_eq!(t.routes.len(), 2);
    assert_eq!(t.routes[0].destination, Destination::V4(vpc.primary_cidr()));
    assert_eq!(
        t.routes[1].destination,
        Destination::V6(vpc.ipv6_cidrs[0].cidr)
    );
    assert!(t
        .routes
        .iter()
        .all(|r| r.target == Target::Local && r.origin == Origin::CreateRouteTable));
    assert!(k.table(&n.main).is_main());
}

#[test]
fn create_table_rules() {
    let (mut k, n) = setup();
    k.ok(create_table(&n.vpc));
    refused_with(
        &mut k,
        create_table("vpc-0123456789abcdef0"),
        "InvalidVpcID.NotFound",
        "The vpc ID 'vpc-0123456789abcdef0' does not exist",
    );
    let bad_tags = Cmd::CreateTable {
        vpc_id: n.vpc.clone(),
        tags: vec![TagSpec {
            resource_type: "vpc".into(),
            tags: vec![("Name".into(), "x".into())],
        }],
        client_token: None,
    };
    k.refused(bad_tags, "InvalidParameterValue");
    // Another account does not see the VPC.
    let b = k.as_account(B);
    k.refused_as(&b, create_table(&n.vpc), "InvalidVpcID.NotFound");
}

#[test]
fn create_table_applies_tags() {
    let (mut k, n) = setup();
    let cmd = Cmd::CreateTable {
        vpc_id: n.vpc.clone(),
        tags: vec![TagSpec {
            resource_type: "route-table".into(),
            tags: vec![("Name".into(), "private".into())],
        }],
        client_token: None,
    };
    let id = k.id(cmd);
    assert_eq!(
        tags::of(&k.w, k.ctx.scope(), &id).get("Name").unwrap(),
        "private"
    );
}

#[test]
fn create_table_is_idempotent_with_a_client_token() {
    let (mut k, n) = setup();
    let cmd = |vpc: &str| Cmd::CreateTable {
        vpc_id: vpc.into(),
        tags: vec![],
        client_token: Some("token-1".into()),
    };
    let first = k.id(cmd(&n.vpc));
    let count = k.w.route_tables.len();
    let again = k.id(cmd(&n.vpc));
    assert_eq!(first, again);
    assert_eq!(k.w.route_tables.len(), count);
    k.refused(cmd(&n.vpc2), "IdempotentParameterMismatch");
}

#[test]
fn route_table_quota_only_when_configured() {
    let mut config = Config::default();
    config
        .quotas
        .set_from_arg("route-tables-per-vpc=2")
        .unwrap();
    let (mut k, n) = with(config);
    // main + rtb already exist.
    k.refused(create_table(&n.vpc), "RouteTableLimitExceeded");
    let (mut k, n) = setup();
    for _ in 0..5 {
        k.ok(create_table(&n.vpc));
    }
}

#[test]
fn delete_table_rules() {
    let (mut k, n) = setup();
    let (main, rtb) = (n.main.clone(), n.rtb.clone());
    let dependency = format!("The routeTable '{main}' has dependencies and cannot be deleted.");
    refused_with(
        &mut k,
        Cmd::DeleteTable {
            route_table_id: main.clone(),
        },
        "DependencyViolation",
        &dependency,
    );
    let assoc = k.id(associate(&rtb, Some(&n.subnet), None));
    k.refused(
        Cmd::DeleteTable {
            route_table_id: rtb.clone(),
        },
        "DependencyViolation",
    );
    k.ok(Cmd::Disassociate {
        association_id: assoc,
    });
    k.w.tags
        .entry(k.ctx.scope().clone())
        .or_default()
        .entry(rtb.clone())
        .or_default()
        .insert("k".into(), "v".into());
    k.ok(Cmd::DeleteTable {
        route_table_id: rtb.clone(),
    });
    assert!(k.w.route_tables.get(&rtb).is_none());
    assert!(tags::of(&k.w, k.ctx.scope(), &rtb).is_empty());
    refused_with(
        &mut k,
        Cmd::DeleteTable {
            route_table_id: rtb.clone(),
        },
        "InvalidRouteTableID.NotFound",
        &format!("The routeTable ID '{rtb}' does not exist"),
    );
}

#[test]
fn other_accounts_tables_are_not_found() {
    let (mut k, n) = setup();
    let b = k.as_account(B);
    let rtb = n.rtb.clone();
    k.refused_as(
        &b,
        Cmd::DeleteTable {
            route_table_id: rtb.clone(),
        },
        "InvalidRouteTableID.NotFound",
    );
    k.refused_as(
        &b,
        create_route(&rtb, gw(v4("0.0.0.0/0"), "igw-0123456789abcdef0")),
        "InvalidRouteTableID.NotFound",
    );
    assert!(describe(&k.w, &b, std::slice::from_ref(&rtb), &[]).is_err());
    assert!(describe(&k.w, &b, &[], &[])
        .unwrap()
        .iter()
        .all(|t| t.scope.account == B));
}

#[test]
fn association_rules() {
    let (mut k, n) = setup();
    let (rtb, main, subnet, subnet2) = (&n.rtb, &n.main, &n.subnet, &n.subnet2);
    refused_with(
        &mut k,
        associate(rtb, None, None),
        "MissingParameter",
        "The request must contain the parameter subnetId or gatewayId",
    );
    k.refused(
        associate(rtb, Some(subnet), Some("igw-0123456789abcdef0")),
        "InvalidParameterCombination",
    );
    k.refused(
        associate("rtb-0123456789abcdef0", Some(subnet), None),
        "InvalidRouteTableID.NotFound",
    );
    k.refused(
        associate(rtb, Some("subnet-0123456789abcdef0"), None),
        "InvalidSubnetID.NotFound",
    );
    refused_with(
        &mut k,
        associate(rtb, Some(subnet2), None),
        "InvalidParameterValue",
        &format!("Route table {rtb} and subnet {subnet2} belong to different networks"),
    );
    assert_eq!(table_of_subnet(&k.w, subnet).unwrap().id, *main);
    k.ok(associate(rtb, Some(subnet), None));
    assert_eq!(table_of_subnet(&k.w, subnet).unwrap().id, *rtb);
    let conflict = format!(
        "the specified association for route table {rtb} conflicts with an existing association"
    );
    refused_with(
        &mut k,
        associate(rtb, Some(subnet), None),
        "Resource.AlreadyAssociated",
        &conflict,
    );
    // Even the main table: a subnet has one explicit association.
    k.refused(
        associate(main, Some(subnet), None),
        "Resource.AlreadyAssociated",
    );
}

#[test]
fn gateway_associations() {
    let (mut k, n) = setup();
    let rtb = n.rtb.clone();
    let detached = igw(&mut k, None);
    let attached = igw(&mut k, Some(&n.vpc));
    k.refused(
        associate(&rtb, None, Some("igw-0123456789abcdef0")),
        "InvalidGatewayID.NotFound",
    );
    k.refused(
        associate(&rtb, None, Some("vgw-0123456789abcdef0")),
        "InvalidGatewayID.NotFound",
    );
    k.refused(
        associate(&rtb, None, Some(&detached)),
        "InvalidParameterValue",
    );
    k.ok(associate(&rtb, None, Some(&attached)));
    k.refused(
        associate(&n.main, None, Some(&attached)),
        "Resource.AlreadyAssociated",
    );
    let a = &k.table(&rtb).associations[0];
    assert_eq!(a.gateway_id.as_deref(), Some(attached.as_str()));
    assert!(a.subnet_id.is_none() && !a.main);
}

#[test]
fn disassociation_rules() {
    let (mut k, n) = setup();
    let main_assoc = k.table(&n.main).associations[0].id.clone();
    refused_with(
        &mut k,
        Cmd::Disassociate {
            association_id: main_assoc.clone(),
        },
        "InvalidParameterValue",
        &format!("cannot disassociate the main route table association {main_assoc}"),
    );
    refused_with(
        &mut k,
        Cmd::Disassociate {
            association_id: "rtbassoc-0123456789abcdef0".into(),
        },
        "InvalidAssociationID.NotFound",
        "The association ID 'rtbassoc-0123456789abcdef0' does not exist",
    );
    let assoc = k.id(associate(&n.rtb, Some(&n.subnet), None));
    // Another account cannot disassociate it.
    let b = k.as_account(B);
    k.refused_as(
        &b,
        Cmd::Disassociate {
            association_id: assoc.clone(),
        },
        "InvalidAssociationID.NotFound",
    );
    k.ok(Cmd::Disassociate {
        association_id: assoc,
    });
    assert_eq!(table_of_subnet(&k.w, &n.subnet).unwrap().id, n.main);
}

#[test]
fn replacing_associations() {
    let (mut k, n) = setup();
    let (rtb, main) = (n.rtb.clone(), n.main.clone());
    let assoc = k.id(associate(&rtb, Some(&n.subnet), None));
    let other = k.route_table(&n.vpc);
    let new_assoc = k.id(Cmd::ReplaceAssociation {
        association_id: assoc.clone(),
        route_table_id: other.clone(),
    });
    assert_ne!(new_assoc, assoc);
    assert!(k.table(&rtb).associations.is_empty());
    assert_eq!(table_of_subnet(&k.w, &n.subnet).unwrap().id, other);
    k.refused(
        Cmd::ReplaceAssociation {
            association_id: assoc,
            route_table_id: other.clone(),
        },
        "InvalidAssociationID.NotFound",
    );
    k.refused(
        Cmd::ReplaceAssociation {
            association_id: new_assoc.clone(),
            route_table_id: "rtb-0123456789abcdef0".into(),
        },
        "InvalidRouteTableID.NotFound",
    );
    let foreign = k.route_table(&n.vpc2);
    k.refused(
        Cmd::ReplaceAssociation {
            association_id: new_assoc,
            route_table_id: foreign,
        },
        "InvalidParameterValue",
    );
    // Replacing the main association moves `main`.
    let main_assoc = k.table(&main).associations[0].id.clone();
    let moved = k.id(Cmd::ReplaceAssociation {
        association_id: main_assoc,
        route_table_id: rtb.clone(),
    });
    assert!(k.table(&rtb).is_main() && !k.table(&main).is_main());
    assert_eq!(k.table(&rtb).associations[0].id, moved);
    assert_eq!(k.w.vpcs.get(&n.vpc).unwrap().main_route_table_id, rtb);
    assert_eq!(main_table(&k.w, &n.vpc).unwrap().id, rtb);
    k.ok(Cmd::DeleteTable {
        route_table_id: main,
    });
    k.refused(
        Cmd::DeleteTable {
            route_table_id: rtb.clone(),
        },
        "DependencyViolation",
    );
}

#[test]
fn subnet_deletion_drops_its_association() {
    let (mut k, n) = setup();
    let s = k.subnet(&n.vpc, "10.0.9.0/24", None);
    k.ok(associate(&n.rtb, Some(&s), None));
    k.ok(subnet::Cmd::Delete {
        subnet_id: s.clone(),
    });
    assert!(k.table(&n.rtb).associations.is_empty());
    assert!(table_of_subnet(&k.w, &s).is_none());
    assert!(k.table(&n.main).is_main());
}

#[test]
fn destination_rules() {
    let (mut k, n) = setup();
    let rtb = n.rtb.clone();
    let igw = igw(&mut k, Some(&n.vpc));
    refused_with(
        &mut k,
        create_route(&rtb, gw(RouteParams::default(), &igw)),
        "MissingParameter",
        "The request must contain the parameter destinationCidrBlock or destinationIpv6CidrBlock",
    );
    let two = RouteParams {
        destination_ipv6_cidr_block: Some("::/0".into()),
        ..gw(v4("0.0.0.0/0"), &igw)
    };
    k.refused(create_route(&rtb, two), "InvalidParameterCombination");
    refused_with(
        &mut k,
        create_route(&rtb, gw(v4("10.0.0.0/33"), &igw)),
        "InvalidParameterValue",
        "Value (10.0.0.0/33) for parameter destinationCidrBlock is invalid. This is not a valid CIDR block.",
    );
    k.refused(
        create_route(&rtb, gw(v4("::/0"), &igw)),
        "InvalidParameterValue",
    );
    k.refused(
        create_route(&rtb, gw(v6("0.0.0.0/0"), &igw)),
        "InvalidParameterValue",
    );
    for reserved in ["169.254.168.0/22", "169.254.169.0/24", "169.254.169.253/32"] {
        k.refused(
            create_route(&rtb, gw(v4(reserved), &igw)),
            "InvalidParameterValue",
        );
    }
    for reserved in ["fd00:ec2::/32", "fd00:ec2::23/128"] {
        k.refused(
            create_route(&rtb, gw(v6(reserved), &igw)),
            "InvalidParameterValue",
        );
    }
    // Larger ranges that merely overlap the reserved ones are allowed.
    k.ok(create_route(&rtb, gw(v4("169.254.0.0/16"), &igw)));
    k.ok(create_route(&rtb, gw(v6("fd00::/8"), &igw)));
    let pl = RouteParams {
        destination_prefix_list_id: Some("pl-0123456789abcdef0".into()),
        ..gw(RouteParams::default(), &igw)
    };
    refused_with(
        &mut k,
        create_route(&rtb, pl),
        "InvalidPrefixListID.NotFound",
        "The prefix list (pl-0123456789abcdef0) does not exist.",
    );
    // IPv4 CIDRs are canonicalised.
    k.ok(create_route(&rtb, gw(v4("100.68.0.18/18"), &igw)));
    assert!(k
        .table(&rtb)
        .routes
        .iter()
        .any(|r| r.destination.to_string() == "100.68.0.0/18"));
    refused_with(
        &mut k,
        create_route(&rtb, gw(v4("100.68.1.1/18"), &igw)),
        "RouteAlreadyExists",
        "The route identified by 100.68.0.0/18 already exists.",
    );
    // The local route is a route like any other for duplicates.
    refused_with(
        &mut k,
        create_route(&rtb, gw(v4("10.0.0.0/16"), &igw)),
        "RouteAlreadyExists",
        "The route identified by 10.0.0.0/16 already exists.",
    );
}

#[test]
fn target_count_rules() {
    let (mut k, n) = setup();
    let rtb = n.rtb.clone();
    let igw = igw(&mut k, Some(&n.vpc));
    k.refused(create_route(&rtb, v4("0.0.0.0/0")), "MissingParameter");
    let two = RouteParams {
        nat_gateway_id: Some("nat-0123456789abcdef0".into()),
        ..gw(v4("0.0.0.0/0"), &igw)
    };
    k.refused(create_route(&rtb, two), "InvalidParameterCombination");
    k.refused(
        create_route(&rtb, gw(v4("0.0.0.0/0"), "local")),
        "InvalidParameterValue",
    );
    let tgw = RouteParams {
        transit_gateway_id: Some("tgw-0123456789abcdef0".into()),
        ..v4("0.0.0.0/0")
    };
    k.refused(create_route(&rtb, tgw), "InvalidTransitGatewayID.NotFound");
    let gwlbe = RouteParams {
        vpc_endpoint_id: Some("vpce-0123456789abcdef0".into()),
        ..v4("0.0.0.0/0")
    };
    k.refused(create_route(&rtb, gwlbe), "InvalidVpcEndpointId.NotFound");
}

#[test]
fn gateway_targets() {
    let (mut k, n) = setup();
    let rtb = n.rtb.clone();
    let igw_id = igw(&mut k, Some(&n.vpc));
    let elsewhere = igw(&mut k, Some(&n.vpc2));
    let detached = igw(&mut k, None);
    refused_with(
        &mut k,
        create_route(&rtb, gw(v4("0.0.0.0/0"), "igw-0123456789abcdef0")),
        "InvalidGatewayID.NotFound",
        "The gateway ID 'igw-0123456789abcdef0' does not exist",
    );
    k.refused(
        create_route(&rtb, gw(v4("0.0.0.0/0"), "vgw-0123456789abcdef0")),
        "InvalidGatewayID.NotFound",
    );
    refused_with(
        &mut k,
        create_route(&rtb, gw(v4("0.0.0.0/0"), &elsewhere)),
        "InvalidParameterValue",
        &format!("route table {rtb} and network gateway {elsewhere} belong to different networks"),
    );
    k.refused(
        create_route(&rtb, gw(v4("0.0.0.0/0"), &detached)),
        "InvalidParameterValue",
    );
    // Another account's gateway does not exist for the caller.
    let b = k.as_account(B);
    let foreign =
        k.w.internet_gateways
            .in_scope(b.scope())
            .next()
            .unwrap()
            .id
            .clone();
    k.refused(
        create_route(&rtb, gw(v4("0.0.0.0/0"), &foreign)),
        "InvalidGatewayID.NotFound",
    );
    k.ok(create_route(&rtb, gw(v4("0.0.0.0/0"), &igw_id)));
    k.ok(create_route(&rtb, gw(v6("::/0"), &igw_id)));
    assert_eq!(state_of(&k, &rtb, "0.0.0.0/0"), "active");
    // Gateway endpoint routes are never made with the route APIs.
    k.refused(
        create_route(&rtb, gw(v4("52.0.0.0/8"), "vpce-0123456789abcdef0")),
        "InvalidParameterValue",
    );
}

#[test]
fn egress_only_gateway_targets() {
    let (mut k, n) = setup();
    let rtb = n.rtb.clone();
    let eigw_id = eigw(&mut k, &n.vpc);
    let other = eigw(&mut k, &n.vpc2);
    let to = |dest: RouteParams, id: &str| RouteParams {
        egress_only_internet_gateway_id: Some(id.into()),
        ..dest
    };
    k.refused(
        create_route(&rtb, to(v4("0.0.0.0/0"), &eigw_id)),
        "InvalidParameterValue",
    );
    k.refused(
        create_route(&rtb, to(v6("::/0"), "eigw-0123456789abcdef0")),
        "InvalidGatewayID.NotFound",
    );
    k.refused(
        create_route(&rtb, to(v6("::/0"), &other)),
        "InvalidParameterValue",
    );
    k.ok(create_route(&rtb, to(v6("::/0"), &eigw_id)));
    assert_eq!(state_of(&k, &rtb, "::/0"), "active");
    k.w.egress_only_gateways.remove(&eigw_id);
    assert_eq!(state_of(&k, &rtb, "::/0"), "blackhole");
}

#[test]
fn nat_gateway_targets() {
    let (mut k, n) = setup();
    let rtb = n.rtb.clone();
    let nat_id = nat(&mut k, &n.subnet, NatState::Pending);
    let other = nat(&mut k, &n.subnet2, NatState::Available);
    let gone = nat(&mut k, &n.subnet, NatState::Deleted);
    let to = |id: &str| RouteParams {
        nat_gateway_id: Some(id.into()),
        ..v4("0.0.0.0/0")
    };
    refused_with(
        &mut k,
        create_route(&rtb, to("nat-0123456789abcdef0")),
        "NatGatewayNotFound",
        "NAT gateway nat-0123456789abcdef0 was not found",
    );
    k.refused(create_route(&rtb, to(&gone)), "NatGatewayNotFound");
    k.refused(create_route(&rtb, to(&other)), "InvalidParameterValue");
    k.ok(create_route(&rtb, to(&nat_id)));
    assert_eq!(state_of(&k, &rtb, "0.0.0.0/0"), "blackhole");
    k.w.nat_gateways.get_mut(&nat_id).unwrap().state = NatState::Available;
    assert_eq!(state_of(&k, &rtb, "0.0.0.0/0"), "active");
    k.w.nat_gateways.get_mut(&nat_id).unwrap().state = NatState::Deleted;
    assert_eq!(state_of(&k, &rtb, "0.0.0.0/0"), "blackhole");
}

#[test]
fn interface_and_instance_targets() {
    let (mut k, n) = setup();
    let rtb = n.rtb.clone();
    let eni_id = k.interface(in_subnet(&n.subnet));
    let far_eni = k.interface(in_subnet(&n.subnet2));
    let eni_to = |dest: &str, id: &str| RouteParams {
        network_interface_id: Some(id.into()),
        ..v4(dest)
    };
    refused_with(
        &mut k,
        create_route(&rtb, eni_to("0.0.0.0/0", "eni-0123456789abcdef0")),
        "InvalidNetworkInterfaceID.NotFound",
        "The networkInterface ID 'eni-0123456789abcdef0' does not exist",
    );
    refused_with(
        &mut k,
        create_route(&rtb, eni_to("0.0.0.0/0", &far_eni)),
        "InvalidParameterValue",
        &format!("route table {rtb} and interface {far_eni} belong to different networks"),
    );
    k.ok(create_route(&rtb, eni_to("0.0.0.0/0", &eni_id)));
    assert_eq!(state_of(&k, &rtb, "0.0.0.0/0"), "active");
    eni::destroy_interface(&mut k.w, &eni_id);
    assert_eq!(state_of(&k, &rtb, "0.0.0.0/0"), "blackhole");

    let one = instance(&mut k, &n.subnet, 1);
    let two = instance(&mut k, &n.subnet, 2);
    let far = instance(&mut k, &n.subnet2, 1);
    let inst_to = |dest: &str, id: &str| RouteParams {
        instance_id: Some(id.into()),
        ..v4(dest)
    };
    refused_with(
        &mut k,
        create_route(&rtb, inst_to("1.0.0.0/8", "i-0123456789abcdef0")),
        "InvalidInstanceID.NotFound",
        "The instance ID 'i-0123456789abcdef0' does not exist",
    );
    refused_with(
        &mut k,
        create_route(&rtb, inst_to("1.0.0.0/8", &two)),
        "InvalidInstanceID",
        &format!("There are multiple interfaces attached to instance '{two}'. Please specify an interface ID for the operation instead."),
    );
    k.refused(
        create_route(&rtb, inst_to("1.0.0.0/8", &far)),
        "InvalidParameterValue",
    );
    k.w.instances.get_mut(&far).unwrap().state = InstanceState::Terminated;
    k.refused(
        create_route(&rtb, inst_to("1.0.0.0/8", &far)),
        "IncorrectInstanceState",
    );
    k.ok(create_route(&rtb, inst_to("1.0.0.0/8", &one)));
    assert_eq!(state_of(&k, &rtb, "1.0.0.0/8"), "active");
    k.w.instances.get_mut(&one).unwrap().state = InstanceState::Terminated;
    assert_eq!(state_of(&k, &rtb, "1.0.0.0/8"), "blackhole");
    k.w.instances.remove(&one);
    assert_eq!(state_of(&k, &rtb, "1.0.0.0/8"), "blackhole");
}

#[test]
fn a_route_to_a_stopped_instance_is_a_blackhole() {
    let (mut k, n) = setup();
    let one = instance(&mut k, &n.subnet, 1);
    k.ok(create_route(
        &n.rtb,
        RouteParams {
            instance_id: Some(one.clone()),
            ..v4("1.0.0.0/8")
        },
    ));
    assert_eq!(state_of(&k, &n.rtb, "1.0.0.0/8"), "active");
    k.ok(eni::Cmd::StopInstances {
        instance_ids: vec![one.clone()],
    });
    assert_eq!(state_of(&k, &n.rtb, "1.0.0.0/8"), "blackhole");
    let why = problem_of(&k, &n.rtb, "1.0.0.0/8").unwrap();
    assert_eq!(why, Unusable::InstanceNotRunning(InstanceState::Stopped));
    assert_eq!(why.to_string(), "is stopped, not running");
    k.ok(eni::Cmd::StartInstances {
        instance_ids: vec![one],
    });
    assert_eq!(state_of(&k, &n.rtb, "1.0.0.0/8"), "active");
}

#[test]
fn unusable_targets_say_why() {
    let (mut k, n) = setup();
    let rtb = n.rtb.clone();
    let detached = igw(&mut k, None);
    let nat_id = nat(&mut k, &n.subnet, NatState::Pending);
    let peering = pcx(&mut k, &n.vpc, &n.vpc2);
    let eni_id = k.interface(in_subnet(&n.subnet));
    for (dest, target) in [
        ("1.0.0.0/8", Target::Gateway(detached.clone())),
        ("2.0.0.0/8", Target::Gateway("vgw-0123456789abcdef0".into())),
        ("3.0.0.0/8", Target::NatGateway(nat_id.clone())),
        ("10.1.0.0/16", Target::VpcPeeringConnection(peering.clone())),
        ("4.0.0.0/8", Target::NetworkInterface(eni_id.clone())),
        (
            "5.0.0.0/8",
            Target::TransitGateway("tgw-0123456789abcdef0".into()),
        ),
        (
            "6.0.0.0/8",
            Target::GatewayEndpoint("vpce-0123456789abcdef0".into()),
        ),
    ] {
        k.w.route_tables.get_mut(&rtb).unwrap().routes.push(Route {
            destination: Destination::V4(dest.parse().unwrap()),
            target,
            origin: Origin::CreateRoute,
        });
    }
    let why = |k: &Kit, dest: &str| problem_of(k, &rtb, dest).map(|u| u.to_string());
    let text = |s: &str| Some(s.to_string());
    assert_eq!(why(&k, "1.0.0.0/8"), text("is not attached to this VPC"));
    assert_eq!(why(&k, "2.0.0.0/8"), text("does not exist"));
    assert_eq!(why(&k, "3.0.0.0/8"), text("is pending, not available"));
    assert_eq!(
        why(&k, "10.1.0.0/16"),
        text("is pending-acceptance, not active")
    );
    assert_eq!(why(&k, "4.0.0.0/8"), None);
    assert_eq!(why(&k, "5.0.0.0/8"), text("does not exist"));
    assert_eq!(why(&k, "6.0.0.0/8"), text("does not exist"));
    // Judged from another VPC's table, the interface is elsewhere and the peering does not
    // connect it.
    let vpc3 = k.vpc("10.2.0.0/16");
    let eni_target = Target::NetworkInterface(eni_id);
    let pcx_target = Target::VpcPeeringConnection(peering);
    assert_eq!(
        target_problem(&k.w, Some(&vpc3), &eni_target),
        Some(Unusable::OtherVpc)
    );
    assert_eq!(
        target_problem(&k.w, Some(&vpc3), &pcx_target),
        Some(Unusable::NotConnecting)
    );
    assert_eq!(target_problem(&k.w, None, &eni_target), None);
}

#[test]
fn peering_targets_follow_the_connection() {
    let (mut k, n) = setup();
    let (rtb, vpc, vpc2) = (n.rtb.clone(), n.vpc.clone(), n.vpc2.clone());
    let vpc3 = k.vpc("10.2.0.0/16");
    let pcx_id = pcx(&mut k, &vpc, &vpc2);
    let unrelated = pcx(&mut k, &vpc2, &vpc3);
    let to = |id: &str| RouteParams {
        vpc_peering_connection_id: Some(id.into()),
        ..v4("10.1.0.0/16")
    };
    refused_with(
        &mut k,
        create_route(&rtb, to("pcx-0123456789abcdef0")),
        "InvalidVpcPeeringConnectionID.NotFound",
        "The vpcPeeringConnection ID 'pcx-0123456789abcdef0' does not exist",
    );
    k.refused(create_route(&rtb, to(&unrelated)), "InvalidParameterValue");
    assert_eq!(
        k.w.peerings.get(&pcx_id).unwrap().status,
        peering::Status::PendingAcceptance
    );
    k.ok(create_route(&rtb, to(&pcx_id)));
    assert_eq!(state_of(&k, &rtb, "10.1.0.0/16"), "blackhole");
    peering_cmd(&mut k, peering::Cmd::Accept { id: pcx_id.clone() });
    assert_eq!(
        k.w.peerings.get(&pcx_id).unwrap().status,
        peering::Status::Active
    );
    assert_eq!(state_of(&k, &rtb, "10.1.0.0/16"), "active");
    peering_cmd(&mut k, peering::Cmd::Delete { id: pcx_id.clone() });
    assert_eq!(state_of(&k, &rtb, "10.1.0.0/16"), "blackhole");
    // The route stays; a dead connection cannot be the target of a new route.
    assert!(k
        .table(&rtb)
        .routes
        .iter()
        .any(|r| r.target == Target::VpcPeeringConnection(pcx_id.clone())));
    let rtb2 = k.route_table(&vpc);
    k.refused(
        create_route(&rtb2, to(&pcx_id)),
        "InvalidVpcPeeringConnectionID.NotFound",
    );
}

#[test]
fn igw_routes_turn_blackhole_when_detached() {
    let (mut k, n) = setup();
    let rtb = n.rtb.clone();
    let igw_id = igw(&mut k, Some(&n.vpc));
    k.ok(create_route(&rtb, gw(v4("0.0.0.0/0"), &igw_id)));
    assert_eq!(state_of(&k, &rtb, "0.0.0.0/0"), "active");
    k.w.internet_gateways.get_mut(&igw_id).unwrap().attachment = None;
    assert_eq!(state_of(&k, &rtb, "0.0.0.0/0"), "blackhole");
    // Attached to another VPC: still a blackhole for this table.
    k.w.internet_gateways.get_mut(&igw_id).unwrap().attachment = Some(n.vpc2.clone());
    let t = k.table(&rtb);
    let r = t
        .routes
        .iter()
        .find(|r| r.origin == Origin::CreateRoute)
        .unwrap();
    assert_eq!(route_state_in(&k.w, t, r), "blackhole");
    k.w.internet_gateways.remove(&igw_id);
    assert_eq!(state_of(&k, &rtb, "0.0.0.0/0"), "blackhole");
}

#[test]
fn routes_more_specific_than_local() {
    let (mut k, n) = setup();
    let (rtb, vpc) = (n.rtb.clone(), n.vpc.clone());
    let igw_id = igw(&mut k, Some(&vpc));
    let nat_id = nat(&mut k, &n.subnet, NatState::Available);
    let eni_id = k.interface(in_subnet(&n.subnet));
    let inst = instance(&mut k, &n.subnet, 1);
    let nat_to = |dest: &str| RouteParams {
        nat_gateway_id: Some(nat_id.clone()),
        ..v4(dest)
    };
    // Not an entire subnet CIDR.
    k.refused(
        create_route(&rtb, nat_to("10.0.2.0/24")),
        "InvalidParameterValue",
    );
    k.refused(
        create_route(&rtb, nat_to("10.0.1.0/25")),
        "InvalidParameterValue",
    );
    // A subnet CIDR, but not a middlebox target.
    refused_with(
        &mut k,
        create_route(&rtb, gw(v4("10.0.1.0/24"), &igw_id)),
        "InvalidParameterValue",
        "Route target is not supported. This route only supports NAT gateway, network interface and Gateway Load Balancer endpoint targets.",
    );
    let via_instance = RouteParams {
        instance_id: Some(inst),
        ..v4("10.0.1.0/24")
    };
    k.refused(create_route(&rtb, via_instance), "InvalidParameterValue");
    k.ok(create_route(&rtb, nat_to("10.0.1.0/24")));
    // Replacing keeps the rule: the ENI is a middlebox, the IGW is not.
    let via_eni = RouteParams {
        network_interface_id: Some(eni_id),
        ..v4("10.0.1.0/24")
    };
    k.ok(replace_route(&rtb, via_eni));
    k.refused(
        replace_route(&rtb, gw(v4("10.0.1.0/24"), &igw_id)),
        "InvalidParameterValue",
    );
    // IPv6: the subnet's /64 is the only more specific destination allowed.
    let v6_block = k.w.vpcs.get(&vpc).unwrap().ipv6_cidrs[0].cidr;
    let sub64 = Ipv6Net::new(v6_block.network(), 64).unwrap().to_string();
    let nat6 = |dest: &str| RouteParams {
        nat_gateway_id: Some(nat_id.clone()),
        ..v6(dest)
    };
    k.refused(create_route(&rtb, nat6(&sub64)), "InvalidParameterValue");
    k.w.subnets
        .get_mut(&n.subnet)
        .unwrap()
        .ipv6_cidrs
        .push(subnet::SubnetIpv6 {
            association_id: "subnet-cidr-assoc-0123456789abcdef0".into(),
            cidr: sub64.parse().unwrap(),
        });
    k.ok(create_route(&rtb, nat6(&sub64)));
    // Less specific than the VPC block is no concern of the local route.
    k.ok(create_route(&rtb, gw(v4("10.0.0.0/8"), &igw_id)));
}

#[test]
fn the_local_route() {
    let (mut k, n) = setup();
    let rtb = n.rtb.clone();
    let igw_id = igw(&mut k, Some(&n.vpc));
    let eni_id = k.interface(in_subnet(&n.subnet));
    let nat_id = nat(&mut k, &n.subnet, NatState::Available);
    refused_with(
        &mut k,
        delete_route(&rtb, v4("10.0.0.0/16")),
        "InvalidParameterValue",
        &format!("cannot remove local route 10.0.0.0/16 in route table {rtb}"),
    );
    k.refused(
        replace_route(&rtb, gw(v4("10.0.0.0/16"), &igw_id)),
        "InvalidParameterValue",
    );
    let via_nat = RouteParams {
        nat_gateway_id: Some(nat_id),
        ..v4("10.0.0.0/16")
    };
    k.refused(replace_route(&rtb, via_nat), "InvalidParameterValue");
    let via_eni = RouteParams {
        network_interface_id: Some(eni_id.clone()),
        ..v4("10.0.0.0/16")
    };
    k.ok(replace_route(&rtb, via_eni));
    let r = &k.table(&rtb).routes[0];
    assert_eq!(r.target, Target::NetworkInterface(eni_id));
    assert_eq!(r.origin, Origin::CreateRouteTable);
    // Still the local route: cannot be deleted; LocalTarget restores it.
    k.refused(
        delete_route(&rtb, v4("10.0.0.0/16")),
        "InvalidParameterValue",
    );
    let restore = RouteParams {
        local_target: true,
        ..v4("10.0.0.0/16")
    };
    k.ok(replace_route(&rtb, restore));
    assert_eq!(k.table(&rtb).routes[0].target, Target::Local);
    // LocalTarget only restores local routes.
    k.ok(create_route(&rtb, gw(v4("0.0.0.0/0"), &igw_id)));
    let not_local = RouteParams {
        local_target: true,
        ..v4("0.0.0.0/0")
    };
    k.refused(replace_route(&rtb, not_local), "InvalidParameterValue");
}

#[test]
fn replace_route_rules() {
    let (mut k, n) = setup();
    let rtb = n.rtb.clone();
    let igw_id = igw(&mut k, Some(&n.vpc));
    let nat_id = nat(&mut k, &n.subnet, NatState::Available);
    refused_with(
        &mut k,
        replace_route(&rtb, gw(v4("0.0.0.0/0"), &igw_id)),
        "InvalidParameterValue",
        "There is no route defined for '0.0.0.0/0' in the route table. Use CreateRoute instead.",
    );
    k.refused(
        replace_route("rtb-0123456789abcdef0", gw(v4("0.0.0.0/0"), &igw_id)),
        "InvalidRouteTableID.NotFound",
    );
    k.ok(create_route(&rtb, gw(v4("0.0.0.0/0"), &igw_id)));
    k.refused(
        replace_route(&rtb, gw(v4("0.0.0.0/0"), "igw-0123456789abcdef0")),
        "InvalidGatewayID.NotFound",
    );
    k.refused(replace_route(&rtb, v4("0.0.0.0/0")), "MissingParameter");
    let via_nat = RouteParams {
        nat_gateway_id: Some(nat_id.clone()),
        ..v4("0.0.0.0/0")
    };
    k.ok(replace_route(&rtb, via_nat));
    let r = k
        .table(&rtb)
        .routes
        .iter()
        .find(|r| r.destination.to_string() == "0.0.0.0/0")
        .unwrap();
    assert_eq!(r.target, Target::NatGateway(nat_id));
    assert_eq!(r.origin, Origin::CreateRoute);
}

#[test]
fn delete_route_rules() {
    let (mut k, n) = setup();
    let rtb = n.rtb.clone();
    let igw_id = igw(&mut k, Some(&n.vpc));
    refused_with(
        &mut k,
        delete_route(&rtb, v4("0.0.0.0/0")),
        "InvalidRoute.NotFound",
        &format!("no route with destination-cidr-block 0.0.0.0/0 in route table {rtb}"),
    );
    k.refused(delete_route(&rtb, v6("::/0")), "InvalidRoute.NotFound");
    k.refused(
        delete_route(&rtb, RouteParams::default()),
        "MissingParameter",
    );
    k.ok(create_route(&rtb, gw(v4("0.0.0.0/0"), &igw_id)));
    k.ok(delete_route(&rtb, v4("0.0.0.0/0")));
    assert_eq!(k.table(&rtb).routes.len(), 2);
}

#[test]
fn gateway_endpoint_routes_are_untouchable() {
    let (mut k, n) = setup();
    let rtb = n.rtb.clone();
    let igw_id = igw(&mut k, Some(&n.vpc));
    let pl = "pl-63a5400a".to_string();
    k.w.route_tables.get_mut(&rtb).unwrap().routes.push(Route {
        destination: Destination::PrefixList(pl.clone()),
        target: Target::GatewayEndpoint("vpce-0123456789abcdef0".into()),
        origin: Origin::CreateRoute,
    });
    let dest = RouteParams {
        destination_prefix_list_id: Some(pl),
        ..Default::default()
    };
    k.refused(delete_route(&rtb, dest.clone()), "InvalidParameterValue");
    // The endpoint here is fictitious, so its route shows blackhole.
    assert_eq!(state_of(&k, &rtb, "pl-63a5400a"), "blackhole");
    // An AWS-managed list's route belongs to its endpoint: replacing it is refused.
    k.refused(
        replace_route(&rtb, gw(dest, &igw_id)),
        "InvalidParameterValue",
    );
}

#[test]
fn route_quota_counts_per_family() {
    let mut config = Config::default();
    config.quotas.set_from_arg("routes-per-table=1").unwrap();
    let (mut k, n) = with(config);
    let rtb = n.rtb.clone();
    let igw_id = igw(&mut k, Some(&n.vpc));
    k.ok(create_route(&rtb, gw(v4("0.0.0.0/0"), &igw_id)));
    k.refused(
        create_route(&rtb, gw(v4("1.0.0.0/8"), &igw_id)),
        "RouteLimitExceeded",
    );
    k.ok(create_route(&rtb, gw(v6("::/0"), &igw_id)));
    // A prefix-list route counts by the list's MaxEntries.
    let mut config = Config::default();
    config.quotas.set_from_arg("routes-per-table=5").unwrap();
    let (mut k, n) = with(config);
    let rtb = n.rtb.clone();
    let igw_id = igw(&mut k, Some(&n.vpc));
    let list = |k: &mut Kit, max: i64| {
        k.id(prefix_list::Cmd::Create {
            name: format!("office-{max}"),
            entries: vec![],
            max_entries: max,
            address_family: "IPv4".into(),
            tags: vec![],
            client_token: None,
        })
    };
    let (four, two) = (list(&mut k, 4), list(&mut k, 2));
    let to_list = |pl: &str| RouteParams {
        destination_prefix_list_id: Some(pl.to_string()),
        gateway_id: Some(igw_id.clone()),
        ..Default::default()
    };
    k.ok(create_route(&rtb, to_list(&four)));
    k.refused(create_route(&rtb, to_list(&two)), "RouteLimitExceeded");
    k.ok(create_route(&rtb, gw(v4("0.0.0.0/0"), &igw_id)));
    // Without a configured quota, many routes are fine.
    let (mut k, n) = setup();
    let igw_id = igw(&mut k, Some(&n.vpc));
    for i in 0..60 {
        k.ok(create_route(
            &n.rtb,
            gw(v4(&format!("20.{i}.0.0/16")), &igw_id),
        ));
    }
}

#[test]
fn vpc_block_changes_follow_local_routes() {
    let (mut k, n) = setup();
    let (rtb, vpc) = (n.rtb.clone(), n.vpc.clone());
    let igw_id = igw(&mut k, Some(&vpc));
    k.ok(create_route(&rtb, gw(v4("10.5.1.0/24"), &igw_id)));
    let assoc = |cidr: &str| vpc::Cmd::AssociateCidr {
        vpc_id: vpc.clone(),
        cidr_block: Some(cidr.into()),
        amazon_ipv6: false,
    };
    // A block containing a route's destination is refused.
    let e1 = k.refused(assoc("10.5.0.0/16"), "InvalidParameterValue");
    assert_eq!(e1.code, "InvalidParameterValue");
    let id = k.id(assoc("10.6.0.0/16"));
    for t in [&rtb, &n.main] {
        assert!(k
            .table(t)
            .routes
            .iter()
            .any(|r| r.destination.to_string() == "10.6.0.0/16" && r.target == Target::Local));
    }
    k.ok(vpc::Cmd::DisassociateCidr { association_id: id });
    assert!(!k
        .table(&rtb)
        .routes
        .iter()
        .any(|r| r.destination.to_string() == "10.6.0.0/16"));
}

fn names(tables: Vec<&RouteTable>) -> Vec<String> {
    tables.into_iter().map(|t| t.id.clone()).collect()
}

#[test]
fn describe_filters() {
    let (mut k, n) = setup();
    let (rtb, main, vpc, vpc2, subnet) = (
        n.rtb.clone(),
        n.main.clone(),
        n.vpc.clone(),
        n.vpc2.clone(),
        n.subnet.clone(),
    );
    let igw_id = igw(&mut k, Some(&vpc));
    let nat_id = nat(&mut k, &subnet, NatState::Pending);
    let eigw_id = eigw(&mut k, &vpc);
    let inst = instance(&mut k, &subnet, 1);
    let pcx_id = pcx(&mut k, &vpc, &vpc2);
    let assoc = k.id(associate(&rtb, Some(&subnet), None));
    for route in [
        gw(v4("0.0.0.0/0"), &igw_id),
        RouteParams {
            nat_gateway_id: Some(nat_id.clone()),
            ..v4("1.0.0.0/8")
        },
        RouteParams {
            egress_only_internet_gateway_id: Some(eigw_id.clone()),
            ..v6("::/0")
        },
        RouteParams {
            instance_id: Some(inst.clone()),
            ..v4("2.0.0.0/8")
        },
        RouteParams {
            vpc_peering_connection_id: Some(pcx_id.clone()),
            ..v4("10.1.0.0/16")
        },
    ] {
        k.ok(create_route(&rtb, route));
    }
    k.w.tags
        .entry(k.ctx.scope().clone())
        .or_default()
        .entry(rtb.clone())
        .or_default()
        .insert("Name".into(), "private".into());
    let only_rtb = vec![rtb.clone()];
    let cases: Vec<(&str, String, Vec<String>)> = vec![
        ("route-table-id", rtb.clone(), only_rtb.clone()),
        (
            "vpc-id",
            vpc2.clone(),
            vec![k.w.vpcs.get(&vpc2).unwrap().main_route_table_id.clone()],
        ),
        ("association.subnet-id", subnet.clone(), only_rtb.clone()),
        (
            "association.route-table-association-id",
            assoc.clone(),
            only_rtb.clone(),
        ),
        ("association.route-table-id", rtb.clone(), only_rtb.clone()),
        ("association.main", "false".into(), only_rtb.clone()),
        (
            "route.destination-cidr-block",
            "2.0.0.0/8".into(),
            only_rtb.clone(),
        ),
        (
            "route.destination-ipv6-cidr-block",
            "::/0".into(),
            only_rtb.clone(),
        ),
        ("route.destination-prefix-list-id", "pl-*".into(), vec![]),
        ("route.gateway-id", igw_id.clone(), only_rtb.clone()),
        ("route.nat-gateway-id", nat_id.clone(), only_rtb.clone()),
        (
            "route.egress-only-internet-gateway-id",
            eigw_id.clone(),
            only_rtb.clone(),
        ),
        ("route.instance-id", inst.clone(), only_rtb.clone()),
        (
            "route.vpc-peering-connection-id",
            pcx_id.clone(),
            only_rtb.clone(),
        ),
        ("route.transit-gateway-id", "tgw-*".into(), vec![]),
        ("route.state", "blackhole".into(), only_rtb.clone()),
        (
            "route.origin",
            "CreateRoute".into(),
            vec![
                // The default VPC's main table has its 0.0.0.0/0 route too.
                k.w.vpcs
                    .values()
                    .find(|v| v.is_default)
                    .unwrap()
                    .main_route_table_id
                    .clone(),
                rtb.clone(),
            ],
        ),
        ("tag:Name", "priv*".into(), only_rtb.clone()),
        ("tag-key", "Name".into(), only_rtb.clone()),
    ];
    for (name, value, mut want) in cases {
        let mut got =
            names(describe(&k.w, &k.ctx, &[], &[Filter::new(name, &[value.as_str()])]).unwrap());
        got.sort();
        want.sort();
        assert_eq!(got, want, "{name}={value}");
    }
    // association.main=true: the main tables of the caller's VPCs only.
    let mains = names(
        describe(
            &k.w,
            &k.ctx,
            &[],
            &[Filter::new("association.main", &["true"])],
        )
        .unwrap(),
    );
    assert_eq!(mains.len(), 3);
    assert!(mains.contains(&main) && !mains.contains(&rtb));
    // A table without associations matches neither association.main value.
    let lonely = k.route_table(&vpc);
    for v in ["true", "false"] {
        let got =
            names(describe(&k.w, &k.ctx, &[], &[Filter::new("association.main", &[v])]).unwrap());
        assert!(!got.contains(&lonely));
    }
    // owner-id, gateway-id `local`, filters AND-ed, values OR-ed.
    let all = describe(&k.w, &k.ctx, &[], &[Filter::new("owner-id", &[A])]).unwrap();
    assert_eq!(all.len(), k.w.route_tables.count_in(k.ctx.scope()));
    let local = describe(
        &k.w,
        &k.ctx,
        &[],
        &[Filter::new("route.gateway-id", &["local"])],
    )
    .unwrap();
    assert_eq!(local.len(), all.len());
    let both = describe(
        &k.w,
        &k.ctx,
        &[],
        &[
            Filter::new("vpc-id", &[vpc.as_str()]),
            Filter::new("association.main", &["true"]),
        ],
    )
    .unwrap();
    assert_eq!(names(both), vec![main.clone()]);
    let either = describe(&k.w, &k.ctx, &[main.clone(), rtb.clone()], &[]).unwrap();
    assert_eq!(either.len(), 2);
    // Unknown ids and filter names are errors.
    let e1 = describe(&k.w, &k.ctx, &["rtb-0123456789abcdef0".into()], &[]).unwrap_err();
    assert_eq!(e1.code, "InvalidRouteTableID.NotFound");
    let e2 = describe(&k.w, &k.ctx, &[], &[Filter::new("route.bogus", &["x"])]).unwrap_err();
    assert_eq!(e2.message, "The filter 'route.bogus' is invalid");
}

#[test]
fn route_state_active_after_peering_accept_in_filters() {
    let (mut k, n) = setup();
    let rtb = n.rtb.clone();
    let pcx_id = pcx(&mut k, &n.vpc, &n.vpc2);
    let to = RouteParams {
        vpc_peering_connection_id: Some(pcx_id.clone()),
        ..v4("10.1.0.0/16")
    };
    k.ok(create_route(&rtb, to));
    let blackholes = |k: &Kit| {
        names(
            describe(
                &k.w,
                &k.ctx,
                &[],
                &[Filter::new("route.state", &["blackhole"])],
            )
            .unwrap(),
        )
    };
    assert_eq!(blackholes(&k), vec![rtb.clone()]);
    peering_cmd(&mut k, peering::Cmd::Accept { id: pcx_id });
    assert!(blackholes(&k).is_empty());
}

#[test]
fn table_of_subnet_falls_back_to_main() {
    let (k, n) = setup();
    assert_eq!(table_of_subnet(&k.w, &n.subnet).unwrap().id, n.main);
    assert_eq!(
        table_of_subnet(&k.w, &n.subnet2).unwrap().id,
        k.w.vpcs.get(&n.vpc2).unwrap().main_route_table_id
    );
    assert!(table_of_subnet(&k.w, "subnet-0123456789abcdef0").is_none());
}
