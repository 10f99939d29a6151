-- Dates of the contract rules (doc/rules.md §7) and the lot 1B reach cap
-- (doc/rules.md §8).
--   notice_deadline(end_date, notice = '3 months') = end_date - notice:
--     the last day a notice may be sent to end on end_date (the sending
--     date counts); month arithmetic clamps to the end of the month.
--   earliest_year_end(notified_on, notice = '3 months'): the first
--     31 December whose notice deadline is on or after notified_on.
--   reach_cap(inhabitants, months, pct = 0.18) = months x inhabitants x pct / 100
-- Dates and intervals in ISO style (pg_regress defaults to Postgres, MDY).
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';

--
-- "By 31 December, at least 3 months before": on or before 30 September
-- (31 September does not exist, so 31 December - 3 months clamps to 30).
--
SELECT end_date, cultuur.notice_deadline(end_date) AS notice_deadline
  FROM unnest('{2022-12-31, 2023-12-31, 2024-12-31, 2025-12-31, 2026-12-31}'::date[]) AS end_date;

-- The e-book initial term ends on 15 September 2026: notice at least
-- 3 months before the end of the term, i.e. on or before 15 June 2026.
-- The film pilot ends on 30 September 2024: on or before 30 June 2024.
SELECT end_date, notice, cultuur.notice_deadline(end_date, notice) AS notice_deadline
  FROM (VALUES ('2026-09-15'::date, '3 months'::interval),
               ('2024-09-30', '3 months')) AS v(end_date, notice);

--
-- Month-end clamping and leap days
--
SELECT end_date, notice, cultuur.notice_deadline(end_date, notice) AS notice_deadline
  FROM (VALUES
    -- 31 May - 3 months: 31 February does not exist -> 28 February (2023)
    -- or 29 February (2024, a leap year)
    ('2023-05-31'::date, '3 months'::interval),
    ('2024-05-31', '3 months'),
    -- 30 and 29 May land on the same last day of February in 2023
    ('2023-05-30', '3 months'),
    ('2023-05-29', '3 months'),
    ('2023-05-28', '3 months'),
    -- 29 May 2024 - 3 months = 29 February 2024 exactly
    ('2024-05-29', '3 months'),
    -- 31 July - 1 month = 30 June; 31 March - 1 month = 28/29 February
    ('2023-07-31', '1 month'),
    ('2023-03-31', '1 month'),
    ('2024-03-31', '1 month'),
    -- 31 August - 6 months = 28 February (2023) / 29 February (2024)
    ('2023-08-31', '6 months'),
    ('2024-08-31', '6 months'),
    -- 29 February 2024 - 1 year = 28 February 2023; - 4 years = 29 February 2020
    ('2024-02-29', '1 year'),
    ('2024-02-29', '4 years'),
    ('2024-02-29', '12 months'),
    -- days count across the leap day: 1 March 2024 - 1 day = 29 February
    ('2024-03-01', '1 day'),
    ('2024-03-01', '30 days'),
    ('2023-03-01', '30 days'),
    -- 31 December 2024 - 90 days: 31 + 30 + 29 days back -> 2 October
    ('2024-12-31', '90 days'),
    -- 29 February 2024 - 90 days = 1 December 2023 (29 + 31 + 30 days back)
    ('2024-02-29', '90 days')
  ) AS v(end_date, notice);

--
-- Other notice periods, all for the year end 31 December 2022
--
SELECT end_date, notice, cultuur.notice_deadline(end_date, notice) AS notice_deadline
  FROM (VALUES ('2022-12-31'::date)) AS e(end_date),
       unnest('{1 month, 3 months, 5 months, 6 months, 90 days, 15 months,
                1 year, 2 years, 1 month 10 days, 2 weeks, 0 days}'::interval[]) AS notice;
-- "Other price increases at least 5 months before the end of the year":
-- announced on or before 31 July (E 8.9)
SELECT cultuur.notice_deadline('2023-12-31', '5 months') AS price_increase_deadline;

--
-- earliest_year_end: a notice sent on 30 September still ends the contract
-- on 31 December of that year; one sent on 1 October only a year later
-- (doc/rules.md §7).
--
SELECT notified_on, cultuur.earliest_year_end(notified_on) AS earliest_year_end
  FROM unnest('{2022-09-30, 2022-10-01, 2022-01-01, 2022-06-15, 2022-12-31,
                2023-09-29, 2023-09-30, 2023-10-01, 2024-02-29, 2025-12-31}'::date[]) AS notified_on;

