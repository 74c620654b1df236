"""Network interfaces and instances (address holders) through boto3 and the aws CLI."""

import pytest
from botocore.exceptions import ClientError

from conftest import A, B, error_code


def make_net(ec2, cidr="10.0.0.0/16", subnet_cidr="10.0.1.0/24", az="us-east-1a"):
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=subnet_cidr, AvailabilityZone=az)["Subnet"]["SubnetId"]
    return vpc, subnet


def free(ec2, subnet):
    return ec2.describe_subnets(SubnetIds=[subnet])["Subnets"][0]["AvailableIpAddressCount"]


def raises(code, fn, *args, **kwargs):
    with pytest.raises(ClientError) as e:
        fn(*args, **kwargs)
    assert error_code(e) == code, e.value.response["Error"]
    return e.value.response["Error"]["Message"]


# ---------------------------------------------------------------------------------------
# Network interfaces


def test_create_describe_delete_interface(ec2):
    vpc, subnet = make_net(ec2)
    assert free(ec2, subnet) == 251
    eni = ec2.create_network_interface(
        SubnetId=subnet, Description="web", SecondaryPrivateIpAddressCount=2,
        TagSpecifications=[{"ResourceType": "network-interface", "Tags": [{"Key": "Name", "Value": "web"}]}],
    )["NetworkInterface"]
    assert eni["NetworkInterfaceId"].startswith("eni-") and len(eni["NetworkInterfaceId"]) == 21
    assert eni["SubnetId"] == subnet and eni["VpcId"] == vpc
    assert eni["AvailabilityZone"] == "us-east-1a" and eni["OwnerId"] == A
    assert eni["Status"] == "available" and eni["InterfaceType"] == "interface"
    assert eni["RequesterManaged"] is False and eni["SourceDestCheck"] is True
    assert eni["MacAddress"].startswith("0e:") and eni["Description"] == "web"
    assert eni["PrivateIpAddress"] == "10.0.1.4"
    assert eni["PrivateDnsName"] == "ip-10-0-1-4.ec2.internal"
    assert [(p["PrivateIpAddress"], p["Primary"]) for p in eni["PrivateIpAddresses"]] == [
        ("10.0.1.4", True), ("10.0.1.5", False), ("10.0.1.6", False)]
    assert len(eni["Groups"]) == 1 and eni["Groups"][0]["GroupName"] == "default"
    assert eni["TagSet"] == [{"Key": "Name", "Value": "web"}]
    assert free(ec2, subnet) == 248

    got = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni["NetworkInterfaceId"]])["NetworkInterfaces"]
    assert got[0]["PrivateIpAddresses"] == eni["PrivateIpAddresses"]
    by_filter = ec2.describe_network_interfaces(Filters=[
        {"Name": "addresses.private-ip-address", "Values": ["10.0.1.5"]},
        {"Name": "tag:Name", "Values": ["w*"]},
    ])["NetworkInterfaces"]
    assert [e["NetworkInterfaceId"] for e in by_filter] == [eni["NetworkInterfaceId"]]

    ec2.delete_network_interface(NetworkInterfaceId=eni["NetworkInterfaceId"])
    assert free(ec2, subnet) == 251
    raises("InvalidNetworkInterfaceID.NotFound", ec2.describe_network_interfaces,
           NetworkInterfaceIds=[eni["NetworkInterfaceId"]])


