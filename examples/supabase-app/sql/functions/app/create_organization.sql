-- RPC: create an organization and make the caller its owner in one step.
create or replace function app.create_organization(p_name text, p_slug text)
returns app.organizations
language plpgsql
security definer
set search_path = ''
as $$
declare
    v_user uuid := auth.uid();
    v_org app.organizations;
begin
    if v_user is null then
        raise exception 'not authenticated' using errcode = '28000';
    end if;

    insert into app.organizations (name, slug)
    values (p_name, p_slug)
    returning * into v_org;

    insert into app.memberships (org_id, user_id, role)
    values (v_org.id, v_user, 'owner');

    return v_org;
end;
$$;

comment on function app.create_organization(text, text) is
    'Creates an organization owned by the calling user and returns it.';
