-- ---------------------------------------------------------------------
-- Layer 1, types: the enumerations the tables use and the row the engine
-- returns for an issued invoice.
-- ---------------------------------------------------------------------

CREATE TYPE cultuur.termination_reason AS ENUM ('ordinary', 'price_increase', 'data_annex_change');
COMMENT ON TYPE cultuur.termination_reason IS 'Why a subscriber ends a contract: ordinary, price_increase (more than 10 % over the original price, E 8.9: no exit fee) or data_annex_change (a worsening change of the data-use annex notified less than 3 months before: no exit fee).';

CREATE TYPE cultuur.usage_action AS ENUM (
    'ebook_loaned', 'ebook_reserved', 'audiobook_loaned', 'audiobook_reserved',
    'film_started', 'login');
COMMENT ON TYPE cultuur.usage_action IS 'The limited list of usage actions of the data-use annex (B part 2 2), plus login, which is recorded but bills nothing.';

-- What run_invoicing and credit_note return: the columns of an invoice
-- header (a type of its own, so that no function of the extension depends
-- on the table, which lives outside it; see 70_books.sql).
CREATE TYPE cultuur.issued_invoice AS (
    id          integer,
    number      text,
    year        integer,
    seq         integer,
    library_id  integer,
    contract_id integer,
    kind        text,
    period      daterange,
    issued_on   date,
    due_on      date,
    total       numeric(12,2),
    credit_for  integer,
    reason      text
);
COMMENT ON TYPE cultuur.issued_invoice IS 'An issued invoice or credit note as run_invoicing and credit_note return it: the columns of cultuur.invoice.';

-- The factors of a contract's yearly fee that its invoice lines print: a
-- row of fee_detail, narrowed.  The invoicing run computes fee_detail once
-- for every contract and hands each invoice its own row (invoice_lines).
CREATE TYPE cultuur.fee_factors AS (
    basis          numeric,
    unit_price     cultuur.price,
    tier_volume    numeric,
    fixed_fee      cultuur.amount,
    yearly_amount  cultuur.amount,
    base_index     numeric,
    year_index     numeric,
    indexed_amount cultuur.amount,
    note           text
);
COMMENT ON TYPE cultuur.fee_factors IS 'The factors of a yearly fee per inhabitant that an invoice line shows (columns of fee_detail): basis, unit price, tier volume, fixed fee, yearly amount, January indexes, indexed amount, and the note that says why the amount is missing.';

-- A line of an invoice as the engine computes it before it is stored (the
-- columns of invoice_line after invoice_id: no function of the extension
-- names the table's own row type, see 70_books.sql).
CREATE TYPE cultuur.line_values AS (
    line_no     integer,
    description text,
    month       date,
    quantity    numeric,
    unit_price  numeric,
    tier_volume numeric,
    fixed_fee   numeric,
    base_amount numeric,
    base_index  numeric,
    new_index   numeric,
    share       text,
    amount      numeric(12,2)
);
COMMENT ON TYPE cultuur.line_values IS 'An invoice line before it is stored: the columns of invoice_line but invoice_id (corrections_due returns the lines of a correction in it).';
