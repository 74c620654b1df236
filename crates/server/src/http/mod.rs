//! HTTP: the Query endpoint at `/`, the console at `/console`, health, change counter and
//! admin endpoints under `/_openvpc/`.
//!
//! Every answer is an AWS document: the HTTP layer's own refusals (too large, too long,
//! too many headers, bad method, a body that stalls) included. A request is read in
//! full, authenticated and checked before the engine is touched.

mod app;
mod conn;
mod console;

use std::borrow::Cow;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, request::Parts, HeaderName, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::Router;
use http_body_util::BodyExt;
use openvpc_core::{ApiError, ErrorCode};
use openvpc_wire::params::Params;
use openvpc_wire::sigv4::HttpRequestParts;
use openvpc_wire::Dialect;

pub use app::App;
pub use conn::serve;

use crate::auth::{self, Credentials};
use crate::engine::{unavailable, Engine, Handled, Ticket};

/// Largest request body accepted (AWS's Query APIs take up to about 1 MB of parameters).
pub const MAX_BODY: usize = 2 << 20;
/// Longest request URI (path and query) accepted.
pub const MAX_URI: usize = 16 << 10;
/// Most header lines accepted, and their largest total size.
pub const MAX_HEADERS: usize = 100;
pub const MAX_HEADER_BYTES: usize = 32 << 10;

/// Server-level settings (beyond the engine's).
#[derive(Debug, Clone)]
pub struct ServerOptions {
    pub credentials: Option<Credentials>,
    pub default_account: String,
    pub default_region: String,
    pub admin_api: bool,
    /// How long a client may take to send a request's head, and then its body.
    pub read_timeout: Duration,
    /// Told of every state change (the data plane), and serves `/_openvpc/dataplane`.
    pub observer: Option<Arc<dyn crate::Observer>>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        ServerOptions {
            credentials: None,
            default_account: "000000000000".into(),
            default_region: "us-east-1".into(),
            admin_api: false,
            read_timeout: Duration::from_secs(20),
            observer: None,
        }
    }
}

pub(crate) struct AppState {
    pub(crate) engine: Engine,
    pub(crate) options: ServerOptions,
    /// The engine generation the observer was last told of.
    pub(crate) observed: std::sync::atomic::AtomicU64,
}

pub(crate) type Shared = Arc<AppState>;

/// The router serving everything, as an [`App`].
pub fn router(engine: Engine, options: ServerOptions) -> App {
    let admin = options.admin_api;
    let state = Arc::new(AppState {
        engine,
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
            .route("/_openvpc/reset", any(reset))
            .route("/_openvpc/clock/advance", any(advance_clock))
            .route("/_openvpc/snapshot", any(snapshot));
    }
    let direct = state.options.observer.is_none().then(|| state.clone());
    App::new(crate::observer::routes(r, &state).with_state(state), direct)
}

/// The header naming a request's id.
static REQUEST_ID: HeaderName = HeaderName::from_static("x-amzn-requestid");

fn xml_response(status: u16, body: String, request_id: &str) -> Response {
    doc_response(Dialect::Ec2, status, body, request_id)
}

/// A document of `dialect` (XML, or RAM's JSON with its error code in `x-amzn-ErrorType`).
fn doc_response(dialect: Dialect, status: u16, body: String, request_id: &str) -> Response {
    let code = (dialect == Dialect::Ram && status >= 400)
        .then(|| serde_json::from_str::<serde_json::Value>(&body).ok())
        .flatten()
        .and_then(|v| v.get("__type")?.as_str().map(str::to_string));
    // Built by hand (what axum's `(status, headers, body)` makes, in the same header order):
    // the header names are constants, not parsed per answer.
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = r.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(dialect.content_type()),
    );
    // Request ids are ours (a UUID), always a valid header value.
    if let Ok(id) = HeaderValue::from_str(request_id) {
        headers.insert(REQUEST_ID.clone(), id);
    }
    if let Some(v) = code.and_then(|c| HeaderValue::from_str(&c).ok()) {
        r.headers_mut().insert("x-amzn-errortype", v);
    }
    r
}

