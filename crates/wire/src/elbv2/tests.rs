//! Wire tests of the ELBv2 Query protocol: envelopes, errors, lists, markers.

use openvpc_core::{subnet, vpc, ApiError, Command, Config, Ctx, ErrorCode, Output, World};
use proptest::prelude::*;

use super::*;

type TestBackend = crate::InMemory;

fn id(out: Output) -> String {
    match out {
        Output::Id(id) => id,
        other => panic!("{other:?}"),
    }
}

/// A backend with a VPC 10.0.0.0/16 and subnets in us-east-1a and us-east-1b.
fn backend() -> (TestBackend, String, Vec<String>) {
    let ctx = Ctx::new("111111111111", "us-east-1", 1_700_000_000_000);
    let mut world = World::new(Config::default(), 3);
    world.apply(&ctx, Command::InitScope).unwrap();
    let vpc = id(world
        .apply(
            &ctx,
            Command::Vpc(vpc::Cmd::Create {
                cidr_block: "10.0.0.0/16".into(),
                amazon_ipv6: false,
                instance_tenancy: None,
                tags: vec![],
            }),
        )
        .unwrap());
    let subnets = [("10.0.0.0/24", "us-east-1a"), ("10.0.1.0/24", "us-east-1b")]
        .iter()
        .map(|(cidr, az)| {
            id(world
                .apply(
                    &ctx,
                    Command::Subnet(subnet::Cmd::Create {
                        vpc_id: vpc.clone(),
                        cidr_block: (*cidr).into(),
                        ipv6_cidr_block: None,
                        ipv6_native: false,
                        availability_zone: Some((*az).into()),
                        availability_zone_id: None,
                        tags: vec![],
                    }),
                )
                .unwrap())
        })
        .collect();
    (TestBackend { world, ctx }, vpc, subnets)
}

fn call(b: &mut TestBackend, query: &str) -> Response {
    let params = Params::parse(query.as_bytes());
    let action = params.peek("Action").unwrap_or("").to_string();
    handle(&action, &params, b, "req-1")
}

fn between<'a>(body: &'a str, open: &str, close: &str) -> &'a str {
    let start = body
        .find(open)
        .unwrap_or_else(|| panic!("{open} in {body}"))
        + open.len();
    let end = body[start..].find(close).unwrap() + start;
    &body[start..end]
}

fn create_nlb(b: &mut TestBackend, name: &str, subnets: &[String]) -> String {
    let mut q = format!(
        "Action=CreateLoadBalancer&Version=2015-12-01&Name={name}&Type=network&Scheme=internal"
    );
    for (i, s) in subnets.iter().enumerate() {
        q.push_str(&format!("&Subnets.member.{}={s}", i + 1));
    }
    let r = call(b, &q);
    assert_eq!(r.status, 200, "{}", r.body);
    between(&r.body, "<LoadBalancerArn>", "</LoadBalancerArn>").to_string()
}

#[test]
fn success_envelope_and_member_lists() {
    let (mut b, vpc, subnets) = backend();
    let r = call(
        &mut b,
        &format!(
            "Action=CreateLoadBalancer&Version=2015-12-01&Name=web&Type=network&Scheme=internal&Subnets.member.1={}&Subnets.member.2={}&Tags.member.1.Key=env&Tags.member.1.Value=dev",
            subnets[0], subnets[1]
        ),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.starts_with(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<CreateLoadBalancerResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\"><CreateLoadBalancerResult><LoadBalancers><member><LoadBalancerArn>arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/web/"
    ), "{}", r.body);
    assert!(r.body.ends_with(
        "</CreateLoadBalancerResult><ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></CreateLoadBalancerResponse>"
    ));
    assert!(r
        .body
        .contains("<State><Code>provisioning</Code></State><Type>network</Type>"));
    assert!(r.body.contains(&format!(
        "<AvailabilityZones><member><ZoneName>us-east-1a</ZoneName><SubnetId>{}</SubnetId><LoadBalancerAddresses><member><PrivateIPv4Address>10.0.0.4</PrivateIPv4Address></member></LoadBalancerAddresses></member>",
        subnets[0]
    )));
    assert!(r.body.contains(&format!("<VpcId>{vpc}</VpcId>")));
    let arn = between(&r.body, "<LoadBalancerArn>", "</LoadBalancerArn>").to_string();
    let r = call(
        &mut b,
        "Action=DescribeLoadBalancers&Version=2015-12-01&Names.member.1=web",
    );
    assert!(
        r.body.contains("<State><Code>active</Code></State>"),
        "{}",
        r.body
    );
    let r = call(
        &mut b,
        &format!("Action=DescribeTags&Version=2015-12-01&ResourceArns.member.1={arn}"),
    );
    assert!(r.body.contains(&format!(
        "<TagDescriptions><member><ResourceArn>{arn}</ResourceArn><Tags><member><Key>env</Key><Value>dev</Value></member></Tags></member></TagDescriptions>"
    )), "{}", r.body);
    let r = call(
        &mut b,
        &format!("Action=DeleteLoadBalancer&Version=2015-12-01&LoadBalancerArn={arn}"),
    );
    assert_eq!(r.status, 200);
    assert!(r
        .body
        .contains("<DeleteLoadBalancerResult></DeleteLoadBalancerResult>"));
}

