//! PrivateLink provider actions (§2): endpoint service configurations, permissions,
//! private DNS verification, connection acceptance, and DescribeVpcEndpointServices.

use openvpc_core::endpoint_service::{
    self as svc, principal_type, Cmd, ConnectionNotification, CreateNotification, EndpointService,
    Modify, ServiceView,
};
use openvpc_core::{endpoint, tags, ApiError, BulkFailure, Command, Kind, Result, Scope, World};

use super::describe::{Bounds, Query};
use super::endpoint::{check_endpoint_id, render_dns_entries};
use super::{created_id, created_ids, failures, returned_true, Call, Handler};
use crate::time::iso8601;
use crate::xml::Xml;

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    (
        "CreateVpcEndpointServiceConfiguration",
        create_configuration,
    ),
    (
        "DescribeVpcEndpointServiceConfigurations",
        describe_configurations,
    ),
    (
        "ModifyVpcEndpointServiceConfiguration",
        modify_configuration,
    ),
    (
        "DeleteVpcEndpointServiceConfigurations",
        delete_configurations,
    ),
    (
        "StartVpcEndpointServicePrivateDnsVerification",
        start_private_dns_verification,
    ),
    ("ModifyVpcEndpointServicePermissions", modify_permissions),
    (
        "DescribeVpcEndpointServicePermissions",
        describe_permissions,
    ),
    ("AcceptVpcEndpointConnections", accept_connections),
    ("RejectVpcEndpointConnections", reject_connections),
    ("DescribeVpcEndpointConnections", describe_connections),
    ("DescribeVpcEndpointServices", describe_services),
    (
        "ModifyVpcEndpointServicePayerResponsibility",
        modify_payer_responsibility,
    ),
    (
        "CreateVpcEndpointConnectionNotification",
        create_notification,
    ),
    (
        "DescribeVpcEndpointConnectionNotifications",
        describe_notifications,
    ),
    (
        "ModifyVpcEndpointConnectionNotification",
        modify_notification,
    ),
    (
        "DeleteVpcEndpointConnectionNotifications",
        delete_notifications,
    ),
];

/// Checks the shape of an endpoint service id.
pub fn check_service_id(id: &str) -> Result<()> {
    check_endpoint_id(id, Kind::VpcEndpointService)
}

fn service_id(cx: &Call) -> Result<String> {
    let id = cx.p().req("ServiceId")?;
    check_service_id(&id)?;
    Ok(id)
}

/// Renders `unsuccessful` items of a bulk call.
pub fn render_unsuccessful(x: &mut Xml, failed: &[BulkFailure]) {
    x.list("unsuccessful", failed, |x, f| {
        x.node("error", |x| {
            x.leaf("code", f.code).leaf("message", &f.message);
        })
        .leaf("resourceId", &f.id);
    });
}

fn create_configuration(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let client_token = p.str("ClientToken");
    let cmd = Cmd::Create {
        network_load_balancer_arns: p.list("NetworkLoadBalancerArn"),
        gateway_load_balancer_arns: p.list("GatewayLoadBalancerArn"),
        acceptance_required: p.flag("AcceptanceRequired")?,
        private_dns_name: p.str("PrivateDnsName"),
        supported_ip_address_types: p.list("SupportedIpAddressType"),
        supported_regions: p.list("SupportedRegion"),
        client_token: client_token.clone(),
        tags: p.tag_specs()?,
    };
    let id = created_id(cx.mutate(Command::EndpointService(cmd))?)?;
    let w = cx.world();
    let scope = cx.ctx().scope();
    let s = w
        .endpoint_services
        .get(&id)
        .ok_or_else(|| Kind::VpcEndpointService.not_found(&id))?;
    let mut x = Xml::new();
    x.node("serviceConfiguration", |x| {
        render_configuration(x, w, scope, s)
    });
    x.opt("clientToken", client_token);
    Ok(x)
}

fn render_service_type(x: &mut Xml, t: svc::ServiceType) {
    x.list("serviceType", [t], |x, t| {
        x.leaf("serviceType", t.as_str());
    });
}

