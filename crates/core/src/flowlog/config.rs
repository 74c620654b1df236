//! CreateFlowLogs' request checks: destination and permissions by destination type, the
//! aggregation interval, the record format. A failure here refuses the whole request.

use crate::error::{ApiError, ErrorCode, Result};
use crate::world::Ctx;

use super::model::{
    DestinationType, NewFlowLogs, S3Options, DEFAULT_LOG_FORMAT, DEFAULT_MAX_AGGREGATION_INTERVAL,
};

/// The fields a custom `LogFormat` may name (record versions 2 to 8).
pub const LOG_FIELDS: &[&str] = &[
    "version",
    "account-id",
    "interface-id",
    "srcaddr",
    "dstaddr",
    "srcport",
    "dstport",
    "protocol",
    "packets",
    "bytes",
    "start",
    "end",
    "action",
    "log-status",
    "vpc-id",
    "subnet-id",
    "instance-id",
    "tcp-flags",
    "type",
    "pkt-srcaddr",
    "pkt-dstaddr",
    "region",
    "az-id",
    "sublocation-type",
    "sublocation-id",
    "pkt-src-aws-service",
    "pkt-dst-aws-service",
    "flow-direction",
    "traffic-path",
    "ecs-cluster-arn",
    "ecs-cluster-name",
    "ecs-container-instance-arn",
    "ecs-container-instance-id",
    "ecs-container-id",
    "ecs-second-container-id",
    "ecs-service-name",
    "ecs-task-definition-arn",
    "ecs-task-arn",
    "ecs-task-id",
    "reject-reason",
    "resource-id",
    "encryption-status",
];

/// Where a flow log publishes, as checked.
pub(super) struct Destination {
    pub log_destination: String,
    pub log_group_name: Option<String>,
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::new(ErrorCode::InvalidParameter, message)
}

/// The destination of `n`, by its type's rules (as the API reference documents them):
/// CloudWatch Logs takes a group name or a log-group ARN and needs a permission role; S3
/// takes a bucket ARN and no role or group; Kinesis Data Firehose a delivery stream ARN.
pub(super) fn destination(ctx: &Ctx, n: &NewFlowLogs) -> Result<Destination> {
    if let Some(role) = &n.deliver_logs_permission_arn {
        check_role(role, "DeliverLogsPermissionArn")?;
    }
    if let Some(role) = &n.deliver_cross_account_role {
        check_role(role, "DeliverCrossAccountRole")?;
    }
    match n.destination_type {
        DestinationType::CloudWatchLogs => cloud_watch_logs(ctx, n),
        DestinationType::S3 => {
            if n.log_group_name.is_some() || n.deliver_logs_permission_arn.is_some() {
                return Err(invalid(
                    "LogGroupName and DeliverLogsPermissionArn cannot be specified when LogDestinationType is s3.",
                ));
            }
            let arn = arn_of(n, "arn:aws:s3:::", "", "an S3 bucket")?;
            Ok(Destination {
                log_destination: arn,
                log_group_name: None,
            })
        }
        DestinationType::KinesisDataFirehose => {
            if n.log_group_name.is_some() {
                return Err(invalid(
                    "LogGroupName cannot be specified when LogDestinationType is kinesis-data-firehose.",
                ));
            }
            let arn = arn_of(
                n,
                "arn:aws:firehose:",
                ":deliverystream/",
                "a Firehose delivery stream",
            )?;
            Ok(Destination {
                log_destination: arn,
                log_group_name: None,
            })
        }
    }
}

