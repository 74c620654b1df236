//! DescribeNetworkInsightsPaths and DescribeNetworkInsightsAnalyses: their filters and the
//! values each filter matches.

use super::analyses::analysis;
use super::model::{Analysis, FilterPorts, Path, PathFilter};
use super::paths::path;
use crate::error::Result;
use crate::filter::{self, Filter};
use crate::tags;
use crate::world::{Ctx, World};
use crate::Millis;

/// Filters DescribeNetworkInsightsPaths accepts.
pub const PATH_FILTERS: &[&str] = &[
    "destination",
    "destination-ip",
    "destination-port",
    "filter-at-destination.destination-address",
    "filter-at-destination.destination-port-range",
    "filter-at-destination.source-address",
    "filter-at-destination.source-port-range",
    "filter-at-source.destination-address",
    "filter-at-source.destination-port-range",
    "filter-at-source.source-address",
    "filter-at-source.source-port-range",
    "protocol",
    "source",
    "source-ip",
];

fn path_filter_field(f: &Option<PathFilter>, name: &str) -> Vec<String> {
    let Some(f) = f else { return Vec::new() };
    match name {
        "source-address" => filter::opt(f.source_address.map(|a| a.to_string())),
        "destination-address" => filter::opt(f.destination_address.map(|a| a.to_string())),
        "source-port-range" => ports_field(f.source_ports),
        "destination-port-range" => ports_field(f.destination_ports),
        _ => Vec::new(),
    }
}

/// A port range as filter values: `from-to`, and the single port when from = to.
fn ports_field(p: Option<FilterPorts>) -> Vec<String> {
    let Some(p) = p else { return Vec::new() };
    let mut v = vec![p.text()];
    if let (Some(f), Some(t)) = (p.from, p.to) {
        if f == t {
            v.push(f.to_string());
        }
    }
    v
}

fn path_field(p: &Path, name: &str) -> Vec<String> {
    if let Some(rest) = name.strip_prefix("filter-at-source.") {
        return path_filter_field(&p.filter_at_source, rest);
    }
    if let Some(rest) = name.strip_prefix("filter-at-destination.") {
        return path_filter_field(&p.filter_at_destination, rest);
    }
    match name {
        "destination" => {
            let mut v = filter::opt(p.destination.clone());
            v.extend(p.destination_arn.clone());
            v
        }
        "destination-ip" => filter::opt(p.destination_ip.map(|a| a.to_string())),
        "destination-port" => filter::opt(p.destination_port.map(|n| n.to_string())),
        "protocol" => filter::s(p.protocol.name()),
        "source" => vec![p.source.clone(), p.source_arn.clone()],
        "source-ip" => filter::opt(p.source_ip.map(|a| a.to_string())),
        _ => Vec::new(),
    }
}

/// DescribeNetworkInsightsPaths: explicit ids must all be the caller's; then filters; id
/// order.
pub fn describe_paths<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    filters: &[Filter],
) -> Result<Vec<&'w Path>> {
    filter::check_names(filters, PATH_FILTERS)?;
    let scope = ctx.scope();
    let candidates = w.insights_paths.pick(scope, ids, |id| path(w, scope, id))?;
    Ok(filter::tagged(w, scope, candidates, filters, |p, n| {
        path_field(p, n)
    }))
}

/// Filters DescribeNetworkInsightsAnalyses accepts.
pub const ANALYSIS_FILTERS: &[&str] = &["path-found", "status"];

/// The selection of DescribeNetworkInsightsAnalyses besides ids and filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnalysisQuery {
    pub path_id: Option<String>,
    /// Analyses started at or after this instant.
    pub start_time: Option<Millis>,
    /// Analyses started at or before this instant.
    pub end_time: Option<Millis>,
}

/// DescribeNetworkInsightsAnalyses: explicit ids must all be the caller's; a named path
/// must be the caller's; then the time window and filters; id order.
pub fn describe_analyses<'w>(
    w: &'w World,
    ctx: &Ctx,
    ids: &[String],
    query: &AnalysisQuery,
    filters: &[Filter],
) -> Result<Vec<&'w Analysis>> {
    filter::check_names(filters, ANALYSIS_FILTERS)?;
    let scope = ctx.scope();
    if let Some(p) = &query.path_id {
        path(w, scope, p)?;
    }
    let candidates = w
        .insights_analyses
        .pick(scope, ids, |id| analysis(w, scope, id))?;
    Ok(candidates
        .into_iter()
        .filter(|a| query.path_id.as_ref().is_none_or(|p| &a.path_id == p))
        .filter(|a| query.start_time.is_none_or(|t| a.started >= t))
        .filter(|a| query.end_time.is_none_or(|t| a.started <= t))
        .filter(|a| {
            filter::matches(filters, tags::of(w, scope, &a.id), |n| match n {
                "path-found" => filter::b(a.result.network_path_found),
                "status" => filter::s(a.status()),
                _ => Vec::new(),
            })
        })
        .collect())
}
