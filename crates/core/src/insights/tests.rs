//! Network Insights paths and analyses: ends by id or ARN, filters, lifecycle, parameters,
//! client tokens, quota, visibility, ARNs of components.

use super::*;
use crate::eni::{self, InterfaceSpec, Launch};
use crate::filter::Filter;
use crate::protocol::Protocol;
use crate::tags::{self, TagSpec};
use crate::testkit::insights::{create_path, path_spec, start_analysis};
use crate::testkit::{Kit, A, B};
use crate::world::{Ctx, Scope, World};
use crate::{endpoint, gateway, Output};

/// A network interface in `ctx`'s first default subnet.
fn interface(k: &mut Kit, ctx: &Ctx) -> String {
    let subnet = k.default_subnet(ctx.account());
    let cmd = eni::Cmd::CreateInterface {
        spec: InterfaceSpec {
            subnet_id: Some(subnet),
            ..InterfaceSpec::default()
        },
        interface_type: None,
        client_token: None,
        tags: vec![],
    };
    k.id_as(ctx, cmd)
}

/// A running instance of `ctx`'s caller (in a default subnet).
fn instance(k: &mut Kit, ctx: &Ctx) -> String {
    let launch = Launch {
        image_id: crate::image::AMAZON_LINUX_2023.into(),
        min_count: 1,
        max_count: 1,
        ..Launch::default()
    };
    match k.run_as(ctx, eni::Cmd::RunInstances(Box::new(launch))) {
        Ok(Output::Ids(ids)) => ids[1].clone(),
        other => panic!("{other:?}"),
    }
}

/// An internet gateway of `ctx`'s caller.
fn igw(k: &mut Kit, ctx: &Ctx) -> String {
    k.id_as(ctx, gateway::Cmd::CreateInternetGateway { tags: vec![] })
}

