//! ELBv2 ARNs: which resource an ARN names, the caller's resource behind one, and the
//! area's errors.

use super::model::{ArnKind, Listener, LoadBalancer, TargetGroup};
use crate::error::{ApiError, ErrorCode, Result};
use crate::world::{Scope, World};

/// `ValidationError` with `message`.
pub fn validation(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::ValidationError, message)
}

/// `InvalidConfigurationRequest` with `message`.
pub(super) fn invalid_config(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidConfigurationRequest, message)
}

/// `InvalidTarget` with `message`.
pub(super) fn invalid_target(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidTarget, message)
}

/// `LoadBalancerNotFound` for a name or ARN (or a comma-separated list of them).
pub fn load_balancer_not_found(what: &str) -> ApiError {
    ApiError::new(
        ErrorCode::LoadBalancerNotFound,
        format!("Load balancers '[{what}]' not found"),
    )
}

/// `TargetGroupNotFound` for a name or ARN (or a comma-separated list of them).
pub fn target_group_not_found(what: &str) -> ApiError {
    ApiError::new(
        ErrorCode::TargetGroupNotFound,
        format!("Target groups '{what}' not found"),
    )
}

/// `ListenerNotFound`.
pub fn listener_not_found(what: &str) -> ApiError {
    ApiError::new(
        ErrorCode::ListenerNotFound,
        format!("Listeners '[{what}]' not found"),
    )
}

/// The kind of a well-formed ELBv2 ARN
/// (`arn:aws:elasticloadbalancing:<region>:<account>:<kind>/…`).
pub fn arn_kind(arn: &str) -> Option<ArnKind> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, resource] = parts.as_slice() else {
        return None;
    };
    if *prefix != "arn"
        || partition.is_empty()
        || *service != "elasticloadbalancing"
        || region.is_empty()
        || account.len() != 12
        || !account.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let segments: Vec<&str> = resource.split('/').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return None;
    }
    let lb_type = |s: &str| matches!(s, "net" | "gwy" | "app");
    match segments.as_slice() {
        ["loadbalancer", t, _, _] if lb_type(t) => Some(ArnKind::LoadBalancer),
        ["targetgroup", _, _] => Some(ArnKind::TargetGroup),
        ["listener", t, _, _, _] if lb_type(t) => Some(ArnKind::Listener),
        _ => None,
    }
}

/// `ValidationError` unless `arn` is a well-formed ARN of `kind`.
pub fn check_arn(arn: &str, kind: ArnKind) -> Result<()> {
    if arn_kind(arn) == Some(kind) {
        return Ok(());
    }
    Err(validation(format!(
        "'{arn}' is not a valid {} ARN",
        kind.noun()
    )))
}

/// The caller's load balancer `arn`, or `LoadBalancerNotFound`.
pub fn get_load_balancer<'w>(w: &'w World, scope: &Scope, arn: &str) -> Result<&'w LoadBalancer> {
    check_arn(arn, ArnKind::LoadBalancer)?;
    w.load_balancers
        .get_in(scope, arn)
        .ok_or_else(|| load_balancer_not_found(arn))
}

/// The caller's target group `arn`, or `TargetGroupNotFound`.
pub fn get_target_group<'w>(w: &'w World, scope: &Scope, arn: &str) -> Result<&'w TargetGroup> {
    check_arn(arn, ArnKind::TargetGroup)?;
    w.target_groups
        .get_in(scope, arn)
        .ok_or_else(|| target_group_not_found(arn))
}

/// The caller's listener `arn`, or `ListenerNotFound`.
pub fn get_listener<'w>(w: &'w World, scope: &Scope, arn: &str) -> Result<&'w Listener> {
    check_arn(arn, ArnKind::Listener)?;
    w.listeners
        .get_in(scope, arn)
        .ok_or_else(|| listener_not_found(arn))
}
