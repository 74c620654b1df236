//! Network ACLs: lifecycle, entries, associations, filters.

#![allow(clippy::type_complexity)] // data-driven case tables

use super::*;
use crate::config::Config;
use crate::filter::Filter;
use crate::tags::TagSpec;
use crate::testkit::nacl::entry;
use crate::testkit::{Kit, A, B};
use crate::Output;

/// A kit with `quotas` and a VPC 10.0.0.0/16 (with IPv6 if `ipv6`).
fn setup(quotas: &[&str], ipv6: bool) -> (Kit, String) {
    let mut config = Config::default();
    for q in quotas {
        config.quotas.set_from_arg(q).unwrap();
    }
    let mut k = Kit::with(config, 1, 1_000);
    let vpc = if ipv6 {
        k.vpc_v6("10.0.0.0/16")
    } else {
        k.vpc("10.0.0.0/16")
    };
    (k, vpc)
}

#[test]
fn create_and_delete_acls() {
    let (mut k, vpc) = setup(&[], false);
    let acl = k.network_acl(&vpc);
    let got = k.w.network_acls.get(&acl).unwrap();
    assert!(!got.is_default && got.associations.is_empty());
    assert_eq!(got.entries, custom_entries(false));
    assert!(got.entries.iter().all(|e| e.action == RuleAction::Deny));
    let (mut k6, vpc6) = setup(&[], true);
    let acl6 = k6.network_acl(&vpc6);
    assert_eq!(k6.w.network_acls.get(&acl6).unwrap().entries.len(), 4);

    k.refused(
        Cmd::Create {
            vpc_id: "vpc-0123456789abcdef0".into(),
            tags: vec![],
        },
        "InvalidVpcID.NotFound",
    );
    let wrong_tag = vec![TagSpec {
        resource_type: "vpc".into(),
        tags: vec![],
    }];
    k.refused(
        Cmd::Create {
            vpc_id: vpc.clone(),
            tags: wrong_tag,
        },
        "InvalidParameterValue",
    );
    let b = k.as_account(B);
    k.refused_as(
        &b,
        Cmd::Create {
            vpc_id: vpc.clone(),
            tags: vec![],
        },
        "InvalidVpcID.NotFound",
    );
    k.refused_as(
        &b,
        Cmd::Delete {
            acl_id: acl.clone(),
        },
        "InvalidNetworkAclID.NotFound",
    );

    let default_acl = k.w.vpcs.get(&vpc).unwrap().default_network_acl_id.clone();
    let e = k.refused(
        Cmd::Delete {
            acl_id: default_acl.clone(),
        },
        "InvalidParameterValue",
    );
    assert_eq!(
        (e.code.as_str(), e.message),
        (
            "InvalidParameterValue",
            format!("cannot delete default network ACL {default_acl}")
        )
    );
    assert_eq!(
        k.ok(Cmd::Delete {
            acl_id: acl.clone()
        }),
        Output::Done
    );
    k.refused(Cmd::Delete { acl_id: acl }, "InvalidNetworkAclID.NotFound");
}