#[test]
fn paths_resolve_ids_and_arns_of_the_callers_resources() {
    let mut k = Kit::new();
    let b = k.as_account(B);
    let a = k.ctx.clone();
    let (x, i) = (interface(&mut k, &a), instance(&mut k, &a));
    let other = interface(&mut k, &b);
    let arn = |t: &str, id: &str| format!("arn:aws:ec2:us-east-1:{A}:{t}/{id}");

    let p = k.insights_path(&x, &i);
    let path = k.w.insights_paths.get(&p).unwrap();
    assert!(p.starts_with("nip-") && p.len() == 21);
    assert_eq!(path.source_arn, arn("network-interface", &x));
    assert_eq!(
        path.destination_arn.as_deref(),
        Some(arn("instance", &i).as_str())
    );
    assert_eq!(path.arn(), arn("network-insights-path", &p));
    assert_eq!(path.created, 1_000);

    // An ARN is resolved to its id; the protocol is case-insensitive.
    let s = PathSpec {
        protocol: "TCP".into(),
        ..path_spec(&arn("instance", &i), &arn("network-interface", &x))
    };
    let p = k.id(create_path(s));
    let path = k.w.insights_paths.get(&p).unwrap();
    assert_eq!(
        (path.source.as_str(), path.protocol),
        (i.as_str(), Protocol::TCP)
    );

    // A destination address alone, IPv6 and ICMP included (openvpc extensions).
    for (ip, proto) in [("10.9.9.9", "udp"), ("2600:1f18::1", "icmp")] {
        let s = PathSpec {
            destination: None,
            destination_ip: Some(ip.into()),
            protocol: proto.into(),
            ..path_spec(&x, "")
        };
        let p = k.id(create_path(s));
        assert_eq!(
            k.w.insights_paths.get(&p).unwrap().destination_ip,
            Some(ip.parse().unwrap())
        );
    }

    let bad: &[(PathSpec, &str)] = &[
        (
            path_spec("eni-0123456789abcdef0", &x),
            "NetworkInsightsSource.NotFound",
        ),
        (path_spec(&other, &x), "NetworkInsightsSource.NotFound"),
        (path_spec(&x, &other), "NetworkInsightsDestination.NotFound"),
        (
            path_spec(&x, "i-0123456789abcdef0"),
            "NetworkInsightsDestination.NotFound",
        ),
        (path_spec("bogus", &x), "NetworkInsightsSource.NotFound"),
        (
            path_spec(
                &format!("arn:aws:ec2:us-east-1:{B}:network-interface/{other}"),
                &x,
            ),
            "NetworkInsightsSource.NotFound",
        ),
        (
            path_spec(
                &format!("arn:aws:ec2:us-west-2:{A}:network-interface/{x}"),
                &i,
            ),
            "NetworkInsightsSource.NotFound",
        ),
        (
            path_spec(&arn("instance", &x), &i),
            "NetworkInsightsSource.NotFound",
        ),
        (
            path_spec("igw-0123456789abcdef0", &x),
            "NetworkInsightsSource.NotFound",
        ),
        (
            path_spec(&x, "igw-0123456789abcdef0"),
            "NetworkInsightsDestination.NotFound",
        ),
        (
            path_spec(&x, "vpce-0123456789abcdef0"),
            "NetworkInsightsDestination.NotFound",
        ),
        (
            path_spec("vpce-0123456789abcdef0", &x),
            "NetworkInsightsSource.NotFound",
        ),
        (
            path_spec("pcx-0123456789abcdef0", &x),
            "NetworkInsightsSource.NotFound",
        ),
        (
            path_spec(&x, "vgw-0123456789abcdef0"),
            "NetworkInsightsDestination.NotFound",
        ),
        (
            path_spec("tgw-0123456789abcdef0", &x),
            "InvalidParameterValue",
        ),
        (
            PathSpec {
                protocol: "sctp".into(),
                ..path_spec(&x, &i)
            },
            "InvalidParameterValue",
        ),
        (
            PathSpec {
                destination: None,
                ..path_spec(&x, &i)
            },
            "MissingParameter",
        ),
        (
            PathSpec {
                destination_port: Some(65536),
                ..path_spec(&x, &i)
            },
            "InvalidParameterValue",
        ),
        (
            PathSpec {
                source_ip: Some("10.0.0.256".into()),
                ..path_spec(&x, &i)
            },
            "InvalidParameterValue",
        ),
        (
            PathSpec {
                destination_port: Some(22),
                filter_at_source: Some(FilterSpec::default()),
                ..path_spec(&x, &i)
            },
            "InvalidParameterCombination",
        ),
        (
            PathSpec {
                destination_ip: Some("10.0.0.1".into()),
                filter_at_destination: Some(FilterSpec::default()),
                ..path_spec(&x, &i)
            },
            "InvalidParameterCombination",
        ),
        (
            PathSpec {
                filter_at_source: Some(FilterSpec {
                    source_ports: Some((Some(90), Some(80))),
                    ..FilterSpec::default()
                }),
                ..path_spec(&x, &i)
            },
            "InvalidParameterValue",
        ),
    ];
    for (s, code) in bad {
        k.refused(create_path(s.clone()), code);
    }
    let tagged = Cmd::CreatePath {
        spec: path_spec(&x, &i),
        tags: vec![TagSpec {
            resource_type: "vpc".into(),
            tags: vec![],
        }],
        client_token: None,
    };
    k.refused(tagged, "InvalidParameterValue");
}

