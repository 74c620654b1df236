//! The engine: the world, its durable journal and the clock, behind one lock.
//!
//! Invariants:
//! - every mutation goes through [`Engine::backend`]'s `mutate`, which applies the
//!   command and appends it to the journal before the caller sees the result;
//! - on restart, the snapshot plus the journal, replayed with each entry's own time,
//!   rebuild exactly the acknowledged state (commands are deterministic, timers act as
//!   of their deadline);
//! - the clock never goes backwards, and its admin offset is durable.

use std::time::{SystemTime, UNIX_EPOCH};

use openvpc_core::{ApiError, Command, Config, Ctx, ErrorCode, Millis, Output, World};
use openvpc_store::{Store, StoreError};
use openvpc_wire::Backend;
use serde::{Deserialize, Serialize};

/// One journal entry: who did what, when.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    ctx: Ctx,
    cmd: Command,
}

/// How the engine is set up.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    pub config: Config,
    /// Seed of the id generator for a fresh world.
    pub seed: u64,
    /// Take a snapshot after this many journal entries.
    pub snapshot_every: usize,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            config: Config::default(),
            seed: 0x6f70_656e_7670_6300,
            snapshot_every: 50_000,
        }
    }
}

/// State, journal and clock.
pub struct Engine {
    world: World,
    store: Box<dyn Store>,
    options: EngineOptions,
    since_snapshot: usize,
    clock_offset: Millis,
    last_now: Millis,
    request_ids: openvpc_core::ids::IdGen,
    /// Bumped whenever the state may have changed (commands, timers, reset, import).
    generation: u64,
}

impl std::fmt::Debug for Engine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Engine")
            .field("since_snapshot", &self.since_snapshot)
            .field("clock_offset", &self.clock_offset)
            .finish()
    }
}

const CLOCK_OFFSET: &str = "clock_offset_ms";
const LAST_NOW: &str = "last_now_ms";

fn system_now() -> Millis {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as Millis)
        .unwrap_or(0)
}

fn store_err(e: StoreError) -> ApiError {
    ApiError::new(ErrorCode::InternalError, e.to_string())
}

impl Engine {
    /// Opens the engine on a store, recovering the snapshot and replaying the journal.
    pub fn open(mut store: Box<dyn Store>, options: EngineOptions) -> Result<Self, StoreError> {
        let recovered = store.load()?;
        let mut world = match &recovered.snapshot {
            Some(bytes) => {
                let mut w: World = serde_json::from_slice(bytes)
                    .map_err(|e| StoreError(format!("snapshot: {e}")))?;
                w.restore(options.config.clone());
                w
            }
            None => World::new(options.config.clone(), options.seed),
        };
        let mut last_now = store
            .meta(LAST_NOW)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(Millis::MIN);
        for bytes in &recovered.entries {
            let entry: Entry = serde_json::from_slice(bytes)
                .map_err(|e| StoreError(format!("journal entry: {e}")))?;
            world.tick(entry.ctx.now);
            if let Err(e) = world.apply(&entry.ctx, entry.cmd) {
                tracing::warn!("replayed entry failed: {e}");
            }
            last_now = last_now.max(entry.ctx.now);
        }
        let clock_offset = store
            .meta(CLOCK_OFFSET)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let seed = system_now() as u64;
        Ok(Engine {
            since_snapshot: recovered.entries.len(),
            world,
            store,
            options,
            clock_offset,
            last_now,
            request_ids: openvpc_core::ids::IdGen::new(seed),
            generation: 0,
        })
    }

    /// The current (offset, monotonic) time.
    pub fn now(&mut self) -> Millis {
        let now = (system_now() + self.clock_offset).max(self.last_now);
        self.last_now = now;
        now
    }

    /// A counter that changes whenever the state may have changed.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Runs due timers, noting whether any fired (one that fires may schedule the next, so
    /// the number of timers alone does not tell).
    fn tick(&mut self, now: Millis) {
        if self.world.next_due().is_some_and(|due| due <= now) {
            self.generation += 1;
        }
        self.world.tick(now);
    }

    /// The state.
    pub fn world(&self) -> &World {
        &self.world
    }

