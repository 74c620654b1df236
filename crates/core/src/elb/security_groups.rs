//! SetSecurityGroups (spec §14.1): a network load balancer created with security groups may
//! replace them (never with none) and turn their inbound rules on or off for PrivateLink
//! traffic; one created without groups can never have any; gateway load balancers have none.

use super::arns::{get_load_balancer, invalid_config, validation};
use super::load_balancers::{check_security_groups, deduplicated};
use super::model::LoadBalancerType;
use super::nodes;
use crate::error::Result;
use crate::world::{Ctx, World};
use crate::Output;

/// SetSecurityGroups.
pub(super) fn set(
    w: &mut World,
    ctx: &Ctx,
    arn: &str,
    groups: &[String],
    enforce: Option<&str>,
) -> Result<Output> {
    let scope = ctx.scope();
    let lb = get_load_balancer(w, scope, arn)?;
    let enforce = match enforce {
        None => lb.enforce_inbound_on_privatelink,
        Some("on") => true,
        Some("off") => false,
        Some(other) => {
            return Err(validation(format!(
                "1 validation error detected: Value '{other}' at 'enforceSecurityGroupInboundRulesOnPrivateLinkTraffic' failed to satisfy constraint: Member must satisfy enum value set: [on, off]"
            )))
        }
    };
    if lb.lb_type == LoadBalancerType::Gateway {
        return Err(invalid_config(
            "Security groups are not supported for load balancers with type 'gateway'",
        ));
    }
    if lb.security_groups.is_empty() {
        return Err(invalid_config(
            "You cannot set security groups on a Network Load Balancer which was created without any security groups.",
        ));
    }
    let groups = deduplicated(groups)?;
    if groups.is_empty() {
        return Err(validation(
            "A Network Load Balancer that was created with security groups must keep at least one security group",
        ));
    }
    check_security_groups(w, scope, &groups, &lb.vpc_id)?;
    let lb = w.load_balancers.get_mut(arn).expect("checked above");
    lb.security_groups = groups.clone();
    lb.enforce_inbound_on_privatelink = enforce;
    let interfaces: Vec<String> = lb
        .subnets
        .iter()
        .map(|s| s.network_interface_id.clone())
        .collect();
    nodes::set_node_groups(w, &interfaces, &groups);
    Ok(Output::Done)
}
