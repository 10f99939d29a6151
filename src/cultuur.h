/*-------------------------------------------------------------------------
 *
 * cultuur.h
 *	  Shared declarations of the cultuur extension: the tiers type, exact
 *	  numeric helpers and argument checks.
 *
 * Money in cultuur is exact decimal.  Tier prices and bounds are stored as
 * int64 fixed-point values with six decimals ("micro units"); every
 * computation that involves caller-supplied numerics is done with the
 * server's own numeric arithmetic, which is exact for +, - and x, and the
 * only divisions go through cultuur_numeric_div_round(), which rounds once.
 *
 *-------------------------------------------------------------------------
 */
#ifndef CULTUUR_H
#define CULTUUR_H

#include "postgres.h"

#include "fmgr.h"
#include "utils/numeric.h"

/* ---- the tiers type ---- */

#define TIERS_SCALE			6
#define TIERS_UNIT			INT64CONST(1000000)
/* largest price or bound: 999999999999.999999 */
#define TIERS_MAX_VALUE		INT64CONST(999999999999999999)
#define TIERS_MAX_INT_DIGITS 12
#define TIERS_MAX_TIERS		64
/* longest text literal accepted by tiers_in, in bytes */
#define TIERS_MAX_INPUT		16384
/* first byte of the binary form */
#define TIERS_BINARY_VERSION 1

typedef enum TierBoundKind
{
	TIER_NO_BOUND = 0,			/* first tier: applies from 0 */
	TIER_GT = 1,				/* '>' bound */
	TIER_GE = 2					/* '>=' bound */
} TierBoundKind;

typedef struct TierEntry
{
	int64		bound;			/* micro units; 0 for the first tier */
	int64		price;			/* micro units */
	int32		kind;			/* TierBoundKind */
	int32		pad;			/* always 0, so equal schedules are equal bytes */
} TierEntry;

typedef struct Tiers
{
	int32		vl_len_;		/* varlena header (do not touch directly!) */
	int32		ntiers;
	TierEntry	tier[FLEXIBLE_ARRAY_MEMBER];
} Tiers;

#define TIERS_SIZE(n)		(offsetof(Tiers, tier) + sizeof(TierEntry) * (n))
#define DatumGetTiersP(X)	((Tiers *) PG_DETOAST_DATUM(X))
#define PG_GETARG_TIERS_P(n) DatumGetTiersP(PG_GETARG_DATUM(n))
#define PG_GETARG_TIERS_P_COPY(n) ((Tiers *) PG_DETOAST_DATUM_COPY(PG_GETARG_DATUM(n)))
#define PG_RETURN_TIERS_P(x) PG_RETURN_POINTER(x)

/* tiers_io.c */
extern Tiers *cultuur_tiers_alloc(int ntiers);
extern const char *cultuur_tiers_check(const Tiers *t, int *bad_tier);
extern char *cultuur_micro_to_cstring(int64 v);

/*
 * Per-call-site cache of a schedule turned into numerics, kept in
 * fn_extra so that a constant schedule is decoded once per query.
 */
typedef struct TiersCache
{
	MemoryContext mcxt;			/* holds everything below */
	bool		constant;		/* the schedule is a Const: skip the check */
	Tiers	   *tiers;			/* private copy, for the identity check */
	Numeric    *bound;			/* per tier; NULL for the first */
	Numeric    *price;
	Numeric    *band_start;		/* graduated pricing: unit count where the
								 * band starts */
} TiersCache;

/* tiers_math.c */
extern TiersCache *cultuur_tiers_cache_get(FunctionCallInfo fcinfo, Tiers *t);
extern int	cultuur_tiers_pick(const TiersCache *c, Numeric volume);

/* numeric_util.c */
extern Numeric cultuur_micro_to_numeric(int64 v);
extern bool cultuur_numeric_to_micro(Numeric n, int64 *result);
extern Numeric cultuur_num_add(Numeric a, Numeric b);
extern Numeric cultuur_num_sub(Numeric a, Numeric b);
extern Numeric cultuur_num_mul(Numeric a, Numeric b);
extern int	cultuur_num_cmp(Numeric a, Numeric b);
extern int	cultuur_num_sign(Numeric a);
extern Numeric cultuur_num_round(Numeric a, int scale);
extern Numeric cultuur_num_zero(void);
extern Numeric cultuur_num_zero_cents(void);
extern Numeric cultuur_numeric_div_round(Numeric num, Numeric den, int scale);
extern char *cultuur_num_to_cstring(Numeric n);
extern void cultuur_check_finite(Numeric n, const char *func, const char *arg);
extern void cultuur_check_nonnegative(Numeric n, const char *func, const char *arg);
extern void cultuur_check_positive(Numeric n, const char *func, const char *arg);

/* numeric_fast.c */
extern bool cultuur_numeric_micro(Datum d, int64 *out);

/* module.c */
extern bool cultuur_restoring;

#endif							/* CULTUUR_H */
