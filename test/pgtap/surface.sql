-- The public surface of cultuur, as the README's reference promises it: every function
-- with its exact signature, return type, labels, argument names and
-- defaults and a comment; the types, the enum and the operators; an
-- extension that lives in schema cultuur and cannot be moved; the tables
-- and columns that reports rely on; and, generically, a comment on every
-- function and type in schema cultuur.
--
-- Run: pg_prove -v -d DB test/pgtap/surface.sql
BEGIN;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS cultuur CASCADE;

SELECT plan(147);

-- The functions of the README's reference: name, argument types, return type, and the
-- argument list as pg_get_function_arguments() prints it (names, defaults).
CREATE TEMP TABLE api (
    ord       int,
    fn        name,
    args      name[],
    returns   text,
    arguments text
) ON COMMIT DROP;
INSERT INTO api VALUES
 (1, 'tier_price', '{cultuur.tiers,numeric}', 'numeric',
     't cultuur.tiers, volume numeric'),
 (2, 'volume_charge', '{cultuur.tiers,numeric,numeric}', 'numeric',
     't cultuur.tiers, units numeric, tier_volume numeric'),
 (3, 'volume_charge', '{cultuur.tiers,numeric}', 'numeric',
     't cultuur.tiers, units numeric'),
 (4, 'graduated_charge', '{cultuur.tiers,numeric}', 'numeric',
     't cultuur.tiers, units numeric'),
 (5, 'prorata', '{daterange,daterange,cultuur.prorata_rule}', 'numeric',
     'active daterange, period daterange, rule cultuur.prorata_rule DEFAULT ''month''::cultuur.prorata_rule'),
 (6, 'prorate', '{numeric,daterange,daterange,cultuur.prorata_rule}', 'numeric',
     'amount numeric, active daterange, period daterange, rule cultuur.prorata_rule DEFAULT ''month''::cultuur.prorata_rule'),
 (7, 'indexed', '{numeric,numeric,numeric}', 'numeric',
     'amount numeric, base_index numeric, new_index numeric'),
 (8, 'exit_fee', '{numeric[],integer,integer,numeric}', 'numeric',
     'rates numeric[], entry_year integer, exit_year integer, basis numeric'),
 (9, 'notice_deadline', '{date,interval}', 'date',
     'end_date date, notice interval DEFAULT ''3 mons''::interval'),
 (10, 'earliest_year_end', '{date,interval}', 'date',
     'notified_on date, notice interval DEFAULT ''3 mons''::interval'),
 (11, 'reach_cap', '{numeric,integer,numeric}', 'numeric',
     'inhabitants numeric, months integer, pct numeric DEFAULT 0.18');

-- 11 x 7 = 77 tests
SELECT has_function('cultuur', fn, args,
                    format('cultuur.%s(%s) exists', fn, array_to_string(args, ', ')))
  FROM api ORDER BY ord;
SELECT function_returns('cultuur', fn, args, returns,
                        format('cultuur.%s(%s) returns %s', fn, array_to_string(args, ', '), returns))
  FROM api ORDER BY ord;
SELECT volatility_is('cultuur', fn, args, 'immutable',
                     format('cultuur.%s(%s) is IMMUTABLE', fn, array_to_string(args, ', ')))
  FROM api ORDER BY ord;
SELECT is_strict('cultuur', fn, args,
                 format('cultuur.%s(%s) is STRICT', fn, array_to_string(args, ', ')))
  FROM api ORDER BY ord;
SELECT is((SELECT proparallel FROM pg_proc
            WHERE oid = to_regprocedure(format('cultuur.%s(%s)', fn, array_to_string(args, ',')))),
          's'::"char",
          format('cultuur.%s(%s) is PARALLEL SAFE', fn, array_to_string(args, ', ')))
  FROM api ORDER BY ord;
SELECT isnt(obj_description(to_regprocedure(format('cultuur.%s(%s)', fn, array_to_string(args, ','))),
                            'pg_proc'),
            NULL,
            format('cultuur.%s(%s) has a comment', fn, array_to_string(args, ', ')))
  FROM api ORDER BY ord;
SELECT is(pg_get_function_arguments(to_regprocedure(format('cultuur.%s(%s)', fn, array_to_string(args, ',')))),
          arguments,
          format('cultuur.%s: argument names and defaults', fn))
  FROM api ORDER BY ord;

-- The defaults work: calls that leave them out (4 tests)
SELECT is(cultuur.prorata(daterange('2022-11-01', '2023-01-01'), daterange('2022-01-01', '2023-01-01')),
          cultuur.prorata(daterange('2022-11-01', '2023-01-01'), daterange('2022-01-01', '2023-01-01'), 'month'),
          'prorata: rule defaults to month');
SELECT is(cultuur.notice_deadline('2026-12-31'), '2026-09-30'::date,
          'notice_deadline: notice defaults to 3 months');
