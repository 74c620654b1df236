//! Instances after launch: TerminateInstances, StopInstances, StartInstances,
//! ModifyInstanceAttribute, and the timer that purges terminated instances.

use crate::error::{ApiError, ErrorCode, Result};
use crate::tags;
use crate::world::{Ctx, Scope, TimerKind, World};
use crate::{Millis, Output};

use super::errors::{incorrect_state, instances_not_found};
use super::plan::check_groups;
use super::{
    get_instance, interfaces_of, lifecycle, Instance, InstanceChange, InstanceState,
    TERMINATED_RETENTION,
};

impl Instance {
    /// The instance's AZ (recorded at launch, else its subnet's).
    pub fn availability_zone(&self, w: &World) -> String {
        if !self.details.availability_zone.is_empty() {
            return self.details.availability_zone.clone();
        }
        w.subnets
            .get(&self.subnet_id)
            .map(|s| s.availability_zone.clone())
            .unwrap_or_default()
    }
}

/// Accepts instance types shaped like `family.size` (`t3.micro`, `m5.large`, `u-6tb1.metal`).
pub(super) fn check_instance_type(t: &str) -> Result<()> {
    let ok = t.split_once('.').is_some_and(|(family, size)| {
        let part = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        part(family) && part(size)
    });
    if ok {
        Ok(())
    } else {
        Err(ApiError::invalid_value(format!(
            "Invalid value '{t}' for InstanceType."
        )))
    }
}

/// The caller's instances named by `ids` (deduplicated, in order), or NotFound naming
/// every unknown id.
pub(super) fn instances_named(w: &World, scope: &Scope, ids: &[String]) -> Result<Vec<String>> {
    if ids.is_empty() {
        return Err(ApiError::missing("InstanceId"));
    }
    let missing: Vec<&str> = ids
        .iter()
        .filter(|id| w.instances.get_in(scope, id).is_none())
        .map(String::as_str)
        .collect();
    if !missing.is_empty() {
        return Err(instances_not_found(&missing));
    }
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        if !out.contains(id) {
            out.push(id.clone());
        }
    }
    Ok(out)
}

/// Detaches an instance's interfaces, deleting those marked delete-on-termination; the
/// others lose their Amazon public IPv4 address (an Elastic IP stays).
fn release_interfaces(w: &mut World, instance_id: &str) {
    let attached: Vec<(String, bool)> = interfaces_of(w, instance_id)
        .iter()
        .map(|e| {
            (
                e.id.clone(),
                e.attachment
                    .as_ref()
                    .is_some_and(|a| a.delete_on_termination),
            )
        })
        .collect();
    for (id, delete) in attached {
        if delete {
            lifecycle::destroy_interface(w, &id);
        } else {
            lifecycle::detach(w, &id);
            lifecycle::release_amazon_public_ip(w, &id);
        }
    }
}

/// TerminateInstances: refused for protected instances; terminated ones stay visible for
/// [`TERMINATED_RETENTION`].
pub(super) fn terminate(w: &mut World, ctx: &Ctx, ids: &[String]) -> Result<Output> {
    let scope = ctx.scope();
    let ids = instances_named(w, scope, ids)?;
    for id in &ids {
        let i = w.instances.get(id).expect("checked");
        if i.details.disable_api_termination && i.state != InstanceState::Terminated {
            return Err(ApiError::not_permitted(format!(
                "The instance '{id}' may not be terminated. Modify its 'disableApiTermination' instance attribute and try again."
            )));
        }
    }
    for id in &ids {
        if w.instances.get(id).expect("checked").state == InstanceState::Terminated {
            continue;
        }
        release_interfaces(w, id);
        let i = w.instances.get_mut(id).expect("checked");
        i.state = InstanceState::Terminated;
        i.terminated = Some(ctx.now);
        i.details.state_changed = ctx.now;
        w.schedule(ctx.now + TERMINATED_RETENTION, TimerKind::Instance, id);
    }
    Ok(Output::Done)
}

