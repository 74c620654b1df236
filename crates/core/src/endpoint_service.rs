//! PrivateLink endpoint services (§2): the provider's service configurations behind network
//! or gateway load balancers, their permissions, private DNS names and connection
//! acceptance, and the consumer's discovery catalogue (§2.5): AWS services of the Region
//! plus the custom services the caller owns or is allowed to use.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::elb::LoadBalancerType;
use crate::error::{ApiError, ErrorCode, Result};
use crate::filter::{self, Filter};
use crate::region::Zone;
use crate::table::Resource;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::{BulkFailure, Kind, Millis, Output};

/// Private DNS names ending with this suffix fail verification; every other name passes.
/// (openvpc cannot look up TXT records: the rule is deterministic, see §2.4.)
pub const FAILING_DNS_SUFFIX: &str = ".invalid";

/// Longest private DNS name accepted.
const MAX_DNS_NAME: usize = 255;

/// The type of an endpoint service ([`ServiceType::as_str`] gives the wire spelling).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ServiceType {
    Interface,
    Gateway,
    GatewayLoadBalancer,
}

impl ServiceType {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceType::Interface => "Interface",
            ServiceType::Gateway => "Gateway",
            ServiceType::GatewayLoadBalancer => "GatewayLoadBalancer",
        }
    }
}

/// Service states, PascalCase on the wire (`Available`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ServiceState {
    Pending,
    Available,
    Deleting,
    Deleted,
    Failed,
}

impl ServiceState {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceState::Pending => "Pending",
            ServiceState::Available => "Available",
            ServiceState::Deleting => "Deleting",
            ServiceState::Deleted => "Deleted",
            ServiceState::Failed => "Failed",
        }
    }
}

/// Private DNS name verification states (camelCase on the wire).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DnsState {
    PendingVerification,
    Verified,
    Failed,
}

impl DnsState {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DnsState::PendingVerification => "pendingVerification",
            DnsState::Verified => "verified",
            DnsState::Failed => "failed",
        }
    }
}

/// A service's private DNS name and the TXT record that proves ownership of its domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivateDns {
    pub name: String,
    pub state: DnsState,
    /// The TXT record name (`_<token>`).
    pub record_name: String,
    /// The TXT record value (`vpce:<token>`).
    pub record_value: String,
}

/// One allowed principal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Permission {
    /// `vpce-svc-perm-<17 hex>`.
    pub id: String,
    pub principal: String,
}

/// The kind of an allowed principal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrincipalType {
    All,
    Account,
    User,
    Role,
}

impl PrincipalType {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            PrincipalType::All => "All",
            PrincipalType::Account => "Account",
            PrincipalType::User => "User",
            PrincipalType::Role => "Role",
        }
    }
}

/// A provider's endpoint service configuration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointService {
    pub id: String,
    pub scope: Scope,
    /// `Interface` (network load balancers) or `GatewayLoadBalancer`.
    pub service_type: ServiceType,
    pub state: ServiceState,
    pub acceptance_required: bool,
    pub network_load_balancer_arns: Vec<String>,
    pub gateway_load_balancer_arns: Vec<String>,
    /// `ipv4` and/or `ipv6`.
    pub supported_ip_address_types: Vec<String>,
    /// Regions besides the home Region from which consumers may connect.
    pub supported_regions: Vec<String>,
    pub private_dns: Option<PrivateDns>,
    pub permissions: Vec<Permission>,
    pub created: Millis,
}

impl Resource for EndpointService {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

impl EndpointService {
    /// `com.amazonaws.vpce.<region>.<service id>`.
    pub fn name(&self) -> String {
        format!("com.amazonaws.vpce.{}.{}", self.scope.region, self.id)
    }

    /// `<service id>.<region>.vpce.amazonaws.com`.
    pub fn base_dns_name(&self) -> String {
        format!("{}.{}.vpce.amazonaws.com", self.id, self.scope.region)
    }

    /// Every associated load balancer ARN.
    pub fn load_balancer_arns(&self) -> impl Iterator<Item = &String> {
        self.network_load_balancer_arns
            .iter()
            .chain(&self.gateway_load_balancer_arns)
    }

    /// Whether `account` may discover and connect: the owner, `*`, or a principal of it.
    pub fn allows(&self, account: &str) -> bool {
        self.scope.account == account
            || self
                .permissions
                .iter()
                .any(|p| p.principal == "*" || principal_account(&p.principal) == Some(account))
    }

    /// The private DNS name consumers may use: set and verified.
    pub fn verified_private_dns_name(&self) -> Option<&str> {
        self.private_dns
            .as_ref()
            .filter(|d| d.state == DnsState::Verified)
            .map(|d| d.name.as_str())
    }

    /// Every Region consumers may connect from, the home Region first.
    pub fn all_regions(&self) -> Vec<String> {
        let mut out = vec![self.scope.region.clone()];
        out.extend(self.supported_regions.iter().cloned());
        out
    }
}

/// The kind of a principal ARN, or `UnknownPrincipalType.Unsupported`.
pub fn principal_type(principal: &str) -> Result<PrincipalType> {
    let unsupported = || {
        ApiError::new(ErrorCode::UnknownPrincipalTypeUnsupported,
            format!(
                "The principal '{principal}' is not supported. Use '*' or an IAM ARN of an account root, user or role without a path."
            ),
        )
    };
    if principal == "*" {
        return Ok(PrincipalType::All);
    }
    let rest = principal
        .strip_prefix("arn:aws:iam::")
        .ok_or_else(unsupported)?;
    let (account, resource) = rest.split_once(':').ok_or_else(unsupported)?;
    if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
        return Err(unsupported());
    }
    let named = |n: &str| {
        !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c))
    };
    match resource.split_once('/') {
        None if resource == "root" => Ok(PrincipalType::Account),
        Some(("user", n)) if named(n) => Ok(PrincipalType::User),
        Some(("role", n)) if named(n) => Ok(PrincipalType::Role),
        _ => Err(unsupported()),
    }
}

/// The account a principal ARN belongs to (`None` for `*` or a malformed principal).
pub fn principal_account(principal: &str) -> Option<&str> {
    principal
        .strip_prefix("arn:aws:iam::")?
        .split_once(':')
        .map(|(a, _)| a)
}

/// A requested change of a service configuration; empty members change nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modify {
    pub service_id: String,
    pub private_dns_name: Option<String>,
    pub remove_private_dns_name: bool,
    pub acceptance_required: Option<bool>,
    pub add_network_load_balancer_arns: Vec<String>,
    pub remove_network_load_balancer_arns: Vec<String>,
    pub add_gateway_load_balancer_arns: Vec<String>,
    pub remove_gateway_load_balancer_arns: Vec<String>,
    pub add_supported_ip_address_types: Vec<String>,
    pub remove_supported_ip_address_types: Vec<String>,
    pub add_supported_regions: Vec<String>,
    pub remove_supported_regions: Vec<String>,
}

/// Endpoint service commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    Create {
        network_load_balancer_arns: Vec<String>,
        gateway_load_balancer_arns: Vec<String>,
        acceptance_required: bool,
        private_dns_name: Option<String>,
        supported_ip_address_types: Vec<String>,
        supported_regions: Vec<String>,
        client_token: Option<String>,
        tags: Vec<TagSpec>,
    },
    Modify(Modify),
    /// Output: `Bulk`.
    Delete {
        service_ids: Vec<String>,
    },
    StartPrivateDnsVerification {
        service_id: String,
    },
    /// Output: `Ids` — the permission ids of the added principals, in order.
    ModifyPermissions {
        service_id: String,
        add: Vec<String>,
        remove: Vec<String>,
    },
    /// Output: `Bulk`.
    AcceptConnections {
        service_id: String,
        endpoint_ids: Vec<String>,
    },
    /// Output: `Bulk`.
    RejectConnections {
        service_id: String,
        endpoint_ids: Vec<String>,
    },
}

