//! The eni area's tests, on the shared kit.

use std::net::Ipv4Addr;

use super::*;
use crate::filter::Filter;
use crate::table::Resource;
use crate::tags::{self, TagSpec};
use crate::testkit::eni::{create, in_subnet, launch, pip};
use crate::testkit::{Kit, A, B};
use crate::{cidr, subnet, Output, DAY};

fn ip(s: &str) -> Ipv4Addr {
    s.parse().expect("test address")
}

/// A VPC 10.0.0.0/16 with subnet 10.0.1.0/24 in us-east-1a.
fn net(k: &mut Kit) -> (String, String) {
    let v = k.vpc("10.0.0.0/16");
    let s = k.subnet(&v, "10.0.1.0/24", Some("us-east-1a"));
    (v, s)
}

/// The subnet's free address count.
fn free_in(k: &Kit, subnet_id: &str) -> u64 {
    k.w.subnets
        .get(subnet_id)
        .expect("subnet")
        .available_ip_count()
}

#[test]
fn create_interface_defaults() {
    let mut k = Kit::new();
    let (v, s) = net(&mut k);
    let before = free_in(&k, &s);
    let id = k.interface(in_subnet(&s));
    let e = k.eni(&id);
    assert!(id.starts_with("eni-") && id.len() == 21);
    assert_eq!(e.private_ips, vec![ip("10.0.1.4")]);
    assert_eq!(
        e.groups,
        vec![k.w.vpcs.get(&v).unwrap().default_security_group_id.clone()]
    );
    assert_eq!(
        (e.status(), e.interface_type.as_str()),
        ("available", "interface")
    );
    assert!(e.source_dest_check && !e.requester_managed && e.attachment.is_none());
    assert!(e.mac_address.starts_with("0e:") && e.mac_address.len() == 17);
    assert_eq!(e.availability_zone, "us-east-1a");
    assert_eq!(free_in(&k, &s), before - 1);
}

#[test]
fn create_interface_addresses() {
    let mut k = Kit::new();
    let (_, s) = net(&mut k);
    // (spec tweak, expected addresses primary first)
    let cases: Vec<(InterfaceSpec, Vec<&str>)> = vec![
        (
            InterfaceSpec {
                private_ip: Some(ip("10.0.1.50")),
                secondary_count: Some(2),
                ..in_subnet(&s)
            },
            vec!["10.0.1.50", "10.0.1.4", "10.0.1.5"],
        ),
        (
            InterfaceSpec {
                private_ips: vec![pip("10.0.1.60", false), pip("10.0.1.61", true)],
                ..in_subnet(&s)
            },
            vec!["10.0.1.61", "10.0.1.60"],
        ),
        (
            // Without a designated primary the first listed address is primary.
            InterfaceSpec {
                private_ips: vec![pip("10.0.1.70", false), pip("10.0.1.71", false)],
                ..in_subnet(&s)
            },
            vec!["10.0.1.70", "10.0.1.71"],
        ),
        (
            InterfaceSpec {
                private_ip: Some(ip("10.0.1.80")),
                private_ips: vec![pip("10.0.1.80", true), pip("10.0.1.81", false)],
                ..in_subnet(&s)
            },
            vec!["10.0.1.80", "10.0.1.81"],
        ),
        (
            // An explicit secondary is never taken by the automatic primary.
            InterfaceSpec {
                private_ips: vec![],
                secondary_count: None,
                private_ip: None,
                ..in_subnet(&s)
            },
            vec!["10.0.1.6"],
        ),
    ];
    for (spec, want) in cases {
        let id = k.interface(spec);
        let got: Vec<String> = k
            .eni(&id)
            .private_ips
            .iter()
            .map(|a| a.to_string())
            .collect();
        assert_eq!(got, want);
    }
    let free = free_in(&k, &s);
    assert_eq!(free, 251 - 10);
}

#[test]
fn create_interface_errors() {
    let mut k = Kit::new();
    let (v, s) = net(&mut k);
    let other_vpc = k.vpc("10.1.0.0/16");
    let foreign_sg = k.security_group("web", Some(&other_vpc));
    let small = k.subnet(&v, "10.0.2.0/28", Some("us-east-1a"));
    k.interface(InterfaceSpec {
        private_ip: Some(ip("10.0.1.9")),
        ..in_subnet(&s)
    });
    let cases: Vec<(InterfaceSpec, Option<&str>, &str)> = vec![
        (InterfaceSpec::default(), None, "MissingParameter"),
        (
            in_subnet("subnet-0123456789abcdef0"),
            None,
            "InvalidSubnetID.NotFound",
        ),
        (
            InterfaceSpec {
                private_ip: Some(ip("10.0.1.9")),
                ..in_subnet(&s)
            },
            None,
            "InvalidIPAddress.InUse",
        ),
        (
            InterfaceSpec {
                private_ip: Some(ip("10.0.2.9")),
                ..in_subnet(&s)
            },
            None,
            "InvalidParameter",
        ),
        (
            InterfaceSpec {
                private_ip: Some(ip("10.0.1.1")),
                ..in_subnet(&s)
            },
            None,
            "InvalidParameter",
        ),
        (
            InterfaceSpec {
                private_ip: Some(ip("10.0.1.255")),
                ..in_subnet(&s)
            },
            None,
            "InvalidParameter",
        ),
        (
            InterfaceSpec {
                groups: vec!["sg-0123456789abcdef0".into()],
                ..in_subnet(&s)
            },
            None,
            "InvalidGroup.NotFound",
        ),
        (
            InterfaceSpec {
                groups: vec![foreign_sg.clone()],
                ..in_subnet(&s)
            },
            None,
            "InvalidParameter",
        ),
        (in_subnet(&s), Some("efa"), "InvalidParameterValue"),
        (in_subnet(&s), Some("trunk"), "InvalidParameterValue"),
        (
            InterfaceSpec {
                ipv6_count: Some(1),
                ..in_subnet(&s)
            },
            None,
            "InvalidParameterValue",
        ),
        (
            InterfaceSpec {
                secondary_count: Some(50),
                ..in_subnet(&s)
            },
            None,
            "PrivateIpAddressLimitExceeded",
        ),
        (
            InterfaceSpec {
                secondary_count: Some(-1),
                ..in_subnet(&s)
            },
            None,
            "InvalidParameterValue",
        ),
        (
            InterfaceSpec {
                private_ips: vec![pip("10.0.1.20", true), pip("10.0.1.21", true)],
                ..in_subnet(&s)
            },
            None,
            "InvalidParameterValue",
        ),
        (
            InterfaceSpec {
                private_ip: Some(ip("10.0.1.22")),
                private_ips: vec![pip("10.0.1.23", true)],
                ..in_subnet(&s)
            },
            None,
            "InvalidParameterCombination",
        ),
        (
            InterfaceSpec {
                private_ips: vec![pip("10.0.1.24", true), pip("10.0.1.25", false)],
                secondary_count: Some(1),
                ..in_subnet(&s)
            },
            None,
            "InvalidParameterCombination",
        ),
        (
            InterfaceSpec {
                private_ips: vec![pip("10.0.1.26", false), pip("10.0.1.26", false)],
                ..in_subnet(&s)
            },
            None,
            "InvalidParameterValue",
        ),
        (
            InterfaceSpec {
                secondary_count: Some(11),
                ..in_subnet(&small)
            },
            None,
            "InsufficientFreeAddressesInSubnet",
        ),
    ];
    for (spec, interface_type, code) in cases {
        k.refused(
            Cmd::CreateInterface {
                spec,
                interface_type: interface_type.map(str::to_string),
                client_token: None,
                tags: vec![],
            },
            code,
        );
    }
    // Wrong tag resource type.
    k.refused(
        Cmd::CreateInterface {
            spec: in_subnet(&s),
            interface_type: Some("interface".into()),
            client_token: None,
            tags: vec![TagSpec {
                resource_type: "instance".into(),
                tags: vec![("k".into(), "v".into())],
            }],
        },
        "InvalidParameterValue",
    );
    // Another account's subnet is invisible.
    let ctx_b = k.as_account(B);
    let e = k.run_as(&ctx_b, create(in_subnet(&s))).unwrap_err();
    assert_eq!(e.code, "InvalidSubnetID.NotFound");
    // The /28 fits exactly its 11 usable addresses.
    k.ok(create(InterfaceSpec {
        secondary_count: Some(10),
        ..in_subnet(&small)
    }));
    assert_eq!(free_in(&k, &small), 0);
}

