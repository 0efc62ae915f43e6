create index org_members_user_id_idx on app.org_members (user_id) include (role);
