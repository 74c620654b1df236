//! The gateway area's tests, on the shared kit.

use std::net::Ipv4Addr;

use super::*;
use crate::config::Config;
use crate::eni::{InstanceState, InterfaceSpec, Launch, LaunchInterface};
use crate::error::ErrorCode;
use crate::filter::Filter;
use crate::tags::TagSpec;
use crate::testkit::eni::{in_subnet, launch};
use crate::testkit::gateway::{associate_eni, attach, create_nat, detach};
use crate::testkit::{Kit, A, B, REGION};
use crate::{subnet, Output, HOUR};

/// A kit at time 0 with accounts A's and B's defaults (NAT assertions read the clock).
fn kit() -> Kit {
    kit_with(Config::default())
}

fn kit_with(config: Config) -> Kit {
    let mut k = Kit::with(config, 1, 0);
    k.init(B, REGION);
    k
}

/// Account A's default VPC.
fn default_vpc(k: &Kit) -> String {
    k.default_vpc(k.ctx.scope())
}

/// A subnet of account A's default VPC.
fn default_subnet(k: &Kit) -> String {
    let vpc = default_vpc(k);
    k.w.subnets
        .values()
        .find(|s| s.vpc_id == vpc)
        .unwrap()
        .id
        .clone()
}

/// A plain interface in `subnet_id` with a primary and a secondary address.
fn plain_eni(k: &mut Kit, subnet_id: &str) -> String {
    k.interface(InterfaceSpec {
        secondary_count: Some(1),
        ..in_subnet(subnet_id)
    })
}

/// An instance whose primary interface (two addresses, no public IP) is in `subnet_id`:
/// (instance, interface).
fn instance(k: &mut Kit, subnet_id: &str) -> (String, String) {
    let ids = k.launch(Launch {
        network_interfaces: vec![LaunchInterface {
            device_index: Some(0),
            associate_public_ip: Some(false),
            spec: InterfaceSpec {
                secondary_count: Some(1),
                ..in_subnet(subnet_id)
            },
            ..LaunchInterface::default()
        }],
        ..launch(None, 1, 1)
    });
    let eni_id = k.instance(&ids[0]).network_interface_id.clone();
    (ids[0].clone(), eni_id)
}

#[test]
fn internet_gateway_lifecycle() {
    let mut k = kit();
    let vpc = k.vpc("10.0.0.0/16");
    let igw = k.igw();
    assert_eq!(k.w.internet_gateways.get(&igw).unwrap().attachment, None);
    k.attach_igw(&igw, &vpc);
    assert_eq!(attached_igw(&k.w, &vpc).unwrap().id, igw);
    k.ok(detach(&igw, &vpc));
    assert!(attached_igw(&k.w, &vpc).is_none());
    k.ok(Cmd::DeleteInternetGateway {
        internet_gateway_id: igw.clone(),
    });
    assert!(k.w.internet_gateways.get(&igw).is_none());
}

#[test]
fn internet_gateway_errors() {
    let mut k = kit();
    let vpc = k.vpc("10.0.0.0/16");
    let default_vpc = default_vpc(&k);
    let igw = k.igw();
    let unknown = "igw-0123456789abcdef0";
    k.refused_saying(
        A,
        attach(unknown, &vpc),
        "InvalidInternetGatewayID.NotFound",
        &format!("The internetGateway ID '{unknown}' does not exist"),
    );
    k.refused_saying(
        A,
        attach(&igw, "vpc-0123456789abcdef0"),
        "InvalidVpcID.NotFound",
        "",
    );
    k.refused_saying(
        A,
        attach(&igw, &default_vpc),
        "InvalidParameterValue",
        &format!("Network {default_vpc} already has an internet gateway attached"),
    );
    k.attach_igw(&igw, &vpc);
    for target in [&vpc, &default_vpc] {
        k.refused_saying(
            A,
            attach(&igw, target),
            "Resource.AlreadyAssociated",
            &format!("resource {igw} is already attached to network {vpc}"),
        );
    }
    k.refused_saying(A, detach(&igw, &default_vpc), "Gateway.NotAttached", "");
    k.refused_saying(
        A,
        Cmd::DeleteInternetGateway {
            internet_gateway_id: igw.clone(),
        },
        "DependencyViolation",
        &format!("The internetGateway '{igw}' has dependencies and cannot be deleted."),
    );
    k.refused_saying(
        A,
        Cmd::DeleteInternetGateway {
            internet_gateway_id: unknown.into(),
        },
        "InvalidInternetGatewayID.NotFound",
        "",
    );
    // Another account sees neither the gateway nor the VPC.
    k.refused_saying(
        B,
        detach(&igw, &vpc),
        "InvalidInternetGatewayID.NotFound",
        "",
    );
    k.refused_saying(
        A,
        Cmd::CreateInternetGateway {
            tags: vec![TagSpec {
                resource_type: "vpc".into(),
                tags: vec![],
            }],
        },
        "InvalidParameterValue",
        "not a valid taggable resource type",
    );
}

