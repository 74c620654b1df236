//! Synthetic networks for the reachability engine: a seeded generator ([`synth`]) and a
//! writer of import directories ([`write`]), used by the `reach-bench` binary and by tests.

pub mod synth;
pub mod write;
