-- ---------------------------------------------------------------------
-- Layer 2, tables in their final shape: reference data -- libraries,
-- their inhabitants, price indexes, services (with the built-in ones),
-- framework agreements and tariffs (doc/rules.md §2, 3, 5, 7).
-- ---------------------------------------------------------------------

CREATE SEQUENCE cultuur.library_id_seq;

CREATE TABLE cultuur.library (
    id          integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.library_id_seq'),
    name        text NOT NULL CHECK (pg_catalog.btrim(name) <> ''),
    nis_code    text NOT NULL UNIQUE CHECK (nis_code ~ '^[0-9]{5}$')
);
ALTER SEQUENCE cultuur.library_id_seq OWNED BY cultuur.library.id;
COMMENT ON TABLE cultuur.library IS 'A subscribing municipality and its public library, identified by its NIS code (5 digits).';
COMMENT ON CONSTRAINT library_nis_code_key ON cultuur.library IS 'One library per NIS code.';
COMMENT ON COLUMN cultuur.library.nis_code IS 'Statbel NIS code of the municipality, e.g. 11002 for Antwerp.';

CREATE TABLE cultuur.population (
    library_id  integer NOT NULL REFERENCES cultuur.library ON DELETE CASCADE,
    year        integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    inhabitants integer NOT NULL CHECK (inhabitants >= 0),
    PRIMARY KEY (library_id, year)
);
COMMENT ON TABLE cultuur.population IS 'Official count of inhabitants on 1 January of year (Statbel). A fee for year Y uses the count of 1 January Y-1.';

-- A count corrected after invoices used it (doc/rules.md §9): entered as a
-- correction with its reason, who and when; the count itself changes
-- through it only, and the old value stays here.  The next invoicing run
-- corrects the invoices of the year that used it.
CREATE SEQUENCE cultuur.population_correction_id_seq;
CREATE TABLE cultuur.population_correction (
    id          bigint PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.population_correction_id_seq'),
    library_id  integer NOT NULL,
    year        integer NOT NULL,
    inhabitants integer NOT NULL CHECK (inhabitants >= 0),
    previous    integer NOT NULL,
    reason      text NOT NULL CONSTRAINT population_correction_reason CHECK (pg_catalog.btrim(reason) <> ''),
    entered_by  text NOT NULL,
    entered_at  timestamptz NOT NULL,
    FOREIGN KEY (library_id, year) REFERENCES cultuur.population
);
ALTER SEQUENCE cultuur.population_correction_id_seq OWNED BY cultuur.population_correction.id;
COMMENT ON TABLE cultuur.population_correction IS 'A corrected count of inhabitants (Statbel''s correction of a published count): enter library_id, year, inhabitants and reason; previous, entered_by and entered_at are filled in, the count is changed, and the next run_invoicing corrects the invoices that used it.';
COMMENT ON CONSTRAINT population_correction_reason ON cultuur.population_correction IS 'A correction says why.';

CREATE TABLE cultuur.price_index (
    series      text NOT NULL CHECK (series IN ('cpi', 'health')),
    month       date NOT NULL CHECK (month = pg_catalog.date_trunc('month', month)::date),
    value       numeric NOT NULL CHECK (value > 0 AND value < 100000),
    base        integer NOT NULL DEFAULT cultuur.index_base() CHECK (base BETWEEN 1900 AND 2200),
    source      text,
    PRIMARY KEY (series, base, month)
);
COMMENT ON TABLE cultuur.price_index IS 'Monthly Belgian price indexes as published by Statbel: series cpi (consumer prices) or health (health index), month = first of the month, on the index base of year base (2013 = 100). Data, not shipped: load it with COPY.';

