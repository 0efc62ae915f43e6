-- Most queries only look at active projects.
create index projects_org_id_active_idx on app.projects (org_id)
    where archived_at is null;

-- Project names are unique per organization, ignoring case.
create unique index projects_org_lower_name_idx on app.projects (org_id, lower(name));
