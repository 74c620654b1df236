use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use openvpc_core::vpc;
use openvpc_store::MemoryStore;

use super::*;

const A: &str = "111111111111";
const B: &str = "222222222222";
const EAST: &str = "us-east-1";

fn open(store: &MemoryStore, durability: Durability, snapshot_every: usize) -> Engine {
    let options = EngineOptions {
        snapshot_every,
        durability,
        ..EngineOptions::default()
    };
    Engine::open(Some((Box::new(store.clone()), store.recovered())), options).unwrap()
}

fn create(cidr: &str) -> Command {
    Command::Vpc(vpc::Cmd::Create {
        cidr_block: cidr.into(),
        amazon_ipv6: false,
        instance_tenancy: None,
        tags: vec![],
    })
}

/// Runs `cmd` as `account`; the id made (or the error code), and the ticket if any.
fn mutate(e: &Engine, account: &str, cmd: Command) -> (Result<String, String>, Option<Ticket>) {
    let mut out = None;
    let mut run = |b: &mut dyn Backend| {
        out = Some(match b.mutate(cmd.clone()) {
            Ok(Output::Id(id)) => Ok(id),
            Ok(other) => Ok(format!("{other:?}")),
            Err(e) => Err(e.code.to_string()),
        });
        Response {
            status: 200,
            body: String::new(),
        }
    };
    match e.handle(account, EAST, &mut run).unwrap() {
        Handled::Done(_) => (out.unwrap(), None),
        Handled::Pending(_, t) => (out.unwrap(), Some(t)),
    }
}

/// Mutates and waits for durability; the id, or the error code.
fn durable(e: &Engine, account: &str, cmd: Command) -> Result<String, String> {
    let (result, ticket) = mutate(e, account, cmd);
    let id = result?;
    match ticket.map(|t| t.blocking_recv()) {
        None | Some(Ok(Ok(()))) => Ok(id),
        Some(_) => Err("ServiceUnavailable".into()),
    }
}

/// The VPC ids `account` sees through a read.
fn read_vpcs(e: &Engine, account: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut run = |b: &mut dyn Backend| {
        let scope = b.ctx().scope();
        ids = b
            .world()
            .vpcs
            .in_scope(scope)
            .map(|v| v.id.clone())
            .collect();
        Response {
            status: 200,
            body: String::new(),
        }
    };
    let handled = e.handle(account, EAST, &mut run).unwrap();
    assert!(matches!(handled, Handled::Done(_)));
    ids.sort();
    ids
}

/// A world's serialisation, hashed (so a failed comparison prints two numbers).
fn json(w: &World) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    serde_json::to_string(w).unwrap().hash(&mut h);
    h.finish()
}

#[test]
fn replay_and_snapshots_restore_identical_state() {
    for snapshot_every in [1000, 2] {
        for durability in [Durability::Full, Durability::Batched] {
            let store = MemoryStore::default();
            let e = open(&store, durability, snapshot_every);
            for i in 0..5 {
                durable(&e, A, create(&format!("10.{i}.0.0/16"))).unwrap();
            }
            e.shutdown();
            let before = json(&e.live_world());
            let reopened = open(&store, durability, snapshot_every);
            assert_eq!(
                json(&reopened.world()),
                before,
                "{durability:?} {snapshot_every}"
            );
            // Ids continue the same sequence after recovery.
            let c1 = durable(&reopened, A, create("10.9.0.0/16")).unwrap();
            reopened.shutdown();
            let again = open(&store, durability, snapshot_every);
            assert_eq!(json(&again.world()), json(&reopened.live_world()));
            assert!(c1.starts_with("vpc-"));
        }
    }
}

#[test]
fn reads_never_write_and_derived_defaults_replay_the_same() {
    let store = MemoryStore::default();
    let e = open(&store, Durability::Full, 1000);
    let defaults = read_vpcs(&e, B);
    assert_eq!(defaults.len(), 1, "the default VPC, made on first use");
    assert!(
        store.recovered().entries.is_empty(),
        "a read journals nothing"
    );
    store.set_failing(true);
    assert_eq!(
        read_vpcs(&e, A).len(),
        1,
        "reads work while the disk is full"
    );
    store.set_failing(false);
    durable(&e, A, create("10.0.0.0/16")).unwrap();
    e.shutdown();
    let reopened = open(&store, Durability::Full, 1000);
    assert_eq!(read_vpcs(&reopened, B), defaults);
    assert_eq!(json(&reopened.world()), json(&e.world()));
}

