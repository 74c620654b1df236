//! Import of a real account's configuration, as `aws ec2 describe-*` prints it.
//!
//! Layout: `DIR/<account-id>/<region>/*.json`, one file per describe call (any file name; the
//! top-level key says what it holds: `Vpcs`, `Subnets`, `RouteTables`, `SecurityGroups`,
//! `NetworkAcls`, `NetworkInterfaces`, `Reservations`, `InternetGateways`, `NatGateways`,
//! `Addresses` (Elastic IPs), `VpcPeeringConnections`, `VpcEndpoints`,
//! `ServiceConfigurations` (of `describe-vpc-endpoint-service-configurations`: a
//! PrivateLink provider's services), `VpnGateways`, `CustomerGateways`, `VpnConnections`
//! (to a virtual private gateway or a transit gateway, with their static routes), `KeyPairs`, `PrefixLists` (of
//! `describe-prefix-lists` and `describe-managed-prefix-lists`; both outputs of one list
//! merge), `TransitGateways`, `TransitGatewayRouteTables`, `TransitGatewayVpcAttachments`,
//! `TransitGatewayAttachments` (the association of VPC attachments; VPN attachments),
//! `TransitGatewayPrefixListReferences` (each names its table), and of `aws elbv2`:
//! `LoadBalancers`, `TargetGroups`, `Listeners`). A field of the
//! wrong shape is an error naming the file and the field's path; unknown fields are
//! ignored; what is not imported — top-level keys openvpc does not read
//! (`TransitGatewayPeeringAttachments`…),
//! items it skips (application load balancers, terminated instances, deleted resources) and
//! files not ending in `.json` — is counted by kind in the [`Report`].
//!
//! Some outputs do not name what they belong to, so the file name must:
//! - `Routes` of `search-transit-gateway-routes`, `Associations` and
//!   `TransitGatewayRouteTablePropagations` of `get-transit-gateway-route-table-associations`
//!   and `-propagations`: the file name contains the transit-gateway route table's id
//!   (`tgw-rtb-0abc…-routes.json`); per-table wrappers whose items name their table
//!   (`TransitGatewayStaticRoutes`, `TransitGatewayPropagations`) need no file name;
//! - `{"Entries": [...]}` of `aws ec2 get-managed-prefix-list-entries --prefix-list-id pl-…`:
//!   the file name contains the list id (`pl-0abc….json`, `entries-pl-0abc….json`);
//! - `{"TargetHealthDescriptions": [...]}` of `aws elbv2 describe-target-health
//!   --target-group-arn …`: the file name contains the target group's name or the last part
//!   of its ARN (`targets-my-group.json`); every listed target is registered, whatever its
//!   health;
//! - `{"Attributes": [...]}` of `aws elbv2 describe-load-balancer-attributes` or
//!   `describe-target-group-attributes`: the file name contains the load balancer's or
//!   target group's name or ARN's last part (`lb-attributes-my-nlb.json`); when a load
//!   balancer and a target group share the name, `lb` or `tg` in the file name decides.
//!
//! AWS-managed prefix lists (owner `AWS`) are stored under the owner `AWS` with their real
//! ids and imported blocks, so routes and rules naming them resolve. Interfaces that
//! describe output references but that were not imported (an endpoint's
//! `NetworkInterfaceIds`, a load balancer's node in each subnet) are synthesised: the
//! endpoint's with its real id, the load balancer's with its listed private address; both
//! otherwise take the subnet's next free address.
//!
//! The [`Report`] also warns of a load balancer without an imported listener, of a
//! listener's target group without `describe-target-health` output, and of an account
//! directory none of whose resources its account owns (a misnamed directory).
//!
//! Files: `load.rs` (dispatch by top-level key; the EC2 outputs), `elb.rs` (the ELBv2
//! outputs), `tgw.rs` (transit gateways), `address.rs` (Elastic IPs), `report.rs` (the summary), `json.rs`,
//! `assume.rs` (default network ACLs for subnets an export left without one, on request).

mod address;
mod assume;
mod elb;
mod json;
mod load;
mod report;
mod tgw;
mod tgw_peering;

use std::fmt;
use std::path::{Path, PathBuf};

use openvpc_core::{Config, Scope, World};

pub use load::{load_document, load_file, load_named};
pub use report::Report;

/// An import failure, naming the file and the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportError {
    pub file: PathBuf,
    pub message: String,
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

impl std::error::Error for ImportError {}

