//! The key-pair area's tests, on the shared kit.

use super::*;
use crate::eni::Launch;
use crate::filter::Filter;
use crate::tags::TagSpec;
use crate::testkit::eni::launch;
use crate::testkit::keypair::new_key;
use crate::testkit::{Kit, B};
use crate::Kind;

/// Names in name order (a describe lists in id order).
fn names(found: Vec<&KeyPair>) -> Vec<String> {
    let mut v: Vec<String> = found.into_iter().map(|k| k.name.clone()).collect();
    v.sort();
    v
}

#[test]
fn a_name_is_unique_per_account_and_region() {
    let mut k = Kit::new();
    let id = k.key_pair("deploy");
    assert!(Kind::KeyPair.is_well_formed(&id), "{id}");
    let kp = k.w.key_pairs.get(&id).unwrap();
    assert_eq!((kp.name.as_str(), kp.created), ("deploy", 1_000));
    k.refused(Cmd::Create(new_key("deploy")), "InvalidKeyPair.Duplicate");
    k.refused(Cmd::Import(new_key("deploy")), "InvalidKeyPair.Duplicate");
    // Another account, and another Region, have their own names.
    let b = k.as_account(B);
    k.id_as(&b, Cmd::Create(new_key("deploy")));
    let west = k.in_region(crate::testkit::A, "us-west-2");
    k.id_as(&west, Cmd::Import(new_key("deploy")));
    assert_eq!(k.w.key_pairs.count_in(k.ctx.scope()), 1);
}

#[test]
fn key_pairs_per_region_are_limited() {
    // AWS's 5,000 by default; the quota can be set lower (or raised).
    assert_eq!(
        Kit::new()
            .w
            .config
            .quotas
            .limit(crate::testkit::A, "key-pairs-per-region"),
        Some(5000)
    );
    let mut k = Kit::with_quotas(&["key-pairs-per-region=2"]);
    k.key_pair("a");
    k.key_pair("b");
    k.refused(Cmd::Import(new_key("c")), "ResourceLimitExceeded");
    k.refused(Cmd::Create(new_key("c")), "ResourceLimitExceeded");
    // Per Region and account; deleting one makes room.
    let west = k.in_region(crate::testkit::A, "us-west-2");
    k.id_as(&west, Cmd::Create(new_key("c")));
    let b = k.as_account(B);
    k.id_as(&b, Cmd::Create(new_key("c")));
    k.ok(Cmd::Delete {
        key_name: Some("a".into()),
        key_pair_id: None,
    });
    k.key_pair("c");
}

#[test]
fn names_are_ascii_and_at_most_255_characters() {
    let mut k = Kit::new();
    k.refused(Cmd::Create(new_key("")), "MissingParameter");
    k.refused(Cmd::Create(new_key("clé")), "InvalidParameterValue");
    k.refused(
        Cmd::Create(new_key(&"k".repeat(256))),
        "InvalidParameterValue",
    );
    k.key_pair(&"k".repeat(255));
    k.key_pair("with spaces & symbols!");
}

#[test]
fn tags_on_creation_take_the_key_pair_type_only() {
    let mut k = Kit::new();
    let mut new = new_key("tagged");
    new.tags = vec![TagSpec {
        resource_type: "instance".into(),
        tags: vec![("a".into(), "b".into())],
    }];
    k.refused(Cmd::Create(new.clone()), "InvalidParameterValue");
    new.tags[0].resource_type = "key-pair".into();
    let id = k.id(Cmd::Create(new));
    let found = describe(&k.w, &k.ctx, &[], &[], &[Filter::new("tag:a", &["b"])]).unwrap();
    assert_eq!(found.iter().map(|p| p.id.clone()).collect::<Vec<_>>(), [id]);
}

