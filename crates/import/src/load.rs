//! One loader per describe output, mapping AWS's JSON onto the core's structs.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use openvpc_core::endpoint::{
    DnsOptions, EndpointInterface, EndpointType, LastError, State as EndpointState, SubnetChoice,
    VpcEndpoint,
};
use openvpc_core::endpoint_service::{EndpointService, ServiceState, ServiceType};
use openvpc_core::eni::{self, Attachment, Instance, InstanceState, NetworkInterface};
use openvpc_core::gateway::{InternetGateway, NatGateway, NatState};
use openvpc_core::nacl::{AclAssociation, Entry, EntryCidr, NetworkAcl, RuleAction};
use openvpc_core::peering::{Blocks, Options, Peering, Side, Status};
use openvpc_core::prefix_list as pl;
use openvpc_core::route::{Association, Destination, Origin, Route, RouteTable, Target};
use openvpc_core::sg::{Peer, Rule, SecurityGroup};
use openvpc_core::subnet::{Subnet, SubnetIpv6};
use openvpc_core::vpc::{CidrAssociation, Ipv6Association, Vpc};
use openvpc_core::{cidr, keypair, subnet, vpn, Kind, Scope, World};
use serde_json::Value;

use crate::json::{addr, cidr as parse_cidr, Obj, Res};
use crate::report::Report;
use crate::{address, elb, tgw};

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
        "Vpcs" => vpc(w, scope, o).map(done)?,
        "Subnets" => subnet(w, scope, o).map(done)?,
        "InternetGateways" => igw(w, scope, o).map(done)?,
        "VpnGateways" => vpn_gateway(w, scope, o)?,
        "CustomerGateways" => customer_gateway(w, scope, o)?,
        "VpnConnections" => vpn_connection(w, scope, o)?,
        "SecurityGroups" => security_group(w, scope, o).map(done)?,
        "NetworkAcls" => nacl(w, scope, o).map(done)?,
        "NetworkInterfaces" => network_interface(w, scope, o).map(done)?,
        "Reservations" => reservation(w, scope, o)?,
        "NatGateways" => nat(w, scope, o)?,
        "Addresses" => address::address(w, scope, o)?,
        "VpcPeeringConnections" => peering(w, scope, o).map(done)?,
        "RouteTables" => route_table(w, scope, o)?,
        "PrefixLists" => prefix_list(w, scope, o).map(done)?,
        "Entries" => prefix_list_entry(w, scope, o, file_name).map(done)?,
        "VpcEndpoints" => vpc_endpoint(w, scope, o)?,
        "TargetGroups" => elb::target_group(w, scope, o).map(done)?,
        "Listeners" => elb::listener(w, scope, o)?,
        "ServiceConfigurations" => service_configuration(w, scope, o)?,
        "KeyPairs" => key_pair(w, scope, o).map(done)?,
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

fn vpc(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
    let id = o.str("VpcId")?;
    let mut cidrs = Vec::new();
    for (path, a) in o.list("CidrBlockAssociationSet")? {
        let a = Obj {
            value: a,
            path: &path,
        };
        if a.field("CidrBlockState")
            .and_then(|s| s.get("State"))
            .and_then(Value::as_str)
            .is_some_and(|s| s != "associated")
        {
            continue;
        }
        let raw = a.str("CidrBlock")?;
        cidrs.push(CidrAssociation {
            association_id: a.opt_str("AssociationId")?.unwrap_or_default(),
            cidr: parse_cidr::<Ipv4Net>(&a, "CidrBlock", &raw)?.trunc(),
        });
    }
    if cidrs.is_empty() {
        let raw = o.str("CidrBlock")?;
        cidrs.push(CidrAssociation {
            association_id: String::new(),
            cidr: parse_cidr::<Ipv4Net>(&o, "CidrBlock", &raw)?.trunc(),
        });
    }
    let mut ipv6_cidrs = Vec::new();
    for (path, a) in o.list("Ipv6CidrBlockAssociationSet")? {
        let a = Obj {
            value: a,
            path: &path,
        };
        let raw = a.str("Ipv6CidrBlock")?;
        ipv6_cidrs.push(Ipv6Association {
            association_id: a.opt_str("AssociationId")?.unwrap_or_default(),
            cidr: parse_cidr::<Ipv6Net>(&a, "Ipv6CidrBlock", &raw)?.trunc(),
            border_group: a
                .opt_str("NetworkBorderGroup")?
                .unwrap_or_else(|| scope.region.clone()),
        });
    }
    w.vpcs.insert(Vpc {
        id,
        scope: owner(scope, &o)?,
        cidrs,
        ipv6_cidrs,
        is_default: o.opt_bool("IsDefault")?.unwrap_or(false),
        instance_tenancy: o
            .opt_str("InstanceTenancy")?
            .unwrap_or_else(|| "default".into()),
        dhcp_options_id: o.opt_str("DhcpOptionsId")?.unwrap_or_default(),
        enable_dns_support: true,
        enable_dns_hostnames: o.opt_bool("IsDefault")?.unwrap_or(false),
        enable_network_address_usage_metrics: false,
        main_route_table_id: String::new(),
        default_security_group_id: String::new(),
        default_network_acl_id: String::new(),
        created: 0,
    });
    Ok(())
}

fn subnet(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
    // An IPv6-only subnet has no IPv4 block; any other must have one.
    let native = o.opt_bool("Ipv6Native")?.unwrap_or(false);
    let cidr = match o.opt_str("CidrBlock")? {
        None if native => None,
        raw => {
            let raw = raw.map_or_else(|| o.str("CidrBlock"), Ok)?;
            Some(parse_cidr::<Ipv4Net>(&o, "CidrBlock", &raw)?.trunc())
        }
    };
    let mut launch = subnet::LaunchOptions::default();
    if native {
        launch.hostname_type = subnet::HOSTNAME_TYPES[1].to_string();
    }
    let mut ipv6_cidrs = Vec::new();
    for (path, a) in o.list("Ipv6CidrBlockAssociationSet")? {
        let a = Obj {
            value: a,
            path: &path,
        };
        let raw6 = a.str("Ipv6CidrBlock")?;
        ipv6_cidrs.push(SubnetIpv6 {
            association_id: a.opt_str("AssociationId")?.unwrap_or_default(),
            cidr: parse_cidr::<Ipv6Net>(&a, "Ipv6CidrBlock", &raw6)?,
        });
    }
    w.subnets.insert(Subnet {
        id: o.str("SubnetId")?,
        scope: owner(scope, &o)?,
        vpc_id: o.str("VpcId")?,
        cidr,
        ipv6_cidrs,
        availability_zone: o.opt_str("AvailabilityZone")?.unwrap_or_default(),
        availability_zone_id: o.opt_str("AvailabilityZoneId")?.unwrap_or_default(),
        default_for_az: o.opt_bool("DefaultForAz")?.unwrap_or(false),
        map_public_ip_on_launch: o.opt_bool("MapPublicIpOnLaunch")?.unwrap_or(false),
        assign_ipv6_on_creation: o.opt_bool("AssignIpv6AddressOnCreation")?.unwrap_or(native),
        launch,
        used: Default::default(),
        created: 0,
    });
    Ok(())
}

