//! Network interface and instance actions (instances are address holders, no compute).

use std::net::{Ipv4Addr, Ipv6Addr};

use openvpc_core::eni::{
    self, Cmd, Instance, InstanceChange, InstanceState, InterfaceChange, InterfaceSpec, Launch,
    LaunchInterface, NetworkInterface, PrefixSpec, PrivateIp, PENDING, SHUTTING_DOWN, STOPPING,
};
use openvpc_core::{tags, ApiError, Command, ErrorCode, Kind, Result, Scope, World};

use super::describe::{Query, EC2};
use super::{check_ids, created_id, created_ids, returned_true, Call, Handler};
use crate::params::View;
use crate::time::iso8601;
use crate::xml::Xml;

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("CreateNetworkInterface", create_network_interface),
    ("DeleteNetworkInterface", delete_network_interface),
    ("DescribeNetworkInterfaces", describe_network_interfaces),
    (
        "ModifyNetworkInterfaceAttribute",
        modify_network_interface_attribute,
    ),
    (
        "DescribeNetworkInterfaceAttribute",
        describe_network_interface_attribute,
    ),
    ("AssignPrivateIpAddresses", assign_private_ip_addresses),
    ("UnassignPrivateIpAddresses", unassign_private_ip_addresses),
    ("AssignIpv6Addresses", assign_ipv6_addresses),
    ("UnassignIpv6Addresses", unassign_ipv6_addresses),
    ("AttachNetworkInterface", attach_network_interface),
    ("DetachNetworkInterface", detach_network_interface),
    ("RunInstances", run_instances),
    ("DescribeInstances", describe_instances),
    ("TerminateInstances", terminate_instances),
    ("StopInstances", stop_instances),
    ("StartInstances", start_instances),
    ("DescribeInstanceAttribute", describe_instance_attribute),
    ("ModifyInstanceAttribute", modify_instance_attribute),
];

fn eni_id(p: &View) -> Result<String> {
    let id = p.req("NetworkInterfaceId")?;
    Kind::NetworkInterface.check(&id)?;
    Ok(id)
}

fn instance_id(p: &View) -> Result<String> {
    let id = p.req("InstanceId")?;
    Kind::Instance.check(&id)?;
    Ok(id)
}

fn group_ids(p: &View, name: &str) -> Result<Vec<String>> {
    let ids = p.list(name);
    check_ids(&ids, Kind::SecurityGroup)?;
    Ok(ids)
}

fn parse_v4(value: &str, name: &str) -> Result<Ipv4Addr> {
    value.trim().parse().map_err(|_| {
        ApiError::invalid_value(format!(
            "Value ({value}) for parameter {name} is invalid. It is not a valid IPv4 address."
        ))
    })
}

fn parse_v6(value: &str, name: &str) -> Result<Ipv6Addr> {
    value.trim().parse().map_err(|_| {
        ApiError::invalid_value(format!(
            "Value ({value}) for parameter {name} is invalid. It is not a valid IPv6 address."
        ))
    })
}

fn v4_list(p: &View, name: &str) -> Result<Vec<Ipv4Addr>> {
    p.list(name)
        .iter()
        .map(|v| parse_v4(v, &p.name(name)))
        .collect()
}

/// `<name>.N.PrivateIpAddress` / `<name>.N.Primary`.
fn private_ips(p: &View, name: &str) -> Result<Vec<PrivateIp>> {
    p.structs(name)
        .iter()
        .map(|s| {
            Ok(PrivateIp {
                address: parse_v4(&s.req("PrivateIpAddress")?, &s.name("PrivateIpAddress"))?,
                primary: s.flag("Primary")?,
            })
        })
        .collect()
}

/// `<name>.N.Ipv6Address` (with `IsPrimaryIpv6`, accepted and ignored).
fn ipv6_structs(p: &View, name: &str) -> Result<Vec<Ipv6Addr>> {
    p.structs(name)
        .iter()
        .map(|s| {
            s.ignore("IsPrimaryIpv6");
            parse_v6(&s.req("Ipv6Address")?, &s.name("Ipv6Address"))
        })
        .collect()
}

/// A new interface's prefixes: `Ipv4Prefix.N.Ipv4Prefix` / `Ipv4PrefixCount` and
/// `Ipv6Prefix.N.Ipv6Prefix` / `Ipv6PrefixCount` (CreateNetworkInterface, RunInstances).
fn prefix_spec(p: &View) -> Result<PrefixSpec> {
    let named = |list: &str| -> Result<Vec<String>> {
        p.structs(list).iter().map(|s| s.req(list)).collect()
    };
    Ok(PrefixSpec {
        v4: named("Ipv4Prefix")?,
        v4_count: p.int("Ipv4PrefixCount")?,
        v6: named("Ipv6Prefix")?,
        v6_count: p.int("Ipv6PrefixCount")?,
    })
}

/// Splits an Assign/Unassign output (addresses, then prefixes) into its two lists.
fn addresses_and_prefixes(ids: Vec<String>) -> (Vec<String>, Vec<String>) {
    ids.into_iter().partition(|a| !a.contains('/'))
}

// ---------------------------------------------------------------------------------------
// Network interfaces.