#[test]
fn create_interface_tags_and_client_token() {
    let mut k = Kit::new();
    let (_, s) = net(&mut k);
    let cmd = Cmd::CreateInterface {
        spec: in_subnet(&s),
        interface_type: None,
        client_token: Some("tok".into()),
        tags: vec![TagSpec {
            resource_type: "network-interface".into(),
            tags: vec![("Name".into(), "a".into())],
        }],
    };
    let first = k.ok(cmd.clone());
    let again = k.ok(cmd);
    assert_eq!(first, again);
    assert_eq!(k.w.network_interfaces.len(), 1);
    let Output::Id(id) = first else { panic!() };
    assert_eq!(tags::of(&k.w, k.ctx.scope(), &id).get("Name").unwrap(), "a");
    let other = Cmd::CreateInterface {
        spec: InterfaceSpec {
            description: Some("d".into()),
            ..in_subnet(&s)
        },
        interface_type: None,
        client_token: Some("tok".into()),
        tags: vec![],
    };
    k.refused(other, "IdempotentParameterMismatch");
}

#[test]
fn ipv6_addresses() {
    let mut k = Kit::new();
    let s = k.dual_stack_subnet();
    let block = k.w.subnets.get(&s).unwrap().ipv6_cidrs[0].cidr;
    let id = k.interface(InterfaceSpec {
        ipv6_count: Some(2),
        ..in_subnet(&s)
    });
    let got = k.eni(&id).ipv6_addresses.clone();
    assert_eq!(got.len(), 2);
    assert!(got[0] != got[1] && got.iter().all(|a| block.contains(a)));
    let wanted = cidr::nth_v6(&block, 0x10);
    let id2 = k.interface(InterfaceSpec {
        ipv6_addresses: vec![wanted],
        ..in_subnet(&s)
    });
    assert_eq!(k.eni(&id2).ipv6_addresses, vec![wanted]);
    let cases = vec![
        (
            InterfaceSpec {
                ipv6_addresses: vec![wanted],
                ..in_subnet(&s)
            },
            "InvalidIPAddress.InUse",
        ),
        (
            InterfaceSpec {
                ipv6_addresses: vec![cidr::nth_v6(&block, 1)],
                ..in_subnet(&s)
            },
            "InvalidParameter",
        ),
        (
            InterfaceSpec {
                ipv6_addresses: vec!["2001:db8::5".parse().unwrap()],
                ..in_subnet(&s)
            },
            "InvalidParameter",
        ),
        (
            InterfaceSpec {
                ipv6_addresses: vec![cidr::nth_v6(&block, 0x20)],
                ipv6_count: Some(1),
                ..in_subnet(&s)
            },
            "InvalidParameterCombination",
        ),
        (
            InterfaceSpec {
                ipv6_count: Some(51),
                ..in_subnet(&s)
            },
            "InvalidParameterValue",
        ),
    ];
    for (spec, code) in cases {
        k.refused(create(spec), code);
    }
    // assignIpv6AddressOnCreation gives one address unless a count is given.
    k.w.subnets.get_mut(&s).unwrap().assign_ipv6_on_creation = true;
    let auto = k.interface(in_subnet(&s));
    assert_eq!(k.eni(&auto).ipv6_addresses.len(), 1);
    let none = k.interface(InterfaceSpec {
        ipv6_count: Some(0),
        ..in_subnet(&s)
    });
    assert!(k.eni(&none).ipv6_addresses.is_empty());
}

#[test]
fn delete_interface() {
    let mut k = Kit::new();
    let (_, s) = net(&mut k);
    let free = free_in(&k, &s);
    let id = k.interface(InterfaceSpec {
        secondary_count: Some(3),
        ..in_subnet(&s)
    });
    assert_eq!(free_in(&k, &s), free - 4);
    k.ok(Cmd::DeleteInterface {
        network_interface_id: id.clone(),
    });
    assert_eq!(free_in(&k, &s), free);
    assert!(k.w.network_interfaces.get(&id).is_none());
    k.refused(
        Cmd::DeleteInterface {
            network_interface_id: id,
        },
        "InvalidNetworkInterfaceID.NotFound",
    );
    // Attached interfaces are in use; the primary of an instance too.
    let i = k.launch(launch(Some(&s), 1, 1))[0].clone();
    let primary = k.instance(&i).network_interface_id.clone();
    k.refused(
        Cmd::DeleteInterface {
            network_interface_id: primary,
        },
        "InvalidNetworkInterface.InUse",
    );
    // Requester-managed interfaces cannot be deleted by the user.
    let scope = k.ctx.scope();
    let m = create_managed(
        &mut k.w,
        scope,
        0,
        &ManagedInterface {
            subnet_id: s.clone(),
            interface_type: "nat_gateway".into(),
            description: "Interface for NAT Gateway nat-0".into(),
            requester_id: "amazon-aws".into(),
            groups: vec![],
            takes_groups: true,
            private_ip: None,
            ipv6: ManagedIpv6::None,
            attached_to: Some("amazon-aws".into()),
        },
    )
    .unwrap();
    assert!(k.eni(&m).requester_managed && k.eni(&m).status() == "in-use");
    k.refused(
        Cmd::DeleteInterface {
            network_interface_id: m.clone(),
        },
        "OperationNotPermitted",
    );
    let att = k.eni(&m).attachment.clone().unwrap().id;
    k.refused(Cmd::Detach { attachment_id: att }, "OperationNotPermitted");
    k.refused(
        Cmd::ModifyInterface {
            network_interface_id: m.clone(),
            change: InterfaceChange::SourceDestCheck(false),
        },
        "OperationNotPermitted",
    );
    let before = free_in(&k, &s);
    destroy_interface(&mut k.w, &m);
    assert_eq!(free_in(&k, &s), before + 1);
    // Subnets with interfaces cannot be deleted.
    let e = k.run(subnet::Cmd::Delete { subnet_id: s }).unwrap_err();
    assert_eq!(e.code, "DependencyViolation");
}

#[test]
fn modify_interface() {
    let mut k = Kit::new();
    let (v, s) = net(&mut k);
    let web = k.security_group("web", Some(&v));
    let other = k.vpc("10.1.0.0/16");
    let foreign = k.security_group("x", Some(&other));
    let id = k.interface(in_subnet(&s));
    let m = |change| Cmd::ModifyInterface {
        network_interface_id: id.clone(),
        change,
    };
    k.ok(m(InterfaceChange::SourceDestCheck(false)));
    k.ok(m(InterfaceChange::Description("hello".into())));
    k.ok(m(InterfaceChange::Groups(vec![web.clone(), web.clone()])));
    let e = k.eni(&id);
    assert!(!e.source_dest_check);
    assert_eq!(
        (e.description.as_str(), e.groups.clone()),
        ("hello", vec![web.clone()])
    );
    k.refused(
        m(InterfaceChange::Groups(vec![foreign])),
        "InvalidParameter",
    );
    k.refused(
        m(InterfaceChange::Groups(vec!["sg-0123456789abcdef0".into()])),
        "InvalidGroup.NotFound",
    );
    k.refused(
        m(InterfaceChange::DeleteOnTermination {
            attachment_id: "eni-attach-0123456789abcdef0".into(),
            value: true,
        }),
        "InvalidAttachmentID.NotFound",
    );
    let i = k.launch(launch(Some(&s), 1, 1))[0].clone();
    let att = k.id(Cmd::Attach {
        network_interface_id: id.clone(),
        instance_id: i,
        device_index: 1,
    });
    assert!(att.starts_with("eni-attach-"));
    k.ok(m(InterfaceChange::DeleteOnTermination {
        attachment_id: att,
        value: true,
    }));
    assert!(
        k.eni(&id)
            .attachment
            .as_ref()
            .unwrap()
            .delete_on_termination
    );
    k.refused(
        Cmd::ModifyInterface {
            network_interface_id: "eni-0123456789abcdef0".into(),
            change: InterfaceChange::SourceDestCheck(true),
        },
        "InvalidNetworkInterfaceID.NotFound",
    );
}

