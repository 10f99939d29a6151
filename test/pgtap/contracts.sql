-- The contract data model as the catalog shows it: the tables
-- and columns of the README's reference, their keys, the exclusion constraints on contract
-- and tariff, the check constraints, every rule trigger on its table with
-- its timing, the volatility of trigger functions (VOLATILE) and table
-- readers (STABLE), a comment on every table, view, function and type in
-- schema cultuur, every user-data table and sequence kept by pg_dump
-- (the books are ordinary tables outside the extension), and the six
-- builtin services.
--
-- Run: pg_prove -v -d DB test/pgtap/contracts.sql
BEGIN;
SET LOCAL client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS cultuur CASCADE;

SELECT plan(204);

-- ---- tables and columns (README, \"Reference\") ----

SELECT has_table('cultuur', t, 'table cultuur.' || t || ' exists')
  FROM unnest(ARRAY['library', 'population', 'price_index', 'service',
                    'framework', 'framework_extension', 'tariff', 'contract',
                    'renewal', 'termination', 'data_annex_change',
                    'price_change']) t;

SELECT has_column('cultuur', t, c, format('cultuur.%s has column %s', t, c))
  FROM (VALUES ('library', 'id'), ('library', 'name'), ('library', 'nis_code'),
               ('population', 'library_id'), ('population', 'year'),
               ('population', 'inhabitants'),
               ('price_index', 'series'), ('price_index', 'month'),
               ('price_index', 'value'),
               ('service', 'code'),
               ('tariff', 'service'), ('tariff', 'valid'),
               ('tariff', 'fixed_fee'), ('tariff', 'tiers'),
               ('contract', 'id'), ('contract', 'library_id'),
               ('contract', 'service'), ('contract', 'signed_on'),
               ('contract', 'starts_on'), ('contract', 'initial_end'),
               ('contract', 'basis_pct'),
               ('termination', 'contract_id'), ('termination', 'notified_on'),
               ('termination', 'requested_end'), ('termination', 'reason'),
               ('termination', 'effective_end'), ('termination', 'exit_fee'))
       AS x (t, c);

SELECT col_type_is('cultuur', t, c, ty, format('cultuur.%s.%s is %s', t, c, ty))
  FROM (VALUES ('price_index', 'month', 'date'),
               ('tariff', 'valid', 'daterange'),
               ('tariff', 'tiers', 'cultuur.tiers'),
               ('contract', 'signed_on', 'date'),
               ('contract', 'starts_on', 'date'),
               ('contract', 'initial_end', 'date'),
               ('contract', 'active', 'daterange'),
               ('termination', 'reason', 'cultuur.termination_reason'),
               ('termination', 'effective_end', 'date'))
       AS x (t, c, ty);

SELECT col_not_null('cultuur', t, c, format('cultuur.%s.%s is NOT NULL', t, c))
  FROM (VALUES ('contract', 'library_id'), ('contract', 'service'),
               ('contract', 'signed_on'), ('contract', 'starts_on'),
               ('contract', 'active'),
               ('termination', 'notified_on'), ('termination', 'effective_end'),
               ('termination', 'exit_fee'))
       AS x (t, c);

-- ---- primary keys ----

SELECT col_is_pk('cultuur', t, cols, format('cultuur.%s: primary key (%s)', t, array_to_string(cols, ', ')))
  FROM (VALUES ('library', ARRAY['id']::name[]),
               ('population', ARRAY['library_id', 'year']::name[]),
               ('price_index', ARRAY['series', 'base', 'month']::name[]),
               ('service', ARRAY['code']::name[]),
               ('framework', ARRAY['service']::name[]),
               ('framework_extension', ARRAY['service', 'seq']::name[]),
               ('tariff', ARRAY['id']::name[]),
               ('contract', ARRAY['id']::name[]),
               ('renewal', ARRAY['contract_id', 'seq']::name[]),
               ('termination', ARRAY['contract_id']::name[]),
               ('data_annex_change', ARRAY['id']::name[]),
               ('price_change', ARRAY['id']::name[]))
       AS x (t, cols);

SELECT col_is_unique('cultuur', 'library', ARRAY['nis_code']::name[],
                     'cultuur.library.nis_code is unique');

-- ---- foreign keys ----

SELECT fk_ok('cultuur', ft, fc, 'cultuur', pt, pc,
             format('cultuur.%s.%s references cultuur.%s.%s', ft, fc, pt, pc))
  FROM (VALUES ('population', 'library_id', 'library', 'id'),
               ('framework', 'service', 'service', 'code'),
               ('framework_extension', 'service', 'framework', 'service'),
               ('tariff', 'service', 'service', 'code'),
               ('contract', 'library_id', 'library', 'id'),
               ('contract', 'service', 'service', 'code'),
               ('renewal', 'contract_id', 'contract', 'id'),
               ('termination', 'contract_id', 'contract', 'id'),
               ('data_annex_change', 'service', 'service', 'code'),
               ('price_change', 'service', 'service', 'code'),
               ('price_change', 'tariff_id', 'tariff', 'id'))
       AS x (ft, fc, pt, pc);

-- renewals and terminations go with their contract; a contract keeps its library
SELECT is((SELECT confdeltype::text FROM pg_constraint
            WHERE conrelid = ('cultuur.' || t)::regclass AND contype = 'f'
              AND confrelid = 'cultuur.contract'::regclass),
          'c', format('cultuur.%s: ON DELETE CASCADE from contract', t))
  FROM unnest(ARRAY['renewal', 'termination']) t;
SELECT is((SELECT confdeltype::text FROM pg_constraint
            WHERE conrelid = 'cultuur.contract'::regclass AND contype = 'f'
              AND confrelid = 'cultuur.library'::regclass),
          'a', 'cultuur.contract: a library with contracts cannot be deleted (NO ACTION)');

-- ---- exclusion constraints ----

SELECT is((SELECT array_agg(pg_get_constraintdef(oid) ORDER BY conname) FROM pg_constraint
            WHERE conrelid = 'cultuur.contract'::regclass AND contype = 'x'),
          ARRAY['EXCLUDE USING gist (library_id WITH =, service WITH =, active WITH &&)'],
          'cultuur.contract: one contract per library and service at any time (EXCLUDE)');
SELECT is((SELECT array_agg(pg_get_constraintdef(oid) ORDER BY conname) FROM pg_constraint
            WHERE conrelid = 'cultuur.tariff'::regclass AND contype = 'x'),
          ARRAY['EXCLUDE USING gist (service WITH =, valid WITH &&)'],
          'cultuur.tariff: validity ranges of one service never overlap (EXCLUDE)');
SELECT ok((SELECT bool_and(NOT condeferrable) FROM pg_constraint
            WHERE conrelid IN ('cultuur.contract'::regclass, 'cultuur.tariff'::regclass)
              AND contype = 'x'),
          'the exclusion constraints are checked immediately (not deferrable)');

-- ---- check constraints ----

SELECT col_has_check('cultuur', t, c, format('cultuur.%s.%s has a check constraint', t, c))
  FROM (VALUES ('library', 'name'), ('library', 'nis_code'),
               ('population', 'year'), ('population', 'inhabitants'),
               ('price_index', 'series'), ('price_index', 'month'),
               ('price_index', 'value'), ('price_index', 'base'),
               ('service', 'code'), ('service', 'kind'),
               ('service', 'price_model'), ('service', 'index_series'),
               ('service', 'renewal'), ('service', 'max_renewals'),
               ('service', 'notice'),
               ('framework', 'starts_on'), ('framework', 'ends_on'),
               ('framework', 'max_extensions'),
               ('framework_extension', 'seq'),
               ('tariff', 'valid'), ('tariff', 'fixed_fee'),
               ('contract', 'signed_on'), ('contract', 'starts_on'),
               ('contract', 'initial_end'), ('contract', 'basis_pct'),
               ('contract', 'index_from'),
               ('renewal', 'agreed_on'), ('renewal', 'ends_on'),
               ('termination', 'notified_on'), ('termination', 'requested_end'),
               ('termination', 'exit_fee'),
               ('price_change', 'notified_on'), ('price_change', 'effective_on'),
               ('price_change', 'fixed_fee'))
       AS x (t, c);

-- two-column checks: an end never before its start
SELECT is((SELECT count(*)::int FROM pg_constraint
            WHERE conrelid = ('cultuur.' || t)::regclass AND contype = 'c'
              AND pg_get_constraintdef(oid) = def),
          1, format('cultuur.%s: %s', t, def))
  FROM (VALUES ('contract', 'CHECK ((initial_end >= starts_on))'),
               ('renewal', 'CHECK ((ends_on >= starts_on))'),
               ('framework', 'CHECK ((ends_on >= starts_on))'))
       AS x (t, def);

-- the constraints at work (SQLSTATE only; the rows are rolled back)
SELECT throws_ok($$INSERT INTO cultuur.library (name, nis_code) VALUES ('Nergens', '1100')$$,
                 '23514', NULL, 'a NIS code of 4 digits is refused (23514)');
SELECT throws_ok($$INSERT INTO cultuur.price_index (series, month, value) VALUES ('cpi', '2023-01-15', 120)$$,
                 '23514', NULL, 'a price index month not on the first is refused (23514)');
INSERT INTO cultuur.library (id, name, nis_code) VALUES (990001, 'Testdorp', '99001');
SELECT throws_ok($$INSERT INTO cultuur.contract (library_id, service, signed_on, starts_on, initial_end, basis_pct)
                   VALUES (990001, 'ebooks', '2022-11-01', '2022-11-01', '2026-09-15', 0)$$,
                 '23514', NULL, 'a basis_pct of 0 is refused (23514)');
SELECT lives_ok($$INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end, basis_pct)
                  VALUES (990001, 990001, 'ebooks', '2022-11-01', '2022-11-01', '2026-09-15', 80)$$,
                'an e-book contract is accepted');
