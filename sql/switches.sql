--
-- The restore switch (README, "Backup and restore"): cultuur.restoring is a
-- setting of the module, superuser-only, honoured only while the session's
-- login is a superuser, with a warning once per transaction; every other
-- name under cultuur. is reserved.  Tried from a real login of a clerk, so
-- that session_user is the clerk and the module is not loaded yet when the
-- clerk first sets the name.
--
\set SHOW_CONTEXT never
SET client_min_messages = warning;
SELECT current_user AS superuser_name \gset
\getenv password PGPASSWORD
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cultuur_test_clerk_login') THEN
        CREATE ROLE cultuur_test_clerk_login LOGIN;
    END IF;
END;
$$;
ALTER ROLE cultuur_test_clerk_login PASSWORD :'password';
GRANT cultuur_data_entry TO cultuur_test_clerk_login;
INSERT INTO cultuur.library (id, name, nis_code) VALUES (1, 'Antwerpen', '11002');
INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates) VALUES
    ('ebooks', daterange('2022-01-01', NULL), 838.54, '0.1645', '{0.1240,0.0827,0.0413,0.0413}');
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end, basis_pct)
VALUES (1, 1, 'ebooks', '2022-11-01', '2022-11-01', '2026-09-15', 80);

-- a superuser: on, honoured, and it says so once per transaction
SET cultuur.restoring = on;
BEGIN;
SELECT cultuur.restoring() AS first, cultuur.restoring() AS again;
SELECT cultuur.restoring() AS same_transaction;
COMMIT;
SELECT cultuur.restoring() AS next_transaction;
RESET cultuur.restoring;
SELECT cultuur.restoring() AS after_reset;
-- no other name under cultuur. exists or can be made up
SET cultuur.upgrading = on;
SET cultuur.anything = 1;

-- a clerk's own login, in a new session: the module is not loaded yet, so
-- the name is only a placeholder when the clerk sets it ...
\c - cultuur_test_clerk_login
SELECT session_user, current_setting('is_superuser') AS is_superuser;
SET cultuur.restoring = on;
SHOW cultuur.restoring;
-- a notice dated in 2031 goes to the rules all the same (CC013): the rule
-- trigger loads the module, which discards the clerk's placeholder (the
-- SQLSTATEs only: the message names today's date)
\set VERBOSITY sqlstate
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (1, '2031-05-05');
\set VERBOSITY default
\c - :superuser_name
\c - cultuur_test_clerk_login
SET cultuur.restoring = on;
-- ... and the first call into the module (every rule trigger makes one)
-- discards it: the clerk had no right to set it
SELECT cultuur.restoring();
SHOW cultuur.restoring;
-- from then on it is refused outright
SET cultuur.restoring = on;
SET cultuur.upgrading = on;
\c - :superuser_name
SELECT cultuur.restoring();

-- leave a fresh install behind
SET client_min_messages = warning;
DROP SCHEMA cultuur CASCADE;
CREATE EXTENSION cultuur;
