/*-------------------------------------------------------------------------
 *
 * txn.c
 *	  Transaction and session helpers for the rule triggers.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "catalog/pg_authid.h"
#include "commands/extension.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "storage/proc.h"
#include "utils/rls.h"

#include "cultuur.h"

PG_FUNCTION_INFO_V1(xid_is_current);
PG_FUNCTION_INFO_V1(restoring);
PG_FUNCTION_INFO_V1(in_extension_script);

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

/*
 * True while a dump is being restored by a superuser: the session's login
 * is a superuser, and either cultuur.restoring is on or row_security is off.
 * pg_dump and pg_restore put "SET row_security = off" at the head of every
 * dump and every restore connection (a superuser has no other use for it:
 * row security never applies to one), so a dump loaded with psql,
 * pg_restore or pg_dumpall is recognised without any switch.  The login is
 * tested, not the current user: inside a SECURITY DEFINER function owned by
 * a superuser the current user is that owner, whoever called it.  The
 * triggers honour it only for inserts.  While it is honoured, a warning
 * says so once per transaction, so that a superuser who left it on learns
 * that the rules are off.
 */
Datum
restoring(PG_FUNCTION_ARGS)
{
	static LocalTransactionId warned = InvalidLocalTransactionId;

	if (!(cultuur_restoring || !row_security) || !superuser_arg(GetSessionUserId()))
		PG_RETURN_BOOL(false);

	if (warned != MyProc->lxid)
	{
		warned = MyProc->lxid;
		if (cultuur_restoring)
			ereport(WARNING,
					(errmsg("cultuur.restoring is on: inserted rows are kept as given, without the contract rules"),
					 errhint("Turn it off (RESET cultuur.restoring) as soon as the restore is done.")));
		else
			ereport(NOTICE,
					(errmsg("restoring a dump (row_security is off): inserted rows are kept as dumped"),
					 errdetail("pg_dump and pg_restore turn row_security off; with it off, a superuser's inserts are taken as a restore and skip the contract rules."),
					 errhint("For ordinary work keep row_security on.")));
	}
	PG_RETURN_BOOL(true);
}

/*
 * True while the extension's own install or upgrade script runs: the only
 * time the built-in services may change.
 */
Datum
in_extension_script(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(creating_extension &&
				   CurrentExtensionObject == get_extension_oid("cultuur", true));
}
