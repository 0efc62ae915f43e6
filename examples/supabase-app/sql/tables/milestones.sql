create table app.milestones (
    id uuid primary key default gen_random_uuid(),
    project_id uuid not null references app.projects (id) on delete cascade,
    title text not null check (char_length(title) between 1 and 120),
    due_on date,
    closed_at timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (project_id, title)
);

comment on table app.milestones is 'A dated goal inside a project that groups tasks.';
comment on column app.milestones.closed_at is 'Set when the milestone is closed; open milestones have null.';

create trigger milestones_set_updated_at
    before update on app.milestones
    for each row
    execute function private.set_updated_at();
