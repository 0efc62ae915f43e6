//! `ALTER` statements in golden SQL (as `pg_dump` writes them, or by hand), applied to the model.

use super::context::{qname, qname_of_list, Builder};
use super::objects::role_names;
use super::table::{def_elem_text, normalize_default, partition_bound_sql, PendingConstraint};
use super::Stmt;
use crate::expr::{self, string_of};
use crate::model::{ConstraintKind, QName, TypeKind};
use crate::typename;
use pg_query::protobuf::{self, AlterTableType as At, ConstrType};
use pg_query::NodeEnum;

impl Builder {
    pub(crate) fn alter_table(&mut self, st: &Stmt, s: &protobuf::AlterTableStmt) {
        let Some(rv) = &s.relation else { return };
        let name = qname(rv);
        let origin = st.origin_loc(rv.location);
        // Ownership is not managed (plans run as the deploying role), whatever the object.
        if s.cmds.iter().all(|c| matches!(&c.node, Some(NodeEnum::AlterTableCmd(c)) if c.subtype == At::AtChangeOwner as i32)) {
            return;
        }
        if s.objtype == protobuf::ObjectType::ObjectIndex as i32 {
            self.alter_index(st, &name, s);
            return;
        }
        if s.objtype != protobuf::ObjectType::ObjectTable as i32
            && s.objtype != protobuf::ObjectType::ObjectForeignTable as i32
        {
            for c in &s.cmds {
                if let Some(NodeEnum::AlterTableCmd(cmd)) = &c.node {
                    if cmd.subtype != At::AtChangeOwner as i32 {
                        self.warn(st, origin.clone(), "this ALTER of an index, view or sequence is not modelled and is ignored");
                    }
                }
            }
            return;
        }
        let Some(mut table) = self.schema.tables.remove(&name) else {
            if s.missing_ok {
                return;
            }
            self.error(
                st,
                origin,
                format!("ALTER TABLE names {name}, which golden SQL does not declare"),
            );
            return;
        };
        for c in &s.cmds {
            let Some(NodeEnum::AlterTableCmd(cmd)) = &c.node else {
                continue;
            };
            self.alter_table_cmd(st, &mut table, cmd);
        }
        self.schema.tables.insert(name, table);
    }

    /// The column `name` as declared by one of `table`'s parents (through INHERITS, nearest
    /// first), when the table does not declare it itself.
    fn inherited_column(
        &self,
        table: &crate::model::Table,
        name: &str,
    ) -> Option<crate::model::Column> {
        let mut pending: Vec<QName> = table.inherits.clone();
        let mut seen = std::collections::BTreeSet::new();
        while let Some(parent) = pending.pop() {
            if !seen.insert(parent.clone()) {
                continue;
            }
            let Some(t) = self.schema.tables.get(&parent) else {
                continue;
            };
            if let Some(c) = t.column(name) {
                return Some(c.clone());
            }
            pending.extend(t.inherits.iter().cloned());
        }
        None
    }

