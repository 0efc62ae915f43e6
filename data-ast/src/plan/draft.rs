//! A plan while it is being made: its operations with the dependency-graph keys of each (borrowed
//! from the models, so they live only as long as planning) and the ordering constraints found
//! while diffing. `finish` turns both directions into the [`PlanPair`] callers see.

use super::{access, execution, Operation, Plan, PlanOptions, PlanPair};
use crate::model::{Key, Schema};
use std::collections::HashMap;

/// Operations under construction, with their graph keys.
#[derive(Debug, Default)]
pub(crate) struct Draft<'a> {
    /// The operations, in generation order until ordered.
    pub ops: Vec<Operation>,
    /// The keys of each operation (same index as `ops`); the first names its object.
    pub keys: Vec<Vec<Key<'a>>>,
    /// Ordering constraints (before, after), by operation index.
    pub edges: Vec<(usize, usize)>,
    /// Things the plan deliberately does not do, with the reason.
    pub warnings: Vec<String>,
}

impl<'a> Draft<'a> {
    /// Appends an operation with its keys; returns its index.
    pub fn push(&mut self, op: Operation, keys: Vec<Key<'a>>) -> usize {
        self.ops.push(op);
        self.keys.push(keys);
        self.ops.len() - 1
    }

    /// Reorders operations (and their keys) to `order`, a permutation of their indexes.
    pub fn permute(&mut self, order: &[usize]) {
        let mut ops: Vec<Option<Operation>> = std::mem::take(&mut self.ops)
            .into_iter()
            .map(Some)
            .collect();
        let mut keys: Vec<Option<Vec<Key<'a>>>> = std::mem::take(&mut self.keys)
            .into_iter()
            .map(Some)
            .collect();
        for &i in order {
            self.ops
                .push(ops[i].take().expect("because each index is emitted once"));
            self.keys
                .push(keys[i].take().expect("because each index is emitted once"));
        }
        self.edges.clear();
    }
}

/// Finishes both directions: groups, tables and origins of each step, and each step's reverse
/// from the other direction's steps on the same objects.
pub(crate) fn finish(
    forward: Draft<'_>,
    rollback: Draft<'_>,
    old: &Schema,
    new: &Schema,
    options: &PlanOptions,
) -> PlanPair {
    let mut fwd = into_plan(forward.ops, forward.warnings, old, new, options);
    let mut back = into_plan(rollback.ops, rollback.warnings, new, old, options);
    attach_reverse(&mut fwd, &forward.keys, &back, &rollback.keys);
    attach_reverse(&mut back, &rollback.keys, &fwd, &forward.keys);
    PlanPair {
        forward: fwd,
        rollback: back,
    }
}

fn into_plan(
    ops: Vec<Operation>,
    warnings: Vec<String>,
    from: &Schema,
    to: &Schema,
    options: &PlanOptions,
) -> Plan {
    let mut plan = Plan {
        operations: ops,
        warnings,
        options: options.clone(),
    };
    execution::assign_groups(&mut plan);
    for op in &mut plan.operations {
        access::describe(op, from, to);
    }
    plan
}

/// Fills `reverse_sql` of each operation from the operations of `other` on the same objects.
fn attach_reverse(
    plan: &mut Plan,
    keys: &[Vec<Key<'_>>],
    other: &Plan,
    other_keys: &[Vec<Key<'_>>],
) {
    let mut by_key: HashMap<&Key<'_>, Vec<usize>> = HashMap::new();
    for (i, ks) in other_keys.iter().enumerate() {
        for k in ks {
            by_key.entry(k).or_default().push(i);
        }
    }
    for (op, ks) in plan.operations.iter_mut().zip(keys) {
        let mut idx: Vec<usize> = ks
            .iter()
            .flat_map(|k| by_key.get(k).into_iter().flatten().copied())
            .collect();
        idx.sort_unstable();
        idx.dedup();
        op.reverse_sql = idx
            .iter()
            .flat_map(|i| other.operations[*i].sql.iter().cloned())
            .collect();
        op.reverse_loses_data = idx.iter().any(|i| other.operations[*i].destructive);
    }
}