    /// A fresh request id.
    pub fn request_id(&mut self) -> String {
        self.request_ids.uuid()
    }

    /// Runs due timers and makes sure the caller's scope has its defaults.
    pub fn prepare(&mut self, account: &str, region: &str) -> Result<Ctx, ApiError> {
        let now = self.now();
        self.tick(now);
        let ctx = Ctx::new(account, region, now);
        if !self.world.scope_ready(&ctx.scope()) {
            self.mutate(&ctx, Command::InitScope)?;
        }
        Ok(ctx)
    }

    /// Applies a command and makes it durable before returning.
    pub fn mutate(&mut self, ctx: &Ctx, cmd: Command) -> Result<Output, ApiError> {
        let entry = Entry {
            ctx: ctx.clone(),
            cmd,
        };
        let bytes = serde_json::to_vec(&entry)
            .map_err(|e| ApiError::new(ErrorCode::InternalError, e.to_string()))?;
        let out = self.world.apply(ctx, entry.cmd)?;
        self.generation += 1;
        if let Err(e) = self.store.append(&bytes) {
            // Memory is ahead of disk: the only safe move is to stop before anyone
            // is told the mutation happened.
            tracing::error!("journal append failed, aborting: {e}");
            std::process::abort();
        }
        self.since_snapshot += 1;
        if self.since_snapshot >= self.options.snapshot_every {
            self.snapshot().map_err(store_err)?;
        }
        Ok(out)
    }

    /// Writes a snapshot of the world and truncates the journal.
    pub fn snapshot(&mut self) -> Result<(), StoreError> {
        let bytes = serde_json::to_vec(&self.world).map_err(|e| StoreError(e.to_string()))?;
        self.store.snapshot(&bytes)?;
        self.store.set_meta(LAST_NOW, &self.last_now.to_string())?;
        self.store
            .set_meta(CLOCK_OFFSET, &self.clock_offset.to_string())?;
        self.since_snapshot = 0;
        Ok(())
    }

    /// Moves the clock forward and runs what falls due.
    pub fn advance_clock(&mut self, seconds: i64) -> Result<Millis, StoreError> {
        self.clock_offset += seconds.max(0) * 1000;
        self.store
            .set_meta(CLOCK_OFFSET, &self.clock_offset.to_string())?;
        let now = self.now();
        self.tick(now);
        self.generation += 1;
        Ok(now)
    }

    /// Wipes every account's state (admin).
    pub fn reset(&mut self) -> Result<(), StoreError> {
        self.store.reset()?;
        self.store
            .set_meta(CLOCK_OFFSET, &self.clock_offset.to_string())?;
        self.world = World::new(self.options.config.clone(), self.options.seed);
        self.since_snapshot = 0;
        self.generation += 1;
        Ok(())
    }

    /// Replaces the whole state with `world` (an import) and makes it durable.
    pub fn replace_world(&mut self, mut world: World) -> Result<(), StoreError> {
        world.restore(self.options.config.clone());
        self.store.reset()?;
        self.world = world;
        self.generation += 1;
        self.snapshot()
    }

    /// A backend for one request of `ctx`.
    pub fn backend(&mut self, ctx: Ctx) -> EngineBackend<'_> {
        EngineBackend { engine: self, ctx }
    }
}

/// The wire's view of the engine during one request.
#[derive(Debug)]
pub struct EngineBackend<'a> {
    engine: &'a mut Engine,
    ctx: Ctx,
}

