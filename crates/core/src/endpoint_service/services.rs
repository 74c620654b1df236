//! Service configurations: create, modify and delete, with their load balancer, IP address
//! type and Region checks.

use std::collections::BTreeSet;

use super::connections::{existing_connections, live_connections};
use super::model::{EndpointService, Modify, ServiceState, ServiceType};
use super::private_dns::{check_private_dns_name, new_private_dns};
use crate::elb::LoadBalancerType;
use crate::error::{ApiError, ErrorCode, Result};
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::{Kind, Output};

/// The caller's service `id`.
pub fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w EndpointService> {
    w.endpoint_services
        .get_in(scope, id)
        .ok_or_else(|| Kind::VpcEndpointService.not_found(id))
}

/// Removes repeated values, keeping the first occurrence.
pub fn dedup(values: &[String]) -> Vec<String> {
    let mut seen = BTreeSet::new();
    values
        .iter()
        .filter(|v| seen.insert(v.as_str()))
        .cloned()
        .collect()
}

/// The service a load balancer serves, if any (ELBv2 refuses to delete it meanwhile).
pub fn service_of_load_balancer<'w>(w: &'w World, arn: &str) -> Option<&'w EndpointService> {
    w.endpoint_services
        .values()
        .find(|s| s.load_balancer_arns().any(|a| a == arn))
}

/// The parts of a load balancer ARN: (region, account, kind `net`/`gwy`/`app`).
pub(super) fn parse_lb_arn(arn: &str) -> Option<(&str, &str, &str)> {
    let rest = arn.strip_prefix("arn:aws:elasticloadbalancing:")?;
    let mut parts = rest.splitn(3, ':');
    let region = parts.next().filter(|r| !r.is_empty())?;
    let account = parts
        .next()
        .filter(|a| a.len() == 12 && a.bytes().all(|b| b.is_ascii_digit()))?;
    let resource = parts.next()?.strip_prefix("loadbalancer/")?;
    let segments: Vec<&str> = resource.split('/').collect();
    match segments.as_slice() {
        [kind, name, id] if !name.is_empty() && !id.is_empty() => Some((region, account, kind)),
        _ => None,
    }
}

/// Checks load balancer ARNs of one family: well formed, existing in the caller's scope,
/// of the right type and not serving another service than `own`.
fn check_load_balancers(
    w: &World,
    scope: &Scope,
    arns: &[String],
    lb_type: LoadBalancerType,
    own: Option<&str>,
) -> Result<()> {
    let (malformed, not_found, label, kind) = match lb_type {
        LoadBalancerType::Network => (
            ErrorCode::InvalidNetworkLoadBalancerArnMalformed,
            ErrorCode::InvalidNetworkLoadBalancerArnNotFound,
            "Network",
            "net",
        ),
        LoadBalancerType::Gateway => (
            ErrorCode::InvalidGatewayLoadBalancerArnMalformed,
            ErrorCode::InvalidGatewayLoadBalancerArnNotFound,
            "Gateway",
            "gwy",
        ),
    };
    for arn in arns {
        let Some((_, _, k)) = parse_lb_arn(arn) else {
            return Err(ApiError::new(
                malformed,
                format!("The {label} Load Balancer ARN '{arn}' is malformed."),
            ));
        };
        let lb = w
            .load_balancers
            .get_in(scope, arn)
            .filter(|lb| lb.lb_type == lb_type && k == kind)
            .ok_or_else(|| {
                ApiError::new(
                    not_found,
                    format!("The {label} Load Balancer ARN '{arn}' does not exist."),
                )
            })?;
        if let Some(other) = w
            .endpoint_services
            .values()
            .find(|s| Some(s.id.as_str()) != own && s.load_balancer_arns().any(|a| a == &lb.arn))
        {
            return Err(ApiError::invalid_parameter(format!(
                "The load balancer {arn} is already associated with the VPC endpoint service {}.",
                other.id
            )));
        }
    }
    Ok(())
}

/// `ipv4` and `ipv6` only; `ipv6` needs every load balancer `dualstack`.
fn check_ip_address_types(w: &World, types: &[String], lbs: &[String]) -> Result<()> {
    for t in types {
        if t != "ipv4" && t != "ipv6" {
            return Err(ApiError::invalid_value(format!(
                "Value ({t}) for parameter SupportedIpAddressType is invalid. Valid values: ipv4, ipv6."
            )));
        }
    }
    if types.iter().any(|t| t == "ipv6") {
        if let Some(arn) = lbs.iter().find(|arn| {
            w.load_balancers
                .get(arn)
                .is_none_or(|lb| lb.ip_address_type != "dualstack")
        }) {
            return Err(ApiError::invalid_parameter(format!(
                "IPv6 requires dualstack load balancers; {arn} is not dualstack."
            )));
        }
    }
    Ok(())
}

/// Every Region is one openvpc is configured with.
fn check_regions(w: &World, regions: &[String]) -> Result<()> {
    for r in regions {
        if w.config.region(r).is_none() {
            return Err(ApiError::invalid_parameter(format!(
                "The Region '{r}' is not a supported Region."
            )));
        }
    }
    Ok(())
}

