/*-------------------------------------------------------------------------
 *
 * tiers_math.c
 *	  Prices and charges from a tier schedule (doc/rules.md §3).
 *
 * Volume ("all-units") pricing: the tier is picked by one volume, usually
 * the consortium-wide total, and its single price applies to all units.
 * Graduated pricing: unit number n (counting from 1) is priced at
 * tier_price(n); a fractional last unit is priced in the band its
 * position falls in.  For a '>' b bound the band starts after floor(b)
 * units, for a '>=' b bound after ceil(b) - 1 units.
 *
 * Comparisons with bounds are exact numeric comparisons, so a volume of
 * 1000.0000000001 against '>1000' is in the second tier.
 *
 *-------------------------------------------------------------------------
 */
#include "cultuur.h"

#include "nodes/primnodes.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(tier_price);
PG_FUNCTION_INFO_V1(volume_charge);
PG_FUNCTION_INFO_V1(volume_charge_self);
PG_FUNCTION_INFO_V1(graduated_charge);

static int64
band_start_micro(const TierEntry *e)
{
	int64		whole = e->bound / TIERS_UNIT;

	if (e->kind == TIER_GT)
		return whole * TIERS_UNIT;
	/* '>=': ceil(bound) - 1 units, never below 0 */
	if (e->bound % TIERS_UNIT != 0)
		whole++;
	return Max(whole - 1, 0) * TIERS_UNIT;
}

/*
 * True when the schedule argument is a Const node of the calling
 * expression: then the bytes are the same on every call of this FmgrInfo.
 * (A Param is not enough: PL/pgSQL keeps simple expressions across calls
 * with different parameter values.)
 */
static bool
schedule_is_const(FmgrInfo *flinfo)
{
	Node	   *expr = flinfo->fn_expr;
	List	   *args;

	if (expr == NULL)
		return false;
	if (IsA(expr, FuncExpr))
		args = ((FuncExpr *) expr)->args;
	else if (IsA(expr, OpExpr))
		args = ((OpExpr *) expr)->args;
	else
		return false;
	if (list_length(args) < 1)
		return false;
	return IsA(linitial(args), Const);
}

/*
 * Decode a schedule into numerics, once per call site: the cache in
 * fn_extra is reused as long as the schedule's bytes are the same, which
 * is always the case for a constant and often for a column.
 */
TiersCache *
cultuur_tiers_cache_get(FunctionCallInfo fcinfo, Tiers *t)
{
	TiersCache *c;
	MemoryContext old;
	int			i;

	if (fcinfo->flinfo == NULL)
	{
		/*
		 * Called through DirectFunctionCall: no place to keep a cache, so
		 * decode into the caller's memory context.
		 */
		c = palloc0(sizeof(TiersCache));
		c->mcxt = CurrentMemoryContext;
	}
	else
	{
		c = (TiersCache *) fcinfo->flinfo->fn_extra;
		/* a constant schedule (a literal in the query) never changes */
		if (c != NULL && c->constant)
			return c;
		if (c != NULL && VARSIZE(c->tiers) == VARSIZE(t) &&
			memcmp(c->tiers, t, VARSIZE(t)) == 0)
			return c;

		if (c == NULL)
		{
			c = MemoryContextAllocZero(fcinfo->flinfo->fn_mcxt,
									   sizeof(TiersCache));
			c->mcxt = AllocSetContextCreate(fcinfo->flinfo->fn_mcxt,
											"cultuur tiers cache",
											ALLOCSET_SMALL_SIZES);
			c->constant = schedule_is_const(fcinfo->flinfo);
			fcinfo->flinfo->fn_extra = c;
		}
		else
			MemoryContextReset(c->mcxt);
	}

	/* everything below lives in c->mcxt, freed when the schedule changes */
	old = MemoryContextSwitchTo(c->mcxt);
	c->bound = palloc0(sizeof(Numeric) * t->ntiers);
	c->price = palloc0(sizeof(Numeric) * t->ntiers);
	c->band_start = palloc0(sizeof(Numeric) * t->ntiers);
	c->tiers = palloc(VARSIZE(t));
	memcpy(c->tiers, t, VARSIZE(t));
	for (i = 0; i < t->ntiers; i++)
	{
		c->price[i] = cultuur_micro_to_numeric(t->tier[i].price);
		c->bound[i] = i == 0 ? NULL : cultuur_micro_to_numeric(t->tier[i].bound);
		c->band_start[i] = i == 0 ? cultuur_num_zero() :
			cultuur_micro_to_numeric(band_start_micro(&t->tier[i]));
	}
	MemoryContextSwitchTo(old);
	return c;
}

/* index of the tier that volume falls in */
int
cultuur_tiers_pick(const TiersCache *c, Numeric volume)
{
	int			n = c->tiers->ntiers;
	int			i;

	for (i = 1; i < n; i++)
	{
		int			cmp = cultuur_num_cmp(volume, c->bound[i]);

		if (c->tiers->tier[i].kind == TIER_GT ? cmp <= 0 : cmp < 0)
			break;
	}
	return i - 1;
}

