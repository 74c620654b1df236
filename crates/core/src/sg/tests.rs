//! Security group rules: creation, authorize/revoke/modify, deletion, references across
//! peerings and their staleness, describe filters.

#![allow(clippy::type_complexity)] // data-driven case tables

use super::*;
use crate::eni::{self, InterfaceSpec};
use crate::filter::Filter;
use crate::tags::{self, TagSpec};
use crate::testkit::eni::in_subnet;
use crate::testkit::{Kit, A, B};
use crate::world::World;
use crate::{peering, Command, Output};

fn tcp(port: i64, cidr: &str) -> Permission {
    Permission {
        protocol: Some("tcp".into()),
        from_port: Some(port),
        to_port: Some(port),
        peers: vec![PeerSpec::Cidr {
            cidr: cidr.into(),
            description: None,
        }],
    }
}

fn group_peer(protocol: &str, group_id: &str, user_id: Option<&str>) -> Permission {
    Permission {
        protocol: Some(protocol.into()),
        from_port: None,
        to_port: None,
        peers: vec![PeerSpec::Group {
            group_id: Some(group_id.into()),
            group_name: None,
            user_id: user_id.map(str::to_string),
            description: None,
        }],
    }
}

fn authorize(id: &str, egress: bool, permissions: Vec<Permission>) -> Command {
    Command::Sg(Cmd::Authorize {
        group: GroupRef::Id(id.into()),
        egress,
        permissions,
        tags: vec![],
    })
}

fn revoke(id: &str, permissions: Vec<Permission>, rule_ids: Vec<String>) -> Command {
    Command::Sg(Cmd::Revoke {
        group: GroupRef::Id(id.into()),
        egress: false,
        permissions,
        rule_ids,
    })
}

/// The rule ids of an output.
fn ids(out: Output) -> Vec<String> {
    match out {
        Output::Ids(ids) => ids,
        other => panic!("{other:?}"),
    }
}

#[test]
fn create_group_rules() {
    let mut k = Kit::new();
    let a = k.ctx.clone();
    let vpc = k.vpc("10.0.0.0/16");
    let id = k.security_group("web", Some(&vpc));
    let g = k.w.security_groups.get(&id).unwrap();
    assert_eq!((g.name.as_str(), g.vpc_id.as_str()), ("web", vpc.as_str()));
    assert!(g.ingress.is_empty());
    assert_eq!(g.egress.len(), 1);
    assert_eq!(g.egress[0].peer, Peer::V4("0.0.0.0/0".parse().unwrap()));
    assert!(g.egress[0].rule_id.starts_with("sgr-"));
    // Without VpcId: the default VPC.
    let d = k.security_group("web", None);
    let default_vpc = k.default_vpc(a.scope());
    assert_eq!(k.w.security_groups.get(&d).unwrap().vpc_id, default_vpc);
    // IPv6 VPC: ::/0 egress as well.
    let v6 = k.vpc_v6("10.1.0.0/16");
    let g6 = k.security_group("v6", Some(&v6));
    assert_eq!(k.w.security_groups.get(&g6).unwrap().egress.len(), 2);

    let bad = |name: &str, description: &str, vpc_id: Option<&str>| {
        Command::Sg(Cmd::Create {
            name: name.into(),
            description: description.into(),
            vpc_id: vpc_id.map(str::to_string),
            tags: vec![],
        })
    };
    let cases: &[(Command, &str)] = &[
        (bad("", "d", Some(&vpc)), "MissingParameter"),
        (bad("x", "", Some(&vpc)), "MissingParameter"),
        (bad("default", "d", Some(&vpc)), "InvalidGroup.Reserved"),
        (bad("sg-web", "d", Some(&vpc)), "InvalidParameterValue"),
        (bad("wéb", "d", Some(&vpc)), "InvalidParameterValue"),
        (bad("a|b", "d", Some(&vpc)), "InvalidParameterValue"),
        (
            bad(&"x".repeat(256), "d", Some(&vpc)),
            "InvalidParameterValue",
        ),
        (bad("web", "d", Some(&vpc)), "InvalidGroup.Duplicate"),
        (
            bad("x", "d", Some("vpc-0123456789abcdef0")),
            "InvalidVpcID.NotFound",
        ),
    ];
    for (cmd, code) in cases {
        k.refused(cmd.clone(), code);
    }
    let e = k
        .run(Command::Sg(Cmd::Create {
            name: "web".into(),
            description: "d".into(),
            vpc_id: Some(vpc.clone()),
            tags: vec![],
        }))
        .unwrap_err();
    assert_eq!(
        e.message,
        format!("The security group 'web' already exists for VPC '{vpc}'")
    );
    // Another account's VPC is not found.
    let b = k.as_account(B);
    k.refused_as(&b, bad("x", "d", Some(&vpc)), "InvalidVpcID.NotFound");
    // Wrong tag resource type.
    k.refused(
        Command::Sg(Cmd::Create {
            name: "tagged".into(),
            description: "d".into(),
            vpc_id: Some(vpc.clone()),
            tags: vec![TagSpec {
                resource_type: "vpc".into(),
                tags: vec![("k".into(), "v".into())],
            }],
        }),
        "InvalidParameterValue",
    );
    let tagged = k.id(Cmd::Create {
        name: "tagged".into(),
        description: "d".into(),
        vpc_id: Some(vpc.clone()),
        tags: vec![TagSpec {
            resource_type: "security-group".into(),
            tags: vec![("k".into(), "v".into())],
        }],
    });
    assert_eq!(tags::of(&k.w, a.scope(), &tagged).get("k").unwrap(), "v");
}

