//! The VPC endpoints and PrivateLink of a synthetic network, made through the core's
//! commands as an API client would make them (so the load balancers' node interfaces,
//! the endpoints' interfaces and routes, states and addresses are the core's own):
//!
//! - gateway endpoints: S3 on a VPC's main and public tables, then DynamoDB on its main
//!   table, VPC by VPC;
//! - endpoint services, each behind an internal network load balancer in up to three
//!   private subnets (one per Availability Zone) of a provider VPC, with a TCP 443 listener
//!   forwarding to port 8080 of IP targets: `app` interfaces of those subnets (the `app`
//!   group admits 8080 from the VPC); any principal may connect, without acceptance;
//! - interface endpoints to those services from other VPCs, in up to two private subnets
//!   of the service's zones, with a `vpce` group admitting TCP 443 from the consumer VPC.

use std::collections::HashMap;

use openvpc_core::command::{Command, Output};
use openvpc_core::elb::{
    ActionSpec, Cmd as ElbCmd, CreateListener, CreateLoadBalancer, CreateTargetGroup, TargetSpec,
};
use openvpc_core::endpoint::{Cmd as EndpointCmd, Create as CreateEndpoint};
use openvpc_core::endpoint_service::Cmd as ServiceCmd;
use openvpc_core::sg::{Cmd as SgCmd, GroupRef, PeerSpec, Permission};
use openvpc_core::{Ctx, Millis, World};

use super::{Layout, Rng, Tier, REGION};

/// When the commands run (their asynchronous steps are done by [`super::NOW`]).
const BUILD: Millis = 1_000;

/// The port the services listen on, and the port of their targets.
pub const LISTENER_PORT: u16 = 443;
pub const TARGET_PORT: u16 = 8080;

/// One endpoint service and what uses it.
#[derive(Debug, Clone, Default)]
pub struct ServiceLayout {
    /// The provider VPC's index.
    pub provider: usize,
    pub service_id: String,
    pub service_name: String,
    pub load_balancer: String,
    pub target_group: String,
    /// Availability Zone ids of the load balancer's nodes.
    pub zones: Vec<String>,
    /// Interface endpoints: (consumer VPC index, endpoint id, its security group).
    pub endpoints: Vec<(usize, String, String)>,
}

/// Makes the tier's gateway endpoints, services and interface endpoints.
pub(super) fn generate(w: &mut World, l: &mut Layout, tier: Tier, r: &mut Rng) {
    gateway_endpoints(w, l, tier);
    let mut groups = HashMap::new();
    for k in 0..tier.services {
        let s = service(w, l, r, k);
        l.services.push(s);
    }
    for k in 0..tier.interface_endpoints {
        if l.services.is_empty() {
            break;
        }
        let s = k % l.services.len();
        interface_endpoint(w, l, r, s, &mut groups);
    }
}

/// Runs `cmd` as `account`; the generator's commands are valid by construction.
fn run(w: &mut World, account: &str, cmd: impl Into<Command>) -> Output {
    let cmd = cmd.into();
    w.apply(&Ctx::new(account, REGION, BUILD), cmd.clone())
        .unwrap_or_else(|e| panic!("synthetic network: {cmd:?} refused: {e:?}"))
}

fn created(out: Output) -> String {
    match out {
        Output::Id(id) => id,
        other => panic!("expected an id, got {other:?}"),
    }
}

fn gateway_endpoints(w: &mut World, l: &mut Layout, tier: Tier) {
    let n = l.vpcs.len();
    for k in 0..tier.gateway_endpoints.min(2 * n) {
        let v = &l.vpcs[k % n];
        let (service, tables) = if k < n {
            ("s3", vec![v.main_rtb.clone(), v.public_rtb.clone()])
        } else {
            ("dynamodb", vec![v.main_rtb.clone()])
        };
        let create = CreateEndpoint {
            endpoint_type: Some("Gateway".into()),
            vpc_id: v.id.clone(),
            service_name: Some(format!("com.amazonaws.{REGION}.{service}")),
            route_table_ids: tables,
            ..CreateEndpoint::default()
        };
        let account = v.account.clone();
        let id = created(run(w, &account, EndpointCmd::Create(Box::new(create))));
        l.gateway_endpoints
            .entry(k % n)
            .or_default()
            .push((service.to_string(), id));
    }
}

/// The private subnets of VPC `v`, one per Availability Zone id, at most `most`, with
/// their zone ids; only zones in `zones` when given.
fn private_subnets(
    w: &World,
    l: &Layout,
    v: usize,
    zones: Option<&[String]>,
    most: usize,
) -> Vec<(String, String)> {
    let subnets = &l.vpcs[v].subnets;
    let mut out: Vec<(String, String)> = Vec::new();
    for (id, _) in &subnets[subnets.len() / 2..] {
        let zone = w
            .subnets
            .get(id)
            .expect("subnet")
            .availability_zone_id
            .clone();
        let wanted = zones.is_none_or(|z| z.contains(&zone));
        if wanted && !out.iter().any(|(_, z)| *z == zone) && out.len() < most {
            out.push((id.clone(), zone));
        }
    }
    out
}

