//! Prefix-list references' tests, on the shared kit.

use super::*;
use crate::prefix_list::{self, EntrySpec};
use crate::testkit::tgw::tgw_route;
use crate::testkit::Kit;

fn reference(rtb: &str, pl: &str, attachment: Option<&str>) -> Cmd {
    Cmd::CreatePrefixListReference {
        route_table_id: rtb.into(),
        prefix_list_id: pl.into(),
        attachment_id: attachment.map(str::to_string),
        blackhole: attachment.is_none(),
    }
}

/// A gateway with two attached VPCs (10.1/16, 10.2/16) and its default table.
fn hub(k: &mut Kit) -> (String, String, String) {
    let tgw = k.tgw();
    let mut atts = Vec::new();
    for (i, cidr) in ["10.1.0.0/16", "10.2.0.0/16"].iter().enumerate() {
        let v = k.vpc(cidr);
        let s = k.subnet(&v, &format!("10.{}.0.0/24", i + 1), Some("us-east-1a"));
        atts.push(k.tgw_attach(&tgw, &v, &[&s]));
    }
    let rtb = k.tgw_default_table(&tgw);
    (rtb, atts[0].clone(), atts[1].clone())
}

fn route_to(k: &Kit, rtb: &str, dst: &str) -> Option<TableRoute> {
    lookup(&k.w, k.tgw_table(rtb), dst.parse().unwrap())
}

#[test]
fn each_entry_is_a_route_below_static_routes_and_above_propagated_ones() {
    let mut k = Kit::new();
    let (rtb, a, b) = hub(&mut k);
    // 10.1.0.0/16 is also propagated by `a`; 172.16.0.0/12 and 10.9.0.0/16 only the list's.
    let pl = k.prefix_list(&["10.1.0.0/16", "172.16.0.0/12", "10.9.0.0/16"]);
    k.ok(reference(&rtb, &pl, Some(&b)));
    let r = route_to(&k, &rtb, "10.1.2.3").unwrap();
    assert_eq!(r.attachment.as_deref(), Some(b.as_str()), "over propagated");
    assert_eq!(r.prefix_list_id.as_deref(), Some(pl.as_str()));
    assert_eq!(r.route_type, RouteType::Static);
    // A static route to the same prefix wins over the list's.
    k.ok(tgw_route(&rtb, "10.1.0.0/16", Some(&a)));
    let r = route_to(&k, &rtb, "10.1.2.3").unwrap();
    assert_eq!(
        (r.attachment.as_deref(), r.prefix_list_id),
        (Some(a.as_str()), None)
    );
    // Longest prefix first: a /24 static route inside the list's /12.
    k.ok(tgw_route(&rtb, "172.16.5.0/24", None));
    assert_eq!(route_to(&k, &rtb, "172.16.5.1").unwrap().attachment, None);
    assert_eq!(
        route_to(&k, &rtb, "172.16.6.1")
            .unwrap()
            .attachment
            .as_deref(),
        Some(b.as_str())
    );
    // Entries follow the list.
    k.ok(prefix_list::Cmd::Modify {
        id: pl.clone(),
        current_version: None,
        name: None,
        add: vec![EntrySpec {
            cidr: "192.168.0.0/16".into(),
            description: None,
        }],
        remove: vec!["10.9.0.0/16".into()],
        max_entries: None,
    });
    assert!(route_to(&k, &rtb, "10.9.0.1").is_none());
    assert!(route_to(&k, &rtb, "192.168.1.1").is_some());
    // Blackhole, then delete.
    k.ok(Cmd::ModifyPrefixListReference {
        route_table_id: rtb.clone(),
        prefix_list_id: pl.clone(),
        attachment_id: None,
        blackhole: true,
    });
    assert_eq!(
        route_to(&k, &rtb, "192.168.1.1").unwrap().state(),
        "blackhole"
    );
    let refs = get_references(&k.w, &k.ctx, &rtb, &[]).unwrap();
    assert_eq!(refs.len(), 1);
    // The list cannot be deleted while referenced.
    k.refused(
        prefix_list::Cmd::Delete { id: pl.clone() },
        "DependencyViolation",
    );
    k.ok(Cmd::DeletePrefixListReference {
        route_table_id: rtb.clone(),
        prefix_list_id: pl.clone(),
    });
    assert!(route_to(&k, &rtb, "192.168.1.1").is_none());
    k.ok(prefix_list::Cmd::Delete { id: pl });
}

#[test]
fn a_reference_names_one_customer_list_once_and_one_target() {
    let mut k = Kit::new();
    let (rtb, a, _) = hub(&mut k);
    let pl = k.prefix_list(&["172.16.0.0/12"]);
    k.refused(
        reference(&rtb, "pl-0123456789abcdef0", Some(&a)),
        "InvalidPrefixListID.NotFound",
    );
    let s3 = crate::prefix_list::aws_managed_id("us-east-1", "s3");
    k.refused(reference(&rtb, &s3, Some(&a)), "InvalidParameterValue");
    k.refused(
        Cmd::CreatePrefixListReference {
            route_table_id: rtb.clone(),
            prefix_list_id: pl.clone(),
            attachment_id: Some(a.clone()),
            blackhole: true,
        },
        "InvalidParameterCombination",
    );
    k.refused(
        reference("tgw-rtb-0123456789abcdef0", &pl, Some(&a)),
        "InvalidRouteTableID.NotFound",
    );
    k.ok(reference(&rtb, &pl, Some(&a)));
    k.refused(reference(&rtb, &pl, None), "RouteAlreadyExists");
    k.refused(
        Cmd::DeletePrefixListReference {
            route_table_id: rtb.clone(),
            prefix_list_id: "pl-0123456789abcdef0".into(),
        },
        "InvalidRoute.NotFound",
    );
    // The attachment going removes the reference that names it.
    k.ok(Cmd::DeleteVpcAttachment {
        attachment_id: a.clone(),
    });
    k.advance(0);
    assert!(k.tgw_table(&rtb).prefix_list_refs.is_empty());
}