fn create_network_interface(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let subnet_id = p.req("SubnetId")?;
    Kind::Subnet.check(&subnet_id)?;
    let spec = InterfaceSpec {
        subnet_id: Some(subnet_id),
        description: p.str("Description"),
        private_ip: p.ipv4("PrivateIpAddress")?,
        private_ips: private_ips(&p, "PrivateIpAddresses")?,
        secondary_count: p.int("SecondaryPrivateIpAddressCount")?,
        ipv6_addresses: ipv6_structs(&p, "Ipv6Addresses")?,
        ipv6_count: p.int("Ipv6AddressCount")?,
        groups: group_ids(&p, "SecurityGroupId")?,
        prefixes: Box::new(prefix_spec(&p)?),
    };
    p.ignore("EnablePrimaryIpv6");
    p.ignore("ConnectionTrackingSpecification");
    p.ignore("Operator");
    let client_token = p.str("ClientToken");
    let cmd = Cmd::CreateInterface {
        spec,
        interface_type: p.str("InterfaceType"),
        client_token: client_token.clone(),
        tags: p.tag_specs()?,
    };
    let id = created_id(cx.mutate(Command::Eni(cmd))?)?;
    let w = cx.world();
    let scope = cx.ctx().scope();
    // Absent only when an idempotent replay names an interface deleted since.
    let e = w
        .network_interfaces
        .get(&id)
        .ok_or_else(|| Kind::NetworkInterface.not_found(&id))?;
    let mut x = Xml::new();
    x.node("networkInterface", |x| render_interface(x, w, scope, e));
    x.opt("clientToken", client_token);
    Ok(x)
}

fn delete_network_interface(cx: &mut Call) -> Result<Xml> {
    let network_interface_id = eni_id(&cx.p())?;
    cx.mutate(Command::Eni(Cmd::DeleteInterface {
        network_interface_id,
    }))?;
    Ok(returned_true())
}

fn describe_network_interfaces(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(
        &cx.p(),
        "NetworkInterfaceId",
        |id| Kind::NetworkInterface.check(id),
        EC2,
    )?;
    cx.p().flag("IncludeManagedResources")?;
    if q.page.max_results.is_some() && !q.ids.is_empty() {
        return Err(ApiError::invalid_combination(
            "The parameter networkInterfaceIdSet cannot be used with the parameter maxResults",
        ));
    }
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = eni::describe(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |e| e.id.clone(),
        "networkInterfaceSet",
        |x, e| render_interface(x, w, scope, e),
    ))
}

fn render_groups(x: &mut Xml, w: &World, groups: &[String]) {
    x.list("groupSet", groups, |x, g| {
        x.leaf("groupId", g).leaf(
            "groupName",
            w.security_groups
                .get(g)
                .map(|g| g.name.as_str())
                .unwrap_or(""),
        );
    });
}

/// The public address mapped to one private address of an interface.
struct Association {
    public_ip: Ipv4Addr,
    owner: String,
    eip: Option<(String, String)>,
}

fn association_of(w: &World, e: &NetworkInterface, private: Ipv4Addr) -> Option<Association> {
    if Some(private) == e.primary_ip() {
        if let Some(ip) = e.public_ip {
            return Some(Association {
                public_ip: ip,
                owner: eni::ip_owner(e),
                eip: eni::eip_of(w, e),
            });
        }
    }
    w.addresses.values().find_map(|a| {
        let assoc = a.association.as_ref()?;
        (assoc.network_interface_id == e.id && assoc.private_ip == private).then(|| Association {
            public_ip: a.public_ip,
            owner: a.scope.account.clone(),
            eip: Some((a.id.clone(), assoc.association_id.clone())),
        })
    })
}

fn render_association(x: &mut Xml, w: &World, e: &NetworkInterface, a: &Association, full: bool) {
    x.node("association", |x| {
        if full {
            if let Some((alloc, assoc)) = &a.eip {
                x.leaf("allocationId", alloc).leaf("associationId", assoc);
            }
        }
        x.leaf("ipOwnerId", &a.owner);
        if eni::has_public_dns(w, e) {
            x.leaf(
                "publicDnsName",
                eni::public_dns_name(&e.scope.region, a.public_ip),
            );
        } else {
            x.leaf("publicDnsName", "");
        }
        x.leaf("publicIp", a.public_ip);
    });
}

fn render_private_ips(x: &mut Xml, w: &World, e: &NetworkInterface, full: bool) {
    x.list("privateIpAddressesSet", &e.private_ips, |x, ip| {
        x.leaf("privateIpAddress", ip)
            .leaf(
                "privateDnsName",
                eni::private_dns_name(&e.scope.region, *ip),
            )
            .leaf("primary", Some(*ip) == e.primary_ip());
        if let Some(a) = association_of(w, e, *ip) {
            render_association(x, w, e, &a, full);
        }
    });
}

fn render_attachment(x: &mut Xml, a: &eni::Attachment, full: bool) {
    x.node("attachment", |x| {
        x.leaf("attachTime", iso8601(a.attach_time))
            .leaf("attachmentId", &a.id)
            .leaf("deleteOnTermination", a.delete_on_termination)
            .leaf("deviceIndex", a.device_index)
            .leaf("networkCardIndex", 0);
        if full {
            x.opt("instanceId", a.instance_id.as_ref())
                .leaf("instanceOwnerId", &a.instance_owner_id);
        }
        x.leaf("status", "attached");
    });
}

