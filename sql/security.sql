--
-- search_path hijacking (in the style of contrib/seg's security test): the
-- extension's SQL and PL/pgSQL functions pin search_path to pg_catalog, so
-- look-alike functions and operators that a user puts first on the path
-- never run inside them.
--
\set SHOW_CONTEXT never
SET datestyle = ISO;
SET client_min_messages = warning;
-- a fresh install: no table of cultuur can be truncated
DROP EXTENSION cultuur CASCADE;
CREATE EXTENSION cultuur;

INSERT INTO cultuur.library (id, name, nis_code) VALUES (1, 'Antwerpen', '11002');
INSERT INTO cultuur.population (library_id, year, inhabitants) VALUES (1, 2021, 529417);
INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates) VALUES
    ('ebooks', daterange('2022-01-01', NULL), 838.54, '0.1645', '{0.1240,0.0827,0.0413,0.0413}');
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end, basis_pct)
VALUES (1, 1, 'ebooks', '2022-11-01', '2022-11-01', '2026-09-15', 80);

CREATE SCHEMA trap;
CREATE FUNCTION trap.make_date(integer, integer, integer) RETURNS date
    LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'hijacked make_date'; END $$;
CREATE FUNCTION trap.greatest_date(date, date) RETURNS date
    LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'hijacked'; END $$;
CREATE FUNCTION trap.text_eq(text, text) RETURNS boolean
    LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'hijacked text ='; END $$;
CREATE OPERATOR trap.= (LEFTARG = text, RIGHTARG = text, FUNCTION = trap.text_eq);
CREATE FUNCTION trap.upper(daterange) RETURNS date
    LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'hijacked upper'; END $$;
SET search_path = trap, pg_catalog, cultuur, public;
-- the traps work for ordinary queries on this path ...
SELECT make_date(2022, 1, 1);
SELECT 'a'::text = 'a'::text;
-- ... but not inside the extension's functions and triggers
SELECT fee, note FROM cultuur.fee_detail(2022, 2022);
SELECT status, next_end_option, notice_deadline, exit_fee_if_notice_today
  FROM cultuur.contract_status('2023-01-01');
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (1, '2023-09-30')
RETURNING effective_end, exit_fee;
ROLLBACK;
SELECT number, total FROM cultuur.run_invoicing('2023-01-01');
RESET search_path;
DROP SCHEMA trap CASCADE;
-- a fresh install: no table of cultuur can be truncated
DROP EXTENSION cultuur CASCADE;
CREATE EXTENSION cultuur;
