//! Which of the Query dialects served on the one endpoint a request speaks: EC2, ELBv2
//! (`<XxxResult>` envelopes, `member` lists, `ErrorResponse` errors) or STS. Decided from
//! the request alone, here, so the server only routes.

use openvpc_core::{ApiError, ErrorCode};

use crate::errors::{ec2_error, query_error};
use crate::params::Params;
use crate::sigv4;
use crate::{elbv2, ram, sts, Backend, Response};

/// A Query dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Ec2,
    Elbv2,
    Sts,
    /// Resource Access Manager: REST-JSON, see [`crate::ram`].
    Ram,
}

/// Every dialect served, with its SigV4 signing name and API version.
const SERVED: &[(Dialect, &str, &str)] = &[
    (Dialect::Ec2, "ec2", crate::EC2_VERSION),
    (Dialect::Elbv2, elbv2::SERVICE, elbv2::VERSION),
    (Dialect::Sts, sts::SERVICE, sts::VERSION),
    (Dialect::Ram, ram::SERVICE, ram::VERSION),
];

impl Dialect {
    /// A signed request speaks the dialect of the service it is signed for, and a request
    /// signed for a service openvpc does not serve is refused, naming the ones it serves.
    /// An unsigned (or unparseable) one speaks the dialect whose API `Version` it carries,
    /// else EC2.
    ///
    /// `scope` is the request's parsed credential scope ([`sigv4::credential_scope`]; `None`
    /// when unsigned or unparseable), parsed once per request by the caller.
    pub fn of(
        scope: Option<&sigv4::CredentialScope>,
        params: &Params,
    ) -> Result<Dialect, ApiError> {
        match scope {
            Some(scope) => SERVED
                .iter()
                .find(|(_, name, _)| *name == scope.service)
                .map(|(d, _, _)| *d)
                .ok_or_else(|| unserved(&scope.service)),
            None => Ok(SERVED
                .iter()
                .find(|(_, _, version)| params.peek("Version") == Some(*version))
                .map_or(Dialect::Ec2, |(d, _, _)| *d)),
        }
    }

    /// The SigV4 signing name of this dialect's service.
    pub fn signing_name(self) -> &'static str {
        SERVED
            .iter()
            .find(|(d, _, _)| *d == self)
            .map_or("ec2", |s| s.1)
    }

    /// The API version this dialect speaks.
    pub fn version(self) -> &'static str {
        SERVED
            .iter()
            .find(|(d, _, _)| *d == self)
            .map_or(crate::EC2_VERSION, |s| s.2)
    }

    /// The service's name in `NoSuchVersion` messages.
    pub fn service_name(self) -> &'static str {
        match self {
            Dialect::Ec2 => "AmazonEC2",
            Dialect::Elbv2 => "ElasticLoadBalancing",
            Dialect::Sts => "AWSSecurityTokenServiceV20110615",
            Dialect::Ram => "AmazonResourceSharing",
        }
    }

    /// Handles `action` in this dialect (EC2 and ELBv2; STS answers from the caller's
    /// identity, through [`sts::handle`], without a backend).
    pub fn handle(
        self,
        action: &str,
        params: &Params,
        backend: &mut dyn Backend,
        request_id: &str,
    ) -> Response {
        match self {
            Dialect::Ec2 => crate::handle(action, params, backend, request_id),
            Dialect::Elbv2 => elbv2::handle(action, params, backend, request_id),
            Dialect::Sts => sts::error_response(
                &ApiError::new(
                    ErrorCode::InternalError,
                    "STS requests are answered from the caller's identity.",
                ),
                request_id,
            ),
            // RAM speaks REST-JSON: routed by path through `ram::handle`, not by Action.
            Dialect::Ram => ram::handle(action, &[], backend),
        }
    }

    /// An error document in this dialect.
    pub fn error(self, err: &ApiError, request_id: &str) -> Response {
        match self {
            Dialect::Ec2 => ec2_error(err, request_id),
            Dialect::Elbv2 => elbv2::error_response(err, request_id),
            Dialect::Sts => sts::error_response(err, request_id),
            Dialect::Ram => ram::error_response(err),
        }
    }

    /// The content type of this dialect's documents.
    pub fn content_type(self) -> &'static str {
        match self {
            Dialect::Ram => "application/x-amz-json-1.1",
            _ => "text/xml;charset=UTF-8",
        }
    }
}

/// The refusal of a request signed for a service openvpc does not serve (`InvalidAction`,
/// 400: the action is not valid for this endpoint), naming the services it serves.
fn unserved(service: &str) -> ApiError {
    let names: Vec<String> = SERVED.iter().map(|(_, n, _)| format!("'{n}'")).collect();
    let (last, rest) = names.split_last().expect("services are served");
    ApiError::new(
        ErrorCode::InvalidAction,
        format!(
            "openvpc does not serve the service '{service}': this endpoint serves {} and {last}.",
            rest.join(", ")
        ),
    )
}

/// The error document for a request no dialect serves: the plain Query `ErrorResponse`.
pub fn unserved_error(err: &ApiError, request_id: &str) -> Response {
    query_error(None, err, request_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sigv4::HttpRequestParts;
    use std::borrow::Cow;

    fn signed_for(service: &str) -> Vec<(&'static str, Cow<'static, str>)> {
        vec![(
            "authorization",
            format!("AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/{service}/aws4_request, SignedHeaders=host, Signature=00").into(),
        )]
    }

    fn route(headers: &[(&str, Cow<str>)], body: &[u8]) -> Result<Dialect, ApiError> {
        let req = HttpRequestParts {
            method: "POST",
            path: "/",
            query: "",
            headers,
            body,
        };
        let scope = sigv4::credential_scope(&req).ok().flatten();
        Dialect::of(scope.as_ref(), &Params::parse(body))
    }

    #[test]
    fn signed_requests_route_by_their_signing_service() {
        assert_eq!(route(&signed_for("ec2"), b""), Ok(Dialect::Ec2));
        assert_eq!(
            route(&signed_for("elasticloadbalancing"), b""),
            Ok(Dialect::Elbv2)
        );
        assert_eq!(route(&signed_for("sts"), b""), Ok(Dialect::Sts));
        assert_eq!(route(&signed_for("ram"), b""), Ok(Dialect::Ram));
        let e = route(&signed_for("iam"), b"Action=GetUser").unwrap_err();
        assert_eq!(e.code, ErrorCode::InvalidAction);
        assert_eq!(
            e.message,
            "openvpc does not serve the service 'iam': this endpoint serves 'ec2', 'elasticloadbalancing', 'sts' and 'ram'."
        );
        let doc = unserved_error(&e, "rid");
        assert_eq!(doc.status, 400);
        assert!(doc
            .body
            .contains("<ErrorResponse><Error><Type>Sender</Type><Code>InvalidAction</Code>"));
    }

    #[test]
    fn unsigned_requests_route_by_version() {
        assert_eq!(route(&[], b"Version=2011-06-15"), Ok(Dialect::Sts));
        assert_eq!(route(&[], b"Version=2015-12-01"), Ok(Dialect::Elbv2));
        assert_eq!(route(&[], b"Version=2016-11-15"), Ok(Dialect::Ec2));
        assert_eq!(route(&[], b"Version=1999-01-01"), Ok(Dialect::Ec2));
        for d in [Dialect::Ec2, Dialect::Elbv2, Dialect::Sts] {
            assert_eq!(route(&signed_for(d.signing_name()), b""), Ok(d));
        }
    }
}