#[test]
fn assign_and_unassign() {
    let mut k = Kit::new();
    let (_, s) = net(&mut k);
    let a = k.interface(in_subnet(&s)); // 10.0.1.4
    let b = k.interface(InterfaceSpec {
        private_ips: vec![pip("10.0.1.40", true), pip("10.0.1.41", false)],
        ..in_subnet(&s)
    });
    let assign =
        |id: &str, addresses: Vec<&str>, count: Option<i64>, allow: bool| Cmd::AssignPrivateIps {
            network_interface_id: id.into(),
            addresses: addresses.into_iter().map(ip).collect(),
            count,
            allow_reassignment: allow,
            prefixes: vec![],
            prefix_count: None,
        };
    let out = k.ok(assign(&a, vec![], Some(2), false));
    assert_eq!(out, Output::Ids(vec!["10.0.1.5".into(), "10.0.1.6".into()]));
    k.ok(assign(&a, vec!["10.0.1.30"], None, false));
    assert_eq!(k.eni(&a).private_ips.len(), 4);
    let cases = vec![
        (assign(&a, vec![], None, false), "MissingParameter"),
        (
            assign(&a, vec!["10.0.1.31"], Some(1), false),
            "InvalidParameterCombination",
        ),
        (assign(&a, vec![], Some(0), false), "InvalidParameterValue"),
        (
            assign(&a, vec!["10.0.1.41"], None, false),
            "InvalidIPAddress.InUse",
        ),
        (
            assign(&a, vec!["10.0.1.40"], None, true),
            "InvalidIPAddress.InUse",
        ),
        (
            assign(&a, vec!["10.0.1.5"], None, false),
            "InvalidParameterValue",
        ),
        (
            assign(&a, vec!["10.9.1.5"], None, false),
            "InvalidParameter",
        ),
        (
            assign(&a, vec!["10.0.1.32", "10.0.1.32"], None, false),
            "InvalidParameterValue",
        ),
        (
            assign(&a, vec![], Some(47), false),
            "PrivateIpAddressLimitExceeded",
        ),
        (
            assign("eni-0123456789abcdef0", vec![], Some(1), false),
            "InvalidNetworkInterfaceID.NotFound",
        ),
    ];
    for (cmd, code) in cases {
        k.refused(cmd, code);
    }
    // Reassignment moves a secondary address from another interface.
    let free = free_in(&k, &s);
    k.ok(assign(&a, vec!["10.0.1.41"], None, true));
    assert!(k.eni(&a).private_ips.contains(&ip("10.0.1.41")));
    assert_eq!(k.eni(&b).private_ips, vec![ip("10.0.1.40")]);
    assert_eq!(free_in(&k, &s), free);
    let unassign = |addresses: Vec<&str>| Cmd::UnassignPrivateIps {
        network_interface_id: a.clone(),
        addresses: addresses.into_iter().map(ip).collect(),
        prefixes: vec![],
    };
    k.refused(unassign(vec!["10.0.1.4"]), "InvalidParameterValue");
    k.refused(unassign(vec!["10.0.1.99"]), "InvalidParameterValue");
    k.refused(unassign(vec![]), "MissingParameter");
    k.ok(unassign(vec!["10.0.1.5", "10.0.1.30"]));
    assert_eq!(free_in(&k, &s), free + 2);
    assert_eq!(
        k.eni(&a).private_ips,
        vec![ip("10.0.1.4"), ip("10.0.1.6"), ip("10.0.1.41")]
    );
}

#[test]
fn attach_and_detach() {
    let mut k = Kit::new();
    let (v, s) = net(&mut k);
    let s_b = k.subnet(&v, "10.0.2.0/24", Some("us-east-1b"));
    let i = k.launch(launch(Some(&s), 1, 1))[0].clone();
    let e = k.interface(in_subnet(&s));
    let far = k.interface(in_subnet(&s_b));
    let attach = |eni: &str, index: i64| Cmd::Attach {
        network_interface_id: eni.into(),
        instance_id: i.clone(),
        device_index: index,
    };
    k.refused(attach(&e, 0), "InvalidParameterValue");
    k.refused(attach(&e, -1), "InvalidParameterValue");
    k.refused(attach(&far, 1), "InvalidParameterCombination");
    k.refused(
        Cmd::Attach {
            network_interface_id: e.clone(),
            instance_id: "i-0123456789abcdef0".into(),
            device_index: 1,
        },
        "InvalidInstanceID.NotFound",
    );
    let att = k.id(attach(&e, 1));
    let a = k.eni(&e).attachment.clone().unwrap();
    assert_eq!(
        (
            a.device_index,
            a.instance_id.as_deref(),
            a.delete_on_termination
        ),
        (1, Some(i.as_str()), false)
    );
    assert_eq!(k.eni(&e).status(), "in-use");
    k.refused(attach(&e, 2), "InvalidNetworkInterface.InUse");
    let primary_att = k
        .eni(&k.instance(&i).network_interface_id.clone())
        .attachment
        .clone()
        .unwrap()
        .id;
    k.refused(
        Cmd::Detach {
            attachment_id: primary_att,
        },
        "OperationNotPermitted",
    );
    k.refused(
        Cmd::Detach {
            attachment_id: "eni-attach-0123456789abcdef0".into(),
        },
        "InvalidAttachmentID.NotFound",
    );
    k.ok(Cmd::Detach { attachment_id: att });
    assert_eq!(k.eni(&e).status(), "available");
    k.ok(Cmd::TerminateInstances {
        instance_ids: vec![i.clone()],
    });
    k.refused(attach(&e, 1), "IncorrectInstanceState");
}

#[test]
fn run_instances_basics() {
    let mut k = Kit::new();
    let (_, s) = net(&mut k);
    let free = free_in(&k, &s);
    k.key_pair("k");
    let ids = k.launch(Launch {
        instance_type: Some("t3.micro".into()),
        key_name: Some("k".into()),
        ..launch(Some(&s), 2, 3)
    });
    assert_eq!(ids.len(), 3);
    assert_eq!(free_in(&k, &s), free - 3);
    let i = k.instance(&ids[0]).clone();
    assert_eq!(
        (i.state, i.instance_type.as_str(), i.details.launch_index),
        (InstanceState::Running, "t3.micro", 0)
    );
    assert_eq!(k.instance(&ids[2]).details.launch_index, 2);
    assert_eq!(k.instance(&ids[2]).reservation_id, i.reservation_id);
    assert!(i.reservation_id.starts_with("r-") && i.id.starts_with("i-"));
    let e = k.eni(&i.network_interface_id);
    let a = e.attachment.clone().unwrap();
    assert_eq!((a.device_index, a.delete_on_termination), (0, true));
    assert_eq!(e.private_ips, vec![ip("10.0.1.4")]);
    // A non-default subnet maps no public IP unless asked.
    assert!(e.public_ip.is_none());
    // Default instance type.
    let d = k.launch(launch(Some(&s), 1, 1));
    assert_eq!(k.instance(&d[0]).instance_type, DEFAULT_INSTANCE_TYPE);
}

#[test]
fn run_instances_default_subnet_and_public_ip() {
    let mut k = Kit::new();
    let ids = k.launch(launch(None, 1, 1));
    let i = k.instance(&ids[0]).clone();
    let s = k.w.subnets.get(&i.subnet_id).unwrap();
    assert!(s.default_for_az && s.availability_zone == "us-east-1a");
    assert_eq!(
        k.eni(&i.network_interface_id).public_ip,
        Some(ip("18.0.0.1"))
    );
    assert!(i.details.auto_public_ip);
    // Placement picks the AZ's default subnet.
    let ids = k.launch(Launch {
        availability_zone: Some("us-east-1c".into()),
        ..launch(None, 1, 1)
    });
    assert_eq!(k.instance(&ids[0]).details.availability_zone, "us-east-1c");
    // AssociatePublicIpAddress=false overrides the subnet.
    let ids = k.launch(Launch {
        network_interfaces: vec![LaunchInterface {
            device_index: Some(0),
            associate_public_ip: Some(false),
            ..LaunchInterface::default()
        }],
        ..launch(None, 1, 1)
    });
    assert!(k
        .eni(&k.instance(&ids[0]).network_interface_id.clone())
        .public_ip
        .is_none());
    k.refused(
        Cmd::RunInstances(Box::new(Launch {
            availability_zone: Some("us-east-1z".into()),
            ..launch(None, 1, 1)
        })),
        "InvalidParameterValue",
    );
    // No default subnet left / no default VPC.
    let default_vpc =
        k.w.vpcs
            .in_scope(k.ctx.scope())
            .find(|v| v.is_default)
            .unwrap()
            .id
            .clone();
    for sub in k.w.subnets.values_mut() {
        sub.default_for_az = false;
    }
    k.refused(
        Cmd::RunInstances(Box::new(launch(None, 1, 1))),
        "MissingInput",
    );
    k.w.vpcs.get_mut(&default_vpc).unwrap().is_default = false;
    k.refused(
        Cmd::RunInstances(Box::new(launch(None, 1, 1))),
        "VPCIdNotSpecified",
    );
}

#[test]
fn run_instances_public_ip_on_request() {
    let mut k = Kit::new();
    let (_, s) = net(&mut k);
    let ids = k.launch(Launch {
        network_interfaces: vec![LaunchInterface {
            device_index: Some(0),
            associate_public_ip: Some(true),
            spec: in_subnet(&s),
            ..LaunchInterface::default()
        }],
        ..launch(None, 1, 1)
    });
    assert!(k
        .eni(&k.instance(&ids[0]).network_interface_id.clone())
        .public_ip
        .is_some());
    k.w.subnets.get_mut(&s).unwrap().map_public_ip_on_launch = true;
    let ids = k.launch(launch(Some(&s), 1, 1));
    assert!(k
        .eni(&k.instance(&ids[0]).network_interface_id.clone())
        .public_ip
        .is_some());
}