#[test]
fn detach_is_refused_while_public_addresses_are_mapped() {
    let mut k = kit();
    let vpc = default_vpc(&k);
    let igw = attached_igw(&k.w, &vpc).unwrap().id.clone();
    let subnet = default_subnet(&k);
    let eni = plain_eni(&mut k, &subnet);
    let eip = k.eip();
    let assoc = k.id(associate_eni(&eip, &eni));
    let msg = format!("Network {vpc} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.");
    k.refused_saying(A, detach(&igw, &vpc), "DependencyViolation", &msg);
    k.ok(Cmd::DisassociateAddress {
        association_id: Some(assoc),
        public_ip: None,
    });
    // An auto-assigned public IP counts too.
    k.w.network_interfaces.get_mut(&eni).unwrap().public_ip = Some(Ipv4Addr::new(3, 3, 3, 3));
    k.refused_saying(A, detach(&igw, &vpc), "DependencyViolation", &msg);
    k.w.network_interfaces.get_mut(&eni).unwrap().public_ip = None;
    k.ok(detach(&igw, &vpc));
}

#[test]
fn internet_gateway_quota_only_when_configured() {
    let mut config = Config::default();
    config
        .quotas
        .set_from_arg("internet-gateways-per-region=2")
        .unwrap();
    let mut k = kit_with(config);
    k.igw(); // the default VPC's gateway is the first
    k.refused_saying(
        A,
        Cmd::CreateInternetGateway { tags: vec![] },
        "InternetGatewayLimitExceeded",
        "",
    );
    let mut k = kit();
    for _ in 0..10 {
        k.igw();
    }
}

#[test]
fn describe_internet_gateways() {
    let mut k = kit();
    let vpc = k.vpc("10.0.0.0/16");
    let igw = k.id(Cmd::CreateInternetGateway {
        tags: vec![TagSpec {
            resource_type: "internet-gateway".into(),
            tags: vec![("Name".into(), "edge".into())],
        }],
    });
    k.attach_igw(&igw, &vpc);
    let free = k.igw();
    let ctx = k.ctx.clone();
    let ids = |filters: &[Filter]| -> Vec<String> {
        describe_igws(&k.w, &ctx, &[], filters)
            .unwrap()
            .iter()
            .map(|g| g.id.clone())
            .collect()
    };
    assert_eq!(ids(&[]).len(), 3);
    assert_eq!(
        ids(&[Filter::new("attachment.vpc-id", &[&vpc])]),
        vec![igw.clone()]
    );
    assert_eq!(
        ids(&[Filter::new("attachment.state", &["available"])]).len(),
        2
    );
    assert_eq!(
        ids(&[Filter::new("internet-gateway-id", &[&free])]),
        vec![free.clone()]
    );
    assert_eq!(
        ids(&[Filter::new("tag:Name", &["edge"])]),
        vec![igw.clone()]
    );
    assert_eq!(ids(&[Filter::new("owner-id", &[A])]).len(), 3);
    assert!(describe_igws(&k.w, &ctx, &[], &[Filter::new("bogus", &["x"])]).is_err());
    let b = k.as_account(B);
    let e = describe_igws(&k.w, &b, std::slice::from_ref(&igw), &[]).unwrap_err();
    assert_eq!(e.code, "InvalidInternetGatewayID.NotFound");
}

#[test]
fn egress_only_gateways() {
    let mut k = kit();
    let vpc = k.vpc("10.0.0.0/16");
    let id = k.id(Cmd::CreateEgressOnlyInternetGateway {
        vpc_id: vpc.clone(),
        client_token: Some("tok".into()),
        tags: vec![],
    });
    assert!(id.starts_with("eigw-"));
    // Same token, same parameters: the same gateway.
    let again = k.id(Cmd::CreateEgressOnlyInternetGateway {
        vpc_id: vpc.clone(),
        client_token: Some("tok".into()),
        tags: vec![],
    });
    assert_eq!(again, id);
    let found = describe_eigws(&k.w, &k.ctx.clone(), std::slice::from_ref(&id), &[]).unwrap();
    assert_eq!(found[0].vpc_id, vpc);
    k.refused_saying(
        A,
        Cmd::CreateEgressOnlyInternetGateway {
            vpc_id: "vpc-0123456789abcdef0".into(),
            client_token: None,
            tags: vec![],
        },
        "InvalidVpcID.NotFound",
        "",
    );
    k.refused_saying(
        B,
        Cmd::DeleteEgressOnlyInternetGateway {
            egress_only_internet_gateway_id: id.clone(),
        },
        "InvalidEgressOnlyInternetGatewayId.NotFound",
        &id,
    );
    k.ok(Cmd::DeleteEgressOnlyInternetGateway {
        egress_only_internet_gateway_id: id.clone(),
    });
    assert!(describe_eigws(&k.w, &k.ctx.clone(), &[], &[])
        .unwrap()
        .is_empty());
    assert!(describe_eigws(&k.w, &k.ctx.clone(), &[], &[Filter::new("vpc-id", &["x"])]).is_err());
}

