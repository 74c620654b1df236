//! The kit's own checks: what area tests rely on.

use super::*;
use crate::vpc;

#[test]
fn a_refused_command_is_reported_with_its_code_and_changes_nothing() {
    let mut k = Kit::new();
    let e = k.refused(
        vpc::Cmd::Delete {
            vpc_id: "vpc-0123456789abcdef0".into(),
        },
        "InvalidVpcID.NotFound",
    );
    assert!(e.message.contains("vpc-0123456789abcdef0"));
}

#[test]
#[should_panic(expected = "expected InvalidVpcID.NotFound")]
fn a_command_that_succeeds_where_a_refusal_was_expected_fails_the_test() {
    let mut k = Kit::new();
    k.refused(
        network::create_vpc("10.0.0.0/16", false),
        "InvalidVpcID.NotFound",
    );
}

#[test]
fn accounts_and_regions_get_their_defaults_on_first_use() {
    let mut k = Kit::new();
    let b = k.as_account(B);
    let c = k.in_region(C, "eu-west-1");
    assert!(k.w.scope_ready(b.scope()) && k.w.scope_ready(c.scope()));
    let v = k.id_as(&b, network::create_vpc("10.1.0.0/16", false));
    assert_eq!(k.w.vpcs.get(&v).unwrap().scope.account, B);
    assert_eq!(k.ctx.account(), A);
    assert_eq!(k.ctx.region(), REGION);
}

#[test]
fn builders_make_what_they_name_and_the_clock_moves() {
    let mut k = Kit::new();
    let v = k.vpc_v6("10.0.0.0/16");
    let s = k.subnet(&v, "10.0.1.0/24", Some("us-east-1b"));
    assert_eq!(k.w.subnets.get(&s).unwrap().vpc_id, v);
    assert_eq!(k.w.vpcs.get(&v).unwrap().ipv6_cidrs.len(), 1);
    let before = k.ctx.now;
    k.advance(5);
    assert_eq!(k.ctx.now, before + 5);
    assert_eq!(k.vpc("10.2.0.0/16").len(), "vpc-".len() + 17);
}