/// Renders one network interface's members (DescribeNetworkInterfaces item).
pub fn render_interface(x: &mut Xml, w: &World, scope: &Scope, e: &NetworkInterface) {
    x.leaf("networkInterfaceId", &e.id)
        .leaf("subnetId", &e.subnet_id)
        .leaf("vpcId", &e.vpc_id)
        .leaf("availabilityZone", &e.availability_zone);
    if let Some(s) = w.subnets.get(&e.subnet_id) {
        x.leaf("availabilityZoneId", &s.availability_zone_id);
    }
    x.leaf("description", &e.description)
        .leaf("ownerId", &e.scope.account)
        .opt("requesterId", e.requester_id.as_ref())
        .leaf("requesterManaged", e.requester_managed);
    render_state_and_links(x, w, e, true);
    x.tag_set(tags::of(w, scope, &e.id));
    render_private_ips(x, w, e, true);
    x.list("ipv6AddressesSet", &e.ipv6_addresses, |x, a| {
        x.leaf("ipv6Address", a).leaf("isPrimaryIpv6", false);
    });
    render_prefixes(x, e);
    x.leaf("interfaceType", &e.interface_type)
        .leaf("ipv6Native", e.private_ips.is_empty());
}

/// `ipv4PrefixSet` and `ipv6PrefixSet` of an interface.
fn render_prefixes(x: &mut Xml, e: &NetworkInterface) {
    x.list("ipv4PrefixSet", &e.ipv4_prefixes, |x, b| {
        x.leaf("ipv4Prefix", b);
    })
    .list("ipv6PrefixSet", &e.ipv6_prefixes, |x, b| {
        x.leaf("ipv6Prefix", b);
    });
}

fn modify_network_interface_attribute(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let network_interface_id = eni_id(&p)?;
    let mut changes = Vec::new();
    if let Some(v) = p.nested("SourceDestCheck").bool("Value")? {
        changes.push(InterfaceChange::SourceDestCheck(v));
    }
    if let Some(v) = p.nested("Description").str("Value") {
        changes.push(InterfaceChange::Description(v));
    }
    let groups = group_ids(&p, "SecurityGroupId")?;
    if !groups.is_empty() {
        changes.push(InterfaceChange::Groups(groups));
    }
    let att = p.nested("Attachment");
    att.ignore("DefaultEnaQueueCount");
    att.ignore("EnaQueueCount");
    if let Some(attachment_id) = att.str("AttachmentId") {
        let value = att
            .bool("DeleteOnTermination")?
            .ok_or_else(|| ApiError::missing("Attachment.DeleteOnTermination"))?;
        changes.push(InterfaceChange::DeleteOnTermination {
            attachment_id,
            value,
        });
    } else if att.bool("DeleteOnTermination")?.is_some() {
        return Err(ApiError::missing("Attachment.AttachmentId"));
    }
    for name in [
        "AssociatePublicIpAddress",
        "EnablePrimaryIpv6",
        "AssociatedSubnetId",
    ] {
        if p.has(name) {
            return Err(ApiError::new(
                ErrorCode::UnsupportedOperation,
                format!("The parameter {name} is not supported by openvpc."),
            ));
        }
    }
    let ignored = p.has("EnaSrdSpecification") || p.has("ConnectionTrackingSpecification");
    p.ignore("EnaSrdSpecification");
    p.ignore("ConnectionTrackingSpecification");
    let change = match changes.len() {
        1 => changes.pop().expect("one"),
        0 if ignored => {
            // [I] Performance settings are accepted without effect.
            eni::get(cx.world(), cx.ctx().scope(), &network_interface_id)?;
            cx.read()?;
            return Ok(returned_true());
        }
        0 => {
            return Err(ApiError::new(ErrorCode::MissingParameter,
                "Either 'sourceDestCheck', 'description', 'groupSet' or 'attachment' must be specified.",
            ))
        }
        _ => {
            return Err(ApiError::invalid_combination(
                "Only one attribute can be modified at a time.",
            ))
        }
    };
    cx.mutate(Command::Eni(Cmd::ModifyInterface {
        network_interface_id,
        change,
    }))?;
    Ok(returned_true())
}

fn describe_network_interface_attribute(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let id = eni_id(&p)?;
    let attribute = p.req("Attribute")?;
    if ![
        "description",
        "groupSet",
        "sourceDestCheck",
        "attachment",
        "associatePublicIpAddress",
    ]
    .contains(&attribute.as_str())
    {
        return Err(ApiError::invalid_value(format!(
            "Value ({attribute}) for parameter attribute is invalid. Unknown attribute."
        )));
    }
    cx.read()?;
    let w = cx.world();
    let e = eni::get(w, cx.ctx().scope(), &id)?;
    let mut x = Xml::new();
    x.leaf("networkInterfaceId", &id);
    match attribute.as_str() {
        "description" => {
            x.node("description", |x| {
                x.leaf("value", &e.description);
            });
        }
        "groupSet" => render_groups(&mut x, w, &e.groups),
        "sourceDestCheck" => {
            x.node("sourceDestCheck", |x| {
                x.leaf("value", e.source_dest_check);
            });
        }
        "attachment" => {
            if let Some(a) = &e.attachment {
                render_attachment(&mut x, a, true);
            }
        }
        _ => {
            x.leaf(
                "associatePublicIpAddress",
                e.public_ip.is_some() && e.public_ip_allocation_id.is_none(),
            );
        }
    }
    Ok(x)
}

