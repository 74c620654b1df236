//! A seeded generator of synthetic AWS networks, built by inserting core structs directly.
//!
//! Each VPC (a /20 of 10.0.0.0/8, one Region, owned by one of the accounts) has:
//! - subnets (/24), the first half public: associated with a public route table
//!   (`0.0.0.0/0 → igw`), the rest on the main table (`0.0.0.0/0 → nat`);
//! - an internet gateway (most VPCs) and a NAT gateway in the first public subnet (many);
//! - security groups `default` (itself), `web` (80/443 from anywhere, 22 from an office
//!   range), `app` (8080 from `web`, from peers' CIDRs), `db` (5432 from `app` and from a
//!   peer's `app` group across the peering), all allowing every outbound packet;
//! - in half of the VPCs a custom ACL on the private subnets (a deny, the VPC range, the
//!   ephemeral ports back);
//! - interfaces spread over the subnets: `web` in public subnets (half with a public IP),
//!   `app` or `db` in private ones.
//!
//! Peering connections join random pairs (mostly within an account), with routes to the
//! peer's CIDR in both VPCs' tables; most are active.
//!
//! VPC endpoints and PrivateLink are made through the core's commands, as an API client
//! would (see [`privatelink`]): gateway endpoints to S3 and DynamoDB on the VPCs' tables,
//! endpoint services behind network load balancers (listener, target group, IP targets
//! on the provider's `app` interfaces), and interface endpoints to them from other VPCs.
//!
//! VPCs are /20s with /24 subnets (tiers S, M, L), or /22s with /26 subnets (XL: 10,000
//! VPCs fit in 10.0.0.0/8 only so).

use std::collections::{BTreeMap, HashSet};
use std::net::Ipv4Addr;

use ipnet::{IpNet, Ipv4Net};
use openvpc_core::config::quota;
use openvpc_core::eni::{self, NetworkInterface};
use openvpc_core::gateway::{InternetGateway, NatGateway, NatState};
use openvpc_core::nacl::{self, AclAssociation, Entry, EntryCidr, NetworkAcl, RuleAction};
use openvpc_core::peering::{Blocks, Options, Peering, Side, Status};
use openvpc_core::prefix_list::{aws_managed_cidrs, aws_managed_id};
use openvpc_core::route::{self, Association, Destination, Origin, Route, Target};
use openvpc_core::sg::{self, Peer, Rule, SecurityGroup};
use openvpc_core::subnet::Subnet;
use openvpc_core::vpc::{CidrAssociation, Vpc};
use openvpc_core::{Config, Kind, Millis, Protocol, Scope, World};

mod privatelink;
mod transit;

pub use privatelink::{https_from, ServiceLayout, LISTENER_PORT, TARGET_PORT};
pub use transit::TgwLayout;

pub const REGION: &str = "us-east-1";

/// The clock of a generated world: commands that build it run before, and every
/// asynchronous step (endpoint provisioning, load balancer activation) is done by then.
pub const NOW: Millis = 3_600_000;

/// The size of a synthetic network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tier {
    pub name: &'static str,
    pub vpcs: usize,
    pub subnets: usize,
    pub enis: usize,
    pub peerings: usize,
    /// Gateway endpoints (S3 on a VPC's main and public tables, then DynamoDB on its main).
    pub gateway_endpoints: usize,
    /// Endpoint services, each behind its own network load balancer.
    pub services: usize,
    /// Interface endpoints to those services.
    pub interface_endpoints: usize,
    pub accounts: usize,
    /// Prefix lengths of a VPC and of its subnets.
    pub vpc_prefix: u8,
    pub subnet_prefix: u8,
    /// Transit gateways and their route tables in all, made when `transit` is set (the
    /// `--tgw` worlds; see [`transit`]).
    pub transit_gateways: usize,
    pub tgw_route_tables: usize,
    pub transit: bool,
}

