//! Synthetic networks for the reachability engine and their benchmark: a seeded generator
//! ([`synth`]), the flows and edits a run uses ([`mix`], [`edits`]), a writer of import
//! directories ([`write`]), the figures of a run ([`report`]), the timing of
//! `openvpc import` ([`import_time`]) and the plot of costs by tier ([`plot`]).

pub mod edits;
pub mod import_time;
pub mod mix;
pub mod plot;
pub mod report;
pub mod synth;
pub mod write;
