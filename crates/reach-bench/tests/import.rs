//! The import directory written for a synthetic network loads back (through the same
//! loader as `openvpc import`) into a world the engine decides identically, PrivateLink
//! and gateway endpoints included, and with transit gateways.

use openvpc_core::Config;
use openvpc_reach::{decide, View};
use reach_bench::mix::{self, FlowKind};
use reach_bench::synth;

#[test]
fn written_import_directory_loads_back_to_the_same_decisions() {
    loads_back(synth::S);
}

#[test]
fn transit_gateways_load_back_to_the_same_decisions() {
    loads_back(synth::S.with_transit());
}

fn loads_back(tier: synth::Tier) {
    let s = synth::generate(tier, 7);
    let dir = tempfile::tempdir().expect("tempdir");
    reach_bench::write::write_import(&s.world, dir.path()).expect("write");
    let imported = openvpc_import::import_dir(dir.path(), Config::default()).expect("import");
    let w = &s.world;
    assert_eq!(imported.vpcs.len(), w.vpcs.len());
    assert_eq!(
        imported.network_interfaces.len(),
        w.network_interfaces.len()
    );
    assert_eq!(imported.route_tables.len(), w.route_tables.len());
    assert_eq!(imported.vpc_endpoints.len(), w.vpc_endpoints.len());
    assert_eq!(imported.endpoint_services.len(), w.endpoint_services.len());
    assert_eq!(imported.load_balancers.len(), w.load_balancers.len());
    assert_eq!(imported.listeners.len(), w.listeners.len());
    assert_eq!(imported.transit_gateways.len(), w.transit_gateways.len());
    assert_eq!(imported.tgw_attachments.len(), w.tgw_attachments.len());
    assert_eq!(imported.tgw_route_tables.len(), w.tgw_route_tables.len());
    assert_eq!(
        imported
            .target_groups
            .values()
            .map(|g| g.targets.len())
            .sum::<usize>(),
        w.target_groups
            .values()
            .map(|g| g.targets.len())
            .sum::<usize>()
    );

    let (a, b) = (
        View::compile_with(w, &s.prefix_lists),
        View::compile_with(&imported, &s.prefix_lists),
    );
    let mut reachable = std::collections::BTreeMap::new();
    for (kind, f) in mix::flows(&s.layout, 3, 3000) {
        let v = decide(&a, &f);
        *reachable.entry(kind).or_insert(0) += usize::from(v.reachable);
        assert_eq!(v, decide(&b, &f), "{f:?}");
    }
    let made = |k: &FlowKind| tier.transit || *k != FlowKind::Transit;
    for kind in FlowKind::ALL
        .into_iter()
        .filter(|k| *k != FlowKind::AnyVpc && made(k))
    {
        assert!(
            reachable.get(&kind).copied().unwrap_or(0) > 5,
            "{kind:?}: {reachable:?}"
        );
    }
}
