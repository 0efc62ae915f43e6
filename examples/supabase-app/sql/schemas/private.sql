create schema private;

comment on schema private is 'Internal helpers and bookkeeping; never exposed through the API.';