#[test]
fn entries() {
    let (mut k, vpc) = setup(&[], false);
    let acl = k.network_acl(&vpc);
    let with = |f: &dyn Fn(&mut EntrySpec)| {
        let mut e = entry(&acl, 100, "-1", false);
        f(&mut e);
        e
    };
    // Accepted, with the stored protocol, ports and icmp.
    let ok: &[(EntrySpec, &str, Option<(u16, u16)>, Option<(i32, i32)>)] = &[
        (with(&|_| {}), "-1", None, None),
        (
            with(&|e| {
                e.rule_number = 110;
                e.protocol = "tcp".into();
                e.port_from = Some(22);
                e.port_to = Some(22);
            }),
            "6",
            Some((22, 22)),
            None,
        ),
        (
            with(&|e| {
                e.rule_number = 120;
                e.protocol = "17".into();
                e.port_from = Some(1024);
                e.port_to = Some(65535);
            }),
            "17",
            Some((1024, 65535)),
            None,
        ),
        (
            with(&|e| {
                e.rule_number = 130;
                e.protocol = "1".into();
                e.icmp_type = Some(8);
                e.icmp_code = Some(-1);
            }),
            "1",
            None,
            Some((8, -1)),
        ),
        (
            with(&|e| {
                e.rule_number = 140;
                e.protocol = "58".into();
            }),
            "58",
            None,
            None,
        ),
        (
            with(&|e| {
                e.rule_number = 150;
                e.protocol = "47".into();
                e.port_from = Some(1);
                e.port_to = Some(2);
            }),
            "47",
            None,
            None,
        ),
        (
            with(&|e| {
                e.rule_number = 32766;
                e.action = "DENY".into();
                e.cidr_block = None;
                e.ipv6_cidr_block = Some("::/0".into());
            }),
            "-1",
            None,
            None,
        ),
        (
            with(&|e| {
                e.egress = true;
            }),
            "-1",
            None,
            None,
        ),
    ];
    for (spec, protocol, ports, icmp) in ok {
        k.ok(Cmd::CreateEntry(spec.clone()));
        let got =
            k.w.network_acls
                .get(&acl)
                .unwrap()
                .entries
                .iter()
                .find(|e| e.rule_number == spec.rule_number as u32 && e.egress == spec.egress)
                .unwrap()
                .clone();
        assert_eq!(
            (
                got.protocol.number_text().as_str(),
                got.port_range,
                got.icmp
            ),
            (*protocol, *ports, *icmp),
            "{spec:?}"
        );
    }
    let deny =
        k.w.network_acls
            .get(&acl)
            .unwrap()
            .entries
            .iter()
            .find(|e| e.rule_number == 32766)
            .unwrap()
            .clone();
    assert_eq!(
        (deny.action, deny.cidr),
        (RuleAction::Deny, EntryCidr::V6("::/0".parse().unwrap()))
    );
    let bad: &[(EntrySpec, &str)] = &[
        (with(&|_| {}), "NetworkAclEntryAlreadyExists"),
        (with(&|e| e.rule_number = 0), "InvalidParameterValue"),
        (with(&|e| e.rule_number = 32767), "InvalidParameterValue"),
        (
            with(&|e| {
                e.rule_number = 1;
                e.protocol = "gre".into();
            }),
            "InvalidParameterValue",
        ),
        (
            with(&|e| {
                e.rule_number = 1;
                e.protocol = "6".into();
            }),
            "InvalidParameterValue",
        ),
        (
            with(&|e| {
                e.rule_number = 1;
                e.protocol = "6".into();
                e.port_from = Some(9);
                e.port_to = Some(8);
            }),
            "InvalidParameterValue",
        ),
        (
            with(&|e| {
                e.rule_number = 1;
                e.protocol = "6".into();
                e.port_from = Some(0);
                e.port_to = Some(70000);
            }),
            "InvalidParameterValue",
        ),
        (
            with(&|e| {
                e.rule_number = 1;
                e.protocol = "icmp".into();
            }),
            "InvalidParameterValue",
        ),
        (
            with(&|e| {
                e.rule_number = 1;
                e.protocol = "1".into();
                e.icmp_type = Some(300);
                e.icmp_code = Some(0);
            }),
            "InvalidParameterValue",
        ),
        (
            with(&|e| {
                e.rule_number = 1;
                e.protocol = "58".into();
                e.cidr_block = None;
                e.ipv6_cidr_block = Some("::/0".into());
            }),
            "InvalidParameterValue",
        ),
        (
            with(&|e| {
                e.rule_number = 1;
                e.action = "maybe".into();
            }),
            "InvalidParameterValue",
        ),
        (
            with(&|e| {
                e.rule_number = 1;
                e.ipv6_cidr_block = Some("::/0".into());
            }),
            "InvalidParameterCombination",
        ),
        (
            with(&|e| {
                e.rule_number = 1;
                e.cidr_block = None;
            }),
            "MissingParameter",
        ),
        (
            with(&|e| {
                e.rule_number = 1;
                e.cidr_block = Some("10.0.0.0/33".into());
            }),
            "InvalidParameterValue",
        ),
        (
            with(&|e| {
                e.rule_number = 1;
                e.acl_id = "acl-0123456789abcdef0".into();
            }),
            "InvalidNetworkAclID.NotFound",
        ),
    ];
    for (spec, code) in bad {
        k.refused(Cmd::CreateEntry(spec.clone()), code);
    }
    let e = k.refused(
        Cmd::CreateEntry(with(&|_| {})),
        "NetworkAclEntryAlreadyExists",
    );
    assert_eq!(
        e.message,
        "The network acl entry identified by 100 already exists."
    );
    // Another account cannot add entries.
    let b = k.as_account(B);
    k.refused_as(
        &b,
        Cmd::CreateEntry(with(&|e| e.rule_number = 1)),
        "InvalidNetworkAclID.NotFound",
    );

    // Replace.
    k.ok(Cmd::ReplaceEntry(with(&|e| e.action = "deny".into())));
    let replaced =
        k.w.network_acls
            .get(&acl)
            .unwrap()
            .entries
            .iter()
            .find(|e| e.rule_number == 100 && !e.egress)
            .unwrap()
            .clone();
    assert_eq!(replaced.action, RuleAction::Deny);
    k.refused(
        Cmd::ReplaceEntry(with(&|e| e.rule_number = 5)),
        "InvalidNetworkAclEntry.NotFound",
    );
    k.refused(
        Cmd::ReplaceEntry(with(&|e| e.protocol = "x".into())),
        "InvalidParameterValue",
    );

    // Delete.
    let del = |n: i64, egress: bool| Cmd::DeleteEntry {
        acl_id: acl.clone(),
        rule_number: n,
        egress,
    };
    k.ok(del(100, true));
    k.refused(del(100, true), "InvalidNetworkAclEntry.NotFound");
    k.refused(del(32767, false), "InvalidParameterValue");
    assert!(k
        .w
        .network_acls
        .get(&acl)
        .unwrap()
        .entries
        .iter()
        .any(|e| e.rule_number == 100 && !e.egress));
}

