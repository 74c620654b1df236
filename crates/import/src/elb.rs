//! The `aws elbv2` outputs: `describe-load-balancers`, `describe-target-groups`,
//! `describe-listeners`, `describe-target-health`, `describe-load-balancer-attributes` and
//! `describe-target-group-attributes`. The last three do not name their resource, so the
//! file name must ([`resource_in_file_name`]).

use std::collections::HashMap;
use std::net::Ipv4Addr;

use openvpc_core::elb::{
    HealthCheck, LbSubnet, Listener, LoadBalancer, LoadBalancerType, Target as ElbTarget,
    TargetGroup,
};
use openvpc_core::{Scope, World};
use serde_json::Value;

use crate::json::{addr, Obj, Res};
use crate::load::Loaded;
use crate::report::Report;

/// The owner scope an ELB ARN names (`arn:aws:elasticloadbalancing:<region>:<account>:…`).
fn arn_scope(scope: &Scope, arn: &str) -> Scope {
    let parts: Vec<&str> = arn.split(':').collect();
    match parts.as_slice() {
        [_, _, _, region, account, ..] if !region.is_empty() && !account.is_empty() => {
            Scope::new(*account, *region)
        }
        _ => scope.clone(),
    }
}

/// An optional port field.
fn opt_port(o: &Obj, name: &str) -> Res<Option<u16>> {
    match o.opt_int(name)? {
        None => Ok(None),
        Some(p) => u16::try_from(p)
            .map(Some)
            .map_err(|_| format!("field `{}.{name}`: {p} is not a port", o.path)),
    }
}

/// The imported load-balancer node interfaces, by subnet and description
/// (`ELB net/<name>/<id>`): looked up once per document, not once per zone.
pub(crate) type Nodes = HashMap<(String, String), (String, Option<Ipv4Addr>, Option<Ipv4Addr>)>;

/// The imported interfaces of load-balancer nodes.
pub(crate) fn nodes(w: &World) -> Nodes {
    let types = [LoadBalancerType::Network, LoadBalancerType::Gateway].map(|t| t.interface_type());
    w.network_interfaces
        .values()
        .filter(|e| types.contains(&e.interface_type.as_str()))
        .map(|e| {
            (
                (e.subnet_id.clone(), e.description.clone()),
                (e.id.clone(), e.private_ips.first().copied(), e.public_ip),
            )
        })
        .collect()
}

/// `LoadBalancers` of `aws elbv2 describe-load-balancers` (network and gateway load
/// balancers; application load balancers are not modelled and skipped). Each zone's node
/// is the imported interface `ELB <net|gwy>/<name>/<id>` in its subnet (from `nodes`);
/// nodes without one are synthesised by [`crate::load::finish`] (with the listed private
/// address, if any).
pub(crate) fn load_balancer(w: &mut World, scope: &Scope, o: Obj, nodes: &Nodes) -> Res<Loaded> {
    let arn = o.str("LoadBalancerArn")?;
    let Some(lb_type) = load_balancer_type(&o)? else {
        return Ok(Loaded::Skipped("application load balancers"));
    };
    let name = o.str("LoadBalancerName")?;
    let short_id = arn.rsplit('/').next().unwrap_or_default().to_string();
    let node_description = format!("ELB {}/{name}/{short_id}", lb_type.arn_segment());
    let mut subnets = Vec::new();
    for (path, z) in o.list("AvailabilityZones")? {
        let z = Obj {
            value: z,
            path: &path,
        };
        subnets.push(zone_node(w, &z, nodes, &node_description)?);
    }
    w.load_balancers.insert(LoadBalancer {
        scope: arn_scope(scope, &arn),
        arn,
        name,
        lb_type,
        scheme: o
            .opt_str("Scheme")?
            .unwrap_or_else(|| "internet-facing".into()),
        vpc_id: o.str("VpcId")?,
        subnets,
        security_groups: o.strs("SecurityGroups")?,
        enforce_inbound_on_privatelink: o
            .opt_str("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic")?
            .as_deref()
            != Some("off"),
        attributes: Default::default(),
        ip_address_type: o.opt_str("IpAddressType")?.unwrap_or_else(|| "ipv4".into()),
        dns_name: o.opt_str("DNSName")?.unwrap_or_default(),
        canonical_hosted_zone_id: o.opt_str("CanonicalHostedZoneId")?.unwrap_or_default(),
        created: 0,
        active_at: 0,
        tags: Default::default(),
    });
    Ok(Loaded::Done)
}

