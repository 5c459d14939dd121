/*
 * alloc.c — allocations of payments, refunds and credit notes (see alloc.h).
 */
#include <stdio.h>
#include <string.h>
#include "alloc.h"
#include "audit.h"
#include "auth.h"
#include "db.h"

money_t alloc_open(const struct alloc_side *s)
{
	money_t whole = s->amount < 0 ? -s->amount : s->amount;

	return whole > s->used ? whole - s->used : 0;
}

const char *alloc_status_of(money_t total, money_t paid)
{
	return paid >= total ? "paid" : "open";
}

static int issued(const char *status)
{
	return !strcmp(status, "open") || !strcmp(status, "paid");
}

enum alloc_refusal alloc_check(const struct alloc_side *src, const struct alloc_side *dst, money_t amount,
			       const char **why)
{
	static const struct {
		enum alloc_refusal r;
		const char *why;
	} text[] = {
		{ ALLOC_OK, "" },
		{ ALLOC_AMOUNT, "The amount must be more than zero." },
		{ ALLOC_SOURCE_STATE, "Only an issued credit note can be applied." },
		{ ALLOC_TARGET_STATE, "Only an issued document with an open balance takes an allocation." },
		{ ALLOC_KIND, "A payment settles invoices, a refund settles credit notes, a credit note settles invoices." },
		{ ALLOC_CUSTOMER, "The payment and the document belong to different customers." },
		{ ALLOC_CURRENCY, "The payment and the document are in different currencies." },
		{ ALLOC_OVER_SOURCE, "The amount is more than what is left to allocate." },
		{ ALLOC_OVER_TARGET, "The amount is more than the document's open balance." },
	};
	enum alloc_refusal r = ALLOC_OK;
	/* what a source may settle: money in and credit notes settle invoices,
	 * money paid back settles credit notes */
	int wants_credit = !src->is_document && src->amount < 0;

	if (amount <= 0)
		r = ALLOC_AMOUNT;
	else if (src->is_document && (!src->is_credit || !issued(src->status)))
		r = src->is_credit ? ALLOC_SOURCE_STATE : ALLOC_KIND;
	else if (!dst->is_document || dst->is_credit != wants_credit)
		r = ALLOC_KIND;
	else if (!issued(dst->status))
		r = ALLOC_TARGET_STATE;
	else if (src->customer_id != dst->customer_id)
		r = ALLOC_CUSTOMER;
	else if (strcmp(src->currency, dst->currency))
		r = ALLOC_CURRENCY;
	else if (!alloc_open(dst))
		r = ALLOC_TARGET_STATE;
	else if (amount > alloc_open(src))
		r = ALLOC_OVER_SOURCE;
	else if (amount > alloc_open(dst))
		r = ALLOC_OVER_TARGET;
	if (why)
		*why = text[r].why;
	return r;
}

/* One locked row, with its strings kept in the struct. */
struct locked {
	struct alloc_side side;
	char status[8], currency[4], number[40];
	int exponent;
};

static ierr lock_payment(struct db *db, long long id, struct locked *l)
{
	struct db_res r;
	ierr e;

	memset(l, 0, sizeof(*l));
	e = db_query_row(db, &r, "SELECT customer_id, currency, amount, allocated_amount FROM payments "
			 "WHERE id = ? FOR UPDATE", DB_ARGS(DB_I(id)));
	if (e)
		goto out;
	l->side.customer_id = db_int(&r, 0);
	snprintf(l->currency, sizeof(l->currency), "%s", db_str(&r, 1));
	if ((l->exponent = money_exponent(l->currency)) < 0) {
		e = IE_INTERNAL;
		goto out;
	}
	if ((e = money_from_db(db_str(&r, 2), l->exponent, &l->side.amount))
	    || (e = money_from_db(db_str(&r, 3), l->exponent, &l->side.used)))
		goto out;
	l->side.status = l->status;
	l->side.currency = l->currency;
out:
	db_free(&r);
	return e;
}

