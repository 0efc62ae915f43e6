-- Demo accounts. app.profiles rows are created by the on_auth_user_created trigger.
insert into auth.users (id, email, raw_user_meta_data) values
    ('00000000-0000-4000-a000-000000000001', 'ada@acme.test',      '{"full_name": "Ada Lovelace"}'),
    ('00000000-0000-4000-a000-000000000002', 'grace@acme.test',    '{"full_name": "Grace Hopper"}'),
    ('00000000-0000-4000-a000-000000000003', 'linus@acme.test',    '{}'),
    ('00000000-0000-4000-a000-000000000004', 'margaret@northwind.test', '{"full_name": "Margaret Hamilton"}');
