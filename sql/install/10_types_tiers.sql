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
