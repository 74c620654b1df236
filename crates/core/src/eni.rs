//! Network interfaces and instances (instances are address holders, no compute).
//!
//! An interface holds private IPv4 addresses (primary first) allocated from its subnet
//! through [`subnet::allocate_ip`] / [`subnet::release_ip`], optional IPv6 addresses from
//! the subnet's IPv6 block, security groups of its VPC, and at most one attachment. An
//! instance is a holder of a primary interface (device 0, deleted on termination) plus
//! any interfaces attached later; it never runs anything. Terminated instances stay
//! describable for [`TERMINATED_RETENTION`], then a timer purges them.

use crate::ids::Kind;
use std::collections::BTreeSet;
use std::net::{Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Serialize};

use crate::cidr;
use crate::error::{ApiError, ErrorCode, Result};
use crate::filter::{self, Filter};
use crate::subnet::{self, Subnet};
use crate::table::Resource;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, TimerKind, World};
use crate::{Millis, Output, HOUR};

/// Most private IPv4 addresses one interface may hold (primary included).
pub const MAX_PRIVATE_IPS: usize = 50;
/// Most IPv6 addresses one interface may hold.
pub const MAX_IPV6_ADDRESSES: usize = 50;
/// Most security groups per interface (AWS's hard ceiling; its default quota is 5).
pub const MAX_GROUPS: usize = 16;
/// Highest device index accepted for an attachment.
pub const MAX_DEVICE_INDEX: i64 = 31;
/// How long a terminated instance stays visible.
pub const TERMINATED_RETENTION: Millis = HOUR;
/// Most instances one RunInstances call launches (MaxCount is clamped to it).
pub const MAX_LAUNCH: i64 = 1000;
/// The instance type used when RunInstances names none (the API reference's default).
pub const DEFAULT_INSTANCE_TYPE: &str = "m1.small";

/// An interface's attachment to an instance (or a service-managed owner).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub id: String,
    pub instance_id: Option<String>,
    pub instance_owner_id: String,
    pub device_index: u32,
    pub delete_on_termination: bool,
    pub attach_time: Millis,
}

/// A network interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkInterface {
    pub id: String,
    pub scope: Scope,
    pub vpc_id: String,
    pub subnet_id: String,
    pub availability_zone: String,
    /// Private IPv4 addresses, primary first.
    pub private_ips: Vec<Ipv4Addr>,
    pub ipv6_addresses: Vec<Ipv6Addr>,
    pub groups: Vec<String>,
    pub source_dest_check: bool,
    /// `interface`, `nat_gateway`, `vpc_endpoint`, `network_load_balancer`, …
    pub interface_type: String,
    pub requester_managed: bool,
    pub requester_id: Option<String>,
    pub description: String,
    pub mac_address: String,
    pub attachment: Option<Attachment>,
    /// The public IPv4 address mapped to the primary private address, if any.
    pub public_ip: Option<Ipv4Addr>,
    /// The Elastic IP allocation providing `public_ip`, if it is an Elastic IP.
    pub public_ip_allocation_id: Option<String>,
    pub created: Millis,
}

impl Resource for NetworkInterface {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl NetworkInterface {
    /// The primary private IPv4 address.
    pub fn primary_ip(&self) -> Ipv4Addr {
        self.private_ips[0]
    }

    /// `available` or `in-use`.
    pub fn status(&self) -> &'static str {
        if self.attachment.is_some() {
            "in-use"
        } else {
            "available"
        }
    }

    /// The instance this interface is attached to, if any.
    pub fn instance_id(&self) -> Option<&str> {
        self.attachment.as_ref()?.instance_id.as_deref()
    }
}

/// Instance states kept in the state; transitional states exist only in responses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InstanceState {
    Running,
    Stopped,
    Terminated,
}

/// `pending` as RunInstances and StartInstances report it.
pub const PENDING: (u32, &str) = (0, "pending");
/// `shutting-down` as TerminateInstances reports it.
pub const SHUTTING_DOWN: (u32, &str) = (32, "shutting-down");
/// `stopping` as StopInstances reports it.
pub const STOPPING: (u32, &str) = (64, "stopping");

impl InstanceState {
    /// (code, name) as on the wire.
    pub fn wire(self) -> (u32, &'static str) {
        match self {
            InstanceState::Running => (16, "running"),
            InstanceState::Stopped => (80, "stopped"),
            InstanceState::Terminated => (48, "terminated"),
        }
    }
}

/// An instance: a holder of a primary network interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instance {
    pub id: String,
    pub scope: Scope,
    pub reservation_id: String,
    pub vpc_id: String,
    pub subnet_id: String,
    /// The primary interface (device 0); gone once the instance is terminated.
    pub network_interface_id: String,
    pub image_id: String,
    pub instance_type: String,
    pub state: InstanceState,
    pub launch_time: Millis,
    pub terminated: Option<Millis>,
    /// What RunInstances recorded; defaults for instances made otherwise (import, tests).
    #[serde(default)]
    pub details: InstanceDetails,
}

/// Launch details of an instance beyond its addresses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceDetails {
    /// Empty: the subnet's AZ.
    pub availability_zone: String,
    pub launch_index: u32,
    /// When the state last changed (for `reason`).
    pub state_changed: Millis,
    pub key_name: Option<String>,
    pub user_data: Option<String>,
    pub client_token: Option<String>,
    /// Empty: `default`.
    pub tenancy: String,
    pub disable_api_termination: bool,
    pub disable_api_stop: bool,
    /// Whether the primary interface got an Amazon public IP at launch (renewed on start).
    pub auto_public_ip: bool,
}

impl Instance {
    /// The instance's AZ (recorded at launch, else its subnet's).
    pub fn availability_zone(&self, w: &World) -> String {
        if !self.details.availability_zone.is_empty() {
            return self.details.availability_zone.clone();
        }
        w.subnets
            .get(&self.subnet_id)
            .map(|s| s.availability_zone.clone())
            .unwrap_or_default()
    }

    /// `default`, `dedicated` or `host`.
    pub fn tenancy(&self) -> &str {
        if self.details.tenancy.is_empty() {
            "default"
        } else {
            &self.details.tenancy
        }
    }
}

impl Resource for Instance {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// One `PrivateIpAddresses.N` entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateIp {
    pub address: Ipv4Addr,
    pub primary: bool,
}

/// What a new interface should hold (CreateNetworkInterface, or one interface of a launch).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterfaceSpec {
    /// Required for CreateNetworkInterface; RunInstances falls back to a default subnet.
    pub subnet_id: Option<String>,
    pub description: Option<String>,
    pub private_ip: Option<Ipv4Addr>,
    pub private_ips: Vec<PrivateIp>,
    pub secondary_count: Option<i64>,
    pub ipv6_addresses: Vec<Ipv6Addr>,
    pub ipv6_count: Option<i64>,
    /// Security group ids; empty means the VPC's default group.
    pub groups: Vec<String>,
}

/// One `NetworkInterface.N` of RunInstances.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaunchInterface {
    pub device_index: Option<i64>,
    /// An existing interface to attach instead of creating one.
    pub network_interface_id: Option<String>,
    pub associate_public_ip: Option<bool>,
    pub delete_on_termination: Option<bool>,
    pub spec: InterfaceSpec,
}

/// RunInstances parameters that matter to the network.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Launch {
    pub image_id: String,
    pub instance_type: Option<String>,
    pub min_count: i64,
    pub max_count: i64,
    pub subnet_id: Option<String>,
    pub security_group_ids: Vec<String>,
    /// Group names: default VPC only.
    pub security_group_names: Vec<String>,
    pub private_ip: Option<Ipv4Addr>,
    pub ipv6_addresses: Vec<Ipv6Addr>,
    pub ipv6_count: Option<i64>,
    /// `Placement.AvailabilityZone`.
    pub availability_zone: Option<String>,
    pub network_interfaces: Vec<LaunchInterface>,
    pub key_name: Option<String>,
    pub user_data: Option<String>,
    pub disable_api_termination: bool,
    pub disable_api_stop: bool,
    pub client_token: Option<String>,
    pub tags: Vec<TagSpec>,
}

/// One ModifyNetworkInterfaceAttribute change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InterfaceChange {
    SourceDestCheck(bool),
    Description(String),
    Groups(Vec<String>),
    DeleteOnTermination { attachment_id: String, value: bool },
}

/// One ModifyInstanceAttribute change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum InstanceChange {
    SourceDestCheck(bool),
    Groups(Vec<String>),
    DisableApiTermination(bool),
    DisableApiStop(bool),
    InstanceType(String),
}

/// Interface and instance commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    CreateInterface {
        spec: InterfaceSpec,
        interface_type: Option<String>,
        client_token: Option<String>,
        tags: Vec<TagSpec>,
    },
    DeleteInterface {
        network_interface_id: String,
    },
    ModifyInterface {
        network_interface_id: String,
        change: InterfaceChange,
    },
    /// Output: the assigned addresses.
    AssignPrivateIps {
        network_interface_id: String,
        addresses: Vec<Ipv4Addr>,
        count: Option<i64>,
        allow_reassignment: bool,
    },
    UnassignPrivateIps {
        network_interface_id: String,
        addresses: Vec<Ipv4Addr>,
    },
    /// Output: the attachment id.
    Attach {
        network_interface_id: String,
        instance_id: String,
        device_index: i64,
    },
    Detach {
        attachment_id: String,
    },
    /// Output: the reservation id, then the instance ids.
    RunInstances(Box<Launch>),
    TerminateInstances {
        instance_ids: Vec<String>,
    },
    StopInstances {
        instance_ids: Vec<String>,
    },
    StartInstances {
        instance_ids: Vec<String>,
    },
    ModifyInstance {
        instance_id: String,
        change: InstanceChange,
    },
}

impl Cmd {
    /// The command's `ClientToken`, if any.
    pub fn client_token(&self) -> Option<&str> {
        match self {
            Cmd::CreateInterface { client_token, .. } => client_token.as_deref(),
            Cmd::RunInstances(l) => l.client_token.as_deref(),
            _ => None,
        }
    }
}

fn instances_not_found(ids: &[&str]) -> ApiError {
    match ids {
        [one] => Kind::Instance.not_found(one),
        many => ApiError::new(
            ErrorCode::InvalidInstanceIDNotFound,
            format!("The instance IDs '{}' do not exist", many.join(", ")),
        ),
    }
}

fn attachment_not_found(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidAttachmentIDNotFound,
        format!("The attachment ID '{id}' does not exist"),
    )
}

fn incorrect_state(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::IncorrectInstanceState,
        format!("The instance '{id}' is not in a valid state for this operation."),
    )
}

fn managed(id: &str) -> ApiError {
    ApiError::not_permitted(format!(
        "The network interface '{id}' is requester-managed and cannot be modified, detached or deleted."
    ))
}

fn not_enough_addresses(subnet_id: &str, what: &str) -> ApiError {
    ApiError::new(ErrorCode::InsufficientFreeAddressesInSubnet,
        format!("There are not enough free addresses in subnet '{subnet_id}' to satisfy the requested number of {what}."),
    )
}

/// The caller's interface `id`, or `InvalidNetworkInterfaceID.NotFound`.
pub fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w NetworkInterface> {
    w.network_interfaces
        .get_in(scope, id)
        .ok_or_else(|| Kind::NetworkInterface.not_found(id))
}

/// The caller's instance `id`, or `InvalidInstanceID.NotFound`.
pub fn get_instance<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w Instance> {
    w.instances
        .get_in(scope, id)
        .ok_or_else(|| Kind::Instance.not_found(id))
}

/// `ip-10-0-1-5.ec2.internal` in us-east-1, `ip-10-0-1-5.<region>.compute.internal` elsewhere.
pub fn private_dns_name(region: &str, ip: Ipv4Addr) -> String {
    let [a, b, c, d] = ip.octets();
    if region == "us-east-1" {
        format!("ip-{a}-{b}-{c}-{d}.ec2.internal")
    } else {
        format!("ip-{a}-{b}-{c}-{d}.{region}.compute.internal")
    }
}

/// `ec2-18-0-0-1.compute-1.amazonaws.com` in us-east-1, `ec2-….<region>.compute.amazonaws.com` elsewhere.
pub fn public_dns_name(region: &str, ip: Ipv4Addr) -> String {
    let [a, b, c, d] = ip.octets();
    if region == "us-east-1" {
        format!("ec2-{a}-{b}-{c}-{d}.compute-1.amazonaws.com")
    } else {
        format!("ec2-{a}-{b}-{c}-{d}.{region}.compute.amazonaws.com")
    }
}

/// Whether the interface's VPC gives public DNS names (`enableDnsHostnames`).
pub fn has_public_dns(w: &World, e: &NetworkInterface) -> bool {
    w.vpcs
        .get(&e.vpc_id)
        .is_some_and(|v| v.enable_dns_hostnames)
}

/// The interfaces attached to an instance, by device index.
pub fn interfaces_of<'w>(w: &'w World, instance_id: &str) -> Vec<&'w NetworkInterface> {
    let mut out: Vec<&NetworkInterface> = w
        .network_interfaces
        .values()
        .filter(|e| e.instance_id() == Some(instance_id))
        .collect();
    out.sort_by_key(|e| e.attachment.as_ref().map_or(0, |a| a.device_index));
    out
}

/// The instance's primary interface, while it has one.
pub fn primary_interface<'w>(w: &'w World, i: &Instance) -> Option<&'w NetworkInterface> {
    w.network_interfaces
        .get(&i.network_interface_id)
        .filter(|e| e.instance_id() == Some(i.id.as_str()))
}

/// Applies an interface or instance command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::CreateInterface {
            spec,
            interface_type,
            client_token: _,
            tags,
        } => create_interface(w, ctx, &spec, interface_type.as_deref(), &tags),
        Cmd::DeleteInterface {
            network_interface_id,
        } => delete_interface(w, ctx, &network_interface_id),
        Cmd::ModifyInterface {
            network_interface_id,
            change,
        } => modify_interface(w, ctx, &network_interface_id, change),
        Cmd::AssignPrivateIps {
            network_interface_id,
            addresses,
            count,
            allow_reassignment,
        } => assign(
            w,
            ctx,
            &network_interface_id,
            &addresses,
            count,
            allow_reassignment,
        ),
        Cmd::UnassignPrivateIps {
            network_interface_id,
            addresses,
        } => unassign(w, ctx, &network_interface_id, &addresses),
        Cmd::Attach {
            network_interface_id,
            instance_id,
            device_index,
        } => attach(w, ctx, &network_interface_id, &instance_id, device_index),
        Cmd::Detach { attachment_id } => detach(w, ctx, &attachment_id),
        Cmd::RunInstances(launch) => run_instances(w, ctx, *launch),
        Cmd::TerminateInstances { instance_ids } => terminate(w, ctx, &instance_ids),
        Cmd::StopInstances { instance_ids } => stop(w, ctx, &instance_ids),
        Cmd::StartInstances { instance_ids } => start(w, ctx, &instance_ids),
        Cmd::ModifyInstance {
            instance_id,
            change,
        } => modify_instance(w, ctx, &instance_id, change),
    }
}

// ---------------------------------------------------------------------------------------
// Planning: every check of a new interface, before anything is allocated.

/// A validated new interface: where it goes and what it holds.
#[derive(Debug, Clone)]
struct Plan {
    subnet_id: String,
    vpc_id: String,
    availability_zone: String,
    groups: Vec<String>,
    primary: Option<Ipv4Addr>,
    secondaries: Vec<Ipv4Addr>,
    secondary_count: usize,
    ipv6: Vec<Ipv6Addr>,
    ipv6_count: usize,
    description: String,
}

impl Plan {
    /// IPv4 addresses the interface takes from its subnet.
    fn v4_needed(&self) -> usize {
        1 + self.secondaries.len() + self.secondary_count
    }

    /// Whether it names any address explicitly.
    fn has_explicit_addresses(&self) -> bool {
        self.primary.is_some() || !self.secondaries.is_empty() || !self.ipv6.is_empty()
    }
}

