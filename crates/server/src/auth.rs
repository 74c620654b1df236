//! Who is calling: the account from the access key, the Region from the credential scope,
//! and SigV4 verification when a credentials file is configured.

use std::collections::BTreeMap;
use std::path::Path;

use openvpc_core::{ApiError, ErrorCode};
use openvpc_wire::sigv4::{self, HttpRequestParts};
use openvpc_wire::sts::Identity;

/// One configured access key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub secret: String,
    pub account: String,
    /// The principal the key belongs to (the account's root unless the line names one).
    pub identity: Identity,
    /// May call the admin endpoints (`/_openvpc/reset`, `/_openvpc/clock/advance`, …).
    pub admin: bool,
}

/// Access keys from `--credentials FILE`: `ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID`
/// a line, optionally followed by the principal's ARN (what `sts:GetCallerIdentity`
/// reports, e.g. `arn:aws:iam::ACCOUNT_ID:user/alice`; the root by default) and `admin`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Credentials {
    keys: BTreeMap<String, Key>,
}

impl Credentials {
    /// Parses the credentials file format (`#` starts a comment).
    pub fn parse(text: &str) -> Result<Self, String> {
        let mut keys = BTreeMap::new();
        for (n, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            let usage = || {
                format!(
                    "line {}: expected ACCESS_KEY_ID SECRET_ACCESS_KEY ACCOUNT_ID [PRINCIPAL_ARN] [admin]",
                    n + 1
                )
            };
            let (id, secret, account, rest) = match fields.as_slice() {
                [id, secret, account, rest @ ..] if rest.len() <= 2 => (id, secret, account, rest),
                _ => return Err(usage()),
            };
            let (principal, admin) = match rest {
                [] => (None, false),
                ["admin"] => (None, true),
                [arn] if arn.starts_with("arn:") => (Some(*arn), false),
                [arn, "admin"] if arn.starts_with("arn:") => (Some(*arn), true),
                _ => return Err(usage()),
            };
            if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
                return Err(format!("line {}: account id must be 12 digits", n + 1));
            }
            let identity = match principal {
                None => Identity::root(account),
                Some(arn) => {
                    Identity::principal(account, arn).map_err(|e| format!("line {}: {e}", n + 1))?
                }
            };
            keys.insert(
                id.to_string(),
                Key {
                    secret: secret.to_string(),
                    account: account.to_string(),
                    identity,
                    admin,
                },
            );
        }
        Ok(Credentials { keys })
    }

    /// Reads and parses a credentials file.
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// The resolved caller of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    pub account: String,
    /// The principal a credentials file names; none for the account's root user, made
    /// only when asked for (nearly every request is unauthenticated and asks nothing).
    principal: Option<Identity>,
    pub region: String,
    pub service: String,
}

impl Caller {
    /// The principal, as `sts:GetCallerIdentity` reports it.
    pub fn identity(&self) -> Identity {
        match &self.principal {
            Some(identity) => identity.clone(),
            None => Identity::root(&self.account),
        }
    }
}

/// Resolves the caller. Without credentials: any or no signature; the account is a
/// 12-digit key id or `default_account`. With credentials: a valid signature by a known key,
/// scoped to `service` (the signing name of the dialect the request is dispatched to).
///
/// `scope` is [`sigv4::credential_scope`] of `req`, parsed once per request by the caller.
pub fn resolve(
    req: &HttpRequestParts,
    scope: Result<Option<sigv4::CredentialScope>, sigv4::AuthError>,
    credentials: Option<&Credentials>,
    default_account: &str,
    default_region: &str,
    service: &str,
    now_unix_secs: i64,
) -> Result<Caller, ApiError> {
    let to_api = |e: sigv4::AuthError| ApiError::new(e.code, e.message);
    let scope = scope.map_err(to_api)?;
    let Some(creds) = credentials else {
        let caller = |account: String, region: String, service: String| Caller {
            principal: None,
            account,
            region,
            service,
        };
        return Ok(match scope {
            Some(s) => caller(
                if s.access_key_id.len() == 12
                    && s.access_key_id.bytes().all(|b| b.is_ascii_digit())
                {
                    s.access_key_id
                } else {
                    default_account.to_string()
                },
                s.region,
                s.service,
            ),
            None => caller(
                default_account.to_string(),
                default_region.to_string(),
                "ec2".to_string(),
            ),
        });
    };
    let Some(scope) = scope else {
        return Err(ApiError::new(ErrorCode::MissingAuthenticationToken,
            "The request must contain either a valid (registered) AWS access key ID or X.509 certificate.",
        ));
    };
    let key = known_key(creds, &scope.access_key_id)?;
    let scope = sigv4::verify(req, &key.secret, now_unix_secs, service).map_err(|e| {
        match e.code {
            // STS names a signature mismatch as such; EC2 and ELBv2 say AuthFailure.
            ErrorCode::AuthFailure if service == openvpc_wire::sts::SERVICE => {
                openvpc_wire::sts::signature_mismatch()
            }
            _ => to_api(e),
        }
    })?;
    Ok(Caller {
        account: key.account.clone(),
        principal: Some(key.identity.clone()),
        region: scope.region,
        service: scope.service,
    })
}

