-- cultuur benchmark, part 1: the data and what a user would write without
-- the extension.  Run by bench/run.sh through bench/bench.sql.

CREATE EXTENSION IF NOT EXISTS cultuur CASCADE;

DROP SCHEMA IF EXISTS cultuur_bench CASCADE;
CREATE SCHEMA cultuur_bench;
SET search_path = cultuur_bench, public;

-- ---------------------------------------------------------------------
-- One row per library and billing line, deterministic (setseed).
--   units      unique users of the month (whole numbers, 0..2999)
--   vol        consortium-wide users of that month, which picks the tier
--   amount     a yearly fee to pro-rate
--   starts_on  first active day; ends_on first day no longer active
--              (NULL: open-ended); active = daterange(starts_on, ends_on)
-- ---------------------------------------------------------------------
CREATE TABLE charges (
    id          integer PRIMARY KEY,
    units       numeric NOT NULL,
    vol         numeric NOT NULL,
    amount      numeric NOT NULL,
    starts_on   date    NOT NULL,
    ends_on     date,
    active      daterange NOT NULL
);

SELECT setseed(0.4242) \g /dev/null
INSERT INTO charges (id, units, vol, amount, starts_on, ends_on, active)
SELECT id, units, vol, amount, starts_on, ends_on, daterange(starts_on, ends_on)
FROM (
    SELECT g AS id,
           floor(random() * 3000)::numeric AS units,
           floor(random() * 3000)::numeric AS vol,
           round((100 + random() * 99900)::numeric, 2) AS amount,
           s AS starts_on,
           CASE WHEN random() < 0.3 THEN NULL
                ELSE s + 1 + floor(random() * 900)::integer END AS ends_on
    FROM (SELECT g, date '2021-07-01' + floor(random() * 730)::integer AS s
          FROM generate_series(1, :rows) AS g) AS gen
) AS d;

VACUUM ANALYZE charges;

-- ---------------------------------------------------------------------
-- PL/pgSQL as a user would write it: the schedule as two arrays,
-- bounds[i] the upper end of tier i (strict '>' bounds), one price more
-- than bounds.
-- ---------------------------------------------------------------------
CREATE FUNCTION volume_charge_plpgsql(bounds numeric[], prices numeric[],
                                      units numeric, vol numeric)
RETURNS numeric
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    price numeric := prices[1];
BEGIN
    FOR i IN 1 .. coalesce(array_length(bounds, 1), 0) LOOP
        IF vol > bounds[i] THEN
            price := prices[i + 1];
        END IF;
    END LOOP;
    RETURN round(units * price, 2);
END
$$;

CREATE FUNCTION graduated_charge_plpgsql(bounds numeric[], prices numeric[],
                                         units numeric)
RETURNS numeric
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    total numeric := 0;
    lo    numeric := 0;
    hi    numeric;
BEGIN
    FOR i IN 1 .. array_length(prices, 1) LOOP
        EXIT WHEN units <= lo;
        hi := bounds[i];                -- NULL past the last bound
        total := total + (least(units, coalesce(hi, units)) - lo) * prices[i];
        lo := hi;
    END LOOP;
    RETURN round(total, 2);
END
$$;

-- rule 'month': every month with at least one active day counts whole
CREATE FUNCTION prorate_plpgsql(amount numeric, starts_on date, ends_on date,
                                period_start date, period_end date)
RETURNS numeric
LANGUAGE plpgsql IMMUTABLE
AS $$
DECLARE
    s      date := greatest(starts_on, period_start);
    e      date := least(coalesce(ends_on, period_end), period_end);
    months numeric;
    total  numeric;
BEGIN
    IF e <= s THEN
        RETURN 0;
    END IF;
    months := (extract(year from e - 1) * 12 + extract(month from e - 1))
            - (extract(year from s) * 12 + extract(month from s)) + 1;
    total  := (extract(year from period_end) * 12 + extract(month from period_end))
            - (extract(year from period_start) * 12 + extract(month from period_start));
    RETURN round(amount * months / total, 2);
END
$$;

-- ---------------------------------------------------------------------
-- The harness: each case is one "SELECT sum(...) FROM charges"; the cases
-- run round-robin (so a disturbance hits all of them alike), timed with
-- clock_timestamp() around EXECUTE; only one row goes to the client.
-- ---------------------------------------------------------------------
CREATE TABLE cases (
    id      serial PRIMARY KEY,
    grp     text NOT NULL,      -- volume, graduated, prorate, scan
    kind    text NOT NULL,      -- scan, sql, plpgsql, cultuur, cultuur (...)
    name    text NOT NULL,
    query   text NOT NULL,
    reps    integer NOT NULL
);

CREATE TABLE timings (
    case_id integer NOT NULL REFERENCES cases,
    rep     integer NOT NULL,
    ms      double precision NOT NULL,
    result  numeric
);

-- One round: every case whose reps reach r, in order.  Round 0 is the
-- warm-up, not recorded: the table into the caches, the C library loaded.
-- It skips the PL/pgSQL cases (seconds each); compiling a PL/pgSQL function
-- in their first timed run costs well under a millisecond.
CREATE FUNCTION run_round(r integer, rounds integer) RETURNS text
LANGUAGE plpgsql
AS $$
DECLARE
    c       cases;
    t0      timestamptz;
    tr      timestamptz := clock_timestamp();
    res     numeric;
BEGIN
    FOR c IN SELECT * FROM cases
             WHERE reps >= r AND (r > 0 OR kind <> 'plpgsql')
             ORDER BY id LOOP
        t0 := clock_timestamp();
        EXECUTE c.query INTO res;
        IF r > 0 THEN
            INSERT INTO timings
            VALUES (c.id, r,
                    extract(epoch FROM clock_timestamp() - t0) * 1000, res);
        END IF;
    END LOOP;
    RETURN format('%s: %s s',
                  CASE WHEN r = 0 THEN 'warm-up' ELSE format('round %s of %s', r, rounds) END,
                  round(extract(epoch FROM clock_timestamp() - tr)::numeric, 1));
END
$$;
