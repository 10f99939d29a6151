-- cultuur: contracts, tariffs and usage of the Flemish public libraries'
-- digital services, computed exactly inside PostgreSQL.
-- This file is generated from sql/install/*.sql by make; edit those.
\echo Use "CREATE EXTENSION cultuur" to load this file. \quit

-- Stored expressions (CHECK, DEFAULT, views, index predicates, generated
-- columns, SQL-standard function bodies) bind their functions and
-- operators when this script runs.  CREATE EXTENSION puts the schema of
-- btree_gist (usually public, writable by the database owner) on the
-- search path, where a look-alike with a closer signature (date_trunc(text,
-- date), an operator >= (numeric, integer)) would win over pg_catalog's and
-- later run as whoever touches the table.  So the script runs with
-- pg_catalog alone on its path (SET LOCAL: CREATE EXTENSION restores the
-- caller's path afterwards), names its own objects cultuur.*, and also
-- qualifies the functions it calls in stored expressions.
SET LOCAL search_path = pg_catalog, pg_temp;

-- CREATE EXTENSION reuses a schema cultuur that already exists.  One that
-- another role owns, or where another role may create objects, would let
-- that role add overloads that the owner-run functions below would call
-- (cultuur.volume_charge(cultuur.tiers, integer, integer), say): refuse it.
DO $$
DECLARE
    who text;
BEGIN
    SELECT r.rolname INTO who
      FROM pg_catalog.pg_namespace n
      JOIN pg_catalog.pg_roles r ON r.oid = n.nspowner
     WHERE n.nspname = 'cultuur' AND NOT r.rolsuper;
    IF who IS NULL THEN
        SELECT r.rolname INTO who
          FROM pg_catalog.pg_namespace n
         CROSS JOIN LATERAL pg_catalog.aclexplode(n.nspacl) a
          JOIN pg_catalog.pg_roles r ON r.oid = a.grantee
         WHERE n.nspname = 'cultuur' AND a.privilege_type = 'CREATE' AND NOT r.rolsuper
         LIMIT 1;
    END IF;
    IF who IS NOT NULL THEN
        RAISE EXCEPTION 'schema cultuur exists and role % may create objects in it', who
            USING ERRCODE = 'insufficient_privilege',
                  DETAIL = 'The extension''s functions run with its owner''s rights and resolve names in schema cultuur.',
                  HINT = 'Drop that schema (or make a superuser its only owner and creator), then run CREATE EXTENSION cultuur again.';
    END IF;
END;
$$;
-- ---------------------------------------------------------------------
-- Layer 1, types: the tiers type, a tier schedule, and the C functions
-- that price with it (doc/rules.md §3).
-- ---------------------------------------------------------------------

CREATE TYPE cultuur.tiers;

CREATE FUNCTION cultuur.tiers_in(cstring) RETURNS cultuur.tiers
    AS 'MODULE_PATHNAME', 'tiers_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION cultuur.tiers_out(cultuur.tiers) RETURNS cstring
    AS 'MODULE_PATHNAME', 'tiers_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION cultuur.tiers_recv(internal) RETURNS cultuur.tiers
    AS 'MODULE_PATHNAME', 'tiers_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION cultuur.tiers_send(cultuur.tiers) RETURNS bytea
    AS 'MODULE_PATHNAME', 'tiers_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE cultuur.tiers (
    INPUT = cultuur.tiers_in,
    OUTPUT = cultuur.tiers_out,
    RECEIVE = cultuur.tiers_recv,
    SEND = cultuur.tiers_send,
    INTERNALLENGTH = VARIABLE,
    ALIGNMENT = double,
    STORAGE = plain
);
COMMENT ON TYPE cultuur.tiers IS
'A tier schedule: a price from 0, then ">N: price" or ">=N: price" tiers with strictly increasing bounds, e.g. ''6.79; >1000: 6.11; >2000: 5.43''. At most 64 tiers and 6 decimals.';
COMMENT ON FUNCTION cultuur.tiers_in(cstring) IS 'Text input of cultuur.tiers; refuses malformed schedules with SQLSTATE 22P02 (too large numbers: 22003).';
COMMENT ON FUNCTION cultuur.tiers_out(cultuur.tiers) IS 'Canonical text output of cultuur.tiers: "; " between tiers, ": " after a bound, no trailing fractional zeros.';
COMMENT ON FUNCTION cultuur.tiers_recv(internal) IS 'Binary input of cultuur.tiers (format version 1); checks everything the text input checks.';
COMMENT ON FUNCTION cultuur.tiers_send(cultuur.tiers) IS 'Binary output of cultuur.tiers: version byte 1, int16 tier count, then per tier a kind byte and the bound and price as int64 millionths.';

CREATE FUNCTION cultuur.tiers_eq(cultuur.tiers, cultuur.tiers) RETURNS boolean
    AS 'MODULE_PATHNAME', 'tiers_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION cultuur.tiers_ne(cultuur.tiers, cultuur.tiers) RETURNS boolean
    AS 'MODULE_PATHNAME', 'tiers_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION cultuur.tiers_hash(cultuur.tiers) RETURNS integer
    AS 'MODULE_PATHNAME', 'tiers_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cultuur.tiers_eq(cultuur.tiers, cultuur.tiers) IS 'True when two schedules have the same tiers, bounds, bound kinds and prices.';
COMMENT ON FUNCTION cultuur.tiers_ne(cultuur.tiers, cultuur.tiers) IS 'True when two schedules differ.';
COMMENT ON FUNCTION cultuur.tiers_hash(cultuur.tiers) IS 'Hash of a schedule, for hash joins, GROUP BY and DISTINCT.';
CREATE OPERATOR cultuur.= (
    LEFTARG = cultuur.tiers, RIGHTARG = cultuur.tiers,
    FUNCTION = cultuur.tiers_eq,
    COMMUTATOR = OPERATOR(cultuur.=), NEGATOR = OPERATOR(cultuur.<>),
    RESTRICT = eqsel, JOIN = eqjoinsel, HASHES, MERGES
);
CREATE OPERATOR cultuur.<> (
    LEFTARG = cultuur.tiers, RIGHTARG = cultuur.tiers,
    FUNCTION = cultuur.tiers_ne,
    COMMUTATOR = OPERATOR(cultuur.<>), NEGATOR = OPERATOR(cultuur.=),
    RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR cultuur.= (cultuur.tiers, cultuur.tiers) IS 'Schedules are equal';
COMMENT ON OPERATOR cultuur.<> (cultuur.tiers, cultuur.tiers) IS 'Schedules differ';
CREATE OPERATOR CLASS cultuur.tiers_hash_ops
    DEFAULT FOR TYPE cultuur.tiers USING hash AS
        OPERATOR 1 cultuur.= (cultuur.tiers, cultuur.tiers),
        FUNCTION 1 cultuur.tiers_hash(cultuur.tiers);

CREATE FUNCTION cultuur.tiers_cmp(cultuur.tiers, cultuur.tiers) RETURNS integer
    AS 'MODULE_PATHNAME', 'tiers_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION cultuur.tiers_lt(cultuur.tiers, cultuur.tiers) RETURNS boolean
    AS 'MODULE_PATHNAME', 'tiers_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION cultuur.tiers_le(cultuur.tiers, cultuur.tiers) RETURNS boolean
    AS 'MODULE_PATHNAME', 'tiers_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION cultuur.tiers_gt(cultuur.tiers, cultuur.tiers) RETURNS boolean
    AS 'MODULE_PATHNAME', 'tiers_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION cultuur.tiers_ge(cultuur.tiers, cultuur.tiers) RETURNS boolean
    AS 'MODULE_PATHNAME', 'tiers_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cultuur.tiers_cmp(cultuur.tiers, cultuur.tiers) IS 'Total order of schedules (tier by tier: bound, bound kind, price; a prefix first), for ORDER BY, DISTINCT and btree indexes.';
COMMENT ON FUNCTION cultuur.tiers_lt(cultuur.tiers, cultuur.tiers) IS 'Schedule sorts before another (see tiers_cmp).';
COMMENT ON FUNCTION cultuur.tiers_le(cultuur.tiers, cultuur.tiers) IS 'Schedule sorts before or equals another (see tiers_cmp).';
COMMENT ON FUNCTION cultuur.tiers_gt(cultuur.tiers, cultuur.tiers) IS 'Schedule sorts after another (see tiers_cmp).';
COMMENT ON FUNCTION cultuur.tiers_ge(cultuur.tiers, cultuur.tiers) IS 'Schedule sorts after or equals another (see tiers_cmp).';
CREATE OPERATOR cultuur.< (LEFTARG = cultuur.tiers, RIGHTARG = cultuur.tiers, FUNCTION = cultuur.tiers_lt,
    COMMUTATOR = OPERATOR(cultuur.>), NEGATOR = OPERATOR(cultuur.>=), RESTRICT = scalarltsel, JOIN = scalarltjoinsel);
CREATE OPERATOR cultuur.<= (LEFTARG = cultuur.tiers, RIGHTARG = cultuur.tiers, FUNCTION = cultuur.tiers_le,
    COMMUTATOR = OPERATOR(cultuur.>=), NEGATOR = OPERATOR(cultuur.>), RESTRICT = scalarlesel, JOIN = scalarlejoinsel);
CREATE OPERATOR cultuur.> (LEFTARG = cultuur.tiers, RIGHTARG = cultuur.tiers, FUNCTION = cultuur.tiers_gt,
    COMMUTATOR = OPERATOR(cultuur.<), NEGATOR = OPERATOR(cultuur.<=), RESTRICT = scalargtsel, JOIN = scalargtjoinsel);
CREATE OPERATOR cultuur.>= (LEFTARG = cultuur.tiers, RIGHTARG = cultuur.tiers, FUNCTION = cultuur.tiers_ge,
    COMMUTATOR = OPERATOR(cultuur.<=), NEGATOR = OPERATOR(cultuur.<), RESTRICT = scalargesel, JOIN = scalargejoinsel);
COMMENT ON OPERATOR cultuur.< (cultuur.tiers, cultuur.tiers) IS 'Schedule sorts before another';
COMMENT ON OPERATOR cultuur.<= (cultuur.tiers, cultuur.tiers) IS 'Schedule sorts before or equals another';
COMMENT ON OPERATOR cultuur.> (cultuur.tiers, cultuur.tiers) IS 'Schedule sorts after another';
COMMENT ON OPERATOR cultuur.>= (cultuur.tiers, cultuur.tiers) IS 'Schedule sorts after or equals another';
CREATE OPERATOR CLASS cultuur.tiers_btree_ops
    DEFAULT FOR TYPE cultuur.tiers USING btree AS
        OPERATOR 1 cultuur.< (cultuur.tiers, cultuur.tiers),
        OPERATOR 2 cultuur.<= (cultuur.tiers, cultuur.tiers),
        OPERATOR 3 cultuur.= (cultuur.tiers, cultuur.tiers),
        OPERATOR 4 cultuur.>= (cultuur.tiers, cultuur.tiers),
        OPERATOR 5 cultuur.> (cultuur.tiers, cultuur.tiers),
        FUNCTION 1 cultuur.tiers_cmp(cultuur.tiers, cultuur.tiers);

CREATE FUNCTION cultuur.tiers_from_bytes(bytes bytea) RETURNS cultuur.tiers
    AS 'MODULE_PATHNAME', 'tiers_from_bytes' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cultuur.tiers_from_bytes(bytea) IS
'Decodes the binary form of a schedule (what tiers_send gives) with the same checks as binary input; invalid bytes raise SQLSTATE 22P03.';

CREATE FUNCTION cultuur.tier_rows(t cultuur.tiers,
        OUT tier integer, OUT bound numeric, OUT inclusive boolean, OUT price numeric)
    RETURNS SETOF record
    AS 'MODULE_PATHNAME', 'tier_rows' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE
    ROWS 4;
COMMENT ON FUNCTION cultuur.tier_rows(cultuur.tiers) IS
'A schedule as rows (tier, bound, inclusive, price) for reporting tools; the first tier has a NULL bound, inclusive means ">=".';

CREATE FUNCTION cultuur.make_tiers(prices numeric[], bounds numeric[] DEFAULT '{}',
        inclusive boolean[] DEFAULT NULL)
    RETURNS cultuur.tiers
    AS 'MODULE_PATHNAME', 'make_tiers' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION cultuur.make_tiers(numeric[], numeric[], boolean[]) IS
'Builds a schedule from arrays: prices[1] applies from 0, prices[i+1] above bounds[i] (">=" where inclusive[i]). NULL prices or bounds give NULL; inclusive NULL means all ">".';

-- ---------------------------------------------------------------------
-- Prices and charges
-- ---------------------------------------------------------------------
CREATE FUNCTION cultuur.tier_price(t cultuur.tiers, volume numeric) RETURNS numeric
    AS 'MODULE_PATHNAME', 'tier_price' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cultuur.tier_price(cultuur.tiers, numeric) IS
'Unit price of the tier that volume falls in; exact comparison with the bounds (">1000": 1000 stays in the tier below).';

CREATE FUNCTION cultuur.volume_charge(t cultuur.tiers, units numeric, tier_volume numeric)
    RETURNS numeric
    AS 'MODULE_PATHNAME', 'volume_charge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cultuur.volume_charge(cultuur.tiers, numeric, numeric) IS
'round(units * tier_price(t, tier_volume), 2): all units at the one price picked by tier_volume (the consortium-wide total), rounded once, half away from zero.';

CREATE FUNCTION cultuur.volume_charge(t cultuur.tiers, units numeric) RETURNS numeric
    AS 'MODULE_PATHNAME', 'volume_charge_self' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cultuur.volume_charge(cultuur.tiers, numeric) IS
'round(units * tier_price(t, units), 2): volume pricing where the units themselves pick the tier.';

CREATE FUNCTION cultuur.graduated_charge(t cultuur.tiers, units numeric) RETURNS numeric
    AS 'MODULE_PATHNAME', 'graduated_charge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cultuur.graduated_charge(cultuur.tiers, numeric) IS
'Graduated pricing: unit number n is priced at tier_price(t, n), a fractional last unit in the band it falls in; the sum is rounded once to cents.';
-- ---------------------------------------------------------------------
-- Layer 1, types: pro-rata rules and shares (doc/rules.md §4), in C.
-- ---------------------------------------------------------------------

CREATE TYPE cultuur.prorata_rule AS ENUM ('month', 'full_month', 'day');
COMMENT ON TYPE cultuur.prorata_rule IS
'How a partial period is charged: month (every month with at least one active day counts whole), full_month (only months active on every day), day (active days / days of the period).';

CREATE FUNCTION cultuur.prorata(active daterange, period daterange,
        rule cultuur.prorata_rule DEFAULT 'month')
    RETURNS numeric
    AS 'MODULE_PATHNAME', 'prorata' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cultuur.prorata(daterange, daterange, cultuur.prorata_rule) IS
'The share of period that active covers under rule, n/d, for display (prorate computes amounts exactly). period must be bounded; for month and full_month it must be whole months.';

CREATE FUNCTION cultuur.prorate(amount numeric, active daterange, period daterange,
        rule cultuur.prorata_rule DEFAULT 'month')
    RETURNS numeric
    AS 'MODULE_PATHNAME', 'prorate' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cultuur.prorate(numeric, daterange, daterange, cultuur.prorata_rule) IS
'round(amount * n / d, 2) for the share n/d of prorata(), divided exactly and rounded once, half away from zero.';
-- ---------------------------------------------------------------------
-- Layer 1, types: indexation, exit fees, notice dates and the reach cap in
-- C (doc/rules.md §5-8); the amount and price domains; the indexation
-- rules and the months of a period in force as SQL expressions.
-- ---------------------------------------------------------------------

CREATE FUNCTION cultuur.indexed(amount numeric, base_index numeric, new_index numeric)
    RETURNS numeric
    AS 'MODULE_PATHNAME', 'indexed' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cultuur.indexed(numeric, numeric, numeric) IS
'round(amount * new_index / base_index, 2), the Belgian indexation formula, divided exactly and rounded once. Indexes must be > 0; never mix index bases.';

CREATE FUNCTION cultuur.exit_fee(rates numeric[], entry_year integer, exit_year integer,
        basis numeric)
    RETURNS numeric
    AS 'MODULE_PATHNAME', 'exit_fee' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cultuur.exit_fee(numeric[], integer, integer, numeric) IS
'Exit fee for leaving in exit_year: k = exit_year - entry_year + 1, round(rates[k] * basis, 2); 0.00 when k is beyond the rates (after the initial term); k < 1 is an error.';

CREATE FUNCTION cultuur.notice_deadline(end_date date, notice interval DEFAULT '3 months')
    RETURNS date
    AS 'MODULE_PATHNAME', 'notice_deadline' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cultuur.notice_deadline(date, interval) IS
'The last day a notice may be sent to end on end_date: end_date - notice (31 December with 3 months: 30 September).';

CREATE FUNCTION cultuur.earliest_year_end(notified_on date, notice interval DEFAULT '3 months')
    RETURNS date
    AS 'MODULE_PATHNAME', 'earliest_year_end' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cultuur.earliest_year_end(date, interval) IS
'The first 31 December that a notice sent on notified_on can still reach (sent on 30 September: that year; on 1 October: the next).';

CREATE FUNCTION cultuur.reach_cap(inhabitants numeric, months integer,
        pct numeric DEFAULT 0.18)
    RETURNS numeric
    AS 'MODULE_PATHNAME', 'reach_cap' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cultuur.reach_cap(numeric, integer, numeric) IS
'Lot 1B reach cap X = months * inhabitants * pct / 100, exact (doc/rules.md §8): the unique users after which a library may put its order on hold.';

-- Amounts and prices as the reports return them.  A function's result
-- columns carry no numeric scale of their own; a domain does, and
-- PostgreSQL describes a domain column to clients as its base type with
-- that scale, so a reporting tool (JDBC, ODBC, psycopg) sees numeric(12,2)
-- for an amount, as for the stored invoice totals, instead of a numeric
-- of unknown scale.  Every value given these types is already rounded
-- (to cents; prices have at most 6 decimals): the cast never rounds again.
CREATE DOMAIN cultuur.amount AS numeric(12,2);
COMMENT ON DOMAIN cultuur.amount IS 'An amount in euros and cents, as invoices carry it: numeric(12,2). The type of the amounts the reports return.';

CREATE DOMAIN cultuur.price AS numeric(18,6);
COMMENT ON DOMAIN cultuur.price IS 'A unit price in euros with up to 6 decimals, as tier schedules carry it: numeric(18,6).';

-- Indexation (doc/rules.md §5; E 8.8, F 8.5): fees are indexed with the
-- January values of an index series on base 2013, from the contract's
-- index_from year on and never in its first year.  Both rules live here;
-- every fee, quote and projection asks them.  (SQL-standard bodies: parsed
-- once, when the script runs, so they depend on no search_path, and the
-- planner inlines them into the set-based reports.)
CREATE FUNCTION cultuur.index_base() RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN 2013;
COMMENT ON FUNCTION cultuur.index_base() IS 'The index base the agreements index with: 2013 = 100 (E 8.8, F 8.5).';

CREATE FUNCTION cultuur.is_indexed(index_from integer, starts_on date, year integer)
    RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN index_from IS NOT NULL AND year >= index_from
           AND year > extract(year FROM starts_on);
COMMENT ON FUNCTION cultuur.is_indexed(integer, date, integer) IS 'Whether the fee of year is indexed for a contract that started on starts_on with index_from (NULL: never): from index_from on, never in the first year (doc/rules.md §5).';

-- The months of a period (first days) in which a contract is in force on
-- at least one day: billed per user month by month, counted for the reach
-- cap (doc/rules.md §4, §8).
CREATE FUNCTION cultuur.months_in_force(active daterange, period daterange)
    RETURNS SETOF date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
BEGIN ATOMIC
    SELECT g::date
      FROM generate_series(lower(period), upper(period) - 1, interval '1 month') g
     WHERE active && daterange(g::date, (g + interval '1 month')::date);
END;
COMMENT ON FUNCTION cultuur.months_in_force(daterange, daterange) IS 'First days of the months of period (which starts on the first of a month) that overlap active.';
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
COMMENT ON COLUMN cultuur.library.nis_code IS 'Statbel NIS code of the municipality, e.g. 11002 for Antwerp.';

CREATE TABLE cultuur.population (
    library_id  integer NOT NULL REFERENCES cultuur.library ON DELETE CASCADE,
    year        integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    inhabitants integer NOT NULL CHECK (inhabitants >= 0),
    PRIMARY KEY (library_id, year)
);
COMMENT ON TABLE cultuur.population IS 'Official count of inhabitants on 1 January of year (Statbel). A fee for year Y uses the count of 1 January Y-1.';

CREATE TABLE cultuur.price_index (
    series      text NOT NULL CHECK (series IN ('cpi', 'health')),
    month       date NOT NULL CHECK (month = pg_catalog.date_trunc('month', month)::date),
    value       numeric NOT NULL CHECK (value > 0 AND value < 100000),
    base        integer NOT NULL DEFAULT cultuur.index_base() CHECK (base BETWEEN 1900 AND 2200),
    source      text,
    PRIMARY KEY (series, base, month)
);
COMMENT ON TABLE cultuur.price_index IS 'Monthly Belgian price indexes as published by Statbel: series cpi (consumer prices) or health (health index), month = first of the month, on the index base of year base (2013 = 100). Data, not shipped: load it with COPY.';

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
COMMENT ON COLUMN cultuur.tariff.exit_rates IS 'EUR per inhabitant by contract year k (k = exit year - entry year + 1); beyond the array no exit fee is due.';
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

CREATE TABLE cultuur.termination (
    contract_id    integer PRIMARY KEY REFERENCES cultuur.contract ON DELETE CASCADE,
    notified_on    date NOT NULL CHECK (pg_catalog.isfinite(notified_on)),
    requested_end  date CHECK (pg_catalog.isfinite(requested_end)),
    reason         cultuur.termination_reason NOT NULL DEFAULT 'ordinary',
    effective_end  date NOT NULL,
    exit_fee       numeric(12,2) NOT NULL CHECK (exit_fee >= 0),
    exit_fee_note  text NOT NULL,
    entered_by     text NOT NULL,
    entered_at     timestamptz NOT NULL
);
COMMENT ON TABLE cultuur.termination IS 'Notice to end a contract. Enter contract_id, notified_on (the sending date), optionally requested_end, and reason; the trigger fills effective_end and exit_fee, or refuses the row.';

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

-- who entered a row and when: filled in by the database (entry_stamp)
COMMENT ON COLUMN cultuur.reach_hold.entered_by IS 'The login that entered the row (session_user), filled in by the database.';
COMMENT ON COLUMN cultuur.reach_hold.entered_at IS 'When the row was entered (start of the transaction), filled in by the database.';
-- ---------------------------------------------------------------------
-- Layer 2, tables: the counters kept from the usage events -- unique users
-- per library, lot and month, and consortium-wide (doc/rules.md §3, 8).
-- Computed state: written by the engine only.
-- ---------------------------------------------------------------------

CREATE TABLE cultuur.monthly_user (
    library_id  integer NOT NULL,
    service     text NOT NULL,
    month       date NOT NULL,
    member_ref  text NOT NULL,
    PRIMARY KEY (library_id, service, month, member_ref)
);
COMMENT ON TABLE cultuur.monthly_user IS 'Members who started at least one film, per library, lot and calendar month in Europe/Brussels: the set that makes a member count once, however late or often their events arrive.';

CREATE TABLE cultuur.monthly_usage (
    library_id   integer NOT NULL,
    service      text NOT NULL,
    month        date NOT NULL,
    unique_users integer NOT NULL CHECK (unique_users >= 0),
    PRIMARY KEY (library_id, service, month)
);
COMMENT ON TABLE cultuur.monthly_usage IS 'Unique users per library, lot and month (members with at least one film_started; logins never count), kept incrementally as events arrive.';

CREATE TABLE cultuur.consortium_usage (
    service      text NOT NULL,
    month        date NOT NULL,
    unique_users integer NOT NULL CHECK (unique_users >= 0),
    PRIMARY KEY (service, month)
);
COMMENT ON TABLE cultuur.consortium_usage IS 'Unique users per lot and month over all participating libraries: the volume that picks the tier price. Kept incrementally.';
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
    kind        text NOT NULL CHECK (kind IN ('ebooks_year', 'film_quarter', 'credit_note')),
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
        CHECK ((kind = 'credit_note') = (credit_for IS NOT NULL)),
    CONSTRAINT invoice_credit_note_not_positive CHECK (kind <> 'credit_note' OR total <= 0),
    CONSTRAINT invoice_not_negative CHECK (kind = 'credit_note' OR total >= 0)
);
ALTER SEQUENCE cultuur.invoice_id_seq OWNED BY cultuur.invoice.id;
CREATE UNIQUE INDEX invoice_once ON cultuur.invoice (contract_id, kind, period)
    WHERE kind <> 'credit_note';
COMMENT ON TABLE cultuur.invoice IS 'An issued invoice or credit note: number year/NNNNNN, gapless per year; due 30 days after issue (E 8.6, F 8.3). Never changed or deleted; corrections are credit notes.';

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
COMMENT ON COLUMN cultuur.suspension.lifted_by IS 'The login that lifted the suspension: the one whose payment or credit note settled the invoice, or who decided it (cultuur.lift_suspension).';
COMMENT ON COLUMN cultuur.suspension.lift_reason IS 'Why the suspension ended: the settling payment or credit note, or finance''s stated reason.';

-- who entered a row and when: filled in by the database (entry_stamp)
COMMENT ON COLUMN cultuur.payment.entered_by IS 'The login that entered the row (session_user), filled in by the database.';
COMMENT ON COLUMN cultuur.payment.entered_at IS 'When the row was entered (start of the transaction), filled in by the database.';
COMMENT ON COLUMN cultuur.formal_notice.entered_by IS 'The login that entered the row (session_user), filled in by the database.';
COMMENT ON COLUMN cultuur.formal_notice.entered_at IS 'When the row was entered (start of the transaction), filled in by the database.';
COMMENT ON COLUMN cultuur.suspension.entered_by IS 'The login that entered the row (session_user), filled in by the database.';
COMMENT ON COLUMN cultuur.suspension.entered_at IS 'When the row was entered (start of the transaction), filled in by the database.';
-- ---------------------------------------------------------------------
-- Layer 2, tables: what municipalities approved and assume for their
-- budgets, and amounts quoted elsewhere to reconcile (doc/rules.md §9).
-- ---------------------------------------------------------------------

CREATE TABLE cultuur.budget_approved (
    library_id  integer NOT NULL REFERENCES cultuur.library,
    year        integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    amount      numeric(14,2) NOT NULL CHECK (amount >= 0),
    reference   text,
    PRIMARY KEY (library_id, year)
);
COMMENT ON TABLE cultuur.budget_approved IS 'The amount the council approved for a budget year (Antwerp: 23,751.50 for 2022, 150,000.00 for 2023 and 2024, 80,000.00 for 2025 and 2026).';

CREATE TABLE cultuur.budget_assumption (
    library_id                 integer NOT NULL REFERENCES cultuur.library,
    year                       integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    service                    text NOT NULL REFERENCES cultuur.service ON UPDATE CASCADE,
    users_per_month            numeric NOT NULL DEFAULT 0 CHECK (users_per_month >= 0),
    consortium_users_per_month numeric CHECK (consortium_users_per_month >= 0),
    inhabitant_growth_pct      numeric NOT NULL DEFAULT 0 CHECK (inhabitant_growth_pct > -100 AND inhabitant_growth_pct < 100),
    index_growth_pct           numeric NOT NULL DEFAULT 0 CHECK (index_growth_pct > -100 AND index_growth_pct < 100),
    PRIMARY KEY (library_id, year, service)
);
COMMENT ON TABLE cultuur.budget_assumption IS 'What a municipality expects for a budget year and service: unique users per month (and consortium-wide, for the tier), yearly growth of inhabitants and of the price index beyond the last published figures.';

CREATE SEQUENCE cultuur.quoted_amount_id_seq;

CREATE TABLE cultuur.quoted_amount (
    id          integer PRIMARY KEY DEFAULT pg_catalog.nextval('cultuur.quoted_amount_id_seq'),
    contract_id integer NOT NULL REFERENCES cultuur.contract,
    year        integer NOT NULL CHECK (year BETWEEN 1900 AND 2200),
    what        text NOT NULL CHECK (what IN ('yearly_amount', 'fee', 'invoiced')),
    quoted      numeric(14,2) NOT NULL,
    source      text NOT NULL
);
ALTER SEQUENCE cultuur.quoted_amount_id_seq OWNED BY cultuur.quoted_amount.id;
COMMENT ON TABLE cultuur.quoted_amount IS 'An amount someone quoted (a figure printed in a contract, a supplier invoice): the yearly amount before pro rata and index, the fee of a year, or what was invoiced for a year.';
-- ---------------------------------------------------------------------
-- Layer 2, tables: the engine's own lock rows.
-- ---------------------------------------------------------------------

-- Restoring a dump: a full dump creates the rule triggers only after the
-- rows are loaded (the books live outside the extension, 70_books.sql); a
-- data-only dump is loaded into tables whose triggers are in place.  While
-- Rows the engine locks to serialise what must not run concurrently: the
-- rule checks of one contract, framework agreement or service, and the
-- invoicing runs.  No role has any privilege on this table, so no session
-- but the engine's can take these locks (unlike an advisory lock, which any
-- session could take and hold).  A lock is taken by updating its row, not
-- only locking it: a REPEATABLE READ transaction whose snapshot predates a
-- concurrent holder's commit then fails with 40001 instead of checking a
-- rule against rows it cannot see.
CREATE TABLE cultuur.engine_lock (
    name    text NOT NULL,
    key     text NOT NULL DEFAULT '',
    runs    bigint NOT NULL DEFAULT 0,
    CONSTRAINT engine_lock_one_row_per_key PRIMARY KEY (name, key)
);
INSERT INTO cultuur.engine_lock (name) VALUES ('invoicing');
COMMENT ON TABLE cultuur.engine_lock IS 'Rows the engine updates to serialise rule checks per contract, framework agreement or service (name, key), and its invoicing runs (name invoicing); runs counts how often a row was taken. Shipped with the extension, readable and writable by no role; its rows are made when first needed.';
-- ---------------------------------------------------------------------
-- Layer 3, rule helpers: the engine's own -- restore and install state,
-- the day of entry, argument checks, the locks every rule takes, and the
-- one refusal of recorded facts.
-- ---------------------------------------------------------------------

-- the one lock helper: take (and make, the first time) the lock row of a
-- parent row; used through contract_lock, framework_lock and service_lock
CREATE FUNCTION cultuur.engine_lock_take(name text, key text) RETURNS void
    LANGUAGE sql VOLATILE STRICT
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
        INSERT INTO cultuur.engine_lock AS l (name, key, runs) VALUES ($1, $2, 1)
            ON CONFLICT (name, key) DO UPDATE SET runs = l.runs + 1
    $$;
COMMENT ON FUNCTION cultuur.engine_lock_take(text, text) IS 'Takes the engine lock (name, key) by updating its row (inserting it the first time): concurrent takers wait (READ COMMITTED) or fail with 40001 (REPEATABLE READ) once the holder commits.';

-- restoring() is true -- a superuser's session with row_security off, as
-- pg_dump and pg_restore set it, or with cultuur.restoring on -- the rule
-- triggers accept inserted rows as recorded instead of recomputing them;
-- updates and deletes always go through the rules.
-- PARALLEL RESTRICTED: it remembers, in the backend, whether it warned in
-- this transaction (a worker would warn again)
CREATE FUNCTION cultuur.restoring() RETURNS boolean
    AS 'MODULE_PATHNAME', 'restoring' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION cultuur.restoring() IS 'True while a superuser login restores a dump with cultuur.restoring = on (the login is tested, not the current user): the rule triggers then keep inserted rows exactly as dumped. Warns once per transaction while it is honoured.';

-- PARALLEL RESTRICTED: a parallel worker does not know that the leader runs
-- an extension script
CREATE FUNCTION cultuur.in_extension_script() RETURNS boolean
    AS 'MODULE_PATHNAME', 'in_extension_script' LANGUAGE C STABLE PARALLEL RESTRICTED;
COMMENT ON FUNCTION cultuur.in_extension_script() IS 'True while the extension''s own install or upgrade script runs (the only time built-in service rows may change).';

-- The day an entry is made, in Brussels, whatever the session's TimeZone.
CREATE FUNCTION cultuur.today() RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (pg_catalog.transaction_timestamp() AT TIME ZONE 'Europe/Brussels')::date;
COMMENT ON FUNCTION cultuur.today() IS 'The date in Europe/Brussels at the start of the current transaction: the day an entry is made, whatever the session''s TimeZone.';

-- Arguments of the public functions, checked before any work: a year of
-- 1900 to 2200 (the years a population count can have), a date from 1900
-- to 2200 (what a contract can hold), never NULL unless the function gives
-- NULL a meaning.
CREATE FUNCTION cultuur.check_year(arg text, y integer) RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF y IS NULL THEN
        RAISE EXCEPTION '% must not be NULL', arg
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Give a year from 1900 to 2200.';
    ELSIF y < 1900 OR y > 2200 THEN
        RAISE EXCEPTION '% % is not a year from 1900 to 2200', arg, y
            USING ERRCODE = 'invalid_parameter_value', HINT = 'Give a year from 1900 to 2200.';
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.check_year(text, integer) IS 'Raises 22023, naming the argument, unless y is a year from 1900 to 2200.';

CREATE FUNCTION cultuur.check_date(arg text, d date, nullable boolean DEFAULT false,
        latest date DEFAULT '2200-12-31')
    RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF d IS NULL THEN
        IF NOT nullable THEN
            RAISE EXCEPTION '% must not be NULL', arg
                USING ERRCODE = 'invalid_parameter_value',
                      HINT = format('Give a date from 1900-01-01 to %s.', latest);
        END IF;
    ELSIF NOT isfinite(d) OR d < date '1900-01-01' OR d > latest THEN
        RAISE EXCEPTION '% % is not a date from 1900-01-01 to %', arg, d, latest
            USING ERRCODE = 'datetime_field_overflow',
                  HINT = format('Give a date from 1900-01-01 to %s.', latest);
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.check_date(text, date, boolean, date) IS 'Raises 22008 (22023 for NULL, unless nullable), naming the argument, unless d is a date from 1900-01-01 to latest (2200-12-31; the helpers that the rules call with the ends of later terms take up to 2300-12-31).';

CREATE FUNCTION cultuur.check_interval(arg text, i interval, longest interval)
    RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF i IS NULL OR i < interval '0' OR i > longest THEN
        RAISE EXCEPTION '% must be from 0 to %, not %', arg, longest, coalesce(i::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.check_interval(text, interval, interval) IS 'Raises 22023, naming the argument, unless i is from 0 to longest.';

-- Lock a framework agreement for a rule check (as contract_lock does for
-- a contract: its row first, then its engine lock).
CREATE FUNCTION cultuur.framework_lock(service text) RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    PERFORM FROM cultuur.framework f WHERE f.service = $1 FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'framework agreement for service "%" does not exist', $1
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    PERFORM cultuur.engine_lock_take('framework', $1);
END;
$$;
COMMENT ON FUNCTION cultuur.framework_lock(text) IS 'Serialises the rule checks of one framework agreement: locks its row (no trigger fires) and takes its engine lock.';

-- Lock a service for a rule check (its price changes), the same way.
CREATE FUNCTION cultuur.service_lock(code text) RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    PERFORM FROM cultuur.service s WHERE s.code = $1 FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'service "%" does not exist', $1
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    PERFORM cultuur.engine_lock_take('service', $1);
END;
$$;
COMMENT ON FUNCTION cultuur.service_lock(text) IS 'Serialises the rule checks of one service (its price changes): locks its row (no trigger fires) and takes its engine lock.';

-- Lock a contract for a rule check.  The contract row is locked first
-- (FOR NO KEY UPDATE: no trigger fires, and foreign keys to it are not
-- blocked), so that every path takes the contract row before its engine
-- lock -- an UPDATE of the contract holds the row already when its trigger
-- asks for the engine lock, and a renewal or termination later updates the
-- row (contract_refresh): one order, no deadlock.  The engine lock row is
-- then updated, so that a REPEATABLE READ transaction whose snapshot
-- predates a concurrent check's commit fails with 40001 instead of acting
-- on rows it cannot see (READ COMMITTED waits and then sees them).
-- (It returns nothing: no function of the extension has a table's row type
-- in its signature, so the tables can live outside it; see 70_books.sql.)
CREATE FUNCTION cultuur.contract_lock(contract_id integer) RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    PERFORM FROM cultuur.contract c WHERE c.id = $1 FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'contract % does not exist', $1 USING ERRCODE = 'foreign_key_violation';
    END IF;
    PERFORM cultuur.engine_lock_take('contract', $1::text);
END;
$$;
COMMENT ON FUNCTION cultuur.contract_lock(integer) IS 'Serialises the rule checks of one contract: locks its row (no trigger fires) and takes its engine lock. Concurrent checks of the same contract wait (READ COMMITTED) or fail with 40001 (REPEATABLE READ).';

CREATE FUNCTION cultuur.xid_is_current(xid) RETURNS boolean
    AS 'MODULE_PATHNAME', 'xid_is_current' LANGUAGE C VOLATILE STRICT PARALLEL RESTRICTED;
COMMENT ON FUNCTION cultuur.xid_is_current(xid) IS 'True when a transaction id is the current transaction or one of its subtransactions (a row whose xmin passes was written by this transaction).';

-- Facts an invoice is computed from (tariffs, populations, index values,
-- a contract's fee columns) may change only while no invoicing run is
-- under way: a change waits for a running run and then sees its invoices
-- (READ COMMITTED), or fails with 40001 when a run committed after its
-- snapshot (REPEATABLE READ); a run waits for a change to commit and then
-- uses the new value.
CREATE FUNCTION cultuur.invoicing_barrier() RETURNS void
    LANGUAGE sql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$ SELECT FROM cultuur.engine_lock WHERE name = 'invoicing' AND key = '' FOR SHARE $$;
COMMENT ON FUNCTION cultuur.invoicing_barrier() IS 'Locks the invoicing row of engine_lock in share mode: called by the guards of invoiced facts, so that no fact changes under a running invoicing run.';

-- the one refusal all these guards share: used_by names what was computed
-- from the fact (an issued invoice, a recorded exit fee), NULL when nothing
CREATE FUNCTION cultuur.refuse_recorded_change(what text, used_by text, hint text)
    RETURNS void
    LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF used_by IS NOT NULL THEN
        RAISE EXCEPTION '% cannot be changed or deleted: % was computed from it', what, used_by
            USING ERRCODE = 'CC010',
                  DETAIL = 'Issued invoices and recorded exit fees never change, so neither do the facts they were computed from.',
                  HINT = hint;
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.refuse_recorded_change(text, text, text) IS 'Raises CC010 when used_by (an issued invoice, a recorded exit fee) was computed from the fact what, with a hint saying what to do instead.';

-- the calendar month of an instant in Europe/Brussels, whatever TimeZone is
CREATE FUNCTION cultuur.brussels_month(at timestamptz) RETURNS date
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN pg_catalog.date_trunc('month', at AT TIME ZONE 'Europe/Brussels')::date;
COMMENT ON FUNCTION cultuur.brussels_month(timestamptz) IS 'First day of the calendar month that contains an instant in Europe/Brussels local time (doc/rules.md §8): 2023-01-31 23:30 UTC is February.';
-- ---------------------------------------------------------------------
-- Layer 3, rule helpers over reference data: inhabitants, framework
-- agreements, built-in services, index values (doc/rules.md §2, 5, 7).
-- ---------------------------------------------------------------------

-- The count a rule uses when the count of its own year may be missing
-- (exit fees, reach caps, price-increase flags, budget estimates): the
-- latest one on 1 January of through_year or before (doc/rules.md §2).
-- Invoiced fees use the count of their own year only (fee_detail).
CREATE FUNCTION cultuur.latest_population(library_id integer, through_year integer)
    RETURNS TABLE (count_year integer, inhabitants integer)
    LANGUAGE sql STABLE PARALLEL SAFE
    -- a string body with qualified operators and no SET clause: it names a
    -- table of the books, on which no function of the extension may depend
    -- (see 70_books.sql), and the planner can inline it into the reports
    AS $$
        SELECT p.year, p.inhabitants FROM cultuur.population p
         WHERE p.library_id OPERATOR(pg_catalog.=) $1 AND p.year OPERATOR(pg_catalog.<=) $2
         ORDER BY p.year DESC LIMIT 1
    $$;
COMMENT ON FUNCTION cultuur.latest_population(integer, integer) IS 'The latest count of inhabitants of a library on 1 January of through_year or before, and its year; no row when none is entered.';

-- the current end of a framework agreement, with its extensions
CREATE FUNCTION cultuur.framework_end(service text) RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
        SELECT greatest(f.ends_on, (SELECT max(e.ends_on)
                                      FROM cultuur.framework_extension e
                                     WHERE e.service = f.service))
          FROM cultuur.framework f
         WHERE f.service = $1
    $$;
COMMENT ON FUNCTION cultuur.framework_end(text) IS 'Current end of the framework agreement of a service, extensions included; NULL when the service has no framework row (no limit).';

-- The services the extension ships: which rows are built in is decided by
-- this list, never by a column a user could write.
CREATE FUNCTION cultuur.shipped_service(code text) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN code = ANY ('{ebooks,film-1B,film-2A,film-2B,film-4A,film-4B}'::text[]);
COMMENT ON FUNCTION cultuur.shipped_service(text) IS 'True for the codes of the services the extension ships (e-books and the five film lots): their terms come from the agreements and cannot be changed.';

-- A framework agreement may not be shortened below what its member
-- contracts already run to (F 10.1: they never outlast it).
CREATE FUNCTION cultuur.refuse_framework_end(service text, new_end date) RETURNS void
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    worst record;
BEGIN
    SELECT c.id, upper(c.active) - 1 AS last_day INTO worst
      FROM cultuur.contract c
     WHERE c.service = $1 AND coalesce(upper(c.active) - 1, c.initial_end) > $2
     ORDER BY c.id LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'the framework agreement of service "%" cannot end on % while contract % runs to %',
                $1, $2, worst.id, coalesce(worst.last_day::text, 'a later date')
            USING ERRCODE = 'CC009',
                  HINT = 'Member contracts never outlast the framework agreement (F 10.1); end or shorten them first.';
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.refuse_framework_end(text, date) IS 'Raises CC009 when a contract of the service runs beyond new_end, the end a framework agreement would have after a change.';

CREATE FUNCTION cultuur.index_value(series text, month date, base integer DEFAULT cultuur.index_base())
    RETURNS numeric
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_date('month', $2), cultuur.check_year('base', $3);
        SELECT value FROM cultuur.price_index
         WHERE price_index.series = $1 AND price_index.month = $2 AND price_index.base = $3
    $$;
COMMENT ON FUNCTION cultuur.index_value(text, date, integer) IS 'The published value of an index series for a month (first of the month) on an index base; NULL when not loaded.';
-- ---------------------------------------------------------------------
-- Layer 3, rule helpers: contract terms, ends, notices, exit fees,
-- renewals and price changes (doc/rules.md §5-7).  Each rule of the
-- agreements is one function here; the triggers of layer 4 call them.
-- ---------------------------------------------------------------------

-- The end of a contract as recorded: termination, else the last term of a
-- contract that renews by agreement, else NULL (it renews tacitly).  One
-- rule, two entries: recorded_end for a contract row as it is being
-- written (its initial end not stored yet), contract_recorded_end for a
-- stored contract.
CREATE FUNCTION cultuur.recorded_end(contract_id integer, renewal text, initial_end date)
    RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
        SELECT coalesce(
                 (SELECT t.effective_end FROM cultuur.termination t
                   WHERE t.contract_id = $1),
                 CASE WHEN $2 = 'agreement' THEN
                     greatest($3, (SELECT max(r.ends_on) FROM cultuur.renewal r
                                    WHERE r.contract_id = $1))
                 END)
    $$;
COMMENT ON FUNCTION cultuur.recorded_end(integer, text, date) IS 'Last day of a contract with this id, renewal kind and initial end as recorded: its termination''s effective end, else (renewal by agreement) the end of its last term, else NULL (it renews tacitly).';

CREATE FUNCTION cultuur.contract_recorded_end(contract_id integer) RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
        SELECT cultuur.recorded_end(c.id, s.renewal, c.initial_end)
          FROM cultuur.contract c JOIN cultuur.service s ON s.code = c.service
         WHERE c.id = $1
    $$;
COMMENT ON FUNCTION cultuur.contract_recorded_end(integer) IS 'Last day of a contract as recorded: its termination''s effective end, else (renewal by agreement) the end of its last term, else NULL (it renews tacitly).';

-- All terms of a contract that start on or before through_date.
CREATE FUNCTION cultuur.contract_terms(contract_id integer, through_date date DEFAULT NULL)
    RETURNS TABLE (term_no integer, kind text, term daterange)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    c       cultuur.contract;
    s       cultuur.service;
    stop    date;
    r       record;
    k       integer := 0;
    t_end   date;
    t_start date;
BEGIN
    -- the arguments first, before any work (a bad one is named in the error)
    PERFORM cultuur.check_date('through_date', through_date, true, '2300-12-31');
    SELECT * INTO c FROM cultuur.contract WHERE id = $1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT * INTO s FROM cultuur.service WHERE code = c.service;
    stop := cultuur.contract_recorded_end(c.id);
    term_no := 0;
    kind := 'initial';
    term := daterange(c.starts_on, least(c.initial_end, coalesce(stop, c.initial_end)), '[]');
    RETURN NEXT;
    IF s.renewal = 'agreement' THEN
        FOR r IN SELECT * FROM cultuur.renewal rr WHERE rr.contract_id = c.id
                 AND rr.starts_on <= coalesce(stop, rr.starts_on) ORDER BY rr.seq LOOP
            term_no := r.seq;
            kind := 'renewal by agreement';
            term := daterange(r.starts_on, least(r.ends_on, coalesce(stop, r.ends_on)), '[]');
            RETURN NEXT;
        END LOOP;
        RETURN;
    END IF;
    -- tacit renewals of renewal_term each, until the recorded end or through_date
    through_date := coalesce(through_date, stop, c.initial_end);
    t_end := c.initial_end;
    LOOP
        t_start := t_end + 1;
        EXIT WHEN t_start > through_date OR (stop IS NOT NULL AND t_start > stop);
        k := k + 1;
        t_end := (c.initial_end + k * s.renewal_term)::date;
        term_no := k;
        kind := 'tacit renewal';
        term := daterange(t_start, least(t_end, coalesce(stop, t_end)), '[]');
        RETURN NEXT;
        EXIT WHEN k >= 10000;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION cultuur.contract_terms(integer, date) IS 'The terms of a contract: the initial term (0), then renewals by agreement or tacit renewals (1, 2, ...) up to its recorded end or, for tacit renewals, through through_date.';

CREATE FUNCTION cultuur.contract_term(contract_id integer, on_date date)
    RETURNS TABLE (term_no integer, kind text, term daterange)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_date('on_date', $2);
        SELECT t.term_no, t.kind, t.term
          FROM cultuur.contract_terms($1, $2) t
         WHERE t.term @> $2
    $$;
COMMENT ON FUNCTION cultuur.contract_term(integer, date) IS 'The term of a contract in force on on_date (tacit renewals computed, never entered by hand); no row when the contract is not in force that day.';

-- Dates on which a notice sent on notified_on could end the contract.
CREATE FUNCTION cultuur.end_options(contract_id integer, notified_on date)
    RETURNS TABLE (end_on date, kind text, deadline date, allowed boolean)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    c       cultuur.contract;
    s       cultuur.service;
    horizon date;
    last_end date;
BEGIN
    -- the arguments first, before any work (a bad one is named in the error)
    PERFORM cultuur.check_date('notified_on', $2);
    SELECT * INTO c FROM cultuur.contract WHERE id = $1;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    SELECT * INTO s FROM cultuur.service WHERE code = c.service;
    -- far enough to hold the first reachable option of either kind
    horizon := (greatest($2, c.starts_on) + s.notice + s.renewal_term + interval '1 year')::date;
    last_end := CASE WHEN s.renewal = 'agreement'
                     THEN cultuur.contract_recorded_end(c.id) END;
    RETURN QUERY
    WITH opts AS (
        -- a term end; once a renewal by agreement is recorded, only the
        -- end of the last term remains
        SELECT upper(t.term) - 1 AS d,
               CASE t.kind WHEN 'initial' THEN 'end of the initial term'
                           ELSE 'end of renewal ' || t.term_no END AS k
          FROM cultuur.contract_terms(c.id, horizon) t
         WHERE last_end IS NULL OR upper(t.term) - 1 = last_end
        UNION
        SELECT make_date(g, 12, 31), '31 December (E 10.2)'
          FROM generate_series(extract(year FROM greatest($2, c.starts_on))::integer,
                               extract(year FROM horizon)::integer) g
         WHERE s.year_end_exit
    )
    SELECT o.d, o.k, cultuur.notice_deadline(o.d, s.notice),
           cultuur.notice_deadline(o.d, s.notice) >= $2 AND o.d >= $2
      FROM opts o
     WHERE o.d >= c.starts_on
       AND (last_end IS NULL OR o.d <= last_end)
     ORDER BY o.d;
END;
$$;
COMMENT ON FUNCTION cultuur.end_options(integer, date) IS 'Dates on which a notice sent on notified_on could end the contract (31 Decembers where the contract allows it, ends of terms), each with its notice deadline and whether it is still reachable.';

CREATE FUNCTION cultuur.earliest_end(contract_id integer, notified_on date) RETURNS date
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_date('notified_on', $2);
        SELECT min(o.end_on) FROM cultuur.end_options($1, $2) o WHERE o.allowed
    $$;
COMMENT ON FUNCTION cultuur.earliest_end(integer, date) IS 'The earliest date a notice sent on notified_on can end the contract.';

CREATE FUNCTION cultuur.exit_fee_quote(contract_id integer, effective_end date,
        reason cultuur.termination_reason DEFAULT 'ordinary', notified_on date DEFAULT NULL)
    RETURNS TABLE (exit_fee cultuur.amount, note text)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    c         cultuur.contract;
    s         cultuur.service;
    rates     numeric[];
    start_y   integer;
    exit_y    integer;
    pop_y     integer;
    inh       integer;
    basis     numeric;
    fee       numeric;
    base_idx  numeric;
    new_idx   numeric;
    flag      record;
    annex     record;
    msg       text;
BEGIN
    -- the arguments first, before any work (a bad one is named in the error)
    PERFORM cultuur.check_date('effective_end', $2, true, '2300-12-31');
    PERFORM cultuur.check_date('notified_on', $4, true, '2300-12-31');
    SELECT * INTO c FROM cultuur.contract WHERE id = $1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'contract % does not exist', $1 USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT * INTO s FROM cultuur.service WHERE code = c.service;
    -- no end date, no quote (contract_status asks for terminated contracts
    -- too, which have no end option left)
    IF effective_end IS NULL THEN
        RETURN;
    END IF;
    notified_on := coalesce(notified_on, effective_end);

    -- waivers are checked first: claiming one without its ground is refused
    IF reason = 'price_increase' THEN
        SELECT f.increase_pct, f.notified_on, f.effective_on INTO flag
          FROM cultuur.price_increase_flag f
         WHERE f.contract_id = c.id AND f.notified_on <= $4
         ORDER BY f.notified_on DESC LIMIT 1;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'contract %: no price increase of more than 10 %% over the original price was notified by %', c.id, $4
                USING ERRCODE = 'CC008',
                      DETAIL = 'The exit fee is waived for a price increase only when it exceeds 10 % of the original price (E 8.9).',
                      HINT = 'Use reason ''ordinary'', or record the price change first (cultuur.price_change).';
        END IF;
        exit_fee := 0.00;
        note := format('waived: price increase of %s %% notified on %s, effective %s (E 8.9)',
                       flag.increase_pct, flag.notified_on, flag.effective_on);
        RETURN NEXT;
        RETURN;
    ELSIF reason = 'data_annex_change' THEN
        SELECT a.id, a.notified_on INTO annex
          FROM cultuur.data_annex_change a
         WHERE (a.service IS NULL OR a.service = c.service) AND a.worsening
           AND a.notified_on <= $4 AND $4 <= (a.notified_on + interval '3 months')::date
         ORDER BY a.notified_on DESC LIMIT 1;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'contract %: no worsening change of the data-use annex was notified in the 3 months before %', c.id, $4
                USING ERRCODE = 'CC008',
                      DETAIL = 'The exit fee is waived only for a notice sent within 3 months of a change that worsens the subscriber''s position or data protection (Bijlage B).',
                      HINT = 'Use reason ''ordinary'', or record the change first (cultuur.data_annex_change).';
        END IF;
        exit_fee := 0.00;
        note := format('waived: worsening data-use annex change %s notified on %s (Bijlage B)', annex.id, annex.notified_on);
        RETURN NEXT;
        RETURN;
    END IF;

    IF effective_end >= c.initial_end THEN
        exit_fee := 0.00;
        note := format('no exit fee: the contract ends at or after the end of its initial term (%s)', c.initial_end);
        RETURN NEXT;
        RETURN;
    END IF;

    SELECT t.exit_rates INTO rates FROM cultuur.tariff t
     WHERE t.service = c.service AND t.valid @> c.starts_on;
    IF rates IS NULL OR cardinality(rates) = 0 THEN
        exit_fee := 0.00;
        note := 'no exit fee: the tariff at the start of the contract has no exit-fee rates';
        RETURN NEXT;
        RETURN;
    END IF;

    start_y := extract(year FROM c.starts_on)::integer;
    exit_y := extract(year FROM effective_end)::integer;
    IF exit_y - start_y + 1 > cardinality(rates) THEN
        exit_fee := 0.00;
        note := format('no exit fee: contract year %s is beyond the exit-fee table', exit_y - start_y + 1);
        RETURN NEXT;
        RETURN;
    END IF;
    SELECT lp.count_year, lp.inhabitants INTO pop_y, inh
      FROM cultuur.latest_population(c.library_id, exit_y) lp;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'contract %: no population of library % on or before 1 January %', c.id, c.library_id, exit_y
            USING ERRCODE = 'no_data_found',
                  HINT = 'Enter the count of inhabitants in cultuur.population first.';
    END IF;
    basis := inh * c.basis_pct * 0.01;
    fee := cultuur.exit_fee(rates, start_y, exit_y, basis);
    msg := format('contract year %s: %s x %s inhabitants (1 January %s%s) x %s %% = %s',
                  exit_y - start_y + 1, rates[exit_y - start_y + 1], inh, pop_y,
                  CASE WHEN pop_y < exit_y THEN ', latest count' ELSE '' END,
                  c.basis_pct, fee);
    IF cultuur.is_indexed(c.index_from, c.starts_on, exit_y) THEN
        base_idx := cultuur.index_value(s.index_series, make_date(start_y, 1, 1));
        new_idx := cultuur.index_value(s.index_series, make_date(exit_y, 1, 1));
        IF base_idx IS NULL OR new_idx IS NULL THEN
            msg := msg || format('; not indexed: %s of January %s or %s not loaded', s.index_series, start_y, exit_y);
        ELSE
            fee := cultuur.indexed(fee, base_idx, new_idx);
            msg := msg || format('; indexed %s x %s / %s = %s', s.index_series, new_idx, base_idx, fee);
        END IF;
    END IF;
    exit_fee := fee;
    note := msg;
    RETURN NEXT;
END;
$$;
COMMENT ON FUNCTION cultuur.exit_fee_quote(integer, date, cultuur.termination_reason, date) IS 'Exit fee if the contract ends on effective_end (doc/rules.md §6): contract year, inhabitants of 1 January of the exit year x basis share, indexation; 0 at or after the end of the initial term; waived for the reasons price_increase and data_annex_change when their ground is recorded, refused (CC008) otherwise.';

-- The initial term of a contract (doc/rules.md §7; F 10.1, E 10.1): within
-- its service's framework agreement, at most the service's initial term
-- where it has one (then filled in when not given), given where it has
-- none.  Returns the initial end.
CREATE FUNCTION cultuur.contract_initial_end(library_id integer, service text,
        starts_on date, initial_end date)
    RETURNS date
    LANGUAGE plpgsql STABLE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    s        cultuur.service;
    f        cultuur.framework;
    fw_end   date;
    max_end  date;
BEGIN
    SELECT * INTO s FROM cultuur.service sv WHERE sv.code = $2;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'service "%" does not exist', $2
            USING ERRCODE = 'foreign_key_violation',
                  HINT = 'Services: ' || (SELECT string_agg(sv.code, ', ' ORDER BY sv.code) FROM cultuur.service sv);
    END IF;
    SELECT * INTO f FROM cultuur.framework fw WHERE fw.service = $2;
    fw_end := cultuur.framework_end($2);
    IF f.service IS NOT NULL AND $3 < f.starts_on THEN
        RAISE EXCEPTION 'contract for library % and service "%" cannot start on %, before the framework agreement (%)',
                $1, $2, $3, f.starts_on
            USING ERRCODE = 'CC009',
                  HINT = format('Start on or after %s.', f.starts_on);
    END IF;
    IF fw_end IS NOT NULL AND $3 > fw_end THEN
        RAISE EXCEPTION 'contract for library % and service "%" cannot start on %, after the framework agreement ends (%)',
                $1, $2, $3, fw_end
            USING ERRCODE = 'CC009',
                  HINT = 'Extend the framework agreement first (cultuur.framework_extension).';
    END IF;
    IF s.initial_term IS NOT NULL THEN
        max_end := ($3 + s.initial_term - interval '1 day')::date;
        IF fw_end IS NOT NULL AND fw_end < max_end THEN
            max_end := fw_end;
        END IF;
        IF $4 IS NULL THEN
            RETURN max_end;
        ELSIF $4 > max_end THEN
            -- CC009 when the framework end is what the term breaks, CC005
            -- when it is longer than the service's initial term
            RAISE EXCEPTION 'contract for library % and service "%": initial term to % is too long', $1, $2, $4
                USING ERRCODE = CASE WHEN $4 > ($3 + s.initial_term - interval '1 day')::date
                                     THEN 'CC005' ELSE 'CC009' END,
                      DETAIL = format('The initial term is at most %s from the start%s.', s.initial_term,
                                      CASE WHEN fw_end IS NOT NULL THEN format(' and ends no later than the framework agreement (%s)', fw_end) ELSE '' END),
                      HINT = format('End the initial term on or before %s, or leave initial_end empty.', max_end);
        END IF;
    ELSIF $4 IS NULL THEN
        RAISE EXCEPTION 'contract for library % and service "%" needs an initial_end', $1, $2
            USING ERRCODE = 'not_null_violation',
                  HINT = 'The agreement states the end of the initial term (e-books: 15 September 2026).';
    ELSIF fw_end IS NOT NULL AND $4 > fw_end THEN
        RAISE EXCEPTION 'contract for library % and service "%": initial term to % outlasts the framework agreement (%)',
                $1, $2, $4, fw_end
            USING ERRCODE = 'CC009',
                  HINT = format('End the initial term on or before %s.', fw_end);
    END IF;
    IF $4 < $3 THEN
        RAISE EXCEPTION 'contract for library % and service "%": initial term ends (%) before it starts (%)',
                $1, $2, $4, $3
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN $4;
END;
$$;
COMMENT ON FUNCTION cultuur.contract_initial_end(integer, text, date, date) IS 'The initial end of a contract starting on starts_on: checked against its service''s initial term and framework agreement (CC005, CC009), filled in when the service fixes the term and none is given.';

-- Library, service, start and initial term of a contract are fixed once
-- renewals or a termination were recorded on them (doc/rules.md §7).
CREATE FUNCTION cultuur.refuse_contract_change(contract_id integer) RETURNS void
    LANGUAGE plpgsql STABLE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM cultuur.renewal r WHERE r.contract_id = $1)
       OR EXISTS (SELECT 1 FROM cultuur.termination t WHERE t.contract_id = $1) THEN
        RAISE EXCEPTION 'contract %: library, service, start and initial term cannot change once it has renewals or a termination', $1
            USING ERRCODE = 'CC010',
                  HINT = 'Delete the renewals and the termination first, or enter a new contract.';
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.refuse_contract_change(integer) IS 'Raises CC010 when a contract has renewals or a termination: its library, service, start and initial term can then no longer change.';

-- A renewal by agreement (doc/rules.md §7; F 10.2): numbered and placed
-- right after the current term, refused for a contract that renews
-- tacitly, is terminated or has ended, beyond the renewal limit, longer
-- than the renewal term, or outside the framework agreement.  Returns the
-- renewal's number, start and end.
CREATE FUNCTION cultuur.renewal_placement(contract_id integer, agreed_on date, requested_end date,
        OUT seq integer, OUT starts_on date, OUT ends_on date)
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    c        cultuur.contract;
    s        cultuur.service;
    t        cultuur.termination;
    n        integer;
    cur_end  date;
    max_end  date;
    fw_end   date;
BEGIN
    PERFORM cultuur.contract_lock($1);
    SELECT * INTO c FROM cultuur.contract cc WHERE cc.id = $1;
    SELECT * INTO s FROM cultuur.service sv WHERE sv.code = c.service;
    IF s.renewal = 'tacit' THEN
        RAISE EXCEPTION 'contract % (service "%") renews tacitly; renewals are not entered', c.id, c.service
            USING ERRCODE = 'CC004',
                  HINT = 'cultuur.contract_term(contract_id, date) gives the term in force on any date.';
    END IF;
    SELECT * INTO t FROM cultuur.termination x WHERE x.contract_id = c.id;
    IF FOUND THEN
        RAISE EXCEPTION 'contract % is terminated (notice of %, ends %); it cannot be renewed', c.id, t.notified_on, t.effective_end
            USING ERRCODE = 'CC002',
                  HINT = 'Delete the termination first if the parties agreed to continue.';
    END IF;
    cur_end := cultuur.contract_recorded_end(c.id);
    IF $2 > cur_end THEN
        RAISE EXCEPTION 'contract % ended on %; a renewal agreed on % comes too late', c.id, cur_end, $2
            USING ERRCODE = 'CC003',
                  HINT = format('A renewal must be agreed on or before %s; enter a new contract instead.', cur_end);
    END IF;
    SELECT count(*)::integer INTO n FROM cultuur.renewal r WHERE r.contract_id = c.id;
    IF s.max_renewals IS NOT NULL AND n >= s.max_renewals THEN
        RAISE EXCEPTION 'contract % has been renewed % times; service "%" allows at most %', c.id, n, c.service, s.max_renewals
            USING ERRCODE = 'CC006',
                  DETAIL = 'F 10.2: the agreement can be renewed at most twice, by one year each.',
                  HINT = 'A further period needs a new contract.';
    END IF;
    seq := n + 1;
    starts_on := cur_end + 1;
    max_end := (starts_on + s.renewal_term - interval '1 day')::date;
    fw_end := cultuur.framework_end(c.service);
    IF fw_end IS NOT NULL AND fw_end < starts_on THEN
        RAISE EXCEPTION 'contract % cannot be renewed from %: the framework agreement of service "%" ends on %', c.id, starts_on, c.service, fw_end
            USING ERRCODE = 'CC009',
                  DETAIL = 'F 10.2: a renewal is possible only while the framework agreement is extended.',
                  HINT = 'Extend the framework agreement first (cultuur.framework_extension).';
    END IF;
    ends_on := coalesce($3, least(max_end, fw_end));
    IF ends_on > max_end THEN
        RAISE EXCEPTION 'renewal of contract % to % is longer than %', c.id, ends_on, s.renewal_term
            USING ERRCODE = 'CC005',
                  DETAIL = format('The renewal starts on %s.', starts_on),
                  HINT = format('End the renewal on or before %s.', least(max_end, fw_end));
    END IF;
    IF fw_end IS NOT NULL AND ends_on > fw_end THEN
        RAISE EXCEPTION 'renewal of contract % to % outlasts the framework agreement of service "%" (ends %)', c.id, ends_on, c.service, fw_end
            USING ERRCODE = 'CC009',
                  HINT = CASE WHEN fw_end >= starts_on
                              THEN format('End the renewal on or before %s, or extend the framework first (cultuur.framework_extension).', fw_end)
                              ELSE 'Extend the framework agreement first (cultuur.framework_extension).' END;
    END IF;
    IF ends_on < starts_on THEN
        RAISE EXCEPTION 'renewal of contract % ends (%) before it starts (%)', c.id, ends_on, starts_on
            USING ERRCODE = 'check_violation';
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.renewal_placement(integer, date, date) IS 'Number, start and end of a renewal by agreement of a contract agreed on agreed_on (ends_on NULL: as long as allowed); refuses it for tacitly renewing services (CC004), terminated (CC002) or ended (CC003) contracts, beyond the renewal limit (CC006), longer than the renewal term (CC005) or outside the framework agreement (CC009). Locks the contract.';

-- Renewals are removed from the last one backwards, and not under a
-- termination (doc/rules.md §7).
CREATE FUNCTION cultuur.refuse_renewal_removal(contract_id integer, seq integer) RETURNS void
    LANGUAGE plpgsql STABLE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM cultuur.renewal r WHERE r.contract_id = $1 AND r.seq > $2) THEN
        RAISE EXCEPTION 'renewal % of contract % is not the last one', $2, $1
            USING ERRCODE = 'CC010', HINT = 'Delete renewals from the last one backwards.';
    END IF;
    IF EXISTS (SELECT 1 FROM cultuur.termination x WHERE x.contract_id = $1) THEN
        RAISE EXCEPTION 'contract % is terminated; its renewals cannot be deleted', $1
            USING ERRCODE = 'CC010', HINT = 'Delete the termination first.';
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.refuse_renewal_removal(integer, integer) IS 'Raises CC010 unless renewal seq is the last renewal of a contract that is not terminated.';

-- The end a notice reaches (doc/rules.md §7; E 10.2, E 10.3, F 10): the
-- earliest end the notice rule allows, or the requested end when the rule
-- allows it; refused for a contract terminated already or ended, a notice
-- before the signing, and an end the rule forbids (with the earliest
-- allowed one).
CREATE FUNCTION cultuur.termination_end(contract_id integer, notified_on date, requested_end date)
    RETURNS date
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    c        cultuur.contract;
    s        cultuur.service;
    t        cultuur.termination;
    last_day date;
    earliest date;
    opt      record;
BEGIN
    -- the table's CHECKs come after the trigger: refuse infinite dates
    -- here, before any date arithmetic
    IF NOT isfinite($2) OR NOT isfinite($3) THEN
        RAISE EXCEPTION 'termination of contract %: notice date (%) and requested end (%) must be finite dates',
                $1, $2, $3
            USING ERRCODE = 'check_violation';
    END IF;
    PERFORM cultuur.contract_lock($1);
    SELECT * INTO c FROM cultuur.contract cc WHERE cc.id = $1;
    SELECT * INTO s FROM cultuur.service sv WHERE sv.code = c.service;
    SELECT * INTO t FROM cultuur.termination x WHERE x.contract_id = c.id;
    IF FOUND THEN
        RAISE EXCEPTION 'contract % is already terminated (notice of %, ends %)', c.id, t.notified_on, t.effective_end
            USING ERRCODE = 'CC002',
                  HINT = 'Delete that termination first to record a different notice.';
    END IF;
    last_day := cultuur.contract_recorded_end(c.id);
    IF last_day IS NOT NULL AND $2 > last_day THEN
        RAISE EXCEPTION 'contract % already ended on %', c.id, last_day
            USING ERRCODE = 'CC003',
                  HINT = 'An ended contract needs no notice.';
    END IF;
    IF $2 < c.signed_on THEN
        RAISE EXCEPTION 'contract %: notice of % is before the contract was signed (%)', c.id, $2, c.signed_on
            USING ERRCODE = 'check_violation';
    END IF;

    earliest := cultuur.earliest_end(c.id, $2);
    IF earliest IS NULL THEN
        RAISE EXCEPTION 'contract %: no end date can be reached by a notice sent on %', c.id, $2
            USING ERRCODE = 'CC001';
    END IF;
    IF $3 IS NULL THEN
        RETURN earliest;
    END IF;
    SELECT * INTO opt FROM cultuur.end_options(c.id, $2) o WHERE o.end_on = $3;
    IF NOT FOUND AND last_day IS NULL AND $3 > $2 THEN
        -- further ahead than end_options looks: a 31 December (where the
        -- contract allows it) or the end of a tacit term
        SELECT $3 AS end_on, k.kind AS kind,
               cultuur.notice_deadline($3, s.notice) AS deadline,
               cultuur.notice_deadline($3, s.notice) >= $2 AS allowed
          INTO opt
          FROM (SELECT '31 December (E 10.2)' AS kind
                 WHERE s.year_end_exit AND extract(month FROM $3) = 12
                   AND extract(day FROM $3) = 31
                UNION ALL
                SELECT 'end of renewal ' || tt.term_no
                  FROM cultuur.contract_terms(c.id, $3) tt
                 WHERE upper(tt.term) - 1 = $3) k
         LIMIT 1;
    END IF;
    IF opt.end_on IS NULL THEN
        RAISE EXCEPTION 'contract % cannot end on %', c.id, $3
            USING ERRCODE = 'CC001',
                  DETAIL = CASE WHEN s.year_end_exit
                                THEN 'It can end on a 31 December (E 10.2) or at the end of a term, with notice sent at least ' || s.notice || ' before.'
                                ELSE 'It can only end at the end of its current term.' END,
                  HINT = format('The earliest end a notice sent on %s can reach is %s.', $2, earliest);
    ELSIF NOT opt.allowed THEN
        RAISE EXCEPTION 'contract %: a notice sent on % is too late to end on %', c.id, $2, $3
            USING ERRCODE = 'CC001',
                  DETAIL = format('To end on %s (%s) notice must be sent on or before %s.', opt.end_on, opt.kind, opt.deadline),
                  HINT = format('The earliest allowed end is %s.', earliest);
    END IF;
    RETURN $3;
END;
$$;
COMMENT ON FUNCTION cultuur.termination_end(integer, date, date) IS 'The end a notice sent on notified_on gives a contract: the earliest the notice rule allows, or requested_end if the rule allows it; refuses a second termination (CC002), an ended contract (CC003) and a forbidden end (CC001, with the earliest allowed date). Locks the contract.';

-- A price change other than indexation (doc/rules.md §7; E 8.9): takes
-- effect on 1 January and is notified on or before 31 July before.
CREATE FUNCTION cultuur.price_change_dates(service text, notified_on date, effective_on date)
    RETURNS void
    LANGUAGE plpgsql IMMUTABLE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    latest   date;
    next_jan date;
BEGIN
    IF NOT isfinite($2) OR NOT isfinite($3) THEN
        RAISE EXCEPTION 'price change of service "%": notice date (%) and effective date (%) must be finite dates',
                $1, $2, $3
            USING ERRCODE = 'check_violation';
    END IF;
    next_jan := make_date(extract(year FROM $2)::integer
                          + CASE WHEN $2 <= make_date(extract(year FROM $2)::integer, 7, 31)
                                 THEN 1 ELSE 2 END, 1, 1);
    IF $3 <> date_trunc('year', $3)::date THEN
        RAISE EXCEPTION 'price change of service "%" on % does not take effect on 1 January', $1, $3
            USING ERRCODE = 'CC007',
                  DETAIL = 'Price changes other than indexation take effect on 1 January (E 8.9).',
                  HINT = format('A change notified on %s can take effect on %s at the earliest.', $2, next_jan);
    END IF;
    latest := make_date(extract(year FROM $3)::integer - 1, 7, 31);
    IF $2 > latest THEN
        RAISE EXCEPTION 'price change of service "%" for % is notified too late (%)', $1, $3, $2
            USING ERRCODE = 'CC007',
                  DETAIL = format('It must be notified at least five months before the end of the year: on or before %s (E 8.9).', latest),
                  HINT = format('A change notified on %s can take effect on %s at the earliest.', $2, next_jan);
    END IF;
END;
$$;
COMMENT ON FUNCTION cultuur.price_change_dates(text, date, date) IS 'Raises CC007 unless a price change takes effect on 1 January and was notified on or before 31 July of the year before (E 8.9).';

-- A price change splits the tariff in force on its date into the old and
-- the new price (doc/rules.md §7): the old tariff ends the day before, the
-- new one runs to the old one's end with the same exit-fee rates.  Returns
-- the new tariff; one that was entered already (tariff_id given) must be
-- exactly this change.  It writes the tariff table from the price change's
-- BEFORE trigger because the price change row references the tariff it
-- creates.
CREATE FUNCTION cultuur.split_tariff(service text, effective_on date, fixed_fee numeric,
        tiers cultuur.tiers, tariff_id integer)
    RETURNS integer
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    t        cultuur.tariff;
    new_id   integer;
BEGIN
    -- serialise price changes of one service
    PERFORM cultuur.service_lock($1);
    IF $5 IS NOT NULL THEN
        SELECT * INTO t FROM cultuur.tariff tt WHERE tt.id = $5;
        IF NOT FOUND OR t.service <> $1 OR lower(t.valid) <> $2
           OR t.fixed_fee <> $3 OR NOT (t.tiers OPERATOR(cultuur.=) $4) THEN
            RAISE EXCEPTION 'price change of service "%": tariff % is not the tariff this change introduces', $1, $5
                USING ERRCODE = 'foreign_key_violation',
                      HINT = 'Leave tariff_id empty: the price change creates the new tariff itself.';
        END IF;
        RETURN $5;
    END IF;
    SELECT * INTO t FROM cultuur.tariff tt
     WHERE tt.service = $1 AND tt.valid @> $2 FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'service "%" has no tariff in force on % to change', $1, $2
            USING ERRCODE = 'no_data_found',
                  HINT = 'Enter the tariff in cultuur.tariff first.';
    END IF;
    IF lower(t.valid) = $2 THEN
        RAISE EXCEPTION 'service "%" already has a tariff starting on %', $1, $2
            USING ERRCODE = 'CC010',
                  HINT = format('Tariff %s starts that day; a second price change for the same day is not possible.', t.id);
    END IF;
    UPDATE cultuur.tariff tt SET valid = daterange(lower(t.valid), $2) WHERE tt.id = t.id;
    INSERT INTO cultuur.tariff (service, valid, fixed_fee, tiers, exit_rates)
    VALUES ($1, daterange($2, upper(t.valid)), $3, $4, t.exit_rates)
    RETURNING id INTO new_id;
    RETURN new_id;
END;
$$;
COMMENT ON FUNCTION cultuur.split_tariff(text, date, numeric, cultuur.tiers, integer) IS 'Splits the tariff of a service in force on effective_on into the old price (ending the day before) and a new tariff with fixed_fee and tiers; returns the new tariff''s id (or checks that tariff_id is exactly that tariff). Refuses a second change on one day (CC010).';
-- ---------------------------------------------------------------------
-- Layer 3, rule helpers: gapless invoice numbers and issuing an invoice
-- (doc/rules.md §9).
-- ---------------------------------------------------------------------

-- the next gapless number of a year; the row lock serialises invoicing runs
CREATE FUNCTION cultuur.next_invoice_seq(year integer) RETURNS integer
    LANGUAGE sql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
        INSERT INTO cultuur.invoice_counter AS c (year, last_seq) VALUES ($1, 1)
        ON CONFLICT (year) DO UPDATE SET last_seq = c.last_seq + 1
        RETURNING last_seq
    $$;
COMMENT ON FUNCTION cultuur.next_invoice_seq(integer) IS 'Takes the next invoice number of a year (gapless: the counter rolls back with a failed transaction).';

CREATE FUNCTION cultuur.issue_invoice(contract_id integer, kind text, period daterange,
        issued_on date, total numeric, credit_for integer DEFAULT NULL, reason text DEFAULT NULL)
    RETURNS cultuur.issued_invoice
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    inv cultuur.issued_invoice;
    y   integer := extract(year FROM $4)::integer;
    n   integer := cultuur.next_invoice_seq(y);
BEGIN
    INSERT INTO cultuur.invoice (number, year, seq, library_id, contract_id, kind, period,
                                 issued_on, due_on, total, credit_for, reason)
    SELECT y || '/' || lpad(n::text, 6, '0'), y, n, c.library_id, c.id, $2, $3,
           $4, $4 + 30, $5, $6, $7
      FROM cultuur.contract c WHERE c.id = $1
    RETURNING * INTO inv;
    RETURN inv;
END;
$$;
COMMENT ON FUNCTION cultuur.issue_invoice(integer, text, daterange, date, numeric, integer, text) IS 'Writes an invoice header with the next gapless number of the year of issued_on (used by run_invoicing and credit_note).';
-- ---------------------------------------------------------------------
-- Layer 3, rule helpers: what every entry against an invoice starts with
-- (doc/rules.md §9).
-- ---------------------------------------------------------------------

-- What every entry against an invoice starts with: take its contract's
-- lock (everything that touches an invoice's balance does: payments,
-- formal notices, suspensions, credit notes; under REPEATABLE READ a
-- concurrent change then fails with 40001), refuse a credit note or a
-- missing invoice, and read the balance.
CREATE FUNCTION cultuur.invoice_for_entry(invoice_id integer)
    RETURNS TABLE (number text, library_id integer, issued_on date, due_on date,
                   outstanding numeric)
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    inv cultuur.invoice;
BEGIN
    SELECT * INTO inv FROM cultuur.invoice i WHERE i.id = $1;
    IF NOT FOUND OR inv.kind = 'credit_note' THEN
        RAISE EXCEPTION '% is not an invoice', $1 USING ERRCODE = 'foreign_key_violation';
    END IF;
    PERFORM cultuur.contract_lock(inv.contract_id);
    RETURN QUERY
    SELECT inv.number, inv.library_id, inv.issued_on, inv.due_on, b.outstanding::numeric
      FROM cultuur.invoice_balance b WHERE b.invoice_id = $1;
END;
$$;
COMMENT ON FUNCTION cultuur.invoice_for_entry(integer) IS 'Locks an invoice for a payment, formal notice or suspension (serialising everything that touches its balance) and returns its number, library, dates and outstanding amount; refuses a credit note or a missing invoice.';
-- ---------------------------------------------------------------------
-- Layer 4, triggers: framework agreements, their extensions and the
-- built-in services (doc/rules.md §7).  Triggers are thin: each calls the
-- rule functions of layer 3.
-- ---------------------------------------------------------------------

CREATE FUNCTION cultuur.framework_extension_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    f   cultuur.framework;
    cur date;
    n   integer;
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    -- serialise extensions of one framework
    PERFORM cultuur.framework_lock(NEW.service);
    SELECT * INTO f FROM cultuur.framework WHERE service = NEW.service;
    SELECT count(*)::integer INTO n FROM cultuur.framework_extension WHERE service = NEW.service;
    cur := cultuur.framework_end(NEW.service);
    IF n >= f.max_extensions THEN
        RAISE EXCEPTION 'framework agreement for service "%" cannot be extended again', NEW.service
            USING ERRCODE = 'CC006',
                  DETAIL = format('It allows %s extension(s) and has %s.', f.max_extensions, n),
                  HINT = 'A new framework agreement needs a new framework row.';
    END IF;
    IF NEW.ends_on <= cur OR NEW.ends_on > (cur + f.extension_term)::date THEN
        RAISE EXCEPTION 'framework extension of service "%" to % is not allowed', NEW.service, NEW.ends_on
            USING ERRCODE = 'CC005',
                  DETAIL = format('The framework now ends on %s; an extension lasts at most %s.', cur, f.extension_term),
                  HINT = format('Choose an end after %s and on or before %s.', cur, (cur + f.extension_term)::date);
    END IF;
    NEW.seq := n + 1;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.framework_extension_check() IS 'Trigger: numbers a framework extension and refuses one beyond max_extensions or longer than extension_term.';
CREATE TRIGGER framework_extension_check BEFORE INSERT ON cultuur.framework_extension
    FOR EACH ROW EXECUTE FUNCTION cultuur.framework_extension_check();

-- The built-in services' terms are the agreements' (E 10, F 10): nobody
-- changes or deletes them, except the extension's own upgrade scripts.  A
-- restore inserts every service row as dumped; a shipped row that is
-- already there, identical (a data-only dump loaded into a fresh install),
-- is skipped instead of failing the whole load.
CREATE FUNCTION cultuur.service_builtin_guard() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF cultuur.shipped_service(NEW.code) AND cultuur.restoring()
           AND EXISTS (SELECT 1 FROM cultuur.service s WHERE s.code = NEW.code AND s = NEW) THEN
            RETURN NULL;
        END IF;
        RETURN NEW;
    END IF;
    IF NOT cultuur.shipped_service(OLD.code) OR cultuur.in_extension_script() THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'DELETE' OR NEW IS DISTINCT FROM OLD THEN
        RAISE EXCEPTION 'built-in service "%" cannot be changed or deleted', OLD.code
            USING ERRCODE = 'CC010',
                  HINT = 'Add a service of your own with another code and the terms you need.';
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.service_builtin_guard() IS 'Trigger: the services the extension ships (cultuur.shipped_service) cannot be changed or deleted; a restore skips a shipped row that is already there, identical.';
CREATE TRIGGER service_builtin_guard BEFORE INSERT OR UPDATE OR DELETE ON cultuur.service
    FOR EACH ROW EXECUTE FUNCTION cultuur.service_builtin_guard();

CREATE FUNCTION cultuur.framework_guard() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    new_end date := date 'infinity';    -- deleted: no end at all
BEGIN
    -- serialise with the other checks of this framework agreement
    PERFORM cultuur.framework_lock(OLD.service);
    IF TG_OP = 'UPDATE' THEN
        new_end := greatest(NEW.ends_on, (SELECT max(e.ends_on) FROM cultuur.framework_extension e
                                           WHERE e.service = OLD.service));
        IF NEW.max_extensions < (SELECT count(*) FROM cultuur.framework_extension e WHERE e.service = OLD.service) THEN
            RAISE EXCEPTION 'framework agreement of service "%" already has more extensions than %', OLD.service, NEW.max_extensions
                USING ERRCODE = 'CC006';
        END IF;
    END IF;
    PERFORM cultuur.refuse_framework_end(OLD.service, new_end);
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
COMMENT ON FUNCTION cultuur.framework_guard() IS 'Trigger: a framework agreement cannot be shortened or removed below the end of a member contract (CC009), nor allow fewer extensions than it has (CC006).';
CREATE TRIGGER framework_guard BEFORE UPDATE OR DELETE ON cultuur.framework
    FOR EACH ROW EXECUTE FUNCTION cultuur.framework_guard();

CREATE FUNCTION cultuur.framework_extension_guard() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'extension % of the framework agreement of service "%" cannot be changed', OLD.seq, OLD.service
            USING ERRCODE = 'CC010', HINT = 'Delete the last extension and enter it again.';
    END IF;
    PERFORM cultuur.framework_lock(OLD.service);
    IF EXISTS (SELECT 1 FROM cultuur.framework_extension e WHERE e.service = OLD.service AND e.seq > OLD.seq) THEN
        RAISE EXCEPTION 'extension % of the framework agreement of service "%" is not the last one', OLD.seq, OLD.service
            USING ERRCODE = 'CC010', HINT = 'Delete extensions from the last one backwards.';
    END IF;
    PERFORM cultuur.refuse_framework_end(OLD.service,
        greatest((SELECT f.ends_on FROM cultuur.framework f WHERE f.service = OLD.service),
                 (SELECT max(e.ends_on) FROM cultuur.framework_extension e
                   WHERE e.service = OLD.service AND e.seq < OLD.seq)));
    RETURN OLD;
END;
$$;
COMMENT ON FUNCTION cultuur.framework_extension_guard() IS 'Trigger: framework extensions are never changed, are removed from the last one backwards, and not below the end of a member contract (CC009).';
CREATE TRIGGER framework_extension_guard BEFORE UPDATE OR DELETE ON cultuur.framework_extension
    FOR EACH ROW EXECUTE FUNCTION cultuur.framework_extension_guard();
-- ---------------------------------------------------------------------
-- Layer 4, triggers: contracts, renewals, terminations and price changes
-- (doc/rules.md §5-7), each an adapter over the rules of
-- 32_rules_contracts.sql.
-- ---------------------------------------------------------------------

CREATE FUNCTION cultuur.contract_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        -- serialise with the renewals and terminations of this contract
        PERFORM cultuur.contract_lock(OLD.id);
        IF (NEW.library_id, NEW.service, NEW.starts_on, NEW.initial_end)
           IS DISTINCT FROM (OLD.library_id, OLD.service, OLD.starts_on, OLD.initial_end) THEN
            PERFORM cultuur.refuse_contract_change(OLD.id);
        END IF;
    END IF;
    NEW.initial_end := cultuur.contract_initial_end(NEW.library_id, NEW.service, NEW.starts_on, NEW.initial_end);
    -- active: from the start to the recorded end (open while renewing tacitly)
    NEW.active := daterange(NEW.starts_on,
                            cultuur.recorded_end(NEW.id,
                                                 (SELECT sv.renewal FROM cultuur.service sv WHERE sv.code = NEW.service),
                                                 NEW.initial_end) + 1);
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.contract_check() IS 'Trigger on contract: checks and fills the initial term (contract_initial_end), keeps library, service and terms fixed under renewals and a termination (refuse_contract_change), and keeps active in step with them (recorded_end).';
CREATE TRIGGER contract_check BEFORE INSERT OR UPDATE ON cultuur.contract
    FOR EACH ROW EXECUTE FUNCTION cultuur.contract_check();
COMMENT ON TRIGGER contract_check ON cultuur.contract IS 'The initial term and the days in force of a contract (doc/rules.md §7).';

CREATE FUNCTION cultuur.renewal_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    r record;
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'renewal % of contract % cannot be changed', OLD.seq, OLD.contract_id
            USING ERRCODE = 'CC010', HINT = 'Delete the last renewal and enter it again.';
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM cultuur.contract_lock(OLD.contract_id);
        PERFORM cultuur.refuse_renewal_removal(OLD.contract_id, OLD.seq);
        RETURN OLD;
    END IF;
    r := cultuur.renewal_placement(NEW.contract_id, NEW.agreed_on, NEW.ends_on);
    NEW.seq := r.seq;
    NEW.starts_on := r.starts_on;
    NEW.ends_on := r.ends_on;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.renewal_check() IS 'Trigger on renewal: places a new renewal (renewal_placement), refuses changes (CC010) and removals other than of the last one (refuse_renewal_removal).';
CREATE TRIGGER renewal_check BEFORE INSERT OR UPDATE OR DELETE ON cultuur.renewal
    FOR EACH ROW EXECUTE FUNCTION cultuur.renewal_check();
COMMENT ON TRIGGER renewal_check ON cultuur.renewal IS 'Renewals by agreement (doc/rules.md §7, F 10.2).';

CREATE FUNCTION cultuur.termination_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    given_end date;
    given_fee numeric;
    q         record;
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'the termination of contract % cannot be changed', OLD.contract_id
            USING ERRCODE = 'CC010', HINT = 'Delete it and enter the new notice.';
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM cultuur.contract_lock(OLD.contract_id);
        RETURN OLD;
    END IF;
    given_end := NEW.effective_end;
    given_fee := NEW.exit_fee;
    NEW.effective_end := cultuur.termination_end(NEW.contract_id, NEW.notified_on, NEW.requested_end);
    SELECT * INTO q FROM cultuur.exit_fee_quote(NEW.contract_id, NEW.effective_end, NEW.reason, NEW.notified_on);
    -- effective_end and exit_fee are computed; values given with the row
    -- (a dump being restored, say) must agree with what the rules give now
    IF (given_end IS NOT NULL AND given_end <> NEW.effective_end)
       OR (given_fee IS NOT NULL AND given_fee <> q.exit_fee) THEN
        RAISE EXCEPTION 'termination of contract %: the given effective end % and exit fee % differ from what the rules give now (% and %)',
                NEW.contract_id, given_end, given_fee, NEW.effective_end, q.exit_fee
            USING ERRCODE = 'CC010',
                  HINT = 'Leave effective_end and exit_fee empty: they are computed (a dump restored with pg_restore or psql keeps them as dumped).';
    END IF;
    NEW.exit_fee := q.exit_fee;
    NEW.exit_fee_note := q.note;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.termination_check() IS 'Trigger on termination: computes the effective end (termination_end) and the exit fee (exit_fee_quote) of a new notice, refuses values given that differ from them and any change (CC010).';
CREATE TRIGGER termination_check BEFORE INSERT OR UPDATE OR DELETE ON cultuur.termination
    FOR EACH ROW EXECUTE FUNCTION cultuur.termination_check();
COMMENT ON TRIGGER termination_check ON cultuur.termination IS 'Notice, end and exit fee of a termination (doc/rules.md §6, §7; E 10.2-10.4).';

-- after a renewal or termination (or its deletion) recompute contract.active
CREATE FUNCTION cultuur.contract_refresh() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NULL;
    END IF;
    UPDATE cultuur.contract SET active = active
     WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.contract_id ELSE NEW.contract_id END;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.contract_refresh() IS 'Trigger: recomputes contract.active after a renewal or termination is added or removed (the exclusion constraint then re-checks it).';
CREATE TRIGGER renewal_refresh AFTER INSERT OR DELETE ON cultuur.renewal
    FOR EACH ROW EXECUTE FUNCTION cultuur.contract_refresh();
CREATE TRIGGER termination_refresh AFTER INSERT OR DELETE ON cultuur.termination
    FOR EACH ROW EXECUTE FUNCTION cultuur.contract_refresh();

CREATE FUNCTION cultuur.price_change_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        RAISE EXCEPTION 'price change % cannot be changed or deleted', OLD.id
            USING ERRCODE = 'CC010', HINT = 'Record a new price change instead.';
    END IF;
    PERFORM cultuur.price_change_dates(NEW.service, NEW.notified_on, NEW.effective_on);
    NEW.tariff_id := cultuur.split_tariff(NEW.service, NEW.effective_on, NEW.fixed_fee, NEW.tiers, NEW.tariff_id);
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.price_change_check() IS 'Trigger on price_change: checks its dates (price_change_dates) and splits the tariff (split_tariff); refuses changes and deletions (CC010).';
CREATE TRIGGER price_change_check BEFORE INSERT OR UPDATE OR DELETE ON cultuur.price_change
    FOR EACH ROW EXECUTE FUNCTION cultuur.price_change_check();
-- ---------------------------------------------------------------------
-- Layer 4, triggers: usage events are counted as they arrive (into the
-- counters of layer 2) and never changed; reach-cap holds (doc/rules.md §8).
-- ---------------------------------------------------------------------

CREATE FUNCTION cultuur.usage_count() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF cultuur.restoring() THEN
        RETURN NULL;
    END IF;
    -- take the consortium counter rows first, in a fixed order: a second
    -- loader of the same lot and month waits here, before it inserts into
    -- monthly_user, so multi-statement loaders cannot deadlock
    INSERT INTO cultuur.consortium_usage AS c (service, month, unique_users)
    SELECT DISTINCT e.service, cultuur.brussels_month(e.occurred_at), 0
      FROM new_events e WHERE e.action = 'film_started' ORDER BY 1, 2
    ON CONFLICT (service, month) DO UPDATE SET unique_users = c.unique_users;
    -- one pass per statement: a COPY of a million rows is counted in bulk
    WITH fresh AS (
        INSERT INTO cultuur.monthly_user AS mu (library_id, service, month, member_ref)
        SELECT DISTINCT e.library_id, e.service, cultuur.brussels_month(e.occurred_at), e.member_ref
          FROM new_events e
         WHERE e.action = 'film_started'
         ORDER BY 1, 2, 3, 4
        ON CONFLICT DO NOTHING
        RETURNING mu.library_id, mu.service, mu.month
    ), per_library AS (
        INSERT INTO cultuur.monthly_usage AS m (library_id, service, month, unique_users)
        SELECT f.library_id, f.service, f.month, count(*)
          FROM fresh f GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (library_id, service, month)
        DO UPDATE SET unique_users = m.unique_users + excluded.unique_users
    )
    INSERT INTO cultuur.consortium_usage AS c (service, month, unique_users)
    SELECT f.service, f.month, count(*)
      FROM fresh f GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (service, month)
    DO UPDATE SET unique_users = c.unique_users + excluded.unique_users;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.usage_count() IS 'Statement trigger: adds the members who started a film to monthly_user (once per library, lot and Brussels month) and the newly counted ones to monthly_usage and consortium_usage.';
CREATE TRIGGER usage_count AFTER INSERT ON cultuur.usage_event
    REFERENCING NEW TABLE AS new_events
    FOR EACH STATEMENT EXECUTE FUNCTION cultuur.usage_count();

CREATE FUNCTION cultuur.usage_immutable() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    RAISE EXCEPTION 'usage events cannot be changed'
        USING ERRCODE = 'CC010',
              HINT = 'Events are facts; load a correcting event instead. Deleting old events (retention) is allowed and leaves the counts as they are.';
END;
$$;
COMMENT ON FUNCTION cultuur.usage_immutable() IS 'Trigger: usage events are never updated.';
CREATE TRIGGER usage_immutable BEFORE UPDATE ON cultuur.usage_event
    FOR EACH STATEMENT EXECUTE FUNCTION cultuur.usage_immutable();

CREATE FUNCTION cultuur.reach_hold_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    c     cultuur.contract;
    st    record;
    y     integer;
    used  bigint;
BEGIN
    IF TG_OP = 'INSERT' AND cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'a hold cannot be changed' USING ERRCODE = 'CC010',
              HINT = 'Delete it and enter it again.';
    END IF;
    PERFORM cultuur.contract_lock(NEW.contract_id);
    SELECT * INTO c FROM cultuur.contract WHERE id = NEW.contract_id;
    y := extract(year FROM NEW.starts_on)::integer;
    NEW.ends_on := make_date(y, 12, 31);
    SELECT * INTO st FROM cultuur.reach_cap_status(y) s WHERE s.contract_id = c.id;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'contract % (service "%") has no reach cap in %', c.id, c.service, y
            USING ERRCODE = 'CC011',
                  HINT = 'Only lot 1B orders in force that year can be put on hold (F 8.6).';
    END IF;
    IF st.cap IS NULL THEN
        RAISE EXCEPTION 'contract %: the reach cap of % cannot be computed without inhabitants of 1 January %', c.id, y, y - 1
            USING ERRCODE = 'no_data_found', HINT = 'Enter the population first.';
    END IF;
    -- the cap must be reached by the months before the hold starts
    SELECT coalesce(sum(mu.unique_users), 0) INTO used FROM cultuur.monthly_usage mu
     WHERE mu.library_id = c.library_id AND mu.service = c.service
       AND mu.month >= make_date(y, 1, 1) AND mu.month < NEW.starts_on;
    IF used < st.cap THEN
        RAISE EXCEPTION 'contract %: the reach cap of % is not reached before %', c.id, y, NEW.starts_on
            USING ERRCODE = 'CC011',
                  DETAIL = format('%s unique users from January to the hold; the cap is %s (%s months x %s inhabitants x %s %%).',
                                  used, st.cap, st.months, st.inhabitants,
                                  (SELECT reach_pct FROM cultuur.service WHERE code = c.service)),
                  HINT = 'A hold is allowed once the year''s unique users reach the cap (F 8.6).';
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.reach_hold_check() IS 'Trigger: a lot 1B hold is refused (CC011) unless the year''s unique users before it reached the cap; it lasts until 31 December.';
CREATE TRIGGER reach_hold_check BEFORE INSERT OR UPDATE ON cultuur.reach_hold
    FOR EACH ROW EXECUTE FUNCTION cultuur.reach_hold_check();
-- ---------------------------------------------------------------------
-- Layer 4, triggers: issued invoices and their lines are never changed
-- (doc/rules.md §9).
-- ---------------------------------------------------------------------

-- TG_ARGV[0]: the column of the row that holds the invoice's id
CREATE FUNCTION cultuur.invoice_immutable() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    inv_id integer := (to_jsonb(OLD) ->> TG_ARGV[0])::integer;
BEGIN
    RAISE EXCEPTION 'issued invoice % cannot be changed or deleted',
            coalesce((SELECT i.number FROM cultuur.invoice i WHERE i.id = inv_id), inv_id::text)
        USING ERRCODE = 'CC010',
              HINT = 'Correct it with a credit note: SELECT cultuur.credit_note(invoice_id, issued_on, reason).';
END;
$$;
COMMENT ON FUNCTION cultuur.invoice_immutable() IS 'Trigger: issued invoices and their lines are never changed or deleted (the argument names the column with the invoice''s id).';
CREATE TRIGGER invoice_immutable BEFORE UPDATE OR DELETE ON cultuur.invoice
    FOR EACH ROW EXECUTE FUNCTION cultuur.invoice_immutable('id');
CREATE TRIGGER invoice_line_immutable BEFORE UPDATE OR DELETE ON cultuur.invoice_line
    FOR EACH ROW EXECUTE FUNCTION cultuur.invoice_immutable('invoice_id');

-- Lines are added only by the transaction that issued their invoice: one
-- check per statement (an invoicing run writes thousands of lines at once).
CREATE FUNCTION cultuur.invoice_line_added() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    bad integer;
BEGIN
    SELECT n.invoice_id INTO bad
      FROM (SELECT DISTINCT l.invoice_id FROM new_lines l) n
      LEFT JOIN cultuur.invoice i ON i.id = n.invoice_id
     WHERE i.id IS NULL OR NOT cultuur.xid_is_current(i.xmin)
     ORDER BY n.invoice_id LIMIT 1;
    IF FOUND AND NOT cultuur.restoring() THEN
        RAISE EXCEPTION 'invoice % is issued; lines cannot be added',
                coalesce((SELECT i.number FROM cultuur.invoice i WHERE i.id = bad), bad::text)
            USING ERRCODE = 'CC010', HINT = 'Issue a credit note and a new invoice instead.';
    END IF;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.invoice_line_added() IS 'Statement trigger: invoice lines can only be added by the transaction that issued their invoice.';
CREATE TRIGGER invoice_line_added AFTER INSERT ON cultuur.invoice_line
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION cultuur.invoice_line_added();
-- ---------------------------------------------------------------------
-- Layer 4, triggers: payments, formal notices and suspensions
-- (doc/rules.md §9).
-- ---------------------------------------------------------------------

CREATE FUNCTION cultuur.payment_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    b record;
BEGIN
    IF cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    SELECT * INTO b FROM cultuur.invoice_for_entry(NEW.invoice_id);
    IF NEW.amount > b.outstanding THEN
        RAISE EXCEPTION 'payment of % on invoice % exceeds the outstanding %', NEW.amount, b.number, b.outstanding
            USING ERRCODE = 'CC012', HINT = format('Record at most %s.', b.outstanding);
    END IF;
    IF NEW.paid_on < b.issued_on THEN
        RAISE EXCEPTION 'payment on % precedes invoice % (issued %)', NEW.paid_on, b.number, b.issued_on
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.payment_check() IS 'Trigger: a payment never exceeds what is outstanding on its invoice, nor precedes it (E 8.6, F 8.3).';

CREATE FUNCTION cultuur.formal_notice_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    b record;
BEGIN
    IF cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    SELECT * INTO b FROM cultuur.invoice_for_entry(NEW.invoice_id);
    IF NEW.sent_on <= b.due_on OR b.outstanding <= 0 THEN
        RAISE EXCEPTION 'invoice % is not overdue on % (due %, outstanding %)', b.number, NEW.sent_on, b.due_on, b.outstanding
            USING ERRCODE = 'CC012', HINT = format('A formal notice can be sent from %s while the invoice is unpaid.', b.due_on + 1);
    END IF;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.formal_notice_check() IS 'Trigger: a formal notice only for an invoice that is overdue and unpaid (E 8.7, F 8.4).';

CREATE FUNCTION cultuur.suspension_check() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    b record;
BEGIN
    IF cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    SELECT * INTO b FROM cultuur.invoice_for_entry(NEW.invoice_id);
    IF b.outstanding <= 0 OR NEW.starts_on - b.due_on <= 30
       OR NOT EXISTS (SELECT 1 FROM cultuur.formal_notice f
                       WHERE f.invoice_id = NEW.invoice_id AND f.sent_on <= NEW.starts_on) THEN
        RAISE EXCEPTION 'library % cannot be suspended on % for invoice %', b.library_id, NEW.starts_on, b.number
            USING ERRCODE = 'CC012',
                  DETAIL = format('Due %s, outstanding %s, formal notice: %s.', b.due_on, b.outstanding,
                                  coalesce((SELECT max(f.sent_on)::text FROM cultuur.formal_notice f
                                             WHERE f.invoice_id = NEW.invoice_id), 'none')),
                  HINT = format('Suspension needs an unpaid invoice more than 30 days overdue (from %s) and a formal notice sent before (E 8.7, F 8.4).',
                                b.due_on + 31);
    END IF;
    -- a suspension starts open; only a settling payment or credit note, or
    -- finance's decision (lift_suspension), ends it
    NEW.lifted_on := NULL;
    NEW.lifted_by := NULL;
    NEW.lift_reason := NULL;
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.suspension_check() IS 'Trigger: a suspension only more than 30 days after the due date of an unpaid invoice with a formal notice sent before (E 8.7, F 8.4); it starts open.';

CREATE FUNCTION cultuur.entry_immutable() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    RAISE EXCEPTION 'recorded % cannot be changed or deleted', TG_TABLE_NAME
        USING ERRCODE = 'CC010', HINT = 'Record a correcting entry instead.';
END;
$$;
COMMENT ON FUNCTION cultuur.entry_immutable() IS 'Trigger: recorded payments and formal notices are never changed or deleted.';
CREATE TRIGGER payment_rules BEFORE INSERT ON cultuur.payment
    FOR EACH ROW EXECUTE FUNCTION cultuur.payment_check();
CREATE TRIGGER payment_immutable BEFORE UPDATE OR DELETE ON cultuur.payment
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_immutable();
CREATE TRIGGER formal_notice_rules BEFORE INSERT ON cultuur.formal_notice
    FOR EACH ROW EXECUTE FUNCTION cultuur.formal_notice_check();
CREATE TRIGGER formal_notice_immutable BEFORE UPDATE OR DELETE ON cultuur.formal_notice
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_immutable();
CREATE TRIGGER suspension_rules BEFORE INSERT ON cultuur.suspension
    FOR EACH ROW EXECUTE FUNCTION cultuur.suspension_check();

CREATE FUNCTION cultuur.payment_lifts() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    IF cultuur.restoring() THEN
        RETURN NULL;
    END IF;
    -- a payment made before the suspension started (its statement booked
    -- later) ends it on the day it started, not before (lifted_on >= starts_on)
    UPDATE cultuur.suspension s SET lifted_on = greatest(NEW.paid_on, s.starts_on),
           lifted_by = session_user, lift_reason = format('payment %s settled the invoice', NEW.id)
     WHERE s.invoice_id = NEW.invoice_id AND s.lifted_on IS NULL
       AND (SELECT b.outstanding FROM cultuur.invoice_balance b WHERE b.invoice_id = NEW.invoice_id) <= 0;
    RETURN NULL;
END;
$$;
COMMENT ON FUNCTION cultuur.payment_lifts() IS 'Trigger: a payment that settles an invoice lifts its open suspensions on the payment date.';
CREATE TRIGGER payment_lifts AFTER INSERT ON cultuur.payment
    FOR EACH ROW EXECUTE FUNCTION cultuur.payment_lifts();
-- ---------------------------------------------------------------------
-- Layer 4, triggers: facts that issued invoices used.
--
-- Facts that issued invoices used are never changed in place (E 8.9 for
-- prices; an issued invoice is never changed, corrections are credit
-- notes).  A tariff, a population count, an index value or a contract
-- column that an issued invoice (or a recorded exit fee) was computed
-- from cannot be updated or deleted: the refusal names the invoice and
-- says what to do instead.  Facts nothing was billed from yet stay free
-- to correct.
--
-- Project SQLSTATE CC010 (recorded facts cannot be changed).
-- ---------------------------------------------------------------------

CREATE FUNCTION cultuur.tariff_guard() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    changed daterange;      -- the days whose price this change alters
    used    text;
BEGIN
    PERFORM cultuur.invoicing_barrier();
    IF TG_OP = 'DELETE'
       OR (NEW.service, NEW.fixed_fee, lower(NEW.valid)) IS DISTINCT FROM (OLD.service, OLD.fixed_fee, lower(OLD.valid))
       OR NOT (NEW.tiers OPERATOR(cultuur.=) OLD.tiers) THEN
        changed := OLD.valid;
    ELSIF upper_inf(OLD.valid) AND NOT upper_inf(NEW.valid) OR upper(NEW.valid) < upper(OLD.valid) THEN
        -- shortened (a price change splits it): only the days it loses
        changed := daterange(upper(NEW.valid), upper(OLD.valid));
    ELSE
        changed := 'empty';
    END IF;
    SELECT 'issued invoice ' || i.number INTO used
      FROM cultuur.invoice i JOIN cultuur.contract c ON c.id = i.contract_id
     WHERE c.service = OLD.service AND i.kind <> 'credit_note' AND i.period && changed
     ORDER BY i.id LIMIT 1;
    PERFORM cultuur.refuse_recorded_change(format('tariff %s of service "%s"', OLD.id, OLD.service), used,
        'Record a price change for a coming 1 January (cultuur.price_change, E 8.9); correct an issued invoice with a credit note (cultuur.credit_note).');
    -- the exit-fee rates of contracts that started under it
    IF TG_OP = 'DELETE' OR NEW.exit_rates IS DISTINCT FROM OLD.exit_rates THEN
        SELECT 'the exit fee of contract ' || t.contract_id INTO used
          FROM cultuur.termination t JOIN cultuur.contract c ON c.id = t.contract_id
         WHERE c.service = OLD.service AND OLD.valid @> c.starts_on AND t.exit_fee > 0
         ORDER BY t.contract_id LIMIT 1;
        PERFORM cultuur.refuse_recorded_change(
            format('the exit-fee rates of tariff %s of service "%s"', OLD.id, OLD.service), used,
            'Rates for contracts that start later belong in a new tariff (cultuur.price_change).');
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
COMMENT ON FUNCTION cultuur.tariff_guard() IS 'Trigger: a tariff row cannot be changed or deleted for days that an issued invoice billed (CC010, naming the invoice), nor its exit-fee rates once a termination charged an exit fee from them; prices change through cultuur.price_change.';
CREATE TRIGGER tariff_guard BEFORE UPDATE OR DELETE ON cultuur.tariff
    FOR EACH ROW EXECUTE FUNCTION cultuur.tariff_guard();

CREATE FUNCTION cultuur.population_guard() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    -- the count of 1 January Y is the basis of the fees of year Y + 1 (E 8.1)
    billed  daterange := daterange(make_date(OLD.year + 1, 1, 1), make_date(OLD.year + 2, 1, 1));
    what    text := format('the population of library %s on 1 January %s', OLD.library_id, OLD.year);
    used    text;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
        RETURN NEW;
    END IF;
    PERFORM cultuur.invoicing_barrier();
    -- its library's per-inhabitant invoices of that year, and those of
    -- every library whose consortium tier volume it was part of
    SELECT 'issued invoice ' || i.number INTO used
      FROM cultuur.invoice i
      JOIN cultuur.contract c ON c.id = i.contract_id
      JOIN cultuur.service s ON s.code = c.service AND s.price_model = 'per_inhabitant'
     WHERE i.kind <> 'credit_note' AND i.period && billed
       AND (c.library_id = OLD.library_id
            OR EXISTS (SELECT 1 FROM cultuur.contract o
                        WHERE o.library_id = OLD.library_id AND o.service = c.service
                          AND o.active && billed))
     ORDER BY c.library_id <> OLD.library_id, i.id LIMIT 1;
    PERFORM cultuur.refuse_recorded_change(what, used,
        'A corrected count is corrected on the invoices with a credit note (cultuur.credit_note); counts of later years can still be entered.');
    -- an exit fee computed from it: the latest count on or before the exit year
    SELECT 'the exit fee of contract ' || t.contract_id INTO used
      FROM cultuur.termination t JOIN cultuur.contract c ON c.id = t.contract_id
     WHERE c.library_id = OLD.library_id AND t.exit_fee > 0
       AND OLD.year = (SELECT max(p.year) FROM cultuur.population p
                        WHERE p.library_id = OLD.library_id
                          AND p.year <= extract(year FROM t.effective_end))
     ORDER BY t.contract_id LIMIT 1;
    PERFORM cultuur.refuse_recorded_change(what, used,
        'Delete and re-enter the termination to recompute its exit fee first.');
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
COMMENT ON FUNCTION cultuur.population_guard() IS 'Trigger: a count of inhabitants cannot be changed or deleted once an issued invoice (its library''s, or one whose consortium tier volume included it) or a recorded exit fee was computed from it (CC010).';
CREATE TRIGGER population_guard BEFORE UPDATE OR DELETE ON cultuur.population
    FOR EACH ROW EXECUTE FUNCTION cultuur.population_guard();

CREATE FUNCTION cultuur.price_index_guard() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    y     integer := extract(year FROM OLD.month)::integer;
    what  text := format('the %s index of %s (base %s)', OLD.series, to_char(OLD.month, 'YYYY-MM'), OLD.base);
    used  text;
BEGIN
    -- fees index with the January values on base 2013 (E 8.8, F 8.5): the
    -- January of the start year (base) and of the billed year
    IF OLD.base <> cultuur.index_base() OR extract(month FROM OLD.month) <> 1
       OR TG_OP = 'UPDATE' AND NEW IS NOT DISTINCT FROM OLD THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    PERFORM cultuur.invoicing_barrier();
    SELECT 'issued invoice ' || i.number INTO used
      FROM cultuur.invoice i
      JOIN cultuur.contract c ON c.id = i.contract_id
      JOIN cultuur.service s ON s.code = c.service AND s.index_series = OLD.series
     WHERE i.kind <> 'credit_note'
       AND (extract(year FROM lower(i.period)) = y OR extract(year FROM c.starts_on) = y)
       AND EXISTS (SELECT 1 FROM cultuur.invoice_line l
                    WHERE l.invoice_id = i.id AND l.new_index IS NOT NULL)
     ORDER BY i.id LIMIT 1;
    PERFORM cultuur.refuse_recorded_change(what, used,
        'Published index values are final; a correction of an invoice is a credit note (cultuur.credit_note).');
    SELECT 'the exit fee of contract ' || t.contract_id INTO used
      FROM cultuur.termination t
      JOIN cultuur.contract c ON c.id = t.contract_id
      JOIN cultuur.service s ON s.code = c.service AND s.index_series = OLD.series
     WHERE t.exit_fee > 0 AND t.exit_fee_note LIKE '%; indexed %'
       AND (extract(year FROM c.starts_on) = y OR extract(year FROM t.effective_end) = y)
     ORDER BY t.contract_id LIMIT 1;
    PERFORM cultuur.refuse_recorded_change(what, used, 'Published index values are final.');
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
COMMENT ON FUNCTION cultuur.price_index_guard() IS 'Trigger: a January index value on base 2013 cannot be changed or deleted once an issued invoice or a recorded exit fee was indexed with it (CC010).';
CREATE TRIGGER price_index_guard BEFORE UPDATE OR DELETE ON cultuur.price_index
    FOR EACH ROW EXECUTE FUNCTION cultuur.price_index_guard();

CREATE FUNCTION cultuur.contract_invoiced_guard() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    PERFORM cultuur.invoicing_barrier();
    PERFORM cultuur.refuse_recorded_change(
        format('the library, service, dates, basis share, pro-rata rule or indexation of contract %s', OLD.id),
        (SELECT 'issued invoice ' || i.number FROM cultuur.invoice i
          WHERE i.contract_id = OLD.id AND i.kind <> 'credit_note' ORDER BY i.id LIMIT 1),
        'Credit the invoices (cultuur.credit_note) and end the contract with a termination, or enter a new contract from a later date.');
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.contract_invoiced_guard() IS 'Trigger: the columns a contract''s fee depends on cannot change once it has an issued invoice (CC010).';
CREATE TRIGGER contract_invoiced_guard BEFORE UPDATE ON cultuur.contract
    FOR EACH ROW
    WHEN ((OLD.library_id, OLD.service, OLD.signed_on, OLD.starts_on, OLD.initial_end,
           OLD.basis_pct, OLD.prorata_rule, OLD.index_from)
          IS DISTINCT FROM
          (NEW.library_id, NEW.service, NEW.signed_on, NEW.starts_on, NEW.initial_end,
           NEW.basis_pct, NEW.prorata_rule, NEW.index_from))
    EXECUTE FUNCTION cultuur.contract_invoiced_guard();
-- ---------------------------------------------------------------------
-- Layer 4, triggers: the books as a record.
--
-- The books as a record: who entered each notice, termination, renewal,
-- payment, formal notice, suspension and hold, and when, filled in by the
-- database; no notice dated after the day it is entered; and no table
-- emptied in bulk.
--
-- ---------------------------------------------------------------------

-- entered_by and entered_at come from the database, never from the client:
-- whatever the row carries is replaced by the session's login and the
-- transaction's start.  TG_ARGV[0], when given, names the column with the
-- date the entry claims (a notice's sending date, a payment's date): it may
-- not lie after the day of entry (in Brussels).  A dump being restored
-- keeps its rows as they were.  The triggers are all named entry_stamp, so
-- that they fire before each table's rule trigger (triggers of one kind fire
-- in name order): a notice from the future is refused before anything else
-- is computed from it.
CREATE FUNCTION cultuur.entry_stamp() RETURNS trigger
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    claimed date;
BEGIN
    IF cultuur.restoring() THEN
        RETURN NEW;
    END IF;
    IF TG_NARGS > 0 THEN
        claimed := (to_jsonb(NEW) ->> TG_ARGV[0])::date;
        -- (an infinite date is the table's CHECK's to refuse)
        IF isfinite(claimed) AND claimed > cultuur.today() THEN
            RAISE EXCEPTION '% % of a new % is after the day it is entered', TG_ARGV[0], claimed, TG_TABLE_NAME
                USING ERRCODE = 'CC013',
                      DETAIL = format('An entry records what happened; today is %s in Brussels.', cultuur.today()),
                      HINT = format('Enter it on or after %s.', claimed);
        END IF;
    END IF;
    NEW.entered_by := session_user::text;
    NEW.entered_at := transaction_timestamp();
    RETURN NEW;
END;
$$;
COMMENT ON FUNCTION cultuur.entry_stamp() IS 'Trigger: fills entered_by (the session''s login) and entered_at (the transaction''s start), whatever the client gave; with a column name as argument, refuses an entry dated after the day it is entered (CC013).';
CREATE TRIGGER entry_stamp BEFORE INSERT ON cultuur.termination
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_stamp('notified_on');
CREATE TRIGGER entry_stamp BEFORE INSERT ON cultuur.renewal
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_stamp('agreed_on');
CREATE TRIGGER entry_stamp BEFORE INSERT ON cultuur.price_change
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_stamp('notified_on');
CREATE TRIGGER entry_stamp BEFORE INSERT ON cultuur.data_annex_change
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_stamp('notified_on');
CREATE TRIGGER entry_stamp BEFORE INSERT ON cultuur.payment
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_stamp('paid_on');
CREATE TRIGGER entry_stamp BEFORE INSERT ON cultuur.formal_notice
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_stamp('sent_on');

-- a suspension or a hold may be decided ahead of its first day
CREATE TRIGGER entry_stamp BEFORE INSERT ON cultuur.suspension
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_stamp();
CREATE TRIGGER entry_stamp BEFORE INSERT ON cultuur.reach_hold
    FOR EACH ROW EXECUTE FUNCTION cultuur.entry_stamp();

-- Row triggers do not fire on TRUNCATE, and TRUNCATE ... CASCADE would
-- empty every table that references the one named.
CREATE FUNCTION cultuur.refuse_truncate() RETURNS trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
BEGIN
    RAISE EXCEPTION 'cultuur.% cannot be truncated', TG_TABLE_NAME
        USING ERRCODE = 'CC010',
              DETAIL = 'Its rows are part of the books: contracts, invoices, payments and the usage they bill.',
              HINT = 'Remove rows one by one through the rules (DELETE), or drop the database that holds a test copy.';
END;
$$;
COMMENT ON FUNCTION cultuur.refuse_truncate() IS 'Statement trigger: no table of cultuur can be truncated (CC010), by any role.';
DO $$
DECLARE
    t regclass;
BEGIN
    FOR t IN SELECT c.oid FROM pg_class c
              WHERE c.relnamespace = 'cultuur'::regnamespace AND c.relkind = 'r'
              ORDER BY c.relname LOOP
        EXECUTE format('CREATE TRIGGER refuse_truncate BEFORE TRUNCATE ON %s '
                       'FOR EACH STATEMENT EXECUTE FUNCTION cultuur.refuse_truncate()', t);
    END LOOP;
END;
$$;
-- ---------------------------------------------------------------------
-- Layer 5, API: price-increase flags, contract status and deadlines
-- (doc/rules.md §6, 7).
-- ---------------------------------------------------------------------

-- Contracts whose price rises more than 10 % over their original price.
-- A view, not a table: it is derived from the price changes, tariffs and
-- populations, and so can never disagree with them (nor be lost in a dump).
CREATE VIEW cultuur.price_increase_flag AS
SELECT pc.id AS price_change_id, c.id AS contract_id, pc.notified_on, pc.effective_on,
       x.original_amount, x.new_amount,
       pg_catalog.round((x.new_amount / x.original_amount - 1) * 100, 2) AS increase_pct
  FROM cultuur.price_change pc
  JOIN cultuur.contract c ON c.service = pc.service
                         AND c.starts_on < pc.effective_on
                         AND coalesce(pg_catalog.upper(c.active), 'infinity') > pc.notified_on
  JOIN cultuur.service s ON s.code = c.service
  JOIN cultuur.tariff o ON o.service = c.service AND o.valid @> c.starts_on
  JOIN cultuur.tariff n ON n.id = pc.tariff_id
  CROSS JOIN LATERAL (
      SELECT coalesce((SELECT lp.inhabitants
                         FROM cultuur.latest_population(c.library_id,
                                  extract(year FROM pc.effective_on)::integer - 1) lp), 0)
             * c.basis_pct * 0.01 AS basis) b
  CROSS JOIN LATERAL (
      SELECT coalesce(pg_catalog.sum((SELECT lp.inhabitants
                            FROM cultuur.latest_population(c2.library_id,
                                     extract(year FROM pc.effective_on)::integer - 1) lp)), 0) AS volume
        FROM cultuur.contract c2
       WHERE c2.service = c.service AND c2.starts_on < pc.effective_on
         AND coalesce(pg_catalog.upper(c2.active), 'infinity') > pc.notified_on) v
  CROSS JOIN LATERAL (
      SELECT CASE WHEN s.price_model = 'per_user' THEN cultuur.tier_price(o.tiers, 0)
                  ELSE o.fixed_fee + cultuur.volume_charge(o.tiers, b.basis, v.volume) END AS original_amount,
             CASE WHEN s.price_model = 'per_user' THEN cultuur.tier_price(n.tiers, 0)
                  ELSE n.fixed_fee + cultuur.volume_charge(n.tiers, b.basis, v.volume) END AS new_amount) x
 WHERE x.original_amount > 0 AND x.new_amount > x.original_amount * 1.10;
COMMENT ON VIEW cultuur.price_increase_flag IS 'Every contract in force when a price change was notified whose price rises more than 10 % over its original price (the tariff at its start): per inhabitant, fixed fee + its basis at the consortium tier; per user, the first-tier price. Such contracts may terminate without exit fee (E 8.9).';

CREATE FUNCTION cultuur.contract_status(as_of date DEFAULT current_date)
    RETURNS TABLE (
        contract_id     integer,
        library         text,
        service         text,
        status          text,
        term_no         integer,
        term_kind       text,
        current_term    daterange,
        next_renewal    date,
        renewal         text,
        ends_on         date,
        next_end_option date,
        notice_deadline date,
        exit_fee_if_notice_today cultuur.amount,
        exit_fee_note   text)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_date('as_of', $1);
SELECT c.id, l.name, c.service,
       CASE WHEN $1 < c.starts_on THEN 'not started'
            WHEN NOT c.active @> $1 THEN 'ended'
            WHEN t.contract_id IS NOT NULL THEN 'terminated, ends ' || t.effective_end
            ELSE 'active' END,
       term.term_no, term.kind, term.term,
       CASE WHEN t.contract_id IS NULL AND s.renewal = 'tacit' AND term.term IS NOT NULL
            THEN upper(term.term) END,
       CASE WHEN t.contract_id IS NOT NULL THEN 'none: terminated'
            WHEN s.renewal = 'tacit' THEN 'tacit, by ' || s.renewal_term
            ELSE 'by agreement only' END,
       upper(c.active) - 1,
       opt.end_on, opt.deadline,
       q.exit_fee, q.note
  FROM cultuur.contract c
  JOIN cultuur.library l ON l.id = c.library_id
  JOIN cultuur.service s ON s.code = c.service
  LEFT JOIN cultuur.termination t ON t.contract_id = c.id
  LEFT JOIN LATERAL cultuur.contract_term(c.id, greatest($1, c.starts_on)) term ON true
  LEFT JOIN LATERAL (
      SELECT o.end_on, o.deadline FROM cultuur.end_options(c.id, $1) o
       WHERE o.allowed AND t.contract_id IS NULL
       ORDER BY o.end_on LIMIT 1) opt ON true
  LEFT JOIN LATERAL cultuur.exit_fee_quote(c.id, opt.end_on, 'ordinary', $1) q
         ON opt.end_on IS NOT NULL
 ORDER BY c.id
$$;
COMMENT ON FUNCTION cultuur.contract_status(date) IS 'Every contract as of a date: status, current term, next (tacit) renewal, recorded end, the earliest end a notice sent that day can reach with its deadline, and the exit fee that notice would cost.';

CREATE VIEW cultuur.contract_status_today AS
SELECT * FROM cultuur.contract_status(current_date);
COMMENT ON VIEW cultuur.contract_status_today IS 'contract_status as of today.';

CREATE FUNCTION cultuur.upcoming_deadlines(from_date date DEFAULT current_date,
        horizon interval DEFAULT '2 years')
    RETURNS TABLE (due_on date, contract_id integer, library text, service text,
                   what text)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_date('from_date', $1),
       cultuur.check_interval('horizon', $2, interval '100 years');
SELECT * FROM (
    -- last day to give notice for each end option still reachable
    SELECT o.deadline, c.id, l.name, c.service,
           format('last day to give notice to end on %s (%s)', o.end_on, o.kind)
      FROM cultuur.contract c
      JOIN cultuur.library l ON l.id = c.library_id
      CROSS JOIN LATERAL cultuur.end_options(c.id, $1) o
      JOIN cultuur.service s ON s.code = c.service
     WHERE o.allowed AND s.renewal = 'tacit'
       AND NOT EXISTS (SELECT 1 FROM cultuur.termination t WHERE t.contract_id = c.id)
    UNION ALL
    -- ends of terms: tacit renewal, renewal by agreement needed, or the end
    SELECT upper(tm.term) - 1, c.id, l.name, c.service,
           CASE WHEN upper(c.active) IS NOT NULL AND upper(tm.term) >= upper(c.active)
                     AND EXISTS (SELECT 1 FROM cultuur.termination t WHERE t.contract_id = c.id)
                    THEN 'contract ends (terminated)'
                WHEN s.renewal = 'tacit' THEN 'term ends; renews tacitly by ' || s.renewal_term
                WHEN s.max_renewals IS NOT NULL
                     AND (SELECT count(*) FROM cultuur.renewal r WHERE r.contract_id = c.id) >= s.max_renewals
                    THEN 'contract ends: no renewal left'
                ELSE 'contract ends unless a renewal is agreed by this day' END
      FROM cultuur.contract c
      JOIN cultuur.library l ON l.id = c.library_id
      JOIN cultuur.service s ON s.code = c.service
      CROSS JOIN LATERAL cultuur.contract_terms(c.id, ($1 + $2)::date) tm
     WHERE s.renewal = 'tacit' OR upper(tm.term) = upper(c.active)
    UNION ALL
    SELECT t.effective_end, c.id, l.name, c.service, 'contract ends (terminated)'
      FROM cultuur.termination t
      JOIN cultuur.contract c ON c.id = t.contract_id
      JOIN cultuur.library l ON l.id = c.library_id
     WHERE NOT EXISTS (SELECT 1 FROM cultuur.contract_terms(c.id) tm
                        WHERE upper(tm.term) - 1 = t.effective_end)
) d (due_on, contract_id, library, service, what)
 WHERE d.due_on >= $1 AND d.due_on <= ($1 + $2)::date
 ORDER BY d.due_on, d.contract_id, d.what
$$;
COMMENT ON FUNCTION cultuur.upcoming_deadlines(date, interval) IS 'Deadlines across all contracts from from_date within horizon, soonest first: last days to give notice, ends of terms (tacit renewals, renewals to agree) and ends of terminated contracts.';

CREATE VIEW cultuur.upcoming_deadline AS
SELECT * FROM cultuur.upcoming_deadlines(current_date, '2 years');
COMMENT ON VIEW cultuur.upcoming_deadline IS 'Deadlines across all contracts in the next two years, soonest first.';
-- ---------------------------------------------------------------------
-- Layer 5, API: the lot 1B reach cap per contract and year (doc/rules.md §8).
-- ---------------------------------------------------------------------

CREATE FUNCTION cultuur.reach_cap_status(year integer)
    RETURNS TABLE (contract_id integer, library_id integer, service text, year integer,
                   inhabitants integer, months integer, cap numeric,
                   unique_users bigint, reached boolean, hold_from date)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_year('year', $1);
SELECT c.id, c.library_id, c.service, $1, p.inhabitants, m.months,
       cultuur.reach_cap(p.inhabitants, m.months, s.reach_pct),
       coalesce(u.users, 0),
       coalesce(u.users, 0) >= cultuur.reach_cap(p.inhabitants, m.months, s.reach_pct),
       h.starts_on
  FROM cultuur.contract c
  JOIN cultuur.service s ON s.code = c.service AND s.reach_pct IS NOT NULL
  CROSS JOIN LATERAL (
      SELECT count(*)::integer AS months
        FROM cultuur.months_in_force(c.active, daterange(make_date($1, 1, 1), make_date($1 + 1, 1, 1)))) m
  LEFT JOIN cultuur.latest_population(c.library_id, $1 - 1) p ON true
  LEFT JOIN LATERAL (
      SELECT sum(mu.unique_users) AS users FROM cultuur.monthly_usage mu
       WHERE mu.library_id = c.library_id AND mu.service = c.service
         AND mu.month >= make_date($1, 1, 1) AND mu.month < make_date($1 + 1, 1, 1)) u ON true
  LEFT JOIN cultuur.reach_hold h ON h.contract_id = c.id AND extract(year FROM h.starts_on) = $1
 WHERE m.months > 0
 ORDER BY c.id
$$;
COMMENT ON FUNCTION cultuur.reach_cap_status(integer) IS 'Per lot 1B contract and year: inhabitants (1 January of the previous year), months of planned purchase, cap X = months x inhabitants x 0.18 %, unique users so far, whether the cap is reached, and the hold.';
-- ---------------------------------------------------------------------
-- Layer 5, API: fees per contract and calendar year with every factor
-- shown (doc/rules.md §2-5).
-- ---------------------------------------------------------------------

CREATE FUNCTION cultuur.fee_detail(from_year integer, to_year integer)
    RETURNS TABLE (
        contract_id     integer,
        library_id      integer,
        service         text,
        year            integer,
        period          daterange,
        active          daterange,
        tariff_id       integer,
        fixed_fee       cultuur.amount,
        tiers           cultuur.tiers,
        population_year integer,
        inhabitants     integer,
        basis_pct       numeric,
        basis           numeric,
        tier_volume     numeric,
        unit_price      cultuur.price,
        variable_part   cultuur.amount,
        yearly_amount   cultuur.amount,
        index_series    text,
        base_index      numeric,
        year_index      numeric,
        indexed_amount  cultuur.amount,
        prorata_rule    cultuur.prorata_rule,
        share           numeric,
        fee             cultuur.amount,
        note            text)
    LANGUAGE sql STABLE PARALLEL SAFE
    -- the planner's estimates (1000 years per contract) cross jit_above_cost
    -- even for a handful of contracts, and JIT compilation then costs ~2 s
    -- per call where the query itself takes milliseconds
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_year('from_year', $1), cultuur.check_year('to_year', $2);
WITH cy AS (
    -- every calendar year in which a contract is in force
    SELECT c.id, c.library_id, c.service, c.starts_on, c.basis_pct, c.prorata_rule,
           c.index_from, c.active, y AS year,
           daterange(make_date(y, 1, 1), make_date(y + 1, 1, 1)) AS period,
           s.price_model, s.index_series
      FROM cultuur.contract c
      JOIN cultuur.service s ON s.code = c.service
     CROSS JOIN LATERAL generate_series(
             greatest($1, extract(year FROM lower(c.active))::integer),
             least($2, coalesce(extract(year FROM upper(c.active) - 1)::integer, $2))) y
),
pop AS (
    SELECT cy.id, cy.year, p.inhabitants
      FROM cy
      JOIN cultuur.population p ON p.library_id = cy.library_id AND p.year = cy.year - 1
),
volume AS (
    -- consortium-wide tier volume: inhabitants of every library with a
    -- contract for the service in force that year, each library once (two
    -- successive contracts in one year do not count it twice); missing
    -- counts how many of those libraries have no count entered
    SELECT l.service, l.year, sum(l.inhabitants) AS inhabitants,
           count(*) - count(l.inhabitants) AS missing
      FROM (SELECT DISTINCT cy.service, cy.year, cy.library_id, pop.inhabitants
              FROM cy LEFT JOIN pop ON pop.id = cy.id AND pop.year = cy.year) l
     GROUP BY l.service, l.year
),
priced AS (
    SELECT cy.*, t.id AS tariff_id, t.fixed_fee, t.tiers,
           pop.inhabitants,
           pop.inhabitants * cy.basis_pct * 0.01 AS basis,
           -- per-user lots: the tier is chosen by each month's unique
           -- users, not by inhabitants (no yearly amount here).  With a
           -- library's count missing the volume is only a lower bound:
           -- keep it when no higher tier can change the price
           CASE WHEN cy.price_model <> 'per_inhabitant' THEN NULL
                WHEN v.missing = 0 THEN v.inhabitants
                WHEN NOT EXISTS (SELECT 1 FROM cultuur.tier_rows(t.tiers) r
                                  WHERE r.bound >= v.inhabitants
                                    AND r.price <> cultuur.tier_price(t.tiers, v.inhabitants))
                    THEN v.inhabitants END AS tier_volume,
           v.missing AS volume_missing,
           cultuur.is_indexed(cy.index_from, cy.starts_on, cy.year) AS is_indexed
      FROM cy
      LEFT JOIN cultuur.tariff t
             ON t.service = cy.service
            AND t.valid @> greatest(make_date(cy.year, 1, 1), cy.starts_on)
      LEFT JOIN pop ON pop.id = cy.id AND pop.year = cy.year
      LEFT JOIN volume v ON v.service = cy.service AND v.year = cy.year
),
amounts AS MATERIALIZED (
    -- materialized: the columns below are used several times each, and
    -- the January indexes come from joins (a function per row costs more)
    SELECT p.*,
           cultuur.tier_price(p.tiers, p.tier_volume) AS unit_price,
           cultuur.volume_charge(p.tiers, p.basis, p.tier_volume) AS variable_part,
           CASE WHEN p.is_indexed THEN bi.value END AS base_index,
           CASE WHEN p.is_indexed THEN yi.value END AS year_index
      FROM priced p
      LEFT JOIN cultuur.price_index bi
             ON p.is_indexed AND bi.series = p.index_series AND bi.base = cultuur.index_base()
            AND bi.month = make_date(extract(year FROM p.starts_on)::integer, 1, 1)
      LEFT JOIN cultuur.price_index yi
             ON p.is_indexed AND yi.series = p.index_series AND yi.base = cultuur.index_base()
            AND yi.month = make_date(p.year, 1, 1)
)
SELECT a.id, a.library_id, a.service, a.year, a.period, a.active, a.tariff_id,
       a.fixed_fee::cultuur.amount, a.tiers, a.year - 1, a.inhabitants, a.basis_pct, a.basis,
       a.tier_volume, a.unit_price::cultuur.price, a.variable_part::cultuur.amount,
       (a.fixed_fee + a.variable_part)::cultuur.amount,
       CASE WHEN a.is_indexed THEN a.index_series END,
       a.base_index, a.year_index,
       (CASE WHEN NOT a.is_indexed THEN a.fixed_fee + a.variable_part
             ELSE cultuur.indexed(a.fixed_fee + a.variable_part, a.base_index, a.year_index) END)::cultuur.amount,
       a.prorata_rule,
       cultuur.prorata(a.active, a.period, a.prorata_rule),
       (CASE WHEN a.price_model = 'per_inhabitant' THEN
           cultuur.prorate(CASE WHEN NOT a.is_indexed THEN a.fixed_fee + a.variable_part
                                ELSE cultuur.indexed(a.fixed_fee + a.variable_part, a.base_index, a.year_index) END,
                           a.active, a.period, a.prorata_rule) END)::cultuur.amount,
       CASE WHEN a.price_model = 'per_user' THEN 'billed per unique user per month, from usage'
            WHEN a.tariff_id IS NULL THEN format('no tariff of %s in force in %s', a.service, a.year)
            WHEN a.inhabitants IS NULL THEN format('inhabitants on 1 January %s not entered', a.year - 1)
            WHEN a.tier_volume IS NULL
                THEN format('consortium tier volume unknown: inhabitants on 1 January %s not entered for %s other librar%s with a %s contract',
                            a.year - 1, a.volume_missing, CASE WHEN a.volume_missing = 1 THEN 'y' ELSE 'ies' END, a.service)
            WHEN a.is_indexed AND (a.base_index IS NULL OR a.year_index IS NULL)
                THEN format('%s of January %s or January %s not loaded', a.index_series,
                            extract(year FROM a.starts_on), a.year)
       END
  FROM amounts a
 ORDER BY a.id, a.year
$$;
COMMENT ON FUNCTION cultuur.fee_detail(integer, integer) IS 'Per contract and calendar year from from_year to to_year, every factor of its fee: tariff, inhabitants of 1 January of the previous year, basis share, consortium tier volume and unit price, yearly amount, index factor, pro-rata share and the fee. fee is NULL (with a note) when a factor is missing or the service is billed per user.';

CREATE FUNCTION cultuur.contract_fee(contract_id integer, year integer) RETURNS cultuur.amount
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_year('year', $2);
        SELECT d.fee FROM cultuur.fee_detail($2, $2) d WHERE d.contract_id = $1
    $$;
COMMENT ON FUNCTION cultuur.contract_fee(integer, integer) IS 'The fee of a contract for a calendar year (see fee_detail for its factors); NULL when the contract is not in force that year, a factor is missing, or the service is billed per user.';

CREATE VIEW cultuur.contract_fee_detail AS
SELECT l.name AS library, d.*
  FROM cultuur.fee_detail(2000, extract(year FROM current_date)::integer + 1) d
  JOIN cultuur.library l ON l.id = d.library_id;
COMMENT ON VIEW cultuur.contract_fee_detail IS 'Every contract and calendar year up to next year with every factor of its fee, so each amount can be checked by hand.';
-- ---------------------------------------------------------------------
-- Layer 5, API: what is due, invoice previews, the invoicing run and
-- credit notes (doc/rules.md §9).
-- ---------------------------------------------------------------------

-- Invoices due on or before a date: e-books per calendar year (the first
-- year on signing, later years on 1 May), film per quarter in the second
-- month after it (Q4 in February).
CREATE FUNCTION cultuur.invoice_schedule(through date)
    RETURNS TABLE (contract_id integer, kind text, period daterange, due date)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_date('through', $1);
SELECT c.id, 'ebooks_year',
       daterange(make_date(y, 1, 1), make_date(y + 1, 1, 1)),
       CASE WHEN y = extract(year FROM c.starts_on) THEN greatest(c.signed_on, c.starts_on)
            ELSE make_date(y, 5, 1) END
  FROM cultuur.contract c
  JOIN cultuur.service s ON s.code = c.service AND s.kind = 'ebooks'
 CROSS JOIN LATERAL generate_series(extract(year FROM c.starts_on)::integer,
                                    extract(year FROM $1)::integer) y
 WHERE c.active && daterange(make_date(y, 1, 1), make_date(y + 1, 1, 1))
UNION ALL
SELECT c.id, 'film_quarter', daterange(q::date, (q + interval '3 months')::date),
       (q + interval '4 months')::date
  FROM cultuur.contract c
  JOIN cultuur.service s ON s.code = c.service AND s.kind = 'film'
 CROSS JOIN LATERAL generate_series(date_trunc('quarter', c.starts_on),
                                    date_trunc('quarter', $1::timestamp),
                                    interval '3 months') q
 WHERE c.active && daterange(q::date, (q + interval '3 months')::date)
$$;
COMMENT ON FUNCTION cultuur.invoice_schedule(date) IS 'Every invoice due on or before a date (and a few not yet due): e-books per calendar year, issued on signing for the first year and on 1 May afterwards (E 8.5); film per quarter, issued in the second month after the quarter (F 8.1).';

-- What a run issues: the invoices due by a date that are not issued yet
-- (doc/rules.md §9); run_invoicing issues them, invoicing_blocked says
-- which of them cannot be issued yet.
CREATE FUNCTION cultuur.invoices_due(on_date date)
    RETURNS TABLE (contract_id integer, kind text, period daterange, due date)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
        SELECT sch.* FROM cultuur.invoice_schedule($1) sch
         WHERE sch.due <= $1
           AND NOT EXISTS (SELECT 1 FROM cultuur.invoice i
                            WHERE i.contract_id = sch.contract_id AND i.kind = sch.kind
                              AND i.period = sch.period)
    $$;
COMMENT ON FUNCTION cultuur.invoices_due(date) IS 'The invoices due on or before on_date (invoice_schedule) that are not issued yet: what an invoicing run on that date issues.';

-- the lines of an invoice, computed (not stored): used by run_invoicing and
-- by anyone who wants to preview an invoice
CREATE FUNCTION cultuur.invoice_preview(contract_id integer, kind text, period daterange)
    RETURNS TABLE (line_no integer, description text, month date, quantity numeric,
                   unit_price cultuur.price, tier_volume numeric, fixed_fee cultuur.amount,
                   base_amount cultuur.amount, base_index numeric, new_index numeric,
                   share text, amount cultuur.amount)
    LANGUAGE plpgsql STABLE PARALLEL SAFE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    c     cultuur.contract;
    s     cultuur.service;
    y     integer;
    d     record;
    m     date;
    t     cultuur.tariff;
    users integer;
    vol   integer;
    held  boolean;
    bidx  numeric;
    nidx  numeric;
    amt   numeric;
    n     integer := 0;
BEGIN
    -- the arguments first, before any work (a bad one is named in the error)
    PERFORM cultuur.check_date('lower(period)', lower($3));
    PERFORM cultuur.check_date('upper(period)', upper($3));
    y := extract(year FROM lower($3))::integer;
    SELECT * INTO c FROM cultuur.contract WHERE id = $1;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'contract % does not exist', coalesce($1::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF $2 IS NULL OR $2 NOT IN ('ebooks_year', 'film_quarter') THEN
        RAISE EXCEPTION 'kind must be ebooks_year or film_quarter, not %', coalesce($2, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT * INTO s FROM cultuur.service WHERE code = c.service;
    IF s.price_model = 'per_inhabitant' THEN
        SELECT * INTO d FROM cultuur.fee_detail(y, y) f WHERE f.contract_id = c.id;
        IF d.indexed_amount IS NULL THEN
            RAISE EXCEPTION 'contract %: the fee of % cannot be computed: %', c.id, y, d.note
                USING ERRCODE = 'no_data_found';
        END IF;
        line_no := 1;
        description := CASE WHEN $2 = 'ebooks_year' THEN format('%s %s', s.name, y)
                            ELSE format('%s %s Q%s (a quarter of the yearly fee)', s.name, y,
                                        extract(quarter FROM lower($3))) END;
        month := NULL;
        quantity := d.basis;
        unit_price := d.unit_price;
        tier_volume := d.tier_volume;
        fixed_fee := d.fixed_fee;
        base_amount := d.yearly_amount;
        base_index := d.base_index;
        new_index := d.year_index;
        IF $2 = 'ebooks_year' THEN
            share := (SELECT format('%s/%s', round(cultuur.prorata(c.active, $3, c.prorata_rule) * 12), 12));
            amount := cultuur.prorate(d.indexed_amount, c.active, $3, c.prorata_rule);
        ELSE
            share := format('1/4 x %s', round(cultuur.prorata(c.active, $3, c.prorata_rule) * 3) || '/3');
            amount := cultuur.prorate(d.indexed_amount * 0.25, c.active, $3, c.prorata_rule);
        END IF;
        RETURN NEXT;
        RETURN;
    END IF;

    -- per unique user: one line per month of the quarter in force
    FOR m IN SELECT * FROM cultuur.months_in_force(c.active, $3) LOOP
        SELECT * INTO t FROM cultuur.tariff tt WHERE tt.service = c.service AND tt.valid @> m;
        IF NOT FOUND THEN
            RAISE EXCEPTION 'contract %: no tariff of % in force on %', c.id, c.service, m
                USING ERRCODE = 'no_data_found';
        END IF;
        SELECT coalesce(sum(mu.unique_users), 0)::integer INTO users FROM cultuur.monthly_usage mu
         WHERE mu.library_id = c.library_id AND mu.service = c.service AND mu.month = m;
        SELECT coalesce(sum(cu.unique_users), 0)::integer INTO vol FROM cultuur.consortium_usage cu
         WHERE cu.service = c.service AND cu.month = m;
        held := EXISTS (SELECT 1 FROM cultuur.reach_hold h
                         WHERE h.contract_id = c.id AND m BETWEEN h.starts_on AND h.ends_on);
        bidx := NULL;
        nidx := NULL;
        amt := cultuur.volume_charge(t.tiers, users, vol);
        IF cultuur.is_indexed(c.index_from, c.starts_on, y) THEN
            bidx := cultuur.index_value(s.index_series, make_date(extract(year FROM c.starts_on)::integer, 1, 1));
            nidx := cultuur.index_value(s.index_series, make_date(y, 1, 1));
            IF bidx IS NULL OR nidx IS NULL THEN
                RAISE EXCEPTION 'contract %: % index of January % or January % not loaded', c.id,
                        s.index_series, extract(year FROM c.starts_on), y
                    USING ERRCODE = 'no_data_found';
            END IF;
            amt := cultuur.indexed(amt, bidx, nidx);
        END IF;
        n := n + 1;
        line_no := n;
        description := format('%s %s: unique users', s.name, to_char(m, 'YYYY-MM'))
                       || CASE WHEN held THEN ' (on hold: not billed, F 8.6)' ELSE '' END;
        month := m;
        quantity := users::numeric;
        unit_price := cultuur.tier_price(t.tiers, vol);
        tier_volume := vol::numeric;
        fixed_fee := NULL;
        base_amount := cultuur.volume_charge(t.tiers, users, vol);
        base_index := bidx;
        new_index := nidx;
        share := NULL;
        amount := CASE WHEN held THEN 0.00 ELSE amt END;
        RETURN NEXT;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION cultuur.invoice_preview(integer, text, daterange) IS 'The lines an invoice for a contract and period would have, with every factor: per inhabitant, the yearly fee (or a quarter of it) pro rata; per user, each month''s unique users at that month''s consortium tier price (0 while on hold).';

CREATE FUNCTION cultuur.run_invoicing(on_date date)
    RETURNS SETOF cultuur.issued_invoice
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    due       record;
    one       cultuur.invoice_line[];
    line      cultuur.invoice_line;
    tot       numeric;
    lines     cultuur.invoice_line[] := ARRAY[]::cultuur.invoice_line[];
    contracts integer[] := ARRAY[]::integer[];
    kinds     text[] := ARRAY[]::text[];
    periods   daterange[] := ARRAY[]::daterange[];
    totals    numeric[] := ARRAY[]::numeric[];
    n         integer := 0;
    y         integer;
    last_seq  integer;
BEGIN
    -- the arguments first, before any work (a bad one is named in the error)
    PERFORM cultuur.check_date('on_date', on_date);
    y := extract(year FROM on_date)::integer;
    -- serialise invoicing runs: a concurrent run waits here and then sees
    -- (READ COMMITTED) what the first issued; under REPEATABLE READ it fails
    -- on the invoice counter instead of issuing anything twice
    -- (a row of a table that no role can read or lock, unlike an advisory
    -- lock, which any session could take and hold to block invoicing;
    -- updated, not only locked, so that a guard of an invoiced fact whose
    -- REPEATABLE READ snapshot predates this run fails instead of missing
    -- its invoices: see invoicing_barrier)
    PERFORM cultuur.engine_lock_take('invoicing', '');

    -- 1. the lines of every due invoice, from one preview each; an invoice
    --    whose factors are not known yet (population, index) is skipped
    --    with a warning and waits for a later run
    FOR due IN
        SELECT x.* FROM cultuur.invoices_due(on_date) x
         ORDER BY x.due, x.contract_id, lower(x.period)
    LOOP
        BEGIN
            -- invoice_id holds the invoice's position in this run for now
            SELECT array_agg(ROW(n + 1, p.line_no, p.description, p.month, p.quantity, p.unit_price,
                                 p.tier_volume, p.fixed_fee, p.base_amount, p.base_index, p.new_index,
                                 p.share, p.amount)::cultuur.invoice_line ORDER BY p.line_no),
                   -- the amounts are cents already: their sum is the sum of the
                   -- lines as stored
                   coalesce(sum(p.amount), 0.00)
              INTO one, tot
              FROM cultuur.invoice_preview(due.contract_id, due.kind, due.period) p;
        EXCEPTION WHEN no_data_found THEN
            RAISE WARNING 'invoice for contract % (%) % not issued: %', due.contract_id, due.kind, due.period, SQLERRM
                USING HINT = 'cultuur.invoicing_blocked(date) lists such invoices; enter the missing figures and run again.';
            CONTINUE;
        END;
        n := n + 1;
        contracts := contracts || due.contract_id;
        kinds := kinds || due.kind;
        periods := periods || due.period;
        totals := totals || tot;
        -- element by element: array_append extends the array in place,
        -- where lines || one would copy it for every invoice
        FOREACH line IN ARRAY coalesce(one, '{}') LOOP
            lines := array_append(lines, line);
        END LOOP;
    END LOOP;
    IF n = 0 THEN
        RETURN;
    END IF;

    -- 2. n gapless numbers at once (one update of the counter row, not n)
    INSERT INTO cultuur.invoice_counter AS c (year, last_seq) VALUES (y, n)
    ON CONFLICT (year) DO UPDATE SET last_seq = c.last_seq + n
    RETURNING c.last_seq INTO last_seq;

    -- 3. headers and lines, each in one statement
    RETURN QUERY
    WITH hdr AS (
        INSERT INTO cultuur.invoice (number, year, seq, library_id, contract_id, kind, period,
                                     issued_on, due_on, total)
        SELECT y || '/' || lpad((last_seq - n + u.ord)::text, 6, '0'), y, last_seq - n + u.ord::integer,
               c.library_id, c.id, u.kind, u.period, on_date, on_date + 30, u.total
          FROM unnest(contracts, kinds, periods, totals) WITH ORDINALITY
                 AS u (contract_id, kind, period, total, ord)
          JOIN cultuur.contract c ON c.id = u.contract_id
         ORDER BY u.ord
        RETURNING *
    ), lns AS (
        INSERT INTO cultuur.invoice_line (invoice_id, line_no, description, month, quantity, unit_price,
                                          tier_volume, fixed_fee, base_amount, base_index, new_index,
                                          share, amount)
        SELECT h.id, l.line_no, l.description, l.month, l.quantity, l.unit_price, l.tier_volume,
               l.fixed_fee, l.base_amount, l.base_index, l.new_index, l.share, l.amount
          FROM unnest(lines) l
          JOIN hdr h ON h.seq = last_seq - n + l.invoice_id
    )
    SELECT * FROM hdr ORDER BY seq;
END;
$$;
COMMENT ON FUNCTION cultuur.run_invoicing(date) IS 'Issues, dated on_date, every invoice that is due by then and not yet issued, with its lines. Running it again creates nothing new; concurrent runs are serialised and issue each invoice once. An invoice whose figures are missing is skipped with a warning (see invoicing_blocked).';

CREATE FUNCTION cultuur.invoicing_blocked(on_date date)
    RETURNS TABLE (contract_id integer, kind text, period daterange, due date, reason text)
    LANGUAGE plpgsql STABLE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    d record;
BEGIN
    -- the arguments first, before any work (a bad one is named in the error)
    PERFORM cultuur.check_date('on_date', on_date);
    FOR d IN
        SELECT x.* FROM cultuur.invoices_due(on_date) x
         ORDER BY x.due, x.contract_id
    LOOP
        BEGIN
            PERFORM 1 FROM cultuur.invoice_preview(d.contract_id, d.kind, d.period);
        EXCEPTION WHEN no_data_found THEN
            contract_id := d.contract_id;
            kind := d.kind;
            period := d.period;
            due := d.due;
            reason := SQLERRM;
            RETURN NEXT;
        END;
    END LOOP;
END;
$$;
COMMENT ON FUNCTION cultuur.invoicing_blocked(date) IS 'Invoices due by a date that cannot be issued yet, and why (a population count or index not entered).';

CREATE FUNCTION cultuur.credit_note(invoice_id integer, issued_on date, reason text,
        amount numeric DEFAULT NULL)
    RETURNS cultuur.issued_invoice
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    orig     cultuur.invoice;
    credited numeric;
    cn       cultuur.issued_invoice;
    amt      numeric;
BEGIN
    -- the arguments first, before any work (a bad one is named in the error)
    PERFORM cultuur.check_date('issued_on', $2);
    -- serialise with everything else that touches the invoice's balance:
    -- its contract's lock (under REPEATABLE READ a concurrent change then
    -- fails with 40001 instead of acting on a stale snapshot)
    SELECT * INTO orig FROM cultuur.invoice WHERE id = $1;
    IF FOUND THEN
        PERFORM cultuur.contract_lock(orig.contract_id);
    END IF;
    IF NOT FOUND OR orig.kind = 'credit_note' THEN
        RAISE EXCEPTION '% is not an invoice', $1
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF reason IS NULL OR btrim(reason) = '' THEN
        RAISE EXCEPTION 'a credit note needs a reason' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF issued_on IS NULL OR issued_on < orig.issued_on THEN
        RAISE EXCEPTION 'credit note date % is before invoice % (%)', issued_on, orig.number, orig.issued_on
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT coalesce(-sum(i.total), 0) INTO credited FROM cultuur.invoice i WHERE i.credit_for = orig.id;
    amt := coalesce(amount, orig.total - credited);
    IF amt <= 0 OR amt > orig.total - credited OR amt <> round(amt, 2) THEN
        RAISE EXCEPTION '% cannot be credited on invoice % (total %, already credited %)',
                amt, orig.number, orig.total, credited
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = format('Credit an amount in cents between 0.01 and %s.', orig.total - credited);
    END IF;
    cn := cultuur.issue_invoice(orig.contract_id, 'credit_note', orig.period, issued_on, -amt, orig.id, reason);
    INSERT INTO cultuur.invoice_line (invoice_id, line_no, description, quantity, amount)
    VALUES (cn.id, 1, format('Credit on invoice %s: %s', orig.number, reason), 1, -amt);
    -- a credit note that settles the invoice ends its suspensions, as the
    -- payment that settles it does (payment_lifts)
    UPDATE cultuur.suspension s SET lifted_on = greatest($2, s.starts_on),
           lifted_by = session_user, lift_reason = format('credit note %s settled the invoice', cn.number)
     WHERE s.invoice_id = orig.id AND s.lifted_on IS NULL
       AND (SELECT b.outstanding FROM cultuur.invoice_balance b WHERE b.invoice_id = orig.id) <= 0;
    RETURN cn;
END;
$$;
COMMENT ON FUNCTION cultuur.credit_note(integer, date, text, numeric) IS 'Issues a credit note on an invoice (the whole open amount, or amount), numbered like invoices; never more than the invoice total. A credit note that settles the invoice lifts its suspensions.';
-- ---------------------------------------------------------------------
-- Layer 5, API: balances, overdue invoices and lifting a suspension
-- (doc/rules.md §9).
-- ---------------------------------------------------------------------

CREATE VIEW cultuur.invoice_balance AS
SELECT i.id AS invoice_id, i.number, i.library_id, i.contract_id, i.kind, i.period,
       i.issued_on, i.due_on, i.total,
       coalesce(p.paid, 0.00)::cultuur.amount AS paid,
       coalesce(cn.credited, 0.00)::cultuur.amount AS credited,
       (i.total - coalesce(p.paid, 0.00) - coalesce(cn.credited, 0.00))::cultuur.amount AS outstanding
  FROM cultuur.invoice i
  LEFT JOIN (SELECT invoice_id, pg_catalog.sum(amount) AS paid FROM cultuur.payment GROUP BY invoice_id) p
         ON p.invoice_id = i.id
  LEFT JOIN (SELECT credit_for, -pg_catalog.sum(total) AS credited FROM cultuur.invoice
              WHERE credit_for IS NOT NULL GROUP BY credit_for) cn
         ON cn.credit_for = i.id
 WHERE i.kind <> 'credit_note';
COMMENT ON VIEW cultuur.invoice_balance IS 'Per invoice: total, paid, credited and outstanding.';

CREATE FUNCTION cultuur.overdue(as_of date DEFAULT current_date)
    RETURNS TABLE (invoice_id integer, number text, library_id integer, due_on date,
                   outstanding cultuur.amount, days_overdue integer, formal_notice_on date,
                   eligible_for_suspension boolean, suspended_since date)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_date('as_of', $1);
SELECT b.invoice_id, b.number, b.library_id, b.due_on,
       o.outstanding::cultuur.amount,
       $1 - b.due_on,
       fn.sent_on,
       $1 - b.due_on > 30 AND fn.sent_on IS NOT NULL,
       (SELECT s.starts_on FROM cultuur.suspension s
         WHERE s.invoice_id = b.invoice_id AND s.starts_on <= $1
           AND (s.lifted_on IS NULL OR s.lifted_on > $1)
         ORDER BY s.starts_on DESC LIMIT 1)
  FROM cultuur.invoice_balance b
  -- outstanding as of the date: what was paid and credited by then (later
  -- payments and credit notes do not count yet)
  CROSS JOIN LATERAL (
      SELECT b.total
             - coalesce((SELECT sum(p.amount) FROM cultuur.payment p
                          WHERE p.invoice_id = b.invoice_id AND p.paid_on <= $1), 0)
             + coalesce((SELECT sum(cn.total) FROM cultuur.invoice cn
                          WHERE cn.credit_for = b.invoice_id AND cn.issued_on <= $1), 0)
             AS outstanding) o
  LEFT JOIN LATERAL (SELECT max(f.sent_on) AS sent_on FROM cultuur.formal_notice f
                      WHERE f.invoice_id = b.invoice_id AND f.sent_on <= $1) fn ON true
 WHERE b.due_on < $1
   AND o.outstanding > 0
 ORDER BY b.due_on, b.invoice_id
$$;
COMMENT ON FUNCTION cultuur.overdue(date) IS 'Invoices unpaid after their due date as of a date: outstanding amount, days overdue, the formal notice, whether the library may be suspended (more than 30 days overdue and a formal notice sent, E 8.7, F 8.4) and since when it is.';

-- Finance may end a suspension before the invoice is settled (a payment
-- plan, a disputed amount): an explicit decision, recorded with who took
-- it and why.  Nobody can update a suspension directly.
CREATE FUNCTION cultuur.lift_suspension(suspension_id integer, lifted_on date, reason text)
    RETURNS void
    LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
DECLARE
    susp  cultuur.suspension;
BEGIN
    IF lifted_on IS NULL OR NOT isfinite(lifted_on) THEN
        RAISE EXCEPTION 'lifted_on must be a finite date, not %', coalesce(lifted_on::text, 'NULL')
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF reason IS NULL OR btrim(reason) = '' THEN
        RAISE EXCEPTION 'lifting a suspension needs a reason'
            USING ERRCODE = 'invalid_parameter_value',
                  HINT = 'Say why the suspension ends before the invoice is paid (it is kept with the suspension).';
    END IF;
    SELECT * INTO susp FROM cultuur.suspension s WHERE s.id = $1;
    IF FOUND THEN
        -- serialise with payments and credit notes of the invoice (as they
        -- do, through its contract's lock), then read the row again
        PERFORM cultuur.contract_lock(i.contract_id) FROM cultuur.invoice i WHERE i.id = susp.invoice_id;
        SELECT * INTO susp FROM cultuur.suspension s WHERE s.id = $1;
    END IF;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'suspension % does not exist', $1
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF susp.lifted_on IS NOT NULL THEN
        RAISE EXCEPTION 'suspension % was lifted already on % (%)', $1, susp.lifted_on, susp.lift_reason
            USING ERRCODE = 'CC012';
    END IF;
    IF $2 < susp.starts_on OR $2 > cultuur.today() THEN
        RAISE EXCEPTION 'suspension % cannot be lifted on %', $1, $2
            USING ERRCODE = 'invalid_parameter_value',
                  DETAIL = format('It started on %s; today is %s.', susp.starts_on, cultuur.today()),
                  HINT = format('Lift it on a day from %s to %s.', susp.starts_on, cultuur.today());
    END IF;
    UPDATE cultuur.suspension s
       SET lifted_on = $2, lifted_by = session_user, lift_reason = btrim($3)
     WHERE s.id = $1;
END;
$$;
COMMENT ON FUNCTION cultuur.lift_suspension(integer, date, text) IS 'Finance''s decision to end a suspension before its invoice is settled: lifted on a day from its start to today, with a reason; records who lifted it. (A payment or credit note that settles the invoice lifts it by itself.)';
-- ---------------------------------------------------------------------
-- Layer 5, API: budget projection and variance, and reconciliation with
-- quoted amounts (doc/rules.md §9).
-- ---------------------------------------------------------------------

CREATE FUNCTION cultuur.budget_projection(from_year integer, to_year integer)
    RETURNS TABLE (library_id integer, library text, year integer, service text,
                   contract_id integer, invoiced cultuur.amount, projected cultuur.amount,
                   source text)
    LANGUAGE sql STABLE PARALLEL SAFE
    SECURITY DEFINER SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_year('from_year', $1), cultuur.check_year('to_year', $2);
WITH years AS (
    SELECT c.id AS contract_id, c.library_id, c.service, c.active, c.starts_on, c.basis_pct,
           c.prorata_rule, c.index_from, s.price_model, s.index_series, s.kind, y AS year,
           daterange(make_date(y, 1, 1), make_date(y + 1, 1, 1)) AS period
      FROM cultuur.contract c
      JOIN cultuur.service s ON s.code = c.service
     CROSS JOIN generate_series($1, $2) y
     WHERE c.active && daterange(make_date(y, 1, 1), make_date(y + 1, 1, 1))
), inv AS (
    SELECT i.contract_id, extract(year FROM lower(i.period))::integer AS year, sum(i.total) AS total,
           count(*) FILTER (WHERE i.kind <> 'credit_note') AS n
      FROM cultuur.invoice i GROUP BY 1, 2
), fee AS (
    SELECT f.contract_id, f.year, f.fee, f.yearly_amount, f.indexed_amount, f.base_index,
           f.year_index, f.fixed_fee, f.tiers, f.tier_volume
      FROM cultuur.fee_detail($1, $2) f
), est AS (
    -- per inhabitant, when a factor of the fee is not published yet:
    -- latest count grown by the assumption, latest January index grown too
    SELECT y.contract_id, y.year,
           (SELECT p.inhabitants * power(1 + coalesce(a.inhabitant_growth_pct, 0) / 100, (y.year - 1 - p.count_year))
              FROM cultuur.latest_population(y.library_id, y.year - 1) p) AS inhabitants,
           -- the consortium's tier volume estimated the same way: every
           -- library with a contract for the service that year, once, its
           -- latest count grown by its own assumption (doc/rules.md §3: the tier is
           -- chosen by the consortium-wide volume, not by one library)
           (SELECT sum((SELECT p.inhabitants * power(1 + coalesce(a2.inhabitant_growth_pct, 0) / 100, (y.year - 1 - p.count_year))
                          FROM cultuur.latest_population(l2.library_id, y.year - 1) p))
              FROM (SELECT DISTINCT c2.library_id FROM cultuur.contract c2
                     WHERE c2.service = y.service AND c2.active && y.period) l2
              LEFT JOIN cultuur.budget_assumption a2
                     ON a2.library_id = l2.library_id AND a2.year = y.year AND a2.service = y.service) AS tier_volume,
           CASE WHEN cultuur.is_indexed(y.index_from, y.starts_on, y.year)
                THEN (SELECT pi.value * power(1 + coalesce(a.index_growth_pct, 0) / 100, y.year - extract(year FROM pi.month))
                        FROM cultuur.price_index pi
                       WHERE pi.series = y.index_series AND pi.base = cultuur.index_base()
                         AND extract(month FROM pi.month) = 1 AND pi.month <= make_date(y.year, 1, 1)
                       ORDER BY pi.month DESC LIMIT 1)
                     / cultuur.index_value(y.index_series, make_date(extract(year FROM y.starts_on)::integer, 1, 1))
                ELSE 1 END AS index_factor,
           a.users_per_month, a.consortium_users_per_month
      FROM years y
      LEFT JOIN cultuur.budget_assumption a
             ON a.library_id = y.library_id AND a.year = y.year AND a.service = y.service
)
SELECT r.library_id, r.library, r.year, r.service, r.contract_id,
       r.invoiced::cultuur.amount, r.projected::cultuur.amount,
       CASE WHEN r.projected <> 0 THEN r.source
            WHEN r.source LIKE 'invoices%' THEN 'invoices'
            ELSE 'nothing billed' END
  FROM (
SELECT y.library_id, l.name, y.year, y.service, y.contract_id,
       coalesce(inv.total, 0.00),
       CASE WHEN inv.n > 0 AND y.price_model = 'per_inhabitant' AND y.kind = 'ebooks' THEN 0.00
            WHEN y.price_model = 'per_inhabitant' AND y.kind = 'ebooks' THEN
                coalesce(f.fee, cultuur.prorate(e.yearly_amount, y.active, y.period, y.prorata_rule))
            WHEN y.price_model = 'per_inhabitant' THEN
                -- film: a quarter of the yearly fee for every quarter in
                -- force that is not invoiced yet, as invoice_preview bills
                -- it (credit notes on an issued quarter bring nothing back)
                (SELECT coalesce(sum(cultuur.prorate(coalesce(f.indexed_amount, e.yearly_amount) * 0.25,
                                                     y.active, q.period, y.prorata_rule)),
                                 CASE WHEN count(*) = 0 THEN 0.00 END)
                   FROM generate_series(1, 10, 3) m
                  CROSS JOIN LATERAL (SELECT daterange(make_date(y.year, m, 1),
                                                       (make_date(y.year, m, 1) + interval '3 months')::date) AS period) q
                  WHERE y.active && q.period
                    AND NOT EXISTS (SELECT 1 FROM cultuur.invoice i
                                     WHERE i.contract_id = y.contract_id AND i.kind = 'film_quarter'
                                       AND i.period = q.period))
            ELSE
                round(coalesce(e.users_per_month, 0)
                      * cultuur.tier_price(t.tiers, coalesce(e.consortium_users_per_month, e.users_per_month, 0))
                      * (SELECT count(*) FROM cultuur.months_in_force(y.active, y.period) g
                          WHERE NOT EXISTS (SELECT 1 FROM cultuur.invoice i
                                             WHERE i.contract_id = y.contract_id AND i.kind = 'film_quarter'
                                               AND i.period @> g))
                      * e.index_factor, 2)
       END,
       CASE WHEN inv.n > 0 THEN 'invoices' ELSE '' END
       || CASE WHEN inv.n > 0 AND y.price_model = 'per_inhabitant' AND y.kind = 'ebooks' THEN ''
               WHEN y.price_model = 'per_inhabitant' AND f.fee IS NOT NULL THEN
                    CASE WHEN inv.n > 0 THEN ' + ' ELSE '' END || 'contract rules'
               ELSE CASE WHEN inv.n > 0 THEN ' + ' ELSE '' END || 'assumptions' END
  FROM years y
  JOIN cultuur.library l ON l.id = y.library_id
  LEFT JOIN inv ON inv.contract_id = y.contract_id AND inv.year = y.year
  LEFT JOIN fee f ON f.contract_id = y.contract_id AND f.year = y.year
  LEFT JOIN LATERAL (
      -- the yearly amount (index included, before pro rata) from the
      -- estimates, used where fee_detail cannot compute it yet
      SELECT e0.*, round((f.fixed_fee + cultuur.volume_charge(f.tiers,
                                             e0.inhabitants * y.basis_pct * 0.01,
                                             coalesce(f.tier_volume, e0.tier_volume, e0.inhabitants)))
                         * e0.index_factor, 2) AS yearly_amount
        FROM est e0 WHERE e0.contract_id = y.contract_id AND e0.year = y.year) e ON true
  LEFT JOIN cultuur.tariff t ON t.service = y.service AND t.valid @> greatest(make_date(y.year, 1, 1), y.starts_on)
) r (library_id, library, year, service, contract_id, invoiced, projected, source)
 ORDER BY r.library_id, r.year, r.service
$$;
COMMENT ON FUNCTION cultuur.budget_projection(integer, integer) IS 'Cost per municipality, budget year (the year the service is used) and contract: what was invoiced, plus the projected rest from the contract rules, or from the budget assumptions where usage or published figures are not known yet.';

CREATE FUNCTION cultuur.budget_variance(from_year integer, to_year integer)
    RETURNS TABLE (library_id integer, library text, year integer, invoiced cultuur.amount,
                   projected cultuur.amount, expected_total cultuur.amount, approved cultuur.amount,
                   variance cultuur.amount)
    LANGUAGE sql STABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp SET jit = off
    AS $$
-- the arguments first, before any work (a bad one is named in the error)
SELECT cultuur.check_year('from_year', $1), cultuur.check_year('to_year', $2);
SELECT l.id, l.name, y, coalesce(p.invoiced, 0.00)::cultuur.amount, coalesce(p.projected, 0.00)::cultuur.amount,
       (coalesce(p.invoiced, 0.00) + coalesce(p.projected, 0.00))::cultuur.amount,
       b.amount::cultuur.amount,
       (b.amount - (coalesce(p.invoiced, 0.00) + coalesce(p.projected, 0.00)))::cultuur.amount
  FROM cultuur.library l
 CROSS JOIN generate_series($1, $2) y
  LEFT JOIN (SELECT bp.library_id, bp.year, sum(bp.invoiced) AS invoiced, sum(bp.projected) AS projected
               FROM cultuur.budget_projection($1, $2) bp GROUP BY 1, 2) p
         ON p.library_id = l.id AND p.year = y
  LEFT JOIN cultuur.budget_approved b ON b.library_id = l.id AND b.year = y
 WHERE p.library_id IS NOT NULL OR b.library_id IS NOT NULL
 ORDER BY l.id, y
$$;
COMMENT ON FUNCTION cultuur.budget_variance(integer, integer) IS 'Per municipality and budget year: invoiced, projected, expected total, the council''s approved budget and the variance (approved minus expected; negative means over budget).';

CREATE VIEW cultuur.reconciliation AS
SELECT q.id, q.contract_id, c.service, q.year, q.what, q.source, q.quoted,
       x.computed::numeric(14,2) AS computed,
       (q.quoted - x.computed)::numeric(14,2) AS difference
  FROM cultuur.quoted_amount q
  JOIN cultuur.contract c ON c.id = q.contract_id
  LEFT JOIN LATERAL (SELECT * FROM cultuur.fee_detail(q.year, q.year) fd WHERE fd.contract_id = q.contract_id) f ON true
 CROSS JOIN LATERAL (
      SELECT CASE q.what WHEN 'yearly_amount' THEN f.yearly_amount
                         WHEN 'fee' THEN f.fee
                         ELSE (SELECT pg_catalog.sum(i.total) FROM cultuur.invoice i
                                WHERE i.contract_id = q.contract_id
                                  AND extract(year FROM pg_catalog.lower(i.period)) = q.year) END AS computed) x;
COMMENT ON VIEW cultuur.reconciliation IS 'Each quoted amount beside the amount the contract rules give, with the difference (quoted minus computed).';
-- ---------------------------------------------------------------------
-- Access control: three group roles, one per kind of work, each with
-- exactly the rights that work needs.
--
--   cultuur_reporting   reads the books and the reports (no usage events
--                       or unique-user register: those name members)
--   cultuur_data_entry  libraries, populations, contracts, renewals,
--                       terminations, reach-cap holds, usage loading
--   cultuur_finance     services, framework agreements, tariffs, price
--                       changes, price indexes, invoicing runs, credit
--                       notes, payments, formal notices, suspensions,
--                       budgets, quoted amounts
--
-- data entry and finance are members of reporting.  Grant a login one of
-- them:  GRANT cultuur_finance TO alice;
--
-- What the rules compute (counters, the unique-user register, invoice
-- numbers, invoices and their lines, computed columns, locks) is written
-- only by the engine: trigger and engine functions run as the extension's
-- owner (SECURITY DEFINER, search_path pinned), and no role may write
-- those tables.
--
-- Roles belong to the cluster, not to a database: they are created here
-- when missing (so that the grants below always have a grantee), and a
-- second database's CREATE EXTENSION reuses them.  DROP EXTENSION leaves
-- them; drop them by hand once no database uses cultuur.
-- ---------------------------------------------------------------------

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['cultuur_reporting', 'cultuur_data_entry', 'cultuur_finance'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE pg_catalog.format('CREATE ROLE %I NOLOGIN', r);
        END IF;
    END LOOP;
END;
$$;
COMMENT ON ROLE cultuur_reporting IS 'cultuur: reads the books and the reports, changes nothing.';
COMMENT ON ROLE cultuur_data_entry IS 'cultuur: library data entry: libraries, populations, contracts, renewals, terminations, holds, usage loading.';
COMMENT ON ROLE cultuur_finance IS 'cultuur: consortium finance and contract staff: tariffs, price changes, frameworks, invoicing, credit notes, payments, notices, suspensions, budgets.';
GRANT cultuur_reporting TO cultuur_data_entry, cultuur_finance;

-- nothing for PUBLIC: a role with no grants reads and changes nothing
REVOKE ALL ON SCHEMA cultuur FROM PUBLIC;
GRANT USAGE ON SCHEMA cultuur TO cultuur_reporting;

-- every function that runs with the owner's rights: EXECUTE only where
-- granted below (trigger functions need none: triggers fire regardless)
DO $$
DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid FROM pg_catalog.pg_proc p
              WHERE p.pronamespace = 'cultuur'::pg_catalog.regnamespace AND p.prosecdef LOOP
        EXECUTE pg_catalog.format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    END LOOP;
END;
$$;

-- ---- reporting ----
GRANT SELECT ON cultuur.library, cultuur.population, cultuur.price_index, cultuur.service,
                cultuur.framework, cultuur.framework_extension, cultuur.tariff,
                cultuur.contract, cultuur.renewal, cultuur.termination,
                cultuur.data_annex_change, cultuur.price_change,
                cultuur.monthly_usage, cultuur.consortium_usage, cultuur.reach_hold,
                cultuur.invoice_counter, cultuur.invoice, cultuur.invoice_line,
                cultuur.payment, cultuur.formal_notice, cultuur.suspension,
                cultuur.budget_approved, cultuur.budget_assumption, cultuur.quoted_amount,
                cultuur.price_increase_flag, cultuur.contract_fee_detail,
                cultuur.contract_status_today, cultuur.upcoming_deadline,
                cultuur.invoice_balance, cultuur.reconciliation
   TO cultuur_reporting;
-- the reports that compute consortium-wide figures (tier volumes,
-- consortium usage) run as the owner, so that they count every library
GRANT EXECUTE ON FUNCTION cultuur.fee_detail(integer, integer),
                          cultuur.invoice_preview(integer, text, daterange),
                          cultuur.budget_projection(integer, integer)
   TO cultuur_reporting;

-- ---- library data entry ----
GRANT INSERT, UPDATE, DELETE ON cultuur.library, cultuur.population, cultuur.contract
   TO cultuur_data_entry;
GRANT INSERT, DELETE ON cultuur.renewal, cultuur.termination, cultuur.reach_hold
   TO cultuur_data_entry;
GRANT INSERT ON cultuur.usage_event TO cultuur_data_entry;
GRANT USAGE ON SEQUENCE cultuur.library_id_seq, cultuur.contract_id_seq TO cultuur_data_entry;

-- ---- consortium finance and contract staff ----
GRANT INSERT, UPDATE, DELETE ON cultuur.service, cultuur.framework, cultuur.framework_extension,
                                cultuur.tariff, cultuur.price_index,
                                cultuur.budget_approved, cultuur.budget_assumption,
                                cultuur.quoted_amount
   TO cultuur_finance;
GRANT INSERT ON cultuur.price_change, cultuur.data_annex_change, cultuur.payment,
                cultuur.formal_notice, cultuur.suspension
   TO cultuur_finance;
GRANT USAGE ON SEQUENCE cultuur.tariff_id_seq, cultuur.price_change_id_seq,
                        cultuur.data_annex_change_id_seq, cultuur.payment_id_seq,
                        cultuur.suspension_id_seq, cultuur.quoted_amount_id_seq
   TO cultuur_finance;
GRANT EXECUTE ON FUNCTION cultuur.run_invoicing(date),
                          cultuur.credit_note(integer, date, text, numeric),
                          cultuur.lift_suspension(integer, date, text)
   TO cultuur_finance;
-- ---------------------------------------------------------------------
-- The books live outside the extension.
--
-- Every table, sequence and view above except engine_lock holds or shows
-- the consortium's books: contracts, terminations, invoices, payments,
-- usage.  They are created here and then released from the extension, so
-- that they are ordinary tables of schema cultuur:
--   - pg_dump dumps them like any table: definitions, rows, grants and
--     comments, and creates their foreign keys, triggers and indexes only
--     after every row is loaded.  So every restore path (pg_restore serial
--     or -j, psql -f, --single-transaction, pg_dumpall) loads the rows as
--     dumped, without the rule triggers and in any order;
--   - their columns use the extension's types and their triggers its
--     functions, so a plain DROP EXTENSION cultuur is refused;
--   - the event trigger cultuur_keep_books refuses any command that would
--     drop them or their columns, or the extension, as a side effect (DROP EXTENSION cultuur
--     CASCADE, DROP EXTENSION btree_gist CASCADE, DROP SCHEMA public
--     CASCADE).  Removing cultuur with its books is one deliberate command:
--     DROP SCHEMA cultuur CASCADE.
-- The functions of the extension never name a table's row type in their
-- signatures, so nothing of the extension depends on the books.
--
-- Restoring a dump: CREATE EXTENSION is the dump's first statement, and
-- the dump then creates the books itself.  So when the script runs in a
-- restore (cultuur.restoring(): a superuser session with row_security off,
-- as pg_dump and pg_restore set it, or cultuur.restoring on) it removes the
-- empty books it just made, and the dump's own CREATE TABLE statements
-- follow.
-- ---------------------------------------------------------------------

CREATE FUNCTION cultuur.keep_books() RETURNS event_trigger
    LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS $$
DECLARE
    gone   text;
    ext    boolean;
    n      integer;
BEGIN
    -- a book is a table with the refuse_truncate trigger (46_triggers_record.sql
    -- gives it to every table it makes): dropped with it, or still there
    -- when one of its columns is dropped
    SELECT min(d.object_type || ' ' || d.object_identity), bool_or(d.object_type = 'extension'), count(*)
      INTO gone, ext, n
      FROM pg_event_trigger_dropped_objects() d
     WHERE (d.object_type = 'extension' AND d.object_identity = 'cultuur')
        OR (d.object_type = 'table' AND d.schema_name = 'cultuur'
            AND EXISTS (SELECT 1 FROM pg_event_trigger_dropped_objects() t
                         WHERE t.object_type = 'trigger'
                           AND t.object_identity = 'refuse_truncate on ' || d.object_identity))
        OR (d.object_type = 'table column' AND d.schema_name = 'cultuur'
            AND EXISTS (SELECT 1 FROM pg_trigger t
                         WHERE t.tgrelid = d.objid AND t.tgname = 'refuse_truncate'));
    IF gone IS NULL THEN
        RETURN;
    END IF;
    -- the extension's own upgrade scripts reshape its tables (asked only
    -- when the extension itself stays: its functions go with it)
    IF NOT ext THEN
        IF cultuur.in_extension_script() THEN
            RETURN;
        END IF;
    END IF;
    IF ext THEN
        gone := 'extension cultuur';
    END IF;
    RAISE EXCEPTION 'this would remove cultuur''s books: % (and % more)', gone, n - 1
        USING ERRCODE = 'dependent_objects_still_exist',
              DETAIL = 'Contracts, invoices, payments and usage live in the tables of schema cultuur; nothing was dropped.',
              HINT = 'Dump the database first (README, "Backup and restore"). To remove cultuur and all its data on purpose: DROP SCHEMA cultuur CASCADE.';
END;
$$;
COMMENT ON FUNCTION cultuur.keep_books() IS 'Event trigger function (sql_drop): refuses a command that would drop the extension cultuur, or one of its tables or their columns, other than the extension''s own upgrade; DROP SCHEMA cultuur CASCADE is the one deliberate way to remove it all.';

CREATE EVENT TRIGGER cultuur_keep_books ON sql_drop
    EXECUTE FUNCTION cultuur.keep_books();
COMMENT ON EVENT TRIGGER cultuur_keep_books IS 'cultuur: no command drops the books (the tables of schema cultuur and their columns) or the extension as a side effect.';

-- release the books, the event trigger and its function from the extension
DO $$
DECLARE
    o record;
BEGIN
    FOR o IN
        SELECT CASE c.relkind WHEN 'r' THEN 'TABLE' WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' END AS kind,
               pg_catalog.format('cultuur.%I', c.relname) AS name
          FROM pg_catalog.pg_class c
          JOIN pg_catalog.pg_depend d
            ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid AND d.deptype = 'e'
         WHERE c.relnamespace = 'cultuur'::pg_catalog.regnamespace
           AND c.relkind IN ('r', 'S', 'v')
           AND c.relname <> 'engine_lock'
         ORDER BY c.relkind, c.relname
    LOOP
        EXECUTE pg_catalog.format('ALTER EXTENSION cultuur DROP %s %s', o.kind, o.name);
    END LOOP;
END;
$$;
ALTER EXTENSION cultuur DROP EVENT TRIGGER cultuur_keep_books;
ALTER EXTENSION cultuur DROP FUNCTION cultuur.keep_books();

-- in a restore, the dump brings the books (and the event trigger) itself
DO $$
DECLARE
    o record;
BEGIN
    IF NOT cultuur.restoring() THEN
        RETURN;
    END IF;
    DROP EVENT TRIGGER cultuur_keep_books;
    DROP FUNCTION cultuur.keep_books();
    FOR o IN
        SELECT CASE c.relkind WHEN 'r' THEN 'TABLE' ELSE 'VIEW' END AS kind,
               pg_catalog.format('cultuur.%I', c.relname) AS name
          FROM pg_catalog.pg_class c
         WHERE c.relnamespace = 'cultuur'::pg_catalog.regnamespace
           AND c.relkind IN ('r', 'v') AND c.relname <> 'engine_lock'
         ORDER BY c.relkind DESC, c.relname
    LOOP
        EXECUTE pg_catalog.format('DROP %s IF EXISTS %s CASCADE', o.kind, o.name);
    END LOOP;
END;
$$;
