//! Network Insights (Reachability Analyzer, §5.1, §17) from the engine's verdict: the
//! core's typed [`AnalysisResult`] — path components with their ARNs, VPC and subnet, the
//! ACL entry, security-group rule, route or load-balancer listener, target group and target
//! each applied, the packet headers; explanations with AWS's members (`acl`, `aclRule`,
//! `securityGroupRule`, `routeTableRoute`, `elasticLoadBalancerListener`,
//! `loadBalancerTarget…`, `address`, `port`, `protocolSet`, `direction`, …).
//!
//! Everything comes from the verdict's typed fields ([`crate::Applied`],
//! [`crate::Detail`]) looked up in the world; nothing is parsed from words. The wire
//! decodes the path into a [`Flow`] and renders the result.

mod components;
mod ends;
mod explanation;

use openvpc_core::insights::{self, AnalysisResult, Component, Path};
use openvpc_core::{Kind, Scope, World};

use crate::{decide, Flow, Verdict, View};

/// Decides `flow` (the flow path `p` asks about) over the current world — on `view`, the
/// server's compiled view of it, or a view compiled now — and converts the verdict. A path
/// from or to an internet gateway must enter or leave through that gateway: when the
/// gateway is not attached to the other end's VPC, or the engine's path crosses another
/// exit, the path is not found and an explanation names the gateway.
pub fn analyse(
    w: &World,
    view: Option<&View>,
    scope: &Scope,
    p: &Path,
    flow: &Flow,
) -> AnalysisResult {
    let cx = Cx { w, scope };
    let igw_end = ends::internet_gateway_end(p);
    if let Some(end) = &igw_end {
        if let Some(x) = cx.igw_detached(end) {
            return AnalysisResult {
                network_path_found: false,
                explanations: vec![x],
                ..AnalysisResult::default()
            };
        }
    }
    let compiled;
    let view = match view {
        Some(v) => v,
        None => {
            compiled = View::compile_with(w, w);
            &compiled
        }
    };
    let verdict = decide(view, flow);
    let mut r = convert(w, scope, &verdict);
    if let Some(end) = &igw_end {
        if let Some(x) = cx.igw_bypassed(end, &verdict) {
            r.network_path_found = false;
            r.explanations.push(x);
        }
    }
    r
}

/// Converts a verdict; ARNs of ids the world does not hold use `scope`.
pub fn convert(w: &World, scope: &Scope, v: &Verdict) -> AnalysisResult {
    let cx = Cx { w, scope };
    AnalysisResult {
        network_path_found: v.reachable,
        forward: cx.components(&v.forward),
        return_path: cx.components(&v.return_path),
        explanations: v.explanations.iter().map(|e| cx.explanation(e)).collect(),
    }
}

/// The world an analysis reads and the scope of ids it does not hold.
struct Cx<'w> {
    w: &'w World,
    scope: &'w Scope,
}

impl Cx<'_> {
    fn comp(&self, id: &str) -> Component {
        insights::component(self.w, id, self.scope)
    }

    fn opt_comp(&self, id: Option<&str>) -> Option<Component> {
        id.map(|id| self.comp(id))
    }

    /// A load balancer, listener or target group: its ARN is its id.
    fn elb_comp(&self, arn: &str) -> Component {
        Component {
            id: arn.to_string(),
            arn: Some(arn.to_string()),
        }
    }

    /// (VPC, subnet) of an interface.
    fn eni_place(&self, id: &str) -> (Option<Component>, Option<Component>) {
        match self.w.network_interfaces.get(id) {
            Some(e) => (Some(self.comp(&e.vpc_id)), Some(self.comp(&e.subnet_id))),
            None => (None, None),
        }
    }

    fn vpc_of(&self, id: &str) -> Option<String> {
        let w = self.w;
        Some(match Kind::of_id(id)? {
            Kind::NetworkInterface => w.network_interfaces.get(id)?.vpc_id.clone(),
            Kind::SecurityGroup => w.security_groups.get(id)?.vpc_id.clone(),
            Kind::NetworkAcl => w.network_acls.get(id)?.vpc_id.clone(),
            Kind::RouteTable => w.route_tables.get(id)?.vpc_id.clone(),
            Kind::InternetGateway => w.internet_gateways.get(id)?.attachment.clone()?,
            Kind::EgressOnlyInternetGateway => w.egress_only_gateways.get(id)?.vpc_id.clone(),
            Kind::NatGateway => w.nat_gateways.get(id)?.vpc_id.clone(),
            Kind::Subnet => w.subnets.get(id)?.vpc_id.clone(),
            Kind::VpcEndpoint => w.vpc_endpoints.get(id)?.vpc_id.clone(),
            Kind::Vpc => id.to_string(),
            _ => return None,
        })
    }
}