def test_interface_errors(ec2):
    vpc, subnet = make_net(ec2)
    _, other_subnet = make_net(ec2, "10.1.0.0/16", "10.1.1.0/24")
    # The other VPC's default group, as its interfaces show it.
    other_sg = ec2.create_network_interface(SubnetId=other_subnet)["NetworkInterface"]["Groups"][0]["GroupId"]
    ec2.create_network_interface(SubnetId=subnet, PrivateIpAddress="10.0.1.10")
    raises("InvalidIPAddress.InUse", ec2.create_network_interface, SubnetId=subnet, PrivateIpAddress="10.0.1.10")
    raises("InvalidParameter", ec2.create_network_interface, SubnetId=subnet, PrivateIpAddress="10.0.9.10")
    raises("InvalidSubnetID.NotFound", ec2.create_network_interface, SubnetId="subnet-0123456789abcdef0")
    raises("InvalidSubnetID.Malformed", ec2.create_network_interface, SubnetId="subnet-xyz")
    raises("InvalidGroup.NotFound", ec2.create_network_interface, SubnetId=subnet, Groups=["sg-0123456789abcdef0"])
    raises("InvalidGroupId.Malformed", ec2.create_network_interface, SubnetId=subnet, Groups=["sg-nope"])
    msg = raises("InvalidParameter", ec2.create_network_interface, SubnetId=subnet, Groups=[other_sg])
    assert "belong to different networks" in msg
    raises("InvalidParameterValue", ec2.create_network_interface, SubnetId=subnet, InterfaceType="efa")
    raises("InvalidParameterValue", ec2.create_network_interface, SubnetId=subnet, Ipv6AddressCount=1)
    raises("PrivateIpAddressLimitExceeded", ec2.create_network_interface, SubnetId=subnet,
           SecondaryPrivateIpAddressCount=60)
    msg = raises("InvalidNetworkInterfaceId.Malformed", ec2.delete_network_interface, NetworkInterfaceId="eni-zz")
    assert msg == 'Invalid id: "eni-zz" (expecting "eni-...")'
    msg = raises("InvalidNetworkInterfaceID.NotFound", ec2.delete_network_interface,
                 NetworkInterfaceId="eni-0123456789abcdef0")
    assert msg == "The networkInterface ID 'eni-0123456789abcdef0' does not exist"
    raises("InvalidParameterCombination", ec2.describe_network_interfaces,
           NetworkInterfaceIds=["eni-0123456789abcdef0"], MaxResults=5)
    raises("InvalidParameterValue", ec2.describe_network_interfaces, Filters=[{"Name": "bogus", "Values": ["x"]}])
    raises("DryRunOperation", ec2.create_network_interface, SubnetId=subnet, DryRun=True)
    assert len(ec2.describe_network_interfaces(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["NetworkInterfaces"]) == 1


def test_interface_pagination(ec2):
    _, subnet = make_net(ec2)
    made = sorted(ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
                  for _ in range(7))
    seen, sizes, token = [], [], None
    while True:
        kwargs = {"MaxResults": 5, **({"NextToken": token} if token else {})}
        page = ec2.describe_network_interfaces(**kwargs)
        sizes.append(len(page["NetworkInterfaces"]))
        seen += [e["NetworkInterfaceId"] for e in page["NetworkInterfaces"]]
        token = page.get("NextToken")
        if not token:
            break
    assert sizes == [5, 2]
    assert seen == made
    paginated = [e["NetworkInterfaceId"] for p in ec2.get_paginator("describe_network_interfaces").paginate(
        PaginationConfig={"PageSize": 5}) for e in p["NetworkInterfaces"]]
    assert paginated == made


def test_modify_and_describe_interface_attribute(ec2):
    vpc, subnet = make_net(ec2)
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni, SourceDestCheck={"Value": False})
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni, Description={"Value": "nat box"})
    attr = ec2.describe_network_interface_attribute(NetworkInterfaceId=eni, Attribute="sourceDestCheck")
    assert attr["SourceDestCheck"]["Value"] is False and attr["NetworkInterfaceId"] == eni
    attr = ec2.describe_network_interface_attribute(NetworkInterfaceId=eni, Attribute="description")
    assert attr["Description"]["Value"] == "nat box"
    attr = ec2.describe_network_interface_attribute(NetworkInterfaceId=eni, Attribute="groupSet")
    assert attr["Groups"][0]["GroupName"] == "default"
    assert "Attachment" not in ec2.describe_network_interface_attribute(NetworkInterfaceId=eni, Attribute="attachment")
    got = ec2.describe_network_interfaces(Filters=[{"Name": "source-dest-check", "Values": ["false"]}])
    assert [e["NetworkInterfaceId"] for e in got["NetworkInterfaces"]] == [eni]
    raises("InvalidParameterCombination", ec2.modify_network_interface_attribute, NetworkInterfaceId=eni,
           SourceDestCheck={"Value": True}, Description={"Value": "x"})
    raises("MissingParameter", ec2.modify_network_interface_attribute, NetworkInterfaceId=eni)
    raises("InvalidParameterValue", ec2.describe_network_interface_attribute, NetworkInterfaceId=eni,
           Attribute="bogus")


