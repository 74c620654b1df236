//! AWS error documents and the HTTP status of each error code (§4.3), and the plain Query
//! protocol's success envelope that ELBv2 and STS share.

use openvpc_core::{ApiError, ErrorCode};

use crate::xml::{escape, Xml};
use crate::Response;

/// The EC2 error document: `<Response><Errors><Error>…</Error></Errors><RequestID>`.
pub fn ec2_error(err: &ApiError, request_id: &str) -> Response {
    Response {
        status: err.code.http_status(),
        body: format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{}</Code><Message>{}</Message></Error></Errors><RequestID>{}</RequestID></Response>",
            escape(err.code.as_str()),
            escape(&err.message),
            escape(request_id)
        ),
    }
}

/// The plain Query error document ELBv2 and STS send (and the one for a service openvpc
/// does not serve, without a namespace):
/// `<ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>`.
/// `Type` is `Receiver` for 5xx, else `Sender`.
pub fn query_error(namespace: Option<&str>, err: &ApiError, request_id: &str) -> Response {
    let status = err.code.http_status();
    let kind = if status >= 500 { "Receiver" } else { "Sender" };
    let xmlns = namespace.map_or(String::new(), |ns| format!(" xmlns=\"{ns}\""));
    Response {
        status,
        body: format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse{xmlns}><Error><Type>{kind}</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>{}</RequestId></ErrorResponse>",
            escape(err.code.as_str()),
            escape(&err.message),
            escape(request_id)
        ),
    }
}

/// The plain Query success document ELBv2 and STS send:
/// `<{action}Response xmlns><{action}Result>…</…><ResponseMetadata><RequestId/>…`.
pub fn query_result(namespace: &str, action: &str, result: &Xml, request_id: &str) -> Response {
    Response {
        status: 200,
        body: format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<{action}Response xmlns=\"{namespace}\"><{action}Result>{}</{action}Result><ResponseMetadata><RequestId>{}</RequestId></ResponseMetadata></{action}Response>",
            result.as_str(),
            escape(request_id)
        ),
    }
}

/// `DryRunOperation`: the request would have succeeded.
pub fn dry_run_ok() -> ApiError {
    ApiError::new(
        ErrorCode::DryRunOperation,
        "Request would have succeeded, but DryRun flag is set.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_document_shape() {
        let r = ec2_error(
            &ApiError::new(ErrorCode::InvalidVpcIDNotFound, "x <y>"),
            "rid",
        );
        assert_eq!(r.status, 400);
        assert!(r
            .body
            .contains("<Code>InvalidVpcID.NotFound</Code><Message>x &lt;y&gt;</Message>"));
        assert!(r.body.ends_with("<RequestID>rid</RequestID></Response>"));
        assert_eq!(r.status, ErrorCode::InvalidVpcIDNotFound.http_status());
    }
}
