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

use super::{gone, Decider, Refusal};
use crate::explain::{Code, Detail, End, Header, Hop, HopKind, Why};
use crate::privatelink::{is_echo, no_interface};
use crate::view::{Ix, View};

/// The interface of endpoint `id` a flow from interface `s` goes to: the one in the
/// source's Availability Zone if there is one, else the first.
pub(super) fn vpce_destination(
    view: &View,
    s: Option<Ix>,
    id: &str,
    wanted: Option<IpAddr>,
) -> Result<Ix, Refusal> {
    let pl = &view.privatelink;
    let Some(ep) = pl.endpoints.get(id) else {
        return Err(gone(End::Destination, id));
    };
    if ep.kind == EndpointType::Gateway || ep.enis.is_empty() {
        let (code, why) = no_interface(id, ep.kind, ep.state, &ep.service_name);
        let detail = Detail {
            vpc_endpoint: Some(ep.id.clone()),
            state: Some(Arc::from(ep.state.as_str())),
            service_name: Some(ep.service_name.clone()),
            ..Detail::default()
        };
        return Err((code, ep.id.clone(), why, detail));
    }
    let holds = |&&e: &&Ix| wanted.is_some_and(|a| view.enis[e as usize].has(a));
    if let Some(&e) = ep.enis.iter().find(holds) {
        return Ok(e);
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
        let detail = Detail {
            network_interface: Some(e.id.clone()),
            vpc_endpoint: ep.map(|ep| ep.id.clone()),
            header: Some(*h),
            ..Detail::default()
        };
        let code = Code::VpceIntraVpcTraffic;
        self.blocker(code, &component, Why::EndpointInitiates, detail);
        true
    }

    /// The restrictions of gateway endpoint `id` on a packet sent from VPC `vpc`: TCP or
    /// ICMP echo only; only sources in the endpoint's own VPC (never through a peering).
    /// Returns the service name (the path's end).
    pub(super) fn gateway_endpoint(&mut self, id: &Arc<str>, vpc: Ix, h: &Header) -> Arc<str> {
        let v = self.v;
        let ep = v.privatelink.endpoints.get(id);
        let here = &v.vpcs[vpc as usize].id;
        let mut detail = Detail {
            vpc_endpoint: Some(id.clone()),
            service_name: ep.map(|e| e.service_name.clone()),
            source_vpc: Some(here.clone()),
            header: Some(*h),
            address: Some(h.src),
            ..Detail::default()
        };
        if h.protocol != 6 && !is_echo(h.protocol, h.dst_port) {
            let code = Code::VpceGatewayProtocolRestriction;
            self.blocker(code, id, Why::GatewayEndpointProtocol, detail.clone());
        }
        let why = match ep.and_then(|e| e.vpc) {
            Some(own) if own != vpc => {
                detail.vpc = Some(v.vpcs[own as usize].id.clone());
                Some(Why::GatewayEndpointOtherVpc)
            }
            None => Some(Why::GatewayEndpointNoVpc),
            Some(_) if !v.vpcs[vpc as usize].contains(h.src) => {
                detail.vpc = Some(here.clone());
                Some(Why::GatewayEndpointSourceOutside)
            }
            Some(_) => None,
        };
        if let Some(why) = why {
            let code = Code::VpceGatewayEgressSourceAddressRestriction;
            self.blocker(code, id, why, detail);
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
        let mut detail = Detail {
            vpc_endpoint: Some(ep.id.clone()),
            network_interface: Some(v.enis[y as usize].id.clone()),
            service_name: Some(ep.service_name.clone()),
            header: Some(*h),
            ..Detail::default()
        };
        if ep.state != State::Available {
            detail.state = Some(Arc::from(ep.state.as_str()));
            return self.fatal(Code::BadState, &ep.id, Why::EndpointState, detail);
        }
        if h.protocol != 6 {
            self.blocker(
                Code::ProtocolRestriction,
                &ep.id,
                Why::EndpointTcpOnly,
                detail,
            );
            return Some(Vec::new());
        }
        let Some(sid) = &ep.service_id else {
            self.hop(&ep.service_name, HopKind::Service, h);
            return Some(Vec::new());
        };
        detail.endpoint_service = Some(sid.clone());
        let Some(svc) = pl.services.get(sid) else {
            detail.missing = Some(sid.clone());
            return self.fatal(Code::BadState, &ep.id, Why::ServiceGone, detail);
        };
        if svc.state != ServiceState::Available {
            detail.state = Some(Arc::from(svc.state.as_str()));
            return self.fatal(Code::BadState, &svc.id, Why::ServiceState, detail);
        }
        if !svc.nlbs.iter().any(|a| pl.lbs.contains_key(a)) {
            return self.fatal(Code::BadState, &svc.id, Why::ServiceNoLoadBalancer, detail);
        }
        // The load balancer node in the endpoint's zone (any zone for a cross-Region
        // endpoint, which AWS restricts at creation).
        let zone = pl.zone_of(v, y);
        let placed = crate::privatelink::placement(v, ep, y);
        let Some((lb, node)) = placed else {
            detail.availability_zone = zone.cloned();
            let code = Code::VpceServiceNotInstalledInAz;
            return self.fatal(code, &ep.id, Why::ServiceNotInZone, detail);
        };
        self.hop(&svc.id, HopKind::EndpointService, h);
        self.through_load_balancer(lb, node, h, true)
    }
}
