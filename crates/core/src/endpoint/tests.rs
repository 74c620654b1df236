//! Consumer-side rules of §3 and the provider's connection handling of §2.3.

use std::net::Ipv4Addr;

use super::*;
use crate::endpoint_service::Cmd as SvcCmd;
use crate::eni::{self, InterfaceSpec};
use crate::route::{self, Destination, Origin, RouteParams, Target};
use crate::tags::{self, TagSpec};
use crate::testkit::{Kit, A, B};
use crate::{cidr, sg, subnet, vpc, BulkFailure, Command, Config, Filter, HOUR};

const EAST: &str = "us-east-1";
const S3: &str = "com.amazonaws.us-east-1.s3";
const DYNAMODB: &str = "com.amazonaws.us-east-1.dynamodb";
const EC2: &str = "com.amazonaws.us-east-1.ec2";

fn cmd(c: Create) -> Command {
    Command::Endpoint(Cmd::Create(Box::new(c)))
}

fn gateway(vpc: &str, service: &str, tables: &[&str]) -> Create {
    Create::gateway(vpc, service, tables)
}

fn interface(vpc: &str, service: &str, subnets: &[&str]) -> Create {
    Create::interface(vpc, service, subnets)
}

fn modify(id: &str, f: impl FnOnce(&mut Modify)) -> Command {
    let mut m = Modify {
        endpoint_id: id.into(),
        ..Modify::default()
    };
    f(&mut m);
    Command::Endpoint(Cmd::Modify(Box::new(m)))
}

fn delete(ids: &[&str]) -> Command {
    Command::Endpoint(Cmd::Delete {
        endpoint_ids: ids.iter().map(|s| s.to_string()).collect(),
    })
}

fn bulk(out: Output) -> (Vec<String>, Vec<BulkFailure>) {
    match out {
        Output::Bulk { ok, failed } => (ok, failed),
        other => panic!("{other:?}"),
    }
}

/// Runs `cmd` as `account`, which must succeed.
fn run(k: &mut Kit, account: &str, cmd: impl Into<Command>) -> Output {
    let ctx = k.as_account(account);
    let cmd = cmd.into();
    let label = format!("{cmd:?}");
    k.run_as(&ctx, cmd)
        .unwrap_or_else(|e| panic!("{label}: unexpected {e}"))
}

/// Runs `cmd` as `account`, which must succeed with an id.
fn id(k: &mut Kit, account: &str, cmd: impl Into<Command>) -> String {
    let ctx = k.as_account(account);
    k.id_as(&ctx, cmd)
}

/// A VPC of `account` with `cidr`.
fn vpc_of(k: &mut Kit, account: &str, cidr: &str) -> String {
    id(
        k,
        account,
        vpc::Cmd::Create {
            cidr_block: cidr.into(),
            amazon_ipv6: false,
            instance_tenancy: None,
            tags: vec![],
        },
    )
}

/// A subnet of `account` in the zone with id `az_id` (e.g. `use1-az1`).
fn subnet_of(k: &mut Kit, account: &str, vpc_id: &str, cidr: &str, az_id: &str) -> String {
    id(
        k,
        account,
        subnet::Cmd::Create {
            vpc_id: vpc_id.into(),
            cidr_block: cidr.into(),
            ipv6_cidr_block: None,
            ipv6_native: false,
            availability_zone: None,
            availability_zone_id: Some(az_id.into()),
            tags: vec![],
        },
    )
}

/// A route table of the caller in `vpc`.
fn table(k: &mut Kit, vpc: &str) -> String {
    k.id(route::Cmd::CreateTable {
        vpc_id: vpc.into(),
        tags: vec![],
        client_token: None,
    })
}

/// Turns on DNS support and hostnames of the caller's `vpc`.
fn enable_dns(k: &mut Kit, vpc: &str) {
    for attribute in [
        vpc::Attribute::EnableDnsSupport,
        vpc::Attribute::EnableDnsHostnames,
    ] {
        k.ok(vpc::Cmd::ModifyAttribute {
            vpc_id: vpc.into(),
            attribute,
            value: true,
        });
    }
}

/// Takes every free address of `account`'s /28 `subnet` (11) with network interfaces.
fn fill(k: &mut Kit, account: &str, subnet: &str) {
    for _ in 0..11 {
        id(
            k,
            account,
            eni::Cmd::CreateInterface {
                spec: InterfaceSpec {
                    subnet_id: Some(subnet.into()),
                    ..InterfaceSpec::default()
                },
                interface_type: None,
                client_token: None,
                tags: vec![],
            },
        );
    }
}

fn accept(k: &mut Kit, account: &str, service: &str, ids: &[&str]) -> Vec<BulkFailure> {
    let out = run(
        k,
        account,
        SvcCmd::AcceptConnections {
            service_id: service.into(),
            endpoint_ids: ids.iter().map(|s| s.to_string()).collect(),
        },
    );
    bulk(out).1
}

fn reject(k: &mut Kit, account: &str, service: &str, ids: &[&str]) -> Vec<BulkFailure> {
    let out = run(
        k,
        account,
        SvcCmd::RejectConnections {
            service_id: service.into(),
            endpoint_ids: ids.iter().map(|s| s.to_string()).collect(),
        },
    );
    bulk(out).1
}

fn routes_to(k: &Kit, rtb: &str, id: &str) -> Vec<Destination> {
    k.w.route_tables
        .get(rtb)
        .unwrap()
        .routes
        .iter()
        .filter(|r| r.target == Target::GatewayEndpoint(id.into()))
        .map(|r| r.destination.clone())
        .collect()
}

/// A kit whose configuration sets one quota (`name=value`).
fn with_quota(quota: &str) -> Kit {
    let mut config = Config::default();
    config.quotas.set_from_arg(quota).unwrap();
    Kit::with(config, 1, 1_000)
}

