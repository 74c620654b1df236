//! Load-balancer, target-group and listener attributes (spec §14.2–14.4): every key AWS
//! documents for network and gateway load balancers, its default, the values it takes, and
//! the Modify*Attributes commands. Only values a call set are stored; every other key reads
//! as its default, which may depend on the resource (scheme, protocol, target type).
//!
//! Errors: a key of another load-balancer type → `InvalidConfigurationRequest` "… is not
//! supported on load balancers with type '…'"; a key AWS does not have → `ValidationError`
//! "… is not recognized"; a bad value → `ValidationError` [I]; more than 20 → the length
//! `ValidationError`.

use super::arns::{get_listener, get_load_balancer, get_target_group, invalid_config, validation};
use super::model::{Attributes, Listener, LoadBalancer, LoadBalancerType, TargetGroup};
use crate::error::Result;
use crate::world::{Ctx, World};
use crate::Output;

/// Most attributes one Modify*Attributes call takes.
pub const MAX_ATTRIBUTES_PER_CALL: usize = 20;

/// The values an attribute takes.
#[derive(Debug, Clone, Copy)]
enum Values {
    Bool,
    /// An integer within the bounds.
    Int(i64, i64),
    /// Free text (an S3 bucket or prefix).
    Text,
    OneOf(&'static [&'static str]),
    /// `off` or an integer within the bounds.
    IntOrOff(i64, i64),
}

/// One documented key: its values and default for the resource at hand.
struct Key {
    key: &'static str,
    values: Values,
    default: String,
}

fn key(key: &'static str, values: Values, default: impl Into<String>) -> Key {
    Key {
        key,
        values,
        default: default.into(),
    }
}

/// Application Load Balancer keys: known to AWS, refused on the types openvpc serves.
const APPLICATION_LB_KEYS: &[&str] = &[
    "idle_timeout.timeout_seconds",
    "client_keep_alive.seconds",
    "connection_logs.s3.enabled",
    "connection_logs.s3.bucket",
    "connection_logs.s3.prefix",
    "health_check_logs.s3.enabled",
    "health_check_logs.s3.bucket",
    "health_check_logs.s3.prefix",
    "routing.http.desync_mitigation_mode",
    "routing.http.drop_invalid_header_fields.enabled",
    "routing.http.preserve_host_header.enabled",
    "routing.http.x_amzn_tls_version_and_cipher_suite.enabled",
    "routing.http.xff_client_port.enabled",
    "routing.http.xff_header_processing.mode",
    "routing.http2.enabled",
    "waf.fail_open.enabled",
];

/// The keys of `lb`'s type with their defaults, in AWS's order.
fn load_balancer_keys(lb: &LoadBalancer) -> Vec<Key> {
    let mut keys = vec![
        key("deletion_protection.enabled", Values::Bool, "false"),
        key("load_balancing.cross_zone.enabled", Values::Bool, "false"),
    ];
    if lb.lb_type == LoadBalancerType::Network {
        let internal = lb.scheme == "internal";
        keys.extend([
            key("access_logs.s3.enabled", Values::Bool, "false"),
            key("access_logs.s3.bucket", Values::Text, ""),
            key("access_logs.s3.prefix", Values::Text, ""),
            key(
                "ipv6.deny_all_igw_traffic",
                Values::Bool,
                internal.to_string(),
            ),
            key("zonal_shift.config.enabled", Values::Bool, "false"),
            key(
                "dns_record.client_routing_policy",
                Values::OneOf(&[
                    "any_availability_zone",
                    "availability_zone_affinity",
                    "partial_availability_zone_affinity",
                ]),
                "any_availability_zone",
            ),
            key(
                "secondary_ips.auto_assigned.per_subnet",
                Values::Int(0, 7),
                "0",
            ),
        ]);
    }
    keys
}

/// The keys of a network load balancer that a gateway load balancer lacks.
fn network_only_lb_key(k: &str) -> bool {
    k.starts_with("access_logs.s3.")
        || matches!(
            k,
            "ipv6.deny_all_igw_traffic"
                | "zonal_shift.config.enabled"
                | "dns_record.client_routing_policy"
                | "secondary_ips.auto_assigned.per_subnet"
        )
}

/// Whether `g` is a gateway load balancer's group (protocol GENEVE).
fn is_gateway_group(g: &TargetGroup) -> bool {
    g.protocol == "GENEVE"
}

