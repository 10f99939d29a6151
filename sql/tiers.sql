-- The tiers type: canonical text form, equality, hashing, rows, arrays,
-- binary form, and the limits (64 tiers, 6 decimals, 999999999999.999999).
-- The operators = and <> live in schema cultuur.
SET search_path = cultuur, public;

--
-- Canonical output: "; " between tiers, ": " after a bound, no trailing
-- fractional zeros, no leading zeros.
--
SELECT lit, lit::cultuur.tiers AS canonical
  FROM (VALUES ('6.10; >=100: 5.00'),
               ('6.79; >1000: 6.11; >2000: 5.43'),
               ('0.015; >500000: 0.015; >1000000: 0.0121'),
               ('3.03; >1000: 2.42; >2000: 1.815'),
               ('0.022; >500000: 0.018; >1000000: 0.0165'),
               ('1.21; >1000: 0.98; >2000: 0.932'),
               ('0'),
               ('0.000000'),
               ('000'),
               ('007.500'),
               ('10'),
               ('100.000100'),
               ('1.000001'),
               ('5; >0: 4'),
               ('5; >0.5: 4; >=1: 3'),
               ('1; >=0.000001: 0'),
               ('0010.0; >=0100.10: 0.0')) AS v(lit);

-- The output is itself valid input and reads back as the same value.
SELECT lit::cultuur.tiers::text::cultuur.tiers = lit::cultuur.tiers AS reparses
  FROM (VALUES ('6.10; >=100: 5.00'), ('007.500'), ('5; >0.5: 4; >=1: 3')) AS v(lit);

--
-- Whitespace around tokens is free: spaces, tabs, newlines, CR, form feed,
-- vertical tab (E'\x0b'); none at all works too.
--
SELECT lit::cultuur.tiers AS canonical,
       lit::cultuur.tiers = '6.79; >1000: 6.11; >=2000: 5.43' AS same
  FROM (VALUES ('6.79;>1000:6.11;>=2000:5.43'),
               ('  6.79  ;  >  1000  :  6.11  ;  >=  2000  :  5.43  '),
               (E'\t6.79\t;\t>1000\t:\t6.11;>=\t2000:5.43\t'),
               (E'6.79\n;\n>1000\n:\n6.11\r\n;\r\n>=2000\r\n:\r\n5.43\n'),
               (E'\f6.79\x0b;>1000\f:\x0b6.11;>=2000:5.43'),
               ('6.790000; >1000.000000: 6.110; >=2000.0: 5.430')) AS v(lit);

--
-- = and <>: equal exactly when tiers, bound kinds, bounds and prices agree
--
SELECT a, b, a::cultuur.tiers = b::cultuur.tiers AS eq,
       a::cultuur.tiers <> b::cultuur.tiers AS ne
  FROM (VALUES ('6.79; >1000: 6.11', '6.790; >1000.0: 6.11'),
               ('6.79; >1000: 6.11', '6.79; >=1000: 6.11'),
               ('6.79; >1000: 6.11', '6.79; >1000: 6.12'),
               ('6.79; >1000: 6.11', '6.79; >1001: 6.11'),
               ('6.79; >1000: 6.11', '6.79'),
               ('6.79; >1000: 6.11', '6.79; >1000: 6.11; >2000: 6.11'),
               ('6.79', '6.790000'),
               ('0', '0.0'),
               ('0.000001', '0.00001')) AS v(a, b);
-- schema-qualified operators work without the search_path
SELECT '6.79'::cultuur.tiers OPERATOR(cultuur.=) '6.790'::cultuur.tiers AS eq,
       '6.79'::cultuur.tiers OPERATOR(cultuur.<>) '6.790'::cultuur.tiers AS ne;

--
-- Hashing: equal schedules hash equally, so GROUP BY, DISTINCT, hash joins
-- and hash indexes work.  (There is no ordering, so ORDER BY goes via text.)
--
SELECT cultuur.tiers_hash('6.79; >1000: 6.11') = cultuur.tiers_hash('6.790;>1000.000:6.110') AS same_hash,
       cultuur.tiers_hash('6.79; >1000: 6.11') = cultuur.tiers_hash('6.79; >=1000: 6.11') AS kind_differs;

