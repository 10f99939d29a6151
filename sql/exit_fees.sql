-- Exit fees (doc/rules.md §6): exit_fee(rates, entry_year, exit_year, basis)
-- k = exit_year - entry_year + 1; k < 1 is an error; k beyond the rates
-- costs 0.00 (the initial term is over); else round(rates[k] * basis, 2).
-- rates[k] is the k-th element, whatever the array's lower bound.
--
-- Bijlage A section 2, entry year 2022, EUR per inhabitant:
--   k = 1 (2022) 0.1240, 2 (2023) 0.0827, 3 (2024) 0.0413, 4 (2025) 0.0413

--
-- worked example of doc/rules.md and table: Antwerp, basis 80 % of 529,417 = 423,533.6
--   2022: 0.1240 x 423533.6 = 52518.1664  -> 52,518.17
--   2023: 0.0827 x 423533.6 = 35026.22872 -> 35,026.23 (the worked example of doc/rules.md)
--   2024: 0.0413 x 423533.6 = 17491.93768 -> 17,491.94
--   2025: same rate                        -> 17,491.94
--   2026, 2027: after the initial term     -> 0.00
--
SELECT rates, entry_year, exit_year, basis,
       cultuur.exit_fee(rates, entry_year, exit_year, basis) AS exit_fee
  FROM (VALUES ('{0.1240, 0.0827, 0.0413, 0.0413}'::numeric[])) AS r(rates),
       (VALUES (2022)) AS e(entry_year),
       generate_series(2022, 2027) AS exit_year,
       (VALUES (529417 * 0.8)) AS b(basis)
 ORDER BY exit_year;

-- The basis is taken from the inhabitants of 1 January of the exit year:
-- Antwerp on 1 January 2022 had 530,630 -> 424,504.0;
--   2022: 0.1240 x 424504.0 = 52638.496   -> 52,638.50
--   2023: 0.0827 x 424504.0 = 35106.4808  -> 35,106.48
-- and a contract at 100 % of 530,630:
--   2024: 0.0413 x 530630 = 21915.019     -> 21,915.02
SELECT rates, entry_year, exit_year, basis,
       cultuur.exit_fee(rates, entry_year, exit_year, basis) AS exit_fee
  FROM (VALUES ('{0.1240, 0.0827, 0.0413, 0.0413}'::numeric[])) AS r(rates),
       (VALUES (2022, 2022, 424504.0), (2022, 2023, 424504.0), (2022, 2024, 530630)) AS v(entry_year, exit_year, basis);

-- Another entry year: the same four-year table shifted (k counts from the
-- entry year itself).
SELECT rates, entry_year, exit_year, basis,
       cultuur.exit_fee(rates, entry_year, exit_year, basis) AS exit_fee
  FROM (VALUES ('{0.1240, 0.0827, 0.0413, 0.0413}'::numeric[])) AS r(rates),
       (VALUES (2024)) AS e(entry_year),
       generate_series(2024, 2029) AS exit_year,
       (VALUES (100000)) AS b(basis)
 ORDER BY exit_year;

--
-- Arrays with another lower bound: rates[k] is still the k-th element.
-- '[2022:2025]' indexes the rates by year, '[0:3]' from zero; all give
-- the same fees as the 1-based array.
--
SELECT rates, entry_year, exit_year, basis,
       cultuur.exit_fee(rates, entry_year, exit_year, basis) AS exit_fee
  FROM (VALUES ('[0:3]={0.1240, 0.0827, 0.0413, 0.0413}'::numeric[]),
               ('[2022:2025]={0.1240, 0.0827, 0.0413, 0.0413}'),
               ('[-5:-2]={0.1240, 0.0827, 0.0413, 0.0413}')) AS r(rates),
       (VALUES (2022)) AS e(entry_year),
       generate_series(2022, 2026) AS exit_year,
       (VALUES (423533.6)) AS b(basis)
 ORDER BY array_lower(rates, 1), exit_year;
SELECT cultuur.exit_fee('[2022:2025]={0.1240, 0.0827, 0.0413, 0.0413}', 2022, 2023, 423533.6)
     = cultuur.exit_fee('{0.1240, 0.0827, 0.0413, 0.0413}', 2022, 2023, 423533.6) AS same;

--
-- An empty array: no initial-term fee at all, for every k >= 1
--
SELECT rates, entry_year, exit_year, basis,
       cultuur.exit_fee(rates, entry_year, exit_year, basis) AS exit_fee
  FROM (VALUES ('{}'::numeric[])) AS r(rates),
       (VALUES (2022)) AS e(entry_year),
       (VALUES (2022), (2023), (2100)) AS x(exit_year),
       (VALUES (423533.6)) AS b(basis);

-- k far beyond the array, even at the ends of the int range (k is
-- computed without overflow): 0.00
SELECT rates, entry_year, exit_year, basis,
       cultuur.exit_fee(rates, entry_year, exit_year, basis) AS exit_fee
  FROM (VALUES ('{0.1240, 0.0827, 0.0413, 0.0413}'::numeric[], -2147483648, 2147483647, 423533.6),
               ('{0.1240, 0.0827, 0.0413, 0.0413}', 2022, 2147483647, 423533.6),
               ('{0.1240}', 2022, 2023, 423533.6)) AS v(rates, entry_year, exit_year, basis);

--
-- Half a cent goes away from zero (up, for these non-negative fees)
--   0.0413 x 50  = 2.065   -> 2.07 (to even would give 2.06)
--   0.0827 x 50  = 4.135   -> 4.14
--   0.0413 x 150 = 6.195   -> 6.20
--   0.1240 x 0.0375 = 0.00465 -> 0.00 (below half a cent)
--   0.1240 x 0.0404 = 0.0050096 -> 0.01
--
SELECT rates, entry_year, exit_year, basis,
       cultuur.exit_fee(rates, entry_year, exit_year, basis) AS exit_fee
  FROM (VALUES ('{0.1240, 0.0827, 0.0413, 0.0413}'::numeric[])) AS r(rates),
       (VALUES (2022, 2024, 50), (2022, 2023, 50), (2022, 2025, 150),
               (2022, 2022, 0.0375), (2022, 2022, 0.0404)) AS v(entry_year, exit_year, basis);

-- A zero basis or a zero rate cost 0.00; large numbers stay exact
SELECT rates, entry_year, exit_year, basis,
       cultuur.exit_fee(rates, entry_year, exit_year, basis) AS exit_fee
  FROM (VALUES ('{0.1240, 0}'::numeric[], 2022, 2022, 0),
               ('{0.1240, 0}', 2022, 2023, 423533.6),
               ('{0.123456789, 1}', 2022, 2022, 123456789012345678901234567890),
               ('{999999999.999999}', 2022, 2022, 999999999.999999)) AS v(rates, entry_year, exit_year, basis);

--
-- A few refusals; the sweep is in badinput
--
-- notice before the entry year: k = 0 (22023)
SELECT cultuur.exit_fee('{0.1240, 0.0827, 0.0413, 0.0413}', 2022, 2021, 423533.6);
SELECT cultuur.exit_fee('{}', 2022, 2000, 423533.6);
-- a negative basis or rate (22023), a missing rate (22004)
SELECT cultuur.exit_fee('{0.1240}', 2022, 2022, -1);
SELECT cultuur.exit_fee('{0.1240, -0.0827}', 2022, 2022, 423533.6);
SELECT cultuur.exit_fee('{0.1240, NULL}', 2022, 2022, 423533.6);
-- two dimensions (22023)
SELECT cultuur.exit_fee('{{0.1240}, {0.0827}}', 2022, 2022, 423533.6);
