//! Imports the hand-written describe-JSON fixture and checks errors name file and field.

use std::path::PathBuf;

use openvpc_core::{route, Config, Scope};
use openvpc_import::import_dir;

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/import")
}

#[test]
fn fixture_directory_loads_into_a_world() {
    let w = import_dir(&fixture(), Config::default()).unwrap();
    let a = Scope::new("111111111111", "us-east-1");
    let vpc = w.vpcs.get_in(&a, "vpc-0aaaaaaaaaaaaaaa1").unwrap();
    assert_eq!(vpc.main_route_table_id, "rtb-0aaaaaaaaaaaaaaa1");
    assert_eq!(vpc.default_security_group_id, "sg-0aaaaaaaaaaaaaaa1");
    assert_eq!(vpc.default_network_acl_id, "acl-0aaaaaaaaaaaaaaa1");
    let eni = w.network_interfaces.get("eni-0aaaaaaaaaaaaaaa1").unwrap();
    assert_eq!(eni.groups, vec!["sg-0aaaaaaaaaaaaaaa2".to_string()]);
    assert_eq!(
        w.instances
            .get("i-0aaaaaaaaaaaaaaa1")
            .unwrap()
            .network_interface_id,
        eni.id
    );
    let table = w.route_tables.get("rtb-0aaaaaaaaaaaaaaa1").unwrap();
    assert!(table
        .routes
        .iter()
        .any(|r| r.target == route::Target::VpcPeeringConnection("pcx-0aaaaaaaaaaaaaaa1".into())));
    let pcx = w.peerings.get("pcx-0aaaaaaaaaaaaaaa1").unwrap();
    assert!(pcx.status.is_active());
    assert_eq!(
        w.subnets
            .get("subnet-0aaaaaaaaaaaaaaa1")
            .unwrap()
            .available_ip_count(),
        249 // the instance and the endpoint's interface
    );
    assert!(w
        .vpcs
        .get_in(
            &Scope::new("222222222222", "us-east-1"),
            "vpc-0bbbbbbbbbbbbbbb1"
        )
        .is_some());
    let acl = w.network_acls.get("acl-0aaaaaaaaaaaaaaa1").unwrap();
    assert_eq!(acl.entries.len(), 4);
}

#[test]
fn a_broken_file_names_file_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let region = dir.path().join("111111111111/us-east-1");
    std::fs::create_dir_all(&region).unwrap();
    std::fs::write(
        region.join("vpcs.json"),
        r#"{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": 7}]}"#,
    )
    .unwrap();
    let e = import_dir(dir.path(), Config::default()).unwrap_err();
    assert!(e.file.ends_with("vpcs.json"));
    assert_eq!(e.message, "field `Vpcs[0].CidrBlock`: expected a string");
    std::fs::write(region.join("vpcs.json"), "{ not json").unwrap();
    let e = import_dir(dir.path(), Config::default()).unwrap_err();
    assert!(e.message.starts_with("invalid JSON"), "{}", e.message);
    std::fs::write(
        region.join("vpcs.json"),
        r#"{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/33"}]}"#,
    )
    .unwrap();
    let e = import_dir(dir.path(), Config::default()).unwrap_err();
    assert_eq!(
        e.message,
        "field `Vpcs[0].CidrBlock`: `10.0.0.0/33` is not a valid CIDR block"
    );
}

