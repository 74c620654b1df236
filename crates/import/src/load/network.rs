//! VPCs, subnets, internet and NAT gateways.

use std::net::Ipv4Addr;

use ipnet::{Ipv4Net, Ipv6Net};
use openvpc_core::gateway::{InternetGateway, NatGateway, NatState};
use openvpc_core::subnet::{Subnet, SubnetIpv6};
use openvpc_core::vpc::{CidrAssociation, Ipv6Association, Vpc};
use openvpc_core::{subnet, Scope, World};
use serde_json::Value;

use super::{owner, Loaded};
use crate::json::{addr, cidr as parse_cidr, Obj, Res};

pub(super) fn vpc(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
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

pub(super) fn subnet(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
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

pub(super) fn igw(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
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

pub(super) fn nat(w: &mut World, scope: &Scope, o: Obj) -> Res<Loaded> {
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