#[test]
fn run_instances_counts_follow_free_addresses() {
    let mut k = Kit::new();
    let v = k.vpc("10.0.0.0/16");
    let s = k.subnet(&v, "10.0.0.0/28", Some("us-east-1a")); // 11 usable
    let ids = k.launch(launch(Some(&s), 1, 20));
    assert_eq!(ids.len(), 11);
    assert_eq!(free_in(&k, &s), 0);
    k.refused(
        Cmd::RunInstances(Box::new(launch(Some(&s), 1, 1))),
        "InsufficientFreeAddressesInSubnet",
    );
    k.ok(Cmd::TerminateInstances {
        instance_ids: ids[..3].to_vec(),
    });
    assert_eq!(free_in(&k, &s), 3);
    k.refused(
        Cmd::RunInstances(Box::new(launch(Some(&s), 4, 5))),
        "InsufficientFreeAddressesInSubnet",
    );
    assert_eq!(k.launch(launch(Some(&s), 2, 5)).len(), 3);
}

#[test]
fn run_instances_clamps_max_count() {
    let mut k = Kit::new();
    let v = k.vpc("10.0.0.0/16");
    let s = k.subnet(&v, "10.0.0.0/20", Some("us-east-1a"));
    let ids = k.launch(launch(Some(&s), 1, i64::MAX));
    assert_eq!(ids.len() as i64, MAX_LAUNCH);
}

#[test]
fn run_instances_errors() {
    let mut k = Kit::new();
    let (v, s) = net(&mut k);
    let other = k.vpc("10.1.0.0/16");
    let foreign = k.security_group("x", Some(&other));
    let taken = k.interface(in_subnet(&s));
    let cases: Vec<(Launch, &str)> = vec![
        (
            Launch {
                image_id: "img-1".into(),
                ..launch(Some(&s), 1, 1)
            },
            "InvalidAMIID.Malformed",
        ),
        (
            Launch {
                image_id: "ami-".into(),
                ..launch(Some(&s), 1, 1)
            },
            "InvalidAMIID.Malformed",
        ),
        (
            Launch {
                image_id: "ami-12345678".into(),
                ..launch(Some(&s), 1, 1)
            },
            "InvalidAMIID.NotFound",
        ),
        (
            Launch {
                instance_type: Some("huge".into()),
                ..launch(Some(&s), 1, 1)
            },
            "InvalidParameterValue",
        ),
        (launch(Some(&s), 0, 1), "InvalidParameterValue"),
        (launch(Some(&s), 3, 2), "InvalidParameterValue"),
        (
            launch(Some(&s), MAX_LAUNCH + 1, MAX_LAUNCH + 1),
            "InstanceLimitExceeded",
        ),
        (
            launch(Some("subnet-0123456789abcdef0"), 1, 1),
            "InvalidSubnetID.NotFound",
        ),
        (
            Launch {
                private_ip: Some(ip("10.0.1.50")),
                ..launch(Some(&s), 1, 2)
            },
            "InvalidParameterCombination",
        ),
        (
            Launch {
                private_ip: Some(ip("10.0.1.4")),
                ..launch(Some(&s), 1, 1)
            },
            "InvalidIPAddress.InUse",
        ),
        (
            Launch {
                security_group_ids: vec![foreign.clone()],
                ..launch(Some(&s), 1, 1)
            },
            "InvalidParameter",
        ),
        (
            Launch {
                security_group_names: vec!["default".into()],
                ..launch(Some(&s), 1, 1)
            },
            "InvalidParameterCombination",
        ),
        (
            Launch {
                security_group_names: vec!["nope".into()],
                ..launch(None, 1, 1)
            },
            "InvalidGroup.NotFound",
        ),
        (
            Launch {
                network_interfaces: vec![LaunchInterface {
                    device_index: Some(0),
                    ..LaunchInterface::default()
                }],
                ..launch(Some(&s), 1, 1)
            },
            "InvalidParameterCombination",
        ),
        (
            Launch {
                network_interfaces: vec![LaunchInterface {
                    device_index: Some(1),
                    spec: in_subnet(&s),
                    ..LaunchInterface::default()
                }],
                ..launch(None, 1, 1)
            },
            "InvalidParameterValue",
        ),
        (
            Launch {
                network_interfaces: vec![LaunchInterface {
                    spec: in_subnet(&s),
                    ..LaunchInterface::default()
                }],
                ..launch(None, 1, 1)
            },
            "MissingParameter",
        ),
        (
            Launch {
                network_interfaces: vec![
                    LaunchInterface {
                        device_index: Some(0),
                        associate_public_ip: Some(true),
                        spec: in_subnet(&s),
                        ..LaunchInterface::default()
                    },
                    LaunchInterface {
                        device_index: Some(1),
                        spec: in_subnet(&s),
                        ..LaunchInterface::default()
                    },
                ],
                ..launch(None, 1, 1)
            },
            "InvalidParameterCombination",
        ),
        (
            Launch {
                network_interfaces: vec![
                    LaunchInterface {
                        device_index: Some(0),
                        spec: in_subnet(&s),
                        ..LaunchInterface::default()
                    },
                    LaunchInterface {
                        device_index: Some(0),
                        spec: in_subnet(&s),
                        ..LaunchInterface::default()
                    },
                ],
                ..launch(None, 1, 1)
            },
            "InvalidParameterValue",
        ),
        (
            Launch {
                network_interfaces: vec![LaunchInterface {
                    device_index: Some(0),
                    network_interface_id: Some(taken.clone()),
                    ..LaunchInterface::default()
                }],
                ..launch(None, 1, 2)
            },
            "InvalidParameterCombination",
        ),
        (
            Launch {
                network_interfaces: vec![LaunchInterface {
                    device_index: Some(0),
                    network_interface_id: Some(taken.clone()),
                    spec: in_subnet(&s),
                    ..LaunchInterface::default()
                }],
                ..launch(None, 1, 1)
            },
            "InvalidParameterCombination",
        ),
        (
            Launch {
                tags: vec![TagSpec {
                    resource_type: "vpc".into(),
                    tags: vec![],
                }],
                ..launch(Some(&s), 1, 1)
            },
            "InvalidParameterValue",
        ),
        (
            Launch {
                availability_zone: Some("us-east-1b".into()),
                ..launch(Some(&s), 1, 1)
            },
            "InvalidParameterCombination",
        ),
        (
            Launch {
                network_interfaces: vec![
                    LaunchInterface {
                        device_index: Some(0),
                        spec: in_subnet(&s),
                        ..LaunchInterface::default()
                    },
                    LaunchInterface {
                        device_index: Some(1),
                        network_interface_id: Some(taken.clone()),
                        ..LaunchInterface::default()
                    },
                    LaunchInterface {
                        device_index: Some(2),
                        network_interface_id: Some(taken.clone()),
                        ..LaunchInterface::default()
                    },
                ],
                ..launch(None, 1, 1)
            },
            "InvalidParameterValue",
        ),
    ];
    for (l, code) in cases {
        k.refused(Cmd::RunInstances(Box::new(l)), code);
    }
    let _ = v;
}

#[test]
fn run_instances_groups_tags_token() {
    let mut k = Kit::new();
    let default_vpc =
        k.w.vpcs
            .in_scope(k.ctx.scope())
            .find(|v| v.is_default)
            .unwrap()
            .id
            .clone();
    let web = k.security_group("web", Some(&default_vpc));
    let l = Launch {
        security_group_names: vec!["web".into()],
        client_token: Some("tok-1".into()),
        tags: vec![
            TagSpec {
                resource_type: "instance".into(),
                tags: vec![("Name".into(), "box".into())],
            },
            TagSpec {
                resource_type: "network-interface".into(),
                tags: vec![("Role".into(), "eth0".into())],
            },
            TagSpec {
                resource_type: "volume".into(),
                tags: vec![("V".into(), "1".into())],
            },
        ],
        ..launch(None, 1, 1)
    };
    let first = k.ok(Cmd::RunInstances(Box::new(l.clone())));
    let again = k.ok(Cmd::RunInstances(Box::new(l)));
    assert_eq!(first, again);
    assert_eq!(k.w.instances.len(), 1);
    let Output::Ids(ids) = first else { panic!() };
    let i = k.instance(&ids[1]).clone();
    assert_eq!(i.details.client_token.as_deref(), Some("tok-1"));
    assert_eq!(k.eni(&i.network_interface_id).groups, vec![web]);
    let scope = k.ctx.scope();
    assert_eq!(tags::of(&k.w, scope, &i.id).get("Name").unwrap(), "box");
    assert_eq!(
        tags::of(&k.w, scope, &i.network_interface_id)
            .get("Role")
            .unwrap(),
        "eth0"
    );
    assert!(tags::of(&k.w, scope, &i.id).get("V").is_none());
}