fn count_param(value: Option<i64>, name: &str) -> Result<usize> {
    match value {
        None => Ok(0),
        Some(n) if n < 0 => Err(ApiError::invalid_value(format!(
            "Value ({n}) for parameter {name} is invalid. Expected a non-negative integer."
        ))),
        Some(n) => Ok(usize::try_from(n).unwrap_or(usize::MAX)),
    }
}

/// The primary and secondary addresses a spec names explicitly.
fn split_addresses(spec: &InterfaceSpec) -> Result<(Option<Ipv4Addr>, Vec<Ipv4Addr>)> {
    let flagged: Vec<Ipv4Addr> = spec
        .private_ips
        .iter()
        .filter(|p| p.primary)
        .map(|p| p.address)
        .collect();
    if flagged.len() > 1 {
        return Err(ApiError::invalid_value(
            "Only one private IP address can be designated as primary.",
        ));
    }
    let primary = match (spec.private_ip, flagged.first()) {
        (Some(a), Some(b)) if a != *b => {
            return Err(ApiError::invalid_combination(format!(
                "The primary private IP address {a} conflicts with the address {b} designated as primary in privateIpAddresses."
            )))
        }
        (Some(a), _) => Some(a),
        (None, Some(b)) => Some(*b),
        // [I] Without a designated primary, the first listed address is the primary.
        (None, None) => spec.private_ips.first().map(|p| p.address),
    };
    let mut seen = BTreeSet::new();
    let mut secondaries = Vec::new();
    let mut primary_listed = false;
    for p in &spec.private_ips {
        if Some(p.address) == primary && !primary_listed {
            primary_listed = true;
            continue;
        }
        if Some(p.address) == primary || !seen.insert(p.address) {
            return Err(duplicate(p.address));
        }
        secondaries.push(p.address);
    }
    Ok((primary, secondaries))
}

fn duplicate(addr: impl std::fmt::Display) -> ApiError {
    ApiError::invalid_value(format!("The address {addr} is specified more than once."))
}

/// Checks that `addr` is a usable, free address of `s` (the checks of `allocate_ip`).
fn probe_v4(s: &Subnet, addr: Ipv4Addr) -> Result<()> {
    let size = cidr::size_v4(&s.cidr);
    match cidr::offset_v4(&s.cidr, addr) {
        Some(off) if off >= 4 && u64::from(off) < size - 1 => {
            if s.used.contains(&off) {
                Err(ApiError::new(
                    ErrorCode::InvalidIPAddressInUse,
                    format!("Address {addr} is in use."),
                ))
            } else {
                Ok(())
            }
        }
        _ => Err(ApiError::invalid_parameter(format!(
            "Address {addr} does not fall within the subnet's address range"
        ))),
    }
}

/// IPv6 addresses held by interfaces of a subnet.
fn ipv6_in_use(w: &World, subnet_id: &str) -> BTreeSet<Ipv6Addr> {
    w.network_interfaces
        .values()
        .filter(|e| e.subnet_id == subnet_id)
        .flat_map(|e| e.ipv6_addresses.iter().copied())
        .collect()
}

fn probe_v6(s: &Subnet, used: &BTreeSet<Ipv6Addr>, addr: Ipv6Addr) -> Result<()> {
    let usable = s.ipv6_cidrs.iter().any(|c| {
        let net = u128::from(c.cidr.network());
        let last = u128::from(c.cidr.broadcast());
        let a = u128::from(addr);
        c.cidr.contains(&addr) && a >= net + 4 && a < last
    });
    if !usable {
        return Err(ApiError::invalid_parameter(format!(
            "Address {addr} does not fall within the subnet's IPv6 address range"
        )));
    }
    if used.contains(&addr) {
        return Err(ApiError::new(
            ErrorCode::InvalidIPAddressInUse,
            format!("Address {addr} is in use."),
        ));
    }
    Ok(())
}

/// Resolves and checks security group ids for an interface of `vpc_id`; empty → the
/// VPC's default group.
fn check_groups(
    w: &World,
    scope: &Scope,
    ids: &[String],
    vpc_id: &str,
    subnet_id: &str,
) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        let g = w
            .security_groups
            .get_in(scope, id)
            .ok_or_else(|| Kind::SecurityGroup.not_found(id))?;
        if g.vpc_id != vpc_id {
            return Err(ApiError::invalid_parameter(format!(
                "Security group {id} and subnet {subnet_id} belong to different networks."
            )));
        }
        if !out.contains(id) {
            out.push(id.clone());
        }
    }
    if out.len() > MAX_GROUPS {
        return Err(ApiError::new(ErrorCode::SecurityGroupsPerInterfaceLimitExceeded,
            format!("The maximum number of security groups per interface ({MAX_GROUPS}) has been reached."),
        ));
    }
    if out.is_empty() {
        let vpc = w
            .vpcs
            .get(vpc_id)
            .ok_or_else(|| Kind::Vpc.not_found(vpc_id))?;
        out.push(vpc.default_security_group_id.clone());
    }
    Ok(out)
}

/// Validates a new interface in `subnet_id` without allocating anything.
fn plan(w: &World, scope: &Scope, spec: &InterfaceSpec, subnet_id: &str) -> Result<Plan> {
    let s = subnet::get(w, scope, subnet_id)?;
    let (primary, secondaries) = split_addresses(spec)?;
    let secondary_count = count_param(spec.secondary_count, "secondaryPrivateIpAddressCount")?;
    if secondary_count > 0 && !secondaries.is_empty() {
        return Err(ApiError::invalid_combination(
            "Specify either secondary private IP addresses or secondaryPrivateIpAddressCount, not both.",
        ));
    }
    if 1 + secondaries.len() + secondary_count.min(MAX_PRIVATE_IPS) > MAX_PRIVATE_IPS {
        return Err(private_ip_limit());
    }
    for addr in primary.iter().chain(&secondaries) {
        probe_v4(s, *addr)?;
    }
    let mut ipv6_count = count_param(spec.ipv6_count, "ipv6AddressCount")?;
    if ipv6_count > 0 && !spec.ipv6_addresses.is_empty() {
        return Err(ApiError::invalid_combination(
            "Specify either ipv6Addresses or ipv6AddressCount, not both.",
        ));
    }
    if spec.ipv6_count.is_none()
        && spec.ipv6_addresses.is_empty()
        && s.assign_ipv6_on_creation
        && !s.ipv6_cidrs.is_empty()
    {
        ipv6_count = 1;
    }
    if (ipv6_count > 0 || !spec.ipv6_addresses.is_empty()) && s.ipv6_cidrs.is_empty() {
        return Err(ApiError::invalid_value(format!(
            "The subnet '{subnet_id}' has no IPv6 CIDR block; IPv6 addresses cannot be assigned."
        )));
    }
    if ipv6_count.max(spec.ipv6_addresses.len()) > MAX_IPV6_ADDRESSES {
        return Err(ApiError::invalid_value(format!(
            "An interface may hold at most {MAX_IPV6_ADDRESSES} IPv6 addresses."
        )));
    }
    let used6 = ipv6_in_use(w, subnet_id);
    let mut seen6 = BTreeSet::new();
    for addr in &spec.ipv6_addresses {
        if !seen6.insert(*addr) {
            return Err(duplicate(addr));
        }
        probe_v6(s, &used6, *addr)?;
    }
    let groups = check_groups(w, scope, &spec.groups, &s.vpc_id, subnet_id)?;
    Ok(Plan {
        subnet_id: subnet_id.to_string(),
        vpc_id: s.vpc_id.clone(),
        availability_zone: s.availability_zone.clone(),
        groups,
        primary,
        secondaries,
        secondary_count,
        ipv6: spec.ipv6_addresses.clone(),
        ipv6_count,
        description: spec.description.clone().unwrap_or_default(),
    })
}

fn private_ip_limit() -> ApiError {
    ApiError::new(
        ErrorCode::PrivateIpAddressLimitExceeded,
        format!("An interface may hold at most {MAX_PRIVATE_IPS} private IPv4 addresses."),
    )
}

fn random_ipv6(w: &mut World, subnet_id: &str, used: &BTreeSet<Ipv6Addr>) -> Option<Ipv6Addr> {
    let block = w.subnets.get(subnet_id)?.ipv6_cidrs.first()?.cidr;
    let host_bits = 128 - u32::from(block.prefix_len());
    let mask = if host_bits >= 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    };
    loop {
        let r = (u128::from(w.ids.next_u64()) << 64 | u128::from(w.ids.next_u64())) & mask;
        if r >= 4 && r < mask && !used.contains(&cidr::nth_v6(&block, r)) {
            return Some(cidr::nth_v6(&block, r));
        }
    }
}

/// Allocates a planned interface's addresses and inserts it (unattached).
fn materialise(w: &mut World, scope: &Scope, now: Millis, plan: &Plan) -> Result<String> {
    let id = w.ids.id(Kind::NetworkInterface);
    let mac_address = w.ids.mac(0x0e);
    // Explicit addresses first, so automatic ones never take an address named later.
    let mut explicit = Vec::new();
    if let Some(p) = plan.primary {
        explicit.push(subnet::allocate_ip(w, &plan.subnet_id, Some(p))?);
    }
    for a in &plan.secondaries {
        explicit.push(subnet::allocate_ip(w, &plan.subnet_id, Some(*a))?);
    }
    let mut private_ips = Vec::new();
    if plan.primary.is_none() {
        private_ips.push(subnet::allocate_ip(w, &plan.subnet_id, None)?);
    }
    private_ips.extend(explicit);
    for _ in 0..plan.secondary_count {
        private_ips.push(subnet::allocate_ip(w, &plan.subnet_id, None)?);
    }
    let mut ipv6_addresses = plan.ipv6.clone();
    let mut used6 = if plan.ipv6_count > 0 {
        ipv6_in_use(w, &plan.subnet_id)
    } else {
        BTreeSet::new()
    };
    used6.extend(ipv6_addresses.iter().copied());
    for _ in 0..plan.ipv6_count {
        if let Some(a) = random_ipv6(w, &plan.subnet_id, &used6) {
            used6.insert(a);
            ipv6_addresses.push(a);
        }
    }
    w.network_interfaces.insert(NetworkInterface {
        id: id.clone(),
        scope: scope.clone(),
        vpc_id: plan.vpc_id.clone(),
        subnet_id: plan.subnet_id.clone(),
        availability_zone: plan.availability_zone.clone(),
        private_ips,
        ipv6_addresses,
        groups: plan.groups.clone(),
        source_dest_check: true,
        interface_type: "interface".into(),
        requester_managed: false,
        requester_id: None,
        description: plan.description.clone(),
        mac_address,
        attachment: None,
        public_ip: None,
        public_ip_allocation_id: None,
        created: now,
    });
    Ok(id)
}

/// Clears Elastic IP associations of an interface (all, or those of one private address).
fn drop_eip_associations(w: &mut World, eni_id: &str, private_ip: Option<Ipv4Addr>) {
    for a in w.addresses.values_mut() {
        if a.association.as_ref().is_some_and(|x| {
            x.network_interface_id == eni_id && private_ip.is_none_or(|p| p == x.private_ip)
        }) {
            a.association = None;
        }
    }
}

/// Removes an interface: releases its addresses, its Elastic IP associations, its tags.
pub fn destroy_interface(w: &mut World, id: &str) {
    let Some(e) = w.network_interfaces.remove(id) else {
        return;
    };
    for ip in &e.private_ips {
        subnet::release_ip(w, &e.subnet_id, *ip);
    }
    drop_eip_associations(w, id, None);
    tags::forget(w, id);
}

/// A service-managed interface (NAT gateway, endpoint, load balancer) to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedInterface {
    pub subnet_id: String,
    /// `nat_gateway`, `vpc_endpoint`, `network_load_balancer`, …
    pub interface_type: String,
    pub description: String,
    /// The service principal shown as `requesterId`.
    pub requester_id: String,
    /// Security group ids; empty → the VPC's default group.
    pub groups: Vec<String>,
    pub private_ip: Option<Ipv4Addr>,
    /// Shown as attached to this owner (e.g. `amazon-aws`), without an instance.
    pub attached_to: Option<String>,
}

/// Creates a requester-managed interface for a service of `scope`. On error nothing changed.
pub fn create_managed(
    w: &mut World,
    scope: &Scope,
    now: Millis,
    m: &ManagedInterface,
) -> Result<String> {
    let spec = InterfaceSpec {
        subnet_id: Some(m.subnet_id.clone()),
        description: Some(m.description.clone()),
        private_ip: m.private_ip,
        groups: m.groups.clone(),
        ipv6_count: Some(0),
        ..InterfaceSpec::default()
    };
    let p = plan(w, scope, &spec, &m.subnet_id)?;
    let s = subnet::get(w, scope, &m.subnet_id)?;
    if s.available_ip_count() < 1 {
        return Err(not_enough_addresses(&m.subnet_id, "addresses"));
    }
    let id = materialise(w, scope, now, &p)?;
    let attachment = m.attached_to.as_ref().map(|owner| Attachment {
        id: w.ids.id(Kind::InterfaceAttachment),
        instance_id: None,
        instance_owner_id: owner.clone(),
        device_index: 1,
        delete_on_termination: false,
        attach_time: now,
    });
    let e = w.network_interfaces.get_mut(&id).expect("just inserted");
    e.interface_type = m.interface_type.clone();
    e.requester_managed = true;
    e.requester_id = Some(m.requester_id.clone());
    e.attachment = attachment;
    Ok(id)
}

// ---------------------------------------------------------------------------------------
// Interfaces.

fn create_interface(
    w: &mut World,
    ctx: &Ctx,
    spec: &InterfaceSpec,
    interface_type: Option<&str>,
    specs: &[TagSpec],
) -> Result<Output> {
    let scope = ctx.scope();
    let subnet_id = spec
        .subnet_id
        .clone()
        .ok_or_else(|| ApiError::missing("SubnetId"))?;
    if let Some(t) = interface_type {
        if t != "interface" {
            return Err(ApiError::invalid_value(format!(
                "Value ({t}) for parameter interfaceType is invalid. Only 'interface' network interfaces can be created."
            )));
        }
    }
    let p = plan(w, &scope, spec, &subnet_id)?;
    tags::check_specs(specs, "network-interface")?;
    let s = subnet::get(w, &scope, &subnet_id)?;
    if p.v4_needed() as u64 > s.available_ip_count() {
        return Err(not_enough_addresses(&subnet_id, "addresses"));
    }
    let id = materialise(w, &scope, ctx.now, &p)?;
    tags::apply_specs(w, &scope, &id, specs);
    Ok(Output::Id(id))
}

fn delete_interface(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    let e = get(w, &ctx.scope(), id)?;
    if e.requester_managed {
        return Err(managed(id));
    }
    if e.attachment.is_some() {
        return Err(ApiError::new(
            ErrorCode::InvalidNetworkInterfaceInUse,
            format!("The network interface '{id}' is currently in use."),
        ));
    }
    destroy_interface(w, id);
    Ok(Output::Done)
}

fn modify_interface(w: &mut World, ctx: &Ctx, id: &str, change: InterfaceChange) -> Result<Output> {
    let scope = ctx.scope();
    let e = get(w, &scope, id)?;
    if e.requester_managed {
        return Err(managed(id));
    }
    let change = match change {
        InterfaceChange::Groups(ids) => {
            InterfaceChange::Groups(check_groups(w, &scope, &ids, &e.vpc_id, &e.subnet_id)?)
        }
        InterfaceChange::DeleteOnTermination {
            attachment_id,
            value,
        } => {
            if e.attachment.as_ref().map(|a| a.id.as_str()) != Some(attachment_id.as_str()) {
                return Err(attachment_not_found(&attachment_id));
            }
            InterfaceChange::DeleteOnTermination {
                attachment_id,
                value,
            }
        }
        other => other,
    };
    let e = w.network_interfaces.get_mut(id).expect("checked");
    match change {
        InterfaceChange::SourceDestCheck(v) => e.source_dest_check = v,
        InterfaceChange::Description(d) => e.description = d,
        InterfaceChange::Groups(g) => e.groups = g,
        InterfaceChange::DeleteOnTermination { value, .. } => {
            if let Some(a) = e.attachment.as_mut() {
                a.delete_on_termination = value;
            }
        }
    }
    Ok(Output::Done)
}

