//! The reference's transit gateways (decisions.md "Transit gateways"), by scans of the
//! world: a VPC route to a live gateway with an `available` attachment of the VPC enters
//! that attachment by its subnet in the sender's zone (none there: stopped), is routed by
//! the attachment's associated table — static routes and the blocks of the `available`
//! attachments propagating into it, longest prefix first, a static route over a propagated
//! one to the same prefix, of propagated ones the first enabled — and leaves by the
//! destination attachment's subnet in that zone (in appliance mode, or with no subnet
//! there: the one the flow's hash picks) into its VPC, where the address must be held. The
//! ACL of an attachment subnet is applied unless the sender or receiver is in that subnet.
//! Only VPC attachments are modelled here: VPN and peering attachments and prefix-list
//! references in tables are not, so worlds checked against the reference (reach-bench, the
//! property tests) hold VPC attachments only.

use std::net::IpAddr;

use ipnet::IpNet;
use openvpc_core::eni::NetworkInterface;
use openvpc_core::tgw::{AttachmentState, RouteTarget, State, TgwAttachment, TgwRouteTable};

use super::{Leg, Packet, Ref, Step};
use crate::explain::Code;

/// The flow's hash that picks an attachment's interface (decisions.md "Appliance mode and
/// the return path's zone"): FNV-1a over the two ends (address as 16 bytes, IPv4 mapped;
/// port, 0 when none) in ascending order, then the protocol.
fn symmetric_hash(h: &Packet) -> u64 {
    let end = |ip: IpAddr, port: Option<u16>| {
        let mut b: Vec<u8> = match ip {
            IpAddr::V4(a) => a.to_ipv6_mapped().octets().to_vec(),
            IpAddr::V6(a) => a.octets().to_vec(),
        };
        b.extend(port.unwrap_or(0).to_be_bytes());
        b
    };
    let mut ends = [end(h.src, h.src_port), end(h.dst, h.dst_port)];
    ends.sort();
    let bytes = ends.concat().into_iter().chain([h.protocol]);
    bytes.fold(0xcbf2_9ce4_8422_2325, |x: u64, b| {
        (x ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Where a table sends a destination: an attachment id, or `None` (blackhole).
type Choice<'w> = Option<&'w str>;

impl<'w> Ref<'w> {
    /// Whether the world holds transit gateway `id` (else it is unsupported).
    pub(super) fn knows_transit_gateway(&self, id: &str) -> bool {
        self.w.transit_gateways.get(id).is_some()
    }

    fn available_attachment(&self, id: &str) -> Option<&'w TgwAttachment> {
        self.w
            .tgw_attachments
            .values()
            .find(|a| a.id == id && a.state == AttachmentState::Available)
    }

    /// The attachment subnet of `a` in `zone`.
    fn attachment_subnet(&self, a: &'w TgwAttachment, zone: &str) -> Option<&'w str> {
        a.subnet_ids
            .iter()
            .find(|s| self.subnet(s).is_some_and(|s| s.availability_zone == zone))
            .map(String::as_str)
    }

    /// The route `table` takes for `dst`, with its prefix length: `None` when none matches.
    fn transit_route(&self, table: &'w TgwRouteTable, dst: IpAddr) -> Option<Choice<'w>> {
        let mut best: Option<(u8, bool, Choice<'w>)> = None;
        let mut offer = |len: u8, fixed: bool, choice: Choice<'w>| {
            let better = match best {
                None => true,
                Some((l, f, _)) => len > l || (len == l && fixed && !f),
            };
            if better {
                best = Some((len, fixed, choice));
            }
        };
        for r in table.routes.iter().filter(|r| r.destination.contains(&dst)) {
            let choice = match &r.target {
                RouteTarget::Attachment(a) => Some(a.as_str()),
                RouteTarget::Blackhole => None,
            };
            offer(r.destination.prefix_len(), true, choice);
        }
        for id in &table.propagations {
            let Some(a) = self.available_attachment(id) else {
                continue;
            };
            let Some(vpc) = self.w.vpcs.get(&a.vpc_id) else {
                continue;
            };
            let v4 = vpc.cidrs.iter().map(|c| IpNet::V4(c.cidr));
            let v6 = vpc
                .ipv6_cidrs
                .iter()
                .filter(|_| a.options.ipv6_support)
                .map(|c| IpNet::V6(c.cidr));
            for block in v4.chain(v6).filter(|b| b.contains(&dst)) {
                offer(block.prefix_len(), false, Some(a.id.as_str()));
            }
        }
        best.map(|(_, _, c)| c)
    }

    /// A leg out through transit gateway `id`.
    pub(super) fn via_transit_gateway(
        &mut self,
        leg: &Leg<'w>,
        id: &str,
        h: &mut Packet,
        want: Option<&'w NetworkInterface>,
    ) -> Option<Step<'w>> {
        let w = self.w;
        self.nacl(leg.subnet_id, true, h);
        let live = w
            .transit_gateways
            .get(id)
            .is_some_and(|g| matches!(g.state, State::Pending | State::Available));
        let from = w.tgw_attachments.values().find(|a| {
            live && a.transit_gateway_id == id
                && a.vpc_id == leg.vpc.id
                && a.state == AttachmentState::Available
        });
        let Some(from) = from else {
            return self.fatal(Code::BadStateRoute, leg.table);
        };
        let zone = self
            .subnet(leg.subnet_id)
            .map(|s| s.availability_zone.as_str())
            .unwrap_or_default();
        let Some(entry) = self.attachment_subnet(from, zone) else {
            return self.fatal(Code::TgwRouteAzRestriction, &from.id);
        };
        if entry != leg.subnet_id {
            self.nacl(entry, false, h);
        }
        let Some(table_id) = &from.association else {
            return self.fatal(Code::TgwAttachMissingTgwRtbAssociation, &from.id);
        };
        let table = w
            .tgw_route_tables
            .values()
            .find(|t| t.id == *table_id && matches!(t.state, State::Pending | State::Available));
        let Some(choice) = table.and_then(|t| self.transit_route(t, h.dst)) else {
            return self.fatal(Code::TgwRtbCannotRoute, table_id);
        };
        let Some(to) = choice.and_then(|a| self.available_attachment(a)) else {
            return self.fatal(Code::TgwRtbBadStateRoute, table_id);
        };
        let Some(o) = self.owner(&to.vpc_id, h.dst) else {
            return self.undeliverable(Code::VpcLocalRouteCidrRestriction, &to.id);
        };
        let receiver = Self::place(o).1;
        let exit = match self.attachment_subnet(to, zone) {
            Some(s) if !to.options.appliance_mode_support => Some(s),
            _ => {
                let subnets: Vec<&str> = to
                    .subnet_ids
                    .iter()
                    .filter(|s| self.subnet(s).is_some())
                    .map(String::as_str)
                    .collect();
                let n = subnets.len() as u64;
                (n > 0).then(|| subnets[(symmetric_hash(h) % n) as usize])
            }
        };
        if let Some(exit) = exit.filter(|e| *e != receiver) {
            self.nacl(exit, true, h);
        }
        self.nacl(receiver, false, h);
        self.arrive(o, h, want, false)
    }
}
