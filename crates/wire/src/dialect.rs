//! Which of the Query dialects served on the one endpoint a request speaks: EC2, or ELBv2
//! (`<XxxResult>` envelopes, `member` lists, `ErrorResponse` errors). Decided from the
//! request alone, here, so the server only routes.

use openvpc_core::ApiError;

use crate::errors::ec2_error;
use crate::params::Params;
use crate::sigv4::{self, HttpRequestParts};
use crate::{elbv2, Backend, Response};

/// A Query dialect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Ec2,
    Elbv2,
}

impl Dialect {
    /// A signed request speaks the dialect of the service it is signed for; an unsigned (or
    /// unparseable) one is ELBv2 when it carries ELBv2's API `Version`, else EC2.
    pub fn of(req: &HttpRequestParts, params: &Params) -> Dialect {
        match sigv4::credential_scope(req) {
            Ok(Some(scope)) if scope.service == elbv2::SERVICE => Dialect::Elbv2,
            Ok(Some(_)) => Dialect::Ec2,
            _ if params.peek("Version") == Some(elbv2::VERSION) => Dialect::Elbv2,
            _ => Dialect::Ec2,
        }
    }

    /// Handles `action` in this dialect.
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
        }
    }

    /// An error document in this dialect.
    pub fn error(self, err: &ApiError, request_id: &str) -> Response {
        match self {
            Dialect::Ec2 => ec2_error(err, request_id),
            Dialect::Elbv2 => elbv2::error_response(err, request_id),
        }
    }
}
