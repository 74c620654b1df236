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
            .and_then(|a| t.attachment(a))
        else {
            return self.fatal(Code::BadStateRoute, leg.table, Why::TgwNotAttached, base);
        };
        let base = Detail {
            transit_gateway_attachment: Some(a.id.clone()),
            ..base
        };
        let zone = t.zones.get(&leg.subnet);
        let entry = match zone {
            Some(z) => a.subnet_in(z),
            None => a.subnets.first().map(|(_, s)| *s),
        };
        let Some(entry) = entry else {
            let detail = Detail {
                availability_zone: zone.cloned(),
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
        let base = Detail {
            transit_gateway_route_table: Some(table.clone()),
            ..base
        };
        let Some(r) = t.lookup(table, h.dst) else {
            return self.fatal(Code::TgwRtbCannotRoute, table, Why::TgwNoRoute, base);
        };
        let Some(dest) = r.attachment.as_deref().and_then(|d| t.attachment(d)) else {
            return self.fatal(Code::TgwRtbBadStateRoute, table, Why::TgwBlackhole, base);
        };
        let exit = dest.exit_subnet(zone.map(|z| &**z));
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
}
