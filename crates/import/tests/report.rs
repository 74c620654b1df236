//! The import's report (what it read, left out and warns of), Elastic IPs, and load-balancer
//! and target-group attributes, on the fixture in `tests/fixtures/report`: account
//! 444444444444 (a VPC with an internet gateway, an instance with an Elastic IP, a NAT
//! gateway, two network load balancers and an application one, transit gateways) and a
//! directory 555555555555 whose VPC belongs to 666666666666.

use std::path::{Path, PathBuf};

use openvpc_core::{Config, Scope};
use openvpc_import::{import_dir, import_dir_with, Imported, Progress};
use openvpc_reach::{exposure, Protocol, View};

const WEB_ENI: &str = "eni-0ddddddddddddddd1";

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/report")
}

fn import(dir: &Path) -> Imported {
    import_dir_with(dir, Config::default(), &mut |_| {}).unwrap()
}

/// A copy of the fixture to change.
fn copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&fixture(), dir.path());
    dir
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

fn region(dir: &Path) -> PathBuf {
    dir.join("444444444444/us-east-1")
}

#[test]
fn the_summary_counts_every_kind_and_lists_what_was_skipped() {
    let lines = import(&fixture()).summary();
    assert_eq!(
        lines[0],
        "imported 2 VPCs, 2 subnets, 1 route tables, 1 security groups, 1 network ACLs, \
         5 network interfaces (3 synthesised), 1 instances, 1 internet gateways, \
         1 NAT gateways, 3 Elastic IPs, 0 peering connections, 0 VPC endpoints, \
         0 endpoint services, 2 load balancers (1 with attributes), \
         1 target groups (1 with attributes), 0 targets, 1 listeners, 0 prefix lists, 0 VPN gateways, \
         0 customer gateways, 0 VPN connections, 3 transit gateways, \
         0 transit-gateway attachments, 0 transit-gateway route tables"
    );
    assert_eq!(
        lines[1],
        "not imported: 1 files not ending in .json, 1 DHCP options, 1 terminated instances, \
         1 deleted NAT gateways, 1 EC2-Classic Elastic IPs, \
         1 routes to targets openvpc does not model, 6 transit-gateway VPC attachments \
         without describe-transit-gateway-vpc-attachments output, 1 application load balancers, \
         1 listeners of application load balancers, \
         1 attribute outputs naming no imported load balancer or target group"
    );
    let warnings = &lines[2..];
    assert_eq!(warnings.len(), 3, "{warnings:#?}");
    assert_eq!(
        warnings[0],
        "warning: directory 555555555555: 555555555555/us-east-1/describe-vpcs.json lists \
         resources owned by 666666666666 and none of the directory's resources is owned by \
         555555555555; name the directory after the account that exported them"
    );
    assert!(
        warnings[1].starts_with("warning: load balancer lonely-nlb: no listener imported"),
        "{}",
        warnings[1]
    );
    assert!(warnings[1].contains(
        "describe-listeners --load-balancer-arn arn:aws:elasticloadbalancing:us-east-1:444444444444:loadbalancer/net/lonely-nlb/0ddddddddddddd02"
    ));
    assert_eq!(
        warnings[2],
        "warning: target group web-tg of load balancer web-nlb: no describe-target-health \
         output (a file named like `targets-web-tg.json`), so it has no targets"
    );
}

#[test]
fn a_target_health_file_even_empty_and_an_owned_resource_silence_the_warnings() {
    let dir = copy();
    std::fs::write(
        region(dir.path()).join("targets-web-tg.json"),
        r#"{"TargetHealthDescriptions": []}"#,
    )
    .unwrap();
    // A shared subnet beside the participant's own resources is not a misnamed directory.
    std::fs::write(
        dir.path().join("555555555555/us-east-1/describe-network-acls.json"),
        r#"{"NetworkAcls": [{"NetworkAclId": "acl-0eeeeeeeeeeeeeee1", "VpcId": "vpc-0eeeeeeeeeeeeeee1", "OwnerId": "555555555555", "Entries": []}]}"#,
    )
    .unwrap();
    let imported = import(dir.path());
    let warnings = imported.report.warnings();
    assert_eq!(warnings.len(), 1, "{warnings:#?}");
    assert!(warnings[0].starts_with("load balancer lonely-nlb"));
}

