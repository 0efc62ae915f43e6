create trigger tasks_before_write
    before insert or update of status on app.tasks
    for each row
    execute function private.tasks_before_write();
