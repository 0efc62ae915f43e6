insert into app.tasks (project_id, number, title, description, status, priority, assigned_to, reporter_id, due_on) values
    ('0e000000-0000-4000-a000-000000000001', 1, 'Pick a static site generator', 'Compare three options and write up the trade-offs.',
     'done', 2, '00000000-0000-4000-a000-000000000002', '00000000-0000-4000-a000-000000000001', '2025-01-10'),
    ('0e000000-0000-4000-a000-000000000001', 2, 'Migrate blog posts', null,
     'in_progress', 3, '00000000-0000-4000-a000-000000000003', '00000000-0000-4000-a000-000000000001', '2025-02-01'),
    ('0e000000-0000-4000-a000-000000000001', 3, 'Fix broken links in the footer', 'Several footer links return 404.',
     'todo', 1, '00000000-0000-4000-a000-000000000003', '00000000-0000-4000-a000-000000000002', '2030-01-15'),
    ('0e000000-0000-4000-a000-000000000001', 4, 'Dark mode', null,
     'backlog', 4, null, '00000000-0000-4000-a000-000000000003', null),
    ('0e000000-0000-4000-a000-000000000002', 1, 'Push notifications', 'Use the platform push services, no third party.',
     'in_progress', 2, '00000000-0000-4000-a000-000000000002', '00000000-0000-4000-a000-000000000002', '2030-03-01'),
    ('0e000000-0000-4000-a000-000000000002', 2, 'Crash on login with empty password', null,
     'todo', 1, '00000000-0000-4000-a000-000000000002', '00000000-0000-4000-a000-000000000003', '2025-01-20'),
    ('0e000000-0000-4000-a000-000000000002', 3, 'Offline mode', null,
     'cancelled', 5, null, '00000000-0000-4000-a000-000000000001', null),
    ('0e000000-0000-4000-a000-000000000003', 1, 'Document database failover', null,
     'done', 3, '00000000-0000-4000-a000-000000000001', '00000000-0000-4000-a000-000000000001', null),
    ('0e000000-0000-4000-a000-000000000004', 1, 'Moodboard', 'Collect references for the new palette.',
     'done', 3, '00000000-0000-4000-a000-000000000004', '00000000-0000-4000-a000-000000000004', '2025-01-05'),
    ('0e000000-0000-4000-a000-000000000004', 2, 'Business card print run', null,
     'todo', 2, '00000000-0000-4000-a000-000000000004', '00000000-0000-4000-a000-000000000004', '2030-02-14');

insert into app.task_labels (task_id, label_id)
select t.id, l.id
from (values
        ('WEB', 1, 'feature'),
        ('WEB', 3, 'bug'),
        ('WEB', 4, 'design'),
        ('WEB', 4, 'feature'),
        ('APP', 1, 'feature'),
        ('APP', 2, 'bug'),
        ('BRAND', 1, 'design'),
        ('BRAND', 2, 'print')
     ) as v (code, number, label)
join app.projects p on p.code = v.code
join app.tasks t on t.project_id = p.id and t.number = v.number
join app.labels l on l.org_id = p.org_id and l.name = v.label;
