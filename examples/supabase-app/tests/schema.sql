-- pgTAP checks of the tracker's schema; `data test` runs them on a throwaway
-- database after applying the pending plan.
BEGIN;
SELECT plan(8);

SELECT has_table('app', 'memberships', 'memberships replace org_members');
SELECT hasnt_table('app', 'org_members', 'the old name is gone');
SELECT has_column('app', 'tasks', 'assignee_id', 'tasks are assigned through assignee_id');
SELECT col_not_null('app', 'profiles', 'locale', 'every profile has a locale');
SELECT col_type_is('app', 'projects', 'name', 'text', 'project names are text');
SELECT enum_has_labels('app', 'task_status',
    ARRAY['backlog', 'todo', 'in_progress', 'in_review', 'done', 'cancelled'],
    'task states in board order');
SELECT fk_ok('app', 'tasks', 'milestone_id', 'app', 'milestones', 'id');
SELECT policies_are('app', 'milestones',
    ARRAY['milestones_select', 'milestones_write'],
    'milestones are protected by row level security');

SELECT * FROM finish();
ROLLBACK;
