--
-- search_path hijacking (in the style of contrib/seg's security test): the
-- extension's SQL and PL/pgSQL functions pin search_path to pg_catalog, so
-- look-alike functions and operators that a user puts first on the path
-- never run inside them.
--
\set SHOW_CONTEXT never
SET datestyle = ISO;
SET client_min_messages = warning;
-- a fresh install: no table of cultuur can be truncated, and DROP SCHEMA
-- cultuur CASCADE is the one command that removes the books
DROP SCHEMA cultuur CASCADE;
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
-- a fresh install: no table of cultuur can be truncated, and DROP SCHEMA
-- cultuur CASCADE is the one command that removes the books
DROP SCHEMA cultuur CASCADE;
CREATE EXTENSION cultuur;

--
-- Install-time search_path attack.  CREATE EXTENSION cultuur CASCADE runs
-- the install script with btree_gist's schema (public) on its path, and in
-- PostgreSQL 15 the owner of a database may create objects in public (it
-- belongs to pg_database_owner).  A database owner who is no superuser
-- plants look-alikes there whose signatures match the install script's
-- stored expressions (CHECK, DEFAULT, views, index predicates, generated
-- columns, SQL-standard bodies) more closely than pg_catalog's do; bound
-- once, they would run as whoever touches the tables later, a superuser
-- too.  The script pins its path (sql/install/00_head.sql) and the demo
-- scripts pin theirs, so none of them may ever run.  Each look-alike
-- leaves a row in public.planted_ran and then returns what pg_catalog's
-- function returns, so that a binding would not show in any result.
--
\set regression_db :DBNAME
SET client_min_messages = warning;
DROP DATABASE IF EXISTS cultuur_security_owned;
-- roles belong to the cluster: this file may run twice in one
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cultuur_test_dbowner') THEN
        CREATE ROLE cultuur_test_dbowner NOLOGIN;
    END IF;
END
$$;
CREATE DATABASE cultuur_security_owned OWNER cultuur_test_dbowner;
\c cultuur_security_owned
SET client_min_messages = warning;
SET datestyle = ISO;
SET intervalstyle = postgres;
SET SESSION AUTHORIZATION cultuur_test_dbowner;
SELECT current_user, rolsuper FROM pg_roles WHERE rolname = current_user;

-- the trace: what ran, as whom (a DEFAULT cannot hold a subquery, so the
-- superuser flag comes from a function)
CREATE FUNCTION public.planted_caller_is_super() RETURNS boolean
    LANGUAGE sql STABLE
    AS $$ SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user $$;
CREATE TABLE public.planted_ran (
    what     text,
    who      name DEFAULT current_user,
    is_super boolean DEFAULT public.planted_caller_is_super()
);
GRANT INSERT, SELECT ON public.planted_ran TO PUBLIC;
CREATE SEQUENCE public.planted_seq;

-- look-alike functions
CREATE FUNCTION public.date_trunc(text, date) RETURNS timestamptz LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('date_trunc(text, date)');
          SELECT pg_catalog.date_trunc($1, $2::timestamptz) $$;
CREATE FUNCTION public.isempty(daterange) RETURNS boolean LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('isempty(daterange)');
          SELECT pg_catalog.isempty($1) $$;
CREATE FUNCTION public.lower_inf(daterange) RETURNS boolean LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('lower_inf(daterange)');
          SELECT pg_catalog.lower_inf($1) $$;
CREATE FUNCTION public.upper_inf(daterange) RETURNS boolean LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('upper_inf(daterange)');
          SELECT pg_catalog.upper_inf($1) $$;
CREATE FUNCTION public.lower(daterange) RETURNS date LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('lower(daterange)');
          SELECT pg_catalog.lower($1) $$;
CREATE FUNCTION public.upper(daterange) RETURNS date LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('upper(daterange)');
          SELECT pg_catalog.upper($1) $$;
CREATE FUNCTION public.daterange(text, text) RETURNS daterange LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('daterange(text, text)');
          SELECT pg_catalog.daterange($1::date, $2::date) $$;
CREATE FUNCTION public.daterange(text, text, text) RETURNS daterange LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('daterange(text, text, text)');
          SELECT pg_catalog.daterange($1::date, $2::date, $3) $$;
CREATE FUNCTION public.nextval(text) RETURNS bigint LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('nextval(text)');
          SELECT pg_catalog.nextval($1::regclass) $$;
CREATE FUNCTION public.setval(text, integer) RETURNS bigint LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('setval(text, integer)');
          SELECT pg_catalog.setval($1::regclass, $2) $$;
CREATE FUNCTION public.setval(text, integer, boolean) RETURNS bigint LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('setval(text, integer, boolean)');
          SELECT pg_catalog.setval($1::regclass, $2, $3) $$;
CREATE FUNCTION public.setseed(numeric) RETURNS void LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('setseed(numeric)');
          SELECT pg_catalog.setseed($1::double precision) $$;
CREATE FUNCTION public.generate_series(date, date, interval) RETURNS SETOF timestamptz LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('generate_series(date, date, interval)');
          SELECT pg_catalog.generate_series($1::timestamptz, $2::timestamptz, $3) $$;
CREATE FUNCTION public.unnest(text[]) RETURNS SETOF text LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('unnest(text[])');
          SELECT pg_catalog.unnest($1) $$;
CREATE FUNCTION public.unnest(date[]) RETURNS SETOF date LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('unnest(date[])');
          SELECT pg_catalog.unnest($1) $$;
CREATE FUNCTION public.format(text, text, text) RETURNS text LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('format(text, text, text)');
          SELECT pg_catalog.format($1, $2, $3) $$;

-- look-alike operators (each on a function of its own)
CREATE FUNCTION public.planted_numeric_ge_int(numeric, integer) RETURNS boolean LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator >= (numeric, integer)');
          SELECT $1 OPERATOR(pg_catalog.>=) $2::numeric $$;
CREATE OPERATOR public.>= (LEFTARG = numeric, RIGHTARG = integer, FUNCTION = public.planted_numeric_ge_int);
CREATE FUNCTION public.planted_numeric_gt_int(numeric, integer) RETURNS boolean LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator > (numeric, integer)');
          SELECT $1 OPERATOR(pg_catalog.>) $2::numeric $$;
CREATE OPERATOR public.> (LEFTARG = numeric, RIGHTARG = integer, FUNCTION = public.planted_numeric_gt_int);
CREATE FUNCTION public.planted_numeric_le_int(numeric, integer) RETURNS boolean LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator <= (numeric, integer)');
          SELECT $1 OPERATOR(pg_catalog.<=) $2::numeric $$;
CREATE OPERATOR public.<= (LEFTARG = numeric, RIGHTARG = integer, FUNCTION = public.planted_numeric_le_int);
CREATE FUNCTION public.planted_numeric_lt_int(numeric, integer) RETURNS boolean LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator < (numeric, integer)');
          SELECT $1 OPERATOR(pg_catalog.<) $2::numeric $$;
CREATE OPERATOR public.< (LEFTARG = numeric, RIGHTARG = integer, FUNCTION = public.planted_numeric_lt_int);
CREATE FUNCTION public.planted_numeric_eq_int(numeric, integer) RETURNS boolean LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator = (numeric, integer)');
          SELECT $1 OPERATOR(pg_catalog.=) $2::numeric $$;
CREATE OPERATOR public.= (LEFTARG = numeric, RIGHTARG = integer, FUNCTION = public.planted_numeric_eq_int);
CREATE FUNCTION public.planted_numeric_minus_int(numeric, integer) RETURNS numeric LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator - (numeric, integer)');
          SELECT $1 OPERATOR(pg_catalog.-) $2::numeric $$;
CREATE OPERATOR public.- (LEFTARG = numeric, RIGHTARG = integer, FUNCTION = public.planted_numeric_minus_int);
CREATE FUNCTION public.planted_numeric_times_int(numeric, integer) RETURNS numeric LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator * (numeric, integer)');
          SELECT $1 OPERATOR(pg_catalog.*) $2::numeric $$;
CREATE OPERATOR public.* (LEFTARG = numeric, RIGHTARG = integer, FUNCTION = public.planted_numeric_times_int);
CREATE FUNCTION public.planted_int_times_numeric(integer, numeric) RETURNS numeric LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator * (integer, numeric)');
          SELECT $1::numeric OPERATOR(pg_catalog.*) $2 $$;
CREATE OPERATOR public.* (LEFTARG = integer, RIGHTARG = numeric, FUNCTION = public.planted_int_times_numeric);
CREATE FUNCTION public.planted_int_plus_numeric(integer, numeric) RETURNS numeric LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator + (integer, numeric)');
          SELECT $1::numeric OPERATOR(pg_catalog.+) $2 $$;
CREATE OPERATOR public.+ (LEFTARG = integer, RIGHTARG = numeric, FUNCTION = public.planted_int_plus_numeric);
CREATE FUNCTION public.planted_numeric_div_int(numeric, integer) RETURNS numeric LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator / (numeric, integer)');
          SELECT $1 OPERATOR(pg_catalog./) $2::numeric $$;
CREATE OPERATOR public./ (LEFTARG = numeric, RIGHTARG = integer, FUNCTION = public.planted_numeric_div_int);
CREATE FUNCTION public.planted_float_times_int(double precision, integer) RETURNS double precision LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator * (double precision, integer)');
          SELECT $1 OPERATOR(pg_catalog.*) $2::double precision $$;
CREATE OPERATOR public.* (LEFTARG = double precision, RIGHTARG = integer, FUNCTION = public.planted_float_times_int);
CREATE FUNCTION public.planted_int_plus_float(integer, double precision) RETURNS double precision LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator + (integer, double precision)');
          SELECT $1::double precision OPERATOR(pg_catalog.+) $2 $$;
CREATE OPERATOR public.+ (LEFTARG = integer, RIGHTARG = double precision, FUNCTION = public.planted_int_plus_float);
CREATE FUNCTION public.planted_overlaps(daterange, daterange) RETURNS boolean LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator && (daterange, daterange)');
          SELECT $1 OPERATOR(pg_catalog.&&) $2 $$;
CREATE OPERATOR public.&& (LEFTARG = daterange, RIGHTARG = daterange, FUNCTION = public.planted_overlaps);
CREATE FUNCTION public.planted_contains_date(daterange, date) RETURNS boolean LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator @> (daterange, date)');
          SELECT $1 OPERATOR(pg_catalog.@>) $2 $$;
CREATE OPERATOR public.@> (LEFTARG = daterange, RIGHTARG = date, FUNCTION = public.planted_contains_date);
CREATE FUNCTION public.planted_daterange_eq(daterange, daterange) RETURNS boolean LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator = (daterange, daterange)');
          SELECT $1 OPERATOR(pg_catalog.=) $2 $$;
CREATE OPERATOR public.= (LEFTARG = daterange, RIGHTARG = daterange, FUNCTION = public.planted_daterange_eq);
CREATE FUNCTION public.planted_oid_eq_regnamespace(oid, regnamespace) RETURNS boolean LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator = (oid, regnamespace)');
          SELECT $1 OPERATOR(pg_catalog.=) $2::oid $$;
CREATE OPERATOR public.= (LEFTARG = oid, RIGHTARG = regnamespace, FUNCTION = public.planted_oid_eq_regnamespace);
CREATE FUNCTION public.planted_int_cat_text(integer, text) RETURNS text LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator || (integer, text)');
          SELECT $1::text OPERATOR(pg_catalog.||) $2 $$;
CREATE OPERATOR public.|| (LEFTARG = integer, RIGHTARG = text, FUNCTION = public.planted_int_cat_text);
CREATE FUNCTION public.planted_text_cat_int(text, integer) RETURNS text LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator || (text, integer)');
          SELECT $1 OPERATOR(pg_catalog.||) $2::text $$;
CREATE OPERATOR public.|| (LEFTARG = text, RIGHTARG = integer, FUNCTION = public.planted_text_cat_int);
CREATE FUNCTION public.planted_numeric_cat_text(numeric, text) RETURNS text LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator || (numeric, text)');
          SELECT $1::text OPERATOR(pg_catalog.||) $2 $$;
CREATE OPERATOR public.|| (LEFTARG = numeric, RIGHTARG = text, FUNCTION = public.planted_numeric_cat_text);
CREATE FUNCTION public.planted_text_cat_numeric(text, numeric) RETURNS text LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator || (text, numeric)');
          SELECT $1 OPERATOR(pg_catalog.||) $2::text $$;
CREATE OPERATOR public.|| (LEFTARG = text, RIGHTARG = numeric, FUNCTION = public.planted_text_cat_numeric);
CREATE FUNCTION public.planted_text_cat_date(text, date) RETURNS text LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator || (text, date)');
          SELECT $1 OPERATOR(pg_catalog.||) $2::text $$;
CREATE OPERATOR public.|| (LEFTARG = text, RIGHTARG = date, FUNCTION = public.planted_text_cat_date);
CREATE FUNCTION public.planted_text_cat_interval(text, interval) RETURNS text LANGUAGE sql
    AS $$ INSERT INTO public.planted_ran (what) VALUES ('operator || (text, interval)');
          SELECT $1 OPERATOR(pg_catalog.||) $2::text $$;
CREATE OPERATOR public.|| (LEFTARG = text, RIGHTARG = interval, FUNCTION = public.planted_text_cat_interval);

-- every look-alike is live: on the database's default path it beats
-- pg_catalog's function or operator for an ordinary query
SELECT date_trunc('month', '2023-05-17'::date)::date AS date_trunc,
       isempty('empty'::daterange) AS isempty,
       lower_inf('[2022-01-01,)'::daterange) AS lower_inf,
       upper_inf('[2022-01-01,)'::daterange) AS upper_inf,
       lower('[2022-01-01,2023-01-01)'::daterange) AS lower,
       upper('[2022-01-01,2023-01-01)'::daterange) AS upper;
SELECT daterange('2022-01-01', '2023-01-01') AS two, daterange('2022-01-01', '2022-12-31', '[]') AS three,
       nextval('public.planted_seq') AS nextval, setval('public.planted_seq', 5) AS setval,
       setval('public.planted_seq', 7, true) AS setval3;
SELECT setseed(0.5);
SELECT (SELECT count(*) FROM generate_series('2022-01-01'::date, '2022-12-01'::date, interval '1 month')) AS months,
       (SELECT string_agg(u, ',') FROM unnest('{a,b}'::text[]) u) AS texts,
       (SELECT max(u) FROM unnest('{2022-01-01,2023-01-01}'::date[]) u) AS dates,
       format('%s-%s', 'a'::text, 'b') AS format;
SELECT 1.5 >= 1 AS ge, 1.5 > 1 AS gt, 1.5 <= 1 AS le, 1.5 < 1 AS lt, 1.0 = 1 AS eq,
       1.5 - 1 AS minus, 1.5 * 2 AS times, 2 * 1.5 AS times2, 2 + 1.5 AS plus, 1.5 / 3 AS div,
       2.5::double precision * 2 AS ftimes, 2 + 0.5::double precision AS fplus;
SELECT '[2022-01-01,2023-01-01)'::daterange && '[2022-06-01,2022-07-01)'::daterange AS overlaps,
       '[2022-01-01,2023-01-01)'::daterange @> '2022-03-01'::date AS contains,
       '[2022-01-01,2023-01-01)'::daterange = '[2022-01-01,2022-12-31]'::daterange AS range_eq,
       (SELECT oid FROM pg_namespace WHERE nspname = 'public') = 'public'::regnamespace AS oid_eq;
SELECT 2022 || '/' AS a, '/' || 2022 AS b, 1.5 || '/' AS c, '/' || 1.5 AS d,
       'ends ' || '2023-12-31'::date AS e, 'by ' || interval '1 year' AS f;
SELECT what, who, is_super, count(*) FROM public.planted_ran GROUP BY 1, 2, 3 ORDER BY what;
-- ... every one of them (functions that back no operator, and operators)
SELECT (SELECT count(*) FROM pg_proc p
         WHERE p.proowner = 'cultuur_test_dbowner'::regrole AND p.proname <> 'planted_caller_is_super'
           AND NOT EXISTS (SELECT 1 FROM pg_operator o WHERE o.oprcode = p.oid))
       + (SELECT count(*) FROM pg_operator WHERE oprowner = 'cultuur_test_dbowner'::regrole)
       = (SELECT count(DISTINCT what) FROM public.planted_ran) AS all_planted_are_live;
TRUNCATE public.planted_ran;
RESET SESSION AUTHORIZATION;

-- The superuser installs the extension and loads the demo, each script
-- from the database's default path, as demo/run.sh runs them (one session
-- each).  The report's tables are not shown here, only its headings and
-- the two refusals it demonstrates.
SHOW search_path;
CREATE EXTENSION cultuur CASCADE;
SELECT count(*) AS ran_during_install FROM public.planted_ran;
\set VERBOSITY terse
\set ECHO none
\i demo/load.sql
RESET search_path;
\i demo/usage.sql
RESET search_path;
\o /dev/null
\i demo/report.sql
\o
\set ECHO all
\set ON_ERROR_STOP 0
\pset footer on
RESET search_path;
SELECT count(*) AS ran_in_the_demo FROM public.planted_ran;

