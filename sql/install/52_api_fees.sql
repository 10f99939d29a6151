-- ---------------------------------------------------------------------
-- Layer 5, API: fees per contract and calendar year with every factor
-- shown (doc/rules.md §2-5).
-- ---------------------------------------------------------------------

CREATE FUNCTION cultuur.fee_detail(from_year integer, to_year integer)
    RETURNS TABLE (
        contract_id     integer,
        library_id      integer,
        service         text,
        year            integer,
        period          daterange,
        active          daterange,
        tariff_id       integer,
        fixed_fee       cultuur.amount,
        tiers           cultuur.tiers,
        population_year integer,
        inhabitants     integer,
        basis_pct       numeric,
        basis           numeric,
        tier_volume     numeric,
        unit_price      cultuur.price,
        variable_part   cultuur.amount,
        yearly_amount   cultuur.amount,
        index_series    text,
        base_index      numeric,
        year_index      numeric,
        indexed_amount  cultuur.amount,
        prorata_rule    cultuur.prorata_rule,
        share           numeric,
        fee             cultuur.amount,
        note            text)
    LANGUAGE sql STABLE PARALLEL SAFE
    -- the planner's estimates (1000 years per contract) cross jit_above_cost
    -- even for a handful of contracts, and JIT compilation then costs ~2 s
    -- per call where the query itself takes milliseconds
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_year('from_year', $1), cultuur.check_year('to_year', $2);
WITH cy AS (
    -- every calendar year in which a contract is in force
    SELECT c.id, c.library_id, c.service, c.starts_on, c.basis_pct, c.prorata_rule,
           c.index_from, c.active, y AS year,
           daterange(make_date(y, 1, 1), make_date(y + 1, 1, 1)) AS period,
           s.price_model, s.index_series,
           -- the January it is indexed to: for film the renewal term in
           -- force when the year (or the contract) starts (F 8.5; an
           -- invoice of a quarter takes the term of that quarter).
           -- Computed here, once per contract and year (cy is materialized)
           cultuur.index_month(s.renewal, c.index_from, c.starts_on, y, r.starts_on) AS index_month
      FROM cultuur.contract c
      JOIN cultuur.service s ON s.code = c.service
     CROSS JOIN LATERAL generate_series(
             greatest($1, extract(year FROM lower(c.active))::integer),
             least($2, coalesce(extract(year FROM upper(c.active) - 1)::integer, $2))) y
      -- the renewal in force then (renewal_start_on, as a join)
      LEFT JOIN cultuur.renewal r
             ON r.contract_id = c.id
            AND greatest(make_date(y, 1, 1), c.starts_on) BETWEEN r.starts_on AND r.ends_on
),
pop AS (
    SELECT cy.id, cy.year, p.inhabitants
      FROM cy
      JOIN cultuur.population p ON p.library_id = cy.library_id AND p.year = cy.year - 1
),
volume AS (
    -- consortium-wide tier volume: inhabitants of every library with a
    -- contract for the service in force that year, each library once (two
    -- successive contracts in one year do not count it twice); missing
    -- counts how many of those libraries have no count entered
    SELECT l.service, l.year, sum(l.inhabitants) AS inhabitants,
           count(*) - count(l.inhabitants) AS missing
      FROM (SELECT DISTINCT cy.service, cy.year, cy.library_id, pop.inhabitants
              FROM cy LEFT JOIN pop ON pop.id = cy.id AND pop.year = cy.year) l
     GROUP BY l.service, l.year
),
priced AS (
    SELECT cy.*, t.id AS tariff_id, t.fixed_fee, t.tiers,
           pop.inhabitants,
           pop.inhabitants * cy.basis_pct * 0.01 AS basis,
           -- per-user lots: the tier is chosen by each month's unique
           -- users, not by inhabitants (no yearly amount here).  With a
           -- library's count missing the volume is only a lower bound:
           -- keep it when no higher tier can change the price
           CASE WHEN cy.price_model <> 'per_inhabitant' THEN NULL
                WHEN v.missing = 0 THEN v.inhabitants
                WHEN NOT EXISTS (SELECT 1 FROM cultuur.tier_rows(t.tiers) r
                                  WHERE r.bound >= v.inhabitants
                                    AND r.price <> cultuur.tier_price(t.tiers, v.inhabitants))
                    THEN v.inhabitants END AS tier_volume,
           v.missing AS volume_missing
      FROM cy
      LEFT JOIN cultuur.tariff t
             ON t.service = cy.service
            AND t.valid @> greatest(make_date(cy.year, 1, 1), cy.starts_on)
      LEFT JOIN pop ON pop.id = cy.id AND pop.year = cy.year
      LEFT JOIN volume v ON v.service = cy.service AND v.year = cy.year
),
amounts AS MATERIALIZED (
    -- materialized: the columns below are used several times each, and
    -- the January indexes come from joins (a function per row costs more)
    SELECT p.*, p.index_month IS NOT NULL AS is_indexed,
           cultuur.tier_price(p.tiers, p.tier_volume) AS unit_price,
           cultuur.volume_charge(p.tiers, p.basis, p.tier_volume) AS variable_part,
           CASE WHEN p.index_month IS NOT NULL THEN bi.value END AS base_index,
           CASE WHEN p.index_month IS NOT NULL THEN yi.value END AS year_index
      FROM priced p
      LEFT JOIN cultuur.price_index bi
             ON p.index_month IS NOT NULL AND bi.series = p.index_series AND bi.base = cultuur.index_base()
            AND bi.month = make_date(extract(year FROM p.starts_on)::integer, 1, 1)
      LEFT JOIN cultuur.price_index yi
             ON p.index_month IS NOT NULL AND yi.series = p.index_series AND yi.base = cultuur.index_base()
            AND yi.month = p.index_month
),
raw AS (
    -- the amounts before they are given the amount type: a tariff can give
    -- an amount too large for an invoice (numeric(12,2)), and the cast
    -- would then fail for every contract; such a contract's amounts are
    -- NULL with a note instead (fits_amount)
    SELECT a.*, a.fixed_fee + a.variable_part AS yearly_raw,
           CASE WHEN NOT a.is_indexed THEN a.fixed_fee + a.variable_part
                ELSE cultuur.indexed(a.fixed_fee + a.variable_part, a.base_index, a.year_index) END
               AS indexed_raw
      FROM amounts a
),
fits AS (
    SELECT r.*, cultuur.fits_amount(r.variable_part) AS variable_fits,
           cultuur.fits_amount(r.variable_part) AND cultuur.fits_amount(r.yearly_raw) AS yearly_fits,
           cultuur.fits_amount(r.variable_part) AND cultuur.fits_amount(r.yearly_raw)
               AND cultuur.fits_amount(r.indexed_raw) AS indexed_fits
      FROM raw r
)
SELECT a.id, a.library_id, a.service, a.year, a.period, a.active, a.tariff_id,
       a.fixed_fee::cultuur.amount, a.tiers, a.year - 1, a.inhabitants, a.basis_pct, a.basis,
       a.tier_volume, a.unit_price::cultuur.price,
       CASE WHEN a.variable_fits THEN a.variable_part::cultuur.amount END,
       CASE WHEN a.yearly_fits THEN a.yearly_raw::cultuur.amount END,
       CASE WHEN a.is_indexed THEN a.index_series END,
       a.base_index, a.year_index,
       CASE WHEN a.indexed_fits THEN a.indexed_raw::cultuur.amount END,
       a.prorata_rule,
       cultuur.prorata(a.active, a.period, a.prorata_rule),
       CASE WHEN a.price_model = 'per_inhabitant' AND a.indexed_fits THEN
           cultuur.prorate(a.indexed_raw, a.active, a.period, a.prorata_rule)::cultuur.amount END,
       CASE WHEN a.price_model = 'per_user' THEN 'billed per unique user per month, from usage'
            WHEN a.tariff_id IS NULL THEN format('no tariff of %s in force in %s', a.service, a.year)
            WHEN a.inhabitants IS NULL THEN format('inhabitants on 1 January %s not entered', a.year - 1)
            WHEN a.tier_volume IS NULL
                THEN format('consortium tier volume unknown: inhabitants on 1 January %s not entered for %s other librar%s with a %s contract',
                            a.year - 1, a.volume_missing, CASE WHEN a.volume_missing = 1 THEN 'y' ELSE 'ies' END, a.service)
            WHEN a.is_indexed AND (a.base_index IS NULL OR a.year_index IS NULL)
                THEN format('%s of January %s or January %s not loaded', a.index_series,
                            extract(year FROM a.starts_on), extract(year FROM a.index_month))
            WHEN NOT a.indexed_fits
                THEN format('the %s of %s is larger than an invoice amount can be (at most 9999999999.99): check tariff %s',
                            CASE WHEN NOT a.variable_fits THEN 'variable part'
                                 WHEN NOT a.yearly_fits THEN 'yearly amount'
                                 ELSE 'indexed amount' END,
                            round(CASE WHEN NOT a.variable_fits THEN a.variable_part
                                       WHEN NOT a.yearly_fits THEN a.yearly_raw
                                       ELSE a.indexed_raw END, 2),
                            a.tariff_id)
       END
  FROM fits a
 ORDER BY a.id, a.year