#[test]
fn addresses_allocate_associate_release() {
    let mut k = kit();
    let subnet = default_subnet(&k);
    let eni = plain_eni(&mut k, &subnet);
    let eip = k.eip();
    let addr = k.w.addresses.get(&eip).unwrap().clone();
    assert!(eip.starts_with("eipalloc-"));
    assert_eq!(addr.public_ip, Ipv4Addr::new(18, 0, 0, 1));
    let assoc = k.id(associate_eni(&eip, &eni));
    assert!(assoc.starts_with("eipassoc-"));
    let e = k.w.network_interfaces.get(&eni).unwrap();
    assert_eq!(e.public_ip, Some(addr.public_ip));
    assert_eq!(e.public_ip_allocation_id.as_deref(), Some(eip.as_str()));
    // Associating again with the same target is a no-op returning the association.
    assert_eq!(k.id(associate_eni(&eip, &eni)), assoc);
    k.refused_saying(
        A,
        Cmd::ReleaseAddress {
            allocation_id: Some(eip.clone()),
            public_ip: None,
        },
        "InvalidIPAddress.InUse",
        "",
    );
    k.ok(Cmd::DisassociateAddress {
        association_id: None,
        public_ip: Some(addr.public_ip),
    });
    assert_eq!(k.w.network_interfaces.get(&eni).unwrap().public_ip, None);
    k.ok(Cmd::ReleaseAddress {
        allocation_id: Some(eip.clone()),
        public_ip: None,
    });
    assert!(k.w.addresses.get(&eip).is_none());
    // Public IPs are never reused.
    let next = k.eip();
    assert_eq!(
        k.w.addresses.get(&next).unwrap().public_ip,
        Ipv4Addr::new(18, 0, 0, 2)
    );
}

#[test]
fn address_errors() {
    let mut k = kit();
    let vpc = k.vpc("10.0.0.0/16");
    let private_subnet = k.subnet(&vpc, "10.0.1.0/24", None);
    let lonely = plain_eni(&mut k, &private_subnet);
    let subnet = default_subnet(&k);
    let eni = plain_eni(&mut k, &subnet);
    let other = plain_eni(&mut k, &subnet);
    let eip = k.eip();
    let unknown = "eipalloc-0123456789abcdef0";
    k.refused_saying(
        A,
        associate_eni(unknown, &eni),
        "InvalidAllocationID.NotFound",
        &format!("The allocation ID '{unknown}' does not exist"),
    );
    k.refused_saying(
        B,
        associate_eni(&eip, &eni),
        "InvalidAllocationID.NotFound",
        "",
    );
    k.refused_saying(
        A,
        associate_eni(&eip, "eni-0123456789abcdef0"),
        "InvalidNetworkInterfaceID.NotFound",
        "",
    );
    k.refused_saying(
        A,
        associate_eni(&eip, &lonely),
        "Gateway.NotAttached",
        &format!("Network {vpc} is not attached to any internet gateway"),
    );
    let mut both = associate_eni(&eip, &eni);
    if let Cmd::AssociateAddress { instance_id, .. } = &mut both {
        *instance_id = Some("i-0123456789abcdef0".into());
    }
    k.refused_saying(A, both, "InvalidParameterCombination", "");
    let mut neither = associate_eni(&eip, &eni);
    if let Cmd::AssociateAddress {
        network_interface_id,
        ..
    } = &mut neither
    {
        *network_interface_id = None;
    }
    k.refused_saying(A, neither, "MissingParameter", "");
    let mut foreign_ip = associate_eni(&eip, &eni);
    if let Cmd::AssociateAddress { private_ip, .. } = &mut foreign_ip {
        *private_ip = Some(Ipv4Addr::new(172, 31, 255, 1));
    }
    k.refused_saying(A, foreign_ip, "InvalidParameterValue", "");
    k.refused_saying(
        A,
        Cmd::AssociateAddress {
            allocation_id: None,
            public_ip: Some(Ipv4Addr::new(9, 9, 9, 9)),
            instance_id: None,
            network_interface_id: Some(eni.clone()),
            private_ip: None,
            allow_reassociation: false,
        },
        "InvalidAddress.NotFound",
        "",
    );
    k.refused_saying(
        A,
        Cmd::DisassociateAddress {
            association_id: Some("eipassoc-0123456789abcdef0".into()),
            public_ip: None,
        },
        "InvalidAssociationID.NotFound",
        "The association ID 'eipassoc-0123456789abcdef0' does not exist",
    );
    k.refused_saying(
        A,
        Cmd::ReleaseAddress {
            allocation_id: None,
            public_ip: None,
        },
        "MissingParameter",
        "",
    );
    k.refused_saying(
        A,
        Cmd::ReleaseAddress {
            allocation_id: Some(unknown.into()),
            public_ip: None,
        },
        "InvalidAllocationID.NotFound",
        "",
    );
    k.refused_saying(
        A,
        Cmd::AllocateAddress {
            tags: vec![TagSpec {
                resource_type: "vpc".into(),
                tags: vec![],
            }],
        },
        "InvalidParameterValue",
        "",
    );
    // Reassociation needs AllowReassociation.
    let assoc = k.id(associate_eni(&eip, &eni));
    k.refused_saying(
        A,
        associate_eni(&eip, &other),
        "Resource.AlreadyAssociated",
        &format!("resource {eip} is already associated with associate-id {assoc}"),
    );
    let mut moved = associate_eni(&eip, &other);
    if let Cmd::AssociateAddress {
        allow_reassociation,
        ..
    } = &mut moved
    {
        *allow_reassociation = true;
    }
    k.ok(moved);
    assert_eq!(k.w.network_interfaces.get(&eni).unwrap().public_ip, None);
    assert!(k
        .w
        .network_interfaces
        .get(&other)
        .unwrap()
        .public_ip
        .is_some());
}

