//! ModifyVpcPeeringConnectionOptions: each side changes its own options on an active
//! connection; remote DNS resolution needs DNS hostnames and support in both VPCs.

use super::find;
use super::model::{Options, OptionsChange, Status};
use crate::error::{ApiError, ErrorCode, Result};
use crate::world::{Ctx, World};
use crate::Output;

pub(super) fn modify(
    w: &mut World,
    ctx: &Ctx,
    id: &str,
    requester: Option<OptionsChange>,
    accepter: Option<OptionsChange>,
) -> Result<Output> {
    let p = find(w, ctx, id)?;
    let scope = ctx.scope();
    if p.status != Status::Active {
        return Err(ApiError::not_permitted(format!(
            "Peering {id} is not active. Peering options can be added only to active peerings."
        )));
    }
    if requester.is_none() && accepter.is_none() {
        return Err(ApiError::missing("RequesterPeeringConnectionOptions"));
    }
    if requester.is_some() && !p.requester.is_in(scope) {
        return Err(ApiError::not_permitted(format!(
            "User {} does not have permission to modify the requester side peering options",
            ctx.account()
        )));
    }
    if accepter.is_some() && !p.accepter.is_in(scope) {
        return Err(ApiError::not_permitted(format!(
            "User {} does not have permission to modify the accepter side peering options",
            ctx.account()
        )));
    }
    let wants_dns = [requester, accepter]
        .iter()
        .flatten()
        .any(|c| c.allow_dns_resolution_from_remote_vpc == Some(true));
    if wants_dns {
        check_dns(w, id, [&p.requester.vpc_id, &p.accepter.vpc_id])?;
    }
    let p = w.peerings.get_mut(id).expect("found");
    if let Some(c) = requester {
        c.apply_to(&mut p.requester_options);
    }
    if let Some(c) = accepter {
        c.apply_to(p.accepter_options.get_or_insert_with(Options::default));
    }
    Ok(Output::Done)
}

/// Remote DNS resolution needs DNS hostnames and DNS support in both VPCs.
fn check_dns(w: &World, id: &str, vpcs: [&String; 2]) -> Result<()> {
    for vpc_id in vpcs {
        let ok = w
            .vpcs
            .get(vpc_id)
            .is_some_and(|v| v.enable_dns_hostnames && v.enable_dns_support);
        if !ok {
            return Err(ApiError::new(ErrorCode::InvalidVpcPeeringConnectionStateDnsHostnamesDisabled,
                format!(
                    "Remote DNS resolution requires that DNS hostnames and DNS support are enabled for both VPCs of {id} ({vpc_id} does not)."
                ),
            ));
        }
    }
    Ok(())
}
