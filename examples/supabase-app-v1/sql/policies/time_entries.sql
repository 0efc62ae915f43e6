alter table app.time_entries enable row level security;

-- Your own entries, plus everything in organizations you administer.
create policy time_entries_select on app.time_entries
    for select
    using (
        user_id = auth.uid()
        or exists (
            select 1
            from app.tasks t
            join app.projects p on p.id = t.project_id
            where t.id = time_entries.task_id
              and private.is_org_member(p.org_id, 'admin')
        )
    );

create policy time_entries_write_own on app.time_entries
    for all
    using (user_id = auth.uid())
    with check (user_id = auth.uid());
