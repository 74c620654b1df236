//! Managed prefix lists as data: the list, its entries and versions, and its commands.

use std::collections::BTreeMap;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, Result};
use crate::table::Resource;
use crate::tags::TagSpec;
use crate::world::Scope;
use crate::Millis;

/// The owner id AWS-managed lists carry.
pub const AWS_OWNER: &str = "AWS";
/// The gateway-endpoint services that have an AWS-managed list in every Region.
pub const SERVICES: [&str; 2] = ["s3", "dynamodb"];
/// Most entries a list may be sized for (`MaxEntries`).
pub const MAX_ENTRIES: i64 = 1000;
/// Most entries one request may add (or remove).
pub const MAX_ENTRIES_PER_REQUEST: usize = 100;
/// Versions kept per list; older ones are dropped.
pub const MAX_VERSIONS: u64 = 1000;
/// Longest list name and entry description.
pub const MAX_TEXT: usize = 255;

/// A list's address family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AddressFamily {
    IPv4,
    IPv6,
}

impl AddressFamily {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            AddressFamily::IPv4 => "IPv4",
            AddressFamily::IPv6 => "IPv6",
        }
    }

    /// The family of a block.
    pub fn of(net: &IpNet) -> Self {
        match net {
            IpNet::V4(_) => AddressFamily::IPv4,
            IpNet::V6(_) => AddressFamily::IPv6,
        }
    }

    /// Parses `AddressFamily` as requested.
    pub(super) fn parse(raw: &str) -> Result<Self> {
        match raw {
            "IPv4" => Ok(AddressFamily::IPv4),
            "IPv6" => Ok(AddressFamily::IPv6),
            _ => Err(ApiError::invalid_value(format!(
                "Value ({raw}) for parameter addressFamily is invalid. Valid values: IPv4 | IPv6"
            ))),
        }
    }
}

/// A list's state (only the settled states: every change is synchronous).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum State {
    CreateComplete,
    ModifyComplete,
}

impl State {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            State::CreateComplete => "create-complete",
            State::ModifyComplete => "modify-complete",
        }
    }
}

/// One entry: a block and its optional description.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub cidr: IpNet,
    pub description: Option<String>,
}

/// An entry as a request gives it (`Entry.N` / `AddEntry.N`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntrySpec {
    pub cidr: String,
    pub description: Option<String>,
}

/// A managed prefix list (customer-managed when stored; AWS-managed ones are computed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrefixList {
    pub id: String,
    /// The owner and Region; the account is [`AWS_OWNER`] for AWS-managed lists.
    pub scope: Scope,
    pub name: String,
    pub address_family: AddressFamily,
    pub max_entries: u32,
    pub version: u64,
    pub state: State,
    /// Entries of each retained version (the current one included), each sorted by block.
    pub versions: BTreeMap<u64, Vec<Entry>>,
    pub created: Millis,
}

impl Resource for PrefixList {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl PrefixList {
    /// The entries of the current version.
    pub fn entries(&self) -> &[Entry] {
        self.versions.get(&self.version).map_or(&[], Vec::as_slice)
    }

    /// Whether AWS owns the list.
    pub fn is_aws_managed(&self) -> bool {
        self.scope.account == AWS_OWNER
    }

    /// `ownerId`: the account, or `AWS`.
    pub fn owner_id(&self) -> &str {
        &self.scope.account
    }

    /// `arn:aws:ec2:<region>:<owner>:prefix-list/<id>` (owner `aws` for AWS-managed lists).
    pub fn arn(&self) -> String {
        let owner = if self.is_aws_managed() {
            "aws"
        } else {
            self.scope.account.as_str()
        };
        format!(
            "arn:aws:ec2:{}:{owner}:prefix-list/{}",
            self.scope.region, self.id
        )
    }
}

/// Prefix-list commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    /// CreateManagedPrefixList.
    Create {
        name: String,
        entries: Vec<EntrySpec>,
        max_entries: i64,
        address_family: String,
        tags: Vec<TagSpec>,
        client_token: Option<String>,
    },
    /// ModifyManagedPrefixList.
    Modify {
        id: String,
        current_version: Option<i64>,
        name: Option<String>,
        add: Vec<EntrySpec>,
        remove: Vec<String>,
        max_entries: Option<i64>,
    },
    /// DeleteManagedPrefixList.
    Delete { id: String },
}

impl Cmd {
    /// The command's `ClientToken`, if any.
    pub fn client_token(&self) -> Option<&str> {
        match self {
            Cmd::Create { client_token, .. } => client_token.as_deref(),
            _ => None,
        }
    }
}
