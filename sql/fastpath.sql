--
-- volume_charge reads plain numerics straight into integers (a fast path
-- for values below 10^12 with at most 6 decimals) and falls back to exact
-- numeric arithmetic for everything else.  Both must give the same result:
-- here against round(units * tier_price(t, volume), 2), which always takes
-- the exact path, for many values on both sides of the limits.
--
SELECT setseed(0.424242);
CREATE TEMP TABLE fp_sched (s cultuur.tiers);
INSERT INTO fp_sched VALUES
    ('6.79; >1000: 6.11; >2000: 5.43'),
    ('0.015; >500000: 0.015; >1000000: 0.0121'),
    ('1.21; >=1000: 0.98; >=2000.5: 0.932'),
    ('0.000001; >0: 999999.999999'),
    ('0.1645');
CREATE TEMP TABLE fp_val AS
SELECT v FROM (
    -- integers, 1 to 8 decimals, around the bounds, huge and tiny values,
    -- values stored with a long header (many digits) and trailing zeros
    SELECT round((random() * 3000)::numeric, (g % 9)) AS v FROM generate_series(1, 1500) g
    UNION ALL SELECT (random() * 1e12)::numeric(30,6) FROM generate_series(1, 300)
    UNION ALL SELECT (random() * 1e14)::numeric(30,0) FROM generate_series(1, 100)
    UNION ALL SELECT b + d FROM unnest('{0,1000,2000,2000.5,500000,1000000}'::numeric[]) b,
                             unnest('{-0.000001,0,0.000001,0.0000001,-0.0000001,0.5,1}'::numeric[]) d
    UNION ALL SELECT unnest('{0, 0.000000, 1.000000000, 999999999999.999999, 1000000000000, 1000000000000.000000, 123456789012.3456789, 0.00000001, 5e-7, 1e-6}'::numeric[])
) x WHERE v >= 0;
-- every pair of units and volume under every schedule: no difference
SELECT count(*) AS compared,
       count(*) FILTER (WHERE cultuur.volume_charge(s, u.v, w.v)
                              IS DISTINCT FROM round(u.v * cultuur.tier_price(s, w.v), 2)) AS differing,
       count(*) FILTER (WHERE cultuur.volume_charge(s, u.v, w.v)::text
                              IS DISTINCT FROM round(u.v * cultuur.tier_price(s, w.v), 2)::text) AS differing_text
  FROM fp_sched,
       (SELECT v FROM fp_val ORDER BY random() LIMIT 400) u,
       (SELECT v FROM fp_val ORDER BY random() LIMIT 60) w;
SELECT count(*) AS compared,
       count(*) FILTER (WHERE cultuur.volume_charge(s, v)::text
                              IS DISTINCT FROM round(v * cultuur.tier_price(s, v), 2)::text) AS differing
  FROM fp_sched, fp_val;
-- values from a table column (short varlena headers on disk) as well
CREATE TEMP TABLE fp_rows AS
SELECT u.v AS units, w.v AS vol FROM (SELECT v FROM fp_val LIMIT 200) u, (SELECT v FROM fp_val LIMIT 30) w;
SELECT count(*) FILTER (WHERE cultuur.volume_charge('6.79; >1000: 6.11; >2000: 5.43', units, vol)::text
                              IS DISTINCT FROM round(units * cultuur.tier_price('6.79; >1000: 6.11; >2000: 5.43', vol), 2)::text) AS differing
  FROM fp_rows;
-- long headers: a display scale above 63 (or a weight beyond the short
-- form) makes PostgreSQL store the value with the long header, which the
-- fast path reads too
SELECT count(*) AS long_header_values,
       count(*) FILTER (WHERE cultuur.volume_charge('6.79; >1000: 6.11; >2000: 5.43', v, v)::text
                              IS DISTINCT FROM round(v * cultuur.tier_price('6.79; >1000: 6.11; >2000: 5.43', v), 2)::text) AS differing
  FROM (SELECT round(x, 64 + (g % 20)) AS v
          FROM unnest('{0, 1, 1.5, 999.999999, 1000, 1000.000001, 2000.25, 123456.789012, 999999999999.999999}'::numeric[]) x,
               generate_series(1, 20) g) l;
-- the errors are those of the exact path
SELECT cultuur.volume_charge('6.79', -1, 5);
SELECT cultuur.volume_charge('6.79', 5, -1);
SELECT cultuur.volume_charge('6.79', 'NaN', 5);
SELECT cultuur.volume_charge('6.79', 5, 'Infinity');
-- the largest product the fast path can hold, and one beyond
SELECT cultuur.volume_charge('999999.999999', 999999999999.999999, 0),
       round(999999999999.999999 * 999999.999999, 2);
DROP TABLE fp_sched, fp_val, fp_rows;