CREATE TEMP TABLE sched (id int, t cultuur.tiers);
INSERT INTO sched VALUES
  (1, '6.79; >1000: 6.11; >2000: 5.43'),
  (2, '6.790; >1000.0: 6.110; >2000: 5.430'),
  (3, E'6.79;>1000:6.11;\n>2000:5.43'),
  (4, '6.79; >=1000: 6.11; >2000: 5.43'),
  (5, '0.015; >500000: 0.015; >1000000: 0.0121'),
  (6, '0.015;>500000:0.015;>1000000:0.01210'),
  (7, '0');

SELECT t, count(*), min(id), max(id)
  FROM sched GROUP BY t ORDER BY min(id);

SELECT count(*) AS distinct_schedules
  FROM (SELECT DISTINCT t FROM sched) AS d;

SET enable_mergejoin = off;
SET enable_nestloop = off;
EXPLAIN (COSTS OFF)
SELECT a.id, b.id FROM sched a JOIN sched b ON a.t = b.t;
SELECT a.id AS a, array_agg(b.id ORDER BY b.id) AS equal_to
  FROM sched a JOIN sched b ON a.t = b.t
 GROUP BY a.id ORDER BY a.id;
RESET enable_mergejoin;
RESET enable_nestloop;

CREATE INDEX sched_t_hash ON sched USING hash (t);
SET enable_seqscan = off;
SELECT id FROM sched WHERE t = '6.79;>1000:6.11;>2000:5.43' ORDER BY id;
RESET enable_seqscan;

--
-- tier_rows: the schedule as rows; the first tier has NULL bound/inclusive
--
SELECT * FROM cultuur.tier_rows('6.79; >1000: 6.11; >2000: 5.43');
SELECT * FROM cultuur.tier_rows('0.015; >500000: 0.015; >=1000000: 0.0121');
SELECT * FROM cultuur.tier_rows('7.500');
SELECT * FROM cultuur.tier_rows('1; >0: 0.5; >=0.000001: 0.25; >999999999999.999998: 0.000001');
-- bound and price come back as numerics with their significant decimals only
SELECT tier, bound, price, scale(bound) AS bound_scale, scale(price) AS price_scale
  FROM cultuur.tier_rows('6.100; >=100.50: 5.000; >200.000001: 4.0000');

--
-- make_tiers: prices[1] from 0, prices[i+1] above bounds[i]
--
SELECT cultuur.make_tiers('{6.79}');
SELECT cultuur.make_tiers('{6.79, 6.11, 5.43}', '{1000, 2000}');
SELECT cultuur.make_tiers('{6.79, 6.11, 5.43}', '{1000, 2000}', NULL);
SELECT cultuur.make_tiers('{6.79, 6.11, 5.43}', '{1000, 2000}', '{true, false}');
SELECT cultuur.make_tiers('{6.790, 6.110}', '{1000.000}') = '6.79; >1000: 6.11' AS same;
-- array lower bounds do not matter, only the order of the elements
SELECT cultuur.make_tiers('[0:2]={6.79, 6.11, 5.43}', '[5:6]={1000, 2000}', '[-1:0]={f, t}');
-- a NULL array gives NULL (the function is not STRICT because of inclusive)
SELECT cultuur.make_tiers(NULL, '{}') IS NULL AS prices_null,
       cultuur.make_tiers('{1}', NULL) IS NULL AS bounds_null;

-- Round trip: tier_rows -> arrays -> make_tiers gives the schedule back.
WITH s(t) AS (VALUES ('6.79; >1000: 6.11; >2000: 5.43'::cultuur.tiers),
                     ('0.015; >500000: 0.015; >=1000000: 0.0121'),
                     ('7.5'),
                     ('1; >0: 0.5; >=0.000001: 0.25; >999999999999.999998: 0.000001'),
                     ('999999999999.999999; >=999999999999.999999: 0'))
