//! Subnet CIDR reservations (CreateSubnetCidrReservation, DeleteSubnetCidrReservation,
//! GetSubnetCidrReservations): IPv4 or IPv6 ranges of a subnet set aside, `prefix` (for
//! prefixes AWS delegates to interfaces) or `explicit` (for addresses the user assigns).
//! Neither kind is handed out when an address is picked automatically
//! ([`super::allocate_ip`] asks [`reserved_offsets_v4`]); an address asked for by name may
//! lie in a reservation.

use std::collections::BTreeSet;

use ipnet::IpNet;

use crate::cidr;
use crate::error::{ApiError, Result};
use crate::filter::{self, Filter};
use crate::ids::Kind;
use crate::tags;
use crate::world::{Ctx, World};

use super::model::{CidrReservation, CreateReservation, ReservationType};
use crate::Output;

/// CreateSubnetCidrReservation: the range lies in one of the subnet's blocks and overlaps
/// none of its reservations.
pub(super) fn create(w: &mut World, ctx: &Ctx, c: &CreateReservation) -> Result<Output> {
    let scope = ctx.scope();
    let subnet = super::get(w, scope, &c.subnet_id)?;
    let reservation_type = ReservationType::parse(&c.reservation_type)?;
    let cidr = cidr::parse_any(&c.cidr).ok_or_else(|| {
        ApiError::invalid_value(format!(
            "Value ({}) for parameter cidr is invalid. This is not a valid CIDR block.",
            c.cidr
        ))
    })?;
    let inside = match cidr {
        IpNet::V4(n) => subnet.cidr.is_some_and(|c| c.contains(&n)),
        IpNet::V6(n) => subnet.ipv6_cidrs.iter().any(|b| b.cidr.contains(&n)),
    };
    if !inside {
        return Err(ApiError::invalid_parameter(format!(
            "The CIDR '{cidr}' is not within the CIDR ranges of subnet '{}'.",
            subnet.id
        )));
    }
    let clash = w
        .subnet_cidr_reservations
        .values()
        .find(|r| r.subnet_id == subnet.id && overlaps(&r.cidr, &cidr));
    if let Some(r) = clash {
        return Err(ApiError::invalid_parameter(format!(
            "The CIDR '{cidr}' overlaps the subnet CIDR reservation '{}' ({}).",
            r.id, r.cidr
        )));
    }
    tags::check_specs(&c.tags, "subnet-cidr-reservation")?;
    let id = w.ids.id(Kind::SubnetCidrReservation);
    w.subnet_cidr_reservations.insert(CidrReservation {
        id: id.clone(),
        scope: scope.clone(),
        subnet_id: c.subnet_id.clone(),
        cidr,
        reservation_type,
        description: c.description.clone(),
    });
    tags::apply_specs(w, scope, &id, &c.tags);
    Ok(Output::Id(id))
}

fn overlaps(a: &IpNet, b: &IpNet) -> bool {
    match (a, b) {
        (IpNet::V4(a), IpNet::V4(b)) => cidr::overlaps_v4(a, b),
        (IpNet::V6(a), IpNet::V6(b)) => cidr::overlaps_v6(a, b),
        _ => false,
    }
}

/// DeleteSubnetCidrReservation.
pub(super) fn delete(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    w.subnet_cidr_reservations
        .get_in(ctx.scope(), id)
        .ok_or_else(|| Kind::SubnetCidrReservation.not_found(id))?;
    w.subnet_cidr_reservations.remove(id);
    tags::forget(w, id);
    Ok(Output::Id(id.to_string()))
}

/// Removes the reservations of a deleted subnet.
pub(super) fn forget_subnet(w: &mut World, subnet_id: &str) {
    let ids: Vec<String> = w
        .subnet_cidr_reservations
        .values()
        .filter(|r| r.subnet_id == subnet_id)
        .map(|r| r.id.clone())
        .collect();
    for id in ids {
        w.subnet_cidr_reservations.remove(&id);
        tags::forget(w, &id);
    }
}

/// Offsets (from the subnet's network address) of its IPv4 addresses held by reservations.
pub fn reserved_offsets_v4(w: &World, subnet_id: &str) -> BTreeSet<u32> {
    let Some(block) = w.subnets.get(subnet_id).and_then(|s| s.cidr) else {
        return BTreeSet::new();
    };
    let mut out = BTreeSet::new();
    for r in w.subnet_cidr_reservations.values() {
        let IpNet::V4(n) = r.cidr else { continue };
        if r.subnet_id != subnet_id {
            continue;
        }
        if let Some(first) = cidr::offset_v4(&block, n.network()) {
            out.extend(first..first + cidr::size_v4(&n) as u32);
        }
    }
    out
}

/// Filters GetSubnetCidrReservations accepts.
pub const FILTERS: &[&str] = &["reservationType", "subnet-id", "owner-id"];

/// GetSubnetCidrReservations: the reservations of one subnet of the caller.
pub fn describe<'w>(
    w: &'w World,
    ctx: &Ctx,
    subnet_id: &str,
    filters: &[Filter],
) -> Result<Vec<&'w CidrReservation>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    super::get(w, scope, subnet_id)?;
    Ok(w.subnet_cidr_reservations
        .in_scope(scope)
        .filter(|r| r.subnet_id == subnet_id)
        .filter(|r| {
            filter::matches(filters, tags::of(w, scope, &r.id), |name| match name {
                "reservationType" => filter::s(r.reservation_type.as_str()),
                "subnet-id" => filter::s(&r.subnet_id),
                "owner-id" => filter::s(&r.scope.account),
                _ => Vec::new(),
            })
        })
        .collect())
}

/// How many addresses of `s` can still be picked automatically: its available addresses
/// less the unused ones that reservations hold.
pub fn auto_assignable_count(w: &World, s: &super::Subnet) -> u64 {
    let Some(block) = s.cidr else { return 0 };
    let last = cidr::size_v4(&block) as u32 - 1;
    let held = reserved_offsets_v4(w, &s.id)
        .into_iter()
        .filter(|o| *o >= 4 && *o < last && !s.used.contains(o))
        .count() as u64;
    s.available_ip_count().saturating_sub(held)
}

/// Whether `s` can take the addresses `named` (free, checked one by one when allocated)
/// and then `automatic` more picked automatically: the named ones outside reservations use
/// up automatic room.
pub fn fits(w: &World, s: &super::Subnet, named: &[std::net::Ipv4Addr], automatic: usize) -> bool {
    if (named.len() + automatic) as u64 > s.available_ip_count() {
        return false;
    }
    let Some(block) = s.cidr else {
        return named.is_empty() && automatic == 0;
    };
    let held = reserved_offsets_v4(w, &s.id);
    let last = cidr::size_v4(&block) as u32 - 1;
    let taking_room = named
        .iter()
        .filter_map(|a| cidr::offset_v4(&block, *a))
        .filter(|o| *o >= 4 && *o < last && !held.contains(o) && !s.used.contains(o))
        .count() as u64;
    automatic as u64 + taking_room <= auto_assignable_count(w, s)
}