/// The keys of `g`'s kind (network or gateway) with their defaults.
fn target_group_keys(g: &TargetGroup) -> Vec<Key> {
    let mut keys = vec![key(
        "deregistration_delay.timeout_seconds",
        Values::Int(0, 3600),
        "300",
    )];
    if is_gateway_group(g) {
        keys.extend(gateway_group_keys());
    } else {
        keys.extend(network_group_keys(g));
    }
    keys
}

/// The keys only a gateway load balancer's target groups have.
fn gateway_group_keys() -> Vec<Key> {
    let failover = Values::OneOf(&["no_rebalance", "rebalance"]);
    vec![
        key("stickiness.enabled", Values::Bool, "false"),
        key(
            "stickiness.type",
            Values::OneOf(&["source_ip_dest_ip", "source_ip_dest_ip_proto"]),
            "source_ip_dest_ip_proto",
        ),
        key(
            "target_failover.on_deregistration",
            failover,
            "no_rebalance",
        ),
        key("target_failover.on_unhealthy", failover, "no_rebalance"),
        key("send_tcp_reset.on_unhealthy.enabled", Values::Bool, "false"),
        key(
            "send_tcp_reset.on_deregistration.enabled",
            Values::Bool,
            "false",
        ),
    ]
}

/// The keys only a network load balancer's target groups have.
fn network_group_keys(g: &TargetGroup) -> Vec<Key> {
    let healthy_count = Values::Int(1, i64::MAX);
    let percentage = Values::IntOrOff(1, 100);
    let udp = matches!(g.protocol.as_str(), "UDP" | "TCP_UDP");
    let preserve = !(g.target_type == "ip" && matches!(g.protocol.as_str(), "TCP" | "TLS"));
    vec![
        key(
            "deregistration_delay.connection_termination.enabled",
            Values::Bool,
            udp.to_string(),
        ),
        key("stickiness.enabled", Values::Bool, "false"),
        key(
            "stickiness.type",
            Values::OneOf(&["source_ip"]),
            "source_ip",
        ),
        key("proxy_protocol_v2.enabled", Values::Bool, "false"),
        key(
            "preserve_client_ip.enabled",
            Values::Bool,
            preserve.to_string(),
        ),
        key(
            "load_balancing.cross_zone.enabled",
            Values::OneOf(&["true", "false", "use_load_balancer_configuration"]),
            "use_load_balancer_configuration",
        ),
        key(
            "target_group_health.dns_failover.minimum_healthy_targets.count",
            healthy_count,
            "1",
        ),
        key(
            "target_group_health.dns_failover.minimum_healthy_targets.percentage",
            percentage,
            "off",
        ),
        key(
            "target_group_health.unhealthy_state_routing.minimum_healthy_targets.count",
            healthy_count,
            "1",
        ),
        key(
            "target_group_health.unhealthy_state_routing.minimum_healthy_targets.percentage",
            percentage,
            "off",
        ),
        key(
            "target_health_state.unhealthy.connection_termination.enabled",
            Values::Bool,
            (!udp).to_string(),
        ),
        key(
            "target_health_state.unhealthy.draining_interval_seconds",
            Values::Int(0, 360_000),
            "0",
        ),
    ]
}

/// The keys of `l`'s load balancer type with their defaults.
fn listener_keys(lb_type: LoadBalancerType) -> Vec<Key> {
    let mut keys = vec![key(
        "tcp.idle_timeout.seconds",
        Values::Int(60, 6000),
        "350",
    )];
    if lb_type == LoadBalancerType::Gateway {
        keys.push(key(
            "send_tcp_reset.on_idle_timeout.enabled",
            Values::Bool,
            "false",
        ));
    }
    keys
}

/// Every key with its current value: set values over defaults.
fn current(keys: Vec<Key>, set: &Attributes) -> Vec<(String, String)> {
    keys.into_iter()
        .map(|k| {
            let value = set.get(k.key).cloned().unwrap_or(k.default);
            (k.key.to_string(), value)
        })
        .collect()
}

/// A load balancer's attributes, every key of its type.
pub fn load_balancer_attributes(lb: &LoadBalancer) -> Vec<(String, String)> {
    current(load_balancer_keys(lb), &lb.attributes)
}

/// A target group's attributes, every key of its kind.
pub fn target_group_attributes(g: &TargetGroup) -> Vec<(String, String)> {
    current(target_group_keys(g), &g.attributes)
}

/// A listener's attributes, every key of its load balancer's type.
pub fn listener_attributes(w: &World, l: &Listener) -> Vec<(String, String)> {
    current(listener_keys(listener_lb_type(w, l)), &l.attributes)
}

