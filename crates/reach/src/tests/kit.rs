//! Fixture builders: worlds made by inserting core structs directly (interfaces through the
//! core's ENI lifecycle, as the importer inserts them).

use std::collections::BTreeSet;
use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::IpNet;
use openvpc_core::eni::{self, Instance, InstanceState, NetworkInterface};
use openvpc_core::gateway::{InternetGateway, NatGateway, NatState};
use openvpc_core::nacl::{self, AclAssociation, Entry, EntryCidr, NetworkAcl, RuleAction};
use openvpc_core::peering::{Blocks, Options, Peering, Side, Status};
use openvpc_core::route::{self, Association, Destination, Origin, Route, Target};
use openvpc_core::sg::{self, Peer, Rule, SecurityGroup};
use openvpc_core::subnet::{Subnet, SubnetIpv6};
use openvpc_core::vpc::{CidrAssociation, Ipv6Association, Vpc};
use openvpc_core::Protocol;
use openvpc_core::{Config, Kind, Scope, World};

pub const ACCOUNT: &str = "111111111111";
pub const REGION: &str = "us-east-1";

/// A VPC's id and its defaults.
#[derive(Debug, Clone)]
pub struct VpcIds {
    pub id: String,
    pub rtb: String,

    pub sg: String,
}

/// A world under construction.
#[derive(Debug)]
pub struct Net {
    pub w: World,
}

pub fn scope(region: &str) -> Scope {
    Scope::new(ACCOUNT, region)
}

/// An SG rule's peer from text: a CIDR, `pl-…` or `sg-…`.
pub fn peer(s: &str) -> Peer {
    if Kind::PrefixList.names(s) {
        Peer::PrefixList(s.into())
    } else if Kind::SecurityGroup.names(s) {
        Peer::Group {
            group_id: s.into(),
            user_id: ACCOUNT.into(),
            vpc_id: None,
            vpc_peering_connection_id: None,
        }
    } else {
        match s.parse::<IpNet>().expect("cidr") {
            IpNet::V4(n) => Peer::V4(n),
            IpNet::V6(n) => Peer::V6(n),
        }
    }
}

pub fn dest(s: &str) -> Destination {
    if Kind::PrefixList.names(s) {
        Destination::PrefixList(s.into())
    } else {
        match s.parse::<IpNet>().expect("cidr") {
            IpNet::V4(n) => Destination::V4(n),
            IpNet::V6(n) => Destination::V6(n),
        }
    }
}

/// A route target from an id: `local`, `pcx-`, `igw-`, `vgw-`, `nat-`, `eni-`, `i-`, `eigw-`,
/// `vpce-`, `tgw-`.
pub fn target(id: &str) -> Target {
    let s = id.to_string();
    if id == "local" {
        return Target::Local;
    }
    match Kind::of_id(id) {
        Some(Kind::VpcPeeringConnection) => Target::VpcPeeringConnection(s),
        Some(Kind::NatGateway) => Target::NatGateway(s),
        Some(Kind::NetworkInterface) => Target::NetworkInterface(s),
        Some(Kind::Instance) => Target::Instance(s),
        Some(Kind::EgressOnlyInternetGateway) => Target::EgressOnlyInternetGateway(s),
        Some(Kind::VpcEndpoint) => Target::GatewayEndpoint(s),
        Some(Kind::TransitGateway) => Target::TransitGateway(s),
        _ => Target::Gateway(s),
    }
}

impl Net {
    pub fn new() -> Net {
        Net {
            w: World::new(Config::default(), 7),
        }
    }

    fn id(&mut self, kind: Kind) -> String {
        self.w.ids.id(kind)
    }

    /// A VPC with a main table (local routes), a default ACL (allow all) and a default SG
    /// (inbound from itself, outbound everywhere).
    pub fn vpc(&mut self, cidr: &str, v6: Option<&str>) -> VpcIds {
        self.vpc_in(REGION, cidr, v6)
    }

