//! The import directory written for a synthetic network loads back (through the same
//! loader as `openvpc import`) into a world the engine decides identically.

use openvpc_core::Config;
use openvpc_reach::{decide, Endpoint, Flow, Protocol, View};
use reach_bench::synth::{self, Rng};

#[test]
fn written_import_directory_loads_back_to_the_same_decisions() {
    let s = synth::generate(synth::S, 7);
    let dir = tempfile::tempdir().expect("tempdir");
    reach_bench::write::write_import(&s.world, dir.path()).expect("write");
    let imported = openvpc_import::import_dir(dir.path(), Config::default()).expect("import");
    assert_eq!(imported.vpcs.len(), s.world.vpcs.len());
    assert_eq!(
        imported.network_interfaces.len(),
        s.world.network_interfaces.len()
    );
    assert_eq!(imported.route_tables.len(), s.world.route_tables.len());

    let (a, b) = (
        View::compile_with(&s.world, &s.prefix_lists),
        View::compile_with(&imported, &s.prefix_lists),
    );
    let enis: Vec<&String> = s
        .layout
        .vpcs
        .iter()
        .flat_map(|v| v.subnets.iter().flat_map(|(_, e)| e))
        .collect();
    let mut r = Rng(3);
    let mut reachable = 0;
    for k in 0..3000 {
        let src = enis[r.below(enis.len())];
        let (source, destination) = match k % 5 {
            0 => (src.clone(), Endpoint::Ip("93.184.216.34".parse().unwrap())),
            1 => (
                "198.18.0.1".to_string(),
                Endpoint::Ip(s.layout.public_ips[r.below(s.layout.public_ips.len())].into()),
            ),
            _ => (
                src.clone(),
                Endpoint::Eni(enis[r.below(enis.len())].clone()),
            ),
        };
        let port = [22, 80, 443, 5432, 8080][r.below(5)];
        let f = Flow::new(&source, destination, Protocol::TCP, Some(port));
        let v = decide(&a, &f);
        reachable += usize::from(v.reachable);
        assert_eq!(v, decide(&b, &f), "{f:?}");
    }
    assert!(reachable > 100, "only {reachable} reachable");
}
