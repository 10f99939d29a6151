-- ---------------------------------------------------------------------
-- Layer 3, rule helpers: e-book lending (doc/rules.md §10, §11).
--
-- Every lending action takes its locks in one order: the member (a loan or
-- reservation that raises the member's count), then the title (every
-- action that changes who holds or waits for its licences), then, in
-- share mode, the member's library (so that a suspension entered at the
-- same moment is either seen or waited for).  A lock is taken by updating
-- a row of engine_lock, so a REPEATABLE READ transaction whose snapshot
-- predates a concurrent holder's commit fails with 40001 instead of
-- counting rows it cannot see.  Ending a loan or a reservation only frees
-- what it held, so it needs the title's lock only.
-- ---------------------------------------------------------------------

-- ---- pseudonyms (doc/rules.md §11) ----

CREATE FUNCTION cultuur.lending_pseudonym(key bytea, member_id bigint) RETURNS text
    AS 'MODULE_PATHNAME', 'lending_pseudonym' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cultuur.lending_pseudonym(bytea, bigint) IS 'HMAC-SHA-256 of a member number under a 32-byte key, as 64 lower-case hex digits: the pseudonym usage rows carry.';

CREATE FUNCTION cultuur.lending_new_key() RETURNS bytea
    AS 'MODULE_PATHNAME', 'lending_new_key' LANGUAGE C VOLATILE PARALLEL RESTRICTED;
COMMENT ON FUNCTION cultuur.lending_new_key() IS '32 bytes from the server''s strong random source: a new pseudonym key.';

-- The key is made on first use (not by the install script, so that a
-- data-only load of a dump brings the key the pseudonyms were made with).
CREATE FUNCTION cultuur.member_pseudonym(member_id integer) RETURNS text
    LANGUAGE plpgsql VOLATILE STRICT
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    k bytea;
BEGIN
    SELECT l.key INTO k FROM cultuur.lending_key l;
    IF k IS NULL THEN
        INSERT INTO cultuur.lending_key (key) VALUES (cultuur.lending_new_key())
            ON CONFLICT (only_row) DO NOTHING;
        SELECT l.key INTO k FROM cultuur.lending_key l;
        IF k IS NULL THEN
            RAISE EXCEPTION 'the pseudonym key was made by a concurrent transaction'
                USING ERRCODE = 'serialization_failure', HINT = 'Retry the transaction.';
        END IF;
    END IF;
    RETURN cultuur.lending_pseudonym(k, $1);
END;
$$;
COMMENT ON FUNCTION cultuur.member_pseudonym(integer) IS 'The statistics pseudonym of a member: a keyed hash (HMAC-SHA-256) of the member number under the key of lending_key, made on first use. Callable by no role: only the lending engine writes pseudonyms, into usage_event.';

-- ---- time (doc/rules.md §10) ----

-- days counted on the Brussels calendar: a loan started at 10:00 on
-- 20 March is due at 10:00 on 1 May, across the change to summer time,
-- whatever the session's TimeZone
CREATE FUNCTION cultuur.brussels_days_after(at timestamptz, days integer) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN ((at AT TIME ZONE 'Europe/Brussels') + pg_catalog.make_interval(days => days)) AT TIME ZONE 'Europe/Brussels';
COMMENT ON FUNCTION cultuur.brussels_days_after(timestamptz, integer) IS 'The same wall-clock time in Europe/Brussels a number of calendar days later (so 42 days stay 6 weeks of the Brussels calendar across daylight saving time, whatever the session''s TimeZone).';

CREATE FUNCTION cultuur.lending_offer_days() RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$ SELECT coalesce((SELECT p.offer_days FROM cultuur.lending_policy p), 3) $$;
COMMENT ON FUNCTION cultuur.lending_offer_days() IS 'The days an offer stands: lending_policy.offer_days, or 3.';

-- ---- locks ----

CREATE FUNCTION cultuur.lending_lock_member(member_id integer) RETURNS void
    LANGUAGE sql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp SET jit = off
    RETURN cultuur.engine_lock_take('member', $1::text);
COMMENT ON FUNCTION cultuur.lending_lock_member(integer) IS 'Takes the lending lock of a member (first of the lending locks): serialises what raises the member''s loans or reservations.';

CREATE FUNCTION cultuur.lending_lock_title(title_id integer) RETURNS void
    LANGUAGE sql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp SET jit = off
    RETURN cultuur.engine_lock_take('title', $1::text);
