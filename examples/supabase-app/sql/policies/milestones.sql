alter table app.milestones enable row level security;

create policy milestones_select on app.milestones
    for select
    using (exists (select 1 from app.projects p where p.id = milestones.project_id));

create policy milestones_write on app.milestones
    for all
    using (exists (
        select 1 from app.projects p
        where p.id = milestones.project_id
          and private.is_org_member(p.org_id, 'member')
    ))
    with check (exists (
        select 1 from app.projects p
        where p.id = milestones.project_id
          and private.is_org_member(p.org_id, 'member')
    ));
