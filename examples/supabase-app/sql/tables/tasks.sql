create table app.tasks (
    id bigint generated always as identity primary key,
    project_id uuid not null references app.projects (id) on delete cascade,
    number integer not null,
    title text not null check (char_length(title) between 1 and 200),
    description text,
    status app.task_status not null default 'todo',
    priority smallint not null default 3 check (priority between 1 and 5),
    assignee_id uuid references app.profiles (id) on delete set null, -- data:renamed from=assigned_to
    reporter_id uuid references app.profiles (id) on delete set null,
    milestone_id uuid references app.milestones (id) on delete set null,
    due_on date,
    completed_at timestamptz,
    search tsvector generated always as (
        to_tsvector('english'::regconfig, coalesce(title, '') || ' ' || coalesce(description, ''))
    ) stored,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (project_id, number)
);

comment on table app.tasks is 'Work items. Referenced in the UI as <project code>-<number>.';
comment on column app.tasks.number is 'Per-project sequence number, filled in by private.tasks_before_write().';
comment on column app.tasks.priority is '1 = urgent ... 5 = someday.';
comment on column app.tasks.milestone_id is 'Optional milestone; must belong to the same project (checked by the UI).';
comment on column app.tasks.search is 'Full-text search vector over title and description.';

create index tasks_search_idx on app.tasks using gin (search);

-- The tasks team keeps this trigger with the table instead of in triggers/.
create trigger tasks_set_updated_at
    before update on app.tasks
    for each row
    execute function private.set_updated_at();
