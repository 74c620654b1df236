//! Builders for elb resources: load balancers, target groups, listeners, and the specs
//! their tests edit.

use super::Kit;
use crate::elb::{
    ActionSpec, Cmd, CreateListener, CreateLoadBalancer, CreateTargetGroup, LoadBalancer,
    TargetSpec,
};
use crate::subnet;

impl Kit {
    /// An internal network load balancer `name` of the caller in `subnets`.
    pub fn nlb(&mut self, name: &str, subnets: &[&str]) -> String {
        self.id(Cmd::CreateLoadBalancer(Kit::nlb_spec(name, subnets)))
    }

    /// A TCP target group `name` of `ip` targets on port 80 in `vpc`.
    pub fn tg(&mut self, name: &str, vpc: &str) -> String {
        self.id(Cmd::CreateTargetGroup(Kit::tg_spec(name, "TCP", "ip", vpc)))
    }

    /// A TCP listener of `lb` on `port` forwarding to `tg`.
    pub fn listener(&mut self, lb: &str, tg: &str, port: i64) -> String {
        self.id(Cmd::CreateListener(Kit::listener_spec(lb, tg, port)))
    }

    /// The load balancer `arn`, which must exist.
    pub fn lb(&self, arn: &str) -> &LoadBalancer {
        self.w.load_balancers.get(arn).expect("load balancer")
    }

    /// An internal load balancer (`network` or `gateway`) of `account` named `name`, in a
    /// VPC of its own with one /24 subnet in each zone id given (e.g. `use1-az1`).
    pub fn lb_in_zones(
        &mut self,
        account: &str,
        lb_type: &str,
        name: &str,
        az_ids: &[&str],
    ) -> String {
        let ctx = &self.as_account(account);
        let n = self.w.vpcs.in_scope(ctx.scope()).count();
        let vpc = self.id_as(
            ctx,
            super::network::create_vpc(&format!("10.{n}.0.0/16"), false),
        );
        let subnets: Vec<String> = az_ids
            .iter()
            .enumerate()
            .map(|(i, az_id)| {
                self.id_as(
                    ctx,
                    subnet::Cmd::Create {
                        vpc_id: vpc.clone(),
                        cidr_block: format!("10.{n}.{i}.0/24"),
                        ipv6_cidr_block: None,
                        ipv6_native: false,
                        availability_zone: None,
                        availability_zone_id: Some(az_id.to_string()),
                        tags: vec![],
                    },
                )
            })
            .collect();
        let subnets: Vec<&str> = subnets.iter().map(String::as_str).collect();
        let spec = CreateLoadBalancer {
            lb_type: Some(lb_type.into()),
            ..Kit::nlb_spec(name, &subnets)
        };
        self.id_as(ctx, Cmd::CreateLoadBalancer(spec))
    }
}

/// Specs tests edit before running them.
impl Kit {
    /// CreateLoadBalancer of an internal network load balancer `name` in `subnets`.
    pub fn nlb_spec(name: &str, subnets: &[&str]) -> CreateLoadBalancer {
        CreateLoadBalancer {
            name: name.into(),
            lb_type: Some("network".into()),
            scheme: Some("internal".into()),
            subnets: subnets.iter().map(|s| s.to_string()).collect(),
            ..Default::default()
        }
    }

    /// CreateTargetGroup `name` in `vpc` on port 80 (6081 for GENEVE).
    pub fn tg_spec(name: &str, protocol: &str, target_type: &str, vpc: &str) -> CreateTargetGroup {
        CreateTargetGroup {
            name: name.into(),
            protocol: Some(protocol.into()),
            port: Some(if protocol == "GENEVE" { 6081 } else { 80 }),
            vpc_id: Some(vpc.into()),
            target_type: Some(target_type.into()),
            ..Default::default()
        }
    }

    /// CreateListener: TCP on `port` of `lb`, forwarding to `tg`.
    pub fn listener_spec(lb: &str, tg: &str, port: i64) -> CreateListener {
        CreateListener {
            load_balancer_arn: lb.into(),
            protocol: Some("TCP".into()),
            port: Some(port),
            default_actions: vec![Kit::forward(tg)],
            ..Default::default()
        }
    }

    /// A `forward` default action to `tg`.
    pub fn forward(tg: &str) -> ActionSpec {
        ActionSpec {
            action_type: "forward".into(),
            target_group_arn: Some(tg.into()),
            forward_target_groups: vec![],
        }
    }

    /// A target `id` (an instance id or an address) on the group's port, no zone.
    pub fn target(id: &str) -> TargetSpec {
        TargetSpec {
            id: id.into(),
            port: None,
            availability_zone: None,
        }
    }
}