/// Renders one service configuration as its provider sees it.
pub fn render_configuration(x: &mut Xml, w: &World, scope: &Scope, s: &EndpointService) {
    let zones = svc::zones_for(w, s, &s.scope.account);
    render_service_type(x, s.service_type);
    x.leaf("serviceId", &s.id)
        .leaf("serviceName", s.name())
        .leaf("serviceState", s.state.as_str())
        .list("availabilityZoneIdSet", &zones, |x, z| {
            x.raw(&crate::xml::escape(&z.id));
        })
        .list("availabilityZoneSet", &zones, |x, z| {
            x.raw(&crate::xml::escape(&z.name));
        })
        .leaf("acceptanceRequired", s.acceptance_required)
        .leaf("managesVpcEndpoints", false)
        .list(
            "networkLoadBalancerArnSet",
            &s.network_load_balancer_arns,
            |x, a| {
                x.raw(&crate::xml::escape(a));
            },
        )
        .list(
            "gatewayLoadBalancerArnSet",
            &s.gateway_load_balancer_arns,
            |x, a| {
                x.raw(&crate::xml::escape(a));
            },
        )
        .list(
            "supportedIpAddressTypeSet",
            &s.supported_ip_address_types,
            |x, t| {
                x.raw(&crate::xml::escape(t));
            },
        );
    if s.service_type == svc::ServiceType::Interface {
        x.list("baseEndpointDnsNameSet", [s.base_dns_name()], |x, n| {
            x.raw(&crate::xml::escape(&n));
        });
    }
    if let Some(d) = &s.private_dns {
        x.leaf("privateDnsName", &d.name)
            .node("privateDnsNameConfiguration", |x| {
                x.leaf("state", d.state.as_str())
                    .leaf("type", "TXT")
                    .leaf("value", &d.record_value)
                    .leaf("name", &d.record_name);
            });
    }
    x.leaf("payerResponsibility", "ServiceOwner")
        .tag_set(tags::of(w, scope, &s.id))
        .list("supportedRegionSet", s.all_regions(), |x, r| {
            x.leaf("region", r).leaf("serviceState", "Available");
        })
        .leaf("remoteAccessEnabled", !s.supported_regions.is_empty());
}

fn describe_configurations(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(
        &cx.p(),
        "ServiceId",
        check_service_id,
        Bounds::capped(5, 1000),
    )?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = svc::describe_configurations(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |s| s.id.clone(),
        "serviceConfigurationSet",
        |x, s| render_configuration(x, w, scope, s),
    ))
}

fn modify_configuration(cx: &mut Call) -> Result<Xml> {
    let service_id = service_id(cx)?;
    let p = cx.p();
    let m = Modify {
        service_id,
        private_dns_name: p.str("PrivateDnsName"),
        remove_private_dns_name: p.flag("RemovePrivateDnsName")?,
        acceptance_required: p.bool("AcceptanceRequired")?,
        add_network_load_balancer_arns: p.list("AddNetworkLoadBalancerArn"),
        remove_network_load_balancer_arns: p.list("RemoveNetworkLoadBalancerArn"),
        add_gateway_load_balancer_arns: p.list("AddGatewayLoadBalancerArn"),
        remove_gateway_load_balancer_arns: p.list("RemoveGatewayLoadBalancerArn"),
        add_supported_ip_address_types: p.list("AddSupportedIpAddressType"),
        remove_supported_ip_address_types: p.list("RemoveSupportedIpAddressType"),
        add_supported_regions: p.list("AddSupportedRegion"),
        remove_supported_regions: p.list("RemoveSupportedRegion"),
    };
    cx.mutate(Command::EndpointService(Cmd::Modify(m)))?;
    Ok(returned_true())
}

fn delete_configurations(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let ids = p.list("ServiceId");
    if ids.is_empty() {
        return Err(ApiError::missing("ServiceId"));
    }
    ids.iter().try_for_each(|id| check_service_id(id))?;
    let out = cx.mutate(Command::EndpointService(Cmd::Delete { service_ids: ids }))?;
    let mut x = Xml::new();
    render_unsuccessful(&mut x, &failures(out)?);
    Ok(x)
}

fn start_private_dns_verification(cx: &mut Call) -> Result<Xml> {
    let service_id = service_id(cx)?;
    cx.mutate(Command::EndpointService(Cmd::StartPrivateDnsVerification {
        service_id,
    }))?;
    Ok(returned_true())
}

fn modify_permissions(cx: &mut Call) -> Result<Xml> {
    let service_id = service_id(cx)?;
    let p = cx.p();
    let add = p.list("AddAllowedPrincipals");
    let remove = p.list("RemoveAllowedPrincipals");
    let out = cx.mutate(Command::EndpointService(Cmd::ModifyPermissions {
        service_id: service_id.clone(),
        add: add.clone(),
        remove,
    }))?;
    let ids = created_ids(out)?;
    let mut principals = Vec::new();
    for p in &add {
        if !principals.contains(p) {
            principals.push(p.clone());
        }
    }
    let mut x = Xml::new();
    x.list(
        "addedPrincipalSet",
        principals.iter().zip(&ids),
        |x, (principal, id)| {
            x.leaf(
                "principalType",
                principal_type(principal).map_or("All", |t| t.as_str()),
            )
            .leaf("principal", principal)
            .leaf("servicePermissionId", id)
            .leaf("serviceId", &service_id);
        },
    );
    x.leaf("return", "true");
    Ok(x)
}