#[test]
fn associate_by_instance_and_secondary_address() {
    let mut k = kit();
    let subnet = default_subnet(&k);
    let (instance, eni) = instance(&mut k, &subnet);
    let eip = k.eip();
    let second = k.eip();
    k.ok(Cmd::AssociateAddress {
        allocation_id: Some(eip.clone()),
        public_ip: None,
        instance_id: Some(instance.clone()),
        network_interface_id: None,
        private_ip: None,
        allow_reassociation: false,
    });
    let a = k.w.addresses.get(&eip).unwrap();
    assert_eq!(a.association.as_ref().unwrap().network_interface_id, eni);
    assert_eq!(address_instance(&k.w, a), Some(instance.clone()));
    // A second EIP on the same private address displaces the first.
    k.ok(Cmd::AssociateAddress {
        allocation_id: Some(second.clone()),
        public_ip: None,
        instance_id: Some(instance.clone()),
        network_interface_id: None,
        private_ip: None,
        allow_reassociation: false,
    });
    assert!(k.w.addresses.get(&eip).unwrap().association.is_none());
    let e = k.w.network_interfaces.get(&eni).unwrap();
    assert_eq!(e.public_ip_allocation_id.as_deref(), Some(second.as_str()));
    // The secondary private address maps without touching the primary's public IP.
    let secondary = e.private_ips[1];
    k.ok(Cmd::AssociateAddress {
        allocation_id: Some(eip.clone()),
        public_ip: None,
        instance_id: None,
        network_interface_id: Some(eni.clone()),
        private_ip: Some(secondary),
        allow_reassociation: false,
    });
    let e = k.w.network_interfaces.get(&eni).unwrap();
    assert_eq!(e.public_ip_allocation_id.as_deref(), Some(second.as_str()));
    let ctx = k.ctx.clone();
    let found = describe_addresses(
        &k.w,
        &ctx,
        &[],
        &[],
        &[Filter::new("private-ip-address", &[&secondary.to_string()])],
    )
    .unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].id, eip);
    // A terminated instance cannot take an address.
    k.w.instances.get_mut(&instance).unwrap().state = InstanceState::Terminated;
    let third = k.eip();
    k.refused_saying(
        A,
        Cmd::AssociateAddress {
            allocation_id: Some(third),
            public_ip: None,
            instance_id: Some(instance.clone()),
            network_interface_id: None,
            private_ip: None,
            allow_reassociation: false,
        },
        "IncorrectInstanceState",
        "",
    );
    k.refused_saying(
        A,
        Cmd::AssociateAddress {
            allocation_id: Some(eip.clone()),
            public_ip: None,
            instance_id: Some("i-0123456789abcdef0".into()),
            network_interface_id: None,
            private_ip: None,
            allow_reassociation: true,
        },
        "InvalidInstanceID.NotFound",
        "",
    );
    // Deleting the interface forgets its associations.
    k.w.on_interface_deleted(&eni);
    assert!(k.w.addresses.values().all(|a| a.association.is_none()));
}

