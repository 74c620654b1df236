//! The Resource Access Manager's data (the minimal part transit gateways need): resource
//! shares, with their resources and principals, and the invitations of the accounts they
//! are shared with. Plain data and small methods.

use serde::{Deserialize, Serialize};

use crate::world::Scope;
use crate::Millis;

/// A resource share's status (`ACTIVE`: the one a share reaches here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShareStatus {
    Active,
}

impl ShareStatus {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ShareStatus::Active => "ACTIVE",
        }
    }
}

/// An invitation's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvitationStatus {
    Pending,
    Accepted,
}

impl InvitationStatus {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationStatus::Pending => "PENDING",
            InvitationStatus::Accepted => "ACCEPTED",
        }
    }
}

/// A resource share (its ARN is its id), in its owner's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceShare {
    pub id: String,
    pub scope: Scope,
    pub name: String,
    pub allow_external_principals: bool,
    pub status: ShareStatus,
    /// ARNs of the shared resources.
    pub resources: Vec<String>,
    /// Account ids the share is shared with.
    pub principals: Vec<String>,
    pub tags: Vec<(String, String)>,
    pub created: Millis,
    pub updated: Millis,
}

/// An invitation (its ARN is its id), in the invited account's scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: String,
    pub scope: Scope,
    pub share_arn: String,
    pub sender: String,
    pub status: InvitationStatus,
    pub created: Millis,
}

crate::table::impl_resource!(ResourceShare, Invitation);

/// RAM commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    CreateResourceShare {
        name: String,
        resource_arns: Vec<String>,
        principals: Vec<String>,
        allow_external_principals: bool,
        tags: Vec<(String, String)>,
    },
    AssociateResourceShare {
        share_arn: String,
        resource_arns: Vec<String>,
        principals: Vec<String>,
    },
    AcceptInvitation {
        invitation_arn: String,
    },
}
