use super::*;

#[test]
fn names_fit_the_kernel_and_are_stable() {
    let n = Names::new("t1");
    assert_eq!(n.namespace(Kind::Router, "vpc-0a"), "ovpc-t1-vr-vpc-0a");
    assert_eq!(n.namespace(Kind::Internet, ""), "ovpc-t1-inet");
    let l = link('e', "eni-0123456789abcdef0");
    assert_eq!(l.len(), 11);
    assert_eq!(l, link('e', "eni-0123456789abcdef0"));
    assert_ne!(l, link('e', "eni-0123456789abcdef1"));
    assert!(mac("x").starts_with("02:"));
    let t = table_id("rtb-1");
    assert!((0x1000_0000..0x2000_0000).contains(&t));
}

#[test]
fn odd_owners_are_hashed_into_tokens() {
    assert_eq!(Names::new("/var/lib/openvpc").owner.len(), 8);
    assert_eq!(Names::new("ci7").owner, "ci7");
}
