-- Pro rata (doc/rules.md §4): prorata(active, period, rule) is the share
-- n/d of the period that the active range covers; prorate(amount, ...)
-- is round(amount * n / d, 2), exact and rounded once, half away from zero.
--   month       months of the period with at least one active day / months
--   full_month  months active on every day / months
--   day         active days / days of the period (leap years: 366)
-- Dates and intervals in ISO style (pg_regress defaults to Postgres, MDY).
SET DateStyle = 'ISO, YMD';
SET IntervalStyle = 'postgres';

--
-- worked example of doc/rules.md: e-books from 1 November 2022, yearly fee 70,509.82
-- 2022 share = 2/12 (November, December) -> round(70509.82 * 2 / 12, 2)
-- = round(11751.636666..., 2) = 11,751.64
--
SELECT cultuur.prorata('[2022-11-01,)', '[2022-01-01,2023-01-01)') AS share,
       cultuur.prorate(70509.82, '[2022-11-01,)', '[2022-01-01,2023-01-01)') AS amount;
-- the default rule is month
SELECT cultuur.prorate(70509.82, '[2022-11-01,)', '[2022-01-01,2023-01-01)', 'month') AS month,
       cultuur.prorate(70509.82, '[2022-11-01,)', '[2022-01-01,2023-01-01)', 'full_month') AS full_month,
       cultuur.prorate(70509.82, '[2022-11-01,)', '[2022-01-01,2023-01-01)', 'day') AS day;

--
-- The e-book contract: 1 November 2022 up to and including 15 September
-- 2026, billed per calendar year.  2026 is charged for January..September:
-- month 9/12, full_month 8/12 (September is not complete), day 258/365.
--
SELECT active, period, rule, amount, cultuur.prorata(active, period, rule) AS prorata,
       cultuur.prorate(amount, active, period, rule) AS prorate
  FROM (VALUES (daterange('2022-11-01', '2026-09-15', '[]'))) AS c(active),
       (VALUES (70509.82)) AS a(amount),
       unnest(ARRAY[daterange('2022-01-01', '2023-01-01'), daterange('2023-01-01', '2024-01-01'),
                    daterange('2024-01-01', '2025-01-01'), daterange('2025-01-01', '2026-01-01'),
                    daterange('2026-01-01', '2027-01-01'), daterange('2027-01-01', '2028-01-01')]) AS period,
       unnest(enum_range(NULL::cultuur.prorata_rule)) AS rule
 ORDER BY period, rule;
-- 2026 with the indexed 2023 fee of 76,355.50 (see indexation)
SELECT active, period, rule, amount, cultuur.prorate(amount, active, period, rule) AS prorate
  FROM (VALUES ('[2022-11-01,2026-09-16)'::daterange, '[2026-01-01,2027-01-01)'::daterange, 76355.50)) AS v(active, period, amount),
       unnest(enum_range(NULL::cultuur.prorata_rule)) AS rule;

--
-- Contracts starting or ending in the middle of a month
--
SELECT active, period, rule, amount,
       cultuur.prorata(active, period, rule) AS prorata,
       cultuur.prorate(amount, active, period, rule) AS prorate
  FROM (VALUES
    -- starts 15 November 2022: month 2/12, full_month 1/12 (only December),
    -- day 47/365 (16 days of November + 31 of December)
    ('[2022-11-15,)'::daterange, '[2022-01-01,2023-01-01)'::daterange, 70509.82),
    -- starts on the last day of a month: that month counts for month only
    ('[2022-10-31,)', '[2022-01-01,2023-01-01)', 70509.82),
    -- ends 15 September: month 9/12, full_month 8/12, day 258/365
    ('[2026-01-01,2026-09-16)', '[2026-01-01,2027-01-01)', 70509.82),
    -- ends on 30 September inclusive: September is complete
    ('[2026-01-01,2026-09-30]', '[2026-01-01,2027-01-01)', 70509.82),
    -- ends on 29 September inclusive: September is not complete
    ('[2026-01-01,2026-09-29]', '[2026-01-01,2027-01-01)', 70509.82),
    -- active only 10-20 March: one month for month, none for full_month
    ('[2023-03-10,2023-03-20]', '[2023-01-01,2024-01-01)', 1200.00),
    -- starts and ends mid-month in one year
    ('[2023-02-15,2023-11-14]', '[2023-01-01,2024-01-01)', 1200.00)
  ) AS v(active, period, amount),
  unnest(enum_range(NULL::cultuur.prorata_rule)) AS rule
 ORDER BY active, rule;

