//! The transit-gateway area's data: transit gateways, their VPC attachments, their route
//! tables with static routes, and the commands. Plain data and small methods.

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use crate::tags::TagSpec;
use crate::world::Scope;
use crate::{Millis, HOUR};

pub use super::peering_model::{Side, TgwPeeringAttachment};

/// How long deleted transit gateways, attachments and route tables stay describable.
pub const DELETED_RETENTION: Millis = HOUR;

/// The Amazon side ASN a transit gateway gets when none is given.
pub const DEFAULT_AMAZON_ASN: u64 = 64512;

/// Who requests a transit-gateway attachment's network interfaces.
pub const REQUESTER_ID: &str = "amazon-aws";

/// Lifecycle of a transit gateway or a transit-gateway route table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    Pending,
    Available,
    Deleting,
    Deleted,
}

impl State {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            State::Pending => "pending",
            State::Available => "available",
            State::Deleting => "deleting",
            State::Deleted => "deleted",
        }
    }

    /// Not yet deleting or gone.
    pub fn is_live(self) -> bool {
        matches!(self, State::Pending | State::Available)
    }
}

/// Lifecycle of an attachment, VPC, VPN or peering (`TransitGatewayAttachmentState`, the
/// states openvpc enters: only a peering request is ever initiating or failed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AttachmentState {
    InitiatingRequest,
    PendingAcceptance,
    Pending,
    Available,
    Deleting,
    Deleted,
    Rejected,
    Failed,
}

impl AttachmentState {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentState::InitiatingRequest => "initiatingRequest",
            AttachmentState::PendingAcceptance => "pendingAcceptance",
            AttachmentState::Pending => "pending",
            AttachmentState::Available => "available",
            AttachmentState::Deleting => "deleting",
            AttachmentState::Deleted => "deleted",
            AttachmentState::Rejected => "rejected",
            AttachmentState::Failed => "failed",
        }
    }

    /// Not yet deleting, deleted, rejected or failed.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            AttachmentState::InitiatingRequest
                | AttachmentState::PendingAcceptance
                | AttachmentState::Pending
                | AttachmentState::Available
        )
    }
}

/// A transit gateway's options (`TransitGatewayOptions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TgwOptions {
    pub amazon_side_asn: u64,
    pub auto_accept_shared_attachments: bool,
    pub default_route_table_association: bool,
    pub default_route_table_propagation: bool,
    pub association_default_route_table_id: Option<String>,
    pub propagation_default_route_table_id: Option<String>,
    pub dns_support: bool,
    pub vpn_ecmp_support: bool,
    pub security_group_referencing_support: bool,
    pub multicast_support: bool,
    pub cidr_blocks: Vec<IpNet>,
}

/// A transit gateway (`tgw-`): a Regional router between attachments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TransitGateway {
    pub id: String,
    pub scope: Scope,
    pub description: Option<String>,
    pub options: TgwOptions,
    pub state: State,
    pub created: Millis,
    pub purge_at: Option<Millis>,
}

/// A VPC attachment's options.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpcAttachmentOptions {
    pub dns_support: bool,
    pub ipv6_support: bool,
    pub appliance_mode_support: bool,
    pub security_group_referencing_support: bool,
}

/// A VPC attachment (`tgw-attach-`), kept in the scope of the VPC's owner; the transit
/// gateway's owner sees it too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TgwAttachment {
    pub id: String,
    pub scope: Scope,
    pub transit_gateway_id: String,
    /// The account that owns the transit gateway.
    pub transit_gateway_owner: String,
    pub vpc_id: String,
    /// One subnet per Availability Zone, in the order given.
    pub subnet_ids: Vec<String>,
    /// The attachment's network interface in each subnet (same order as `subnet_ids`).
    pub interfaces: Vec<String>,
    pub options: VpcAttachmentOptions,
    pub state: AttachmentState,
    /// The transit-gateway route table the attachment is associated with.
    pub association: Option<String>,
    pub created: Millis,
    pub purge_at: Option<Millis>,
    /// A VPN attachment's Site-to-Site VPN connection (`vpc_id` and `subnet_ids` are empty);
    /// `None` for a VPC attachment.
    #[serde(default)]
    pub vpn_connection_id: Option<String>,
}

impl TgwAttachment {
    /// `resourceType` on the wire: `vpn` or `vpc`.
    pub fn resource_type(&self) -> &'static str {
        if self.vpn_connection_id.is_some() {
            "vpn"
        } else {
            "vpc"
        }
    }

    /// `resourceId` on the wire: the VPN connection or the VPC.
    pub fn resource_id(&self) -> &str {
        self.vpn_connection_id.as_deref().unwrap_or(&self.vpc_id)
    }

    /// Whether this is a VPC attachment (the kind the `…VpcAttachment` actions manage).
    pub fn is_vpc(&self) -> bool {
        self.vpn_connection_id.is_none()
    }

    /// Whether the account of `scope` (in the attachment's Region) sees the attachment: the
    /// VPC's owner and the transit gateway's owner do.
    pub fn visible_to(&self, scope: &Scope) -> bool {
        self.scope.region == scope.region
            && (self.scope.account == scope.account || self.transit_gateway_owner == scope.account)
    }
}

/// Where a static route sends traffic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RouteTarget {
    Attachment(String),
    /// A blackhole route drops what it matches.
    Blackhole,
}

impl RouteTarget {
    /// The attachment traffic goes to (`None`: blackhole).
    pub fn attachment(&self) -> Option<String> {
        match self {
            RouteTarget::Attachment(a) => Some(a.clone()),
            RouteTarget::Blackhole => None,
        }
    }
}

/// A static route of a transit-gateway route table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaticRoute {
    pub destination: IpNet,
    pub target: RouteTarget,
}

