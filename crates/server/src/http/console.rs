//! The console: its files at `/console` (from `openvpc_console`), the redirect of a bare
//! `GET /` there, and two openvpc extensions the page reads, signed and checked like every
//! API request (see docs/decisions.md), both answered from the world readers see (the
//! committed one in `full` mode):
//! - `GET /_openvpc/changes`: a counter that moves with every change, polled to redraw
//!   within a second of any change;
//! - `GET /_openvpc/explanations?analysis=nia-…`: the engine's words for an analysis's
//!   explanations (what blocks and what to change), which AWS's `Explanation` shape has no
//!   field for, in the order of its `explanationSet`.

use axum::extract::{Path, Request, State};
use axum::http::{header, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use openvpc_console::{asset, Asset, INDEX};
use openvpc_core::{insights, ApiError};
use openvpc_wire::params::Params;
use openvpc_wire::{Backend, Dialect};

use super::{error, receive, refused, unix_now, Shared};
use crate::auth;

/// Only the server's own files, scripts and connections: nothing from elsewhere.
const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
     style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; \
     base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/// The console's routes.
pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/console", get(page))
        .route("/console/", get(page))
        .route("/console/{*path}", get(file))
        .route("/_openvpc/changes", get(changes))
        .route("/_openvpc/explanations", get(explanations))
}

/// `GET /` without an `Action` parameter is a person with a browser: send them to the
/// console, keeping the query (a deep link such as `/?account=…` still works).
pub(super) fn redirect_bare_get(method: &Method, uri: &Uri) -> Option<Response> {
    let query = uri.query().unwrap_or("");
    let bare = (*method == Method::GET || *method == Method::HEAD)
        && uri.path() == "/"
        && Params::parse(query.as_bytes()).peek("Action").is_none();
    if !bare {
        return None;
    }
    let location = if query.is_empty() {
        "/console".to_string()
    } else {
        format!("/console?{query}")
    };
    Some((StatusCode::FOUND, [(header::LOCATION, location)]).into_response())
}

fn serve(a: &Asset) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, a.content_type),
            (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            // Small files, and a new binary must show its new console at once.
            (header::CACHE_CONTROL, "no-cache"),
        ],
        a.body,
    )
        .into_response()
}

async fn page() -> Response {
    match asset(INDEX) {
        Some(a) => serve(a),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn file(Path(path): Path<String>) -> Response {
    match asset(&path) {
        Some(a) => serve(a),
        None => (StatusCode::NOT_FOUND, "no such console file\n").into_response(),
    }
}

fn json(body: String, request_id: &str) -> Response {
    (
        StatusCode::OK,
        [
            ("content-type", "application/json"),
            ("cache-control", "no-store"),
            ("x-amzn-requestid", request_id),
        ],
        body,
    )
        .into_response()
}

/// Reads and authenticates a GET as any API request is (SigV4, signed for `ec2`, when
/// credentials are configured), then runs `read` on the world readers see for the caller's
/// scope (due timers run, a new scope's defaults are made, as for any request). The engine
/// is touched only once the request is admitted.
async fn read_as_caller<T>(
    state: &Shared,
    req: Request,
    request_id: &str,
    read: impl FnOnce(&dyn Backend) -> Result<T, ApiError>,
) -> Result<T, Response> {
    let received = receive(req, &[Method::GET], state.options.read_timeout)
        .await
        .map_err(|e| refused(&e, request_id))?;
    let opts = &state.options;
    let headers = received.headers();
    let parts = received.http_parts(&headers);
    let caller = auth::resolve(
        &parts,
        openvpc_wire::sigv4::credential_scope(&parts),
        opts.credentials.as_ref(),
        &opts.default_account,
        &opts.default_region,
        "ec2",
        unix_now(),
    )
    .map_err(|e| error(Dialect::Ec2, &e, request_id))?;
    let mut read = Some(read);
    let mut outcome = None;
    let mut run = |backend: &mut dyn Backend| {
        if let Some(read) = read.take() {
            outcome = Some(read(backend));
        }
        openvpc_wire::Response {
            status: 200,
            body: String::new(),
        }
    };
    // A read queues nothing, so there is no ticket to wait for.
    state
        .engine
        .handle(&caller.account, &caller.region, &mut run)
        .map_err(|e| error(Dialect::Ec2, &e, request_id))?;
    match outcome {
        Some(r) => r.map_err(|e| error(Dialect::Ec2, &e, request_id)),
        None => Err(error(
            Dialect::Ec2,
            &ApiError::new(
                openvpc_core::ErrorCode::InternalError,
                "the read did not run",
            ),
            request_id,
        )),
    }
}

/// `{"changes":N}`: a number that differs whenever the world has changed (commands,
/// timers, resets). Answering runs due timers for the caller's scope, as any request does.
async fn changes(State(state): State<Shared>, req: Request) -> Response {
    let request_id = state.engine.request_id();
    match read_as_caller(&state, req, &request_id, |_| Ok(())).await {
        Ok(()) => json(
            format!("{{\"changes\":{}}}\n", state.engine.generation()),
            &request_id,
        ),
        Err(resp) => resp,
    }
}

/// The caller's analysis `analysis`'s explanations in words: `{"analysis", "explanations":
/// [{"code", "component", "direction", "message"}]}`; an unknown id is the API's NotFound.
async fn explanations(State(state): State<Shared>, req: Request) -> Response {
    let request_id = state.engine.request_id();
    let query = req.uri().query().unwrap_or("");
    let id = Params::parse(query.as_bytes())
        .peek("analysis")
        .map(str::to_string);
    let body = read_as_caller(&state, req, &request_id, |backend| {
        let id = id.ok_or_else(|| ApiError::missing("analysis"))?;
        let analysis = insights::analysis(backend.world(), backend.ctx().scope(), &id)?;
        let items: Vec<serde_json::Value> = analysis
            .result
            .explanations
            .iter()
            .map(|e| {
                serde_json::json!({
                    "code": e.code,
                    "component": e.component.as_ref().map(|c| c.id.as_str()),
                    "direction": if e.on_return_path { "return" } else { "forward" },
                    "message": e.message,
                })
            })
            .collect();
        Ok(serde_json::json!({ "analysis": analysis.id, "explanations": items }).to_string())
    })
    .await;
    match body {
        Ok(body) => json(format!("{body}\n"), &request_id),
        Err(resp) => resp,
    }
}
