//! The nftables ruleset of a VPC router: network ACLs (stateless, at subnet boundaries)
//! in a forward chain at priority -10, then security groups (stateful) at priority 0,
//! then source/destination checks. Rendered whole and swapped atomically on every
//! change; conntrack keeps established flows across a swap, as AWS keeps tracked
//! connections across rule changes.

use std::fmt::Write;

use super::{acls, groups, Ctx};

/// An nft identifier from an AWS id.
pub fn ident(id: &str) -> String {
    id.replace(['-', '.', ':'], "_")
}

/// `{ a, b, c }` or `None` when empty.
pub fn elements<I: IntoIterator<Item = String>>(items: I) -> Option<String> {
    let v: Vec<String> = items.into_iter().collect();
    (!v.is_empty()).then(|| format!("{{ {} }}", v.join(", ")))
}

/// The match of an IANA protocol and its ports or ICMP type/code (`-1` any).
pub fn l4(protocol: Option<u8>, ports: Option<(i32, i32)>, icmp: Option<(i32, i32)>) -> String {
    let mut m = String::new();
    match protocol {
        None => {}
        Some(6 | 17) => {
            let name = if protocol == Some(6) { "tcp" } else { "udp" };
            let _ = write!(m, "meta l4proto {name}");
            if let Some((a, b)) = ports.filter(|&(a, b)| !(a <= 0 && b >= 65535)) {
                if a == b {
                    let _ = write!(m, " th dport {a}");
                } else {
                    let _ = write!(m, " th dport {a}-{b}");
                }
            }
        }
        Some(p @ (1 | 58)) => {
            let name = if p == 1 { "icmp" } else { "icmpv6" };
            let _ = write!(m, "meta l4proto {name}");
            if let Some((t, c)) = icmp {
                if t != -1 {
                    let _ = write!(m, " {name} type {t}");
                }
                if c != -1 {
                    let _ = write!(m, " {name} code {c}");
                }
            }
        }
        Some(p) => {
            let _ = write!(m, "meta l4proto {p}");
        }
    }
    m
}

/// The whole ruleset of the router of VPC `v`.
pub fn router_ruleset(c: &Ctx, v: usize) -> String {
    let mut out = String::new();
    out.push_str("table inet ovpc {\n");
    out.push_str(
        "  chain deny {\n    meta l4proto tcp reject with tcp reset\n    reject with icmpx admin-prohibited\n  }\n",
    );
    acls::render(c, v, &mut out);
    groups::render(c, v, &mut out);
    out.push_str("}\n");
    super::edge::router_nat(c, v, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn l4_matches() {
        assert_eq!(l4(None, None, None), "");
        assert_eq!(l4(Some(6), Some((0, 65535)), None), "meta l4proto tcp");
        assert_eq!(
            l4(Some(17), Some((53, 53)), None),
            "meta l4proto udp th dport 53"
        );
        assert_eq!(
            l4(Some(1), None, Some((8, -1))),
            "meta l4proto icmp icmp type 8"
        );
        assert_eq!(l4(Some(47), None, None), "meta l4proto 47");
        assert_eq!(ident("sg-01.a"), "sg_01_a");
    }
}
