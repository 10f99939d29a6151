-- Who may do what (doc: README, "Access control"), tried as each role
-- would: the three group roles of the extension, each through a login of
-- its own (SET SESSION AUTHORIZATION, so that session_user is that login),
-- plus a login with no grants at all.  Every action the role's job needs
-- succeeds; every attempt to change what the rules compute other than
-- through the rules fails, with the SQLSTATE the README documents:
--   42501  the role has no privilege for it (nothing for the rules to do)
--   CC010  a recorded fact, or one an issued invoice used, cannot change
--   CC012  a payment rule (E 8.6, E 8.7, F 8.3, F 8.4)
--   CC013  an entry dated after the day it is entered
--   22023  a bad argument to a function
--   42602  a setting that does not exist (the prefix cultuur is reserved)
--
-- Run: pg_prove -v -d DB test/pgtap/roles.sql
BEGIN;
SET LOCAL client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS cultuur CASCADE;
SET LOCAL datestyle = ISO, YMD;
SET LOCAL TimeZone = 'UTC';

SELECT plan(152);

-- pgTAP keeps its results in temporary tables of the session: the logins
-- below write to them too
DO $$
DECLARE
    r regclass;
BEGIN
    FOR r IN SELECT c.oid FROM pg_class c WHERE c.relnamespace = pg_my_temp_schema() AND c.relkind IN ('r', 'S') LOOP
        EXECUTE format('GRANT ALL ON %s TO PUBLIC', r);
    END LOOP;
END;
$$;

CREATE ROLE tap_finance IN ROLE cultuur_finance;
CREATE ROLE tap_entry IN ROLE cultuur_data_entry;
CREATE ROLE tap_reader IN ROLE cultuur_reporting;
CREATE ROLE tap_nobody;

-- ---- the roles ----

SELECT has_role(r, format('role %s exists', r))
  FROM unnest(ARRAY['cultuur_reporting', 'cultuur_data_entry', 'cultuur_finance']) r;
SELECT is((SELECT bool_or(rolcanlogin OR rolsuper OR rolcreaterole OR rolbypassrls) FROM pg_roles
            WHERE rolname IN ('cultuur_reporting', 'cultuur_data_entry', 'cultuur_finance')),
          false, 'the group roles cannot log in, are no superusers, create no roles, bypass no row security');
SELECT is_member_of('cultuur_reporting', ARRAY['cultuur_data_entry', 'cultuur_finance'],
                    'data entry and finance can read what reporting reads');
SELECT ok(NOT pg_has_role('cultuur_finance', 'cultuur_data_entry', 'MEMBER')
          AND NOT pg_has_role('cultuur_data_entry', 'cultuur_finance', 'MEMBER'),
          'finance and data entry are separate jobs');

-- ---- the engine: owner-run, pinned, not executable by PUBLIC ----

SELECT is_empty($$
    SELECT p.oid::regprocedure FROM pg_proc p
     WHERE p.pronamespace = 'cultuur'::regnamespace AND p.prosecdef
       AND NOT coalesce('search_path=pg_catalog, pg_temp' = ANY (p.proconfig), false)$$,
    'every SECURITY DEFINER function pins search_path = pg_catalog, pg_temp');
