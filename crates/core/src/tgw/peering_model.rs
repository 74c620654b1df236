//! A transit-gateway peering attachment's data: one `tgw-attach-` id seen by both sides —
//! the requester in its account and Region, the accepter in its own once the request has
//! reached it — each side with its own route-table association.

use serde::{Deserialize, Serialize};

use super::model::AttachmentState;
use crate::world::Scope;
use crate::Millis;

/// One end of a peering attachment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Side {
    Requester,
    Accepter,
}

impl Side {
    /// The other end.
    pub fn other(self) -> Side {
        match self {
            Side::Requester => Side::Accepter,
            Side::Accepter => Side::Requester,
        }
    }
}

/// A transit-gateway peering attachment (`tgw-attach-`), kept in the requester's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TgwPeeringAttachment {
    pub id: String,
    /// The requester's account and Region.
    pub scope: Scope,
    pub transit_gateway_id: String,
    /// The accepter's account and Region.
    pub peer: Scope,
    pub peer_transit_gateway_id: String,
    pub dynamic_routing: bool,
    pub state: AttachmentState,
    /// Why the request failed (`status.message`), when it did.
    pub failure: Option<String>,
    /// The requester gateway's route table the attachment is associated with.
    pub requester_association: Option<String>,
    /// The accepter gateway's route table the attachment is associated with.
    pub accepter_association: Option<String>,
    pub created: Millis,
    pub purge_at: Option<Millis>,
}

crate::table::impl_resource!(TgwPeeringAttachment);

impl TgwPeeringAttachment {
    /// The account and Region of `side`.
    pub fn scope_of(&self, side: Side) -> &Scope {
        match side {
            Side::Requester => &self.scope,
            Side::Accepter => &self.peer,
        }
    }

    /// The transit gateway of `side`.
    pub fn gateway(&self, side: Side) -> &str {
        match side {
            Side::Requester => &self.transit_gateway_id,
            Side::Accepter => &self.peer_transit_gateway_id,
        }
    }

    /// The route table `side`'s gateway associates the attachment with.
    pub fn association(&self, side: Side) -> Option<&str> {
        match side {
            Side::Requester => self.requester_association.as_deref(),
            Side::Accepter => self.accepter_association.as_deref(),
        }
    }

    /// The association slot of `side`.
    pub fn association_mut(&mut self, side: Side) -> &mut Option<String> {
        match side {
            Side::Requester => &mut self.requester_association,
            Side::Accepter => &mut self.accepter_association,
        }
    }

    /// The side whose gateway is `tgw_id` (the requester's first).
    pub fn side_of_gateway(&self, tgw_id: &str) -> Option<Side> {
        [Side::Requester, Side::Accepter]
            .into_iter()
            .find(|s| self.gateway(*s) == tgw_id)
    }

    /// Whether the accepter sees the attachment: once the request has reached it.
    fn reached_accepter(&self) -> bool {
        !matches!(
            self.state,
            AttachmentState::InitiatingRequest | AttachmentState::Failed
        )
    }

    /// The side the caller of `scope` is (the requester's first), if it sees the attachment.
    pub fn side_seen_by(&self, scope: &Scope) -> Option<Side> {
        if self.scope == *scope {
            Some(Side::Requester)
        } else if self.peer == *scope && self.reached_accepter() {
            Some(Side::Accepter)
        } else {
            None
        }
    }

    /// Whether the caller of `scope` sees the attachment.
    pub fn visible_to(&self, scope: &Scope) -> bool {
        self.side_seen_by(scope).is_some()
    }
}