#[test]
fn elastic_ips_are_imported_with_their_associations_and_tags() {
    let w = import_dir(&fixture(), Config::default()).unwrap();
    // Named by its instance only: associated with the instance's primary interface.
    let eip = w.addresses.get("eipalloc-0ddddddddddddddd1").unwrap();
    let assoc = eip.association.as_ref().unwrap();
    assert_eq!(assoc.network_interface_id, WEB_ENI);
    assert_eq!(assoc.association_id, "eipassoc-0ddddddddddddddd1");
    assert_eq!(assoc.private_ip.to_string(), "10.4.1.10");
    assert_eq!(assoc.instance_id.as_deref(), Some("i-0ddddddddddddddd1"));
    let eni = w.network_interfaces.get(WEB_ENI).unwrap();
    assert_eq!(
        eni.public_ip.map(|p| p.to_string()).as_deref(),
        Some("54.160.10.10")
    );
    assert_eq!(
        eni.public_ip_allocation_id.as_deref(),
        Some("eipalloc-0ddddddddddddddd1")
    );
    let a = Scope::new("444444444444", "us-east-1");
    assert_eq!(
        openvpc_core::tags::of(&w, &a, "eipalloc-0ddddddddddddddd1")
            .get("Name")
            .map(String::as_str),
        Some("web-eip")
    );
    assert!(w
        .addresses
        .get("eipalloc-0ddddddddddddddd2")
        .unwrap()
        .association
        .is_none());
    // The NAT gateway's address, on its interface.
    let nat = w.addresses.get("eipalloc-0ddddddddddddddd3").unwrap();
    assert_eq!(
        nat.association.as_ref().unwrap().network_interface_id,
        "eni-0ddddddddddddddd3"
    );
    assert_eq!(
        w.addresses.len(),
        3,
        "the EC2-Classic address is not imported"
    );
}

#[test]
fn reverse_dns_records_under_the_same_key_leave_the_addresses_alone() {
    let dir = copy();
    // Sorted before describe-addresses.json, so loaded first.
    std::fs::write(
        region(dir.path()).join("describe-addresses-attribute.json"),
        r#"{"Addresses": [{"PublicIp": "54.160.10.10", "AllocationId": "eipalloc-0ddddddddddddddd1", "PtrRecord": "www.example.com."}]}"#,
    )
    .unwrap();
    let imported = import(dir.path());
    let eip = imported
        .world
        .addresses
        .get("eipalloc-0ddddddddddddddd1")
        .unwrap();
    assert!(eip.association.is_some());
    assert!(imported
        .report
        .skipped()
        .contains(&("Elastic IP reverse DNS records".to_string(), 1)));
}

#[test]
fn an_imported_elastic_ip_makes_its_instance_reachable_from_the_internet() {
    let exposed = |dir: &Path| {
        let w = import_dir(dir, Config::default()).unwrap();
        exposure(&View::compile(&w))
            .into_iter()
            .filter(|e| &*e.eni == WEB_ENI && e.protocol == Protocol::TCP)
            .map(|e| (e.address.to_string(), e.ports))
            .fold(Vec::new(), |mut seen, e| {
                if !seen.contains(&e) {
                    seen.push(e);
                }
                seen
            })
    };
    assert_eq!(
        exposed(&fixture()),
        vec![("54.160.10.10".to_string(), vec![443..=443])],
        "every internet source reaches TCP 443 on the Elastic IP"
    );
    // Without describe-addresses the instance has no public address: not exposed.
    let dir = copy();
    std::fs::remove_file(region(dir.path()).join("describe-addresses.json")).unwrap();
    assert_eq!(exposed(dir.path()), vec![]);
}

#[test]
fn load_balancer_and_target_group_attributes_reach_the_model() {
    let w = import_dir(&fixture(), Config::default()).unwrap();
    let lb = w
        .load_balancers
        .values()
        .find(|lb| lb.name == "web-nlb")
        .unwrap();
    assert!(lb.cross_zone());
    assert!(lb.deletion_protection());
    assert!(!lb.enforce_inbound_on_privatelink);
    let lonely = w
        .load_balancers
        .values()
        .find(|lb| lb.name == "lonely-nlb")
        .unwrap();
    assert!(
        !lonely.cross_zone(),
        "AWS's default for network load balancers"
    );
    let tg = w.target_groups.values().next().unwrap();
    assert_eq!(tg.cross_zone_override(), Some(false));
    assert!(!tg.cross_zone(lb), "the group's own setting wins");
    assert!(!tg.preserve_client_ip());
    assert_eq!(
        tg.attributes
            .get("deregistration_delay.timeout_seconds")
            .map(String::as_str),
        Some("60")
    );
}