-- A January index value corrected after fees were indexed with it (doc/
-- rules.md §9): as a correction with its reason, who and when, the old
-- value kept; the next invoicing run corrects the invoices indexed with it.
CREATE SEQUENCE cultuur.price_index_correction_id_seq;
CREATE TABLE cultuur.price_index_correction (
    id          bigint PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.price_index_correction_id_seq'),
    series      text NOT NULL,
    month       date NOT NULL,
    base        integer NOT NULL DEFAULT cultuur.index_base(),
    value       numeric NOT NULL CHECK (value > 0 AND value < 100000),
    previous    numeric NOT NULL,
    reason      text NOT NULL CONSTRAINT price_index_correction_reason CHECK (pg_catalog.btrim(reason) <> ''),
    entered_by  text NOT NULL,
    entered_at  timestamptz NOT NULL,
    FOREIGN KEY (series, base, month) REFERENCES cultuur.price_index
);
ALTER SEQUENCE cultuur.price_index_correction_id_seq OWNED BY cultuur.price_index_correction.id;
COMMENT ON TABLE cultuur.price_index_correction IS 'A corrected index value (a revision Statbel published): enter series, month, value and reason; previous, entered_by and entered_at are filled in, the value is changed, and the next run_invoicing corrects the invoices indexed with it.';
COMMENT ON CONSTRAINT price_index_correction_reason ON cultuur.price_index_correction IS 'A correction says why.';

CREATE TABLE cultuur.service (
    code          text PRIMARY KEY CHECK (code ~ '^[a-z0-9][A-Za-z0-9-]*$'),
    name          text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('ebooks', 'film')),
    price_model   text NOT NULL CHECK (price_model IN ('per_inhabitant', 'per_user')),
    index_series  text NOT NULL CHECK (index_series IN ('cpi', 'health')),
    renewal       text NOT NULL CHECK (renewal IN ('tacit', 'agreement')),
    initial_term  interval CHECK (initial_term > interval '0'),
    renewal_term  interval NOT NULL DEFAULT '1 year' CHECK (renewal_term > interval '0'),
    max_renewals  integer CHECK (max_renewals >= 0),
    notice        interval NOT NULL DEFAULT '3 months' CHECK (notice >= interval '0'),
    year_end_exit boolean NOT NULL DEFAULT false,
    reach_pct     numeric CHECK (reach_pct > 0 AND reach_pct <= 100)
);
COMMENT ON TABLE cultuur.service IS 'A digital service with its contract terms: price model, index series, how it renews (tacit or by agreement), initial term, renewal term and limit, notice period, and whether it may be ended early on any 31 December.';
COMMENT ON COLUMN cultuur.service.initial_term IS 'Length of the initial term; NULL when each contract states its initial_end (e-books: 15 September 2026).';
COMMENT ON COLUMN cultuur.service.max_renewals IS 'Most renewals by agreement (film: 2); NULL means no limit.';
COMMENT ON COLUMN cultuur.service.reach_pct IS 'Expected reach per month in % of inhabitants; set for lot 1B (0.18, F 8.6), whose order may be put on hold once the year''s cap is reached.';
COMMENT ON COLUMN cultuur.service.year_end_exit IS 'True when a party may end the contract on any 31 December with notice (E 10.2).';
INSERT INTO cultuur.service (code, name, kind, price_model, index_series, renewal,
                             initial_term, renewal_term, max_renewals, notice,
                             year_end_exit, reach_pct) VALUES
 ('ebooks',  'E-books (cloudLibrary)',   'ebooks', 'per_inhabitant', 'cpi',    'tacit',     NULL,      '1 year', NULL, '3 months', true, NULL),
 ('film-1B', 'Film lot 1B (Sooner)',     'film',   'per_user',       'health', 'agreement', '2 years', '1 year', 2,    '0 days',   false, 0.18),
 ('film-2A', 'Film lot 2A (Dalton)',     'film',   'per_inhabitant', 'health', 'agreement', '2 years', '1 year', 2,    '0 days',   false, NULL),
 ('film-2B', 'Film lot 2B (Dalton)',     'film',   'per_user',       'health', 'agreement', '2 years', '1 year', 2,    '0 days',   false, NULL),
 ('film-4A', 'Film lot 4A (Avila)',      'film',   'per_inhabitant', 'health', 'agreement', '2 years', '1 year', 2,    '0 days',   false, NULL),
 ('film-4B', 'Film lot 4B (Avila)',      'film',   'per_user',       'health', 'agreement', '2 years', '1 year', 2,    '0 days',   false, NULL);

