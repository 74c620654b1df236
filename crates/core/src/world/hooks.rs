//! Cross-area rules: what a change in one area does to the others.
//!
//! Areas import only the areas below them (see ARCHITECTURE.md); when a change must reach an
//! area above (a deleted interface drops its Elastic IP association, a new VPC gets its main
//! route table), the area calls one of these hooks on the world. So "what happens when X is
//! created or deleted, and what may stop it" is answered here, in one file.

use std::net::Ipv4Addr;

use ipnet::{IpNet, Ipv4Net};

use crate::error::{ApiError, Result};
use crate::vpc::Vpc;
use crate::world::{Ctx, Scope, World};
use crate::{
    cidr, dhcp, endpoint, endpoint_service, flowlog, gateway, nacl, peering, route, sg, subnet,
    tags,
};

// ---------------------------------------------------------------------------------------
// VPCs (§6 for the defaults, §1.6 for CIDR blocks while peered)

impl World {
    /// The scope's default DHCP option set, made on first use.
    pub(crate) fn default_dhcp_options(&mut self, scope: &Scope) -> String {
        dhcp::default_for(self, scope)
    }

    /// A new VPC gets its main route table (with its local routes), its default security
    /// group and its default network ACL, in that order.
    pub(crate) fn on_vpc_created(&mut self, scope: &Scope, vpc_id: &str) {
        let rtb = route::create_table(self, scope, vpc_id, true);
        let sg = sg::create_default(self, scope, vpc_id);
        let acl = nacl::create_default(self, scope, vpc_id);
        let vpc = self.vpcs.get_mut(vpc_id).expect("created");
        vpc.main_route_table_id = rtb;
        vpc.default_security_group_id = sg;
        vpc.default_network_acl_id = acl;
    }

    /// The default VPC also gets an attached internet gateway, a 0/0 route to it in its
    /// main table and a default /20 subnet in each zone.
    pub(crate) fn on_default_vpc_created(&mut self, ctx: &Ctx, vpc_id: &str, block: Ipv4Net) {
        let igw = gateway::create_attached_igw(self, ctx.scope(), vpc_id);
        let rtb = self
            .vpcs
            .get(vpc_id)
            .expect("created")
            .main_route_table_id
            .clone();
        route::add_igw_default_route(self, &rtb, &igw);
        let zones = self.config.zones(ctx.account(), ctx.region());
        for (i, zone) in zones.iter().enumerate() {
            let subnet = cidr::nth_v4(&block, (i as u32) << 12);
            let subnet = Ipv4Net::new(subnet, 20).expect("valid /20");
            subnet::insert_default_subnet(self, ctx, vpc_id, subnet, zone);
        }
    }

    /// A VPC can be deleted only once everything but its defaults is gone, no other account's
    /// peering request to it awaits acceptance, and no endpoint lives in it.
    pub(crate) fn check_vpc_deletable(&self, vpc: &Vpc) -> Result<()> {
        let (scope, vpc_id) = (&vpc.scope, vpc.id.as_str());
        let in_vpc_subnet = self.subnets.in_scope(scope).any(|s| s.vpc_id == vpc_id);
        let extra_sg = self
            .security_groups
            .in_scope(scope)
            .any(|g| g.vpc_id == vpc_id && g.id != vpc.default_security_group_id);
        let extra_rtb = self
            .route_tables
            .in_scope(scope)
            .any(|t| t.vpc_id == vpc_id && t.id != vpc.main_route_table_id);
        let extra_acl = self
            .network_acls
            .in_scope(scope)
            .any(|a| a.vpc_id == vpc_id && a.id != vpc.default_network_acl_id);
        let igw = self
            .internet_gateways
            .in_scope(scope)
            .any(|g| g.attachment.as_deref() == Some(vpc_id));
        let eigw = self
            .egress_only_gateways
            .in_scope(scope)
            .any(|g| g.vpc_id == vpc_id);
        let eni = self
            .network_interfaces
            .in_scope(scope)
            .any(|e| e.vpc_id == vpc_id);
        let vgw = self
            .vpn_gateways
            .in_scope(scope)
            .any(|g| g.attached_vpc() == Some(vpc_id));
        if in_vpc_subnet || extra_sg || extra_rtb || extra_acl || igw || eigw || eni || vgw {
            return Err(ApiError::dependency(format!(
                "The vpc '{vpc_id}' has dependencies and cannot be deleted."
            )));
        }
        peering::check_vpc_deletable(self, vpc_id)?;
        endpoint::check_vpc_deletable(self, vpc_id)
    }

    /// A deleted VPC marks its live peering connections `deleted` (by its owner) and takes
    /// its flow logs, main route table, default security group and default ACL along.
    pub(crate) fn on_vpc_deleted(&mut self, ctx: &Ctx, vpc: &Vpc) {
        flowlog::on_resource_deleted(self, &vpc.id);
        peering::on_vpc_deleted(self, ctx.account(), &vpc.id, ctx.now);
        route::delete_table_unchecked(self, &vpc.main_route_table_id);
        self.security_groups.remove(&vpc.default_security_group_id);
        tags::forget(self, &vpc.default_security_group_id);
        self.network_acls.remove(&vpc.default_network_acl_id);
        tags::forget(self, &vpc.default_network_acl_id);
    }

