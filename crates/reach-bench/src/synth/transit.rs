//! The transit gateways of a `--tgw` world, made through the core's commands as a network
//! team would make them:
//!
//! - the first account owns every transit gateway (no default association or propagation,
//!   shared attachments accepted automatically) and shares them with the other accounts
//!   through one resource share, whose invitations they accept;
//! - VPC `v` attaches to gateway `v % gateways`, by one private subnet per Availability
//!   Zone, except that one attachment in five leaves out a zone (flows from that zone stop
//!   with `TGW_ROUTE_AZ_RESTRICTION`), and one in twenty is in appliance mode;
//! - each gateway's route tables are one `shared` table and segments: the first two
//!   attachments of a gateway are shared services (associated with the `shared` table,
//!   propagating into every table), the others are associated with segment
//!   `1 + k % segments` (one in thirty with none) and propagate into their segment and
//!   into `shared`;
//! - static routes in each segment: a blackhole for the block of one VPC of the gateway,
//!   a route to a VPC of the next segment, and on every other segment a default route to
//!   the first shared-services attachment;
//! - every attached VPC routes `10.0.0.0/8` from its main table, and (but one in twenty)
//!   from its public table, to its gateway; peering routes (/20s) stay more specific.

use openvpc_core::command::{Command, Output};
use openvpc_core::ram::{self, Cmd as RamCmd};
use openvpc_core::route::{Cmd as RouteCmd, RouteParams};
use openvpc_core::tgw::{AttachmentOptionChanges, Cmd as TgwCmd, NewTgwOptions};
use openvpc_core::{Ctx, Millis, World};

use super::{account, Layout, Rng, Tier, REGION};

/// When the gateways, the share, the attachments and the VPC routes are made: after the
/// rest of the network, each step once the previous one's transitions are done, all
/// before [`super::NOW`].
const GATEWAYS: Millis = 2_000;
const ATTACHMENTS: Millis = 3_000;
const VPC_ROUTES: Millis = 4_000;

/// One transit gateway and what is on it.
#[derive(Debug, Clone, Default)]
pub struct TgwLayout {
    pub id: String,
    /// Route tables: `shared` first, then the segments.
    pub tables: Vec<String>,
    /// (VPC index, attachment id), in the order attached.
    pub attachments: Vec<(usize, String)>,
}

impl TgwLayout {
    /// The table (index in `tables`) the `k`-th attachment is meant to be associated with:
    /// `shared` for the first two, else a segment in turn.
    pub fn home(&self, k: usize) -> usize {
        let segments = self.tables.len().saturating_sub(1).max(1);
        if k < 2 {
            0
        } else {
            1 + (k - 2) % segments
        }
    }
}

fn run(w: &mut World, account: &str, now: Millis, cmd: impl Into<Command>) -> Output {
    let cmd = cmd.into();
    w.apply(&Ctx::new(account, REGION, now), cmd.clone())
        .unwrap_or_else(|e| panic!("synthetic network: {cmd:?} refused: {e:?}"))
}

fn created(out: Output) -> String {
    match out {
        Output::Id(id) => id,
        other => panic!("expected an id, got {other:?}"),
    }
}

/// Makes the tier's transit gateways, attaches every VPC and routes to them.
pub(super) fn generate(w: &mut World, l: &mut Layout, tier: Tier, r: &mut Rng) {
    let owner = account(0);
    let n = tier.transit_gateways.max(1);
    let per = (tier.tgw_route_tables / n).max(2);
    gateways(w, l, &owner, n, per, tier.accounts);
    for v in 0..l.vpcs.len() {
        attach(w, l, r, v % n, v);
    }
    for t in l.transit.clone() {
        wire_tables(w, l, r, &owner, &t);
    }
    w.tick(VPC_ROUTES);
    for v in 0..l.vpcs.len() {
        vpc_routes(w, l, r, v);
    }
}

/// The gateways with their route tables, shared with every other account.
fn gateways(w: &mut World, l: &mut Layout, owner: &str, n: usize, per: usize, accounts: usize) {
    let options = NewTgwOptions {
        default_route_table_association: Some(false),
        default_route_table_propagation: Some(false),
        auto_accept_shared_attachments: Some(true),
        ..NewTgwOptions::default()
    };
    for _ in 0..n {
        let create = TgwCmd::CreateTransitGateway {
            description: Some("synthetic hub".into()),
            options: options.clone(),
            tags: Vec::new(),
        };
        let id = created(run(w, owner, GATEWAYS, create));
        l.transit.push(TgwLayout {
            id,
            ..TgwLayout::default()
        });
    }
    w.tick(GATEWAYS);
    for t in &mut l.transit {
        for _ in 0..per {
            let create = TgwCmd::CreateRouteTable {
                transit_gateway_id: t.id.clone(),
                tags: Vec::new(),
            };
            t.tables.push(created(run(w, owner, GATEWAYS, create)));
        }
    }
    let others: Vec<String> = (1..accounts).map(account).collect();
    if !others.is_empty() {
        let scope = openvpc_core::Scope::new(owner, REGION);
        let share = RamCmd::CreateResourceShare {
            name: "transit".into(),
            resource_arns: l
                .transit
                .iter()
                .map(|t| ram::transit_gateway_arn(&scope, &t.id))
                .collect(),
            principals: others,
            allow_external_principals: true,
            tags: Vec::new(),
        };
        run(w, owner, GATEWAYS, share);
        let invitations: Vec<(String, String)> = w
            .ram_invitations
            .values()
            .map(|i| (i.scope.account.clone(), i.id.clone()))
            .collect();
        for (account, arn) in invitations {
            let accept = RamCmd::AcceptInvitation {
                invitation_arn: arn,
            };
            run(w, &account, GATEWAYS, accept);
        }
    }
    w.tick(ATTACHMENTS);
}

