/*
 * portal.h — the customer portal (/portal): what a customer user sees of
 * their customer's account and may change. Every read takes the customer id
 * from the session (auth_user.customer_id), so several users of one customer
 * see the same account, and never shows a draft.
 *
 * Figures per currency (balance, overdue amount and count) are customer_sums
 * (lib/customer.h: the list figures rule) and the 12-month chart is
 * customer_months padded to the 12 months up to the customer's today
 * (portal_chart) and drawn by dash_svg (lib/dashboard.h). "Today" is the
 * customer's own date (customers.time_zone, inv_today), as for the shown status.
 *
 * Next due: the issued invoice (not a credit note) still open whose due date
 * is the earliest on or after today. Latest: the newest issued documents by
 * invoice date (credit notes included, void ones too, drafts never).
 *
 * Changes (each inside the caller's transaction, with its audit event):
 * the customer's contact e-mail and notification choices (customers.email,
 * notify_issued, notify_payment) at the row version the form was made from;
 * a user's own password, given the current one (users' argon2id hash; every
 * session of the user ends, so they sign in again).
 */
#ifndef INVOICE_PORTAL_H
#define INVOICE_PORTAL_H

#include <stddef.h>
#include <time.h>
#include "dashboard.h"
#include "err.h"
#include "invoice.h"
#include "money.h"

struct db;
struct config;
struct auth_user;
struct customer_month;

struct portal_account {
	long long customer_id, row_version;
	char name[256], email[255], time_zone[64], currency[4];
	int notify_issued, notify_payment;
};
/* IE_NOTFOUND when the customer is gone. */
ierr portal_account_get(struct db *db, long long customer_id, struct portal_account *a);

struct portal_invoice {
	long long id;
	char number[40], invoice_date[11], due_date[11], currency[4], kind[8];
	enum inv_shown shown;
	money_t total, paid, balance;
};
/* IE_NOTFOUND when nothing is due on or after today. */
ierr portal_next_due(struct db *db, long long customer_id, const char *today, struct portal_invoice *out);
/* The newest `max` issued documents, newest first. */
ierr portal_latest(struct db *db, long long customer_id, const char *today, struct portal_invoice *out,
		   size_t max, size_t *n);

/* The 12 months up to today's ("YYYY-MM", oldest first) with the billed and
 * paid figures of `currency` from m (months without figures stay 0). */
ierr portal_chart(const struct customer_month *m, size_t n, const char *currency, const char *today,
		  struct dash_month out[DASH_MONTHS]);

/* The contact settings: IE_CONFLICT when the row moved past row_version;
 * IE_INVALID with *why for an unusable address. */
ierr portal_settings_save_in(struct db *db, const struct auth_user *user, const char *address,
			     const struct portal_account *want, const char **why);

/* Own password change: IE_DENIED with *why when `current` is wrong,
 * IE_INVALID with *why when the new one breaks users_rule_password. Runs its
 * own transaction (argon2 outside it). */
ierr portal_password_change(struct db *db, const struct config *cfg, const struct auth_user *user,
			    const char *address, const char *current, const char *password, const char *again,
			    const char **why);

#endif
