/*-------------------------------------------------------------------------
 *
 * tiers_io.c
 *	  The cultuur.tiers type: text and binary input/output, equality,
 *	  and conversion to and from rows and arrays.
 *
 * Text form (see the README's reference):
 *		tiers  := tier ( ';' tier )*
 *		tier   := price | bound ':' price		(a bound on every tier but the first)
 *		bound  := '>' number | '>=' number
 *		number := digits [ '.' digits ]
 *
 * Binary form: one version byte (1), an int16 tier count, then per tier
 * one kind byte (0 none, 1 '>', 2 '>='), the bound and the price as int64
 * micro units.  tiers_recv re-checks everything tiers_in checks.
 *
 *-------------------------------------------------------------------------
 */
#include "cultuur.h"

#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "funcapi.h"
#include "libpq/pqformat.h"
#include "mb/pg_wchar.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"

PG_FUNCTION_INFO_V1(tiers_in);
PG_FUNCTION_INFO_V1(tiers_out);
PG_FUNCTION_INFO_V1(tiers_recv);
PG_FUNCTION_INFO_V1(tiers_send);
PG_FUNCTION_INFO_V1(tiers_eq);
PG_FUNCTION_INFO_V1(tiers_ne);
PG_FUNCTION_INFO_V1(tiers_hash);
PG_FUNCTION_INFO_V1(tiers_cmp);
PG_FUNCTION_INFO_V1(tiers_lt);
PG_FUNCTION_INFO_V1(tiers_le);
PG_FUNCTION_INFO_V1(tiers_gt);
PG_FUNCTION_INFO_V1(tiers_ge);
PG_FUNCTION_INFO_V1(tiers_from_bytes);
PG_FUNCTION_INFO_V1(tier_rows);
PG_FUNCTION_INFO_V1(make_tiers);

Tiers *
cultuur_tiers_alloc(int ntiers)
{
	Tiers	   *t = (Tiers *) palloc0(TIERS_SIZE(ntiers));

	SET_VARSIZE(t, TIERS_SIZE(ntiers));
	t->ntiers = ntiers;
	return t;
}

/*
 * Check the invariants of a schedule.  Returns NULL when it is valid,
 * otherwise a description of the problem, with *bad_tier set to the
 * 1-based tier at fault.  Used by every way a value can be made.
 */
const char *
cultuur_tiers_check(const Tiers *t, int *bad_tier)
{
	int			i;

	*bad_tier = 0;
	if (t->ntiers < 1)
		return "a schedule needs at least one tier";
	if (t->ntiers > TIERS_MAX_TIERS)
		return "a schedule has at most 64 tiers";
	for (i = 0; i < t->ntiers; i++)
	{
		const TierEntry *e = &t->tier[i];

		*bad_tier = i + 1;
		if (e->kind != TIER_NO_BOUND && e->kind != TIER_GT &&
			e->kind != TIER_GE)
			return psprintf("the bound kind %d is unknown (0 = none, 1 = '>', 2 = '>=')",
							e->kind);
		if (e->pad != 0)
			return "reserved bytes are not zero";
		if (e->price < 0 || e->price > TIERS_MAX_VALUE)
			return "the price is out of range";
		if (e->bound < 0 || e->bound > TIERS_MAX_VALUE)
			return "the bound is out of range";
		if (i == 0)
		{
			if (e->kind != TIER_NO_BOUND)
				return "the first tier cannot have a bound";
			if (e->bound != 0)
				return "the first tier cannot have a bound";
			continue;
		}
		if (e->kind != TIER_GT && e->kind != TIER_GE)
			return "every tier after the first needs a bound";
		if (e->kind == TIER_GE && e->bound == 0)
			return "a bound of >= 0 would leave the first tier empty";
		if (i > 1 && e->bound <= t->tier[i - 1].bound)
			return "bounds must strictly increase";
	}
	*bad_tier = 0;
	return NULL;
}

/* micro units to canonical text: no trailing fractional zeros */
char *
cultuur_micro_to_cstring(int64 v)
{
	int64		ip = v / TIERS_UNIT;
	int64		fp = v % TIERS_UNIT;
	char		frac[TIERS_SCALE + 1];
	int			len;

	if (fp == 0)
		return psprintf(INT64_FORMAT, ip);
	snprintf(frac, sizeof(frac), "%06d", (int) fp);
	len = TIERS_SCALE;
	while (len > 0 && frac[len - 1] == '0')
		len--;
	frac[len] = '\0';
	return psprintf(INT64_FORMAT ".%s", ip, frac);
}

