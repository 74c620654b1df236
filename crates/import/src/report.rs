//! What an import read, what it left out and what looks wrong: the summary `openvpc import`
//! prints.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use openvpc_core::{Scope, World};
use serde_json::Value;

use crate::load::Loaded;

/// What an import left out and what a user should check, gathered while loading.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Items not imported, by kind (a plural noun: "transit gateways"), in the order first
    /// met, with counts.
    skipped: Vec<(String, usize)>,
    warnings: Vec<String>,
    /// Items loaded so far (for progress).
    resources: usize,
    /// Interfaces made up for endpoints and load-balancer nodes not exported.
    synthesised: usize,
    /// Target groups a `describe-target-health` output was read for (ARNs).
    health_read: BTreeSet<String>,
    /// Subnets given their VPC's default network ACL on request, and default ACLs made.
    assumed_acls: Option<(usize, usize)>,
}

impl Report {
    /// What was not imported: kinds with counts, in the order first met.
    pub fn skipped(&self) -> &[(String, usize)] {
        &self.skipped
    }

    /// What a user should check (a load balancer without its listeners, a misnamed account
    /// directory), one sentence each.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Described items loaded so far.
    pub fn resources(&self) -> usize {
        self.resources
    }

    pub(crate) fn loaded(&mut self, n: usize) {
        self.resources += n;
    }

    /// Counts `n` items of `kind` as not imported.
    pub(crate) fn skip(&mut self, kind: &str, n: usize) {
        if n == 0 {
            return;
        }
        match self.skipped.iter_mut().find(|(k, _)| k == kind) {
            Some((_, count)) => *count += n,
            None => self.skipped.push((kind.to_string(), n)),
        }
    }

    /// Counts the `n` items under a top-level key openvpc does not read.
    pub(crate) fn skip_key(&mut self, key: &str, n: usize) {
        self.skip(&noun_of_key(key), n);
    }

    /// Notes what became of one item.
    pub(crate) fn note(&mut self, loaded: Loaded) {
        match loaded {
            Loaded::Done => self.loaded(1),
            Loaded::Skipped(kind) => self.skip(kind, 1),
            Loaded::LeftOut(kind, n) => {
                self.loaded(1);
                self.skip(kind, n);
            }
        }
    }

    pub(crate) fn health_read(&mut self, target_group_arn: &str) {
        self.health_read.insert(target_group_arn.to_string());
    }

    pub(crate) fn assumed_acls(&mut self, subnets: usize, made: usize) {
        self.assumed_acls = Some((subnets, made));
    }

    pub(crate) fn synthesised(&mut self, n: usize) {
        self.synthesised += n;
    }

    pub(crate) fn warn(&mut self, warning: String) {
        self.warnings.push(warning);
    }

