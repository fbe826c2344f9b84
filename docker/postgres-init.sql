-- Runs once, when the compose PostgreSQL volume is first created (/docker-entrypoint-initdb.d).
-- POSTGRES_DB already creates `carryover`; the test suite uses `test`.
create database test;
