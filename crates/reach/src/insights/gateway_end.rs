//! A path from or to an internet gateway: it must enter or leave through that gateway.

use openvpc_core::insights::Path;
use openvpc_core::Kind;

use super::Cx;
use crate::explain::{Code, Detail, Direction, End, Explanation, Why};
use crate::{HopKind, Verdict};

/// The internet gateway a path starts or ends at, and the path's other end.
pub(super) struct GatewayEnd {
    igw: String,
    /// The other end's id (`None`: an address).
    other: Option<String>,
    /// Which end of the path the gateway is.
    end: End,
}

fn is_igw(id: &str) -> bool {
    Kind::InternetGateway.names(id)
}

/// The internet gateway end of `p`, if it has one.
pub(super) fn internet_gateway_end(p: &Path) -> Option<GatewayEnd> {
    if is_igw(&p.source) {
        return Some(GatewayEnd {
            igw: p.source.clone(),
            other: p.destination.clone(),
            end: End::Source,
        });
    }
    let d = p.destination.as_deref().filter(|d| is_igw(d))?;
    Some(GatewayEnd {
        igw: d.to_string(),
        other: Some(p.source.clone()),
        end: End::Destination,
    })
}

impl Cx<'_> {
    /// An explanation naming internet gateway `igw`.
    fn igw_explanation(&self, code: Code, igw: &str, why: Why, detail: Detail) -> Explanation {
        let detail = Detail {
            internet_gateway: Some(igw.into()),
            vpc: self.vpc_of(igw).map(Into::into),
            ..detail
        };
        Explanation::new(code, igw.into(), Direction::Forward, why, detail)
    }

    /// Why the gateway cannot carry the path to or from its other end (an instance,
    /// interface or endpoint; an address is checked on the engine's path instead): it is
    /// gone, detached, or attached to another VPC than the other end's.
    pub(super) fn igw_detached(&self, end: &GatewayEnd) -> Option<Explanation> {
        let w = self.w;
        let igw = end.igw.as_str();
        let Some(g) = w.internet_gateways.get(igw) else {
            let detail = Detail {
                missing: Some(igw.into()),
                ..Detail::default()
            };
            let why = Why::EndGone;
            let x = Explanation::new(
                Code::NoSourceOrDestination,
                igw.into(),
                Direction::Forward,
                why,
                detail,
            );
            return Some(x);
        };
        let other = end.other.as_deref();
        let vpc = other.and_then(|o| match Kind::of_id(o) {
            Some(Kind::Instance) => {
                let eni = &w.instances.get(o)?.network_interface_id;
                Some(w.network_interfaces.get(eni)?.vpc_id.clone())
            }
            _ => self.vpc_of(o),
        });
        let Some(attached) = &g.attachment else {
            let why = Why::Detached;
            return Some(self.igw_explanation(
                Code::UnassociatedComponent,
                igw,
                why,
                Detail::default(),
            ));
        };
        let vpc = vpc.filter(|v| v != attached)?;
        let (src, dst) = match end.end {
            End::Source => (attached.as_str(), vpc.as_str()),
            End::Destination => (vpc.as_str(), attached.as_str()),
        };
        let detail = Detail {
            source_vpc: Some(src.into()),
            destination_vpc: Some(dst.into()),
            ..Detail::default()
        };
        let why = Why::GatewayOtherVpc(end.end);
        Some(self.igw_explanation(Code::DisconnectedVpcs, igw, why, detail))
    }

    /// Whether the engine's forward path enters (from the gateway) or leaves through
    /// another gateway than the path's: the first internet gateway it crosses must be it; a
    /// path that left by another way (an egress-only gateway, a peer) while found is not
    /// through it.
    pub(super) fn igw_bypassed(&self, end: &GatewayEnd, v: &Verdict) -> Option<Explanation> {
        let igw = end.igw.as_str();
        let crossed = v.forward.iter().find(|h| {
            matches!(
                h.kind,
                HopKind::InternetGateway | HopKind::EgressOnlyInternetGateway
            )
        });
        let (why, detail) = match crossed {
            Some(h) if &*h.component == igw => return None,
            Some(h) => {
                let detail = Detail {
                    destination: Some(h.component.clone()),
                    ..Detail::default()
                };
                (Why::OtherGateway(end.end), detail)
            }
            None if v.reachable => (Why::NeverInternet(end.end), Detail::default()),
            None => return None,
        };
        Some(self.igw_explanation(Code::NoPath, igw, why, detail))
    }
}
