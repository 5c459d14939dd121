/*
 * invoice_edit.h — draft invoices and their lifecycle: totals from lines,
 * the status transitions, gap-free numbering, and the transactions that save a
 * draft, issue, void and discard an invoice.
 *
 * Pure rules (unit tested in tests/unit/test_invoice_edit.c):
 *   ied_totals       line nets, line taxes, per (category, rate) subtotals and
 *                    the invoice totals, tax per line or per document (DESIGN.md Money)
 *   ied_transition   every (stored status, action) pair: allowed or refused
 *   ied_number       "PREFIX-YYYY-NNNNNN"
 *
 * Transactions: ied_save, ied_issue, ied_void and ied_discard run INSIDE the
 * caller's transaction (a db_tx / once_run callback), so a one-time form key,
 * the change, the recomputed totals and the audit event commit together. Each
 * locks the invoice row first (SELECT ... FOR UPDATE), refuses with IE_CONFLICT
 * when the status does not allow the action or the row moved past the
 * version the form was made from, and writes through the invoices table, so
 * the list's sums (kept by triggers, sql/0002) stay exact.
 *
 * Numbers are taken by locking the (series, year) row of number_sequences
 * in the issuing transaction; the year's row is created on first use with
 * INSERT IGNORE and locked again, so two first issuers do not race. No LOCK
 * TABLES, no GET_LOCK (Galera). A deadlock (1213) makes db_tx run everything again.
 */
#ifndef INVOICE_INVOICE_EDIT_H
#define INVOICE_INVOICE_EDIT_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "money.h"

struct db;
struct arena;
struct auth_user;

#define IED_MAX_LINES 200
#define IED_MAX_RATES 32

/* ---- totals ---- */

struct ied_line {
	long long package_id;        /* 0: a manual line */
	const char *description;
	int64_t quantity;            /* x 1e6, >= 0 */
	int64_t unit_price;          /* x 1e6, >= 0 */
	int64_t tax_rate;            /* x 1e4 per percent */
	const char *unit_code;       /* UN/ECE Rec 20 ("C62") */
	const char *vat_category;    /* "S", "Z", ... */
	const char *tax_description;
	const char *period_start;    /* "YYYY-MM-DD" or "" */
	const char *period_end;
	money_t net, tax;            /* filled by ied_totals: tax is the line's own, rounded per line */
	int tax_given;               /* keep `tax` as set: the last part of a line (or, tax per document,
				      * of a rate's lines) credited in parts takes the rest of its tax
				      * (lib/credit.h); per document, a rate whose lines all have it
				      * takes the sum of their taxes */
};

struct ied_rate_total {
	const char *vat_category;
	int64_t rate;
	money_t net, tax;
};

struct ied_totals {
	money_t net, tax, gross;
	struct ied_rate_total rates[IED_MAX_RATES];   /* in order of first appearance */
	size_t nrates;
};

/* Fills every line's net (round(quantity x unit price), half away from zero)
 * and tax (unless tax_given), and the totals: per (category, rate) the sum of
 * the nets and either the sum of the line taxes (per_document 0, or every
 * line of the rate tax_given) or the tax of that sum (per_document 1); net,
 * tax and gross are the sums of the subtotals.
 * IE_OVERFLOW on overflow, IE_INVALID for more than IED_MAX_RATES groups. */
ierr ied_totals(struct ied_line *lines, size_t n, int exponent, int per_document, struct ied_totals *out);

/* The VAT category a line without one gets: "S" with a rate, "Z" at 0%. */
const char *ied_default_category(int64_t rate);

/* ---- transitions ---- */

enum ied_action { IED_EDIT, IED_ISSUE, IED_VOID, IED_DISCARD, IED__ACTIONS };

const char *ied_action_name(enum ied_action a);      /* "edit" "issue" "void" "discard" */
/* IE_OK when `status` (stored: draft open paid void) allows the action, with
 * *to the status after it ("draft", "open", "void", "" for a discarded
 * draft); IE_CONFLICT with *why a sentence for the 409 page otherwise;
 * IE_INVALID for an unknown status. Voiding also needs no allocations (checked
 * by ied_void against the database). */
ierr ied_transition(const char *status, enum ied_action a, const char **to, const char **why);

/* ---- numbering and dates ---- */

/* "PREFIX-YYYY-NNNNNN" (at least six digits). IE_INVALID for an empty or
 * over-long prefix, a year outside 1900..2999 or seq < 1; IE_OVERFLOW when out
 * is too small. */
ierr ied_number(const char *prefix, int year, long long seq, char *out, size_t outsz);
/* The year of "YYYY-MM-DD" (a real day of 1900..2999, date.h), or -1. */
int ied_year_of(const char *date);

/* ---- reading ---- */

struct db_res;
/* A column as a string in `a` ("" for NULL; NULL only when out of memory). */
const char *ied_col_dup(struct arena *a, const struct db_res *r, unsigned col);
/* A DECIMAL column as fixed point with `decimals` (0 for NULL). */
ierr ied_col_fixed(const struct db_res *r, unsigned col, int decimals, int64_t *out);

