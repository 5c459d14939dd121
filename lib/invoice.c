#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "invoice.h"

const char *inv_shown_name(enum inv_shown s)
{
	static const char *const names[] = {
		[INV_DRAFT] = "DRAFT", [INV_DUE] = "DUE", [INV_PARTIAL] = "PARTIAL",
		[INV_OVERDUE] = "OVER_DUE", [INV_PAID] = "PAID", [INV_CANCEL] = "CANCEL",
	};
	return (unsigned)s <= INV_CANCEL ? names[s] : "";
}

/* Overdue wins over partially paid: it is what needs chasing. */
enum inv_shown inv_shown_of(const char *status, money_t paid, const char *due_date, const char *today)
{
	if (!strcmp(status, "draft"))
		return INV_DRAFT;
	if (!strcmp(status, "paid"))
		return INV_PAID;
	if (!strcmp(status, "void"))
		return INV_CANCEL;
	if (due_date && today && strcmp(due_date, today) < 0)
		return INV_OVERDUE;
	return paid > 0 ? INV_PARTIAL : INV_DUE;
}

const char *inv_paid_state(const char *status, money_t paid)
{
	if (!strcmp(status, "paid"))
		return "Paid";
	return paid > 0 && strcmp(status, "draft") && strcmp(status, "void") ? "Pending" : "Unpaid";
}

ierr inv_today(const char *tz, time_t now, char out[11])
{
	char *old = getenv("TZ"), saved[128] = "";
	struct tm tm;
	int had = old != NULL;

	if (had && str_copy(saved, sizeof(saved), old))
		return IE_INTERNAL;
	if (setenv("TZ", tz && *tz ? tz : "UTC", 1))
		return IE_INTERNAL;
	tzset();
	localtime_r(&now, &tm);
	if (had)
		setenv("TZ", saved, 1);
	else
		unsetenv("TZ");
	tzset();
	if (tm.tm_year + 1900 < 1000 || tm.tm_year + 1900 > 9999)
		return IE_INTERNAL;
	return strftime(out, 11, "%Y-%m-%d", &tm) == 10 ? IE_OK : IE_INTERNAL;
}
