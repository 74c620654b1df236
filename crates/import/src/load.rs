//! One loader per describe output, mapping AWS's JSON onto the core's structs.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};
use openvpc_core::eni::{Attachment, Instance, InstanceState, NetworkInterface};
use openvpc_core::gateway::{InternetGateway, NatGateway, NatState};
use openvpc_core::nacl::{AclAssociation, Entry, EntryCidr, NetworkAcl, RuleAction};
use openvpc_core::peering::{Blocks, Options, Peering, Side, Status};
use openvpc_core::route::{Association, Destination, Origin, Route, RouteTable, Target};
use openvpc_core::sg::{Peer, Rule, SecurityGroup};
use openvpc_core::subnet::{Subnet, SubnetIpv6};
use openvpc_core::vpc::{CidrAssociation, Ipv6Association, Vpc};
use openvpc_core::{cidr, Scope, World};
use serde_json::Value;

use crate::json::{addr, cidr as parse_cidr, Obj, Res};

/// The top-level keys understood, in load order.
const ORDER: &[&str] = &[
    "Vpcs",
    "Subnets",
    "InternetGateways",
    "SecurityGroups",
    "NetworkAcls",
    "NetworkInterfaces",
    "Reservations",
    "NatGateways",
    "VpcPeeringConnections",
    "RouteTables",
];

/// The load rank of a document (by its first known top-level key).
pub fn rank(doc: &Value) -> usize {
    ORDER
        .iter()
        .position(|k| doc.get(*k).is_some())
        .unwrap_or(ORDER.len())
}

/// Loads one describe document into the world for `scope`.
pub fn load_file(w: &mut World, scope: &Scope, doc: &Value) -> Res<()> {
    let root = Obj {
        value: doc,
        path: "",
    };
    if !doc.is_object() {
        return Err("expected a JSON object such as {\"Vpcs\": [...]}".into());
    }
    for key in ORDER {
        for (path, item) in root.list(key)? {
            let o = Obj {
                value: item,
                path: path.trim_start_matches('.'),
            };
            load_tags(w, scope, key, o)?;
            match *key {
                "Vpcs" => vpc(w, scope, o)?,
                "Subnets" => subnet(w, scope, o)?,
                "InternetGateways" => igw(w, scope, o)?,
                "SecurityGroups" => security_group(w, scope, o)?,
                "NetworkAcls" => nacl(w, scope, o)?,
                "NetworkInterfaces" => network_interface(w, scope, o)?,
                "Reservations" => reservation(w, scope, o)?,
                "NatGateways" => nat(w, scope, o)?,
                "VpcPeeringConnections" => peering(w, scope, o)?,
                "RouteTables" => route_table(w, scope, o)?,
                _ => {}
            }
        }
    }
    Ok(())
}

/// The id field of each document kind, for tags.
fn id_field(key: &str) -> Option<&'static str> {
    Some(match key {
        "Vpcs" => "VpcId",
        "Subnets" => "SubnetId",
        "InternetGateways" => "InternetGatewayId",
        "SecurityGroups" => "GroupId",
        "NetworkAcls" => "NetworkAclId",
        "NetworkInterfaces" => "NetworkInterfaceId",
        "NatGateways" => "NatGatewayId",
        "VpcPeeringConnections" => "VpcPeeringConnectionId",
        "RouteTables" => "RouteTableId",
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
    let raw = o.str("CidrBlock")?;
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
        cidr: parse_cidr::<Ipv4Net>(&o, "CidrBlock", &raw)?.trunc(),
        ipv6_cidrs,
        availability_zone: o.opt_str("AvailabilityZone")?.unwrap_or_default(),
        availability_zone_id: o.opt_str("AvailabilityZoneId")?.unwrap_or_default(),
        default_for_az: o.opt_bool("DefaultForAz")?.unwrap_or(false),
        map_public_ip_on_launch: o.opt_bool("MapPublicIpOnLaunch")?.unwrap_or(false),
        assign_ipv6_on_creation: o.opt_bool("AssignIpv6AddressOnCreation")?.unwrap_or(false),
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

fn sg_rules(w: &mut World, o: &Obj, list: &str, account: &str) -> Res<Vec<Rule>> {
    let mut rules = Vec::new();
    for (path, p) in o.list(list)? {
        let p = Obj {
            value: p,
            path: &path,
        };
        let protocol = p.str("IpProtocol")?;
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
                rule_id: w.ids.id("sgr"),
                protocol: protocol.clone(),
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

fn protocol_number(raw: &str) -> String {
    match raw.to_ascii_lowercase().as_str() {
        "tcp" => "6".into(),
        "udp" => "17".into(),
        "icmp" => "1".into(),
        "icmpv6" => "58".into(),
        "all" => "-1".into(),
        _ => raw.to_string(),
    }
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
            protocol: protocol_number(&e.str("Protocol")?),
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

fn network_interface(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
    let id = o.str("NetworkInterfaceId")?;
    let mut private_ips = Vec::new();
    let mut public_ip = None;
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
    if private_ips.is_empty() {
        let raw = o.str("PrivateIpAddress")?;
        private_ips.push(addr(&o, "PrivateIpAddress", &raw)?);
    }
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
    let attachment = match o.child("Attachment") {
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
    };
    let subnet_id = o.str("SubnetId")?;
    let availability_zone = o.opt_str("AvailabilityZone")?.unwrap_or_else(|| {
        w.subnets
            .get(&subnet_id)
            .map(|s| s.availability_zone.clone())
            .unwrap_or_default()
    });
    w.network_interfaces.insert(NetworkInterface {
        id,
        scope: owner(scope, &o)?,
        vpc_id: o.str("VpcId")?,
        subnet_id,
        availability_zone,
        private_ips,
        ipv6_addresses,
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
    });
    Ok(())
}

fn reservation(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
    let reservation_id = o.opt_str("ReservationId")?.unwrap_or_default();
    let scope = owner(scope, &o)?;
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
    Ok(())
}

fn nat(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
    let state = match o.opt_str("State")?.as_deref() {
        Some("pending") => NatState::Pending,
        Some("failed") => NatState::Failed,
        Some("deleting") => NatState::Deleting,
        Some("deleted") => return Ok(()),
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
    Ok(())
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

fn route_table(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
    let mut routes = Vec::new();
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
            if g == "local" {
                Target::Local
            } else if g.starts_with("vpce-") {
                Target::GatewayEndpoint(g)
            } else {
                Target::Gateway(g)
            }
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
            continue; // targets openvpc does not model (carrier, local gateway, core network)
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
    w.route_tables.insert(RouteTable {
        id: o.str("RouteTableId")?,
        scope: owner(scope, &o)?,
        vpc_id: o.str("VpcId")?,
        routes,
        associations,
    });
    Ok(())
}

/// Derives what describe output leaves implicit: main tables, default groups and ACLs,
/// addresses in use.
pub fn finish(w: &mut World) {
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
            if let Some(off) = cidr::offset_v4(&s.cidr, ip) {
                s.used.insert(off);
            }
        }
    }
}