#[test]
fn describe_addresses_by_id_ip_and_filter() {
    let mut k = kit();
    let subnet = default_subnet(&k);
    let eni = plain_eni(&mut k, &subnet);
    let a = k.eip();
    let b = k.id(Cmd::AllocateAddress {
        tags: vec![TagSpec {
            resource_type: "elastic-ip".into(),
            tags: vec![("role".into(), "nat".into())],
        }],
    });
    let assoc = k.id(associate_eni(&a, &eni));
    let ctx = k.ctx.clone();
    let ids = |alloc: &[String], ips: &[Ipv4Addr], filters: &[Filter]| -> Vec<String> {
        describe_addresses(&k.w, &ctx, alloc, ips, filters)
            .unwrap()
            .iter()
            .map(|x| x.id.clone())
            .collect()
    };
    assert_eq!(ids(&[], &[], &[]).len(), 2);
    assert_eq!(ids(std::slice::from_ref(&b), &[], &[]), vec![b.clone()]);
    let ip_b = k.w.addresses.get(&b).unwrap().public_ip;
    assert_eq!(ids(&[], &[ip_b], &[]), vec![b.clone()]);
    assert_eq!(
        ids(&[], &[], &[Filter::new("association-id", &[&assoc])]),
        vec![a.clone()]
    );
    assert_eq!(
        ids(&[], &[], &[Filter::new("network-interface-id", &[&eni])]),
        vec![a.clone()]
    );
    assert_eq!(
        ids(&[], &[], &[Filter::new("tag:role", &["nat"])]),
        vec![b.clone()]
    );
    assert_eq!(ids(&[], &[], &[Filter::new("domain", &["vpc"])]).len(), 2);
    assert_eq!(
        ids(&[], &[], &[Filter::new("public-ip", &["18.0.0.*"])]).len(),
        2
    );
    assert_eq!(
        ids(&[], &[], &[Filter::new("network-interface-owner-id", &[A])]),
        vec![a.clone()]
    );
    let e = describe_addresses(&k.w, &ctx, &["eipalloc-0123456789abcdef0".into()], &[], &[])
        .unwrap_err();
    assert_eq!(e.code, "InvalidAllocationID.NotFound");
    let e = describe_addresses(&k.w, &ctx, &[], &[Ipv4Addr::new(1, 1, 1, 1)], &[]).unwrap_err();
    assert_eq!(e.code, "InvalidAddress.NotFound");
    let b = k.as_account(B);
    assert!(describe_addresses(&k.w, &b, &[], &[], &[])
        .unwrap()
        .is_empty());
}

#[test]
fn address_quota_only_when_configured() {
    let mut config = Config::default();
    config
        .quotas
        .set_from_arg("addresses-per-region=1")
        .unwrap();
    let mut k = kit_with(config);
    k.eip();
    k.refused_saying(
        A,
        Cmd::AllocateAddress { tags: vec![] },
        "AddressLimitExceeded",
        "",
    );
    // Another account has its own count.
    let b = k.as_account(B);
    k.run_as(&b, Cmd::AllocateAddress { tags: vec![] }).unwrap();
}

#[test]
fn public_nat_gateway_lifecycle() {
    let mut k = kit();
    let subnet = default_subnet(&k);
    let vpc = default_vpc(&k);
    let igw = attached_igw(&k.w, &vpc).unwrap().id.clone();
    let eip = k.eip();
    let used_before = k.w.subnets.get(&subnet).unwrap().used.len();
    let id = k.id(create_nat(&subnet, Some(&eip)));
    let nat = k.nat(&id).clone();
    assert_eq!(nat.state, NatState::Pending);
    assert_eq!(nat_address_status(&nat), "associating");
    let eni_id = nat.network_interface_id.clone().unwrap();
    let eni = k.w.network_interfaces.get(&eni_id).unwrap();
    assert_eq!(eni.interface_type, "nat_gateway");
    assert!(eni.requester_managed);
    assert_eq!(eni.description, format!("Interface for NAT Gateway {id}"));
    assert_eq!(eni.primary_ip(), nat.private_ip);
    assert_eq!(eni.public_ip, nat.public_ip);
    assert_eq!(
        k.w.subnets.get(&subnet).unwrap().used.len(),
        used_before + 1
    );
    let a = k.w.addresses.get(&eip).unwrap();
    assert_eq!(
        a.association.as_ref().unwrap().association_id,
        nat.association_id.clone().unwrap()
    );
    // The next tick makes it available.
    k.advance(0);
    assert_eq!(k.nat(&id).state, NatState::Available);
    assert_eq!(nat_address_status(k.nat(&id)), "succeeded");
    // Its address cannot be released, disassociated or moved; the IGW cannot leave.
    k.refused_saying(
        A,
        Cmd::ReleaseAddress {
            allocation_id: Some(eip.clone()),
            public_ip: None,
        },
        "InvalidIPAddress.InUse",
        "",
    );
    k.refused_saying(
        A,
        Cmd::DisassociateAddress {
            association_id: nat.association_id.clone(),
            public_ip: None,
        },
        "OperationNotPermitted",
        &id,
    );
    let plain = plain_eni(&mut k, &subnet);
    let mut steal = associate_eni(&eip, &plain);
    if let Cmd::AssociateAddress {
        allow_reassociation,
        ..
    } = &mut steal
    {
        *allow_reassociation = true;
    }
    k.refused_saying(A, steal, "Resource.AlreadyAssociated", "");
    let other = k.eip();
    k.refused_saying(
        A,
        associate_eni(&other, &eni_id),
        "OperationNotPermitted",
        "",
    );
    k.refused_saying(
        A,
        detach(&igw, &vpc),
        "DependencyViolation",
        "mapped public",
    );
    // Delete: deleting, then deleted with everything released.
    k.ok(Cmd::DeleteNatGateway {
        nat_gateway_id: id.clone(),
    });
    assert_eq!(k.nat(&id).state, NatState::Deleting);
    assert!(k.w.network_interfaces.get(&eni_id).is_some());
    // Deleting again is a no-op.
    k.ok(Cmd::DeleteNatGateway {
        nat_gateway_id: id.clone(),
    });
    k.advance(1000);
    let nat = k.nat(&id).clone();
    assert_eq!(nat.state, NatState::Deleted);
    assert_eq!(nat.deleted, Some(0));
    assert_eq!(nat.network_interface_id.as_ref(), Some(&eni_id));
    assert!(k.w.network_interfaces.get(&eni_id).is_none());
    assert!(k.w.addresses.get(&eip).unwrap().association.is_none());
    assert_eq!(
        k.w.subnets.get(&subnet).unwrap().used.len(),
        used_before + 2
    );
    // Still describable for an hour, then gone.
    let ctx = k.ctx.clone();
    assert_eq!(
        describe_nats(&k.w, &ctx, std::slice::from_ref(&id), &[])
            .unwrap()
            .len(),
        1
    );
    k.advance(NAT_RETENTION);
    assert!(k.w.nat_gateways.get(&id).is_none());
    let e = describe_nats(&k.w, &k.ctx.clone(), std::slice::from_ref(&id), &[]).unwrap_err();
    assert_eq!(e.code, "NatGatewayNotFound");
    assert_eq!(e.message, format!("NAT gateway {id} was not found"));
    k.ok(Cmd::ReleaseAddress {
        allocation_id: Some(eip),
        public_ip: None,
    });
}

