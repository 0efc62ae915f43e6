//! The dependency graph of a schema model: for every object key, the keys it depends on, and
//! whether PostgreSQL records the dependency (hard) or only needs the order (soft). Keys are
//! borrowed from the model ([`Key`]), so the graph of a large schema costs no string per key.

pub use crate::model::Key;
use crate::model::*;
use std::collections::{BTreeMap, HashMap};

/// A key's dependencies: (key, hard).
pub type Deps<'a> = Vec<(Key<'a>, bool)>;

/// Dependencies of every object of a model.
#[derive(Debug, Default)]
pub struct Graph<'a> {
    /// key -> (dependency key, hard)
    pub deps: HashMap<Key<'a>, Deps<'a>>,
}

impl<'a> Graph<'a> {
    /// Builds the graph of `s`.
    pub fn of(s: &'a Schema) -> Graph<'a> {
        let mut g = Graph {
            deps: HashMap::with_capacity(s.tables.len() * 8 + s.indexes.len() + 64),
        };
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
            g.deps.insert(Key::extension(&n.name), d);
        }
        for c in s.collations.values() {
            let mut d = Vec::new();
            r.schema(&c.name.schema, &mut d);
            g.deps.insert(Key::collation(&c.name), d);
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
                        r.collation_dep(c, &mut d, true);
                    }
                    for e in default.iter().chain(checks.values()) {
                        r.deps(&e.deps, &mut d, true);
                    }
                }
                TypeKind::Composite { attributes } => {
                    for (_, ty_, coll) in attributes {
                        r.type_ref(ty_, &mut d);
                        if let Some(c) = coll {
                            r.collation_dep(c, &mut d, true);
                        }
                    }
                }
                _ => {}
            }
            g.deps.insert(Key::ty(&t.name), d);
        }
        for q in s.sequences.values() {
            let mut d = Vec::new();
            r.schema(&q.name.schema, &mut d);
            g.deps.insert(Key::sequence(&q.name), d);
            if let Some((t, c)) = &q.owned_by {
                g.deps.insert(
                    Key::sequence_owner(&q.name),
                    vec![(Key::sequence(&q.name), true), (Key::column(t, c), true)],
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
                d.push((Key::table(p), true));
                if let Some(pt) = s.tables.get(p) {
                    for c in &pt.columns {
                        d.push((Key::column(p, &c.name), false));
                    }
                }
            }
            g.deps.insert(Key::table(&t.name), d);
            for c in &t.columns {
                let mut d = vec![(Key::table(&t.name), true)];
                r.type_ref(&c.ty, &mut d);
                if let Some(coll) = &c.collation {
                    r.collation_dep(coll, &mut d, true);
                }
                for e in c.default.iter().chain(c.generated.iter()) {
                    r.deps(&e.deps, &mut d, true);
                }
                g.deps.insert(Key::column(&t.name, &c.name), d);
            }
            for con in t.constraints.values() {
                let mut d = vec![(Key::table(&t.name), true)];
                match &con.kind {
                    ConstraintKind::PrimaryKey { columns, include }
                    | ConstraintKind::Unique {
                        columns, include, ..
                    } => {
                        d.extend(
                            columns
                                .iter()
                                .chain(include)
                                .map(|c| (Key::column(&t.name, c), true)),
                        );
                    }
                    ConstraintKind::Check { expr } => {
                        r.deps(&expr.deps, &mut d, true);
                        for c in &t.columns {
                            if mentions(&expr.sql, &c.name) {
                                d.push((Key::column(&t.name, &c.name), true));
                            }
                        }
                    }
                    ConstraintKind::ForeignKey {
                        columns,
                        table: target,
                        ref_columns,
                        ..
                    } => {
                        d.extend(columns.iter().map(|c| (Key::column(&t.name, c), true)));
                        d.push((Key::table(target), true));
                        d.extend(ref_columns.iter().map(|c| (Key::column(target, c), true)));
                        if let Some(k) = r.unique_key_for(target, ref_columns) {
                            d.push((k, true));
                        }
                    }
                    ConstraintKind::Exclude { deps, .. } => r.deps(deps, &mut d, true),
                }
                g.deps.insert(Key::constraint(&t.name, &con.name), d);
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
            g.deps.insert(Key::view(&v.name), d);
        }
        for f in s.functions.values() {
            let mut d = Vec::new();
            r.schema(&f.id.name.schema, &mut d);
            for dep in &f.deps {
                let hard = matches!(dep, Dep::Type(_));
                r.dep(dep, &mut d, hard);
            }
            let own = Key::function(&f.id);
            d.retain(|(k, _)| *k != own);
            g.deps.insert(own, d);
        }
        for i in s.indexes.values() {
            let mut d = Vec::new();
            r.deps(&i.deps, &mut d, true);
            g.deps.insert(Key::index(&i.name), d);
        }
        for t in s.triggers.values() {
            let mut d = Vec::new();
            r.deps(&t.deps, &mut d, true);
            if t.create_sql.contains(" WHEN ") {
                r.all_columns(&t.table, &mut d);
            }
            g.deps.insert(Key::trigger(&t.table, &t.name), d);
        }
        for p in s.policies.values() {
            let mut d = vec![(Key::table(&p.table), true)];
            r.all_columns(&p.table, &mut d);
            for e in p.using.iter().chain(p.check.iter()) {
                r.deps(&e.deps, &mut d, true);
            }
            g.deps.insert(Key::policy(&p.table, &p.name), d);
        }
        for v in g.deps.values_mut() {
            v.sort();
            v.dedup();
        }
        g
    }

    /// Objects that depend on each key (hard edges only), each list sorted.
    pub fn dependents(&self) -> HashMap<&Key<'a>, Vec<&Key<'a>>> {
        let mut out: HashMap<&Key<'a>, Vec<&Key<'a>>> = HashMap::with_capacity(self.deps.len());
        for (k, deps) in &self.deps {
            for (d, hard) in deps {
                if *hard {
                    out.entry(d).or_default().push(k);
                }
            }
        }
        for v in out.values_mut() {
            v.sort();
            v.dedup();
        }
        out
    }

    /// The dependencies of `key` (empty when it has none).
    pub fn deps_of(&self, key: &Key<'a>) -> &[(Key<'a>, bool)] {
        self.deps.get(key).map(Vec::as_slice).unwrap_or(&[])
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

impl<'a> Resolver<'a> {
    fn schema(&self, name: &'a str, out: &mut Deps<'a>) {
        if self.s.schemas.contains_key(name) {
            out.push((Key::schema(name), true));
        }
    }

    fn type_ref(&self, t: &'a TypeRef, out: &mut Deps<'a>) {
        if let Some(q) = &t.user_type {
            self.type_dep(q, out, true);
        }
    }

    fn deps(&self, deps: &'a [Dep], out: &mut Deps<'a>, hard: bool) {
        for d in deps {
            self.dep(d, out, hard);
        }
    }

    fn all_columns(&self, q: &'a QName, out: &mut Deps<'a>) {
        if let Some(t) = self.s.tables.get(q) {
            out.extend(t.columns.iter().map(|c| (Key::column(q, &c.name), true)));
        }
    }

    /// A type named by `q`: a user type, a table's or view's row type, or an array of one.
    fn type_dep(&self, q: &QName, out: &mut Deps<'a>, hard: bool) {
        if let Some((k, _)) = self.s.types.get_key_value(q) {
            out.push((Key::ty(k), hard));
        } else if let Some((k, _)) = self.s.tables.get_key_value(q) {
            out.push((Key::table(k), hard));
        } else if let Some((k, _)) = self.s.views.get_key_value(q) {
            out.push((Key::view(k), hard));
        } else if let Some(stripped) = q.name.strip_prefix('_') {
            self.type_dep(&QName::new(&q.schema, stripped), out, hard);
        }
    }

    /// A collation (unqualified names are found in `public`).
    fn collation_dep(&self, q: &QName, out: &mut Deps<'a>, hard: bool) {
        let found = if q.schema.is_empty() {
            self.s
                .collations
                .get_key_value(&QName::new("public", &q.name))
        } else {
            self.s.collations.get_key_value(q)
        };
        if let Some((k, _)) = found {
            out.push((Key::collation(k), hard));
        }
    }

    fn dep(&self, d: &'a Dep, out: &mut Deps<'a>, hard: bool) {
        match d {
            Dep::Schema(n) => self.schema(n, out),
            Dep::Type(q) => self.type_dep(q, out, hard),
            Dep::Relation(q) => {
                if self.s.tables.contains_key(q) {
                    out.push((Key::table(q), hard));
                } else if self.s.views.contains_key(q) {
                    out.push((Key::view(q), hard));
                } else if self.s.sequences.contains_key(q) {
                    out.push((Key::sequence(q), hard));
                }
            }
            Dep::Function(q) => {
                for id in self.functions.get(q).into_iter().flatten() {
                    out.push((Key::function(id), hard));
                }
            }
            Dep::Collation(q) => self.collation_dep(q, out, hard),
            Dep::Column(t, c) => {
                if self.s.tables.get(t).is_some_and(|t| t.column(c).is_some()) {
                    out.push((Key::column(t, c), hard));
                } else if self.s.views.contains_key(t) {
                    out.push((Key::view(t), hard));
                }
            }
        }
    }

    /// The primary key, unique constraint or unique index a foreign key relies on.
    fn unique_key_for(&self, target: &'a QName, cols: &[String]) -> Option<Key<'a>> {
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
                    return Some(Key::constraint(target, &c.name));
                }
            }
        }
        self.s
            .indexes
            .values()
            .find(|i| i.table == *target && i.create_sql.starts_with("CREATE UNIQUE"))
            .map(|i| Key::index(&i.name))
    }
}
