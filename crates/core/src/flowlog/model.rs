//! The flow-log area's data: a flow log's configuration (records come with the data plane)
//! and the commands. Plain data and small methods.

use serde::{Deserialize, Serialize};

use crate::ids::Kind;
use crate::table::Resource;
use crate::tags::TagSpec;
use crate::world::Scope;
use crate::Millis;

/// AWS's default record format (version 2 fields).
pub const DEFAULT_LOG_FORMAT: &str = "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}";

/// The aggregation interval when none is given, in seconds.
pub const DEFAULT_MAX_AGGREGATION_INTERVAL: u32 = 600;

/// The resources a flow log can watch that openvpc models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResourceType {
    Vpc,
    Subnet,
    NetworkInterface,
}

impl ResourceType {
    /// The kind of id a resource of this type has.
    pub fn kind(self) -> Kind {
        match self {
            ResourceType::Vpc => Kind::Vpc,
            ResourceType::Subnet => Kind::Subnet,
            ResourceType::NetworkInterface => Kind::NetworkInterface,
        }
    }
}

/// Which traffic a flow log records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TrafficType {
    Accept,
    Reject,
    All,
}

impl TrafficType {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            TrafficType::Accept => "ACCEPT",
            TrafficType::Reject => "REJECT",
            TrafficType::All => "ALL",
        }
    }

    /// The type named by its wire spelling.
    pub fn parse(s: &str) -> Option<TrafficType> {
        match s {
            "ACCEPT" => Some(TrafficType::Accept),
            "REJECT" => Some(TrafficType::Reject),
            "ALL" => Some(TrafficType::All),
            _ => None,
        }
    }
}

/// Where records would be published.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DestinationType {
    CloudWatchLogs,
    S3,
    KinesisDataFirehose,
}

impl DestinationType {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DestinationType::CloudWatchLogs => "cloud-watch-logs",
            DestinationType::S3 => "s3",
            DestinationType::KinesisDataFirehose => "kinesis-data-firehose",
        }
    }

    /// The type named by its wire spelling.
    pub fn parse(s: &str) -> Option<DestinationType> {
        match s {
            "cloud-watch-logs" => Some(DestinationType::CloudWatchLogs),
            "s3" => Some(DestinationType::S3),
            "kinesis-data-firehose" => Some(DestinationType::KinesisDataFirehose),
            _ => None,
        }
    }
}

/// How records are written to S3 (`DestinationOptions`; S3 destinations only).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct S3Options {
    /// `plain-text` (the default) or `parquet`.
    pub file_format: Option<String>,
    pub hive_compatible_partitions: bool,
    pub per_hour_partition: bool,
}

impl S3Options {
    /// The file format, AWS's default when not given.
    pub fn file_format(&self) -> &str {
        self.file_format.as_deref().unwrap_or("plain-text")
    }
}

/// A flow log (`fl-`) of one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlowLog {
    pub id: String,
    pub scope: Scope,
    pub resource_id: String,
    pub traffic_type: TrafficType,
    pub destination_type: DestinationType,
    /// The destination's ARN (a CloudWatch Logs group's ARN when named by `LogGroupName`).
    pub log_destination: String,
    /// The CloudWatch Logs group (cloud-watch-logs only).
    pub log_group_name: Option<String>,
    pub deliver_logs_permission_arn: Option<String>,
    pub deliver_cross_account_role: Option<String>,
    pub log_format: String,
    pub max_aggregation_interval: u32,
    /// S3 destinations' options (`None` for the other types).
    #[serde(default)]
    pub s3_options: Option<S3Options>,
    pub created: Millis,
}

impl Resource for FlowLog {
    fn id(&self) -> &str {
        &self.id
    }
    fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// What CreateFlowLogs asks for: one flow log per resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewFlowLogs {
    pub resource_type: ResourceType,
    pub resource_ids: Vec<String>,
    pub traffic_type: Option<TrafficType>,
    pub destination_type: DestinationType,
    pub log_destination: Option<String>,
    pub log_group_name: Option<String>,
    pub deliver_logs_permission_arn: Option<String>,
    pub deliver_cross_account_role: Option<String>,
    pub log_format: Option<String>,
    pub max_aggregation_interval: Option<i64>,
    pub destination_options: Option<S3Options>,
    pub tags: Vec<TagSpec>,
    pub client_token: Option<String>,
}

/// Flow-log commands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cmd {
    /// CreateFlowLogs: per-resource failures are `unsuccessful` items.
    Create(Box<NewFlowLogs>),
    /// DeleteFlowLogs: unknown ids are `unsuccessful` items.
    Delete { flow_log_ids: Vec<String> },
}

impl Cmd {
    /// The `ClientToken` the command carries.
    pub fn client_token(&self) -> Option<&str> {
        match self {
            Cmd::Create(n) => n.client_token.as_deref(),
            Cmd::Delete { .. } => None,
        }
    }
}