fn assign(
    w: &mut World,
    ctx: &Ctx,
    id: &str,
    addresses: &[Ipv4Addr],
    count: Option<i64>,
    allow_reassignment: bool,
) -> Result<Output> {
    let scope = ctx.scope();
    let e = get(w, &scope, id)?;
    if e.requester_managed {
        return Err(managed(id));
    }
    let count = match (addresses.is_empty(), count) {
        (false, Some(_)) => {
            return Err(ApiError::invalid_combination(
                "Specify either privateIpAddress or secondaryPrivateIpAddressCount, not both.",
            ))
        }
        (true, None) => return Err(ApiError::missing("SecondaryPrivateIpAddressCount")),
        (_, Some(n)) if n < 1 => {
            return Err(ApiError::invalid_value(format!(
                "Value ({n}) for parameter secondaryPrivateIpAddressCount is invalid. Expected a positive integer."
            )))
        }
        (_, Some(n)) => usize::try_from(n).unwrap_or(usize::MAX),
        (false, None) => 0,
    };
    if e.private_ips.len() + addresses.len() + count.min(MAX_PRIVATE_IPS) > MAX_PRIVATE_IPS {
        return Err(private_ip_limit());
    }
    let s = subnet::get(w, &scope, &e.subnet_id)?;
    let mut seen = BTreeSet::new();
    // (address, interface it moves from)
    let mut moves: Vec<(Ipv4Addr, String)> = Vec::new();
    for addr in addresses {
        if !seen.insert(*addr) {
            return Err(duplicate(addr));
        }
        if e.private_ips.contains(addr) {
            return Err(ApiError::invalid_value(format!(
                "The address {addr} is already assigned to the network interface {id}."
            )));
        }
        match probe_v4(s, *addr) {
            Ok(()) => {}
            Err(err) if err.code == ErrorCode::InvalidIPAddressInUse => {
                let holder = w
                    .network_interfaces
                    .values()
                    .find(|o| o.subnet_id == e.subnet_id && o.private_ips.contains(addr));
                match holder {
                    Some(h)
                        if allow_reassignment
                            && h.primary_ip() != *addr
                            && !h.requester_managed
                            && h.scope == scope =>
                    {
                        moves.push((*addr, h.id.clone()));
                    }
                    _ => return Err(err),
                }
            }
            Err(err) => return Err(err),
        }
    }
    if count as u64 > s.available_ip_count() {
        return Err(not_enough_addresses(&e.subnet_id, "addresses"));
    }
    let subnet_id = e.subnet_id.clone();
    for (addr, from) in &moves {
        if let Some(h) = w.network_interfaces.get_mut(from) {
            h.private_ips.retain(|a| a != addr);
        }
        drop_eip_associations(w, from, Some(*addr));
        subnet::release_ip(w, &subnet_id, *addr);
    }
    let mut assigned = Vec::new();
    for addr in addresses {
        assigned.push(subnet::allocate_ip(w, &subnet_id, Some(*addr))?);
    }
    for _ in 0..count {
        assigned.push(subnet::allocate_ip(w, &subnet_id, None)?);
    }
    let e = w.network_interfaces.get_mut(id).expect("checked");
    e.private_ips.extend(assigned.iter().copied());
    Ok(Output::Ids(
        assigned.iter().map(|a| a.to_string()).collect(),
    ))
}

fn unassign(w: &mut World, ctx: &Ctx, id: &str, addresses: &[Ipv4Addr]) -> Result<Output> {
    let e = get(w, &ctx.scope(), id)?;
    if e.requester_managed {
        return Err(managed(id));
    }
    if addresses.is_empty() {
        return Err(ApiError::missing("PrivateIpAddress"));
    }
    for addr in addresses {
        if *addr == e.primary_ip() {
            return Err(ApiError::invalid_value(format!(
                "The primary private IP address {addr} of network interface {id} cannot be unassigned."
            )));
        }
        if !e.private_ips.contains(addr) {
            return Err(ApiError::invalid_value(format!(
                "Some of the specified addresses are not assigned to interface {id}"
            )));
        }
    }
    let subnet_id = e.subnet_id.clone();
    for addr in addresses {
        if let Some(e) = w.network_interfaces.get_mut(id) {
            e.private_ips.retain(|a| a != addr);
        }
        drop_eip_associations(w, id, Some(*addr));
        subnet::release_ip(w, &subnet_id, *addr);
    }
    Ok(Output::Done)
}

fn attach(
    w: &mut World,
    ctx: &Ctx,
    eni_id: &str,
    instance_id: &str,
    device_index: i64,
) -> Result<Output> {
    let scope = ctx.scope();
    let e = get(w, &scope, eni_id)?;
    let i = get_instance(w, &scope, instance_id)?;
    if e.requester_managed {
        return Err(managed(eni_id));
    }
    if e.attachment.is_some() {
        return Err(ApiError::new(
            ErrorCode::InvalidNetworkInterfaceInUse,
            format!("Interface: [{eni_id}] in use."),
        ));
    }
    if i.state == InstanceState::Terminated {
        return Err(incorrect_state(instance_id));
    }
    if !(0..=MAX_DEVICE_INDEX).contains(&device_index) {
        return Err(ApiError::invalid_value(format!(
            "Value ({device_index}) for parameter deviceIndex is invalid. Expected a value between 0 and {MAX_DEVICE_INDEX}."
        )));
    }
    let index = device_index as u32;
    if interfaces_of(w, instance_id).iter().any(|o| {
        o.attachment
            .as_ref()
            .is_some_and(|a| a.device_index == index)
    }) {
        return Err(ApiError::invalid_value(format!(
            "Instance '{instance_id}' already has an interface attached at device index '{index}'."
        )));
    }
    if e.availability_zone != i.availability_zone(w) {
        return Err(ApiError::invalid_combination(
            "You may not attach a network interface to an instance if they are not in the same availability zone",
        ));
    }
    let attachment_id = w.ids.id(Kind::InterfaceAttachment);
    let e = w.network_interfaces.get_mut(eni_id).expect("checked");
    e.attachment = Some(Attachment {
        id: attachment_id.clone(),
        instance_id: Some(instance_id.to_string()),
        instance_owner_id: scope.account.clone(),
        device_index: index,
        delete_on_termination: false,
        attach_time: ctx.now,
    });
    Ok(Output::Id(attachment_id))
}

fn detach(w: &mut World, ctx: &Ctx, attachment_id: &str) -> Result<Output> {
    let scope = ctx.scope();
    let e = w
        .network_interfaces
        .in_scope(&scope)
        .find(|e| e.attachment.as_ref().is_some_and(|a| a.id == attachment_id))
        .ok_or_else(|| attachment_not_found(attachment_id))?;
    let a = e.attachment.as_ref().expect("found by attachment");
    if e.requester_managed || a.instance_id.is_none() {
        return Err(managed(&e.id));
    }
    if a.device_index == 0 {
        return Err(ApiError::not_permitted(
            "The network interface at device index 0 cannot be detached.",
        ));
    }
    let id = e.id.clone();
    w.network_interfaces.get_mut(&id).expect("found").attachment = None;
    Ok(Output::Done)
}

// ---------------------------------------------------------------------------------------
// Instances.

/// Accepts instance types shaped like `family.size` (`t3.micro`, `m5.large`, `u-6tb1.metal`).
fn check_instance_type(t: &str) -> Result<()> {
    let ok = t.split_once('.').is_some_and(|(family, size)| {
        let part = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        part(family) && part(size)
    });
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid_value(format!(
            "Invalid value '{t}' for InstanceType."
        )))
    }
}

/// The default subnet RunInstances uses without a subnet: the default VPC's default
/// subnet in `az`, or ([I]) the first by AZ name.
fn default_subnet(w: &World, ctx: &Ctx, az: Option<&str>) -> Result<String> {
    let scope = ctx.scope();
    let vpc = w
        .vpcs
        .in_scope(&scope)
        .find(|v| v.is_default)
        .ok_or_else(|| {
            ApiError::new(ErrorCode::VPCIdNotSpecified,
                "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.",
            )
        })?;
    let mut subnets: Vec<&Subnet> = w
        .subnets
        .in_scope(&scope)
        .filter(|s| s.vpc_id == vpc.id && s.default_for_az)
        .collect();
    subnets.sort_by(|a, b| a.availability_zone.cmp(&b.availability_zone));
    let found = match az {
        Some(az) => subnets.iter().find(|s| s.availability_zone == az),
        None => subnets.first(),
    };
    found.map(|s| s.id.clone()).ok_or_else(|| match az {
        Some(az) => ApiError::new(
            ErrorCode::MissingInput,
            format!("No default subnet for availability zone: '{az}'."),
        ),
        None => ApiError::new(
            ErrorCode::MissingInput,
            format!(
                "No subnets found for the default VPC '{}'. Please specify a subnet.",
                vpc.id
            ),
        ),
    })
}

/// What goes at one device index of every launched instance.
#[derive(Debug, Clone)]
enum Source {
    New(Box<Plan>),
    Existing(String),
}

#[derive(Debug, Clone)]
struct Slot {
    device_index: u32,
    source: Source,
    public_ip: bool,
    delete_on_termination: bool,
}