fn assign_private_ip_addresses(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let network_interface_id = eni_id(&p)?;
    let cmd = Cmd::AssignPrivateIps {
        network_interface_id: network_interface_id.clone(),
        addresses: v4_list(&p, "PrivateIpAddress")?,
        count: p.int("SecondaryPrivateIpAddressCount")?,
        allow_reassignment: p.flag("AllowReassignment")?,
        prefixes: p.list("Ipv4Prefix"),
        prefix_count: p.int("Ipv4PrefixCount")?,
    };
    let (assigned, prefixes) = addresses_and_prefixes(created_ids(cx.mutate(Command::Eni(cmd))?)?);
    let mut x = Xml::new();
    x.leaf("networkInterfaceId", &network_interface_id)
        .list("assignedPrivateIpAddressesSet", &assigned, |x, ip| {
            x.leaf("privateIpAddress", ip);
        })
        .list("assignedIpv4PrefixSet", &prefixes, |x, b| {
            x.leaf("ipv4Prefix", b);
        });
    Ok(x)
}

fn unassign_private_ip_addresses(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let network_interface_id = eni_id(&p)?;
    let addresses = v4_list(&p, "PrivateIpAddress")?;
    cx.mutate(Command::Eni(Cmd::UnassignPrivateIps {
        network_interface_id,
        addresses,
        prefixes: p.list("Ipv4Prefix"),
    }))?;
    Ok(returned_true())
}

fn v6_list(p: &View, name: &str) -> Result<Vec<Ipv6Addr>> {
    p.list(name)
        .iter()
        .map(|v| parse_v6(v, &p.name(name)))
        .collect()
}

fn assign_ipv6_addresses(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let network_interface_id = eni_id(&p)?;
    let cmd = Cmd::AssignIpv6 {
        network_interface_id: network_interface_id.clone(),
        addresses: v6_list(&p, "Ipv6Addresses")?,
        count: p.int("Ipv6AddressCount")?,
        prefixes: p.list("Ipv6Prefix"),
        prefix_count: p.int("Ipv6PrefixCount")?,
    };
    let (assigned, prefixes) = addresses_and_prefixes(created_ids(cx.mutate(Command::Eni(cmd))?)?);
    let mut x = Xml::new();
    x.list("assignedIpv6Addresses", &assigned, |x, ip| {
        x.raw(&crate::xml::escape(ip));
    })
    .list("assignedIpv6PrefixSet", &prefixes, |x, b| {
        x.raw(&crate::xml::escape(b));
    })
    .leaf("networkInterfaceId", &network_interface_id);
    Ok(x)
}

fn unassign_ipv6_addresses(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let network_interface_id = eni_id(&p)?;
    let cmd = Cmd::UnassignIpv6 {
        network_interface_id: network_interface_id.clone(),
        addresses: v6_list(&p, "Ipv6Addresses")?,
        prefixes: p.list("Ipv6Prefix"),
    };
    let (gone, prefixes) = addresses_and_prefixes(created_ids(cx.mutate(Command::Eni(cmd))?)?);
    let mut x = Xml::new();
    x.leaf("networkInterfaceId", &network_interface_id)
        .list("unassignedIpv6Addresses", &gone, |x, ip| {
            x.raw(&crate::xml::escape(ip));
        })
        .list("unassignedIpv6PrefixSet", &prefixes, |x, b| {
            x.raw(&crate::xml::escape(b));
        });
    Ok(x)
}

fn attach_network_interface(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let network_interface_id = eni_id(&p)?;
    let instance_id = instance_id(&p)?;
    let device_index = p
        .int("DeviceIndex")?
        .ok_or_else(|| ApiError::missing("DeviceIndex"))?;
    if let Some(n) = p.int("NetworkCardIndex")? {
        if n != 0 {
            return Err(ApiError::invalid_value(format!(
                "Value ({n}) for parameter networkCardIndex is invalid. Only network card 0 exists."
            )));
        }
    }
    p.ignore("EnaSrdSpecification");
    p.ignore("EnaQueueCount");
    let attachment_id = created_id(cx.mutate(Command::Eni(Cmd::Attach {
        network_interface_id,
        instance_id,
        device_index,
    }))?)?;
    let mut x = Xml::new();
    x.leaf("attachmentId", attachment_id)
        .leaf("networkCardIndex", 0);
    Ok(x)
}

fn detach_network_interface(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let attachment_id = p.req("AttachmentId")?;
    p.flag("Force")?;
    cx.mutate(Command::Eni(Cmd::Detach { attachment_id }))?;
    Ok(returned_true())
}

// ---------------------------------------------------------------------------------------
// Instances.

fn launch_interface(v: &View) -> Result<LaunchInterface> {
    if let Some(t) = v.str("InterfaceType") {
        if t != "interface" {
            return Err(ApiError::invalid_value(format!(
                "Value ({t}) for parameter interfaceType is invalid. Only 'interface' network interfaces can be created."
            )));
        }
    }
    if let Some(n) = v.int("NetworkCardIndex")? {
        if n != 0 {
            return Err(ApiError::invalid_value(format!(
                "Value ({n}) for parameter networkCardIndex is invalid. Only network card 0 exists."
            )));
        }
    }
    for ignored in [
        "AssociateCarrierIpAddress",
        "PrimaryIpv6",
        "EnaSrdSpecification",
        "ConnectionTrackingSpecification",
        "EnaQueueCount",
    ] {
        v.ignore(ignored);
    }
    let network_interface_id = v.str("NetworkInterfaceId");
    if let Some(id) = &network_interface_id {
        Kind::NetworkInterface.check(id)?;
    }
    let subnet_id = v.str("SubnetId");
    if let Some(id) = &subnet_id {
        Kind::Subnet.check(id)?;
    }
    Ok(LaunchInterface {
        device_index: v.int("DeviceIndex")?,
        network_interface_id,
        associate_public_ip: v.bool("AssociatePublicIpAddress")?,
        delete_on_termination: v.bool("DeleteOnTermination")?,
        spec: InterfaceSpec {
            subnet_id,
            description: v.str("Description"),
            private_ip: v.ipv4("PrivateIpAddress")?,
            private_ips: private_ips(v, "PrivateIpAddresses")?,
            secondary_count: v.int("SecondaryPrivateIpAddressCount")?,
            ipv6_addresses: ipv6_structs(v, "Ipv6Addresses")?,
            ipv6_count: v.int("Ipv6AddressCount")?,
            groups: group_ids(v, "SecurityGroupId")?,
            prefixes: Box::new(prefix_spec(v)?),
        },
    })
}

