/*
 * payment.h — payments received (and refunds paid back) and how they are
 * allocated: recording, listing and searching, one payment with its
 * allocations, a customer's unallocated credit, and the "spread" plan that
 * fills a customer's oldest open documents first.
 *
 * The allocation rule and its locking transactions are lib/alloc.h; this
 * module records payments and reads what the payment pages show.
 *
 * A payment is in its customer's currency; amount > 0 is money received,
 * amount < 0 a refund (money paid back, allocated against a credit note's
 * unspent credit). Its free amount is |amount| - allocated_amount.
 *
 * Recording (payment_create) runs INSIDE the caller's transaction (a once_run
 * callback), so "record and allocate in one step" (the invoice page) commits
 * the payment, its allocation and their audit events together. It writes one
 * audit event on the payment ("payment", "create") and one on the customer
 * ("customer", "payment"), so the customer's history shows money received.
 *
 *   struct payment_new p = { customer_id, 12300, "EUR", "2026-12-01", "transfer", "REF 1", "" };
 *   e = payment_create(db, user, address, &p, &id);
 *
 * Spread (pure, unit tested): given a free amount and the open amounts of
 * the documents in the order they should be settled (oldest first), fill
 * each one fully before the next, until the free amount is used up.
 */
#ifndef INVOICE_PAYMENT_H
#define INVOICE_PAYMENT_H

#include <stddef.h>
#include "err.h"
#include "money.h"

struct db;
struct db_res;
struct auth_user;
struct arena;

/* The methods the payments table knows (NULL-terminated) and their labels. */
extern const char *const payment_methods[];
extern const char *const payment_method_labels[];
/* The label of a method ("Bank transfer"), or the value itself when unknown. */
const char *payment_method_label(const char *method);

/* ---- recording ---- */

struct payment_new {
	long long customer_id;
	money_t amount;              /* minor units; < 0 a refund; never 0 */
	const char *currency;        /* the customer's */
	const char *received_on;     /* YYYY-MM-DD */
	const char *method;          /* one of payment_methods */
	const char *reference;
	const char *notes;
};

/* Checks p (pure): IE_OK, or IE_INVALID with *why a sentence. */
ierr payment_check(const struct payment_new *p, const char **why);

/* Inserts the payment and its audit events, in the caller's transaction. */
ierr payment_create(struct db *db, const struct auth_user *user, const char *address,
		    const struct payment_new *p, long long *id);

/* A customer's name, currency and whether it is active (IE_NOTFOUND when none). */
ierr payment_customer(struct db *db, struct arena *a, long long customer_id, const char **name,
		      char currency[4], int *active);

/* ---- reading ---- */

struct payment_row {
	long long id, customer_id;
	const char *customer_name, *currency, *received_on, *method, *reference, *notes, *created_at;
	money_t amount, allocated, free;   /* free = |amount| - allocated */
	int exponent;
};

/* Reads a payment row from the columns PAYMENT_COLS lists (strings in arena). */
ierr payment_row_read(const struct db_res *r, struct arena *a, struct payment_row *p);

/* Search filters; 0 / NULL: not filtered. */
struct payment_filter {
	long long customer_id;
	const char *q;               /* words in the reference, note or customer name */
	const char *amount;          /* exact |amount|, decimal text ("12.30"; sql/0022 indexes it) */
	const char *from, *to;       /* received_on range, YYYY-MM-DD */
	int open_only;               /* only payments with a free amount */
};

/* Parses the list's parameters (pure): IE_INVALID with *bad the parameter's
 * name and *why a sentence. Values are checked, not copied. */
ierr payment_filter_check(const struct payment_filter *f, const char **bad, const char **why);

/* One page of payments, newest first (read along the received-date index, or
 * the customer's), and the count, counted no further than PAYMENT_COUNT_CAP + 1
 * (more than the cap: "more than 1000"). */
#define PAYMENT_COUNT_CAP 1000
ierr payment_search(struct db *db, struct arena *a, const struct payment_filter *f, long long offset,
		    long long limit, ierr (*fn)(void *ctx, const struct payment_row *p), void *ctx,
		    long long *total);

