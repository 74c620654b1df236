//! Builders for route resources: tables and the route commands' parameters.

use super::Kit;
use crate::route::{Cmd, RouteParams, RouteTable};

impl Kit {
    /// A new (non-main) route table of `vpc_id`.
    pub fn route_table(&mut self, vpc_id: &str) -> String {
        self.id(create_table(vpc_id))
    }

    /// The route table `id`, which must exist.
    pub fn table(&self, id: &str) -> &RouteTable {
        self.w.route_tables.get(id).expect("route table exists")
    }
}

/// CreateRouteTable for `vpc_id`, without tags or token.
pub fn create_table(vpc_id: &str) -> Cmd {
    Cmd::CreateTable {
        vpc_id: vpc_id.into(),
        tags: vec![],
        client_token: None,
    }
}

/// An IPv4 destination, no target yet.
pub fn v4(dest: &str) -> RouteParams {
    RouteParams {
        destination_cidr_block: Some(dest.into()),
        ..Default::default()
    }
}

/// An IPv6 destination, no target yet.
pub fn v6(dest: &str) -> RouteParams {
    RouteParams {
        destination_ipv6_cidr_block: Some(dest.into()),
        ..Default::default()
    }
}

/// `p` through `GatewayId=id`.
pub fn gw(p: RouteParams, id: &str) -> RouteParams {
    RouteParams {
        gateway_id: Some(id.into()),
        ..p
    }
}

/// CreateRoute in `rtb`.
pub fn create_route(rtb: &str, route: RouteParams) -> Cmd {
    Cmd::CreateRoute {
        route_table_id: rtb.into(),
        route,
    }
}

/// ReplaceRoute in `rtb`.
pub fn replace_route(rtb: &str, route: RouteParams) -> Cmd {
    Cmd::ReplaceRoute {
        route_table_id: rtb.into(),
        route,
    }
}

/// DeleteRoute in `rtb` (only the destination of `route` counts).
pub fn delete_route(rtb: &str, route: RouteParams) -> Cmd {
    Cmd::DeleteRoute {
        route_table_id: rtb.into(),
        route,
    }
}

/// AssociateRouteTable of `rtb` with a subnet or a gateway.
pub fn associate(rtb: &str, subnet: Option<&str>, gateway: Option<&str>) -> Cmd {
    Cmd::Associate {
        route_table_id: rtb.into(),
        subnet_id: subnet.map(str::to_string),
        gateway_id: gateway.map(str::to_string),
    }
}