/// An endpoint service behind a new network load balancer in a random provider VPC.
fn service(w: &mut World, l: &Layout, r: &mut Rng, k: usize) -> ServiceLayout {
    let p = r.below(l.vpcs.len());
    let pv = &l.vpcs[p];
    let account = pv.account.clone();
    let subnets = private_subnets(w, l, p, None, 3);
    let lb = created(run(
        w,
        &account,
        ElbCmd::CreateLoadBalancer(CreateLoadBalancer {
            name: format!("svc{k}"),
            lb_type: Some("network".into()),
            scheme: Some("internal".into()),
            subnets: subnets.iter().map(|(s, _)| s.clone()).collect(),
            ..CreateLoadBalancer::default()
        }),
    ));
    let tg = created(run(
        w,
        &account,
        ElbCmd::CreateTargetGroup(CreateTargetGroup {
            name: format!("svc{k}-app"),
            protocol: Some("TCP".into()),
            port: Some(i64::from(TARGET_PORT)),
            vpc_id: Some(pv.id.clone()),
            target_type: Some("ip".into()),
            ..CreateTargetGroup::default()
        }),
    ));
    // Up to two `app` interfaces in each of the load balancer's subnets.
    let app = &pv.sgs[2];
    let mut targets = Vec::new();
    for (s, _) in &subnets {
        let enis = &pv.subnets.iter().find(|(id, _)| id == s).expect("subnet").1;
        let apps = enis.iter().filter_map(|e| {
            let e = w.network_interfaces.get(e).expect("interface");
            e.groups.contains(app).then(|| e.private_ips[0].to_string())
        });
        targets.extend(apps.take(2).map(|id| TargetSpec {
            id,
            port: None,
            availability_zone: None,
        }));
    }
    run(
        w,
        &account,
        ElbCmd::RegisterTargets {
            arn: tg.clone(),
            targets,
        },
    );
    run(
        w,
        &account,
        ElbCmd::CreateListener(CreateListener {
            load_balancer_arn: lb.clone(),
            protocol: Some("TCP".into()),
            port: Some(i64::from(LISTENER_PORT)),
            default_actions: vec![ActionSpec {
                action_type: "forward".into(),
                target_group_arn: Some(tg.clone()),
                forward_target_groups: vec![],
            }],
            ..CreateListener::default()
        }),
    );
    let service_id = created(run(
        w,
        &account,
        ServiceCmd::Create {
            network_load_balancer_arns: vec![lb.clone()],
            gateway_load_balancer_arns: vec![],
            acceptance_required: false,
            private_dns_name: None,
            supported_ip_address_types: vec![],
            supported_regions: vec![],
            client_token: None,
            tags: vec![],
        },
    ));
    run(
        w,
        &account,
        ServiceCmd::ModifyPermissions {
            service_id: service_id.clone(),
            add: vec!["*".into()],
            remove: vec![],
        },
    );
    let service_name = w
        .endpoint_services
        .get(&service_id)
        .expect("service")
        .name();
    ServiceLayout {
        provider: p,
        service_id,
        service_name,
        load_balancer: lb,
        target_group: tg,
        zones: subnets.into_iter().map(|(_, z)| z).collect(),
        endpoints: Vec::new(),
    }
}

/// An interface endpoint to service `s` from a random other VPC.
fn interface_endpoint(
    w: &mut World,
    l: &mut Layout,
    r: &mut Rng,
    s: usize,
    groups: &mut HashMap<usize, String>,
) {
    let n = l.vpcs.len();
    let svc = &l.services[s];
    let c = (svc.provider + 1 + r.below(n - 1)) % n;
    let subnets = private_subnets(w, l, c, Some(&svc.zones), 2);
    if subnets.is_empty() {
        return;
    }
    let (vpc, account, cidr) = (
        l.vpcs[c].id.clone(),
        l.vpcs[c].account.clone(),
        l.vpcs[c].cidr,
    );
    let group = match groups.get(&c) {
        Some(g) => g.clone(),
        None => {
            let g = created(run(
                w,
                &account,
                SgCmd::Create {
                    name: "vpce".into(),
                    description: "interface endpoints".into(),
                    vpc_id: Some(vpc.clone()),
                    tags: vec![],
                },
            ));
            run(w, &account, https_from(&g, &cidr.to_string(), true));
            groups.insert(c, g.clone());
            g
        }
    };
    let create = CreateEndpoint {
        endpoint_type: Some("Interface".into()),
        vpc_id: vpc,
        service_name: Some(svc.service_name.clone()),
        subnet_ids: subnets.into_iter().map(|(s, _)| s).collect(),
        security_group_ids: vec![group.clone()],
        private_dns_enabled: Some(false),
        ..CreateEndpoint::default()
    };
    let id = created(run(w, &account, EndpointCmd::Create(Box::new(create))));
    l.services[s].endpoints.push((c, id, group));
}

/// AuthorizeSecurityGroupIngress (or, with `open` false, Revoke) of TCP 443 from `cidr`
/// on group `g`.
pub fn https_from(g: &str, cidr: &str, open: bool) -> SgCmd {
    let permissions = vec![Permission {
        protocol: Some("tcp".into()),
        from_port: Some(i64::from(LISTENER_PORT)),
        to_port: Some(i64::from(LISTENER_PORT)),
        peers: vec![PeerSpec::Cidr {
            cidr: cidr.into(),
            description: None,
        }],
    }];
    let group = GroupRef::Id(g.into());
    if open {
        SgCmd::Authorize {
            group,
            egress: false,
            permissions,
            tags: vec![],
        }
    } else {
        SgCmd::Revoke {
            group,
            egress: false,
            permissions,
            rule_ids: vec![],
        }
    }
}
