/*
 * customer.h — customers as the admin pages keep them: the edit form's field
 * table, the rules across fields, create / update (row version) / archive /
 * restore / delete, each audited in the same transaction, and the reads of
 * the customer page (list with search, summary figures, payments, users).
 *
 * The field table customer_form[] is indexed by enum customer_field; the same
 * order is the column order of customer_get's text values, so a row read from
 * the database fills the edit form one to one (form_set_raw).
 *
 * Writes run inside the caller's transaction (a once_run callback, once.h),
 * so the one-time key, the change and its audit event commit together.
 */
#ifndef INVOICE_CUSTOMER_H
#define INVOICE_CUSTOMER_H

#include <stddef.h>
#include <time.h>
#include "err.h"
#include "form.h"
#include "money.h"

struct db;
struct arena;
struct auth_user;
struct db_res;

enum customer_field {
	CF_NAME, CF_LEGAL_NAME, CF_EMAIL, CF_PHONE, CF_STREET, CF_LINE2, CF_CITY, CF_POST_CODE,
	CF_REGION, CF_COUNTRY, CF_VAT_ID, CF_CURRENCY, CF_TIME_ZONE, CF_PAYMENT_DAYS, CF_SCHEDULE,
	CF_GROUPING, CF_NOTIFY_ISSUED, CF_BUYER_REF, CF_ENDPOINT_ID, CF_ENDPOINT_SCHEME, CF_EINVOICE, CF_NOTES,
	CF__COUNT
};

extern const struct form_field customer_form[CF__COUNT];

/* Field values of a new customer's form (currency, time zone, payment days
 * from the config defaults; schedule none; notification on). */
void customer_defaults(struct form_value v[CF__COUNT], const char *currency, const char *time_zone,
		       const char *payment_days);

/*
 * Rules across fields and against whitelists, after form_parse; sets a
 * field's message and returns IE_INVALID when one fails:
 *   country        ISO 3166-1 alpha-2, assigned code ("DE"), upper-cased first
 *   currency       ISO 4217 code money.c knows ("EUR"), upper-cased first
 *   time zone      an IANA name with a zone file (/usr/share/zoneinfo), or "UTC"
 *   VAT id         2-letter country prefix (an ISO code, or EL / XI) + 2..12 letters or
 *                  digits, spaces removed, upper-cased ("DE 123 456 789" -> "DE123456789")
 *   electronic address  id and scheme both set or both empty; scheme from the EAS list
 * Normalised values replace v[i].s (allocated in arena).
 */
ierr customer_check(struct form_value v[CF__COUNT], struct arena *arena);
/* The single checks, for tests and other callers. */
int customer_country_valid(const char *cc);
int customer_time_zone_valid(const char *tz);

/* One customer as the edit form shows it. text[i] for every enum customer_field. */
struct customer_row {
	long long id;
	int active;
	long long row_version;
	int has_invoices;
	const char *text[CF__COUNT];
};

/* Reads one customer (strings in arena); IE_NOTFOUND. lock: SELECT ... FOR UPDATE
 * (inside a transaction). */
ierr customer_get(struct db *db, struct arena *arena, long long id, int lock, struct customer_row *out);

/* Creates one from valid form values; audit "create". */
ierr customer_create(struct db *db, const struct auth_user *user, const char *address,
		     const struct form_value v[CF__COUNT], long long *id_out);
/*
 * Saves the edit form over version `row_version`: IE_CONFLICT when the row
 * moved on (nothing written; the caller shows what changed), IE_NOTFOUND,
 * IE_INVALID with a message on v[CF_CURRENCY] when the currency would change
 * on a customer with invoices. Keeps its drafts' customer_name current.
 * Audit "update" with before and after.
 */
ierr customer_update(struct db *db, const struct auth_user *user, const char *address, long long id,
		     long long row_version, struct form_value v[CF__COUNT], struct arena *arena);
/* Archive (active 0) or restore (active 1); audit "archive" / "restore". */
ierr customer_set_active(struct db *db, const struct auth_user *user, const char *address, long long id,
			 int active);
/* Deletes a customer that nothing refers to (invoices, payments, users, usage,
 * packages); IE_CONFLICT with *why set ("has invoices: archive it instead")
 * otherwise. Audit "delete" with the before image. */
ierr customer_delete(struct db *db, const struct auth_user *user, const char *address, long long id,
		     const char **why);

/* The list: name or email contains q ("" for all); which: 0 active, 1 archived,
 * 2 all; ordered by name, id. fn gets columns
 *   0 id, 1 name, 2 email, 3 city, 4 country, 5 currency, 6 active
 * *total counts every match. */
ierr customer_search(struct db *db, const char *q, int which, long long offset, long long limit,
		     ierr (*fn)(void *ctx, const struct db_res *r), void *ctx, long long *total);

/* A customer's figures per currency, by the list figures rule (DESIGN.md):
 * issued invoices count, credit notes negative, drafts and void ones apart. */
struct customer_sum {
	char currency[4];
	money_t billed, paid, balance, overdue;
	long long issued, overdue_n, drafts, voids;
};
#define CUSTOMER_MAX_SUMS 8
ierr customer_sums(struct db *db, long long id, const char *today, struct customer_sum *sums, size_t *n);

/* Billed and paid per month, the 12 months up to today's: month "YYYY-MM". */
struct customer_month {
	char month[8];
	char currency[4];
	money_t billed, paid;
};
#define CUSTOMER_MONTHS 12
ierr customer_months(struct db *db, long long id, const char *today, struct customer_month *m, size_t max,
		     size_t *n);

/* The customer's users: 0 id, 1 email, 2 name, 3 active. */
ierr customer_users(struct db *db, long long id, ierr (*fn)(void *ctx, const struct db_res *r), void *ctx);

/* Escapes LIKE's wildcards (% _ \) in q for a `LIKE CONCAT('%', ?, '%')`. */
ierr customer_like_escape(const char *q, char *out, size_t outsz);

#endif