#[test]
fn endpoints_prefix_lists_and_load_balancers_are_imported() {
    let w = import_dir(&fixture(), Config::default()).unwrap();
    let ep = w.vpc_endpoints.get("vpce-0aaaaaaaaaaaaaaa1").unwrap();
    assert_eq!(ep.service_id.as_deref(), Some("vpce-svc-0ccccccccccccccc1"));
    assert_eq!(ep.state.as_str(), "available");
    assert_eq!(ep.dns_suffix, "k3x9q2rt");
    assert_eq!(ep.groups, vec!["sg-0aaaaaaaaaaaaaaa3".to_string()]);
    assert_eq!(ep.interfaces.len(), 1);
    assert_eq!(
        ep.interfaces[0].network_interface_id,
        "eni-0aaaaaaaaaaaaaaa9"
    );
    assert_eq!(ep.interfaces[0].availability_zone, "us-east-1a");

    // A customer list: metadata from describe-managed-prefix-lists, entries from the
    // file named after it.
    let pl = w.prefix_lists.get("pl-0aaaaaaaaaaaaaaa1").unwrap();
    assert_eq!(
        (pl.name.as_str(), pl.version, pl.max_entries),
        ("app-hosts", 3, 5)
    );
    assert_eq!(pl.entries().len(), 2);
    // An AWS-managed list with its real id keeps its imported blocks.
    let s3 = w.prefix_lists.get("pl-63a5400a").unwrap();
    assert!(s3.is_aws_managed());
    assert_eq!(
        openvpc_core::prefix_list::cidrs(&w, "pl-63a5400a"),
        vec![
            "3.5.0.0/19".parse().unwrap(),
            "52.216.0.0/15".parse().unwrap(),
            "54.231.0.0/16".parse().unwrap()
        ]
    );

    let c = Scope::new("333333333333", "us-east-1");
    let lb = w.load_balancers.in_scope(&c).next().unwrap();
    assert_eq!(lb.name, "svc-nlb");
    assert_eq!(lb.subnets.len(), 1);
    // No describe-network-interfaces for 3333: the node is synthesised at its address.
    let node = w
        .network_interfaces
        .get(&lb.subnets[0].network_interface_id)
        .unwrap();
    assert_eq!(
        node.private_ips,
        vec!["10.2.1.100".parse::<std::net::Ipv4Addr>().unwrap()]
    );
    assert_eq!(node.description, "ELB net/svc-nlb/0cccccccccccccc1");
    assert_eq!(node.interface_type, "network_load_balancer");
    let tg = w.target_groups.in_scope(&c).next().unwrap();
    assert_eq!(
        (tg.name.as_str(), tg.port, tg.target_type.as_str()),
        ("svc-targets", 443, "ip")
    );
    assert_eq!(tg.targets.len(), 1);
    assert_eq!(tg.targets[0].id, "10.2.1.30");
    let l = w.listeners.in_scope(&c).next().unwrap();
    assert_eq!(l.target_group_arn, tg.arn);
    assert_eq!((l.protocol.as_deref(), l.port), (Some("TCP"), Some(443)));
}

#[test]
fn instance_to_imported_interface_endpoint() {
    use openvpc_reach::{decide, Code, Endpoint, Flow, Protocol, View};
    let w = import_dir(&fixture(), Config::default()).unwrap();
    let view = View::compile(&w);
    let flow = Flow::new(
        "i-0aaaaaaaaaaaaaaa1",
        Endpoint::Vpce("vpce-0aaaaaaaaaaaaaaa1".into()),
        Protocol::TCP,
        Some(443),
    );
    let v = decide(&view, &flow);
    // 10.0.1.10 -> the endpoint's interface 10.0.1.50 in the same subnet: the instance's
    // `web` group allows all egress, and the endpoint's group admits TCP 443 from the
    // imported customer prefix list pl-…a1 (10.0.1.0/28 holds the instance), so the flow
    // reaches the endpoint's group. But the endpoint's service vpce-svc-…c1 was not
    // imported (there is no describe output for endpoint services), so the engine stops
    // at the endpoint: BAD_STATE, the service no longer exists.
    assert!(!v.reachable);
    assert_eq!(v.codes(), vec![Code::BadState]);
    assert_eq!(
        v.explanations[0].component.as_ref(),
        "vpce-0aaaaaaaaaaaaaaa1"
    );
    assert_eq!(
        v.forward.last().map(|h| h.component.as_ref()),
        Some("sg-0aaaaaaaaaaaaaaa3")
    );

    // Port 80 is also refused by the endpoint's group (TCP 443 only).
    let v = decide(
        &view,
        &Flow {
            port: Some(80),
            ..flow
        },
    );
    assert_eq!(v.codes(), vec![Code::EniSgRulesMismatch, Code::BadState]);
}

