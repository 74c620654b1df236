//! Provider-side rules of §2 and discovery (§2.5).

use std::collections::BTreeSet;

use super::services::parse_lb_arn;
use super::*;
use crate::filter::Filter;
use crate::tags::{self, TagSpec};
use crate::testkit::{Kit, A, B, C, REGION};
use crate::world::Ctx;
use crate::{Command, Output};

#[test]
fn create_validates_load_balancers() {
    let mut k = Kit::new();
    let nlb = k.lb_in_zones(A, "network", "web", &["use1-az1", "use1-az2"]);
    let gwlb = k.lb_in_zones(A, "gateway", "fw", &["use1-az1"]);
    let other = k.lb_in_zones(B, "network", "theirs", &["use1-az1"]);
    let none: &[&str] = &[];
    k.refused_saying(
        A,
        Kit::create_service(none, none),
        "InvalidParameter",
        "either",
    );
    k.refused_saying(
        A,
        Kit::create_service(&[&nlb], &[&gwlb]),
        "InvalidParameter",
        "not both",
    );
    k.refused_saying(
        A,
        Kit::create_service(&["arn:aws:ec2:x"], none),
        "InvalidNetworkLoadBalancerArn.Malformed",
        "arn:aws:ec2:x",
    );
    let missing = nlb.replace("/web/", "/nope/");
    k.refused_saying(
        A,
        Kit::create_service(&[&missing], none),
        "InvalidNetworkLoadBalancerArn.NotFound",
        "nope",
    );
    // Another account's load balancer is invisible.
    k.refused_saying(
        A,
        Kit::create_service(&[&other], none),
        "InvalidNetworkLoadBalancerArn.NotFound",
        "theirs",
    );
    // A gateway load balancer given as a network one.
    k.refused_saying(
        A,
        Kit::create_service(&[&gwlb], none),
        "InvalidNetworkLoadBalancerArn.NotFound",
        "fw",
    );
    k.refused_saying(
        A,
        Kit::create_service(none, &[&nlb]),
        "InvalidGatewayLoadBalancerArn.NotFound",
        "web",
    );
    k.ok(Kit::create_service(&[&nlb], none));
    k.refused_saying(
        A,
        Kit::create_service(&[&nlb], none),
        "InvalidParameter",
        "already associated",
    );
    k.ok(Kit::create_service(none, &[&gwlb]));
}

#[test]
fn created_service_shape() {
    let mut k = Kit::new();
    let nlb = k.lb_in_zones(A, "network", "web", &["use1-az2", "use1-az1"]);
    let id = k.service(A, &nlb, true);
    assert!(crate::ids::is_well_formed(&id, "vpce-svc"), "{id}");
    let s = k.svc(&id).clone();
    assert_eq!(s.name(), format!("com.amazonaws.vpce.us-east-1.{id}"));
    assert_eq!(
        s.base_dns_name(),
        format!("{id}.us-east-1.vpce.amazonaws.com")
    );
    assert_eq!(s.state.as_str(), "Available");
    assert_eq!(s.service_type, ServiceType::Interface);
    assert!(s.acceptance_required);
    assert_eq!(s.supported_ip_address_types, vec!["ipv4"]);
    let zones = zones_for(&k.w, &s, A);
    let ids: BTreeSet<_> = zones.iter().map(|z| z.id.as_str()).collect();
    assert_eq!(ids, BTreeSet::from(["use1-az1", "use1-az2"]));
    assert!(zones.windows(2).all(|p| p[0].name < p[1].name));
}

