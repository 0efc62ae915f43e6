create or replace function private.audit_row()
returns trigger
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_old jsonb;
    v_new jsonb;
begin
    if tg_op in ('UPDATE', 'DELETE') then
        v_old := to_jsonb(old);
    end if;
    if tg_op in ('INSERT', 'UPDATE') then
        v_new := to_jsonb(new);
    end if;

    insert into private.audit_log (table_name, operation, row_pk, old_row, new_row)
    values (
        tg_table_schema || '.' || tg_table_name,
        tg_op,
        coalesce(v_new, v_old) ->> 'id',
        v_old,
        v_new
    );

    return null;
end;
$$;
