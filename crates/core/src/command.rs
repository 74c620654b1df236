//! Commands: every mutation as a serialisable value, so the journal can replay it.

use serde::{Deserialize, Serialize};

use crate::tags;

// Areas' models only (see the layering invariant in ARCHITECTURE.md).
use crate::{
    dhcp::model as dhcp, elb::model as elb, endpoint::model as endpoint,
    endpoint_service::model as endpoint_service, eni::model as eni, flowlog::model as flowlog,
    gateway::model as gateway, insights::model as insights, keypair::model as keypair,
    nacl::model as nacl, peering::model as peering, prefix_list::model as prefix_list,
    ram::model as ram, route::model as route, sg::model as sg, subnet::model as subnet,
    tgw::model as tgw, vpc::model as vpc, vpn::model as vpn,
};

/// A mutation of the [`crate::World`]. Reads never go through commands.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Command {
    /// Creates a scope's defaults (default VPC, DHCP options) on its first use.
    InitScope,
    Vpc(vpc::Cmd),
    Subnet(subnet::Cmd),
    Route(route::Cmd),
    Gateway(gateway::Cmd),
    Dhcp(dhcp::Cmd),
    Nacl(nacl::Cmd),
    Sg(sg::Cmd),
    Eni(eni::Cmd),
    Peering(peering::Cmd),
    Tags(tags::Cmd),
    Elb(elb::Cmd),
    EndpointService(endpoint_service::Cmd),
    Endpoint(endpoint::Cmd),
    PrefixList(prefix_list::Cmd),
    Insights(insights::Cmd),
    Vpn(vpn::Cmd),
    KeyPair(keypair::Cmd),
    FlowLog(flowlog::Cmd),
    Tgw(tgw::Cmd),
    Ram(ram::Cmd),
}

/// `Command::Vpc(cmd)` as `cmd.into()`, and so on for every area.
macro_rules! command_from {
    ($($variant:ident($area:ident),)*) => {
        $(
            impl From<$area::Cmd> for Command {
                fn from(cmd: $area::Cmd) -> Self {
                    Command::$variant(cmd)
                }
            }
        )*
    };
}

command_from! {
    Vpc(vpc),
    Subnet(subnet),
    Route(route),
    Gateway(gateway),
    Dhcp(dhcp),
    Nacl(nacl),
    Sg(sg),
    Eni(eni),
    Peering(peering),
    Tags(tags),
    Elb(elb),
    EndpointService(endpoint_service),
    Endpoint(endpoint),
    PrefixList(prefix_list),
    Insights(insights),
    Vpn(vpn),
    KeyPair(keypair),
    FlowLog(flowlog),
    Tgw(tgw),
    Ram(ram),
}

impl Command {
    /// The `ClientToken` the command carries, for idempotency.
    pub fn client_token(&self) -> Option<&str> {
        match self {
            Command::Route(c) => c.client_token(),
            Command::Gateway(c) => c.client_token(),
            Command::EndpointService(c) => c.client_token(),
            Command::Endpoint(c) => c.client_token(),
            Command::PrefixList(c) => c.client_token(),
            Command::Eni(c) => c.client_token(),
            Command::Insights(c) => c.client_token(),
            Command::FlowLog(c) => c.client_token(),
            _ => None,
        }
    }

    /// A stable fingerprint of the command's parameters, to detect token reuse.
    pub fn fingerprint(&self) -> String {
        if let Command::Insights(c) = self {
            return c.fingerprint();
        }
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// What a command returns; the wire renders it, reading the world for details.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Output {
    /// Success with nothing to report (`<return>true</return>`).
    Done,
    /// The id of what was created or affected.
    Id(String),
    /// Several ids (e.g. instances of a reservation: reservation id first).
    Ids(Vec<String>),
    /// A bulk call: ids that succeeded and per-id failures.
    Bulk {
        ok: Vec<String>,
        failed: Vec<BulkFailure>,
    },
}

impl Output {
    /// A bulk call's answer: `step` runs on each id in turn; an id it refuses becomes an
    /// `unsuccessful` item with the error's code and message.
    pub fn bulk(
        ids: impl IntoIterator<Item = String>,
        mut step: impl FnMut(&str) -> crate::Result<()>,
    ) -> Output {
        let mut ok = Vec::new();
        let mut failed = Vec::new();
        for id in ids {
            match step(&id) {
                Ok(()) => ok.push(id),
                Err(e) => failed.push(BulkFailure {
                    id,
                    code: e.code,
                    message: e.message,
                }),
            }
        }
        Output::Bulk { ok, failed }
    }
}

/// One `unsuccessful` item of a bulk call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkFailure {
    pub id: String,
    pub code: crate::ErrorCode,
    pub message: String,
}