SELECT is_empty($$
    SELECT p.oid::regprocedure FROM pg_proc p
     WHERE p.pronamespace = 'cultuur'::regnamespace AND p.prosecdef
       AND (p.proacl IS NULL
            OR EXISTS (SELECT 1 FROM aclexplode(p.proacl) a
                        WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'))$$,
    'no SECURITY DEFINER function is executable by PUBLIC');
SELECT is_empty($$
    SELECT p.oid::regprocedure FROM pg_proc p
     WHERE p.pronamespace = 'cultuur'::regnamespace
       AND p.prorettype = 'trigger'::regtype AND NOT p.prosecdef
       AND p.proname NOT IN ('refuse_truncate', 'entry_immutable')  -- they only refuse$$,
    'every rule trigger runs with the owner''s rights (callers need no rights on what it maintains)');
SELECT ok(EXISTS (SELECT 1 FROM pg_proc p WHERE p.oid = f::regprocedure AND p.prosecdef),
          format('%s runs with the owner''s rights', f))
  FROM unnest(ARRAY['cultuur.run_invoicing(date)', 'cultuur.credit_note(integer,date,text,numeric)',
                    'cultuur.lift_suspension(integer,date,text)', 'cultuur.issue_invoice(integer,text,daterange,date,numeric,integer,text)',
                    'cultuur.take_invoice_numbers(date,integer)', 'cultuur.contract_lock(integer)',
                    'cultuur.fee_detail(integer,integer)']) f;
SELECT is_empty($$
    SELECT r.rolname || ' ' || x.priv || ' ' || t.t
      FROM unnest(ARRAY['cultuur_reporting', 'cultuur_data_entry', 'cultuur_finance']) r (rolname)
     CROSS JOIN unnest(ARRAY['invoice', 'invoice_line', 'invoice_counter', 'monthly_user',
                             'monthly_usage', 'consortium_usage', 'engine_lock']) t (t)
     CROSS JOIN unnest(ARRAY['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE']) x (priv)
     WHERE has_table_privilege(r.rolname, 'cultuur.' || t.t, x.priv)$$,
    'no role may write the tables the engine maintains');
SELECT is_empty($$
    SELECT r FROM unnest(ARRAY['cultuur_reporting', 'cultuur_data_entry', 'cultuur_finance']) r
     WHERE has_table_privilege(r, 'cultuur.suspension', 'UPDATE')
        OR has_table_privilege(r, 'cultuur.usage_event', 'SELECT')
        OR has_table_privilege(r, 'cultuur.monthly_user', 'SELECT')
        OR has_table_privilege(r, 'cultuur.engine_lock', 'SELECT')$$,
    'no role updates suspensions directly or reads member-level usage or the engine''s locks');

-- ---- a small scenario, loaded by the owner ----

INSERT INTO cultuur.price_index (series, month, value) VALUES
    ('cpi', '2022-01-01', 118.32), ('cpi', '2023-01-01', 127.84), ('cpi', '2023-02-01', 128.00);
INSERT INTO cultuur.library (id, name, nis_code) VALUES (1, 'Antwerpen', '11002'), (2, 'Gent', '44021');
SELECT is(setval('cultuur.library_id_seq', 2), 2::bigint, 'the owner loads libraries');
INSERT INTO cultuur.population (library_id, year, inhabitants) VALUES
    (1, 2021, 529417), (1, 2022, 530630), (2, 2021, 263000), (2, 2022, 264000);
INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates) VALUES
    ('ebooks', daterange('2022-01-01', NULL), 838.54, '0.1645', '{0.1240,0.0827,0.0413,0.0413}'),
    ('film-1B', daterange('2022-10-01', NULL), 0, '6.79; >1000: 6.11; >2000: 5.43', '{}');
INSERT INTO cultuur.framework (service, starts_on, ends_on, max_extensions) VALUES
    ('film-1B', '2022-10-01', '2024-09-30', 2);
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end, basis_pct, index_from) VALUES
    (1, 1, 'ebooks', '2022-11-01', '2022-11-01', '2026-09-15', 80, 2023),
    (2, 1, 'film-1B', '2022-12-01', '2023-01-01', NULL, 100, NULL),
    (3, 2, 'ebooks', '2022-12-01', '2023-01-01', '2026-09-15', 100, NULL);
SELECT is(setval('cultuur.contract_id_seq', 3), 3::bigint, 'the owner loads contracts');
-- 30 members a month start a film in Q1 2023: 3 x 30 x 6.79 = 611.10
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at)
SELECT 1, md5('m' || u), 'film-1B', 'film_started', make_timestamptz(2023, m, 10, 20, 0, 0, 'Europe/Brussels')
  FROM generate_series(1, 3) m, generate_series(1, 30) u;

-- ---- a login with no grants reads and changes nothing ----

