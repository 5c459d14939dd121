/*
 * dashboard.h — the staff dashboard at /admin: receivables and overdue per
 * currency, counts by shown status, aging buckets, billed vs. paid per month
 * drawn as inline SVG.
 *
 * Every money figure is a list figure (DESIGN.md "List figures", the one rule
 * in lib/listq.h: listq_sum_add), read from the trigger-kept totals tables
 * (sql/0002 with the kind of sql/0011; the open documents per due date of
 * sql/0020 for the aging), never by scanning invoices. Like the
 * list's sums tables, the date-derived statuses (due, partly paid, overdue)
 * and the aging buckets turn on `today`, the configured zone's date
 * (inv_today(Invoice.TimeZone)), which is what the list's sums read too.
 *
 * Aging (days past due = today - due date, in whole calendar days):
 *   current   not yet due (due today or later; the list's due + partial)
 *   1-30, 31-60, 61-90, over 90 days overdue
 * Each cell's figure is the balance of the list that its link opens:
 * /invoices?status=overdue&date=due&from=..&to=..&currency=.. (dash_bucket_range).
 */
#ifndef INVOICE_DASHBOARD_H
#define INVOICE_DASHBOARD_H

#include <stddef.h>
#include "buf.h"
#include "err.h"
#include "money.h"

enum dash_bucket { DASH_CURRENT, DASH_1_30, DASH_31_60, DASH_61_90, DASH_OVER_90, DASH_NBUCKETS };

/* "current", "1-30", "31-60", "61-90", "over-90" (CSS/ids), and the heading. */
const char *dash_bucket_key(enum dash_bucket b);
const char *dash_bucket_label(enum dash_bucket b);

/* The bucket of an open invoice due on `due`, on `today` (date.h dates;
 * IE_INVALID for a malformed or impossible one). */
ierr dash_bucket_of(const char *due, const char *today, enum dash_bucket *out);
/* The due-date range of a bucket's list link (from/to "" = open-ended).
 * DASH_CURRENT: from = today, to = "". */
ierr dash_bucket_range(enum dash_bucket b, const char *today, char from[11], char to[11]);

/* One month of a chart: "YYYY-MM", billed and paid in minor units. */
struct dash_month {
	char month[8];
	money_t billed, paid;
};

/*
 * Appends an inline <svg> bar chart (two bars per month: billed, paid) with
 * <title>/<desc>, y-axis labels formatted by money_format in `currency`, a
 * month label under each pair and a legend. Negative months (credit notes
 * outweighing invoices) draw below the zero line. All text goes through the
 * html.h escapers. `id` names the title/desc elements (aria-labelledby), a
 * short [a-z0-9-] string. No data (n == 0) draws the axes and "No data".
 */
ierr dash_svg(struct buf *out, const char *id, const char *title, const char *currency,
	      const struct dash_month *m, size_t n);

#define DASH_MONTHS 12
#define DASH_MAX_CURRENCIES 16

struct listq_sum;
struct db;

struct dash_currency {
	char currency[4];
	money_t billed, paid, outstanding, overdue;   /* all time, by the list figures rule */
	long long overdue_n;
	money_t aging[DASH_NBUCKETS];                 /* balance per bucket */
	long long aging_n[DASH_NBUCKETS];
	struct dash_month months[DASH_MONTHS];        /* oldest first */
};

struct dash {
	char today[11];
	long long counts[7];                          /* by enum inv_shown */
	struct dash_currency cur[DASH_MAX_CURRENCIES];
	size_t ncur;
	/* each month's list range (invoice date) for the table's links */
	char month_from[DASH_MONTHS][11], month_to[DASH_MONTHS][11];
};

struct memo;
/* Reads the dashboard's figures from the totals tables for `today`; with a
 * memo, reuses the figures computed at the same totals version and day. */
ierr dash_load(struct db *db, struct memo *memo, const char *today, struct dash *d);

#endif