#[test]
fn create_without_default_vpc_and_quota() {
    let mut k = Kit::with_quotas(&["security-groups-per-vpc=2"]);
    let a = k.ctx.clone();
    let vpc = k.vpc("10.0.0.0/16");
    k.security_group("one", Some(&vpc));
    let e = k
        .run(Command::Sg(Cmd::Create {
            name: "two".into(),
            description: "d".into(),
            vpc_id: Some(vpc),
            tags: vec![],
        }))
        .unwrap_err();
    assert_eq!(e.code, "SecurityGroupLimitExceeded");
    let default_vpc = k.default_vpc(a.scope());
    k.w.vpcs.get_mut(&default_vpc).unwrap().is_default = false;
    let e = k
        .run(Command::Sg(Cmd::Create {
            name: "x".into(),
            description: "d".into(),
            vpc_id: None,
            tags: vec![],
        }))
        .unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("VPCIdNotSpecified", "No default VPC for this user")
    );
}

#[test]
fn authorize_validates_and_normalises() {
    let mut k = Kit::new();
    let vpc = k.vpc("10.0.0.0/16");
    let other_vpc = k.vpc("10.1.0.0/16");
    let g = k.security_group("web", Some(&vpc));
    let h = k.security_group("app", Some(&vpc));
    let elsewhere = k.security_group("far", Some(&other_vpc));
    let perm = |protocol: &str, from: Option<i64>, to: Option<i64>, peer: PeerSpec| Permission {
        protocol: Some(protocol.into()),
        from_port: from,
        to_port: to,
        peers: vec![peer],
    };
    let cidr = |c: &str| PeerSpec::Cidr {
        cidr: c.into(),
        description: None,
    };
    // Accepted, with the stored (protocol, from, to).
    let ok: &[(Permission, (&str, Option<i32>, Option<i32>))] = &[
        (
            perm("6", Some(22), Some(22), cidr("0.0.0.0/0")),
            ("tcp", Some(22), Some(22)),
        ),
        (
            perm("UDP", Some(53), Some(53), cidr("10.0.0.0/8")),
            ("udp", Some(53), Some(53)),
        ),
        (
            perm("all", None, None, cidr("10.1.2.0/24")),
            ("-1", None, None),
        ),
        (
            perm("-1", Some(5), Some(9), cidr("10.1.3.0/24")),
            ("-1", None, None),
        ),
        (
            perm("1", Some(8), Some(-1), cidr("0.0.0.0/0")),
            ("icmp", Some(8), Some(-1)),
        ),
        (
            perm(
                "58",
                Some(-1),
                Some(-1),
                PeerSpec::Cidr6 {
                    cidr: "::/0".into(),
                    description: None,
                },
            ),
            ("icmpv6", Some(-1), Some(-1)),
        ),
        (
            perm("47", Some(1), Some(2), cidr("10.9.0.0/16")),
            ("47", None, None),
        ),
        (
            perm(
                "tcp",
                Some(0),
                Some(65535),
                PeerSpec::PrefixList {
                    id: "pl-63a5400a".into(),
                    description: Some("s3".into()),
                },
            ),
            ("tcp", Some(0), Some(65535)),
        ),
        (
            perm(
                "tcp",
                Some(80),
                Some(80),
                PeerSpec::Group {
                    group_id: Some(h.clone()),
                    group_name: None,
                    user_id: None,
                    description: None,
                },
            ),
            ("tcp", Some(80), Some(80)),
        ),
        (
            perm(
                "tcp",
                Some(81),
                Some(81),
                PeerSpec::Group {
                    group_id: None,
                    group_name: Some("app".into()),
                    user_id: None,
                    description: None,
                },
            ),
            ("tcp", Some(81), Some(81)),
        ),
        (
            perm("tcp", Some(443), Some(443), cidr("192.168.1.7/24")),
            ("tcp", Some(443), Some(443)),
        ),
    ];
    for (p, (protocol, from, to)) in ok {
        let new = ids(k.ok(authorize(&g, false, vec![p.clone()])));
        assert_eq!(new.len(), 1);
        let r =
            k.w.security_groups
                .get(&g)
                .unwrap()
                .rule(&new[0])
                .unwrap()
                .0
                .clone();
        assert_eq!(
            (r.protocol.name().as_str(), r.from_port, r.to_port),
            (*protocol, *from, *to)
        );
    }
    let stored = &k.w.security_groups.get(&g).unwrap().ingress;
    assert_eq!(
        stored.last().unwrap().peer,
        Peer::V4("192.168.1.0/24".parse().unwrap())
    );
    // Refused.
    let bad: &[(Permission, &str)] = &[
        (
            perm("tcp", Some(22), Some(22), cidr("0.0.0.0/0")),
            "InvalidPermission.Duplicate",
        ),
        (
            perm("bogus", None, None, cidr("0.0.0.0/0")),
            "InvalidParameterValue",
        ),
        (
            perm("256", None, None, cidr("0.0.0.0/0")),
            "InvalidParameterValue",
        ),
        (
            Permission {
                protocol: None,
                from_port: None,
                to_port: None,
                peers: vec![cidr("0.0.0.0/0")],
            },
            "InvalidParameterValue",
        ),
        (
            perm("tcp", Some(22), None, cidr("0.0.0.0/0")),
            "InvalidParameterValue",
        ),
        (
            perm("tcp", Some(90), Some(80), cidr("0.0.0.0/0")),
            "InvalidPermission.Malformed",
        ),
        (
            perm("tcp", Some(0), Some(65536), cidr("0.0.0.0/0")),
            "InvalidPermission.Malformed",
        ),
        (
            perm("icmp", None, None, cidr("0.0.0.0/0")),
            "InvalidParameterValue",
        ),
        (
            perm("icmp", Some(-1), Some(3), cidr("0.0.0.0/0")),
            "InvalidPermission.Malformed",
        ),
        (
            perm("icmp", Some(256), Some(0), cidr("0.0.0.0/0")),
            "InvalidPermission.Malformed",
        ),
        (
            perm("tcp", Some(1), Some(1), cidr("10.0.0.0/33")),
            "InvalidParameterValue",
        ),
        (
            perm(
                "tcp",
                Some(1),
                Some(1),
                PeerSpec::Cidr6 {
                    cidr: "nope".into(),
                    description: None,
                },
            ),
            "InvalidParameterValue",
        ),
        (
            perm(
                "tcp",
                Some(1),
                Some(1),
                PeerSpec::Cidr {
                    cidr: "10.0.0.0/8".into(),
                    description: Some("bad|char".into()),
                },
            ),
            "InvalidParameterValue",
        ),
        (
            perm(
                "tcp",
                Some(1),
                Some(1),
                PeerSpec::Group {
                    group_id: Some("sg-0123456789abcdef0".into()),
                    group_name: None,
                    user_id: None,
                    description: None,
                },
            ),
            "InvalidGroup.NotFound",
        ),
        (
            perm(
                "tcp",
                Some(1),
                Some(1),
                PeerSpec::Group {
                    group_id: Some(elsewhere.clone()),
                    group_name: None,
                    user_id: None,
                    description: None,
                },
            ),
            "InvalidGroup.NotFound",
        ),
        (
            perm(
                "tcp",
                Some(1),
                Some(1),
                PeerSpec::Group {
                    group_id: None,
                    group_name: Some("nope".into()),
                    user_id: None,
                    description: None,
                },
            ),
            "InvalidGroup.NotFound",
        ),
        (
            perm(
                "tcp",
                Some(1),
                Some(1),
                PeerSpec::Group {
                    group_id: None,
                    group_name: None,
                    user_id: None,
                    description: None,
                },
            ),
            "MissingParameter",
        ),
        (
            Permission {
                protocol: Some("tcp".into()),
                from_port: Some(1),
                to_port: Some(1),
                peers: vec![],
            },
            "MissingParameter",
        ),
        (
            Permission {
                protocol: Some("tcp".into()),
                from_port: Some(1),
                to_port: Some(1),
                peers: vec![cidr("1.0.0.0/8"), cidr("1.0.0.0/8")],
            },
            "InvalidParameterValue",
        ),
    ];
    for (p, code) in bad {
        k.refused(authorize(&g, false, vec![p.clone()]), code);
    }
    k.refused(authorize(&g, false, vec![]), "MissingParameter");
    k.refused(
        authorize("sg-0123456789abcdef0", false, vec![tcp(1, "1.0.0.0/8")]),
        "InvalidGroup.NotFound",
    );
    // Messages.
    let e = k
        .run(authorize(&g, false, vec![tcp(22, "0.0.0.0/0")]))
        .unwrap_err();
    assert_eq!(
        e.message,
        "the specified rule \"peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW\" already exists"
    );
    let e = k
        .run(authorize(
            &g,
            false,
            vec![group_peer("-1", &h, None), group_peer("-1", &h, None)],
        ))
        .unwrap_err();
    assert_eq!(
        e.message,
        "The same permission must not appear multiple times"
    );
    k.ok(authorize(&g, false, vec![group_peer("-1", &h, None)]));
    let e = k
        .run(authorize(&g, false, vec![group_peer("-1", &h, None)]))
        .unwrap_err();
    assert_eq!(
        e.message,
        format!("the specified rule \"peer: {h}, ALL, ALLOW\" already exists")
    );
    let e = k
        .run(authorize(
            &elsewhere,
            false,
            vec![group_peer("-1", &h, None)],
        ))
        .unwrap_err();
    assert_eq!(
        e.message,
        "You have specified two resources that belong to different networks."
    );
    // Egress is its own direction: the same grant is new there, the default rule is not.
    k.ok(authorize(&g, true, vec![tcp(22, "0.0.0.0/0")]));
    let all_out = Permission {
        protocol: Some("-1".into()),
        from_port: None,
        to_port: None,
        peers: vec![cidr("0.0.0.0/0")],
    };
    k.refused(
        authorize(&g, true, vec![all_out]),
        "InvalidPermission.Duplicate",
    );
    // Another account cannot touch the group.
    let b = k.as_account(B);
    k.refused_as(
        &b,
        authorize(&g, false, vec![tcp(9, "1.0.0.0/8")]),
        "InvalidGroup.NotFound",
    );
}

