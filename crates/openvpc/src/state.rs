//! Reading a data directory's state without writing to it.

use std::path::Path;

use openvpc_core::World;
use openvpc_server::{Engine, EngineOptions};
use openvpc_store::SqliteStore;

/// The state of `data_dir` as the server would see it at its next request: the snapshot
/// and journal replayed, then (in memory only) every timer due by the server's clock run.
/// Nothing is written: a server may be running on the same directory (the store is in WAL
/// mode, so readers do not block it).
pub fn load_world(data_dir: &Path) -> Result<World, String> {
    let db = data_dir.join("openvpc.db");
    if !db.is_file() {
        return Err(format!(
            "{}: no openvpc state here (no openvpc.db); point --data-dir at the directory of `openvpc serve` or `openvpc import`",
            data_dir.display()
        ));
    }
    let store = SqliteStore::open(&db).map_err(|e| format!("{}: {e}", db.display()))?;
    let mut engine = Engine::open(Box::new(store), EngineOptions::default())
        .map_err(|e| format!("{}: {e}", db.display()))?;
    let now = engine.now();
    let mut world = engine.world().clone();
    world.tick(now);
    Ok(world)
}