    fn alter_table_cmd(
        &mut self,
        st: &Stmt,
        table: &mut crate::model::Table,
        cmd: &protobuf::AlterTableCmd,
    ) {
        let origin = st.origin();
        let subtype = At::try_from(cmd.subtype).unwrap_or(At::Undefined);
        let column_index = table.columns.iter().position(|c| c.name == cmd.name);
        let missing_column = |b: &mut Builder, name: &str| {
            b.error(
                st,
                st.origin(),
                format!("column \"{name}\" of {} is not declared", table.name),
            );
        };
        match subtype {
            At::AtAddColumn => {
                let Some(NodeEnum::ColumnDef(cd)) =
                    cmd.def.as_deref().and_then(|d| d.node.as_ref())
                else {
                    return;
                };
                if table.column(&cd.colname).is_some() {
                    if !cmd.missing_ok {
                        self.error(
                            st,
                            origin,
                            format!(
                                "column \"{}\" of {} is declared twice",
                                cd.colname, table.name
                            ),
                        );
                    }
                    return;
                }
                let mut pending = Vec::new();
                if let Some(col) = self.column(st, table, cd, &mut pending) {
                    table.columns.push(col);
                }
                self.add_constraints(st, table, pending, false);
            }
            At::AtColumnDefault => {
                let default = cmd
                    .def
                    .as_deref()
                    .map(|d| normalize_default(expr::render(d)));
                match column_index {
                    Some(i) => table.columns[i].default = default,
                    None => match self.inherited_column(table, &cmd.name) {
                        // pg_dump repeats a parent's default on every child that inherits it.
                        Some(parent) if parent.default == default => {}
                        Some(_) => self.warn(
                            st,
                            origin,
                            format!(
                                "a default of {}'s inherited column \"{}\" that differs from its parent's is not modelled; it is not planned",
                                table.name, cmd.name
                            ),
                        ),
                        None => missing_column(self, &cmd.name),
                    },
                }
            }
            At::AtDropNotNull | At::AtSetNotNull => match column_index {
                Some(i) => table.columns[i].not_null = subtype == At::AtSetNotNull,
                None => missing_column(self, &cmd.name),
            },
            At::AtDropExpression => match column_index {
                Some(i) => table.columns[i].generated = None,
                None => missing_column(self, &cmd.name),
            },
            At::AtDropColumn => match column_index {
                Some(i) => {
                    let col = table.columns.remove(i);
                    table
                        .constraints
                        .retain(|_, c| !constraint_uses(&c.kind, &col.name));
                    let tname = table.name.clone();
                    self.schema.indexes.retain(|_, ix| {
                        !(ix.table == tname
                            && ix.deps.contains(&crate::model::Dep::Column(
                                tname.clone(),
                                col.name.clone(),
                            )))
                    });
                }
                None if cmd.missing_ok => {}
                None => missing_column(self, &cmd.name),
            },
            At::AtAlterColumnType => {
                let Some(NodeEnum::ColumnDef(cd)) =
                    cmd.def.as_deref().and_then(|d| d.node.as_ref())
                else {
                    return;
                };
                match column_index {
                    Some(i) => {
                        if let Some(tn) = &cd.type_name {
                            table.columns[i].ty = typename::type_ref(tn);
                        }
                        table.columns[i].collation = cd
                            .coll_clause
                            .as_ref()
                            .map(|c| super::context::collation_name(&c.collname));
                    }
                    None => missing_column(self, &cmd.name),
                }
            }
            At::AtAddConstraint => {
                let Some(NodeEnum::Constraint(c)) =
                    cmd.def.as_deref().and_then(|d| d.node.as_ref())
                else {
                    return;
                };
                if c.contype == ConstrType::ConstrNotnull as i32 {
                    for key in super::table::node_names(&c.keys) {
                        if let Some(col) = table.columns.iter_mut().find(|x| x.name == key) {
                            col.not_null = true;
                        }
                    }
                    return;
                }
                self.add_constraints(
                    st,
                    table,
                    vec![PendingConstraint {
                        node: (**c).clone(),
                        column: None,
                    }],
                    false,
                );
            }
            At::AtDropConstraint => {
                if table.constraints.remove(&cmd.name).is_none() && !cmd.missing_ok {
                    self.error(
                        st,
                        origin,
                        format!(
                            "constraint \"{}\" of {} is not declared",
                            cmd.name, table.name
                        ),
                    );
                }
            }
            At::AtValidateConstraint => {
                if let Some(c) = table.constraints.get_mut(&cmd.name) {
                    c.not_valid = false;
                }
            }
            At::AtAlterConstraint => self.warn(
                st,
                origin,
                "ALTER CONSTRAINT is not modelled; write the attributes on the constraint itself",
            ),
            At::AtEnableRowSecurity => table.rls_enabled = true,
            At::AtDisableRowSecurity => table.rls_enabled = false,
            At::AtForceRowSecurity => table.rls_forced = true,
            At::AtNoForceRowSecurity => table.rls_forced = false,
            At::AtSetLogged => table.unlogged = false,
            At::AtSetUnLogged => table.unlogged = true,
            At::AtAddIdentity => match column_index {
                Some(i) => {
                    let always = matches!(cmd.def.as_deref().and_then(|d| d.node.as_ref()), Some(NodeEnum::Constraint(c)) if c.generated_when != "d");
                    if let Some(NodeEnum::Constraint(c)) =
                        cmd.def.as_deref().and_then(|d| d.node.as_ref())
                    {
                        let ty = table.columns[i].ty.sql.clone();
                        let opts: Vec<_> = c.options.iter().filter(|o| !matches!(&o.node, Some(NodeEnum::DefElem(d)) if d.defname == "sequence_name")).cloned().collect();
                        table.columns[i].identity_options = self.identity_options(st, &ty, &opts);
                    }
                    table.columns[i].identity = Some(always);
                    table.columns[i].not_null = true;
                }
                None => missing_column(self, &cmd.name),
            },
            At::AtSetIdentity => {
                if let (Some(i), Some(NodeEnum::List(l))) = (
                    column_index,
                    cmd.def.as_deref().and_then(|d| d.node.as_ref()),
                ) {
                    for o in &l.items {
                        if let Some(NodeEnum::DefElem(d)) = &o.node {
                            if d.defname == "generated" {
                                let always = matches!(d.arg.as_deref().and_then(|a| a.node.as_ref()), Some(NodeEnum::Integer(v)) if v.ival == b'a' as i32);
                                table.columns[i].identity = Some(always);
                            }
                        }
                    }
                }
            }
            At::AtDropIdentity => {
                if let Some(i) = column_index {
                    table.columns[i].identity = None;
                }
            }
            At::AtAttachPartition => {
                let Some(NodeEnum::PartitionCmd(pc)) =
                    cmd.def.as_deref().and_then(|d| d.node.as_ref())
                else {
                    return;
                };
                let (Some(child), Some(bound)) = (&pc.name, &pc.bound) else {
                    return;
                };
                let child = qname(child);
                let parent = table.name.clone();
                match self.schema.tables.get_mut(&child) {
                    Some(t) => {
                        t.partition_of = Some((parent, partition_bound_sql(bound)));
                        t.columns.iter_mut().for_each(|c| c.local = false);
                    }
                    None => self.error(st, origin, format!("partition {child} is not declared")),
                }
            }
            At::AtDetachPartition => {
                if let Some(NodeEnum::PartitionCmd(pc)) =
                    cmd.def.as_deref().and_then(|d| d.node.as_ref())
                {
                    if let Some(t) = pc
                        .name
                        .as_ref()
                        .and_then(|n| self.schema.tables.get_mut(&qname(n)))
                    {
                        t.partition_of = None;
                    }
                }
            }
            At::AtAddInherit | At::AtDropInherit => {
                if let Some(NodeEnum::RangeVar(r)) =
                    cmd.def.as_deref().and_then(|d| d.node.as_ref())
                {
                    let parent = qname(r);
                    table.inherits.retain(|p| *p != parent);
                    if subtype == At::AtAddInherit {
                        table.inherits.push(parent);
                    }
                }
            }
            At::AtSetRelOptions => {
                if let Some(NodeEnum::List(l)) = cmd.def.as_deref().and_then(|d| d.node.as_ref()) {
                    for o in l.items.iter().filter_map(def_elem_text) {
                        let key = o.split('=').next().unwrap_or("").to_string();
                        table
                            .options
                            .retain(|x| x.split('=').next() != Some(key.as_str()));
                        table.options.push(o);
                    }
                }
            }
            At::AtEnableTrig
            | At::AtDisableTrig
            | At::AtEnableAlwaysTrig
            | At::AtEnableReplicaTrig => {
                let state = match subtype {
                    At::AtDisableTrig => "DISABLE",
                    At::AtEnableAlwaysTrig => "ENABLE ALWAYS",
                    At::AtEnableReplicaTrig => "ENABLE REPLICA",
                    _ => "ENABLE",
                };
                match self
                    .schema
                    .triggers
                    .get_mut(&(table.name.clone(), cmd.name.clone()))
                {
                    Some(t) => t.enabled = state.to_string(),
                    None => self.error(
                        st,
                        origin,
                        format!("trigger \"{}\" on {} is not declared", cmd.name, table.name),
                    ),
                }
            }
            At::AtChangeOwner => {}
            _ => self.warn(
                st,
                origin,
                format!("ALTER TABLE {subtype:?} is not modelled and is ignored"),
            ),
        }
    }

