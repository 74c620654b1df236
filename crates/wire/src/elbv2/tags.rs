//! Tags of ELBv2 resources: add, remove, describe.

use openvpc_core::elb::{self, Cmd};
use openvpc_core::Result;

use super::{member_list, members, tags, Cx};
use crate::xml::Xml;

pub(super) fn add_tags(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let arns = members(&p, "ResourceArns")?;
    let tags = tags(&p)?;
    cx.mutate(Cmd::AddTags { arns, tags })?;
    Ok(Xml::new())
}

pub(super) fn remove_tags(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let arns = members(&p, "ResourceArns")?;
    let keys = members(&p, "TagKeys")?;
    cx.mutate(Cmd::RemoveTags { arns, keys })?;
    Ok(Xml::new())
}

pub(super) fn describe_tags(cx: &mut Cx) -> Result<Xml> {
    let arns = members(&cx.p(), "ResourceArns")?;
    cx.read()?;
    let rows = elb::describe_tags(cx.world(), cx.ctx(), &arns)?;
    let mut x = Xml::new();
    member_list(&mut x, "TagDescriptions", rows, |x, (arn, set)| {
        x.leaf("ResourceArn", &arn);
        member_list(x, "Tags", &set, |x, (k, v)| {
            x.leaf("Key", k).leaf("Value", v);
        });
    });
    Ok(x)
}
