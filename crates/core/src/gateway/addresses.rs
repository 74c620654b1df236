//! Elastic IP addresses: AllocateAddress, ReleaseAddress, AssociateAddress,
//! DisassociateAddress, and the one rule that ends associations when their interface or
//! private address goes ([`drop_associations`]).

use std::net::Ipv4Addr;

use crate::config::quota;
use crate::eni::InstanceState;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::Output;

use super::internet::attached_igw;
use super::{Address, AddressAssociation, NatGateway};

/// `InvalidAddress.NotFound` for a public IP the caller does not hold.
pub fn address_not_found(ip: &Ipv4Addr) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidAddressNotFound,
        format!("Address '{ip}' not found."),
    )
}

/// The caller's address named by allocation id (preferred) or public IP.
pub(super) fn find_address<'w>(
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

/// AllocateAddress: the next address of the synthetic public pool (a quota applies only when
/// configured).
pub(super) fn allocate(w: &mut World, ctx: &Ctx, specs: &[TagSpec]) -> Result<Output> {
    let scope = ctx.scope();
    tags::check_specs(specs, "elastic-ip")?;
    if let Some(limit) = w
        .config
        .quotas
        .limit(ctx.account(), quota::ADDRESSES_PER_REGION)
    {
        if w.addresses.count_in(scope) >= limit as usize {
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
        domain_name: None,
    });
    tags::apply_specs(w, scope, &id, specs);
    Ok(Output::Id(id))
}

