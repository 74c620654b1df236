//! DescribeVpcEndpoints and DescribeVpcEndpointConnections: candidates and filters.

use crate::error::Result;
use crate::filter::{self, Filter};
use crate::tags;
use crate::world::{Ctx, World};

use super::get;
use super::model::VpcEndpoint;

/// Filters DescribeVpcEndpoints accepts.
pub const FILTERS: &[&str] = &[
    "ip-address-type",
    "service-name",
    "service-region",
    "vpc-id",
    "vpc-endpoint-id",
    "vpc-endpoint-state",
    "vpc-endpoint-type",
];

/// DescribeVpcEndpoints: the caller's endpoints.
pub fn describe<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w VpcEndpoint>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let candidates = w.vpc_endpoints.pick(scope, ids, |id| get(w, scope, id))?;
    Ok(filter::tagged(
        w,
        scope,
        candidates,
        filters,
        |e, name| match name {
            "ip-address-type" => filter::s(&e.ip_address_type),
            "service-name" => filter::s(&e.service_name),
            "service-region" => filter::s(&e.service_region),
            "vpc-id" => filter::s(&e.vpc_id),
            "vpc-endpoint-id" => filter::s(&e.id),
            "vpc-endpoint-state" => filter::s(e.state.as_str()),
            "vpc-endpoint-type" => filter::s(e.endpoint_type.as_str()),
            _ => Vec::new(),
        },
    ))
}

/// Filters DescribeVpcEndpointConnections accepts.
pub const CONNECTION_FILTERS: &[&str] = &[
    "ip-address-type",
    "service-id",
    "transit-gateway-attachment-id",
    "vpc-endpoint-owner",
    "vpc-endpoint-region",
    "vpc-endpoint-state",
    "vpc-endpoint-id",
];

/// DescribeVpcEndpointConnections: endpoints connected to the caller's services.
pub fn describe_connections<'w>(
    w: &'w World,
    ctx: &Ctx,
    filters: &[Filter],
) -> Result<Vec<&'w VpcEndpoint>> {
    filter::check_names(filters, CONNECTION_FILTERS)?;
    let scope = ctx.scope();
    Ok(w.vpc_endpoints
        .values()
        .filter(|e| {
            e.service_id()
                .and_then(|s| w.endpoint_services.get(s))
                .is_some_and(|s| s.scope == *scope)
        })
        .filter(|e| {
            filter::matches(filters, tags::of(w, scope, &e.id), |name| match name {
                "ip-address-type" => filter::s(&e.ip_address_type),
                "service-id" => filter::opt(e.service_id.clone()),
                "vpc-endpoint-owner" => filter::s(&e.scope.account),
                "vpc-endpoint-region" => {
                    let mut v = filter::s(&e.scope.region);
                    if e.scope.region != e.service_region {
                        v.push("cross-region".into());
                    }
                    v
                }
                "vpc-endpoint-state" => filter::s(e.state.as_str()),
                "vpc-endpoint-id" => filter::s(&e.id),
                _ => Vec::new(),
            })
        })
        .collect())
}
