-- ---------------------------------------------------------------------
-- Layer 2, tables: e-book lending (doc/rules.md §10, §11; E preamble).
--
-- The e-book agreement lends licences, not files: a licence serves one
-- reader at a time per unit of concurrency; a member has at most 2 loans
-- and 2 reservations; a loan lasts at most 6 weeks and may end early; only
-- members of a subscribing library with a valid membership and a Mijn
-- Bibliotheek profile borrow.  Loans and reservations are kept as history:
-- rows are never moved or deleted, they change state.
-- ---------------------------------------------------------------------

-- What the consortium sets for lending: the days an offer stands.  No row
-- means the default (3 days); finance enters or changes the one row.
CREATE TABLE cultuur.lending_policy (
    only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    offer_days  integer NOT NULL DEFAULT 3
                CONSTRAINT lending_policy_offer_days_range CHECK (offer_days BETWEEN 1 AND 14)
);
COMMENT ON TABLE cultuur.lending_policy IS 'The consortium''s lending settings, one row at most: offer_days, the days a freed licence is kept for the first reader in the queue (3 when there is no row).';
COMMENT ON COLUMN cultuur.lending_policy.offer_days IS 'Days an offer stands, counted in Europe/Brussels from the moment it is made (1 to 14; 3 by default).';

-- The secret of the statistics pseudonyms.  Made on first use, never
-- changed (the pseudonyms of every member would change with it), readable
-- by no role; kept by every dump like the other books.
CREATE TABLE cultuur.lending_key (
    only_row    boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    key         bytea NOT NULL CONSTRAINT lending_key_32_bytes CHECK (pg_catalog.length(key) = 32),
    made_at     timestamptz NOT NULL DEFAULT pg_catalog.now()
);
COMMENT ON TABLE cultuur.lending_key IS 'The secret key of the members'' statistics pseudonyms (HMAC-SHA-256): made from the server''s strong random source on first use, never changed, readable by no role.';

CREATE SEQUENCE cultuur.title_id_seq;
CREATE TABLE cultuur.title (
    id      integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.title_id_seq'),
    name    text NOT NULL CONSTRAINT title_name_valid
                 CHECK (name ~ '[^[:space:]]' AND pg_catalog.length(name) <= 500),
    kind    text NOT NULL DEFAULT 'ebook' CONSTRAINT title_kind_valid CHECK (kind IN ('ebook', 'audiobook')),
    isbn    text UNIQUE CONSTRAINT title_isbn_valid CHECK (isbn ~ '^97[89][0-9]{10}$')
);
ALTER SEQUENCE cultuur.title_id_seq OWNED BY cultuur.title.id;
COMMENT ON TABLE cultuur.title IS 'A title of the e-book service: an e-book or an audiobook, lent through its licences.';
COMMENT ON COLUMN cultuur.title.kind IS 'ebook or audiobook: which usage actions its loans and reservations write (ebook_loaned, audiobook_reserved, ...).';
COMMENT ON COLUMN cultuur.title.isbn IS 'ISBN-13, digits only (optional).';

