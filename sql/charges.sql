-- Prices and charges from a tier schedule (doc/rules.md §3):
-- tier_price, volume_charge (both forms) and graduated_charge.
--
-- Film lots (Bijlage A), thresholds strict (">"):
--   1B  6.79;  >1000: 6.11;   >2000: 5.43       per unique user per month
--   2A  0.015; >500000: 0.015; >1000000: 0.0121 per inhabitant per year
--   2B  3.03;  >1000: 2.42;   >2000: 1.815      per unique user per month
--   4A  0.022; >500000: 0.018; >1000000: 0.0165 per inhabitant per year
--   4B  1.21;  >1000: 0.98;   >2000: 0.932      per unique user per month
CREATE TEMP TABLE lot (lot text PRIMARY KEY, t cultuur.tiers NOT NULL);
INSERT INTO lot VALUES
  ('1B', '6.79; >1000: 6.11; >2000: 5.43'),
  ('2A', '0.015; >500000: 0.015; >1000000: 0.0121'),
  ('2B', '3.03; >1000: 2.42; >2000: 1.815'),
  ('4A', '0.022; >500000: 0.018; >1000000: 0.0165'),
  ('4B', '1.21; >1000: 0.98; >2000: 0.932');

--
-- tier_price on the user lots: exactly 1000 users is still the first tier,
-- anything above 1000 -- however little -- is the second (exact numeric
-- comparison, no rounding of the volume).
--
SELECT lot, volume, cultuur.tier_price(t, volume) AS tier_price
  FROM lot, unnest('{0, 1, 999, 999.999999, 1000, 1000.0000000000001,
                     1000.000001, 1001, 1500, 1999.999999, 2000,
                     2000.0000000000000000000000000001, 2000.000001, 2001,
                     1000000, 123456789012345678901234567890}'::numeric[]) AS volume
 WHERE lot IN ('1B', '2B', '4B')
 ORDER BY lot, volume;

-- The per-inhabitant lots; in lot 2A the first two tiers have the same
-- price (0.015), which is legal: only above 1,000,000 does it drop.
SELECT lot, volume, cultuur.tier_price(t, volume) AS tier_price
  FROM lot, unnest('{0, 423533.6, 499999.999999, 500000, 500000.000001,
                     999999.999999, 1000000, 1000000.0000000000001,
                     1000000.000001, 6500000}'::numeric[]) AS volume
 WHERE lot IN ('2A', '4A')
 ORDER BY lot, volume;

--
-- '>' against '>=': the bound itself moves to the higher tier with '>='.
--
SELECT t, volume, cultuur.tier_price(t::cultuur.tiers, volume) AS tier_price
  FROM unnest('{6.79; >1000: 6.11, 6.79; >=1000: 6.11}'::text[]) AS t,
       unnest('{999.999999, 999.9999999999999, 1000, 1000.000000000001}'::numeric[]) AS volume
 ORDER BY t, volume;
-- Fractional bounds
SELECT t, volume, cultuur.tier_price(t::cultuur.tiers, volume) AS tier_price
  FROM unnest('{5; >=2.5: 4; >3.75: 3}'::text[]) AS t,
       unnest('{0, 2, 2.4999999999, 2.5, 3, 3.75, 3.7500000001, 4}'::numeric[]) AS volume
 ORDER BY volume;
-- a schedule of one tier has one price for every volume
SELECT t, volume, cultuur.tier_price(t::cultuur.tiers, volume) AS tier_price
  FROM (VALUES ('0.1645')) AS s(t), unnest('{0, 1, 423533.6, 1e20}'::numeric[]) AS volume;
-- the result is a numeric with the price's own decimals
SELECT cultuur.tier_price('6.10; >=100: 5.00', 1) AS p1,
       cultuur.tier_price('6.10; >=100: 5.00', 100) AS p2,
       pg_typeof(cultuur.tier_price('6.10; >=100: 5.00', 100));

--
-- volume_charge(t, units, tier_volume): all units of one library at the
-- price the consortium-wide volume selects.
--
SELECT lot, units, tier_volume, cultuur.volume_charge(t, units, tier_volume) AS volume_charge
  FROM lot, (VALUES
    -- Antwerp, lot 1B: 150 users; consortium 900 (tier 1), exactly 1000
    -- (still tier 1), 1000.5 (tier 2), 2500 (tier 3)
    ('1B', 150, 900), ('1B', 150, 1000), ('1B', 150, 1000.5), ('1B', 150, 2500),
    -- lot 1B, 1 user: 6.79 / 6.11 / 5.43
    ('1B', 1, 1), ('1B', 1, 1001), ('1B', 1, 2001),
    -- lot 2A: Antwerp's 80 % basis 423,533.6 inhabitants
    --   consortium 480,000:   0.015  x 423533.6 =  6353.004    ->  6353.00
    --   consortium 6,500,000: 0.0121 x 423533.6 =  5124.75656  ->  5124.76
    ('2A', 423533.6, 480000), ('2A', 423533.6, 6500000),
    -- lot 4A: 0.022 x 423533.6 = 9317.7392 -> 9317.74;
    --         0.018 x 423533.6 = 7623.6048 -> 7623.60;
    --         0.0165 x 423533.6 = 6988.3044 -> 6988.30
    ('4A', 423533.6, 423533.6), ('4A', 423533.6, 999999), ('4A', 423533.6, 1000001),
    -- lot 2B: 77 users at 1.815 = 139.755 -> 139.76 (half a cent, up)
    ('2B', 77, 2001), ('2B', 77, 2000), ('2B', 77, 1000),
    -- lot 4B: 333 users at 0.932 = 310.356 -> 310.36; at 0.98 = 326.34
    ('4B', 333, 2500), ('4B', 333, 1500), ('4B', 333, 333)
  ) AS v(l, units, tier_volume)
 WHERE lot.lot = v.l
 ORDER BY lot, tier_volume;

