//! Security group actions: groups, rules (ingress/egress), peered references, stale rules.

use openvpc_core::sg::{
    self, Cmd, GroupRef, Peer, PeerSpec, Permission, Rule, RuleDescription, RuleUpdate, RuleView,
    SecurityGroup,
};
use openvpc_core::{tags, ApiError, Command, ErrorCode, Kind, Protocol, Result, Scope, World};

use super::describe::{Bounds, Query, EC2};
use super::{check_ids, created_id, created_ids, Call, Handler};
use crate::params::View;
use crate::xml::Xml;

/// Actions of this module.
pub const ACTIONS: &[(&str, Handler)] = &[
    ("CreateSecurityGroup", create),
    ("DeleteSecurityGroup", delete),
    ("AuthorizeSecurityGroupIngress", authorize_ingress),
    ("AuthorizeSecurityGroupEgress", authorize_egress),
    ("RevokeSecurityGroupIngress", revoke_ingress),
    ("RevokeSecurityGroupEgress", revoke_egress),
    ("DescribeSecurityGroups", describe),
    ("DescribeSecurityGroupRules", describe_rules),
    ("ModifySecurityGroupRules", modify_rules),
    (
        "UpdateSecurityGroupRuleDescriptionsIngress",
        update_descriptions_ingress,
    ),
    (
        "UpdateSecurityGroupRuleDescriptionsEgress",
        update_descriptions_egress,
    ),
    ("DescribeStaleSecurityGroups", describe_stale),
    ("DescribeSecurityGroupReferences", describe_references),
];

fn create(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let name = p.req("GroupName")?;
    let description = p.req("GroupDescription")?;
    let vpc_id = p.str("VpcId").filter(|v| !v.is_empty());
    if let Some(v) = &vpc_id {
        Kind::Vpc.check(v)?;
    }
    let cmd = Cmd::Create {
        name,
        description,
        vpc_id,
        tags: p.tag_specs()?,
    };
    let id = created_id(cx.mutate(Command::Sg(cmd))?)?;
    let w = cx.world();
    let scope = cx.ctx().scope();
    let g = w.security_groups.get(&id).expect("created");
    let mut x = Xml::new();
    x.leaf("groupId", &id);
    let t = tags::of(w, scope, &id);
    if !t.is_empty() {
        x.tag_set(t);
    }
    x.leaf("securityGroupArn", g.arn());
    Ok(x)
}

/// `GroupId` or `GroupName` (`GroupName` only where the action has it).
fn group_ref(p: &View, with_name: bool) -> Result<GroupRef> {
    if let Some(id) = p.str("GroupId").filter(|s| !s.is_empty()) {
        Kind::SecurityGroup.check(&id)?;
        if with_name {
            p.str("GroupName");
        }
        return Ok(GroupRef::Id(id));
    }
    if with_name {
        if let Some(name) = p.str("GroupName").filter(|s| !s.is_empty()) {
            return Ok(GroupRef::Name(name));
        }
        return Err(ApiError::new(
            ErrorCode::MissingParameter,
            "The request must contain the parameter groupName or groupId",
        ));
    }
    Err(ApiError::missing("GroupId"))
}

fn delete(cx: &mut Call) -> Result<Xml> {
    let group = group_ref(&cx.p(), true)?;
    let id = created_id(cx.mutate(Command::Sg(Cmd::Delete { group }))?)?;
    let mut x = Xml::new();
    x.leaf("return", "true").leaf("groupId", id);
    Ok(x)
}

fn description(v: &View) -> Option<String> {
    v.str("Description")
}

/// `IpPermissions.N.*` as requested permissions.
fn ip_permissions(p: &View) -> Result<Vec<Permission>> {
    let mut out = Vec::new();
    for perm in p.structs("IpPermissions") {
        let mut peers = Vec::new();
        for g in perm.structs("Groups") {
            let group_id = g.str("GroupId").filter(|s| !s.is_empty());
            if let Some(id) = &group_id {
                Kind::SecurityGroup.check(id)?;
            }
            if let Some(vpc) = g.str("VpcId").filter(|s| !s.is_empty()) {
                Kind::Vpc.check(&vpc)?;
            }
            if let Some(pcx) = g.str("VpcPeeringConnectionId").filter(|s| !s.is_empty()) {
                Kind::VpcPeeringConnection.check(&pcx)?;
            }
            g.ignore("PeeringStatus");
            peers.push(PeerSpec::Group {
                group_id,
                group_name: g.str("GroupName").filter(|s| !s.is_empty()),
                user_id: g.str("UserId").filter(|s| !s.is_empty()),
                description: description(&g),
            });
        }
        for r in perm.structs("IpRanges") {
            peers.push(PeerSpec::Cidr {
                cidr: r.req("CidrIp")?,
                description: description(&r),
            });
        }
        for r in perm.structs("Ipv6Ranges") {
            peers.push(PeerSpec::Cidr6 {
                cidr: r.req("CidrIpv6")?,
                description: description(&r),
            });
        }
        for r in perm.structs("PrefixListIds") {
            let id = r.req("PrefixListId")?;
            Kind::PrefixList.check(&id)?;
            peers.push(PeerSpec::PrefixList {
                id,
                description: description(&r),
            });
        }
        out.push(Permission {
            protocol: perm.str("IpProtocol"),
            from_port: perm.int("FromPort")?,
            to_port: perm.int("ToPort")?,
            peers,
        });
    }
    Ok(out)
}

