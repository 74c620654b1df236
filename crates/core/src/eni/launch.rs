//! RunInstances: every check first (parameters, the interfaces of each instance, the zone,
//! how many instances the subnets' free addresses allow), then the launch, instance by
//! instance, through the interface lifecycle.

use std::collections::BTreeSet;

use crate::error::{ApiError, ErrorCode, Result};
use crate::ids::Kind;
use crate::subnet::{self, Subnet};
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::Output;

use super::errors::{bad_device_index, duplicate, interface_in_use, managed, not_enough_addresses};
use super::instances::check_instance_type;
use super::plan::{plan, Plan};
use super::{
    get, lifecycle, Instance, InstanceDetails, InstanceState, InterfaceSpec, Launch,
    LaunchInterface, DEFAULT_INSTANCE_TYPE, MAX_DEVICE_INDEX, MAX_LAUNCH,
};

/// What goes at one device index of every launched instance.
#[derive(Debug, Clone)]
enum Source {
    New(Box<Plan>),
    Existing(String),
}

#[derive(Debug, Clone)]
struct Slot {
    device_index: u32,
    source: Source,
    public_ip: bool,
    delete_on_termination: bool,
}

/// What every instance of one launch shares.
struct Shared {
    reservation_id: String,
    instance_type: String,
    vpc_id: String,
    subnet_id: String,
    availability_zone: String,
    tenancy: String,
    instance_tags: Vec<TagSpec>,
    eni_tags: Vec<TagSpec>,
}

/// RunInstances; outputs the reservation id, then the instance ids.
pub(super) fn run_instances(w: &mut World, ctx: &Ctx, l: Launch) -> Result<Output> {
    let scope = ctx.scope();
    let instance_type = check_parameters(w, ctx, &l)?;
    let (instance_tags, eni_tags) = split_tags(&l.tags)?;
    let zones = w.config.zone_names(ctx.account(), ctx.region());
    if let Some(az) = &l.availability_zone {
        if !zones.contains(az) {
            return Err(ApiError::invalid_value(format!(
                "Invalid availability zone: [{az}]"
            )));
        }
    }
    let requested = requested_interfaces(&l)?;
    let slots = plan_slots(w, ctx, &l, &requested)?;
    let availability_zone = launch_zone(w, &l, &slots)?;
    let count = launch_count(w, scope, &l, &slots)?;
    let (vpc_id, subnet_id) = match &slots[0].source {
        Source::New(p) => (p.vpc_id.clone(), p.subnet_id.clone()),
        Source::Existing(id) => {
            let e = get(w, scope, id)?;
            (e.vpc_id.clone(), e.subnet_id.clone())
        }
    };
    let tenancy = w
        .vpcs
        .get(&vpc_id)
        .map_or_else(|| "default".to_string(), |v| v.instance_tenancy.clone());

    // Everything is checked: launch.
    let shared = Shared {
        reservation_id: w.ids.id(Kind::Reservation),
        instance_type,
        vpc_id,
        subnet_id,
        availability_zone,
        tenancy,
        instance_tags,
        eni_tags,
    };
    let mut out = vec![shared.reservation_id.clone()];
    for n in 0..count {
        out.push(launch_one(w, ctx, &l, &shared, &slots, n as u32)?);
    }
    Ok(Output::Ids(out))
}