COMMENT ON FUNCTION cultuur.lending_lock_title(integer) IS 'Takes the lending lock of a title (after the member''s): serialises everything that changes who holds or waits for its licences.';

-- share mode: borrowers of one library do not wait for each other, only
-- for a suspension being entered (suspension_stops_lending takes the row
-- by updating it)
CREATE FUNCTION cultuur.lending_library_barrier(library_id integer) RETURNS void
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    PERFORM FROM cultuur.engine_lock l WHERE l.name = 'library' AND l.key = $1::text FOR SHARE;
    IF NOT FOUND THEN
        INSERT INTO cultuur.engine_lock (name, key) VALUES ('library', $1::text)
            ON CONFLICT (name, key) DO NOTHING;
        PERFORM FROM cultuur.engine_lock l WHERE l.name = 'library' AND l.key = $1::text FOR SHARE;
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.lending_library_barrier(integer) IS 'Locks a library''s lending row in share mode (last of the lending locks): a borrow or reservation waits for a suspension of the library being entered, then sees it.';

-- ---- what a title can lend ----

-- Loans a title can start now: per licence in force (not expired) the
-- free slots, at most its checkouts left.  Open loans are counted as
-- written (an overdue loan not yet ended still holds its slot: every
-- action ends them first, lending_settle).
CREATE FUNCTION cultuur.title_capacity(title_id integer, at timestamptz) RETURNS integer
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT coalesce(sum(greatest(0, least(
                   l.concurrency - (SELECT count(*) FROM cultuur.loan o
                                     WHERE o.licence_id = l.id AND o.returned_at IS NULL),
                   coalesce(l.checkouts_left, l.concurrency)))), 0)::integer
          FROM cultuur.licence l
         WHERE l.title_id = $1 AND (l.valid_until IS NULL OR l.valid_until > $2)
    $$;
COMMENT ON FUNCTION cultuur.title_capacity(integer, timestamptz) IS 'How many loans of a title could start at a moment: free slots of its licences in force, each at most its checkouts left.';

CREATE FUNCTION cultuur.title_offers(title_id integer, at timestamptz) RETURNS integer
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT count(*)::integer FROM cultuur.reservation r
         WHERE r.title_id = $1 AND r.state = 'offered' AND r.offer_expires_at > $2
    $$;
COMMENT ON FUNCTION cultuur.title_offers(integer, timestamptz) IS 'Offers of a title standing at a moment: each keeps one loan of the title''s capacity for its member.';

CREATE FUNCTION cultuur.title_can_lend_again(title_id integer, at timestamptz) RETURNS boolean
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT EXISTS (SELECT 1 FROM cultuur.licence l
                        WHERE l.title_id = $1 AND (l.valid_until IS NULL OR l.valid_until > $2)
                          AND (l.checkouts_left IS NULL OR l.checkouts_left > 0))
    $$;
COMMENT ON FUNCTION cultuur.title_can_lend_again(integer, timestamptz) IS 'Whether a title has a licence that can still lend (not expired, checkouts left): otherwise a queue would never move.';