    /// The summary of `w` imported with this report: `imported …` (every kind, with
    /// counts), then `not imported: …` when anything was left out, then one
    /// `warning: …` line per warning.
    pub fn lines(&self, w: &World) -> Vec<String> {
        let with_attributes = |n: usize, noun: &str, set: usize| match set {
            0 => format!("{n} {noun}"),
            set => format!("{n} {noun} ({set} with attributes)"),
        };
        let interfaces = match self.synthesised {
            0 => format!("{} network interfaces", w.network_interfaces.len()),
            s => format!(
                "{} network interfaces ({s} synthesised)",
                w.network_interfaces.len()
            ),
        };
        let lbs_with = w
            .load_balancers
            .values()
            .filter(|lb| !lb.attributes.is_empty())
            .count();
        let tgs_with = w
            .target_groups
            .values()
            .filter(|g| !g.attributes.is_empty())
            .count();
        let mut counts = vec![
            format!("{} VPCs", w.vpcs.len()),
            format!("{} subnets", w.subnets.len()),
            format!("{} route tables", w.route_tables.len()),
            format!("{} security groups", w.security_groups.len()),
            format!("{} network ACLs", w.network_acls.len()),
            interfaces,
            format!("{} instances", w.instances.len()),
            format!("{} internet gateways", w.internet_gateways.len()),
            format!("{} NAT gateways", w.nat_gateways.len()),
            format!("{} Elastic IPs", w.addresses.len()),
            format!("{} peering connections", w.peerings.values().count()),
            format!("{} VPC endpoints", w.vpc_endpoints.len()),
            format!("{} endpoint services", w.endpoint_services.len()),
            with_attributes(w.load_balancers.len(), "load balancers", lbs_with),
            with_attributes(w.target_groups.len(), "target groups", tgs_with),
            format!(
                "{} targets",
                w.target_groups
                    .values()
                    .map(|g| g.targets.len())
                    .sum::<usize>()
            ),
            format!("{} listeners", w.listeners.len()),
            format!("{} prefix lists", w.prefix_lists.len()),
            format!("{} VPN gateways", w.vpn_gateways.len()),
            format!("{} customer gateways", w.customer_gateways.len()),
            format!("{} VPN connections", w.vpn_connections.len()),
            format!("{} transit gateways", w.transit_gateways.len()),
            format!("{} transit-gateway attachments", w.tgw_attachments.len()),
            format!("{} transit-gateway route tables", w.tgw_route_tables.len()),
        ];
        if !w.tgw_peerings.is_empty() {
            let n = w.tgw_peerings.len();
            counts.push(format!("{n} transit-gateway peering attachments"));
        }
        let mut lines = vec![format!("imported {}", counts.join(", "))];
        if !self.skipped.is_empty() {
            let skipped: Vec<String> = self
                .skipped
                .iter()
                .map(|(kind, n)| format!("{n} {kind}"))
                .collect();
            lines.push(format!("not imported: {}", skipped.join(", ")));
        }
        if let Some((subnets, made)) = self.assumed_acls.filter(|(n, _)| *n > 0) {
            lines.push(format!(
                "assumed: AWS's default network ACL (allow all) for {subnets} subnets without one ({made} default ACLs made)"
            ));
        }
        lines.extend(self.warnings.iter().map(|w| format!("warning: {w}")));
        let unknown = crate::assume::count_without_acl(w);
        if unknown > 0 {
            lines.push(format!(
                "warning: {unknown} subnets have no network ACL (no describe-network-acls output for them): flows through them are unknown; --assume-default-acls gives them AWS's default ACL (allow all)"
            ));
        }
        lines
    }

    /// Warns of each transit-gateway route table with static routes to attachments not
    /// imported (peering, VPN, Direct Connect or Connect attachments are not modelled): the
    /// engine finds no available attachment there and stops flows at those routes.
    pub(crate) fn check_tgw_routes(&mut self, w: &World) {
        use openvpc_core::tgw::RouteTarget;
        for t in w.tgw_route_tables.values() {
            let missing: BTreeSet<&str> = t
                .routes
                .iter()
                .filter_map(|r| match &r.target {
                    RouteTarget::Attachment(a)
                        if w.tgw_attachments.get(a).is_none()
                            && w.tgw_peerings.get(a).is_none() =>
                    {
                        Some(a.as_str())
                    }
                    _ => None,
                })
                .collect();
            if !missing.is_empty() {
                let ids: Vec<&str> = missing.into_iter().collect();
                self.warn(format!(
                    "transit-gateway route table {}: static routes to attachments not imported ({}), so flows stop there as at a blackhole route; openvpc models VPC, VPN and peering attachments only",
                    t.id,
                    ids.join(", ")
                ));
            }
        }
    }

    /// Warns of each load balancer without a listener, and of each target group behind a
    /// listener that was not imported or whose `describe-target-health` was not read: such
    /// a load balancer forwards nothing, and the engine would say so without a word of why.
    pub(crate) fn check_load_balancers(&mut self, w: &World) {
        let mut groups_of: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for l in w.listeners.values() {
            groups_of
                .entry(l.load_balancer_arn.as_str())
                .or_default()
                .insert(l.target_group_arn.as_str());
        }
        let mut warned = BTreeSet::new();
        for lb in w.load_balancers.values() {
            let Some(groups) = groups_of.get(lb.arn.as_str()) else {
                self.warn(format!(
                    "load balancer {}: no listener imported, so it forwards nothing; add the output of `aws elbv2 describe-listeners --load-balancer-arn {}`",
                    lb.name, lb.arn
                ));
                continue;
            };
            for arn in groups {
                if self.health_read.contains(*arn) || !warned.insert(*arn) {
                    continue;
                }
                let warning = match w.target_groups.get(arn) {
                    None => format!(
                        "load balancer {}: its target group {arn} was not imported (describe-target-groups), so its listener forwards nothing",
                        lb.name
                    ),
                    Some(g) => format!(
                        "target group {} of load balancer {}: no describe-target-health output (a file named like `targets-{}.json`), so it has no targets",
                        g.name, lb.name, g.name
                    ),
                };
                self.warn(warning);
            }
        }
    }