/// Attaches VPC `v` to gateway `g` by a private subnet per zone (one zone left out in one
/// attachment of five).
fn attach(w: &mut World, l: &mut Layout, r: &mut Rng, g: usize, v: usize) {
    let vpc = &l.vpcs[v];
    let private = &vpc.subnets[vpc.subnets.len() / 2..];
    let mut zones: Vec<&str> = Vec::new();
    let mut subnets = Vec::new();
    for (id, _) in private {
        let zone = w
            .subnets
            .get(id)
            .expect("subnet")
            .availability_zone
            .as_str();
        if !zones.contains(&zone) {
            zones.push(zone);
            subnets.push(id.clone());
        }
    }
    if subnets.len() > 1 && r.chance(20) {
        subnets.remove(r.below(subnets.len()));
    }
    let create = TgwCmd::CreateVpcAttachment {
        transit_gateway_id: l.transit[g].id.clone(),
        vpc_id: vpc.id.clone(),
        subnet_ids: subnets,
        options: AttachmentOptionChanges {
            appliance_mode_support: r.chance(5).then_some(true),
            ..AttachmentOptionChanges::default()
        },
        tags: Vec::new(),
    };
    let account = vpc.account.clone();
    let id = created(run(w, &account, ATTACHMENTS, create));
    l.vpcs[v].attachment = Some((g, id.clone()));
    l.transit[g].attachments.push((v, id));
}

/// Associations, propagations and static routes of the tables of gateway `t`.
fn wire_tables(w: &mut World, l: &Layout, r: &mut Rng, owner: &str, t: &TgwLayout) {
    let shared = &t.tables[0];
    let segments = &t.tables[1..];
    let run_tgw = |w: &mut World, cmd: TgwCmd| run(w, owner, ATTACHMENTS, cmd);
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); segments.len()];
    for (k, (_, a)) in t.attachments.iter().enumerate() {
        let (home, into): (Option<&String>, Vec<&String>) = match t.home(k) {
            0 => (Some(shared), t.tables.iter().collect()),
            h => {
                members[h - 1].push(k);
                let table = &t.tables[h];
                ((!r.chance(3)).then_some(table), vec![table, shared])
            }
        };
        if let Some(home) = home {
            let associate = TgwCmd::Associate {
                route_table_id: home.clone(),
                attachment_id: a.clone(),
            };
            run_tgw(w, associate);
        }
        for table in into {
            let propagate = TgwCmd::EnablePropagation {
                route_table_id: table.clone(),
                attachment_id: a.clone(),
            };
            run_tgw(w, propagate);
        }
    }
    let cidr_of = |k: usize| l.vpcs[t.attachments[k].0].cidr.into();
    for (s, table) in segments.iter().enumerate() {
        let route = |w: &mut World, k: usize, target: Option<&str>| {
            let create = TgwCmd::CreateRoute {
                route_table_id: table.clone(),
                destination: cidr_of(k),
                attachment_id: target.map(str::to_string),
                blackhole: target.is_none(),
            };
            run_tgw(w, create);
        };
        let blackholed = r.below(t.attachments.len());
        route(w, blackholed, None);
        let next = &members[(s + 1) % members.len()];
        if let Some(&k) = next.iter().find(|&&k| k != blackholed) {
            route(w, k, Some(t.attachments[k].1.as_str()));
        }
        if s % 2 == 0 {
            let default = TgwCmd::CreateRoute {
                route_table_id: table.clone(),
                destination: "0.0.0.0/0".parse().expect("cidr"),
                attachment_id: Some(t.attachments[0].1.clone()),
                blackhole: false,
            };
            run_tgw(w, default);
        }
    }
}

/// `10.0.0.0/8` to the gateway from VPC `v`'s main table and (but one in twenty) its
/// public table.
fn vpc_routes(w: &mut World, l: &Layout, r: &mut Rng, v: usize) {
    let vpc = &l.vpcs[v];
    let Some((g, _)) = &vpc.attachment else {
        return;
    };
    let mut tables = vec![vpc.main_rtb.clone()];
    if !r.chance(5) {
        tables.push(vpc.public_rtb.clone());
    }
    for t in tables {
        let create = RouteCmd::CreateRoute {
            route_table_id: t,
            route: RouteParams {
                destination_cidr_block: Some("10.0.0.0/8".into()),
                transit_gateway_id: Some(l.transit[*g].id.clone()),
                ..RouteParams::default()
            },
        };
        run(w, &vpc.account, VPC_ROUTES, create);
    }
}
