//! DHCP option sets, including each scope's default set.

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, Result};
use crate::table::Resource;
use crate::world::{Ctx, Scope, World};
use crate::Output;

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
pub enum Cmd {}

/// `InvalidDhcpOptionID.NotFound` for `id`.
pub fn not_found(id: &str) -> ApiError {
    ApiError::new(
        "InvalidDhcpOptionID.NotFound",
        format!("The dhcpOption ID '{id}' does not exist"),
    )
}

/// Applies a DHCP options command.
pub fn apply(_w: &mut World, _ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {}
}

/// The scope's default option set, created on first use.
pub fn default_for(w: &mut World, scope: &Scope) -> String {
    if let Some(d) = w.dhcp_options.in_scope(scope).find(|d| d.is_default) {
        return d.id.clone();
    }
    let id = w.ids.id("dopt");
    let domain = if scope.region == "us-east-1" {
        "ec2.internal".to_string()
    } else {
        format!("{}.compute.internal", scope.region)
    };
    w.dhcp_options.insert(DhcpOptions {
        id: id.clone(),
        scope: scope.clone(),
        configurations: vec![
            ("domain-name".into(), vec![domain]),
            (
                "domain-name-servers".into(),
                vec!["AmazonProvidedDNS".into()],
            ),
        ],
        is_default: true,
    });
    id
}