SET SESSION AUTHORIZATION tap_nobody;
SELECT throws_ok(q, '42501', NULL, format('no grants: %s is refused', q))
  FROM unnest(ARRAY[
      'SELECT count(*) FROM cultuur.contract',
      'SELECT count(*) FROM cultuur.invoice_balance',
      'SELECT count(*) FROM cultuur.fee_detail(2023, 2023)',
      'SELECT cultuur.tier_price(''6.79'', 1)',
      'INSERT INTO cultuur.library (name, nis_code) VALUES (''X'', ''99999'')',
      'SELECT count(*) FROM cultuur.run_invoicing(''2023-05-01'')',
      'SELECT cultuur.take_invoice_numbers(''2023-05-01'', 1)',
      'SET cultuur.restoring = on',
      'TRUNCATE cultuur.invoice CASCADE']) q;
RESET SESSION AUTHORIZATION;

-- ---- finance: the invoicing run ----

SET SESSION AUTHORIZATION tap_finance;
-- e-books 2022: 838.54 + round(0.1645 x 423,533.6, 2) = 70,509.82 x 2/12 =
-- 11,751.64; 2023: 70,669.45 x 127.84 / 118.32 = 76,355.50 (E 8.1, E 8.4,
-- E 8.8); Gent 2023: 838.54 + 0.1645 x 264,000 = 44,266.54; lot 1B Q1
-- 2023: 611.10 (F 8.1)
SELECT results_eq(
    $$SELECT number, contract_id, total FROM cultuur.run_invoicing('2023-05-01') ORDER BY number$$,
    $$VALUES ('2023/000001', 1, 11751.64::numeric(12,2)), ('2023/000002', 3, 44266.54),
             ('2023/000003', 1, 76355.50), ('2023/000004', 2, 611.10)$$,
    'finance runs the invoicing: four invoices, numbered without gaps');
SELECT is((SELECT count(*)::integer FROM cultuur.invoice_line), 6, 'with their lines');
RESET SESSION AUTHORIZATION;

-- ---- library data entry ----

SET SESSION AUTHORIZATION tap_entry;
SELECT lives_ok($$INSERT INTO cultuur.library (name, nis_code) VALUES ('Leuven', '24062')$$,
                'data entry adds a library');
SELECT lives_ok($$INSERT INTO cultuur.population (library_id, year, inhabitants)
                  SELECT id, 2022, 102000 FROM cultuur.library WHERE nis_code = '24062'$$,
                'data entry adds a population count');
SELECT lives_ok($$INSERT INTO cultuur.population (library_id, year, inhabitants) VALUES (1, 2023, 531000)$$,
                'data entry adds the count of a year no invoice used yet');
SELECT lives_ok($$UPDATE cultuur.population SET inhabitants = 531001 WHERE library_id = 1 AND year = 2023$$,
                '... and corrects it, since nothing was billed from it');
SELECT lives_ok($$INSERT INTO cultuur.contract (library_id, service, signed_on, starts_on, initial_end)
                  SELECT id, 'ebooks', '2023-02-01', '2023-03-01', '2026-09-15'
                    FROM cultuur.library WHERE nis_code = '24062'$$,
                'data entry adds a contract');
SELECT lives_ok($$UPDATE cultuur.contract SET basis_pct = 90
                   WHERE library_id = (SELECT id FROM cultuur.library WHERE nis_code = '24062')$$,
                '... and corrects a contract that has no invoice yet');
SELECT lives_ok($$INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at)
                  VALUES (1, md5('new member'), 'film-1B', 'film_started', '2023-04-10 18:00+00')$$,
                'data entry loads usage');
SELECT is((SELECT unique_users FROM cultuur.monthly_usage
            WHERE library_id = 1 AND service = 'film-1B' AND month = '2023-04-01'), 1,
          '... and the engine counts it, though data entry cannot write the counters');
-- a notice: who and when come from the database, whatever the row says
SELECT lives_ok($$INSERT INTO cultuur.termination (contract_id, notified_on, entered_by, entered_at)
                  VALUES (3, '2023-09-30', 'mallory', '2000-01-01')$$,
                'data entry records a termination');