SELECT throws_ok($$INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, initial_end, basis_pct)
                   VALUES (990002, 990001, 'ebooks', '2025-11-01', '2026-01-01', '2026-09-15', 80)$$,
                 '23P01', NULL, 'a second, overlapping e-book contract of the same library is refused (23P01)');
SELECT lives_ok($$INSERT INTO cultuur.tariff (service, valid, tiers)
                  VALUES ('ebooks', daterange('2022-01-01', '2023-01-01'), '0.1645')$$,
                'a tariff for 2022 is accepted');
SELECT throws_ok($$INSERT INTO cultuur.tariff (service, valid, tiers)
                   VALUES ('ebooks', daterange('2022-07-01', '2024-01-01'), '0.1700')$$,
                 '23P01', NULL, 'an overlapping tariff of the same service is refused (23P01)');

-- ---- triggers ----

SELECT has_trigger('cultuur', t, tg, format('cultuur.%s has trigger %s', t, tg))
  FROM (VALUES ('framework_extension', 'framework_extension_check'),
               ('contract', 'contract_check'),
               ('renewal', 'renewal_check'), ('renewal', 'renewal_refresh'),
               ('termination', 'termination_check'),
               ('termination', 'termination_refresh'),
               ('price_change', 'price_change_check'))
       AS x (t, tg);