/// The legacy flat parameters (`CidrIp`, `IpProtocol`, `FromPort`, `ToPort`,
/// `SourceSecurityGroupName`, `SourceSecurityGroupOwnerId`) as permissions.
fn legacy_permissions(p: &View) -> Result<Vec<Permission>> {
    let cidr = p.str("CidrIp").filter(|s| !s.is_empty());
    let protocol = p.str("IpProtocol").filter(|s| !s.is_empty());
    let from_port = p.int("FromPort")?;
    let to_port = p.int("ToPort")?;
    let source = p.str("SourceSecurityGroupName").filter(|s| !s.is_empty());
    let owner = p
        .str("SourceSecurityGroupOwnerId")
        .filter(|s| !s.is_empty());
    if cidr.is_none()
        && protocol.is_none()
        && from_port.is_none()
        && to_port.is_none()
        && source.is_none()
        && owner.is_none()
    {
        return Ok(Vec::new());
    }
    if let Some(name) = source {
        let peer = PeerSpec::Group {
            group_id: None,
            group_name: Some(name),
            user_id: owner,
            description: None,
        };
        if protocol.is_none() {
            // A source group alone grants full TCP, UDP and ICMP access.
            return Ok(vec![
                Permission {
                    protocol: Some("tcp".into()),
                    from_port: Some(0),
                    to_port: Some(65535),
                    peers: vec![peer.clone()],
                },
                Permission {
                    protocol: Some("udp".into()),
                    from_port: Some(0),
                    to_port: Some(65535),
                    peers: vec![peer.clone()],
                },
                Permission {
                    protocol: Some("icmp".into()),
                    from_port: Some(-1),
                    to_port: Some(-1),
                    peers: vec![peer],
                },
            ]);
        }
        let mut peers = vec![peer];
        if let Some(c) = cidr {
            peers.push(PeerSpec::Cidr {
                cidr: c,
                description: None,
            });
        }
        return Ok(vec![Permission {
            protocol,
            from_port,
            to_port,
            peers,
        }]);
    }
    Ok(vec![Permission {
        protocol,
        from_port,
        to_port,
        peers: cidr
            .map(|c| PeerSpec::Cidr {
                cidr: c,
                description: None,
            })
            .into_iter()
            .collect(),
    }])
}

fn permissions(p: &View) -> Result<Vec<Permission>> {
    let structured = ip_permissions(p)?;
    let legacy = legacy_permissions(p)?;
    if !structured.is_empty() && !legacy.is_empty() {
        return Err(ApiError::invalid_combination(
            "The parameter IpPermissions cannot be used together with CidrIp, IpProtocol, FromPort, ToPort, SourceSecurityGroupName or SourceSecurityGroupOwnerId.",
        ));
    }
    Ok(if structured.is_empty() {
        legacy
    } else {
        structured
    })
}

fn authorize_ingress(cx: &mut Call) -> Result<Xml> {
    authorize(cx, false)
}

fn authorize_egress(cx: &mut Call) -> Result<Xml> {
    authorize(cx, true)
}

fn authorize(cx: &mut Call, egress: bool) -> Result<Xml> {
    let p = cx.p();
    let group = group_ref(&p, !egress)?;
    let cmd = Cmd::Authorize {
        group,
        egress,
        permissions: permissions(&p)?,
        tags: p.tag_specs()?,
    };
    let ids = created_ids(cx.mutate(Command::Sg(cmd))?)?;
    let w = cx.world();
    let scope = cx.ctx().scope();
    let views: Vec<RuleView> = ids
        .iter()
        .filter_map(|id| {
            w.security_groups.in_scope(scope).find_map(|g| {
                g.rule(id).map(|(rule, egress)| RuleView {
                    group: g,
                    rule,
                    egress,
                })
            })
        })
        .collect();
    let mut x = Xml::new();
    x.leaf("return", "true")
        .list("securityGroupRuleSet", views, |x, v| {
            render_rule(x, w, scope, &v)
        });
    Ok(x)
}

