//! The engine: the world, its journal and the clock.
//!
//! Invariants (ARCHITECTURE.md explains why they hold):
//! - one world, one writer: commands apply to the world under its lock, in one order, and
//!   are queued for the journal in that order; reads answer from the same world;
//! - `full` durability: a mutation's response is released only once its entry is durable;
//!   reads never wait for a sync, so they may see a change whose sync is under way; when a
//!   sync fails, writes are refused, the world is rebuilt from the durable entries, and
//!   only then is every queued mutation answered `ServiceUnavailable` — a change whose
//!   writer was refused is seen by no reader from then on;
//! - replaying snapshot + journal, each entry with its own time, rebuilds exactly the
//!   acknowledged state (commands are deterministic, timers act as of their deadline);
//! - reads never write: a new scope's defaults are derived, made in memory and journaled
//!   with the next mutation;
//! - the clock never goes backwards, and its admin offset is journaled.

mod clock;
mod commit;
mod record;
mod view;

#[cfg(test)]
mod tests;

use std::sync::{Arc, Mutex, MutexGuard};

use openvpc_core::ids::IdGen;
use openvpc_core::{ApiError, Command, Config, Ctx, ErrorCode, Millis, Output, World};
use openvpc_reach::{Changes, View};
use openvpc_store::{Recovered, Store, StoreError};
use openvpc_wire::{Backend, Response};

pub use clock::{AdvanceRefused, Clock, MAX_ADVANCE_SECS};
pub use commit::Ticket;
use commit::{Item, Journal};
pub use record::summarize;
use record::{decode_snapshot, encode_snapshot, Record};
use view::LiveView;

/// How durable an acknowledged mutation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// Acknowledged once its journal entry is synced (group commit shares the syncs).
    #[default]
    Full,
    /// Acknowledged at once; the journal is synced at least every 10 ms, so a crash may
    /// lose the last 10 ms of acknowledged writes.
    Batched,
    /// No journal: state lives in memory only.
    None,
}

/// How the engine is set up.
#[derive(Debug, Clone)]
pub struct EngineOptions {
    pub config: Config,
    /// Seed of the id generator for a fresh world.
    pub seed: u64,
    /// Take a snapshot after this many journal entries.
    pub snapshot_every: usize,
    pub durability: Durability,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions {
            config: Config::default(),
            seed: 0x6f70_656e_7670_6300,
            snapshot_every: 50_000,
            durability: Durability::Full,
        }
    }
}

#[derive(Debug)]
struct Shared {
    /// Bumped whenever the state readers see may have changed (commands, timers, reset).
    generation: std::sync::atomic::AtomicU64,
    options: EngineOptions,
    /// The one world: commands apply to it and reads answer from it.
    live: Mutex<World>,
    clock: Mutex<Clock>,
    journal: Option<Journal>,
    request_ids: Mutex<IdGen>,
    /// The reach view of the world (touched only under its lock).
    view: LiveView,
}

