-- ---------------------------------------------------------------------
-- Layer 5, API: price-increase flags, contract status and deadlines
-- (doc/rules.md §6, 7).
-- ---------------------------------------------------------------------

-- Contracts whose price rises more than 10 % over their original price.
-- A view, not a table: it is derived from the price changes, tariffs and
-- populations, and so can never disagree with them (nor be lost in a dump).
CREATE VIEW cultuur.price_increase_flag AS
SELECT pc.id AS price_change_id, c.id AS contract_id, pc.notified_on, pc.effective_on,
       x.original_amount, x.new_amount,
       pg_catalog.round((x.new_amount / x.original_amount - 1) * 100, 2) AS increase_pct
  FROM cultuur.price_change pc
  JOIN cultuur.contract c ON c.service = pc.service
                         AND c.starts_on < pc.effective_on
                         AND coalesce(pg_catalog.upper(c.active), 'infinity') > pc.notified_on
  JOIN cultuur.service s ON s.code = c.service
  JOIN cultuur.tariff o ON o.service = c.service AND o.valid @> c.starts_on
  JOIN cultuur.tariff n ON n.id = pc.tariff_id
  CROSS JOIN LATERAL (
      SELECT coalesce((SELECT lp.inhabitants
                         FROM cultuur.latest_population(c.library_id,
                                  extract(year FROM pc.effective_on)::integer - 1) lp), 0)
             * c.basis_pct * 0.01 AS basis) b
  CROSS JOIN LATERAL (
      SELECT coalesce(pg_catalog.sum((SELECT lp.inhabitants
                            FROM cultuur.latest_population(c2.library_id,
                                     extract(year FROM pc.effective_on)::integer - 1) lp)), 0) AS volume
        FROM cultuur.contract c2
       WHERE c2.service = c.service AND c2.starts_on < pc.effective_on
         AND coalesce(pg_catalog.upper(c2.active), 'infinity') > pc.notified_on) v
  CROSS JOIN LATERAL (
      SELECT CASE WHEN s.price_model = 'per_user' THEN cultuur.tier_price(o.tiers, 0)
                  ELSE o.fixed_fee + cultuur.volume_charge(o.tiers, b.basis, v.volume) END AS original_amount,
             CASE WHEN s.price_model = 'per_user' THEN cultuur.tier_price(n.tiers, 0)
                  ELSE n.fixed_fee + cultuur.volume_charge(n.tiers, b.basis, v.volume) END AS new_amount) x
 WHERE x.original_amount > 0 AND x.new_amount > x.original_amount * 1.10;
COMMENT ON VIEW cultuur.price_increase_flag IS 'Every contract in force when a price change was notified whose price rises more than 10 % over its original price (the tariff at its start): per inhabitant, fixed fee + its basis at the consortium tier; per user, the first-tier price. Such contracts may terminate without exit fee (E 8.9).';

CREATE FUNCTION cultuur.contract_status(as_of date DEFAULT current_date)
    RETURNS TABLE (
        contract_id     integer,
        library         text,
        service         text,
        status          text,
        term_no         integer,
        term_kind       text,
        current_term    daterange,
        next_renewal    date,
        renewal         text,
        ends_on         date,
        next_end_option date,
        notice_deadline date,
        exit_fee_if_notice_today cultuur.amount,
        exit_fee_note   text)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_date('as_of', $1);
SELECT c.id, l.name, c.service,
       CASE WHEN $1 < c.starts_on THEN 'not started'
            WHEN NOT c.active @> $1 THEN 'ended'
            WHEN t.contract_id IS NOT NULL THEN 'terminated, ends ' || t.effective_end
            ELSE 'active' END,
       term.term_no, term.kind, term.term,
       CASE WHEN t.contract_id IS NULL AND s.renewal = 'tacit' AND term.term IS NOT NULL
            THEN upper(term.term) END,
       CASE WHEN t.contract_id IS NOT NULL THEN 'none: terminated'
            WHEN s.renewal = 'tacit' THEN 'tacit, by ' || s.renewal_term
            ELSE 'by agreement only' END,
       upper(c.active) - 1,
       opt.end_on, opt.deadline,
       q.exit_fee, q.note
  FROM cultuur.contract c
  JOIN cultuur.library l ON l.id = c.library_id
  JOIN cultuur.service s ON s.code = c.service
  LEFT JOIN cultuur.termination t ON t.contract_id = c.id
  LEFT JOIN LATERAL cultuur.contract_term(c.id, greatest($1, c.starts_on)) term ON true
  LEFT JOIN LATERAL (
      SELECT o.end_on, o.deadline FROM cultuur.end_options(c.id, $1) o
       WHERE o.allowed AND t.contract_id IS NULL
       ORDER BY o.end_on LIMIT 1) opt ON true
  LEFT JOIN LATERAL cultuur.exit_fee_quote(c.id, opt.end_on, 'ordinary', $1) q
         ON opt.end_on IS NOT NULL
 ORDER BY c.id
