//! Internet gateways, egress-only internet gateways, NAT gateways and Elastic IPs.
//!
//! Rules (spec §4.8, §5): an internet gateway is attached to at most one VPC and a VPC has
//! at most one; it cannot be detached while public addresses of the VPC are mapped nor
//! deleted while attached. Elastic IPs are allocated from openvpc's synthetic public pool
//! and mapped onto a private address of a network interface whose VPC has an internet
//! gateway. NAT gateways own a requester-managed interface; their problems do not fail
//! the request but send the gateway to `failed`. Their lifecycle is driven by timers.

use std::net::Ipv4Addr;

use serde::{Deserialize, Serialize};

use crate::config::quota;
use crate::eni::{Attachment, InstanceState, NetworkInterface};
use crate::error::{ApiError, ErrorCode, Result};
use crate::filter::{self, Filter};
use crate::table::Resource;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, TimerKind, World};
use crate::{subnet, vpc, Kind, Millis, Output, HOUR};

/// How long deleted and failed NAT gateways stay describable.
pub const NAT_RETENTION: Millis = HOUR;

/// An internet gateway, attached to at most one VPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternetGateway {
    pub id: String,
    pub scope: Scope,
    pub attachment: Option<String>,
}

impl Resource for InternetGateway {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// An egress-only internet gateway (IPv6 outbound only), bound to one VPC.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EgressOnlyGateway {
    pub id: String,
    pub scope: Scope,
    pub vpc_id: String,
}

impl Resource for EgressOnlyGateway {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// NAT gateway lifecycle states (wire spelling via [`NatState::as_str`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NatState {
    Pending,
    Failed,
    Available,
    Deleting,
    Deleted,
}

impl NatState {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            NatState::Pending => "pending",
            NatState::Failed => "failed",
            NatState::Available => "available",
            NatState::Deleting => "deleting",
            NatState::Deleted => "deleted",
        }
    }

    /// Whether the gateway still exists for routing and quota purposes.
    pub fn is_live(self) -> bool {
        matches!(
            self,
            NatState::Pending | NatState::Available | NatState::Deleting
        )
    }
}

/// A NAT gateway. Public ones hold an Elastic IP; private ones do not.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NatGateway {
    pub id: String,
    pub scope: Scope,
    pub vpc_id: String,
    pub subnet_id: String,
    pub public: bool,
    pub allocation_id: Option<String>,
    /// The Elastic IP association made for the gateway (public gateways).
    pub association_id: Option<String>,
    pub network_interface_id: Option<String>,
    pub private_ip: Option<Ipv4Addr>,
    pub public_ip: Option<Ipv4Addr>,
    pub state: NatState,
    /// (failureCode, failureMessage): decided at creation, shown once `failed`.
    pub failure: Option<(ErrorCode, String)>,
    pub created: Millis,
    pub deleted: Option<Millis>,
    /// When the current step (pending/deleting end, purge of failed/deleted) falls due.
    pub step_due: Millis,
}

impl Resource for NatGateway {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// An Elastic IP's association with a network interface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressAssociation {
    pub association_id: String,
    pub network_interface_id: String,
    pub instance_id: Option<String>,
    pub private_ip: Ipv4Addr,
}

/// An Elastic IP address (`id` is the allocation id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub id: String,
    pub scope: Scope,
    pub public_ip: Ipv4Addr,
    pub association: Option<AddressAssociation>,
}

impl Resource for Address {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// Gateway and address commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    CreateInternetGateway {
        tags: Vec<TagSpec>,
    },
    AttachInternetGateway {
        internet_gateway_id: String,
        vpc_id: String,
    },
    DetachInternetGateway {
        internet_gateway_id: String,
        vpc_id: String,
    },
    DeleteInternetGateway {
        internet_gateway_id: String,
    },
    CreateEgressOnlyInternetGateway {
        vpc_id: String,
        client_token: Option<String>,
        tags: Vec<TagSpec>,
    },
    DeleteEgressOnlyInternetGateway {
        egress_only_internet_gateway_id: String,
    },
    AllocateAddress {
        tags: Vec<TagSpec>,
    },
    ReleaseAddress {
        allocation_id: Option<String>,
        public_ip: Option<Ipv4Addr>,
    },
    AssociateAddress {
        allocation_id: Option<String>,
        public_ip: Option<Ipv4Addr>,
        instance_id: Option<String>,
        network_interface_id: Option<String>,
        private_ip: Option<Ipv4Addr>,
        allow_reassociation: bool,
    },
    DisassociateAddress {
        association_id: Option<String>,
        public_ip: Option<Ipv4Addr>,
    },
    CreateNatGateway {
        subnet_id: String,
        public: bool,
        allocation_id: Option<String>,
        private_ip: Option<Ipv4Addr>,
        client_token: Option<String>,
        tags: Vec<TagSpec>,
    },
    DeleteNatGateway {
        nat_gateway_id: String,
    },
}

impl Cmd {
    /// The command's `ClientToken`, if any.
    pub fn client_token(&self) -> Option<&str> {
        match self {
            Cmd::CreateNatGateway { client_token, .. }
            | Cmd::CreateEgressOnlyInternetGateway { client_token, .. } => client_token.as_deref(),
            _ => None,
        }
    }
}

/// `InvalidAddress.NotFound` for a public IP the caller does not hold.
pub fn address_not_found(ip: &Ipv4Addr) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidAddressNotFound,
        format!("Address '{ip}' not found."),
    )
}

/// The internet gateway attached to `vpc_id`, if any.
pub fn attached_igw<'w>(w: &'w World, vpc_id: &str) -> Option<&'w InternetGateway> {
    w.internet_gateways
        .values()
        .find(|g| g.attachment.as_deref() == Some(vpc_id))
}

/// Whether any public IPv4 address is mapped onto an interface of `vpc_id`.
pub fn vpc_has_mapped_public_ips(w: &World, vpc_id: &str) -> bool {
    let eni_in_vpc = |id: &str| {
        w.network_interfaces
            .get(id)
            .is_some_and(|e| e.vpc_id == vpc_id)
    };
    w.network_interfaces
        .values()
        .any(|e| e.vpc_id == vpc_id && e.public_ip.is_some())
        || w.addresses.values().any(|a| {
            a.association
                .as_ref()
                .is_some_and(|x| eni_in_vpc(&x.network_interface_id))
        })
}

/// Applies a gateway command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::CreateInternetGateway { tags: specs } => create_igw(w, ctx, &specs),
        Cmd::AttachInternetGateway {
            internet_gateway_id,
            vpc_id,
        } => attach_igw(w, ctx, &internet_gateway_id, &vpc_id),
        Cmd::DetachInternetGateway {
            internet_gateway_id,
            vpc_id,
        } => detach_igw(w, ctx, &internet_gateway_id, &vpc_id),
        Cmd::DeleteInternetGateway {
            internet_gateway_id,
        } => delete_igw(w, ctx, &internet_gateway_id),
        Cmd::CreateEgressOnlyInternetGateway {
            vpc_id,
            tags: specs,
            ..
        } => {
            let scope = ctx.scope();
            vpc::get(w, &scope, &vpc_id)?;
            tags::check_specs(&specs, "egress-only-internet-gateway")?;
            let id = w.ids.id(Kind::EgressOnlyInternetGateway);
            w.egress_only_gateways.insert(EgressOnlyGateway {
                id: id.clone(),
                scope: scope.clone(),
                vpc_id,
            });
            tags::apply_specs(w, &scope, &id, &specs);
            Ok(Output::Id(id))
        }
        Cmd::DeleteEgressOnlyInternetGateway {
            egress_only_internet_gateway_id: id,
        } => {
            w.egress_only_gateways
                .get_in(&ctx.scope(), &id)
                .ok_or_else(|| Kind::EgressOnlyInternetGateway.not_found(&id))?;
            w.egress_only_gateways.remove(&id);
            tags::forget(w, &id);
            Ok(Output::Done)
        }
        Cmd::AllocateAddress { tags: specs } => allocate(w, ctx, &specs),
        Cmd::ReleaseAddress {
            allocation_id,
            public_ip,
        } => release(w, ctx, allocation_id.as_deref(), public_ip),
        Cmd::AssociateAddress {
            allocation_id,
            public_ip,
            instance_id,
            network_interface_id,
            private_ip,
            allow_reassociation,
        } => associate(
            w,
            ctx,
            allocation_id.as_deref(),
            public_ip,
            instance_id,
            network_interface_id,
            private_ip,
            allow_reassociation,
        ),
        Cmd::DisassociateAddress {
            association_id,
            public_ip,
        } => disassociate(w, ctx, association_id.as_deref(), public_ip),
        Cmd::CreateNatGateway {
            subnet_id,
            public,
            allocation_id,
            private_ip,
            tags: specs,
            ..
        } => create_nat(
            w,
            ctx,
            &subnet_id,
            public,
            allocation_id,
            private_ip,
            &specs,
        ),
        Cmd::DeleteNatGateway { nat_gateway_id } => delete_nat(w, ctx, &nat_gateway_id),
    }
}

// ---------------------------------------------------------------------------------------
// Internet gateways

fn get_igw<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w InternetGateway> {
    w.internet_gateways
        .get_in(scope, id)
        .ok_or_else(|| Kind::InternetGateway.not_found(id))
}

