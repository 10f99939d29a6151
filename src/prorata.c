/*-------------------------------------------------------------------------
 *
 * prorata.c
 *	  Pro-rata shares of a billing period (doc/rules.md §4).
 *
 * A share is an exact fraction n/d of whole months or days:
 *	 month		months of the period in which the service is active on at
 *				least one day / months of the period
 *	 full_month months in which it is active on every day / months
 *	 day		active days / days of the period (leap years count 366)
 * prorate() computes round(amount * n / d, 2) exactly; it never multiplies
 * by a rounded fraction.
 *
 *-------------------------------------------------------------------------
 */
#include "cultuur.h"

#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"
#include "utils/lsyscache.h"
#include "utils/rangetypes.h"
#include "utils/typcache.h"

PG_FUNCTION_INFO_V1(prorata);
PG_FUNCTION_INFO_V1(prorate);
PG_FUNCTION_INFO_V1(prorata_fraction);

typedef enum ProrataRule
{
	RULE_MONTH,
	RULE_FULL_MONTH,
	RULE_DAY
} ProrataRule;

typedef struct RuleCache
{
	Oid			label_oid;
	ProrataRule rule;
} RuleCache;

typedef struct Share
{
	int64		n;
	int64		d;
} Share;

static ProrataRule
rule_from_enum(FunctionCallInfo fcinfo, Oid label)
{
	RuleCache  *rc = NULL;
	char	   *name;
	ProrataRule rule;

	if (fcinfo->flinfo != NULL)
		rc = (RuleCache *) fcinfo->flinfo->fn_extra;
	if (rc != NULL && rc->label_oid == label)
		return rc->rule;
	name = DatumGetCString(DirectFunctionCall1(enum_out,
											   ObjectIdGetDatum(label)));
	if (strcmp(name, "month") == 0)
		rule = RULE_MONTH;
	else if (strcmp(name, "full_month") == 0)
		rule = RULE_FULL_MONTH;
	else if (strcmp(name, "day") == 0)
		rule = RULE_DAY;
	else
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("pro-rata rule \"%s\" is not supported", name),
				 errdetail("cultuur computes the rules month, full_month and day."),
				 errhint("A label added to cultuur.prorata_rule needs code of its own.")));
	/* no flinfo when called through DirectFunctionCall: nothing to cache */
	if (fcinfo->flinfo == NULL)
		return rule;
	if (rc == NULL)
	{
		rc = MemoryContextAlloc(fcinfo->flinfo->fn_mcxt, sizeof(RuleCache));
		fcinfo->flinfo->fn_extra = rc;
	}
	rc->label_oid = label;
	rc->rule = rule;
	return rule;
}

/* months since year 0 of the month that contains d */
static int64
month_index(DateADT d)
{
	int			y,
				m,
				day;

	j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &day);
	return (int64) y * 12 + (m - 1);
}

static bool
is_first_of_month(DateADT d)
{
	int			y,
				m,
				day;

	j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &day);
	return day == 1;
}

/*
 * The text of a daterange, for messages.  range_out keeps its I/O cache in
 * fn_extra, so it needs a real FmgrInfo: DirectFunctionCall1 would pass a
 * NULL flinfo and crash the backend.
 */
static char *
range_text(Datum r)
{
	Oid			typoutput;
	bool		typisvarlena;

	getTypeOutputInfo(DATERANGEOID, &typoutput, &typisvarlena);
	return OidOutputFunctionCall(typoutput, r);
}

/*
 * Compute the share n/d of period covered by active under rule; the
 * three arguments start at argno.
 * Ranges of dates are canonical: [lower, upper).
 */
