/* admin_payments.c — /admin/payments: list and search, record, one payment
 * with its allocations (spread over the oldest open documents, remove), and
 * an invoice's payments (/admin/invoices/{id}/payments: record and allocate in
 * one step, add an allocation from a payment or credit note, remove).
 * Rules live in lib/payment.c and lib/alloc.c; every change runs through
 * once_run (one transaction: the one-time key, the change, its audit events). */
#include <stdio.h>
#include <string.h>
#include "admin.h"
#include "alloc.h"
#include "config.h"
#include "customer.h"
#include "db.h"
#include "form.h"
#include "invoice.h"
#include "money.h"
#include "once.h"
#include "payment.h"

#define PER_PAGE 50

/* ---------- shared pieces ---------- */

enum { RF_CUSTOMER, RF_AMOUNT, RF_RECEIVED, RF_METHOD, RF_REFERENCE, RF_NOTES, RF__COUNT };

static const struct form_field record_form[RF__COUNT] = {
	[RF_CUSTOMER] = FORM_FIELD("customer", "Customer", FORM_ID),
	[RF_AMOUNT] = FORM_FIELD("amount", "Amount", FORM_AMOUNT, .required = 1,
				 .hint = "In the customer's currency; a refund (money paid back) is negative."),
	[RF_RECEIVED] = FORM_FIELD("received_on", "Date received", FORM_DATE, .required = 1),
	[RF_METHOD] = FORM_FIELD("method", "Method", FORM_ENUM, .required = 1, .choices = payment_methods,
				 .choice_labels = payment_method_labels),
	[RF_REFERENCE] = FORM_FIELD("reference", "Reference", FORM_TEXT, .maxlen = 140,
				    .hint = "The bank's remittance text, a card slip or receipt number."),
	[RF_NOTES] = FORM_FIELD("notes", "Note", FORM_AREA, .maxlen = 2000),
};

static ierr set_money(struct req *req, const char *key, money_t v, const char *cur)
{
	char t[64];
	ierr e = money_format(v, cur, t, sizeof(t));

	return e ? e : app_set(req, key, t);
}

static ierr set_money_at(struct req *req, const char *prefix, size_t i, const char *field, money_t v,
			 const char *cur)
{
	char t[64];
	ierr e = money_format(v, cur, t, sizeof(t));

	return e ? e : app_set_at(req, prefix, i, field, t);
}

/* Plain decimal text for an input's value ("12.30"). */
static ierr set_decimal_at(struct req *req, const char *prefix, size_t i, const char *field, money_t v, int exp)
{
	char t[48];
	ierr e = money_to_decimal(v, exp, t, sizeof(t));

	return e ? e : app_set_at(req, prefix, i, field, t);
}

/* The answer to a change run through once_run: the redirect, or a page that
 * says why nothing was written. */
struct change {
	struct req *req;
	struct alloc_ctx cx;
	const char *why;              /* a refusal's sentence for the page */
};

static ierr run(struct req *req, const char *action, once_fn fn, struct change *c)
{
	char where[256] = "";
	int again;
	ierr e;

	c->req = req;
	c->cx.user = &req->session.user;
	c->cx.address = req->remote_addr;
	e = admin_once(req, action, fn, c, where, sizeof(where), &again);
	if (!e)
		return app_redirect(req, 303, where);
	/* the rule's own refusal (over-allocation, currency, ...) says what it was */
	if ((e == IE_CONFLICT || e == IE_INVALID) && c->why)
		return app_fail(req, e, c->why);
	return admin_refused(req, e, "There is no such payment, invoice or allocation.");
}

/* A refusal from lib/alloc.c, named after the document it concerns. */
static const char *refusal(struct change *c, const char *number)
{
	if (c->cx.refusal == ALLOC_OK)
		return NULL;
	return number && *number ? arena_printf(c->req->arena, "%s: %s Nothing was saved.", number, c->cx.why)
				 : arena_printf(c->req->arena, "%s Nothing was saved.", c->cx.why);
}

struct alloc_list {
	struct req *req;
	size_t n;
	const char *cur;
	int can_write;
	int by_payment;
};

