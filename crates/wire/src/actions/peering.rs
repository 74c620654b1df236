//! VPC peering actions.

use openvpc_core::peering::{self, Blocks, Cmd, Options, OptionsChange, Peering, Status};
use openvpc_core::{tags, ApiError, Command, Kind, Result, Scope, World};

use super::describe::{Query, EC2};
use super::{created_id, returned_true, Call, Handler};
use crate::params::View;
use crate::time::iso8601;
use crate::xml::Xml;

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("CreateVpcPeeringConnection", create),
    ("AcceptVpcPeeringConnection", accept),
    ("RejectVpcPeeringConnection", reject),
    ("DeleteVpcPeeringConnection", delete),
    ("DescribeVpcPeeringConnections", describe),
    ("ModifyVpcPeeringConnectionOptions", modify_options),
];

fn pcx_id(cx: &Call) -> Result<String> {
    let id = cx.p().req("VpcPeeringConnectionId")?;
    Kind::VpcPeeringConnection.check(&id)?;
    Ok(id)
}

fn create(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let vpc_id = p.req("VpcId")?;
    Kind::Vpc.check(&vpc_id)?;
    let peer_vpc_id = p.req("PeerVpcId")?;
    Kind::Vpc.check(&peer_vpc_id)?;
    let peer_owner_id = p.str("PeerOwnerId");
    if let Some(owner) = &peer_owner_id {
        if owner.len() != 12 || !owner.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::invalid_value(format!(
                "Value ({owner}) for parameter peerOwnerId is invalid."
            )));
        }
    }
    p.ignore("RequesterPeeringConnectionOptions");
    let cmd = Cmd::Create {
        vpc_id,
        peer_vpc_id,
        peer_owner_id,
        peer_region: p.str("PeerRegion"),
        tags: p.tag_specs()?,
    };
    let id = created_id(cx.mutate(Command::Peering(cmd))?)?;
    render_one(cx, &id)
}

fn render_one(cx: &Call, id: &str) -> Result<Xml> {
    let w = cx.world();
    let scope = cx.ctx().scope();
    let pcx = w
        .peerings
        .get(id)
        .ok_or_else(|| Kind::VpcPeeringConnection.not_found(id))?;
    let mut x = Xml::new();
    x.node("vpcPeeringConnection", |x| render(x, w, scope, pcx));
    Ok(x)
}

fn accept(cx: &mut Call) -> Result<Xml> {
    let id = pcx_id(cx)?;
    cx.mutate(Command::Peering(Cmd::Accept { id: id.clone() }))?;
    render_one(cx, &id)
}

fn reject(cx: &mut Call) -> Result<Xml> {
    let id = pcx_id(cx)?;
    cx.mutate(Command::Peering(Cmd::Reject { id }))?;
    Ok(returned_true())
}

fn delete(cx: &mut Call) -> Result<Xml> {
    let id = pcx_id(cx)?;
    cx.mutate(Command::Peering(Cmd::Delete { id }))?;
    Ok(returned_true())
}

fn describe(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(
        &cx.p(),
        "VpcPeeringConnectionId",
        |id| Kind::VpcPeeringConnection.check(id),
        EC2,
    )?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = peering::describe(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |p| p.id.clone(),
        "vpcPeeringConnectionSet",
        |x, p| render(x, w, scope, p),
    ))
}

fn options_change(v: &View) -> Result<Option<OptionsChange>> {
    let change = OptionsChange {
        allow_dns_resolution_from_remote_vpc: v.bool("AllowDnsResolutionFromRemoteVpc")?,
        allow_egress_from_local_classic_link_to_remote_vpc: v
            .bool("AllowEgressFromLocalClassicLinkToRemoteVpc")?,
        allow_egress_from_local_vpc_to_remote_classic_link: v
            .bool("AllowEgressFromLocalVpcToRemoteClassicLink")?,
    };
    v.ignore("AllowMultipathResilience");
    v.ignore("MultipathResilienceMode");
    Ok((change != OptionsChange::default()).then_some(change))
}

fn modify_options(cx: &mut Call) -> Result<Xml> {
    let id = pcx_id(cx)?;
    let p = cx.p();
    let requester = options_change(&p.nested("RequesterPeeringConnectionOptions"))?;
    let accepter = options_change(&p.nested("AccepterPeeringConnectionOptions"))?;
    cx.mutate(Command::Peering(Cmd::ModifyOptions {
        id: id.clone(),
        requester,
        accepter,
    }))?;
    let pcx = cx
        .world()
        .peerings
        .get(&id)
        .ok_or_else(|| Kind::VpcPeeringConnection.not_found(&id))?;
    let mut x = Xml::new();
    if requester.is_some() {
        x.node("requesterPeeringConnectionOptions", |x| {
            render_options(x, &pcx.requester_options)
        });
    }
    if accepter.is_some() {
        let options = pcx.accepter_options.unwrap_or_default();
        x.node("accepterPeeringConnectionOptions", |x| {
            render_options(x, &options)
        });
    }
    Ok(x)
}

fn render_options(x: &mut Xml, o: &Options) {
    x.leaf(
        "allowDnsResolutionFromRemoteVpc",
        o.allow_dns_resolution_from_remote_vpc,
    )
    .leaf(
        "allowEgressFromLocalClassicLinkToRemoteVpc",
        o.allow_egress_from_local_classic_link_to_remote_vpc,
    )
    .leaf(
        "allowEgressFromLocalVpcToRemoteClassicLink",
        o.allow_egress_from_local_vpc_to_remote_classic_link,
    );
}

fn render_blocks(x: &mut Xml, b: &Blocks) {
    if let Some(primary) = b.v4.first() {
        x.leaf("cidrBlock", primary);
    }
    x.list("cidrBlockSet", &b.v4, |x, c| {
        x.leaf("cidrBlock", c);
    });
    if !b.v6.is_empty() {
        x.list("ipv6CidrBlockSet", &b.v6, |x, c| {
            x.leaf("ipv6CidrBlock", c);
        });
    }
}

/// Renders one connection as `scope` sees it (tags of its own view only).
pub fn render(x: &mut Xml, w: &World, scope: &Scope, p: &Peering) {
    x.node("accepterVpcInfo", |x| {
        if peering::discloses_accepter_cidrs(p) {
            render_blocks(x, &p.accepter_blocks);
        }
        x.leaf("ownerId", &p.accepter.account);
        if let Some(o) = &p.accepter_options {
            x.node("peeringOptions", |x| render_options(x, o));
        }
        x.leaf("vpcId", &p.accepter.vpc_id)
            .leaf("region", &p.accepter.region);
    });
    if matches!(
        p.status,
        Status::InitiatingRequest | Status::PendingAcceptance
    ) {
        x.leaf("expirationTime", iso8601(p.expiration));
    }
    x.node("requesterVpcInfo", |x| {
        render_blocks(x, &p.requester_blocks);
        x.leaf("ownerId", &p.requester.account)
            .node("peeringOptions", |x| {
                render_options(x, &p.requester_options)
            })
            .leaf("vpcId", &p.requester.vpc_id)
            .leaf("region", &p.requester.region);
    });
    x.node("status", |x| {
        x.leaf("code", p.status.as_str())
            .leaf("message", &p.message);
    });
    x.tag_set(tags::of(w, scope, &p.id))
        .leaf("vpcPeeringConnectionId", &p.id);
}
