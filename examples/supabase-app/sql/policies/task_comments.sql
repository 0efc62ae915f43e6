alter table app.task_comments enable row level security;

create policy task_comments_select on app.task_comments
    for select
    using (exists (select 1 from app.tasks t where t.id = task_comments.task_id));

create policy task_comments_insert on app.task_comments
    for insert
    with check (
        author_id = auth.uid()
        and exists (select 1 from app.tasks t where t.id = task_comments.task_id)
    );

create policy task_comments_update_own on app.task_comments
    for update
    using (author_id = auth.uid())
    with check (author_id = auth.uid());
