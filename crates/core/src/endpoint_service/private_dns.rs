//! Private DNS names of services (§2.4): offered for network load balancer services only,
//! pending until verified. openvpc cannot look up TXT records, so verification is
//! deterministic: names ending with [`FAILING_DNS_SUFFIX`] fail, every other name passes.

use super::model::{DnsState, PrivateDns, ServiceType, FAILING_DNS_SUFFIX};
use super::services::get;
use crate::error::{ApiError, Result};
use crate::world::{Ctx, World};
use crate::Output;

/// Longest private DNS name accepted.
const MAX_DNS_NAME: usize = 255;

/// A private DNS name for a service of `service_type`: an interface service, a valid name.
pub(super) fn check_private_dns_name(service_type: ServiceType, name: &str) -> Result<()> {
    if service_type != ServiceType::Interface {
        return Err(ApiError::invalid_parameter(
            "Private DNS names are supported only for endpoint services of network load balancers.",
        ));
    }
    check_dns_name(name)
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

/// A new name, pending verification, with the TXT record that proves its domain.
pub(super) fn new_private_dns(w: &mut World, name: &str) -> PrivateDns {
    let token = w.ids.token(20);
    PrivateDns {
        name: name.to_ascii_lowercase(),
        state: DnsState::PendingVerification,
        record_name: format!("_{}", w.ids.token(20)),
        record_value: format!("vpce:{token}"),
    }
}

/// StartVpcEndpointServicePrivateDnsVerification.
pub(super) fn verify(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    let svc = get(w, ctx.scope(), id)?;
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
