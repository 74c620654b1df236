//! The whole state: every account's and Region's resources, the id generator, the timers.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::IdGen;
use crate::table::Table;
use crate::tags::TagStore;
// Areas' models only (see the layering invariant in ARCHITECTURE.md).
use crate::{
    dhcp::model as dhcp, elb::model as elb, endpoint::model as endpoint,
    endpoint_service::model as endpoint_service, eni::model as eni, flowlog::model as flowlog,
    gateway::model as gateway, insights::model as insights, keypair::model as keypair,
    nacl::model as nacl, peering::model as peering, prefix_list::model as prefix_list,
    ram::model as ram, route::model as route, sg::model as sg, subnet::model as subnet,
    tgw::model as tgw, vpc::model as vpc, vpn::model as vpn,
};
use crate::{Millis, Output};

mod apply;
mod hooks;

/// An (account, Region) pair: the unit of ownership and visibility.
///
/// Every resource holds its owner's scope, so a scope is shared: cloning one shares the
/// pair (a count, not two strings). Its parts are read as fields (`scope.account`).
/// Serialised as the string `account/region`, so it can key JSON maps in snapshots.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Scope(Arc<ScopeParts>);

/// A [`Scope`]'s account and Region.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ScopeParts {
    pub account: String,
    pub region: String,
}

impl std::ops::Deref for Scope {
    type Target = ScopeParts;

    fn deref(&self) -> &ScopeParts {
        &self.0
    }
}

impl Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{}/{}", self.account, self.region))
    }
}

impl<'de> Deserialize<'de> for Scope {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        let (account, region) = text
            .split_once('/')
            .ok_or_else(|| serde::de::Error::custom(format!("bad scope `{text}`")))?;
        Ok(Scope::new(account, region))
    }
}

impl Scope {
    /// The scope of `account` in `region`.
    pub fn new(account: impl Into<String>, region: impl Into<String>) -> Self {
        Scope(Arc::new(ScopeParts {
            account: account.into(),
            region: region.into(),
        }))
    }
}

/// Who is calling, where, and when: passed to every command and query.
///
/// Holds the caller's [`Scope`], made once per request, which most rules use to key their
/// lookups. Serialised as `{account, region, now}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "CtxFields<String>")]
pub struct Ctx {
    scope: Scope,
    pub now: Millis,
}

/// [`Ctx`]'s serialised form.
#[derive(Serialize, Deserialize)]
struct CtxFields<S> {
    account: S,
    region: S,
    now: Millis,
}

impl Serialize for Ctx {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        CtxFields {
            account: self.account(),
            region: self.region(),
            now: self.now,
        }
        .serialize(s)
    }
}

impl From<CtxFields<String>> for Ctx {
    fn from(f: CtxFields<String>) -> Self {
        Ctx {
            scope: Scope::new(f.account, f.region),
            now: f.now,
        }
    }
}

impl Ctx {
    /// A context for `account` in `region` at `now`.
    pub fn new(account: &str, region: &str, now: Millis) -> Self {
        Ctx {
            scope: Scope::new(account, region),
            now,
        }
    }

    /// The caller's account.
    pub fn account(&self) -> &str {
        &self.scope.account
    }

    /// The Region the call is made in.
    pub fn region(&self) -> &str {
        &self.scope.region
    }

    /// The caller's scope.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// What a timer does when it falls due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum TimerKind {
    /// Advance a peering connection's lifecycle (asynchronous step, expiry, purge).
    Peering,
    /// Advance a NAT gateway (pending → available, deleting → deleted, purge).
    NatGateway,
    /// Advance a VPC endpoint (pending → available, deleting → deleted, purge).
    VpcEndpoint,
    /// Purge a terminated instance once its retention is over.
    Instance,
    /// Forget a deleted virtual private gateway, customer gateway or VPN connection.
    Vpn,
    /// Advance a transit gateway, attachment or transit-gateway route table (pending →
    /// available, deleting → deleted, purge).
    TransitGateway,
}

/// A deadline. Handlers act *as of* `due`, so running them late gives the same state.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Timer {
    pub due: Millis,
    pub kind: TimerKind,
    pub id: String,
}

/// A remembered `ClientToken`: the command's fingerprint and its output.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Idempotent {
    pub fingerprint: String,
    pub output: Output,
}

impl Counters {
    /// A fresh public IPv4 address from openvpc's synthetic public pool: 18.0.0.1 onwards,
    /// public-looking, never contacted.
    pub fn next_public_ip(&mut self) -> std::net::Ipv4Addr {
        let n = self.public_ips;
        self.public_ips += 1;
        std::net::Ipv4Addr::from(u32::from(std::net::Ipv4Addr::new(18, 0, 0, 1)) + n)
    }
}

/// Monotonic counters for addresses handed out from global pools.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Counters {
    /// Next Amazon-provided IPv6 /56 block.
    pub ipv6_blocks: u64,
    /// Next public IPv4 address (Elastic IPs, instance public IPs).
    pub public_ips: u32,
}

