//! The describe calls of the provider (DescribeVpcEndpointServiceConfigurations and
//! DescribeVpcEndpointServicePermissions) and of consumers (DescribeVpcEndpointServices).

use super::discovery::{asked_regions, catalogue, name_not_found, resolve, sort_views};
use super::model::{EndpointService, Permission, ServiceView};
use super::permissions::principal_type;
use super::services::{dedup, get};
use crate::error::Result;
use crate::filter::{self, Filter};
use crate::tags;
use crate::world::{Ctx, World};

/// Filters DescribeVpcEndpointServiceConfigurations accepts.
pub const CONFIGURATION_FILTERS: &[&str] = &[
    "service-name",
    "service-id",
    "service-state",
    "supported-ip-address-types",
];

/// DescribeVpcEndpointServiceConfigurations: the caller's services.
pub fn describe_configurations<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w EndpointService>> {
    filter::check_names(filters, CONFIGURATION_FILTERS)?;
    let scope = ctx.scope();
    let candidates = w
        .endpoint_services
        .pick(scope, ids, |id| get(w, scope, id))?;
    Ok(filter::tagged(
        w,
        scope,
        candidates,
        filters,
        |s, name| match name {
            "service-name" => filter::s(s.name()),
            "service-id" => filter::s(&s.id),
            "service-state" => filter::s(s.state.as_str()),
            "supported-ip-address-types" => s.supported_ip_address_types.clone(),
            _ => Vec::new(),
        },
    ))
}

/// Filters DescribeVpcEndpointServicePermissions accepts.
pub const PERMISSION_FILTERS: &[&str] = &["permission-type", "principal", "principal-type"];

/// DescribeVpcEndpointServicePermissions: the allowed principals of one of the caller's services.
pub fn describe_permissions<'w>(
    w: &'w World,
    ctx: &Ctx,
    service_id: &str,
    filters: &[Filter],
) -> Result<Vec<&'w Permission>> {
    filter::check_names(filters, PERMISSION_FILTERS)?;
    let scope = ctx.scope();
    let svc = get(w, scope, service_id)?;
    Ok(svc
        .permissions
        .iter()
        .filter(|p| {
            filter::matches(filters, tags::of(w, scope, &p.id), |name| match name {
                "permission-type" => filter::s("vpc-endpoint"),
                "principal" => filter::s(&p.principal),
                "principal-type" => principal_type(&p.principal)
                    .map(|t| filter::s(t.as_str()))
                    .unwrap_or_default(),
                _ => Vec::new(),
            })
        })
        .collect())
}

/// Filters DescribeVpcEndpointServices accepts.
pub const SERVICE_FILTERS: &[&str] = &[
    "owner",
    "service-name",
    "service-region",
    "service-type",
    "supported-ip-address-types",
];

/// DescribeVpcEndpointServices. A name the caller cannot see is `InvalidServiceName`.
pub fn describe_services(
    w: &World,
    ctx: &Ctx,
    names: &[String],
    regions: &[String],
    filters: &[Filter],
) -> Result<Vec<ServiceView>> {
    filter::check_names(filters, SERVICE_FILTERS)?;
    let scope = ctx.scope();
    let all = if names.is_empty() {
        catalogue(w, ctx, regions)
    } else {
        let regions = asked_regions(ctx, regions);
        let mut found = Vec::new();
        for n in dedup(names) {
            let views: Vec<ServiceView> = regions
                .iter()
                .flat_map(|r| resolve(w, ctx, &n, r))
                .collect();
            if views.is_empty() {
                return Err(name_not_found(&n));
            }
            found.extend(views);
        }
        sort_views(&mut found);
        found
    };
    Ok(all
        .into_iter()
        .filter(|v| {
            let tags = match &v.custom {
                Some(id) => tags::of(w, scope, id),
                None => tags::of(w, scope, ""),
            };
            filter::matches(filters, tags, |name| match name {
                "owner" => filter::s(&v.owner),
                "service-name" => filter::s(&v.name),
                "service-region" => filter::s(&v.region),
                "service-type" => filter::s(v.service_type.as_str()),
                "supported-ip-address-types" => v.supported_ip_address_types.clone(),
                _ => Vec::new(),
            })
        })
        .collect())
}
