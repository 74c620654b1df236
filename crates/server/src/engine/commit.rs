//! Group commit: one thread writes the queued entries in batches, one sync per batch.
//!
//! Writers apply a command to the live world and queue its record under the live lock, so
//! the queue holds records in apply order. The journal thread takes everything queued,
//! appends it, commits (one sync for the whole batch), then — in `full` mode — applies the
//! batch to the committed world, brings the reach view up to date with it, and releases
//! the responses. A failed append or sync fails the batch and everything queued behind it
//! (they were applied on top of it) and poisons the queue: the next writer rebuilds the live world from the committed one. In
//! `batched` mode responses went out already; the batch is kept and retried, and new
//! mutations are refused while the journal cannot be written.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use openvpc_core::{Command, Ctx, Millis, World};
use openvpc_reach::Changes;
use openvpc_store::Store;
use tokio::sync::oneshot;

use super::record::{encode_snapshot, Record};
use super::{lock, Clock, Durability, Shared};

/// Reports whether queued entries became durable (`Err` carries why not).
pub type Ticket = oneshot::Receiver<Result<(), String>>;
type Done = oneshot::Sender<Result<(), String>>;

/// How long `batched` mode lets acknowledged entries wait for their sync.
const BATCH_WINDOW: Duration = Duration::from_millis(10);

/// How long `full` mode waits, once an entry is queued, for as many entries as the last
/// batch held before it syncs.
const GATHER: Duration = Duration::from_millis(2);

/// One queued unit of work.
#[derive(Debug)]
pub(super) enum Item {
    Entry {
        record: Record,
        /// A scope's derived defaults: written with the next entry, never on its own.
        passenger: bool,
        /// How far readers may tick the committed world before this entry applies.
        floor: Millis,
        done: Option<Done>,
    },
    /// A new generation from a whole state (reset, import).
    Rotate {
        state: Vec<u8>,
        world: Box<World>,
        clock: Clock,
        done: Option<Done>,
    },
}

impl Item {
    pub fn passenger(ctx: Ctx) -> Self {
        let floor = ctx.now;
        Item::Entry {
            record: Record::Apply {
                ctx,
                cmd: Box::new(Command::InitScope),
            },
            passenger: true,
            floor,
            done: None,
        }
    }

    pub fn entry(record: Record, floor: Millis, done: Option<Done>) -> Self {
        Item::Entry {
            record,
            passenger: false,
            floor,
            done,
        }
    }

    pub fn awaited(record: Record, floor: Millis) -> (Self, Ticket) {
        let (tx, rx) = oneshot::channel();
        (Item::entry(record, floor, Some(tx)), rx)
    }

    pub fn rotate(state: Vec<u8>, world: World, clock: Clock) -> (Self, Ticket) {
        let (tx, rx) = oneshot::channel();
        let item = Item::Rotate {
            state,
            world: Box::new(world),
            clock,
            done: Some(tx),
        };
        (item, rx)
    }

    fn is_passenger(&self) -> bool {
        matches!(
            self,
            Item::Entry {
                passenger: true,
                ..
            }
        )
    }

    fn finish(self, result: &Result<(), String>) {
        let done = match self {
            Item::Entry { done, .. } | Item::Rotate { done, .. } => done,
        };
        if let Some(done) = done {
            let _ = done.send(result.clone());
        }
    }
}

#[derive(Debug, Default)]
pub(super) struct Queue {
    items: VecDeque<Item>,
    /// When the oldest unwritten entry (not a passenger) was queued.
    since: Option<Instant>,
    poisoned: bool,
    stop: bool,
    /// Entries (not passengers) of the last batch taken.
    last_batch: usize,
    /// While the journal thread gathers a batch: how many entries it waits for.
    pub(super) gathering: usize,
}

