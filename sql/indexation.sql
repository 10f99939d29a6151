-- Indexation (doc/rules.md §5): indexed(amount, base_index, new_index)
-- = round(amount * new_index / base_index, 2), divided exactly and rounded
-- once, half away from zero.
--
-- Index values of January (base 2013 = 100), from data/be_index.csv:
--          2020    2021    2022    2023    2024    2025
--   cpi    109.69  109.97  118.32  127.84  130.08  135.39
--   health 109.72  110.35  118.21  128.00  130.19  135.52

--
-- worked example of doc/rules.md (e-books, Antwerp, 2023): inhabitants on 1 January
-- 2022 = 530,630 -> basis 80 % = 424,504.0; 0.1645 x 424504.0 = 69830.908
-- -> 69,830.91; + 838.54 fixed = 70,669.45 before indexation.
-- x 127.84 / 118.32 = 76355.4977... -> 76,355.50 (+8.05 %).
--
SELECT 838.54 + cultuur.volume_charge('0.1645', 530630 * 80 / 100.0) AS before_indexation;
SELECT amount, base_index, new_index, cultuur.indexed(amount, base_index, new_index) AS indexed
  FROM (VALUES (70669.45, 118.32, 127.84)) AS v(amount, base_index, new_index);
SELECT round(100 * (cultuur.indexed(70669.45, 118.32, 127.84) / 70669.45 - 1), 2) AS pct_increase;

-- The 2023 fee indexed to each later January, CPI and health index; the
-- base is always the index of the starting year (never chained).
SELECT s.series, y AS year, amount, base_index, new_index,
       cultuur.indexed(amount, base_index, new_index) AS indexed
  FROM (VALUES ('cpi', 118.32, '{118.32, 127.84, 130.08, 135.39}'::numeric[]),
               ('health', 118.21, '{118.21, 128.00, 130.19, 135.52}'::numeric[])) AS s(series, base_index, idx),
       LATERAL unnest(s.idx) WITH ORDINALITY AS u(new_index, k),
       LATERAL (SELECT 2021 + k::int AS y) AS yy,
       (VALUES (70669.45)) AS a(amount)
 ORDER BY s.series, y;

-- doc/rules.md's 2022 fee 70,509.82 and the lot prices, indexed by CPI
-- 2022 -> 2023, 2023 -> 2024 and 2024 -> 2025; the health index for film.
SELECT amount, base_index, new_index, cultuur.indexed(amount, base_index, new_index) AS indexed
  FROM unnest('{70509.82, 69671.28, 838.54, 6353.00, 1588.25, 35026.23, 52518.17, 0.01}'::numeric[]) AS amount,
       (VALUES (118.32, 127.84), (127.84, 130.08), (130.08, 135.39),
               (118.21, 128.00), (109.97, 118.32)) AS i(base_index, new_index)
 ORDER BY amount, base_index;

--
-- Identity: the same index leaves the amount as it is (rounded to cents)
--
SELECT amount, base_index, new_index, cultuur.indexed(amount, base_index, new_index) AS indexed
  FROM unnest('{70669.45, 0, 0.01, 1.005, 1.004999, -1.005, 123456789012.345}'::numeric[]) AS amount,
       (VALUES (118.32, 118.32), (100, 100.000), (0.000001, 0.000001)) AS i(base_index, new_index);

--
-- Half a cent goes away from zero
--
SELECT amount, base_index, new_index, cultuur.indexed(amount, base_index, new_index) AS indexed
  FROM (VALUES
    -- 1.00 x 102.5 / 100 = 1.025 -> 1.03 (to even would give 1.02)
    (1.00, 100.00, 102.50),
    -- 0.20 x 1.025 = 0.205 -> 0.21
    (0.20, 100.00, 102.50),
    -- 70669.40 x 1.025 = 72436.135 -> 72436.14
    (70669.40, 100.00, 102.50),
    -- 0.50 x 111.1 / 110 = 0.505 -> 0.51
    (0.50, 110.00, 111.10),
    -- 10.01 / 2 = 5.005 -> 5.01; 0.01 / 2 = 0.005 -> 0.01
    (10.01, 2, 1),
    (0.01, 2, 1),
    -- just under half a cent: 0.009999 / 2 = 0.0049995 -> 0.00
    (0.009999, 2, 1),
    -- credits: -0.50 x 1.01 = -0.505 -> -0.51; -1.00 x 1.025 = -1.025 -> -1.03
    (-0.50, 110.00, 111.10),
    (-1.00, 100.00, 102.50),
    (-0.01, 2, 1)
  ) AS v(amount, base_index, new_index);

