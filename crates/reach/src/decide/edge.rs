//! A peering connection or virtual private gateway as a path's end ([`Options::from`],
//! [`Options::to`]): the flow enters a VPC through it from an address beyond it, or must
//! leave through it; the reply goes back the same way.

use std::sync::Arc;

use openvpc_core::ids::Kind;

use super::{destination, first_header, Decider, End, Refusal, Sender, Start};
use crate::explain::{Code, Detail, Direction, Header, HopKind, Verdict, Why};
use crate::view::{Ix, View};
use crate::{Edge, Flow, Options};

/// The hop kind of an edge: a peering connection or a virtual private gateway.
fn kind_of(id: &str) -> HopKind {
    if Kind::VpcPeeringConnection.names(id) {
        HopKind::PeeringConnection
    } else {
        HopKind::VpnGateway
    }
}

/// The explanation fields naming edge `id`.
fn edge_detail(id: &Arc<str>) -> Detail {
    let mut d = Detail::default();
    if kind_of(id) == HopKind::PeeringConnection {
        d.peering = Some(id.clone());
    } else {
        d.vpn_gateway = Some(id.clone());
    }
    d
}

/// Where a flow through `edge` starts: the VPC it enters, the wanted destination interface
/// and the first packet; or why it cannot start.
fn entry(
    view: &View,
    flow: &Flow,
    edge: &Edge,
    opts: &Options,
) -> Result<(Ix, Option<Ix>, Header), Refusal> {
    let id: Arc<str> = Arc::from(edge.id.as_str());
    let refuse = |code: Code, why: Why, detail: Detail| (code, id.clone(), why, detail);
    let Some(&vpc) = view.ix.vpc.get(edge.vpc.as_str()) else {
        let detail = Detail {
            vpc: Some(Arc::from(edge.vpc.as_str())),
            ..edge_detail(&id)
        };
        return Err(refuse(
            Code::NoSourceOrDestination,
            Why::EdgeVpcUnknown,
            detail,
        ));
    };
    let Some(src) = opts.source_ip else {
        let why = Why::EdgeNoSource;
        return Err(refuse(Code::NoSourceOrDestination, why, edge_detail(&id)));
    };
    let (dst, want) = destination(view, None, flow, opts)?;
    let h = first_header(flow, |v4| (v4 == src.is_ipv4()).then_some(src), dst).map_err(|why| {
        let detail = Detail {
            address: Some(dst),
            ..edge_detail(&id)
        };
        refuse(Code::NoSourceOrDestination, why, detail)
    })?;
    let vv = &view.vpcs[vpc as usize];
    if kind_of(&id) == HopKind::PeeringConnection && !vv.contains(h.dst) {
        let detail = Detail {
            address: Some(h.dst),
            destination_vpc: Some(vv.id.clone()),
            ..edge_detail(&id)
        };
        return Err(refuse(
            Code::PcxRequiresAddressInVpcCidr,
            Why::EdgeNotInVpc,
            detail,
        ));
    }
    Ok((vpc, want, h))
}

/// A flow from `opts.source_ip`, beyond `edge`, into `edge.vpc` to the flow's destination,
/// and the reply back out through `edge`.
pub(super) fn from_edge(view: &View, flow: &Flow, edge: &Edge, opts: &Options) -> Verdict {
    let mut d = Decider::new(view, opts);
    let id: Arc<str> = Arc::from(edge.id.as_str());
    let (vpc, want, h) = match entry(view, flow, edge, opts) {
        Ok(x) => x,
        Err((code, component, why, detail)) => {
            d.blocker(code, &component, why, detail);
            return d.verdict(Vec::new());
        }
    };
    let kind = kind_of(&id);
    let start = Start::Edge {
        vpc,
        id: id.clone(),
        kind,
    };
    let mut end = d.walk(start, h, want);
    if let Some(to) = &opts.to {
        end = d.left_by(to, end);
    }
    let mut provider_return = Vec::new();
    if let Some((End::Eni(y), at)) = &end {
        let beyond = if d.is_node(*y) {
            d.through_node(*y, at)
        } else {
            d.through_endpoint(*y, at)
        };
        match beyond {
            Some(hops) => provider_return = hops,
            None => end = None,
        }
    }
    let forward = std::mem::take(&mut d.hops);
    let Some((end, at)) = end else {
        return d.verdict(forward);
    };
    d.dir = Direction::Return;
    d.last = None;
    d.hops = provider_return;
    let reply = at.reply();
    let start = match end {
        End::Eni(y) => {
            d.hop(&view.enis[y as usize].id, HopKind::NetworkInterface, &reply);
            Start::At(Sender::Eni(y))
        }
        // Edge to edge (a peering connection to a virtual private gateway, or back).
        End::Edge { vpc, id } => Start::Edge {
            vpc,
            id,
            kind: HopKind::PeeringConnection,
        },
        End::OnPremises { vpc, vgw } => Start::OnPremises { vpc, vgw },
        End::Vpn { attachment, .. } => Start::Vpn { attachment },
        End::Internet | End::Service { .. } => return d.verdict(forward),
    };
    if let Some((back, r)) = d.walk(start, reply, None) {
        d.came_back(&id, back, &r);
    }
    d.verdict(forward)
}

impl Decider<'_> {
    /// Whether `id` is the path's edge where the walk stops: the one it must leave by
    /// (forward) or came in by (return).
    pub(super) fn is_edge(&self, id: &str) -> bool {
        match self.dir {
            Direction::Forward => self.opts.to.as_deref() == Some(id),
            Direction::Return => self.opts.from.as_ref().is_some_and(|e| e.id == id),
        }
    }

    /// Where a walk ended, as a component id.
    fn end_id(&self, e: &End) -> Arc<str> {
        match e {
            End::Edge { id, .. }
            | End::OnPremises { vgw: id, .. }
            | End::Vpn { connection: id, .. } => id.clone(),
            End::Eni(y) => self.v.enis[*y as usize].id.clone(),
            End::Internet => Arc::from("the internet"),
            End::Service { endpoint, .. } => endpoint.clone(),
        }
    }

    /// The forward walk toward `to` ended at `end`: it must have left through `to`.
    pub(super) fn left_by(
        &mut self,
        to: &str,
        end: Option<(End, Header)>,
    ) -> Option<(End, Header)> {
        let (e, h) = end?;
        let via = self.end_id(&e);
        if &*via == to {
            return Some((e, h));
        }
        let to: Arc<str> = Arc::from(to);
        let detail = Detail {
            address: Some(h.dst),
            destination: Some(via),
            header: Some(h),
            ..edge_detail(&to)
        };
        self.fatal(Code::NoPath, &to, Why::NotLeftBy, detail)
    }

    /// The reply `r` of a flow that came in through `edge` ended its walk at `back`: it
    /// must go back out through that edge.
    fn came_back(&mut self, edge: &Arc<str>, back: End, r: &Header) {
        let via = self.end_id(&back);
        if via == *edge {
            return;
        }
        let component = self.last.as_ref().map_or_else(
            || edge.clone(),
            |(t, _)| self.v.tables[*t as usize].id.clone(),
        );
        let detail = Detail {
            address: Some(r.dst),
            destination: Some(via),
            header: Some(*r),
            ..edge_detail(edge)
        };
        self.blocker(Code::CannotRoute, &component, Why::ReplyNotBack, detail);
    }
}
