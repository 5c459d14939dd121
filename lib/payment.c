/*
 * payment.c — payments and refunds: recording, reading, the spread plan
 * (payment.h). Allocations themselves are lib/alloc.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "payment.h"
#include "alloc.h"
#include "audit.h"
#include "auth.h"
#include "buf.h"
#include "customer.h"
#include "db.h"

const char *const payment_methods[] = { "transfer", "card", "cash", "other", "direct_debit", NULL };
const char *const payment_method_labels[] = { "Bank transfer", "Card", "Cash", "Other", "Direct debit", NULL };

const char *payment_method_label(const char *method)
{
	for (size_t i = 0; method && payment_methods[i]; i++)
		if (!strcmp(method, payment_methods[i]))
			return payment_method_labels[i];
	return method ? method : "";
}

/* ---------- pure rules ---------- */

money_t payment_spread(money_t free, const money_t *open, size_t n, money_t *plan)
{
	money_t left = free > 0 ? free : 0;

	for (size_t i = 0; i < n; i++) {
		money_t o = open[i] > 0 ? open[i] : 0;

		plan[i] = o < left ? o : left;
		left -= plan[i];
	}
	return (free > 0 ? free : 0) - left;
}

static int is_date(const char *s)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	return 1;
}

ierr payment_check(const struct payment_new *p, const char **why)
{
	size_t i;

	*why = NULL;
	if (p->customer_id <= 0)
		*why = "Choose the customer who paid.";
	else if (!p->amount)
		*why = "The amount must not be zero (a refund is a negative amount).";
	else if (!p->currency || money_exponent(p->currency) < 0)
		*why = "The customer's currency is not known.";
	else if (!is_date(p->received_on))
		*why = "The date received must be a date YYYY-MM-DD.";
	else {
		for (i = 0; p->method && payment_methods[i] && strcmp(p->method, payment_methods[i]); i++)
			;
		if (!p->method || !payment_methods[i])
			*why = "The method must be bank transfer, card, cash, direct debit or other.";
		else if (p->reference && strlen(p->reference) > 140)
			*why = "The reference is at most 140 characters.";
		else if (p->notes && strlen(p->notes) > 2000)
			*why = "The note is at most 2000 characters.";
	}
	return *why ? IE_INVALID : IE_OK;
}

ierr payment_filter_check(const struct payment_filter *f, const char **bad, const char **why)
{
	int64_t v;

	*bad = NULL;
	*why = NULL;
	if (f->q && strlen(f->q) > 200) {
		*bad = "q";
		*why = "The search is too long.";
	} else if (f->amount && *f->amount && (money_parse(f->amount, 3, &v) || v <= 0)) {
		*bad = "amount";
		*why = "The amount must be a positive number like 12.30.";
	} else if (f->from && *f->from && !is_date(f->from)) {
		*bad = "from";
		*why = "From must be a date YYYY-MM-DD.";
	} else if (f->to && *f->to && !is_date(f->to)) {
		*bad = "to";
		*why = "To must be a date YYYY-MM-DD.";
	} else if (f->from && *f->from && f->to && *f->to && strcmp(f->from, f->to) > 0) {
		*bad = "to";
		*why = "To must not be before from.";
	}
	return *bad ? IE_INVALID : IE_OK;
}

/* ---------- recording ---------- */

ierr payment_customer(struct db *db, struct arena *a, long long customer_id, const char **name,
		      char currency[4], int *active)
{
	struct db_res r = { 0 };
	ierr e = db_query_row(db, &r, "SELECT name, currency, active FROM customers WHERE id = ?",
			      DB_ARGS(DB_I(customer_id)));

	if (e)
		goto out;
	if (name && !(*name = arena_strdup(a, db_str(&r, 0)))) {
		e = IE_NOMEM;
		goto out;
	}
	snprintf(currency, 4, "%s", db_str(&r, 1));
	if (active)
		*active = (int)db_int(&r, 2);
out:
	db_free(&r);
	return e;
}

