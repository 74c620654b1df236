//! `openvpc store check|recover|backup`: what a data directory holds, the longest intact
//! prefix of a damaged one, and a consistent copy of a running server's.

use std::path::PathBuf;

use clap::Subcommand;
use openvpc_server::engine::summarize;
use openvpc_store::{backup, describe, describe_commit, inspect, recover};

#[derive(Subcommand, Debug)]
pub enum StoreCmd {
    /// Verify a data directory (a running server's too) and report what it holds.
    /// Exit status: 0 intact, 1 damaged, 2 error.
    Check {
        /// The data directory (as `serve --data-dir`).
        dir: PathBuf,
    },
    /// Keep a copy of a damaged store in DIR/damaged-<time>/, rebuild the longest intact
    /// prefix in DIR and print exactly what was lost. The server must be stopped.
    Recover { dir: PathBuf },
    /// Copy the committed state of DIR (a running server's too) to the new directory OUT.
    /// Copying the directory by hand while a server runs is not a backup.
    Backup { dir: PathBuf, out: PathBuf },
}

/// Runs a `store` subcommand; returns the exit status.
pub fn run(cmd: StoreCmd) -> i32 {
    match cmd {
        StoreCmd::Check { dir } => check(&dir),
        StoreCmd::Recover { dir } => match recover(&dir) {
            Ok(r) => {
                println!("{}: damage found:", dir.display());
                for d in &r.damage {
                    println!("  {d}");
                }
                println!("the damaged files are kept in {}", r.copy.display());
                if r.kept_to >= r.kept_from {
                    println!("kept entries #{}..#{}", r.kept_from, r.kept_to);
                } else {
                    println!("kept the state up to entry #{}", r.kept_to);
                }
                match r.lost() {
                    None => println!("lost: nothing"),
                    Some(lost) => {
                        println!(
                            "lost: entries #{}..#{} ({} acknowledged entries)",
                            lost.start(),
                            lost.end(),
                            lost.end() - lost.start() + 1
                        );
                        for e in &r.readable_lost {
                            println!("  #{} {}", e.seq, summarize(&e.payload));
                        }
                        let unreadable =
                            (lost.end() - lost.start() + 1) as usize - r.readable_lost.len();
                        if unreadable > 0 {
                            println!("  ({unreadable} of them unreadable)");
                        }
                    }
                }
                0
            }
            Err(e) => {
                eprintln!("openvpc: {e}");
                2
            }
        },
        StoreCmd::Backup { dir, out } => match backup(&dir, &out) {
            Ok(b) => {
                println!(
                    "backed up {} ({} entries after the snapshot) to {}",
                    describe(&b.manifest),
                    b.entries,
                    out.display()
                );
                0
            }
            Err(e) => {
                eprintln!("openvpc: {e}");
                2
            }
        },
    }
}

fn check(dir: &std::path::Path) -> i32 {
    let i = match inspect(dir) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("openvpc: {}: {e}", dir.display());
            return 2;
        }
    };
    if i.fresh {
        println!("{}: no store here", dir.display());
        return 2;
    }
    for note in &i.notes {
        println!("note: {note}");
    }
    match &i.loaded {
        Some(l) => {
            println!("{}: intact: {}", dir.display(), describe(&l.manifest));
            println!("{}", describe_commit(dir, &l.manifest));
            0
        }
        None => {
            println!("{}: damaged:", dir.display());
            for d in &i.damage {
                println!("  {d}");
            }
            println!(
                "`openvpc store recover {}` keeps a copy and rebuilds the longest intact prefix",
                dir.display()
            );
            1
        }
    }
}
