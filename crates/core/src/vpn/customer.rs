//! Customer gateways: CreateCustomerGateway (idempotent on identical requests) and
//! DeleteCustomerGateway.

use std::net::Ipv4Addr;

use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::Output;

use super::model::{CustomerGateway, State, DEFAULT_CUSTOMER_ASN};

/// What CreateCustomerGateway asks for.
pub(super) struct NewCustomerGateway {
    pub ip_address: Ipv4Addr,
    pub bgp_asn: Option<u64>,
    pub device_name: Option<String>,
    pub certificate_arn: Option<String>,
}

/// The caller's customer gateway `id` (any state), or `InvalidCustomerGatewayID.NotFound`.
pub(super) fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w CustomerGateway> {
    w.customer_gateways
        .get_in(scope, id)
        .ok_or_else(|| Kind::CustomerGateway.not_found(id))
}

/// CreateCustomerGateway: an available gateway with the same address, ASN and device name
/// is returned rather than made again (as AWS documents).
pub(super) fn create(
    w: &mut World,
    ctx: &Ctx,
    new: NewCustomerGateway,
    specs: &[TagSpec],
) -> Result<Output> {
    tags::check_specs(specs, "customer-gateway")?;
    let asn = new.bgp_asn.unwrap_or(DEFAULT_CUSTOMER_ASN);
    if !(1..=4_294_967_295).contains(&asn) {
        return Err(ApiError::invalid_value(format!(
            "The BGP ASN {asn} is not valid: use 1-4294967295."
        )));
    }
    let ip = new.ip_address;
    if ip.is_unspecified() || ip.is_multicast() || ip.is_broadcast() || ip.is_loopback() {
        return Err(ApiError::invalid_value(format!(
            "The customer gateway IP address {ip} is not a valid unicast address."
        )));
    }
    let scope = ctx.scope();
    if let Some(same) = w.customer_gateways.in_scope(scope).find(|g| {
        g.state == State::Available
            && g.ip_address == ip
            && g.bgp_asn == asn
            && g.device_name == new.device_name
    }) {
        return Ok(Output::Id(same.id.clone()));
    }
    let id = w.ids.id(Kind::CustomerGateway);
    w.customer_gateways.insert(CustomerGateway {
        id: id.clone(),
        scope: scope.clone(),
        ip_address: ip,
        bgp_asn: asn,
        device_name: new.device_name,
        certificate_arn: new.certificate_arn,
        state: State::Available,
        purge_at: None,
    });
    tags::apply_specs(w, scope, &id, specs);
    Ok(Output::Id(id))
}

/// DeleteCustomerGateway: only once its VPN connections are deleted.
pub(super) fn delete(w: &mut World, ctx: &Ctx, cgw_id: &str) -> Result<Output> {
    let cgw = get(w, ctx.scope(), cgw_id)?;
    if cgw.state != State::Available {
        return Err(Kind::CustomerGateway.not_found(cgw_id));
    }
    if let Some(c) = w
        .vpn_connections
        .values()
        .find(|c| c.customer_gateway_id == cgw_id && c.state == State::Available)
    {
        return Err(ApiError::new(
            ErrorCode::IncorrectState,
            format!(
                "The customer gateway {cgw_id} is in use by VPN connection {}; delete the connection first.",
                c.id
            ),
        ));
    }
    let due = super::schedule_purge(w, ctx, cgw_id);
    let g = w.customer_gateways.get_mut(cgw_id).expect("checked");
    g.state = State::Deleted;
    g.purge_at = Some(due);
    Ok(Output::Done)
}
