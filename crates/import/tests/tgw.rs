//! Transit gateways imported from the fixture in `tests/fixtures/tgw` (see its README):
//! three VPCs on one transit gateway with two route tables; A reaches C through the
//! gateway, a static blackhole route in A's table stops A → B.

use std::path::PathBuf;

use openvpc_core::tgw::{AttachmentState, RouteTarget};
use openvpc_core::{Config, Protocol};
use openvpc_import::{import_dir, import_dir_with};
use openvpc_reach::explain::{Code, HopKind};
use openvpc_reach::{decide, Endpoint, Flow, View};

const TGW: &str = "tgw-07777777777777777";
const SHARED: &str = "tgw-rtb-07777777777777771";
const SPOKE_A: &str = "tgw-rtb-07777777777777772";

fn fixture() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tgw")
}

/// A copy of the fixture's account 777777777777 in us-east-1, the files `keep` names only,
/// for a test to add to: the directory to import and the Region's folder.
fn fixture_copy(keep: impl Fn(&str) -> bool) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let region = dir.path().join("777777777777/us-east-1");
    std::fs::create_dir_all(&region).unwrap();
    for f in std::fs::read_dir(fixture().join("777777777777/us-east-1")).unwrap() {
        let f = f.unwrap().path();
        let name = f.file_name().unwrap().to_str().unwrap().to_string();
        if keep(&name) {
            std::fs::copy(&f, region.join(name)).unwrap();
        }
    }
    (dir, region)
}

fn att(x: char) -> String {
    format!("tgw-attach-0777777777777777{x}")
}

#[test]
fn gateways_attachments_and_route_tables_are_imported_and_counted() {
    let imported = import_dir_with(&fixture(), Config::default(), &mut |_| {}).unwrap();
    let lines = imported.summary();
    assert!(
        lines[0].ends_with(
            "1 transit gateways, 3 transit-gateway attachments, 2 transit-gateway route tables"
        ),
        "{lines:#?}"
    );
    assert!(
        lines[0].contains("6 network interfaces (2 synthesised)"),
        "{lines:#?}"
    );
    assert_eq!(lines.len(), 1, "nothing skipped, no warning: {lines:#?}");
    let w = &imported.world;
    let g = w.transit_gateways.get(TGW).unwrap();
    assert_eq!(g.description.as_deref(), Some("hub"));
    assert_eq!(
        g.options.association_default_route_table_id.as_deref(),
        Some(SHARED)
    );
    let a = w.tgw_attachments.get(&att('a')).unwrap();
    assert_eq!(a.state, AttachmentState::Available);
    assert_eq!(a.association.as_deref(), Some(SPOKE_A));
    // vpc-a's attachment interface was exported; the others are made up in their subnets.
    assert_eq!(a.interfaces, vec!["eni-07777777777777770".to_string()]);
    let c = w.tgw_attachments.get(&att('c')).unwrap();
    assert_eq!(c.association.as_deref(), Some(SHARED));
    let eni = w.network_interfaces.get(&c.interfaces[0]).unwrap();
    assert_eq!(eni.subnet_id, "subnet-0777777777777777c");
    assert_eq!(eni.interface_type, "transit_gateway");
    let shared = w.tgw_route_tables.get(SHARED).unwrap();
    assert_eq!(shared.propagations, vec![att('a'), att('b'), att('c')]);
    assert!(shared.routes.is_empty());
    let spoke = w.tgw_route_tables.get(SPOKE_A).unwrap();
    assert_eq!(spoke.propagations, vec![att('c')]);
    assert_eq!(spoke.routes.len(), 1);
    assert_eq!(spoke.routes[0].target, RouteTarget::Blackhole);
}

#[test]
fn a_reaches_c_through_the_gateway_and_the_blackhole_stops_a_to_b() {
    let w = import_dir(&fixture(), Config::default()).unwrap();
    let view = View::compile(&w);
    let flow = |dst: &str| {
        Flow::new(
            "i-0777777777777777a",
            Endpoint::Ip(dst.parse().unwrap()),
            Protocol::TCP,
            Some(22),
        )
    };
    let v = decide(&view, &flow("10.3.1.10"));
    assert!(v.reachable, "{v:#?}");
    let via = |hops: &[openvpc_reach::explain::Hop]| {
        hops.iter()
            .any(|h| h.kind == HopKind::TransitGateway && *h.component == *TGW)
    };
    assert!(via(&v.forward) && via(&v.return_path), "{v:#?}");
    let v = decide(&view, &flow("10.2.1.10"));
    assert!(!v.reachable, "{v:#?}");
    assert_eq!(v.codes(), vec![Code::TgwRtbBadStateRoute], "{v:#?}");
}

