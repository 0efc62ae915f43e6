create type app.plan_tier as enum ('free', 'team', 'business');

-- Declared from least to most privileged so that `role >= 'admin'` works.
create type app.member_role as enum ('guest', 'member', 'admin', 'owner');

create type app.task_status as enum ('backlog', 'todo', 'in_progress', 'done', 'cancelled');

comment on type app.member_role is 'Ordered by privilege: guest < member < admin < owner.';
