-- ---------------------------------------------------------------------
-- Layer 5, API: budget projection and variance, and reconciliation with
-- quoted amounts (doc/rules.md §9).
-- ---------------------------------------------------------------------

CREATE FUNCTION cultuur.budget_projection(from_year integer, to_year integer)
    RETURNS TABLE (library_id integer, library text, year integer, service text,
                   contract_id integer, invoiced cultuur.amount, projected cultuur.amount,
                   source text)
    LANGUAGE sql STABLE PARALLEL SAFE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_year('from_year', $1), cultuur.check_year('to_year', $2);
WITH years AS (
    SELECT c.id AS contract_id, c.library_id, c.service, c.active, c.starts_on, c.basis_pct,
           c.prorata_rule, c.index_from, s.price_model, s.index_series, s.kind, y AS year,
           daterange(make_date(y, 1, 1), make_date(y + 1, 1, 1)) AS period,
           -- the January the year is indexed to, as fee_detail has it
           -- (film: the renewal term in force when the year starts)
           cultuur.index_month(s.renewal, c.index_from, c.starts_on, y,
                               cultuur.renewal_start_on(c.id, greatest(make_date(y, 1, 1), c.starts_on)))
               AS index_month
      FROM cultuur.contract c
      JOIN cultuur.service s ON s.code = c.service
     CROSS JOIN generate_series($1, $2) y
     WHERE c.active && daterange(make_date(y, 1, 1), make_date(y + 1, 1, 1))
), inv AS (
    SELECT i.contract_id, extract(year FROM lower(i.period))::integer AS year, sum(i.total) AS total,
           count(*) FILTER (WHERE i.kind <> 'credit_note') AS n
      FROM cultuur.invoice i GROUP BY 1, 2
), fee AS (
    SELECT f.contract_id, f.year, f.fee, f.yearly_amount, f.indexed_amount, f.base_index,
           f.year_index, f.fixed_fee, f.tiers, f.tier_volume
      FROM cultuur.fee_detail($1, $2) f
), est AS (
    -- per inhabitant, when a factor of the fee is not published yet:
    -- latest count grown by the assumption, latest January index grown too
    SELECT y.contract_id, y.year,
           (SELECT p.inhabitants * power(1 + coalesce(a.inhabitant_growth_pct, 0) / 100, (y.year - 1 - p.count_year))
              FROM cultuur.latest_population(y.library_id, y.year - 1) p) AS inhabitants,
           -- the consortium's tier volume estimated the same way: every
           -- library with a contract for the service that year, once, its
           -- latest count grown by its own assumption (doc/rules.md §3: the tier is
           -- chosen by the consortium-wide volume, not by one library)
           (SELECT sum((SELECT p.inhabitants * power(1 + coalesce(a2.inhabitant_growth_pct, 0) / 100, (y.year - 1 - p.count_year))
                          FROM cultuur.latest_population(l2.library_id, y.year - 1) p))
              FROM (SELECT DISTINCT c2.library_id FROM cultuur.contract c2
                     WHERE c2.service = y.service AND c2.active && y.period) l2
              LEFT JOIN cultuur.budget_assumption a2
                     ON a2.library_id = l2.library_id AND a2.year = y.year AND a2.service = y.service) AS tier_volume,
           CASE WHEN y.index_month IS NOT NULL
                THEN (SELECT pi.value * power(1 + coalesce(a.index_growth_pct, 0) / 100,
                                              extract(year FROM y.index_month) - extract(year FROM pi.month))
                        FROM cultuur.price_index pi
                       WHERE pi.series = y.index_series AND pi.base = cultuur.index_base()
                         AND extract(month FROM pi.month) = 1 AND pi.month <= y.index_month
                       ORDER BY pi.month DESC LIMIT 1)
                     / cultuur.index_value(y.index_series, make_date(extract(year FROM y.starts_on)::integer, 1, 1))
                ELSE 1 END AS index_factor,
           a.users_per_month, a.consortium_users_per_month
      FROM years y
      LEFT JOIN cultuur.budget_assumption a
             ON a.library_id = y.library_id AND a.year = y.year AND a.service = y.service
)
SELECT r.library_id, r.library, r.year, r.service, r.contract_id,
       r.invoiced::cultuur.amount, r.projected::cultuur.amount,
       CASE WHEN r.projected <> 0 THEN r.source
            WHEN r.source LIKE 'invoices%' THEN 'invoices'
            ELSE 'nothing billed' END
  FROM (
SELECT y.library_id, l.name, y.year, y.service, y.contract_id,
       coalesce(inv.total, 0.00),
       CASE WHEN inv.n > 0 AND y.price_model = 'per_inhabitant' AND y.kind = 'ebooks' THEN 0.00
            WHEN y.price_model = 'per_inhabitant' AND y.kind = 'ebooks' THEN
                coalesce(f.fee, cultuur.prorate(e.yearly_amount, y.active, y.period, y.prorata_rule))
            WHEN y.price_model = 'per_inhabitant' THEN
                -- film: a quarter of the yearly fee for every quarter in
                -- force that is not invoiced yet, as invoice_preview bills
                -- it (credit notes on an issued quarter bring nothing back)
                (SELECT coalesce(sum(cultuur.prorate(coalesce(f.indexed_amount, e.yearly_amount) * 0.25,
                                                     y.active, q.period, y.prorata_rule)),
                                 CASE WHEN count(*) = 0 THEN 0.00 END)
                   FROM generate_series(1, 10, 3) m
                  CROSS JOIN LATERAL (SELECT daterange(make_date(y.year, m, 1),
                                                       (make_date(y.year, m, 1) + interval '3 months')::date) AS period) q
                  WHERE y.active && q.period
                    AND NOT EXISTS (SELECT 1 FROM cultuur.invoice i
                                     WHERE i.contract_id = y.contract_id AND i.kind = 'film_quarter'
                                       AND i.period = q.period))
            ELSE
                round(coalesce(e.users_per_month, 0)
                      * cultuur.tier_price(t.tiers, coalesce(e.consortium_users_per_month, e.users_per_month, 0))
                      * (SELECT count(*) FROM cultuur.months_in_force(y.active, y.period) g
                          WHERE NOT EXISTS (SELECT 1 FROM cultuur.invoice i
                                             WHERE i.contract_id = y.contract_id AND i.kind = 'film_quarter'
                                               AND i.period @> g))
                      * e.index_factor, 2)
       END,
       CASE WHEN inv.n > 0 THEN 'invoices' ELSE '' END
       || CASE WHEN inv.n > 0 AND y.price_model = 'per_inhabitant' AND y.kind = 'ebooks' THEN ''
               WHEN y.price_model = 'per_inhabitant' AND f.fee IS NOT NULL THEN
                    CASE WHEN inv.n > 0 THEN ' + ' ELSE '' END || 'contract rules'
               ELSE CASE WHEN inv.n > 0 THEN ' + ' ELSE '' END || 'assumptions' END
  FROM years y
  JOIN cultuur.library l ON l.id = y.library_id
  LEFT JOIN inv ON inv.contract_id = y.contract_id AND inv.year = y.year
  LEFT JOIN fee f ON f.contract_id = y.contract_id AND f.year = y.year
  LEFT JOIN LATERAL (
      -- the yearly amount (index included, before pro rata) from the
      -- estimates, used where fee_detail cannot compute it yet
      SELECT e0.*, round((f.fixed_fee + cultuur.volume_charge(f.tiers,
                                             e0.inhabitants * y.basis_pct * 0.01,
                                             coalesce(f.tier_volume, e0.tier_volume, e0.inhabitants)))
                         * e0.index_factor, 2) AS yearly_amount
        FROM est e0 WHERE e0.contract_id = y.contract_id AND e0.year = y.year) e ON true
  LEFT JOIN cultuur.tariff t ON t.service = y.service AND t.valid @> greatest(make_date(y.year, 1, 1), y.starts_on)
) r (library_id, library, year, service, contract_id, invoiced, projected, source)
 ORDER BY r.library_id, r.year, r.service
