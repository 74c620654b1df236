//! Deterministic identifiers. The generator's state is part of the [`crate::World`], so a
//! replayed journal hands out exactly the ids that were acknowledged.

use serde::{Deserialize, Serialize};

/// A seeded splitmix64 generator of AWS-shaped identifiers and random tokens.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct IdGen {
    state: u64,
}

impl IdGen {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        IdGen { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// `<prefix>-` followed by 17 lowercase hex digits, the current AWS id shape.
    pub fn id(&mut self, prefix: &str) -> String {
        let high = self.next_u64() & 0xf;
        let low = self.next_u64();
        format!("{prefix}-{high:x}{low:016x}")
    }

    /// `n` random lowercase alphanumeric characters (DNS labels, verification tokens).
    pub fn token(&mut self, n: usize) -> String {
        const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
        (0..n)
            .map(|_| ALPHABET[(self.next_u64() % ALPHABET.len() as u64) as usize] as char)
            .collect()
    }

    /// A MAC address: `first` (e.g. `0x02`, locally administered unicast) then five random
    /// octets.
    pub fn mac(&mut self, first: u8) -> String {
        let b = self.next_u64().to_be_bytes();
        format!(
            "{first:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
            b[0], b[1], b[2], b[3], b[4]
        )
    }

    /// A random UUID-shaped string (request ids, reservation-free tokens).
    pub fn uuid(&mut self) -> String {
        let a = self.next_u64();
        let b = self.next_u64();
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            (b >> 48) & 0x3fff | 0x8000,
            b & 0xffff_ffff_ffff
        )
    }
}

/// Whether `id` has the shape `<prefix>-` + 8 or 17 lowercase hex digits.
pub fn is_well_formed(id: &str, prefix: &str) -> bool {
    let Some(rest) = id.strip_prefix(prefix).and_then(|r| r.strip_prefix('-')) else {
        return false;
    };
    (rest.len() == 8 || rest.len() == 17)
        && rest
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(id: &str, prefix: &str, expected: bool) {
        assert_eq!(is_well_formed(id, prefix), expected, "{id} with {prefix}");
    }

    #[test]
    fn ids_are_well_formed_and_deterministic() {
        let mut a = IdGen::new(7);
        let mut b = IdGen::new(7);
        let id = a.id("vpc");
        assert_eq!(id, b.id("vpc"));
        check(&id, "vpc", true);
        assert_ne!(a.id("vpc"), id);
    }

    #[test]
    fn malformed_ids_are_recognised() {
        check("vpc-1234abcd", "vpc", true);
        check("vpc-1234ABCD", "vpc", false);
        check("vpc-123", "vpc", false);
        check("subnet-1234abcd", "vpc", false);
        check("vpce-svc-0123456789abcdef0", "vpce-svc", true);
        check("vpc-0123456789abcdef0", "vpc", true);
    }
}
