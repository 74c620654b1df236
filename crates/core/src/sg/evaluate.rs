//! Rule evaluation for the reachability engine and Network Insights: whether a group's
//! rules admit a packet. Stale references (see `references.rs`) match nothing.

use std::net::IpAddr;

use super::model::{Peer, Rule, SecurityGroup};
use super::references::reference_is_stale;
use crate::world::World;

/// Whether a rule's protocol and ports admit a packet of IANA `protocol` to `port`
/// (for ICMP/ICMPv6, `port` carries the ICMP type). `port` None matches only rules
/// that do not restrict ports.
pub fn protocol_matches(rule: &Rule, protocol: u8, port: Option<u16>) -> bool {
    let Some(want) = rule.protocol_number() else {
        return true;
    };
    if want != protocol {
        return false;
    }
    if rule.protocol.has_ports() {
        let (from, to) = (rule.from_port.unwrap_or(0), rule.to_port.unwrap_or(65535));
        match port {
            Some(p) => (from..=to).contains(&i32::from(p)),
            None => from == 0 && to == 65535,
        }
    } else if rule.protocol.is_icmp() {
        match rule.from_port.unwrap_or(-1) {
            -1 => true,
            t => port.is_some_and(|p| i32::from(p) == t),
        }
    } else {
        true
    }
}

/// Whether a rule of `group` matches a packet whose other end is `addr`, member of the
/// groups `peer_groups`. Stale group references and prefix lists (not modelled yet)
/// match nothing.
pub fn rule_matches(
    w: &World,
    group: &SecurityGroup,
    rule: &Rule,
    protocol: u8,
    port: Option<u16>,
    addr: IpAddr,
    peer_groups: &[String],
) -> bool {
    if !protocol_matches(rule, protocol, port) {
        return false;
    }
    match (&rule.peer, addr) {
        (Peer::V4(net), IpAddr::V4(a)) => net.contains(&a),
        (Peer::V6(net), IpAddr::V6(a)) => net.contains(&a),
        (Peer::Group { group_id, .. }, _) => {
            peer_groups.iter().any(|g| g == group_id) && !reference_is_stale(w, group, rule)
        }
        _ => false,
    }
}

/// Whether `group` allows the packet in the given direction (any matching rule).
pub fn allows(
    w: &World,
    group: &SecurityGroup,
    egress: bool,
    protocol: u8,
    port: Option<u16>,
    addr: IpAddr,
    peer_groups: &[String],
) -> bool {
    group
        .rules(egress)
        .iter()
        .any(|r| rule_matches(w, group, r, protocol, port, addr, peer_groups))
}
