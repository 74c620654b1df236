//! The reach view of the world, kept current as it changes.
//!
//! Network Insights analyses decide on this compiled view instead of compiling one per
//! analysis. It follows the world: updated by each applied command and each due timer, and
//! marked stale when the world is replaced (reset, import, a failed sync taken back). Every
//! touch happens under the world's lock, so view and world never disagree.
//!
//! A change the view can take part by part ([`View::try_update`]: a group, table, ACL,
//! peering, gateway, instance or endpoint state) is applied at once, in microseconds. A
//! change that needs a whole compile (a VPC, subnet or interface created or deleted, an
//! endpoint or load balancer changed, a new account's defaults, a reset) marks the view
//! stale instead: the next analysis compiles it once, so a burst of such writes costs one
//! compile, and writes with no analysis behind them cost none.

use std::sync::{Arc, Mutex};

use openvpc_core::World;
use openvpc_reach::{Changes, View};

use super::lock;

/// The current view, or `None` when it must be compiled before its next use.
#[derive(Debug, Default)]
pub(super) struct LiveView(Mutex<Option<Arc<View>>>);

impl LiveView {
    /// A view compiled from `w` (start-up compiles once).
    pub fn compiled(w: &World) -> Self {
        LiveView(Mutex::new(Some(Arc::new(View::compile(w)))))
    }

    /// `w` changed by what `changes` says: update the view part by part, or mark it stale.
    /// A stale view stays stale, so `changes` is worked out only for a current one.
    pub fn after(&self, w: &World, changes: impl FnOnce() -> Changes) {
        let mut slot = lock(&self.0);
        let Some(view) = slot.as_ref() else {
            return;
        };
        let changes = changes();
        if changes.is_empty() {
            return;
        }
        *slot = view.try_update(w, &changes).map(Arc::new);
    }

    /// `w` was replaced wholesale (reset, rebuilt after a failed sync): compile on next use.
    pub fn stale(&self) {
        *lock(&self.0) = None;
    }

    /// The view of `w`, compiled now if it was stale.
    pub fn get(&self, w: &World) -> Arc<View> {
        let mut slot = lock(&self.0);
        slot.get_or_insert_with(|| Arc::new(View::compile(w)))
            .clone()
    }

    /// Whether the view is compiled (not waiting for its next use).
    #[cfg(test)]
    pub fn is_current(&self) -> bool {
        lock(&self.0).is_some()
    }
}