#[test]
fn a_failed_sync_changes_nothing_and_writes_resume_without_restart() {
    // Rebuilt from the journal alone, and from a snapshot and the entries after it.
    for snapshot_every in [1000, 2] {
        let store = MemoryStore::default();
        let e = open(&store, Durability::Full, snapshot_every);
        for i in 0..5 {
            durable(&e, A, create(&format!("10.{i}.0.0/16"))).unwrap();
        }
        let before = json(&e.world());
        store.set_failing(true);
        assert_eq!(
            durable(&e, A, create("10.8.0.0/16")),
            Err("ServiceUnavailable".into())
        );
        assert_eq!(json(&e.world()), before, "{snapshot_every}");
        assert_eq!(read_vpcs(&e, A).len(), 6, "default + five");
        store.set_failing(false);
        durable(&e, A, create("10.8.0.0/16")).unwrap();
        e.shutdown();
        let reopened = open(&store, Durability::Full, snapshot_every);
        assert_eq!(json(&reopened.world()), json(&e.world()));
        assert_eq!(read_vpcs(&reopened, A).len(), 7);
    }
}

/// A store whose appends wait until the test lets them through.
#[derive(Clone)]
struct Gate {
    inner: MemoryStore,
    open: Arc<Mutex<mpsc::Receiver<()>>>,
}

impl Store for Gate {
    fn append(&mut self, entries: &[Vec<u8>]) -> Result<u64, StoreError> {
        let _ = self.open.lock().unwrap().recv();
        self.inner.append(entries)
    }
    fn commit(&mut self) -> Result<(), StoreError> {
        self.inner.commit()
    }
    fn snapshot(&mut self, state: &[u8]) -> Result<(), StoreError> {
        self.inner.snapshot(state)
    }
}

/// A store whose commits wait until the test lets them through, then fail or not.
fn gated(fail: bool) -> (Engine, MemoryStore, mpsc::Sender<()>) {
    let (release, gate) = mpsc::channel();
    let store = Gate {
        inner: MemoryStore::default(),
        open: Arc::new(Mutex::new(gate)),
    };
    let inner = store.inner.clone();
    inner.set_failing(fail);
    let e = Engine::open(
        Some((Box::new(store), Recovered::default())),
        EngineOptions::default(),
    )
    .unwrap();
    (e, inner, release)
}

#[test]
fn readers_are_not_held_by_a_sync_and_writers_wait_for_it() {
    let (e, _store, release) = gated(false);
    read_vpcs(&e, A);
    let (id, ticket) = mutate(&e, A, create("10.0.0.0/16"));
    let (id, mut ticket) = (id.unwrap(), ticket.unwrap());
    // The sync is held: the read answers at once (it may see the pending VPC); the
    // writer is not answered yet.
    assert!(read_vpcs(&e, A).contains(&id));
    assert!(ticket.try_recv().is_err(), "acknowledged before durable");
    release.send(()).unwrap();
    assert_eq!(ticket.blocking_recv().unwrap(), Ok(()));
    assert!(read_vpcs(&e, A).contains(&id));
    drop(release);
    e.shutdown();
}

#[test]
fn a_refused_writer_s_change_is_gone_before_it_is_told() {
    let (e, store, release) = gated(true);
    let (id, ticket) = mutate(&e, A, create("10.0.0.0/16"));
    let (id, ticket) = (id.unwrap(), ticket.unwrap());
    // Queued behind it, applied on top of it: refused with it.
    let (behind, second) = mutate(&e, A, create("10.1.0.0/16"));
    let behind = behind.unwrap();
    release.send(()).unwrap();
    assert!(ticket.blocking_recv().unwrap().is_err());
    // Told: neither change is seen any more, and writes are accepted again.
    let seen = read_vpcs(&e, A);
    assert!(!seen.contains(&id) && !seen.contains(&behind), "{seen:?}");
    assert!(second.unwrap().blocking_recv().unwrap().is_err());
    store.set_failing(false);
    release.send(()).unwrap();
    let again = durable(&e, A, create("10.2.0.0/16")).unwrap();
    assert_eq!(read_vpcs(&e, A).len(), 2, "default + the one made durable");
    assert!(read_vpcs(&e, A).contains(&again));
    drop(release);
    e.shutdown();
}