/// A prefix-list reference of a transit-gateway route table: each entry of the list is a
/// route of the table to `target`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefixListRef {
    pub prefix_list_id: String,
    pub target: RouteTarget,
}

/// A transit-gateway route table (`tgw-rtb-`), in the transit gateway owner's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TgwRouteTable {
    pub id: String,
    pub scope: Scope,
    pub transit_gateway_id: String,
    pub state: State,
    /// Attachments whose routes propagate into the table, in the order enabled.
    pub propagations: Vec<String>,
    pub routes: Vec<StaticRoute>,
    pub created: Millis,
    pub purge_at: Option<Millis>,
    /// Prefix-list references, in the order made.
    #[serde(default)]
    pub prefix_list_refs: Vec<PrefixListRef>,
}

/// How a route came to be (`type` on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RouteType {
    Static,
    Propagated,
}

impl RouteType {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RouteType::Static => "static",
            RouteType::Propagated => "propagated",
        }
    }
}

/// A route as a table holds it in effect: static routes, and the routes of propagating
/// attachments that no static route to the same prefix overrides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableRoute {
    pub destination: IpNet,
    /// The attachment the route sends to (`None`: blackhole).
    pub attachment: Option<String>,
    pub route_type: RouteType,
    /// The prefix list whose entry the route is (a prefix-list reference's route).
    pub prefix_list_id: Option<String>,
}

impl TableRoute {
    /// `active` or `blackhole`.
    pub fn state(&self) -> &'static str {
        if self.attachment.is_some() {
            "active"
        } else {
            "blackhole"
        }
    }
}

crate::table::impl_resource!(TransitGateway, TgwAttachment, TgwRouteTable);

/// CreateTransitGateway's options; `None` takes AWS's default.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewTgwOptions {
    pub amazon_side_asn: Option<u64>,
    pub auto_accept_shared_attachments: Option<bool>,
    pub default_route_table_association: Option<bool>,
    pub default_route_table_propagation: Option<bool>,
    pub dns_support: Option<bool>,
    pub vpn_ecmp_support: Option<bool>,
    pub security_group_referencing_support: Option<bool>,
    pub multicast_support: Option<bool>,
    pub cidr_blocks: Vec<IpNet>,
}

/// ModifyTransitGateway's options; `None` leaves a value as it is.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TgwChanges {
    pub amazon_side_asn: Option<u64>,
    pub auto_accept_shared_attachments: Option<bool>,
    pub default_route_table_association: Option<bool>,
    pub default_route_table_propagation: Option<bool>,
    pub association_default_route_table_id: Option<String>,
    pub propagation_default_route_table_id: Option<String>,
    pub dns_support: Option<bool>,
    pub vpn_ecmp_support: Option<bool>,
    pub security_group_referencing_support: Option<bool>,
    pub add_cidr_blocks: Vec<IpNet>,
    pub remove_cidr_blocks: Vec<IpNet>,
}

/// A VPC attachment's options as requested; `None` takes the default (or, on modify,
/// leaves the value).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentOptionChanges {
    pub dns_support: Option<bool>,
    pub ipv6_support: Option<bool>,
    pub appliance_mode_support: Option<bool>,
    pub security_group_referencing_support: Option<bool>,
}

/// Transit-gateway commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    CreateTransitGateway {
        description: Option<String>,
        options: NewTgwOptions,
        tags: Vec<TagSpec>,
    },
    ModifyTransitGateway {
        transit_gateway_id: String,
        description: Option<String>,
        changes: TgwChanges,
    },
    DeleteTransitGateway {
        transit_gateway_id: String,
    },
    CreateVpcAttachment {
        transit_gateway_id: String,
        vpc_id: String,
        subnet_ids: Vec<String>,
        options: AttachmentOptionChanges,
        tags: Vec<TagSpec>,
    },
    ModifyVpcAttachment {
        attachment_id: String,
        add_subnet_ids: Vec<String>,
        remove_subnet_ids: Vec<String>,
        options: AttachmentOptionChanges,
    },
    DeleteVpcAttachment {
        attachment_id: String,
    },
    AcceptVpcAttachment {
        attachment_id: String,
    },
    RejectVpcAttachment {
        attachment_id: String,
    },
    CreateRouteTable {
        transit_gateway_id: String,
        tags: Vec<TagSpec>,
    },
    DeleteRouteTable {
        route_table_id: String,
    },
    Associate {
        route_table_id: String,
        attachment_id: String,
    },
    Disassociate {
        route_table_id: String,
        attachment_id: String,
    },
    EnablePropagation {
        route_table_id: String,
        attachment_id: String,
    },
    DisablePropagation {
        route_table_id: String,
        attachment_id: String,
    },
    CreateRoute {
        route_table_id: String,
        destination: IpNet,
        attachment_id: Option<String>,
        blackhole: bool,
    },
    DeleteRoute {
        route_table_id: String,
        destination: IpNet,
    },
    ReplaceRoute {
        route_table_id: String,
        destination: IpNet,
        attachment_id: Option<String>,
        blackhole: bool,
    },
    CreatePeeringAttachment(super::peering::PeeringRequest),
    AcceptPeeringAttachment {
        attachment_id: String,
    },
    RejectPeeringAttachment {
        attachment_id: String,
    },
    DeletePeeringAttachment {
        attachment_id: String,
    },
    CreatePrefixListReference {
        route_table_id: String,
        prefix_list_id: String,
        attachment_id: Option<String>,
        blackhole: bool,
    },
    ModifyPrefixListReference {
        route_table_id: String,
        prefix_list_id: String,
        attachment_id: Option<String>,
        blackhole: bool,
    },
    DeletePrefixListReference {
        route_table_id: String,
        prefix_list_id: String,
    },
}
