//! Transit gateways: CreateTransitGateway (with its default route table),
//! ModifyTransitGateway, DeleteTransitGateway.

use ipnet::IpNet;

use crate::config::quota;
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, TimerKind, World};
use crate::Output;

use super::model::{NewTgwOptions, State, TgwChanges, TgwOptions, TransitGateway};
use super::{attachments, route_tables, DEFAULT_AMAZON_ASN};

/// The most CIDR blocks a transit gateway takes (quota, not adjustable).
const MAX_CIDR_BLOCKS: usize = 5;

/// A transit gateway the caller owns, not deleted, or `InvalidTransitGatewayID.NotFound`.
pub(super) fn get_owned<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w TransitGateway> {
    w.transit_gateways
        .get_in(scope, id)
        .filter(|g| g.state.is_live())
        .ok_or_else(|| Kind::TransitGateway.not_found(id))
}

/// Whether `asn` is a private ASN AWS accepts for the Amazon side: 64512–65534 or
/// 4200000000–4294967294.
fn amazon_asn_ok(asn: u64) -> bool {
    (64512..=65534).contains(&asn) || (4_200_000_000..=4_294_967_294).contains(&asn)
}

fn check_asn(asn: u64) -> Result<()> {
    if amazon_asn_ok(asn) {
        Ok(())
    } else {
        Err(ApiError::invalid_value(format!(
            "The Amazon side ASN {asn} is not a valid private ASN: use 64512-65534 or 4200000000-4294967294."
        )))
    }
}

/// A transit gateway's CIDR blocks: IPv4 /24 or larger, IPv6 /64 or larger, at most five,
/// none overlapping another.
fn check_cidr_blocks(blocks: &[IpNet]) -> Result<()> {
    if blocks.len() > MAX_CIDR_BLOCKS {
        return Err(ApiError::new(
            ErrorCode::CidrLimitExceeded,
            format!("A transit gateway can have at most {MAX_CIDR_BLOCKS} CIDR blocks."),
        ));
    }
    for (i, b) in blocks.iter().enumerate() {
        let too_small = match b {
            IpNet::V4(n) => n.prefix_len() > 24,
            IpNet::V6(n) => n.prefix_len() > 64,
        };
        if too_small {
            return Err(ApiError::invalid_value(format!(
                "The CIDR block {b} is too small: use a /24 or larger IPv4 block, or a /64 or larger IPv6 block."
            )));
        }
        if blocks[..i]
            .iter()
            .any(|o| o.contains(&b.network()) || b.contains(&o.network()))
        {
            return Err(ApiError::invalid_value(format!(
                "The CIDR block {b} overlaps another CIDR block of the transit gateway."
            )));
        }
    }
    Ok(())
}

/// CreateTransitGateway: `pending` until the transition delay has passed; with default
/// association or propagation on, its default route table is made at once.
pub(super) fn create(
    w: &mut World,
    ctx: &Ctx,
    description: Option<String>,
    o: NewTgwOptions,
    specs: &[TagSpec],
) -> Result<Output> {
    tags::check_specs(specs, "transit-gateway")?;
    let asn = o.amazon_side_asn.unwrap_or(DEFAULT_AMAZON_ASN);
    check_asn(asn)?;
    let blocks: Vec<IpNet> = o.cidr_blocks.iter().map(IpNet::trunc).collect();
    check_cidr_blocks(&blocks)?;
    let scope = ctx.scope();
    if let Some(limit) = w
        .config
        .quotas
        .limit(ctx.account(), quota::TRANSIT_GATEWAYS_PER_REGION)
    {
        let live = w
            .transit_gateways
            .in_scope(scope)
            .filter(|g| g.state.is_live())
            .count();
        if live >= limit as usize {
            return Err(ApiError::new(
                ErrorCode::TransitGatewayLimitExceeded,
                format!("You have reached the limit of {limit} transit gateways in this Region."),
            ));
        }
    }
    let on = |v: Option<bool>| v.unwrap_or(true);
    let association = on(o.default_route_table_association);
    let propagation = on(o.default_route_table_propagation);
    let id = w.ids.id(Kind::TransitGateway);
    w.transit_gateways.insert(TransitGateway {
        id: id.clone(),
        scope: scope.clone(),
        description,
        options: TgwOptions {
            amazon_side_asn: asn,
            auto_accept_shared_attachments: o.auto_accept_shared_attachments.unwrap_or(false),
            default_route_table_association: association,
            default_route_table_propagation: propagation,
            association_default_route_table_id: None,
            propagation_default_route_table_id: None,
            dns_support: on(o.dns_support),
            vpn_ecmp_support: on(o.vpn_ecmp_support),
            security_group_referencing_support: o
                .security_group_referencing_support
                .unwrap_or(false),
            multicast_support: o.multicast_support.unwrap_or(false),
            cidr_blocks: blocks,
        },
        state: State::Pending,
        created: ctx.now,
        purge_at: None,
    });
    if association || propagation {
        let rtb = route_tables::insert(w, ctx, &id);
        let g = w.transit_gateways.get_mut(&id).expect("inserted");
        if association {
            g.options.association_default_route_table_id = Some(rtb.clone());
        }
        if propagation {
            g.options.propagation_default_route_table_id = Some(rtb);
        }
    }
    w.schedule(
        ctx.now + w.config.delays.transition,
        TimerKind::TransitGateway,
        &id,
    );
    tags::apply_specs(w, scope, &id, specs);
    Ok(Output::Id(id))
}

