-- ---------------------------------------------------------------------
-- Layer 5, API: the lot 1B reach cap per contract and year (doc/rules.md §8).
-- ---------------------------------------------------------------------

CREATE FUNCTION cultuur.reach_cap_status(year integer)
    RETURNS TABLE (contract_id integer, library_id integer, service text, year integer,
                   inhabitants integer, months integer, cap numeric,
                   unique_users bigint, reached boolean, hold_from date)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_year('year', $1);
SELECT c.id, c.library_id, c.service, $1, p.inhabitants, m.months,
       cultuur.reach_cap(p.inhabitants, m.months, s.reach_pct),
       coalesce(u.users, 0),
       coalesce(u.users, 0) >= cultuur.reach_cap(p.inhabitants, m.months, s.reach_pct),
       h.starts_on
  FROM cultuur.contract c
  JOIN cultuur.service s ON s.code = c.service AND s.reach_pct IS NOT NULL
  CROSS JOIN LATERAL (
      SELECT count(*)::integer AS months
        FROM cultuur.months_in_force(c.active, daterange(make_date($1, 1, 1), make_date($1 + 1, 1, 1)))) m
  LEFT JOIN cultuur.latest_population(c.library_id, $1 - 1) p ON true
  LEFT JOIN LATERAL (
      SELECT sum(mu.unique_users) AS users FROM cultuur.monthly_usage mu
       WHERE mu.library_id = c.library_id AND mu.service = c.service
         AND mu.month >= make_date($1, 1, 1) AND mu.month < make_date($1 + 1, 1, 1)) u ON true
  LEFT JOIN cultuur.reach_hold h ON h.contract_id = c.id AND extract(year FROM h.starts_on) = $1
 WHERE m.months > 0
 ORDER BY c.id
$$;
COMMENT ON FUNCTION cultuur.reach_cap_status(integer) IS 'Per lot 1B contract and year: inhabitants (1 January of the previous year), months of planned purchase, cap X = months x inhabitants x 0.18 %, unique users so far, whether the cap is reached, and the hold.';