SELECT s.t, m.made, m.made = s.t AS round_trips
  FROM s, LATERAL (
        SELECT cultuur.make_tiers(array_agg(r.price ORDER BY r.tier),
                                  coalesce((array_agg(r.bound ORDER BY r.tier))[2:], '{}'),
                                  coalesce((array_agg(r.inclusive ORDER BY r.tier))[2:], '{}'))
          FROM cultuur.tier_rows(s.t) AS r) AS m(made);

-- ... and make_tiers -> tier_rows gives the arrays back.
SELECT array_agg(price ORDER BY tier) AS prices,
       array_agg(bound ORDER BY tier) AS bounds,
       array_agg(inclusive ORDER BY tier) AS inclusive
  FROM cultuur.tier_rows(cultuur.make_tiers('{3.03, 2.42, 1.815}', '{1000, 2000.5}', '{f, t}'));

--
-- Binary form: version byte 1, int16 tier count, then per tier a kind byte
-- (0 none, 1 '>', 2 '>=') and bound and price as int64 millionths.
--
-- '6.79; >1000: 6.11':
--   01 | 0002 | 00 0000000000000000 0000000000679b70 (6790000 = 0x679b70)
--             | 01 000000003b9aca00 (1000000000)  00000000005d3b30 (6110000)
SELECT cultuur.tiers_send('6.79; >1000: 6.11');
-- '0': one tier, everything zero
SELECT cultuur.tiers_send('0');
-- '>=' is kind 2; 0.000001 is 1 millionth;
-- 999999999999.999999 is 999999999999999999 = 0x0de0b6b3a763ffff
SELECT cultuur.tiers_send('0.000001; >=999999999999.999999: 999999999999.999999');
SELECT length(cultuur.tiers_send('6.79; >1000: 6.11; >2000: 5.43')) AS bytes;  -- 3 + 3 * 17

-- tiers_from_bytes(tiers_send(t)) = t
SELECT t, cultuur.tiers_from_bytes(cultuur.tiers_send(t)) = t AS round_trips
  FROM sched ORDER BY id;
SELECT cultuur.tiers_from_bytes('\x0100020000000000000000000000000000679b7001000000003b9aca0000000000005d3b30');

-- COPY BINARY goes through tiers_send and tiers_recv (a file of the
-- throwaway cluster's data directory named by pid, removed by the reading
-- command)
CREATE TEMP TABLE sched_copy (id int, t cultuur.tiers);
SELECT current_setting('data_directory') || '/cultuur_tiers_regress_' || pg_backend_pid() || '.bin' AS binfile \gset
COPY sched TO :'binfile' WITH (FORMAT binary);
SELECT 'cat ' || :'binfile' || ' && rm -f ' || :'binfile' AS readcmd \gset
COPY sched_copy FROM PROGRAM :'readcmd' WITH (FORMAT binary);
SELECT s.id, s.t = c.t AS same FROM sched s JOIN sched_copy c USING (id) ORDER BY s.id;

--
-- 64 tiers: the most a schedule may have
--
SELECT string_agg(CASE WHEN i = 1 THEN '64'
                       ELSE '>' || (i - 1) * 10 || ': ' || (65 - i) END,
                  '; ' ORDER BY i) AS t64
  FROM generate_series(1, 64) AS i \gset
SELECT count(*) AS tiers, min(price) AS lowest_price, max(bound) AS highest_bound
  FROM cultuur.tier_rows(:'t64');
-- the 64th tier: above 630 (bound of tier i is (i - 1) * 10), price 1
SELECT * FROM cultuur.tier_rows(:'t64') WHERE tier IN (1, 2, 63, 64);
SELECT cultuur.tier_price(:'t64', 630) AS at_630, cultuur.tier_price(:'t64', 630.000001) AS above_630;
SELECT cultuur.tiers_from_bytes(cultuur.tiers_send(:'t64')) = :'t64'::cultuur.tiers AS round_trips,
       length(cultuur.tiers_send(:'t64')) AS bytes;  -- 3 + 64 * 17 = 1091