#[test]
fn run_instances_with_several_interfaces() {
    let mut k = Kit::new();
    let (v, s) = net(&mut k);
    let s2 = k.subnet(&v, "10.0.2.0/24", Some("us-east-1a"));
    let existing = k.interface(in_subnet(&s2));
    let ids = k.launch(Launch {
        network_interfaces: vec![
            LaunchInterface {
                device_index: Some(1),
                network_interface_id: Some(existing.clone()),
                ..LaunchInterface::default()
            },
            LaunchInterface {
                device_index: Some(0),
                spec: InterfaceSpec {
                    private_ip: Some(ip("10.0.1.5")),
                    secondary_count: Some(1),
                    ..in_subnet(&s)
                },
                ..LaunchInterface::default()
            },
            LaunchInterface {
                device_index: Some(2),
                spec: in_subnet(&s),
                ..LaunchInterface::default()
            },
        ],
        ..launch(None, 1, 1)
    });
    let i = k.instance(&ids[0]).clone();
    let attached = interfaces_of(&k.w, &i.id);
    assert_eq!(attached.len(), 3);
    assert_eq!(attached[0].id, i.network_interface_id);
    // Interfaces naming addresses are built first; automatic picks come after.
    assert_eq!(
        attached[0].private_ips,
        vec![ip("10.0.1.5"), ip("10.0.1.4")]
    );
    assert_eq!(attached[1].id, existing);
    assert_eq!(attached[2].private_ips, vec![ip("10.0.1.6")]);
    // Terminating deletes the interfaces created at launch and detaches the existing one.
    k.ok(Cmd::TerminateInstances {
        instance_ids: vec![i.id.clone()],
    });
    assert_eq!(k.w.network_interfaces.len(), 1);
    assert_eq!(k.eni(&existing).status(), "available");
    assert_eq!(free_in(&k, &s), 251);
}

#[test]
fn terminate_and_purge() {
    let mut k = Kit::new();
    let (_, s) = net(&mut k);
    let ids = k.launch(launch(Some(&s), 2, 2));
    let eni0 = k.instance(&ids[0]).network_interface_id.clone();
    let ghost = "i-0123456789abcdef0".to_string();
    let e = k
        .run(Cmd::TerminateInstances {
            instance_ids: vec![ghost.clone(), "i-0123456789abcdef1".into()],
        })
        .unwrap_err();
    assert_eq!(e.code, "InvalidInstanceID.NotFound");
    assert!(e.message.contains("IDs"));
    k.refused(
        Cmd::TerminateInstances {
            instance_ids: vec![ids[0].clone(), ghost],
        },
        "InvalidInstanceID.NotFound",
    );
    k.refused(
        Cmd::TerminateInstances {
            instance_ids: vec![],
        },
        "MissingParameter",
    );
    k.ok(Cmd::TerminateInstances {
        instance_ids: vec![ids[0].clone(), ids[0].clone()],
    });
    let i = k.instance(&ids[0]);
    assert_eq!(
        (i.state, i.terminated),
        (InstanceState::Terminated, Some(k.ctx.now))
    );
    assert!(k.w.network_interfaces.get(&eni0).is_none());
    assert!(primary_interface(&k.w, k.instance(&ids[0])).is_none());
    assert_eq!(free_in(&k, &s), 250);
    // Terminating again is a no-op; the instance stays visible for an hour.
    k.ok(Cmd::TerminateInstances {
        instance_ids: vec![ids[0].clone()],
    });
    k.w.tick(k.ctx.now + TERMINATED_RETENTION - 1);
    assert!(k.w.instances.get(&ids[0]).is_some());
    k.w.tick(k.ctx.now + TERMINATED_RETENTION);
    assert!(k.w.instances.get(&ids[0]).is_none());
    assert!(k.w.instances.get(&ids[1]).is_some());
    // A stale timer does nothing.
    on_timer(&mut k.w, &ids[1], k.ctx.now + DAY);
    assert!(k.w.instances.get(&ids[1]).is_some());
}

#[test]
fn termination_and_stop_protection() {
    let mut k = Kit::new();
    let (_, s) = net(&mut k);
    let ids = k.launch(Launch {
        disable_api_termination: true,
        disable_api_stop: true,
        ..launch(Some(&s), 1, 1)
    });
    let id = ids[0].clone();
    k.refused(
        Cmd::TerminateInstances {
            instance_ids: ids.clone(),
        },
        "OperationNotPermitted",
    );
    k.refused(
        Cmd::StopInstances {
            instance_ids: ids.clone(),
        },
        "OperationNotPermitted",
    );
    let modify = |change| Cmd::ModifyInstance {
        instance_id: id.clone(),
        change,
    };
    k.ok(modify(InstanceChange::DisableApiTermination(false)));
    k.ok(modify(InstanceChange::DisableApiStop(false)));
    k.ok(Cmd::StopInstances {
        instance_ids: ids.clone(),
    });
    k.ok(Cmd::TerminateInstances { instance_ids: ids });
}

#[test]
fn stop_and_start() {
    let mut k = Kit::new();
    let ids = k.launch(launch(None, 1, 1));
    let id = ids[0].clone();
    let eni_id = k.instance(&id).network_interface_id.clone();
    let first_ip = k.eni(&eni_id).public_ip;
    assert!(first_ip.is_some());
    k.ok(Cmd::StopInstances {
        instance_ids: ids.clone(),
    });
    assert_eq!(k.instance(&id).state, InstanceState::Stopped);
    assert!(k.eni(&eni_id).public_ip.is_none());
    k.ok(Cmd::StopInstances {
        instance_ids: ids.clone(),
    });
    k.ok(Cmd::StartInstances {
        instance_ids: ids.clone(),
    });
    assert_eq!(k.instance(&id).state, InstanceState::Running);
    let second = k.eni(&eni_id).public_ip;
    assert!(second.is_some() && second != first_ip);
    k.ok(Cmd::StartInstances {
        instance_ids: ids.clone(),
    });
    k.ok(Cmd::TerminateInstances {
        instance_ids: ids.clone(),
    });
    k.refused(
        Cmd::StopInstances {
            instance_ids: ids.clone(),
        },
        "IncorrectInstanceState",
    );
    k.refused(
        Cmd::StartInstances { instance_ids: ids },
        "IncorrectInstanceState",
    );
}

#[test]
fn modify_instance() {
    let mut k = Kit::new();
    let (v, s) = net(&mut k);
    let web = k.security_group("web", Some(&v));
    let other = k.vpc("10.1.0.0/16");
    let foreign = k.security_group("x", Some(&other));
    let id = k.launch(launch(Some(&s), 1, 1))[0].clone();
    let eni_id = k.instance(&id).network_interface_id.clone();
    let m = |change| Cmd::ModifyInstance {
        instance_id: id.clone(),
        change,
    };
    k.ok(m(InstanceChange::SourceDestCheck(false)));
    assert!(!k.eni(&eni_id).source_dest_check);
    k.ok(m(InstanceChange::Groups(vec![web.clone()])));
    assert_eq!(k.eni(&eni_id).groups, vec![web]);
    k.refused(m(InstanceChange::Groups(vec![foreign])), "InvalidParameter");
    k.refused(
        m(InstanceChange::InstanceType("m5.large".into())),
        "IncorrectInstanceState",
    );
    k.ok(Cmd::StopInstances {
        instance_ids: vec![id.clone()],
    });
    k.refused(
        m(InstanceChange::InstanceType("bogus".into())),
        "InvalidParameterValue",
    );
    k.ok(m(InstanceChange::InstanceType("m5.large".into())));
    assert_eq!(k.instance(&id).instance_type, "m5.large");
    k.ok(Cmd::TerminateInstances {
        instance_ids: vec![id.clone()],
    });
    k.refused(
        m(InstanceChange::SourceDestCheck(true)),
        "IncorrectInstanceState",
    );
    k.refused(
        Cmd::ModifyInstance {
            instance_id: "i-0123456789abcdef0".into(),
            change: InstanceChange::SourceDestCheck(true),
        },
        "InvalidInstanceID.NotFound",
    );
}

fn ids_of<T: Resource>(items: Vec<&T>) -> Vec<String> {
    items.into_iter().map(|i| i.id().to_string()).collect()
}

