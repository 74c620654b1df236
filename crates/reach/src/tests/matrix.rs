//! The subnet matrix: scope, sampling, cell states and blocker summaries.

use super::*;
use crate::matrix::{matrix, CellState, Matrix, Sampling, DEFAULT_MAX_FLOWS};

use CellState::{Blocked, Empty, Partial, Reachable};

fn subnet_of(n: &Net, eni: &str) -> String {
    n.w.network_interfaces
        .get(eni)
        .expect("eni")
        .subnet_id
        .clone()
}

fn run(n: &Net, vpcs: &[&VpcIds], max_flows: usize) -> Matrix {
    let view = View::compile(&n.w);
    let ids: Vec<String> = vpcs.iter().map(|v| v.id.clone()).collect();
    matrix(&n.w, &view, &ids, Protocol::TCP, Some(22), max_flows)
}

/// Asserts the cell states row by row and that each cell's codes are the union of its
/// flows' codes.
fn check_matrix(m: &Matrix, states: &[&[CellState]], codes: &[(usize, usize, &[Code])]) {
    let got: Vec<Vec<CellState>> = (0..m.subnets.len())
        .map(|i| (0..m.subnets.len()).map(|j| m.cell(i, j).state()).collect())
        .collect();
    let want: Vec<Vec<CellState>> = states.iter().map(|r| r.to_vec()).collect();
    assert_eq!(got, want);
    for (i, j, c) in codes {
        assert_eq!(m.cell(*i, *j).codes(), c.to_vec(), "cell {i},{j}");
    }
}

#[test]
fn seed_world_every_interface() {
    let mut t = three("10.2.0.0/16");
    t.n.route(&t.a.rtb, "10.2.0.0/16", &t.ac);
    t.n.route(&t.b.rtb, "10.2.0.0/16", &t.ab);
    let m = run(&t.n, &[&t.a, &t.b, &t.c], DEFAULT_MAX_FLOWS);
    assert_eq!(m.sampling, Sampling::EveryInterface);
    let ids: Vec<&str> = m.subnets.iter().map(|s| s.id.as_str()).collect();
    let want = [&t.ea, &t.eb, &t.ec].map(|e| subnet_of(&t.n, e));
    assert_eq!(ids, want.iter().map(String::as_str).collect::<Vec<_>>());
    check_matrix(
        &m,
        &[
            &[Empty, Reachable, Reachable],
            &[Reachable, Empty, Blocked],
            &[Reachable, Blocked, Empty],
        ],
        &[
            (0, 1, &[]),
            (1, 2, &[PcxRequiresAddressInVpcCidr]),
            (2, 1, &[NoRouteToDestination]),
        ],
    );
    assert_eq!(m.flow_count(), 6);
    let b = m.cell(1, 2).blockers();
    assert_eq!(b.len(), 1);
    assert_eq!(
        (b[0].explanation.component.as_ref(), b[0].flows),
        (t.ab.as_str(), 1)
    );
    // The VPC order given is the row order.
    let m = run(&t.n, &[&t.c, &t.a], DEFAULT_MAX_FLOWS);
    assert_eq!(m.subnets[0].id, subnet_of(&t.n, &t.ec));
    check_matrix(&m, &[&[Empty, Reachable], &[Reachable, Empty]], &[]);
}

#[test]
fn partial_cells_and_grouped_blockers() {
    let mut t = three("10.2.0.0/16");
    let sb = subnet_of(&t.n, &t.eb);
    // Two more interfaces in B's subnet, in a group with no inbound rule.
    let closed = t.n.sg(&t.b);
    t.n.rule(&closed, true, "-1", None, "0.0.0.0/0");
    let e2 = t.n.eni(&sb, "10.1.1.11", &[&closed]);
    let e3 = t.n.eni(&sb, "10.1.1.12", &[&closed]);
    let m = run(&t.n, &[&t.a, &t.b], DEFAULT_MAX_FLOWS);
    check_matrix(
        &m,
        &[&[Empty, Partial], &[Reachable, Partial]],
        &[(0, 1, &[SgHasNoRules]), (1, 1, &[SgHasNoRules])],
    );
    let c = m.cell(0, 1);
    assert_eq!((c.flows.len(), c.reachable()), (3, 1));
    // One blocker per interface's group: the same group blocks both, counted twice.
    let b = c.blockers();
    assert_eq!(b.len(), 1);
    assert_eq!(
        (b[0].explanation.component.as_ref(), b[0].flows),
        (closed.as_str(), 2)
    );
    // Within B's subnet: 3 interfaces, 6 ordered pairs; only those into eb get in.
    let d = m.cell(1, 1);
    assert_eq!((d.flows.len(), d.reachable()), (6, 2));
    assert!(d
        .flows
        .iter()
        .all(|f| f.verdict.reachable == (f.destination == t.eb)));
    assert!([&e2, &e3]
        .iter()
        .all(|e| m.subnets[1].interfaces.contains(e)));
}

#[test]
fn representatives_beyond_the_flow_budget() {
    let mut t = three("10.2.0.0/16");
    let sa = subnet_of(&t.n, &t.ea);
    let closed = t.n.sg(&t.a);
    let extra = t.n.eni(&sa, "10.0.1.11", &[&closed]);
    // 4 interfaces: 12 ordered pairs; a budget of 11 falls back to representatives.
    let m = run(&t.n, &[&t.a, &t.b, &t.c], 12);
    assert_eq!(m.sampling, Sampling::EveryInterface);
    let m = run(&t.n, &[&t.a, &t.b, &t.c], 11);
    assert_eq!(m.sampling, Sampling::Representative);
    // One flow per pair of subnets; within A's subnet its two lowest ids; none within
    // the one-interface subnets.
    let mut a_ids = [t.ea.clone(), extra.clone()];
    a_ids.sort();
    let counts: Vec<usize> = m.cells.iter().map(|c| c.flows.len()).collect();
    assert_eq!(counts, vec![1, 1, 1, 1, 0, 1, 1, 1, 0]);
    let diag = &m.cell(0, 0).flows[0];
    assert_eq!((&diag.source, &diag.destination), (&a_ids[0], &a_ids[1]));
    assert_eq!(m.cell(0, 1).flows[0].source, a_ids[0]);
    assert_eq!(m.cell(1, 0).flows[0].destination, a_ids[0]);
}

#[test]
fn scope_skips_subnets_without_workload_interfaces() {
    let mut t = three("10.2.0.0/16");
    let empty = t.n.subnet(&t.a, "10.0.9.0/24");
    let natted = t.n.subnet(&t.a, "10.0.8.0/24");
    let nat_eni = t.n.eni(&natted, "10.0.8.5", &[]);
    t.n.eni_mut(&nat_eni).interface_type = "nat_gateway".into();
    let m = run(&t.n, &[&t.a], DEFAULT_MAX_FLOWS);
    assert_eq!(m.subnets.len(), 1);
    let skipped: Vec<&str> = m.skipped.iter().map(|s| s.id.as_str()).collect();
    // By CIDR: 10.0.8.0/24 before 10.0.9.0/24.
    assert_eq!(skipped, vec![natted.as_str(), empty.as_str()]);
    // No VPC named: every VPC.
    let view = View::compile(&t.n.w);
    let all = matrix(
        &t.n.w,
        &view,
        &[],
        Protocol::TCP,
        Some(22),
        DEFAULT_MAX_FLOWS,
    );
    assert_eq!(all.subnets.len(), 3);
    assert_eq!(all.skipped.len(), 2);
}
