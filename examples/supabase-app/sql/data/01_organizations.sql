insert into app.organizations (id, name, slug, plan, seats, billing_email) values
    ('0f000000-0000-4000-a000-000000000001', 'Acme Rockets',     'acme',      'team', 10, 'billing@acme.test'),
    ('0f000000-0000-4000-a000-000000000002', 'Northwind Studio', 'northwind', 'free', 3,  null);

insert into app.memberships (org_id, user_id, role, invited_by) values
    ('0f000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000001', 'owner',  null),
    ('0f000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000002', 'admin',  '00000000-0000-4000-a000-000000000001'),
    ('0f000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000003', 'member', '00000000-0000-4000-a000-000000000002'),
    ('0f000000-0000-4000-a000-000000000002', '00000000-0000-4000-a000-000000000004', 'owner',  null),
    ('0f000000-0000-4000-a000-000000000002', '00000000-0000-4000-a000-000000000001', 'guest',  '00000000-0000-4000-a000-000000000004');

insert into private.invitations (org_id, email, role, invited_by) values
    ('0f000000-0000-4000-a000-000000000001', 'new.hire@acme.test', 'member', '00000000-0000-4000-a000-000000000002');
