//! DescribeTransitGatewayPeeringAttachments: the peering attachments the caller sees, on
//! either side, and the filters AWS documents.

use crate::error::Result;
use crate::filter::{self, Filter};
use crate::tags;
use crate::world::{Ctx, World};

use super::peering_model::TgwPeeringAttachment;

/// Filters DescribeTransitGatewayPeeringAttachments accepts.
pub const PEERING_ATTACHMENT_FILTERS: &[&str] = &[
    "local-owner-id",
    "remote-owner-id",
    "state",
    "transit-gateway-attachment-id",
    "transit-gateway-id",
];

/// DescribeTransitGatewayPeeringAttachments: named attachments must be visible (while kept).
pub fn describe_peering_attachments<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w TgwPeeringAttachment>> {
    filter::check_names(filters, PEERING_ATTACHMENT_FILTERS)?;
    let scope = ctx.scope();
    let candidates: Vec<&TgwPeeringAttachment> = if ids.is_empty() {
        w.tgw_peerings
            .values()
            .filter(|p| p.visible_to(scope))
            .collect()
    } else {
        let mut out: Vec<&TgwPeeringAttachment> = Vec::new();
        for id in ids {
            let (p, _) = super::peering::get_visible(w, scope, id)?;
            if !out.iter().any(|o| o.id == p.id) {
                out.push(p);
            }
        }
        out
    };
    Ok(candidates
        .into_iter()
        .filter(|p| {
            filter::matches(filters, tags::of(w, scope, &p.id), |name| match name {
                "local-owner-id" => filter::s(&p.scope.account),
                "remote-owner-id" => filter::s(&p.peer.account),
                "state" => filter::s(p.state.as_str()),
                "transit-gateway-attachment-id" => filter::s(&p.id),
                "transit-gateway-id" => vec![
                    p.transit_gateway_id.clone(),
                    p.peer_transit_gateway_id.clone(),
                ],
                _ => Vec::new(),
            })
        })
        .collect())
}
