//! How an ordered plan runs: its operations cut into groups, each a transaction block or a run
//! of steps outside any transaction, and the exact script (statements and comments) that runs
//! them with the configured timeouts. The plan hash covers this script's statements.

use super::{Operation, Plan};
use serde::Serialize;

/// When an operation should run relative to the plan's transaction blocks. Ordering prefers
/// earlier stages, but dependencies win: an operation runs after everything it needs, even
/// when that puts it later than its stage suggests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Before the main transaction: enum labels added (committed, because a label cannot be
    /// used in the transaction that adds it) and indexes dropped concurrently.
    Before,
    /// The main transaction.
    #[default]
    Main,
    /// Outside any transaction, after the main one: indexes built concurrently.
    Concurrent,
    /// Each in a transaction of its own: `VALIDATE CONSTRAINT`, a scan that blocks neither
    /// reads nor writes.
    Validate,
    /// After validation: constraints attached to concurrently built indexes, `SET NOT NULL`
    /// proved by a validated check.
    Finish,
}

/// One group of consecutive operations: a transaction block, or steps outside any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Group {
    /// 1-based position in the plan.
    pub number: usize,
    /// Whether the group is one transaction block (`BEGIN` ... `COMMIT`).
    pub transactional: bool,
    /// How many operations it holds.
    pub operations: usize,
    /// Why it is a group of its own, in words.
    pub note: String,
}

/// One line of a rendered plan script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Line {
    /// An empty line.
    Blank,
    /// A `--` comment (text without the dashes).
    Comment(String),
    /// A statement (without its semicolon).
    Statement(String),
}

/// Whether `b` must start a new group after `a` (both in plan order).
fn starts_group(a: &Operation, b: &Operation) -> bool {
    if a.transactional != b.transactional {
        return true;
    }
    if !b.transactional {
        return false;
    }
    // Validations each get a short transaction of their own; labels added before the main
    // transaction must be committed before it.
    a.stage == Stage::Validate
        || b.stage == Stage::Validate
        || (a.stage == Stage::Before) != (b.stage == Stage::Before)
}

/// Numbers the groups of an ordered plan (`Operation::group`, from 1).
pub(crate) fn assign_groups(plan: &mut Plan) {
    let mut number = 0;
    for i in 0..plan.operations.len() {
        if i == 0 || starts_group(&plan.operations[i - 1], &plan.operations[i]) {
            number += 1;
        }
        plan.operations[i].group = number;
    }
}

impl Plan {
    /// The plan's groups in order: transaction blocks and runs of steps outside any.
    pub fn groups(&self) -> Vec<Group> {
        self.group_slices()
            .into_iter()
            .enumerate()
            .map(|(k, ops)| Group {
                number: k + 1,
                transactional: ops[0].transactional,
                operations: ops.len(),
                note: note(ops),
            })
            .collect()
    }

    /// Consecutive operations sharing a group number.
    fn group_slices(&self) -> Vec<&[Operation]> {
        let ops = &self.operations;
        let mut out = Vec::new();
        let mut start = 0;
        for i in 1..=ops.len() {
            if i == ops.len() || ops[i].group != ops[start].group {
                out.push(&ops[start..i]);
                start = i;
            }
        }
        out
    }

    /// The script that runs the plan: each group with its `BEGIN`/`COMMIT` and timeouts, each
    /// operation under a comment naming it.
    pub(crate) fn script(&self) -> Vec<Line> {
        let mut lines = Vec::new();
        let slices = self.group_slices();
        let total = slices.len();
        for (k, ops) in slices.into_iter().enumerate() {
            lines.push(Line::Blank);
            let transactional = ops[0].transactional;
            lines.push(Line::Comment(format!(
                "group {} of {total}: {}",
                k + 1,
                note(ops)
            )));
            if transactional {
                lines.push(Line::Statement("BEGIN".into()));
                for (name, value) in [
                    ("lock_timeout", &self.options.lock_timeout),
                    ("statement_timeout", &self.options.statement_timeout),
                ] {
                    if let Some(v) = value {
                        lines.push(Line::Statement(format!("SET LOCAL {name} = '{v}'")));
                    }
                }
            } else {
                if ops.iter().any(Operation::builds_index_concurrently) {
                    lines.push(Line::Comment(
                        "a failed CREATE INDEX CONCURRENTLY leaves an INVALID index: drop it (DROP INDEX CONCURRENTLY) before running this group again".into(),
                    ));
                }
                lines.push(Line::Comment(
                    "no lock_timeout here: these steps block neither reads nor writes, and waiting for older transactions is part of their work".into(),
                ));
                if let Some(v) = &self.options.statement_timeout {
                    lines.push(Line::Statement(format!("SET statement_timeout = '{v}'")));
                }
            }
            for op in ops {
                lines.push(Line::Blank);
                lines.extend(operation_lines(op));
            }
            if transactional {
                lines.push(Line::Blank);
                lines.push(Line::Statement("COMMIT".into()));
            } else if self.options.statement_timeout.is_some() {
                lines.push(Line::Blank);
                lines.push(Line::Statement("RESET statement_timeout".into()));
            }
        }
        lines
    }
}

/// The comment naming an operation, its reason, and its statements.
fn operation_lines(op: &Operation) -> Vec<Line> {
    let mut lines = Vec::new();
    let kind = match op.kind {
        super::OpKind::Create => "create",
        super::OpKind::Drop => "drop",
        super::OpKind::Alter => "alter",
        super::OpKind::Rename => "rename",
    };
    let mut head = format!(
        "{kind} {} {}",
        op.object.kind.label(),
        op.identity.replace('\n', " ")
    );
    if op.destructive {
        head.push_str("  [DESTRUCTIVE]");
    }
    lines.push(Line::Comment(head));
    if let Some(r) = &op.reason {
        lines.push(Line::Comment(format!("({r})")));
    }
    for s in &op.sql {
        lines.push(Line::Statement(
            s.trim_end().trim_end_matches(';').to_string(),
        ));
    }
    lines
}

/// Why a group is what it is, in words.
fn note(ops: &[Operation]) -> String {
    if !ops[0].transactional {
        let creates = ops.iter().any(Operation::builds_index_concurrently);
        let drops = ops.iter().any(Operation::drops_index_concurrently);
        let what = match (creates, drops) {
            (true, true) => "CREATE INDEX CONCURRENTLY and DROP INDEX CONCURRENTLY cannot",
            (false, true) => "DROP INDEX CONCURRENTLY cannot",
            _ => "CREATE INDEX CONCURRENTLY cannot",
        };
        return format!("outside transaction: {what} run in a transaction block");
    }
    if ops.iter().all(|o| o.stage == Stage::Validate) {
        return "transaction of its own: VALIDATE CONSTRAINT scans under SHARE UPDATE EXCLUSIVE, which blocks neither reads nor writes".into();
    }
    if ops.iter().all(|o| o.stage == Stage::Before) {
        return "transaction committed first: an enum label cannot be used in the transaction that adds it".into();
    }
    "transaction".into()
}
