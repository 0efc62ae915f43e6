create schema app;

comment on schema app is 'Tables, views and RPC functions exposed through the API.';
