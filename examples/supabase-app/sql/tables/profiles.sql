create table app.profiles (
    id uuid primary key references auth.users (id) on delete cascade,
    display_name text not null,
    email extensions.citext,
    avatar_url text,
    time_zone text not null default 'UTC',
    locale text not null default 'en',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

comment on table app.profiles is 'Public profile of an auth user; one row is created by a trigger on auth.users.';
comment on column app.profiles.time_zone is 'IANA zone name used to render due dates.';
comment on column app.profiles.locale is 'BCP 47 language tag for the UI, e.g. en or de-CH.';