#[test]
fn the_clock_refuses_overflow_and_more_than_a_century() {
    let store = MemoryStore::default();
    let e = open(&store, Durability::Full, 1000);
    for bad in [-1, MAX_ADVANCE_SECS + 1, 9_223_372_036_854_775, i64::MAX] {
        let err = e.advance_clock(bad).unwrap_err();
        assert_eq!(err.code, "InvalidParameterValue", "{bad}");
    }
    let before = e.now();
    let (now, ticket) = e.advance_clock(7 * 24 * 3600).unwrap();
    ticket.unwrap().blocking_recv().unwrap().unwrap();
    assert!(now >= before + 7 * 24 * 3600 * 1000);
    e.shutdown();
    let reopened = open(&store, Durability::Full, 1000);
    assert!(reopened.now() >= now, "the offset is journaled");
}

#[test]
fn none_keeps_state_in_memory_only() {
    let e = Engine::open(None, EngineOptions::default()).unwrap();
    assert_eq!(e.durability(), Durability::None);
    let (id, ticket) = mutate(&e, A, create("10.0.0.0/16"));
    assert!(ticket.is_none());
    assert!(read_vpcs(&e, A).contains(&id.unwrap()));
}

fn authorize_443(group: &str, revoke: bool) -> Command {
    use openvpc_core::sg::{Cmd, GroupRef, PeerSpec, Permission};
    let group = GroupRef::Id(group.into());
    let permissions = vec![Permission {
        protocol: Some("tcp".into()),
        from_port: Some(443),
        to_port: Some(443),
        peers: vec![PeerSpec::Cidr {
            cidr: "10.0.0.0/16".into(),
            description: None,
        }],
    }];
    Command::Sg(if revoke {
        Cmd::Revoke {
            group,
            egress: false,
            permissions,
            rule_ids: vec![],
        }
    } else {
        Cmd::Authorize {
            group,
            egress: false,
            permissions,
            tags: vec![],
        }
    })
}

/// The reach view follows every committed command, in every durability mode: a rule
/// change updates it part by part (it stays compiled), a new interface makes it stale
/// until its next use, and it always decides as a fresh compile of the readers' world.
#[test]
fn reach_view_follows_each_command() {
    use openvpc_core::eni::{Cmd as EniCmd, InterfaceSpec};
    use openvpc_core::{sg, subnet};
    use openvpc_reach::{decide, Endpoint, Flow, Protocol};
    for durability in [Durability::Full, Durability::Batched, Durability::None] {
        let store = MemoryStore::default();
        let e = match durability {
            Durability::None => Engine::open(None, EngineOptions::default()).unwrap(),
            d => open(&store, d, 1000),
        };
        let vpc = durable(&e, A, create("10.0.0.0/16")).unwrap();
        let subnet = durable(
            &e,
            A,
            Command::Subnet(subnet::Cmd::Create {
                vpc_id: vpc.clone(),
                cidr_block: "10.0.1.0/24".into(),
                ipv6_cidr_block: None,
                ipv6_native: false,
                availability_zone: None,
                availability_zone_id: None,
                tags: vec![],
            }),
        )
        .unwrap();
        let group = durable(
            &e,
            A,
            Command::Sg(sg::Cmd::Create {
                name: "web".into(),
                description: "web".into(),
                vpc_id: Some(vpc),
                tags: vec![],
            }),
        )
        .unwrap();
        let interface = || {
            let spec = InterfaceSpec {
                subnet_id: Some(subnet.clone()),
                groups: vec![group.clone()],
                ..InterfaceSpec::default()
            };
            let cmd = Command::Eni(EniCmd::CreateInterface {
                spec,
                interface_type: None,
                client_token: None,
                tags: vec![],
            });
            durable(&e, A, cmd).unwrap()
        };
        let (a, b) = (interface(), interface());
        assert!(
            !e.shared.view.is_current(),
            "{durability:?}: new interfaces"
        );
        let flow = Flow::new(&a, Endpoint::Eni(b), Protocol::TCP, Some(443));
        let check = |reachable: bool| {
            let fresh = decide(&View::compile(&e.world()), &flow);
            let live = decide(&e.reach_view(), &flow);
            assert_eq!(live.reachable, reachable, "{durability:?}");
            assert_eq!(live.explanations, fresh.explanations, "{durability:?}");
        };
        check(false);
        for (revoke, reachable) in [(false, true), (true, false)] {
            durable(&e, A, authorize_443(&group, revoke)).unwrap();
            assert!(e.shared.view.is_current(), "{durability:?}: a rule change");
            check(reachable);
        }
        e.shutdown();
    }
}

