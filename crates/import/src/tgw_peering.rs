//! Transit-gateway peering attachments: `describe-transit-gateway-peering-attachments`
//! (`TransitGatewayPeeringAttachments`: both ends, with their accounts and Regions) and the
//! `peering` rows of `describe-transit-gateway-attachments` (one per side: that side's
//! gateway, the far gateway as `ResourceId`, and that side's association), either of which
//! suffices. A row met before the far side is known takes the far side's Region from its
//! gateway if imported, else its own [I]; the far side's own row corrects it.

use openvpc_core::tgw::{AttachmentState, Side, TgwPeeringAttachment};
use openvpc_core::{Scope, World};

use crate::json::{Obj, Res};
use crate::load::Loaded;

/// The Region of imported transit gateway `tgw_id`, if any.
fn region_of(w: &World, tgw_id: &str) -> Option<String> {
    w.transit_gateways
        .get(tgw_id)
        .map(|g| g.scope.region.clone())
}

/// One end (`RequesterTgwInfo` or `AccepterTgwInfo`): its gateway and scope.
fn end(o: &Obj, name: &str) -> Res<(String, Scope)> {
    let path = format!("{}.{name}", o.path);
    let value = o
        .field(name)
        .ok_or_else(|| format!("field `{path}` is missing"))?;
    let e = Obj { value, path: &path };
    let tgw = e.str("TransitGatewayId")?;
    Ok((tgw, Scope::new(&e.str("OwnerId")?, &e.str("Region")?)))
}

/// One `TransitGatewayPeeringAttachments` item.
pub(crate) fn peering_attachment(w: &mut World, o: Obj) -> Res<Loaded> {
    let Some(state) = crate::tgw::attachment_state(&o)? else {
        return Ok(Loaded::Skipped("deleted transit-gateway attachments"));
    };
    let id = o.str("TransitGatewayAttachmentId")?;
    let (tgw, scope) = end(&o, "RequesterTgwInfo")?;
    let (peer_tgw, peer) = end(&o, "AccepterTgwInfo")?;
    let dynamic_routing = o
        .field("Options")
        .and_then(|v| v.get("DynamicRouting"))
        .and_then(|v| v.as_str())
        == Some("enable");
    let known = w.tgw_peerings.get(&id).cloned();
    let association = |side: Side| {
        known.as_ref().and_then(|k| {
            let from = k.side_of_gateway(if side == Side::Requester {
                &tgw
            } else {
                &peer_tgw
            })?;
            k.association(from).map(str::to_string)
        })
    };
    w.tgw_peerings.insert(TgwPeeringAttachment {
        requester_association: association(Side::Requester),
        accepter_association: association(Side::Accepter),
        id,
        scope,
        transit_gateway_id: tgw,
        peer,
        peer_transit_gateway_id: peer_tgw,
        dynamic_routing,
        state,
        failure: None,
        created: 0,
        purge_at: None,
    });
    Ok(Loaded::Done)
}

/// A `peering` row of `describe-transit-gateway-attachments`, exported in `scope`, with
/// its side's association.
pub(crate) fn from_attachment_row(
    w: &mut World,
    scope: &Scope,
    o: &Obj,
    state: AttachmentState,
    table: Option<String>,
) -> Res<Loaded> {
    let id = o.str("TransitGatewayAttachmentId")?;
    let tgw = o.str("TransitGatewayId")?;
    let owner = o
        .opt_str("TransitGatewayOwnerId")?
        .unwrap_or_else(|| scope.account.clone());
    let far = o.str("ResourceId")?;
    if let Some(p) = w.tgw_peerings.get_mut(&id) {
        let Some(side) = p.side_of_gateway(&tgw) else {
            return Ok(Loaded::Skipped(
                "transit-gateway peering rows naming another pair of gateways",
            ));
        };
        *p.association_mut(side) = table.or(p.association(side).map(str::to_string));
        if side == Side::Accepter {
            p.peer = Scope::new(&owner, &scope.region);
        }
        return Ok(Loaded::Done);
    }
    let far_owner = o
        .opt_str("ResourceOwnerId")?
        .unwrap_or_else(|| owner.clone());
    let far_region = region_of(w, &far).unwrap_or_else(|| scope.region.clone());
    w.tgw_peerings.insert(TgwPeeringAttachment {
        id,
        scope: Scope::new(&owner, &scope.region),
        transit_gateway_id: tgw,
        peer: Scope::new(&far_owner, &far_region),
        peer_transit_gateway_id: far,
        dynamic_routing: false,
        state,
        failure: None,
        requester_association: table,
        accepter_association: None,
        created: 0,
        purge_at: None,
    });
    Ok(Loaded::Done)
}

/// Associates peering attachment `id` with `table` on the side of the table's gateway;
/// false when `id` is no imported peering attachment.
pub(crate) fn associate(w: &mut World, id: &str, table: &str) -> bool {
    let Some(tgw) = w
        .tgw_route_tables
        .get(table)
        .map(|t| t.transit_gateway_id.clone())
    else {
        return false;
    };
    let Some(p) = w.tgw_peerings.get_mut(id) else {
        return false;
    };
    match p.side_of_gateway(&tgw) {
        Some(side) => {
            *p.association_mut(side) = Some(table.to_string());
            true
        }
        None => false,
    }
}