    pub fn vpc_in(&mut self, region: &str, cidr: &str, v6: Option<&str>) -> VpcIds {
        let scope = scope(region);
        let id = self.id(Kind::Vpc);
        let vpc = Vpc {
            id: id.clone(),
            scope: scope.clone(),
            cidrs: vec![CidrAssociation {
                association_id: self.id(Kind::VpcCidrAssociation),
                cidr: cidr.parse().expect("cidr"),
            }],
            ipv6_cidrs: v6
                .map(|c| Ipv6Association {
                    association_id: "assoc6".into(),
                    cidr: c.parse().expect("cidr"),
                    border_group: region.into(),
                })
                .into_iter()
                .collect(),
            is_default: false,
            instance_tenancy: "default".into(),
            dhcp_options_id: "default".into(),
            enable_dns_support: true,
            enable_dns_hostnames: false,
            enable_network_address_usage_metrics: false,
            main_route_table_id: String::new(),
            default_security_group_id: String::new(),
            default_network_acl_id: String::new(),
            created: 0,
        };
        self.w.vpcs.insert(vpc);
        let rtb = route::create_table(&mut self.w, &scope, &id, true);
        let sg = sg::create_default(&mut self.w, &scope, &id);
        let acl = nacl::create_default(&mut self.w, &scope, &id);
        let v = self.w.vpcs.get_mut(&id).expect("inserted");
        v.main_route_table_id = rtb.clone();
        v.default_security_group_id = sg.clone();
        v.default_network_acl_id = acl.clone();
        let _ = acl;
        VpcIds { id, rtb, sg }
    }

    pub fn subnet(&mut self, vpc: &VpcIds, cidr: &str) -> String {
        self.subnet6(vpc, cidr, None)
    }

    pub fn subnet6(&mut self, vpc: &VpcIds, cidr: &str, v6: Option<&str>) -> String {
        let id = self.id(Kind::Subnet);
        let region = self.w.vpcs.get(&vpc.id).expect("vpc").scope.region.clone();
        self.w.subnets.insert(Subnet {
            id: id.clone(),
            scope: scope(&region),
            vpc_id: vpc.id.clone(),
            // An empty IPv4 block makes an IPv6-only subnet.
            cidr: (!cidr.is_empty()).then(|| cidr.parse().expect("cidr")),
            assign_ipv6_on_creation: cidr.is_empty(),
            ipv6_cidrs: v6
                .map(|c| SubnetIpv6 {
                    association_id: "sassoc6".into(),
                    cidr: c.parse().expect("cidr"),
                })
                .into_iter()
                .collect(),
            availability_zone: format!("{region}a"),
            availability_zone_id: "use1-az1".into(),
            default_for_az: false,
            map_public_ip_on_launch: false,
            launch: Default::default(),
            used: BTreeSet::new(),
            created: 0,
        });
        nacl::associate_default(&mut self.w, &vpc.id, &id);
        id
    }

    /// An interface with one private IPv4 address (and IPv6 addresses), in `groups`.
    pub fn eni(&mut self, subnet: &str, ip: &str, groups: &[&str]) -> String {
        self.eni6(subnet, ip, &[], groups)
    }

    pub fn eni6(&mut self, subnet: &str, ip: &str, v6: &[&str], groups: &[&str]) -> String {
        let id = self.id(Kind::NetworkInterface);
        let s = self.w.subnets.get(subnet).expect("subnet").clone();
        eni::insert_existing(
            &mut self.w,
            NetworkInterface {
                id: id.clone(),
                scope: s.scope.clone(),
                vpc_id: s.vpc_id.clone(),
                subnet_id: s.id.clone(),
                availability_zone: s.availability_zone.clone(),
                // An empty address: an interface of an IPv6-only subnet.
                private_ips: (!ip.is_empty())
                    .then(|| ip.parse().expect("ip"))
                    .into_iter()
                    .collect(),
                ipv6_addresses: v6
                    .iter()
                    .map(|a| a.parse::<Ipv6Addr>().expect("ip"))
                    .collect(),
                ipv4_prefixes: Vec::new(),
                ipv6_prefixes: Vec::new(),
                groups: groups.iter().map(|g| g.to_string()).collect(),
                source_dest_check: true,
                interface_type: "interface".into(),
                requester_managed: false,
                requester_id: None,
                description: String::new(),
                mac_address: "02:00:00:00:00:01".into(),
                attachment: None,
                public_ip: None,
                public_ip_allocation_id: None,
                created: 0,
            },
        );
        id
    }