/// The complete state of an openvpc deployment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct World {
    #[serde(skip)]
    pub config: Arc<Config>,
    pub ids: IdGen,
    pub counters: Counters,
    pub scopes_ready: BTreeSet<Scope>,
    pub timers: BTreeSet<Timer>,
    pub idempotency: BTreeMap<Scope, BTreeMap<String, Idempotent>>,
    pub tags: TagStore,
    pub vpcs: Table<vpc::Vpc>,
    pub subnets: Table<subnet::Subnet>,
    pub route_tables: Table<route::RouteTable>,
    pub internet_gateways: Table<gateway::InternetGateway>,
    pub egress_only_gateways: Table<gateway::EgressOnlyGateway>,
    pub nat_gateways: Table<gateway::NatGateway>,
    pub addresses: Table<gateway::Address>,
    pub dhcp_options: Table<dhcp::DhcpOptions>,
    pub network_acls: Table<nacl::NetworkAcl>,
    pub security_groups: Table<sg::SecurityGroup>,
    pub network_interfaces: Table<eni::NetworkInterface>,
    pub instances: Table<eni::Instance>,
    pub peerings: peering::Peerings,
    pub load_balancers: Table<elb::LoadBalancer>,
    pub target_groups: Table<elb::TargetGroup>,
    pub listeners: Table<elb::Listener>,
    #[serde(default)]
    pub endpoint_services: Table<endpoint_service::EndpointService>,
    #[serde(default)]
    pub vpc_endpoints: Table<endpoint::VpcEndpoint>,
    pub prefix_lists: Table<prefix_list::PrefixList>,
    #[serde(default)]
    pub insights_paths: Table<insights::Path>,
    #[serde(default)]
    pub insights_analyses: Table<insights::Analysis>,
    #[serde(default)]
    pub vpn_gateways: Table<vpn::VpnGateway>,
    #[serde(default)]
    pub customer_gateways: Table<vpn::CustomerGateway>,
    #[serde(default)]
    pub vpn_connections: Table<vpn::VpnConnection>,
    #[serde(default)]
    pub subnet_cidr_reservations: Table<subnet::CidrReservation>,
    #[serde(default)]
    pub connection_notifications: Table<endpoint_service::ConnectionNotification>,
    #[serde(default)]
    pub key_pairs: Table<keypair::KeyPair>,
    #[serde(default)]
    pub flow_logs: Table<flowlog::FlowLog>,
    #[serde(default)]
    pub transit_gateways: Table<tgw::TransitGateway>,
    #[serde(default)]
    pub tgw_attachments: Table<tgw::TgwAttachment>,
    #[serde(default)]
    pub tgw_route_tables: Table<tgw::TgwRouteTable>,
    #[serde(default)]
    pub tgw_peerings: Table<tgw::TgwPeeringAttachment>,
    #[serde(default)]
    pub resource_shares: Table<ram::ResourceShare>,
    #[serde(default)]
    pub ram_invitations: Table<ram::Invitation>,
}

impl World {
    /// An empty world with the given configuration and id seed.
    pub fn new(config: Config, seed: u64) -> Self {
        World {
            config: Arc::new(config),
            ids: IdGen::new(seed),
            counters: Counters::default(),
            scopes_ready: BTreeSet::new(),
            timers: BTreeSet::new(),
            idempotency: BTreeMap::new(),
            tags: TagStore::new(),
            vpcs: Table::default(),
            subnets: Table::default(),
            route_tables: Table::default(),
            internet_gateways: Table::default(),
            egress_only_gateways: Table::default(),
            nat_gateways: Table::default(),
            addresses: Table::default(),
            dhcp_options: Table::default(),
            network_acls: Table::default(),
            security_groups: Table::default(),
            network_interfaces: Table::default(),
            instances: Table::default(),
            peerings: peering::Peerings::default(),
            load_balancers: Table::default(),
            target_groups: Table::default(),
            listeners: Table::default(),
            endpoint_services: Table::default(),
            vpc_endpoints: Table::default(),
            prefix_lists: Table::default(),
            insights_paths: Table::default(),
            insights_analyses: Table::default(),
            vpn_gateways: Table::default(),
            customer_gateways: Table::default(),
            vpn_connections: Table::default(),
            subnet_cidr_reservations: Table::default(),
            connection_notifications: Table::default(),
            key_pairs: Table::default(),
            flow_logs: Table::default(),
            transit_gateways: Table::default(),
            tgw_attachments: Table::default(),
            tgw_route_tables: Table::default(),
            tgw_peerings: Table::default(),
            resource_shares: Table::default(),
            ram_invitations: Table::default(),
        }
    }

    /// Installs the configuration after deserialisation (indexes rebuild themselves).
    pub fn restore(&mut self, config: Config) {
        self.config = Arc::new(config);
    }

    /// Whether the scope's defaults (default VPC, DHCP options) exist yet.
    pub fn scope_ready(&self, scope: &Scope) -> bool {
        self.scopes_ready.contains(scope)
    }

    /// Whether `region` is served and enabled (an opt-in Region configured `not-opted-in`
    /// is refused as AWS refuses it).
    pub fn check_region(&self, region: &str) -> Result<()> {
        match self.config.region(region) {
            None => Err(ApiError::new(
                ErrorCode::InvalidParameterValue,
                format!("The Region '{region}' is not supported by this endpoint."),
            )),
            // What AWS answers in a Region the account has not enabled.
            Some(r) if !r.enabled() => Err(ApiError::new(
                ErrorCode::AuthFailure,
                "AWS was not able to validate the provided access credentials",
            )),
            Some(_) => Ok(()),
        }
    }

    /// Schedules a timer.
    pub fn schedule(&mut self, due: Millis, kind: TimerKind, id: &str) {
        self.timers.insert(Timer {
            due,
            kind,
            id: id.to_string(),
        });
    }

    /// The earliest pending deadline, if any.
    pub fn next_due(&self) -> Option<Millis> {
        self.timers.first().map(|t| t.due)
    }
}