fn known_key<'c>(creds: &'c Credentials, id: &str) -> Result<&'c Key, ApiError> {
    creds.keys.get(id).ok_or_else(|| {
        ApiError::new(
            ErrorCode::AuthFailure,
            "AWS was not able to validate the provided access credentials",
        )
    })
}

/// The service name admin requests are signed for.
pub const ADMIN_SERVICE: &str = "openvpc";

/// Admits an admin request: anyone without credentials; with credentials, only a
/// request signed (for service `openvpc`) by a key the credentials file marks `admin`.
pub fn admin(
    req: &HttpRequestParts,
    credentials: Option<&Credentials>,
    now_unix_secs: i64,
) -> Result<(), ApiError> {
    let Some(creds) = credentials else {
        return Ok(());
    };
    let to_api = |e: sigv4::AuthError| ApiError::new(e.code, e.message);
    let scope = sigv4::credential_scope(req)
        .map_err(to_api)?
        .ok_or_else(|| {
            ApiError::new(
                ErrorCode::MissingAuthenticationToken,
                "The admin API requires a request signed by an admin key of the credentials file.",
            )
        })?;
    let key = known_key(creds, &scope.access_key_id)?;
    sigv4::verify(req, &key.secret, now_unix_secs, ADMIN_SERVICE).map_err(to_api)?;
    if !key.admin {
        return Err(ApiError::new(
            ErrorCode::UnauthorizedOperation,
            "You are not authorized to perform this operation: the key is not marked admin in the credentials file.",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_file_format() {
        let c = Credentials::parse(
            "# comment\nAKID1 secret1 111111111111\n\nAKID2 s2 222222222222 # x\n",
        )
        .unwrap();
        assert_eq!(c.keys.len(), 2);
        assert_eq!(c.keys["AKID2"].account, "222222222222");
        assert!(Credentials::parse("AKID secret").is_err());
        assert!(Credentials::parse("AKID secret 12").is_err());
        assert!(!c.keys["AKID1"].admin);
        let c = Credentials::parse("ROOT s 111111111111 admin").unwrap();
        assert!(c.keys["ROOT"].admin);
        assert!(Credentials::parse("ROOT s 111111111111 root").is_err());
        assert_eq!(
            c.keys["ROOT"].identity.arn,
            "arn:aws:iam::111111111111:root"
        );
        let c = Credentials::parse(
            "U s 111111111111 arn:aws:iam::111111111111:user/ops/alice admin\nV s 222222222222 arn:aws:sts::222222222222:assumed-role/deploy/ci",
        )
        .unwrap();
        assert!(c.keys["U"].admin);
        assert_eq!(
            c.keys["U"].identity.arn,
            "arn:aws:iam::111111111111:user/ops/alice"
        );
        assert!(c.keys["U"].identity.user_id.starts_with("AIDA"));
        assert!(c.keys["V"].identity.user_id.ends_with(":ci"));
        // The ARN must name the line's account.
        assert!(
            Credentials::parse("U s 111111111111 arn:aws:iam::222222222222:user/alice").is_err()
        );
        assert!(
            Credentials::parse("U s 111111111111 admin arn:aws:iam::111111111111:root").is_err()
        );
    }

    #[test]
    fn unsigned_requests_map_to_the_default_account_without_credentials() {
        let headers = vec![("host", "x".into())];
        let req = HttpRequestParts {
            method: "POST",
            path: "/",
            query: "",
            headers: &headers,
            body: b"",
        };
        let c = resolve(
            &req,
            sigv4::credential_scope(&req),
            None,
            "000000000000",
            "us-east-1",
            "ec2",
            0,
        )
        .unwrap();
        assert_eq!(c.account, "000000000000");
        assert_eq!(c.region, "us-east-1");
        let creds = Credentials::parse("AKID s 111111111111").unwrap();
        let e = resolve(
            &req,
            sigv4::credential_scope(&req),
            Some(&creds),
            "000000000000",
            "us-east-1",
            "ec2",
            0,
        )
        .unwrap_err();
        assert_eq!(e.code, "MissingAuthenticationToken");
    }
}