#[test]
fn authorize_by_name_tags_and_quota() {
    let mut k = Kit::with_quotas(&["rules-per-security-group=2"]);
    let a = k.ctx.clone();
    let id = k.security_group("legacy", None);
    let cmd = |port: i64, specs: Vec<TagSpec>| {
        Command::Sg(Cmd::Authorize {
            group: GroupRef::Name("legacy".into()),
            egress: false,
            permissions: vec![tcp(port, "0.0.0.0/0")],
            tags: specs,
        })
    };
    let spec = |rt: &str| TagSpec {
        resource_type: rt.into(),
        tags: vec![("Name".into(), "ssh".into())],
    };
    k.refused(
        cmd(22, vec![spec("security-group")]),
        "InvalidParameterValue",
    );
    let new = ids(k.ok(cmd(22, vec![spec("security-group-rule")])));
    assert_eq!(
        tags::of(&k.w, a.scope(), &new[0]).get("Name").unwrap(),
        "ssh"
    );
    assert!(k.w.check_visible(a.scope(), &new[0]).is_ok());
    k.ok(cmd(23, vec![]));
    k.refused(cmd(24, vec![]), "RulesPerSecurityGroupLimitExceeded");
    let e = k
        .run(Command::Sg(Cmd::Authorize {
            group: GroupRef::Name("missing".into()),
            egress: false,
            permissions: vec![tcp(1, "0.0.0.0/0")],
            tags: vec![],
        }))
        .unwrap_err();
    assert_eq!(e.code, "InvalidGroup.NotFound");
    assert!(e.message.contains("does not exist in default VPC"));
    // Revoking forgets the rule's tags.
    k.ok(revoke(&id, vec![], vec![new[0].clone()]));
    assert!(tags::of(&k.w, a.scope(), &new[0]).is_empty());
    assert_eq!(
        k.w.check_visible(a.scope(), &new[0]).unwrap_err().code,
        "InvalidSecurityGroupRuleId.NotFound"
    );
}