static Share
compute_share(FunctionCallInfo fcinfo, int argno, const char *func)
{
	Datum		period_d = PG_GETARG_DATUM(argno + 1);
	RangeType  *active = PG_GETARG_RANGE_P(argno);
	RangeType  *period = PG_GETARG_RANGE_P(argno + 1);
	ProrataRule rule = rule_from_enum(fcinfo, PG_GETARG_OID(argno + 2));
	TypeCacheEntry *typcache;
	RangeBound	al,
				au,
				pl,
				pu;
	bool		aempty,
				pempty;
	DateADT		ps,
				pe,
				is,
				ie;
	Share		s;

	if (RangeTypeGetOid(active) != DATERANGEOID ||
		RangeTypeGetOid(period) != DATERANGEOID)
		elog(ERROR, "%s expects daterange arguments", func);
	typcache = lookup_type_cache(DATERANGEOID, TYPECACHE_RANGE_INFO);
	range_deserialize(typcache, active, &al, &au, &aempty);
	range_deserialize(typcache, period, &pl, &pu, &pempty);

	if (pempty)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period must not be empty"),
				 errhint("Pass the billing period, e.g. daterange('2022-01-01', '2023-01-01').")));
	if (pl.infinite || pu.infinite ||
		DATE_NOT_FINITE(DatumGetDateADT(pl.val)) ||
		DATE_NOT_FINITE(DatumGetDateADT(pu.val)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period %s must be bounded on both sides",
						range_text(period_d)),
				 errhint("Pass the billing period, e.g. daterange('2022-01-01', '2023-01-01').")));
	ps = DatumGetDateADT(pl.val);
	pe = DatumGetDateADT(pu.val);

	if (rule != RULE_DAY && (!is_first_of_month(ps) || !is_first_of_month(pe)))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("period %s does not consist of whole months",
						range_text(period_d)),
				 errdetail("The rules month and full_month need a period that starts on the first of a month and ends on the last day of a month."),
				 errhint("Use the rule day for other periods.")));

	/* intersection [is, ie) of active and period */
	is = ps;
	ie = pe;
	if (!aempty)
	{
		if (!al.infinite && !DATE_IS_NOBEGIN(DatumGetDateADT(al.val)))
			is = Max(is, DatumGetDateADT(al.val));
		if (!au.infinite && !DATE_IS_NOEND(DatumGetDateADT(au.val)))
			ie = Min(ie, DatumGetDateADT(au.val));
		/* a bound of +infinity as lower or -infinity as upper: no overlap */
		if (!al.infinite && DATE_IS_NOEND(DatumGetDateADT(al.val)))
			ie = is;
		if (!au.infinite && DATE_IS_NOBEGIN(DatumGetDateADT(au.val)))
			ie = is;
	}
	if (aempty || ie <= is)
	{
		is = ps;
		ie = ps;				/* nothing active */
	}

	switch (rule)
	{
		case RULE_DAY:
			s.d = (int64) pe - ps;
			s.n = (int64) ie - is;
			break;
		case RULE_MONTH:
			s.d = month_index(pe) - month_index(ps);
			s.n = ie > is ? month_index(ie - 1) - month_index(is) + 1 : 0;
			break;
		case RULE_FULL_MONTH:
		default:
			{
				int64		first_full,
							end_full;

				s.d = month_index(pe) - month_index(ps);
				if (ie <= is)
				{
					s.n = 0;
					break;
				}
				first_full = is_first_of_month(is) ? month_index(is) :
					month_index(is) + 1;
				end_full = month_index(ie); /* months before ie's month */
				s.n = Max(end_full - first_full, 0);
				break;
			}
	}
	return s;
}

Datum
prorata(PG_FUNCTION_ARGS)
{
	Share		s = compute_share(fcinfo, 0, "prorata");

	if (s.n == s.d)
		PG_RETURN_NUMERIC(int64_to_numeric(1));
	if (s.n == 0)
		PG_RETURN_NUMERIC(int64_to_numeric(0));
	PG_RETURN_DATUM(DirectFunctionCall2(numeric_div,
										NumericGetDatum(int64_to_numeric(s.n)),
										NumericGetDatum(int64_to_numeric(s.d))));
}

/*
 * The share as it is computed, n/d, unreduced: 9/12, 170/365, 2/3 (so that
 * an invoice line prints the fraction its amount was computed with).
 */
Datum
prorata_fraction(PG_FUNCTION_ARGS)
{
	Share		s = compute_share(fcinfo, 0, "prorata_fraction");

	PG_RETURN_TEXT_P(cstring_to_text(psprintf(INT64_FORMAT "/" INT64_FORMAT, s.n, s.d)));
}

Datum
prorate(PG_FUNCTION_ARGS)
{
	Numeric		amount = PG_GETARG_NUMERIC(0);
	Share		s;

	cultuur_check_finite(amount, "prorate", "amount");
	s = compute_share(fcinfo, 1, "prorate");
	if (s.n == s.d)
		PG_RETURN_NUMERIC(cultuur_num_round(amount, 2));
	PG_RETURN_NUMERIC(cultuur_numeric_div_round(cultuur_num_mul(amount,
												int64_to_numeric(s.n)),
										int64_to_numeric(s.d), 2));
}
