//! The route tables of gateway endpoints (§3.3): which tables an endpoint is associated
//! with, and its prefix-list routes in them (the route area adds, checks and removes them).

use crate::error::{ApiError, Result};
use crate::world::{Scope, World};
use crate::{prefix_list, route};

use super::model::{EndpointType, VpcEndpoint};

/// The id of the AWS-managed prefix list of a gateway endpoint service (`s3`, `dynamodb`)
/// in `region`, as the prefix-list area names it.
pub fn gateway_prefix_list_id(region: &str, service: &str) -> String {
    prefix_list::aws_managed_id(region, service)
}

/// The prefix list of a gateway endpoint's service.
pub(super) fn prefix_list_of(ep: &VpcEndpoint) -> Option<String> {
    let short = ep.aws_short_name()?;
    Some(gateway_prefix_list_id(&ep.service_region, short))
}

impl VpcEndpoint {
    /// The route-table ids still associated (tables deleted meanwhile are dropped).
    pub fn live_route_tables<'a>(&'a self, w: &'a World) -> impl Iterator<Item = &'a String> {
        self.route_table_ids
            .iter()
            .filter(move |t| w.route_tables.get(t).is_some())
    }
}

/// The route tables `ids` may take the endpoint's route to `prefix_list`: the caller's,
/// in the endpoint's VPC, without a route to the list yet.
pub(super) fn check_route_tables(
    w: &World,
    scope: &Scope,
    vpc_id: &str,
    ids: &[String],
    prefix_list: &str,
) -> Result<()> {
    for id in ids {
        let t = route::get(w, scope, id)?;
        if t.vpc_id != vpc_id {
            return Err(ApiError::invalid_parameter(format!(
                "The route table {id} does not belong to the VPC {vpc_id}."
            )));
        }
        route::check_gateway_endpoint_route(t, prefix_list)?;
    }
    Ok(())
}

/// Adds the endpoint's route to `prefix_list` to each of `tables`.
pub(super) fn add_routes(w: &mut World, endpoint_id: &str, prefix_list: &str, tables: &[String]) {
    for rtb in tables {
        route::add_gateway_endpoint_route(w, rtb, prefix_list, endpoint_id);
    }
}

/// Removes the endpoint's routes from each of `tables`.
pub(super) fn remove_routes(w: &mut World, endpoint_id: &str, tables: &[String]) {
    for rtb in tables {
        route::remove_gateway_endpoint_routes(w, rtb, endpoint_id);
    }
}

/// A deleted route table leaves the endpoints it was associated with.
pub fn on_route_table_deleted(w: &mut World, rtb: &str) {
    for e in w.vpc_endpoints.values_mut() {
        e.route_table_ids.retain(|t| t != rtb);
    }
}

/// Whether a route target is a live gateway endpoint (its routes are then `active`).
pub fn gateway_endpoint_exists(w: &World, id: &str) -> bool {
    w.vpc_endpoints
        .get(id)
        .is_some_and(|e| e.endpoint_type == EndpointType::Gateway && e.state.exists())
}
