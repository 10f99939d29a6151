/*-------------------------------------------------------------------------
 *
 * pseudonym.c
 *	  Pseudonyms for lending statistics: a keyed hash (HMAC-SHA-256) of a
 *	  member's number under a secret key the database keeps, and the key
 *	  itself, drawn from the server's strong random source.
 *
 * A usage row written by a loan or a reservation carries only the
 * pseudonym (doc/rules.md §10, §11; the data-use annex B part 2 §2): the
 * same member always gets the same 64 hex digits, so unique users can be
 * counted, and nobody who cannot read the key can go from a member to the
 * pseudonym or back.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "common/cryptohash.h"
#include "common/hmac.h"
#include "common/sha2.h"
#include "fmgr.h"
#include "utils/builtins.h"

#include "cultuur.h"

PG_FUNCTION_INFO_V1(lending_pseudonym);
PG_FUNCTION_INFO_V1(lending_new_key);

#define LENDING_KEY_BYTES 32

/*
 * lending_pseudonym(key bytea, member_id bigint) returns text:
 * lower-case hex of HMAC-SHA-256(key, decimal member number).
 */
Datum
lending_pseudonym(PG_FUNCTION_ARGS)
{
	bytea	   *key = PG_GETARG_BYTEA_PP(0);
	int64		member = PG_GETARG_INT64(1);
	char		msg[32];
	uint8		digest[PG_SHA256_DIGEST_LENGTH];
	char		hex[PG_SHA256_DIGEST_LENGTH * 2 + 1];
	pg_hmac_ctx *ctx;
	int			len;

	if (VARSIZE_ANY_EXHDR(key) != LENDING_KEY_BYTES)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a pseudonym key has %d bytes, not %d",
						LENDING_KEY_BYTES, (int) VARSIZE_ANY_EXHDR(key))));
	len = snprintf(msg, sizeof(msg), INT64_FORMAT, member);

	ctx = pg_hmac_create(PG_SHA256);
	if (ctx == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_OUT_OF_MEMORY),
				 errmsg("out of memory")));
	if (pg_hmac_init(ctx, (const uint8 *) VARDATA_ANY(key), LENDING_KEY_BYTES) < 0 ||
		pg_hmac_update(ctx, (const uint8 *) msg, len) < 0 ||
		pg_hmac_final(ctx, digest, sizeof(digest)) < 0)
	{
		const char *why = pg_hmac_error(ctx);

		pg_hmac_free(ctx);
		elog(ERROR, "could not compute a pseudonym: %s", why);
	}
	pg_hmac_free(ctx);

	hex_encode((const char *) digest, sizeof(digest), hex);
	hex[sizeof(hex) - 1] = '\0';
	PG_FREE_IF_COPY(key, 0);
	PG_RETURN_TEXT_P(cstring_to_text(hex));
}

/*
 * lending_new_key() returns bytea: 32 bytes from the strong random source.
 */
Datum
lending_new_key(PG_FUNCTION_ARGS)
{
	bytea	   *key = (bytea *) palloc(VARHDRSZ + LENDING_KEY_BYTES);

	SET_VARSIZE(key, VARHDRSZ + LENDING_KEY_BYTES);
	if (!pg_strong_random(VARDATA(key), LENDING_KEY_BYTES))
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not generate a random pseudonym key")));
	PG_RETURN_BYTEA_P(key);
}