    pub fn eni_mut(&mut self, id: &str) -> &mut NetworkInterface {
        self.w.network_interfaces.get_mut(id).expect("eni")
    }

    pub fn public_ip(&mut self, eni: &str, ip: &str) {
        self.eni_mut(eni).public_ip = Some(ip.parse::<Ipv4Addr>().expect("ip"));
    }

    /// A running instance whose primary interface is `eni`.
    pub fn instance(&mut self, eni: &str) -> String {
        let id = self.id(Kind::Instance);
        let e = self.w.network_interfaces.get(eni).expect("eni").clone();
        self.w.instances.insert(Instance {
            id: id.clone(),
            scope: e.scope.clone(),
            reservation_id: "r-1".into(),
            vpc_id: e.vpc_id.clone(),
            subnet_id: e.subnet_id.clone(),
            network_interface_id: e.id.clone(),
            image_id: "ami-1".into(),
            instance_type: "t3.micro".into(),
            state: InstanceState::Running,
            launch_time: 0,
            terminated: None,
            details: Default::default(),
        });
        id
    }

    /// A security group with no rules.
    pub fn sg(&mut self, vpc: &VpcIds) -> String {
        let id = self.id(Kind::SecurityGroup);
        let region = self.w.vpcs.get(&vpc.id).expect("vpc").scope.region.clone();
        self.w.security_groups.insert(SecurityGroup {
            id: id.clone(),
            scope: scope(&region),
            vpc_id: vpc.id.clone(),
            name: id.clone(),
            description: String::new(),
            ingress: Vec::new(),
            egress: Vec::new(),
        });
        id
    }

    /// Adds a rule: `protocol` as on the wire (`-1`, `tcp`, `icmp`, …), ports or ICMP
    /// (type, code), peer text (CIDR, `pl-…`, `sg-…`).
    pub fn rule(
        &mut self,
        sg: &str,
        egress: bool,
        protocol: &str,
        ports: Option<(i32, i32)>,
        p: &str,
    ) {
        let rule = Rule {
            rule_id: "sgr-1".into(),
            protocol: Protocol::parse(protocol).expect("test protocol"),
            from_port: ports.map(|x| x.0),
            to_port: ports.map(|x| x.1),
            peer: peer(p),
            description: None,
        };
        let g = self.w.security_groups.get_mut(sg).expect("sg");
        if egress {
            g.egress.push(rule)
        } else {
            g.ingress.push(rule)
        }
    }

    pub fn clear_rules(&mut self, sg: &str, egress: bool) {
        let g = self.w.security_groups.get_mut(sg).expect("sg");
        if egress {
            g.egress.clear()
        } else {
            g.ingress.clear()
        }
    }

    pub fn route(&mut self, rtb: &str, d: &str, t: &str) {
        self.w
            .route_tables
            .get_mut(rtb)
            .expect("rtb")
            .routes
            .push(Route {
                destination: dest(d),
                target: target(t),
                origin: Origin::CreateRoute,
            });
    }

    pub fn remove_route(&mut self, rtb: &str, d: &str) {
        let d = dest(d);
        self.w
            .route_tables
            .get_mut(rtb)
            .expect("rtb")
            .routes
            .retain(|r| r.destination != d);
    }

    /// A custom route table (local routes) associated with `subnets`.
    pub fn table(&mut self, vpc: &VpcIds, subnets: &[&str]) -> String {
        let region = self.w.vpcs.get(&vpc.id).expect("vpc").scope.region.clone();
        let id = route::create_table(&mut self.w, &scope(&region), &vpc.id, false);
        for s in subnets {
            let assoc = self.id(Kind::RouteTableAssociation);
            self.w
                .route_tables
                .get_mut(&id)
                .expect("rtb")
                .associations
                .push(Association {
                    id: assoc,
                    subnet_id: Some(s.to_string()),
                    gateway_id: None,
                    main: false,
                });
        }
        id
    }

