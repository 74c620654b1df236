//! `Addresses` of `aws ec2 describe-addresses`: Elastic IPs.

use std::net::Ipv4Addr;

use openvpc_core::gateway::{Address, AddressAssociation};
use openvpc_core::{Scope, World};

use crate::json::{addr, Obj, Res};
use crate::load::Loaded;

/// One Elastic IP: its allocation id, public address and association with a private
/// address of an interface (named, or the primary interface of the named instance).
/// Associated with an interface's primary private address, it is that interface's public
/// address, as AssociateAddress makes it (the engine reaches the interface through it).
/// EC2-Classic addresses (`Domain` `standard`, no allocation id) are not imported, nor are
/// the items of `describe-addresses-attribute` (reverse DNS), under the same key.
pub(crate) fn address(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
    // `describe-addresses-attribute` prints the same top-level key: reverse DNS records,
    // not addresses (and not imported).
    if o.field("PtrRecord").is_some() || o.field("PtrRecordUpdate").is_some() {
        return Ok(Loaded::Skipped("Elastic IP reverse DNS records"));
    }
    let classic = o.opt_str("Domain")?.as_deref() == Some("standard");
    let Some(id) = o.opt_str("AllocationId")?.filter(|_| !classic) else {
        return Ok(Loaded::Skipped("EC2-Classic Elastic IPs"));
    };
    let raw = o.str("PublicIp")?;
    let public_ip: Ipv4Addr = addr(&o, "PublicIp", &raw)?;
    let association = association_of(w, &o)?;
    if let Some(a) = &association {
        if let Some(e) = w.network_interfaces.get_mut(&a.network_interface_id) {
            if e.primary_ip() == Some(a.private_ip) {
                e.public_ip = Some(public_ip);
                e.public_ip_allocation_id = Some(id.clone());
            }
        }
    }
    w.addresses.insert(Address {
        id,
        scope: scope.clone(),
        public_ip,
        association,
        domain_name: None,
    });
    Ok(Loaded::Done)
}

/// The address's association, if it has one whose interface and private address are known
/// (from the item, or from the imported interface or instance it names).
fn association_of(w: &World, o: &Obj) -> Res<Option<AddressAssociation>> {
    let instance_id = o.opt_str("InstanceId")?;
    let eni_id = match o.opt_str("NetworkInterfaceId")? {
        Some(id) => Some(id),
        None => instance_id
            .as_ref()
            .and_then(|i| w.instances.get(i))
            .map(|i| i.network_interface_id.clone()),
    };
    let Some(network_interface_id) = eni_id else {
        return Ok(None);
    };
    let private_ip = match o.opt_str("PrivateIpAddress")? {
        Some(raw) => Some(addr::<Ipv4Addr>(o, "PrivateIpAddress", &raw)?),
        None => w
            .network_interfaces
            .get(&network_interface_id)
            .and_then(|e| e.private_ips.first().copied()),
    };
    let Some(private_ip) = private_ip else {
        return Ok(None);
    };
    Ok(Some(AddressAssociation {
        association_id: o.opt_str("AssociationId")?.unwrap_or_default(),
        network_interface_id,
        instance_id,
        private_ip,
    }))
}