fn revoke_ingress(cx: &mut Call) -> Result<Xml> {
    revoke(cx, false)
}

fn revoke_egress(cx: &mut Call) -> Result<Xml> {
    revoke(cx, true)
}

fn revoke(cx: &mut Call, egress: bool) -> Result<Xml> {
    let p = cx.p();
    let group = group_ref(&p, !egress)?;
    let permissions = permissions(&p)?;
    let rule_ids = p.list("SecurityGroupRuleId");
    check_ids(&rule_ids, Kind::SecurityGroupRule)?;
    let scope = cx.ctx().scope();
    let before: Option<SecurityGroup> = match &group {
        GroupRef::Id(id) => cx.world().security_groups.get_in(scope, id).cloned(),
        GroupRef::Name(name) => sg::by_name_in_default_vpc(cx.world(), scope, name)
            .ok()
            .cloned(),
    };
    let unknown = sg::unknown_permissions(cx.world(), cx.ctx(), &group, egress, &permissions);
    let out = cx.mutate(Command::Sg(Cmd::Revoke {
        group,
        egress,
        permissions,
        rule_ids,
    }))?;
    let removed = created_ids(out)?;
    let w = cx.world();
    let mut x = Xml::new();
    x.leaf("return", "true");
    if !unknown.is_empty() {
        if let Some(g) = &before {
            let refs: Vec<&Rule> = unknown.iter().collect();
            render_permissions(&mut x, "unknownIpPermissionSet", w, g, &refs);
        }
    }
    if let Some(g) = &before {
        let revoked: Vec<&Rule> = g
            .rules(egress)
            .iter()
            .filter(|r| removed.contains(&r.rule_id))
            .collect();
        x.list("revokedSecurityGroupRuleSet", revoked, |x, r| {
            x.leaf("securityGroupRuleId", &r.rule_id)
                .leaf("groupId", &g.id)
                .leaf("isEgress", egress)
                .leaf("ipProtocol", r.protocol.name())
                .leaf("fromPort", r.from_port.unwrap_or(-1))
                .leaf("toPort", r.to_port.unwrap_or(-1));
            match &r.peer {
                Peer::V4(n) => {
                    x.leaf("cidrIpv4", n);
                }
                Peer::V6(n) => {
                    x.leaf("cidrIpv6", n);
                }
                Peer::PrefixList(id) => {
                    x.leaf("prefixListId", id);
                }
                Peer::Group { group_id, .. } => {
                    x.leaf("referencedGroupId", group_id);
                }
            }
            x.opt("description", r.description.as_deref());
        });
    }
    Ok(x)
}

fn describe(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(&cx.p(), "GroupId", |id| Kind::SecurityGroup.check(id), EC2)?;
    let names = cx.p().list("GroupName");
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let groups = sg::describe(w, cx.ctx(), &q.ids, &names, &q.filters)?;
    Ok(q.answer(
        groups,
        |g| g.id.clone(),
        "securityGroupInfo",
        |x, g| render(x, w, scope, g),
    ))
}

/// Renders one group's members.
pub fn render(x: &mut Xml, w: &World, scope: &Scope, g: &SecurityGroup) {
    x.leaf("ownerId", &g.scope.account)
        .leaf("groupId", &g.id)
        .leaf("groupName", &g.name)
        .leaf("groupDescription", &g.description);
    let ingress: Vec<&Rule> = g.ingress.iter().collect();
    let egress: Vec<&Rule> = g.egress.iter().collect();
    render_permissions(x, "ipPermissions", w, g, &ingress);
    render_permissions(x, "ipPermissionsEgress", w, g, &egress);
    x.leaf("vpcId", &g.vpc_id)
        .leaf("securityGroupArn", g.arn())
        .tag_set(tags::of(w, scope, &g.id));
}