-- The licence a new loan takes (Palace's order, doc/rules.md §10): first
-- time-limited ones, soonest expiry first; then perpetual ones; then
-- time-and-loan-limited ones, soonest expiry first; then loan-limited
-- ones, most checkouts left first.  Only licences in force with a free
-- slot and a checkout left; ties by licence number.
CREATE FUNCTION cultuur.licence_for_loan(title_id integer, at timestamptz, licence_id integer DEFAULT NULL)
    RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT l.id FROM cultuur.licence l
         WHERE l.title_id = $1 AND ($3 IS NULL OR l.id = $3)
           AND (l.valid_until IS NULL OR l.valid_until > $2)
           AND (l.checkouts_left IS NULL OR l.checkouts_left > 0)
           AND (SELECT count(*) FROM cultuur.loan o
                 WHERE o.licence_id = l.id AND o.returned_at IS NULL) < l.concurrency
         ORDER BY CASE WHEN l.checkouts_left IS NULL AND l.valid_until IS NOT NULL THEN 1
                       WHEN l.checkouts_left IS NULL THEN 2
                       WHEN l.valid_until IS NOT NULL THEN 3
                       ELSE 4 END,
                  l.valid_until, l.checkouts_left DESC, l.id
         LIMIT 1
    $$;
COMMENT ON FUNCTION cultuur.licence_for_loan(integer, timestamptz, integer) IS 'The licence a new loan of a title takes: time-limited ones first (soonest expiry first), then perpetual, then time-and-loan-limited, then loan-limited (most checkouts left first); only licences in force with a free slot and a checkout left. With licence_id, only that one.';

CREATE FUNCTION cultuur.licence_free_slot(licence_id integer) RETURNS integer
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT s FROM cultuur.licence l, pg_catalog.generate_series(1, l.concurrency) s
         WHERE l.id = $1
           AND NOT EXISTS (SELECT 1 FROM cultuur.loan o
                            WHERE o.licence_id = $1 AND o.slot = s AND o.returned_at IS NULL)
         ORDER BY s LIMIT 1
    $$;
COMMENT ON FUNCTION cultuur.licence_free_slot(integer) IS 'The lowest slot of a licence no open loan holds.';

-- A member's place among the queued reservations of a title (1: the next
-- to be offered), NULL when the member is not queued for it.
CREATE FUNCTION cultuur.queue_place(member_id integer, title_id integer) RETURNS integer
    LANGUAGE sql STABLE STRICT PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT (SELECT count(*) FROM cultuur.reservation q
                 WHERE q.title_id = $2 AND q.state = 'queued'
                   AND (q.placed_at, q.id) <= (r.placed_at, r.id))::integer
          FROM cultuur.reservation r
         WHERE r.member_id = $1 AND r.title_id = $2 AND r.state = 'queued'
    $$;
COMMENT ON FUNCTION cultuur.queue_place(integer, integer) IS 'A member''s place among the queued reservations of a title, first come first served (1: the next to be offered); NULL when not queued.';

-- ---- who may borrow (E preamble; doc/rules.md §10) ----

-- Refuses (CC015) a member without a valid membership or a Mijn
-- Bibliotheek profile, or of a library without an e-book contract in force
-- or with its e-book service suspended, on the Brussels day of at.  Takes
-- the library's barrier first.  Names only the member's own library and
-- invoice.  Returns the library.
CREATE FUNCTION cultuur.lending_member_check(member_id integer, at timestamptz) RETURNS integer
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    m     record;
    day   date := (at AT TIME ZONE 'Europe/Brussels')::date;
    susp  record;
BEGIN
    SELECT x.library_id, x.membership_until, x.has_profile INTO m
      FROM cultuur.member x WHERE x.id = $1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'member % does not exist', $1
            USING ERRCODE = 'foreign_key_violation', HINT = 'Enter the member first (table cultuur.member).';
    END IF;
    PERFORM cultuur.lending_library_barrier(m.library_id);
    IF m.membership_until < day THEN
        RAISE EXCEPTION 'the membership of member % ended on %', $1, m.membership_until
            USING ERRCODE = 'CC015',
                  DETAIL = 'Only members with a valid membership borrow and reserve e-books (E preamble).',
                  HINT = 'Renew the membership at the library (member.membership_until).';
    END IF;
    IF NOT m.has_profile THEN
        RAISE EXCEPTION 'member % has no Mijn Bibliotheek profile', $1
            USING ERRCODE = 'CC015',
                  DETAIL = 'Only members with a Mijn Bibliotheek profile borrow and reserve e-books (E preamble).',
                  HINT = 'The member creates a profile; then set member.has_profile.';
    END IF;
    IF NOT cultuur.contract_in_force(m.library_id, 'ebooks', day) THEN
        RAISE EXCEPTION 'library % has no e-book contract in force', m.library_id
            USING ERRCODE = 'CC015',
                  DETAIL = format('Only members of a subscribing library borrow and reserve e-books (E preamble); none is in force on %s.', day),
                  HINT = 'Enter the library''s e-book contract (cultuur.contract, service ebooks).';
    END IF;
    SELECT s.starts_on, i.number INTO susp
      FROM cultuur.suspension s
      JOIN cultuur.invoice i ON i.id = s.invoice_id
      JOIN cultuur.contract c ON c.id = i.contract_id
     WHERE i.library_id = m.library_id AND c.service = 'ebooks'
       AND s.starts_on <= day AND (s.lifted_on IS NULL OR s.lifted_on > day)
     ORDER BY s.starts_on LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'the e-book service of library % is suspended since % (invoice %)', m.library_id, susp.starts_on, susp.number
            USING ERRCODE = 'CC015',
                  DETAIL = 'A library whose service is suspended for an unpaid invoice cannot lend (E 8.7).',
                  HINT = 'Lending resumes once the invoice is paid or finance lifts the suspension.';
    END IF;
    RETURN m.library_id;