    /// `ALTER INDEX parent ATTACH PARTITION child` (pg_dump's way of writing an index on a
    /// partitioned table): the child index is implied by the parent's, as when written by hand.
    fn alter_index(&mut self, st: &Stmt, name: &crate::model::QName, s: &protobuf::AlterTableStmt) {
        for c in &s.cmds {
            let Some(NodeEnum::AlterTableCmd(cmd)) = &c.node else {
                continue;
            };
            if cmd.subtype == At::AtAttachPartition as i32 {
                if let Some(NodeEnum::PartitionCmd(pc)) =
                    cmd.def.as_deref().and_then(|d| d.node.as_ref())
                {
                    if let Some(child) = &pc.name {
                        let child = qname(child);
                        if self.schema.indexes.remove(&child).is_none() {
                            self.drop_partition_key_copy(&child);
                        }
                    }
                    if let Some(parent) = self.schema.indexes.get_mut(name) {
                        parent.create_sql = parent.create_sql.replacen(" ON ONLY ", " ON ", 1);
                    }
                }
            } else if cmd.subtype != At::AtChangeOwner as i32 {
                self.warn(
                    st,
                    st.origin(),
                    "this ALTER INDEX is not modelled and is ignored",
                );
            }
        }
    }

    /// pg_dump writes a partition's copy of its parent's primary key or unique constraint as a
    /// constraint of its own, then attaches its index to the parent's: the copy is implied by
    /// the parent's key, as when written by hand, so it leaves the model.
    fn drop_partition_key_copy(&mut self, index: &QName) {
        for table in self.schema.tables.values_mut() {
            if table.name.schema != index.schema || table.partition_of.is_none() {
                continue;
            }
            let is_key = matches!(
                table.constraints.get(&index.name).map(|c| &c.kind),
                Some(ConstraintKind::PrimaryKey { .. } | ConstraintKind::Unique { .. })
            );
            if is_key {
                table.constraints.remove(&index.name);
                return;
            }
        }
    }