CREATE TABLE cultuur.framework (
    service         text PRIMARY KEY REFERENCES cultuur.service ON UPDATE CASCADE,
    starts_on       date NOT NULL CHECK (pg_catalog.isfinite(starts_on)),
    ends_on         date NOT NULL CHECK (pg_catalog.isfinite(ends_on)),
    max_extensions  integer NOT NULL DEFAULT 0 CHECK (max_extensions >= 0),
    extension_term  interval NOT NULL DEFAULT '1 year' CHECK (extension_term > interval '0'),
    CONSTRAINT framework_ends_not_before_start CHECK (ends_on >= starts_on)
);
COMMENT ON TABLE cultuur.framework IS 'The consortium''s framework agreement with the suppliers of a service: member contracts never outlast it (F 10.1). ends_on is the end of its initial term; extensions are rows of framework_extension.';
COMMENT ON CONSTRAINT framework_ends_not_before_start ON cultuur.framework IS 'A framework agreement does not end before it starts.';

CREATE TABLE cultuur.framework_extension (
    service     text NOT NULL REFERENCES cultuur.framework ON DELETE CASCADE ON UPDATE CASCADE,
    seq         integer NOT NULL CHECK (seq >= 1),
    agreed_on   date NOT NULL CHECK (pg_catalog.isfinite(agreed_on)),
    ends_on     date NOT NULL CHECK (pg_catalog.isfinite(ends_on)),
    PRIMARY KEY (service, seq)
);
COMMENT ON TABLE cultuur.framework_extension IS 'An extension of a framework agreement; seq is filled in, at most max_extensions, each at most extension_term long.';

CREATE SEQUENCE cultuur.tariff_id_seq;

CREATE TABLE cultuur.tariff (
    id          integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.tariff_id_seq'),
    service     text NOT NULL REFERENCES cultuur.service ON UPDATE CASCADE,
    valid       daterange NOT NULL CHECK (NOT pg_catalog.isempty(valid) AND NOT pg_catalog.lower_inf(valid)),
    fixed_fee   numeric(12,2) NOT NULL DEFAULT 0 CHECK (fixed_fee >= 0 AND fixed_fee < 1e10),
    tiers       cultuur.tiers NOT NULL,
    exit_rates  numeric[] NOT NULL DEFAULT '{}',
    EXCLUDE USING gist (service WITH =, valid WITH &&)
);
ALTER SEQUENCE cultuur.tariff_id_seq OWNED BY cultuur.tariff.id;
COMMENT ON TABLE cultuur.tariff IS 'Tariff of a service over a validity range (ranges of one service never overlap): a fixed yearly fee plus a tier schedule, per inhabitant per year or per unique user per month, and the exit-fee rates per contract year for contracts that start under it.';
COMMENT ON CONSTRAINT tariff_service_valid_excl ON cultuur.tariff IS 'At most one tariff of a service in force on any day.';
COMMENT ON COLUMN cultuur.tariff.exit_rates IS 'EUR per inhabitant by contract year k (k = exit year - entry year + 1); beyond the array no exit fee is due.';

-- A tariff entered wrongly and invoiced (a price typed in the wrong unit,
-- say): corrected as a correction with its reason, who and when, the old
-- prices kept; the next invoicing run corrects the invoices it priced
-- (doc/rules.md §9).  A real change of price is a price change (E 8.9).
CREATE SEQUENCE cultuur.tariff_correction_id_seq;
CREATE TABLE cultuur.tariff_correction (
    id                 bigint PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.tariff_correction_id_seq'),
    tariff_id          integer NOT NULL REFERENCES cultuur.tariff,
    fixed_fee          numeric(12,2) NOT NULL CHECK (fixed_fee >= 0 AND fixed_fee < 1e10),
    tiers              cultuur.tiers NOT NULL,
    previous_fixed_fee numeric(12,2) NOT NULL,
    previous_tiers     cultuur.tiers NOT NULL,
    reason             text NOT NULL CONSTRAINT tariff_correction_reason CHECK (pg_catalog.btrim(reason) <> ''),
    entered_by         text NOT NULL,
    entered_at         timestamptz NOT NULL
);
ALTER SEQUENCE cultuur.tariff_correction_id_seq OWNED BY cultuur.tariff_correction.id;
COMMENT ON TABLE cultuur.tariff_correction IS 'A tariff corrected after it priced invoices (entered wrongly, not a price change: that is cultuur.price_change, E 8.9): enter tariff_id, fixed_fee, tiers and reason; the previous prices, entered_by and entered_at are filled in, the tariff is changed, and the next run_invoicing corrects the invoices it priced.';
COMMENT ON CONSTRAINT tariff_correction_reason ON cultuur.tariff_correction IS 'A correction says why.';
