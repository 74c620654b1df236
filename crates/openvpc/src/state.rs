//! Reading a data directory's state without writing to it.

use std::path::Path;

use openvpc_core::{Config, World};
use openvpc_server::Engine;
use openvpc_store::{inspect, Recovered};

/// The state of `data_dir` as the server would see it at its next request: the snapshot
/// and journal replayed, then (in memory only) every timer due by the server's clock run.
/// Nothing is written and no lock is taken: a server may be running on the same
/// directory (its committed prefix never changes under a reader).
pub fn load_world(data_dir: &Path) -> Result<World, String> {
    let mut last = String::new();
    // A snapshot taken while reading can retire a file; a second look sees the new one.
    for _ in 0..3 {
        let i = inspect(data_dir).map_err(|e| format!("{}: {e}", data_dir.display()))?;
        if i.fresh {
            return Err(format!(
                "{}: no openvpc state here; point --data-dir at the directory of `openvpc serve` or `openvpc import`",
                data_dir.display()
            ));
        }
        let Some(loaded) = i.loaded else {
            last = i.damage.join("; ");
            continue;
        };
        let recovered: Recovered = loaded.into();
        let (mut world, mut clock) = Engine::replay_only(&recovered, Config::default())
            .map_err(|e| format!("{}: {e}", data_dir.display()))?;
        world.tick(clock.now());
        return Ok(world);
    }
    Err(format!(
        "{}: damaged: {last} (`openvpc store check` describes it)",
        data_dir.display()
    ))
}
