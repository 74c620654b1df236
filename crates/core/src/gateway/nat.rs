//! NAT gateways: CreateNatGateway, DeleteNatGateway and the timer that drives them
//! (pending → available or failed, deleting → deleted, purge). A gateway's interface comes
//! from the eni lifecycle; a public gateway's Elastic IP is mapped onto it.

use std::net::Ipv4Addr;

use crate::config::quota;
use crate::eni::{self, IdOrder, ServiceInterface};
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::subnet::{self, Subnet};
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, TimerKind, World};
use crate::{Millis, Output};

use super::addresses::map;
use super::internet::attached_igw;
use super::{Address, NatGateway, NatState, NAT_RETENTION};

/// The service principal of a NAT gateway's interface.
const REQUESTER_ID: &str = "amazon-aws";

/// CreateNatGateway's parameters.
pub(super) struct NatRequest {
    pub subnet_id: String,
    pub public: bool,
    pub allocation_id: Option<String>,
    pub private_ip: Option<Ipv4Addr>,
}

/// A gateway's problem: (failureCode, failureMessage).
type Failure = (ErrorCode, String);

/// CreateNatGateway: request errors fail the request; problems with the gateway's address
/// or internet gateway send it to `failed` on its first step.
pub(super) fn create(
    w: &mut World,
    ctx: &Ctx,
    req: &NatRequest,
    specs: &[TagSpec],
) -> Result<Output> {
    let scope = ctx.scope();
    let subnet = subnet::get(w, scope, &req.subnet_id)?.clone();
    check_request(w, ctx, req, &subnet, specs)?;

    // Problems from here on send the gateway to `failed` instead of failing the request.
    let address = req
        .allocation_id
        .as_deref()
        .and_then(|id| w.addresses.get_in(scope, id))
        .cloned();
    let mut failure = problem(w, req, &subnet, address.as_ref());
    let id = w.ids.id(Kind::NatGateway);
    let due = ctx.now + w.config.delays.transition;
    let mut nat = NatGateway {
        id: id.clone(),
        scope: scope.clone(),
        vpc_id: subnet.vpc_id.clone(),
        subnet_id: req.subnet_id.clone(),
        public: req.public,
        allocation_id: req.allocation_id.clone(),
        association_id: None,
        network_interface_id: None,
        private_ip: None,
        public_ip: address.as_ref().map(|a| a.public_ip),
        state: NatState::Pending,
        failure: None,
        created: ctx.now,
        deleted: None,
        step_due: due,
    };
    if failure.is_none() {
        let interface = ServiceInterface {
            subnet_id: req.subnet_id.clone(),
            interface_type: "nat_gateway".into(),
            description: format!("Interface for NAT Gateway {id}"),
            requester_id: REQUESTER_ID.into(),
            groups: Vec::new(),
            source_dest_check: false,
            private_ip: req.private_ip,
            public_ip: false,
            id_order: IdOrder::AttachmentFirst,
        };
        match eni::create_service(w, scope, ctx.now, &interface) {
            Ok(eni_id) => hold_interface(w, &mut nat, eni_id, address.as_ref()),
            Err(e) => failure = Some((e.code, e.message)),
        }
    }
    nat.failure = failure;
    w.nat_gateways.insert(nat);
    w.schedule(due, TimerKind::NatGateway, &id);
    tags::apply_specs(w, scope, &id, specs);
    Ok(Output::Id(id))
}

/// The request's own errors: the allocation id matches the connectivity type, the tags,
/// the zone's quota (when configured), a requested private address usable and free.
fn check_request(
    w: &mut World,
    ctx: &Ctx,
    req: &NatRequest,
    subnet: &Subnet,
    specs: &[TagSpec],
) -> Result<()> {
    subnet::require_ipv4(subnet, "a NAT gateway")?;
    match (req.public, &req.allocation_id) {
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
        .limit(ctx.account(), quota::NAT_GATEWAYS_PER_AZ)
    {
        let in_zone = w
            .nat_gateways
            .in_scope(ctx.scope())
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
    if let Some(ip) = req.private_ip {
        // A bad requested address is a request error: check it without keeping it.
        let got = subnet::allocate_ip(w, &req.subnet_id, Some(ip))?;
        subnet::release_ip(w, &req.subnet_id, got);
    }
    Ok(())
}

/// What will make the gateway fail: a public gateway without an internet gateway, an
/// allocation the caller does not hold, an address already associated.
fn problem(
    w: &World,
    req: &NatRequest,
    subnet: &Subnet,
    address: Option<&Address>,
) -> Option<Failure> {
    if req.public && attached_igw(w, &subnet.vpc_id).is_none() {
        return Some((
            ErrorCode::GatewayNotAttached,
            format!("Network {} has no Internet gateway attached", subnet.vpc_id),
        ));
    }
    if let (Some(id), None) = (&req.allocation_id, address) {
        return Some((
            ErrorCode::InvalidAllocationIDNotFound,
            format!("Elastic IP address {id} could not be associated with this NAT gateway"),
        ));
    }
    if let Some(a) = address.filter(|a| a.association.is_some()) {
        return Some((
            ErrorCode::ResourceAlreadyAssociated,
            format!("Elastic IP address {} is already associated", a.id),
        ));
    }
    None
}

/// The gateway takes its new interface; a public gateway's Elastic IP is mapped onto it.
fn hold_interface(w: &mut World, nat: &mut NatGateway, eni_id: String, address: Option<&Address>) {
    let ip = w
        .network_interfaces
        .get(&eni_id)
        .expect("just created")
        .primary_ip()
        .expect("a service interface has an IPv4 address");
    nat.private_ip = Some(ip);
    if let Some(a) = address {
        nat.association_id = Some(map(w, &a.id, &eni_id, ip, None));
    }
    nat.network_interface_id = Some(eni_id);
}

/// DeleteNatGateway: `deleting` now, `deleted` on its next step; again is a no-op.
pub(super) fn delete(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    let nat = w
        .nat_gateways
        .get_in(ctx.scope(), id)
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

/// Destroys a NAT gateway's interface (its address and Elastic IP association go with it);
/// the interface id stays on the gateway for display after deletion.
fn release_nat_resources(w: &mut World, id: &str) {
    if let Some(eni_id) = w
        .nat_gateways
        .get(id)
        .and_then(|n| n.network_interface_id.clone())
    {
        eni::destroy_interface(w, &eni_id);
    }
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
