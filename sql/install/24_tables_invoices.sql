-- ---------------------------------------------------------------------
-- Layer 2, tables: invoice numbers, invoices and their lines
-- (doc/rules.md §9).  Computed state: written by the engine only.
-- ---------------------------------------------------------------------

CREATE TABLE cultuur.invoice_counter (
    year     integer PRIMARY KEY,
    last_seq integer NOT NULL CHECK (last_seq >= 0)
);
COMMENT ON TABLE cultuur.invoice_counter IS 'Last invoice number used per year; updated in the invoicing transaction, so numbers are gapless.';

CREATE SEQUENCE cultuur.invoice_id_seq;

CREATE TABLE cultuur.invoice (
    id          integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.invoice_id_seq'),
    number      text NOT NULL UNIQUE,
    year        integer NOT NULL,
    seq         integer NOT NULL CHECK (seq >= 1),
    library_id  integer NOT NULL REFERENCES cultuur.library,
    contract_id integer NOT NULL REFERENCES cultuur.contract,
    kind        text NOT NULL CHECK (kind IN ('ebooks_year', 'film_quarter', 'exit_fee', 'credit_note', 'supplement')),
    period      daterange NOT NULL,
    issued_on   date NOT NULL CHECK (pg_catalog.isfinite(issued_on)),
    due_on      date NOT NULL,
    total       numeric(12,2) NOT NULL,
    credit_for  integer REFERENCES cultuur.invoice,
    reason      text,
    UNIQUE (year, seq),
    CONSTRAINT invoice_number_is_year_and_seq
        CHECK (number = year::text || '/' || pg_catalog.lpad(seq::text, 6, '0')),
    -- payable within 30 days (E 8.6, F 8.3)
    CONSTRAINT invoice_due_30_days_after_issue CHECK (due_on = issued_on + 30),
    CONSTRAINT invoice_credit_note_names_its_invoice
        CHECK ((kind IN ('credit_note', 'supplement')) = (credit_for IS NOT NULL)),
    CONSTRAINT invoice_credit_note_not_positive CHECK (kind <> 'credit_note' OR total <= 0),
    CONSTRAINT invoice_not_negative CHECK (kind = 'credit_note' OR total >= 0)
);
ALTER SEQUENCE cultuur.invoice_id_seq OWNED BY cultuur.invoice.id;
CREATE UNIQUE INDEX invoice_once ON cultuur.invoice (contract_id, kind, period)
    WHERE kind IN ('ebooks_year', 'film_quarter', 'exit_fee');
COMMENT ON TABLE cultuur.invoice IS 'An issued invoice, supplementary invoice or credit note: number year/NNNNNN, gapless per year; due 30 days after issue (E 8.6, F 8.3). Never changed or deleted; corrections are credit notes and supplementary invoices that name the invoice they correct.';
COMMENT ON CONSTRAINT invoice_credit_note_names_its_invoice ON cultuur.invoice IS 'A credit note or a supplementary invoice, and only those, names the invoice it corrects.';
COMMENT ON CONSTRAINT invoice_credit_note_not_positive ON cultuur.invoice IS 'A credit note is zero or negative.';
COMMENT ON CONSTRAINT invoice_not_negative ON cultuur.invoice IS 'An invoice other than a credit note is not negative.';
COMMENT ON CONSTRAINT invoice_due_30_days_after_issue ON cultuur.invoice IS 'Invoices are due 30 days after issue (E 8.6, F 8.3).';
COMMENT ON CONSTRAINT invoice_number_is_year_and_seq ON cultuur.invoice IS 'The number is the year and the gapless sequence of that year: 2023/000001.';
COMMENT ON CONSTRAINT invoice_number_key ON cultuur.invoice IS 'Invoice numbers are unique.';
COMMENT ON CONSTRAINT invoice_year_seq_key ON cultuur.invoice IS 'One invoice per number of a year.';

CREATE TABLE cultuur.invoice_line (
    invoice_id    integer NOT NULL REFERENCES cultuur.invoice,
    line_no       integer NOT NULL CHECK (line_no >= 1),
    description   text NOT NULL,
    month         date,
    quantity      numeric NOT NULL,
    unit_price    numeric,
    tier_volume   numeric,
    fixed_fee     numeric,
    base_amount   numeric,
    base_index    numeric,
    new_index     numeric,
    share         text,
    amount        numeric(12,2) NOT NULL,
    PRIMARY KEY (invoice_id, line_no)
);
COMMENT ON TABLE cultuur.invoice_line IS 'A line with every factor of its amount: quantity (inhabitants x basis share, or unique users), unit price, the tier volume that picked it, fixed fee, amount before index and pro rata, index factor new_index/base_index, pro-rata share n/d and the amount.';

-- Corrections (doc/rules.md §9): the facts an issued invoice was computed
-- from can still change (usage arriving late, a tier crossed by it, a
-- reach-cap hold, a termination, a renewal or contract entered late).
-- Whatever records such a fact notes the lot and the months it may touch
-- here; the next invoicing run recomputes the issued invoices of those
-- months and issues the difference (invoice_correction).  Rows are only
-- added (by the engine) and removed by the run that handled them.
CREATE SEQUENCE cultuur.invoice_recheck_id_seq;
CREATE TABLE cultuur.invoice_recheck (
    id        bigint PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.invoice_recheck_id_seq'),
    service   text NOT NULL REFERENCES cultuur.service ON UPDATE CASCADE,
    month     date NOT NULL,
    cause     text NOT NULL,
    noted_at  timestamptz NOT NULL DEFAULT pg_catalog.now(),
    CONSTRAINT invoice_recheck_first_of_month
        CHECK (month = pg_catalog.date_trunc('month', month)::date),
    CONSTRAINT invoice_recheck_cause
        CHECK (cause IN ('usage', 'hold', 'termination', 'renewal', 'contract', 'population', 'index', 'tariff', 'update'))
);
ALTER SEQUENCE cultuur.invoice_recheck_id_seq OWNED BY cultuur.invoice_recheck.id;
CREATE INDEX invoice_recheck_month ON cultuur.invoice_recheck (service, month);
COMMENT ON TABLE cultuur.invoice_recheck IS 'Months of a lot whose facts changed after they may have been invoiced (cause: usage, hold, termination, renewal, contract, population, index, tariff, update): the next run_invoicing recomputes the issued invoices of those months and issues the differences. Written by the engine only.';
COMMENT ON CONSTRAINT invoice_recheck_first_of_month ON cultuur.invoice_recheck IS 'A month is noted by its first day.';
COMMENT ON CONSTRAINT invoice_recheck_cause ON cultuur.invoice_recheck IS 'What changed: usage, hold, termination, renewal, contract, or a corrected population count, index value or tariff; update: the update from 0.1, which kept no such notes, has every invoiced month checked once.';

-- The corrections the runs issued: which invoice a supplementary invoice
-- or credit note corrects, and which facts changed.  A credit note issued
-- by credit_note (a decision of finance) has no row here, and a run never
-- undoes it.
CREATE TABLE cultuur.invoice_correction (
    invoice_id  integer PRIMARY KEY REFERENCES cultuur.invoice,
    corrects    integer NOT NULL REFERENCES cultuur.invoice,
    facts       text NOT NULL
);
CREATE INDEX invoice_correction_corrects ON cultuur.invoice_correction (corrects);
COMMENT ON TABLE cultuur.invoice_correction IS 'A supplementary invoice or credit note that an invoicing run issued because a fact changed: the invoice it corrects and what changed (facts). Written by the engine only.';
