//! Rules of §3.7: AWS-managed and customer-managed lists, entries, versions, references.

use ipnet::IpNet;

use super::*;
use crate::region::RegionDef;
use crate::route::{Destination, Origin, Route, Target};
use crate::sg::{Peer, Rule};
use crate::tags::TagSpec;
use crate::testkit::{Kit, A, B};
use crate::world::{Scope, World};
use crate::{Config, Filter};

const EAST: &str = "us-east-1";
const WEST: &str = "us-west-2";

fn spec(cidr: &str, description: Option<&str>) -> EntrySpec {
    EntrySpec {
        cidr: cidr.into(),
        description: description.map(str::to_string),
    }
}

fn create_cmd(name: &str, family: &str, max: i64, cidrs: &[&str]) -> Cmd {
    Cmd::Create {
        name: name.into(),
        entries: cidrs.iter().map(|c| spec(c, None)).collect(),
        max_entries: max,
        address_family: family.into(),
        tags: vec![],
        client_token: None,
    }
}

/// A ModifyManagedPrefixList under construction.
#[derive(Default, Clone)]
struct M {
    id: String,
    current_version: Option<i64>,
    name: Option<String>,
    add: Vec<EntrySpec>,
    remove: Vec<String>,
    max_entries: Option<i64>,
}

impl M {
    fn cmd(self) -> Cmd {
        Cmd::Modify {
            id: self.id,
            current_version: self.current_version,
            name: self.name,
            add: self.add,
            remove: self.remove,
            max_entries: self.max_entries,
        }
    }

    fn add(mut self, cidrs: &[&str]) -> Self {
        self.add = cidrs.iter().map(|c| spec(c, None)).collect();
        self
    }
}

fn m(id: &str) -> M {
    M {
        id: id.into(),
        ..M::default()
    }
}

fn modify(id: &str) -> Cmd {
    m(id).cmd()
}

fn cidr_strings(entries: &[Entry]) -> Vec<String> {
    entries.iter().map(|e| e.cidr.to_string()).collect()
}

/// Runs each command: `Ok(())` must succeed, `Err(code)` must be refused with `code`.
fn expect_all(k: &mut Kit, cases: Vec<(Cmd, std::result::Result<(), &str>)>) {
    for (cmd, expected) in cases {
        match expected {
            Ok(()) => {
                k.ok(cmd);
            }
            Err(code) => {
                k.refused(cmd, code);
            }
        }
    }
}

#[test]
fn aws_managed_lists_exist_in_every_region_for_every_account() {
    let mut k = Kit::new();
    let b = k.as_account(B);
    let (w, c) = (&k.w, &k.ctx);
    let a = describe(w, c, &[], &[]).unwrap();
    let names: Vec<_> = a.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "com.amazonaws.us-east-1.dynamodb",
            "com.amazonaws.us-east-1.s3"
        ]
    );
    let a: Vec<PrefixList> = a.into_iter().rev().collect();
    assert_eq!(a[0].id, "pl-63a5400a");
    assert_eq!(a[1].id, "pl-02cd2c6b");
    assert_eq!(a[0].owner_id(), "AWS");
    assert_eq!(
        a[0].arn(),
        "arn:aws:ec2:us-east-1:aws:prefix-list/pl-63a5400a"
    );
    assert_eq!(a[0].max_entries as usize, a[0].entries().len());
    assert_eq!((a[0].version, a[0].state), (1, State::CreateComplete));
    assert_eq!(
        describe(w, c, &[], &[]).unwrap(),
        describe(w, &b, &[], &[]).unwrap()
    );
    assert!(exists_for(w, &Scope::new(B, EAST), "pl-63a5400a"));
    assert!(!exists_for(w, &Scope::new(B, WEST), "pl-63a5400a"));
    // Ids and blocks are unique across the default Regions, never private, and stable.
    let mut ids = Vec::new();
    let mut blocks: Vec<IpNet> = Vec::new();
    for r in RegionDef::defaults() {
        for pl in aws_managed(w, &r.name) {
            assert!(crate::ids::is_well_formed(&pl.id, "pl") && pl.id.len() == 11);
            ids.push(pl.id.clone());
            for c in cidrs(w, &pl.id) {
                let IpNet::V4(v4) = c else { panic!() };
                assert!(!v4.network().is_private() && !v4.network().is_documentation());
                assert!(blocks.iter().all(|b| !b.contains(&c) && !c.contains(b)));
                blocks.push(c);
            }
        }
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 2 * RegionDef::defaults().len());
    assert_eq!(
        aws_managed_cidrs(EAST, "s3"),
        vec![
            "52.216.0.0/22".parse::<IpNet>().unwrap(),
            "54.231.0.0/24".parse().unwrap()
        ]
    );
    assert_eq!(
        aws_managed_cidrs("eu-north-9", "dynamodb"),
        aws_managed_cidrs("eu-north-9", "dynamodb")
    );
    // Not served Regions have none.
    assert!(aws_managed(w, "mars-1").is_empty());
}