fn listener_lb_type(w: &World, l: &Listener) -> LoadBalancerType {
    w.load_balancers
        .get(&l.load_balancer_arn)
        .map_or(LoadBalancerType::Network, |lb| lb.lb_type)
}

/// The value of `name` on a load balancer (its default if never set).
fn lb_value(lb: &LoadBalancer, name: &str) -> Option<String> {
    load_balancer_attributes(lb)
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

impl LoadBalancer {
    /// `load_balancing.cross_zone.enabled`.
    pub fn cross_zone(&self) -> bool {
        lb_value(self, "load_balancing.cross_zone.enabled").as_deref() == Some("true")
    }

    /// `deletion_protection.enabled`.
    pub fn deletion_protection(&self) -> bool {
        lb_value(self, "deletion_protection.enabled").as_deref() == Some("true")
    }

    /// The wire value of `EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic`.
    pub fn enforce_inbound_on_privatelink_value(&self) -> &'static str {
        if self.enforce_inbound_on_privatelink {
            "on"
        } else {
            "off"
        }
    }
}

impl TargetGroup {
    /// Whether the group spreads across zones behind `lb`: its own
    /// `load_balancing.cross_zone.enabled` wins over the load balancer's (spec §14.5).
    pub fn cross_zone(&self, lb: &LoadBalancer) -> bool {
        self.cross_zone_override()
            .unwrap_or_else(|| lb.cross_zone())
    }

    /// The group's own `load_balancing.cross_zone.enabled`, unless it defers to its load
    /// balancer (`use_load_balancer_configuration`).
    pub fn cross_zone_override(&self) -> Option<bool> {
        match self.attributes.get("load_balancing.cross_zone.enabled") {
            Some(v) if v == "true" => Some(true),
            Some(v) if v == "false" => Some(false),
            _ => None,
        }
    }

    /// `preserve_client_ip.enabled`.
    pub fn preserve_client_ip(&self) -> bool {
        target_group_attributes(self)
            .iter()
            .any(|(k, v)| k == "preserve_client_ip.enabled" && v == "true")
    }
}

/// A key's value is one it takes.
fn check_value(k: &Key, value: &str, noun: &str) -> Result<()> {
    let number = |lo: i64, hi: i64| value.parse::<i64>().is_ok_and(|n| (lo..=hi).contains(&n));
    let ok = match k.values {
        Values::Bool => matches!(value, "true" | "false"),
        Values::Int(lo, hi) => number(lo, hi),
        Values::IntOrOff(lo, hi) => value == "off" || number(lo, hi),
        Values::Text => value.len() <= 1024,
        Values::OneOf(options) => options.contains(&value),
    };
    if ok {
        return Ok(());
    }
    let expected = match k.values {
        Values::Bool => "'true' or 'false'".to_string(),
        Values::Int(lo, hi) if hi == i64::MAX => format!("an integer of at least {lo}"),
        Values::Int(lo, hi) => format!("an integer from {lo} to {hi}"),
        Values::IntOrOff(lo, hi) => format!("'off' or an integer from {lo} to {hi}"),
        Values::Text => "at most 1024 characters".to_string(),
        Values::OneOf(options) => format!("one of '{}'", options.join("', '")),
    };
    Err(validation(format!(
        "{noun} attribute '{}' value '{value}' is not valid: it must be {expected}",
        k.key
    )))
}

/// The length and key-shape checks every Modify*Attributes call shares.
fn check_call(attributes: &[(String, String)]) -> Result<()> {
    if attributes.is_empty() {
        return Err(validation("At least one attribute must be specified"));
    }
    if attributes.len() > MAX_ATTRIBUTES_PER_CALL {
        return Err(validation(format!(
            "1 validation error detected: Value at 'attributes' failed to satisfy constraint: Member must have length less than or equal to {MAX_ATTRIBUTES_PER_CALL}"
        )));
    }
    for (k, _) in attributes {
        let shaped = !k.is_empty()
            && k.len() <= 256
            && k.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_');
        if !shaped {
            return Err(validation(format!(
                "1 validation error detected: Value '{k}' at 'attributes.key' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9._]+$"
            )));
        }
    }
    Ok(())
}