SELECT trigger_is('cultuur', t, tg, 'cultuur', fn,
                  format('trigger %s on cultuur.%s calls cultuur.%s()', tg, t, fn))
  FROM (VALUES ('framework_extension', 'framework_extension_check', 'framework_extension_check'),
               ('contract', 'contract_check', 'contract_check'),
               ('renewal', 'renewal_check', 'renewal_check'),
               ('renewal', 'renewal_refresh', 'contract_refresh'),
               ('termination', 'termination_check', 'termination_check'),
               ('termination', 'termination_refresh', 'contract_refresh'),
               ('price_change', 'price_change_check', 'price_change_check'))
       AS x (t, tg, fn);

-- timing, level and events of each rule trigger (tgtype bits: 1 row,
-- 2 before, 4 insert, 8 delete, 16 update) and that it is enabled
SELECT is((SELECT concat_ws(' ',
                      CASE WHEN tgtype & 2 <> 0 THEN 'BEFORE' ELSE 'AFTER' END,
                      CASE WHEN tgtype & 4 <> 0 THEN 'INSERT' END,
                      CASE WHEN tgtype & 16 <> 0 THEN 'UPDATE' END,
                      CASE WHEN tgtype & 8 <> 0 THEN 'DELETE' END,
                      CASE WHEN tgtype & 1 <> 0 THEN 'ROW' ELSE 'STATEMENT' END,
                      CASE WHEN tgenabled = 'O' THEN 'enabled' ELSE 'tgenabled=' || tgenabled::text END)
             FROM pg_trigger
            WHERE tgrelid = ('cultuur.' || t)::regclass AND tgname = tg),
          want, format('trigger %s on cultuur.%s: %s', tg, t, want))
  FROM (VALUES ('framework_extension', 'framework_extension_check', 'BEFORE INSERT ROW enabled'),
               ('contract', 'contract_check', 'BEFORE INSERT UPDATE ROW enabled'),
               ('renewal', 'renewal_check', 'BEFORE INSERT UPDATE DELETE ROW enabled'),
               ('renewal', 'renewal_refresh', 'AFTER INSERT DELETE ROW enabled'),
               ('termination', 'termination_check', 'BEFORE INSERT UPDATE DELETE ROW enabled'),
               ('termination', 'termination_refresh', 'AFTER INSERT DELETE ROW enabled'),
               ('price_change', 'price_change_check', 'BEFORE INSERT UPDATE DELETE ROW enabled'))
       AS x (t, tg, want);

