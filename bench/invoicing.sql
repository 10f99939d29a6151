-- cultuur invoicing benchmark, in ONE session of a database of its own
-- (bench/run.sh, BENCH_ONLY=invoicing, runs it for 300 libraries and for
-- 3,000, in cultuur_bench_invoicing_<libs>).
--
-- Every library takes e-books, film lot 2A (per inhabitant, consortium
-- tier) and film lot 1B (per unique user), all from 1 January 2025; lot
-- 1B has 5-35 users a month per library from January 2025 to June 2026.
-- Timed, each in a transaction rolled back (reps times; the best counts)
-- and then once more for real:
--   May run      cultuur.run_invoicing('2026-05-01') on books with no
--                invoice: 12 per library (e-books 2025 and 2026, five
--                quarters of each film lot);
--   quarter run  cultuur.run_invoicing('2026-08-01') after it: the second
--                quarter of 2026 of both lots, 2 per library;
--   late usage   cultuur.run_invoicing('2026-08-02') after one library in
--                ten reported 5 more May users: a supplementary invoice
--                each (the corrections of doc/rules.md §9).
-- Side by side (when libs <= preview_max): what one writes with the
-- documented preview, one cultuur.invoice_preview per due invoice, as the
-- run of release 0.1 did; nothing is issued, and its sum must equal what
-- the run issues.  A line "RESULT name invoices ms total" per figure is
-- read by bench/run.sh.
-- Variables (psql -v): libs (300), reps (3), preview_max (300).
\set ON_ERROR_STOP on
\set QUIET on
\pset footer off
\pset tuples_only on
\pset format unaligned
SET client_min_messages = error;
SET max_parallel_workers_per_gather = 0;

CREATE EXTENSION IF NOT EXISTS cultuur CASCADE;
SELECT format('== invoicing benchmark: %s libraries, PostgreSQL %s', :'libs', current_setting('server_version'));

-- ---------------------------------------------------------------------
-- The data (deterministic: setseed; invented except the tariffs of
-- Bijlage A and Statbel's index months in demo/be_index.csv)
-- ---------------------------------------------------------------------
\copy cultuur.price_index (series, month, value, source) FROM '../demo/be_index.csv' WITH (FORMAT csv, HEADER true)
INSERT INTO cultuur.price_index (series, month, value, source) VALUES
    ('cpi', '2026-01-01', 138.12, 'invented for the benchmark'),
    ('health', '2026-01-01', 137.40, 'invented for the benchmark');

SELECT setseed(0.2026) \g /dev/null
INSERT INTO cultuur.library (id, name, nis_code)
SELECT g, 'Bench library ' || g, to_char(g, 'FM00000') FROM generate_series(1, :libs) g;
SELECT setval('cultuur.library_id_seq', :libs) \g /dev/null
INSERT INTO cultuur.population (library_id, year, inhabitants)
SELECT l.id, y, (5000 + floor(random() * 525001))::integer
  FROM cultuur.library l CROSS JOIN generate_series(2024, 2025) y ORDER BY l.id, y;

INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates) VALUES
    ('ebooks',  daterange('2022-01-01', NULL), 838.54, '0.1645', '{0.1240,0.0827,0.0413,0.0413}'),
    ('film-1B', daterange('2022-10-01', NULL), 0, '6.79; >1000: 6.11; >2000: 5.43', '{}'),
    ('film-2A', daterange('2022-10-01', NULL), 0, '0.015; >500000: 0.015; >1000000: 0.0121', '{}');
INSERT INTO cultuur.framework (service, starts_on, ends_on, max_extensions)
SELECT code, '2022-10-01', '2032-12-31', 0 FROM cultuur.service WHERE code IN ('film-1B', 'film-2A');

-- e-books indexed from 2026 for one library in three; basis 80 % for one in five
INSERT INTO cultuur.contract (library_id, service, signed_on, starts_on, initial_end, basis_pct, index_from)
SELECT l.id, s.service, '2024-12-01', '2025-01-01',
       CASE WHEN s.service = 'ebooks' THEN date '2026-09-15' END,
       CASE WHEN l.id % 5 = 0 THEN 80 ELSE 100 END,
       CASE WHEN s.service = 'ebooks' AND l.id % 3 = 0 THEN 2026 END
  FROM cultuur.library l
 CROSS JOIN (VALUES ('ebooks'), ('film-2A'), ('film-1B')) s (service)
 ORDER BY l.id, s.service;