-- volume_charge(t, units): the units choose their own tier
SELECT lot, units, cultuur.volume_charge(t, units) AS volume_charge
  FROM lot, unnest('{0, 1, 1000, 1001, 2000, 2001, 2500, 12345}'::numeric[]) AS units
 WHERE lot IN ('1B', '2B', '4B')
 ORDER BY lot, units;
-- a volume discount can make more units cost less: 1000 users at 6.79
-- = 6790.00, 1001 users at 6.11 = 6116.11
SELECT cultuur.volume_charge('6.79; >1000: 6.11', 1000) AS at_1000,
       cultuur.volume_charge('6.79; >1000: 6.11', 1001) AS at_1001;

--
-- Half a cent is rounded away from zero (round half up for these
-- non-negative amounts), never to even.
--
SELECT t, units, tier_volume, cultuur.volume_charge(t::cultuur.tiers, units, tier_volume) AS volume_charge
  FROM (VALUES
    -- 1 x 0.015 = 0.015 -> 0.02
    ('0.015', 1, 1),
    -- 3 x 0.015 = 0.045 -> 0.05
    ('0.015', 3, 3),
    -- 1 x 0.125 = 0.125 -> 0.13 (to even would give 0.12)
    ('0.125', 1, 1),
    -- 2 x 0.0125 = 0.025 -> 0.03 (to even would give 0.02)
    ('0.0125', 2, 2),
    -- 5 x 1.815 = 9.075 -> 9.08
    ('3.03; >1000: 2.42; >2000: 1.815', 5, 2001),
    -- 1 x 1.815 = 1.815 -> 1.82
    ('3.03; >1000: 2.42; >2000: 1.815', 1, 2001),
    -- 0.5 x 0.01 = 0.005 -> 0.01
    ('0.01', 0.5, 0.5),
    -- 0.5 x 0.009999 = 0.0049995 -> 0.00 (just under half a cent)
    ('0.009999', 0.5, 0.5),
    -- 333 x 0.0165 = 5.4945 -> 5.49 (the 4 decides; no double rounding via 5.495)
    ('0.0165', 333, 333),
    -- 999 x 0.0165 = 16.4835 -> 16.48
    ('0.0165', 999, 999),
    -- 1001 x 0.0165 = 16.5165 -> 16.52
    ('0.0165', 1001, 1001)
  ) AS v(t, units, tier_volume);

--
-- Large volumes: exact, whatever the size.
--
SELECT t, units, tier_volume, cultuur.volume_charge(t::cultuur.tiers, units, tier_volume) AS volume_charge
  FROM (VALUES
    ('0.015; >500000: 0.015; >1000000: 0.0121', 11700000::numeric, 11700000::numeric),
    ('6.79; >1000: 6.11; >2000: 5.43', 123456789, 123456789),
    ('999999999999.999999', 999999999999.999999, 1),
    ('0.000001', 123456789012345678901234567890, 0),
    ('0.000001; >1: 0.000002', 5000, 1e30)
  ) AS v(t, units, tier_volume);

--
-- graduated_charge: unit n priced at tier_price(t, n), summed, rounded once.
-- Lot 1B, 2500 users: 1000 x 6.79 + 1000 x 6.11 + 500 x 5.43
--   = 6790 + 6110 + 2715 = 15615.00 (volume pricing: 2500 x 5.43 = 13575.00)
--
SELECT cultuur.graduated_charge('6.79; >1000: 6.11; >2000: 5.43', 2500) AS graduated,
       cultuur.volume_charge('6.79; >1000: 6.11; >2000: 5.43', 2500) AS volume;

SELECT lot, units, cultuur.graduated_charge(t, units) AS graduated_charge
  FROM lot, unnest('{0, 1, 999, 1000, 1001, 1999, 2000, 2001, 2500, 10000000}'::numeric[]) AS units
 WHERE lot IN ('1B', '2B', '4B')
 ORDER BY lot, units;

-- Per-inhabitant lots: 2A repeats 0.015, so up to 1,000,000 it is flat.
-- 6,500,000 in 2A: 1,000,000 x 0.015 + 5,500,000 x 0.0121 = 15000 + 66550
SELECT lot, units, cultuur.graduated_charge(t, units) AS graduated_charge
  FROM lot, unnest('{423533.6, 500000, 500001, 1000000, 1000001, 6500000}'::numeric[]) AS units
 WHERE lot IN ('2A', '4A')
 ORDER BY lot, units;