    pub(crate) fn alter_sequence(&mut self, st: &Stmt, s: &protobuf::AlterSeqStmt) {
        let Some(rv) = &s.sequence else { return };
        let name = qname(rv);
        match self.schema.sequences.remove(&name) {
            Some(mut seq) => {
                self.apply_sequence_options(st, &mut seq, &s.options, false);
                self.schema.sequences.insert(name, seq);
            }
            None if s.missing_ok => {}
            None => self.error(
                st,
                st.origin_loc(rv.location),
                format!("ALTER SEQUENCE names {name}, which golden SQL does not declare"),
            ),
        }
    }

    pub(crate) fn alter_enum(&mut self, st: &Stmt, s: &protobuf::AlterEnumStmt) {
        let name = qname_of_list(&s.type_name);
        let Some(TypeKind::Enum { values, .. }) =
            self.schema.types.get_mut(&name).map(|t| &mut t.kind)
        else {
            self.error(
                st,
                st.origin(),
                format!("ALTER TYPE names enum {name}, which golden SQL does not declare"),
            );
            return;
        };
        if !s.old_val.is_empty() {
            if let Some(v) = values.iter_mut().find(|v| **v == s.old_val) {
                *v = s.new_val.clone();
            }
            return;
        }
        if values.contains(&s.new_val) {
            return;
        }
        let at = if s.new_val_neighbor.is_empty() {
            values.len()
        } else {
            match values.iter().position(|v| *v == s.new_val_neighbor) {
                Some(i) if s.new_val_is_after => i + 1,
                Some(i) => i,
                None => values.len(),
            }
        };
        values.insert(at, s.new_val.clone());
    }

