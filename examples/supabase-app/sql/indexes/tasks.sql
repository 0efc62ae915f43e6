-- Board view: filter by project and status, read priority and due date from the index.
create index tasks_project_status_idx on app.tasks (project_id, status)
    include (priority, due_on);

create index tasks_assignee_idx on app.tasks (assignee_id)
    where assignee_id is not null;

create index tasks_open_due_on_idx on app.tasks (due_on)
    where status not in ('done', 'cancelled');

create index tasks_milestone_id_idx on app.tasks (milestone_id)
    where milestone_id is not null;
