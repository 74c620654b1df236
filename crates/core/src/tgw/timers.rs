//! The clock's part: `pending` becomes `available` and `deleting` becomes `deleted` once the
//! transition delay has passed; deleted resources are forgotten after
//! [`super::DELETED_RETENTION`].

use crate::ids::Kind;
use crate::tags;
use crate::world::{TimerKind, World};
use crate::Millis;

use super::attachments;
use super::model::{AttachmentState, State, DELETED_RETENTION};

/// Runs the due step of the transit gateway, attachment or route table `id`, as of `due`.
pub fn on_timer(w: &mut World, id: &str, due: Millis) {
    match Kind::of_id(id) {
        Some(Kind::TransitGateway) => gateway_step(w, id, due),
        Some(Kind::TransitGatewayAttachment) => attachment_step(w, id, due),
        Some(Kind::TransitGatewayRouteTable)
            if w.tgw_route_tables
                .get(id)
                .is_some_and(|t| t.purge_at.is_some_and(|p| due >= p)) =>
        {
            w.tgw_route_tables.remove(id);
            tags::forget(w, id);
        }
        _ => {}
    }
}

fn gateway_step(w: &mut World, id: &str, due: Millis) {
    let Some(g) = w.transit_gateways.get_mut(id) else {
        return;
    };
    match g.state {
        State::Pending => g.state = State::Available,
        State::Deleting => {
            g.state = State::Deleted;
            let purge = due + DELETED_RETENTION;
            g.purge_at = Some(purge);
            for t in w
                .tgw_route_tables
                .values_mut()
                .filter(|t| t.transit_gateway_id == id && t.state.is_live())
            {
                t.state = State::Deleted;
                t.purge_at = Some(purge);
                t.propagations.clear();
                t.routes.clear();
                t.prefix_list_refs.clear();
            }
            w.schedule(purge, TimerKind::TransitGateway, id);
            let tables: Vec<String> = w
                .tgw_route_tables
                .values()
                .filter(|t| t.transit_gateway_id == id)
                .map(|t| t.id.clone())
                .collect();
            for t in tables {
                w.schedule(purge, TimerKind::TransitGateway, &t);
            }
        }
        State::Deleted if g.purge_at.is_some_and(|p| due >= p) => {
            w.transit_gateways.remove(id);
            tags::forget(w, id);
        }
        _ => {}
    }
}

fn attachment_step(w: &mut World, id: &str, due: Millis) {
    let Some(a) = w.tgw_attachments.get_mut(id) else {
        return super::peering::on_timer(w, id, due);
    };
    match a.state {
        AttachmentState::Pending => a.state = AttachmentState::Available,
        AttachmentState::Deleting => {
            attachments::finish(w, id, AttachmentState::Deleted);
            let purge = due + DELETED_RETENTION;
            w.tgw_attachments.get_mut(id).expect("exists").purge_at = Some(purge);
            w.schedule(purge, TimerKind::TransitGateway, id);
        }
        AttachmentState::Deleted | AttachmentState::Rejected
            if a.purge_at.is_some_and(|p| due >= p) =>
        {
            w.tgw_attachments.remove(id);
            tags::forget(w, id);
        }
        _ => {}
    }
}
