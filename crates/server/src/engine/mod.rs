//! The engine: the world, its journal and the clock.
//!
//! Invariants (ARCHITECTURE.md explains why they hold):
//! - one writer: commands apply to the live world under its lock, in one order, and are
//!   queued for the journal in that order;
//! - `full` durability: a mutation's response is released only once its entry is durable;
//!   reads answer from the committed world, which holds only durable state, so no reader
//!   ever sees a change that a failed sync could take back; when a sync fails, every
//!   queued mutation fails with `ServiceUnavailable` and the live world is rebuilt from
//!   the committed one;
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

/// The durable state readers see in `full` mode.
#[derive(Debug)]
struct Committed {
    world: World,
    clock: Clock,
    /// The time of the oldest queued entry not yet applied here: reads tick no further.
    pending_since: Option<Millis>,
}

#[derive(Debug)]
struct Shared {
    /// Bumped whenever the state readers see may have changed (commands, timers, reset).
    generation: std::sync::atomic::AtomicU64,
    options: EngineOptions,
    /// The world commands apply to (ahead of `committed` by the queued entries).
    live: Mutex<World>,
    clock: Mutex<Clock>,
    committed: Option<Mutex<Committed>>,
    journal: Option<Journal>,
    request_ids: Mutex<IdGen>,
    /// The reach view of the world readers see (touched only under that world's lock).
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

