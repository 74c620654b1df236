//! The console: its files at `/console` (from `openvpc_console`), the redirect of a bare
//! `GET /` there, and two openvpc extensions the page reads, signed and checked like every
//! API request (see docs/decisions.md):
//! - `GET /_openvpc/changes`: a counter that moves with every change, polled to redraw
//!   within a second of any change;
//! - `GET /_openvpc/explanations?analysis=nia-…`: the engine's words for an analysis's
//!   explanations (what blocks and what to change), which AWS's `Explanation` shape has no
//!   field for, in the order of its `explanationSet`.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use openvpc_console::{asset, Asset, INDEX};
use openvpc_core::{insights, ApiError};
use openvpc_wire::params::Params;
use openvpc_wire::sigv4::HttpRequestParts;
use openvpc_wire::Dialect;

use super::{header_pairs, unix_now, xml_response, Shared};
use crate::auth::{self, Caller};
use crate::engine::Engine;

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

/// An extension's error, in the EC2 shape (the extensions are signed as `ec2`).
fn error(e: &ApiError, request_id: &str) -> Response {
    let r = Dialect::Ec2.error(e, request_id);
    xml_response(r.status, r.body)
}

fn json(body: String) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        body,
    )
        .into_response()
}

/// Authenticates a GET as any API request is (SigV4 when credentials are configured) and
/// prepares the caller's scope (due timers run).
fn authenticate(
    state: &Shared,
    engine: &mut Engine,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
) -> Result<Caller, ApiError> {
    let pairs = header_pairs(headers);
    let parts = HttpRequestParts {
        method: method.as_str(),
        path: uri.path(),
        query: uri.query().unwrap_or(""),
        headers: &pairs,
        body: b"",
    };
    let opts = &state.options;
    let caller = auth::resolve(
        &parts,
        opts.credentials.as_ref(),
        &opts.default_account,
        &opts.default_region,
        unix_now(),
    )?;
    engine.prepare(&caller.account, &caller.region)?;
    Ok(caller)
}

/// `{"changes":N}`: a number that differs whenever the world has changed (commands,
/// timers, resets). Answering runs due timers for the caller's scope, as any request does.
async fn changes(
    State(state): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let mut engine = state.engine.lock().unwrap_or_else(|p| p.into_inner());
    let request_id = engine.request_id();
    if let Err(e) = authenticate(&state, &mut engine, &method, &uri, &headers) {
        return error(&e, &request_id);
    }
    json(format!("{{\"changes\":{}}}\n", engine.generation()))
}

#[derive(serde::Deserialize)]
struct AnalysisParam {
    analysis: Option<String>,
}

/// The caller's analysis `analysis`'s explanations in words: `{"analysis", "explanations":
/// [{"code", "component", "direction", "message"}]}`; an unknown id is the API's NotFound.
async fn explanations(
    State(state): State<Shared>,
    Query(q): Query<AnalysisParam>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let mut engine = state.engine.lock().unwrap_or_else(|p| p.into_inner());
    let request_id = engine.request_id();
    let caller = match authenticate(&state, &mut engine, &method, &uri, &headers) {
        Ok(c) => c,
        Err(e) => return error(&e, &request_id),
    };
    let scope = openvpc_core::Scope::new(&caller.account, &caller.region);
    let found = match &q.analysis {
        Some(id) => insights::analysis(engine.world(), &scope, id),
        None => Err(ApiError::missing("analysis")),
    };
    let analysis = match found {
        Ok(a) => a,
        Err(e) => return error(&e, &request_id),
    };
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
    let body = serde_json::json!({ "analysis": analysis.id, "explanations": items });
    json(format!("{body}\n"))
}