fn run_instances(w: &mut World, ctx: &Ctx, l: Launch) -> Result<Output> {
    let scope = ctx.scope();
    let image_ok = l
        .image_id
        .strip_prefix("ami-")
        .is_some_and(|rest| !rest.is_empty());
    if !image_ok {
        return Err(ApiError::new(
            ErrorCode::InvalidAMIIDMalformed,
            format!("Invalid id: \"{}\" (expecting \"ami-...\")", l.image_id),
        ));
    }
    let instance_type = l
        .instance_type
        .clone()
        .unwrap_or_else(|| DEFAULT_INSTANCE_TYPE.to_string());
    check_instance_type(&instance_type)?;
    for (name, v) in [("minCount", l.min_count), ("maxCount", l.max_count)] {
        if v < 1 {
            return Err(ApiError::invalid_value(format!(
                "Value ({v}) for parameter {name} is invalid. Expected a positive integer."
            )));
        }
    }
    if l.min_count > MAX_LAUNCH {
        return Err(ApiError::new(ErrorCode::InstanceLimitExceeded,
            format!(
                "You have requested more instances ({}) than your current instance limit of {MAX_LAUNCH} allows for the specified instance type.",
                l.min_count
            ),
        ));
    }
    if l.min_count > l.max_count {
        return Err(ApiError::invalid_value(format!(
            "Value ({}) for parameter minCount is invalid. MinCount must be less than or equal to MaxCount ({}).",
            l.min_count, l.max_count
        )));
    }
    let mut instance_tags = Vec::new();
    let mut eni_tags = Vec::new();
    for spec in &l.tags {
        match spec.resource_type.as_str() {
            "instance" => instance_tags.push(spec.clone()),
            "network-interface" => eni_tags.push(spec.clone()),
            // [I] Volumes are not modelled; their tags are accepted and dropped.
            "volume" => tags::check_specs(std::slice::from_ref(spec), "volume")?,
            _ => tags::check_specs(std::slice::from_ref(spec), "instance")?,
        }
    }
    tags::check_specs(&instance_tags, "instance")?;
    tags::check_specs(&eni_tags, "network-interface")?;
    let zones = w.config.zone_names(&ctx.account, &ctx.region);
    if let Some(az) = &l.availability_zone {
        if !zones.contains(az) {
            return Err(ApiError::invalid_value(format!(
                "Invalid availability zone: [{az}]"
            )));
        }
    }

    // The interfaces each instance gets, device 0 first.
    let top_level = l.subnet_id.is_some()
        || !l.security_group_ids.is_empty()
        || !l.security_group_names.is_empty()
        || l.private_ip.is_some()
        || !l.ipv6_addresses.is_empty()
        || l.ipv6_count.is_some();
    let requested: Vec<LaunchInterface> = if l.network_interfaces.is_empty() {
        vec![LaunchInterface {
            device_index: Some(0),
            network_interface_id: None,
            associate_public_ip: None,
            delete_on_termination: Some(true),
            spec: InterfaceSpec {
                subnet_id: l.subnet_id.clone(),
                private_ip: l.private_ip,
                ipv6_addresses: l.ipv6_addresses.clone(),
                ipv6_count: l.ipv6_count,
                groups: l.security_group_ids.clone(),
                ..InterfaceSpec::default()
            },
        }]
    } else {
        if top_level {
            return Err(ApiError::invalid_combination(
                "Network interfaces and an instance-level subnet ID, security groups or private IP address may not be specified on the same request",
            ));
        }
        l.network_interfaces.clone()
    };
    let mut indexes = BTreeSet::new();
    for ni in &requested {
        let idx = ni
            .device_index
            .ok_or_else(|| ApiError::missing("NetworkInterface.DeviceIndex"))?;
        if !(0..=MAX_DEVICE_INDEX).contains(&idx) {
            return Err(ApiError::invalid_value(format!(
                "Value ({idx}) for parameter deviceIndex is invalid. Expected a value between 0 and {MAX_DEVICE_INDEX}."
            )));
        }
        if !indexes.insert(idx) {
            return Err(ApiError::invalid_value(format!(
                "Each network interface requires a unique device index; {idx} is used more than once."
            )));
        }
        if ni.associate_public_ip.is_some() {
            if requested.len() > 1 {
                return Err(ApiError::invalid_combination(
                    "The associatePublicIPAddress parameter cannot be specified when launching with multiple network interfaces.",
                ));
            }
            if ni.network_interface_id.is_some() && ni.associate_public_ip == Some(true) {
                return Err(ApiError::invalid_combination(
                    "The associatePublicIPAddress parameter can only be specified for a new network interface.",
                ));
            }
        }
    }
    if !indexes.contains(&0) {
        return Err(ApiError::invalid_value(
            "When specifying network interfaces, one must be at device index 0.",
        ));
    }

    let mut default: Option<String> = None;
    let mut slots: Vec<Slot> = Vec::new();
    let mut explicit_v4 = BTreeSet::new();
    for ni in &requested {
        let device_index = ni.device_index.unwrap_or(0) as u32;
        if let Some(eni_id) = &ni.network_interface_id {
            let s = &ni.spec;
            if s.subnet_id.is_some()
                || s.private_ip.is_some()
                || !s.private_ips.is_empty()
                || s.secondary_count.is_some()
                || !s.ipv6_addresses.is_empty()
                || s.ipv6_count.is_some()
                || !s.groups.is_empty()
            {
                return Err(ApiError::invalid_combination(
                    "A network interface ID cannot be combined with subnet, address or security group parameters for the same network interface.",
                ));
            }
            let e = get(w, &scope, eni_id)?;
            if e.requester_managed {
                return Err(managed(eni_id));
            }
            if e.attachment.is_some() {
                return Err(ApiError::new(
                    ErrorCode::InvalidNetworkInterfaceInUse,
                    format!("Interface: [{eni_id}] in use."),
                ));
            }
            if l.max_count > 1 {
                return Err(ApiError::invalid_combination(
                    "An existing network interface can only be used when launching a single instance.",
                ));
            }
            if slots
                .iter()
                .any(|s| matches!(&s.source, Source::Existing(other) if other == eni_id))
            {
                return Err(ApiError::invalid_value(format!(
                    "The network interface {eni_id} is specified more than once."
                )));
            }
            slots.push(Slot {
                device_index,
                source: Source::Existing(eni_id.clone()),
                public_ip: false,
                delete_on_termination: ni.delete_on_termination.unwrap_or(false),
            });
            continue;
        }
        let subnet_id = match &ni.spec.subnet_id {
            Some(s) => s.clone(),
            None => match &default {
                Some(d) => d.clone(),
                None => {
                    let d = default_subnet(w, ctx, l.availability_zone.as_deref())?;
                    default = Some(d.clone());
                    d
                }
            },
        };
        let mut spec = ni.spec.clone();
        if device_index == 0 && !l.security_group_names.is_empty() {
            let s = subnet::get(w, &scope, &subnet_id)?;
            let vpc_is_default = w.vpcs.get(&s.vpc_id).is_some_and(|v| v.is_default);
            if !vpc_is_default {
                return Err(ApiError::invalid_combination(
                    "The parameter groupName cannot be used with the parameter subnet",
                ));
            }
            for name in &l.security_group_names {
                let g = w
                    .security_groups
                    .in_scope(&scope)
                    .find(|g| g.vpc_id == s.vpc_id && &g.name == name)
                    .ok_or_else(|| {
                        ApiError::new(
                            ErrorCode::InvalidGroupNotFound,
                            format!(
                                "The security group '{name}' does not exist in default VPC '{}'",
                                s.vpc_id
                            ),
                        )
                    })?;
                spec.groups.push(g.id.clone());
            }
        }
        let p = plan(w, &scope, &spec, &subnet_id)?;
        if p.has_explicit_addresses() && l.max_count > 1 {
            return Err(ApiError::invalid_combination(
                "Private IP addresses cannot be specified when launching more than one instance.",
            ));
        }
        for a in p.primary.iter().chain(&p.secondaries) {
            if !explicit_v4.insert(*a) {
                return Err(duplicate(a));
            }
        }
        let map_public = subnet::get(w, &scope, &subnet_id)?.map_public_ip_on_launch;
        slots.push(Slot {
            device_index,
            public_ip: device_index == 0 && ni.associate_public_ip.unwrap_or(map_public),
            delete_on_termination: ni.delete_on_termination.unwrap_or(true),
            source: Source::New(Box::new(p)),
        });
    }
    slots.sort_by_key(|s| s.device_index);

    // Every interface of an instance sits in the instance's AZ.
    let az_of = |s: &Slot| -> String {
        match &s.source {
            Source::New(p) => p.availability_zone.clone(),
            Source::Existing(id) => w
                .network_interfaces
                .get(id)
                .map(|e| e.availability_zone.clone())
                .unwrap_or_default(),
        }
    };
    let az = az_of(&slots[0]);
    if slots.iter().any(|s| az_of(s) != az) {
        return Err(ApiError::invalid_combination(
            "All network interfaces of an instance must be in the same availability zone.",
        ));
    }
    if let Some(want) = &l.availability_zone {
        if *want != az {
            return Err(ApiError::invalid_combination(format!(
                "The specified Availability Zone ({want}) does not match the subnet's Availability Zone ({az})."
            )));
        }
    }

    // How many instances the subnets' free addresses allow.
    let mut need: Vec<(String, usize)> = Vec::new();
    for s in &slots {
        if let Source::New(p) = &s.source {
            match need.iter_mut().find(|(id, _)| *id == p.subnet_id) {
                Some((_, n)) => *n += p.v4_needed(),
                None => need.push((p.subnet_id.clone(), p.v4_needed())),
            }
        }
    }
    let mut count = l.max_count.min(MAX_LAUNCH) as u64;
    for (subnet_id, per_instance) in &need {
        let free = subnet::get(w, &scope, subnet_id)?.available_ip_count();
        let fits = free / *per_instance as u64;
        if fits < l.min_count as u64 {
            return Err(not_enough_addresses(subnet_id, "instances"));
        }
        count = count.min(fits);
    }

    let primary_slot = &slots[0];
    let (vpc_id, subnet_id) = match &primary_slot.source {
        Source::New(p) => (p.vpc_id.clone(), p.subnet_id.clone()),
        Source::Existing(id) => {
            let e = get(w, &scope, id)?;
            (e.vpc_id.clone(), e.subnet_id.clone())
        }
    };
    let tenancy = w
        .vpcs
        .get(&vpc_id)
        .map_or_else(|| "default".to_string(), |v| v.instance_tenancy.clone());

    // Everything is checked: launch.
    let reservation_id = w.ids.id(Kind::Reservation);
    let mut out = vec![reservation_id.clone()];
    for n in 0..count {
        let instance_id = w.ids.id(Kind::Instance);
        let mut primary = String::new();
        let mut auto_public_ip = false;
        // Interfaces naming addresses are built first, so automatic picks avoid them.
        let mut created: Vec<Option<String>> = vec![None; slots.len()];
        for explicit_pass in [true, false] {
            for (k, slot) in slots.iter().enumerate() {
                if let Source::New(p) = &slot.source {
                    if p.has_explicit_addresses() == explicit_pass {
                        let id = materialise(w, &scope, ctx.now, p)?;
                        tags::apply_specs(w, &scope, &id, &eni_tags);
                        created[k] = Some(id);
                    }
                }
            }
        }
        for (slot, made) in slots.iter().zip(created) {
            let eni_id = match &slot.source {
                Source::New(_) => made.expect("built above"),
                Source::Existing(id) => id.clone(),
            };
            let attachment_id = w.ids.id(Kind::InterfaceAttachment);
            let public_ip = slot.public_ip.then(|| w.counters.next_public_ip());
            let e = w
                .network_interfaces
                .get_mut(&eni_id)
                .expect("created or checked");
            e.attachment = Some(Attachment {
                id: attachment_id,
                instance_id: Some(instance_id.clone()),
                instance_owner_id: scope.account.clone(),
                device_index: slot.device_index,
                delete_on_termination: slot.delete_on_termination,
                attach_time: ctx.now,
            });
            if let Some(ip) = public_ip {
                e.public_ip = Some(ip);
                e.public_ip_allocation_id = None;
                auto_public_ip = true;
            }
            if slot.device_index == 0 {
                primary = eni_id;
            }
        }
        w.instances.insert(Instance {
            id: instance_id.clone(),
            scope: scope.clone(),
            reservation_id: reservation_id.clone(),
            vpc_id: vpc_id.clone(),
            subnet_id: subnet_id.clone(),
            network_interface_id: primary,
            image_id: l.image_id.clone(),
            instance_type: instance_type.clone(),
            state: InstanceState::Running,
            launch_time: ctx.now,
            terminated: None,
            details: InstanceDetails {
                availability_zone: az.clone(),
                launch_index: n as u32,
                state_changed: ctx.now,
                key_name: l.key_name.clone(),
                user_data: l.user_data.clone(),
                client_token: l.client_token.clone(),
                tenancy: tenancy.clone(),
                disable_api_termination: l.disable_api_termination,
                disable_api_stop: l.disable_api_stop,
                auto_public_ip,
            },
        });
        tags::apply_specs(w, &scope, &instance_id, &instance_tags);
        out.push(instance_id);
    }
    Ok(Output::Ids(out))
}

/// The caller's instances named by `ids` (deduplicated, in order), or NotFound naming
/// every unknown id.
fn instances_named(w: &World, scope: &Scope, ids: &[String]) -> Result<Vec<String>> {
    if ids.is_empty() {
        return Err(ApiError::missing("InstanceId"));
    }
    let missing: Vec<&str> = ids
        .iter()
        .filter(|id| w.instances.get_in(scope, id).is_none())
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(instances_not_found(&missing));
    }
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        if !out.contains(id) {
            out.push(id.clone());
        }
    }
    Ok(out)
}

/// Detaches an instance's interfaces, deleting those marked delete-on-termination.
fn release_interfaces(w: &mut World, instance_id: &str) {
    let attached: Vec<(String, bool)> = interfaces_of(w, instance_id)
        .iter()
        .map(|e| {
            (
                e.id.clone(),
                e.attachment
                    .as_ref()
                    .is_some_and(|a| a.delete_on_termination),
            )
        })
        .collect();
    for (id, delete) in attached {
        if delete {
            destroy_interface(w, &id);
        } else if let Some(e) = w.network_interfaces.get_mut(&id) {
            e.attachment = None;
            if e.public_ip_allocation_id.is_none() {
                e.public_ip = None;
            }
        }
    }
}

fn terminate(w: &mut World, ctx: &Ctx, ids: &[String]) -> Result<Output> {
    let scope = ctx.scope();
    let ids = instances_named(w, &scope, ids)?;
    for id in &ids {
        let i = w.instances.get(id).expect("checked");
        if i.details.disable_api_termination && i.state != InstanceState::Terminated {
            return Err(ApiError::not_permitted(format!(
                "The instance '{id}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again."
            )));
        }
    }
    for id in &ids {
        if w.instances.get(id).expect("checked").state == InstanceState::Terminated {
            continue;
        }
        release_interfaces(w, id);
        let i = w.instances.get_mut(id).expect("checked");
        i.state = InstanceState::Terminated;
        i.terminated = Some(ctx.now);
        i.details.state_changed = ctx.now;
        w.schedule(ctx.now + TERMINATED_RETENTION, TimerKind::Instance, id);
    }
    Ok(Output::Done)
}

fn stop(w: &mut World, ctx: &Ctx, ids: &[String]) -> Result<Output> {
    let scope = ctx.scope();
    let ids = instances_named(w, &scope, ids)?;
    for id in &ids {
        let i = w.instances.get(id).expect("checked");
        if i.state == InstanceState::Terminated {
            return Err(ApiError::new(
                ErrorCode::IncorrectInstanceState,
                format!("This instance '{id}' is not in a state from which it can be stopped."),
            ));
        }
        if i.details.disable_api_stop && i.state == InstanceState::Running {
            return Err(ApiError::not_permitted(format!(
                "The instance '{id}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again."
            )));
        }
    }
    for id in &ids {
        let i = w.instances.get_mut(id).expect("checked");
        if i.state != InstanceState::Running {
            continue;
        }
        i.state = InstanceState::Stopped;
        i.details.state_changed = ctx.now;
        let eni = i.network_interface_id.clone();
        // An Amazon public IP is released on stop; an Elastic IP stays.
        if let Some(e) = w.network_interfaces.get_mut(&eni) {
            if e.public_ip_allocation_id.is_none() {
                e.public_ip = None;
            }
        }
    }
    Ok(Output::Done)
}

fn start(w: &mut World, ctx: &Ctx, ids: &[String]) -> Result<Output> {
    let scope = ctx.scope();
    let ids = instances_named(w, &scope, ids)?;
    for id in &ids {
        if w.instances.get(id).expect("checked").state == InstanceState::Terminated {
            return Err(ApiError::new(
                ErrorCode::IncorrectInstanceState,
                format!("The instance '{id}' is not in a state from which it can be started."),
            ));
        }
    }
    for id in &ids {
        let i = w.instances.get(id).expect("checked");
        if i.state != InstanceState::Stopped {
            continue;
        }
        let (eni, auto) = (i.network_interface_id.clone(), i.details.auto_public_ip);
        let needs_ip = auto
            && w.network_interfaces
                .get(&eni)
                .is_some_and(|e| e.public_ip.is_none());
        if needs_ip {
            let ip = w.counters.next_public_ip();
            if let Some(e) = w.network_interfaces.get_mut(&eni) {
                e.public_ip = Some(ip);
            }
        }
        let i = w.instances.get_mut(id).expect("checked");
        i.state = InstanceState::Running;
        i.details.state_changed = ctx.now;
    }
    Ok(Output::Done)
}

fn modify_instance(w: &mut World, ctx: &Ctx, id: &str, change: InstanceChange) -> Result<Output> {
    let scope = ctx.scope();
    let i = get_instance(w, &scope, id)?;
    if i.state == InstanceState::Terminated {
        return Err(incorrect_state(id));
    }
    let eni_id = i.network_interface_id.clone();
    match change {
        InstanceChange::SourceDestCheck(v) => {
            if let Some(e) = w.network_interfaces.get_mut(&eni_id) {
                e.source_dest_check = v;
            }
        }
        InstanceChange::Groups(ids) => {
            let e = w
                .network_interfaces
                .get(&eni_id)
                .ok_or_else(|| incorrect_state(id))?;
            let groups = check_groups(w, &scope, &ids, &e.vpc_id, &e.subnet_id)?;
            w.network_interfaces
                .get_mut(&eni_id)
                .expect("checked")
                .groups = groups;
        }
        InstanceChange::DisableApiTermination(v) => {
            w.instances
                .get_mut(id)
                .expect("checked")
                .details
                .disable_api_termination = v;
        }
        InstanceChange::DisableApiStop(v) => {
            w.instances
                .get_mut(id)
                .expect("checked")
                .details
                .disable_api_stop = v;
        }
        InstanceChange::InstanceType(t) => {
            check_instance_type(&t)?;
            if i.state != InstanceState::Stopped {
                return Err(ApiError::new(
                    ErrorCode::IncorrectInstanceState,
                    format!("The instance '{id}' is not in the 'stopped' state."),
                ));
            }
            w.instances.get_mut(id).expect("checked").instance_type = t;
        }
    }
    Ok(Output::Done)
}

/// Purges a terminated instance once its retention is over (as of `due`).
pub fn on_timer(w: &mut World, id: &str, due: Millis) {
    let expired = w.instances.get(id).is_some_and(|i| {
        i.state == InstanceState::Terminated
            && i.terminated
                .is_some_and(|t| t + TERMINATED_RETENTION <= due)
    });
    if expired {
        w.instances.remove(id);
        tags::forget(w, id);
    }
}

// ---------------------------------------------------------------------------------------
// Describe.

/// Filters DescribeNetworkInterfaces accepts.
pub const FILTERS: &[&str] = &[
    "addresses.association.owner-id",
    "addresses.association.public-ip",
    "addresses.primary",
    "addresses.private-ip-address",
    "association.allocation-id",
    "association.association-id",
    "association.ip-owner-id",
    "association.public-dns-name",
    "association.public-ip",
    "attachment.attach-time",
    "attachment.attachment-id",
    "attachment.delete-on-termination",
    "attachment.device-index",
    "attachment.instance-id",
    "attachment.instance-owner-id",
    "attachment.status",
    "availability-zone",
    "availability-zone-id",
    "description",
    "group-id",
    "group-name",
    "interface-type",
    "ipv6-addresses.ipv6-address",
    "mac-address",
    "network-interface-id",
    "owner-id",
    "private-dns-name",
    "private-ip-address",
    "requester-id",
    "requester-managed",
    "source-dest-check",
    "status",
    "subnet-id",
    "vpc-id",
];

/// DescribeNetworkInterfaces: explicit ids must all exist; then filters; id order.
pub fn describe<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w NetworkInterface>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let candidates = w
        .network_interfaces
        .pick(&scope, ids, |id| get(w, &scope, id))?;
    Ok(candidates
        .into_iter()
        .filter(|e| filter::matches(filters, tags::of(w, &scope, &e.id), |n| field(w, e, n)))
        .collect())
}

/// The Elastic IP association of an interface's primary address: (allocation, association).
pub fn eip_of(w: &World, e: &NetworkInterface) -> Option<(String, String)> {
    let alloc = e.public_ip_allocation_id.as_ref()?;
    let a = w.addresses.get(alloc)?;
    let assoc = a.association.as_ref()?;
    Some((alloc.clone(), assoc.association_id.clone()))
}

/// `ipOwnerId` of the interface's public address: the account for an Elastic IP, else `amazon`.
pub fn ip_owner(e: &NetworkInterface) -> String {
    if e.public_ip_allocation_id.is_some() {
        e.scope.account.clone()
    } else {
        "amazon".to_string()
    }
}

fn ts(ms: Millis) -> String {
    // Filter values compare as text; the wire's ISO-8601 form is not known here, so
    // attach-time filters match on milliseconds since the epoch.
    ms.to_string()
}

