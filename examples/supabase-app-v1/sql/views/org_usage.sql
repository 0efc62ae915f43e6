-- Refreshed nightly by a cron job: refresh materialized view concurrently private.org_usage;
create materialized view private.org_usage as
select
    o.id as org_id,
    o.plan,
    (select count(*) from app.org_members m where m.org_id = o.id) as members,
    (select count(*) from app.projects p
      where p.org_id = o.id and p.archived_at is null) as active_projects,
    (select count(*) from app.tasks t
       join app.projects p on p.id = t.project_id
      where p.org_id = o.id) as tasks
from app.organizations o
with data;

-- Needed for REFRESH ... CONCURRENTLY.
create unique index org_usage_org_id_idx on private.org_usage (org_id);

comment on materialized view private.org_usage is 'Per-organization usage numbers for billing.';
