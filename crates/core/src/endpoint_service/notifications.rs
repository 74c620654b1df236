//! VPC endpoint connection notifications (Create/Describe/Modify/Delete…ConnectionNotification):
//! an SNS topic told of `Connect`, `Accept`, `Reject` and `Delete` events, either for every
//! endpoint of a service (the provider's) or for one endpoint (the consumer's). openvpc stores
//! and validates them; it publishes nothing.

use crate::error::{ApiError, Result};
use crate::filter::{self, Filter};
use crate::ids::Kind;
use crate::world::{Ctx, Scope, World};

use super::model::{ConnectionNotification, CreateNotification};
use crate::Output;

/// The events a notification may name.
pub const EVENTS: &[&str] = &["Accept", "Connect", "Delete", "Reject"];

/// An SNS topic ARN: `arn:<partition>:sns:<region>:<12-digit account>:<topic name>`.
fn check_arn(arn: &str) -> Result<()> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let ok = matches!(
        parts.as_slice(),
        ["arn", partition, "sns", region, account, topic]
            if partition.starts_with("aws")
                && !region.is_empty()
                && account.len() == 12
                && account.bytes().all(|b| b.is_ascii_digit())
                && !topic.is_empty()
                && topic.len() <= 256
                && topic.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    );
    if !ok {
        return Err(ApiError::invalid_parameter(format!(
            "Invalid SNS topic ARN: {arn}"
        )));
    }
    Ok(())
}

/// `ConnectionEvents`: at least one, each one of [`EVENTS`]; duplicates dropped.
fn check_events(events: &[String]) -> Result<Vec<String>> {
    if events.is_empty() {
        return Err(ApiError::missing("ConnectionEvents"));
    }
    let mut out: Vec<String> = Vec::new();
    for e in events {
        if !EVENTS.contains(&e.as_str()) {
            return Err(ApiError::invalid_parameter(format!(
                "Invalid connection event: {e}. Valid events are Accept, Connect, Delete and Reject."
            )));
        }
        if !out.contains(e) {
            out.push(e.clone());
        }
    }
    Ok(out)
}

/// CreateVpcEndpointConnectionNotification: for a service the caller owns or for one of the
/// caller's endpoints (exactly one of the two).
pub(super) fn create(w: &mut World, ctx: &Ctx, c: &CreateNotification) -> Result<Output> {
    let scope = ctx.scope();
    match (&c.service_id, &c.vpc_endpoint_id) {
        (Some(_), Some(_)) => {
            return Err(ApiError::invalid_combination(
                "Only one of ServiceId or VpcEndpointId may be specified.",
            ))
        }
        (None, None) => return Err(ApiError::missing("ServiceId or VpcEndpointId")),
        (Some(s), None) => {
            super::get(w, scope, s)?;
        }
        (None, Some(e)) => {
            let live = w
                .vpc_endpoints
                .get_in(scope, e)
                .is_some_and(|ep| ep.state.exists());
            if !live {
                return Err(Kind::VpcEndpoint.not_found(e));
            }
        }
    }
    check_arn(&c.arn)?;
    let events = check_events(&c.events)?;
    let id = w.ids.id(Kind::VpcEndpointConnectionNotification);
    w.connection_notifications.insert(ConnectionNotification {
        id: id.clone(),
        scope: scope.clone(),
        service_id: c.service_id.clone(),
        vpc_endpoint_id: c.vpc_endpoint_id.clone(),
        arn: c.arn.clone(),
        events,
    });
    Ok(Output::Id(id))
}

/// The caller's notification `id`.
fn get<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w ConnectionNotification> {
    w.connection_notifications
        .get_in(scope, id)
        .ok_or_else(|| Kind::VpcEndpointConnectionNotification.not_found(id))
}

/// ModifyVpcEndpointConnectionNotification: a new topic and/or new events.
pub(super) fn modify(
    w: &mut World,
    ctx: &Ctx,
    id: &str,
    arn: Option<&str>,
    events: &[String],
) -> Result<Output> {
    get(w, ctx.scope(), id)?;
    if arn.is_none() && events.is_empty() {
        return Err(ApiError::missing(
            "ConnectionNotificationArn or ConnectionEvents",
        ));
    }
    if let Some(arn) = arn {
        check_arn(arn)?;
    }
    let events = if events.is_empty() {
        None
    } else {
        Some(check_events(events)?)
    };
    let n = w.connection_notifications.get_mut(id).expect("found");
    if let Some(arn) = arn {
        n.arn = arn.to_string();
    }
    if let Some(events) = events {
        n.events = events;
    }
    Ok(Output::Done)
}

/// DeleteVpcEndpointConnectionNotifications: per id, unknown ones reported as failures.
pub(super) fn delete(w: &mut World, ctx: &Ctx, ids: &[String]) -> Output {
    let scope = ctx.scope();
    Output::bulk(super::dedup(ids), |id| {
        get(w, scope, id)?;
        w.connection_notifications.remove(id);
        Ok(())
    })
}

/// Removes the notifications of a deleted endpoint or service.
pub fn forget_notifications_of(w: &mut World, target_id: &str) {
    let ids: Vec<String> = w
        .connection_notifications
        .values()
        .filter(|n| {
            n.service_id.as_deref() == Some(target_id)
                || n.vpc_endpoint_id.as_deref() == Some(target_id)
        })
        .map(|n| n.id.clone())
        .collect();
    for id in ids {
        w.connection_notifications.remove(&id);
    }
}

/// Filters DescribeVpcEndpointConnectionNotifications accepts.
pub const NOTIFICATION_FILTERS: &[&str] = &[
    "connection-notification-arn",
    "connection-notification-id",
    "connection-notification-state",
    "connection-notification-type",
    "service-id",
    "vpc-endpoint-id",
];

/// DescribeVpcEndpointConnectionNotifications: the caller's, optionally one by id.
pub fn describe_notifications<'w>(
    w: &'w World,
    ctx: &Ctx,
    id: Option<&str>,
    filters: &[Filter],
) -> Result<Vec<&'w ConnectionNotification>> {
    filter::check_names(filters, NOTIFICATION_FILTERS)?;
    let scope = ctx.scope();
    if let Some(id) = id {
        get(w, scope, id)?;
    }
    Ok(w.connection_notifications
        .in_scope(scope)
        .filter(|n| id.is_none_or(|id| n.id == id))
        .filter(|n| {
            filter::matches(filters, &Default::default(), |name| match name {
                "connection-notification-arn" => filter::s(&n.arn),
                "connection-notification-id" => filter::s(&n.id),
                "connection-notification-state" => filter::s("Enabled"),
                "connection-notification-type" => filter::s("Topic"),
                "service-id" => n.service_id.iter().cloned().collect(),
                "vpc-endpoint-id" => n.vpc_endpoint_id.iter().cloned().collect(),
                _ => Vec::new(),
            })
        })
        .collect())
}