#[test]
fn gateway_endpoint_routes() {
    let mut k = Kit::new();
    let vpc = k.vpc("10.0.0.0/16");
    let (t1, t2) = (table(&mut k, &vpc), table(&mut k, &vpc));
    let id = k.gateway_endpoint(&vpc, S3, &[&t1, &t2]);
    let e = k.endpoint(&id).clone();
    assert_eq!(e.endpoint_type, EndpointType::Gateway);
    assert_eq!(e.state.as_str(), "available");
    assert_eq!(e.policy_document.as_deref(), Some(DEFAULT_POLICY));
    assert!(e.interfaces.is_empty() && e.groups.is_empty() && !e.private_dns_enabled);
    let pl = Destination::PrefixList("pl-63a5400a".into());
    assert_eq!(routes_to(&k, &t1, &id), vec![pl.clone()]);
    assert_eq!(routes_to(&k, &t2, &id), vec![pl.clone()]);
    let route =
        k.w.route_tables
            .get(&t1)
            .unwrap()
            .routes
            .last()
            .unwrap()
            .clone();
    assert_eq!(route.origin, Origin::CreateRoute);
    assert!(gateway_endpoint_exists(&k.w, &id));
    // One endpoint route per service per table; another service is fine.
    k.refused_saying(
        A,
        cmd(gateway(&vpc, S3, &[&t2])),
        "RouteAlreadyExists",
        &format!(
            "route table {t2} already has a route with destination-prefix-list-id pl-63a5400a"
        ),
    );
    let d = k.gateway_endpoint(&vpc, DYNAMODB, &[&t2]);
    assert_eq!(
        routes_to(&k, &t2, &d),
        vec![Destination::PrefixList(gateway_prefix_list_id(
            EAST, "dynamodb"
        ))]
    );
    // Disassociation and re-association move the route.
    k.ok(modify(&id, |m| m.remove_route_table_ids = vec![t1.clone()]));
    assert!(routes_to(&k, &t1, &id).is_empty());
    assert_eq!(k.endpoint(&id).route_table_ids, vec![t2.clone()]);
    k.refused_saying(
        A,
        modify(&id, |m| m.remove_route_table_ids = vec![t1.clone()]),
        "InvalidParameter",
        "not associated",
    );
    k.ok(modify(&id, |m| m.add_route_table_ids = vec![t1.clone()]));
    assert_eq!(routes_to(&k, &t1, &id), vec![pl.clone()]);
    // Deletion removes every route, then deleting → deleted → purged.
    let (ok, failed) = bulk(k.ok(delete(&[&id])));
    assert_eq!((ok.len(), failed.len()), (1, 0));
    assert!(routes_to(&k, &t1, &id).is_empty() && routes_to(&k, &t2, &id).is_empty());
    assert_eq!(k.endpoint(&id).state, State::Deleting);
    assert!(!gateway_endpoint_exists(&k.w, &id));
    k.advance(0);
    assert_eq!(k.endpoint(&id).state, State::Deleted);
    k.advance(RETENTION - 1);
    assert!(k.w.vpc_endpoints.get(&id).is_some());
    k.advance(1);
    assert!(k.w.vpc_endpoints.get(&id).is_none());
    // The table is free for a new S3 endpoint.
    k.gateway_endpoint(&vpc, S3, &[&t1]);
}

#[test]
fn gateway_endpoint_refusals() {
    let mut k = Kit::new();
    let vpc = k.vpc("10.0.0.0/16");
    let other = k.vpc("10.1.0.0/16");
    let t = table(&mut k, &vpc);
    let foreign = table(&mut k, &other);
    let sn = subnet_of(&mut k, A, &vpc, "10.0.1.0/24", "use1-az1");
    let refuse = |k: &mut Kit, c: Create, code: &str, fragment: &str| {
        k.refused_saying(A, cmd(c), code, fragment)
    };
    refuse(&mut k, gateway(&vpc, EC2, &[&t]), "InvalidServiceName", EC2);
    refuse(
        &mut k,
        gateway(&vpc, "com.amazonaws.us-west-2.s3", &[&t]),
        "InvalidServiceName",
        "us-west-2",
    );
    refuse(
        &mut k,
        gateway(&vpc, S3, &["rtb-0123456789abcdef0"]),
        "InvalidRouteTableID.NotFound",
        "rtb-0123456789abcdef0",
    );
    refuse(
        &mut k,
        gateway(&vpc, S3, &[&foreign]),
        "InvalidParameter",
        "does not belong",
    );
    k.refused_saying(
        B,
        cmd(gateway(&vpc, S3, &[])),
        "InvalidVpcID.NotFound",
        &vpc,
    );
    let mut c = gateway(&vpc, S3, &[&t]);
    c.subnet_ids = vec![sn.clone()];
    refuse(
        &mut k,
        c,
        "InvalidParameter",
        "Subnet IDs are only supported for Interface and GatewayLoadBalancer type VPC Endpoints.",
    );
    let mut c = gateway(&vpc, S3, &[&t]);
    c.security_group_ids = vec!["sg-0123456789abcdef0".into()];
    refuse(&mut k, c, "InvalidParameter", "Security group IDs");
    let mut c = gateway(&vpc, S3, &[&t]);
    c.private_dns_enabled = Some(true);
    refuse(&mut k, c, "InvalidParameter", "Private DNS");
    let mut c = gateway(&vpc, S3, &[&t]);
    c.endpoint_type = Some("Resource".into());
    refuse(&mut k, c, "InvalidVpcEndpointType", "Resource");
    let mut c = gateway(&vpc, S3, &[&t]);
    c.endpoint_type = Some("Bogus".into());
    refuse(&mut k, c, "InvalidVpcEndpointType", "Bogus");
    let mut c = gateway(&vpc, S3, &[&t]);
    c.service_name = None;
    refuse(&mut k, c, "MissingParameter", "ServiceName");
    let mut c = gateway(&vpc, S3, &[&t]);
    c.policy_document = Some("{not json".into());
    refuse(&mut k, c, "InvalidPolicyDocument", "JSON");
    let mut c = gateway(&vpc, S3, &[&t]);
    c.policy_document = Some("[1]".into());
    refuse(&mut k, c, "InvalidPolicyDocument", "JSON");
    let mut c = gateway(&vpc, S3, &[&t]);
    c.policy_document = Some(format!("{{\"a\":\"{}\"}}", "x".repeat(MAX_POLICY)));
    refuse(&mut k, c, "InvalidPolicyDocument", "20480");
    let mut c = gateway(&vpc, S3, &[&t]);
    c.tags = vec![TagSpec {
        resource_type: "vpc".into(),
        tags: vec![],
    }];
    refuse(&mut k, c, "InvalidParameterValue", "vpc");
    let mut c = gateway(&vpc, S3, &[&t]);
    c.ip_address_type = Some("ipv5".into());
    refuse(&mut k, c, "InvalidParameterValue", "ipv5");
    let mut c = gateway(&vpc, S3, &[&t]);
    c.dns_options = Some(DnsOptionsSpec::default());
    refuse(&mut k, c, "InvalidParameter", "DNS options");
    // A policy, then reset to the default.
    let mut c = gateway(&vpc, S3, &[&t]);
    let custom = r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}"#;
    c.policy_document = Some(custom.into());
    let id = k.id(cmd(c));
    assert_eq!(k.endpoint(&id).policy_document.as_deref(), Some(custom));
    k.refused_saying(
        A,
        modify(&id, |m| {
            m.reset_policy = true;
            m.policy_document = Some("{}".into());
        }),
        "InvalidParameterCombination",
        "ResetPolicy",
    );
    k.ok(modify(&id, |m| m.reset_policy = true));
    assert_eq!(
        k.endpoint(&id).policy_document.as_deref(),
        Some(DEFAULT_POLICY)
    );
    k.refused_saying(
        A,
        modify(&id, |m| m.policy_document = Some("nope".into())),
        "InvalidPolicyDocument",
        "",
    );
    // Wrong-type modifications.
    k.refused_saying(
        A,
        modify(&id, |m| m.add_subnet_ids = vec![sn.clone()]),
        "InvalidParameter",
        "Subnet IDs",
    );
    k.refused_saying(
        A,
        modify(&id, |m| m.add_security_group_ids = vec!["sg-1".into()]),
        "InvalidParameter",
        "Security group IDs",
    );
    k.refused_saying(
        A,
        modify(&id, |m| m.private_dns_enabled = Some(true)),
        "InvalidParameter",
        "Private DNS",
    );
    k.refused_saying(B, modify(&id, |_| {}), "InvalidVpcEndpointId.NotFound", &id);
}