#[test]
fn create_options_are_validated() {
    let mut k = Kit::new();
    let nlb = k.lb_in_zones(A, "network", "web", &["use1-az1"]);
    let gwlb = k.lb_in_zones(A, "gateway", "fw", &["use1-az1"]);
    let with = |f: &dyn Fn(&mut Cmd)| {
        let mut c = Kit::create_service(&[&nlb], &[]);
        f(&mut c);
        c
    };
    let set_ip = |c: &mut Cmd| {
        if let Cmd::Create {
            supported_ip_address_types,
            ..
        } = c
        {
            *supported_ip_address_types = vec!["ipv5".into()];
        }
    };
    k.refused_saying(A, with(&set_ip), "InvalidParameterValue", "ipv5");
    let ipv6 = |c: &mut Cmd| {
        if let Cmd::Create {
            supported_ip_address_types,
            ..
        } = c
        {
            *supported_ip_address_types = vec!["ipv6".into()];
        }
    };
    k.refused_saying(A, with(&ipv6), "InvalidParameter", "dualstack");
    let region = |c: &mut Cmd| {
        if let Cmd::Create {
            supported_regions, ..
        } = c
        {
            *supported_regions = vec!["mars-north-1".into()];
        }
    };
    k.refused_saying(A, with(&region), "InvalidParameter", "mars-north-1");
    let bad_dns = |c: &mut Cmd| {
        if let Cmd::Create {
            private_dns_name, ..
        } = c
        {
            *private_dns_name = Some("not a name".into());
        }
    };
    k.refused_saying(A, with(&bad_dns), "InvalidParameterValue", "PrivateDnsName");
    let bad_tags = |c: &mut Cmd| {
        if let Cmd::Create { tags, .. } = c {
            *tags = vec![TagSpec {
                resource_type: "vpc".into(),
                tags: vec![("a".into(), "b".into())],
            }];
        }
    };
    k.refused_saying(A, with(&bad_tags), "InvalidParameterValue", "vpc");
    let mut gw = Kit::create_service(&[], &[&gwlb]);
    if let Cmd::Create {
        private_dns_name, ..
    } = &mut gw
    {
        *private_dns_name = Some("svc.example.com".into());
    }
    k.refused_saying(A, gw, "InvalidParameter", "Private DNS");
    // Valid: private DNS pending verification, regions, tags.
    let good = |c: &mut Cmd| {
        if let Cmd::Create {
            private_dns_name,
            supported_regions,
            tags,
            ..
        } = c
        {
            *private_dns_name = Some("svc.example.com".into());
            *supported_regions = vec!["us-west-2".into(), REGION.into()];
            *tags = vec![TagSpec {
                resource_type: "vpc-endpoint-service".into(),
                tags: vec![("Name".into(), "web".into())],
            }];
        }
    };
    k.ok(with(&good));
    let s = k.w.endpoint_services.values().next().unwrap().clone();
    let dns = s.private_dns.clone().unwrap();
    assert_eq!(dns.state, DnsState::PendingVerification);
    assert!(dns.record_name.starts_with('_'));
    assert!(dns.record_value.starts_with("vpce:"));
    assert_eq!(s.all_regions(), vec![REGION, "us-west-2"]);
    assert_eq!(tags::of(&k.w, k.ctx.clone().scope(), &s.id)["Name"], "web");
}

#[test]
fn client_token_makes_create_idempotent() {
    let mut k = Kit::new();
    let nlb = k.lb_in_zones(A, "network", "web", &["use1-az1"]);
    let mut cmd = Kit::create_service(&[&nlb], &[]);
    if let Cmd::Create { client_token, .. } = &mut cmd {
        *client_token = Some("tok".into());
    }
    let first = k.run(cmd.clone()).unwrap();
    assert_eq!(k.run(cmd.clone()).unwrap(), first);
    if let Cmd::Create {
        acceptance_required,
        ..
    } = &mut cmd
    {
        *acceptance_required = true;
    }
    k.refused_saying(A, cmd, "IdempotentParameterMismatch", "tok");
    assert_eq!(k.w.endpoint_services.len(), 1);
}

#[test]
fn private_dns_verification_rule() {
    let mut k = Kit::new();
    let nlb = k.lb_in_zones(A, "network", "web", &["use1-az1"]);
    let id = k.service(A, &nlb, false);
    let verify = || Cmd::StartPrivateDnsVerification {
        service_id: id.clone(),
    };
    k.refused_saying(
        A,
        verify(),
        "InvalidParameter",
        "does not have a private DNS name",
    );
    k.ok(Kit::modify_service(&id, |m| {
        m.private_dns_name = Some("api.example.com".into())
    }));
    k.ok(verify());
    assert_eq!(
        k.svc(&id).private_dns.as_ref().unwrap().state,
        DnsState::Verified
    );
    k.ok(Kit::modify_service(&id, |m| {
        m.private_dns_name = Some("api.example.invalid".into())
    }));
    assert_eq!(
        k.svc(&id).private_dns.as_ref().unwrap().state,
        DnsState::PendingVerification
    );
    k.ok(verify());
    assert_eq!(
        k.svc(&id).private_dns.as_ref().unwrap().state,
        DnsState::Failed
    );
    k.refused_saying(
        A,
        Kit::modify_service(&id, |m| {
            m.private_dns_name = Some("x.example.com".into());
            m.remove_private_dns_name = true;
        }),
        "InvalidParameterCombination",
        "RemovePrivateDnsName",
    );
    k.ok(Kit::modify_service(&id, |m| {
        m.remove_private_dns_name = true
    }));
    assert!(k.svc(&id).private_dns.is_none());
    k.refused_saying(B, verify(), "InvalidVpcEndpointServiceId.NotFound", &id);
}

