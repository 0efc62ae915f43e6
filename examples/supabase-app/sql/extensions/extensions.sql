-- Extensions are installed into their own schema, the way Supabase does it,
-- so their functions and types never clutter `public`.
create extension if not exists pgcrypto with schema extensions;
create extension if not exists citext with schema extensions;