#[test]
fn delete_by_name_or_id() {
    let mut k = Kit::new();
    let a = k.key_pair("a");
    let b = k.key_pair("b");
    // An unknown name succeeds and deletes nothing, as AWS answers.
    assert_eq!(
        k.ok(Cmd::Delete {
            key_name: Some("nope".into()),
            key_pair_id: None
        }),
        Output::Done
    );
    k.refused(
        Cmd::Delete {
            key_name: None,
            key_pair_id: Some("key-0123456789abcdef0".into()),
        },
        "InvalidKeyPair.NotFound",
    );
    k.refused(
        Cmd::Delete {
            key_name: None,
            key_pair_id: None,
        },
        "MissingParameter",
    );
    assert_eq!(
        k.ok(Cmd::Delete {
            key_name: Some("a".into()),
            key_pair_id: None
        }),
        Output::Id(a)
    );
    // Another account cannot see b.
    let other = k.as_account(B);
    k.refused_as(
        &other,
        Cmd::Delete {
            key_name: None,
            key_pair_id: Some(b.clone()),
        },
        "InvalidKeyPair.NotFound",
    );
    k.ok(Cmd::Delete {
        key_name: None,
        key_pair_id: Some(b),
    });
    assert!(k.w.key_pairs.is_empty());
    // The name is free again.
    k.key_pair("a");
}

#[test]
fn describe_by_names_ids_and_filters() {
    let mut k = Kit::new();
    let a = k.key_pair("alpha");
    k.key_pair("beta");
    let mut rsa = new_key("gamma");
    rsa.key_type = KeyType::Rsa;
    rsa.fingerprint = "1f:51:ae".into();
    k.id(Cmd::Import(rsa));
    let d = |k: &Kit, names: &[&str], ids: &[&str], f: &[Filter]| {
        let names: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        let ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        describe(&k.w, &k.ctx, &names, &ids, f).map(names_of)
    };
    fn names_of(v: Vec<&KeyPair>) -> Vec<String> {
        names(v)
    }
    assert_eq!(d(&k, &[], &[], &[]).unwrap().len(), 3);
    assert_eq!(d(&k, &["beta"], &[&a], &[]).unwrap(), ["alpha", "beta"]);
    assert_eq!(
        d(&k, &["nope"], &[], &[]).unwrap_err().code,
        "InvalidKeyPair.NotFound"
    );
    assert_eq!(
        d(&k, &[], &["key-0123456789abcdef0"], &[])
            .unwrap_err()
            .code,
        "InvalidKeyPair.NotFound"
    );
    assert_eq!(
        d(&k, &[], &[], &[Filter::new("key-type", &["rsa"])]).unwrap(),
        ["gamma"]
    );
    assert_eq!(
        d(&k, &[], &[], &[Filter::new("key-name", &["*a"])]).unwrap(),
        ["alpha", "beta", "gamma"]
    );
    assert_eq!(
        d(&k, &[], &[], &[Filter::new("fingerprint", &["1f:51:ae"])]).unwrap(),
        ["gamma"]
    );
    assert_eq!(
        d(&k, &[], &[], &[Filter::new("key-pair-id", &[&a])]).unwrap(),
        ["alpha"]
    );
    assert_eq!(
        d(&k, &[], &[], &[Filter::new("owner-id", &["x"])])
            .unwrap_err()
            .code,
        "InvalidParameterValue"
    );
    // Another account sees none of them.
    let other = k.as_account(B);
    assert!(describe(&k.w, &other, &[], &[], &[]).unwrap().is_empty());
}

#[test]
fn run_instances_needs_a_known_key_name() {
    let mut k = Kit::new();
    let with_key = |name: &str| Launch {
        key_name: Some(name.into()),
        ..launch(None, 1, 1)
    };
    k.refused(
        crate::eni::Cmd::RunInstances(Box::new(with_key("missing"))),
        "InvalidKeyPair.NotFound",
    );
    k.key_pair("present");
    let ids = k.launch(with_key("present"));
    assert_eq!(
        k.instance(&ids[0]).details.key_name.as_deref(),
        Some("present")
    );
}
