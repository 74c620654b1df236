//! Edits that change what watched flows see: each one breaks a path a reachable watched
//! flow takes, and a later one restores it.
//!
//! - from the internet on TCP 443 to a `web` interface: revoke the group's 443 rule;
//! - to a peered VPC: delete the route to the peer in the source subnet's table;
//! - to an interface endpoint: revoke 443 on the endpoint's group;
//! - through a transit gateway: disable the propagation of the destination's attachment
//!   into the source attachment's table (when the flow takes that propagated route), or
//!   else disassociate the source's attachment from its table.
//!
//! The sequence is break₀, break₁, restore₀, break₂, restore₁, …: at every point one break
//! is in place, so a final comparison with a fresh compile sees a changed network.

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

use openvpc_core::command::Command;
use openvpc_core::route::{Cmd as RouteCmd, RouteParams};
use openvpc_core::tgw::{self, AttachmentState, Cmd as TgwCmd, TgwAttachment};
use openvpc_core::World;
use openvpc_reach::{Endpoint, Flow};

use crate::mix::FlowKind;
use crate::synth::{https_from, Layout};

/// One edit as a core command and the account that runs it.
#[derive(Debug, Clone)]
pub struct Edit {
    pub command: Command,
    pub account: String,
    /// Whether it breaks (rather than restores) a path.
    pub breaks: bool,
}

/// A break and its restore.
type Pair = (Edit, Edit);

/// `n` edits flipping the paths of `watched` flows that are reachable now (`reachable`
/// says which), cycling over them when there are fewer than `n / 2`.
pub fn edits(
    w: &World,
    l: &Layout,
    watched: &[(FlowKind, Flow)],
    reachable: &[bool],
    n: usize,
) -> Vec<Edit> {
    let by_public: HashMap<Ipv4Addr, &str> = w
        .network_interfaces
        .values()
        .filter_map(|e| Some((e.public_ip?, e.id.as_str())))
        .collect();
    let mut pairs: Vec<Pair> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for ((kind, f), &ok) in watched.iter().zip(reachable) {
        if !ok {
            continue;
        }
        let pair = match kind {
            FlowKind::FromInternet if f.port == Some(443) => internet_https(w, f, &by_public),
            FlowKind::Peered => peering_route(w, l, f),
            FlowKind::PrivateLink => endpoint_https(l, f),
            FlowKind::Transit => transit_route(w, f),
            _ => None,
        };
        if let Some(p) = pair.filter(|p| seen.insert(format!("{:?}", p.0.command))) {
            pairs.push(p);
        }
    }
    let mut out = Vec::with_capacity(n);
    if pairs.is_empty() {
        return out;
    }
    let mut k = 0;
    while out.len() < n {
        out.push(pairs[k % pairs.len()].0.clone());
        if k > 0 && out.len() < n {
            out.push(pairs[(k - 1) % pairs.len()].1.clone());
        }
        k += 1;
    }
    out
}

fn pair(account: &str, breaks: Command, restores: Command) -> Pair {
    let edit = |command, breaks| Edit {
        command,
        account: account.to_string(),
        breaks,
    };
    (edit(breaks, true), edit(restores, false))
}

/// Revoke (then re-authorize) TCP 443 from anywhere on the `web` group of the interface
/// holding the flow's public destination.
fn internet_https(w: &World, f: &Flow, by_public: &HashMap<Ipv4Addr, &str>) -> Option<Pair> {
    let Endpoint::Ip(IpAddr::V4(p)) = f.destination else {
        return None;
    };
    let eni = w.network_interfaces.get(by_public.get(&p)?)?;
    let web = eni.groups.first()?;
    Some(pair(
        &eni.scope.account,
        Command::Sg(https_from(web, "0.0.0.0/0", false)),
        Command::Sg(https_from(web, "0.0.0.0/0", true)),
    ))
}

