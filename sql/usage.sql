--
-- Usage metering (doc/rules.md §8): unique users per library, film
-- lot and Europe/Brussels month, kept incrementally as events arrive, the
-- consortium-wide total that picks the tier, and the lot 1B reach cap with
-- its holds.
--
-- Every count below is small enough to be counted by hand; the expected
-- value is in the comment above the statement that shows it.  A refused
-- statement is followed by "\echo SQLSTATE :SQLSTATE" (project codes:
-- class CC, listed in doc/rules.md; CC011 is the
-- reach cap).  Member references are pseudonyms: 16 hex digits here,
-- md5() (32 hex digits) for generated members.
--
\set VERBOSITY default
\set SHOW_CONTEXT never
\pset null '(null)'
SET datestyle = ISO;
SET IntervalStyle = postgres;
SET client_min_messages = warning;
SET TimeZone = 'UTC';

-- a fresh install: no table of cultuur can be truncated, and DROP SCHEMA
-- cultuur CASCADE is the one command that removes the books
DROP SCHEMA cultuur CASCADE;
CREATE EXTENSION cultuur;

-- Antwerp (seed) and three invented libraries
INSERT INTO cultuur.library (id, name, nis_code) VALUES
    (1, 'Antwerpen', '11002'),
    (2, 'Copydorp (invented)', '99001'),
    (3, 'Rijendorp (invented)', '99002'),
    (4, 'Enkeldorp (invented)', '99003');
-- 1 January 2021 (seed, Bijlage A); no later count is entered (see 8.)
INSERT INTO cultuur.population (library_id, year, inhabitants) VALUES (1, 2021, 529417);
-- film framework 1 October 2022 + 2 years (F 10.1); Antwerp's lot 1B and
-- 2A contracts from 1 November 2022 (seed); only libraries with a contract
-- in force count (Bijlage A), so Antwerp takes lot 2B too and the invented
-- libraries lot 1B, from the same day (invented; 7b. shows a library and
-- days without one); contract 7 is made in 7b.
INSERT INTO cultuur.framework (service, starts_on, ends_on, max_extensions)
SELECT code, CASE code WHEN 'film-4B' THEN date '2021-10-01' ELSE date '2022-10-01' END,
       '2024-09-30', 2 FROM cultuur.service WHERE kind = 'film';
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, basis_pct) VALUES
    (1, 1, 'film-1B', '2022-11-01', '2022-11-01', 80),
    (2, 1, 'film-2A', '2022-11-01', '2022-11-01', 80),
    (3, 1, 'film-2B', '2022-11-01', '2022-11-01', 80),
    (4, 2, 'film-1B', '2022-11-01', '2022-11-01', 100),
    (5, 3, 'film-1B', '2022-11-01', '2022-11-01', 100),
    (6, 4, 'film-1B', '2022-11-01', '2022-11-01', 100),
    (8, 1, 'film-4B', '2021-10-01', '2021-10-01', 80);
-- (lot 4B, for the Brussels months of 4., from 1 October 2021 -- an
-- invented framework start -- to 30 September 2023, renewed to 2024)
INSERT INTO cultuur.renewal (contract_id, agreed_on) VALUES (8, '2023-09-01');

