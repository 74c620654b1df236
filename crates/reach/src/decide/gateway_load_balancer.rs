//! A Gateway Load Balancer endpoint as a route target: the packet goes to the endpoint's
//! interface, through the endpoint service's Gateway Load Balancer (its node in the
//! endpoint's zone, its listener and target group) to an appliance — encapsulated in
//! GENEVE, UDP port 6081, from the node's address — and back, then on from the endpoint's
//! interface by its subnet's route table, unchanged. A load balancer or appliance the view
//! does not hold (not imported) leaves the verdict unknown.

use std::net::IpAddr;
use std::sync::Arc;

use super::load_balancer::Entry;
use super::{Decider, Leg, Sender, Step};
use crate::explain::{Code, Header, HopKind};
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
        let Some(ep) = v.privatelink.endpoints.get(id) else {
            let why = format!("{id} is not in the compiled view");
            return self.fatal(Code::UnknownResource, id, why);
        };
        let Some(&m) = ep.enis.first() else {
            let why = format!("{id} has no network interface: it carries no traffic");
            return self.fatal(Code::BadState, id, why);
        };
        let me = &v.enis[m as usize];
        if me.subnet != leg.subnet {
            self.nacl(me.subnet, false, h);
        }
        self.hop(id, HopKind::GatewayLoadBalancerEndpoint, h);
        self.through_appliance(ep, m, h)?;
        // The appliance may rewrite nothing, but the packet has left the sender's groups.
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
        let Some(lb) = arn.and_then(|a| pl.lbs.get(a)) else {
            let what = arn.map_or_else(
                || ep.service_id.as_deref().unwrap_or(&ep.service_name).to_string(),
                |a| a.to_string(),
            );
            let why = format!(
                "the Gateway Load Balancer behind {} ({what}) is not known (it was not imported): whether its appliances pass {h} cannot be decided; import its account's load balancers and target groups",
                ep.id
            );
            return self.fatal(Code::UnknownResource, &Arc::from(what.as_str()), why);
        };
        self.hop(&lb.arn, HopKind::LoadBalancer, h);
        let zone = pl.zone_of(v, m);
        let Some(node) = lb.nodes.iter().find(|n| Some(&n.zone) == zone) else {
            let why = format!(
                "{} has no node in the zone of {} ({}); enable that zone on the load balancer",
                lb.arn,
                ep.id,
                zone.map_or("unknown", |z| z.as_ref())
            );
            return self.fatal(Code::VpceServiceNotInstalledInAz, &ep.id, why);
        };
        let Some(n) = node.eni else {
            let why = format!("{} has no network interface in zone {}", lb.arn, node.zone);
            return self.fatal(Code::BadState, &lb.arn, why);
        };
        let Some(listener) = lb.listeners.first() else {
            let why = format!("{} has no listener; add one forwarding to its appliances", lb.arn);
            return self.fatal(Code::Elbv2ListenersMismatch, &lb.arn, why);
        };
        self.hop(&listener.arn, HopKind::LoadBalancerListener, h);
        let tg = pl.target_groups.get(&listener.target_group);
        let Some(tg) = tg.filter(|g| !g.targets.is_empty()) else {
            let why = format!(
                "the target group {} of {} has no registered appliances; register one",
                listener.target_group, listener.arn
            );
            return self.fatal(Code::Elbv2ListenerHasNoTg, &listener.arn, why);
        };
        self.hop(&tg.arn, HopKind::TargetGroup, h);
        let eligible = self.targets_from(lb, node, n, tg);
        if eligible.is_empty() {
            let why = format!(
                "cross-zone load balancing is off for {} and no appliance of {} is in zone {}; register one there",
                lb.arn, tg.arn, node.zone
            );
            return self.fatal(Code::Elbv2NoTargetsInAz, &lb.arn, why);
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
            .into_iter()
            .map(|t| self.try_target(lb, entry, t, &geneve))
            .collect();
        let failed = runs.iter().all(|r| !r.ok);
        let back = self.keep_first_reachable(runs);
        self.hops.extend(back);
        (!failed).then_some(())
    }
}