ierr payment_create(struct db *db, const struct auth_user *user, const char *address,
		    const struct payment_new *p, long long *id)
{
	struct audit_json after = AUDIT_JSON_INIT;
	unsigned long long nid = 0;
	char amt[48];
	const char *why;
	int exp = money_exponent(p->currency);
	ierr e;

	if ((e = payment_check(p, &why)) || (e = money_to_decimal(p->amount, exp, amt, sizeof(amt))))
		return e;
	e = db_exec(db, "INSERT INTO payments (customer_id, currency, amount, received_on, method, reference, notes, "
		    "created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		    DB_ARGS(DB_I(p->customer_id), DB_S(p->currency), DB_S(amt), DB_S(p->received_on), DB_S(p->method),
			    DB_S(p->reference ? p->reference : ""), DB_S(p->notes ? p->notes : ""),
			    user && user->id > 0 ? DB_I(user->id) : DB_N),
		    NULL, &nid);
	if (e)
		goto out;
	*id = (long long)nid;
	if ((e = audit_json_int(&after, "payment_id", *id)) || (e = audit_json_int(&after, "customer_id", p->customer_id))
	    || (e = audit_json_str(&after, "amount", amt)) || (e = audit_json_str(&after, "currency", p->currency))
	    || (e = audit_json_str(&after, "received_on", p->received_on))
	    || (e = audit_json_str(&after, "method", p->method))
	    || (e = audit_json_str(&after, "reference", p->reference ? p->reference : ""))
	    || (e = audit_json_str(&after, "notes", p->notes ? p->notes : "")) || (e = audit_json_end(&after)))
		goto out;
	if ((e = audit_event(db, user, address, "payment", *id, "create", NULL, after.b.data)))
		goto out;
	e = audit_event(db, user, address, "customer", p->customer_id, p->amount < 0 ? "refund" : "payment", NULL,
			after.b.data);
out:
	audit_json_free(&after);
	return e;
}

/* ---------- reading ---------- */

static const char *dup_col(struct arena *a, const struct db_res *r, unsigned col)
{
	return arena_strdup(a, db_str(r, col) ? db_str(r, col) : "");
}

/* Columns: 0 id, 1 customer_id, 2 customer name, 3 currency, 4 received_on,
 * 5 method, 6 reference, 7 notes, 8 created_at, 9 amount, 10 allocated_amount */
ierr payment_row_read(const struct db_res *r, struct arena *a, struct payment_row *p)
{
	money_t whole;

	memset(p, 0, sizeof(*p));
	p->id = db_int(r, 0);
	p->customer_id = db_int(r, 1);
	if (!(p->customer_name = dup_col(a, r, 2)) || !(p->currency = dup_col(a, r, 3))
	    || !(p->received_on = dup_col(a, r, 4)) || !(p->method = dup_col(a, r, 5))
	    || !(p->reference = dup_col(a, r, 6)) || !(p->notes = dup_col(a, r, 7))
	    || !(p->created_at = dup_col(a, r, 8)))
		return IE_NOMEM;
	if ((p->exponent = money_exponent(p->currency)) < 0 || money_from_db(db_str(r, 9), p->exponent, &p->amount)
	    || money_from_db(db_str(r, 10), p->exponent, &p->allocated))
		return IE_INTERNAL;
	whole = p->amount < 0 ? -p->amount : p->amount;
	p->free = whole > p->allocated ? whole - p->allocated : 0;
	return IE_OK;
}

static ierr each_payment(struct db_res *r, struct arena *a, ierr (*fn)(void *ctx, const struct payment_row *p),
			 void *ctx)
{
	struct payment_row p;
	ierr e;

	while ((e = db_next(r)) == IE_OK)
		if ((e = payment_row_read(r, a, &p)) || (e = fn(ctx, &p)))
			return e;
	return e == IE_NOTFOUND ? IE_OK : e;
}

/* The ids of the customers whose name contains the search (at most 500) as a
 * JSON array, so the payments' filter never joins a customer per row. */
static ierr name_ids(struct db *db, struct arena *a, const char *like, const char **out)
{
	struct db_res r = { 0 };
	struct buf b = BUF_INIT;
	size_t n = 0;
	ierr e = buf_putc(&b, '[');

	*out = "[]";
	if (!e && *like)
		e = db_query(db, &r, "SELECT id FROM customers WHERE name LIKE CONCAT('%', ?, '%') ORDER BY id LIMIT 500",
			     DB_ARGS(DB_S(like)));
	while (!e && *like && (e = db_next(&r)) == IE_OK)
		e = buf_printf(&b, n++ ? ",%lld" : "%lld", db_int(&r, 0));
	if ((!e || e == IE_NOTFOUND) && !(e = buf_putc(&b, ']')) && !(e = buf_putc(&b, '\0'))
	    && !(*out = arena_strdup(a, b.data)))
		e = IE_NOMEM;
	db_free(&r);
	buf_free(&b);
	return e;
}