/// A load balancer's `Type`; `None` for an application load balancer (not modelled).
fn load_balancer_type(o: &Obj) -> Res<Option<LoadBalancerType>> {
    Ok(
        match o.opt_str("Type")?.as_deref().unwrap_or("application") {
            "network" => Some(LoadBalancerType::Network),
            "gateway" => Some(LoadBalancerType::Gateway),
            "application" => None,
            other => {
                return Err(format!(
                    "field `{}.Type`: unknown load balancer type `{other}`",
                    o.path
                ))
            }
        },
    )
}

/// The first private and public IPv4 address of a zone's `LoadBalancerAddresses`.
fn zone_addresses(z: &Obj) -> Res<(Option<Ipv4Addr>, Option<Ipv4Addr>)> {
    let (mut private_ip, mut public_ip) = (None, None);
    for (path, a) in z.list("LoadBalancerAddresses")? {
        let a = Obj {
            value: a,
            path: &path,
        };
        if let Some(raw) = a.opt_str("PrivateIPv4Address")? {
            private_ip.get_or_insert(addr::<Ipv4Addr>(&a, "PrivateIPv4Address", &raw)?);
        }
        if let Some(raw) = a.opt_str("IpAddress")? {
            public_ip.get_or_insert(addr::<Ipv4Addr>(&a, "IpAddress", &raw)?);
        }
    }
    Ok((private_ip, public_ip))
}

/// One `AvailabilityZones` item: the node in its subnet, on the imported interface that
/// AWS describes as `node_description` if there is one (else made up by `finish`).
fn zone_node(w: &World, z: &Obj, nodes: &Nodes, node_description: &str) -> Res<LbSubnet> {
    let subnet_id = z.str("SubnetId")?;
    let (private_ip, mut public_ip) = zone_addresses(z)?;
    let subnet = w.subnets.get(&subnet_id);
    let availability_zone = z.opt_str("ZoneName")?.unwrap_or_else(|| {
        subnet
            .map(|s| s.availability_zone.clone())
            .unwrap_or_default()
    });
    let availability_zone_id = subnet
        .map(|s| s.availability_zone_id.clone())
        .unwrap_or_default();
    let key = (subnet_id.clone(), node_description.to_string());
    let (network_interface_id, ip) = match nodes.get(&key) {
        Some((id, ip, eni_public)) => {
            public_ip = public_ip.or(*eni_public);
            (id.clone(), *ip)
        }
        None => (String::new(), None),
    };
    Ok(LbSubnet {
        subnet_id,
        availability_zone,
        availability_zone_id,
        network_interface_id,
        requested_ip: private_ip.is_some(),
        private_ip: ip.or(private_ip).unwrap_or(Ipv4Addr::UNSPECIFIED),
        public_ip,
    })
}

/// A target group's health check, from its `HealthCheck*` fields.
fn health_check(o: &Obj, protocol: &str) -> Res<HealthCheck> {
    let matcher = match o.child("Matcher") {
        Some(v) => v
            .get("HttpCode")
            .and_then(Value::as_str)
            .map(str::to_string),
        None => None,
    };
    Ok(HealthCheck {
        enabled: o.opt_bool("HealthCheckEnabled")?.unwrap_or(true),
        protocol: o
            .opt_str("HealthCheckProtocol")?
            .unwrap_or_else(|| protocol.to_string()),
        port: o
            .opt_str("HealthCheckPort")?
            .unwrap_or_else(|| "traffic-port".into()),
        path: o.opt_str("HealthCheckPath")?,
        interval_seconds: o.opt_int("HealthCheckIntervalSeconds")?.unwrap_or(30) as u32,
        timeout_seconds: o.opt_int("HealthCheckTimeoutSeconds")?.unwrap_or(10) as u32,
        healthy_threshold: o.opt_int("HealthyThresholdCount")?.unwrap_or(5) as u32,
        unhealthy_threshold: o.opt_int("UnhealthyThresholdCount")?.unwrap_or(2) as u32,
        matcher,
    })
}

/// `TargetGroups` of `aws elbv2 describe-target-groups` (targets come from
/// `describe-target-health`, attributes from `describe-target-group-attributes`).
pub(crate) fn target_group(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
    let arn = o.str("TargetGroupArn")?;
    let protocol = o.opt_str("Protocol")?.unwrap_or_default();
    let health_check = health_check(&o, &protocol)?;
    let (targets, attributes) = w
        .target_groups
        .get(&arn)
        .map(|g| (g.targets.clone(), g.attributes.clone()))
        .unwrap_or_default();
    w.target_groups.insert(TargetGroup {
        scope: arn_scope(scope, &arn),
        arn,
        name: o.str("TargetGroupName")?,
        protocol,
        port: opt_port(&o, "Port")?.unwrap_or(0),
        vpc_id: o.opt_str("VpcId")?.unwrap_or_default(),
        target_type: o
            .opt_str("TargetType")?
            .unwrap_or_else(|| "instance".into()),
        ip_address_type: o.opt_str("IpAddressType")?.unwrap_or_else(|| "ipv4".into()),
        health_check,
        targets,
        attributes,
        created: 0,
        tags: Default::default(),
    });
    Ok(())
}

