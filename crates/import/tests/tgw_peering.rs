//! Transit-gateway peering attachments imported from `describe-transit-gateway-peering-attachments`
//! and from the `peering` rows of `describe-transit-gateway-attachments` (each side's file
//! carries its own association), with or without the former.

use std::path::Path;

use openvpc_core::tgw::AttachmentState;
use openvpc_core::Config;
use openvpc_import::import_dir;

const EAST: &str = "tgw-0eeeeeeeeeeeeeeee";
const WEST: &str = "tgw-0ffffffffffffffff";
const RTB_E: &str = "tgw-rtb-0eeeeeeeeeeeeeeee";
const RTB_W: &str = "tgw-rtb-0ffffffffffffffff";
const PEERING: &str = "tgw-attach-0123456789abcdef0";

fn write(dir: &Path, scope: &str, name: &str, body: &str) {
    let d = dir.join(scope);
    std::fs::create_dir_all(&d).unwrap();
    std::fs::write(d.join(name), body).unwrap();
}

/// Each side's gateway, route table and `peering` attachment row.
fn sides(dir: &Path) {
    for (scope, tgw, rtb, far, far_owner) in [
        ("111111111111/us-east-1", EAST, RTB_E, WEST, "222222222222"),
        ("222222222222/us-west-2", WEST, RTB_W, EAST, "111111111111"),
    ] {
        write(
            dir,
            scope,
            "tgw.json",
            &format!(
                r#"{{"TransitGateways": [{{"TransitGatewayId": "{tgw}", "State": "available"}}]}}"#
            ),
        );
        write(
            dir,
            scope,
            "tgw-rtb.json",
            &format!(
                r#"{{"TransitGatewayRouteTables": [{{"TransitGatewayRouteTableId": "{rtb}", "TransitGatewayId": "{tgw}", "State": "available"}}]}}"#
            ),
        );
        write(
            dir,
            scope,
            "attachments.json",
            &format!(
                r#"{{"TransitGatewayAttachments": [{{"TransitGatewayAttachmentId": "{PEERING}",
                "TransitGatewayId": "{tgw}", "ResourceId": "{far}", "ResourceOwnerId": "{far_owner}",
                "ResourceType": "peering", "State": "available",
                "Association": {{"State": "associated", "TransitGatewayRouteTableId": "{rtb}"}}}}]}}"#
            ),
        );
    }
}

#[test]
fn the_attachment_rows_alone_make_one_peering_with_both_associations() {
    let dir = tempfile::tempdir().unwrap();
    sides(dir.path());
    let w = import_dir(dir.path(), Config::default()).unwrap();
    assert_eq!(w.tgw_peerings.len(), 1);
    let p = w.tgw_peerings.get(PEERING).unwrap();
    assert_eq!(p.state, AttachmentState::Available);
    assert_eq!(
        (
            p.transit_gateway_id.as_str(),
            p.peer_transit_gateway_id.as_str()
        ),
        (EAST, WEST)
    );
    assert_eq!(
        (p.peer.account.as_str(), p.peer.region.as_str()),
        ("222222222222", "us-west-2")
    );
    assert_eq!(p.requester_association.as_deref(), Some(RTB_E));
    assert_eq!(p.accepter_association.as_deref(), Some(RTB_W));
}

#[test]
fn the_peering_output_names_the_requester_and_the_rows_add_the_associations() {
    let dir = tempfile::tempdir().unwrap();
    sides(dir.path());
    write(
        dir.path(),
        "222222222222/us-west-2",
        "peerings.json",
        &format!(
            r#"{{"TransitGatewayPeeringAttachments": [{{"TransitGatewayAttachmentId": "{PEERING}",
            "RequesterTgwInfo": {{"TransitGatewayId": "{WEST}", "OwnerId": "222222222222", "Region": "us-west-2"}},
            "AccepterTgwInfo": {{"TransitGatewayId": "{EAST}", "OwnerId": "111111111111", "Region": "us-east-1"}},
            "Options": {{"DynamicRouting": "disable"}}, "State": "available"}}]}}"#
        ),
    );
    let w = import_dir(dir.path(), Config::default()).unwrap();
    let p = w.tgw_peerings.get(PEERING).unwrap();
    assert_eq!(p.transit_gateway_id, WEST);
    assert_eq!(
        (p.scope.account.as_str(), p.peer.region.as_str()),
        ("222222222222", "us-east-1")
    );
    assert_eq!(p.requester_association.as_deref(), Some(RTB_W));
    assert_eq!(p.accepter_association.as_deref(), Some(RTB_E));
}
