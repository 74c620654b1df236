//! Attachments of every kind as one row (DescribeTransitGatewayAttachments,
//! GetTransitGatewayRouteTableAssociations, the `resourceType`/`resourceId` of routes), seen
//! from one transit gateway: a VPC attachment's resource is its VPC; a peering
//! attachment's is the gateway at the other end.

use crate::world::{Scope, World};
use crate::Millis;

use super::model::TgwAttachment;
use super::peering_model::{Side, TgwPeeringAttachment};

/// An attachment as DescribeTransitGatewayAttachments shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentRow {
    pub id: String,
    pub transit_gateway_id: String,
    pub transit_gateway_owner: String,
    pub resource_owner: String,
    /// `vpc`, `vpn` or `peering`.
    pub resource_type: &'static str,
    pub resource_id: String,
    pub state: &'static str,
    pub association: Option<String>,
    pub created: Millis,
}

impl AttachmentRow {
    /// A VPC attachment's row.
    pub fn of_vpc(a: &TgwAttachment) -> AttachmentRow {
        AttachmentRow {
            id: a.id.clone(),
            transit_gateway_id: a.transit_gateway_id.clone(),
            transit_gateway_owner: a.transit_gateway_owner.clone(),
            resource_owner: a.scope.account.clone(),
            resource_type: a.resource_type(),
            resource_id: a.resource_id().to_string(),
            state: a.state.as_str(),
            association: a.association.clone(),
            created: a.created,
        }
    }

    /// A peering attachment's row as `side`'s gateway sees it.
    pub fn of_peering(p: &TgwPeeringAttachment, side: Side) -> AttachmentRow {
        AttachmentRow {
            id: p.id.clone(),
            transit_gateway_id: p.gateway(side).to_string(),
            transit_gateway_owner: p.scope_of(side).account.clone(),
            resource_owner: p.scope_of(side.other()).account.clone(),
            resource_type: "peering",
            resource_id: p.gateway(side.other()).to_string(),
            state: p.state.as_str(),
            association: p.association(side).map(str::to_string),
            created: p.created,
        }
    }
}

/// Every attachment the caller of `scope` sees, as rows.
pub(super) fn visible(w: &World, scope: &Scope) -> Vec<AttachmentRow> {
    let mut rows: Vec<AttachmentRow> = w
        .tgw_attachments
        .values()
        .filter(|a| a.visible_to(scope))
        .map(AttachmentRow::of_vpc)
        .collect();
    rows.extend(
        w.tgw_peerings
            .values()
            .filter_map(|p| Some(AttachmentRow::of_peering(p, p.side_seen_by(scope)?))),
    );
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    rows
}

/// The row of attachment `id` as transit gateway `tgw_id` sees it (any kind).
pub fn row_from(w: &World, id: &str, tgw_id: &str) -> Option<AttachmentRow> {
    if let Some(a) = w.tgw_attachments.get(id) {
        return Some(AttachmentRow::of_vpc(a));
    }
    let p = w.tgw_peerings.get(id)?;
    Some(AttachmentRow::of_peering(p, p.side_of_gateway(tgw_id)?))
}
