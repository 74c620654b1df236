//! HTTP: the Query endpoint at `/`, the console at `/console`, health, change counter and
//! admin endpoints under `/_openvpc/`.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use openvpc_core::ApiError;
use openvpc_wire::params::Params;
use openvpc_wire::sigv4::HttpRequestParts;
use openvpc_wire::Dialect;

use crate::auth::{self, Credentials};
use crate::engine::Engine;

mod console;

/// Server-level settings (beyond the engine's).
#[derive(Debug, Clone)]
pub struct ServerOptions {
    pub credentials: Option<Credentials>,
    pub default_account: String,
    pub default_region: String,
    pub admin_api: bool,
    /// Told of every committed state (the data plane), and serves `/_openvpc/dataplane`.
    pub observer: Option<std::sync::Arc<dyn crate::Observer>>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            credentials: None,
            default_account: "000000000000".into(),
            default_region: "us-east-1".into(),
            admin_api: false,
            observer: None,
        }
    }
}

pub(crate) struct AppState {
    pub(crate) engine: Mutex<Engine>,
    pub(crate) options: ServerOptions,
    /// The engine generation the observer was last told of.
    pub(crate) observed: std::sync::atomic::AtomicU64,
}

pub(crate) type Shared = Arc<AppState>;

/// The router serving everything.
pub fn router(engine: Engine, options: ServerOptions) -> Router {
    let admin = options.admin_api;
    let state = Arc::new(AppState {
        engine: Mutex::new(engine),
        options,
        observed: u64::MAX.into(),
    });
    crate::observer::notify(&state);
    let mut r = Router::new()
        .route("/_openvpc/health", get(|| async { "ok" }))
        .merge(console::routes())
        .fallback(query_endpoint);
    if admin {
        r = r
            .route("/_openvpc/reset", post(reset))
            .route("/_openvpc/clock/advance", post(advance_clock))
            .route("/_openvpc/snapshot", post(snapshot));
    }
    crate::observer::routes(r, &state).with_state(state)
}

/// Serves until the process is stopped.
pub async fn serve(listen: SocketAddr, app: Router) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    tracing::info!("openvpc listening on http://{}", listener.local_addr()?);
    axum::serve(listener, app).await
}

fn xml_response(status: u16, body: String) -> Response {
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        [("content-type", "text/xml;charset=UTF-8")],
        body,
    )
        .into_response()
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

async fn query_endpoint(
    State(state): State<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Some(redirect) = console::redirect_bare_get(&method, &uri) {
        return redirect;
    }
    // Handled inline: every request serialises on the engine lock anyway, and the server
    // runs on a single-threaded runtime, so a hop to another thread would only add cost.
    handle_query(&state, &method, &uri, &headers, &body)
}

/// Header names lower-case with their values, as SigV4 verification reads them.
fn header_pairs(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect()
}

fn handle_query(
    state: &AppState,
    method: &Method,
    uri: &Uri,
    headers: &HeaderMap,
    body: &[u8],
) -> Response {
    let header_pairs = header_pairs(headers);
    let query = uri.query().unwrap_or("");
    let parts = HttpRequestParts {
        method: method.as_str(),
        path: uri.path(),
        query,
        headers: &header_pairs,
        body,
    };
    let mut params = Params::parse(query.as_bytes());
    let is_form = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_none_or(|v| v.starts_with("application/x-www-form-urlencoded"));
    if *method == Method::POST && is_form {
        params.extend(Params::parse(body));
    }
    let mut engine = state.engine.lock().unwrap_or_else(|p| p.into_inner());
    let request_id = engine.request_id();
    let dialect = Dialect::of(&parts, &params);
    let error = |e: &ApiError, rid: &str| {
        let r = dialect.error(e, rid);
        xml_response(r.status, r.body)
    };
    let opts = &state.options;
    let caller = match auth::resolve(
        &parts,
        opts.credentials.as_ref(),
        &opts.default_account,
        &opts.default_region,
        // Signatures are checked against the real clock, not the admin-advanced one.
        unix_now(),
    ) {
        Ok(c) => c,
        Err(e) => return error(&e, &request_id),
    };
    let Some(action) = params.peek("Action").map(str::to_string) else {
        return error(&ApiError::missing("Action"), &request_id);
    };
    let ctx = match engine.prepare(&caller.account, &caller.region) {
        Ok(ctx) => ctx,
        Err(e) => return error(&e, &request_id),
    };
    let mut backend = engine.backend(ctx);
    let resp = dialect.handle(&action, &params, &mut backend, &request_id);
    xml_response(resp.status, resp.body)
}

async fn reset(State(state): State<Shared>) -> Response {
    let mut engine = state.engine.lock().unwrap_or_else(|p| p.into_inner());
    match engine.reset() {
        Ok(()) => (StatusCode::OK, "reset\n").into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

#[derive(serde::Deserialize)]
struct Advance {
    seconds: i64,
}

async fn advance_clock(State(state): State<Shared>, Query(q): Query<Advance>) -> Response {
    let mut engine = state.engine.lock().unwrap_or_else(|p| p.into_inner());
    match engine.advance_clock(q.seconds) {
        Ok(now) => (
            StatusCode::OK,
            [("content-type", "application/json")],
            format!("{{\"now\":\"{}\"}}\n", openvpc_wire::time::iso8601(now)),
        )
            .into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}

async fn snapshot(State(state): State<Shared>) -> Response {
    let mut engine = state.engine.lock().unwrap_or_else(|p| p.into_inner());
    match engine.snapshot() {
        Ok(()) => (StatusCode::OK, "snapshot\n").into_response(),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
    }
}
