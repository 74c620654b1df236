//! The commercial Regions of the `aws` partition as AWS has them (spec §10.1–10.2): the one
//! table of Region data in openvpc. Each row: the Region, its name in `endpoints.json`,
//! whether it is an opt-in Region (introduced after 20 March 2019), whether each account
//! gets its own letter→id permutation (AWS's older, "independently mapped" Regions), the
//! AZ-id prefix, and the zones an account sees as `<letter><az-number>` pairs — for an
//! independently mapped Region the letters and the id numbers behind them, before the
//! account's permutation.

/// One row of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    pub name: &'static str,
    pub long_name: &'static str,
    pub opt_in: bool,
    pub per_account_mapping: bool,
    pub az_id_prefix: &'static str,
    pub zones: &'static str,
}

const fn row(
    name: &'static str,
    long_name: &'static str,
    opt_in: bool,
    per_account_mapping: bool,
    az_id_prefix: &'static str,
    zones: &'static str,
) -> Entry {
    Entry {
        name,
        long_name,
        opt_in,
        per_account_mapping,
        az_id_prefix,
        zones,
    }
}

const DEFAULT: bool = false;
const OPT_IN: bool = true;
const MAPPED: bool = true;
const UNIFORM: bool = false;

/// Every commercial Region, in the order openvpc lists them. The first eight keep their
/// places: a Region's position seeds its synthetic AWS-managed prefix-list blocks.
pub const REGIONS: &[Entry] = &[
    row(
        "us-east-1",
        "US East (N. Virginia)",
        DEFAULT,
        MAPPED,
        "use1",
        "a1 b2 c3 d4 e5 f6",
    ),
    row(
        "us-east-2",
        "US East (Ohio)",
        DEFAULT,
        UNIFORM,
        "use2",
        "a1 b2 c3",
    ),
    // Newer accounts see two of the three zones; az1 and az3 are the ones observed.
    row(
        "us-west-1",
        "US West (N. California)",
        DEFAULT,
        MAPPED,
        "usw1",
        "b1 c3",
    ),
    row(
        "us-west-2",
        "US West (Oregon)",
        DEFAULT,
        MAPPED,
        "usw2",
        "a1 b2 c3 d4",
    ),
    row(
        "eu-west-1",
        "Europe (Ireland)",
        DEFAULT,
        MAPPED,
        "euw1",
        "a1 b2 c3",
    ),
    row(
        "eu-central-1",
        "Europe (Frankfurt)",
        DEFAULT,
        UNIFORM,
        "euc1",
        "a2 b3 c1",
    ),
    row(
        "ap-southeast-1",
        "Asia Pacific (Singapore)",
        DEFAULT,
        MAPPED,
        "apse1",
        "a1 b2 c3",
    ),
    // apne1-az3 is constrained: accounts see az1, az2 and az4 (no ap-northeast-1b).
    row(
        "ap-northeast-1",
        "Asia Pacific (Tokyo)",
        DEFAULT,
        MAPPED,
        "apne1",
        "a1 c2 d4",
    ),
    row(
        "ap-northeast-2",
        "Asia Pacific (Seoul)",
        DEFAULT,
        UNIFORM,
        "apne2",
        "a1 b2 c3 d4",
    ),
    row(
        "ap-northeast-3",
        "Asia Pacific (Osaka)",
        DEFAULT,
        UNIFORM,
        "apne3",
        "a3 b1 c2",
    ),
    row(
        "ap-south-1",
        "Asia Pacific (Mumbai)",
        DEFAULT,
        UNIFORM,
        "aps1",
        "a1 b3 c2",
    ),
    row(
        "ap-southeast-2",
        "Asia Pacific (Sydney)",
        DEFAULT,
        MAPPED,
        "apse2",
        "a1 b2 c3",
    ),
    // cac1-az3 does not exist: the zones are a, b and d.
    row(
        "ca-central-1",
        "Canada (Central)",
        DEFAULT,
        UNIFORM,
        "cac1",
        "a1 b2 d4",
    ),
    row(
        "sa-east-1",
        "South America (Sao Paulo)",
        DEFAULT,
        MAPPED,
        "sae1",
        "a1 b2 c3",
    ),
    // euw2-az4 is new; the accounts observed see az1–az3.
    row(
        "eu-west-2",
        "Europe (London)",
        DEFAULT,
        UNIFORM,
        "euw2",
        "a2 b3 c1",
    ),
    row(
        "eu-west-3",
        "Europe (Paris)",
        DEFAULT,
        UNIFORM,
        "euw3",
        "a1 b2 c3",
    ),
    row(
        "eu-north-1",
        "Europe (Stockholm)",
        DEFAULT,
        UNIFORM,
        "eun1",
        "a1 b2 c3",
    ),
    row(
        "ca-west-1",
        "Canada West (Calgary)",
        OPT_IN,
        UNIFORM,
        "caw1",
        "a1 b2 c3",
    ),
    row(
        "mx-central-1",
        "Mexico (Central)",
        OPT_IN,
        UNIFORM,
        "mxc1",
        "a1 b2 c3",
    ),
    row(
        "eu-central-2",
        "Europe (Zurich)",
        OPT_IN,
        UNIFORM,
        "euc2",
        "a1 b2 c3",
    ),
    row(
        "eu-south-1",
        "Europe (Milan)",
        OPT_IN,
        UNIFORM,
        "eus1",
        "a1 b2 c3",
    ),
    row(
        "eu-south-2",
        "Europe (Spain)",
        OPT_IN,
        UNIFORM,
        "eus2",
        "a1 b2 c3",
    ),
    row(
        "af-south-1",
        "Africa (Cape Town)",
        OPT_IN,
        UNIFORM,
        "afs1",
        "a1 b2 c3",
    ),
    row(
        "me-south-1",
        "Middle East (Bahrain)",
        OPT_IN,
        UNIFORM,
        "mes1",
        "a1 b2 c3",
    ),
    row(
        "me-central-1",
        "Middle East (UAE)",
        OPT_IN,
        UNIFORM,
        "mec1",
        "a1 b2 c3",
    ),
    row(
        "il-central-1",
        "Israel (Tel Aviv)",
        OPT_IN,
        UNIFORM,
        "ilc1",
        "a1 b2 c3",
    ),
    row(
        "ap-east-1",
        "Asia Pacific (Hong Kong)",
        OPT_IN,
        UNIFORM,
        "ape1",
        "a1 b2 c3",
    ),
    row(
        "ap-east-2",
        "Asia Pacific (Taipei)",
        OPT_IN,
        UNIFORM,
        "ape2",
        "a1 b2 c3",
    ),
    row(
        "ap-south-2",
        "Asia Pacific (Hyderabad)",
        OPT_IN,
        UNIFORM,
        "aps2",
        "a1 b2 c3",
    ),
    row(
        "ap-southeast-3",
        "Asia Pacific (Jakarta)",
        OPT_IN,
        UNIFORM,
        "apse3",
        "a1 b2 c3",
    ),
    row(
        "ap-southeast-4",
        "Asia Pacific (Melbourne)",
        OPT_IN,
        UNIFORM,
        "apse4",
        "a1 b2 c3",
    ),
    row(
        "ap-southeast-5",
        "Asia Pacific (Malaysia)",
        OPT_IN,
        UNIFORM,
        "apse5",
        "a1 b2 c3",
    ),
    row(
        "ap-southeast-6",
        "Asia Pacific (New Zealand)",
        OPT_IN,
        UNIFORM,
        "apse6",
        "a1 b2 c3",
    ),
    row(
        "ap-southeast-7",
        "Asia Pacific (Thailand)",
        OPT_IN,
        UNIFORM,
        "apse7",
        "a1 b2 c3",
    ),
];

/// The catalogue row of `name`.
pub fn entry(name: &str) -> Option<&'static Entry> {
    REGIONS.iter().find(|e| e.name == name)
}

impl Entry {
    /// The zone letters and the AZ-id numbers behind them.
    pub fn zones(&self) -> (String, Vec<u8>) {
        self.zones
            .split_whitespace()
            .map(|z| {
                let (letter, number) = z.split_at(1);
                (letter, number.parse::<u8>().expect("catalogue zone number"))
            })
            .fold(
                (String::new(), Vec::new()),
                |(mut l, mut n), (letter, number)| {
                    l.push_str(letter);
                    n.push(number);
                    (l, n)
                },
            )
    }
}
