//! Network ACL actions: ACLs, entries, subnet associations.

use openvpc_core::nacl::{self, Cmd, EntryCidr, EntrySpec, NetworkAcl};
use openvpc_core::{tags, ApiError, Command, Kind, Result, Scope, World};

use super::describe::{Query, EC2};
use super::{created_id, returned_true, Call, Handler};
use crate::params::View;
use crate::xml::Xml;

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("CreateNetworkAcl", create),
    ("DeleteNetworkAcl", delete),
    ("DescribeNetworkAcls", describe),
    ("CreateNetworkAclEntry", create_entry),
    ("ReplaceNetworkAclEntry", replace_entry),
    ("DeleteNetworkAclEntry", delete_entry),
    ("ReplaceNetworkAclAssociation", replace_association),
];

fn acl_id(p: &View) -> Result<String> {
    let id = p.req("NetworkAclId")?;
    Kind::NetworkAcl.check(&id)?;
    Ok(id)
}

fn create(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let vpc_id = p.req("VpcId")?;
    Kind::Vpc.check(&vpc_id)?;
    let client_token = p.str("ClientToken");
    let cmd = Cmd::Create {
        vpc_id,
        tags: p.tag_specs()?,
    };
    let id = created_id(cx.mutate(Command::Nacl(cmd))?)?;
    let w = cx.world();
    let scope = cx.ctx().scope();
    let mut x = Xml::new();
    x.node("networkAcl", |x| {
        render(x, w, scope, w.network_acls.get(&id).expect("created"))
    });
    x.opt("clientToken", client_token);
    Ok(x)
}

fn delete(cx: &mut Call) -> Result<Xml> {
    let acl_id = acl_id(&cx.p())?;
    cx.mutate(Command::Nacl(Cmd::Delete { acl_id }))?;
    Ok(returned_true())
}

fn describe(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(
        &cx.p(),
        "NetworkAclId",
        |id| Kind::NetworkAcl.check(id),
        EC2,
    )?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = nacl::describe(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |a| a.id.clone(),
        "networkAclSet",
        |x, a| render(x, w, scope, a),
    ))
}

/// Renders one ACL's members.
pub fn render(x: &mut Xml, w: &World, scope: &Scope, a: &NetworkAcl) {
    x.list("associationSet", &a.associations, |x, s| {
        x.leaf("networkAclAssociationId", &s.id)
            .leaf("networkAclId", &a.id)
            .leaf("subnetId", &s.subnet_id);
    })
    .list("entrySet", nacl::sorted_entries(a), |x, e| {
        match &e.cidr {
            EntryCidr::V4(n) => {
                x.leaf("cidrBlock", n);
            }
            EntryCidr::V6(n) => {
                x.leaf("ipv6CidrBlock", n);
            }
        }
        x.leaf("egress", e.egress);
        if let Some((t, c)) = e.icmp {
            x.node("icmpTypeCode", |x| {
                x.leaf("code", c).leaf("type", t);
            });
        }
        if let Some((from, to)) = e.port_range {
            x.node("portRange", |x| {
                x.leaf("from", from).leaf("to", to);
            });
        }
        x.leaf("protocol", e.protocol.number_text())
            .leaf("ruleAction", e.action.as_str())
            .leaf("ruleNumber", e.rule_number);
    })
    .leaf("default", a.is_default)
    .leaf("networkAclId", &a.id)
    .tag_set(tags::of(w, scope, &a.id))
    .leaf("vpcId", &a.vpc_id)
    .leaf("ownerId", &a.scope.account);
}

fn required_int(p: &View, name: &str) -> Result<i64> {
    p.int(name)?.ok_or_else(|| ApiError::missing(name))
}

fn required_bool(p: &View, name: &str) -> Result<bool> {
    p.bool(name)?.ok_or_else(|| ApiError::missing(name))
}

fn entry_spec(p: &View) -> Result<EntrySpec> {
    let icmp = p.nested("Icmp");
    let ports = p.nested("PortRange");
    Ok(EntrySpec {
        acl_id: acl_id(p)?,
        rule_number: required_int(p, "RuleNumber")?,
        protocol: p.req("Protocol")?,
        action: p.req("RuleAction")?,
        egress: required_bool(p, "Egress")?,
        cidr_block: p.str("CidrBlock").filter(|s| !s.is_empty()),
        ipv6_cidr_block: p.str("Ipv6CidrBlock").filter(|s| !s.is_empty()),
        icmp_type: icmp.int("Type")?,
        icmp_code: icmp.int("Code")?,
        port_from: ports.int("From")?,
        port_to: ports.int("To")?,
    })
}

fn create_entry(cx: &mut Call) -> Result<Xml> {
    let spec = entry_spec(&cx.p())?;
    cx.mutate(Command::Nacl(Cmd::CreateEntry(spec)))?;
    Ok(returned_true())
}

fn replace_entry(cx: &mut Call) -> Result<Xml> {
    let spec = entry_spec(&cx.p())?;
    cx.mutate(Command::Nacl(Cmd::ReplaceEntry(spec)))?;
    Ok(returned_true())
}

fn delete_entry(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let cmd = Cmd::DeleteEntry {
        acl_id: acl_id(&p)?,
        rule_number: required_int(&p, "RuleNumber")?,
        egress: required_bool(&p, "Egress")?,
    };
    cx.mutate(Command::Nacl(cmd))?;
    Ok(returned_true())
}

fn replace_association(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let association_id = p.req("AssociationId")?;
    let acl_id = acl_id(&p)?;
    let id = created_id(cx.mutate(Command::Nacl(Cmd::ReplaceAssociation {
        association_id,
        acl_id,
    }))?)?;
    let mut x = Xml::new();
    x.leaf("newAssociationId", id);
    Ok(x)
}
