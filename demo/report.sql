-- What a finance officer of Antwerp needs to see.  Run after load.sql.
-- The demo runs as a superuser: look-alikes in public must never run.
SET search_path = pg_catalog, pg_temp;
\set ON_ERROR_STOP 1
\pset footer off
SET client_min_messages = warning;
SET datestyle = ISO;
SET lc_monetary = 'C';

\echo
\echo '=== 1. E-book fee 2022 tariff (Bijlage A, E 8.1): computed vs printed in Bijlage A ==='
SELECT 838.54 AS fixed_fee,
       529417 * 0.80 AS basis_80pct,
       round(0.1645 * 529417 * 0.80, 2) AS per_inhabitant_part,
       838.54 + round(0.1645 * 529417 * 0.80, 2) AS yearly_fee_computed,
       70509.56 AS printed_in_contract,
       838.54 + round(0.1645 * 529417 * 0.80, 2) - 70509.56 AS difference;

\echo '=== 2. Pro rata 2022: service from 1 November 2022 (E 8.4) ==='
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
  FROM cultuur.contract_status('2024-01-01') WHERE library = 'Antwerpen';

\echo '=== 8. Fees per year 2022-2026, with every factor (per-inhabitant services) ==='
SELECT d.service, d.year, d.inhabitants AS "inh (1 Jan Y-1)", d.basis, d.tier_volume,
       d.unit_price, d.fixed_fee, d.yearly_amount,
       CASE WHEN d.index_series IS NULL THEN '-' ELSE d.year_index || '/' || d.base_index END AS index,
       d.indexed_amount, round(d.share, 4) AS share, d.fee, coalesce(d.note, '') AS note
  FROM cultuur.fee_detail(2022, 2026) d
 WHERE d.library_id = 1 AND d.service <> 'film-1B'
 ORDER BY d.service, d.year;

\echo '=== 9. Film renewals: the framework was extended twice, Antwerp renewed twice (demo/usage.sql) ==='
SELECT c.id AS contract_id, c.service, t.term_no, t.kind, t.term
  FROM cultuur.contract c CROSS JOIN LATERAL cultuur.contract_terms(c.id) t
 WHERE c.service LIKE 'film%' AND c.library_id = 1 ORDER BY c.id, t.term_no;
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
SELECT due_on, contract_id, service, what FROM cultuur.upcoming_deadlines('2025-01-01', '2 years')
 WHERE library = 'Antwerpen';

\echo
\echo '=== 13. Invoicing 2022-2026 (usage of lot 1B is SIMULATED: the seeds have none) ==='
\echo 'Invoicing runs on the first of every month; Antwerp reaches its 2024 reach cap'
\echo 'in November and puts lot 1B on hold from 1 December 2024 (F 8.6).'
SET client_min_messages = error;
SELECT count(*) AS invoices_issued_to_nov_2024
  FROM generate_series('2022-11-01'::date, '2024-11-01'::date, interval '1 month') d,
       LATERAL cultuur.run_invoicing(d::date);
SELECT contract_id, year, inhabitants, months, cap, unique_users, reached
  FROM cultuur.reach_cap_status(2024) WHERE library_id = 1;
INSERT INTO cultuur.reach_hold (contract_id, starts_on) VALUES (2, '2024-12-01');
SELECT count(*) AS invoices_issued_dec_2024_to_nov_2026
  FROM generate_series('2024-12-01'::date, '2026-11-01'::date, interval '1 month') d,
       LATERAL cultuur.run_invoicing(d::date);
SELECT count(*) AS invoices_issued_by_a_second_run FROM cultuur.run_invoicing('2026-11-01');
SET client_min_messages = warning;
SELECT i.number, i.issued_on, i.due_on, c.service, i.period, i.total
  FROM cultuur.invoice i JOIN cultuur.contract c ON c.id = i.contract_id
 WHERE i.library_id = 1 ORDER BY i.year, i.seq;
\echo 'Not issued yet, and why:'
SELECT contract_id, kind, period, due, reason FROM cultuur.invoicing_blocked('2026-11-01')
 WHERE contract_id IN (SELECT id FROM cultuur.contract WHERE library_id = 1);

\echo
\echo '=== 13b. Usage that arrives late: the platform sends 3 more Antwerp film starts of October 2024 ==='
\echo 'The fourth quarter 2024 is invoiced already: the invoice stays, and the next run issues'
\echo 'the difference as a supplementary invoice that names it (what changed and why: pending_corrections).'
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at)
SELECT 1, md5('demo-late-' || g), 'film-1B', 'film_started', timestamptz '2024-10-28 20:00+01'
  FROM generate_series(1, 3) g;
SELECT number, period, issued, due, difference, document, facts FROM cultuur.pending_corrections;
SET client_min_messages = error;
SELECT i.number, i.kind, i.period, i.total, o.number AS corrects, i.reason
  FROM cultuur.run_invoicing('2026-11-02') i JOIN cultuur.invoice o ON o.id = i.credit_for;
SET client_min_messages = warning;

\echo '=== 14. One invoice in full detail: Antwerp lot 1B, fourth quarter 2024 ==='
SELECT i.number, l.name AS library, i.period, i.issued_on, i.due_on, i.total
  FROM cultuur.invoice i JOIN cultuur.library l ON l.id = i.library_id
 WHERE i.contract_id = 2 AND i.period = daterange('2024-10-01', '2025-01-01');
SELECT il.line_no, il.description, il.quantity AS unique_users, il.tier_volume AS consortium_users,
       il.unit_price, il.base_amount, il.amount
  FROM cultuur.invoice_line il JOIN cultuur.invoice i ON i.id = il.invoice_id
 WHERE i.contract_id = 2 AND i.period = daterange('2024-10-01', '2025-01-01')
 ORDER BY il.line_no;
\echo 'and the e-book invoice of 2023:'
SELECT il.description, il.fixed_fee, il.quantity AS basis, il.unit_price, il.base_amount,
       il.new_index || ' / ' || il.base_index AS index, il.share, il.amount
  FROM cultuur.invoice_line il JOIN cultuur.invoice i ON i.id = il.invoice_id
 WHERE i.contract_id = 1 AND i.period = daterange('2023-01-01', '2024-01-01');

\echo '=== 15. Budget per year against the council''s figures (projected: contract rules, or budget assumptions where usage is not known) ==='
SELECT year, invoiced, projected, expected_total, approved, variance
  FROM cultuur.budget_variance(2022, 2026) WHERE library_id = 1;
SELECT year, service, invoiced, projected, source
  FROM cultuur.budget_projection(2022, 2026) WHERE library_id = 1;

\echo '=== 16. Reconciliation: a figure printed in the contract against the rules ==='
SELECT year, what, source, quoted, computed, difference FROM cultuur.reconciliation;