/// CreateVpcEndpointServiceConfiguration's settings, as given.
pub(super) struct NewService {
    pub nlbs: Vec<String>,
    pub gwlbs: Vec<String>,
    pub acceptance_required: bool,
    pub private_dns_name: Option<String>,
    pub ip_types: Vec<String>,
    pub regions: Vec<String>,
}

/// CreateVpcEndpointServiceConfiguration: behind network load balancers (an `Interface`
/// service) or gateway load balancers, not both; `ipv4` unless told otherwise.
pub(super) fn create(
    w: &mut World,
    ctx: &Ctx,
    new: NewService,
    specs: &[TagSpec],
) -> Result<Output> {
    let scope = ctx.scope();
    let (nlbs, gwlbs) = (dedup(&new.nlbs), dedup(&new.gwlbs));
    let (service_type, lb_type, lbs) =
        match (nlbs.is_empty(), gwlbs.is_empty()) {
            (false, true) => (ServiceType::Interface, LoadBalancerType::Network, &nlbs),
            (true, false) => (
                ServiceType::GatewayLoadBalancer,
                LoadBalancerType::Gateway,
                &gwlbs,
            ),
            _ => return Err(ApiError::invalid_parameter(
                "Specify either NetworkLoadBalancerArn or GatewayLoadBalancerArn, but not both.",
            )),
        };
    check_load_balancers(w, scope, lbs, lb_type, None)?;
    let mut ip_types = dedup(&new.ip_types);
    if ip_types.is_empty() {
        ip_types.push("ipv4".into());
    }
    check_ip_address_types(w, &ip_types, lbs)?;
    let regions: Vec<String> = dedup(&new.regions)
        .into_iter()
        .filter(|r| *r != ctx.region())
        .collect();
    check_regions(w, &regions)?;
    if let Some(name) = &new.private_dns_name {
        check_private_dns_name(service_type, name)?;
    }
    tags::check_specs(specs, "vpc-endpoint-service")?;
    let id = w.ids.id(Kind::VpcEndpointService);
    let private_dns = new.private_dns_name.map(|n| new_private_dns(w, &n));
    w.endpoint_services.insert(EndpointService {
        id: id.clone(),
        scope: scope.clone(),
        service_type,
        state: ServiceState::Available,
        acceptance_required: new.acceptance_required,
        network_load_balancer_arns: nlbs,
        gateway_load_balancer_arns: gwlbs,
        supported_ip_address_types: ip_types,
        supported_regions: regions,
        private_dns,
        permissions: Vec::new(),
        created: ctx.now,
    });
    tags::apply_specs(w, scope, &id, specs);
    Ok(Output::Id(id))
}

/// ModifyVpcEndpointServiceConfiguration: every change is checked before any is made.
pub(super) fn modify(w: &mut World, ctx: &Ctx, m: Modify) -> Result<Output> {
    let scope = ctx.scope();
    let svc = get(w, scope, &m.service_id)?.clone();
    if m.private_dns_name.is_some() && m.remove_private_dns_name {
        return Err(ApiError::invalid_combination(
            "PrivateDnsName and RemovePrivateDnsName cannot be specified together.",
        ));
    }
    if let Some(name) = &m.private_dns_name {
        check_private_dns_name(svc.service_type, name)?;
    }
    let (lb_type, lbs) = load_balancers_after(w, scope, &svc, &m)?;
    let ip_types = ip_types_after(w, &svc, &m, &lbs)?;
    let regions = regions_after(w, ctx, &svc, &m)?;
    let private_dns = match (&m.private_dns_name, m.remove_private_dns_name) {
        (Some(n), _) => Some(new_private_dns(w, n)),
        (None, true) => None,
        (None, false) => svc.private_dns.clone(),
    };
    let s = w.endpoint_services.get_mut(&svc.id).expect("checked above");
    if let Some(a) = m.acceptance_required {
        s.acceptance_required = a;
    }
    match lb_type {
        LoadBalancerType::Network => s.network_load_balancer_arns = lbs,
        LoadBalancerType::Gateway => s.gateway_load_balancer_arns = lbs,
    }
    s.supported_ip_address_types = ip_types;
    s.supported_regions = regions;
    s.private_dns = private_dns;
    Ok(Output::Done)
}

