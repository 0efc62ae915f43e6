-- Row level security for labels, kept next to the tables by the team that
-- owns them. This file sorts before tables/labels.sql.
alter table app.labels enable row level security;
alter table app.task_labels enable row level security;

create policy labels_select on app.labels
    for select
    using (private.is_org_member(org_id));

create policy labels_write on app.labels
    for all
    using (private.is_org_member(org_id, 'member'))
    with check (private.is_org_member(org_id, 'member'));

create policy task_labels_select on app.task_labels
    for select
    using (exists (
        select 1 from app.labels l
        where l.id = task_labels.label_id
          and private.is_org_member(l.org_id)
    ));

create policy task_labels_write on app.task_labels
    for all
    to public
    using (exists (
        select 1 from app.labels l
        where l.id = task_labels.label_id
          and private.is_org_member(l.org_id, 'member')
    ))
    with check (exists (
        select 1 from app.labels l
        where l.id = task_labels.label_id
          and private.is_org_member(l.org_id, 'member')
    ));