fn error(dialect: Dialect, e: &ApiError, request_id: &str) -> Response {
    let r = dialect.error(e, request_id);
    doc_response(dialect, r.status, r.body, request_id)
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A request read in full: its head and body.
struct Received {
    parts: Parts,
    body: Vec<u8>,
}

impl Received {
    /// The headers as the wire reads them, borrowed: names lower-case (as `http` gives
    /// them), values as text (almost always UTF-8; read lossily otherwise).
    fn headers(&self) -> Vec<(&str, Cow<'_, str>)> {
        self.parts
            .headers
            .iter()
            .map(|(k, v)| (k.as_str(), openvpc_wire::text_of(v.as_bytes())))
            .collect()
    }

    /// The request as the wire's signature check reads it, with `headers` from
    /// [`Received::headers`].
    fn http_parts<'a>(&'a self, headers: &'a [(&'a str, Cow<'a, str>)]) -> HttpRequestParts<'a> {
        HttpRequestParts {
            method: self.parts.method.as_str(),
            path: self.parts.uri.path(),
            query: self.parts.uri.query().unwrap_or(""),
            headers,
            body: &self.body,
        }
    }
}

/// Reads a request within the limits and the read timeout; the refusal otherwise.
async fn receive(
    req: Request,
    methods: &[Method],
    timeout: Duration,
) -> Result<Received, ApiError> {
    let (parts, body) = req.into_parts();
    if !methods.contains(&parts.method) {
        return Err(ApiError::new(
            ErrorCode::MethodNotAllowed,
            format!("The HTTP method {} is not allowed here.", parts.method),
        ));
    }
    let uri_len = parts.uri.path().len() + parts.uri.query().map_or(0, |q| q.len() + 1);
    if uri_len > MAX_URI {
        return Err(ApiError::new(
            ErrorCode::RequestURITooLong,
            "The request URI is too long.",
        ));
    }
    let header_bytes: usize = parts
        .headers
        .iter()
        .map(|(k, v)| k.as_str().len() + v.len())
        .sum();
    if parts.headers.len() > MAX_HEADERS || header_bytes > MAX_HEADER_BYTES {
        return Err(ApiError::new(
            ErrorCode::RequestHeaderFieldsTooLarge,
            "The request's header fields are too large or too many.",
        ));
    }
    let body = read_body(body, timeout).await?;
    Ok(Received { parts, body })
}

async fn read_body(mut body: Body, timeout: Duration) -> Result<Vec<u8>, ApiError> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut out = Vec::new();
    loop {
        match tokio::time::timeout_at(deadline, body.frame()).await {
            Err(_) => {
                return Err(ApiError::new(
                    ErrorCode::RequestTimeout,
                    "The request body was not received in time.",
                ))
            }
            Ok(None) => return Ok(out),
            Ok(Some(Err(_))) => {
                return Err(ApiError::new(
                    ErrorCode::MalformedHTTPRequest,
                    "The request body could not be read.",
                ))
            }
            Ok(Some(Ok(frame))) => {
                if let Ok(data) = frame.into_data() {
                    if out.len() + data.len() > MAX_BODY {
                        return Err(ApiError::new(
                            ErrorCode::RequestEntityTooLarge,
                            format!("The request body is larger than {MAX_BODY} bytes."),
                        ));
                    }
                    out.extend_from_slice(&data);
                }
            }
        }
    }
}

/// A refusal of the HTTP layer; the connection is closed after it, since the rest of
/// the request may still be in flight.
fn refused(e: &ApiError, request_id: &str) -> Response {
    let mut r = error(Dialect::Ec2, e, request_id);
    r.headers_mut()
        .insert("connection", axum::http::HeaderValue::from_static("close"));
    r
}

