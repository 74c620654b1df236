//! The flow-log area's tests, on the shared kit.

use super::*;
use crate::filter::Filter;
use crate::testkit::eni::in_subnet;
use crate::testkit::flowlog::to_s3;
use crate::testkit::{Kit, B};
use crate::{eni, subnet, vpc, Output};

fn ids_of(found: Vec<&FlowLog>) -> Vec<String> {
    found.into_iter().map(|f| f.id.clone()).collect()
}

#[test]
fn one_flow_log_per_resource_and_unsuccessful_items_for_the_rest() {
    let mut k = Kit::new();
    let vpc = k.vpc("10.0.0.0/16");
    let other = k.vpc("10.1.0.0/16");
    let (made, failed) = k.flow_logs(to_s3(
        ResourceType::Vpc,
        &[
            &vpc,
            "vpc-0123456789abcdef0",
            &other,
            "subnet-0123456789abcdef0",
        ],
    ));
    assert_eq!(made.len(), 2);
    assert_eq!(
        failed,
        [
            (
                "vpc-0123456789abcdef0".into(),
                "InvalidVpcID.NotFound".into()
            ),
            (
                "subnet-0123456789abcdef0".into(),
                "InvalidVpcId.Malformed".into()
            ),
        ]
    );
    let f = k.w.flow_logs.get(&made[0]).unwrap();
    assert_eq!(f.resource_id, vpc);
    assert_eq!(
        (f.log_format.as_str(), f.max_aggregation_interval, f.created),
        (DEFAULT_LOG_FORMAT, 600, 1_000)
    );
    // The same traffic to the same destination again: FlowLogAlreadyExists.
    let (again, failed) = k.flow_logs(to_s3(ResourceType::Vpc, &[&vpc]));
    assert!(again.is_empty());
    assert_eq!(failed[0].1, "FlowLogAlreadyExists");
    // Another traffic type is another flow log.
    let mut reject = to_s3(ResourceType::Vpc, &[&vpc]);
    reject.traffic_type = Some(TrafficType::Reject);
    assert_eq!(k.flow_logs(reject).0.len(), 1);
    // Another account cannot log this VPC.
    let b = k.as_account(B);
    let out = k
        .run_as(&b, Cmd::Create(Box::new(to_s3(ResourceType::Vpc, &[&vpc]))))
        .unwrap();
    let Output::Bulk { ok, failed } = out else {
        panic!("bulk")
    };
    assert!(ok.is_empty() && failed[0].code == "InvalidVpcID.NotFound");
}

