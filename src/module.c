/*-------------------------------------------------------------------------
 *
 * module.c
 *	  The loadable module's magic block.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

PG_MODULE_MAGIC;
