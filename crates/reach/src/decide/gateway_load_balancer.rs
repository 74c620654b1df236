//! A Gateway Load Balancer endpoint as a route target: the packet goes to the endpoint's
//! interface, through the endpoint service's Gateway Load Balancer (its node in the
//! endpoint's zone, its listener and target group) to an appliance — encapsulated in
//! GENEVE, UDP port 6081, from the node's address — and back, then on from the endpoint's
//! interface by its subnet's route table, unchanged. A load balancer the view does not hold
//! (not imported) leaves the verdict unknown.

use std::net::IpAddr;
use std::sync::Arc;

use super::load_balancer::Entry;
use super::{Decider, Leg, Sender, Step};
use crate::explain::{Code, Detail, Header, HopKind, ListenerRef, Why};
use crate::privatelink::EndpointV;
use crate::view::Ix;

/// The GENEVE port between a Gateway Load Balancer and its appliances.
pub(crate) const GENEVE_PORT: u16 = 6081;

impl Decider<'_> {
    /// A route to Gateway Load Balancer endpoint `id` was taken with `h`.
    pub(super) fn via_gwlb_endpoint(
        &mut self,
        leg: &Leg,
        id: &Arc<str>,
        h: &mut Header,
        identity: &mut bool,
    ) -> Option<Step> {
        let v = self.v;
        self.nacl(leg.subnet, true, h);
        let detail = Detail {
            vpc_endpoint: Some(id.clone()),
            header: Some(*h),
            ..Detail::default()
        };
        let Some(ep) = v.privatelink.endpoints.get(id) else {
            let why = Why::GatewayLoadBalancerUnknown;
            return self.fatal(Code::UnknownResource, id, why, detail);
        };
        let Some(&m) = ep.enis.first() else {
            return self.fatal(Code::BadState, id, Why::EndpointNoInterface, detail);
        };
        let me = &v.enis[m as usize];
        if me.subnet != leg.subnet {
            self.nacl(me.subnet, false, h);
        }
        self.hop(id, HopKind::GatewayLoadBalancerEndpoint, h);
        self.through_appliance(ep, m, h)?;
        // The packet goes on as it came, but it has left the sender's groups behind.
        *identity = false;
        Some(Step::At(Sender::Eni(m)))
    }

    /// The endpoint's service's load balancer, its node in the zone of interface `m`, its
    /// listener, target group and one appliance that takes the GENEVE traffic and answers.
    fn through_appliance(&mut self, ep: &EndpointV, m: Ix, h: &Header) -> Option<()> {
        let v = self.v;
        let pl = &v.privatelink;
        let service = ep.service_id.as_ref().and_then(|s| pl.services.get(s));
        let arn = service.and_then(|s| s.gwlbs.first());
        let zone = pl.zone_of(v, m).cloned();
        let mut detail = Detail {
            vpc_endpoint: Some(ep.id.clone()),
            endpoint_service: ep.service_id.clone(),
            network_interface: Some(v.enis[m as usize].id.clone()),
            load_balancer: arn.cloned(),
            availability_zone: zone.clone(),
            header: Some(*h),
            ..Detail::default()
        };
        let Some(lb) = arn.and_then(|a| pl.lbs.get(a)) else {
            let what = arn.cloned().unwrap_or_else(|| ep.service_name.clone());
            let why = Why::GatewayLoadBalancerUnknown;
            return self.fatal(Code::UnknownResource, &what, why, detail);
        };
        self.hop(&lb.arn, HopKind::LoadBalancer, h);
        let Some(node) = lb.nodes.iter().find(|n| Some(&n.zone) == zone.as_ref()) else {
            let why = Why::ServiceNotInZone;
            return self.fatal(Code::VpceServiceNotInstalledInAz, &ep.id, why, detail);
        };
        let Some(n) = node.eni else {
            return self.fatal(Code::BadState, &lb.arn, Why::NoNodeInZone, detail);
        };
        let Some(listener) = lb.listeners.first() else {
            let why = Why::NoListener;
            return self.fatal(Code::Elbv2ListenersMismatch, &lb.arn, why, detail);
        };
        self.hop(&listener.arn, HopKind::LoadBalancerListener, h);
        detail.listener = Some(ListenerRef {
            arn: listener.arn.clone(),
            port: listener.port,
            protocol: listener.protocol.as_deref().map(Arc::from),
        });
        detail.target_group = Some(listener.target_group.clone());
        let tg = pl.target_groups.get(&listener.target_group);
        let Some(tg) = tg.filter(|g| !g.targets.is_empty()) else {
            let why = if tg.is_none() {
                detail.missing = Some(listener.target_group.clone());
                Why::TargetGroupMissing
            } else {
                Why::NoTargets
            };
            return self.fatal(Code::Elbv2ListenerHasNoTg, &listener.arn, why, detail);
        };
        self.hop(&tg.arn, HopKind::TargetGroup, h);
        let eligible = self.targets_from(lb, node, n, tg);
        if eligible.is_empty() {
            let why = Why::NoTargetsInZone;
            return self.fatal(Code::Elbv2NoTargetsInAz, &lb.arn, why, detail);
        }
        let ip = IpAddr::V4(node.ip);
        let geneve = Header {
            src: ip,
            dst: ip,
            protocol: 17,
            src_port: Some(GENEVE_PORT),
            dst_port: Some(GENEVE_PORT),
        };
        let entry = Entry {
            eni: n,
            ip,
            src: ip,
        };
        let runs: Vec<_> = eligible
            .iter()
            .map(|t| self.try_target(lb, entry, t, &geneve, &detail))
            .collect();
        let failed = runs.iter().all(|r| !r.ok);
        let (_, back) = self.keep_first_reachable(runs);
        self.hops.extend(back);
        (!failed).then_some(())
    }
}