ierr payment_search(struct db *db, struct arena *a, const struct payment_filter *f, long long offset,
		    long long limit, ierr (*fn)(void *ctx, const struct payment_row *p), void *ctx,
		    long long *total)
{
	struct db_res r = { 0 };
	char like[512];
	const char *amount = f->amount && *f->amount ? f->amount : NULL;
	const char *from = f->from && *f->from ? f->from : NULL, *to = f->to && *f->to ? f->to : NULL;
	const char *negative = NULL;  /* a refund of the same figure */
	const char *names;            /* customers matching the search */
	ierr e;

	if ((e = customer_like_escape(f->q ? f->q : "", like, sizeof(like))) || (e = name_ids(db, a, like, &names)))
		return e;
	if (amount && !(negative = arena_printf(a, "-%s", amount)))
		return IE_NOMEM;
	/* counted up to PAYMENT_COUNT_CAP + 1 rows: a count never reads the whole table */
	e = db_query_row(db, &r, "SELECT COUNT(*) FROM (SELECT 1 FROM payments p "
			 "WHERE (? = 0 OR p.customer_id = ?) AND (? IS NULL OR p.received_on >= ?) "
			 "AND (? IS NULL OR p.received_on <= ?) AND (? IS NULL OR p.amount IN (?, ?)) "
			 "AND (? = 0 OR p.allocated_amount < ABS(p.amount)) "
			 "AND (? = '' OR p.reference LIKE CONCAT('%', ?, '%') OR p.notes LIKE CONCAT('%', ?, '%') "
			 "OR p.customer_id IN (SELECT t.id FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) t)) "
			 "LIMIT ?) x",
			 DB_ARGS(DB_I(f->customer_id), DB_I(f->customer_id), DB_S(from), DB_S(from), DB_S(to), DB_S(to),
				 DB_S(amount), DB_S(amount), DB_S(negative), DB_I(f->open_only), DB_S(like), DB_S(like),
				 DB_S(like), DB_S(names), DB_I(PAYMENT_COUNT_CAP + 1)));
	if (e)
		goto out;
	*total = db_int(&r, 0);
	db_free(&r);
	e = db_query(db, &r, "SELECT p.id, p.customer_id, c.name, p.currency, p.received_on, p.method, p.reference, "
		     "p.notes, p.created_at, p.amount, p.allocated_amount "
		     "FROM payments p STRAIGHT_JOIN customers c ON c.id = p.customer_id "
		     "WHERE (? = 0 OR p.customer_id = ?) AND (? IS NULL OR p.received_on >= ?) "
		     "AND (? IS NULL OR p.received_on <= ?) AND (? IS NULL OR p.amount IN (?, ?)) "
		     "AND (? = 0 OR p.allocated_amount < ABS(p.amount)) "
		     "AND (? = '' OR p.reference LIKE CONCAT('%', ?, '%') OR p.notes LIKE CONCAT('%', ?, '%') "
		     "OR p.customer_id IN (SELECT t.id FROM JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$')) t)) "
		     "ORDER BY p.received_on DESC, p.id DESC LIMIT ? OFFSET ?",
		     DB_ARGS(DB_I(f->customer_id), DB_I(f->customer_id), DB_S(from), DB_S(from), DB_S(to), DB_S(to),
			     DB_S(amount), DB_S(amount), DB_S(negative), DB_I(f->open_only), DB_S(like), DB_S(like),
			     DB_S(like), DB_S(names), DB_I(limit), DB_I(offset)));
	if (!e)
		e = each_payment(&r, a, fn, ctx);
out:
	db_free(&r);
	return e;
}

ierr payment_get(struct db *db, struct arena *a, long long id, struct payment_row *p)
{
	struct db_res r = { 0 };
	ierr e = db_query_row(db, &r, "SELECT p.id, p.customer_id, c.name, p.currency, p.received_on, p.method, "
			      "p.reference, p.notes, p.created_at, p.amount, p.allocated_amount "
			      "FROM payments p JOIN customers c ON c.id = p.customer_id WHERE p.id = ?",
			      DB_ARGS(DB_I(id)));

	if (!e)
		e = payment_row_read(&r, a, p);
	db_free(&r);
	return e;
}

