//! `openvpc`: the command-line entry point.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};
use openvpc_core::Config;
use openvpc_server::{Credentials, Durability, Engine, EngineOptions, ServerOptions};
use openvpc_store::JournalStore;
use tokio::signal::unix::{signal, SignalKind};

mod api;
mod dataplane;
mod demo;
mod matrix;
mod progress;
mod reach;
mod state;
mod store;

/// mimalloc instead of the system allocator: a request makes about 120 small allocations,
/// and glibc's malloc and free were a fifth of the server's instructions per request
/// (docs/decisions.md, "The server's allocator"). Built without asking for transparent huge
/// pages (the `no_thp` feature): a growing heap would clear 2 MiB within a request.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
    /// into a data directory, replacing its state; print what was imported, what was not
    /// (`not imported: …`) and what to check (`warning: …`). On a terminal, progress is
    /// shown on one line.
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
    /// Check, recover or back up a data directory.
    #[command(subcommand)]
    Store(store::StoreCmd),
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
    /// Subnets the export left without a network ACL (no `describe-network-acls` output)
    /// get their VPC's default ACL, as AWS always has one (allow all); without this, flows
    /// through them are `unknown`.
    #[arg(long)]
    assume_default_acls: bool,
}

#[derive(clap::Args, Debug)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:4566")]
    listen: SocketAddr,
    /// Directory of the journal (one server per directory).
    #[arg(long, default_value = "openvpc-data")]
    data_dir: PathBuf,
    /// `full`: acknowledged means synced to disk (concurrent writes share syncs).
    /// `batched`: synced at least every 10 ms; a crash may lose the last 10 ms of
    /// acknowledged writes. `none`: no journal, state lives in memory only.
    #[arg(long, value_enum, default_value_t = DurabilityArg::Full)]
    durability: DurabilityArg,
    /// Seconds a client may take to send a request's head, and then its body, before the
    /// connection is closed (1 to 86400: a deadline past the clock's range would fail).
    #[arg(long, default_value_t = 20, value_parser = clap::value_parser!(u64).range(1..=86_400))]
    read_timeout: u64,
    /// Account of requests whose access key id is not a 12-digit account id.
    #[arg(long, default_value = "000000000000")]
    default_account: String,
    /// Region of unsigned requests.
    #[arg(long, default_value = "us-east-1")]
    default_region: String,
    /// Access keys file (`ACCESS_KEY_ID SECRET ACCOUNT_ID [PRINCIPAL_ARN] [admin]` per line);
    /// turns on SigV4 checks, and admits to the admin API only requests signed by an `admin`
    /// key. The principal is what `sts:GetCallerIdentity` reports (default: the root).
    #[arg(long)]
    credentials: Option<PathBuf>,
    /// Serve `/_openvpc/reset` and `/_openvpc/clock/advance`.
    #[arg(long)]
    admin_api: bool,
    /// A quota: `NAME=VALUE` or `ACCOUNT:NAME=VALUE` (repeatable).
    #[arg(long = "quota", value_name = "NAME=VALUE")]
    quotas: Vec<String>,
    /// A JSON configuration file (regions, quotas, delays); a Region is a name from the
    /// catalogue or an object (`name`, `opt_in_status`, `az_id_prefix`, `zone_letters`, …).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Realise the state with real packets: `linux` (network namespaces; needs root).
    #[arg(long, value_parser = ["linux"])]
    dataplane: Option<String>,
    /// Owner token of the data plane's namespaces (default: from the data directory).
    #[arg(long)]
    dataplane_owner: Option<String>,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum DurabilityArg {
    Full,
    Batched,
    None,
}

impl From<DurabilityArg> for Durability {
    fn from(d: DurabilityArg) -> Self {
        match d {
            DurabilityArg::Full => Durability::Full,
            DurabilityArg::Batched => Durability::Batched,
            DurabilityArg::None => Durability::None,
        }
    }
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
        Cmd::Store(cmd) => std::process::exit(store::run(cmd)),
        Cmd::Exec(args) => std::process::exit(dataplane::exec(args)),
        Cmd::Dataplane(cmd) => std::process::exit(dataplane::run(cmd)),
    }
}