static ierr lock_document(struct db *db, long long id, struct locked *l)
{
	struct db_res r;
	ierr e;

	memset(l, 0, sizeof(*l));
	e = db_query_row(db, &r, "SELECT kind, status, customer_id, currency, total, paid_amount, "
			 "COALESCE(number, '') FROM invoices WHERE id = ? FOR UPDATE", DB_ARGS(DB_I(id)));
	if (e)
		goto out;
	l->side.is_document = 1;
	l->side.is_credit = !strcmp(db_str(&r, 0), "credit");
	snprintf(l->status, sizeof(l->status), "%s", db_str(&r, 1));
	l->side.customer_id = db_int(&r, 2);
	snprintf(l->currency, sizeof(l->currency), "%s", db_str(&r, 3));
	snprintf(l->number, sizeof(l->number), "%s", db_str(&r, 6));
	if ((l->exponent = money_exponent(l->currency)) < 0) {
		e = IE_INTERNAL;
		goto out;
	}
	if ((e = money_from_db(db_str(&r, 4), l->exponent, &l->side.amount))
	    || (e = money_from_db(db_str(&r, 5), l->exponent, &l->side.used)))
		goto out;
	l->side.status = l->status;
	l->side.currency = l->currency;
out:
	db_free(&r);
	return e;
}

static ierr lock_source(struct db *db, enum alloc_source source, long long id, struct locked *l)
{
	return source == ALLOC_PAYMENT ? lock_payment(db, id, l) : lock_document(db, id, l);
}

/* Writes a side's new used amount (and a document's status), then its event. */
static ierr write_side(struct db *db, struct alloc_ctx *cx, const struct locked *l, int is_target, long long id,
		       money_t used, const char *action, long long allocation_id, long long other_id,
		       const char *other_number, money_t amount)
{
	struct audit_json before = AUDIT_JSON_INIT, after = AUDIT_JSON_INIT;
	const char *key = l->side.is_document ? "paid_amount" : "allocated_amount";
	const char *status = l->side.is_document ? alloc_status_of(l->side.amount, used) : NULL;
	char old[48], now[48], amt[48];
	ierr e;

	if ((e = money_to_decimal(l->side.used, l->exponent, old, sizeof(old)))
	    || (e = money_to_decimal(used, l->exponent, now, sizeof(now)))
	    || (e = money_to_decimal(amount, l->exponent, amt, sizeof(amt))))
		goto out;
	if (l->side.is_document)
		e = db_exec(db, "UPDATE invoices SET paid_amount = ?, status = ?, row_version = row_version + 1 "
			    "WHERE id = ?", DB_ARGS(DB_S(now), DB_S(status), DB_I(id)), NULL, NULL);
	else
		e = db_exec(db, "UPDATE payments SET allocated_amount = ? WHERE id = ?", DB_ARGS(DB_S(now), DB_I(id)),
			    NULL, NULL);
	if (e)
		goto out;
	if ((e = audit_json_str(&before, key, old))
	    || (l->side.is_document && (e = audit_json_str(&before, "status", l->status)))
	    || (e = audit_json_end(&before))
	    || (e = audit_json_int(&after, "allocation_id", allocation_id))
	    || (e = audit_json_int(&after, is_target ? "source_id" : "target_id", other_id))
	    || (e = audit_json_str(&after, is_target ? "source" : "target", other_number))
	    || (e = audit_json_str(&after, "amount", amt))
	    || (e = audit_json_str(&after, key, now))
	    || (status && (e = audit_json_str(&after, "status", status)))
	    || (e = audit_json_end(&after)))
		goto out;
	e = audit_event(db, cx->user, cx->address, l->side.is_document ? "invoice" : "payment", id, action,
			before.b.data, after.b.data);
out:
	audit_json_free(&before);
	audit_json_free(&after);
	return e;
}

/* "payment 17" or the credit note's number, for the other side's event. */
static void source_name(enum alloc_source source, long long id, const struct locked *l, char *out, size_t outsz)
{
	if (source == ALLOC_PAYMENT)
		snprintf(out, outsz, "payment %lld", id);
	else
		snprintf(out, outsz, "%s", l->number);
}

static ierr refuse(struct alloc_ctx *cx, enum alloc_refusal r, const char *why)
{
	cx->refusal = r;
	cx->why = why;
	return IE_CONFLICT;
}

static void result(struct alloc_result *out, long long allocation_id, const struct locked *dst, money_t paid)
{
	if (!out)
		return;
	out->allocation_id = allocation_id;
	out->target_paid = paid;
	snprintf(out->target_status, sizeof(out->target_status), "%s", alloc_status_of(dst->side.amount, paid));
	out->exponent = dst->exponent;
}

