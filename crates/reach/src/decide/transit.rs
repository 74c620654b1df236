//! Deciding through a transit gateway: the VPC route to `tgw-…` → the source VPC's
//! attachment (it must have a subnet in the sender's Availability Zone) → the attachment's
//! associated route table, longest prefix (static over propagated, as the core holds them)
//! → the destination attachment → its VPC, where the address must be held. Blackhole routes
//! and missing routes or associations stop the flow with AWS's transit-gateway codes.

use std::sync::Arc;

use super::{Decider, Leg, Step};
use crate::explain::{Code, Header, HopKind};
use crate::view::Ix;

impl Decider<'_> {
    /// A route to transit gateway `id` taken from `leg`.
    pub(super) fn via_transit(
        &mut self,
        leg: &Leg,
        id: &Arc<str>,
        h: &mut Header,
        want: Option<Ix>,
    ) -> Option<Step> {
        let v = self.v;
        let t = &v.transit;
        self.nacl(leg.subnet, true, h);
        self.hop(id, HopKind::TransitGateway, h);
        let vpc_id = v.vpcs[leg.vpc as usize].id.clone();
        let Some(a) = t
            .by_vpc
            .get(&(id.clone(), leg.vpc))
            .and_then(|a| t.attachments.get(a))
        else {
            let why = format!("{id} has no available attachment to {vpc_id}");
            return self.fatal(Code::BadStateRoute, leg.table, why);
        };
        let zone = t.zones.get(&leg.subnet);
        if zone.is_some_and(|z| !a.zones.contains(z)) {
            let why = format!(
                "{} has no subnet in {}, the Availability Zone of the sender: traffic from it cannot enter {id}",
                a.id,
                zone.map_or("", |z| z)
            );
            return self.fatal(Code::TgwRouteAzRestriction, &a.id, why);
        }
        let Some(table) = &a.table else {
            let why = format!("{} is associated with no route table of {id}", a.id);
            return self.fatal(Code::TgwAttachMissingTgwRtbAssociation, &a.id, why);
        };
        let Some(r) = t.lookup(table, h.dst) else {
            let why = format!("no route of {table} matches {}", h.dst);
            return self.fatal(Code::TgwRtbCannotRoute, table, why);
        };
        let Some(dest) = r.attachment.as_ref().and_then(|d| t.attachments.get(d)) else {
            let why = format!("route {} in {table} is a blackhole", r.label);
            return self.fatal(Code::TgwRtbBadStateRoute, table, why);
        };
        let dv = &v.vpcs[dest.vpc as usize];
        let Some(o) = self.owner(dest.vpc, h.dst) else {
            let why = format!(
                "no interface in {} holds {} (route {} in {table})",
                dv.id, h.dst, r.label
            );
            return self.undeliverable(Code::VpcLocalRouteCidrRestriction, &dest.id, why);
        };
        self.nacl(self.subnet_of(o), false, h);
        // Security-group references do not cross a transit gateway.
        self.arrive(o, h, want, false)
    }
}