#[test]
fn destinations_follow_their_types_rules() {
    let mut k = Kit::new();
    let vpc = k.vpc("10.0.0.0/16");
    let role = "arn:aws:iam::111111111111:role/flow-logs";
    let cwl = |group: Option<&str>, dest: Option<&str>, role: Option<&str>| NewFlowLogs {
        destination_type: DestinationType::CloudWatchLogs,
        log_group_name: group.map(str::to_string),
        log_destination: dest.map(str::to_string),
        deliver_logs_permission_arn: role.map(str::to_string),
        ..to_s3(ResourceType::Vpc, &[&vpc])
    };
    k.refused(
        Cmd::Create(Box::new(cwl(Some("g"), None, None))),
        "InvalidParameter",
    );
    k.refused(
        Cmd::Create(Box::new(cwl(None, None, Some(role)))),
        "InvalidParameter",
    );
    k.refused(
        Cmd::Create(Box::new(cwl(
            Some("g"),
            Some("arn:aws:logs:us-east-1:1:log-group:g"),
            Some(role),
        ))),
        "InvalidParameter",
    );
    k.refused(
        Cmd::Create(Box::new(cwl(
            Some("g"),
            None,
            Some("arn:aws:iam::1:user/x"),
        ))),
        "InvalidParameterValue",
    );
    let (made, _) = k.flow_logs(cwl(Some("vpc-logs"), None, Some(role)));
    let f = k.w.flow_logs.get(&made[0]).unwrap().clone();
    assert_eq!(f.log_group_name.as_deref(), Some("vpc-logs"));
    assert_eq!(
        f.log_destination,
        "arn:aws:logs:us-east-1:111111111111:log-group:vpc-logs"
    );
    // A log group named by its ARN.
    let mut by_arn = cwl(
        None,
        Some("arn:aws:logs:us-east-1:111111111111:log-group:other:*"),
        Some(role),
    );
    by_arn.traffic_type = Some(TrafficType::Accept);
    let (made, _) = k.flow_logs(by_arn);
    assert_eq!(
        k.w.flow_logs
            .get(&made[0])
            .unwrap()
            .log_group_name
            .as_deref(),
        Some("other")
    );
    // S3 takes neither a role nor a group, and needs a bucket ARN.
    let s3 = |dest: Option<&str>, role: Option<&str>| NewFlowLogs {
        log_destination: dest.map(str::to_string),
        deliver_logs_permission_arn: role.map(str::to_string),
        ..to_s3(ResourceType::Vpc, &[&vpc])
    };
    k.refused(
        Cmd::Create(Box::new(s3(Some("arn:aws:s3:::b"), Some(role)))),
        "InvalidParameter",
    );
    k.refused(Cmd::Create(Box::new(s3(None, None))), "InvalidParameter");
    k.refused(
        Cmd::Create(Box::new(s3(Some("s3://b"), None))),
        "InvalidParameterValue",
    );
    let with_options = |format: &str| NewFlowLogs {
        destination_options: Some(S3Options {
            file_format: Some(format.into()),
            hive_compatible_partitions: true,
            per_hour_partition: false,
        }),
        traffic_type: Some(TrafficType::Reject),
        ..to_s3(ResourceType::Vpc, &[&vpc])
    };
    k.refused(
        Cmd::Create(Box::new(with_options("csv"))),
        "InvalidParameterValue",
    );
    let (made, _) = k.flow_logs(with_options("parquet"));
    let o =
        k.w.flow_logs
            .get(&made[0])
            .unwrap()
            .s3_options
            .clone()
            .unwrap();
    assert_eq!(
        (o.file_format(), o.hive_compatible_partitions),
        ("parquet", true)
    );
    // Options belong to S3 destinations only.
    let mut cwl_options = cwl(Some("g2"), None, Some(role));
    cwl_options.destination_options = Some(S3Options::default());
    k.refused(Cmd::Create(Box::new(cwl_options)), "InvalidParameter");
    let firehose = |dest: &str| NewFlowLogs {
        destination_type: DestinationType::KinesisDataFirehose,
        log_destination: Some(dest.into()),
        ..to_s3(ResourceType::Vpc, &[&vpc])
    };
    k.refused(
        Cmd::Create(Box::new(firehose("arn:aws:s3:::b"))),
        "InvalidParameterValue",
    );
    assert_eq!(
        k.flow_logs(firehose(
            "arn:aws:firehose:us-east-1:111111111111:deliverystream/s"
        ))
        .0
        .len(),
        1
    );
}

#[test]
fn interval_format_traffic_and_tags_are_checked_before_anything_is_made() {
    let mut k = Kit::new();
    let vpc = k.vpc("10.0.0.0/16");
    let base = || to_s3(ResourceType::Vpc, &[&vpc]);
    k.refused(
        Cmd::Create(Box::new(NewFlowLogs {
            max_aggregation_interval: Some(300),
            ..base()
        })),
        "InvalidParameterValue",
    );
    k.refused(
        Cmd::Create(Box::new(NewFlowLogs {
            traffic_type: None,
            ..base()
        })),
        "MissingParameter",
    );
    for bad in [
        "",
        "${srcaddr} ${nope}",
        "srcaddr",
        "${srcaddr}  ${dstaddr}",
    ] {
        k.refused(
            Cmd::Create(Box::new(NewFlowLogs {
                log_format: Some(bad.into()),
                ..base()
            })),
            "InvalidParameter",
        );
    }
    let mut tagged = base();
    tagged.tags = vec![crate::tags::TagSpec {
        resource_type: "vpc".into(),
        tags: vec![("k".into(), "v".into())],
    }];
    k.refused(
        Cmd::Create(Box::new(tagged.clone())),
        "InvalidParameterValue",
    );
    tagged.tags[0].resource_type = "vpc-flow-log".into();
    tagged.max_aggregation_interval = Some(60);
    tagged.log_format = Some("${version} ${vpc-id} ${srcaddr} ${action}".into());
    let (made, _) = k.flow_logs(tagged);
    let f = k.w.flow_logs.get(&made[0]).unwrap();
    assert_eq!(f.max_aggregation_interval, 60);
    assert_eq!(
        ids_of(describe(&k.w, &k.ctx, &[], &[Filter::new("tag:k", &["v"])]).unwrap()),
        made
    );
}