/// The image, the key pair, the instance type (or its default) and the counts.
fn check_parameters(w: &World, ctx: &Ctx, l: &Launch) -> Result<String> {
    crate::image::check_launchable(ctx.region(), &l.image_id)?;
    if let Some(name) = &l.key_name {
        crate::keypair::check_launch_key(w, ctx.scope(), name)?;
    }
    let instance_type = l
        .instance_type
        .clone()
        .unwrap_or_else(|| DEFAULT_INSTANCE_TYPE.to_string());
    check_instance_type(&instance_type)?;
    for (name, v) in [("minCount", l.min_count), ("maxCount", l.max_count)] {
        if v < 1 {
            return Err(ApiError::invalid_value(format!(
                "Value ({v}) for parameter {name} is invalid. Expected a positive integer."
            )));
        }
    }
    if l.min_count > MAX_LAUNCH {
        return Err(ApiError::new(ErrorCode::InstanceLimitExceeded,
            format!(
                "You have requested more instances ({}) than your current instance limit of {MAX_LAUNCH} allows for the specified instance type.",
                l.min_count
            ),
        ));
    }
    if l.min_count > l.max_count {
        return Err(ApiError::invalid_value(format!(
            "Value ({}) for parameter minCount is invalid. MinCount must be less than or equal to MaxCount ({}).",
            l.min_count, l.max_count
        )));
    }
    Ok(instance_type)
}

/// The launch's tag specifications: (the instances', the interfaces'), each checked.
fn split_tags(specs: &[TagSpec]) -> Result<(Vec<TagSpec>, Vec<TagSpec>)> {
    let mut instance_tags = Vec::new();
    let mut eni_tags = Vec::new();
    for spec in specs {
        match spec.resource_type.as_str() {
            "instance" => instance_tags.push(spec.clone()),
            "network-interface" => eni_tags.push(spec.clone()),
            // [I] Volumes are not modelled; their tags are accepted and dropped.
            "volume" => tags::check_specs(std::slice::from_ref(spec), "volume")?,
            _ => tags::check_specs(std::slice::from_ref(spec), "instance")?,
        }
    }
    tags::check_specs(&instance_tags, "instance")?;
    tags::check_specs(&eni_tags, "network-interface")?;
    Ok((instance_tags, eni_tags))
}

/// The interfaces each instance gets: `NetworkInterface.N`, or one at device 0 from the
/// instance-level subnet, groups and addresses (never both).
fn requested_interfaces(l: &Launch) -> Result<Vec<LaunchInterface>> {
    let top_level = l.subnet_id.is_some()
        || !l.security_group_ids.is_empty()
        || !l.security_group_names.is_empty()
        || l.private_ip.is_some()
        || !l.ipv6_addresses.is_empty()
        || l.ipv6_count.is_some();
    let requested: Vec<LaunchInterface> = if l.network_interfaces.is_empty() {
        vec![LaunchInterface {
            device_index: Some(0),
            network_interface_id: None,
            associate_public_ip: None,
            delete_on_termination: Some(true),
            spec: InterfaceSpec {
                subnet_id: l.subnet_id.clone(),
                private_ip: l.private_ip,
                ipv6_addresses: l.ipv6_addresses.clone(),
                ipv6_count: l.ipv6_count,
                groups: l.security_group_ids.clone(),
                ..InterfaceSpec::default()
            },
        }]
    } else {
        if top_level {
            return Err(ApiError::invalid_combination(
                "Network interfaces and an instance-level subnet ID, security groups or private IP address may not be specified on the same request",
            ));
        }
        l.network_interfaces.clone()
    };
    check_device_indexes(&requested)?;
    Ok(requested)
}

/// Device indexes are given, in range, unique and include 0; a public address is asked
/// for only with a single, new interface.
fn check_device_indexes(requested: &[LaunchInterface]) -> Result<()> {
    let mut indexes = BTreeSet::new();
    for ni in requested {
        let idx = ni
            .device_index
            .ok_or_else(|| ApiError::missing("NetworkInterface.DeviceIndex"))?;
        if !(0..=MAX_DEVICE_INDEX).contains(&idx) {
            return Err(bad_device_index(idx));
        }
        if !indexes.insert(idx) {
            return Err(ApiError::invalid_value(format!(
                "Each network interface requires a unique device index; {idx} is used more than once."
            )));
        }
        if ni.associate_public_ip.is_some() {
            if requested.len() > 1 {
                return Err(ApiError::invalid_combination(
                    "The associatePublicIPAddress parameter cannot be specified when launching with multiple network interfaces.",
                ));
            }
            if ni.network_interface_id.is_some() && ni.associate_public_ip == Some(true) {
                return Err(ApiError::invalid_combination(
                    "The associatePublicIPAddress parameter can only be specified for a new network interface.",
                ));
            }
        }
    }
    if !indexes.contains(&0) {
        return Err(ApiError::invalid_value(
            "When specifying network interfaces, one must be at device index 0.",
        ));
    }
    Ok(())
}

