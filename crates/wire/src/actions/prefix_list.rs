//! Prefix-list actions: the legacy DescribePrefixLists and the managed-prefix-list calls.

use openvpc_core::prefix_list::{self, Cmd, EntrySpec, PrefixList};
use openvpc_core::{tags, ApiError, Command, Kind, Result, Scope, World};

use super::describe::{Bounds, Query};
use super::{created_id, Call, Handler};
use crate::params::View;
use crate::xml::{escape, Xml};

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("DescribePrefixLists", describe_prefix_lists),
    ("DescribeManagedPrefixLists", describe_managed),
    ("GetManagedPrefixListEntries", get_entries),
    ("GetManagedPrefixListAssociations", get_associations),
    ("CreateManagedPrefixList", create),
    ("ModifyManagedPrefixList", modify),
    ("DeleteManagedPrefixList", delete),
];

fn pl_id(cx: &Call) -> Result<String> {
    let id = cx.p().req("PrefixListId")?;
    Kind::PrefixList.check(&id)?;
    Ok(id)
}

fn describe_prefix_lists(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(
        &cx.p(),
        "PrefixListId",
        |id| Kind::PrefixList.check(id),
        Bounds::capped(1, 1000),
    )?;
    cx.read()?;
    let found = prefix_list::describe_legacy(cx.world(), cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |pl| pl.id.clone(),
        "prefixListSet",
        |x, pl| {
            x.list("cidrSet", pl.entries(), |x, e| {
                x.raw(&escape(&e.cidr.to_string()));
            })
            .leaf("prefixListId", &pl.id)
            .leaf("prefixListName", &pl.name);
        },
    ))
}

fn describe_managed(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(
        &cx.p(),
        "PrefixListId",
        |id| Kind::PrefixList.check(id),
        Bounds::strict(1, 100),
    )?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = prefix_list::describe(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |pl| pl.id.clone(),
        "prefixListSet",
        |x, pl| render(x, w, scope, &pl, pl.state.as_str()),
    ))
}

fn get_entries(cx: &mut Call) -> Result<Xml> {
    let id = pl_id(cx)?;
    let p = cx.p();
    let target_version = p.int("TargetVersion")?;
    let q = Query::paged(&p, Bounds::strict(1, 100))?;
    cx.read()?;
    let entries = prefix_list::entries(cx.world(), cx.ctx(), &id, target_version)?;
    let key = |e: &prefix_list::Entry| prefix_list::sort_key(&e.cidr);
    Ok(q.answer(entries, key, "entrySet", |x, e| {
        x.leaf("cidr", e.cidr).opt("description", e.description);
    }))
}

fn get_associations(cx: &mut Call) -> Result<Xml> {
    let id = pl_id(cx)?;
    let q = Query::paged(&cx.p(), Bounds::strict(5, 255))?;
    cx.read()?;
    let found = prefix_list::associations(cx.world(), cx.ctx(), &id)?;
    let key = |(resource, _): &(String, String)| resource.clone();
    let x = q.answer(
        found,
        key,
        "prefixListAssociationSet",
        |x, (resource, owner)| {
            x.leaf("resourceId", resource).leaf("resourceOwner", owner);
        },
    );
    Ok(x)
}

fn entry_specs(v: &View, name: &str) -> Result<Vec<EntrySpec>> {
    v.structs(name)
        .into_iter()
        .map(|e| {
            Ok(EntrySpec {
                cidr: e.req("Cidr")?,
                description: e.str("Description"),
            })
        })
        .collect()
}

fn create(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let name = p.req("PrefixListName")?;
    let entries = entry_specs(&p, "Entry")?;
    let max_entries = p
        .int("MaxEntries")?
        .ok_or_else(|| ApiError::missing("MaxEntries"))?;
    let address_family = p.req("AddressFamily")?;
    let cmd = Cmd::Create {
        name,
        entries,
        max_entries,
        address_family,
        tags: p.tag_specs()?,
        client_token: p.str("ClientToken"),
    };
    let id = created_id(cx.mutate(Command::PrefixList(cmd))?)?;
    render_one(cx, &id)
}

fn render_one(cx: &Call, id: &str) -> Result<Xml> {
    let w = cx.world();
    let scope = cx.ctx().scope();
    let pl = prefix_list::lookup(w, scope, id).ok_or_else(|| Kind::PrefixList.not_found(id))?;
    let mut x = Xml::new();
    x.node("prefixList", |x| {
        render(x, w, scope, &pl, pl.state.as_str())
    });
    Ok(x)
}

fn modify(cx: &mut Call) -> Result<Xml> {
    let id = pl_id(cx)?;
    let p = cx.p();
    if p.bool("IpamPrefixListResolverSyncEnabled")? == Some(true) {
        return Err(ApiError::invalid_parameter(
            "IPAM prefix list resolvers are not supported.",
        ));
    }
    let remove = p
        .structs("RemoveEntry")
        .into_iter()
        .map(|e| e.req("Cidr"))
        .collect::<Result<Vec<_>>>()?;
    let cmd = Cmd::Modify {
        id: id.clone(),
        current_version: p.int("CurrentVersion")?,
        name: p.str("PrefixListName"),
        add: entry_specs(&p, "AddEntry")?,
        remove,
        max_entries: p.int("MaxEntries")?,
    };
    cx.mutate(Command::PrefixList(cmd))?;
    render_one(cx, &id)
}

fn delete(cx: &mut Call) -> Result<Xml> {
    let id = pl_id(cx)?;
    let scope = cx.ctx().scope().clone();
    let before = prefix_list::lookup(cx.world(), &scope, &id);
    cx.mutate(Command::PrefixList(Cmd::Delete { id: id.clone() }))?;
    let pl = before.ok_or_else(|| Kind::PrefixList.not_found(&id))?;
    let mut x = Xml::new();
    // The tags went with the list; render what was deleted without them.
    x.node("prefixList", |x| {
        render(x, cx.world(), &scope, &pl, "delete-complete")
    });
    Ok(x)
}

/// Renders one `ManagedPrefixList` as `scope` sees it.
pub fn render(x: &mut Xml, w: &World, scope: &Scope, pl: &PrefixList, state: &str) {
    x.leaf("prefixListId", &pl.id)
        .leaf("addressFamily", pl.address_family.as_str())
        .leaf("state", state)
        .leaf("prefixListArn", pl.arn())
        .leaf("prefixListName", &pl.name)
        .leaf("maxEntries", pl.max_entries)
        .leaf("version", pl.version)
        .tag_set(tags::of(w, scope, &pl.id))
        .leaf("ownerId", pl.owner_id());
}