/// `attributes` checked against `keys`, merged over `set`: the new set.
fn merged(
    keys: &[Key],
    set: &Attributes,
    attributes: &[(String, String)],
    noun: &str,
    foreign: impl Fn(&str) -> Option<crate::error::ApiError>,
) -> Result<Attributes> {
    check_call(attributes)?;
    let mut next = set.clone();
    for (k, v) in attributes {
        let Some(known) = keys.iter().find(|key| key.key == k) else {
            return Err(foreign(k).unwrap_or_else(|| {
                validation(format!("{noun} attribute key '{k}' is not recognized"))
            }));
        };
        check_value(known, v, noun)?;
        next.insert(k.clone(), v.clone());
    }
    Ok(next)
}

/// ModifyLoadBalancerAttributes.
pub(super) fn modify_load_balancer(
    w: &mut World,
    ctx: &Ctx,
    arn: &str,
    attributes: &[(String, String)],
) -> Result<Output> {
    let lb = get_load_balancer(w, ctx.scope(), arn)?;
    let lb_type = lb.lb_type;
    let foreign = |k: &str| {
        let other = APPLICATION_LB_KEYS.contains(&k)
            || (lb_type == LoadBalancerType::Gateway && network_only_lb_key(k));
        other.then(|| {
            invalid_config(format!(
                "Load balancer attribute key '{k}' is not supported on load balancers with type '{}'",
                lb_type.as_str()
            ))
        })
    };
    let next = merged(
        &load_balancer_keys(lb),
        &lb.attributes,
        attributes,
        "Load balancer",
        foreign,
    )?;
    let per_subnet = |a: &Attributes| {
        a.get("secondary_ips.auto_assigned.per_subnet")
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    if per_subnet(&next) < per_subnet(&lb.attributes) {
        return Err(invalid_config(
            "The number of secondary IP addresses per subnet cannot be decreased",
        ));
    }
    let arn = lb.arn.clone();
    if let Some(lb) = w.load_balancers.get_mut(&arn) {
        lb.attributes = next;
    }
    Ok(Output::Done)
}

/// ModifyTargetGroupAttributes.
pub(super) fn modify_target_group(
    w: &mut World,
    ctx: &Ctx,
    arn: &str,
    attributes: &[(String, String)],
) -> Result<Output> {
    let g = get_target_group(w, ctx.scope(), arn)?;
    let next = merged(
        &target_group_keys(g),
        &g.attributes,
        attributes,
        "Target group",
        |_| None,
    )?;
    let udp = matches!(g.protocol.as_str(), "UDP" | "TCP_UDP");
    let disables_preservation = next
        .get("preserve_client_ip.enabled")
        .is_some_and(|v| v == "false");
    if udp && disables_preservation {
        return Err(invalid_config(
            "Client IP preservation cannot be disabled for UDP and TCP_UDP target groups",
        ));
    }
    let terminates = next.get("target_health_state.unhealthy.connection_termination.enabled");
    if udp && terminates.is_some_and(|v| v == "true") {
        return Err(invalid_config(
            "Connection termination for unhealthy targets is not supported for UDP and TCP_UDP target groups",
        ));
    }
    let draining = next
        .get("target_health_state.unhealthy.draining_interval_seconds")
        .is_some_and(|v| v != "0");
    let terminating = terminates.map_or(!udp, |v| v == "true");
    if draining && terminating {
        return Err(invalid_config(
            "A draining interval for unhealthy targets requires 'target_health_state.unhealthy.connection_termination.enabled' to be 'false'",
        ));
    }
    let failover = |k: &str| next.get(k).map_or("no_rebalance", String::as_str);
    if failover("target_failover.on_deregistration") != failover("target_failover.on_unhealthy") {
        return Err(invalid_config(
            "The target failover attributes 'target_failover.on_deregistration' and 'target_failover.on_unhealthy' must have the same value",
        ));
    }
    let arn = g.arn.clone();
    if let Some(g) = w.target_groups.get_mut(&arn) {
        g.attributes = next;
    }
    Ok(Output::Done)
}

/// ModifyListenerAttributes.
pub(super) fn modify_listener(
    w: &mut World,
    ctx: &Ctx,
    arn: &str,
    attributes: &[(String, String)],
) -> Result<Output> {
    let l = get_listener(w, ctx.scope(), arn)?;
    if l.protocol.as_deref() == Some("UDP") {
        return Err(invalid_config(
            "Listener attributes are not supported for UDP listeners",
        ));
    }
    let next = merged(
        &listener_keys(listener_lb_type(w, l)),
        &l.attributes,
        attributes,
        "Listener",
        |_| None,
    )?;
    let arn = l.arn.clone();
    if let Some(l) = w.listeners.get_mut(&arn) {
        l.attributes = next;
    }
    Ok(Output::Done)
}
