insert into app.task_comments (task_id, author_id, body, created_at) values
    ((select id from app.tasks where project_id = '0e000000-0000-4000-a000-000000000001' and number = 1),
     '00000000-0000-4000-a000-000000000001', 'Going with the one that has the best i18n story.', '2025-01-08 09:15:00+00'),
    ((select id from app.tasks where project_id = '0e000000-0000-4000-a000-000000000001' and number = 2),
     '00000000-0000-4000-a000-000000000003', 'About half of the posts are done.', '2025-01-21 16:40:00+00'),
    ((select id from app.tasks where project_id = '0e000000-0000-4000-a000-000000000002' and number = 2),
     '00000000-0000-4000-a000-000000000002', 'Reproduced on Android 14.', '2025-01-19 11:02:00+00'),
    ((select id from app.tasks where project_id = '0e000000-0000-4000-a000-000000000002' and number = 2),
     '00000000-0000-4000-a000-000000000001', 'Fix is up for review.', '2025-01-24 15:30:00+00');

insert into app.time_entries (task_id, user_id, started_at, ended_at, note) values
    ((select id from app.tasks where project_id = '0e000000-0000-4000-a000-000000000001' and number = 1),
     '00000000-0000-4000-a000-000000000002', '2025-01-06 09:00:00+00', '2025-01-06 11:30:00+00', 'Research'),
    ((select id from app.tasks where project_id = '0e000000-0000-4000-a000-000000000001' and number = 2),
     '00000000-0000-4000-a000-000000000003', '2025-01-20 13:00:00+00', '2025-01-20 17:15:00+00', null),
    ((select id from app.tasks where project_id = '0e000000-0000-4000-a000-000000000002' and number = 1),
     '00000000-0000-4000-a000-000000000002', '2025-01-22 08:30:00+00', null, 'Timer still running');
