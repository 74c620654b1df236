//! DNS of interface endpoints (§3.2): DNS options, private DNS, and the DNS entries
//! (Regional, zonal and private names).

use crate::endpoint_service::ServiceView;
use crate::error::{ApiError, Result};
use crate::vpc::Vpc;
use crate::world::World;

use super::model::{DnsEntry, DnsOptions, DnsOptionsSpec, EndpointType, VpcEndpoint};
use super::only_for;
use super::service::service_view;

/// The Route 53 zone of `*.vpce.amazonaws.com` names in a Region.
pub fn hosted_zone_id(region: &str) -> String {
    match region {
        "us-east-1" => "Z7HUB22UULQXV".into(),
        "us-east-2" => "ZC8PG0KIFKBRI".into(),
        "us-west-1" => "Z12I86A8N7VCZO".into(),
        "us-west-2" => "Z1YSA3EXCYUU9Z".into(),
        "eu-west-1" => "Z38GZ743OKFT7T".into(),
        "eu-central-1" => "Z273ZU8SZ5RJPC".into(),
        "ap-southeast-1" => "Z18LLCSTV4NVNL".into(),
        "ap-northeast-1" => "Z2E726K9Y6RL4W".into(),
        other => zone_like(other),
    }
}

/// A stable Route 53-shaped zone id derived from `seed`.
fn zone_like(seed: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut h = seed.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    });
    let mut out = String::from("Z");
    for _ in 0..20 {
        h = h.wrapping_mul(0x100_0000_01b3).wrapping_add(0x9e37_79b9);
        out.push(ALPHABET[((h >> 33) % ALPHABET.len() as u64) as usize] as char);
    }
    out
}

/// The DNS options an interface endpoint ends up with (None for other types).
pub(super) fn dns_options_for(
    ty: EndpointType,
    ip_type: &str,
    spec: Option<&DnsOptionsSpec>,
    current: Option<&DnsOptions>,
) -> Result<Option<DnsOptions>> {
    if ty != EndpointType::Interface {
        if spec.is_some() {
            return Err(only_for("DNS options", "Interface"));
        }
        return Ok(None);
    }
    let default = match ip_type {
        "dualstack" => "dualstack",
        "ipv6" => "ipv6",
        _ => "ipv4",
    };
    let compatible = |r: &str| match ip_type {
        "ipv4" => r == "ipv4" || r == "service-defined",
        "ipv6" => r == "ipv6" || r == "service-defined",
        _ => true,
    };
    let requested = spec.and_then(|s| s.dns_record_ip_type.clone());
    let record = match &requested {
        Some(r) => {
            if !["ipv4", "dualstack", "ipv6", "service-defined"].contains(&r.as_str()) {
                return Err(ApiError::invalid_value(format!(
                    "Value ({r}) for parameter DnsOptions.DnsRecordIpType is invalid."
                )));
            }
            if !compatible(r) {
                return Err(ApiError::invalid_parameter(format!(
                    "The DNS record IP type {r} is not compatible with the IP address type {ip_type}."
                )));
            }
            r.clone()
        }
        None => current
            .map(|c| c.dns_record_ip_type.clone())
            .filter(|r| compatible(r))
            .unwrap_or_else(|| default.to_string()),
    };
    let mut out = current.cloned().unwrap_or(DnsOptions {
        dns_record_ip_type: record.clone(),
        private_dns_only_for_inbound_resolver_endpoint: None,
        private_dns_preference: None,
        private_dns_specified_domains: Vec::new(),
    });
    out.dns_record_ip_type = record;
    if let Some(s) = spec {
        if s.private_dns_only_for_inbound_resolver_endpoint.is_some() {
            out.private_dns_only_for_inbound_resolver_endpoint =
                s.private_dns_only_for_inbound_resolver_endpoint;
        }
        if s.private_dns_preference.is_some() {
            out.private_dns_preference = s.private_dns_preference.clone();
        }
        if !s.private_dns_specified_domains.is_empty() {
            out.private_dns_specified_domains = s.private_dns_specified_domains.clone();
        }
    }
    Ok(Some(out))
}