#[test]
fn revoke_rules() {
    let mut k = Kit::new();
    let a = k.ctx.clone();
    let vpc = k.vpc("10.0.0.0/16");
    let g = k.security_group("web", Some(&vpc));
    let r22 = ids(k.ok(authorize(&g, false, vec![tcp(22, "0.0.0.0/0")])));
    let r80 = ids(k.ok(authorize(&g, false, vec![tcp(80, "0.0.0.0/0")])));
    // Description does not matter; protocol number spelling does not either.
    let mut p = tcp(22, "0.0.0.0/0");
    p.protocol = Some("6".into());
    assert_eq!(ids(k.ok(revoke(&g, vec![p], vec![]))), r22);
    let e = k
        .run(revoke(&g, vec![tcp(22, "0.0.0.0/0")], vec![]))
        .unwrap_err();
    assert_eq!(e.code, "InvalidPermission.NotFound");
    k.refused(
        revoke(&g, vec![tcp(80, "0.0.0.0/0"), tcp(81, "0.0.0.0/0")], vec![]),
        "InvalidPermission.NotFound",
    );
    k.refused(
        revoke(&g, vec![], vec!["sgr-0123456789abcdef0".into()]),
        "InvalidSecurityGroupRuleId.NotFound",
    );
    k.refused(revoke(&g, vec![], vec![]), "MissingParameter");
    // An egress rule id is not found among ingress rules.
    let egress_id = k.w.security_groups.get(&g).unwrap().egress[0]
        .rule_id
        .clone();
    k.refused(
        revoke(&g, vec![], vec![egress_id.clone()]),
        "InvalidSecurityGroupRuleId.NotFound",
    );
    assert_eq!(ids(k.ok(revoke(&g, vec![], r80.clone()))), r80);
    let out = k.ok(Command::Sg(Cmd::Revoke {
        group: GroupRef::Id(g.clone()),
        egress: true,
        permissions: vec![],
        rule_ids: vec![egress_id.clone()],
    }));
    assert_eq!(ids(out), vec![egress_id]);
    let grp = k.w.security_groups.get(&g).unwrap();
    assert!(grp.ingress.is_empty() && grp.egress.is_empty());
    // Default VPC: unknown permissions are reported, not refused.
    let d = k.security_group("legacy", None);
    ids(k.ok(authorize(&d, false, vec![tcp(22, "0.0.0.0/0")])));
    let perms = vec![tcp(22, "0.0.0.0/0"), tcp(23, "0.0.0.0/0")];
    let unknown = unknown_permissions(&k.w, &a, &GroupRef::Id(d.clone()), false, &perms);
    assert_eq!(unknown.len(), 1);
    assert_eq!(unknown[0].from_port, Some(23));
    assert_eq!(ids(k.ok(revoke(&d, perms, vec![]))).len(), 1);
}

