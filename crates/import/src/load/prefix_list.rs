//! Managed prefix lists and their entries.

use std::collections::BTreeMap;

use ipnet::IpNet;
use openvpc_core::prefix_list as pl;
use openvpc_core::{Scope, World};

use super::owner;
use crate::json::{cidr as parse_cidr, Obj, Res};

/// `PrefixLists` of `describe-prefix-lists` (id, name, `Cidrs`: the AWS-managed lists of
/// gateway-endpoint services) and of `describe-managed-prefix-lists` (id, name, family,
/// `MaxEntries`, owner, state, version; no entries). Both outputs of one list merge.
/// AWS-managed lists (owner `AWS`, or a `com.amazonaws.*` name without an owner) are stored
/// under the owner `AWS` so routes and rules naming their real ids resolve to the imported
/// blocks.
pub(super) fn prefix_list(w: &mut World, scope: &Scope, o: Obj) -> Res<()> {
    let id = o.str("PrefixListId")?;
    let name = o.opt_str("PrefixListName")?;
    let owner_id = o.opt_str("OwnerId")?;
    let aws = match owner_id.as_deref() {
        Some(owner) => owner == pl::AWS_OWNER,
        None => name
            .as_deref()
            .is_some_and(|n| n.starts_with("com.amazonaws.")),
    };
    let list_scope = if aws {
        Scope::new(pl::AWS_OWNER, &scope.region)
    } else {
        owner(scope, &o)?
    };
    let mut entries = Vec::new();
    for (path, raw) in o.list("Cidrs")? {
        let raw = raw
            .as_str()
            .ok_or_else(|| format!("field `{path}`: expected a string"))?;
        let net = raw
            .parse::<IpNet>()
            .map_err(|_| format!("field `{path}`: `{raw}` is not a valid CIDR block"))?;
        entries.push(pl::Entry {
            cidr: net.trunc(),
            description: None,
        });
    }
    let family = match o.opt_str("AddressFamily")?.as_deref() {
        Some("IPv4") => Some(pl::AddressFamily::IPv4),
        Some("IPv6") => Some(pl::AddressFamily::IPv6),
        Some(other) => {
            return Err(format!(
                "field `{}.AddressFamily`: `{other}` is not IPv4 or IPv6",
                o.path
            ))
        }
        None => None,
    };
    let max_entries = o.opt_int("MaxEntries")?;
    let version = o.opt_int("Version")?;
    let mut list = w.prefix_lists.remove(&id).unwrap_or(pl::PrefixList {
        id: id.clone(),
        scope: list_scope.clone(),
        name: String::new(),
        address_family: pl::AddressFamily::IPv4,
        max_entries: 0,
        version: 1,
        state: pl::State::CreateComplete,
        versions: BTreeMap::new(),
        created: 0,
    });
    if owner_id.is_some() || aws {
        list.scope = list_scope;
    }
    if let Some(name) = name {
        list.name = name;
    }
    if let Some(family) = family {
        list.address_family = family;
    } else if let Some(first) = entries.first() {
        list.address_family = pl::AddressFamily::of(&first.cidr);
    }
    if let Some(v) = version {
        let current = list.versions.remove(&list.version).unwrap_or_default();
        list.version = v.max(1) as u64;
        list.versions.insert(list.version, current);
    }
    if !entries.is_empty() {
        set_entries(&mut list, entries);
    }
    if let Some(m) = max_entries {
        list.max_entries = m.max(0) as u32;
    }
    list.max_entries = list.max_entries.max(list.entries().len() as u32);
    w.prefix_lists.insert(list);
    Ok(())
}

/// Makes `entries` (sorted by block) the list's current version.
fn set_entries(list: &mut pl::PrefixList, mut entries: Vec<pl::Entry>) {
    entries.sort_by_key(|e| e.cidr);
    entries.dedup_by(|a, b| a.cidr == b.cidr);
    list.versions.insert(list.version, entries);
}

/// The `pl-…` id a file name carries, if any.
fn prefix_list_id_in(file_name: &str) -> Option<String> {
    let at = file_name.find("pl-")?;
    let hex: String = file_name[at + 3..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    (!hex.is_empty()).then(|| format!("pl-{hex}"))
}

/// One `Entries` item of `get-managed-prefix-list-entries`: the output does not name its
/// list, so the file name must contain the list id (`pl-0abc….json`). A list not described
/// elsewhere becomes a customer-managed list of the importing account.
pub(super) fn prefix_list_entry(w: &mut World, scope: &Scope, o: Obj, file_name: &str) -> Res<()> {
    let id = prefix_list_id_in(file_name).ok_or_else(|| {
        "`Entries` (get-managed-prefix-list-entries) must be in a file whose name contains \
         the prefix-list id, such as `pl-0123456789abcdef0.json`"
            .to_string()
    })?;
    let raw = o.str("Cidr")?;
    let net = parse_cidr::<IpNet>(&o, "Cidr", &raw)?.trunc();
    let entry = pl::Entry {
        cidr: net,
        description: o.opt_str("Description")?,
    };
    let mut list = w.prefix_lists.remove(&id).unwrap_or(pl::PrefixList {
        id: id.clone(),
        scope: scope.clone(),
        name: id.clone(),
        address_family: pl::AddressFamily::of(&net),
        max_entries: 0,
        version: 1,
        state: pl::State::CreateComplete,
        versions: BTreeMap::new(),
        created: 0,
    });
    let mut entries = list.entries().to_vec();
    entries.retain(|e| e.cidr != net);
    entries.push(entry);
    set_entries(&mut list, entries);
    list.max_entries = list.max_entries.max(list.entries().len() as u32);
    w.prefix_lists.insert(list);
    Ok(())
}
