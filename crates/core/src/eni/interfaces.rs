//! CreateNetworkInterface, DeleteNetworkInterface, ModifyNetworkInterfaceAttribute,
//! AttachNetworkInterface and DetachNetworkInterface.

use crate::error::{ApiError, ErrorCode, Result};
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, World};
use crate::{subnet, Output};

use super::errors::{
    attachment_not_found, bad_device_index, incorrect_state, interface_in_use, managed,
    not_enough_addresses,
};
use super::plan::{check_groups, plan};
use super::{
    get, get_instance, interfaces_of, lifecycle, InstanceState, InterfaceChange, InterfaceSpec,
    MAX_DEVICE_INDEX,
};

/// CreateNetworkInterface: only `interface` interfaces; every check before any allocation.
pub(super) fn create(
    w: &mut World,
    ctx: &Ctx,
    spec: &InterfaceSpec,
    interface_type: Option<&str>,
    specs: &[TagSpec],
) -> Result<Output> {
    let scope = ctx.scope();
    let subnet_id = spec
        .subnet_id
        .clone()
        .ok_or_else(|| ApiError::missing("SubnetId"))?;
    if let Some(t) = interface_type {
        if t != "interface" {
            return Err(ApiError::invalid_value(format!(
                "Value ({t}) for parameter interfaceType is invalid. Only 'interface' network interfaces can be created."
            )));
        }
    }
    let p = plan(w, scope, spec, &subnet_id)?;
    tags::check_specs(specs, "network-interface")?;
    let s = subnet::get(w, scope, &subnet_id)?;
    let named: Vec<_> = p.primary.iter().chain(&p.secondaries).copied().collect();
    if !subnet::fits(w, s, &named, p.v4_needed() - named.len()) {
        return Err(not_enough_addresses(&subnet_id, "addresses"));
    }
    let id = lifecycle::create(w, scope, ctx.now, &p)?;
    tags::apply_specs(w, scope, &id, specs);
    Ok(Output::Id(id))
}

/// DeleteNetworkInterface: the caller's own, unattached interfaces only.
pub(super) fn delete(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    let e = get(w, ctx.scope(), id)?;
    if e.requester_managed {
        return Err(managed(id));
    }
    if e.attachment.is_some() {
        return Err(ApiError::new(
            ErrorCode::InvalidNetworkInterfaceInUse,
            format!("The network interface '{id}' is currently in use."),
        ));
    }
    lifecycle::destroy_interface(w, id);
    Ok(Output::Done)
}

/// ModifyNetworkInterfaceAttribute: one attribute per call.
pub(super) fn modify(
    w: &mut World,
    ctx: &Ctx,
    id: &str,
    change: InterfaceChange,
) -> Result<Output> {
    let scope = ctx.scope();
    let e = get(w, scope, id)?;
    if e.requester_managed {
        return Err(managed(id));
    }
    let change = match change {
        InterfaceChange::Groups(ids) => {
            InterfaceChange::Groups(check_groups(w, scope, &ids, &e.vpc_id, &e.subnet_id)?)
        }
        InterfaceChange::DeleteOnTermination {
            attachment_id,
            value,
        } => {
            if e.attachment.as_ref().map(|a| a.id.as_str()) != Some(attachment_id.as_str()) {
                return Err(attachment_not_found(&attachment_id));
            }
            InterfaceChange::DeleteOnTermination {
                attachment_id,
                value,
            }
        }
        other => other,
    };
    let e = w.network_interfaces.get_mut(id).expect("checked");
    match change {
        InterfaceChange::SourceDestCheck(v) => e.source_dest_check = v,
        InterfaceChange::Description(d) => e.description = d,
        InterfaceChange::Groups(g) => e.groups = g,
        InterfaceChange::DeleteOnTermination { value, .. } => {
            if let Some(a) = e.attachment.as_mut() {
                a.delete_on_termination = value;
            }
        }
    }
    Ok(Output::Done)
}

/// AttachNetworkInterface: a free interface to a live instance of its zone, at a free index.
pub(super) fn attach(
    w: &mut World,
    ctx: &Ctx,
    eni_id: &str,
    instance_id: &str,
    device_index: i64,
) -> Result<Output> {
    let scope = ctx.scope();
    let e = get(w, scope, eni_id)?;
    let i = get_instance(w, scope, instance_id)?;
    if e.requester_managed {
        return Err(managed(eni_id));
    }
    if e.attachment.is_some() {
        return Err(interface_in_use(eni_id));
    }
    if i.state == InstanceState::Terminated {
        return Err(incorrect_state(instance_id));
    }
    if !(0..=MAX_DEVICE_INDEX).contains(&device_index) {
        return Err(bad_device_index(device_index));
    }
    let index = device_index as u32;
    if interfaces_of(w, instance_id).iter().any(|o| {
        o.attachment
            .as_ref()
            .is_some_and(|a| a.device_index == index)
    }) {
        return Err(ApiError::invalid_value(format!(
            "Instance '{instance_id}' already has an interface attached at device index '{index}'."
        )));
    }
    if e.availability_zone != i.availability_zone(w) {
        return Err(ApiError::invalid_combination(
            "You may not attach a network interface to an instance if they are not in the same availability zone",
        ));
    }
    let attachment_id =
        lifecycle::attach_to_instance(w, eni_id, instance_id, index, false, ctx.now);
    Ok(Output::Id(attachment_id))
}

/// DetachNetworkInterface: not an instance's primary, not a service's interface.
pub(super) fn detach(w: &mut World, ctx: &Ctx, attachment_id: &str) -> Result<Output> {
    let scope = ctx.scope();
    let e = w
        .network_interfaces
        .in_scope(scope)
        .find(|e| e.attachment.as_ref().is_some_and(|a| a.id == attachment_id))
        .ok_or_else(|| attachment_not_found(attachment_id))?;
    let a = e.attachment.as_ref().expect("found by attachment");
    if e.requester_managed || a.instance_id.is_none() {
        return Err(managed(&e.id));
    }
    if a.device_index == 0 {
        return Err(ApiError::not_permitted(
            "The network interface at device index 0 cannot be detached.",
        ));
    }
    let id = e.id.clone();
    lifecycle::detach(w, &id);
    Ok(Output::Done)
}