-- With other notice periods: the boundary is notice_deadline(31 December)
--   1 month:   30 November   6 months: 30 June   90 days: 2 October
--   15 months: 30 September of the year before
SELECT notified_on, notice, cultuur.earliest_year_end(notified_on, notice) AS earliest_year_end,
       cultuur.notice_deadline(cultuur.earliest_year_end(notified_on, notice), notice) AS its_deadline
  FROM (VALUES
    ('2022-11-30'::date, '1 month'::interval), ('2022-12-01', '1 month'),
    ('2022-06-30', '6 months'), ('2022-07-01', '6 months'),
    ('2022-10-02', '90 days'), ('2022-10-03', '90 days'),
    ('2022-09-30', '15 months'), ('2022-10-01', '15 months'),
    ('2022-12-31', '15 months'),
    ('2022-12-31', '2 years'), ('2023-01-01', '2 years'),
    ('2022-12-31', '0 days'), ('2022-01-01', '0 days'),
    ('2022-12-31', '1 day'), ('2022-12-30', '1 day'),
    -- leap years: 29 February 2024 with a notice of a year
    ('2024-02-29', '1 year'), ('2023-12-31', '1 year'),
    ('2022-12-31', '400 days'), ('2022-10-01', '1 month 10 days'),
    ('2022-11-20', '1 month 10 days'), ('2022-11-21', '1 month 10 days')
  ) AS v(notified_on, notice);

-- Over every day of 2022-2024 with the default notice: the answer's
-- deadline is never before the notice (too_late), and the 31 December a
-- year earlier is never still reachable (not_earliest); the answers are
-- the year ends 2022 to 2025.
SELECT count(*) AS days,
       count(*) FILTER (WHERE cultuur.notice_deadline(y) < d) AS too_late,
       count(*) FILTER (WHERE cultuur.notice_deadline((y - interval '1 year')::date) >= d) AS not_earliest,
       min(y) AS first_year_end, max(y) AS last_year_end, count(DISTINCT y) AS year_ends
  FROM generate_series('2022-01-01'::date, '2024-12-31', '1 day') AS g(ts),
       LATERAL (SELECT ts::date AS d) AS dd,
       LATERAL (SELECT cultuur.earliest_year_end(dd.d) AS y) AS yy;

--
-- The whole range of type date works, also beyond timestamp (year 294276):
--   294277-01-01 - 3 months = 294276-10-01; 5874897-12-31 (the last date)
--   - 3 months = 5874897-09-30; a notice on 294276-10-01 misses 30 September
--   294276 and reaches 31 December 294277; from the first date (24 November
--   4714 BC) with 1000 years' notice: 31 December 3714 BC, whose deadline
--   31 December 4714 BC is the first reachable one.
--
SELECT end_date, notice, cultuur.notice_deadline(end_date, notice) AS notice_deadline
  FROM (VALUES ('294277-01-01'::date, '3 months'::interval), ('5874897-12-31', '3 months'),
               ('4714-12-24 BC', '1 month'), ('4714-11-25 BC', '1 day')) AS v(end_date, notice);
SELECT notified_on, notice, cultuur.earliest_year_end(notified_on, notice) AS earliest_year_end
  FROM (VALUES ('294276-10-01'::date, '3 months'::interval), ('5874897-09-30', '3 months'),
               ('4714-11-24 BC', '1000 years')) AS v(notified_on, notice);
-- ... and past its ends there is a clear error (22008)
SELECT cultuur.notice_deadline('4714-11-24 BC', '1 day');
SELECT cultuur.earliest_year_end('5874897-10-01');

--
-- reach_cap (doc/rules.md §8): Antwerp, 12 months, 529,417 inhabitants
--   12 x 529417 x 0.18 / 100 = 11435.4072 (11,435.41 rounded to cents)
--
SELECT inhabitants, months, cultuur.reach_cap(inhabitants, months) AS reach_cap,
       round(cultuur.reach_cap(inhabitants, months), 2) AS rounded
  FROM (VALUES (529417, 12)) AS v(inhabitants, months);
-- by number of months of planned purchase: 529417 x 0.0018 = 952.9506 per month
SELECT inhabitants, months, cultuur.reach_cap(inhabitants, months) AS reach_cap
  FROM (VALUES (529417)) AS i(inhabitants), generate_series(0, 12) AS months;
-- other percentages and counts; a decimal count (80 % basis) stays exact
--   3 x 530630 x 0.25 / 100 = 3979.725; 12 x 423533.6 x 0.18 / 100 = 9148.32576
SELECT inhabitants, months, pct, cultuur.reach_cap(inhabitants, months, pct) AS reach_cap
  FROM (VALUES (530630, 3, 0.25), (423533.6, 12, 0.18), (262219, 7, 0.18),
               (1, 1, 0.000001), (0, 12, 0.18), (529417, 12, 0), (529417, 12, 100),
               (123456789012345678901234567890, 12, 0.18)) AS v(inhabitants, months, pct);

--
-- A few refusals (22023); the sweep is in badinput
--
SELECT cultuur.notice_deadline('2022-12-31', '-3 months');
SELECT cultuur.notice_deadline('2022-12-31', '3 months 12 hours');
SELECT cultuur.earliest_year_end('infinity');
SELECT cultuur.reach_cap(529417, 13);
SELECT cultuur.reach_cap(-1, 12);
SELECT cultuur.reach_cap(529417, 12, 100.1);
