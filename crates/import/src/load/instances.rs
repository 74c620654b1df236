//! Network interfaces, instances (`Reservations`) and key pairs.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};
use openvpc_core::eni::{self, Attachment, Instance, InstanceState, NetworkInterface};
use openvpc_core::{keypair, Scope, World};
use serde_json::Value;

use super::{owner, Loaded};
use crate::json::{addr, cidr as parse_cidr, Obj, Res};

/// `KeyPairs` of `describe-key-pairs` (with `--include-public-key` for the public key).
pub(super) fn key_pair(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
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

/// The `GroupId`s of an object's `Groups`.
pub(super) fn group_ids(o: &Obj) -> Res<Vec<String>> {
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

pub(super) fn network_interface(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
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

pub(super) fn reservation(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
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