static ierr alloc_row(void *ctx, const struct payment_alloc *x)
{
	struct alloc_list *l = ctx;
	struct req *req = l->req;
	size_t i = l->n++;
	char key[48];
	ierr e;

	if ((e = app_set_at_int(req, "Allocs", i, "Id", x->id))
	    || (e = app_set_at_int(req, "Allocs", i, "InvoiceId", x->invoice_id))
	    || (e = app_set_at(req, "Allocs", i, "Invoice", x->invoice_number))
	    || (e = app_set_at(req, "Allocs", i, "Source", x->source_text))
	    || (x->payment_id && (e = app_set_at_int(req, "Allocs", i, "PaymentId", x->payment_id)))
	    || (x->credit_note_id && (e = app_set_at_int(req, "Allocs", i, "CreditId", x->credit_note_id)))
	    || (e = app_set_at(req, "Allocs", i, "When", x->created_at))
	    || (e = set_money_at(req, "Allocs", i, "Amount", x->amount, l->cur)))
		return e;
	/* each remove button is its own form, with its own one-time key */
	snprintf(key, sizeof(key), "Allocs.%zu.Once", i);
	if (l->can_write && (e = once_hdf(req, key)))
		return e;
	return IE_OK;
}

static int can_pay(struct req *req)
{
	return auth_allowed(req->session.user.role, ACT_PAYMENT_WRITE);
}

/* The posted values of a repeated body field, in order. */
static const char **body_values(struct req *req, const char *name, size_t *n)
{
	size_t cap = 0;
	const char **v = NULL;

	*n = 0;
	for (size_t i = req->nquery; i < req->nparams; i++) {
		if (strcmp(req->params[i].key, name))
			continue;
		if (!(v = arena_grow(req->arena, v, *n, &cap, sizeof(*v))))
			return NULL;
		v[(*n)++] = req->params[i].val;
	}
	return v;
}

/* ---------- the list ---------- */

struct list_ctx {
	struct req *req;
	size_t n;
};

static ierr list_row(void *ctx, const struct payment_row *p)
{
	struct list_ctx *l = ctx;
	struct req *req = l->req;
	size_t i = l->n++;
	ierr e;

	if ((e = app_set_at_int(req, "Payments", i, "Id", p->id))
	    || (e = app_set_at_int(req, "Payments", i, "CustomerId", p->customer_id))
	    || (e = app_set_at(req, "Payments", i, "Customer", p->customer_name))
	    || (e = app_set_at(req, "Payments", i, "Date", p->received_on))
	    || (e = app_set_at(req, "Payments", i, "Method", payment_method_label(p->method)))
	    || (e = app_set_at(req, "Payments", i, "Reference", p->reference))
	    || (e = set_money_at(req, "Payments", i, "Amount", p->amount, p->currency))
	    || (e = set_money_at(req, "Payments", i, "Allocated", p->allocated, p->currency))
	    || (e = set_money_at(req, "Payments", i, "Free", p->free, p->currency))
	    || (p->amount < 0 && (e = app_set_at(req, "Payments", i, "Refund", "1"))))
		return e;
	return IE_OK;
}

ierr admin_payment_rows(struct req *req, long long customer_id, long long limit)
{
	struct payment_filter f = { 0 };
	struct list_ctx l = { req, 0 };
	long long total;

	f.customer_id = customer_id;
	return payment_search(req->db, req->arena, &f, 0, limit, list_row, &l, &total);
}

ierr admin_payments_list(struct req *req)
{
	static const struct app_field fields[] = {
		{ "customer", app_v_id, 0 }, { "q", app_v_line, 0 }, { "amount", app_v_line, 0 },
		{ "from", app_v_date, 0 }, { "to", app_v_date, 0 }, { "open", app_v_uint, 0 },
	};
	struct app_value v[6];
	struct payment_filter f = { 0 };
	struct list_ctx l = { req, 0 };
	long long page, total = 0;
	const char *bad, *why;
	ierr e;

	if ((e = admin_page_param(req, &page)) || (e = app_fields(req, fields, 6, v)))
		return e;
	f.customer_id = v[0].present ? v[0].i : 0;
	f.q = v[1].present ? v[1].s : "";
	f.amount = v[2].present ? v[2].s : "";
	f.from = v[3].present ? v[3].s : "";
	f.to = v[4].present ? v[4].s : "";
	if (v[5].present && v[5].i > 1) {
		req->error_param = "open";
		return app_fail(req, IE_INVALID, "Open can only be 1 (payments with something left to allocate).");
	}
	f.open_only = v[5].present && v[5].i == 1;
	if (payment_filter_check(&f, &bad, &why)) {
		req->error_param = bad;
		return app_fail(req, IE_INVALID, why);
	}
	if ((e = admin_layout(req, "payments", "Payments"))
	    || (e = app_set_int(req, "Can.Pay", can_pay(req)))
	    || (e = payment_search(req->db, req->arena, &f, (page - 1) * PER_PAGE, PER_PAGE, list_row, &l, &total))
	    || (e = app_set(req, "Filter.Q", f.q)) || (e = app_set(req, "Filter.Amount", f.amount))
	    || (e = app_set(req, "Filter.From", f.from)) || (e = app_set(req, "Filter.To", f.to))
	    || (f.customer_id && (e = app_set_int(req, "Filter.Customer", f.customer_id)))
	    || (f.open_only && (e = app_set(req, "Filter.Open", "1")))
	    || (total > PAYMENT_COUNT_CAP && (e = app_set(req, "List.More", "1")))
	    || (e = app_set_int(req, "List.Total", total > PAYMENT_COUNT_CAP ? PAYMENT_COUNT_CAP : total))
	    || (e = app_set_int(req, "List.Page", page))
	    || (e = app_set_int(req, "List.Pages", ((total > PAYMENT_COUNT_CAP ? PAYMENT_COUNT_CAP : total) + PER_PAGE - 1) / PER_PAGE))
	    || (page > 1 && (e = app_set_int(req, "List.Prev", page - 1)))
	    || (page * PER_PAGE < total && (e = app_set_int(req, "List.Next", page + 1))))
		return e;
	return app_render(req, "admin_payments.cs");
}