#[test]
fn aws_managed_lists_are_read_only() {
    let mut k = Kit::new();
    k.refused(modify("pl-63a5400a"), "OperationNotPermitted");
    k.refused(
        Cmd::Delete {
            id: "pl-02cd2c6b".into(),
        },
        "OperationNotPermitted",
    );
    // Another Region's AWS-managed list is not found here.
    let west = aws_managed_id(WEST, "s3");
    k.refused(modify(&west), "InvalidPrefixListID.NotFound");
}

#[test]
fn create_validates_everything() {
    let mut k = Kit::new();
    let cases: Vec<(Cmd, std::result::Result<(), &str>)> = vec![
        (create_cmd("", "IPv4", 5, &[]), Err("InvalidParameterValue")),
        (
            create_cmd(&"x".repeat(256), "IPv4", 5, &[]),
            Err("InvalidParameterValue"),
        ),
        (
            create_cmd("com.amazonaws.mine", "IPv4", 5, &[]),
            Err("InvalidParameterValue"),
        ),
        (
            create_cmd("n", "ipv4", 5, &[]),
            Err("InvalidParameterValue"),
        ),
        (
            create_cmd("n", "IPv4", 0, &[]),
            Err("InvalidParameterValue"),
        ),
        (
            create_cmd("n", "IPv4", 1001, &[]),
            Err("InvalidParameterValue"),
        ),
        (
            create_cmd("n", "IPv4", 5, &["nonsense"]),
            Err("InvalidParameterValue"),
        ),
        (
            create_cmd("n", "IPv4", 5, &["2001:db8::/32"]),
            Err("InvalidParameterValue"),
        ),
        (
            create_cmd("n", "IPv6", 5, &["10.0.0.0/8"]),
            Err("InvalidParameterValue"),
        ),
        (
            create_cmd("n", "IPv4", 1, &["10.0.0.0/8", "11.0.0.0/8"]),
            Err("InvalidParameterValue"),
        ),
        (
            create_cmd("n", "IPv4", 5, &["10.0.0.0/8", "10.0.0.1/8"]),
            Err("InvalidPrefixListModification"),
        ),
        (
            Cmd::Create {
                name: "n".into(),
                entries: (0..101)
                    .map(|i| spec(&format!("10.{i}.0.0/16"), None))
                    .collect(),
                max_entries: 1000,
                address_family: "IPv4".into(),
                tags: vec![],
                client_token: None,
            },
            Err("InvalidParameterValue"),
        ),
        (
            Cmd::Create {
                name: "n".into(),
                entries: vec![spec("10.0.0.0/8", Some(&"d".repeat(256)))],
                max_entries: 5,
                address_family: "IPv4".into(),
                tags: vec![],
                client_token: None,
            },
            Err("InvalidParameterValue"),
        ),
        (
            Cmd::Create {
                name: "n".into(),
                entries: vec![],
                max_entries: 5,
                address_family: "IPv4".into(),
                tags: vec![TagSpec {
                    resource_type: "vpc".into(),
                    tags: vec![],
                }],
                client_token: None,
            },
            Err("InvalidParameterValue"),
        ),
        (create_cmd("n", "IPv4", 1, &["10.0.0.0/8"]), Ok(())),
        (create_cmd("n6", "IPv6", 2, &["2001:DB8::/32"]), Ok(())),
        (create_cmd("empty", "IPv4", 1000, &[]), Ok(())),
    ];
    expect_all(&mut k, cases);
    let mine = describe(&k.w, &k.ctx, &[], &[Filter::new("owner-id", &[A])]).unwrap();
    assert_eq!(mine.len(), 3);
    let v6 = mine.iter().find(|p| p.name == "n6").unwrap();
    assert_eq!(v6.address_family, AddressFamily::IPv6);
    assert_eq!(cidr_strings(v6.entries()), ["2001:db8::/32"]);
    assert!(v6.id.len() == 20 && crate::ids::is_well_formed(&v6.id, "pl"));
    assert_eq!(
        v6.arn(),
        format!("arn:aws:ec2:us-east-1:{A}:prefix-list/{}", v6.id)
    );
}