#[test]
fn a_routes_file_not_named_after_an_imported_table_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let region = dir.path().join("777777777777/us-east-1");
    std::fs::create_dir_all(&region).unwrap();
    std::fs::write(region.join("routes.json"), r#"{"Routes": []}"#).unwrap();
    std::fs::write(
        region.join("routes-x.json"),
        r#"{"Routes": [{"DestinationCidrBlock": "10.0.0.0/8", "Type": "static", "State": "blackhole"}]}"#,
    )
    .unwrap();
    let e = import_dir(dir.path(), Config::default()).unwrap_err();
    assert!(e.file.ends_with("routes-x.json"), "{e}");
    assert!(e.message.contains("transit-gateway route table"), "{e}");
}

#[test]
fn a_truncated_route_search_is_warned_of() {
    let dir = tempfile::tempdir().unwrap();
    let region = dir.path().join("777777777777/us-east-1");
    std::fs::create_dir_all(&region).unwrap();
    std::fs::write(
        region.join("tgw-rtb-0123-routes.json"),
        r#"{"Routes": [], "AdditionalRoutesAvailable": true}"#,
    )
    .unwrap();
    let lines = import_dir_with(dir.path(), Config::default(), &mut |_| {})
        .unwrap()
        .summary();
    assert_eq!(
        lines[1..],
        ["warning: tgw-rtb-0123-routes.json: search-transit-gateway-routes printed only some of \
          the table's routes (AdditionalRoutesAvailable); export the rest with narrower --filters"
            .to_string()]
    );
}

#[test]
fn a_static_route_to_an_attachment_not_imported_is_warned_of() {
    let (dir, region) = fixture_copy(|_| true);
    std::fs::write(
        region.join(format!("{SHARED}-routes.json")),
        r#"{"Routes": [{"DestinationCidrBlock": "172.16.0.0/12", "Type": "static", "State": "active",
            "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "tgw-attach-0777777777777777f", "ResourceType": "peering"}]}]}"#,
    )
    .unwrap();
    let lines = import_dir_with(dir.path(), Config::default(), &mut |_| {})
        .unwrap()
        .summary();
    assert_eq!(
        lines[1..],
        [format!(
            "warning: transit-gateway route table {SHARED}: static routes to attachments not \
             imported (tgw-attach-0777777777777777f), so flows stop there as at a blackhole \
             route; openvpc models VPC, VPN and peering attachments only"
        )]
    );
}

#[test]
fn per_table_route_and_propagation_lists_need_no_file_name() {
    let (dir, region) = fixture_copy(|name| !name.starts_with("tgw-rtb-"));
    // One file per kind for every table, each item naming its table (as collectors such as
    // Batfish's write them).
    std::fs::write(
        region.join("static-routes.json"),
        format!(
            r#"{{"TransitGatewayStaticRoutes": [
                {{"TransitGatewayRouteTableId": "{SPOKE_A}", "AdditionalRoutesAvailable": false,
                  "Routes": [{{"DestinationCidrBlock": "10.2.0.0/16", "Type": "static", "State": "blackhole"}}]}},
                {{"TransitGatewayRouteTableId": "{SHARED}", "Routes": []}}]}}"#
        ),
    )
    .unwrap();
    let item = |x: char| {
        format!(
            r#"{{"TransitGatewayAttachmentId": "{}", "ResourceType": "vpc", "State": "enabled"}}"#,
            att(x)
        )
    };
    std::fs::write(
        region.join("propagations.json"),
        format!(
            r#"{{"TransitGatewayPropagations": [
                {{"TransitGatewayRouteTableId": "{SHARED}", "TransitGatewayRouteTablePropagations": [{}, {}, {}]}},
                {{"TransitGatewayRouteTableId": "{SPOKE_A}", "TransitGatewayRouteTablePropagations": [{}]}},
                {{"TransitGatewayRouteTableId": "tgw-rtb-0fffffffffffffff0", "TransitGatewayRouteTablePropagations": []}}]}}"#,
            item('a'),
            item('b'),
            item('c'),
            item('c')
        ),
    )
    .unwrap();
    let imported = import_dir_with(dir.path(), Config::default(), &mut |_| {}).unwrap();
    assert_eq!(
        imported.summary()[1],
        "not imported: 1 route or propagation lists of transit-gateway route tables not imported"
    );
    let w = &imported.world;
    assert_eq!(
        w.tgw_route_tables.get(SHARED).unwrap().propagations,
        vec![att('a'), att('b'), att('c')]
    );
    let view = View::compile(w);
    let flow = |dst: &str| {
        Flow::new(
            "i-0777777777777777a",
            Endpoint::Ip(dst.parse().unwrap()),
            Protocol::TCP,
            Some(22),
        )
    };
    assert!(decide(&view, &flow("10.3.1.10")).reachable);
    assert_eq!(
        decide(&view, &flow("10.2.1.10")).codes(),
        vec![Code::TgwRtbBadStateRoute]
    );
}

