//! Builders for peering connections.

use super::Kit;
use crate::peering;

impl Kit {
    /// An active peering from the caller's `vpc_id` to `peer_vpc_id` of `peer_owner` in
    /// `peer_region` (None: the kit's Region): requested, accepted by the peer, provisioned.
    pub fn active_peering(
        &mut self,
        vpc_id: &str,
        peer_vpc_id: &str,
        peer_owner: &str,
        peer_region: Option<&str>,
    ) -> String {
        let id = self.id(peering::Cmd::Create {
            vpc_id: vpc_id.into(),
            peer_vpc_id: peer_vpc_id.into(),
            peer_owner_id: Some(peer_owner.into()),
            peer_region: peer_region.map(str::to_string),
            tags: vec![],
        });
        self.advance(0);
        let region = peer_region.map_or_else(|| self.ctx.region().to_string(), str::to_string);
        let accepter = self.in_region(peer_owner, &region);
        self.run_as(&accepter, peering::Cmd::Accept { id: id.clone() })
            .unwrap_or_else(|e| panic!("accept {id}: {e}"));
        self.advance(0);
        assert!(self.w.peerings.get(&id).unwrap().status.is_active());
        id
    }
}
