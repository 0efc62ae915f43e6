create index memberships_user_id_idx on app.memberships (user_id) include (role);
