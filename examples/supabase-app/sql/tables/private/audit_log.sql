create table private.audit_log (
    id bigint generated always as identity primary key,
    occurred_at timestamptz not null default now(),
    actor_id uuid default auth.uid(),
    table_name text not null,
    operation text not null check (operation in ('INSERT', 'UPDATE', 'DELETE')),
    row_pk text not null,
    old_row jsonb,
    new_row jsonb
);

comment on table private.audit_log is 'Append-only change history written by private.audit_row().';
comment on column private.audit_log.actor_id is 'auth.uid() at the time of the change; deliberately not a foreign key.';