#[test]
fn modify_rules() {
    let mut k = Kit::new();
    let nlb = k.lb_in_zones(A, "network", "web", &["use1-az1"]);
    let nlb2 = k.lb_in_zones(A, "network", "web2", &["use1-az3"]);
    let gwlb = k.lb_in_zones(A, "gateway", "fw", &["use1-az1"]);
    let id = k.service(A, &nlb, false);
    k.refused_saying(
        B,
        Kit::modify_service(&id, |_| {}),
        "InvalidVpcEndpointServiceId.NotFound",
        &id,
    );
    k.refused_saying(
        A,
        Kit::modify_service(&id, |m| {
            m.add_gateway_load_balancer_arns = vec![gwlb.clone()]
        }),
        "InvalidParameter",
        "other type",
    );
    k.refused_saying(
        A,
        Kit::modify_service(&id, |m| {
            m.remove_network_load_balancer_arns = vec![nlb2.clone()]
        }),
        "InvalidParameter",
        "not associated",
    );
    k.refused_saying(
        A,
        Kit::modify_service(&id, |m| {
            m.remove_network_load_balancer_arns = vec![nlb.clone()]
        }),
        "InvalidParameter",
        "at least one load balancer",
    );
    k.ok(Kit::modify_service(&id, |m| {
        m.add_network_load_balancer_arns = vec![nlb2.clone()]
    }));
    let zones: Vec<_> = zones_for(&k.w, k.svc(&id), A)
        .into_iter()
        .map(|z| z.id)
        .collect();
    assert_eq!(zones.len(), 2);
    k.ok(Kit::modify_service(&id, |m| {
        m.remove_network_load_balancer_arns = vec![nlb.clone()];
        m.acceptance_required = Some(true);
        m.add_supported_regions = vec!["us-west-2".into()];
    }));
    let s = k.svc(&id).clone();
    assert_eq!(s.network_load_balancer_arns, vec![nlb2.clone()]);
    assert!(s.acceptance_required);
    assert_eq!(s.supported_regions, vec!["us-west-2"]);
    k.refused_saying(
        A,
        Kit::modify_service(&id, |m| m.remove_supported_regions = vec![REGION.into()]),
        "InvalidParameter",
        "home Region",
    );
    k.refused_saying(
        A,
        Kit::modify_service(&id, |m| {
            m.remove_supported_ip_address_types = vec!["ipv4".into()]
        }),
        "InvalidParameter",
        "at least one IP address type",
    );
    k.refused_saying(
        A,
        Kit::modify_service(&id, |m| {
            m.add_supported_ip_address_types = vec!["ipv6".into()]
        }),
        "InvalidParameter",
        "dualstack",
    );
    k.w.load_balancers
        .values_mut()
        .for_each(|lb| lb.ip_address_type = "dualstack".into());
    k.ok(Kit::modify_service(&id, |m| {
        m.add_supported_ip_address_types = vec!["ipv6".into()]
    }));
    assert_eq!(k.svc(&id).supported_ip_address_types, vec!["ipv4", "ipv6"]);
    let gsvc = k.id(Kit::create_service(&[], &[&gwlb]));
    k.refused_saying(
        A,
        Kit::modify_service(&gsvc, |m| m.private_dns_name = Some("a.example.com".into())),
        "InvalidParameter",
        "Private DNS",
    );
}