--
-- 1. Antwerp, lot 1B, January 2023 (all times in UTC, well inside January
-- in Brussels too):
--   a...1  three film_started on three days           -> counts once
--   a...2  two logins only                             -> never counts
--   a...3  a login and one film_started                -> counts
--   a...4  the same film_started twice in one INSERT   -> counts once
--   a...5  ebook_loaned on the e-book service          -> no film count
--   a...1  also starts a film on lot 2B                -> 1 on lot 2B
-- lot 1B, January: a...1, a...3, a...4 = 3 unique users; lot 2B: 1.
--
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at) VALUES
    (1, 'a000000000000001', 'film-1B', 'film_started', '2023-01-03 10:00'),
    (1, 'a000000000000001', 'film-1B', 'film_started', '2023-01-10 20:00'),
    (1, 'a000000000000001', 'film-1B', 'film_started', '2023-01-17 21:15');
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at) VALUES
    (1, 'a000000000000002', 'film-1B', 'login', '2023-01-05 09:00'),
    (1, 'a000000000000002', 'film-1B', 'login', '2023-01-06 09:00'),
    (1, 'a000000000000003', 'film-1B', 'login', '2023-01-07 18:00'),
    (1, 'a000000000000003', 'film-1B', 'film_started', '2023-01-07 18:05'),
    (1, 'a000000000000004', 'film-1B', 'film_started', '2023-01-08 19:00'),
    (1, 'a000000000000004', 'film-1B', 'film_started', '2023-01-08 19:00'),
    (1, 'a000000000000005', 'ebooks', 'ebook_loaned', '2023-01-09 12:00'),
    (1, 'a000000000000001', 'film-2B', 'film_started', '2023-01-11 20:00');
SELECT library_id, service, month, unique_users FROM cultuur.monthly_usage ORDER BY 1, 2, 3;
-- the member who only logged in is not in the set of counted members
SELECT library_id, service, month, member_ref FROM cultuur.monthly_user ORDER BY 1, 2, 3, 4;

-- a duplicate event sent again in a later statement changes nothing:
-- lot 1B January stays 3
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at) VALUES
    (1, 'a000000000000001', 'film-1B', 'film_started', '2023-01-03 10:00');
SELECT library_id, service, month, unique_users FROM cultuur.monthly_usage
 WHERE service = 'film-1B' ORDER BY 1, 2, 3;

--
-- 2. Late events.  February arrives first: a...1 and a...6 -> February 2.
-- Then, late, January events of a...6 (new in January: 3 + 1 = 4) and of
-- a...3 (already counted in January: stays 4); February stays 2.
--
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at) VALUES
    (1, 'a000000000000001', 'film-1B', 'film_started', '2023-02-02 20:00'),
    (1, 'a000000000000006', 'film-1B', 'film_started', '2023-02-03 20:00');
SELECT library_id, service, month, unique_users FROM cultuur.monthly_usage
 WHERE service = 'film-1B' ORDER BY 1, 2, 3;
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at) VALUES
    (1, 'a000000000000006', 'film-1B', 'film_started', '2023-01-30 20:00'),
    (1, 'a000000000000003', 'film-1B', 'film_started', '2023-01-29 20:00');
SELECT library_id, service, month, unique_users FROM cultuur.monthly_usage
 WHERE service = 'film-1B' ORDER BY 1, 2, 3;
-- the consortium total of lot 1B so far is Antwerp's: January 4, February 2
SELECT service, month, unique_users FROM cultuur.consortium_usage ORDER BY 1, 2;

