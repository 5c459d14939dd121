/*
 * alloc.c — allocations of payments, refunds and credit notes (see alloc.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alloc.h"
#include "audit.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "outbox.h"

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

/* Columns: 0 kind, 1 status, 2 customer_id, 3 currency, 4 total, 5 paid_amount, 6 number */
static ierr read_document(const struct db_res *rr, struct locked *l)
{
	const struct db_res r = *rr;
	ierr e = IE_OK;

	memset(l, 0, sizeof(*l));
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
	return e;
}

static ierr lock_document(struct db *db, long long id, struct locked *l)
{
	struct db_res r;
	ierr e = db_query_row(db, &r, "SELECT kind, status, customer_id, currency, total, paid_amount, "
			      "COALESCE(number, '') FROM invoices WHERE id = ? FOR UPDATE", DB_ARGS(DB_I(id)));

	if (!e)
		e = read_document(&r, l);
	db_free(&r);
	return e;
}

static ierr lock_source(struct db *db, enum alloc_source source, long long id, struct locked *l)
{
	return source == ALLOC_PAYMENT ? lock_payment(db, id, l) : lock_document(db, id, l);
}

/* Writes a side's new used amount (and a document's status). */
static ierr update_side(struct db *db, const struct locked *l, long long id, money_t used)
{
	char now[48];
	ierr e = money_to_decimal(used, l->exponent, now, sizeof(now));

	if (e)
		return e;
	if (l->side.is_document)
		return db_exec(db, "UPDATE invoices SET paid_amount = ?, status = ?, row_version = row_version + 1 "
			       "WHERE id = ?", DB_ARGS(DB_S(now), DB_S(alloc_status_of(l->side.amount, used)), DB_I(id)),
			       NULL, NULL);
	return db_exec(db, "UPDATE payments SET allocated_amount = ? WHERE id = ?", DB_ARGS(DB_S(now), DB_I(id)), NULL,
		       NULL);
}

/* A side's event: before {used, status}, after {allocation, the other side, amount, used, status}.
 * l->side.used is the amount before, `used` the one after. */
static ierr side_json(const struct locked *l, int is_target, money_t used, long long allocation_id,
		      long long other_id, const char *other_number, money_t amount, struct audit_json *before,
		      struct audit_json *after)
{
	const char *key = l->side.is_document ? "paid_amount" : "allocated_amount";
	const char *status = l->side.is_document ? alloc_status_of(l->side.amount, used) : NULL;
	char old[48], now[48], amt[48];
	ierr e;

	if ((e = money_to_decimal(l->side.used, l->exponent, old, sizeof(old)))
	    || (e = money_to_decimal(used, l->exponent, now, sizeof(now)))
	    || (e = money_to_decimal(amount, l->exponent, amt, sizeof(amt))))
		return e;
	if ((e = audit_json_str(before, key, old))
	    || (l->side.is_document && (e = audit_json_str(before, "status", l->status)))
	    || (e = audit_json_end(before))
	    || (e = audit_json_int(after, "allocation_id", allocation_id))
	    || (e = audit_json_int(after, is_target ? "source_id" : "target_id", other_id))
	    || (e = audit_json_str(after, is_target ? "source" : "target", other_number))
	    || (e = audit_json_str(after, "amount", amt))
	    || (e = audit_json_str(after, key, now))
	    || (status && (e = audit_json_str(after, "status", status)))
	    || (e = audit_json_end(after)))
		return e;
	return IE_OK;
}

/* Writes a side's new used amount, then its event. */
static ierr write_side(struct db *db, struct alloc_ctx *cx, const struct locked *l, int is_target, long long id,
		       money_t used, const char *action, long long allocation_id, long long other_id,
		       const char *other_number, money_t amount)
{
	struct audit_json before = AUDIT_JSON_INIT, after = AUDIT_JSON_INIT;
	ierr e;

	if ((e = update_side(db, l, id, used))
	    || (e = side_json(l, is_target, used, allocation_id, other_id, other_number, amount, &before, &after)))
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
	/* money received: the customer's "payment received" mail, when they want it (lib/outbox.h) */
	if (source == ALLOC_PAYMENT && !dst.side.is_credit
	    && (e = outbox_queue(db, OUTBOX_PAYMENT_RECEIVED, target_id, (long long)id, NULL)))
		return e;
	result(out, (long long)id, &dst, dst.side.used + amount);
	return IE_OK;
}