/* ---------- record ---------- */

static ierr customer_pick_row(void *ctx, const struct db_res *r)
{
	struct list_ctx *l = ctx;
	size_t i = l->n++;
	ierr e;

	if ((e = app_set_at_int(l->req, "Pick", i, "Id", db_int(r, 0)))
	    || (e = app_set_at(l->req, "Pick", i, "Name", db_str(r, 1)))
	    || (e = app_set_at(l->req, "Pick", i, "Currency", db_str(r, 5))))
		return e;
	return IE_OK;
}

/* The record form for customer `cid` (0: the customer picker). */
static ierr show_record(struct req *req, int status, long long cid, struct form_value *v)
{
	const char *name = NULL;
	char cur[4] = "", today[11];
	int active = 0;
	ierr e;

	if (cid) {
		e = payment_customer(req->db, req->arena, cid, &name, cur, &active);
		if (e == IE_NOTFOUND)
			return app_fail(req, e, "There is no such customer.");
		if (e || (e = app_set_int(req, "Customer.Id", cid)) || (e = app_set(req, "Customer.Name", name))
		    || (e = app_set(req, "Customer.Currency", cur)))
			return e;
	} else {
		const char *q = app_param(req, "q");
		struct list_ctx l = { req, 0 };
		long long total = 0;

		if (q && strlen(q) > 200) {
			req->error_param = "q";
			return app_fail(req, IE_INVALID, "The search is too long.");
		}
		if ((e = app_set(req, "Pick.Q", q ? q : "")) || (q && *q
		    && (e = customer_search(req->db, q, 0, 0, 20, customer_pick_row, &l, &total)))
		    || (e = app_set_int(req, "Pick.Total", total)))
			return e;
	}
	if (!v[RF_RECEIVED].raw || !*v[RF_RECEIVED].raw) {
		if ((e = inv_today(req->cfg->time_zone, req->now, today)))
			return e;
		form_set_raw(&v[RF_RECEIVED], arena_strdup(req->arena, today));
		form_set_raw(&v[RF_METHOD], "transfer");
	}
	if ((e = form_hdf(req, "Form", record_form, RF__COUNT, v)))
		return e;
	return form_render(req, status, "admin_payment_new.cs");
}

ierr admin_payment_new(struct req *req)
{
	static const struct app_field fields[] = { { "customer", app_v_id, 0 } };
	struct form_value v[RF__COUNT];
	struct app_value c;
	ierr e;

	memset(v, 0, sizeof(v));
	if ((e = app_fields(req, fields, 1, &c)) || (e = admin_layout(req, "payments", "Record a payment"))
	    || (e = admin_form_keys(req, 0)))
		return e;
	return show_record(req, 200, c.present ? c.i : 0, v);
}

/* Parses the record form in the currency of customer cid; IE_INVALID when a
 * field has a message. refunds: whether a negative amount is allowed. */
static ierr parse_record(struct req *req, long long cid, const char *cur, int refunds, struct form_value *v,
			 struct payment_new *p)
{
	const char *why;
	ierr e = form_parse(req, record_form, RF__COUNT, cur, v);