-- ---- volatility ----

SELECT volatility_is('cultuur', fn, ARRAY[]::name[], 'volatile',
                     format('trigger function cultuur.%s() is VOLATILE', fn))
  FROM unnest(ARRAY['framework_extension_check', 'contract_check', 'renewal_check',
                    'termination_check', 'contract_refresh', 'price_change_check']) fn;
SELECT volatility_is('cultuur', 'contract_lock', ARRAY['integer']::name[], 'volatile',
                     'cultuur.contract_lock(integer) (it updates the contract) is VOLATILE');
SELECT is_empty($$
    SELECT p.oid::regprocedure FROM pg_proc p
     WHERE p.pronamespace = 'cultuur'::regnamespace
       AND p.prorettype = 'trigger'::regtype AND p.provolatile <> 'v'$$,
    'every trigger function in schema cultuur is VOLATILE');

SELECT volatility_is('cultuur', fn, args, 'stable',
                     format('table reader cultuur.%s(%s) is STABLE', fn, array_to_string(args, ', ')))
  FROM (VALUES ('restoring', ARRAY[]::name[]),
               ('framework_end', ARRAY['text']::name[]),
               ('contract_recorded_end', ARRAY['integer']::name[]),
               ('contract_terms', ARRAY['integer', 'date']::name[]),
               ('contract_term', ARRAY['integer', 'date']::name[]),
               ('end_options', ARRAY['integer', 'date']::name[]),
               ('earliest_end', ARRAY['integer', 'date']::name[]),
               ('index_value', ARRAY['text', 'date', 'integer']::name[]),
               ('exit_fee_quote', ARRAY['integer', 'date', 'cultuur.termination_reason', 'date']::name[]),
               ('fee_detail', ARRAY['integer', 'integer']::name[]),
               ('contract_fee', ARRAY['integer', 'integer']::name[]),
               ('contract_status', ARRAY['date']::name[]),
               ('upcoming_deadlines', ARRAY['date', 'interval']::name[]))
       AS x (fn, args);