#[test]
fn broken_new_kinds_name_file_and_field() {
    let cases: &[(&str, &str, &str)] = &[
        (
            "endpoints.json",
            r#"{"VpcEndpoints": [{"VpcEndpointId": "vpce-1", "VpcEndpointType": "Interface", "VpcId": "vpc-1", "ServiceName": "x", "SubnetIds": [7]}]}"#,
            "field `VpcEndpoints[0].SubnetIds[0]`: expected a string",
        ),
        (
            "endpoints.json",
            r#"{"VpcEndpoints": [{"VpcEndpointId": "vpce-1", "VpcEndpointType": "Interface", "VpcId": "vpc-1", "ServiceName": "x", "State": "odd"}]}"#,
            "field `VpcEndpoints[0].State`: unknown state `odd`",
        ),
        (
            "lists.json",
            r#"{"PrefixLists": [{"PrefixListId": "pl-1", "Cidrs": ["10.0.0.0/40"]}]}"#,
            "field `PrefixLists[0].Cidrs[0]`: `10.0.0.0/40` is not a valid CIDR block",
        ),
        (
            "entries.json",
            r#"{"Entries": [{"Cidr": "10.0.0.0/8"}]}"#,
            "`Entries` (get-managed-prefix-list-entries) must be in a file whose name contains the prefix-list id, such as `pl-0123456789abcdef0.json`",
        ),
        (
            "pl-0abc.json",
            r#"{"Entries": [{"Cidr": 5}]}"#,
            "field `Entries[0].Cidr`: expected a string",
        ),
        (
            "lbs.json",
            r#"{"LoadBalancers": [{"LoadBalancerArn": "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/n/1", "LoadBalancerName": "n", "Type": "network", "VpcId": "vpc-1", "AvailabilityZones": [{"SubnetId": "subnet-1", "LoadBalancerAddresses": [{"PrivateIPv4Address": "10.0.0.300"}]}]}]}"#,
            "field `LoadBalancers[0].AvailabilityZones[0].LoadBalancerAddresses[0].PrivateIPv4Address`: `10.0.0.300` is not a valid address",
        ),
        (
            "tgs.json",
            r#"{"TargetGroups": [{"TargetGroupArn": "arn:x", "TargetGroupName": "t", "Port": 70000}]}"#,
            "field `TargetGroups[0].Port`: 70000 is not a port",
        ),
        (
            "health.json",
            r#"{"TargetHealthDescriptions": [{"Target": {"Id": "10.0.0.1"}}]}"#,
            "`TargetHealthDescriptions` (describe-target-health) must be in a file whose name contains the target group's name or its ARN's last part, such as `targets-my-group.json`, and the group must be imported (describe-target-groups)",
        ),
    ];
    for (name, text, want) in cases {
        let dir = tempfile::tempdir().unwrap();
        let region = dir.path().join("111111111111/us-east-1");
        std::fs::create_dir_all(&region).unwrap();
        std::fs::write(region.join(name), text).unwrap();
        let e = import_dir(dir.path(), Config::default()).unwrap_err();
        assert!(e.file.ends_with(name), "{name}: {}", e.file.display());
        assert_eq!(&e.message, want, "{name}");
    }
    // A health file naming its group (by the ARN's last part) is accepted.
    let dir = tempfile::tempdir().unwrap();
    let region = dir.path().join("111111111111/us-east-1");
    std::fs::create_dir_all(&region).unwrap();
    std::fs::write(
        region.join("tgs.json"),
        r#"{"TargetGroups": [{"TargetGroupArn": "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/web/0abc", "TargetGroupName": "web", "Port": 80}]}"#,
    )
    .unwrap();
    std::fs::write(
        region.join("health-0abc.json"),
        r#"{"TargetHealthDescriptions": [{"Target": {"Id": "i-1"}}]}"#,
    )
    .unwrap();
    let w = import_dir(dir.path(), Config::default()).unwrap();
    let tg = w.target_groups.values().next().unwrap();
    assert_eq!(tg.targets[0].port, Some(80));
}

#[test]
fn vpn_gateways_connections_and_propagated_routes_are_imported() {
    let w = import_dir(&fixture(), Config::default()).unwrap();
    let vgw = w.vpn_gateways.get("vgw-0aaaaaaaaaaaaaaa1").unwrap();
    assert_eq!(vgw.attached_vpc(), Some("vpc-0aaaaaaaaaaaaaaa1"));
    assert!(
        w.vpn_gateways.get("vgw-0aaaaaaaaaaaaaaa2").is_none(),
        "deleted gateways are not imported"
    );
    let cgw = w.customer_gateways.get("cgw-0aaaaaaaaaaaaaaa1").unwrap();
    assert_eq!(cgw.bgp_asn, 65000);
    let vpn = w.vpn_connections.get("vpn-0aaaaaaaaaaaaaaa1").unwrap();
    assert!(vpn.static_routes_only);
    assert_eq!(vpn.routes[0].destination.to_string(), "172.20.0.0/16");
    assert_eq!(vpn.outside_ips[1].to_string(), "18.0.200.2");
    let table = w.route_tables.get("rtb-0aaaaaaaaaaaaaaa1").unwrap();
    assert_eq!(
        table.propagating_vgws,
        vec!["vgw-0aaaaaaaaaaaaaaa1".to_string()]
    );
    assert!(table
        .routes
        .iter()
        .any(|r| r.is_propagated()
            && r.target == route::Target::Gateway("vgw-0aaaaaaaaaaaaaaa1".into())));
    let a = Scope::new("111111111111", "us-east-1");
    assert_eq!(
        openvpc_core::tags::of(&w, &a, "vgw-0aaaaaaaaaaaaaaa1")
            .get("Name")
            .map(String::as_str),
        Some("to-office")
    );
}

