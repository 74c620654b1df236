//! Load balancers: create, describe, delete, and their security groups.

use openvpc_core::elb::{self, Cmd, CreateLoadBalancer, LoadBalancer, SubnetMapping};
use openvpc_core::Result;

use super::{member_list, member_structs, members, page, tags, Cx};
use crate::actions::created_id;
use crate::time::iso8601;
use crate::xml::{escape, Xml};

fn render_load_balancer(x: &mut Xml, lb: &LoadBalancer, state: &str) {
    x.leaf("LoadBalancerArn", &lb.arn)
        .leaf("DNSName", &lb.dns_name)
        .leaf("CanonicalHostedZoneId", &lb.canonical_hosted_zone_id)
        .leaf("CreatedTime", iso8601(lb.created))
        .leaf("LoadBalancerName", &lb.name)
        .leaf("Scheme", &lb.scheme)
        .leaf("VpcId", &lb.vpc_id)
        .node("State", |x| {
            x.leaf("Code", state);
        })
        .leaf("Type", lb.lb_type.as_str());
    let internal = lb.scheme == "internal";
    member_list(x, "AvailabilityZones", &lb.subnets, |x, s| {
        x.leaf("ZoneName", &s.availability_zone)
            .leaf("SubnetId", &s.subnet_id);
        // Internal load balancers show their node addresses; internet-facing ones, like
        // AWS's without Elastic IPs, show none.
        member_list(
            x,
            "LoadBalancerAddresses",
            internal.then_some(s.private_ip),
            |x, ip| {
                x.leaf("PrivateIPv4Address", ip);
            },
        );
    });
    if !lb.security_groups.is_empty() {
        member_list(x, "SecurityGroups", &lb.security_groups, |x, g| {
            x.raw(&escape(g));
        });
        x.leaf(
            "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic",
            lb.enforce_inbound_on_privatelink_value(),
        );
    }
    x.leaf("IpAddressType", &lb.ip_address_type);
}

pub(super) fn create_load_balancer(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let subnet_mappings = member_structs(&p, "SubnetMappings")?
        .into_iter()
        .map(|m| {
            Ok(SubnetMapping {
                subnet_id: m.req("SubnetId")?,
                private_ipv4_address: m.str("PrivateIPv4Address"),
            })
        })
        .collect::<Result<_>>()?;
    let cmd = CreateLoadBalancer {
        name: p.req("Name")?,
        lb_type: p.str("Type"),
        scheme: p.str("Scheme"),
        subnets: members(&p, "Subnets")?,
        subnet_mappings,
        security_groups: members(&p, "SecurityGroups")?,
        ip_address_type: p.str("IpAddressType"),
        tags: tags(&p)?,
    };
    let arn = created_id(cx.mutate(Cmd::CreateLoadBalancer(cmd))?)?;
    let now = cx.ctx().now;
    let lb = cx
        .world()
        .load_balancers
        .get(&arn)
        .ok_or_else(|| elb::load_balancer_not_found(&arn))?;
    // A new load balancer answers `provisioning`; describes show `active` once ready.
    let state = if lb.created == now {
        "provisioning"
    } else {
        lb.state(now)
    };
    let mut x = Xml::new();
    member_list(&mut x, "LoadBalancers", [lb], |x, lb| {
        render_load_balancer(x, lb, state)
    });
    Ok(x)
}

pub(super) fn describe_load_balancers(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let arns = members(&p, "LoadBalancerArns")?;
    let names = members(&p, "Names")?;
    let page = page(&p)?;
    cx.read()?;
    let now = cx.ctx().now;
    let found = elb::describe_load_balancers(cx.world(), cx.ctx(), &arns, &names)?;
    let (found, next) = page.take(found, |l| l.arn.clone());
    let mut x = Xml::new();
    member_list(&mut x, "LoadBalancers", found, |x, lb| {
        render_load_balancer(x, lb, lb.state(now))
    });
    x.opt("NextMarker", next);
    Ok(x)
}

pub(super) fn delete_load_balancer(cx: &mut Cx) -> Result<Xml> {
    let arn = cx.p().req("LoadBalancerArn")?;
    cx.mutate(Cmd::DeleteLoadBalancer { arn })?;
    Ok(Xml::new())
}

pub(super) fn set_security_groups(cx: &mut Cx) -> Result<Xml> {
    let p = cx.p();
    let arn = p.req("LoadBalancerArn")?;
    let security_groups = members(&p, "SecurityGroups")?;
    let enforce = p.str("EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic");
    cx.mutate(Cmd::SetSecurityGroups {
        arn: arn.clone(),
        security_groups,
        enforce_inbound_on_privatelink: enforce,
    })?;
    let lb = elb::get_load_balancer(cx.world(), cx.ctx().scope(), &arn)?;
    let mut x = Xml::new();
    member_list(&mut x, "SecurityGroupIds", &lb.security_groups, |x, g| {
        x.raw(&escape(g));
    });
    x.leaf(
        "EnforceSecurityGroupInboundRulesOnPrivateLinkTraffic",
        lb.enforce_inbound_on_privatelink_value(),
    );
    Ok(x)
}