#[test]
fn create_canonicalises_sorts_and_tags() {
    let mut k = Kit::new();
    let id = k.id(Cmd::Create {
        name: "corp".into(),
        entries: vec![
            spec("192.168.1.7/24", Some("b")),
            spec("10.0.0.0/8", Some("")),
        ],
        max_entries: 5,
        address_family: "IPv4".into(),
        tags: vec![TagSpec {
            resource_type: "prefix-list".into(),
            tags: vec![("Name".into(), "corp".into())],
        }],
        client_token: None,
    });
    let pl = k.w.prefix_lists.get(&id).unwrap();
    assert_eq!(cidr_strings(pl.entries()), ["10.0.0.0/8", "192.168.1.0/24"]);
    assert_eq!(pl.entries()[0].description, None);
    assert_eq!(pl.entries()[1].description.as_deref(), Some("b"));
    let tagged = describe(&k.w, &k.ctx, &[], &[Filter::new("tag:Name", &["corp"])]).unwrap();
    assert_eq!(tagged.len(), 1);
    assert_eq!(tagged[0].id, id);
}

#[test]
fn client_token_makes_create_idempotent() {
    let mut k = Kit::new();
    let cmd = |name: &str| Cmd::Create {
        name: name.into(),
        entries: vec![],
        max_entries: 5,
        address_family: "IPv4".into(),
        tags: vec![],
        client_token: Some("tok".into()),
    };
    let first = k.ok(cmd("a"));
    assert_eq!(k.ok(cmd("a")), first);
    assert_eq!(k.w.prefix_lists.len(), 1);
    k.refused(cmd("b"), "IdempotentParameterMismatch");
}

#[test]
fn quota_only_when_configured() {
    let mut config = Config::default();
    config
        .quotas
        .set_from_arg("prefix-lists-per-region=1")
        .unwrap();
    let mut k = Kit::with(config, 1, 1_000);
    k.prefix_list(&[]);
    k.refused(create_cmd("two", "IPv4", 1, &[]), "PrefixListLimitExceeded");
    // Another Region and another account are counted apart.
    let west = k.in_region(A, WEST);
    k.run_as(&west, create_cmd("two", "IPv4", 1, &[])).unwrap();
    let b = k.as_account(B);
    k.run_as(&b, create_cmd("two", "IPv4", 1, &[])).unwrap();
    let mut k = Kit::new();
    for _ in 0..5 {
        k.prefix_list(&[]);
    }
}

#[test]
fn modify_versions_entries_and_checks_current_version() {
    let mut k = Kit::new();
    let id = k.prefix_list(&["10.0.0.0/16", "10.1.0.0/16"]);
    // Renaming keeps the version.
    let rename = M {
        name: Some("renamed".into()),
        ..m(&id)
    }
    .cmd();
    k.ok(rename);
    let pl = k.w.prefix_lists.get(&id).unwrap();
    assert_eq!((pl.name.as_str(), pl.version), ("renamed", 1));
    assert_eq!(pl.state, State::ModifyComplete);
    // Entries change: version 2.
    let change = M {
        current_version: Some(1),
        add: vec![spec("10.2.0.0/16", Some("new"))],
        remove: vec!["10.0.0.0/16".into()],
        ..m(&id)
    }
    .cmd();
    k.ok(change.clone());
    assert_eq!(k.w.prefix_lists.get(&id).unwrap().version, 2);
    // The same call again is stale now.
    k.refused(change, "PrefixListVersionMismatch");
    k.refused(
        M {
            current_version: Some(0),
            ..m(&id)
        }
        .cmd(),
        "InvalidParameterValue",
    );
    let (w, c) = (&k.w, &k.ctx);
    assert_eq!(
        cidr_strings(&entries(w, c, &id, None).unwrap()),
        ["10.1.0.0/16", "10.2.0.0/16"]
    );
    assert_eq!(
        cidr_strings(&entries(w, c, &id, Some(1)).unwrap()),
        ["10.0.0.0/16", "10.1.0.0/16"]
    );
    for bad in [0, 3] {
        assert_eq!(
            entries(w, c, &id, Some(bad)).unwrap_err().code,
            "InvalidParameterValue"
        );
    }
    let e = entries(w, c, &id, None).unwrap();
    assert_eq!(e[1].description.as_deref(), Some("new"));
}