--
-- full_month against month: they agree exactly when the active range
-- starts on a first and ends on a last of a month
--
SELECT active, period,
       cultuur.prorata(active, period, 'month') AS month,
       cultuur.prorata(active, period, 'full_month') AS full_month,
       cultuur.prorata(active, period, 'month') = cultuur.prorata(active, period, 'full_month') AS same
  FROM (VALUES ('[2022-11-01,2023-01-01)'::daterange, '[2022-01-01,2023-01-01)'::daterange),
               ('[2022-11-02,2023-01-01)', '[2022-01-01,2023-01-01)'),
               ('[2022-11-01,2022-12-31)', '[2022-01-01,2023-01-01)'),
               ('[2022-11-01,2022-12-31]', '[2022-01-01,2023-01-01)'),
               ('[2022-02-01,2022-03-01)', '[2022-01-01,2023-01-01)'),
               ('[2022-02-01,2022-02-28)', '[2022-01-01,2023-01-01)'),
               ('[2022-06-15,2022-06-16)', '[2022-01-01,2023-01-01)')) AS v(active, period);

--
-- Leap years for the rule day: 2024 has 366 days, 2023 has 365
--
SELECT active, period, rule, amount,
       cultuur.prorata(active, period, rule) AS prorata,
       cultuur.prorate(amount, active, period, rule) AS prorate
  FROM (VALUES
    -- 29 February 2024 alone: 1/366
    ('[2024-02-29,2024-03-01)'::daterange, '[2024-01-01,2025-01-01)'::daterange, 'day'::cultuur.prorata_rule, 70509.82),
    -- from 1 March: 306/366 in 2024 ...
    ('[2024-03-01,)', '[2024-01-01,2025-01-01)', 'day', 70509.82),
    -- ... and 306/365 in 2023
    ('[2023-03-01,)', '[2023-01-01,2024-01-01)', 'day', 70509.82),
    -- February 2024 as the period: 29 days
    ('[2024-02-15,)', '[2024-02-01,2024-03-01)', 'day', 29.00),
    ('[2024-02-15,)', '[2024-02-01,2024-03-01)', 'month', 29.00),
    -- February 2024 with full_month: ending on the 28th misses the 29th
    ('[2024-02-01,2024-02-28]', '[2024-02-01,2024-03-01)', 'full_month', 29.00),
    ('[2024-02-01,2024-02-29]', '[2024-02-01,2024-03-01)', 'full_month', 29.00),
    -- a two-year period with a leap year in it: 731 days
    ('[2024-01-01,2024-12-31]', '[2023-01-01,2025-01-01)', 'day', 731.00),
    -- century rules: 2100 is not a leap year (365), 2000 is (366)
    ('[2100-02-28,2100-03-01)', '[2100-01-01,2101-01-01)', 'day', 365.00),
    ('[2000-02-28,2000-03-01)', '[2000-01-01,2001-01-01)', 'day', 366.00)
  ) AS v(active, period, rule, amount);

--
-- Quarters as periods (film, F 8.2): the pilot starts 1 November 2022 and
-- ends 30 September 2024.  Q4 2022 counts 2 of 3 months; a per-inhabitant
-- lot bills a quarter of its yearly price per quarter (6353.00 / 4 = 1588.25)
-- -> round(1588.25 * 2 / 3, 2) = round(1058.8333..., 2) = 1058.83.
--
SELECT active, period, rule, amount,
       cultuur.prorata(active, period, rule) AS prorata,
       cultuur.prorate(amount, active, period, rule) AS prorate
  FROM (VALUES (daterange('2022-11-01', '2024-09-30', '[]'))) AS c(active),
       unnest(ARRAY[daterange('2022-10-01', '2023-01-01'), daterange('2023-01-01', '2023-04-01'),
                    daterange('2024-07-01', '2024-10-01'), daterange('2024-10-01', '2025-01-01')]) AS period,
       unnest(enum_range(NULL::cultuur.prorata_rule)) AS rule,
       (VALUES (1588.25)) AS a(amount)
 ORDER BY period, rule;
