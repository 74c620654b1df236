//! SigV4 verification. Vectors were produced by botocore 1.43 (`SigV4Auth` / `SigV4QueryAuth`)
//! at a frozen clock, plus the aws-sig-v4-test-suite `get-vanilla` case.
use super::canonical::canonical_uri;
use super::dates::*;
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

fn headers<'a>(pairs: &[(&'a str, &'a str)]) -> Vec<(&'a str, Cow<'a, str>)> {
    pairs.iter().map(|(k, v)| (*k, Cow::Borrowed(*v))).collect()
}

fn req<'a>(
    method: &'a str,
    query: &'a str,
    headers: &'a [(&'a str, Cow<'a, str>)],
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

fn post_headers(auth: &str) -> Vec<(&str, Cow<'_, str>)> {
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
    let names: Vec<String> = h.iter().map(|(k, _)| k.to_uppercase()).collect();
    let upper: Vec<_> = names
        .iter()
        .zip(&h)
        .map(|(k, (_, v))| (k.as_str(), v.clone()))
        .collect();
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
    h.push(("x-amz-content-sha256", "0".repeat(64).into()));
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
    /// The plain scan splits as `str::split` does.
    #[test]
    fn pieces_are_what_split_makes(
        s in "([,/;= a-z]|\\PC)*",
        sep in prop::sample::select(vec![b',', b'/', b';', b'=', b' ', b'a']),
    ) {
        let ours: Vec<&str> = super::signed::pieces(&s, sep).collect();
        let oracle: Vec<&str> = s.split(char::from(sep)).collect();
        prop_assert_eq!(ours, oracle);
    }

    /// The plain scans split and trim as `str::split_once` and `str::trim` do.
    #[test]
    fn split_once_and_trim_are_strs(
        s in "([,/;= \\t\\x0b\\x0c\\r\\na-z]|\\PC|\\s)*",
        sep in prop::sample::select(vec![b',', b'/', b';', b'=', b' ', b'a']),
    ) {
        prop_assert_eq!(super::signed::split_once(&s, sep), s.split_once(char::from(sep)));
        prop_assert_eq!(super::signed::trim(&s), s.trim());
    }

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
            ("host", Cow::Borrowed(extra.as_str())),
            ("x-amz-date", Cow::Borrowed(date.as_str())),
            ("date", Cow::Borrowed(date.as_str())),
            ("x-amz-content-sha256", Cow::Borrowed(extra.as_str())),
        ];
        if with_auth {
            pairs.push(("authorization", Cow::Borrowed(auth.as_str())));
        }
        let r = HttpRequestParts { method: "POST", path: &path, query: &query, headers: &pairs, body: &body };
        let _ = credential_scope(&r);
        let _ = verify(&r, SECRET, now, "ec2");
        let _ = verify(&r, SECRET, T, "ec2");
    }
}