SELECT is((SELECT (entered_by, entered_at, effective_end) FROM cultuur.termination WHERE contract_id = 3),
          ROW('tap_entry'::text, transaction_timestamp(), '2023-12-31'::date),
          '... entered_by is the login and entered_at the transaction''s start, not what the row said');
SELECT lives_ok($$DELETE FROM cultuur.termination WHERE contract_id = 3$$,
                '... and deletes it again (notice withdrawn)');
-- an exit fee, once recorded, keeps the count it was computed from: Gent's
-- count of 1 January 2023 bills no invoice yet, but an exit in 2023 uses it
-- (Bijlage A 2: 0.1240 x 265,000 = 32,860.00)
SELECT lives_ok($$INSERT INTO cultuur.population (library_id, year, inhabitants) VALUES (2, 2023, 265000)$$,
                'data entry enters Gent''s count of 1 January 2023');
SELECT results_eq($$INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (3, '2023-09-30')
                    RETURNING exit_fee::numeric$$, ARRAY[32860.00::numeric],
                  '... a termination in 2023 charges its exit fee from it');
SELECT throws_ok($$UPDATE cultuur.population SET inhabitants = 1000 WHERE library_id = 2 AND year = 2023$$,
                 'CC010', 'the population of library 2 on 1 January 2023 cannot be changed or deleted: the exit fee of contract 3 was computed from it',
                 '... and then that count cannot change');
SELECT lives_ok($$DELETE FROM cultuur.termination WHERE contract_id = 3$$,
                '... until the termination is withdrawn');
SELECT lives_ok($$UPDATE cultuur.population SET inhabitants = 265100 WHERE library_id = 2 AND year = 2023$$,
                '... when it can be corrected again');
SELECT throws_ok($$INSERT INTO cultuur.reach_hold (contract_id, starts_on) VALUES (2, '2023-04-01')$$,
                 'CC011', NULL, 'data entry may ask for a hold; the reach-cap rule decides (CC011: not reached)');
SELECT results_eq($$SELECT count(*)::integer FROM cultuur.fee_detail(2023, 2023)$$, ARRAY[4],
                  'data entry reads the reports');

-- attacks of a data-entry login
SELECT throws_ok(q, '42501', NULL, format('data entry: %s is refused (no privilege)', q))
  FROM unnest(ARRAY[
      'UPDATE cultuur.monthly_usage SET unique_users = 0 WHERE library_id = 1',
      'UPDATE cultuur.consortium_usage SET unique_users = 5000',
      'INSERT INTO cultuur.monthly_user VALUES (1, ''film-1B'', ''2023-06-01'', md5(''pre-registered''))',
      'UPDATE cultuur.suspension SET lifted_on = starts_on',
      'INSERT INTO cultuur.invoice (number, year, seq, library_id, contract_id, kind, period, issued_on, due_on, total) VALUES (''2023/000099'', 2023, 99, 1, 2, ''film_quarter'', ''[2023-04-01,2023-07-01)'', ''2023-07-01'', ''2023-07-31'', 0.01)',
      'SELECT cultuur.issue_invoice(2, ''film_quarter'', ''[2023-04-01,2023-07-01)'', ''2023-07-01'', 0.01)',
      'SELECT cultuur.take_invoice_numbers(''2023-05-01'', 1)',
      'SELECT count(*) FROM cultuur.run_invoicing(''2023-08-01'')',
      'INSERT INTO cultuur.payment (invoice_id, paid_on, amount) VALUES (1, ''2023-06-01'', 10)',
      'UPDATE cultuur.tariff SET tiers = ''0.50''',
      'SELECT count(*) FROM cultuur.usage_event',
      'TRUNCATE cultuur.contract CASCADE',
      'SET cultuur.restoring = on']) q;
SELECT throws_ok($$SET cultuur.upgrading = on$$, '42602', NULL,
                 'data entry: cultuur.upgrading does not exist (the prefix cultuur is reserved)');
-- facts that issued invoices used (the count of 1 January Y bills year Y + 1)
SELECT throws_ok($$UPDATE cultuur.population SET inhabitants = 1000 WHERE library_id = 1 AND year = 2022$$,
                 'CC010', 'the population of library 1 on 1 January 2022 cannot be changed or deleted: issued invoice 2023/000003 was computed from it',
                 'data entry cannot change a count an issued invoice used');
