//! EC2 action handlers: one module per resource family, each exporting `ACTIONS`.

use std::collections::HashMap;
use std::sync::OnceLock;

use openvpc_core::{ApiError, BulkFailure, Command, Ctx, ErrorCode, Kind, Output, Result, World};

use crate::errors::{dry_run_ok, ec2_error};
use crate::params::{Params, View};
use crate::xml::Xml;
use crate::{Backend, Response, EC2_NAMESPACE};

mod account;
mod describe;
mod dhcp;
mod endpoint;
mod endpoint_service;
mod eni;
mod flowlog;
mod gateway;
mod image;
mod insights;
mod keypair;
mod nacl;
mod peering;
mod prefix_list;
mod route;
mod sg;
mod subnet;
mod tags;
mod tgw;
mod tgw_peering;
mod tgw_prefix_lists;
mod vpc;
mod vpn;

/// A handler: reads its parameters, acts through the backend, renders the body.
pub type Handler = fn(&mut Call) -> Result<Xml>;

/// Every EC2 action this server implements.
fn tables() -> [&'static [(&'static str, Handler)]; 23] {
    [
        account::ACTIONS,
        vpc::ACTIONS,
        subnet::ACTIONS,
        route::ACTIONS,
        gateway::ACTIONS,
        dhcp::ACTIONS,
        nacl::ACTIONS,
        sg::ACTIONS,
        eni::ACTIONS,
        eni::instances::ACTIONS,
        peering::ACTIONS,
        tags::ACTIONS,
        endpoint_service::ACTIONS,
        endpoint::ACTIONS,
        prefix_list::ACTIONS,
        insights::ACTIONS,
        vpn::ACTIONS,
        tgw::ACTIONS,
        tgw_peering::ACTIONS,
        tgw_prefix_lists::ACTIONS,
        image::ACTIONS,
        keypair::ACTIONS,
        flowlog::ACTIONS,
    ]
}

/// The handler for `action`, if implemented (the first of the tables that names it).
pub fn handler(action: &str) -> Option<Handler> {
    static BY_NAME: OnceLock<HashMap<&'static str, Handler>> = OnceLock::new();
    let by_name = BY_NAME.get_or_init(|| {
        let mut map = HashMap::new();
        for (name, handler) in tables().into_iter().flatten() {
            map.entry(*name).or_insert(*handler);
        }
        map
    });
    by_name.get(action).copied()
}

/// Names of every implemented EC2 action.
pub fn action_names() -> Vec<&'static str> {
    tables().into_iter().flatten().map(|(n, _)| *n).collect()
}

/// One request in flight: its parameters and the backend.
pub struct Call<'a> {
    params: &'a Params<'a>,
    backend: &'a mut dyn Backend,
    dry_run: bool,
}

impl std::fmt::Debug for Call<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Call")
            .field("dry_run", &self.dry_run)
            .finish()
    }
}

impl<'a> Call<'a> {
    /// The request's parameters.
    pub fn p(&self) -> View<'a> {
        self.params.root()
    }

    /// The world as of this request.
    pub fn world(&self) -> &World {
        self.backend.world()
    }

    /// The caller's context.
    pub fn ctx(&self) -> &Ctx {
        self.backend.ctx()
    }

    /// The key made for this request before the world was locked (CreateKeyPair).
    pub fn generated_key(&self) -> Option<&crate::keys::Generated> {
        self.params.generated_key()
    }

    /// The backend's compiled reachability view, when it keeps one.
    pub fn reach_view(&self) -> Option<std::sync::Arc<openvpc_reach::View>> {
        self.backend.reach_view()
    }

    /// Ends decoding of a read: unknown parameters refused, DryRun answered.
    pub fn read(&self) -> Result<()> {
        self.params.finish()?;
        if self.dry_run {
            return Err(dry_run_ok());
        }
        Ok(())
    }

    /// Ends decoding of a mutation and applies it (or validates it for DryRun).
    pub fn mutate(&mut self, cmd: Command) -> Result<Output> {
        self.params.finish()?;
        if self.dry_run {
            self.backend.dry_run(cmd)?;
            return Err(dry_run_ok());
        }
        self.backend.mutate(cmd)
    }
}

/// Handles one EC2 request end to end, producing the XML document or error document.
pub fn handle(
    action: &str,
    params: &Params,
    backend: &mut dyn Backend,
    request_id: &str,
) -> Response {
    match run(action, params, backend) {
        Ok(body) => Response {
            status: 200,
            body: envelope(action, request_id, body.as_str()),
        },
        Err(e) => ec2_error(&e, request_id),
    }
}

/// `<{action}Response xmlns=…><requestId>…</requestId>{body}</{action}Response>`, built in
/// one allocation of its exact size (`concat` sums the parts first; every answer passes
/// through here, and the server hands a text that fills its allocation to the HTTP body as
/// it is, with no second allocation).
fn envelope(action: &str, request_id: &str, body: &str) -> String {
    const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<";
    [
        HEAD,
        action,
        "Response xmlns=\"",
        EC2_NAMESPACE,
        "\"><requestId>",
        request_id,
        "</requestId>",
        body,
        "</",
        action,
        "Response>",
    ]
    .concat()
}

fn run(action: &str, params: &Params, backend: &mut dyn Backend) -> Result<Xml> {
    let handler = handler(action).ok_or_else(|| {
        ApiError::new(
            ErrorCode::InvalidAction,
            format!("The action {action} is not valid for this web service."),
        )
    })?;
    let dry_run = params.root().flag("DryRun")?;
    let mut call = Call {
        params,
        backend,
        dry_run,
    };
    handler(&mut call)
}

/// `<return>true</return>`.
pub fn returned_true() -> Xml {
    let mut x = Xml::new();
    x.leaf("return", "true");
    x
}

/// Refuses any id of `ids` that is not a well-formed id of `kind`, with AWS's code.
pub fn check_ids(ids: &[String], kind: Kind) -> Result<()> {
    ids.iter().try_for_each(|id| kind.check(id))
}

/// The id of a created resource from a command's output.
pub fn created_id(out: Output) -> Result<String> {
    match out {
        Output::Id(id) => Ok(id),
        other => Err(unexpected(other)),
    }
}

/// The ids a command reports (created rules, reservation and instances, addresses).
pub fn created_ids(out: Output) -> Result<Vec<String>> {
    match out {
        Output::Ids(ids) => Ok(ids),
        other => Err(unexpected(other)),
    }
}

/// The failures of a bulk command's output.
pub fn failures(out: Output) -> Result<Vec<BulkFailure>> {
    match out {
        Output::Bulk { failed, .. } => Ok(failed),
        other => Err(unexpected(other)),
    }
}

fn unexpected(output: Output) -> ApiError {
    ApiError::new(
        ErrorCode::InternalError,
        format!("unexpected command output {output:?}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The lookup by name finds what a search of the tables in order finds.
    #[test]
    fn every_action_is_found_as_the_tables_list_it() {
        for name in action_names() {
            let first_listed = tables()
                .into_iter()
                .flatten()
                .find(|(n, _)| *n == name)
                .map(|(_, h)| *h)
                .expect("listed");
            let found = handler(name).expect("implemented");
            assert!(std::ptr::fn_addr_eq(found, first_listed), "{name}");
        }
        assert!(handler("DescribeNothing").is_none());
    }
}
