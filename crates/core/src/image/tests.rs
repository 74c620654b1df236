//! The image catalogue and DescribeImages.

use super::*;
use crate::filter::Filter;
use crate::world::Ctx;

fn ctx(region: &str) -> Ctx {
    Ctx::new("111111111111", region, 0)
}

fn names(q: &ImageQuery, region: &str) -> Vec<String> {
    describe_images(&ctx(region), q)
        .unwrap()
        .into_iter()
        .map(|i| i.name)
        .collect()
}

#[test]
fn every_region_offers_the_catalogue_under_its_own_ids() {
    let east = images_in("us-east-1");
    let west = images_in("eu-west-1");
    assert!(east.len() >= 10);
    assert_eq!(east[0].id, AMAZON_LINUX_2023);
    assert_ne!(west[0].id, east[0].id);
    assert!(crate::ids::is_well_formed(&west[0].id, "ami"));
    assert_eq!(find("eu-west-1", &west[0].id).unwrap().name, east[0].name);
    assert!(find("eu-west-1", AMAZON_LINUX_2023).is_none());
    let mut ids: Vec<_> = east.iter().map(|i| i.id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), east.len(), "ids are unique");
}

#[test]
fn launch_checks_shape_then_existence() {
    assert!(check_launchable("us-east-1", AMAZON_LINUX_2023).is_ok());
    let e = check_launchable("us-east-1", "ami-12345678").unwrap_err();
    assert_eq!(e.code, "InvalidAMIID.NotFound");
    assert_eq!(e.message, "The image id '[ami-12345678]' does not exist");
    let e = check_launchable("us-east-1", "ami-xyz").unwrap_err();
    assert_eq!(e.code, "InvalidAMIID.Malformed");
}

#[test]
fn owners_executable_users_and_filters() {
    let amazon = ImageQuery {
        owners: vec!["amazon".into()],
        filters: vec![
            Filter::new("name", &["al2023-ami-2023.*-x86_64"]),
            Filter::new("architecture", &["x86_64"]),
        ],
        ..ImageQuery::default()
    };
    assert_eq!(
        names(&amazon, "eu-north-1"),
        ["al2023-ami-2023.6.20241212.0-kernel-6.1-x86_64"]
    );
    let canonical = ImageQuery {
        owners: vec!["099720109477".into()],
        filters: vec![Filter::new(
            "name",
            &["ubuntu/images/*ubuntu-noble-24.04-arm64-server-*"],
        )],
        ..ImageQuery::default()
    };
    assert_eq!(names(&canonical, "us-east-1").len(), 1);
    let market = ImageQuery {
        owners: vec!["aws-marketplace".into()],
        ..ImageQuery::default()
    };
    assert_eq!(names(&market, "us-east-1").len(), 1);
    let mine = ImageQuery {
        owners: vec!["self".into()],
        ..ImageQuery::default()
    };
    assert!(names(&mine, "us-east-1").is_empty());
    let windows = ImageQuery {
        filters: vec![Filter::new("platform", &["windows"])],
        executable_users: vec!["all".into()],
        ..ImageQuery::default()
    };
    assert_eq!(names(&windows, "us-east-1").len(), 2);
    let explicit = ImageQuery {
        executable_users: vec!["self".into()],
        ..ImageQuery::default()
    };
    assert!(names(&explicit, "us-east-1").is_empty());
    let bad = ImageQuery {
        filters: vec![Filter::new("bogus", &["x"])],
        ..ImageQuery::default()
    };
    assert_eq!(
        describe_images(&ctx("us-east-1"), &bad).unwrap_err().code,
        "InvalidParameterValue"
    );
    let unknown = ImageQuery {
        image_ids: vec!["ami-0123456789abcdef0".into()],
        ..ImageQuery::default()
    };
    assert_eq!(
        describe_images(&ctx("us-east-1"), &unknown)
            .unwrap_err()
            .code,
        "InvalidAMIID.NotFound"
    );
}