--
-- 3. COPY, one multi-row INSERT and single INSERTs give the same counts.
-- The same 9 events go to library 2 by COPY, library 3 by one INSERT of 9
-- rows and library 4 by 9 INSERTs:
--   b...1  2 films in March, 1 in April     -> March, April
--   b...2  a login in March, a film in April -> April
--   b...3  the same film twice in March      -> March
--   b...4  a login in April only             -> nothing
--   b...5  a film on 31 March 22:30 UTC = 1 April 00:30 in Brussels
--          (summer time, UTC+2)              -> April
-- March 2023: b...1, b...3 = 2; April: b...1, b...2, b...5 = 3.
--
COPY cultuur.usage_event (library_id, member_ref, service, action, occurred_at) FROM stdin;
2	b000000000000001	film-1B	film_started	2023-03-02 19:00:00+00
2	b000000000000001	film-1B	film_started	2023-03-20 19:00:00+00
2	b000000000000001	film-1B	film_started	2023-04-05 19:00:00+00
2	b000000000000002	film-1B	login	2023-03-06 19:00:00+00
2	b000000000000002	film-1B	film_started	2023-04-06 19:00:00+00
2	b000000000000003	film-1B	film_started	2023-03-07 19:00:00+00
2	b000000000000003	film-1B	film_started	2023-03-07 19:00:00+00
2	b000000000000004	film-1B	login	2023-04-08 19:00:00+00
2	b000000000000005	film-1B	film_started	2023-03-31 22:30:00+00
\.
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at) VALUES
    (3, 'b000000000000001', 'film-1B', 'film_started', '2023-03-02 19:00:00+00'),
    (3, 'b000000000000001', 'film-1B', 'film_started', '2023-03-20 19:00:00+00'),
    (3, 'b000000000000001', 'film-1B', 'film_started', '2023-04-05 19:00:00+00'),
    (3, 'b000000000000002', 'film-1B', 'login', '2023-03-06 19:00:00+00'),
    (3, 'b000000000000002', 'film-1B', 'film_started', '2023-04-06 19:00:00+00'),
    (3, 'b000000000000003', 'film-1B', 'film_started', '2023-03-07 19:00:00+00'),
    (3, 'b000000000000003', 'film-1B', 'film_started', '2023-03-07 19:00:00+00'),
    (3, 'b000000000000004', 'film-1B', 'login', '2023-04-08 19:00:00+00'),
    (3, 'b000000000000005', 'film-1B', 'film_started', '2023-03-31 22:30:00+00');
INSERT INTO cultuur.usage_event VALUES (4, 'b000000000000001', 'film-1B', 'film_started', '2023-03-02 19:00:00+00');
INSERT INTO cultuur.usage_event VALUES (4, 'b000000000000001', 'film-1B', 'film_started', '2023-03-20 19:00:00+00');
INSERT INTO cultuur.usage_event VALUES (4, 'b000000000000001', 'film-1B', 'film_started', '2023-04-05 19:00:00+00');
INSERT INTO cultuur.usage_event VALUES (4, 'b000000000000002', 'film-1B', 'login', '2023-03-06 19:00:00+00');
INSERT INTO cultuur.usage_event VALUES (4, 'b000000000000002', 'film-1B', 'film_started', '2023-04-06 19:00:00+00');
INSERT INTO cultuur.usage_event VALUES (4, 'b000000000000003', 'film-1B', 'film_started', '2023-03-07 19:00:00+00');
INSERT INTO cultuur.usage_event VALUES (4, 'b000000000000003', 'film-1B', 'film_started', '2023-03-07 19:00:00+00');
INSERT INTO cultuur.usage_event VALUES (4, 'b000000000000004', 'film-1B', 'login', '2023-04-08 19:00:00+00');
INSERT INTO cultuur.usage_event VALUES (4, 'b000000000000005', 'film-1B', 'film_started', '2023-03-31 22:30:00+00');
-- one row per month, the three libraries side by side: 2 | 2 | 2 in March,
-- 3 | 3 | 3 in April
SELECT month,
       sum(unique_users) FILTER (WHERE library_id = 2) AS by_copy,
       sum(unique_users) FILTER (WHERE library_id = 3) AS by_multirow_insert,
       sum(unique_users) FILTER (WHERE library_id = 4) AS by_single_inserts
  FROM cultuur.monthly_usage WHERE library_id IN (2, 3, 4)
 GROUP BY month ORDER BY month;
-- the same member at three libraries counts for each library: the
-- consortium total of lot 1B is 3 x 2 = 6 in March and 3 x 3 = 9 in April
SELECT service, month, unique_users FROM cultuur.consortium_usage
 WHERE month IN ('2023-03-01', '2023-04-01') ORDER BY 1, 2;

