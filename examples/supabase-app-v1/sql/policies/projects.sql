alter table app.projects enable row level security;

create policy projects_select on app.projects
    for select
    using (private.is_org_member(org_id));

create policy projects_insert on app.projects
    for insert
    with check (private.is_org_member(org_id, 'member'));

create policy projects_update on app.projects
    for update
    using (private.is_org_member(org_id, 'member'))
    with check (private.is_org_member(org_id, 'member'));

create policy projects_delete on app.projects
    for delete
    using (private.is_org_member(org_id, 'admin'));