#[test]
fn permissions() {
    let mut k = Kit::new();
    let nlb = k.lb_in_zones(A, "network", "web", &["use1-az1"]);
    let id = k.service(A, &nlb, false);
    let perms = |add: &[&str], remove: &[&str]| Cmd::ModifyPermissions {
        service_id: id.clone(),
        add: add.iter().map(|s| s.to_string()).collect(),
        remove: remove.iter().map(|s| s.to_string()).collect(),
    };
    for bad in [
        "arn:aws:iam::222222222222:user/path/to/bob",
        "arn:aws:iam::222222222222:group/devs",
        "222222222222",
        "arn:aws:iam::2222:root",
        "arn:aws:sts::222222222222:assumed-role/x/y",
    ] {
        k.refused_saying(
            A,
            perms(&[bad], &[]),
            "UnknownPrincipalType.Unsupported",
            bad,
        );
    }
    k.refused_saying(
        B,
        perms(&["*"], &[]),
        "InvalidVpcEndpointServiceId.NotFound",
        &id,
    );
    let out = k
        .run(perms(
            &[
                "arn:aws:iam::222222222222:root",
                "arn:aws:iam::333333333333:role/app",
                "arn:aws:iam::333333333333:user/bob",
            ],
            &[],
        ))
        .unwrap();
    let Output::Ids(ids) = out else { panic!() };
    assert_eq!(ids.len(), 3);
    assert!(ids
        .iter()
        .all(|i| crate::ids::is_well_formed(i, "vpce-svc-perm")));
    // Adding an existing principal returns its permission again.
    let again = k
        .run(perms(&["arn:aws:iam::222222222222:root"], &[]))
        .unwrap();
    assert_eq!(again, Output::Ids(vec![ids[0].clone()]));
    let ctx = k.ctx.clone();
    let all = describe_permissions(&k.w, &ctx, &id, &[]).unwrap();
    assert_eq!(all.len(), 3);
    let only = |name: &str, v: &str| {
        describe_permissions(&k.w, &ctx, &id, &[Filter::new(name, &[v])])
            .unwrap()
            .iter()
            .map(|p| p.principal.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        only("principal-type", "Role"),
        vec!["arn:aws:iam::333333333333:role/app"]
    );
    assert_eq!(only("principal-type", "Account").len(), 1);
    assert_eq!(only("principal", "*:user/*").len(), 1);
    assert_eq!(only("permission-type", "vpc-endpoint").len(), 3);
    assert!(describe_permissions(&k.w, &ctx, &id, &[Filter::new("bogus", &["x"])]).is_err());
    assert!(k.svc(&id).allows(B) && k.svc(&id).allows(C) && k.svc(&id).allows(A));
    k.ok(perms(
        &[],
        &[
            "arn:aws:iam::222222222222:root",
            "arn:aws:iam::999999999999:root",
        ],
    ));
    assert!(!k.svc(&id).allows(B));
    assert!(permission_visible(&k.w, ctx.scope(), &ids[1]));
    k.ok(perms(&["*"], &[]));
    assert!(k.svc(&id).allows("444444444444"));
    assert_eq!(principal_type("*").unwrap(), PrincipalType::All);
}

#[test]
fn delete_reports_per_id() {
    let mut k = Kit::new();
    let nlb = k.lb_in_zones(A, "network", "web", &["use1-az1"]);
    let id = k.service(A, &nlb, false);
    let unknown = "vpce-svc-0123456789abcdef0".to_string();
    let out = k
        .run(Cmd::Delete {
            service_ids: vec![unknown.clone(), id.clone(), id.clone()],
        })
        .unwrap();
    let Output::Bulk { ok, failed } = out else {
        panic!()
    };
    assert_eq!(ok, vec![id.clone()]);
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].id, unknown);
    assert_eq!(failed[0].code, "InvalidVpcEndpointServiceId.NotFound");
    assert!(k.w.endpoint_services.is_empty());
    // The load balancer is free again.
    assert!(service_of_load_balancer(&k.w, &nlb).is_none());
    let id = k.service(A, &nlb, false);
    // ELBv2 refuses to delete a load balancer that serves an endpoint service.
    let delete_lb = Command::Elb(crate::elb::Cmd::DeleteLoadBalancer { arn: nlb.clone() });
    k.refused_saying(A, delete_lb.clone(), "ResourceInUse", &id);
    k.run(Cmd::Delete {
        service_ids: vec![id],
    })
    .unwrap();
    k.ok(delete_lb);
}

