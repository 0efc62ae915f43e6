//! `GRANT` and `REVOKE` for the roles the project manages; privileges of other roles are
//! reported and left alone, so a plan never revokes what it does not own.

use super::context::{qname, Builder};
use super::Stmt;
use crate::expr::string_of;
use crate::model::{GrantObject, GrantTarget};
use pg_query::protobuf::{self, ObjectType as Ot};
use pg_query::NodeEnum;
use std::collections::BTreeSet;

/// Every privilege `ALL` stands for, per object kind (PostgreSQL 15).
fn all_privileges(kind: &str) -> &'static [&'static str] {
    match kind {
        "TABLE" => &[
            "DELETE",
            "INSERT",
            "REFERENCES",
            "SELECT",
            "TRIGGER",
            "TRUNCATE",
            "UPDATE",
        ],
        "SEQUENCE" => &["SELECT", "UPDATE", "USAGE"],
        "FUNCTION" => &["EXECUTE"],
        "SCHEMA" => &["CREATE", "USAGE"],
        _ => &[],
    }
}

impl Builder {
    pub(crate) fn grant(&mut self, st: &Stmt, s: &protobuf::GrantStmt) {
        let roles: Vec<String> = s
            .grantees
            .iter()
            .filter_map(|g| match &g.node {
                Some(NodeEnum::RoleSpec(r))
                    if r.roletype == protobuf::RoleSpecType::RolespecPublic as i32 =>
                {
                    Some("public".to_string())
                }
                Some(NodeEnum::RoleSpec(r)) => Some(r.rolename.clone()),
                _ => None,
            })
            .collect();
        let (managed, unmanaged): (Vec<String>, Vec<String>) = roles
            .into_iter()
            .partition(|r| self.managed_roles.contains(r));
        if !unmanaged.is_empty() {
            self.note(st, format!("privileges of {} are not managed (list roles in data.toml `managed_roles`); this part is not planned", unmanaged.join(", ")));
        }
        if managed.is_empty() {
            return;
        }
        if s.privileges
            .iter()
            .any(|p| matches!(&p.node, Some(NodeEnum::AccessPriv(a)) if !a.cols.is_empty()))
        {
            self.warn(
                st,
                st.origin(),
                "column privileges are not modelled and are ignored",
            );
            return;
        }
        let Some(objects) = self.grant_objects(st, s) else {
            return;
        };
        for object in objects {
            let privileges: BTreeSet<String> = if s.privileges.is_empty() {
                all_privileges(&object.kind)
                    .iter()
                    .map(|p| p.to_string())
                    .collect()
            } else {
                s.privileges
                    .iter()
                    .filter_map(|p| match &p.node {
                        Some(NodeEnum::AccessPriv(a)) => Some(a.priv_name.to_uppercase()),
                        _ => None,
                    })
                    .collect()
            };
            for role in &managed {
                let entry = self
                    .schema
                    .grants
                    .entry((object.clone(), role.clone()))
                    .or_default();
                if s.is_grant {
                    entry.extend(privileges.iter().cloned());
                } else {
                    entry.retain(|p| !privileges.contains(p));
                }
            }
        }
        self.schema.grants.retain(|_, privs| !privs.is_empty());
    }

    /// The objects a GRANT names (or, with `ALL ... IN SCHEMA`, every such object declared).
    fn grant_objects(&mut self, st: &Stmt, s: &protobuf::GrantStmt) -> Option<Vec<GrantObject>> {
        let kind = Ot::try_from(s.objtype).unwrap_or(Ot::Undefined);
        let all_in_schema = s.targtype == protobuf::GrantTargetType::AclTargetAllInSchema as i32;
        let mut out = Vec::new();
        for o in &s.objects {
            match (kind, &o.node) {
                (Ot::ObjectTable | Ot::ObjectSequence, Some(NodeEnum::String(schema)))
                    if all_in_schema =>
                {
                    let sch = schema.sval.clone();
                    if kind == Ot::ObjectTable {
                        out.extend(self.schema.tables.keys().filter(|q| q.schema == sch).map(
                            |q| GrantObject {
                                kind: "TABLE".into(),
                                sql: q.sql(),
                                target: GrantTarget::Table(q.clone()),
                            },
                        ));
                        out.extend(
                            self.schema
                                .views
                                .keys()
                                .filter(|q| q.schema == sch)
                                .map(|q| GrantObject {
                                    kind: "TABLE".into(),
                                    sql: q.sql(),
                                    target: GrantTarget::View(q.clone()),
                                }),
                        );
                    } else {
                        out.extend(
                            self.schema
                                .sequences
                                .keys()
                                .filter(|q| q.schema == sch)
                                .map(|q| GrantObject {
                                    kind: "SEQUENCE".into(),
                                    sql: q.sql(),
                                    target: GrantTarget::Sequence(q.clone()),
                                }),
                        );
                    }
                }
                (
                    Ot::ObjectFunction | Ot::ObjectProcedure | Ot::ObjectRoutine,
                    Some(NodeEnum::String(schema)),
                ) if all_in_schema => {
                    out.extend(
                        self.schema
                            .functions
                            .keys()
                            .filter(|f| f.name.schema == schema.sval)
                            .map(|f| GrantObject {
                                kind: "FUNCTION".into(),
                                sql: f.sql(),
                                target: GrantTarget::Function(f.clone()),
                            }),
                    );
                }
                (Ot::ObjectTable | Ot::ObjectSequence, Some(NodeEnum::RangeVar(rv))) => {
                    let q = qname(rv);
                    let target = if self.schema.tables.contains_key(&q) {
                        GrantTarget::Table(q.clone())
                    } else if self.schema.views.contains_key(&q) {
                        GrantTarget::View(q.clone())
                    } else if self.schema.sequences.contains_key(&q) {
                        GrantTarget::Sequence(q.clone())
                    } else {
                        self.error(
                            st,
                            st.origin_loc(rv.location),
                            format!("GRANT names {q}, which golden SQL does not declare"),
                        );
                        continue;
                    };
                    let kind = if matches!(target, GrantTarget::Sequence(_)) {
                        "SEQUENCE"
                    } else {
                        "TABLE"
                    };
                    out.push(GrantObject {
                        kind: kind.into(),
                        sql: q.sql(),
                        target,
                    });
                }
                (
                    Ot::ObjectFunction | Ot::ObjectProcedure | Ot::ObjectRoutine,
                    Some(NodeEnum::ObjectWithArgs(f)),
                ) => match self
                    .function_key(f)
                    .filter(|id| self.schema.functions.contains_key(id))
                {
                    Some(id) => out.push(GrantObject {
                        kind: "FUNCTION".into(),
                        sql: id.sql(),
                        target: GrantTarget::Function(id.clone()),
                    }),
                    None => self.error(
                        st,
                        st.origin(),
                        "GRANT names a function that golden SQL does not declare",
                    ),
                },
                (Ot::ObjectSchema, Some(NodeEnum::String(name))) => {
                    let n = name.sval.clone();
                    out.push(GrantObject {
                        kind: "SCHEMA".into(),
                        sql: crate::quote::ident(&n),
                        target: GrantTarget::Schema(n.clone()),
                    });
                }
                _ => {
                    let what = s.objects.first().and_then(string_of).unwrap_or_default();
                    self.warn(
                        st,
                        st.origin(),
                        format!("privileges on {kind:?} {what} are not modelled and are ignored"),
                    );
                    return None;
                }
            }
        }
        Some(out)
    }
}