#[test]
fn gateway_quota_and_idempotency() {
    let mut k = with_quota("gateway-endpoints-per-region=1");
    let vpc = k.vpc("10.0.0.0/16");
    let mut c = gateway(&vpc, S3, &[]);
    c.client_token = Some("t-1".into());
    let first = k.ok(cmd(c.clone()));
    assert_eq!(k.ok(cmd(c.clone())), first);
    c.client_token = Some("t-2".into());
    k.refused_saying(A, cmd(c), "VpcEndpointLimitExceeded", "(1)");
}

#[test]
fn interface_endpoint_to_an_aws_service() {
    let mut k = Kit::new();
    let vpc = k.vpc("10.0.0.0/16");
    let s1 = subnet_of(&mut k, A, &vpc, "10.0.1.0/24", "use1-az1");
    let s2 = subnet_of(&mut k, A, &vpc, "10.0.2.0/24", "use1-az2");
    let s3 = subnet_of(&mut k, A, &vpc, "10.0.3.0/24", "use1-az1");
    k.refused_saying(
        A,
        cmd(interface(&vpc, EC2, &[&s1, &s3])),
        "DuplicateSubnetsInSameZone",
        &format!("availability zone of {s3}"),
    );
    let mut c = interface(&vpc, EC2, &[&s1]);
    c.route_table_ids = vec!["rtb-0123456789abcdef0".into()];
    k.refused_saying(A, cmd(c), "InvalidParameter", "Route table IDs");
    let mut c = interface(&vpc, EC2, &[&s1]);
    c.security_group_ids = vec!["sg-0123456789abcdef0".into()];
    k.refused_saying(A, cmd(c), "InvalidGroup.NotFound", "sg-0123456789abcdef0");
    // Explicit private DNS needs DNS support and hostnames on the VPC.
    let mut c = interface(&vpc, EC2, &[&s1]);
    c.private_dns_enabled = Some(true);
    k.refused_saying(A, cmd(c.clone()), "InvalidParameter", "enableDnsHostnames");
    // Without them, the default is off.
    let id = k.interface_endpoint(&vpc, EC2, &[&s1, &s2]);
    let e = k.endpoint(&id).clone();
    assert!(!e.private_dns_enabled);
    assert_eq!(e.state, State::Pending);
    assert_eq!(
        e.groups,
        vec![k
            .w
            .vpcs
            .get(&vpc)
            .unwrap()
            .default_security_group_id
            .clone()]
    );
    assert_eq!(e.interfaces.len(), 2);
    for i in &e.interfaces {
        let eni = k.w.network_interfaces.get(&i.network_interface_id).unwrap();
        assert_eq!(eni.interface_type, "vpc_endpoint");
        assert!(eni.requester_managed);
        assert_eq!(eni.description, format!("VPC Endpoint Interface {id}"));
        assert_eq!(eni.subnet_id, i.subnet_id);
        assert_eq!(eni.groups, e.groups);
    }
    assert_eq!(k.w.subnets.get(&s1).unwrap().used.len(), 1);
    let entries = dns_entries(&k.w, &e);
    assert_eq!(entries.len(), 3);
    let base = format!("{id}-{}", e.dns_suffix);
    assert_eq!(
        entries[0].dns_name,
        format!("{base}.ec2.us-east-1.vpce.amazonaws.com")
    );
    assert_eq!(entries[0].hosted_zone_id, "Z7HUB22UULQXV");
    let az1 = k.w.subnets.get(&s1).unwrap().availability_zone.clone();
    assert_eq!(
        entries[1].dns_name,
        format!("{base}-{az1}.ec2.us-east-1.vpce.amazonaws.com")
    );
    k.advance(0);
    assert_eq!(k.endpoint(&id).state, State::Available);
    // With DNS attributes on, private DNS defaults on for a second VPC's endpoint …
    let vpc2 = k.vpc("10.2.0.0/16");
    enable_dns(&mut k, &vpc2);
    let t1 = subnet_of(&mut k, A, &vpc2, "10.2.1.0/24", "use1-az1");
    let p = k.interface_endpoint(&vpc2, EC2, &[&t1]);
    assert!(k.endpoint(&p).private_dns_enabled);
    let entries = dns_entries(&k.w, k.endpoint(&p));
    assert_eq!(
        entries.last().unwrap().dns_name,
        "ec2.us-east-1.amazonaws.com"
    );
    // … and a second one to the same service conflicts when asking for it.
    let mut c = interface(&vpc2, EC2, &[&t1]);
    c.private_dns_enabled = Some(true);
    k.refused_saying(
        A,
        cmd(c),
        "InvalidParameter",
        "conflicting DNS domain for ec2.us-east-1.amazonaws.com",
    );
    // S3 interface endpoints: no private name, wildcard DNS names.
    let mut c = interface(&vpc2, S3, &[&t1]);
    c.private_dns_enabled = Some(true);
    k.refused_saying(A,
        cmd(c),
        "InvalidParameter",
        &format!("Private DNS can't be enabled because the service {S3} does not provide a private DNS name."),
    );
    let s3 = k.interface_endpoint(&vpc2, S3, &[&t1]);
    assert!(dns_entries(&k.w, k.endpoint(&s3))[0]
        .dns_name
        .starts_with("*.vpce-"));
    assert!(dns_entries(&k.w, k.endpoint(&s3))[0]
        .dns_name
        .ends_with(".s3.us-east-1.vpce.amazonaws.com"));
}

