//! One loader per describe output, mapping AWS's JSON onto the core's structs.
//!
//! This file holds the load order, the dispatch of each output's items to its loader, and
//! what every loader shares (tags, owners, [`Loaded`]); each family of resources has its
//! file of loaders; `finish` runs once every document is loaded.

mod endpoint;
mod finish;
mod firewall;
mod instances;
mod network;
mod peering;
mod prefix_list;
mod routes;
mod site_to_site;

use openvpc_core::{Scope, World};
use serde_json::Value;

use crate::json::{Obj, Res};
use crate::report::Report;
use crate::{address, elb, tgw};

pub use finish::finish;

/// The top-level keys understood, in load order.
const ORDER: &[&str] = &[
    "Vpcs",
    "Subnets",
    "InternetGateways",
    "VpnGateways",
    "CustomerGateways",
    "VpnConnections",
    "SecurityGroups",
    "NetworkAcls",
    "NetworkInterfaces",
    "Reservations",
    "NatGateways",
    "Addresses",
    "VpcPeeringConnections",
    "RouteTables",
    "TransitGateways",
    "TransitGatewayRouteTables",
    "TransitGatewayVpcAttachments",
    "TransitGatewayPeeringAttachments",
    "TransitGatewayAttachments",
    "Associations",
    "TransitGatewayRouteTablePropagations",
    "Routes",
    "TransitGatewayStaticRoutes",
    "TransitGatewayPropagations",
    "PrefixLists",
    "Entries",
    "TransitGatewayPrefixListReferences",
    "VpcEndpoints",
    "LoadBalancers",
    "TargetGroups",
    "Listeners",
    "TargetHealthDescriptions",
    "Attributes",
    "ServiceConfigurations",
    "KeyPairs",
];

/// Top-level keys that hold no resources (pagination): neither loaded nor reported.
const NOT_RESOURCES: &[&str] = &[
    "NextToken",
    "NextMarker",
    "Marker",
    "AdditionalRoutesAvailable",
];

