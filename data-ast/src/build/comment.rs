//! `COMMENT ON`, `ALTER ... RENAME` and `DROP` in golden SQL.

use super::context::{qname, qname_of_list, Builder};
use super::Stmt;
use crate::expr::string_of;
use crate::model::{FuncId, QName};
use crate::typename;
use pg_query::protobuf::{self, ObjectType as Ot};
use pg_query::NodeEnum;

impl Builder {
    pub(crate) fn comment(&mut self, st: &Stmt, s: &protobuf::CommentStmt) {
        let text = if s.comment.is_empty() {
            None
        } else {
            Some(s.comment.clone())
        };
        let obj = s.object.as_deref().and_then(|o| o.node.as_ref());
        let names: Vec<String> = match obj {
            Some(NodeEnum::List(l)) => l.items.iter().filter_map(string_of).collect(),
            Some(NodeEnum::String(x)) => vec![x.sval.clone()],
            Some(NodeEnum::TypeName(t)) => {
                let q = typename::type_ref(t)
                    .user_type
                    .unwrap_or_else(|| QName::new("pg_catalog", ""));
                vec![q.schema, q.name]
            }
            _ => Vec::new(),
        };
        let rel = |parts: &[String]| -> QName {
            match parts {
                [n] => QName::new("public", n.clone()),
                [.., s, n] => QName::new(s.clone(), n.clone()),
                [] => QName::new("public", ""),
            }
        };
        let found = match Ot::try_from(s.objtype).unwrap_or(Ot::Undefined) {
            Ot::ObjectSchema => self
                .schema
                .schemas
                .get_mut(names.first().map(String::as_str).unwrap_or(""))
                .map(|x| x.comment = text)
                .is_some(),
            Ot::ObjectTable | Ot::ObjectForeignTable => self
                .schema
                .tables
                .get_mut(&rel(&names))
                .map(|x| x.comment = text)
                .is_some(),
            Ot::ObjectView | Ot::ObjectMatview => self
                .schema
                .views
                .get_mut(&rel(&names))
                .map(|x| x.comment = text)
                .is_some(),
            Ot::ObjectSequence => self
                .schema
                .sequences
                .get_mut(&rel(&names))
                .map(|x| x.comment = text)
                .is_some(),
            Ot::ObjectIndex => self
                .schema
                .indexes
                .get_mut(&rel(&names))
                .map(|x| x.comment = text)
                .is_some(),
            Ot::ObjectType | Ot::ObjectDomain => self
                .schema
                .types
                .get_mut(&rel(&names))
                .map(|x| x.comment = text)
                .is_some(),
            Ot::ObjectColumn if names.len() >= 2 => {
                let (table, col) = (
                    rel(&names[..names.len() - 1]),
                    names[names.len() - 1].clone(),
                );
                if let Some(t) = self.schema.tables.get_mut(&table) {
                    t.columns
                        .iter_mut()
                        .find(|c| c.name == col)
                        .map(|c| c.comment = text)
                        .is_some()
                } else if let Some(v) = self.schema.views.get_mut(&table) {
                    match text {
                        Some(t) => v.column_comments.insert(col, t),
                        None => v.column_comments.remove(&col),
                    };
                    true
                } else {
                    false
                }
            }
            Ot::ObjectTabconstraint if names.len() >= 2 => {
                let (table, con) = (
                    rel(&names[..names.len() - 1]),
                    names[names.len() - 1].clone(),
                );
                self.schema
                    .tables
                    .get_mut(&table)
                    .and_then(|t| t.constraints.get_mut(&con))
                    .map(|c| c.comment = text)
                    .is_some()
            }
            Ot::ObjectTrigger if names.len() >= 2 => {
                let key = (
                    rel(&names[..names.len() - 1]),
                    names[names.len() - 1].clone(),
                );
                self.schema
                    .triggers
                    .get_mut(&key)
                    .map(|c| c.comment = text)
                    .is_some()
            }
            Ot::ObjectPolicy if names.len() >= 2 => {
                let key = (
                    rel(&names[..names.len() - 1]),
                    names[names.len() - 1].clone(),
                );
                self.schema
                    .policies
                    .get_mut(&key)
                    .map(|c| c.comment = text)
                    .is_some()
            }
            Ot::ObjectFunction | Ot::ObjectProcedure | Ot::ObjectRoutine => match obj {
                Some(NodeEnum::ObjectWithArgs(o)) => match self.function_key(o) {
                    Some(id) => self
                        .schema
                        .functions
                        .get_mut(&id)
                        .map(|f| f.comment = text)
                        .is_some(),
                    None => false,
                },
                _ => false,
            },
            Ot::ObjectExtension => {
                self.note(st, "comments on extensions belong to the extension's own script and are not managed");
                true
            }
            other => {
                self.warn(
                    st,
                    st.origin(),
                    format!("COMMENT ON {other:?} is not modelled and is ignored"),
                );
                true
            }
        };
        if !found {
            self.error(
                st,
                st.origin(),
                "COMMENT names an object that golden SQL does not declare",
            );
        }
    }

