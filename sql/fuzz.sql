--
-- Fuzzing the cultuur.tiers input functions.
--
-- Thousands of random and mutated literals go through the text input and
-- thousands of random and mutated byte strings through the binary input
-- (cultuur.tiers_from_bytes runs the receive code).  The random generator
-- is seeded, so every run tries the same inputs.
--
-- For every text input, one of two things must happen:
--   * it is refused with SQLSTATE 22P02 or 22003, the message names the
--     literal, and the reference parser below refuses it too; or
--   * it is accepted, the reference parser accepts it with the same
--     canonical text, out -> in -> out is stable, the value equals itself
--     re-parsed (=, <>, hash) and survives send -> receive.
-- For every binary input: refused with 22P03, or accepted and then
-- send gives back exactly the same bytes and the text form re-parses to
-- the same value (so the receive function cannot accept a value the text
-- input would refuse).
-- Anything else is a failure: it is counted, and the first few are shown
-- as NOTICEs.  The output shows how many inputs were tried and how many
-- failed (0) -- not how many were accepted, which depends on the parser.
--
SET client_min_messages = notice;

-- The reference parser: the grammar of the README's tiers reference as a regular expression, plus
-- the limits (16384 bytes, 64 tiers, 12 integer digits, 6 decimals,
-- strictly increasing bounds, no '>= 0').  Returns the canonical text,
-- or NULL when the literal must be refused.
CREATE FUNCTION pg_temp.reference_parse(s text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
    ws  constant text := '[ \t\n\r\f\v]*';
    num constant text := '[0-9]+(?:\.[0-9]{1,6})?';
    m   text[];
    t   text[];
    n   int := 1;
    prev numeric;
    b   numeric;
    out text;
BEGIN
    IF octet_length(s) > 16384 THEN
        RETURN NULL;
    END IF;
    m := regexp_match(s, '^' || ws || '(' || num || ')((?:' || ws || ';' || ws || '>=?'
                         || ws || num || ws || ':' || ws || num || ')*)' || ws || '$');
    IF m IS NULL OR m[1]::numeric >= 1000000000000 THEN
        RETURN NULL;
    END IF;
    out := trim_scale(m[1]::numeric)::text;
    FOR t IN SELECT regexp_matches(m[2], ';' || ws || '(>=?)' || ws || '(' || num || ')'
                                   || ws || ':' || ws || '(' || num || ')', 'g')
    LOOP
        n := n + 1;
        b := t[2]::numeric;
        IF n > 64 OR b >= 1000000000000 OR t[3]::numeric >= 1000000000000
           OR (t[1] = '>=' AND b = 0) OR b <= prev THEN
            RETURN NULL;
        END IF;
        prev := b;
        out := out || '; ' || t[1] || trim_scale(b)::text || ': '
               || trim_scale(t[3]::numeric)::text;
    END LOOP;
    RETURN out;
END $$;

-- the reference parser itself, on a few known cases
SELECT s, pg_temp.reference_parse(s)
  FROM (VALUES ('6.79; >1000: 6.11; >2000: 5.43'), (E' 007.50 ;\t>=0001000:06.110\n'),
               ('6,79'), ('6.79;'), ('6.1234567'), ('1234567890123'), ('6.79; >=0: 1'),
               ('6.79; >2: 1; >1: 1'), ('6.79; >0: 1'), ('-1'), ('.5'), ('１')) v(s);

-- Check one text input; returns 1 for a failure (and says why, for the
-- first 20 failures), 0 otherwise.  allowed: the SQLSTATEs a refusal may have.
CREATE FUNCTION pg_temp.check_text(s text, allowed text[] DEFAULT '{22P02,22003}')
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v    cultuur.tiers;
    v2   cultuur.tiers;
    o    text;
    o2   text;
    ref  text;
    st   text;
    msg  text;
    why  text;
BEGIN
    ref := pg_temp.reference_parse(s);
    BEGIN
        v := s::cultuur.tiers;
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
        IF NOT st = ANY (allowed) THEN
            why := 'refused with SQLSTATE ' || st || ': ' || msg;
        ELSIF strpos(msg, left(s, 15)) = 0 THEN
            why := 'the message does not name the literal: ' || msg;
        ELSIF ref IS NOT NULL THEN
            why := 'refused (' || msg || '), but the reference parser accepts it as ' || ref;
        END IF;
    END;
    IF why IS NULL AND st IS NULL THEN
        BEGIN
            o := v::text;
            v2 := o::cultuur.tiers;
            o2 := v2::text;
            IF ref IS NULL THEN
                why := 'accepted as ' || o || ', but the reference parser refuses it';
            ELSIF o <> ref THEN
                why := 'accepted as ' || o || ', the reference parser says ' || ref;
            ELSIF o2 <> o THEN
                why := 'out -> in -> out gives ' || o2 || ', not ' || o;
            ELSIF NOT (v OPERATOR(cultuur.=) v2) OR (v OPERATOR(cultuur.<>) v2) THEN
                why := 'the value does not equal itself re-parsed';
            ELSIF cultuur.tiers_hash(v) <> cultuur.tiers_hash(v2) THEN
                why := 'the hash differs after re-parsing';
            ELSIF NOT (cultuur.tiers_from_bytes(cultuur.tiers_send(v)) OPERATOR(cultuur.=) v) THEN
                why := 'send -> receive changes the value';
            END IF;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
            why := 'accepted, but the round trip fails with ' || st || ': ' || msg;
        END;
    END IF;
    IF why IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM set_config('fuzz.failures', (current_setting('fuzz.failures')::int + 1)::text, false);
    IF current_setting('fuzz.failures')::int <= 20 THEN
        RAISE NOTICE 'text input % (hex %): %', left(s, 60),
            left(encode(convert_to(s, 'UTF8'), 'hex'), 120), why;
    END IF;
    RETURN 1;
END $$;

-- Check one binary input, the same way.
CREATE FUNCTION pg_temp.check_bytes(b bytea, allowed text[] DEFAULT '{22P03}')
RETURNS int LANGUAGE plpgsql AS $$
DECLARE
    v    cultuur.tiers;
    st   text;
    msg  text;
    why  text;
BEGIN
    BEGIN
        v := cultuur.tiers_from_bytes(b);
    EXCEPTION WHEN OTHERS THEN
        GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
        IF NOT st = ANY (allowed) THEN
            why := 'refused with SQLSTATE ' || st || ': ' || msg;
        END IF;
    END;
    IF why IS NULL AND st IS NULL THEN
        BEGIN
            IF cultuur.tiers_send(v) <> b THEN
                why := 'accepted, but send gives ' || cultuur.tiers_send(v)::text;
            ELSIF NOT (v::text::cultuur.tiers OPERATOR(cultuur.=) v) THEN
                why := 'accepted as ' || v::text || ', which does not re-parse to the same value';
            END IF;
        EXCEPTION WHEN OTHERS THEN
            GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
            why := 'accepted, but the round trip fails with ' || st || ': ' || msg;
        END;
    END IF;
    IF why IS NULL THEN
        RETURN 0;
    END IF;
    PERFORM set_config('fuzz.failures', (current_setting('fuzz.failures')::int + 1)::text, false);
    IF current_setting('fuzz.failures')::int <= 20 THEN
        RAISE NOTICE 'binary input %: %', left(b::text, 120), why;
    END IF;
    RETURN 1;
END $$;

-- The checks can fail: a decimal comma is refused with 22P02, which this
-- call does not allow; a bad version byte is refused with 22P03, which
-- this one does not allow.
SELECT set_config('fuzz.failures', '0', false) IS NOT NULL AS reset;
SELECT pg_temp.check_text('6,79', '{22003}') AS must_fail,
       pg_temp.check_text('6.79; >1000: 6.11') AS must_pass,
       pg_temp.check_text('6,79') AS must_pass_too;
SELECT pg_temp.check_bytes('\x02', '{22P02}') AS must_fail,
       pg_temp.check_bytes(cultuur.tiers_send('6.79; >1000: 6.11')) AS must_pass;

-- random helpers
CREATE FUNCTION pg_temp.rnd(n int) RETURNS int
LANGUAGE sql AS $$ SELECT floor(random() * n)::int $$;

CREATE FUNCTION pg_temp.pick(a text[]) RETURNS text
LANGUAGE sql AS $$ SELECT a[1 + floor(random() * cardinality(a))::int] $$;

-- a random number as text: 1-14 integer digits (sometimes leading zeros),
-- 0-7 decimals; when clean, at most 5 integer digits and 6 decimals
CREATE FUNCTION pg_temp.rnum(clean boolean DEFAULT false) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    r   text := '';
    k   int;
BEGIN
    IF random() < 0.15 THEN
        r := repeat('0', 1 + pg_temp.rnd(3));
    END IF;
    k := CASE WHEN random() < 0.1 AND NOT clean THEN 11 + pg_temp.rnd(4) ELSE 1 + pg_temp.rnd(5) END;
    FOR i IN 1 .. k LOOP
        r := r || pg_temp.rnd(10)::text;
    END LOOP;
    IF random() < 0.5 THEN
        k := CASE WHEN random() < 0.15 THEN 6 + pg_temp.rnd(CASE WHEN clean THEN 1 ELSE 2 END)
                  ELSE 1 + pg_temp.rnd(4) END;
        r := r || '.';
        FOR i IN 1 .. k LOOP
            r := r || pg_temp.rnd(10)::text;
        END LOOP;
    END IF;
    RETURN r;
END $$;

-- a random schedule, mostly well formed: up to 70 tiers, bounds usually
-- increasing, random whitespace; a clean one has valid numbers and
-- increasing bounds, so that the tier limit is reached
CREATE FUNCTION pg_temp.rschedule() RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    n     int := CASE WHEN random() < 0.15 THEN 60 + pg_temp.rnd(10) ELSE 1 + pg_temp.rnd(6) END;
    clean boolean := random() < 0.5;
    s     text := pg_temp.rnum(clean);
    b     numeric := 0;
    sp    text[] := ARRAY['', '', ' ', '  ', E'\t', E'\n'];
BEGIN
    FOR i IN 2 .. n LOOP
        IF clean OR random() < 0.9 THEN
            b := b + pg_temp.rnd(2) + pg_temp.rnd(5000) + pg_temp.rnd(1000) / 1000.0;
        ELSIF random() < 0.5 THEN
            b := greatest(b - pg_temp.rnd(10), 0);
        END IF;
        s := s || pg_temp.pick(sp) || ';' || pg_temp.pick(sp)
               || CASE WHEN random() < 0.3 THEN '>=' ELSE '>' END || pg_temp.pick(sp)
               || CASE WHEN random() < 0.05 AND NOT clean THEN pg_temp.rnum() ELSE trim_scale(b)::text END
               || pg_temp.pick(sp) || ':' || pg_temp.pick(sp) || pg_temp.rnum(clean);
    END LOOP;
    RETURN pg_temp.pick(sp) || s || pg_temp.pick(sp);
END $$;

-- pieces that mutations insert: syntax, digits, signs, exponents, commas,
-- words, control characters, non-ASCII digits, spaces and symbols
CREATE FUNCTION pg_temp.piece() RETURNS text
LANGUAGE sql AS $$
SELECT pg_temp.pick(ARRAY['0', '1', '5', '9', '0', '7', '.', '.', ';', ';', ':', ':', '>', '>=',
    '=', ' ', ' ', E'\t', E'\n', E'\r', '-', '+', 'e', 'E', ',', 'NaN', 'Infinity', 'inf',
    E'\x01', E'\x1f', E'\x7f', E'\x0b', '１', '٣', 'é', '€', '𝟘', E'\u00a0', E'\u3000',
    '0000000', '9999999999999', '.000001', '; >', ': ', '>1000: 6.11', ';;', '"', '''', '\'])
$$;

-- one random mutation of s; seeds are the valid starting points
CREATE FUNCTION pg_temp.mutate(s text, seeds text[]) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    len int := length(s);
    p   int := 1 + pg_temp.rnd(len + 1);
    q   int;
    o   text;
BEGIN
    CASE pg_temp.rnd(7)
    WHEN 0 THEN                     -- insert a piece
        RETURN substr(s, 1, p - 1) || pg_temp.piece() || substr(s, p);
    WHEN 1 THEN                     -- delete 1-3 characters
        RETURN substr(s, 1, p - 1) || substr(s, p + 1 + pg_temp.rnd(3));
    WHEN 2 THEN                     -- replace a character by a piece
        RETURN substr(s, 1, p - 1) || pg_temp.piece() || substr(s, p + 1);
    WHEN 3 THEN                     -- duplicate a segment
        q := 1 + pg_temp.rnd(len + 1);
        RETURN substr(s, 1, p - 1) || substr(s, least(p, q), abs(p - q) + 1) || substr(s, p);
    WHEN 4 THEN                     -- splice with another seed
        o := pg_temp.pick(seeds);
        RETURN substr(s, 1, p - 1) || substr(o, 1 + pg_temp.rnd(length(o) + 1));
    WHEN 5 THEN                     -- swap two characters
        q := 1 + pg_temp.rnd(len);
        IF len < 2 OR p > len OR p = q THEN
            RETURN s;
        END IF;
        o := overlay(s placing substr(s, q, 1) from p for 1);
        RETURN overlay(o placing substr(s, p, 1) from q for 1);
    ELSE                            -- cut
        RETURN substr(s, 1, p - 1);
    END CASE;
END $$;

SELECT setseed(0.20221101);

-- text input: 10000 literals
CREATE TEMP TABLE fuzz_result (kind text, tried int, failures int);
DO $$
DECLARE
    seeds text[] := ARRAY[
        '6.79; >1000: 6.11; >2000: 5.43',
        '0.015; >500000: 0.015; >1000000: 0.0121',
        '3.03; >1000: 2.42; >2000: 1.815',
        '1.21; >=1000: 0.98; >=2000: 0.932',
        '0.022; >500000: 0.018; >1000000: 0.0165',
        '0.1645',
        '838.54',
        '007.50; >0001000: 06.110; >=02000.000: 0',
        E' 6.79 ;\t>1000 :\n6.11 ',
        '999999999999.999999; >0: 0; >999999999999.999999: 0.000001'];
    s     text;
    tried int := 0;
    fails int := 0;
BEGIN
    PERFORM set_config('fuzz.failures', '0', false);
    FOR i IN 1 .. 10000 LOOP
        IF i % 10 = 0 THEN          -- random characters only
            s := '';
            FOR j IN 1 .. pg_temp.rnd(12) LOOP
                s := s || pg_temp.piece();
            END LOOP;
        ELSIF i % 4 = 0 THEN        -- a random schedule, maybe mutated
            s := pg_temp.rschedule();
            IF random() < 0.5 THEN
                s := pg_temp.mutate(s, seeds);
            END IF;
        ELSIF i % 97 = 0 THEN       -- around the 16384-byte limit
            s := pg_temp.pick(seeds);
            s := s || repeat(' ', 16384 - octet_length(s) + pg_temp.rnd(3) - 1);
            IF random() < 0.5 THEN
                s := pg_temp.mutate(s, seeds);
            END IF;
        ELSE                        -- a seed with 1 to 4 mutations
            s := pg_temp.pick(seeds);
            FOR j IN 0 .. pg_temp.rnd(4) LOOP
                s := pg_temp.mutate(s, seeds);
            END LOOP;
        END IF;
        tried := tried + 1;
        fails := fails + pg_temp.check_text(s);
    END LOOP;
    INSERT INTO fuzz_result VALUES ('text', tried, fails);
END $$;

-- binary input: 2500 random byte strings, mostly with a plausible header
-- and length so that the checks behind the header are reached, and 2500
-- mutations of valid encodings
CREATE FUNCTION pg_temp.rint8() RETURNS bytea
LANGUAGE sql AS $$
SELECT CASE pg_temp.rnd(6)
    WHEN 0 THEN int8send(pg_temp.rnd(3)::bigint)
    WHEN 1 THEN int8send((pg_temp.rnd(1000000) * 1000 + pg_temp.rnd(1000))::bigint)
    WHEN 2 THEN int8send(999999999999999999 + pg_temp.rnd(3) - 1)
    WHEN 3 THEN int8send(-1 - pg_temp.rnd(2)::bigint)
    ELSE substr(decode(md5(random()::text), 'hex'), 1, 8)
END $$;

DO $$
DECLARE
    b     bytea;
    n     int;
    tried int := 0;
    fails int := 0;
BEGIN
    PERFORM set_config('fuzz.failures', '0', false);
    FOR i IN 1 .. 2500 LOOP
        IF i % 5 = 0 THEN           -- random bytes
            b := substr(decode(md5(random()::text) || md5(random()::text)
                               || md5(random()::text), 'hex'), 1, pg_temp.rnd(49));
        ELSE                        -- header, n tiers of random kind, bound, price
            n := CASE WHEN random() < 0.1 THEN 63 + pg_temp.rnd(3) ELSE 1 + pg_temp.rnd(4) END;
            b := set_byte('\x00'::bytea, 0, CASE WHEN random() < 0.9 THEN 1 ELSE pg_temp.rnd(256) END)
                 || int2send((CASE WHEN random() < 0.9 THEN n ELSE pg_temp.rnd(70) - 2 END)::int2);
            FOR j IN 1 .. n LOOP
                b := b || set_byte('\x00'::bytea, 0,
                                   CASE WHEN random() < 0.9 THEN least(j - 1, 1 + pg_temp.rnd(2))
                                        ELSE pg_temp.rnd(256) END)
                       || CASE WHEN j = 1 AND random() < 0.9 THEN int8send(0)
                               WHEN random() < 0.8 THEN int8send(j * 1000000000::bigint + pg_temp.rnd(3) - 1)
                               ELSE pg_temp.rint8() END
                       || pg_temp.rint8();
            END LOOP;
            IF random() < 0.1 THEN
                b := substr(b, 1, pg_temp.rnd(octet_length(b) + 1));
            END IF;
        END IF;
        tried := tried + 1;
        fails := fails + pg_temp.check_bytes(b);
    END LOOP;
    INSERT INTO fuzz_result VALUES ('binary, random', tried, fails);
END $$;

DO $$
DECLARE
    valid bytea[] := ARRAY[
        cultuur.tiers_send('6.79; >1000: 6.11; >2000: 5.43'),
        cultuur.tiers_send('0.015; >500000: 0.015; >=1000000: 0.0121'),
        cultuur.tiers_send('838.54'),
        cultuur.tiers_send('999999999999.999999; >0: 0; >=999999999999.999999: 0.000001'),
        cultuur.tiers_send((SELECT '9' || string_agg('; >' || i || ': ' || i, '' ORDER BY i)
                              FROM generate_series(1, 63) i)::cultuur.tiers)];
    b     bytea;
    len   int;
    p     int;
    k     int;
    tried int := 0;
    fails int := 0;
BEGIN
    PERFORM set_config('fuzz.failures', '0', false);
    FOR i IN 1 .. 2500 LOOP
        b := valid[1 + pg_temp.rnd(cardinality(valid))];
        FOR j IN 0 .. pg_temp.rnd(3) LOOP
            len := octet_length(b);
            p := pg_temp.rnd(greatest(len, 1));
            CASE pg_temp.rnd(6)
            WHEN 0 THEN             -- set a byte to a random value
                IF len > 0 THEN
                    b := set_byte(b, p, pg_temp.rnd(256));
                END IF;
            WHEN 1 THEN             -- flip one bit
                IF len > 0 THEN
                    k := p * 8 + pg_temp.rnd(8);
                    b := set_bit(b, k, 1 - get_bit(b, k));
                END IF;
            WHEN 2 THEN             -- cut
                b := substr(b, 1, p);
            WHEN 3 THEN             -- append random bytes
                b := b || substr(decode(md5(random()::text), 'hex'), 1, 1 + pg_temp.rnd(17));
            WHEN 4 THEN             -- a small change of a bound or price
                IF len > 2 THEN
                    b := set_byte(b, len - 1 - pg_temp.rnd(least(len - 1, 40)),
                                  pg_temp.rnd(256));
                END IF;
            ELSE                    -- change the tier count
                IF len > 2 THEN
                    b := overlay(b placing int2send((pg_temp.rnd(67) - 1)::int2) from 2 for 2);
                END IF;
            END CASE;
        END LOOP;
        tried := tried + 1;
        fails := fails + pg_temp.check_bytes(b);
    END LOOP;
    INSERT INTO fuzz_result VALUES ('binary, mutated', tried, fails);
END $$;

SELECT kind, tried AS inputs_tried, failures FROM fuzz_result ORDER BY kind DESC;
SELECT sum(tried) >= 3000 AS enough_inputs, sum(failures) AS total_failures FROM fuzz_result;

SELECT 1 AS server_still_up;
