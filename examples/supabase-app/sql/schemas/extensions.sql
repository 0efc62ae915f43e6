create schema extensions;