#[test]
fn error_document_shape() {
    let (mut b, _, _) = backend();
    let r = call(
        &mut b,
        "Action=DescribeLoadBalancers&Version=2015-12-01&Names.member.1=nope",
    );
    assert_eq!(r.status, 400);
    assert_eq!(
        r.body,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse xmlns=\"http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/\"><Error><Type>Sender</Type><Code>LoadBalancerNotFound</Code><Message>Load balancers &apos;[nope]&apos; not found</Message></Error><RequestId>req-1</RequestId></ErrorResponse>"
    );
    let r = call(&mut b, "Action=DescribeVpcs&Version=2015-12-01");
    assert!(r.body.contains("<Code>InvalidAction</Code>"));
    let r = call(
        &mut b,
        "Action=DescribeLoadBalancers&Version=2015-12-01&Bogus=1",
    );
    assert!(
        r.body.contains("<Code>UnknownParameter</Code>"),
        "{}",
        r.body
    );
    let r = call(&mut b, "Action=CreateTargetGroup&Version=2015-12-01");
    assert!(
        r.body.contains("<Code>ValidationError</Code>"),
        "{}",
        r.body
    );
    let r = call(
        &mut b,
        "Action=CreateTargetGroup&Version=2015-12-01&Name=x&Port=eighty",
    );
    assert!(
        r.body.contains("<Code>ValidationError</Code>"),
        "{}",
        r.body
    );
    let r = error_response(&ApiError::new(ErrorCode::InternalFailure, "x"), "r");
    assert_eq!(r.status, 500);
    assert!(r.body.contains("<Type>Receiver</Type>"));
}