#[test]
fn interface_options() {
    let mut k = Kit::new();
    let vpc = k.vpc("10.0.0.0/16");
    let other = k.vpc("10.1.0.0/16");
    let s1 = subnet_of(&mut k, A, &vpc, "10.0.1.0/24", "use1-az1");
    let o1 = subnet_of(&mut k, A, &other, "10.1.1.0/24", "use1-az1");
    k.refused_saying(
        A,
        cmd(interface(&vpc, EC2, &[&o1])),
        "InvalidParameter",
        "does not belong",
    );
    k.refused_saying(
        A,
        cmd(interface(&vpc, EC2, &["subnet-0123456789abcdef0"])),
        "InvalidSubnetID.NotFound",
        "subnet-0123456789abcdef0",
    );
    let foreign_sg =
        k.w.vpcs
            .get(&other)
            .unwrap()
            .default_security_group_id
            .clone();
    let mut c = interface(&vpc, EC2, &[&s1]);
    c.security_group_ids = vec![foreign_sg];
    k.refused_saying(A, cmd(c), "InvalidParameter", "does not belong");
    let mut c = interface(&vpc, EC2, &[&s1]);
    c.ip_address_type = Some("dualstack".into());
    k.refused_saying(
        A,
        cmd(c),
        "InvalidParameter",
        "does not support the IP address type dualstack",
    );
    let mut c = interface(&vpc, S3, &[&s1]);
    c.ip_address_type = Some("dualstack".into());
    k.refused_saying(A, cmd(c), "InvalidParameter", "no IPv6 CIDR block");
    let mut c = interface(&vpc, EC2, &[&s1]);
    c.dns_options = Some(DnsOptionsSpec {
        dns_record_ip_type: Some("ipv6".into()),
        ..DnsOptionsSpec::default()
    });
    k.refused_saying(A, cmd(c), "InvalidParameter", "not compatible");
    let mut c = interface(&vpc, EC2, &[&s1]);
    c.dns_options = Some(DnsOptionsSpec {
        dns_record_ip_type: Some("ipv9".into()),
        ..DnsOptionsSpec::default()
    });
    k.refused_saying(A, cmd(c), "InvalidParameterValue", "ipv9");
    let mut c = interface(&vpc, S3, &[&s1]);
    c.dns_options = Some(DnsOptionsSpec {
        private_dns_only_for_inbound_resolver_endpoint: Some(true),
        ..DnsOptionsSpec::default()
    });
    k.refused_saying(
        A,
        cmd(c),
        "InvalidParameter",
        &format!("the VPC {vpc} must have a Gateway endpoint for the service"),
    );
    // Fixed addresses through SubnetConfiguration.
    let mut c = interface(&vpc, EC2, &[]);
    c.subnet_configurations = vec![SubnetConfig {
        subnet_id: Some(s1.clone()),
        ipv4: Some("10.0.1.200".into()),
        ipv6: None,
    }];
    let id = k.id(cmd(c.clone()));
    let eni = &k.endpoint(&id).interfaces[0].network_interface_id;
    assert_eq!(
        k.w.network_interfaces.get(eni).unwrap().primary_ip(),
        Some(Ipv4Addr::new(10, 0, 1, 200))
    );
    assert_eq!(
        k.endpoint(&id)
            .dns_options
            .as_ref()
            .unwrap()
            .dns_record_ip_type,
        "ipv4"
    );
    k.refused_saying(A, cmd(c.clone()), "InvalidIPAddress.InUse", "10.0.1.200");
    c.subnet_configurations[0].ipv4 = Some("10.0.2.9".into());
    k.refused_saying(A, cmd(c.clone()), "InvalidParameter", "10.0.2.9");
    c.subnet_configurations[0].ipv4 = Some("ten".into());
    k.refused_saying(A, cmd(c), "InvalidParameterValue", "ten");
}

#[test]
fn dual_stack_interfaces_get_an_ipv6_address_of_their_subnet() {
    let mut k = Kit::new();
    let s = k.dual_stack_subnet();
    let subnet = k.w.subnets.get(&s).unwrap().clone();
    let block = subnet.ipv6_cidrs[0].cidr;
    let endpoint_eni = |k: &mut Kit, c: Create| {
        let id = k.id(cmd(c));
        let eni_id = k.endpoint(&id).interfaces[0].network_interface_id.clone();
        k.eni(&eni_id).ipv6_addresses.clone()
    };
    let mut c = interface(&subnet.vpc_id, S3, &[&s]);
    assert!(endpoint_eni(&mut k, c.clone()).is_empty());
    c.ip_address_type = Some("dualstack".into());
    let drawn = endpoint_eni(&mut k, c.clone());
    assert!(drawn.len() == 1 && block.contains(&drawn[0]), "{drawn:?}");
    let given = cidr::nth_v6(&block, 77);
    c.subnet_ids.clear();
    c.subnet_configurations = vec![SubnetConfig {
        subnet_id: Some(s.clone()),
        ipv4: None,
        ipv6: Some(given.to_string()),
    }];
    assert_eq!(endpoint_eni(&mut k, c), vec![given]);
}

#[test]
fn interface_quota_and_addresses() {
    let mut k = with_quota("vpc-endpoints-per-vpc=1");
    let vpc = k.vpc("10.0.0.0/16");
    let small = subnet_of(&mut k, A, &vpc, "10.0.1.0/28", "use1-az1");
    // Fill the /28 (16 - 5 reserved = 11 addresses).
    fill(&mut k, A, &small);
    k.refused_saying(
        A,
        cmd(interface(&vpc, EC2, &[&small])),
        "InsufficientFreeAddressesInSubnet",
        &small,
    );
    k.interface_endpoint(&vpc, EC2, &[]);
    k.refused_saying(
        A,
        cmd(interface(&vpc, "com.amazonaws.us-east-1.sts", &[])),
        "VpcEndpointLimitExceeded",
        "(1)",
    );
    // Gateway endpoints do not count toward the interface quota.
    k.gateway_endpoint(&vpc, S3, &[]);
}

/// A provider (A) with a service behind an NLB in two zones, and a consumer (B) VPC
/// with one subnet in each of three zones.
struct Scene {
    k: Kit,
    service: String,
    name: String,
    vpc: String,
    subnets: Vec<String>,
}

fn scene(acceptance: bool) -> Scene {
    let mut k = Kit::new();
    let nlb = k.lb_in_zones(A, "network", "web", &["use1-az1", "use1-az2"]);
    let service = k.service(A, &nlb, acceptance);
    let name = k.svc(&service).name();
    let vpc = vpc_of(&mut k, B, "10.0.0.0/16");
    let subnets = ["use1-az1", "use1-az2", "use1-az3"]
        .iter()
        .enumerate()
        .map(|(i, az)| subnet_of(&mut k, B, &vpc, &format!("10.0.{i}.0/24"), az))
        .collect();
    Scene {
        k,
        service,
        name,
        vpc,
        subnets,
    }
}

