-- Board view: filter by project and status, read priority and due date from the index.
create index tasks_project_status_idx on app.tasks (project_id, status)
    include (priority, due_on);

create index tasks_assignee_idx on app.tasks (assigned_to)
    where assigned_to is not null;

create index tasks_open_due_on_idx on app.tasks (due_on)
    where status not in ('done', 'cancelled');
