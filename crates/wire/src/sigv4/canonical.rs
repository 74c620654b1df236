//! The canonical request a client signs: method, normalised and re-encoded path, sorted
//! re-encoded query, the signed headers and the body's SHA-256.

use std::fmt::Write as _;

use percent_encoding::{percent_decode_str, percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

use super::signed::Signed;
use super::{AuthError, HttpRequestParts};

/// Bytes kept as-is by SigV4 URI encoding: `A-Z a-z 0-9 - _ . ~`.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');
/// As [`UNRESERVED`], plus the path separator.
const PATH: &AsciiSet = &UNRESERVED.remove(b'/');

/// Builds the canonical request the client must have signed.
pub(super) fn canonical_request(
    req: &HttpRequestParts,
    signed: &Signed,
) -> Result<String, AuthError> {
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
pub(super) fn canonical_uri(path: &str) -> String {
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
pub(super) fn query_pairs(query: &str) -> Vec<(Vec<u8>, Vec<u8>)> {
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
pub(super) fn header<'a>(req: &HttpRequestParts<'a>, name: &str) -> Option<&'a str> {
    req.headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| &**v)
}
