//! Group commit: one thread writes the queued entries in batches, one sync per batch.
//!
//! Writers apply a command to the world and queue its record under the world's lock, so
//! the queue holds records in apply order. The journal thread takes everything queued,
//! appends it, commits (one sync for the whole batch) and — in `full` mode — releases the
//! responses. A failed append or sync in `full` mode takes the change back: the queue is
//! poisoned under the world's lock (writes are refused from then on), the batch and
//! everything queued behind it (applied on top of it) fail, the world is rebuilt from the
//! durable entries this thread keeps (the last snapshot and the entries since), and only
//! then are the writers told. In `batched` mode responses went out already; the batch is
//! kept and retried, and new mutations are refused while the journal cannot be written.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use openvpc_core::{Command, Ctx};
use openvpc_store::{Recovered, Store};
use tokio::sync::{mpsc, oneshot};

use super::record::{encode_snapshot, Record};
use super::{lock, replay, Durability, Shared};

/// Reports whether queued entries became durable (`Err` carries why not).
pub type Ticket = oneshot::Receiver<Result<(), String>>;
type Done = oneshot::Sender<Result<(), String>>;

/// How long `batched` mode lets acknowledged entries wait for their sync.
const BATCH_WINDOW: Duration = Duration::from_millis(10);

/// How long `full` mode waits, from the end of its last batch, for the entries it gathers
/// (see [`Queue::gathering`]) before it syncs what it has.
const GATHER: Duration = Duration::from_millis(2);

/// One queued unit of work.
#[derive(Debug)]
pub(super) enum Item {
    Entry {
        record: Record,
        /// A scope's derived defaults: written with the next entry, never on its own.
        passenger: bool,
        done: Option<Done>,
    },
    /// A new generation from a whole state (reset, import): its snapshot's bytes.
    Rotate { state: Vec<u8>, done: Option<Done> },
}

impl Item {
    pub fn passenger(ctx: Ctx) -> Self {
        Item::Entry {
            record: Record::Apply {
                ctx,
                cmd: Box::new(Command::InitScope),
            },
            passenger: true,
            done: None,
        }
    }

    pub fn entry(record: Record, done: Option<Done>) -> Self {
        Item::Entry {
            record,
            passenger: false,
            done,
        }
    }

    pub fn awaited(record: Record) -> (Self, Ticket) {
        let (tx, rx) = oneshot::channel();
        (Item::entry(record, Some(tx)), rx)
    }