/// RunInstances parameters openvpc accepts and ignores (they shape compute, not the network).
const UNMODELLED_LAUNCH_PARAMETERS: &[&str] = &[
    "BlockDeviceMapping",
    "KernelId",
    "RamdiskId",
    "Monitoring",
    "ElasticGpuSpecification",
    "ElasticInferenceAccelerator",
    "InstanceMarketOptions",
    "CreditSpecification",
    "CpuOptions",
    "CapacityReservationSpecification",
    "HibernationOptions",
    "LicenseSpecification",
    "MetadataOptions",
    "EnclaveOptions",
    "PrivateDnsNameOptions",
    "MaintenanceOptions",
    "EnablePrimaryIpv6",
    "NetworkPerformanceOptions",
    "Operator",
    "InstanceInitiatedShutdownBehavior",
    "AdditionalInfo",
    "IamInstanceProfile",
    "EbsOptimized",
];

fn run_instances(cx: &mut Call) -> Result<Xml> {
    let launch = launch_of(&cx.p())?;
    let ids = created_ids(cx.mutate(Command::Eni(Cmd::RunInstances(Box::new(launch))))?)?;
    let w = cx.world();
    let scope = cx.ctx().scope();
    let (reservation_id, instance_ids) = ids.split_first().ok_or_else(|| {
        ApiError::new(
            ErrorCode::InternalError,
            "RunInstances returned no reservation",
        )
    })?;
    let instances: Vec<&Instance> = instance_ids
        .iter()
        .filter_map(|id| w.instances.get(id))
        .collect();
    let mut x = Xml::new();
    render_reservation(&mut x, w, scope, reservation_id, &instances, true);
    Ok(x)
}

/// RunInstances' parameters as a launch; what openvpc does not model is refused or ignored.
fn launch_of(p: &View) -> Result<Launch> {
    let image_id = p.req("ImageId")?;
    let min_count = p
        .int("MinCount")?
        .ok_or_else(|| ApiError::missing("MinCount"))?;
    let max_count = p
        .int("MaxCount")?
        .ok_or_else(|| ApiError::missing("MaxCount"))?;
    let subnet_id = p.str("SubnetId");
    if let Some(id) = &subnet_id {
        Kind::Subnet.check(id)?;
    }
    if p.has("LaunchTemplate") {
        return Err(ApiError::new(
            ErrorCode::UnsupportedOperation,
            "Launch templates are not supported by openvpc.",
        ));
    }
    if p.has("SecondaryInterface") {
        return Err(ApiError::new(
            ErrorCode::UnsupportedOperation,
            "Secondary interfaces are not supported by openvpc.",
        ));
    }
    let network_interfaces = p
        .structs("NetworkInterface")
        .iter()
        .map(launch_interface)
        .collect::<Result<Vec<_>>>()?;
    let placement = p.nested("Placement");
    let availability_zone = placement.str("AvailabilityZone");
    p.ignore("Placement");
    for ignored in UNMODELLED_LAUNCH_PARAMETERS {
        p.ignore(ignored);
    }
    Ok(Launch {
        image_id,
        instance_type: p.str("InstanceType"),
        min_count,
        max_count,
        subnet_id,
        security_group_ids: group_ids(p, "SecurityGroupId")?,
        security_group_names: p.list("SecurityGroup"),
        private_ip: p.ipv4("PrivateIpAddress")?,
        ipv6_addresses: ipv6_structs(p, "Ipv6Address")?,
        ipv6_count: p.int("Ipv6AddressCount")?,
        availability_zone,
        network_interfaces,
        key_name: p.str("KeyName"),
        user_data: p.str("UserData"),
        disable_api_termination: p.flag("DisableApiTermination")?,
        disable_api_stop: p.flag("DisableApiStop")?,
        client_token: p.str("ClientToken"),
        tags: p.tag_specs()?,
    })
}

fn render_reservation(
    x: &mut Xml,
    w: &World,
    scope: &Scope,
    reservation_id: &str,
    instances: &[&Instance],
    launching: bool,
) {
    x.leaf("reservationId", reservation_id)
        .leaf("ownerId", &scope.account)
        .list("groupSet", Vec::<String>::new(), |_, _| {})
        .list("instancesSet", instances, |x, i| {
            render_instance(x, w, scope, i, launching)
        });
}

/// `YYYY-MM-DD HH:MM:SS GMT` as in instance state-transition reasons.
fn gmt(ms: openvpc_core::Millis) -> String {
    let iso = iso8601(ms);
    format!("{} {} GMT", &iso[..10], &iso[11..19])
}