-- A licence is what a publisher sells (ODL terms): concurrent readers,
-- optionally a number of checkouts (metered by loans) and an end (metered
-- by time), and the longest loan it allows.
CREATE SEQUENCE cultuur.licence_id_seq;
CREATE TABLE cultuur.licence (
    id              integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.licence_id_seq'),
    title_id        integer NOT NULL REFERENCES cultuur.title,
    concurrency     integer NOT NULL DEFAULT 1
                    CONSTRAINT licence_concurrency_range CHECK (concurrency BETWEEN 1 AND 1000),
    checkouts_total integer CONSTRAINT licence_checkouts_total_range CHECK (checkouts_total BETWEEN 1 AND 1000000),
    checkouts_left  integer,
    valid_until     timestamptz CONSTRAINT licence_valid_until_finite CHECK (pg_catalog.isfinite(valid_until)),
    max_loan_days   integer NOT NULL DEFAULT 42
                    CONSTRAINT licence_max_loan_6_weeks CHECK (max_loan_days BETWEEN 1 AND 42),
    acquired_at     timestamptz NOT NULL,
    UNIQUE (id, title_id),
    CONSTRAINT licence_checkouts_left_valid
        CHECK ((checkouts_left IS NULL) = (checkouts_total IS NULL)
               AND checkouts_left BETWEEN 0 AND checkouts_total)
);
ALTER SEQUENCE cultuur.licence_id_seq OWNED BY cultuur.licence.id;
COMMENT ON TABLE cultuur.licence IS 'A licence of a title, with the terms the publisher sold: concurrency (readers at a time), checkouts_total (loans it allows, NULL: unlimited), valid_until (NULL: perpetual), max_loan_days (at most 42, the 6 weeks of the E preamble). checkouts_left is kept by the engine: one less per loan, in the statement that makes the loan.';
COMMENT ON COLUMN cultuur.licence.checkouts_left IS 'Loans the licence still allows (metered licences): checkouts_total minus the loans made on it, written by the engine only; never below zero.';
COMMENT ON COLUMN cultuur.licence.acquired_at IS 'When the licence was entered, filled in by the database.';
COMMENT ON CONSTRAINT licence_checkouts_left_valid ON cultuur.licence IS 'A metered licence has checkouts left between 0 and its total; an unmetered one has neither.';
COMMENT ON CONSTRAINT licence_max_loan_6_weeks ON cultuur.licence IS 'A loan lasts at most 6 weeks (E preamble).';

CREATE SEQUENCE cultuur.member_id_seq;
CREATE TABLE cultuur.member (
    id                  integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.member_id_seq'),
    library_id          integer NOT NULL REFERENCES cultuur.library,
    card_number         text NOT NULL CONSTRAINT member_card_number_valid CHECK (card_number ~ '^[0-9A-Za-z-]{4,32}$'),
    membership_until    date NOT NULL CONSTRAINT member_membership_until_finite CHECK (pg_catalog.isfinite(membership_until)),
    has_profile         boolean NOT NULL DEFAULT false,
    email_notifications boolean NOT NULL DEFAULT false,
    UNIQUE (library_id, card_number)
);
ALTER SEQUENCE cultuur.member_id_seq OWNED BY cultuur.member.id;
COMMENT ON TABLE cultuur.member IS 'A member of a library for the e-book service: the library card, the last day of the membership, whether the member has a Mijn Bibliotheek profile, and whether e-mail notifications are on (off unless the member switched them on). Statistics never carry the member: usage rows carry a pseudonym the database derives with a secret key.';
COMMENT ON COLUMN cultuur.member.membership_until IS 'The last day (in Brussels) the membership is valid.';
COMMENT ON COLUMN cultuur.member.has_profile IS 'Whether the member has a Mijn Bibliotheek profile: needed to borrow and reserve (E preamble).';
COMMENT ON COLUMN cultuur.member.email_notifications IS 'E-mail notifications (an offer, a due date): off unless the member switched them on (opt-in, Bijlage B).';

