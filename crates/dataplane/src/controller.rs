//! The running data plane: told of every state change (the state the server's readers
//! see), it builds the desired kernel state at once (under the caller's lock, so it sees
//! exactly that world) and hands it to a worker thread that reconciles the kernel, newest
//! state first.

use std::collections::BTreeMap;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use openvpc_core::World;
use openvpc_reach::View;
use serde_json::{json, Value};

use crate::model::Desired;
use crate::names::Names;
use crate::reconcile::{reconcile, Applied};
use crate::{build, cleanup, kernel};

#[derive(Debug, Default)]
struct State {
    committed: u64,
    applied: u64,
    errors: Vec<String>,
    counts: BTreeMap<&'static str, usize>,
    targets: BTreeMap<String, String>,
    namespaces: usize,
    last_apply_ms: f64,
}

/// A handle on the running data plane.
#[derive(Debug, Clone)]
pub struct Dataplane {
    names: Names,
    state: Arc<Mutex<State>>,
    tx: Sender<Job>,
}

/// What the worker is asked to do.
#[derive(Debug)]
enum Job {
    Apply(u64, Desired),
    /// Stop the resolvers and tunnels (their sockets hold namespaces) and say when done.
    Stop(Sender<()>),
}

impl Dataplane {
    /// Checks the machine, removes what a crashed run of the same owner left, and starts
    /// the worker.
    pub fn start(owner: &str) -> Result<Dataplane, String> {
        kernel::check_capable()?;
        let names = Names::new(owner);
        let removed = cleanup::cleanup(Some(&names))?;
        if removed > 0 {
            tracing::info!("data plane: removed {removed} namespaces left by an earlier run");
        }
        let state = Arc::new(Mutex::new(State::default()));
        let (tx, rx) = channel();
        let worker_state = state.clone();
        std::thread::Builder::new()
            .name("dataplane".into())
            .spawn(move || work(rx, worker_state))
            .map_err(|e| e.to_string())?;
        Ok(Dataplane { names, state, tx })
    }

    /// The owner's names.
    pub fn names(&self) -> &Names {
        &self.names
    }

    /// A new state was committed: realise it.
    pub fn committed(&self, world: &World, view: &View) {
        let desired = build::build(world, view, &self.names);
        let generation = {
            let mut s = self.lock();
            s.committed += 1;
            s.committed
        };
        let _ = self.tx.send(Job::Apply(generation, desired));
    }

    /// Whether the kernel matches the last committed state.
    pub fn in_sync(&self) -> bool {
        let s = self.lock();
        s.applied == s.committed && s.errors.is_empty()
    }

    /// The status document of `GET /_openvpc/dataplane`.
    pub fn status(&self) -> Value {
        let s = self.lock();
        json!({
            "mode": "linux",
            "owner": self.names.owner,
            "in_sync": s.applied == s.committed && s.errors.is_empty(),
            "committed_generation": s.committed,
            "applied_generation": s.applied,
            "namespaces": s.namespaces,
            "counts": s.counts,
            "last_apply_ms": s.last_apply_ms,
            "errors": s.errors,
            "targets": s.targets,
        })
    }

    /// Removes everything this data plane made.
    pub fn shutdown(&self) -> Result<usize, String> {
        let (done, wait) = channel();
        if self.tx.send(Job::Stop(done)).is_ok() {
            let _ = wait.recv_timeout(std::time::Duration::from_secs(5));
        }
        cleanup::cleanup(Some(&self.names))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

fn work(rx: Receiver<Job>, state: Arc<Mutex<State>>) {
    let mut applied = Applied::default();
    let mut resolvers = crate::dns::Resolvers::default();
    let mut standins = crate::standin::StandIns::default();
    while let Ok(mut job) = rx.recv() {
        // Only the newest committed state matters (a stop request wins).
        while let Ok(newer) = rx.try_recv() {
            if !matches!(job, Job::Stop(_)) {
                job = newer;
            }
        }
        let (generation, desired) = match job {
            Job::Apply(g, d) => (g, d),
            Job::Stop(done) => {
                resolvers.stop_all();
                standins.stop_all();
                applied.tunnels.stop_all();
                let _ = done.send(());
                return;
            }
        };
        let started = Instant::now();
        resolvers.stop_others(&desired.dns);
        standins.stop_others(&desired.standins);
        let mut report = reconcile(&mut applied, &desired);
        report.errors.extend(resolvers.sync(&desired.dns));
        report.errors.extend(standins.sync(&desired.standins));
        let ms = started.elapsed().as_secs_f64() * 1000.0;
        for e in &report.errors {
            tracing::warn!("data plane: {e}");
        }
        tracing::debug!(
            "data plane: generation {generation} in {ms:.1} ms ({} created, {} deleted, {} changed)",
            report.created,
            report.deleted,
            report.changed
        );
        let mut s = state.lock().unwrap_or_else(|p| p.into_inner());
        s.applied = generation;
        s.errors = report.errors;
        s.counts = desired.counts.clone();
        s.targets = desired.targets.clone();
        s.namespaces = desired.namespaces.len();
        s.last_apply_ms = ms;
    }
}
