-- What a finance officer of Antwerp needs to see.  Run after load.sql.
\set ON_ERROR_STOP 1
\pset footer off
SET client_min_messages = warning;
SET datestyle = ISO;
SET lc_monetary = 'C';

\echo
\echo '=== 1. E-book fee 2022 tariff (SPEC 3): computed vs printed in Bijlage A ==='
SELECT 838.54 AS fixed_fee,
       529417 * 0.80 AS basis_80pct,
       round(0.1645 * 529417 * 0.80, 2) AS per_inhabitant_part,
       838.54 + round(0.1645 * 529417 * 0.80, 2) AS yearly_fee_computed,
       70509.56 AS printed_in_contract,
       838.54 + round(0.1645 * 529417 * 0.80, 2) - 70509.56 AS difference;

\echo '=== 2. Pro rata 2022: service from 1 November 2022 (SPEC 4) ==='
SELECT cultuur.prorata(daterange('2022-11-01', '2026-09-15', '[]'), daterange('2022-01-01', '2023-01-01')) AS share,
       cultuur.prorate(70509.82, daterange('2022-11-01', '2026-09-15', '[]'), daterange('2022-01-01', '2023-01-01')) AS fee_2022;

\echo '=== 3. Film lot 2A: 80 % of 529,417 inhabitants at the consortium tier ==='
SELECT t AS tiers, 423533.6 AS basis, 529417 AS tier_volume,
       cultuur.tier_price(t, 529417) AS unit_price,
       cultuur.volume_charge(t, 423533.6, 529417) AS yearly_fee
  FROM (SELECT '0.015; >500000: 0.015; >1000000: 0.0121'::cultuur.tiers AS t) x;

\echo '=== 4. Exit-fee quotes by exit year (Bijlage A 2, basis 423,533.6, before indexation) ==='
SELECT y AS exit_year, y - 2022 + 1 AS contract_year,
       cultuur.exit_fee('{0.1240,0.0827,0.0413,0.0413}', 2022, y, 423533.6) AS exit_fee
  FROM generate_series(2022, 2026) y;

\echo '=== 5. Notice deadlines in the e-book initial term (E 10.2, E 10.3) ==='
SELECT d AS end_date,
       CASE WHEN d = '2026-09-15' THEN 'end of the initial term' ELSE '31 December' END AS kind,
       cultuur.notice_deadline(d) AS notice_by
  FROM unnest('{2022-12-31,2023-12-31,2024-12-31,2025-12-31,2026-09-15}'::date[]) d;

\echo '=== 6. Lot 1B reach cap (F 8.6): 12 months x 529,417 x 0.18 % ==='
SELECT cultuur.reach_cap(529417, 12) AS cap_exact, round(cultuur.reach_cap(529417, 12), 2) AS cap;

\echo '=== 7. Antwerp contracts as rows: status on 1 January 2024 ==='
SELECT contract_id, service, status, term_kind, current_term, renewal,
       next_end_option, notice_deadline, exit_fee_if_notice_today
  FROM cultuur.contract_status('2024-01-01');

\echo '=== 8. Fees per year 2022-2026, with every factor (per-inhabitant services) ==='
SELECT d.service, d.year, d.inhabitants AS "inh (1 Jan Y-1)", d.basis, d.tier_volume,
       d.unit_price, d.fixed_fee, d.yearly_amount,
       CASE WHEN d.index_series IS NULL THEN '-' ELSE d.year_index || '/' || d.base_index END AS index,
       d.indexed_amount, round(d.share, 4) AS share, d.fee, coalesce(d.note, '') AS note
  FROM cultuur.fee_detail(2022, 2026) d
 WHERE d.service <> 'film-1B'
 ORDER BY d.service, d.year;

\echo '=== 9. Film renewals: the framework is extended twice, Antwerp renews twice ==='
INSERT INTO cultuur.framework_extension (service, agreed_on, ends_on)
SELECT code, '2024-06-01', '2025-09-30' FROM cultuur.service WHERE kind = 'film';
INSERT INTO cultuur.framework_extension (service, agreed_on, ends_on)
SELECT code, '2025-06-01', '2026-09-30' FROM cultuur.service WHERE kind = 'film';
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (2, '2024-09-01'), (3, '2024-09-01');
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (2, '2025-09-01'), (3, '2025-09-01');
SELECT c.id AS contract_id, c.service, t.term_no, t.kind, t.term
  FROM cultuur.contract c CROSS JOIN LATERAL cultuur.contract_terms(c.id) t
 WHERE c.service LIKE 'film%' ORDER BY c.id, t.term_no;
\echo 'A third renewal is refused:'
\set ON_ERROR_STOP 0
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (2, '2026-09-01');
\set ON_ERROR_STOP 1

\echo
\echo '=== 10. E-book exit-fee quote by notice date (as the termination trigger would compute it) ==='
SELECT n AS notice_sent_on, cultuur.earliest_end(1, n) AS contract_ends,
       q.exit_fee, q.note
  FROM unnest('{2022-09-30,2023-09-30,2023-10-01,2024-09-30,2025-09-30,2026-06-15,2026-06-16}'::date[]) n
 CROSS JOIN LATERAL cultuur.exit_fee_quote(1, cultuur.earliest_end(1, n), 'ordinary', n) q
 WHERE n >= '2022-11-01';

\echo '=== 11. Notice on 30 September vs 1 October 2023 ==='
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (1, '2023-09-30');
SELECT contract_id, notified_on, effective_end, exit_fee, exit_fee_note FROM cultuur.termination;
ROLLBACK;
BEGIN;
INSERT INTO cultuur.termination (contract_id, notified_on) VALUES (1, '2023-10-01');
SELECT contract_id, notified_on, effective_end, exit_fee, exit_fee_note FROM cultuur.termination;
ROLLBACK;
\echo 'Asking for 31 December 2023 with a notice of 1 October 2023 is refused:'
\set ON_ERROR_STOP 0
INSERT INTO cultuur.termination (contract_id, notified_on, requested_end) VALUES (1, '2023-10-01', '2023-12-31');
\set ON_ERROR_STOP 1

\echo
\echo '=== 12. Upcoming deadlines from 1 January 2025 (next two years) ==='
SELECT due_on, contract_id, service, what FROM cultuur.upcoming_deadlines('2025-01-01', '2 years');