pub(crate) async fn query_endpoint(State(state): State<Shared>, req: Request) -> Response {
    // A browser's bare `GET /` goes to the console, but only once the request is within
    // the limits every request keeps.
    let browser = console::redirect_bare_get(req.method(), req.uri());
    let methods: &[Method] = match browser {
        Some(_) => &[Method::GET, Method::HEAD],
        None => &[Method::GET, Method::POST],
    };
    let request_id = state.engine.request_id();
    let received = match receive(req, methods, state.options.read_timeout).await {
        Ok(r) => r,
        Err(e) => return refused(&e, &request_id),
    };
    if let Some(redirect) = browser {
        return redirect;
    }
    let mut answer = handle_query(&state, &received, &request_id, None);
    if let Answer::NeedsKey(key_type) = answer {
        // Made on the blocking pool, so the server's one request thread keeps serving.
        let made = tokio::task::spawn_blocking(move || {
            openvpc_wire::keys::generate(key_type, os_entropy())
        })
        .await;
        answer = match made {
            Ok(key) => handle_query(&state, &received, &request_id, Some(key)),
            Err(_) => Answer::Now(error(
                Dialect::Ec2,
                &ApiError::new(ErrorCode::InternalError, "The key pair could not be made."),
                &request_id,
            )),
        };
    }
    match answer {
        Answer::NeedsKey(_) => error(
            Dialect::Ec2,
            &ApiError::new(ErrorCode::InternalError, "The key pair could not be made."),
            &request_id,
        ),
        Answer::Now(resp) => resp,
        Answer::Durable(resp, ticket, dialect) => match ticket.await {
            Ok(Ok(())) => resp,
            Ok(Err(why)) => error(dialect, &unavailable(&why), &request_id),
            Err(_) => error(dialect, &unavailable("the journal stopped"), &request_id),
        },
    }
}

enum Answer {
    Now(Response),
    Durable(Response, Ticket, Dialect),
    /// The request needs a key of this type made first (CreateKeyPair).
    NeedsKey(openvpc_core::keypair::KeyType),
}

/// 32 bytes from the operating system's random source.
fn os_entropy() -> [u8; 32] {
    let mut seed = [0u8; 32];
    getrandom::getrandom(&mut seed).expect("the OS random source is readable");
    seed
}

/// Authenticates and checks the request, then runs it on the engine.
///
/// An authenticated CreateKeyPair first answers [`Answer::NeedsKey`]: the caller makes the
/// key off the request thread and runs the request again with it.
fn handle_query(
    state: &AppState,
    r: &Received,
    request_id: &str,
    key: Option<openvpc_wire::keys::Generated>,
) -> Answer {
    let query = r.parts.uri.query().unwrap_or("");
    let mut params = Params::parse(query.as_bytes());
    let headers = r.headers();
    let is_form = headers
        .iter()
        .find(|(k, _)| *k == "content-type")
        .is_none_or(|(_, v)| v.starts_with("application/x-www-form-urlencoded"));
    if r.parts.method == Method::POST && is_form {
        params.extend(Params::parse(&r.body));
    }
    let parts = r.http_parts(&headers);
    // ELBv2 and STS share this endpoint; the wire decides the dialect from the request.
    // The signature's claimed scope, parsed once: it picks the dialect and the caller.
    let scope = openvpc_wire::sigv4::credential_scope(&parts);
    let dialect = match Dialect::of(scope.as_ref().ok().and_then(Option::as_ref), &params) {
        Ok(d) => d,
        Err(e) => {
            let doc = openvpc_wire::dialect::unserved_error(&e, request_id);
            return Answer::Now(xml_response(doc.status, doc.body, request_id));
        }
    };
    let opts = &state.options;
    let caller = match auth::resolve(
        &parts,
        scope,
        opts.credentials.as_ref(),
        &opts.default_account,
        &opts.default_region,
        dialect.signing_name(),
        // Signatures are checked against the real clock, not the admin-advanced one.
        unix_now(),
    ) {
        Ok(c) => c,
        Err(e) => return Answer::Now(error(dialect, &e, request_id)),
    };
    if dialect == Dialect::Ram {
        // REST-JSON: the action is the path, the parameters the JSON body.
        let action = match openvpc_wire::ram::action_of(r.parts.uri.path()) {
            Ok(a) => a,
            Err(e) => return Answer::Now(error(dialect, &e, request_id)),
        };
        let mut run = |backend: &mut dyn openvpc_wire::Backend| {
            openvpc_wire::ram::handle(action, &r.body, backend)
        };
        return run_on_engine(
            state,
            &caller.account,
            &caller.region,
            dialect,
            &mut run,
            request_id,
        );
    }
    if let Err(e) = params.check_request(dialect.version(), dialect.service_name()) {
        return Answer::Now(error(dialect, &e, request_id));
    }
    let Some(action) = params.peek("Action").map(str::to_string) else {
        return Answer::Now(error(dialect, &ApiError::missing("Action"), request_id));
    };
    if dialect == Dialect::Sts {
        // STS answers from the caller's identity; the world is not involved.
        let doc = openvpc_wire::sts::handle(&action, &params, &caller.identity(), request_id);
        return Answer::Now(xml_response(doc.status, doc.body, request_id));
    }
    if dialect == Dialect::Ec2 {
        match key {
            Some(key) => params.set_generated_key(key),
            None => {
                if let Some(key_type) = openvpc_wire::keys::key_to_make(&action, &params) {
                    return Answer::NeedsKey(key_type);
                }
            }
        }
    }
    let mut run = |backend: &mut dyn openvpc_wire::Backend| {
        dialect.handle(&action, &params, backend, request_id)
    };
    run_on_engine(
        state,
        &caller.account,
        &caller.region,
        dialect,
        &mut run,
        request_id,
    )
}