#[test]
fn empty_lists_and_non_list_values() {
    let (mut b, _, subnets) = backend();
    create_nlb(&mut b, "a", &subnets[..1]);
    let r = call(
        &mut b,
        "Action=DescribeLoadBalancers&Version=2015-12-01&Names=",
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = call(
        &mut b,
        "Action=DescribeLoadBalancers&Version=2015-12-01&Names=a",
    );
    assert!(
        r.body.contains("<Code>ValidationError</Code>"),
        "{}",
        r.body
    );
}

#[test]
fn markers_page_through_load_balancers() {
    let (mut b, _, subnets) = backend();
    for name in ["a", "b", "c"] {
        create_nlb(&mut b, name, &subnets[..1]);
    }
    let mut seen = Vec::new();
    let mut marker = String::new();
    loop {
        let mut q = "Action=DescribeLoadBalancers&Version=2015-12-01&PageSize=2".to_string();
        if !marker.is_empty() {
            q.push_str(&format!("&Marker={marker}"));
        }
        let r = call(&mut b, &q);
        assert_eq!(r.status, 200, "{}", r.body);
        for part in r.body.split("<LoadBalancerName>").skip(1) {
            seen.push(part.split('<').next().unwrap().to_string());
        }
        if !r.body.contains("<NextMarker>") {
            break;
        }
        marker = between(&r.body, "<NextMarker>", "</NextMarker>").to_string();
    }
    seen.sort();
    assert_eq!(seen, ["a", "b", "c"]);
    for bad in ["PageSize=0", "PageSize=401", "Marker=@@"] {
        let r = call(
            &mut b,
            &format!("Action=DescribeLoadBalancers&Version=2015-12-01&{bad}"),
        );
        assert!(
            r.body.contains("<Code>ValidationError</Code>"),
            "{bad}: {}",
            r.body
        );
    }
}

#[test]
fn target_groups_listeners_and_health_render() {
    let (mut b, vpc, subnets) = backend();
    let lb = create_nlb(&mut b, "lb", &subnets);
    let r = call(
        &mut b,
        &format!("Action=CreateTargetGroup&Version=2015-12-01&Name=tg&Protocol=TCP&Port=80&VpcId={vpc}&TargetType=ip&HealthCheckProtocol=HTTP&Matcher.HttpCode=200"),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains("<HealthCheckPath>/</HealthCheckPath><Matcher><HttpCode>200</HttpCode></Matcher><LoadBalancerArns></LoadBalancerArns><TargetType>ip</TargetType>"), "{}", r.body);
    let tg = between(&r.body, "<TargetGroupArn>", "</TargetGroupArn>").to_string();
    let r = call(
        &mut b,
        &format!("Action=RegisterTargets&Version=2015-12-01&TargetGroupArn={tg}&Targets.member.1.Id=10.0.0.10&Targets.member.2.Id=10.0.1.10&Targets.member.2.Port=8080"),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    let r = call(
        &mut b,
        &format!("Action=CreateListener&Version=2015-12-01&LoadBalancerArn={lb}&Protocol=TCP&Port=80&DefaultActions.member.1.Type=forward&DefaultActions.member.1.TargetGroupArn={tg}"),
    );
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.body.contains(&format!("<Port>80</Port><Protocol>TCP</Protocol><DefaultActions><member><Type>forward</Type><TargetGroupArn>{tg}</TargetGroupArn><ForwardConfig><TargetGroups><member><TargetGroupArn>{tg}</TargetGroupArn><Weight>1</Weight></member></TargetGroups>")), "{}", r.body);
    let r = call(
        &mut b,
        &format!("Action=DescribeTargetGroups&Version=2015-12-01&LoadBalancerArn={lb}"),
    );
    assert!(
        r.body.contains(&format!(
            "<LoadBalancerArns><member>{lb}</member></LoadBalancerArns>"
        )),
        "{}",
        r.body
    );
    let r = call(
        &mut b,
        &format!("Action=DescribeTargetHealth&Version=2015-12-01&TargetGroupArn={tg}&Include.member.1=All"),
    );
    assert!(r.body.contains("<member><Target><Id>10.0.1.10</Id><Port>8080</Port></Target><HealthCheckPort>8080</HealthCheckPort><TargetHealth><State>healthy</State></TargetHealth></member>"), "{}", r.body);
    let r = call(
        &mut b,
        &format!("Action=DescribeTargetHealth&Version=2015-12-01&TargetGroupArn={tg}&Targets.member.1.Id=10.0.0.99"),
    );
    assert!(
        r.body
            .contains("<State>unused</State><Reason>Target.NotRegistered</Reason>"),
        "{}",
        r.body
    );
    let r = call(
        &mut b,
        &format!("Action=DescribeListeners&Version=2015-12-01&LoadBalancerArn={lb}"),
    );
    assert_eq!(r.body.matches("<ListenerArn>").count(), 1);
}

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Name".to_string()),
        Just("Type".to_string()),
        Just("Scheme".to_string()),
        Just("Subnets.member.1".to_string()),
        Just("SubnetMappings.member.1.SubnetId".to_string()),
        Just("SubnetMappings.member.1.PrivateIPv4Address".to_string()),
        Just("Protocol".to_string()),
        Just("Port".to_string()),
        Just("VpcId".to_string()),
        Just("TargetType".to_string()),
        Just("TargetGroupArn".to_string()),
        Just("LoadBalancerArn".to_string()),
        Just("Targets.member.1.Id".to_string()),
        Just("Targets.member.1.Port".to_string()),
        Just("DefaultActions.member.1.Type".to_string()),
        Just("DefaultActions.member.1.TargetGroupArn".to_string()),
        Just("ResourceArns.member.1".to_string()),
        Just("Tags.member.1.Key".to_string()),
        Just("PageSize".to_string()),
        Just("Marker".to_string()),
        "[A-Za-z]{1,12}(\\.member\\.[0-9]{1,2}(\\.[A-Za-z]{1,8})?)?",
    ]
}

fn value(vpc: String, subnet: String) -> impl Strategy<Value = String> {
    prop_oneof![
        Just("network".to_string()),
        Just("gateway".to_string()),
        Just("internal".to_string()),
        Just("TCP".to_string()),
        Just("80".to_string()),
        Just("10.0.0.10".to_string()),
        Just(
            "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/x/0000000000000000"
                .to_string()
        ),
        Just(vpc),
        Just(subnet),
        Just("".to_string()),
        ".{0,16}",
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    /// No request panics the ELBv2 wire, and a refused request changes nothing.
    #[test]
    fn requests_never_panic_and_refusals_change_nothing(
        action in prop::sample::select(action_names()),
        pairs in prop::collection::vec((key(), value("vpc".into(), "subnet".into())), 0..8),
    ) {
        let (mut b, vpc, subnets) = backend();
        let pairs: Vec<(String, String)> = pairs
            .into_iter()
            .map(|(k, v)| {
                let v = match v.as_str() {
                    "vpc" => vpc.clone(),
                    "subnet" => subnets[0].clone(),
                    _ => v,
                };
                (k, v)
            })
            .collect();
        let before = serde_json::to_string(&b.world).unwrap();
        let params = Params::from_pairs(pairs);
        let r = handle(action, &params, &mut b, "r");
        if r.status != 200 {
            prop_assert!(r.body.contains("<ErrorResponse"));
            prop_assert_eq!(serde_json::to_string(&b.world).unwrap(), before);
        }
    }
}