    /// Whether a new block may join a VPC: an IPv4 block must not contain a route's
    /// destination; peering rules apply to both families (`None` is an Amazon IPv6 block).
    pub(crate) fn check_vpc_block(&self, vpc_id: &str, block: Option<&Ipv4Net>) -> Result<()> {
        if let Some(block) = block {
            route::check_vpc_block_against_routes(self, vpc_id, block)?;
        }
        peering::check_cidr_association(self, vpc_id, block)
    }

    /// A new block gets its local route; an IPv4 block may end pending peerings that now
    /// overlap, an IPv6 block adds the IPv6 entries of the VPC's default ACLs.
    pub(crate) fn on_vpc_block_added(&mut self, ctx: &Ctx, vpc_id: &str, block: IpNet) {
        match block {
            IpNet::V4(block) => {
                route::add_local_route_v4(self, vpc_id, block);
                peering::on_cidr_added(self, vpc_id, &block, ctx.now);
            }
            IpNet::V6(block) => {
                route::add_local_route_v6(self, vpc_id, block);
                nacl::on_ipv6_added(self, vpc_id);
            }
        }
    }

    /// A removed block takes its local route along.
    pub(crate) fn on_vpc_block_removed(&mut self, vpc_id: &str, block: IpNet) {
        match block {
            IpNet::V4(block) => route::remove_local_route_v4(self, vpc_id, block),
            IpNet::V6(block) => route::remove_local_route_v6(self, vpc_id, block),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Subnets, route tables

impl World {
    /// A deleted subnet leaves its route table and network ACL associations and takes its
    /// flow logs along.
    pub(crate) fn on_subnet_deleted(&mut self, subnet_id: &str) {
        flowlog::on_resource_deleted(self, subnet_id);
        route::on_subnet_deleted(self, subnet_id);
        nacl::on_subnet_deleted(self, subnet_id);
    }

    /// A deleted route table leaves the gateway endpoints it was associated with.
    pub(crate) fn on_route_table_deleted(&mut self, rtb_id: &str) {
        endpoint::on_route_table_deleted(self, rtb_id);
    }
}

// ---------------------------------------------------------------------------------------
// Network interfaces (the eni lifecycle)

impl World {
    /// A destroyed interface's Elastic IP associations end (the addresses stay allocated) and
    /// its flow logs go.
    pub(crate) fn on_interface_deleted(&mut self, eni_id: &str) {
        flowlog::on_resource_deleted(self, eni_id);
        gateway::drop_associations(self, eni_id, None);
    }

    /// A private address leaving an interface ends the Elastic IP association on it.
    pub(crate) fn on_private_ip_removed(&mut self, eni_id: &str, ip: Ipv4Addr) {
        gateway::drop_associations(self, eni_id, Some(ip));
    }
}

// ---------------------------------------------------------------------------------------
// What PrivateLink holds on to (§2.6, §3.6)

impl World {
    /// Whether a live interface endpoint uses the security group (it cannot be deleted).
    pub(crate) fn security_group_used_by_endpoint(&self, group_id: &str) -> bool {
        endpoint::uses_security_group(self, group_id)
    }

    /// The endpoint service a load balancer serves, if any (it cannot be deleted).
    pub(crate) fn service_of_load_balancer(&self, arn: &str) -> Option<String> {
        endpoint_service::service_of_load_balancer(self, arn).map(|s| s.id.clone())
    }

    /// The provider accepts a connection: the consumer's endpoint goes `pending` (§2.3).
    pub(crate) fn accept_endpoint_connection(
        &mut self,
        ctx: &Ctx,
        service_id: &str,
        endpoint_id: &str,
    ) -> Result<()> {
        endpoint::accept(self, ctx, service_id, endpoint_id)
    }

    /// The provider rejects a connection: the consumer's endpoint goes `rejected` (§2.3).
    pub(crate) fn reject_endpoint_connection(
        &mut self,
        ctx: &Ctx,
        service_id: &str,
        endpoint_id: &str,
    ) -> Result<()> {
        endpoint::reject(self, ctx, service_id, endpoint_id)
    }
}

// ---------------------------------------------------------------------------------------
// VPN connections to transit gateways (the tgw area's VPN attachments)

impl World {
    /// The transit gateway a new VPN connection names, checked; answers its Amazon side ASN.
    pub(crate) fn transit_gateway_for_vpn(&self, ctx: &Ctx, tgw_id: &str) -> Result<u64> {
        crate::tgw::vpn_attachments::gateway_for_connection(self, ctx, tgw_id)
    }

    /// A VPN connection to transit gateway `tgw_id` was made: its VPN attachment starts.
    pub(crate) fn on_vpn_connection_created(&mut self, ctx: &Ctx, tgw_id: &str, vpn_id: &str) {
        crate::tgw::vpn_attachments::attach(self, ctx, tgw_id, vpn_id);
    }

    /// A VPN connection was deleted: its VPN attachment, if any, goes `deleting`.
    pub(crate) fn on_vpn_connection_deleted(&mut self, ctx: &Ctx, vpn_id: &str) {
        crate::tgw::vpn_attachments::detach(self, ctx, vpn_id);
    }
}