/// Delete (then re-create) the route to the destination's VPC in the table of the
/// source's subnet.
fn peering_route(w: &World, l: &Layout, f: &Flow) -> Option<Pair> {
    let Endpoint::Eni(dst) = &f.destination else {
        return None;
    };
    let src = w.network_interfaces.get(&f.source)?;
    let dst = w.network_interfaces.get(dst)?;
    let (a, b) = (vpc_index(l, &src.vpc_id)?, vpc_index(l, &dst.vpc_id)?);
    let (va, vb) = (&l.vpcs[a], &l.vpcs[b]);
    let public = va.subnets[..va.subnets.len() / 2]
        .iter()
        .any(|(s, _)| *s == src.subnet_id);
    let table = if public { &va.public_rtb } else { &va.main_rtb };
    let pcx = l
        .peerings
        .iter()
        .find(|(x, y, _)| (*x, *y) == (a, b) || (*x, *y) == (b, a))?;
    let route = |pcx: Option<String>| RouteParams {
        destination_cidr_block: Some(vb.cidr.to_string()),
        vpc_peering_connection_id: pcx,
        ..RouteParams::default()
    };
    Some(pair(
        &va.account,
        Command::Route(RouteCmd::DeleteRoute {
            route_table_id: table.clone(),
            route: route(None),
        }),
        Command::Route(RouteCmd::CreateRoute {
            route_table_id: table.clone(),
            route: route(Some(pcx.2.clone())),
        }),
    ))
}

/// Revoke (then re-authorize) TCP 443 from the consumer VPC on the endpoint's group.
fn endpoint_https(l: &Layout, f: &Flow) -> Option<Pair> {
    let Endpoint::Vpce(id) = &f.destination else {
        return None;
    };
    let (c, _, group) = l
        .services
        .iter()
        .flat_map(|s| &s.endpoints)
        .find(|(_, e, _)| e == id)?;
    let v = &l.vpcs[*c];
    let cidr = v.cidr.to_string();
    Some(pair(
        &v.account,
        Command::Sg(https_from(group, &cidr, false)),
        Command::Sg(https_from(group, &cidr, true)),
    ))
}

/// The available attachment of `vpc_id`.
fn attachment_of<'w>(w: &'w World, vpc_id: &str) -> Option<&'w TgwAttachment> {
    w.tgw_attachments
        .values()
        .find(|a| a.vpc_id == vpc_id && a.state == AttachmentState::Available)
}

/// Disable (then enable) the propagation the flow's route through its transit gateway
/// comes from, or disassociate (then associate) the source's attachment.
fn transit_route(w: &World, f: &Flow) -> Option<Pair> {
    let Endpoint::Eni(dst) = &f.destination else {
        return None;
    };
    let src = w.network_interfaces.get(&f.source)?;
    let dst = w.network_interfaces.get(dst)?;
    let from = attachment_of(w, &src.vpc_id)?;
    let to = attachment_of(w, &dst.vpc_id)?;
    let table_id = from.association.clone()?;
    let table = w.tgw_route_tables.get(&table_id)?;
    let ip = (*dst.private_ips.first()?).into();
    let route = tgw::lookup(w, table, ip)?;
    let propagated = route.route_type == tgw::RouteType::Propagated
        && route.attachment.as_deref() == Some(to.id.as_str());
    let (breaks, restores) = if propagated {
        (
            TgwCmd::DisablePropagation {
                route_table_id: table_id.clone(),
                attachment_id: to.id.clone(),
            },
            TgwCmd::EnablePropagation {
                route_table_id: table_id,
                attachment_id: to.id.clone(),
            },
        )
    } else {
        (
            TgwCmd::Disassociate {
                route_table_id: table_id.clone(),
                attachment_id: from.id.clone(),
            },
            TgwCmd::Associate {
                route_table_id: table_id,
                attachment_id: from.id.clone(),
            },
        )
    };
    Some(pair(
        &from.transit_gateway_owner,
        Command::Tgw(breaks),
        Command::Tgw(restores),
    ))
}

fn vpc_index(l: &Layout, id: &str) -> Option<usize> {
    l.vpcs.iter().position(|v| v.id == id)
}