/// Renders one instance's members; `launching` shows the RunInstances view (`pending`).
pub fn render_instance(x: &mut Xml, w: &World, scope: &Scope, i: &Instance, launching: bool) {
    let primary = eni::primary_interface(w, i);
    let (code, name) = if launching && i.state == InstanceState::Running {
        PENDING
    } else {
        i.state.wire()
    };
    let region = &i.scope.region;
    x.leaf("instanceId", &i.id)
        .leaf("imageId", &i.image_id)
        .node("instanceState", |x| {
            x.leaf("code", code).leaf("name", name);
        })
        .leaf(
            "privateDnsName",
            eni::instance_private_dns_name(w, i).unwrap_or_default(),
        )
        .leaf(
            "dnsName",
            primary
                .filter(|e| eni::has_public_dns(w, e))
                .and_then(|e| e.public_ip)
                .map(|ip| eni::public_dns_name(region, ip))
                .unwrap_or_default(),
        );
    match i.state {
        InstanceState::Running => x.leaf("reason", ""),
        _ => x.leaf(
            "reason",
            format!("User initiated ({})", gmt(i.details.state_changed)),
        ),
    };
    x.opt("keyName", i.details.key_name.as_ref())
        .leaf("amiLaunchIndex", i.details.launch_index)
        .list("productCodes", Vec::<String>::new(), |_, _| {})
        .leaf("instanceType", &i.instance_type)
        .leaf("launchTime", iso8601(i.launch_time))
        .node("placement", |x| {
            x.leaf("availabilityZone", i.availability_zone(w))
                .leaf("groupName", "")
                .leaf("tenancy", i.tenancy());
        })
        .node("monitoring", |x| {
            x.leaf("state", "disabled");
        })
        .leaf("subnetId", &i.subnet_id)
        .leaf("vpcId", &i.vpc_id);
    if let Some(e) = primary {
        x.opt("privateIpAddress", e.primary_ip())
            .opt("ipAddress", e.public_ip)
            .leaf("sourceDestCheck", e.source_dest_check);
    }
    render_groups(x, w, primary.map(|e| e.groups.as_slice()).unwrap_or(&[]));
    if launching && i.state == InstanceState::Running {
        x.node("stateReason", |x| {
            x.leaf("code", "pending").leaf("message", "pending");
        });
    } else if i.state != InstanceState::Running {
        x.node("stateReason", |x| {
            x.leaf("code", "Client.UserInitiatedShutdown").leaf(
                "message",
                "Client.UserInitiatedShutdown: User initiated shutdown",
            );
        });
    }
    render_instance_devices_and_options(x, w, scope, i, launching);
}

/// The rest of an instance's members: devices, interfaces and the fixed options openvpc
/// reports (no compute is modelled).
fn render_instance_devices_and_options(
    x: &mut Xml,
    w: &World,
    scope: &Scope,
    i: &Instance,
    launching: bool,
) {
    x.leaf("architecture", "x86_64")
        .leaf("rootDeviceType", "ebs")
        .leaf("rootDeviceName", "/dev/xvda")
        .list("blockDeviceMapping", Vec::<String>::new(), |_, _| {})
        .leaf("virtualizationType", "hvm")
        .opt("clientToken", i.details.client_token.as_ref())
        .tag_set(tags::of(w, scope, &i.id))
        .leaf("hypervisor", "xen")
        .list(
            "networkInterfaceSet",
            eni::interfaces_of(w, &i.id),
            |x, e| render_instance_interface(x, w, e),
        )
        .leaf("ebsOptimized", false)
        .leaf("enaSupport", true)
        .node("cpuOptions", |x| {
            x.leaf("coreCount", 1).leaf("threadsPerCore", 2);
        })
        .node("capacityReservationSpecification", |x| {
            x.leaf("capacityReservationPreference", "open");
        })
        .node("hibernationOptions", |x| {
            x.leaf("configured", false);
        })
        .node("metadataOptions", |x| {
            x.leaf("state", if launching { "pending" } else { "applied" })
                .leaf("httpTokens", "required")
                .leaf("httpPutResponseHopLimit", 2)
                .leaf("httpEndpoint", "enabled")
                .leaf("httpProtocolIpv6", "disabled")
                .leaf("instanceMetadataTags", "disabled");
        })
        .node("enclaveOptions", |x| {
            x.leaf("enabled", false);
        })
        .leaf("platformDetails", "Linux/UNIX")
        .leaf("usageOperation", "RunInstances")
        .leaf("usageOperationUpdateTime", iso8601(i.launch_time))
        .node("privateDnsNameOptions", |x| {
            x.leaf("hostnameType", "ip-name")
                .leaf("enableResourceNameDnsARecord", false)
                .leaf("enableResourceNameDnsAAAARecord", false);
        })
        .node("maintenanceOptions", |x| {
            x.leaf("autoRecovery", "default");
        });
}

/// The members both shapes of an interface share, from `status` to `association`: in
/// DescribeNetworkInterfaces' shape (`full`) or in an instance's `networkInterfaceSet`.
fn render_state_and_links(x: &mut Xml, w: &World, e: &NetworkInterface, full: bool) {
    x.leaf("status", e.status())
        .leaf("macAddress", &e.mac_address)
        .opt("privateIpAddress", e.primary_ip())
        .opt(
            "privateDnsName",
            e.primary_ip()
                .map(|ip| eni::private_dns_name(&e.scope.region, ip)),
        )
        .leaf("sourceDestCheck", e.source_dest_check);
    render_groups(x, w, &e.groups);
    if let Some(a) = &e.attachment {
        render_attachment(x, a, full);
    }
    if let Some(a) = e.primary_ip().and_then(|ip| association_of(w, e, ip)) {
        render_association(x, w, e, &a, full);
    }
}