impl Queue {
    /// Queues an item; true when the journal thread must be woken: the first entry (not a
    /// passenger) since the last batch was taken, or the one that completes the batch it
    /// gathers. Others join the batch silently, so a batch costs one or two wake-ups, not
    /// one per entry.
    pub(super) fn push(&mut self, item: Item) -> bool {
        let entry = !item.is_passenger();
        let first = entry && self.since.is_none();
        if first {
            self.since = Some(Instant::now());
        }
        self.items.push_back(item);
        first || (entry && self.gathering > 0 && self.entries() == self.gathering)
    }

    /// Queued entries (not passengers).
    fn entries(&self) -> usize {
        self.items.iter().filter(|i| !i.is_passenger()).count()
    }
}

/// The queue between writers and the journal thread.
#[derive(Debug, Default)]
pub(super) struct Journal {
    queue: Mutex<Queue>,
    wake: Condvar,
    poisoned: AtomicBool,
    degraded: AtomicBool,
    thread: Mutex<Option<std::thread::JoinHandle<()>>>,
}

impl Journal {
    /// Queues an item; a passenger does not wake the journal thread.
    pub fn push(&self, item: Item) {
        if lock(&self.queue).push(item) {
            self.wake.notify_one();
        }
    }

    /// Queues an item unless a sync failed since the live world was last rebuilt.
    pub fn push_unless_poisoned(&self, item: Item) -> bool {
        let mut q = lock(&self.queue);
        if q.poisoned {
            return false;
        }
        let wake = q.push(item);
        drop(q);
        if wake {
            self.wake.notify_one();
        }
        true
    }

    pub fn is_poisoned(&self) -> bool {
        self.poisoned.load(Ordering::SeqCst)
    }

    /// Clears the poison; true when it was set (the caller rebuilds the live world).
    pub fn clear_poison(&self) -> bool {
        let mut q = lock(&self.queue);
        let was = q.poisoned;
        q.poisoned = false;
        self.poisoned.store(false, Ordering::SeqCst);
        was
    }

    /// The floor of the oldest queued item that is not a passenger.
    fn pending_since(&self) -> Option<Millis> {
        lock(&self.queue).items.iter().find_map(|i| match i {
            Item::Entry {
                passenger: false,
                floor,
                ..
            } => Some(*floor),
            Item::Rotate { clock, .. } => Some(clock.last_now),
            Item::Entry { .. } => None,
        })
    }

    /// `batched` mode: acknowledged entries wait for a journal that cannot be written.
    pub fn is_degraded(&self) -> bool {
        self.degraded.load(Ordering::SeqCst)
    }

    /// Writes what is queued, then ends the journal thread.
    pub fn stop(&self) {
        lock(&self.queue).stop = true;
        self.wake.notify_all();
        if let Some(t) = lock(&self.thread).take() {
            let _ = t.join();
        }
    }