#[test]
fn private_nat_gateway_with_chosen_address() {
    let mut k = kit();
    let vpc = k.vpc("10.0.0.0/16");
    let subnet = k.subnet(&vpc, "10.0.1.0/24", None);
    let id = k.id(Cmd::CreateNatGateway {
        subnet_id: subnet.clone(),
        public: false,
        allocation_id: None,
        private_ip: Some(Ipv4Addr::new(10, 0, 1, 50)),
        client_token: None,
        tags: vec![TagSpec {
            resource_type: "natgateway".into(),
            tags: vec![("Name".into(), "priv".into())],
        }],
    });
    k.advance(0);
    let nat = k.nat(&id);
    assert_eq!(nat.state, NatState::Available);
    assert_eq!(nat.private_ip, Some(Ipv4Addr::new(10, 0, 1, 50)));
    assert_eq!(nat.public_ip, None);
    assert_eq!(nat_address_status(nat), "succeeded");
    let ctx = k.ctx.clone();
    let by = |f: Filter| describe_nats(&k.w, &ctx, &[], &[f]).unwrap().len();
    assert_eq!(by(Filter::new("vpc-id", &[&vpc])), 1);
    assert_eq!(by(Filter::new("subnet-id", &[&subnet])), 1);
    assert_eq!(by(Filter::new("state", &["available"])), 1);
    assert_eq!(by(Filter::new("state", &["pending"])), 0);
    assert_eq!(by(Filter::new("nat-gateway-id", &[&id])), 1);
    assert_eq!(by(Filter::new("tag:Name", &["priv"])), 1);
    assert!(describe_nats(&k.w, &ctx, &[], &[Filter::new("bogus", &["x"])]).is_err());
    // The subnet and the VPC cannot go while the NAT's interface is there.
    let e = k
        .run(subnet::Cmd::Delete {
            subnet_id: subnet.clone(),
        })
        .unwrap_err();
    assert_eq!(e.code, "DependencyViolation");
}