    /// Warns of each account directory whose resources all belong to other accounts (their
    /// `OwnerId`, or the account of a load balancer's or target group's ARN), naming the
    /// directory, a file and the owner: the directory is probably misnamed. (Shared
    /// subnets show the owner's id in a participant's output, beside the participant's own
    /// resources, so a directory is only suspect when none of its resources is its own.)
    pub(crate) fn check_owners<'a>(
        &mut self,
        root: &Path,
        docs: impl Iterator<Item = (&'a Scope, &'a Path, &'a Value)>,
    ) {
        #[derive(Default)]
        struct Seen<'a> {
            own: bool,
            others: BTreeMap<&'a str, &'a Path>,
        }
        let mut accounts: BTreeMap<&str, Seen> = BTreeMap::new();
        for (scope, file, doc) in docs {
            let seen = accounts.entry(scope.account.as_str()).or_default();
            for owner in owners_in(doc) {
                if owner == scope.account {
                    seen.own = true;
                } else {
                    seen.others.entry(owner).or_insert(file);
                }
            }
        }
        for (account, seen) in accounts {
            if seen.own {
                continue;
            }
            for (owner, file) in seen.others {
                let file = file.strip_prefix(root).unwrap_or(file);
                self.warn(format!(
                    "directory {account}: {} lists resources owned by {owner} and none of the directory's resources is owned by {account}; name the directory after the account that exported them",
                    file.display()
                ));
            }
        }
    }
}

/// The owner account of each resource a document describes (prefix lists aside: AWS and
/// other accounts share theirs).
fn owners_in(doc: &Value) -> Vec<&str> {
    let Some(map) = doc.as_object() else {
        return Vec::new();
    };
    let mut owners = Vec::new();
    for (key, value) in map {
        let arn_field = match key.as_str() {
            "LoadBalancers" => Some("LoadBalancerArn"),
            "TargetGroups" => Some("TargetGroupArn"),
            "PrefixLists" => continue,
            k if crate::load::is_known_key(k) => None,
            _ => continue,
        };
        for item in value.as_array().into_iter().flatten() {
            let owner = match arn_field {
                Some(f) => item
                    .get(f)
                    .and_then(Value::as_str)
                    .and_then(|arn| arn.split(':').nth(4)),
                None => item.get("OwnerId").and_then(Value::as_str),
            };
            if let Some(owner) = owner.filter(|o| !o.is_empty()) {
                owners.push(owner);
            }
        }
    }
    owners
}

/// A top-level key as a plural noun: `TransitGatewayAttachments` → "transit gateway
/// attachments", `DhcpOptions` → "DHCP options".
pub(crate) fn noun_of_key(key: &str) -> String {
    let chars: Vec<char> = key.chars().collect();
    let mut words = Vec::new();
    let mut word = String::new();
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1);
        let after_lower = prev.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
        let acronym_ends = prev.is_some_and(|p| p.is_ascii_uppercase())
            && next.is_some_and(|n| n.is_ascii_lowercase());
        if c.is_ascii_uppercase() && !word.is_empty() && (after_lower || acronym_ends) {
            words.push(std::mem::take(&mut word));
        }
        word.push(c);
    }
    if !word.is_empty() {
        words.push(word);
    }
    words
        .iter()
        .map(|w| spelled(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// One word of a key as English writes it: acronyms in capitals, other words in lower case.
fn spelled(word: &str) -> String {
    const ACRONYMS: &[&str] = &[
        "VPC", "VPCs", "VPN", "VPNs", "DHCP", "IPAM", "IPAMs", "IP", "IPs", "IPv4", "IPv6", "NAT",
        "ACL", "ACLs", "EBS", "AMI", "AMIs", "DNS", "ID", "IDs", "ENI", "ENIs", "EC2", "TLS",
        "MAC", "ARN", "ARNs",
    ];
    if let Some(a) = ACRONYMS.iter().find(|a| a.eq_ignore_ascii_case(word)) {
        return a.to_string();
    }
    if word.len() > 1 && word.chars().all(|c| c.is_ascii_uppercase()) {
        return word.to_string();
    }
    word.to_ascii_lowercase()
}
