/*-------------------------------------------------------------------------
 *
 * txn.c
 *	  Transaction helpers for the rule triggers.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "fmgr.h"

PG_FUNCTION_INFO_V1(xid_is_current);

/*
 * True when xid belongs to the current transaction or one of its
 * subtransactions: a row whose xmin passes was written by this very
 * transaction (used to let only the issuing transaction add invoice lines).
 */
Datum
xid_is_current(PG_FUNCTION_ARGS)
{
	TransactionId xid = DatumGetTransactionId(PG_GETARG_DATUM(0));

	PG_RETURN_BOOL(TransactionIdIsCurrentTransactionId(xid));
}
