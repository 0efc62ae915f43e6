//! Compares two schema models object by object and emits operations, choosing the least
//! destructive form: ALTER in place, CREATE OR REPLACE, RENAME when annotated, and drop and
//! re-create only when PostgreSQL allows nothing else — with every dependent object dropped and
//! re-created around it.

use super::graph::{self, Graph, Key};
use super::render;
use super::{ObjectKind as K, OpKind, Operation, Plan, Stage};
use crate::model::*;
use crate::quote::{ident, literal};
use std::collections::{BTreeMap, BTreeSet};

/// Renames declared with `-- data:renamed from=`, keyed by the name on the target side.
#[derive(Debug, Clone, Default)]
pub struct Renames {
    /// (kind, target name) -> source name, for tables, views, types, indexes and functions.
    relations: BTreeMap<(K, QName), QName>,
    /// (target table, target column) -> source column.
    columns: BTreeMap<(QName, String), String>,
    /// (target table, target constraint) -> source constraint.
    constraints: BTreeMap<(QName, String), String>,
    /// (target type, target label) -> source label.
    labels: BTreeMap<(QName, String), String>,
}

impl Renames {
    /// Reads the annotations of `new` (renames whose old name is gone from `new` and present in `old`).
    pub fn from_annotations(old: &Schema, new: &Schema) -> Renames {
        let mut r = Renames::default();
        for t in new.tables.values() {
            if let Some(from) = &t.renamed_from {
                if old.tables.contains_key(from) && !new.tables.contains_key(from) {
                    r.relations.insert((K::Table, t.name.clone()), from.clone());
                }
            }
        }
        for t in new.tables.values() {
            let source = r
                .relations
                .get(&(K::Table, t.name.clone()))
                .cloned()
                .unwrap_or_else(|| t.name.clone());
            let Some(ot) = old.tables.get(&source) else {
                continue;
            };
            for c in &t.columns {
                if let Some(from) = &c.renamed_from {
                    if ot.column(from).is_some() && t.column(from).is_none() {
                        r.columns
                            .insert((t.name.clone(), c.name.clone()), from.clone());
                    }
                }
            }
            for c in t.constraints.values() {
                if let Some(from) = &c.renamed_from {
                    if ot.constraints.contains_key(from) && !t.constraints.contains_key(from) {
                        r.constraints
                            .insert((t.name.clone(), c.name.clone()), from.clone());
                    }
                }
            }
        }
        for v in new.views.values() {
            if let Some(from) = &v.renamed_from {
                if old.views.contains_key(from) && !new.views.contains_key(from) {
                    r.relations.insert((K::View, v.name.clone()), from.clone());
                }
            }
        }
        for t in new.types.values() {
            if let Some(from) = &t.renamed_from {
                if old.types.contains_key(from) && !new.types.contains_key(from) {
                    r.relations.insert((K::Type, t.name.clone()), from.clone());
                }
            }
            if let TypeKind::Enum { renamed, values } = &t.kind {
                for (to, from) in renamed {
                    if !values.contains(from) {
                        r.labels.insert((t.name.clone(), to.clone()), from.clone());
                    }
                }
            }
        }
        for i in new.indexes.values() {
            if let Some(from) = &i.renamed_from {
                let from = QName::new(&i.name.schema, from);
                if old.indexes.contains_key(&from) && !new.indexes.contains_key(&from) {
                    r.relations.insert((K::Index, i.name.clone()), from);
                }
            }
        }
        for f in new.functions.values() {
            if let Some(from) = &f.renamed_from {
                let from_id = FuncId {
                    name: from.clone(),
                    args: f.id.args.clone(),
                };
                if old.functions.contains_key(&from_id) && !new.functions.contains_key(&from_id) {
                    r.relations
                        .insert((K::Function, f.id.name.clone()), from.clone());
                }
            }
        }
        r
    }

    /// The same renames seen from the other side (for the rollback plan).
    pub fn inverse(&self) -> Renames {
        let table_back = |t: &QName| {
            self.relations
                .get(&(K::Table, t.clone()))
                .cloned()
                .unwrap_or_else(|| t.clone())
        };
        Renames {
            relations: self
                .relations
                .iter()
                .map(|((k, to), from)| ((*k, from.clone()), to.clone()))
                .collect(),
            columns: self
                .columns
                .iter()
                .map(|((t, to), from)| ((table_back(t), from.clone()), to.clone()))
                .collect(),
            constraints: self
                .constraints
                .iter()
                .map(|((t, to), from)| ((table_back(t), from.clone()), to.clone()))
                .collect(),
            labels: self
                .labels
                .iter()
                .map(|((t, to), from)| ((t.clone(), from.clone()), to.clone()))
                .collect(),
        }
    }

    fn source(&self, kind: K, target: &QName) -> QName {
        self.relations
            .get(&(kind, target.clone()))
            .cloned()
            .unwrap_or_else(|| target.clone())
    }

    fn renamed_sources(&self, kind: K) -> BTreeSet<QName> {
        self.relations
            .iter()
            .filter(|((k, _), _)| *k == kind)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

struct Differ<'a> {
    from: &'a Schema,
    to: &'a Schema,
    rn: &'a Renames,
    ops: Vec<Operation>,
    warnings: Vec<String>,
    /// Source-side keys of objects that are dropped (outright, or to be re-created).
    gone: BTreeSet<Key>,
    /// Source-side keys dropped only because something they depend on changed.
    forced: BTreeSet<Key>,
    /// Source-side column keys whose type changes (their dependents must be re-created).
    retyped: BTreeSet<Key>,
    /// Retyped columns whose type is rebuilt under a new name (enum or domain swaps): their
    /// indexes and CHECKs may compare them with values of the old type.
    swap_retyped: BTreeSet<Key>,
    /// Source-side column keys whose default must be dropped and set again.
    reset_default: BTreeSet<Key>,
    /// Enums whose labels are removed or reordered: rebuilt under a new name.
    swapped_enums: BTreeSet<QName>,
    /// Extra ordering edges (before, after) by op index.
    edges: Vec<(usize, usize)>,
}

/// Diffs `from` into `to`; `from_graph` is `from`'s dependency graph.
pub fn diff(from: &Schema, to: &Schema, from_graph: &Graph, rn: &Renames) -> Plan {
    let mut d = Differ {
        from,
        to,
        rn,
        ops: Vec::new(),
        warnings: Vec::new(),
        gone: BTreeSet::new(),
        forced: BTreeSet::new(),
        retyped: BTreeSet::new(),
        swap_retyped: BTreeSet::new(),
        reset_default: BTreeSet::new(),
        swapped_enums: BTreeSet::new(),
        edges: Vec::new(),
    };
    d.decide();
    d.propagate(from_graph);
    d.schemas();
    d.extensions();
    d.collations();
    d.types();
    d.sequences();
    d.tables();
    d.functions();
    d.views();
    d.indexes();
    d.triggers();
    d.policies();
    d.grants();
    d.passthrough();
    Plan {
        operations: d.ops,
        warnings: d.warnings,
        options: super::PlanOptions::default(),
        extra_edges: d.edges,
    }
}

/// Fills `reverse_sql` of each operation from the operations of `other` on the same objects.
pub fn attach_reverse(plan: &mut Plan, other: &Plan) {
    let mut by_key: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, op) in other.operations.iter().enumerate() {
        for k in &op.keys {
            by_key.entry(k.as_str()).or_default().push(i);
        }
    }
    for op in &mut plan.operations {
        let mut idx: Vec<usize> = op
            .keys
            .iter()
            .flat_map(|k| by_key.get(k.as_str()).cloned().unwrap_or_default())
            .collect();
        idx.sort();
        idx.dedup();
        op.reverse_sql = idx
            .iter()
            .flat_map(|i| other.operations[*i].sql.clone())
            .collect();
        op.reverse_loses_data = idx.iter().any(|i| other.operations[*i].destructive);
    }
}

