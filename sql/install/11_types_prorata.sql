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

CREATE FUNCTION cultuur.prorata_fraction(active daterange, period daterange,
        rule cultuur.prorata_rule DEFAULT 'month')
    RETURNS text
    AS 'MODULE_PATHNAME', 'prorata_fraction' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION cultuur.prorata_fraction(daterange, daterange, cultuur.prorata_rule) IS
'The share of prorata() as the fraction it is computed with, unreduced: ''9/12'' (month), ''170/365'' (day). What an invoice line prints.';
