//! Network insights analyses: StartNetworkInsightsAnalysis records the result the wire
//! computed with the engine (the verdict is journaled with the command, so a replay never
//! re-decides), and DeleteNetworkInsightsAnalysis.

use super::model::Analysis;
use super::paths::path;
use crate::error::{ApiError, Result};
use crate::ids::Kind;
use crate::tags::{self, TagSpec};
use crate::world::{Ctx, Scope, World};
use crate::Output;

/// The caller's analysis `id`.
pub fn analysis<'w>(w: &'w World, scope: &Scope, id: &str) -> Result<&'w Analysis> {
    w.insights_analyses
        .get_in(scope, id)
        .ok_or_else(|| Kind::NetworkInsightsAnalysis.not_found(id))
}

/// StartNetworkInsightsAnalysis: the caller's path, 12-digit accounts, ARNs as filters.
pub(super) fn start_analysis(
    w: &mut World,
    ctx: &Ctx,
    mut analysis: Analysis,
    tag_specs: &[TagSpec],
) -> Result<Output> {
    let scope = ctx.scope();
    path(w, scope, &analysis.path_id)?;
    for account in &analysis.additional_accounts {
        if account.len() != 12 || !account.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ApiError::invalid_value(format!(
                "Value ({account}) for parameter AdditionalAccount is invalid. Expected a 12-digit account ID."
            )));
        }
    }
    for arn in analysis
        .filter_in_arns
        .iter()
        .chain(&analysis.filter_out_arns)
    {
        if !arn.starts_with("arn:") {
            return Err(ApiError::invalid_value(format!(
                "Value ({arn}) for parameter FilterInArn/FilterOutArn is invalid. Expected an ARN."
            )));
        }
    }
    tags::check_specs(tag_specs, "network-insights-analysis")?;
    let id = w.ids.id(Kind::NetworkInsightsAnalysis);
    analysis.id = id.clone();
    w.insights_analyses.insert(analysis);
    tags::apply_specs(w, scope, &id, tag_specs);
    Ok(Output::Id(id))
}

/// DeleteNetworkInsightsAnalysis.
pub(super) fn delete_analysis(w: &mut World, ctx: &Ctx, id: &str) -> Result<Output> {
    analysis(w, ctx.scope(), id)?;
    w.insights_analyses.remove(id);
    tags::forget(w, id);
    Ok(Output::Id(id.to_string()))
}
