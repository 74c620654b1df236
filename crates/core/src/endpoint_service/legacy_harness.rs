//! The harness `endpoint`'s inline tests still import (as `endpoint_service::tests::{check,
//! Env, A, B, EAST}`). Temporary: delete this file, and its re-export in `tests.rs`, once
//! endpoint's tests are on the shared kit (`crate::testkit::Kit`).

use std::net::Ipv4Addr;

use super::*;
use crate::config::Quotas;
use crate::elb::{LbSubnet, LoadBalancer, LoadBalancerType};
use crate::error::Result;
use crate::world::{Ctx, Scope, World};
use crate::{subnet, vpc, Command, Config, Millis, Output};

pub const EAST: &str = "us-east-1";

/// A world, a clock, and helpers to drive commands as any account.
pub struct Env {
    pub w: World,
    pub now: Millis,
}

impl Env {
    pub fn new() -> Self {
        Self::with_quotas(&[])
    }

    pub fn with_quotas(quotas: &[&str]) -> Self {
        let mut q = Quotas::default();
        for a in quotas {
            q.set_from_arg(a).unwrap();
        }
        let config = Config {
            quotas: q,
            ..Config::default()
        };
        Env {
            w: World::new(config, 7),
            now: 1_700_000_000_000,
        }
    }

    pub fn ctx(&self, account: &str) -> Ctx {
        Ctx::new(account, EAST, self.now)
    }

    /// Runs due timers, prepares the scope, applies the command.
    pub fn run_in(&mut self, account: &str, region: &str, cmd: Command) -> Result<Output> {
        self.w.tick(self.now);
        let ctx = Ctx::new(account, region, self.now);
        if !self.w.scope_ready(&ctx.scope()) {
            self.w.apply(&ctx, Command::InitScope).unwrap();
        }
        self.w.apply(&ctx, cmd)
    }

    pub fn run(&mut self, account: &str, cmd: Command) -> Result<Output> {
        self.run_in(account, EAST, cmd)
    }

    /// The id a successful create returns.
    pub fn id(&mut self, account: &str, cmd: Command) -> String {
        match self.run(account, cmd) {
            Ok(Output::Id(id)) => id,
            other => panic!("expected an id, got {other:?}"),
        }
    }

    pub fn advance(&mut self, ms: Millis) {
        self.now += ms;
        self.w.tick(self.now);
    }

    pub fn vpc(&mut self, account: &str, cidr: &str) -> String {
        self.id(
            account,
            Command::Vpc(vpc::Cmd::Create {
                cidr_block: cidr.into(),
                amazon_ipv6: false,
                instance_tenancy: None,
                tags: vec![],
            }),
        )
    }

    /// A subnet in the zone with id `az_id` (e.g. `use1-az1`).
    pub fn subnet(&mut self, account: &str, vpc_id: &str, cidr: &str, az_id: &str) -> String {
        self.id(
            account,
            Command::Subnet(subnet::Cmd::Create {
                vpc_id: vpc_id.into(),
                cidr_block: cidr.into(),
                ipv6_cidr_block: None,
                availability_zone: None,
                availability_zone_id: Some(az_id.into()),
                tags: vec![],
            }),
        )
    }

    /// Inserts a load balancer of `account` with one subnet per zone id given.
    pub fn load_balancer(
        &mut self,
        account: &str,
        lb_type: LoadBalancerType,
        name: &str,
        az_ids: &[&str],
    ) -> String {
        self.run(account, Command::InitScope).unwrap();
        let kind = match lb_type {
            LoadBalancerType::Network => "net",
            LoadBalancerType::Gateway => "gwy",
        };
        let arn = format!(
            "arn:aws:elasticloadbalancing:{EAST}:{account}:loadbalancer/{kind}/{name}/0123456789abcdef"
        );
        let zones = self.w.config.region(EAST).unwrap().zones_for(account);
        let subnets = az_ids
            .iter()
            .enumerate()
            .map(|(i, id)| {
                let z = zones.iter().find(|z| z.id == *id).unwrap();
                LbSubnet {
                    subnet_id: format!("subnet-lb{i}"),
                    availability_zone: z.name.clone(),
                    availability_zone_id: z.id.clone(),
                    network_interface_id: format!("eni-lb{i}"),
                    private_ip: Ipv4Addr::new(10, 9, i as u8, 10),
                    requested_ip: false,
                    public_ip: None,
                }
            })
            .collect();
        self.w.load_balancers.insert(LoadBalancer {
            arn: arn.clone(),
            scope: Scope::new(account, EAST),
            name: name.into(),
            lb_type,
            scheme: "internal".into(),
            vpc_id: "vpc-lb".into(),
            subnets,
            security_groups: vec![],
            ip_address_type: "ipv4".into(),
            dns_name: format!("{name}.elb.amazonaws.com"),
            canonical_hosted_zone_id: "Z26RNL4JYFTOTI".into(),
            created: self.now,
            active_at: self.now,
            tags: Default::default(),
        });
        arn
    }

    pub fn nlb(&mut self, account: &str, name: &str, az_ids: &[&str]) -> String {
        self.load_balancer(account, LoadBalancerType::Network, name, az_ids)
    }

    /// A service of `account` behind `nlb`.
    pub fn service(&mut self, account: &str, nlb: &str, acceptance: bool) -> String {
        self.id(
            account,
            Command::EndpointService(Cmd::Create {
                network_load_balancer_arns: vec![nlb.into()],
                gateway_load_balancer_arns: vec![],
                acceptance_required: acceptance,
                private_dns_name: None,
                supported_ip_address_types: vec![],
                supported_regions: vec![],
                client_token: None,
                tags: vec![],
            }),
        )
    }

    pub fn allow(&mut self, account: &str, service: &str, principal: &str) {
        self.run(
            account,
            Command::EndpointService(Cmd::ModifyPermissions {
                service_id: service.into(),
                add: vec![principal.into()],
                remove: vec![],
            }),
        )
        .unwrap();
    }

    pub fn svc(&self, id: &str) -> &EndpointService {
        self.w.endpoint_services.get(id).unwrap()
    }

    /// The world as JSON, to prove refusals change nothing.
    pub fn snapshot(&self) -> String {
        serde_json::to_string(&self.w).unwrap()
    }
}

/// Applies `cmd` as `account` and compares with `expected`: `Ok(())` for success, or
/// `Err((code, message fragment))`. A refusal must leave the world unchanged.
pub fn check(env: &mut Env, account: &str, cmd: Command, expected: Result<(), (&str, &str)>) {
    env.w.tick(env.now);
    env.run(account, Command::InitScope).unwrap();
    let before = env.snapshot();
    let got = env.run(account, cmd.clone());
    match (expected, got) {
        (Ok(()), Ok(_)) => {}
        (Err((code, fragment)), Err(e)) => {
            assert_eq!(e.code, code, "{cmd:?}: {}", e.message);
            assert!(
                e.message.contains(fragment),
                "{cmd:?}: `{}` lacks `{fragment}`",
                e.message
            );
            assert_eq!(
                before,
                env.snapshot(),
                "a refusal changed the world: {cmd:?}"
            );
        }
        (expected, got) => panic!("{cmd:?}: expected {expected:?}, got {got:?}"),
    }
}