/// Checks every requested interface; returns the slots by device index.
fn plan_slots(
    w: &World,
    ctx: &Ctx,
    l: &Launch,
    requested: &[LaunchInterface],
) -> Result<Vec<Slot>> {
    let mut default: Option<String> = None;
    let mut slots: Vec<Slot> = Vec::new();
    let mut explicit_v4 = BTreeSet::new();
    for ni in requested {
        let device_index = ni.device_index.unwrap_or(0) as u32;
        if let Some(eni_id) = &ni.network_interface_id {
            check_existing(w, ctx, l, ni, eni_id, &slots)?;
            slots.push(Slot {
                device_index,
                source: Source::Existing(eni_id.clone()),
                public_ip: false,
                delete_on_termination: ni.delete_on_termination.unwrap_or(false),
            });
            continue;
        }
        let subnet_id = match &ni.spec.subnet_id {
            Some(s) => s.clone(),
            None => match &default {
                Some(d) => d.clone(),
                None => {
                    let d = default_subnet(w, ctx, l.availability_zone.as_deref())?;
                    default = Some(d.clone());
                    d
                }
            },
        };
        let mut spec = ni.spec.clone();
        if device_index == 0 && !l.security_group_names.is_empty() {
            spec.groups
                .extend(groups_named(w, ctx, &subnet_id, &l.security_group_names)?);
        }
        let p = plan(w, ctx.scope(), &spec, &subnet_id)?;
        if p.has_explicit_addresses() && l.max_count > 1 {
            return Err(ApiError::invalid_combination(
                "Private IP addresses cannot be specified when launching more than one instance.",
            ));
        }
        for a in p.primary.iter().chain(&p.secondaries) {
            if !explicit_v4.insert(*a) {
                return Err(duplicate(a));
            }
        }
        let map_public = subnet::get(w, ctx.scope(), &subnet_id)?.map_public_ip_on_launch;
        let public_ip = device_index == 0 && ni.associate_public_ip.unwrap_or(map_public);
        if public_ip && !p.ipv4 {
            return Err(ApiError::invalid_combination(format!(
                "A public IPv4 address cannot be associated with an interface in the IPv6-only subnet '{subnet_id}'."
            )));
        }
        slots.push(Slot {
            device_index,
            public_ip,
            delete_on_termination: ni.delete_on_termination.unwrap_or(true),
            source: Source::New(Box::new(p)),
        });
    }
    slots.sort_by_key(|s| s.device_index);
    Ok(slots)
}

/// An existing interface named for a launch: alone with its id, the caller's own, free,
/// for a single instance, named once.
fn check_existing(
    w: &World,
    ctx: &Ctx,
    l: &Launch,
    ni: &LaunchInterface,
    eni_id: &str,
    slots: &[Slot],
) -> Result<()> {
    let s = &ni.spec;
    if s.subnet_id.is_some()
        || s.private_ip.is_some()
        || !s.private_ips.is_empty()
        || s.secondary_count.is_some()
        || !s.ipv6_addresses.is_empty()
        || s.ipv6_count.is_some()
        || !s.groups.is_empty()
    {
        return Err(ApiError::invalid_combination(
            "A network interface ID cannot be combined with subnet, address or security group parameters for the same network interface.",
        ));
    }
    let e = get(w, ctx.scope(), eni_id)?;
    if e.requester_managed {
        return Err(managed(eni_id));
    }
    if e.attachment.is_some() {
        return Err(interface_in_use(eni_id));
    }
    if l.max_count > 1 {
        return Err(ApiError::invalid_combination(
            "An existing network interface can only be used when launching a single instance.",
        ));
    }
    if slots
        .iter()
        .any(|s| matches!(&s.source, Source::Existing(other) if other == eni_id))
    {
        return Err(ApiError::invalid_value(format!(
            "The network interface {eni_id} is specified more than once."
        )));
    }
    Ok(())
}