	if (e && e != IE_INVALID)
		return e;
	if (v[RF_AMOUNT].present && v[RF_AMOUNT].i == 0)
		form_set_error(&v[RF_AMOUNT], "must not be zero.");
	else if (v[RF_AMOUNT].present && v[RF_AMOUNT].i < 0 && !refunds)
		form_set_error(&v[RF_AMOUNT], "must be more than zero here (record a refund from the payments page).");
	if (form_errors(v, RF__COUNT))
		return IE_INVALID;
	memset(p, 0, sizeof(*p));
	p->customer_id = cid;
	p->amount = v[RF_AMOUNT].i;
	p->currency = cur;
	p->received_on = v[RF_RECEIVED].s;
	p->method = v[RF_METHOD].s;
	p->reference = v[RF_REFERENCE].s;
	p->notes = v[RF_NOTES].s;
	if (payment_check(p, &why)) {
		form_set_error(&v[RF_AMOUNT], why);
		return IE_INVALID;
	}
	return IE_OK;
}

struct record_ctx {
	struct change c;
	struct payment_new p;
	long long invoice_id;         /* > 0: allocate to it in the same transaction */
	const char *number;
};

static ierr record_tx(struct db *db, void *ctx, char *result, size_t sz)
{
	struct record_ctx *r = ctx;
	long long id = 0;
	ierr e = payment_create(db, r->c.cx.user, r->c.cx.address, &r->p, &id);

	if (!e && r->invoice_id > 0) {
		e = alloc_add_tx(db, &r->c.cx, ALLOC_PAYMENT, id, r->invoice_id, r->p.amount, NULL);
		r->c.why = refusal(&r->c, r->number);
		if (!e)
			snprintf(result, sz, "/admin/invoices/%lld/payments?done=recorded", r->invoice_id);
	} else if (!e)
		snprintf(result, sz, "/admin/payments/%lld?done=recorded", id);
	return e;
}

ierr admin_payment_create(struct req *req)
{
	const char *cs = app_body_param(req, "customer");
	struct form_value v[RF__COUNT];
	struct record_ctx r = { 0 };
	char cur[4] = "";
	long long cid = 0;
	ierr e;

	if (!cs || str_to_i64(cs, 1, 9007199254740992LL, &cid)) {
		req->error_param = "customer";
		return app_fail(req, IE_INVALID, "Choose the customer who paid.");
	}
	e = payment_customer(req->db, req->arena, cid, NULL, cur, NULL);
	if (e == IE_NOTFOUND)
		return app_fail(req, IE_INVALID, "There is no such customer.");
	if (e)
		return e;
	e = parse_record(req, cid, cur, 1, v, &r.p);
	if (e == IE_INVALID) {
		if ((e = admin_layout(req, "payments", "Record a payment")) || (e = admin_form_keys_again(req)))
			return e;
		return show_record(req, 422, cid, v);
	}
	if (e)
		return e;
	return run(req, "payment.create", record_tx, &r.c);
}

/* ---------- one payment ---------- */

struct open_list {
	struct req *req;
	size_t n;
	const char *cur;
	int exp;
	money_t open[PAYMENT_SPREAD_MAX];
};

static ierr open_row(void *ctx, const struct payment_doc *d)
{
	struct open_list *o = ctx;
	struct req *req = o->req;
	size_t i = o->n++;
	ierr e;

	o->open[i] = d->open;
	if ((e = app_set_at_int(req, "Open", i, "Id", d->id)) || (e = app_set_at(req, "Open", i, "Number", d->number))
	    || (e = app_set_at(req, "Open", i, "Date", d->invoice_date))
	    || (e = app_set_at(req, "Open", i, "Due", d->due_date))
	    || (e = set_money_at(req, "Open", i, "Total", d->total, o->cur))
	    || (e = set_money_at(req, "Open", i, "OpenAmount", d->open, o->cur)))
		return e;
	return IE_OK;
}

/* The allocate form's rows as posted and refused (422): typed amounts and messages. */
struct spread_rows {
	const char **posted, **errors;
	size_t n;
};

/* The spread form: the customer's oldest open documents (invoices, or credit
 * notes for a refund) as Open.N.*, each with the plan's amount (or what was
 * posted), and the form's keys. */