/// A world imported, with what was left out and what to check.
#[derive(Debug)]
pub struct Imported {
    pub world: World,
    pub report: Report,
}

impl Imported {
    /// The summary lines (see [`Report::lines`]).
    pub fn summary(&self) -> Vec<String> {
        self.report.lines(&self.world)
    }

    /// Gives every subnet the export left without a network ACL its VPC's default ACL, as
    /// AWS always has one (see `assume.rs`); the summary says how many. Returns that count.
    pub fn assume_default_acls(&mut self) -> usize {
        let (subnets, made) = assume::default_acls(&mut self.world);
        self.report.assumed_acls(subnets, made);
        subnets
    }
}

/// How far an import has got.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// `.json` files found.
    pub files: usize,
    /// Files read and parsed.
    pub files_read: usize,
    /// Files loaded into the world (after all are read, in dependency order).
    pub files_loaded: usize,
    /// Described items loaded.
    pub resources: usize,
}

/// Reads every `<account>/<region>/*.json` under `dir` into a new world.
pub fn import_dir(dir: &Path, config: Config) -> Result<World, ImportError> {
    import_dir_with(dir, config, &mut |_| {}).map(|i| i.world)
}

/// As [`import_dir`], with the report of what was not imported, telling `progress` after
/// each file read and each file loaded.
pub fn import_dir_with(
    dir: &Path,
    config: Config,
    progress: &mut dyn FnMut(&Progress),
) -> Result<Imported, ImportError> {
    let mut world = World::new(config, 0x1_4907);
    let mut report = Report::default();
    let (files, not_json) = list_files(dir)?;
    report.skip("files not ending in .json", not_json);
    let mut state = Progress {
        files: files.len(),
        ..Progress::default()
    };
    // Load in dependency order: VPCs before subnets before interfaces, and so on.
    let mut docs = Vec::new();
    for (scope, file) in files {
        let text = std::fs::read_to_string(&file).map_err(|e| err(&file, e.to_string()))?;
        let value: serde_json::Value =
            serde_json::from_str(&text).map_err(|e| err(&file, format!("invalid JSON: {e}")))?;
        docs.push((load::rank(&value), scope, file, value));
        state.files_read += 1;
        progress(&state);
    }
    docs.sort_by_key(|(rank, _, _, _)| *rank);
    report.check_owners(
        dir,
        docs.iter()
            .map(|(_, scope, file, doc)| (scope, file.as_path(), doc)),
    );
    for (_, scope, file, value) in &docs {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        load_document(&mut world, scope, value, name, &mut report)
            .map_err(|message| err(file, message))?;
        state.files_loaded += 1;
        state.resources = report.resources();
        progress(&state);
    }
    let synthesised = load::finish(&mut world);
    report.synthesised(synthesised);
    report.check_load_balancers(&world);
    report.check_tgw_routes(&world);
    for (_, scope, _, _) in &docs {
        world.scopes_ready.insert(scope.clone());
    }
    Ok(Imported { world, report })
}

fn err(file: &Path, message: String) -> ImportError {
    ImportError {
        file: file.to_path_buf(),
        message,
    }
}

/// The `.json` files of `dir`'s `<account>/<region>/` directories with their scopes, and
/// how many other files those directories hold.
fn list_files(dir: &Path) -> Result<(Vec<(Scope, PathBuf)>, usize), ImportError> {
    let mut files = Vec::new();
    let mut not_json = 0;
    for account in read_dir_sorted(dir).map_err(|e| err(dir, e))? {
        let Some(account_id) = name_of(&account) else {
            continue;
        };
        if !account.is_dir() {
            continue;
        }
        if account_id.len() != 12 || !account_id.bytes().all(|b| b.is_ascii_digit()) {
            return Err(err(
                &account,
                "expected a 12-digit account id directory".into(),
            ));
        }
        for region in read_dir_sorted(&account).map_err(|e| err(&account, e))? {
            let Some(region_name) = name_of(&region) else {
                continue;
            };
            if !region.is_dir() {
                continue;
            }
            let scope = Scope::new(&account_id, &region_name);
            for file in read_dir_sorted(&region).map_err(|e| err(&region, e))? {
                if file.extension().is_some_and(|e| e == "json") {
                    files.push((scope.clone(), file));
                } else if file.is_file() {
                    not_json += 1;
                }
            }
        }
    }
    Ok((files, not_json))
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| e.to_string())?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    Ok(entries)
}

fn name_of(path: &Path) -> Option<String> {
    path.file_name()?.to_str().map(str::to_string)
}