SELECT throws_ok($$DELETE FROM cultuur.population WHERE library_id = 1 AND year = 2021$$,
                 'CC010', NULL, '... nor delete one');
SELECT throws_ok($$UPDATE cultuur.population SET inhabitants = 1000 WHERE library_id = 2 AND year = 2022$$,
                 'CC010', NULL, '... of any library with an issued invoice');
SELECT throws_ok($$UPDATE cultuur.contract SET basis_pct = 50 WHERE id = 1$$,
                 'CC010', NULL, 'data entry cannot change the basis share of an invoiced contract');
SELECT throws_ok($$UPDATE cultuur.contract SET starts_on = '2022-12-01' WHERE id = 1$$,
                 'CC010', NULL, '... nor its start');
SELECT throws_ok($$UPDATE cultuur.contract SET index_from = NULL WHERE id = 1$$,
                 'CC010', NULL, '... nor its indexation');
SELECT throws_ok($$UPDATE cultuur.contract SET library_id = 2 WHERE id = 2$$,
                 'CC010', NULL, '... nor its library');
SELECT throws_ok($$INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (1, '2031-05-05')$$,
                 'CC013', NULL, 'data entry cannot record a notice dated after today');
SELECT throws_ok($$INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (2, '2030-01-01')$$,
                 'CC013', NULL, '... nor a renewal agreed after today');
RESET SESSION AUTHORIZATION;

-- ---- consortium finance ----

SET SESSION AUTHORIZATION tap_finance;
SELECT lives_ok($$INSERT INTO cultuur.formal_notice (invoice_id, sent_on)
                  SELECT id, '2023-06-05' FROM cultuur.invoice WHERE number = '2023/000004'$$,
                'finance sends a formal notice for an overdue invoice');
SELECT lives_ok($$INSERT INTO cultuur.suspension (invoice_id, starts_on)
                  SELECT id, '2023-07-05' FROM cultuur.invoice WHERE number = '2023/000004'$$,
                'finance suspends the library more than 30 days after the due date (E 8.7, F 8.4)');
SELECT is((SELECT entered_by FROM cultuur.suspension), 'tap_finance', '... recorded as entered by the login');
SELECT throws_ok($$UPDATE cultuur.suspension SET lifted_on = starts_on$$, '42501', NULL,
                 'finance cannot lift a suspension by updating it');
SELECT throws_ok($$SELECT cultuur.lift_suspension((SELECT id FROM cultuur.suspension), 'infinity', 'payment plan')$$,
                 '22023', NULL, '... nor lift it to infinity');
SELECT throws_ok($$SELECT cultuur.lift_suspension((SELECT id FROM cultuur.suspension), '2023-07-10', ' ')$$,
                 '22023', NULL, '... nor without a reason');
SELECT throws_ok($$SELECT cultuur.lift_suspension((SELECT id FROM cultuur.suspension), '2023-07-01', 'payment plan')$$,
                 '22023', NULL, '... nor before it started');
SELECT throws_ok($$SELECT cultuur.lift_suspension((SELECT id FROM cultuur.suspension), '2099-01-01', 'payment plan')$$,
                 '22023', NULL, '... nor on a day still to come');
SELECT lives_ok($$SELECT cultuur.lift_suspension((SELECT id FROM cultuur.suspension), '2023-07-10', 'payment plan agreed')$$,
                'finance lifts a suspension by a recorded decision');
SELECT is((SELECT (lifted_on, lifted_by, lift_reason) FROM cultuur.suspension),
          ROW('2023-07-10'::date, 'tap_finance'::text, 'payment plan agreed'::text),
          '... which records when, who and why');
SELECT throws_ok($$SELECT cultuur.lift_suspension((SELECT id FROM cultuur.suspension), '2023-07-11', 'again')$$,
                 'CC012', NULL, '... once');
SELECT lives_ok($$INSERT INTO cultuur.suspension (invoice_id, starts_on)
                  SELECT id, '2023-07-20' FROM cultuur.invoice WHERE number = '2023/000004'$$,
                'finance suspends again when the plan is not kept');