fn render_instance_interface(x: &mut Xml, w: &World, e: &NetworkInterface) {
    x.leaf("networkInterfaceId", &e.id)
        .leaf("subnetId", &e.subnet_id)
        .leaf("vpcId", &e.vpc_id)
        .leaf("description", &e.description)
        .leaf("ownerId", &e.scope.account);
    render_state_and_links(x, w, e, false);
    render_private_ips(x, w, e, false);
    x.list("ipv6AddressesSet", &e.ipv6_addresses, |x, a| {
        x.leaf("ipv6Address", a).leaf("isPrimaryIpv6", false);
    });
    render_prefixes(x, e);
    x.leaf("interfaceType", &e.interface_type);
}

fn describe_instances(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(&cx.p(), "InstanceId", |id| Kind::Instance.check(id), EC2)?;
    cx.p().flag("IncludeManagedResources")?;
    if q.page.max_results.is_some() && !q.ids.is_empty() {
        return Err(ApiError::invalid_combination(
            "The parameter instancesSet cannot be used with the parameter maxResults",
        ));
    }
    cx.read()?;
    let scope = cx.ctx().scope();
    let found = eni::describe_instances(cx.world(), cx.ctx(), &q.ids, &q.filters)?;
    let (found, next) = q.page.take(found, |i| i.id.clone());
    // Group by reservation, in order of each reservation's first instance.
    let mut groups: Vec<(&str, Vec<&Instance>)> = Vec::new();
    for i in found {
        match groups.iter_mut().find(|(r, _)| *r == i.reservation_id) {
            Some((_, v)) => v.push(i),
            None => groups.push((&i.reservation_id, vec![i])),
        }
    }
    let w = cx.world();
    let mut x = Xml::new();
    x.list("reservationSet", groups, |x, (r, instances)| {
        render_reservation(x, w, scope, r, &instances, false)
    });
    x.opt("nextToken", next);
    Ok(x)
}

/// Reads `InstanceId.N` and each instance's state before a state-changing call.
fn instance_ids_and_states(cx: &Call) -> Result<(Vec<String>, Vec<Option<InstanceState>>)> {
    let p = cx.p();
    let ids = p.list("InstanceId");
    if ids.is_empty() {
        return Err(ApiError::missing("InstanceId"));
    }
    check_ids(&ids, Kind::Instance)?;
    let scope = cx.ctx().scope();
    let states = ids
        .iter()
        .map(|id| cx.world().instances.get_in(scope, id).map(|i| i.state))
        .collect();
    Ok((ids, states))
}

fn render_state(x: &mut Xml, tag: &str, (code, name): (u32, &str)) {
    x.node(tag, |x| {
        x.leaf("code", code).leaf("name", name);
    });
}

