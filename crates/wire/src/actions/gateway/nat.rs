//! NAT gateways: create, delete, describe.

use openvpc_core::gateway::{self, Cmd, NatGateway, NatState};
use openvpc_core::{ApiError, Command, Kind, Result, Scope, World};

use super::{allocation_id, tag_set_of, unsupported};
use crate::actions::describe::{Query, EC2};
use crate::actions::{created_id, Call};
use crate::time::iso8601;
use crate::xml::Xml;

pub(super) fn create_nat_gateway(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    match p.str("AvailabilityMode").as_deref() {
        None | Some("zonal") => {}
        Some("regional") => return Err(unsupported("A regional NAT gateway")),
        Some(other) => {
            return Err(ApiError::invalid_value(format!(
                "Value ({other}) for parameter AvailabilityMode is invalid."
            )))
        }
    }
    p.ignore("AvailabilityZoneAddress");
    if p.has("AvailabilityZoneAddress") || p.str("VpcId").is_some() {
        return Err(ApiError::invalid_combination(
            "VpcId and AvailabilityZoneAddress apply to regional NAT gateways only; specify SubnetId.",
        ));
    }
    p.ignore("SecondaryAllocationId");
    p.ignore("SecondaryPrivateIpAddress");
    p.ignore("SecondaryPrivateIpAddressCount");
    if p.has("SecondaryAllocationId")
        || p.has("SecondaryPrivateIpAddress")
        || p.has("SecondaryPrivateIpAddressCount")
    {
        return Err(unsupported("Secondary NAT gateway addresses"));
    }
    let subnet_id = p.req("SubnetId")?;
    Kind::Subnet.check(&subnet_id)?;
    let public = match p.str("ConnectivityType").as_deref() {
        None | Some("public") => true,
        Some("private") => false,
        Some(other) => {
            return Err(ApiError::invalid_value(format!(
                "Value ({other}) for parameter ConnectivityType is invalid. Valid values: private, public."
            )))
        }
    };
    let client_token = p.str("ClientToken");
    let cmd = Cmd::CreateNatGateway {
        subnet_id,
        public,
        allocation_id: allocation_id(&p)?,
        private_ip: p.ipv4("PrivateIpAddress")?,
        client_token: client_token.clone(),
        tags: p.tag_specs()?,
    };
    let id = created_id(cx.mutate(Command::Gateway(cmd))?)?;
    let w = cx.world();
    let scope = cx.ctx().scope();
    let nat = w
        .nat_gateways
        .get(&id)
        .ok_or_else(|| Kind::NatGateway.not_found(&id))?;
    let mut x = Xml::new();
    x.opt("clientToken", client_token);
    x.node("natGateway", |x| render_nat(x, w, scope, nat));
    Ok(x)
}

pub(super) fn delete_nat_gateway(cx: &mut Call) -> Result<Xml> {
    let nat_gateway_id = cx.p().req("NatGatewayId")?;
    Kind::NatGateway.check(&nat_gateway_id)?;
    let id = created_id(cx.mutate(Command::Gateway(Cmd::DeleteNatGateway { nat_gateway_id }))?)?;
    let mut x = Xml::new();
    x.leaf("natGatewayId", id);
    Ok(x)
}

pub(super) fn describe_nat_gateways(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(
        &cx.p(),
        "NatGatewayId",
        |id| Kind::NatGateway.check(id),
        EC2,
    )?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = gateway::describe_nats(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |n| n.id.clone(),
        "natGatewaySet",
        |x, n| render_nat(x, w, scope, n),
    ))
}

/// Renders one NAT gateway's members.
pub fn render_nat(x: &mut Xml, w: &World, scope: &Scope, n: &NatGateway) {
    x.leaf("createTime", iso8601(n.created));
    x.opt("deleteTime", n.deleted.map(iso8601));
    let failure = n.failure.as_ref().filter(|_| n.state == NatState::Failed);
    if let Some((code, message)) = failure {
        x.leaf("failureCode", code).leaf("failureMessage", message);
    }
    let has_address = n.network_interface_id.is_some() || n.allocation_id.is_some();
    x.list("natGatewayAddressSet", has_address.then_some(n), |x, n| {
        x.opt("allocationId", n.allocation_id.as_ref())
            .opt("networkInterfaceId", n.network_interface_id.as_ref())
            .opt("privateIp", n.private_ip)
            .opt(
                "publicIp",
                n.public_ip.filter(|_| n.association_id.is_some()),
            )
            .opt("associationId", n.association_id.as_ref())
            .leaf("isPrimary", true)
            .leaf("status", gateway::nat_address_status(n));
        if let Some((_, message)) = failure {
            x.leaf("failureMessage", message);
        }
    });
    x.leaf("natGatewayId", &n.id)
        .leaf("state", n.state.as_str())
        .leaf("subnetId", &n.subnet_id)
        .leaf("vpcId", &n.vpc_id);
    tag_set_of(x, w, scope, &n.id);
    x.leaf(
        "connectivityType",
        if n.public { "public" } else { "private" },
    )
    .leaf("availabilityMode", "zonal");
}
