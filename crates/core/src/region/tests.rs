use super::*;

fn region(name: &str) -> RegionDef {
    RegionDef::defaults()
        .into_iter()
        .find(|r| r.name == name)
        .unwrap()
}

fn ids(zones: &[Zone]) -> Vec<String> {
    let mut ids: Vec<_> = zones.iter().map(|z| z.id.clone()).collect();
    ids.sort();
    ids
}

#[test]
fn every_commercial_region_is_served_with_its_opt_in_status() {
    let all = RegionDef::defaults();
    assert_eq!(all.len(), 34);
    let mut names: Vec<_> = all.iter().map(|r| r.name.as_str()).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), 34);
    let opt_in: Vec<_> = all
        .iter()
        .filter(|r| r.opt_in_status == OptInStatus::OptedIn)
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(opt_in.len(), 17);
    assert!(opt_in.contains(&"af-south-1") && opt_in.contains(&"ap-east-1"));
    assert_eq!(
        region("eu-north-1").opt_in_status,
        OptInStatus::OptInNotRequired
    );
    assert!(all.iter().all(RegionDef::enabled));
    assert_eq!(region("sa-east-1").long_name, "South America (Sao Paulo)");
    // The first eight keep their order (their synthetic prefix-list blocks hang on it).
    let first: Vec<_> = all[..8].iter().map(|r| r.name.as_str()).collect();
    assert_eq!(
        first,
        [
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
            "eu-west-1",
            "eu-central-1",
            "ap-southeast-1",
            "ap-northeast-1"
        ]
    );
}

#[test]
fn zone_ids_are_the_ones_real_accounts_see() {
    let expect = |name: &str, want: &[&str]| {
        let got = ids(&region(name).zones_for("111111111111"));
        assert_eq!(got, want, "{name}");
    };
    expect("us-west-1", &["usw1-az1", "usw1-az3"]);
    expect("ap-northeast-1", &["apne1-az1", "apne1-az2", "apne1-az4"]);
    expect("ca-central-1", &["cac1-az1", "cac1-az2", "cac1-az4"]);
    expect(
        "us-west-2",
        &["usw2-az1", "usw2-az2", "usw2-az3", "usw2-az4"],
    );
    expect("mx-central-1", &["mxc1-az1", "mxc1-az2", "mxc1-az3"]);
    let names: Vec<_> = region("ap-northeast-1")
        .zones_for("1")
        .into_iter()
        .map(|z| z.name)
        .collect();
    assert_eq!(
        names,
        ["ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d"]
    );
}

#[test]
fn uniform_regions_map_every_account_alike() {
    for account in ["111111111111", "222222222222", "000000000000"] {
        let pairs: Vec<_> = region("eu-central-1")
            .zones_for(account)
            .into_iter()
            .map(|z| (z.name, z.id))
            .collect();
        assert_eq!(
            pairs,
            [
                ("eu-central-1a".to_string(), "euc1-az2".to_string()),
                ("eu-central-1b".into(), "euc1-az3".into()),
                ("eu-central-1c".into(), "euc1-az1".into()),
            ]
        );
        let ap_south = region("ap-south-1").zones_for(account);
        assert_eq!(ap_south[1].id, "aps1-az3");
        assert_eq!(region("us-east-2").zones_for(account)[0].id, "use2-az1");
    }
}

#[test]
fn mapped_regions_permute_per_account_and_stay_stable() {
    let r = region("us-east-1");
    let a = r.zones_for("111111111111");
    assert_eq!(
        ids(&a),
        (1..=6).map(|i| format!("use1-az{i}")).collect::<Vec<_>>()
    );
    assert_eq!(a, r.zones_for("111111111111"));
    assert_eq!(a[0].name, "us-east-1a");
    let differs = (0..20).any(|i| r.zones_for(&format!("{i:012}")) != r.zones_for("000000000000"));
    assert!(differs);
}

#[test]
fn configuration_names_regions_or_describes_them() {
    let parse = |json: &str| serde_json::from_str::<Vec<RegionDef>>(json);
    let regions =
        parse(r#"["eu-north-1", {"name": "af-south-1", "opt_in_status": "not-opted-in"}]"#)
            .unwrap();
    assert_eq!(regions[0], region("eu-north-1"));
    assert!(!regions[1].enabled());
    assert_eq!(regions[1].zone_letters, "abc");
    // The older form: an explicit prefix and letters, ids 1..=n mapped per account.
    let old =
        parse(r#"[{"name": "us-east-1", "az_id_prefix": "use1", "zone_letters": "abc"}]"#).unwrap();
    assert_eq!(old[0].zone_numbers, [1, 2, 3]);
    assert!(old[0].per_account_mapping);
    assert_eq!(old[0].long_name, "US East (N. Virginia)");
    let own =
        parse(r#"[{"name": "xx-lab-1", "az_id_prefix": "xxl1", "zone_letters": "ab"}]"#).unwrap();
    assert_eq!(ids(&own[0].zones_for("1")), ["xxl1-az1", "xxl1-az2"]);
    assert!(parse(r#"["xx-lab-1"]"#).is_err());
    assert!(parse(r#"[{"name": "xx", "az_id_prefix": "x", "zone_letters": "aB"}]"#).is_err());
    assert!(parse(
        r#"[{"name": "xx", "az_id_prefix": "x", "zone_letters": "ab", "zone_numbers": [1]}]"#
    )
    .is_err());
    // What serialises reads back the same.
    let all = RegionDef::defaults();
    let again: Vec<RegionDef> =
        serde_json::from_str(&serde_json::to_string(&all).unwrap()).unwrap();
    assert_eq!(again, all);
}
