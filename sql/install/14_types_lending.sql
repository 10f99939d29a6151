-- ---------------------------------------------------------------------
-- Layer 1, types: e-book lending (doc/rules.md §10; E preamble).
-- ---------------------------------------------------------------------

CREATE TYPE cultuur.reservation_state AS ENUM ('queued', 'offered', 'loaned', 'expired', 'cancelled');
COMMENT ON TYPE cultuur.reservation_state IS 'Where a reservation stands: queued (waiting in line), offered (a licence is kept for the member until offer_expires_at), then loaned (the member borrowed it), expired (the offer was not taken in time) or cancelled (the member left the queue or declined the offer).';

CREATE TYPE cultuur.loan_end AS ENUM ('returned', 'expired');
COMMENT ON TYPE cultuur.loan_end IS 'How a loan ended: returned early by the member, or expired at its due time.';

-- What the lending front doors return (types of their own, so that no
-- function of the extension depends on a table of the books, 70_books.sql).
CREATE TYPE cultuur.loan_receipt AS (
    loan_id     bigint,
    title_id    integer,
    licence_id  integer,
    started_at  timestamptz,
    due_at      timestamptz,
    took_offer  boolean
);
COMMENT ON TYPE cultuur.loan_receipt IS 'A loan as cultuur.borrow returns it: the loan, its title and licence, when it started and when it is due back, and whether it took an offer made to the member.';

CREATE TYPE cultuur.reservation_receipt AS (
    reservation_id   bigint,
    title_id         integer,
    state            cultuur.reservation_state,
    queue_position   integer,
    offer_expires_at timestamptz
);
COMMENT ON TYPE cultuur.reservation_receipt IS 'A reservation as cultuur.reserve and cultuur.queue_position return it: its state, its place among the queued reservations of the title (1 = the next to be offered; NULL unless queued) and, while offered, until when the offer stands.';
