//! Builders for Network Insights paths and analyses.

use super::Kit;
use crate::insights::{self, AnalysisResult, PathSpec};

impl Kit {
    /// A TCP path from `source` to `destination` (ids or ARNs) owned by the caller.
    pub fn insights_path(&mut self, source: &str, destination: &str) -> String {
        self.id(create_path(path_spec(source, destination)))
    }
}

/// A TCP path specification from `source` to `destination`.
pub fn path_spec(source: &str, destination: &str) -> PathSpec {
    PathSpec {
        source: source.into(),
        destination: Some(destination.into()),
        protocol: "tcp".into(),
        ..PathSpec::default()
    }
}

/// CreateNetworkInsightsPath without tags or token.
pub fn create_path(spec: PathSpec) -> insights::Cmd {
    insights::Cmd::CreatePath {
        spec,
        tags: vec![],
        client_token: None,
    }
}

/// StartNetworkInsightsAnalysis of `path_id` with a result that did or did not find a path.
pub fn start_analysis(path_id: &str, found: bool) -> insights::Cmd {
    insights::Cmd::StartAnalysis {
        path_id: path_id.into(),
        additional_accounts: vec![],
        filter_in_arns: vec![],
        filter_out_arns: vec![],
        tags: vec![],
        client_token: None,
        result: AnalysisResult {
            network_path_found: found,
            ..AnalysisResult::default()
        },
    }
}
