//! DHCP option sets: defaults, validation, association, deletion, filters.

use super::*;
use crate::filter::Filter;
use crate::tags::{self, TagSpec};
use crate::testkit::dhcp::{conf, create};
use crate::testkit::{Kit, A, B};

/// A kit in which accounts A and B have their scopes' defaults.
fn setup() -> Kit {
    let mut k = Kit::new();
    k.as_account(B);
    k
}

fn check_create(pairs: &[(&str, &[&str])], code: &str, message: &str) {
    setup().refused_saying(A, create(pairs), code, message);
}

#[test]
fn scope_defaults_exist() {
    let k = setup();
    let d = describe(&k.w, &k.ctx, &[], &[]).unwrap();
    assert_eq!(d.len(), 1);
    assert!(d[0].is_default);
    assert_eq!(
        d[0].configurations,
        conf(&[
            ("domain-name", &["ec2.internal"]),
            ("domain-name-servers", &["AmazonProvidedDNS"]),
        ])
    );
}

#[test]
fn create_validates_keys_and_values() {
    let mut k = setup();
    let id = k.id(create(&[
        ("domain-name", &["example.com corp.example.com"]),
        ("domain-name-servers", &["10.0.0.2", "AmazonProvidedDNS"]),
        ("ntp-servers", &["169.254.169.123", "fd00:ec2::123"]),
        ("netbios-name-servers", &["10.0.0.5"]),
        ("netbios-node-type", &["2"]),
        ("ipv6-address-preferred-lease-time", &["3600"]),
    ]));
    assert!(id.starts_with("dopt-"));
    check_create(&[], "MissingParameter", "DhcpConfiguration");
    check_create(
        &[("bogus", &["x"])],
        "InvalidParameterValue",
        "Unknown DHCP option",
    );
    check_create(&[("domain-name", &[])], "InvalidParameterValue", "");
    check_create(
        &[("domain-name", &["a"]), ("domain-name", &["b"])],
        "InvalidParameterValue",
        "more than once",
    );
    check_create(
        &[("domain-name-servers", &["not-an-ip"])],
        "InvalidParameterValue",
        "Value (not-an-ip) for parameter domain-name-servers is invalid.",
    );
    check_create(
        &[(
            "domain-name-servers",
            &["1.1.1.1", "1.1.1.2", "1.1.1.3", "1.1.1.4", "1.1.1.5"],
        )],
        "InvalidParameterValue",
        "at most 4",
    );
    check_create(
        &[("netbios-name-servers", &["fd00::1"])],
        "InvalidParameterValue",
        "",
    );
    check_create(
        &[("netbios-node-type", &["3"])],
        "InvalidParameterValue",
        "",
    );
    check_create(
        &[("ipv6-address-preferred-lease-time", &["100"])],
        "InvalidParameterValue",
        "",
    );
    check_create(
        &[("ntp-servers", &["time.example.com"])],
        "InvalidParameterValue",
        "",
    );
    let mut k = setup();
    k.refused_saying(
        A,
        Cmd::Create {
            configurations: conf(&[("domain-name", &["x"])]),
            tags: vec![TagSpec {
                resource_type: "vpc".into(),
                tags: vec![],
            }],
        },
        "InvalidParameterValue",
        "",
    );
}

#[test]
fn associate_and_delete() {
    let mut k = setup();
    let vpc_id = k.vpc("10.0.0.0/16");
    let default_id = k.w.vpcs.get(&vpc_id).unwrap().dhcp_options_id.clone();
    let id = k.id(create(&[("domain-name", &["corp.example.com"])]));
    k.ok(Cmd::Associate {
        dhcp_options_id: id.clone(),
        vpc_id: vpc_id.clone(),
    });
    assert_eq!(k.w.vpcs.get(&vpc_id).unwrap().dhcp_options_id, id);
    k.refused_saying(
        A,
        Cmd::Delete {
            dhcp_options_id: id.clone(),
        },
        "DependencyViolation",
        &format!("The dhcpOptions '{id}' has dependencies and cannot be deleted."),
    );
    k.refused_saying(
        A,
        Cmd::Associate {
            dhcp_options_id: "dopt-0123456789abcdef0".into(),
            vpc_id: vpc_id.clone(),
        },
        "InvalidDhcpOptionID.NotFound",
        "The dhcpOption ID 'dopt-0123456789abcdef0' does not exist",
    );
    k.refused_saying(
        A,
        Cmd::Associate {
            dhcp_options_id: id.clone(),
            vpc_id: "vpc-0123456789abcdef0".into(),
        },
        "InvalidVpcID.NotFound",
        "",
    );
    // Another account sees neither the set nor the VPC.
    k.refused_saying(
        B,
        Cmd::Delete {
            dhcp_options_id: id.clone(),
        },
        "InvalidDhcpOptionID.NotFound",
        "",
    );
    // `default` puts the scope's default set back.
    k.ok(Cmd::Associate {
        dhcp_options_id: "default".into(),
        vpc_id: vpc_id.clone(),
    });
    assert_eq!(k.w.vpcs.get(&vpc_id).unwrap().dhcp_options_id, default_id);
    k.ok(Cmd::Delete {
        dhcp_options_id: id.clone(),
    });
    assert!(k.w.dhcp_options.get(&id).is_none());
    k.refused_saying(
        A,
        Cmd::Delete {
            dhcp_options_id: id.clone(),
        },
        "InvalidDhcpOptionID.NotFound",
        "",
    );
    // The default set is in use by both VPCs.
    k.refused_saying(
        A,
        Cmd::Delete {
            dhcp_options_id: default_id,
        },
        "DependencyViolation",
        "",
    );
}

#[test]
fn describe_filters() {
    let mut k = setup();
    let id = k.id(create(&[
        ("domain-name", &["corp.example.com"]),
        ("ntp-servers", &["10.0.0.9"]),
    ]));
    k.ok(tags::Cmd::Create {
        resource_ids: vec![id.clone()],
        tags: vec![("Name".into(), "corp".into())],
    });
    let b = k.as_account(B);
    let ids = |filters: &[Filter]| -> Vec<String> {
        describe(&k.w, &k.ctx, &[], filters)
            .unwrap()
            .iter()
            .map(|d| d.id.clone())
            .collect()
    };
    assert_eq!(ids(&[]).len(), 2);
    assert_eq!(
        ids(&[Filter::new("key", &["ntp-servers"])]),
        vec![id.clone()]
    );
    assert_eq!(ids(&[Filter::new("value", &["corp.*"])]), vec![id.clone()]);
    assert_eq!(ids(&[Filter::new("value", &["ec2.internal"])]).len(), 1);
    assert_eq!(
        ids(&[Filter::new("dhcp-options-id", &[&id])]),
        vec![id.clone()]
    );
    assert_eq!(ids(&[Filter::new("owner-id", &[A])]).len(), 2);
    assert_eq!(ids(&[Filter::new("tag:Name", &["corp"])]), vec![id.clone()]);
    assert!(describe(&k.w, &k.ctx, &[], &[Filter::new("bogus", &["x"])]).is_err());
    let e = describe(&k.w, &b, std::slice::from_ref(&id), &[]).unwrap_err();
    assert_eq!(e.code, "InvalidDhcpOptionID.NotFound");
    assert_eq!(describe(&k.w, &b, &[], &[]).unwrap().len(), 1);
}
