-- tasks_set_updated_at lives in tables/tasks.sql.
create trigger organizations_set_updated_at
    before update on app.organizations
    for each row
    execute function private.set_updated_at();

create trigger profiles_set_updated_at
    before update on app.profiles
    for each row
    execute function private.set_updated_at();

create trigger projects_set_updated_at
    before update on app.projects
    for each row
    execute function private.set_updated_at();
