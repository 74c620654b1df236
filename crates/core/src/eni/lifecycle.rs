//! The life of a network interface, in one place: made (its id, MAC address and addresses
//! from its subnet), attached, given and relieved of addresses, destroyed (addresses back to
//! the subnet, Elastic IP associations ended through [`World::on_interface_deleted`], tags
//! forgotten).
//!
//! Every interface of the core comes from here: the account's own and instances' ([`create`]),
//! interface endpoints' ([`create_managed`]), NAT gateways' and load-balancer nodes'
//! ([`create_service`]) and imported ones ([`insert_existing`]); the interface table grows in
//! [`insert`] only.
//!
//! What each kind shows, as AWS shows it: interfaces made from a plan (the account's,
//! instances', endpoints') have MAC addresses `0e:…` and attachments `eni-attach-…`; those a
//! service places for itself (NAT gateways, load balancers) `02:…` and `ela-attach-…`.

use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{Ipv4Net, Ipv6Net};

use crate::cidr;
use crate::error::Result;
use crate::ids::Kind;
use crate::subnet;
use crate::tags;
use crate::world::{Scope, World};
use crate::Millis;

use super::errors::not_enough_addresses;
use super::plan::{plan, Plan, Used6};
use super::prefixes::{self, Prefixes, IPV4_PREFIX_LEN};
use super::{
    Attachment, IdOrder, InterfaceSpec, ManagedInterface, ManagedIpv6, NetworkInterface,
    ServiceInterface,
};

/// First octet of the MAC address of an interface made from a plan.
const PLANNED_MAC: u8 = 0x0e;
/// First octet of the MAC address of an interface a service places for itself.
const SERVICE_MAC: u8 = 0x02;
/// The device index a service's attachment shows.
const SERVICE_DEVICE_INDEX: u32 = 1;

// ---------------------------------------------------------------------------------------
// Create

/// Makes a planned interface, unattached (CreateNetworkInterface, RunInstances).
pub(super) fn create(w: &mut World, scope: &Scope, now: Millis, plan: &Plan) -> Result<String> {
    let iface = materialise(w, scope, now, plan)?;
    Ok(insert(w, iface))
}

/// Creates a requester-managed interface for a service of `scope` (an interface endpoint's),
/// checked as the account's own interfaces are. On error nothing changed.
pub fn create_managed(
    w: &mut World,
    scope: &Scope,
    now: Millis,
    m: &ManagedInterface,
) -> Result<String> {
    let spec = InterfaceSpec {
        subnet_id: Some(m.subnet_id.clone()),
        description: Some(m.description.clone()),
        private_ip: m.private_ip,
        groups: m.groups.clone(),
        ipv6_count: Some(0),
        ..InterfaceSpec::default()
    };
    let p = plan(w, scope, &spec, &m.subnet_id)?;
    let s = subnet::get(w, scope, &m.subnet_id)?;
    if !subnet::fits(
        w,
        s,
        m.private_ip.as_slice(),
        usize::from(m.private_ip.is_none()),
    ) {
        return Err(not_enough_addresses(&m.subnet_id, "addresses"));
    }
    let mut iface = materialise(w, scope, now, &p)?;
    iface.attachment = m.attached_to.as_ref().map(|owner| Attachment {
        id: w.ids.id(Kind::InterfaceAttachment),
        instance_id: None,
        instance_owner_id: owner.clone(),
        device_index: SERVICE_DEVICE_INDEX,
        delete_on_termination: false,
        attach_time: now,
    });
    iface.interface_type = m.interface_type.clone();
    iface.requester_managed = true;
    iface.requester_id = Some(m.requester_id.clone());
    if !m.takes_groups {
        iface.groups.clear();
    }
    iface.ipv6_addresses = match m.ipv6 {
        ManagedIpv6::None => Vec::new(),
        ManagedIpv6::Given(a) => vec![a],
        ManagedIpv6::Drawn => drawn_endpoint_ipv6(w, &m.subnet_id).into_iter().collect(),
    };
    Ok(insert(w, iface))
}

