/*-------------------------------------------------------------------------
 *
 * numeric_util.c
 *	  Exact numeric helpers shared by the cultuur functions.
 *
 * Everything goes through the server's numeric functions, which are exact
 * for addition, subtraction and multiplication.  Division is never done
 * with numeric_div (it rounds to a chosen number of digits, which would
 * make a second rounding to cents wrong in rare cases); cultuur_numeric_div_round()
 * below divides exactly with truncation, looks at the remainder and rounds
 * half away from zero once.
 *
 *-------------------------------------------------------------------------
 */
#include "cultuur.h"

#include "utils/builtins.h"
#include "utils/fmgrprotos.h"
#include "utils/memutils.h"

Numeric
cultuur_micro_to_numeric(int64 v)
{
	int			scale = TIERS_SCALE;

	/* drop trailing fractional zeros so that 6.790000 reads 6.79 */
	while (scale > 0 && v % 10 == 0)
	{
		v /= 10;
		scale--;
	}
	if (scale == 0)
		return int64_to_numeric(v);
	return int64_div_fast_to_numeric(v, scale);
}

/*
 * Convert a numeric to micro units.  Returns false when the value is NaN,
 * infinite, negative, has more than six decimals or is out of range; the
 * caller reports which.
 */
bool
cultuur_numeric_to_micro(Numeric n, int64 *result)
{
	Numeric		scaled;
	Numeric		truncated;

	if (numeric_is_nan(n) || numeric_is_inf(n) || cultuur_num_sign(n) < 0)
		return false;
	scaled = cultuur_num_mul(n, int64_to_numeric(TIERS_UNIT));
	truncated = DatumGetNumeric(DirectFunctionCall2(numeric_trunc,
													NumericGetDatum(scaled),
													Int32GetDatum(0)));
	if (cultuur_num_cmp(scaled, truncated) != 0)
		return false;
	if (cultuur_num_cmp(truncated, int64_to_numeric(TIERS_MAX_VALUE)) > 0)
		return false;
	*result = DatumGetInt64(DirectFunctionCall1(numeric_int8,
												NumericGetDatum(truncated)));
	return true;
}

Numeric
cultuur_num_add(Numeric a, Numeric b)
{
	return numeric_add_opt_error(a, b, NULL);
}

Numeric
cultuur_num_sub(Numeric a, Numeric b)
{
	return numeric_sub_opt_error(a, b, NULL);
}

Numeric
cultuur_num_mul(Numeric a, Numeric b)
{
	return numeric_mul_opt_error(a, b, NULL);
}

int
cultuur_num_cmp(Numeric a, Numeric b)
{
	return DatumGetInt32(DirectFunctionCall2(numeric_cmp,
											 NumericGetDatum(a),
											 NumericGetDatum(b)));
}

/* a zero that lives as long as the backend, so cultuur_num_sign allocates nothing */
static Numeric
zero_numeric(void)
{
	static Numeric zero = NULL;

	if (zero == NULL)
	{
		Numeric		z = int64_to_numeric(0);

		zero = MemoryContextAlloc(TopMemoryContext, VARSIZE(z));
		memcpy(zero, z, VARSIZE(z));
	}
	return zero;
}

/* -1, 0 or 1; NaN counts as positive (callers check finiteness first) */
int
cultuur_num_sign(Numeric a)
{
	int			c = cultuur_num_cmp(a, zero_numeric());

	return c > 0 ? 1 : (c < 0 ? -1 : 0);
}

/* round half away from zero, like round(numeric, int) */
Numeric
cultuur_num_round(Numeric a, int scale)
{
	return DatumGetNumeric(DirectFunctionCall2(numeric_round,
											   NumericGetDatum(a),
											   Int32GetDatum(scale)));
}

Numeric
cultuur_num_zero(void)
{
	return int64_to_numeric(0);
}

/* 0.00, the zero that an amount in cents prints as */
Numeric
cultuur_num_zero_cents(void)
{
	return int64_div_fast_to_numeric(0, 2);
}

/*
 * round(num / den, scale), exact, half away from zero.
 *
 * q = trunc(num * 10^scale / den) is computed by exact long division
 * (numeric_div_trunc); the remainder r = num * 10^scale - q * den decides
 * the rounding: |2r| >= |den| moves q one step away from zero.
 */
Numeric
cultuur_numeric_div_round(Numeric num, Numeric den, int scale)
{
	Numeric		shifted;
	Numeric		q;
	Numeric		r;
	Numeric		twice_r;
	Numeric		abs_den;

	Assert(scale >= 0 && scale <= 18);
	if (cultuur_num_sign(den) == 0)
		ereport(ERROR,
				(errcode(ERRCODE_DIVISION_BY_ZERO),
				 errmsg("division by zero")));

	shifted = num;
	if (scale > 0)
	{
		int64		p = 1;
		int			i;

		for (i = 0; i < scale; i++)
			p *= 10;
		shifted = cultuur_num_mul(num, int64_to_numeric(p));
	}
	q = DatumGetNumeric(DirectFunctionCall2(numeric_div_trunc,
											NumericGetDatum(shifted),
											NumericGetDatum(den)));
	r = cultuur_num_sub(shifted, cultuur_num_mul(q, den));
	twice_r = cultuur_num_mul(DatumGetNumeric(DirectFunctionCall1(numeric_abs,
														  NumericGetDatum(r))),
					  int64_to_numeric(2));
	abs_den = DatumGetNumeric(DirectFunctionCall1(numeric_abs,
												  NumericGetDatum(den)));
	if (cultuur_num_cmp(twice_r, abs_den) >= 0)
	{
		/* the exact quotient's sign is sign(num) * sign(den) */
		int			sign = cultuur_num_sign(num) * cultuur_num_sign(den);

		q = cultuur_num_add(q, int64_to_numeric(sign));
	}
	if (scale == 0)
		return q;
	return cultuur_num_mul(q, int64_div_fast_to_numeric(1, scale));
}

/* a numeric as text for an error message: huge values are shortened */
char *
cultuur_num_to_cstring(Numeric n)
{
	char	   *s = DatumGetCString(DirectFunctionCall1(numeric_out,
														NumericGetDatum(n)));
	size_t		len = strlen(s);

	if (len > 60)
		return psprintf("%.24s...%s (%zu characters)", s, s + len - 12, len);
	return s;
}

void
cultuur_check_finite(Numeric n, const char *func, const char *arg)
{
	if (numeric_is_nan(n) || numeric_is_inf(n))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite number, not %s",
						arg, cultuur_num_to_cstring(n))));
}

void
cultuur_check_nonnegative(Numeric n, const char *func, const char *arg)
{
	cultuur_check_finite(n, func, arg);
	if (cultuur_num_sign(n) < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be negative, got %s",
						arg, cultuur_num_to_cstring(n))));
}

void
cultuur_check_positive(Numeric n, const char *func, const char *arg)
{
	cultuur_check_finite(n, func, arg);
	if (cultuur_num_sign(n) <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be greater than zero, got %s",
						arg, cultuur_num_to_cstring(n))));
}
