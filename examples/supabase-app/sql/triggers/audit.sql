create trigger projects_audit
    after insert or update or delete on app.projects
    for each row
    execute function private.audit_row();

create trigger tasks_audit
    after insert or update or delete on app.tasks
    for each row
    execute function private.audit_row();