/// An odd address of the subnet's first IPv6 block, drawn after every other id of the
/// interface (the draw endpoints have always made, so replayed journals keep their addresses).
fn drawn_endpoint_ipv6(w: &mut World, subnet_id: &str) -> Option<Ipv6Addr> {
    let block = w.subnets.get(subnet_id)?.ipv6_cidrs.first()?.cidr;
    let host = u128::from(w.ids.next_u64() | 1);
    Some(cidr::nth_v6(&block, host))
}

/// Creates the interface a service places for itself in one of `scope`'s subnets (a NAT
/// gateway's, a load-balancer node's): its private address from the subnet, an Amazon public
/// address if asked, attached to the service. On error nothing changed.
pub fn create_service(
    w: &mut World,
    scope: &Scope,
    now: Millis,
    s: &ServiceInterface,
) -> Result<String> {
    let subnet = subnet::get(w, scope, &s.subnet_id)?;
    let (vpc_id, availability_zone) = (subnet.vpc_id.clone(), subnet.availability_zone.clone());
    let ip = subnet::allocate_ip(w, &s.subnet_id, s.private_ip)?;
    let id = w.ids.id(Kind::NetworkInterface);
    let attach = |w: &mut World| Attachment {
        id: w.ids.id(Kind::ManagedAttachment),
        instance_id: None,
        instance_owner_id: s.requester_id.clone(),
        device_index: SERVICE_DEVICE_INDEX,
        delete_on_termination: false,
        attach_time: now,
    };
    let (attachment, mac_address) = match s.id_order {
        IdOrder::AttachmentFirst => {
            let attachment = attach(w);
            (attachment, w.ids.mac(SERVICE_MAC))
        }
        IdOrder::MacFirst => {
            let mac = w.ids.mac(SERVICE_MAC);
            (attach(w), mac)
        }
    };
    let public_ip = s.public_ip.then(|| w.counters.next_public_ip());
    let iface = NetworkInterface {
        id,
        scope: scope.clone(),
        vpc_id,
        subnet_id: s.subnet_id.clone(),
        availability_zone,
        private_ips: vec![ip],
        ipv6_addresses: Vec::new(),
        ipv4_prefixes: Vec::new(),
        ipv6_prefixes: Vec::new(),
        groups: s.groups.clone(),
        source_dest_check: s.source_dest_check,
        interface_type: s.interface_type.clone(),
        requester_managed: true,
        requester_id: Some(s.requester_id.clone()),
        description: s.description.clone(),
        mac_address,
        attachment: Some(attachment),
        public_ip,
        public_ip_allocation_id: None,
        created: now,
    };
    Ok(insert(w, iface))
}

/// Inserts an interface as it exists in AWS (the importer): ids, addresses and attachment as
/// given, nothing drawn or allocated. The importer marks its addresses in use in their subnet
/// once every subnet is loaded.
pub fn insert_existing(w: &mut World, iface: NetworkInterface) {
    insert(w, iface);
}

