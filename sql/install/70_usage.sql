-- ---------------------------------------------------------------------
-- Usage metering: events, unique users per library / lot / month kept
-- incrementally, the consortium-wide total that picks the tier, and the
-- lot 1B reach cap with its holds (doc/rules.md §8).
-- ---------------------------------------------------------------------

CREATE TYPE cultuur.usage_action AS ENUM (
    'ebook_loaned', 'ebook_reserved', 'audiobook_loaned', 'audiobook_reserved',
    'film_started', 'login');
COMMENT ON TYPE cultuur.usage_action IS 'The limited list of usage actions of the data-use annex (B part 2 2), plus login, which is recorded but bills nothing.';

CREATE TABLE cultuur.usage_event (
    library_id  integer NOT NULL REFERENCES cultuur.library,
    member_ref  text NOT NULL CHECK (member_ref ~ '^[0-9a-f]{16,64}$'),
    service     text NOT NULL REFERENCES cultuur.service ON UPDATE CASCADE,
    action      cultuur.usage_action NOT NULL,
    occurred_at timestamptz NOT NULL CHECK (pg_catalog.isfinite(occurred_at)),
    CONSTRAINT usage_event_action_fits_service
        CHECK (action = 'login' OR (action = 'film_started') = (service LIKE 'film-%'))
);
CREATE INDEX usage_event_occurred_at ON cultuur.usage_event USING brin (occurred_at);
COMMENT ON TABLE cultuur.usage_event IS 'Raw usage: library, a pseudonymous member reference (16 to 64 lowercase hex digits, e.g. a keyed hash: never a name or card number), service, action, time. Load with COPY or INSERT; unique users are counted as rows arrive.';
COMMENT ON COLUMN cultuur.usage_event.member_ref IS 'Pseudonymous member reference: a keyed hash in hex, never a name or library card number.';

CREATE TABLE cultuur.monthly_user (
    library_id  integer NOT NULL,
    service     text NOT NULL,
    month       date NOT NULL,
    member_ref  text NOT NULL,
    PRIMARY KEY (library_id, service, month, member_ref)
);
COMMENT ON TABLE cultuur.monthly_user IS 'Members who started at least one film, per library, lot and calendar month in Europe/Brussels: the set that makes a member count once, however late or often their events arrive.';

CREATE TABLE cultuur.monthly_usage (
    library_id   integer NOT NULL,
    service      text NOT NULL,
    month        date NOT NULL,
    unique_users integer NOT NULL CHECK (unique_users >= 0),
    PRIMARY KEY (library_id, service, month)
);
COMMENT ON TABLE cultuur.monthly_usage IS 'Unique users per library, lot and month (members with at least one film_started; logins never count), kept incrementally as events arrive.';

CREATE TABLE cultuur.consortium_usage (
    service      text NOT NULL,
    month        date NOT NULL,
    unique_users integer NOT NULL CHECK (unique_users >= 0),
    PRIMARY KEY (service, month)
);
COMMENT ON TABLE cultuur.consortium_usage IS 'Unique users per lot and month over all participating libraries: the volume that picks the tier price. Kept incrementally.';