/// The target group of a listener's default `forward` action, if it has one.
fn forward_target_group(o: &Obj) -> Res<Option<String>> {
    for (path, a) in o.list("DefaultActions")? {
        let a = Obj {
            value: a,
            path: &path,
        };
        if a.opt_str("Type")?.as_deref() != Some("forward") {
            continue;
        }
        let mut arn = a.opt_str("TargetGroupArn")?;
        if let Some(v) = a.child("ForwardConfig") {
            let path = format!("{path}.ForwardConfig");
            let f = Obj {
                value: &v,
                path: &path,
            };
            for (path, g) in f.list("TargetGroups")? {
                let g = Obj {
                    value: g,
                    path: &path,
                };
                let tg = g.str("TargetGroupArn")?;
                arn.get_or_insert(tg);
            }
        }
        if arn.is_some() {
            return Ok(arn);
        }
    }
    Ok(None)
}

/// `Listeners` of `aws elbv2 describe-listeners`: the target group of the default
/// `forward` action. Listeners of load balancers not imported (application load
/// balancers) and without a forward action are skipped.
pub(crate) fn listener(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
    let arn = o.str("ListenerArn")?;
    let load_balancer_arn = o.str("LoadBalancerArn")?;
    let target_group_arn = forward_target_group(&o)?;
    if w.load_balancers.get(&load_balancer_arn).is_none() {
        return Ok(Loaded::Skipped(
            if load_balancer_arn.contains(":loadbalancer/app/") {
                "listeners of application load balancers"
            } else {
                "listeners of load balancers not imported"
            },
        ));
    }
    let Some(target_group_arn) = target_group_arn else {
        return Ok(Loaded::Skipped("listeners without a forward action"));
    };
    let mut certificates = Vec::new();
    for (path, c) in o.list("Certificates")? {
        certificates.push(
            Obj {
                value: c,
                path: &path,
            }
            .str("CertificateArn")?,
        );
    }
    w.listeners.insert(Listener {
        scope: arn_scope(scope, &arn),
        arn,
        load_balancer_arn,
        protocol: o.opt_str("Protocol")?,
        port: opt_port(&o, "Port")?,
        target_group_arn,
        ssl_policy: o.opt_str("SslPolicy")?,
        certificates,
        attributes: Default::default(),
        tags: Default::default(),
    });
    Ok(Loaded::Done)
}

/// A resource a file name can name: a load balancer or a target group, by ARN.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Named {
    LoadBalancer(String),
    TargetGroup(String),
}

/// The resources whose name, or the last part of whose ARN, the file name (without
/// `.json`) contains: those of the longest such match (several when names are shared).
fn resource_in_file_name(w: &World, file_name: &str, groups_only: bool) -> Vec<Named> {
    let stem = file_name.strip_suffix(".json").unwrap_or(file_name);
    let matched = |name: &str, arn: &str| {
        let short = arn.rsplit('/').next().unwrap_or_default();
        [name, short]
            .into_iter()
            .filter(|k| !k.is_empty() && stem.contains(*k))
            .map(str::len)
            .max()
    };
    let mut best: (usize, Vec<Named>) = (0, Vec::new());
    let mut consider = |len: Option<usize>, named: &dyn Fn() -> Named| match len {
        Some(n) if n > best.0 => best = (n, vec![named()]),
        Some(n) if n == best.0 && !best.1.contains(&named()) => best.1.push(named()),
        _ => {}
    };
    for g in w.target_groups.values() {
        consider(matched(&g.name, &g.arn), &|| {
            Named::TargetGroup(g.arn.clone())
        });
    }
    if !groups_only {
        for lb in w.load_balancers.values() {
            consider(matched(&lb.name, &lb.arn), &|| {
                Named::LoadBalancer(lb.arn.clone())
            });
        }
    }
    best.1
}

/// The `TargetHealthDescriptions` of one `aws elbv2 describe-target-health` output: the
/// registered targets (whatever their health) of the target group the file name names
/// (its name or its ARN's last part: `targets-my-tg.json`). Returns how many were read.
pub(crate) fn target_health(
    w: &mut World,
    items: &[(String, &Value)],
    file_name: &str,
    report: &mut Report,
) -> Res<usize> {
    let arn = match resource_in_file_name(w, file_name, true).first() {
        Some(Named::TargetGroup(arn)) => arn.clone(),
        _ if items.is_empty() => return Ok(0),
        _ => {
            return Err(
                "`TargetHealthDescriptions` (describe-target-health) must be in a file whose \
                 name contains the target group's name or its ARN's last part, such as \
                 `targets-my-group.json`, and the group must be imported (describe-target-groups)"
                    .to_string(),
            )
        }
    };
    report.health_read(&arn);
    for (path, item) in items {
        let o = Obj {
            value: item,
            path: path.trim_start_matches('.'),
        };
        target(w, &arn, o)?;
    }
    Ok(items.len())
}

