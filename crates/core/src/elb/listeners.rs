//! CreateListener and DeleteListener: a network listener has a protocol and port, a gateway
//! listener neither; each forwards to exactly one target group of its load balancer's VPC
//! with a compatible protocol, and a group serves at most one load balancer.

use super::arns::{get_listener, get_load_balancer, get_target_group, invalid_config, validation};
use super::checks::{check_tags, port_of, random_hex, tag_set};
use super::model::{
    ActionSpec, CreateListener, Listener, LoadBalancer, LoadBalancerType, TargetGroup,
    DEFAULT_SSL_POLICY,
};
use crate::error::{ApiError, ErrorCode, Result};
use crate::tags::TagSet;
use crate::world::{Ctx, World};
use crate::Output;

/// The protocols of network load balancer listeners.
const LISTENER_PROTOCOLS: &[&str] = &["TCP", "UDP", "TCP_UDP", "TLS"];

/// Whether a network listener of `listener` protocol may forward to a `group` protocol.
fn compatible(listener: &str, group: &str) -> bool {
    matches!(
        (listener, group),
        ("TCP", "TCP" | "TCP_UDP")
            | ("UDP", "UDP" | "TCP_UDP")
            | ("TCP_UDP", "TCP_UDP")
            | ("TLS", "TCP" | "TLS")
    )
}

/// CreateListener: the same settings on the same port return the existing listener.
pub(super) fn create(w: &mut World, ctx: &Ctx, c: CreateListener) -> Result<Output> {
    let scope = ctx.scope();
    let lb = get_load_balancer(w, scope, &c.load_balancer_arn)?;
    let (protocol, port) = protocol_and_port(lb, &c)?;
    let tls = protocol.as_deref() == Some("TLS");
    check_certificates(&c, tls)?;
    let tg_arn = forwarded_group(&c.default_actions)?;
    let group = get_target_group(w, scope, &tg_arn)?;
    check_group_fits(w, lb, group, protocol.as_deref())?;
    let ssl_policy = tls.then(|| {
        c.ssl_policy
            .clone()
            .unwrap_or_else(|| DEFAULT_SSL_POLICY.to_string())
    });
    if let Some(existing) = w
        .listeners
        .values()
        .find(|l| l.load_balancer_arn == lb.arn && l.port == port)
    {
        let same = existing.protocol == protocol
            && existing.target_group_arn == tg_arn
            && existing.certificates == c.certificates
            && existing.ssl_policy == ssl_policy;
        if same {
            return Ok(Output::Id(existing.arn.clone()));
        }
        return Err(ApiError::new(
            ErrorCode::DuplicateListener,
            format!(
                "A listener already exists on this port for this load balancer '{}'",
                lb.arn
            ),
        ));
    }
    check_tags(&c.tags, &TagSet::new())?;
    let prefix = format!(
        "arn:aws:elasticloadbalancing:{}:{}:listener/{}/{}/{}",
        ctx.region(),
        ctx.account(),
        lb.lb_type.arn_segment(),
        lb.name,
        lb.short_id()
    );
    let lb_arn = lb.arn.clone();
    let hex = random_hex(w);
    let arn = format!("{prefix}/{hex}");
    w.listeners.insert(Listener {
        arn: arn.clone(),
        scope: scope.clone(),
        load_balancer_arn: lb_arn,
        protocol,
        port,
        target_group_arn: tg_arn,
        ssl_policy,
        certificates: c.certificates,
        attributes: Default::default(),
        tags: tag_set(&c.tags),
    });
    Ok(Output::Id(arn))
}

/// The listener's protocol and port: required for a network load balancer, refused for a
/// gateway load balancer.
fn protocol_and_port(
    lb: &LoadBalancer,
    c: &CreateListener,
) -> Result<(Option<String>, Option<u16>)> {
    if lb.lb_type == LoadBalancerType::Gateway {
        if c.protocol.is_some() || c.port.is_some() {
            return Err(validation(
                "A protocol and port cannot be specified for a Gateway Load Balancer listener",
            ));
        }
        return Ok((None, None));
    }
    let protocol = c
        .protocol
        .clone()
        .ok_or_else(|| validation("A listener protocol must be specified"))?;
    if !LISTENER_PROTOCOLS.contains(&protocol.as_str()) {
        return Err(validation(format!(
            "Listener protocol '{protocol}' must be one of '{}'",
            LISTENER_PROTOCOLS.join(", ")
        )));
    }
    let port = port_of(
        c.port
            .ok_or_else(|| validation("A listener port must be specified"))?,
        "Port",
    )?;
    Ok((Some(protocol), Some(port)))
}