impl Differ<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        kind: OpKind,
        object: K,
        identity: String,
        keys: Vec<Key>,
        sql: Vec<String>,
        destructive: bool,
        lock: &'static str,
        phase: u8,
    ) -> usize {
        self.ops.push(Operation {
            kind,
            object,
            identity,
            sql,
            destructive,
            lock,
            transactional: true,
            stage: Stage::Main,
            group: 0,
            reverse_sql: Vec::new(),
            reverse_loses_data: false,
            reason: None,
            keys,
            phase,
        });
        self.ops.len() - 1
    }

    fn reason(&mut self, i: usize, key: &Key) {
        if self.forced.contains(key) {
            self.ops[i].reason = Some(
                "re-created because an object it depends on is re-created or changes type".into(),
            );
        }
    }

    /// Whether any column or constraint of source table `t` is dropped, retyped or has its
    /// default reset.
    fn touches(&self, t: &QName) -> bool {
        let prefixes = [graph::column(t, ""), graph::constraint(t, "")];
        [&self.gone, &self.retyped, &self.reset_default]
            .iter()
            .any(|set| {
                prefixes.iter().any(|p| {
                    set.range(p.clone()..)
                        .next()
                        .is_some_and(|k| k.starts_with(p.as_str()))
                })
            })
    }

    /// Creates an object; when its source-side twin (`source_key`) was dropped only because of a
    /// dependency, says so.
    fn create(
        &mut self,
        kind: K,
        identity: String,
        keys: Vec<Key>,
        sql: Vec<String>,
        lock: &'static str,
        source_key: &Key,
    ) {
        let i = self.push(OpKind::Create, kind, identity, keys, sql, false, lock, 3);
        self.reason(i, source_key);
    }

    /// Drops a source object marked gone (its key first in `keys`), saying why when the drop
    /// was forced by a dependency.
    fn drop_gone(
        &mut self,
        kind: K,
        identity: String,
        keys: Vec<Key>,
        sql: String,
        destructive: bool,
        lock: &'static str,
    ) {
        let key = keys[0].clone();
        if self.gone.contains(&key) {
            let i = self.push(
                OpKind::Drop,
                kind,
                identity,
                keys,
                vec![sql],
                destructive,
                lock,
                1,
            );
            self.reason(i, &key);
        }
    }

    /// First pass: which source objects must go (dropped, or dropped and re-created).
    fn decide(&mut self) {
        let (from, to) = (self.from, self.to);
        for n in from.schemas.keys() {
            if !to.schemas.contains_key(n) {
                self.gone.insert(graph::schema(n));
            }
        }
        for n in from.extensions.keys() {
            if !to.extensions.contains_key(n) {
                self.gone.insert(graph::extension(n));
            }
        }
        for (n, c) in &from.collations {
            if to.collations.get(n).map(|t| &t.create_sql) != Some(&c.create_sql) {
                self.gone.insert(graph::collation(n));
            }
        }
        let renamed_types = self.rn.renamed_sources(K::Type);
        for (n, t) in &from.types {
            let target = self.target_of(K::Type, n, &renamed_types);
            match target.and_then(|tn| to.types.get(&tn)) {
                None => {
                    self.gone.insert(graph::ty(n));
                }
                Some(nt) => match (&t.kind, &nt.kind) {
                    (TypeKind::Enum { values: old, .. }, TypeKind::Enum { values: new, .. }) => {
                        let mapped: Vec<String> = old
                            .iter()
                            .map(|v| {
                                self.rn
                                    .labels
                                    .iter()
                                    .find(|((ty_, _), from)| *ty_ == nt.name && *from == v)
                                    .map(|((_, to_), _)| to_.clone())
                                    .unwrap_or_else(|| v.clone())
                            })
                            .collect();
                        if !is_subsequence(&mapped, new) {
                            self.swapped_enums.insert(n.clone());
                        }
                    }
                    (TypeKind::Domain { base: a, .. }, TypeKind::Domain { base: b, .. })
                        if a != b =>
                    {
                        self.swapped_enums.insert(n.clone());
                    }
                    (TypeKind::Range { create_sql: a }, TypeKind::Range { create_sql: b })
                        if a != b =>
                    {
                        self.gone.insert(graph::ty(n));
                    }
                    (a, b) if std::mem::discriminant(a) != std::mem::discriminant(b) => {
                        self.gone.insert(graph::ty(n));
                    }
                    _ => {}
                },
            }
        }
        for n in from.sequences.keys() {
            if !to.sequences.contains_key(n) {
                self.gone.insert(graph::sequence(n));
            }
        }
        let renamed_tables = self.rn.renamed_sources(K::Table);
        for (n, t) in &from.tables {
            let Some(nt) = self
                .target_of(K::Table, n, &renamed_tables)
                .and_then(|tn| to.tables.get(&tn))
            else {
                self.gone.insert(graph::table(n));
                continue;
            };
            if t.partition_by != nt.partition_by {
                self.gone.insert(graph::table(n));
                continue;
            }
            if same_table(t, nt) {
                continue;
            }
            for c in &t.columns {
                let key = graph::column(n, &c.name);
                let target_col = self
                    .rn
                    .columns
                    .iter()
                    .find(|((tt, _), from_c)| *tt == nt.name && **from_c == c.name)
                    .map(|((_, to_c), _)| to_c.clone())
                    .unwrap_or_else(|| c.name.clone());
                match nt.column(&target_col) {
                    None => {
                        if nt.partition_of.is_none() && c.local {
                            self.gone.insert(key);
                        }
                    }
                    Some(nc) => {
                        if nc.generated != c.generated && nc.generated.is_some() {
                            self.gone.insert(key);
                        } else if nc.ty != c.ty || nc.collation != c.collation {
                            self.retyped.insert(key);
                        }
                    }
                }
            }
            for c in t.constraints.values() {
                let target = self.constraint_target(&nt.name, &c.name);
                let renamed_twin = t.name != nt.name
                    && !nt.constraints.contains_key(&target)
                    && nt
                        .constraints
                        .values()
                        .any(|x| !t.constraints.contains_key(&x.name) && constraint_same(c, x));
                match nt.constraints.get(&target) {
                    Some(nc) if constraint_same(c, nc) => {}
                    None if renamed_twin => {}
                    _ => {
                        self.gone.insert(graph::constraint(n, &c.name));
                    }
                }
            }
        }
        let renamed_views = self.rn.renamed_sources(K::View);
        for (n, v) in &from.views {
            match self
                .target_of(K::View, n, &renamed_views)
                .and_then(|tn| to.views.get(&tn))
            {
                Some(nv) if rename_neutral(&v.create_sql, &v.name, &nv.name) == nv.create_sql => {}
                _ => {
                    self.gone.insert(graph::view(n));
                }
            }
        }
        for (id, f) in &from.functions {
            let target = self.function_target(id);
            match target.as_ref().and_then(|t| to.functions.get(t)) {
                Some(nf) if nf.signature == f.signature && nf.is_procedure == f.is_procedure => {}
                _ => {
                    self.gone.insert(graph::function(id));
                }
            }
        }
        let renamed_indexes = self.rn.renamed_sources(K::Index);
        for (n, i) in &from.indexes {
            match self
                .target_of(K::Index, n, &renamed_indexes)
                .and_then(|tn| to.indexes.get(&tn))
            {
                Some(ni) if index_same(i, ni) => {}
                _ => {
                    self.gone.insert(graph::index(n));
                }
            }
        }
        for (k, t) in &from.triggers {
            let target = (self.table_target(&k.0), k.1.clone());
            match to.triggers.get(&target) {
                Some(nt) if rename_neutral(&t.create_sql, &t.table, &nt.table) == nt.create_sql => {
                }
                _ => {
                    self.gone.insert(graph::trigger(&k.0, &k.1));
                }
            }
        }
        for (k, p) in &from.policies {
            let target = (self.table_target(&k.0), k.1.clone());
            match to.policies.get(&target) {
                Some(np)
                    if np.command == p.command
                        && np.permissive == p.permissive
                        && !(p.using.is_some() && np.using.is_none())
                        && !(p.check.is_some() && np.check.is_none()) => {}
                _ => {
                    self.gone.insert(graph::policy(&k.0, &k.1));
                }
            }
        }
    }

    /// Second pass: whatever depends on a dropped object (or on a column changing type) is
    /// dropped too, and re-created when the target still has it.
    fn propagate(&mut self, g: &Graph) {
        let dependents = g.dependents();
        let mut queue: Vec<Key> = self
            .gone
            .iter()
            .chain(self.retyped.iter())
            .cloned()
            .collect();
        for e in &self.swapped_enums {
            queue.push(graph::ty(e));
        }
        let mut seen: BTreeSet<Key> = queue.iter().cloned().collect();
        while let Some(k) = queue.pop() {
            let hard_gone = self.gone.contains(&k) || k.starts_with("type:");
            let Some(deps) = dependents.get(&k) else {
                continue;
            };
            for d in deps {
                let kind = d.split(':').next().unwrap_or("");
                let drop_it = match kind {
                    "view" | "trigger" | "policy" | "function" | "type" => true,
                    // A column moved to a rebuilt enum or domain takes its indexes and CHECKs
                    // along: their predicates and expressions compare it with values of the
                    // old type (e.g. a partial index `WHERE status <> 'done'`).
                    "index" => hard_gone || self.swap_retyped.contains(&k),
                    "constraint" => {
                        hard_gone || (self.swap_retyped.contains(&k) && self.is_check_constraint(d))
                    }
                    "table" => hard_gone,
                    "column" => {
                        if k.starts_with("function:") || k.starts_with("sequence:") {
                            self.reset_default.insert(d.clone());
                        } else if k.starts_with("type:")
                            && self.swapped_enums.iter().any(|e| graph::ty(e) == k)
                        {
                            self.retyped.insert(d.clone());
                            self.swap_retyped.insert(d.clone());
                            if seen.insert(d.clone()) {
                                queue.push(d.clone());
                            }
                        }
                        false
                    }
                    _ => false,
                };
                if drop_it && !self.gone.contains(d) {
                    self.gone.insert(d.clone());
                    self.forced.insert(d.clone());
                    if seen.insert(d.clone()) {
                        queue.push(d.clone());
                    }
                }
            }
        }
    }

    /// Whether `key` names a CHECK constraint of the source schema.
    fn is_check_constraint(&self, key: &Key) -> bool {
        self.from.tables.iter().any(|(q, t)| {
            t.constraints.values().any(|c| {
                matches!(c.kind, crate::model::ConstraintKind::Check { .. })
                    && graph::constraint(q, &c.name) == *key
            })
        })
    }

    fn target_of(
        &self,
        kind: K,
        source: &QName,
        renamed_sources: &BTreeSet<QName>,
    ) -> Option<QName> {
        if renamed_sources.contains(source) {
            return self
                .rn
                .relations
                .iter()
                .find(|((k, _), v)| *k == kind && *v == source)
                .map(|((_, t), _)| t.clone());
        }
        let renamed_target = self.rn.relations.contains_key(&(kind, source.clone()));
        // A target that is itself a rename of something else does not also match by name.
        (!renamed_target || self.rn.source(kind, source) == *source).then(|| source.clone())
    }

    fn table_target(&self, source: &QName) -> QName {
        self.rn
            .relations
            .iter()
            .find(|((k, _), v)| *k == K::Table && *v == source)
            .map(|((_, t), _)| t.clone())
            .unwrap_or_else(|| source.clone())
    }

    fn constraint_target(&self, target_table: &QName, source: &str) -> String {
        self.rn
            .constraints
            .iter()
            .find(|((t, _), from)| t == target_table && *from == source)
            .map(|((_, to), _)| to.clone())
            .unwrap_or_else(|| source.to_string())
    }

    fn function_target(&self, id: &FuncId) -> Option<FuncId> {
        let renamed = self
            .rn
            .relations
            .iter()
            .find(|((k, _), v)| *k == K::Function && **v == id.name)
            .map(|((_, t), _)| t.clone());
        Some(FuncId {
            name: renamed.unwrap_or_else(|| id.name.clone()),
            args: id.args.clone(),
        })
    }

    fn schemas(&mut self) {
        let (from, to) = (self.from, self.to);
        // `public` exists in every database: it is never created or dropped by a plan.
        for (n, s) in to.schemas.iter().filter(|(n, _)| *n != "public") {
            match from.schemas.get(n) {
                None => {
                    let sql = render::with_comment(
                        format!("CREATE SCHEMA {}", ident(n)),
                        &format!("SCHEMA {}", ident(n)),
                        &s.comment,
                    );
                    self.push(
                        OpKind::Create,
                        K::Schema,
                        n.clone(),
                        vec![graph::schema(n)],
                        sql,
                        false,
                        "none",
                        0,
                    );
                }
                Some(o) if o.comment != s.comment => {
                    self.push(
                        OpKind::Alter,
                        K::Schema,
                        n.clone(),
                        vec![graph::schema(n)],
                        vec![render::comment(&format!("SCHEMA {}", ident(n)), &s.comment)],
                        false,
                        "none",
                        2,
                    );
                }
                _ => {}
            }
        }
        for n in from
            .schemas
            .keys()
            .filter(|n| !to.schemas.contains_key(*n) && *n != "public")
        {
            self.push(
                OpKind::Drop,
                K::Schema,
                n.clone(),
                vec![graph::schema(n)],
                vec![format!("DROP SCHEMA {}", ident(n))],
                true,
                "ACCESS EXCLUSIVE",
                5,
            );
        }
    }

    fn extensions(&mut self) {
        let (from, to) = (self.from, self.to);
        // plpgsql is installed in every database.
        for (n, e) in from.extensions.iter().filter(|(n, _)| *n != "plpgsql") {
            let e: &Extension = e;
            if self.gone.contains(&graph::extension(n)) {
                self.push(
                    OpKind::Drop,
                    K::Extension,
                    n.clone(),
                    vec![graph::extension(n)],
                    vec![format!("DROP EXTENSION {}", ident(n))],
                    true,
                    "ACCESS EXCLUSIVE",
                    5,
                );
            } else if let Some(t) = to.extensions.get(n) {
                if t.schema != e.schema {
                    let target = t.schema.clone().unwrap_or_else(|| "public".to_string());
                    self.push(
                        OpKind::Alter,
                        K::Extension,
                        n.clone(),
                        vec![graph::extension(n)],
                        vec![format!(
                            "ALTER EXTENSION {} SET SCHEMA {}",
                            ident(n),
                            ident(&target)
                        )],
                        false,
                        "none",
                        2,
                    );
                }
                if t.version != e.version && t.version.is_some() {
                    let v = t.version.clone().unwrap_or_default();
                    self.push(
                        OpKind::Alter,
                        K::Extension,
                        n.clone(),
                        vec![graph::extension(n)],
                        vec![format!(
                            "ALTER EXTENSION {} UPDATE TO {}",
                            ident(n),
                            literal(&v)
                        )],
                        false,
                        "none",
                        0,
                    );
                }
            }
        }
        for (n, e) in to.extensions.iter().filter(|(n, _)| *n != "plpgsql") {
            if !from.extensions.contains_key(n) || self.gone.contains(&graph::extension(n)) {
                let mut sql = format!("CREATE EXTENSION {}", ident(n));
                if let Some(s) = &e.schema {
                    sql.push_str(&format!(" WITH SCHEMA {}", ident(s)));
                }
                if let Some(v) = &e.version {
                    sql.push_str(&format!(" VERSION {}", literal(v)));
                }
                self.push(
                    OpKind::Create,
                    K::Extension,
                    n.clone(),
                    vec![graph::extension(n)],
                    vec![sql],
                    false,
                    "none",
                    0,
                );
            }
        }
    }

    fn collations(&mut self) {
        let (from, to) = (self.from, self.to);
        for n in from.collations.keys() {
            if self.gone.contains(&graph::collation(n)) {
                self.push(
                    OpKind::Drop,
                    K::Collation,
                    n.to_string(),
                    vec![graph::collation(n)],
                    vec![format!("DROP COLLATION {}", n.sql())],
                    false,
                    "none",
                    1,
                );
            }
        }
        for (n, c) in &to.collations {
            if !from.collations.contains_key(n) || self.gone.contains(&graph::collation(n)) {
                self.push(
                    OpKind::Create,
                    K::Collation,
                    n.to_string(),
                    vec![graph::collation(n)],
                    vec![c.create_sql.clone()],
                    false,
                    "none",
                    3,
                );
            }
        }
    }

    fn types(&mut self) {
        let (from, to) = (self.from, self.to);
        for (n, t) in &from.types {
            if self.swapped_enums.contains(n) {
                continue;
            }
            let key = graph::ty(n);
            let destructive = !self.forced.contains(&key);
            self.drop_gone(
                K::Type,
                n.to_string(),
                vec![key, graph::relname(n)],
                render::drop_type(t),
                destructive,
                "none",
            );
        }
        for (n, t) in &to.types {
            let source = self.rn.source(K::Type, n);
            let key = graph::ty(n);
            let old = from.types.get(&source);
            let source_key = graph::ty(&source);
            if let Some(o) = old.filter(|_| self.swapped_enums.contains(&source)) {
                // Labels removed or reordered: build the new enum beside the old one, move the
                // columns over through text, then drop the old type.
                let old_name = QName::new(&source.schema, format!("{}__data_old", source.name));
                let rename_kw = if matches!(o.kind, TypeKind::Domain { .. }) {
                    "DOMAIN"
                } else {
                    "TYPE"
                };
                let r = self.push(
                    OpKind::Alter,
                    K::Type,
                    n.to_string(),
                    vec![source_key.clone()],
                    vec![format!(
                        "ALTER {rename_kw} {} RENAME TO {}",
                        source.sql(),
                        ident(&old_name.name)
                    )],
                    false,
                    "ACCESS EXCLUSIVE",
                    2,
                );
                let create = render::with_comment(
                    render::create_type(t),
                    &format!("TYPE {}", n.sql()),
                    &t.comment,
                );
                let c = self.push(
                    OpKind::Create,
                    K::Type,
                    n.to_string(),
                    vec![key.clone()],
                    create,
                    false,
                    "none",
                    3,
                );
                let drop_kw = if matches!(o.kind, TypeKind::Domain { .. }) {
                    "DOMAIN"
                } else {
                    "TYPE"
                };
                let d = self.push(
                    OpKind::Drop,
                    K::Type,
                    old_name.to_string(),
                    vec![format!("swap:{source}")],
                    vec![format!("DROP {drop_kw} {}", old_name.sql())],
                    true,
                    "none",
                    4,
                );
                self.ops[d].reason = Some(format!("{o} is rebuilt: enum labels removed or reordered, or a domain's base type changed", o = o.name));
                self.edges.push((r, c));
                self.edges.push((c, d));
                continue;
            }
            match old {
                Some(o) if !self.gone.contains(&source_key) => {
                    if source != *n {
                        let mut sql = Vec::new();
                        if source.name != n.name {
                            sql.push(format!(
                                "ALTER TYPE {} RENAME TO {}",
                                source.sql(),
                                ident(&n.name)
                            ));
                        }
                        if source.schema != n.schema {
                            sql.push(format!(
                                "ALTER TYPE {} SET SCHEMA {}",
                                QName::new(&source.schema, &n.name).sql(),
                                ident(&n.schema)
                            ));
                        }
                        self.push(
                            OpKind::Rename,
                            K::Type,
                            format!("{source} -> {n}"),
                            vec![key.clone(), source_key.clone(), graph::relname(n)],
                            sql,
                            false,
                            "ACCESS EXCLUSIVE",
                            2,
                        );
                    }
                    self.alter_type(o, t);
                }
                _ => {
                    let sql = render::with_comment(
                        render::create_type(t),
                        &format!("TYPE {}", n.sql()),
                        &t.comment,
                    );
                    self.create(
                        K::Type,
                        n.to_string(),
                        vec![key.clone(), graph::relname(n)],
                        sql,
                        "none",
                        &source_key,
                    );
                }
            }
        }
    }

    fn alter_type(&mut self, o: &UserType, t: &UserType) {
        let key = graph::ty(&t.name);
        let name = t.name.sql();
        let mut sql = Vec::new();
        match (&o.kind, &t.kind) {
            (TypeKind::Enum { values: old, .. }, TypeKind::Enum { values: new, .. }) => {
                let mut current: Vec<String> = old.clone();
                for (i, v) in current.iter_mut().enumerate() {
                    if let Some(((_, to_), _)) = self
                        .rn
                        .labels
                        .iter()
                        .find(|((ty_, _), from)| *ty_ == t.name && **from == old[i])
                    {
                        sql.push(format!(
                            "ALTER TYPE {name} RENAME VALUE {} TO {}",
                            literal(v),
                            literal(to_)
                        ));
                        *v = to_.clone();
                    }
                }
                for (i, v) in new.iter().enumerate() {
                    if current.contains(v) {
                        continue;
                    }
                    let position = match new[..i].iter().rev().find(|p| current.contains(p)) {
                        Some(prev) => format!(" AFTER {}", literal(prev)),
                        None => match new[i + 1..].iter().find(|p| current.contains(p)) {
                            Some(next) => format!(" BEFORE {}", literal(next)),
                            None => String::new(),
                        },
                    };
                    sql.push(format!(
                        "ALTER TYPE {name} ADD VALUE {}{position}",
                        literal(v)
                    ));
                    let at = new[..i]
                        .iter()
                        .rev()
                        .find(|p| current.contains(p))
                        .and_then(|p| current.iter().position(|c| c == p))
                        .map(|x| x + 1)
                        .unwrap_or(0);
                    current.insert(at, v.clone());
                }
            }
            (
                TypeKind::Domain {
                    default: od,
                    not_null: on,
                    checks: oc,
                    ..
                },
                TypeKind::Domain {
                    default: nd,
                    not_null: nn,
                    checks: nc,
                    ..
                },
            ) => {
                if od != nd {
                    sql.push(match nd {
                        Some(d) => format!("ALTER DOMAIN {name} SET DEFAULT {}", d.sql),
                        None => format!("ALTER DOMAIN {name} DROP DEFAULT"),
                    });
                }
                if on != nn {
                    sql.push(format!(
                        "ALTER DOMAIN {name} {} NOT NULL",
                        if *nn { "SET" } else { "DROP" }
                    ));
                }
                for (cn, e) in oc {
                    if nc.get(cn) != Some(e) {
                        sql.push(format!("ALTER DOMAIN {name} DROP CONSTRAINT {}", ident(cn)));
                    }
                }
                for (cn, e) in nc {
                    if oc.get(cn) != Some(e) {
                        sql.push(format!(
                            "ALTER DOMAIN {name} ADD CONSTRAINT {} CHECK ({})",
                            ident(cn),
                            e.sql
                        ));
                    }
                }
            }
            (TypeKind::Composite { attributes: oa }, TypeKind::Composite { attributes: na }) => {
                for (an, _, _) in oa {
                    if !na.iter().any(|(n, _, _)| n == an) {
                        sql.push(format!("ALTER TYPE {name} DROP ATTRIBUTE {}", ident(an)));
                    }
                }
                for (an, ty_, coll) in na {
                    let coll_sql = coll
                        .as_ref()
                        .map(|c| format!(" COLLATE {}", c.sql()))
                        .unwrap_or_default();
                    match oa.iter().find(|(n, _, _)| n == an) {
                        None => sql.push(format!(
                            "ALTER TYPE {name} ADD ATTRIBUTE {} {}{coll_sql}",
                            ident(an),
                            ty_.sql
                        )),
                        Some((_, oty, ocoll)) if oty != ty_ || ocoll != coll => sql.push(format!(
                            "ALTER TYPE {name} ALTER ATTRIBUTE {} TYPE {}{coll_sql}",
                            ident(an),
                            ty_.sql
                        )),
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        if o.comment != t.comment {
            sql.push(render::comment(&format!("TYPE {name}"), &t.comment));
        }
        if !sql.is_empty() {
            let add_value = format!("ALTER TYPE {name} ADD VALUE ");
            let adds_label = sql.iter().any(|s| s.starts_with(&add_value));
            let i = self.push(
                OpKind::Alter,
                K::Type,
                t.name.to_string(),
                vec![key],
                sql,
                false,
                "ACCESS EXCLUSIVE",
                2,
            );
            if adds_label {
                // A new label cannot be used in the transaction that adds it: commit it first.
                self.ops[i].stage = Stage::Before;
            }
        }
    }

    fn sequences(&mut self) {
        let (from, to) = (self.from, self.to);
        for (n, s) in &from.sequences {
            if !self.gone.contains(&graph::sequence(n)) {
                continue;
            }
            // A sequence owned by a column that goes away is dropped with it.
            let owner_gone = s.owned_by.as_ref().is_some_and(|(t, c)| {
                self.gone.contains(&graph::table(t)) || self.gone.contains(&graph::column(t, c))
            });
            if !owner_gone {
                self.push(
                    OpKind::Drop,
                    K::Sequence,
                    n.to_string(),
                    vec![graph::sequence(n), graph::relname(n)],
                    vec![format!("DROP SEQUENCE {}", n.sql())],
                    false,
                    "ACCESS EXCLUSIVE",
                    1,
                );
            }
        }
        for (n, s) in &to.sequences {
            let key = graph::sequence(n);
            let recreated = from.sequences.get(n).is_some_and(|o| {
                o.owned_by.as_ref().is_some_and(|(t, c)| {
                    self.gone.contains(&graph::table(t)) || self.gone.contains(&graph::column(t, c))
                })
            });
            match from.sequences.get(n) {
                Some(o) if !recreated => {
                    let mut sql = Vec::new();
                    let opts = render::sequence_options(s);
                    if render::sequence_options(o) != opts {
                        // The current value must lie within the new bounds when the direction flips.
                        let restart = if o.increment.signum() != s.increment.signum() {
                            " RESTART"
                        } else {
                            ""
                        };
                        sql.push(format!("ALTER SEQUENCE {} {}{restart}", n.sql(), opts));
                    }
                    if o.comment != s.comment {
                        sql.push(render::comment(
                            &format!("SEQUENCE {}", n.sql()),
                            &s.comment,
                        ));
                    }
                    if !sql.is_empty() {
                        self.push(
                            OpKind::Alter,
                            K::Sequence,
                            n.to_string(),
                            vec![key.clone()],
                            sql,
                            false,
                            "ACCESS EXCLUSIVE",
                            2,
                        );
                    }
                    if o.owned_by != s.owned_by {
                        self.push(
                            OpKind::Alter,
                            K::Sequence,
                            n.to_string(),
                            vec![graph::sequence_owner(n)],
                            vec![render::sequence_owner(s)],
                            false,
                            "none",
                            3,
                        );
                    }
                }
                _ => {
                    let sql = render::with_comment(
                        render::create_sequence(s),
                        &format!("SEQUENCE {}", n.sql()),
                        &s.comment,
                    );
                    self.push(
                        OpKind::Create,
                        K::Sequence,
                        n.to_string(),
                        vec![key.clone(), graph::relname(n)],
                        sql,
                        false,
                        "none",
                        3,
                    );
                    if s.owned_by.is_some() {
                        self.push(
                            OpKind::Alter,
                            K::Sequence,
                            n.to_string(),
                            vec![graph::sequence_owner(n)],
                            vec![render::sequence_owner(s)],
                            false,
                            "none",
                            3,
                        );
                    }
                }
            }
        }
    }

    fn tables(&mut self) {
        let (from, to) = (self.from, self.to);
        for (n, t) in &from.tables {
            let key = graph::table(n);
            if !self.gone.contains(&key) {
                continue;
            }
            let mut keys = vec![key.clone(), graph::relname(n)];
            keys.extend(t.columns.iter().map(|c| graph::column(n, &c.name)));
            keys.extend(
                t.constraints
                    .values()
                    .filter(|c| render::inline_constraint(c))
                    .map(|c| graph::constraint(n, &c.name)),
            );
            let i = self.push(
                OpKind::Drop,
                K::Table,
                n.to_string(),
                keys,
                vec![format!("DROP TABLE {}", n.sql())],
                true,
                "ACCESS EXCLUSIVE",
                1,
            );
            for c in t
                .constraints
                .values()
                .filter(|c| !render::inline_constraint(c))
            {
                let ck = graph::constraint(n, &c.name);
                let j = self.push(
                    OpKind::Drop,
                    K::Constraint,
                    format!("{n}.{}", c.name),
                    vec![ck],
                    vec![format!(
                        "ALTER TABLE {} DROP CONSTRAINT {}",
                        n.sql(),
                        ident(&c.name)
                    )],
                    false,
                    "ACCESS EXCLUSIVE",
                    1,
                );
                self.edges.push((j, i));
            }
        }
        for (n, t) in &to.tables {
            let source = self.rn.source(K::Table, n);
            match from.tables.get(&source) {
                Some(o) if !self.gone.contains(&graph::table(&source)) => self.alter_table(o, t),
                _ => self.create_table(t),
            }
        }
    }

    fn create_table(&mut self, t: &Table) {
        let n = &t.name;
        let mut keys = vec![graph::table(n), graph::relname(n)];
        keys.extend(t.columns.iter().map(|c| graph::column(n, &c.name)));
        if t.partition_of.is_none() {
            keys.extend(
                t.constraints
                    .values()
                    .filter(|c| render::inline_constraint(c))
                    .map(|c| graph::constraint(n, &c.name)),
            );
        }
        let mut sql = vec![render::create_table(t)];
        sql.extend(render::table_extras(t));
        let i = self.push(
            OpKind::Create,
            K::Table,
            n.to_string(),
            keys,
            sql,
            false,
            "ACCESS EXCLUSIVE",
            3,
        );
        self.reason(i, &graph::table(n));
        if t.partition_of.is_some() {
            for c in t
                .constraints
                .values()
                .filter(|c| render::inline_constraint(c))
            {
                self.ops[i].keys.push(graph::constraint(n, &c.name));
            }
        }
        for c in t
            .constraints
            .values()
            .filter(|c| !render::inline_constraint(c))
        {
            self.add_constraint(n, c);
        }
    }

    fn add_constraint(&mut self, table: &QName, c: &Constraint) {
        let sql = render::with_comment(
            render::add_constraint(table, c),
            &format!("CONSTRAINT {} ON {}", ident(&c.name), table.sql()),
            &c.comment,
        );
        let lock = if matches!(c.kind, ConstraintKind::ForeignKey { .. }) {
            "SHARE ROW EXCLUSIVE"
        } else {
            "ACCESS EXCLUSIVE"
        };
        let key = graph::constraint(table, &c.name);
        self.create(
            K::Constraint,
            format!("{table}.{}", c.name),
            vec![key.clone()],
            sql,
            lock,
            &key,
        );
    }

    fn alter_table(&mut self, o: &Table, t: &Table) {
        // Most tables of a large schema are unchanged: skip them unless a dependency forces work.
        if o.name == t.name && same_table(o, t) && !self.touches(&o.name) {
            return;
        }
        let n = &t.name;
        let name = n.sql();
        let source = &o.name;
        if source != n {
            let mut sql = Vec::new();
            if source.name != n.name {
                sql.push(format!(
                    "ALTER TABLE {} RENAME TO {}",
                    source.sql(),
                    ident(&n.name)
                ));
            }
            if source.schema != n.schema {
                sql.push(format!(
                    "ALTER TABLE {} SET SCHEMA {}",
                    QName::new(&source.schema, &n.name).sql(),
                    ident(&n.schema)
                ));
            }
            self.push(
                OpKind::Rename,
                K::Table,
                format!("{source} -> {n}"),
                vec![graph::table(n), graph::table(source), graph::relname(n)],
                sql,
                false,
                "ACCESS EXCLUSIVE",
                2,
            );
        }
        // Partition membership first: a detached partition must not receive the parent's new columns.
        if o.partition_of != t.partition_of {
            if let Some((parent, _)) = &o.partition_of {
                self.push(
                    OpKind::Alter,
                    K::Table,
                    n.to_string(),
                    vec![format!("detach:{n}")],
                    vec![format!(
                        "ALTER TABLE {} DETACH PARTITION {name}",
                        parent.sql()
                    )],
                    false,
                    "ACCESS EXCLUSIVE",
                    0,
                );
            }
            if let Some((parent, bound)) = &t.partition_of {
                self.push(
                    OpKind::Alter,
                    K::Table,
                    n.to_string(),
                    vec![graph::table(n)],
                    vec![format!(
                        "ALTER TABLE {} ATTACH PARTITION {name} {bound}",
                        parent.sql()
                    )],
                    false,
                    "ACCESS EXCLUSIVE",
                    3,
                );
            }
        }
        let mut flags = Vec::new();
        if o.unlogged != t.unlogged {
            flags.push(format!(
                "ALTER TABLE {name} SET {}",
                if t.unlogged { "UNLOGGED" } else { "LOGGED" }
            ));
        }
        for p in o.inherits.iter().filter(|p| !t.inherits.contains(p)) {
            flags.push(format!("ALTER TABLE {name} NO INHERIT {}", p.sql()));
        }
        if o.options != t.options {
            let removed: Vec<String> = o
                .options
                .iter()
                .map(|x| x.split('=').next().unwrap_or("").to_string())
                .filter(|k| {
                    !t.options
                        .iter()
                        .any(|x| x.split('=').next() == Some(k.as_str()))
                })
                .collect();
            if !removed.is_empty() {
                flags.push(format!("ALTER TABLE {name} RESET ({})", removed.join(", ")));
            }
            if !t.options.is_empty() {
                flags.push(format!("ALTER TABLE {name} SET ({})", t.options.join(", ")));
            }
        }
        if !flags.is_empty() {
            self.push(
                OpKind::Alter,
                K::Table,
                n.to_string(),
                vec![graph::table(n)],
                flags,
                false,
                "ACCESS EXCLUSIVE",
                2,
            );
        }
        let added_parents: Vec<&QName> = t
            .inherits
            .iter()
            .filter(|p| !o.inherits.contains(p))
            .collect();
        for p in added_parents {
            self.push(
                OpKind::Alter,
                K::Table,
                n.to_string(),
                vec![graph::table(n)],
                vec![format!("ALTER TABLE {name} INHERIT {}", p.sql())],
                false,
                "ACCESS EXCLUSIVE",
                3,
            );
        }
        self.alter_columns(o, t);
        self.alter_constraints(o, t);
        let mut late = Vec::new();
        if o.rls_enabled != t.rls_enabled {
            late.push(format!(
                "ALTER TABLE {name} {} ROW LEVEL SECURITY",
                if t.rls_enabled { "ENABLE" } else { "DISABLE" }
            ));
        }
        if o.rls_forced != t.rls_forced {
            late.push(format!(
                "ALTER TABLE {name} {} ROW LEVEL SECURITY",
                if t.rls_forced { "FORCE" } else { "NO FORCE" }
            ));
        }
        if o.comment != t.comment {
            late.push(render::comment(&format!("TABLE {name}"), &t.comment));
        }
        if !late.is_empty() {
            self.push(
                OpKind::Alter,
                K::Table,
                n.to_string(),
                vec![graph::table(n)],
                late,
                false,
                "ACCESS EXCLUSIVE",
                2,
            );
        }
    }

    fn alter_columns(&mut self, o: &Table, t: &Table) {
        if t.partition_of.is_some() {
            // A partition's columns are its parent's.
            return;
        }
        // A former partition owns its parent's columns once detached.
        let detached;
        let o = match o
            .partition_of
            .as_ref()
            .and_then(|(p, _)| self.from.tables.get(p))
        {
            Some(parent) => {
                let mut copy = o.clone();
                copy.columns = parent
                    .columns
                    .iter()
                    .cloned()
                    .map(|mut c| {
                        c.local = true;
                        c.identity = None;
                        c.comment = None;
                        c
                    })
                    .collect();
                detached = copy;
                &detached
            }
            None => o,
        };
        let n = &t.name;
        let name = n.sql();
        let source = &o.name;
        let mut matched: BTreeSet<String> = BTreeSet::new();
        for c in t
            .columns
            .iter()
            .filter(|c| c.local || t.partition_of.is_none())
        {
            let from_name = self
                .rn
                .columns
                .get(&(n.clone(), c.name.clone()))
                .cloned()
                .unwrap_or_else(|| c.name.clone());
            let okey = graph::column(source, &from_name);
            let key = graph::column(n, &c.name);
            let oc = o.column(&from_name).filter(|_| !self.gone.contains(&okey));
            let Some(oc) = oc else {
                if t.partition_of.is_some() {
                    continue;
                }
                let mut sql = vec![format!(
                    "ALTER TABLE {name} ADD COLUMN {}",
                    render::column_def(c)
                )];
                if c.comment.is_some() {
                    sql.push(render::comment(
                        &format!("COLUMN {name}.{}", ident(&c.name)),
                        &c.comment,
                    ));
                }
                self.push(
                    OpKind::Create,
                    K::Column,
                    format!("{n}.{}", c.name),
                    vec![key],
                    sql,
                    false,
                    "ACCESS EXCLUSIVE",
                    3,
                );
                continue;
            };
            matched.insert(from_name.clone());
            let col = ident(&c.name);
            if from_name != c.name {
                self.push(
                    OpKind::Rename,
                    K::Column,
                    format!("{n}.{from_name} -> {}", c.name),
                    vec![key.clone(), okey.clone()],
                    vec![format!(
                        "ALTER TABLE {name} RENAME COLUMN {} TO {col}",
                        ident(&from_name)
                    )],
                    false,
                    "ACCESS EXCLUSIVE",
                    2,
                );
            }
            let at = format!("ALTER TABLE {name} ALTER COLUMN {col}");
            let retype =
                oc.ty != c.ty || oc.collation != c.collation || self.retyped.contains(&okey);
            let mut sql = Vec::new();
            let mut destructive = false;
            let reset = self.reset_default.contains(&okey) && oc.default.is_some();
            if reset {
                let i = self.push(
                    OpKind::Alter,
                    K::Column,
                    format!("{n}.{} default", c.name),
                    vec![okey.clone()],
                    vec![format!("{at} DROP DEFAULT")],
                    false,
                    "ACCESS EXCLUSIVE",
                    1,
                );
                self.ops[i].reason =
                    Some("the default's function or sequence is re-created".into());
                self.ops[i].kind = OpKind::Drop;
            }
            // Dropping an identity drops its sequence: a step of its own, so a sequence taking
            // over the name can be created between it and the column's new default.
            let dropped_identity = (oc.identity.is_some() && c.identity.is_none()).then(|| {
                let seq_name = QName::new(
                    &n.schema,
                    crate::names::make_object_name(&n.name, Some(&c.name), "seq"),
                );
                self.push(
                    OpKind::Alter,
                    K::Column,
                    format!("{n}.{} identity", c.name),
                    vec![graph::relname(&seq_name)],
                    vec![format!("{at} DROP IDENTITY")],
                    false,
                    "ACCESS EXCLUSIVE",
                    1,
                )
            });
            if oc.generated.is_some() && c.generated.is_none() {
                sql.push(format!("{at} DROP EXPRESSION"));
            }
            let default_changes =
                oc.default != c.default || (retype && oc.default.is_some()) || reset;
            if default_changes && oc.default.is_some() && oc.identity.is_none() && !reset {
                sql.push(format!("{at} DROP DEFAULT"));
            }
            if retype {
                let coll = c
                    .collation
                    .as_ref()
                    .map(|q| format!(" COLLATE {}", q.sql()))
                    .unwrap_or_default();
                let via_text = (self.retyped.contains(&okey) && oc.ty == c.ty)
                    || (oc.ty != c.ty && (oc.ty.user_type.is_some() || c.ty.user_type.is_some()));
                let using = if via_text {
                    format!("{col}::text::{}", c.ty.sql)
                } else {
                    format!("{col}::{}", c.ty.sql)
                };
                sql.push(format!("{at} TYPE {}{coll} USING {using}", c.ty.sql));
                destructive = !widening(&oc.ty.sql, &c.ty.sql);
            }
            if default_changes
                && c.default.is_some()
                && c.identity.is_none()
                && c.generated.is_none()
            {
                if let Some(d) = &c.default {
                    sql.push(format!("{at} SET DEFAULT {}", d.sql));
                }
            }
            if oc.not_null != c.not_null
                && !(c.not_null && c.identity.is_some() && oc.identity.is_none())
            {
                sql.push(if c.not_null {
                    render::set_not_null(n, &c.name)
                } else {
                    format!("{at} DROP NOT NULL")
                });
            }
            match (oc.identity, c.identity) {
                (None, Some(always)) => {
                    if !oc.not_null {
                        sql.push(format!("{at} SET NOT NULL"));
                    }
                    let opts = if c.identity_options.is_empty() {
                        String::new()
                    } else {
                        format!(" ({})", c.identity_options)
                    };
                    let add = format!(
                        "{at} ADD GENERATED {} AS IDENTITY{opts}",
                        if always { "ALWAYS" } else { "BY DEFAULT" }
                    );
                    // The identity sequence takes the name `table_column_seq`: a serial sequence
                    // holding that name must be gone first.
                    let seq_drops: Vec<usize> = oc
                        .default
                        .iter()
                        .flat_map(|d| d.deps.iter())
                        .filter_map(|d| match d {
                            Dep::Relation(q) => self.ops.iter().position(|op| {
                                op.kind == OpKind::Drop && op.keys.contains(&graph::sequence(q))
                            }),
                            _ => None,
                        })
                        .collect();
                    if seq_drops.is_empty() {
                        sql.push(add);
                    } else {
                        let i = self.push(
                            OpKind::Create,
                            K::Column,
                            format!("{n}.{} identity", c.name),
                            vec![key.clone()],
                            vec![add],
                            false,
                            "ACCESS EXCLUSIVE",
                            3,
                        );
                        for d in seq_drops {
                            self.edges.push((d, i));
                        }
                    }
                }
                (Some(a), Some(b)) if a != b => sql.push(format!(
                    "{at} SET GENERATED {}",
                    if b { "ALWAYS" } else { "BY DEFAULT" }
                )),
                _ => {}
            }
            if oc.identity.is_some()
                && c.identity.is_some()
                && oc.identity_options != c.identity_options
            {
                let opts = if c.identity_options.is_empty() {
                    default_identity_options(&c.ty.sql)
                } else {
                    c.identity_options.clone()
                };
                sql.push(format!("{at} {}", identity_alterations(&opts)));
            }
            if oc.comment != c.comment {
                sql.push(render::comment(&format!("COLUMN {name}.{col}"), &c.comment));
            }
            if !sql.is_empty() {
                let mut keys = vec![key.clone()];
                if key != okey {
                    keys.push(okey.clone());
                }
                let i = self.push(
                    OpKind::Alter,
                    K::Column,
                    format!("{n}.{}", c.name),
                    keys,
                    sql,
                    destructive,
                    "ACCESS EXCLUSIVE",
                    2,
                );
                if let Some(d) = dropped_identity {
                    self.edges.push((d, i));
                }
                if retype {
                    self.ops[i].reason = Some("column type changes".into());
                }
            }
        }
        for oc in &o.columns {
            let okey = graph::column(source, &oc.name);
            let kept = matched.contains(&oc.name);
            if kept || !oc.local || o.partition_of.is_some() && t.partition_of.is_some() {
                continue;
            }
            if t.partition_of.is_some() && o.partition_of.is_none() {
                continue;
            }
            self.push(
                OpKind::Drop,
                K::Column,
                format!("{n}.{}", oc.name),
                vec![okey],
                vec![format!(
                    "ALTER TABLE {} DROP COLUMN {}",
                    source.sql(),
                    ident(&oc.name)
                )],
                true,
                "ACCESS EXCLUSIVE",
                1,
            );
        }
    }

    fn alter_constraints(&mut self, o: &Table, t: &Table) {
        let n = &t.name;
        let name = n.sql();
        let source = &o.name;
        let mut kept = BTreeSet::new();
        for c in t.constraints.values() {
            let from_name = self
                .rn
                .constraints
                .get(&(n.clone(), c.name.clone()))
                .cloned()
                .unwrap_or_else(|| c.name.clone());
            let okey = graph::constraint(source, &from_name);
            match o.constraints.get(&from_name) {
                Some(oc) if !self.gone.contains(&okey) => {
                    kept.insert(from_name.clone());
                    let key = graph::constraint(n, &c.name);
                    let mut sql = Vec::new();
                    if from_name != c.name {
                        sql.push(format!(
                            "ALTER TABLE {name} RENAME CONSTRAINT {} TO {}",
                            ident(&from_name),
                            ident(&c.name)
                        ));
                    }
                    if oc.not_valid && !c.not_valid {
                        sql.push(render::validate_constraint(n, &c.name));
                    }
                    if oc.comment != c.comment {
                        sql.push(render::comment(
                            &format!("CONSTRAINT {} ON {name}", ident(&c.name)),
                            &c.comment,
                        ));
                    }
                    if !sql.is_empty() {
                        let kind = if from_name != c.name {
                            OpKind::Rename
                        } else {
                            OpKind::Alter
                        };
                        self.push(
                            kind,
                            K::Constraint,
                            format!("{n}.{}", c.name),
                            vec![key, okey],
                            sql,
                            false,
                            "SHARE UPDATE EXCLUSIVE",
                            2,
                        );
                    }
                }
                _ => {
                    if !self.try_auto_rename(o, t, c, &mut kept) {
                        self.add_constraint(n, c);
                    }
                }
            }
        }
        for oc in o.constraints.values() {
            if kept.contains(&oc.name) {
                continue;
            }
            let okey = graph::constraint(source, &oc.name);
            let i = self.push(
                OpKind::Drop,
                K::Constraint,
                format!("{n}.{}", oc.name),
                vec![okey.clone()],
                vec![format!(
                    "ALTER TABLE {} DROP CONSTRAINT {}",
                    source.sql(),
                    ident(&oc.name)
                )],
                false,
                "ACCESS EXCLUSIVE",
                1,
            );
            self.reason(i, &okey);
        }
    }

    /// A constraint of a renamed table whose generated name changed with the table keeps its
    /// index and data: it is renamed rather than dropped and re-created.
    fn try_auto_rename(
        &mut self,
        o: &Table,
        t: &Table,
        c: &Constraint,
        kept: &mut BTreeSet<String>,
    ) -> bool {
        if o.name == t.name {
            return false;
        }
        let Some(candidate) = o.constraints.values().find(|oc| {
            !kept.contains(&oc.name)
                && !t.constraints.contains_key(&oc.name)
                && constraint_same(oc, c)
                && !self.gone.contains(&graph::constraint(&o.name, &oc.name))
        }) else {
            return false;
        };
        kept.insert(candidate.name.clone());
        let sql = vec![format!(
            "ALTER TABLE {} RENAME CONSTRAINT {} TO {}",
            t.name.sql(),
            ident(&candidate.name),
            ident(&c.name)
        )];
        self.push(
            OpKind::Rename,
            K::Constraint,
            format!("{}.{} -> {}", t.name, candidate.name, c.name),
            vec![
                graph::constraint(&t.name, &c.name),
                graph::constraint(&o.name, &candidate.name),
            ],
            sql,
            false,
            "ACCESS EXCLUSIVE",
            2,
        );
        true
    }

    fn functions(&mut self) {
        let (from, to) = (self.from, self.to);
        for (id, f) in &from.functions {
            let what = if f.is_procedure {
                "PROCEDURE"
            } else {
                "FUNCTION"
            };
            self.drop_gone(
                K::Function,
                id.to_string(),
                vec![graph::function(id)],
                format!("DROP {what} {}", id.sql()),
                false,
                "none",
            );
        }
        for (id, f) in &to.functions {
            let source_name = self.rn.source(K::Function, &id.name);
            let source = FuncId {
                name: source_name,
                args: id.args.clone(),
            };
            let skey = graph::function(&source);
            let key = graph::function(id);
            let what = if f.is_procedure {
                "PROCEDURE"
            } else {
                "FUNCTION"
            };
            match from.functions.get(&source) {
                Some(of) if !self.gone.contains(&skey) => {
                    let mut sql = Vec::new();
                    if source != *id {
                        if source.name.name != id.name.name {
                            sql.push(format!(
                                "ALTER {what} {} RENAME TO {}",
                                source.sql(),
                                ident(&id.name.name)
                            ));
                        }
                        if source.name.schema != id.name.schema {
                            sql.push(format!(
                                "ALTER {what} {}({}) SET SCHEMA {}",
                                QName::new(&source.name.schema, &id.name.name).sql(),
                                id.args.join(", "),
                                ident(&id.name.schema)
                            ));
                        }
                        self.push(
                            OpKind::Rename,
                            K::Function,
                            format!("{source} -> {id}"),
                            vec![key.clone(), skey.clone()],
                            std::mem::take(&mut sql),
                            false,
                            "none",
                            2,
                        );
                    }
                    if rename_neutral(&of.create_sql, &source.name, &id.name) != f.create_sql {
                        sql.push(render::or_replace(&f.create_sql));
                    }
                    if of.comment != f.comment {
                        sql.push(render::comment(&format!("{what} {}", id.sql()), &f.comment));
                    }
                    if !sql.is_empty() {
                        self.push(
                            OpKind::Alter,
                            K::Function,
                            id.to_string(),
                            vec![key],
                            sql,
                            false,
                            "none",
                            3,
                        );
                    }
                }
                _ => {
                    let sql = render::with_comment(
                        f.create_sql.clone(),
                        &format!("{what} {}", id.sql()),
                        &f.comment,
                    );
                    self.create(K::Function, id.to_string(), vec![key], sql, "none", &skey);
                }
            }
        }
    }

    fn views(&mut self) {
        let (from, to) = (self.from, self.to);
        for (n, v) in &from.views {
            let (kind, what) = if v.materialized {
                (K::MaterializedView, "MATERIALIZED VIEW")
            } else {
                (K::View, "VIEW")
            };
            self.drop_gone(
                kind,
                n.to_string(),
                vec![graph::view(n), graph::relname(n)],
                format!("DROP {what} {}", n.sql()),
                false,
                "ACCESS EXCLUSIVE",
            );
        }
        for (n, v) in &to.views {
            let source = self.rn.source(K::View, n);
            let skey = graph::view(&source);
            let key = graph::view(n);
            let (kind, what) = if v.materialized {
                (K::MaterializedView, "MATERIALIZED VIEW")
            } else {
                (K::View, "VIEW")
            };
            match from.views.get(&source) {
                Some(ov) if !self.gone.contains(&skey) => {
                    let mut sql = Vec::new();
                    if source != *n {
                        if source.name != n.name {
                            sql.push(format!(
                                "ALTER {what} {} RENAME TO {}",
                                source.sql(),
                                ident(&n.name)
                            ));
                        }
                        if source.schema != n.schema {
                            sql.push(format!(
                                "ALTER {what} {} SET SCHEMA {}",
                                QName::new(&source.schema, &n.name).sql(),
                                ident(&n.schema)
                            ));
                        }
                        self.push(
                            OpKind::Rename,
                            kind,
                            format!("{source} -> {n}"),
                            vec![key.clone(), skey.clone(), graph::relname(n)],
                            std::mem::take(&mut sql),
                            false,
                            "ACCESS EXCLUSIVE",
                            2,
                        );
                    }
                    if ov.comment != v.comment {
                        sql.push(render::comment(&format!("{what} {}", n.sql()), &v.comment));
                    }
                    sql.extend(column_comment_changes(
                        &ov.column_comments,
                        &v.column_comments,
                        n,
                    ));
                    if !sql.is_empty() {
                        self.push(
                            OpKind::Alter,
                            kind,
                            n.to_string(),
                            vec![key],
                            sql,
                            false,
                            "none",
                            3,
                        );
                    }
                }
                _ => {
                    let mut sql = render::with_comment(
                        v.create_sql.clone(),
                        &format!("{what} {}", n.sql()),
                        &v.comment,
                    );
                    sql.extend(column_comment_changes(
                        &BTreeMap::new(),
                        &v.column_comments,
                        n,
                    ));
                    self.create(
                        kind,
                        n.to_string(),
                        vec![key, graph::relname(n)],
                        sql,
                        "ACCESS EXCLUSIVE",
                        &skey,
                    );
                }
            }
        }
    }

    fn indexes(&mut self) {
        let (from, to) = (self.from, self.to);
        for n in from.indexes.keys() {
            self.drop_gone(
                K::Index,
                n.to_string(),
                vec![graph::index(n), graph::relname(n)],
                format!("DROP INDEX {}", n.sql()),
                false,
                "ACCESS EXCLUSIVE",
            );
        }
        for (n, ix) in &to.indexes {
            let source = self.rn.source(K::Index, n);
            let skey = graph::index(&source);
            let key = graph::index(n);
            match from.indexes.get(&source) {
                Some(oi) if !self.gone.contains(&skey) => {
                    let mut sql = Vec::new();
                    if source != *n {
                        sql.push(format!(
                            "ALTER INDEX {} RENAME TO {}",
                            source.sql(),
                            ident(&n.name)
                        ));
                    }
                    if oi.comment != ix.comment {
                        sql.push(render::comment(&format!("INDEX {}", n.sql()), &ix.comment));
                    }
                    if !sql.is_empty() {
                        let kind = if source != *n {
                            OpKind::Rename
                        } else {
                            OpKind::Alter
                        };
                        self.push(
                            kind,
                            K::Index,
                            n.to_string(),
                            vec![key, skey, graph::relname(n)],
                            sql,
                            false,
                            "SHARE UPDATE EXCLUSIVE",
                            2,
                        );
                    }
                }
                _ => {
                    let sql = render::with_comment(
                        ix.create_sql.clone(),
                        &format!("INDEX {}", n.sql()),
                        &ix.comment,
                    );
                    self.create(
                        K::Index,
                        n.to_string(),
                        vec![key, graph::relname(n)],
                        sql,
                        "SHARE",
                        &skey,
                    );
                }
            }
        }
    }

    fn triggers(&mut self) {
        let (from, to) = (self.from, self.to);
        for k in from.triggers.keys() {
            let sql = format!("DROP TRIGGER {} ON {}", ident(&k.1), k.0.sql());
            self.drop_gone(
                K::Trigger,
                format!("{}.{}", k.0, k.1),
                vec![graph::trigger(&k.0, &k.1)],
                sql,
                false,
                "SHARE ROW EXCLUSIVE",
            );
        }
        for (k, t) in &to.triggers {
            let source = (self.rn.source(K::Table, &k.0), k.1.clone());
            let skey = graph::trigger(&source.0, &source.1);
            let key = graph::trigger(&k.0, &k.1);
            match from.triggers.get(&source) {
                Some(ot) if !self.gone.contains(&skey) => {
                    let mut sql = Vec::new();
                    if ot.enabled != t.enabled {
                        sql.push(format!(
                            "ALTER TABLE {} {} TRIGGER {}",
                            k.0.sql(),
                            t.enabled,
                            ident(&k.1)
                        ));
                    }
                    if ot.comment != t.comment {
                        sql.push(render::comment(
                            &format!("TRIGGER {} ON {}", ident(&k.1), k.0.sql()),
                            &t.comment,
                        ));
                    }
                    if !sql.is_empty() {
                        self.push(
                            OpKind::Alter,
                            K::Trigger,
                            format!("{}.{}", k.0, k.1),
                            vec![key],
                            sql,
                            false,
                            "SHARE ROW EXCLUSIVE",
                            3,
                        );
                    }
                }
                _ => {
                    let mut sql = vec![t.create_sql.clone()];
                    if t.enabled != "ENABLE" {
                        sql.push(format!(
                            "ALTER TABLE {} {} TRIGGER {}",
                            k.0.sql(),
                            t.enabled,
                            ident(&k.1)
                        ));
                    }
                    if t.comment.is_some() {
                        sql.push(render::comment(
                            &format!("TRIGGER {} ON {}", ident(&k.1), k.0.sql()),
                            &t.comment,
                        ));
                    }
                    self.create(
                        K::Trigger,
                        format!("{}.{}", k.0, k.1),
                        vec![key],
                        sql,
                        "SHARE ROW EXCLUSIVE",
                        &skey,
                    );
                }
            }
        }
    }

    fn policies(&mut self) {
        let (from, to) = (self.from, self.to);
        for k in from.policies.keys() {
            let sql = format!("DROP POLICY {} ON {}", ident(&k.1), k.0.sql());
            self.drop_gone(
                K::Policy,
                format!("{}.{}", k.0, k.1),
                vec![graph::policy(&k.0, &k.1)],
                sql,
                false,
                "ACCESS EXCLUSIVE",
            );
        }
        for (k, p) in &to.policies {
            let source = (self.rn.source(K::Table, &k.0), k.1.clone());
            let skey = graph::policy(&source.0, &source.1);
            let key = graph::policy(&k.0, &k.1);
            let on = format!("{} ON {}", ident(&k.1), k.0.sql());
            match from.policies.get(&source) {
                Some(op) if !self.gone.contains(&skey) => {
                    let mut sql = Vec::new();
                    if op.roles != p.roles || op.using != p.using || op.check != p.check {
                        let mut s = format!("ALTER POLICY {on} TO {}", p.roles.join(", "));
                        if let Some(u) = &p.using {
                            s.push_str(&format!(" USING ({})", u.sql));
                        }
                        if let Some(c) = &p.check {
                            s.push_str(&format!(" WITH CHECK ({})", c.sql));
                        }
                        sql.push(s);
                    }
                    if op.comment != p.comment {
                        sql.push(render::comment(&format!("POLICY {on}"), &p.comment));
                    }
                    if !sql.is_empty() {
                        self.push(
                            OpKind::Alter,
                            K::Policy,
                            format!("{}.{}", k.0, k.1),
                            vec![key],
                            sql,
                            false,
                            "ACCESS EXCLUSIVE",
                            3,
                        );
                    }
                }
                _ => {
                    let sql = render::with_comment(
                        render::create_policy(p),
                        &format!("POLICY {on}"),
                        &p.comment,
                    );
                    self.create(
                        K::Policy,
                        format!("{}.{}", k.0, k.1),
                        vec![key],
                        sql,
                        "ACCESS EXCLUSIVE",
                        &skey,
                    );
                }
            }
        }
    }

    /// GRANT and REVOKE for managed roles. Privileges go with a dropped object, so a re-created
    /// object gets all of its privileges again.
    fn grants(&mut self) {
        let (from, to) = (self.from, self.to);
        if from.grants.is_empty() && to.grants.is_empty() {
            return;
        }
        let existing = |s: &Schema| -> BTreeSet<Key> {
            let mut keys: BTreeSet<Key> = s.tables.keys().map(graph::table).collect();
            keys.extend(s.views.keys().map(graph::view));
            keys.extend(s.sequences.keys().map(graph::sequence));
            keys.extend(s.functions.keys().map(graph::function));
            keys.extend(s.schemas.keys().map(|n| graph::schema(n)));
            keys
        };
        let (in_from, in_to) = (existing(from), existing(to));
        let none = BTreeSet::new();
        let all: BTreeSet<&(GrantObject, String)> =
            from.grants.keys().chain(to.grants.keys()).collect();
        for k in all {
            let (object, role) = k;
            if !in_to.contains(&object.key) {
                continue;
            }
            let kept = in_from.contains(&object.key) && !self.gone.contains(&object.key);
            let old = if kept {
                from.grants.get(k).unwrap_or(&none)
            } else {
                &none
            };
            let new = to.grants.get(k).unwrap_or(&none);
            let grantee = if role == "public" {
                "PUBLIC".to_string()
            } else {
                ident(role)
            };
            let on = format!("{} {}", object.kind, object.sql);
            let mut sql = Vec::new();
            let revoked: Vec<&str> = old.difference(new).map(String::as_str).collect();
            if !revoked.is_empty() {
                sql.push(format!(
                    "REVOKE {} ON {on} FROM {grantee}",
                    revoked.join(", ")
                ));
            }
            let granted: Vec<&str> = new.difference(old).map(String::as_str).collect();
            if !granted.is_empty() {
                sql.push(format!("GRANT {} ON {on} TO {grantee}", granted.join(", ")));
            }
            if !sql.is_empty() {
                self.push(
                    OpKind::Alter,
                    K::Privilege,
                    format!("{} {} to {role}", object.kind.to_lowercase(), object.sql),
                    vec![format!("grant:{}", object.key)],
                    sql,
                    false,
                    "none",
                    3,
                );
            }
        }
    }

    fn passthrough(&mut self) {
        let (from, to) = (self.from, self.to);
        for p in &to.passthrough {
            if !from.passthrough.iter().any(|o| o.sql == p.sql) {
                self.push(
                    OpKind::Create,
                    K::Statement,
                    format!("{} at {}", p.kind, p.origin),
                    vec![format!("stmt:{}", p.sql)],
                    vec![p.sql.clone()],
                    false,
                    "unknown",
                    4,
                );
            }
        }
        for p in &from.passthrough {
            if !to.passthrough.iter().any(|o| o.sql == p.sql) {
                self.warnings.push(format!("{} ({}) is gone from golden SQL but was passed through, so it is not dropped: drop it by hand if intended", p.kind, p.origin));
            }
        }
    }
}

/// Whether two tables have the same definition (their source positions aside).
fn same_table(a: &Table, b: &Table) -> bool {
    let column = |x: &Column, y: &Column| {
        x.name == y.name
            && x.ty == y.ty
            && x.collation == y.collation
            && x.default == y.default
            && x.not_null == y.not_null
            && x.identity == y.identity
            && x.identity_options == y.identity_options
            && x.generated == y.generated
            && x.comment == y.comment
            && x.renamed_from == y.renamed_from
            && x.local == y.local
    };
    let constraint = |x: &Constraint, y: &Constraint| {
        x.name == y.name
            && x.kind == y.kind
            && x.deferrable == y.deferrable
            && x.initially_deferred == y.initially_deferred
            && x.not_valid == y.not_valid
            && x.no_inherit == y.no_inherit
            && x.comment == y.comment
            && x.renamed_from == y.renamed_from
    };
    a.name == b.name
        && a.unlogged == b.unlogged
        && a.partition_by == b.partition_by
        && a.partition_of == b.partition_of
        && a.inherits == b.inherits
        && a.rls_enabled == b.rls_enabled
        && a.rls_forced == b.rls_forced
        && a.options == b.options
        && a.comment == b.comment
        && a.renamed_from == b.renamed_from
        && a.columns.len() == b.columns.len()
        && a.columns.iter().zip(&b.columns).all(|(x, y)| column(x, y))
        && a.constraints.len() == b.constraints.len()
        && a.constraints
            .values()
            .zip(b.constraints.values())
            .all(|(x, y)| constraint(x, y))
}

fn is_subsequence(a: &[String], b: &[String]) -> bool {
    let mut it = b.iter();
    a.iter().all(|x| it.any(|y| y == x))
}

fn constraint_same(a: &Constraint, b: &Constraint) -> bool {
    a.kind == b.kind
        && a.deferrable == b.deferrable
        && a.initially_deferred == b.initially_deferred
        && a.no_inherit == b.no_inherit
        && (a.not_valid == b.not_valid || (a.not_valid && !b.not_valid))
}

fn index_same(a: &Index, b: &Index) -> bool {
    let strip = |i: &Index| {
        i.create_sql
            .replacen(&format!("INDEX {} ON", ident(&i.name.name)), "INDEX ON", 1)
    };
    strip(a) == strip(b)
}

/// `sql` with the object's old qualified name replaced by its new one, so a renamed object
/// that is otherwise identical compares equal.
fn rename_neutral(sql: &str, old: &QName, new: &QName) -> String {
    if old == new {
        return sql.to_string();
    }
    sql.replacen(&old.sql(), &new.sql(), 1)
}

fn column_comment_changes(
    old: &BTreeMap<String, String>,
    new: &BTreeMap<String, String>,
    view: &QName,
) -> Vec<String> {
    let mut out = Vec::new();
    for (c, text) in new {
        if old.get(c) != Some(text) {
            out.push(render::comment(
                &format!("COLUMN {}.{}", view.sql(), ident(c)),
                &Some(text.clone()),
            ));
        }
    }
    for c in old.keys().filter(|c| !new.contains_key(*c)) {
        out.push(render::comment(
            &format!("COLUMN {}.{}", view.sql(), ident(c)),
            &None,
        ));
    }
    out
}

/// Whether changing a column from `old` to `new` type cannot lose data.
fn widening(old: &str, new: &str) -> bool {
    let rank = |t: &str| match t {
        "smallint" => Some(1),
        "integer" => Some(2),
        "bigint" => Some(3),
        "numeric" => Some(4),
        _ => None,
    };
    if let (Some(a), Some(b)) = (rank(old), rank(new)) {
        return a <= b;
    }
    if new == "text"
        && (old.starts_with("character varying") || old.starts_with("character(") || old == "text")
    {
        return true;
    }
    let varchar_len = |t: &str| {
        t.strip_prefix("character varying(")
            .and_then(|r| r.strip_suffix(')'))
            .and_then(|n| n.parse::<u32>().ok())
    };
    match (varchar_len(old), varchar_len(new)) {
        (Some(a), Some(b)) => a <= b,
        (Some(_), None) => new == "character varying",
        _ => false,
    }
}

/// The identity options of a column of type `ty` with every option at its default.
fn default_identity_options(ty: &str) -> String {
    let seq = crate::build::default_sequence_for(ty);
    crate::build::identity_option_text(&seq)
}

/// `SET INCREMENT BY 5 SET START WITH 100 ...` from identity option text.
fn identity_alterations(opts: &str) -> String {
    let words: Vec<&str> = opts.split(' ').collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let take = match words[i] {
            "INCREMENT" | "START" => 3,
            "MINVALUE" | "MAXVALUE" | "CACHE" => 2,
            "NO" => 2,
            _ => 1,
        };
        let end = (i + take).min(words.len());
        out.push(format!("SET {}", words[i..end].join(" ")));
        i = end;
    }
    out.join(" ")
}