#[test]
fn a_name_shared_by_a_load_balancer_and_a_target_group_is_told_apart_by_the_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let region = dir.path().join("111111111111/us-east-1");
    std::fs::create_dir_all(&region).unwrap();
    let lb = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/web/0abc";
    let tg = "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/web/0def";
    std::fs::write(
        region.join("lbs.json"),
        format!(r#"{{"LoadBalancers": [{{"LoadBalancerArn": "{lb}", "LoadBalancerName": "web", "Type": "network", "VpcId": "vpc-1"}}]}}"#),
    )
    .unwrap();
    std::fs::write(
        region.join("tgs.json"),
        format!(r#"{{"TargetGroups": [{{"TargetGroupArn": "{tg}", "TargetGroupName": "web", "Protocol": "TCP", "Port": 80}}]}}"#),
    )
    .unwrap();
    let attribute =
        |key: &str| format!(r#"{{"Attributes": [{{"Key": "{key}", "Value": "true"}}]}}"#);
    std::fs::write(
        region.join("lb-attributes-web.json"),
        attribute("load_balancing.cross_zone.enabled"),
    )
    .unwrap();
    std::fs::write(
        region.join("tg-attributes-web.json"),
        attribute("proxy_protocol_v2.enabled"),
    )
    .unwrap();
    let w = import_dir(dir.path(), Config::default()).unwrap();
    assert!(w.load_balancers.get(lb).unwrap().cross_zone());
    let g = w.target_groups.get(tg).unwrap();
    assert_eq!(g.attributes.len(), 1);
    assert!(g.attributes.contains_key("proxy_protocol_v2.enabled"));

    // A listener's attributes (the same top-level key) are not taken for the load
    // balancer's.
    std::fs::write(
        region.join("listener-attributes-web.json"),
        r#"{"Attributes": [{"Key": "tcp.idle_timeout.seconds", "Value": "600"}]}"#,
    )
    .unwrap();
    let imported =
        openvpc_import::import_dir_with(dir.path(), Config::default(), &mut |_| {}).unwrap();
    assert_eq!(
        imported.report.skipped(),
        &[("listener attribute outputs".to_string(), 1)]
    );
    assert_eq!(
        imported
            .world
            .load_balancers
            .get(lb)
            .unwrap()
            .attributes
            .len(),
        1
    );

    // Neither word: ambiguous, and the error says how to name the file.
    std::fs::write(
        region.join("attributes-web.json"),
        attribute("load_balancing.cross_zone.enabled"),
    )
    .unwrap();
    let e = import_dir(dir.path(), Config::default()).unwrap_err();
    assert!(e.file.ends_with("attributes-web.json"));
    assert!(
        e.message.contains("`tg-attributes-NAME.json`"),
        "{}",
        e.message
    );
}

#[test]
fn progress_counts_files_and_resources() {
    let mut seen: Vec<Progress> = Vec::new();
    let imported = import_dir_with(&fixture(), Config::default(), &mut |p| seen.push(*p)).unwrap();
    let last = *seen.last().unwrap();
    assert_eq!(last.files, 19);
    assert_eq!((last.files_read, last.files_loaded), (19, 19));
    assert_eq!(last.resources, imported.report.resources());
    assert!(last.resources >= 20, "{last:?}");
    assert!(seen
        .windows(2)
        .all(|w| w[0].files_read <= w[1].files_read && w[0].resources <= w[1].resources));
    assert_eq!(seen.len(), 38, "one call per file read and per file loaded");
}

#[test]
fn imported_cross_zone_attributes_decide_which_zones_a_node_forwards_to() {
    use openvpc_reach::{decide, Endpoint, Flow};
    let dir = copy();
    let region = region(dir.path());
    // The group's one target is in us-east-1a; a client in us-east-1b enters through the
    // node there (10.4.2.100).
    std::fs::write(
        region.join("targets-web-tg.json"),
        r#"{"TargetHealthDescriptions": [{"Target": {"Id": "i-0ddddddddddddddd1", "Port": 443}, "TargetHealth": {"State": "healthy"}}]}"#,
    )
    .unwrap();
    std::fs::write(
        region.join("client.json"),
        r#"{"Reservations": [{"ReservationId": "r-0ddddddddddddddd2", "OwnerId": "444444444444", "Instances": [
            {"InstanceId": "i-0ddddddddddddddd3", "State": {"Name": "running"}, "SubnetId": "subnet-0ddddddddddddddd2", "VpcId": "vpc-0ddddddddddddddd1",
             "NetworkInterfaces": [{"NetworkInterfaceId": "eni-0ddddddddddddddd4", "PrivateIpAddress": "10.4.2.20",
                 "Groups": [{"GroupId": "sg-0ddddddddddddddd1"}], "Attachment": {"DeviceIndex": 0}}]}]}]}"#,
    )
    .unwrap();
    let verdict = |dir: &Path| {
        let w = import_dir(dir, Config::default()).unwrap();
        let flow = Flow::new(
            "i-0ddddddddddddddd3",
            Endpoint::Ip("10.4.2.100".parse().unwrap()),
            Protocol::TCP,
            Some(443),
        );
        decide(&View::compile(&w), &flow)
    };
    // The load balancer's attributes turn cross-zone on, the group's turn it off again.
    let v = verdict(dir.path());
    assert!(!v.reachable, "{v:#?}");
    assert!(
        v.explanations
            .iter()
            .any(|e| e.why == openvpc_reach::explain::Why::NoTargetsInZone),
        "{v:#?}"
    );
    // Without the group's attributes it follows the load balancer's: across zones.
    std::fs::remove_file(region.join("tg-attributes-web-tg.json")).unwrap();
    let v = verdict(dir.path());
    assert!(v.reachable, "{v:#?}");
}

