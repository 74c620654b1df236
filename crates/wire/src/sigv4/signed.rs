//! The signature fields a request carries, from its `Authorization` header or its query
//! (presigned).

use std::borrow::Cow;

use super::canonical::{header, query_pairs};
use super::{
    AuthError, CredentialScope, HttpRequestParts, ALGORITHM, MAX_EXPIRES_SECS, TERMINATOR,
};

/// The signature fields a request carries (borrowed from its headers when it can).
pub(super) struct Signed<'a> {
    pub scope: CredentialScope,
    pub signed_headers: Cow<'a, str>,
    pub signature: Cow<'a, str>,
    /// `X-Amz-Date` (or `Date`) as sent.
    pub timestamp: Option<Cow<'a, str>>,
    /// Whether the signature came in the query string.
    pub presigned: bool,
    /// `X-Amz-Expires` of a presigned request.
    pub expires: Option<u64>,
}

/// Finds the signature in the `Authorization` header or, failing that, the query.
pub(super) fn parse<'a>(req: &HttpRequestParts<'a>) -> Result<Option<Signed<'a>>, AuthError> {
    match header(req, "authorization") {
        Some(auth) => from_header(req, auth).map(Some),
        None => from_query(req),
    }
}

/// `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…`, timed by `X-Amz-Date`
/// (else `Date`).
fn from_header<'a>(req: &HttpRequestParts<'a>, auth: &'a str) -> Result<Signed<'a>, AuthError> {
    let auth = trim(auth);
    let (algorithm, params) = split_once(auth, b' ').unwrap_or((auth, ""));
    if algorithm != ALGORITHM {
        return Err(AuthError::incomplete(format!(
            "Unsupported Authorization type; expected {ALGORITHM}."
        )));
    }
    // One pass over the parameters; the first of each name counts.
    let mut found: [Option<&str>; 3] = [None; 3];
    const NAMES: [&str; 3] = ["Credential", "SignedHeaders", "Signature"];
    for (k, v) in pieces(params, b',').filter_map(|p| split_once(trim(p), b'=')) {
        if let Some(i) = NAMES.iter().position(|n| *n == k) {
            found[i] = found[i].or(Some(trim(v)));
        }
    }
    let field = |i: usize| {
        found[i].ok_or_else(|| {
            AuthError::incomplete(format!(
                "Authorization header requires '{}' parameter.",
                NAMES[i]
            ))
        })
    };
    Ok(Signed {
        scope: parse_credential(field(0)?)?,
        signed_headers: check_signed_headers(field(1)?.into())?,
        signature: field(2)?.into(),
        timestamp: header(req, "x-amz-date")
            .or_else(|| header(req, "date"))
            .map(Cow::Borrowed),
        presigned: false,
        expires: None,
    })
}

/// The presigned form: `X-Amz-Algorithm`, `-Credential`, `-SignedHeaders`, `-Signature`,
/// `-Date` and optionally `-Expires` in the query. None when none of the five is there.
fn from_query<'a>(req: &HttpRequestParts<'a>) -> Result<Option<Signed<'a>>, AuthError> {
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
    Ok(Some(Signed {
        scope: parse_credential(&required(credential, names[1])?)?,
        signed_headers: check_signed_headers(required(signed_headers, names[2])?.into())?,
        signature: required(signature, names[3])?.into(),
        timestamp: Some(required(date, names[4])?.into()),
        presigned: true,
        expires: expires(get("X-Amz-Expires"))?,
    }))
}

/// `X-Amz-Expires`: seconds, at most seven days.
fn expires(value: Option<String>) -> Result<Option<u64>, AuthError> {
    match value.map(|v| v.parse::<u64>()) {
        None => Ok(None),
        Some(Ok(secs)) if secs <= MAX_EXPIRES_SECS => Ok(Some(secs)),
        Some(_) => Err(AuthError::incomplete(
            "X-Amz-Expires must be a number of seconds of at most 604800.",
        )),
    }
}

/// Parses `<key>/<YYYYMMDD>/<region>/<service>/aws4_request`.
pub(super) fn parse_credential(credential: &str) -> Result<CredentialScope, AuthError> {
    let mut parts = pieces(credential, b'/');
    let fields = [(); 5].map(|()| parts.next());
    match (fields, parts.next()) {
        ([Some(key), Some(date), Some(region), Some(service), Some(TERMINATOR)], None)
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
fn check_signed_headers(list: Cow<'_, str>) -> Result<Cow<'_, str>, AuthError> {
    if pieces(&list, b';').any(str::is_empty) {
        return Err(AuthError::incomplete(
            "SignedHeaders contains an empty name.",
        ));
    }
    Ok(list)
}

/// `s` split at every `sep`, an ASCII byte, as `str::split` splits it (the tests' oracle),
/// by a plain scan: these texts are short, and `split`'s searcher sets up a `memchr` per
/// piece.
pub(super) fn pieces(s: &str, sep: u8) -> impl Iterator<Item = &str> {
    debug_assert!(sep.is_ascii());
    let mut rest = Some(s);
    std::iter::from_fn(move || {
        let text = rest?;
        match text.bytes().position(|b| b == sep) {
            Some(i) => {
                rest = Some(&text[i + 1..]);
                Some(&text[..i])
            }
            None => {
                rest = None;
                Some(text)
            }
        }
    })
}

/// `s.split_once(sep)` for an ASCII `sep`, by a plain scan (the tests' oracle is
/// `str::split_once`).
pub(super) fn split_once(s: &str, sep: u8) -> Option<(&str, &str)> {
    let i = s.bytes().position(|b| b == sep)?;
    Some((&s[..i], &s[i + 1..]))
}

/// `s.trim()`, answered at once when `s` starts and ends with ASCII that is not white
/// space (the header's fields nearly always do; the tests' oracle is `str::trim`).
pub(super) fn trim(s: &str) -> &str {
    let solid = |b: Option<&u8>| b.is_some_and(|b| b.is_ascii() && !char::from(*b).is_whitespace());
    if solid(s.as_bytes().first()) && solid(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
}