#[test]
fn modify_refuses_bad_changes() {
    let mut k = Kit::new();
    let id = k.prefix_list(&["10.0.0.0/16", "10.1.0.0/16"]);
    let cases: Vec<(Cmd, std::result::Result<(), &str>)> = vec![
        (
            modify("pl-0123456789abcdef0"),
            Err("InvalidPrefixListID.NotFound"),
        ),
        (
            M {
                name: Some("com.amazonaws.x".into()),
                ..m(&id)
            }
            .cmd(),
            Err("InvalidParameterValue"),
        ),
        (
            M {
                max_entries: Some(20),
                ..m(&id).add(&["10.5.0.0/16"])
            }
            .cmd(),
            Err("InvalidParameterCombination"),
        ),
        (
            m(&id).add(&["10.0.0.0/16"]).cmd(),
            Err("InvalidPrefixListModification"),
        ),
        (
            m(&id).add(&["10.7.0.0/16", "10.7.0.0/16"]).cmd(),
            Err("InvalidPrefixListModification"),
        ),
        (
            m(&id).add(&["2001:db8::/32"]).cmd(),
            Err("InvalidParameterValue"),
        ),
        (m(&id).add(&["bogus"]).cmd(), Err("InvalidParameterValue")),
        (
            M {
                remove: vec!["10.9.0.0/16".into()],
                ..m(&id)
            }
            .cmd(),
            Err("InvalidPrefixListModification"),
        ),
        (
            M {
                remove: vec!["junk".into()],
                ..m(&id)
            }
            .cmd(),
            Err("InvalidParameterValue"),
        ),
        (
            M {
                remove: vec!["10.0.0.0/16".into()],
                ..m(&id).add(&["10.0.0.0/16"])
            }
            .cmd(),
            Err("InvalidPrefixListModification"),
        ),
        (
            M {
                add: (0..101)
                    .map(|i| spec(&format!("11.{i}.0.0/16"), None))
                    .collect(),
                ..m(&id)
            }
            .cmd(),
            Err("InvalidParameterValue"),
        ),
        (
            M {
                max_entries: Some(1),
                ..m(&id)
            }
            .cmd(),
            Err("InvalidPrefixListModification"),
        ),
        (
            M {
                max_entries: Some(1001),
                ..m(&id)
            }
            .cmd(),
            Err("InvalidParameterValue"),
        ),
        (
            M {
                max_entries: Some(2),
                ..m(&id)
            }
            .cmd(),
            Ok(()),
        ),
        (
            m(&id).add(&["10.3.0.0/16"]).cmd(),
            Err("InvalidPrefixListModification"),
        ),
        (
            M {
                max_entries: Some(3),
                ..m(&id)
            }
            .cmd(),
            Ok(()),
        ),
        (m(&id).add(&["10.3.0.0/16"]).cmd(), Ok(())),
    ];
    expect_all(&mut k, cases);
    let pl = k.w.prefix_lists.get(&id).unwrap();
    assert_eq!((pl.max_entries, pl.version, pl.entries().len()), (3, 2, 3));
    // Another account cannot see or change it.
    let b = k.as_account(B);
    k.refused_as(&b, modify(&id), "InvalidPrefixListID.NotFound");
    let west = k.in_region(A, WEST);
    k.refused_as(
        &west,
        Cmd::Delete { id: id.clone() },
        "InvalidPrefixListID.NotFound",
    );
}

#[test]
fn old_versions_are_dropped_after_the_limit() {
    let mut k = Kit::new();
    let id = k.prefix_list(&[]);
    for i in 0..MAX_VERSIONS {
        let cidr = format!("10.{}.{}.0/24", i / 256, i % 256);
        let cmd = if i % 2 == 0 {
            m(&id).add(&[cidr.as_str()]).cmd()
        } else {
            let prev = format!("10.{}.{}.0/24", (i - 1) / 256, (i - 1) % 256);
            M {
                remove: vec![prev],
                ..m(&id)
            }
            .cmd()
        };
        k.ok(cmd);
    }
    let pl = k.w.prefix_lists.get(&id).unwrap();
    assert_eq!(pl.version, MAX_VERSIONS + 1);
    assert_eq!(pl.versions.len() as u64, MAX_VERSIONS);
    assert!(entries(&k.w, &k.ctx, &id, Some(1)).is_err());
    assert!(entries(&k.w, &k.ctx, &id, Some(2)).is_ok());
}

