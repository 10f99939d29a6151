/*-------------------------------------------------------------------------
 *
 * dates.c
 *	  Dates of the contract rules: notice deadlines (doc/rules.md §7).
 *
 * "At least N months before date D" means on or before D - N months; the
 * sending date of a notice counts.  Month arithmetic follows the server's
 * date - interval (31 December - 3 months = 30 September; 31 May - 3 months
 * = 28 or 29 February), computed on Julian days so that every date works.
 *
 *-------------------------------------------------------------------------
 */
#include "cultuur.h"

#include "datatype/timestamp.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"
#include "utils/fmgrprotos.h"

PG_FUNCTION_INFO_V1(notice_deadline);
PG_FUNCTION_INFO_V1(earliest_year_end);

static char *
interval_text(Interval *iv)
{
	return DatumGetCString(DirectFunctionCall1(interval_out,
											   IntervalPGetDatum(iv)));
}

static char *
date_text(DateADT d)
{
	return DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(d)));
}

static void
check_notice(Interval *notice, const char *func)
{
	if (notice->month < 0 || notice->day < 0 || notice->time < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("notice period %s must not have a negative part",
						interval_text(notice))));
	if (notice->time != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("notice period %s must be whole months and days",
						interval_text(notice)),
				 errhint("Write e.g. '3 months' or '90 days'.")));
	if (notice->month > 12 * 1000 || notice->day > 366 * 1000)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("notice period %s is longer than 1000 years",
						interval_text(notice))));
}

static void
check_date(DateADT d, const char *func, const char *arg)
{
	if (DATE_NOT_FINITE(d))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a finite date, not %s",
						arg, date_text(d))));
}

/*
 * d - notice on the calendar, as the server's date - interval computes it:
 * first the months, with the day clamped to the last day of the resulting
 * month (31 December - 3 months = 30 September), then the days.  Done on
 * Julian day numbers rather than through timestamp, so that it works over
 * the whole range of date (timestamp ends in 294276).  The notice is never
 * negative, so the result is never after d; returns false when it falls
 * before the first date the type can hold.
 */
static bool
date_minus_notice(DateADT d, Interval *notice, DateADT *result)
{
	int			y,
				m,
				day;
	int64		months;
	int64		jd;

	Assert(notice->month >= 0 && notice->day >= 0);
	j2date(d + POSTGRES_EPOCH_JDATE, &y, &m, &day);
	/* months since 1 BC (year 0); negative before it, so floor-divide */
	months = (int64) y * MONTHS_PER_YEAR + (m - 1) - notice->month;
	if (months >= 0)
		y = (int) (months / MONTHS_PER_YEAR);
	else
		y = (int) -((-months + MONTHS_PER_YEAR - 1) / MONTHS_PER_YEAR);
	m = (int) (months - (int64) y * MONTHS_PER_YEAR) + 1;
	if (!IS_VALID_JULIAN(y, m, 1))
		return false;
	if (day > day_tab[isleap(y)][m - 1])
		day = day_tab[isleap(y)][m - 1];
	jd = (int64) date2j(y, m, day) - notice->day;
	if (jd < DATETIME_MIN_JULIAN)
		return false;
	*result = (DateADT) (jd - POSTGRES_EPOCH_JDATE);
	return true;
}

Datum
notice_deadline(PG_FUNCTION_ARGS)
{
	DateADT		end_date = PG_GETARG_DATEADT(0);
	Interval   *notice = PG_GETARG_INTERVAL_P(1);
	DateADT		result;

	check_date(end_date, "notice_deadline", "end_date");
	check_notice(notice, "notice_deadline");
	if (!date_minus_notice(end_date, notice, &result))
		ereport(ERROR,
				(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
				 errmsg("%s minus %s is out of range for type date",
						date_text(end_date), interval_text(notice))));
	PG_RETURN_DATEADT(result);
}

/* the first 31 December whose notice deadline is on or after notified_on */
Datum
earliest_year_end(PG_FUNCTION_ARGS)
{
	DateADT		notified_on = PG_GETARG_DATEADT(0);
	Interval   *notice = PG_GETARG_INTERVAL_P(1);
	int			y,
				m,
				d;
	int			year;

	check_date(notified_on, "earliest_year_end", "notified_on");
	check_notice(notice, "earliest_year_end");
	j2date(notified_on + POSTGRES_EPOCH_JDATE, &y, &m, &d);
	/*
	 * The deadline for 31 December of year Y moves forward with Y, so the
	 * answer is the first Y from the notice's own year whose deadline is not
	 * before the notice.  Skip ahead by the whole years of the notice period.
	 */
	year = y + notice->month / 12 - 1;
	if (year < y)
		year = y;
	for (;; year++)
	{
		DateADT		dec31;
		DateADT		deadline;

		if (!IS_VALID_JULIAN(year, 12, 31))
			ereport(ERROR,
					(errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
					 errmsg("no 31 December within the date range can be reached from %s",
							date_text(notified_on))));
		dec31 = date2j(year, 12, 31) - POSTGRES_EPOCH_JDATE;
		/* a deadline before the range of date is before the notice too */
		if (date_minus_notice(dec31, notice, &deadline) &&
			deadline >= notified_on)
			PG_RETURN_DATEADT(dec31);
	}
}