/// Runs a request's handler on the engine and answers in its dialect.
fn run_on_engine(
    state: &AppState,
    account: &str,
    region: &str,
    dialect: Dialect,
    run: &mut dyn FnMut(&mut dyn openvpc_wire::Backend) -> openvpc_wire::Response,
    request_id: &str,
) -> Answer {
    match state.engine.handle(account, region, run) {
        Err(e) => Answer::Now(error(dialect, &e, request_id)),
        Ok(Handled::Done(resp)) => {
            Answer::Now(doc_response(dialect, resp.status, resp.body, request_id))
        }
        Ok(Handled::Pending(resp, ticket)) => Answer::Durable(
            doc_response(dialect, resp.status, resp.body, request_id),
            ticket,
            dialect,
        ),
    }
}

/// Reads and admits an admin request (POST; signed by an admin key when credentials are
/// configured).
async fn admit(state: &AppState, req: Request, request_id: &str) -> Result<Received, Response> {
    let received = receive(req, &[Method::POST], state.options.read_timeout)
        .await
        .map_err(|e| refused(&e, request_id))?;
    auth::admin(
        &received.http_parts(&received.headers()),
        state.options.credentials.as_ref(),
        unix_now(),
    )
    .map_err(|e| error(Dialect::Ec2, &e, request_id))?;
    Ok(received)
}

/// Waits for an admin change to be durable.
async fn durable(ticket: Option<Ticket>) -> Result<(), ApiError> {
    match ticket {
        None => Ok(()),
        Some(t) => match t.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(why)) => Err(unavailable(&why)),
            Err(_) => Err(unavailable("the journal stopped")),
        },
    }
}

async fn reset(State(state): State<Shared>, req: Request) -> Response {
    let rid = state.engine.request_id();
    if let Err(resp) = admit(&state, req, &rid).await {
        return resp;
    }
    let result = state.engine.replace_world(None);
    match async { durable(result?).await }.await {
        Ok(()) => (StatusCode::OK, "reset\n").into_response(),
        Err(e) => error(Dialect::Ec2, &e, &rid),
    }
}

async fn advance_clock(State(state): State<Shared>, req: Request) -> Response {
    let rid = state.engine.request_id();
    let received = match admit(&state, req, &rid).await {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let query = received.parts.uri.query().unwrap_or("");
    let seconds = match Params::parse(query.as_bytes()).peek("seconds") {
        None => Err(ApiError::missing("seconds")),
        Some(v) => v.trim().parse::<i64>().map_err(|_| {
            ApiError::invalid_value(format!(
                "Value ({v}) for parameter seconds is invalid. Expected an integer."
            ))
        }),
    };
    let result = match seconds {
        Ok(s) => state.engine.advance_clock(s),
        Err(e) => Err(e),
    };
    let outcome = match result {
        Ok((now, ticket)) => durable(ticket).await.map(|()| now),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(now) => (
            StatusCode::OK,
            [("content-type", "application/json")],
            format!("{{\"now\":\"{}\"}}\n", openvpc_wire::time::iso8601(now)),
        )
            .into_response(),
        Err(e) => error(Dialect::Ec2, &e, &rid),
    }
}

async fn snapshot(State(state): State<Shared>, req: Request) -> Response {
    let rid = state.engine.request_id();
    if let Err(resp) = admit(&state, req, &rid).await {
        return resp;
    }
    let result = state.engine.replace_world(Some(state.engine.live_world()));
    match async { durable(result?).await }.await {
        Ok(()) => (StatusCode::OK, "snapshot\n").into_response(),
        Err(e) => error(Dialect::Ec2, &e, &rid),
    }
}
