//! Regions, Availability Zones and the per-account mapping of AZ names to AZ ids.
//!
//! AZ *ids* (`use1-az1`) name physical zones and are the same for every account; AZ
//! *names* (`us-east-1a`) map to them uniformly in most Regions and are shuffled per
//! account in AWS's older ones (§10.2). PrivateLink intersects zones by id. The Region
//! data itself is one table, [`catalogue::REGIONS`].

use serde::{Deserialize, Serialize};

pub mod catalogue;

/// Whether an account may use a Region (DescribeRegions' `optInStatus`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum OptInStatus {
    /// A Region AWS enables for every account.
    OptInNotRequired,
    /// An opt-in Region the account has enabled (openvpc's default for them).
    OptedIn,
    /// An opt-in Region not enabled: listed only with `AllRegions`, requests refused.
    NotOptedIn,
}

impl OptInStatus {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            OptInStatus::OptInNotRequired => "opt-in-not-required",
            OptInStatus::OptedIn => "opted-in",
            OptInStatus::NotOptedIn => "not-opted-in",
        }
    }
}

/// One Region: its name, the short code used in AZ ids, its zone letters and the AZ-id
/// numbers behind them, how accounts map them, and whether accounts may use it.
///
/// In a configuration file a Region is either its name (`"eu-north-1"`: the catalogue's
/// row) or an object; an object's missing fields come from the catalogue row of its name
/// (`zone_numbers` only when `zone_letters` are the catalogue's), else `zone_numbers`
/// are `1..=letters`, mapped per account.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(try_from = "RegionSpec")]
pub struct RegionDef {
    pub name: String,
    pub long_name: String,
    pub az_id_prefix: String,
    pub zone_letters: String,
    /// The AZ-id number behind each letter (a uniform Region), or the numbers the
    /// account's permutation distributes over the letters (`per_account_mapping`).
    pub zone_numbers: Vec<u8>,
    pub per_account_mapping: bool,
    pub opt_in_status: OptInStatus,
}

/// A Region as a configuration file may give it.
#[derive(Deserialize)]
#[serde(untagged)]
enum RegionSpec {
    Name(String),
    Fields {
        name: String,
        long_name: Option<String>,
        az_id_prefix: Option<String>,
        zone_letters: Option<String>,
        zone_numbers: Option<Vec<u8>>,
        per_account_mapping: Option<bool>,
        opt_in_status: Option<OptInStatus>,
    },
}

impl TryFrom<RegionSpec> for RegionDef {
    type Error = String;

    fn try_from(spec: RegionSpec) -> Result<Self, String> {
        let (name, long_name, prefix, letters, numbers, mapping, status) = match spec {
            RegionSpec::Name(name) => (name, None, None, None, None, None, None),
            RegionSpec::Fields {
                name,
                long_name,
                az_id_prefix,
                zone_letters,
                zone_numbers,
                per_account_mapping,
                opt_in_status,
            } => (
                name,
                long_name,
                az_id_prefix,
                zone_letters,
                zone_numbers,
                per_account_mapping,
                opt_in_status,
            ),
        };
        let known = catalogue::entry(&name).map(RegionDef::from_entry);
        let unknown =
            |what: &str| format!("Region `{name}` is not in openvpc's catalogue: give its {what}");
        let prefix = match (prefix, &known) {
            (Some(p), _) => p,
            (None, Some(k)) => k.az_id_prefix.clone(),
            (None, None) => return Err(unknown("az_id_prefix")),
        };
        let (letters, numbers, mapping) = match (letters, &known) {
            (None, Some(k)) => (
                k.zone_letters.clone(),
                numbers.unwrap_or_else(|| k.zone_numbers.clone()),
                mapping.unwrap_or(k.per_account_mapping),
            ),
            (None, None) => return Err(unknown("zone_letters")),
            (Some(l), Some(k)) if l == k.zone_letters => (
                l,
                numbers.unwrap_or_else(|| k.zone_numbers.clone()),
                mapping.unwrap_or(k.per_account_mapping),
            ),
            (Some(l), _) => {
                let n = numbers.unwrap_or_else(|| (1..=l.chars().count() as u8).collect());
                (l, n, mapping.unwrap_or(true))
            }
        };
        if letters.is_empty()
            || !letters.chars().all(|c| c.is_ascii_lowercase())
            || numbers.len() != letters.chars().count()
        {
            return Err(format!(
                "Region `{name}`: zone_letters must be lower-case letters, one per zone number"
            ));
        }
        Ok(RegionDef {
            long_name: long_name
                .or_else(|| known.as_ref().map(|k| k.long_name.clone()))
                .unwrap_or_else(|| name.clone()),
            opt_in_status: status
                .or_else(|| known.as_ref().map(|k| k.opt_in_status))
                .unwrap_or(OptInStatus::OptInNotRequired),
            name,
            az_id_prefix: prefix,
            zone_letters: letters,
            zone_numbers: numbers,
            per_account_mapping: mapping,
        })
    }
}

impl RegionDef {
    fn from_entry(e: &catalogue::Entry) -> Self {
        let (zone_letters, zone_numbers) = e.zones();
        RegionDef {
            name: e.name.into(),
            long_name: e.long_name.into(),
            az_id_prefix: e.az_id_prefix.into(),
            zone_letters,
            zone_numbers,
            per_account_mapping: e.per_account_mapping,
            opt_in_status: if e.opt_in {
                OptInStatus::OptedIn
            } else {
                OptInStatus::OptInNotRequired
            },
        }
    }

    /// The Regions openvpc serves unless configured otherwise: every commercial Region,
    /// the opt-in ones enabled (`opted-in`).
    pub fn defaults() -> Vec<RegionDef> {
        catalogue::REGIONS.iter().map(Self::from_entry).collect()
    }

    /// Whether accounts may use the Region.
    pub fn enabled(&self) -> bool {
        self.opt_in_status != OptInStatus::NotOptedIn
    }

    /// The EC2 endpoint of the Region.
    pub fn endpoint(&self) -> String {
        format!("ec2.{}.amazonaws.com", self.name)
    }

    /// The zones of this Region as seen by `account`: (name, id) pairs in name order.
    /// A uniform Region maps letters to ids the same way for everyone; an independently
    /// mapped one gives each account its own stable permutation.
    pub fn zones_for(&self, account: &str) -> Vec<Zone> {
        let n = self.zone_numbers.len();
        let mut order: Vec<usize> = (0..n).collect();
        if self.per_account_mapping {
            // A stable per-account permutation (Fisher-Yates driven by an FNV hash).
            let mut h = fnv(account.as_bytes()) ^ fnv(self.name.as_bytes());
            for i in (1..n).rev() {
                h = h.wrapping_mul(0x100_0000_01b3).wrapping_add(0x9e37_79b9);
                let j = (h >> 33) as usize % (i + 1);
                order.swap(i, j);
            }
        }
        self.zone_letters
            .chars()
            .zip(order)
            .map(|(letter, i)| Zone {
                name: format!("{}{letter}", self.name),
                id: format!("{}-az{}", self.az_id_prefix, self.zone_numbers[i]),
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
mod tests;