fn field(w: &World, e: &NetworkInterface, name: &str) -> Vec<String> {
    let a = e.attachment.as_ref();
    let public = |f: &dyn Fn(Ipv4Addr) -> String| e.public_ip.map(f).into_iter().collect();
    match name {
        "addresses.association.owner-id" | "association.ip-owner-id" => {
            e.public_ip.map(|_| ip_owner(e)).into_iter().collect()
        }
        "addresses.association.public-ip" | "association.public-ip" => public(&|ip| ip.to_string()),
        "addresses.primary" => {
            let mut v = vec!["true".to_string()];
            if e.private_ips.len() > 1 {
                v.push("false".into());
            }
            v
        }
        "addresses.private-ip-address" => e.private_ips.iter().map(|a| a.to_string()).collect(),
        "association.allocation-id" => eip_of(w, e).map(|(a, _)| a).into_iter().collect(),
        "association.association-id" => eip_of(w, e).map(|(_, a)| a).into_iter().collect(),
        "association.public-dns-name" => public(&|ip| public_dns_name(&e.scope.region, ip)),
        "attachment.attach-time" => filter::opt(a.map(|a| ts(a.attach_time))),
        "attachment.attachment-id" => filter::opt(a.map(|a| a.id.clone())),
        "attachment.delete-on-termination" => {
            filter::opt(a.map(|a| a.delete_on_termination.to_string()))
        }
        "attachment.device-index" => filter::opt(a.map(|a| a.device_index.to_string())),
        "attachment.instance-id" => filter::opt(a.and_then(|a| a.instance_id.clone())),
        "attachment.instance-owner-id" => filter::opt(a.map(|a| a.instance_owner_id.clone())),
        "attachment.status" => filter::opt(a.map(|_| "attached")),
        "availability-zone" => filter::s(&e.availability_zone),
        "availability-zone-id" => filter::opt(
            w.subnets
                .get(&e.subnet_id)
                .map(|s| s.availability_zone_id.clone()),
        ),
        "description" => filter::s(&e.description),
        "group-id" => e.groups.clone(),
        "group-name" => e
            .groups
            .iter()
            .filter_map(|g| w.security_groups.get(g).map(|g| g.name.clone()))
            .collect(),
        "interface-type" => filter::s(&e.interface_type),
        "ipv6-addresses.ipv6-address" => e.ipv6_addresses.iter().map(|a| a.to_string()).collect(),
        "mac-address" => filter::s(&e.mac_address),
        "network-interface-id" => filter::s(&e.id),
        "owner-id" => filter::s(&e.scope.account),
        "private-dns-name" => e
            .private_ips
            .iter()
            .map(|ip| private_dns_name(&e.scope.region, *ip))
            .collect(),
        "private-ip-address" => e.private_ips.iter().map(|a| a.to_string()).collect(),
        "requester-id" => filter::opt(e.requester_id.clone()),
        "requester-managed" => filter::b(e.requester_managed),
        "source-dest-check" => filter::b(e.source_dest_check),
        "status" => filter::s(e.status()),
        "subnet-id" => filter::s(&e.subnet_id),
        "vpc-id" => filter::s(&e.vpc_id),
        _ => Vec::new(),
    }
}

/// Filters DescribeInstances accepts.
pub const INSTANCE_FILTERS: &[&str] = &[
    "architecture",
    "availability-zone",
    "availability-zone-id",
    "client-token",
    "dns-name",
    "image-id",
    "instance-id",
    "instance-state-code",
    "instance-state-name",
    "instance-type",
    "instance.group-id",
    "instance.group-name",
    "ip-address",
    "ipv6-address",
    "key-name",
    "launch-index",
    "network-interface.addresses.association.public-ip",
    "network-interface.addresses.primary",
    "network-interface.addresses.private-ip-address",
    "network-interface.association.public-ip",
    "network-interface.attachment.attachment-id",
    "network-interface.attachment.delete-on-termination",
    "network-interface.attachment.device-index",
    "network-interface.attachment.instance-id",
    "network-interface.attachment.status",
    "network-interface.availability-zone",
    "network-interface.description",
    "network-interface.group-id",
    "network-interface.group-name",
    "network-interface.ipv6-address",
    "network-interface.ipv6-addresses.ipv6-address",
    "network-interface.mac-address",
    "network-interface.network-interface-id",
    "network-interface.owner-id",
    "network-interface.private-dns-name",
    "network-interface.private-ip-address",
    "network-interface.requester-managed",
    "network-interface.source-dest-check",
    "network-interface.status",
    "network-interface.subnet-id",
    "network-interface.vpc-id",
    "owner-id",
    "private-dns-name",
    "private-ip-address",
    "reservation-id",
    "root-device-type",
    "source-dest-check",
    "subnet-id",
    "tenancy",
    "virtualization-type",
    "vpc-id",
];

/// DescribeInstances: explicit ids must all exist; then filters; id order.
pub fn describe_instances<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w Instance>> {
    filter::check_names(filters, INSTANCE_FILTERS)?;
    let scope = ctx.scope();
    let candidates: Vec<&Instance> = if ids.is_empty() {
        w.instances.in_scope(&scope).collect()
    } else {
        instances_named(w, &scope, ids)?
            .iter()
            .map(|id| w.instances.get(id).expect("checked"))
            .collect()
    };
    Ok(candidates
        .into_iter()
        .filter(|i| {
            filter::matches(filters, tags::of(w, &scope, &i.id), |n| {
                instance_field(w, i, n)
            })
        })
        .collect())
}

