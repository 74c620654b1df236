//! What the wire's in-process benchmarks share: timing requests through `actions::handle`.

use std::time::Instant;

use openvpc_wire::actions;
use openvpc_wire::params::Params;
use openvpc_wire::InMemory;

/// Latencies of a run of requests, sorted.
pub struct Timings(Vec<u64>);

impl Timings {
    /// The `q` quantile (0 to 1) in microseconds.
    pub fn us(&self, q: f64) -> f64 {
        self.0[((self.0.len() as f64 - 1.0) * q) as usize] as f64 / 1000.0
    }
}

/// Times each request (decode, validate, query, render), asserting it succeeds; returns the
/// timings and the last response's body.
pub fn time_requests(b: &mut InMemory, requests: &[Vec<(String, String)>]) -> (Timings, String) {
    let mut samples = Vec::with_capacity(requests.len());
    let mut last = String::new();
    for pairs in requests {
        let params = Params::from_pairs(pairs.clone());
        let action = params.peek("Action").unwrap().to_string();
        let start = Instant::now();
        let resp = actions::handle(&action, &params, b, "bench");
        samples.push(start.elapsed().as_nanos() as u64);
        assert_eq!(resp.status, 200, "{}", resp.body);
        last = resp.body;
    }
    samples.sort_unstable();
    (Timings(samples), last)
}