SELECT lives_ok($$INSERT INTO cultuur.payment (invoice_id, paid_on, amount)
                  SELECT id, '2023-08-01', 611.10 FROM cultuur.invoice WHERE number = '2023/000004'$$,
                'finance records the payment');
SELECT is((SELECT (lifted_on, lifted_by) FROM cultuur.suspension WHERE starts_on = '2023-07-20'),
          ROW('2023-08-01'::date, 'tap_finance'::text),
          '... which lifts the open suspension through the rules');
SELECT is((SELECT entered_by FROM cultuur.payment), 'tap_finance', '... and is recorded as entered by the login');
SELECT throws_ok($$SELECT cultuur.credit_note((SELECT id FROM cultuur.invoice WHERE number = '2023/000003'),
                                              '2023-06-01', 'too much', 80000.00)$$,
                 '22023', NULL, 'a credit note larger than its invoice is refused');
SELECT lives_ok($$SELECT cultuur.credit_note((SELECT id FROM cultuur.invoice WHERE number = '2023/000003'),
                                             '2023-06-01', 'goodwill', 1000.00)$$,
                'finance issues a credit note');
SELECT is((SELECT outstanding::numeric FROM cultuur.invoice_balance WHERE number = '2023/000003'), 75355.50::numeric,
          '... which lowers what is outstanding');
SELECT throws_ok($$INSERT INTO cultuur.payment (invoice_id, paid_on, amount)
                   SELECT id, '1999-01-01', 999999.99 FROM cultuur.invoice WHERE number = '2023/000003'$$,
                 'CC012', NULL, 'a payment beyond the outstanding amount is refused');
SELECT throws_ok($$INSERT INTO cultuur.payment (invoice_id, paid_on, amount)
                   SELECT id, '2027-01-01', 10.00 FROM cultuur.invoice WHERE number = '2023/000003'$$,
                 'CC013', NULL, 'a payment dated after today is refused');
SELECT lives_ok($$INSERT INTO cultuur.price_change (service, notified_on, effective_on, fixed_fee, tiers, note)
                  VALUES ('ebooks', '2023-07-15', '2024-01-01', 900, '0.1700', 'new platform')$$,
                'finance records a price change for the next 1 January (E 8.9)');
SELECT results_eq($$SELECT valid FROM cultuur.tariff WHERE service = 'ebooks' ORDER BY lower(valid)$$,
                  $$VALUES (daterange('2022-01-01', '2024-01-01')), (daterange('2024-01-01', NULL))$$,
                  '... which splits the tariff, though no invoice billed 2024 yet');
SELECT lives_ok($$INSERT INTO cultuur.framework_extension (service, agreed_on, ends_on) VALUES ('film-1B', '2024-06-01', '2025-09-30')$$,
                'finance extends a framework agreement');
SELECT lives_ok($$INSERT INTO cultuur.price_index (series, month, value) VALUES ('cpi', '2024-01-01', 129.50)$$,
                'finance loads an index value');
SELECT lives_ok($$UPDATE cultuur.price_index SET value = 128.10 WHERE series = 'cpi' AND month = '2023-02-01'$$,
                '... and corrects one that no invoice used');
SELECT lives_ok($$INSERT INTO cultuur.budget_approved (library_id, year, amount) VALUES (1, 2023, 150000.00)$$,
                'finance enters a budget');
SELECT lives_ok($$INSERT INTO cultuur.service (code, name, kind, price_model, index_series, renewal, notice, year_end_exit)
                  VALUES ('audio', 'Audiobooks', 'ebooks', 'per_inhabitant', 'cpi', 'tacit', '3 months', true)$$,
                'finance adds a service of its own');
SELECT lives_ok($$INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers) VALUES ('audio', '[2024-01-01,)', 100, '0.05')$$,
                '... with a tariff');
SELECT lives_ok($$UPDATE cultuur.tariff SET tiers = '0.04' WHERE service = 'audio'$$,
                '... which it may still correct: nothing was billed from it');