--
-- 4. Months are Europe/Brussels months whatever the session TimeZone.
-- The same instants, typed in three session time zones; lot 4B, library 1,
-- one member per case:
--   c...1  2023-01-31 23:30 UTC = 1 February 00:30 CET          -> February
--   c...2  2023-01-31 22:59:59 UTC = 31 January 23:59:59 CET    -> January
--   c...3  2023-03-31 22:30 UTC = 1 April 00:30 CEST (New York:
--          31 March 18:30 EDT; a UTC+1 cut would say March)     -> April
--   c...4  2023-10-31 22:30 UTC = 31 October 23:30 CET (Tokyo:
--          1 November 07:30)                                    -> October
--   c...5  2023-10-31 23:30 UTC = 1 November 00:30 CET          -> November
-- DST change days that are the last day of a month:
--   c...6  2024-03-31 00:30 UTC = 01:30 CET, before the change  -> March
--   c...7  2024-03-31 21:59:59 UTC = 23:59:59 CEST              -> March
--   c...8  2024-03-31 22:00 UTC = 1 April 00:00 CEST            -> April
--   c...9  2021-10-31 22:59:59 UTC = 23:59:59 CET (after the
--          change, UTC+1 again)                                 -> October
--   c..10  2021-10-31 23:00 UTC = 1 November 00:00 CET          -> November
--   c..11  2023-10-29 00:30 UTC and 01:30 UTC are both 02:30 in
--          Brussels (the hour that repeats)                     -> October, once
--
SET TimeZone = 'UTC';
INSERT INTO cultuur.usage_event VALUES
    (1, 'c000000000000001', 'film-4B', 'film_started', '2023-01-31 23:30:00'),
    (1, 'c000000000000006', 'film-4B', 'film_started', '2024-03-31 00:30:00'),
    (1, 'c000000000000009', 'film-4B', 'film_started', '2021-10-31 22:59:59');
SET TimeZone = 'America/New_York';
INSERT INTO cultuur.usage_event VALUES
    (1, 'c000000000000002', 'film-4B', 'film_started', '2023-01-31 17:59:59'),
    (1, 'c000000000000003', 'film-4B', 'film_started', '2023-03-31 18:30:00'),
    (1, 'c000000000000007', 'film-4B', 'film_started', '2024-03-31 17:59:59'),
    (1, 'c000000000000010', 'film-4B', 'film_started', '2021-10-31 19:00:00');
SET TimeZone = 'Asia/Tokyo';
INSERT INTO cultuur.usage_event VALUES
    (1, 'c000000000000004', 'film-4B', 'film_started', '2023-11-01 07:30:00'),
    (1, 'c000000000000005', 'film-4B', 'film_started', '2023-11-01 08:30:00'),
    (1, 'c000000000000008', 'film-4B', 'film_started', '2024-04-01 07:00:00'),
    (1, 'c000000000000011', 'film-4B', 'film_started', '2023-10-29 09:30:00'),
    (1, 'c000000000000011', 'film-4B', 'film_started', '2023-10-29 10:30:00');
-- each case in UTC (to check the input) and the month it counts for:
-- c...1 2023-02, c...2 2023-01, c...3 2023-04, c...4 2023-10, c...5
-- 2023-11, c...6 2024-03, c...7 2024-03, c...8 2024-04, c...9 2021-10,
-- c..10 2021-11, c..11 2023-10; the same in every session time zone
SET TimeZone = 'UTC';
SELECT e.member_ref, e.occurred_at AS at_utc, mu.month
  FROM cultuur.usage_event e
  JOIN cultuur.monthly_user mu ON mu.library_id = e.library_id AND mu.service = e.service
                              AND mu.member_ref = e.member_ref
 WHERE e.service = 'film-4B' ORDER BY e.member_ref, e.occurred_at;
SET TimeZone = 'America/New_York';
SELECT member_ref, cultuur.brussels_month(occurred_at) AS month_ny_session
  FROM cultuur.usage_event WHERE service = 'film-4B' ORDER BY member_ref, occurred_at;
SET TimeZone = 'Asia/Tokyo';
SELECT member_ref, cultuur.brussels_month(occurred_at) AS month_tokyo_session
  FROM cultuur.usage_event WHERE service = 'film-4B' ORDER BY member_ref, occurred_at;