/// What became of one described item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Loaded {
    /// Imported.
    Done,
    /// Not imported, for the reason its kind names ("application load balancers").
    Skipped(&'static str),
    /// Imported, leaving out this many of its parts, of the kind named.
    LeftOut(&'static str, usize),
}

fn done(_: ()) -> Loaded {
    Loaded::Done
}

/// Whether openvpc reads the top-level key `key`.
pub(crate) fn is_known_key(key: &str) -> bool {
    ORDER.contains(&key)
}

/// The load rank of a document (by its first known top-level key).
pub fn rank(doc: &Value) -> usize {
    ORDER
        .iter()
        .position(|k| doc.get(*k).is_some())
        .unwrap_or(ORDER.len())
}

/// Loads one describe document into the world for `scope`.
pub fn load_file(w: &mut World, scope: &Scope, doc: &Value) -> Res<()> {
    load_named(w, scope, doc, "")
}

/// Loads one describe document read from the file named `file_name`: outputs that do not
/// name what they belong to (`Entries` of a prefix list, `TargetHealthDescriptions` of a
/// target group, `Attributes` of a load balancer or target group) take it from the file
/// name.
pub fn load_named(w: &mut World, scope: &Scope, doc: &Value, file_name: &str) -> Res<()> {
    load_document(w, scope, doc, file_name, &mut Report::default())
}

/// As [`load_named`], noting in `report` what was loaded and what was not: items skipped
/// and top-level keys not understood, by kind.
pub fn load_document(
    w: &mut World,
    scope: &Scope,
    doc: &Value,
    file_name: &str,
    report: &mut Report,
) -> Res<()> {
    let root = Obj {
        value: doc,
        path: "",
    };
    let Some(map) = doc.as_object() else {
        return Err("expected a JSON object such as {\"Vpcs\": [...]}".into());
    };
    for key in ORDER {
        let items = root.list(key)?;
        match *key {
            "TargetHealthDescriptions" if map.contains_key(*key) => {
                let n = elb::target_health(w, &items, file_name, report)?;
                report.loaded(n);
            }
            "LoadBalancers" if !items.is_empty() => {
                let nodes = elb::nodes(w);
                for (path, item) in items {
                    let o = Obj {
                        value: item,
                        path: path.trim_start_matches('.'),
                    };
                    report.note(elb::load_balancer(w, scope, o, &nodes)?);
                }
            }
            "Attributes" if map.contains_key(*key) => {
                match elb::attributes(w, &items, file_name)? {
                    Loaded::Skipped(kind) => report.skip(kind, 1),
                    _ => report.loaded(items.len()),
                }
            }
            _ => {
                for (path, item) in items {
                    let o = Obj {
                        value: item,
                        path: path.trim_start_matches('.'),
                    };
                    let loaded = load_item(w, scope, key, o, file_name)?;
                    if !matches!(loaded, Loaded::Skipped(_)) {
                        load_tags(w, scope, key, o)?;
                    }
                    report.note(loaded);
                }
            }
        }
    }
    if map.get("AdditionalRoutesAvailable") == Some(&Value::Bool(true)) {
        report.warn(format!(
            "{file_name}: search-transit-gateway-routes printed only some of the table's routes \
             (AdditionalRoutesAvailable); export the rest with narrower --filters"
        ));
    }
    for (key, value) in map {
        if !is_known_key(key) && !NOT_RESOURCES.contains(&key.as_str()) {
            let count = value.as_array().map_or(1, Vec::len);
            report.skip_key(key, count);
        }
    }
    Ok(())
}

/// Loads one item of the output whose top-level key is `key`.
fn load_item(w: &mut World, scope: &Scope, key: &str, o: Obj, file_name: &str) -> Res<Loaded> {
    Ok(match key {
        "Vpcs" => network::vpc(w, scope, o).map(done)?,
        "Subnets" => network::subnet(w, scope, o).map(done)?,
        "InternetGateways" => network::igw(w, scope, o).map(done)?,
        "VpnGateways" => site_to_site::vpn_gateway(w, scope, o)?,
        "CustomerGateways" => site_to_site::customer_gateway(w, scope, o)?,
        "VpnConnections" => site_to_site::vpn_connection(w, scope, o)?,
        "SecurityGroups" => firewall::security_group(w, scope, o).map(done)?,
        "NetworkAcls" => firewall::nacl(w, scope, o).map(done)?,
        "NetworkInterfaces" => instances::network_interface(w, scope, o).map(done)?,
        "Reservations" => instances::reservation(w, scope, o)?,
        "NatGateways" => network::nat(w, scope, o)?,
        "Addresses" => address::address(w, scope, o)?,
        "VpcPeeringConnections" => peering::peering(w, scope, o).map(done)?,
        "RouteTables" => routes::route_table(w, scope, o)?,
        "PrefixLists" => prefix_list::prefix_list(w, scope, o).map(done)?,
        "Entries" => prefix_list::prefix_list_entry(w, scope, o, file_name).map(done)?,
        "VpcEndpoints" => endpoint::vpc_endpoint(w, scope, o)?,
        "TargetGroups" => elb::target_group(w, scope, o).map(done)?,
        "Listeners" => elb::listener(w, scope, o)?,
        "ServiceConfigurations" => endpoint::service_configuration(w, scope, o)?,
        "KeyPairs" => instances::key_pair(w, scope, o).map(done)?,
        "TransitGateways" => tgw::transit_gateway(w, scope, o)?,
        "TransitGatewayRouteTables" => tgw::route_table(w, scope, o)?,
        "TransitGatewayVpcAttachments" => tgw::vpc_attachment(w, scope, o)?,
        "TransitGatewayPeeringAttachments" => crate::tgw_peering::peering_attachment(w, o)?,
        "TransitGatewayAttachments" => tgw::attachment(w, scope, o)?,
        "TransitGatewayPrefixListReferences" => tgw::prefix_list_reference(w, o)?,
        "Associations" => tgw::association(w, o, file_name)?,
        "TransitGatewayRouteTablePropagations" => tgw::propagation(w, o, file_name)?,
        "Routes" => tgw::route(w, o, file_name)?,
        "TransitGatewayStaticRoutes" | "TransitGatewayPropagations" => tgw::per_table(w, key, o)?,
        _ => Loaded::Done,
    })
}

/// The id field of each document kind, for tags.
fn id_field(key: &str) -> Option<&'static str> {
    Some(match key {
        "Vpcs" => "VpcId",
        "Subnets" => "SubnetId",
        "InternetGateways" => "InternetGatewayId",
        "VpnGateways" => "VpnGatewayId",
        "CustomerGateways" => "CustomerGatewayId",
        "VpnConnections" => "VpnConnectionId",
        "SecurityGroups" => "GroupId",
        "NetworkAcls" => "NetworkAclId",
        "NetworkInterfaces" => "NetworkInterfaceId",
        "NatGateways" => "NatGatewayId",
        "VpcPeeringConnections" => "VpcPeeringConnectionId",
        "RouteTables" => "RouteTableId",
        "PrefixLists" => "PrefixListId",
        "VpcEndpoints" => "VpcEndpointId",
        "Addresses" => "AllocationId",
        "KeyPairs" => "KeyPairId",
        "TransitGateways" => "TransitGatewayId",
        "TransitGatewayRouteTables" => "TransitGatewayRouteTableId",
        "TransitGatewayVpcAttachments" => "TransitGatewayAttachmentId",
        "TransitGatewayPeeringAttachments" => "TransitGatewayAttachmentId",
        _ => return None,
    })
}

/// Copies an item's `Tags` (or `TagSet`) into the view of the scope that exported it.
fn load_tags(w: &mut World, scope: &Scope, key: &str, o: Obj) -> Res<()> {
    let Some(field) = id_field(key) else {
        return Ok(());
    };
    let id = o.str(field)?;
    let mut list = o.list("Tags")?;
    list.extend(o.list("TagSet")?);
    for (path, t) in list {
        let t = Obj {
            value: t,
            path: &path,
        };
        let (k, v) = (t.str("Key")?, t.opt_str("Value")?.unwrap_or_default());
        w.tags
            .entry(scope.clone())
            .or_default()
            .entry(id.clone())
            .or_default()
            .insert(k, v);
    }
    Ok(())
}

fn owner(scope: &Scope, o: &Obj) -> Res<Scope> {
    Ok(match o.opt_str("OwnerId")? {
        Some(acct) => Scope::new(&acct, &scope.region),
        None => scope.clone(),
    })
}
