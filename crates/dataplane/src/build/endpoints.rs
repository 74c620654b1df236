//! Gateway endpoints and the AWS service stand-ins. Each gateway endpoint is a namespace
//! (`ovpc-<owner>-svc-<vpce>`) joined to its VPC's router, holding the first address of
//! every CIDR of its service's prefix list on `lo`; routes whose target is the endpoint
//! lead there. The stand-in sees the interface's private address (as S3 sees it through a
//! gateway endpoint) and only answers what comes from its own VPC's interfaces (its
//! router admits replies to local interfaces only, so no peer reaches it: no edge to
//! edge). The same addresses also sit on the internet namespace, reached through an
//! internet gateway with a public source, as the public service would be.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use openvpc_core::endpoint::{EndpointType, State};

use crate::model::{Desired, Link, Obj, MAIN_TABLE};
use crate::names::{link, mac, Kind};

use super::fabric::{any4, any6, forwarding_sysctls, link_end};
use super::{Ctx, LL_A, LL_B};

/// The stand-in addresses of AWS service `service` (`s3`, `dynamodb`) in `region`.
pub fn standin_addresses(region: &str, service: &str) -> Vec<Ipv4Addr> {
    openvpc_core::prefix_list::aws_managed_cidrs(region, service)
        .into_iter()
        .filter_map(|n| match n {
            ipnet::IpNet::V4(n) => Some(Ipv4Addr::from(u32::from(n.network()) + 1)),
            ipnet::IpNet::V6(_) => None,
        })
        .collect()
}

/// Gateway endpoint id → its link in the router (for routes to it).
pub fn links(c: &Ctx) -> BTreeMap<String, String> {
    c.w.vpc_endpoints
        .values()
        .filter(|e| e.endpoint_type == EndpointType::Gateway && e.state == State::Available)
        .map(|e| (e.id.clone(), link('g', &e.id)))
        .collect()
}

/// The namespaces of available gateway endpoints of AWS services.
pub fn render(c: &Ctx, d: &mut Desired) {
    for e in c.w.vpc_endpoints.values() {
        let Some(g) = c.gateway_links.get(&e.id) else {
            continue;
        };
        let Some(v) = c.f.vpcs.iter().position(|x| x.id == e.vpc_id) else {
            continue;
        };
        let Some(service) = e.aws_short_name() else {
            continue;
        };
        let ns = c.names.namespace(Kind::Service, &e.id);
        let router = &c.routers[v];
        let p = d.ns(&ns, Kind::Service, c.names.marker(Kind::Service, &e.id));
        p.sysctls = forwarding_sysctls();
        for a in standin_addresses(&e.service_region, service) {
            p.add(Obj::host("lo", a.into()));
        }
        for r in [any4(), any6()] {
            p.add(Obj::via(MAIN_TABLE, r, LL_A, "eth0"));
        }
        let (r_mac, s_mac) = (mac(&format!("{g}/r")), mac(&format!("{g}/s")));
        link_end(d, router, g, LL_A, LL_B, &s_mac);
        link_end(d, &ns, "eth0", LL_B, LL_A, &r_mac);
        d.link(Link {
            a_ns: router.clone(),
            a_name: g.clone(),
            a_mac: r_mac,
            b_ns: ns.clone(),
            b_name: "eth0".into(),
            b_mac: s_mac,
        });
        d.standins.insert(ns.clone(), service.to_string());
        d.count("gateway_endpoints");
    }
}