-- lot 1B: 5-35 unique users a month per library, each starting one film
-- on a day of the month
SELECT clock_timestamp() AS t0 \gset
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at)
SELECT u.library_id, md5(format('%s-%s', u.library_id, g)), 'film-1B', 'film_started',
       u.month + make_interval(days => (g * 7) % 28, hours => 10 + g % 10)
  FROM (SELECT l.id AS library_id, m::date AS month, 5 + floor(random() * 31)::integer AS users
          FROM cultuur.library l
         CROSS JOIN generate_series('2025-01-01'::date, '2026-06-01'::date, interval '1 month') m) u
 CROSS JOIN LATERAL generate_series(1, u.users) g
 ORDER BY 5;
SELECT format('data: %s contracts, %s lot 1B events loaded in %s s',
              (SELECT count(*) FROM cultuur.contract), (SELECT count(*) FROM cultuur.usage_event),
              round(extract(epoch FROM clock_timestamp() - :'t0'::timestamptz)::numeric, 1));
ANALYZE;

-- ---------------------------------------------------------------------
-- Timing
-- ---------------------------------------------------------------------
CREATE TEMP TABLE timing (name text, invoices bigint, total numeric, best_ms numeric, all_ms text);
SELECT set_config('bench.reps', :'reps', false), set_config('bench.preview', (:libs <= :preview_max)::text, false) \g /dev/null

-- Each figure: the best of reps runs, each in a transaction rolled back,
-- then one more run that is kept (the quarter run needs the May run's
-- invoices).  A DO block may end transactions: ROLLBACK keeps its
-- variables, so the timings survive.
DO $$
DECLARE
    names text[] := ARRAY['preview (0.1 way): May', 'run_invoicing: May',
                          'preview (0.1 way): quarter', 'run_invoicing: quarter'];
    days  date[] := ARRAY['2026-05-01', '2026-05-01', '2026-08-01', '2026-08-01'];
    k     record;
    reps  integer := current_setting('bench.reps')::integer;
    t0    timestamptz;
    ms    numeric;
    best  numeric;
    runs  text;
    n     bigint;
    tot   numeric;
    res   text[] := '{}';
BEGIN
    -- (over an array, not a query: a loop over a query may not roll back)
    FOR j IN 1 .. 4 LOOP
        SELECT names[j] AS name, days[j] AS day, j % 2 = 0 AS keep INTO k;
        CONTINUE WHEN NOT k.keep AND NOT current_setting('bench.preview')::boolean;
        best := NULL;
        runs := '';
        FOR r IN 1 .. CASE WHEN k.keep THEN reps + 1 ELSE reps END LOOP
            t0 := clock_timestamp();
            IF k.keep THEN
                SELECT count(*), coalesce(sum(i.total), 0) INTO n, tot FROM cultuur.run_invoicing(k.day) i;
            ELSE
                -- one preview per due invoice: what the run of 0.1 did
                SELECT count(DISTINCT (x.contract_id, x.period)), coalesce(sum(p.amount), 0) INTO n, tot
                  FROM cultuur.invoices_due(k.day) x
                 CROSS JOIN LATERAL cultuur.invoice_preview(x.contract_id, x.kind, x.period) p;
            END IF;
            ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
            best := least(best, ms);
            runs := runs || CASE WHEN runs = '' THEN '' ELSE ' ' END || round(ms)::text;
            IF k.keep AND r = reps + 1 THEN
                COMMIT;
            ELSE
                ROLLBACK;
            END IF;
        END LOOP;
        res := res || ARRAY[k.name, n::text, tot::text, best::text, runs];
        RAISE NOTICE '%: % invoices, % in total, best % ms (runs: % ms)', k.name, n, tot, round(best), runs;
    END LOOP;
    INSERT INTO timing
    SELECT res[i], res[i + 1]::bigint, res[i + 2]::numeric, res[i + 3]::numeric, res[i + 4]
      FROM generate_series(1, coalesce(array_length(res, 1), 0), 5) i;