SELECT results_eq($$SELECT count(*)::integer FROM cultuur.budget_variance(2023, 2023)$$, ARRAY[3],
                  'finance reads the reports');

-- attacks of a finance login: forged invoices, switches, facts under invoices
SELECT throws_ok(q, '42501', NULL, format('finance: %s is refused (no privilege)', q))
  FROM unnest(ARRAY[
      'INSERT INTO cultuur.invoice (number, year, seq, library_id, contract_id, kind, period, issued_on, due_on, total) VALUES (''2023/000099'', 2023, 99, 1, 1, ''ebooks_year'', ''[2024-01-01,2025-01-01)'', ''2023-07-01'', ''2023-07-31'', -50000.00)',
      'INSERT INTO cultuur.invoice_line (invoice_id, line_no, description, quantity, amount) VALUES (1, 9, ''extra'', 1, -1000.00)',
      'UPDATE cultuur.invoice SET total = 0',
      'DELETE FROM cultuur.invoice_line',
      'SELECT cultuur.issue_invoice(2, ''film_quarter'', ''[2023-04-01,2023-07-01)'', ''2023-07-01'', 0.01)',
      'SELECT cultuur.take_invoice_numbers(''2023-05-01'', 1)',
      'UPDATE cultuur.invoice_counter SET last_seq = last_seq + 1',
      'SELECT * FROM cultuur.engine_lock FOR UPDATE',
      'SELECT * FROM cultuur.invoice_counter FOR UPDATE',
      'INSERT INTO cultuur.contract (library_id, service, signed_on, starts_on, initial_end) VALUES (2, ''film-1B'', ''2023-01-01'', ''2023-01-01'', NULL)',
      'TRUNCATE cultuur.payment',
      'SET cultuur.restoring = on']) q;
SELECT throws_ok($$UPDATE cultuur.tariff SET tiers = '0.50', exit_rates = '{}' WHERE service = 'ebooks' AND lower(valid) = '2022-01-01'$$,
                 'CC010', 'tariff 1 of service "ebooks" cannot be changed or deleted: issued invoice 2023/000001 was computed from it',
                 'finance cannot raise an invoiced tariff in place');
SELECT throws_ok($$UPDATE cultuur.tariff SET valid = daterange('2022-01-01', '2023-01-01') WHERE service = 'ebooks' AND lower(valid) = '2022-01-01'$$,
                 'CC010', NULL, '... nor cut it short under an issued invoice');
SELECT throws_ok($$DELETE FROM cultuur.tariff WHERE service = 'ebooks'$$,
                 'CC010', NULL, '... nor delete it');
SELECT throws_ok($$UPDATE cultuur.price_index SET value = 100 WHERE series = 'cpi' AND month = '2022-01-01'$$,
                 'CC010', NULL, 'finance cannot change an index value an issued invoice used');
SELECT throws_ok($$DELETE FROM cultuur.price_index WHERE series = 'cpi' AND month = '2023-01-01'$$,
                 'CC010', NULL, '... nor delete one');
SELECT throws_ok($$UPDATE cultuur.service SET notice = '0 days' WHERE code = 'ebooks'$$,
                 'CC010', NULL, 'finance cannot change the terms of a built-in service');
SELECT throws_ok($$INSERT INTO cultuur.formal_notice (invoice_id, sent_on)
                   SELECT id, '2030-01-01' FROM cultuur.invoice WHERE number = '2023/000003'$$,
                 'CC013', NULL, 'a formal notice dated after today is refused');
SELECT throws_ok($$INSERT INTO cultuur.price_change (service, notified_on, effective_on, fixed_fee, tiers)
                   VALUES ('ebooks', '2030-07-01', '2031-01-01', 900, '0.18')$$,
                 'CC013', NULL, 'a price change notified after today is refused');
SELECT throws_ok($$INSERT INTO cultuur.data_annex_change (service, notified_on, worsening, description)
                   VALUES (NULL, '2030-01-01', true, 'not yet')$$,
                 'CC013', NULL, 'a data-annex change notified after today is refused');
RESET SESSION AUTHORIZATION;

-- ---- reporting ----

