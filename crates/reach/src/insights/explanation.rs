//! Explanations (`Explanation`) from the engine's typed fields ([`Detail`]): each member
//! AWS defines, filled from the field that names it, looked up in the world for ARNs, the
//! ACL entry and the route.

use openvpc_core::insights::{Component, ExplanationData};
use openvpc_core::{Kind, Protocol};

use super::Cx;
use crate::explain::{Detail, Direction, Explanation};

impl Cx<'_> {
    fn id_comp(&self, id: &Option<std::sync::Arc<str>>) -> Option<Component> {
        id.as_deref().map(|id| self.comp(id))
    }

    pub(super) fn explanation(&self, e: &Explanation) -> ExplanationData {
        let d: &Detail = &e.detail;
        let id: &str = &e.component;
        let elb = |a: &Option<std::sync::Arc<str>>| a.as_deref().map(|a| self.elb_comp(a));
        let component = if id.starts_with("arn:") {
            self.elb_comp(id)
        } else {
            self.comp(id)
        };
        let mut x = ExplanationData {
            code: e.code.as_str().to_string(),
            component: Some(component),
            on_return_path: e.direction == Direction::Return,
            message: e.message(),
            vpc: self.id_comp(&d.vpc),
            subnet: self.id_comp(&d.subnet),
            source_vpc: self.id_comp(&d.source_vpc),
            destination_vpc: self.id_comp(&d.destination_vpc),
            network_interface: self.id_comp(&d.network_interface),
            security_groups: d.security_groups.iter().map(|g| self.comp(g)).collect(),
            security_group: self.id_comp(&d.security_group),
            acl: self.id_comp(&d.acl),
            egress: d.egress,
            route_table: self.id_comp(&d.route_table),
            vpc_peering_connection: self.id_comp(&d.peering),
            internet_gateway: self.id_comp(&d.internet_gateway),
            nat_gateway: self.id_comp(&d.nat_gateway),
            vpn_gateway: self.id_comp(&d.vpn_gateway),
            vpc_endpoint: self.id_comp(&d.vpc_endpoint),
            destination: d.destination.as_deref().map(|c| self.comp(c)),
            address: d.address,
            state: d.state.as_deref().map(str::to_string),
            missing_component: d
                .missing
                .as_deref()
                .filter(|m| openvpc_core::insights::owner_of(self.w, m).is_none())
                .map(str::to_string),
            availability_zone_ids: d.availability_zone.iter().map(|z| z.to_string()).collect(),
            availability_zones: d
                .availability_zone
                .iter()
                .filter_map(|z| self.zone_name(z))
                .collect(),
            load_balancer_arn: d.load_balancer.as_deref().map(str::to_string),
            elastic_load_balancer_listener: d.listener.as_ref().map(|l| self.elb_comp(&l.arn)),
            load_balancer_listener_port: d.listener.as_ref().and_then(|l| l.port),
            load_balancer_target_group: elb(&d.target_group),
            load_balancer_target_groups: elb(&d.target_group).into_iter().collect(),
            load_balancer_target: d.target.as_ref().map(|t| self.target(t)),
            load_balancer_target_port: d.target.as_ref().map(|t| t.port),
            ..ExplanationData::default()
        };
        if let (Some(acl), Some(rule)) = (&d.acl, d.acl_rule) {
            let v6 = d.header.is_some_and(|h| h.dst.is_ipv6());
            x.acl_rule = self.acl_entry(acl, rule.number, rule.egress, v6);
        }
        if let Some(r) = &d.route {
            x.route = self.route_data(&r.table, r.index);
        }
        if let Some(h) = &d.header {
            x.protocols = vec![Protocol::Number(h.protocol).name()];
            x.port = h.dst_port.filter(|_| h.has_ports());
        }
        // The component itself, when the detail does not name it in its own member (and it
        // exists).
        let present = d.missing.as_deref() != Some(id);
        match Kind::of_id(id).filter(|_| present) {
            Some(Kind::SecurityGroup) if x.security_group.is_none() => {
                x.security_group = Some(self.comp(id));
            }
            Some(Kind::NetworkAcl) if x.acl.is_none() => x.acl = Some(self.comp(id)),
            Some(Kind::RouteTable) if x.route_table.is_none() => {
                x.route_table = Some(self.comp(id));
            }
            Some(Kind::VpcPeeringConnection) if x.vpc_peering_connection.is_none() => {
                x.vpc_peering_connection = Some(self.comp(id));
            }
            Some(Kind::VpnGateway) if x.vpn_gateway.is_none() => {
                x.vpn_gateway = Some(self.comp(id));
            }
            _ => {}
        }
        x
    }
}
