-- Return type of app.project_task_stats().
create type app.task_stats as (
    total integer,
    open integer,
    done integer,
    overdue integer
);