def test_assign_and_unassign_private_ips(ec2):
    _, subnet = make_net(ec2)
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    out = ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, SecondaryPrivateIpAddressCount=2)
    assert [a["PrivateIpAddress"] for a in out["AssignedPrivateIpAddresses"]] == ["10.0.1.5", "10.0.1.6"]
    ec2.assign_private_ip_addresses(NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.1.100"])
    assert free(ec2, subnet) == 247
    raises("InvalidIPAddress.InUse", ec2.create_network_interface, SubnetId=subnet, PrivateIpAddress="10.0.1.100")
    ec2.unassign_private_ip_addresses(NetworkInterfaceId=eni, PrivateIpAddresses=["10.0.1.5", "10.0.1.100"])
    assert free(ec2, subnet) == 249
    raises("InvalidParameterValue", ec2.unassign_private_ip_addresses, NetworkInterfaceId=eni,
           PrivateIpAddresses=["10.0.1.4"])
    other = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    raises("InvalidIPAddress.InUse", ec2.assign_private_ip_addresses, NetworkInterfaceId=other,
           PrivateIpAddresses=["10.0.1.6"])
    ec2.assign_private_ip_addresses(NetworkInterfaceId=other, PrivateIpAddresses=["10.0.1.6"], AllowReassignment=True)
    ips = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"][0]["PrivateIpAddresses"]
    assert [p["PrivateIpAddress"] for p in ips] == ["10.0.1.4"]


def test_attach_and_detach(ec2):
    _, subnet = make_net(ec2)
    inst = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1, SubnetId=subnet)["Instances"][0]
    eni = ec2.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    att = ec2.attach_network_interface(NetworkInterfaceId=eni, InstanceId=inst["InstanceId"], DeviceIndex=1)
    assert att["AttachmentId"].startswith("eni-attach-")
    e = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"][0]
    assert e["Status"] == "in-use"
    assert e["Attachment"]["InstanceId"] == inst["InstanceId"] and e["Attachment"]["DeviceIndex"] == 1
    assert e["Attachment"]["Status"] == "attached" and e["Attachment"]["InstanceOwnerId"] == A
    raises("InvalidNetworkInterface.InUse", ec2.delete_network_interface, NetworkInterfaceId=eni)
    described = ec2.describe_instances(InstanceIds=[inst["InstanceId"]])["Reservations"][0]["Instances"][0]
    assert [n["Attachment"]["DeviceIndex"] for n in described["NetworkInterfaces"]] == [0, 1]
    ec2.modify_network_interface_attribute(NetworkInterfaceId=eni, Attachment={
        "AttachmentId": att["AttachmentId"], "DeleteOnTermination": True})
    primary_att = described["NetworkInterfaces"][0]["Attachment"]["AttachmentId"]
    raises("OperationNotPermitted", ec2.detach_network_interface, AttachmentId=primary_att)
    raises("InvalidAttachmentID.NotFound", ec2.detach_network_interface, AttachmentId="eni-attach-0123456789abcdef0")
    ec2.detach_network_interface(AttachmentId=att["AttachmentId"])
    e = ec2.describe_network_interfaces(NetworkInterfaceIds=[eni])["NetworkInterfaces"][0]
    assert e["Status"] == "available" and "Attachment" not in e
    ec2.delete_network_interface(NetworkInterfaceId=eni)


