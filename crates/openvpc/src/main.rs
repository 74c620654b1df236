//! `openvpc`: the command-line entry point.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use openvpc_core::Config;
use openvpc_server::{Credentials, Engine, EngineOptions, ServerOptions};
use openvpc_store::SqliteStore;

mod api;
mod dataplane;
mod demo;
mod matrix;
mod reach;
mod state;

#[derive(Parser, Debug)]
#[command(
    name = "openvpc",
    version,
    about = "An open implementation of Amazon VPC networking"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Serve the EC2 Query API.
    Serve(ServeArgs),
    /// Load a real account's `aws ec2 describe-*` JSON (DIR/<account>/<region>/*.json)
    /// into a data directory, replacing its state.
    Import(ImportArgs),
    /// Decide whether a flow gets through, from a data directory's state (read only), and
    /// print the hop-by-hop trace or every blocker. Exit status: 0 reachable, 1 not
    /// reachable, 2 usage error.
    Reach(reach::ReachArgs),
    /// Which subnets (and interfaces) reach which, for one protocol and port.
    Matrix(matrix::MatrixArgs),
    /// Build the seed's world (three VPCs, peerings, PrivateLink, S3 gateway endpoint)
    /// against a running server and print its verdicts and matrix.
    Demo(demo::DemoArgs),
    /// Run a program inside the network namespace of an instance or network interface
    /// (needs a server started with `--dataplane linux`); exits with the program's status.
    Exec(dataplane::ExecArgs),
    /// Data-plane maintenance.
    #[command(subcommand)]
    Dataplane(dataplane::DataplaneCmd),
}

#[derive(clap::Args, Debug)]
struct ImportArgs {
    /// Directory of describe output: `<account-id>/<region>/*.json`.
    dir: PathBuf,
    /// Data directory to write (as `serve --data-dir`).
    #[arg(long, default_value = "openvpc-data")]
    data_dir: PathBuf,
}

#[derive(clap::Args, Debug)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:4566")]
    listen: SocketAddr,
    /// Directory of the embedded store.
    #[arg(long, default_value = "openvpc-data")]
    data_dir: PathBuf,
    /// Account of requests whose access key id is not a 12-digit account id.
    #[arg(long, default_value = "000000000000")]
    default_account: String,
    /// Region of unsigned requests.
    #[arg(long, default_value = "us-east-1")]
    default_region: String,
    /// Access keys file (`ACCESS_KEY_ID SECRET ACCOUNT_ID` per line); turns on SigV4 checks.
    #[arg(long)]
    credentials: Option<PathBuf>,
    /// Serve `/_openvpc/reset` and `/_openvpc/clock/advance`.
    #[arg(long)]
    admin_api: bool,
    /// A quota: `NAME=VALUE` or `ACCOUNT:NAME=VALUE` (repeatable).
    #[arg(long = "quota", value_name = "NAME=VALUE")]
    quotas: Vec<String>,
    /// A JSON configuration file (regions, quotas, delays).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Realise the state with real packets: `linux` (network namespaces; needs root).
    #[arg(long, value_parser = ["linux"])]
    dataplane: Option<String>,
    /// Owner token of the data plane's namespaces (default: from the data directory).
    #[arg(long)]
    dataplane_owner: Option<String>,
}

pub(crate) fn fail(message: String) -> ! {
    eprintln!("openvpc: {message}");
    std::process::exit(2);
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match Cli::parse().command {
        Cmd::Serve(args) => serve(args),
        Cmd::Import(args) => import(args),
        Cmd::Reach(args) => std::process::exit(reach::run(args)),
        Cmd::Matrix(args) => std::process::exit(matrix::run(args)),
        Cmd::Demo(args) => std::process::exit(demo::run(args)),
        Cmd::Exec(args) => std::process::exit(dataplane::exec(args)),
        Cmd::Dataplane(cmd) => std::process::exit(dataplane::run(cmd)),
    }
}

fn open_engine(data_dir: &std::path::Path, config: Config) -> Engine {
    std::fs::create_dir_all(data_dir)
        .unwrap_or_else(|e| fail(format!("{}: {e}", data_dir.display())));
    let store =
        SqliteStore::open(&data_dir.join("openvpc.db")).unwrap_or_else(|e| fail(e.to_string()));
    Engine::open(
        Box::new(store),
        EngineOptions {
            config,
            ..EngineOptions::default()
        },
    )
    .unwrap_or_else(|e| fail(e.to_string()))
}

fn import(args: ImportArgs) {
    let world = openvpc_import::import_dir(&args.dir, Config::default())
        .unwrap_or_else(|e| fail(e.to_string()));
    let summary = format!(
        "imported {} VPCs, {} subnets, {} route tables, {} security groups, {} network ACLs, {} network interfaces, {} peering connections, {} VPC endpoints, {} load balancers, {} prefix lists",
        world.vpcs.len(),
        world.subnets.len(),
        world.route_tables.len(),
        world.security_groups.len(),
        world.network_acls.len(),
        world.network_interfaces.len(),
        world.peerings.values().count(),
        world.vpc_endpoints.len(),
        world.load_balancers.len(),
        world.prefix_lists.len()
    );
    let mut engine = open_engine(&args.data_dir, Config::default());
    engine
        .replace_world(world)
        .unwrap_or_else(|e| fail(e.to_string()));
    println!("{summary} into {}", args.data_dir.display());
}

fn serve(args: ServeArgs) {
    let mut config = match &args.config {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .unwrap_or_else(|e| fail(format!("{}: {e}", path.display())));
            serde_json::from_str::<Config>(&text)
                .unwrap_or_else(|e| fail(format!("{}: {e}", path.display())))
        }
        None => Config::default(),
    };
    for q in &args.quotas {
        config.quotas.set_from_arg(q).unwrap_or_else(|e| fail(e));
    }
    let credentials = args
        .credentials
        .as_ref()
        .map(|p| Credentials::load(p).unwrap_or_else(|e| fail(e)));
    let dataplane = args
        .dataplane
        .as_ref()
        .map(|_| dataplane::start(&args.data_dir, args.dataplane_owner.as_deref()));
    let engine = open_engine(&args.data_dir, config);
    let options = ServerOptions {
        credentials,
        default_account: args.default_account,
        default_region: args.default_region,
        admin_api: args.admin_api,
        observer: dataplane
            .clone()
            .map(|d| d as std::sync::Arc<dyn openvpc_server::Observer>),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| fail(e.to_string()));
    runtime.block_on(async {
        let app = openvpc_server::router(engine, options);
        let stopped = async {
            if dataplane.is_none() {
                return std::future::pending().await;
            }
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .unwrap_or_else(|e| fail(e.to_string()));
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        };
        tokio::select! {
            result = openvpc_server::serve(args.listen, app) => {
                if let Err(e) = result {
                    fail(e.to_string());
                }
            }
            _ = stopped => {}
        }
    });
    if let Some(d) = dataplane {
        match d.0.shutdown() {
            Ok(n) => tracing::info!("data plane: removed {n} namespaces"),
            Err(e) => tracing::warn!("data plane cleanup: {e}"),
        }
    }
}
