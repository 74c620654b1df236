//! The EC2 Query wire of openvpc — the only crate that knows it.
//!
//! Flow of one request: [`params::Params`] decodes the form or query string; an action
//! handler in [`actions`] reads the parameters it knows into a typed
//! [`openvpc_core::Command`] (or a read of the world), refusing unknown ones; the
//! [`Backend`] applies it; the handler renders the result as AWS's XML ([`xml`]); errors
//! become AWS error documents with AWS's HTTP statuses ([`errors`]). [`sigv4`] verifies
//! signatures. Nothing here mutates state except through [`Backend::mutate`].

pub mod actions;
pub mod coverage;
pub mod dialect;
pub mod elbv2;
pub mod errors;
pub mod filters;
pub mod keys;
pub mod params;
pub mod ram;
pub mod sigv4;
pub mod sts;
pub mod time;
pub mod xml;

use std::sync::Arc;

use openvpc_core::{ApiError, Command, Ctx, Output, World};

pub use actions::handle;
pub use dialect::Dialect;

/// `bytes` as text: borrowed when it is UTF-8 (almost always: parameters, header values),
/// read lossily otherwise. `from_utf8` checks ASCII a word at a time, where
/// `String::from_utf8_lossy` goes byte by byte.
pub fn text_of(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    std::str::from_utf8(bytes).map_or_else(
        |_| String::from_utf8_lossy(bytes),
        std::borrow::Cow::Borrowed,
    )
}

/// The EC2 API version this server speaks.
pub const EC2_VERSION: &str = "2016-11-15";
/// The EC2 XML namespace (with the trailing slash AWS's samples carry).
pub const EC2_NAMESPACE: &str = "http://ec2.amazonaws.com/doc/2016-11-15/";

/// What a handler needs from the server: the world to read, and a way to mutate it.
pub trait Backend {
    /// The state, as of this request.
    fn world(&self) -> &World;
    /// Who calls, where, when.
    fn ctx(&self) -> &Ctx;
    /// Applies a command durably; on error nothing changed.
    fn mutate(&mut self, cmd: Command) -> Result<Output, ApiError>;
    /// Validates a command without effect (DryRun): Ok when it would succeed.
    fn dry_run(&mut self, cmd: Command) -> Result<(), ApiError>;
    /// The compiled reachability view of the state readers see, when the backend keeps
    /// one current; `None` (the default) makes an analysis compile its own.
    fn reach_view(&self) -> Option<Arc<openvpc_reach::View>> {
        None
    }
}

/// A backend over a world held in memory, with no journal: for tests, fuzzing and
/// in-process benchmarks. Mutations apply directly; DryRun applies to a copy.
#[derive(Debug)]
pub struct InMemory {
    pub world: World,
    pub ctx: Ctx,
}

impl Backend for InMemory {
    fn world(&self) -> &World {
        &self.world
    }

    fn ctx(&self) -> &Ctx {
        &self.ctx
    }

    fn mutate(&mut self, cmd: Command) -> Result<Output, ApiError> {
        self.world.apply(&self.ctx, cmd)
    }

    fn dry_run(&mut self, cmd: Command) -> Result<(), ApiError> {
        self.world.clone().apply(&self.ctx, cmd).map(|_| ())
    }
}

/// An HTTP response produced by the wire.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: String,
}
