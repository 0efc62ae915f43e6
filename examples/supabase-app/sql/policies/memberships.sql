alter table app.memberships enable row level security;

create policy memberships_select on app.memberships
    for select
    using (private.is_org_member(org_id));

create policy memberships_insert on app.memberships
    for insert
    with check (private.is_org_member(org_id, 'admin'));

-- Admins can remove anyone; everybody can leave on their own.
create policy memberships_delete on app.memberships
    for delete
    using (user_id = auth.uid() or private.is_org_member(org_id, 'admin'));