impl Cmd {
    /// The command's `ClientToken`, if any.
    pub fn client_token(&self) -> Option<&str> {
        match self {
            Cmd::Create { client_token, .. } => client_token.as_deref(),
            _ => None,
        }
    }
}

/// `InvalidServiceName` for a name the caller cannot see.
pub fn name_not_found(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidServiceName,
        format!("The Vpc Endpoint Service '{name}' does not exist"),
    )
}

/// The caller's service `id`.
pub fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w EndpointService> {
    w.endpoint_services
        .get_in(scope, id)
        .ok_or_else(|| Kind::VpcEndpointService.not_found(id))
}

/// Applies an endpoint service command.
pub fn apply(w: &mut World, ctx: &Ctx, cmd: Cmd) -> Result<Output> {
    match cmd {
        Cmd::Create {
            network_load_balancer_arns,
            gateway_load_balancer_arns,
            acceptance_required,
            private_dns_name,
            supported_ip_address_types,
            supported_regions,
            client_token: _,
            tags: specs,
        } => create(
            w,
            ctx,
            network_load_balancer_arns,
            gateway_load_balancer_arns,
            acceptance_required,
            private_dns_name,
            supported_ip_address_types,
            supported_regions,
            &specs,
        ),
        Cmd::Modify(m) => modify(w, ctx, m),
        Cmd::Delete { service_ids } => delete(w, ctx, &service_ids),
        Cmd::StartPrivateDnsVerification { service_id } => verify_private_dns(w, ctx, &service_id),
        Cmd::ModifyPermissions {
            service_id,
            add,
            remove,
        } => modify_permissions(w, ctx, &service_id, &add, &remove),
        Cmd::AcceptConnections {
            service_id,
            endpoint_ids,
        } => {
            get(w, &ctx.scope(), &service_id)?;
            Ok(bulk(
                w,
                ctx,
                &service_id,
                &endpoint_ids,
                World::accept_endpoint_connection,
            ))
        }
        Cmd::RejectConnections {
            service_id,
            endpoint_ids,
        } => {
            get(w, &ctx.scope(), &service_id)?;
            Ok(bulk(
                w,
                ctx,
                &service_id,
                &endpoint_ids,
                World::reject_endpoint_connection,
            ))
        }
    }
}

type ConnectionStep = fn(&mut World, &Ctx, &str, &str) -> Result<()>;

fn bulk(
    w: &mut World,
    ctx: &Ctx,
    service_id: &str,
    ids: &[String],
    step: ConnectionStep,
) -> Output {
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    for id in dedup(ids) {
        match step(w, ctx, service_id, &id) {
            Ok(()) => ok.push(id),
            Err(e) => failed.push(BulkFailure {
                id,
                code: e.code,
                message: e.message,
            }),
        }
    }
    Output::Bulk { ok, failed }
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

/// The parts of a load balancer ARN: (region, account, kind `net`/`gwy`/`app`).
fn parse_lb_arn(arn: &str) -> Option<(&str, &str, &str)> {
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

fn check_dns_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= MAX_DNS_NAME
        && name.contains('.')
        && !name.starts_with('.')
        && !name.ends_with('.')
        && name.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && (label == "*" || label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        });
    if !ok {
        return Err(ApiError::invalid_value(format!(
            "Value ({name}) for parameter PrivateDnsName is invalid. It is not a valid domain name."
        )));
    }
    Ok(())
}

fn new_private_dns(w: &mut World, name: &str) -> PrivateDns {
    let token = w.ids.token(20);
    PrivateDns {
        name: name.to_ascii_lowercase(),
        state: DnsState::PendingVerification,
        record_name: format!("_{}", w.ids.token(20)),
        record_value: format!("vpce:{token}"),
    }
}

#[allow(clippy::too_many_arguments)]
fn create(
    w: &mut World,
    ctx: &Ctx,
    nlbs: Vec<String>,
    gwlbs: Vec<String>,
    acceptance_required: bool,
    private_dns_name: Option<String>,
    ip_types: Vec<String>,
    regions: Vec<String>,
    specs: &[TagSpec],
) -> Result<Output> {
    let scope = ctx.scope();
    let (nlbs, gwlbs) = (dedup(&nlbs), dedup(&gwlbs));
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
    check_load_balancers(w, &scope, lbs, lb_type, None)?;
    let mut ip_types = dedup(&ip_types);
    if ip_types.is_empty() {
        ip_types.push("ipv4".into());
    }
    check_ip_address_types(w, &ip_types, lbs)?;
    let regions: Vec<String> = dedup(&regions)
        .into_iter()
        .filter(|r| *r != ctx.region)
        .collect();
    check_regions(w, &regions)?;
    if let Some(name) = &private_dns_name {
        if service_type != ServiceType::Interface {
            return Err(ApiError::invalid_parameter(
                "Private DNS names are supported only for endpoint services of network load balancers.",
            ));
        }
        check_dns_name(name)?;
    }
    tags::check_specs(specs, "vpc-endpoint-service")?;
    let id = w.ids.id(Kind::VpcEndpointService);
    let private_dns = private_dns_name.map(|n| new_private_dns(w, &n));
    w.endpoint_services.insert(EndpointService {
        id: id.clone(),
        scope: scope.clone(),
        service_type,
        state: ServiceState::Available,
        acceptance_required,
        network_load_balancer_arns: nlbs,
        gateway_load_balancer_arns: gwlbs,
        supported_ip_address_types: ip_types,
        supported_regions: regions,
        private_dns,
        permissions: Vec::new(),
        created: ctx.now,
    });
    tags::apply_specs(w, &scope, &id, specs);
    Ok(Output::Id(id))
}

/// Endpoints that keep a service busy: accepted or waiting for acceptance.
fn live_connections<'w>(w: &'w World, service_id: &str) -> impl Iterator<Item = &'w str> + 'w {
    let service_id = service_id.to_string();
    w.vpc_endpoints
        .values()
        .filter(move |e| e.service_id() == Some(service_id.as_str()) && e.state.is_connected())
        .map(|e| e.id.as_str())
}

fn existing_connections(id: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ExistingVpcEndpointConnections,
        format!("Service {id} has existing VPC endpoint connections. Reject or delete them first."),
    )
}