-- no SQL or PL/pgSQL function that reads a cultuur table may be IMMUTABLE
SELECT is_empty($$
    SELECT p.oid::regprocedure FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
     WHERE p.pronamespace = 'cultuur'::regnamespace AND p.provolatile = 'i'
       AND l.lanname IN ('sql', 'plpgsql') AND p.prosrc ~ 'cultuur\.[a-z_]+'
       AND EXISTS (SELECT 1 FROM pg_class c
                    WHERE c.relnamespace = 'cultuur'::regnamespace
                      AND c.relkind IN ('r', 'p', 'v', 'm')
                      AND p.prosrc ~ ('cultuur\.' || c.relname || '\M'))$$,
    'no IMMUTABLE SQL function in schema cultuur reads a cultuur table or view');

-- ---- comments ----

SELECT is_empty($$
    SELECT c.oid::regclass FROM pg_class c
     WHERE c.relnamespace = 'cultuur'::regnamespace
       AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
       AND obj_description(c.oid, 'pg_class') IS NULL$$,
    'every table and view in schema cultuur has a COMMENT');
SELECT is_empty($$
    SELECT p.oid::regprocedure FROM pg_proc p
     WHERE p.pronamespace = 'cultuur'::regnamespace
       AND obj_description(p.oid, 'pg_proc') IS NULL$$,
    'every function in schema cultuur has a COMMENT');
SELECT is_empty($$
    SELECT t.oid::regtype FROM pg_type t
     WHERE t.typnamespace = 'cultuur'::regnamespace
       AND obj_description(t.oid, 'pg_type') IS NULL
       AND t.typtype IN ('b', 'c', 'd', 'e', 'r')
       AND NOT EXISTS (SELECT 1 FROM pg_type e WHERE e.typarray = t.oid)
       AND NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = t.typrelid AND c.relkind <> 'c')$$,
    'every type in schema cultuur has a COMMENT');
SELECT isnt(col_description('cultuur.contract'::regclass,
                            (SELECT attnum FROM pg_attribute
                              WHERE attrelid = 'cultuur.contract'::regclass AND attname = 'active')),
            NULL, 'cultuur.contract.active (maintained by triggers) has a COMMENT');

-- ---- constraints say which rule they are ----

SELECT is_empty($$
    SELECT conrelid::regclass || ' ' || conname FROM pg_constraint c
     WHERE connamespace = 'cultuur'::regnamespace AND contype = 'c'
       AND conname ~ ('^' || (SELECT relname FROM pg_class WHERE oid = c.conrelid) || '_check[0-9]*$')$$,
    'no CHECK constraint of cultuur has a default name like invoice_check2 (a table-level rule is named after it)');
SELECT is_empty($$
    SELECT t.tgrelid::regclass || ' ' || t.tgname FROM pg_trigger t
     WHERE NOT t.tgisinternal
       AND t.tgrelid IN (SELECT oid FROM pg_class WHERE relnamespace = 'cultuur'::regnamespace)
       AND obj_description(t.oid, 'pg_trigger') IS NULL$$,
    'every trigger on a table of cultuur says in a COMMENT which rule it enforces');