/// Rules grouped as AWS shows them: one `IpPermission` per (protocol, from, to), in order
/// of first appearance, with the peers split into the four lists.
fn render_permissions(x: &mut Xml, tag: &str, w: &World, g: &SecurityGroup, rules: &[&Rule]) {
    let mut keys: Vec<(Protocol, Option<i32>, Option<i32>)> = Vec::new();
    for r in rules {
        let k = (r.protocol, r.from_port, r.to_port);
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    x.list(tag, keys, |x, (protocol, from, to)| {
        let same: Vec<&&Rule> = rules
            .iter()
            .filter(|r| r.protocol == protocol && r.from_port == from && r.to_port == to)
            .collect();
        x.leaf("ipProtocol", protocol.name())
            .opt("fromPort", from)
            .opt("toPort", to);
        x.list(
            "groups",
            same.iter().filter(|r| matches!(r.peer, Peer::Group { .. })),
            |x, r| render_pair(x, w, g, r),
        );
        x.list(
            "ipRanges",
            same.iter().filter_map(|r| match &r.peer {
                Peer::V4(n) => Some((n, &r.description)),
                _ => None,
            }),
            |x, (n, d)| {
                x.leaf("cidrIp", n).opt("description", d.as_deref());
            },
        );
        x.list(
            "ipv6Ranges",
            same.iter().filter_map(|r| match &r.peer {
                Peer::V6(n) => Some((n, &r.description)),
                _ => None,
            }),
            |x, (n, d)| {
                x.leaf("cidrIpv6", n).opt("description", d.as_deref());
            },
        );
        x.list(
            "prefixListIds",
            same.iter().filter_map(|r| match &r.peer {
                Peer::PrefixList(id) => Some((id, &r.description)),
                _ => None,
            }),
            |x, (id, d)| {
                x.leaf("prefixListId", id).opt("description", d.as_deref());
            },
        );
    });
}

/// One `UserIdGroupPair`.
fn render_pair(x: &mut Xml, w: &World, g: &SecurityGroup, r: &Rule) {
    let Some(info) = sg::reference_info(w, g, &r.peer) else {
        return;
    };
    x.opt("description", r.description.as_deref())
        .leaf("userId", &info.user_id)
        .leaf("groupId", &info.group_id)
        .opt("vpcId", info.vpc_id.as_deref())
        .opt(
            "vpcPeeringConnectionId",
            info.vpc_peering_connection_id.as_deref(),
        )
        .opt("peeringStatus", info.peering_status.as_deref());
}

/// One `SecurityGroupRule`.
fn render_rule(x: &mut Xml, w: &World, scope: &Scope, v: &RuleView) {
    let r = v.rule;
    x.leaf("securityGroupRuleId", &r.rule_id)
        .leaf("groupId", &v.group.id)
        .leaf("groupOwnerId", &v.group.scope.account)
        .leaf("isEgress", v.egress)
        .leaf("ipProtocol", r.protocol.name())
        .leaf("fromPort", r.from_port.unwrap_or(-1))
        .leaf("toPort", r.to_port.unwrap_or(-1));
    match &r.peer {
        Peer::V4(n) => {
            x.leaf("cidrIpv4", n);
        }
        Peer::V6(n) => {
            x.leaf("cidrIpv6", n);
        }
        Peer::PrefixList(id) => {
            x.leaf("prefixListId", id);
        }
        Peer::Group { .. } => {
            if let Some(info) = sg::reference_info(w, v.group, &r.peer) {
                x.node("referencedGroupInfo", |x| {
                    x.leaf("groupId", &info.group_id)
                        .opt("peeringStatus", info.peering_status.as_deref())
                        .leaf("userId", &info.user_id)
                        .opt("vpcId", info.vpc_id.as_deref())
                        .opt(
                            "vpcPeeringConnectionId",
                            info.vpc_peering_connection_id.as_deref(),
                        );
                });
            }
        }
    }
    x.opt("description", r.description.as_deref())
        .tag_set(tags::of(w, scope, &r.rule_id))
        .leaf("securityGroupRuleArn", v.group.rule_arn(&r.rule_id));
}

fn describe_rules(cx: &mut Call) -> Result<Xml> {
    let q = Query::decode(
        &cx.p(),
        "SecurityGroupRuleId",
        |id| Kind::SecurityGroupRule.check(id),
        EC2,
    )?;
    cx.read()?;
    let scope = cx.ctx().scope();
    let w = cx.world();
    let found = sg::describe_rules(w, cx.ctx(), &q.ids, &q.filters)?;
    Ok(q.answer(
        found,
        |v| v.rule.rule_id.clone(),
        "securityGroupRuleSet",
        |x, v| render_rule(x, w, scope, &v),
    ))
}

fn modify_rules(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let group_id = p.req("GroupId")?;
    Kind::SecurityGroup.check(&group_id)?;
    let mut rules = Vec::new();
    for item in p.structs("SecurityGroupRule") {
        let rule_id = item.req("SecurityGroupRuleId")?;
        Kind::SecurityGroupRule.check(&rule_id)?;
        let r = item.nested("SecurityGroupRule");
        let referenced_group_id = r.str("ReferencedGroupId").filter(|s| !s.is_empty());
        if let Some(id) = &referenced_group_id {
            Kind::SecurityGroup.check(id)?;
        }
        let prefix_list_id = r.str("PrefixListId").filter(|s| !s.is_empty());
        if let Some(id) = &prefix_list_id {
            Kind::PrefixList.check(id)?;
        }
        rules.push(RuleUpdate {
            rule_id,
            protocol: r.str("IpProtocol"),
            from_port: r.int("FromPort")?,
            to_port: r.int("ToPort")?,
            cidr_ipv4: r.str("CidrIpv4").filter(|s| !s.is_empty()),
            cidr_ipv6: r.str("CidrIpv6").filter(|s| !s.is_empty()),
            prefix_list_id,
            referenced_group_id,
            description: r.str("Description"),
        });
    }
    if rules.is_empty() {
        return Err(ApiError::missing("SecurityGroupRule"));
    }
    cx.mutate(Command::Sg(Cmd::ModifyRules { group_id, rules }))?;
    let mut x = Xml::new();
    x.leaf("return", "true");
    Ok(x)
}

fn describe_stale(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let vpc_id = p.req("VpcId")?;
    Kind::Vpc.check(&vpc_id)?;
    let q = Query::paged(&p, Bounds::strict(5, 255))?;
    cx.read()?;
    let w = cx.world();
    let found = sg::stale(w, cx.ctx(), &vpc_id)?;
    Ok(q.answer(
        found,
        |s| s.group.id.clone(),
        "staleSecurityGroupSet",
        |x, s| {
            x.leaf("description", &s.group.description)
                .leaf("groupId", &s.group.id)
                .leaf("groupName", &s.group.name);
            render_stale(x, "staleIpPermissions", w, s.group, &s.ingress);
            render_stale(x, "staleIpPermissionsEgress", w, s.group, &s.egress);
            x.leaf("vpcId", &s.group.vpc_id);
        },
    ))
}

fn render_stale(x: &mut Xml, tag: &str, w: &World, g: &SecurityGroup, rules: &[&Rule]) {
    let mut keys: Vec<(Protocol, Option<i32>, Option<i32>)> = Vec::new();
    for r in rules {
        let k = (r.protocol, r.from_port, r.to_port);
        if !keys.contains(&k) {
            keys.push(k);
        }
    }
    x.list(tag, keys, |x, (protocol, from, to)| {
        x.opt("fromPort", from)
            .leaf("ipProtocol", protocol.name())
            .list("ipRanges", Vec::<String>::new(), |_, _| {})
            .list("prefixListIds", Vec::<String>::new(), |_, _| {})
            .opt("toPort", to)
            .list(
                "groups",
                rules
                    .iter()
                    .filter(|r| r.protocol == protocol && r.from_port == from && r.to_port == to),
                |x, r| render_pair(x, w, g, r),
            );
    });
}

fn describe_references(cx: &mut Call) -> Result<Xml> {
    let p = cx.p();
    let ids = p.list("GroupId");
    if ids.is_empty() {
        return Err(ApiError::missing("GroupId"));
    }
    check_ids(&ids, Kind::SecurityGroup)?;
    cx.read()?;
    let refs = sg::references(cx.world(), cx.ctx(), &ids)?;
    let mut x = Xml::new();
    x.list("securityGroupReferenceSet", refs, |x, r| {
        x.leaf("groupId", &r.group_id)
            .leaf("referencingVpcId", &r.referencing_vpc_id)
            .leaf("vpcPeeringConnectionId", &r.vpc_peering_connection_id);
    });
    Ok(x)
}

fn update_descriptions_ingress(cx: &mut Call) -> Result<Xml> {
    update_descriptions(cx, false)
}

fn update_descriptions_egress(cx: &mut Call) -> Result<Xml> {
    update_descriptions(cx, true)
}

/// UpdateSecurityGroupRuleDescriptionsIngress/Egress: by `IpPermissions` or by
/// `SecurityGroupRuleDescription.N` (rule id and description).
fn update_descriptions(cx: &mut Call, egress: bool) -> Result<Xml> {
    let p = cx.p();
    let group = group_ref(&p, true)?;
    let permissions = ip_permissions(&p)?;
    let mut rules = Vec::new();
    for item in p.structs("SecurityGroupRuleDescription") {
        let rule_id = item.req("SecurityGroupRuleId")?;
        Kind::SecurityGroupRule.check(&rule_id)?;
        rules.push(RuleDescription {
            rule_id,
            description: item.str("Description"),
        });
    }
    cx.mutate(Command::Sg(Cmd::UpdateDescriptions {
        group,
        egress,
        permissions,
        rules,
    }))?;
    let mut x = Xml::new();
    x.leaf("return", "true");
    Ok(x)
}
