//! Reverse DNS of Elastic IPs (spec §15).

use openvpc_core::gateway::{self, Address, Cmd};
use openvpc_core::{ApiError, Command, Kind, Result};

use crate::actions::describe::{Bounds, Query};
use crate::actions::Call;
use crate::params::View;
use crate::xml::Xml;

/// `Attribute`: `domain-name` is the only one.
fn domain_name_attribute(p: &View, required: bool) -> Result<()> {
    match p.str("Attribute") {
        None if !required => Ok(()),
        None => Err(ApiError::missing("Attribute")),
        Some(a) if a == "domain-name" => Ok(()),
        Some(a) => Err(ApiError::invalid_value(format!(
            "Value ({a}) for parameter Attribute is invalid. Valid values: domain-name"
        ))),
    }
}

pub(super) fn describe_addresses_attribute(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let q = Query::decode(
        &p,
        "AllocationId",
        |id| Kind::Address.check(id),
        Bounds::strict(1, 1000),
    )?;
    domain_name_attribute(&p, false)?;
    cx.read()?;
    let found = gateway::describe_address_attributes(cx.world(), cx.ctx(), &q.ids)?;
    Ok(q.answer(
        found,
        |a| a.id.clone(),
        "addressSet",
        |x, a| {
            x.leaf("publicIp", a.public_ip)
                .leaf("allocationId", &a.id)
                .opt("ptrRecord", a.domain_name.as_ref().map(|n| format!("{n}.")));
        },
    ))
}

/// The `address` member of Modify/ResetAddressAttribute: the name as it was, and the
/// update now pending (`value` the new name, if any).
fn address_attribute(before: &Address, new_name: Option<String>) -> Xml {
    let mut x = Xml::new();
    x.node("address", |x| {
        x.leaf("publicIp", before.public_ip)
            .leaf("allocationId", &before.id)
            .opt(
                "ptrRecord",
                before.domain_name.as_ref().map(|n| format!("{n}.")),
            )
            .node("ptrRecordUpdate", |x| {
                x.opt("value", new_name).leaf("status", "PENDING");
            });
    });
    x
}

fn address_before(cx: &Call, id: &str) -> Result<Address> {
    cx.world()
        .addresses
        .get_in(cx.ctx().scope(), id)
        .cloned()
        .ok_or_else(|| Kind::Address.not_found(id))
}

pub(super) fn modify_address_attribute(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let allocation_id = p.req("AllocationId")?;
    Kind::Address.check(&allocation_id)?;
    let domain_name = p.req("DomainName")?;
    let before = address_before(cx, &allocation_id)?;
    cx.mutate(Command::Gateway(Cmd::ModifyAddressAttribute {
        allocation_id: allocation_id.clone(),
        domain_name,
    }))?;
    let after = address_before(cx, &allocation_id)?;
    Ok(address_attribute(
        &before,
        after.domain_name.map(|n| format!("{n}.")),
    ))
}

pub(super) fn reset_address_attribute(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let allocation_id = p.req("AllocationId")?;
    Kind::Address.check(&allocation_id)?;
    domain_name_attribute(&p, true)?;
    let before = address_before(cx, &allocation_id)?;
    cx.mutate(Command::Gateway(Cmd::ResetAddressAttribute {
        allocation_id,
    }))?;
    Ok(address_attribute(&before, None))
}