-- Rows through the CHECKs, DEFAULTs, exclusion constraints, index
-- predicates and generated columns of the tables, and every view, still
-- as the superuser on the default path (these statements use no function
-- or operator a look-alike could take over: what runs is what the install
-- script bound).
SHOW search_path;
INSERT INTO cultuur.library (name, nis_code) VALUES ('Testdorp (invented)', '99991') RETURNING id;
INSERT INTO cultuur.population (library_id, year, inhabitants)
VALUES (5, 2021, 10000), (5, 2022, 10100), (5, 2023, 10200);
INSERT INTO cultuur.service (code, name, kind, price_model, index_series, renewal,
                             initial_term, max_renewals, reach_pct)
VALUES ('film-test', 'Invented film lot', 'film', 'per_user', 'health', 'agreement', '2 years', 2, 0.5);
INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers)
VALUES ('film-test', '[2023-01-01,)', 0, '1.50') RETURNING id, valid, exit_rates;
INSERT INTO cultuur.contract (library_id, service, signed_on, starts_on, initial_end, basis_pct)
VALUES (5, 'ebooks', '2022-11-01', '2022-11-01', '2026-09-15', 80)
RETURNING id, basis_pct, prorata_rule, active;
-- a notice dated in the past (one dated after today is refused, CC013)
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (7, '2023-09-30')
RETURNING reason, effective_end, exit_fee, exit_fee_note;
-- its e-book invoices of 2022 and 2023 (the partial index invoice_once),
-- and the exit fee of its early end (E 10.4: year 2 of the initial term,
-- 0.0827 x 10,200 x 80 % = 674.832 -> 674.83)
SELECT number, kind, period, total FROM cultuur.run_invoicing('2023-11-01') ORDER BY number;
-- Antwerp's e-book invoice of 2022 (due 1 December 2022): a formal
-- notice, a suspension (E 8.7), and the payment that lifts it
INSERT INTO cultuur.formal_notice (invoice_id, sent_on)
SELECT id, '2023-01-10' FROM cultuur.invoice WHERE contract_id = 1 AND issued_on = '2022-11-01';
INSERT INTO cultuur.suspension (invoice_id, starts_on)
SELECT id, '2023-01-15' FROM cultuur.invoice WHERE contract_id = 1 AND issued_on = '2022-11-01'
RETURNING id, starts_on, lifted_on;
INSERT INTO cultuur.payment (invoice_id, paid_on, amount)
SELECT id, '2023-02-01', total FROM cultuur.invoice WHERE contract_id = 1 AND issued_on = '2022-11-01'
RETURNING id, paid_on, amount;
SELECT id, starts_on, lifted_on, lift_reason FROM cultuur.suspension ORDER BY id;
-- a price change notified by 31 July for 1 January (E 8.9), more than 10 %
INSERT INTO cultuur.price_change (service, notified_on, effective_on, fixed_fee, tiers)
VALUES ('ebooks', '2026-07-01', '2027-01-01', 838.54, '0.19')
RETURNING id, tariff_id;
INSERT INTO cultuur.data_annex_change (service, notified_on, worsening, description)
VALUES (NULL, '2026-10-01', false, 'invented: a clearer wording') RETURNING id;
INSERT INTO cultuur.quoted_amount (contract_id, year, what, quoted, source)
VALUES (7, 2022, 'invoiced', 1000.00, 'invented: a supplier statement') RETURNING id;
-- every view of cultuur (fixed dates, or rows that no longer change)
SELECT contract_id, notified_on, effective_on, original_amount, new_amount, increase_pct
  FROM cultuur.price_increase_flag ORDER BY contract_id;
