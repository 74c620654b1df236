//! Telling an observer (the data plane) of every state change, and serving its status at
//! `GET /_openvpc/dataplane`.
//!
//! After every request the engine's generation is compared with the one last told; when
//! it moved, the observer sees the state readers see, so it sees states in the order
//! commands apply. In `full` mode that state may hold changes of other writers whose sync
//! is still under way; a change a failed sync refuses is rebuilt away before its writer is
//! told, and the next notice carries the rebuilt state.

use std::sync::atomic::Ordering;

use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use openvpc_core::World;
use openvpc_reach::View;

use crate::http::{AppState, Shared};

/// Told of every state change (see the module's documentation).
pub trait Observer: Send + Sync + std::fmt::Debug {
    /// The state after one or more changes, with its compiled reach view.
    fn committed(&self, world: &World, view: &View);
    /// The document served at `GET /_openvpc/dataplane`.
    fn status(&self) -> serde_json::Value;
}

/// Tells the observer of the current state if it changed since it was last told.
pub(crate) fn notify(state: &AppState) {
    let Some(observer) = &state.options.observer else {
        return;
    };
    let generation = state.engine.generation();
    if state.observed.swap(generation, Ordering::SeqCst) != generation {
        state
            .engine
            .observe(|world, view| observer.committed(world, view));
    }
}

async fn after(State(state): State<Shared>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    notify(&state);
    response
}

async fn status(State(state): State<Shared>) -> Response {
    match &state.options.observer {
        Some(o) => Json(o.status()).into_response(),
        None => (axum::http::StatusCode::NOT_FOUND, "no data plane\n").into_response(),
    }
}

/// Adds the status route and the notifying layer when an observer is configured.
pub(crate) fn routes(r: Router<Shared>, state: &Shared) -> Router<Shared> {
    if state.options.observer.is_none() {
        return r;
    }
    r.route("/_openvpc/dataplane", get(status))
        .layer(middleware::from_fn_with_state(state.clone(), after))
}
