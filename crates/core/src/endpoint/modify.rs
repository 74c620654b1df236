//! ModifyVpcEndpoint (§3.5): each part of the request (policy, route tables, subnets,
//! security groups, addressing and DNS) is checked in turn, then all of it is applied.

use crate::endpoint_service::{dedup, ServiceView};
use crate::error::{ApiError, Result};
use crate::ids::Kind;
use crate::vpc::{self, Vpc};
use crate::world::{Ctx, Scope, World};
use crate::Output;

use super::dns::{check_inbound_resolver, dns_options_for, private_dns_for};
use super::gateway_routes::{add_routes, check_route_tables, prefix_list_of, remove_routes};
use super::interfaces::{check_groups, provision, refit_interfaces};
use super::model::{DnsOptions, EndpointType, Modify, State, SubnetChoice, VpcEndpoint};
use super::service::{modified_policy, remembered_view, service_gone, service_view};
use super::subnets::{
    check_gwlb_subnet_count, check_ip_address_type, check_provision, check_subnets, parse_choices,
};
use super::{get, only_for};

/// The route tables after the change.
struct Tables {
    /// Associated tables that still exist.
    live: Vec<String>,
    removing: Vec<String>,
    /// Tables to associate (again, when removed and added in one call).
    adding: Vec<String>,
    /// The prefix list a gateway endpoint routes.
    prefix_list: Option<String>,
}

impl Tables {
    /// The associated tables once the change is made.
    fn associated(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .live
            .iter()
            .filter(|t| !self.removing.contains(t))
            .cloned()
            .collect();
        for t in &self.adding {
            if !ids.contains(t) {
                ids.push(t.clone());
            }
        }
        ids
    }
}

/// The subnets after the change.
struct Subnets {
    /// Subnets staying (with their new addresses when re-addressed).
    kept: Vec<SubnetChoice>,
    added: Vec<SubnetChoice>,
    /// Kept subnets whose fixed addresses change: their interfaces are replaced.
    replaced: Vec<SubnetChoice>,
    removed: Vec<String>,
}

/// Addressing and DNS after the change.
struct Addressing {
    ip_type: String,
    private_dns: bool,
    dns_options: Option<DnsOptions>,
}

/// A checked ModifyVpcEndpoint.
struct Change {
    policy: Option<String>,
    tables: Tables,
    subnets: Subnets,
    groups: Vec<String>,
    addressing: Addressing,
}

pub(super) fn modify(w: &mut World, ctx: &Ctx, m: Modify) -> Result<Output> {
    let scope = ctx.scope();
    let ep = get(w, scope, &m.endpoint_id)?.clone();
    if !ep.state.exists() {
        return Err(Kind::VpcEndpoint.not_found(&ep.id));
    }
    let vpc = vpc::get(w, scope, &ep.vpc_id)?.clone();
    check_applicable(&ep, &m)?;
    let view = view_for(w, &ep, &m)?;
    let policy = modified_policy(&view, &ep, m.reset_policy, m.policy_document.as_deref())?;
    let tables = plan_tables(w, scope, &ep, &m)?;
    let subnets = plan_subnets(w, scope, &view, &ep, &m)?;
    if is_provisioned(&ep) {
        check_room(w, &ep, &subnets)?;
    }
    let groups = plan_groups(w, scope, &ep, &m)?;
    let addressing = plan_addressing(w, &vpc, &view, &ep, &m, &subnets)?;
    // Everything is checked: mutate.
    let change = Change {
        policy,
        tables,
        subnets,
        groups,
        addressing,
    };
    commit(w, ctx, &ep, change);
    Ok(Output::Done)
}

/// Whether the endpoint has (or is getting) its interfaces.
fn is_provisioned(ep: &VpcEndpoint) -> bool {
    matches!(
        ep.state,
        State::PendingAcceptance | State::Pending | State::Available
    )
}

/// The parts of the request the endpoint's type takes.
fn check_applicable(ep: &VpcEndpoint, m: &Modify) -> Result<()> {
    let ty = ep.endpoint_type;
    let touches_tables = !m.add_route_table_ids.is_empty() || !m.remove_route_table_ids.is_empty();
    let touches_groups =
        !m.add_security_group_ids.is_empty() || !m.remove_security_group_ids.is_empty();
    if touches_tables && ty != EndpointType::Gateway {
        return Err(only_for("Route table IDs", "Gateway"));
    }
    if touches_subnets(m) && ty == EndpointType::Gateway {
        return Err(only_for("Subnet IDs", "Interface and GatewayLoadBalancer"));
    }
    if touches_groups && ty != EndpointType::Interface {
        return Err(only_for("Security group IDs", "Interface"));
    }
    if ty == EndpointType::GatewayLoadBalancer && !m.remove_subnet_ids.is_empty() {
        return Err(ApiError::invalid_parameter(
            "Subnets cannot be removed from a Gateway Load Balancer endpoint.",
        ));
    }
    if m.reset_policy && m.policy_document.is_some() {
        return Err(ApiError::invalid_combination(
            "ResetPolicy and PolicyDocument cannot be specified together.",
        ));
    }
    Ok(())
}

