//! The flows a benchmark decides: a seeded mix over a synthetic network's layout.

use std::net::{IpAddr, Ipv4Addr};

use openvpc_core::prefix_list::aws_managed_cidrs;
use openvpc_reach::{Endpoint, Flow, Protocol};

use crate::synth::{Layout, Rng, LISTENER_PORT, REGION};

/// What a flow of the mix exercises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FlowKind {
    /// Between two interfaces of one VPC.
    InVpc,
    /// To an interface of a peered VPC.
    Peered,
    /// To an interface of a random VPC (mostly not connected).
    AnyVpc,
    /// To an internet address.
    ToInternet,
    /// From an internet host to an interface's public address.
    FromInternet,
    /// To an S3 or DynamoDB address (gateway endpoint, or the internet without one).
    AwsService,
    /// TCP 443 to an interface endpoint of an endpoint service (PrivateLink).
    PrivateLink,
    /// To an interface of another VPC on the same transit gateway (`--tgw` worlds).
    Transit,
}

impl FlowKind {
    pub const ALL: [FlowKind; 8] = [
        FlowKind::InVpc,
        FlowKind::Peered,
        FlowKind::AnyVpc,
        FlowKind::ToInternet,
        FlowKind::FromInternet,
        FlowKind::AwsService,
        FlowKind::PrivateLink,
        FlowKind::Transit,
    ];

    pub fn name(self) -> &'static str {
        match self {
            FlowKind::InVpc => "in-vpc",
            FlowKind::Peered => "peered",
            FlowKind::AnyVpc => "any-vpc",
            FlowKind::ToInternet => "to-internet",
            FlowKind::FromInternet => "from-internet",
            FlowKind::AwsService => "s3-dynamodb",
            FlowKind::PrivateLink => "privatelink",
            FlowKind::Transit => "transit",
        }
    }
}

/// Peered VPC indexes of each VPC.
pub fn peers(l: &Layout) -> Vec<Vec<usize>> {
    let mut p = vec![Vec::new(); l.vpcs.len()];
    for (a, b, _) in &l.peerings {
        p[*a].push(*b);
        p[*b].push(*a);
    }
    p
}

fn random_eni(r: &mut Rng, l: &Layout, v: usize) -> String {
    let subnets = &l.vpcs[v].subnets;
    let (_, enis) = &subnets[r.below(subnets.len())];
    enis[r.below(enis.len())].clone()
}

/// The first host of each of the Region's S3 and DynamoDB prefix-list blocks.
fn aws_service_hosts() -> Vec<IpAddr> {
    ["s3", "dynamodb"]
        .iter()
        .flat_map(|s| aws_managed_cidrs(REGION, s))
        .filter_map(|n| n.hosts().next())
        .collect()
}