-- a film contract signed mid-quarter, on 17 November 2022
SELECT active, period, rule, amount,
       cultuur.prorata(active, period, rule) AS prorata,
       cultuur.prorate(amount, active, period, rule) AS prorate
  FROM (VALUES ('[2022-11-17,2024-10-01)'::daterange, '[2022-10-01,2023-01-01)'::daterange, 1588.25)) AS v(active, period, amount),
       unnest(enum_range(NULL::cultuur.prorata_rule)) AS rule;

--
-- Unbounded active ranges, and no overlap -> 0: the last six rows lie
-- before or after 2022 (touching its ends), are empty, or sit at +/-infinity
--
SELECT active, period, rule, amount,
       cultuur.prorata(active, period, rule) AS prorata,
       cultuur.prorate(amount, active, period, rule) AS prorate
  FROM unnest('{"(,)", "[2022-11-01,)", "(,2022-03-01)", "(,2022-02-28]",
                 "[-infinity,infinity]", "[-infinity,2022-06-15)", "[2022-06-15,infinity)",
                 "[2020-01-01,2021-01-01)", "[2023-01-01,)", "(,2022-01-01)",
                 empty, "[infinity,)", "(,-infinity]"}'::daterange[]) WITH ORDINALITY AS v(active, i),
       (VALUES ('[2022-01-01,2023-01-01)'::daterange)) AS p(period),
       unnest(enum_range(NULL::cultuur.prorata_rule)) AS rule,
       (VALUES (70509.82)) AS a(amount)
 ORDER BY rule, i;

-- a period of whole months may be written with an inclusive end
SELECT cultuur.prorate(70509.82, '[2022-11-01,)', '[2022-01-01,2022-12-31]') AS inclusive_end,
       cultuur.prorate(70509.82, '[2022-11-01,)', '(2021-12-31,2023-01-01)') AS exclusive_start;
-- the rule day accepts any period, e.g. 10 to 19 March (10 days)
SELECT active, period, rule, amount, cultuur.prorata(active, period, rule) AS prorata,
       cultuur.prorate(amount, active, period, rule) AS prorate
  FROM (VALUES ('[2023-03-15,)'::daterange, '[2023-03-10,2023-03-20)'::daterange,
                'day'::cultuur.prorata_rule, 100.01)) AS v(active, period, rule, amount);

--
-- Exactness: prorate never multiplies by a rounded fraction.
-- round(amount * n / d, 2) against the same with n/d rounded to 4 or to
-- 6 decimals first; every row here is a case where the shortcut is wrong.
--   2/12   70509.82: exact 11751.636... -> 11751.64; x 0.1667 = 11753.987 -> 11753.99
--   47/365 70509.82: exact 9079.346... -> 9079.35;   x 0.128767 = 9079.339 -> 9079.34
--   258/365 81550.00: exact 57643.561... -> 57643.56; x 0.706849 = 57643.536 -> 57643.54
--   1/366  52518.17: exact 143.492... -> 143.49;     x 0.002732 = 143.4796 -> 143.48
--   306/366 99999.99: exact 83606.549... -> 83606.55; x 0.836066 = 83606.591 -> 83606.59
--   61/92  11751.64: exact 7791.847... -> 7791.85;   x 0.663043 = 7791.842 -> 7791.84
--
SELECT active, period, rule, amount,
       cultuur.prorate(amount, active, period, rule) AS prorate,
       round(amount * round(cultuur.prorata(active, period, rule), 4), 2) AS via_4_decimals,
       round(amount * round(cultuur.prorata(active, period, rule), 6), 2) AS via_6_decimals
  FROM (VALUES
    ('[2022-11-01,)'::daterange, '[2022-01-01,2023-01-01)'::daterange, 'month'::cultuur.prorata_rule, 70509.82),
    ('[2022-11-15,)', '[2022-01-01,2023-01-01)', 'day', 70509.82),
    ('[2026-01-01,2026-09-16)', '[2026-01-01,2027-01-01)', 'day', 81550.00),
    ('[2024-02-29,2024-03-01)', '[2024-01-01,2025-01-01)', 'day', 52518.17),
    ('[2024-03-01,)', '[2024-01-01,2025-01-01)', 'day', 99999.99),
    ('[2022-11-01,)', '[2022-10-01,2023-01-01)', 'day', 11751.64)
  ) AS v(active, period, rule, amount);