SELECT is(cultuur.earliest_year_end('2023-10-01'), '2024-12-31'::date,
          'earliest_year_end: notice defaults to 3 months');
SELECT is(cultuur.reach_cap(529417, 12), 11435.4072,
          'reach_cap: pct defaults to 0.18');

-- Calls by argument name, as reporting tools write them (3 tests)
SELECT is(cultuur.tier_price(t => '6.79; >1000: 6.11', volume => 1001), 6.11,
          'tier_price(t =>, volume =>)');
SELECT is(cultuur.prorate(amount => 70509.82, active => daterange('2022-11-01', '2023-01-01'),
                          period => daterange('2022-01-01', '2023-01-01'), rule => 'month'),
          11751.64, 'prorate(amount =>, active =>, period =>, rule =>)');
SELECT is(cultuur.reach_cap(inhabitants => 529417, months => 12, pct => 0.18), 11435.4072,
          'reach_cap(inhabitants =>, months =>, pct =>)');

-- The tiers type (4 tests)
SELECT has_type('cultuur', 'tiers', 'type cultuur.tiers exists');
SELECT is((SELECT typtype FROM pg_type WHERE oid = 'cultuur.tiers'::regtype), 'b'::"char",
          'cultuur.tiers is a base type');
SELECT isnt(obj_description('cultuur.tiers'::regtype, 'pg_type'), NULL,
            'cultuur.tiers has a comment');
SELECT is(ARRAY(SELECT p::regproc::text FROM pg_type t,
                       unnest(ARRAY[t.typinput, t.typoutput, t.typreceive, t.typsend]) p
                 WHERE t.oid = 'cultuur.tiers'::regtype),
          ARRAY['cultuur.tiers_in', 'cultuur.tiers_out', 'cultuur.tiers_recv', 'cultuur.tiers_send'],
          'cultuur.tiers has text and binary input and output');

-- The enum (4 tests)
SELECT has_enum('cultuur', 'prorata_rule', 'enum cultuur.prorata_rule exists');
SELECT enum_has_labels('cultuur', 'prorata_rule', ARRAY['month', 'full_month', 'day'],
                       'cultuur.prorata_rule has the labels month, full_month, day, in that order');
SELECT isnt(obj_description('cultuur.prorata_rule'::regtype, 'pg_type'), NULL,
            'cultuur.prorata_rule has a comment');
SELECT is((SELECT count(*)::int FROM pg_enum WHERE enumtypid = 'cultuur.prorata_rule'::regtype), 3,
          'cultuur.prorata_rule has no other labels');

-- The operators = and <> on tiers (10 tests)
SELECT has_operator('cultuur.tiers', 'cultuur', '=', 'cultuur.tiers', 'boolean',
                    'operator cultuur.= (tiers, tiers) exists');
SELECT has_operator('cultuur.tiers', 'cultuur', '<>', 'cultuur.tiers', 'boolean',
                    'operator cultuur.<> (tiers, tiers) exists');
SELECT isnt(obj_description(to_regoperator('cultuur.=(cultuur.tiers,cultuur.tiers)'), 'pg_operator'),
            NULL, 'operator = on tiers has a comment');
SELECT isnt(obj_description(to_regoperator('cultuur.<>(cultuur.tiers,cultuur.tiers)'), 'pg_operator'),
            NULL, 'operator <> on tiers has a comment');
SELECT is((SELECT oprnegate FROM pg_operator
            WHERE oid = to_regoperator('cultuur.=(cultuur.tiers,cultuur.tiers)')),
          to_regoperator('cultuur.<>(cultuur.tiers,cultuur.tiers)')::oid,
          '<> is the negator of =');
SELECT ok((SELECT oprcanhash FROM pg_operator
            WHERE oid = to_regoperator('cultuur.=(cultuur.tiers,cultuur.tiers)')),
          '= on tiers supports hashing (GROUP BY, DISTINCT, hash joins)');
SELECT ok('6.10; >=100: 5.00'::cultuur.tiers OPERATOR(cultuur.=) '6.1; >=100: 5'::cultuur.tiers,
          '= compares values, not spellings');
SELECT ok('6.79; >1000: 6.11'::cultuur.tiers OPERATOR(cultuur.<>) '6.79; >=1000: 6.11'::cultuur.tiers,
          '<> tells > from >=');
SELECT is((SELECT count(*)::int FROM (
             SELECT DISTINCT t
               FROM (VALUES ('6.79; >1000: 6.11'::cultuur.tiers), ('6.790; >1000.0: 6.11'),
                            ('6.79; >1000: 6.12')) v(t)) d),
          2, 'SELECT DISTINCT on tiers (by hashing)');
SELECT is(cultuur.tiers_send('6.79; >1000: 6.11')::text,
          '\x0100020000000000000000000000000000679b7001000000003b9aca0000000000005d3b30',
          'the binary form starts with version byte 1');

