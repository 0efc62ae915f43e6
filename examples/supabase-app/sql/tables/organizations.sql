create table app.organizations (
    id uuid primary key default gen_random_uuid(),
    name text not null check (char_length(name) between 1 and 80),
    slug extensions.citext not null unique,
    plan app.plan_tier not null default 'free',
    seats integer not null default 5 check (seats > 0),
    billing_email extensions.citext,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint organizations_slug_format check (slug::text ~ '^[a-z0-9][a-z0-9-]{1,38}[a-z0-9]$')
);

comment on table app.organizations is 'A tenant. Every project, label and membership belongs to one organization.';
comment on column app.organizations.slug is 'URL-safe identifier (lower-case letters, digits, dashes), unique regardless of case.';
comment on column app.organizations.seats is 'Paid seats; enforced by the application, not the database.';
