//! What a stored path asks ([`query_of`]): its ends, addresses and refusals.

use super::*;
use crate::explain::Code;
use crate::{Endpoint, Protocol};
use openvpc_core::config::Config;

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
        (r.code, &*r.component),
        (Code::IgwExpectsPublicAddress, "igw-1")
    );
    let r = q(path("i-1", "igw-1", None, Some("10.0.0.7"))).unwrap_err();
    assert_eq!(r.code, Code::IgwExpectsPublicAddress);
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
