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

/// DescribeRegions (§10.3): the enabled Regions, every configured one with `AllRegions`;
/// `RegionName.N` may name a Region the account has not enabled.
fn describe_regions(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let names = p.list("RegionName");
    let filters = p.filters()?;
    let all = p.bool("AllRegions")?.unwrap_or(false);
    filter::check_names(&filters, &["endpoint", "opt-in-status", "region-name"])?;
    cx.read()?;
    let regions = &cx.world().config.regions;
    for n in &names {
        if !regions.iter().any(|r| &r.name == n) {
            return Err(ApiError::new(
                ErrorCode::InvalidParameterValue,
                format!("Invalid region: [{n}]"),
            ));
        }
    }
    let none = TagSet::new();
    let mut x = Xml::new();
    x.list(
        "regionInfo",
        regions.iter().filter(|r| {
            (if names.is_empty() {
                all || r.enabled()
            } else {
                names.contains(&r.name)
            }) && filter::matches(&filters, &none, |f| match f {
                "endpoint" => filter::s(r.endpoint()),
                "opt-in-status" => filter::s(r.opt_in_status.as_str()),
                "region-name" => filter::s(&r.name),
                _ => Vec::new(),
            })
        }),
        |x, r| {
            x.leaf("regionName", &r.name)
                .leaf("regionEndpoint", r.endpoint())
                .leaf("optInStatus", r.opt_in_status.as_str());
        },
    );
    Ok(x)
}

const AZ_FILTERS: &[&str] = &[
    "group-long-name",
    "group-name",
    "message",
    "network-border-group",
    "opt-in-status",
    "parent-zone-id",
    "parent-zone-name",
    "region-name",
    "state",
    "zone-id",
    "zone-name",
    "zone-type",
];

/// DescribeAvailabilityZones (§10.4): the Region's zones as the caller names them.
/// `AllAvailabilityZones` would add Local and Wavelength Zones, which openvpc has none of.
fn describe_availability_zones(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let names = p.list("ZoneName");
    let ids = p.list("ZoneId");
    let filters: Vec<Filter> = p.filters()?;
    p.bool("AllAvailabilityZones")?;
    filter::check_names(&filters, AZ_FILTERS)?;
    cx.read()?;
    let ctx = cx.ctx();
    let region =
        cx.world().config.region(ctx.region()).ok_or_else(|| {
            ApiError::invalid_value(format!("Invalid region: [{}]", ctx.region()))
        })?;
    let zones = region.zones_for(ctx.account());
    // Named like DescribeRegions' "Invalid region: [name]".
    if let Some(bad) = names.iter().find(|n| !zones.iter().any(|z| &z.name == *n)) {
        return Err(ApiError::invalid_value(format!(
            "Invalid availability zone: [{bad}]"
        )));
    }
    if let Some(bad) = ids.iter().find(|i| !zones.iter().any(|z| &z.id == *i)) {
        return Err(ApiError::invalid_value(format!(
            "Invalid availability zone id: [{bad}]"
        )));
    }
    let group = format!("{}-zg-1", region.name);
    let group_long = format!("{} 1", region.long_name);
    let none = TagSet::new();
    let mut x = Xml::new();
    x.list(
        "availabilityZoneInfo",
        zones.iter().filter(|z| {
            (names.is_empty() || names.contains(&z.name))
                && (ids.is_empty() || ids.contains(&z.id))
                && filter::matches(&filters, &none, |f| match f {
                    "group-name" => filter::s(&group),
                    "group-long-name" => filter::s(&group_long),
                    "network-border-group" | "region-name" => filter::s(&region.name),
                    "opt-in-status" => filter::s("opt-in-not-required"),
                    "state" => filter::s("available"),
                    "zone-id" => filter::s(&z.id),
                    "zone-name" => filter::s(&z.name),
                    "zone-type" => filter::s("availability-zone"),
                    _ => Vec::new(),
                })
        }),
        |x, z| {
            x.leaf("optInStatus", "opt-in-not-required")
                .leaf("zoneId", &z.id)
                .leaf("groupName", &group)
                .leaf("networkBorderGroup", &region.name)
                .leaf("zoneType", "availability-zone")
                .leaf("groupLongName", &group_long)
                .leaf("zoneName", &z.name)
                .leaf("zoneState", "available")
                .leaf("regionName", &region.name)
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
        .in_scope(scope)
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