def test_other_accounts_see_nothing(server):
    a, b = server.client(A), server.client(B)
    _, subnet = make_net(a)
    eni = a.create_network_interface(SubnetId=subnet)["NetworkInterface"]["NetworkInterfaceId"]
    inst = a.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1, SubnetId=subnet)["Instances"][0]
    assert b.describe_network_interfaces()["NetworkInterfaces"] == []
    assert b.describe_instances()["Reservations"] == []
    raises("InvalidNetworkInterfaceID.NotFound", b.delete_network_interface, NetworkInterfaceId=eni)
    raises("InvalidInstanceID.NotFound", b.terminate_instances, InstanceIds=[inst["InstanceId"]])
    raises("InvalidSubnetID.NotFound", b.create_network_interface, SubnetId=subnet)


# ---------------------------------------------------------------------------------------
# Instances


def test_run_describe_terminate(ec2, server):
    vpc, subnet = make_net(ec2)
    res = ec2.run_instances(
        ImageId="ami-0e2c8caa4b6378d8c", InstanceType="t3.micro", MinCount=2, MaxCount=3, SubnetId=subnet,
        TagSpecifications=[{"ResourceType": "instance", "Tags": [{"Key": "Name", "Value": "box"}]}],
    )
    assert res["ReservationId"].startswith("r-") and res["OwnerId"] == A
    insts = res["Instances"]
    assert len(insts) == 3
    first = insts[0]
    assert first["State"] == {"Code": 0, "Name": "pending"}
    assert first["InstanceType"] == "t3.micro" and first["ImageId"] == "ami-0e2c8caa4b6378d8c"
    assert first["SubnetId"] == subnet and first["VpcId"] == vpc
    assert first["Placement"]["AvailabilityZone"] == "us-east-1a"
    assert first["PrivateIpAddress"] == "10.0.1.4" and "PublicIpAddress" not in first
    assert first["PrivateDnsName"] == "ip-10-0-1-4.ec2.internal"
    assert first["Architecture"] == "x86_64" and first["RootDeviceType"] == "ebs"
    assert first["Tags"] == [{"Key": "Name", "Value": "box"}]
    [ni] = first["NetworkInterfaces"]
    assert ni["Attachment"]["DeviceIndex"] == 0 and ni["Attachment"]["DeleteOnTermination"] is True
    assert ni["Status"] == "in-use"
    assert free(ec2, subnet) == 248

    ec2.get_waiter("instance_running").wait(InstanceIds=[i["InstanceId"] for i in insts],
                                           WaiterConfig={"Delay": 1, "MaxAttempts": 2})
    [reservation] = ec2.describe_instances(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["Reservations"]
    assert reservation["ReservationId"] == res["ReservationId"]
    assert {i["State"]["Name"] for i in reservation["Instances"]} == {"running"}
    enis = ec2.describe_network_interfaces(Filters=[
        {"Name": "attachment.instance-id", "Values": [first["InstanceId"]]}])["NetworkInterfaces"]
    assert [e["NetworkInterfaceId"] for e in enis] == [ni["NetworkInterfaceId"]]

    out = ec2.terminate_instances(InstanceIds=[first["InstanceId"]])["TerminatingInstances"]
    assert out == [{"InstanceId": first["InstanceId"], "CurrentState": {"Code": 32, "Name": "shutting-down"},
                    "PreviousState": {"Code": 16, "Name": "running"}}]
    assert free(ec2, subnet) == 249
    raises("InvalidNetworkInterfaceID.NotFound", ec2.describe_network_interfaces,
           NetworkInterfaceIds=[ni["NetworkInterfaceId"]])
    gone = ec2.describe_instances(InstanceIds=[first["InstanceId"]])["Reservations"][0]["Instances"][0]
    assert gone["State"] == {"Code": 48, "Name": "terminated"}
    assert gone["NetworkInterfaces"] == [] and gone["StateReason"]["Code"] == "Client.UserInitiatedShutdown"
    again = ec2.terminate_instances(InstanceIds=[first["InstanceId"]])["TerminatingInstances"][0]
    assert again["CurrentState"]["Name"] == again["PreviousState"]["Name"] == "terminated"
    server.advance(3600)
    raises("InvalidInstanceID.NotFound", ec2.describe_instances, InstanceIds=[first["InstanceId"]])
    assert len(ec2.describe_instances()["Reservations"][0]["Instances"]) == 2


def test_default_vpc_launch_gets_public_ip(ec2):
    inst = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1)["Instances"][0]
    default_vpc = ec2.describe_vpcs(Filters=[{"Name": "is-default", "Values": ["true"]}])["Vpcs"][0]["VpcId"]
    assert inst["VpcId"] == default_vpc and inst["InstanceType"] == "m1.small"
    ip = inst["PublicIpAddress"]
    assert inst["PublicDnsName"] == "ec2-" + ip.replace(".", "-") + ".compute-1.amazonaws.com"
    eni = ec2.describe_network_interfaces(Filters=[{"Name": "association.public-ip", "Values": [ip]}])
    assoc = eni["NetworkInterfaces"][0]["Association"]
    assert assoc["PublicIp"] == ip and assoc["IpOwnerId"] == "amazon"
    found = ec2.describe_instances(Filters=[{"Name": "ip-address", "Values": [ip]}])["Reservations"]
    assert found[0]["Instances"][0]["InstanceId"] == inst["InstanceId"]
    # Stop releases the Amazon public IP; start gets a new one.
    ec2.stop_instances(InstanceIds=[inst["InstanceId"]])
    stopped = ec2.describe_instances(InstanceIds=[inst["InstanceId"]])["Reservations"][0]["Instances"][0]
    assert stopped["State"]["Name"] == "stopped" and "PublicIpAddress" not in stopped
    out = ec2.start_instances(InstanceIds=[inst["InstanceId"]])["StartingInstances"][0]
    assert out["CurrentState"]["Name"] == "pending" and out["PreviousState"]["Name"] == "stopped"
    started = ec2.describe_instances(InstanceIds=[inst["InstanceId"]])["Reservations"][0]["Instances"][0]
    assert started["PublicIpAddress"] not in (None, ip)