/// `n` flows of the mix, with their kinds: 34 % within a VPC, 25 % to a peered VPC, 8 % to
/// a random VPC, 8 % to the internet, 10 % from the internet to a public address, 8 % to
/// S3 or DynamoDB, 7 % to an interface endpoint of a service (from its consumer's VPC);
/// TCP 443/8080/5432/22/80 and UDP 53 (TCP 443 to S3, DynamoDB and services). With
/// transit gateways, 40 % of the flows within a VPC or to a peer go instead to another
/// VPC on the source VPC's gateway, three in four of them in the source's segment.
pub fn flows(l: &Layout, seed: u64, n: usize) -> Vec<(FlowKind, Flow)> {
    let mut r = Rng(seed);
    let peers = peers(l);
    let web = ["93.184.216.34", "142.250.72.14", "52.94.236.248"];
    let aws = aws_service_hosts();
    let consumers: Vec<(usize, &str)> = l
        .services
        .iter()
        .flat_map(|s| s.endpoints.iter().map(|(c, id, _)| (*c, id.as_str())))
        .collect();
    (0..n)
        .map(|_| {
            let v = r.below(l.vpcs.len());
            let (protocol, port) = match r.below(6) {
                0 => (Protocol::UDP, 53),
                k => (Protocol::TCP, [443, 8080, 5432, 22, 80][k - 1]),
            };
            let mut kind = match r.below(100) {
                0..=33 => FlowKind::InVpc,
                34..=58 => FlowKind::Peered,
                59..=66 => FlowKind::AnyVpc,
                67..=74 => FlowKind::ToInternet,
                75..=84 => FlowKind::FromInternet,
                85..=92 => FlowKind::AwsService,
                _ => FlowKind::PrivateLink,
            };
            let unavailable = match kind {
                FlowKind::Peered => peers[v].is_empty(),
                FlowKind::FromInternet => l.public_ips.is_empty(),
                FlowKind::PrivateLink => consumers.is_empty(),
                FlowKind::AwsService => aws.is_empty(),
                _ => false,
            };
            if unavailable {
                kind = FlowKind::InVpc;
            }
            // The draw is made only in worlds with transit gateways: the mix of the others
            // stays as it was.
            let on_gateway = l.vpcs[v].attachment.as_ref().map(|(g, _)| &l.transit[*g]);
            if let Some(t) = on_gateway {
                if matches!(kind, FlowKind::InVpc | FlowKind::Peered) && r.chance(40) {
                    kind = FlowKind::Transit;
                }
                if kind == FlowKind::Transit {
                    let src = random_eni(&mut r, l, v);
                    // Mostly to a VPC of the same segment (one in four to any VPC).
                    let k = t.attachments.iter().position(|(x, _)| *x == v).unwrap_or(0);
                    let home = t.home(k);
                    let mut o = t.attachments[r.below(t.attachments.len())].0;
                    if r.chance(75) {
                        let same: Vec<usize> = (0..t.attachments.len())
                            .filter(|&j| t.home(j) == home)
                            .collect();
                        o = t.attachments[same[r.below(same.len())]].0;
                    }
                    let dst = Endpoint::Eni(random_eni(&mut r, l, o));
                    return (kind, Flow::new(&src, dst, protocol, Some(port)));
                }
            }
            let f = match kind {
                FlowKind::InVpc => Flow::new(
                    &random_eni(&mut r, l, v),
                    Endpoint::Eni(random_eni(&mut r, l, v)),
                    protocol,
                    Some(port),
                ),
                FlowKind::Peered => {
                    let p = peers[v][r.below(peers[v].len())];
                    let src = random_eni(&mut r, l, v);
                    Flow::new(
                        &src,
                        Endpoint::Eni(random_eni(&mut r, l, p)),
                        protocol,
                        Some(port),
                    )
                }
                FlowKind::AnyVpc => {
                    let o = r.below(l.vpcs.len());
                    let src = random_eni(&mut r, l, v);
                    Flow::new(
                        &src,
                        Endpoint::Eni(random_eni(&mut r, l, o)),
                        protocol,
                        Some(port),
                    )
                }
                FlowKind::ToInternet => {
                    let dst: IpAddr = web[r.below(web.len())].parse().expect("ip");
                    Flow::new(
                        &random_eni(&mut r, l, v),
                        Endpoint::Ip(dst),
                        protocol,
                        Some(port),
                    )
                }
                FlowKind::FromInternet => {
                    let dst = IpAddr::V4(l.public_ips[r.below(l.public_ips.len())]);
                    let src = Ipv4Addr::new(198, 18, r.below(256) as u8, 9);
                    Flow::new(&src.to_string(), Endpoint::Ip(dst), protocol, Some(port))
                }
                FlowKind::AwsService => {
                    let dst = aws[r.below(aws.len())];
                    let src = random_eni(&mut r, l, v);
                    Flow::new(&src, Endpoint::Ip(dst), Protocol::TCP, Some(LISTENER_PORT))
                }
                FlowKind::PrivateLink => {
                    let (c, vpce) = consumers[r.below(consumers.len())];
                    let src = random_eni(&mut r, l, c);
                    let dst = Endpoint::Vpce(vpce.to_string());
                    Flow::new(&src, dst, Protocol::TCP, Some(LISTENER_PORT))
                }
                FlowKind::Transit => unreachable!("made above"),
            };
            (kind, f)
        })
        .collect()
}
