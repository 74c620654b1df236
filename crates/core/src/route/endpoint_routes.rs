//! Routes that gateway endpoints own (spec §3.3): added and removed only through the
//! endpoint area, never with the route APIs.

use crate::error::{ApiError, ErrorCode, Result};
use crate::world::World;

use super::model::{Destination, Origin, Route, RouteTable, Target};

/// A gateway endpoint may add its route to `prefix_list` to `table`: one route per
/// destination, so a table that already routes the list refuses it.
pub fn check_gateway_endpoint_route(table: &RouteTable, prefix_list: &str) -> Result<()> {
    let dest = Destination::PrefixList(prefix_list.to_string());
    if table.routes.iter().any(|r| r.destination == dest) {
        return Err(ApiError::new(
            ErrorCode::RouteAlreadyExists,
            format!(
                "route table {} already has a route with destination-prefix-list-id {prefix_list}",
                table.id
            ),
        ));
    }
    Ok(())
}

/// Adds gateway endpoint `endpoint_id`'s route to `prefix_list` to table `rtb_id`.
pub fn add_gateway_endpoint_route(
    w: &mut World,
    rtb_id: &str,
    prefix_list: &str,
    endpoint_id: &str,
) {
    if let Some(t) = w.route_tables.get_mut(rtb_id) {
        t.routes.push(Route {
            destination: Destination::PrefixList(prefix_list.to_string()),
            target: Target::GatewayEndpoint(endpoint_id.to_string()),
            origin: Origin::CreateRoute,
        });
    }
}

/// Removes gateway endpoint `endpoint_id`'s routes from table `rtb_id`.
pub fn remove_gateway_endpoint_routes(w: &mut World, rtb_id: &str, endpoint_id: &str) {
    let target = Target::GatewayEndpoint(endpoint_id.to_string());
    if let Some(t) = w.route_tables.get_mut(rtb_id) {
        t.routes.retain(|r| r.target != target);
    }
}