    /// The identity of the function an `ObjectWithArgs` names; without argument types, the
    /// only function of that name.
    pub(crate) fn function_key(&self, o: &protobuf::ObjectWithArgs) -> Option<FuncId> {
        let name = qname_of_list(&o.objname);
        if o.args_unspecified {
            let mut matches = self.schema.functions.keys().filter(|k| k.name == name);
            let first = matches.next()?.clone();
            return matches.next().is_none().then_some(first);
        }
        let args = o
            .objargs
            .iter()
            .filter_map(|a| match &a.node {
                Some(NodeEnum::TypeName(t)) => Some(typename::type_ref(t).sql),
                _ => None,
            })
            .collect();
        Some(FuncId { name, args })
    }

    pub(crate) fn rename(&mut self, st: &Stmt, s: &protobuf::RenameStmt) {
        let origin = st.origin();
        match Ot::try_from(s.rename_type).unwrap_or(Ot::Undefined) {
            Ot::ObjectTable => {
                let Some(rv) = &s.relation else { return };
                let old = qname(rv);
                let new = QName::new(&old.schema, &s.newname);
                match self.schema.tables.remove(&old) {
                    Some(mut t) => {
                        t.name = new.clone();
                        self.release_relation(&old);
                        self.take_relation(new.clone());
                        self.schema.tables.insert(new, t);
                    }
                    None => self.error(st, origin, format!("RENAME names {old}, which golden SQL does not declare")),
                }
            }
            Ot::ObjectColumn => {
                let Some(rv) = &s.relation else { return };
                let t = qname(rv);
                match self.schema.tables.get_mut(&t).and_then(|t| t.columns.iter_mut().find(|c| c.name == s.subname)) {
                    Some(c) => c.name = s.newname.clone(),
                    None => self.error(st, origin, format!("RENAME names column {}.{}, which golden SQL does not declare", t, s.subname)),
                }
            }
            Ot::ObjectTabconstraint => {
                let Some(rv) = &s.relation else { return };
                let t = qname(rv);
                match self.schema.tables.get_mut(&t).and_then(|t| t.constraints.remove(&s.subname).map(|c| (t, c))) {
                    Some((t, mut c)) => {
                        c.name = s.newname.clone();
                        t.constraints.insert(c.name.clone(), c);
                    }
                    None => self.error(st, origin, "RENAME CONSTRAINT names a constraint golden SQL does not declare"),
                }
            }
            Ot::ObjectIndex => {
                let Some(rv) = &s.relation else { return };
                let old = qname(rv);
                match self.schema.indexes.remove(&old) {
                    Some(mut ix) => {
                        let new = QName::new(&old.schema, &s.newname);
                        let quoted_old = crate::quote::ident(&old.name);
                        ix.create_sql = ix.create_sql.replacen(&format!("INDEX {quoted_old} ON"), &format!("INDEX {} ON", crate::quote::ident(&new.name)), 1);
                        ix.name = new.clone();
                        self.schema.indexes.insert(new, ix);
                    }
                    None => self.error(st, origin, format!("RENAME names index {old}, which golden SQL does not declare")),
                }
            }
            other => self.error(st, origin, format!("ALTER ... RENAME of {other:?} in golden SQL is not supported: write the object under its new name (add `-- data:renamed from=old` to keep its data)")),
        }
    }

    pub(crate) fn drop(&mut self, st: &Stmt, s: &protobuf::DropStmt) {
        let kind = Ot::try_from(s.remove_type).unwrap_or(Ot::Undefined);
        for o in &s.objects {
            let names: Vec<String> = match &o.node {
                Some(NodeEnum::List(l)) => l.items.iter().filter_map(string_of).collect(),
                Some(NodeEnum::String(x)) => vec![x.sval.clone()],
                Some(NodeEnum::TypeName(t)) => typename::name_parts(t),
                _ => Vec::new(),
            };
            let q = match names.as_slice() {
                [n] => QName::new("public", n.clone()),
                [.., sch, n] => QName::new(sch.clone(), n.clone()),
                [] => continue,
            };
            // Only objects declared before the DROP are removed: `DROP ... IF EXISTS` followed by
            // `CREATE` keeps the created object.
            let before = |key: &str| self.created_at.get(key).is_some_and(|seq| *seq < st.seq);
            let removed = match kind {
                Ot::ObjectTable if before(&format!("rel:{q}")) => {
                    self.schema.tables.remove(&q).is_some()
                }
                Ot::ObjectView | Ot::ObjectMatview if before(&format!("rel:{q}")) => {
                    self.schema.views.remove(&q).is_some()
                }
                Ot::ObjectIndex if before(&format!("rel:{q}")) => {
                    self.schema.indexes.remove(&q).is_some()
                }
                Ot::ObjectSequence if before(&format!("rel:{q}")) => {
                    self.schema.sequences.remove(&q).is_some()
                }
                Ot::ObjectType | Ot::ObjectDomain if before(&format!("type:{q}")) => {
                    self.schema.types.remove(&q).is_some()
                }
                Ot::ObjectSchema if before(&format!("schema:{}", q.name)) => {
                    self.schema.schemas.remove(&q.name).is_some()
                }
                Ot::ObjectExtension if before(&format!("ext:{}", q.name)) => {
                    self.schema.extensions.remove(&q.name).is_some()
                }
                _ => false,
            };
            if !removed && !s.missing_ok {
                self.note(st, "DROP in golden SQL removes only objects declared before it; this one had nothing to remove");
            }
        }
    }
}
