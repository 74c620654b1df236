//! CIDR parsing and the address arithmetic the rules need.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use crate::error::{ApiError, ErrorCode, Result};

/// `0.0.0.0/0`: every IPv4 address (default rules and routes; a constant, not parsed per use).
pub const ANY_V4: Ipv4Net = Ipv4Net::new_assert(Ipv4Addr::UNSPECIFIED, 0);
/// `::/0`: every IPv6 address.
pub const ANY_V6: Ipv6Net = Ipv6Net::new_assert(Ipv6Addr::UNSPECIFIED, 0);

/// Parses an IPv4 CIDR, canonicalising host bits away (`10.0.0.7/16` → `10.0.0.0/16`).
pub fn parse_v4(s: &str) -> Option<Ipv4Net> {
    s.trim().parse::<Ipv4Net>().ok().map(|n| n.trunc())
}

/// Parses an IPv6 CIDR, canonicalising host bits away.
pub fn parse_v6(s: &str) -> Option<Ipv6Net> {
    s.trim().parse::<Ipv6Net>().ok().map(|n| n.trunc())
}

/// Parses either family.
pub fn parse_any(s: &str) -> Option<IpNet> {
    s.trim().parse::<IpNet>().ok().map(|n| n.trunc())
}

/// Whether two IPv4 blocks share any address.
pub fn overlaps_v4(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// Whether two IPv6 blocks share any address.
pub fn overlaps_v6(a: &Ipv6Net, b: &Ipv6Net) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

/// Validates a VPC block: /16 to /28, else `InvalidVpc.Range`.
pub fn check_vpc_block(raw: &str) -> Result<Ipv4Net> {
    let net = parse_v4(raw).ok_or_else(|| {
        ApiError::invalid_value(format!(
            "Value ({raw}) for parameter cidrBlock is invalid. This is not a valid CIDR block."
        ))
    })?;
    if !(16..=28).contains(&net.prefix_len()) {
        return Err(ApiError::new(
            ErrorCode::InvalidVpcRange,
            format!("The CIDR '{raw}' is invalid."),
        ));
    }
    Ok(net)
}

/// The address family class AWS uses to restrict secondary VPC blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Ten,
    OneSevenTwo,
    OneNineTwo,
    OneNineEight,
    Other,
}

/// The restriction class of an IPv4 block (10/8, 172.16/12, 192.168/16, 198.19/16, other).
pub fn family(net: &Ipv4Net) -> Family {
    let in_block = |base: [u8; 4], len: u8| {
        Ipv4Net::new(Ipv4Addr::from(base), len)
            .map(|b| b.contains(net))
            .unwrap_or(false)
    };
    if in_block([10, 0, 0, 0], 8) {
        Family::Ten
    } else if in_block([172, 16, 0, 0], 12) {
        Family::OneSevenTwo
    } else if in_block([192, 168, 0, 0], 16) {
        Family::OneNineTwo
    } else if in_block([198, 19, 0, 0], 16) {
        Family::OneNineEight
    } else {
        Family::Other
    }
}

/// Whether `addr` is private (RFC 1918).
pub fn is_rfc1918(addr: Ipv4Addr) -> bool {
    addr.is_private()
}

/// Number of addresses in an IPv4 block.
pub fn size_v4(net: &Ipv4Net) -> u64 {
    1u64 << (32 - net.prefix_len())
}

/// The `offset`-th address of an IPv4 block.
pub fn nth_v4(net: &Ipv4Net, offset: u32) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(net.network()).wrapping_add(offset))
}

/// The offset of `addr` inside `net`, if inside.
pub fn offset_v4(net: &Ipv4Net, addr: Ipv4Addr) -> Option<u32> {
    net.contains(&addr)
        .then(|| u32::from(addr) - u32::from(net.network()))
}

/// The `offset`-th address of an IPv6 block.
pub fn nth_v6(net: &Ipv6Net, offset: u128) -> Ipv6Addr {
    Ipv6Addr::from(u128::from(net.network()).wrapping_add(offset))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_block(raw: &str, expected: std::result::Result<&str, &str>) {
        let got = check_vpc_block(raw)
            .map(|n| n.to_string())
            .map_err(|e| e.code);
        assert_eq!(
            got.as_ref().map(|s| s.as_str()).map_err(|s| s.as_str()),
            expected,
            "{raw}"
        );
    }

    #[test]
    fn the_any_blocks_are_the_parsed_ones() {
        assert_eq!(ANY_V4, parse_v4("0.0.0.0/0").unwrap());
        assert_eq!(ANY_V6, parse_v6("::/0").unwrap());
    }

    #[test]
    fn vpc_blocks() {
        check_block("10.0.0.0/16", Ok("10.0.0.0/16"));
        check_block("10.0.0.7/16", Ok("10.0.0.0/16"));
        check_block("10.0.0.0/15", Err("InvalidVpc.Range"));
        check_block("10.0.0.0/29", Err("InvalidVpc.Range"));
        check_block("nonsense", Err("InvalidParameterValue"));
    }

    #[test]
    fn overlap_and_family() {
        let a = parse_v4("10.0.0.0/16").unwrap();
        let b = parse_v4("10.0.128.0/24").unwrap();
        let c = parse_v4("10.1.0.0/16").unwrap();
        assert!(overlaps_v4(&a, &b) && overlaps_v4(&b, &a));
        assert!(!overlaps_v4(&a, &c));
        assert_eq!(family(&a), Family::Ten);
        assert_eq!(
            family(&parse_v4("172.31.0.0/16").unwrap()),
            Family::OneSevenTwo
        );
        assert_eq!(family(&parse_v4("100.64.0.0/16").unwrap()), Family::Other);
    }
}