CREATE SEQUENCE cultuur.loan_id_seq;
CREATE TABLE cultuur.loan (
    id          bigint PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.loan_id_seq'),
    member_id   integer NOT NULL REFERENCES cultuur.member,
    title_id    integer NOT NULL REFERENCES cultuur.title,
    licence_id  integer NOT NULL,
    slot        integer NOT NULL CONSTRAINT loan_slot_positive CHECK (slot >= 1),
    started_at  timestamptz NOT NULL CONSTRAINT loan_started_at_finite CHECK (pg_catalog.isfinite(started_at)),
    due_at      timestamptz NOT NULL,
    returned_at timestamptz,
    ended       cultuur.loan_end,
    FOREIGN KEY (licence_id, title_id) REFERENCES cultuur.licence (id, title_id),
    CONSTRAINT loan_at_most_6_weeks
        CHECK (due_at > started_at
               AND due_at <= ((started_at AT TIME ZONE 'Europe/Brussels') + interval '42 days') AT TIME ZONE 'Europe/Brussels'),
    CONSTRAINT loan_end_recorded CHECK ((returned_at IS NULL) = (ended IS NULL)),
    CONSTRAINT loan_end_in_term
        CHECK (ended IS NULL
               OR (ended = 'returned' AND returned_at >= started_at AND returned_at < due_at)
               OR (ended = 'expired' AND returned_at = due_at))
);
ALTER SEQUENCE cultuur.loan_id_seq OWNED BY cultuur.loan.id;
-- one reader per licence slot; one open loan of a title per member
CREATE UNIQUE INDEX loan_one_reader_per_slot ON cultuur.loan (licence_id, slot) WHERE returned_at IS NULL;
CREATE UNIQUE INDEX loan_one_per_member_and_title ON cultuur.loan (member_id, title_id) WHERE returned_at IS NULL;
CREATE INDEX loan_open_by_title ON cultuur.loan (title_id, due_at) WHERE returned_at IS NULL;
CREATE INDEX loan_open_by_due ON cultuur.loan (due_at) WHERE returned_at IS NULL;
CREATE INDEX loan_by_licence ON cultuur.loan (licence_id);
COMMENT ON TABLE cultuur.loan IS 'A loan of a licence to a member, kept as history: started, due, and once ended when and how (returned early, or expired at its due time). A loan past its due time counts as returned everywhere; cultuur.expire_due() or the next action on its title writes the end.';
COMMENT ON COLUMN cultuur.loan.slot IS 'Which of the licence''s concurrent readers the loan is (1 to the licence''s concurrency): one open loan per slot.';
COMMENT ON COLUMN cultuur.loan.due_at IS 'When the loan ends by itself: at most the licence''s longest loan (6 weeks) after it started, counted in Europe/Brussels calendar days, and never after the licence expires.';
COMMENT ON CONSTRAINT loan_at_most_6_weeks ON cultuur.loan IS 'A loan lasts at most 6 weeks, counted in Europe/Brussels (E preamble).';
COMMENT ON CONSTRAINT loan_end_in_term ON cultuur.loan IS 'A loan returned early ends before its due time; an expired one at its due time.';
COMMENT ON INDEX cultuur.loan_one_reader_per_slot IS 'A licence slot serves one reader at a time (E preamble), whatever the timing.';
COMMENT ON INDEX cultuur.loan_one_per_member_and_title IS 'A member reads a title once at a time.';

CREATE SEQUENCE cultuur.reservation_id_seq;
CREATE TABLE cultuur.reservation (
    id                bigint PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.reservation_id_seq'),
    title_id          integer NOT NULL REFERENCES cultuur.title,
    member_id         integer NOT NULL REFERENCES cultuur.member,
    placed_at         timestamptz NOT NULL CONSTRAINT reservation_placed_at_finite CHECK (pg_catalog.isfinite(placed_at)),
    state             cultuur.reservation_state NOT NULL DEFAULT 'queued',
    offered_at        timestamptz,
    offer_expires_at  timestamptz,
    closed_at         timestamptz,
    loan_id           bigint REFERENCES cultuur.loan,
    CONSTRAINT reservation_times_fit_state CHECK (CASE state
        WHEN 'queued' THEN offered_at IS NULL AND offer_expires_at IS NULL
                           AND closed_at IS NULL AND loan_id IS NULL
        WHEN 'offered' THEN offered_at IS NOT NULL AND offered_at >= placed_at
                           AND offer_expires_at IS NOT NULL AND offer_expires_at > offered_at
                           AND closed_at IS NULL AND loan_id IS NULL
        WHEN 'loaned' THEN offered_at IS NOT NULL AND offered_at >= placed_at
                           AND offer_expires_at IS NOT NULL AND offer_expires_at > offered_at
                           AND closed_at IS NOT NULL AND closed_at >= offered_at AND closed_at < offer_expires_at
                           AND loan_id IS NOT NULL
        WHEN 'expired' THEN offered_at IS NOT NULL AND offered_at >= placed_at
                           AND offer_expires_at IS NOT NULL AND offer_expires_at > offered_at
                           AND closed_at IS NOT NULL AND closed_at = offer_expires_at AND loan_id IS NULL
        WHEN 'cancelled' THEN closed_at IS NOT NULL AND closed_at >= placed_at AND loan_id IS NULL
                           AND (offered_at IS NULL) = (offer_expires_at IS NULL)
                           AND (offered_at IS NULL OR (offered_at >= placed_at AND offer_expires_at > offered_at
                                                       AND closed_at >= offered_at AND closed_at < offer_expires_at))
        END)
);
ALTER SEQUENCE cultuur.reservation_id_seq OWNED BY cultuur.reservation.id;
CREATE UNIQUE INDEX reservation_one_open_per_member_and_title ON cultuur.reservation (member_id, title_id)
    WHERE state IN ('queued', 'offered');