#[test]
fn modify_rules() {
    let mut k = Kit::new();
    let vpc = k.vpc("10.0.0.0/16");
    let g = k.security_group("web", Some(&vpc));
    let r22 = ids(k.ok(authorize(&g, false, vec![tcp(22, "0.0.0.0/0")])));
    ids(k.ok(authorize(&g, false, vec![tcp(80, "0.0.0.0/0")])));
    let update = |port: i64, cidr: Option<&str>, v6: Option<&str>| {
        Command::Sg(Cmd::ModifyRules {
            group_id: g.clone(),
            rules: vec![RuleUpdate {
                rule_id: r22[0].clone(),
                protocol: Some("tcp".into()),
                from_port: Some(port),
                to_port: Some(port),
                cidr_ipv4: cidr.map(str::to_string),
                cidr_ipv6: v6.map(str::to_string),
                description: Some("ssh alt".into()),
                ..RuleUpdate::default()
            }],
        })
    };
    k.ok(update(2222, Some("10.0.0.0/8"), None));
    let (r, egress) =
        k.w.security_groups
            .get(&g)
            .unwrap()
            .rule(&r22[0])
            .map(|(r, e)| (r.clone(), e))
            .unwrap();
    assert!(!egress);
    assert_eq!(
        (r.from_port, r.peer.clone(), r.description.as_deref()),
        (
            Some(2222),
            Peer::V4("10.0.0.0/8".parse().unwrap()),
            Some("ssh alt")
        )
    );
    k.refused(
        update(80, Some("0.0.0.0/0"), None),
        "InvalidPermission.Duplicate",
    );
    k.refused(
        update(1, Some("0.0.0.0/0"), Some("::/0")),
        "InvalidParameterCombination",
    );
    k.refused(update(1, None, None), "MissingParameter");
    let unknown = Command::Sg(Cmd::ModifyRules {
        group_id: g.clone(),
        rules: vec![RuleUpdate {
            rule_id: "sgr-0123456789abcdef0".into(),
            ..RuleUpdate::default()
        }],
    });
    k.refused(unknown, "InvalidSecurityGroupRuleId.NotFound");
}

fn describe_by(
    g: &str,
    egress: bool,
    permissions: Vec<Permission>,
    rules: Vec<RuleDescription>,
) -> Command {
    Command::Sg(Cmd::UpdateDescriptions {
        group: GroupRef::Id(g.into()),
        egress,
        permissions,
        rules,
    })
}

fn described(p: Permission, description: Option<&str>) -> Permission {
    let d = description.map(str::to_string);
    let peers = p
        .peers
        .into_iter()
        .map(|peer| match peer {
            PeerSpec::Cidr { cidr, .. } => PeerSpec::Cidr {
                cidr,
                description: d.clone(),
            },
            PeerSpec::Group {
                group_id,
                group_name,
                user_id,
                ..
            } => PeerSpec::Group {
                group_id,
                group_name,
                user_id,
                description: d.clone(),
            },
            other => other,
        })
        .collect();
    Permission { peers, ..p }
}

