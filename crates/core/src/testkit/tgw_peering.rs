//! Builders for transit-gateway peering attachments.

use super::Kit;
use crate::tgw::{Cmd, NewTgwOptions, PeeringRequest, TgwPeeringAttachment};
use crate::world::Ctx;

impl Kit {
    /// An available transit gateway of the caller `ctx` (AWS's default options).
    pub fn tgw_as(&mut self, ctx: &Ctx) -> String {
        let id = self.id_as(ctx, super::tgw::create_tgw(NewTgwOptions::default()));
        self.advance(0);
        id
    }

    /// The peering attachment `id`.
    pub fn tgw_peering(&self, id: &str) -> &TgwPeeringAttachment {
        self.w
            .tgw_peerings
            .get(id)
            .expect("peering attachment exists")
    }

    /// A peering attachment from `tgw` (the kit's caller's) to `peer_tgw` of `peer`,
    /// requested, accepted by `peer` and `available` (the clock ticked).
    pub fn tgw_peer(&mut self, tgw: &str, peer: &Ctx, peer_tgw: &str) -> String {
        let id = self.id(peering_request(tgw, peer, peer_tgw));
        self.advance(0);
        let accept = Cmd::AcceptPeeringAttachment {
            attachment_id: id.clone(),
        };
        self.run_as(peer, accept).expect("accepted");
        self.advance(0);
        id
    }
}

/// CreateTransitGatewayPeeringAttachment from `tgw` to `peer_tgw` in `peer`'s account and
/// Region.
pub fn peering_request(tgw: &str, peer: &Ctx, peer_tgw: &str) -> Cmd {
    Cmd::CreatePeeringAttachment(PeeringRequest {
        transit_gateway_id: tgw.into(),
        peer_transit_gateway_id: peer_tgw.into(),
        peer_account_id: peer.account().to_string(),
        peer_region: peer.region().to_string(),
        dynamic_routing: false,
        tags: vec![],
    })
}
