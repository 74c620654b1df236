//! DescribeKeyPairs.

use crate::error::Result;
use crate::filter::{self, Filter};
use crate::ids::Kind;
use crate::world::{Ctx, World};

use super::model::KeyPair;
use super::pairs::{by_name, name_not_found};

/// Filters DescribeKeyPairs accepts (tag filters besides).
pub const FILTERS: &[&str] = &["fingerprint", "key-name", "key-pair-id", "key-type"];

/// DescribeKeyPairs: every name of `names` and id of `ids` must be the caller's.
pub fn describe<'w>(
    w: &'w World,
    ctx: &Ctx,
    names: &[String],
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w KeyPair>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let mut wanted: Vec<&KeyPair> = Vec::new();
    for name in names {
        wanted.push(by_name(w, scope, name).ok_or_else(|| name_not_found(name))?);
    }
    for id in ids {
        let k = w
            .key_pairs
            .get_in(scope, id)
            .ok_or_else(|| Kind::KeyPair.not_found(id))?;
        wanted.push(k);
    }
    let candidates: Vec<&KeyPair> = if names.is_empty() && ids.is_empty() {
        w.key_pairs.in_scope(scope).collect()
    } else {
        let mut seen = std::collections::BTreeSet::new();
        wanted.retain(|k| seen.insert(k.id.as_str()));
        wanted
    };
    Ok(filter::tagged(w, scope, candidates, filters, field))
}

fn field(k: &KeyPair, name: &str) -> Vec<String> {
    match name {
        "fingerprint" => filter::s(&k.fingerprint),
        "key-name" => filter::s(&k.name),
        "key-pair-id" => filter::s(&k.id),
        "key-type" => filter::s(k.key_type.as_str()),
        _ => Vec::new(),
    }
}
