//! DescribeFlowLogs.

use crate::error::Result;
use crate::filter::{self, Filter};
use crate::world::{Ctx, World};

use super::model::FlowLog;

/// Filters DescribeFlowLogs accepts (tag filters besides).
pub const FILTERS: &[&str] = &[
    "deliver-log-status",
    "flow-log-id",
    "log-destination-type",
    "log-group-name",
    "resource-id",
    "traffic-type",
];

/// DescribeFlowLogs: the caller's flow logs, those of `ids` if given (ids the caller does not
/// have are simply not listed), that pass `filters`.
pub fn describe<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w FlowLog>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let candidates: Vec<&FlowLog> = w
        .flow_logs
        .in_scope(scope)
        .filter(|f| ids.is_empty() || ids.contains(&f.id))
        .collect();
    Ok(filter::tagged(w, scope, candidates, filters, field))
}

fn field(f: &FlowLog, name: &str) -> Vec<String> {
    match name {
        "deliver-log-status" => filter::s("SUCCESS"),
        "flow-log-id" => filter::s(&f.id),
        "log-destination-type" => filter::s(f.destination_type.as_str()),
        "log-group-name" => filter::opt(f.log_group_name.clone()),
        "resource-id" => filter::s(&f.resource_id),
        "traffic-type" => filter::s(f.traffic_type.as_str()),
        _ => Vec::new(),
    }
}