def test_run_instances_errors(ec2):
    vpc, subnet = make_net(ec2, subnet_cidr="10.0.1.0/28")
    raises("MissingParameter", ec2.run_instances, ImageId="", MinCount=1, MaxCount=1, SubnetId=subnet)
    raises("InvalidAMIID.Malformed", ec2.run_instances, ImageId="img-1", MinCount=1, MaxCount=1, SubnetId=subnet)
    raises("InvalidParameterValue", ec2.run_instances, ImageId="ami-0e2c8caa4b6378d8c", MinCount=3, MaxCount=2, SubnetId=subnet)
    raises("InvalidParameterCombination", ec2.run_instances, ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=2,
           SubnetId=subnet, PrivateIpAddress="10.0.1.9")
    raises("InvalidParameterCombination", ec2.run_instances, ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1,
           SubnetId=subnet, SecurityGroups=["default"])
    raises("InvalidSubnetID.NotFound", ec2.run_instances, ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1,
           SubnetId="subnet-0123456789abcdef0")
    raises("InsufficientFreeAddressesInSubnet", ec2.run_instances, ImageId="ami-0e2c8caa4b6378d8c", MinCount=12, MaxCount=12,
           SubnetId=subnet)
    # MaxCount is honoured as far as the subnet's addresses allow.
    insts = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=50, SubnetId=subnet)["Instances"]
    assert len(insts) == 11 and free(ec2, subnet) == 0
    raises("InvalidInstanceID.Malformed", ec2.describe_instances, InstanceIds=["i-xyz"])
    raises("InvalidParameterCombination", ec2.describe_instances, InstanceIds=[insts[0]["InstanceId"]], MaxResults=5)
    msg = raises("InvalidInstanceID.NotFound", ec2.terminate_instances,
                 InstanceIds=["i-0123456789abcdef0", "i-0123456789abcdef1"])
    assert msg == "The instance IDs 'i-0123456789abcdef0, i-0123456789abcdef1' do not exist"
    raises("DryRunOperation", ec2.terminate_instances, InstanceIds=[insts[0]["InstanceId"]], DryRun=True)
    assert free(ec2, subnet) == 0