#[test]
fn describe_interfaces_filters() {
    let mut k = Kit::new();
    let (v, s) = net(&mut k);
    let web = k.security_group("web", Some(&v));
    let plain = k.interface(InterfaceSpec {
        description: Some("plain one".into()),
        ..in_subnet(&s)
    });
    let i = k.launch(Launch {
        security_group_ids: vec![web.clone()],
        ..launch(Some(&s), 1, 1)
    })[0]
        .clone();
    let attached = k.instance(&i).network_interface_id.clone();
    let mac = k.eni(&plain).mac_address.clone();
    let att = k.eni(&attached).attachment.clone().unwrap().id;
    let ctx = k.ctx.clone();
    let cases: Vec<(Filter, Vec<&str>)> = vec![
        (Filter::new("network-interface-id", &[&plain]), vec![&plain]),
        (Filter::new("subnet-id", &[&s]), vec![&plain, &attached]),
        (Filter::new("vpc-id", &[&v]), vec![&plain, &attached]),
        (Filter::new("status", &["in-use"]), vec![&attached]),
        (Filter::new("status", &["available"]), vec![&plain]),
        (
            Filter::new("attachment.instance-id", &[&i]),
            vec![&attached],
        ),
        (
            Filter::new("attachment.attachment-id", &[&att]),
            vec![&attached],
        ),
        (
            Filter::new("attachment.status", &["attached"]),
            vec![&attached],
        ),
        (
            Filter::new("attachment.device-index", &["0"]),
            vec![&attached],
        ),
        (Filter::new("group-id", &[&web]), vec![&attached]),
        (Filter::new("group-name", &["default"]), vec![&plain]),
        (
            Filter::new("private-ip-address", &["10.0.1.5"]),
            vec![&attached],
        ),
        (
            Filter::new("addresses.private-ip-address", &["10.0.1.4"]),
            vec![&plain],
        ),
        (Filter::new("description", &["plain*"]), vec![&plain]),
        (Filter::new("mac-address", &[&mac]), vec![&plain]),
        (
            Filter::new("interface-type", &["interface"]),
            vec![&plain, &attached],
        ),
        (
            Filter::new("requester-managed", &["false"]),
            vec![&plain, &attached],
        ),
        (
            Filter::new("source-dest-check", &["true"]),
            vec![&plain, &attached],
        ),
        (Filter::new("owner-id", &[A]), vec![&plain, &attached]),
        (
            Filter::new("availability-zone", &["us-east-1a"]),
            vec![&plain, &attached],
        ),
        (
            Filter::new("private-dns-name", &["ip-10-0-1-4.ec2.internal"]),
            vec![&plain],
        ),
        (Filter::new("association.public-ip", &["*"]), vec![]),
    ];
    for (f, want) in cases {
        let label = format!("{f:?}");
        let mut got = ids_of(describe(&k.w, &ctx, &[], &[f]).unwrap());
        let mut want: Vec<String> = want.into_iter().map(str::to_string).collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{label}");
    }
    let e = describe(&k.w, &ctx, &[], &[Filter::new("bogus", &["x"])]).unwrap_err();
    assert_eq!(e.code, "InvalidParameterValue");
    let e = describe(&k.w, &ctx, &["eni-0123456789abcdef0".into()], &[]).unwrap_err();
    assert_eq!(e.code, "InvalidNetworkInterfaceID.NotFound");
    // Account B sees none of A's interfaces.
    let ctx_b = k.as_account(B);
    assert!(describe(&k.w, &ctx_b, &[], &[]).unwrap().is_empty());
    let e = describe(&k.w, &ctx_b, std::slice::from_ref(&plain), &[]).unwrap_err();
    assert_eq!(e.code, "InvalidNetworkInterfaceID.NotFound");
}

#[test]
fn describe_instances_filters() {
    let mut k = Kit::new();
    let (v, s) = net(&mut k);
    let a = k.launch(Launch {
        instance_type: Some("t3.nano".into()),
        ..launch(Some(&s), 1, 1)
    })[0]
        .clone();
    let b = k.launch(launch(None, 1, 1))[0].clone();
    let res_a = k.instance(&a).reservation_id.clone();
    let eni_a = k.instance(&a).network_interface_id.clone();
    k.ok(Cmd::StopInstances {
        instance_ids: vec![a.clone()],
    });
    let public_b = k
        .eni(&k.instance(&b).network_interface_id.clone())
        .public_ip
        .unwrap()
        .to_string();
    let ctx = k.ctx.clone();
    let cases: Vec<(Filter, Vec<&str>)> = vec![
        (Filter::new("instance-id", &[&a]), vec![&a]),
        (Filter::new("instance-state-name", &["stopped"]), vec![&a]),
        (Filter::new("instance-state-code", &["16"]), vec![&b]),
        (Filter::new("instance-type", &["t3.*"]), vec![&a]),
        (
            Filter::new("image-id", &[crate::image::AMAZON_LINUX_2023]),
            vec![&a, &b],
        ),
        (Filter::new("ip-address", &[&public_b]), vec![&b]),
        (Filter::new("private-ip-address", &["10.0.1.4"]), vec![&a]),
        (Filter::new("reservation-id", &[&res_a]), vec![&a]),
        (Filter::new("subnet-id", &[&s]), vec![&a]),
        (Filter::new("vpc-id", &[&v]), vec![&a]),
        (Filter::new("owner-id", &[A]), vec![&a, &b]),
        (
            Filter::new("availability-zone", &["us-east-1a"]),
            vec![&a, &b],
        ),
        (
            Filter::new("network-interface.network-interface-id", &[&eni_a]),
            vec![&a],
        ),
        (
            Filter::new("instance.group-name", &["default"]),
            vec![&a, &b],
        ),
        (Filter::new("architecture", &["x86_64"]), vec![&a, &b]),
    ];
    for (f, want) in cases {
        let label = format!("{f:?}");
        let mut got = ids_of(describe_instances(&k.w, &ctx, &[], &[f]).unwrap());
        let mut want: Vec<String> = want.into_iter().map(str::to_string).collect();
        got.sort();
        want.sort();
        assert_eq!(got, want, "{label}");
    }
    let e = describe_instances(&k.w, &ctx, &[], &[Filter::new("nope", &["x"])]).unwrap_err();
    assert_eq!(e.code, "InvalidParameterValue");
    let e = describe_instances(&k.w, &ctx, &["i-0123456789abcdef0".into()], &[]).unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.message.as_str()),
        (
            "InvalidInstanceID.NotFound",
            "The instance ID 'i-0123456789abcdef0' does not exist"
        )
    );
    let ctx_b = k.as_account(B);
    assert!(describe_instances(&k.w, &ctx_b, &[], &[])
        .unwrap()
        .is_empty());
    let e = describe_instances(&k.w, &ctx_b, std::slice::from_ref(&a), &[]).unwrap_err();
    assert_eq!(e.code, "InvalidInstanceID.NotFound");
}

#[test]
fn dns_names() {
    assert_eq!(
        private_dns_name("us-east-1", ip("10.0.1.5")),
        "ip-10-0-1-5.ec2.internal"
    );
    assert_eq!(
        private_dns_name("eu-west-1", ip("10.0.1.5")),
        "ip-10-0-1-5.eu-west-1.compute.internal"
    );
    assert_eq!(
        public_dns_name("us-east-1", ip("18.0.0.1")),
        "ec2-18-0-0-1.compute-1.amazonaws.com"
    );
    assert_eq!(
        public_dns_name("eu-west-1", ip("18.0.0.1")),
        "ec2-18-0-0-1.eu-west-1.compute.amazonaws.com"
    );
}

#[test]
fn assign_and_unassign_ipv6_addresses() {
    let mut k = Kit::new();
    let s = k.dual_stack_subnet();
    let block = k.w.subnets.get(&s).unwrap().ipv6_cidrs[0].cidr;
    let id = k.interface(in_subnet(&s));
    assert!(k.eni(&id).ipv6_addresses.is_empty());
    let assign = |addresses: Vec<std::net::Ipv6Addr>, count: Option<i64>| Cmd::AssignIpv6 {
        network_interface_id: id.clone(),
        addresses,
        count,
        prefixes: vec![],
        prefix_count: None,
    };
    let Output::Ids(two) = k.ok(assign(vec![], Some(2))) else {
        panic!("ids")
    };
    assert_eq!(two.len(), 2);
    let named = cidr::nth_v6(&block, 0x42);
    assert_eq!(
        k.ok(assign(vec![named], None)),
        Output::Ids(vec![named.to_string()])
    );
    let held = k.eni(&id).ipv6_addresses.clone();
    assert_eq!(held.len(), 3);
    assert!(held.iter().all(|a| block.contains(a)));
    // Refusals leave the interface as it is.
    k.refused(assign(vec![named], None), "InvalidParameterValue");
    k.refused(assign(vec![], None), "MissingParameter");
    k.refused(assign(vec![], Some(0)), "InvalidParameterValue");
    k.refused(
        assign(vec![cidr::nth_v6(&block, 0x43)], Some(1)),
        "InvalidParameterCombination",
    );
    k.refused(assign(vec![], Some(48)), "InvalidParameterValue");
    k.refused(
        assign(vec!["2001:db8::9".parse().unwrap()], None),
        "InvalidParameter",
    );
    let other = k.interface(in_subnet(&s));
    k.refused(
        Cmd::AssignIpv6 {
            network_interface_id: other.clone(),
            addresses: vec![named],
            count: None,
            prefixes: vec![],
            prefix_count: None,
        },
        "InvalidIPAddress.InUse",
    );
    // An IPv4-only subnet has none to give.
    let v4 = k.vpc("10.9.0.0/16");
    let s4 = k.subnet(&v4, "10.9.0.0/24", None);
    let plain = k.interface(in_subnet(&s4));
    k.refused(
        Cmd::AssignIpv6 {
            network_interface_id: plain,
            addresses: vec![],
            count: Some(1),
            prefixes: vec![],
            prefix_count: None,
        },
        "InvalidParameterValue",
    );
    // Unassign gives them back; the freed address can go to another interface.
    let unassign = |addresses: Vec<std::net::Ipv6Addr>| Cmd::UnassignIpv6 {
        network_interface_id: id.clone(),
        addresses,
        prefixes: vec![],
    };
    k.refused(unassign(vec![]), "MissingParameter");
    k.refused(
        unassign(vec![named, cidr::nth_v6(&block, 0x99)]),
        "InvalidParameterValue",
    );
    assert_eq!(
        k.ok(unassign(vec![named])),
        Output::Ids(vec![named.to_string()])
    );
    assert_eq!(k.eni(&id).ipv6_addresses.len(), 2);
    k.ok(Cmd::AssignIpv6 {
        network_interface_id: other.clone(),
        addresses: vec![named],
        count: None,
        prefixes: vec![],
        prefix_count: None,
    });
    assert_eq!(k.eni(&other).ipv6_addresses, vec![named]);
}