#[test]
fn custom_service_needs_permission_and_offered_zones() {
    let Scene {
        mut k,
        service,
        name,
        vpc,
        subnets,
    } = scene(false);
    let c = interface(&vpc, &name, &[&subnets[0]]);
    k.refused_saying(B, cmd(c.clone()), "InvalidServiceName", &name);
    k.allow(A, &service, "arn:aws:iam::222222222222:root");
    k.refused_saying(B,
        cmd(interface(&vpc, &name, &[&subnets[0], &subnets[2]])),
        "InvalidParameter",
        &format!("The VPC endpoint service {name} does not support the availability zone of the subnet: {}.", subnets[2]),
    );
    let mut g = c.clone();
    g.endpoint_type = Some("GatewayLoadBalancer".into());
    k.refused_saying(
        B,
        cmd(g),
        "InvalidParameter",
        "does not support the VPC endpoint type GatewayLoadBalancer",
    );
    let mut p = c.clone();
    p.policy_document = Some("{}".into());
    k.refused_saying(
        B,
        cmd(p),
        "InvalidParameter",
        "does not support VPC endpoint policies",
    );
    let mut p = c.clone();
    p.private_dns_enabled = Some(true);
    k.refused_saying(
        B,
        cmd(p),
        "InvalidParameter",
        "does not provide a private DNS name",
    );
    let id = id(
        &mut k,
        B,
        cmd(interface(&vpc, &name, &[&subnets[0], &subnets[1]])),
    );
    let e = k.endpoint(&id).clone();
    assert_eq!(e.state, State::Pending);
    assert_eq!(e.service_id.as_deref(), Some(service.as_str()));
    assert!(e.policy_document.is_none());
    assert!(e.connection_id.is_some());
    let entries = dns_entries(&k.w, &e);
    assert!(entries[0]
        .dns_name
        .ends_with(&format!(".{service}.us-east-1.vpce.amazonaws.com")));
    k.advance(0);
    assert_eq!(k.endpoint(&id).state, State::Available);
    // Removing the permission leaves the connection alone but hides the service.
    run(
        &mut k,
        A,
        SvcCmd::ModifyPermissions {
            service_id: service.clone(),
            add: vec![],
            remove: vec!["arn:aws:iam::222222222222:root".into()],
        },
    );
    assert_eq!(k.endpoint(&id).state, State::Available);
    k.refused_saying(B, cmd(c), "InvalidServiceName", &name);
    // Still modifiable: add the third subnet? Not offered.
    k.refused_saying(
        B,
        modify(&id, |m| m.add_subnet_ids = vec![subnets[2].clone()]),
        "InvalidParameter",
        "does not support the availability zone",
    );
    // The provider cannot delete the service while it is connected.
    let (ok, failed) = bulk(run(
        &mut k,
        A,
        SvcCmd::Delete {
            service_ids: vec![service.clone()],
        },
    ));
    assert!(ok.is_empty());
    assert_eq!(failed[0].code, "ExistingVpcEndpointConnections");
    // Nor remove its load balancer.
    let nlb1 = k.svc(&service).network_load_balancer_arns[0].clone();
    let nlb2 = k.lb_in_zones(A, "network", "web2", &["use1-az3"]);
    k.refused_saying(
        A,
        Kit::modify_service(&service, |m| {
            m.add_network_load_balancer_arns = vec![nlb2];
            m.remove_network_load_balancer_arns = vec![nlb1];
        }),
        "ExistingVpcEndpointConnections",
        &service,
    );
}

#[test]
fn acceptance_flow() {
    let Scene {
        mut k,
        service,
        name,
        vpc,
        subnets,
    } = scene(true);
    k.allow(A, &service, "*");
    let id = id(
        &mut k,
        B,
        cmd(interface(&vpc, &name, &[&subnets[0], &subnets[1]])),
    );
    let e = k.endpoint(&id).clone();
    assert_eq!(e.state.as_str(), "pendingAcceptance");
    // As AWS shows a pending endpoint: its interfaces and DNS entries exist already.
    assert_eq!(e.interfaces.len(), 2);
    assert_eq!(dns_entries(&k.w, &e).len(), 3);
    let made: Vec<String> = e
        .interfaces
        .iter()
        .map(|i| i.network_interface_id.clone())
        .collect();
    k.advance(HOUR);
    assert_eq!(k.endpoint(&id).state, State::PendingAcceptance);
    // The provider sees the connection.
    let b = k.as_account(B);
    let conns = describe_connections(&k.w, &k.ctx, &[]).unwrap();
    assert_eq!(conns.len(), 1);
    assert_eq!(conns[0].scope.account, B);
    assert!(describe_connections(&k.w, &b, &[]).unwrap().is_empty());
    let f = |n: &str, v: &str| {
        describe_connections(&k.w, &k.ctx, &[Filter::new(n, &[v])])
            .unwrap()
            .len()
    };
    assert_eq!(f("vpc-endpoint-state", "pendingAcceptance"), 1);
    assert_eq!(f("vpc-endpoint-owner", B), 1);
    assert_eq!(f("vpc-endpoint-owner", A), 0);
    assert_eq!(f("vpc-endpoint-region", "cross-region"), 0);
    assert_eq!(f("service-id", &service), 1);
    assert_eq!(f("vpc-endpoint-id", &id), 1);
    assert!(describe_connections(&k.w, &k.ctx, &[Filter::new("bogus", &["x"])]).is_err());
    // Only the service's owner may accept; unknown ids fail per item.
    k.refused_saying(
        B,
        SvcCmd::AcceptConnections {
            service_id: service.clone(),
            endpoint_ids: vec![id.clone()],
        },
        "InvalidVpcEndpointServiceId.NotFound",
        &service,
    );
    let unknown = "vpce-0123456789abcdef0";
    let failed = accept(&mut k, A, &service, &[unknown, &id]);
    assert_eq!(failed.len(), 1);
    assert_eq!(
        (failed[0].id.as_str(), failed[0].code.as_str()),
        (unknown, "InvalidVpcEndpointId.NotFound")
    );
    let e = k.endpoint(&id).clone();
    assert_eq!(e.state, State::Pending);
    // Acceptance keeps the interfaces made at creation.
    let kept: Vec<String> = e
        .interfaces
        .iter()
        .map(|i| i.network_interface_id.clone())
        .collect();
    assert_eq!(kept, made);
    assert_eq!(dns_entries(&k.w, &e).len(), 3);
    k.advance(0);
    assert_eq!(k.endpoint(&id).state, State::Available);
    let failed = accept(&mut k, A, &service, &[&id]);
    assert_eq!(failed[0].code, "InvalidStateTransition");
    // An available endpoint can be rejected: its interfaces go.
    assert!(reject(&mut k, A, &service, &[&id]).is_empty());
    let e = k.endpoint(&id).clone();
    assert_eq!(e.state.as_str(), "rejected");
    assert!(e.interfaces.is_empty());
    assert!(k.w.network_interfaces.values().all(|n| n.vpc_id != vpc));
    assert_eq!(
        reject(&mut k, A, &service, &[&id])[0].code,
        "InvalidStateTransition"
    );
    // Rejected connections do not keep the service alive; the endpoint stays the consumer's.
    let (ok, _) = bulk(run(
        &mut k,
        A,
        SvcCmd::Delete {
            service_ids: vec![service.clone()],
        },
    ));
    assert_eq!(ok, vec![service.clone()]);
    assert_eq!(k.endpoint(&id).state, State::Rejected);
    // Modifications needing the service fail once it is gone; deletion works.
    k.refused_saying(
        B,
        modify(&id, |m| m.add_subnet_ids = vec![subnets[1].clone()]),
        "InvalidParameter",
        "no longer exists",
    );
    let (ok, _) = bulk(run(&mut k, B, delete(&[&id])));
    assert_eq!(ok, vec![id.clone()]);
}

