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

use super::{Decider, End, Sender, Start};
use crate::explain::{Code, Direction, Explanation, Header, Hop, HopKind};
use crate::privatelink::{listener_takes, LbV, NodeV, TargetAt, TargetGroupV, TargetV};
use crate::view::Ix;

/// What one target of a target group gave.
struct TargetRun {
    ok: bool,
    forward: Vec<Hop>,
    back: Vec<Hop>,
    exps: Vec<Explanation>,
}

/// The node a flow entered by and the source its targets see.
#[derive(Clone, Copy)]
struct Entry {
    /// The node's interface.
    eni: Ix,
    /// The node's address (replies come back to it).
    ip: IpAddr,
    /// The source address targets see.
    src: IpAddr,
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
        self.hop(&lb.arn, HopKind::LoadBalancer, h);
        let Some(n) = node.eni else {
            let why = format!("{} has no network interface in zone {}", lb.arn, node.zone);
            return self.fatal(Code::BadState, &lb.arn, why);
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
            let why = format!(
                "no listener of {} takes {h}; add a listener for that protocol and port",
                lb.arn
            );
            return self.fatal(Code::Elbv2ListenersMismatch, &lb.arn, why);
        };
        self.hop(&listener.arn, HopKind::LoadBalancerListener, h);
        let pl = &v.privatelink;
        let tg = pl.target_groups.get(&listener.target_group);
        let Some(tg) = tg.filter(|g| !g.targets.is_empty()) else {
            let why = match tg {
                None => format!(
                    "the target group {} of {} does not exist; forward to a group with targets",
                    listener.target_group, listener.arn
                ),
                Some(g) => format!(
                    "the target group {} of {} has no registered targets; register one",
                    g.arn, listener.arn
                ),
            };
            return self.fatal(Code::Elbv2ListenerHasNoTg, &listener.arn, why);
        };
        self.hop(&tg.arn, HopKind::TargetGroup, h);
        let eligible = self.targets_from(lb, node, n, tg);
        if eligible.is_empty() {
            let why = format!(
                "cross-zone load balancing is off for {} and no target of {} is in zone {}, where the flow enters; register a target in that zone or turn on load_balancing.cross_zone.enabled",
                lb.arn, tg.arn, node.zone
            );
            return self.fatal(Code::Elbv2NoTargetsInAz, &lb.arn, why);
        }
        let ip = IpAddr::V4(node.ip);
        let preserve = tg.preserve_client_ip && !private_link;
        let entry = Entry {
            eni: n,
            ip,
            src: if preserve { h.src } else { ip },
        };
        let runs: Vec<TargetRun> = eligible
            .into_iter()
            .map(|t| self.try_target(lb, entry, t, h))
            .collect();
        Some(self.keep_first_reachable(runs))
    }

    /// The targets of `tg` that node `node` (interface `n`) of `lb` sends to: all with
    /// cross-zone load balancing, else those in its zone (a target outside the VPC has no
    /// zone and is always a candidate).
    fn targets_from<'t>(
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
    /// target's blockers are reported. Returns the chosen target's return hops.
    fn keep_first_reachable(&mut self, runs: Vec<TargetRun>) -> Vec<Hop> {
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
        back
    }

    /// One target, from the entry node: the decider's walk state is saved and restored;
    /// hops and explanations are returned.
    fn try_target(&mut self, lb: &LbV, entry: Entry, t: &TargetV, h: &Header) -> TargetRun {
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
        let prefix = format!("target {}: ", t.id);
        let mut exps = std::mem::take(&mut self.exps);
        for e in &mut exps {
            e.message.insert_str(0, &prefix);
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
        match t.at {
            TargetAt::Instance(Some(e)) => match v.enis[e as usize].v4.first() {
                Some(a) => Some((IpAddr::V4(*a), Some(e))),
                None => {
                    let why = format!("{} has no IPv4 address", t.id);
                    self.fatal(Code::BadState, &t.id, why)
                }
            },
            TargetAt::Instance(None) => {
                let why = format!("{} does not exist or is not running", t.id);
                self.fatal(Code::BadState, &t.id, why)
            }
            TargetAt::Ip(Some(a)) => {
                let vpc = v.enis[n as usize].vpc;
                Some((a, v.holder(vpc, a)))
            }
            TargetAt::Ip(None) => {
                let why = format!("{} is not an IP address", t.id);
                self.fatal(Code::BadState, &t.id, why)
            }
        }
    }

    /// Walks to target `t` and back; returns where the return hops start.
    fn walk_target(&mut self, lb: &LbV, entry: Entry, t: &TargetV, h: &Header) -> Option<usize> {
        let v = self.v;
        let n = entry.eni;
        let (addr, want) = self.target_address(n, t)?;
        if let Some(e) = want {
            if !crate::privatelink::zone_enabled(v, lb, e) {
                let zone = v.privatelink.zone_of(v, e);
                let why = format!(
                    "{} is in zone {}, where {} is not enabled: it receives no traffic; enable that zone on the load balancer",
                    t.id,
                    zone.map_or("(unknown)", |z| z.as_ref()),
                    lb.arn
                );
                return self.fatal(Code::ElbInstalledAzRestriction, &lb.arn, why);
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
            let why = format!("no network interface holds the target address {addr}");
            return self.fatal(Code::NoPossibleDestination, &t.id, why);
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
