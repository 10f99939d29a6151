-- ---------------------------------------------------------------------
-- Layer 5, API: the lending front door (doc/rules.md §10).  Each is one
-- statement on loan or reservation, run with the owner's rights and
-- granted to library data entry; the rules are the tables' triggers
-- (47_triggers_lending.sql), so a direct INSERT or UPDATE obeys the same.
-- ---------------------------------------------------------------------

CREATE FUNCTION cultuur.borrow(member_id integer, title_id integer, days integer DEFAULT NULL)
    RETURNS cultuur.loan_receipt
    LANGUAGE plpgsql VOLATILE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    r cultuur.loan_receipt;
BEGIN
    IF $1 IS NULL OR $2 IS NULL THEN
        RAISE EXCEPTION 'borrow needs a member and a title'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'cultuur.borrow(member_id, title_id [, days]).';
    END IF;
    IF days IS NOT NULL AND (days < 1 OR days > 42) THEN
        RAISE EXCEPTION 'a loan of % days is not allowed', days
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Give 1 to 42 days (E preamble: at most 6 weeks), or none for the longest the licence allows.';
    END IF;
    -- (a loan starts when its transaction does: loan_start)
    INSERT INTO cultuur.loan AS o (member_id, title_id, due_at)
    VALUES ($1, $2,
            CASE WHEN days IS NOT NULL THEN cultuur.brussels_days_after(transaction_timestamp(), days) END)
    RETURNING o.id, o.title_id, o.licence_id, o.started_at, o.due_at, false
         INTO r.loan_id, r.title_id, r.licence_id, r.started_at, r.due_at, r.took_offer;
    r.took_offer := EXISTS (SELECT 1 FROM cultuur.reservation x WHERE x.loan_id = r.loan_id);
    RETURN r;
END;
$$;
COMMENT ON FUNCTION cultuur.borrow(integer, integer, integer) IS 'Lends a title to a member (taking the offer made to them, where there is one): an INSERT into loan, so every lending rule applies (CC015-CC018). days: a shorter loan (1 to 42; by default the longest the licence allows, at most 6 weeks). Returns the loan, its licence and due time.';

CREATE FUNCTION cultuur.give_back(loan_id bigint,
        OUT ended cultuur.loan_end, OUT returned_at timestamptz, OUT offers_made integer)
    LANGUAGE plpgsql VOLATILE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    t     integer;
    was   record;
    id_   bigint := $1;
BEGIN
    IF id_ IS NULL THEN
        RAISE EXCEPTION 'give_back needs a loan'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'cultuur.give_back(loan_id): the id cultuur.borrow returned.';
    END IF;
    SELECT o.title_id INTO t FROM cultuur.loan o WHERE o.id = id_;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'loan % does not exist', id_
            USING ERRCODE = 'no_data_found', HINT = 'Give the id cultuur.borrow returned.';
    END IF;
    -- the title's lock first, as every hand-off takes it
    PERFORM cultuur.lending_lock_title(t);
    SELECT o.ended, o.returned_at INTO was FROM cultuur.loan o WHERE o.id = id_;
    IF was.ended IS NOT NULL THEN
        RAISE EXCEPTION 'loan % ended already (%)', id_, was.ended
            USING ERRCODE = 'CC018', DETAIL = format('It ended at %s.', was.returned_at), HINT = 'Nothing to give back.';
    END IF;
    UPDATE cultuur.loan o SET returned_at = clock_timestamp() WHERE o.id = id_
    RETURNING o.ended, o.returned_at INTO ended, returned_at;
    SELECT count(*)::integer INTO offers_made FROM cultuur.reservation r
     WHERE r.title_id = t AND r.state = 'offered' AND r.offered_at >= returned_at;
END;
$$;
COMMENT ON FUNCTION cultuur.give_back(bigint) IS 'Ends a loan (early: returned now; past its due time: expired then) and offers the freed licence to the first reader in the title''s queue, in the same transaction. Returns how the loan ended and how many offers were made.';

CREATE FUNCTION cultuur.reserve(member_id integer, title_id integer)
    RETURNS cultuur.reservation_receipt
    LANGUAGE plpgsql VOLATILE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    r cultuur.reservation_receipt;