$$;
COMMENT ON FUNCTION cultuur.budget_projection(integer, integer) IS 'Cost per municipality, budget year (the year the service is used) and contract: what was invoiced, plus the projected rest from the contract rules, or from the budget assumptions where usage or published figures are not known yet.';

CREATE FUNCTION cultuur.budget_variance(from_year integer, to_year integer)
    RETURNS TABLE (library_id integer, library text, year integer, invoiced cultuur.amount,
                   projected cultuur.amount, expected_total cultuur.amount, approved cultuur.amount,
                   variance cultuur.amount)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_year('from_year', $1), cultuur.check_year('to_year', $2);
SELECT l.id, l.name, y, coalesce(p.invoiced, 0.00)::cultuur.amount, coalesce(p.projected, 0.00)::cultuur.amount,
       (coalesce(p.invoiced, 0.00) + coalesce(p.projected, 0.00))::cultuur.amount,
       b.amount::cultuur.amount,
       (b.amount - (coalesce(p.invoiced, 0.00) + coalesce(p.projected, 0.00)))::cultuur.amount
  FROM cultuur.library l
 CROSS JOIN generate_series($1, $2) y
  LEFT JOIN (SELECT bp.library_id, bp.year, sum(bp.invoiced) AS invoiced, sum(bp.projected) AS projected
               FROM cultuur.budget_projection($1, $2) bp GROUP BY 1, 2) p
         ON p.library_id = l.id AND p.year = y
  LEFT JOIN cultuur.budget_approved b ON b.library_id = l.id AND b.year = y
 WHERE p.library_id IS NOT NULL OR b.library_id IS NOT NULL
 ORDER BY l.id, y
$$;
COMMENT ON FUNCTION cultuur.budget_variance(integer, integer) IS 'Per municipality and budget year: invoiced, projected, expected total, the council''s approved budget and the variance (approved minus expected; negative means over budget).';

CREATE VIEW cultuur.reconciliation AS
SELECT q.id, q.contract_id, c.service, q.year, q.what, q.source, q.quoted,
       x.computed::numeric(14,2) AS computed,
       (q.quoted - x.computed)::numeric(14,2) AS difference
  FROM cultuur.quoted_amount q
  JOIN cultuur.contract c ON c.id = q.contract_id
  LEFT JOIN LATERAL (SELECT * FROM cultuur.fee_detail(q.year, q.year) fd WHERE fd.contract_id = q.contract_id) f ON true
 CROSS JOIN LATERAL (
      SELECT CASE q.what WHEN 'yearly_amount' THEN f.yearly_amount
                         WHEN 'fee' THEN f.fee
                         ELSE (SELECT pg_catalog.sum(i.total) FROM cultuur.invoice i
                                WHERE i.contract_id = q.contract_id
                                  AND extract(year FROM pg_catalog.lower(i.period)) = q.year) END AS computed) x;
COMMENT ON VIEW cultuur.reconciliation IS 'Each quoted amount beside the amount the contract rules give, with the difference (quoted minus computed).';
