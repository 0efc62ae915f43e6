create or replace function app.project_task_stats(p_project_id uuid)
returns app.task_stats
language sql
stable
as $$
    select
        count(*)::integer,
        (count(*) filter (where t.status in ('todo', 'in_progress', 'in_review')))::integer,
        (count(*) filter (where t.status = 'done'))::integer,
        (count(*) filter (
            where t.due_on < current_date
              and t.status not in ('done', 'cancelled')
        ))::integer
    from app.tasks t
    where t.project_id = p_project_id;
$$;
