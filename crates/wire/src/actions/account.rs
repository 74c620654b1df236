//! Account and Region plumbing: DescribeRegions, DescribeAvailabilityZones,
//! DescribeAccountAttributes.

use openvpc_core::filter::{self, Filter};
use openvpc_core::tags::TagSet;
use openvpc_core::{ApiError, ErrorCode, Result};

use super::{Call, Handler};
use crate::xml::Xml;

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("DescribeRegions", describe_regions),
    ("DescribeAvailabilityZones", describe_availability_zones),
    ("DescribeAccountAttributes", describe_account_attributes),
];

fn describe_regions(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let names = p.list("RegionName");
    let filters = p.filters()?;
    p.bool("AllRegions")?;
    filter::check_names(&filters, &["endpoint", "opt-in-status", "region-name"])?;
    cx.read()?;
    let regions = &cx.world().config.regions;
    for n in &names {
        if !regions.iter().any(|r| &r.name == n) {
            return Err(ApiError::new(
                ErrorCode::InvalidParameterValue,
                format!("Invalid region: {n}"),
            ));
        }
    }
    let none = TagSet::new();
    let mut x = Xml::new();
    x.list(
        "regionInfo",
        regions.iter().filter(|r| {
            (names.is_empty() || names.contains(&r.name))
                && filter::matches(&filters, &none, |f| match f {
                    "endpoint" => filter::s(format!("ec2.{}.amazonaws.com", r.name)),
                    "opt-in-status" => filter::s("opt-in-not-required"),
                    "region-name" => filter::s(&r.name),
                    _ => Vec::new(),
                })
        }),
        |x, r| {
            x.leaf("regionName", &r.name)
                .leaf("regionEndpoint", format!("ec2.{}.amazonaws.com", r.name))
                .leaf("optInStatus", "opt-in-not-required");
        },
    );
    Ok(x)
}

const AZ_FILTERS: &[&str] = &[
    "group-name",
    "message",
    "opt-in-status",
    "region-name",
    "state",
    "zone-id",
    "zone-name",
    "zone-type",
];

fn describe_availability_zones(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let names = p.list("ZoneName");
    let ids = p.list("ZoneId");
    let filters: Vec<Filter> = p.filters()?;
    p.bool("AllAvailabilityZones")?;
    filter::check_names(&filters, AZ_FILTERS)?;
    cx.read()?;
    let ctx = cx.ctx();
    let region = cx
        .world()
        .config
        .region(&ctx.region)
        .ok_or_else(|| ApiError::invalid_value(format!("Invalid region: {}", ctx.region)))?;
    let zones = region.zones_for(&ctx.account);
    for n in &names {
        if !zones.iter().any(|z| &z.name == n) {
            return Err(ApiError::invalid_value(format!(
                "The zone '{n}' does not exist."
            )));
        }
    }
    for i in &ids {
        if !zones.iter().any(|z| &z.id == i) {
            return Err(ApiError::invalid_value(format!(
                "The zone ID '{i}' does not exist."
            )));
        }
    }
    let none = TagSet::new();
    let mut x = Xml::new();
    x.list(
        "availabilityZoneInfo",
        zones.iter().filter(|z| {
            (names.is_empty() || names.contains(&z.name))
                && (ids.is_empty() || ids.contains(&z.id))
                && filter::matches(&filters, &none, |f| match f {
                    "group-name" | "region-name" => filter::s(&region.name),
                    "opt-in-status" => filter::s("opt-in-not-required"),
                    "state" => filter::s("available"),
                    "zone-id" => filter::s(&z.id),
                    "zone-name" => filter::s(&z.name),
                    "zone-type" => filter::s("availability-zone"),
                    _ => Vec::new(),
                })
        }),
        |x, z| {
            x.leaf("zoneName", &z.name)
                .leaf("zoneState", "available")
                .leaf("regionName", &region.name)
                .leaf("zoneId", &z.id)
                .leaf("zoneType", "availability-zone")
                .leaf("optInStatus", "opt-in-not-required")
                .leaf("groupName", &region.name)
                .leaf("networkBorderGroup", &region.name)
                .node("messageSet", |_| {});
        },
    );
    Ok(x)
}

fn describe_account_attributes(cx: &mut Call) -> Result<Xml> {
    let names = cx.p().list("AttributeName");
    cx.read()?;
    let scope = cx.ctx().scope();
    let default_vpc = cx
        .world()
        .vpcs
        .in_scope(&scope)
        .find(|v| v.is_default)
        .map_or("none".to_string(), |v| v.id.clone());
    let all: Vec<(&str, String)> = vec![
        ("supported-platforms", "VPC".into()),
        ("default-vpc", default_vpc),
        ("max-instances", "20".into()),
        ("vpc-max-security-groups-per-interface", "5".into()),
        ("max-elastic-ips", "5".into()),
        ("vpc-max-elastic-ips", "5".into()),
    ];
    for n in &names {
        if !all.iter().any(|(a, _)| a == n) {
            return Err(ApiError::invalid_value(format!(
                "Value ({n}) for parameter attributeName is invalid."
            )));
        }
    }
    let mut x = Xml::new();
    x.list(
        "accountAttributeSet",
        all.iter()
            .filter(|(a, _)| names.is_empty() || names.iter().any(|n| n == a)),
        |x, (name, value)| {
            x.leaf("attributeName", name)
                .list("attributeValueSet", [value], |x, v| {
                    x.leaf("attributeValue", v);
                });
        },
    );
    Ok(x)
}