#[test]
fn rejecting_a_pending_request_and_failed_provisioning() {
    let Scene {
        mut k,
        service,
        name,
        vpc,
        subnets,
    } = scene(true);
    k.allow(A, &service, "arn:aws:iam::222222222222:user/alice");
    let x = id(&mut k, B, cmd(interface(&vpc, &name, &[&subnets[0]])));
    assert_eq!(k.endpoint(&x).interfaces.len(), 1);
    // Rejecting a pending request removes the interfaces it was given.
    assert!(reject(&mut k, A, &service, &[&x]).is_empty());
    assert_eq!(k.endpoint(&x).state, State::Rejected);
    assert!(k.endpoint(&x).interfaces.is_empty());
    assert!(k.w.network_interfaces.values().all(|n| n.vpc_id != vpc));
    // A full subnet refuses the request itself, pending acceptance or not.
    let vpc2 = vpc_of(&mut k, B, "10.5.0.0/16");
    let small = subnet_of(&mut k, B, &vpc2, "10.5.0.0/28", "use1-az1");
    fill(&mut k, B, &small);
    k.refused_saying(
        B,
        cmd(interface(&vpc2, &name, &[&small])),
        "InsufficientFreeAddressesInSubnet",
        &small,
    );
    // An endpoint without its interfaces (as an import may have it) fails at acceptance
    // when they cannot be made.
    let big = subnet_of(&mut k, B, &vpc2, "10.5.1.0/24", "use1-az1");
    let y = id(&mut k, B, cmd(interface(&vpc2, &name, &[&big])));
    let eni = k.endpoint(&y).interfaces[0].network_interface_id.clone();
    crate::eni::destroy_interface(&mut k.w, &eni);
    k.w.vpc_endpoints.get_mut(&y).unwrap().interfaces.clear();
    k.w.vpc_endpoints.get_mut(&y).unwrap().subnets[0].subnet_id = small.clone();
    assert!(accept(&mut k, A, &service, &[&y]).is_empty());
    let e = k.endpoint(&y).clone();
    assert_eq!(e.state, State::Failed);
    assert_eq!(
        e.last_error.unwrap().code,
        "InsufficientFreeAddressesInSubnet"
    );
}

#[test]
fn modify_interface_subnets_and_groups() {
    let mut k = Kit::new();
    let vpc = k.vpc("10.0.0.0/16");
    let s1 = subnet_of(&mut k, A, &vpc, "10.0.1.0/24", "use1-az1");
    let s2 = subnet_of(&mut k, A, &vpc, "10.0.2.0/24", "use1-az2");
    let s3 = subnet_of(&mut k, A, &vpc, "10.0.3.0/24", "use1-az2");
    let id = k.interface_endpoint(&vpc, EC2, &[&s1]);
    k.refused_saying(
        A,
        modify(&id, |m| m.add_subnet_ids = vec![s2.clone(), s3.clone()]),
        "DuplicateSubnetsInSameZone",
        &s3,
    );
    k.ok(modify(&id, |m| m.add_subnet_ids = vec![s1.clone()]));
    assert_eq!(k.endpoint(&id).interfaces.len(), 1);
    k.ok(modify(&id, |m| m.add_subnet_ids = vec![s2.clone()]));
    assert_eq!(k.endpoint(&id).interfaces.len(), 2);
    assert_eq!(k.w.subnets.get(&s2).unwrap().used.len(), 1);
    k.refused_saying(
        A,
        modify(&id, |m| m.remove_subnet_ids = vec![s3.clone()]),
        "InvalidParameter",
        "not associated",
    );
    k.ok(modify(&id, |m| m.remove_subnet_ids = vec![s2.clone()]));
    assert_eq!(k.endpoint(&id).subnets.len(), 1);
    assert!(k.w.subnets.get(&s2).unwrap().used.is_empty());
    k.ok(modify(&id, |m| m.add_subnet_ids = vec![s3.clone()]));
    // Re-addressing a subnet replaces its interface.
    let before = k.endpoint(&id).interfaces[0].network_interface_id.clone();
    k.ok(modify(&id, |m| {
        m.subnet_configurations = vec![SubnetConfig {
            subnet_id: Some(s1.clone()),
            ipv4: Some("10.0.1.77".into()),
            ipv6: None,
        }]
    }));
    let e = k.endpoint(&id).clone();
    let now = e.interfaces.iter().find(|i| i.subnet_id == s1).unwrap();
    assert_ne!(now.network_interface_id, before);
    assert!(k.w.network_interfaces.get(&before).is_none());
    assert_eq!(
        k.w.network_interfaces
            .get(&now.network_interface_id)
            .unwrap()
            .primary_ip(),
        Some(Ipv4Addr::new(10, 0, 1, 77))
    );
    // Security groups follow onto every interface.
    let default_sg = e.groups[0].clone();
    let sg2 = k.id(sg::Cmd::Create {
        name: "second".into(),
        description: "second".into(),
        vpc_id: Some(vpc.clone()),
        tags: vec![],
    });
    k.refused_saying(
        A,
        modify(&id, |m| m.remove_security_group_ids = vec![sg2.clone()]),
        "InvalidParameter",
        "not associated",
    );
    k.refused_saying(
        A,
        modify(&id, |m| {
            m.remove_security_group_ids = vec![default_sg.clone()]
        }),
        "InvalidParameter",
        "at least one security group",
    );
    k.ok(modify(&id, |m| {
        m.add_security_group_ids = vec![sg2.clone()];
        m.remove_security_group_ids = vec![default_sg.clone()];
    }));
    for i in &k.endpoint(&id).interfaces {
        assert_eq!(
            k.w.network_interfaces
                .get(&i.network_interface_id)
                .unwrap()
                .groups,
            vec![sg2.clone()]
        );
    }
    assert!(uses_security_group(&k.w, &sg2) && !uses_security_group(&k.w, &default_sg));
    k.refused_saying(
        A,
        modify(&id, |m| m.add_route_table_ids = vec!["rtb-1".into()]),
        "InvalidParameter",
        "Route table IDs",
    );
    // Private DNS on, once the VPC allows it.
    k.refused_saying(
        A,
        modify(&id, |m| m.private_dns_enabled = Some(true)),
        "InvalidParameter",
        "enableDnsSupport",
    );
    enable_dns(&mut k, &vpc);
    k.ok(modify(&id, |m| m.private_dns_enabled = Some(true)));
    assert!(k.endpoint(&id).private_dns_enabled);
    k.refused_saying(
        A,
        modify(&id, |m| m.ip_address_type = Some("ipv6".into())),
        "InvalidParameter",
        "ipv6",
    );
    k.ok(modify(&id, |m| {
        m.dns_options = Some(DnsOptionsSpec {
            dns_record_ip_type: Some("service-defined".into()),
            ..DnsOptionsSpec::default()
        })
    }));
    assert_eq!(
        k.endpoint(&id)
            .dns_options
            .as_ref()
            .unwrap()
            .dns_record_ip_type,
        "service-defined"
    );
}

