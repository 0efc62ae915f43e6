//! What a finished step touches and where it comes from: the tables it locks (and how their
//! rows are affected), whether it rewrites one, and the golden SQL origin of its object on each
//! side, all read from the step's typed object and changes and the two models.

use super::{
    Access, Change, LockMode, ObjectKind as K, OpKind, Operation, StepOrigin, TableAccess,
};
use crate::model::{ConstraintKind, Dep, FuncId, QName, Schema};
use crate::source::Origin;

/// Fills `op.tables`, `op.rewrite` and `op.origin` of a step planned from `from` to `to`.
pub(crate) fn describe(op: &mut Operation, from: &Schema, to: &Schema) {
    op.origin = StepOrigin {
        old: origin_in(op, from),
        new: origin_in(op, to),
    };
    op.rewrite = op.rewrite || rewrites(op, from, to);
    op.tables = tables(op, from, to);
}

/// The origin of the step's object in one model (`None` when it is not there).
fn origin_in(op: &Operation, s: &Schema) -> Option<Origin> {
    let o = &op.object;
    let q = o.qname();
    let member = o.member.as_deref().unwrap_or("");
    let origin = match o.kind {
        K::Schema => s.schemas.get(&o.name).map(|x| &x.origin),
        K::Extension => s.extensions.get(&o.name).map(|x| &x.origin),
        K::Collation => s.collations.get(&q).map(|x| &x.origin),
        K::Type => s.types.get(&q).map(|x| &x.origin),
        K::Sequence => s.sequences.get(&q).map(|x| &x.origin),
        K::Table => s.tables.get(&q).map(|x| &x.origin),
        K::Column => s
            .tables
            .get(&q)
            .and_then(|t| t.column(member))
            .map(|c| &c.origin),
        K::Constraint => s
            .tables
            .get(&q)
            .and_then(|t| t.constraints.get(member))
            .map(|c| &c.origin),
        K::Index => s.indexes.get(&q).map(|x| &x.origin),
        K::View | K::MaterializedView => s.views.get(&q).map(|x| &x.origin),
        K::Function => s
            .functions
            .get(&FuncId {
                name: q.clone(),
                args: o.args.clone(),
            })
            .map(|x| &x.origin),
        K::Trigger => s
            .triggers
            .get(&(q.clone(), member.to_string()))
            .map(|x| &x.origin),
        K::Policy => s
            .policies
            .get(&(q.clone(), member.to_string()))
            .map(|x| &x.origin),
        K::Privilege => s
            .tables
            .get(&q)
            .map(|x| &x.origin)
            .or_else(|| s.views.get(&q).map(|x| &x.origin))
            .or_else(|| s.sequences.get(&q).map(|x| &x.origin)),
        K::Statement => s
            .passthrough
            .iter()
            .find(|p| op.sql.first() == Some(&p.sql))
            .map(|p| &p.origin),
    };
    origin.filter(|o| o.line > 0).cloned()
}

/// Whether the step rewrites its table: a column type change PostgreSQL cannot do in place,
/// `SET LOGGED`/`UNLOGGED`, or a new column whose value must be computed for every row.
fn rewrites(op: &Operation, from: &Schema, to: &Schema) -> bool {
    let q = op.object.qname();
    let member = op.object.member.as_deref().unwrap_or("");
    match (op.object.kind, op.kind) {
        (K::Column, OpKind::Create) => {
            let exists = from.tables.contains_key(&q);
            exists
                && to
                    .tables
                    .get(&q)
                    .and_then(|t| t.column(member))
                    .is_some_and(|c| {
                        c.generated.is_some()
                            || c.identity.is_some()
                            || c.default.as_ref().is_some_and(|d| volatile(&d.sql))
                    })
        }
        (K::Column, _) if op.changes.contains(&Change::Type) => {
            let old = from.tables.get(&q).and_then(|t| t.column(member));
            let new = to.tables.get(&q).and_then(|t| t.column(member));
            match (old, new) {
                (Some(o), Some(n)) if o.collation == n.collation => {
                    !binary_coercible(&o.ty.sql, &n.ty.sql)
                }
                _ => true,
            }
        }
        (K::Table, OpKind::Alter) => {
            let (Some(o), Some(n)) = (from.tables.get(&q), to.tables.get(&q)) else {
                return false;
            };
            op.changes.contains(&Change::Options) && o.unlogged != n.unlogged
        }
        _ => false,
    }
}

