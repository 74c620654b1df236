//! Builders for DHCP option sets.

use crate::dhcp::Cmd;

/// Option pairs as CreateDhcpOptions takes them.
pub fn conf(pairs: &[(&str, &[&str])]) -> Vec<(String, Vec<String>)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
        .collect()
}

/// CreateDhcpOptions with `pairs`, without tags.
pub fn create(pairs: &[(&str, &[&str])]) -> Cmd {
    Cmd::Create {
        configurations: conf(pairs),
        tags: vec![],
    }
}