/// Certificates (ARNs) and an SSL policy go with TLS listeners only; TLS needs a certificate.
fn check_certificates(c: &CreateListener, tls: bool) -> Result<()> {
    if tls && c.certificates.is_empty() {
        return Err(validation(
            "A certificate must be specified for TLS listeners",
        ));
    }
    if !tls && (!c.certificates.is_empty() || c.ssl_policy.is_some()) {
        return Err(validation(
            "Certificates and an SSL policy can only be specified for TLS listeners",
        ));
    }
    if let Some(bad) = c.certificates.iter().find(|a| !a.starts_with("arn:")) {
        return Err(ApiError::new(
            ErrorCode::CertificateNotFound,
            format!("Certificate '{bad}' not found"),
        ));
    }
    Ok(())
}

/// The one target group of the one `forward` default action (by `TargetGroupArn` or
/// `ForwardConfig`).
fn forwarded_group(actions: &[ActionSpec]) -> Result<String> {
    let [action] = actions else {
        return Err(if actions.is_empty() {
            validation("A default action must be specified")
        } else {
            ApiError::new(
                ErrorCode::TooManyActions,
                "Network and Gateway Load Balancer listeners take exactly one default action",
            )
        });
    };
    if action.action_type != "forward" {
        return Err(ApiError::new(ErrorCode::InvalidLoadBalancerAction,
            format!(
                "Action type '{}' is not supported by network and gateway load balancers: use 'forward'",
                action.action_type
            ),
        ));
    }
    let mut arns: Vec<&String> = action.target_group_arn.iter().collect();
    for a in &action.forward_target_groups {
        if !arns.contains(&a) {
            arns.push(a);
        }
    }
    match arns.as_slice() {
        [one] => Ok((*one).clone()),
        [] => Err(validation("A forward action must specify a target group")),
        _ => Err(ApiError::new(
            ErrorCode::InvalidLoadBalancerAction,
            "A forward action of a network or gateway load balancer takes exactly one target group",
        )),
    }
}

/// The group is in the load balancer's VPC, speaks a protocol the listener can forward
/// (GENEVE for a gateway listener), and serves no other load balancer.
fn check_group_fits(
    w: &World,
    lb: &LoadBalancer,
    group: &TargetGroup,
    protocol: Option<&str>,
) -> Result<()> {
    if group.vpc_id != lb.vpc_id {
        return Err(invalid_config(format!(
            "The target group '{}' is not in the load balancer's VPC '{}'",
            group.arn, lb.vpc_id
        )));
    }
    let fits = match protocol {
        None => group.protocol == "GENEVE",
        Some(p) => compatible(p, &group.protocol),
    };
    if !fits {
        return Err(ApiError::new(
            ErrorCode::IncompatibleProtocols,
            format!(
                "Listener protocol '{}' is not compatible with the target group protocol '{}'",
                protocol.unwrap_or("(none)"),
                group.protocol
            ),
        ));
    }
    if w.listeners
        .values()
        .any(|l| l.target_group_arn == group.arn && l.load_balancer_arn != lb.arn)
    {
        return Err(ApiError::new(ErrorCode::TargetGroupAssociationLimit,
            format!(
                "The following target groups cannot be associated with more than one load balancer: '{}'",
                group.arn
            ),
        ));
    }
    Ok(())
}

/// DeleteListener.
pub(super) fn delete(w: &mut World, ctx: &Ctx, arn: &str) -> Result<Output> {
    get_listener(w, ctx.scope(), arn)?;
    w.listeners.remove(arn);
    Ok(Output::Done)
}