SELECT library, contract_id, year, inhabitants, basis, unit_price, yearly_amount, share, fee
  FROM cultuur.contract_fee_detail WHERE contract_id = 7 ORDER BY year;
SELECT contract_id, status, ends_on, next_end_option
  FROM cultuur.contract_status_today WHERE contract_id = 7;
SELECT count(*) AS deadlines_of_an_ended_contract FROM cultuur.upcoming_deadline WHERE contract_id = 7;
SELECT number, total, paid, credited, outstanding
  FROM cultuur.invoice_balance WHERE contract_id = 1 AND issued_on = '2022-11-01';
SELECT contract_id, year, what, quoted, computed, difference FROM cultuur.reconciliation ORDER BY id;

-- Nothing planted ran, and the owner is still no superuser.
SELECT count(*) AS planted_ran FROM public.planted_ran;
SELECT what, who, is_super, count(*) FROM public.planted_ran GROUP BY 1, 2, 3 ORDER BY what;
SELECT rolsuper FROM pg_roles WHERE rolname = 'cultuur_test_dbowner';
-- and no stored expression of the database depends on a look-alike
SELECT pg_describe_object(d.classid, d.objid, d.objsubid) AS stored,
       pg_describe_object(d.refclassid, d.refobjid, 0) AS bound_to
  FROM pg_depend d
 WHERE ((d.refclassid = 'pg_proc'::regclass
         AND d.refobjid IN (SELECT oid FROM pg_proc WHERE proowner = 'cultuur_test_dbowner'::regrole))
        OR (d.refclassid = 'pg_operator'::regclass
            AND d.refobjid IN (SELECT oid FROM pg_operator WHERE oprowner = 'cultuur_test_dbowner'::regrole)))
   AND d.classid <> 'pg_operator'::regclass
   AND NOT (d.classid = 'pg_attrdef'::regclass
            AND d.objid IN (SELECT oid FROM pg_attrdef WHERE adrelid = 'public.planted_ran'::regclass))
 ORDER BY 1, 2;