BEGIN
    IF $1 IS NULL OR $2 IS NULL THEN
        RAISE EXCEPTION 'reserve needs a member and a title'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'cultuur.reserve(member_id, title_id).';
    END IF;
    INSERT INTO cultuur.reservation AS x (member_id, title_id)
    VALUES ($1, $2)
    RETURNING x.id, x.title_id, x.state, NULL::integer, x.offer_expires_at
         INTO r.reservation_id, r.title_id, r.state, r.queue_position, r.offer_expires_at;
    r.queue_position := cultuur.queue_place($1, $2);
    RETURN r;
END;
$$;
COMMENT ON FUNCTION cultuur.reserve(integer, integer) IS 'Puts a member in a title''s queue: an INSERT into reservation, so every lending rule applies (CC015-CC017). Returns the reservation and its place in the queue.';

CREATE FUNCTION cultuur.cancel_reservation(reservation_id bigint)
    RETURNS cultuur.reservation_receipt
    LANGUAGE plpgsql VOLATILE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    r    cultuur.reservation_receipt;
    cur  record;
    id_  bigint := $1;
BEGIN
    IF id_ IS NULL THEN
        RAISE EXCEPTION 'cancel_reservation needs a reservation'
            USING ERRCODE = 'invalid_parameter_value', HINT = 'cultuur.cancel_reservation(reservation_id): the id cultuur.reserve returned.';
    END IF;
    SELECT x.title_id, x.state INTO cur FROM cultuur.reservation x WHERE x.id = id_;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'reservation % does not exist', id_
            USING ERRCODE = 'no_data_found', HINT = 'Give the id cultuur.reserve returned.';
    END IF;
    -- an offer frees a licence: the title's lock first, as every hand-off
    -- takes it
    IF cur.state = 'offered' THEN
        PERFORM cultuur.lending_lock_title(cur.title_id);
    END IF;
    UPDATE cultuur.reservation x SET state = 'cancelled'
     WHERE x.id = id_ AND x.state IN ('queued', 'offered')
    RETURNING x.id, x.title_id, x.state, NULL::integer, x.offer_expires_at
         INTO r.reservation_id, r.title_id, r.state, r.queue_position, r.offer_expires_at;
    IF NOT FOUND THEN
        SELECT x.state INTO cur FROM cultuur.reservation x WHERE x.id = id_;
        RAISE EXCEPTION 'reservation % is % already', id_, cur.state
            USING ERRCODE = 'CC018', HINT = 'Only a queued reservation or a standing offer can be cancelled.';
    END IF;
    RETURN r;
END;
$$;
COMMENT ON FUNCTION cultuur.cancel_reservation(bigint) IS 'Takes a member out of a title''s queue, or declines the offer made to them (the licence then goes to the next reader, in the same transaction; an offer that ran out ends as expired). Returns the reservation''s final state.';

CREATE FUNCTION cultuur.queue_position(member_id integer, title_id integer)
    RETURNS cultuur.reservation_receipt
    LANGUAGE sql STABLE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$
        SELECT r.id, r.title_id,
               CASE WHEN r.state = 'offered' AND r.offer_expires_at <= pg_catalog.clock_timestamp()
                    THEN 'expired'::cultuur.reservation_state ELSE r.state END,
               cultuur.queue_place($1, $2),
               CASE WHEN r.state = 'offered' AND r.offer_expires_at > pg_catalog.clock_timestamp()
                    THEN r.offer_expires_at END
          FROM cultuur.reservation r
         WHERE r.member_id = $1 AND r.title_id = $2
         ORDER BY r.placed_at DESC, r.id DESC
         LIMIT 1
    $$;
COMMENT ON FUNCTION cultuur.queue_position(integer, integer) IS 'A member''s latest reservation of a title as it stands now: its state (an offer that ran out reads as expired), its place among the queued (1: the next to be offered) and, while offered, until when. No row when the member never reserved it.';

