//! Regions, Availability Zones and the per-account mapping of AZ names to AZ ids.
//!
//! AZ *ids* (`use1-az1`) name physical zones and are the same for every account; AZ
//! *names* (`us-east-1a`) are shuffled per account. PrivateLink intersects zones by id.

use serde::{Deserialize, Serialize};

/// One Region: its name, the short code used in AZ ids, and its zone letters.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RegionDef {
    pub name: String,
    pub az_id_prefix: String,
    pub zone_letters: String,
}

impl RegionDef {
    fn new(name: &str, prefix: &str, letters: &str) -> Self {
        RegionDef {
            name: name.into(),
            az_id_prefix: prefix.into(),
            zone_letters: letters.into(),
        }
    }

    /// The Regions openvpc serves unless configured otherwise.
    pub fn defaults() -> Vec<RegionDef> {
        vec![
            Self::new("us-east-1", "use1", "abcdef"),
            Self::new("us-east-2", "use2", "abc"),
            Self::new("us-west-1", "usw1", "bc"),
            Self::new("us-west-2", "usw2", "abcd"),
            Self::new("eu-west-1", "euw1", "abc"),
            Self::new("eu-central-1", "euc1", "abc"),
            Self::new("ap-southeast-1", "apse1", "abc"),
            Self::new("ap-northeast-1", "apne1", "acd"),
        ]
    }

    /// The zones of this Region as seen by `account`: (name, id) pairs in name order.
    pub fn zones_for(&self, account: &str) -> Vec<Zone> {
        let n = self.zone_letters.len();
        let mut ids: Vec<usize> = (1..=n).collect();
        // A stable per-account permutation (Fisher-Yates driven by an FNV hash).
        let mut h = fnv(account.as_bytes()) ^ fnv(self.name.as_bytes());
        for i in (1..n).rev() {
            h = h.wrapping_mul(0x100_0000_01b3).wrapping_add(0x9e37_79b9);
            let j = (h >> 33) as usize % (i + 1);
            ids.swap(i, j);
        }
        self.zone_letters
            .chars()
            .zip(ids)
            .map(|(letter, id)| Zone {
                name: format!("{}{letter}", self.name),
                id: format!("{}-az{id}", self.az_id_prefix),
            })
            .collect()
    }
}

/// An Availability Zone as one account names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    pub name: String,
    pub id: String,
}

fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_ids_are_a_permutation_and_stable() {
        let r = &RegionDef::defaults()[0];
        let a = r.zones_for("111111111111");
        let mut ids: Vec<_> = a.iter().map(|z| z.id.clone()).collect();
        ids.sort();
        assert_eq!(
            ids,
            (1..=6).map(|i| format!("use1-az{i}")).collect::<Vec<_>>()
        );
        assert_eq!(a, r.zones_for("111111111111"));
        assert_eq!(a[0].name, "us-east-1a");
    }

    #[test]
    fn accounts_see_different_mappings() {
        let r = &RegionDef::defaults()[0];
        let differs =
            (0..20).any(|i| r.zones_for(&format!("{i:012}")) != r.zones_for("000000000000"));
        assert!(differs);
    }
}
