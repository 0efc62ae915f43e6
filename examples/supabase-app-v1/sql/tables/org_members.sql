create table app.org_members (
    org_id uuid not null references app.organizations (id) on delete cascade,
    user_id uuid not null references app.profiles (id) on delete cascade,
    role app.member_role not null default 'member',
    invited_by uuid references app.profiles (id) on delete set null,
    joined_at timestamptz not null default now(),
    primary key (org_id, user_id)
);

comment on table app.org_members is 'Which users belong to which organization, and with what role.';
