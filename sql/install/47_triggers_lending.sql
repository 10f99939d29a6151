-- ---------------------------------------------------------------------
-- Layer 4, triggers: e-book lending (doc/rules.md §10, §11).
--
-- The rules hold whatever the entry path: cultuur.borrow() is an INSERT
-- into loan, give_back() an UPDATE of its returned_at, reserve() an INSERT
-- into reservation, cancel_reservation() an UPDATE of its state; the
-- triggers below check and complete every such row, so a direct INSERT or
-- UPDATE obeys exactly the rules the front doors do.  A hand-off (a freed
-- licence offered to the first reader in the queue) runs in the same
-- transaction as what freed it; the hand-offs it makes itself do not start
-- another (pg_trigger_depth).
-- ---------------------------------------------------------------------

-- ---- licences ----

CREATE FUNCTION cultuur.licence_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    used bigint;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF cultuur.restoring() THEN
            RETURN NEW;
        END IF;
        NEW.checkouts_left := NEW.checkouts_total;
        NEW.acquired_at := transaction_timestamp();
        RETURN NEW;
    END IF;
    IF (NEW.id, NEW.title_id, NEW.concurrency, NEW.checkouts_total, NEW.valid_until, NEW.max_loan_days, NEW.acquired_at)
       IS DISTINCT FROM
       (OLD.id, OLD.title_id, OLD.concurrency, OLD.checkouts_total, OLD.valid_until, OLD.max_loan_days, OLD.acquired_at) THEN
        RAISE EXCEPTION 'the terms of licence % never change', OLD.id
            USING ERRCODE = 'CC010',
                  DETAIL = 'Its loans were made under them.',
                  HINT = 'Enter the new terms as a new licence of the title.';
    END IF;
    IF NEW.checkouts_left IS DISTINCT FROM OLD.checkouts_left THEN
        SELECT count(*) INTO used FROM cultuur.loan o WHERE o.licence_id = OLD.id;
        IF NEW.checkouts_left IS DISTINCT FROM OLD.checkouts_total - used THEN
            RAISE EXCEPTION 'checkouts left of licence % are its total less its loans (% - %)', OLD.id, OLD.checkouts_total, used
                USING ERRCODE = 'CC010',
                      HINT = 'The count is kept by the database: one less per loan, in the statement that makes the loan.';
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.licence_check() IS 'Trigger: a new licence starts with all its checkouts; its terms never change; checkouts_left is always checkouts_total less the loans made on it (CC010).';
CREATE TRIGGER licence_rules BEFORE INSERT OR UPDATE ON cultuur.licence
    FOR EACH ROW EXECUTE FUNCTION cultuur.licence_check();
COMMENT ON TRIGGER licence_rules ON cultuur.licence IS 'A licence''s terms never change; its checkouts left are kept by the database (CC010).';

-- a licence bought for a title with a queue is offered at once
CREATE FUNCTION cultuur.licence_added() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF cultuur.restoring() THEN
        RETURN NULL;
    END IF;
    PERFORM cultuur.lending_lock_title(NEW.title_id);
    PERFORM cultuur.lending_settle(NEW.title_id, clock_timestamp());
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.licence_added() IS 'Trigger: a new licence of a title is offered to its queue at once.';
CREATE TRIGGER licence_added AFTER INSERT ON cultuur.licence
    FOR EACH ROW EXECUTE FUNCTION cultuur.licence_added();
COMMENT ON TRIGGER licence_added ON cultuur.licence IS 'A new licence is offered to the title''s queue in the same transaction.';

-- ---- members ----

CREATE FUNCTION cultuur.member_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF NEW.id IS DISTINCT FROM OLD.id OR NEW.library_id IS DISTINCT FROM OLD.library_id THEN
        RAISE EXCEPTION 'member % stays a member of library %', OLD.id, OLD.library_id
            USING ERRCODE = 'CC010',
                  DETAIL = 'A member''s loans, reservations and statistics belong to the library.',
                  HINT = 'Enter the person as a new member of the other library.';
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.member_check() IS 'Trigger: a member''s number and library never change (CC010).';
CREATE TRIGGER member_rules BEFORE UPDATE ON cultuur.member
    FOR EACH ROW EXECUTE FUNCTION cultuur.member_check();
COMMENT ON TRIGGER member_rules ON cultuur.member IS 'A member''s number and library never change (CC010).';

