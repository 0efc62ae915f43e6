-- The thread is always read per task, oldest first.
create index task_comments_task_id_idx on app.task_comments (task_id, created_at);