#[test]
fn update_rule_descriptions() {
    let mut k = Kit::new();
    let vpc = k.vpc("10.0.0.0/16");
    let g = k.security_group("web", Some(&vpc));
    let h = k.security_group("app", Some(&vpc));
    let r22 = ids(k.ok(authorize(&g, false, vec![tcp(22, "10.0.0.0/8")])))[0].clone();
    let r_app = ids(k.ok(authorize(&g, false, vec![group_peer("-1", &h, None)])))[0].clone();
    let egress = k.w.security_groups.get(&g).unwrap().egress[0]
        .rule_id
        .clone();
    let description = |k: &Kit, rule: &str| {
        let g = k.w.security_groups.get(&g).unwrap();
        g.rule(rule).unwrap().0.description.clone()
    };
    // By permission: the matching rules get the new description; nothing else changes.
    let before = k.w.security_groups.get(&g).unwrap().clone();
    k.ok(describe_by(
        &g,
        false,
        vec![
            described(tcp(22, "10.0.0.0/8"), Some("ssh from corp")),
            described(group_peer("-1", &h, None), Some("app tier")),
        ],
        vec![],
    ));
    assert_eq!(description(&k, &r22).as_deref(), Some("ssh from corp"));
    assert_eq!(description(&k, &r_app).as_deref(), Some("app tier"));
    let after = k.w.security_groups.get(&g).unwrap();
    assert_eq!(after.ingress.len(), before.ingress.len());
    assert_eq!(after.ingress[0].rule_id, r22);
    // By rule id; no description removes it.
    k.ok(describe_by(
        &g,
        false,
        vec![],
        vec![RuleDescription {
            rule_id: r22.clone(),
            description: None,
        }],
    ));
    assert_eq!(description(&k, &r22), None);
    k.ok(describe_by(
        &g,
        true,
        vec![],
        vec![RuleDescription {
            rule_id: egress.clone(),
            description: Some("all out".into()),
        }],
    ));
    assert_eq!(description(&k, &egress).as_deref(), Some("all out"));
    // Unmatched permissions, rules of the other direction, unknown ids, both or neither
    // ways, bad descriptions: refused, and the world is unchanged.
    let e = k.refused(
        describe_by(
            &g,
            false,
            vec![described(tcp(23, "10.0.0.0/8"), Some("x"))],
            vec![],
        ),
        "InvalidPermission.NotFound",
    );
    assert_eq!(
        e.message,
        "The specified rule does not exist in this security group."
    );
    k.refused(
        describe_by(
            &g,
            true,
            vec![described(tcp(22, "10.0.0.0/8"), Some("x"))],
            vec![],
        ),
        "InvalidPermission.NotFound",
    );
    let by_id = |rule: &str, d: &str| {
        vec![RuleDescription {
            rule_id: rule.into(),
            description: Some(d.into()),
        }]
    };
    k.refused(
        describe_by(&g, true, vec![], by_id(&r22, "x")),
        "InvalidSecurityGroupRuleId.NotFound",
    );
    // The first change is valid, the second is not: neither is made.
    let mut two = by_id(&r22, "ok");
    two.extend(by_id("sgr-0123456789abcdef0", "x"));
    k.refused(
        describe_by(&g, false, vec![], two),
        "InvalidSecurityGroupRuleId.NotFound",
    );
    k.refused(
        describe_by(&g, false, vec![tcp(22, "10.0.0.0/8")], by_id(&r22, "x")),
        "InvalidParameterCombination",
    );
    k.refused(describe_by(&g, false, vec![], vec![]), "MissingParameter");
    k.refused(
        describe_by(&g, false, vec![], by_id(&r22, "bad\u{7}")),
        "InvalidParameterValue",
    );
    k.refused(
        describe_by("sg-0123456789abcdef0", false, vec![], by_id(&r22, "x")),
        "InvalidGroup.NotFound",
    );
}

#[test]
fn delete_rules() {
    let mut k = Kit::new();
    let vpc = k.vpc("10.0.0.0/16");
    let g = k.security_group("web", Some(&vpc));
    let h = k.security_group("app", Some(&vpc));
    let default_sg =
        k.w.vpcs
            .get(&vpc)
            .unwrap()
            .default_security_group_id
            .clone();
    let del = |id: &str| {
        Command::Sg(Cmd::Delete {
            group: GroupRef::Id(id.into()),
        })
    };
    let e = k.run(del(&default_sg)).unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message),
        ("CannotDelete", format!("the specified group: \"{default_sg}\" name: \"default\" cannot be deleted by a user"))
    );
    // A self-reference does not block; another group's reference does.
    k.ok(authorize(&h, false, vec![group_peer("-1", &h, None)]));
    k.refused(
        authorize(&g, false, vec![group_peer("tcp", &h, None)]),
        "InvalidParameterValue",
    );
    k.ok(authorize(&g, false, vec![group_peer("-1", &h, None)]));
    let e = k.run(del(&h)).unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message),
        (
            "DependencyViolation",
            format!("resource {h} has a dependent object")
        )
    );
    // An interface using the group.
    let subnet = k.subnet(&vpc, "10.0.0.0/24", None);
    let eni = k.interface(InterfaceSpec {
        groups: vec![g.clone()],
        ..in_subnet(&subnet)
    });
    let e = k.run(del(&g)).unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message),
        (
            "DependencyViolation",
            format!("resource {g} has a dependent object")
        )
    );
    k.ok(eni::Cmd::DeleteInterface {
        network_interface_id: eni,
    });
    assert_eq!(k.ok(del(&g)), Output::Id(g.clone()));
    k.ok(del(&h));
    k.refused(del(&g), "InvalidGroup.NotFound");
    // By name, default VPC only.
    let legacy = k.security_group("legacy", None);
    k.security_group("legacy", Some(&vpc));
    let by_name = Command::Sg(Cmd::Delete {
        group: GroupRef::Name("legacy".into()),
    });
    assert_eq!(k.ok(by_name.clone()), Output::Id(legacy));
    k.refused(by_name, "InvalidGroup.NotFound");
}

