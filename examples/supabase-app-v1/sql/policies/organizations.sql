alter table app.organizations enable row level security;

create policy organizations_select on app.organizations
    for select
    using (private.is_org_member(id));

-- Inserts go through app.create_organization(); there is no insert policy.
create policy organizations_update on app.organizations
    for update
    using (private.is_org_member(id, 'admin'))
    with check (private.is_org_member(id, 'admin'));