#[test]
fn entry_quota_per_direction() {
    let (mut k, vpc) = setup(&["entries-per-network-acl=1"], false);
    let acl = k.network_acl(&vpc);
    k.ok(Cmd::CreateEntry(entry(&acl, 100, "-1", false)));
    k.ok(Cmd::CreateEntry(entry(&acl, 100, "-1", true)));
    k.refused(
        Cmd::CreateEntry(entry(&acl, 200, "-1", false)),
        "NetworkAclEntryLimitExceeded",
    );
    // Replacing is not adding.
    k.refused(
        Cmd::ReplaceEntry(entry(&acl, 100, "6", false)),
        "InvalidParameterValue",
    );
    let mut spec = entry(&acl, 100, "6", false);
    spec.port_from = Some(80);
    spec.port_to = Some(80);
    k.ok(Cmd::ReplaceEntry(spec));
}

#[test]
fn associations() {
    let (mut k, vpc) = setup(&[], false);
    let subnet = k.subnet(&vpc, "10.0.1.0/24", None);
    let default_acl = k.w.vpcs.get(&vpc).unwrap().default_network_acl_id.clone();
    let assoc = of_subnet(&k.w, &subnet).unwrap().associations[0].id.clone();
    assert_eq!(of_subnet(&k.w, &subnet).unwrap().id, default_acl);
    let acl = k.network_acl(&vpc);
    let replace = |association_id: &str, acl_id: &str| Cmd::ReplaceAssociation {
        association_id: association_id.into(),
        acl_id: acl_id.into(),
    };
    let new_assoc = k.id(replace(&assoc, &acl));
    assert!(new_assoc.starts_with("aclassoc-") && new_assoc != assoc);
    assert_eq!(of_subnet(&k.w, &subnet).unwrap().id, acl);
    assert!(k
        .w
        .network_acls
        .get(&default_acl)
        .unwrap()
        .associations
        .is_empty());
    k.refused(replace(&assoc, &acl), "InvalidAssociationID.NotFound");
    k.refused(
        replace(&new_assoc, "acl-0123456789abcdef0"),
        "InvalidNetworkAclID.NotFound",
    );
    let other_vpc = k.vpc("10.9.0.0/16");
    let foreign = k.network_acl(&other_vpc);
    k.refused(replace(&new_assoc, &foreign), "InvalidParameterValue");
    let e = k.refused(
        Cmd::Delete {
            acl_id: acl.clone(),
        },
        "DependencyViolation",
    );
    assert_eq!(
        (e.code.as_str(), e.message),
        (
            "DependencyViolation",
            format!("The networkAcl '{acl}' has dependencies and cannot be deleted.")
        )
    );
    let b = k.as_account(B);
    k.refused_as(
        &b,
        replace(&new_assoc, &acl),
        "InvalidAssociationID.NotFound",
    );
    let back = k.id(replace(&new_assoc, &default_acl));
    assert_eq!(
        of_subnet(&k.w, &subnet)
            .unwrap()
            .associations
            .iter()
            .find(|s| s.subnet_id == subnet)
            .unwrap()
            .id,
        back
    );
    k.ok(Cmd::Delete { acl_id: acl });
}

