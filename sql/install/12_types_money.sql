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

-- Whether an amount, rounded to cents, fits an invoice amount
-- (numeric(12,2): below 10,000,000,000.00).  The fees and the invoicing
-- run ask it before a cast that would otherwise fail with a bare
-- "numeric field overflow", so that the contract whose tariff gives too
-- large an amount is named and the others are still computed.
CREATE FUNCTION cultuur.fits_amount(amount numeric) RETURNS boolean
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN pg_catalog.abs(pg_catalog.round(amount, 2)) < 10000000000;
COMMENT ON FUNCTION cultuur.fits_amount(numeric) IS 'true when amount, rounded to cents, fits cultuur.amount (numeric(12,2)): at most 9,999,999,999.99 either way. false for NaN; NULL for NULL.';

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

-- Which January's index a fee is indexed to (doc/rules.md §5), NULL when
-- it is not indexed: for a service renewed tacitly (e-books, E 8.8) the
-- January of the year billed, from index_from on and never in the first
-- year; for one renewed by agreement (film, F 8.5) only during a renewal
-- term that starts in index_from or later, and then the January of the
-- year that term started, for the whole term.  term_start: the start of
-- the renewal term in force (NULL in the initial term).  The base is
-- always the January of the contract's start year.
CREATE FUNCTION cultuur.index_month(renewal text, index_from integer, starts_on date, year integer,
        term_start date)
    RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN CASE WHEN renewal = 'agreement'
                THEN CASE WHEN term_start IS NOT NULL AND index_from IS NOT NULL
                           AND extract(year FROM term_start) >= index_from
                          THEN make_date(extract(year FROM term_start)::integer, 1, 1) END
                WHEN cultuur.is_indexed(index_from, starts_on, year)
                THEN make_date(year, 1, 1) END;
COMMENT ON FUNCTION cultuur.index_month(text, integer, date, integer, date) IS 'The January whose index a fee is indexed to, or NULL when not indexed: tacit services (e-books) the January of the year billed, from index_from on, never in the first year (E 8.8); services renewed by agreement (film) only in a renewal term starting in index_from or later, the January of the year it started, for the whole term (F 8.5).';

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