def test_run_instances_client_token_is_idempotent(ec2):
    _, subnet = make_net(ec2)
    first = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1, SubnetId=subnet, ClientToken="tok")
    again = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1, SubnetId=subnet, ClientToken="tok")
    assert first["Instances"][0]["InstanceId"] == again["Instances"][0]["InstanceId"]
    assert first["Instances"][0]["ClientToken"] == "tok"
    raises("IdempotentParameterMismatch", ec2.run_instances, ImageId="ami-2", MinCount=1, MaxCount=1,
           SubnetId=subnet, ClientToken="tok")
    assert free(ec2, subnet) == 250


def test_run_with_network_interfaces_and_groups_by_name(ec2):
    vpc, subnet = make_net(ec2)
    res = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1, NetworkInterfaces=[{
        "DeviceIndex": 0, "SubnetId": subnet, "AssociatePublicIpAddress": True,
        "PrivateIpAddresses": [{"PrivateIpAddress": "10.0.1.20", "Primary": True}],
        "SecondaryPrivateIpAddressCount": 1,
    }])["Instances"][0]
    assert res["PrivateIpAddress"] == "10.0.1.20" and "PublicIpAddress" in res
    assert [p["PrivateIpAddress"] for p in res["NetworkInterfaces"][0]["PrivateIpAddresses"]] == ["10.0.1.20", "10.0.1.4"]
    raises("InvalidParameterCombination", ec2.run_instances, ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1,
           SubnetId=subnet, NetworkInterfaces=[{"DeviceIndex": 0}])
    by_name = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1, SecurityGroups=["default"])["Instances"][0]
    assert by_name["SecurityGroups"][0]["GroupName"] == "default"
    raises("InvalidGroup.NotFound", ec2.run_instances, ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1,
           SecurityGroups=["nope"])


def test_instance_attributes(ec2):
    _, subnet = make_net(ec2)
    inst = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1, SubnetId=subnet)["Instances"][0]["InstanceId"]
    ec2.modify_instance_attribute(InstanceId=inst, SourceDestCheck={"Value": False})
    assert ec2.describe_instance_attribute(InstanceId=inst, Attribute="sourceDestCheck")["SourceDestCheck"]["Value"] is False
    described = ec2.describe_instances(InstanceIds=[inst])["Reservations"][0]["Instances"][0]
    assert described["SourceDestCheck"] is False
    assert described["NetworkInterfaces"][0]["SourceDestCheck"] is False
    groups = ec2.describe_instance_attribute(InstanceId=inst, Attribute="groupSet")["Groups"]
    assert groups[0]["GroupName"] == "default"
    ec2.modify_instance_attribute(InstanceId=inst, DisableApiTermination={"Value": True})
    raises("OperationNotPermitted", ec2.terminate_instances, InstanceIds=[inst])
    ec2.modify_instance_attribute(InstanceId=inst, Attribute="disableApiTermination", Value="false")
    raises("IncorrectInstanceState", ec2.modify_instance_attribute, InstanceId=inst, InstanceType={"Value": "m5.large"})
    ec2.stop_instances(InstanceIds=[inst])
    ec2.modify_instance_attribute(InstanceId=inst, InstanceType={"Value": "m5.large"})
    assert ec2.describe_instance_attribute(InstanceId=inst, Attribute="instanceType")["InstanceType"]["Value"] == "m5.large"
    ec2.terminate_instances(InstanceIds=[inst])