#[test]
fn describe_configurations_filters() {
    let mut k = Kit::new();
    let nlb = k.lb_in_zones(A, "network", "web", &["use1-az1"]);
    let nlb2 = k.lb_in_zones(A, "network", "web2", &["use1-az1"]);
    let x = k.service(A, &nlb, false);
    let y = k.service(A, &nlb2, false);
    let ctx = k.ctx.clone();
    let ids = |f: &[Filter]| {
        describe_configurations(&k.w, &ctx, &[], f)
            .unwrap()
            .iter()
            .map(|s| s.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&[]).len(), 2);
    assert_eq!(ids(&[Filter::new("service-id", &[&x])]), vec![x.clone()]);
    let name = format!("com.amazonaws.vpce.us-east-1.{y}");
    assert_eq!(
        ids(&[Filter::new("service-name", &[&name])]),
        vec![y.clone()]
    );
    assert_eq!(
        ids(&[Filter::new("service-state", &["Available"])]).len(),
        2
    );
    assert_eq!(
        ids(&[Filter::new("supported-ip-address-types", &["ipv6"])]).len(),
        0
    );
    let e = describe_configurations(&k.w, &ctx, &[], &[Filter::new("vpc-id", &["x"])]).unwrap_err();
    assert_eq!(e.code, "InvalidParameterValue");
    let e = describe_configurations(
        &k.w,
        &Ctx::new(B, REGION, k.ctx.now),
        std::slice::from_ref(&x),
        &[],
    )
    .unwrap_err();
    assert_eq!(e.code, "InvalidVpcEndpointServiceId.NotFound");
}

#[test]
fn catalogue_of_aws_services() {
    let mut k = Kit::new();
    k.run(Command::InitScope).unwrap();
    let ctx = k.ctx.clone();
    let all = describe_services(&k.w, &ctx, &[], &[], &[]).unwrap();
    let s3: Vec<_> = all
        .iter()
        .filter(|v| v.name == "com.amazonaws.us-east-1.s3")
        .collect();
    assert_eq!(s3.len(), 2);
    assert_eq!(s3[0].service_type, ServiceType::Interface);
    assert_eq!(s3[1].service_type, ServiceType::Gateway);
    assert!(s3[0].private_dns_name.is_none());
    let ec2 = all
        .iter()
        .find(|v| v.name == "com.amazonaws.us-east-1.ec2")
        .unwrap();
    assert_eq!(
        ec2.usable_private_dns_name(),
        Some("ec2.us-east-1.amazonaws.com")
    );
    assert_eq!(ec2.owner, "amazon");
    assert_eq!(ec2.zones.len(), 6);
    assert!(ec2.policy_supported);
    assert!(crate::ids::is_well_formed(&ec2.id, "vpce-svc"));
    for short in [
        "dynamodb",
        "sts",
        "ssm",
        "ssmmessages",
        "ec2messages",
        "kms",
        "logs",
        "monitoring",
        "sqs",
        "sns",
        "secretsmanager",
        "ecr.api",
        "ecr.dkr",
        "elasticloadbalancing",
        "execute-api",
        "lambda",
    ] {
        let name = format!("com.amazonaws.us-east-1.{short}");
        assert!(all.iter().any(|v| v.name == name), "{short}");
    }
    let gateways = describe_services(
        &k.w,
        &ctx,
        &[],
        &[],
        &[Filter::new("service-type", &["Gateway"])],
    )
    .unwrap();
    assert_eq!(gateways.len(), 2);
    let e = describe_services(
        &k.w,
        &ctx,
        &["com.amazonaws.us-east-1.nope".into()],
        &[],
        &[],
    )
    .unwrap_err();
    assert_eq!(e.code, "InvalidServiceName");
    let by_name =
        describe_services(&k.w, &ctx, &["com.amazonaws.us-east-1.s3".into()], &[], &[]).unwrap();
    assert_eq!(by_name.len(), 2);
    let west = Ctx::new(A, "us-west-2", k.ctx.now);
    let w2 = describe_services(
        &k.w,
        &west,
        &[],
        &[],
        &[Filter::new("service-region", &["us-west-2"])],
    )
    .unwrap();
    assert_eq!(w2.len(), all.len());
    assert!(w2.iter().all(|v| v.name.contains("us-west-2")));
    assert_eq!(
        aws_short_name("com.amazonaws.us-east-1.ecr.api", REGION),
        Some("ecr.api")
    );
    assert_eq!(aws_short_name("com.amazonaws.us-west-2.s3", REGION), None);
}