fn create_igw(w: &mut World, ctx: &Ctx, specs: &[TagSpec]) -> Result<Output> {
    let scope = ctx.scope();
    tags::check_specs(specs, "internet-gateway")?;
    if let Some(limit) = w
        .config
        .quotas
        .limit(&ctx.account, quota::INTERNET_GATEWAYS_PER_REGION)
    {
        if w.internet_gateways.count_in(&scope) >= limit as usize {
            return Err(ApiError::new(
                ErrorCode::InternetGatewayLimitExceeded,
                "The maximum number of internet gateways has been reached.",
            ));
        }
    }
    let id = w.ids.id(Kind::InternetGateway);
    w.internet_gateways.insert(InternetGateway {
        id: id.clone(),
        scope: scope.clone(),
        attachment: None,
    });
    tags::apply_specs(w, &scope, &id, specs);
    Ok(Output::Id(id))
}

fn attach_igw(w: &mut World, ctx: &Ctx, igw_id: &str, vpc_id: &str) -> Result<Output> {
    let scope = ctx.scope();
    let igw = get_igw(w, &scope, igw_id)?;
    vpc::get(w, &scope, vpc_id)?;
    if let Some(attached) = &igw.attachment {
        return Err(ApiError::new(
            ErrorCode::ResourceAlreadyAssociated,
            format!("resource {igw_id} is already attached to network {attached}"),
        ));
    }
    if attached_igw(w, vpc_id).is_some() {
        return Err(ApiError::invalid_value(format!(
            "Network {vpc_id} already has an internet gateway attached"
        )));
    }
    w.internet_gateways
        .get_mut(igw_id)
        .expect("checked")
        .attachment = Some(vpc_id.to_string());
    Ok(Output::Done)
}

fn detach_igw(w: &mut World, ctx: &Ctx, igw_id: &str, vpc_id: &str) -> Result<Output> {
    let scope = ctx.scope();
    let igw = get_igw(w, &scope, igw_id)?;
    vpc::get(w, &scope, vpc_id)?;
    if igw.attachment.as_deref() != Some(vpc_id) {
        return Err(ApiError::new(
            ErrorCode::GatewayNotAttached,
            format!("resource {igw_id} is not attached to network {vpc_id}"),
        ));
    }
    if vpc_has_mapped_public_ips(w, vpc_id) {
        return Err(ApiError::dependency(format!(
            "Network {vpc_id} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway."
        )));
    }
    w.internet_gateways
        .get_mut(igw_id)
        .expect("checked")
        .attachment = None;
    Ok(Output::Done)
}

fn delete_igw(w: &mut World, ctx: &Ctx, igw_id: &str) -> Result<Output> {
    let igw = get_igw(w, &ctx.scope(), igw_id)?;
    if igw.attachment.is_some() {
        return Err(ApiError::dependency(format!(
            "The internetGateway '{igw_id}' has dependencies and cannot be deleted."
        )));
    }
    w.internet_gateways.remove(igw_id);
    tags::forget(w, igw_id);
    Ok(Output::Done)
}

/// Creates an internet gateway attached to `vpc_id` (default VPC).
pub fn create_attached_igw(w: &mut World, scope: &Scope, vpc_id: &str) -> String {
    let id = w.ids.id(Kind::InternetGateway);
    w.internet_gateways.insert(InternetGateway {
        id: id.clone(),
        scope: scope.clone(),
        attachment: Some(vpc_id.to_string()),
    });
    id
}

// ---------------------------------------------------------------------------------------
// Elastic IPs

/// The caller's address named by allocation id (preferred) or public IP.
fn find_address<'w>(
    w: &'w World,
    scope: &Scope,
    allocation_id: Option<&str>,
    public_ip: Option<Ipv4Addr>,
) -> Result<&'w Address> {
    match (allocation_id, public_ip) {
        (Some(id), _) => w
            .addresses
            .get_in(scope, id)
            .ok_or_else(|| Kind::Address.not_found(id)),
        (None, Some(ip)) => w
            .addresses
            .in_scope(scope)
            .find(|a| a.public_ip == ip)
            .ok_or_else(|| address_not_found(&ip)),
        (None, None) => Err(ApiError::missing("AllocationId")),
    }
}

fn allocate(w: &mut World, ctx: &Ctx, specs: &[TagSpec]) -> Result<Output> {
    let scope = ctx.scope();
    tags::check_specs(specs, "elastic-ip")?;
    if let Some(limit) = w
        .config
        .quotas
        .limit(&ctx.account, quota::ADDRESSES_PER_REGION)
    {
        if w.addresses.count_in(&scope) >= limit as usize {
            return Err(ApiError::new(
                ErrorCode::AddressLimitExceeded,
                "The maximum number of addresses has been reached.",
            ));
        }
    }
    let id = w.ids.id(Kind::Address);
    let public_ip = w.counters.next_public_ip();
    w.addresses.insert(Address {
        id: id.clone(),
        scope: scope.clone(),
        public_ip,
        association: None,
    });
    tags::apply_specs(w, &scope, &id, specs);
    Ok(Output::Id(id))
}

fn release(
    w: &mut World,
    ctx: &Ctx,
    allocation_id: Option<&str>,
    public_ip: Option<Ipv4Addr>,
) -> Result<Output> {
    let addr = find_address(w, &ctx.scope(), allocation_id, public_ip)?;
    if addr.association.is_some() {
        return Err(ApiError::new(
            ErrorCode::InvalidIPAddressInUse,
            format!("Address {} is in use.", addr.public_ip),
        ));
    }
    let id = addr.id.clone();
    w.addresses.remove(&id);
    tags::forget(w, &id);
    Ok(Output::Done)
}

/// The NAT gateway whose interface is `eni_id`, if any.
fn nat_of_eni<'w>(w: &'w World, eni_id: &str) -> Option<&'w NatGateway> {
    w.nat_gateways
        .values()
        .find(|n| n.state.is_live() && n.network_interface_id.as_deref() == Some(eni_id))
}

#[allow(clippy::too_many_arguments)]
fn associate(
    w: &mut World,
    ctx: &Ctx,
    allocation_id: Option<&str>,
    public_ip: Option<Ipv4Addr>,
    instance_id: Option<String>,
    network_interface_id: Option<String>,
    private_ip: Option<Ipv4Addr>,
    allow_reassociation: bool,
) -> Result<Output> {
    let scope = ctx.scope();
    let addr = find_address(w, &scope, allocation_id, public_ip)?.clone();
    let eni_id =
        match (&instance_id, &network_interface_id) {
            (Some(_), Some(_)) => return Err(ApiError::invalid_combination(
                "You may specify either an instance ID or a network interface ID, but not both.",
            )),
            (None, None) => return Err(ApiError::missing("InstanceId")),
            (Some(i), None) => {
                let inst = w
                    .instances
                    .get_in(&scope, i)
                    .ok_or_else(|| Kind::Instance.not_found(i))?;
                if inst.state != InstanceState::Running {
                    return Err(ApiError::new(
                        ErrorCode::IncorrectInstanceState,
                        format!("The instance '{i}' is not in a valid state for this operation."),
                    ));
                }
                inst.network_interface_id.clone()
            }
            (None, Some(e)) => e.clone(),
        };
    let eni = w
        .network_interfaces
        .get_in(&scope, &eni_id)
        .ok_or_else(|| Kind::NetworkInterface.not_found(&eni_id))?;
    if eni.requester_managed {
        return Err(ApiError::not_permitted(format!(
            "The network interface '{eni_id}' is managed by another service and cannot be associated with an Elastic IP address."
        )));
    }
    let private_ip = private_ip.unwrap_or_else(|| eni.primary_ip());
    if !eni.private_ips.contains(&private_ip) {
        return Err(ApiError::invalid_value(format!(
            "The private IP address {private_ip} is not assigned to the network interface {eni_id}."
        )));
    }
    let vpc_id = eni.vpc_id.clone();
    let primary = eni.primary_ip();
    let attached_instance = eni.attachment.as_ref().and_then(|a| a.instance_id.clone());
    if attached_igw(w, &vpc_id).is_none() {
        return Err(ApiError::new(
            ErrorCode::GatewayNotAttached,
            format!("Network {vpc_id} is not attached to any internet gateway"),
        ));
    }
    if let Some(cur) = &addr.association {
        if cur.network_interface_id == eni_id && cur.private_ip == private_ip {
            return Ok(Output::Id(cur.association_id.clone()));
        }
        let held_by_service = w
            .network_interfaces
            .get(&cur.network_interface_id)
            .is_some_and(|e| e.requester_managed);
        if !allow_reassociation || held_by_service {
            return Err(ApiError::new(
                ErrorCode::ResourceAlreadyAssociated,
                format!(
                    "resource {} is already associated with associate-id {}",
                    addr.id, cur.association_id
                ),
            ));
        }
    }
    // Mutations from here on.
    unmap(w, &addr.id);
    let displaced: Vec<String> = w
        .addresses
        .values()
        .filter(|a| {
            a.association
                .as_ref()
                .is_some_and(|x| x.network_interface_id == eni_id && x.private_ip == private_ip)
        })
        .map(|a| a.id.clone())
        .collect();
    for id in displaced {
        unmap(w, &id);
    }
    let association_id = w.ids.id(Kind::AddressAssociation);
    let a = w.addresses.get_mut(&addr.id).expect("found");
    a.association = Some(AddressAssociation {
        association_id: association_id.clone(),
        network_interface_id: eni_id.clone(),
        instance_id: instance_id.or(attached_instance),
        private_ip,
    });
    if private_ip == primary {
        let e = w.network_interfaces.get_mut(&eni_id).expect("found");
        e.public_ip = Some(addr.public_ip);
        e.public_ip_allocation_id = Some(addr.id.clone());
    }
    Ok(Output::Id(association_id))
}