SELECT :'t64'::cultuur.tiers::text = :'t64' AS canonical_already;
-- a 65th tier is refused (22P02)
\set VERBOSITY sqlstate
SELECT (:'t64' || '; >1000: 0')::cultuur.tiers;
\set VERBOSITY default

--
-- 6 decimals
--
SELECT '0.000001; >0.000001: 0.000002; >=0.000003: 0.123456'::cultuur.tiers;
SELECT cultuur.tier_price('0.000001; >0.000001: 0.000002; >=0.000003: 0.123456', v) AS price, v
  FROM unnest('{0, 0.000001, 0.0000015, 0.000002, 0.0000029999, 0.000003}'::numeric[]) AS v;
-- a 7th decimal is refused, even a zero one (22P02)
\set VERBOSITY sqlstate
SELECT '6.7900001'::cultuur.tiers;
SELECT '6.7900000'::cultuur.tiers;
\set VERBOSITY default

--
-- Largest values: 999999999999.999999 as price and as bound
--
SELECT '999999999999.999999; >999999999999.999998: 999999999999.999999'::cultuur.tiers;
SELECT * FROM cultuur.tier_rows('999999999999.999999; >999999999999.999998: 999999999999.999999');
SELECT cultuur.tier_price('1; >=999999999999.999999: 2', 999999999999.999998) AS below,
       cultuur.tier_price('1; >=999999999999.999999: 2', 999999999999.999999) AS at,
       cultuur.tier_price('1; >=999999999999.999999: 2', 1e30) AS far_above;
-- large prices with every number of decimals print exactly
SELECT v, cultuur.tier_price(v::cultuur.tiers, 0)::text = v AS exact
  FROM unnest('{92233720368.547758, 92233720368.547759, 999999999999.99999,
               123456789012.34567, 999999999999.1234, 999999999999.123,
               999999999999.12, 999999999999.1, 999999999999, 500000000000.5}'::text[]) AS v;
-- one more digit is out of range (22003)
\set VERBOSITY sqlstate
SELECT '1000000000000'::cultuur.tiers;
\set VERBOSITY default

--
-- A table column of type tiers
--
CREATE TABLE tariff_demo (
    service text PRIMARY KEY,
    tiers   cultuur.tiers NOT NULL
);
INSERT INTO tariff_demo VALUES
  ('film-1B', '6.79; >1000: 6.11; >2000: 5.43'),
  ('film-2A', '0.015; >500000: 0.015; >1000000: 0.0121'),
  ('film-2B', '3.03;>1000:2.42;>2000:1.815'),
  ('film-4A', '0.0220; >500000: 0.0180; >1000000: 0.0165'),
  ('film-4B', '1.21; >1000: 0.98; >2000: 0.932');
SELECT * FROM tariff_demo ORDER BY service;
UPDATE tariff_demo SET tiers = '1.21; >1000: 0.98; >=2000: 0.932' WHERE service = 'film-4B';
SELECT service, tiers FROM tariff_demo WHERE tiers = '1.21;>1000:0.98;>=2000:0.932';
SELECT service, r.* FROM tariff_demo, cultuur.tier_rows(tiers) AS r
 WHERE service IN ('film-2A', 'film-4B') ORDER BY service, tier;
-- text and binary casts of the column
SELECT service, tiers::text, cultuur.tiers_from_bytes(cultuur.tiers_send(tiers)) = tiers AS binary_ok
  FROM tariff_demo ORDER BY service;
DROP TABLE tariff_demo;

--
-- A few refusals (the full sweep is in badinput); only the SQLSTATE is shown
--
\set VERBOSITY sqlstate
SELECT ''::cultuur.tiers;
SELECT '6.79; 1000: 6.11'::cultuur.tiers;
SELECT '6.79; >2000: 6.11; >1000: 5.43'::cultuur.tiers;
SELECT '6,79'::cultuur.tiers;
\set VERBOSITY default
