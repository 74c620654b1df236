//! Routes that follow the VPC: each block's local route in every table, and the default
//! VPC's route to its internet gateway.

use ipnet::{Ipv4Net, Ipv6Net};

use crate::error::{ApiError, Result};
use crate::world::World;

use super::model::{Destination, Origin, Route, RouteTable, Target};

/// Adds `0.0.0.0/0 → igw` to a table (default VPC).
pub fn add_igw_default_route(w: &mut World, rtb_id: &str, igw_id: &str) {
    if let Some(t) = w.route_tables.get_mut(rtb_id) {
        t.routes.push(Route {
            destination: Destination::V4(crate::cidr::ANY_V4),
            target: Target::Gateway(igw_id.to_string()),
            origin: Origin::CreateRoute,
        });
    }
}

fn tables_of_vpc_mut<'w>(
    w: &'w mut World,
    vpc_id: &'w str,
) -> impl Iterator<Item = &'w mut RouteTable> {
    w.route_tables
        .values_mut()
        .filter(move |t| t.vpc_id == vpc_id)
}

/// Adds the local route of a new block to every table of the VPC.
fn add_local_route(w: &mut World, vpc_id: &str, destination: Destination) {
    for t in tables_of_vpc_mut(w, vpc_id) {
        t.routes.push(Route::local(destination.clone()));
    }
}

/// Removes the local route of a disassociated block (whatever its target now is).
fn remove_local_route(w: &mut World, vpc_id: &str, destination: Destination) {
    for t in tables_of_vpc_mut(w, vpc_id) {
        t.routes
            .retain(|r| !(r.is_local_slot() && r.destination == destination));
    }
}

/// Adds the local route of a new IPv4 block to every table of the VPC.
pub fn add_local_route_v4(w: &mut World, vpc_id: &str, cidr: Ipv4Net) {
    add_local_route(w, vpc_id, Destination::V4(cidr));
}

/// Adds the local route of a new IPv6 block to every table of the VPC.
pub fn add_local_route_v6(w: &mut World, vpc_id: &str, cidr: Ipv6Net) {
    add_local_route(w, vpc_id, Destination::V6(cidr));
}

/// Removes the local route of a disassociated IPv4 block (whatever its target now is).
pub fn remove_local_route_v4(w: &mut World, vpc_id: &str, cidr: Ipv4Net) {
    remove_local_route(w, vpc_id, Destination::V4(cidr));
}

/// Removes the local route of a disassociated IPv6 block (whatever its target now is).
pub fn remove_local_route_v6(w: &mut World, vpc_id: &str, cidr: Ipv6Net) {
    remove_local_route(w, vpc_id, Destination::V6(cidr));
}

/// A new VPC block must not equal or contain an existing route's destination.
pub fn check_vpc_block_against_routes(w: &World, vpc_id: &str, cidr: &Ipv4Net) -> Result<()> {
    for t in w.route_tables.values().filter(|t| t.vpc_id == vpc_id) {
        for r in &t.routes {
            if let Destination::V4(dest) = r.destination {
                if !r.is_local_slot() && cidr.contains(&dest) {
                    return Err(ApiError::invalid_value(format!(
                        "The CIDR '{cidr}' conflicts with route '{dest}' in route table {}.",
                        t.id
                    )));
                }
            }
        }
    }
    Ok(())
}