/// Drops an address's association, clearing the interface's public IP it provided.
fn unmap(w: &mut World, allocation_id: &str) {
    let Some(a) = w.addresses.get_mut(allocation_id) else {
        return;
    };
    let Some(assoc) = a.association.take() else {
        return;
    };
    if let Some(e) = w.network_interfaces.get_mut(&assoc.network_interface_id) {
        if e.public_ip_allocation_id.as_deref() == Some(allocation_id) {
            e.public_ip = None;
            e.public_ip_allocation_id = None;
        }
    }
}

fn disassociate(
    w: &mut World,
    ctx: &Ctx,
    association_id: Option<&str>,
    public_ip: Option<Ipv4Addr>,
) -> Result<Output> {
    let scope = ctx.scope();
    let addr = match (association_id, public_ip) {
        (Some(id), _) => w
            .addresses
            .in_scope(&scope)
            .find(|a| {
                a.association
                    .as_ref()
                    .is_some_and(|x| x.association_id == id)
            })
            .ok_or_else(|| Kind::AddressAssociation.not_found(id))?,
        (None, Some(ip)) => find_address(w, &scope, None, Some(ip))?,
        (None, None) => return Err(ApiError::missing("AssociationId")),
    };
    let Some(assoc) = &addr.association else {
        return Ok(Output::Done);
    };
    if let Some(nat) = nat_of_eni(w, &assoc.network_interface_id) {
        return Err(ApiError::not_permitted(format!(
            "The Elastic IP address {} is in use by NAT gateway {} and cannot be disassociated.",
            addr.id, nat.id
        )));
    }
    let id = addr.id.clone();
    unmap(w, &id);
    Ok(Output::Done)
}

/// Forgets the Elastic IP associations of an interface that is going away.
pub fn on_eni_deleted(w: &mut World, eni_id: &str) {
    let held: Vec<String> = w
        .addresses
        .values()
        .filter(|a| {
            a.association
                .as_ref()
                .is_some_and(|x| x.network_interface_id == eni_id)
        })
        .map(|a| a.id.clone())
        .collect();
    for id in held {
        unmap(w, &id);
    }
}

/// The instance an address is mapped to (through its interface's attachment).
pub fn address_instance(w: &World, a: &Address) -> Option<String> {
    let assoc = a.association.as_ref()?;
    w.network_interfaces
        .get(&assoc.network_interface_id)
        .and_then(|e| e.attachment.as_ref())
        .and_then(|at| at.instance_id.clone())
        .or_else(|| assoc.instance_id.clone())
}

// ---------------------------------------------------------------------------------------
// NAT gateways

fn create_nat(
    w: &mut World,
    ctx: &Ctx,
    subnet_id: &str,
    public: bool,
    allocation_id: Option<String>,
    private_ip: Option<Ipv4Addr>,
    specs: &[TagSpec],
) -> Result<Output> {
    let scope = ctx.scope();
    let subnet = subnet::get(w, &scope, subnet_id)?.clone();
    match (public, &allocation_id) {
        (true, None) => return Err(ApiError::missing("AllocationId")),
        (false, Some(_)) => {
            return Err(ApiError::invalid_combination(
                "AllocationId cannot be specified for a private NAT gateway.",
            ))
        }
        _ => {}
    }
    tags::check_specs(specs, "natgateway")?;
    if let Some(limit) = w
        .config
        .quotas
        .limit(&ctx.account, quota::NAT_GATEWAYS_PER_AZ)
    {
        let in_zone = w
            .nat_gateways
            .in_scope(&scope)
            .filter(|n| n.state.is_live())
            .filter(|n| {
                w.subnets
                    .get(&n.subnet_id)
                    .is_some_and(|s| s.availability_zone == subnet.availability_zone)
            })
            .count();
        if in_zone >= limit as usize {
            return Err(ApiError::new(
                ErrorCode::NatGatewayLimitExceeded,
                format!(
                    "The maximum number of NAT gateways in {} has been reached.",
                    subnet.availability_zone
                ),
            ));
        }
    }
    if let Some(ip) = private_ip {
        // A bad requested address is a request error: check it without keeping it.
        let got = subnet::allocate_ip(w, subnet_id, Some(ip))?;
        subnet::release_ip(w, subnet_id, got);
    }

    // Problems from here on send the gateway to `failed` instead of failing the request.
    let address = allocation_id
        .as_deref()
        .and_then(|id| w.addresses.get_in(&scope, id))
        .cloned();
    let mut failure = None;
    if public && attached_igw(w, &subnet.vpc_id).is_none() {
        failure = Some((
            ErrorCode::GatewayNotAttached,
            format!("Network {} has no Internet gateway attached", subnet.vpc_id),
        ));
    } else if let (Some(id), None) = (&allocation_id, &address) {
        failure = Some((
            ErrorCode::InvalidAllocationIDNotFound,
            format!("Elastic IP address {id} could not be associated with this NAT gateway"),
        ));
    } else if let Some(a) = address.as_ref().filter(|a| a.association.is_some()) {
        failure = Some((
            ErrorCode::ResourceAlreadyAssociated,
            format!("Elastic IP address {} is already associated", a.id),
        ));
    }
    let mut ip = None;
    if failure.is_none() {
        match subnet::allocate_ip(w, subnet_id, private_ip) {
            Ok(got) => ip = Some(got),
            Err(e) => failure = Some((e.code, e.message)),
        }
    }

    let id = w.ids.id(Kind::NatGateway);
    let due = ctx.now + w.config.delays.transition;
    let mut nat = NatGateway {
        id: id.clone(),
        scope: scope.clone(),
        vpc_id: subnet.vpc_id.clone(),
        subnet_id: subnet_id.to_string(),
        public,
        allocation_id,
        association_id: None,
        network_interface_id: None,
        private_ip: ip,
        public_ip: address.as_ref().map(|a| a.public_ip),
        state: NatState::Pending,
        failure,
        created: ctx.now,
        deleted: None,
        step_due: due,
    };
    if let Some(ip) = ip {
        let eni_id = w.ids.id(Kind::NetworkInterface);
        let attachment = Attachment {
            id: w.ids.id(Kind::ManagedAttachment),
            instance_id: None,
            instance_owner_id: "amazon-aws".into(),
            device_index: 1,
            delete_on_termination: false,
            attach_time: ctx.now,
        };
        let mac_address = w.ids.mac(0x02);
        w.network_interfaces.insert(NetworkInterface {
            id: eni_id.clone(),
            scope: scope.clone(),
            vpc_id: subnet.vpc_id.clone(),
            subnet_id: subnet_id.to_string(),
            availability_zone: subnet.availability_zone.clone(),
            private_ips: vec![ip],
            ipv6_addresses: Vec::new(),
            groups: Vec::new(),
            source_dest_check: false,
            interface_type: "nat_gateway".into(),
            requester_managed: true,
            requester_id: Some("amazon-aws".into()),
            description: format!("Interface for NAT Gateway {id}"),
            mac_address,
            attachment: Some(attachment),
            public_ip: None,
            public_ip_allocation_id: None,
            created: ctx.now,
        });
        nat.network_interface_id = Some(eni_id.clone());
        if let Some(a) = &address {
            let association_id = w.ids.id(Kind::AddressAssociation);
            w.addresses.get_mut(&a.id).expect("found").association = Some(AddressAssociation {
                association_id: association_id.clone(),
                network_interface_id: eni_id.clone(),
                instance_id: None,
                private_ip: ip,
            });
            let e = w.network_interfaces.get_mut(&eni_id).expect("inserted");
            e.public_ip = Some(a.public_ip);
            e.public_ip_allocation_id = Some(a.id.clone());
            nat.association_id = Some(association_id);
        }
    }
    w.nat_gateways.insert(nat);
    w.schedule(due, TimerKind::NatGateway, &id);
    tags::apply_specs(w, &scope, &id, specs);
    Ok(Output::Id(id))
}

fn delete_nat(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    let nat = w
        .nat_gateways
        .get_in(&ctx.scope(), id)
        .ok_or_else(|| Kind::NatGateway.not_found(id))?;
    if matches!(nat.state, NatState::Deleting | NatState::Deleted) {
        return Ok(Output::Id(id.to_string()));
    }
    let due = ctx.now + w.config.delays.transition;
    let nat = w.nat_gateways.get_mut(id).expect("found");
    nat.state = NatState::Deleting;
    nat.step_due = due;
    w.schedule(due, TimerKind::NatGateway, id);
    Ok(Output::Id(id.to_string()))
}

/// Releases a NAT gateway's interface, its private address and its Elastic IP association.
fn release_nat_resources(w: &mut World, id: &str) {
    // The interface id stays on the gateway for display after deletion.
    let Some(eni_id) = w
        .nat_gateways
        .get(id)
        .and_then(|n| n.network_interface_id.clone())
    else {
        return;
    };
    on_eni_deleted(w, &eni_id);
    if let Some(e) = w.network_interfaces.remove(&eni_id) {
        for ip in &e.private_ips {
            subnet::release_ip(w, &e.subnet_id, *ip);
        }
    }
    tags::forget(w, &eni_id);
}