-- A fractional last unit is priced in the band of its unit number:
-- 1000.5 units under '>1000': 1000 x 6.79 + 0.5 x 6.11 = 6793.055 -> 6793.06
-- 2.5 units under '>=3': unit 3 is partial and priced at 4: 2 x 5 + 0.5 x 4 = 12
-- 0.000001 of a unit under '5; >0: 4': unit 1 is in the second tier
-- 2.1 units under '>=2.5': 0.1 of unit 3 at 4 (unit 3 >= 2.5), although
-- the position 2.1 itself is below 2.5: 2 x 5 + 0.1 x 4 = 10.40
SELECT t, units, cultuur.graduated_charge(t::cultuur.tiers, units) AS graduated_charge
  FROM (VALUES ('6.79; >1000: 6.11; >2000: 5.43', 1000.5),
               ('6.79; >1000: 6.11; >2000: 5.43', 999.5),
               ('6.79; >1000: 6.11; >2000: 5.43', 0.5),
               ('6.79; >1000: 6.11; >2000: 5.43', 2000.25),
               ('5; >=3: 4', 2.5),
               ('5; >=3: 4', 3.5),
               ('5; >0: 4', 0.000001),
               ('5; >0: 4', 0.2),
               ('5; >=2.5: 4; >3.75: 3', 2),
               ('5; >=2.5: 4; >3.75: 3', 2.1),
               ('5; >=2.5: 4; >3.75: 3', 3),
               ('5; >=2.5: 4; >3.75: 3', 3.2),
               ('5; >=2.5: 4; >3.75: 3', 4),
               ('5; >=2.5: 4; >3.75: 3', 4.75),
               ('1; >1000.2: 2; >1000.5: 3', 1001),
               ('1; >1000: 2; >=1000.5: 3', 1001),
               ('0.001; >=0.000001: 0.003; >0.5: 0.007; >=2.000001: 0.011', 10)
       ) AS v(t, units);

-- Half cents in graduated sums: 3 x 0.015 = 0.045 -> 0.05;
-- 1000 x 0.001 + 5 x 0.003 = 1.015 -> 1.02
SELECT t, units, cultuur.graduated_charge(t::cultuur.tiers, units) AS graduated_charge
  FROM (VALUES ('0.015', 3), ('0.001; >1000: 0.003', 1005), ('0.125', 1)) AS v(t, units);

-- Large volumes
SELECT t, units, cultuur.graduated_charge(t::cultuur.tiers, units) AS graduated_charge
  FROM (VALUES ('6.79; >1000: 6.11; >2000: 5.43', 123456789012345::numeric),
               ('0.000001; >999999999999.999999: 0.000002', 2000000000000),
               ('999999999999.999999', 1000)) AS v(t, units);

-- For whole units, graduated_charge(t, u) = round(sum of tier_price(t, n)
-- for n in 1..u, 2), over several schedules and every u up to 2100.
WITH s(t) AS (VALUES ('6.79; >1000: 6.11; >2000: 5.43'::cultuur.tiers),
                     ('0.015; >500: 0.015; >1000: 0.0121'),
                     ('3.03; >1000: 2.42; >2000: 1.815'),
                     ('1.21; >1000: 0.98; >=2000: 0.932'),
                     ('5; >=3: 4; >3.5: 3; >=7.2: 2; >7.9: 1'),
                     ('1; >0: 2; >=1: 3; >1.5: 4'),
                     ('0.001; >=0.000001: 0.003; >0.5: 0.007; >=2.000001: 0.011'),
                     ('9.99; >=1000.000001: 1.23; >1999.999999: 0.45'),
                     ('7')),
     running AS (
        SELECT t, u, sum(cultuur.tier_price(t, u)) OVER (PARTITION BY t::text ORDER BY u) AS unit_sum
          FROM s, generate_series(1, 2100) AS u)
SELECT t, count(*) AS checked,
       count(*) FILTER (WHERE cultuur.graduated_charge(t, u) <> round(unit_sum, 2)) AS differ
  FROM running GROUP BY t::text, t ORDER BY t::text;

-- zero units cost 0.00 in every form
SELECT cultuur.volume_charge(t, 0) AS volume_self, cultuur.volume_charge(t, 0, 5000) AS volume,
       cultuur.graduated_charge(t, 0) AS graduated
  FROM lot WHERE lot = '1B';

-- a schedule in a column may change from row to row (the decoded schedule
-- is cached per call site and must follow)
SELECT lot, cultuur.tier_price(t, 1500) AS p1500, cultuur.volume_charge(t, 10, 1500) AS c10,
       cultuur.graduated_charge(t, 1500) AS g1500
  FROM lot ORDER BY lot;

--
-- A few refusals (22023); the sweep is in badinput
--
SELECT cultuur.tier_price('6.79', -1);
SELECT cultuur.volume_charge('6.79', 'NaN');
SELECT cultuur.volume_charge('6.79', 1, '-0.000001');
SELECT cultuur.graduated_charge('6.79', 'Infinity');