fn igw(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
    let mut attachment = None;
    for (path, a) in o.list("Attachments")? {
        attachment = Some(
            Obj {
                value: a,
                path: &path,
            }
            .str("VpcId")?,
        );
    }
    w.internet_gateways.insert(InternetGateway {
        id: o.str("InternetGatewayId")?,
        scope: owner(scope, &o)?,
        attachment,
    });
    Ok(())
}

/// Whether a VPN resource's `State` says it is gone (`deleting`, `deleted`): not imported.
fn vpn_gone(o: &Obj) -> Res<bool> {
    Ok(matches!(
        o.opt_str("State")?.as_deref(),
        Some("deleting" | "deleted")
    ))
}

/// An ASN field: AWS prints a gateway's as a number and a customer gateway's as a string.
fn asn_of(o: &Obj, name: &str) -> Res<Option<u64>> {
    match o.field(name) {
        None => Ok(None),
        Some(Value::String(s)) => s
            .parse()
            .map(Some)
            .map_err(|_| format!("field `{}.{name}`: `{s}` is not an ASN", o.path)),
        Some(v) => v
            .as_u64()
            .map(Some)
            .ok_or_else(|| format!("field `{}.{name}`: expected an ASN", o.path)),
    }
}

/// `VpnGateways` of `describe-vpn-gateways`.
fn vpn_gateway(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
    if vpn_gone(&o)? {
        return Ok(Loaded::Skipped("deleted VPN gateways"));
    }
    let mut attachments = Vec::new();
    for (path, a) in o.list("VpcAttachments")? {
        let a = Obj {
            value: a,
            path: &path,
        };
        let state = a.opt_str("State")?;
        attachments.push(vpn::VgwAttachment {
            vpc_id: a.str("VpcId")?,
            attached: matches!(state.as_deref(), Some("attached" | "attaching")),
        });
    }
    w.vpn_gateways.insert(vpn::VpnGateway {
        id: o.str("VpnGatewayId")?,
        scope: scope.clone(),
        availability_zone: o.opt_str("AvailabilityZone")?,
        amazon_side_asn: asn_of(&o, "AmazonSideAsn")?.unwrap_or(vpn::DEFAULT_AMAZON_ASN),
        state: vpn::State::Available,
        attachments,
        purge_at: None,
    });
    Ok(Loaded::Done)
}

/// `CustomerGateways` of `describe-customer-gateways`.
fn customer_gateway(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
    if vpn_gone(&o)? {
        return Ok(Loaded::Skipped("deleted customer gateways"));
    }
    let raw = o.str("IpAddress")?;
    let asn = match asn_of(&o, "BgpAsnExtended")? {
        Some(a) => a,
        None => asn_of(&o, "BgpAsn")?.unwrap_or(vpn::DEFAULT_CUSTOMER_ASN),
    };
    w.customer_gateways.insert(vpn::CustomerGateway {
        id: o.str("CustomerGatewayId")?,
        scope: scope.clone(),
        ip_address: addr(&o, "IpAddress", &raw)?,
        bgp_asn: asn,
        device_name: o.opt_str("DeviceName")?,
        certificate_arn: o.opt_str("CertificateArn")?,
        state: vpn::State::Available,
        purge_at: None,
    });
    Ok(Loaded::Done)
}

/// `KeyPairs` of `describe-key-pairs` (with `--include-public-key` for the public key).
fn key_pair(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
    let key_type = match o.opt_str("KeyType")? {
        None => keypair::KeyType::Rsa,
        Some(t) => keypair::KeyType::parse(&t).ok_or_else(|| {
            format!(
                "field `{}.KeyType`: expected rsa or ed25519, got {t}",
                o.path
            )
        })?,
    };
    w.key_pairs.insert(keypair::KeyPair {
        id: o.str("KeyPairId")?,
        scope: scope.clone(),
        name: o.str("KeyName")?,
        key_type,
        fingerprint: o.opt_str("KeyFingerprint")?.unwrap_or_default(),
        public_key: o.opt_str("PublicKey")?.unwrap_or_default(),
        created: 0,
    });
    Ok(())
}

/// `VpnConnections` of `describe-vpn-connections` (to a virtual private gateway or a transit
/// gateway; the transit gateway's VPN attachment comes from
/// `describe-transit-gateway-attachments`).
fn vpn_connection(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
    if vpn_gone(&o)? {
        return Ok(Loaded::Skipped("deleted VPN connections"));
    }
    let transit_gateway_id = o.opt_str("TransitGatewayId")?;
    let vgw = match (o.opt_str("VpnGatewayId")?, &transit_gateway_id) {
        (Some(vgw), _) => vgw,
        (None, Some(_)) => String::new(),
        (None, None) => return Ok(Loaded::Skipped("VPN connections without a gateway")),
    };
    let options = o.child("Options").unwrap_or(Value::Null);
    let opts = Obj {
        value: &options,
        path: &format!("{}.Options", o.path),
    };
    let net = |name: &str| -> Res<Ipv4Net> {
        match opts.opt_str(name)? {
            Some(raw) => parse_cidr(&opts, name, &raw),
            None => Ok(Ipv4Net::default()),
        }
    };
    let mut routes = Vec::new();
    for (path, r) in o.list("Routes")? {
        let r = Obj {
            value: r,
            path: &path,
        };
        if matches!(r.opt_str("State")?.as_deref(), Some("deleting" | "deleted")) {
            continue;
        }
        let raw = r.str("DestinationCidrBlock")?;
        let destination: Ipv4Net = parse_cidr(&r, "DestinationCidrBlock", &raw)?;
        routes.push(vpn::VpnRoute {
            destination: destination.trunc(),
        });
    }
    let mut outside = Vec::new();
    for (path, t) in o.list("VgwTelemetry")? {
        let t = Obj {
            value: t,
            path: &path,
        };
        if let Some(raw) = t.opt_str("OutsideIpAddress")? {
            outside.push(addr::<Ipv4Addr>(&t, "OutsideIpAddress", &raw)?);
        }
    }
    let unspecified = Ipv4Addr::UNSPECIFIED;
    w.vpn_connections.insert(vpn::VpnConnection {
        id: o.str("VpnConnectionId")?,
        scope: scope.clone(),
        customer_gateway_id: o.str("CustomerGatewayId")?,
        vpn_gateway_id: vgw,
        transit_gateway_id,
        static_routes_only: opts.opt_bool("StaticRoutesOnly")?.unwrap_or(false),
        local_ipv4_network_cidr: net("LocalIpv4NetworkCidr")?,
        remote_ipv4_network_cidr: net("RemoteIpv4NetworkCidr")?,
        outside_ips: [
            outside.first().copied().unwrap_or(unspecified),
            outside.get(1).copied().unwrap_or(unspecified),
        ],
        routes,
        state: vpn::State::Available,
        created: 0,
        purge_at: None,
    });
    Ok(Loaded::Done)
}

