//! AWS Signature Version 4 verification of incoming requests.
//!
//! Handles both the `Authorization` header form and presigned query strings,
//! for non-S3 services: the received (already encoded) path is normalized and
//! URI-encoded once more, and the query string is decoded with form semantics
//! (`+` is a space) and re-encoded, as the AWS SDKs do.
//!
//! The `host` header must be among [`HttpRequestParts::headers`] (for HTTP/2,
//! add it from the `:authority`).

use std::fmt::{self, Write as _};

use hmac::{Hmac, Mac};
use openvpc_core::ErrorCode;
use percent_encoding::{percent_decode_str, percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

type HmacSha256 = Hmac<Sha256>;

const ALGORITHM: &str = "AWS4-HMAC-SHA256";
const TERMINATOR: &str = "aws4_request";
/// Allowed distance between the request's timestamp and the server clock.
const MAX_SKEW_SECS: i128 = 15 * 60;
/// Longest `X-Amz-Expires` accepted for a presigned request (7 days).
const MAX_EXPIRES_SECS: u64 = 7 * 24 * 60 * 60;

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Bytes kept as-is by SigV4 URI encoding: `A-Z a-z 0-9 - _ . ~`.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');
/// As [`UNRESERVED`], plus the path separator.
const PATH: &AsciiSet = &UNRESERVED.remove(b'/');

/// A request as seen by the server, enough to recompute its signature.
#[derive(Debug, Clone)]
pub struct HttpRequestParts<'a> {
    /// `"POST"` / `"GET"`.
    pub method: &'a str,
    /// Raw path, e.g. `"/"`.
    pub path: &'a str,
    /// Raw query string without `?`, may be `""`.
    pub query: &'a str,
    /// Header names lower-case, values as received.
    pub headers: &'a [(String, String)],
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
    fn incomplete(message: impl Into<String>) -> Self {
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

    fn failure() -> Self {
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
    let timestamp = signed.timestamp.as_deref().ok_or_else(|| {
        AuthError::incomplete(
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
        )
    })?;
    let time = parse_amz_date(timestamp)
        .or_else(|| parse_http_date(timestamp))
        .ok_or_else(|| AuthError::incomplete("The request date is not in a valid format."))?;

    let age = i128::from(now_unix_secs) - i128::from(time);
    let max_age = match signed.expires {
        Some(expires) => i128::from(expires),
        None => MAX_SKEW_SECS,
    };
    if age < -MAX_SKEW_SECS || age > max_age {
        return Err(AuthError::expired());
    }

    let amz_date = format_amz_date(time);
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
    let provided = hex::decode(&signed.signature).map_err(|_| AuthError::failure())?;
    // `verify_slice` compares in constant time.
    mac(&key, &string_to_sign)
        .verify_slice(&provided)
        .map_err(|_| AuthError::failure())?;
    Ok(signed.scope)
}

/// The signature fields a request carries.
struct Signed {
    scope: CredentialScope,
    signed_headers: String,
    signature: String,
    /// `X-Amz-Date` (or `Date`) as sent.
    timestamp: Option<String>,
    /// Whether the signature came in the query string.
    presigned: bool,
    /// `X-Amz-Expires` of a presigned request.
    expires: Option<u64>,
}

/// Finds the signature in the `Authorization` header or, failing that, the query.
fn parse(req: &HttpRequestParts) -> Result<Option<Signed>, AuthError> {
    if let Some(auth) = header(req, "authorization") {
        let (algorithm, params) = auth.trim().split_once(' ').unwrap_or((auth.trim(), ""));
        if algorithm != ALGORITHM {
            return Err(AuthError::incomplete(format!(
                "Unsupported Authorization type; expected {ALGORITHM}."
            )));
        }
        let field = |name: &str| {
            params
                .split(',')
                .filter_map(|p| p.trim().split_once('='))
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.trim().to_string())
                .ok_or_else(|| {
                    AuthError::incomplete(format!(
                        "Authorization header requires '{name}' parameter."
                    ))
                })
        };
        let scope = parse_credential(&field("Credential")?)?;
        return Ok(Some(Signed {
            scope,
            signed_headers: check_signed_headers(field("SignedHeaders")?)?,
            signature: field("Signature")?,
            timestamp: header(req, "x-amz-date")
                .or_else(|| header(req, "date"))
                .map(str::to_string),
            presigned: false,
            expires: None,
        }));
    }

    let params = query_pairs(req.query);
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name.as_bytes())
            .map(|(_, v)| String::from_utf8_lossy(v).into_owned())
    };
    let names = [
        "X-Amz-Algorithm",
        "X-Amz-Credential",
        "X-Amz-SignedHeaders",
        "X-Amz-Signature",
        "X-Amz-Date",
    ];
    let [algorithm, credential, signed_headers, signature, date] = names.map(get);
    if [&algorithm, &credential, &signed_headers, &signature, &date]
        .iter()
        .all(|v| v.is_none())
    {
        return Ok(None);
    }
    let required = |value: Option<String>, name: &str| {
        value.ok_or_else(|| {
            AuthError::incomplete(format!(
                "Query-string authentication requires the {name} parameter."
            ))
        })
    };
    if required(algorithm, names[0])? != ALGORITHM {
        return Err(AuthError::incomplete(format!(
            "X-Amz-Algorithm only supports \"{ALGORITHM}\"."
        )));
    }
    let expires = match get("X-Amz-Expires") {
        None => None,
        Some(v) => match v.parse::<u64>() {
            Ok(secs) if secs <= MAX_EXPIRES_SECS => Some(secs),
            _ => {
                return Err(AuthError::incomplete(
                    "X-Amz-Expires must be a number of seconds of at most 604800.",
                ))
            }
        },
    };
    Ok(Some(Signed {
        scope: parse_credential(&required(credential, names[1])?)?,
        signed_headers: check_signed_headers(required(signed_headers, names[2])?)?,
        signature: required(signature, names[3])?,
        timestamp: Some(required(date, names[4])?),
        presigned: true,
        expires,
    }))
}

