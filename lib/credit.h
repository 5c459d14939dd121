/*
 * credit.h — credit notes made from an issued invoice: what is still
 * uncredited, a credit request (the whole rest, or chosen lines by quantity
 * or by amount), and the one transaction that makes, issues and applies the
 * credit note.
 *
 * Uncredited (the rule, DESIGN.md "Credit notes"): only issued, non-void
 * credit notes count (stored status open or paid; credit notes are made and
 * issued in one transaction, so there are no drafts of them here).
 *   invoice:  total - the sum of the totals of its credit notes
 *   per line: quantity - the quantities credited by quantity (sql/0023
 *             credit_note_lines.quantity), and net - the nets of every credit
 *             note line that credits it (by quantity or by amount)
 * A pick credits one line either by quantity q (0 < q <= uncredited quantity,
 * the credit line is q at the line's unit price, round(q x price) must fit the
 * uncredited net) or by a net amount (0 < amount <= uncredited net, the credit
 * line is 1 x amount, unit C62); both keep the line's tax rate, VAT category,
 * description and period. "Full" picks every line's rest: by quantity when
 * the rest is exactly (uncredited quantity x price), by amount otherwise.
 * The credit note's totals come from ied_totals with the invoice's tax
 * rounding, and its total must not exceed the invoice's uncredited total.
 * With tax rounded per line, a credit that takes the whole rest of a line's
 * net takes the rest of its tax too (line tax - the taxes credited of it,
 * ied_line.tax_given), so a line credited in parts is credited to the cent.
 * With tax per document the same holds per (category, rate): a credit that
 * takes the whole rest of every line of a rate takes the rest of the rate's tax
 * (the invoice's breakdown less its credit notes'), the last of its lines
 * carrying the difference.
 *
 * Refusals (IE_CONFLICT with a sentence in *why / cx->why): the invoice is a
 * credit note, a draft or void; it is credited in full already; nothing was
 * chosen; a pick exceeds its line; the total exceeds the uncredited total; the
 * invoice's row moved past the version the form was made from.
 *
 * The transaction (crd_create_tx, inside the caller's db_tx / once_run):
 * locks the invoice row (SELECT ... FOR UPDATE) and reads the uncredited
 * amounts under that lock, so two people crediting one invoice at once
 * serialise there and the second sees the first's credit; plans the lines;
 * inserts the credit note (ied_save: kind credit, type 381, the invoice's
 * customer, currency and tax rounding, dated today in the customer's zone,
 * the reason as its notes) with its credit_note_lines; issues it (ied_issue_tx:
 * the next number of the credit series, snapshots); applies
 * min(credit total, the invoice's open balance) to the invoice with
 * alloc_add_tx (the rest stays with the customer as unallocated credit: the
 * credit note's remaining credit); and writes an audit event "credit_note" on
 * the invoice (the credit note has its own "create", "issue" and "allocate").
 */
#ifndef INVOICE_CREDIT_H
#define INVOICE_CREDIT_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "money.h"

struct db;
struct arena;
struct auth_user;

/* One line of the invoice with what is credited of it already. */
struct crd_line {
	long long id;
	int position;
	long long package_id;
	const char *description, *unit_code, *vat_category, *tax_description, *period_start, *period_end;
	int64_t quantity, unit_price, tax_rate;   /* x 1e6, x 1e6, x 1e4 */
	money_t net, tax;
	int64_t credited_qty;                     /* by quantity */
	money_t credited_net;                     /* every credit of this line */
	money_t credited_tax;                     /* and their taxes */
};

/* The invoice's VAT breakdown per (category, rate), with the taxes its credit notes took of each. */
struct crd_rate {
	const char *vat_category;
	int64_t rate;
	money_t tax, credited_tax;
};

struct crd_invoice {
	long long id, row_version, customer_id;
	const char *kind, *status, *number, *currency, *time_zone;
	int exponent, per_document;
	money_t total, paid, credited;            /* credited: totals of its issued, non-void credit notes */
	struct crd_line *lines;
	size_t nlines;
	struct crd_rate *rates;                   /* read for tax per document only */
	size_t nrates;
};

/* The rest of a line: quantity and net not yet credited (never negative). */
int64_t crd_left_qty(const struct crd_line *l);
money_t crd_left_net(const struct crd_line *l);
/* The invoice's uncredited total (never negative). */
money_t crd_left_total(const struct crd_invoice *inv);

/* NULL when the invoice can be credited at all, else the sentence. */
const char *crd_refusal(const struct crd_invoice *inv);

/* A pick: line index into inv->lines, by quantity (x 1e6) or by net amount. */
struct crd_pick {
	size_t line;
	int by_amount;
	int64_t quantity;
	money_t amount;
};

/* What crd_plan makes: the credit note's lines (each with the index of the
 * line it credits and the quantity credited, 0 by amount) and totals. */
struct crd_plan {
	struct crd_credit_line {
		size_t line;
		int64_t quantity;
	} *src;
	struct ied_line *lines;
	size_t nlines;
	money_t net, tax, total;
};

/*
 * The rule, pure (unit tested): full = 1 picks the rest of every line (picks
 * ignored), otherwise the picks (at most one per line). IE_OK with the plan
 * (allocated in `a`); IE_CONFLICT with *why and, when one pick is at fault,
 * *bad its index (else (size_t)-1); IE_NOMEM / IE_OVERFLOW.
 */
ierr crd_plan(struct arena *a, const struct crd_invoice *inv, int full, const struct crd_pick *picks, size_t n,
	      struct crd_plan *out, const char **why, size_t *bad);

/* The invoice (staff; any kind and status) with its lines and what is credited.
 * lock = 1: SELECT ... FOR UPDATE on the invoice row (inside a transaction).
 * IE_NOTFOUND when missing. Strings in `a`. */
ierr crd_load(struct db *db, struct arena *a, long long id, int lock, struct crd_invoice *inv);

/* The credit notes of an invoice, oldest first (any status except draft). */
struct crd_note {
	long long id;
	const char *number, *status, *date;
	money_t total, applied;
};
ierr crd_notes_each(struct db *db, long long invoice_id, ierr (*fn)(void *ctx, const struct crd_note *n),
		    void *ctx);

struct crd_request {
	long long invoice_id;
	long long row_version;          /* the invoice's version the form was made from (0: not checked) */
	int full;
	const struct crd_pick *picks;
	size_t npicks;
	const char *reason;             /* printed on the credit note as its notes */
	const char *date;               /* "YYYY-MM-DD": the credit note's date (today in the customer's zone) */
	const char *prefix, *credit_prefix, *seller_json;   /* as struct ied_issue */
	int notify;                     /* queue the "credit note issued" mail */
};

struct crd_ctx {
	const struct auth_user *user;
	const char *address;
	const char *why;                /* set with IE_CONFLICT */
	size_t bad;                     /* the pick at fault, or (size_t)-1 */
};

struct crd_result {
	long long credit_note_id;
	char number[40];
	money_t total, applied;         /* applied to the invoice's balance; the rest is unallocated credit */
	int exponent;
};

ierr crd_create_tx(struct db *db, struct crd_ctx *cx, const struct crd_request *rq, struct crd_result *out);

#endif
