--
-- Bad input always gets a clean error, never a crash.
--
-- Every case is one statement followed by "\echo SQLSTATE :SQLSTATE", so
-- the expected output shows the error as a user sees it (message, DETAIL,
-- HINT) and the SQLSTATE that programs see.  the README's reference: malformed literals
-- 22P02, numbers too large for the type 22003, malformed binary data 22P03,
-- bad arguments 22023, NULL array elements 22004.
--
\set VERBOSITY default
\pset null '(null)'

--
-- 1. cultuur.tiers text input
--
-- empty and blank
SELECT ''::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '   '::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT E'\t\n\r '::cultuur.tiers; \echo SQLSTATE :SQLSTATE
-- signs
SELECT '-6.79'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '+6.79'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >-1000: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >+1000: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >1000: -6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; -1000: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
-- exponents
SELECT '1e3'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >1.5E3: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79e'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
-- decimal comma (hint: use '.'), also where it was meant as a thousands separator
SELECT '6,79'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >1000: 6,11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >1,000: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
-- NaN and Infinity
SELECT 'NaN'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT 'nan'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT 'Infinity'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '-Infinity'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >inf: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
-- bounds: unsorted, repeated, on the first tier, missing, >= 0
SELECT '6.79; >2000: 6.11; >1000: 5.43'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >1000: 6.11; >1000: 5.43'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >=1000: 6.11; >1000: 5.43'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >1000.5: 6.11; >=1000.5: 5.43'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '>0: 6.79'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '>=100: 6.79; >1000: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >1000: 6.11; 5.43'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >=0: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >= 0.000: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
-- bad operators
SELECT '6.79; > =1000: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; =>1000: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >>1000: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; <1000: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
-- too many decimals (7), also when the seventh is a zero
SELECT '6.1234567'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.7900000'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >1000.0000001: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
-- 65 tiers; 64 are fine
SELECT (SELECT '100' || string_agg('; >' || i || ': ' || (100 - i), '' ORDER BY i) FROM generate_series(1, 64) i)::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT (SELECT count(*) FROM cultuur.tier_rows((SELECT '100' || string_agg('; >' || i || ': ' || (100 - i), '' ORDER BY i) FROM generate_series(1, 63) i)::cultuur.tiers)) AS tiers; \echo SQLSTATE :SQLSTATE
-- overlong input: 16384 bytes are accepted, 16385 are not
SELECT ('6.79' || repeat(' ', 16380))::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT ('6.79' || repeat(' ', 16381))::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT ('6.79' || repeat('; >1: 1', 3000))::cultuur.tiers; \echo SQLSTATE :SQLSTATE
-- control characters (tab, newline, carriage return are whitespace and fine)
SELECT E'6.79\x01'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT E'\x1b6.79'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT E'6.79;\x7f>1000: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT E'6.79;\t>1000:\n6.11\r\n'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
-- non-ASCII digits, spaces and symbols
SELECT '１'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >１000: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '٣'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.٣'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT E'6.79\u00a0'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '€ 6.79'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79 €'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
-- badly formed numbers
SELECT '.5'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '5.'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >1000.: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6 .79'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.7.9'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '0x10'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >1 000: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >1_000: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
-- separators, trailing garbage
SELECT '6.79;'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79;;'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; ; >1000: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >1000: 6.11;'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT ';6.79'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79 x'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >1000: 6.11 abc'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >1000: 6.11 -- lot 1B'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79, >1000: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79 >1000: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '(6.79)'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '"6.79"'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
-- missing ':' or price
SELECT '6.79; >1000 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >1000'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >1000:'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >1000:  ; >2000: 5.43'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
-- numbers too large: 13 significant integer digits is SQLSTATE 22003
SELECT '1234567890123'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >1234567890123: 6.11'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.79; >1000: 99999999999999999999999999999999999999999999999999.5'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
-- valid edge cases: leading zeros, 12 digits, 6 decimals, >0, whitespace
SELECT '007.50; >0001000: 06.110; >=02000.000: 0'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '0999999999999.999999; >0: 000000000000000000001'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT E' \t6.79 ;\n>\t1000 :6.11\n'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '6.10; >=100: 5.00'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT '0.015; >500000: 0.015; >1000000: 0.0121'::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT NULL::cultuur.tiers; \echo SQLSTATE :SQLSTATE
-- a bad literal in a table is refused the same way
CREATE TEMP TABLE bad_tariff (t cultuur.tiers);
INSERT INTO bad_tariff VALUES ('6.79; >1000: 6,11'); \echo SQLSTATE :SQLSTATE
INSERT INTO bad_tariff VALUES ('6.79; >1000: 6.11'), (NULL); \echo SQLSTATE :SQLSTATE
UPDATE bad_tariff SET t = (t::text || '; >500: 1')::cultuur.tiers; \echo SQLSTATE :SQLSTATE
SELECT t FROM bad_tariff ORDER BY t::text; \echo SQLSTATE :SQLSTATE