/// StopInstances: running instances stop and lose their Amazon public IPv4 address.
pub(super) fn stop(w: &mut World, ctx: &Ctx, ids: &[String]) -> Result<Output> {
    let scope = ctx.scope();
    let ids = instances_named(w, scope, ids)?;
    for id in &ids {
        let i = w.instances.get(id).expect("checked");
        if i.state == InstanceState::Terminated {
            return Err(ApiError::new(
                ErrorCode::IncorrectInstanceState,
                format!("This instance '{id}' is not in a state from which it can be stopped."),
            ));
        }
        if i.details.disable_api_stop && i.state == InstanceState::Running {
            return Err(ApiError::not_permitted(format!(
                "The instance '{id}' may not be stopped. Modify its 'disableApiStop' instance attribute and try again."
            )));
        }
    }
    for id in &ids {
        let i = w.instances.get_mut(id).expect("checked");
        if i.state != InstanceState::Running {
            continue;
        }
        i.state = InstanceState::Stopped;
        i.details.state_changed = ctx.now;
        let eni = i.network_interface_id.clone();
        // An Amazon public IP is released on stop; an Elastic IP stays.
        lifecycle::release_amazon_public_ip(w, &eni);
    }
    Ok(Output::Done)
}

/// StartInstances: stopped instances run again, with a new Amazon public address if they
/// had one.
pub(super) fn start(w: &mut World, ctx: &Ctx, ids: &[String]) -> Result<Output> {
    let scope = ctx.scope();
    let ids = instances_named(w, scope, ids)?;
    for id in &ids {
        if w.instances.get(id).expect("checked").state == InstanceState::Terminated {
            return Err(ApiError::new(
                ErrorCode::IncorrectInstanceState,
                format!("The instance '{id}' is not in a state from which it can be started."),
            ));
        }
    }
    for id in &ids {
        let i = w.instances.get(id).expect("checked");
        if i.state != InstanceState::Stopped {
            continue;
        }
        let (eni, auto) = (i.network_interface_id.clone(), i.details.auto_public_ip);
        let needs_ip = auto
            && w.network_interfaces
                .get(&eni)
                .is_some_and(|e| e.public_ip.is_none());
        if needs_ip {
            lifecycle::map_amazon_public_ip(w, &eni);
        }
        let i = w.instances.get_mut(id).expect("checked");
        i.state = InstanceState::Running;
        i.details.state_changed = ctx.now;
    }
    Ok(Output::Done)
}

/// ModifyInstanceAttribute: one attribute per call.
pub(super) fn modify(w: &mut World, ctx: &Ctx, id: &str, change: InstanceChange) -> Result<Output> {
    let scope = ctx.scope();
    let i = get_instance(w, scope, id)?;
    if i.state == InstanceState::Terminated {
        return Err(incorrect_state(id));
    }
    let eni_id = i.network_interface_id.clone();
    match change {
        InstanceChange::SourceDestCheck(v) => {
            if let Some(e) = w.network_interfaces.get_mut(&eni_id) {
                e.source_dest_check = v;
            }
        }
        InstanceChange::Groups(ids) => {
            let e = w
                .network_interfaces
                .get(&eni_id)
                .ok_or_else(|| incorrect_state(id))?;
            let groups = check_groups(w, scope, &ids, &e.vpc_id, &e.subnet_id)?;
            w.network_interfaces
                .get_mut(&eni_id)
                .expect("checked")
                .groups = groups;
        }
        InstanceChange::DisableApiTermination(v) => {
            w.instances
                .get_mut(id)
                .expect("checked")
                .details
                .disable_api_termination = v;
        }
        InstanceChange::DisableApiStop(v) => {
            w.instances
                .get_mut(id)
                .expect("checked")
                .details
                .disable_api_stop = v;
        }
        InstanceChange::InstanceType(t) => {
            check_instance_type(&t)?;
            if i.state != InstanceState::Stopped {
                return Err(ApiError::new(
                    ErrorCode::IncorrectInstanceState,
                    format!("The instance '{id}' is not in the 'stopped' state."),
                ));
            }
            w.instances.get_mut(id).expect("checked").instance_type = t;
        }
    }
    Ok(Output::Done)
}

/// Purges a terminated instance once its retention is over (as of `due`).
pub fn on_timer(w: &mut World, id: &str, due: Millis) {
    let expired = w.instances.get(id).is_some_and(|i| {
        i.state == InstanceState::Terminated
            && i.terminated
                .is_some_and(|t| t + TERMINATED_RETENTION <= due)
    });
    if expired {
        w.instances.remove(id);
        tags::forget(w, id);
    }
}
