//! The openvpc server: HTTP in front, the wire in the middle, the core and the store behind.
//!
//! [`engine::Engine`] owns the world, the store and the clock and is the only place that
//! mutates state; [`http`] turns HTTP requests into calls of the wire; [`auth`] resolves
//! the calling account and Region and verifies SigV4 when credentials are configured.

pub mod auth;
pub mod engine;
pub mod http;
pub mod observer;

pub use auth::Credentials;
pub use engine::{Durability, Engine, EngineOptions};
pub use http::{router, serve, ServerOptions};
pub use observer::Observer;
