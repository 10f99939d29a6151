/*-------------------------------------------------------------------------
 *
 * module.c
 *	  The loadable module: its magic block and its one setting.
 *
 * cultuur.restoring lets a superuser reload a dump with the rule triggers
 * keeping rows exactly as dumped (see doc in README, "Backup and
 * restore").  It is a real setting, defined here with PGC_SUSET, so that
 * only a superuser can turn it on; the prefix "cultuur" is reserved, so no
 * other name under it can be set by anyone, and a placeholder that a
 * non-superuser set before the module was loaded is discarded when it
 * loads (the rule triggers call into this module, so it is loaded before
 * any of them decides anything).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/guc.h"

#include "cultuur.h"

PG_MODULE_MAGIC;

bool		cultuur_restoring = false;

void		_PG_init(void);

void
_PG_init(void)
{
	DefineCustomBoolVariable("cultuur.restoring",
							 "Rule triggers keep inserted rows exactly as dumped.",
							 "Only for reloading a dump as a superuser; it never "
							 "allows an update or a delete.",
							 &cultuur_restoring,
							 false,
							 PGC_SUSET,
							 0,
							 NULL, NULL, NULL);
	MarkGUCPrefixReserved("cultuur");
}
