//! Builders for network ACL resources.

use super::Kit;
use crate::nacl::{Cmd, EntrySpec};

impl Kit {
    /// A new custom network ACL of `vpc_id`.
    pub fn network_acl(&mut self, vpc_id: &str) -> String {
        self.id(Cmd::Create {
            vpc_id: vpc_id.into(),
            tags: vec![],
        })
    }
}

/// An `allow` entry for 0.0.0.0/0 numbered `n` with `protocol`, no ports or ICMP.
pub fn entry(acl: &str, n: i64, protocol: &str, egress: bool) -> EntrySpec {
    EntrySpec {
        acl_id: acl.into(),
        rule_number: n,
        protocol: protocol.into(),
        action: "allow".into(),
        egress,
        cidr_block: Some("0.0.0.0/0".into()),
        ..EntrySpec::default()
    }
}
