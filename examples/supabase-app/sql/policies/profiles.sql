alter table app.profiles enable row level security;

-- You can see yourself and everybody who shares an organization with you.
create policy profiles_select on app.profiles
    for select
    using (
        id = auth.uid()
        or exists (
            select 1
            from app.memberships mine
            join app.memberships theirs on theirs.org_id = mine.org_id
            where mine.user_id = auth.uid()
              and theirs.user_id = profiles.id
        )
    );

create policy profiles_update_own on app.profiles
    for update
    to public
    using (id = auth.uid())
    with check (id = auth.uid());