fn touches_subnets(m: &Modify) -> bool {
    !m.add_subnet_ids.is_empty()
        || !m.remove_subnet_ids.is_empty()
        || !m.subnet_configurations.is_empty()
}

/// The endpoint's service; a deleted service is an error only for changes that need it.
fn view_for(w: &World, ep: &VpcEndpoint, m: &Modify) -> Result<ServiceView> {
    let needs_view = touches_subnets(m)
        || m.reset_policy
        || m.policy_document.is_some()
        || m.private_dns_enabled == Some(true)
        || m.ip_address_type.is_some();
    match service_view(w, ep) {
        Some(v) => Ok(v),
        None if needs_view => Err(service_gone(ep)),
        None => Ok(remembered_view(ep)),
    }
}

/// Route tables to remove must be associated; new ones must take the endpoint's route.
fn plan_tables(w: &World, scope: &Scope, ep: &VpcEndpoint, m: &Modify) -> Result<Tables> {
    let live: Vec<String> = ep.live_route_tables(w).cloned().collect();
    let removing = dedup(&m.remove_route_table_ids);
    if let Some(t) = removing.iter().find(|t| !ep.route_table_ids.contains(t)) {
        return Err(ApiError::invalid_parameter(format!(
            "The route table {t} is not associated with the VPC endpoint {}.",
            ep.id
        )));
    }
    let adding: Vec<String> = dedup(&m.add_route_table_ids)
        .into_iter()
        .filter(|t| !live.contains(t) || removing.contains(t))
        .collect();
    let prefix_list = prefix_list_of(ep);
    if let Some(pl) = &prefix_list {
        // Tables being re-added after removal in the same call get their route back.
        let fresh: Vec<String> = adding
            .iter()
            .filter(|t| !live.contains(t))
            .cloned()
            .collect();
        check_route_tables(w, scope, &ep.vpc_id, &fresh, pl)?;
    }
    Ok(Tables {
        live,
        removing,
        adding,
        prefix_list,
    })
}

/// Subnets to remove must be the endpoint's; added and re-addressed ones are checked as
/// on create.
fn plan_subnets(
    w: &World,
    scope: &Scope,
    view: &ServiceView,
    ep: &VpcEndpoint,
    m: &Modify,
) -> Result<Subnets> {
    let removed = dedup(&m.remove_subnet_ids);
    if let Some(s) = removed
        .iter()
        .find(|s| !ep.subnets.iter().any(|c| &c.subnet_id == *s))
    {
        return Err(ApiError::invalid_parameter(format!(
            "The subnet {s} is not associated with the VPC endpoint {}.",
            ep.id
        )));
    }
    let requested = parse_choices(&m.add_subnet_ids, &m.subnet_configurations)?;
    let mut kept: Vec<SubnetChoice> = ep
        .subnets
        .iter()
        .filter(|c| !removed.contains(&c.subnet_id))
        .cloned()
        .collect();
    let mut added = Vec::new();
    let mut replaced = Vec::new();
    for c in requested {
        match kept.iter_mut().find(|k| k.subnet_id == c.subnet_id) {
            Some(k) if c.ipv4.is_some() || c.ipv6.is_some() => {
                if k.ipv4 != c.ipv4 || k.ipv6 != c.ipv6 {
                    k.ipv4 = c.ipv4;
                    k.ipv6 = c.ipv6;
                    replaced.push(k.clone());
                }
            }
            Some(_) => {}
            None => added.push(c),
        }
    }
    check_gwlb_subnet_count(ep.endpoint_type, kept.len() + added.len())?;
    check_subnets(w, scope, &ep.vpc_id, view, &added, &kept)?;
    let unchanged: Vec<SubnetChoice> = kept
        .iter()
        .filter(|k| !replaced.iter().any(|r| r.subnet_id == k.subnet_id))
        .cloned()
        .collect();
    check_subnets(w, scope, &ep.vpc_id, view, &replaced, &unchanged)?;
    Ok(Subnets {
        kept,
        added,
        replaced,
        removed,
    })
}