fn describe_permissions(cx: &mut Call) -> Result<Xml> {
    let service_id = service_id(cx)?;
    let q = Query::without_ids(&cx.p(), Bounds::capped(5, 1000))?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = svc::describe_permissions(w, cx.ctx(), &service_id, &q.filters)?;
    Ok(q.answer(
        found,
        |p| p.id.clone(),
        "allowedPrincipals",
        |x, p| {
            x.leaf(
                "principalType",
                principal_type(&p.principal).map_or("All", |t| t.as_str()),
            )
            .leaf("principal", &p.principal)
            .leaf("servicePermissionId", &p.id)
            .tag_set(tags::of(w, scope, &p.id))
            .leaf("serviceId", &service_id);
        },
    ))
}

fn connection_step(cx: &mut Call, accept: bool) -> Result<Xml> {
    let service_id = service_id(cx)?;
    let p = cx.p();
    let endpoint_ids = p.list("VpcEndpointId");
    if endpoint_ids.is_empty() {
        return Err(ApiError::missing("VpcEndpointId"));
    }
    endpoint_ids
        .iter()
        .try_for_each(|id| check_endpoint_id(id, Kind::VpcEndpoint))?;
    let cmd = if accept {
        Cmd::AcceptConnections {
            service_id,
            endpoint_ids,
        }
    } else {
        Cmd::RejectConnections {
            service_id,
            endpoint_ids,
        }
    };
    let out = cx.mutate(Command::EndpointService(cmd))?;
    let mut x = Xml::new();
    render_unsuccessful(&mut x, &failures(out)?);
    Ok(x)
}

fn accept_connections(cx: &mut Call) -> Result<Xml> {
    connection_step(cx, true)
}

fn reject_connections(cx: &mut Call) -> Result<Xml> {
    connection_step(cx, false)
}

fn describe_connections(cx: &mut Call) -> Result<Xml> {
    let q = Query::without_ids(&cx.p(), Bounds::capped(5, 1000))?;
    cx.read()?;
    let w = cx.world();
    let found = endpoint::describe_connections(w, cx.ctx(), &q.filters)?;
    Ok(q.answer(
        found,
        |e| e.id.clone(),
        "vpcEndpointConnectionSet",
        |x, e| {
            let (nlbs, gwlbs) = endpoint::load_balancers_of(w, e);
            x.opt("serviceId", e.service_id())
                .leaf("vpcEndpointId", &e.id)
                .leaf("vpcEndpointOwner", &e.scope.account)
                .leaf("vpcEndpointState", e.state.as_str())
                .leaf("creationTimestamp", iso8601(e.created));
            render_dns_entries(x, w, e);
            x.list("networkLoadBalancerArnSet", &nlbs, |x, a| {
                x.raw(&crate::xml::escape(a));
            })
            .list("gatewayLoadBalancerArnSet", &gwlbs, |x, a| {
                x.raw(&crate::xml::escape(a));
            })
            .leaf("ipAddressType", &e.ip_address_type)
            .opt("vpcEndpointConnectionId", e.connection_id.as_ref())
            .leaf("vpcEndpointRegion", &e.scope.region);
        },
    ))
}

fn render_detail(x: &mut Xml, w: &World, scope: &Scope, v: &ServiceView) {
    x.leaf("serviceName", &v.name).leaf("serviceId", &v.id);
    render_service_type(x, v.service_type);
    x.leaf("serviceRegion", &v.region)
        .list("availabilityZoneIdSet", &v.zones, |x, z| {
            x.raw(&crate::xml::escape(&z.id));
        })
        .list("availabilityZoneSet", &v.zones, |x, z| {
            x.raw(&crate::xml::escape(&z.name));
        })
        .leaf("owner", &v.owner)
        .list("baseEndpointDnsNameSet", &v.base_dns_names, |x, n| {
            x.raw(&crate::xml::escape(n));
        })
        .opt("privateDnsName", v.private_dns_name.as_ref());
    if let Some(n) = &v.private_dns_name {
        x.list("privateDnsNameSet", [n], |x, n| {
            x.leaf("privateDnsName", n);
        });
    }
    x.leaf("vpcEndpointPolicySupported", v.policy_supported)
        .leaf("acceptanceRequired", v.acceptance_required)
        .leaf("managesVpcEndpoints", false);
    if v.custom.is_some() {
        x.leaf("payerResponsibility", "ServiceOwner");
    }
    match &v.custom {
        Some(id) => x.tag_set(tags::of(w, scope, id)),
        None => x.tag_set(&Default::default()),
    };
    x.opt(
        "privateDnsNameVerificationState",
        v.private_dns_state.map(|s| s.as_str()),
    )
    .list(
        "supportedIpAddressTypeSet",
        &v.supported_ip_address_types,
        |x, t| {
            x.raw(&crate::xml::escape(t));
        },
    );
}

