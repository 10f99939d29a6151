-- ---------------------------------------------------------------------
-- Layer 2, tables: payments, formal notices and suspensions
-- (doc/rules.md §9; E 8.6-8.7, F 8.3-8.4).
-- ---------------------------------------------------------------------

CREATE SEQUENCE cultuur.payment_id_seq;

CREATE TABLE cultuur.payment (
    id          integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.payment_id_seq'),
    invoice_id  integer NOT NULL REFERENCES cultuur.invoice,
    paid_on     date NOT NULL CHECK (pg_catalog.isfinite(paid_on)),
    amount      numeric(12,2) NOT NULL CHECK (amount > 0),
    entered_by  text NOT NULL,
    entered_at  timestamptz NOT NULL
);
ALTER SEQUENCE cultuur.payment_id_seq OWNED BY cultuur.payment.id;
COMMENT ON TABLE cultuur.payment IS 'A payment against an invoice. Paying an invoice in full lifts the suspensions it caused.';

CREATE TABLE cultuur.formal_notice (
    invoice_id  integer NOT NULL REFERENCES cultuur.invoice,
    sent_on     date NOT NULL CHECK (pg_catalog.isfinite(sent_on)),
    entered_by  text NOT NULL,
    entered_at  timestamptz NOT NULL,
    PRIMARY KEY (invoice_id, sent_on)
);
COMMENT ON TABLE cultuur.formal_notice IS 'A formal notice (ingebrekestelling) for an overdue invoice (E 8.7, F 8.4).';

CREATE SEQUENCE cultuur.suspension_id_seq;

CREATE TABLE cultuur.suspension (
    id          integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.suspension_id_seq'),
    invoice_id  integer NOT NULL REFERENCES cultuur.invoice,
    starts_on   date NOT NULL CHECK (pg_catalog.isfinite(starts_on)),
    lifted_on   date CONSTRAINT suspension_lifted_on_valid
                     CHECK (pg_catalog.isfinite(lifted_on) AND lifted_on >= starts_on),
    lifted_by   text,
    lift_reason text,
    entered_by  text NOT NULL,
    entered_at  timestamptz NOT NULL,
    CONSTRAINT suspension_lift_recorded
        CHECK ((lifted_on IS NULL) = (lifted_by IS NULL) AND (lifted_on IS NULL) = (lift_reason IS NULL))
);
ALTER SEQUENCE cultuur.suspension_id_seq OWNED BY cultuur.suspension.id;
CREATE UNIQUE INDEX suspension_open ON cultuur.suspension (invoice_id) WHERE lifted_on IS NULL;
COMMENT ON TABLE cultuur.suspension IS 'Service suspended for an unpaid invoice: allowed when it is more than 30 days overdue and a formal notice was sent. It ends only when a payment or credit note settles the invoice, or by finance''s recorded decision (cultuur.lift_suspension); lifted_by and lift_reason say which.';
COMMENT ON CONSTRAINT suspension_lift_recorded ON cultuur.suspension IS 'A lifted suspension records when, by whom and why.';
COMMENT ON CONSTRAINT suspension_lifted_on_valid ON cultuur.suspension IS 'A suspension is lifted on a finite day, not before it starts.';
COMMENT ON COLUMN cultuur.suspension.lifted_by IS 'The login that lifted the suspension: the one whose payment or credit note settled the invoice, or who decided it (cultuur.lift_suspension).';
COMMENT ON COLUMN cultuur.suspension.lift_reason IS 'Why the suspension ended: the settling payment or credit note, or finance''s stated reason.';

-- who entered a row and when: filled in by the database (entry_stamp)
COMMENT ON COLUMN cultuur.payment.entered_by IS 'The login that entered the row (session_user), filled in by the database.';
COMMENT ON COLUMN cultuur.payment.entered_at IS 'When the row was entered (start of the transaction), filled in by the database.';
COMMENT ON COLUMN cultuur.formal_notice.entered_by IS 'The login that entered the row (session_user), filled in by the database.';
COMMENT ON COLUMN cultuur.formal_notice.entered_at IS 'When the row was entered (start of the transaction), filled in by the database.';
COMMENT ON COLUMN cultuur.suspension.entered_by IS 'The login that entered the row (session_user), filled in by the database.';
COMMENT ON COLUMN cultuur.suspension.entered_at IS 'When the row was entered (start of the transaction), filled in by the database.';
