//! Orders a plan's operations by the dependencies between the objects they touch (petgraph),
//! breaking ties by stage (transaction block first, concurrent steps and validations after),
//! phase and generation order, so the result is the same on every run.

use super::graph::{Graph, Key};
use super::{ObjectKind, OpKind, Plan};
use crate::error::{Error, Result};
use petgraph::graph::{DiGraph, NodeIndex};
use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

/// Sorts `plan.operations` into an executable order, given the dependency graphs of the
/// schema the plan starts from and the one it ends at.
pub fn order(plan: &mut Plan, old_g: &Graph, new_g: &Graph) -> Result<()> {
    let ops = &plan.operations;
    let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, op) in ops.iter().enumerate() {
        for k in &op.keys {
            by_key.entry(k.as_str()).or_default().push(i);
        }
    }
    let empty: Vec<(Key, bool)> = Vec::new();
    let mut edges: BTreeSet<(usize, usize)> = plan.extra_edges.iter().copied().collect();
    let has = |k: &str, kind: OpKind| {
        by_key
            .get(k)
            .is_some_and(|v| v.iter().any(|j| ops[*j].kind == kind))
    };
    for (i, op) in ops.iter().enumerate() {
        for k in &op.keys {
            let old_deps = old_g.deps.get(k).unwrap_or(&empty);
            let new_deps = new_g.deps.get(k).unwrap_or(&empty);
            match op.kind {
                OpKind::Rename => {
                    // A rename precedes every other change of the object under its new name.
                    for j in by_key.get(k.as_str()).into_iter().flatten() {
                        if *j != i && ops[*j].kind != OpKind::Drop && ops[*j].kind != OpKind::Rename
                        {
                            edges.insert((i, *j));
                        }
                    }
                }
                OpKind::Drop => {
                    for (d, hard) in old_deps {
                        if !*hard {
                            continue;
                        }
                        for j in by_key.get(d.as_str()).into_iter().flatten() {
                            if *j != i && ops[*j].kind != OpKind::Create {
                                edges.insert((i, *j));
                            }
                        }
                    }
                    // Same object dropped and created again, or a name reused by another kind.
                    for j in by_key.get(k.as_str()).into_iter().flatten() {
                        if *j != i && matches!(ops[*j].kind, OpKind::Create | OpKind::Rename) {
                            edges.insert((i, *j));
                        }
                    }
                }
                OpKind::Create | OpKind::Alter => {
                    for (d, _) in new_deps {
                        for j in by_key.get(d.as_str()).into_iter().flatten() {
                            if *j != i && ops[*j].kind != OpKind::Drop {
                                edges.insert((*j, i));
                            }
                        }
                    }
                    if let Some(object) = k
                        .strip_prefix("grant:")
                        .filter(|_| op.object == ObjectKind::Privilege)
                    {
                        // Privileges are granted once their object exists (they are keyed apart
                        // from it, so nothing that depends on the object waits for them).
                        for j in by_key.get(object).into_iter().flatten() {
                            if *j != i && ops[*j].kind == OpKind::Create {
                                edges.insert((*j, i));
                            }
                        }
                    }
                    if op.kind == OpKind::Alter {
                        // An alter that stops using an object runs before that object is dropped.
                        for (d, hard) in old_deps {
                            if *hard && has(d, OpKind::Drop) && !has(d, OpKind::Create) {
                                for j in by_key.get(d.as_str()).into_iter().flatten() {
                                    if ops[*j].kind == OpKind::Drop && *j != i {
                                        edges.insert((i, *j));
                                    }
                                }
                            }
                        }
                    }
                }
            }
            // An alter that frees a name (dropping an identity drops its sequence) precedes
            // the creation of an object under that name.
            if op.kind == OpKind::Alter && k.starts_with("relname:") {
                for j in by_key.get(k.as_str()).into_iter().flatten() {
                    if *j != i && matches!(ops[*j].kind, OpKind::Create | OpKind::Rename) {
                        edges.insert((i, *j));
                    }
                }
            }
            // Enum rebuilt under a new name: everything that used the old type moves first.
            for (d, _) in old_deps {
                if let Some(q) = d.strip_prefix("type:") {
                    for j in by_key
                        .get(format!("swap:{q}").as_str())
                        .into_iter()
                        .flatten()
                    {
                        if *j != i {
                            edges.insert((i, *j));
                        }
                    }
                }
            }
        }
    }
    let mut g: DiGraph<usize, ()> = DiGraph::new();
    let nodes: Vec<NodeIndex> = (0..ops.len()).map(|i| g.add_node(i)).collect();
    for (a, b) in &edges {
        g.add_edge(nodes[*a], nodes[*b], ());
    }
    let mut indegree: Vec<usize> = nodes
        .iter()
        .map(|n| {
            g.neighbors_directed(*n, petgraph::Direction::Incoming)
                .count()
        })
        .collect();
    let priority = |i: usize| Reverse((ops[i].stage, ops[i].phase, i));
    let mut ready: BinaryHeap<Reverse<(super::Stage, u8, usize)>> = (0..ops.len())
        .filter(|i| indegree[*i] == 0)
        .map(priority)
        .collect();
    let mut sorted = Vec::with_capacity(ops.len());
    while let Some(Reverse((_, _, i))) = ready.pop() {
        sorted.push(i);
        for n in g.neighbors_directed(nodes[i], petgraph::Direction::Outgoing) {
            let j = g[n];
            indegree[j] -= 1;
            if indegree[j] == 0 {
                ready.push(priority(j));
            }
        }
    }
    if sorted.len() != ops.len() {
        let cycles: Vec<String> = petgraph::algo::tarjan_scc(&g)
            .into_iter()
            .filter(|c| c.len() > 1)
            .map(|c| {
                c.iter()
                    .map(|n| format!("{} {}", ops[g[*n]].object.label(), ops[g[*n]].identity))
                    .collect::<Vec<_>>()
                    .join(" -> ")
            })
            .collect();
        return Err(Error::Cycle(cycles.join("; ")));
    }
    let mut taken: Vec<Option<super::Operation>> = std::mem::take(&mut plan.operations)
        .into_iter()
        .map(Some)
        .collect();
    plan.operations = sorted
        .into_iter()
        .map(|i| taken[i].take().expect("because each index is emitted once"))
        .collect();
    plan.extra_edges.clear();
    Ok(())
}
