-- cultuur usage and invoicing benchmark, part 2: do the two ways agree,
-- and the figures.  Run by bench/usage.sql.

\echo
\echo == Do they agree?
-- the incremental counts against COUNT(DISTINCT) over the raw events, per
-- library, lot and month and per lot and month; the issued invoices against
-- the amounts computed from the raw events; and the tables loaded
CREATE TEMP TABLE agreement AS
SELECT
    (SELECT count(*) FROM cultuur.monthly_usage m
       FULL JOIN bench.base_users b USING (library_id, service, month)
      WHERE m.unique_users IS DISTINCT FROM b.users) AS users_differing,
    (SELECT count(*) FROM bench.base_users) AS users_rows,
    (SELECT count(*) FROM cultuur.consortium_usage c
       FULL JOIN bench.base_volume b USING (service, month)
      WHERE c.unique_users IS DISTINCT FROM b.users) AS volume_differing,
    (SELECT count(*) FROM bench.base_volume) AS volume_rows,
    (SELECT count(*) FROM (SELECT * FROM cultuur.invoice WHERE kind = 'film_quarter') i
       FULL JOIN bench.base_invoice b USING (contract_id, period)
      WHERE i.total IS DISTINCT FROM b.total) AS invoices_differing,
    (SELECT count(*) FROM cultuur.invoice WHERE kind = 'film_quarter') AS invoices,
    (SELECT count(*) FROM (SELECT quarter FROM bench.invoicing GROUP BY quarter
                            HAVING count(DISTINCT (invoices, total)) > 1) q) AS quarters_differing,
    (SELECT count(*) FROM cultuur.usage_event) AS counting_rows,
    (SELECT count(*) FROM bench.plain) AS plain_rows,
    (SELECT sum(rows) FROM bench.month) AS file_rows,
    (SELECT sum(rows) FROM bench.ingest WHERE how = 'per month' AND target = 'plain') AS plain_expected,
    (SELECT count(*) FROM bench.ingest i JOIN bench.month m ON to_char(m.month, 'YYYY-MM') = i.label
      WHERE i.rows <> m.rows) AS copies_short;
SELECT format('unique users per library, lot and month: %s rows, %s differing; per lot and month: %s rows, %s differing',
              users_rows, users_differing, volume_rows, volume_differing) FROM agreement;
SELECT format('invoices: %s issued, %s differing from COUNT(DISTINCT); quarters whose three totals differ: %s',
              invoices, invoices_differing, quarters_differing) FROM agreement;
SELECT format('rows loaded: %s into cultuur.usage_event, %s into bench.plain (of %s loaded there), %s in the files; COPYs short of their file: %s',
              counting_rows, plain_rows, plain_expected, file_rows, copies_short) FROM agreement;
SELECT format('per quarter (invoices, total): %s',
              string_agg(format('%s: %s, %s', to_char(quarter, 'YYYY "Q"Q'), invoices,
                                to_char(total, 'FM999G999G999D00')), '; ' ORDER BY quarter))
  FROM bench.invoicing WHERE what = 'run_invoicing';
SELECT 'results agree: ' ||
       CASE WHEN users_differing = 0 AND volume_differing = 0 AND invoices_differing = 0
                 AND quarters_differing = 0 AND users_rows > 0 AND invoices > 0
                 AND counting_rows = file_rows AND plain_rows = plain_expected AND copies_short = 0
            THEN 'yes' ELSE 'no' END AS usage_verdict
  FROM agreement \gset
\echo :usage_verdict

-- ---------------------------------------------------------------------
-- Ingestion figures
-- ---------------------------------------------------------------------
-- the plain table may have been loaded with some months only: the ratio
-- that counts compares the two tables on the same files (paired months)
CREATE TEMP TABLE ingest_figures AS
WITH paired AS (
    SELECT c.label, p.rows, p.ms AS plain_ms, c.ms AS counting_ms
      FROM bench.ingest p JOIN bench.ingest c
        ON c.how = 'per month' AND p.how = 'per month' AND c.label = p.label
       AND p.target = 'plain' AND c.target = 'counting'
), t AS (
    SELECT 1 AS o, 'plain' AS target, 'per month' AS how, 'months loaded into both' AS which,
           count(*) AS copies, sum(rows) AS rows, sum(plain_ms) AS ms
      FROM paired
    UNION ALL
    SELECT 2, 'counting', 'per month', 'months loaded into both', count(*), sum(rows), sum(counting_ms)
      FROM paired
    UNION ALL
    SELECT 3, 'counting', 'per month', 'all months', count(*), sum(rows), sum(ms)
      FROM bench.ingest WHERE how = 'per month' AND target = 'counting'
    HAVING count(*) > (SELECT count(*) FROM paired)
    UNION ALL
    SELECT 4, 'counting', 'one COPY', 'all months', count(*), sum(rows), sum(ms)
      FROM bench.ingest WHERE how = 'one COPY' AND target = 'counting'
    HAVING count(*) > 0
), ratios AS (
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY plain_ms / counting_ms) AS med_ratio,
           min(plain_ms / counting_ms) AS min_ratio, max(plain_ms / counting_ms) AS max_ratio
      FROM paired
)
SELECT t.*, t.rows / (t.ms / 1000) AS rate,
       (t.rows / (t.ms / 1000)) / (pl.rows / (pl.ms / 1000)) AS vs_plain,
       r.med_ratio, r.min_ratio, r.max_ratio
  FROM t
 CROSS JOIN (SELECT * FROM t WHERE o = 1) pl
 CROSS JOIN ratios r;