    pub fn rotate(state: Vec<u8>) -> (Self, Ticket) {
        let (tx, rx) = oneshot::channel();
        (
            Item::Rotate {
                state,
                done: Some(tx),
            },
            rx,
        )
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

    /// Who waits for this item to be durable, if anyone.
    fn into_done(self) -> Option<Done> {
        match self {
            Item::Entry { done, .. } | Item::Rotate { done, .. } => done,
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
    /// `full` mode: how many entries the journal thread gathers before it syncs (half the
    /// last batch, see [`Queue::took`]; 0 or 1 when there is nothing to gather).
    pub(super) gathering: usize,
}

impl Queue {
    /// Queues an item; true when the journal thread must be woken. Gathering a batch of
    /// several (`full`, concurrent writers), only the entry that completes it wakes the
    /// thread, which otherwise syncs what it has when its wait ends; else the first entry
    /// (not a passenger) since the last batch was taken. Others join silently: a batch
    /// costs one wake-up, not one per entry.
    pub(super) fn push(&mut self, item: Item) -> bool {
        let entry = !item.is_passenger();
        let first = entry && self.since.is_none();
        if first {
            self.since = Some(Instant::now());
        }
        self.items.push_back(item);
        if self.gathering > 1 {
            entry && self.entries() == self.gathering
        } else {
            first
        }
    }

    /// `full` mode: the journal thread took a batch of `entries`; its writers will send
    /// their next entries once answered. Gather half of them: then one half's requests are
    /// served while the other half's sync runs, where gathering them all would leave the
    /// cores idle during every sync (docs/decisions.md, "Group commit in `full` mode").
    pub(super) fn took(&mut self, entries: usize) {
        self.gathering = entries.div_ceil(2);
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
    /// A task of the server's runtime that tells a batch's writers (see [`Journal::tell`]).
    acks: Mutex<Option<mpsc::UnboundedSender<Acks>>>,
}

/// A batch's writers and what to tell them.
type Acks = (Vec<Done>, Result<(), String>);

/// Tells each writer the outcome (one that stopped waiting is not told).
fn answer(writers: Vec<Done>, result: &Result<(), String>) {
    for done in writers {
        let _ = done.send(result.clone());
    }
}

impl Journal {
    /// Starts, on the current runtime, the task that tells writers their entries are
    /// durable (or not): the journal thread hands it a whole batch at once, so a batch
    /// costs the runtime one wake-up from another thread (an `eventfd` write), and each
    /// writer's task is then woken from within the runtime, with no system call.
    pub fn start_acks(&self) {
        let (tx, mut rx) = mpsc::unbounded_channel::<Acks>();
        tokio::spawn(async move {
            while let Some((writers, result)) = rx.recv().await {
                answer(writers, &result);
            }
        });
        *lock(&self.acks) = Some(tx);
    }

    /// Tells the writers of `items` the outcome: through the runtime's task when one runs,
    /// else (tests, shutdown after the runtime ended) directly.
    fn tell(&self, items: Vec<Item>, result: Result<(), String>) {
        let writers: Vec<Done> = items.into_iter().filter_map(Item::into_done).collect();
        if writers.is_empty() {
            return;
        }
        let unsent = match lock(&self.acks).as_ref() {
            Some(tx) => tx.send((writers, result)).err().map(|e| e.0),
            None => Some((writers, result)),
        };
        if let Some((writers, result)) = unsent {
            answer(writers, &result);
        }
    }

    /// Queues an item; a passenger does not wake the journal thread.
    pub fn push(&self, item: Item) {
        if lock(&self.queue).push(item) {
            self.wake.notify_one();
        }
    }

    /// Queues an item unless a failed sync is being taken back.
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

    /// `full` mode: a failed sync is being taken back (writes are refused meanwhile).
    pub fn is_poisoned(&self) -> bool {
        self.poisoned.load(Ordering::SeqCst)
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
        if durability == Durability::Full && q.gathering > 1 {
            q = self.gather(q);
        }
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
        let stop = q.stop;
        q.since = None;
        if durability == Durability::Full {
            let entries = q.entries();
            q.took(entries);
        }
        (q.items.drain(..).collect(), stop)
    }

    /// Group commit under concurrency: the writers of the last batch send their next
    /// entries as soon as they are answered, so wait (at most [`GATHER`] from the last
    /// batch) until half as many are queued, woken only by the one that completes them; one
    /// sync then serves them all instead of a few. When none came, the writers have stopped:
    /// gather no more, so the next entry wakes the thread at once. One or two writers never
    /// wait.
    fn gather<'a>(&self, mut q: MutexGuard<'a, Queue>) -> MutexGuard<'a, Queue> {
        let until = Instant::now() + GATHER;
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
        if q.entries() == 0 {
            q.gathering = 0;
        }
        q
    }

    /// A failed write in `full` mode (called under the world's lock): writes are refused
    /// from now on; the failed items and every entry queued behind them are returned,
    /// derived defaults stay queued.
    fn poison(&self, mut failed: Vec<Item>) -> Vec<Item> {
        let mut q = lock(&self.queue);
        q.poisoned = true;
        q.since = None;
        self.poisoned.store(true, Ordering::SeqCst);
        let behind: Vec<Item> = q.items.drain(..).collect();
        failed.extend(behind);
        let (keep, failed): (Vec<Item>, Vec<Item>) =
            failed.into_iter().partition(Item::is_passenger);
        q.items = keep.into();
        failed
    }

    /// The records of the derived defaults still queued (they join a rebuilt world).
    fn passengers(&self) -> Vec<Record> {
        lock(&self.queue)
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Entry {
                    record,
                    passenger: true,
                    ..
                } => Some(record.clone()),
                _ => None,
            })
            .collect()
    }