fn cloud_watch_logs(ctx: &Ctx, n: &NewFlowLogs) -> Result<Destination> {
    if n.deliver_logs_permission_arn.is_none() {
        return Err(invalid(
            "DeliverLogsPermissionArn is required when LogDestinationType is cloud-watch-logs.",
        ));
    }
    let group = match (&n.log_group_name, &n.log_destination) {
        (Some(_), Some(_)) => {
            return Err(invalid(
                "Specify either LogGroupName or LogDestination, not both.",
            ))
        }
        (None, None) => {
            return Err(invalid(
                "LogGroupName or LogDestination is required when LogDestinationType is cloud-watch-logs.",
            ))
        }
        (Some(name), None) => name.clone(),
        (None, Some(_)) => {
            let arn = arn_of(n, "arn:aws:logs:", ":log-group:", "a CloudWatch Logs log group")?;
            let name = arn.split_once(":log-group:").map(|(_, g)| g).unwrap_or_default();
            name.trim_end_matches(":*").to_string()
        }
    };
    if group.is_empty() || group.len() > 512 {
        return Err(ApiError::invalid_value(format!(
            "The log group name '{group}' is not valid."
        )));
    }
    Ok(Destination {
        log_destination: format!(
            "arn:aws:logs:{}:{}:log-group:{group}",
            ctx.region(),
            ctx.account()
        ),
        log_group_name: Some(group),
    })
}

/// `LogDestination`, required, an ARN starting with `prefix` and holding `part`.
fn arn_of(n: &NewFlowLogs, prefix: &str, part: &str, what: &str) -> Result<String> {
    let Some(arn) = &n.log_destination else {
        return Err(invalid(format!(
            "LogDestination is required when LogDestinationType is {}.",
            n.destination_type.as_str()
        )));
    };
    let rest = arn.strip_prefix(prefix).unwrap_or_default();
    if rest.is_empty() || !rest.contains(part) {
        return Err(ApiError::invalid_value(format!(
            "LogDestination '{arn}' is not the ARN of {what}."
        )));
    }
    Ok(arn.clone())
}

/// An IAM role ARN: `arn:aws:iam::<account>:role/<name>`.
fn check_role(arn: &str, param: &str) -> Result<()> {
    let ok = arn
        .strip_prefix("arn:aws:iam::")
        .and_then(|r| r.split_once(":role/"))
        .is_some_and(|(account, name)| {
            account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()) && !name.is_empty()
        });
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid_value(format!(
            "{param} '{arn}' is not the ARN of an IAM role."
        )))
    }
}

/// `DestinationOptions`: S3 destinations only; `FileFormat` `plain-text` or `parquet`. An S3
/// flow log without them gets AWS's defaults.
pub(super) fn s3_options(n: &NewFlowLogs) -> Result<Option<S3Options>> {
    if n.destination_type != DestinationType::S3 {
        return match n.destination_options {
            Some(_) => Err(invalid(
                "DestinationOptions can be specified only when LogDestinationType is s3.",
            )),
            None => Ok(None),
        };
    }
    let options = n.destination_options.clone().unwrap_or_default();
    if let Some(f) = &options.file_format {
        if f != "plain-text" && f != "parquet" {
            return Err(ApiError::invalid_value(format!(
                "Value ({f}) for parameter FileFormat is invalid. Valid values: plain-text, parquet"
            )));
        }
    }
    Ok(Some(options))
}

/// `MaxAggregationInterval`: 60 or 600 seconds (600 when not given).
pub(super) fn aggregation_interval(n: &NewFlowLogs) -> Result<u32> {
    match n.max_aggregation_interval {
        None => Ok(DEFAULT_MAX_AGGREGATION_INTERVAL),
        Some(60) => Ok(60),
        Some(600) => Ok(600),
        Some(v) => Err(ApiError::invalid_value(format!(
            "Invalid value '{v}' for MaxAggregationInterval. Valid values: 60, 600"
        ))),
    }
}

/// `LogFormat`: `${field}` tokens separated by spaces (AWS's default when not given).
pub(super) fn log_format(n: &NewFlowLogs) -> Result<String> {
    let Some(format) = &n.log_format else {
        return Ok(DEFAULT_LOG_FORMAT.to_string());
    };
    let mut fields = format.split(' ').peekable();
    if fields.peek().is_none_or(|f| f.is_empty()) {
        return Err(invalid("LogFormat must name at least one field."));
    }
    for token in fields {
        let known = token
            .strip_prefix("${")
            .and_then(|t| t.strip_suffix('}'))
            .is_some_and(|f| LOG_FIELDS.contains(&f));
        if !known {
            return Err(invalid(format!(
                "Unknown fields provided: {token}. LogFormat takes fields of the form ${{field}} separated by spaces."
            )));
        }
    }
    Ok(format.clone())
}
