//! VPC flow logs: CreateFlowLogs, DescribeFlowLogs, DeleteFlowLogs (stored configuration;
//! the records come with the data plane).

use openvpc_core::flowlog::{
    self, Cmd, DestinationType, FlowLog, NewFlowLogs, ResourceType, S3Options, TrafficType,
};
use openvpc_core::{tags, ApiError, Command, Output, Result, Scope, World};

use super::describe::{Query, EC2};
use super::endpoint_service::render_unsuccessful;
use super::{failures, Call, Handler};
use crate::params::View;
use crate::time::iso8601;
use crate::xml::{escape, Xml};

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("CreateFlowLogs", create_flow_logs),
    ("DescribeFlowLogs", describe_flow_logs),
    ("DeleteFlowLogs", delete_flow_logs),
];

fn invalid_choice(name: &str, value: &str, valid: &str) -> ApiError {
    ApiError::invalid_value(format!(
        "Value ({value}) for parameter {name} is invalid. Valid values: {valid}"
    ))
}

/// `ResourceType`: the resources openvpc models (transit gateways' flow logs are not served).
fn resource_type(value: &str) -> Result<ResourceType> {
    match value {
        "VPC" => Ok(ResourceType::Vpc),
        "Subnet" => Ok(ResourceType::Subnet),
        "NetworkInterface" => Ok(ResourceType::NetworkInterface),
        other => Err(invalid_choice(
            "ResourceType",
            other,
            "VPC, Subnet, NetworkInterface",
        )),
    }
}

fn create_flow_logs(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let resource_type = resource_type(&p.req("ResourceType")?)?;
    let traffic_type = match p.str("TrafficType") {
        None => None,
        Some(t) => Some(
            TrafficType::parse(&t)
                .ok_or_else(|| invalid_choice("TrafficType", &t, "ACCEPT, REJECT, ALL"))?,
        ),
    };
    let destination_type = match p.str("LogDestinationType") {
        None => DestinationType::CloudWatchLogs,
        Some(d) => DestinationType::parse(&d).ok_or_else(|| {
            invalid_choice(
                "LogDestinationType",
                &d,
                "cloud-watch-logs, s3, kinesis-data-firehose",
            )
        })?,
    };
    let client_token = p.str("ClientToken");
    let cmd = Cmd::Create(Box::new(NewFlowLogs {
        resource_type,
        resource_ids: p.list("ResourceId"),
        traffic_type,
        destination_type,
        log_destination: p.str("LogDestination"),
        log_group_name: p.str("LogGroupName"),
        deliver_logs_permission_arn: p.str("DeliverLogsPermissionArn"),
        deliver_cross_account_role: p.str("DeliverCrossAccountRole"),
        log_format: p.str("LogFormat"),
        max_aggregation_interval: p.int("MaxAggregationInterval")?,
        destination_options: destination_options(&p)?,
        tags: p.tag_specs()?,
        client_token: client_token.clone(),
    }));
    let out = cx.mutate(Command::FlowLog(cmd))?;
    let made = match &out {
        Output::Bulk { ok, .. } => ok.clone(),
        _ => Vec::new(),
    };
    let mut x = Xml::new();
    x.opt("clientToken", client_token);
    x.list("flowLogIdSet", made, |x, id| {
        x.raw(&escape(&id));
    });
    render_unsuccessful(&mut x, &failures(out)?);
    Ok(x)
}

/// `DestinationOptions.*`, if any member is given.
fn destination_options(p: &View) -> Result<Option<S3Options>> {
    let o = p.nested("DestinationOptions");
    let file_format = o.str("FileFormat");
    let hive = o.bool("HiveCompatiblePartitions")?;
    let per_hour = o.bool("PerHourPartition")?;
    if file_format.is_none() && hive.is_none() && per_hour.is_none() {
        return Ok(None);
    }
    Ok(Some(S3Options {
        file_format,
        hive_compatible_partitions: hive.unwrap_or(false),
        per_hour_partition: per_hour.unwrap_or(false),
    }))
}

fn describe_flow_logs(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let q = Query::decode(&p, "FlowLogId", |_| Ok(()), EC2)?;
    cx.read()?;
    let (w, scope) = (cx.world(), cx.ctx().scope());
    let found = flowlog::describe(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |f| f.id.clone(),
        "flowLogSet",
        |x, f| render(x, w, scope, f),
    ))
}

/// Renders one flow log's members.
fn render(x: &mut Xml, w: &World, scope: &Scope, f: &FlowLog) {
    x.leaf("creationTime", iso8601(f.created))
        .opt(
            "deliverLogsPermissionArn",
            f.deliver_logs_permission_arn.as_deref(),
        )
        .opt(
            "deliverCrossAccountRole",
            f.deliver_cross_account_role.as_deref(),
        )
        .leaf("deliverLogsStatus", "SUCCESS")
        .leaf("flowLogId", &f.id)
        .leaf("flowLogStatus", "ACTIVE")
        .opt("logGroupName", f.log_group_name.as_deref())
        .leaf("resourceId", &f.resource_id)
        .leaf("trafficType", f.traffic_type.as_str())
        .leaf("logDestinationType", f.destination_type.as_str())
        .leaf("logDestination", &f.log_destination)
        .leaf("logFormat", &f.log_format)
        .tag_set(tags::of(w, scope, &f.id))
        .leaf(
            "maxAggregationInterval",
            f.max_aggregation_interval.to_string(),
        );
    if let Some(o) = &f.s3_options {
        x.node("destinationOptions", |x| {
            x.leaf("fileFormat", o.file_format())
                .leaf("hiveCompatiblePartitions", o.hive_compatible_partitions)
                .leaf("perHourPartition", o.per_hour_partition);
        });
    }
}

fn delete_flow_logs(cx: &mut Call) -> Result<Xml> {
    let flow_log_ids = cx.p().list("FlowLogId");
    let out = cx.mutate(Command::FlowLog(Cmd::Delete { flow_log_ids }))?;
    let mut x = Xml::new();
    render_unsuccessful(&mut x, &failures(out)?);
    Ok(x)
}