SET TimeZone = 'UTC';
-- lot 4B per month: 2021-10 1, 2021-11 1, 2023-01 1, 2023-02 1, 2023-04 1,
-- 2023-10 2 (c...4, c..11 once), 2023-11 1, 2024-03 2, 2024-04 1
SELECT month, unique_users FROM cultuur.monthly_usage WHERE service = 'film-4B' ORDER BY month;

--
-- 5. The consortium total per lot and month equals the sum over the
-- libraries, and both equal a COUNT(DISTINCT) recomputation from the raw
-- events (with the Brussels month computed here, not by the extension).
-- Any drift of the incremental counts makes "ok" false and the last count
-- non-zero.  Expected (from 1.-4.):
--   film-1B 2023-01: 4, 2023-02: 2, 2023-03: 6, 2023-04: 9
--   film-2B 2023-01: 1; film-4B as in 4. (2023-10: 2, 2024-03: 2, else 1)
--
-- (the recount takes the film starts of participating libraries: a
-- contract for the lot in force on the event's day, in Brussels)
CREATE TEMP VIEW usage_drift AS
WITH counted AS (
    SELECT e.* FROM cultuur.usage_event e
     WHERE EXISTS (SELECT 1 FROM cultuur.contract c
                    WHERE c.library_id = e.library_id AND c.service = e.service
                      AND c.active @> (e.occurred_at AT TIME ZONE 'Europe/Brussels')::date)
), raw AS (
    SELECT service, date_trunc('month', occurred_at AT TIME ZONE 'Europe/Brussels')::date AS month,
           count(DISTINCT (library_id, member_ref)) AS users
      FROM counted WHERE action = 'film_started' GROUP BY 1, 2
), raw_lib AS (
    SELECT library_id, service, date_trunc('month', occurred_at AT TIME ZONE 'Europe/Brussels')::date AS month,
           count(DISTINCT member_ref) AS users
      FROM counted WHERE action = 'film_started' GROUP BY 1, 2, 3
), lib AS (
    SELECT service, month, sum(unique_users) AS users FROM cultuur.monthly_usage GROUP BY 1, 2
), lib_mismatch AS (
    SELECT r.service, r.month
      FROM raw_lib r FULL JOIN cultuur.monthly_usage m
        ON m.library_id = r.library_id AND m.service = r.service AND m.month = r.month
     WHERE r.users IS DISTINCT FROM m.unique_users::bigint
)
SELECT coalesce(c.service, l.service, r.service) AS service,
       coalesce(c.month, l.month, r.month) AS month,
       c.unique_users AS consortium, l.users AS sum_of_libraries, r.users AS recount,
       c.unique_users = l.users AND l.users = r.users
         AND NOT EXISTS (SELECT 1 FROM lib_mismatch x
                          WHERE x.service = coalesce(c.service, l.service, r.service)
                            AND x.month = coalesce(c.month, l.month, r.month)) AS ok
  FROM cultuur.consortium_usage c
  FULL JOIN lib l ON l.service = c.service AND l.month = c.month
  FULL JOIN raw r ON r.service = coalesce(c.service, l.service) AND r.month = coalesce(c.month, l.month);
SELECT * FROM usage_drift ORDER BY service, month;
SELECT count(*) AS drifted FROM usage_drift WHERE ok IS NOT TRUE;

--
-- 6. Refused events (CHECK constraints: SQLSTATE 23514), and nothing of a
-- refused statement is counted.
--
-- a name, an e-mail address, a library card barcode (13 digits), a
-- national register number, upper-case hex: never a member reference
INSERT INTO cultuur.usage_event VALUES (1, 'Jan Peeters', 'film-1B', 'film_started', '2023-05-02 20:00');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.usage_event VALUES (1, 'jan.peeters@example.be', 'film-1B', 'film_started', '2023-05-02 20:00');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.usage_event VALUES (1, '2100012345678', 'film-1B', 'film_started', '2023-05-02 20:00');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.usage_event VALUES (1, '85.07.30-033.28', 'film-1B', 'film_started', '2023-05-02 20:00');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.usage_event VALUES (1, 'A000000000000001', 'film-1B', 'film_started', '2023-05-02 20:00');
\echo SQLSTATE :SQLSTATE
-- film_started on the e-book service, an e-book loan on a film lot
INSERT INTO cultuur.usage_event VALUES (1, 'a000000000000001', 'ebooks', 'film_started', '2023-05-02 20:00');
\echo SQLSTATE :SQLSTATE
INSERT INTO cultuur.usage_event VALUES (1, 'a000000000000001', 'film-1B', 'ebook_loaned', '2023-05-02 20:00');
\echo SQLSTATE :SQLSTATE
-- one bad row refuses the whole multi-row statement: May stays uncounted
INSERT INTO cultuur.usage_event VALUES
    (1, 'a000000000000007', 'film-1B', 'film_started', '2023-05-02 20:00'),
    (1, 'Jan Peeters', 'film-1B', 'film_started', '2023-05-02 20:00');
\echo SQLSTATE :SQLSTATE
SELECT count(*) AS may_rows FROM cultuur.monthly_usage WHERE month = '2023-05-01';
-- events are facts: UPDATE is refused (CC010), even one that matches no row
UPDATE cultuur.usage_event SET occurred_at = occurred_at + interval '1 month'
 WHERE member_ref = 'a000000000000001';
\echo SQLSTATE :SQLSTATE
UPDATE cultuur.usage_event SET member_ref = 'a000000000000009' WHERE false;
\echo SQLSTATE :SQLSTATE
-- login and e-book actions are accepted on the e-book service
INSERT INTO cultuur.usage_event VALUES
    (1, 'a000000000000005', 'ebooks', 'login', '2023-05-02 20:00'),
    (1, 'a000000000000005', 'ebooks', 'audiobook_reserved', '2023-05-02 20:05');
SELECT count(*) AS ebook_rows_in_monthly_usage FROM cultuur.monthly_usage WHERE service = 'ebooks';

--
-- 7. Reach cap of lot 1B (F 8.6): X = months x inhabitants x 0.18 %.
-- reach_cap_status(Y) takes the count of 1 January Y-1, or the latest one
-- before it when that is not entered yet.  Only 1 January 2021 is
-- entered (529,417), so:
--   2022: contract from 1 November: 2 months  -> 2 x 529,417 x 0.0018 =  1,905.9012
--   2023: 12 months (doc/rules.md §8 worked example)   -> 12 x 529,417 x 0.0018 = 11,435.4072
-- Users so far: 2022: none; 2023: January 4 + February 2 = 6.
-- (Antwerp's contract 1 only: the invented libraries have no count of
-- inhabitants, so their caps are unknown.)
--
SELECT contract_id, library_id, service, year, inhabitants, months, cap, unique_users, reached, hold_from
  FROM cultuur.reach_cap_status(2022) WHERE contract_id = 1
UNION ALL
SELECT contract_id, library_id, service, year, inhabitants, months, cap, unique_users, reached, hold_from
  FROM cultuur.reach_cap_status(2023) WHERE contract_id = 1
 ORDER BY year, contract_id;

-- Antwerp's members stream: 1,400 members a month from March to October
-- 2023 (8 x 1,400 = 11,200) and 229 in November.  Before November the
-- year stands at 6 + 11,200 = 11,206; through November at 11,206 + 229 =
-- 11,435 < 11,435.4072: one user short of the cap.
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at)
SELECT 1, md5(format('cap-%s-%s', m, n)), 'film-1B', 'film_started',
       (make_date(2023, m, 15) + time '20:00') AT TIME ZONE 'Europe/Brussels'
  FROM generate_series(3, 10) m, generate_series(1, 1400) n;
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at)
SELECT 1, md5(format('cap-11-%s', n)), 'film-1B', 'film_started', '2023-11-15 19:00+00'
  FROM generate_series(1, 229) n;