fn render_changes(
    ids: &[String],
    before: &[Option<InstanceState>],
    current: impl Fn(InstanceState) -> (u32, &'static str),
) -> Xml {
    let mut seen: Vec<&String> = Vec::new();
    let mut x = Xml::new();
    let items: Vec<(&String, InstanceState)> = ids
        .iter()
        .zip(before)
        .filter_map(|(id, s)| s.map(|s| (id, s)))
        .filter(|(id, _)| {
            if seen.contains(id) {
                false
            } else {
                seen.push(id);
                true
            }
        })
        .collect();
    x.list("instancesSet", items, |x, (id, prev)| {
        x.leaf("instanceId", id);
        render_state(x, "currentState", current(prev));
        render_state(x, "previousState", prev.wire());
    });
    x
}

fn terminate_instances(cx: &mut Call) -> Result<Xml> {
    let (ids, before) = instance_ids_and_states(cx)?;
    let p = cx.p();
    p.flag("Force")?;
    p.flag("SkipOsShutdown")?;
    cx.mutate(Command::Eni(Cmd::TerminateInstances {
        instance_ids: ids.clone(),
    }))?;
    Ok(render_changes(&ids, &before, |prev| match prev {
        InstanceState::Terminated => prev.wire(),
        _ => SHUTTING_DOWN,
    }))
}

fn stop_instances(cx: &mut Call) -> Result<Xml> {
    let (ids, before) = instance_ids_and_states(cx)?;
    let p = cx.p();
    p.flag("Hibernate")?;
    p.flag("Force")?;
    p.flag("SkipOsShutdown")?;
    cx.mutate(Command::Eni(Cmd::StopInstances {
        instance_ids: ids.clone(),
    }))?;
    Ok(render_changes(&ids, &before, |prev| match prev {
        InstanceState::Running => STOPPING,
        other => other.wire(),
    }))
}

fn start_instances(cx: &mut Call) -> Result<Xml> {
    let (ids, before) = instance_ids_and_states(cx)?;
    cx.p().ignore("AdditionalInfo");
    cx.mutate(Command::Eni(Cmd::StartInstances {
        instance_ids: ids.clone(),
    }))?;
    Ok(render_changes(&ids, &before, |prev| match prev {
        InstanceState::Stopped => PENDING,
        other => other.wire(),
    }))
}

const INSTANCE_ATTRIBUTES: &[&str] = &[
    "instanceType",
    "kernel",
    "ramdisk",
    "userData",
    "disableApiTermination",
    "instanceInitiatedShutdownBehavior",
    "rootDeviceName",
    "blockDeviceMapping",
    "productCodes",
    "sourceDestCheck",
    "groupSet",
    "ebsOptimized",
    "sriovNetSupport",
    "enaSupport",
    "enclaveOptions",
    "disableApiStop",
];

fn describe_instance_attribute(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let id = instance_id(&p)?;
    let attribute = p.req("Attribute")?;
    if !INSTANCE_ATTRIBUTES.contains(&attribute.as_str()) {
        return Err(ApiError::invalid_value(format!(
            "Value ({attribute}) for parameter attribute is invalid. Unknown attribute."
        )));
    }
    cx.read()?;
    let w = cx.world();
    let i = eni::get_instance(w, cx.ctx().scope(), &id)?;
    let primary = eni::primary_interface(w, i);
    let mut x = Xml::new();
    x.leaf("instanceId", &id);
    let value = |x: &mut Xml, tag: &str, v: String| {
        x.node(tag, |x| {
            x.leaf("value", v);
        });
    };
    match attribute.as_str() {
        "instanceType" => value(&mut x, "instanceType", i.instance_type.clone()),
        "userData" => {
            x.node("userData", |x| {
                x.opt("value", i.details.user_data.as_ref());
            });
        }
        "disableApiTermination" => value(
            &mut x,
            "disableApiTermination",
            i.details.disable_api_termination.to_string(),
        ),
        "disableApiStop" => value(
            &mut x,
            "disableApiStop",
            i.details.disable_api_stop.to_string(),
        ),
        "instanceInitiatedShutdownBehavior" => {
            value(&mut x, "instanceInitiatedShutdownBehavior", "stop".into())
        }
        "rootDeviceName" => value(&mut x, "rootDeviceName", "/dev/xvda".into()),
        "sourceDestCheck" => value(
            &mut x,
            "sourceDestCheck",
            primary.is_none_or(|e| e.source_dest_check).to_string(),
        ),
        "groupSet" => render_groups(
            &mut x,
            w,
            primary.map(|e| e.groups.as_slice()).unwrap_or(&[]),
        ),
        "ebsOptimized" => value(&mut x, "ebsOptimized", "false".into()),
        "enaSupport" => value(&mut x, "enaSupport", "true".into()),
        "sriovNetSupport" => value(&mut x, "sriovNetSupport", "simple".into()),
        "enclaveOptions" => {
            x.node("enclaveOptions", |x| {
                x.leaf("enabled", false);
            });
        }
        "blockDeviceMapping" => {
            x.list("blockDeviceMapping", Vec::<String>::new(), |_, _| {});
        }
        "productCodes" => {
            x.list("productCodes", Vec::<String>::new(), |_, _| {});
        }
        other => {
            // kernel, ramdisk: none.
            x.node(other, |_| {});
        }
    }
    Ok(x)
}

fn modify_instance_attribute(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let instance_id = instance_id(&p)?;
    let mut changes = Vec::new();
    if let Some(v) = p.nested("SourceDestCheck").bool("Value")? {
        changes.push(InstanceChange::SourceDestCheck(v));
    }
    if let Some(v) = p.nested("DisableApiTermination").bool("Value")? {
        changes.push(InstanceChange::DisableApiTermination(v));
    }
    if let Some(v) = p.nested("DisableApiStop").bool("Value")? {
        changes.push(InstanceChange::DisableApiStop(v));
    }
    if let Some(v) = p.nested("InstanceType").str("Value") {
        changes.push(InstanceChange::InstanceType(v));
    }
    let groups = group_ids(&p, "GroupId")?;
    if !groups.is_empty() {
        changes.push(InstanceChange::Groups(groups));
    }
    let legacy_bool = |v: &str| -> Result<bool> {
        match v.to_ascii_lowercase().as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(ApiError::invalid_value(format!(
                "Value ({v}) for parameter value is invalid. Expected: 'true' or 'false'."
            ))),
        }
    };
    match (p.str("Attribute"), p.str("Value")) {
        (None, None) => {}
        (Some(a), Some(v)) => changes.push(match a.as_str() {
            "sourceDestCheck" => InstanceChange::SourceDestCheck(legacy_bool(&v)?),
            "disableApiTermination" => InstanceChange::DisableApiTermination(legacy_bool(&v)?),
            "disableApiStop" => InstanceChange::DisableApiStop(legacy_bool(&v)?),
            "instanceType" => InstanceChange::InstanceType(v),
            other => {
                return Err(ApiError::new(
                    ErrorCode::UnsupportedOperation,
                    format!("Modifying the attribute {other} is not supported by openvpc."),
                ))
            }
        }),
        (Some(_), None) => return Err(ApiError::missing("Value")),
        (None, Some(_)) => return Err(ApiError::missing("Attribute")),
    }
    for name in [
        "BlockDeviceMapping",
        "Kernel",
        "Ramdisk",
        "UserData",
        "InstanceInitiatedShutdownBehavior",
        "EbsOptimized",
        "SriovNetSupport",
        "EnaSupport",
    ] {
        if p.has(name) {
            return Err(ApiError::new(
                ErrorCode::UnsupportedOperation,
                format!("Modifying the attribute {name} is not supported by openvpc."),
            ));
        }
    }
    let change = match changes.len() {
        1 => changes.pop().expect("one"),
        0 => return Err(ApiError::missing("Attribute")),
        _ => {
            return Err(ApiError::invalid_combination(
                "Only one attribute can be modified at a time.",
            ))
        }
    };
    cx.mutate(Command::Eni(Cmd::ModifyInstance {
        instance_id,
        change,
    }))?;
    Ok(returned_true())
}