impl Shared {
    fn generation(&self) -> u64 {
        self.generation.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Notes that the state readers see may have changed.
    fn changed(&self) {
        self.generation
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    /// Runs due timers, noting whether any fired.
    fn tick(&self, world: &mut World, now: Millis) {
        let due = Changes::due_timers(world, now);
        if due.is_empty() {
            return;
        }
        world.tick(now);
        self.changed();
        self.view.after(world, || due);
    }

    /// Whether a `full` write must be refused before it applies: a failed sync is being
    /// taken back (set and cleared under the live lock, so no write applies meanwhile).
    fn refusing(&self) -> Option<ApiError> {
        let journal = self.journal.as_ref()?;
        match self.options.durability {
            Durability::Full if journal.is_poisoned() => {
                Some(unavailable("an earlier write failed"))
            }
            Durability::Batched if journal.is_degraded() => {
                Some(unavailable("the journal cannot be written"))
            }
            _ => None,
        }
    }
}

/// State, journal and clock; cheap to clone (shared).
#[derive(Debug, Clone)]
pub struct Engine {
    shared: Arc<Shared>,
}

/// The outcome of one request.
#[derive(Debug)]
pub enum Handled {
    /// The response can go out now.
    Done(Response),
    /// The response may go out once `Ticket` reports its entries durable.
    Pending(Response, Ticket),
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The error a mutation gets when the store cannot make it durable.
pub fn unavailable(why: &str) -> ApiError {
    ApiError::new(ErrorCode::ServiceUnavailable,
        format!("The change could not be made durable ({why}). Nothing was changed; retry once the storage is writable again."),
    )
}

impl Engine {
    /// Opens the engine on a store and what it recovered (`None` for `--durability none`),
    /// replaying the snapshot and journal.
    pub fn open(
        store: Option<(Box<dyn Store>, Recovered)>,
        options: EngineOptions,
    ) -> Result<Self, StoreError> {
        let (store, recovered) = match store {
            Some((s, r)) => (Some(s), r),
            None => (None, Recovered::default()),
        };
        let (world, clock) = replay(recovered.snapshot.as_deref(), &recovered.entries, &options)?;
        let durability = if store.is_none() {
            Durability::None
        } else {
            options.durability
        };
        let view = LiveView::compiled(&world);
        let shared = Arc::new(Shared {
            generation: 0.into(),
            options: EngineOptions {
                durability,
                ..options
            },
            live: Mutex::new(world),
            clock: Mutex::new(clock),
            journal: store.as_ref().map(|_| Journal::default()),
            request_ids: Mutex::new(IdGen::new(clock::system_now() as u64)),
            view,
        });
        if let Some(store) = store {
            commit::start(shared.clone(), store, recovered);
        }
        Ok(Engine { shared })
    }

    /// Builds the state a store holds without opening it for writing (a server may be
    /// running on it): the world as of its last entry, and the clock.
    pub fn replay_only(
        recovered: &Recovered,
        config: Config,
    ) -> Result<(World, Clock), StoreError> {
        replay(
            recovered.snapshot.as_deref(),
            &recovered.entries,
            &EngineOptions {
                config,
                ..EngineOptions::default()
            },
        )
    }

    /// The durability in force.
    pub fn durability(&self) -> Durability {
        self.shared.options.durability
    }

    /// A fresh request id.
    pub fn request_id(&self) -> String {
        lock(&self.shared.request_ids).uuid()
    }

    /// The current time.
    pub fn now(&self) -> Millis {
        lock(&self.shared.clock).now()
    }

    /// A counter that changes whenever the state readers see may have changed.
    pub fn generation(&self) -> u64 {
        self.shared.generation()
    }

    /// Runs `f` on the state readers see, as of now, and its compiled reach view.
    pub fn observe(&self, f: impl FnOnce(&World, &View)) {
        let live = lock(&self.shared.live);
        f(&live, &self.shared.view.get(&live))
    }

    /// The compiled reach view of the state readers see (compiled now if a change made it
    /// stale).
    pub fn reach_view(&self) -> Arc<View> {
        self.shared.view.get(&lock(&self.shared.live))
    }

    /// A copy of the state.
    pub fn live_world(&self) -> World {
        lock(&self.shared.live).clone()
    }

    /// A copy of the state readers see (the live state: see [`Engine::handle`]).
    pub fn world(&self) -> World {
        self.live_world()
    }

    /// Runs one request for `account` in `region`: `run` gets a backend over the world,
    /// which it may read and mutate. Reads and writes share one world: a read may see a
    /// `full` mutation whose sync is under way (never one whose writer was refused: a
    /// failed sync is taken back before its writers are told).
    pub fn handle(
        &self,
        account: &str,
        region: &str,
        run: &mut dyn FnMut(&mut dyn Backend) -> Response,
    ) -> Result<Handled, ApiError> {
        let shared = &self.shared;
        let mut live = lock(&shared.live);
        let now = self.now();
        shared.tick(&mut live, now);
        let ctx = Ctx::new(account, region, now);
        if !live.scope_ready(ctx.scope()) {
            // Reads never write: the defaults are derived, journaled with the next entry.
            live.apply(&ctx, Command::InitScope)?;
            shared.changed();
            shared.view.stale();
            if let Some(j) = &shared.journal {
                j.push(Item::passenger(ctx.clone()));
            }
        }
        let mut backend = WriteBackend {
            engine: self,
            world: &mut live,
            ctx,
            ticket: None,
        };
        let resp = run(&mut backend);
        Ok(match backend.ticket {
            Some(t) => Handled::Pending(resp, t),
            None => Handled::Done(resp),
        })
    }

    /// Queues a record (the live state already reflects it); in `full` mode the ticket
    /// reports when it is durable.
    fn journal(&self, record: Record) -> Result<Option<Ticket>, ApiError> {
        let Some(journal) = &self.shared.journal else {
            return Ok(None);
        };
        if self.durability() != Durability::Full {
            journal.push(Item::entry(record, None));
            return Ok(None);
        }
        let (item, ticket) = Item::awaited(record);
        if !journal.push_unless_poisoned(item) {
            // Not reached: the poison is set under the live lock, checked before applying.
            return Err(unavailable("an earlier write failed"));
        }
        Ok(Some(ticket))
    }

    /// Moves the clock forward by `seconds` and runs what falls due; returns the new time.
    pub fn advance_clock(&self, seconds: i64) -> Result<(Millis, Option<Ticket>), ApiError> {
        let mut live = lock(&self.shared.live);
        if let Some(e) = self.shared.refusing() {
            return Err(e);
        }
        let mut clock = lock(&self.shared.clock);
        let offset = clock
            .advanced(seconds)
            .map_err(|AdvanceRefused(m)| ApiError::invalid_value(m))?;
        clock.offset = offset;
        let now = clock.now();
        drop(clock);
        self.shared.tick(&mut live, now);
        let ticket = self.journal(Record::Clock { offset, now })?;
        Ok((now, ticket))
    }

    /// Replaces every account's state with `world` (a wipe when `None`).
    pub fn replace_world(&self, world: Option<World>) -> Result<Option<Ticket>, ApiError> {
        let options = &self.shared.options;
        let mut world = world.unwrap_or_else(|| World::new(options.config.clone(), options.seed));
        world.restore(options.config.clone());
        let mut live = lock(&self.shared.live);
        if let Some(e) = self.shared.refusing() {
            return Err(e);
        }
        let clock = *lock(&self.shared.clock);
        let ticket = match &self.shared.journal {
            None => None,
            Some(journal) => {
                let (item, ticket) = Item::rotate(encode_snapshot(&world, &clock));
                if !journal.push_unless_poisoned(item) {
                    return Err(unavailable("an earlier write failed"));
                }
                Some(ticket)
            }
        };
        *live = world;
        self.shared.changed();
        self.shared.view.stale();
        Ok(ticket)
    }

    /// Starts, on the current tokio runtime, the task that tells writers when their changes
    /// are durable ([`serve`](crate::serve) does, first thing). Without it the journal
    /// thread tells each writer itself: correct, one cross-thread wake-up per writer.
    pub fn start_acks(&self) {
        if let Some(j) = &self.shared.journal {
            j.start_acks();
        }
    }

    /// Writes everything queued, stops the journal thread and closes the store.
    pub fn shutdown(&self) {
        if let Some(j) = &self.shared.journal {
            j.stop();
        }
    }
}

/// Rebuilds the world and clock from a snapshot and the entries after it.
fn replay(
    snapshot: Option<&[u8]>,
    entries: &[Vec<u8>],
    options: &EngineOptions,
) -> Result<(World, Clock), StoreError> {
    let (mut world, mut clock) = match snapshot {
        Some(bytes) => decode_snapshot(bytes, &options.config).map_err(StoreError::Other)?,
        None => (
            World::new(options.config.clone(), options.seed),
            Clock::default(),
        ),
    };
    for bytes in entries {
        Record::decode(bytes)
            .map_err(StoreError::Other)?
            .replay(&mut world, &mut clock);
    }
    Ok((world, clock))
}

/// The world, for one request that may mutate.
struct WriteBackend<'a> {
    engine: &'a Engine,
    world: &'a mut World,
    ctx: Ctx,
    ticket: Option<Ticket>,
}

impl Backend for WriteBackend<'_> {
    fn world(&self) -> &World {
        self.world
    }

    fn ctx(&self) -> &Ctx {
        &self.ctx
    }

    fn mutate(&mut self, cmd: Command) -> Result<Output, ApiError> {
        let shared = &self.engine.shared;
        if let Some(e) = shared.refusing() {
            return Err(e);
        }
        // One copy: the reach view reads it, then the journal keeps it.
        let kept = cmd.clone();
        let out = self.world.apply(&self.ctx, cmd)?;
        shared.changed();
        shared.view.after(self.world, || {
            Changes::from_command(&kept, &out, self.world)
        });
        if shared.journal.is_some() {
            let record = Record::Apply {
                ctx: self.ctx.clone(),
                cmd: Box::new(kept),
            };
            let ticket = self.engine.journal(record)?;
            self.ticket = ticket.or(self.ticket.take());
        }
        Ok(out)
    }

    fn dry_run(&mut self, cmd: Command) -> Result<(), ApiError> {
        self.world.clone().apply(&self.ctx, cmd).map(|_| ())
    }

    fn reach_view(&self) -> Option<Arc<View>> {
        Some(self.engine.shared.view.get(self.world))
    }
}