fn modify(w: &mut World, ctx: &Ctx, m: Modify) -> Result<Output> {
    let scope = ctx.scope();
    let svc = get(w, &scope, &m.service_id)?.clone();
    if m.private_dns_name.is_some() && m.remove_private_dns_name {
        return Err(ApiError::invalid_combination(
            "PrivateDnsName and RemovePrivateDnsName cannot be specified together.",
        ));
    }
    if let Some(name) = &m.private_dns_name {
        if svc.service_type != ServiceType::Interface {
            return Err(ApiError::invalid_parameter(
                "Private DNS names are supported only for endpoint services of network load balancers.",
            ));
        }
        check_dns_name(name)?;
    }
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
    check_load_balancers(w, &scope, &fresh, lb_type, Some(&svc.id))?;
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
    check_ip_address_types(w, &ip_types, &lbs)?;
    if ip_types.is_empty() {
        return Err(ApiError::invalid_parameter(
            "An endpoint service must support at least one IP address type.",
        ));
    }
    check_regions(w, &m.add_supported_regions)?;
    check_regions(w, &m.remove_supported_regions)?;
    if m.remove_supported_regions.contains(&ctx.region) {
        return Err(ApiError::invalid_parameter(format!(
            "The home Region {} of the service cannot be removed.",
            ctx.region
        )));
    }
    let mut regions: Vec<String> = svc
        .supported_regions
        .iter()
        .filter(|r| !m.remove_supported_regions.contains(r))
        .cloned()
        .collect();
    for r in dedup(&m.add_supported_regions) {
        if r != ctx.region && !regions.contains(&r) {
            regions.push(r);
        }
    }
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

fn delete(w: &mut World, ctx: &Ctx, ids: &[String]) -> Result<Output> {
    let scope = ctx.scope();
    let mut ok = Vec::new();
    let mut failed = Vec::new();
    for id in dedup(ids) {
        let result = get(w, &scope, &id).map(|_| ()).and_then(|()| {
            if live_connections(w, &id).next().is_some() {
                Err(existing_connections(&id))
            } else {
                Ok(())
            }
        });
        match result {
            Ok(()) => {
                w.endpoint_services.remove(&id);
                tags::forget(w, &id);
                ok.push(id);
            }
            Err(e) => failed.push(BulkFailure {
                id,
                code: e.code,
                message: e.message,
            }),
        }
    }
    Ok(Output::Bulk { ok, failed })
}

fn verify_private_dns(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    let svc = get(w, &ctx.scope(), id)?;
    let Some(dns) = &svc.private_dns else {
        return Err(ApiError::invalid_parameter(format!(
            "The VPC endpoint service {id} does not have a private DNS name."
        )));
    };
    let state = if dns.name.ends_with(FAILING_DNS_SUFFIX) {
        DnsState::Failed
    } else {
        DnsState::Verified
    };
    let s = w.endpoint_services.get_mut(id).expect("found");
    if let Some(d) = s.private_dns.as_mut() {
        d.state = state;
    }
    Ok(Output::Done)
}

fn modify_permissions(
    w: &mut World,
    ctx: &Ctx,
    id: &str,
    add: &[String],
    remove: &[String],
) -> Result<Output> {
    let svc = get(w, &ctx.scope(), id)?;
    for p in add.iter().chain(remove) {
        principal_type(p)?;
    }
    let mut permissions = svc.permissions.clone();
    permissions.retain(|p| !remove.contains(&p.principal));
    let mut added = Vec::new();
    for principal in dedup(add) {
        match permissions.iter().find(|p| p.principal == principal) {
            Some(p) => added.push(p.id.clone()),
            None => {
                let perm_id = w.ids.id(Kind::VpcEndpointServicePermission);
                added.push(perm_id.clone());
                permissions.push(Permission {
                    id: perm_id,
                    principal,
                });
            }
        }
    }
    let s = w.endpoint_services.get_mut(id).expect("found");
    s.permissions = permissions;
    Ok(Output::Ids(added))
}

// ---------------------------------------------------------------------------------------
// Provider-side describe calls.

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
        .pick(&scope, ids, |id| get(w, &scope, id))?;
    Ok(candidates
        .into_iter()
        .filter(|s| {
            filter::matches(filters, tags::of(w, &scope, &s.id), |name| match name {
                "service-name" => filter::s(s.name()),
                "service-id" => filter::s(&s.id),
                "service-state" => filter::s(s.state.as_str()),
                "supported-ip-address-types" => s.supported_ip_address_types.clone(),
                _ => Vec::new(),
            })
        })
        .collect())
}