static ierr spread_hdf(struct req *req, long long customer_id, const char *cur, int exp, int credit, money_t free,
		       const struct spread_rows *rows)
{
	struct open_list *o = arena_alloc(req->arena, sizeof(*o));
	money_t plan[PAYMENT_SPREAD_MAX];
	ierr e;

	if (!o)
		return IE_NOMEM;
	o->req = req;
	o->cur = cur;
	o->exp = exp;
	if ((e = payment_open_docs(req->db, req->arena, customer_id, cur, credit, PAYMENT_SPREAD_MAX, open_row, o)))
		return e;
	payment_spread(free, o->open, o->n, plan);
	for (size_t i = 0; i < o->n; i++) {
		if (i < rows->n) {
			if ((e = app_set_at(req, "Open", i, "Plan", rows->posted[i]))
			    || (rows->errors[i] && (e = app_set_at(req, "Open", i, "Error", rows->errors[i]))))
				return e;
		} else if (plan[i] && (e = set_decimal_at(req, "Open", i, "Plan", plan[i], exp)))
			return e;
	}
	if ((e = app_set(req, "Spread.Free", "1")) || (credit && (e = app_set(req, "Spread.Credit", "1"))))
		return e;
	return rows->n ? admin_form_keys_again(req) : admin_form_keys(req, 0);
}

/* The payment page; posted: the allocate form's typed amounts and messages
 * when it comes back refused (NULL: the spread plan). */
static ierr show_payment(struct req *req, int status, long long id, const char **posted, const char **errors,
			 size_t nposted)
{
	struct payment_row p;
	struct alloc_list al = { req, 0, NULL, 0, 1 };
	ierr e;

	e = payment_get(req->db, req->arena, id, &p);
	if (e == IE_NOTFOUND)
		return app_fail(req, e, "There is no such payment.");
	if (e)
		return e;
	al.cur = p.currency;
	al.can_write = can_pay(req);
	if ((e = admin_layout(req, "payments", arena_printf(req->arena, "Payment %lld", p.id)))
	    || (e = app_set_int(req, "Can.Pay", al.can_write))
	    || (e = app_set_int(req, "Payment.Id", p.id)) || (e = app_set_int(req, "Payment.CustomerId", p.customer_id))
	    || (e = app_set(req, "Payment.Customer", p.customer_name)) || (e = app_set(req, "Payment.Date", p.received_on))
	    || (e = app_set(req, "Payment.Currency", p.currency))
	    || (e = app_set(req, "Payment.Method", payment_method_label(p.method)))
	    || (e = app_set(req, "Payment.Reference", p.reference)) || (e = app_set(req, "Payment.Notes", p.notes))
	    || (e = app_set(req, "Payment.Created", p.created_at))
	    || (e = set_money(req, "Payment.Amount", p.amount, p.currency))
	    || (e = set_money(req, "Payment.Allocated", p.allocated, p.currency))
	    || (e = set_money(req, "Payment.Free", p.free, p.currency))
	    || (p.amount < 0 && (e = app_set(req, "Payment.Refund", "1")))
	    || (e = app_setf(req, "RemoveAction", "/admin/payments/%lld/unallocate", p.id))
	    || (e = payment_allocations(req->db, req->arena, 1, p.id, p.currency, alloc_row, &al)))
		return e;
	if (p.free > 0 && al.can_write) {
		const struct spread_rows rows = { posted, errors, nposted };

		if ((e = spread_hdf(req, p.customer_id, p.currency, p.exponent, p.amount < 0, p.free, &rows))
		    || (e = app_setf(req, "Spread.Action", "/admin/payments/%lld/allocate", p.id)))
			return e;
	}
	if ((e = admin_history_hdf(req, "payment", p.id)))
		return e;
	req->status = status;
	return status == 200 ? app_render(req, "admin_payment.cs") : form_render(req, status, "admin_payment.cs");
}

ierr admin_payment_page(struct req *req)
{
	return show_payment(req, 200, req->ids[0], NULL, NULL, 0);
}

struct spread_ctx {
	struct change c;
	int is_credit;                /* the source: 0 a payment, 1 a credit note */
	long long source_id;
	const char *back;             /* where to go after: its page */
	struct alloc_item *items;
	const char *number;           /* of the refused document */
	size_t n;
};

static ierr spread_tx(struct db *db, void *ctx, char *result, size_t sz)
{
	struct spread_ctx *s = ctx;
	struct payment_docinfo d;
	size_t failed, done;
	ierr e = payment_allocate_tx(db, &s->c.cx, s->is_credit, s->source_id, s->items, s->n, &failed, &done);

	/* a refusal names the document it concerns (read only then: the spread stays one pass) */
	if (e == IE_CONFLICT && failed < s->n && payment_doc_get(db, s->c.req->arena, s->items[failed].target, &d) == IE_OK)
		s->number = d.number;
	s->c.why = e == IE_INVALID ? "Enter an amount for at least one invoice, each invoice once. Nothing was saved."
				   : refusal(&s->c, s->number);
	if (!e)
		snprintf(result, sz, "%s?done=allocated", s->back);
	return e;
}