// ---------------------------------------------------------------------------------------
// Prefix delegation.

fn with_prefixes(subnet_id: &str, prefixes: PrefixSpec) -> InterfaceSpec {
    InterfaceSpec {
        prefixes: Box::new(prefixes),
        ..in_subnet(subnet_id)
    }
}

fn assign6(id: &str, prefixes: &[&str], prefix_count: Option<i64>) -> Cmd {
    Cmd::AssignIpv6 {
        network_interface_id: id.into(),
        addresses: vec![],
        count: None,
        prefixes: prefixes.iter().map(|p| p.to_string()).collect(),
        prefix_count,
    }
}

#[test]
fn ipv6_prefixes_are_slash_80s_of_the_subnet_block_held_by_one_interface() {
    let mut k = Kit::new();
    let s = k.dual_stack_subnet();
    let block = k.w.subnets.get(&s).unwrap().ipv6_cidrs[0].cidr;
    let id = k.interface(with_prefixes(
        &s,
        PrefixSpec {
            v6_count: Some(2),
            ..PrefixSpec::default()
        },
    ));
    let got = k.eni(&id).ipv6_prefixes.clone();
    assert_eq!(got.len(), 2);
    assert_ne!(got[0], got[1]);
    assert!(got
        .iter()
        .all(|p| p.prefix_len() == IPV6_PREFIX_LEN && block.contains(p)));
    // A named one, then the same one again (anywhere in the subnet) is taken.
    let named = ipnet::Ipv6Net::new(cidr::nth_v6(&block, 7 << 48), 80).unwrap();
    let out = k.ok(assign6(&id, &[&named.to_string()], None));
    assert_eq!(out, Output::Ids(vec![named.to_string()]));
    let other = k.interface(in_subnet(&s));
    k.refused(
        assign6(&other, &[&named.to_string()], None),
        "InvalidIPAddress.InUse",
    );
    // An address inside a delegated prefix is taken too.
    k.refused(
        Cmd::AssignIpv6 {
            network_interface_id: other.clone(),
            addresses: vec![cidr::nth_v6(&named, 9)],
            count: None,
            prefixes: vec![],
            prefix_count: None,
        },
        "InvalidIPAddress.InUse",
    );
    // Bad requests change nothing.
    let before = crate::testkit::snapshot(&k.w);
    let bad_len = format!("{}/64", named.network());
    k.refused(assign6(&other, &[&bad_len], None), "InvalidParameterValue");
    k.refused(
        assign6(&other, &["nonsense"], None),
        "InvalidParameterValue",
    );
    k.refused(
        assign6(&other, &["2001:db8:1::/80"], None),
        "InvalidParameter",
    );
    // The first /80 holds the addresses AWS reserves.
    let first = format!("{}/80", block.network());
    k.refused(assign6(&other, &[&first], None), "InvalidParameter");
    k.refused(
        assign6(&other, &[&named.to_string()], Some(1)),
        "InvalidParameterCombination",
    );
    k.refused(assign6(&other, &[], Some(0)), "InvalidParameterValue");
    k.refused(assign6(&other, &[], Some(51)), "InvalidParameterValue");
    assert_eq!(crate::testkit::snapshot(&k.w), before);
    // Unassign gives a prefix back; the other interface may then take it.
    let unassign = |id: &str, prefixes: Vec<String>| Cmd::UnassignIpv6 {
        network_interface_id: id.into(),
        addresses: vec![],
        prefixes,
    };
    k.refused(
        unassign(&other, vec![named.to_string()]),
        "InvalidParameterValue",
    );
    assert_eq!(
        k.ok(unassign(&id, vec![named.to_string()])),
        Output::Ids(vec![named.to_string()])
    );
    assert_eq!(k.eni(&id).ipv6_prefixes, got);
    k.ok(assign6(&other, &[&named.to_string()], None));
    assert_eq!(k.eni(&other).ipv6_prefixes, vec![named]);
}

#[test]
fn ipv6_prefixes_need_an_ipv6_subnet_and_exclude_addresses_on_a_new_interface() {
    let mut k = Kit::new();
    let (_, s4) = net(&mut k);
    let ask = PrefixSpec {
        v6_count: Some(1),
        ..PrefixSpec::default()
    };
    k.refused(
        create(with_prefixes(&s4, ask.clone())),
        "InvalidParameterValue",
    );
    let s = k.dual_stack_subnet();
    k.refused(
        create(InterfaceSpec {
            ipv6_count: Some(1),
            ..with_prefixes(&s, ask.clone())
        }),
        "InvalidParameterCombination",
    );
    // Prefixes and addresses share the interface's quota.
    let id = k.interface(InterfaceSpec {
        ipv6_count: Some(0),
        ..with_prefixes(
            &s,
            PrefixSpec {
                v6_count: Some(MAX_IPV6_ADDRESSES as i64),
                ..PrefixSpec::default()
            },
        )
    });
    assert_eq!(k.eni(&id).ipv6_prefixes.len(), MAX_IPV6_ADDRESSES);
    k.refused(assign6(&id, &[], Some(1)), "InvalidParameterValue");
    // Deleting the interface frees its prefixes.
    let taken = k.eni(&id).ipv6_prefixes[0].to_string();
    k.ok(Cmd::DeleteInterface {
        network_interface_id: id,
    });
    let other = k.interface(in_subnet(&s));
    k.ok(assign6(&other, &[&taken], None));
}

#[test]
fn ipv4_prefixes_take_sixteen_addresses_of_the_subnet_and_give_them_back() {
    let mut k = Kit::new();
    let (_, s) = net(&mut k);
    let free = free_in(&k, &s);
    let id = k.interface(with_prefixes(
        &s,
        PrefixSpec {
            v4_count: Some(1),
            ..PrefixSpec::default()
        },
    ));
    // The first /28 holds reserved addresses: the second is delegated; the primary address
    // is still the lowest free one.
    assert_eq!(
        k.eni(&id).ipv4_prefixes,
        vec!["10.0.1.16/28".parse::<ipnet::Ipv4Net>().unwrap()]
    );
    assert_eq!(k.eni(&id).private_ips, vec![ip("10.0.1.4")]);
    assert_eq!(free_in(&k, &s), free - 17);
    // Addresses inside it are taken; a named prefix overlapping an address is taken.
    let other = k.interface(in_subnet(&s));
    assert_eq!(k.eni(&other).private_ips, vec![ip("10.0.1.5")]);
    let assign = |id: &str, prefixes: &[&str], prefix_count: Option<i64>| Cmd::AssignPrivateIps {
        network_interface_id: id.into(),
        addresses: vec![],
        count: None,
        allow_reassignment: false,
        prefixes: prefixes.iter().map(|p| p.to_string()).collect(),
        prefix_count,
    };
    k.refused(
        Cmd::AssignPrivateIps {
            network_interface_id: other.clone(),
            addresses: vec![ip("10.0.1.20")],
            count: None,
            allow_reassignment: false,
            prefixes: vec![],
            prefix_count: None,
        },
        "InvalidIPAddress.InUse",
    );
    k.refused(
        assign(&other, &["10.0.1.16/28"], None),
        "InvalidIPAddress.InUse",
    );
    k.refused(assign(&other, &["10.0.1.0/28"], None), "InvalidParameter");
    k.refused(
        assign(&other, &["10.0.1.32/27"], None),
        "InvalidParameterValue",
    );
    k.refused(assign(&other, &["10.0.2.0/28"], None), "InvalidParameter");
    let out = k.ok(assign(&other, &["10.0.1.48/28"], None));
    assert_eq!(out, Output::Ids(vec!["10.0.1.48/28".into()]));
    let out = k.ok(assign(&other, &[], Some(1)));
    assert_eq!(out, Output::Ids(vec!["10.0.1.32/28".into()]));
    assert_eq!(free_in(&k, &s), free - 17 - 1 - 32);
    // Unassign and delete give the addresses back.
    k.refused(
        Cmd::UnassignPrivateIps {
            network_interface_id: id.clone(),
            addresses: vec![],
            prefixes: vec!["10.0.1.48/28".into()],
        },
        "InvalidParameterValue",
    );
    k.ok(Cmd::UnassignPrivateIps {
        network_interface_id: other.clone(),
        addresses: vec![],
        prefixes: vec!["10.0.1.48/28".into()],
    });
    assert_eq!(k.eni(&other).ipv4_prefixes.len(), 1);
    k.ok(Cmd::DeleteInterface {
        network_interface_id: id,
    });
    k.ok(Cmd::DeleteInterface {
        network_interface_id: other,
    });
    assert_eq!(free_in(&k, &s), free);
}