/// Parses `<key>/<YYYYMMDD>/<region>/<service>/aws4_request`.
fn parse_credential(credential: &str) -> Result<CredentialScope, AuthError> {
    match credential.split('/').collect::<Vec<_>>()[..] {
        [key, date, region, service, TERMINATOR]
            if !key.is_empty()
                && date.len() == 8
                && date.bytes().all(|b| b.is_ascii_digit())
                && !region.is_empty()
                && !service.is_empty() =>
        {
            Ok(CredentialScope {
                access_key_id: key.to_string(),
                date: date.to_string(),
                region: region.to_string(),
                service: service.to_string(),
            })
        }
        _ => Err(AuthError::incomplete(
            "Credential must have the form <access key>/<YYYYMMDD>/<region>/<service>/aws4_request.",
        )),
    }
}

/// Rejects a `SignedHeaders` list with an empty name.
fn check_signed_headers(list: String) -> Result<String, AuthError> {
    if list.split(';').any(str::is_empty) {
        return Err(AuthError::incomplete(
            "SignedHeaders contains an empty name.",
        ));
    }
    Ok(list)
}

/// Builds the canonical request the client must have signed.
fn canonical_request(req: &HttpRequestParts, signed: &Signed) -> Result<String, AuthError> {
    let mut headers = String::new();
    for name in signed.signed_headers.split(';') {
        let values: Vec<String> = req
            .headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.split_ascii_whitespace().collect::<Vec<_>>().join(" "))
            .collect();
        let _ = writeln!(headers, "{name}:{}", values.join(","));
    }

    let payload_hash = hex::encode(Sha256::digest(req.body));
    // A declared digest must match the body it claims to cover.
    if let Some(declared) = header(req, "x-amz-content-sha256").map(str::trim) {
        if !declared.eq_ignore_ascii_case(&payload_hash) {
            return Err(AuthError::failure());
        }
    }

    Ok(format!(
        "{}\n{}\n{}\n{headers}\n{}\n{payload_hash}",
        req.method,
        canonical_uri(req.path),
        canonical_query(req.query, signed.presigned),
        signed.signed_headers,
    ))
}

/// Removes `.`/`..` and empty segments from the raw path, then URI-encodes it
/// once more (so `%20` becomes `%2520`); `"/"` when empty.
fn canonical_uri(path: &str) -> String {
    let mut segments = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    let mut uri = format!("/{}", segments.join("/"));
    if path.ends_with('/') && !segments.is_empty() {
        uri.push('/');
    }
    percent_encode(uri.as_bytes(), PATH).to_string()
}

