//! DescribeImages over the public image catalogue.

use openvpc_core::image::{self, Image, ImageQuery};
use openvpc_core::Result;

use super::describe::{Query, EC2};
use super::{Call, Handler};
use crate::xml::Xml;

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[("DescribeImages", describe_images)];

fn describe_images(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let q = Query::decode(&p, "ImageId", image::check_shape, EC2)?;
    let owners = p.list("Owner");
    let executable_users = p.list("ExecutableBy");
    p.flag("IncludeDeprecated")?;
    p.flag("IncludeDisabled")?;
    cx.read()?;
    let found = image::describe_images(
        cx.ctx(),
        &ImageQuery {
            image_ids: q.ids.clone(),
            owners,
            executable_users,
            filters: q.filters.clone(),
        },
    )?;
    Ok(q.answer(found, |i| i.id.clone(), "imagesSet", render))
}

/// Renders one image's members.
fn render(x: &mut Xml, i: Image) {
    let root = image::root_device_name(&i);
    x.leaf("imageId", &i.id)
        .leaf(
            "imageLocation",
            format!("{}/{}", i.owner_alias.unwrap_or(i.owner_id), i.name),
        )
        .leaf("imageState", "available")
        .leaf("imageOwnerId", i.owner_id)
        .leaf("creationDate", i.creation_date)
        .leaf("isPublic", true)
        .leaf("architecture", i.architecture)
        .leaf("imageType", "machine")
        .opt("platform", i.platform)
        .leaf("platformDetails", i.platform_details)
        .leaf("usageOperation", image::usage_operation(&i))
        .opt("imageOwnerAlias", i.owner_alias)
        .leaf("name", &i.name)
        .leaf("description", i.description)
        .leaf("rootDeviceType", "ebs")
        .leaf("rootDeviceName", root)
        .list("blockDeviceMapping", [root], |x, dev| {
            x.leaf("deviceName", dev).node("ebs", |x| {
                x.leaf("deleteOnTermination", true)
                    .leaf("volumeSize", if i.platform.is_some() { 30 } else { 8 })
                    .leaf("volumeType", "gp3")
                    .leaf("encrypted", false);
            });
        })
        .leaf("virtualizationType", "hvm")
        .leaf("hypervisor", "xen")
        .leaf("enaSupport", true)
        .leaf("sriovNetSupport", "simple")
        .leaf("bootMode", "uefi-preferred")
        .leaf("imdsSupport", "v2.0");
}
