-- At most one pending invitation per address and organization.
create unique index invitations_pending_email_idx on private.invitations (org_id, email)
    where accepted_at is null;

create index audit_log_row_idx on private.audit_log (table_name, row_pk, occurred_at desc);
