//! Decodes a path into what the engine decides ([`super::ends::query_of`]: the flow, its
//! options, the search) and runs the analysis; the conversion of the verdict into Network
//! Insights' typed result lives next to the engine (`openvpc_reach::insights`), so this only
//! decodes.

use std::net::IpAddr;

use openvpc_core::insights::{AnalysisResult, Path};
use openvpc_core::{Scope, World};
use openvpc_reach::{insights, View};

use super::ends::query_of;

/// The internet host of a path from or to an internet gateway when the path names no public
/// address of its own: public (the engine takes no RFC 1918 address as an internet host),
/// outside openvpc's public pool (which starts at 18.0.0.1), so no interface ever holds it.
pub const INTERNET_HOST: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 10));

/// Whether `a` can be an address on the internet (not private, loopback, link-local,
/// unspecified, broadcast or multicast; for IPv6 not unique-local either).
pub fn is_public(a: IpAddr) -> bool {
    match a {
        IpAddr::V4(a) => {
            !(a.is_private()
                || a.is_loopback()
                || a.is_link_local()
                || a.is_unspecified()
                || a.is_broadcast()
                || a.is_multicast())
        }
        IpAddr::V6(a) => {
            let s = a.segments()[0];
            !(a.is_loopback()
                || a.is_unspecified()
                || a.is_multicast()
                || s & 0xffc0 == 0xfe80
                || s & 0xfe00 == 0xfc00)
        }
    }
}

/// Decides path `p` over the current world (on `view`, the server's compiled view of it,
/// or a view compiled now) and converts the verdict (`openvpc_reach::insights::analyse`).
/// `filter_in` and `filter_out` are the analysis' `FilterInArns` and `FilterOutArns`.
pub fn analyse(
    w: &World,
    view: Option<&View>,
    scope: &Scope,
    p: &Path,
    filter_in: &[String],
    filter_out: &[String],
) -> AnalysisResult {
    let mut q = match query_of(w, p) {
        Ok(q) => q,
        Err(r) => return insights::refused(w, scope, r.code, &r.component, r.message),
    };
    q.search.through = filter_in.iter().map(|a| component_of_arn(a)).collect();
    q.search.avoid = filter_out.iter().map(|a| component_of_arn(a)).collect();
    insights::analyse(w, view, scope, p, &q)
}

/// The component id an ARN of `FilterInArns`/`FilterOutArns` names: an EC2 resource's id;
/// a load balancer (and any other) by its whole ARN, as the engine names it.
fn component_of_arn(arn: &str) -> String {
    match arn.split(':').nth(2) {
        Some("ec2") => arn.rsplit('/').next().unwrap_or(arn).to_string(),
        _ => arn.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use openvpc_core::config::Config;
    use openvpc_reach::{Endpoint, Protocol};

    #[test]
    fn internet_gateway_flows_use_a_public_internet_host() {
        for (a, public) in [
            ("198.51.100.10", true),
            ("8.8.8.8", true),
            ("10.0.0.1", false),
            ("172.16.0.1", false),
            ("169.254.0.1", false),
            ("127.0.0.1", false),
            ("2600:1f18::1", true),
            ("fd00::1", false),
            ("fe80::1", false),
        ] {
            assert_eq!(is_public(a.parse().unwrap()), public, "{a}");
        }
        let w = World::new(Config::default(), 1);
        let path = |s: &str, d: &str, sip: Option<&str>, dip: Option<&str>| Path {
            id: "nip-0".into(),
            scope: Scope::new("111111111111", "us-east-1"),
            source: s.into(),
            source_arn: String::new(),
            destination: Some(d.into()),
            destination_arn: None,
            source_ip: sip.map(|a| a.parse().unwrap()),
            destination_ip: dip.map(|a| a.parse().unwrap()),
            protocol: Protocol::TCP,
            destination_port: Some(443),
            filter_at_source: None,
            filter_at_destination: None,
            created: 0,
        };
        let q = |p: Path| query_of(&w, &p);
        let f = q(path("igw-1", "i-1", None, None)).unwrap().flow;
        assert_eq!(
            (f.source.as_str(), f.destination),
            ("198.51.100.10", Endpoint::Instance("i-1".into()))
        );
        let f = q(path("igw-1", "i-1", Some("203.0.113.7"), None))
            .unwrap()
            .flow;
        assert_eq!(f.source, "203.0.113.7");
        // A private address at the internet gateway's end: AWS's IGW_EXPECTS_PUBLIC_ADDRESS.
        let r = q(path("igw-1", "i-1", Some("10.0.0.7"), None)).unwrap_err();
        assert_eq!(
            (r.code, r.component.as_str()),
            ("IGW_EXPECTS_PUBLIC_ADDRESS", "igw-1")
        );
        let r = q(path("i-1", "igw-1", None, Some("10.0.0.7"))).unwrap_err();
        assert_eq!(r.code, "IGW_EXPECTS_PUBLIC_ADDRESS");
        let f = q(path("i-1", "igw-1", None, None)).unwrap().flow;
        assert_eq!(f.destination, Endpoint::Ip(INTERNET_HOST));
        let f = q(path("i-1", "igw-1", None, Some("8.8.8.8"))).unwrap().flow;
        assert_eq!(f.destination, Endpoint::Ip("8.8.8.8".parse().unwrap()));
        let f = q(path("vpce-1", "i-1", None, None)).unwrap().flow;
        assert_eq!(f.source, "vpce-1");
        // SourceIp and DestinationIp of interface ends go to the engine as options.
        let o = q(path("i-1", "i-2", Some("10.0.0.7"), Some("10.0.1.9"))).unwrap();
        assert_eq!(o.flow.destination, Endpoint::Instance("i-2".into()));
        assert_eq!(o.opts.source_ip, Some("10.0.0.7".parse().unwrap()));
        assert_eq!(o.opts.destination_ip, Some("10.0.1.9".parse().unwrap()));
    }
}