/// A default route table named by ModifyTransitGateway: one of the gateway's own, live.
fn check_default_table(w: &World, scope: &Scope, tgw_id: &str, rtb_id: &str) -> Result<()> {
    let rtb = route_tables::get(w, scope, rtb_id)?;
    if rtb.transit_gateway_id != tgw_id {
        return Err(ApiError::invalid_value(format!(
            "Transit Gateway Route Table {rtb_id} does not belong to {tgw_id}."
        )));
    }
    Ok(())
}

/// ModifyTransitGateway: options change in place; removed CIDR blocks must be ones the
/// gateway has.
pub(super) fn modify(
    w: &mut World,
    ctx: &Ctx,
    tgw_id: &str,
    description: Option<String>,
    c: TgwChanges,
) -> Result<Output> {
    let scope = ctx.scope();
    let g = get_owned(w, scope, tgw_id)?;
    if let Some(asn) = c.amazon_side_asn {
        check_asn(asn)?;
    }
    for id in [
        &c.association_default_route_table_id,
        &c.propagation_default_route_table_id,
    ]
    .into_iter()
    .flatten()
    {
        check_default_table(w, scope, tgw_id, id)?;
    }
    let mut blocks = g.options.cidr_blocks.clone();
    for b in &c.remove_cidr_blocks {
        let b = b.trunc();
        if !blocks.contains(&b) {
            return Err(ApiError::invalid_value(format!(
                "The CIDR block {b} is not associated with {tgw_id}."
            )));
        }
        blocks.retain(|x| *x != b);
    }
    for b in &c.add_cidr_blocks {
        let b = b.trunc();
        if !blocks.contains(&b) {
            blocks.push(b);
        }
    }
    check_cidr_blocks(&blocks)?;
    let g = w.transit_gateways.get_mut(tgw_id).expect("checked");
    if description.is_some() {
        g.description = description;
    }
    let o = &mut g.options;
    o.cidr_blocks = blocks;
    let set = |slot: &mut bool, v: Option<bool>| {
        if let Some(v) = v {
            *slot = v;
        }
    };
    if let Some(asn) = c.amazon_side_asn {
        o.amazon_side_asn = asn;
    }
    set(
        &mut o.auto_accept_shared_attachments,
        c.auto_accept_shared_attachments,
    );
    set(
        &mut o.default_route_table_association,
        c.default_route_table_association,
    );
    set(
        &mut o.default_route_table_propagation,
        c.default_route_table_propagation,
    );
    set(&mut o.dns_support, c.dns_support);
    set(&mut o.vpn_ecmp_support, c.vpn_ecmp_support);
    set(
        &mut o.security_group_referencing_support,
        c.security_group_referencing_support,
    );
    if c.association_default_route_table_id.is_some() {
        o.association_default_route_table_id = c.association_default_route_table_id;
    }
    if c.propagation_default_route_table_id.is_some() {
        o.propagation_default_route_table_id = c.propagation_default_route_table_id;
    }
    Ok(Output::Done)
}

/// DeleteTransitGateway: only without live attachments; `deleting`, then `deleted` with
/// its route tables once the transition delay has passed.
pub(super) fn delete(w: &mut World, ctx: &Ctx, tgw_id: &str) -> Result<Output> {
    get_owned(w, ctx.scope(), tgw_id)?;
    let mut live: Vec<String> = attachments::of_gateway(w, tgw_id)
        .filter(|a| a.state.is_live())
        .map(|a| a.id.clone())
        .collect();
    live.extend(super::peering::live_of_gateway(w, tgw_id));
    if !live.is_empty() {
        return Err(ApiError::new(
            ErrorCode::IncorrectState,
            format!(
                "{tgw_id} has non-deleted Transit Gateway Attachments: {}",
                live.join(", ")
            ),
        ));
    }
    let g = w.transit_gateways.get_mut(tgw_id).expect("checked");
    g.state = State::Deleting;
    w.schedule(
        ctx.now + w.config.delays.transition,
        TimerKind::TransitGateway,
        tgw_id,
    );
    Ok(Output::Done)
}
