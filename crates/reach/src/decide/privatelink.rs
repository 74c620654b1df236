//! Deciding past VPC endpoints (§1.8, §3.2, §3.3, §5.2): gateway endpoint restrictions,
//! interface endpoints as sources and destinations, and PrivateLink end to end — from the
//! endpoint's interface to the endpoint service, its network load balancer, the listener on
//! the flow's port, the target group and each registered target, as the provider sees it
//! (the load balancer's address as the source: client IP preservation is off for
//! PrivateLink). The flow is reachable when at least one target is.

use std::net::IpAddr;
use std::sync::Arc;

use openvpc_core::endpoint::{EndpointType, State};
use openvpc_core::endpoint_service::ServiceState;

use super::Decider;
use crate::explain::{Code, Header, Hop, HopKind};
use crate::privatelink::{is_echo, no_interface};
use crate::view::{Ix, View};

/// The interface of endpoint `id` a flow from interface `s` goes to: the one holding the
/// `wanted` address, else the one in the source's Availability Zone if there is one, else
/// the first.
pub(super) fn vpce_destination(
    view: &View,
    s: Option<Ix>,
    id: &str,
    wanted: Option<IpAddr>,
) -> Result<Ix, (Code, Arc<str>, String)> {
    let pl = &view.privatelink;
    let Some(ep) = pl.endpoints.get(id) else {
        return Err((
            Code::NoSourceOrDestination,
            Arc::from(id),
            format!("the destination {id} does not exist"),
        ));
    };
    if ep.kind == EndpointType::Gateway || ep.enis.is_empty() {
        let (code, why) = no_interface(id, ep.kind, ep.state, &ep.service_name);
        return Err((code, ep.id.clone(), why));
    }
    if let Some(e) = wanted.and_then(|a| ep.enis.iter().find(|&&e| view.enis[e as usize].has(a))) {
        return Ok(*e);
    }
    let zone = s.and_then(|s| pl.zone_of(view, s));
    Ok(ep
        .enis
        .iter()
        .copied()
        .find(|&e| zone.is_some() && pl.zone_of(view, e) == zone)
        .unwrap_or(ep.enis[0]))
}

