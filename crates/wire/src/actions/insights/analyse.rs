//! Runs an analysis of a stored path: the engine side (`openvpc_reach::insights::analyse`)
//! resolves what the path asks and converts the verdict; this only turns the analysis'
//! `FilterInArns`/`FilterOutArns` into component ids.

use openvpc_core::insights::{AnalysisResult, Path};
use openvpc_core::{Scope, World};
use openvpc_reach::{insights, View};

/// Decides path `p` over the current world (on `view`, the server's compiled view of it,
/// or a view compiled now). `filter_in` and `filter_out` are the analysis' `FilterInArns`
/// and `FilterOutArns`.
pub fn analyse(
    w: &World,
    view: Option<&View>,
    scope: &Scope,
    p: &Path,
    filter_in: &[String],
    filter_out: &[String],
) -> AnalysisResult {
    let ids = |arns: &[String]| arns.iter().map(|a| component_of_arn(a)).collect();
    insights::analyse(w, view, scope, p, ids(filter_in), ids(filter_out))
}

/// The component id an ARN of `FilterInArns`/`FilterOutArns` names: an EC2 resource's id;
/// a load balancer (and any other) by its whole ARN, as the engine names it.
fn component_of_arn(arn: &str) -> String {
    match arn.split(':').nth(2) {
        Some("ec2") => arn.rsplit('/').next().unwrap_or(arn).to_string(),
        _ => arn.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::component_of_arn;

    #[test]
    fn filter_arns_name_components() {
        let sg = "arn:aws:ec2:us-east-1:111111111111:security-group/sg-0abc";
        assert_eq!(component_of_arn(sg), "sg-0abc");
        let lb = "arn:aws:elasticloadbalancing:us-east-1:111111111111:loadbalancer/net/n/1";
        assert_eq!(component_of_arn(lb), lb);
    }
}
