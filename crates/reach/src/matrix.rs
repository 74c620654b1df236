//! Which subnets reach which: one protocol and port decided for every ordered pair of
//! subnets in scope, over one compiled [`View`].
//!
//! The interfaces of a subnet are its workload interfaces (`interface_type` `interface`:
//! instances' and user-created ENIs; not NAT gateway, load balancer or endpoint ENIs).
//! Subnets without one are listed as skipped. When the scope holds few enough interfaces
//! (`n·(n−1)` flows at most `max_flows`), every ordered pair of distinct interfaces is
//! decided and a cell is reachable, blocked or partial; otherwise each subnet is
//! represented by its lowest-id interface (and, within one subnet, its two lowest).

use std::collections::BTreeMap;

use openvpc_core::World;

use crate::explain::{Code, Explanation, Verdict};
use crate::{decide, Endpoint, Flow, Protocol, View};

/// Flows decided exhaustively at most, by default, before falling back to representatives.
pub const DEFAULT_MAX_FLOWS: usize = 10_000;

/// How interfaces were picked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sampling {
    /// Every ordered pair of distinct interfaces.
    EveryInterface,
    /// The lowest-id interface of each subnet (two lowest within a subnet).
    Representative,
}

impl Sampling {
    pub fn as_str(self) -> &'static str {
        match self {
            Sampling::EveryInterface => "every-interface",
            Sampling::Representative => "representative",
        }
    }
}

/// A subnet in scope.
#[derive(Debug, Clone)]
pub struct MatrixSubnet {
    pub id: String,
    pub vpc: String,
    pub cidr: String,
    pub availability_zone: String,
    /// Its `Name` tag.
    pub name: Option<String>,
    /// Its workload interfaces, in id order.
    pub interfaces: Vec<String>,
}

/// One decided flow between two interfaces.
#[derive(Debug, Clone)]
pub struct PairFlow {
    pub source: String,
    pub destination: String,
    pub verdict: Verdict,
}

/// What a cell says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellState {
    /// Every flow decided gets through.
    Reachable,
    /// No flow decided gets through.
    Blocked,
    /// Some do, some do not.
    Partial,
    /// None is blocked, but some cross a component the engine does not model.
    Unknown,
    /// Nothing to decide (a subnet with one interface, to itself).
    Empty,
}

impl CellState {
    pub fn as_str(self) -> &'static str {
        match self {
            CellState::Reachable => "reachable",
            CellState::Blocked => "not-reachable",
            CellState::Partial => "partial",
            CellState::Unknown => "unknown",
            CellState::Empty => "no-flow",
        }
    }
}

/// A blocker seen in a cell (its first occurrence), with how many of its flows it blocks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocker {
    pub explanation: Explanation,
    pub flows: usize,
}

/// An ordered pair of subnets (indexes into [`Matrix::subnets`]) and its flows.
#[derive(Debug, Clone)]
pub struct Cell {
    pub from: usize,
    pub to: usize,
    pub flows: Vec<PairFlow>,
}

impl Cell {
    /// Reachable flows.
    pub fn reachable(&self) -> usize {
        self.flows.iter().filter(|f| f.verdict.reachable).count()
    }

    pub fn state(&self) -> CellState {
        let ok = self.reachable();
        let blocked = self
            .flows
            .iter()
            .filter(|f| f.verdict.outcome() == crate::Outcome::Blocked)
            .count();
        if self.flows.is_empty() {
            CellState::Empty
        } else if ok < self.flows.len() && blocked == 0 {
            CellState::Unknown
        } else if ok == self.flows.len() {
            CellState::Reachable
        } else if ok == 0 {
            CellState::Blocked
        } else {
            CellState::Partial
        }
    }

    /// The distinct codes of all its flows, sorted.
    pub fn codes(&self) -> Vec<Code> {
        let mut c: Vec<Code> = self.flows.iter().flat_map(|f| f.verdict.codes()).collect();
        c.sort();
        c.dedup();
        c
    }

    /// Its blockers, grouped by (code, component, direction, rule), in order of first sight.
    pub fn blockers(&self) -> Vec<Blocker> {
        let mut out: Vec<Blocker> = Vec::new();
        for f in &self.flows {
            for e in &f.verdict.explanations {
                let same = |b: &Blocker| {
                    let x = &b.explanation;
                    x.code == e.code
                        && x.component == e.component
                        && x.direction == e.direction
                        && x.rule() == e.rule()
                };
                match out.iter_mut().find(|b| same(b)) {
                    Some(b) => b.flows += 1,
                    None => out.push(Blocker {
                        explanation: e.clone(),
                        flows: 1,
                    }),
                }
            }
        }
        out
    }
}

