//! A Linux data plane for openvpc: the committed state realised in network namespaces,
//! veth pairs, routing tables, policy rules and nftables, so that real programs in
//! "instances" talk exactly where the reachability engine says AWS would let them.
//!
//! Shape: [`build`] turns a [`openvpc_core::World`] into a [`model::Desired`] kernel
//! state, reading the forwarding rules from the engine's compiled view
//! ([`openvpc_reach::View::fabric`]); [`reconcile`] applies the difference to the
//! kernel through [`kernel`] (and runs the encrypted tunnels of inter-Region peerings,
//! [`tunnel`]); [`controller::Dataplane`] runs that after every commit;
//! [`cleanup`] removes everything by ownership markers ([`names`]).

pub mod build;
pub mod cleanup;
pub mod controller;
pub mod dns;
pub mod kernel;
pub mod model;
pub mod names;
pub mod reconcile;
pub mod standin;
pub mod tunnel;

pub use controller::Dataplane;
pub use names::Names;