END;
$$;

-- Late usage (the normal case: the platforms send usage in batches): one
-- library in ten reports 5 more members for May 2026, after the second
-- quarter was invoiced.  The run corrects them (a supplementary invoice
-- each, 5 x 5.43 = 27.15), from the months the facts noted; side by side
-- (when libs <= preview_max), what one writes without those notes: every
-- issued invoice previewed again and compared with what was issued.
-- (the statistics of the invoices just issued, as autovacuum keeps them)
ANALYZE cultuur.invoice, cultuur.invoice_line, cultuur.invoice_recheck;
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at)
SELECT l.id, md5(format('%s-late-%s', l.id, g)), 'film-1B', 'film_started', timestamptz '2026-05-20 19:00+02'
  FROM cultuur.library l CROSS JOIN generate_series(1, 5) g
 WHERE l.id % 10 = 0;
DO $$
DECLARE
    reps  integer := current_setting('bench.reps')::integer;
    t0    timestamptz;
    ms    numeric;
    best  numeric;
    runs  text;
    n     bigint;
    tot   numeric;
    res   text[] := '{}';
BEGIN
    IF current_setting('bench.preview')::boolean THEN
        best := NULL;
        runs := '';
        FOR r IN 1 .. reps LOOP
            t0 := clock_timestamp();
            SELECT count(*), coalesce(sum(x.due - x.issued), 0) INTO n, tot
              FROM (SELECT i.id, i.total + coalesce((SELECT sum(k.total) FROM cultuur.invoice_correction ic
                                                      JOIN cultuur.invoice k ON k.id = ic.invoice_id
                                                     WHERE ic.corrects = i.id), 0) AS issued,
                           (SELECT sum(p.amount) FROM cultuur.invoice_preview(i.contract_id, i.kind, i.period) p) AS due
                      FROM cultuur.invoice i WHERE i.kind IN ('ebooks_year', 'film_quarter')) x
             WHERE x.due <> x.issued;
            ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
            best := least(best, ms);
            runs := runs || CASE WHEN runs = '' THEN '' ELSE ' ' END || round(ms)::text;
            ROLLBACK;
        END LOOP;
        res := res || ARRAY['preview (0.1 way): late usage', n::text, tot::text, best::text, runs];
    END IF;
    best := NULL;
    runs := '';
    FOR r IN 1 .. reps + 1 LOOP
        t0 := clock_timestamp();
        SELECT count(*), coalesce(sum(i.total), 0) INTO n, tot FROM cultuur.run_invoicing('2026-08-02') i;
        ms := extract(epoch FROM clock_timestamp() - t0) * 1000;
        best := least(best, ms);
        runs := runs || CASE WHEN runs = '' THEN '' ELSE ' ' END || round(ms)::text;
        IF r = reps + 1 THEN
            COMMIT;
        ELSE
            ROLLBACK;
        END IF;
    END LOOP;
    res := res || ARRAY['run_invoicing: late usage', n::text, tot::text, best::text, runs];
    INSERT INTO timing
    SELECT res[i], res[i + 1]::bigint, res[i + 2]::numeric, res[i + 3]::numeric, res[i + 4]
      FROM generate_series(1, array_length(res, 1), 5) i;
END;
$$;

-- the two ways agree: the preview's sums are what the run issued
SELECT format('CHECK %s: preview %s, run %s: %s', w.w, p.total, r.total,
              CASE WHEN p.total = r.total AND p.invoices = r.invoices THEN 'equal' ELSE 'DIFFERENT' END)
  FROM (VALUES ('May'), ('quarter'), ('late usage')) w (w)
  JOIN timing p ON p.name = 'preview (0.1 way): ' || w.w
  JOIN timing r ON r.name = 'run_invoicing: ' || w.w;
SELECT format('RESULT %s|%s|%s|%s|%s', name, invoices, total, round(best_ms, 1), all_ms) FROM timing ORDER BY name;
