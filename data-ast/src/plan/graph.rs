//! The dependency graph of a schema model: for every object key, the keys it depends on, and
//! whether PostgreSQL records the dependency (hard) or only needs the order (soft).

use crate::model::*;
use std::collections::{BTreeMap, BTreeSet};

/// Object keys are short strings: kind, colon, identity. They sort and hash cheaply.
pub type Key = String;

/// Key of a schema.
pub fn schema(name: &str) -> Key {
    format!("schema:{name}")
}
/// Key of an extension.
pub fn extension(name: &str) -> Key {
    format!("extension:{name}")
}
/// Key of a collation.
pub fn collation(q: &QName) -> Key {
    format!("collation:{q}")
}
/// Key of a type.
pub fn ty(q: &QName) -> Key {
    format!("type:{q}")
}
/// Key of a sequence.
pub fn sequence(q: &QName) -> Key {
    format!("sequence:{q}")
}
/// Key of a sequence's `OWNED BY` link.
pub fn sequence_owner(q: &QName) -> Key {
    format!("owner:{q}")
}
/// Key of a table.
pub fn table(q: &QName) -> Key {
    format!("table:{q}")
}
/// Key of a column.
pub fn column(q: &QName, c: &str) -> Key {
    format!("column:{q}.{c}")
}
/// Key of a table constraint.
pub fn constraint(q: &QName, c: &str) -> Key {
    format!("constraint:{q}.{c}")
}
/// Key of an index.
pub fn index(q: &QName) -> Key {
    format!("index:{q}")
}
/// Key of a view.
pub fn view(q: &QName) -> Key {
    format!("view:{q}")
}
/// Key of a function.
pub fn function(id: &FuncId) -> Key {
    format!("function:{id}")
}
/// Key of a trigger.
pub fn trigger(t: &QName, n: &str) -> Key {
    format!("trigger:{t}.{n}")
}
/// Key of a policy.
pub fn policy(t: &QName, n: &str) -> Key {
    format!("policy:{t}.{n}")
}
/// Key shared by every relation-like object of one name (tables, views, sequences, indexes,
/// types), so a drop of one kind precedes a create of another under the same name.
pub fn relname(q: &QName) -> Key {
    format!("relname:{q}")
}

/// Dependencies of every object of a model.
#[derive(Debug, Default)]
pub struct Graph {
    /// key -> (dependency key, hard)
    pub deps: BTreeMap<Key, Vec<(Key, bool)>>,
}