def test_delete_subnet_waits_for_interfaces(ec2):
    _, subnet = make_net(ec2)
    inst = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=1, MaxCount=1, SubnetId=subnet)["Instances"][0]["InstanceId"]
    raises("DependencyViolation", ec2.delete_subnet, SubnetId=subnet)
    ec2.terminate_instances(InstanceIds=[inst])
    ec2.delete_subnet(SubnetId=subnet)


# ---------------------------------------------------------------------------------------
# aws CLI flows


def test_cli_instance_flow(server):
    vpc = server.aws("ec2", "create-vpc", "--cidr-block", "10.9.0.0/16")["Vpc"]["VpcId"]
    subnet = server.aws("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.9.1.0/24")["Subnet"]["SubnetId"]
    run = server.aws("ec2", "run-instances", "--image-id", "ami-0e86e20dae9224db8", "--count", "2",
                     "--instance-type", "t3.nano", "--subnet-id", subnet,
                     "--tag-specifications", "ResourceType=instance,Tags=[{Key=Name,Value=cli}]")
    ids = [i["InstanceId"] for i in run["Instances"]]
    assert len(ids) == 2 and run["Instances"][0]["State"]["Name"] == "pending"
    subnets = server.aws("ec2", "describe-subnets", "--subnet-ids", subnet)["Subnets"]
    assert subnets[0]["AvailableIpAddressCount"] == 249
    desc = server.aws("ec2", "describe-instances", "--filters", "Name=tag:Name,Values=cli",
                      "Name=instance-state-name,Values=running")
    assert sorted(i["InstanceId"] for r in desc["Reservations"] for i in r["Instances"]) == sorted(ids)
    term = server.aws("ec2", "terminate-instances", "--instance-ids", *ids)["TerminatingInstances"]
    assert {t["CurrentState"]["Name"] for t in term} == {"shutting-down"}
    subnets = server.aws("ec2", "describe-subnets", "--subnet-ids", subnet)["Subnets"]
    assert subnets[0]["AvailableIpAddressCount"] == 251


def test_cli_interface_flow(server):
    vpc = server.aws("ec2", "create-vpc", "--cidr-block", "10.8.0.0/16")["Vpc"]["VpcId"]
    subnet = server.aws("ec2", "create-subnet", "--vpc-id", vpc, "--cidr-block", "10.8.1.0/24")["Subnet"]["SubnetId"]
    eni = server.aws("ec2", "create-network-interface", "--subnet-id", subnet, "--description", "cli eni",
                     "--private-ip-address", "10.8.1.50")["NetworkInterface"]
    assert eni["PrivateIpAddress"] == "10.8.1.50" and eni["Status"] == "available"
    eni_id = eni["NetworkInterfaceId"]
    server.aws("ec2", "modify-network-interface-attribute", "--network-interface-id", eni_id, "--no-source-dest-check")
    got = server.aws("ec2", "describe-network-interfaces", "--network-interface-ids", eni_id)["NetworkInterfaces"][0]
    assert got["SourceDestCheck"] is False and got["Description"] == "cli eni"
    attr = server.aws("ec2", "describe-network-interface-attribute", "--network-interface-id", eni_id,
                      "--attribute", "description")
    assert attr["Description"]["Value"] == "cli eni"
    server.aws("ec2", "delete-network-interface", "--network-interface-id", eni_id)
    proc = server.aws("ec2", "describe-network-interfaces", "--network-interface-ids", eni_id, check=False)
    assert proc.returncode != 0 and "InvalidNetworkInterfaceID.NotFound" in proc.stderr
