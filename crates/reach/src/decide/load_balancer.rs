//! Through a network load balancer (§14, §17.2), entered directly (a client sending to a
//! node's address) or through PrivateLink (an endpoint's interface): the load balancer's
//! security groups, the listener on the flow's protocol and port, its target group, the
//! targets the entry node may use (its own zone unless cross-zone load balancing is on),
//! and each target, forward and back. The flow is reachable when one target is.
//!
//! The source a target sees is the node's address, or the client's when the group
//! preserves client addresses and the client came directly (PrivateLink never preserves
//! it). Replies go back to the node, which answers the client from its own address.

use std::net::IpAddr;
use std::sync::Arc;

use super::{Decider, End, Sender, Start};
use crate::explain::{
    Applied, Balanced, Code, Detail, Direction, Explanation, Header, Hop, HopKind, ListenerRef,
    TargetRef, Why,
};
use crate::privatelink::{listener_takes, LbV, NodeV, TargetAt, TargetGroupV, TargetV};
use crate::view::Ix;

/// What one target of a target group gave.
pub(super) struct TargetRun {
    pub ok: bool,
    forward: Vec<Hop>,
    back: Vec<Hop>,
    exps: Vec<Explanation>,
}

/// The node a flow entered by and the source its targets see.
#[derive(Clone, Copy)]
pub(super) struct Entry {
    /// The node's interface.
    pub eni: Ix,
    /// The node's address (replies come back to it).
    pub ip: IpAddr,
    /// The source address targets see.
    pub src: IpAddr,
}

