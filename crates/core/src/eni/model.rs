//! The eni area's data: interfaces, their attachments, instances, the commands and their
//! payloads. Plain data and small pure methods; behaviour lives beside this file.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};
use serde::{Deserialize, Serialize};

use crate::table::Resource;
use crate::tags::TagSpec;
use crate::world::Scope;
use crate::{Millis, HOUR};

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
    /// IPv4 prefixes (/28) delegated from the subnet, each counted as one private address.
    #[serde(default)]
    pub ipv4_prefixes: Vec<Ipv4Net>,
    /// IPv6 prefixes (/80) delegated from the subnet, each counted as one IPv6 address.
    #[serde(default)]
    pub ipv6_prefixes: Vec<Ipv6Net>,
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
    /// The primary private IPv4 address; none for an interface in an IPv6-only subnet.
    pub fn primary_ip(&self) -> Option<Ipv4Addr> {
        self.private_ips.first().copied()
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
    /// Prefix delegation: named prefixes (as given) or counts (boxed: rarely asked for).
    #[serde(default)]
    pub prefixes: Box<PrefixSpec>,
}

/// The prefixes a new interface or an Assign call asks for: named ones (as given, parsed
/// by the core) or a count, per family.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefixSpec {
    pub v4: Vec<String>,
    pub v4_count: Option<i64>,
    pub v6: Vec<String>,
    pub v6_count: Option<i64>,
}

impl PrefixSpec {
    /// Whether any prefix is asked for.
    pub fn is_empty(&self) -> bool {
        self.v4.is_empty()
            && self.v4_count.is_none()
            && self.v6.is_empty()
            && self.v6_count.is_none()
    }
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
        /// `Ipv4Prefix.N` (as given); output lists them after the addresses.
        #[serde(default)]
        prefixes: Vec<String>,
        #[serde(default)]
        prefix_count: Option<i64>,
    },
    UnassignPrivateIps {
        network_interface_id: String,
        addresses: Vec<Ipv4Addr>,
        #[serde(default)]
        prefixes: Vec<String>,
    },
    /// AssignIpv6Addresses. Output: the assigned addresses, then the assigned prefixes.
    AssignIpv6 {
        network_interface_id: String,
        addresses: Vec<Ipv6Addr>,
        count: Option<i64>,
        /// `Ipv6Prefix.N` (as given).
        #[serde(default)]
        prefixes: Vec<String>,
        #[serde(default)]
        prefix_count: Option<i64>,
    },
    /// UnassignIpv6Addresses. Output: the unassigned addresses, then the unassigned prefixes.
    UnassignIpv6 {
        network_interface_id: String,
        addresses: Vec<Ipv6Addr>,
        #[serde(default)]
        prefixes: Vec<String>,
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

/// A requester-managed interface an interface endpoint places in one of its subnets. It is
/// checked as the account's own interfaces are (groups default to the VPC's default group)
/// and attached to its owner as they are (`eni-attach-…`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ManagedInterface {
    pub subnet_id: String,
    /// `vpc_endpoint`, `gateway_load_balancer_endpoint`, …
    pub interface_type: String,
    pub description: String,
    /// The service principal shown as `requesterId`.
    pub requester_id: String,
    /// Security group ids, checked; empty → the VPC's default group.
    pub groups: Vec<String>,
    /// Whether the interface shows its groups; a Gateway Load Balancer endpoint's shows none
    /// (its groups are still checked).
    pub takes_groups: bool,
    pub private_ip: Option<Ipv4Addr>,
    /// The interface's IPv6 address, if any.
    pub ipv6: ManagedIpv6,
    /// Shown as attached to this owner (e.g. `amazon-aws`), without an instance.
    pub attached_to: Option<String>,
}

/// The IPv6 address of a managed interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManagedIpv6 {
    None,
    /// This address (checked by the caller).
    Given(Ipv6Addr),
    /// An address drawn from the subnet's first IPv6 block, if it has one.
    Drawn,
}

/// An interface a service places for itself (a NAT gateway's, a load-balancer node's):
/// requester-managed, attached to the service (`ela-attach-…`), its groups kept as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceInterface {
    pub subnet_id: String,
    /// `nat_gateway`, `network_load_balancer`, …
    pub interface_type: String,
    pub description: String,
    /// The service principal, shown as `requesterId` and as the attachment's owner.
    pub requester_id: String,
    /// Security group ids, as given (a NAT gateway's interface has none).
    pub groups: Vec<String>,
    pub source_dest_check: bool,
    /// The private IPv4 address asked for, else the subnet's next free one.
    pub private_ip: Option<Ipv4Addr>,
    /// Whether the interface gets an Amazon public IPv4 address (internet-facing nodes).
    pub public_ip: bool,
    pub id_order: IdOrder,
}

/// The order a service interface's attachment id and MAC address are drawn from the id
/// generator. A replayed journal must hand out the ids it acknowledged, so each service keeps
/// the order its interfaces have always been made in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdOrder {
    /// The attachment id, then the MAC (NAT gateways).
    AttachmentFirst,
    /// The MAC, then the attachment id (load-balancer nodes).
    MacFirst,
}