ierr alloc_add_tx(struct db *db, struct alloc_ctx *cx, enum alloc_source source, long long source_id,
		  long long target_id, money_t amount, struct alloc_result *out)
{
	struct locked src, dst;
	unsigned long long id = 0;
	char amt[48], name[48];
	const char *why;
	enum alloc_refusal r;
	ierr e;

	cx->refusal = ALLOC_OK;
	if (source == ALLOC_CREDIT_NOTE && source_id == target_id)
		return refuse(cx, ALLOC_KIND, "A credit note cannot settle itself.");
	if ((e = lock_source(db, source, source_id, &src)) || (e = lock_document(db, target_id, &dst)))
		return e;
	if ((r = alloc_check(&src.side, &dst.side, amount, &why)) != ALLOC_OK)
		return refuse(cx, r, why);
	if ((e = money_to_decimal(amount, dst.exponent, amt, sizeof(amt))))
		return e;
	e = db_exec(db, "INSERT INTO payment_allocations (invoice_id, payment_id, credit_note_id, amount, created_by) "
		    "VALUES (?, ?, ?, ?, ?)",
		    DB_ARGS(DB_I(target_id), source == ALLOC_PAYMENT ? DB_I(source_id) : DB_N,
			    source == ALLOC_CREDIT_NOTE ? DB_I(source_id) : DB_N, DB_S(amt),
			    cx->user && cx->user->id > 0 ? DB_I(cx->user->id) : DB_N),
		    NULL, &id);
	if (e)
		return e;
	source_name(source, source_id, &src, name, sizeof(name));
	if ((e = write_side(db, cx, &src, 0, source_id, src.side.used + amount, "allocate", (long long)id, target_id,
			    dst.number, amount))
	    || (e = write_side(db, cx, &dst, 1, target_id, dst.side.used + amount,
			       source == ALLOC_PAYMENT ? "allocate" : "credit", (long long)id, source_id, name, amount)))
		return e;
	result(out, (long long)id, &dst, dst.side.used + amount);
	return IE_OK;
}

ierr alloc_remove_tx(struct db *db, struct alloc_ctx *cx, long long allocation_id, long long expect_target,
		     struct alloc_result *out)
{
	struct locked src, dst;
	struct db_res r;
	enum alloc_source source;
	long long source_id, target_id;
	money_t amount;
	char name[48];
	ierr e;

	cx->refusal = ALLOC_OK;
	e = db_query_row(db, &r, "SELECT invoice_id, payment_id, credit_note_id, amount FROM payment_allocations "
			 "WHERE id = ?", DB_ARGS(DB_I(allocation_id)));
	if (e) {
		db_free(&r);
		return e;
	}
	target_id = db_int(&r, 0);
	source = db_isnull(&r, 1) ? ALLOC_CREDIT_NOTE : ALLOC_PAYMENT;
	source_id = source == ALLOC_PAYMENT ? db_int(&r, 1) : db_int(&r, 2);
	db_free(&r);
	if (expect_target > 0 && expect_target != target_id)
		return IE_NOTFOUND;
	/* the same lock order as alloc_add_tx: source, target, then the row itself */
	if ((e = lock_source(db, source, source_id, &src)) || (e = lock_document(db, target_id, &dst)))
		return e;
	e = db_query_row(db, &r, "SELECT amount FROM payment_allocations WHERE id = ? FOR UPDATE",
			 DB_ARGS(DB_I(allocation_id)));
	if (!e)
		e = money_from_db(db_str(&r, 0), dst.exponent, &amount);
	db_free(&r);
	if (e)
		return e;
	if (!strcmp(dst.status, "void") || amount > dst.side.used || amount > src.side.used)
		return IE_INTERNAL;  /* the stored amounts disagree with their allocations */
	if ((e = db_exec(db, "DELETE FROM payment_allocations WHERE id = ?", DB_ARGS(DB_I(allocation_id)), NULL, NULL)))
		return e;
	source_name(source, source_id, &src, name, sizeof(name));
	if ((e = write_side(db, cx, &src, 0, source_id, src.side.used - amount, "unallocate", allocation_id, target_id,
			    dst.number, amount))
	    || (e = write_side(db, cx, &dst, 1, target_id, dst.side.used - amount, "unallocate", allocation_id,
			       source_id, name, amount)))
		return e;
	result(out, allocation_id, &dst, dst.side.used - amount);
	return IE_OK;
}
