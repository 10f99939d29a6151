-- ---------------------------------------------------------------------
-- Layer 2, tables: usage events and lot 1B reach-cap holds (doc/rules.md §8).
-- The data's way: usage -> counters -> invoice lines -> invoices ->
-- payments -> budget, file by file.
-- ---------------------------------------------------------------------

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
COMMENT ON CONSTRAINT usage_event_action_fits_service ON cultuur.usage_event IS 'Film starts belong to film lots, loans and reservations to e-books (Bijlage B); logins to either.';
COMMENT ON COLUMN cultuur.usage_event.member_ref IS 'Pseudonymous member reference: a keyed hash in hex, never a name or library card number.';

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
COMMENT ON CONSTRAINT reach_hold_ends_on_31_december ON cultuur.reach_hold IS 'A hold lasts to the end of its calendar year (F 8.6).';

-- who entered a row and when: filled in by the database (entry_stamp)
COMMENT ON COLUMN cultuur.reach_hold.entered_by IS 'The login that entered the row (session_user), filled in by the database.';
COMMENT ON COLUMN cultuur.reach_hold.entered_at IS 'When the row was entered (start of the transaction), filled in by the database.';