-- the rules that span columns or rows: EXCLUDE, UNIQUE, and CHECKs named
-- after their rule (column CHECKs keep the name of their column, which the
-- column's COMMENT explains)
SELECT is_empty($$
    SELECT c.conrelid::regclass || ' ' || c.conname FROM pg_constraint c
     WHERE c.connamespace = 'cultuur'::regnamespace
       AND (c.contype IN ('x', 'u') OR (c.contype = 'c' AND c.conname !~ '_check$'))
       AND obj_description(c.oid, 'pg_constraint') IS NULL$$,
    'every EXCLUDE, UNIQUE and rule-named CHECK constraint of cultuur has a COMMENT');

-- ---- the books live outside the extension (sql/install/70_books.sql) ----

SELECT is_empty($$
    SELECT c.oid::regclass FROM pg_class c
      JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
                      AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
      JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'cultuur'
     WHERE c.relkind IN ('r', 'p', 'S', 'v')
       -- the engine's lock rows are the extension's own, recreated by it
       AND c.oid <> 'cultuur.engine_lock'::regclass$$,
    'no table, sequence or view of schema cultuur but engine_lock is a member of the extension (pg_dump dumps them whole)');
SELECT ok(EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = ('cultuur.' || t)::regclass)
          AND NOT EXISTS (SELECT 1 FROM pg_depend d
                           WHERE d.classid = 'pg_class'::regclass AND d.objid = ('cultuur.' || t)::regclass
                             AND d.deptype = 'e'),
          format('cultuur.%s is a table of the books, dumped by pg_dump', t))
  FROM unnest(ARRAY['library', 'library_id_seq', 'population', 'price_index', 'service',
                    'framework', 'framework_extension', 'tariff', 'tariff_id_seq',
                    'contract', 'contract_id_seq', 'renewal', 'termination',
                    'data_annex_change', 'data_annex_change_id_seq',
                    'price_change', 'price_change_id_seq']) t;
SELECT is_empty($$
    SELECT pg_describe_object(d.classid, d.objid, d.objsubid)
      FROM pg_depend d
      JOIN pg_depend m ON m.classid = d.classid AND m.objid = d.objid AND m.deptype = 'e'
                      AND m.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'cultuur')
     WHERE (d.refclassid = 'pg_class'::regclass
            AND d.refobjid IN (SELECT oid FROM pg_class WHERE relnamespace = 'cultuur'::regnamespace
                                                           AND relname <> 'engine_lock'))
        OR (d.refclassid = 'pg_type'::regclass
            AND d.refobjid IN (SELECT t.oid FROM pg_type t JOIN pg_class c ON c.oid = t.typrelid
                                WHERE c.relnamespace = 'cultuur'::regnamespace
                                  AND c.relkind IN ('r', 'v') AND c.relname <> 'engine_lock'))$$,
    'nothing of the extension depends on a table of the books or its row type');
SELECT is((SELECT count(*)::integer FROM pg_event_trigger
            WHERE evtname = 'cultuur_keep_books' AND evtevent = 'sql_drop' AND evtenabled = 'O'), 1,
          'the event trigger cultuur_keep_books guards the books against drops');

-- ---- builtin services ----

SELECT set_eq($$SELECT code, kind, price_model, index_series, renewal, max_renewals, year_end_exit
                 FROM cultuur.service WHERE cultuur.shipped_service(code)$$,
              $$VALUES ('ebooks',  'ebooks', 'per_inhabitant', 'cpi',    'tacit',     NULL::integer, true),
                       ('film-1B', 'film',   'per_user',       'health', 'agreement', 2,             false),
                       ('film-2A', 'film',   'per_inhabitant', 'health', 'agreement', 2,             false),
                       ('film-2B', 'film',   'per_user',       'health', 'agreement', 2,             false),
                       ('film-4A', 'film',   'per_inhabitant', 'health', 'agreement', 2,             false),
                       ('film-4B', 'film',   'per_user',       'health', 'agreement', 2,             false)$$,
              'the six builtin services exist with their terms');
SELECT is((SELECT initial_term FROM cultuur.service WHERE code = 'film-2A'), interval '2 years',
          'film: two-year initial term (F 10.1)');
SELECT is((SELECT notice FROM cultuur.service WHERE code = 'ebooks'), interval '3 months',
          'e-books: three months notice (E 10.2)');
SELECT is(cultuur.restoring(), false, 'cultuur.restoring() is off in an ordinary session');

SELECT * FROM finish();
ROLLBACK;
