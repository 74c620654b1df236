//! The STS Query wire (API version 2011-06-15, spec §11): `GetCallerIdentity`, served on
//! the EC2 endpoint and chosen by the SigV4 service name `sts` (unsigned requests: by
//! `Version=2011-06-15`). STS answers from the caller's identity alone, never from the
//! world. Errors are STS's own `ErrorResponse` documents.

use openvpc_core::{ApiError, ErrorCode, Result};

use crate::errors::{query_error, query_result};
use crate::params::Params;
use crate::xml::Xml;
use crate::Response;

/// The STS API version.
pub const VERSION: &str = "2011-06-15";
/// The STS XML namespace (https, with the trailing slash: §11.2).
pub const NAMESPACE: &str = "https://sts.amazonaws.com/doc/2011-06-15/";
/// The SigV4 service name that selects this wire.
pub const SERVICE: &str = "sts";

/// Names of every implemented STS action.
pub const ACTIONS: &[&str] = &["GetCallerIdentity"];

/// Who signed a request, as STS reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The 12-digit account id.
    pub account: String,
    /// The principal's ARN.
    pub arn: String,
    /// The principal's unique id (`AIDA…` for a user, the account id for the root).
    pub user_id: String,
}

impl Identity {
    /// The account's root user: `arn:aws:iam::<account>:root`.
    pub fn root(account: &str) -> Identity {
        // Built by hand: every request's caller gets one.
        let mut arn = String::with_capacity(account.len() + 18);
        arn.push_str("arn:aws:iam::");
        arn.push_str(account);
        arn.push_str(":root");
        Identity {
            account: account.to_string(),
            arn,
            user_id: account.to_string(),
        }
    }

    /// The principal `arn` of `account` (a credentials-file line may name one): the root,
    /// an IAM user (`arn:aws:iam::<account>:user/<path/><name>`), an assumed role
    /// (`arn:aws:sts::<account>:assumed-role/<role>/<session>`) or a federated user
    /// (`arn:aws:sts::<account>:federated-user/<name>`), with the unique id AWS would give
    /// it (§11.2), derived from the ARN so it is stable.
    pub fn principal(account: &str, arn: &str) -> std::result::Result<Identity, String> {
        let bad = || {
            format!(
                "principal `{arn}`: expected arn:aws:iam::{account}:root, arn:aws:iam::{account}:user/NAME, \
                 arn:aws:sts::{account}:assumed-role/ROLE/SESSION or arn:aws:sts::{account}:federated-user/NAME"
            )
        };
        let (service, resource) = match arn.split(':').collect::<Vec<_>>().as_slice() {
            ["arn", "aws", service, "", acct, resource] if *acct == account => {
                (*service, *resource)
            }
            _ => return Err(bad()),
        };
        let name_ok = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+=,.@_-/".contains(&b))
        };
        let user_id = match (service, resource.split_once('/')) {
            ("iam", None) if resource == "root" => account.to_string(),
            ("iam", Some(("user", name))) if name_ok(name) && !name.ends_with('/') => {
                unique_id("AIDA", arn)
            }
            ("sts", Some(("assumed-role", rest))) => match rest.split_once('/') {
                Some((role, session)) if name_ok(role) && name_ok(session) => {
                    let role_arn = format!("arn:aws:iam::{account}:role/{role}");
                    format!("{}:{session}", unique_id("AROA", &role_arn))
                }
                _ => return Err(bad()),
            },
            ("sts", Some(("federated-user", name))) if name_ok(name) => {
                format!("{account}:{name}")
            }
            _ => return Err(bad()),
        };
        Ok(Identity {
            account: account.to_string(),
            arn: arn.to_string(),
            user_id,
        })
    }
}

/// An IAM unique id: the kind's prefix and 17 upper-case base-32 characters derived
/// from `seed` (FNV-1a), 21 characters in all as AWS's are.
fn unique_id(prefix: &str, seed: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    let mut h = seed.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let mut out = String::from(prefix);
    for _ in 0..17 {
        h = h
            .wrapping_mul(0x5851_f42d_4c95_7f2d)
            .wrapping_add(0x1405_7b7e_f767_814f);
        out.push(ALPHABET[(h >> 59) as usize] as char);
    }
    out
}

/// Handles one STS request for `identity`.
pub fn handle(action: &str, params: &Params, identity: &Identity, request_id: &str) -> Response {
    let result = match action {
        "GetCallerIdentity" => get_caller_identity(params, identity),
        _ => Err(ApiError::new(
            ErrorCode::InvalidAction,
            format!("Could not find operation {action} for version {VERSION}"),
        )),
    };
    match result {
        Ok(body) => query_result(NAMESPACE, action, &body, request_id),
        Err(e) => error_response(&e, request_id),
    }
}

fn get_caller_identity(params: &Params, identity: &Identity) -> Result<Xml> {
    params.finish()?;
    let mut x = Xml::new();
    x.leaf("Arn", &identity.arn)
        .leaf("UserId", &identity.user_id)
        .leaf("Account", &identity.account);
    Ok(x)
}

/// A signature that does not match, in STS's words (§11.3; EC2 says `AuthFailure`).
pub fn signature_mismatch() -> ApiError {
    ApiError::new(
        ErrorCode::SignatureDoesNotMatch,
        "The request signature we calculated does not match the signature you provided. \
         Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    )
}

/// STS's error document (§11.3). Authentication failures take STS's codes, messages and
/// statuses: an unknown key is `InvalidClientTokenId`, a missing signature
/// `MissingAuthenticationToken`, both 403.
pub fn error_response(err: &ApiError, request_id: &str) -> Response {
    let translated = match err.code {
        ErrorCode::AuthFailure => Some((
            ErrorCode::InvalidClientTokenId,
            "The security token included in the request is invalid",
        )),
        ErrorCode::MissingAuthenticationToken => Some((
            ErrorCode::MissingAuthenticationToken,
            "Request is missing Authentication Token",
        )),
        ErrorCode::InternalError => Some((ErrorCode::InternalFailure, err.message.as_str())),
        _ => None,
    };
    match translated {
        Some((code, message)) => {
            let mut r = query_error(Some(NAMESPACE), &ApiError::new(code, message), request_id);
            if code == ErrorCode::MissingAuthenticationToken {
                r.status = 403;
            }
            r
        }
        None => query_error(Some(NAMESPACE), err, request_id),
    }
}

#[cfg(test)]
mod tests;
