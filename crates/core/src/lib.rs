//! The sans-IO core of openvpc.
//!
//! It holds the whole multi-account, multi-Region state ([`World`]) and every rule of the
//! VPC slice: lifecycle, quotas, validation. It performs no I/O: time arrives in each
//! [`Ctx`], identifiers come from the seeded [`ids::IdGen`] stored in the state, and every
//! mutation is a serialisable [`Command`] so a journal can replay it deterministically.
//!
//! Rules of the module tree: one module per resource family; each module owns its
//! resources' structs, its commands (`Cmd`), its `apply`, its describe functions and its
//! timers. Wire concerns (parameter names, XML, HTTP) live in `openvpc-wire`.

pub mod cidr;
pub mod codes;
pub mod command;
pub mod config;
pub mod error;
pub mod filter;
pub mod ids;
pub mod protocol;
pub mod region;
pub mod table;
pub mod tags;
pub mod world;

#[cfg(test)]
pub(crate) mod testkit;

pub mod dhcp;
pub mod elb;
pub mod endpoint;
pub mod endpoint_service;
pub mod eni;
pub mod flowlog;
pub mod gateway;
pub mod image;
pub mod insights;
pub mod keypair;
pub mod nacl;
pub mod peering;
pub mod prefix_list;
pub mod ram;
pub mod route;
pub mod sg;
pub mod subnet;
pub mod tgw;
pub mod vpc;
pub mod vpn;

pub use command::{BulkFailure, Command, Output};
pub use config::Config;
pub use error::{ApiError, ErrorCode, Result};
pub use filter::Filter;
pub use ids::Kind;
pub use protocol::Protocol;
pub use world::{Ctx, Scope, World};

/// Milliseconds since the Unix epoch, the core's only notion of time.
pub type Millis = i64;

/// One hour in milliseconds.
pub const HOUR: Millis = 3_600_000;
/// One day in milliseconds.
pub const DAY: Millis = 24 * HOUR;
