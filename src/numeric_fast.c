/*-------------------------------------------------------------------------
 *
 * numeric_fast.c
 *	  Reading a numeric argument straight from its stored form.
 *
 * The fast path of volume_charge (tiers_math.c) reads a numeric Datum into
 * micro units without detoasting it into a copy.  It mirrors the on-disk
 * layout of struct NumericData in PostgreSQL 15's
 * src/backend/utils/adt/numeric.c (short and long headers, base-10000
 * digits), with that file's macro names.  The layout is not part of
 * PostgreSQL's API, so this file builds for the major version it was
 * verified on only; sql/fastpath.sql compares the fast path with the exact
 * one (including long headers) on every build.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

#include "cultuur.h"

#if PG_VERSION_NUM < 150000 || PG_VERSION_NUM >= 160000
#error "numeric_fast.c mirrors PostgreSQL 15's numeric layout: verify it against the new numeric.c (and sql/fastpath.sql) before building for another major version"
#endif

/* as in PostgreSQL 15's numeric.c */
#define NUMERIC_SIGN_MASK	0xC000
#define NUMERIC_NEG			0x4000
#define NUMERIC_SHORT		0x8000
#define NUMERIC_SPECIAL		0xC000
#define NUMERIC_SHORT_SIGN_MASK			0x2000
#define NUMERIC_SHORT_WEIGHT_SIGN_MASK	0x0040
#define NUMERIC_SHORT_WEIGHT_MASK		0x003F
#define NBASE_DIGIT_MAX		9999

/*
 * The value of a numeric Datum in micro units (10^-6), when it is a plain
 * value from 0 to below 10^12 with at most 6 decimals, stored inline.
 * Returns false -- and the caller takes the exact numeric path, which also
 * raises the errors -- for NaN, infinities, negative values, larger values,
 * more decimals, and toasted values.
 */
bool
cultuur_numeric_micro(Datum d, int64 *out)
{
	static const int64 p10[] = {1, 10, 100, 1000, 10000, 100000, 1000000,
		10000000, 100000000, INT64CONST(1000000000), INT64CONST(10000000000),
		INT64CONST(100000000000), INT64CONST(1000000000000),
		INT64CONST(10000000000000), INT64CONST(100000000000000)};
	struct varlena *v = (struct varlena *) DatumGetPointer(d);
	const char *p;
	int			len;
	uint16		h;
	int			weight;
	int			hdr;
	int			nd;
	int			i;
	int64		acc = 0;

	if (VARATT_IS_EXTERNAL(v) || VARATT_IS_COMPRESSED(v))
		return false;			/* toasted: the exact path detoasts it */
	p = VARDATA_ANY(v);
	len = VARSIZE_ANY_EXHDR(v);
	if (len < (int) sizeof(uint16))
		return false;
	memcpy(&h, p, sizeof(h));
	if ((h & NUMERIC_SIGN_MASK) == NUMERIC_SPECIAL)
		return false;
	if (h & NUMERIC_SHORT)
	{
		if (h & NUMERIC_SHORT_SIGN_MASK)
			return false;
		weight = (h & NUMERIC_SHORT_WEIGHT_SIGN_MASK) ?
			(int) (~NUMERIC_SHORT_WEIGHT_MASK | (h & NUMERIC_SHORT_WEIGHT_MASK)) :
			(int) (h & NUMERIC_SHORT_WEIGHT_MASK);
		hdr = sizeof(uint16);
	}
	else
	{
		int16		w;

		if ((h & NUMERIC_SIGN_MASK) == NUMERIC_NEG || len < 2 * (int) sizeof(uint16))
			return false;
		memcpy(&w, p + sizeof(uint16), sizeof(w));
		weight = w;
		hdr = 2 * sizeof(uint16);
	}
	nd = (len - hdr) / (int) sizeof(int16);
	if (nd > 0 && weight > 2)
		return false;			/* 10^12 or more */
	for (i = 0; i < nd; i++)
	{
		int16		dig;
		int			e = weight - i;

		memcpy(&dig, p + hdr + sizeof(int16) * i, sizeof(dig));
		if (dig < 0 || dig > NBASE_DIGIT_MAX)
			return false;
		if (e >= -1)
			acc += (int64) dig * p10[4 * e + 6];
		else if (e == -2 && dig % 100 == 0)
			acc += dig / 100;
		else if (dig != 0)
			return false;		/* more than 6 decimals */
	}
	*out = acc;
	return true;
}