#[test]
fn nat_gateway_request_errors() {
    let mut k = kit();
    let subnet = default_subnet(&k);
    let eip = k.eip();
    k.refused_saying(
        A,
        create_nat("subnet-0123456789abcdef0", Some(&eip)),
        "InvalidSubnetID.NotFound",
        "",
    );
    let mut missing = create_nat(&subnet, None);
    if let Cmd::CreateNatGateway { public, .. } = &mut missing {
        *public = true;
    }
    k.refused_saying(A, missing, "MissingParameter", "AllocationId");
    let mut private_with_eip = create_nat(&subnet, Some(&eip));
    if let Cmd::CreateNatGateway { public, .. } = &mut private_with_eip {
        *public = false;
    }
    k.refused_saying(A, private_with_eip, "InvalidParameterCombination", "");
    let mut bad_ip = create_nat(&subnet, Some(&eip));
    if let Cmd::CreateNatGateway { private_ip, .. } = &mut bad_ip {
        *private_ip = Some(Ipv4Addr::new(10, 9, 9, 9));
    }
    k.refused_saying(A, bad_ip, "InvalidParameter", "");
    let mut reserved = create_nat(&subnet, Some(&eip));
    if let Cmd::CreateNatGateway { private_ip, .. } = &mut reserved {
        let s = k.w.subnets.get(&subnet).unwrap();
        *private_ip = Some(crate::cidr::nth_v4(&s.cidr.unwrap(), 1));
    }
    k.refused_saying(A, reserved, "InvalidParameter", "");
    let mut bad_tags = create_nat(&subnet, Some(&eip));
    if let Cmd::CreateNatGateway { tags, .. } = &mut bad_tags {
        tags.push(TagSpec {
            resource_type: "vpc".into(),
            tags: vec![],
        });
    }
    k.refused_saying(A, bad_tags, "InvalidParameterValue", "");
    k.refused_saying(
        B,
        create_nat(&subnet, Some(&eip)),
        "InvalidSubnetID.NotFound",
        "",
    );
    k.refused_saying(
        A,
        Cmd::DeleteNatGateway {
            nat_gateway_id: "nat-0123456789abcdef0".into(),
        },
        "NatGatewayNotFound",
        "NAT gateway nat-0123456789abcdef0 was not found",
    );
}

/// Creates a NAT gateway that fails and returns (failureCode, failureMessage).
fn failure_of(k: &mut Kit, cmd: Cmd) -> (ErrorCode, String) {
    let id = k.id(cmd);
    let nat = k.nat(&id).clone();
    assert_eq!(nat.state, NatState::Pending);
    assert!(nat.network_interface_id.is_none());
    k.advance(0);
    let nat = k.nat(&id).clone();
    assert_eq!(nat.state, NatState::Failed);
    assert_eq!(nat_address_status(&nat), "failed");
    // Failed gateways are purged after an hour.
    k.advance(NAT_RETENTION);
    assert!(k.w.nat_gateways.get(&id).is_none());
    nat.failure.unwrap()
}

#[test]
fn nat_gateway_problems_fail_the_gateway_not_the_request() {
    let mut k = kit();
    let vpc = k.vpc("10.0.0.0/16");
    let subnet = k.subnet(&vpc, "10.0.1.0/28", None);
    let eip = k.eip();
    let (code, msg) = failure_of(&mut k, create_nat(&subnet, Some(&eip)));
    assert_eq!(code, "Gateway.NotAttached");
    assert_eq!(
        msg,
        format!("Network {vpc} has no Internet gateway attached")
    );
    let igw = k.igw();
    k.attach_igw(&igw, &vpc);
    let unknown = "eipalloc-0123456789abcdef0";
    let (code, msg) = failure_of(&mut k, create_nat(&subnet, Some(unknown)));
    assert_eq!(code, "InvalidAllocationID.NotFound");
    assert_eq!(
        msg,
        format!("Elastic IP address {unknown} could not be associated with this NAT gateway")
    );
    // Another account's allocation is as good as unknown.
    let b = k.as_account(B);
    let theirs = match k.run_as(&b, Cmd::AllocateAddress { tags: vec![] }).unwrap() {
        Output::Id(id) => id,
        o => panic!("{o:?}"),
    };
    let (code, _) = failure_of(&mut k, create_nat(&subnet, Some(&theirs)));
    assert_eq!(code, "InvalidAllocationID.NotFound");
    let eni = plain_eni(&mut k, &subnet);
    k.ok(associate_eni(&eip, &eni));
    let (code, msg) = failure_of(&mut k, create_nat(&subnet, Some(&eip)));
    assert_eq!(code, "Resource.AlreadyAssociated");
    assert_eq!(
        msg,
        format!("Elastic IP address {eip} is already associated")
    );
    // A full subnet: a /28 has 11 usable addresses; the ENI took 2.
    for _ in 0..9 {
        subnet::allocate_ip(&mut k.w, &subnet, None).unwrap();
    }
    let (code, _) = failure_of(&mut k, create_nat(&subnet, None));
    assert_eq!(code, "InsufficientFreeAddressesInSubnet");
}

#[test]
fn nat_gateway_timers_with_delays() {
    let mut config = Config::default();
    config.delays.transition = 5_000;
    let mut k = kit_with(config);
    let subnet = default_subnet(&k);
    let eip = k.eip();
    let id = k.id(create_nat(&subnet, Some(&eip)));
    k.advance(4_999);
    assert_eq!(k.nat(&id).state, NatState::Pending);
    // Deleted while pending: the pending timer is stale and must not make it available.
    k.ok(Cmd::DeleteNatGateway {
        nat_gateway_id: id.clone(),
    });
    k.advance(1);
    assert_eq!(k.nat(&id).state, NatState::Deleting);
    // Timers run late act as of their due time.
    k.advance(10 * HOUR);
    assert!(k.w.nat_gateways.get(&id).is_none());
    let id = k.id(create_nat(&subnet, Some(&eip)));
    k.advance(5_000);
    assert_eq!(k.nat(&id).state, NatState::Available);
    let before = k.ctx.now;
    k.ok(Cmd::DeleteNatGateway {
        nat_gateway_id: id.clone(),
    });
    k.advance(6_000);
    assert_eq!(k.nat(&id).deleted, Some(before + 5_000));
}

