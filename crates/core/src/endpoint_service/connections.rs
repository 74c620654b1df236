//! Connection acceptance (§2.3): the provider accepts or rejects consumers' endpoints, each
//! reported on its own; live connections keep a service (and its load balancers) busy.

use super::services::{dedup, get};
use crate::error::{ApiError, ErrorCode, Result};
use crate::world::{Ctx, World};
use crate::Output;

/// Endpoints that keep a service busy: accepted or waiting for acceptance.
pub(super) fn live_connections<'w>(
    w: &'w World,
    service_id: &str,
) -> impl Iterator<Item = &'w str> + 'w {
    let service_id = service_id.to_string();
    w.vpc_endpoints
        .values()
        .filter(move |e| e.service_id() == Some(service_id.as_str()) && e.state.is_connected())
        .map(|e| e.id.as_str())
}

/// `ExistingVpcEndpointConnections` for service `id`.
pub(super) fn existing_connections(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ExistingVpcEndpointConnections,
        format!("Service {id} has existing VPC endpoint connections. Reject or delete them first."),
    )
}

/// AcceptVpcEndpointConnections: the consumers' endpoints go `pending`.
pub(super) fn accept(w: &mut World, ctx: &Ctx, service_id: &str, ids: &[String]) -> Result<Output> {
    get(w, ctx.scope(), service_id)?;
    Ok(bulk(
        w,
        ctx,
        service_id,
        ids,
        World::accept_endpoint_connection,
    ))
}

/// RejectVpcEndpointConnections: the consumers' endpoints go `rejected`.
pub(super) fn reject(w: &mut World, ctx: &Ctx, service_id: &str, ids: &[String]) -> Result<Output> {
    get(w, ctx.scope(), service_id)?;
    Ok(bulk(
        w,
        ctx,
        service_id,
        ids,
        World::reject_endpoint_connection,
    ))
}

type ConnectionStep = fn(&mut World, &Ctx, &str, &str) -> Result<()>;

/// Runs `step` for each endpoint once, reporting successes and failures per id.
fn bulk(
    w: &mut World,
    ctx: &Ctx,
    service_id: &str,
    ids: &[String],
    step: ConnectionStep,
) -> Output {
    Output::bulk(dedup(ids), |id| step(w, ctx, service_id, id))
}
