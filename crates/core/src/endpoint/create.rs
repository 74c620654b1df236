//! CreateVpcEndpoint (§3.1–3.4): every check first, then the endpoint, its routes or its
//! interfaces.

use crate::config::quota;
use crate::endpoint_service::{dedup, ServiceView};
use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::tags;
use crate::vpc::{self, Vpc};
use crate::world::{Ctx, TimerKind, World};
use crate::Output;

use super::dns::{check_inbound_resolver, dns_options_for, private_dns_for};
use super::gateway_routes::{add_routes, check_route_tables, gateway_prefix_list_id};
use super::interfaces::{check_groups, provision};
use super::model::{Create, DnsOptions, EndpointType, State, SubnetChoice, VpcEndpoint};
use super::only_for;
use super::service::{pick_service, policy_for};
use super::subnets::{
    check_gwlb_subnet_count, check_ip_address_type, check_provision, check_subnets, parse_choices,
};

/// A checked CreateVpcEndpoint: what the new endpoint will be.
struct Plan {
    ty: EndpointType,
    vpc: Vpc,
    name: String,
    region: String,
    view: ServiceView,
    policy: Option<String>,
    route_tables: Vec<String>,
    /// The prefix list a gateway endpoint routes.
    prefix_list: Option<String>,
    subnets: Vec<SubnetChoice>,
    groups: Vec<String>,
    ip_type: String,
    private_dns: bool,
    dns_options: Option<DnsOptions>,
    state: State,
}

pub(super) fn create(w: &mut World, ctx: &Ctx, c: Create) -> Result<Output> {
    let plan = plan(w, ctx, &c)?;
    // Everything is checked: mutate.
    let id = insert(w, ctx, plan);
    tags::apply_specs(w, ctx.scope(), &id, &c.tags);
    Ok(Output::Id(id))
}

/// Checks the request, in the order AWS reports problems.
fn plan(w: &World, ctx: &Ctx, c: &Create) -> Result<Plan> {
    let scope = ctx.scope();
    let ty = EndpointType::parse(c.endpoint_type.as_deref().unwrap_or("Gateway"))?;
    let vpc = vpc::get(w, scope, &c.vpc_id)?.clone();
    let name = c
        .service_name
        .clone()
        .filter(|n| !n.is_empty())
        .ok_or_else(|| ApiError::missing("ServiceName"))?;
    tags::check_specs(&c.tags, "vpc-endpoint")?;
    let region = c
        .service_region
        .clone()
        .unwrap_or_else(|| ctx.region().to_string());
    w.check_region(&region)?;
    let view = pick_service(w, ctx, &name, &region, ty)?;
    check_type_parameters(ty, c)?;
    let policy = policy_for(&view, ty, c.policy_document.as_deref())?;
    let route_tables = dedup(&c.route_table_ids);
    let prefix_list = (ty == EndpointType::Gateway)
        .then(|| gateway_prefix_list_id(&region, name.rsplit('.').next().unwrap_or_default()));
    if let Some(pl) = &prefix_list {
        check_route_tables(w, scope, &vpc.id, &route_tables, pl)?;
    }
    let subnets = parse_choices(&c.subnet_ids, &c.subnet_configurations)?;
    check_gwlb_subnet_count(ty, subnets.len())?;
    check_subnets(w, scope, &vpc.id, &view, &subnets, &[])?;
    let mut groups = dedup(&c.security_group_ids);
    check_groups(w, scope, &vpc.id, &groups)?;
    if ty == EndpointType::Interface && groups.is_empty() {
        groups.push(vpc.default_security_group_id.clone());
    }
    let ip_type = c.ip_address_type.clone().unwrap_or_else(|| "ipv4".into());
    check_ip_address_type(w, ty, &view, &ip_type, &subnets)?;
    let private_dns = private_dns_for(w, &vpc, ty, &view, c.private_dns_enabled, None)?;
    let dns_options = dns_options_for(ty, &ip_type, c.dns_options.as_ref(), None)?;
    check_inbound_resolver(w, &vpc.id, &view, dns_options.as_ref(), private_dns)?;
    check_quota(w, ctx, &vpc.id, ty)?;
    let state = match ty {
        EndpointType::Gateway => State::Available,
        _ if view.acceptance_required => State::PendingAcceptance,
        _ => State::Pending,
    };
    if state != State::Available {
        // Interfaces are made at once, also while the provider has yet to accept.
        check_provision(w, &subnets)?;
    }
    Ok(Plan {
        ty,
        vpc,
        name,
        region,
        view,
        policy,
        route_tables,
        prefix_list,
        subnets,
        groups,
        ip_type,
        private_dns,
        dns_options,
        state,
    })
}