/// The generation (what the console's `/_openvpc/changes` reports) moves with applied
/// commands and fired timers, never with reads or refused commands.
fn generation_moves_with_commands_and_timers_only(durability: Durability) {
    let store = MemoryStore::default();
    let e = match durability {
        Durability::None => Engine::open(None, EngineOptions::default()).unwrap(),
        d => open(&store, d, 1000),
    };
    let a = durable(&e, A, create("10.0.0.0/16")).unwrap();
    let b = durable(&e, A, create("10.1.0.0/16")).unwrap();
    read_vpcs(&e, A);
    let settled = e.generation();
    // A read of a known scope with nothing due changes nothing.
    read_vpcs(&e, A);
    assert_eq!(e.generation(), settled);
    // A refused command changes nothing.
    assert!(durable(&e, A, create("not a cidr")).is_err());
    read_vpcs(&e, A);
    assert_eq!(e.generation(), settled);
    let create_peering = Command::Peering(openvpc_core::peering::Cmd::Create {
        vpc_id: a,
        peer_vpc_id: b,
        peer_owner_id: None,
        peer_region: None,
        tags: vec![],
    });
    durable(&e, A, create_peering).unwrap();
    let requested = e.generation();
    assert!(requested > settled);
    // The request's first transition (initiating → pending acceptance) is due at once, and
    // schedules the next (expiry): a timer that fires is a change even so.
    read_vpcs(&e, A);
    let pending = e.generation();
    assert!(pending > requested, "{durability:?}");
    read_vpcs(&e, A);
    assert_eq!(e.generation(), pending, "nothing else due for a week");
    let (_, ticket) = e.advance_clock(8 * 24 * 3600).unwrap();
    if let Some(t) = ticket {
        t.blocking_recv().unwrap().unwrap();
    }
    read_vpcs(&e, A);
    assert!(e.generation() > pending, "{durability:?}");
    e.shutdown();
}

#[test]
fn the_generation_moves_with_commands_and_timers_only() {
    for durability in [Durability::Full, Durability::Batched, Durability::None] {
        generation_moves_with_commands_and_timers_only(durability);
    }
}

#[test]
fn a_gathered_batch_wakes_the_journal_once_complete() {
    use super::commit::{Item, Queue};
    let entry = |n: Millis| {
        let record = Record::Clock { offset: 0, now: n };
        Item::entry(record, None)
    };
    let ctx = Ctx::new(A, EAST, 0);
    // One writer: the first entry since the last batch wakes the journal thread.
    let mut q = Queue::default();
    assert!(q.push(entry(1)));
    assert!(!q.push(entry(2)));
    // Gathering three (the last batch held three): the first two and a passenger join
    // silently, the third completes the batch and wakes the thread.
    let mut q = Queue::default();
    q.gathering = 3;
    assert!(!q.push(entry(1)));
    assert!(!q.push(entry(2)));
    assert!(!q.push(Item::passenger(ctx)));
    assert!(q.push(entry(3)));
    assert!(!q.push(entry(4)));
}

#[test]
fn the_journal_gathers_half_its_last_batch() {
    use super::commit::Queue;
    let mut q = Queue::default();
    for (batch, gathered) in [(16, 8), (15, 8), (3, 2), (2, 1), (1, 1), (0, 0)] {
        q.took(batch);
        assert_eq!(q.gathering, gathered, "after a batch of {batch}");
    }
}
