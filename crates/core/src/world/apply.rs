//! The one way state changes: [`World::apply`] (commands, with idempotency and ids restored
//! on error) and [`World::tick`] (timers), each handing the change to the area that owns it.

use crate::error::{ApiError, ErrorCode, Result};
use crate::world::{Ctx, Idempotent, Scope, TimerKind, World};
use crate::{
    dhcp, elb, endpoint, endpoint_service, eni, flowlog, gateway, insights, keypair, nacl, peering,
    prefix_list, ram, route, sg, subnet, tags, tgw, vpc, vpn, Command, Kind, Millis, Output,
};

impl World {
    /// Applies a command. On error the state is unchanged (ids included).
    pub fn apply(&mut self, ctx: &Ctx, cmd: Command) -> Result<Output> {
        let token = cmd.client_token().map(str::to_string);
        let fingerprint = token.as_ref().map(|_| cmd.fingerprint());
        if let (Some(token), Some(fp)) = (&token, &fingerprint) {
            if token.len() > 64 {
                return Err(ApiError::new(
                    ErrorCode::InvalidClientToken,
                    "The client token must be at most 64 ASCII characters.",
                ));
            }
            if let Some(seen) = self.idempotency.get(ctx.scope()).and_then(|m| m.get(token)) {
                if &seen.fingerprint == fp {
                    return Ok(seen.output.clone());
                }
                return Err(ApiError::new(
                    ErrorCode::IdempotentParameterMismatch,
                    format!(
                        "Client token '{token}' has already been used with different parameters."
                    ),
                ));
            }
        }
        let ids_before = self.ids.clone();
        let result = self.dispatch(ctx, cmd);
        match (&result, token, fingerprint) {
            (Err(_), _, _) => self.ids = ids_before,
            (Ok(output), Some(token), Some(fingerprint)) => {
                self.idempotency
                    .entry(ctx.scope().clone())
                    .or_default()
                    .insert(
                        token,
                        Idempotent {
                            fingerprint,
                            output: output.clone(),
                        },
                    );
            }
            _ => {}
        }
        result
    }

    fn dispatch(&mut self, ctx: &Ctx, cmd: Command) -> Result<Output> {
        match cmd {
            Command::InitScope => {
                vpc::init_scope(self, ctx)?;
                Ok(Output::Done)
            }
            Command::Vpc(c) => vpc::apply(self, ctx, c),
            Command::Subnet(c) => subnet::apply(self, ctx, c),
            Command::Route(c) => route::apply(self, ctx, c),
            Command::Gateway(c) => gateway::apply(self, ctx, c),
            Command::Dhcp(c) => dhcp::apply(self, ctx, c),
            Command::Nacl(c) => nacl::apply(self, ctx, c),
            Command::Sg(c) => sg::apply(self, ctx, c),
            Command::Eni(c) => eni::apply(self, ctx, c),
            Command::Peering(c) => peering::apply(self, ctx, c),
            Command::Tags(c) => tags::apply(self, ctx, c),
            Command::Elb(c) => elb::apply(self, ctx, c),
            Command::EndpointService(c) => endpoint_service::apply(self, ctx, c),
            Command::Endpoint(c) => endpoint::apply(self, ctx, c),
            Command::PrefixList(c) => prefix_list::apply(self, ctx, c),
            Command::Insights(c) => insights::apply(self, ctx, c),
            Command::Vpn(c) => vpn::apply(self, ctx, c),
            Command::KeyPair(c) => keypair::apply(self, ctx, c),
            Command::FlowLog(c) => flowlog::apply(self, ctx, c),
            Command::Tgw(c) => tgw::apply(self, ctx, c),
            Command::Ram(c) => ram::apply(self, ctx, c),
        }
    }