#[test]
fn describe_filters_and_unknown_ids() {
    let mut k = Kit::new();
    let vpc = k.vpc("10.0.0.0/16");
    let sub = k.subnet(&vpc, "10.0.1.0/24", None);
    let (v, _) = k.flow_logs(to_s3(ResourceType::Vpc, &[&vpc]));
    let mut s = to_s3(ResourceType::Subnet, &[&sub]);
    s.traffic_type = Some(TrafficType::Reject);
    let (s, _) = k.flow_logs(s);
    let d = |k: &Kit, ids: &[String], f: &[Filter]| ids_of(describe(&k.w, &k.ctx, ids, f).unwrap());
    assert_eq!(d(&k, &[], &[]).len(), 2);
    assert_eq!(d(&k, &[], &[Filter::new("resource-id", &[&sub])]), s);
    assert_eq!(d(&k, &[], &[Filter::new("traffic-type", &["ALL"])]), v);
    assert_eq!(
        d(&k, &[], &[Filter::new("log-destination-type", &["s3"])]).len(),
        2
    );
    assert_eq!(
        d(&k, &[], &[Filter::new("deliver-log-status", &["SUCCESS"])]).len(),
        2
    );
    assert!(d(&k, &[], &[Filter::new("log-group-name", &["*"])]).is_empty());
    assert_eq!(d(&k, &[], &[Filter::new("flow-log-id", &[&v[0]])]), v);
    // Unknown ids are not listed (no error).
    assert_eq!(
        d(&k, &["fl-0123456789abcdef0".into(), v[0].clone()], &[]),
        v
    );
    assert_eq!(
        describe(&k.w, &k.ctx, &[], &[Filter::new("nope", &["x"])])
            .unwrap_err()
            .code,
        "InvalidParameterValue"
    );
    let b = k.as_account(B);
    assert!(describe(&k.w, &b, &[], &[]).unwrap().is_empty());
}

#[test]
fn delete_reports_unknown_ids() {
    let mut k = Kit::new();
    let vpc = k.vpc("10.0.0.0/16");
    let (made, _) = k.flow_logs(to_s3(ResourceType::Vpc, &[&vpc]));
    let out = k.ok(Cmd::Delete {
        flow_log_ids: vec![made[0].clone(), "fl-0123456789abcdef0".into()],
    });
    let Output::Bulk { ok, failed } = out else {
        panic!("bulk")
    };
    assert_eq!(ok, made);
    assert_eq!(failed[0].code, "InvalidFlowLogId.NotFound");
    assert!(k.w.flow_logs.is_empty());
    k.refused(
        Cmd::Delete {
            flow_log_ids: vec![],
        },
        "MissingParameter",
    );
}

#[test]
fn a_deleted_resource_takes_its_flow_logs_along() {
    let mut k = Kit::new();
    let vpc = k.vpc("10.0.0.0/16");
    let sub = k.subnet(&vpc, "10.0.1.0/24", None);
    let eni = k.interface(in_subnet(&sub));
    k.flow_logs(to_s3(ResourceType::NetworkInterface, &[&eni]));
    k.flow_logs(to_s3(ResourceType::Subnet, &[&sub]));
    k.flow_logs(to_s3(ResourceType::Vpc, &[&vpc]));
    let count = |k: &Kit| k.w.flow_logs.values().count();
    assert_eq!(count(&k), 3);
    k.ok(eni::Cmd::DeleteInterface {
        network_interface_id: eni,
    });
    assert_eq!(count(&k), 2);
    k.ok(subnet::Cmd::Delete { subnet_id: sub });
    assert_eq!(count(&k), 1);
    k.ok(vpc::Cmd::Delete { vpc_id: vpc });
    assert_eq!(count(&k), 0);
}