#[test]
fn internet_gateways_and_endpoints_are_path_ends() {
    let mut k = Kit::new();
    let b = k.as_account(B);
    let a = k.ctx.clone();
    let (x, mine, theirs) = (interface(&mut k, &a), igw(&mut k, &a), igw(&mut k, &b));
    let vpc = k.w.network_interfaces.get(&x).unwrap().vpc_id.clone();
    let arn = |t: &str, id: &str| format!("arn:aws:ec2:us-east-1:{A}:{t}/{id}");
    let subnet = k.default_subnet(A);
    let mut ep = |kind: Option<&str>, service: &str| {
        let c = endpoint::Create {
            endpoint_type: kind.map(str::to_string),
            vpc_id: vpc.clone(),
            service_name: Some(service.into()),
            subnet_ids: kind.map(|_| subnet.clone()).into_iter().collect(),
            ..endpoint::Create::default()
        };
        k.id(endpoint::Cmd::Create(Box::new(c)))
    };
    let vi = &ep(Some("Interface"), "com.amazonaws.us-east-1.ec2");
    let vg = &ep(None, "com.amazonaws.us-east-1.s3");

    // By id and by ARN, either end; the ARN kinds are AWS's.
    for (s, d, sa, da) in [
        (
            mine.clone(),
            x.clone(),
            arn("internet-gateway", &mine),
            arn("network-interface", &x),
        ),
        (
            arn("internet-gateway", &mine),
            x.clone(),
            arn("internet-gateway", &mine),
            arn("network-interface", &x),
        ),
        (
            x.clone(),
            arn("internet-gateway", &mine),
            arn("network-interface", &x),
            arn("internet-gateway", &mine),
        ),
        (
            vi.to_string(),
            x.clone(),
            arn("vpc-endpoint", vi),
            arn("network-interface", &x),
        ),
        (
            arn("vpc-endpoint", vi),
            mine.clone(),
            arn("vpc-endpoint", vi),
            arn("internet-gateway", &mine),
        ),
        (
            x.clone(),
            arn("vpc-endpoint", vi),
            arn("network-interface", &x),
            arn("vpc-endpoint", vi),
        ),
    ] {
        let p = k.insights_path(&s, &d);
        let p = k.w.insights_paths.get(&p).unwrap();
        assert_eq!(
            (p.source_arn.as_str(), p.destination_arn.as_deref()),
            (sa.as_str(), Some(da.as_str()))
        );
        assert!(
            !p.source.starts_with("arn:") && !p.destination.as_ref().unwrap().starts_with("arn:")
        );
    }
    let bad: &[(PathSpec, &str)] = &[
        (path_spec(&theirs, &x), "NetworkInsightsSource.NotFound"),
        (
            path_spec(&x, &theirs),
            "NetworkInsightsDestination.NotFound",
        ),
        (
            path_spec(
                &format!("arn:aws:ec2:us-east-1:{B}:internet-gateway/{theirs}"),
                &x,
            ),
            "NetworkInsightsSource.NotFound",
        ),
        (
            path_spec(&arn("vpc-endpoint", &mine), &x),
            "NetworkInsightsSource.NotFound",
        ),
        (
            path_spec(&x, &arn("internet-gateway", vi)),
            "NetworkInsightsDestination.NotFound",
        ),
        (path_spec(vg, &x), "InvalidParameterValue"),
        (path_spec(&x, vg), "InvalidParameterValue"),
        (path_spec(&mine, &mine), "InvalidParameterValue"),
    ];
    for (s, code) in bad {
        k.refused(create_path(s.clone()), code);
    }
}

#[test]
fn filters_are_stored_and_describable() {
    let mut k = Kit::new();
    let b = k.as_account(B);
    let a = k.ctx.clone();
    let (x, i) = (interface(&mut k, &a), instance(&mut k, &a));
    let s = PathSpec {
        filter_at_source: Some(FilterSpec {
            source_address: Some("10.0.0.5".into()),
            destination_ports: Some((Some(443), Some(443))),
            ..FilterSpec::default()
        }),
        ..path_spec(&x, &i)
    };
    let p1 = k.id(create_path(s));
    let p2 = k.id(create_path(PathSpec {
        destination_port: Some(22),
        protocol: "udp".into(),
        ..path_spec(&i, &x)
    }));
    let f =
        k.w.insights_paths
            .get(&p1)
            .unwrap()
            .filter_at_source
            .clone();
    assert_eq!(f.unwrap().destination_ports.unwrap().text(), "443-443");
    let found = |filters: &[Filter]| -> Vec<String> {
        describe_paths(&k.w, &a, &[], filters)
            .unwrap()
            .iter()
            .map(|p| p.id.clone())
            .collect()
    };
    assert_eq!(found(&[]).len(), 2);
    assert_eq!(found(&[Filter::new("protocol", &["udp"])]), [p2.as_str()]);
    assert_eq!(found(&[Filter::new("source", &[&x])]), [p1.as_str()]);
    assert_eq!(found(&[Filter::new("destination", &[&x])]), [p2.as_str()]);
    assert_eq!(
        found(&[Filter::new("destination-port", &["22"])]),
        [p2.as_str()]
    );
    assert_eq!(
        found(&[Filter::new(
            "filter-at-source.destination-port-range",
            &["443"]
        )]),
        [p1.as_str()]
    );
    assert_eq!(
        found(&[Filter::new(
            "filter-at-source.source-address",
            &["10.0.0.*"]
        )]),
        [p1.as_str()]
    );
    assert!(describe_paths(&k.w, &a, &[], &[Filter::new("bogus", &["x"])]).is_err());
    let e = describe_paths(&k.w, &a, &["nip-0123456789abcdef0".into()], &[]).unwrap_err();
    assert_eq!(e.code, "InvalidNetworkInsightsPathId.NotFound");
    // Another account sees none of them.
    assert!(describe_paths(&k.w, &b, &[], &[]).unwrap().is_empty());
    let e = describe_paths(&k.w, &b, &[p1], &[]).unwrap_err();
    assert_eq!(e.code, "InvalidNetworkInsightsPathId.NotFound");
}