static void
check_volume(Numeric n, const char *func, const char *arg)
{
	cultuur_check_nonnegative(n, func, arg);
}

Datum
tier_price(PG_FUNCTION_ARGS)
{
	Tiers	   *t = PG_GETARG_TIERS_P(0);
	Numeric		volume = PG_GETARG_NUMERIC(1);
	TiersCache *c;
	Numeric		price;

	check_volume(volume, "tier_price", "volume");
	c = cultuur_tiers_cache_get(fcinfo, t);
	/* hand out a copy: the cached value must outlive whatever the caller does */
	price = c->price[cultuur_tiers_pick(c, volume)];
	PG_RETURN_NUMERIC(DatumGetNumericCopy(NumericGetDatum(price)));
}

static Datum
volume_charge_common(FunctionCallInfo fcinfo, Tiers *t, Numeric units,
					 Numeric tier_volume)
{
	TiersCache *c = cultuur_tiers_cache_get(fcinfo, t);
	int			k = cultuur_tiers_pick(c, tier_volume);

	/*
	 * A volume above a bound is above 0 (bounds are not negative), so the
	 * sign of tier_volume only needs checking when it fell in the first tier:
	 * one comparison saved on the hot path.
	 */
	if (k == 0)
		check_volume(tier_volume, "volume_charge", "tier_volume");
	PG_RETURN_NUMERIC(cultuur_num_round(cultuur_num_mul(units, c->price[k]), 2));
}

#ifdef HAVE_INT128
/* round(units * price, 2) in integers: micro x micro = 10^-12 */
static bool
volume_charge_fast(Tiers *t, Datum units_d, Datum volume_d, Datum *result)
{
	int64		u,
				v;
	int			n = t->ntiers;
	int			k;
	int128		prod;
	int64		rem;

	if (!cultuur_numeric_micro(units_d, &u) || !cultuur_numeric_micro(volume_d, &v))
		return false;
	for (k = 1; k < n; k++)
	{
		if (t->tier[k].kind == TIER_GT ? v <= t->tier[k].bound :
			v < t->tier[k].bound)
			break;
	}
	prod = (int128) u * t->tier[k - 1].price;
	rem = (int64) (prod % INT64CONST(10000000000));
	prod /= INT64CONST(10000000000);
	if (rem >= INT64CONST(5000000000))
		prod++;					/* half away from zero (all values >= 0) */
	if (prod > PG_INT64_MAX)
		return false;
	*result = NumericGetDatum(int64_div_fast_to_numeric((int64) prod, 2));
	return true;
}
#endif

Datum
volume_charge(PG_FUNCTION_ARGS)
{
	Tiers	   *t = PG_GETARG_TIERS_P(0);
	Numeric		units;
	Numeric		tier_volume;

#ifdef HAVE_INT128
	{
		Datum		result;

		if (volume_charge_fast(t, PG_GETARG_DATUM(1), PG_GETARG_DATUM(2), &result))
			PG_RETURN_DATUM(result);
	}
#endif
	units = PG_GETARG_NUMERIC(1);
	tier_volume = PG_GETARG_NUMERIC(2);
	check_volume(units, "volume_charge", "units");
	cultuur_check_finite(tier_volume, "volume_charge", "tier_volume");
	return volume_charge_common(fcinfo, t, units, tier_volume);
}

Datum
volume_charge_self(PG_FUNCTION_ARGS)
{
	Tiers	   *t = PG_GETARG_TIERS_P(0);
	Numeric		units;

#ifdef HAVE_INT128
	{
		Datum		result;

		if (volume_charge_fast(t, PG_GETARG_DATUM(1), PG_GETARG_DATUM(1), &result))
			PG_RETURN_DATUM(result);
	}
#endif
	units = PG_GETARG_NUMERIC(1);
	check_volume(units, "volume_charge", "units");
	return volume_charge_common(fcinfo, t, units, units);
}

Datum
graduated_charge(PG_FUNCTION_ARGS)
{
	Tiers	   *t = PG_GETARG_TIERS_P(0);
	Numeric		units = PG_GETARG_NUMERIC(1);
	TiersCache *c;
	Numeric		total = cultuur_num_zero();
	int			n;
	int			i;

	check_volume(units, "graduated_charge", "units");
	c = cultuur_tiers_cache_get(fcinfo, t);
	n = t->ntiers;
	for (i = 0; i < n; i++)
	{
		Numeric		lo = c->band_start[i];
		Numeric		top = units;
		Numeric		q;

		if (cultuur_num_cmp(units, lo) <= 0)
			break;
		if (i + 1 < n && cultuur_num_cmp(c->band_start[i + 1], units) < 0)
			top = c->band_start[i + 1];
		q = cultuur_num_sub(top, lo);
		if (cultuur_num_sign(q) > 0)
			total = cultuur_num_add(total, cultuur_num_mul(q, c->price[i]));
	}
	PG_RETURN_NUMERIC(cultuur_num_round(total, 2));
}