impl Graph {
    /// Builds the graph of `s`.
    pub fn of(s: &Schema) -> Graph {
        let mut g = Graph::default();
        let mut functions: BTreeMap<&QName, Vec<&FuncId>> = BTreeMap::new();
        for id in s.functions.keys() {
            functions.entry(&id.name).or_default().push(id);
        }
        let r = Resolver { s, functions };
        for n in s.extensions.values() {
            let mut d = Vec::new();
            if let Some(sc) = &n.schema {
                r.schema(sc, &mut d);
            }
            g.deps.insert(extension(&n.name), d);
        }
        for c in s.collations.values() {
            let mut d = Vec::new();
            r.schema(&c.name.schema, &mut d);
            g.deps.insert(collation(&c.name), d);
        }
        for t in s.types.values() {
            let mut d = Vec::new();
            r.schema(&t.name.schema, &mut d);
            match &t.kind {
                TypeKind::Domain {
                    base,
                    collation: coll,
                    default,
                    checks,
                    ..
                } => {
                    r.type_ref(base, &mut d);
                    if let Some(c) = coll {
                        r.dep(&Dep::Collation(c.clone()), &mut d, true);
                    }
                    for e in default.iter().chain(checks.values()) {
                        r.deps(&e.deps, &mut d, true);
                    }
                }
                TypeKind::Composite { attributes } => {
                    for (_, ty_, coll) in attributes {
                        r.type_ref(ty_, &mut d);
                        if let Some(c) = coll {
                            r.dep(&Dep::Collation(c.clone()), &mut d, true);
                        }
                    }
                }
                _ => {}
            }
            g.deps.insert(ty(&t.name), d);
        }
        for q in s.sequences.values() {
            let mut d = Vec::new();
            r.schema(&q.name.schema, &mut d);
            g.deps.insert(sequence(&q.name), d);
            if let Some((t, c)) = &q.owned_by {
                g.deps.insert(
                    sequence_owner(&q.name),
                    vec![(sequence(&q.name), true), (column(t, c), true)],
                );
            }
        }
        for t in s.tables.values() {
            let mut d = Vec::new();
            r.schema(&t.name.schema, &mut d);
            for p in t
                .inherits
                .iter()
                .chain(t.partition_of.iter().map(|(p, _)| p))
            {
                d.push((table(p), true));
                if let Some(pt) = s.tables.get(p) {
                    for c in &pt.columns {
                        d.push((column(p, &c.name), false));
                    }
                }
            }
            g.deps.insert(table(&t.name), d);
            for c in &t.columns {
                let mut d = vec![(table(&t.name), true)];
                r.type_ref(&c.ty, &mut d);
                if let Some(coll) = &c.collation {
                    r.dep(&Dep::Collation(coll.clone()), &mut d, true);
                }
                for e in c.default.iter().chain(c.generated.iter()) {
                    r.deps(&e.deps, &mut d, true);
                }
                g.deps.insert(column(&t.name, &c.name), d);
            }
            for con in t.constraints.values() {
                let mut d = vec![(table(&t.name), true)];
                match &con.kind {
                    ConstraintKind::PrimaryKey { columns, include }
                    | ConstraintKind::Unique {
                        columns, include, ..
                    } => {
                        d.extend(
                            columns
                                .iter()
                                .chain(include)
                                .map(|c| (column(&t.name, c), true)),
                        );
                    }
                    ConstraintKind::Check { expr } => {
                        r.deps(&expr.deps, &mut d, true);
                        for c in &t.columns {
                            if mentions(&expr.sql, &c.name) {
                                d.push((column(&t.name, &c.name), true));
                            }
                        }
                    }
                    ConstraintKind::ForeignKey {
                        columns,
                        table: target,
                        ref_columns,
                        ..
                    } => {
                        d.extend(columns.iter().map(|c| (column(&t.name, c), true)));
                        d.push((table(target), true));
                        d.extend(ref_columns.iter().map(|c| (column(target, c), true)));
                        if let Some(k) = r.unique_key_for(target, ref_columns) {
                            d.push((k, true));
                        }
                    }
                    ConstraintKind::Exclude { deps, .. } => r.deps(deps, &mut d, true),
                }
                g.deps.insert(constraint(&t.name, &con.name), d);
            }
        }
        for v in s.views.values() {
            let mut d = Vec::new();
            r.schema(&v.name.schema, &mut d);
            for dep in &v.deps {
                r.dep(dep, &mut d, true);
                if let Dep::Relation(q) = dep {
                    r.all_columns(q, &mut d);
                }
            }
            g.deps.insert(view(&v.name), d);
        }
        for f in s.functions.values() {
            let mut d = Vec::new();
            r.schema(&f.id.name.schema, &mut d);
            for dep in &f.deps {
                let hard = matches!(dep, Dep::Type(_));
                r.dep(dep, &mut d, hard);
            }
            let own = function(&f.id);
            d.retain(|(k, _)| *k != own);
            g.deps.insert(own, d);
        }
        for i in s.indexes.values() {
            let mut d = Vec::new();
            r.deps(&i.deps, &mut d, true);
            g.deps.insert(index(&i.name), d);
        }
        for t in s.triggers.values() {
            let mut d = Vec::new();
            r.deps(&t.deps, &mut d, true);
            if t.create_sql.contains(" WHEN ") {
                r.all_columns(&t.table, &mut d);
            }
            g.deps.insert(trigger(&t.table, &t.name), d);
        }
        for p in s.policies.values() {
            let mut d = vec![(table(&p.table), true)];
            r.all_columns(&p.table, &mut d);
            for e in p.using.iter().chain(p.check.iter()) {
                r.deps(&e.deps, &mut d, true);
            }
            g.deps.insert(policy(&p.table, &p.name), d);
        }
        for v in g.deps.values_mut() {
            v.sort();
            v.dedup();
        }
        g
    }