/// The ids of security groups named by `names` (`SecurityGroup.N`): default VPC only.
fn groups_named(w: &World, ctx: &Ctx, subnet_id: &str, names: &[String]) -> Result<Vec<String>> {
    let scope = ctx.scope();
    let s = subnet::get(w, scope, subnet_id)?;
    let vpc_is_default = w.vpcs.get(&s.vpc_id).is_some_and(|v| v.is_default);
    if !vpc_is_default {
        return Err(ApiError::invalid_combination(
            "The parameter groupName cannot be used with the parameter subnet",
        ));
    }
    let mut ids = Vec::new();
    for name in names {
        let g = w
            .security_groups
            .in_scope(scope)
            .find(|g| g.vpc_id == s.vpc_id && &g.name == name)
            .ok_or_else(|| {
                ApiError::new(
                    ErrorCode::InvalidGroupNotFound,
                    format!(
                        "The security group '{name}' does not exist in default VPC '{}'",
                        s.vpc_id
                    ),
                )
            })?;
        ids.push(g.id.clone());
    }
    Ok(ids)
}

/// The default subnet RunInstances uses without a subnet: the default VPC's default
/// subnet in `az`, or ([I]) the first by AZ name.
fn default_subnet(w: &World, ctx: &Ctx, az: Option<&str>) -> Result<String> {
    let scope = ctx.scope();
    let vpc = w
        .vpcs
        .in_scope(scope)
        .find(|v| v.is_default)
        .ok_or_else(|| {
            ApiError::new(ErrorCode::VPCIdNotSpecified,
                "No default VPC for this user. GroupName is only supported for EC2-Classic and default VPC.",
            )
        })?;
    let mut subnets: Vec<&Subnet> = w
        .subnets
        .in_scope(scope)
        .filter(|s| s.vpc_id == vpc.id && s.default_for_az)
        .collect();
    subnets.sort_by(|a, b| a.availability_zone.cmp(&b.availability_zone));
    let found = match az {
        Some(az) => subnets.iter().find(|s| s.availability_zone == az),
        None => subnets.first(),
    };
    found.map(|s| s.id.clone()).ok_or_else(|| match az {
        Some(az) => ApiError::new(
            ErrorCode::MissingInput,
            format!("No default subnet for availability zone: '{az}'."),
        ),
        None => ApiError::new(
            ErrorCode::MissingInput,
            format!(
                "No subnets found for the default VPC '{}'. Please specify a subnet.",
                vpc.id
            ),
        ),
    })
}

/// The instances' zone: every interface's, matching `Placement.AvailabilityZone` if given.
fn launch_zone(w: &World, l: &Launch, slots: &[Slot]) -> Result<String> {
    let az_of = |s: &Slot| -> String {
        match &s.source {
            Source::New(p) => p.availability_zone.clone(),
            Source::Existing(id) => w
                .network_interfaces
                .get(id)
                .map(|e| e.availability_zone.clone())
                .unwrap_or_default(),
        }
    };
    let az = az_of(&slots[0]);
    if slots.iter().any(|s| az_of(s) != az) {
        return Err(ApiError::invalid_combination(
            "All network interfaces of an instance must be in the same availability zone.",
        ));
    }
    if let Some(want) = &l.availability_zone {
        if *want != az {
            return Err(ApiError::invalid_combination(format!(
                "The specified Availability Zone ({want}) does not match the subnet's Availability Zone ({az})."
            )));
        }
    }
    Ok(az)
}