#[test]
fn path_and_analysis_lifecycle() {
    let mut k = Kit::new();
    let b = k.as_account(B);
    let a = k.ctx.clone();
    let (x, i) = (interface(&mut k, &a), instance(&mut k, &a));
    let p = k.insights_path(&x, &i);
    k.refused_as(
        &b,
        start_analysis(&p, true),
        "InvalidNetworkInsightsPathId.NotFound",
    );
    let n1 = k.id(start_analysis(&p, true));
    let n2 = k.id_as(&Ctx::new(A, "us-east-1", 5_000), start_analysis(&p, false));
    let an = k.w.insights_analyses.get(&n1).unwrap();
    assert!(n1.starts_with("nia-") && n1.len() == 21);
    assert_eq!((an.started, an.status()), (1_000, "succeeded"));
    assert_eq!(
        an.arn(),
        format!("arn:aws:ec2:us-east-1:{A}:network-insights-analysis/{n1}")
    );

    let found = |w: &World, q: AnalysisQuery, filters: &[Filter]| -> Vec<String> {
        describe_analyses(w, &a, &[], &q, filters)
            .unwrap()
            .iter()
            .map(|a| a.id.clone())
            .collect()
    };
    let mut both = vec![n1.clone(), n2.clone()];
    both.sort();
    assert_eq!(found(&k.w, AnalysisQuery::default(), &[]), both);
    let from = |t| AnalysisQuery {
        start_time: Some(t),
        ..AnalysisQuery::default()
    };
    assert_eq!(found(&k.w, from(2_000), &[]), [n2.as_str()]);
    let until = AnalysisQuery {
        end_time: Some(2_000),
        path_id: Some(p.clone()),
        ..AnalysisQuery::default()
    };
    assert_eq!(found(&k.w, until, &[]), [n1.as_str()]);
    let not_found = [Filter::new("path-found", &["false"])];
    assert_eq!(
        found(&k.w, AnalysisQuery::default(), &not_found),
        [n2.as_str()]
    );
    let status = [Filter::new("status", &["succeeded"])];
    assert_eq!(found(&k.w, AnalysisQuery::default(), &status).len(), 2);
    let missing_path = AnalysisQuery {
        path_id: Some("nip-0123456789abcdef0".into()),
        ..AnalysisQuery::default()
    };
    let e = describe_analyses(&k.w, &a, &[], &missing_path, &[]).unwrap_err();
    assert_eq!(e.code, "InvalidNetworkInsightsPathId.NotFound");
    let e = describe_analyses(
        &k.w,
        &b,
        std::slice::from_ref(&n1),
        &AnalysisQuery::default(),
        &[],
    )
    .unwrap_err();
    assert_eq!(e.code, "InvalidNetworkInsightsAnalysisId.NotFound");

    // A path with analyses cannot go; the analyses can, then the path.
    k.refused(
        Cmd::DeletePath { id: p.clone() },
        "AnalysisExistsForNetworkInsightsPath",
    );
    k.refused_as(
        &b,
        Cmd::DeleteAnalysis { id: n1.clone() },
        "InvalidNetworkInsightsAnalysisId.NotFound",
    );
    for n in [&n1, &n2] {
        assert_eq!(k.id(Cmd::DeleteAnalysis { id: n.clone() }), *n);
    }
    k.refused(
        Cmd::DeleteAnalysis { id: n1 },
        "InvalidNetworkInsightsAnalysisId.NotFound",
    );
    k.refused_as(
        &b,
        Cmd::DeletePath { id: p.clone() },
        "InvalidNetworkInsightsPathId.NotFound",
    );
    assert_eq!(k.id(Cmd::DeletePath { id: p.clone() }), p);
    k.refused(
        Cmd::DeletePath { id: p },
        "InvalidNetworkInsightsPathId.NotFound",
    );
}