/* The spread form's rows (target=ID&amount=X, repeated) in `cur`: s->items,
 * and the typed amounts with a message for each wrong one (rows->n > 0 when
 * any is wrong: the page comes back with them, 422). */
static ierr parse_rows(struct req *req, const char *cur, struct spread_ctx *s, struct spread_rows *rows)
{
	static const struct form_field amount_field = FORM_FIELD("amount", "Amount", FORM_AMOUNT, .nonneg = 1);
	const char **targets, **amounts, **errors;
	size_t nt, na, bad = 0;
	ierr e;

	targets = body_values(req, "target", &nt);
	amounts = body_values(req, "amount", &na);
	if (!nt || nt != na || nt > PAYMENT_SPREAD_MAX)
		return app_fail(req, IE_INVALID, "The form's rows are not valid; open the page again.");
	s->n = nt;
	s->items = arena_alloc(req->arena, nt * sizeof(*s->items));
	errors = arena_alloc(req->arena, nt * sizeof(*errors));
	if (!s->items || !errors)
		return IE_NOMEM;
	for (size_t i = 0; i < nt; i++) {
		struct form_value fv;

		if (str_to_i64(targets[i], 1, 9007199254740992LL, &s->items[i].target))
			return app_fail(req, IE_INVALID, "The form's rows are not valid; open the page again.");
		if ((e = form_parse_one(&amount_field, amounts[i], cur, req->arena, &fv)))
			return e;
		errors[i] = fv.error ? arena_printf(req->arena, "Amount %s", fv.error) : NULL;
		bad += fv.error != NULL;
		s->items[i].amount = fv.present ? fv.i : 0;
	}
	rows->posted = amounts;
	rows->errors = errors;
	rows->n = bad ? nt : 0;
	return IE_OK;
}

/* POST /admin/payments/{id}/allocate: target=ID&amount=X, repeated, one per row. */
ierr admin_payment_allocate(struct req *req)
{
	struct spread_ctx s = { 0 };
	struct spread_rows rows;
	struct payment_row p;
	ierr e;

	e = payment_get(req->db, req->arena, req->ids[0], &p);
	if (e == IE_NOTFOUND)
		return app_fail(req, e, "There is no such payment.");
	if (e || (e = parse_rows(req, p.currency, &s, &rows)))
		return e;
	if (rows.n)
		return show_payment(req, 422, p.id, rows.posted, rows.errors, rows.n);
	s.source_id = p.id;
	s.back = arena_printf(req->arena, "/admin/payments/%lld", p.id);
	return run(req, "payment.allocate", spread_tx, &s.c);
}

struct remove_ctx {
	struct change c;
	long long allocation_id, expect_target, back_id;
	int from_invoice;
};

static ierr remove_tx(struct db *db, void *ctx, char *result, size_t sz)
{
	struct remove_ctx *r = ctx;
	ierr e = IE_OK;

	/* a form posted from one payment's page removes only that payment's allocations */
	if (!r->from_invoice)
		e = payment_allocation_of(db, r->allocation_id, r->back_id);
	if (!e)
		e = alloc_remove_tx(db, &r->c.cx, r->allocation_id, r->expect_target, NULL);

	if (!e)
		snprintf(result, sz, r->from_invoice ? "/admin/invoices/%lld/payments?done=removed"
						     : "/admin/payments/%lld?done=removed", r->back_id);
	return e;
}

static ierr remove_common(struct req *req, int from_invoice)
{
	const char *s = app_body_param(req, "allocation");
	struct remove_ctx r = { 0 };

	if (!s || str_to_i64(s, 1, 9007199254740992LL, &r.allocation_id)) {
		req->error_param = "allocation";
		return app_fail(req, IE_INVALID, "Say which allocation to remove.");
	}
	r.from_invoice = from_invoice;
	r.back_id = req->ids[0];
	if (from_invoice)
		r.expect_target = req->ids[0];
	return run(req, "payment.unallocate", remove_tx, &r.c);
}

ierr admin_payment_unallocate(struct req *req)
{
	return remove_common(req, 0);
}

/* ---------- an invoice's payments ---------- */

struct source_list {
	struct req *req;
	size_t n;
	const char *cur;
};

