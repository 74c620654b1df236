//! CreateFlowLogs and DeleteFlowLogs, and what a deleted resource does to its flow logs.

use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::tags;
use crate::world::{Ctx, Scope, World};
use crate::Output;

use super::config;
use super::model::{FlowLog, NewFlowLogs, ResourceType};

/// CreateFlowLogs: the request's settings are checked first (an error refuses it all); then
/// each resource gets its flow log, or an `unsuccessful` item: a malformed or unknown id, or a
/// flow log of the same traffic to the same destination already there.
pub(super) fn create(w: &mut World, ctx: &Ctx, n: NewFlowLogs) -> Result<Output> {
    let traffic_type = n
        .traffic_type
        .ok_or_else(|| ApiError::missing("TrafficType"))?;
    if n.resource_ids.is_empty() {
        return Err(ApiError::missing("ResourceId"));
    }
    let destination = config::destination(ctx, &n)?;
    let max_aggregation_interval = config::aggregation_interval(&n)?;
    let log_format = config::log_format(&n)?;
    let s3_options = config::s3_options(&n)?;
    tags::check_specs(&n.tags, "vpc-flow-log")?;
    let scope = ctx.scope();
    let mut made = Vec::new();
    let out = Output::bulk(n.resource_ids.clone(), |resource_id| {
        check_resource(w, scope, n.resource_type, resource_id)?;
        if w.flow_logs.in_scope(scope).any(|f| {
            f.resource_id == resource_id
                && f.traffic_type == traffic_type
                && f.log_destination == destination.log_destination
        }) {
            return Err(ApiError::new(
                ErrorCode::FlowLogAlreadyExists,
                "Error. There is an existing Flow Log with the same configuration and log destination.",
            ));
        }
        let id = w.ids.id(Kind::FlowLog);
        w.flow_logs.insert(FlowLog {
            id: id.clone(),
            scope: scope.clone(),
            resource_id: resource_id.to_string(),
            traffic_type,
            destination_type: n.destination_type,
            log_destination: destination.log_destination.clone(),
            log_group_name: destination.log_group_name.clone(),
            deliver_logs_permission_arn: n.deliver_logs_permission_arn.clone(),
            deliver_cross_account_role: n.deliver_cross_account_role.clone(),
            log_format: log_format.clone(),
            max_aggregation_interval,
            s3_options: s3_options.clone(),
            created: ctx.now,
        });
        tags::apply_specs(w, scope, &id, &n.tags);
        made.push(id);
        Ok(())
    });
    // The answer lists the flow logs made, not the resources they watch.
    let Output::Bulk { failed, .. } = out else {
        unreachable!("bulk answers are bulk")
    };
    Ok(Output::Bulk { ok: made, failed })
}

/// The caller's resource of `resource_type` named `id`: well-formed, and there.
fn check_resource(w: &World, scope: &Scope, resource_type: ResourceType, id: &str) -> Result<()> {
    let kind = resource_type.kind();
    kind.check(id)?;
    let found = match resource_type {
        ResourceType::Vpc => w.vpcs.get_in(scope, id).is_some(),
        ResourceType::Subnet => w.subnets.get_in(scope, id).is_some(),
        ResourceType::NetworkInterface => w.network_interfaces.get_in(scope, id).is_some(),
    };
    if found {
        Ok(())
    } else {
        Err(kind.not_found(id))
    }
}

/// DeleteFlowLogs: each id the caller has is deleted; the others are `unsuccessful`.
pub(super) fn delete(w: &mut World, ctx: &Ctx, ids: Vec<String>) -> Result<Output> {
    if ids.is_empty() {
        return Err(ApiError::missing("FlowLogId"));
    }
    let scope = ctx.scope();
    Ok(Output::bulk(ids, |id| {
        if w.flow_logs.get_in(scope, id).is_none() {
            return Err(ApiError::new(
                ErrorCode::InvalidFlowLogIdNotFound,
                format!("These flow log ids in the input list are not found: [TotalCount: 1] {id}"),
            ));
        }
        w.flow_logs.remove(id);
        tags::forget(w, id);
        Ok(())
    }))
}

/// A deleted VPC, subnet or interface takes its flow logs along (AWS removes them
/// "eventually"; here at once).
pub fn on_resource_deleted(w: &mut World, resource_id: &str) {
    let gone: Vec<String> = w
        .flow_logs
        .values()
        .filter(|f| f.resource_id == resource_id)
        .map(|f| f.id.clone())
        .collect();
    for id in gone {
        w.flow_logs.remove(&id);
        tags::forget(w, &id);
    }
}