/// One `TargetHealthDescriptions` item: a target registered with the group `arn`.
fn target(w: &mut World, arn: &str, o: Obj) -> Res<()> {
    let v = o
        .child("Target")
        .ok_or_else(|| format!("field `{}.Target`: missing", o.path))?;
    let path = format!("{}.Target", o.path);
    let t = Obj {
        value: &v,
        path: &path,
    };
    let id = t.str("Id")?;
    let port = opt_port(&t, "Port")?;
    let availability_zone = t.opt_str("AvailabilityZone")?;
    if let Some(g) = w.target_groups.get_mut(arn) {
        let port = port.or(Some(g.port));
        if !g.targets.iter().any(|x| x.id == id && x.port == port) {
            g.targets.push(ElbTarget {
                id,
                port,
                availability_zone,
            });
        }
    }
    Ok(())
}

/// Which of `candidates` (a load balancer and a target group of the same name) a file
/// means, by the words of its name: `tg`, `target`… for the group, `lb`, `nlb`… for the
/// load balancer.
fn pick_by_words(file_name: &str, candidates: &[Named]) -> Option<Named> {
    let words: Vec<String> = file_name
        .to_ascii_lowercase()
        .split(['-', '_', '.'])
        .map(str::to_string)
        .collect();
    let says = |list: &[&str]| words.iter().any(|w| list.contains(&w.as_str()));
    let group = says(&["tg", "target", "targets", "targetgroup", "group"]);
    let balancer = says(&[
        "lb",
        "nlb",
        "gwlb",
        "elb",
        "load",
        "balancer",
        "loadbalancer",
    ]);
    candidates
        .iter()
        .find(|c| match c {
            Named::TargetGroup(_) => group && !balancer,
            Named::LoadBalancer(_) => balancer && !group,
        })
        .cloned()
}

/// Whether `key` is a listener's attribute (`describe-listener-attributes` prints the same
/// top-level key as the load balancer's and target group's outputs).
fn is_listener_key(key: &str) -> bool {
    matches!(
        key,
        "tcp.idle_timeout.seconds" | "send_tcp_reset.on_idle_timeout.enabled"
    ) || key.starts_with("routing.http.response.")
}

/// The `Attributes` of one `aws elbv2 describe-load-balancer-attributes` or
/// `describe-target-group-attributes` output, for the load balancer or target group the
/// file name names (as target health's: `attributes-my-nlb.json`). When a load balancer
/// and a target group share the name, the file name's words decide (`lb-…`, `tg-…`).
/// Values are stored as AWS reports them (every key, defaults included). A file naming
/// nothing imported (an application load balancer's), and a listener's output
/// (`describe-listener-attributes`, not imported), are skipped.
pub(crate) fn attributes(
    w: &mut World,
    items: &[(String, &Value)],
    file_name: &str,
) -> Res<Loaded> {
    let keys: Vec<&str> = items
        .iter()
        .filter_map(|(_, item)| item.get("Key").and_then(Value::as_str))
        .collect();
    if !keys.is_empty() && keys.iter().all(|k| is_listener_key(k)) {
        return Ok(Loaded::Skipped("listener attribute outputs"));
    }
    let candidates = resource_in_file_name(w, file_name, false);
    let named = match candidates.as_slice() {
        [] => {
            return Ok(Loaded::Skipped(
                "attribute outputs naming no imported load balancer or target group",
            ))
        }
        [one] => one.clone(),
        many => pick_by_words(file_name, many).ok_or_else(|| {
            "`Attributes` names both a load balancer and a target group of that name: put \
             `lb` or `tg` in the file name (`lb-attributes-NAME.json`, `tg-attributes-NAME.json`)"
                .to_string()
        })?,
    };
    let mut pairs = Vec::new();
    for (path, item) in items {
        let a = Obj {
            value: item,
            path: path.trim_start_matches('.'),
        };
        pairs.push((a.str("Key")?, a.opt_str("Value")?.unwrap_or_default()));
    }
    let set = match &named {
        Named::LoadBalancer(arn) => w.load_balancers.get_mut(arn).map(|lb| &mut lb.attributes),
        Named::TargetGroup(arn) => w.target_groups.get_mut(arn).map(|g| &mut g.attributes),
    };
    if let Some(set) = set {
        set.extend(pairs);
    }
    Ok(Loaded::Done)
}
