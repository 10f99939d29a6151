-- ---------------------------------------------------------------------
-- Layer 4, triggers: usage events are counted as they arrive (into the
-- counters of layer 2) and never changed; reach-cap holds (doc/rules.md §8).
-- ---------------------------------------------------------------------

CREATE FUNCTION cultuur.usage_count() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    outside bigint;
BEGIN
    IF cultuur.restoring() THEN
        RETURN NULL;
    END IF;
    -- take the consortium counter rows first, in a fixed order: a second
    -- loader of the same lot and month waits here, before it inserts into
    -- monthly_user, so multi-statement loaders cannot deadlock
    -- (only the film starts of participating libraries count: those whose
    -- contract for the lot is in force on the day, in Brussels, of the event)
    INSERT INTO cultuur.consortium_usage AS c (service, month, unique_users)
    SELECT DISTINCT e.service, cultuur.brussels_month(e.occurred_at), 0
      FROM new_events e
     WHERE e.action = 'film_started'
       AND cultuur.contract_in_force(e.library_id, e.service, (e.occurred_at AT TIME ZONE 'Europe/Brussels')::date)
     ORDER BY 1, 2
    ON CONFLICT (service, month) DO UPDATE SET unique_users = c.unique_users;
    -- one pass per statement: a COPY of a million rows is counted in bulk
    WITH fresh AS (
        INSERT INTO cultuur.monthly_user AS mu (library_id, service, month, member_ref)
        SELECT DISTINCT e.library_id, e.service, cultuur.brussels_month(e.occurred_at), e.member_ref
          FROM new_events e
         WHERE e.action = 'film_started'
           AND cultuur.contract_in_force(e.library_id, e.service, (e.occurred_at AT TIME ZONE 'Europe/Brussels')::date)
         ORDER BY 1, 2, 3, 4
        ON CONFLICT DO NOTHING
        RETURNING mu.library_id, mu.service, mu.month
    ), per_library AS (
        INSERT INTO cultuur.monthly_usage AS m (library_id, service, month, unique_users)
        SELECT f.library_id, f.service, f.month, count(*)
          FROM fresh f GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (library_id, service, month)
        DO UPDATE SET unique_users = m.unique_users + excluded.unique_users
    ), recheck AS (
        -- a month that was invoiced already is corrected by the next run
        -- (doc/rules.md §9): noted for every lot and month counted here
        INSERT INTO cultuur.invoice_recheck (service, month, cause)
        SELECT d.service, d.month, 'usage'
          -- each lot and month once, then asked whether already noted
          -- (OFFSET 0: the question is not pushed down to every row)
          FROM (SELECT DISTINCT f.service, f.month FROM fresh f OFFSET 0) d
         WHERE NOT cultuur.recheck_noted(d.service, d.month, 'usage')
    )
    INSERT INTO cultuur.consortium_usage AS c (service, month, unique_users)
    SELECT f.service, f.month, count(*)
      FROM fresh f GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (service, month)
    DO UPDATE SET unique_users = c.unique_users + excluded.unique_users;
    -- say what was stored but not counted
    SELECT count(*) INTO outside FROM new_events e
     WHERE e.action = 'film_started'
       AND NOT cultuur.contract_in_force(e.library_id, e.service, (e.occurred_at AT TIME ZONE 'Europe/Brussels')::date);
    IF outside > 0 THEN
        RAISE WARNING '% film start(s) stored but not counted: the library had no contract for the lot in force that day', outside
            USING DETAIL = 'Unique users count over the participating libraries only (Bijlage A), on the days their contract is in force.',
                  HINT = 'They count once the contract for those days is entered (the library''s usage is then counted again, and issued invoices corrected by the next run).';
    END IF;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.usage_count() IS 'Statement trigger: adds the members who started a film, at a library whose contract for the lot is in force that day, to monthly_user (once per library, lot and Brussels month) and the newly counted ones to monthly_usage and consortium_usage, and notes their lot and month in invoice_recheck.';
CREATE TRIGGER usage_count AFTER INSERT ON cultuur.usage_event
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION cultuur.usage_count();
COMMENT ON TRIGGER usage_count ON cultuur.usage_event IS 'Counts unique users per library, lot and month, and consortium-wide, as events arrive (doc/rules.md §3, §8).';

-- An event happened before it is loaded: one dated after the day it is
-- loaded (in Brussels) is refused with the whole statement, as the entries
-- of people are (entry_stamp, CC013); an event dated 2999 would otherwise
-- be counted in a month that no invoice reaches.  A statement trigger over
-- the new rows, named so that it fires before usage_count.
CREATE FUNCTION cultuur.usage_event_dates() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    bad record;
BEGIN
    IF cultuur.restoring() THEN
        RETURN NULL;
    END IF;
    SELECT e.library_id, e.service, e.occurred_at INTO bad FROM new_events e
     WHERE (e.occurred_at AT TIME ZONE 'Europe/Brussels')::date > cultuur.today()
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'usage event of library % (service "%") at % is after the day it is loaded', bad.library_id, bad.service, bad.occurred_at
            USING ERRCODE = 'CC013',
                  DETAIL = format('Events record what happened; today is %s in Brussels.', cultuur.today()),
                  HINT = 'Check the clock of the system that sent the events; nothing of this statement was loaded.';
    END IF;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.usage_event_dates() IS 'Statement trigger: refuses a load of usage events with one dated after the day it is loaded, in Europe/Brussels (CC013).';
CREATE TRIGGER usage_arrival_check AFTER INSERT ON cultuur.usage_event
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION cultuur.usage_event_dates();
COMMENT ON TRIGGER usage_arrival_check ON cultuur.usage_event IS 'No usage event dated after the day it is loaded (CC013; doc/rules.md §8).';

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
COMMENT ON TRIGGER usage_immutable ON cultuur.usage_event IS 'Usage events are never changed: they are what the counts and invoices come from (CC010).';

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
    y := extract(year FROM NEW.starts_on)::integer;
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
COMMENT ON TRIGGER reach_hold_check ON cultuur.reach_hold IS 'A lot 1B order is put on hold only once its reach cap is reached, to the end of the year (CC011; F 8.6).';
