alter table app.org_members enable row level security;

create policy org_members_select on app.org_members
    for select
    using (private.is_org_member(org_id));

create policy org_members_insert on app.org_members
    for insert
    with check (private.is_org_member(org_id, 'admin'));

-- Admins can remove anyone; everybody can leave on their own.
create policy org_members_delete on app.org_members
    for delete
    using (user_id = auth.uid() or private.is_org_member(org_id, 'admin'));
