create table app.projects (
    id uuid primary key default gen_random_uuid(),
    org_id uuid not null references app.organizations (id) on delete cascade,
    code varchar(10) not null check (code ~ '^[A-Z][A-Z0-9]{1,9}$'),
    name varchar(100) not null,
    description text,
    color app.hex_color not null default '#4f46e5',
    created_by uuid references app.profiles (id) on delete set null,
    archived_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (org_id, code)
);

comment on table app.projects is 'A board of tasks inside an organization.';
comment on column app.projects.code is 'Short upper-case prefix used in task references, e.g. WEB-42.';
comment on column app.projects.archived_at is 'Set when the project is archived; archived projects are read-only in the UI.';
