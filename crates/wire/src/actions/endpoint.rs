//! VPC endpoint actions (§3): CreateVpcEndpoint, ModifyVpcEndpoint, DeleteVpcEndpoints,
//! DescribeVpcEndpoints.

use openvpc_core::endpoint::{
    self, Cmd, Create, DnsOptionsSpec, Modify, SubnetConfig, VpcEndpoint,
};
use openvpc_core::{tags, ApiError, Command, Kind, Result, Scope, World};

use super::describe::{Bounds, Query};
use super::endpoint_service::render_unsuccessful;
use super::{created_id, failures};
use super::{returned_true, Call, Handler};
use crate::params::View;
use crate::time::iso8601;
use crate::xml::{escape, Xml};

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("CreateVpcEndpoint", create),
    ("ModifyVpcEndpoint", modify),
    ("DeleteVpcEndpoints", delete),
    ("DescribeVpcEndpoints", describe),
];

/// Refuses an id without the `<prefix>-<hex>` shape, with the message VPC-endpoint calls
/// use (§4.7).
pub fn check_endpoint_id(id: &str, kind: Kind) -> Result<()> {
    if kind.is_well_formed(id) {
        return Ok(());
    }
    let prefix = kind.prefix();
    Err(ApiError::new(
        kind.malformed(id).code,
        format!(
            "Invalid Id: '{id}' (expecting '{prefix}-...; the Id may only contain lowercase alphanumeric characters and a single dash')"
        ),
    ))
}

fn check_all(ids: &[String], kind: Kind) -> Result<()> {
    ids.iter().try_for_each(|id| check_endpoint_id(id, kind))
}

fn check_subnets(ids: &[String]) -> Result<()> {
    check_all(ids, Kind::Subnet)
}

fn check_tables(ids: &[String]) -> Result<()> {
    check_all(ids, Kind::RouteTable)
}

fn check_groups(ids: &[String]) -> Result<()> {
    check_all(ids, Kind::SecurityGroup)
}

fn dns_options(p: &View) -> Result<Option<DnsOptionsSpec>> {
    if !p.has("DnsOptions") {
        return Ok(None);
    }
    let d = p.nested("DnsOptions");
    Ok(Some(DnsOptionsSpec {
        dns_record_ip_type: d.str("DnsRecordIpType"),
        private_dns_only_for_inbound_resolver_endpoint: d
            .bool("PrivateDnsOnlyForInboundResolverEndpoint")?,
        private_dns_preference: d.str("PrivateDnsPreference"),
        private_dns_specified_domains: d.list("PrivateDnsSpecifiedDomain"),
    }))
}

fn subnet_configurations(p: &View) -> Result<Vec<SubnetConfig>> {
    let out: Vec<SubnetConfig> = p
        .structs("SubnetConfiguration")
        .into_iter()
        .map(|s| SubnetConfig {
            subnet_id: s.str("SubnetId"),
            ipv4: s.str("Ipv4"),
            ipv6: s.str("Ipv6"),
        })
        .collect();
    let ids: Vec<String> = out.iter().filter_map(|c| c.subnet_id.clone()).collect();
    check_subnets(&ids)?;
    Ok(out)
}

fn create(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let vpc_id = p.req("VpcId")?;
    check_endpoint_id(&vpc_id, Kind::Vpc)?;
    let subnet_ids = p.list("SubnetId");
    check_subnets(&subnet_ids)?;
    let route_table_ids = p.list("RouteTableId");
    check_tables(&route_table_ids)?;
    let security_group_ids = p.list("SecurityGroupId");
    check_groups(&security_group_ids)?;
    for lattice in ["ServiceNetworkArn", "ResourceConfigurationArn"] {
        if p.str(lattice).is_some() {
            return Err(ApiError::invalid_parameter(format!(
                "{lattice} is only supported for Resource and ServiceNetwork type VPC Endpoints, which are not supported."
            )));
        }
    }
    let client_token = p.str("ClientToken");
    let c = Create {
        endpoint_type: p.str("VpcEndpointType"),
        vpc_id,
        service_name: p.str("ServiceName"),
        policy_document: p.str("PolicyDocument"),
        route_table_ids,
        subnet_ids,
        security_group_ids,
        ip_address_type: p.str("IpAddressType"),
        dns_options: dns_options(&p)?,
        client_token: client_token.clone(),
        private_dns_enabled: p.bool("PrivateDnsEnabled")?,
        tags: p.tag_specs()?,
        subnet_configurations: subnet_configurations(&p)?,
        service_region: p.str("ServiceRegion"),
    };
    let id = created_id(cx.mutate(Command::Endpoint(Cmd::Create(Box::new(c))))?)?;
    let w = cx.world();
    let scope = cx.ctx().scope();
    let e = w
        .vpc_endpoints
        .get(&id)
        .ok_or_else(|| Kind::VpcEndpoint.not_found(&id))?;
    let mut x = Xml::new();
    x.node("vpcEndpoint", |x| render(x, w, scope, e));
    x.opt("clientToken", client_token);
    Ok(x)
}