#[test]
fn peered_references_and_staleness() {
    let mut k = Kit::new();
    let (a, b) = (k.ctx.clone(), k.as_account(B));
    let vpc_a = k.vpc("10.0.0.0/16");
    let vpc_b = k.vpc_as(&b, "10.1.0.0/16");
    let ga = k.security_group("a-web", Some(&vpc_a));
    let gb = k.security_group_as(&b, "b-app", Some(&vpc_b));
    // Not peered yet.
    let e = k
        .run(authorize(&ga, false, vec![group_peer("-1", &gb, Some(B))]))
        .unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        (
            "InvalidGroup.NotFound",
            "You have specified two resources that belong to different networks."
        )
    );
    let pcx = k.active_peering(&vpc_a, &vpc_b, B, None);
    // Without UserId the group is looked up in the caller's account.
    k.refused(
        authorize(&ga, false, vec![group_peer("-1", &gb, None)]),
        "InvalidGroup.NotFound",
    );
    let rule = ids(k.ok(authorize(
        &ga,
        false,
        vec![group_peer("tcp", &gb, Some(B)).tap_ports(443)],
    )));
    let g = k.w.security_groups.get(&ga).unwrap();
    let r = g.rule(&rule[0]).unwrap().0;
    assert_eq!(
        r.peer,
        Peer::Group {
            group_id: gb.clone(),
            user_id: B.into(),
            vpc_id: Some(vpc_b.clone()),
            vpc_peering_connection_id: Some(pcx.clone())
        }
    );
    assert!(!reference_is_stale(&k.w, g, r));
    let info = reference_info(&k.w, g, &r.peer).unwrap();
    assert_eq!(
        (info.peering_status.as_deref(), info.group_name.as_deref()),
        (Some("active"), None)
    );
    // B sees the reference.
    let refs = references(&k.w, &b, std::slice::from_ref(&gb)).unwrap();
    assert_eq!(
        refs,
        vec![Reference {
            group_id: gb.clone(),
            referencing_vpc_id: vpc_a.clone(),
            vpc_peering_connection_id: pcx.clone()
        }]
    );
    assert_eq!(
        references(&k.w, &a, std::slice::from_ref(&gb))
            .unwrap_err()
            .code,
        "InvalidGroup.NotFound"
    );
    assert!(references(&k.w, &a, std::slice::from_ref(&ga))
        .unwrap()
        .is_empty());
    assert!(stale(&k.w, &a, &vpc_a).unwrap().is_empty());
    // The peering goes away: the rule stays, stale.
    k.run_as(
        &b,
        Command::Peering(peering::Cmd::Delete { id: pcx.clone() }),
    )
    .unwrap();
    let g = k.w.security_groups.get(&ga).unwrap();
    let r = g.rule(&rule[0]).unwrap().0;
    assert!(reference_is_stale(&k.w, g, r));
    let info = reference_info(&k.w, g, &r.peer).unwrap();
    assert_eq!(
        (
            info.peering_status.as_deref(),
            info.vpc_peering_connection_id.as_deref()
        ),
        (Some("deleted"), Some(pcx.as_str()))
    );
    let s = stale(&k.w, &a, &vpc_a).unwrap();
    assert_eq!(s.len(), 1);
    assert_eq!(
        (
            s[0].group.id.as_str(),
            s[0].ingress.len(),
            s[0].egress.len()
        ),
        (ga.as_str(), 1, 0)
    );
    assert!(references(&k.w, &b, std::slice::from_ref(&gb))
        .unwrap()
        .is_empty());
    assert_eq!(
        stale(&k.w, &b, &vpc_a).unwrap_err().code,
        "InvalidVpcID.NotFound"
    );
    // A new peering un-stales it.
    let pcx2 = k.active_peering(&vpc_a, &vpc_b, B, None);
    let g = k.w.security_groups.get(&ga).unwrap();
    assert!(!reference_is_stale(&k.w, g, g.rule(&rule[0]).unwrap().0));
    assert_eq!(
        reference_info(&k.w, g, &g.rule(&rule[0]).unwrap().0.peer)
            .unwrap()
            .vpc_peering_connection_id,
        Some(pcx2.clone())
    );
    // B deletes its group while the peering is active: only references from its own VPC
    // would stop it (AWS), and A's rule is left stale.
    k.run_as(
        &b,
        Command::Sg(Cmd::Delete {
            group: GroupRef::Id(gb.clone()),
        }),
    )
    .unwrap();
    assert!(k.w.security_groups.get(&gb).is_none());
    let g = k.w.security_groups.get(&ga).unwrap();
    assert!(reference_is_stale(&k.w, g, g.rule(&rule[0]).unwrap().0));
    assert_eq!(stale(&k.w, &a, &vpc_a).unwrap().len(), 1);
    // The stale rule can still be revoked by its peer.
    k.ok(revoke(
        &ga,
        vec![group_peer("tcp", &gb, Some(B)).tap_ports(443)],
        vec![],
    ));
    assert!(stale(&k.w, &a, &vpc_a).unwrap().is_empty());
}