/// How many instances to launch: MaxCount (clamped), fewer if the subnets' free addresses
/// allow fewer, refused below MinCount.
fn launch_count(w: &World, scope: &Scope, l: &Launch, slots: &[Slot]) -> Result<u64> {
    let mut need: Vec<(String, usize)> = Vec::new();
    for s in slots {
        if let Source::New(p) = &s.source {
            match need.iter_mut().find(|(id, _)| *id == p.subnet_id) {
                Some((_, n)) => *n += p.v4_needed(),
                None => need.push((p.subnet_id.clone(), p.v4_needed())),
            }
        }
    }
    let mut count = l.max_count.min(MAX_LAUNCH) as u64;
    // An IPv6-only subnet's interfaces take no IPv4 addresses.
    for (subnet_id, per_instance) in need.iter().filter(|(_, n)| *n > 0) {
        let free = subnet::auto_assignable_count(w, subnet::get(w, scope, subnet_id)?);
        let fits = free / *per_instance as u64;
        if fits < l.min_count as u64 {
            return Err(not_enough_addresses(subnet_id, "instances"));
        }
        count = count.min(fits);
    }
    Ok(count)
}

/// Launches one instance (`launch_index` of the reservation): its new interfaces (those
/// naming addresses first, so automatic picks avoid them), every slot's attachment, the
/// instance; returns its id.
fn launch_one(
    w: &mut World,
    ctx: &Ctx,
    l: &Launch,
    shared: &Shared,
    slots: &[Slot],
    launch_index: u32,
) -> Result<String> {
    let scope = ctx.scope();
    let instance_id = w.ids.id(Kind::Instance);
    let mut created: Vec<Option<String>> = vec![None; slots.len()];
    for explicit_pass in [true, false] {
        for (k, slot) in slots.iter().enumerate() {
            if let Source::New(p) = &slot.source {
                if p.has_explicit_addresses() == explicit_pass {
                    let id = lifecycle::create(w, scope, ctx.now, p)?;
                    tags::apply_specs(w, scope, &id, &shared.eni_tags);
                    created[k] = Some(id);
                }
            }
        }
    }
    let mut primary = String::new();
    let mut auto_public_ip = false;
    for (slot, made) in slots.iter().zip(created) {
        let eni_id = match &slot.source {
            Source::New(_) => made.expect("built above"),
            Source::Existing(id) => id.clone(),
        };
        lifecycle::attach_to_instance(
            w,
            &eni_id,
            &instance_id,
            slot.device_index,
            slot.delete_on_termination,
            ctx.now,
        );
        if slot.public_ip {
            lifecycle::map_amazon_public_ip(w, &eni_id);
            auto_public_ip = true;
        }
        if slot.device_index == 0 {
            primary = eni_id;
        }
    }
    w.instances.insert(Instance {
        id: instance_id.clone(),
        scope: scope.clone(),
        reservation_id: shared.reservation_id.clone(),
        vpc_id: shared.vpc_id.clone(),
        subnet_id: shared.subnet_id.clone(),
        network_interface_id: primary,
        image_id: l.image_id.clone(),
        instance_type: shared.instance_type.clone(),
        state: InstanceState::Running,
        launch_time: ctx.now,
        terminated: None,
        details: InstanceDetails {
            availability_zone: shared.availability_zone.clone(),
            launch_index,
            state_changed: ctx.now,
            key_name: l.key_name.clone(),
            user_data: l.user_data.clone(),
            client_token: l.client_token.clone(),
            tenancy: shared.tenancy.clone(),
            disable_api_termination: l.disable_api_termination,
            disable_api_stop: l.disable_api_stop,
            auto_public_ip,
        },
    });
    tags::apply_specs(w, scope, &instance_id, &shared.instance_tags);
    Ok(instance_id)
}