/// Draws a planned interface's id and MAC address and allocates its addresses; the result is
/// not inserted yet.
fn materialise(w: &mut World, scope: &Scope, now: Millis, plan: &Plan) -> Result<NetworkInterface> {
    let id = w.ids.id(Kind::NetworkInterface);
    let mac_address = w.ids.mac(PLANNED_MAC);
    let ipv4_prefixes = delegate_v4(w, &plan.subnet_id, &plan.prefixes)?;
    let private_ips = allocate_planned_v4(w, plan)?;
    let ipv6_addresses = allocate_planned_v6(w, plan);
    // What the subnet holds matters only when prefixes are picked: skip the scan otherwise.
    let used = if plan.prefixes.v6_count > 0 {
        let mut used = Used6::of(w, &plan.subnet_id);
        used.addresses.extend(ipv6_addresses.iter().copied());
        used
    } else {
        Used6::default()
    };
    let ipv6_prefixes = delegate_v6(w, &plan.subnet_id, &plan.prefixes, used);
    Ok(NetworkInterface {
        id,
        scope: scope.clone(),
        vpc_id: plan.vpc_id.clone(),
        subnet_id: plan.subnet_id.clone(),
        availability_zone: plan.availability_zone.clone(),
        private_ips,
        ipv6_addresses,
        ipv4_prefixes,
        ipv6_prefixes,
        groups: plan.groups.clone(),
        source_dest_check: true,
        interface_type: "interface".into(),
        requester_managed: false,
        requester_id: None,
        description: plan.description.clone(),
        mac_address,
        attachment: None,
        public_ip: None,
        public_ip_allocation_id: None,
        created: now,
    })
}

/// A plan's private IPv4 addresses, primary first. Explicit addresses are taken first, so
/// automatic ones never take an address named later.
fn allocate_planned_v4(w: &mut World, plan: &Plan) -> Result<Vec<Ipv4Addr>> {
    let mut explicit = Vec::new();
    if let Some(p) = plan.primary {
        explicit.push(subnet::allocate_ip(w, &plan.subnet_id, Some(p))?);
    }
    for a in &plan.secondaries {
        explicit.push(subnet::allocate_ip(w, &plan.subnet_id, Some(*a))?);
    }
    let mut private_ips = Vec::new();
    if plan.primary.is_none() && plan.ipv4 {
        private_ips.push(subnet::allocate_ip(w, &plan.subnet_id, None)?);
    }
    private_ips.extend(explicit);
    for _ in 0..plan.secondary_count {
        private_ips.push(subnet::allocate_ip(w, &plan.subnet_id, None)?);
    }
    Ok(private_ips)
}

/// A plan's IPv6 addresses: the named ones, then `ipv6_count` random free ones.
fn allocate_planned_v6(w: &mut World, plan: &Plan) -> Vec<Ipv6Addr> {
    let mut ipv6_addresses = plan.ipv6.clone();
    let mut used6 = if plan.ipv6_count > 0 {
        Used6::of(w, &plan.subnet_id)
    } else {
        Used6::default()
    };
    used6.addresses.extend(ipv6_addresses.iter().copied());
    for _ in 0..plan.ipv6_count {
        if let Some(a) = random_ipv6(w, &plan.subnet_id, &used6) {
            used6.addresses.insert(a);
            ipv6_addresses.push(a);
        }
    }
    ipv6_addresses
}

/// A random usable address of the subnet's IPv6 block that `used` does not hold.
fn random_ipv6(w: &mut World, subnet_id: &str, used: &Used6) -> Option<Ipv6Addr> {
    let block = w.subnets.get(subnet_id)?.ipv6_cidrs.first()?.cidr;
    let host_bits = 128 - u32::from(block.prefix_len());
    let mask = if host_bits >= 128 {
        u128::MAX
    } else {
        (1u128 << host_bits) - 1
    };
    loop {
        let r = (u128::from(w.ids.next_u64()) << 64 | u128::from(w.ids.next_u64())) & mask;
        if r >= 4 && r < mask && !used.holds(&cidr::nth_v6(&block, r)) {
            return Some(cidr::nth_v6(&block, r));
        }
    }
}

/// Inserts an interface: the one place the interface table grows.
fn insert(w: &mut World, iface: NetworkInterface) -> String {
    let id = iface.id.clone();
    w.network_interfaces.insert(iface);
    id
}

// ---------------------------------------------------------------------------------------
// Attach

