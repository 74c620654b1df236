//! Security groups (forward path only, stateful) and network ACLs (both directions, at every
//! subnet boundary), and the NAT gateway's refusal of unsolicited traffic.

use std::net::IpAddr;
use std::sync::Arc;

use super::Decider;
use crate::explain::{AclRuleRef, Applied, Code, Detail, Header, HopKind, Why};
use crate::view::{EntryV, Ix, PeerV, RuleV};

/// Whether a security group rule admits the header's protocol and port (not the peer).
fn rule_admits(r: &RuleV, h: &Header) -> bool {
    match r.protocol {
        None => true,
        Some(p) if p != h.protocol => false,
        Some(6 | 17) => match h.dst_port {
            Some(x) => r.a <= i32::from(x) && i32::from(x) <= r.b,
            None => r.a <= 0 && r.b >= 65535,
        },
        Some(1 | 58) => {
            (r.a == -1 || Some(r.a) == h.dst_port.map(i32::from)) && (r.b == -1 || r.b == 0)
        }
        Some(_) => true,
    }
}

/// Whether an ACL entry matches the header, `remote` being the far end's address.
fn entry_admits(e: &EntryV, h: &Header, remote: IpAddr) -> bool {
    if !e.net.contains(&remote) {
        return false;
    }
    match e.protocol {
        None => true,
        Some(p) if p != h.protocol => false,
        Some(6 | 17) => match (e.ports, h.dst_port) {
            (None, _) => true,
            (Some((lo, hi)), Some(x)) => lo <= x && x <= hi,
            (Some((lo, hi)), None) => lo == 0 && hi == 65535,
        },
        Some(1 | 58) => match e.icmp {
            None => true,
            Some((t, c)) => {
                (t == -1 || Some(t) == h.dst_port.map(i32::from)) && (c == -1 || c == 0)
            }
        },
        Some(_) => true,
    }
}

impl Decider<'_> {
    pub(super) fn sg(&mut self, eni: Ix, egress: bool, h: &Header, identity: bool) {
        let v = self.v;
        let e = &v.enis[eni as usize];
        // Built only for a blocker: a passing check allocates nothing.
        let detail = || Detail {
            network_interface: Some(e.id.clone()),
            security_groups: e.group_ids.to_vec(),
            egress: Some(egress),
            header: Some(*h),
            vpc: Some(v.vpcs[e.vpc as usize].id.clone()),
            subnet: Some(v.subnets[e.subnet as usize].id.clone()),
            ..Detail::default()
        };
        if e.group_ids.is_empty() {
            return self.blocker(Code::UnknownResource, &e.id, Why::GroupsUnknown, detail());
        }
        let remote = if egress { h.dst } else { h.src };
        let (mut any, mut lost) = (false, false);
        for &g in &e.groups {
            let sg = &v.sgs[g as usize];
            let rules = if egress { &sg.egress } else { &sg.ingress };
            any |= !rules.is_empty();
            for (index, r) in rules.iter().enumerate().filter(|(_, r)| rule_admits(r, h)) {
                let hit = match &r.peer {
                    PeerV::Net(n) => n.contains(&remote),
                    PeerV::Nets(ns) => ns.iter().any(|n| n.contains(&remote)),
                    PeerV::Group { sg, vpc } => {
                        let member = v
                            .holder(*vpc, remote)
                            .is_some_and(|m| v.enis[m as usize].groups.contains(sg));
                        lost |= member && !egress && !identity;
                        member && (egress || identity)
                    }
                    PeerV::Stale => false,
                };
                if hit {
                    let index = index as u32;
                    let applied = Applied::SecurityGroupRule { egress, index };
                    self.applied(&sg.id, HopKind::SecurityGroup, h, applied);
                    return;
                }
            }
        }
        let known = |id: &Arc<str>| e.groups.iter().any(|&g| v.sgs[g as usize].id == *id);
        let mut detail = detail();
        if let Some(unknown) = e.group_ids.iter().find(|id| !known(id)) {
            detail.security_group = Some(unknown.clone());
            return self.blocker(Code::UnknownResource, unknown, Why::GroupUnknown, detail);
        }
        let component = e.group_ids.first().unwrap_or(&e.id).clone();
        detail.address = Some(remote);
        let (code, why) = if !any {
            (Code::SgHasNoRules, Why::SgNoRules)
        } else if lost {
            (Code::SgReferencesNotPreserved, Why::SgReferenceLost)
        } else {
            (Code::EniSgRulesMismatch, Why::SgNoMatch)
        };
        self.blocker(code, &component, why, detail);
    }

    /// The NAT gateway whose interface `y` is (it has no security groups).
    pub(super) fn nat_of_interface(&self, y: Ix) -> Option<Ix> {
        let e = &self.v.enis[y as usize];
        if !e.group_ids.is_empty() {
            return None;
        }
        self.v
            .nats
            .iter()
            .position(|n| n.vpc == e.vpc && e.v4.contains(&n.private))
            .map(|n| n as Ix)
    }

    /// A connection opened toward a NAT gateway: it has no groups to open, it only
    /// translates connections its VPC starts.
    pub(super) fn unsolicited_to_nat(&mut self, nat: Ix, h: &Header) {
        let n = &self.v.nats[nat as usize];
        let detail = Detail {
            nat_gateway: Some(n.id.clone()),
            vpc: Some(self.v.vpcs[n.vpc as usize].id.clone()),
            header: Some(*h),
            ..Detail::default()
        };
        let id = n.id.clone();
        self.blocker(
            Code::NoPossibleDestination,
            &id,
            Why::UnsolicitedToNat,
            detail,
        );
    }

    pub(super) fn nacl(&mut self, subnet: Ix, egress: bool, h: &Header) {
        let v = self.v;
        let sub = &v.subnets[subnet as usize];
        let remote = if egress { h.dst } else { h.src };
        let detail = || Detail {
            subnet: Some(sub.id.clone()),
            vpc: Some(v.vpcs[sub.vpc as usize].id.clone()),
            egress: Some(egress),
            header: Some(*h),
            address: Some(remote),
            ..Detail::default()
        };
        let Some(a) = sub.acl else {
            let id = sub.id.clone();
            return self.blocker(Code::UnknownResource, &id, Why::AclUnknown, detail());
        };
        let acl = &v.acls[a as usize];
        let entries = if egress { &acl.outbound } else { &acl.inbound };
        match entries.iter().find(|e| entry_admits(e, h, remote)) {
            Some(e) if e.allow => {
                let applied = Applied::AclRule {
                    egress,
                    number: e.number,
                };
                self.applied(&acl.id, HopKind::NetworkAcl, h, applied)
            }
            hit => {
                let mut detail = detail();
                detail.acl = Some(acl.id.clone());
                detail.acl_rule = Some(AclRuleRef {
                    number: hit.map(|e| e.number),
                    egress,
                });
                self.blocker(Code::SubnetAclRestriction, &acl.id, Why::AclDeny, detail);
            }
        }
    }
}
