alter table app.projects enable row level security;

-- Public projects are readable by any signed-in user.
create policy projects_select on app.projects
    for select
    using ((is_public and auth.uid() is not null) or private.is_org_member(org_id));

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