-- ---- loans ----

-- A new loan (E preamble): the member may borrow (membership, profile,
-- library's contract in force and not suspended), has fewer than 2 loans
-- and does not read the title already; the title has a loan free for the
-- member (an offer made to the member, or capacity no offer keeps); the
-- licence is chosen (licence_for_loan), the slot, the start and the due
-- time (at most the licence's longest loan, counted in Brussels, never
-- after the licence expires) are set by the database.
CREATE FUNCTION cultuur.loan_start() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    at       timestamptz;
    n        integer;
    next_due timestamptz;
    offer    bigint;
    place    integer;
    queued   integer;
    lic      record;
    cap      timestamptz;
    started  timestamptz := transaction_timestamp();
BEGIN
    IF cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    IF NEW.member_id IS NULL OR NEW.title_id IS NULL THEN
        RAISE EXCEPTION 'a loan names its member and its title'
            USING ERRCODE = 'not_null_violation', HINT = 'Give member_id and title_id (or call cultuur.borrow).';
    END IF;
    PERFORM cultuur.lending_lock_member(NEW.member_id);
    PERFORM cultuur.lending_lock_title(NEW.title_id);
    at := clock_timestamp();
    IF NOT EXISTS (SELECT 1 FROM cultuur.title t WHERE t.id = NEW.title_id) THEN
        RAISE EXCEPTION 'title % does not exist', NEW.title_id
            USING ERRCODE = 'foreign_key_violation', HINT = 'Enter the title and its licences first.';
    END IF;
    PERFORM cultuur.lending_settle(NEW.title_id, at);
    PERFORM cultuur.lending_member_check(NEW.member_id, at);
    IF EXISTS (SELECT 1 FROM cultuur.loan o
                WHERE o.member_id = NEW.member_id AND o.title_id = NEW.title_id
                  AND o.returned_at IS NULL AND o.due_at > at) THEN
        RAISE EXCEPTION 'member % is reading title % already', NEW.member_id, NEW.title_id
            USING ERRCODE = 'CC016', HINT = 'A member borrows a title once at a time.';
    END IF;
    SELECT count(*)::integer, min(o.due_at) INTO n, next_due FROM cultuur.loan o
     WHERE o.member_id = NEW.member_id AND o.returned_at IS NULL AND o.due_at > at;
    IF n >= 2 THEN
        RAISE EXCEPTION 'member % has 2 loans already', NEW.member_id
            USING ERRCODE = 'CC016',
                  DETAIL = 'A member has at most 2 loans at a time (E preamble).',
                  HINT = format('Return one first (cultuur.give_back); the first ends by itself at %s (Brussels).',
                                to_char(next_due AT TIME ZONE 'Europe/Brussels', 'YYYY-MM-DD HH24:MI'));
    END IF;
    SELECT r.id INTO offer FROM cultuur.reservation r
     WHERE r.member_id = NEW.member_id AND r.title_id = NEW.title_id
       AND r.state = 'offered' AND r.offer_expires_at > at
       FOR UPDATE;
    IF offer IS NULL
       AND cultuur.title_capacity(NEW.title_id, at) - cultuur.title_offers(NEW.title_id, at) <= 0 THEN
        IF NOT cultuur.title_can_lend_again(NEW.title_id, at) THEN
            RAISE EXCEPTION 'title % has no licence left to lend', NEW.title_id
                USING ERRCODE = 'CC017',
                      DETAIL = 'Its licences have expired or used up their checkouts.',
                      HINT = 'The consortium can buy a new licence of the title.';
        END IF;
        SELECT count(*)::integer, (count(*) FILTER (WHERE r.member_id = NEW.member_id))::integer
          INTO queued, place
          FROM cultuur.reservation r WHERE r.title_id = NEW.title_id AND r.state = 'queued';
        SELECT min(o.due_at) INTO next_due FROM cultuur.loan o
         WHERE o.title_id = NEW.title_id AND o.returned_at IS NULL AND o.due_at > at;
        IF place > 0 THEN
            place := cultuur.queue_place(NEW.member_id, NEW.title_id);
            RAISE EXCEPTION 'no licence of title % is free for member %', NEW.title_id, NEW.member_id
                USING ERRCODE = 'CC017',
                      DETAIL = format('The member is number %s in the queue.', place),
                      HINT = 'The member is offered the title when a licence comes free to them (cultuur.queue_position).';
        END IF;
        RAISE EXCEPTION 'no licence of title % is free', NEW.title_id
            USING ERRCODE = 'CC017',
                  DETAIL = format('%s reader(s) in the queue.', queued),
                  HINT = CASE WHEN next_due IS NULL
                              THEN 'No licence can lend it now; reserve it (cultuur.reserve) to be offered the first that does.'
                              ELSE format('Reserve it (cultuur.reserve); the first licence is due back by %s (Brussels).',
                                          to_char(next_due AT TIME ZONE 'Europe/Brussels', 'YYYY-MM-DD HH24:MI'))
                         END;
    END IF;
    SELECT l.id, l.valid_until, l.max_loan_days INTO lic FROM cultuur.licence l
     WHERE l.id = cultuur.licence_for_loan(NEW.title_id, at, NEW.licence_id);
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no licence of title % can lend now%', NEW.title_id,
                        CASE WHEN NEW.licence_id IS NOT NULL THEN format(' (licence %s asked for)', NEW.licence_id) ELSE '' END
            USING ERRCODE = 'CC017',
                  HINT = CASE WHEN NEW.licence_id IS NOT NULL
                              THEN 'Leave licence_id out: the database chooses a licence that fits.'
                              ELSE 'The licences of the title are taken, expired or used up.' END;
    END IF;
    -- a loan starts when its transaction does (as every entry of the
    -- books: entered_at), so a loan of n days is due n Brussels days later
    cap := cultuur.brussels_days_after(started, lic.max_loan_days);
    IF lic.valid_until < cap THEN
        cap := lic.valid_until;
    END IF;
    IF NEW.due_at IS NULL THEN
        NEW.due_at := cap;
    ELSIF NOT isfinite(NEW.due_at) OR NEW.due_at <= started OR NEW.due_at > cap THEN
        RAISE EXCEPTION 'a loan of title % cannot be due at the time asked for', NEW.title_id
            USING ERRCODE = 'CC018',
                  DETAIL = format('Asked for %s; its licence lends for at most %s days%s (E preamble: at most 6 weeks).', NEW.due_at, lic.max_loan_days,
                                  CASE WHEN lic.valid_until = cap THEN ' and expires before that' ELSE '' END),
                  HINT = format('Give a due time after the start and by %s (Brussels), or none.',
                                to_char(cap AT TIME ZONE 'Europe/Brussels', 'YYYY-MM-DD HH24:MI'));
    END IF;
    NEW.licence_id := lic.id;
    NEW.slot := cultuur.licence_free_slot(lic.id);
    NEW.started_at := started;
    NEW.returned_at := NULL;
    NEW.ended := NULL;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.loan_start() IS 'Trigger: checks and completes a new loan: the member may borrow (CC015), has fewer than 2 loans and does not read the title already (CC016), the title has a loan free for the member (CC017: an offer made to them, or capacity no offer keeps); sets the licence, slot, start and due time (at most the licence''s longest loan in Brussels days, never after it expires; a due time asked for beyond that: CC018).';
CREATE TRIGGER loan_rules BEFORE INSERT ON cultuur.loan
    FOR EACH ROW EXECUTE FUNCTION cultuur.loan_start();
COMMENT ON TRIGGER loan_rules ON cultuur.loan IS 'Who may borrow, the 2-loan limit, one reader per licence slot, the 6 weeks (CC015-CC018; E preamble).';

-- what a loan writes in its own statement: the licence's checkout, the
-- offer it took, and its usage action
CREATE FUNCTION cultuur.loan_started() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF cultuur.restoring() THEN
        RETURN NULL;
    END IF;
    UPDATE cultuur.licence l SET checkouts_left = l.checkouts_left - 1
     WHERE l.id = NEW.licence_id AND l.checkouts_left IS NOT NULL;
    UPDATE cultuur.reservation r SET state = 'loaned', loan_id = NEW.id
     WHERE r.member_id = NEW.member_id AND r.title_id = NEW.title_id AND r.state = 'offered';
    PERFORM cultuur.lending_usage(NEW.member_id, NEW.title_id, 'loaned', NEW.started_at);
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.loan_started() IS 'Trigger: a new loan uses one checkout of a metered licence, takes the offer made to the member, and writes its usage action (ebook_loaned or audiobook_loaned) with the member''s pseudonym.';
CREATE TRIGGER loan_started AFTER INSERT ON cultuur.loan
    FOR EACH ROW EXECUTE FUNCTION cultuur.loan_started();
COMMENT ON TRIGGER loan_started ON cultuur.loan IS 'The checkout, the offer taken and the usage action, in the statement of the loan.';

-- Ending a loan: only returned_at is asked for; the database sets when and
-- how (returned now, or expired at its due time when that has passed).
CREATE FUNCTION cultuur.loan_end() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    at timestamptz;
BEGIN
    IF OLD.returned_at IS NOT NULL THEN
        RAISE EXCEPTION 'loan % ended already (%)', OLD.id, OLD.ended
            USING ERRCODE = 'CC018', DETAIL = format('It ended at %s.', OLD.returned_at),
                  HINT = 'An ended loan is history; it never changes.';
    END IF;
    IF (NEW.id, NEW.member_id, NEW.title_id, NEW.licence_id, NEW.slot, NEW.started_at, NEW.due_at)
       IS DISTINCT FROM
       (OLD.id, OLD.member_id, OLD.title_id, OLD.licence_id, OLD.slot, OLD.started_at, OLD.due_at) THEN
        RAISE EXCEPTION 'loan % keeps its member, title, licence and times', OLD.id
            USING ERRCODE = 'CC018', HINT = 'A loan can only end: set returned_at (or call cultuur.give_back).';
    END IF;
    IF NEW.returned_at IS NULL AND NEW.ended IS NULL THEN
        RETURN NEW;
    END IF;
    PERFORM cultuur.lending_lock_title(OLD.title_id);
    at := clock_timestamp();
    IF OLD.due_at <= at THEN
        NEW.returned_at := OLD.due_at;
        NEW.ended := 'expired';
    ELSE
        NEW.returned_at := at;
        NEW.ended := 'returned';
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.loan_end() IS 'Trigger: a loan only ends, once: returned now, or expired at its due time when that has passed (the database sets when and how); nothing else of it changes (CC018).';
CREATE TRIGGER loan_end BEFORE UPDATE ON cultuur.loan
    FOR EACH ROW EXECUTE FUNCTION cultuur.loan_end();
COMMENT ON TRIGGER loan_end ON cultuur.loan IS 'A loan only ends, once; the database records when and how (CC018).';

CREATE FUNCTION cultuur.lending_hand_on() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    -- the hand-off's own changes do not start another
    IF pg_trigger_depth() = 1 THEN
        PERFORM cultuur.lending_lock_title(NEW.title_id);
        PERFORM cultuur.lending_settle(NEW.title_id, clock_timestamp());
    END IF;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.lending_hand_on() IS 'Trigger: what a loan''s end, or a cancelled or expired offer, frees is offered to the first reader in the title''s queue in the same transaction.';
CREATE TRIGGER loan_hand_on AFTER UPDATE OF returned_at ON cultuur.loan
    FOR EACH ROW WHEN (OLD.returned_at IS NULL AND NEW.returned_at IS NOT NULL)
    EXECUTE FUNCTION cultuur.lending_hand_on();
COMMENT ON TRIGGER loan_hand_on ON cultuur.loan IS 'A returned or expired loan''s licence goes to the first reader in the queue, in the same transaction.';

CREATE FUNCTION cultuur.lending_history_kept() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    RAISE EXCEPTION '% % is history and is never deleted', TG_TABLE_NAME, OLD.id
        USING ERRCODE = 'CC010', HINT = 'End it instead (cultuur.give_back, cultuur.cancel_reservation).';
END;
$$;
COMMENT ON FUNCTION cultuur.lending_history_kept() IS 'Trigger: loans and reservations are never deleted (CC010).';
CREATE TRIGGER loan_kept BEFORE DELETE ON cultuur.loan
    FOR EACH ROW EXECUTE FUNCTION cultuur.lending_history_kept();
COMMENT ON TRIGGER loan_kept ON cultuur.loan IS 'Loans are history: never deleted (CC010).';

-- ---- reservations ----

-- A new reservation: the member may reserve (as for a loan), has fewer than
-- 2 reservations, does not read the title and is not in its queue; the
-- title cannot lend to the member now but can lend again.  Its place in the
-- queue is the moment it is made, under the title's lock, then its id.
CREATE FUNCTION cultuur.reservation_place() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    at  timestamptz;
    n   integer;
    own record;
BEGIN
    IF cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    IF NEW.member_id IS NULL OR NEW.title_id IS NULL THEN
        RAISE EXCEPTION 'a reservation names its member and its title'
            USING ERRCODE = 'not_null_violation', HINT = 'Give member_id and title_id (or call cultuur.reserve).';
    END IF;
    PERFORM cultuur.lending_lock_member(NEW.member_id);
    PERFORM cultuur.lending_lock_title(NEW.title_id);
    at := clock_timestamp();
    IF NOT EXISTS (SELECT 1 FROM cultuur.title t WHERE t.id = NEW.title_id) THEN
        RAISE EXCEPTION 'title % does not exist', NEW.title_id
            USING ERRCODE = 'foreign_key_violation', HINT = 'Enter the title and its licences first.';
    END IF;
    PERFORM cultuur.lending_settle(NEW.title_id, at);
    PERFORM cultuur.lending_member_check(NEW.member_id, at);
    IF EXISTS (SELECT 1 FROM cultuur.loan o
                WHERE o.member_id = NEW.member_id AND o.title_id = NEW.title_id
                  AND o.returned_at IS NULL AND o.due_at > at) THEN
        RAISE EXCEPTION 'member % is reading title % already', NEW.member_id, NEW.title_id
            USING ERRCODE = 'CC016', HINT = 'A member never reserves a title they are reading.';
    END IF;
    SELECT r.state, r.offer_expires_at INTO own FROM cultuur.reservation r
     WHERE r.member_id = NEW.member_id AND r.title_id = NEW.title_id AND r.state IN ('queued', 'offered');
    IF FOUND THEN
        RAISE EXCEPTION 'member % has reserved title % already', NEW.member_id, NEW.title_id
            USING ERRCODE = 'CC016',
                  DETAIL = CASE own.state WHEN 'offered'
                                THEN format('A licence is kept for the member until %s (Brussels).',
                                            to_char(own.offer_expires_at AT TIME ZONE 'Europe/Brussels', 'YYYY-MM-DD HH24:MI'))
                                ELSE format('The member is number %s in the queue.', cultuur.queue_place(NEW.member_id, NEW.title_id))
                           END,
                  HINT = 'A member is once in a title''s queue.';
    END IF;
    SELECT count(*)::integer INTO n FROM cultuur.reservation r
     WHERE r.member_id = NEW.member_id
       AND (r.state = 'queued' OR (r.state = 'offered' AND r.offer_expires_at > at));
    IF n >= 2 THEN
        RAISE EXCEPTION 'member % has 2 reservations already', NEW.member_id
            USING ERRCODE = 'CC016',
                  DETAIL = 'A member has at most 2 reservations at a time (E preamble).',
                  HINT = 'Cancel one first (cultuur.cancel_reservation), or wait until one is offered and borrowed.';
    END IF;
    IF NOT cultuur.title_can_lend_again(NEW.title_id, at) THEN
        RAISE EXCEPTION 'title % has no licence left to lend', NEW.title_id
            USING ERRCODE = 'CC017',
                  DETAIL = 'Its licences have expired or used up their checkouts; a queue would never move.',
                  HINT = 'The consortium can buy a new licence of the title.';
    END IF;
    IF cultuur.title_capacity(NEW.title_id, at) - cultuur.title_offers(NEW.title_id, at) > 0 THEN
        RAISE EXCEPTION 'title % is free: borrow it instead of reserving', NEW.title_id
            USING ERRCODE = 'CC017', HINT = 'Call cultuur.borrow.';
    END IF;
    NEW.placed_at := clock_timestamp();
    NEW.state := 'queued';
    NEW.offered_at := NULL;
    NEW.offer_expires_at := NULL;
    NEW.closed_at := NULL;
    NEW.loan_id := NULL;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.reservation_place() IS 'Trigger: checks and completes a new reservation: the member may reserve (CC015), has fewer than 2 reservations, is not reading the title nor in its queue (CC016); the title cannot lend now but can lend again (CC017); the place in the queue is set by the database.';
CREATE TRIGGER reservation_rules BEFORE INSERT ON cultuur.reservation
    FOR EACH ROW EXECUTE FUNCTION cultuur.reservation_place();
COMMENT ON TRIGGER reservation_rules ON cultuur.reservation IS 'Who may reserve, the 2-reservation limit, never a title the member reads, first come first served (CC015-CC017; E preamble).';

CREATE FUNCTION cultuur.reservation_placed() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF cultuur.restoring() THEN
        RETURN NULL;
    END IF;
    PERFORM cultuur.lending_usage(NEW.member_id, NEW.title_id, 'reserved', NEW.placed_at);
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.reservation_placed() IS 'Trigger: a new reservation writes its usage action (ebook_reserved or audiobook_reserved) with the member''s pseudonym.';
CREATE TRIGGER reservation_placed AFTER INSERT ON cultuur.reservation
    FOR EACH ROW EXECUTE FUNCTION cultuur.reservation_placed();
COMMENT ON TRIGGER reservation_placed ON cultuur.reservation IS 'The usage action of the reservation, in its statement.';

-- The life of a reservation: queued -> offered -> loaned | expired |
-- cancelled, or queued -> cancelled.  Only the state (and, for loaned, the
-- loan) is asked for; the database sets the times.  An offer goes only to
-- the first queued reservation while the title has a loan no offer keeps;
-- it expires only once its time has passed; it is loaned only by the
-- member's own open loan of the title.
CREATE FUNCTION cultuur.reservation_move() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    at    timestamptz;
    l     record;
BEGIN
    IF (NEW.id, NEW.title_id, NEW.member_id, NEW.placed_at) IS DISTINCT FROM (OLD.id, OLD.title_id, OLD.member_id, OLD.placed_at) THEN
        RAISE EXCEPTION 'reservation % keeps its member, title and place in the queue', OLD.id
            USING ERRCODE = 'CC018', HINT = 'Cancel it and reserve again (the new place is at the end of the queue).';
    END IF;
    IF NEW.state = OLD.state THEN
        IF (NEW.offered_at, NEW.offer_expires_at, NEW.closed_at, NEW.loan_id)
           IS DISTINCT FROM (OLD.offered_at, OLD.offer_expires_at, OLD.closed_at, OLD.loan_id) THEN
            RAISE EXCEPTION 'the times of reservation % are set by the database', OLD.id
                USING ERRCODE = 'CC018', HINT = 'Change its state only.';
        END IF;
        RETURN NEW;
    END IF;
    -- leaving the queue frees nothing: no lock needed (and none taken, so
    -- that a hand-off waiting for this row cannot deadlock with it)
    IF NOT (OLD.state = 'queued' AND NEW.state = 'cancelled') THEN
        PERFORM cultuur.lending_lock_title(OLD.title_id);
    END IF;
    at := clock_timestamp();
    NEW.offered_at := OLD.offered_at;
    NEW.offer_expires_at := OLD.offer_expires_at;
    NEW.closed_at := NULL;
    IF NEW.state <> 'loaned' THEN
        NEW.loan_id := NULL;
    END IF;
    IF OLD.state = 'queued' AND NEW.state = 'offered' THEN
        IF EXISTS (SELECT 1 FROM cultuur.reservation r
                    WHERE r.title_id = OLD.title_id AND r.state = 'queued'
                      AND (r.placed_at, r.id) < (OLD.placed_at, OLD.id)) THEN
            RAISE EXCEPTION 'reservation % is not first in the queue of title %', OLD.id, OLD.title_id
                USING ERRCODE = 'CC018', HINT = 'Offers go in queue order (first come, first served).';
        END IF;
        IF cultuur.title_capacity(OLD.title_id, at) - cultuur.title_offers(OLD.title_id, at) <= 0 THEN
            RAISE EXCEPTION 'title % has no licence free to offer', OLD.title_id
                USING ERRCODE = 'CC018', HINT = 'An offer keeps a loan the title can start; the next one is offered when a licence comes free.';
        END IF;
        NEW.offered_at := at;
        NEW.offer_expires_at := cultuur.brussels_days_after(at, cultuur.lending_offer_days());
    ELSIF OLD.state = 'queued' AND NEW.state = 'cancelled' THEN
        NEW.closed_at := at;
    ELSIF OLD.state = 'offered' AND NEW.state IN ('cancelled', 'expired') THEN
        IF OLD.offer_expires_at <= at THEN
            NEW.state := 'expired';
            NEW.closed_at := OLD.offer_expires_at;
        ELSIF NEW.state = 'expired' THEN
            RAISE EXCEPTION 'the offer of reservation % still stands', OLD.id
                USING ERRCODE = 'CC018', DETAIL = format('It stands until %s.', OLD.offer_expires_at),
                      HINT = 'Cancel it to decline the offer.';
        ELSE
            NEW.closed_at := at;
        END IF;
    ELSIF OLD.state = 'offered' AND NEW.state = 'loaned' THEN
        SELECT o.started_at INTO l FROM cultuur.loan o
         WHERE o.id = NEW.loan_id AND o.member_id = OLD.member_id AND o.title_id = OLD.title_id
           AND o.returned_at IS NULL;
        IF NOT FOUND OR l.started_at >= OLD.offer_expires_at THEN
            RAISE EXCEPTION 'reservation % is loaned only by its member''s open loan of the title, within the offer', OLD.id
                USING ERRCODE = 'CC018', HINT = 'Borrow the title (cultuur.borrow): the loan takes the offer.';
        END IF;
        NEW.closed_at := greatest(l.started_at, OLD.offered_at);
    ELSE
        RAISE EXCEPTION 'reservation % cannot go from % to %', OLD.id, OLD.state, NEW.state
            USING ERRCODE = 'CC018',
                  HINT = 'A reservation goes queued -> offered -> loaned, expired or cancelled, or queued -> cancelled.';
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.reservation_move() IS 'Trigger: a reservation changes only its state, along queued -> offered -> loaned | expired | cancelled or queued -> cancelled; an offer only to the first queued reservation while the title has a loan free, an expiry only once the offer ran out, a loan only by the member''s own loan; the database sets the times (CC018).';
CREATE TRIGGER reservation_move BEFORE UPDATE ON cultuur.reservation
    FOR EACH ROW EXECUTE FUNCTION cultuur.reservation_move();
COMMENT ON TRIGGER reservation_move ON cultuur.reservation IS 'The life cycle of a reservation, its times set by the database (CC018).';
CREATE TRIGGER reservation_hand_on AFTER UPDATE OF state ON cultuur.reservation
    FOR EACH ROW WHEN (OLD.state = 'offered' AND NEW.state IN ('expired', 'cancelled'))
    EXECUTE FUNCTION cultuur.lending_hand_on();
COMMENT ON TRIGGER reservation_hand_on ON cultuur.reservation IS 'A declined or expired offer passes on to the next reader in the queue, in the same transaction.';
CREATE TRIGGER reservation_kept BEFORE DELETE ON cultuur.reservation
    FOR EACH ROW EXECUTE FUNCTION cultuur.lending_history_kept();
COMMENT ON TRIGGER reservation_kept ON cultuur.reservation IS 'Reservations are history: never deleted (CC010).';

-- ---- the key and suspensions ----

CREATE FUNCTION cultuur.lending_key_kept() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    RAISE EXCEPTION 'the pseudonym key never changes'
        USING ERRCODE = 'CC010',
              DETAIL = 'Every member''s statistics pseudonym is derived from it: a new key would make the same readers new users.';
END;
$$;
COMMENT ON FUNCTION cultuur.lending_key_kept() IS 'Trigger: the pseudonym key is never changed or deleted (CC010).';
CREATE TRIGGER lending_key_kept BEFORE UPDATE OR DELETE ON cultuur.lending_key
    FOR EACH ROW EXECUTE FUNCTION cultuur.lending_key_kept();
COMMENT ON TRIGGER lending_key_kept ON cultuur.lending_key IS 'The pseudonym key never changes (CC010).';

-- A suspension takes its library's lending row (lending_library_barrier):
-- a borrow or reservation under way waits for it and then sees it.
CREATE FUNCTION cultuur.suspension_stops_lending() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF cultuur.restoring() THEN
        RETURN NULL;
    END IF;
    PERFORM cultuur.engine_lock_take('library', i.library_id::text)
       FROM cultuur.invoice i WHERE i.id = NEW.invoice_id;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.suspension_stops_lending() IS 'Trigger: a new suspension takes its library''s lending lock, so that no borrow or reservation of the library under way commits without seeing it.';
CREATE TRIGGER suspension_stops_lending AFTER INSERT ON cultuur.suspension
    FOR EACH ROW EXECUTE FUNCTION cultuur.suspension_stops_lending();
COMMENT ON TRIGGER suspension_stops_lending ON cultuur.suspension IS 'Borrowing and reserving at the library wait for the suspension, then see it (doc/rules.md §10).';