\c :regression_db
SET client_min_messages = warning;
DROP DATABASE cultuur_security_owned;

-- A schema cultuur made beforehand, by the database owner, is refused:
-- CREATE EXTENSION would reuse it, and its owner could then add overloads
-- (cultuur.volume_charge(cultuur.tiers, integer, integer)) that the
-- owner-run functions would call with a superuser's rights.
DROP DATABASE IF EXISTS cultuur_security_schema;
CREATE DATABASE cultuur_security_schema OWNER cultuur_test_dbowner;
\c cultuur_security_schema
SET client_min_messages = warning;
SET SESSION AUTHORIZATION cultuur_test_dbowner;
CREATE SCHEMA cultuur;
RESET SESSION AUTHORIZATION;
CREATE EXTENSION cultuur CASCADE;
\echo SQLSTATE :SQLSTATE
-- a superuser's schema in which the owner may create objects: refused too
ALTER SCHEMA cultuur OWNER TO CURRENT_USER;
GRANT CREATE ON SCHEMA cultuur TO cultuur_test_dbowner;
CREATE EXTENSION cultuur CASCADE;
\echo SQLSTATE :SQLSTATE
-- once only a superuser owns and creates in it, the extension installs
REVOKE CREATE ON SCHEMA cultuur FROM cultuur_test_dbowner;
CREATE EXTENSION cultuur CASCADE;
SELECT extname FROM pg_extension WHERE extname = 'cultuur';
\c :regression_db
SET client_min_messages = warning;
DROP DATABASE cultuur_security_schema;
DROP ROLE cultuur_test_dbowner;