/// Attaches the caller's interface `eni_id` (checked, unattached) to its instance
/// `instance_id`; returns the new attachment's id (`eni-attach-…`).
pub(super) fn attach_to_instance(
    w: &mut World,
    eni_id: &str,
    instance_id: &str,
    device_index: u32,
    delete_on_termination: bool,
    now: Millis,
) -> String {
    let attachment_id = w.ids.id(Kind::InterfaceAttachment);
    let e = w.network_interfaces.get_mut(eni_id).expect("checked");
    e.attachment = Some(Attachment {
        id: attachment_id.clone(),
        instance_id: Some(instance_id.to_string()),
        instance_owner_id: e.scope.account.clone(),
        device_index,
        delete_on_termination,
        attach_time: now,
    });
    attachment_id
}

/// Detaches an interface (its addresses stay).
pub(super) fn detach(w: &mut World, eni_id: &str) {
    if let Some(e) = w.network_interfaces.get_mut(eni_id) {
        e.attachment = None;
    }
}

// ---------------------------------------------------------------------------------------
// Addresses

/// Gives an interface the `explicit` private addresses, then `count` more from its subnet
/// (checked by the caller); returns them in that order.
pub(super) fn add_private_ips(
    w: &mut World,
    eni_id: &str,
    explicit: &[Ipv4Addr],
    count: usize,
) -> Result<Vec<Ipv4Addr>> {
    let subnet_id = w
        .network_interfaces
        .get(eni_id)
        .expect("checked")
        .subnet_id
        .clone();
    let mut assigned = Vec::new();
    for addr in explicit {
        assigned.push(subnet::allocate_ip(w, &subnet_id, Some(*addr))?);
    }
    for _ in 0..count {
        assigned.push(subnet::allocate_ip(w, &subnet_id, None)?);
    }
    let e = w.network_interfaces.get_mut(eni_id).expect("checked");
    e.private_ips.extend(assigned.iter().copied());
    Ok(assigned)
}

/// Gives an interface the `explicit` IPv6 addresses, then `count` free ones of its subnet's
/// block (checked by the caller); returns them in that order.
pub(super) fn add_ipv6(
    w: &mut World,
    eni_id: &str,
    explicit: &[Ipv6Addr],
    count: usize,
) -> Vec<Ipv6Addr> {
    let subnet_id = w
        .network_interfaces
        .get(eni_id)
        .expect("checked")
        .subnet_id
        .clone();
    let mut used = Used6::of(w, &subnet_id);
    used.addresses.extend(explicit.iter().copied());
    let mut assigned = explicit.to_vec();
    for _ in 0..count {
        if let Some(a) = random_ipv6(w, &subnet_id, &used) {
            used.addresses.insert(a);
            assigned.push(a);
        }
    }
    let e = w.network_interfaces.get_mut(eni_id).expect("checked");
    e.ipv6_addresses.extend(assigned.iter().copied());
    assigned
}

/// Takes IPv6 addresses off an interface (they return to the subnet's free range).
pub(super) fn remove_ipv6(w: &mut World, eni_id: &str, addresses: &[Ipv6Addr]) {
    if let Some(e) = w.network_interfaces.get_mut(eni_id) {
        e.ipv6_addresses.retain(|a| !addresses.contains(a));
    }
}

/// Delegates a plan's IPv4 prefixes (checked): the named ones, then picked ones.
fn delegate_v4(w: &mut World, subnet_id: &str, p: &Prefixes) -> Result<Vec<Ipv4Net>> {
    let mut out = Vec::new();
    for b in &p.v4 {
        out.push(subnet::allocate_block_v4(
            w,
            subnet_id,
            Some(*b),
            IPV4_PREFIX_LEN,
        )?);
    }
    for _ in 0..p.v4_count {
        out.push(subnet::allocate_block_v4(
            w,
            subnet_id,
            None,
            IPV4_PREFIX_LEN,
        )?);
    }
    Ok(out)
}