pub const S: Tier = Tier {
    name: "S",
    vpcs: 10,
    subnets: 40,
    enis: 1_000,
    peerings: 15,
    gateway_endpoints: 12,
    services: 2,
    interface_endpoints: 6,
    accounts: 2,
    vpc_prefix: 20,
    subnet_prefix: 24,
    transit_gateways: 1,
    tgw_route_tables: 4,
    transit: false,
};
pub const M: Tier = Tier {
    name: "M",
    vpcs: 100,
    subnets: 1_000,
    enis: 10_000,
    peerings: 1_000,
    gateway_endpoints: 150,
    services: 10,
    interface_endpoints: 60,
    accounts: 10,
    vpc_prefix: 20,
    subnet_prefix: 24,
    transit_gateways: 2,
    tgw_route_tables: 10,
    transit: false,
};
pub const L: Tier = Tier {
    name: "L",
    vpcs: 1_000,
    subnets: 10_000,
    enis: 100_000,
    peerings: 20_000,
    gateway_endpoints: 1_500,
    services: 100,
    interface_endpoints: 1_000,
    accounts: 50,
    vpc_prefix: 20,
    subnet_prefix: 24,
    transit_gateways: 5,
    tgw_route_tables: 50,
    transit: false,
};
pub const XL: Tier = Tier {
    name: "XL",
    vpcs: 10_000,
    subnets: 100_000,
    enis: 1_000_000,
    peerings: 100_000,
    gateway_endpoints: 15_000,
    services: 1_000,
    interface_endpoints: 10_000,
    accounts: 200,
    vpc_prefix: 22,
    subnet_prefix: 26,
    transit_gateways: 5,
    tgw_route_tables: 100,
    transit: false,
};

impl Tier {
    pub const ALL: [Tier; 4] = [S, M, L, XL];

    pub fn by_name(name: &str) -> Option<Tier> {
        Tier::ALL
            .into_iter()
            .find(|t| t.name.eq_ignore_ascii_case(name))
    }

    /// The tier with its transit gateways: every VPC attached to one of them.
    pub fn with_transit(self) -> Tier {
        Tier {
            transit: true,
            ..self
        }
    }

    /// The tier's name as results record it: `L`, or `L-tgw` with transit gateways.
    pub fn label(&self) -> String {
        if self.transit {
            format!("{}-tgw", self.name)
        } else {
            self.name.to_string()
        }
    }
}

/// splitmix64.
#[derive(Debug, Clone)]
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

/// What the generator made, for picking flows and edits.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub vpcs: Vec<VpcLayout>,
    /// Active or not, (VPC index, VPC index, id).
    pub peerings: Vec<(usize, usize, String)>,
    /// Public addresses of interfaces.
    pub public_ips: Vec<Ipv4Addr>,
    /// Endpoint services with their consumers' interface endpoints.
    pub services: Vec<ServiceLayout>,
    /// VPC index → its gateway endpoints as (service short name, endpoint id).
    pub gateway_endpoints: BTreeMap<usize, Vec<(String, String)>>,
    /// Transit gateways (empty unless the tier has `transit`).
    pub transit: Vec<TgwLayout>,
}

/// One VPC's ids.
#[derive(Debug, Clone, Default)]
pub struct VpcLayout {
    pub id: String,
    pub account: String,
    pub cidr: Ipv4Net,
    pub main_rtb: String,
    pub public_rtb: String,
    pub igw: Option<String>,
    pub nat: Option<String>,
    /// default, web, app, db.
    pub sgs: [String; 4],
    /// Subnet ids with their interface ids.
    pub subnets: Vec<(String, Vec<String>)>,
    /// Its transit-gateway attachment: (index in [`Layout::transit`], attachment id).
    pub attachment: Option<(usize, String)>,
}

/// A generated network: the world, what is where, and the prefix lists its routes name.
#[derive(Debug)]
pub struct Synth {
    pub world: World,
    pub layout: Layout,
    pub prefix_lists: BTreeMap<String, Vec<IpNet>>,
}

pub fn account(a: usize) -> String {
    format!("{:012}", 100_000_000_000u64 + a as u64)
}

fn net(s: &str) -> Ipv4Net {
    s.parse().expect("cidr")
}

fn group_peer(id: &str, account: &str) -> Peer {
    Peer::Group {
        group_id: id.to_string(),
        user_id: account.to_string(),
        vpc_id: None,
        vpc_peering_connection_id: None,
    }
}

fn rule(w: &mut World, protocol: &str, ports: Option<(i32, i32)>, peer: Peer) -> Rule {
    Rule {
        rule_id: w.ids.id(Kind::SecurityGroupRule),
        protocol: Protocol::parse(protocol).expect("a protocol"),
        from_port: ports.map(|p| p.0),
        to_port: ports.map(|p| p.1),
        peer,
        description: None,
    }
}