#[test]
fn analysis_parameters_are_validated() {
    let mut k = Kit::new();
    k.as_account(B);
    let a = k.ctx.clone();
    let (x, i) = (interface(&mut k, &a), instance(&mut k, &a));
    let p = k.insights_path(&x, &i);
    let with = |f: &dyn Fn(&mut Cmd)| {
        let mut c = start_analysis(&p, true);
        f(&mut c);
        c
    };
    let cases: Vec<Cmd> = vec![
        with(&|c| {
            if let Cmd::StartAnalysis {
                additional_accounts,
                ..
            } = c
            {
                additional_accounts.push("12345".into());
            }
        }),
        with(&|c| {
            if let Cmd::StartAnalysis { filter_in_arns, .. } = c {
                filter_in_arns.push("sg-0123".into());
            }
        }),
        with(&|c| {
            if let Cmd::StartAnalysis { tags, .. } = c {
                tags.push(TagSpec {
                    resource_type: "network-insights-path".into(),
                    tags: vec![],
                });
            }
        }),
    ];
    for c in cases {
        k.refused(c, "InvalidParameterValue");
    }
    let ok = with(&|c| {
        if let Cmd::StartAnalysis {
            additional_accounts,
            filter_out_arns,
            tags,
            ..
        } = c
        {
            additional_accounts.push(B.into());
            filter_out_arns.push(format!("arn:aws:ec2:us-east-1:{A}:security-group/sg-1"));
            tags.push(TagSpec {
                resource_type: "network-insights-analysis".into(),
                tags: vec![("Name".into(), "n".into())],
            });
        }
    });
    let n = k.id(ok);
    assert_eq!(tags::of(&k.w, a.scope(), &n).get("Name").unwrap(), "n");
    assert_eq!(
        k.w.insights_analyses.get(&n).unwrap().additional_accounts,
        [B]
    );
}

#[test]
fn client_tokens_make_creates_and_starts_idempotent() {
    let mut k = Kit::new();
    k.as_account(B);
    let a = k.ctx.clone();
    let (x, i) = (interface(&mut k, &a), instance(&mut k, &a));
    let tokened = |s: PathSpec| Cmd::CreatePath {
        spec: s,
        tags: vec![],
        client_token: Some("tok-1".into()),
    };
    let p = k.id(tokened(path_spec(&x, &i)));
    assert_eq!(k.id(tokened(path_spec(&x, &i))), p);
    assert_eq!(k.w.insights_paths.len(), 1);
    k.refused(tokened(path_spec(&i, &x)), "IdempotentParameterMismatch");

    // A retried Start is the same request even when the world (the result) changed.
    let started = |found: bool| {
        let mut c = start_analysis(&p, found);
        if let Cmd::StartAnalysis { client_token, .. } = &mut c {
            *client_token = Some("tok-2".into());
        }
        c
    };
    let n = k.id(started(true));
    assert_eq!(k.id(started(false)), n);
    assert_eq!(k.w.insights_analyses.len(), 1);
    assert!(
        k.w.insights_analyses
            .get(&n)
            .unwrap()
            .result
            .network_path_found
    );
}

#[test]
fn path_quota_only_when_configured() {
    let mut k = Kit::with_quotas(&["network-insights-paths-per-region=1"]);
    k.as_account(B);
    let a = k.ctx.clone();
    let (x, i) = (interface(&mut k, &a), instance(&mut k, &a));
    k.ok(create_path(path_spec(&x, &i)));
    k.refused(
        create_path(path_spec(&i, &x)),
        "NetworkInsightsPath.LimitExceeded",
    );
    let mut k = Kit::new();
    k.as_account(B);
    let (x, i) = (interface(&mut k, &a), instance(&mut k, &a));
    for _ in 0..3 {
        k.ok(create_path(path_spec(&x, &i)));
    }
}