$$;
COMMENT ON FUNCTION cultuur.fee_detail(integer, integer) IS 'Per contract and calendar year from from_year to to_year, every factor of its fee: tariff, inhabitants of 1 January of the previous year, basis share, consortium tier volume and unit price, yearly amount, index factor, pro-rata share and the fee. fee is NULL (with a note) when a factor is missing, when an amount is too large for an invoice (the amounts concerned are NULL too), or when the service is billed per user.';

CREATE FUNCTION cultuur.contract_fee(contract_id integer, year integer) RETURNS cultuur.amount
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_year('year', $2);
        SELECT d.fee FROM cultuur.fee_detail($2, $2) d WHERE d.contract_id = $1
    $$;
COMMENT ON FUNCTION cultuur.contract_fee(integer, integer) IS 'The fee of a contract for a calendar year (see fee_detail for its factors); NULL when the contract is not in force that year, a factor is missing, or the service is billed per user.';

CREATE VIEW cultuur.contract_fee_detail AS
SELECT l.name AS library, d.*
  FROM cultuur.fee_detail(2000, extract(year FROM current_date)::integer + 1) d
  JOIN cultuur.library l ON l.id = d.library_id;
COMMENT ON VIEW cultuur.contract_fee_detail IS 'Every contract and calendar year up to next year with every factor of its fee, so each amount can be checked by hand.';