-- the calendar month of an instant in Europe/Brussels, whatever TimeZone is
CREATE FUNCTION cultuur.brussels_month(at timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN pg_catalog.date_trunc('month', at AT TIME ZONE 'Europe/Brussels')::date;
COMMENT ON FUNCTION cultuur.brussels_month(timestamptz) IS 'First day of the calendar month that contains an instant in Europe/Brussels local time (doc/rules.md §8): 2023-01-31 23:30 UTC is February.';

CREATE FUNCTION cultuur.usage_count() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF cultuur.restoring() THEN
        RETURN NULL;
    END IF;
    -- take the consortium counter rows first, in a fixed order: a second
    -- loader of the same lot and month waits here, before it inserts into
    -- monthly_user, so multi-statement loaders cannot deadlock
    INSERT INTO cultuur.consortium_usage AS c (service, month, unique_users)
    SELECT DISTINCT e.service, cultuur.brussels_month(e.occurred_at), 0
      FROM new_events e WHERE e.action = 'film_started' ORDER BY 1, 2
    ON CONFLICT (service, month) DO UPDATE SET unique_users = c.unique_users;
    -- one pass per statement: a COPY of a million rows is counted in bulk
    WITH fresh AS (
        INSERT INTO cultuur.monthly_user AS mu (library_id, service, month, member_ref)
        SELECT DISTINCT e.library_id, e.service, cultuur.brussels_month(e.occurred_at), e.member_ref
          FROM new_events e
         WHERE e.action = 'film_started'
         ORDER BY 1, 2, 3, 4
        ON CONFLICT DO NOTHING
        RETURNING mu.library_id, mu.service, mu.month
    ), per_library AS (
        INSERT INTO cultuur.monthly_usage AS m (library_id, service, month, unique_users)
        SELECT f.library_id, f.service, f.month, count(*)
          FROM fresh f GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (library_id, service, month)
        DO UPDATE SET unique_users = m.unique_users + excluded.unique_users
    )
    INSERT INTO cultuur.consortium_usage AS c (service, month, unique_users)
    SELECT f.service, f.month, count(*)
      FROM fresh f GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (service, month)
    DO UPDATE SET unique_users = c.unique_users + excluded.unique_users;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.usage_count() IS 'Statement trigger: adds the members who started a film to monthly_user (once per library, lot and Brussels month) and the newly counted ones to monthly_usage and consortium_usage.';
CREATE TRIGGER usage_count AFTER INSERT ON cultuur.usage_event
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION cultuur.usage_count();

CREATE FUNCTION cultuur.usage_immutable() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    RAISE EXCEPTION 'usage events cannot be changed'
        USING ERRCODE = 'CC010',
              HINT = 'Events are facts; load a correcting event instead. Deleting old events (retention) is allowed and leaves the counts as they are.';
END;
$$;
COMMENT ON FUNCTION cultuur.usage_immutable() IS 'Trigger: usage events are never updated.';
CREATE TRIGGER usage_immutable BEFORE UPDATE ON cultuur.usage_event
    FOR EACH STATEMENT EXECUTE FUNCTION cultuur.usage_immutable();

-- ---- reach cap (lot 1B) ----

-- (the lot 1B reach is the column reach_pct of cultuur.service)

CREATE TABLE cultuur.reach_hold (
    contract_id integer NOT NULL REFERENCES cultuur.contract ON DELETE CASCADE,
    starts_on   date NOT NULL CHECK (starts_on = pg_catalog.date_trunc('month', starts_on)::date),
    ends_on     date NOT NULL,
    year        integer GENERATED ALWAYS AS (extract(year FROM starts_on)::integer) STORED,
    entered_by  text NOT NULL,
    entered_at  timestamptz NOT NULL,
    PRIMARY KEY (contract_id, year),
    CONSTRAINT reach_hold_ends_on_31_december
        CHECK (ends_on = pg_catalog.make_date(extract(year FROM starts_on)::integer, 12, 31))
);
COMMENT ON TABLE cultuur.reach_hold IS 'Lot 1B order on hold (F 8.6): from the first of a month until 31 December of that year, once the year''s unique users reached the reach cap; nothing is billed while it holds.';
CREATE FUNCTION cultuur.reach_cap_status(year integer)
    RETURNS TABLE (contract_id integer, library_id integer, service text, year integer,
                   inhabitants integer, months integer, cap numeric,
                   unique_users bigint, reached boolean, hold_from date)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_year('reach_cap_status', 'year', $1);
SELECT c.id, c.library_id, c.service, $1, p.inhabitants, m.months,
       cultuur.reach_cap(p.inhabitants, m.months, s.reach_pct),
       coalesce(u.users, 0),
       coalesce(u.users, 0) >= cultuur.reach_cap(p.inhabitants, m.months, s.reach_pct),
       h.starts_on
  FROM cultuur.contract c
  JOIN cultuur.service s ON s.code = c.service AND s.reach_pct IS NOT NULL
  CROSS JOIN LATERAL (
      SELECT count(*)::integer AS months
        FROM generate_series(make_date($1, 1, 1), make_date($1, 12, 1), interval '1 month') g
       WHERE c.active && daterange(g::date, (g + interval '1 month')::date)) m
  LEFT JOIN LATERAL (
      SELECT pp.inhabitants FROM cultuur.population pp
       WHERE pp.library_id = c.library_id AND pp.year <= $1 - 1
       ORDER BY pp.year DESC LIMIT 1) p ON true
  LEFT JOIN LATERAL (
      SELECT sum(mu.unique_users) AS users FROM cultuur.monthly_usage mu
       WHERE mu.library_id = c.library_id AND mu.service = c.service
         AND mu.month >= make_date($1, 1, 1) AND mu.month < make_date($1 + 1, 1, 1)) u ON true
  LEFT JOIN cultuur.reach_hold h ON h.contract_id = c.id AND extract(year FROM h.starts_on) = $1
 WHERE m.months > 0
 ORDER BY c.id
$$;

COMMENT ON FUNCTION cultuur.reach_cap_status(integer) IS 'Per lot 1B contract and year: inhabitants (1 January of the previous year), months of planned purchase, cap X = months x inhabitants x 0.18 %, unique users so far, whether the cap is reached, and the hold.';

CREATE FUNCTION cultuur.reach_hold_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    c     cultuur.contract;
    st    record;
    y     integer;
    used  bigint;
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'a hold cannot be changed' USING ERRCODE = 'CC010',
              HINT = 'Delete it and enter it again.';
    END IF;
    PERFORM cultuur.contract_lock(NEW.contract_id);
    SELECT * INTO c FROM cultuur.contract WHERE id = NEW.contract_id;
    y := extract(year FROM NEW.starts_on);
    NEW.ends_on := make_date(y, 12, 31);
    SELECT * INTO st FROM cultuur.reach_cap_status(y) s WHERE s.contract_id = c.id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'contract % (service "%") has no reach cap in %', c.id, c.service, y
            USING ERRCODE = 'CC011',
                  HINT = 'Only lot 1B orders in force that year can be put on hold (F 8.6).';
    END IF;
    IF st.cap IS NULL THEN
        RAISE EXCEPTION 'contract %: the reach cap of % cannot be computed without inhabitants of 1 January %', c.id, y, y - 1
            USING ERRCODE = 'no_data_found', HINT = 'Enter the population first.';
    END IF;
    -- the cap must be reached by the months before the hold starts
    SELECT coalesce(sum(mu.unique_users), 0) INTO used FROM cultuur.monthly_usage mu
     WHERE mu.library_id = c.library_id AND mu.service = c.service
       AND mu.month >= make_date(y, 1, 1) AND mu.month < NEW.starts_on;
    IF used < st.cap THEN
        RAISE EXCEPTION 'contract %: the reach cap of % is not reached before %', c.id, y, NEW.starts_on
            USING ERRCODE = 'CC011',
                  DETAIL = format('%s unique users from January to the hold; the cap is %s (%s months x %s inhabitants x %s %%).',
                                  used, st.cap, st.months, st.inhabitants,
                                  (SELECT reach_pct FROM cultuur.service WHERE code = c.service)),
                  HINT = 'A hold is allowed once the year''s unique users reach the cap (F 8.6).';
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.reach_hold_check() IS 'Trigger: a lot 1B hold is refused (CC011) unless the year''s unique users before it reached the cap; it lasts until 31 December.';
CREATE TRIGGER reach_hold_check BEFORE INSERT OR UPDATE ON cultuur.reach_hold
    FOR EACH ROW EXECUTE FUNCTION cultuur.reach_hold_check();