CREATE FUNCTION cultuur.expire_due(as_of timestamptz DEFAULT now(),
        OUT loans_ended integer, OUT offers_expired integer, OUT offers_made integer)
    LANGUAGE plpgsql VOLATILE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    t      integer;
    began  timestamptz := clock_timestamp();
    open0  bigint;
    offer0 bigint;
BEGIN
    IF as_of IS NULL OR NOT isfinite(as_of) THEN
        RAISE EXCEPTION 'expire_due needs a finite moment, not %', coalesce(as_of::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Call cultuur.expire_due() for now.';
    END IF;
    IF as_of > began THEN
        RAISE EXCEPTION 'expire_due cannot end loans ahead of time'
            USING ERRCODE = 'CC014', DETAIL = format('As of %s is after now (%s).', as_of, began),
                  HINT = 'Give now or an earlier moment.';
    END IF;
    SELECT count(*) INTO open0 FROM cultuur.loan o WHERE o.returned_at IS NULL AND o.due_at <= as_of;
    SELECT count(*) INTO offer0 FROM cultuur.reservation r WHERE r.state = 'offered' AND r.offer_expires_at <= as_of;
    -- title by title, in id order (the order every multi-title action
    -- takes the title locks in)
    FOR t IN SELECT o.title_id FROM cultuur.loan o WHERE o.returned_at IS NULL AND o.due_at <= as_of
             UNION
             SELECT r.title_id FROM cultuur.reservation r WHERE r.state = 'offered' AND r.offer_expires_at <= as_of
             ORDER BY 1 LOOP
        PERFORM cultuur.lending_lock_title(t);
        PERFORM cultuur.lending_settle(t, as_of);
    END LOOP;
    SELECT (open0 - count(*))::integer INTO loans_ended FROM cultuur.loan o WHERE o.returned_at IS NULL AND o.due_at <= as_of;
    SELECT (offer0 - count(*))::integer INTO offers_expired FROM cultuur.reservation r WHERE r.state = 'offered' AND r.offer_expires_at <= as_of;
    SELECT count(*)::integer INTO offers_made FROM cultuur.reservation r
     WHERE r.state IN ('offered', 'loaned', 'expired', 'cancelled') AND r.offered_at >= began;
END;
$$;
COMMENT ON FUNCTION cultuur.expire_due(timestamptz) IS 'Ends the loans due by as_of (default now) and the offers that ran out by then, and offers what they free to the next readers, title by title. Idempotent: any scheduler may call it (pg_cron: SELECT cron.schedule(''cultuur-expire-due'', ''*/5 * * * *'', ''SELECT cultuur.expire_due()'')); reads already treat those loans and offers as ended. as_of after now: CC014.';

-- What reports may know of lending: per title, no member.  Loans past
-- their due time and offers that ran out count as ended, as everywhere.
CREATE VIEW cultuur.title_availability AS
SELECT t.id AS title_id, t.name, t.kind,
       (SELECT count(*) FROM cultuur.licence l WHERE l.title_id = t.id)::integer AS licences,
       (SELECT count(*) FROM cultuur.licence l
         WHERE l.title_id = t.id AND (l.valid_until IS NULL OR l.valid_until > pg_catalog.now())
           AND (l.checkouts_left IS NULL OR l.checkouts_left > 0))::integer AS licences_lending,
       (SELECT count(*) FROM cultuur.loan o
         WHERE o.title_id = t.id AND o.returned_at IS NULL AND o.due_at > pg_catalog.now())::integer AS open_loans,
       (SELECT count(*) FROM cultuur.reservation r
         WHERE r.title_id = t.id AND r.state = 'offered' AND r.offer_expires_at > pg_catalog.now())::integer AS standing_offers,
       (SELECT count(*) FROM cultuur.reservation r
         WHERE r.title_id = t.id AND r.state = 'queued')::integer AS queued,
       (SELECT min(o.due_at) FROM cultuur.loan o
         WHERE o.title_id = t.id AND o.returned_at IS NULL AND o.due_at > pg_catalog.now()) AS next_due
  FROM cultuur.title t;
COMMENT ON VIEW cultuur.title_availability IS 'Per title: its licences (all, and those that can still lend), open loans, standing offers, queued reservations and the first due time; loans past due and offers that ran out count as ended. Names no member.';