    pub(crate) fn alter_domain(&mut self, st: &Stmt, s: &protobuf::AlterDomainStmt) {
        let name = qname_of_list(&s.type_name);
        let Some(TypeKind::Domain {
            default,
            not_null,
            checks,
            ..
        }) = self.schema.types.get_mut(&name).map(|t| &mut t.kind)
        else {
            self.error(
                st,
                st.origin(),
                format!("ALTER DOMAIN names {name}, which golden SQL does not declare"),
            );
            return;
        };
        match s.subtype.as_str() {
            "T" => *default = s.def.as_deref().map(expr::render),
            "N" => *not_null = false,
            "O" => *not_null = true,
            "C" => {
                if let Some(NodeEnum::Constraint(c)) =
                    s.def.as_deref().and_then(|d| d.node.as_ref())
                {
                    if let Some(e) = c.raw_expr.as_deref() {
                        let cname = if c.conname.is_empty() {
                            crate::names::choose_name(&name.name, None, "check", |n| {
                                checks.contains_key(n)
                            })
                        } else {
                            c.conname.clone()
                        };
                        checks.insert(cname, expr::render(e));
                    }
                }
            }
            "X" => {
                checks.remove(&s.name);
            }
            _ => {}
        }
    }

    pub(crate) fn alter_policy(&mut self, st: &Stmt, s: &protobuf::AlterPolicyStmt) {
        let Some(rv) = &s.table else { return };
        let key = (qname(rv), s.policy_name.clone());
        let Some(p) = self.schema.policies.get_mut(&key) else {
            self.error(
                st,
                st.origin(),
                format!(
                    "ALTER POLICY names policy {} on {}, which golden SQL does not declare",
                    key.1, key.0
                ),
            );
            return;
        };
        if !s.roles.is_empty() {
            p.roles = role_names(&s.roles);
        }
        if s.qual.is_some() {
            p.using = expr::render_opt(&s.qual);
        }
        if s.with_check.is_some() {
            p.check = expr::render_opt(&s.with_check);
        }
    }

    pub(crate) fn alter_extension(&mut self, st: &Stmt, s: &protobuf::AlterExtensionStmt) {
        let version = s.options.iter().find_map(|o| match &o.node {
            Some(NodeEnum::DefElem(d)) if d.defname == "new_version" => {
                d.arg.as_deref().and_then(string_of)
            }
            _ => None,
        });
        match self.schema.extensions.get_mut(&s.extname) {
            Some(e) => e.version = version.or(e.version.take()),
            None => self.error(
                st,
                st.origin(),
                format!(
                    "ALTER EXTENSION names {}, which golden SQL does not declare",
                    s.extname
                ),
            ),
        }
    }
}

/// Whether a constraint involves column `col` (PostgreSQL drops such constraints with it).
fn constraint_uses(kind: &ConstraintKind, col: &str) -> bool {
    match kind {
        ConstraintKind::PrimaryKey { columns, include }
        | ConstraintKind::Unique {
            columns, include, ..
        } => columns.iter().chain(include).any(|c| c == col),
        ConstraintKind::ForeignKey { columns, .. } => columns.iter().any(|c| c == col),
        ConstraintKind::Check { expr } => expr
            .sql
            .split(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
            .any(|w| w == col),
        ConstraintKind::Exclude { .. } => false,
    }
}
