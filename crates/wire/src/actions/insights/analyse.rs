//! Decodes a path into the flow the engine decides (`flow_of`) and runs the analysis; the
//! conversion of the verdict into Network Insights' typed result lives next to the engine
//! (`openvpc_reach::insights`), so this only decodes.

use std::net::IpAddr;

use openvpc_core::insights::{AnalysisResult, Path};
use openvpc_core::{Kind, Scope, World};
use openvpc_reach::{Endpoint, Flow, View};

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

fn is_igw(id: Option<&str>) -> bool {
    id.is_some_and(|id| Kind::InternetGateway.names(id))
}

/// The flow a path asks about. `DestinationIp` (or a filter's destination address) wins
/// over the destination resource; the destination port falls back to the filters' port
/// ranges' lower ends; `SourceIp` is not used (the engine sends from the source's own
/// primary address of the destination's family), except from an internet gateway.
///
/// An internet gateway as source is an internet host (`SourceIp` when public, else
/// [`INTERNET_HOST`]) sending to the destination's public address; as destination, the
/// flow goes to `DestinationIp` when public, else to [`INTERNET_HOST`].
pub fn flow_of(w: &World, p: &Path) -> Flow {
    let filters = [&p.filter_at_source, &p.filter_at_destination];
    let address = p.destination_ip.or_else(|| {
        filters
            .iter()
            .find_map(|f| f.as_ref().and_then(|f| f.destination_address))
    });
    let from_igw = is_igw(Some(&p.source));
    let destination = match (address, &p.destination) {
        (a, Some(d)) if is_igw(Some(d)) => {
            Endpoint::Ip(a.filter(|a| is_public(*a)).unwrap_or(INTERNET_HOST))
        }
        (Some(a), _) => Endpoint::Ip(a),
        (None, Some(d)) if Kind::Instance.names(d) => Endpoint::Instance(d.clone()),
        (None, Some(d)) if from_igw && Kind::VpcEndpoint.names(d) => Endpoint::Vpce(d.clone()),
        (None, Some(d)) if Kind::VpcEndpoint.names(d) => {
            Endpoint::Eni(endpoint_interface(w, d, &p.source))
        }
        (None, Some(d)) => Endpoint::Eni(d.clone()),
        (None, None) => Endpoint::Eni(String::new()),
    };
    let source = if from_igw {
        let host = p
            .source_ip
            .filter(|a| is_public(*a))
            .unwrap_or(INTERNET_HOST);
        host.to_string()
    } else {
        p.source.clone()
    };
    let port = p.destination_port.or_else(|| {
        filters
            .iter()
            .find_map(|f| f.as_ref().and_then(|f| f.destination_ports?.from))
    });
    let source_port = filters
        .iter()
        .find_map(|f| f.as_ref().and_then(|f| f.source_ports?.from));
    Flow {
        source,
        destination,
        protocol: p.protocol,
        port,
        source_port,
    }
}

/// The interface of endpoint `vpce` that `source` reaches: the one in the source's zone,
/// else the first (the endpoint's id when it has none: the engine then reports it missing).
fn endpoint_interface(w: &World, vpce: &str, source: &str) -> String {
    let Some(e) = w.vpc_endpoints.get(vpce) else {
        return vpce.to_string();
    };
    let eni = match w.instances.get(source) {
        Some(i) => i.network_interface_id.as_str(),
        None => source,
    };
    let zone = w
        .network_interfaces
        .get(eni)
        .map(|n| n.availability_zone.as_str());
    e.interfaces
        .iter()
        .find(|i| Some(i.availability_zone.as_str()) == zone)
        .or(e.interfaces.first())
        .map_or_else(|| vpce.to_string(), |i| i.network_interface_id.clone())
}

/// Decides path `p` over the current world (on `view`, the server's compiled view of it,
/// or a view compiled now) and converts the verdict (`openvpc_reach::insights::analyse`).
pub fn analyse(w: &World, view: Option<&View>, scope: &Scope, p: &Path) -> AnalysisResult {
    openvpc_reach::insights::analyse(w, view, scope, p, &flow_of(w, p))
}

#[cfg(test)]
mod tests {
    use super::*;
    use openvpc_core::config::Config;
    use openvpc_reach::Protocol;

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
        let f = flow_of(&w, &path("igw-1", "i-1", None, None));
        assert_eq!(
            (f.source.as_str(), f.destination),
            ("198.51.100.10", Endpoint::Instance("i-1".into()))
        );
        let f = flow_of(&w, &path("igw-1", "i-1", Some("203.0.113.7"), None));
        assert_eq!(f.source, "203.0.113.7");
        let f = flow_of(&w, &path("igw-1", "i-1", Some("10.0.0.7"), None));
        assert_eq!(f.source, "198.51.100.10");
        let f = flow_of(&w, &path("i-1", "igw-1", None, Some("10.0.0.7")));
        assert_eq!(
            (f.source.as_str(), f.destination),
            ("i-1", Endpoint::Ip(INTERNET_HOST))
        );
        let f = flow_of(&w, &path("i-1", "igw-1", None, Some("8.8.8.8")));
        assert_eq!(f.destination, Endpoint::Ip("8.8.8.8".parse().unwrap()));
        let f = flow_of(&w, &path("vpce-1", "i-1", None, None));
        assert_eq!(f.source, "vpce-1");
    }
}