-- The extension (5 tests)
SELECT is((SELECT extrelocatable FROM pg_extension WHERE extname = 'cultuur'), false,
          'the extension is not relocatable');
SELECT is((SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'cultuur'),
          'cultuur', 'the extension lives in schema cultuur');
SELECT is((SELECT e.extversion FROM pg_extension e WHERE e.extname = 'cultuur'),
          (SELECT a.default_version FROM pg_available_extensions a WHERE a.name = 'cultuur'),
          'the extension version is the default version of cultuur.control');
SELECT is_empty($$
    SELECT p.oid::regprocedure::text
      FROM pg_proc p
     WHERE p.pronamespace = 'cultuur'::regnamespace
       AND NOT EXISTS (SELECT 1 FROM pg_depend d
                        WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                          AND d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
                          AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'cultuur'))
       -- the event trigger's function stands outside, so that it outlives
       -- a DROP EXTENSION it refuses (sql/install/70_books.sql)
       AND p.oid <> 'cultuur.keep_books()'::regprocedure
  $$, 'every function in schema cultuur but keep_books belongs to the extension');
SELECT is_empty($$
    SELECT p.oid::regprocedure::text
      FROM pg_proc p
     WHERE p.pronamespace = 'cultuur'::regnamespace
       AND p.prosecdef
       AND NOT coalesce(p.proconfig::text[] @> ARRAY['search_path=pg_catalog, pg_temp']
                        OR p.proconfig::text[] @> ARRAY['search_path=pg_catalog,pg_temp'], false)
  $$, 'every SECURITY DEFINER function sets search_path = pg_catalog, pg_temp');

-- Tables and columns that reports and tests rely on (README, Reference) (7 + 27 + 4 tests)
SELECT has_table('cultuur', t, format('table cultuur.%s exists', t))
  FROM unnest(ARRAY['library', 'population', 'price_index', 'service', 'tariff',
                    'contract', 'termination']) WITH ORDINALITY u(t, i)
 ORDER BY i;
SELECT has_column('cultuur', t, c, format('column cultuur.%s.%s exists', t, c))
  FROM (VALUES
    (1, 'library', 'id'), (2, 'library', 'name'), (3, 'library', 'nis_code'),
    (4, 'population', 'library_id'), (5, 'population', 'year'), (6, 'population', 'inhabitants'),
    (7, 'price_index', 'series'), (8, 'price_index', 'month'), (9, 'price_index', 'value'),
    (10, 'service', 'code'),
    (11, 'tariff', 'service'), (12, 'tariff', 'valid'), (13, 'tariff', 'fixed_fee'), (14, 'tariff', 'tiers'),
    (15, 'contract', 'id'), (16, 'contract', 'library_id'), (17, 'contract', 'service'),
    (18, 'contract', 'signed_on'), (19, 'contract', 'starts_on'), (20, 'contract', 'initial_end'),
    (21, 'contract', 'basis_pct'),
    (22, 'termination', 'contract_id'), (23, 'termination', 'notified_on'),
    (24, 'termination', 'requested_end'), (25, 'termination', 'reason'),
    (26, 'termination', 'effective_end'), (27, 'termination', 'exit_fee')) v(i, t, c)
 ORDER BY i;
SELECT col_type_is('cultuur', 'tariff', 'tiers', 'cultuur', 'tiers',
                   'cultuur.tariff.tiers is a cultuur.tiers');
SELECT col_type_is('cultuur', 'tariff', 'valid', 'daterange',
                   'cultuur.tariff.valid is a daterange');
SELECT set_eq($$ SELECT code::text FROM cultuur.service $$,
              ARRAY['ebooks', 'film-1B', 'film-2A', 'film-2B', 'film-4A', 'film-4B'],
              'cultuur.service holds the six services');
SELECT ok(NOT EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = 'public'
                        AND tablename IN ('library', 'contract', 'tariff')),
          'nothing is installed into schema public');

-- Generic: every function and every type in schema cultuur has a comment
-- (array types, the row types of tables and views and the multirange
-- types made for range types are made by PostgreSQL and left out) (2 tests)
SELECT is_empty($$
    SELECT p.oid::regprocedure::text
      FROM pg_proc p
     WHERE p.pronamespace = 'cultuur'::regnamespace
       AND obj_description(p.oid, 'pg_proc') IS NULL
  $$, 'every function in schema cultuur has a comment');
SELECT is_empty($$
    SELECT t.oid::regtype::text
      FROM pg_type t
     WHERE t.typnamespace = 'cultuur'::regnamespace
       AND NOT (t.typcategory = 'A' AND t.typelem <> 0)
       AND t.typtype <> 'm'
       AND (t.typrelid = 0
            OR (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c')
       AND obj_description(t.oid, 'pg_type') IS NULL
  $$, 'every type in schema cultuur has a comment');

SELECT * FROM finish();
ROLLBACK;
