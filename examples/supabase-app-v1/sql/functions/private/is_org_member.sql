-- Used by almost every policy. SECURITY DEFINER so that reading the membership
-- table here is not itself subject to row level security (no recursion).
create or replace function private.is_org_member(
    p_org_id uuid,
    p_min_role app.member_role default 'guest'
)
returns boolean
language sql
stable
security definer
set search_path = ''
as $$
    select exists (
        select 1
        from app.org_members m
        where m.org_id = p_org_id
          and m.user_id = auth.uid()
          and m.role >= p_min_role
    );
$$;

comment on function private.is_org_member(uuid, app.member_role) is
    'True when the calling user belongs to the organization with at least the given role.';
