//! A path from or to an internet gateway: it must enter or leave through that gateway.

use openvpc_core::insights::{ExplanationData, Path};
use openvpc_core::Kind;

use super::Cx;
use crate::{HopKind, Verdict};

/// The internet gateway a path starts or ends at, and the path's other end.
pub(super) struct GatewayEnd {
    igw: String,
    /// The other end's id (`None`: an address).
    other: Option<String>,
    /// Whether the path comes from the gateway (else it goes to it).
    from: bool,
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
            from: true,
        });
    }
    let d = p.destination.as_deref().filter(|d| is_igw(d))?;
    Some(GatewayEnd {
        igw: d.to_string(),
        other: Some(p.source.clone()),
        from: false,
    })
}

impl Cx<'_> {
    /// An explanation naming internet gateway `igw`.
    fn igw_explanation(&self, code: &str, igw: &str, message: String) -> ExplanationData {
        ExplanationData {
            code: code.to_string(),
            component: Some(self.comp(igw)),
            internet_gateway: Some(self.comp(igw)),
            vpc: self.opt_comp(self.vpc_of(igw).as_deref()),
            message,
            ..ExplanationData::default()
        }
    }

    /// Why the gateway cannot carry the path to or from its other end (an instance,
    /// interface or endpoint; an address is checked on the engine's path instead): it is
    /// gone, detached, or attached to another VPC than the other end's.
    pub(super) fn igw_detached(&self, end: &GatewayEnd) -> Option<ExplanationData> {
        let w = self.w;
        let igw = end.igw.as_str();
        let Some(g) = w.internet_gateways.get(igw) else {
            let mut x = self.igw_explanation(
                "NO_SOURCE_OR_DESTINATION",
                igw,
                format!("the internet gateway {igw} no longer exists"),
            );
            x.internet_gateway = None;
            x.missing_component = Some(igw.to_string());
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
            return Some(self.igw_explanation(
                "UNASSOCIATED_COMPONENT",
                igw,
                format!("{igw} is not attached to any VPC: no traffic passes through it; attach it to a VPC"),
            ));
        };
        let vpc = vpc.filter(|v| v != attached)?;
        let other = other.unwrap_or_default();
        let mut x = self.igw_explanation(
            "DISCONNECTED_VPCS",
            igw,
            if end.from {
                format!("{igw} is attached to {attached}, not to {vpc} where {other} is: traffic from the internet through {igw} cannot reach it")
            } else {
                format!("{igw} is attached to {attached}, not to {vpc} where {other} is: traffic from {other} cannot leave through {igw}")
            },
        );
        let (src, dst) = if end.from {
            (attached.as_str(), vpc.as_str())
        } else {
            (vpc.as_str(), attached.as_str())
        };
        x.source_vpc = Some(self.comp(src));
        x.destination_vpc = Some(self.comp(dst));
        Some(x)
    }

    /// Whether the engine's forward path enters (from the gateway) or leaves through
    /// another gateway than the path's: the first internet gateway it crosses must be it; a
    /// path that left by another way (an egress-only gateway, a peer) while found is not
    /// through it.
    pub(super) fn igw_bypassed(&self, end: &GatewayEnd, v: &Verdict) -> Option<ExplanationData> {
        let igw = end.igw.as_str();
        let crossed = v.forward.iter().find(|h| {
            matches!(
                h.kind,
                HopKind::InternetGateway | HopKind::EgressOnlyInternetGateway
            )
        });
        let way = if end.from { "enters" } else { "leaves" };
        let message = match crossed {
            Some(h) if &*h.component == igw => return None,
            Some(h) => format!("the path {way} through {}, not through {igw}", h.component),
            None if v.reachable => {
                format!(
                    "the path does not cross {igw}: it never {} the internet",
                    if end.from { "comes from" } else { "reaches" }
                )
            }
            None => return None,
        };
        Some(self.igw_explanation("NO_PATH", igw, message))
    }
}
