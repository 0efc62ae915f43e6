create index task_comments_task_id_idx on app.task_comments (task_id);

create index task_comments_created_at_idx on app.task_comments (created_at);
