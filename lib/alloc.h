/*
 * alloc.h — allocations: money received, money paid back and credit notes
 * applied to documents, and the paid amount and stored status that follow.
 *
 * The three pairs (each allocation row has an amount > 0):
 *   payment (amount > 0)   -> an issued invoice: reduces its balance
 *   credit note            -> an issued invoice of the same customer: reduces
 *                             its balance; the credit note's own paid_amount
 *                             (the part of the credit already spent) grows by
 *                             the same amount
 *   refund (payment < 0)   -> a credit note: money paid back spends the credit
 * A document's open amount is total - paid_amount (totals are stored
 * positive for both kinds); a payment's free amount is
 * |amount| - allocated_amount. Source and target belong to the same customer
 * and currency; an allocation never exceeds either open amount.
 *
 * With the sums rule of lib/listq.h (credit notes count negative) this keeps
 * Paid = money actually received less refunds, and Balance = Billed - Paid.
 *
 * Stored status follows the paid amount at once, for both kinds: 'paid' when
 * paid_amount reaches total, otherwise 'open' (a credit note shows "Credit
 * note" whatever its stored status). Drafts and void documents take no
 * allocation, and an invoice with allocations cannot be voided
 * (ied_void_tx checks it).
 *
 * Transactions: alloc_add_tx and alloc_remove_tx run INSIDE the caller's
 * transaction (a db_tx / once_run callback), so a one-time form key, many
 * allocations (a payment spread over invoices) and their audit events commit
 * together or not at all. Each locks the source row first (the payment, or the
 * credit note), then the target document (SELECT ... FOR UPDATE), reads the
 * amounts under those locks and only then checks and writes: two people
 * allocating the same payment at once serialise on the payment row, so the
 * sum of its allocations never exceeds it. A deadlock (1213) makes db_tx run
 * the whole transaction again. Both rows get row_version + 1, so a form made
 * before the allocation (a void confirmation, say) is refused as stale.
 *
 * Refusals are IE_CONFLICT with cx->refusal and a sentence for the page in
 * cx->why; IE_NOTFOUND when the source, the target or the allocation does not
 * exist.
 *
 * Audit: every allocation writes an event on the target ("invoice", action
 * "allocate" for a payment, "credit" for a credit note) and on the source
 * ("payment" or the credit note's "invoice", action "allocate"), and a removal
 * "unallocate" on both, with the amounts before and after.
 */
#ifndef INVOICE_ALLOC_H
#define INVOICE_ALLOC_H

#include "err.h"
#include "money.h"

struct db;
struct auth_user;

enum alloc_source { ALLOC_PAYMENT, ALLOC_CREDIT_NOTE };

enum alloc_refusal {
	ALLOC_OK,
	ALLOC_AMOUNT,        /* zero or negative allocation amount */
	ALLOC_SOURCE_STATE,  /* the credit note is a draft or void */
	ALLOC_TARGET_STATE,  /* the target is a draft, void, or already settled */
	ALLOC_KIND,          /* wrong pair: a payment to a credit note, a refund to an invoice, ... */
	ALLOC_CUSTOMER,      /* source and target belong to different customers */
	ALLOC_CURRENCY,      /* different currencies */
	ALLOC_OVER_SOURCE,   /* more than what is left of the payment or credit */
	ALLOC_OVER_TARGET    /* more than the document's open amount */
};

/* The facts the rule needs, as read under the row locks. */
struct alloc_side {
	int is_document;          /* 0: a payment */
	int is_credit;            /* a document of kind 'credit' */
	const char *status;       /* documents: draft open paid void */
	long long customer_id;
	const char *currency;
	money_t amount;           /* payments: signed amount; documents: total (>= 0) */
	money_t used;             /* payments: allocated_amount; documents: paid_amount */
};

/* The open amount of a side: |amount| - used (never negative). */
money_t alloc_open(const struct alloc_side *s);

/* The rule, pure (unit tested): ALLOC_OK when `amount` may go from src to
 * dst, otherwise the refusal with *why a sentence for the page. */
enum alloc_refusal alloc_check(const struct alloc_side *src, const struct alloc_side *dst, money_t amount,
			       const char **why);

/* The stored status of an issued document with this total and paid amount. */
const char *alloc_status_of(money_t total, money_t paid);

struct alloc_ctx {
	const struct auth_user *user;  /* the audit events' actor (NULL: invoicectl) */
	const char *address;           /* the client's address, or NULL */
	enum alloc_refusal refusal;    /* set with IE_CONFLICT */
	const char *why;
};

struct alloc_result {
	long long allocation_id;
	money_t target_paid;           /* the target's paid_amount after the change */
	char target_status[8];         /* and its stored status */
	int exponent;                  /* of the currency */
};

/* Allocates `amount` (minor units of the currency, > 0) from the payment or
 * credit note `source_id` to the document `target_id`. */
ierr alloc_add_tx(struct db *db, struct alloc_ctx *cx, enum alloc_source source, long long source_id,
		  long long target_id, money_t amount, struct alloc_result *out);

/* One allocation of a batch: `amount` (> 0) to document `target`. */
struct alloc_item {
	long long target;
	money_t amount;
};

/* Allocates from one source to many documents (a payment spread over a
 * customer's oldest open invoices) with the same rule, rows and audit events
 * as alloc_add_tx called for each item in order, but in a fixed number of
 * statements: the source is locked, then every target in one SELECT ... FOR
 * UPDATE (in id order), the rule is checked item by item against the running
 * amounts, and the allocations, documents, source and events are each
 * written by one statement. Targets must be distinct (IE_INVALID). On a
 * refusal (IE_CONFLICT, cx->refusal / cx->why) or a missing target
 * (IE_NOTFOUND) *failed is the item's index and nothing is written. */
ierr alloc_add_many_tx(struct db *db, struct alloc_ctx *cx, enum alloc_source source, long long source_id,
		       const struct alloc_item *items, size_t n, size_t *failed);

/* Sets many documents' paid_amount and stored status (row_version + 1) in one
 * statement, rows = JSON [{"id":N,"p":"paid_amount","s":"open|paid"}, ...] of
 * rows the caller has locked, and moves every sums table of the list
 * (sql/0002..0020) by the same amounts the row triggers would, set-based
 * (sql/0027, invoice_paid_many): what any multi-row allocation uses. On an
 * error @invoice_totals_off is left unset on the connection. */
ierr alloc_paid_many(struct db *db, const char *rows);

/* Removes allocation `allocation_id`, giving the amount back to both sides.
 * expect_target > 0: refused (IE_NOTFOUND) unless the allocation belongs to
 * that document (a form posted from one invoice page cannot remove another's). */
ierr alloc_remove_tx(struct db *db, struct alloc_ctx *cx, long long allocation_id, long long expect_target,
		     struct alloc_result *out);

#endif
