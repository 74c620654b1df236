//! The data-plane commands: `serve --dataplane linux` support, `exec` and
//! `dataplane cleanup`.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use openvpc_core::World;
use openvpc_dataplane::{Dataplane, Names};
use openvpc_reach::View;

use crate::fail;

/// The data plane as the server's observer.
#[derive(Debug)]
pub struct Observer(pub Dataplane);

impl openvpc_server::Observer for Observer {
    fn committed(&self, world: &World, view: &View) {
        self.0.committed(world, view);
    }

    fn status(&self) -> serde_json::Value {
        self.0.status()
    }
}

/// Starts the Linux data plane for the server on `data_dir` (one owner per data
/// directory, so a restart cleans what a crashed run left).
pub fn start(data_dir: &Path, owner: Option<&str>) -> Arc<Observer> {
    let owner = match owner {
        Some(o) => o.to_string(),
        None => std::fs::canonicalize(data_dir)
            .unwrap_or_else(|_| data_dir.to_path_buf())
            .display()
            .to_string(),
    };
    match Dataplane::start(&owner) {
        Ok(d) => {
            tracing::info!("data plane: linux, owner {}", d.names().owner);
            Arc::new(Observer(d))
        }
        Err(e) => fail(e),
    }
}

#[derive(clap::Args, Debug)]
pub struct ExecArgs {
    /// The server (its --listen address).
    #[arg(long, default_value = "http://127.0.0.1:4566")]
    endpoint: String,
    /// An instance (`i-…`, its primary interface) or a network interface (`eni-…`).
    id: String,
    /// The program and its arguments (after `--`).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true, required = true)]
    command: Vec<String>,
}

/// `openvpc exec`: runs a program in the namespace of an interface; exits with its status.
pub fn exec(args: ExecArgs) -> i32 {
    let client = crate::api::Client::new(&args.endpoint, "us-east-1").unwrap_or_else(|e| fail(e));
    let (status, body) = client
        .get("/_openvpc/dataplane")
        .unwrap_or_else(|e| fail(format!("{}: {e}", args.endpoint)));
    if status != 200 {
        fail(format!(
            "{} serves no data plane (start it with `openvpc serve --dataplane linux`)",
            args.endpoint
        ));
    }
    let doc: serde_json::Value =
        serde_json::from_str(&body).unwrap_or_else(|e| fail(format!("status document: {e}")));
    let Some(ns) = doc["targets"][&args.id].as_str() else {
        fail(format!(
            "{} has no namespace: not a network interface or running instance of the realised state",
            args.id
        ));
    };
    let status = Command::new("ip")
        .args(["netns", "exec", ns])
        .args(&args.command)
        .status()
        .unwrap_or_else(|e| fail(format!("ip netns exec: {e}")));
    status
        .code()
        .unwrap_or_else(|| 128 + status.signal().unwrap_or(0))
}

#[derive(clap::Subcommand, Debug)]
pub enum DataplaneCmd {
    /// Remove every namespace (and so every link, route, rule and ruleset) a data plane
    /// made, found by ownership markers.
    Cleanup {
        /// Only this owner's (as shown by `GET /_openvpc/dataplane`).
        #[arg(long)]
        owner: Option<String>,
    },
}

pub fn run(cmd: DataplaneCmd) -> i32 {
    match cmd {
        DataplaneCmd::Cleanup { owner } => {
            let names = owner.as_deref().map(Names::new);
            match openvpc_dataplane::cleanup::cleanup(names.as_ref()) {
                Ok(n) => {
                    println!("removed {n} namespaces");
                    0
                }
                Err(e) => fail(e),
            }
        }
    }
}