/// Delegates a plan's IPv6 prefixes (checked) beside what `used` holds.
fn delegate_v6(w: &mut World, subnet_id: &str, p: &Prefixes, mut used: Used6) -> Vec<Ipv6Net> {
    let mut out = p.v6.clone();
    used.prefixes.extend(out.iter().copied());
    for _ in 0..p.v6_count {
        if let Some(b) = prefixes::pick_v6(w, subnet_id, &used) {
            used.prefixes.push(b);
            out.push(b);
        }
    }
    out
}

/// Gives an interface the prefixes `p` (checked by the caller); returns those delegated.
pub(super) fn add_prefixes(
    w: &mut World,
    eni_id: &str,
    p: &Prefixes,
) -> Result<(Vec<Ipv4Net>, Vec<Ipv6Net>)> {
    let subnet_id = w
        .network_interfaces
        .get(eni_id)
        .expect("checked")
        .subnet_id
        .clone();
    let v4 = delegate_v4(w, &subnet_id, p)?;
    let used = if p.v6_count > 0 {
        Used6::of(w, &subnet_id)
    } else {
        Used6::default()
    };
    let v6 = delegate_v6(w, &subnet_id, p, used);
    let e = w.network_interfaces.get_mut(eni_id).expect("checked");
    e.ipv4_prefixes.extend(v4.iter().copied());
    e.ipv6_prefixes.extend(v6.iter().copied());
    Ok((v4, v6))
}

/// Takes delegated prefixes off an interface (IPv4 ones back to the subnet).
pub(super) fn remove_prefixes(w: &mut World, eni_id: &str, v4: &[Ipv4Net], v6: &[Ipv6Net]) {
    let Some(e) = w.network_interfaces.get_mut(eni_id) else {
        return;
    };
    e.ipv4_prefixes.retain(|b| !v4.contains(b));
    e.ipv6_prefixes.retain(|b| !v6.contains(b));
    let subnet_id = e.subnet_id.clone();
    for b in v4 {
        subnet::release_block_v4(w, &subnet_id, b);
    }
}

/// Takes a secondary private address off an interface: back to its subnet, with the Elastic
/// IP association on it ended.
pub(super) fn remove_private_ip(w: &mut World, eni_id: &str, addr: Ipv4Addr) {
    let Some(e) = w.network_interfaces.get_mut(eni_id) else {
        return;
    };
    e.private_ips.retain(|a| *a != addr);
    let subnet_id = e.subnet_id.clone();
    w.on_private_ip_removed(eni_id, addr);
    subnet::release_ip(w, &subnet_id, addr);
}

/// Gives a service's interface the security groups `groups` (checked by the service).
pub fn set_groups(w: &mut World, eni_id: &str, groups: &[String]) {
    if let Some(e) = w.network_interfaces.get_mut(eni_id) {
        e.groups = groups.to_vec();
    }
}

/// Maps a fresh Amazon public IPv4 address onto the interface's primary address.
pub fn map_amazon_public_ip(w: &mut World, eni_id: &str) {
    let ip = w.counters.next_public_ip();
    if let Some(e) = w.network_interfaces.get_mut(eni_id) {
        e.public_ip = Some(ip);
        e.public_ip_allocation_id = None;
    }
}

/// Releases the interface's Amazon public IPv4 address; an Elastic IP stays.
pub(super) fn release_amazon_public_ip(w: &mut World, eni_id: &str) {
    if let Some(e) = w.network_interfaces.get_mut(eni_id) {
        if e.public_ip_allocation_id.is_none() {
            e.public_ip = None;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Destroy

/// Removes an interface: its addresses go back to its subnet, its Elastic IP associations
/// end, its tags are forgotten.
pub fn destroy_interface(w: &mut World, id: &str) {
    let Some(e) = w.network_interfaces.remove(id) else {
        return;
    };
    for ip in &e.private_ips {
        subnet::release_ip(w, &e.subnet_id, *ip);
    }
    for b in &e.ipv4_prefixes {
        subnet::release_block_v4(w, &e.subnet_id, b);
    }
    w.on_interface_deleted(id);
    tags::forget(w, id);
}
