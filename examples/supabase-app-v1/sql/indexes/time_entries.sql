create index time_entries_task_id_idx on app.time_entries (task_id);

-- "My timesheet": newest first.
create index time_entries_user_started_idx on app.time_entries (user_id, started_at desc);