impl Backend for EngineBackend<'_> {
    fn world(&self) -> &World {
        &self.engine.world
    }

    fn ctx(&self) -> &Ctx {
        &self.ctx
    }

    fn mutate(&mut self, cmd: Command) -> Result<Output, ApiError> {
        self.engine.mutate(&self.ctx, cmd)
    }

    fn dry_run(&mut self, cmd: Command) -> Result<(), ApiError> {
        let mut copy = self.engine.world.clone();
        copy.apply(&self.ctx, cmd).map(|_| ())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openvpc_core::vpc;
    use openvpc_store::MemoryStore;

    #[derive(Default, Clone)]
    struct Shared(std::sync::Arc<std::sync::Mutex<MemoryStore>>);

    impl Store for Shared {
        fn load(&mut self) -> Result<openvpc_store::Recovered, StoreError> {
            self.0.lock().unwrap().load()
        }
        fn append(&mut self, e: &[u8]) -> Result<(), StoreError> {
            self.0.lock().unwrap().append(e)
        }
        fn snapshot(&mut self, s: &[u8]) -> Result<(), StoreError> {
            self.0.lock().unwrap().snapshot(s)
        }
        fn reset(&mut self) -> Result<(), StoreError> {
            self.0.lock().unwrap().reset()
        }
        fn meta(&mut self, k: &str) -> Result<Option<String>, StoreError> {
            self.0.lock().unwrap().meta(k)
        }
        fn set_meta(&mut self, k: &str, v: &str) -> Result<(), StoreError> {
            self.0.lock().unwrap().set_meta(k, v)
        }
    }

    fn create_vpc(e: &mut Engine, cidr: &str) -> String {
        let ctx = e.prepare("111111111111", "us-east-1").unwrap();
        match e
            .mutate(
                &ctx,
                Command::Vpc(vpc::Cmd::Create {
                    cidr_block: cidr.into(),
                    amazon_ipv6: false,
                    instance_tenancy: None,
                    tags: vec![],
                }),
            )
            .unwrap()
        {
            Output::Id(id) => id,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn replay_and_snapshots_restore_identical_state() {
        for snapshot_every in [1000, 2] {
            let store = Shared::default();
            let options = EngineOptions {
                snapshot_every,
                ..Default::default()
            };
            let mut e = Engine::open(Box::new(store.clone()), options.clone()).unwrap();
            let a = create_vpc(&mut e, "10.0.0.0/16");
            let b = create_vpc(&mut e, "10.1.0.0/16");
            let before = serde_json::to_string(e.world()).unwrap();
            let mut reopened = Engine::open(Box::new(store.clone()), options.clone()).unwrap();
            assert_eq!(serde_json::to_string(reopened.world()).unwrap(), before);
            // Ids continue the same sequence after recovery.
            let c1 = create_vpc(&mut e, "10.2.0.0/16");
            let c2 = create_vpc(&mut reopened, "10.2.0.0/16");
            assert_eq!(c1, c2);
            assert_ne!(a, b);
        }
    }

    #[test]
    fn the_generation_moves_with_commands_and_timers_only() {
        let mut e = Engine::open(Box::new(Shared::default()), EngineOptions::default()).unwrap();
        let a = create_vpc(&mut e, "10.0.0.0/16");
        let b = create_vpc(&mut e, "10.1.0.0/16");
        let after_vpcs = e.generation();
        // A read (a prepared request of a known scope, nothing due) changes nothing.
        e.prepare("111111111111", "us-east-1").unwrap();
        assert_eq!(e.generation(), after_vpcs);
        // A refused command changes nothing.
        let ctx = e.prepare("111111111111", "us-east-1").unwrap();
        let bad = vpc::Cmd::Create {
            cidr_block: "not a cidr".into(),
            amazon_ipv6: false,
            instance_tenancy: None,
            tags: vec![],
        };
        assert!(e.mutate(&ctx, Command::Vpc(bad)).is_err());
        assert_eq!(e.generation(), after_vpcs);
        // A peering request expires after seven days: the timer is a change.
        let create = openvpc_core::peering::Cmd::Create {
            vpc_id: a,
            peer_vpc_id: b,
            peer_owner_id: None,
            peer_region: None,
            tags: vec![],
        };
        e.mutate(&ctx, Command::Peering(create)).unwrap();
        let requested = e.generation();
        assert_eq!(requested, after_vpcs + 1);
        // The request's first transition (initiating → pending acceptance) is due at once.
        e.prepare("111111111111", "us-east-1").unwrap();
        let pending = e.generation();
        assert!(pending > requested);
        e.prepare("111111111111", "us-east-1").unwrap();
        assert_eq!(e.generation(), pending, "nothing else due for a week");
        e.advance_clock(8 * 24 * 3600).unwrap();
        assert!(e.generation() > pending);
    }
}
