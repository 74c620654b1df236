//! Tag actions: CreateTags, DeleteTags, DescribeTags.

use openvpc_core::tags::{self, Cmd};
use openvpc_core::{Command, Result};

use super::{returned_true, Call, Handler};
use crate::xml::Xml;

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("CreateTags", create_tags),
    ("DeleteTags", delete_tags),
    ("DescribeTags", describe_tags),
];

fn create_tags(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let cmd = Cmd::Create {
        resource_ids: p.list("ResourceId"),
        tags: p.tags("Tag")?,
    };
    cx.mutate(Command::Tags(cmd))?;
    Ok(returned_true())
}

fn delete_tags(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let tags = p
        .structs("Tag")
        .into_iter()
        .map(|t| Ok((t.req("Key")?, t.str("Value"))))
        .collect::<Result<Vec<_>>>()?;
    let cmd = Cmd::Delete {
        resource_ids: p.list("ResourceId"),
        tags,
    };
    cx.mutate(Command::Tags(cmd))?;
    Ok(returned_true())
}

fn describe_tags(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let filters = p.filters()?;
    let page = p.page(5, 1000, false)?;
    cx.read()?;
    let rows = tags::describe(cx.world(), cx.ctx(), &filters)?;
    let (rows, next) = page.take(rows, |r| format!("{}\u{0}{}", r.resource_id, r.key));
    let mut x = Xml::new();
    x.list("tagSet", rows, |x, r| {
        x.leaf("resourceId", &r.resource_id)
            .leaf("resourceType", r.resource_type)
            .leaf("key", &r.key)
            .leaf("value", &r.value);
    });
    x.opt("nextToken", next);
    Ok(x)
}
