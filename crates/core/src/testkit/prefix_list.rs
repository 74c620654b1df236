//! Builders for managed prefix lists.

use super::Kit;
use crate::prefix_list::{Cmd, EntrySpec};

impl Kit {
    /// An IPv4 customer-managed list `corp` of the caller (at most 10 entries) with `cidrs`.
    pub fn prefix_list(&mut self, cidrs: &[&str]) -> String {
        self.id(Cmd::Create {
            name: "corp".into(),
            entries: cidrs
                .iter()
                .map(|c| EntrySpec {
                    cidr: c.to_string(),
                    description: None,
                })
                .collect(),
            max_entries: 10,
            address_family: "IPv4".into(),
            tags: vec![],
            client_token: None,
        })
    }
}
