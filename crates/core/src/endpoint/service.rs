//! The service an endpoint connects to, as its consumer sees it, and the endpoint policy
//! the service allows.

use crate::endpoint_service::{self, ServiceType, ServiceView};
use crate::error::{ApiError, ErrorCode, Result};
use crate::world::{Ctx, World};

use super::model::{EndpointType, VpcEndpoint, DEFAULT_POLICY, MAX_POLICY};

impl EndpointType {
    /// The kind of service an endpoint of this type connects to.
    pub(super) fn service_type(self) -> ServiceType {
        match self {
            EndpointType::Interface => ServiceType::Interface,
            EndpointType::Gateway => ServiceType::Gateway,
            EndpointType::GatewayLoadBalancer => ServiceType::GatewayLoadBalancer,
        }
    }
}

impl VpcEndpoint {
    /// The AWS short service name (`s3`, `ec2`, …), for AWS services.
    pub fn aws_short_name(&self) -> Option<&str> {
        if self.service_id.is_some() {
            return None;
        }
        endpoint_service::aws_short_name(&self.service_name, &self.service_region)
    }
}

/// The service an endpoint of `ty` to `name` in `region` connects to, as the caller sees it.
pub(super) fn pick_service(
    w: &World,
    ctx: &Ctx,
    name: &str,
    region: &str,
    ty: EndpointType,
) -> Result<ServiceView> {
    let views = endpoint_service::resolve(w, ctx, name, region);
    if views.is_empty() {
        return Err(endpoint_service::name_not_found(name));
    }
    if let Some(v) = views.iter().find(|v| v.service_type == ty.service_type()) {
        return Ok(v.clone());
    }
    if ty == EndpointType::Gateway {
        return Err(endpoint_service::name_not_found(name));
    }
    Err(ApiError::invalid_parameter(format!(
        "The VPC endpoint service {name} does not support the VPC endpoint type {}.",
        ty.as_str()
    )))
}

/// The service an existing endpoint is connected to, whatever the permissions say now
/// (removing a permission leaves existing connections alone). None once it is deleted.
pub(super) fn service_view(w: &World, ep: &VpcEndpoint) -> Option<ServiceView> {
    match &ep.service_id {
        Some(id) => w
            .endpoint_services
            .get(id)
            .map(|s| endpoint_service::custom_view(w, s, &ep.scope.account)),
        None => endpoint_service::aws_view(
            w,
            &ep.scope.account,
            &ep.service_region,
            &ep.service_name,
            ep.endpoint_type.service_type(),
        ),
    }
}

/// What an endpoint whose service is gone knows of it (enough for changes that do not
/// need the service).
pub(super) fn remembered_view(ep: &VpcEndpoint) -> ServiceView {
    ServiceView {
        name: ep.service_name.clone(),
        id: ep.service_id.clone().unwrap_or_default(),
        service_type: ep.endpoint_type.service_type(),
        region: ep.service_region.clone(),
        owner: String::new(),
        zones: Vec::new(),
        base_dns_names: Vec::new(),
        private_dns_name: None,
        private_dns_state: None,
        policy_supported: false,
        acceptance_required: false,
        supported_ip_address_types: Vec::new(),
        dns_label: String::new(),
        custom: ep.service_id.clone(),
    }
}

/// `InvalidParameter`: the endpoint's service no longer exists.
pub(super) fn service_gone(ep: &VpcEndpoint) -> ApiError {
    ApiError::invalid_parameter(format!(
        "The VPC endpoint service {} of {} no longer exists.",
        ep.service_name, ep.id
    ))
}

fn check_policy(doc: &str) -> Result<()> {
    if doc.chars().count() > MAX_POLICY {
        return Err(ApiError::new(
            ErrorCode::InvalidPolicyDocument,
            format!("The policy document exceeds the maximum length of {MAX_POLICY} characters."),
        ));
    }
    match serde_json::from_str::<serde_json::Value>(doc) {
        Ok(serde_json::Value::Object(_)) => Ok(()),
        _ => Err(ApiError::new(
            ErrorCode::InvalidPolicyDocument,
            "The policy document is not a valid JSON object.",
        )),
    }
}

fn policies_unsupported(view: &ServiceView) -> ApiError {
    ApiError::invalid_parameter(format!(
        "The VPC endpoint service {} does not support VPC endpoint policies.",
        view.name
    ))
}

/// The policy to store: the given one (validated) or the default where policies apply.
pub(super) fn policy_for(
    view: &ServiceView,
    ty: EndpointType,
    given: Option<&str>,
) -> Result<Option<String>> {
    let supported = view.policy_supported && ty != EndpointType::GatewayLoadBalancer;
    match given {
        Some(_) if !supported => Err(policies_unsupported(view)),
        Some(doc) => {
            check_policy(doc)?;
            Ok(Some(doc.to_string()))
        }
        None => Ok(supported.then(|| DEFAULT_POLICY.to_string())),
    }
}

/// ModifyVpcEndpoint's policy: reset to the default, replaced, or kept.
pub(super) fn modified_policy(
    view: &ServiceView,
    ep: &VpcEndpoint,
    reset: bool,
    given: Option<&str>,
) -> Result<Option<String>> {
    if reset {
        let default = policy_for(view, ep.endpoint_type, None)?;
        return default.map(Some).ok_or_else(|| policies_unsupported(view));
    }
    match given {
        Some(doc) => policy_for(view, ep.endpoint_type, Some(doc)),
        None => Ok(ep.policy_document.clone()),
    }
}