-- 2023: 11,435 users, not reached
SELECT contract_id, year, inhabitants, months, cap, unique_users, reached, hold_from
  FROM cultuur.reach_cap_status(2023) WHERE contract_id = 1 ORDER BY contract_id;

-- a hold from 1 December is refused: 11,435 < 11,435.4072 (CC011)
INSERT INTO cultuur.reach_hold (contract_id, starts_on) VALUES (1, '2023-12-01');
\echo SQLSTATE :SQLSTATE
-- a hold from 1 November is refused: before November only 11,206 users
INSERT INTO cultuur.reach_hold (contract_id, starts_on) VALUES (1, '2023-11-01');
\echo SQLSTATE :SQLSTATE
-- lot 2A has no reach cap (CC011)
INSERT INTO cultuur.reach_hold (contract_id, starts_on) VALUES (2, '2023-12-01');
\echo SQLSTATE :SQLSTATE

-- one late November event of a new member: 11,436 >= 11,435.4072, reached
INSERT INTO cultuur.usage_event VALUES
    (1, md5('cap-11-late'), 'film-1B', 'film_started', '2023-11-30 22:30+00');
SELECT contract_id, year, cap, unique_users, reached FROM cultuur.reach_cap_status(2023) WHERE contract_id = 1 ORDER BY contract_id;

