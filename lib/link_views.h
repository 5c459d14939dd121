/*
 * link_views.h — downloads through signed links (/d/{token}): each one is
 * recorded (invoice, time, client address; table link_views, sql/0026) and
 * shown to staff on the invoice, and their rate is limited.
 *
 * Limits, over the last Link.RateWindowMinutes (10): at most
 * Link.RatePerAddress (60) downloads from one address and
 * Link.RatePerInvoice (200) of one invoice; past either the download is
 * refused with IE_THROTTLED (429) and not recorded. A valid link is only
 * recorded after its signature checks out (forgeries count nothing).
 */
#ifndef INVOICE_LINK_VIEWS_H
#define INVOICE_LINK_VIEWS_H

#include "err.h"

struct db;
struct db_res;
struct config;

/* Checks the limits and records the download (autocommit, one row). */
ierr linkview_note(struct db *db, const struct config *cfg, long long invoice_id, const char *address);

/* The invoice's downloads, newest first, at most `limit`: 0 viewed_at
 * ("YYYY-MM-DD HH:MM:SS" UTC), 1 address; *total counts all of them. */
ierr linkview_each(struct db *db, long long invoice_id, long long limit,
		   ierr (*fn)(void *ctx, const struct db_res *r), void *ctx, long long *total);

#endif