    /// Runs every timer due at or before `now`, in deadline order.
    pub fn tick(&mut self, now: Millis) {
        while self.timers.first().is_some_and(|t| t.due <= now) {
            let Some(timer) = self.timers.pop_first() else {
                break;
            };
            match timer.kind {
                TimerKind::Peering => peering::on_timer(self, &timer.id, timer.due),
                TimerKind::NatGateway => gateway::on_timer(self, &timer.id, timer.due),
                TimerKind::VpcEndpoint => endpoint::on_timer(self, &timer.id, timer.due),
                TimerKind::Instance => eni::on_timer(self, &timer.id, timer.due),
                TimerKind::Vpn => vpn::on_timer(self, &timer.id, timer.due),
                TimerKind::TransitGateway => tgw::on_timer(self, &timer.id, timer.due),
            }
        }
    }

    /// Succeeds when `id` names a resource the caller's view holds, else the resource's
    /// NotFound error (or `InvalidID` for an unknown id shape).
    pub fn check_visible(&self, scope: &Scope, id: &str) -> Result<()> {
        let invalid = || ApiError::new(ErrorCode::InvalidID, format!("The ID '{id}' is not valid"));
        let kind = Kind::of_id(id).ok_or_else(invalid)?;
        let found = match kind {
            Kind::Vpc => self.vpcs.get_in(scope, id).is_some(),
            Kind::Subnet => self.subnets.get_in(scope, id).is_some(),
            Kind::SubnetCidrReservation => {
                self.subnet_cidr_reservations.get_in(scope, id).is_some()
            }
            Kind::RouteTable => self.route_tables.get_in(scope, id).is_some(),
            Kind::InternetGateway => self.internet_gateways.get_in(scope, id).is_some(),
            Kind::EgressOnlyInternetGateway => {
                self.egress_only_gateways.get_in(scope, id).is_some()
            }
            Kind::NatGateway => self.nat_gateways.get_in(scope, id).is_some(),
            Kind::Address => self.addresses.get_in(scope, id).is_some(),
            Kind::DhcpOptions => self.dhcp_options.get_in(scope, id).is_some(),
            Kind::NetworkAcl => self.network_acls.get_in(scope, id).is_some(),
            Kind::SecurityGroup => self.security_groups.get_in(scope, id).is_some(),
            Kind::SecurityGroupRule => sg::rule_visible(self, scope, id),
            Kind::NetworkInterface => self.network_interfaces.get_in(scope, id).is_some(),
            Kind::Instance => self.instances.get_in(scope, id).is_some(),
            Kind::VpcPeeringConnection => self.peerings.visible(scope, id, Millis::MIN).is_some(),
            Kind::VpcEndpoint => self.vpc_endpoints.get_in(scope, id).is_some(),
            Kind::VpcEndpointService => self.endpoint_services.get_in(scope, id).is_some(),
            Kind::VpcEndpointServicePermission => {
                endpoint_service::permission_visible(self, scope, id)
            }
            Kind::PrefixList => self.prefix_lists.get_in(scope, id).is_some(),
            Kind::NetworkInsightsPath => self.insights_paths.get_in(scope, id).is_some(),
            Kind::NetworkInsightsAnalysis => self.insights_analyses.get_in(scope, id).is_some(),
            Kind::VpnGateway => self.vpn_gateways.get_in(scope, id).is_some(),
            Kind::CustomerGateway => self.customer_gateways.get_in(scope, id).is_some(),
            Kind::VpnConnection => self.vpn_connections.get_in(scope, id).is_some(),
            Kind::KeyPair => self.key_pairs.get_in(scope, id).is_some(),
            Kind::FlowLog => self.flow_logs.get_in(scope, id).is_some(),
            Kind::TransitGateway => self
                .transit_gateways
                .get(id)
                .is_some_and(|g| &g.scope == scope),
            Kind::TransitGatewayAttachment => {
                self.tgw_attachments
                    .get(id)
                    .is_some_and(|a| a.visible_to(scope))
                    || self
                        .tgw_peerings
                        .get(id)
                        .is_some_and(|p| p.visible_to(scope))
            }
            Kind::TransitGatewayRouteTable => self.tgw_route_tables.get_in(scope, id).is_some(),
            _ => return Err(invalid()),
        };
        if found {
            Ok(())
        } else {
            Err(kind.not_found(id))
        }
    }
}