/* One payment (IE_NOTFOUND when none). */
ierr payment_get(struct db *db, struct arena *a, long long id, struct payment_row *p);

/* An allocation as the payment and invoice pages show it. */
struct payment_alloc {
	long long id;
	long long invoice_id;        /* the target document */
	const char *invoice_number;
	long long payment_id;        /* 0 when the source is a credit note */
	long long credit_note_id;    /* 0 when the source is a payment */
	const char *source_text;     /* "Payment 17 · REF" or the credit note's number */
	const char *created_at;
	money_t amount;
};

/* The allocations of a payment (by_payment = 1) or of a document (its rows
 * as target): oldest first. */
ierr payment_allocations(struct db *db, struct arena *a, int by_payment, long long id, const char *currency,
			 ierr (*fn)(void *ctx, const struct payment_alloc *x), void *ctx);

/* A document as the invoice's payments page shows it. */
struct payment_docinfo {
	long long id, customer_id;
	const char *kind, *status, *number, *customer_name, *currency, *due_date, *time_zone;
	money_t total, paid, open;
	int exponent;
};
/* IE_NOTFOUND when there is no such document. */
ierr payment_doc_get(struct db *db, struct arena *a, long long id, struct payment_docinfo *d);

/* IE_OK when allocation `allocation_id` spends payment `payment_id`,
 * IE_NOTFOUND otherwise (allocation rows never change their source). */
ierr payment_allocation_of(struct db *db, long long allocation_id, long long payment_id);

/* An open document a payment (or refund) can settle. */
struct payment_doc {
	long long id;
	const char *number, *invoice_date, *due_date;
	money_t total, open;         /* open = total - paid_amount */
};

#define PAYMENT_SPREAD_MAX 100

/* The customer's open documents in `currency` oldest first (due date, then
 * id): invoices for money received (credit = 0), credit notes with unspent
 * credit for a refund (credit = 1). At most `limit` (1..PAYMENT_SPREAD_MAX). */
ierr payment_open_docs(struct db *db, struct arena *a, long long customer_id, const char *currency, int credit,
		       unsigned limit, ierr (*fn)(void *ctx, const struct payment_doc *d), void *ctx);

/* A source with something left to allocate to an invoice of this customer
 * and currency: payments with a free amount, and credit notes with unspent
 * credit (the invoice page's "add" choice). */
struct payment_source {
	long long id;
	int is_credit;               /* 0: payment id, 1: credit note id */
	const char *text;            /* "2026-11-02 · Bank transfer · REF" or "CN-2026-000003" */
	money_t free;
};
ierr payment_sources(struct db *db, struct arena *a, long long customer_id, const char *currency,
		     long long except_doc, ierr (*fn)(void *ctx, const struct payment_source *s), void *ctx);

/* A customer's unallocated money per currency. */
struct payment_credit {
	char currency[4];
	money_t payments;            /* free amounts of payments received */
	money_t credit_notes;        /* unspent credit of issued credit notes */
	money_t refunds;             /* refunds not yet set against a credit note */
};
#define PAYMENT_MAX_CURRENCIES 8
ierr payment_customer_credit(struct db *db, long long customer_id, struct payment_credit *out, size_t cap,
			     size_t *n);

/* ---- allocating ---- */

struct alloc_ctx;
struct alloc_item;

/* Allocates every item with amount > 0 (items with 0 are skipped) from the
 * payment (is_credit = 0) or credit note (1) `source_id` in the caller's
 * transaction, all of them or (the caller rolls back) none, through
 * alloc_add_many_tx: a spread over 100 invoices is a handful of statements.
 * A refusal: IE_CONFLICT with cx->why, *failed the item's index.
 * IE_INVALID when no item has an amount, or a document comes twice.
 * *done counts the allocations made. */
ierr payment_allocate_tx(struct db *db, struct alloc_ctx *cx, int is_credit, long long source_id,
			 const struct alloc_item *items, size_t n, size_t *failed, size_t *done);

/* ---- pure rules ---- */

/* Fills plan[i] with what to allocate to document i: each open[i] fully,
 * in order, until `free` runs out (the rest get 0). Returns the sum planned. */
money_t payment_spread(money_t free, const money_t *open, size_t n, money_t *plan);

#endif
