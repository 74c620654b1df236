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
        250
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