#[test]
fn delete_refuses_referenced_lists_and_associations_list_them() {
    let mut k = Kit::new();
    let id = k.prefix_list(&["10.9.0.0/16"]);
    let vpc = k.vpc("10.0.0.0/16");
    let b = k.as_account(B);
    let w = &mut k.w;
    let v = w.vpcs.get(&vpc).unwrap().clone();
    let rtb = v.main_route_table_id.clone();
    let sg = v.default_security_group_id.clone();
    w.route_tables.get_mut(&rtb).unwrap().routes.push(Route {
        destination: Destination::PrefixList(id.clone()),
        target: Target::Gateway("igw-0123456789abcdef0".into()),
        origin: Origin::CreateRoute,
    });
    w.security_groups.get_mut(&sg).unwrap().egress.push(Rule {
        rule_id: "sgr-0123456789abcdef0".into(),
        protocol: crate::Protocol::All,
        from_port: None,
        to_port: None,
        peer: Peer::PrefixList(id.clone()),
        description: None,
    });
    // An S3 reference in the same table.
    w.route_tables.get_mut(&rtb).unwrap().routes.push(Route {
        destination: Destination::PrefixList("pl-63a5400a".into()),
        target: Target::GatewayEndpoint("vpce-0123456789abcdef0".into()),
        origin: Origin::CreateRoute,
    });
    let c = &k.ctx;
    let mut expected = vec![(rtb.clone(), A.to_string()), (sg.clone(), A.to_string())];
    expected.sort();
    assert_eq!(associations(&k.w, c, &id).unwrap(), expected);
    assert_eq!(
        associations(&k.w, c, "pl-63a5400a").unwrap(),
        vec![(rtb.clone(), A.to_string())]
    );
    assert!(associations(&k.w, &b, "pl-63a5400a").unwrap().is_empty());
    assert_eq!(
        associations(&k.w, &b, &id).unwrap_err().code,
        "InvalidPrefixListID.NotFound"
    );
    k.refused(Cmd::Delete { id: id.clone() }, "DependencyViolation");
    k.w.route_tables
        .get_mut(&rtb)
        .unwrap()
        .routes
        .retain(|r| r.destination != Destination::PrefixList(id.clone()));
    k.refused(Cmd::Delete { id: id.clone() }, "DependencyViolation");
    k.w.security_groups.get_mut(&sg).unwrap().egress.pop();
    k.ok(Cmd::Delete { id: id.clone() });
    assert!(k.w.prefix_lists.get(&id).is_none());
    k.refused(
        Cmd::Delete { id: id.clone() },
        "InvalidPrefixListID.NotFound",
    );
}

#[test]
fn lookups_for_routes_and_rules() {
    let mut k = Kit::new();
    let id = k.prefix_list(&["10.9.0.0/16", "10.8.0.0/16"]);
    let w = &k.w;
    assert!(exists_for(w, k.ctx.scope(), &id));
    assert!(!exists_for(w, &Scope::new(B, EAST), &id));
    assert!(!exists_for(w, &Scope::new(A, WEST), &id));
    assert_eq!(
        cidrs(w, &id),
        vec![
            "10.8.0.0/16".parse::<IpNet>().unwrap(),
            "10.9.0.0/16".parse().unwrap()
        ]
    );
    assert_eq!(max_entries(w, &id), 10);
    assert_eq!(max_entries(w, "pl-63a5400a"), 2);
    assert_eq!(max_entries(w, "pl-0000000000000000f"), 0);
    assert!(cidrs(w, "pl-0000000000000000f").is_empty());
    assert_eq!(cidrs(w, "pl-02cd2c6b"), aws_managed_cidrs(EAST, "dynamodb"));
    assert_eq!(address_family(w, &id), Some(AddressFamily::IPv4));
    assert_eq!(address_family(w, "pl-02cd2c6b"), Some(AddressFamily::IPv4));
    assert!(is_aws_managed(w, &aws_managed_id(WEST, "s3")));
    assert!(!is_aws_managed(w, &id));
    assert!(sort_key(&"10.9.0.0/16".parse().unwrap()) > sort_key(&"9.0.0.0/8".parse().unwrap()));
}