fn sg_rules(w: &mut World, o: &Obj, list: &str, account: &str) -> Res<Vec<Rule>> {
    let mut rules = Vec::new();
    for (path, p) in o.list(list)? {
        let p = Obj {
            value: p,
            path: &path,
        };
        let protocol = p.protocol("IpProtocol")?;
        let from_port = p.opt_int("FromPort")?.map(|v| v as i32);
        let to_port = p.opt_int("ToPort")?.map(|v| v as i32);
        let mut peers = Vec::new();
        for (path, r) in p.list("IpRanges")? {
            let r = Obj {
                value: r,
                path: &path,
            };
            let raw = r.str("CidrIp")?;
            peers.push((
                Peer::V4(parse_cidr::<Ipv4Net>(&r, "CidrIp", &raw)?.trunc()),
                r.opt_str("Description")?,
            ));
        }
        for (path, r) in p.list("Ipv6Ranges")? {
            let r = Obj {
                value: r,
                path: &path,
            };
            let raw = r.str("CidrIpv6")?;
            peers.push((
                Peer::V6(parse_cidr::<Ipv6Net>(&r, "CidrIpv6", &raw)?.trunc()),
                r.opt_str("Description")?,
            ));
        }
        for (path, r) in p.list("PrefixListIds")? {
            let r = Obj {
                value: r,
                path: &path,
            };
            peers.push((
                Peer::PrefixList(r.str("PrefixListId")?),
                r.opt_str("Description")?,
            ));
        }
        for (path, r) in p.list("UserIdGroupPairs")? {
            let r = Obj {
                value: r,
                path: &path,
            };
            peers.push((
                Peer::Group {
                    group_id: r.str("GroupId")?,
                    user_id: r.opt_str("UserId")?.unwrap_or_else(|| account.to_string()),
                    vpc_id: r.opt_str("VpcId")?,
                    vpc_peering_connection_id: r.opt_str("VpcPeeringConnectionId")?,
                },
                r.opt_str("Description")?,
            ));
        }
        for (peer, description) in peers {
            rules.push(Rule {
                rule_id: w.ids.id(Kind::SecurityGroupRule),
                protocol,
                from_port,
                to_port,
                peer,
                description,
            });
        }
    }
    Ok(rules)
}

fn security_group(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
    let owner = owner(scope, &o)?;
    let ingress = sg_rules(w, &o, "IpPermissions", &owner.account)?;
    let egress = sg_rules(w, &o, "IpPermissionsEgress", &owner.account)?;
    w.security_groups.insert(SecurityGroup {
        id: o.str("GroupId")?,
        scope: owner,
        vpc_id: o.str("VpcId")?,
        name: o.opt_str("GroupName")?.unwrap_or_default(),
        description: o.opt_str("Description")?.unwrap_or_default(),
        ingress,
        egress,
    });
    Ok(())
}

fn nacl(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
    let mut entries = Vec::new();
    for (path, e) in o.list("Entries")? {
        let e = Obj {
            value: e,
            path: &path,
        };
        let cidr = match (e.opt_str("CidrBlock")?, e.opt_str("Ipv6CidrBlock")?) {
            (Some(raw), _) => EntryCidr::V4(parse_cidr::<Ipv4Net>(&e, "CidrBlock", &raw)?.trunc()),
            (None, Some(raw)) => {
                EntryCidr::V6(parse_cidr::<Ipv6Net>(&e, "Ipv6CidrBlock", &raw)?.trunc())
            }
            (None, None) => {
                return Err(format!("field `{path}`: needs CidrBlock or Ipv6CidrBlock"))
            }
        };
        let action = match e.str("RuleAction")?.as_str() {
            "allow" => RuleAction::Allow,
            "deny" => RuleAction::Deny,
            other => {
                return Err(format!(
                    "field `{path}.RuleAction`: `{other}` is not allow or deny"
                ))
            }
        };
        let icmp = match e.child("IcmpTypeCode") {
            Some(v) => {
                let t = Obj {
                    value: &v,
                    path: &path,
                };
                Some((
                    t.opt_int("Type")?.unwrap_or(-1) as i32,
                    t.opt_int("Code")?.unwrap_or(-1) as i32,
                ))
            }
            None => None,
        };
        let port_range = match e.child("PortRange") {
            Some(v) => {
                let r = Obj {
                    value: &v,
                    path: &path,
                };
                Some((
                    r.opt_int("From")?.unwrap_or(0) as u16,
                    r.opt_int("To")?.unwrap_or(65535) as u16,
                ))
            }
            None => None,
        };
        entries.push(Entry {
            rule_number: e.opt_int("RuleNumber")?.unwrap_or(32767) as u32,
            egress: e.opt_bool("Egress")?.unwrap_or(false),
            protocol: e.protocol("Protocol")?,
            action,
            cidr,
            icmp,
            port_range,
        });
    }
    let mut associations = Vec::new();
    for (path, a) in o.list("Associations")? {
        let a = Obj {
            value: a,
            path: &path,
        };
        associations.push(AclAssociation {
            id: a.opt_str("NetworkAclAssociationId")?.unwrap_or_default(),
            subnet_id: a.str("SubnetId")?,
        });
    }
    w.network_acls.insert(NetworkAcl {
        id: o.str("NetworkAclId")?,
        scope: owner(scope, &o)?,
        vpc_id: o.str("VpcId")?,
        is_default: o.opt_bool("IsDefault")?.unwrap_or(false),
        entries,
        associations,
    });
    Ok(())
}

/// The `GroupId`s of an object's `Groups`.
fn group_ids(o: &Obj) -> Res<Vec<String>> {
    let mut groups = Vec::new();
    for (path, g) in o.list("Groups")? {
        groups.push(
            Obj {
                value: g,
                path: &path,
            }
            .str("GroupId")?,
        );
    }
    Ok(groups)
}

/// An interface's private IPv4 addresses, primary first.
fn private_ips_of(o: &Obj) -> Res<Vec<Ipv4Addr>> {
    let mut private_ips = Vec::new();
    for (path, a) in o.list("PrivateIpAddresses")? {
        let a = Obj {
            value: a,
            path: &path,
        };
        let raw = a.str("PrivateIpAddress")?;
        let ip: Ipv4Addr = addr(&a, "PrivateIpAddress", &raw)?;
        if a.opt_bool("Primary")?.unwrap_or(false) {
            private_ips.insert(0, ip);
        } else {
            private_ips.push(ip);
        }
    }
    // An IPv6-only interface (`Ipv6Native`) has no private IPv4 address.
    if private_ips.is_empty() && !o.opt_bool("Ipv6Native")?.unwrap_or(false) {
        let raw = o.str("PrivateIpAddress")?;
        private_ips.push(addr(o, "PrivateIpAddress", &raw)?);
    }
    Ok(private_ips)
}

/// An interface's `Attachment`, if any.
fn attachment_of(o: &Obj) -> Res<Option<Attachment>> {
    Ok(match o.child("Attachment") {
        Some(v) => {
            let a = Obj {
                value: &v,
                path: "Attachment",
            };
            Some(Attachment {
                id: a.opt_str("AttachmentId")?.unwrap_or_default(),
                instance_id: a.opt_str("InstanceId")?,
                instance_owner_id: a.opt_str("InstanceOwnerId")?.unwrap_or_default(),
                device_index: a.opt_int("DeviceIndex")?.unwrap_or(0) as u32,
                delete_on_termination: a.opt_bool("DeleteOnTermination")?.unwrap_or(false),
                attach_time: 0,
            })
        }
        None => None,
    })
}