#[test]
fn tags_and_visibility_of_paths_and_analyses() {
    let mut k = Kit::new();
    let b = k.as_account(B);
    let a = k.ctx.clone();
    let (x, i) = (interface(&mut k, &a), instance(&mut k, &a));
    let p = k.insights_path(&x, &i);
    let n = k.id(start_analysis(&p, true));
    assert!(k.w.check_visible(a.scope(), &p).is_ok());
    assert!(k.w.check_visible(a.scope(), &n).is_ok());
    let e = k.w.check_visible(b.scope(), &n).unwrap_err();
    assert_eq!(e.code, "InvalidNetworkInsightsAnalysisId.NotFound");
    assert_eq!(tags::resource_type_of(&p), "network-insights-path");
    k.ok(Cmd::DeleteAnalysis { id: n.clone() });
    assert!(k.w.check_visible(a.scope(), &n).is_err());
}

#[test]
fn components_carry_arns_in_aws_formats() {
    let mut k = Kit::new();
    let b = k.as_account(B);
    let x = interface(&mut k, &b);
    let fallback = Scope::new(A, "us-east-1");
    let arn = |id: &str| component(&k.w, id, &fallback).arn;
    // The owner comes from the world (another account's interface keeps its owner).
    assert_eq!(
        arn(&x).unwrap(),
        format!("arn:aws:ec2:us-east-1:{B}:network-interface/{x}")
    );
    let cases = [
        (
            "rtb-1",
            Some(format!("arn:aws:ec2:us-east-1:{A}:route-table/rtb-1")),
        ),
        (
            "nat-1",
            Some(format!("arn:aws:ec2:us-east-1:{A}:natgateway/nat-1")),
        ),
        (
            "pcx-1",
            Some(format!(
                "arn:aws:ec2:us-east-1:{A}:vpc-peering-connection/pcx-1"
            )),
        ),
        (
            "acl-1",
            Some(format!("arn:aws:ec2:us-east-1:{A}:network-acl/acl-1")),
        ),
        (
            "vpc-1",
            Some(format!("arn:aws:ec2:us-east-1:{A}:vpc/vpc-1")),
        ),
        (
            "pl-63a5400a",
            Some("arn:aws:ec2:us-east-1:aws:prefix-list/pl-63a5400a".to_string()),
        ),
        ("internet", None),
    ];
    for (id, want) in cases {
        assert_eq!(arn(id), want, "{id}");
    }
}

#[test]
fn results_journaled_before_the_typed_members_still_read() {
    // An explanation and a path component as journals held them before the load-balancer
    // and zone members existed: the new members read as absent.
    let old = r#"{"network_path_found":false,"forward":[{"sequence_number":1,
        "component":{"id":"eni-1","arn":null},"vpc":null,"subnet":null,"source_vpc":null,
        "destination_vpc":null,"acl_rule":null,"security_group_rule":null,"route":null,
        "inbound_header":null,"outbound_header":null}],"return_path":[],
        "explanations":[{"code":"NO_ROUTE_TO_DESTINATION","component":null,"vpc":null,
        "subnet":null,"source_vpc":null,"destination_vpc":null,"route_table":null,
        "route":null,"acl":null,"acl_rule":null,"security_group":null,"security_groups":[],
        "network_interface":null,"vpc_peering_connection":null,"internet_gateway":null,
        "nat_gateway":null,"vpc_endpoint":null,"egress":null,"address":null,"port":null,
        "protocols":[],"missing_component":null,"on_return_path":false,"message":"m"}]}"#;
    let r: AnalysisResult = serde_json::from_str(old).expect("an old result reads");
    assert_eq!(r.forward[0].explanations, Vec::new());
    assert_eq!(r.forward[0].elastic_load_balancer_listener, None);
    let e = &r.explanations[0];
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        ("NO_ROUTE_TO_DESTINATION", "m")
    );
    assert_eq!(
        (
            e.load_balancer_arn.as_ref(),
            e.load_balancer_target.as_ref()
        ),
        (None, None)
    );
    assert!(e.availability_zones.is_empty() && e.load_balancer_target_groups.is_empty());
}