$$;
COMMENT ON FUNCTION cultuur.contract_status(date) IS 'Every contract as of a date: status, current term, next (tacit) renewal, recorded end, the earliest end a notice sent that day can reach with its deadline, and the exit fee that notice would cost.';

CREATE VIEW cultuur.contract_status_today AS
SELECT * FROM cultuur.contract_status(current_date);
COMMENT ON VIEW cultuur.contract_status_today IS 'contract_status as of today.';

CREATE FUNCTION cultuur.upcoming_deadlines(from_date date DEFAULT current_date,
        horizon interval DEFAULT '2 years')
    RETURNS TABLE (due_on date, contract_id integer, library text, service text,
                   what text)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_date('from_date', $1),
       cultuur.check_interval('horizon', $2, interval '100 years');
SELECT * FROM (
    -- last day to give notice for each end option still reachable
    SELECT o.deadline, c.id, l.name, c.service,
           format('last day to give notice to end on %s (%s)', o.end_on, o.kind)
      FROM cultuur.contract c
      JOIN cultuur.library l ON l.id = c.library_id
      CROSS JOIN LATERAL cultuur.end_options(c.id, $1) o
      JOIN cultuur.service s ON s.code = c.service
     WHERE o.allowed AND s.renewal = 'tacit'
       AND NOT EXISTS (SELECT 1 FROM cultuur.termination t WHERE t.contract_id = c.id)
    UNION ALL
    -- ends of terms: tacit renewal, renewal by agreement needed, or the end
    SELECT upper(tm.term) - 1, c.id, l.name, c.service,
           CASE WHEN upper(c.active) IS NOT NULL AND upper(tm.term) >= upper(c.active)
                     AND EXISTS (SELECT 1 FROM cultuur.termination t WHERE t.contract_id = c.id)
                    THEN 'contract ends (terminated)'
                WHEN s.renewal = 'tacit' THEN 'term ends; renews tacitly by ' || s.renewal_term
                WHEN s.max_renewals IS NOT NULL
                     AND (SELECT count(*) FROM cultuur.renewal r WHERE r.contract_id = c.id) >= s.max_renewals
                    THEN 'contract ends: no renewal left'
                ELSE 'contract ends unless a renewal is agreed by this day' END
      FROM cultuur.contract c
      JOIN cultuur.library l ON l.id = c.library_id
      JOIN cultuur.service s ON s.code = c.service
      CROSS JOIN LATERAL cultuur.contract_terms(c.id, ($1 + $2)::date) tm
     WHERE s.renewal = 'tacit' OR upper(tm.term) = upper(c.active)
    UNION ALL
    SELECT t.effective_end, c.id, l.name, c.service, 'contract ends (terminated)'
      FROM cultuur.termination t
      JOIN cultuur.contract c ON c.id = t.contract_id
      JOIN cultuur.library l ON l.id = c.library_id
     WHERE NOT EXISTS (SELECT 1 FROM cultuur.contract_terms(c.id) tm
                        WHERE upper(tm.term) - 1 = t.effective_end)
) d (due_on, contract_id, library, service, what)
 WHERE d.due_on >= $1 AND d.due_on <= ($1 + $2)::date
 ORDER BY d.due_on, d.contract_id, d.what
$$;
COMMENT ON FUNCTION cultuur.upcoming_deadlines(date, interval) IS 'Deadlines across all contracts from from_date within horizon, soonest first: last days to give notice, ends of terms (tacit renewals, renewals to agree) and ends of terminated contracts.';

CREATE VIEW cultuur.upcoming_deadline AS
SELECT * FROM cultuur.upcoming_deadlines(current_date, '2 years');
COMMENT ON VIEW cultuur.upcoming_deadline IS 'Deadlines across all contracts in the next two years, soonest first.';