/// Subnets, route tables and security groups only where the endpoint type takes them.
fn check_type_parameters(ty: EndpointType, c: &Create) -> Result<()> {
    let has_subnets = !c.subnet_ids.is_empty() || !c.subnet_configurations.is_empty();
    match ty {
        EndpointType::Gateway if has_subnets => {
            Err(only_for("Subnet IDs", "Interface and GatewayLoadBalancer"))
        }
        EndpointType::Interface | EndpointType::GatewayLoadBalancer
            if !c.route_table_ids.is_empty() =>
        {
            Err(only_for("Route table IDs", "Gateway"))
        }
        EndpointType::Gateway | EndpointType::GatewayLoadBalancer
            if !c.security_group_ids.is_empty() =>
        {
            Err(only_for("Security group IDs", "Interface"))
        }
        _ => Ok(()),
    }
}

/// Gateway endpoints count per Region, the others per VPC.
fn check_quota(w: &World, ctx: &Ctx, vpc_id: &str, ty: EndpointType) -> Result<()> {
    let (name, count) = if ty == EndpointType::Gateway {
        let scope = ctx.scope();
        (
            quota::GATEWAY_ENDPOINTS_PER_REGION,
            w.vpc_endpoints
                .in_scope(scope)
                .filter(|e| e.endpoint_type == EndpointType::Gateway && e.state.exists())
                .count(),
        )
    } else {
        (
            quota::VPC_ENDPOINTS_PER_VPC,
            // A VPC's endpoints are in its owner's scope.
            w.vpc_endpoints
                .in_scope(ctx.scope())
                .filter(|e| {
                    e.vpc_id == vpc_id
                        && e.endpoint_type != EndpointType::Gateway
                        && e.state.exists()
                })
                .count(),
        )
    };
    if let Some(limit) = w.config.quotas.limit(ctx.account(), name) {
        if count >= limit as usize {
            return Err(ApiError::limit(
                ErrorCode::VpcEndpointLimitExceeded,
                "VPC endpoints",
                limit,
            ));
        }
    }
    Ok(())
}

/// Stores the planned endpoint, adds its routes or makes its interfaces; returns its id.
fn insert(w: &mut World, ctx: &Ctx, p: Plan) -> String {
    let id = w.ids.id(Kind::VpcEndpoint);
    let dns_suffix = w.ids.token(8);
    let connection_id = p
        .view
        .custom
        .as_ref()
        .map(|_| w.ids.id(Kind::VpcEndpointConnection));
    let due = ctx.now + w.config.delays.transition;
    w.vpc_endpoints.insert(VpcEndpoint {
        id: id.clone(),
        scope: ctx.scope().clone(),
        endpoint_type: p.ty,
        vpc_id: p.vpc.id.clone(),
        service_name: p.name,
        service_region: p.region,
        service_id: p.view.custom.clone(),
        state: p.state,
        policy_document: p.policy,
        route_table_ids: p.route_tables.clone(),
        subnets: p.subnets,
        interfaces: Vec::new(),
        groups: p.groups,
        ip_address_type: p.ip_type,
        dns_options: p.dns_options,
        private_dns_enabled: p.private_dns,
        dns_suffix,
        connection_id,
        created: ctx.now,
        step_due: due,
        deleted_at: None,
        last_error: None,
    });
    if let Some(pl) = &p.prefix_list {
        add_routes(w, &id, pl, &p.route_tables);
    }
    if p.state != State::Available {
        provision(w, &id, ctx.now);
    }
    if p.state == State::Pending {
        w.schedule(due, TimerKind::VpcEndpoint, &id);
    }
    id
}
