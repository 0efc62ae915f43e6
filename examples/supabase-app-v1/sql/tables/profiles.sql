create table app.profiles (
    id uuid primary key references auth.users (id) on delete cascade,
    display_name text not null,
    email extensions.citext,
    avatar_url text,
    website text,
    time_zone text not null default 'UTC',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

comment on table app.profiles is 'Public profile of an auth user; one row is created by a trigger on auth.users.';
comment on column app.profiles.time_zone is 'IANA zone name used to render due dates.';