    /// A custom ACL (deny all) associated with `subnets` instead of the default.
    pub fn acl(&mut self, vpc: &VpcIds, subnets: &[&str]) -> String {
        let id = self.id(Kind::NetworkAcl);
        let region = self.w.vpcs.get(&vpc.id).expect("vpc").scope.region.clone();
        let has_v6 = !self.w.vpcs.get(&vpc.id).expect("vpc").ipv6_cidrs.is_empty();
        for a in self.w.network_acls.values_mut() {
            a.associations
                .retain(|x| !subnets.contains(&x.subnet_id.as_str()));
        }
        self.w.network_acls.insert(NetworkAcl {
            id: id.clone(),
            scope: scope(&region),
            vpc_id: vpc.id.clone(),
            is_default: false,
            entries: nacl::custom_entries(has_v6),
            associations: subnets
                .iter()
                .map(|s| AclAssociation {
                    id: "aclassoc-1".into(),
                    subnet_id: s.to_string(),
                })
                .collect(),
        });
        id
    }

    /// Adds an ACL entry; `protocol` is `-1` or an IANA number; `ports` for TCP/UDP,
    /// `icmp` (type, code) for ICMP.
    #[allow(clippy::too_many_arguments)]
    pub fn entry(
        &mut self,
        acl: &str,
        number: u32,
        egress: bool,
        protocol: &str,
        allow: bool,
        cidr: &str,
        ports: Option<(u16, u16)>,
        icmp: Option<(i32, i32)>,
    ) {
        let cidr = match cidr.parse::<IpNet>().expect("cidr") {
            IpNet::V4(n) => EntryCidr::V4(n),
            IpNet::V6(n) => EntryCidr::V6(n),
        };
        self.w
            .network_acls
            .get_mut(acl)
            .expect("acl")
            .entries
            .push(Entry {
                rule_number: number,
                egress,
                protocol: Protocol::parse(protocol).expect("test protocol"),
                action: if allow {
                    RuleAction::Allow
                } else {
                    RuleAction::Deny
                },
                cidr,
                icmp,
                port_range: ports,
            });
    }

    /// A peering connection between two VPCs in `status`.
    pub fn peering(&mut self, a: &VpcIds, b: &VpcIds, status: Status) -> String {
        let id = self.id(Kind::VpcPeeringConnection);
        let side = |w: &World, v: &VpcIds| {
            let vpc = w.vpcs.get(&v.id).expect("vpc");
            Side {
                account: vpc.scope.account.clone(),
                region: vpc.scope.region.clone(),
                vpc_id: v.id.clone(),
            }
        };
        let p = Peering {
            id: id.clone(),
            requester: side(&self.w, a),
            accepter: side(&self.w, b),
            status,
            message: String::new(),
            created: 0,
            expiration: 0,
            step_due: 0,
            accepted: None,
            requester_options: Options::default(),
            accepter_options: None,
            requester_blocks: Blocks::default(),
            accepter_blocks: Blocks::default(),
            requester_until: None,
            accepter_until: None,
            deleted_by: None,
        };
        self.put_peering(p);
        id
    }

    pub fn set_peering(&mut self, id: &str, status: Status) {
        let mut p = self.w.peerings.get(id).expect("pcx").clone();
        p.status = status;
        self.put_peering(p);
    }

    /// Inserts or replaces a peering connection.
    fn put_peering(&mut self, p: Peering) {
        self.w.peerings.insert(p);
    }

    /// An internet gateway attached to `vpc` (or detached).
    pub fn igw(&mut self, vpc: Option<&VpcIds>) -> String {
        let id = self.id(Kind::InternetGateway);
        self.w.internet_gateways.insert(InternetGateway {
            id: id.clone(),
            scope: scope(REGION),
            attachment: vpc.map(|v| v.id.clone()),
        });
        id
    }

    /// A NAT gateway in `subnet` with private address `ip` (public ones get `public`).
    pub fn nat(&mut self, subnet: &str, ip: &str, public: Option<&str>, state: NatState) -> String {
        let id = self.id(Kind::NatGateway);
        let s = self.w.subnets.get(subnet).expect("subnet").clone();
        self.w.nat_gateways.insert(NatGateway {
            id: id.clone(),
            scope: s.scope.clone(),
            vpc_id: s.vpc_id.clone(),
            subnet_id: s.id.clone(),
            public: public.is_some(),
            allocation_id: None,
            association_id: None,
            network_interface_id: None,
            private_ip: Some(ip.parse().expect("ip")),
            public_ip: public.map(|p| p.parse().expect("ip")),
            state,
            failure: None,
            created: 0,
            deleted: None,
            step_due: 0,
        });
        id
    }
}
