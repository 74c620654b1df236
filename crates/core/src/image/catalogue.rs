//! The catalogue of public images, parsed once from `catalogue.tsv`.

use std::sync::OnceLock;

/// The us-east-1 id of the current Amazon Linux 2023 x86_64 image (tests, the demo).
pub const AMAZON_LINUX_2023: &str = "ami-0e2c8caa4b6378d8c";

/// One public image as a Region offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Image {
    pub id: String,
    pub name: String,
    pub owner_id: &'static str,
    /// `amazon`, `aws-marketplace`, or none.
    pub owner_alias: Option<&'static str>,
    pub architecture: &'static str,
    /// `windows`, or none for Linux/UNIX.
    pub platform: Option<&'static str>,
    pub platform_details: &'static str,
    pub creation_date: &'static str,
    pub description: &'static str,
}

struct Entry {
    id: &'static str,
    name: &'static str,
    owner_id: &'static str,
    owner_alias: Option<&'static str>,
    architecture: &'static str,
    platform: Option<&'static str>,
    platform_details: &'static str,
    creation_date: &'static str,
    description: &'static str,
}

fn entries() -> &'static [Entry] {
    static ENTRIES: OnceLock<Vec<Entry>> = OnceLock::new();
    ENTRIES.get_or_init(|| {
        let dash = |s: &'static str| (s != "-").then_some(s);
        include_str!("catalogue.tsv")
            .lines()
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .map(|l| {
                let f: Vec<&'static str> = l.split('\t').collect();
                assert_eq!(f.len(), 9, "catalogue.tsv: 9 columns expected in {l:?}");
                Entry {
                    id: f[0],
                    name: f[1],
                    owner_id: f[2],
                    owner_alias: dash(f[3]),
                    architecture: f[4],
                    platform: dash(f[5]),
                    platform_details: f[6],
                    creation_date: f[7],
                    description: f[8],
                }
            })
            .collect()
    })
}

/// The id of the image whose us-east-1 id is `base` in `region`: the same in us-east-1,
/// else 17 hex digits from an FNV-1a hash of both (stable across runs and versions).
fn id_in(base: &str, region: &str) -> String {
    if region == "us-east-1" {
        return base.to_string();
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in base.bytes().chain([b'/']).chain(region.bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    format!("ami-0{h:016x}")
}

fn image(e: &Entry, region: &str) -> Image {
    Image {
        id: id_in(e.id, region),
        name: e.name.to_string(),
        owner_id: e.owner_id,
        owner_alias: e.owner_alias,
        architecture: e.architecture,
        platform: e.platform,
        platform_details: e.platform_details,
        creation_date: e.creation_date,
        description: e.description,
    }
}

/// Every public image of `region`, in catalogue order.
pub fn images_in(region: &str) -> Vec<Image> {
    entries().iter().map(|e| image(e, region)).collect()
}

/// The public image `id` of `region`.
pub fn find(region: &str, id: &str) -> Option<Image> {
    entries()
        .iter()
        .find(|e| id_in(e.id, region) == id)
        .map(|e| image(e, region))
}