fn network_interface(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
    let id = o.str("NetworkInterfaceId")?;
    let private_ips = private_ips_of(&o)?;
    let mut public_ip = None;
    let mut allocation = None;
    if let Some(v) = o.child("Association") {
        let a = Obj {
            value: &v,
            path: "Association",
        };
        if let Some(raw) = a.opt_str("PublicIp")? {
            public_ip = Some(addr(&a, "PublicIp", &raw)?);
        }
        allocation = a.opt_str("AllocationId")?;
    }
    let mut ipv6_addresses = Vec::new();
    for (path, a) in o.list("Ipv6Addresses")? {
        let a = Obj {
            value: a,
            path: &path,
        };
        let raw = a.str("Ipv6Address")?;
        ipv6_addresses.push(addr::<Ipv6Addr>(&a, "Ipv6Address", &raw)?);
    }
    let ipv4_prefixes = prefixes_of::<Ipv4Net>(&o, "Ipv4Prefixes", "Ipv4Prefix")?;
    let ipv6_prefixes = prefixes_of::<Ipv6Net>(&o, "Ipv6Prefixes", "Ipv6Prefix")?;
    let groups = group_ids(&o)?;
    let attachment = attachment_of(&o)?;
    let subnet_id = o.str("SubnetId")?;
    let availability_zone = o.opt_str("AvailabilityZone")?.unwrap_or_else(|| {
        w.subnets
            .get(&subnet_id)
            .map(|s| s.availability_zone.clone())
            .unwrap_or_default()
    });
    eni::insert_existing(
        w,
        NetworkInterface {
            id,
            scope: owner(scope, &o)?,
            vpc_id: o.str("VpcId")?,
            subnet_id,
            availability_zone,
            private_ips,
            ipv6_addresses,
            ipv4_prefixes,
            ipv6_prefixes,
            groups,
            source_dest_check: o.opt_bool("SourceDestCheck")?.unwrap_or(true),
            interface_type: o
                .opt_str("InterfaceType")?
                .unwrap_or_else(|| "interface".into()),
            requester_managed: o.opt_bool("RequesterManaged")?.unwrap_or(false),
            requester_id: o.opt_str("RequesterId")?,
            description: o.opt_str("Description")?.unwrap_or_default(),
            mac_address: o.opt_str("MacAddress")?.unwrap_or_default(),
            attachment,
            public_ip,
            public_ip_allocation_id: allocation,
            created: 0,
        },
    );
    Ok(())
}

/// An interface's delegated prefixes: `list[].member` CIDRs.
fn prefixes_of<T: std::str::FromStr>(o: &Obj, list: &str, member: &str) -> Res<Vec<T>> {
    let mut out = Vec::new();
    for (path, p) in o.list(list)? {
        let p = Obj {
            value: p,
            path: &path,
        };
        let raw = p.str(member)?;
        out.push(parse_cidr(&p, member, &raw)?);
    }
    Ok(out)
}

fn reservation(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
    let reservation_id = o.opt_str("ReservationId")?.unwrap_or_default();
    let scope = owner(scope, &o)?;
    let mut terminated = 0;
    for (path, i) in o.list("Instances")? {
        let i = Obj {
            value: i,
            path: &path,
        };
        let id = i.str("InstanceId")?;
        let state = i
            .field("State")
            .and_then(|s| s.get("Name"))
            .and_then(Value::as_str)
            .unwrap_or("running");
        if state == "terminated" {
            terminated += 1;
            continue;
        }
        let mut primary = None;
        for (path, n) in i.list("NetworkInterfaces")? {
            let n = Obj {
                value: n,
                path: &path,
            };
            let eni_id = n.str("NetworkInterfaceId")?;
            if w.network_interfaces.get(&eni_id).is_none() {
                // Interfaces only listed inside the instance: build them from there.
                let mut doc = n.value.clone();
                if let Some(map) = doc.as_object_mut() {
                    map.entry("VpcId")
                        .or_insert_with(|| i.value.get("VpcId").cloned().unwrap_or(Value::Null));
                    map.entry("SubnetId")
                        .or_insert_with(|| i.value.get("SubnetId").cloned().unwrap_or(Value::Null));
                }
                network_interface(
                    w,
                    &scope,
                    Obj {
                        value: &doc,
                        path: &path,
                    },
                )?;
            }
            let device = n
                .field("Attachment")
                .and_then(|a| a.get("DeviceIndex"))
                .and_then(Value::as_i64)
                .unwrap_or(0);
            if device == 0 {
                primary = Some(eni_id);
            }
        }
        let Some(network_interface_id) = primary else {
            continue;
        };
        w.instances.insert(Instance {
            id,
            scope: scope.clone(),
            reservation_id: reservation_id.clone(),
            vpc_id: i.opt_str("VpcId")?.unwrap_or_default(),
            subnet_id: i.opt_str("SubnetId")?.unwrap_or_default(),
            network_interface_id,
            image_id: i.opt_str("ImageId")?.unwrap_or_default(),
            instance_type: i.opt_str("InstanceType")?.unwrap_or_default(),
            state: InstanceState::Running,
            launch_time: 0,
            terminated: None,
            details: Default::default(),
        });
    }
    Ok(match terminated {
        0 => Loaded::Done,
        n => Loaded::LeftOut("terminated instances", n),
    })
}

fn nat(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
    let state = match o.opt_str("State")?.as_deref() {
        Some("pending") => NatState::Pending,
        Some("failed") => NatState::Failed,
        Some("deleting") => NatState::Deleting,
        Some("deleted") => return Ok(Loaded::Skipped("deleted NAT gateways")),
        _ => NatState::Available,
    };
    let mut first = None;
    for (path, a) in o.list("NatGatewayAddresses")? {
        let a = Obj {
            value: a,
            path: &path,
        };
        let private_ip = match a.opt_str("PrivateIp")? {
            Some(raw) => Some(addr::<Ipv4Addr>(&a, "PrivateIp", &raw)?),
            None => None,
        };
        let public_ip = match a.opt_str("PublicIp")? {
            Some(raw) => Some(addr::<Ipv4Addr>(&a, "PublicIp", &raw)?),
            None => None,
        };
        first.get_or_insert((
            a.opt_str("AllocationId")?,
            a.opt_str("AssociationId")?,
            a.opt_str("NetworkInterfaceId")?,
            private_ip,
            public_ip,
        ));
    }
    let (allocation_id, association_id, network_interface_id, private_ip, public_ip) =
        first.unwrap_or_default();
    w.nat_gateways.insert(NatGateway {
        id: o.str("NatGatewayId")?,
        scope: owner(scope, &o)?,
        vpc_id: o.str("VpcId")?,
        subnet_id: o.str("SubnetId")?,
        public: o.opt_str("ConnectivityType")?.as_deref() != Some("private"),
        allocation_id,
        association_id,
        network_interface_id,
        private_ip,
        public_ip,
        state,
        failure: None,
        created: 0,
        deleted: None,
        step_due: 0,
    });
    Ok(Loaded::Done)
}