impl Decider<'_> {
    /// An interface endpoint's interface as the source: endpoints only answer traffic their
    /// consumers initiate (`VPCE_INTRA_VPC_TRAFFIC`). True when the flow stops here.
    pub(super) fn endpoint_as_source(&mut self, s: Ix, h: &Header) -> bool {
        let v = self.v;
        let e = &v.enis[s as usize];
        let ep = v
            .privatelink
            .by_eni
            .get(&s)
            .and_then(|id| v.privatelink.endpoints.get(id))
            .filter(|ep| ep.kind == EndpointType::Interface);
        if !e.endpoint && ep.is_none() {
            return false;
        }
        let component = ep.map_or_else(|| e.id.clone(), |ep| ep.id.clone());
        self.blocker(
            Code::VpceIntraVpcTraffic,
            &component,
            format!(
                "{} is an interface endpoint's network interface: an endpoint only answers traffic its consumers initiate, it cannot open {h}",
                e.id
            ),
        );
        true
    }

    /// The restrictions of gateway endpoint `id` on a packet sent from VPC `vpc`: TCP or
    /// ICMP echo only; only sources in the endpoint's own VPC (never through a peering).
    /// Returns the service name (the path's end).
    pub(super) fn gateway_endpoint(&mut self, id: &Arc<str>, vpc: Ix, h: &Header) -> Arc<str> {
        let v = self.v;
        let ep = v.privatelink.endpoints.get(id);
        if h.protocol != 6 && !is_echo(h.protocol, h.dst_port) {
            self.blocker(
                Code::VpceGatewayProtocolRestriction,
                id,
                format!("{id} carries only TCP and ICMP echo, not {h}"),
            );
        }
        let here = &v.vpcs[vpc as usize].id;
        match ep.and_then(|e| e.vpc) {
            Some(own) if own != vpc => self.blocker(
                Code::VpceGatewayEgressSourceAddressRestriction,
                id,
                format!(
                    "{id} belongs to {}: only sources in that VPC use it, not {} in {here} (a gateway endpoint is not reachable through a peering, VPN or transit gateway)",
                    v.vpcs[own as usize].id, h.src
                ),
            ),
            None => self.blocker(
                Code::VpceGatewayEgressSourceAddressRestriction,
                id,
                format!("{id} belongs to no VPC of this view: {} in {here} cannot use it", h.src),
            ),
            Some(_) if !v.vpcs[vpc as usize].contains(h.src) => self.blocker(
                Code::VpceGatewayEgressSourceAddressRestriction,
                id,
                format!("{id} accepts only sources in {here}, not {}", h.src),
            ),
            Some(_) => {}
        }
        ep.map_or_else(|| Arc::from("service"), |e| e.service_name.clone())
    }

    /// The forward path reached interface `y` with `h`. For an interface endpoint's
    /// interface: the endpoint's state, TCP only, then the AWS service or, for an endpoint
    /// service, PrivateLink to its targets. Returns the provider's return hops (to go before
    /// the endpoint's reply), or `None` when the path ends here (no reply to walk).
    pub(super) fn through_endpoint(&mut self, y: Ix, h: &Header) -> Option<Vec<Hop>> {
        let v = self.v;
        let pl = &v.privatelink;
        let Some(ep) = pl.by_eni.get(&y).and_then(|id| pl.endpoints.get(id)) else {
            return Some(Vec::new());
        };
        if ep.kind != EndpointType::Interface {
            return Some(Vec::new());
        }
        if ep.state != State::Available {
            return self.fatal(
                Code::BadState,
                &ep.id,
                format!(
                    "{} is {}, not available: it carries no traffic{}",
                    ep.id,
                    ep.state.as_str(),
                    if ep.state == State::PendingAcceptance {
                        " until the service provider accepts the connection"
                    } else {
                        ""
                    }
                ),
            );
        }
        if h.protocol != 6 {
            self.blocker(
                Code::ProtocolRestriction,
                &ep.id,
                format!("interface endpoint {} carries TCP only, not {h}", ep.id),
            );
            return Some(Vec::new());
        }
        let Some(sid) = &ep.service_id else {
            self.hop(&ep.service_name, HopKind::Service, h);
            return Some(Vec::new());
        };
        let Some(svc) = pl.services.get(sid) else {
            return self.fatal(
                Code::BadState,
                &ep.id,
                format!("the endpoint service {sid} of {} no longer exists", ep.id),
            );
        };
        if svc.state != ServiceState::Available {
            return self.fatal(
                Code::BadState,
                &svc.id,
                format!("{} is {}, not Available", svc.id, svc.state.as_str()),
            );
        }
        if !svc.nlbs.iter().any(|a| pl.lbs.contains_key(a)) {
            return self.fatal(
                Code::BadState,
                &svc.id,
                format!("{} has no network load balancer", svc.id),
            );
        }
        // The load balancer node in the endpoint's zone (any zone for a cross-Region
        // endpoint, which AWS restricts at creation).
        let zone = pl.zone_of(v, y);
        let placed = crate::privatelink::placement(v, ep, y);
        let Some((lb, node)) = placed else {
            return self.fatal(
                Code::VpceServiceNotInstalledInAz,
                &ep.id,
                format!(
                    "{} is in zone {}, where no load balancer of {} is; add a subnet of that zone to the load balancer",
                    v.enis[y as usize].id,
                    zone.map_or("(unknown)", |z| z.as_ref()),
                    svc.id
                ),
            );
        };
        self.hop(&svc.id, HopKind::EndpointService, h);
        self.through_load_balancer(lb, node, h, true)
    }
}