SET SESSION AUTHORIZATION tap_reader;
SELECT lives_ok(q, format('reporting reads: %s', q))
  FROM unnest(ARRAY[
      'SELECT count(*) FROM cultuur.invoice_balance',
      'SELECT count(*) FROM cultuur.invoice_line',
      'SELECT count(*) FROM cultuur.contract_fee_detail',
      'SELECT count(*) FROM cultuur.contract_status(''2024-01-01'')',
      'SELECT count(*) FROM cultuur.budget_variance(2022, 2024)',
      'SELECT count(*) FROM cultuur.reconciliation',
      'SELECT count(*) FROM cultuur.monthly_usage',
      'SELECT count(*) FROM cultuur.invoicing_blocked(''2023-05-01'')']) q;
SELECT throws_ok(q, '42501', NULL, format('reporting: %s is refused', q))
  FROM unnest(ARRAY[
      'SELECT count(*) FROM cultuur.usage_event',
      'SELECT count(*) FROM cultuur.monthly_user',
      'INSERT INTO cultuur.quoted_amount (contract_id, year, what, quoted, source) VALUES (1, 2022, ''fee'', 1, ''x'')',
      'UPDATE cultuur.library SET name = ''X''',
      'SELECT cultuur.credit_note(1, ''2023-06-01'', ''x'')',
      'LOCK TABLE cultuur.invoice IN SHARE MODE']) q;
RESET SESSION AUTHORIZATION;

-- ---- the restore switch ----

-- a DBA's function, owned by a superuser and run with its rights, that a
-- clerk may call: the switch it turns on is ignored, because the login is
-- not a superuser's
CREATE FUNCTION pg_temp.dba_payment(amount numeric) RETURNS void
    LANGUAGE sql SECURITY DEFINER SET cultuur.restoring = on
    AS $$ INSERT INTO cultuur.payment (invoice_id, paid_on, amount)
          SELECT i.id, '1999-01-01', $1 FROM cultuur.invoice i WHERE i.number = '2023/000003' $$;
GRANT EXECUTE ON FUNCTION pg_temp.dba_payment(numeric) TO tap_finance;
SET SESSION AUTHORIZATION tap_finance;
SELECT throws_ok($$SELECT pg_temp.dba_payment(999999.99)$$, 'CC012', NULL,
                 'inside a superuser''s SECURITY DEFINER function, cultuur.restoring does not turn the rules off for a non-superuser login');
RESET SESSION AUTHORIZATION;

-- (its warning, once per transaction, is not shown here)
SET LOCAL client_min_messages = error;
SET LOCAL cultuur.restoring = on;
SELECT is(cultuur.restoring(), true, 'a superuser login turns cultuur.restoring on');
SELECT throws_ok($$UPDATE cultuur.invoice SET total = 0 WHERE number = '2023/000001'$$, 'CC010', NULL,
                 '... which never opens an update of an issued invoice');
SELECT throws_ok($$DELETE FROM cultuur.payment$$, 'CC010', NULL, '... nor a delete of a payment');
SELECT throws_ok($$UPDATE cultuur.tariff SET tiers = '0.50' WHERE service = 'ebooks' AND lower(valid) = '2022-01-01'$$,
                 'CC010', NULL, '... nor a change of an invoiced tariff');
SELECT throws_ok($$UPDATE cultuur.service SET notice = '0 days' WHERE code = 'ebooks'$$, 'CC010', NULL,
                 '... nor of a built-in service');
RESET cultuur.restoring;
SET LOCAL client_min_messages = warning;
SELECT is(cultuur.restoring(), false, 'off again');

-- ---- TRUNCATE, for every role: even the owner ----

SELECT throws_ok(format('TRUNCATE cultuur.%I CASCADE', t), 'CC010', format('cultuur.%s cannot be truncated', t),
                 format('the owner cannot truncate cultuur.%s', t))
  FROM unnest(ARRAY['library', 'invoice', 'invoice_line', 'payment', 'contract',
                    'usage_event', 'monthly_usage', 'suspension']) t;

SELECT * FROM finish();
ROLLBACK;
