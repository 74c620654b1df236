//! IP protocols as AWS names and numbers them: the one type for security-group rules, ACL
//! entries, Network Insights paths and the reachability engine.
//!
//! AWS accepts a protocol as `-1` (every protocol), a name (`tcp`, `udp`, `icmp`, `icmpv6`,
//! any case) or an IANA number (0–255). Security groups show `tcp`/`udp`/`icmp`/`icmpv6` by
//! name and every other protocol by number (`ipProtocol`); network ACLs show numbers
//! (`protocol`).

use serde::{Deserialize, Serialize};

/// Every protocol (`-1`), or one IANA protocol number. It has no `Display`: the wire shows
/// it as a name or as a number depending on the resource, so callers choose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Protocol {
    All,
    Number(u8),
}

impl Protocol {
    pub const ICMP: Protocol = Protocol::Number(1);
    pub const TCP: Protocol = Protocol::Number(6);
    pub const UDP: Protocol = Protocol::Number(17);
    pub const ICMPV6: Protocol = Protocol::Number(58);

    /// Parses AWS's spellings: `-1` or `all`, a name (any case), or a number 0–255.
    pub fn parse(text: &str) -> Option<Protocol> {
        match text.to_ascii_lowercase().as_str() {
            "-1" | "all" => Some(Protocol::All),
            "tcp" => Some(Protocol::TCP),
            "udp" => Some(Protocol::UDP),
            "icmp" => Some(Protocol::ICMP),
            "icmpv6" => Some(Protocol::ICMPV6),
            number => number.parse().ok().map(Protocol::Number),
        }
    }

    /// The IANA number, `None` for every protocol.
    pub fn number(self) -> Option<u8> {
        match self {
            Protocol::All => None,
            Protocol::Number(n) => Some(n),
        }
    }

    /// The well-known name of TCP, UDP, ICMP and ICMPv6.
    pub fn known_name(self) -> Option<&'static str> {
        match self.number()? {
            6 => Some("tcp"),
            17 => Some("udp"),
            1 => Some("icmp"),
            58 => Some("icmpv6"),
            _ => None,
        }
    }

    /// Whether ports apply (TCP, UDP).
    pub fn has_ports(self) -> bool {
        matches!(self.number(), Some(6 | 17))
    }

    /// Whether ICMP type and code apply (ICMP, ICMPv6).
    pub fn is_icmp(self) -> bool {
        matches!(self.number(), Some(1 | 58))
    }

    /// The text a security group shows (`ipProtocol`): a well-known name, `-1`, or the number.
    pub fn name(self) -> String {
        match (self, self.known_name()) {
            (_, Some(name)) => name.to_string(),
            (Protocol::All, None) => "-1".to_string(),
            (Protocol::Number(n), None) => n.to_string(),
        }
    }

    /// The text a network ACL shows (`protocol`): `-1` or the number.
    pub fn number_text(self) -> String {
        match self {
            Protocol::All => "-1".to_string(),
            Protocol::Number(n) => n.to_string(),
        }
    }
}

/// Stored as the security-group text; any of AWS's spellings is read back.
impl Serialize for Protocol {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

impl<'de> Deserialize<'de> for Protocol {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Protocol::parse(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown protocol `{text}`")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_parse_to_one_value() {
        for (text, want) in [
            ("-1", Protocol::All),
            ("all", Protocol::All),
            ("TCP", Protocol::TCP),
            ("6", Protocol::TCP),
            ("udp", Protocol::UDP),
            ("17", Protocol::UDP),
            ("icmp", Protocol::ICMP),
            ("1", Protocol::ICMP),
            ("ICMPv6", Protocol::ICMPV6),
            ("58", Protocol::ICMPV6),
            ("50", Protocol::Number(50)),
        ] {
            assert_eq!(Protocol::parse(text), Some(want), "{text}");
        }
        for bad in ["", "sctp", "256", "-2", "6.0"] {
            assert_eq!(Protocol::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn security_groups_name_acls_number() {
        assert_eq!(Protocol::TCP.name(), "tcp");
        assert_eq!(Protocol::TCP.number_text(), "6");
        assert_eq!(Protocol::All.name(), "-1");
        assert_eq!(Protocol::All.number_text(), "-1");
        assert_eq!(Protocol::Number(50).name(), "50");
        assert!(Protocol::UDP.has_ports() && !Protocol::ICMP.has_ports());
        assert!(Protocol::ICMPV6.is_icmp() && !Protocol::All.is_icmp());
    }

    #[test]
    fn serialised_form_reads_back_and_accepts_numbers() {
        for p in [Protocol::All, Protocol::TCP, Protocol::Number(50)] {
            let text = serde_json::to_string(&p).unwrap();
            assert_eq!(serde_json::from_str::<Protocol>(&text).unwrap(), p);
        }
        assert_eq!(
            serde_json::from_str::<Protocol>("\"17\"").unwrap(),
            Protocol::UDP
        );
    }
}
