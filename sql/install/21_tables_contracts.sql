-- ---------------------------------------------------------------------
-- Layer 2, tables: contracts, renewals, terminations, data-use annex
-- changes and price changes (doc/rules.md §6, 7).  Single-row rules are
-- named CHECKs here; the rules that read other rows are in layer 3.
-- ---------------------------------------------------------------------

CREATE SEQUENCE cultuur.contract_id_seq;

CREATE TABLE cultuur.contract (
    id            integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.contract_id_seq'),
    library_id    integer NOT NULL REFERENCES cultuur.library,
    service       text NOT NULL REFERENCES cultuur.service ON UPDATE CASCADE,
    signed_on     date NOT NULL CHECK (pg_catalog.isfinite(signed_on)),
    starts_on     date NOT NULL CHECK (pg_catalog.isfinite(starts_on)),
    initial_end   date CHECK (pg_catalog.isfinite(initial_end)),
    basis_pct     numeric(5,2) NOT NULL DEFAULT 100 CHECK (basis_pct > 0 AND basis_pct <= 100),
    prorata_rule  cultuur.prorata_rule NOT NULL DEFAULT 'month',
    index_from    integer CHECK (index_from BETWEEN 1900 AND 2200),
    active        daterange NOT NULL,
    CONSTRAINT contract_initial_end_not_before_start CHECK (initial_end >= starts_on),
    EXCLUDE USING gist (library_id WITH =, service WITH =, active WITH &&)
);
ALTER SEQUENCE cultuur.contract_id_seq OWNED BY cultuur.contract.id;
COMMENT ON TABLE cultuur.contract IS 'A library''s contract for one service. At most one contract per library and service at any time (exclusion constraint on active).';
COMMENT ON CONSTRAINT contract_library_id_service_active_excl ON cultuur.contract IS 'At most one contract per library and service in force on any day (doc/rules.md §7).';
COMMENT ON CONSTRAINT contract_initial_end_not_before_start ON cultuur.contract IS 'The initial term does not end before it starts.';
COMMENT ON COLUMN cultuur.contract.initial_end IS 'Last day of the initial term, inclusive. Filled in for services with a fixed initial term (film: 2 years, cut at the framework end).';
COMMENT ON COLUMN cultuur.contract.basis_pct IS 'Share of the inhabitants that is billed (Antwerp: 80). The basis is not rounded.';
COMMENT ON COLUMN cultuur.contract.prorata_rule IS 'How the first and last partial year or quarter are charged.';
COMMENT ON COLUMN cultuur.contract.index_from IS 'First year whose fee is indexed (base: the index of January of the start year); NULL: never indexed.';
COMMENT ON COLUMN cultuur.contract.active IS 'Maintained by triggers: the days the contract is in force, from starts_on to its end (open while it renews tacitly).';

CREATE TABLE cultuur.renewal (
    contract_id integer NOT NULL REFERENCES cultuur.contract ON DELETE CASCADE,
    seq         integer NOT NULL,
    agreed_on   date NOT NULL CHECK (pg_catalog.isfinite(agreed_on)),
    starts_on   date NOT NULL,
    ends_on     date NOT NULL CHECK (pg_catalog.isfinite(ends_on)),
    entered_by  text NOT NULL,
    entered_at  timestamptz NOT NULL,
    PRIMARY KEY (contract_id, seq),
    CONSTRAINT renewal_ends_not_before_start CHECK (ends_on >= starts_on)
);
COMMENT ON TABLE cultuur.renewal IS 'A renewal by agreement (film, F 10.2): enter contract_id, agreed_on and optionally ends_on; seq and starts_on are filled in. At most 1 year each, at most max_renewals, never beyond the framework agreement.';
COMMENT ON CONSTRAINT renewal_ends_not_before_start ON cultuur.renewal IS 'A renewal does not end before it starts.';