#[test]
fn local_gateway_and_client_vpn_routes_are_counted_not_refused() {
    let dir = tempfile::tempdir().unwrap();
    let region = dir.path().join("777777777777/us-east-1");
    std::fs::create_dir_all(&region).unwrap();
    std::fs::write(
        region.join("lgw-routes.json"),
        r#"{"Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "LocalGatewayRouteTableId": "lgw-rtb-0123", "Type": "static", "State": "active"}]}"#,
    )
    .unwrap();
    std::fs::write(
        region.join("cvpn-routes.json"),
        r#"{"Routes": [{"ClientVpnEndpointId": "cvpn-endpoint-0123", "DestinationCidr": "10.0.0.0/16"}]}"#,
    )
    .unwrap();
    let lines = import_dir_with(dir.path(), Config::default(), &mut |_| {})
        .unwrap()
        .summary();
    assert_eq!(
        lines[1],
        "not imported: 2 local gateway and Client VPN routes"
    );
}

#[test]
fn vpn_attachments_and_their_propagated_routes_are_imported() {
    let (dir, region) = fixture_copy(|_| true);
    let vpn_att = "tgw-attach-0777777777777777e";
    let vpn = "vpn-07777777777777777";
    std::fs::write(
        region.join("describe-vpn-connections.json"),
        format!(
            r#"{{"VpnConnections": [{{"VpnConnectionId": "{vpn}", "State": "available",
            "CustomerGatewayId": "cgw-07777777777777777", "Type": "ipsec.1", "Category": "VPN",
            "TransitGatewayId": "{TGW}", "Options": {{"StaticRoutesOnly": false}}, "Routes": []}}]}}"#
        ),
    )
    .unwrap();
    std::fs::write(
        region.join("describe-transit-gateway-attachments-vpn.json"),
        format!(
            r#"{{"TransitGatewayAttachments": [{{"TransitGatewayAttachmentId": "{vpn_att}",
            "TransitGatewayId": "{TGW}", "TransitGatewayOwnerId": "777777777777",
            "ResourceOwnerId": "777777777777", "ResourceType": "vpn", "ResourceId": "{vpn}",
            "State": "available", "Association": {{"TransitGatewayRouteTableId": "{SHARED}",
            "State": "associated"}}}}]}}"#
        ),
    )
    .unwrap();
    std::fs::write(
        region.join(format!("{SHARED}-routes-vpn.json")),
        format!(
            r#"{{"Routes": [{{"DestinationCidrBlock": "192.168.0.0/16", "Type": "propagated",
            "State": "active", "TransitGatewayAttachments": [{{"TransitGatewayAttachmentId":
            "{vpn_att}", "ResourceId": "{vpn}", "ResourceType": "vpn"}}]}}]}}"#
        ),
    )
    .unwrap();
    let w = import_dir(dir.path(), Config::default()).unwrap();
    let a = w.tgw_attachments.get(vpn_att).unwrap();
    assert_eq!((a.resource_type(), a.resource_id()), ("vpn", vpn));
    assert_eq!(a.association.as_deref(), Some(SHARED));
    let c = w.vpn_connections.get(vpn).unwrap();
    assert_eq!(c.transit_gateway_id.as_deref(), Some(TGW));
    let t = w.tgw_route_tables.get(SHARED).unwrap();
    let routes = openvpc_core::tgw::table_routes(&w, t);
    assert!(
        routes
            .iter()
            .any(|r| r.destination.to_string() == "192.168.0.0/16"
                && r.attachment.as_deref() == Some(vpn_att)),
        "{routes:?}"
    );
}

#[test]
fn prefix_list_references_are_imported_and_their_entries_route() {
    let (dir, region) = fixture_copy(|_| true);
    let pl = "pl-07777777777777777";
    std::fs::write(
        region.join("describe-managed-prefix-lists.json"),
        format!(
            r#"{{"PrefixLists": [{{"PrefixListId": "{pl}", "AddressFamily": "IPv4",
            "State": "create-complete", "PrefixListName": "corp", "MaxEntries": 5, "Version": 1,
            "OwnerId": "777777777777"}}]}}"#
        ),
    )
    .unwrap();
    std::fs::write(
        region.join(format!("entries-{pl}.json")),
        r#"{"Entries": [{"Cidr": "100.64.0.0/16"}]}"#,
    )
    .unwrap();
    std::fs::write(
        region.join("get-transit-gateway-prefix-list-references.json"),
        format!(
            r#"{{"TransitGatewayPrefixListReferences": [{{"TransitGatewayRouteTableId": "{SHARED}",
            "PrefixListId": "{pl}", "PrefixListOwnerId": "777777777777", "State": "available",
            "Blackhole": false, "TransitGatewayAttachment": {{"TransitGatewayAttachmentId":
            "{}", "ResourceType": "vpc", "ResourceId": "vpc-0777777777777777c"}}}}]}}"#,
            att('c')
        ),
    )
    .unwrap();
    let w = import_dir(dir.path(), Config::default()).unwrap();
    let t = w.tgw_route_tables.get(SHARED).unwrap();
    assert_eq!(t.prefix_list_refs.len(), 1);
    let routes = openvpc_core::tgw::table_routes(&w, t);
    let r = routes
        .iter()
        .find(|r| r.destination.to_string() == "100.64.0.0/16")
        .unwrap();
    assert_eq!(r.prefix_list_id.as_deref(), Some(pl));
    assert_eq!(r.attachment, Some(att('c')));
}