/* ---- text input ---- */

typedef struct TiersParser
{
	const char *input;			/* whole literal */
	const char *p;				/* cursor */
} TiersParser;

static char *
shown_literal(const char *s)
{
	int			len = strlen(s);

	if (len > 80)
	{
		int			cut = pg_mbcliplen(s, len, 60);

		return psprintf("%.*s...", cut, s);
	}
	return pstrdup(s);
}

static int
char_position(const TiersParser *ps)
{
	return pg_mbstrlen_with_len(ps->input, ps->p - ps->input) + 1;
}

pg_attribute_noreturn()
static void
syntax_error(const TiersParser *ps, const char *what, const char *hint)
{
	/* the detail is a sentence: capitalise what went wrong */
	char	   *sentence = pstrdup(what);

	sentence[0] = pg_toupper((unsigned char) sentence[0]);
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type %s: \"%s\"",
					"tiers", shown_literal(ps->input)),
			 errdetail("%s at position %d.", sentence, char_position(ps)),
			 hint ? errhint("%s", hint) : 0));
}

/* describe the character under the cursor for an error detail */
static char *
describe_char(const TiersParser *ps)
{
	unsigned char c = (unsigned char) *ps->p;

	if (c == '\0')
		return pstrdup("end of input");
	if (c < 0x20 || c == 0x7f)
		return psprintf("control character 0x%02X", c);
	if (c >= 0x80)
		return psprintf("non-ASCII character \"%.*s\"",
						pg_mblen(ps->p), ps->p);
	return psprintf("character \"%c\"", c);
}

static void
skip_space(TiersParser *ps)
{
	while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
		   *ps->p == '\r' || *ps->p == '\f' || *ps->p == '\v')
		ps->p++;
}

static bool
at_word(const TiersParser *ps, const char *word)
{
	return pg_strncasecmp(ps->p, word, strlen(word)) == 0;
}

/* explain why the cursor is not at a number */
pg_attribute_noreturn()
static void
not_a_number(TiersParser *ps, const char *what)
{
	char		c = *ps->p;

	if (c == '-' || c == '+')
		syntax_error(ps, "a sign is not allowed",
					 "Prices and bounds are written without a sign.");
	if (at_word(ps, "nan") || at_word(ps, "inf") || at_word(ps, "+inf") ||
		at_word(ps, "-inf"))
		syntax_error(ps, "NaN and Infinity are not allowed",
					 "Write a finite decimal number such as 6.79.");
	if (c == '.')
		syntax_error(ps, "a number must start with a digit",
					 "Write 0.5, not .5.");
	if (c == '\0')
		syntax_error(ps, psprintf("expected %s, found end of input", what),
					 NULL);
	syntax_error(ps, psprintf("expected %s, found %s", what,
							  describe_char(ps)),
				 NULL);
}

/*
 * Parse digits [ '.' digits ] into micro units.  Leading zeros are allowed
 * and not significant.
 */
static int64
parse_number(TiersParser *ps, const char *what)
{
	const char *start = ps->p;
	int64		ip = 0;
	int64		fp = 0;
	int			sig_digits = 0;
	int			frac_digits = 0;

	if (!isdigit((unsigned char) *ps->p))
		not_a_number(ps, what);
	while (isdigit((unsigned char) *ps->p))
	{
		if (sig_digits > 0 || *ps->p != '0')
			sig_digits++;
		if (sig_digits > TIERS_MAX_INT_DIGITS)
		{
			while (isdigit((unsigned char) *ps->p) || *ps->p == '.')
				ps->p++;
			ereport(ERROR,
					(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
					 errmsg("value out of range for type %s: \"%s\"",
							"tiers", shown_literal(ps->input)),
					 errdetail("The number \"%.*s%s\" has more than %d digits before the decimal point.",
							   (int) Min(ps->p - start, 40), start,
							   ps->p - start > 40 ? "..." : "",
							   TIERS_MAX_INT_DIGITS),
					 errhint("Prices and bounds must be below 1000000000000.")));
		}
		ip = ip * 10 + (*ps->p - '0');
		ps->p++;
	}
	if (*ps->p == '.')
	{
		ps->p++;
		if (!isdigit((unsigned char) *ps->p))
		{
			/* "6." at the end of a number, or "6.x" */
			if (*ps->p == '\0' || *ps->p == ';' || *ps->p == ':' ||
				*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' ||
				*ps->p == '\r' || *ps->p == '\f' || *ps->p == '\v')
				syntax_error(ps, "expected a digit after the decimal point",
							 "Write 6.0 or 6, not 6.");
			syntax_error(ps, psprintf("expected a digit after the decimal point, found %s",
									  describe_char(ps)),
						 NULL);
		}
		while (isdigit((unsigned char) *ps->p))
		{
			frac_digits++;
			if (frac_digits > TIERS_SCALE)
				syntax_error(ps, "too many decimals: at most 6 are allowed",
							 NULL);
			fp = fp * 10 + (*ps->p - '0');
			ps->p++;
		}
		while (frac_digits < TIERS_SCALE)
		{
			fp *= 10;
			frac_digits++;
		}
	}
	if (*ps->p == 'e' || *ps->p == 'E')
		syntax_error(ps, "an exponent is not allowed",
					 "Write the number out in full, e.g. 1500 rather than 1.5e3.");
	if (*ps->p == ',' && isdigit((unsigned char) ps->p[1]))
		syntax_error(ps, "a decimal comma is not allowed",
					 "Use '.' as the decimal mark, e.g. 6.79.");
	return ip * TIERS_UNIT + fp;
}