#[test]
fn gateway_load_balancer_endpoints() {
    let mut k = Kit::new();
    let gwlb = k.lb_in_zones(A, "gateway", "fw", &["use1-az1"]);
    let service = k.id(Kit::create_service(&[], &[&gwlb]));
    let name = k.svc(&service).name();
    let vpc = k.vpc("10.0.0.0/16");
    let s1 = subnet_of(&mut k, A, &vpc, "10.0.1.0/24", "use1-az1");
    let s2 = subnet_of(&mut k, A, &vpc, "10.0.2.0/24", "use1-az2");
    let gw = |subnets: &[&str]| {
        let mut c = interface(&vpc, &name, subnets);
        c.endpoint_type = Some("GatewayLoadBalancer".into());
        c
    };
    k.refused_saying(A, cmd(gw(&[])), "InvalidParameter", "exactly one subnet");
    k.refused_saying(
        A,
        cmd(interface(&vpc, &name, &[&s1])),
        "InvalidParameter",
        "endpoint type Interface",
    );
    let mut c = gw(&[&s1]);
    c.security_group_ids = vec!["sg-0123456789abcdef0".into()];
    k.refused_saying(A, cmd(c), "InvalidParameter", "Security group IDs");
    let mut c = gw(&[&s1]);
    c.private_dns_enabled = Some(true);
    k.refused_saying(A, cmd(c), "InvalidParameter", "Private DNS");
    let id = k.id(cmd(gw(&[&s1])));
    let e = k.endpoint(&id).clone();
    assert_eq!(e.interfaces.len(), 1);
    assert!(e.groups.is_empty() && e.policy_document.is_none() && e.dns_options.is_none());
    let eni =
        k.w.network_interfaces
            .get(&e.interfaces[0].network_interface_id)
            .unwrap();
    assert_eq!(eni.interface_type, "gateway_load_balancer_endpoint");
    assert!(eni.groups.is_empty(), "{:?}", eni.groups);
    assert!(dns_entries(&k.w, &e).is_empty());
    k.refused_saying(
        A,
        modify(&id, |m| m.add_subnet_ids = vec![s2.clone()]),
        "InvalidParameter",
        "exactly one subnet",
    );
    k.refused_saying(
        A,
        modify(&id, |m| m.remove_subnet_ids = vec![s1.clone()]),
        "InvalidParameter",
        "cannot be removed",
    );
    k.advance(0); // pending → available
                  // A route targets it: deletion is refused per item.
    let rtb = k.w.vpcs.get(&vpc).unwrap().main_route_table_id.clone();
    let default_route = RouteParams {
        destination_cidr_block: Some("0.0.0.0/0".into()),
        vpc_endpoint_id: Some(id.clone()),
        ..RouteParams::default()
    };
    k.ok(route::Cmd::CreateRoute {
        route_table_id: rtb.clone(),
        route: default_route.clone(),
    });
    let (ok, failed) = bulk(k.ok(delete(&[&id])));
    assert!(ok.is_empty());
    assert_eq!(failed[0].code, "DependencyViolation");
    assert_eq!(k.endpoint(&id).state, State::Available);
    k.ok(route::Cmd::DeleteRoute {
        route_table_id: rtb,
        route: default_route,
    });
    let (ok, _) = bulk(k.ok(delete(&[&id])));
    assert_eq!(ok, vec![id.clone()]);
    assert!(k.w.network_interfaces.values().all(|n| n.vpc_id != vpc));
}

#[test]
fn delete_and_vpc_dependencies() {
    let mut k = Kit::new();
    let vpc = k.vpc("10.0.0.0/16");
    let s1 = subnet_of(&mut k, A, &vpc, "10.0.1.0/24", "use1-az1");
    let id = k.interface_endpoint(&vpc, EC2, &[&s1]);
    let g = k.gateway_endpoint(&vpc, S3, &[]);
    let delete_vpc = vpc::Cmd::Delete {
        vpc_id: vpc.clone(),
    };
    let unknown = "vpce-0123456789abcdef0";
    let (ok, failed) = bulk(k.ok(delete(&[unknown, &id, &id])));
    assert_eq!(ok, vec![id.clone()]);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].code, "InvalidVpcEndpointId.NotFound");
    assert!(k.w.subnets.get(&s1).unwrap().used.is_empty());
    // Another account cannot delete it.
    let (_, failed) = bulk(run(&mut k, B, delete(&[&g])));
    assert_eq!(failed[0].code, "InvalidVpcEndpointId.NotFound");
    k.ok(subnet::Cmd::Delete { subnet_id: s1 });
    k.refused_saying(A, delete_vpc.clone(), "DependencyViolation", &vpc);
    bulk(k.ok(delete(&[&g])));
    k.advance(0);
    let (_, failed) = bulk(k.ok(delete(&[&g])));
    assert_eq!(failed[0].code, "InvalidVpcEndpointId.NotFound");
    k.ok(delete_vpc);
}

#[test]
fn describe_filters_and_tags() {
    let mut k = Kit::new();
    let vpc = k.vpc("10.0.0.0/16");
    let s1 = subnet_of(&mut k, A, &vpc, "10.0.1.0/24", "use1-az1");
    let i = k.interface_endpoint(&vpc, EC2, &[&s1]);
    let mut c = gateway(&vpc, S3, &[]);
    c.tags = vec![TagSpec {
        resource_type: "vpc-endpoint".into(),
        tags: vec![("Name".into(), "s3".into())],
    }];
    let g = k.id(cmd(c));
    k.advance(0); // pending → available
    let b = k.as_account(B);
    let ids = |k: &Kit, f: &[Filter]| {
        describe(&k.w, &k.ctx, &[], f)
            .unwrap()
            .iter()
            .map(|e| e.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&k, &[]).len(), 2);
    assert_eq!(
        ids(&k, &[Filter::new("vpc-endpoint-type", &["Gateway"])]),
        vec![g.clone()]
    );
    assert_eq!(
        ids(&k, &[Filter::new("service-name", &[EC2])]),
        vec![i.clone()]
    );
    assert_eq!(
        ids(&k, &[Filter::new("vpc-endpoint-state", &["available"])]).len(),
        2
    );
    assert_eq!(
        ids(&k, &[Filter::new("vpc-endpoint-type", &["Interface"])]),
        vec![i.clone()]
    );
    assert_eq!(ids(&k, &[Filter::new("vpc-id", &[&vpc])]).len(), 2);
    assert_eq!(
        ids(&k, &[Filter::new("tag:Name", &["s3"])]),
        vec![g.clone()]
    );
    assert_eq!(
        ids(
            &k,
            &[
                Filter::new("service-region", &[EAST]),
                Filter::new("ip-address-type", &["ipv4"])
            ]
        )
        .len(),
        2
    );
    assert!(describe(&k.w, &k.ctx, &[], &[Filter::new("state", &["x"])]).is_err());
    let e = describe(&k.w, &b, std::slice::from_ref(&i), &[]).unwrap_err();
    assert_eq!(e.code, "InvalidVpcEndpointId.NotFound");
    // Tagging goes through check_visible.
    let tag = |ids: Vec<String>| tags::Cmd::Create {
        resource_ids: ids,
        tags: vec![("k".into(), "v".into())],
    };
    k.ok(tag(vec![i.clone()]));
    k.refused_saying(B, tag(vec![i.clone()]), "InvalidVpcEndpointId.NotFound", &i);
    let nlb = k.lb_in_zones(A, "network", "web", &["use1-az1"]);
    let svc = k.service(A, &nlb, false);
    k.ok(tag(vec![svc.clone()]));
    k.refused_saying(
        B,
        tag(vec![svc.clone()]),
        "InvalidVpcEndpointServiceId.NotFound",
        &svc,
    );
}