/// New interfaces fit: added subnets have room, re-addressed ones have their new address
/// free (the address the current interface holds is about to be released).
fn check_room(w: &World, ep: &VpcEndpoint, s: &Subnets) -> Result<()> {
    check_provision(w, &s.added)?;
    let replacing: Vec<SubnetChoice> = s
        .replaced
        .iter()
        .filter(|r| {
            let current = ep
                .interfaces
                .iter()
                .find(|i| i.subnet_id == r.subnet_id)
                .and_then(|i| w.network_interfaces.get(&i.network_interface_id))
                .and_then(|e| e.primary_ip());
            r.ipv4.is_some() && r.ipv4 != current
        })
        .cloned()
        .collect();
    check_provision(w, &replacing)
}

/// The security groups after the change; an interface endpoint keeps at least one.
fn plan_groups(w: &World, scope: &Scope, ep: &VpcEndpoint, m: &Modify) -> Result<Vec<String>> {
    let remove = dedup(&m.remove_security_group_ids);
    if let Some(g) = remove.iter().find(|g| !ep.groups.contains(g)) {
        return Err(ApiError::invalid_parameter(format!(
            "The security group {g} is not associated with the VPC endpoint {}.",
            ep.id
        )));
    }
    let add: Vec<String> = dedup(&m.add_security_group_ids)
        .into_iter()
        .filter(|g| !ep.groups.contains(g))
        .collect();
    check_groups(w, scope, &ep.vpc_id, &add)?;
    let mut groups: Vec<String> = ep
        .groups
        .iter()
        .filter(|g| !remove.contains(g))
        .cloned()
        .collect();
    groups.extend(add);
    if ep.endpoint_type == EndpointType::Interface && groups.is_empty() {
        return Err(ApiError::invalid_parameter(
            "An interface endpoint must keep at least one security group.",
        ));
    }
    Ok(groups)
}

/// IP address type, private DNS and DNS options after the change.
fn plan_addressing(
    w: &World,
    vpc: &Vpc,
    view: &ServiceView,
    ep: &VpcEndpoint,
    m: &Modify,
    subnets: &Subnets,
) -> Result<Addressing> {
    let ty = ep.endpoint_type;
    if ty != EndpointType::Interface && (m.private_dns_enabled.is_some() || m.dns_options.is_some())
    {
        if m.private_dns_enabled.is_some() {
            return Err(only_for("Private DNS names", "Interface"));
        }
        return Err(only_for("DNS options", "Interface"));
    }
    let ip_type = m
        .ip_address_type
        .clone()
        .unwrap_or_else(|| ep.ip_address_type.clone());
    if m.ip_address_type.is_some() || !subnets.added.is_empty() {
        let mut all = subnets.kept.clone();
        all.extend(subnets.added.iter().cloned());
        check_ip_address_type(w, ty, view, &ip_type, &all)?;
    }
    let current = Some((ep.id.as_str(), ep.private_dns_enabled));
    let private_dns = private_dns_for(w, vpc, ty, view, m.private_dns_enabled, current)?;
    let dns_options = dns_options_for(
        ty,
        &ip_type,
        m.dns_options.as_ref(),
        ep.dns_options.as_ref(),
    )?;
    if m.dns_options.is_some() || m.private_dns_enabled.is_some() {
        check_inbound_resolver(w, &vpc.id, view, dns_options.as_ref(), private_dns)?;
    }
    Ok(Addressing {
        ip_type,
        private_dns,
        dns_options,
    })
}

/// Applies a checked change: routes, interfaces of removed or re-addressed subnets (new
/// ones are made last), groups, and the endpoint itself.
fn commit(w: &mut World, ctx: &Ctx, ep: &VpcEndpoint, c: Change) {
    let id = ep.id.as_str();
    if let Some(pl) = &c.tables.prefix_list {
        remove_routes(w, id, &c.tables.removing);
        add_routes(w, id, pl, &c.tables.adding);
    }
    let s = &c.subnets;
    let dropped: Vec<String> = ep
        .interfaces
        .iter()
        .filter(|i| {
            s.removed.contains(&i.subnet_id)
                || s.replaced.iter().any(|r| r.subnet_id == i.subnet_id)
        })
        .map(|i| i.network_interface_id.clone())
        .collect();
    refit_interfaces(w, id, &dropped, &c.groups);
    let route_table_ids = c.tables.associated();
    let mut subnets = c.subnets.kept;
    subnets.extend(c.subnets.added);
    let e = w.vpc_endpoints.get_mut(id).expect("found");
    e.policy_document = c.policy;
    e.route_table_ids = route_table_ids;
    e.subnets = subnets;
    e.groups = c.groups;
    e.ip_address_type = c.addressing.ip_type;
    e.dns_options = c.addressing.dns_options;
    e.private_dns_enabled = c.addressing.private_dns;
    if is_provisioned(ep) {
        provision(w, id, ctx.now);
    }
}