CREATE TABLE cultuur.termination (
    contract_id    integer PRIMARY KEY REFERENCES cultuur.contract ON DELETE CASCADE,
    notified_on    date NOT NULL CHECK (pg_catalog.isfinite(notified_on)),
    requested_end  date CHECK (pg_catalog.isfinite(requested_end)),
    reason         cultuur.termination_reason NOT NULL DEFAULT 'ordinary',
    effective_end  date NOT NULL,
    exit_fee       numeric(12,2) NOT NULL CHECK (exit_fee >= 0),
    exit_fee_note  text NOT NULL,
    entered_by     text NOT NULL,
    entered_at     timestamptz NOT NULL,
    given_by       text NOT NULL DEFAULT 'subscriber'
        CONSTRAINT termination_given_by CHECK (given_by IN ('subscriber', 'consortium'))
);
COMMENT ON TABLE cultuur.termination IS 'Notice to end a contract. Enter contract_id, notified_on (the sending date), optionally requested_end, and reason; the trigger fills effective_end and exit_fee, or refuses the row.';
COMMENT ON COLUMN cultuur.termination.given_by IS 'Who gives notice: subscriber (the library; an early end costs the exit fee, E 10.4) or consortium (no exit fee).';
COMMENT ON CONSTRAINT termination_given_by ON cultuur.termination IS 'Notice is given by the subscriber or by the consortium.';

CREATE SEQUENCE cultuur.data_annex_change_id_seq;

CREATE TABLE cultuur.data_annex_change (
    id          integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.data_annex_change_id_seq'),
    service     text REFERENCES cultuur.service ON UPDATE CASCADE,
    notified_on date NOT NULL CHECK (pg_catalog.isfinite(notified_on)),
    worsening   boolean NOT NULL,
    description text NOT NULL,
    entered_by  text NOT NULL,
    entered_at  timestamptz NOT NULL
);
ALTER SEQUENCE cultuur.data_annex_change_id_seq OWNED BY cultuur.data_annex_change.id;
COMMENT ON TABLE cultuur.data_annex_change IS 'A notified change of the data-use annex (Bijlage B); service NULL means all services. worsening: it demonstrably worsens the subscriber''s position or lowers data protection.';

CREATE SEQUENCE cultuur.price_change_id_seq;

CREATE TABLE cultuur.price_change (
    id            integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.price_change_id_seq'),
    service       text NOT NULL REFERENCES cultuur.service ON UPDATE CASCADE,
    notified_on   date NOT NULL CHECK (pg_catalog.isfinite(notified_on)),
    effective_on  date NOT NULL CHECK (pg_catalog.isfinite(effective_on)),
    fixed_fee     numeric(12,2) NOT NULL DEFAULT 0 CHECK (fixed_fee >= 0 AND fixed_fee < 1e10),
    tiers         cultuur.tiers NOT NULL,
    tariff_id     integer REFERENCES cultuur.tariff,
    note          text,
    entered_by    text NOT NULL,
    entered_at    timestamptz NOT NULL
);
ALTER SEQUENCE cultuur.price_change_id_seq OWNED BY cultuur.price_change.id;
COMMENT ON TABLE cultuur.price_change IS 'A price change other than indexation (E 8.9): takes effect on 1 January, notified on or before 31 July before. The trigger splits the tariff and flags every affected contract whose price rises more than 10 % over its original price.';

-- who entered a row and when: filled in by the database (entry_stamp)
COMMENT ON COLUMN cultuur.termination.entered_by IS 'The login that entered the row (session_user), filled in by the database.';
COMMENT ON COLUMN cultuur.termination.entered_at IS 'When the row was entered (start of the transaction), filled in by the database.';
COMMENT ON COLUMN cultuur.renewal.entered_by IS 'The login that entered the row (session_user), filled in by the database.';
COMMENT ON COLUMN cultuur.renewal.entered_at IS 'When the row was entered (start of the transaction), filled in by the database.';
COMMENT ON COLUMN cultuur.price_change.entered_by IS 'The login that entered the row (session_user), filled in by the database.';
COMMENT ON COLUMN cultuur.price_change.entered_at IS 'When the row was entered (start of the transaction), filled in by the database.';
COMMENT ON COLUMN cultuur.data_annex_change.entered_by IS 'The login that entered the row (session_user), filled in by the database.';
COMMENT ON COLUMN cultuur.data_annex_change.entered_at IS 'When the row was entered (start of the transaction), filled in by the database.';