-- a hold that does not start on the first of a month is refused (23514;
-- terse: the failing row would show when it was entered)
\set VERBOSITY terse
INSERT INTO cultuur.reach_hold (contract_id, starts_on) VALUES (1, '2023-12-15');
\echo SQLSTATE :SQLSTATE
\set VERBOSITY default
-- from 1 December it is accepted and lasts until 31 December, whatever
-- end is asked for
INSERT INTO cultuur.reach_hold (contract_id, starts_on, ends_on) VALUES (1, '2023-12-01', '2024-06-30');
SELECT contract_id, starts_on, ends_on, year FROM cultuur.reach_hold ORDER BY contract_id, year;
SELECT contract_id, year, cap, unique_users, reached, hold_from FROM cultuur.reach_cap_status(2023) WHERE contract_id = 1 ORDER BY contract_id;
-- a hold cannot be changed (CC010)
UPDATE cultuur.reach_hold SET starts_on = '2023-11-01';
\echo SQLSTATE :SQLSTATE
-- 2024 has no hold: the new year starts from zero (Antwerp has no 2024
-- usage: 0 of 9 months x 529,417 x 0.0018 = 8,576.5554; the framework
-- ends on 30 September 2024, so 9 months)
SELECT contract_id, year, months, cap, unique_users, reached, hold_from FROM cultuur.reach_cap_status(2024) WHERE contract_id = 1 ORDER BY contract_id;
-- with the count of 1 January 2022 entered (530,630, doc/rules.md §5) 2023 uses it:
-- 12 x 530,630 x 0.0018 = 11,461.608; still reached? 11,436 < 11,461.608: no
-- (the hold, accepted when the cap was reached, stays)
INSERT INTO cultuur.population (library_id, year, inhabitants) VALUES (1, 2022, 530630);
SELECT contract_id, year, inhabitants, cap, unique_users, reached, hold_from FROM cultuur.reach_cap_status(2023) WHERE contract_id = 1 ORDER BY contract_id;

-- all the counts of this file still agree with the raw events
SELECT count(*) AS drifted FROM usage_drift WHERE ok IS NOT TRUE;

