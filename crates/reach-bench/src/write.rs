//! Writes a world as an import directory: `DIR/<account>/<region>/<Key>.json`, one file per
//! `aws ec2 describe-*` (and `aws elbv2 describe-*`) call, in the shapes `openvpc import`
//! reads; each target group's `describe-target-health` output in `targets-<group id>.json`;
//! transit-gateway route tables' static routes and propagations as the per-table lists of
//! Batfish's snapshots (`TransitGatewayStaticRoutes`, `TransitGatewayPropagations`).

use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use openvpc_core::nacl::{EntryCidr, RuleAction};
use openvpc_core::route::{Destination, Target};
use openvpc_core::sg::{Peer, Rule};
use openvpc_core::{Scope, World};
use serde_json::{json, Map, Value};

/// Documents per scope, per file (named after the top-level key, or `targets-<id>`), as
/// (top-level key, items).
type Docs = BTreeMap<Scope, BTreeMap<String, (&'static str, Vec<Value>)>>;

/// Writes every VPC-level resource of `w` under `dir`.
pub fn write_import(w: &World, dir: &Path) -> io::Result<()> {
    let mut docs: Docs = BTreeMap::new();
    write_network(w, &mut docs);
    write_privatelink(w, &mut docs);
    write_transit(w, &mut docs);
    for (scope, files) in docs {
        let d = dir.join(&scope.account).join(&scope.region);
        std::fs::create_dir_all(&d)?;
        for (file, (key, items)) in files {
            let mut f = BufWriter::new(std::fs::File::create(d.join(format!("{file}.json")))?);
            serde_json::to_writer(&mut f, &json!({ key: items }))?;
            f.flush()?;
        }
    }
    Ok(())
}

/// Adds `v` to the file `file` (holding top-level key `key`) of `scope`.
fn put_in(docs: &mut Docs, scope: &Scope, file: &str, key: &'static str, v: Value) {
    docs.entry(scope.clone())
        .or_default()
        .entry(file.to_string())
        .or_insert_with(|| (key, Vec::new()))
        .1
        .push(v);
}

/// VPCs, subnets, gateways, groups, ACLs, interfaces, peerings and route tables.
// One describe shape after another: long, but each part is a flat literal.
fn write_network(w: &World, docs: &mut Docs) {
    let mut put = |scope: &Scope, key: &'static str, v: Value| put_in(docs, scope, key, key, v);
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
                "CidrBlock": s.display_cidr(),
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

/// VPC endpoints, endpoint services, load balancers, target groups (with their targets)
/// and listeners.
fn write_privatelink(w: &World, docs: &mut Docs) {
    for e in w.vpc_endpoints.values() {
        let group_name = |g: &String| w.security_groups.get(g).map(|g| g.name.clone());
        let v = json!({
            "VpcEndpointId": e.id,
            "VpcEndpointType": e.endpoint_type.as_str(),
            "VpcId": e.vpc_id,
            "OwnerId": e.scope.account,
            "ServiceName": e.service_name,
            "ServiceRegion": e.service_region,
            "State": e.state.as_str(),
            "RouteTableIds": e.route_table_ids,
            "SubnetIds": e.interfaces.iter().map(|i| &i.subnet_id).collect::<Vec<_>>(),
            "NetworkInterfaceIds": e.interfaces.iter().map(|i| &i.network_interface_id).collect::<Vec<_>>(),
            "Groups": e.groups.iter().map(|g| json!({"GroupId": g, "GroupName": group_name(g)})).collect::<Vec<_>>(),
            "IpAddressType": e.ip_address_type,
            "PrivateDnsEnabled": e.private_dns_enabled,
            "RequesterManaged": false,
        });
        put_in(docs, &e.scope, "VpcEndpoints", "VpcEndpoints", v);
    }
    for s in w.endpoint_services.values() {
        let v = json!({
            "ServiceType": [{"ServiceType": s.service_type.as_str()}],
            "ServiceId": s.id,
            "ServiceName": s.name(),
            "ServiceState": s.state.as_str(),
            "AcceptanceRequired": s.acceptance_required,
            "NetworkLoadBalancerArns": s.network_load_balancer_arns,
            "GatewayLoadBalancerArns": s.gateway_load_balancer_arns,
            "SupportedIpAddressTypes": s.supported_ip_address_types,
            "BaseEndpointDnsNames": [s.base_dns_name()],
        });
        put_in(
            docs,
            &s.scope,
            "ServiceConfigurations",
            "ServiceConfigurations",
            v,
        );
    }
    for lb in w.load_balancers.values() {
        let v = json!({
            "LoadBalancerArn": lb.arn,
            "DNSName": lb.dns_name,
            "CanonicalHostedZoneId": lb.canonical_hosted_zone_id,
            "LoadBalancerName": lb.name,
            "Scheme": lb.scheme,
            "VpcId": lb.vpc_id,
            "State": {"Code": "active"},
            "Type": lb.lb_type.as_str(),
            "AvailabilityZones": lb.subnets.iter().map(|s| json!({
                "ZoneName": s.availability_zone,
                "SubnetId": s.subnet_id,
                "LoadBalancerAddresses": if s.requested_ip {
                    vec![json!({"PrivateIPv4Address": s.private_ip.to_string()})]
                } else {
                    vec![]
                },
            })).collect::<Vec<_>>(),
            "SecurityGroups": lb.security_groups,
            "IpAddressType": lb.ip_address_type,
        });
        put_in(docs, &lb.scope, "LoadBalancers", "LoadBalancers", v);
    }
    for g in w.target_groups.values() {
        let v = json!({
            "TargetGroupArn": g.arn,
            "TargetGroupName": g.name,
            "Protocol": g.protocol,
            "Port": g.port,
            "VpcId": g.vpc_id,
            "TargetType": g.target_type,
            "IpAddressType": g.ip_address_type,
            "HealthCheckProtocol": g.health_check.protocol,
            "HealthCheckPort": g.health_check.port,
            "HealthCheckEnabled": g.health_check.enabled,
        });
        put_in(docs, &g.scope, "TargetGroups", "TargetGroups", v);
        let file = format!("targets-{}", g.arn.rsplit('/').next().unwrap_or_default());
        for t in &g.targets {
            let v = json!({
                "Target": {"Id": t.id, "Port": t.port.unwrap_or(g.port), "AvailabilityZone": t.availability_zone},
                "TargetHealth": {"State": "healthy"},
            });
            put_in(docs, &g.scope, &file, "TargetHealthDescriptions", v);
        }
    }
    for l in w.listeners.values() {
        let v = json!({
            "ListenerArn": l.arn,
            "LoadBalancerArn": l.load_balancer_arn,
            "Port": l.port,
            "Protocol": l.protocol,
            "DefaultActions": [{"Type": "forward", "TargetGroupArn": l.target_group_arn}],
        });
        put_in(docs, &l.scope, "Listeners", "Listeners", v);
    }
}

/// `enable` or `disable`.
fn flag(on: bool) -> &'static str {
    if on {
        "enable"
    } else {
        "disable"
    }
}

/// Transit gateways, their route tables (associations, propagations, static routes) and
/// VPC attachments, each in the account that describes it: gateways, tables and the
/// attachments' associations in the gateway owner's, VPC attachments in the VPC owner's.
fn write_transit(w: &World, docs: &mut Docs) {
    use openvpc_core::tgw::RouteTarget;
    let mut put = |scope: &Scope, key: &'static str, v: Value| put_in(docs, scope, key, key, v);
    for g in w.transit_gateways.values() {
        let o = &g.options;
        put(
            &g.scope,
            "TransitGateways",
            json!({
                "TransitGatewayId": g.id,
                "OwnerId": g.scope.account,
                "State": g.state.as_str(),
                "Description": g.description.clone().unwrap_or_default(),
                "Options": {
                    "AmazonSideAsn": o.amazon_side_asn,
                    "AutoAcceptSharedAttachments": flag(o.auto_accept_shared_attachments),
                    "DefaultRouteTableAssociation": flag(o.default_route_table_association),
                    "DefaultRouteTablePropagation": flag(o.default_route_table_propagation),
                    "AssociationDefaultRouteTableId": o.association_default_route_table_id,
                    "PropagationDefaultRouteTableId": o.propagation_default_route_table_id,
                    "DnsSupport": flag(o.dns_support),
                    "VpnEcmpSupport": flag(o.vpn_ecmp_support),
                    "SecurityGroupReferencingSupport": flag(o.security_group_referencing_support),
                    "MulticastSupport": flag(o.multicast_support),
                    "TransitGatewayCidrBlocks": o.cidr_blocks.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
                },
            }),
        );
    }
    for t in w.tgw_route_tables.values() {
        put(
            &t.scope,
            "TransitGatewayRouteTables",
            json!({
                "TransitGatewayRouteTableId": t.id,
                "TransitGatewayId": t.transit_gateway_id,
                "State": t.state.as_str(),
            }),
        );
        let routes: Vec<Value> = t
            .routes
            .iter()
            .map(|r| {
                let attachments: Vec<Value> = match &r.target {
                    RouteTarget::Attachment(a) => {
                        vec![json!({"TransitGatewayAttachmentId": a, "ResourceType": "vpc"})]
                    }
                    RouteTarget::Blackhole => Vec::new(),
                };
                let state = if attachments.is_empty() {
                    "blackhole"
                } else {
                    "active"
                };
                json!({
                    "DestinationCidrBlock": r.destination.to_string(),
                    "Type": "static",
                    "State": state,
                    "TransitGatewayAttachments": attachments,
                })
            })
            .collect();
        put(
            &t.scope,
            "TransitGatewayStaticRoutes",
            json!({"TransitGatewayRouteTableId": t.id, "Routes": routes}),
        );
        let propagations: Vec<Value> = t
            .propagations
            .iter()
            .map(|a| json!({"TransitGatewayAttachmentId": a, "ResourceType": "vpc", "State": "enabled"}))
            .collect();
        put(
            &t.scope,
            "TransitGatewayPropagations",
            json!({"TransitGatewayRouteTableId": t.id, "TransitGatewayRouteTablePropagations": propagations}),
        );
    }
    for a in w.tgw_attachments.values() {
        let o = &a.options;
        put(
            &a.scope,
            "TransitGatewayVpcAttachments",
            json!({
                "TransitGatewayAttachmentId": a.id,
                "TransitGatewayId": a.transit_gateway_id,
                "VpcId": a.vpc_id,
                "VpcOwnerId": a.scope.account,
                "State": a.state.as_str(),
                "SubnetIds": a.subnet_ids,
                "Options": {
                    "DnsSupport": flag(o.dns_support),
                    "Ipv6Support": flag(o.ipv6_support),
                    "ApplianceModeSupport": flag(o.appliance_mode_support),
                    "SecurityGroupReferencingSupport": flag(o.security_group_referencing_support),
                },
            }),
        );
        let owner = Scope::new(&a.transit_gateway_owner, &a.scope.region);
        let association = a
            .association
            .as_ref()
            .map(|t| json!({"TransitGatewayRouteTableId": t, "State": "associated"}));
        put(
            &owner,
            "TransitGatewayAttachments",
            json!({
                "TransitGatewayAttachmentId": a.id,
                "TransitGatewayId": a.transit_gateway_id,
                "ResourceType": "vpc",
                "ResourceId": a.vpc_id,
                "ResourceOwnerId": a.scope.account,
                "TransitGatewayOwnerId": a.transit_gateway_owner,
                "State": a.state.as_str(),
                "Association": association,
            }),
        );
    }
}
