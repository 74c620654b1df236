//! The endpoint's timers: pending → available, deleting → deleted, and the purge of
//! deleted endpoints after [`RETENTION`].

use crate::tags;
use crate::world::{TimerKind, World};
use crate::Millis;

use super::model::{State, RETENTION};

/// Runs an endpoint's due step, acting as of `due`.
pub fn on_timer(w: &mut World, id: &str, due: Millis) {
    let Some(ep) = w.vpc_endpoints.get(id) else {
        return;
    };
    match ep.state {
        State::Pending if due >= ep.step_due => {
            w.vpc_endpoints.get_mut(id).expect("exists").state = State::Available;
        }
        State::Deleting if due >= ep.step_due => {
            let at = ep.step_due;
            let e = w.vpc_endpoints.get_mut(id).expect("exists");
            e.state = State::Deleted;
            e.deleted_at = Some(at);
            w.schedule(at + RETENTION, TimerKind::VpcEndpoint, id);
        }
        State::Deleted if ep.deleted_at.is_some_and(|at| due >= at + RETENTION) => {
            w.vpc_endpoints.remove(id);
            tags::forget(w, id);
        }
        _ => {}
    }
}