/// The service's load balancers after a modify: only its own family may change, added ones
/// must be free, removed ones associated, none removed while endpoints are connected, and
/// at least one must stay.
fn load_balancers_after(
    w: &World,
    scope: &Scope,
    svc: &EndpointService,
    m: &Modify,
) -> Result<(LoadBalancerType, Vec<String>)> {
    let (add_nlb, remove_nlb) = (
        dedup(&m.add_network_load_balancer_arns),
        dedup(&m.remove_network_load_balancer_arns),
    );
    let (add_gwlb, remove_gwlb) = (
        dedup(&m.add_gateway_load_balancer_arns),
        dedup(&m.remove_gateway_load_balancer_arns),
    );
    let (own_family, other_family, lb_type, current) = match svc.service_type {
        ServiceType::GatewayLoadBalancer => (
            (&add_gwlb, &remove_gwlb),
            (&add_nlb, &remove_nlb),
            LoadBalancerType::Gateway,
            &svc.gateway_load_balancer_arns,
        ),
        _ => (
            (&add_nlb, &remove_nlb),
            (&add_gwlb, &remove_gwlb),
            LoadBalancerType::Network,
            &svc.network_load_balancer_arns,
        ),
    };
    if !other_family.0.is_empty() || !other_family.1.is_empty() {
        return Err(ApiError::invalid_parameter(format!(
            "The endpoint service {} of type {} cannot use load balancers of the other type.",
            svc.id,
            svc.service_type.as_str()
        )));
    }
    let (adding, removing) = own_family;
    let fresh: Vec<String> = adding
        .iter()
        .filter(|a| !current.contains(a))
        .cloned()
        .collect();
    check_load_balancers(w, scope, &fresh, lb_type, Some(&svc.id))?;
    if let Some(arn) = removing.iter().find(|a| !current.contains(a)) {
        return Err(ApiError::invalid_parameter(format!(
            "The load balancer {arn} is not associated with the VPC endpoint service {}.",
            svc.id
        )));
    }
    if !removing.is_empty() && live_connections(w, &svc.id).next().is_some() {
        return Err(existing_connections(&svc.id));
    }
    let mut lbs: Vec<String> = current
        .iter()
        .filter(|a| !removing.contains(a))
        .cloned()
        .collect();
    lbs.extend(fresh);
    if lbs.is_empty() {
        return Err(ApiError::invalid_parameter(
            "An endpoint service must keep at least one load balancer.",
        ));
    }
    Ok((lb_type, lbs))
}

/// The supported IP address types after a modify: valid, at least one, and `ipv6` only
/// over dualstack load balancers `lbs`.
fn ip_types_after(
    w: &World,
    svc: &EndpointService,
    m: &Modify,
    lbs: &[String],
) -> Result<Vec<String>> {
    let mut ip_types: Vec<String> = svc
        .supported_ip_address_types
        .iter()
        .filter(|t| !m.remove_supported_ip_address_types.contains(t))
        .cloned()
        .collect();
    for t in dedup(&m.add_supported_ip_address_types) {
        if !ip_types.contains(&t) {
            ip_types.push(t);
        }
    }
    check_ip_address_types(w, &m.remove_supported_ip_address_types, &[])?;
    check_ip_address_types(w, &ip_types, lbs)?;
    if ip_types.is_empty() {
        return Err(ApiError::invalid_parameter(
            "An endpoint service must support at least one IP address type.",
        ));
    }
    Ok(ip_types)
}

/// The supported Regions besides the home Region after a modify; the home Region cannot be
/// removed.
fn regions_after(w: &World, ctx: &Ctx, svc: &EndpointService, m: &Modify) -> Result<Vec<String>> {
    check_regions(w, &m.add_supported_regions)?;
    check_regions(w, &m.remove_supported_regions)?;
    if m.remove_supported_regions.iter().any(|r| r == ctx.region()) {
        return Err(ApiError::invalid_parameter(format!(
            "The home Region {} of the service cannot be removed.",
            ctx.region()
        )));
    }
    let mut regions: Vec<String> = svc
        .supported_regions
        .iter()
        .filter(|r| !m.remove_supported_regions.contains(r))
        .cloned()
        .collect();
    for r in dedup(&m.add_supported_regions) {
        if r != ctx.region() && !regions.contains(&r) {
            regions.push(r);
        }
    }
    Ok(regions)
}

/// DeleteVpcEndpointServiceConfigurations: each id on its own; refused while endpoints are
/// connected.
pub(super) fn delete(w: &mut World, ctx: &Ctx, ids: &[String]) -> Result<Output> {
    let scope = ctx.scope();
    Ok(Output::bulk(dedup(ids), |id| {
        get(w, scope, id)?;
        if live_connections(w, id).next().is_some() {
            return Err(existing_connections(id));
        }
        w.endpoint_services.remove(id);
        tags::forget(w, id);
        super::forget_notifications_of(w, id);
        Ok(())
    }))
}

/// ModifyVpcEndpointServicePayerResponsibility: `ServiceOwner`, the only value AWS takes
/// (services already show it: the change is one-way and openvpc bills nobody).
pub(super) fn modify_payer(
    w: &mut World,
    ctx: &Ctx,
    service_id: &str,
    payer: &str,
) -> Result<Output> {
    get(w, ctx.scope(), service_id)?;
    if payer != "ServiceOwner" {
        return Err(ApiError::invalid_value(format!(
            "Value ({payer}) for parameter payerResponsibility is invalid. Valid values: ServiceOwner."
        )));
    }
    Ok(Output::Done)
}
