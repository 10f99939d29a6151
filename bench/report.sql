-- cultuur benchmark, part 3: do the alternatives give the same answers,
-- and the figures.
SET search_path = cultuur_bench, public;

\echo
\echo == Do the alternatives agree with cultuur?
-- 1. the totals of every timed run, per group
-- 2. row by row (one more pass, not timed)
CREATE TEMP TABLE row_check AS
SELECT
    count(*) FILTER (WHERE
        round(units * CASE WHEN vol > 2000 THEN 5.43 WHEN vol > 1000 THEN 6.11
                           ELSE 6.79 END, 2)
          IS DISTINCT FROM cultuur.volume_charge('6.79; >1000: 6.11; >2000: 5.43', units, vol)
     OR volume_charge_plpgsql('{1000,2000}', '{6.79,6.11,5.43}', units, vol)
          IS DISTINCT FROM cultuur.volume_charge('6.79; >1000: 6.11; >2000: 5.43', units, vol))
      AS volume,
    count(*) FILTER (WHERE
        round(least(units, 1000) * 6.79 + least(greatest(units - 1000, 0), 1000) * 6.11
              + greatest(units - 2000, 0) * 5.43, 2)
          IS DISTINCT FROM cultuur.graduated_charge('6.79; >1000: 6.11; >2000: 5.43', units)
     OR graduated_charge_plpgsql('{1000,2000}', '{6.79,6.11,5.43}', units)
          IS DISTINCT FROM cultuur.graduated_charge('6.79; >1000: 6.11; >2000: 5.43', units))
      AS graduated,
    count(*) FILTER (WHERE
        round(amount * greatest(0,
             (extract(year  FROM least(coalesce(ends_on, date '2023-01-01'), date '2023-01-01') - 1) * 12
            + extract(month FROM least(coalesce(ends_on, date '2023-01-01'), date '2023-01-01') - 1))
           - (extract(year  FROM greatest(starts_on, date '2022-01-01')) * 12
            + extract(month FROM greatest(starts_on, date '2022-01-01'))) + 1) / 12, 2)
          IS DISTINCT FROM cultuur.prorate(amount, active, daterange('2022-01-01', '2023-01-01'))
     OR prorate_plpgsql(amount, starts_on, ends_on, date '2022-01-01', date '2023-01-01')
          IS DISTINCT FROM cultuur.prorate(amount, active, daterange('2022-01-01', '2023-01-01'))
     OR cultuur.prorate(amount, daterange(starts_on, ends_on), daterange('2022-01-01', '2023-01-01'))
          IS DISTINCT FROM cultuur.prorate(amount, active, daterange('2022-01-01', '2023-01-01')))
      AS prorate
FROM charges;

CREATE TEMP TABLE agreement AS
WITH totals AS (
    SELECT c.grp, min(c.id) AS first_id,
           count(DISTINCT t.result) AS distinct_totals,
           min(t.result) AS total,
           string_agg(DISTINCT c.kind, ', ') AS kinds
    FROM cases c JOIN timings t ON t.case_id = c.id
    WHERE c.grp <> 'scan'
    GROUP BY c.grp
)
SELECT t.grp, t.first_id, t.kinds, t.total, t.distinct_totals,
       CASE t.grp WHEN 'volume' THEN r.volume
                  WHEN 'graduated' THEN r.graduated
                  ELSE r.prorate END AS rows_differing
FROM totals t CROSS JOIN row_check r;

SELECT format('%-9s  %s: %s  rows differing: %s  -> %s',
              grp,
              CASE WHEN distinct_totals = 1 THEN 'every run of ' || kinds || ' totals'
                   ELSE 'DIFFERENT totals (' || distinct_totals || ') among ' || kinds END,
              total, rows_differing,
              CASE WHEN distinct_totals = 1 AND rows_differing = 0 THEN 'agree' ELSE 'DISAGREE' END)
FROM agreement ORDER BY first_id;

SELECT 'results agree: ' ||
       CASE WHEN bool_and(distinct_totals = 1 AND rows_differing = 0) THEN 'yes' ELSE 'no' END
       AS verdict
FROM agreement \gset
\echo :verdict

-- ---------------------------------------------------------------------
-- Figures: median (and best) of the runs, ratios of the medians.
-- ---------------------------------------------------------------------
CREATE TEMP TABLE figures AS
WITH per_case AS (
    SELECT c.id, c.grp, c.kind, c.name, count(*) AS runs,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY t.ms) AS med,
           min(t.ms) AS best
    FROM cases c JOIN timings t ON t.case_id = c.id
    GROUP BY c.id, c.grp, c.kind, c.name
)
SELECT p.*,
       p.med - s.med AS net,
       p.med / q.med AS vs_sql,
       pl.med / p.med AS plpgsql_vs
FROM per_case p
CROSS JOIN (SELECT med FROM per_case WHERE kind = 'scan') s
LEFT JOIN per_case q ON q.grp = p.grp AND q.kind = 'sql'
LEFT JOIN per_case pl ON pl.grp = p.grp AND pl.kind = 'plpgsql';

\echo
\echo == Figures: ms = median over the runs of one SELECT sum(...) over all rows;
\echo == "time / SQL" = ms / ms of the plain SQL expression, "PL/pgSQL / time" = how many times faster than PL/pgSQL
SELECT '| test | runs | ms | best ms | ms above scan | time / SQL | PL/pgSQL / time |'
UNION ALL SELECT '|---|--:|--:|--:|--:|--:|--:|'
UNION ALL
(SELECT format('| %s | %s | %s | %s | %s | %s | %s |', name, runs,
               round(med::numeric, 0), round(best::numeric, 0),
               CASE WHEN kind = 'scan' THEN '' ELSE round(net::numeric, 0)::text END,
               coalesce(to_char(vs_sql, 'FM990.00') || '×', ''),
               coalesce(to_char(plpgsql_vs, 'FM990.0') || '×', ''))
 FROM figures ORDER BY id);

\echo
\echo == Targets (ratios of the medians; of the best runs in brackets)
SELECT format('volume_charge / inline SQL = %s [%s]  (target <= 1.25: %s)',
              to_char(c.med / q.med, 'FM990.00'), to_char(c.best / q.best, 'FM990.00'),
              CASE WHEN c.med / q.med <= 1.25 THEN 'met' ELSE 'MISSED' END)
FROM figures c, figures q
WHERE c.grp = 'volume' AND c.kind = 'cultuur' AND q.grp = 'volume' AND q.kind = 'sql'
UNION ALL
SELECT format('PL/pgSQL / volume_charge   = %s [%s]  (target >= 4:    %s)',
              to_char(pl.med / c.med, 'FM990.00'), to_char(pl.best / c.best, 'FM990.00'),
              CASE WHEN pl.med / c.med >= 4 THEN 'met' ELSE 'MISSED' END)
FROM figures c, figures pl
WHERE c.grp = 'volume' AND c.kind = 'cultuur' AND pl.grp = 'volume' AND pl.kind = 'plpgsql'
UNION ALL
SELECT format('net of the scan, volume_charge / inline SQL = %s [%s]',
              to_char(c.net / q.net, 'FM990.00'),
              to_char((c.best - s.best) / (q.best - s.best), 'FM990.00'))
FROM figures c, figures q, figures s
WHERE c.grp = 'volume' AND c.kind = 'cultuur' AND q.grp = 'volume' AND q.kind = 'sql'
  AND s.kind = 'scan';
\echo :verdict