/// The reachability matrix of a set of subnets.
#[derive(Debug, Clone)]
pub struct Matrix {
    pub protocol: Protocol,
    pub port: Option<u16>,
    pub sampling: Sampling,
    pub subnets: Vec<MatrixSubnet>,
    /// Subnets in scope without a workload interface.
    pub skipped: Vec<MatrixSubnet>,
    /// Row-major: `cells[from * subnets.len() + to]`.
    pub cells: Vec<Cell>,
}

impl Matrix {
    pub fn cell(&self, from: usize, to: usize) -> &Cell {
        &self.cells[from * self.subnets.len() + to]
    }

    /// Number of flows decided.
    pub fn flow_count(&self) -> usize {
        self.cells.iter().map(|c| c.flows.len()).sum()
    }
}

/// A workload interface: an instance's or one created by the user.
fn is_workload(interface_type: &str) -> bool {
    interface_type == "interface"
}

/// The subnets of `vpcs` (every VPC when empty), in the order the VPCs are given (by id
/// when none are) and then by CIDR, with their workload interfaces.
pub fn subnets_in_scope(world: &World, vpcs: &[String]) -> Vec<MatrixSubnet> {
    let order: Vec<String> = if vpcs.is_empty() {
        world.vpcs.values().map(|v| v.id.clone()).collect()
    } else {
        vpcs.to_vec()
    };
    let mut interfaces: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for e in world.network_interfaces.values() {
        if is_workload(&e.interface_type) {
            interfaces
                .entry(e.subnet_id.as_str())
                .or_default()
                .push(e.id.clone());
        }
    }
    let mut out = Vec::new();
    for vpc in &order {
        let mut subs: Vec<_> = world
            .subnets
            .values()
            .filter(|s| &s.vpc_id == vpc)
            .collect();
        subs.sort_by_key(|s| (s.cidr.map(|c| (c.addr(), c.prefix_len())), s.display_cidr()));
        for s in subs {
            let name = openvpc_core::tags::of(world, &s.scope, &s.id)
                .get("Name")
                .cloned();
            out.push(MatrixSubnet {
                id: s.id.clone(),
                vpc: s.vpc_id.clone(),
                cidr: s.display_cidr(),
                availability_zone: s.availability_zone.clone(),
                name,
                interfaces: interfaces.get(s.id.as_str()).cloned().unwrap_or_default(),
            });
        }
    }
    out
}

/// Decides `protocol`/`port` between every ordered pair of subnets of `vpcs` (every VPC
/// when empty) in `view`, compiled once from `world` by the caller.
pub fn matrix(
    world: &World,
    view: &View,
    vpcs: &[String],
    protocol: Protocol,
    port: Option<u16>,
    max_flows: usize,
) -> Matrix {
    let (subnets, skipped): (Vec<_>, Vec<_>) = subnets_in_scope(world, vpcs)
        .into_iter()
        .partition(|s| !s.interfaces.is_empty());
    let n: usize = subnets.iter().map(|s| s.interfaces.len()).sum();
    let sampling = if n.saturating_mul(n.saturating_sub(1)) <= max_flows {
        Sampling::EveryInterface
    } else {
        Sampling::Representative
    };
    let picked: Vec<&[String]> = subnets
        .iter()
        .map(|s| match sampling {
            Sampling::EveryInterface => &s.interfaces[..],
            Sampling::Representative => &s.interfaces[..s.interfaces.len().min(2)],
        })
        .collect();
    let mut cells = Vec::with_capacity(subnets.len() * subnets.len());
    for (i, from) in picked.iter().enumerate() {
        for (j, to) in picked.iter().enumerate() {
            let pairs: Vec<(&String, &String)> = match sampling {
                Sampling::EveryInterface => from
                    .iter()
                    .flat_map(|a| to.iter().map(move |b| (a, b)))
                    .filter(|(a, b)| a != b)
                    .collect(),
                Sampling::Representative if i == j => {
                    from.get(1).map(|b| (&from[0], b)).into_iter().collect()
                }
                Sampling::Representative => vec![(&from[0], &to[0])],
            };
            let flows = pairs
                .into_iter()
                .map(|(a, b)| PairFlow {
                    source: a.clone(),
                    destination: b.clone(),
                    verdict: decide(
                        view,
                        &Flow::new(a, Endpoint::Eni(b.clone()), protocol, port),
                    ),
                })
                .collect();
            cells.push(Cell {
                from: i,
                to: j,
                flows,
            });
        }
    }
    Matrix {
        protocol,
        port,
        sampling,
        subnets,
        skipped,
        cells,
    }
}
