//! DHCP option sets as data, and their commands.

use serde::{Deserialize, Serialize};

use crate::table::Resource;
use crate::tags::TagSpec;
use crate::world::Scope;

/// A DHCP option set: (key, values) pairs such as `domain-name-servers`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DhcpOptions {
    pub id: String,
    pub scope: Scope,
    pub configurations: Vec<(String, Vec<String>)>,
    pub is_default: bool,
}

impl Resource for DhcpOptions {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// DHCP options commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    Create {
        configurations: Vec<(String, Vec<String>)>,
        tags: Vec<TagSpec>,
    },
    Delete {
        dhcp_options_id: String,
    },
    /// `dhcp_options_id` may be `default`: the scope's default set.
    Associate {
        dhcp_options_id: String,
        vpc_id: String,
    },
}

/// The option names AWS accepts.
pub const KEYS: &[&str] = &[
    "domain-name",
    "domain-name-servers",
    "ntp-servers",
    "netbios-name-servers",
    "netbios-node-type",
    "ipv6-address-preferred-lease-time",
];
