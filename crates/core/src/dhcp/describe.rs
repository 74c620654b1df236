//! DescribeDhcpOptions: its filters and the values each filter matches.

use crate::filter::{self, Filter};
use crate::world::{Ctx, World};
use crate::Result;

use super::model::DhcpOptions;
use super::options::get;

/// Filters DescribeDhcpOptions accepts.
pub const FILTERS: &[&str] = &["dhcp-options-id", "key", "value", "owner-id"];

/// DescribeDhcpOptions: explicit ids must all exist; then filters.
pub fn describe<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w DhcpOptions>> {
    filter::check_names(filters, FILTERS)?;
    let scope = ctx.scope();
    let candidates = w.dhcp_options.pick(scope, ids, |id| get(w, scope, id))?;
    Ok(filter::tagged(w, scope, candidates, filters, |d, name| {
        field(d, name)
    }))
}

/// The values of filter `name` for option set `d`.
fn field(d: &DhcpOptions, name: &str) -> Vec<String> {
    match name {
        "dhcp-options-id" => filter::s(&d.id),
        "key" => d.configurations.iter().map(|(k, _)| k.clone()).collect(),
        "value" => d
            .configurations
            .iter()
            .flat_map(|(_, v)| v.iter().cloned())
            .collect(),
        "owner-id" => filter::s(&d.scope.account),
        _ => Vec::new(),
    }
}
