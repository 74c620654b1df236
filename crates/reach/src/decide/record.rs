//! What the walk notes as it goes: hops, what each applied, blockers, and the ends that stop
//! it.

use std::sync::Arc;

use super::{Decider, End};
use crate::explain::{Applied, Code, Detail, Direction, Explanation, Header, Hop, HopKind, Why};

impl Decider<'_> {
    /// The reply to internet request `h` left the walk at `end` as `r`: it must reach the
    /// internet from the address the request was sent to.
    pub(super) fn left_for(&mut self, end: End, r: &Header, h: &Header) {
        let route = || {
            self.last.as_ref().map_or_else(
                || Arc::from("route"),
                |(t, _)| self.v.tables[*t as usize].id.clone(),
            )
        };
        let mut detail = Detail {
            header: Some(*h),
            ..Detail::default()
        };
        let (component, why) = match end {
            End::Internet if r.src == h.dst => return,
            End::Internet => {
                detail.translated_from = Some(r.src);
                let component = match self.nats.last() {
                    Some(&(n, _)) => {
                        let id = self.v.nats[n as usize].id.clone();
                        detail.nat_gateway = Some(id.clone());
                        id
                    }
                    None => route(),
                };
                (component, Why::ReplyTranslated)
            }
            End::Eni(y) => {
                detail.destination = Some(self.v.enis[y as usize].id.clone());
                (route(), Why::ReplyNotToInternet)
            }
            End::Service { endpoint: via, .. }
            | End::OnPremises { vgw: via, .. }
            | End::Vpn {
                connection: via, ..
            }
            | End::Edge { id: via, .. } => {
                detail.destination = Some(via);
                (route(), Why::ReplyNotToInternet)
            }
        };
        self.blocker(Code::CannotRoute, &component, why, detail);
    }

    /// A reply must come back from the address the request went to: one translated on
    /// the return path (a NAT gateway the reply was routed through) is dropped by the
    /// sender, whose socket knows no such peer.
    pub(super) fn reply_source(&mut self, source: &Arc<str>, r: &Header, sent: &Header) {
        if r.src != sent.dst {
            let detail = Detail {
                network_interface: Some(source.clone()),
                header: Some(*sent),
                translated_from: Some(r.src),
                ..Detail::default()
            };
            self.blocker(Code::CannotRoute, source, Why::ReplyTranslated, detail);
        }
    }

    pub(super) fn hop(&mut self, component: &Arc<str>, kind: HopKind, h: &Header) {
        self.applied(component, kind, h, Applied::Nothing);
    }

    /// A hop that applied a rule or route.
    pub(super) fn applied(
        &mut self,
        component: &Arc<str>,
        kind: HopKind,
        h: &Header,
        applied: Applied,
    ) {
        self.hops.push(Hop {
            component: component.clone(),
            kind,
            header: *h,
            applied,
        });
    }

    /// Records a blocker; a code about a route names the last route taken (and its
    /// table) unless the detail names one.
    pub(super) fn blocker(
        &mut self,
        code: Code,
        component: &Arc<str>,
        why: Why,
        mut detail: Detail,
    ) {
        if code.is_about_route() && detail.route.is_none() {
            detail.route = self.last.as_ref().map(|(_, r)| r.clone());
        }
        if detail.route_table.is_none() {
            detail.route_table = detail.route.as_ref().map(|r| r.table.clone());
        }
        let e = Explanation::new(code, component.clone(), self.dir, why, detail);
        self.exps.push(e);
    }

    /// A packet that cannot be delivered where its route leads. On the return path the
    /// reply's destination exists (it sent the request), so the route is at fault: the
    /// reply is misrouted, reported against the table that holds the route.
    pub(super) fn undeliverable<T>(
        &mut self,
        code: Code,
        component: &Arc<str>,
        why: Why,
        mut detail: Detail,
    ) -> Option<T> {
        if let (Direction::Return, Some((_, route))) = (self.dir, self.last.clone()) {
            let rtb = route.table.clone();
            detail.route = Some(route);
            return self.fatal(Code::CannotRoute, &rtb, Why::ReplyMisrouted, detail);
        }
        self.fatal(code, component, why, detail)
    }

    pub(super) fn fatal<T>(
        &mut self,
        code: Code,
        component: &Arc<str>,
        why: Why,
        detail: Detail,
    ) -> Option<T> {
        self.blocker(code, component, why, detail);
        None
    }
}
