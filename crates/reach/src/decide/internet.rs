//! A flow from an internet host: its entry through the internet gateway to a public address,
//! and the reply's way back out.

use std::net::IpAddr;
use std::sync::Arc;

use super::{first_header, gone, is_internet_host, Decider, End, Refusal, Sender, Start};
use crate::explain::{Code, Detail, Direction, End as FlowEnd, Header, Hop, HopKind, Verdict, Why};
use crate::view::{EniV, Ix, View};
use crate::{Endpoint, Flow, Options};

/// A flow from internet host `src`: in through the destination VPC's internet gateway to a
/// public (or IPv6) address, and the reply back out to `src` from that same address.
pub(super) fn from_internet(view: &View, flow: &Flow, src: IpAddr, opts: &Options) -> Verdict {
    let mut d = Decider::new(view, opts);
    let done = |d: Decider, forward: Vec<Hop>| d.verdict(forward);
    let source: Arc<str> = Arc::from(flow.source.as_str());
    let resolved = internet_flow(view, flow, src, opts.destination_ip);
    let (want, h) = match resolved {
        Ok(x) => x,
        Err((code, component, why, detail)) => {
            d.blocker(code, &component, why, detail);
            return done(d, Vec::new());
        }
    };
    d.hop(&Arc::from("internet"), HopKind::Internet, &h);
    let mut end = d.walk(Start::Internet, h, want);
    // A load balancer node reached: on to its targets and back.
    let mut provider_return = Vec::new();
    if let Some((End::Eni(y), at)) = &end {
        if d.is_node(*y) {
            match d.through_node(*y, at) {
                Some(hops) => provider_return = hops,
                None => end = None,
            }
        }
    }
    let forward = std::mem::take(&mut d.hops);
    match end {
        None => {}
        Some((End::Eni(y), at)) => {
            d.dir = Direction::Return;
            d.last = None;
            d.hops = provider_return;
            let reply = at.reply();
            d.hop(&view.enis[y as usize].id, HopKind::NetworkInterface, &reply);
            if let Some((end, r)) = d.walk(Start::At(Sender::Eni(y)), reply, None) {
                d.left_for(end, &r, &h);
            }
        }
        Some(_) => {
            let detail = Detail {
                address: Some(h.dst),
                ..Detail::default()
            };
            d.blocker(Code::NoSourceOrDestination, &source, Why::NoHolder, detail)
        }
    }
    done(d, forward)
}

/// The destination interface (if named) and the first packet of a flow from internet host
/// `src` (to the destination's address `wanted`, if named), or the component that is
/// missing (or the address the gateway does not take) and why.
fn internet_flow(
    view: &View,
    flow: &Flow,
    src: IpAddr,
    wanted: Option<IpAddr>,
) -> Result<(Option<Ix>, Header), Refusal> {
    let refuse = |component: &str, why: Why, detail: Detail| {
        (
            Code::NoSourceOrDestination,
            Arc::from(component),
            why,
            detail,
        )
    };
    if !is_internet_host(view, src) {
        let detail = Detail {
            address: Some(src),
            ..Detail::default()
        };
        return Err(refuse(&flow.source, Why::NotInternetHost, detail));
    }
    let (dst, want) = match &flow.destination {
        Endpoint::Ip(a) => (*a, None),
        Endpoint::Vpce(id) => {
            let detail = Detail {
                vpc_endpoint: Some(Arc::from(id.as_str())),
                ..Detail::default()
            };
            return Err(refuse(id, Why::EndpointFromInternet, detail));
        }
        Endpoint::Eni(id) | Endpoint::Instance(id) => {
            let e = view
                .endpoint(id)
                .ok_or_else(|| gone(FlowEnd::Destination, id))?;
            let d = &view.enis[e as usize];
            if let Some(a) = wanted {
                (public_address(d, a)?, Some(e))
            } else {
                let a = if src.is_ipv4() {
                    d.publics.first().map(|(_, p)| IpAddr::V4(*p))
                } else {
                    d.v6.first().map(|a| IpAddr::V6(*a))
                };
                let a = a.ok_or_else(|| {
                    let detail = Detail {
                        network_interface: Some(d.id.clone()),
                        address: Some(src),
                        ..Detail::default()
                    };
                    refuse(&d.id, Why::NoPublicAddress, detail)
                })?;
                (a, Some(e))
            }
        }
    };
    let h = first_header(flow, |v4| (v4 == src.is_ipv4()).then_some(src), dst).map_err(|why| {
        let detail = Detail {
            address: Some(dst),
            ..Detail::default()
        };
        refuse(&flow.source, why, detail)
    })?;
    Ok((want, h))
}

/// The public (or IPv6) address of interface `d` the internet sends to for the path's
/// destination address `a`: `a` itself, or the public address of the private one named.
fn public_address(d: &EniV, a: IpAddr) -> Result<IpAddr, Refusal> {
    let public = d.publics.iter().find_map(|&(private, public)| {
        let (private, public) = (IpAddr::V4(private), IpAddr::V4(public));
        (a == public || a == private).then_some(public)
    });
    public
        .or_else(|| (a.is_ipv6() && d.has(a)).then_some(a))
        .ok_or_else(|| {
            let detail = Detail {
                network_interface: Some(d.id.clone()),
                address: Some(a),
                ..Detail::default()
            };
            let code = Code::IgwPrivateIpAssociationForIngress;
            (code, d.id.clone(), Why::NotPublicAddress, detail)
        })
}