/// The zones of a service's load balancers as `account` names them in the service's Region.
pub fn zones_for(w: &World, svc: &EndpointService, account: &str) -> Vec<Zone> {
    let ids: BTreeSet<&str> = svc
        .load_balancer_arns()
        .filter_map(|arn| w.load_balancers.get(arn))
        .flat_map(|lb| lb.subnets.iter().map(|s| s.availability_zone_id.as_str()))
        .collect();
    let mut zones: Vec<Zone> = w
        .config
        .zones(account, &svc.scope.region)
        .into_iter()
        .filter(|z| ids.contains(z.id.as_str()))
        .collect();
    zones.sort_by(|a, b| a.name.cmp(&b.name));
    zones
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
    let svc = get(w, &scope, service_id)?;
    Ok(svc
        .permissions
        .iter()
        .filter(|p| {
            filter::matches(filters, tags::of(w, &scope, &p.id), |name| match name {
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

/// Whether `id` names a permission of one of `scope`'s services (for tagging).
pub fn permission_visible(w: &World, scope: &Scope, id: &str) -> bool {
    w.endpoint_services
        .in_scope(scope)
        .any(|s| s.permissions.iter().any(|p| p.id == id))
}

/// The service a load balancer serves, if any (ELBv2 refuses to delete it meanwhile).
pub fn service_of_load_balancer<'w>(w: &'w World, arn: &str) -> Option<&'w EndpointService> {
    w.endpoint_services
        .values()
        .find(|s| s.load_balancer_arns().any(|a| a == arn))
}

// ---------------------------------------------------------------------------------------
// Discovery (consumer side, §2.5).

/// An AWS service in the catalogue.
struct AwsService {
    short: &'static str,
    /// Also offered as a gateway endpoint (S3, DynamoDB).
    gateway: bool,
    /// The private DNS name with `{r}` for the Region; None when private DNS is not offered.
    private_dns: Option<&'static str>,
    /// The label of endpoint DNS names (`vpce-….<label>.<region>.vpce.amazonaws.com`).
    dns_label: &'static str,
    ipv6: bool,
}

const fn aws(
    short: &'static str,
    private_dns: Option<&'static str>,
    dns_label: &'static str,
) -> AwsService {
    AwsService {
        short,
        gateway: false,
        private_dns,
        dns_label,
        ipv6: false,
    }
}

/// The AWS services every Region offers (`com.amazonaws.<region>.<short>`).
const AWS_SERVICES: &[AwsService] = &[
    AwsService {
        short: "dynamodb",
        gateway: true,
        private_dns: None,
        dns_label: "dynamodb",
        ipv6: true,
    },
    aws("ec2", Some("ec2.{r}.amazonaws.com"), "ec2"),
    aws(
        "ec2messages",
        Some("ec2messages.{r}.amazonaws.com"),
        "ec2messages",
    ),
    aws("ecr.api", Some("api.ecr.{r}.amazonaws.com"), "api.ecr"),
    aws("ecr.dkr", Some("*.dkr.ecr.{r}.amazonaws.com"), "dkr.ecr"),
    aws(
        "elasticloadbalancing",
        Some("elasticloadbalancing.{r}.amazonaws.com"),
        "elasticloadbalancing",
    ),
    aws(
        "execute-api",
        Some("*.execute-api.{r}.amazonaws.com"),
        "execute-api",
    ),
    aws("kms", Some("kms.{r}.amazonaws.com"), "kms"),
    aws("lambda", Some("lambda.{r}.amazonaws.com"), "lambda"),
    aws("logs", Some("logs.{r}.amazonaws.com"), "logs"),
    aws(
        "monitoring",
        Some("monitoring.{r}.amazonaws.com"),
        "monitoring",
    ),
    AwsService {
        short: "s3",
        gateway: true,
        private_dns: None,
        dns_label: "s3",
        ipv6: true,
    },
    aws(
        "secretsmanager",
        Some("secretsmanager.{r}.amazonaws.com"),
        "secretsmanager",
    ),
    aws("sns", Some("sns.{r}.amazonaws.com"), "sns"),
    aws("sqs", Some("sqs.{r}.amazonaws.com"), "sqs"),
    aws("ssm", Some("ssm.{r}.amazonaws.com"), "ssm"),
    aws(
        "ssmmessages",
        Some("ssmmessages.{r}.amazonaws.com"),
        "ssmmessages",
    ),
    aws("sts", Some("sts.{r}.amazonaws.com"), "sts"),
];

/// A service as one consumer sees it in DescribeVpcEndpointServices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceView {
    pub name: String,
    pub id: String,
    pub service_type: ServiceType,
    pub region: String,
    /// An account id, or `amazon`.
    pub owner: String,
    /// The offered zones in the consumer's names.
    pub zones: Vec<Zone>,
    pub base_dns_names: Vec<String>,
    pub private_dns_name: Option<String>,
    pub private_dns_state: Option<DnsState>,
    pub policy_supported: bool,
    pub acceptance_required: bool,
    pub supported_ip_address_types: Vec<String>,
    /// For endpoint DNS names: the AWS short label or the `vpce-svc-…` id.
    pub dns_label: String,
    /// The custom service's id (None for AWS services).
    pub custom: Option<String>,
}

impl ServiceView {
    /// The private DNS name a consumer may enable: present and verified.
    pub fn usable_private_dns_name(&self) -> Option<&str> {
        self.private_dns_name
            .as_deref()
            .filter(|_| self.private_dns_state == Some(DnsState::Verified))
    }

    /// Whether the view is the AWS S3 or DynamoDB gateway service.
    pub fn is_gateway(&self) -> bool {
        self.service_type == ServiceType::Gateway
    }
}

/// A deterministic `vpce-svc-<17 hex>` id for an AWS service detail.
fn aws_service_id(region: &str, short: &str, ty: ServiceType) -> String {
    let h = format!("{region}/{short}/{}", ty.as_str())
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
    format!("vpce-svc-{:x}{h:016x}", (h >> 7) & 0xf)
}

/// The AWS service short name of `com.amazonaws.<region>.<short>`, if it is in the catalogue.
pub fn aws_short_name<'a>(name: &'a str, region: &str) -> Option<&'a str> {
    let short = name.strip_prefix("com.amazonaws.")?.strip_prefix(region)?;
    let short = short.strip_prefix('.')?;
    AWS_SERVICES
        .iter()
        .any(|s| s.short == short)
        .then_some(short)
}

fn aws_views(w: &World, account: &str, region: &str) -> Vec<ServiceView> {
    let mut zones = w.config.zones(account, region);
    zones.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = Vec::new();
    for s in AWS_SERVICES {
        let name = format!("com.amazonaws.{region}.{}", s.short);
        let ip = if s.ipv6 {
            vec!["ipv4".to_string(), "ipv6".to_string()]
        } else {
            vec!["ipv4".to_string()]
        };
        if s.gateway {
            out.push(ServiceView {
                name: name.clone(),
                id: aws_service_id(region, s.short, ServiceType::Gateway),
                service_type: ServiceType::Gateway,
                region: region.to_string(),
                owner: "amazon".into(),
                zones: zones.clone(),
                base_dns_names: vec![format!("{}.{region}.amazonaws.com", s.short)],
                private_dns_name: None,
                private_dns_state: None,
                policy_supported: true,
                acceptance_required: false,
                supported_ip_address_types: ip.clone(),
                dns_label: s.dns_label.into(),
                custom: None,
            });
        }
        let private = s.private_dns.map(|t| t.replace("{r}", region));
        out.push(ServiceView {
            name,
            id: aws_service_id(region, s.short, ServiceType::Interface),
            service_type: ServiceType::Interface,
            region: region.to_string(),
            owner: "amazon".into(),
            zones: zones.clone(),
            base_dns_names: vec![format!("{}.{region}.vpce.amazonaws.com", s.dns_label)],
            private_dns_state: private.as_ref().map(|_| DnsState::Verified),
            private_dns_name: private,
            policy_supported: true,
            acceptance_required: false,
            supported_ip_address_types: ip,
            dns_label: s.dns_label.into(),
            custom: None,
        });
    }
    out
}

/// The AWS service detail named `name` of type `ty` in `region`, as `account` sees it.
pub fn aws_view(
    w: &World,
    account: &str,
    region: &str,
    name: &str,
    ty: ServiceType,
) -> Option<ServiceView> {
    aws_short_name(name, region)?;
    aws_views(w, account, region)
        .into_iter()
        .find(|v| v.name == name && v.service_type == ty)
}

/// A custom service as `account` sees it.
pub fn custom_view(w: &World, svc: &EndpointService, account: &str) -> ServiceView {
    ServiceView {
        name: svc.name(),
        id: svc.id.clone(),
        service_type: svc.service_type,
        region: svc.scope.region.clone(),
        owner: svc.scope.account.clone(),
        zones: zones_for(w, svc, account),
        base_dns_names: if svc.service_type == ServiceType::Interface {
            vec![svc.base_dns_name()]
        } else {
            Vec::new()
        },
        private_dns_name: svc.private_dns.as_ref().map(|d| d.name.clone()),
        private_dns_state: svc.private_dns.as_ref().map(|d| d.state),
        policy_supported: false,
        acceptance_required: svc.acceptance_required,
        supported_ip_address_types: svc.supported_ip_address_types.clone(),
        dns_label: svc.id.clone(),
        custom: Some(svc.id.clone()),
    }
}

/// Whether the caller may discover `s` from its Region.
fn discoverable(s: &EndpointService, ctx: &Ctx) -> bool {
    s.state == ServiceState::Available
        && s.allows(&ctx.account)
        && s.all_regions().contains(&ctx.region)
}

/// Every service the caller may discover in `regions` (the caller's Region when empty),
/// ordered by name then type.
pub fn catalogue(w: &World, ctx: &Ctx, regions: &[String]) -> Vec<ServiceView> {
    let regions = if regions.is_empty() {
        vec![ctx.region.clone()]
    } else {
        dedup(regions)
    };
    let mut out = Vec::new();
    for region in &regions {
        if w.config.region(region).is_none() {
            continue;
        }
        if *region == ctx.region {
            out.extend(aws_views(w, &ctx.account, region));
        }
        out.extend(
            w.endpoint_services
                .values()
                .filter(|s| s.scope.region == *region && discoverable(s, ctx))
                .map(|s| custom_view(w, s, &ctx.account)),
        );
    }
    sort_views(&mut out);
    out
}

fn sort_views(views: &mut [ServiceView]) {
    views.sort_by(|a, b| {
        (&a.name, a.service_type, &a.region).cmp(&(&b.name, b.service_type, &b.region))
    });
}

/// The discoverable services named `name` in `region`, found without scanning: a custom
/// service's name ends with its id.
fn named(w: &World, ctx: &Ctx, name: &str, region: &str) -> Vec<ServiceView> {
    if w.config.region(region).is_none() {
        return Vec::new();
    }
    let custom_prefix = format!("com.amazonaws.vpce.{region}.");
    if let Some(id) = name.strip_prefix(&custom_prefix) {
        return w
            .endpoint_services
            .get(id)
            .filter(|s| s.scope.region == region && discoverable(s, ctx))
            .map(|s| vec![custom_view(w, s, &ctx.account)])
            .unwrap_or_default();
    }
    if region != ctx.region {
        return Vec::new();
    }
    aws_views(w, &ctx.account, region)
        .into_iter()
        .filter(|v| v.name == name)
        .collect()
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
        let regions = if regions.is_empty() {
            vec![ctx.region.clone()]
        } else {
            dedup(regions)
        };
        let mut found = Vec::new();
        for n in dedup(names) {
            let views: Vec<ServiceView> =
                regions.iter().flat_map(|r| named(w, ctx, &n, r)).collect();
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
                Some(id) => tags::of(w, &scope, id),
                None => tags::of(w, &scope, ""),
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

/// The services named `name` in `region` that the caller may connect to (one per type).
pub fn resolve(w: &World, ctx: &Ctx, name: &str, region: &str) -> Vec<ServiceView> {
    named(w, ctx, name, region)
}

#[cfg(test)]
pub(crate) mod tests {
    //! Provider-side rules of §2; the shared test harness lives here.

    use std::net::Ipv4Addr;

    use super::*;
    use crate::config::Quotas;
    use crate::elb::{LbSubnet, LoadBalancer};
    use crate::{subnet, vpc, Command, Config};

    pub const A: &str = "111111111111";
    pub const B: &str = "222222222222";
    pub const C: &str = "333333333333";
    pub const EAST: &str = "us-east-1";

    /// A world, a clock, and helpers to drive commands as any account.
    pub struct Env {
        pub w: World,
        pub now: Millis,
    }

    impl Env {
        pub fn new() -> Self {
            Self::with_quotas(&[])
        }

        pub fn with_quotas(quotas: &[&str]) -> Self {
            let mut q = Quotas::default();
            for a in quotas {
                q.set_from_arg(a).unwrap();
            }
            let config = Config {
                quotas: q,
                ..Config::default()
            };
            Env {
                w: World::new(config, 7),
                now: 1_700_000_000_000,
            }
        }

        pub fn ctx(&self, account: &str) -> Ctx {
            Ctx::new(account, EAST, self.now)
        }

        /// Runs due timers, prepares the scope, applies the command.
        pub fn run_in(&mut self, account: &str, region: &str, cmd: Command) -> Result<Output> {
            self.w.tick(self.now);
            let ctx = Ctx::new(account, region, self.now);
            if !self.w.scope_ready(&ctx.scope()) {
                self.w.apply(&ctx, Command::InitScope).unwrap();
            }
            self.w.apply(&ctx, cmd)
        }

        pub fn run(&mut self, account: &str, cmd: Command) -> Result<Output> {
            self.run_in(account, EAST, cmd)
        }

        /// The id a successful create returns.
        pub fn id(&mut self, account: &str, cmd: Command) -> String {
            match self.run(account, cmd) {
                Ok(Output::Id(id)) => id,
                other => panic!("expected an id, got {other:?}"),
            }
        }

        pub fn advance(&mut self, ms: Millis) {
            self.now += ms;
            self.w.tick(self.now);
        }

        pub fn vpc(&mut self, account: &str, cidr: &str) -> String {
            self.id(
                account,
                Command::Vpc(vpc::Cmd::Create {
                    cidr_block: cidr.into(),
                    amazon_ipv6: false,
                    instance_tenancy: None,
                    tags: vec![],
                }),
            )
        }

        /// A subnet in the zone with id `az_id` (e.g. `use1-az1`).
        pub fn subnet(&mut self, account: &str, vpc_id: &str, cidr: &str, az_id: &str) -> String {
            self.id(
                account,
                Command::Subnet(subnet::Cmd::Create {
                    vpc_id: vpc_id.into(),
                    cidr_block: cidr.into(),
                    ipv6_cidr_block: None,
                    availability_zone: None,
                    availability_zone_id: Some(az_id.into()),
                    tags: vec![],
                }),
            )
        }

        /// Inserts a load balancer of `account` with one subnet per zone id given.
        pub fn load_balancer(
            &mut self,
            account: &str,
            lb_type: LoadBalancerType,
            name: &str,
            az_ids: &[&str],
        ) -> String {
            self.run(account, Command::InitScope).unwrap();
            let kind = match lb_type {
                LoadBalancerType::Network => "net",
                LoadBalancerType::Gateway => "gwy",
            };
            let arn = format!(
                "arn:aws:elasticloadbalancing:{EAST}:{account}:loadbalancer/{kind}/{name}/0123456789abcdef"
            );
            let zones = self.w.config.region(EAST).unwrap().zones_for(account);
            let subnets = az_ids
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    let z = zones.iter().find(|z| z.id == *id).unwrap();
                    LbSubnet {
                        subnet_id: format!("subnet-lb{i}"),
                        availability_zone: z.name.clone(),
                        availability_zone_id: z.id.clone(),
                        network_interface_id: format!("eni-lb{i}"),
                        private_ip: Ipv4Addr::new(10, 9, i as u8, 10),
                        requested_ip: false,
                        public_ip: None,
                    }
                })
                .collect();
            self.w.load_balancers.insert(LoadBalancer {
                arn: arn.clone(),
                scope: Scope::new(account, EAST),
                name: name.into(),
                lb_type,
                scheme: "internal".into(),
                vpc_id: "vpc-lb".into(),
                subnets,
                security_groups: vec![],
                ip_address_type: "ipv4".into(),
                dns_name: format!("{name}.elb.amazonaws.com"),
                canonical_hosted_zone_id: "Z26RNL4JYFTOTI".into(),
                created: self.now,
                active_at: self.now,
                tags: Default::default(),
            });
            arn
        }

        pub fn nlb(&mut self, account: &str, name: &str, az_ids: &[&str]) -> String {
            self.load_balancer(account, LoadBalancerType::Network, name, az_ids)
        }

        /// A service of `account` behind `nlb`.
        pub fn service(&mut self, account: &str, nlb: &str, acceptance: bool) -> String {
            self.id(
                account,
                Command::EndpointService(Cmd::Create {
                    network_load_balancer_arns: vec![nlb.into()],
                    gateway_load_balancer_arns: vec![],
                    acceptance_required: acceptance,
                    private_dns_name: None,
                    supported_ip_address_types: vec![],
                    supported_regions: vec![],
                    client_token: None,
                    tags: vec![],
                }),
            )
        }

        pub fn allow(&mut self, account: &str, service: &str, principal: &str) {
            self.run(
                account,
                Command::EndpointService(Cmd::ModifyPermissions {
                    service_id: service.into(),
                    add: vec![principal.into()],
                    remove: vec![],
                }),
            )
            .unwrap();
        }

        pub fn svc(&self, id: &str) -> &EndpointService {
            self.w.endpoint_services.get(id).unwrap()
        }

        /// The world as JSON, to prove refusals change nothing.
        pub fn snapshot(&self) -> String {
            serde_json::to_string(&self.w).unwrap()
        }
    }

    /// Applies `cmd` as `account` and compares with `expected`: `Ok(())` for success, or
    /// `Err((code, message fragment))`. A refusal must leave the world unchanged.
    pub fn check(env: &mut Env, account: &str, cmd: Command, expected: Result<(), (&str, &str)>) {
        env.w.tick(env.now);
        env.run(account, Command::InitScope).unwrap();
        let before = env.snapshot();
        let got = env.run(account, cmd.clone());
        match (expected, got) {
            (Ok(()), Ok(_)) => {}
            (Err((code, fragment)), Err(e)) => {
                assert_eq!(e.code, code, "{cmd:?}: {}", e.message);
                assert!(
                    e.message.contains(fragment),
                    "{cmd:?}: `{}` lacks `{fragment}`",
                    e.message
                );
                assert_eq!(
                    before,
                    env.snapshot(),
                    "a refusal changed the world: {cmd:?}"
                );
            }
            (expected, got) => panic!("{cmd:?}: expected {expected:?}, got {got:?}"),
        }
    }

    fn create(nlbs: &[&str], gwlbs: &[&str]) -> Cmd {
        Cmd::Create {
            network_load_balancer_arns: nlbs.iter().map(|s| s.to_string()).collect(),
            gateway_load_balancer_arns: gwlbs.iter().map(|s| s.to_string()).collect(),
            acceptance_required: false,
            private_dns_name: None,
            supported_ip_address_types: vec![],
            supported_regions: vec![],
            client_token: None,
            tags: vec![],
        }
    }

    fn es(cmd: Cmd) -> Command {
        Command::EndpointService(cmd)
    }

    fn modify(service: &str, f: impl FnOnce(&mut Modify)) -> Command {
        let mut m = Modify {
            service_id: service.into(),
            ..Modify::default()
        };
        f(&mut m);
        es(Cmd::Modify(m))
    }

    #[test]
    fn create_validates_load_balancers() {
        let mut env = Env::new();
        let nlb = env.nlb(A, "web", &["use1-az1", "use1-az2"]);
        let gwlb = env.load_balancer(A, LoadBalancerType::Gateway, "fw", &["use1-az1"]);
        let other = env.nlb(B, "theirs", &["use1-az1"]);
        let none: &[&str] = &[];
        check(
            &mut env,
            A,
            es(create(none, none)),
            Err(("InvalidParameter", "either")),
        );
        check(
            &mut env,
            A,
            es(create(&[&nlb], &[&gwlb])),
            Err(("InvalidParameter", "not both")),
        );
        check(
            &mut env,
            A,
            es(create(&["arn:aws:ec2:x"], none)),
            Err(("InvalidNetworkLoadBalancerArn.Malformed", "arn:aws:ec2:x")),
        );
        let missing = nlb.replace("/web/", "/nope/");
        check(
            &mut env,
            A,
            es(create(&[&missing], none)),
            Err(("InvalidNetworkLoadBalancerArn.NotFound", "nope")),
        );
        // Another account's load balancer is invisible.
        check(
            &mut env,
            A,
            es(create(&[&other], none)),
            Err(("InvalidNetworkLoadBalancerArn.NotFound", "theirs")),
        );
        // A gateway load balancer given as a network one.
        check(
            &mut env,
            A,
            es(create(&[&gwlb], none)),
            Err(("InvalidNetworkLoadBalancerArn.NotFound", "fw")),
        );
        check(
            &mut env,
            A,
            es(create(none, &[&nlb])),
            Err(("InvalidGatewayLoadBalancerArn.NotFound", "web")),
        );
        check(&mut env, A, es(create(&[&nlb], none)), Ok(()));
        check(
            &mut env,
            A,
            es(create(&[&nlb], none)),
            Err(("InvalidParameter", "already associated")),
        );
        check(&mut env, A, es(create(none, &[&gwlb])), Ok(()));
    }

    #[test]
    fn created_service_shape() {
        let mut env = Env::new();
        let nlb = env.nlb(A, "web", &["use1-az2", "use1-az1"]);
        let id = env.service(A, &nlb, true);
        assert!(crate::ids::is_well_formed(&id, "vpce-svc"), "{id}");
        let s = env.svc(&id).clone();
        assert_eq!(s.name(), format!("com.amazonaws.vpce.us-east-1.{id}"));
        assert_eq!(
            s.base_dns_name(),
            format!("{id}.us-east-1.vpce.amazonaws.com")
        );
        assert_eq!(s.state.as_str(), "Available");
        assert_eq!(s.service_type, ServiceType::Interface);
        assert!(s.acceptance_required);
        assert_eq!(s.supported_ip_address_types, vec!["ipv4"]);
        let zones = zones_for(&env.w, &s, A);
        let ids: BTreeSet<_> = zones.iter().map(|z| z.id.as_str()).collect();
        assert_eq!(ids, BTreeSet::from(["use1-az1", "use1-az2"]));
        assert!(zones.windows(2).all(|p| p[0].name < p[1].name));
    }

    #[test]
    fn create_options_are_validated() {
        let mut env = Env::new();
        let nlb = env.nlb(A, "web", &["use1-az1"]);
        let gwlb = env.load_balancer(A, LoadBalancerType::Gateway, "fw", &["use1-az1"]);
        let with = |f: &dyn Fn(&mut Cmd)| {
            let mut c = create(&[&nlb], &[]);
            f(&mut c);
            es(c)
        };
        let set_ip = |c: &mut Cmd| {
            if let Cmd::Create {
                supported_ip_address_types,
                ..
            } = c
            {
                *supported_ip_address_types = vec!["ipv5".into()];
            }
        };
        check(
            &mut env,
            A,
            with(&set_ip),
            Err(("InvalidParameterValue", "ipv5")),
        );
        let ipv6 = |c: &mut Cmd| {
            if let Cmd::Create {
                supported_ip_address_types,
                ..
            } = c
            {
                *supported_ip_address_types = vec!["ipv6".into()];
            }
        };
        check(
            &mut env,
            A,
            with(&ipv6),
            Err(("InvalidParameter", "dualstack")),
        );
        let region = |c: &mut Cmd| {
            if let Cmd::Create {
                supported_regions, ..
            } = c
            {
                *supported_regions = vec!["mars-north-1".into()];
            }
        };
        check(
            &mut env,
            A,
            with(&region),
            Err(("InvalidParameter", "mars-north-1")),
        );
        let bad_dns = |c: &mut Cmd| {
            if let Cmd::Create {
                private_dns_name, ..
            } = c
            {
                *private_dns_name = Some("not a name".into());
            }
        };
        check(
            &mut env,
            A,
            with(&bad_dns),
            Err(("InvalidParameterValue", "PrivateDnsName")),
        );
        let bad_tags = |c: &mut Cmd| {
            if let Cmd::Create { tags, .. } = c {
                *tags = vec![TagSpec {
                    resource_type: "vpc".into(),
                    tags: vec![("a".into(), "b".into())],
                }];
            }
        };
        check(
            &mut env,
            A,
            with(&bad_tags),
            Err(("InvalidParameterValue", "vpc")),
        );
        let mut gw = create(&[], &[&gwlb]);
        if let Cmd::Create {
            private_dns_name, ..
        } = &mut gw
        {
            *private_dns_name = Some("svc.example.com".into());
        }
        check(
            &mut env,
            A,
            es(gw),
            Err(("InvalidParameter", "Private DNS")),
        );
        // Valid: private DNS pending verification, regions, tags.
        let good = |c: &mut Cmd| {
            if let Cmd::Create {
                private_dns_name,
                supported_regions,
                tags,
                ..
            } = c
            {
                *private_dns_name = Some("svc.example.com".into());
                *supported_regions = vec!["us-west-2".into(), EAST.into()];
                *tags = vec![TagSpec {
                    resource_type: "vpc-endpoint-service".into(),
                    tags: vec![("Name".into(), "web".into())],
                }];
            }
        };
        check(&mut env, A, with(&good), Ok(()));
        let s = env.w.endpoint_services.values().next().unwrap().clone();
        let dns = s.private_dns.clone().unwrap();
        assert_eq!(dns.state, DnsState::PendingVerification);
        assert!(dns.record_name.starts_with('_'));
        assert!(dns.record_value.starts_with("vpce:"));
        assert_eq!(s.all_regions(), vec![EAST, "us-west-2"]);
        assert_eq!(tags::of(&env.w, &env.ctx(A).scope(), &s.id)["Name"], "web");
    }

    #[test]
    fn client_token_makes_create_idempotent() {
        let mut env = Env::new();
        let nlb = env.nlb(A, "web", &["use1-az1"]);
        let mut cmd = create(&[&nlb], &[]);
        if let Cmd::Create { client_token, .. } = &mut cmd {
            *client_token = Some("tok".into());
        }
        let first = env.run(A, es(cmd.clone())).unwrap();
        assert_eq!(env.run(A, es(cmd.clone())).unwrap(), first);
        if let Cmd::Create {
            acceptance_required,
            ..
        } = &mut cmd
        {
            *acceptance_required = true;
        }
        check(
            &mut env,
            A,
            es(cmd),
            Err(("IdempotentParameterMismatch", "tok")),
        );
        assert_eq!(env.w.endpoint_services.len(), 1);
    }

    #[test]
    fn private_dns_verification_rule() {
        let mut env = Env::new();
        let nlb = env.nlb(A, "web", &["use1-az1"]);
        let id = env.service(A, &nlb, false);
        let verify = || {
            es(Cmd::StartPrivateDnsVerification {
                service_id: id.clone(),
            })
        };
        check(
            &mut env,
            A,
            verify(),
            Err(("InvalidParameter", "does not have a private DNS name")),
        );
        check(
            &mut env,
            A,
            modify(&id, |m| m.private_dns_name = Some("api.example.com".into())),
            Ok(()),
        );
        check(&mut env, A, verify(), Ok(()));
        assert_eq!(
            env.svc(&id).private_dns.as_ref().unwrap().state,
            DnsState::Verified
        );
        check(
            &mut env,
            A,
            modify(&id, |m| {
                m.private_dns_name = Some("api.example.invalid".into())
            }),
            Ok(()),
        );
        assert_eq!(
            env.svc(&id).private_dns.as_ref().unwrap().state,
            DnsState::PendingVerification
        );
        check(&mut env, A, verify(), Ok(()));
        assert_eq!(
            env.svc(&id).private_dns.as_ref().unwrap().state,
            DnsState::Failed
        );
        check(
            &mut env,
            A,
            modify(&id, |m| {
                m.private_dns_name = Some("x.example.com".into());
                m.remove_private_dns_name = true;
            }),
            Err(("InvalidParameterCombination", "RemovePrivateDnsName")),
        );
        check(
            &mut env,
            A,
            modify(&id, |m| m.remove_private_dns_name = true),
            Ok(()),
        );
        assert!(env.svc(&id).private_dns.is_none());
        check(
            &mut env,
            B,
            verify(),
            Err(("InvalidVpcEndpointServiceId.NotFound", &id)),
        );
    }

    #[test]
    fn modify_rules() {
        let mut env = Env::new();
        let nlb = env.nlb(A, "web", &["use1-az1"]);
        let nlb2 = env.nlb(A, "web2", &["use1-az3"]);
        let gwlb = env.load_balancer(A, LoadBalancerType::Gateway, "fw", &["use1-az1"]);
        let id = env.service(A, &nlb, false);
        check(
            &mut env,
            B,
            modify(&id, |_| {}),
            Err(("InvalidVpcEndpointServiceId.NotFound", &id)),
        );
        check(
            &mut env,
            A,
            modify(&id, |m| {
                m.add_gateway_load_balancer_arns = vec![gwlb.clone()]
            }),
            Err(("InvalidParameter", "other type")),
        );
        check(
            &mut env,
            A,
            modify(&id, |m| {
                m.remove_network_load_balancer_arns = vec![nlb2.clone()]
            }),
            Err(("InvalidParameter", "not associated")),
        );
        check(
            &mut env,
            A,
            modify(&id, |m| {
                m.remove_network_load_balancer_arns = vec![nlb.clone()]
            }),
            Err(("InvalidParameter", "at least one load balancer")),
        );
        check(
            &mut env,
            A,
            modify(&id, |m| {
                m.add_network_load_balancer_arns = vec![nlb2.clone()]
            }),
            Ok(()),
        );
        let zones: Vec<_> = zones_for(&env.w, env.svc(&id), A)
            .into_iter()
            .map(|z| z.id)
            .collect();
        assert_eq!(zones.len(), 2);
        check(
            &mut env,
            A,
            modify(&id, |m| {
                m.remove_network_load_balancer_arns = vec![nlb.clone()];
                m.acceptance_required = Some(true);
                m.add_supported_regions = vec!["us-west-2".into()];
            }),
            Ok(()),
        );
        let s = env.svc(&id).clone();
        assert_eq!(s.network_load_balancer_arns, vec![nlb2.clone()]);
        assert!(s.acceptance_required);
        assert_eq!(s.supported_regions, vec!["us-west-2"]);
        check(
            &mut env,
            A,
            modify(&id, |m| m.remove_supported_regions = vec![EAST.into()]),
            Err(("InvalidParameter", "home Region")),
        );
        check(
            &mut env,
            A,
            modify(&id, |m| {
                m.remove_supported_ip_address_types = vec!["ipv4".into()]
            }),
            Err(("InvalidParameter", "at least one IP address type")),
        );
        check(
            &mut env,
            A,
            modify(&id, |m| {
                m.add_supported_ip_address_types = vec!["ipv6".into()]
            }),
            Err(("InvalidParameter", "dualstack")),
        );
        env.w
            .load_balancers
            .values_mut()
            .for_each(|lb| lb.ip_address_type = "dualstack".into());
        check(
            &mut env,
            A,
            modify(&id, |m| {
                m.add_supported_ip_address_types = vec!["ipv6".into()]
            }),
            Ok(()),
        );
        assert_eq!(
            env.svc(&id).supported_ip_address_types,
            vec!["ipv4", "ipv6"]
        );
        let gsvc = env.id(A, es(create(&[], &[&gwlb])));
        check(
            &mut env,
            A,
            modify(&gsvc, |m| m.private_dns_name = Some("a.example.com".into())),
            Err(("InvalidParameter", "Private DNS")),
        );
    }

    #[test]
    fn permissions() {
        let mut env = Env::new();
        let nlb = env.nlb(A, "web", &["use1-az1"]);
        let id = env.service(A, &nlb, false);
        let perms = |add: &[&str], remove: &[&str]| {
            es(Cmd::ModifyPermissions {
                service_id: id.clone(),
                add: add.iter().map(|s| s.to_string()).collect(),
                remove: remove.iter().map(|s| s.to_string()).collect(),
            })
        };
        for bad in [
            "arn:aws:iam::222222222222:user/path/to/bob",
            "arn:aws:iam::222222222222:group/devs",
            "222222222222",
            "arn:aws:iam::2222:root",
            "arn:aws:sts::222222222222:assumed-role/x/y",
        ] {
            check(
                &mut env,
                A,
                perms(&[bad], &[]),
                Err(("UnknownPrincipalType.Unsupported", bad)),
            );
        }
        check(
            &mut env,
            B,
            perms(&["*"], &[]),
            Err(("InvalidVpcEndpointServiceId.NotFound", &id)),
        );
        let out = env
            .run(
                A,
                perms(
                    &[
                        "arn:aws:iam::222222222222:root",
                        "arn:aws:iam::333333333333:role/app",
                        "arn:aws:iam::333333333333:user/bob",
                    ],
                    &[],
                ),
            )
            .unwrap();
        let Output::Ids(ids) = out else { panic!() };
        assert_eq!(ids.len(), 3);
        assert!(ids
            .iter()
            .all(|i| crate::ids::is_well_formed(i, "vpce-svc-perm")));
        // Adding an existing principal returns its permission again.
        let again = env
            .run(A, perms(&["arn:aws:iam::222222222222:root"], &[]))
            .unwrap();
        assert_eq!(again, Output::Ids(vec![ids[0].clone()]));
        let ctx = env.ctx(A);
        let all = describe_permissions(&env.w, &ctx, &id, &[]).unwrap();
        assert_eq!(all.len(), 3);
        let only = |name: &str, v: &str| {
            describe_permissions(&env.w, &ctx, &id, &[Filter::new(name, &[v])])
                .unwrap()
                .iter()
                .map(|p| p.principal.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            only("principal-type", "Role"),
            vec!["arn:aws:iam::333333333333:role/app"]
        );
        assert_eq!(only("principal-type", "Account").len(), 1);
        assert_eq!(only("principal", "*:user/*").len(), 1);
        assert_eq!(only("permission-type", "vpc-endpoint").len(), 3);
        assert!(describe_permissions(&env.w, &ctx, &id, &[Filter::new("bogus", &["x"])]).is_err());
        assert!(env.svc(&id).allows(B) && env.svc(&id).allows(C) && env.svc(&id).allows(A));
        check(
            &mut env,
            A,
            perms(
                &[],
                &[
                    "arn:aws:iam::222222222222:root",
                    "arn:aws:iam::999999999999:root",
                ],
            ),
            Ok(()),
        );
        assert!(!env.svc(&id).allows(B));
        assert!(permission_visible(&env.w, &ctx.scope(), &ids[1]));
        check(&mut env, A, perms(&["*"], &[]), Ok(()));
        assert!(env.svc(&id).allows("444444444444"));
        assert_eq!(principal_type("*").unwrap(), PrincipalType::All);
    }

    #[test]
    fn delete_reports_per_id() {
        let mut env = Env::new();
        let nlb = env.nlb(A, "web", &["use1-az1"]);
        let id = env.service(A, &nlb, false);
        let unknown = "vpce-svc-0123456789abcdef0".to_string();
        let out = env
            .run(
                A,
                es(Cmd::Delete {
                    service_ids: vec![unknown.clone(), id.clone(), id.clone()],
                }),
            )
            .unwrap();
        let Output::Bulk { ok, failed } = out else {
            panic!()
        };
        assert_eq!(ok, vec![id.clone()]);
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].id, unknown);
        assert_eq!(failed[0].code, "InvalidVpcEndpointServiceId.NotFound");
        assert!(env.w.endpoint_services.is_empty());
        // The load balancer is free again.
        assert!(service_of_load_balancer(&env.w, &nlb).is_none());
        let id = env.service(A, &nlb, false);
        // ELBv2 refuses to delete a load balancer that serves an endpoint service.
        let delete_lb = Command::Elb(crate::elb::Cmd::DeleteLoadBalancer { arn: nlb.clone() });
        check(&mut env, A, delete_lb.clone(), Err(("ResourceInUse", &id)));
        env.run(
            A,
            es(Cmd::Delete {
                service_ids: vec![id],
            }),
        )
        .unwrap();
        check(&mut env, A, delete_lb, Ok(()));
    }

    #[test]
    fn describe_configurations_filters() {
        let mut env = Env::new();
        let nlb = env.nlb(A, "web", &["use1-az1"]);
        let nlb2 = env.nlb(A, "web2", &["use1-az1"]);
        let x = env.service(A, &nlb, false);
        let y = env.service(A, &nlb2, false);
        let ctx = env.ctx(A);
        let ids = |f: &[Filter]| {
            describe_configurations(&env.w, &ctx, &[], f)
                .unwrap()
                .iter()
                .map(|s| s.id.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&[]).len(), 2);
        assert_eq!(ids(&[Filter::new("service-id", &[&x])]), vec![x.clone()]);
        let name = format!("com.amazonaws.vpce.us-east-1.{y}");
        assert_eq!(
            ids(&[Filter::new("service-name", &[&name])]),
            vec![y.clone()]
        );
        assert_eq!(
            ids(&[Filter::new("service-state", &["Available"])]).len(),
            2
        );
        assert_eq!(
            ids(&[Filter::new("supported-ip-address-types", &["ipv6"])]).len(),
            0
        );
        let e = describe_configurations(&env.w, &ctx, &[], &[Filter::new("vpc-id", &["x"])])
            .unwrap_err();
        assert_eq!(e.code, "InvalidParameterValue");
        let e = describe_configurations(&env.w, &env.ctx(B), std::slice::from_ref(&x), &[])
            .unwrap_err();
        assert_eq!(e.code, "InvalidVpcEndpointServiceId.NotFound");
    }

    #[test]
    fn catalogue_of_aws_services() {
        let mut env = Env::new();
        env.run(A, Command::InitScope).unwrap();
        let ctx = env.ctx(A);
        let all = describe_services(&env.w, &ctx, &[], &[], &[]).unwrap();
        let s3: Vec<_> = all
            .iter()
            .filter(|v| v.name == "com.amazonaws.us-east-1.s3")
            .collect();
        assert_eq!(s3.len(), 2);
        assert_eq!(s3[0].service_type, ServiceType::Interface);
        assert_eq!(s3[1].service_type, ServiceType::Gateway);
        assert!(s3[0].private_dns_name.is_none());
        let ec2 = all
            .iter()
            .find(|v| v.name == "com.amazonaws.us-east-1.ec2")
            .unwrap();
        assert_eq!(
            ec2.usable_private_dns_name(),
            Some("ec2.us-east-1.amazonaws.com")
        );
        assert_eq!(ec2.owner, "amazon");
        assert_eq!(ec2.zones.len(), 6);
        assert!(ec2.policy_supported);
        assert!(crate::ids::is_well_formed(&ec2.id, "vpce-svc"));
        for short in [
            "dynamodb",
            "sts",
            "ssm",
            "ssmmessages",
            "ec2messages",
            "kms",
            "logs",
            "monitoring",
            "sqs",
            "sns",
            "secretsmanager",
            "ecr.api",
            "ecr.dkr",
            "elasticloadbalancing",
            "execute-api",
            "lambda",
        ] {
            let name = format!("com.amazonaws.us-east-1.{short}");
            assert!(all.iter().any(|v| v.name == name), "{short}");
        }
        let gateways = describe_services(
            &env.w,
            &ctx,
            &[],
            &[],
            &[Filter::new("service-type", &["Gateway"])],
        )
        .unwrap();
        assert_eq!(gateways.len(), 2);
        let e = describe_services(
            &env.w,
            &ctx,
            &["com.amazonaws.us-east-1.nope".into()],
            &[],
            &[],
        )
        .unwrap_err();
        assert_eq!(e.code, "InvalidServiceName");
        let by_name = describe_services(
            &env.w,
            &ctx,
            &["com.amazonaws.us-east-1.s3".into()],
            &[],
            &[],
        )
        .unwrap();
        assert_eq!(by_name.len(), 2);
        let west = Ctx::new(A, "us-west-2", env.now);
        let w2 = describe_services(
            &env.w,
            &west,
            &[],
            &[],
            &[Filter::new("service-region", &["us-west-2"])],
        )
        .unwrap();
        assert_eq!(w2.len(), all.len());
        assert!(w2.iter().all(|v| v.name.contains("us-west-2")));
        assert_eq!(
            aws_short_name("com.amazonaws.us-east-1.ecr.api", EAST),
            Some("ecr.api")
        );
        assert_eq!(aws_short_name("com.amazonaws.us-west-2.s3", EAST), None);
    }

    #[test]
    fn custom_services_are_visible_only_when_permitted() {
        let mut env = Env::new();
        let nlb = env.nlb(A, "web", &["use1-az1", "use1-az2"]);
        let id = env.service(A, &nlb, false);
        let name = format!("com.amazonaws.vpce.us-east-1.{id}");
        let sees = |env: &Env, account: &str| {
            describe_services(&env.w, &env.ctx(account), &[], &[], &[])
                .unwrap()
                .into_iter()
                .any(|v| v.name == name)
        };
        assert!(sees(&env, A));
        assert!(!sees(&env, B));
        let e = describe_services(&env.w, &env.ctx(B), std::slice::from_ref(&name), &[], &[])
            .unwrap_err();
        assert_eq!(e.code, "InvalidServiceName");
        env.allow(A, &id, "arn:aws:iam::222222222222:role/consumer");
        assert!(sees(&env, B));
        assert!(!sees(&env, C));
        env.allow(A, &id, "*");
        assert!(sees(&env, C));
        // Zones are intersected by id and named as the consumer names them.
        let view = resolve(&env.w, &env.ctx(B), &name, EAST).remove(0);
        let b_zones = env.w.config.region(EAST).unwrap().zones_for(B);
        for z in &view.zones {
            assert!(b_zones.contains(z), "{z:?}");
            assert!(["use1-az1", "use1-az2"].contains(&z.id.as_str()));
        }
        assert_eq!(view.owner, A);
        assert!(!view.policy_supported);
        let by_owner =
            describe_services(&env.w, &env.ctx(B), &[], &[], &[Filter::new("owner", &[A])])
                .unwrap();
        assert_eq!(by_owner.len(), 1);
        // A remote Region sees it only once the service supports that Region.
        let west = Ctx::new(B, "us-west-2", env.now);
        let remote = || describe_services(&env.w, &west, &[], &[EAST.into()], &[]).unwrap();
        assert!(remote().iter().all(|v| v.name != name));
        check(
            &mut env,
            A,
            modify(&id, |m| m.add_supported_regions = vec!["us-west-2".into()]),
            Ok(()),
        );
        let west = Ctx::new(B, "us-west-2", env.now);
        let found = describe_services(&env.w, &west, &[], &[EAST.into()], &[]).unwrap();
        assert!(found.iter().any(|v| v.name == name && v.region == EAST));
    }

    #[test]
    fn principal_parsing() {
        assert_eq!(principal_account("arn:aws:iam::222222222222:root"), Some(B));
        assert_eq!(principal_account("*"), None);
        assert_eq!(
            principal_type("arn:aws:iam::222222222222:user/a.b@c").unwrap(),
            PrincipalType::User
        );
        assert!(principal_type("arn:aws:iam::222222222222:role/").is_err());
        assert!(parse_lb_arn(
            "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/a/b"
        )
        .is_some());
        assert!(
            parse_lb_arn("arn:aws:elasticloadbalancing:us-east-1:1111:loadbalancer/net/a/b")
                .is_none()
        );
        assert!(parse_lb_arn(
            "arn:aws:elasticloadbalancing:us-east-1:111111111111:targetgroup/a/b"
        )
        .is_none());
    }
}
