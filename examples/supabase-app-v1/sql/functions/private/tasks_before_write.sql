create or replace function private.tasks_before_write()
returns trigger
language plpgsql
as $$
begin
    if tg_op = 'INSERT' and new.number is null then
        -- Serialise numbering per project by locking the parent row.
        perform 1 from app.projects p where p.id = new.project_id for update;

        select coalesce(max(t.number), 0) + 1
          into new.number
          from app.tasks t
         where t.project_id = new.project_id;
    end if;

    if new.status = 'done' and (tg_op = 'INSERT' or old.status is distinct from 'done') then
        new.completed_at := coalesce(new.completed_at, now());
    elsif new.status <> 'done' then
        new.completed_at := null;
    end if;

    return new;
end;
$$;
