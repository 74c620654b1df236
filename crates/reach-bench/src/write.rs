//! Writes a world as an import directory: `DIR/<account>/<region>/<Key>.json`, one file per
//! `aws ec2 describe-*` call, in the shapes `openvpc import` reads.

use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use openvpc_core::nacl::{EntryCidr, RuleAction};
use openvpc_core::route::{Destination, Target};
use openvpc_core::sg::{Peer, Rule};
use openvpc_core::{Scope, World};
use serde_json::{json, Map, Value};

/// Documents per scope, per top-level key.
type Docs = BTreeMap<Scope, BTreeMap<&'static str, Vec<Value>>>;

/// Writes every VPC-level resource of `w` under `dir`.
pub fn write_import(w: &World, dir: &Path) -> io::Result<()> {
    let mut docs: Docs = BTreeMap::new();
    let mut put = |scope: &Scope, key: &'static str, v: Value| {
        docs.entry(scope.clone())
            .or_default()
            .entry(key)
            .or_default()
            .push(v);
    };
    for v in w.vpcs.values() {
        put(
            &v.scope,
            "Vpcs",
            json!({
                "VpcId": v.id,
                "OwnerId": v.scope.account,
                "CidrBlock": v.cidrs[0].cidr.to_string(),
                "CidrBlockAssociationSet": v.cidrs.iter().map(|c| json!({
                    "AssociationId": c.association_id,
                    "CidrBlock": c.cidr.to_string(),
                    "CidrBlockState": {"State": "associated"},
                })).collect::<Vec<_>>(),
                "IsDefault": v.is_default,
                "InstanceTenancy": v.instance_tenancy,
                "DhcpOptionsId": v.dhcp_options_id,
                "State": "available",
            }),
        );
    }
    for s in w.subnets.values() {
        put(
            &s.scope,
            "Subnets",
            json!({
                "SubnetId": s.id,
                "VpcId": s.vpc_id,
                "OwnerId": s.scope.account,
                "CidrBlock": s.cidr.to_string(),
                "AvailabilityZone": s.availability_zone,
                "AvailabilityZoneId": s.availability_zone_id,
                "MapPublicIpOnLaunch": s.map_public_ip_on_launch,
                "DefaultForAz": s.default_for_az,
                "State": "available",
            }),
        );
    }
    for g in w.internet_gateways.values() {
        put(
            &g.scope,
            "InternetGateways",
            json!({
                "InternetGatewayId": g.id,
                "OwnerId": g.scope.account,
                "Attachments": g.attachment.iter().map(|v| json!({"VpcId": v, "State": "available"})).collect::<Vec<_>>(),
            }),
        );
    }
    for g in w.security_groups.values() {
        put(
            &g.scope,
            "SecurityGroups",
            json!({
                "GroupId": g.id,
                "GroupName": g.name,
                "Description": g.description,
                "VpcId": g.vpc_id,
                "OwnerId": g.scope.account,
                "IpPermissions": g.ingress.iter().map(permission).collect::<Vec<_>>(),
                "IpPermissionsEgress": g.egress.iter().map(permission).collect::<Vec<_>>(),
            }),
        );
    }
    for a in w.network_acls.values() {
        put(
            &a.scope,
            "NetworkAcls",
            json!({
                "NetworkAclId": a.id,
                "VpcId": a.vpc_id,
                "OwnerId": a.scope.account,
                "IsDefault": a.is_default,
                "Entries": a.entries.iter().map(|e| {
                    let mut o = Map::new();
                    o.insert("RuleNumber".into(), json!(e.rule_number));
                    o.insert("Protocol".into(), json!(e.protocol));
                    o.insert("RuleAction".into(), json!(if e.action == RuleAction::Allow { "allow" } else { "deny" }));
                    o.insert("Egress".into(), json!(e.egress));
                    match e.cidr {
                        EntryCidr::V4(n) => o.insert("CidrBlock".into(), json!(n.to_string())),
                        EntryCidr::V6(n) => o.insert("Ipv6CidrBlock".into(), json!(n.to_string())),
                    };
                    if let Some((from, to)) = e.port_range {
                        o.insert("PortRange".into(), json!({"From": from, "To": to}));
                    }
                    if let Some((t, c)) = e.icmp {
                        o.insert("IcmpTypeCode".into(), json!({"Type": t, "Code": c}));
                    }
                    Value::Object(o)
                }).collect::<Vec<_>>(),
                "Associations": a.associations.iter().map(|x| json!({
                    "NetworkAclAssociationId": x.id,
                    "NetworkAclId": a.id,
                    "SubnetId": x.subnet_id,
                })).collect::<Vec<_>>(),
            }),
        );
    }
    for e in w.network_interfaces.values() {
        let mut o = json!({
            "NetworkInterfaceId": e.id,
            "SubnetId": e.subnet_id,
            "VpcId": e.vpc_id,
            "OwnerId": e.scope.account,
            "AvailabilityZone": e.availability_zone,
            "InterfaceType": e.interface_type,
            "Description": e.description,
            "MacAddress": e.mac_address,
            "SourceDestCheck": e.source_dest_check,
            "RequesterManaged": e.requester_managed,
            "Status": "in-use",
            "PrivateIpAddress": e.private_ips.first().map(|a| a.to_string()),
            "PrivateIpAddresses": e.private_ips.iter().enumerate().map(|(i, a)| json!({
                "PrivateIpAddress": a.to_string(),
                "Primary": i == 0,
            })).collect::<Vec<_>>(),
            "Ipv6Addresses": e.ipv6_addresses.iter().map(|a| json!({"Ipv6Address": a.to_string()})).collect::<Vec<_>>(),
            "Groups": e.groups.iter().map(|g| json!({"GroupId": g})).collect::<Vec<_>>(),
        });
        if let Some(p) = e.public_ip {
            o["Association"] = json!({"PublicIp": p.to_string(), "IpOwnerId": "amazon"});
        }
        put(&e.scope, "NetworkInterfaces", o);
    }
    for n in w.nat_gateways.values() {
        put(
            &n.scope,
            "NatGateways",
            json!({
                "NatGatewayId": n.id,
                "VpcId": n.vpc_id,
                "SubnetId": n.subnet_id,
                "State": n.state.as_str(),
                "ConnectivityType": if n.public { "public" } else { "private" },
                "NatGatewayAddresses": [{
                    "PrivateIp": n.private_ip.map(|a| a.to_string()),
                    "PublicIp": n.public_ip.map(|a| a.to_string()),
                    "NetworkInterfaceId": n.network_interface_id,
                    "AllocationId": n.allocation_id,
                }],
            }),
        );
    }
    for p in w.peerings.values() {
        let info = |s: &openvpc_core::peering::Side, b: &openvpc_core::peering::Blocks| {
            json!({
                "OwnerId": s.account,
                "VpcId": s.vpc_id,
                "Region": s.region,
                "CidrBlock": b.v4.first().map(|c| c.to_string()),
                "CidrBlockSet": b.v4.iter().map(|c| json!({"CidrBlock": c.to_string()})).collect::<Vec<_>>(),
            })
        };
        let scope = Scope::new(&p.requester.account, &p.requester.region);
        put(
            &scope,
            "VpcPeeringConnections",
            json!({
                "VpcPeeringConnectionId": p.id,
                "RequesterVpcInfo": info(&p.requester, &p.requester_blocks),
                "AccepterVpcInfo": info(&p.accepter, &p.accepter_blocks),
                "Status": {"Code": p.status.as_str(), "Message": p.message},
            }),
        );
    }
    for t in w.route_tables.values() {
        put(
            &t.scope,
            "RouteTables",
            json!({
                "RouteTableId": t.id,
                "VpcId": t.vpc_id,
                "OwnerId": t.scope.account,
                "Routes": t.routes.iter().map(|r| {
                    let mut o = Map::new();
                    match &r.destination {
                        Destination::V4(n) => o.insert("DestinationCidrBlock".into(), json!(n.to_string())),
                        Destination::V6(n) => o.insert("DestinationIpv6CidrBlock".into(), json!(n.to_string())),
                        Destination::PrefixList(id) => o.insert("DestinationPrefixListId".into(), json!(id)),
                    };
                    let (key, id) = match &r.target {
                        Target::Local => ("GatewayId", "local".to_string()),
                        Target::Gateway(id) | Target::GatewayEndpoint(id) => ("GatewayId", id.clone()),
                        Target::EgressOnlyInternetGateway(id) => ("EgressOnlyInternetGatewayId", id.clone()),
                        Target::NatGateway(id) => ("NatGatewayId", id.clone()),
                        Target::NetworkInterface(id) => ("NetworkInterfaceId", id.clone()),
                        Target::Instance(id) => ("InstanceId", id.clone()),
                        Target::VpcPeeringConnection(id) => ("VpcPeeringConnectionId", id.clone()),
                        Target::VpcEndpoint(id) => ("VpcEndpointId", id.clone()),
                        Target::TransitGateway(id) => ("TransitGatewayId", id.clone()),
                    };
                    o.insert(key.into(), json!(id));
                    o.insert("Origin".into(), json!(r.origin.as_str()));
                    o.insert("State".into(), json!("active"));
                    Value::Object(o)
                }).collect::<Vec<_>>(),
                "Associations": t.associations.iter().map(|a| json!({
                    "RouteTableAssociationId": a.id,
                    "RouteTableId": t.id,
                    "SubnetId": a.subnet_id,
                    "GatewayId": a.gateway_id,
                    "Main": a.main,
                    "AssociationState": {"State": "associated"},
                })).collect::<Vec<_>>(),
            }),
        );
    }
    for (scope, keys) in docs {
        let d = dir.join(&scope.account).join(&scope.region);
        std::fs::create_dir_all(&d)?;
        for (key, items) in keys {
            let mut f = BufWriter::new(std::fs::File::create(d.join(format!("{key}.json")))?);
            serde_json::to_writer(&mut f, &json!({ key: items }))?;
            f.flush()?;
        }
    }
    Ok(())
}

/// One rule as a describe `IpPermission`.
fn permission(r: &Rule) -> Value {
    let mut o = Map::new();
    o.insert("IpProtocol".into(), json!(r.protocol));
    if let Some(p) = r.from_port {
        o.insert("FromPort".into(), json!(p));
    }
    if let Some(p) = r.to_port {
        o.insert("ToPort".into(), json!(p));
    }
    let (key, item) = match &r.peer {
        Peer::V4(n) => ("IpRanges", json!({"CidrIp": n.to_string()})),
        Peer::V6(n) => ("Ipv6Ranges", json!({"CidrIpv6": n.to_string()})),
        Peer::PrefixList(id) => ("PrefixListIds", json!({"PrefixListId": id})),
        Peer::Group {
            group_id, user_id, ..
        } => (
            "UserIdGroupPairs",
            json!({"GroupId": group_id, "UserId": user_id}),
        ),
    };
    o.insert(key.into(), json!([item]));
    Value::Object(o)
}