ierr alloc_paid_many(struct db *db, const char *rows)
{
	ierr e = db_exec(db, "CALL invoice_paid_many(?)", DB_ARGS(DB_S(rows)), NULL, NULL);

	/* the procedure restores @invoice_totals_off on its errors; a statement
	 * killed before its handler ran must not leave it set on this connection
	 * either (a pooled connection keeps session variables) */
	if (e)
		db_exec(db, "SET @invoice_totals_off = NULL", DB_NOARGS, NULL, NULL);
	return e;
}

/* Appends {"e":entity,"i":id,"a":action,"b":before,"f":after} (an element of audit_events_json's array). */
static ierr event_json(struct buf *b, const char *entity, long long id, const char *action,
		       const struct audit_json *before, const struct audit_json *after)
{
	ierr e;

	if ((e = buf_puts(b, b->len > 1 ? ",{\"e\":" : "{\"e\":"))
	    || (e = audit_json_escape(b, entity, strlen(entity))) || (e = buf_printf(b, ",\"i\":%lld,\"a\":", id))
	    || (e = audit_json_escape(b, action, strlen(action))) || (e = buf_puts(b, ",\"b\":"))
	    || (e = audit_json_escape(b, before->b.data, before->b.len)) || (e = buf_puts(b, ",\"f\":"))
	    || (e = audit_json_escape(b, after->b.data, after->b.len)))
		return e;
	return buf_putc(b, '}');
}