ierr payment_doc_get(struct db *db, struct arena *a, long long id, struct payment_docinfo *d)
{
	struct db_res r = { 0 };
	ierr e = db_query_row(db, &r, "SELECT i.id, i.customer_id, i.kind, i.status, COALESCE(i.number, ''), "
			      "i.customer_name, i.currency, i.due_date, c.time_zone, i.total, i.paid_amount "
			      "FROM invoices i JOIN customers c ON c.id = i.customer_id WHERE i.id = ?",
			      DB_ARGS(DB_I(id)));

	if (e)
		goto out;
	memset(d, 0, sizeof(*d));
	d->id = db_int(&r, 0);
	d->customer_id = db_int(&r, 1);
	if (!(d->kind = dup_col(a, &r, 2)) || !(d->status = dup_col(a, &r, 3)) || !(d->number = dup_col(a, &r, 4))
	    || !(d->customer_name = dup_col(a, &r, 5)) || !(d->currency = dup_col(a, &r, 6))
	    || !(d->due_date = dup_col(a, &r, 7)) || !(d->time_zone = dup_col(a, &r, 8))) {
		e = IE_NOMEM;
		goto out;
	}
	if ((d->exponent = money_exponent(d->currency)) < 0 || money_from_db(db_str(&r, 9), d->exponent, &d->total)
	    || money_from_db(db_str(&r, 10), d->exponent, &d->paid)) {
		e = IE_INTERNAL;
		goto out;
	}
	d->open = !strcmp(d->status, "open") && d->total > d->paid ? d->total - d->paid : 0;
out:
	db_free(&r);
	return e;
}

/* Columns: 0 id, 1 invoice_id, 2 invoice number, 3 payment_id, 4 credit_note_id,
 * 5 credit note number, 6 payment reference, 7 created_at, 8 amount */
static ierr each_alloc(struct db_res *r, struct arena *a, int exponent,
		       ierr (*fn)(void *ctx, const struct payment_alloc *x), void *ctx)
{
	struct payment_alloc x;
	ierr e;

	while ((e = db_next(r)) == IE_OK) {
		memset(&x, 0, sizeof(x));
		x.id = db_int(r, 0);
		x.invoice_id = db_int(r, 1);
		x.payment_id = db_int(r, 3);
		x.credit_note_id = db_int(r, 4);
		if (!(x.invoice_number = dup_col(a, r, 2)) || !(x.created_at = dup_col(a, r, 7)))
			return IE_NOMEM;
		if (x.payment_id)
			x.source_text = *db_str(r, 6) ? arena_printf(a, "Payment %lld · %s", x.payment_id, db_str(r, 6))
						      : arena_printf(a, "Payment %lld", x.payment_id);
		else
			x.source_text = arena_printf(a, "Credit note %s", db_str(r, 5));
		if (!x.source_text)
			return IE_NOMEM;
		if (money_from_db(db_str(r, 8), exponent, &x.amount))
			return IE_INTERNAL;
		if ((e = fn(ctx, &x)))
			return e;
	}
	return e == IE_NOTFOUND ? IE_OK : e;
}

ierr payment_allocations(struct db *db, struct arena *a, int by_payment, long long id, const char *currency,
			 ierr (*fn)(void *ctx, const struct payment_alloc *x), void *ctx)
{
	struct db_res r = { 0 };
	int exp = money_exponent(currency);
	ierr e;

	if (exp < 0)
		return IE_INTERNAL;
	if (by_payment)
		e = db_query(db, &r, "SELECT a.id, a.invoice_id, COALESCE(i.number, ''), COALESCE(a.payment_id, 0), "
			     "COALESCE(a.credit_note_id, 0), COALESCE(cn.number, ''), COALESCE(p.reference, ''), "
			     "a.created_at, a.amount FROM payment_allocations a JOIN invoices i ON i.id = a.invoice_id "
			     "LEFT JOIN payments p ON p.id = a.payment_id LEFT JOIN invoices cn ON cn.id = a.credit_note_id "
			     "WHERE a.payment_id = ? ORDER BY a.id", DB_ARGS(DB_I(id)));
	else
		e = db_query(db, &r, "SELECT a.id, a.invoice_id, COALESCE(i.number, ''), COALESCE(a.payment_id, 0), "
			     "COALESCE(a.credit_note_id, 0), COALESCE(cn.number, ''), COALESCE(p.reference, ''), "
			     "a.created_at, a.amount FROM payment_allocations a JOIN invoices i ON i.id = a.invoice_id "
			     "LEFT JOIN payments p ON p.id = a.payment_id LEFT JOIN invoices cn ON cn.id = a.credit_note_id "
			     "WHERE a.invoice_id = ? OR a.credit_note_id = ? ORDER BY a.id", DB_ARGS(DB_I(id), DB_I(id)));
	if (!e)
		e = each_alloc(&r, a, exp, fn, ctx);
	db_free(&r);
	return e;
}