fn side(o: &Obj, name: &str) -> Res<(Side, Blocks)> {
    let v = o
        .child(name)
        .ok_or_else(|| format!("field `{}.{name}`: missing", o.path))?;
    let path = format!("{}.{name}", o.path);
    let s = Obj {
        value: &v,
        path: &path,
    };
    let mut blocks = Blocks::default();
    for (p, c) in s.list("CidrBlockSet")? {
        let c = Obj { value: c, path: &p };
        let raw = c.str("CidrBlock")?;
        blocks
            .v4
            .push(parse_cidr::<Ipv4Net>(&c, "CidrBlock", &raw)?.trunc());
    }
    if blocks.v4.is_empty() {
        if let Some(raw) = s.opt_str("CidrBlock")? {
            blocks
                .v4
                .push(parse_cidr::<Ipv4Net>(&s, "CidrBlock", &raw)?.trunc());
        }
    }
    for (p, c) in s.list("Ipv6CidrBlockSet")? {
        let c = Obj { value: c, path: &p };
        let raw = c.str("Ipv6CidrBlock")?;
        blocks
            .v6
            .push(parse_cidr::<Ipv6Net>(&c, "Ipv6CidrBlock", &raw)?.trunc());
    }
    Ok((
        Side {
            account: s.str("OwnerId")?,
            region: s.opt_str("Region")?.unwrap_or_default(),
            vpc_id: s.str("VpcId")?,
        },
        blocks,
    ))
}

