//! An ACL evaluated for one packet, as the reachability engine asks (spec §1.8: lowest
//! rule number first, the `*` rules deny).

use std::net::IpAddr;

use super::model::{Entry, EntryCidr, NetworkAcl, RuleAction, DEFAULT_RULE_V4, DEFAULT_RULE_V6};

/// Whether one entry matches a packet. For ICMP/ICMPv6, `port` carries the ICMP type;
/// `port` None matches only entries that do not restrict ports/types.
pub fn entry_matches(
    e: &Entry,
    egress: bool,
    protocol: u8,
    addr: IpAddr,
    port: Option<u16>,
) -> bool {
    if e.egress != egress {
        return false;
    }
    let in_block = match (&e.cidr, addr) {
        (EntryCidr::V4(n), IpAddr::V4(a)) => n.contains(&a),
        (EntryCidr::V6(n), IpAddr::V6(a)) => n.contains(&a),
        _ => false,
    };
    if !in_block {
        return false;
    }
    match e.protocol.number() {
        None => return true,
        Some(n) if n != protocol => return false,
        Some(_) => {}
    }
    if let Some((from, to)) = e.port_range {
        return port.is_some_and(|p| (from..=to).contains(&p));
    }
    if let Some((t, _)) = e.icmp {
        return t == -1 || port.is_some_and(|p| i32::from(p) == t);
    }
    true
}

/// Evaluates an ACL for one packet: entries of the direction in ascending rule number,
/// first match wins; nothing matching is the implicit `*` deny (32767 for IPv4,
/// 32768 for IPv6). `addr` is the remote end (source inbound, destination outbound).
pub fn evaluate(
    acl: &NetworkAcl,
    egress: bool,
    protocol: u8,
    addr: IpAddr,
    port: Option<u16>,
) -> (RuleAction, u32) {
    let mut candidates: Vec<&Entry> = acl
        .entries
        .iter()
        .filter(|e| entry_matches(e, egress, protocol, addr, port))
        .collect();
    candidates.sort_by_key(|e| e.rule_number);
    match candidates.first() {
        Some(e) => (e.action, e.rule_number),
        None => (
            RuleAction::Deny,
            if addr.is_ipv4() {
                DEFAULT_RULE_V4
            } else {
                DEFAULT_RULE_V6
            },
        ),
    }
}
