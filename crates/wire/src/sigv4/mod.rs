//! AWS Signature Version 4 verification of incoming requests.
//!
//! Handles both the `Authorization` header form and presigned query strings,
//! for non-S3 services: the received (already encoded) path is normalized and
//! URI-encoded once more, and the query string is decoded with form semantics
//! (`+` is a space) and re-encoded, as the AWS SDKs do.
//!
//! The `host` header must be among [`HttpRequestParts::headers`] (for HTTP/2,
//! add it from the `:authority`).

mod canonical;
mod dates;
mod signed;
#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::fmt;

use hmac::{Hmac, Mac};
use openvpc_core::ErrorCode;
use sha2::{Digest, Sha256};

use canonical::canonical_request;
use dates::{format_amz_date, parse_amz_date, parse_http_date};
use signed::{parse, Signed};

type HmacSha256 = Hmac<Sha256>;

pub(crate) const ALGORITHM: &str = "AWS4-HMAC-SHA256";
pub(crate) const TERMINATOR: &str = "aws4_request";
/// Allowed distance between the request's timestamp and the server clock.
const MAX_SKEW_SECS: i128 = 15 * 60;
/// Longest `X-Amz-Expires` accepted for a presigned request (7 days).
pub(crate) const MAX_EXPIRES_SECS: u64 = 7 * 24 * 60 * 60;

/// A request as seen by the server, enough to recompute its signature.
#[derive(Debug, Clone)]
pub struct HttpRequestParts<'a> {
    /// `"POST"` / `"GET"`.
    pub method: &'a str,
    /// Raw path, e.g. `"/"`.
    pub path: &'a str,
    /// Raw query string without `?`, may be `""`.
    pub query: &'a str,
    /// Header names lower-case, values as received (borrowed from the request; owned only
    /// when a value is not UTF-8 and was read lossily).
    pub headers: &'a [(&'a str, Cow<'a, str>)],
    /// The request body.
    pub body: &'a [u8],
}

/// The credential scope a request claims: `<key>/<date>/<region>/<service>/aws4_request`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CredentialScope {
    /// The access key ID.
    pub access_key_id: String,
    /// `YYYYMMDD`.
    pub date: String,
    /// E.g. `us-west-2`.
    pub region: String,
    /// E.g. `ec2`.
    pub service: String,
}

/// Why authentication failed; `code` is the AWS error code, `message` its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthError {
    /// The AWS error code, e.g. `"AuthFailure"`.
    pub code: ErrorCode,
    /// Human-readable text.
    pub message: String,
}

impl AuthError {
    pub(crate) fn incomplete(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::IncompleteSignature,
            message: message.into(),
        }
    }

    fn missing() -> Self {
        Self {
            code: ErrorCode::MissingAuthenticationToken,
            message: "The request must contain either a valid (registered) AWS access key ID or X.509 certificate.".into(),
        }
    }

    pub(crate) fn failure() -> Self {
        Self {
            code: ErrorCode::AuthFailure,
            message: "AWS was not able to validate the provided access credentials".into(),
        }
    }

    fn expired() -> Self {
        Self {
            code: ErrorCode::RequestExpired,
            message: "Request has expired.".into(),
        }
    }
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for AuthError {}

/// Reads the credential scope from the `Authorization` header
/// (`AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`) or from
/// presigned query parameters (`X-Amz-Algorithm`, `X-Amz-Credential`,
/// `X-Amz-SignedHeaders`, `X-Amz-Signature`, `X-Amz-Date`).
///
/// Returns `Ok(None)` when the request carries no signature at all.
///
/// # Errors
/// `IncompleteSignature` when a signature is present but unparsable.
pub fn credential_scope(req: &HttpRequestParts) -> Result<Option<CredentialScope>, AuthError> {
    Ok(parse(req)?.map(|s| s.scope))
}

/// Verifies the request's signature with `secret_access_key` as AWS does for the
/// Query services (`ec2`, `elasticloadbalancing`, `sts`), returning the scope it was
/// signed for (the caller checks key and region).
///
/// `service` is the service the request is dispatched to: the credential scope must name
/// it. `host` must be among the signed headers. The payload hash is always the SHA-256 of
/// the body these services received (`UNSIGNED-PAYLOAD` is an S3 feature: a signature
/// over it does not match). `now_unix_secs` is the server's clock. Header-signed
/// requests must be within 15 minutes of it; presigned ones may also be up to
/// `X-Amz-Expires` seconds old.
///
/// # Errors
/// `MissingAuthenticationToken` (unsigned), `IncompleteSignature` (malformed, or `host`
/// not signed), `SignatureDoesNotMatch` (scoped to another service), `RequestExpired`
/// (outside the time window) or `AuthFailure` (mismatch).
pub fn verify(
    req: &HttpRequestParts,
    secret_access_key: &str,
    now_unix_secs: i64,
    service: &str,
) -> Result<CredentialScope, AuthError> {
    let signed = parse(req)?.ok_or_else(AuthError::missing)?;
    check_scope(&signed, service)?;
    let amz_date = format_amz_date(signed_time(&signed, now_unix_secs)?);
    let scope = &signed.scope;
    if !amz_date.starts_with(&scope.date) {
        return Err(AuthError::failure());
    }
    let string_to_sign = format!(
        "{ALGORITHM}\n{amz_date}\n{}/{}/{}/{TERMINATOR}\n{}",
        scope.date,
        scope.region,
        scope.service,
        hex::encode(Sha256::digest(canonical_request(req, &signed)?))
    );
    let mut key = format!("AWS4{secret_access_key}").into_bytes();
    for part in [&scope.date, &scope.region, &scope.service, TERMINATOR] {
        key = mac(&key, part).finalize().into_bytes().to_vec();
    }
    let provided = hex::decode(signed.signature.as_bytes()).map_err(|_| AuthError::failure())?;
    // `verify_slice` compares in constant time.
    mac(&key, &string_to_sign)
        .verify_slice(&provided)
        .map_err(|_| AuthError::failure())?;
    Ok(signed.scope)
}

/// `host` must be signed, and the scope must name the service the request goes to.
fn check_scope(signed: &Signed, service: &str) -> Result<(), AuthError> {
    if !signed
        .signed_headers
        .split(';')
        .any(|h| h.eq_ignore_ascii_case("host"))
    {
        return Err(AuthError::incomplete(
            "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
        ));
    }
    if signed.scope.service != service {
        return Err(AuthError {
            code: ErrorCode::SignatureDoesNotMatch,
            message: format!("Credential should be scoped to correct service: '{service}'. "),
        });
    }
    Ok(())
}

/// When the request was signed (Unix seconds), if within the window: 15 minutes either
/// side of `now`, or up to `X-Amz-Expires` old for a presigned request.
fn signed_time(signed: &Signed, now: i64) -> Result<i64, AuthError> {
    let timestamp = signed.timestamp.as_deref().ok_or_else(|| {
        AuthError::incomplete(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        )
    })?;
    let time = parse_amz_date(timestamp)
        .or_else(|| parse_http_date(timestamp))
        .ok_or_else(|| AuthError::incomplete("The request date is not in a valid format."))?;
    let age = i128::from(now) - i128::from(time);
    let max_age = signed.expires.map_or(MAX_SKEW_SECS, i128::from);
    if age < -MAX_SKEW_SECS || age > max_age {
        return Err(AuthError::expired());
    }
    Ok(time)
}

/// HMAC-SHA256 of `data` under `key`.
fn mac(key: &[u8], data: &str) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data.as_bytes());
    mac
}
