//! What the journal and snapshots hold, as the server writes them.

use openvpc_core::{Command, Config, Ctx, Millis, World};
use openvpc_reach::Changes;
use serde::{Deserialize, Serialize};

use super::clock::Clock;

/// One journal entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Record {
    /// A command applied by `ctx.account()` in `ctx.region()` at `ctx.now`.
    Apply { ctx: Ctx, cmd: Box<Command> },
    /// The admin clock moved: the new offset, and the time it took effect.
    Clock { offset: Millis, now: Millis },
}

impl Record {
    /// Applies the entry to `world` (and `clock`) exactly as the live server did; says
    /// which resources it touched (timers that fell due included), for the reach view.
    pub fn replay(self, world: &mut World, clock: &mut Clock) -> Changes {
        match self {
            Record::Apply { ctx, cmd } => {
                // A scope's defaults do not depend on timers and may be journaled after
                // entries of a later time: they never move the clock.
                let mut changes = Changes::none();
                if *cmd != Command::InitScope {
                    changes = Changes::due_timers(world, ctx.now);
                    world.tick(ctx.now);
                }
                clock.last_now = clock.last_now.max(ctx.now);
                match world.apply(&ctx, (*cmd).clone()) {
                    Ok(out) => changes.extend(Changes::from_command(&cmd, &out, world)),
                    Err(e) => tracing::warn!("replayed entry failed: {e}"),
                }
                changes
            }
            Record::Clock { offset, now } => {
                clock.offset = offset;
                clock.last_now = clock.last_now.max(now);
                let changes = Changes::due_timers(world, now);
                world.tick(now);
                changes
            }
        }
    }

    pub fn encode(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("records serialise")
    }

    pub fn decode(bytes: &[u8]) -> Result<Self, String> {
        serde_json::from_slice(bytes).map_err(|e| format!("journal entry: {e}"))
    }
}

#[derive(Serialize)]
struct SnapshotRef<'a> {
    clock: (Millis, Millis),
    world: &'a World,
}

#[derive(Deserialize)]
struct SnapshotOwned {
    clock: (Millis, Millis),
    world: World,
}

/// A snapshot's bytes: the clock and the world.
pub fn encode_snapshot(world: &World, clock: &Clock) -> Vec<u8> {
    serde_json::to_vec(&SnapshotRef {
        clock: (clock.offset, clock.last_now),
        world,
    })
    .expect("worlds serialise")
}

/// Reads a snapshot back, installing `config`.
pub fn decode_snapshot(bytes: &[u8], config: &Config) -> Result<(World, Clock), String> {
    let s: SnapshotOwned = serde_json::from_slice(bytes).map_err(|e| format!("snapshot: {e}"))?;
    let mut world = s.world;
    world.restore(config.clone());
    let (offset, last_now) = s.clock;
    if !Clock::valid_offset(offset) {
        return Err(format!(
            "snapshot: clock offset {offset} ms is out of range"
        ));
    }
    Ok((world, Clock { offset, last_now }))
}

/// A one-line description of a journal entry, for `openvpc store recover`: its time,
/// caller and command (`Vpc/Create`), or why it cannot be read.
pub fn summarize(bytes: &[u8]) -> String {
    let value: serde_json::Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(_) => return "(not readable)".into(),
    };
    if let Some(clock) = value.get("Clock") {
        return format!("clock moved: offset {} ms", clock["offset"]);
    }
    let apply = &value["Apply"];
    let ctx = &apply["ctx"];
    let mut path = Vec::new();
    let mut cmd = &apply["cmd"];
    while let Some((k, v)) = cmd.as_object().and_then(|o| o.iter().next()) {
        path.push(k.clone());
        cmd = v;
    }
    if let Some(s) = cmd.as_str() {
        path.push(s.to_string());
    }
    format!(
        "at {} ms, {} in {}: {}",
        ctx["now"],
        ctx["account"].as_str().unwrap_or("?"),
        ctx["region"].as_str().unwrap_or("?"),
        path.join("/")
    )
}
