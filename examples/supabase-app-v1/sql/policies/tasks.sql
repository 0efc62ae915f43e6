alter table app.tasks enable row level security;

-- A task is visible exactly when its project is visible (projects RLS applies
-- inside the sub-select).
create policy tasks_select on app.tasks
    for select
    using (exists (select 1 from app.projects p where p.id = tasks.project_id));

create policy tasks_insert on app.tasks
    for insert
    with check (exists (
        select 1 from app.projects p
        where p.id = tasks.project_id
          and private.is_org_member(p.org_id, 'member')
    ));

create policy tasks_update on app.tasks
    for update
    using (exists (
        select 1 from app.projects p
        where p.id = tasks.project_id
          and private.is_org_member(p.org_id, 'member')
    ))
    with check (exists (
        select 1 from app.projects p
        where p.id = tasks.project_id
          and private.is_org_member(p.org_id, 'member')
    ));