fn instance_field(w: &World, i: &Instance, name: &str) -> Vec<String> {
    let primary = primary_interface(w, i);
    if let Some(rest) = name.strip_prefix("network-interface.") {
        let rest = match rest {
            "ipv6-address" => "ipv6-addresses.ipv6-address",
            other => other,
        };
        return interfaces_of(w, &i.id)
            .into_iter()
            .flat_map(|e| field(w, e, rest))
            .collect();
    }
    match name {
        "architecture" => filter::s("x86_64"),
        "availability-zone" => filter::s(i.availability_zone(w)),
        "availability-zone-id" => filter::opt(
            w.subnets
                .get(&i.subnet_id)
                .map(|s| s.availability_zone_id.clone()),
        ),
        "client-token" => filter::opt(i.details.client_token.clone()),
        "dns-name" => primary
            .filter(|e| has_public_dns(w, e))
            .and_then(|e| e.public_ip.map(|ip| public_dns_name(&i.scope.region, ip)))
            .into_iter()
            .collect(),
        "image-id" => filter::s(&i.image_id),
        "instance-id" => filter::s(&i.id),
        "instance-state-code" => filter::s(i.state.wire().0.to_string()),
        "instance-state-name" => filter::s(i.state.wire().1),
        "instance-type" => filter::s(&i.instance_type),
        "instance.group-id" => primary.map(|e| e.groups.clone()).unwrap_or_default(),
        "instance.group-name" => primary
            .map(|e| field(w, e, "group-name"))
            .unwrap_or_default(),
        "ip-address" => primary
            .and_then(|e| e.public_ip)
            .map(|ip| ip.to_string())
            .into_iter()
            .collect(),
        "ipv6-address" => primary
            .map(|e| field(w, e, "ipv6-addresses.ipv6-address"))
            .unwrap_or_default(),
        "key-name" => filter::opt(i.details.key_name.clone()),
        "launch-index" => filter::s(i.details.launch_index.to_string()),
        "owner-id" => filter::s(&i.scope.account),
        "private-dns-name" => primary
            .map(|e| private_dns_name(&i.scope.region, e.primary_ip()))
            .into_iter()
            .collect(),
        "private-ip-address" => primary
            .map(|e| e.primary_ip().to_string())
            .into_iter()
            .collect(),
        "reservation-id" => filter::s(&i.reservation_id),
        "root-device-type" => filter::s("ebs"),
        "source-dest-check" => primary
            .map(|e| filter::b(e.source_dest_check))
            .unwrap_or_default(),
        "subnet-id" => filter::s(&i.subnet_id),
        "tenancy" => filter::s(i.tenancy()),
        "virtualization-type" => filter::s("hvm"),
        "vpc-id" => filter::s(&i.vpc_id),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::command::Command;
    use crate::config::Config;
    use crate::{sg, subnet as sn, vpc, DAY};

    const A: &str = "111111111111";
    const B: &str = "222222222222";

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().expect("test address")
    }

    struct T {
        w: World,
        ctx: Ctx,
    }

    impl T {
        fn new() -> T {
            let mut w = World::new(Config::default(), 1);
            let ctx = Ctx::new(A, "us-east-1", 1_000);
            w.apply(&ctx, Command::InitScope).expect("init");
            T { w, ctx }
        }

        fn as_account(&self, account: &str) -> Ctx {
            Ctx::new(account, "us-east-1", self.ctx.now)
        }

        fn run(&mut self, cmd: Cmd) -> Result<Output> {
            self.w.apply(&self.ctx, Command::Eni(cmd))
        }

        /// Runs `cmd` and checks its outcome: `None` success, `Some(code)` that error,
        /// with the world left exactly as it was.
        fn check(&mut self, cmd: Cmd, expected: Option<&str>) -> Option<Output> {
            let before = serde_json::to_string(&self.w).expect("serialise");
            let label = format!("{cmd:?}");
            match (self.run(cmd), expected) {
                (Ok(out), None) => Some(out),
                (Err(e), Some(code)) => {
                    assert_eq!(e.code, code, "{label}: {}", e.message);
                    let after = serde_json::to_string(&self.w).expect("serialise");
                    assert!(before == after, "{label}: error changed the world");
                    None
                }
                (Ok(out), Some(code)) => panic!("{label}: expected {code}, got {out:?}"),
                (Err(e), None) => panic!("{label}: unexpected {e}"),
            }
        }

        fn vpc(&mut self, cidr: &str) -> String {
            let out = self.w.apply(
                &self.ctx,
                Command::Vpc(vpc::Cmd::Create {
                    cidr_block: cidr.into(),
                    amazon_ipv6: false,
                    instance_tenancy: None,
                    tags: vec![],
                }),
            );
            id_of(out)
        }

        fn subnet_in(&mut self, vpc_id: &str, cidr: &str, az: &str) -> String {
            let out = self.w.apply(
                &self.ctx,
                Command::Subnet(sn::Cmd::Create {
                    vpc_id: vpc_id.into(),
                    cidr_block: cidr.into(),
                    ipv6_cidr_block: None,
                    availability_zone: Some(az.into()),
                    availability_zone_id: None,
                    tags: vec![],
                }),
            );
            id_of(out)
        }

        /// A VPC 10.0.0.0/16 with subnet 10.0.1.0/24 in us-east-1a.
        fn net(&mut self) -> (String, String) {
            let v = self.vpc("10.0.0.0/16");
            let s = self.subnet_in(&v, "10.0.1.0/24", "us-east-1a");
            (v, s)
        }

        fn sg(&mut self, vpc_id: &str, name: &str) -> String {
            let id = self.w.ids.id(Kind::SecurityGroup);
            self.w.security_groups.insert(sg::SecurityGroup {
                id: id.clone(),
                scope: self.ctx.scope(),
                vpc_id: vpc_id.into(),
                name: name.into(),
                description: name.into(),
                ingress: vec![],
                egress: vec![],
            });
            id
        }

        fn eni(&mut self, spec: InterfaceSpec) -> String {
            id_of(self.run(create(spec)))
        }

        fn launch(&mut self, l: Launch) -> Vec<String> {
            match self.run(Cmd::RunInstances(Box::new(l))) {
                Ok(Output::Ids(ids)) => ids[1..].to_vec(),
                other => panic!("launch: {other:?}"),
            }
        }

        fn e(&self, id: &str) -> &NetworkInterface {
            self.w.network_interfaces.get(id).expect("interface")
        }

        fn i(&self, id: &str) -> &Instance {
            self.w.instances.get(id).expect("instance")
        }

        fn free(&self, subnet_id: &str) -> u64 {
            self.w
                .subnets
                .get(subnet_id)
                .expect("subnet")
                .available_ip_count()
        }
    }

    fn id_of(out: Result<Output>) -> String {
        match out {
            Ok(Output::Id(id)) => id,
            other => panic!("expected an id, got {other:?}"),
        }
    }

    fn create(spec: InterfaceSpec) -> Cmd {
        Cmd::CreateInterface {
            spec,
            interface_type: None,
            client_token: None,
            tags: vec![],
        }
    }

    fn in_subnet(s: &str) -> InterfaceSpec {
        InterfaceSpec {
            subnet_id: Some(s.into()),
            ..InterfaceSpec::default()
        }
    }

    fn launch(subnet: Option<&str>, min: i64, max: i64) -> Launch {
        Launch {
            image_id: "ami-12345678".into(),
            min_count: min,
            max_count: max,
            subnet_id: subnet.map(str::to_string),
            ..Launch::default()
        }
    }

    fn pip(a: &str, primary: bool) -> PrivateIp {
        PrivateIp {
            address: ip(a),
            primary,
        }
    }

    #[test]
    fn create_interface_defaults() {
        let mut t = T::new();
        let (v, s) = t.net();
        let before = t.free(&s);
        let id = t.eni(in_subnet(&s));
        let e = t.e(&id);
        assert!(id.starts_with("eni-") && id.len() == 21);
        assert_eq!(e.private_ips, vec![ip("10.0.1.4")]);
        assert_eq!(
            e.groups,
            vec![t.w.vpcs.get(&v).unwrap().default_security_group_id.clone()]
        );
        assert_eq!(
            (e.status(), e.interface_type.as_str()),
            ("available", "interface")
        );
        assert!(e.source_dest_check && !e.requester_managed && e.attachment.is_none());
        assert!(e.mac_address.starts_with("0e:") && e.mac_address.len() == 17);
        assert_eq!(e.availability_zone, "us-east-1a");
        assert_eq!(t.free(&s), before - 1);
    }

    #[test]
    fn create_interface_addresses() {
        let mut t = T::new();
        let (_, s) = t.net();
        // (spec tweak, expected addresses primary first)
        let cases: Vec<(InterfaceSpec, Vec<&str>)> = vec![
            (
                InterfaceSpec {
                    private_ip: Some(ip("10.0.1.50")),
                    secondary_count: Some(2),
                    ..in_subnet(&s)
                },
                vec!["10.0.1.50", "10.0.1.4", "10.0.1.5"],
            ),
            (
                InterfaceSpec {
                    private_ips: vec![pip("10.0.1.60", false), pip("10.0.1.61", true)],
                    ..in_subnet(&s)
                },
                vec!["10.0.1.61", "10.0.1.60"],
            ),
            (
                // Without a designated primary the first listed address is primary.
                InterfaceSpec {
                    private_ips: vec![pip("10.0.1.70", false), pip("10.0.1.71", false)],
                    ..in_subnet(&s)
                },
                vec!["10.0.1.70", "10.0.1.71"],
            ),
            (
                InterfaceSpec {
                    private_ip: Some(ip("10.0.1.80")),
                    private_ips: vec![pip("10.0.1.80", true), pip("10.0.1.81", false)],
                    ..in_subnet(&s)
                },
                vec!["10.0.1.80", "10.0.1.81"],
            ),
            (
                // An explicit secondary is never taken by the automatic primary.
                InterfaceSpec {
                    private_ips: vec![],
                    secondary_count: None,
                    private_ip: None,
                    ..in_subnet(&s)
                },
                vec!["10.0.1.6"],
            ),
        ];
        for (spec, want) in cases {
            let id = t.eni(spec);
            let got: Vec<String> = t.e(&id).private_ips.iter().map(|a| a.to_string()).collect();
            assert_eq!(got, want);
        }
        let free = t.free(&s);
        assert_eq!(free, 251 - 10);
    }

    #[test]
    fn create_interface_errors() {
        let mut t = T::new();
        let (v, s) = t.net();
        let other_vpc = t.vpc("10.1.0.0/16");
        let foreign_sg = t.sg(&other_vpc, "web");
        let small = t.subnet_in(&v, "10.0.2.0/28", "us-east-1a");
        t.eni(InterfaceSpec {
            private_ip: Some(ip("10.0.1.9")),
            ..in_subnet(&s)
        });
        let cases: Vec<(InterfaceSpec, Option<&str>, &str)> = vec![
            (InterfaceSpec::default(), None, "MissingParameter"),
            (
                in_subnet("subnet-0123456789abcdef0"),
                None,
                "InvalidSubnetID.NotFound",
            ),
            (
                InterfaceSpec {
                    private_ip: Some(ip("10.0.1.9")),
                    ..in_subnet(&s)
                },
                None,
                "InvalidIPAddress.InUse",
            ),
            (
                InterfaceSpec {
                    private_ip: Some(ip("10.0.2.9")),
                    ..in_subnet(&s)
                },
                None,
                "InvalidParameter",
            ),
            (
                InterfaceSpec {
                    private_ip: Some(ip("10.0.1.1")),
                    ..in_subnet(&s)
                },
                None,
                "InvalidParameter",
            ),
            (
                InterfaceSpec {
                    private_ip: Some(ip("10.0.1.255")),
                    ..in_subnet(&s)
                },
                None,
                "InvalidParameter",
            ),
            (
                InterfaceSpec {
                    groups: vec!["sg-0123456789abcdef0".into()],
                    ..in_subnet(&s)
                },
                None,
                "InvalidGroup.NotFound",
            ),
            (
                InterfaceSpec {
                    groups: vec![foreign_sg.clone()],
                    ..in_subnet(&s)
                },
                None,
                "InvalidParameter",
            ),
            (in_subnet(&s), Some("efa"), "InvalidParameterValue"),
            (in_subnet(&s), Some("trunk"), "InvalidParameterValue"),
            (
                InterfaceSpec {
                    ipv6_count: Some(1),
                    ..in_subnet(&s)
                },
                None,
                "InvalidParameterValue",
            ),
            (
                InterfaceSpec {
                    secondary_count: Some(50),
                    ..in_subnet(&s)
                },
                None,
                "PrivateIpAddressLimitExceeded",
            ),
            (
                InterfaceSpec {
                    secondary_count: Some(-1),
                    ..in_subnet(&s)
                },
                None,
                "InvalidParameterValue",
            ),
            (
                InterfaceSpec {
                    private_ips: vec![pip("10.0.1.20", true), pip("10.0.1.21", true)],
                    ..in_subnet(&s)
                },
                None,
                "InvalidParameterValue",
            ),
            (
                InterfaceSpec {
                    private_ip: Some(ip("10.0.1.22")),
                    private_ips: vec![pip("10.0.1.23", true)],
                    ..in_subnet(&s)
                },
                None,
                "InvalidParameterCombination",
            ),
            (
                InterfaceSpec {
                    private_ips: vec![pip("10.0.1.24", true), pip("10.0.1.25", false)],
                    secondary_count: Some(1),
                    ..in_subnet(&s)
                },
                None,
                "InvalidParameterCombination",
            ),
            (
                InterfaceSpec {
                    private_ips: vec![pip("10.0.1.26", false), pip("10.0.1.26", false)],
                    ..in_subnet(&s)
                },
                None,
                "InvalidParameterValue",
            ),
            (
                InterfaceSpec {
                    secondary_count: Some(11),
                    ..in_subnet(&small)
                },
                None,
                "InsufficientFreeAddressesInSubnet",
            ),
        ];
        for (spec, interface_type, code) in cases {
            t.check(
                Cmd::CreateInterface {
                    spec,
                    interface_type: interface_type.map(str::to_string),
                    client_token: None,
                    tags: vec![],
                },
                Some(code),
            );
        }
        // Wrong tag resource type.
        t.check(
            Cmd::CreateInterface {
                spec: in_subnet(&s),
                interface_type: Some("interface".into()),
                client_token: None,
                tags: vec![TagSpec {
                    resource_type: "instance".into(),
                    tags: vec![("k".into(), "v".into())],
                }],
            },
            Some("InvalidParameterValue"),
        );
        // Another account's subnet is invisible.
        let ctx_b = t.as_account(B);
        t.w.apply(&ctx_b, Command::InitScope).unwrap();
        let e =
            t.w.apply(&ctx_b, Command::Eni(create(in_subnet(&s))))
                .unwrap_err();
        assert_eq!(e.code, "InvalidSubnetID.NotFound");
        // The /28 fits exactly its 11 usable addresses.
        t.check(
            create(InterfaceSpec {
                secondary_count: Some(10),
                ..in_subnet(&small)
            }),
            None,
        );
        assert_eq!(t.free(&small), 0);
    }

    #[test]
    fn create_interface_tags_and_client_token() {
        let mut t = T::new();
        let (_, s) = t.net();
        let cmd = Cmd::CreateInterface {
            spec: in_subnet(&s),
            interface_type: None,
            client_token: Some("tok".into()),
            tags: vec![TagSpec {
                resource_type: "network-interface".into(),
                tags: vec![("Name".into(), "a".into())],
            }],
        };
        let first = t.check(cmd.clone(), None).unwrap();
        let again = t.check(cmd, None).unwrap();
        assert_eq!(first, again);
        assert_eq!(t.w.network_interfaces.len(), 1);
        let Output::Id(id) = first else { panic!() };
        assert_eq!(
            tags::of(&t.w, &t.ctx.scope(), &id).get("Name").unwrap(),
            "a"
        );
        let other = Cmd::CreateInterface {
            spec: InterfaceSpec {
                description: Some("d".into()),
                ..in_subnet(&s)
            },
            interface_type: None,
            client_token: Some("tok".into()),
            tags: vec![],
        };
        t.check(other, Some("IdempotentParameterMismatch"));
    }

    fn ipv6_net(t: &mut T) -> String {
        let v = t.vpc("10.0.0.0/16");
        t.w.apply(
            &t.ctx,
            Command::Vpc(vpc::Cmd::AssociateCidr {
                vpc_id: v.clone(),
                cidr_block: None,
                amazon_ipv6: true,
            }),
        )
        .unwrap();
        let block = t.w.vpcs.get(&v).unwrap().ipv6_cidrs[0].cidr;
        let sub = ipnet::Ipv6Net::new(block.network(), 64)
            .unwrap()
            .to_string();
        id_of(t.w.apply(
            &t.ctx,
            Command::Subnet(sn::Cmd::Create {
                vpc_id: v,
                cidr_block: "10.0.1.0/24".into(),
                ipv6_cidr_block: Some(sub),
                availability_zone: Some("us-east-1a".into()),
                availability_zone_id: None,
                tags: vec![],
            }),
        ))
    }

    #[test]
    fn ipv6_addresses() {
        let mut t = T::new();
        let s = ipv6_net(&mut t);
        let block = t.w.subnets.get(&s).unwrap().ipv6_cidrs[0].cidr;
        let id = t.eni(InterfaceSpec {
            ipv6_count: Some(2),
            ..in_subnet(&s)
        });
        let got = t.e(&id).ipv6_addresses.clone();
        assert_eq!(got.len(), 2);
        assert!(got[0] != got[1] && got.iter().all(|a| block.contains(a)));
        let wanted = cidr::nth_v6(&block, 0x10);
        let id2 = t.eni(InterfaceSpec {
            ipv6_addresses: vec![wanted],
            ..in_subnet(&s)
        });
        assert_eq!(t.e(&id2).ipv6_addresses, vec![wanted]);
        let cases = vec![
            (
                InterfaceSpec {
                    ipv6_addresses: vec![wanted],
                    ..in_subnet(&s)
                },
                "InvalidIPAddress.InUse",
            ),
            (
                InterfaceSpec {
                    ipv6_addresses: vec![cidr::nth_v6(&block, 1)],
                    ..in_subnet(&s)
                },
                "InvalidParameter",
            ),
            (
                InterfaceSpec {
                    ipv6_addresses: vec!["2001:db8::5".parse().unwrap()],
                    ..in_subnet(&s)
                },
                "InvalidParameter",
            ),
            (
                InterfaceSpec {
                    ipv6_addresses: vec![cidr::nth_v6(&block, 0x20)],
                    ipv6_count: Some(1),
                    ..in_subnet(&s)
                },
                "InvalidParameterCombination",
            ),
            (
                InterfaceSpec {
                    ipv6_count: Some(51),
                    ..in_subnet(&s)
                },
                "InvalidParameterValue",
            ),
        ];
        for (spec, code) in cases {
            t.check(create(spec), Some(code));
        }
        // assignIpv6AddressOnCreation gives one address unless a count is given.
        t.w.subnets.get_mut(&s).unwrap().assign_ipv6_on_creation = true;
        let auto = t.eni(in_subnet(&s));
        assert_eq!(t.e(&auto).ipv6_addresses.len(), 1);
        let none = t.eni(InterfaceSpec {
            ipv6_count: Some(0),
            ..in_subnet(&s)
        });
        assert!(t.e(&none).ipv6_addresses.is_empty());
    }

    #[test]
    fn delete_interface() {
        let mut t = T::new();
        let (_, s) = t.net();
        let free = t.free(&s);
        let id = t.eni(InterfaceSpec {
            secondary_count: Some(3),
            ..in_subnet(&s)
        });
        assert_eq!(t.free(&s), free - 4);
        t.check(
            Cmd::DeleteInterface {
                network_interface_id: id.clone(),
            },
            None,
        );
        assert_eq!(t.free(&s), free);
        assert!(t.w.network_interfaces.get(&id).is_none());
        t.check(
            Cmd::DeleteInterface {
                network_interface_id: id,
            },
            Some("InvalidNetworkInterfaceID.NotFound"),
        );
        // Attached interfaces are in use; the primary of an instance too.
        let i = t.launch(launch(Some(&s), 1, 1))[0].clone();
        let primary = t.i(&i).network_interface_id.clone();
        t.check(
            Cmd::DeleteInterface {
                network_interface_id: primary,
            },
            Some("InvalidNetworkInterface.InUse"),
        );
        // Requester-managed interfaces cannot be deleted by the user.
        let scope = t.ctx.scope();
        let m = create_managed(
            &mut t.w,
            &scope,
            0,
            &ManagedInterface {
                subnet_id: s.clone(),
                interface_type: "nat_gateway".into(),
                description: "Interface for NAT Gateway nat-0".into(),
                requester_id: "amazon-aws".into(),
                groups: vec![],
                private_ip: None,
                attached_to: Some("amazon-aws".into()),
            },
        )
        .unwrap();
        assert!(t.e(&m).requester_managed && t.e(&m).status() == "in-use");
        t.check(
            Cmd::DeleteInterface {
                network_interface_id: m.clone(),
            },
            Some("OperationNotPermitted"),
        );
        let att = t.e(&m).attachment.clone().unwrap().id;
        t.check(
            Cmd::Detach { attachment_id: att },
            Some("OperationNotPermitted"),
        );
        t.check(
            Cmd::ModifyInterface {
                network_interface_id: m.clone(),
                change: InterfaceChange::SourceDestCheck(false),
            },
            Some("OperationNotPermitted"),
        );
        let before = t.free(&s);
        destroy_interface(&mut t.w, &m);
        assert_eq!(t.free(&s), before + 1);
        // Subnets with interfaces cannot be deleted.
        let e =
            t.w.apply(&t.ctx, Command::Subnet(sn::Cmd::Delete { subnet_id: s }))
                .unwrap_err();
        assert_eq!(e.code, "DependencyViolation");
    }

    #[test]
    fn modify_interface() {
        let mut t = T::new();
        let (v, s) = t.net();
        let web = t.sg(&v, "web");
        let other = t.vpc("10.1.0.0/16");
        let foreign = t.sg(&other, "x");
        let id = t.eni(in_subnet(&s));
        let m = |change| Cmd::ModifyInterface {
            network_interface_id: id.clone(),
            change,
        };
        t.check(m(InterfaceChange::SourceDestCheck(false)), None);
        t.check(m(InterfaceChange::Description("hello".into())), None);
        t.check(
            m(InterfaceChange::Groups(vec![web.clone(), web.clone()])),
            None,
        );
        let e = t.e(&id);
        assert!(!e.source_dest_check);
        assert_eq!(
            (e.description.as_str(), e.groups.clone()),
            ("hello", vec![web.clone()])
        );
        t.check(
            m(InterfaceChange::Groups(vec![foreign])),
            Some("InvalidParameter"),
        );
        t.check(
            m(InterfaceChange::Groups(vec!["sg-0123456789abcdef0".into()])),
            Some("InvalidGroup.NotFound"),
        );
        t.check(
            m(InterfaceChange::DeleteOnTermination {
                attachment_id: "eni-attach-0123456789abcdef0".into(),
                value: true,
            }),
            Some("InvalidAttachmentID.NotFound"),
        );
        let i = t.launch(launch(Some(&s), 1, 1))[0].clone();
        let att = id_of(t.run(Cmd::Attach {
            network_interface_id: id.clone(),
            instance_id: i,
            device_index: 1,
        }));
        assert!(att.starts_with("eni-attach-"));
        t.check(
            m(InterfaceChange::DeleteOnTermination {
                attachment_id: att,
                value: true,
            }),
            None,
        );
        assert!(t.e(&id).attachment.as_ref().unwrap().delete_on_termination);
        t.check(
            Cmd::ModifyInterface {
                network_interface_id: "eni-0123456789abcdef0".into(),
                change: InterfaceChange::SourceDestCheck(true),
            },
            Some("InvalidNetworkInterfaceID.NotFound"),
        );
    }

    #[test]
    fn assign_and_unassign() {
        let mut t = T::new();
        let (_, s) = t.net();
        let a = t.eni(in_subnet(&s)); // 10.0.1.4
        let b = t.eni(InterfaceSpec {
            private_ips: vec![pip("10.0.1.40", true), pip("10.0.1.41", false)],
            ..in_subnet(&s)
        });
        let assign = |id: &str, addresses: Vec<&str>, count: Option<i64>, allow: bool| {
            Cmd::AssignPrivateIps {
                network_interface_id: id.into(),
                addresses: addresses.into_iter().map(ip).collect(),
                count,
                allow_reassignment: allow,
            }
        };
        let out = t.check(assign(&a, vec![], Some(2), false), None).unwrap();
        assert_eq!(out, Output::Ids(vec!["10.0.1.5".into(), "10.0.1.6".into()]));
        t.check(assign(&a, vec!["10.0.1.30"], None, false), None);
        assert_eq!(t.e(&a).private_ips.len(), 4);
        let cases = vec![
            (assign(&a, vec![], None, false), "MissingParameter"),
            (
                assign(&a, vec!["10.0.1.31"], Some(1), false),
                "InvalidParameterCombination",
            ),
            (assign(&a, vec![], Some(0), false), "InvalidParameterValue"),
            (
                assign(&a, vec!["10.0.1.41"], None, false),
                "InvalidIPAddress.InUse",
            ),
            (
                assign(&a, vec!["10.0.1.40"], None, true),
                "InvalidIPAddress.InUse",
            ),
            (
                assign(&a, vec!["10.0.1.5"], None, false),
                "InvalidParameterValue",
            ),
            (
                assign(&a, vec!["10.9.1.5"], None, false),
                "InvalidParameter",
            ),
            (
                assign(&a, vec!["10.0.1.32", "10.0.1.32"], None, false),
                "InvalidParameterValue",
            ),
            (
                assign(&a, vec![], Some(47), false),
                "PrivateIpAddressLimitExceeded",
            ),
            (
                assign("eni-0123456789abcdef0", vec![], Some(1), false),
                "InvalidNetworkInterfaceID.NotFound",
            ),
        ];
        for (cmd, code) in cases {
            t.check(cmd, Some(code));
        }
        // Reassignment moves a secondary address from another interface.
        let free = t.free(&s);
        t.check(assign(&a, vec!["10.0.1.41"], None, true), None);
        assert!(t.e(&a).private_ips.contains(&ip("10.0.1.41")));
        assert_eq!(t.e(&b).private_ips, vec![ip("10.0.1.40")]);
        assert_eq!(t.free(&s), free);
        let unassign = |addresses: Vec<&str>| Cmd::UnassignPrivateIps {
            network_interface_id: a.clone(),
            addresses: addresses.into_iter().map(ip).collect(),
        };
        t.check(unassign(vec!["10.0.1.4"]), Some("InvalidParameterValue"));
        t.check(unassign(vec!["10.0.1.99"]), Some("InvalidParameterValue"));
        t.check(unassign(vec![]), Some("MissingParameter"));
        t.check(unassign(vec!["10.0.1.5", "10.0.1.30"]), None);
        assert_eq!(t.free(&s), free + 2);
        assert_eq!(
            t.e(&a).private_ips,
            vec![ip("10.0.1.4"), ip("10.0.1.6"), ip("10.0.1.41")]
        );
    }

    #[test]
    fn attach_and_detach() {
        let mut t = T::new();
        let (v, s) = t.net();
        let s_b = t.subnet_in(&v, "10.0.2.0/24", "us-east-1b");
        let i = t.launch(launch(Some(&s), 1, 1))[0].clone();
        let e = t.eni(in_subnet(&s));
        let far = t.eni(in_subnet(&s_b));
        let attach = |eni: &str, index: i64| Cmd::Attach {
            network_interface_id: eni.into(),
            instance_id: i.clone(),
            device_index: index,
        };
        t.check(attach(&e, 0), Some("InvalidParameterValue"));
        t.check(attach(&e, -1), Some("InvalidParameterValue"));
        t.check(attach(&far, 1), Some("InvalidParameterCombination"));
        t.check(
            Cmd::Attach {
                network_interface_id: e.clone(),
                instance_id: "i-0123456789abcdef0".into(),
                device_index: 1,
            },
            Some("InvalidInstanceID.NotFound"),
        );
        let att = id_of(t.run(attach(&e, 1)));
        let a = t.e(&e).attachment.clone().unwrap();
        assert_eq!(
            (
                a.device_index,
                a.instance_id.as_deref(),
                a.delete_on_termination
            ),
            (1, Some(i.as_str()), false)
        );
        assert_eq!(t.e(&e).status(), "in-use");
        t.check(attach(&e, 2), Some("InvalidNetworkInterface.InUse"));
        let primary_att = t
            .e(&t.i(&i).network_interface_id.clone())
            .attachment
            .clone()
            .unwrap()
            .id;
        t.check(
            Cmd::Detach {
                attachment_id: primary_att,
            },
            Some("OperationNotPermitted"),
        );
        t.check(
            Cmd::Detach {
                attachment_id: "eni-attach-0123456789abcdef0".into(),
            },
            Some("InvalidAttachmentID.NotFound"),
        );
        t.check(Cmd::Detach { attachment_id: att }, None);
        assert_eq!(t.e(&e).status(), "available");
        t.check(
            Cmd::TerminateInstances {
                instance_ids: vec![i.clone()],
            },
            None,
        );
        t.check(attach(&e, 1), Some("IncorrectInstanceState"));
    }

    #[test]
    fn run_instances_basics() {
        let mut t = T::new();
        let (_, s) = t.net();
        let free = t.free(&s);
        let ids = t.launch(Launch {
            instance_type: Some("t3.micro".into()),
            key_name: Some("k".into()),
            ..launch(Some(&s), 2, 3)
        });
        assert_eq!(ids.len(), 3);
        assert_eq!(t.free(&s), free - 3);
        let i = t.i(&ids[0]).clone();
        assert_eq!(
            (i.state, i.instance_type.as_str(), i.details.launch_index),
            (InstanceState::Running, "t3.micro", 0)
        );
        assert_eq!(t.i(&ids[2]).details.launch_index, 2);
        assert_eq!(t.i(&ids[2]).reservation_id, i.reservation_id);
        assert!(i.reservation_id.starts_with("r-") && i.id.starts_with("i-"));
        let e = t.e(&i.network_interface_id);
        let a = e.attachment.clone().unwrap();
        assert_eq!((a.device_index, a.delete_on_termination), (0, true));
        assert_eq!(e.private_ips, vec![ip("10.0.1.4")]);
        // A non-default subnet maps no public IP unless asked.
        assert!(e.public_ip.is_none());
        // Default instance type.
        let d = t.launch(launch(Some(&s), 1, 1));
        assert_eq!(t.i(&d[0]).instance_type, DEFAULT_INSTANCE_TYPE);
    }

    #[test]
    fn run_instances_default_subnet_and_public_ip() {
        let mut t = T::new();
        let ids = t.launch(launch(None, 1, 1));
        let i = t.i(&ids[0]).clone();
        let s = t.w.subnets.get(&i.subnet_id).unwrap();
        assert!(s.default_for_az && s.availability_zone == "us-east-1a");
        assert_eq!(t.e(&i.network_interface_id).public_ip, Some(ip("18.0.0.1")));
        assert!(i.details.auto_public_ip);
        // Placement picks the AZ's default subnet.
        let ids = t.launch(Launch {
            availability_zone: Some("us-east-1c".into()),
            ..launch(None, 1, 1)
        });
        assert_eq!(t.i(&ids[0]).details.availability_zone, "us-east-1c");
        // AssociatePublicIpAddress=false overrides the subnet.
        let ids = t.launch(Launch {
            network_interfaces: vec![LaunchInterface {
                device_index: Some(0),
                associate_public_ip: Some(false),
                ..LaunchInterface::default()
            }],
            ..launch(None, 1, 1)
        });
        assert!(t
            .e(&t.i(&ids[0]).network_interface_id.clone())
            .public_ip
            .is_none());
        t.check(
            Cmd::RunInstances(Box::new(Launch {
                availability_zone: Some("us-east-1z".into()),
                ..launch(None, 1, 1)
            })),
            Some("InvalidParameterValue"),
        );
        // No default subnet left / no default VPC.
        let default_vpc =
            t.w.vpcs
                .in_scope(&t.ctx.scope())
                .find(|v| v.is_default)
                .unwrap()
                .id
                .clone();
        for sub in t.w.subnets.values_mut() {
            sub.default_for_az = false;
        }
        t.check(
            Cmd::RunInstances(Box::new(launch(None, 1, 1))),
            Some("MissingInput"),
        );
        t.w.vpcs.get_mut(&default_vpc).unwrap().is_default = false;
        t.check(
            Cmd::RunInstances(Box::new(launch(None, 1, 1))),
            Some("VPCIdNotSpecified"),
        );
    }

    #[test]
    fn run_instances_public_ip_on_request() {
        let mut t = T::new();
        let (_, s) = t.net();
        let ids = t.launch(Launch {
            network_interfaces: vec![LaunchInterface {
                device_index: Some(0),
                associate_public_ip: Some(true),
                spec: in_subnet(&s),
                ..LaunchInterface::default()
            }],
            ..launch(None, 1, 1)
        });
        assert!(t
            .e(&t.i(&ids[0]).network_interface_id.clone())
            .public_ip
            .is_some());
        t.w.subnets.get_mut(&s).unwrap().map_public_ip_on_launch = true;
        let ids = t.launch(launch(Some(&s), 1, 1));
        assert!(t
            .e(&t.i(&ids[0]).network_interface_id.clone())
            .public_ip
            .is_some());
    }

    #[test]
    fn run_instances_counts_follow_free_addresses() {
        let mut t = T::new();
        let v = t.vpc("10.0.0.0/16");
        let s = t.subnet_in(&v, "10.0.0.0/28", "us-east-1a"); // 11 usable
        let ids = t.launch(launch(Some(&s), 1, 20));
        assert_eq!(ids.len(), 11);
        assert_eq!(t.free(&s), 0);
        t.check(
            Cmd::RunInstances(Box::new(launch(Some(&s), 1, 1))),
            Some("InsufficientFreeAddressesInSubnet"),
        );
        t.check(
            Cmd::TerminateInstances {
                instance_ids: ids[..3].to_vec(),
            },
            None,
        );
        assert_eq!(t.free(&s), 3);
        t.check(
            Cmd::RunInstances(Box::new(launch(Some(&s), 4, 5))),
            Some("InsufficientFreeAddressesInSubnet"),
        );
        assert_eq!(t.launch(launch(Some(&s), 2, 5)).len(), 3);
    }

    #[test]
    fn run_instances_clamps_max_count() {
        let mut t = T::new();
        let v = t.vpc("10.0.0.0/16");
        let s = t.subnet_in(&v, "10.0.0.0/20", "us-east-1a");
        let ids = t.launch(launch(Some(&s), 1, i64::MAX));
        assert_eq!(ids.len() as i64, MAX_LAUNCH);
    }

    #[test]
    fn run_instances_errors() {
        let mut t = T::new();
        let (v, s) = t.net();
        let other = t.vpc("10.1.0.0/16");
        let foreign = t.sg(&other, "x");
        let taken = t.eni(in_subnet(&s));
        let cases: Vec<(Launch, &str)> = vec![
            (
                Launch {
                    image_id: "img-1".into(),
                    ..launch(Some(&s), 1, 1)
                },
                "InvalidAMIID.Malformed",
            ),
            (
                Launch {
                    image_id: "ami-".into(),
                    ..launch(Some(&s), 1, 1)
                },
                "InvalidAMIID.Malformed",
            ),
            (
                Launch {
                    instance_type: Some("huge".into()),
                    ..launch(Some(&s), 1, 1)
                },
                "InvalidParameterValue",
            ),
            (launch(Some(&s), 0, 1), "InvalidParameterValue"),
            (launch(Some(&s), 3, 2), "InvalidParameterValue"),
            (
                launch(Some(&s), MAX_LAUNCH + 1, MAX_LAUNCH + 1),
                "InstanceLimitExceeded",
            ),
            (
                launch(Some("subnet-0123456789abcdef0"), 1, 1),
                "InvalidSubnetID.NotFound",
            ),
            (
                Launch {
                    private_ip: Some(ip("10.0.1.50")),
                    ..launch(Some(&s), 1, 2)
                },
                "InvalidParameterCombination",
            ),
            (
                Launch {
                    private_ip: Some(ip("10.0.1.4")),
                    ..launch(Some(&s), 1, 1)
                },
                "InvalidIPAddress.InUse",
            ),
            (
                Launch {
                    security_group_ids: vec![foreign.clone()],
                    ..launch(Some(&s), 1, 1)
                },
                "InvalidParameter",
            ),
            (
                Launch {
                    security_group_names: vec!["default".into()],
                    ..launch(Some(&s), 1, 1)
                },
                "InvalidParameterCombination",
            ),
            (
                Launch {
                    security_group_names: vec!["nope".into()],
                    ..launch(None, 1, 1)
                },
                "InvalidGroup.NotFound",
            ),
            (
                Launch {
                    network_interfaces: vec![LaunchInterface {
                        device_index: Some(0),
                        ..LaunchInterface::default()
                    }],
                    ..launch(Some(&s), 1, 1)
                },
                "InvalidParameterCombination",
            ),
            (
                Launch {
                    network_interfaces: vec![LaunchInterface {
                        device_index: Some(1),
                        spec: in_subnet(&s),
                        ..LaunchInterface::default()
                    }],
                    ..launch(None, 1, 1)
                },
                "InvalidParameterValue",
            ),
            (
                Launch {
                    network_interfaces: vec![LaunchInterface {
                        spec: in_subnet(&s),
                        ..LaunchInterface::default()
                    }],
                    ..launch(None, 1, 1)
                },
                "MissingParameter",
            ),
            (
                Launch {
                    network_interfaces: vec![
                        LaunchInterface {
                            device_index: Some(0),
                            associate_public_ip: Some(true),
                            spec: in_subnet(&s),
                            ..LaunchInterface::default()
                        },
                        LaunchInterface {
                            device_index: Some(1),
                            spec: in_subnet(&s),
                            ..LaunchInterface::default()
                        },
                    ],
                    ..launch(None, 1, 1)
                },
                "InvalidParameterCombination",
            ),
            (
                Launch {
                    network_interfaces: vec![
                        LaunchInterface {
                            device_index: Some(0),
                            spec: in_subnet(&s),
                            ..LaunchInterface::default()
                        },
                        LaunchInterface {
                            device_index: Some(0),
                            spec: in_subnet(&s),
                            ..LaunchInterface::default()
                        },
                    ],
                    ..launch(None, 1, 1)
                },
                "InvalidParameterValue",
            ),
            (
                Launch {
                    network_interfaces: vec![LaunchInterface {
                        device_index: Some(0),
                        network_interface_id: Some(taken.clone()),
                        ..LaunchInterface::default()
                    }],
                    ..launch(None, 1, 2)
                },
                "InvalidParameterCombination",
            ),
            (
                Launch {
                    network_interfaces: vec![LaunchInterface {
                        device_index: Some(0),
                        network_interface_id: Some(taken.clone()),
                        spec: in_subnet(&s),
                        ..LaunchInterface::default()
                    }],
                    ..launch(None, 1, 1)
                },
                "InvalidParameterCombination",
            ),
            (
                Launch {
                    tags: vec![TagSpec {
                        resource_type: "vpc".into(),
                        tags: vec![],
                    }],
                    ..launch(Some(&s), 1, 1)
                },
                "InvalidParameterValue",
            ),
            (
                Launch {
                    availability_zone: Some("us-east-1b".into()),
                    ..launch(Some(&s), 1, 1)
                },
                "InvalidParameterCombination",
            ),
            (
                Launch {
                    network_interfaces: vec![
                        LaunchInterface {
                            device_index: Some(0),
                            spec: in_subnet(&s),
                            ..LaunchInterface::default()
                        },
                        LaunchInterface {
                            device_index: Some(1),
                            network_interface_id: Some(taken.clone()),
                            ..LaunchInterface::default()
                        },
                        LaunchInterface {
                            device_index: Some(2),
                            network_interface_id: Some(taken.clone()),
                            ..LaunchInterface::default()
                        },
                    ],
                    ..launch(None, 1, 1)
                },
                "InvalidParameterValue",
            ),
        ];
        for (l, code) in cases {
            t.check(Cmd::RunInstances(Box::new(l)), Some(code));
        }
        let _ = v;
    }

    #[test]
    fn run_instances_groups_tags_token() {
        let mut t = T::new();
        let default_vpc =
            t.w.vpcs
                .in_scope(&t.ctx.scope())
                .find(|v| v.is_default)
                .unwrap()
                .id
                .clone();
        let web = t.sg(&default_vpc, "web");
        let l = Launch {
            security_group_names: vec!["web".into()],
            client_token: Some("tok-1".into()),
            tags: vec![
                TagSpec {
                    resource_type: "instance".into(),
                    tags: vec![("Name".into(), "box".into())],
                },
                TagSpec {
                    resource_type: "network-interface".into(),
                    tags: vec![("Role".into(), "eth0".into())],
                },
                TagSpec {
                    resource_type: "volume".into(),
                    tags: vec![("V".into(), "1".into())],
                },
            ],
            ..launch(None, 1, 1)
        };
        let first = t
            .check(Cmd::RunInstances(Box::new(l.clone())), None)
            .unwrap();
        let again = t.check(Cmd::RunInstances(Box::new(l)), None).unwrap();
        assert_eq!(first, again);
        assert_eq!(t.w.instances.len(), 1);
        let Output::Ids(ids) = first else { panic!() };
        let i = t.i(&ids[1]).clone();
        assert_eq!(i.details.client_token.as_deref(), Some("tok-1"));
        assert_eq!(t.e(&i.network_interface_id).groups, vec![web]);
        let scope = t.ctx.scope();
        assert_eq!(tags::of(&t.w, &scope, &i.id).get("Name").unwrap(), "box");
        assert_eq!(
            tags::of(&t.w, &scope, &i.network_interface_id)
                .get("Role")
                .unwrap(),
            "eth0"
        );
        assert!(tags::of(&t.w, &scope, &i.id).get("V").is_none());
    }

    #[test]
    fn run_instances_with_several_interfaces() {
        let mut t = T::new();
        let (v, s) = t.net();
        let s2 = t.subnet_in(&v, "10.0.2.0/24", "us-east-1a");
        let existing = t.eni(in_subnet(&s2));
        let ids = t.launch(Launch {
            network_interfaces: vec![
                LaunchInterface {
                    device_index: Some(1),
                    network_interface_id: Some(existing.clone()),
                    ..LaunchInterface::default()
                },
                LaunchInterface {
                    device_index: Some(0),
                    spec: InterfaceSpec {
                        private_ip: Some(ip("10.0.1.5")),
                        secondary_count: Some(1),
                        ..in_subnet(&s)
                    },
                    ..LaunchInterface::default()
                },
                LaunchInterface {
                    device_index: Some(2),
                    spec: in_subnet(&s),
                    ..LaunchInterface::default()
                },
            ],
            ..launch(None, 1, 1)
        });
        let i = t.i(&ids[0]).clone();
        let attached = interfaces_of(&t.w, &i.id);
        assert_eq!(attached.len(), 3);
        assert_eq!(attached[0].id, i.network_interface_id);
        // Interfaces naming addresses are built first; automatic picks come after.
        assert_eq!(
            attached[0].private_ips,
            vec![ip("10.0.1.5"), ip("10.0.1.4")]
        );
        assert_eq!(attached[1].id, existing);
        assert_eq!(attached[2].private_ips, vec![ip("10.0.1.6")]);
        // Terminating deletes the interfaces created at launch and detaches the existing one.
        t.check(
            Cmd::TerminateInstances {
                instance_ids: vec![i.id.clone()],
            },
            None,
        );
        assert_eq!(t.w.network_interfaces.len(), 1);
        assert_eq!(t.e(&existing).status(), "available");
        assert_eq!(t.free(&s), 251);
    }

    #[test]
    fn terminate_and_purge() {
        let mut t = T::new();
        let (_, s) = t.net();
        let ids = t.launch(launch(Some(&s), 2, 2));
        let eni0 = t.i(&ids[0]).network_interface_id.clone();
        let ghost = "i-0123456789abcdef0".to_string();
        let e = t
            .run(Cmd::TerminateInstances {
                instance_ids: vec![ghost.clone(), "i-0123456789abcdef1".into()],
            })
            .unwrap_err();
        assert_eq!(e.code, "InvalidInstanceID.NotFound");
        assert!(e.message.contains("IDs"));
        t.check(
            Cmd::TerminateInstances {
                instance_ids: vec![ids[0].clone(), ghost],
            },
            Some("InvalidInstanceID.NotFound"),
        );
        t.check(
            Cmd::TerminateInstances {
                instance_ids: vec![],
            },
            Some("MissingParameter"),
        );
        t.check(
            Cmd::TerminateInstances {
                instance_ids: vec![ids[0].clone(), ids[0].clone()],
            },
            None,
        );
        let i = t.i(&ids[0]);
        assert_eq!(
            (i.state, i.terminated),
            (InstanceState::Terminated, Some(t.ctx.now))
        );
        assert!(t.w.network_interfaces.get(&eni0).is_none());
        assert!(primary_interface(&t.w, t.i(&ids[0])).is_none());
        assert_eq!(t.free(&s), 250);
        // Terminating again is a no-op; the instance stays visible for an hour.
        t.check(
            Cmd::TerminateInstances {
                instance_ids: vec![ids[0].clone()],
            },
            None,
        );
        t.w.tick(t.ctx.now + TERMINATED_RETENTION - 1);
        assert!(t.w.instances.get(&ids[0]).is_some());
        t.w.tick(t.ctx.now + TERMINATED_RETENTION);
        assert!(t.w.instances.get(&ids[0]).is_none());
        assert!(t.w.instances.get(&ids[1]).is_some());
        // A stale timer does nothing.
        on_timer(&mut t.w, &ids[1], t.ctx.now + DAY);
        assert!(t.w.instances.get(&ids[1]).is_some());
    }

    #[test]
    fn termination_and_stop_protection() {
        let mut t = T::new();
        let (_, s) = t.net();
        let ids = t.launch(Launch {
            disable_api_termination: true,
            disable_api_stop: true,
            ..launch(Some(&s), 1, 1)
        });
        let id = ids[0].clone();
        t.check(
            Cmd::TerminateInstances {
                instance_ids: ids.clone(),
            },
            Some("OperationNotPermitted"),
        );
        t.check(
            Cmd::StopInstances {
                instance_ids: ids.clone(),
            },
            Some("OperationNotPermitted"),
        );
        let modify = |change| Cmd::ModifyInstance {
            instance_id: id.clone(),
            change,
        };
        t.check(modify(InstanceChange::DisableApiTermination(false)), None);
        t.check(modify(InstanceChange::DisableApiStop(false)), None);
        t.check(
            Cmd::StopInstances {
                instance_ids: ids.clone(),
            },
            None,
        );
        t.check(Cmd::TerminateInstances { instance_ids: ids }, None);
    }

    #[test]
    fn stop_and_start() {
        let mut t = T::new();
        let ids = t.launch(launch(None, 1, 1));
        let id = ids[0].clone();
        let eni_id = t.i(&id).network_interface_id.clone();
        let first_ip = t.e(&eni_id).public_ip;
        assert!(first_ip.is_some());
        t.check(
            Cmd::StopInstances {
                instance_ids: ids.clone(),
            },
            None,
        );
        assert_eq!(t.i(&id).state, InstanceState::Stopped);
        assert!(t.e(&eni_id).public_ip.is_none());
        t.check(
            Cmd::StopInstances {
                instance_ids: ids.clone(),
            },
            None,
        );
        t.check(
            Cmd::StartInstances {
                instance_ids: ids.clone(),
            },
            None,
        );
        assert_eq!(t.i(&id).state, InstanceState::Running);
        let second = t.e(&eni_id).public_ip;
        assert!(second.is_some() && second != first_ip);
        t.check(
            Cmd::StartInstances {
                instance_ids: ids.clone(),
            },
            None,
        );
        t.check(
            Cmd::TerminateInstances {
                instance_ids: ids.clone(),
            },
            None,
        );
        t.check(
            Cmd::StopInstances {
                instance_ids: ids.clone(),
            },
            Some("IncorrectInstanceState"),
        );
        t.check(
            Cmd::StartInstances { instance_ids: ids },
            Some("IncorrectInstanceState"),
        );
    }

    #[test]
    fn modify_instance() {
        let mut t = T::new();
        let (v, s) = t.net();
        let web = t.sg(&v, "web");
        let other = t.vpc("10.1.0.0/16");
        let foreign = t.sg(&other, "x");
        let id = t.launch(launch(Some(&s), 1, 1))[0].clone();
        let eni_id = t.i(&id).network_interface_id.clone();
        let m = |change| Cmd::ModifyInstance {
            instance_id: id.clone(),
            change,
        };
        t.check(m(InstanceChange::SourceDestCheck(false)), None);
        assert!(!t.e(&eni_id).source_dest_check);
        t.check(m(InstanceChange::Groups(vec![web.clone()])), None);
        assert_eq!(t.e(&eni_id).groups, vec![web]);
        t.check(
            m(InstanceChange::Groups(vec![foreign])),
            Some("InvalidParameter"),
        );
        t.check(
            m(InstanceChange::InstanceType("m5.large".into())),
            Some("IncorrectInstanceState"),
        );
        t.check(
            Cmd::StopInstances {
                instance_ids: vec![id.clone()],
            },
            None,
        );
        t.check(
            m(InstanceChange::InstanceType("bogus".into())),
            Some("InvalidParameterValue"),
        );
        t.check(m(InstanceChange::InstanceType("m5.large".into())), None);
        assert_eq!(t.i(&id).instance_type, "m5.large");
        t.check(
            Cmd::TerminateInstances {
                instance_ids: vec![id.clone()],
            },
            None,
        );
        t.check(
            m(InstanceChange::SourceDestCheck(true)),
            Some("IncorrectInstanceState"),
        );
        t.check(
            Cmd::ModifyInstance {
                instance_id: "i-0123456789abcdef0".into(),
                change: InstanceChange::SourceDestCheck(true),
            },
            Some("InvalidInstanceID.NotFound"),
        );
    }

    fn ids_of<T: Resource>(items: Vec<&T>) -> Vec<String> {
        items.into_iter().map(|i| i.id().to_string()).collect()
    }

    #[test]
    fn describe_interfaces_filters() {
        let mut t = T::new();
        let (v, s) = t.net();
        let web = t.sg(&v, "web");
        let plain = t.eni(InterfaceSpec {
            description: Some("plain one".into()),
            ..in_subnet(&s)
        });
        let i = t.launch(Launch {
            security_group_ids: vec![web.clone()],
            ..launch(Some(&s), 1, 1)
        })[0]
            .clone();
        let attached = t.i(&i).network_interface_id.clone();
        let mac = t.e(&plain).mac_address.clone();
        let att = t.e(&attached).attachment.clone().unwrap().id;
        let ctx = t.ctx.clone();
        let cases: Vec<(Filter, Vec<&str>)> = vec![
            (Filter::new("network-interface-id", &[&plain]), vec![&plain]),
            (Filter::new("subnet-id", &[&s]), vec![&plain, &attached]),
            (Filter::new("vpc-id", &[&v]), vec![&plain, &attached]),
            (Filter::new("status", &["in-use"]), vec![&attached]),
            (Filter::new("status", &["available"]), vec![&plain]),
            (
                Filter::new("attachment.instance-id", &[&i]),
                vec![&attached],
            ),
            (
                Filter::new("attachment.attachment-id", &[&att]),
                vec![&attached],
            ),
            (
                Filter::new("attachment.status", &["attached"]),
                vec![&attached],
            ),
            (
                Filter::new("attachment.device-index", &["0"]),
                vec![&attached],
            ),
            (Filter::new("group-id", &[&web]), vec![&attached]),
            (Filter::new("group-name", &["default"]), vec![&plain]),
            (
                Filter::new("private-ip-address", &["10.0.1.5"]),
                vec![&attached],
            ),
            (
                Filter::new("addresses.private-ip-address", &["10.0.1.4"]),
                vec![&plain],
            ),
            (Filter::new("description", &["plain*"]), vec![&plain]),
            (Filter::new("mac-address", &[&mac]), vec![&plain]),
            (
                Filter::new("interface-type", &["interface"]),
                vec![&plain, &attached],
            ),
            (
                Filter::new("requester-managed", &["false"]),
                vec![&plain, &attached],
            ),
            (
                Filter::new("source-dest-check", &["true"]),
                vec![&plain, &attached],
            ),
            (Filter::new("owner-id", &[A]), vec![&plain, &attached]),
            (
                Filter::new("availability-zone", &["us-east-1a"]),
                vec![&plain, &attached],
            ),
            (
                Filter::new("private-dns-name", &["ip-10-0-1-4.ec2.internal"]),
                vec![&plain],
            ),
            (Filter::new("association.public-ip", &["*"]), vec![]),
        ];
        for (f, want) in cases {
            let label = format!("{f:?}");
            let mut got = ids_of(describe(&t.w, &ctx, &[], &[f]).unwrap());
            let mut want: Vec<String> = want.into_iter().map(str::to_string).collect();
            got.sort();
            want.sort();
            assert_eq!(got, want, "{label}");
        }
        let e = describe(&t.w, &ctx, &[], &[Filter::new("bogus", &["x"])]).unwrap_err();
        assert_eq!(e.code, "InvalidParameterValue");
        let e = describe(&t.w, &ctx, &["eni-0123456789abcdef0".into()], &[]).unwrap_err();
        assert_eq!(e.code, "InvalidNetworkInterfaceID.NotFound");
        // Account B sees none of A's interfaces.
        let ctx_b = t.as_account(B);
        assert!(describe(&t.w, &ctx_b, &[], &[]).unwrap().is_empty());
        let e = describe(&t.w, &ctx_b, std::slice::from_ref(&plain), &[]).unwrap_err();
        assert_eq!(e.code, "InvalidNetworkInterfaceID.NotFound");
    }

    #[test]
    fn describe_instances_filters() {
        let mut t = T::new();
        let (v, s) = t.net();
        let a = t.launch(Launch {
            instance_type: Some("t3.nano".into()),
            ..launch(Some(&s), 1, 1)
        })[0]
            .clone();
        let b = t.launch(launch(None, 1, 1))[0].clone();
        let res_a = t.i(&a).reservation_id.clone();
        let eni_a = t.i(&a).network_interface_id.clone();
        t.check(
            Cmd::StopInstances {
                instance_ids: vec![a.clone()],
            },
            None,
        );
        let public_b = t
            .e(&t.i(&b).network_interface_id.clone())
            .public_ip
            .unwrap()
            .to_string();
        let ctx = t.ctx.clone();
        let cases: Vec<(Filter, Vec<&str>)> = vec![
            (Filter::new("instance-id", &[&a]), vec![&a]),
            (Filter::new("instance-state-name", &["stopped"]), vec![&a]),
            (Filter::new("instance-state-code", &["16"]), vec![&b]),
            (Filter::new("instance-type", &["t3.*"]), vec![&a]),
            (Filter::new("image-id", &["ami-12345678"]), vec![&a, &b]),
            (Filter::new("ip-address", &[&public_b]), vec![&b]),
            (Filter::new("private-ip-address", &["10.0.1.4"]), vec![&a]),
            (Filter::new("reservation-id", &[&res_a]), vec![&a]),
            (Filter::new("subnet-id", &[&s]), vec![&a]),
            (Filter::new("vpc-id", &[&v]), vec![&a]),
            (Filter::new("owner-id", &[A]), vec![&a, &b]),
            (
                Filter::new("availability-zone", &["us-east-1a"]),
                vec![&a, &b],
            ),
            (
                Filter::new("network-interface.network-interface-id", &[&eni_a]),
                vec![&a],
            ),
            (
                Filter::new("instance.group-name", &["default"]),
                vec![&a, &b],
            ),
            (Filter::new("architecture", &["x86_64"]), vec![&a, &b]),
        ];
        for (f, want) in cases {
            let label = format!("{f:?}");
            let mut got = ids_of(describe_instances(&t.w, &ctx, &[], &[f]).unwrap());
            let mut want: Vec<String> = want.into_iter().map(str::to_string).collect();
            got.sort();
            want.sort();
            assert_eq!(got, want, "{label}");
        }
        let e = describe_instances(&t.w, &ctx, &[], &[Filter::new("nope", &["x"])]).unwrap_err();
        assert_eq!(e.code, "InvalidParameterValue");
        let e = describe_instances(&t.w, &ctx, &["i-0123456789abcdef0".into()], &[]).unwrap_err();
        assert_eq!(
            (e.code.as_str(), e.message.as_str()),
            (
                "InvalidInstanceID.NotFound",
                "The instance ID 'i-0123456789abcdef0' does not exist"
            )
        );
        let ctx_b = t.as_account(B);
        assert!(describe_instances(&t.w, &ctx_b, &[], &[])
            .unwrap()
            .is_empty());
        let e = describe_instances(&t.w, &ctx_b, std::slice::from_ref(&a), &[]).unwrap_err();
        assert_eq!(e.code, "InvalidInstanceID.NotFound");
    }

    #[test]
    fn dns_names() {
        assert_eq!(
            private_dns_name("us-east-1", ip("10.0.1.5")),
            "ip-10-0-1-5.ec2.internal"
        );
        assert_eq!(
            private_dns_name("eu-west-1", ip("10.0.1.5")),
            "ip-10-0-1-5.eu-west-1.compute.internal"
        );
        assert_eq!(
            public_dns_name("us-east-1", ip("18.0.0.1")),
            "ec2-18-0-0-1.compute-1.amazonaws.com"
        );
        assert_eq!(
            public_dns_name("eu-west-1", ip("18.0.0.1")),
            "ec2-18-0-0-1.eu-west-1.compute.amazonaws.com"
        );
    }
}