static ierr source_row(void *ctx, const struct payment_source *s)
{
	struct source_list *l = ctx;
	size_t i = l->n++;
	char free[64];
	ierr e;

	if ((e = money_format(s->free, l->cur, free, sizeof(free)))
	    || (e = app_set_at(l->req, "Sources", i, "Value",
			       arena_printf(l->req->arena, "%c%lld", s->is_credit ? 'c' : 'p', s->id)))
	    || (e = app_set_at(l->req, "Sources", i, "Text",
			       arena_printf(l->req->arena, "%s (%s left)", s->text, free))))
		return e;
	return IE_OK;
}

static ierr load_doc(struct req *req, long long id, struct payment_docinfo *d)
{
	ierr e = payment_doc_get(req->db, req->arena, id, d);

	if (e == IE_NOTFOUND)
		return app_fail(req, e, "There is no such invoice.");
	return e;
}

static int takes_payments(const struct payment_docinfo *d)
{
	return !strcmp(d->kind, "invoice") && d->open > 0;
}

static ierr show_doc(struct req *req, int status, long long id, struct form_value *v, const char *add_error,
		     const struct spread_rows *rows)
{
	static const struct spread_rows none = { NULL, NULL, 0 };
	struct payment_docinfo d;
	struct alloc_list al = { req, 0, NULL, 0, 0 };
	struct source_list sl = { req, 0, NULL };
	char today[11];
	enum inv_shown shown;
	ierr e;

	if ((e = load_doc(req, id, &d)))
		return e;
	if (!strcmp(d.status, "draft"))
		return app_fail(req, IE_NOTFOUND, "A draft takes no payments.");
	al.cur = sl.cur = d.currency;
	al.can_write = can_pay(req);
	if ((e = inv_today(d.time_zone, req->now, today)))
		return e;
	shown = inv_shown_of(d.status, d.kind, d.paid, d.due_date, today);
	if ((e = admin_layout(req, "invoices", arena_printf(req->arena, "Payments of %s", d.number)))
	    || (e = app_set_int(req, "Can.Pay", al.can_write))
	    || (e = app_set_int(req, "Doc.Id", d.id)) || (e = app_set(req, "Doc.Number", d.number))
	    || (e = app_set_int(req, "Doc.CustomerId", d.customer_id))
	    || (e = app_set(req, "Doc.Customer", d.customer_name)) || (e = app_set(req, "Doc.Currency", d.currency))
	    || (e = app_set(req, "Doc.Due", d.due_date)) || (e = app_set(req, "Doc.Status", inv_shown_name(shown)))
	    || (e = app_set(req, "Doc.StatusKey", inv_shown_class(shown)))
	    || (e = app_set(req, "Doc.PaidState", inv_paid_state(d.status, d.kind, d.paid)))
	    || (!strcmp(d.kind, "credit") && (e = app_set(req, "Doc.Credit", "1")))
	    || (e = set_money(req, "Doc.Total", d.total, d.currency))
	    || (e = set_money(req, "Doc.Paid", d.paid, d.currency))
	    || (e = set_money(req, "Doc.Balance", d.open, d.currency))
	    || (e = app_setf(req, "RemoveAction", "/admin/invoices/%lld/payments/remove", d.id))
	    || (e = payment_allocations(req->db, req->arena, 0, d.id, d.currency, alloc_row, &al)))
		return e;
	if (al.can_write && takes_payments(&d)) {
		char amt[48];

		if ((e = payment_sources(req->db, req->arena, d.customer_id, d.currency, d.id, source_row, &sl))
		    || (e = money_to_decimal(d.open, d.exponent, amt, sizeof(amt)))
		    || (e = app_set(req, "Add.Amount", app_body_param(req, "source") && add_error
						     ? app_body_param(req, "amount") : amt))
		    || (add_error && (e = app_set(req, "Add.Error", add_error)))
		    || (e = once_hdf(req, "Add.Once")))
			return e;
		if (!v[RF_AMOUNT].raw || !*v[RF_AMOUNT].raw)
			form_set_raw(&v[RF_AMOUNT], arena_strdup(req->arena, amt));
		if (!v[RF_RECEIVED].raw || !*v[RF_RECEIVED].raw) {
			form_set_raw(&v[RF_RECEIVED], arena_strdup(req->arena, today));
			form_set_raw(&v[RF_METHOD], "transfer");
		}
		if ((e = form_hdf(req, "Form", record_form, RF__COUNT, v)))
			return e;
		if (status == 422 && !add_error ? (e = admin_form_keys_again(req)) : (e = admin_form_keys(req, 0)))
			return e;
	}
	/* a credit note's unspent credit goes to the customer's oldest open invoices */
	if (al.can_write && !strcmp(d.kind, "credit") && d.open > 0
	    && ((e = spread_hdf(req, d.customer_id, d.currency, d.exponent, 0, d.open, rows ? rows : &none))
		|| (e = app_setf(req, "Spread.Action", "/admin/invoices/%lld/payments/apply", d.id))))
		return e;
	if ((e = admin_history_hdf(req, "invoice", d.id)))
		return e;
	return form_render(req, status, "admin_invoice_payments.cs");
}