    /// Objects that depend on each key (hard edges only).
    pub fn dependents(&self) -> BTreeMap<Key, BTreeSet<Key>> {
        let mut out: BTreeMap<Key, BTreeSet<Key>> = BTreeMap::new();
        for (k, deps) in &self.deps {
            for (d, hard) in deps {
                if *hard {
                    out.entry(d.clone()).or_default().insert(k.clone());
                }
            }
        }
        out
    }
}

/// Whether `sql` mentions identifier `name` as a whole word (quoted or not).
pub fn mentions(sql: &str, name: &str) -> bool {
    sql.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
        .any(|w| w == name)
        || sql.contains(&format!("\"{}\"", name.replace('"', "\"\"")))
}

struct Resolver<'a> {
    s: &'a Schema,
    /// Functions by name, so overload lookup does not scan every function.
    functions: BTreeMap<&'a QName, Vec<&'a FuncId>>,
}

impl Resolver<'_> {
    fn schema(&self, name: &str, out: &mut Vec<(Key, bool)>) {
        if self.s.schemas.contains_key(name) {
            out.push((schema(name), true));
        }
    }

    fn type_ref(&self, t: &TypeRef, out: &mut Vec<(Key, bool)>) {
        if let Some(q) = &t.user_type {
            self.dep(&Dep::Type(q.clone()), out, true);
        }
    }

    fn deps(&self, deps: &[Dep], out: &mut Vec<(Key, bool)>, hard: bool) {
        for d in deps {
            self.dep(d, out, hard);
        }
    }

    fn all_columns(&self, q: &QName, out: &mut Vec<(Key, bool)>) {
        if let Some(t) = self.s.tables.get(q) {
            out.extend(t.columns.iter().map(|c| (column(q, &c.name), true)));
        }
    }

    fn dep(&self, d: &Dep, out: &mut Vec<(Key, bool)>, hard: bool) {
        match d {
            Dep::Schema(n) => self.schema(n, out),
            Dep::Type(q) => {
                if self.s.types.contains_key(q) {
                    out.push((ty(q), hard));
                } else if self.s.tables.contains_key(q) {
                    out.push((table(q), hard));
                } else if self.s.views.contains_key(q) {
                    out.push((view(q), hard));
                } else if let Some(stripped) = q.name.strip_prefix('_') {
                    self.dep(&Dep::Type(QName::new(&q.schema, stripped)), out, hard);
                }
            }
            Dep::Relation(q) => {
                if self.s.tables.contains_key(q) {
                    out.push((table(q), hard));
                } else if self.s.views.contains_key(q) {
                    out.push((view(q), hard));
                } else if self.s.sequences.contains_key(q) {
                    out.push((sequence(q), hard));
                }
            }
            Dep::Function(q) => {
                for id in self.functions.get(q).into_iter().flatten() {
                    out.push((function(id), hard));
                }
            }
            Dep::Collation(q) => {
                let q = &if q.schema.is_empty() {
                    QName::new("public", &q.name)
                } else {
                    q.clone()
                };
                if self.s.collations.contains_key(q) {
                    out.push((collation(q), hard));
                }
            }
            Dep::Column(t, c) => {
                if self.s.tables.get(t).is_some_and(|t| t.column(c).is_some()) {
                    out.push((column(t, c), hard));
                } else if self.s.views.contains_key(t) {
                    out.push((view(t), hard));
                }
            }
        }
    }

    /// The primary key, unique constraint or unique index a foreign key relies on.
    fn unique_key_for(&self, target: &QName, cols: &[String]) -> Option<Key> {
        let t = self.s.tables.get(target)?;
        let mut want: Vec<&String> = cols.iter().collect();
        want.sort();
        for c in t.constraints.values() {
            if let ConstraintKind::PrimaryKey { columns, .. }
            | ConstraintKind::Unique { columns, .. } = &c.kind
            {
                let mut have: Vec<&String> = columns.iter().collect();
                have.sort();
                if have == want {
                    return Some(constraint(target, &c.name));
                }
            }
        }
        self.s
            .indexes
            .values()
            .find(|i| i.table == *target && i.create_sql.starts_with("CREATE UNIQUE"))
            .map(|i| index(&i.name))
    }
}
