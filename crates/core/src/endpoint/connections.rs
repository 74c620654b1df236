//! The provider's side of an endpoint to its service (§2.3): accepting and rejecting the
//! connection, and the load balancers behind it.

use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::world::{Ctx, TimerKind, World};

use super::interfaces::{provision, release_interfaces};
use super::model::{LastError, State, VpcEndpoint};
use super::subnets::check_provision;

/// `InvalidStateTransition` from `from` to `to`.
fn state_error(id: &str, from: State, to: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidStateTransition,
        format!(
            "Invalid state transition for {id}, attempted to transition from {} to {to}",
            from.as_str()
        ),
    )
}

/// The endpoint `id` if it is a connection of `service_id`.
fn connection<'w>(w: &'w World, service_id: &str, id: &str) -> Result<&'w VpcEndpoint> {
    w.vpc_endpoints
        .get(id)
        .filter(|e| e.service_id() == Some(service_id) && e.state != State::Deleted)
        .ok_or_else(|| Kind::VpcEndpoint.not_found(id))
}

/// AcceptVpcEndpointConnections for one endpoint: pendingAcceptance → pending. Its
/// interfaces were made at creation; any it lacks (an imported endpoint) are made now, and
/// if that is impossible the endpoint fails with `lastError`.
pub(crate) fn accept(w: &mut World, ctx: &Ctx, service_id: &str, id: &str) -> Result<()> {
    let ep = connection(w, service_id, id)?;
    if ep.state != State::PendingAcceptance {
        return Err(state_error(id, ep.state, "pending"));
    }
    let missing: Vec<_> = ep
        .subnets
        .iter()
        .filter(|c| !ep.interfaces.iter().any(|i| i.subnet_id == c.subnet_id))
        .cloned()
        .collect();
    if let Err(e) = check_provision(w, &missing) {
        let ep = w.vpc_endpoints.get_mut(id).expect("found");
        ep.state = State::Failed;
        ep.last_error = Some(LastError {
            code: e.code.to_string(),
            message: e.message,
        });
        return Ok(());
    }
    let due = ctx.now + w.config.delays.transition;
    provision(w, id, ctx.now);
    let ep = w.vpc_endpoints.get_mut(id).expect("found");
    ep.state = State::Pending;
    ep.step_due = due;
    w.schedule(due, TimerKind::VpcEndpoint, id);
    Ok(())
}

/// RejectVpcEndpointConnections for one endpoint: pending, waiting or available → rejected.
pub(crate) fn reject(w: &mut World, _ctx: &Ctx, service_id: &str, id: &str) -> Result<()> {
    let ep = connection(w, service_id, id)?;
    if !ep.state.is_connected() {
        return Err(state_error(id, ep.state, "rejected"));
    }
    release_interfaces(w, id);
    let ep = w.vpc_endpoints.get_mut(id).expect("found");
    ep.state = State::Rejected;
    Ok(())
}

/// The load balancers behind an endpoint's service, for the provider's connection view.
pub fn load_balancers_of(w: &World, ep: &VpcEndpoint) -> (Vec<String>, Vec<String>) {
    ep.service_id()
        .and_then(|s| w.endpoint_services.get(s))
        .map(|s| {
            (
                s.network_load_balancer_arns.clone(),
                s.gateway_load_balancer_arns.clone(),
            )
        })
        .unwrap_or_default()
}