ierr admin_invoice_payments(struct req *req)
{
	struct form_value v[RF__COUNT];

	memset(v, 0, sizeof(v));
	return show_doc(req, 200, req->ids[0], v, NULL, NULL);
}

/* POST /admin/invoices/{id}/payments/record: a payment of the invoice's
 * customer, allocated to it in the same transaction. */
ierr admin_invoice_record(struct req *req)
{
	struct form_value v[RF__COUNT];
	struct payment_docinfo d;
	struct record_ctx r = { 0 };
	ierr e;

	if ((e = load_doc(req, req->ids[0], &d)))
		return e;
	e = parse_record(req, d.customer_id, d.currency, 0, v, &r.p);
	if (e == IE_INVALID)
		return show_doc(req, 422, d.id, v, NULL, NULL);
	if (e)
		return e;
	r.invoice_id = d.id;
	r.number = d.number;
	return run(req, "invoice.pay", record_tx, &r.c);
}

struct add_ctx {
	struct change c;
	long long invoice_id, source_id;
	int is_credit;
	money_t amount;
	const char *number;
};

static ierr add_tx(struct db *db, void *ctx, char *result, size_t sz)
{
	struct add_ctx *a = ctx;
	ierr e = alloc_add_tx(db, &a->c.cx, a->is_credit ? ALLOC_CREDIT_NOTE : ALLOC_PAYMENT, a->source_id,
			      a->invoice_id, a->amount, NULL);

	a->c.why = refusal(&a->c, a->number);
	if (!e)
		snprintf(result, sz, "/admin/invoices/%lld/payments?done=allocated", a->invoice_id);
	return e;
}

/* POST /admin/invoices/{id}/payments/add: source=p<payment id>|c<credit note id>, amount. */
ierr admin_invoice_allocate(struct req *req)
{
	static const struct form_field amount_field = FORM_FIELD("amount", "Amount", FORM_AMOUNT, .required = 1);
	const char *src = app_body_param(req, "source");
	struct form_value v[RF__COUNT], fv;
	struct payment_docinfo d;
	struct add_ctx a = { 0 };
	ierr e;

	if ((e = load_doc(req, req->ids[0], &d)))
		return e;
	memset(v, 0, sizeof(v));
	if (!src || (src[0] != 'p' && src[0] != 'c') || str_to_i64(src + 1, 1, 9007199254740992LL, &a.source_id))
		return show_doc(req, 422, d.id, v, "Choose a payment or credit note to allocate from.", NULL);
	if ((e = form_parse_one(&amount_field, app_body_param(req, "amount"), d.currency, req->arena, &fv)))
		return e;
	if (!fv.error && fv.i <= 0)
		fv.error = "must be more than zero.";
	if (fv.error)
		return show_doc(req, 422, d.id, v, arena_printf(req->arena, "Amount %s", fv.error), NULL);
	a.is_credit = src[0] == 'c';
	a.invoice_id = d.id;
	a.amount = fv.i;
	a.number = d.number;
	return run(req, "invoice.allocate", add_tx, &a.c);
}

ierr admin_invoice_unallocate(struct req *req)
{
	return remove_common(req, 1);
}

/* POST /admin/invoices/{id}/payments/apply: a credit note's unspent credit spread
 * over the customer's invoices (target=ID&amount=X, repeated), one transaction. */
ierr admin_invoice_apply(struct req *req)
{
	struct form_value v[RF__COUNT];
	struct spread_ctx s = { 0 };
	struct spread_rows rows;
	struct payment_docinfo d;
	ierr e;

	if ((e = load_doc(req, req->ids[0], &d)) || (e = parse_rows(req, d.currency, &s, &rows)))
		return e;
	if (rows.n) {
		memset(v, 0, sizeof(v));
		return show_doc(req, 422, d.id, v, NULL, &rows);
	}
	s.is_credit = 1;
	s.source_id = d.id;
	s.back = arena_printf(req->arena, "/admin/invoices/%lld/payments", d.id);
	return run(req, "credit.apply", spread_tx, &s.c);
}
