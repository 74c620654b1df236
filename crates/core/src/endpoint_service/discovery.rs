//! Discovery (§2.5, the consumer side): the AWS services every Region offers and the custom
//! services a caller may use, each as that caller sees it ([`ServiceView`]).

use std::collections::BTreeSet;

use super::model::{DnsState, EndpointService, ServiceState, ServiceType, ServiceView};
use super::services::dedup;
use crate::error::{ApiError, ErrorCode};
use crate::region::Zone;
use crate::world::{Ctx, World};

/// `InvalidServiceName` for a name the caller cannot see.
pub fn name_not_found(name: &str) -> ApiError {
    ApiError::new(
        ErrorCode::InvalidServiceName,
        format!("The Vpc Endpoint Service '{name}' does not exist"),
    )
}

/// An AWS service in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
struct AwsService {
    short: String,
    /// Also offered as a gateway endpoint (S3, DynamoDB).
    gateway: bool,
    /// The private DNS name with `{r}` for the Region; None when private DNS is not offered.
    private_dns: Option<String>,
    /// The label of endpoint DNS names (`vpce-….<label>.<region>.vpce.amazonaws.com`).
    dns_label: String,
    ipv6: bool,
}

/// The catalogue's data: one service a line (see the file's header).
const CATALOGUE: &str = include_str!("../../data/aws-endpoint-services.txt");

/// Parses one line of the catalogue (`None` for comments and blank lines).
fn parse_line(line: &str) -> Option<AwsService> {
    let line = line.trim();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let mut words = line.split_whitespace();
    let short = words.next()?.to_string();
    let (mut gateway, mut ipv6, mut dns) = (false, false, None);
    for w in words {
        match w {
            "gateway" => gateway = true,
            "ipv6" => ipv6 = true,
            _ => dns = w.strip_prefix("dns=").map(str::to_string),
        }
    }
    let private_dns = match dns.as_deref() {
        Some("-") => None,
        Some(d) => Some(d.to_string()),
        None => default_private_dns(&short),
    };
    let dns_label = private_dns
        .as_deref()
        .and_then(|d| d.split(".{r}.").next())
        .map_or(short.as_str(), |l| l.trim_start_matches("*."))
        .to_string();
    Some(AwsService {
        short,
        gateway,
        private_dns,
        dns_label,
        ipv6,
    })
}

/// The usual private DNS name of a service: `<name>.{r}.amazonaws.com`, or for `a.b`
/// `b.a.{r}.amazonaws.com`; none for longer names.
fn default_private_dns(short: &str) -> Option<String> {
    match short.split('.').collect::<Vec<_>>().as_slice() {
        [one] => Some(format!("{one}.{{r}}.amazonaws.com")),
        [a, b] => Some(format!("{b}.{a}.{{r}}.amazonaws.com")),
        _ => None,
    }
}

/// The AWS services every Region offers (`com.amazonaws.<region>.<short>`), by name.
fn aws_services() -> &'static [AwsService] {
    static SERVICES: std::sync::OnceLock<Vec<AwsService>> = std::sync::OnceLock::new();
    SERVICES.get_or_init(|| {
        let mut all: Vec<AwsService> = CATALOGUE.lines().filter_map(parse_line).collect();
        all.sort_by(|a, b| a.short.cmp(&b.short));
        all
    })
}

/// The catalogue entry of an AWS service short name.
fn aws_service(short: &str) -> Option<&'static AwsService> {
    let all = aws_services();
    all.binary_search_by(|s| s.short.as_str().cmp(short))
        .ok()
        .map(|i| &all[i])
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
    aws_service(short).map(|_| short)
}

