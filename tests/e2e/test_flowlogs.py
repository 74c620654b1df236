"""VPC flow logs through boto3 and the aws CLI: stored configuration, per-resource
`Unsuccessful` items, filters and pages, and flow logs going with their resource."""

import botocore.exceptions
import pytest

from conftest import error_code

ROLE = "arn:aws:iam::111111111111:role/flow-logs"
BUCKET = "arn:aws:s3:::flow-bucket/vpc"


def test_create_describe_delete(server, ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    out = ec2.create_flow_logs(
        ResourceType="VPC", ResourceIds=[vpc, "vpc-0123456789abcdef0"], TrafficType="ALL",
        LogGroupName="vpc-logs", DeliverLogsPermissionArn=ROLE, ClientToken="tok-1",
        TagSpecifications=[{"ResourceType": "vpc-flow-log",
                            "Tags": [{"Key": "team", "Value": "net"}]}])
    [fl] = out["FlowLogIds"]
    assert fl.startswith("fl-") and out["ClientToken"] == "tok-1"
    [bad] = out["Unsuccessful"]
    assert bad["ResourceId"] == "vpc-0123456789abcdef0"
    assert bad["Error"]["Code"] == "InvalidVpcID.NotFound"
    # The same token and request: the same answer, nothing new.
    again = ec2.create_flow_logs(
        ResourceType="VPC", ResourceIds=[vpc, "vpc-0123456789abcdef0"], TrafficType="ALL",
        LogGroupName="vpc-logs", DeliverLogsPermissionArn=ROLE, ClientToken="tok-1",
        TagSpecifications=[{"ResourceType": "vpc-flow-log",
                            "Tags": [{"Key": "team", "Value": "net"}]}])
    assert again["FlowLogIds"] == [fl]

    [d] = ec2.describe_flow_logs(FlowLogIds=[fl])["FlowLogs"]
    assert d["ResourceId"] == vpc and d["TrafficType"] == "ALL"
    assert d["LogDestinationType"] == "cloud-watch-logs" and d["LogGroupName"] == "vpc-logs"
    assert d["LogDestination"] == "arn:aws:logs:us-east-1:111111111111:log-group:vpc-logs"
    assert d["DeliverLogsPermissionArn"] == ROLE and d["DeliverLogsStatus"] == "SUCCESS"
    assert d["FlowLogStatus"] == "ACTIVE" and d["MaxAggregationInterval"] == 600
    assert d["LogFormat"].startswith("${version} ${account-id} ${interface-id}")
    assert d["Tags"] == [{"Key": "team", "Value": "net"}] and "CreationTime" in d

    # The same traffic to the same group again is refused per resource.
    dup = ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], TrafficType="ALL",
                               LogGroupName="vpc-logs", DeliverLogsPermissionArn=ROLE)
    assert dup["FlowLogIds"] == []
    assert dup["Unsuccessful"][0]["Error"]["Code"] == "FlowLogAlreadyExists"

    gone = ec2.delete_flow_logs(FlowLogIds=[fl, "fl-0123456789abcdef0"])
    [miss] = gone["Unsuccessful"]
    assert miss["ResourceId"] == "fl-0123456789abcdef0"
    assert miss["Error"]["Code"] == "InvalidFlowLogId.NotFound"
    assert ec2.describe_flow_logs()["FlowLogs"] == []


def test_s3_and_firehose_through_the_cli(server, ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
    out = server.aws("ec2", "create-flow-logs", "--resource-type", "Subnet",
                     "--resource-ids", subnet, "--traffic-type", "REJECT",
                     "--log-destination-type", "s3", "--log-destination", BUCKET,
                     "--max-aggregation-interval", "60",
                     "--log-format", "${version} ${vpc-id} ${srcaddr} ${dstaddr} ${action}")
    [fl] = out["FlowLogIds"]
    [d] = server.aws("ec2", "describe-flow-logs", "--flow-log-ids", fl)["FlowLogs"]
    assert d["LogDestination"] == BUCKET and d["MaxAggregationInterval"] == 60
    assert d["LogFormat"] == "${version} ${vpc-id} ${srcaddr} ${dstaddr} ${action}"
    assert "LogGroupName" not in d and "DeliverLogsPermissionArn" not in d
    assert d["DestinationOptions"] == {"FileFormat": "plain-text",
                                       "HiveCompatiblePartitions": False,
                                       "PerHourPartition": False}
    out = server.aws("ec2", "create-flow-logs", "--resource-type", "VPC", "--resource-ids", vpc,
                     "--traffic-type", "ALL", "--log-destination-type", "s3",
                     "--log-destination", BUCKET, "--destination-options",
                     "FileFormat=parquet,HiveCompatiblePartitions=true,PerHourPartition=true")
    [d] = ec2.describe_flow_logs(FlowLogIds=out["FlowLogIds"])["FlowLogs"]
    assert d["DestinationOptions"] == {"FileFormat": "parquet",
                                       "HiveCompatiblePartitions": True,
                                       "PerHourPartition": True}
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], TrafficType="REJECT",
                             LogGroupName="g", DeliverLogsPermissionArn=ROLE,
                             DestinationOptions={"FileFormat": "parquet"})
    assert error_code(e) == "InvalidParameter"
    out = server.aws("ec2", "create-flow-logs", "--resource-type", "VPC", "--resource-ids", vpc,
                     "--traffic-type", "ACCEPT", "--log-destination-type",
                     "kinesis-data-firehose", "--log-destination",
                     "arn:aws:firehose:us-east-1:111111111111:deliverystream/flows")
    assert len(out["FlowLogIds"]) == 1
    server.aws("ec2", "delete-flow-logs", "--flow-log-ids", fl)