\echo
\echo == Ingestion: rows/s = rows / time of the COPYs (the trigger included, the commit not);
\echo == "rate / plain" = rate / rate of the plain table (row 1); on the same files: median of the per-file ratios in brackets
SELECT '| COPY into | load | files | COPYs | rows | s | rows/s | rate / plain |'
UNION ALL SELECT '|---|---|---|--:|--:|--:|--:|--:|'
UNION ALL
(SELECT format('| %s | %s | %s | %s | %s | %s | %s | %s |',
               CASE target WHEN 'counting' THEN 'cultuur.usage_event (trigger counts unique users)'
                           ELSE 'plain table: same constraints, index, foreign keys; no trigger' END,
               how, which, copies, rows, round((ms / 1000)::numeric, 1), round(rate),
               CASE WHEN o = 1 THEN '1.00'
                    WHEN o = 2 THEN format('%s [%s]', to_char(vs_plain, 'FM990.00'), to_char(med_ratio, 'FM990.00'))
                    ELSE to_char(vs_plain, 'FM990.00') END)
   FROM ingest_figures ORDER BY o);

-- ---------------------------------------------------------------------
-- Invoicing figures
-- ---------------------------------------------------------------------
CREATE TEMP TABLE inv_figures AS
SELECT quarter,
       max(invoices) FILTER (WHERE what = 'run_invoicing') AS invoices,
       max(ms) FILTER (WHERE what = 'run_invoicing') AS run_ms,
       max(ms) FILTER (WHERE what = 'preview only') AS preview_ms,
       max(ms) FILTER (WHERE what = 'COUNT(DISTINCT)') AS distinct_ms
  FROM bench.invoicing GROUP BY quarter;

\echo
\echo == Invoicing a quarter: ms of each way; "COUNT(DISTINCT) / run_invoicing" = how many times faster run_invoicing is
SELECT '| quarter | invoices | run_invoicing ms | invoice_preview only ms | COUNT(DISTINCT) ms | COUNT(DISTINCT) / run_invoicing |'
UNION ALL SELECT '|---|--:|--:|--:|--:|--:|'
UNION ALL
(SELECT format('| %s | %s | %s | %s | %s | %s× |', to_char(quarter, 'YYYY "Q"Q'), invoices,
               round(run_ms::numeric), round(preview_ms::numeric), round(distinct_ms::numeric),
               to_char(distinct_ms / run_ms, 'FM990.00'))
   FROM inv_figures ORDER BY quarter)
UNION ALL
SELECT format('| median | %s | %s | %s | %s | %s× |',
              percentile_cont(0.5) WITHIN GROUP (ORDER BY invoices),
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY run_ms)::numeric),
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY preview_ms)::numeric),
              round(percentile_cont(0.5) WITHIN GROUP (ORDER BY distinct_ms)::numeric),
              to_char(percentile_cont(0.5) WITHIN GROUP (ORDER BY distinct_ms / run_ms), 'FM990.00'))
  FROM inv_figures;

\echo
\echo == Targets
SELECT format('ingestion: counting / plain rate = %s over %s COPYs of the same files (per-file median %s, range %s-%s)  (target >= 0.5: %s)',
              to_char(vs_plain, 'FM990.00'), copies, to_char(med_ratio, 'FM990.00'),
              to_char(min_ratio, 'FM990.00'), to_char(max_ratio, 'FM990.00'),
              CASE WHEN vs_plain >= 0.5 THEN 'met' ELSE 'MISSED' END)
  FROM ingest_figures WHERE o = 2;
SELECT format('one COPY of all %s rows into the counting table: %s s against %s s in %s COPYs of a month: %s',
              s.rows, round((s.ms / 1000)::numeric, 1), round((m.ms / 1000)::numeric, 1), m.copies,
              CASE WHEN s.ms <= m.ms THEN format('%s× faster', to_char(m.ms / s.ms, 'FM990.00'))
                   ELSE format('%s× slower', to_char(s.ms / m.ms, 'FM990.00')) END)
  FROM ingest_figures s,
       LATERAL (SELECT count(*) AS copies, sum(ms) AS ms FROM bench.ingest
                 WHERE how = 'per month' AND target = 'counting') m
 WHERE s.o = 4;
SELECT format('invoicing a quarter: COUNT(DISTINCT) / run_invoicing = %s (median of %s quarters; range %s-%s)  (target >= 20: %s)',
              to_char(percentile_cont(0.5) WITHIN GROUP (ORDER BY distinct_ms / run_ms), 'FM990.00'), count(*),
              to_char(min(distinct_ms / run_ms), 'FM990.00'), to_char(max(distinct_ms / run_ms), 'FM990.00'),
              CASE WHEN percentile_cont(0.5) WITHIN GROUP (ORDER BY distinct_ms / run_ms) >= 20 THEN 'met' ELSE 'MISSED' END)
  FROM inv_figures;
\echo :usage_verdict