struct ied_customer {
	long long id;
	const char *name, *currency, *time_zone, *email;
	int payment_days, active;
};
/* IE_NOTFOUND when there is no such customer. Strings in `a`. */
ierr ied_customer_get(struct db *db, struct arena *a, long long id, struct ied_customer *c);

struct ied_package {
	long long id;
	const char *name, *currency, *unit_code, *vat_category, *tax_description;
	int64_t unit_price, default_quantity, tax_rate;
	int active;
};
ierr ied_package_get(struct db *db, struct arena *a, long long id, struct ied_package *p);

/* Which of a line's fields were typed (the rest may come from a package). */
struct ied_given {
	int description, quantity, unit_price, tax_rate, tax_description, unit_code;
};
/* A line chosen from a package: every field not given takes the package's
 * value (name, default quantity, unit price, tax rate, tax description, unit
 * code); the VAT category and the package id always come from the package. */
void ied_fill_from_package(struct ied_line *l, const struct ied_given *given, const struct ied_package *p);

/* The pickers of the editor: active customers by name, active packages by
 * name; fn is called per row (strings valid during the call only). */
ierr ied_customers_each(struct db *db, ierr (*fn)(void *ctx, const struct ied_customer *c), void *ctx);
ierr ied_packages_each(struct db *db, ierr (*fn)(void *ctx, const struct ied_package *p), void *ctx);

/* Custom field values (invoice_custom_fields) of the active definitions. */
struct ied_field {
	long long field_id;
	const char *label, *type;    /* type: "text" "number" "date" */
	const char *value;           /* "" : no value (the row is removed) */
};
/* The active definitions in their order, each with the invoice's value ("" when
 * none; invoice_id 0: a new invoice). */
ierr ied_fields_each(struct db *db, long long invoice_id, ierr (*fn)(void *ctx, const struct ied_field *f),
		     void *ctx);
/* NULL when `value` is right for a field of `type`, else the message
 * ("must be a number with at most 6 decimals", ...). Empty is always right. */
const char *ied_field_check(const char *type, const char *value);

struct ied_draft {
	long long id;                /* 0: a new draft */
	long long row_version;       /* the version the form was made from (updates) */
	long long customer_id;
	const char *invoice_date, *due_date;   /* "YYYY-MM-DD" */
	const char *notes;           /* "" none */
	int per_document;            /* tax rounding */
	struct ied_line *lines;
	size_t nlines;
	struct ied_field *fields;    /* custom field values to set (ied_save) */
	size_t nfields;
	long long credited_invoice_id;   /* > 0: a new credit note of that invoice (kind 'credit',
					  * type 381; lib/credit.h makes them), also for an archived customer */
	/* read back by ied_draft_get */
	const char *status, *number, *currency;
};
/* Any invoice (staff only), with its lines. IE_NOTFOUND when missing. */
ierr ied_draft_get(struct db *db, struct arena *a, long long id, struct ied_draft *d);

/* ---- transactions (inside the caller's transaction) ---- */

/* Why a transaction refused (IE_CONFLICT): */
enum ied_refusal { IED_OK, IED_STATUS, IED_VERSION, IED_ALLOCATED, IED_EMPTY, IED_CURRENCY, IED_EINVOICE };

struct ied_ctx {
	const struct auth_user *user;  /* the audit event's actor */
	const char *address;           /* the client's address */
	enum ied_refusal refusal;      /* set with IE_CONFLICT */
	const char *why;               /* the sentence for the 409 page */
};

/* Saves a draft: a new one (d->id 0: inserted, d->id set, version 1) or an
 * existing one at d->row_version (its lines replaced by d->lines, its
 * version raised). Totals and per-rate subtotals are recomputed here from the
 * lines. The customer must exist and be active, every package line must be in
 * the customer's currency (IE_CONFLICT, IED_CURRENCY otherwise). */
ierr ied_save(struct db *db, struct ied_ctx *cx, struct ied_draft *d);

struct ied_issue {
	long long id, row_version;     /* row_version 0: not checked */
	const char *prefix;            /* Invoice.Prefix */
	const char *credit_prefix;     /* Invoice.CreditPrefix: credit notes' own series */
	const char *seller_json;       /* the seller snapshot, a JSON object */
	int notify;                    /* queue the "invoice issued" mail */
	char number[40];               /* out */
};
/* Before the number is taken, the draft must not break a fatal EN 16931
 * rule (einv_issue_check, einvoice.h; the seller from seller_json): else
 * IE_CONFLICT, IED_EINVOICE, cx->why naming the rule and the field. */
ierr ied_issue_tx(struct db *db, struct ied_ctx *cx, struct ied_issue *is);

ierr ied_void_tx(struct db *db, struct ied_ctx *cx, long long id, long long row_version, const char *reason);
ierr ied_discard_tx(struct db *db, struct ied_ctx *cx, long long id, long long row_version);

#endif