/// Whether a column type change from `old` to `new` keeps the stored bytes (no rewrite).
fn binary_coercible(old: &str, new: &str) -> bool {
    let varchar_len = |t: &str| {
        t.strip_prefix("character varying(")
            .and_then(|r| r.strip_suffix(')'))
            .and_then(|n| n.parse::<u32>().ok())
    };
    let unbounded = |t: &str| t == "text" || t == "character varying";
    let varchar_like = |t: &str| unbounded(t) || varchar_len(t).is_some();
    match (varchar_len(old), varchar_len(new)) {
        (Some(a), Some(b)) => a <= b,
        _ => varchar_like(old) && unbounded(new) || old == new,
    }
}

/// Whether a default expression is volatile, so adding a column with it fills every row.
fn volatile(sql: &str) -> bool {
    const VOLATILE: [&str; 6] = [
        "random(",
        "gen_random_uuid(",
        "uuid_generate_v4(",
        "clock_timestamp(",
        "nextval(",
        "timeofday(",
    ];
    VOLATILE.iter().any(|f| sql.contains(f))
}

/// The tables a step touches: its own table (for tables, columns, constraints, indexes,
/// triggers, policies, privileges on tables), a foreign key's target, a view's relations.
fn tables(op: &Operation, from: &Schema, to: &Schema) -> Vec<TableAccess> {
    let q = op.object.qname();
    let own_access = if op.rewrite {
        Access::Rewrite
    } else if scans(op, to) {
        Access::Scan
    } else {
        Access::Catalog
    };
    let entry = |q: &QName, lock: LockMode, access: Access| TableAccess {
        schema: q.schema.clone(),
        name: q.name.clone(),
        lock,
        access,
    };
    let mut out = Vec::new();
    match op.object.kind {
        K::Table | K::Column | K::Constraint | K::Trigger | K::Policy | K::Sequence => {
            out.push(entry(&q, op.lock, own_access));
        }
        K::Index => {
            let table = to
                .indexes
                .get(&q)
                .or_else(|| from.indexes.get(&q))
                .map(|i| i.table.clone())
                .or_else(|| constraint_table(op));
            if let Some(t) = table {
                out.push(entry(&t, op.lock, own_access));
            }
        }
        K::View | K::MaterializedView => {
            out.push(entry(&q, op.lock, own_access));
            if op.kind == OpKind::Create {
                if let Some(v) = to.views.get(&q) {
                    for d in &v.deps {
                        if let Dep::Relation(r) = d {
                            if to.tables.contains_key(r) || to.views.contains_key(r) {
                                out.push(entry(r, LockMode::AccessShare, Access::Reference));
                            }
                        }
                    }
                }
            }
        }
        K::Privilege if from.tables.contains_key(&q) || to.tables.contains_key(&q) => {
            out.push(entry(&q, LockMode::None, Access::Catalog));
        }
        _ => {}
    }
    if op.object.kind == K::Constraint && op.kind != OpKind::Drop {
        let member = op.object.member.as_deref().unwrap_or("");
        if let Some(c) = to.tables.get(&q).and_then(|t| t.constraints.get(member)) {
            if let ConstraintKind::ForeignKey { table, .. } = &c.kind {
                if *table != q {
                    out.push(entry(table, LockMode::ShareRowExclusive, Access::Reference));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The table of an index built for a constraint (its step names the constraint's table).
fn constraint_table(op: &Operation) -> Option<QName> {
    op.object.member.as_ref().map(|_| op.object.qname())
}

/// Whether a step reads every row of its table: index builds, validations, constraints
/// added valid, NOT NULL set without a proof.
fn scans(op: &Operation, to: &Schema) -> bool {
    if op
        .changes
        .iter()
        .any(|c| matches!(c, Change::Validate | Change::SetNotNull))
    {
        return true;
    }
    match (op.object.kind, op.kind) {
        (K::Index, OpKind::Create) => true,
        (K::Constraint, OpKind::Create) => {
            let q = op.object.qname();
            let member = op.object.member.as_deref().unwrap_or("");
            let existing_valid = to
                .tables
                .get(&q)
                .and_then(|t| t.constraints.get(member))
                .is_some_and(|c| !c.not_valid);
            existing_valid
                && !op
                    .changes
                    .iter()
                    .any(|c| matches!(c, Change::Attach | Change::CreateNotValid))
        }
        _ => false,
    }
}