fn describe_services(cx: &mut Call) -> Result<Xml> {
    let regions = cx.p().list("ServiceRegion");
    let q = Query::decode(&cx.p(), "ServiceName", |_| Ok(()), Bounds::capped(1, 1000))?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let found = svc::describe_services(cx.world(), cx.ctx(), &q.ids, &regions, &q.filters)?;
    // Pages keep the unpaged order: name, then type (Interface first), then Region.
    let (found, next) = q.page.take(found, |v| {
        format!("{}\u{0}{}\u{0}{}", v.name, v.service_type as u8, v.region)
    });
    let w = cx.world();
    // Views come ordered by name: each name once is each first of a run.
    let mut unique: Vec<&str> = found.iter().map(|v| v.name.as_str()).collect();
    unique.dedup();
    let mut x = Xml::new();
    x.list("serviceNameSet", &unique, |x, n| {
        x.raw(&crate::xml::escape(n));
    });
    x.list("serviceDetailSet", &found, |x, v| {
        render_detail(x, w, scope, v)
    });
    x.opt("nextToken", next);
    Ok(x)
}

fn modify_payer_responsibility(cx: &mut Call) -> Result<Xml> {
    let service_id = service_id(cx)?;
    let payer_responsibility = cx.p().req("PayerResponsibility")?;
    cx.mutate(Command::EndpointService(Cmd::ModifyPayerResponsibility {
        service_id,
        payer_responsibility,
    }))?;
    Ok(returned_true())
}

fn create_notification(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let service_id = p.str("ServiceId").filter(|s| !s.is_empty());
    if let Some(id) = &service_id {
        check_service_id(id)?;
    }
    let vpc_endpoint_id = p.str("VpcEndpointId").filter(|s| !s.is_empty());
    if let Some(id) = &vpc_endpoint_id {
        check_endpoint_id(id, Kind::VpcEndpoint)?;
    }
    let client_token = p.str("ClientToken");
    let c = CreateNotification {
        service_id,
        vpc_endpoint_id,
        arn: p.req("ConnectionNotificationArn")?,
        events: p.list("ConnectionEvents"),
        client_token: client_token.clone(),
    };
    let cmd = Cmd::CreateNotification(Box::new(c));
    let id = created_id(cx.mutate(Command::EndpointService(cmd))?)?;
    let w = cx.world();
    let n = w.connection_notifications.get(&id).expect("created");
    let mut x = Xml::new();
    x.node("connectionNotification", |x| render_notification(x, w, n));
    x.opt("clientToken", client_token);
    Ok(x)
}

fn describe_notifications(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let id = p.str("ConnectionNotificationId");
    if let Some(id) = &id {
        Kind::VpcEndpointConnectionNotification.check(id)?;
    }
    let q = Query::without_ids(&p, Bounds::strict(5, 1000))?;
    cx.read()?;
    let w = cx.world();
    let found = svc::describe_notifications(w, cx.ctx(), id.as_deref(), &q.filters)?;
    Ok(q.answer(
        found,
        |n| n.id.clone(),
        "connectionNotificationSet",
        |x, n| render_notification(x, w, n),
    ))
}

fn modify_notification(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let id = p.req("ConnectionNotificationId")?;
    Kind::VpcEndpointConnectionNotification.check(&id)?;
    let cmd = Cmd::ModifyNotification {
        id,
        arn: p.str("ConnectionNotificationArn"),
        events: p.list("ConnectionEvents"),
    };
    cx.mutate(Command::EndpointService(cmd))?;
    Ok(returned_true())
}

fn delete_notifications(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let ids = p.list("ConnectionNotificationId");
    if ids.is_empty() {
        return Err(ApiError::missing("ConnectionNotificationId"));
    }
    ids.iter()
        .try_for_each(|id| Kind::VpcEndpointConnectionNotification.check(id))?;
    let out = cx.mutate(Command::EndpointService(Cmd::DeleteNotifications { ids }))?;
    let mut x = Xml::new();
    render_unsuccessful(&mut x, &failures(out)?);
    Ok(x)
}

/// One `ConnectionNotification`.
fn render_notification(x: &mut Xml, w: &World, n: &ConnectionNotification) {
    let region = n
        .vpc_endpoint_id
        .as_ref()
        .and_then(|e| w.vpc_endpoints.get(e))
        .map_or(n.scope.region.as_str(), |e| e.service_region.as_str());
    x.leaf("connectionNotificationId", &n.id)
        .opt("serviceId", n.service_id.as_deref())
        .opt("vpcEndpointId", n.vpc_endpoint_id.as_deref())
        .leaf("connectionNotificationType", "Topic")
        .leaf("connectionNotificationArn", &n.arn)
        .list("connectionEvents", &n.events, |x, e| {
            x.raw(&crate::xml::escape(e));
        })
        .leaf("connectionNotificationState", "Enabled")
        .leaf("serviceRegion", region);
}
