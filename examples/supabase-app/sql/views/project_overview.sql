-- security_invoker: the caller's row level security applies to the base tables.
create or replace view app.project_overview
with (security_invoker = true)
as
select
    p.id,
    p.org_id,
    p.code,
    p.name,
    p.color,
    p.is_public,
    count(t.id) as task_total,
    count(t.id) filter (where t.status not in ('done', 'cancelled')) as task_open,
    count(t.id) filter (where t.status = 'in_review') as task_in_review,
    (select count(*) from app.milestones m
      where m.project_id = p.id and m.closed_at is null) as milestones_open,
    max(t.updated_at) as last_activity_at
from app.projects p
left join app.tasks t on t.project_id = p.id
where p.archived_at is null
group by p.id;

comment on view app.project_overview is 'One row per active project with task and milestone counters, for the dashboard.';