Datum
tiers_in(PG_FUNCTION_ARGS)
{
	char	   *str = PG_GETARG_CSTRING(0);
	TiersParser ps;
	TierEntry	entries[TIERS_MAX_TIERS];
	int			n = 0;
	Tiers	   *result;

	ps.input = str;
	ps.p = str;

	if (strlen(str) > TIERS_MAX_INPUT)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
				 errmsg("invalid input syntax for type %s: \"%s\"",
						"tiers", shown_literal(str)),
				 errdetail("The literal is %zu bytes long; at most %d are accepted.",
						   strlen(str), TIERS_MAX_INPUT)));

	skip_space(&ps);
	if (*ps.p == '\0')
		syntax_error(&ps, "a schedule cannot be empty",
					 "Write at least one price, e.g. '6.79'.");
	if (*ps.p == '>')
		syntax_error(&ps, "the first tier cannot have a bound",
					 "Start with the price that applies from 0, e.g. '6.79; >1000: 6.11'.");

	memset(entries, 0, sizeof(entries));
	entries[0].kind = TIER_NO_BOUND;
	entries[0].price = parse_number(&ps, "a price");
	n = 1;

	for (;;)
	{
		TierEntry  *e;
		const char *bound_start;

		skip_space(&ps);
		if (*ps.p == '\0')
			break;
		if (*ps.p == ',')
			syntax_error(&ps, "tiers are separated by ';', not ','",
						 "Write '6.79; >1000: 6.11'.");
		if (*ps.p != ';')
			syntax_error(&ps, psprintf("expected ';' or end of input, found %s",
									   describe_char(&ps)),
						 NULL);
		ps.p++;
		skip_space(&ps);
		if (*ps.p == '\0')
			syntax_error(&ps, "expected a tier after ';'", NULL);
		if (n >= TIERS_MAX_TIERS)
			syntax_error(&ps, "too many tiers: at most 64 are allowed", NULL);

		e = &entries[n];
		if (*ps.p != '>')
		{
			if (isdigit((unsigned char) *ps.p))
				syntax_error(&ps, "every tier after the first needs a bound",
							 "Write the bound before the price, e.g. '>1000: 6.11'.");
			syntax_error(&ps, psprintf("expected '>' or '>=', found %s",
									   describe_char(&ps)),
						 NULL);
		}
		ps.p++;
		if (*ps.p == '=')
		{
			e->kind = TIER_GE;
			ps.p++;
		}
		else
			e->kind = TIER_GT;
		skip_space(&ps);
		bound_start = ps.p;
		e->bound = parse_number(&ps, "a bound");
		/* errors about the bound's value point at the bound */
		if (e->kind == TIER_GE && e->bound == 0)
		{
			ps.p = bound_start;
			syntax_error(&ps, "a bound of >= 0 would leave the first tier empty",
						 "Write '>0' for a price that applies to every positive volume.");
		}
		if (n > 1 && e->bound <= entries[n - 1].bound)
		{
			ps.p = bound_start;
			syntax_error(&ps, psprintf("bounds must strictly increase, but %s follows %s",
									   cultuur_micro_to_cstring(e->bound),
									   cultuur_micro_to_cstring(entries[n - 1].bound)),
						 "List the tiers from the lowest bound to the highest.");
		}
		skip_space(&ps);
		if (*ps.p != ':')
			syntax_error(&ps, psprintf("expected ':' after the bound, found %s",
									   describe_char(&ps)),
						 NULL);
		ps.p++;
		skip_space(&ps);
		e->price = parse_number(&ps, "a price");
		n++;
	}

	result = cultuur_tiers_alloc(n);
	memcpy(result->tier, entries, sizeof(TierEntry) * n);
	PG_RETURN_TIERS_P(result);
}

