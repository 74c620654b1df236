//! DescribeImages over the catalogue: `ImageIds`, `Owners`, `ExecutableUsers`, filters.

use crate::error::Result;
use crate::filter::{self, Filter};
use crate::tags::TagSet;
use crate::world::Ctx;

use super::catalogue::{images_in, Image};
use super::{check_shape, not_found};

/// Filters DescribeImages accepts.
pub const FILTERS: &[&str] = &[
    "architecture",
    "creation-date",
    "description",
    "hypervisor",
    "image-id",
    "image-type",
    "is-public",
    "name",
    "owner-alias",
    "owner-id",
    "platform",
    "platform-details",
    "root-device-name",
    "root-device-type",
    "state",
    "usage-operation",
    "virtualization-type",
];

/// What DescribeImages asks for.
#[derive(Debug, Clone, Default)]
pub struct ImageQuery {
    pub image_ids: Vec<String>,
    /// `self`, `amazon`, `aws-marketplace` or account ids; empty: any owner.
    pub owners: Vec<String>,
    /// `self`, `all` or account ids; empty: no condition.
    pub executable_users: Vec<String>,
    pub filters: Vec<Filter>,
}

/// The images matching `q` in the caller's Region. Every image is public: `Owners` match
/// its owner id or alias (`self` matches none, as the caller owns none); `ExecutableUsers`
/// `all` matches every image, `self` or an account id none (no explicit launch
/// permissions exist).
pub fn describe_images(ctx: &Ctx, q: &ImageQuery) -> Result<Vec<Image>> {
    filter::check_names(&q.filters, FILTERS)?;
    q.image_ids.iter().try_for_each(|id| check_shape(id))?;
    let all = images_in(ctx.region());
    for id in &q.image_ids {
        if !all.iter().any(|i| &i.id == id) {
            return Err(not_found(id));
        }
    }
    let no_tags = TagSet::default();
    Ok(all
        .into_iter()
        .filter(|i| q.image_ids.is_empty() || q.image_ids.contains(&i.id))
        .filter(|i| {
            q.owners.is_empty()
                || q.owners
                    .iter()
                    .any(|o| o == i.owner_id || Some(o.as_str()) == i.owner_alias)
        })
        .filter(|_| q.executable_users.is_empty() || q.executable_users.iter().any(|u| u == "all"))
        .filter(|i| filter::matches(&q.filters, &no_tags, |name| field(i, name)))
        .collect())
}

fn field(i: &Image, name: &str) -> Vec<String> {
    match name {
        "architecture" => filter::s(i.architecture),
        "creation-date" => filter::s(i.creation_date),
        "description" => filter::s(i.description),
        "hypervisor" => filter::s("xen"),
        "image-id" => filter::s(&i.id),
        "image-type" => filter::s("machine"),
        "is-public" => filter::b(true),
        "name" => filter::s(&i.name),
        "owner-alias" => filter::opt(i.owner_alias),
        "owner-id" => filter::s(i.owner_id),
        "platform" => filter::opt(i.platform),
        "platform-details" => filter::s(i.platform_details),
        "root-device-name" => filter::s(root_device_name(i)),
        "root-device-type" => filter::s("ebs"),
        "state" => filter::s("available"),
        "usage-operation" => filter::s(usage_operation(i)),
        "virtualization-type" => filter::s("hvm"),
        _ => Vec::new(),
    }
}

/// The root device's name: `/dev/sda1` for Windows and Ubuntu/Debian, `/dev/xvda` for
/// Amazon Linux.
pub fn root_device_name(i: &Image) -> &'static str {
    if i.owner_id == "137112412989" {
        "/dev/xvda"
    } else {
        "/dev/sda1"
    }
}

/// The billing code AWS shows (`RunInstances` for Linux, `RunInstances:0002` for Windows).
pub fn usage_operation(i: &Image) -> &'static str {
    if i.platform == Some("windows") {
        "RunInstances:0002"
    } else {
        "RunInstances"
    }
}
