//! Security groups and network ACLs.

use ipnet::{Ipv4Net, Ipv6Net};
use openvpc_core::nacl::{AclAssociation, Entry, EntryCidr, NetworkAcl, RuleAction};
use openvpc_core::sg::{Peer, Rule, SecurityGroup};
use openvpc_core::{Kind, Scope, World};

use super::owner;
use crate::json::{cidr as parse_cidr, Obj, Res};

fn sg_rules(w: &mut World, o: &Obj, list: &str, account: &str) -> Res<Vec<Rule>> {
    let mut rules = Vec::new();
    for (path, p) in o.list(list)? {
        let p = Obj {
            value: p,
            path: &path,
        };
        let protocol = p.protocol("IpProtocol")?;
        let from_port = p.opt_int("FromPort")?.map(|v| v as i32);
        let to_port = p.opt_int("ToPort")?.map(|v| v as i32);
        let mut peers = Vec::new();
        for (path, r) in p.list("IpRanges")? {
            let r = Obj {
                value: r,
                path: &path,
            };
            let raw = r.str("CidrIp")?;
            peers.push((
                Peer::V4(parse_cidr::<Ipv4Net>(&r, "CidrIp", &raw)?.trunc()),
                r.opt_str("Description")?,
            ));
        }
        for (path, r) in p.list("Ipv6Ranges")? {
            let r = Obj {
                value: r,
                path: &path,
            };
            let raw = r.str("CidrIpv6")?;
            peers.push((
                Peer::V6(parse_cidr::<Ipv6Net>(&r, "CidrIpv6", &raw)?.trunc()),
                r.opt_str("Description")?,
            ));
        }
        for (path, r) in p.list("PrefixListIds")? {
            let r = Obj {
                value: r,
                path: &path,
            };
            peers.push((
                Peer::PrefixList(r.str("PrefixListId")?),
                r.opt_str("Description")?,
            ));
        }
        for (path, r) in p.list("UserIdGroupPairs")? {
            let r = Obj {
                value: r,
                path: &path,
            };
            peers.push((
                Peer::Group {
                    group_id: r.str("GroupId")?,
                    user_id: r.opt_str("UserId")?.unwrap_or_else(|| account.to_string()),
                    vpc_id: r.opt_str("VpcId")?,
                    vpc_peering_connection_id: r.opt_str("VpcPeeringConnectionId")?,
                },
                r.opt_str("Description")?,
            ));
        }
        for (peer, description) in peers {
            rules.push(Rule {
                rule_id: w.ids.id(Kind::SecurityGroupRule),
                protocol,
                from_port,
                to_port,
                peer,
                description,
            });
        }
    }
    Ok(rules)
}

pub(super) fn security_group(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
    let owner = owner(scope, &o)?;
    let ingress = sg_rules(w, &o, "IpPermissions", &owner.account)?;
    let egress = sg_rules(w, &o, "IpPermissionsEgress", &owner.account)?;
    w.security_groups.insert(SecurityGroup {
        id: o.str("GroupId")?,
        scope: owner,
        vpc_id: o.str("VpcId")?,
        name: o.opt_str("GroupName")?.unwrap_or_default(),
        description: o.opt_str("Description")?.unwrap_or_default(),
        ingress,
        egress,
    });
    Ok(())
}

pub(super) fn nacl(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
    let mut entries = Vec::new();
    for (path, e) in o.list("Entries")? {
        let e = Obj {
            value: e,
            path: &path,
        };
        let cidr = match (e.opt_str("CidrBlock")?, e.opt_str("Ipv6CidrBlock")?) {
            (Some(raw), _) => EntryCidr::V4(parse_cidr::<Ipv4Net>(&e, "CidrBlock", &raw)?.trunc()),
            (None, Some(raw)) => {
                EntryCidr::V6(parse_cidr::<Ipv6Net>(&e, "Ipv6CidrBlock", &raw)?.trunc())
            }
            (None, None) => {
                return Err(format!("field `{path}`: needs CidrBlock or Ipv6CidrBlock"))
            }
        };
        let action = match e.str("RuleAction")?.as_str() {
            "allow" => RuleAction::Allow,
            "deny" => RuleAction::Deny,
            other => {
                return Err(format!(
                    "field `{path}.RuleAction`: `{other}` is not allow or deny"
                ))
            }
        };
        let icmp = match e.child("IcmpTypeCode") {
            Some(v) => {
                let t = Obj {
                    value: &v,
                    path: &path,
                };
                Some((
                    t.opt_int("Type")?.unwrap_or(-1) as i32,
                    t.opt_int("Code")?.unwrap_or(-1) as i32,
                ))
            }
            None => None,
        };
        let port_range = match e.child("PortRange") {
            Some(v) => {
                let r = Obj {
                    value: &v,
                    path: &path,
                };
                Some((
                    r.opt_int("From")?.unwrap_or(0) as u16,
                    r.opt_int("To")?.unwrap_or(65535) as u16,
                ))
            }
            None => None,
        };
        entries.push(Entry {
            rule_number: e.opt_int("RuleNumber")?.unwrap_or(32767) as u32,
            egress: e.opt_bool("Egress")?.unwrap_or(false),
            protocol: e.protocol("Protocol")?,
            action,
            cidr,
            icmp,
            port_range,
        });
    }
    let mut associations = Vec::new();
    for (path, a) in o.list("Associations")? {
        let a = Obj {
            value: a,
            path: &path,
        };
        associations.push(AclAssociation {
            id: a.opt_str("NetworkAclAssociationId")?.unwrap_or_default(),
            subnet_id: a.str("SubnetId")?,
        });
    }
    w.network_acls.insert(NetworkAcl {
        id: o.str("NetworkAclId")?,
        scope: owner(scope, &o)?,
        vpc_id: o.str("VpcId")?,
        is_default: o.opt_bool("IsDefault")?.unwrap_or(false),
        entries,
        associations,
    });
    Ok(())
}