/* Reads the batch's targets under their row locks into dst[] (by item index). */
static ierr lock_targets(struct db *db, const struct alloc_item *items, size_t n, struct locked *dst, size_t *failed)
{
	struct buf ids = BUF_INIT;
	struct db_res r = { 0 };
	struct locked l;
	size_t i;
	ierr e = buf_putc(&ids, '[');

	for (i = 0; !e && i < n; i++)
		e = buf_printf(&ids, i ? ",%lld" : "%lld", items[i].target);
	if (e || (e = buf_putc(&ids, ']')) || (e = buf_putc(&ids, '\0')))
		goto out;
	e = db_query(db, &r, "SELECT kind, status, customer_id, currency, total, paid_amount, COALESCE(number, ''), id "
		     "FROM invoices WHERE id IN (SELECT t.id FROM JSON_TABLE(?, '$[*]' COLUMNS ("
		     "id BIGINT UNSIGNED PATH '$')) t) ORDER BY id FOR UPDATE", DB_ARGS(DB_S(ids.data)));
	while (!e && (e = db_next(&r)) == IE_OK) {
		if ((e = read_document(&r, &l)))
			break;
		for (i = 0; i < n; i++)
			if (items[i].target == db_int(&r, 7))
				dst[i] = l;
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
	for (i = 0; !e && i < n; i++)
		if (!dst[i].side.is_document) {
			*failed = i;
			e = IE_NOTFOUND;
		}
out:
	db_free(&r);
	buf_free(&ids);
	return e;
}

ierr alloc_add_many_tx(struct db *db, struct alloc_ctx *cx, enum alloc_source source, long long source_id,
		       const struct alloc_item *items, size_t n, size_t *failed)
{
	struct locked src, now, *dst = NULL;
	struct buf rows = BUF_INIT, events = BUF_INIT;
	struct audit_json before = AUDIT_JSON_INIT, after = AUDIT_JSON_INIT;
	struct db_res r = { 0 };
	unsigned long long first = 0;
	long long *alloc_ids = NULL;
	const char *why;
	char amt[48], paid[48], name[48];
	enum alloc_refusal ref;
	size_t i, k;
	ierr e;

	cx->refusal = ALLOC_OK;
	*failed = 0;
	if (!n)
		return IE_INVALID;
	for (i = 0; i < n; i++)
		for (k = 0; k < i; k++)
			if (items[i].target == items[k].target) {
				*failed = i;
				return IE_INVALID;
			}
	for (i = 0; i < n; i++)
		if (source == ALLOC_CREDIT_NOTE && items[i].target == source_id) {
			*failed = i;
			return refuse(cx, ALLOC_KIND, "A credit note cannot settle itself.");
		}
	if (!(dst = calloc(n, sizeof(*dst))) || !(alloc_ids = calloc(n, sizeof(*alloc_ids))))
		e = IE_NOMEM;
	else if (!(e = lock_source(db, source, source_id, &src)))
		e = lock_targets(db, items, n, dst, failed);
	if (e)
		goto out;
	/* the rule, item by item, against the running amounts */
	now = src;
	now.side.status = now.status;
	now.side.currency = now.currency;
	for (i = 0; i < n; i++) {
		dst[i].side.status = dst[i].status;
		dst[i].side.currency = dst[i].currency;
		if ((ref = alloc_check(&now.side, &dst[i].side, items[i].amount, &why)) != ALLOC_OK) {
			*failed = i;
			e = refuse(cx, ref, why);
			goto out;
		}
		now.side.used += items[i].amount;
	}
	/* the allocation rows, in item order: ids increase in that order */
	e = buf_putc(&rows, '[');
	for (i = 0; !e && i < n; i++)
		if (!(e = money_to_decimal(items[i].amount, dst[i].exponent, amt, sizeof(amt)))
		    && !(e = money_to_decimal(dst[i].side.used + items[i].amount, dst[i].exponent, paid, sizeof(paid))))
			e = buf_printf(&rows, "%s{\"id\":%lld,\"a\":\"%s\",\"p\":\"%s\",\"s\":\"%s\"}", i ? "," : "",
				       items[i].target, amt, paid,
				       alloc_status_of(dst[i].side.amount, dst[i].side.used + items[i].amount));
	if (e || (e = buf_putc(&rows, ']')) || (e = buf_putc(&rows, '\0')))
		goto out;
	e = db_exec(db, "INSERT INTO payment_allocations (invoice_id, payment_id, credit_note_id, amount, created_by) "
		    "SELECT t.id, ?, ?, t.a, ? FROM JSON_TABLE(?, '$[*]' COLUMNS (pos FOR ORDINALITY, "
		    "id BIGINT UNSIGNED PATH '$.id', a DECIMAL(19,3) PATH '$.a')) t ORDER BY t.pos",
		    DB_ARGS(source == ALLOC_PAYMENT ? DB_I(source_id) : DB_N,
			    source == ALLOC_CREDIT_NOTE ? DB_I(source_id) : DB_N,
			    cx->user && cx->user->id > 0 ? DB_I(cx->user->id) : DB_N, DB_S(rows.data)),
		    NULL, &first);
	if (e)
		goto out;
	/* their ids: nobody else adds rows of this source while it is locked */
	if (source == ALLOC_PAYMENT)
		e = db_query(db, &r, "SELECT id FROM payment_allocations WHERE payment_id = ? AND id >= ? ORDER BY id",
			     DB_ARGS(DB_I(source_id), DB_I((long long)first)));
	else
		e = db_query(db, &r, "SELECT id FROM payment_allocations WHERE credit_note_id = ? AND id >= ? ORDER BY id",
			     DB_ARGS(DB_I(source_id), DB_I((long long)first)));
	for (i = 0; !e && (e = db_next(&r)) == IE_OK; i++)
		if (i < n)
			alloc_ids[i] = db_int(&r, 0);
	if (e == IE_NOTFOUND && i == n)
		e = IE_OK;
	else if (!e || e == IE_NOTFOUND)
		e = IE_INTERNAL;   /* the rows just written are not all there */
	if (e)
		goto out;
	if ((e = alloc_paid_many(db, rows.data)) || (e = update_side(db, &src, source_id, now.side.used)))
		goto out;
	/* the events, as alloc_add_tx writes them one allocation after another */
	now = src;
	source_name(source, source_id, &src, name, sizeof(name));
	e = buf_putc(&events, '[');
	for (i = 0; !e && i < n; i++) {
		money_t used = now.side.used + items[i].amount;

		audit_json_free(&before);
		audit_json_free(&after);
		if ((e = side_json(&now, 0, used, alloc_ids[i], items[i].target, dst[i].number, items[i].amount, &before,
				   &after))
		    || (e = event_json(&events, now.side.is_document ? "invoice" : "payment", source_id, "allocate", &before,
				       &after)))
			break;
		now.side.used = used;
		if (now.side.is_document)
			snprintf(now.status, sizeof(now.status), "%s", alloc_status_of(now.side.amount, used));
		audit_json_free(&before);
		audit_json_free(&after);
		if ((e = side_json(&dst[i], 1, dst[i].side.used + items[i].amount, alloc_ids[i], source_id, name,
				   items[i].amount, &before, &after)))
			break;
		e = event_json(&events, "invoice", items[i].target, source == ALLOC_PAYMENT ? "allocate" : "credit", &before,
			       &after);
	}
	if (e || (e = buf_putc(&events, ']')) || (e = buf_putc(&events, '\0')))
		goto out;
	e = audit_events_json(db, cx->user, cx->address, events.data);
	for (i = 0; !e && source == ALLOC_PAYMENT && i < n; i++)
		if (!dst[i].side.is_credit)
			e = outbox_queue(db, OUTBOX_PAYMENT_RECEIVED, items[i].target, alloc_ids[i], NULL);
out:
	db_free(&r);
	audit_json_free(&before);
	audit_json_free(&after);
	buf_free(&rows);
	buf_free(&events);
	free(dst);
	free(alloc_ids);
	return e;
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