#[test]
fn an_exported_node_interface_is_used_not_synthesised() {
    let dir = copy();
    std::fs::write(
        region(dir.path()).join("node.json"),
        r#"{"NetworkInterfaces": [{"NetworkInterfaceId": "eni-0ddddddddddddddd9", "SubnetId": "subnet-0ddddddddddddddd1", "VpcId": "vpc-0ddddddddddddddd1",
            "InterfaceType": "network_load_balancer", "RequesterManaged": true, "Description": "ELB net/web-nlb/0ddddddddddddd01",
            "PrivateIpAddress": "10.4.1.100", "Groups": []}]}"#,
    )
    .unwrap();
    let imported = import(dir.path());
    let lb = imported
        .world
        .load_balancers
        .values()
        .find(|lb| lb.name == "web-nlb")
        .unwrap();
    assert_eq!(lb.subnets[0].network_interface_id, "eni-0ddddddddddddddd9");
    assert_ne!(lb.subnets[1].network_interface_id, "");
    let summary = imported.summary();
    assert!(
        summary[0].contains("5 network interfaces (2 synthesised)"),
        "{}",
        summary[0]
    );
}

#[test]
fn subnets_left_without_an_acl_are_unknown_unless_the_default_acl_is_assumed() {
    let dir = copy();
    std::fs::remove_file(region(dir.path()).join("describe-network-acls.json")).unwrap();
    let exposed = |i: &Imported| {
        exposure(&View::compile(&i.world))
            .into_iter()
            .any(|e| &*e.eni == WEB_ENI && e.protocol == Protocol::TCP)
    };
    let mut i = import(dir.path());
    let subnets = i.world.subnets.len();
    let warning = format!(
        "warning: {subnets} subnets have no network ACL (no describe-network-acls output for them): flows through them are unknown; --assume-default-acls gives them AWS's default ACL (allow all)"
    );
    assert!(i.summary().contains(&warning), "{:#?}", i.summary());
    assert!(!exposed(&i), "nothing is decided through an unknown ACL");
    assert_eq!(i.assume_default_acls(), subnets);
    let summary = i.summary();
    assert!(!summary.contains(&warning));
    assert!(
        summary.iter().any(|l| l
            == &format!(
                "assumed: AWS's default network ACL (allow all) for {subnets} subnets without one (1 default ACLs made)"
            )),
        "{summary:#?}"
    );
    assert!(
        exposed(&i),
        "AWS's default ACL lets the Elastic IP's traffic in"
    );
    // An export with its ACLs needs no assumption.
    let mut whole = import(&fixture());
    assert_eq!(whole.assume_default_acls(), 0);
    assert!(!whole.summary().iter().any(|l| l.starts_with("assumed")));
}