ierr payment_allocation_of(struct db *db, long long allocation_id, long long payment_id)
{
	struct db_res r = { 0 };
	ierr e = db_query_row(db, &r, "SELECT 1 FROM payment_allocations WHERE id = ? AND payment_id = ?",
			      DB_ARGS(DB_I(allocation_id), DB_I(payment_id)));

	db_free(&r);
	return e;
}

ierr payment_open_docs(struct db *db, struct arena *a, long long customer_id, const char *currency, int credit,
		       unsigned limit, ierr (*fn)(void *ctx, const struct payment_doc *d), void *ctx)
{
	struct db_res r = { 0 };
	struct payment_doc d;
	money_t paid;
	int exp = money_exponent(currency);
	ierr e;

	if (exp < 0)
		return IE_INTERNAL;
	if (limit < 1 || limit > PAYMENT_SPREAD_MAX)
		limit = PAYMENT_SPREAD_MAX;
	e = db_query(db, &r, "SELECT id, COALESCE(number, ''), invoice_date, due_date, total, paid_amount "
		     "FROM invoices WHERE customer_id = ? AND status = 'open' AND kind = ? AND currency = ? "
		     "ORDER BY due_date, id LIMIT ?",
		     DB_ARGS(DB_I(customer_id), DB_S(credit ? "credit" : "invoice"), DB_S(currency), DB_I(limit)));
	while (!e && (e = db_next(&r)) == IE_OK) {
		memset(&d, 0, sizeof(d));
		d.id = db_int(&r, 0);
		if (!(d.number = dup_col(a, &r, 1)) || !(d.invoice_date = dup_col(a, &r, 2))
		    || !(d.due_date = dup_col(a, &r, 3))) {
			e = IE_NOMEM;
			break;
		}
		if (money_from_db(db_str(&r, 4), exp, &d.total) || money_from_db(db_str(&r, 5), exp, &paid)) {
			e = IE_INTERNAL;
			break;
		}
		d.open = d.total > paid ? d.total - paid : 0;
		e = fn(ctx, &d);
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
	db_free(&r);
	return e;
}

ierr payment_sources(struct db *db, struct arena *a, long long customer_id, const char *currency,
		     long long except_doc, ierr (*fn)(void *ctx, const struct payment_source *s), void *ctx)
{
	struct db_res r = { 0 };
	struct payment_source s;
	money_t whole, used;
	int exp = money_exponent(currency);
	ierr e;

	if (exp < 0)
		return IE_INTERNAL;
	e = db_query(db, &r, "SELECT id, received_on, method, reference, amount, allocated_amount FROM payments "
		     "WHERE customer_id = ? AND currency = ? AND amount > 0 AND allocated_amount < amount "
		     "ORDER BY received_on, id LIMIT 100", DB_ARGS(DB_I(customer_id), DB_S(currency)));
	while (!e && (e = db_next(&r)) == IE_OK) {
		if (money_from_db(db_str(&r, 4), exp, &whole) || money_from_db(db_str(&r, 5), exp, &used)) {
			e = IE_INTERNAL;
			break;
		}
		s.id = db_int(&r, 0);
		s.is_credit = 0;
		s.free = whole - used;
		if (!(s.text = arena_printf(a, "Payment %lld · %s · %s%s%s", s.id, db_str(&r, 1),
					    payment_method_label(db_str(&r, 2)), *db_str(&r, 3) ? " · " : "",
					    db_str(&r, 3)))) {
			e = IE_NOMEM;
			break;
		}
		e = fn(ctx, &s);
	}
	if (e != IE_NOTFOUND)
		goto out;
	db_free(&r);
	e = db_query(db, &r, "SELECT id, COALESCE(number, ''), total, paid_amount FROM invoices "
		     "WHERE customer_id = ? AND kind = 'credit' AND status = 'open' AND currency = ? AND id <> ? "
		     "ORDER BY id LIMIT 100", DB_ARGS(DB_I(customer_id), DB_S(currency), DB_I(except_doc)));
	while (!e && (e = db_next(&r)) == IE_OK) {
		if (money_from_db(db_str(&r, 2), exp, &whole) || money_from_db(db_str(&r, 3), exp, &used)) {
			e = IE_INTERNAL;
			break;
		}
		s.id = db_int(&r, 0);
		s.is_credit = 1;
		s.free = whole - used;
		if (!(s.text = arena_printf(a, "Credit note %s", db_str(&r, 1)))) {
			e = IE_NOMEM;
			break;
		}
		e = fn(ctx, &s);
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
out:
	db_free(&r);
	return e;
}

static struct payment_credit *credit_slot(struct payment_credit *out, size_t cap, size_t *n, const char *cur)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp(out[i].currency, cur))
			return &out[i];
	if (*n >= cap)
		return NULL;
	memset(&out[*n], 0, sizeof(out[*n]));
	snprintf(out[*n].currency, sizeof(out[*n].currency), "%s", cur);
	return &out[(*n)++];
}

