//! Deciding through a transit gateway: the VPC route to `tgw-…` → the source VPC's
//! attachment, entered by its interface in the sender's Availability Zone (there must be
//! one; its subnet's ACL inbound) → the attachment's associated route table, longest prefix
//! (static over propagated, as the core holds them) → the destination attachment, left by
//! its interface in the same zone (appliance mode, or no interface there: the one the
//! flow's hash picks, alike for both directions; that subnet's ACL outbound) → its VPC,
//! where the address must be held. ACLs of an attachment subnet the sender or receiver
//! itself is in are not applied twice.
//! Blackhole routes and missing routes or associations stop the flow with AWS's
//! transit-gateway codes. A route to a VPN attachment leaves for the customer's side of its
//! connection (the path's end, like a virtual private gateway's); the reply comes back in by
//! that attachment and is routed by its associated table (no zone: the destination
//! attachment's interface the flow's hash picks). A route to a peering attachment crosses
//! to the gateway at its other end and goes on in the table that side associates it with
//! (no zone is kept across gateways); routes that send the packet back to a gateway it
//! crossed stop it.

use std::sync::Arc;

use super::{Decider, End, Leg, Step};
use crate::explain::{Applied, Code, Detail, Header, HopKind, TgwRouteRef, Why};
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
        let entry = a.entry_subnet(zone.map(|z| &**z));
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
        let zone = zone.cloned();
        self.through_table(&a.id, a.table.as_ref(), zone, h, want, base, &[])
    }

    /// Routed by the table `table` associated with attachment `from`, which the packet
    /// entered by (in `zone`, if it came from a VPC) at gateway `base.transit_gateway`, having
    /// crossed the gateways `crossed` before: on to a VPC attachment's VPC, out by a VPN
    /// attachment to the customer's side, or over a peering attachment to another gateway.
    #[allow(clippy::too_many_arguments)]
    fn through_table(
        &mut self,
        from: &Arc<str>,
        table: Option<&Arc<str>>,
        zone: Option<Arc<str>>,
        h: &mut Header,
        want: Option<Ix>,
        base: Detail,
        crossed: &[Arc<str>],
    ) -> Option<Step> {
        let v = self.v;
        let t = &v.transit;
        let Some(table) = table else {
            let why = Why::TgwNoAssociation;
            return self.fatal(Code::TgwAttachMissingTgwRtbAssociation, from, why, base);
        };
        let base = Detail {
            transit_gateway_route_table: Some(table.clone()),
            ..base
        };
        let Some(r) = t.lookup(table, h.dst) else {
            return self.fatal(Code::TgwRtbCannotRoute, table, Why::TgwNoRoute, base);
        };
        let taken = TgwRouteRef {
            destination: r.dest,
            attachment: r.attachment.clone(),
            propagated: r.propagated,
            prefix_list: r.prefix_list.clone(),
        };
        let kind = HopKind::TransitGatewayRouteTable;
        self.applied(table, kind, h, Applied::TgwRoute(Arc::new(taken)));
        if let Some(vpn) = r.attachment.as_ref().and_then(|d| t.vpns.get(d)) {
            self.hop(&vpn.connection, HopKind::VpnConnection, h);
            if let Some(want) = want {
                return self.misrouted(&h.dst, &vpn.connection, None, want);
            }
            return Some(Step::End(End::Vpn {
                attachment: vpn.id.clone(),
                connection: vpn.connection.clone(),
            }));
        }
        let Some(to) = r.attachment.as_ref() else {
            return self.fatal(Code::TgwRtbBadStateRoute, table, Why::TgwBlackhole, base);
        };
        let Some(dest) = t.attachment(to) else {
            return self.over_peering(table, to, h, want, base, crossed);
        };
        let exit = dest.exit_subnet(zone.as_deref(), crate::transit::flow_hash(h));
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

    /// A packet from the customer's side of VPN attachment `attachment`'s connection: into
    /// the transit gateway, routed by the attachment's associated table.
    pub(super) fn enter_by_vpn_attachment(
        &mut self,
        attachment: &Arc<str>,
        h: &mut Header,
        want: Option<Ix>,
    ) -> Option<Step> {
        let v = self.v;
        let a = v.transit.vpns.get(attachment)?;
        self.hop(&a.connection, HopKind::VpnConnection, h);
        self.hop(&a.transit_gateway, HopKind::TransitGateway, h);
        let base = Detail {
            transit_gateway: Some(a.transit_gateway.clone()),
            transit_gateway_attachment: Some(a.id.clone()),
            address: Some(h.dst),
            header: Some(*h),
            ..Detail::default()
        };
        self.through_table(&a.id, a.table.as_ref(), None, h, want, base, &[])
    }

    /// A route of `table` to attachment `to`, which is neither an available VPC nor VPN
    /// attachment: an available peering attachment crosses to its far gateway and its
    /// table there; anything else is a route to an attachment that is not available.
    fn over_peering(
        &mut self,
        table: &Arc<str>,
        to: &Arc<str>,
        h: &mut Header,
        want: Option<Ix>,
        base: Detail,
        crossed: &[Arc<str>],
    ) -> Option<Step> {
        let v = self.v;
        let gw = base.transit_gateway.clone().unwrap_or_else(|| to.clone());
        let detail = Detail {
            transit_gateway_attachment: Some(to.clone()),
            ..base
        };
        let Some((far, far_table)) = v.transit.peerings.get(to).and_then(|p| p.across(&gw)) else {
            let why = Why::TgwAttachmentNotAvailable;
            return self.fatal(Code::TgwRtbBadStateRoute, table, why, detail);
        };
        if *far == gw || crossed.contains(far) {
            let why = Why::TgwPeeringLoop;
            return self.fatal(Code::TgwRtbCannotRoute, table, why, detail);
        }
        self.hop(to, HopKind::TransitGatewayAttachment, h);
        self.hop(far, HopKind::TransitGateway, h);
        let base = Detail {
            transit_gateway: Some(far.clone()),
            transit_gateway_route_table: None,
            ..detail
        };
        let mut crossed = crossed.to_vec();
        crossed.push(gw);
        self.through_table(to, far_table.as_ref(), None, h, want, base, &crossed)
    }
}