/// Runs a NAT gateway's due transition, acting as of `due`; stale timers do nothing.
pub fn on_timer(w: &mut World, id: &str, due: Millis) {
    let Some(nat) = w.nat_gateways.get(id) else {
        return;
    };
    if due < nat.step_due {
        return;
    }
    match nat.state {
        NatState::Pending => {
            let failed = nat.failure.is_some();
            let nat = w.nat_gateways.get_mut(id).expect("exists");
            if failed {
                nat.state = NatState::Failed;
                nat.step_due = due + NAT_RETENTION;
                let purge = nat.step_due;
                w.schedule(purge, TimerKind::NatGateway, id);
            } else {
                nat.state = NatState::Available;
            }
        }
        NatState::Deleting => {
            release_nat_resources(w, id);
            let nat = w.nat_gateways.get_mut(id).expect("exists");
            nat.state = NatState::Deleted;
            nat.deleted = Some(due);
            nat.step_due = due + NAT_RETENTION;
            let purge = nat.step_due;
            w.schedule(purge, TimerKind::NatGateway, id);
        }
        NatState::Deleted | NatState::Failed => {
            w.nat_gateways.remove(id);
            tags::forget(w, id);
        }
        NatState::Available => {}
    }
}

// ---------------------------------------------------------------------------------------
// Describe

/// Filters DescribeInternetGateways accepts.
pub const IGW_FILTERS: &[&str] = &[
    "attachment.state",
    "attachment.vpc-id",
    "internet-gateway-id",
    "owner-id",
];

/// DescribeInternetGateways: explicit ids must all exist; then filters.
pub fn describe_igws<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w InternetGateway>> {
    filter::check_names(filters, IGW_FILTERS)?;
    let scope = ctx.scope();
    let candidates = w
        .internet_gateways
        .pick(&scope, ids, |id| get_igw(w, &scope, id))?;
    Ok(candidates
        .into_iter()
        .filter(|g| {
            filter::matches(filters, tags::of(w, &scope, &g.id), |name| match name {
                "attachment.state" => g.attachment.iter().map(|_| "available".into()).collect(),
                "attachment.vpc-id" => filter::opt(g.attachment.clone()),
                "internet-gateway-id" => filter::s(&g.id),
                "owner-id" => filter::s(&g.scope.account),
                _ => Vec::new(),
            })
        })
        .collect())
}

/// Filters DescribeEgressOnlyInternetGateways accepts (tags only).
pub const EIGW_FILTERS: &[&str] = &[];

/// DescribeEgressOnlyInternetGateways.
pub fn describe_eigws<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w EgressOnlyGateway>> {
    filter::check_names(filters, EIGW_FILTERS)?;
    let scope = ctx.scope();
    let candidates = w.egress_only_gateways.pick(&scope, ids, |id| {
        w.egress_only_gateways
            .get_in(&scope, id)
            .ok_or_else(|| Kind::EgressOnlyInternetGateway.not_found(id))
    })?;
    Ok(candidates
        .into_iter()
        .filter(|g| filter::matches(filters, tags::of(w, &scope, &g.id), |_| Vec::new()))
        .collect())
}

/// Filters DescribeAddresses accepts.
pub const ADDRESS_FILTERS: &[&str] = &[
    "allocation-id",
    "association-id",
    "domain",
    "instance-id",
    "network-border-group",
    "network-interface-id",
    "network-interface-owner-id",
    "private-ip-address",
    "public-ip",
];

/// DescribeAddresses: explicit allocation ids and public IPs must all exist.
pub fn describe_addresses<'w>(
    w: &'w World,
    ctx: &Ctx,
    allocation_ids: &[String],
    public_ips: &[Ipv4Addr],
    filters: &[Filter],
) -> Result<Vec<&'w Address>> {
    filter::check_names(filters, ADDRESS_FILTERS)?;
    let scope = ctx.scope();
    let mut candidates: Vec<&Address> = Vec::new();
    for id in allocation_ids {
        candidates.push(find_address(w, &scope, Some(id), None)?);
    }
    for ip in public_ips {
        candidates.push(find_address(w, &scope, None, Some(*ip))?);
    }
    if allocation_ids.is_empty() && public_ips.is_empty() {
        candidates = w.addresses.in_scope(&scope).collect();
    } else {
        candidates.sort_by(|a, b| a.id.cmp(&b.id));
        candidates.dedup_by(|a, b| a.id == b.id);
    }
    Ok(candidates
        .into_iter()
        .filter(|a| {
            filter::matches(filters, tags::of(w, &scope, &a.id), |name| {
                address_field(w, a, name)
            })
        })
        .collect())
}

fn address_field(w: &World, a: &Address, name: &str) -> Vec<String> {
    let assoc = a.association.as_ref();
    match name {
        "allocation-id" => filter::s(&a.id),
        "association-id" => filter::opt(assoc.map(|x| x.association_id.clone())),
        "domain" => filter::s("vpc"),
        "instance-id" => filter::opt(address_instance(w, a)),
        "network-border-group" => filter::s(&a.scope.region),
        "network-interface-id" => filter::opt(assoc.map(|x| x.network_interface_id.clone())),
        "network-interface-owner-id" => filter::opt(assoc.map(|_| a.scope.account.clone())),
        "private-ip-address" => filter::opt(assoc.map(|x| x.private_ip.to_string())),
        "public-ip" => filter::s(a.public_ip.to_string()),
        _ => Vec::new(),
    }
}

/// Filters DescribeNatGateways accepts.
pub const NAT_FILTERS: &[&str] = &["nat-gateway-id", "state", "subnet-id", "vpc-id"];

/// DescribeNatGateways (deleted and failed gateways stay visible until purged).
pub fn describe_nats<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w NatGateway>> {
    filter::check_names(filters, NAT_FILTERS)?;
    let scope = ctx.scope();
    let candidates = w.nat_gateways.pick(&scope, ids, |id| {
        w.nat_gateways
            .get_in(&scope, id)
            .ok_or_else(|| Kind::NatGateway.not_found(id))
    })?;
    Ok(candidates
        .into_iter()
        .filter(|n| {
            filter::matches(filters, tags::of(w, &scope, &n.id), |name| match name {
                "nat-gateway-id" => filter::s(&n.id),
                "state" => filter::s(n.state.as_str()),
                "subnet-id" => filter::s(&n.subnet_id),
                "vpc-id" => filter::s(&n.vpc_id),
                _ => Vec::new(),
            })
        })
        .collect())
}

