//! Watched flows: verdicts kept current across updates by re-deciding only the flows that
//! went through a recompiled part.
//!
//! A verdict depends on the parts its walk read: the interfaces on the path (and so their
//! security groups and VPCs), the ACLs and route tables it crossed, the gateways it went
//! through, the components it blames, and the flow's own endpoints. All of these are named
//! in the verdict's hops and explanations, so they are its dependencies; an update that
//! recompiled none of them leaves the verdict as it was. A flow that reaches an interface
//! endpoint is the exception: the PrivateLink walk tries every target and keeps the hops of
//! one, so such a flow is re-decided after every update.

use std::collections::BTreeSet;

use crate::fast::{HashMap, HashSet};
use std::sync::Arc;

use openvpc_core::ids::Kind;

use crate::explain::HopKind;
use crate::update::Touched;
use crate::{decide, Endpoint, Flow, Verdict, View};

/// Flows with their current verdicts.
#[derive(Debug, Clone)]
pub struct Watch {
    flows: Vec<Flow>,
    verdicts: Vec<Verdict>,
    deps: Vec<Vec<Arc<str>>>,
    by_dep: HashMap<Arc<str>, HashSet<u32>>,
}

impl Watch {
    /// Decides `flows` in `view`.
    pub fn new(view: &View, flows: Vec<Flow>) -> Watch {
        let mut w = Watch {
            verdicts: Vec::with_capacity(flows.len()),
            deps: Vec::with_capacity(flows.len()),
            flows,
            by_dep: HashMap::default(),
        };
        for i in 0..w.flows.len() {
            let v = decide(view, &w.flows[i]);
            let d = deps(view, &w.flows[i], &v);
            w.index(i as u32, &d);
            w.verdicts.push(v);
            w.deps.push(d);
        }
        w
    }

    pub fn flows(&self) -> &[Flow] {
        &self.flows
    }

    pub fn verdicts(&self) -> &[Verdict] {
        &self.verdicts
    }

    fn index(&mut self, i: u32, deps: &[Arc<str>]) {
        for d in deps {
            self.by_dep.entry(d.clone()).or_default().insert(i);
        }
    }

    /// Re-decides, in the updated `view`, the flows that depend on a `touched` part;
    /// returns how many.
    pub fn refresh(&mut self, view: &View, touched: &Touched) -> usize {
        let redo: BTreeSet<u32> = match touched {
            Touched::All => (0..self.flows.len() as u32).collect(),
            Touched::Parts(ids) => ids
                .iter()
                .map(|id| &**id)
                .chain([ANY])
                .filter_map(|id| self.by_dep.get(id))
                .flatten()
                .copied()
                .collect(),
        };
        for &i in &redo {
            let old = std::mem::take(&mut self.deps[i as usize]);
            for d in &old {
                if let Some(set) = self.by_dep.get_mut(d) {
                    set.remove(&i);
                }
            }
            let f = &self.flows[i as usize];
            let v = decide(view, f);
            let d = deps(view, f, &v);
            self.index(i, &d);
            self.verdicts[i as usize] = v;
            self.deps[i as usize] = d;
        }
        redo.len()
    }
}

/// The dependency of a flow that every update may change.
const ANY: &str = "*";

/// The ids of the parts a verdict read.
fn deps(view: &View, flow: &Flow, v: &Verdict) -> Vec<Arc<str>> {
    let mut d: BTreeSet<Arc<str>> = BTreeSet::new();
    d.insert(Arc::from(flow.source.as_str()));
    if let Endpoint::Eni(id) | Endpoint::Instance(id) | Endpoint::Vpce(id) = &flow.destination {
        d.insert(Arc::from(id.as_str()));
    }
    for h in v.forward.iter().chain(&v.return_path) {
        d.insert(h.component.clone());
        let eni = matches!(
            h.kind,
            HopKind::NetworkInterface | HopKind::Middlebox | HopKind::InterfaceEndpoint
        );
        if let Some(&e) = view.eni_ix.get(&h.component).filter(|_| eni) {
            let e = &view.enis[e as usize];
            d.extend(e.group_ids.iter().cloned());
            d.insert(view.vpcs[e.vpc as usize].id.clone());
        }
    }
    d.extend(v.explanations.iter().map(|e| e.component.clone()));
    let privatelink = v.forward.iter().chain(&v.return_path).any(|h| {
        matches!(
            h.kind,
            HopKind::InterfaceEndpoint
                | HopKind::GatewayLoadBalancerEndpoint
                | HopKind::EndpointService
                | HopKind::LoadBalancer
                | HopKind::LoadBalancerListener
                | HopKind::TargetGroup
        )
    });
    if privatelink
        || matches!(flow.destination, Endpoint::Vpce(_))
        || Kind::VpcEndpoint.names(&flow.source)
    {
        d.insert(Arc::from(ANY));
    }
    d.into_iter().collect()
}