fn peering(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
    let id = o.str("VpcPeeringConnectionId")?;
    if w.peerings.get(&id).is_some() {
        return Ok(()); // seen from the other side already
    }
    let (mut requester, requester_blocks) = side(&o, "RequesterVpcInfo")?;
    let (mut accepter, accepter_blocks) = side(&o, "AccepterVpcInfo")?;
    for s in [&mut requester, &mut accepter] {
        if s.region.is_empty() {
            s.region = scope.region.clone();
        }
    }
    let code = o
        .field("Status")
        .and_then(|s| s.get("Code"))
        .and_then(Value::as_str)
        .unwrap_or("active");
    let status = match code {
        "initiating-request" => Status::InitiatingRequest,
        "pending-acceptance" => Status::PendingAcceptance,
        "provisioning" => Status::Provisioning,
        "active" => Status::Active,
        "deleting" => Status::Deleting,
        "deleted" => Status::Deleted,
        "rejected" => Status::Rejected,
        "failed" => Status::Failed,
        "expired" => Status::Expired,
        other => {
            return Err(format!(
                "field `{}.Status.Code`: unknown status `{other}`",
                o.path
            ))
        }
    };
    let message = o
        .field("Status")
        .and_then(|s| s.get("Message"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    w.peerings.insert(Peering {
        id,
        requester,
        accepter,
        status,
        message,
        created: 0,
        expiration: i64::MAX,
        step_due: 0,
        accepted: matches!(status, Status::Active | Status::Provisioning).then_some(0),
        requester_options: Options::default(),
        accepter_options: Some(Options::default()),
        requester_blocks,
        accepter_blocks,
        requester_until: None,
        accepter_until: None,
        deleted_by: None,
    });
    Ok(())
}

fn route_table(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
    let mut routes = Vec::new();
    let mut unmodelled = 0;
    for (path, r) in o.list("Routes")? {
        let r = Obj {
            value: r,
            path: &path,
        };
        let destination = if let Some(raw) = r.opt_str("DestinationCidrBlock")? {
            Destination::V4(parse_cidr::<Ipv4Net>(&r, "DestinationCidrBlock", &raw)?.trunc())
        } else if let Some(raw) = r.opt_str("DestinationIpv6CidrBlock")? {
            Destination::V6(parse_cidr::<Ipv6Net>(&r, "DestinationIpv6CidrBlock", &raw)?.trunc())
        } else if let Some(pl) = r.opt_str("DestinationPrefixListId")? {
            Destination::PrefixList(pl)
        } else {
            return Err(format!("field `{path}`: a route needs a destination"));
        };
        let target = if let Some(g) = r.opt_str("GatewayId")? {
            Target::of_gateway_id(g)
        } else if let Some(id) = r.opt_str("NatGatewayId")? {
            Target::NatGateway(id)
        } else if let Some(id) = r.opt_str("VpcPeeringConnectionId")? {
            Target::VpcPeeringConnection(id)
        } else if let Some(id) = r.opt_str("EgressOnlyInternetGatewayId")? {
            Target::EgressOnlyInternetGateway(id)
        } else if let Some(id) = r.opt_str("TransitGatewayId")? {
            Target::TransitGateway(id)
        } else if let Some(id) = r.opt_str("InstanceId")? {
            Target::Instance(id)
        } else if let Some(id) = r.opt_str("NetworkInterfaceId")? {
            Target::NetworkInterface(id)
        } else if let Some(id) = r.opt_str("VpcEndpointId")? {
            Target::VpcEndpoint(id)
        } else {
            unmodelled += 1; // carrier gateways, local gateways, core networks
            continue;
        };
        let origin = match r.opt_str("Origin")?.as_deref() {
            Some("CreateRouteTable") => Origin::CreateRouteTable,
            Some("EnableVgwRoutePropagation") => Origin::EnableVgwRoutePropagation,
            _ => Origin::CreateRoute,
        };
        routes.push(Route {
            destination,
            target,
            origin,
        });
    }
    let mut associations = Vec::new();
    for (path, a) in o.list("Associations")? {
        let a = Obj {
            value: a,
            path: &path,
        };
        associations.push(Association {
            id: a.opt_str("RouteTableAssociationId")?.unwrap_or_default(),
            subnet_id: a.opt_str("SubnetId")?,
            gateway_id: a.opt_str("GatewayId")?,
            main: a.opt_bool("Main")?.unwrap_or(false),
        });
    }
    let mut propagating_vgws = Vec::new();
    for (path, g) in o.list("PropagatingVgws")? {
        let g = Obj {
            value: g,
            path: &path,
        };
        propagating_vgws.push(g.str("GatewayId")?);
    }
    w.route_tables.insert(RouteTable {
        id: o.str("RouteTableId")?,
        scope: owner(scope, &o)?,
        vpc_id: o.str("VpcId")?,
        routes,
        associations,
        propagating_vgws,
    });
    Ok(match unmodelled {
        0 => Loaded::Done,
        n => Loaded::LeftOut("routes to targets openvpc does not model", n),
    })
}

/// `PrefixLists` of `describe-prefix-lists` (id, name, `Cidrs`: the AWS-managed lists of
/// gateway-endpoint services) and of `describe-managed-prefix-lists` (id, name, family,
/// `MaxEntries`, owner, state, version; no entries). Both outputs of one list merge.
/// AWS-managed lists (owner `AWS`, or a `com.amazonaws.*` name without an owner) are stored
/// under the owner `AWS` so routes and rules naming their real ids resolve to the imported
/// blocks.
fn prefix_list(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
    let id = o.str("PrefixListId")?;
    let name = o.opt_str("PrefixListName")?;
    let owner_id = o.opt_str("OwnerId")?;
    let aws = match owner_id.as_deref() {
        Some(owner) => owner == pl::AWS_OWNER,
        None => name
            .as_deref()
            .is_some_and(|n| n.starts_with("com.amazonaws.")),
    };
    let list_scope = if aws {
        Scope::new(pl::AWS_OWNER, &scope.region)
    } else {
        owner(scope, &o)?
    };
    let mut entries = Vec::new();
    for (path, raw) in o.list("Cidrs")? {
        let raw = raw
            .as_str()
            .ok_or_else(|| format!("field `{path}`: expected a string"))?;
        let net = raw
            .parse::<IpNet>()
            .map_err(|_| format!("field `{path}`: `{raw}` is not a valid CIDR block"))?;
        entries.push(pl::Entry {
            cidr: net.trunc(),
            description: None,
        });
    }
    let family = match o.opt_str("AddressFamily")?.as_deref() {
        Some("IPv4") => Some(pl::AddressFamily::IPv4),
        Some("IPv6") => Some(pl::AddressFamily::IPv6),
        Some(other) => {
            return Err(format!(
                "field `{}.AddressFamily`: `{other}` is not IPv4 or IPv6",
                o.path
            ))
        }
        None => None,
    };
    let max_entries = o.opt_int("MaxEntries")?;
    let version = o.opt_int("Version")?;
    let mut list = w.prefix_lists.remove(&id).unwrap_or(pl::PrefixList {
        id: id.clone(),
        scope: list_scope.clone(),
        name: String::new(),
        address_family: pl::AddressFamily::IPv4,
        max_entries: 0,
        version: 1,
        state: pl::State::CreateComplete,
        versions: BTreeMap::new(),
        created: 0,
    });
    if owner_id.is_some() || aws {
        list.scope = list_scope;
    }
    if let Some(name) = name {
        list.name = name;
    }
    if let Some(family) = family {
        list.address_family = family;
    } else if let Some(first) = entries.first() {
        list.address_family = pl::AddressFamily::of(&first.cidr);
    }
    if let Some(v) = version {
        let current = list.versions.remove(&list.version).unwrap_or_default();
        list.version = v.max(1) as u64;
        list.versions.insert(list.version, current);
    }
    if !entries.is_empty() {
        set_entries(&mut list, entries);
    }
    if let Some(m) = max_entries {
        list.max_entries = m.max(0) as u32;
    }
    list.max_entries = list.max_entries.max(list.entries().len() as u32);
    w.prefix_lists.insert(list);
    Ok(())
}

/// Makes `entries` (sorted by block) the list's current version.
fn set_entries(list: &mut pl::PrefixList, mut entries: Vec<pl::Entry>) {
    entries.sort_by_key(|e| e.cidr);
    entries.dedup_by(|a, b| a.cidr == b.cidr);
    list.versions.insert(list.version, entries);
}

/// The `pl-…` id a file name carries, if any.
fn prefix_list_id_in(file_name: &str) -> Option<String> {
    let at = file_name.find("pl-")?;
    let hex: String = file_name[at + 3..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    (!hex.is_empty()).then(|| format!("pl-{hex}"))
}

/// One `Entries` item of `get-managed-prefix-list-entries`: the output does not name its
/// list, so the file name must contain the list id (`pl-0abc….json`). A list not described
/// elsewhere becomes a customer-managed list of the importing account.
fn prefix_list_entry(w: &mut World, scope: &Scope, o: Obj, file_name: &str) -> Res<()> {
    let id = prefix_list_id_in(file_name).ok_or_else(|| {
        "`Entries` (get-managed-prefix-list-entries) must be in a file whose name contains \
         the prefix-list id, such as `pl-0123456789abcdef0.json`"
            .to_string()
    })?;
    let raw = o.str("Cidr")?;
    let net = parse_cidr::<IpNet>(&o, "Cidr", &raw)?.trunc();
    let entry = pl::Entry {
        cidr: net,
        description: o.opt_str("Description")?,
    };
    let mut list = w.prefix_lists.remove(&id).unwrap_or(pl::PrefixList {
        id: id.clone(),
        scope: scope.clone(),
        name: id.clone(),
        address_family: pl::AddressFamily::of(&net),
        max_entries: 0,
        version: 1,
        state: pl::State::CreateComplete,
        versions: BTreeMap::new(),
        created: 0,
    });
    let mut entries = list.entries().to_vec();
    entries.retain(|e| e.cidr != net);
    entries.push(entry);
    set_entries(&mut list, entries);
    list.max_entries = list.max_entries.max(list.entries().len() as u32);
    w.prefix_lists.insert(list);
    Ok(())
}

/// An endpoint's interfaces: those imported, and those not imported paired with their
/// subnets by position (AWS lists one interface per subnet).
fn endpoint_interfaces(
    w: &World,
    eni_ids: &[String],
    subnet_ids: &[String],
) -> Vec<EndpointInterface> {
    let mut interfaces = Vec::new();
    for (i, eni_id) in eni_ids.iter().enumerate() {
        let subnet_id = match w.network_interfaces.get(eni_id) {
            Some(eni) => eni.subnet_id.clone(),
            None if eni_ids.len() == subnet_ids.len() => subnet_ids[i].clone(),
            None => continue,
        };
        let availability_zone = w
            .subnets
            .get(&subnet_id)
            .map(|s| s.availability_zone.clone())
            .unwrap_or_default();
        interfaces.push(EndpointInterface {
            subnet_id,
            availability_zone,
            network_interface_id: eni_id.clone(),
        });
    }
    interfaces
}

/// The suffix of an endpoint's DNS names (`vpce-0abc-<suffix>.…`), if its entries show one.
fn dns_suffix_of(o: &Obj, id: &str) -> Res<Option<String>> {
    let mut found = None;
    for (path, d) in o.list("DnsEntries")? {
        let d = Obj {
            value: d,
            path: &path,
        };
        let name = d.opt_str("DnsName")?.unwrap_or_default();
        let label = name.trim_start_matches("*.");
        if let Some(rest) = label.strip_prefix(&format!("{id}-")) {
            let suffix: String = rest
                .chars()
                .take_while(|c| *c != '.' && *c != '-')
                .collect();
            if found.is_none() && !suffix.is_empty() {
                found = Some(suffix);
            }
        }
    }
    Ok(found)
}

/// An endpoint's `DnsOptions`, if given.
fn endpoint_dns_options(o: &Obj) -> Res<Option<DnsOptions>> {
    Ok(match o.child("DnsOptions") {
        Some(v) => {
            let path = format!("{}.DnsOptions", o.path);
            let d = Obj {
                value: &v,
                path: &path,
            };
            Some(DnsOptions {
                dns_record_ip_type: d
                    .opt_str("DnsRecordIpType")?
                    .unwrap_or_else(|| "ipv4".into()),
                private_dns_only_for_inbound_resolver_endpoint: d
                    .opt_bool("PrivateDnsOnlyForInboundResolverEndpoint")?,
                private_dns_preference: d.opt_str("PrivateDnsPreference")?,
                private_dns_specified_domains: d.strs("PrivateDnsSpecifiedDomains")?,
            })
        }
        None => None,
    })
}

/// An endpoint's state; `None` for a deleted one (not imported).
fn endpoint_state(o: &Obj) -> Res<Option<EndpointState>> {
    Ok(Some(
        match o
            .opt_str("State")?
            .unwrap_or_else(|| "available".into())
            .to_ascii_lowercase()
            .as_str()
        {
            "pendingacceptance" => EndpointState::PendingAcceptance,
            "pending" => EndpointState::Pending,
            "available" | "partial" => EndpointState::Available,
            "deleting" => EndpointState::Deleting,
            "deleted" => return Ok(None),
            "rejected" => EndpointState::Rejected,
            "failed" => EndpointState::Failed,
            "expired" => EndpointState::Expired,
            other => return Err(format!("field `{}.State`: unknown state `{other}`", o.path)),
        },
    ))
}

/// An endpoint's `LastError`, if given.
fn endpoint_last_error(o: &Obj) -> Res<Option<LastError>> {
    Ok(match o.child("LastError") {
        Some(v) => {
            let path = format!("{}.LastError", o.path);
            let e = Obj {
                value: &v,
                path: &path,
            };
            Some(LastError {
                code: e.opt_str("Code")?.unwrap_or_default(),
                message: e.opt_str("Message")?.unwrap_or_default(),
            })
        }
        None => None,
    })
}

/// `VpcEndpoints` of `describe-vpc-endpoints`. Interfaces come from the imported network
/// interfaces (`NetworkInterfaceIds`); those not imported are synthesised by [`finish`].
fn vpc_endpoint(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
    let id = o.str("VpcEndpointId")?;
    let endpoint_type = match o.str("VpcEndpointType")?.as_str() {
        "Resource" | "ServiceNetwork" => return Ok(Loaded::Skipped("VPC Lattice endpoints")),
        other => EndpointType::parse(other)
            .map_err(|_| format!("field `{}.VpcEndpointType`: unknown type `{other}`", o.path))?,
    };
    let Some(state) = endpoint_state(&o)? else {
        return Ok(Loaded::Skipped("deleted VPC endpoints"));
    };
    let service_name = o.str("ServiceName")?;
    // Custom services: com.amazonaws.vpce.<region>.vpce-svc-<id>.
    let service_id = service_name
        .rsplit('.')
        .next()
        .filter(|last| Kind::VpcEndpointService.names(last))
        .map(str::to_string);
    let endpoint_scope = owner(scope, &o)?;
    let subnet_ids = o.strs("SubnetIds")?;
    let eni_ids = o.strs("NetworkInterfaceIds")?;
    let interfaces = endpoint_interfaces(w, &eni_ids, &subnet_ids);
    let groups = group_ids(&o)?;
    let dns_suffix = dns_suffix_of(&o, &id)?;
    let dns_options = endpoint_dns_options(&o)?;
    let last_error = endpoint_last_error(&o)?;
    let dns_suffix = dns_suffix.unwrap_or_else(|| w.ids.token(8));
    w.vpc_endpoints.insert(VpcEndpoint {
        id,
        scope: endpoint_scope,
        endpoint_type,
        vpc_id: o.str("VpcId")?,
        service_region: o
            .opt_str("ServiceRegion")?
            .unwrap_or_else(|| scope.region.clone()),
        service_name,
        service_id,
        state,
        policy_document: o.opt_str("PolicyDocument")?,
        route_table_ids: o.strs("RouteTableIds")?,
        subnets: subnet_ids
            .into_iter()
            .map(|subnet_id| SubnetChoice {
                subnet_id,
                ipv4: None,
                ipv6: None,
            })
            .collect(),
        interfaces,
        groups,
        ip_address_type: o.opt_str("IpAddressType")?.unwrap_or_else(|| "ipv4".into()),
        dns_options,
        private_dns_enabled: o.opt_bool("PrivateDnsEnabled")?.unwrap_or(false),
        dns_suffix,
        connection_id: None,
        created: 0,
        step_due: 0,
        deleted_at: None,
        last_error,
    });
    Ok(Loaded::Done)
}

/// `ServiceConfigurations` of `aws ec2 describe-vpc-endpoint-service-configurations`: the
/// provider side of a PrivateLink service (its load balancers and state). Permissions and
/// the private DNS name's verification are not in this output and are not imported.
fn service_configuration(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
    let id = o.str("ServiceId")?;
    let mut service_type = ServiceType::Interface;
    for (path, t) in o.list("ServiceType")? {
        let t = Obj {
            value: t,
            path: &path,
        };
        service_type = match t.str("ServiceType")?.as_str() {
            "Interface" => ServiceType::Interface,
            "Gateway" => ServiceType::Gateway,
            "GatewayLoadBalancer" => ServiceType::GatewayLoadBalancer,
            other => {
                return Err(format!(
                    "field `{}.ServiceType`: unknown type `{other}`",
                    t.path
                ))
            }
        };
    }
    let state = match o.opt_str("ServiceState")?.as_deref().unwrap_or("Available") {
        "Pending" => ServiceState::Pending,
        "Available" => ServiceState::Available,
        "Deleting" => ServiceState::Deleting,
        "Deleted" => return Ok(Loaded::Skipped("deleted endpoint services")),
        "Failed" => ServiceState::Failed,
        other => {
            return Err(format!(
                "field `{}.ServiceState`: unknown state `{other}`",
                o.path
            ))
        }
    };
    let mut supported_regions = Vec::new();
    for (path, r) in o.list("SupportedRegions")? {
        let region = Obj {
            value: r,
            path: &path,
        }
        .str("Region")?;
        if region != scope.region {
            supported_regions.push(region);
        }
    }
    w.endpoint_services.insert(EndpointService {
        id,
        scope: owner(scope, &o)?,
        service_type,
        state,
        acceptance_required: o.opt_bool("AcceptanceRequired")?.unwrap_or(false),
        network_load_balancer_arns: o.strs("NetworkLoadBalancerArns")?,
        gateway_load_balancer_arns: o.strs("GatewayLoadBalancerArns")?,
        supported_ip_address_types: o.strs("SupportedIpAddressTypes")?,
        supported_regions,
        private_dns: None,
        permissions: Vec::new(),
        created: 0,
    });
    Ok(Loaded::Done)
}

/// Derives what describe output leaves implicit: main tables, default groups and ACLs,
/// addresses in use; returns how many interfaces it made up for endpoints and load-balancer
/// nodes that were not exported.
pub fn finish(w: &mut World) -> usize {
    let mains: Vec<(String, String)> = w
        .route_tables
        .values()
        .filter(|t| t.associations.iter().any(|a| a.main))
        .map(|t| (t.vpc_id.clone(), t.id.clone()))
        .collect();
    let default_groups: Vec<(String, String)> = w
        .security_groups
        .values()
        .filter(|g| g.name == "default")
        .map(|g| (g.vpc_id.clone(), g.id.clone()))
        .collect();
    let default_acls: Vec<(String, String)> = w
        .network_acls
        .values()
        .filter(|a| a.is_default)
        .map(|a| (a.vpc_id.clone(), a.id.clone()))
        .collect();
    for (vpc_id, rtb) in mains {
        if let Some(v) = w.vpcs.get_mut(&vpc_id) {
            v.main_route_table_id = rtb;
        }
    }
    for (vpc_id, sg) in default_groups {
        if let Some(v) = w.vpcs.get_mut(&vpc_id) {
            v.default_security_group_id = sg;
        }
    }
    for (vpc_id, acl) in default_acls {
        if let Some(v) = w.vpcs.get_mut(&vpc_id) {
            v.default_network_acl_id = acl;
        }
    }
    let used: Vec<(String, Ipv4Addr)> = w
        .network_interfaces
        .values()
        .flat_map(|e| e.private_ips.iter().map(|ip| (e.subnet_id.clone(), *ip)))
        .collect();
    for (subnet_id, ip) in used {
        if let Some(s) = w.subnets.get_mut(&subnet_id) {
            if let Some(off) = s.cidr.and_then(|c| cidr::offset_v4(&c, ip)) {
                s.used.insert(off);
            }
        }
    }
    let delegated: Vec<(String, Ipv4Net)> = w
        .network_interfaces
        .values()
        .flat_map(|e| e.ipv4_prefixes.iter().map(|b| (e.subnet_id.clone(), *b)))
        .collect();
    for (subnet_id, block) in delegated {
        if let Some(s) = w.subnets.get_mut(&subnet_id) {
            if let Some(first) = s.cidr.and_then(|c| cidr::offset_v4(&c, block.network())) {
                s.used.extend(first..first + cidr::size_v4(&block) as u32);
            }
        }
    }
    let before = w.network_interfaces.len();
    synthesise_endpoint_interfaces(w);
    synthesise_load_balancer_nodes(w);
    synthesise_attachment_interfaces(w);
    w.network_interfaces.len() - before
}

/// An address for a synthesised interface in `subnet_id`: `wanted` if given (marked in
/// use), else the subnet's next free one. None when the subnet is not imported or full.
fn node_address(w: &mut World, subnet_id: &str, wanted: Option<Ipv4Addr>) -> Option<Ipv4Addr> {
    match wanted {
        Some(ip) => {
            let s = w.subnets.get_mut(subnet_id)?;
            if let Some(off) = s.cidr.and_then(|c| cidr::offset_v4(&c, ip)) {
                s.used.insert(off);
            }
            Some(ip)
        }
        None => subnet::allocate_ip(w, subnet_id, None).ok(),
    }
}

/// What a synthesised interface takes from the resource it stands in for.
struct Stand<'a> {
    id: String,
    scope: Scope,
    subnet_id: &'a str,
    ip: Ipv4Addr,
    public_ip: Option<Ipv4Addr>,
    groups: Vec<String>,
    interface_type: &'a str,
    requester_id: &'a str,
    description: String,
}

/// A requester-managed interface standing in for one AWS did not export.
fn synthetic_interface(w: &mut World, i: Stand) {
    let Some(subnet) = w.subnets.get(i.subnet_id) else {
        return;
    };
    let (vpc_id, availability_zone) = (subnet.vpc_id.clone(), subnet.availability_zone.clone());
    eni::insert_existing(
        w,
        NetworkInterface {
            id: i.id,
            scope: i.scope,
            vpc_id,
            subnet_id: i.subnet_id.to_string(),
            availability_zone,
            private_ips: vec![i.ip],
            ipv6_addresses: Vec::new(),
            ipv4_prefixes: Vec::new(),
            ipv6_prefixes: Vec::new(),
            groups: i.groups,
            source_dest_check: true,
            interface_type: i.interface_type.to_string(),
            requester_managed: true,
            requester_id: Some(i.requester_id.to_string()),
            description: i.description,
            mac_address: String::new(),
            attachment: None,
            public_ip: i.public_ip,
            public_ip_allocation_id: None,
            created: 0,
        },
    );
}

/// Endpoint interfaces listed in `NetworkInterfaceIds` but not imported: synthesised with
/// their real ids and the subnet's next free address, so the engine can reach them.
fn synthesise_endpoint_interfaces(w: &mut World) {
    let missing: Vec<(String, Scope, EndpointInterface, Vec<String>, bool)> = w
        .vpc_endpoints
        .values()
        .flat_map(|ep| {
            ep.interfaces.iter().map(move |i| {
                (
                    ep.id.clone(),
                    ep.scope.clone(),
                    i.clone(),
                    ep.groups.clone(),
                    ep.endpoint_type == EndpointType::GatewayLoadBalancer,
                )
            })
        })
        .filter(|(_, _, i, _, _)| w.network_interfaces.get(&i.network_interface_id).is_none())
        .collect();
    for (ep_id, scope, i, groups, gwlb) in missing {
        let Some(ip) = node_address(w, &i.subnet_id, None) else {
            continue;
        };
        let kind = if gwlb {
            "gateway_load_balancer_endpoint"
        } else {
            "vpc_endpoint"
        };
        let stand = Stand {
            id: i.network_interface_id,
            scope,
            subnet_id: &i.subnet_id,
            ip,
            public_ip: None,
            groups,
            interface_type: kind,
            requester_id: "amazon-aws", // as the core's endpoint interfaces
            description: format!("VPC Endpoint Interface {ep_id}"),
        };
        synthetic_interface(w, stand);
    }
}

/// Load-balancer nodes without an imported interface: one synthesised interface per
/// subnet, with the listed private address or the subnet's next free one.
fn synthesise_load_balancer_nodes(w: &mut World) {
    let arns: Vec<String> = w.load_balancers.values().map(|lb| lb.arn.clone()).collect();
    for arn in arns {
        let Some(lb) = w.load_balancers.get(&arn).cloned() else {
            continue;
        };
        let mut subnets = lb.subnets.clone();
        for s in subnets
            .iter_mut()
            .filter(|s| s.network_interface_id.is_empty())
        {
            let wanted = s.requested_ip.then_some(s.private_ip);
            let Some(ip) = node_address(w, &s.subnet_id, wanted) else {
                continue;
            };
            let id = w.ids.id(Kind::NetworkInterface);
            let stand = Stand {
                id: id.clone(),
                scope: lb.scope.clone(),
                subnet_id: &s.subnet_id,
                ip,
                public_ip: s.public_ip,
                groups: lb.security_groups.clone(),
                interface_type: lb.lb_type.interface_type(),
                requester_id: "amazon-elb",
                description: format!(
                    "ELB {}/{}/{}",
                    lb.lb_type.arn_segment(),
                    lb.name,
                    lb.short_id()
                ),
            };
            synthetic_interface(w, stand);
            s.network_interface_id = id;
            s.private_ip = ip;
        }
        if let Some(lb) = w.load_balancers.get_mut(&arn) {
            lb.subnets = subnets;
        }
    }
}

/// Transit-gateway attachment interfaces not imported: one synthesised interface per
/// subnet, with the subnet's next free address.
fn synthesise_attachment_interfaces(w: &mut World) {
    let ids: Vec<String> = w
        .tgw_attachments
        .values()
        .filter(|a| a.interfaces.iter().any(String::is_empty))
        .map(|a| a.id.clone())
        .collect();
    for id in ids {
        let Some(mut a) = w.tgw_attachments.get(&id).cloned() else {
            continue;
        };
        for (subnet_id, eni_id) in a.subnet_ids.iter().zip(a.interfaces.iter_mut()) {
            if !eni_id.is_empty() {
                continue;
            }
            let Some(ip) = node_address(w, subnet_id, None) else {
                continue;
            };
            let new_id = w.ids.id(Kind::NetworkInterface);
            let stand = Stand {
                id: new_id.clone(),
                scope: a.scope.clone(),
                subnet_id,
                ip,
                public_ip: None,
                groups: Vec::new(),
                interface_type: "transit_gateway",
                requester_id: openvpc_core::tgw::REQUESTER_ID,
                description: tgw::interface_description(&id),
            };
            synthetic_interface(w, stand);
            *eni_id = new_id;
        }
        w.tgw_attachments.insert(a);
    }
}