    /// Runs due timers of the world readers see, noting whether any fired.
    fn tick(&self, world: &mut World, now: Millis) {
        let due = Changes::due_timers(world, now);
        if due.is_empty() {
            return;
        }
        world.tick(now);
        self.changed();
        self.view.after(world, &due);
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
        let (world, clock) = replay(&recovered, &options)?;
        let durability = if store.is_none() {
            Durability::None
        } else {
            options.durability
        };
        let view = LiveView::compiled(&world);
        let committed = (durability == Durability::Full).then(|| {
            Mutex::new(Committed {
                world: world.clone(),
                clock,
                pending_since: None,
            })
        });
        let shared = Arc::new(Shared {
            generation: 0.into(),
            options: EngineOptions {
                durability,
                ..options
            },
            live: Mutex::new(world),
            clock: Mutex::new(clock),
            committed,
            journal: store.as_ref().map(|_| Journal::default()),
            request_ids: Mutex::new(IdGen::new(clock::system_now() as u64)),
            view,
        });
        if let Some(store) = store {
            commit::start(shared.clone(), store, recovered.entries.len());
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
            recovered,
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

    /// Runs `f` on the state readers see, as of now, and its compiled reach view (the
    /// committed state in `full` mode: an observer is told only of durable states, in commit
    /// order).
    pub fn observe(&self, f: impl FnOnce(&World, &View)) {
        match &self.shared.committed {
            Some(c) => {
                let c = lock(c);
                f(&c.world, &self.shared.view.get(&c.world))
            }
            None => {
                let live = lock(&self.shared.live);
                f(&live, &self.shared.view.get(&live))
            }
        }
    }

    /// The compiled reach view of the state readers see (compiled now if a change made it
    /// stale).
    pub fn reach_view(&self) -> Arc<View> {
        match &self.shared.committed {
            Some(c) => self.shared.view.get(&lock(c).world),
            None => self.shared.view.get(&lock(&self.shared.live)),
        }
    }

    /// A copy of the live state (ahead of the committed one by what is queued).
    pub fn live_world(&self) -> World {
        lock(&self.shared.live).clone()
    }

    /// A copy of the state readers see.
    pub fn world(&self) -> World {
        match &self.shared.committed {
            Some(c) => lock(c).world.clone(),
            None => lock(&self.shared.live).clone(),
        }
    }

    /// Runs one request for `account` in `region`: `run` gets a backend over the state it
    /// may read and mutate. In `full` mode it first runs against the committed world and,
    /// if it asks to mutate, again against the live one — unless `writer_first` (the caller
    /// knows the request mutates), which goes to the live world at once. `wrote` tells
    /// whether a `full` request needed the live world.
    pub fn handle(
        &self,
        account: &str,
        region: &str,
        writer_first: bool,
        run: &mut dyn FnMut(&mut dyn Backend) -> Response,
    ) -> Result<(Handled, bool), ApiError> {
        let full = self.shared.committed.is_some();
        if full && !writer_first {
            if let Some(resp) = self.read(account, region, run)? {
                return Ok((Handled::Done(resp), false));
            }
        }
        Ok((self.write(account, region, run)?, full))
    }

    /// A read against the committed world; `None` when the request wants to mutate.
    fn read(
        &self,
        account: &str,
        region: &str,
        run: &mut dyn FnMut(&mut dyn Backend) -> Response,
    ) -> Result<Option<Response>, ApiError> {
        let shared = &self.shared;
        let committed = shared.committed.as_ref().expect("full mode");
        let now = self.now();
        let mut c = lock(committed);
        let floor = c.pending_since.map_or(now, |p| p.min(now));
        shared.tick(&mut c.world, floor);
        let ctx = Ctx::new(account, region, floor);
        if !c.world.scope_ready(&ctx.scope()) {
            drop(c);
            self.derive_scope(&ctx)?;
            c = lock(committed);
        }
        let mut backend = ReadBackend {
            world: &c.world,
            view: &shared.view,
            ctx,
            wants_write: false,
        };
        let resp = run(&mut backend);
        Ok((!backend.wants_write).then_some(resp))
    }

    /// Makes a new scope's defaults in memory (live and committed) and queues them for
    /// the journal without waking it: they are written with the next mutation.
    fn derive_scope(&self, ctx: &Ctx) -> Result<(), ApiError> {
        let shared = &self.shared;
        let mut live = lock(&shared.live);
        self.heal(&mut live);
        if !live.scope_ready(&ctx.scope()) {
            live.apply(ctx, Command::InitScope)?;
        }
        if let Some(c) = &shared.committed {
            let mut c = lock(c);
            c.world.apply(ctx, Command::InitScope)?;
            shared.view.stale();
        }
        if let Some(j) = &shared.journal {
            j.push(Item::passenger(ctx.clone()));
        }
        shared.changed();
        Ok(())
    }

    /// A request against the live world.
    fn write(
        &self,
        account: &str,
        region: &str,
        run: &mut dyn FnMut(&mut dyn Backend) -> Response,
    ) -> Result<Handled, ApiError> {
        let shared = &self.shared;
        let mut live = lock(&shared.live);
        self.heal(&mut live);
        let now = self.now();
        let single = shared.committed.is_none();
        if single {
            shared.tick(&mut live, now);
        } else {
            live.tick(now);
        }
        let ctx = Ctx::new(account, region, now);
        if !live.scope_ready(&ctx.scope()) {
            live.apply(&ctx, Command::InitScope)?;
            if single {
                shared.changed();
                shared.view.stale();
            }
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

    /// After a failed sync: the live world is rebuilt from the committed one.
    fn heal(&self, live: &mut World) {
        let (Some(journal), Some(committed)) = (&self.shared.journal, &self.shared.committed)
        else {
            return;
        };
        if !journal.is_poisoned() {
            return;
        }
        let mut c = lock(committed);
        if journal.clear_poison() {
            *live = c.world.clone();
            *lock(&self.shared.clock) = c.clock;
            c.pending_since = None;
        }
    }

    /// Queues a record (the live state already reflects it); in `full` mode the ticket
    /// reports when it is durable. Fails when a sync failed since the live world was built.
    fn journal(&self, record: Record, floor: Millis) -> Result<Option<Ticket>, ApiError> {
        let Some(journal) = &self.shared.journal else {
            return Ok(None);
        };
        match &self.shared.committed {
            None => {
                if journal.is_degraded() {
                    return Err(unavailable("the journal cannot be written"));
                }
                journal.push(Item::entry(record, floor, None));
                Ok(None)
            }
            Some(committed) => {
                let mut c = lock(committed);
                let (item, ticket) = Item::awaited(record, floor);
                if !journal.push_unless_poisoned(item) {
                    return Err(unavailable("an earlier write failed"));
                }
                c.pending_since.get_or_insert(floor);
                Ok(Some(ticket))
            }
        }
    }

    /// Moves the clock forward by `seconds` and runs what falls due; returns the new time.
    pub fn advance_clock(&self, seconds: i64) -> Result<(Millis, Option<Ticket>), ApiError> {
        let mut live = lock(&self.shared.live);
        self.heal(&mut live);
        let mut clock = lock(&self.shared.clock);
        let offset = clock
            .advanced(seconds)
            .map_err(|AdvanceRefused(m)| ApiError::invalid_value(m))?;
        let before = clock.now();
        if self.durability() == Durability::Batched
            && self
                .shared
                .journal
                .as_ref()
                .is_some_and(Journal::is_degraded)
        {
            return Err(unavailable("the journal cannot be written"));
        }
        clock.offset = offset;
        let now = clock.now();
        drop(clock);
        if self.shared.committed.is_none() {
            self.shared.tick(&mut live, now);
        } else {
            live.tick(now);
        }
        match self.journal(Record::Clock { offset, now }, before) {
            Ok(ticket) => Ok((now, ticket)),
            Err(e) => {
                self.heal(&mut live);
                Err(e)
            }
        }
    }

    /// Replaces every account's state with `world` (a wipe when `None`).
    pub fn replace_world(&self, world: Option<World>) -> Result<Option<Ticket>, ApiError> {
        let options = &self.shared.options;
        let mut world = world.unwrap_or_else(|| World::new(options.config.clone(), options.seed));
        world.restore(options.config.clone());
        let mut live = lock(&self.shared.live);
        self.heal(&mut live);
        let clock = *lock(&self.shared.clock);
        let ticket = match &self.shared.journal {
            None => None,
            Some(journal) => {
                let state = encode_snapshot(&world, &clock);
                let (item, ticket) = Item::rotate(state, world.clone(), clock);
                if !journal.push_unless_poisoned(item) {
                    return Err(unavailable("an earlier write failed"));
                }
                if let Some(c) = &self.shared.committed {
                    lock(c).pending_since.get_or_insert(clock.last_now);
                }
                Some(ticket)
            }
        };
        *live = world;
        if self.shared.committed.is_none() {
            self.shared.changed();
            self.shared.view.stale();
        }
        Ok(ticket)
    }

    /// Writes everything queued, stops the journal thread and closes the store.
    pub fn shutdown(&self) {
        if let Some(j) = &self.shared.journal {
            j.stop();
        }
    }
}

/// Rebuilds the world and clock from a snapshot and the entries after it.
fn replay(recovered: &Recovered, options: &EngineOptions) -> Result<(World, Clock), StoreError> {
    let (mut world, mut clock) = match &recovered.snapshot {
        Some(bytes) => decode_snapshot(bytes, &options.config).map_err(StoreError::Other)?,
        None => (
            World::new(options.config.clone(), options.seed),
            Clock::default(),
        ),
    };
    for bytes in &recovered.entries {
        Record::decode(bytes)
            .map_err(StoreError::Other)?
            .replay(&mut world, &mut clock);
    }
    Ok((world, clock))
}

/// The committed world, for one read.
struct ReadBackend<'a> {
    world: &'a World,
    view: &'a LiveView,
    ctx: Ctx,
    wants_write: bool,
}

impl Backend for ReadBackend<'_> {
    fn world(&self) -> &World {
        self.world
    }

    fn ctx(&self) -> &Ctx {
        &self.ctx
    }

    fn mutate(&mut self, _cmd: Command) -> Result<Output, ApiError> {
        self.wants_write = true;
        Err(ApiError::new(
            ErrorCode::InternalError,
            "mutations run on the writer",
        ))
    }

    fn dry_run(&mut self, cmd: Command) -> Result<(), ApiError> {
        self.world.clone().apply(&self.ctx, cmd).map(|_| ())
    }

    fn reach_view(&self) -> Option<Arc<View>> {
        Some(self.view.get(self.world))
    }
}

/// The live world, for one request that may mutate.
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
        let record = (self.engine.shared.journal.is_some()).then(|| Record::Apply {
            ctx: self.ctx.clone(),
            cmd: Box::new(cmd.clone()),
        });
        if self.engine.durability() == Durability::Batched
            && self
                .engine
                .shared
                .journal
                .as_ref()
                .is_some_and(Journal::is_degraded)
        {
            return Err(unavailable("the journal cannot be written"));
        }
        let shared = &self.engine.shared;
        // Without a committed world, the live one is what readers see: its view follows.
        let single = shared.committed.is_none();
        let probe = single.then(|| cmd.clone());
        let out = self.world.apply(&self.ctx, cmd)?;
        if let Some(cmd) = probe {
            shared.changed();
            let changes = Changes::from_command(&cmd, &out, self.world);
            shared.view.after(self.world, &changes);
        }
        if let Some(record) = record {
            match self.engine.journal(record, self.ctx.now) {
                Ok(ticket) => self.ticket = ticket.or(self.ticket.take()),
                Err(e) => {
                    // Applied on top of state a failed sync took back: rebuild, refuse.
                    self.engine.heal(self.world);
                    return Err(e);
                }
            }
        }
        Ok(out)
    }

    fn dry_run(&mut self, cmd: Command) -> Result<(), ApiError> {
        self.world.clone().apply(&self.ctx, cmd).map(|_| ())
    }

    /// The view of the committed world in `full` mode (the live world may be ahead of it
    /// by mutations not yet durable), else of the live world.
    fn reach_view(&self) -> Option<Arc<View>> {
        let shared = &self.engine.shared;
        Some(match &shared.committed {
            Some(c) => shared.view.get(&lock(c).world),
            None => shared.view.get(self.world),
        })
    }
}