/// The `status` of a NAT gateway's address as DescribeNatGateways shows it.
pub fn nat_address_status(n: &NatGateway) -> &'static str {
    match (n.state, n.public) {
        (NatState::Pending, true) => "associating",
        (NatState::Pending, false) => "assigning",
        (NatState::Deleting, true) => "disassociating",
        (NatState::Deleting, false) => "unassigning",
        (NatState::Failed, _) => "failed",
        (NatState::Available | NatState::Deleted, _) => "succeeded",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::{eni::Instance, subnet as sn, Command};

    const A: &str = "111111111111";
    const B: &str = "222222222222";

    /// A world with account A's (and B's) defaults and helpers to drive it.
    struct T {
        w: World,
        now: Millis,
    }

    impl T {
        fn new() -> Self {
            Self::with(Config::default())
        }

        fn with(config: Config) -> Self {
            let mut w = World::new(config, 1);
            for account in [A, B] {
                w.apply(&Ctx::new(account, "us-east-1", 0), Command::InitScope)
                    .unwrap();
            }
            T { w, now: 0 }
        }

        fn ctx(&self, account: &str) -> Ctx {
            Ctx::new(account, "us-east-1", self.now)
        }

        fn run_as(&mut self, account: &str, cmd: Cmd) -> Result<Output> {
            let ctx = self.ctx(account);
            self.w.tick(self.now);
            self.w.apply(&ctx, Command::Gateway(cmd))
        }

        fn ok(&mut self, cmd: Cmd) -> String {
            match self.run_as(A, cmd.clone()) {
                Ok(Output::Id(id)) => id,
                Ok(_) => String::new(),
                Err(e) => panic!("{cmd:?} failed: {e}"),
            }
        }

        /// Advances the clock and runs what falls due.
        fn advance(&mut self, ms: Millis) {
            self.now += ms;
            self.w.tick(self.now);
        }

        fn default_vpc(&self) -> String {
            self.w
                .vpcs
                .in_scope(&Scope::new(A, "us-east-1"))
                .find(|v| v.is_default)
                .unwrap()
                .id
                .clone()
        }

        fn default_subnet(&self) -> String {
            let vpc = self.default_vpc();
            self.w
                .subnets
                .values()
                .find(|s| s.vpc_id == vpc)
                .unwrap()
                .id
                .clone()
        }

        fn vpc(&mut self, cidr: &str) -> String {
            let cmd = Command::Vpc(vpc::Cmd::Create {
                cidr_block: cidr.into(),
                amazon_ipv6: false,
                instance_tenancy: None,
                tags: vec![],
            });
            match self.w.apply(&self.ctx(A), cmd).unwrap() {
                Output::Id(id) => id,
                o => panic!("{o:?}"),
            }
        }

        fn subnet(&mut self, vpc_id: &str, cidr: &str) -> String {
            let cmd = Command::Subnet(sn::Cmd::Create {
                vpc_id: vpc_id.into(),
                cidr_block: cidr.into(),
                ipv6_cidr_block: None,
                availability_zone: None,
                availability_zone_id: None,
                tags: vec![],
            });
            match self.w.apply(&self.ctx(A), cmd).unwrap() {
                Output::Id(id) => id,
                o => panic!("{o:?}"),
            }
        }

        /// A plain interface in `subnet_id` (inserted directly: ENI commands live elsewhere).
        fn eni(&mut self, subnet_id: &str) -> String {
            let s = self.w.subnets.get(subnet_id).unwrap().clone();
            let ip = sn::allocate_ip(&mut self.w, subnet_id, None).unwrap();
            let second = sn::allocate_ip(&mut self.w, subnet_id, None).unwrap();
            let id = self.w.ids.id(Kind::NetworkInterface);
            self.w.network_interfaces.insert(NetworkInterface {
                id: id.clone(),
                scope: s.scope.clone(),
                vpc_id: s.vpc_id.clone(),
                subnet_id: s.id.clone(),
                availability_zone: s.availability_zone.clone(),
                private_ips: vec![ip, second],
                ipv6_addresses: vec![],
                groups: vec![],
                source_dest_check: true,
                interface_type: "interface".into(),
                requester_managed: false,
                requester_id: None,
                description: String::new(),
                mac_address: "02:00:00:00:00:01".into(),
                attachment: None,
                public_ip: None,
                public_ip_allocation_id: None,
                created: self.now,
            });
            id
        }

        /// An instance whose primary interface is a fresh ENI of `subnet_id`.
        fn instance(&mut self, subnet_id: &str) -> (String, String) {
            let eni_id = self.eni(subnet_id);
            let id = self.w.ids.id(Kind::Instance);
            let e = self.w.network_interfaces.get_mut(&eni_id).unwrap();
            e.attachment = Some(Attachment {
                id: "eni-attach-0123456789abcdef0".into(),
                instance_id: Some(id.clone()),
                instance_owner_id: A.into(),
                device_index: 0,
                delete_on_termination: true,
                attach_time: 0,
            });
            let (vpc_id, subnet_id) = (e.vpc_id.clone(), e.subnet_id.clone());
            self.w.instances.insert(Instance {
                id: id.clone(),
                scope: Scope::new(A, "us-east-1"),
                reservation_id: "r-0123456789abcdef0".into(),
                vpc_id,
                subnet_id,
                network_interface_id: eni_id.clone(),
                image_id: "ami-1".into(),
                instance_type: "t3.micro".into(),
                state: InstanceState::Running,
                launch_time: 0,
                terminated: None,
                details: Default::default(),
            });
            (id, eni_id)
        }

        fn igw(&mut self) -> String {
            self.ok(Cmd::CreateInternetGateway { tags: vec![] })
        }

        fn attach(&mut self, igw: &str, vpc: &str) {
            self.ok(attach(igw, vpc));
        }

        fn eip(&mut self) -> String {
            self.ok(Cmd::AllocateAddress { tags: vec![] })
        }

        fn nat(&self, id: &str) -> &NatGateway {
            self.w.nat_gateways.get(id).unwrap()
        }
    }

    fn attach(igw: &str, vpc: &str) -> Cmd {
        Cmd::AttachInternetGateway {
            internet_gateway_id: igw.into(),
            vpc_id: vpc.into(),
        }
    }

    fn detach(igw: &str, vpc: &str) -> Cmd {
        Cmd::DetachInternetGateway {
            internet_gateway_id: igw.into(),
            vpc_id: vpc.into(),
        }
    }

    fn associate_eni(alloc: &str, eni: &str) -> Cmd {
        Cmd::AssociateAddress {
            allocation_id: Some(alloc.into()),
            public_ip: None,
            instance_id: None,
            network_interface_id: Some(eni.into()),
            private_ip: None,
            allow_reassociation: false,
        }
    }

    fn create_nat(subnet: &str, alloc: Option<&str>) -> Cmd {
        Cmd::CreateNatGateway {
            subnet_id: subnet.into(),
            public: alloc.is_some(),
            allocation_id: alloc.map(str::to_string),
            private_ip: None,
            client_token: None,
            tags: vec![],
        }
    }

    /// The one check of this module: `cmd` as `account` fails with `code` and a message
    /// containing `message`, and leaves the world exactly as it was.
    fn check(t: &mut T, account: &str, cmd: Cmd, code: &str, message: &str) {
        t.w.tick(t.now);
        let before = format!("{:?}", t.w);
        let err = t.run_as(account, cmd.clone()).unwrap_err();
        assert_eq!(err.code, code, "{cmd:?}: {}", err.message);
        assert!(
            err.message.contains(message),
            "{cmd:?}: message {:?} lacks {message:?}",
            err.message
        );
        // Compared through Debug: tag and token maps are keyed by Scope, which JSON
        // cannot express as an object key.
        assert_eq!(format!("{:?}", t.w), before, "{cmd:?} changed the world");
    }

    #[test]
    fn internet_gateway_lifecycle() {
        let mut t = T::new();
        let vpc = t.vpc("10.0.0.0/16");
        let igw = t.igw();
        assert_eq!(t.w.internet_gateways.get(&igw).unwrap().attachment, None);
        t.attach(&igw, &vpc);
        assert_eq!(attached_igw(&t.w, &vpc).unwrap().id, igw);
        t.ok(detach(&igw, &vpc));
        assert!(attached_igw(&t.w, &vpc).is_none());
        t.ok(Cmd::DeleteInternetGateway {
            internet_gateway_id: igw.clone(),
        });
        assert!(t.w.internet_gateways.get(&igw).is_none());
    }

    #[test]
    fn internet_gateway_errors() {
        let mut t = T::new();
        let vpc = t.vpc("10.0.0.0/16");
        let default_vpc = t.default_vpc();
        let igw = t.igw();
        let unknown = "igw-0123456789abcdef0";
        check(
            &mut t,
            A,
            attach(unknown, &vpc),
            "InvalidInternetGatewayID.NotFound",
            &format!("The internetGateway ID '{unknown}' does not exist"),
        );
        check(
            &mut t,
            A,
            attach(&igw, "vpc-0123456789abcdef0"),
            "InvalidVpcID.NotFound",
            "",
        );
        check(
            &mut t,
            A,
            attach(&igw, &default_vpc),
            "InvalidParameterValue",
            &format!("Network {default_vpc} already has an internet gateway attached"),
        );
        t.attach(&igw, &vpc);
        for target in [&vpc, &default_vpc] {
            check(
                &mut t,
                A,
                attach(&igw, target),
                "Resource.AlreadyAssociated",
                &format!("resource {igw} is already attached to network {vpc}"),
            );
        }
        check(
            &mut t,
            A,
            detach(&igw, &default_vpc),
            "Gateway.NotAttached",
            "",
        );
        check(
            &mut t,
            A,
            Cmd::DeleteInternetGateway {
                internet_gateway_id: igw.clone(),
            },
            "DependencyViolation",
            &format!("The internetGateway '{igw}' has dependencies and cannot be deleted."),
        );
        check(
            &mut t,
            A,
            Cmd::DeleteInternetGateway {
                internet_gateway_id: unknown.into(),
            },
            "InvalidInternetGatewayID.NotFound",
            "",
        );
        // Another account sees neither the gateway nor the VPC.
        check(
            &mut t,
            B,
            detach(&igw, &vpc),
            "InvalidInternetGatewayID.NotFound",
            "",
        );
        check(
            &mut t,
            A,
            Cmd::CreateInternetGateway {
                tags: vec![TagSpec {
                    resource_type: "vpc".into(),
                    tags: vec![],
                }],
            },
            "InvalidParameterValue",
            "not a valid taggable resource type",
        );
    }

    #[test]
    fn detach_is_refused_while_public_addresses_are_mapped() {
        let mut t = T::new();
        let vpc = t.default_vpc();
        let igw = attached_igw(&t.w, &vpc).unwrap().id.clone();
        let subnet = t.default_subnet();
        let eni = t.eni(&subnet);
        let eip = t.eip();
        let assoc = t.ok(associate_eni(&eip, &eni));
        let msg = format!("Network {vpc} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.");
        check(&mut t, A, detach(&igw, &vpc), "DependencyViolation", &msg);
        t.ok(Cmd::DisassociateAddress {
            association_id: Some(assoc),
            public_ip: None,
        });
        // An auto-assigned public IP counts too.
        t.w.network_interfaces.get_mut(&eni).unwrap().public_ip = Some(Ipv4Addr::new(3, 3, 3, 3));
        check(&mut t, A, detach(&igw, &vpc), "DependencyViolation", &msg);
        t.w.network_interfaces.get_mut(&eni).unwrap().public_ip = None;
        t.ok(detach(&igw, &vpc));
    }

    #[test]
    fn internet_gateway_quota_only_when_configured() {
        let mut config = Config::default();
        config
            .quotas
            .set_from_arg("internet-gateways-per-region=2")
            .unwrap();
        let mut t = T::with(config);
        t.igw(); // the default VPC's gateway is the first
        check(
            &mut t,
            A,
            Cmd::CreateInternetGateway { tags: vec![] },
            "InternetGatewayLimitExceeded",
            "",
        );
        let mut t = T::new();
        for _ in 0..10 {
            t.igw();
        }
    }

    #[test]
    fn describe_internet_gateways() {
        let mut t = T::new();
        let vpc = t.vpc("10.0.0.0/16");
        let igw = t.ok(Cmd::CreateInternetGateway {
            tags: vec![TagSpec {
                resource_type: "internet-gateway".into(),
                tags: vec![("Name".into(), "edge".into())],
            }],
        });
        t.attach(&igw, &vpc);
        let free = t.igw();
        let ctx = t.ctx(A);
        let ids = |filters: &[Filter]| -> Vec<String> {
            describe_igws(&t.w, &ctx, &[], filters)
                .unwrap()
                .iter()
                .map(|g| g.id.clone())
                .collect()
        };
        assert_eq!(ids(&[]).len(), 3);
        assert_eq!(
            ids(&[Filter::new("attachment.vpc-id", &[&vpc])]),
            vec![igw.clone()]
        );
        assert_eq!(
            ids(&[Filter::new("attachment.state", &["available"])]).len(),
            2
        );
        assert_eq!(
            ids(&[Filter::new("internet-gateway-id", &[&free])]),
            vec![free.clone()]
        );
        assert_eq!(
            ids(&[Filter::new("tag:Name", &["edge"])]),
            vec![igw.clone()]
        );
        assert_eq!(ids(&[Filter::new("owner-id", &[A])]).len(), 3);
        assert!(describe_igws(&t.w, &ctx, &[], &[Filter::new("bogus", &["x"])]).is_err());
        let e = describe_igws(&t.w, &t.ctx(B), std::slice::from_ref(&igw), &[]).unwrap_err();
        assert_eq!(e.code, "InvalidInternetGatewayID.NotFound");
    }

    #[test]
    fn egress_only_gateways() {
        let mut t = T::new();
        let vpc = t.vpc("10.0.0.0/16");
        let id = t.ok(Cmd::CreateEgressOnlyInternetGateway {
            vpc_id: vpc.clone(),
            client_token: Some("tok".into()),
            tags: vec![],
        });
        assert!(id.starts_with("eigw-"));
        // Same token, same parameters: the same gateway.
        let again = t.ok(Cmd::CreateEgressOnlyInternetGateway {
            vpc_id: vpc.clone(),
            client_token: Some("tok".into()),
            tags: vec![],
        });
        assert_eq!(again, id);
        let found = describe_eigws(&t.w, &t.ctx(A), std::slice::from_ref(&id), &[]).unwrap();
        assert_eq!(found[0].vpc_id, vpc);
        check(
            &mut t,
            A,
            Cmd::CreateEgressOnlyInternetGateway {
                vpc_id: "vpc-0123456789abcdef0".into(),
                client_token: None,
                tags: vec![],
            },
            "InvalidVpcID.NotFound",
            "",
        );
        check(
            &mut t,
            B,
            Cmd::DeleteEgressOnlyInternetGateway {
                egress_only_internet_gateway_id: id.clone(),
            },
            "InvalidEgressOnlyInternetGatewayId.NotFound",
            &id,
        );
        t.ok(Cmd::DeleteEgressOnlyInternetGateway {
            egress_only_internet_gateway_id: id.clone(),
        });
        assert!(describe_eigws(&t.w, &t.ctx(A), &[], &[])
            .unwrap()
            .is_empty());
        assert!(describe_eigws(&t.w, &t.ctx(A), &[], &[Filter::new("vpc-id", &["x"])]).is_err());
    }

    #[test]
    fn addresses_allocate_associate_release() {
        let mut t = T::new();
        let subnet = t.default_subnet();
        let eni = t.eni(&subnet);
        let eip = t.eip();
        let addr = t.w.addresses.get(&eip).unwrap().clone();
        assert!(eip.starts_with("eipalloc-"));
        assert_eq!(addr.public_ip, Ipv4Addr::new(18, 0, 0, 1));
        let assoc = t.ok(associate_eni(&eip, &eni));
        assert!(assoc.starts_with("eipassoc-"));
        let e = t.w.network_interfaces.get(&eni).unwrap();
        assert_eq!(e.public_ip, Some(addr.public_ip));
        assert_eq!(e.public_ip_allocation_id.as_deref(), Some(eip.as_str()));
        // Associating again with the same target is a no-op returning the association.
        assert_eq!(t.ok(associate_eni(&eip, &eni)), assoc);
        check(
            &mut t,
            A,
            Cmd::ReleaseAddress {
                allocation_id: Some(eip.clone()),
                public_ip: None,
            },
            "InvalidIPAddress.InUse",
            "",
        );
        t.ok(Cmd::DisassociateAddress {
            association_id: None,
            public_ip: Some(addr.public_ip),
        });
        assert_eq!(t.w.network_interfaces.get(&eni).unwrap().public_ip, None);
        t.ok(Cmd::ReleaseAddress {
            allocation_id: Some(eip.clone()),
            public_ip: None,
        });
        assert!(t.w.addresses.get(&eip).is_none());
        // Public IPs are never reused.
        let next = t.eip();
        assert_eq!(
            t.w.addresses.get(&next).unwrap().public_ip,
            Ipv4Addr::new(18, 0, 0, 2)
        );
    }

    #[test]
    fn address_errors() {
        let mut t = T::new();
        let vpc = t.vpc("10.0.0.0/16");
        let private_subnet = t.subnet(&vpc, "10.0.1.0/24");
        let lonely = t.eni(&private_subnet);
        let subnet = t.default_subnet();
        let eni = t.eni(&subnet);
        let other = t.eni(&subnet);
        let eip = t.eip();
        let unknown = "eipalloc-0123456789abcdef0";
        check(
            &mut t,
            A,
            associate_eni(unknown, &eni),
            "InvalidAllocationID.NotFound",
            &format!("The allocation ID '{unknown}' does not exist"),
        );
        check(
            &mut t,
            B,
            associate_eni(&eip, &eni),
            "InvalidAllocationID.NotFound",
            "",
        );
        check(
            &mut t,
            A,
            associate_eni(&eip, "eni-0123456789abcdef0"),
            "InvalidNetworkInterfaceID.NotFound",
            "",
        );
        check(
            &mut t,
            A,
            associate_eni(&eip, &lonely),
            "Gateway.NotAttached",
            &format!("Network {vpc} is not attached to any internet gateway"),
        );
        let mut both = associate_eni(&eip, &eni);
        if let Cmd::AssociateAddress { instance_id, .. } = &mut both {
            *instance_id = Some("i-0123456789abcdef0".into());
        }
        check(&mut t, A, both, "InvalidParameterCombination", "");
        let mut neither = associate_eni(&eip, &eni);
        if let Cmd::AssociateAddress {
            network_interface_id,
            ..
        } = &mut neither
        {
            *network_interface_id = None;
        }
        check(&mut t, A, neither, "MissingParameter", "");
        let mut foreign_ip = associate_eni(&eip, &eni);
        if let Cmd::AssociateAddress { private_ip, .. } = &mut foreign_ip {
            *private_ip = Some(Ipv4Addr::new(172, 31, 255, 1));
        }
        check(&mut t, A, foreign_ip, "InvalidParameterValue", "");
        check(
            &mut t,
            A,
            Cmd::AssociateAddress {
                allocation_id: None,
                public_ip: Some(Ipv4Addr::new(9, 9, 9, 9)),
                instance_id: None,
                network_interface_id: Some(eni.clone()),
                private_ip: None,
                allow_reassociation: false,
            },
            "InvalidAddress.NotFound",
            "",
        );
        check(
            &mut t,
            A,
            Cmd::DisassociateAddress {
                association_id: Some("eipassoc-0123456789abcdef0".into()),
                public_ip: None,
            },
            "InvalidAssociationID.NotFound",
            "The association ID 'eipassoc-0123456789abcdef0' does not exist",
        );
        check(
            &mut t,
            A,
            Cmd::ReleaseAddress {
                allocation_id: None,
                public_ip: None,
            },
            "MissingParameter",
            "",
        );
        check(
            &mut t,
            A,
            Cmd::ReleaseAddress {
                allocation_id: Some(unknown.into()),
                public_ip: None,
            },
            "InvalidAllocationID.NotFound",
            "",
        );
        check(
            &mut t,
            A,
            Cmd::AllocateAddress {
                tags: vec![TagSpec {
                    resource_type: "vpc".into(),
                    tags: vec![],
                }],
            },
            "InvalidParameterValue",
            "",
        );
        // Reassociation needs AllowReassociation.
        let assoc = t.ok(associate_eni(&eip, &eni));
        check(
            &mut t,
            A,
            associate_eni(&eip, &other),
            "Resource.AlreadyAssociated",
            &format!("resource {eip} is already associated with associate-id {assoc}"),
        );
        let mut moved = associate_eni(&eip, &other);
        if let Cmd::AssociateAddress {
            allow_reassociation,
            ..
        } = &mut moved
        {
            *allow_reassociation = true;
        }
        t.ok(moved);
        assert_eq!(t.w.network_interfaces.get(&eni).unwrap().public_ip, None);
        assert!(t
            .w
            .network_interfaces
            .get(&other)
            .unwrap()
            .public_ip
            .is_some());
    }

    #[test]
    fn associate_by_instance_and_secondary_address() {
        let mut t = T::new();
        let subnet = t.default_subnet();
        let (instance, eni) = t.instance(&subnet);
        let eip = t.eip();
        let second = t.eip();
        t.ok(Cmd::AssociateAddress {
            allocation_id: Some(eip.clone()),
            public_ip: None,
            instance_id: Some(instance.clone()),
            network_interface_id: None,
            private_ip: None,
            allow_reassociation: false,
        });
        let a = t.w.addresses.get(&eip).unwrap();
        assert_eq!(a.association.as_ref().unwrap().network_interface_id, eni);
        assert_eq!(address_instance(&t.w, a), Some(instance.clone()));
        // A second EIP on the same private address displaces the first.
        t.ok(Cmd::AssociateAddress {
            allocation_id: Some(second.clone()),
            public_ip: None,
            instance_id: Some(instance.clone()),
            network_interface_id: None,
            private_ip: None,
            allow_reassociation: false,
        });
        assert!(t.w.addresses.get(&eip).unwrap().association.is_none());
        let e = t.w.network_interfaces.get(&eni).unwrap();
        assert_eq!(e.public_ip_allocation_id.as_deref(), Some(second.as_str()));
        // The secondary private address maps without touching the primary's public IP.
        let secondary = e.private_ips[1];
        t.ok(Cmd::AssociateAddress {
            allocation_id: Some(eip.clone()),
            public_ip: None,
            instance_id: None,
            network_interface_id: Some(eni.clone()),
            private_ip: Some(secondary),
            allow_reassociation: false,
        });
        let e = t.w.network_interfaces.get(&eni).unwrap();
        assert_eq!(e.public_ip_allocation_id.as_deref(), Some(second.as_str()));
        let ctx = t.ctx(A);
        let found = describe_addresses(
            &t.w,
            &ctx,
            &[],
            &[],
            &[Filter::new("private-ip-address", &[&secondary.to_string()])],
        )
        .unwrap();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].id, eip);
        // A terminated instance cannot take an address.
        t.w.instances.get_mut(&instance).unwrap().state = InstanceState::Terminated;
        let third = t.eip();
        check(
            &mut t,
            A,
            Cmd::AssociateAddress {
                allocation_id: Some(third),
                public_ip: None,
                instance_id: Some(instance.clone()),
                network_interface_id: None,
                private_ip: None,
                allow_reassociation: false,
            },
            "IncorrectInstanceState",
            "",
        );
        check(
            &mut t,
            A,
            Cmd::AssociateAddress {
                allocation_id: Some(eip.clone()),
                public_ip: None,
                instance_id: Some("i-0123456789abcdef0".into()),
                network_interface_id: None,
                private_ip: None,
                allow_reassociation: true,
            },
            "InvalidInstanceID.NotFound",
            "",
        );
        // Deleting the interface forgets its associations.
        on_eni_deleted(&mut t.w, &eni);
        assert!(t.w.addresses.values().all(|a| a.association.is_none()));
    }

    #[test]
    fn describe_addresses_by_id_ip_and_filter() {
        let mut t = T::new();
        let subnet = t.default_subnet();
        let eni = t.eni(&subnet);
        let a = t.eip();
        let b = t.ok(Cmd::AllocateAddress {
            tags: vec![TagSpec {
                resource_type: "elastic-ip".into(),
                tags: vec![("role".into(), "nat".into())],
            }],
        });
        let assoc = t.ok(associate_eni(&a, &eni));
        let ctx = t.ctx(A);
        let ids = |alloc: &[String], ips: &[Ipv4Addr], filters: &[Filter]| -> Vec<String> {
            describe_addresses(&t.w, &ctx, alloc, ips, filters)
                .unwrap()
                .iter()
                .map(|x| x.id.clone())
                .collect()
        };
        assert_eq!(ids(&[], &[], &[]).len(), 2);
        assert_eq!(ids(std::slice::from_ref(&b), &[], &[]), vec![b.clone()]);
        let ip_b = t.w.addresses.get(&b).unwrap().public_ip;
        assert_eq!(ids(&[], &[ip_b], &[]), vec![b.clone()]);
        assert_eq!(
            ids(&[], &[], &[Filter::new("association-id", &[&assoc])]),
            vec![a.clone()]
        );
        assert_eq!(
            ids(&[], &[], &[Filter::new("network-interface-id", &[&eni])]),
            vec![a.clone()]
        );
        assert_eq!(
            ids(&[], &[], &[Filter::new("tag:role", &["nat"])]),
            vec![b.clone()]
        );
        assert_eq!(ids(&[], &[], &[Filter::new("domain", &["vpc"])]).len(), 2);
        assert_eq!(
            ids(&[], &[], &[Filter::new("public-ip", &["18.0.0.*"])]).len(),
            2
        );
        assert_eq!(
            ids(&[], &[], &[Filter::new("network-interface-owner-id", &[A])]),
            vec![a.clone()]
        );
        let e = describe_addresses(&t.w, &ctx, &["eipalloc-0123456789abcdef0".into()], &[], &[])
            .unwrap_err();
        assert_eq!(e.code, "InvalidAllocationID.NotFound");
        let e = describe_addresses(&t.w, &ctx, &[], &[Ipv4Addr::new(1, 1, 1, 1)], &[]).unwrap_err();
        assert_eq!(e.code, "InvalidAddress.NotFound");
        assert!(describe_addresses(&t.w, &t.ctx(B), &[], &[], &[])
            .unwrap()
            .is_empty());
    }

    #[test]
    fn address_quota_only_when_configured() {
        let mut config = Config::default();
        config
            .quotas
            .set_from_arg("addresses-per-region=1")
            .unwrap();
        let mut t = T::with(config);
        t.eip();
        check(
            &mut t,
            A,
            Cmd::AllocateAddress { tags: vec![] },
            "AddressLimitExceeded",
            "",
        );
        // Another account has its own count.
        t.run_as(B, Cmd::AllocateAddress { tags: vec![] }).unwrap();
    }

    #[test]
    fn public_nat_gateway_lifecycle() {
        let mut t = T::new();
        let subnet = t.default_subnet();
        let vpc = t.default_vpc();
        let igw = attached_igw(&t.w, &vpc).unwrap().id.clone();
        let eip = t.eip();
        let used_before = t.w.subnets.get(&subnet).unwrap().used.len();
        let id = t.ok(create_nat(&subnet, Some(&eip)));
        let nat = t.nat(&id).clone();
        assert_eq!(nat.state, NatState::Pending);
        assert_eq!(nat_address_status(&nat), "associating");
        let eni_id = nat.network_interface_id.clone().unwrap();
        let eni = t.w.network_interfaces.get(&eni_id).unwrap();
        assert_eq!(eni.interface_type, "nat_gateway");
        assert!(eni.requester_managed);
        assert_eq!(eni.description, format!("Interface for NAT Gateway {id}"));
        assert_eq!(Some(eni.primary_ip()), nat.private_ip);
        assert_eq!(eni.public_ip, nat.public_ip);
        assert_eq!(
            t.w.subnets.get(&subnet).unwrap().used.len(),
            used_before + 1
        );
        let a = t.w.addresses.get(&eip).unwrap();
        assert_eq!(
            a.association.as_ref().unwrap().association_id,
            nat.association_id.clone().unwrap()
        );
        // The next tick makes it available.
        t.advance(0);
        assert_eq!(t.nat(&id).state, NatState::Available);
        assert_eq!(nat_address_status(t.nat(&id)), "succeeded");
        // Its address cannot be released, disassociated or moved; the IGW cannot leave.
        check(
            &mut t,
            A,
            Cmd::ReleaseAddress {
                allocation_id: Some(eip.clone()),
                public_ip: None,
            },
            "InvalidIPAddress.InUse",
            "",
        );
        check(
            &mut t,
            A,
            Cmd::DisassociateAddress {
                association_id: nat.association_id.clone(),
                public_ip: None,
            },
            "OperationNotPermitted",
            &id,
        );
        let plain = t.eni(&subnet);
        let mut steal = associate_eni(&eip, &plain);
        if let Cmd::AssociateAddress {
            allow_reassociation,
            ..
        } = &mut steal
        {
            *allow_reassociation = true;
        }
        check(&mut t, A, steal, "Resource.AlreadyAssociated", "");
        let other = t.eip();
        check(
            &mut t,
            A,
            associate_eni(&other, &eni_id),
            "OperationNotPermitted",
            "",
        );
        check(
            &mut t,
            A,
            detach(&igw, &vpc),
            "DependencyViolation",
            "mapped public",
        );
        // Delete: deleting, then deleted with everything released.
        t.ok(Cmd::DeleteNatGateway {
            nat_gateway_id: id.clone(),
        });
        assert_eq!(t.nat(&id).state, NatState::Deleting);
        assert!(t.w.network_interfaces.get(&eni_id).is_some());
        // Deleting again is a no-op.
        t.ok(Cmd::DeleteNatGateway {
            nat_gateway_id: id.clone(),
        });
        t.advance(1000);
        let nat = t.nat(&id).clone();
        assert_eq!(nat.state, NatState::Deleted);
        assert_eq!(nat.deleted, Some(0));
        assert_eq!(nat.network_interface_id.as_ref(), Some(&eni_id));
        assert!(t.w.network_interfaces.get(&eni_id).is_none());
        assert!(t.w.addresses.get(&eip).unwrap().association.is_none());
        assert_eq!(
            t.w.subnets.get(&subnet).unwrap().used.len(),
            used_before + 2
        );
        // Still describable for an hour, then gone.
        let ctx = t.ctx(A);
        assert_eq!(
            describe_nats(&t.w, &ctx, std::slice::from_ref(&id), &[])
                .unwrap()
                .len(),
            1
        );
        t.advance(NAT_RETENTION);
        assert!(t.w.nat_gateways.get(&id).is_none());
        let e = describe_nats(&t.w, &t.ctx(A), std::slice::from_ref(&id), &[]).unwrap_err();
        assert_eq!(e.code, "NatGatewayNotFound");
        assert_eq!(e.message, format!("NAT gateway {id} was not found"));
        t.ok(Cmd::ReleaseAddress {
            allocation_id: Some(eip),
            public_ip: None,
        });
    }

    #[test]
    fn private_nat_gateway_with_chosen_address() {
        let mut t = T::new();
        let vpc = t.vpc("10.0.0.0/16");
        let subnet = t.subnet(&vpc, "10.0.1.0/24");
        let id = t.ok(Cmd::CreateNatGateway {
            subnet_id: subnet.clone(),
            public: false,
            allocation_id: None,
            private_ip: Some(Ipv4Addr::new(10, 0, 1, 50)),
            client_token: None,
            tags: vec![TagSpec {
                resource_type: "natgateway".into(),
                tags: vec![("Name".into(), "priv".into())],
            }],
        });
        t.advance(0);
        let nat = t.nat(&id);
        assert_eq!(nat.state, NatState::Available);
        assert_eq!(nat.private_ip, Some(Ipv4Addr::new(10, 0, 1, 50)));
        assert_eq!(nat.public_ip, None);
        assert_eq!(nat_address_status(nat), "succeeded");
        let ctx = t.ctx(A);
        let by = |f: Filter| describe_nats(&t.w, &ctx, &[], &[f]).unwrap().len();
        assert_eq!(by(Filter::new("vpc-id", &[&vpc])), 1);
        assert_eq!(by(Filter::new("subnet-id", &[&subnet])), 1);
        assert_eq!(by(Filter::new("state", &["available"])), 1);
        assert_eq!(by(Filter::new("state", &["pending"])), 0);
        assert_eq!(by(Filter::new("nat-gateway-id", &[&id])), 1);
        assert_eq!(by(Filter::new("tag:Name", &["priv"])), 1);
        assert!(describe_nats(&t.w, &ctx, &[], &[Filter::new("bogus", &["x"])]).is_err());
        // The subnet and the VPC cannot go while the NAT's interface is there.
        let e =
            t.w.apply(
                &t.ctx(A),
                Command::Subnet(sn::Cmd::Delete {
                    subnet_id: subnet.clone(),
                }),
            )
            .unwrap_err();
        assert_eq!(e.code, "DependencyViolation");
    }

    #[test]
    fn nat_gateway_request_errors() {
        let mut t = T::new();
        let subnet = t.default_subnet();
        let eip = t.eip();
        check(
            &mut t,
            A,
            create_nat("subnet-0123456789abcdef0", Some(&eip)),
            "InvalidSubnetID.NotFound",
            "",
        );
        let mut missing = create_nat(&subnet, None);
        if let Cmd::CreateNatGateway { public, .. } = &mut missing {
            *public = true;
        }
        check(&mut t, A, missing, "MissingParameter", "AllocationId");
        let mut private_with_eip = create_nat(&subnet, Some(&eip));
        if let Cmd::CreateNatGateway { public, .. } = &mut private_with_eip {
            *public = false;
        }
        check(
            &mut t,
            A,
            private_with_eip,
            "InvalidParameterCombination",
            "",
        );
        let mut bad_ip = create_nat(&subnet, Some(&eip));
        if let Cmd::CreateNatGateway { private_ip, .. } = &mut bad_ip {
            *private_ip = Some(Ipv4Addr::new(10, 9, 9, 9));
        }
        check(&mut t, A, bad_ip, "InvalidParameter", "");
        let mut reserved = create_nat(&subnet, Some(&eip));
        if let Cmd::CreateNatGateway { private_ip, .. } = &mut reserved {
            let s = t.w.subnets.get(&subnet).unwrap();
            *private_ip = Some(crate::cidr::nth_v4(&s.cidr, 1));
        }
        check(&mut t, A, reserved, "InvalidParameter", "");
        let mut bad_tags = create_nat(&subnet, Some(&eip));
        if let Cmd::CreateNatGateway { tags, .. } = &mut bad_tags {
            tags.push(TagSpec {
                resource_type: "vpc".into(),
                tags: vec![],
            });
        }
        check(&mut t, A, bad_tags, "InvalidParameterValue", "");
        check(
            &mut t,
            B,
            create_nat(&subnet, Some(&eip)),
            "InvalidSubnetID.NotFound",
            "",
        );
        check(
            &mut t,
            A,
            Cmd::DeleteNatGateway {
                nat_gateway_id: "nat-0123456789abcdef0".into(),
            },
            "NatGatewayNotFound",
            "NAT gateway nat-0123456789abcdef0 was not found",
        );
    }

    /// Creates a NAT gateway that fails and returns (failureCode, failureMessage).
    fn failure_of(t: &mut T, cmd: Cmd) -> (ErrorCode, String) {
        let id = t.ok(cmd);
        let nat = t.nat(&id).clone();
        assert_eq!(nat.state, NatState::Pending);
        assert!(nat.network_interface_id.is_none());
        t.advance(0);
        let nat = t.nat(&id).clone();
        assert_eq!(nat.state, NatState::Failed);
        assert_eq!(nat_address_status(&nat), "failed");
        // Failed gateways are purged after an hour.
        t.advance(NAT_RETENTION);
        assert!(t.w.nat_gateways.get(&id).is_none());
        nat.failure.unwrap()
    }

    #[test]
    fn nat_gateway_problems_fail_the_gateway_not_the_request() {
        let mut t = T::new();
        let vpc = t.vpc("10.0.0.0/16");
        let subnet = t.subnet(&vpc, "10.0.1.0/28");
        let eip = t.eip();
        let (code, msg) = failure_of(&mut t, create_nat(&subnet, Some(&eip)));
        assert_eq!(code, "Gateway.NotAttached");
        assert_eq!(
            msg,
            format!("Network {vpc} has no Internet gateway attached")
        );
        let igw = t.igw();
        t.attach(&igw, &vpc);
        let unknown = "eipalloc-0123456789abcdef0";
        let (code, msg) = failure_of(&mut t, create_nat(&subnet, Some(unknown)));
        assert_eq!(code, "InvalidAllocationID.NotFound");
        assert_eq!(
            msg,
            format!("Elastic IP address {unknown} could not be associated with this NAT gateway")
        );
        // Another account's allocation is as good as unknown.
        let theirs = match t.run_as(B, Cmd::AllocateAddress { tags: vec![] }).unwrap() {
            Output::Id(id) => id,
            o => panic!("{o:?}"),
        };
        let (code, _) = failure_of(&mut t, create_nat(&subnet, Some(&theirs)));
        assert_eq!(code, "InvalidAllocationID.NotFound");
        let eni = t.eni(&subnet);
        t.ok(associate_eni(&eip, &eni));
        let (code, msg) = failure_of(&mut t, create_nat(&subnet, Some(&eip)));
        assert_eq!(code, "Resource.AlreadyAssociated");
        assert_eq!(
            msg,
            format!("Elastic IP address {eip} is already associated")
        );
        // A full subnet: a /28 has 11 usable addresses; the ENI took 2.
        for _ in 0..9 {
            sn::allocate_ip(&mut t.w, &subnet, None).unwrap();
        }
        let (code, _) = failure_of(&mut t, create_nat(&subnet, None));
        assert_eq!(code, "InsufficientFreeAddressesInSubnet");
    }

    #[test]
    fn nat_gateway_timers_with_delays() {
        let mut config = Config::default();
        config.delays.transition = 5_000;
        let mut t = T::with(config);
        let subnet = t.default_subnet();
        let eip = t.eip();
        let id = t.ok(create_nat(&subnet, Some(&eip)));
        t.advance(4_999);
        assert_eq!(t.nat(&id).state, NatState::Pending);
        // Deleted while pending: the pending timer is stale and must not make it available.
        t.ok(Cmd::DeleteNatGateway {
            nat_gateway_id: id.clone(),
        });
        t.advance(1);
        assert_eq!(t.nat(&id).state, NatState::Deleting);
        // Timers run late act as of their due time.
        t.advance(10 * HOUR);
        assert!(t.w.nat_gateways.get(&id).is_none());
        let id = t.ok(create_nat(&subnet, Some(&eip)));
        t.advance(5_000);
        assert_eq!(t.nat(&id).state, NatState::Available);
        let before = t.now;
        t.ok(Cmd::DeleteNatGateway {
            nat_gateway_id: id.clone(),
        });
        t.advance(6_000);
        assert_eq!(t.nat(&id).deleted, Some(before + 5_000));
    }

    #[test]
    fn nat_gateway_client_token_is_idempotent() {
        let mut t = T::new();
        let subnet = t.default_subnet();
        let eip = t.eip();
        let mut cmd = create_nat(&subnet, Some(&eip));
        if let Cmd::CreateNatGateway { client_token, .. } = &mut cmd {
            *client_token = Some("token-1".into());
        }
        let id = t.ok(cmd.clone());
        assert_eq!(t.ok(cmd.clone()), id);
        assert_eq!(t.w.nat_gateways.len(), 1);
        if let Cmd::CreateNatGateway {
            public,
            allocation_id,
            ..
        } = &mut cmd
        {
            *public = false;
            *allocation_id = None;
        }
        check(&mut t, A, cmd, "IdempotentParameterMismatch", "token-1");
    }

    #[test]
    fn nat_gateway_quota_per_zone_only_when_configured() {
        let mut config = Config::default();
        config.quotas.set_from_arg("nat-gateways-per-az=1").unwrap();
        let mut t = T::with(config);
        let subnet = t.default_subnet();
        let id = t.ok(create_nat(&subnet, None));
        check(
            &mut t,
            A,
            create_nat(&subnet, None),
            "NatGatewayLimitExceeded",
            "",
        );
        // Another zone is free; deleted gateways stop counting.
        let vpc = t.default_vpc();
        let zone = t.w.subnets.get(&subnet).unwrap().availability_zone.clone();
        let elsewhere =
            t.w.subnets
                .values()
                .find(|s| s.vpc_id == vpc && s.availability_zone != zone)
                .unwrap()
                .id
                .clone();
        t.ok(create_nat(&elsewhere, None));
        t.ok(Cmd::DeleteNatGateway { nat_gateway_id: id });
        t.advance(0);
        t.ok(create_nat(&subnet, None));
    }
}
