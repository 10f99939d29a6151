-- cultuur benchmark, part 2: what is timed.  Every query is
-- "SELECT sum(<expression>) FROM charges", so one row goes to the client
-- and the differences are the cost of the expression.
-- :reps timed runs of every case.
SET search_path = cultuur_bench, public;

INSERT INTO cases (grp, kind, name, query, reps) VALUES
-- the fixed cost: scanning the table and summing one numeric column
('scan', 'scan', 'scan: sum(units)',
 $q$SELECT sum(units) FROM cultuur_bench.charges$q$, :reps),

-- volume ("all-units") pricing: the consortium total vol picks the tier
('volume', 'sql', 'volume: inline CASE',
 $q$SELECT sum(round(units * CASE WHEN vol > 2000 THEN 5.43
                                  WHEN vol > 1000 THEN 6.11
                                  ELSE 6.79 END, 2))
    FROM cultuur_bench.charges$q$, :reps),
('volume', 'plpgsql', 'volume: PL/pgSQL over arrays',
 $q$SELECT sum(cultuur_bench.volume_charge_plpgsql('{1000,2000}', '{6.79,6.11,5.43}',
                                                   units, vol))
    FROM cultuur_bench.charges$q$, :reps),
('volume', 'cultuur', 'volume: cultuur.volume_charge',
 $q$SELECT sum(cultuur.volume_charge('6.79; >1000: 6.11; >2000: 5.43', units, vol))
    FROM cultuur_bench.charges$q$, :reps),

-- graduated pricing: each unit in its own band
('graduated', 'sql', 'graduated: inline LEAST/GREATEST',
 $q$SELECT sum(round(least(units, 1000) * 6.79
                   + least(greatest(units - 1000, 0), 1000) * 6.11
                   + greatest(units - 2000, 0) * 5.43, 2))
    FROM cultuur_bench.charges$q$, :reps),
('graduated', 'plpgsql', 'graduated: PL/pgSQL loop',
 $q$SELECT sum(cultuur_bench.graduated_charge_plpgsql('{1000,2000}', '{6.79,6.11,5.43}',
                                                      units))
    FROM cultuur_bench.charges$q$, :reps),
('graduated', 'cultuur', 'graduated: cultuur.graduated_charge',
 $q$SELECT sum(cultuur.graduated_charge('6.79; >1000: 6.11; >2000: 5.43', units))
    FROM cultuur_bench.charges$q$, :reps),

-- pro rata, rule 'month', of the calendar year 2022
('prorate', 'sql', 'prorate: inline extract()',
 $q$SELECT sum(round(amount * greatest(0,
                 (extract(year  FROM least(coalesce(ends_on, date '2023-01-01'), date '2023-01-01') - 1) * 12
                + extract(month FROM least(coalesce(ends_on, date '2023-01-01'), date '2023-01-01') - 1))
               - (extract(year  FROM greatest(starts_on, date '2022-01-01')) * 12
                + extract(month FROM greatest(starts_on, date '2022-01-01'))) + 1) / 12, 2))
    FROM cultuur_bench.charges$q$, :reps),
('prorate', 'plpgsql', 'prorate: PL/pgSQL',
 $q$SELECT sum(cultuur_bench.prorate_plpgsql(amount, starts_on, ends_on,
                                             date '2022-01-01', date '2023-01-01'))
    FROM cultuur_bench.charges$q$, :reps),
('prorate', 'cultuur', 'prorate: cultuur.prorate',
 $q$SELECT sum(cultuur.prorate(amount, active, daterange('2022-01-01', '2023-01-01')))
    FROM cultuur_bench.charges$q$, :reps),
('prorate', 'cultuur (range per row)', 'prorate: cultuur.prorate, range built per row',
 $q$SELECT sum(cultuur.prorate(amount, daterange(starts_on, ends_on),
                               daterange('2022-01-01', '2023-01-01')))
    FROM cultuur_bench.charges$q$, :reps);