Datum
tiers_out(PG_FUNCTION_ARGS)
{
	Tiers	   *t = PG_GETARG_TIERS_P(0);
	StringInfoData buf;
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < t->ntiers; i++)
	{
		const TierEntry *e = &t->tier[i];

		if (i > 0)
			appendStringInfo(&buf, "; %s%s: ",
							 e->kind == TIER_GE ? ">=" : ">",
							 cultuur_micro_to_cstring(e->bound));
		appendStringInfoString(&buf, cultuur_micro_to_cstring(e->price));
	}
	PG_FREE_IF_COPY(t, 0);
	PG_RETURN_CSTRING(buf.data);
}

/* ---- binary input/output ---- */

pg_attribute_noreturn()
static void
binary_error(const char *detail)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid binary representation for type %s", "tiers"),
			 errdetail("%s", detail)));
}

static Tiers *
tiers_from_buffer(StringInfo buf)
{
	int			version;
	int			n;
	int			i;
	Tiers	   *t;
	const char *problem;
	int			bad_tier;

	if (buf->len - buf->cursor < 3)
		binary_error(psprintf("The value is %d bytes long; a schedule needs at least 3.",
							  buf->len - buf->cursor));
	version = pq_getmsgbyte(buf);
	if (version != TIERS_BINARY_VERSION)
		binary_error(psprintf("Unsupported binary format version %d; this version of cultuur reads version %d.",
							  version, TIERS_BINARY_VERSION));
	n = (int16) pq_getmsgint(buf, 2);
	if (n < 1 || n > TIERS_MAX_TIERS)
		binary_error(psprintf("The tier count is %d; it must be between 1 and %d.",
							  n, TIERS_MAX_TIERS));
	if (buf->len - buf->cursor != n * 17)
		binary_error(psprintf("%d tiers need %d more bytes, found %d.",
							  n, n * 17, buf->len - buf->cursor));
	t = cultuur_tiers_alloc(n);
	for (i = 0; i < n; i++)
	{
		t->tier[i].kind = pq_getmsgbyte(buf);
		t->tier[i].bound = pq_getmsgint64(buf);
		t->tier[i].price = pq_getmsgint64(buf);
	}
	problem = cultuur_tiers_check(t, &bad_tier);
	if (problem)
		binary_error(psprintf("Tier %d: %s.", bad_tier, problem));
	return t;
}

Datum
tiers_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);

	PG_RETURN_TIERS_P(tiers_from_buffer(buf));
}