-- Even the 20-digit display value of prorata is not good enough on an
-- exact half cent: 1/12 of 1200.06 is exactly 100.005 -> 100.01, but
-- 1200.06 x 0.08333333333333333333 = 100.00499999... -> 100.00.
-- Likewise 7/12 of 8.58 = 5.005 -> 5.01 and 4/12 of 0.015 = 0.005 -> 0.01
-- (4/12 of 0.03 = 0.01 exactly comes out right both ways).
SELECT active, period, rule, amount,
       cultuur.prorata(active, period, rule) AS prorata,
       cultuur.prorate(amount, active, period, rule) AS prorate,
       round(amount * cultuur.prorata(active, period, rule), 2) AS via_display_share
  FROM (VALUES
    ('[2022-12-01,)'::daterange, '[2022-01-01,2023-01-01)'::daterange, 'month'::cultuur.prorata_rule, 1200.06),
    ('[2022-06-01,)', '[2022-01-01,2023-01-01)', 'month', 8.58),
    ('[2022-09-01,)', '[2022-01-01,2023-01-01)', 'month', 0.03),
    ('[2022-09-01,)', '[2022-01-01,2023-01-01)', 'month', 0.015)
  ) AS v(active, period, rule, amount);

-- Half cents in general: 1/2 of 0.01 = 0.005 -> 0.01; 1/2 of 0.03 = 0.015
-- -> 0.02 (to even would also give 0.02); 1/2 of 0.05 = 0.025 -> 0.03 (to
-- even would give 0.02)
SELECT active, period, rule, amount, cultuur.prorate(amount, active, period, rule) AS prorate
  FROM (VALUES ('[2022-07-01,)'::daterange), ('(,2022-07-01)')) AS v(active),
       (VALUES ('[2022-01-01,2023-01-01)'::daterange)) AS p(period),
       (VALUES ('month'::cultuur.prorata_rule)) AS r(rule),
       unnest('{0.01, 0.03, 0.05, 0.125, 70509.81}'::numeric[]) AS amount
 ORDER BY active, amount;

--
-- Negative amounts (credit notes) are symmetric: prorate(-x) = -prorate(x),
-- half cents rounded away from zero (1/12 of -1200.06 = -100.005 -> -100.01).
--
SELECT active, period, rule, amount, cultuur.prorate(amount, active, period, rule) AS prorate,
       cultuur.prorate(-amount, active, period, rule) = -cultuur.prorate(amount, active, period, rule) AS symmetric
  FROM (VALUES
    ('[2022-12-01,)'::daterange, '[2022-01-01,2023-01-01)'::daterange, 'month'::cultuur.prorata_rule, -1200.06),
    ('[2022-11-01,)', '[2022-01-01,2023-01-01)', 'month', -70509.82),
    ('[2022-11-15,)', '[2022-01-01,2023-01-01)', 'day', -70509.82),
    ('[2022-11-15,)', '[2022-01-01,2023-01-01)', 'full_month', -70509.82),
    ('[2022-07-01,)', '[2022-01-01,2023-01-01)', 'month', -0.05),
    ('[2022-07-01,)', '[2022-01-01,2023-01-01)', 'month', -0.01),
    ('[2024-02-29,2024-03-01)', '[2024-01-01,2025-01-01)', 'day', -52518.17),
    ('(,)', '[2024-01-01,2025-01-01)', 'day', -0.005),
    ('[2030-01-01,)', '[2024-01-01,2025-01-01)', 'day', -123.45)
  ) AS v(active, period, rule, amount);