#[test]
fn inter_region_references_are_refused() {
    let mut k = Kit::new();
    let b_west = k.in_region(B, "us-west-2");
    let vpc_a = k.vpc("10.0.0.0/16");
    let vpc_b = k.vpc_as(&b_west, "10.1.0.0/16");
    let ga = k.security_group("a", Some(&vpc_a));
    let gb = k.security_group_as(&b_west, "b", Some(&vpc_b));
    k.active_peering(&vpc_a, &vpc_b, B, Some("us-west-2"));
    let e = k
        .run(authorize(&ga, false, vec![group_peer("-1", &gb, Some(B))]))
        .unwrap_err();
    assert_eq!(
        e.message,
        "You have specified two resources that belong to different networks."
    );
}

#[test]
fn describe_and_filters() {
    let mut k = Kit::new();
    let a = k.ctx.clone();
    let vpc = k.vpc("10.0.0.0/16");
    let g = k.security_group("web", Some(&vpc));
    let h = k.security_group("app", Some(&vpc));
    ids(k.ok(authorize(
        &g,
        false,
        vec![tcp(22, "10.0.0.0/8"), group_peer("-1", &h, None)],
    )));
    let find = |w: &World, f: &[(&str, &[&str])]| -> Vec<String> {
        let filters: Vec<Filter> = f.iter().map(|(n, v)| Filter::new(n, v)).collect();
        describe(w, &a, &[], &[], &filters)
            .unwrap()
            .into_iter()
            .map(|g| g.id.clone())
            .collect()
    };
    let cases: &[(&[(&str, &[&str])], Vec<String>)] = &[
        (&[("group-name", &["web"])], vec![g.clone()]),
        (
            &[("vpc-id", &[&vpc]), ("ip-permission.from-port", &["22"])],
            vec![g.clone()],
        ),
        (&[("ip-permission.protocol", &["6"])], vec![g.clone()]),
        (&[("ip-permission.protocol", &["tcp"])], vec![g.clone()]),
        (&[("ip-permission.cidr", &["10.0.0.0/8"])], vec![g.clone()]),
        (&[("ip-permission.group-id", &[&h])], vec![g.clone()]),
        (&[("ip-permission.group-name", &["app"])], vec![g.clone()]),
        (&[("ip-permission.user-id", &[A]), ("vpc-id", &[&vpc])], {
            // Each VPC's default group references itself.
            let mut v = vec![
                g.clone(),
                k.w.vpcs
                    .get(&vpc)
                    .unwrap()
                    .default_security_group_id
                    .clone(),
            ];
            v.sort();
            v
        }),
        (
            &[
                ("egress.ip-permission.cidr", &["0.0.0.0/0"]),
                ("group-name", &["app"]),
            ],
            vec![h.clone()],
        ),
        (
            &[
                ("egress.ip-permission.protocol", &["-1"]),
                ("group-id", &[&h]),
            ],
            vec![h.clone()],
        ),
        (&[("description", &["nope"])], vec![]),
    ];
    for (f, expected) in cases {
        let mut got = find(&k.w, f);
        got.sort();
        let mut want = expected.clone();
        want.sort();
        assert_eq!(got, want, "{f:?}");
    }
    assert_eq!(
        describe(&k.w, &a, &[], &[], &[Filter::new("bogus", &["x"])])
            .unwrap_err()
            .code,
        "InvalidParameterValue"
    );
    assert_eq!(
        describe(&k.w, &a, &["sg-0123456789abcdef0".into()], &[], &[])
            .unwrap_err()
            .code,
        "InvalidGroup.NotFound"
    );
    // GroupName.N means the default VPC.
    assert_eq!(
        describe(&k.w, &a, &[], &["web".into()], &[])
            .unwrap_err()
            .code,
        "InvalidGroup.NotFound"
    );
    let d = describe(&k.w, &a, &[], &["default".into()], &[]).unwrap();
    assert_eq!(d.len(), 1);
    // Rules.
    let rules = describe_rules(&k.w, &a, &[], &[Filter::new("group-id", &[&g])]).unwrap();
    assert_eq!(rules.len(), 3);
    assert_eq!(rules.iter().filter(|r| r.egress).count(), 1);
    let one = rules[0].rule.rule_id.clone();
    let by_id = describe_rules(&k.w, &a, std::slice::from_ref(&one), &[]).unwrap();
    assert_eq!(by_id.len(), 1);
    assert_eq!(
        describe_rules(&k.w, &a, &["sgr-0123456789abcdef0".into()], &[])
            .unwrap_err()
            .code,
        "InvalidSecurityGroupRuleId.NotFound"
    );
    assert_eq!(
        describe_rules(&k.w, &a, &[], &[Filter::new("vpc-id", &["x"])])
            .unwrap_err()
            .code,
        "InvalidParameterValue"
    );
    let b = k.as_account(B);
    assert_eq!(
        describe_rules(&k.w, &b, &[one], &[]).unwrap_err().code,
        "InvalidSecurityGroupRuleId.NotFound"
    );
}

trait TapPorts {
    fn tap_ports(self, port: i64) -> Self;
}

impl TapPorts for Permission {
    fn tap_ports(mut self, port: i64) -> Self {
        self.from_port = Some(port);
        self.to_port = Some(port);
        self
    }
}