#[test]
fn custom_services_are_visible_only_when_permitted() {
    let mut k = Kit::new();
    let nlb = k.lb_in_zones(A, "network", "web", &["use1-az1", "use1-az2"]);
    let id = k.service(A, &nlb, false);
    let name = format!("com.amazonaws.vpce.us-east-1.{id}");
    let sees = |k: &Kit, account: &str| {
        describe_services(&k.w, &Ctx::new(account, REGION, k.ctx.now), &[], &[], &[])
            .unwrap()
            .into_iter()
            .any(|v| v.name == name)
    };
    assert!(sees(&k, A));
    assert!(!sees(&k, B));
    let e = describe_services(
        &k.w,
        &Ctx::new(B, REGION, k.ctx.now),
        std::slice::from_ref(&name),
        &[],
        &[],
    )
    .unwrap_err();
    assert_eq!(e.code, "InvalidServiceName");
    k.allow(A, &id, "arn:aws:iam::222222222222:role/consumer");
    assert!(sees(&k, B));
    assert!(!sees(&k, C));
    k.allow(A, &id, "*");
    assert!(sees(&k, C));
    // Zones are intersected by id and named as the consumer names them.
    let view = resolve(&k.w, &Ctx::new(B, REGION, k.ctx.now), &name, REGION).remove(0);
    let b_zones = k.w.config.region(REGION).unwrap().zones_for(B);
    for z in &view.zones {
        assert!(b_zones.contains(z), "{z:?}");
        assert!(["use1-az1", "use1-az2"].contains(&z.id.as_str()));
    }
    assert_eq!(view.owner, A);
    assert!(!view.policy_supported);
    let by_owner = describe_services(
        &k.w,
        &Ctx::new(B, REGION, k.ctx.now),
        &[],
        &[],
        &[Filter::new("owner", &[A])],
    )
    .unwrap();
    assert_eq!(by_owner.len(), 1);
    // A remote Region sees it only once the service supports that Region.
    let west = Ctx::new(B, "us-west-2", k.ctx.now);
    let remote = || describe_services(&k.w, &west, &[], &[REGION.into()], &[]).unwrap();
    assert!(remote().iter().all(|v| v.name != name));
    k.ok(Kit::modify_service(&id, |m| {
        m.add_supported_regions = vec!["us-west-2".into()]
    }));
    let west = Ctx::new(B, "us-west-2", k.ctx.now);
    let found = describe_services(&k.w, &west, &[], &[REGION.into()], &[]).unwrap();
    assert!(found.iter().any(|v| v.name == name && v.region == REGION));
}

#[test]
fn principal_parsing() {
    assert_eq!(principal_account("arn:aws:iam::222222222222:root"), Some(B));
    assert_eq!(principal_account("*"), None);
    assert_eq!(
        principal_type("arn:aws:iam::222222222222:user/a.b@c").unwrap(),
        PrincipalType::User
    );
    assert!(principal_type("arn:aws:iam::222222222222:role/").is_err());
    assert!(parse_lb_arn(
        "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/a/b"
    )
    .is_some());
    assert!(
        parse_lb_arn("arn:aws:elasticloadbalancing:us-east-1:1111:loadbalancer/net/a/b").is_none()
    );
    assert!(
        parse_lb_arn("arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/a/b")
            .is_none()
    );
}