    /// Waits for work and takes every queued item.
    fn next_batch(&self, durability: Durability) -> (Vec<Item>, bool) {
        let mut q = lock(&self.queue);
        loop {
            let work = q.items.iter().any(|i| !i.is_passenger());
            if work || q.stop {
                break;
            }
            q = self.wake.wait(q).unwrap_or_else(|p| p.into_inner());
        }
        if durability == Durability::Batched && !q.stop {
            // Entries are acknowledged already: the write starts 10 ms after the oldest.
            let until = q.since.unwrap_or_else(Instant::now) + BATCH_WINDOW;
            while !q.stop {
                let left = until.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    break;
                }
                q = self
                    .wake
                    .wait_timeout(q, left)
                    .unwrap_or_else(|p| p.into_inner())
                    .0;
            }
        }
        if durability == Durability::Full && !q.stop && q.last_batch > 1 {
            q = self.gather(q);
        }
        let stop = q.stop;
        q.since = None;
        q.last_batch = q.entries();
        (q.items.drain(..).collect(), stop)
    }

    /// Group commit under concurrency: the writers of the last batch send their next
    /// entries as soon as they are answered, so wait (at most [`GATHER`]) until as many are
    /// queued; one sync then serves them all instead of a few. One writer (a batch of one)
    /// never waits.
    fn gather<'a>(&self, mut q: MutexGuard<'a, Queue>) -> MutexGuard<'a, Queue> {
        let until = Instant::now() + GATHER;
        q.gathering = q.last_batch;
        while !q.stop && q.entries() < q.gathering {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            q = self
                .wake
                .wait_timeout(q, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
        }
        q.gathering = 0;
        q
    }

    /// A failed write in `full` mode: everything queued behind the batch fails too, except
    /// derived defaults, which stay queued.
    fn poison(&self, failed: Vec<Item>, why: &str) {
        let mut q = lock(&self.queue);
        q.poisoned = true;
        q.since = None;
        self.poisoned.store(true, Ordering::SeqCst);
        let behind: Vec<Item> = q.items.drain(..).collect();
        let result = Err(why.to_string());
        let mut keep = VecDeque::new();
        for item in failed.into_iter().chain(behind) {
            if item.is_passenger() {
                keep.push_back(item);
            } else {
                item.finish(&result);
            }
        }
        q.items = keep;
    }

    /// A failed write in `batched` mode: keep the batch (acknowledged already) for a retry.
    fn requeue(&self, failed: Vec<Item>) {
        self.degraded.store(true, Ordering::SeqCst);
        let mut q = lock(&self.queue);
        q.since = Some(Instant::now());
        for item in failed.into_iter().rev() {
            q.items.push_front(item);
        }
    }
}

/// Starts the journal thread, which owns the store from now on.
pub(super) fn start(shared: Arc<Shared>, store: Box<dyn Store>, since_snapshot: usize) {
    let journal = shared.journal.as_ref().expect("a journal");
    let runner = shared.clone();
    let handle = std::thread::Builder::new()
        .name("openvpc-journal".into())
        .spawn(move || {
            Committer {
                shared: runner,
                store,
                since_snapshot,
            }
            .run()
        })
        .expect("spawn the journal thread");
    *lock(&journal.thread) = Some(handle);
}

struct Committer {
    shared: Arc<Shared>,
    store: Box<dyn Store>,
    since_snapshot: usize,
}

impl Committer {
    fn journal(&self) -> &Journal {
        self.shared.journal.as_ref().expect("a journal")
    }

    fn run(mut self) {
        let durability = self.shared.options.durability;
        loop {
            let (items, stop) = self.journal().next_batch(durability);
            if !items.is_empty() {
                self.process(items);
            }
            if stop {
                let left = lock(&self.journal().queue).items.len();
                if left == 0 || self.journal().is_degraded() {
                    return;
                }
            }
        }
    }

    /// Writes the batch in order: runs of entries share one commit; a rotation stands alone.
    fn process(&mut self, items: Vec<Item>) {
        let mut items: VecDeque<Item> = items.into();
        while !items.is_empty() {
            let n = items
                .iter()
                .take_while(|i| matches!(i, Item::Entry { .. }))
                .count();
            let result = if n > 0 {
                let run: Vec<Item> = items.drain(..n).collect();
                self.commit_entries(run)
            } else {
                let rotation = items.pop_front().expect("not empty");
                self.rotate(rotation)
            };
            if let Err((mut failed, why)) = result {
                tracing::error!("journal write failed: {why}");
                failed.extend(items);
                match self.shared.options.durability {
                    Durability::Batched => {
                        self.journal().requeue(failed);
                        std::thread::sleep(BATCH_WINDOW);
                    }
                    _ => self.journal().poison(failed, &why),
                }
                return;
            }
        }
        self.maybe_snapshot();
    }

