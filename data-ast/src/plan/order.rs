//! Orders a plan's operations by the dependencies between the objects they touch (petgraph),
//! breaking ties by stage (transaction block first, concurrent steps and validations after),
//! phase and generation order, so the result is the same on every run.

use super::draft::Draft;
use super::graph::{Graph, Key};
use super::{ObjectKind, OpKind, Phase};
use crate::error::{Error, Result};
use petgraph::graph::{DiGraph, NodeIndex};
use std::cmp::Reverse;
use std::collections::{BTreeSet, BinaryHeap, HashMap};

/// Sorts `draft.ops` into an executable order, given the dependency graphs of the schema the
/// plan starts from and the one it ends at.
pub(crate) fn order<'a>(draft: &mut Draft<'a>, old_g: &Graph<'a>, new_g: &Graph<'a>) -> Result<()> {
    let ops = &draft.ops;
    let mut by_key: HashMap<&Key<'a>, Vec<usize>> = HashMap::new();
    for (i, keys) in draft.keys.iter().enumerate() {
        for k in keys {
            by_key.entry(k).or_default().push(i);
        }
    }
    let with = |k: &Key<'a>| by_key.get(k).map(Vec::as_slice).unwrap_or(&[]);
    let mut edges: BTreeSet<(usize, usize)> = draft.edges.iter().copied().collect();
    let has = |k: &Key<'a>, kind: OpKind| with(k).iter().any(|j| ops[*j].kind == kind);
    for (i, op) in ops.iter().enumerate() {
        for k in &draft.keys[i] {
            let old_deps = old_g.deps_of(k);
            let new_deps = new_g.deps_of(k);
            match op.kind {
                OpKind::Rename => {
                    // A rename precedes every other change of the object under its new name.
                    for &j in with(k) {
                        if j != i && ops[j].kind != OpKind::Drop && ops[j].kind != OpKind::Rename {
                            edges.insert((i, j));
                        }
                    }
                }
                OpKind::Drop => {
                    for (d, hard) in old_deps {
                        if !*hard {
                            continue;
                        }
                        for &j in with(d) {
                            if j != i && ops[j].kind != OpKind::Create {
                                edges.insert((i, j));
                            }
                        }
                    }
                    // Same object dropped and created again, or a name reused by another kind.
                    for &j in with(k) {
                        if j != i && matches!(ops[j].kind, OpKind::Create | OpKind::Rename) {
                            edges.insert((i, j));
                        }
                    }
                }
                OpKind::Create | OpKind::Alter => {
                    for (d, _) in new_deps {
                        for &j in with(d) {
                            if j != i && ops[j].kind != OpKind::Drop {
                                edges.insert((j, i));
                            }
                        }
                    }
                    if let Key::Grant(object) = k {
                        if op.object.kind == ObjectKind::Privilege {
                            // Privileges are granted once their object exists (they are keyed
                            // apart from it, so nothing that depends on the object waits for
                            // them).
                            for &j in with(object) {
                                if j != i && ops[j].kind == OpKind::Create {
                                    edges.insert((j, i));
                                }
                            }
                        }
                    }
                    if op.kind == OpKind::Alter {
                        // An alter that stops using an object runs before that object is dropped.
                        for (d, hard) in old_deps {
                            if *hard && has(d, OpKind::Drop) && !has(d, OpKind::Create) {
                                for &j in with(d) {
                                    if ops[j].kind == OpKind::Drop && j != i {
                                        edges.insert((i, j));
                                    }
                                }
                            }
                        }
                    }
                }
            }
            // An alter that frees a name (dropping an identity drops its sequence) precedes
            // the creation of an object under that name.
            if op.kind == OpKind::Alter && matches!(k, Key::RelName(_)) {
                for &j in with(k) {
                    if j != i && matches!(ops[j].kind, OpKind::Create | OpKind::Rename) {
                        edges.insert((i, j));
                    }
                }
            }
            // Enum rebuilt under a new name: everything that used the old type moves first.
            for (d, _) in old_deps {
                if let Key::Type(q) = d {
                    for &j in with(&Key::TypeSwap(q.clone())) {
                        if j != i {
                            edges.insert((i, j));
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
    let mut ready: BinaryHeap<Reverse<(super::Stage, Phase, usize)>> = (0..ops.len())
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
                    .map(|n| format!("{} {}", ops[g[*n]].object.kind.label(), ops[g[*n]].identity))
                    .collect::<Vec<_>>()
                    .join(" -> ")
            })
            .collect();
        return Err(Error::Cycle(cycles.join("; ")));
    }
    draft.permute(&sorted);
    Ok(())
}