CREATE INDEX reservation_queue ON cultuur.reservation (title_id, placed_at, id) WHERE state = 'queued';
CREATE INDEX reservation_offers ON cultuur.reservation (title_id, offer_expires_at) WHERE state = 'offered';
CREATE INDEX reservation_offers_by_expiry ON cultuur.reservation (offer_expires_at) WHERE state = 'offered';
COMMENT ON TABLE cultuur.reservation IS 'A member''s place in a title''s queue, kept as history: queued, then offered (a freed licence kept for the member until offer_expires_at), then loaned, expired or cancelled. The queue is first come, first served: by placed_at, then by id.';
COMMENT ON COLUMN cultuur.reservation.placed_at IS 'When the reservation joined the queue (taken under the title''s lock, so that the queue order is the order of arrival).';
COMMENT ON COLUMN cultuur.reservation.loan_id IS 'The loan that took the offer (state loaned).';
COMMENT ON CONSTRAINT reservation_times_fit_state ON cultuur.reservation IS 'Each state has exactly its timestamps: queued none; offered an offer time and an end after it; loaned, expired and cancelled a closing time within the offer (expired: its end).';
COMMENT ON INDEX cultuur.reservation_one_open_per_member_and_title IS 'A member is at most once in a title''s queue.';

-- what each constraint holds
COMMENT ON CONSTRAINT lending_key_32_bytes ON cultuur.lending_key IS 'The key is 32 random bytes.';
COMMENT ON CONSTRAINT lending_policy_offer_days_range ON cultuur.lending_policy IS 'An offer stands 1 to 14 days.';
COMMENT ON CONSTRAINT licence_checkouts_total_range ON cultuur.licence IS 'A metered licence allows 1 to 1,000,000 loans.';
COMMENT ON CONSTRAINT licence_concurrency_range ON cultuur.licence IS 'A licence serves 1 to 1,000 readers at a time.';
COMMENT ON CONSTRAINT licence_id_title_id_key ON cultuur.licence IS 'A licence belongs to one title (the key the loans refer to with their title).';
COMMENT ON CONSTRAINT licence_valid_until_finite ON cultuur.licence IS 'A time-limited licence ends at a finite moment (perpetual: NULL).';
COMMENT ON CONSTRAINT loan_end_recorded ON cultuur.loan IS 'An ended loan records both when and how it ended.';
COMMENT ON CONSTRAINT loan_slot_positive ON cultuur.loan IS 'Slots are numbered from 1.';
COMMENT ON CONSTRAINT loan_started_at_finite ON cultuur.loan IS 'A loan starts at a finite moment.';
COMMENT ON CONSTRAINT member_card_number_valid ON cultuur.member IS 'A library card number: 4 to 32 letters, digits or hyphens (never a name).';
COMMENT ON CONSTRAINT member_library_id_card_number_key ON cultuur.member IS 'A card number is used once per library.';
COMMENT ON CONSTRAINT member_membership_until_finite ON cultuur.member IS 'A membership ends on a finite day.';
COMMENT ON CONSTRAINT reservation_placed_at_finite ON cultuur.reservation IS 'A reservation is placed at a finite moment.';
COMMENT ON CONSTRAINT title_isbn_key ON cultuur.title IS 'An ISBN names one title.';
COMMENT ON CONSTRAINT title_isbn_valid ON cultuur.title IS 'An ISBN-13 of 978 or 979, digits only.';
COMMENT ON CONSTRAINT title_kind_valid ON cultuur.title IS 'A title is an e-book or an audiobook (Bijlage B: ebook_* and audiobook_* actions).';
COMMENT ON CONSTRAINT title_name_valid ON cultuur.title IS 'A title has a name of at most 500 characters, not only spaces.';