END;
$$;
COMMENT ON FUNCTION cultuur.lending_member_check(integer, timestamptz) IS 'Refuses (CC015) a member who may not borrow or reserve on the day of at (Brussels): no valid membership, no Mijn Bibliotheek profile, no e-book contract of the library in force, or its e-book service suspended; waits first for a suspension of the library being entered. Returns the library.';

-- ---- usage (Bijlage B; doc/rules.md §8, §11) ----

CREATE FUNCTION cultuur.lending_usage(member_id integer, title_id integer, what text, at timestamptz)
    RETURNS void
    LANGUAGE sql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
        INSERT INTO cultuur.usage_event (library_id, member_ref, service, action, occurred_at)
        SELECT m.library_id, cultuur.member_pseudonym(m.id), 'ebooks',
               (t.kind || '_' || $3)::cultuur.usage_action, $4
          FROM cultuur.member m, cultuur.title t
         WHERE m.id = $1 AND t.id = $2
    $$;
COMMENT ON FUNCTION cultuur.lending_usage(integer, integer, text, timestamptz) IS 'Writes the usage action of a loan or reservation (ebook_loaned, ebook_reserved, audiobook_loaned, audiobook_reserved) with the member''s pseudonym only, in the same transaction.';

-- ---- hand-off (doc/rules.md §10) ----

-- Brings a title up to a moment, under its lock: ends the loans due by
-- then, expires the offers that ran out, and offers every loan the title
-- can start to the first queued reservations, in queue order.  Rows another
-- transaction is ending at the same moment are left to it (SKIP LOCKED:
-- that transaction hands on what it frees).  Idempotent.
CREATE FUNCTION cultuur.lending_settle(title_id integer, as_of timestamptz,
        OUT loans_ended integer, OUT offers_expired integer, OUT offers_made integer)
    LANGUAGE plpgsql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    id_    bigint;
    free   integer;
    tries  integer := 0;
BEGIN
    loans_ended := 0;
    offers_expired := 0;
    offers_made := 0;
    FOR id_ IN SELECT o.id FROM cultuur.loan o
                WHERE o.title_id = $1 AND o.returned_at IS NULL AND o.due_at <= $2
                ORDER BY o.id FOR UPDATE SKIP LOCKED LOOP
        -- (a nested hand-off may have ended it already)
        UPDATE cultuur.loan o SET returned_at = o.due_at, ended = 'expired'
         WHERE o.id = id_ AND o.returned_at IS NULL;
        IF FOUND THEN
            loans_ended := loans_ended + 1;
        END IF;
    END LOOP;
    FOR id_ IN SELECT r.id FROM cultuur.reservation r
                WHERE r.title_id = $1 AND r.state = 'offered' AND r.offer_expires_at <= $2
                ORDER BY r.id FOR UPDATE SKIP LOCKED LOOP
        UPDATE cultuur.reservation r SET state = 'expired'
         WHERE r.id = id_ AND r.state = 'offered';
        IF FOUND THEN
            offers_expired := offers_expired + 1;
        END IF;
    END LOOP;
    -- offers are made now, for what the title can lend now
    free := cultuur.title_capacity($1, pg_catalog.clock_timestamp())
            - cultuur.title_offers($1, pg_catalog.clock_timestamp());
    WHILE free > 0 AND tries < 1000 LOOP
        tries := tries + 1;
        SELECT r.id INTO id_ FROM cultuur.reservation r
         WHERE r.title_id = $1 AND r.state = 'queued'
         ORDER BY r.placed_at, r.id LIMIT 1 FOR UPDATE;
        EXIT WHEN NOT FOUND;
        UPDATE cultuur.reservation r SET state = 'offered' WHERE r.id = id_ AND r.state = 'queued';
        IF FOUND THEN
            offers_made := offers_made + 1;
            free := free - 1;
        END IF;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION cultuur.lending_settle(integer, timestamptz) IS 'Under the title''s lock: ends the loans due by as_of, expires the offers that ran out, and offers what the title can lend to the first queued reservations in order. Idempotent; called by every lending action and by cultuur.expire_due().';
