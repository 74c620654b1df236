//! The HTTP service a connection is served by: the router, with the Query endpoint's own
//! requests (`POST /`, nearly all of them) handed straight to it.

use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;

use axum::body::{Body, HttpBody};
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, Request};
use axum::response::Response;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::service::TowerToHyperService;

use super::{query_endpoint, Shared};

/// The router, and the state of the Query endpoint when a `POST /` may skip the router:
/// the router sends it to that endpoint anyway (its fallback), so going there at once
/// saves the routing (matching, boxed services, futures moved) of every API call. Not
/// when an observer is configured: its layer wraps every route.
#[derive(Clone)]
pub struct App {
    router: TowerToHyperService<Router>,
    direct: Option<Shared>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("direct", &self.direct.is_some())
            .finish()
    }
}

impl App {
    pub(super) fn new(router: Router, direct: Option<Shared>) -> Self {
        App {
            router: TowerToHyperService::new(router),
            direct,
        }
    }
}

type Answer = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

impl hyper::service::Service<Request<Incoming>> for App {
    type Response = Response;
    type Error = Infallible;
    type Future = Answer;

    fn call(&self, req: Request<Incoming>) -> Answer {
        match &self.direct {
            Some(state) if req.method() == Method::POST && req.uri().path() == "/" => {
                let state = state.clone();
                Box::pin(async move {
                    let mut res = query_endpoint(State(state), req.map(Body::new)).await;
                    set_content_length(&mut res);
                    Ok(res)
                })
            }
            _ => Box::pin(self.router.call(req)),
        }
    }
}

/// What axum's routes add to every answer: a `content-length` when the body's size is
/// known and the handler set none.
fn set_content_length(res: &mut Response) {
    if res.headers().contains_key(header::CONTENT_LENGTH) {
        return;
    }
    if let Some(size) = res.body().size_hint().exact() {
        let value = HeaderValue::from(size);
        res.headers_mut().insert(header::CONTENT_LENGTH, value);
    }
}