/// Decodes the query's `key=value` pairs (form semantics: `+` is a space).
fn query_pairs(query: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
    let decode = |s: &str| percent_decode_str(&s.replace('+', " ")).collect::<Vec<u8>>();
    query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (decode(key), decode(value))
        })
        .collect()
}

/// Re-encodes the query pairs and sorts them by key, then value; a presigned
/// request's `X-Amz-Signature` is left out.
fn canonical_query(query: &str, presigned: bool) -> String {
    let mut pairs: Vec<(String, String)> = query_pairs(query)
        .into_iter()
        .filter(|(key, _)| !(presigned && key == b"X-Amz-Signature"))
        .map(|(key, value)| {
            (
                percent_encode(&key, UNRESERVED).to_string(),
                percent_encode(&value, UNRESERVED).to_string(),
            )
        })
        .collect();
    pairs.sort();
    let pairs: Vec<String> = pairs.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.join("&")
}

/// The first value of a header, by case-insensitive name.
fn header<'a>(req: &HttpRequestParts<'a>, name: &str) -> Option<&'a str> {
    req.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// HMAC-SHA256 of `data` under `key`.
fn mac(key: &[u8], data: &str) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data.as_bytes());
    mac
}

/// Parses SigV4's `YYYYMMDD'T'HHMMSS'Z'` into Unix seconds.
fn parse_amz_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
        return None;
    }
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = s.get(range)?;
        digits
            .bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| digits.parse().ok())?
    };
    unix_time(
        num(0..4)?,
        num(4..6)?,
        num(6..8)?,
        num(9..11)?,
        num(11..13)?,
        num(13..15)?,
    )
}