#[test]
fn the_catalogue_is_data_with_hundreds_of_services() {
    let mut k = Kit::new();
    k.run(Command::InitScope).unwrap();
    let ctx = k.ctx.clone();
    let all = describe_services(&k.w, &ctx, &[], &[], &[]).unwrap();
    let interfaces = all
        .iter()
        .filter(|v| v.service_type == ServiceType::Interface)
        .count();
    assert!(interfaces > 400, "{interfaces}");
    assert!(all.iter().all(|v| v.owner == "amazon"));
    assert!(all
        .windows(2)
        .all(|p| (&p[0].name, p[0].service_type) < (&p[1].name, p[1].service_type)));
    let one = |short: &str| {
        let name = format!("com.amazonaws.us-east-1.{short}");
        all.iter()
            .find(|v| v.name == name && v.service_type == ServiceType::Interface)
            .unwrap_or_else(|| panic!("{short}"))
            .clone()
    };
    // Private DNS names and endpoint labels as AWS names them.
    for (short, dns, label) in [
        (
            "ecr.api",
            Some("api.ecr.us-east-1.amazonaws.com"),
            "api.ecr",
        ),
        (
            "ecr.dkr",
            Some("*.dkr.ecr.us-east-1.amazonaws.com"),
            "dkr.ecr",
        ),
        (
            "kinesis-streams",
            Some("kinesis.us-east-1.amazonaws.com"),
            "kinesis",
        ),
        (
            "bedrock-runtime",
            Some("bedrock-runtime.us-east-1.amazonaws.com"),
            "bedrock-runtime",
        ),
        ("s3", None, "s3"),
        (
            "managedblockchain.bitcoin.mainnet",
            None,
            "managedblockchain.bitcoin.mainnet",
        ),
    ] {
        let v = one(short);
        assert_eq!(v.private_dns_name.as_deref(), dns, "{short}");
        assert_eq!(v.dns_label, label, "{short}");
        assert_eq!(
            v.base_dns_names,
            vec![format!("{label}.us-east-1.vpce.amazonaws.com")]
        );
        assert_eq!(
            v.private_dns_state,
            dns.map(|_| DnsState::Verified),
            "{short}"
        );
    }
    assert_eq!(one("dynamodb").supported_ip_address_types, ["ipv4", "ipv6"]);
    assert_eq!(one("sts").supported_ip_address_types, ["ipv4"]);
    // Filters and lookups reach every entry.
    let f = |n: &str, v: &str| {
        describe_services(&k.w, &ctx, &[], &[], &[Filter::new(n, &[v])])
            .unwrap()
            .len()
    };
    assert_eq!(f("service-name", "com.amazonaws.us-east-1.xray"), 1);
    assert_eq!(f("service-name", "com.amazonaws.us-east-1.bedrock*"), 8);
    assert_eq!(f("owner", "amazon"), all.len());
    assert_eq!(
        aws_view(
            &k.w,
            A,
            REGION,
            "com.amazonaws.us-east-1.xray",
            ServiceType::Interface
        )
        .unwrap()
        .id,
        one("xray").id
    );
    assert!(aws_view(
        &k.w,
        A,
        REGION,
        "com.amazonaws.us-east-1.xray",
        ServiceType::Gateway
    )
    .is_none());
}

fn notification(service: Option<&str>, endpoint: Option<&str>, arn: &str, events: &[&str]) -> Cmd {
    Cmd::CreateNotification(Box::new(CreateNotification {
        service_id: service.map(str::to_string),
        vpc_endpoint_id: endpoint.map(str::to_string),
        arn: arn.into(),
        events: events.iter().map(|e| e.to_string()).collect(),
        client_token: None,
    }))
}

