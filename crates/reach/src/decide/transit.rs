//! Deciding through a transit gateway: the VPC route to `tgw-…` → the source VPC's
//! attachment, entered by its interface in the sender's Availability Zone (there must be
//! one; its subnet's ACL inbound) → the attachment's associated route table, longest prefix
//! (static over propagated, as the core holds them) → the destination attachment, left by
//! its interface in the same zone (appliance mode, or no interface there: its first
//! subnet's; that subnet's ACL outbound) → its VPC, where the address must be held. ACLs of
//! an attachment subnet the sender or receiver itself is in are not applied twice.
//! Blackhole routes and missing routes or associations stop the flow with AWS's
//! transit-gateway codes.

use std::sync::Arc;

use super::{Decider, Leg, Step};
use crate::explain::{Code, Detail, Header, HopKind, Why};
use crate::transit::AttachV;
use crate::view::Ix;

impl<'v> Decider<'v> {
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
        let base = Detail {
            transit_gateway: Some(id.clone()),
            vpc: Some(vpc_id),
            address: Some(h.dst),
            header: Some(*h),
            ..Detail::default()
        };
        let Some(a) = t
            .by_vpc
            .get(&(id.clone(), leg.vpc))
            .and_then(|a| t.attachments.get(a))
        else {
            return self.fatal(Code::BadStateRoute, leg.table, Why::TgwNotAttached, base);
        };
        let base = Detail {
            transit_gateway_attachment: Some(a.id.clone()),
            ..base
        };
        let zone = t.zones.get(&leg.subnet).cloned();
        let entry = match &zone {
            Some(z) => a.subnet_in(z),
            None => a.subnets.first().map(|(_, s)| *s),
        };
        let Some(entry) = entry else {
            let detail = Detail {
                availability_zone: zone,
                ..base
            };
            let why = Why::TgwNoSubnetInZone;
            return self.fatal(Code::TgwRouteAzRestriction, &a.id, why, detail);
        };
        // Into the attachment's interface: its subnet's ACL, unless the sender shares it.
        if entry != leg.subnet {
            self.nacl(entry, false, h);
        }
        let Some(table) = &a.table else {
            let why = Why::TgwNoAssociation;
            return self.fatal(Code::TgwAttachMissingTgwRtbAssociation, &a.id, why, base);
        };
        let (dest, zone, base) = self.through_tables(id, table, zone, h, base)?;
        let exit = dest.exit_subnet(zone.as_deref());
        let Some(o) = self.owner(dest.vpc, h.dst) else {
            let detail = Detail {
                destination_vpc: Some(v.vpcs[dest.vpc as usize].id.clone()),
                ..base
            };
            let (code, why) = (Code::VpcLocalRouteCidrRestriction, Why::TgwNoHolder);
            return self.undeliverable(code, &dest.id, why, detail);
        };
        // Out of the destination attachment's interface: its subnet's ACL, unless the
        // receiver shares it.
        let to = self.subnet_of(o);
        if let Some(exit) = exit.filter(|e| *e != to) {
            self.nacl(exit, true, h);
        }
        self.nacl(to, false, h);
        // Security-group references do not cross a transit gateway.
        self.arrive(o, h, want, false)
    }

    /// From `table` of gateway `gw`: the longest-prefix route, over any peering attachments
    /// to the tables their far sides associate them with, to the destination's VPC
    /// attachment; with the zone traffic entered the last gateway in (none once it crossed a
    /// peering: zones are not kept across gateways) and the detail as of the last table.
    fn through_tables(
        &mut self,
        gw: &Arc<str>,
        table: &Arc<str>,
        zone: Option<Arc<str>>,
        h: &Header,
        base: Detail,
    ) -> Option<(&'v AttachV, Option<Arc<str>>, Detail)> {
        let v: &'v crate::view::View = self.v;
        let t = &v.transit;
        let (mut gw, mut table, mut zone) = (gw.clone(), table.clone(), zone);
        let mut crossed: Vec<Arc<str>> = vec![gw.clone()];
        loop {
            let base_here = Detail {
                transit_gateway: Some(gw.clone()),
                transit_gateway_route_table: Some(table.clone()),
                ..base.clone()
            };
            let Some(r) = t.lookup(&table, h.dst) else {
                let why = Why::TgwNoRoute;
                return self.fatal(Code::TgwRtbCannotRoute, &table, why, base_here);
            };
            let Some(to) = r.attachment.clone() else {
                let why = Why::TgwBlackhole;
                return self.fatal(Code::TgwRtbBadStateRoute, &table, why, base_here);
            };
            if let Some(dest) = t.attachments.get(&to) {
                return Some((dest, zone, base_here));
            }
            let detail = Detail {
                transit_gateway_attachment: Some(to.clone()),
                ..base_here
            };
            let Some((far, far_table)) = t.peerings.get(&to).and_then(|p| p.across(&gw)) else {
                let why = Why::TgwAttachmentNotAvailable;
                return self.fatal(Code::TgwRtbBadStateRoute, &table, why, detail);
            };
            if crossed.contains(far) {
                let why = Why::TgwPeeringLoop;
                return self.fatal(Code::TgwRtbCannotRoute, &table, why, detail);
            }
            self.hop(&to, HopKind::TransitGatewayAttachment, h);
            self.hop(far, HopKind::TransitGateway, h);
            let Some(far_table) = far_table else {
                let detail = Detail {
                    transit_gateway: Some(far.clone()),
                    ..detail
                };
                let why = Why::TgwNoAssociation;
                return self.fatal(Code::TgwAttachMissingTgwRtbAssociation, &to, why, detail);
            };
            crossed.push(far.clone());
            (gw, table, zone) = (far.clone(), far_table.clone(), None);
        }
    }
}