/// Opens the engine on `data_dir` (taking its lock), or in memory for `none`.
fn open_engine(data_dir: &std::path::Path, options: EngineOptions, holder: &str) -> Engine {
    if options.durability == Durability::None {
        return Engine::open(None, options).unwrap_or_else(|e| fail(e.to_string()));
    }
    let (store, loaded) =
        JournalStore::open(data_dir, holder).unwrap_or_else(|e| fail(e.to_string()));
    Engine::open(Some((Box::new(store), loaded.into())), options)
        .unwrap_or_else(|e| fail(format!("{}: {e}", data_dir.display())))
}

fn holder(what: &str) -> String {
    format!("pid {}, {what}", std::process::id())
}

fn import(args: ImportArgs) {
    let mut line = progress::Line::on_terminal();
    let mut imported = openvpc_import::import_dir_with(&args.dir, Config::default(), &mut |p| {
        line.show(&format!(
            "import: {}/{} files read, {} loaded, {} resources",
            p.files_read, p.files, p.files_loaded, p.resources
        ))
    })
    .unwrap_or_else(|e| {
        line.clear();
        fail(e.to_string())
    });
    if args.assume_default_acls {
        imported.assume_default_acls();
    }
    let summary = imported.summary();
    line.show(&format!("import: writing {}", args.data_dir.display()));
    line.flush();
    let engine = open_engine(
        &args.data_dir,
        EngineOptions::default(),
        &holder("openvpc import"),
    );
    let ticket = engine
        .replace_world(Some(imported.world))
        .unwrap_or_else(|e| fail(e.message));
    if let Some(t) = ticket {
        match t.blocking_recv() {
            Ok(Ok(())) => {}
            Ok(Err(why)) => fail(why),
            Err(_) => fail("the journal stopped".into()),
        }
    }
    engine.shutdown();
    line.clear();
    let (first, rest) = summary
        .split_first()
        .expect("the summary has its first line");
    println!("{first} into {}", args.data_dir.display());
    for l in rest {
        println!("{l}");
    }
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
    let options = EngineOptions {
        config,
        durability: args.durability.into(),
        ..EngineOptions::default()
    };
    // The lock first: a second server must not touch the first one's data plane.
    let engine = open_engine(
        &args.data_dir,
        options,
        &holder(&format!("serving {}", args.listen)),
    );
    let dataplane = args
        .dataplane
        .as_ref()
        .map(|_| dataplane::start(&args.data_dir, args.dataplane_owner.as_deref()));
    let options = ServerOptions {
        credentials,
        default_account: args.default_account,
        default_region: args.default_region,
        admin_api: args.admin_api,
        read_timeout: std::time::Duration::from_secs(args.read_timeout),
        observer: dataplane
            .clone()
            .map(|d| d as std::sync::Arc<dyn openvpc_server::Observer>),
    };
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap_or_else(|e| fail(e.to_string()));
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .unwrap_or_else(|e| fail(format!("{}: {e}", args.listen)));
        tracing::info!(
            "openvpc listening on http://{} (durability {:?}, data in {})",
            args.listen,
            engine.durability(),
            args.data_dir.display()
        );
        let read_timeout = options.read_timeout;
        let app = openvpc_server::router(engine.clone(), options);
        let served =
            openvpc_server::serve(listener, app, engine.clone(), read_timeout, stop_signal()).await;
        if let Err(e) = served {
            fail(e.to_string());
        }
    });
    // A clean stop: everything acknowledged is written before the process ends.
    engine.shutdown();
    if let Some(d) = dataplane {
        match d.0.shutdown() {
            Ok(n) => tracing::info!("data plane: removed {n} namespaces"),
            Err(e) => tracing::warn!("data plane cleanup: {e}"),
        }
    }
}

/// Completes on SIGINT or SIGTERM.
async fn stop_signal() {
    let mut term = signal(SignalKind::terminate()).unwrap_or_else(|e| fail(e.to_string()));
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term.recv() => {}
    }
}