/// ReleaseAddress: unassociated addresses only.
pub(super) fn release(
    w: &mut World,
    ctx: &Ctx,
    allocation_id: Option<&str>,
    public_ip: Option<Ipv4Addr>,
) -> Result<Output> {
    let addr = find_address(w, ctx.scope(), allocation_id, public_ip)?;
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

/// AssociateAddress's parameters.
pub(super) struct Association {
    pub allocation_id: Option<String>,
    pub public_ip: Option<Ipv4Addr>,
    pub instance_id: Option<String>,
    pub network_interface_id: Option<String>,
    pub private_ip: Option<Ipv4Addr>,
    pub allow_reassociation: bool,
}

/// Where an address is to be mapped: the interface, its private address, the instance.
struct Target {
    eni_id: String,
    private_ip: Ipv4Addr,
    instance_id: Option<String>,
}

/// AssociateAddress: maps the address onto a private address of an interface (an instance's
/// primary one by default) whose VPC has an internet gateway; an address already there is
/// displaced. Returns the association id (the existing one if nothing changes).
pub(super) fn associate(w: &mut World, ctx: &Ctx, req: &Association) -> Result<Output> {
    let scope = ctx.scope();
    let addr = find_address(w, scope, req.allocation_id.as_deref(), req.public_ip)?.clone();
    let target = target_of(w, scope, req)?;
    if let Some(cur) = &addr.association {
        if cur.network_interface_id == target.eni_id && cur.private_ip == target.private_ip {
            return Ok(Output::Id(cur.association_id.clone()));
        }
        let held_by_service = w
            .network_interfaces
            .get(&cur.network_interface_id)
            .is_some_and(|e| e.requester_managed);
        if !req.allow_reassociation || held_by_service {
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
    drop_associations(w, &target.eni_id, Some(target.private_ip));
    let association_id = map(
        w,
        &addr.id,
        &target.eni_id,
        target.private_ip,
        target.instance_id,
    );
    Ok(Output::Id(association_id))
}

/// The interface and private address AssociateAddress names (by instance or interface),
/// checked: the caller's own, not a service's, the address its own, an internet gateway.
fn target_of(w: &World, scope: &Scope, req: &Association) -> Result<Target> {
    let eni_id =
        match (&req.instance_id, &req.network_interface_id) {
            (Some(_), Some(_)) => return Err(ApiError::invalid_combination(
                "You may specify either an instance ID or a network interface ID, but not both.",
            )),
            (None, None) => return Err(ApiError::missing("InstanceId")),
            (Some(i), None) => {
                let inst = w
                    .instances
                    .get_in(scope, i)
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
        .get_in(scope, &eni_id)
        .ok_or_else(|| Kind::NetworkInterface.not_found(&eni_id))?;
    if eni.requester_managed {
        return Err(ApiError::not_permitted(format!(
            "The network interface '{eni_id}' is managed by another service and cannot be associated with an Elastic IP address."
        )));
    }
    let private_ip = match req.private_ip.or(eni.primary_ip()) {
        Some(ip) => ip,
        None => {
            return Err(ApiError::invalid_value(format!(
                "The network interface '{eni_id}' has no private IPv4 address to associate an Elastic IP address with."
            )))
        }
    };
    if !eni.private_ips.contains(&private_ip) {
        return Err(ApiError::invalid_value(format!(
            "The private IP address {private_ip} is not assigned to the network interface {eni_id}."
        )));
    }
    if attached_igw(w, &eni.vpc_id).is_none() {
        return Err(ApiError::new(
            ErrorCode::GatewayNotAttached,
            format!(
                "Network {} is not attached to any internet gateway",
                eni.vpc_id
            ),
        ));
    }
    let attached_instance = eni.attachment.as_ref().and_then(|a| a.instance_id.clone());
    Ok(Target {
        eni_id,
        private_ip,
        instance_id: req.instance_id.clone().or(attached_instance),
    })
}

/// Associates the (unassociated) address `allocation_id` with `private_ip` of `eni_id`;
/// mapped onto the primary private address, it becomes the interface's public address.
/// Returns the new association id.
pub(super) fn map(
    w: &mut World,
    allocation_id: &str,
    eni_id: &str,
    private_ip: Ipv4Addr,
    instance_id: Option<String>,
) -> String {
    let association_id = w.ids.id(Kind::AddressAssociation);
    let a = w.addresses.get_mut(allocation_id).expect("found");
    a.association = Some(AddressAssociation {
        association_id: association_id.clone(),
        network_interface_id: eni_id.to_string(),
        instance_id,
        private_ip,
    });
    let public_ip = a.public_ip;
    if let Some(e) = w.network_interfaces.get_mut(eni_id) {
        if e.primary_ip() == Some(private_ip) {
            e.public_ip = Some(public_ip);
            e.public_ip_allocation_id = Some(allocation_id.to_string());
        }
    }
    association_id
}

/// Drops an address's association, clearing the interface's public IP it provided. The
/// primary interface of a running instance launched with an Amazon public IPv4 address
/// gets a new one, as AWS gives it when the Elastic IP moves away (a stopped instance gets
/// it when it starts).
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
            let eni_id = e.id.clone();
            let renew = w.instances.values().any(|i| {
                i.network_interface_id == eni_id
                    && i.details.auto_public_ip
                    && i.state == InstanceState::Running
            });
            if renew {
                crate::eni::map_amazon_public_ip(w, &eni_id);
            }
        }
    }
}

/// DisassociateAddress (by association id or public IP); a NAT gateway's address stays.
pub(super) fn disassociate(
    w: &mut World,
    ctx: &Ctx,
    association_id: Option<&str>,
    public_ip: Option<Ipv4Addr>,
) -> Result<Output> {
    let scope = ctx.scope();
    let addr = match (association_id, public_ip) {
        (Some(id), _) => w
            .addresses
            .in_scope(scope)
            .find(|a| {
                a.association
                    .as_ref()
                    .is_some_and(|x| x.association_id == id)
            })
            .ok_or_else(|| Kind::AddressAssociation.not_found(id))?,
        (None, Some(ip)) => find_address(w, scope, None, Some(ip))?,
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

/// Ends the Elastic IP associations of an interface that is going away (`private_ip`
/// `None`), or of one of its private addresses that is; the addresses stay allocated.
pub(crate) fn drop_associations(w: &mut World, eni_id: &str, private_ip: Option<Ipv4Addr>) {
    let held: Vec<String> = w
        .addresses
        .values()
        .filter(|a| {
            a.association.as_ref().is_some_and(|x| {
                x.network_interface_id == eni_id && private_ip.is_none_or(|p| p == x.private_ip)
            })
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
