//! DHCP option sets: CreateDhcpOptions, DeleteDhcpOptions, DescribeDhcpOptions,
//! AssociateDhcpOptions.

use openvpc_core::dhcp::{self, Cmd, DhcpOptions};
use openvpc_core::{tags, Command, Kind, Result, Scope, World};

use super::describe::{Query, EC2};
use super::{created_id, returned_true, Call, Handler};
use crate::xml::Xml;

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("CreateDhcpOptions", create_dhcp_options),
    ("DeleteDhcpOptions", delete_dhcp_options),
    ("DescribeDhcpOptions", describe_dhcp_options),
    ("AssociateDhcpOptions", associate_dhcp_options),
];

fn create_dhcp_options(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let configurations = p
        .structs("DhcpConfiguration")
        .into_iter()
        .map(|c| Ok((c.req("Key")?, c.list("Value"))))
        .collect::<Result<Vec<_>>>()?;
    let cmd = Cmd::Create {
        configurations,
        tags: p.tag_specs()?,
    };
    let id = created_id(cx.mutate(Command::Dhcp(cmd))?)?;
    let w = cx.world();
    let d = w
        .dhcp_options
        .get(&id)
        .ok_or_else(|| Kind::DhcpOptions.not_found(&id))?;
    let mut x = Xml::new();
    x.node("dhcpOptions", |x| render(x, w, cx.ctx().scope(), d));
    Ok(x)
}

fn delete_dhcp_options(cx: &mut Call) -> Result<Xml> {
    let dhcp_options_id = cx.p().req("DhcpOptionsId")?;
    Kind::DhcpOptions.check(&dhcp_options_id)?;
    cx.mutate(Command::Dhcp(Cmd::Delete { dhcp_options_id }))?;
    Ok(returned_true())
}

fn describe_dhcp_options(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(
        &cx.p(),
        "DhcpOptionsId",
        |id| Kind::DhcpOptions.check(id),
        EC2,
    )?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = dhcp::describe(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |d| d.id.clone(),
        "dhcpOptionsSet",
        |x, d| render(x, w, scope, d),
    ))
}

fn associate_dhcp_options(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let dhcp_options_id = p.req("DhcpOptionsId")?;
    if dhcp_options_id != "default" {
        Kind::DhcpOptions.check(&dhcp_options_id)?;
    }
    let vpc_id = p.req("VpcId")?;
    Kind::Vpc.check(&vpc_id)?;
    cx.mutate(Command::Dhcp(Cmd::Associate {
        dhcp_options_id,
        vpc_id,
    }))?;
    Ok(returned_true())
}

/// Renders one option set's members.
pub fn render(x: &mut Xml, w: &World, scope: &Scope, d: &DhcpOptions) {
    x.leaf("dhcpOptionsId", &d.id)
        .leaf("ownerId", &d.scope.account)
        .list(
            "dhcpConfigurationSet",
            &d.configurations,
            |x, (key, values)| {
                x.leaf("key", key).list("valueSet", values, |x, v| {
                    x.leaf("value", v);
                });
            },
        )
        .tag_set(tags::of(w, scope, &d.id));
}