#[test]
fn describe_filters() {
    let (mut k, vpc) = setup(&[], false);
    let acl = k.network_acl(&vpc);
    let mut spec = entry(&acl, 110, "tcp", false);
    spec.port_from = Some(443);
    spec.port_to = Some(443);
    k.ok(Cmd::CreateEntry(spec));
    let default_acl = k.w.vpcs.get(&vpc).unwrap().default_network_acl_id.clone();
    let find = |f: &[(&str, &[&str])]| -> Vec<String> {
        let filters: Vec<Filter> = f.iter().map(|(n, v)| Filter::new(n, v)).collect();
        let mut v: Vec<String> = describe(&k.w, &k.ctx, &[], &filters)
            .unwrap()
            .into_iter()
            .map(|a| a.id.clone())
            .collect();
        v.sort();
        v
    };
    let cases: &[(&[(&str, &[&str])], Vec<String>)] = &[
        (
            &[("vpc-id", &[&vpc]), ("default", &["true"])],
            vec![default_acl.clone()],
        ),
        (
            &[("vpc-id", &[&vpc]), ("default", &["false"])],
            vec![acl.clone()],
        ),
        (&[("entry.protocol", &["tcp"])], vec![acl.clone()]),
        (&[("entry.protocol", &["6"])], vec![acl.clone()]),
        (&[("entry.port-range.from", &["443"])], vec![acl.clone()]),
        (
            &[
                ("entry.rule-number", &["110"]),
                ("entry.egress", &["false"]),
            ],
            vec![acl.clone()],
        ),
        (
            &[("entry.rule-action", &["allow"]), ("vpc-id", &[&vpc])],
            vec![acl.clone(), default_acl.clone()],
        ),
        (
            &[("network-acl-id", &[&acl]), ("owner-id", &[A])],
            vec![acl.clone()],
        ),
        (
            &[("entry.cidr", &["0.0.0.0/0"]), ("network-acl-id", &[&acl])],
            vec![acl.clone()],
        ),
        (&[("entry.ipv6-cidr", &["::/0"])], vec![]),
    ];
    for (f, expected) in cases {
        let mut want = expected.clone();
        want.sort();
        assert_eq!(find(f), want, "{f:?}");
    }
    assert_eq!(
        describe(&k.w, &k.ctx, &[], &[Filter::new("nope", &["x"])])
            .unwrap_err()
            .code,
        "InvalidParameterValue"
    );
    assert_eq!(
        describe(&k.w, &k.ctx, &["acl-0123456789abcdef0".into()], &[])
            .unwrap_err()
            .code,
        "InvalidNetworkAclID.NotFound"
    );
    assert_eq!(
        describe(&k.w, &k.ctx, &[acl.clone(), acl.clone()], &[])
            .unwrap()
            .len(),
        1
    );
    // Display order: egress first, by rule number.
    let order: Vec<(bool, u32)> = sorted_entries(k.w.network_acls.get(&acl).unwrap())
        .iter()
        .map(|e| (e.egress, e.rule_number))
        .collect();
    assert_eq!(order, vec![(true, 32767), (false, 110), (false, 32767)]);
}