Datum
tiers_send(PG_FUNCTION_ARGS)
{
	Tiers	   *t = PG_GETARG_TIERS_P(0);
	StringInfoData buf;
	int			i;

	pq_begintypsend(&buf);
	pq_sendbyte(&buf, TIERS_BINARY_VERSION);
	pq_sendint16(&buf, (uint16) t->ntiers);
	for (i = 0; i < t->ntiers; i++)
	{
		pq_sendbyte(&buf, (uint8) t->tier[i].kind);
		pq_sendint64(&buf, t->tier[i].bound);
		pq_sendint64(&buf, t->tier[i].price);
	}
	PG_FREE_IF_COPY(t, 0);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* the binary form from SQL: decode a bytea the way tiers_recv does */
Datum
tiers_from_bytes(PG_FUNCTION_ARGS)
{
	bytea	   *b = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;

	buf.data = VARDATA_ANY(b);
	buf.len = VARSIZE_ANY_EXHDR(b);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	PG_RETURN_TIERS_P(tiers_from_buffer(&buf));
}

/* ---- equality ---- */

static bool
tiers_equal(Tiers *a, Tiers *b)
{
	/* the representation is canonical: equal schedules are equal bytes */
	return VARSIZE(a) == VARSIZE(b) &&
		memcmp(a, b, VARSIZE(a)) == 0;
}

Datum
tiers_eq(PG_FUNCTION_ARGS)
{
	Tiers	   *a = PG_GETARG_TIERS_P(0);
	Tiers	   *b = PG_GETARG_TIERS_P(1);
	bool		result = tiers_equal(a, b);

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	PG_RETURN_BOOL(result);
}

Datum
tiers_ne(PG_FUNCTION_ARGS)
{
	Tiers	   *a = PG_GETARG_TIERS_P(0);
	Tiers	   *b = PG_GETARG_TIERS_P(1);
	bool		result = !tiers_equal(a, b);

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	PG_RETURN_BOOL(result);
}

/*
 * A total order, for ORDER BY, DISTINCT and btree indexes: tier by tier,
 * the first price, then each tier's bound, bound kind ('>' before '>=')
 * and price; a schedule that is a prefix of another sorts first.  It
 * agrees with equality: only equal schedules compare as 0.
 */
static int
tiers_compare(const Tiers *a, const Tiers *b)
{
	int			n = Min(a->ntiers, b->ntiers);
	int			i;

	for (i = 0; i < n; i++)
	{
		const TierEntry *x = &a->tier[i];
		const TierEntry *y = &b->tier[i];

		if (x->bound != y->bound)
			return x->bound < y->bound ? -1 : 1;
		if (x->kind != y->kind)
			return x->kind < y->kind ? -1 : 1;
		if (x->price != y->price)
			return x->price < y->price ? -1 : 1;
	}
	if (a->ntiers != b->ntiers)
		return a->ntiers < b->ntiers ? -1 : 1;
	return 0;
}

static int
tiers_compare_args(FunctionCallInfo fcinfo)
{
	Tiers	   *a = PG_GETARG_TIERS_P(0);
	Tiers	   *b = PG_GETARG_TIERS_P(1);
	int			result = tiers_compare(a, b);

	PG_FREE_IF_COPY(a, 0);
	PG_FREE_IF_COPY(b, 1);
	return result;
}

Datum
tiers_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(tiers_compare_args(fcinfo));
}

Datum
tiers_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(tiers_compare_args(fcinfo) < 0);
}

Datum
tiers_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(tiers_compare_args(fcinfo) <= 0);
}

Datum
tiers_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(tiers_compare_args(fcinfo) > 0);
}

Datum
tiers_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(tiers_compare_args(fcinfo) >= 0);
}

/* hash support, so that schedules can be grouped and compared by hash */
Datum
tiers_hash(PG_FUNCTION_ARGS)
{
	Tiers	   *t = PG_GETARG_TIERS_P(0);
	Datum		h = hash_any((unsigned char *) &t->ntiers,
							 VARSIZE(t) - offsetof(Tiers, ntiers));

	PG_FREE_IF_COPY(t, 0);
	PG_RETURN_DATUM(h);
}

/* ---- rows and arrays ---- */

/*
 * tier_rows(t) -> (tier int, bound numeric, inclusive bool, price numeric)
 * The first tier has a NULL bound and NULL inclusive.
 */
Datum
tier_rows(PG_FUNCTION_ARGS)
{
	FuncCallContext *funcctx;
	Tiers	   *t;

	if (SRF_IS_FIRSTCALL())
	{
		MemoryContext oldcontext;
		TupleDesc	tupdesc;

		funcctx = SRF_FIRSTCALL_INIT();
		oldcontext = MemoryContextSwitchTo(funcctx->multi_call_memory_ctx);
		if (get_call_result_type(fcinfo, NULL, &tupdesc) != TYPEFUNC_COMPOSITE)
			elog(ERROR, "return type must be a row type");
		funcctx->tuple_desc = BlessTupleDesc(tupdesc);
		funcctx->user_fctx = PG_GETARG_TIERS_P_COPY(0);
		funcctx->max_calls = ((Tiers *) funcctx->user_fctx)->ntiers;
		MemoryContextSwitchTo(oldcontext);
	}
	funcctx = SRF_PERCALL_SETUP();
	t = (Tiers *) funcctx->user_fctx;
	if (funcctx->call_cntr < funcctx->max_calls)
	{
		int			i = funcctx->call_cntr;
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};
		HeapTuple	tuple;

		values[0] = Int32GetDatum(i + 1);
		if (i == 0)
		{
			nulls[1] = true;
			nulls[2] = true;
			values[1] = values[2] = (Datum) 0;
		}
		else
		{
			values[1] = NumericGetDatum(cultuur_micro_to_numeric(t->tier[i].bound));
			values[2] = BoolGetDatum(t->tier[i].kind == TIER_GE);
		}
		values[3] = NumericGetDatum(cultuur_micro_to_numeric(t->tier[i].price));
		tuple = heap_form_tuple(funcctx->tuple_desc, values, nulls);
		SRF_RETURN_NEXT(funcctx, HeapTupleGetDatum(tuple));
	}
	SRF_RETURN_DONE(funcctx);
}