/// Parses an HTTP `Date` such as `Tue, 02 Jan 2024 03:04:05 GMT` (the weekday
/// is optional; the zone may be `GMT`, `UT`, `UTC`, `Z` or `±hhmm`).
fn parse_http_date(s: &str) -> Option<i64> {
    let mut parts: Vec<&str> = s.split_ascii_whitespace().collect();
    if parts.first()?.ends_with(',') {
        parts.remove(0);
    }
    let [day, month, year, time, zone] = parts[..] else {
        return None;
    };
    let number = |s: &str| -> Option<i64> {
        (!s.is_empty() && s.len() <= 4 && s.bytes().all(|c| c.is_ascii_digit()))
            .then(|| s.parse().ok())?
    };
    let month = (1..)
        .zip(MONTHS)
        .find(|(_, m)| m.eq_ignore_ascii_case(month))?
        .0;
    let [hour, minute, second] = time.split(':').collect::<Vec<_>>()[..] else {
        return None;
    };
    let offset = match zone {
        "GMT" | "UT" | "UTC" | "Z" => 0,
        _ => {
            let sign = match zone.get(..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let hhmm = zone.get(1..).filter(|z| z.len() == 4).and_then(number)?;
            sign * (hhmm / 100 * 3600 + hhmm % 100 * 60)
        }
    };
    let local = unix_time(
        number(year)?,
        month,
        number(day)?,
        number(hour)?,
        number(minute)?,
        number(second)?,
    )?;
    Some(local - offset)
}

/// Seconds since the Unix epoch of a UTC civil time, if it is valid.
fn unix_time(year: i64, month: i64, day: i64, hour: i64, min: i64, sec: i64) -> Option<i64> {
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let month_days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    if !(1..=month_days).contains(&day) || hour > 23 || min > 59 || sec > 60 {
        return None;
    }
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + min * 60 + sec)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Formats Unix seconds as `YYYYMMDD'T'HHMMSS'Z'`.
fn format_amz_date(secs: i64) -> String {
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}T{:02}{:02}{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    //! Vectors were produced by botocore 1.43 (`SigV4Auth` / `SigV4QueryAuth`)
    //! at a frozen clock, plus the aws-sig-v4-test-suite `get-vanilla` case.
    use super::*;
    use proptest::prelude::*;

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    /// 2024-01-02T03:04:05Z, when the botocore vectors were signed.
    const T: i64 = 1_704_164_645;
    const MIN: i64 = 60;
    const HOST: &str = "127.0.0.1:4566";
    const FORM_TYPE: &str = "application/x-www-form-urlencoded; charset=utf-8";
    const FORM_BODY: &[u8] = b"Action=DescribeVpcs&Version=2016-11-15";
    const POST_AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-west-2/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=f604ca376e6a85aa2be7c2e3841057186ee39713acb1b911ce7bd75e790cb49b";
    const GET_QUERY: &str = "Version=2016-11-15&Action=DescribeVpcs&VpcId.1=vpc-12345678&Filter.1.Name=tag%3AName&Filter.1.Value.1=a%20b%2Fc~";
    const GET_AUTH: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-west-2/ec2/aws4_request, SignedHeaders=host;x-amz-date, Signature=c67145446533660209a8a9f6264e3464db096b82315c211440b3430b99e64df9";
    const PRESIGNED_QUERY: &str = "Action=DescribeVpcs&Version=2016-11-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20240102%2Fus-west-2%2Fec2%2Faws4_request&X-Amz-Date=20240102T030405Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature=0f455230eddc0178e75eb86607187131c97dcb9d8f388d42d06410490d055f4f";

    fn headers(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn req<'a>(
        method: &'a str,
        query: &'a str,
        headers: &'a [(String, String)],
        body: &'a [u8],
    ) -> HttpRequestParts<'a> {
        HttpRequestParts {
            method,
            path: "/",
            query,
            headers,
            body,
        }
    }

    fn post_headers(auth: &str) -> Vec<(String, String)> {
        headers(&[
            ("content-type", FORM_TYPE),
            ("x-amz-date", "20240102T030405Z"),
            ("authorization", auth),
            ("content-length", "38"),
            ("host", HOST),
        ])
    }

    fn ec2_scope(date: &str) -> CredentialScope {
        CredentialScope {
            access_key_id: "AKIDEXAMPLE".into(),
            date: date.into(),
            region: "us-west-2".into(),
            service: "ec2".into(),
        }
    }

    fn code(result: Result<CredentialScope, AuthError>) -> &'static str {
        result.expect_err("verification should fail").code.as_str()
    }

    #[test]
    fn post_form_verifies() {
        let h = post_headers(POST_AUTH);
        let r = req("POST", "", &h, FORM_BODY);
        assert_eq!(verify(&r, SECRET, T, "ec2"), Ok(ec2_scope("20240102")));
        assert_eq!(credential_scope(&r), Ok(Some(ec2_scope("20240102"))));
        // Header names are matched case-insensitively.
        let mut upper = h.clone();
        upper.iter_mut().for_each(|(k, _)| *k = k.to_uppercase());
        assert!(verify(&req("POST", "", &upper, FORM_BODY), SECRET, T, "ec2").is_ok());
    }

    #[test]
    fn wrong_secret_or_tampering_fails() {
        let h = post_headers(POST_AUTH);
        let r = req("POST", "", &h, FORM_BODY);
        let failure = verify(&r, "wrong", T, "ec2").unwrap_err();
        assert_eq!(failure.code, "AuthFailure");
        assert_eq!(
            failure.message,
            "AWS was not able to validate the provided access credentials"
        );
        let tampered = b"Action=DeleteVpc&Version=2016-11-15";
        assert_eq!(
            code(verify(&req("POST", "", &h, tampered), SECRET, T, "ec2")),
            "AuthFailure"
        );
        assert_eq!(
            code(verify(&req("GET", "", &h, FORM_BODY), SECRET, T, "ec2")),
            "AuthFailure"
        );
        assert_eq!(
            code(verify(&req("POST", "a=b", &h, FORM_BODY), SECRET, T, "ec2")),
            "AuthFailure"
        );
        let mut other_host = h.clone();
        other_host[4].1 = "127.0.0.1:4567".into();
        assert_eq!(
            code(verify(
                &req("POST", "", &other_host, FORM_BODY),
                SECRET,
                T,
                "ec2"
            )),
            "AuthFailure"
        );
        for sig in ["0".repeat(64), "zz".into(), String::new()] {
            let auth = POST_AUTH.replace(&POST_AUTH[POST_AUTH.len() - 64..], &sig);
            let h = post_headers(&auth);
            assert_eq!(
                code(verify(&req("POST", "", &h, FORM_BODY), SECRET, T, "ec2")),
                "AuthFailure"
            );
        }
    }

    #[test]
    fn clock_skew_beyond_15_minutes_expires() {
        let h = post_headers(POST_AUTH);
        let r = req("POST", "", &h, FORM_BODY);
        for now in [T - 14 * MIN, T + 14 * MIN] {
            assert!(verify(&r, SECRET, now, "ec2").is_ok());
        }
        for now in [T - 20 * MIN, T + 20 * MIN, i64::MIN, i64::MAX] {
            let err = verify(&r, SECRET, now, "ec2").unwrap_err();
            assert_eq!(err, AuthError::expired());
            assert_eq!(err.message, "Request has expired.");
        }
    }

    #[test]
    fn get_with_query_verifies_in_any_order_and_encoding() {
        let h = headers(&[
            ("x-amz-date", "20240102T030405Z"),
            ("authorization", GET_AUTH),
            ("host", HOST),
        ]);
        assert!(verify(&req("GET", GET_QUERY, &h, b""), SECRET, T, "ec2").is_ok());
        // Same parameters, reordered and with `+`/unescaped `:`.
        let reordered = "Filter.1.Value.1=a+b%2fc%7E&Filter.1.Name=tag:Name&VpcId.1=vpc-12345678&Action=DescribeVpcs&Version=2016-11-15";
        assert!(verify(&req("GET", reordered, &h, b""), SECRET, T, "ec2").is_ok());
        let tampered = GET_QUERY.replace("vpc-12345678", "vpc-87654321");
        assert_eq!(
            code(verify(&req("GET", &tampered, &h, b""), SECRET, T, "ec2")),
            "AuthFailure"
        );
    }

    #[test]
    fn date_header_fallback_verifies() {
        let h = headers(&[
            ("content-type", FORM_TYPE),
            ("date", "Tue, 02 Jan 2024 03:04:05 -0000"),
            ("authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-west-2/ec2/aws4_request, SignedHeaders=content-type;date;host, Signature=bdb5caf5ffe239133318b8bcd7918f1505d8d70a403ac658a2c43b2c215902de"),
            ("host", HOST),
        ]);
        assert!(verify(&req("POST", "", &h, FORM_BODY), SECRET, T, "ec2").is_ok());
        assert_eq!(
            code(verify(
                &req("POST", "", &h, FORM_BODY),
                SECRET,
                T + 20 * MIN,
                "ec2"
            )),
            "RequestExpired"
        );
    }

    #[test]
    fn presigned_query_verifies_until_it_expires() {
        let h = headers(&[("host", HOST)]);
        let r = req("GET", PRESIGNED_QUERY, &h, b"");
        assert_eq!(credential_scope(&r), Ok(Some(ec2_scope("20240102"))));
        assert_eq!(
            verify(&r, SECRET, T + 4 * MIN, "ec2"),
            Ok(ec2_scope("20240102"))
        );
        // X-Amz-Expires=300.
        assert_eq!(
            code(verify(&r, SECRET, T + 6 * MIN, "ec2")),
            "RequestExpired"
        );
        assert_eq!(
            code(verify(&r, SECRET, T - 20 * MIN, "ec2")),
            "RequestExpired"
        );
        assert_eq!(code(verify(&r, "wrong", T, "ec2")), "AuthFailure");
        let tampered = PRESIGNED_QUERY.replace("DescribeVpcs", "DeleteVpc");
        assert_eq!(
            code(verify(&req("GET", &tampered, &h, b""), SECRET, T, "ec2")),
            "AuthFailure"
        );
        let long = PRESIGNED_QUERY.replace("X-Amz-Expires=300", "X-Amz-Expires=604801");
        assert_eq!(
            code(verify(&req("GET", &long, &h, b""), SECRET, T, "ec2")),
            "IncompleteSignature"
        );
    }

    #[test]
    fn aws_test_suite_get_vanilla() {
        let h = headers(&[
            ("host", "example.amazonaws.com"),
            ("x-amz-date", "20150830T123600Z"),
            ("authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"),
        ]);
        let scope = verify(&req("GET", "", &h, b""), SECRET, 1_440_938_160, "service").unwrap();
        assert_eq!(
            (scope.region.as_str(), scope.service.as_str()),
            ("us-east-1", "service")
        );
    }

    #[test]
    fn unsigned_payload_is_refused_and_paths_normalise() {
        let h = headers(&[
            ("content-type", FORM_TYPE),
            ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
            ("x-custom", "  a   b\tc  "),
            ("x-amz-date", "20240102T030405Z"),
            ("x-amz-security-token", "TOKEN/+="),
            ("authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-west-2/ec2/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-custom, Signature=aaa34bbb766f401b902cc34789331d671392d7c3afc05de2faa76c7d3aabb5a7"),
            ("host", HOST),
        ]);
        let mut r = req("POST", "", &h, FORM_BODY);
        r.path = "/a%20b/./c//d/";
        // Signed over `UNSIGNED-PAYLOAD`: these services hash the body they received.
        assert_eq!(code(verify(&r, SECRET, T, "ec2")), "AuthFailure");

        assert_eq!(canonical_uri(""), "/");
        assert_eq!(canonical_uri("/"), "/");
        assert_eq!(canonical_uri("/a%20b/./c//d/"), "/a%2520b/c/d/");
        assert_eq!(canonical_uri("/a/../../b c"), "/b%20c");
    }

    #[test]
    fn host_must_be_signed_and_the_scope_must_name_the_service() {
        let unsigned_host =
            POST_AUTH.replace("content-type;host;x-amz-date", "content-type;x-amz-date");
        let h = post_headers(&unsigned_host);
        let e = verify(&req("POST", "", &h, FORM_BODY), SECRET, T, "ec2").unwrap_err();
        assert_eq!(e.code, "IncompleteSignature");
        assert!(e.message.contains("'Host'"), "{}", e.message);
        let h = post_headers(POST_AUTH);
        let e = verify(
            &req("POST", "", &h, FORM_BODY),
            SECRET,
            T,
            "elasticloadbalancing",
        )
        .unwrap_err();
        assert_eq!(e.code, "SignatureDoesNotMatch");
        assert_eq!(
            e.message,
            "Credential should be scoped to correct service: 'elasticloadbalancing'. "
        );
    }

    #[test]
    fn declared_payload_hash_must_match_body() {
        let mut h = post_headers(POST_AUTH);
        h.push(("x-amz-content-sha256".into(), "0".repeat(64)));
        assert_eq!(
            code(verify(&req("POST", "", &h, FORM_BODY), SECRET, T, "ec2")),
            "AuthFailure"
        );
    }

    #[test]
    fn unsigned_request_is_missing_token() {
        let h = headers(&[("host", HOST)]);
        let r = req("GET", "Action=DescribeVpcs&Version=2016-11-15", &h, b"");
        assert_eq!(credential_scope(&r), Ok(None));
        let err = verify(&r, SECRET, T, "ec2").unwrap_err();
        assert_eq!(err.code, "MissingAuthenticationToken");
        assert_eq!(
            err.message,
            "The request must contain either a valid (registered) AWS access key ID or X.509 certificate."
        );
    }

    #[test]
    fn malformed_signatures_are_incomplete() {
        let bad_headers = [
            "Basic dXNlcjpwYXNz",
            "AWS4-HMAC-SHA256",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-west-2/ec2, SignedHeaders=host, Signature=00",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/2024012/us-west-2/ec2/aws4_request, SignedHeaders=host, Signature=00",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-west-2/ec2/aws4_request, Signature=00",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-west-2/ec2/aws4_request, SignedHeaders=host",
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-west-2/ec2/aws4_request, SignedHeaders=host;;x-amz-date, Signature=00",
        ];
        for auth in bad_headers {
            let h = post_headers(auth);
            let r = req("POST", "", &h, FORM_BODY);
            assert_eq!(
                credential_scope(&r).unwrap_err().code,
                "IncompleteSignature",
                "{auth}"
            );
            assert_eq!(
                code(verify(&r, SECRET, T, "ec2")),
                "IncompleteSignature",
                "{auth}"
            );
        }
        // Header signature without any date.
        let h = headers(&[("authorization", POST_AUTH), ("host", HOST)]);
        assert_eq!(
            code(verify(&req("POST", "", &h, FORM_BODY), SECRET, T, "ec2")),
            "IncompleteSignature"
        );
        // Unparsable date.
        let mut h = post_headers(POST_AUTH);
        h[1].1 = "2024-01-02T03:04:05Z".into();
        assert_eq!(
            code(verify(&req("POST", "", &h, FORM_BODY), SECRET, T, "ec2")),
            "IncompleteSignature"
        );
        // Presigned query missing a parameter, or with another algorithm.
        let h = headers(&[("host", HOST)]);
        for query in [
            PRESIGNED_QUERY
                .split("&X-Amz-Signature")
                .next()
                .unwrap()
                .to_string(),
            PRESIGNED_QUERY.replace("X-Amz-Date=20240102T030405Z&", ""),
            PRESIGNED_QUERY.replace("AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256"),
            "X-Amz-Signature=00".to_string(),
        ] {
            assert_eq!(
                code(verify(&req("GET", &query, &h, b""), SECRET, T, "ec2")),
                "IncompleteSignature",
                "{query}"
            );
        }
    }

    #[test]
    fn scope_date_must_match_request_date() {
        let auth = POST_AUTH.replace("/20240102/", "/20240103/");
        let h = post_headers(&auth);
        let r = req("POST", "", &h, FORM_BODY);
        assert_eq!(credential_scope(&r), Ok(Some(ec2_scope("20240103"))));
        assert_eq!(code(verify(&r, SECRET, T, "ec2")), "AuthFailure");
    }

    #[test]
    fn dates_parse_and_format() {
        assert_eq!(parse_amz_date("20240102T030405Z"), Some(T));
        assert_eq!(parse_amz_date("19700101T000000Z"), Some(0));
        assert_eq!(parse_amz_date("20240230T000000Z"), None);
        assert_eq!(parse_amz_date("2024010+T030405Z"), None);
        assert_eq!(parse_http_date("Tue, 02 Jan 2024 03:04:05 GMT"), Some(T));
        assert_eq!(parse_http_date("2 Jan 2024 04:04:05 +0100"), Some(T));
        assert_eq!(parse_http_date("Tue, 02 Foo 2024 03:04:05 GMT"), None);
        assert_eq!(format_amz_date(T), "20240102T030405Z");
        assert_eq!(format_amz_date(951_782_400), "20000229T000000Z");
        for secs in [0, T, 4_102_444_799, -86_401] {
            assert_eq!(parse_amz_date(&format_amz_date(secs)), Some(secs));
        }
    }

    proptest! {
        #[test]
        fn arbitrary_input_never_panics(
            auth in prop_oneof![
                any::<String>(),
                "AWS4-HMAC-SHA256 Credential=[ -~]{0,40}, SignedHeaders=[ -~]{0,20}, Signature=[0-9a-f]{0,64}",
                Just(POST_AUTH.to_string()),
            ],
            date in prop_oneof![any::<String>(), "[0-9]{8}T[0-9]{6}Z", "[A-Za-z]{3}, [0-9]{1,2} [A-Za-z]{3} [0-9]{4} [0-9:]{8} [-+A-Z0-9]{1,5}"],
            extra in any::<String>(),
            path in any::<String>(),
            query in prop_oneof![any::<String>(), "([A-Za-z%+=&.-]|X-Amz-[A-Za-z]+=){0,40}"],
            body in proptest::collection::vec(any::<u8>(), 0..64),
            with_auth in any::<bool>(),
            now in any::<i64>(),
        ) {
            let mut pairs = vec![
                ("host".to_string(), extra.clone()),
                ("x-amz-date".to_string(), date.clone()),
                ("date".to_string(), date),
                ("x-amz-content-sha256".to_string(), extra),
            ];
            if with_auth {
                pairs.push(("authorization".to_string(), auth));
            }
            let r = HttpRequestParts { method: "POST", path: &path, query: &query, headers: &pairs, body: &body };
            let _ = credential_scope(&r);
            let _ = verify(&r, SECRET, now, "ec2");
            let _ = verify(&r, SECRET, T, "ec2");
        }
    }
}