    /// The failed sync is taken back: writes are accepted again.
    fn clear_poison(&self) {
        lock(&self.queue).poisoned = false;
        self.poisoned.store(false, Ordering::SeqCst);
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

/// What the store holds as durable, in memory (`full` mode): the world can be rebuilt
/// from it when a sync fails.
#[derive(Debug, Default)]
struct Durable {
    snapshot: Option<Vec<u8>>,
    entries: Vec<Vec<u8>>,
}

/// Starts the journal thread, which owns the store from now on.
pub(super) fn start(shared: Arc<Shared>, store: Box<dyn Store>, recovered: Recovered) {
    let journal = shared.journal.as_ref().expect("a journal");
    let since_snapshot = recovered.entries.len();
    let durable = (shared.options.durability == Durability::Full).then_some(Durable {
        snapshot: recovered.snapshot,
        entries: recovered.entries,
    });
    let runner = shared.clone();
    let handle = std::thread::Builder::new()
        .name("openvpc-journal".into())
        .spawn(move || {
            Committer {
                shared: runner,
                store,
                since_snapshot,
                durable,
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
    /// `full` mode: the durable state, to rebuild the world from when a sync fails.
    durable: Option<Durable>,
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
                failed.extend(items);
                return self.failed(failed, &why);
            }
        }
        self.maybe_snapshot();
    }

    /// A write failed: `batched` keeps the items for a retry; `full` takes them back.
    fn failed(&mut self, failed: Vec<Item>, why: &str) {
        tracing::error!("journal write failed: {why}");
        match self.shared.options.durability {
            Durability::Batched => {
                self.journal().requeue(failed);
                std::thread::sleep(BATCH_WINDOW);
            }
            _ => self.take_back(failed, why),
        }
    }

    /// `full` mode: refuse writes, rebuild the world from the durable state (plus the
    /// derived defaults still queued), put it in place, accept writes again, and only
    /// then tell the failed writers: once refused, a change is seen by no reader.
    fn take_back(&mut self, failed: Vec<Item>, why: &str) {
        let shared = self.shared.clone();
        let failed = {
            let _live = lock(&shared.live);
            self.journal().poison(failed)
        };
        let durable = self
            .durable
            .as_ref()
            .expect("full mode keeps the durable state");
        match replay(
            durable.snapshot.as_deref(),
            &durable.entries,
            &shared.options,
        ) {
            Ok((mut world, mut clock)) => {
                let mut live = lock(&shared.live);
                for record in self.journal().passengers() {
                    record.replay(&mut world, &mut clock);
                }
                *live = world;
                *lock(&shared.clock) = clock;
                shared.view.stale();
                shared.changed();
                self.journal().clear_poison();
            }
            // Not expected (the bytes are ours): writes stay refused rather than build on
            // a state that is not the durable one.
            Err(e) => tracing::error!("the durable state could not be rebuilt: {e}"),
        }
        self.journal().tell(failed, Err(why.to_string()));
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
        if let Some(durable) = &mut self.durable {
            durable.entries.extend(bytes);
        }
        self.journal().tell(run, Ok(()));
        Ok(())
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
        let Item::Rotate { state, done } = item else {
            unreachable!("rotations only")
        };
        if let Some(durable) = &mut self.durable {
            *durable = Durable {
                snapshot: Some(state),
                entries: Vec::new(),
            };
        }
        let rotated = Item::Rotate {
            state: Vec::new(),
            done,
        };
        self.journal().tell(vec![rotated], Ok(()));
        Ok(())
    }

    /// Every `snapshot_every` entries: a new generation from the world. Under the world's
    /// lock (writers held off for the encoding only) everything queued is taken and the
    /// world encoded, which then covers exactly the journal once those are written.
    fn maybe_snapshot(&mut self) {
        if self.since_snapshot < self.shared.options.snapshot_every {
            return;
        }
        let shared = self.shared.clone();
        let (queued, state) = {
            let live = lock(&shared.live);
            let mut q = lock(&self.journal().queue);
            if q.items.iter().any(|i| matches!(i, Item::Rotate { .. })) {
                // A reset or import is on its way: it starts a generation of its own.
                return;
            }
            q.since = None;
            let queued: Vec<Item> = q.items.drain(..).collect();
            drop(q);
            let clock = *lock(&shared.clock);
            (queued, encode_snapshot(&live, &clock))
        };
        if !queued.is_empty() {
            if let Err((failed, why)) = self.commit_entries(queued) {
                return self.failed(failed, &why);
            }
        }
        match self.store.snapshot(&state) {
            Ok(()) => {
                self.since_snapshot = 0;
                if let Some(durable) = &mut self.durable {
                    *durable = Durable {
                        snapshot: Some(state),
                        entries: Vec::new(),
                    };
                }
            }
            Err(e) => tracing::warn!("snapshot failed (the journal goes on): {e}"),
        }
    }
}