static void
deconstruct_arg(ArrayType *a, Oid elemtype, const char *arg,
				Datum **values, bool **nulls, int *n)
{
	int16		typlen;
	bool		typbyval;
	char		typalign;

	if (ARR_NDIM(a) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must be a one-dimensional array", arg)));
	get_typlenbyvalalign(elemtype, &typlen, &typbyval, &typalign);
	deconstruct_array(a, elemtype, typlen, typbyval, typalign,
					  values, nulls, n);
}

/* a numeric for a message: very long values are cut */
static char *
shown_numeric(Numeric n)
{
	return cultuur_num_to_cstring(n);	/* already shortens long values */
}

static int64
array_micro(Datum d, bool isnull, const char *arg, int pos)
{
	Numeric		n;
	int64		v;

	if (isnull)
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s[%d] is NULL", arg, pos)));
	n = DatumGetNumeric(d);

	/*
	 * Refuse values of 10^12 and more before cultuur_numeric_to_micro scales them:
	 * near the top of numeric's range the scaling itself would overflow.
	 * NaN compares above every number.
	 */
	if (cultuur_num_cmp(n, int64_to_numeric(TIERS_MAX_VALUE / TIERS_UNIT + 1)) >= 0 ||
		!cultuur_numeric_to_micro(n, &v))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s[%d] = %s is not a valid price or bound",
						arg, pos, shown_numeric(n)),
				 errdetail("Prices and bounds are finite, not negative, below 1000000000000 and have at most 6 decimals.")));
	return v;
}

/*
 * make_tiers(prices numeric[], bounds numeric[], inclusive boolean[])
 * prices has one element more than bounds: prices[1] applies from 0,
 * prices[i+1] above bounds[i] ('>=' where inclusive[i] is true).
 * inclusive may be NULL (all '>').
 */
Datum
make_tiers(PG_FUNCTION_ARGS)
{
	ArrayType  *pa;
	ArrayType  *ba;
	Datum	   *pv,
			   *bv,
			   *iv = NULL;
	bool	   *pn,
			   *bn,
			   *in = NULL;
	int			np,
				nb,
				ni = 0;
	Tiers	   *t;
	int			i;
	const char *problem;
	int			bad_tier;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	pa = PG_GETARG_ARRAYTYPE_P(0);
	ba = PG_GETARG_ARRAYTYPE_P(1);
	deconstruct_arg(pa, NUMERICOID, "prices", &pv, &pn, &np);
	deconstruct_arg(ba, NUMERICOID, "bounds", &bv, &bn, &nb);
	if (!PG_ARGISNULL(2))
		deconstruct_arg(PG_GETARG_ARRAYTYPE_P(2), BOOLOID, "inclusive",
						&iv, &in, &ni);

	if (np < 1 || np > TIERS_MAX_TIERS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("prices has %d elements; a schedule has 1 to %d tiers",
						np, TIERS_MAX_TIERS)));
	if (nb != np - 1)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("bounds has %d elements, expected %d", nb, np - 1),
				 errdetail("The first price applies from 0; each further price needs one bound.")));
	if (!PG_ARGISNULL(2) && ni != nb)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("inclusive has %d elements, expected %d", ni, nb)));

	t = cultuur_tiers_alloc(np);
	for (i = 0; i < np; i++)
	{
		t->tier[i].price = array_micro(pv[i], pn[i], "prices", i + 1);
		if (i == 0)
			continue;
		t->tier[i].bound = array_micro(bv[i - 1], bn[i - 1], "bounds", i);
		t->tier[i].kind = TIER_GT;
		if (iv != NULL)
		{
			if (in[i - 1])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("inclusive[%d] is NULL", i)));
			if (DatumGetBool(iv[i - 1]))
				t->tier[i].kind = TIER_GE;
		}
	}
	problem = cultuur_tiers_check(t, &bad_tier);
	if (problem)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("tier %d: %s", bad_tier, problem)));
	PG_RETURN_TIERS_P(t);
}
