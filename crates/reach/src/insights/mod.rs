//! Network Insights (Reachability Analyzer, §5.1, §17) from the engine's verdict: the
//! core's typed [`AnalysisResult`] — path components with their ARNs, VPC and subnet, the
//! ACL entry, security-group rule, route or load-balancer listener, target group and target
//! each applied, the packet headers; explanations with AWS's members (`acl`, `aclRule`,
//! `securityGroupRule`, `routeTableRoute`, `elasticLoadBalancerListener`,
//! `loadBalancerTarget…`, `address`, `port`, `protocolSet`, `direction`, …).
//!
//! Everything comes from the verdict's typed fields ([`crate::Applied`],
//! [`crate::Detail`]) looked up in the world; nothing is parsed from words. What a path
//! asks ([`Query`]: the flow, its options, the search) is resolved here from the stored path
//! ([`query_of`]); the wire only decodes the request and renders the result.

mod components;
mod explanation;
mod gateway_end;
mod query;
#[cfg(test)]
mod tests;

pub use query::{is_public, query_of, Refusal, INTERNET_HOST, ON_PREMISES_HOST};

use openvpc_core::insights::{self, AnalysisResult, Component, Path};
use openvpc_core::{Kind, Scope, World};

use crate::{search, Flow, Options, Search, Verdict, View};

use components::Ranges;

/// What a path asks: the flow, the options the engine decides it with (addresses, a
/// gateway or connection as an end), and what to search beyond it (port ranges, the
/// packet at its arrival, components to cross or avoid).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub flow: Flow,
    pub opts: Options,
    pub search: Search,
}

/// Decides path `p` over the current world — on `view`, the server's compiled view of it,
/// or a view compiled now — and converts the verdict; `through` and `avoid` are the
/// analysis' `FilterInArns` and `FilterOutArns` as component ids. A path from or to an
/// internet gateway must enter or leave through that gateway: when the gateway is not
/// attached to the other end's VPC, or the engine's path crosses another exit, the path is
/// not found and an explanation names the gateway.
pub fn analyse(
    w: &World,
    view: Option<&View>,
    scope: &Scope,
    p: &Path,
    through: Vec<String>,
    avoid: Vec<String>,
) -> AnalysisResult {
    let cx = Cx::new(w, scope);
    let not_found = |x: &Refusal| AnalysisResult {
        network_path_found: false,
        explanations: vec![cx.explanation(x)],
        ..AnalysisResult::default()
    };
    let mut q = match query_of(w, p) {
        Ok(q) => q,
        Err(x) => return not_found(&x),
    };
    q.search.through = through;
    q.search.avoid = avoid;
    let igw_end = gateway_end::internet_gateway_end(p);
    if let Some(x) = igw_end.as_ref().and_then(|end| cx.igw_detached(end)) {
        return not_found(&x);
    }
    let compiled;
    let view = match view {
        Some(v) => v,
        None => {
            compiled = View::compile_with(w, w);
            &compiled
        }
    };
    let found = search(view, &q.flow, &q.opts, &q.search);
    let verdict = found.verdict;
    let first = verdict.forward.first().map(|h| h.header);
    let ranges = Ranges {
        destination: first.and_then(|h| h.dst_port),
        destination_ports: found.destination_ports,
        source: first.and_then(|h| h.src_port),
        source_ports: found.source_ports,
    };
    let mut r = Cx {
        ranges: &ranges,
        ..cx
    }
    .convert(&verdict);
    if let Some(x) = igw_end.and_then(|end| cx.igw_bypassed(&end, &verdict)) {
        r.network_path_found = false;
        r.explanations.push(cx.explanation(&x));
    }
    r
}

/// Converts a verdict; ARNs of ids the world does not hold use `scope`.
pub fn convert(w: &World, scope: &Scope, v: &Verdict) -> AnalysisResult {
    Cx::new(w, scope).convert(v)
}

static NO_RANGES: Ranges = Ranges {
    destination: None,
    destination_ports: Vec::new(),
    source: None,
    source_ports: Vec::new(),
};

/// The world an analysis reads, the scope of ids it does not hold, and the port ranges a
/// search found.
#[derive(Clone, Copy)]
struct Cx<'w> {
    w: &'w World,
    scope: &'w Scope,
    ranges: &'w Ranges,
}

impl<'w> Cx<'w> {
    fn new(w: &'w World, scope: &'w Scope) -> Self {
        Cx {
            w,
            scope,
            ranges: &NO_RANGES,
        }
    }

    fn convert(&self, v: &Verdict) -> AnalysisResult {
        AnalysisResult {
            network_path_found: v.reachable,
            forward: self.components(&v.forward),
            return_path: self.components(&v.return_path),
            explanations: v.explanations.iter().map(|e| self.explanation(e)).collect(),
        }
    }

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

    /// The name of zone id `id` as the analysis's account sees it.
    fn zone_name(&self, id: &str) -> Option<String> {
        let s = self.scope;
        let zones = self.w.config.zones(&s.account, &s.region);
        zones.into_iter().find(|z| z.id == id).map(|z| z.name)
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