-- a full share returns the amount rounded to cents; a zero share 0.00
SELECT cultuur.prorate(70509.825, '(,)', '[2022-01-01,2023-01-01)') AS full_share,
       cultuur.prorate(-70509.825, '(,)', '[2022-01-01,2023-01-01)') AS full_credit,
       cultuur.prorate(70509.82, 'empty', '[2022-01-01,2023-01-01)') AS no_share;
-- large amounts stay exact: 1/3 of 10^30 + 0.02
SELECT cultuur.prorate(1000000000000000000000000000000.02, '[2022-09-01,)', '[2022-01-01,2023-01-01)') AS third;

--
-- The share as it is computed, for an invoice line (prorata_fraction):
-- unreduced, so that amount = yearly amount x n / d can be redone by hand.
-- From 15 July: 17 + 31 + 31 + 30 + 31 + 30 + 31 = 170 days of 365 (2026)
-- or 366 (2024); 6 months with a day in force, 5 whole months; in the
-- third quarter 17 + 31 + 30 = 78 days of 92.
--
SELECT cultuur.prorata_fraction('[2026-07-15,)', '[2026-01-01,2027-01-01)', 'day') AS day_2026,
       cultuur.prorata_fraction('[2024-07-15,)', '[2024-01-01,2025-01-01)', 'day') AS day_2024,
       cultuur.prorata_fraction('[2026-07-15,)', '[2026-01-01,2027-01-01)') AS month,
       cultuur.prorata_fraction('[2026-07-15,)', '[2026-01-01,2027-01-01)', 'full_month') AS full_month,
       cultuur.prorata_fraction('[2026-07-15,)', '[2026-07-01,2026-10-01)', 'day') AS quarter_day,
       cultuur.prorata_fraction('(,)', '[2026-07-01,2026-10-01)') AS whole_quarter,
       cultuur.prorata_fraction('empty', '[2026-01-01,2027-01-01)') AS none;
-- it is the fraction prorata() and prorate() compute with: 1,000 contracts
-- starting and ending on every kind of day, each rule, a year and a
-- quarter (6,000 cases)
SELECT count(*) AS cases,
       count(*) FILTER (WHERE split_part(f, '/', 1)::numeric / split_part(f, '/', 2)::numeric <> p) AS disagree,
       count(*) FILTER (WHERE round(100000.00 * split_part(f, '/', 1)::numeric / split_part(f, '/', 2)::numeric, 2)
                              <> cultuur.prorate(100000.00, a, per, r)) AS amount_disagrees
  FROM (SELECT a, per, r, cultuur.prorata_fraction(a, per, r) AS f, cultuur.prorata(a, per, r) AS p
          FROM generate_series(0, 999) i
         CROSS JOIN LATERAL (SELECT daterange(least(date '2025-11-20' + (i * 7) % 500, date '2026-03-01' + (i * 13) % 400),
                                              greatest(date '2025-11-20' + (i * 7) % 500, date '2026-03-01' + (i * 13) % 400)) AS a) x
         CROSS JOIN unnest(ARRAY['month', 'full_month', 'day']::cultuur.prorata_rule[]) r
         CROSS JOIN unnest(ARRAY[daterange('2026-01-01', '2027-01-01'),
                                 daterange('2026-04-01', '2026-07-01')]) per
        ) q;

--
-- A few refusals (22023); the sweep is in badinput
--
-- month and full_month need whole months
SELECT cultuur.prorata('[2022-11-01,)', '[2022-01-15,2023-01-01)');
SELECT cultuur.prorate(100, '[2022-11-01,)', '[2022-01-01,2022-12-31)', 'full_month');
-- the period must be bounded and non-empty
SELECT cultuur.prorata('[2022-11-01,)', '[2022-01-01,)', 'day');
SELECT cultuur.prorata('[2022-11-01,)', 'empty', 'day');
-- the amount must be finite
SELECT cultuur.prorate('NaN', '[2022-11-01,)', '[2022-01-01,2023-01-01)');
-- a label added to the enum by hand is refused with an error of its own,
-- not an internal one
ALTER TYPE cultuur.prorata_rule ADD VALUE IF NOT EXISTS 'week';
SELECT cultuur.prorata('[2022-11-01,2023-01-01)', '[2022-01-01,2023-01-01)', 'week'); \echo SQLSTATE :SQLSTATE
