//! Tag actions: CreateTags, DeleteTags, DescribeTags.

use openvpc_core::tags::{self, Cmd};
use openvpc_core::{Command, Result};

use super::describe::{Query, EC2};
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
    let q = Query::without_ids(&cx.p(), EC2)?;
    cx.read()?;
    let rows = tags::describe(cx.world(), cx.ctx(), &q.filters)?;
    let key = |r: &tags::TagRow| format!("{}\u{0}{}", r.resource_id, r.key);
    Ok(q.answer(rows, key, "tagSet", |x, r| {
        x.leaf("resourceId", &r.resource_id)
            .leaf("resourceType", r.resource_type)
            .leaf("key", &r.key)
            .leaf("value", &r.value);
    }))
}
