"""Elastic IP reverse DNS (spec §15): DescribeAddressesAttribute, ModifyAddressAttribute,
ResetAddressAttribute, as Terraform's aws_eip reads them."""

import botocore.exceptions
import pytest

from conftest import error_code


def test_reverse_dns_lifecycle(server, ec2):
    alloc = ec2.allocate_address(Domain="vpc")
    aid, ip = alloc["AllocationId"], alloc["PublicIp"]
    # No name set: the address is absent (Terraform reads "no domain name").
    assert ec2.describe_addresses_attribute(AllocationIds=[aid], Attribute="domain-name")[
        "Addresses"] == []
    out = ec2.modify_address_attribute(AllocationId=aid, DomainName="mail.example.com")["Address"]
    assert out["AllocationId"] == aid and out["PublicIp"] == ip and "PtrRecord" not in out
    assert out["PtrRecordUpdate"] == {"Value": "mail.example.com.", "Status": "PENDING"}
    [a] = ec2.describe_addresses_attribute(AllocationIds=[aid], Attribute="domain-name")[
        "Addresses"]
    assert a == {"PublicIp": ip, "AllocationId": aid, "PtrRecord": "mail.example.com."}
    # The paginator Terraform and scripts use.
    pages = ec2.get_paginator("describe_addresses_attribute").paginate(Attribute="domain-name")
    assert [x["AllocationId"] for p in pages for x in p["Addresses"]] == [aid]
    out = ec2.reset_address_attribute(AllocationId=aid, Attribute="domain-name")["Address"]
    assert out["PtrRecord"] == "mail.example.com." and out["PtrRecordUpdate"]["Status"] == "PENDING"
    assert ec2.describe_addresses_attribute(Attribute="domain-name")["Addresses"] == []

    for call, kwargs, code in [
        (ec2.modify_address_attribute, {"AllocationId": aid, "DomainName": "bad_name"},
         "InvalidParameterValue"),
        (ec2.modify_address_attribute,
         {"AllocationId": "eipalloc-0123456789abcdef0", "DomainName": "a.example.com"},
         "InvalidAllocationID.NotFound"),
        (ec2.reset_address_attribute, {"AllocationId": aid, "Attribute": "other"},
         "InvalidParameterValue"),
    ]:
        with pytest.raises(botocore.exceptions.ClientError) as e:
            call(**kwargs)
        assert error_code(e) == code
    cli = server.aws("ec2", "describe-addresses-attribute", "--allocation-ids", aid,
                     "--attribute", "domain-name")
    assert cli["Addresses"] == []


def test_an_instance_gets_a_new_public_ip_when_its_elastic_ip_moves_away(server, ec2):
    # Default subnets map public IPs: both instances launch with one.
    i1, i2 = ec2.run_instances(ImageId="ami-0e2c8caa4b6378d8c", MinCount=2, MaxCount=2)[
        "Instances"]
    first = i1["PublicIpAddress"]
    alloc = ec2.allocate_address(Domain="vpc")
    ec2.associate_address(AllocationId=alloc["AllocationId"], InstanceId=i1["InstanceId"])
    ec2.associate_address(AllocationId=alloc["AllocationId"], InstanceId=i2["InstanceId"],
                          AllowReassociation=True)
    [r] = ec2.describe_instances(InstanceIds=[i1["InstanceId"]])["Reservations"]
    now = r["Instances"][0].get("PublicIpAddress")
    assert now and now not in (first, alloc["PublicIp"])