#[test]
fn nat_gateway_client_token_is_idempotent() {
    let mut k = kit();
    let subnet = default_subnet(&k);
    let eip = k.eip();
    let mut cmd = create_nat(&subnet, Some(&eip));
    if let Cmd::CreateNatGateway { client_token, .. } = &mut cmd {
        *client_token = Some("token-1".into());
    }
    let id = k.id(cmd.clone());
    assert_eq!(k.id(cmd.clone()), id);
    assert_eq!(k.w.nat_gateways.len(), 1);
    if let Cmd::CreateNatGateway {
        public,
        allocation_id,
        ..
    } = &mut cmd
    {
        *public = false;
        *allocation_id = None;
    }
    k.refused_saying(A, cmd, "IdempotentParameterMismatch", "token-1");
}

#[test]
fn nat_gateway_quota_per_zone_only_when_configured() {
    let mut config = Config::default();
    config.quotas.set_from_arg("nat-gateways-per-az=1").unwrap();
    let mut k = kit_with(config);
    let subnet = default_subnet(&k);
    let id = k.id(create_nat(&subnet, None));
    k.refused_saying(A, create_nat(&subnet, None), "NatGatewayLimitExceeded", "");
    // Another zone is free; deleted gateways stop counting.
    let vpc = default_vpc(&k);
    let zone = k.w.subnets.get(&subnet).unwrap().availability_zone.clone();
    let elsewhere =
        k.w.subnets
            .values()
            .find(|s| s.vpc_id == vpc && s.availability_zone != zone)
            .unwrap()
            .id
            .clone();
    k.ok(create_nat(&elsewhere, None));
    k.ok(Cmd::DeleteNatGateway { nat_gateway_id: id });
    k.advance(0);
    k.ok(create_nat(&subnet, None));
}

#[test]
fn reverse_dns_is_reported_only_once_set() {
    let mut k = kit();
    let alloc = k.eip();
    let ctx = k.ctx.clone();
    assert!(describe_address_attributes(&k.w, &ctx, &[])
        .unwrap()
        .is_empty());
    k.refused(
        Cmd::ModifyAddressAttribute {
            allocation_id: alloc.clone(),
            domain_name: "bad_name..example".into(),
        },
        "InvalidParameterValue",
    );
    k.refused(
        Cmd::ModifyAddressAttribute {
            allocation_id: "eipalloc-0123456789abcdef0".into(),
            domain_name: "mail.example.com".into(),
        },
        "InvalidAllocationID.NotFound",
    );
    k.ok(Cmd::ModifyAddressAttribute {
        allocation_id: alloc.clone(),
        domain_name: "Mail.Example.com.".into(),
    });
    let found = describe_address_attributes(&k.w, &ctx, std::slice::from_ref(&alloc)).unwrap();
    assert_eq!(found[0].domain_name.as_deref(), Some("mail.example.com"));
    k.ok(Cmd::ResetAddressAttribute {
        allocation_id: alloc.clone(),
    });
    assert!(describe_address_attributes(&k.w, &ctx, &[alloc])
        .unwrap()
        .is_empty());
}

#[test]
fn an_instance_launched_with_a_public_ip_gets_a_new_one_when_its_elastic_ip_moves_away() {
    let mut k = kit();
    let ids = k.launch(launch(None, 2, 2));
    let (one, two) = (k.w.instances.get(&ids[0]).unwrap().clone(), ids[1].clone());
    let eni = one.network_interface_id.clone();
    let launched_with = k.w.network_interfaces.get(&eni).unwrap().public_ip;
    assert!(launched_with.is_some());
    let alloc = k.eip();
    k.ok(associate_eni(&alloc, &eni));
    let eip = k.w.addresses.get(&alloc).unwrap().public_ip;
    assert_eq!(
        k.w.network_interfaces.get(&eni).unwrap().public_ip,
        Some(eip)
    );
    // Moved to the other instance: the first gets a fresh Amazon address.
    k.ok(Cmd::AssociateAddress {
        allocation_id: Some(alloc.clone()),
        public_ip: None,
        instance_id: Some(two),
        network_interface_id: None,
        private_ip: None,
        allow_reassociation: true,
    });
    let now = k.w.network_interfaces.get(&eni).unwrap().public_ip;
    assert!(now.is_some() && now != Some(eip) && now != launched_with);
}
