create table private.invitations (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references app.organizations (id) on delete cascade,
    email extensions.citext not null,
    role app.member_role not null default 'member' check (role <> 'owner'),
    token text not null unique default encode(extensions.gen_random_bytes(24), 'hex'),
    invited_by uuid references app.profiles (id) on delete set null,
    expires_at timestamptz not null default now() + interval '7 days',
    accepted_at timestamptz,
    created_at timestamptz not null default now()
);

comment on table private.invitations is 'Pending and accepted invitations. Tokens must never be readable through the API.';

-- No policies on purpose: with RLS on, only table owners and security definer code can read it.
alter table private.invitations enable row level security;
