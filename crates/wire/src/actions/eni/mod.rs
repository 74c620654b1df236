//! Network interface actions; `instances` holds the instance actions.

use std::net::{Ipv4Addr, Ipv6Addr};

use openvpc_core::eni::{
    self, Cmd, InterfaceChange, InterfaceSpec, NetworkInterface, PrefixSpec, PrivateIp,
};
use openvpc_core::{tags, ApiError, Command, ErrorCode, Kind, Result, Scope, World};

use super::describe::{Query, EC2};
use super::{check_ids, created_id, created_ids, returned_true, Call, Handler};
use crate::params::View;
use crate::time::iso8601;
use crate::xml::Xml;

pub(super) mod instances;

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