--
-- 7b. Only participating libraries count (Bijlage A: unique users "over
-- alle deelnemende bibliotheken"), on the days their contract for the lot
-- is in force (doc/rules.md §3, §8).  Library 5 has no contract; library 6
-- takes lot 1B from 15 May 2023.  Their film starts are stored, not
-- counted, and the load says how many:
--   May 2023, lot 1B before: whatever the file counted so far (shown)
--   library 5: 2 starts (b...1, b...2)               -> not counted
--   library 6: b...3 on 10 May (before its start)    -> not counted
--              b...4 on 20 May, b...3 on 21 May      -> 2 unique users
--   consortium lot 1B, May 2023: before + 2
--
INSERT INTO cultuur.library (id, name, nis_code) VALUES
    (5, 'Buitendorp (invented)', '99004'),
    (6, 'Laatdorp (invented)', '99005');
INSERT INTO cultuur.contract (id, library_id, service, signed_on, starts_on, basis_pct) VALUES
    (7, 6, 'film-1B', '2023-05-01', '2023-05-15', 100);
SELECT unique_users AS may_before FROM cultuur.consortium_usage
 WHERE service = 'film-1B' AND month = '2023-05-01';
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at) VALUES
    (5, 'b000000000000001', 'film-1B', 'film_started', '2023-05-05 10:00+02'),
    (5, 'b000000000000002', 'film-1B', 'film_started', '2023-05-06 10:00+02'),
    (6, 'b000000000000003', 'film-1B', 'film_started', '2023-05-10 10:00+02'),
    (6, 'b000000000000004', 'film-1B', 'film_started', '2023-05-20 10:00+02'),
    (6, 'b000000000000003', 'film-1B', 'film_started', '2023-05-21 10:00+02');
SELECT library_id, month, unique_users FROM cultuur.monthly_usage
 WHERE library_id IN (5, 6) ORDER BY library_id, month;
SELECT unique_users AS may_after FROM cultuur.consortium_usage
 WHERE service = 'film-1B' AND month = '2023-05-01';
-- the first day of the contract counts in Brussels time: 14 May 23:30 UTC
-- is 15 May 01:30 in Brussels
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at) VALUES
    (6, 'b000000000000005', 'film-1B', 'film_started', '2023-05-14 23:30+00');
SELECT library_id, month, unique_users FROM cultuur.monthly_usage WHERE library_id = 6;
-- and the counts still agree with the recount over participating libraries
SELECT count(*) AS drifted FROM usage_drift WHERE ok IS NOT TRUE;

--
-- 8. Deleting old events (retention) is allowed and leaves the counts:
-- library 4's events go, its March 2 and April 3 stay.
--
DELETE FROM cultuur.usage_event WHERE library_id = 4;
SELECT library_id, month, unique_users FROM cultuur.monthly_usage WHERE library_id = 4 ORDER BY month;

--
-- 9. An event dated after the day it is loaded (in Brussels) is refused
-- with its whole statement (CC013): one dated 2999 would be counted in a
-- month no invoice reaches.  (Terse: the detail names today's date.)
--
SELECT count(*) AS events_before FROM cultuur.usage_event;
\set VERBOSITY terse
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at) VALUES
    (1, 'aaaaaaaaaaaaaaa1', 'film-1B', 'film_started', '2023-03-05 10:00+01'),
    (1, 'aaaaaaaaaaaaaaa2', 'film-1B', 'film_started', '2999-03-05 10:00+01');
\set VERBOSITY default
-- two days ahead (the message names the time: only its code is shown)
DO $$
BEGIN
    INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at)
    SELECT 1, 'aaaaaaaaaaaaaaa3', 'film-1B', 'login', transaction_timestamp() + interval '2 days';
    RAISE EXCEPTION 'an event two days ahead was loaded';
EXCEPTION WHEN SQLSTATE 'CC013' THEN
    RAISE WARNING 'refused: %', SQLSTATE;
END;
$$;
SELECT count(*) AS events_after FROM cultuur.usage_event;
-- one dated this very moment is loaded
INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at)
SELECT 1, 'aaaaaaaaaaaaaaa4', 'film-1B', 'login', transaction_timestamp();
SELECT count(*) AS events_now FROM cultuur.usage_event;
DROP VIEW usage_drift;
RESET TimeZone;
-- a fresh install: no table of cultuur can be truncated, and DROP SCHEMA
-- cultuur CASCADE is the one command that removes the books
DROP SCHEMA cultuur CASCADE;
CREATE EXTENSION cultuur;
