use super::*;

#[test]
fn get_caller_identity_answers_in_the_query_shape() {
    let params = Params::parse(b"Action=GetCallerIdentity&Version=2011-06-15");
    let r = handle(
        "GetCallerIdentity",
        &params,
        &Identity::root("111111111111"),
        "rid",
    );
    assert_eq!(r.status, 200);
    assert!(r.body.contains(
        "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetCallerIdentityResult><Arn>arn:aws:iam::111111111111:root</Arn><UserId>111111111111</UserId><Account>111111111111</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>rid</RequestId></ResponseMetadata></GetCallerIdentityResponse>"
    ), "{}", r.body);
}

#[test]
fn unknown_parameters_and_actions_are_refused_in_stss_envelope() {
    let params = Params::parse(b"Action=GetCallerIdentity&Version=2011-06-15&Nope=1");
    let r = handle("GetCallerIdentity", &params, &Identity::root("1"), "rid");
    assert_eq!(r.status, 400);
    assert!(r.body.contains("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>UnknownParameter</Code>"));
    assert!(r
        .body
        .ends_with("<RequestId>rid</RequestId></ErrorResponse>"));
    let r = handle(
        "AssumeRole",
        &Params::default(),
        &Identity::root("1"),
        "rid",
    );
    assert!(r.body.contains("<Code>InvalidAction</Code><Message>Could not find operation AssumeRole for version 2011-06-15</Message>"));
}

#[test]
fn authentication_failures_take_stss_codes() {
    let unknown = ApiError::new(ErrorCode::AuthFailure, "x");
    let r = error_response(&unknown, "rid");
    assert_eq!(r.status, 403);
    assert!(r.body.contains("<Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid</Message>"));
    let r = error_response(
        &ApiError::new(ErrorCode::MissingAuthenticationToken, "x"),
        "rid",
    );
    assert_eq!(r.status, 403);
    assert!(r
        .body
        .contains("<Message>Request is missing Authentication Token</Message>"));
    let r = error_response(
        &ApiError::new(ErrorCode::SignatureDoesNotMatch, "sig"),
        "rid",
    );
    assert_eq!(r.status, 403);
    assert!(r
        .body
        .contains("<Code>SignatureDoesNotMatch</Code><Message>sig</Message>"));
    let r = error_response(&ApiError::new(ErrorCode::InternalError, "boom"), "rid");
    assert_eq!(r.status, 500);
    assert!(r
        .body
        .contains("<Type>Receiver</Type><Code>InternalFailure</Code>"));
}

#[test]
fn principals_get_aws_shaped_unique_ids() {
    let a = "123456789012";
    let user = Identity::principal(a, "arn:aws:iam::123456789012:user/dev/Alice").unwrap();
    assert_eq!(user.user_id.len(), 21);
    assert!(user.user_id.starts_with("AIDA"));
    assert!(user.user_id[4..]
        .bytes()
        .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)));
    assert_eq!(
        user,
        Identity::principal(a, "arn:aws:iam::123456789012:user/dev/Alice").unwrap()
    );
    assert_ne!(
        user.user_id,
        Identity::principal(a, "arn:aws:iam::123456789012:user/Bob")
            .unwrap()
            .user_id
    );
    assert_eq!(
        Identity::principal(a, "arn:aws:iam::123456789012:root").unwrap(),
        Identity::root(a)
    );
    let role =
        Identity::principal(a, "arn:aws:sts::123456789012:assumed-role/Deploy/ci-run").unwrap();
    assert!(role.user_id.starts_with("AROA") && role.user_id.ends_with(":ci-run"));
    let fed = Identity::principal(a, "arn:aws:sts::123456789012:federated-user/bob").unwrap();
    assert_eq!(fed.user_id, "123456789012:bob");
    for bad in [
        "arn:aws:iam::999999999999:root",
        "arn:aws:iam::123456789012:group/x",
        "arn:aws:iam::123456789012:user/",
        "arn:aws:s3:::bucket",
        "arn:aws:sts::123456789012:assumed-role/OnlyRole",
        "nonsense",
    ] {
        assert!(Identity::principal(a, bad).is_err(), "{bad}");
    }
}