@pytest.mark.parametrize("kw,code", [
    ({"LogGroupName": "g"}, "InvalidParameter"),  # no permission role
    ({"LogDestinationType": "s3", "LogDestination": BUCKET,
      "DeliverLogsPermissionArn": ROLE}, "InvalidParameter"),
    ({"LogDestinationType": "s3"}, "InvalidParameter"),
    ({"LogDestinationType": "s3", "LogDestination": "s3://bucket"}, "InvalidParameterValue"),
    ({"LogDestinationType": "s3", "LogDestination": BUCKET,
      "MaxAggregationInterval": 300}, "InvalidParameterValue"),
    ({"LogDestinationType": "s3", "LogDestination": BUCKET,
      "LogFormat": "${srcaddr} ${bogus}"}, "InvalidParameter"),
    ({"LogDestinationType": "sqs", "LogDestination": BUCKET}, "InvalidParameterValue"),
])
def test_bad_requests_change_nothing(ec2, kw, code):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], TrafficType="ALL", **kw)
    assert error_code(e) == code
    assert ec2.describe_flow_logs()["FlowLogs"] == []


def test_filters_pages_and_deleted_resources(server, ec2):
    vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24")["Subnet"]["SubnetId"]
               for i in range(6)]
    eni = ec2.create_network_interface(SubnetId=subnets[0])["NetworkInterface"]
    eni = eni["NetworkInterfaceId"]
    s3 = {"LogDestinationType": "s3", "LogDestination": BUCKET}
    ec2.create_flow_logs(ResourceType="Subnet", ResourceIds=subnets, TrafficType="ALL", **s3)
    ec2.create_flow_logs(ResourceType="NetworkInterface", ResourceIds=[eni],
                         TrafficType="REJECT", **s3,
                         TagSpecifications=[{"ResourceType": "vpc-flow-log",
                                             "Tags": [{"Key": "k", "Value": "v"}]}])
    vpc_fl = ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], TrafficType="ACCEPT",
                                  LogGroupName="g", DeliverLogsPermissionArn=ROLE)["FlowLogIds"]

    def ids(**kw):
        return [f["ResourceId"] for f in ec2.describe_flow_logs(**kw)["FlowLogs"]]
    assert len(ids()) == 8
    assert ids(Filter=[{"Name": "resource-id", "Values": [eni]}]) == [eni]
    assert ids(Filter=[{"Name": "traffic-type", "Values": ["ACCEPT"]}]) == [vpc]
    assert ids(Filter=[{"Name": "log-group-name", "Values": ["g"]}]) == [vpc]
    assert len(ids(Filter=[{"Name": "log-destination-type", "Values": ["s3"]}])) == 7
    assert ids(Filter=[{"Name": "tag:k", "Values": ["v"]}]) == [eni]
    assert ids(Filter=[{"Name": "tag-key", "Values": ["k"]}]) == [eni]
    assert ids(Filter=[{"Name": "flow-log-id", "Values": vpc_fl}]) == [vpc]
    assert len(ids(Filter=[{"Name": "deliver-log-status", "Values": ["SUCCESS"]}])) == 8
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.describe_flow_logs(Filter=[{"Name": "resource-type", "Values": ["VPC"]}])
    assert error_code(e) == "InvalidParameterValue"
    # Pages.
    pages = list(ec2.get_paginator("describe_flow_logs").paginate(PaginationConfig={"PageSize": 5}))
    assert [len(p["FlowLogs"]) for p in pages] == [5, 3]
    # Another account sees none.
    assert server.client(account="222222222222").describe_flow_logs()["FlowLogs"] == []

    # A deleted interface, subnet or VPC takes its flow logs along.
    ec2.delete_network_interface(NetworkInterfaceId=eni)
    assert len(ids()) == 7
    for s in subnets:
        ec2.delete_subnet(SubnetId=s)
    assert ids() == [vpc]
    ec2.delete_vpc(VpcId=vpc)
    assert ids() == []