#[test]
fn connection_notifications_are_validated_and_stored() {
    let mut k = Kit::new();
    let nlb = k.lb_in_zones(A, "network", "web", &["use1-az1"]);
    let service = k.service(A, &nlb, true);
    let topic = "arn:aws:sns:us-east-1:111111111111:endpoint-events";
    let n = k.id(notification(
        Some(&service),
        None,
        topic,
        &["Connect", "Accept", "Accept"],
    ));
    assert!(crate::ids::is_well_formed(&n, "vpce-nfn"), "{n}");
    let stored = k.w.connection_notifications.get(&n).unwrap().clone();
    assert_eq!(stored.events, ["Connect", "Accept"]);
    assert_eq!(stored.service_id.as_deref(), Some(service.as_str()));
    // Refused: bad topics and events, both or neither target, unknown targets.
    for (cmd, code) in [
        (
            notification(
                Some(&service),
                None,
                "arn:aws:sqs:us-east-1:111111111111:q",
                &["Accept"],
            ),
            "InvalidParameter",
        ),
        (
            notification(Some(&service), None, "not-an-arn", &["Accept"]),
            "InvalidParameter",
        ),
        (
            notification(Some(&service), None, topic, &["Explode"]),
            "InvalidParameter",
        ),
        (
            notification(Some(&service), None, topic, &[]),
            "MissingParameter",
        ),
        (
            notification(None, None, topic, &["Accept"]),
            "MissingParameter",
        ),
        (
            notification(
                Some(&service),
                Some("vpce-0123456789abcdef0"),
                topic,
                &["Accept"],
            ),
            "InvalidParameterCombination",
        ),
        (
            notification(Some("vpce-svc-0123456789abcdef0"), None, topic, &["Accept"]),
            "InvalidVpcEndpointServiceId.NotFound",
        ),
        (
            notification(None, Some("vpce-0123456789abcdef0"), topic, &["Accept"]),
            "InvalidVpcEndpointId.NotFound",
        ),
    ] {
        k.refused(cmd, code);
    }
    // Another account can neither use the service nor see the notification.
    let b = k.as_account(B);
    k.refused_as(
        &b,
        notification(Some(&service), None, topic, &["Accept"]),
        "InvalidVpcEndpointServiceId.NotFound",
    );
    assert_eq!(
        describe_notifications(&k.w, &b, Some(&n), &[])
            .unwrap_err()
            .code,
        "InvalidConnectionNotification"
    );
    // Modify: a new topic and/or events, checked the same way.
    let modify = |arn: Option<&str>, events: &[&str]| Cmd::ModifyNotification {
        id: n.clone(),
        arn: arn.map(str::to_string),
        events: events.iter().map(|e| e.to_string()).collect(),
    };
    k.refused(modify(None, &[]), "MissingParameter");
    k.refused(modify(Some("arn:aws:sns:x"), &[]), "InvalidParameter");
    k.refused(modify(None, &["Nope"]), "InvalidParameter");
    let topic2 = "arn:aws:sns:us-east-1:111111111111:other";
    k.ok(modify(Some(topic2), &["Delete", "Reject"]));
    let stored = k.w.connection_notifications.get(&n).unwrap();
    assert_eq!(
        (stored.arn.as_str(), stored.events.clone()),
        (topic2, vec!["Delete".to_string(), "Reject".into()])
    );
    // Describe with filters.
    let ctx = k.ctx.clone();
    let f = |name: &str, v: &str| {
        describe_notifications(&k.w, &ctx, None, &[Filter::new(name, &[v])])
            .unwrap()
            .len()
    };
    assert_eq!(f("service-id", &service), 1);
    assert_eq!(f("connection-notification-arn", topic2), 1);
    assert_eq!(f("connection-notification-state", "Enabled"), 1);
    assert_eq!(f("connection-notification-type", "Topic"), 1);
    assert_eq!(f("vpc-endpoint-id", "vpce-0123456789abcdef0"), 0);
    assert!(describe_notifications(&k.w, &ctx, None, &[Filter::new("bogus", &["x"])]).is_err());
    // Delete reports unknown ids per item; deleting the service takes its notifications.
    let n2 = k.id(notification(Some(&service), None, topic, &["Accept"]));
    let unknown = "vpce-nfn-0123456789abcdef0";
    match k.ok(Cmd::DeleteNotifications {
        ids: vec![n.clone(), unknown.into()],
    }) {
        Output::Bulk { ok, failed } => {
            assert_eq!(ok, vec![n.clone()]);
            assert_eq!(
                (failed[0].id.as_str(), failed[0].code.as_str()),
                (unknown, "InvalidConnectionNotification")
            );
        }
        other => panic!("{other:?}"),
    }
    k.ok(Cmd::Delete {
        service_ids: vec![service.clone()],
    });
    assert!(k.w.connection_notifications.get(&n2).is_none());
}

#[test]
fn payer_responsibility_is_service_owner_only() {
    let mut k = Kit::new();
    let nlb = k.lb_in_zones(A, "network", "web", &["use1-az1"]);
    let service = k.service(A, &nlb, false);
    let set = |p: &str| Cmd::ModifyPayerResponsibility {
        service_id: service.clone(),
        payer_responsibility: p.into(),
    };
    k.ok(set("ServiceOwner"));
    k.refused(set("EndpointOwner"), "InvalidParameterValue");
    let b = k.as_account(B);
    k.refused_as(
        &b,
        set("ServiceOwner"),
        "InvalidVpcEndpointServiceId.NotFound",
    );
}
