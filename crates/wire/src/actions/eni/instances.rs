//! Instance actions (instances are address holders, no compute): launch, describe, state
//! changes and attributes; their interfaces are rendered by the parent module.

use openvpc_core::eni::{
    self, Cmd, Instance, InstanceChange, InstanceState, InterfaceSpec, Launch, LaunchInterface,
    PENDING, SHUTTING_DOWN, STOPPING,
};
use openvpc_core::{tags, ApiError, Command, ErrorCode, Kind, Result, Scope, World};

use super::{
    group_ids, instance_id, ipv6_structs, prefix_spec, private_ips, render_groups,
    render_instance_interface,
};
use crate::actions::describe::{Query, EC2};
use crate::actions::{check_ids, created_ids, returned_true, Call, Handler};
use crate::params::View;
use crate::time::iso8601;
use crate::xml::Xml;

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("RunInstances", run_instances),
    ("DescribeInstances", describe_instances),
    ("TerminateInstances", terminate_instances),
    ("StopInstances", stop_instances),
    ("StartInstances", start_instances),
    ("DescribeInstanceAttribute", describe_instance_attribute),
    ("ModifyInstanceAttribute", modify_instance_attribute),
];

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
