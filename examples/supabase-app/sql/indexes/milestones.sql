create index milestones_open_due_idx on app.milestones (project_id, due_on)
    where closed_at is null;
