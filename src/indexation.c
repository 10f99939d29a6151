/*-------------------------------------------------------------------------
 *
 * indexation.c
 *	  Price indexation, exit fees and the lot 1B reach cap
 *	  (doc/rules.md §5, 6 and 8).
 *
 *-------------------------------------------------------------------------
 */
#include "cultuur.h"

#include "catalog/pg_type.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

PG_FUNCTION_INFO_V1(indexed);
PG_FUNCTION_INFO_V1(exit_fee);
PG_FUNCTION_INFO_V1(reach_cap);

/*
 * indexed(amount, base_index, new_index) = round(amount * new / base, 2),
 * the Belgian indexation formula, divided exactly and rounded once.
 * A negative amount (a credit) is indexed symmetrically.
 */
Datum
indexed(PG_FUNCTION_ARGS)
{
	Numeric		amount = PG_GETARG_NUMERIC(0);
	Numeric		base_index = PG_GETARG_NUMERIC(1);
	Numeric		new_index = PG_GETARG_NUMERIC(2);

	cultuur_check_finite(amount, "indexed", "amount");
	cultuur_check_positive(base_index, "indexed", "base_index");
	cultuur_check_positive(new_index, "indexed", "new_index");
	PG_RETURN_NUMERIC(cultuur_numeric_div_round(cultuur_num_mul(amount, new_index),
										base_index, 2));
}

/*
 * exit_fee(rates, entry_year, exit_year, basis)
 * k = exit_year - entry_year + 1; k < 1 is an error, k beyond the array
 * costs nothing (the initial term is over), else round(rates[k] * basis, 2).
 * rates[k] counts from the array's first element, whatever its lower bound.
 */
Datum
exit_fee(PG_FUNCTION_ARGS)
{
	ArrayType  *rates = PG_GETARG_ARRAYTYPE_P(0);
	int32		entry_year = PG_GETARG_INT32(1);
	int32		exit_year = PG_GETARG_INT32(2);
	Numeric		basis = PG_GETARG_NUMERIC(3);
	int64		k = (int64) exit_year - (int64) entry_year + 1;
	Datum	   *values;
	bool	   *nulls;
	int			n;
	int			i;
	int16		typlen;
	bool		typbyval;
	char		typalign;

	cultuur_check_nonnegative(basis, "exit_fee", "basis");
	if (ARR_NDIM(rates) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("rates must be a one-dimensional array")));
	get_typlenbyvalalign(NUMERICOID, &typlen, &typbyval, &typalign);
	deconstruct_array(rates, NUMERICOID, typlen, typbyval, typalign,
					  &values, &nulls, &n);
	for (i = 0; i < n; i++)
	{
		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("rates[%d] is NULL", i + 1),
					 errhint("Give a rate for every contract year of the initial term.")));
		cultuur_check_nonnegative(DatumGetNumeric(values[i]), "exit_fee",
						  psprintf("rates[%d]", i + 1));
	}
	if (k < 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("exit year %d is before entry year %d",
						exit_year, entry_year),
				 errdetail("The contract year k = exit_year - entry_year + 1 is " INT64_FORMAT ".", k),
				 errhint("The first contract year is the entry year itself.")));
	if (k > n)
		PG_RETURN_NUMERIC(cultuur_num_zero_cents());
	PG_RETURN_NUMERIC(cultuur_num_round(cultuur_num_mul(DatumGetNumeric(values[k - 1]), basis), 2));
}

/*
 * reach_cap(inhabitants, months, pct) = months * inhabitants * pct / 100,
 * exact (the division by 100 is a multiplication by 0.01).
 */
Datum
reach_cap(PG_FUNCTION_ARGS)
{
	Numeric		inhabitants = PG_GETARG_NUMERIC(0);
	int32		months = PG_GETARG_INT32(1);
	Numeric		pct = PG_GETARG_NUMERIC(2);

	cultuur_check_nonnegative(inhabitants, "reach_cap", "inhabitants");
	cultuur_check_nonnegative(pct, "reach_cap", "pct");
	if (cultuur_num_cmp(pct, int64_to_numeric(100)) > 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("pct must be at most 100, got %s",
						cultuur_num_to_cstring(pct)),
				 errhint("pct is a percentage: 0.18 means 0.18 %%.")));
	if (months < 0 || months > 12)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("months must be between 0 and 12, got %d",
						months),
				 errhint("months counts the months of planned purchase in one calendar year.")));
	PG_RETURN_NUMERIC(cultuur_num_mul(cultuur_num_mul(int64_to_numeric(months), inhabitants),
							  cultuur_num_mul(pct, int64_div_fast_to_numeric(1, 2))));
}