#[test]
fn cross_region_consumer() {
    let Scene {
        mut k,
        service,
        name,
        ..
    } = scene(false);
    k.allow(A, &service, "*");
    const WEST: &str = "us-west-2";
    let bw = k.in_region(B, WEST);
    let vpc = k.id_as(
        &bw,
        vpc::Cmd::Create {
            cidr_block: "10.9.0.0/16".into(),
            amazon_ipv6: false,
            instance_tenancy: None,
            tags: vec![],
        },
    );
    let sn = k.id_as(
        &bw,
        subnet::Cmd::Create {
            vpc_id: vpc.clone(),
            cidr_block: "10.9.1.0/24".into(),
            ipv6_cidr_block: None,
            ipv6_native: false,
            availability_zone: None,
            availability_zone_id: Some("usw2-az1".into()),
            tags: vec![],
        },
    );
    let mut c = interface(&vpc, &name, &[&sn]);
    c.service_region = Some(EAST.into());
    let remote = cmd(c);
    let refused = k.run_as(&bw, remote.clone()).unwrap_err();
    assert_eq!(refused.code, "InvalidServiceName");
    k.ok(Kit::modify_service(&service, |m| {
        m.add_supported_regions = vec![WEST.into()]
    }));
    let id = k.id_as(&bw, remote);
    let e = k.endpoint(&id).clone();
    assert_eq!(
        (e.scope.region.as_str(), e.service_region.as_str()),
        (WEST, EAST)
    );
    assert_eq!(e.interfaces.len(), 1);
    let f = |v: &str| {
        describe_connections(&k.w, &k.ctx, &[Filter::new("vpc-endpoint-region", &[v])])
            .unwrap()
            .len()
    };
    assert_eq!((f("cross-region"), f(WEST), f(EAST)), (1, 1, 0));
}

#[test]
fn route_target_hooks() {
    let mut k = Kit::new();
    let gwlb = k.lb_in_zones(A, "gateway", "fw", &["use1-az1"]);
    let mut create = Kit::create_service(&[], &[&gwlb]);
    if let SvcCmd::Create {
        acceptance_required,
        ..
    } = &mut create
    {
        *acceptance_required = true;
    }
    let service = k.id(create);
    let name = k.svc(&service).name();
    let vpc = k.vpc("10.0.0.0/16");
    let other = k.vpc("10.1.0.0/16");
    let s1 = subnet_of(&mut k, A, &vpc, "10.0.1.0/24", "use1-az1");
    let mut c = interface(&vpc, &name, &[&s1]);
    c.endpoint_type = Some("GatewayLoadBalancer".into());
    let id = k.id(cmd(c));
    let g = k.gateway_endpoint(&vpc, S3, &[]);
    let scope = k.ctx.scope();
    assert!(route::check_endpoint_target(&k.w, scope, &vpc, &id).is_ok());
    assert_eq!(
        route::check_endpoint_target(&k.w, scope, &other, &id)
            .unwrap_err()
            .code,
        "InvalidParameterValue"
    );
    assert_eq!(
        route::check_endpoint_target(&k.w, scope, &vpc, &g)
            .unwrap_err()
            .code,
        "InvalidParameter"
    );
    let b = k.as_account(B).scope().clone();
    assert_eq!(
        route::check_endpoint_target(&k.w, &b, &vpc, &id)
            .unwrap_err()
            .code,
        "InvalidVpcEndpointId.NotFound"
    );
    assert!(!route::endpoint_target_active(&k.w, &id));
    assert!(accept(&mut k, A, &service, &[&id]).is_empty());
    k.advance(0);
    assert!(route::endpoint_target_active(&k.w, &id) && route::endpoint_target_active(&k.w, &g));
}

#[test]
fn route_table_deletion_hook() {
    let mut k = Kit::new();
    let vpc = k.vpc("10.0.0.0/16");
    let t = table(&mut k, &vpc);
    let g = k.gateway_endpoint(&vpc, S3, &[&t]);
    // The table goes without the hook first.
    k.w.route_tables.remove(&t);
    assert_eq!(k.endpoint(&g).live_route_tables(&k.w).count(), 0);
    on_route_table_deleted(&mut k.w, &t);
    assert!(k.endpoint(&g).route_table_ids.is_empty());
}

#[test]
fn prefix_list_ids_are_stable() {
    assert_eq!(gateway_prefix_list_id("us-east-1", "s3"), "pl-63a5400a");
    let a = gateway_prefix_list_id("eu-west-1", "s3");
    assert_eq!(a, gateway_prefix_list_id("eu-west-1", "s3"));
    assert_ne!(a, gateway_prefix_list_id("eu-west-1", "dynamodb"));
    assert_eq!(a.len(), 11);
    assert_eq!(hosted_zone_id("mars-1").len(), 21);
}

#[test]
fn a_pending_endpoint_changes_its_interfaces_with_its_subnets() {
    let Scene {
        mut k,
        service,
        name,
        vpc,
        subnets,
    } = scene(true);
    k.allow(A, &service, "*");
    let id = id(&mut k, B, cmd(interface(&vpc, &name, &[&subnets[0]])));
    assert_eq!(k.endpoint(&id).state, State::PendingAcceptance);
    let b = k.as_account(B);
    let change = |f: &dyn Fn(&mut Modify)| modify(&id, f);
    k.run_as(&b, change(&|m| m.add_subnet_ids = vec![subnets[1].clone()]))
        .unwrap();
    let e = k.endpoint(&id).clone();
    assert_eq!(e.interfaces.len(), 2);
    assert_eq!(dns_entries(&k.w, &e).len(), 3);
    k.run_as(
        &b,
        change(&|m| m.remove_subnet_ids = vec![subnets[0].clone()]),
    )
    .unwrap();
    let e = k.endpoint(&id).clone();
    assert_eq!(e.interfaces.len(), 1);
    assert_eq!(e.interfaces[0].subnet_id, subnets[1]);
    assert!(k.w.subnets.get(&subnets[0]).unwrap().used.is_empty());
    // Deleting it before acceptance releases its interfaces too.
    let (ok, _) = bulk(run(&mut k, B, delete(&[&id])));
    assert_eq!(ok, vec![id.clone()]);
    assert!(k.w.network_interfaces.values().all(|n| n.vpc_id != vpc));
}