--
-- 2. cultuur.tiers binary input: tiers_from_bytes runs the receive code.
-- Format: version byte 1, int16 tier count, then per tier a kind byte
-- (0 none, 1 '>', 2 '>=') and bound and price as int64 millionths.
-- The wire form has no padding field, so nonzero padding cannot be sent.
--
CREATE FUNCTION pg_temp.hdr(version int, n int) RETURNS bytea
  LANGUAGE sql AS $$ SELECT set_byte('\x00'::bytea, 0, version) || int2send(n::int2) $$;
CREATE FUNCTION pg_temp.tier(kind int, bound bigint, price bigint) RETURNS bytea
  LANGUAGE sql AS $$ SELECT set_byte('\x00'::bytea, 0, kind) || int8send(bound) || int8send(price) $$;
SELECT cultuur.tiers_send('6.79; >1000: 6.11; >=2000: 5.43') AS bytes; \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_send('6.79; >1000: 6.11; >=2000: 5.43')
     = pg_temp.hdr(1, 3) || pg_temp.tier(0, 0, 6790000) || pg_temp.tier(1, 1000000000, 6110000)
       || pg_temp.tier(2, 2000000000, 5430000) AS helpers_agree;
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 3) || pg_temp.tier(0, 0, 6790000) || pg_temp.tier(1, 1000000000, 6110000) || pg_temp.tier(2, 2000000000, 5430000)); \echo SQLSTATE :SQLSTATE
-- empty, too short
SELECT cultuur.tiers_from_bytes(''); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes('\x01'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes('\x0100'); \echo SQLSTATE :SQLSTATE
-- wrong version byte
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(0, 1) || pg_temp.tier(0, 0, 6790000)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(2, 1) || pg_temp.tier(0, 0, 6790000)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(255, 1) || pg_temp.tier(0, 0, 6790000)); \echo SQLSTATE :SQLSTATE
-- tier count 0, negative, 65
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 0)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, -1) || pg_temp.tier(0, 0, 6790000)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, -32768)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 65) || pg_temp.tier(0, 0, 100) || (SELECT string_agg(pg_temp.tier(1, i, 100), '' ORDER BY i) FROM generate_series(1, 64) i)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tier_rows(cultuur.tiers_from_bytes(pg_temp.hdr(1, 64) || pg_temp.tier(0, 0, 100) || (SELECT string_agg(pg_temp.tier(1, i, 100), '' ORDER BY i) FROM generate_series(1, 63) i))) OFFSET 62; \echo SQLSTATE :SQLSTATE
-- truncated, trailing bytes, a count larger or smaller than the data
SELECT cultuur.tiers_from_bytes(substr(pg_temp.hdr(1, 1) || pg_temp.tier(0, 0, 6790000), 1, 19)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 1) || pg_temp.tier(0, 0, 6790000) || '\x00'::bytea); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 2) || pg_temp.tier(0, 0, 6790000)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 1) || pg_temp.tier(0, 0, 6790000) || pg_temp.tier(1, 1000000000, 6110000)); \echo SQLSTATE :SQLSTATE
-- bad kind byte: unknown, or no bound on a later tier
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 2) || pg_temp.tier(0, 0, 6790000) || pg_temp.tier(3, 1000000000, 6110000)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 2) || pg_temp.tier(0, 0, 6790000) || pg_temp.tier(255, 1000000000, 6110000)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 2) || pg_temp.tier(0, 0, 6790000) || pg_temp.tier(0, 1000000000, 6110000)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 1) || pg_temp.tier(7, 0, 6790000)); \echo SQLSTATE :SQLSTATE
-- the first tier with a bound (kind or value)
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 1) || pg_temp.tier(1, 0, 6790000)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 1) || pg_temp.tier(2, 1000000000, 6790000)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 1) || pg_temp.tier(0, 1000000000, 6790000)); \echo SQLSTATE :SQLSTATE
-- bounds not increasing; '>=' 0
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 3) || pg_temp.tier(0, 0, 6790000) || pg_temp.tier(1, 1000000000, 6110000) || pg_temp.tier(1, 1000000000, 5430000)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 3) || pg_temp.tier(0, 0, 6790000) || pg_temp.tier(1, 2000000000, 6110000) || pg_temp.tier(2, 1000000000, 5430000)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 2) || pg_temp.tier(0, 0, 6790000) || pg_temp.tier(2, 0, 6110000)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 2) || pg_temp.tier(0, 0, 6790000) || pg_temp.tier(1, 0, 6110000)); \echo SQLSTATE :SQLSTATE
-- negative and too large int64 values; the largest valid price and bound
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 1) || pg_temp.tier(0, 0, -1)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 1) || pg_temp.tier(0, 0, -9223372036854775808)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 1) || pg_temp.tier(0, 0, 1000000000000000000)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 1) || pg_temp.tier(0, 0, 9223372036854775807)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 1) || pg_temp.tier(0, -1, 6790000)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 2) || pg_temp.tier(0, 0, 6790000) || pg_temp.tier(1, -1000000000, 6110000)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 2) || pg_temp.tier(0, 0, 6790000) || pg_temp.tier(1, 1000000000000000000, 6110000)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 2) || pg_temp.tier(0, 0, 6790000) || pg_temp.tier(1, 1000000000, -6110000)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tiers_from_bytes(pg_temp.hdr(1, 2) || pg_temp.tier(0, 0, 999999999999999999) || pg_temp.tier(2, 999999999999999999, 0)); \echo SQLSTATE :SQLSTATE
-- NULL gives NULL (STRICT)
SELECT cultuur.tiers_from_bytes(NULL); \echo SQLSTATE :SQLSTATE
-- a real binary round trip through COPY (the type's send and receive);
-- the file lives in the (throwaway) cluster's data directory, never in a
-- shared place, and carries the database name, so parallel runs do not collide
SELECT current_setting('data_directory') || '/cultuur_tiers_' || current_database() || '.bin' AS binfile \gset
CREATE TEMP TABLE tiers_copy (id int, t cultuur.tiers);
INSERT INTO tiers_copy VALUES
  (1, '6.79; >1000: 6.11; >2000: 5.43'),
  (2, '0.015; >500000: 0.015; >=1000000: 0.0121'),
  (3, '999999999999.999999; >0: 0'),
  (4, NULL),
  (5, (SELECT '100' || string_agg('; >' || i || ': ' || (100 - i), '' ORDER BY i) FROM generate_series(1, 63) i)::cultuur.tiers);
COPY tiers_copy TO :'binfile' (FORMAT binary);
CREATE TEMP TABLE tiers_copy2 (LIKE tiers_copy);
COPY tiers_copy2 FROM :'binfile' (FORMAT binary);
SELECT a.id, coalesce(a.t OPERATOR(cultuur.=) b.t, a.t IS NULL AND b.t IS NULL) AS same, a.t::text = b.t::text AS same_text,
       cultuur.tiers_send(a.t) = cultuur.tiers_send(b.t) AS same_bytes
  FROM tiers_copy a JOIN tiers_copy2 b USING (id) ORDER BY a.id;
SELECT id, t FROM tiers_copy2 WHERE id < 5 ORDER BY id;
-- a bytea column is written in binary COPY as its raw bytes, so a file
-- written from bytea can be read into a tiers column: good bytes load,
-- bad bytes are refused by the receive function with 22P03
CREATE TEMP TABLE tiers_copy3 (t cultuur.tiers);
COPY (SELECT cultuur.tiers_send('6.79; >1000: 6.11; >2000: 5.43')) TO :'binfile' (FORMAT binary);
COPY tiers_copy3 FROM :'binfile' (FORMAT binary); \echo SQLSTATE :SQLSTATE
COPY (SELECT pg_temp.hdr(1, 3) || pg_temp.tier(0, 0, 6790000) || pg_temp.tier(1, 1000000000, 6110000) || pg_temp.tier(1, 1000000000, 5430000)) TO :'binfile' (FORMAT binary);
COPY tiers_copy3 FROM :'binfile' (FORMAT binary); \echo SQLSTATE :SQLSTATE
COPY (SELECT '\x01'::bytea) TO :'binfile' (FORMAT binary);
COPY tiers_copy3 FROM :'binfile' (FORMAT binary); \echo SQLSTATE :SQLSTATE
SELECT t FROM tiers_copy3;

--
-- 3. Bad arguments to the functions: negative, NaN, infinite, huge, NULL.
-- STRICT functions give NULL for a NULL argument.
--
-- tier_price
SELECT cultuur.tier_price('6.79; >1000: 6.11', -1); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tier_price('6.79; >1000: 6.11', -0.000001); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tier_price('6.79; >1000: 6.11', 'NaN'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tier_price('6.79; >1000: 6.11', 'Infinity'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tier_price('6.79; >1000: 6.11', '-Infinity'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.tier_price('6.79; >1000: 6.11', 1e100000) AS huge, cultuur.tier_price('6.79; >1000: 6.11', 1e-16383) AS tiny, cultuur.tier_price('6.79; >1000: 6.11', -0.0) AS minus_zero; \echo SQLSTATE :SQLSTATE
SELECT cultuur.tier_price(NULL, 1) AS null_tiers, cultuur.tier_price('6.79', NULL) AS null_volume; \echo SQLSTATE :SQLSTATE
-- volume_charge, both forms
SELECT cultuur.volume_charge('6.79; >1000: 6.11', -5, 1500); \echo SQLSTATE :SQLSTATE
SELECT cultuur.volume_charge('6.79; >1000: 6.11', 5, -1500); \echo SQLSTATE :SQLSTATE
SELECT cultuur.volume_charge('6.79; >1000: 6.11', 'NaN', 1500); \echo SQLSTATE :SQLSTATE
SELECT cultuur.volume_charge('6.79; >1000: 6.11', 5, 'NaN'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.volume_charge('6.79; >1000: 6.11', 'Infinity', 1500); \echo SQLSTATE :SQLSTATE
SELECT cultuur.volume_charge('6.79; >1000: 6.11', 5, '-Infinity'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.volume_charge('6.79; >1000: 6.11', -5); \echo SQLSTATE :SQLSTATE
SELECT cultuur.volume_charge('6.79; >1000: 6.11', 'NaN'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.volume_charge('6.79; >1000: 6.11', 'Infinity'); \echo SQLSTATE :SQLSTATE
SELECT length(cultuur.volume_charge('6.79; >1000: 6.11', 1e100000, 1e100000)::text) AS digits, length(cultuur.volume_charge('6.79; >1000: 6.11', 1e100000)::text) AS digits_self; \echo SQLSTATE :SQLSTATE
SELECT cultuur.volume_charge('6.79; >1000: 6.11', 1e-16383, 0) AS tiny; \echo SQLSTATE :SQLSTATE
-- a charge beyond numeric's range is a clean overflow error
SELECT cultuur.volume_charge('6.79; >1000: 6.11', 9e131071); \echo SQLSTATE :SQLSTATE
SELECT cultuur.volume_charge(NULL, 1, 1) AS a, cultuur.volume_charge('6.79', NULL, 1) AS b, cultuur.volume_charge('6.79', 1, NULL) AS c, cultuur.volume_charge(NULL, 1) AS d, cultuur.volume_charge('6.79', NULL) AS e; \echo SQLSTATE :SQLSTATE
-- graduated_charge
SELECT cultuur.graduated_charge('6.79; >1000: 6.11', -1); \echo SQLSTATE :SQLSTATE
SELECT cultuur.graduated_charge('6.79; >1000: 6.11', 'NaN'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.graduated_charge('6.79; >1000: 6.11', 'Infinity'); \echo SQLSTATE :SQLSTATE
SELECT length(cultuur.graduated_charge('6.79; >1000: 6.11', 1e100000)::text) AS digits, cultuur.graduated_charge('6.79; >1000: 6.11', 1e-16383) AS tiny; \echo SQLSTATE :SQLSTATE
SELECT cultuur.graduated_charge(NULL, 1) AS a, cultuur.graduated_charge('6.79', NULL) AS b; \echo SQLSTATE :SQLSTATE
-- prorata and prorate: empty, unbounded or infinite periods, partial months
SELECT cultuur.prorata(daterange('2022-11-01', '2023-01-01'), 'empty'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.prorata(daterange('2022-11-01', '2023-01-01'), daterange('2022-01-01', NULL)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.prorata(daterange('2022-11-01', '2023-01-01'), daterange(NULL, '2023-01-01')); \echo SQLSTATE :SQLSTATE
SELECT cultuur.prorata(daterange('2022-11-01', '2023-01-01'), daterange('-infinity', '2023-01-01')); \echo SQLSTATE :SQLSTATE
SELECT cultuur.prorata(daterange('2022-11-01', '2023-01-01'), daterange('2022-01-01', 'infinity')); \echo SQLSTATE :SQLSTATE
SELECT cultuur.prorata(daterange('2022-11-01', '2023-01-01'), daterange('2022-01-02', '2023-01-01')); \echo SQLSTATE :SQLSTATE
SELECT cultuur.prorata(daterange('2022-11-01', '2023-01-01'), daterange('2022-01-01', '2022-12-31')); \echo SQLSTATE :SQLSTATE
SELECT cultuur.prorata(daterange('2022-11-01', '2023-01-01'), daterange('2022-01-01', '2022-12-31'), 'full_month'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.prorata(daterange('2022-11-01', '2023-01-01'), daterange('2022-01-01', '2022-12-31'), 'day'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.prorata(daterange('2022-11-01', '2023-01-01'), daterange('2022-01-01', '2023-01-01'), 'week'); \echo SQLSTATE :SQLSTATE
-- the active range may be empty, unbounded or infinite
SELECT cultuur.prorata('empty', daterange('2022-01-01', '2023-01-01')) AS empty_active,
       cultuur.prorata(daterange(NULL, NULL), daterange('2022-01-01', '2023-01-01')) AS unbounded,
       cultuur.prorata(daterange('-infinity', 'infinity'), daterange('2022-01-01', '2023-01-01')) AS infinite,
       cultuur.prorata(daterange('infinity', NULL), daterange('2022-01-01', '2023-01-01')) AS starts_at_infinity,
       cultuur.prorata(daterange(NULL, '-infinity'), daterange('2022-01-01', '2023-01-01')) AS ends_at_minus_infinity,
       cultuur.prorata(daterange('2030-01-01', NULL), daterange('2022-01-01', '2023-01-01')) AS no_overlap; \echo SQLSTATE :SQLSTATE
-- the widest periods the date type allows
SELECT cultuur.prorata(daterange('2022-01-01', '2023-01-01'), daterange('4713-01-01 BC', '5874897-12-01')) AS month_share,
       cultuur.prorate(1e9, daterange('2022-01-01', '2023-01-01'), daterange('4714-11-24 BC', '5874897-12-30', '[]'), 'day') AS day_amount,
       cultuur.prorata(daterange(NULL, NULL), daterange('4714-11-24 BC', '5874897-12-30', '[]'), 'day') AS everything; \echo SQLSTATE :SQLSTATE
SELECT cultuur.prorate(100, 'empty', daterange('2022-01-01', '2023-01-01')) AS empty_active; \echo SQLSTATE :SQLSTATE
SELECT cultuur.prorate(100, daterange('2022-11-01', '2023-01-01'), 'empty'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.prorate(100, daterange('2022-11-01', '2023-01-01'), daterange('2022-01-01', NULL)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.prorate(100, daterange('2022-11-01', '2023-01-01'), daterange('2022-01-15', '2023-01-15')); \echo SQLSTATE :SQLSTATE
SELECT cultuur.prorate('NaN', daterange('2022-11-01', '2023-01-01'), daterange('2022-01-01', '2023-01-01')); \echo SQLSTATE :SQLSTATE
SELECT cultuur.prorate('Infinity', daterange('2022-11-01', '2023-01-01'), daterange('2022-01-01', '2023-01-01')); \echo SQLSTATE :SQLSTATE
SELECT cultuur.prorate('-Infinity', daterange('2022-11-01', '2023-01-01'), daterange('2022-01-01', '2023-01-01')); \echo SQLSTATE :SQLSTATE
SELECT cultuur.prorate(-70509.82, daterange('2022-11-01', '2023-01-01'), daterange('2022-01-01', '2023-01-01')) AS credit,
       length(cultuur.prorate(1e100000, daterange('2022-11-01', '2023-01-01'), daterange('2022-01-01', '2023-01-01'))::text) AS digits; \echo SQLSTATE :SQLSTATE
SELECT cultuur.prorata(NULL, daterange('2022-01-01', '2023-01-01')) AS a,
       cultuur.prorata(daterange('2022-01-01', '2023-01-01'), NULL) AS b,
       cultuur.prorata(daterange('2022-01-01', '2023-01-01'), daterange('2022-01-01', '2023-01-01'), NULL) AS c,
       cultuur.prorate(NULL, daterange('2022-01-01', '2023-01-01'), daterange('2022-01-01', '2023-01-01')) AS d,
       cultuur.prorate(1, NULL, daterange('2022-01-01', '2023-01-01')) AS e,
       cultuur.prorate(1, daterange('2022-01-01', '2023-01-01'), NULL) AS f,
       cultuur.prorate(1, daterange('2022-01-01', '2023-01-01'), daterange('2022-01-01', '2023-01-01'), NULL) AS g; \echo SQLSTATE :SQLSTATE
-- indexed
SELECT cultuur.indexed(100, 0, 127.84); \echo SQLSTATE :SQLSTATE
SELECT cultuur.indexed(100, -118.32, 127.84); \echo SQLSTATE :SQLSTATE
SELECT cultuur.indexed(100, 118.32, 0); \echo SQLSTATE :SQLSTATE
SELECT cultuur.indexed(100, 118.32, -1); \echo SQLSTATE :SQLSTATE
SELECT cultuur.indexed(100, 'NaN', 127.84); \echo SQLSTATE :SQLSTATE
SELECT cultuur.indexed(100, 118.32, 'Infinity'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.indexed('NaN', 118.32, 127.84); \echo SQLSTATE :SQLSTATE
SELECT cultuur.indexed('-Infinity', 118.32, 127.84); \echo SQLSTATE :SQLSTATE
SELECT cultuur.indexed(-100, 118.32, 127.84) AS credit, cultuur.indexed(100, 1e-16383, 1e-16383) AS tiny_indexes,
       length(cultuur.indexed(1e100000, 118.32, 127.84)::text) AS digits; \echo SQLSTATE :SQLSTATE
SELECT cultuur.indexed(9e131071, 1, 100); \echo SQLSTATE :SQLSTATE
SELECT cultuur.indexed(NULL, 1, 1) AS a, cultuur.indexed(1, NULL, 1) AS b, cultuur.indexed(1, 1, NULL) AS c; \echo SQLSTATE :SQLSTATE
-- exit_fee
SELECT cultuur.exit_fee('{0.1240,0.0827,0.0413,0.0413}', 2023, 2022, 423533.6); \echo SQLSTATE :SQLSTATE
SELECT cultuur.exit_fee('{0.1240,NULL,0.0413,0.0413}', 2022, 2022, 423533.6); \echo SQLSTATE :SQLSTATE
SELECT cultuur.exit_fee('{{0.1240,0.0827},{0.0413,0.0413}}', 2022, 2022, 423533.6); \echo SQLSTATE :SQLSTATE
SELECT cultuur.exit_fee('{0.1240,-0.0827,0.0413,0.0413}', 2022, 2023, 423533.6); \echo SQLSTATE :SQLSTATE
SELECT cultuur.exit_fee('{0.1240,NaN}', 2022, 2022, 423533.6); \echo SQLSTATE :SQLSTATE
SELECT cultuur.exit_fee('{0.1240,Infinity}', 2022, 2022, 423533.6); \echo SQLSTATE :SQLSTATE
SELECT cultuur.exit_fee('{0.1240,0.0827}', 2022, 2022, -423533.6); \echo SQLSTATE :SQLSTATE
SELECT cultuur.exit_fee('{0.1240,0.0827}', 2022, 2022, 'NaN'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.exit_fee('{0.1240,0.0827}', 2022, 2022, 'Infinity'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.exit_fee('{0.1240,0.0827}', 2147483647, -2147483648, 1); \echo SQLSTATE :SQLSTATE
SELECT cultuur.exit_fee('{0.1240,0.0827}', -2147483648, 2147483647, 1) AS k_huge,
       cultuur.exit_fee('{0.1240,0.0827}', 2147483647, 2147483647, 1) AS k_1,
       cultuur.exit_fee('{}', 2022, 2022, 1) AS no_rates,
       cultuur.exit_fee('[0:1]={0.1240,0.0827}', 2022, 2023, 100) AS lower_bound_0,
       cultuur.exit_fee('{0.1240,0.0827}', 2022, 2023, 1e-16383) AS tiny_basis,
       length(cultuur.exit_fee('{0.1240,0.0827}', 2022, 2023, 1e100000)::text) AS digits; \echo SQLSTATE :SQLSTATE
SELECT cultuur.exit_fee(NULL, 2022, 2022, 1) AS a, cultuur.exit_fee('{1}', NULL, 2022, 1) AS b,
       cultuur.exit_fee('{1}', 2022, NULL, 1) AS c, cultuur.exit_fee('{1}', 2022, 2022, NULL) AS d; \echo SQLSTATE :SQLSTATE
-- notice_deadline
SELECT cultuur.notice_deadline('infinity'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.notice_deadline('-infinity'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.notice_deadline('2026-12-31', '-3 months'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.notice_deadline('2026-12-31', '3 months -1 day'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.notice_deadline('2026-12-31', '3 months 12:00'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.notice_deadline('2026-12-31', '1 second'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.notice_deadline('2026-12-31', '1001 years'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.notice_deadline('2026-12-31', '2147483647 days'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.notice_deadline('2026-12-31', '-178000000 years'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.notice_deadline('2026-12-31', '0') AS zero, cultuur.notice_deadline('2026-12-31', '1000 years') AS a_millennium,
       cultuur.notice_deadline('294276-12-31') AS last_timestamp_year, cultuur.notice_deadline('4713-03-01 BC', '2 months') AS early; \echo SQLSTATE :SQLSTATE
SELECT cultuur.notice_deadline('4714-11-24 BC'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.notice_deadline('5874897-12-31'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.notice_deadline(NULL) AS a, cultuur.notice_deadline('2026-12-31', NULL) AS b; \echo SQLSTATE :SQLSTATE
-- earliest_year_end
SELECT cultuur.earliest_year_end('infinity'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.earliest_year_end('-infinity'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.earliest_year_end('2023-09-30', '-1 day'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.earliest_year_end('2023-09-30', '1 hour'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.earliest_year_end('2023-09-30', '2000 years'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.earliest_year_end('2023-09-30', '0') AS zero, cultuur.earliest_year_end('2023-09-30', '1000 years') AS a_millennium,
       cultuur.earliest_year_end('2023-09-30', '366000 days') AS many_days, cultuur.earliest_year_end('294276-09-30') AS last_timestamp_year; \echo SQLSTATE :SQLSTATE
SELECT cultuur.earliest_year_end('294276-10-01'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.earliest_year_end('5874897-12-31'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.earliest_year_end('4714-11-24 BC'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.earliest_year_end(NULL) AS a, cultuur.earliest_year_end('2023-09-30', NULL) AS b; \echo SQLSTATE :SQLSTATE
-- reach_cap
SELECT cultuur.reach_cap(529417, 13); \echo SQLSTATE :SQLSTATE
SELECT cultuur.reach_cap(529417, -1); \echo SQLSTATE :SQLSTATE
SELECT cultuur.reach_cap(529417, -2147483648); \echo SQLSTATE :SQLSTATE
SELECT cultuur.reach_cap(529417, 12, 100.000001); \echo SQLSTATE :SQLSTATE
SELECT cultuur.reach_cap(529417, 12, -0.18); \echo SQLSTATE :SQLSTATE
SELECT cultuur.reach_cap(529417, 12, 'NaN'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.reach_cap(529417, 12, 'Infinity'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.reach_cap(-529417, 12); \echo SQLSTATE :SQLSTATE
SELECT cultuur.reach_cap('NaN', 12); \echo SQLSTATE :SQLSTATE
SELECT cultuur.reach_cap('Infinity', 12); \echo SQLSTATE :SQLSTATE
SELECT cultuur.reach_cap(529417, 0) AS no_months, cultuur.reach_cap(529417, 12, 100) AS everyone,
       length(cultuur.reach_cap(1e100000, 12)::text) AS digits; \echo SQLSTATE :SQLSTATE
SELECT cultuur.reach_cap(NULL, 12) AS a, cultuur.reach_cap(1, NULL) AS b, cultuur.reach_cap(1, 12, NULL) AS c; \echo SQLSTATE :SQLSTATE
-- make_tiers (not STRICT: inclusive may be NULL; NULL prices or bounds give NULL)
SELECT cultuur.make_tiers('{6.79,6.11,5.43}', '{1000}'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers('{6.79}', '{1000}'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers('{6.79,6.11}', '{1000}', '{true,false}'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers('{}'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers(array_fill(1.0, ARRAY[65]), (SELECT array_agg(i::numeric) FROM generate_series(1, 64) i)); \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers('{6.79,NULL}', '{1000}'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers('{6.79,6.11}', '{NULL}'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers('{6.79,6.11}', '{1000}', '{NULL}'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers('{6.1234567}'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers('{6.79,6.11}', '{1000.0000001}'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers('{-6.79}'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers('{NaN}'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers('{6.79,6.11}', '{Infinity}'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers('{1000000000000}'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers(ARRAY[1e100000]); \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers(ARRAY[9.9e131071]); \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers('{6.79,6.11,5.43}', '{2000,1000}'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers('{6.79,6.11}', '{0}', '{true}'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers('{{6.79,6.11}}', '{1000}'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers('{6.79,6.11}', '{{1000}}'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers('{6.79,6.11}', '{1000}', '{{true}}'); \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers('{6.790000,6.1100000000}', '[5:5]={1000}', NULL) AS ok, cultuur.make_tiers('{999999999999.999999,1e-6}', '{0}') AS extremes; \echo SQLSTATE :SQLSTATE
SELECT cultuur.make_tiers(NULL) AS a, cultuur.make_tiers('{1}', NULL) AS b; \echo SQLSTATE :SQLSTATE
-- tier_rows and the operators with NULL
SELECT * FROM cultuur.tier_rows(NULL); \echo SQLSTATE :SQLSTATE
SELECT NULL::cultuur.tiers OPERATOR(cultuur.=) '6.79' AS eq, '6.79'::cultuur.tiers OPERATOR(cultuur.<>) NULL AS ne; \echo SQLSTATE :SQLSTATE

SELECT 1 AS server_still_up;
