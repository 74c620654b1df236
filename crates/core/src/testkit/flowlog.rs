//! Builders for the flow-log area.

use super::Kit;
use crate::flowlog::{Cmd, DestinationType, NewFlowLogs, ResourceType, TrafficType};
use crate::Output;

/// A CreateFlowLogs request for `ids` of `resource_type`, to an S3 bucket, all traffic.
pub fn to_s3(resource_type: ResourceType, ids: &[&str]) -> NewFlowLogs {
    NewFlowLogs {
        resource_type,
        resource_ids: ids.iter().map(|s| s.to_string()).collect(),
        traffic_type: Some(TrafficType::All),
        destination_type: DestinationType::S3,
        log_destination: Some("arn:aws:s3:::flow-bucket/logs".into()),
        log_group_name: None,
        deliver_logs_permission_arn: None,
        deliver_cross_account_role: None,
        log_format: None,
        max_aggregation_interval: None,
        destination_options: None,
        tags: vec![],
        client_token: None,
    }
}

impl Kit {
    /// Runs CreateFlowLogs; the flow log ids made and the failed resource ids with codes.
    pub fn flow_logs(&mut self, n: NewFlowLogs) -> (Vec<String>, Vec<(String, String)>) {
        match self.ok(Cmd::Create(Box::new(n))) {
            Output::Bulk { ok, failed } => (
                ok,
                failed
                    .into_iter()
                    .map(|f| (f.id, f.code.as_str().to_string()))
                    .collect(),
            ),
            other => panic!("CreateFlowLogs: {other:?}"),
        }
    }
}