--
-- Exactness.  In every row below at least one shortcut gives the wrong
-- cent: multiplying by the factor rounded to 4 or 6 decimals, or rounding
-- the result to 3 decimals before rounding to cents.
--   70669.45 x 127.84/118.32 = 76355.4977... -> 76355.50;
--            x 1.0805 = 76358.34; x 1.080460 = 76355.51 (the worked example of doc/rules.md!)
--   70000.01 x 127.84/118.32 = 75632.19471... -> 75632.19;
--            via 75632.195 -> 75632.20
--   69671.28 x 130.08/118.32 = 76596.0117... -> 76596.01;
--            x 1.099391 = 76595.98; x 1.0994 = 76596.61
--
SELECT amount, base_index, new_index, cultuur.indexed(amount, base_index, new_index) AS indexed,
       round(amount * round(new_index / base_index, 4), 2) AS via_factor_4,
       round(amount * round(new_index / base_index, 6), 2) AS via_factor_6,
       round(round(amount * new_index / base_index, 3), 2) AS via_3_decimals
  FROM (VALUES (70669.45, 118.32, 127.84),
               (70000.01, 118.32, 127.84),
               (70000.26, 118.32, 127.84),
               (69671.28, 118.32, 130.08),
               (52518.17, 130.08, 135.39),
               (99999.99, 118.21, 135.52)) AS v(amount, base_index, new_index);

-- Even SQL's own round(amount * new / base, 2) is not exact: numeric
-- division stops at about 20 digits.  1 x 4999999999999999999999999 / 10^27
-- = 0.004999999999999999999999999 -> 0.00, but the division gives
-- 0.00500000000000000000, which rounds to 0.01.
SELECT amount, base_index, new_index, cultuur.indexed(amount, base_index, new_index) AS indexed,
       round(amount * new_index / base_index, 2) AS via_sql_division
  FROM (VALUES (1, 1e27, 4999999999999999999999999),
               (-1, 1e27, 4999999999999999999999999),
               (3, 3e27, 4999999999999999999999999)) AS v(amount, base_index, new_index);

-- Indexation always starts from the base amount: chaining yearly indexed
-- amounts rounds at every step and drifts.
--   direct:  70669.45 x 135.39 / 118.32 = 80864.9158... -> 80864.92
--   chained: 70669.45 -> 76355.50 (2023) -> x 130.08 / 127.84 = 77693.39
--            (2024) -> x 135.39 / 130.08 = 80864.914... -> 80864.91 (2025)
SELECT cultuur.indexed(70669.45, 118.32, 135.39) AS direct,
       cultuur.indexed(cultuur.indexed(cultuur.indexed(70669.45, 118.32, 127.84),
                                       127.84, 130.08),
                       130.08, 135.39) AS chained;

-- A falling index lowers the amount (CPI January -> March 2020)
SELECT amount, base_index, new_index, cultuur.indexed(amount, base_index, new_index) AS indexed
  FROM (VALUES (70669.45, 109.69, 109.53), (70669.45, 127.84, 118.32)) AS v(amount, base_index, new_index);

-- Large and tiny numbers stay exact
SELECT amount, base_index, new_index, cultuur.indexed(amount, base_index, new_index) AS indexed
  FROM (VALUES (123456789012345678901234567890.12, 118.32, 127.84),
               (0.000001, 0.000001, 1000000),
               (70669.45, 0.0000000001, 0.0000000002)) AS v(amount, base_index, new_index);

--
-- A few refusals (22023); the sweep is in badinput
--
SELECT cultuur.indexed(70669.45, 0, 127.84);
SELECT cultuur.indexed(70669.45, 118.32, -1);
SELECT cultuur.indexed(70669.45, 'NaN', 127.84);
SELECT cultuur.indexed('Infinity', 118.32, 127.84);