fn entry(
    number: u32,
    egress: bool,
    protocol: &str,
    allow: bool,
    cidr: &str,
    ports: Option<(u16, u16)>,
) -> Entry {
    Entry {
        rule_number: number,
        egress,
        protocol: Protocol::parse(protocol).expect("a protocol"),
        action: if allow {
            RuleAction::Allow
        } else {
            RuleAction::Deny
        },
        cidr: EntryCidr::V4(net(cidr)),
        icmp: None,
        port_range: ports,
    }
}

/// The configuration of a tier's world: AWS's defaults, with the per-Region gateway
/// endpoint quota (20, adjustable on request) raised to fit two per VPC of an account.
pub fn config(tier: Tier) -> Config {
    let mut c = Config::default();
    let per_account = 2 * tier.vpcs.div_ceil(tier.accounts);
    c.quotas
        .set_from_arg(&format!(
            "{}={per_account}",
            quota::GATEWAY_ENDPOINTS_PER_REGION
        ))
        .expect("a known quota");
    c
}

/// Generates a network of `tier` from `seed`.
pub fn generate(tier: Tier, seed: u64) -> Synth {
    let mut r = Rng(seed);
    let mut w = World::new(config(tier), seed);
    let mut layout = Layout::default();
    let per_vpc = (tier.subnets / tier.vpcs).clamp(2, 16);
    let per_subnet = tier.enis / (per_vpc * tier.vpcs);
    let mut public_ip: u32 = u32::from(Ipv4Addr::new(3, 0, 0, 1));
    let mut next_public = || {
        public_ip += 1;
        Ipv4Addr::from(public_ip)
    };

    for v in 0..tier.vpcs {
        let acct = account(v % tier.accounts);
        let scope = Scope::new(&acct, REGION);
        w.scopes_ready.insert(scope.clone());
        let vpc_bits = 32 - u32::from(tier.vpc_prefix);
        let cidr = Ipv4Net::new(
            Ipv4Addr::from((10u32 << 24) | ((v as u32) << vpc_bits)),
            tier.vpc_prefix,
        )
        .expect("cidr");
        let id = w.ids.id(Kind::Vpc);
        w.vpcs.insert(Vpc {
            id: id.clone(),
            scope: scope.clone(),
            cidrs: vec![CidrAssociation {
                association_id: w.ids.id(Kind::VpcCidrAssociation),
                cidr,
            }],
            ipv6_cidrs: Vec::new(),
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
        });
        let main_rtb = route::create_table(&mut w, &scope, &id, true);
        let public_rtb = route::create_table(&mut w, &scope, &id, false);
        let default_sg = sg::create_default(&mut w, &scope, &id);
        let default_acl = nacl::create_default(&mut w, &scope, &id);
        let vpc = w.vpcs.get_mut(&id).expect("inserted");
        vpc.main_route_table_id = main_rtb.clone();
        vpc.default_security_group_id = default_sg.clone();
        vpc.default_network_acl_id = default_acl.clone();

        // Security groups.
        let group = |w: &mut World, name: &str| {
            let gid = w.ids.id(Kind::SecurityGroup);
            let egress = vec![rule(w, "-1", None, Peer::V4(net("0.0.0.0/0")))];
            w.security_groups.insert(SecurityGroup {
                id: gid.clone(),
                scope: scope.clone(),
                vpc_id: id.clone(),
                name: name.into(),
                description: format!("{name} tier"),
                ingress: Vec::new(),
                egress,
            });
            gid
        };
        let web = group(&mut w, "web");
        let app = group(&mut w, "app");
        let db = group(&mut w, "db");
        let office = format!("198.51.{}.0/24", v % 256);
        let web_rules = vec![
            rule(&mut w, "tcp", Some((443, 443)), Peer::V4(net("0.0.0.0/0"))),
            rule(&mut w, "tcp", Some((80, 80)), Peer::V4(net("0.0.0.0/0"))),
            rule(&mut w, "tcp", Some((22, 22)), Peer::V4(net(&office))),
        ];
        let app_rules = vec![
            rule(&mut w, "tcp", Some((8080, 8080)), group_peer(&web, &acct)),
            rule(&mut w, "tcp", Some((8080, 8080)), Peer::V4(cidr)),
        ];
        let db_rules = vec![rule(
            &mut w,
            "tcp",
            Some((5432, 5432)),
            group_peer(&app, &acct),
        )];
        for (g, rules) in [(&web, web_rules), (&app, app_rules), (&db, db_rules)] {
            w.security_groups.get_mut(g).expect("group").ingress = rules;
        }

        // Gateways.
        let igw = r.chance(90).then(|| {
            let gid = w.ids.id(Kind::InternetGateway);
            w.internet_gateways.insert(InternetGateway {
                id: gid.clone(),
                scope: scope.clone(),
                attachment: Some(id.clone()),
            });
            gid
        });

        // Subnets and their interfaces.
        let mut subnets = Vec::new();
        let custom_acl = r.chance(50).then(|| w.ids.id(Kind::NetworkAcl));
        let mut acl_links = Vec::new();
        for k in 0..per_vpc {
            let sid = w.ids.id(Kind::Subnet);
            let base =
                u32::from(cidr.network()) | ((k as u32) << (32 - u32::from(tier.subnet_prefix)));
            let public = k < per_vpc / 2;
            w.subnets.insert(Subnet {
                id: sid.clone(),
                scope: scope.clone(),
                vpc_id: id.clone(),
                cidr: Some(Ipv4Net::new(Ipv4Addr::from(base), tier.subnet_prefix).expect("cidr")),
                ipv6_cidrs: Vec::new(),
                availability_zone: format!("{REGION}{}", ['a', 'b', 'c'][k % 3]),
                availability_zone_id: format!("use1-az{}", k % 3 + 1),
                default_for_az: false,
                map_public_ip_on_launch: public,
                assign_ipv6_on_creation: false,
                launch: Default::default(),
                used: (10..10 + per_subnet as u32).collect(),
                created: 0,
            });
            let assoc = w.ids.id(Kind::NetworkAclAssociation);
            match (&custom_acl, public) {
                (Some(_), false) => acl_links.push((assoc, sid.clone())),
                _ => w
                    .network_acls
                    .get_mut(&default_acl)
                    .expect("default acl")
                    .associations
                    .push(AclAssociation {
                        id: assoc,
                        subnet_id: sid.clone(),
                    }),
            }
            if public {
                let assoc = w.ids.id(Kind::RouteTableAssociation);
                w.route_tables
                    .get_mut(&public_rtb)
                    .expect("table")
                    .associations
                    .push(Association {
                        id: assoc,
                        subnet_id: Some(sid.clone()),
                        gateway_id: None,
                        main: false,
                    });
            }
            let mut enis = Vec::new();
            for j in 0..per_subnet {
                let eid = w.ids.id(Kind::NetworkInterface);
                let ip = Ipv4Addr::from(base + 10 + j as u32);
                let (groups, public_ip) = if public {
                    let p = r.chance(50).then(&mut next_public);
                    (vec![web.clone()], p)
                } else if r.chance(70) {
                    (vec![app.clone(), default_sg.clone()], None)
                } else {
                    (vec![db.clone()], None)
                };
                layout.public_ips.extend(public_ip);
                eni::insert_existing(
                    &mut w,
                    NetworkInterface {
                        id: eid.clone(),
                        scope: scope.clone(),
                        vpc_id: id.clone(),
                        subnet_id: sid.clone(),
                        availability_zone: format!("{REGION}{}", ['a', 'b', 'c'][k % 3]),
                        private_ips: vec![ip],
                        ipv6_addresses: Vec::new(),
                        ipv4_prefixes: Vec::new(),
                        ipv6_prefixes: Vec::new(),
                        groups,
                        source_dest_check: true,
                        interface_type: "interface".into(),
                        requester_managed: false,
                        requester_id: None,
                        description: String::new(),
                        mac_address: format!(
                            "02:00:{:02x}:{:02x}:{:02x}:{:02x}",
                            v >> 8 & 255,
                            v & 255,
                            k,
                            j
                        ),
                        attachment: None,
                        public_ip,
                        public_ip_allocation_id: None,
                        created: 0,
                    },
                );
                enis.push(eid);
            }
            subnets.push((sid, enis));
        }
        if let Some(acl) = &custom_acl {
            let mut entries = nacl::custom_entries(false);
            entries.extend([
                entry(90, false, "6", false, "0.0.0.0/0", Some((3389, 3389))),
                entry(100, false, "-1", true, "10.0.0.0/8", None),
                entry(110, false, "6", true, "0.0.0.0/0", Some((1024, 65535))),
                entry(120, false, "17", true, "0.0.0.0/0", Some((1024, 65535))),
                entry(100, true, "-1", true, "0.0.0.0/0", None),
            ]);
            w.network_acls.insert(NetworkAcl {
                id: acl.clone(),
                scope: scope.clone(),
                vpc_id: id.clone(),
                is_default: false,
                entries,
                associations: acl_links
                    .into_iter()
                    .map(|(id, subnet_id)| AclAssociation { id, subnet_id })
                    .collect(),
            });
        }

        // A NAT gateway in the first public subnet; default routes.
        let nat = (igw.is_some() && r.chance(75)).then(|| {
            let nid = w.ids.id(Kind::NatGateway);
            let first = &subnets[0].0;
            let base = u32::from(cidr.network());
            w.subnets.get_mut(first).expect("subnet").used.insert(5);
            w.nat_gateways.insert(NatGateway {
                id: nid.clone(),
                scope: scope.clone(),
                vpc_id: id.clone(),
                subnet_id: first.clone(),
                public: true,
                allocation_id: None,
                association_id: None,
                network_interface_id: None,
                private_ip: Some(Ipv4Addr::from(base + 5)),
                public_ip: Some(next_public()),
                state: NatState::Available,
                failure: None,
                created: 0,
                deleted: None,
                step_due: 0,
            });
            nid
        });
        let mut add_route = |t: &str, d: Destination, target: Target| {
            w.route_tables
                .get_mut(t)
                .expect("table")
                .routes
                .push(Route {
                    destination: d,
                    target,
                    origin: Origin::CreateRoute,
                });
        };
        if let Some(g) = &igw {
            add_route(
                &public_rtb,
                Destination::V4(net("0.0.0.0/0")),
                Target::Gateway(g.clone()),
            );
        }
        if let Some(n) = &nat {
            add_route(
                &main_rtb,
                Destination::V4(net("0.0.0.0/0")),
                Target::NatGateway(n.clone()),
            );
        }
        layout.vpcs.push(VpcLayout {
            id,
            account: acct,
            cidr,
            main_rtb,
            public_rtb,
            igw,
            nat,
            sgs: [default_sg, web, app, db],
            subnets,
            attachment: None,
        });
    }

    // Peering connections: mostly within an account.
    let mut seen = HashSet::new();
    let n = tier.vpcs;
    while layout.peerings.len() < tier.peerings.min(n * (n - 1) / 2) {
        let a = r.below(n);
        let b = if r.chance(80) && tier.accounts < n {
            // Same account: VPCs a ± k·accounts.
            let same = n.div_ceil(tier.accounts);
            (a % tier.accounts + r.below(same) * tier.accounts) % n
        } else {
            r.below(n)
        };
        if a == b || !seen.insert((a.min(b), a.max(b))) {
            continue;
        }
        let (va, vb) = (&layout.vpcs[a], &layout.vpcs[b]);
        let id = w.ids.id(Kind::VpcPeeringConnection);
        let status = if r.chance(95) {
            Status::Active
        } else {
            Status::PendingAcceptance
        };
        let side = |v: &VpcLayout| Side {
            account: v.account.clone(),
            region: REGION.into(),
            vpc_id: v.id.clone(),
        };
        let blocks = |v: &VpcLayout| Blocks {
            v4: vec![v.cidr],
            v6: Vec::new(),
        };
        w.peerings.insert(Peering {
            id: id.clone(),
            requester: side(va),
            accepter: side(vb),
            status,
            message: String::new(),
            created: 0,
            expiration: i64::MAX,
            step_due: 0,
            accepted: (status == Status::Active).then_some(0),
            requester_options: Options::default(),
            accepter_options: Some(Options::default()),
            requester_blocks: blocks(va),
            accepter_blocks: blocks(vb),
            requester_until: None,
            accepter_until: None,
            deleted_by: None,
        });
        let (ca, cb) = (va.cidr, vb.cidr);
        let (ta, tb) = (
            [va.main_rtb.clone(), va.public_rtb.clone()],
            [vb.main_rtb.clone(), vb.public_rtb.clone()],
        );
        for (tables, peer) in [(ta, cb), (tb, ca)] {
            for t in tables {
                w.route_tables
                    .get_mut(&t)
                    .expect("table")
                    .routes
                    .push(Route {
                        destination: Destination::V4(peer),
                        target: Target::VpcPeeringConnection(id.clone()),
                        origin: Origin::CreateRoute,
                    });
            }
        }
        // The peer's app tier may reach this VPC's databases, by group and by address.
        let (app_b, db_a, acct_b) = (vb.sgs[2].clone(), va.sgs[3].clone(), vb.account.clone());
        let rules = [
            rule(
                &mut w,
                "tcp",
                Some((5432, 5432)),
                group_peer(&app_b, &acct_b),
            ),
            rule(&mut w, "tcp", Some((8080, 8080)), Peer::V4(cb)),
        ];
        let app_a = va.sgs[2].clone();
        let [r1, r2] = rules;
        w.security_groups
            .get_mut(&db_a)
            .expect("db")
            .ingress
            .push(r1);
        w.security_groups
            .get_mut(&app_a)
            .expect("app")
            .ingress
            .push(r2);
        layout.peerings.push((a, b, id));
    }

    // The S3 and DynamoDB prefix lists (gateway endpoints' routes name them).
    let mut prefix_lists = BTreeMap::new();
    for service in ["s3", "dynamodb"] {
        prefix_lists.insert(
            aws_managed_id(REGION, service),
            aws_managed_cidrs(REGION, service),
        );
    }
    privatelink::generate(&mut w, &mut layout, tier, &mut r);
    if tier.transit {
        transit::generate(&mut w, &mut layout, tier, &mut r);
    }
    w.tick(NOW);

    Synth {
        world: w,
        layout,
        prefix_lists,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use openvpc_core::endpoint::{EndpointType, State};

    use super::*;

    #[test]
    fn tiers_have_their_sizes() {
        for tier in [S, M] {
            let s = generate(tier, 1);
            let w = &s.world;
            assert_eq!(w.vpcs.len(), tier.vpcs);
            assert_eq!(w.subnets.len(), tier.subnets);
            let plain = w
                .network_interfaces
                .values()
                .filter(|e| e.interface_type == "interface");
            assert_eq!(plain.count(), tier.enis);
            assert_eq!(s.layout.peerings.len(), tier.peerings);
            let available = |t: EndpointType| {
                w.vpc_endpoints
                    .values()
                    .filter(|e| e.endpoint_type == t && e.state == State::Available)
                    .count()
            };
            assert_eq!(available(EndpointType::Gateway), tier.gateway_endpoints);
            assert_eq!(available(EndpointType::Interface), tier.interface_endpoints);
            assert_eq!(w.endpoint_services.len(), tier.services);
            assert_eq!(w.load_balancers.len(), tier.services);
            let targets: usize = w.target_groups.values().map(|g| g.targets.len()).sum();
            assert!(targets >= tier.services, "{targets} targets");
            let accounts: BTreeSet<_> = w.vpcs.values().map(|v| &v.scope.account).collect();
            assert_eq!(accounts.len(), tier.accounts);
        }
    }

    #[test]
    fn transit_worlds_attach_every_vpc() {
        use openvpc_core::tgw::AttachmentState;
        for tier in [S, M] {
            let s = generate(tier.with_transit(), 1);
            let w = &s.world;
            assert_eq!(w.transit_gateways.len(), tier.transit_gateways);
            assert_eq!(w.tgw_route_tables.len(), tier.tgw_route_tables);
            assert_eq!(w.tgw_attachments.len(), tier.vpcs);
            assert!(w
                .tgw_attachments
                .values()
                .all(|a| a.state == AttachmentState::Available));
            let blackholes = w
                .tgw_route_tables
                .values()
                .flat_map(|t| &t.routes)
                .filter(|r| r.target == openvpc_core::tgw::RouteTarget::Blackhole)
                .count();
            assert_eq!(blackholes, tier.tgw_route_tables - tier.transit_gateways);
            let to_tgw = w
                .route_tables
                .values()
                .flat_map(|t| &t.routes)
                .filter(|r| matches!(r.target, route::Target::TransitGateway(_)))
                .count();
            assert!(to_tgw >= tier.vpcs, "{to_tgw} routes to transit gateways");
            // The rest of the network is the same as without transit gateways.
            let plain = generate(tier, 1);
            assert_eq!(plain.layout.peerings.len(), s.layout.peerings.len());
            assert_eq!(plain.layout.public_ips, s.layout.public_ips);
        }
    }

    #[test]
    fn the_seed_decides_the_network() {
        let (a, b) = (generate(S, 5), generate(S, 5));
        assert_eq!(
            serde_json::to_string(&a.world.network_interfaces).unwrap(),
            serde_json::to_string(&b.world.network_interfaces).unwrap()
        );
        assert_ne!(
            serde_json::to_string(&a.world.route_tables).unwrap(),
            serde_json::to_string(&generate(S, 6).world.route_tables).unwrap()
        );
    }
}
