"""DescribeImages over the public catalogue, and RunInstances accepting only its images."""

import botocore.exceptions
import pytest

from conftest import error_code

AL2023 = "ami-0e2c8caa4b6378d8c"


def test_find_amazon_linux_by_name_then_launch(server, ec2):
    # What scripts and Terraform's `data "aws_ami"` do: newest image by name and owner.
    found = ec2.describe_images(Owners=["amazon"], Filters=[
        {"Name": "name", "Values": ["al2023-ami-2023.*-x86_64"]},
        {"Name": "architecture", "Values": ["x86_64"]},
        {"Name": "state", "Values": ["available"]}])["Images"]
    newest = max(found, key=lambda i: i["CreationDate"])
    assert newest["ImageId"] == AL2023 and newest["ImageOwnerAlias"] == "amazon"
    assert newest["RootDeviceName"] == "/dev/xvda" and newest["Public"] is True
    inst = ec2.run_instances(ImageId=newest["ImageId"], MinCount=1, MaxCount=1)["Instances"][0]
    assert inst["ImageId"] == AL2023

    # Another Region has its own ids for the same images.
    west = server.client(region="eu-west-1")
    [w] = west.describe_images(Owners=["amazon"], Filters=[
        {"Name": "name", "Values": [newest["Name"]]}])["Images"]
    assert w["ImageId"] != AL2023
    with pytest.raises(botocore.exceptions.ClientError) as e:
        west.run_instances(ImageId=AL2023, MinCount=1, MaxCount=1)
    assert error_code(e) == "InvalidAMIID.NotFound"


def test_owners_and_unknown_images(server, ec2):
    canonical = ec2.describe_images(Owners=["099720109477"])["Images"]
    assert canonical and all(i["Name"].startswith("ubuntu/") for i in canonical)
    assert ec2.describe_images(Owners=["self"])["Images"] == []
    windows = ec2.describe_images(Filters=[{"Name": "platform", "Values": ["windows"]}])["Images"]
    assert {i["Platform"] for i in windows} == {"windows"}
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1)
    assert error_code(e) == "InvalidAMIID.NotFound"
    with pytest.raises(botocore.exceptions.ClientError) as e:
        ec2.describe_images(ImageIds=["ami-nope"])
    assert error_code(e) == "InvalidAMIID.Malformed"
    out = server.aws("ec2", "describe-images", "--owners", "amazon", "--filters",
                     "Name=name,Values=Windows_Server-2022-English-Full-Base-*",
                     "--query", "Images[0].ImageId")
    assert out.startswith("ami-")