#[test]
fn describe_ids_filters_and_visibility() {
    let mut k = Kit::new();
    let id = k.prefix_list(&[]);
    let b = k.as_account(B);
    let other = k.id_as(&b, create_cmd("corp", "IPv4", 10, &[]));
    let west = k.in_region(A, WEST);
    let (w, c) = (&k.w, &k.ctx);
    let ids = |v: Vec<PrefixList>| v.into_iter().map(|p| p.id).collect::<Vec<_>>();
    let mut all = vec!["pl-02cd2c6b", "pl-63a5400a", id.as_str()];
    all.sort();
    assert_eq!(ids(describe(w, c, &[], &[]).unwrap()), all);
    assert_eq!(
        ids(describe(w, c, &[], &[Filter::new("owner-id", &["AWS"])]).unwrap()),
        ["pl-02cd2c6b", "pl-63a5400a"]
    );
    assert_eq!(
        ids(describe(w, c, &[], &[Filter::new("prefix-list-name", &["*.s3"])]).unwrap()),
        ["pl-63a5400a"]
    );
    assert_eq!(
        ids(describe(w, c, &[], &[Filter::new("prefix-list-id", &[&id])]).unwrap()),
        [id.as_str()]
    );
    assert_eq!(
        ids(describe(w, c, &["pl-02cd2c6b".into()], &[]).unwrap()),
        ["pl-02cd2c6b"]
    );
    for bad in [other.as_str(), "pl-0123456789abcdef0"] {
        assert_eq!(
            describe(w, c, &[bad.to_string()], &[]).unwrap_err().code,
            "InvalidPrefixListID.NotFound"
        );
        assert_eq!(
            entries(w, c, bad, None).unwrap_err().code,
            "InvalidPrefixListID.NotFound"
        );
    }
    assert_eq!(
        describe(w, c, &[], &[Filter::new("vpc-id", &["x"])])
            .unwrap_err()
            .code,
        "InvalidParameterValue"
    );
    // Another Region's lists.
    assert_eq!(
        ids(describe(w, &west, &[], &[]).unwrap()),
        [aws_managed_id(WEST, "s3"), aws_managed_id(WEST, "dynamodb")]
    );
    assert_eq!(
        describe(w, &west, &["pl-63a5400a".into()], &[])
            .unwrap_err()
            .code,
        "InvalidPrefixListID.NotFound"
    );
}

#[test]
fn legacy_describe_lists_only_service_lists() {
    let mut k = Kit::new();
    let id = k.prefix_list(&[]);
    let (w, c) = (&k.w, &k.ctx);
    let got = describe_legacy(w, c, &[], &[]).unwrap();
    assert_eq!(got.len(), 2);
    let got = describe_legacy(
        w,
        c,
        &[],
        &[Filter::new(
            "prefix-list-name",
            &["com.amazonaws.us-east-1.dynamodb"],
        )],
    )
    .unwrap();
    assert_eq!(got[0].id, "pl-02cd2c6b");
    assert_eq!(
        describe_legacy(w, c, &["pl-63a5400a".into()], &[]).unwrap()[0].name,
        "com.amazonaws.us-east-1.s3"
    );
    assert_eq!(
        describe_legacy(w, c, &[id], &[]).unwrap_err().code,
        "InvalidPrefixListId.NotFound"
    );
    assert_eq!(
        describe_legacy(w, c, &[], &[Filter::new("owner-id", &["AWS"])])
            .unwrap_err()
            .code,
        "InvalidParameterValue"
    );
}

#[test]
fn entries_of_aws_managed_lists() {
    let mut k = Kit::new();
    let c = k.as_account(B);
    let w = &k.w;
    let e = entries(w, &c, "pl-63a5400a", None).unwrap();
    assert_eq!(cidr_strings(&e), ["52.216.0.0/22", "54.231.0.0/24"]);
    assert!(e.iter().all(|e| e.description.is_none()));
    assert!(entries(w, &c, "pl-63a5400a", Some(1)).is_ok());
    assert!(entries(w, &c, "pl-63a5400a", Some(2)).is_err());
}

#[test]
fn snapshots_round_trip() {
    let mut k = Kit::new();
    let id = k.prefix_list(&["10.0.0.0/8"]);
    let (w, c) = (&k.w, &k.ctx);
    let text = serde_json::to_string(w).unwrap();
    let mut back: World = serde_json::from_str(&text).unwrap();
    back.restore(Config::default());
    assert_eq!(
        back.prefix_lists.get_in(c.scope(), &id),
        w.prefix_lists.get(&id)
    );
    assert_eq!(back.prefix_lists.count_in(c.scope()), 1);
}
