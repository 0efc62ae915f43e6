//! `always-backup-before-destructive`: the seed policy that destructive plans run after a backup.

use super::prelude::*;

crate::rule!(AlwaysBackupBeforeDestructive {
    id: "always-backup-before-destructive",
    level: Warning,
    category: Directive,
    summary: "Prime Directive: a destructive plan runs only after a backup",
    explanation: "Plans that drop tables, columns or data cannot be undone by their rollback. In protected environments a backup must be taken (and confirmed) before such a plan runs. Disable with always_backup_before_destructive: false.",
    bad: "-- environment: production, no backup confirmed\nALTER TABLE users DROP COLUMN legacy_flag;",
    good: "-- environment: production, run with --backup-taken after the backup finished\nALTER TABLE users ADD COLUMN plan text;",
    remedy: "Take a backup (or a snapshot) first and confirm it with --backup-taken.",
});

impl Rule for AlwaysBackupBeforeDestructive {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_unit(&self, cx: &Context<'_>, out: &mut Findings) {
        if !cx.settings.always_backup_before_destructive || !cx.protected() || cx.backup_taken {
            return;
        }
        let first = cx.statements.iter().find(|s| {
            s.op.is_some_and(|o| o.destructive)
                || match &s.node {
                    NodeEnum::DropStmt(d) => {
                        d.remove_type == ObjectType::ObjectTable as i32
                            || d.remove_type == ObjectType::ObjectSchema as i32
                    }
                    NodeEnum::TruncateStmt(_) => true,
                    NodeEnum::AlterTableStmt(a) => {
                        alter_cmds(a).any(|c| cmd_is(c, AlterTableType::AtDropColumn))
                    }
                    _ => false,
                }
        });
        if let Some(s) = first {
            out.add(&Self::META, Some(s), "plan", format!("the plan destroys data in protected environment {} and no backup was confirmed", cx.environment));
        }
    }
}