ierr payment_customer_credit(struct db *db, long long customer_id, struct payment_credit *out, size_t cap,
			     size_t *n)
{
	struct db_res r = { 0 };
	struct payment_credit *c;
	int exp;
	ierr e;

	*n = 0;
	e = db_query(db, &r, "SELECT currency, SUM(CASE WHEN amount > 0 THEN amount - allocated_amount ELSE 0 END), "
		     "SUM(CASE WHEN amount < 0 THEN -amount - allocated_amount ELSE 0 END) "
		     "FROM payments WHERE customer_id = ? GROUP BY currency ORDER BY currency",
		     DB_ARGS(DB_I(customer_id)));
	while (!e && (e = db_next(&r)) == IE_OK) {
		if (!(c = credit_slot(out, cap, n, db_str(&r, 0))) || (exp = money_exponent(c->currency)) < 0
		    || money_from_db(db_str(&r, 1), exp, &c->payments) || money_from_db(db_str(&r, 2), exp, &c->refunds))
			e = IE_INTERNAL;
	}
	if (e != IE_NOTFOUND)
		goto out;
	db_free(&r);
	e = db_query(db, &r, "SELECT currency, SUM(total - paid_amount) FROM invoices "
		     "WHERE customer_id = ? AND kind = 'credit' AND status = 'open' GROUP BY currency ORDER BY currency",
		     DB_ARGS(DB_I(customer_id)));
	while (!e && (e = db_next(&r)) == IE_OK) {
		if (!(c = credit_slot(out, cap, n, db_str(&r, 0))) || (exp = money_exponent(c->currency)) < 0
		    || money_from_db(db_str(&r, 1), exp, &c->credit_notes))
			e = IE_INTERNAL;
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
out:
	db_free(&r);
	return e;
}

/* ---------- allocating ---------- */

ierr payment_allocate_tx(struct db *db, struct alloc_ctx *cx, int is_credit, long long source_id,
			 const struct alloc_item *items, size_t n, size_t *failed, size_t *done)
{
	struct alloc_item *some = n ? calloc(n, sizeof(*some)) : NULL;
	size_t *index = n ? calloc(n, sizeof(*index)) : NULL;
	size_t k = 0, f = 0;
	ierr e = IE_INVALID;

	*failed = 0;
	*done = 0;
	if (n && (!some || !index)) {
		e = IE_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (items[i].amount != 0) {
			index[k] = i;
			some[k++] = items[i];
		}
	if (!k)
		goto out;
	e = alloc_add_many_tx(db, cx, is_credit ? ALLOC_CREDIT_NOTE : ALLOC_PAYMENT, source_id, some, k, &f);
	*failed = index[f < k ? f : 0];
	if (!e)
		*done = k;
out:
	free(some);
	free(index);
	return e;
}