#[test]
fn ipv6_only_subnets_and_delegated_prefixes_are_imported() {
    let dir = tempfile::tempdir().unwrap();
    let region = dir.path().join("111111111111/us-east-1");
    std::fs::create_dir_all(&region).unwrap();
    std::fs::write(
        region.join("vpcs.json"),
        r#"{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16", "Ipv6CidrBlockAssociationSet": [{"AssociationId": "a", "Ipv6CidrBlock": "2600:1f18::/56"}]}]}"#,
    )
    .unwrap();
    std::fs::write(
        region.join("subnets.json"),
        r#"{"Subnets": [
            {"SubnetId": "subnet-6", "VpcId": "vpc-1", "Ipv6Native": true, "AssignIpv6AddressOnCreation": true,
             "Ipv6CidrBlockAssociationSet": [{"AssociationId": "s6", "Ipv6CidrBlock": "2600:1f18:0:1::/64"}]},
            {"SubnetId": "subnet-4", "VpcId": "vpc-1", "CidrBlock": "10.0.1.0/24"}]}"#,
    )
    .unwrap();
    std::fs::write(
        region.join("enis.json"),
        r#"{"NetworkInterfaces": [
            {"NetworkInterfaceId": "eni-6", "SubnetId": "subnet-6", "VpcId": "vpc-1", "Ipv6Native": true,
             "Ipv6Addresses": [{"Ipv6Address": "2600:1f18:0:1::10"}],
             "Ipv6Prefixes": [{"Ipv6Prefix": "2600:1f18:0:1:9::/80"}]},
            {"NetworkInterfaceId": "eni-4", "SubnetId": "subnet-4", "VpcId": "vpc-1",
             "PrivateIpAddress": "10.0.1.10",
             "PrivateIpAddresses": [{"Primary": true, "PrivateIpAddress": "10.0.1.10"}],
             "Ipv4Prefixes": [{"Ipv4Prefix": "10.0.1.32/28"}]}]}"#,
    )
    .unwrap();
    let w = import_dir(dir.path(), Config::default()).unwrap();
    let native = w.subnets.get("subnet-6").unwrap();
    assert!(native.ipv6_native() && native.assign_ipv6_on_creation);
    assert_eq!(native.launch.hostname_type, "resource-name");
    let e6 = w.network_interfaces.get("eni-6").unwrap();
    assert!(e6.private_ips.is_empty());
    assert_eq!(e6.ipv6_prefixes[0].to_string(), "2600:1f18:0:1:9::/80");
    // The /28 and the primary address are taken from the subnet.
    assert_eq!(
        w.subnets.get("subnet-4").unwrap().available_ip_count(),
        251 - 17
    );
    // A subnet that is not IPv6-only still needs its IPv4 block.
    std::fs::write(
        region.join("subnets.json"),
        r#"{"Subnets": [{"SubnetId": "subnet-4", "VpcId": "vpc-1"}]}"#,
    )
    .unwrap();
    std::fs::remove_file(region.join("enis.json")).unwrap();
    let e = import_dir(dir.path(), Config::default()).unwrap_err();
    assert!(e.message.contains("CidrBlock"), "{}", e.message);
}

#[test]
fn key_pairs_are_imported() {
    let w = import_dir(&fixture(), Config::default()).unwrap();
    let a = Scope::new("111111111111", "us-east-1");
    let k = openvpc_core::keypair::by_name(&w, &a, "ops").unwrap();
    assert_eq!(k.id, "key-0aaaaaaaaaaaaaaa1");
    assert_eq!(k.key_type, openvpc_core::keypair::KeyType::Ed25519);
    assert_eq!(
        k.fingerprint,
        "s+iOVZ75k5M8Asly7xxu+2pL5KjQvF3NPXzEAfiuN84="
    );
    assert!(k.public_key.starts_with("ssh-ed25519 "));
    assert_eq!(
        openvpc_core::tags::of(&w, &a, &k.id)
            .get("team")
            .map(String::as_str),
        Some("net")
    );
}