/// The details of one AWS service in `region` (gateway first, then interface).
fn views_of(s: &AwsService, region: &str, zones: &[Zone]) -> Vec<ServiceView> {
    let name = format!("com.amazonaws.{region}.{}", s.short);
    let ip = if s.ipv6 {
        vec!["ipv4".to_string(), "ipv6".to_string()]
    } else {
        vec!["ipv4".to_string()]
    };
    let mut out = Vec::new();
    if s.gateway {
        out.push(ServiceView {
            name: name.clone(),
            id: aws_service_id(region, &s.short, ServiceType::Gateway),
            service_type: ServiceType::Gateway,
            region: region.to_string(),
            owner: "amazon".into(),
            zones: zones.to_vec(),
            base_dns_names: vec![format!("{}.{region}.amazonaws.com", s.short)],
            private_dns_name: None,
            private_dns_state: None,
            policy_supported: true,
            acceptance_required: false,
            supported_ip_address_types: ip.clone(),
            dns_label: s.dns_label.clone(),
            custom: None,
        });
    }
    let private = s.private_dns.as_ref().map(|t| t.replace("{r}", region));
    out.push(ServiceView {
        name,
        id: aws_service_id(region, &s.short, ServiceType::Interface),
        service_type: ServiceType::Interface,
        region: region.to_string(),
        owner: "amazon".into(),
        zones: zones.to_vec(),
        base_dns_names: vec![format!("{}.{region}.vpce.amazonaws.com", s.dns_label)],
        private_dns_state: private.as_ref().map(|_| DnsState::Verified),
        private_dns_name: private,
        policy_supported: true,
        acceptance_required: false,
        supported_ip_address_types: ip,
        dns_label: s.dns_label.clone(),
        custom: None,
    });
    out
}

/// The zones of `region` as `account` names them, by name.
fn sorted_zones(w: &World, account: &str, region: &str) -> Vec<Zone> {
    let mut zones = w.config.zones(account, region);
    zones.sort_by(|a, b| a.name.cmp(&b.name));
    zones
}

fn aws_views(w: &World, account: &str, region: &str) -> Vec<ServiceView> {
    let zones = sorted_zones(w, account, region);
    aws_services()
        .iter()
        .flat_map(|s| views_of(s, region, &zones))
        .collect()
}

/// The AWS service detail named `name` of type `ty` in `region`, as `account` sees it.
pub fn aws_view(
    w: &World,
    account: &str,
    region: &str,
    name: &str,
    ty: ServiceType,
) -> Option<ServiceView> {
    let s = aws_service(aws_short_name(name, region)?)?;
    views_of(s, region, &sorted_zones(w, account, region))
        .into_iter()
        .find(|v| v.service_type == ty)
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
        && s.allows(ctx.account())
        && s.all_regions().iter().any(|r| r == ctx.region())
}

/// The Regions a discovery asks about: the given ones once each, or the caller's Region.
pub(super) fn asked_regions(ctx: &Ctx, regions: &[String]) -> Vec<String> {
    if regions.is_empty() {
        vec![ctx.region().to_string()]
    } else {
        dedup(regions)
    }
}

/// Every service the caller may discover in `regions` (the caller's Region when empty),
/// ordered by name then type.
pub fn catalogue(w: &World, ctx: &Ctx, regions: &[String]) -> Vec<ServiceView> {
    let regions = asked_regions(ctx, regions);
    let mut out = Vec::new();
    for region in &regions {
        if w.config.region(region).is_none() {
            continue;
        }
        if *region == ctx.region() {
            out.extend(aws_views(w, ctx.account(), region));
        }
        out.extend(
            w.endpoint_services
                .values()
                .filter(|s| s.scope.region == *region && discoverable(s, ctx))
                .map(|s| custom_view(w, s, ctx.account())),
        );
    }
    sort_views(&mut out);
    out
}

/// Orders views by name, then type, then Region.
pub(super) fn sort_views(views: &mut [ServiceView]) {
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
            .map(|s| vec![custom_view(w, s, ctx.account())])
            .unwrap_or_default();
    }
    if region != ctx.region() {
        return Vec::new();
    }
    match aws_short_name(name, region).and_then(aws_service) {
        Some(s) => views_of(s, region, &sorted_zones(w, ctx.account(), region)),
        None => Vec::new(),
    }
}

/// The services named `name` in `region` that the caller may connect to (one per type).
pub fn resolve(w: &World, ctx: &Ctx, name: &str, region: &str) -> Vec<ServiceView> {
    named(w, ctx, name, region)
}
