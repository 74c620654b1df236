//! DeleteVpcEndpoints (§3.6) and the endpoint's hold on its VPC.

use crate::endpoint_service::dedup;
use crate::error::{ApiError, Result};
use crate::ids::Kind;
use crate::route::{self, Target};
use crate::world::{Ctx, Scope, TimerKind, World};
use crate::Output;

use super::gateway_routes::remove_routes;
use super::get;
use super::interfaces::release_interfaces;
use super::model::{EndpointType, State};

/// DeleteVpcEndpoints: each endpoint on its own; failures are reported per item.
pub(super) fn delete(w: &mut World, ctx: &Ctx, ids: &[String]) -> Output {
    let scope = ctx.scope();
    Output::bulk(dedup(ids), |id| delete_one(w, ctx, scope, id))
}

/// Starts deleting one endpoint: its routes and interfaces go now, the endpoint later.
fn delete_one(w: &mut World, ctx: &Ctx, scope: &Scope, id: &str) -> Result<()> {
    let ep = get(w, scope, id)?;
    match ep.state {
        State::Deleted => return Err(Kind::VpcEndpoint.not_found(id)),
        State::Deleting => return Ok(()),
        _ => {}
    }
    if ep.endpoint_type == EndpointType::GatewayLoadBalancer {
        let target = Target::VpcEndpoint(id.to_string());
        if let Some(t) = route::table_routing_to(w, &target) {
            return Err(ApiError::dependency(format!(
                "The VPC endpoint {id} is the target of a route in {}; delete the route first.",
                t.id
            )));
        }
    }
    let tables = ep.route_table_ids.clone();
    remove_routes(w, id, &tables);
    release_interfaces(w, id);
    crate::endpoint_service::forget_notifications_of(w, id);
    let due = ctx.now + w.config.delays.transition;
    let e = w.vpc_endpoints.get_mut(id).expect("found");
    e.state = State::Deleting;
    e.step_due = due;
    w.schedule(due, TimerKind::VpcEndpoint, id);
    Ok(())
}

/// DeleteVpc is refused while the VPC has endpoints (other than deleted ones).
pub fn check_vpc_deletable(w: &World, vpc_id: &str) -> Result<()> {
    if w.vpc_endpoints
        .values()
        .any(|e| e.vpc_id == vpc_id && e.state != State::Deleted)
    {
        return Err(ApiError::dependency(format!(
            "The vpc '{vpc_id}' has dependencies and cannot be deleted."
        )));
    }
    Ok(())
}