/// Whether private DNS ends up enabled. `requested` None means "default" on create and
/// "unchanged" (`current`) on modify.
pub(super) fn private_dns_for(
    w: &World,
    vpc: &Vpc,
    ty: EndpointType,
    view: &ServiceView,
    requested: Option<bool>,
    current: Option<(&str, bool)>,
) -> Result<bool> {
    let exclude = current.map(|(id, _)| id);
    let conflict = || {
        w.vpc_endpoints.values().any(|e| {
            e.vpc_id == vpc.id
                && Some(e.id.as_str()) != exclude
                && e.state.exists()
                && e.private_dns_enabled
                && e.service_name == view.name
                && e.service_region == view.region
        })
    };
    let dns_ok = vpc.enable_dns_support && vpc.enable_dns_hostnames;
    match (requested, current) {
        (Some(false), _) => Ok(false),
        (None, Some((_, now))) => Ok(now),
        (None, None) => Ok(ty == EndpointType::Interface
            && view.usable_private_dns_name().is_some()
            && dns_ok
            && !conflict()),
        (Some(true), _) => {
            if ty != EndpointType::Interface {
                return Err(only_for("Private DNS names", "Interface"));
            }
            let Some(name) = view.usable_private_dns_name() else {
                return Err(ApiError::invalid_parameter(format!(
                    "Private DNS can't be enabled because the service {} does not provide a private DNS name.",
                    view.name
                )));
            };
            if !dns_ok {
                return Err(ApiError::invalid_parameter(format!(
                    "Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC attributes set to true for {}",
                    vpc.id
                )));
            }
            if conflict() {
                return Err(ApiError::invalid_parameter(format!(
                    "private-dns-enabled cannot be set because there is already a conflicting DNS domain for {name} in the VPC {}",
                    vpc.id
                )));
            }
            Ok(true)
        }
    }
}

/// `PrivateDnsOnlyForInboundResolverEndpoint=true` needs private DNS and a gateway
/// endpoint of the same service in the VPC.
pub(super) fn check_inbound_resolver(
    w: &World,
    vpc_id: &str,
    view: &ServiceView,
    options: Option<&DnsOptions>,
    private_dns: bool,
) -> Result<()> {
    if options.and_then(|o| o.private_dns_only_for_inbound_resolver_endpoint) != Some(true) {
        return Ok(());
    }
    let has_gateway = w.vpc_endpoints.values().any(|e| {
        e.vpc_id == vpc_id
            && e.endpoint_type == EndpointType::Gateway
            && e.state.exists()
            && e.service_name == view.name
    });
    if !has_gateway {
        return Err(ApiError::invalid_parameter(format!(
            "To set PrivateDnsOnlyForInboundResolverEndpoint to true, the VPC {vpc_id} must have a Gateway endpoint for the service."
        )));
    }
    if !private_dns {
        return Err(ApiError::invalid_parameter(
            "PrivateDnsOnlyForInboundResolverEndpoint requires private DNS to be enabled.",
        ));
    }
    Ok(())
}

/// The DNS entries of an interface endpoint with interfaces: a Regional name, one zonal
/// name per zone, and the service's private name when private DNS is on.
pub fn dns_entries(w: &World, ep: &VpcEndpoint) -> Vec<DnsEntry> {
    if ep.endpoint_type != EndpointType::Interface || ep.interfaces.is_empty() {
        return Vec::new();
    }
    let view = service_view(w, ep);
    let label = match (&ep.service_id, &view) {
        (Some(id), _) => id.clone(),
        (None, Some(v)) => v.dns_label.clone(),
        (None, None) => ep
            .service_name
            .rsplit('.')
            .next()
            .unwrap_or_default()
            .to_string(),
    };
    let region = &ep.scope.region;
    let zone = hosted_zone_id(region);
    let wildcard = if ep.aws_short_name() == Some("s3") {
        "*."
    } else {
        ""
    };
    let base = format!("{}-{}", ep.id, ep.dns_suffix);
    let mut out = vec![DnsEntry {
        dns_name: format!("{wildcard}{base}.{label}.{region}.vpce.amazonaws.com"),
        hosted_zone_id: zone.clone(),
    }];
    for i in &ep.interfaces {
        out.push(DnsEntry {
            dns_name: format!(
                "{wildcard}{base}-{}.{label}.{region}.vpce.amazonaws.com",
                i.availability_zone
            ),
            hosted_zone_id: zone.clone(),
        });
    }
    if ep.private_dns_enabled {
        if let Some(name) = view.as_ref().and_then(|v| v.usable_private_dns_name()) {
            out.push(DnsEntry {
                dns_name: name.to_string(),
                hosted_zone_id: zone_like(&format!("{}/{}", ep.id, name)),
            });
        }
    }
    out
}