#[test]
fn ipv4_prefixes_prefer_prefix_reservations_and_respect_quota_and_room() {
    let mut k = Kit::new();
    let (v, s) = net(&mut k);
    for (cidr, kind) in [("10.0.1.64/27", "explicit"), ("10.0.1.128/26", "prefix")] {
        k.ok(subnet::Cmd::CreateCidrReservation(Box::new(
            subnet::CreateReservation {
                subnet_id: s.clone(),
                cidr: cidr.into(),
                reservation_type: kind.into(),
                description: None,
                tags: vec![],
            },
        )));
    }
    let id = k.interface(with_prefixes(
        &s,
        PrefixSpec {
            v4_count: Some(2),
            ..PrefixSpec::default()
        },
    ));
    assert_eq!(
        k.eni(&id)
            .ipv4_prefixes
            .iter()
            .map(|b| b.to_string())
            .collect::<Vec<_>>(),
        vec!["10.0.1.128/28", "10.0.1.144/28"]
    );
    // Secondary addresses exclude prefixes on a new interface; the quota counts both.
    k.refused(
        create(InterfaceSpec {
            secondary_count: Some(1),
            ..with_prefixes(
                &s,
                PrefixSpec {
                    v4_count: Some(1),
                    ..PrefixSpec::default()
                },
            )
        }),
        "InvalidParameterCombination",
    );
    k.refused(
        create(with_prefixes(
            &s,
            PrefixSpec {
                v4_count: Some(MAX_PRIVATE_IPS as i64),
                ..PrefixSpec::default()
            },
        )),
        "PrivateIpAddressLimitExceeded",
    );
    // A /28 subnet has no /28 to delegate beside its reserved addresses.
    let tiny = k.subnet(&v, "10.0.9.0/28", None);
    k.refused(
        create(with_prefixes(
            &tiny,
            PrefixSpec {
                v4_count: Some(1),
                ..PrefixSpec::default()
            },
        )),
        "InsufficientCidrBlocks",
    );
}

#[test]
fn prefixes_show_in_instance_filters() {
    let mut k = Kit::new();
    let s = k.dual_stack_subnet();
    let mut l = launch(Some(&s), 1, 1);
    l.subnet_id = None;
    l.network_interfaces = vec![LaunchInterface {
        device_index: Some(0),
        spec: with_prefixes(
            &s,
            PrefixSpec {
                v4_count: Some(1),
                v6_count: Some(1),
                ..PrefixSpec::default()
            },
        ),
        ..LaunchInterface::default()
    }];
    let ids = k.launch(l);
    let i = k.instance(&ids[0]).clone();
    let e = k.eni(&i.network_interface_id).clone();
    assert_eq!((e.ipv4_prefixes.len(), e.ipv6_prefixes.len()), (1, 1));
    let ctx = k.ctx.clone();
    let by = |k: &Kit, name: &str, value: String| {
        describe_instances(
            &k.w,
            &ctx,
            &[],
            &[Filter {
                name: name.into(),
                values: vec![value],
            }],
        )
        .unwrap()
        .len()
    };
    let v6 = e.ipv6_prefixes[0].to_string();
    assert_eq!(by(&k, "network-interface.ipv6-prefixes.ipv6-prefix", v6), 1);
    let v4 = e.ipv4_prefixes[0].to_string();
    assert_eq!(by(&k, "network-interface.ipv4-prefixes.ipv4-prefix", v4), 1);
    assert_eq!(by(&k, "network-interface.ipv6-native", "false".into()), 1);
    assert_eq!(by(&k, "network-interface.ipv6-native", "true".into()), 0);
}

// ---------------------------------------------------------------------------------------
// IPv6-only subnets.

#[test]
fn interfaces_in_an_ipv6_only_subnet_hold_ipv6_addresses_only() {
    let mut k = Kit::new();
    let s = k.ipv6_only_subnet();
    let block = k.w.subnets.get(&s).unwrap().ipv6_cidrs[0].cidr;
    let id = k.interface(in_subnet(&s));
    let e = k.eni(&id).clone();
    assert!(e.private_ips.is_empty() && e.primary_ip().is_none());
    assert_eq!(e.ipv6_addresses.len(), 1);
    assert!(block.contains(&e.ipv6_addresses[0]));
    // Nothing of IPv4 can be asked for, and an interface needs an IPv6 address.
    let alloc = k.eip();
    let before = crate::testkit::snapshot(&k.w);
    for spec in [
        InterfaceSpec {
            private_ip: Some(ip("10.0.1.5")),
            ..in_subnet(&s)
        },
        InterfaceSpec {
            secondary_count: Some(1),
            ..in_subnet(&s)
        },
        InterfaceSpec {
            ipv6_count: Some(0),
            ..in_subnet(&s)
        },
        with_prefixes(
            &s,
            PrefixSpec {
                v4: vec!["10.0.1.16/28".into()],
                ..PrefixSpec::default()
            },
        ),
    ] {
        k.refused(create(spec), "InvalidParameterValue");
    }
    k.refused(
        Cmd::AssignPrivateIps {
            network_interface_id: id.clone(),
            addresses: vec![],
            count: Some(1),
            allow_reassignment: false,
            prefixes: vec![],
            prefix_count: None,
        },
        "InsufficientFreeAddressesInSubnet",
    );
    // An Elastic IP has no private IPv4 address to map to.
    k.refused(
        crate::testkit::gateway::associate_eni(&alloc, &id),
        "InvalidParameterValue",
    );
    assert_eq!(crate::testkit::snapshot(&k.w), before);
    // IPv6 prefixes alone are enough.
    let only_prefix = k.interface(InterfaceSpec {
        ipv6_count: Some(0),
        ..with_prefixes(
            &s,
            PrefixSpec {
                v6_count: Some(1),
                ..PrefixSpec::default()
            },
        )
    });
    assert_eq!(k.eni(&only_prefix).ipv6_prefixes.len(), 1);
    assert!(k.eni(&only_prefix).ipv6_addresses.is_empty());
    let ctx = k.ctx.clone();
    let native = describe(
        &k.w,
        &ctx,
        &[],
        &[Filter {
            name: "ipv6-addresses.ipv6-address".into(),
            values: vec![e.ipv6_addresses[0].to_string()],
        }],
    )
    .unwrap();
    assert_eq!(native.len(), 1);
}

#[test]
fn instances_in_an_ipv6_only_subnet_are_named_by_their_id() {
    let mut k = Kit::new();
    let s = k.ipv6_only_subnet();
    let ids = k.launch(launch(Some(&s), 2, 2));
    for id in &ids {
        let i = k.instance(id).clone();
        let e = k.eni(&i.network_interface_id).clone();
        assert!(e.private_ips.is_empty() && e.ipv6_addresses.len() == 1);
        assert_eq!(
            instance_private_dns_name(&k.w, &i).unwrap(),
            format!("{id}.ec2.internal")
        );
    }
    assert_eq!(k.w.subnets.get(&s).unwrap().available_ip_count(), 0);
    // No public IPv4 address for them.
    let mut l = launch(None, 1, 1);
    l.network_interfaces = vec![LaunchInterface {
        device_index: Some(0),
        associate_public_ip: Some(true),
        spec: in_subnet(&s),
        ..LaunchInterface::default()
    }];
    k.refused(
        Cmd::RunInstances(Box::new(l)),
        "InvalidParameterCombination",
    );
    let ctx = k.ctx.clone();
    let by = |k: &Kit, v: &str| {
        describe_instances(
            &k.w,
            &ctx,
            &[],
            &[Filter {
                name: "network-interface.ipv6-native".into(),
                values: vec![v.into()],
            }],
        )
        .unwrap()
        .len()
    };
    assert_eq!((by(&k, "true"), by(&k, "false")), (2, 0));
}