fn modify(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let endpoint_id = p.req("VpcEndpointId")?;
    check_endpoint_id(&endpoint_id, Kind::VpcEndpoint)?;
    let lists = [
        "AddRouteTableId",
        "RemoveRouteTableId",
        "AddSubnetId",
        "RemoveSubnetId",
        "AddSecurityGroupId",
        "RemoveSecurityGroupId",
    ]
    .map(|n| p.list(n));
    check_tables(&lists[0])?;
    check_tables(&lists[1])?;
    check_subnets(&lists[2])?;
    check_subnets(&lists[3])?;
    check_groups(&lists[4])?;
    check_groups(&lists[5])?;
    let [add_rt, remove_rt, add_sn, remove_sn, add_sg, remove_sg] = lists;
    let m = Modify {
        endpoint_id,
        reset_policy: p.flag("ResetPolicy")?,
        policy_document: p.str("PolicyDocument"),
        add_route_table_ids: add_rt,
        remove_route_table_ids: remove_rt,
        add_subnet_ids: add_sn,
        remove_subnet_ids: remove_sn,
        add_security_group_ids: add_sg,
        remove_security_group_ids: remove_sg,
        ip_address_type: p.str("IpAddressType"),
        dns_options: dns_options(&p)?,
        private_dns_enabled: p.bool("PrivateDnsEnabled")?,
        subnet_configurations: subnet_configurations(&p)?,
    };
    cx.mutate(Command::Endpoint(Cmd::Modify(Box::new(m))))?;
    Ok(returned_true())
}

fn delete(cx: &mut Call) -> Result<Xml> {
    let ids = cx.p().list("VpcEndpointId");
    if ids.is_empty() {
        return Err(ApiError::missing("VpcEndpointId"));
    }
    check_all(&ids, Kind::VpcEndpoint)?;
    let out = cx.mutate(Command::Endpoint(Cmd::Delete { endpoint_ids: ids }))?;
    let mut x = Xml::new();
    render_unsuccessful(&mut x, &failures(out)?);
    Ok(x)
}

fn describe(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(
        &cx.p(),
        "VpcEndpointId",
        |id| check_endpoint_id(id, Kind::VpcEndpoint),
        Bounds::capped(1, 1000),
    )?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = endpoint::describe(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |e| e.id.clone(),
        "vpcEndpointSet",
        |x, e| render(x, w, scope, e),
    ))
}

fn strings<'a>(x: &mut Xml, tag: &str, items: impl IntoIterator<Item = &'a String>) {
    x.list(tag, items, |x, s| {
        x.raw(&escape(s));
    });
}

/// Renders `dnsEntrySet`.
pub fn render_dns_entries(x: &mut Xml, w: &World, e: &VpcEndpoint) {
    x.list("dnsEntrySet", endpoint::dns_entries(w, e), |x, d| {
        x.leaf("dnsName", &d.dns_name)
            .leaf("hostedZoneId", &d.hosted_zone_id);
    });
}

/// Renders one endpoint as its owner sees it.
pub fn render(x: &mut Xml, w: &World, scope: &Scope, e: &VpcEndpoint) {
    x.leaf("vpcEndpointId", &e.id)
        .leaf("vpcEndpointType", e.endpoint_type.as_str())
        .leaf("vpcId", &e.vpc_id)
        .leaf("serviceName", &e.service_name)
        .leaf("state", e.state.as_str())
        .opt("policyDocument", e.policy_document.as_ref());
    strings(x, "routeTableIdSet", e.live_route_tables(w));
    strings(x, "subnetIdSet", e.subnets.iter().map(|s| &s.subnet_id));
    x.list("groupSet", &e.groups, |x, g| {
        x.leaf("groupId", g).opt(
            "groupName",
            w.security_groups.get(g).map(|sg| sg.name.as_str()),
        );
    })
    .leaf("ipAddressType", &e.ip_address_type);
    if let Some(d) = &e.dns_options {
        x.node("dnsOptions", |x| {
            x.leaf("dnsRecordIpType", &d.dns_record_ip_type)
                .opt(
                    "privateDnsOnlyForInboundResolverEndpoint",
                    d.private_dns_only_for_inbound_resolver_endpoint,
                )
                .opt("privateDnsPreference", d.private_dns_preference.as_ref());
            if !d.private_dns_specified_domains.is_empty() {
                strings(
                    x,
                    "privateDnsSpecifiedDomainSet",
                    &d.private_dns_specified_domains,
                );
            }
        });
    }
    x.leaf("privateDnsEnabled", e.private_dns_enabled)
        .leaf("requesterManaged", false);
    strings(
        x,
        "networkInterfaceIdSet",
        e.interfaces.iter().map(|i| &i.network_interface_id),
    );
    render_dns_entries(x, w, e);
    x.leaf("creationTimestamp", iso8601(e.created))
        .tag_set(tags::of(w, scope, &e.id))
        .leaf("ownerId", &e.scope.account);
    if let Some(err) = &e.last_error {
        x.node("lastError", |x| {
            x.leaf("message", &err.message).leaf("code", &err.code);
        });
    }
    x.leaf("serviceRegion", &e.service_region);
}