    /// Appends and commits a run of entries; gives them back with the reason on failure.
    fn commit_entries(&mut self, run: Vec<Item>) -> Result<(), (Vec<Item>, String)> {
        let bytes: Vec<Vec<u8>> = run
            .iter()
            .map(|i| match i {
                Item::Entry { record, .. } => record.encode(),
                Item::Rotate { .. } => unreachable!("runs hold entries"),
            })
            .collect();
        if let Err(e) = self.store.append(&bytes).and_then(|_| self.store.commit()) {
            return Err((run, e.to_string()));
        }
        self.journal().degraded.store(false, Ordering::SeqCst);
        self.since_snapshot += run.len();
        self.apply_committed(run);
        Ok(())
    }

    /// `full` mode: the batch joins the committed world, then its responses go out.
    fn apply_committed(&self, mut run: Vec<Item>) {
        if let Some(committed) = &self.shared.committed {
            let mut guard = lock(committed);
            let c = &mut *guard;
            let mut changes = Changes::none();
            for item in &mut run {
                // The record is not needed after this: it moves into the replay (no clone).
                if let Item::Entry { record, .. } = item {
                    let record = std::mem::replace(record, Record::Clock { offset: 0, now: 0 });
                    changes.extend(record.replay(&mut c.world, &mut c.clock));
                }
            }
            // The reach view follows before any response of the batch goes out.
            self.shared.view.after(&c.world, &changes);
            c.pending_since = self.journal().pending_since();
            self.shared.changed();
        }
        for item in run {
            item.finish(&Ok(()));
        }
    }

    fn rotate(&mut self, item: Item) -> Result<(), (Vec<Item>, String)> {
        let Item::Rotate { state, .. } = &item else {
            unreachable!("rotations only")
        };
        if let Err(e) = self.store.snapshot(state) {
            return Err((vec![item], e.to_string()));
        }
        self.journal().degraded.store(false, Ordering::SeqCst);
        self.since_snapshot = 0;
        if let (Some(committed), Item::Rotate { world, clock, .. }) =
            (&self.shared.committed, &item)
        {
            let mut c = lock(committed);
            c.world = (**world).clone();
            c.clock = *clock;
            self.shared.view.stale();
            c.pending_since = self.journal().pending_since();
            self.shared.changed();
        }
        item.finish(&Ok(()));
        Ok(())
    }

    /// Every `snapshot_every` entries: a new generation from the committed state.
    fn maybe_snapshot(&mut self) {
        if self.since_snapshot < self.shared.options.snapshot_every {
            return;
        }
        let state = match &self.shared.committed {
            Some(c) => {
                let c = lock(c);
                encode_snapshot(&c.world, &c.clock)
            }
            None => return self.snapshot_live(),
        };
        match self.store.snapshot(&state) {
            Ok(()) => self.since_snapshot = 0,
            Err(e) => tracing::warn!("snapshot failed (the journal goes on): {e}"),
        }
    }

    /// `batched` mode: with writers held off, write what is queued, then snapshot the
    /// live world, which then covers exactly the journal.
    fn snapshot_live(&mut self) {
        let live = lock(&self.shared.live);
        let queued: Vec<Item> = lock(&self.journal().queue).items.drain(..).collect();
        let entries: Vec<Vec<u8>> = queued
            .iter()
            .filter_map(|i| match i {
                Item::Entry { record, .. } => Some(record.encode()),
                Item::Rotate { .. } => None,
            })
            .collect();
        if queued.iter().any(|i| matches!(i, Item::Rotate { .. })) {
            self.journal().requeue(queued);
            return;
        }
        let result = self
            .store
            .append(&entries)
            .and_then(|_| self.store.commit());
        if let Err(e) = result {
            tracing::warn!("journal write failed: {e}");
            self.journal().requeue(queued);
            return;
        }
        let clock = *lock(&self.shared.clock);
        match self.store.snapshot(&encode_snapshot(&live, &clock)) {
            Ok(()) => self.since_snapshot = 0,
            Err(e) => tracing::warn!("snapshot failed (the journal goes on): {e}"),
        }
    }
}
