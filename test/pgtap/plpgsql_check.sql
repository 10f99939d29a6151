-- plpgsql_check over every PL/pgSQL function of cultuur: each trigger
-- function once per table it fires on (with its transition table, for the
-- statement triggers), every other function once; fatal errors, other
-- warnings, extra warnings and performance warnings (implicit casts on
-- assignment) all count.
--
-- Run: pg_prove -v -d DB test/pgtap/plpgsql_check.sql
BEGIN;
SET LOCAL client_min_messages = warning;
CREATE EXTENSION IF NOT EXISTS pgtap;
CREATE EXTENSION IF NOT EXISTS cultuur CASCADE;
CREATE EXTENSION IF NOT EXISTS plpgsql_check;

SELECT plan(2);

CREATE TEMP VIEW checked AS
SELECT p.oid::regprocedure AS fn, t.tgrelid::regclass AS rel, t.tgnewtable, t.tgoldtable
  FROM pg_proc p
  JOIN pg_language l ON l.oid = p.prolang AND l.lanname = 'plpgsql'
  LEFT JOIN pg_trigger t ON t.tgfoid = p.oid AND NOT t.tgisinternal
 WHERE p.pronamespace = 'cultuur'::regnamespace
   AND p.prorettype <> 'event_trigger'::regtype
   AND (p.prorettype <> 'trigger'::regtype OR t.oid IS NOT NULL);

SELECT is((SELECT count(DISTINCT fn)::integer FROM checked),
          (SELECT count(*)::integer FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang
            WHERE l.lanname = 'plpgsql' AND p.pronamespace = 'cultuur'::regnamespace
              AND p.prorettype <> 'event_trigger'::regtype),
          'plpgsql_check looks at every PL/pgSQL function of cultuur (each trigger function on a table it fires on)');
SELECT is_empty($$
    SELECT k.fn::text || ' on ' || coalesce(k.rel::text, '-') || ': ' || c.level || ': ' || c.message
           || coalesce(' (' || c.statement || ' line ' || c.lineno || ')', '')
      FROM checked k
     CROSS JOIN LATERAL plpgsql_check_function_tb(k.fn, coalesce(k.rel, 0),
            fatal_errors => false, other_warnings => true, extra_warnings => true,
            performance_warnings => true, oldtable => k.tgoldtable, newtable => k.tgnewtable) c$$,
    'plpgsql_check finds no error and no warning');

SELECT * FROM finish();
ROLLBACK;
