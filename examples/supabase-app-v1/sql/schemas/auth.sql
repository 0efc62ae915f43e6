-- Local stand-in for the Supabase `auth` schema, so the project also loads into
-- a plain PostgreSQL 15 server. Only the pieces this app touches are modelled.
create schema if not exists auth;

create table if not exists auth.users (
    id uuid primary key default gen_random_uuid(),
    email text unique,
    raw_user_meta_data jsonb not null default '{}'::jsonb,
    created_at timestamptz not null default now()
);

-- Same contract as Supabase: the caller's user id from the JWT `sub` claim.
create or replace function auth.uid()
returns uuid
language sql
stable
as $$
    select nullif(current_setting('request.jwt.claim.sub', true), '')::uuid
$$;