impl Decider<'_> {
    /// Whether interface `y` is a load balancer node (its ingress rules are the load
    /// balancer's, applied in [`Decider::through_load_balancer`]).
    pub(super) fn is_node(&self, y: Ix) -> bool {
        self.v.privatelink.nodes.contains_key(&y)
    }

    /// The forward path reached interface `y` with `h`. When `y` is a load balancer node,
    /// the client reached the load balancer directly: on to its targets. Returns the
    /// provider's return hops, or `None` when the path ends here.
    pub(super) fn through_node(&mut self, y: Ix, h: &Header) -> Option<Vec<Hop>> {
        let pl = &self.v.privatelink;
        let Some((lb, node)) = pl
            .nodes
            .get(&y)
            .and_then(|(arn, i)| pl.lbs.get(arn).map(|lb| (lb, &lb.nodes[*i])))
        else {
            return Some(Vec::new());
        };
        self.through_load_balancer(lb, node, h, false)
    }

    /// Load balancer `lb` entered at `node` with `h` (addressed to a listener); `private_link`
    /// when it came through an endpoint.
    pub(super) fn through_load_balancer(
        &mut self,
        lb: &LbV,
        node: &NodeV,
        h: &Header,
        private_link: bool,
    ) -> Option<Vec<Hop>> {
        let v = self.v;
        let lb_hop = self.hops.len();
        self.hop(&lb.arn, HopKind::LoadBalancer, h);
        let mut detail = Detail {
            load_balancer: Some(lb.arn.clone()),
            availability_zone: Some(node.zone.clone()),
            header: Some(*h),
            ..Detail::default()
        };
        let Some(n) = node.eni else {
            return self.fatal(Code::BadState, &lb.arn, Why::NoNodeInZone, detail);
        };
        let at_node = Header {
            dst: IpAddr::V4(node.ip),
            ..*h
        };
        // Without groups every client reaches the listeners; PrivateLink traffic skips the
        // inbound rules when the load balancer says so.
        if lb.has_groups && (!private_link || lb.enforce_privatelink) {
            self.sg(n, false, &at_node, !private_link);
        }
        let listener = lb
            .listeners
            .iter()
            .find(|l| listener_takes(l.protocol.as_deref(), l.port, h.protocol, h.dst_port));
        let Some(listener) = listener else {
            let why = Why::NoListener;
            return self.fatal(Code::Elbv2ListenersMismatch, &lb.arn, why, detail);
        };
        self.hop(&listener.arn, HopKind::LoadBalancerListener, h);
        let listener_ref = ListenerRef {
            arn: listener.arn.clone(),
            port: listener.port,
            protocol: listener.protocol.as_deref().map(Arc::from),
        };
        detail.listener = Some(listener_ref.clone());
        detail.target_group = Some(listener.target_group.clone());
        let pl = &v.privatelink;
        let tg = pl.target_groups.get(&listener.target_group);
        let Some(tg) = tg.filter(|g| !g.targets.is_empty()) else {
            let why = match tg {
                None => {
                    detail.missing = Some(listener.target_group.clone());
                    Why::TargetGroupMissing
                }
                Some(_) => Why::NoTargets,
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
        let preserve = tg.preserve_client_ip && !private_link;
        let entry = Entry {
            eni: n,
            ip,
            src: if preserve { h.src } else { ip },
        };
        let runs: Vec<TargetRun> = eligible
            .iter()
            .map(|t| self.try_target(lb, entry, t, h, &detail))
            .collect();
        let (chosen, back) = self.keep_first_reachable(runs);
        let balanced = Balanced {
            listener: listener_ref,
            target_group: tg.arn.clone(),
            target: Some(self.target_ref(n, eligible[chosen])),
        };
        if let Some(hop) = self.hops.get_mut(lb_hop) {
            hop.applied = Applied::LoadBalancer(Arc::new(balanced));
        }
        Some(back)
    }

    /// Target `t` as explanations and hops name it: id, port, and where known its address
    /// and zone (`n`: the entry node's interface, whose VPC an `ip` target is looked up in).
    fn target_ref(&self, n: Ix, t: &TargetV) -> TargetRef {
        let v = self.v;
        let (address, eni) = match t.at {
            TargetAt::Instance(e) => (
                e.and_then(|e| v.enis[e as usize].v4.first().map(|a| IpAddr::V4(*a))),
                e,
            ),
            TargetAt::Ip(a) => {
                let vpc = v.enis[n as usize].vpc;
                (a, a.and_then(|a| v.holder(vpc, a)))
            }
        };
        TargetRef {
            id: t.id.clone(),
            port: t.port,
            address,
            zone: eni.and_then(|e| v.privatelink.zone_of(v, e).cloned()),
        }
    }

    /// The targets of `tg` that node `node` (interface `n`) of `lb` sends to: all with
    /// cross-zone load balancing, else those in its zone (a target outside the VPC has no
    /// zone and is always a candidate).
    pub(super) fn targets_from<'t>(
        &self,
        lb: &LbV,
        node: &NodeV,
        n: Ix,
        tg: &'t TargetGroupV,
    ) -> Vec<&'t TargetV> {
        if tg.cross_zone(lb) {
            return tg.targets.iter().collect();
        }
        let v = self.v;
        let pl = &v.privatelink;
        let vpc = v.enis[n as usize].vpc;
        tg.targets
            .iter()
            .filter(|t| {
                let eni = match t.at {
                    TargetAt::Instance(e) => e,
                    TargetAt::Ip(a) => a.and_then(|a| v.holder(vpc, a)),
                };
                eni.is_none_or(|e| pl.zone_of(v, e) == Some(&node.zone))
            })
            .collect()
    }

    /// The first reachable target's hops join the path; when none is reachable, every
    /// target's blockers are reported. Returns the chosen target (the first reachable, else
    /// the first) and its return hops.
    pub(super) fn keep_first_reachable(&mut self, runs: Vec<TargetRun>) -> (usize, Vec<Hop>) {
        let chosen = runs.iter().position(|r| r.ok);
        let mut back = Vec::new();
        for (i, r) in runs.into_iter().enumerate() {
            if chosen.is_none() {
                self.exps.extend(r.exps);
            }
            if chosen.unwrap_or(0) == i {
                self.hops.extend(r.forward);
                back = r.back;
            }
        }
        (chosen.unwrap_or(0), back)
    }

    /// One target, from the entry node: the decider's walk state is saved and restored;
    /// hops and explanations are returned, each explanation naming the load balancer,
    /// listener, target group and target (`lb_detail` holds the first three).
    pub(super) fn try_target(
        &mut self,
        lb: &LbV,
        entry: Entry,
        t: &TargetV,
        h: &Header,
        lb_detail: &Detail,
    ) -> TargetRun {
        let saved = (
            std::mem::take(&mut self.hops),
            std::mem::take(&mut self.exps),
            std::mem::take(&mut self.nats),
            self.egressed.take(),
            self.last.take(),
            self.dir,
        );
        self.dir = Direction::Forward;
        let back_from = self.walk_target(lb, entry, t, h);
        let target = self.target_ref(entry.eni, t);
        let mut exps = std::mem::take(&mut self.exps);
        for e in &mut exps {
            let d = &mut e.detail;
            d.target.get_or_insert_with(|| target.clone());
            if d.load_balancer.is_none() {
                d.load_balancer = lb_detail.load_balancer.clone();
            }
            if d.listener.is_none() {
                d.listener = lb_detail.listener.clone();
            }
            if d.target_group.is_none() {
                d.target_group = lb_detail.target_group.clone();
            }
        }
        let all = std::mem::take(&mut self.hops);
        let split = back_from.unwrap_or(all.len()).min(all.len());
        let (forward, back) = (all[..split].to_vec(), all[split..].to_vec());
        (
            self.hops,
            self.exps,
            self.nats,
            self.egressed,
            self.last,
            self.dir,
        ) = saved;
        TargetRun {
            ok: exps.is_empty(),
            forward,
            back,
            exps,
        }
    }

    /// The address of target `t` and its interface in the load balancer's VPC, if any.
    fn target_address(&mut self, n: Ix, t: &TargetV) -> Option<(IpAddr, Option<Ix>)> {
        let v = self.v;
        let why = match t.at {
            TargetAt::Instance(Some(e)) => match v.enis[e as usize].v4.first() {
                Some(a) => return Some((IpAddr::V4(*a), Some(e))),
                None => Why::TargetNoAddress,
            },
            TargetAt::Instance(None) => Why::TargetNotRunning,
            TargetAt::Ip(Some(a)) => {
                let vpc = v.enis[n as usize].vpc;
                return Some((a, v.holder(vpc, a)));
            }
            TargetAt::Ip(None) => Why::TargetNotIp,
        };
        self.fatal(Code::BadState, &t.id, why, Detail::default())
    }

    /// Walks to target `t` and back; returns where the return hops start.
    fn walk_target(&mut self, lb: &LbV, entry: Entry, t: &TargetV, h: &Header) -> Option<usize> {
        let v = self.v;
        let n = entry.eni;
        let (addr, want) = self.target_address(n, t)?;
        if let Some(e) = want {
            if !crate::privatelink::zone_enabled(v, lb, e) {
                let detail = Detail {
                    availability_zone: v.privatelink.zone_of(v, e).cloned(),
                    ..Detail::default()
                };
                let why = Why::TargetZoneDisabled;
                return self.fatal(Code::ElbInstalledAzRestriction, &lb.arn, why, detail);
            }
        }
        let h2 = Header {
            src: entry.src,
            dst: addr,
            protocol: h.protocol,
            src_port: h.src_port,
            dst_port: Some(t.port),
        };
        let node = &v.enis[n as usize];
        self.hop(&node.id, HopKind::NetworkInterface, &h2);
        if !node.group_ids.is_empty() {
            self.sg(n, true, &h2, true);
        }
        let (end, at) = self.walk(Start::At(Sender::Eni(n)), h2, want)?;
        let End::Eni(y) = end else {
            let detail = Detail {
                address: Some(addr),
                ..Detail::default()
            };
            return self.fatal(
                Code::NoPossibleDestination,
                &t.id,
                Why::TargetUnheld,
                detail,
            );
        };
        self.dir = Direction::Return;
        self.last = None;
        let back_from = self.hops.len();
        // The reply goes back to the node (it answers the client), whatever source the
        // target saw.
        let reply = Header {
            dst: entry.ip,
            ..at.reply()
        };
        self.hop(&v.enis[y as usize].id, HopKind::NetworkInterface, &reply);
        self.walk(Start::At(Sender::Eni(y)), reply, Some(n));
        Some(back_from)
    }
}
