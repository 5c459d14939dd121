/* credit.c — credit notes from an issued invoice (credit.h). */
#include <stdio.h>
#include <string.h>
#include "credit.h"
#include "alloc.h"
#include "audit.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "invoice_edit.h"

/* ---------- the rule ---------- */

int64_t crd_left_qty(const struct crd_line *l)
{
	return l->quantity > l->credited_qty ? l->quantity - l->credited_qty : 0;
}

money_t crd_left_net(const struct crd_line *l)
{
	return l->net > l->credited_net ? l->net - l->credited_net : 0;
}

money_t crd_left_total(const struct crd_invoice *inv)
{
	return inv->total > inv->credited ? inv->total - inv->credited : 0;
}

const char *crd_refusal(const struct crd_invoice *inv)
{
	if (!strcmp(inv->kind, "credit"))
		return "A credit note cannot be credited.";
	if (!strcmp(inv->status, "draft"))
		return "Only an issued invoice can be credited; a draft is edited or discarded instead.";
	if (!strcmp(inv->status, "void"))
		return "A cancelled invoice cannot be credited.";
	if (strcmp(inv->status, "open") && strcmp(inv->status, "paid"))
		return "This invoice cannot be credited.";
	if (crd_left_total(inv) <= 0)
		return "This invoice is credited in full already.";
	return NULL;
}

/* A credit line from invoice line l: q at its price, or 1 x amount. */
static ierr credit_line(const struct crd_invoice *inv, const struct crd_line *l, int by_amount, int64_t q,
			money_t amount, struct ied_line *out)
{
	int64_t scale = 1;

	memset(out, 0, sizeof(*out));
	out->package_id = l->package_id;
	out->description = l->description;
	out->tax_rate = l->tax_rate;
	out->vat_category = l->vat_category;
	out->tax_description = l->tax_description;
	out->period_start = l->period_start;
	out->period_end = l->period_end;
	if (!by_amount) {
		out->quantity = q;
		out->unit_price = l->unit_price;
		out->unit_code = l->unit_code;
		return IE_OK;
	}
	for (int i = inv->exponent; i < 6; i++)
		scale *= 10;
	if (amount > INT64_MAX / scale)
		return IE_OVERFLOW;
	out->quantity = 1000000;
	out->unit_price = amount * scale;
	out->unit_code = "C62";
	return IE_OK;
}

static ierr refuse(const char **why, size_t *bad, size_t at, const char *text)
{
	*why = text;
	*bad = at;
	return IE_CONFLICT;
}

static int same_rate(const char *cat, int64_t rate, const char *cat2, int64_t rate2)
{
	return rate == rate2 && !strcmp(cat && *cat ? cat : ied_default_category(rate),
					cat2 && *cat2 ? cat2 : ied_default_category(rate2));
}

/* Tax per document: a rate whose every line the plan credits to its end takes
 * the rest of the rate's tax, the last of its plan lines carrying the difference. */
static ierr rest_of_rates(const struct crd_invoice *inv, struct crd_plan *p)
{
	ierr e;

	for (size_t g = 0; g < inv->nrates; g++) {
		const struct crd_rate *r = &inv->rates[g];
		money_t sum = 0;
		size_t last = (size_t)-1;
		int complete = 1;

		for (size_t k = 0; complete && k < inv->nlines; k++) {
			const struct crd_line *l = &inv->lines[k];
			money_t credited = 0, net;

			if (!same_rate(l->vat_category, l->tax_rate, r->vat_category, r->rate))
				continue;
			for (size_t i = 0; i < p->nlines; i++) {
				if (p->src[i].line != k)
					continue;
				if ((e = money_line_net(p->lines[i].quantity, p->lines[i].unit_price, inv->exponent, &net)))
					return e;
				credited += net;
			}
			complete = credited == crd_left_net(l);
		}
		for (size_t i = 0; complete && i < p->nlines; i++) {
			struct ied_line *c = &p->lines[i];
			money_t net;

			if (!same_rate(c->vat_category, c->tax_rate, r->vat_category, r->rate))
				continue;
			if ((e = money_line_net(c->quantity, c->unit_price, inv->exponent, &net))
			    || (e = money_tax(net, c->tax_rate, &c->tax)))
				return e;
			c->tax_given = 1;
			sum += c->tax;
			last = i;
		}
		if (!complete || last == (size_t)-1)
			continue;
		/* the difference the parts' rounding made, on the rate's last line */
		sum -= p->lines[last].tax;
		p->lines[last].tax = r->tax - r->credited_tax - sum;
		if (p->lines[last].tax < 0) {
			for (size_t i = 0; i < p->nlines; i++)
				if (same_rate(p->lines[i].vat_category, p->lines[i].tax_rate, r->vat_category, r->rate))
					p->lines[i].tax_given = 0;   /* stored figures disagree: round as usual */
		}
	}
	return IE_OK;
}

ierr crd_plan(struct arena *a, const struct crd_invoice *inv, int full, const struct crd_pick *picks, size_t n,
	      struct crd_plan *out, const char **why, size_t *bad)
{
	struct ied_totals t;
	size_t cap = inv->nlines;
	const char *no;
	ierr e;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	*bad = (size_t)-1;
	if ((no = crd_refusal(inv)))
		return refuse(why, bad, (size_t)-1, no);
	if (cap > IED_MAX_LINES)
		return refuse(why, bad, (size_t)-1, "This invoice has too many lines to credit them one by one.");
	out->src = arena_alloc(a, (cap ? cap : 1) * sizeof(*out->src));
	out->lines = arena_alloc(a, (cap ? cap : 1) * sizeof(*out->lines));
	if (!out->src || !out->lines)
		return IE_NOMEM;
	if (full) {
		for (size_t i = 0; i < inv->nlines; i++) {
			const struct crd_line *l = &inv->lines[i];
			int64_t q = crd_left_qty(l);
			money_t rest = crd_left_net(l), net;

			if (q <= 0 && rest <= 0)
				continue;
			if ((e = money_line_net(q, l->unit_price, inv->exponent, &net)))
				return e;
			/* the rest by quantity when it is exactly that, otherwise by amount */
			if (q > 0 && net == rest)
				e = credit_line(inv, l, 0, q, 0, &out->lines[out->nlines]);
			else if (rest > 0)
				e = credit_line(inv, l, 1, 0, rest, &out->lines[out->nlines]);
			else
				continue;
			if (e)
				return e;
			out->src[out->nlines].line = i;
			out->src[out->nlines].quantity = q > 0 && net == rest ? q : 0;
			out->nlines++;
		}
	} else {
		for (size_t k = 0; k < n; k++) {
			const struct crd_pick *p = &picks[k];
			const struct crd_line *l;
			money_t net;

			if (p->line >= inv->nlines)
				return refuse(why, bad, k, "No such line on this invoice.");
			for (size_t j = 0; j < k; j++)
				if (picks[j].line == p->line)
					return refuse(why, bad, k, "A line can be chosen once per credit note.");
			l = &inv->lines[p->line];
			if (p->by_amount) {
				if (p->amount <= 0)
					return refuse(why, bad, k, "The amount must be more than zero.");
				if (p->amount > crd_left_net(l))
					return refuse(why, bad, k, "The amount is more than what is still uncredited of this line.");
				e = credit_line(inv, l, 1, 0, p->amount, &out->lines[out->nlines]);
			} else {
				if (p->quantity <= 0)
					return refuse(why, bad, k, "The quantity must be more than zero.");
				if (p->quantity > crd_left_qty(l))
					return refuse(why, bad, k, "The quantity is more than what is still uncredited of this line.");
				if ((e = money_line_net(p->quantity, l->unit_price, inv->exponent, &net)))
					return e;
				if (net > crd_left_net(l))
					return refuse(why, bad, k, "The quantity is worth more than what is still uncredited of this line.");
				e = credit_line(inv, l, 0, p->quantity, 0, &out->lines[out->nlines]);
			}
			if (e)
				return e;
			out->src[out->nlines].line = p->line;
			out->src[out->nlines].quantity = p->by_amount ? 0 : p->quantity;
			out->nlines++;
		}
	}
	if (!out->nlines)
		return refuse(why, bad, (size_t)-1, "Choose at least one line to credit, or credit the whole invoice.");
	if (inv->per_document && (e = rest_of_rates(inv, out)))
		return e;
	/* the last part of a line takes the rest of its tax (per-line rounding) */
	for (size_t i = 0; !inv->per_document && i < out->nlines; i++) {
		const struct crd_line *l = &inv->lines[out->src[i].line];
		struct ied_line *c = &out->lines[i];
		money_t net;

		if ((e = money_line_net(c->quantity, c->unit_price, inv->exponent, &net)))
			return e;
		if (net == crd_left_net(l) && l->tax >= l->credited_tax) {
			c->tax = l->tax - l->credited_tax;
			c->tax_given = 1;
		}
	}
	if ((e = ied_totals(out->lines, out->nlines, inv->exponent, inv->per_document, &t)))
		return e;
	out->net = t.net;
	out->tax = t.tax;
	out->total = t.gross;
	if (t.gross <= 0)
		return refuse(why, bad, (size_t)-1, "The credit note's total must be more than zero.");
	if (t.gross > crd_left_total(inv))
		return refuse(why, bad, (size_t)-1, "The credit is more than what is still uncredited of this invoice.");
	return IE_OK;
}

/* ---------- reading ---------- */

static ierr load_lines(struct db *db, struct arena *a, struct crd_invoice *inv)
{
	struct db_res r;
	size_t cap = 0;
	ierr e;

	e = db_query(db, &r, "SELECT l.id, l.position, COALESCE(l.package_id, 0), l.description, l.unit_code, "
		     "l.vat_category, l.tax_description, COALESCE(l.period_start, ''), COALESCE(l.period_end, ''), "
		     "l.quantity, l.unit_price, l.tax_rate, l.net_amount, l.tax_amount, COALESCE(c.q, 0), "
		     "COALESCE(c.n, 0), COALESCE(c.t, 0) FROM invoice_lines l LEFT JOIN ("
		     "SELECT k.credited_line_id, SUM(k.quantity) AS q, SUM(cl.net_amount) AS n, "
		     "SUM(cl.tax_amount) AS t FROM invoices cn "
		     "JOIN invoice_lines cl ON cl.invoice_id = cn.id JOIN credit_note_lines k ON k.line_id = cl.id "
		     "WHERE cn.credited_invoice_id = ? AND cn.status IN ('open', 'paid') GROUP BY k.credited_line_id"
		     ") c ON c.credited_line_id = l.id WHERE l.invoice_id = ? ORDER BY l.position",
		     DB_ARGS(DB_I(inv->id), DB_I(inv->id)));
	while (!e && (e = db_next(&r)) == IE_OK) {
		struct crd_line *l;

		if (!(inv->lines = arena_grow(a, inv->lines, inv->nlines, &cap, sizeof(*inv->lines)))) {
			e = IE_NOMEM;
			break;
		}
		l = &inv->lines[inv->nlines];
		memset(l, 0, sizeof(*l));
		l->id = db_int(&r, 0);
		l->position = (int)db_int(&r, 1);
		l->package_id = db_int(&r, 2);
		l->description = ied_col_dup(a, &r, 3);
		l->unit_code = ied_col_dup(a, &r, 4);
		l->vat_category = ied_col_dup(a, &r, 5);
		l->tax_description = ied_col_dup(a, &r, 6);
		l->period_start = ied_col_dup(a, &r, 7);
		l->period_end = ied_col_dup(a, &r, 8);
		if (!l->description || !l->unit_code || !l->vat_category || !l->tax_description || !l->period_start
		    || !l->period_end) {
			e = IE_NOMEM;
			break;
		}
		if ((e = ied_col_fixed(&r, 9, 6, &l->quantity)) || (e = ied_col_fixed(&r, 10, 6, &l->unit_price))
		    || (e = ied_col_fixed(&r, 11, 4, &l->tax_rate)) || (e = money_from_db(db_str(&r, 12), inv->exponent, &l->net))
		    || (e = money_from_db(db_str(&r, 13), inv->exponent, &l->tax)) || (e = ied_col_fixed(&r, 14, 6, &l->credited_qty))
		    || (e = money_from_db(db_str(&r, 15), inv->exponent, &l->credited_net))
		    || (e = money_from_db(db_str(&r, 16), inv->exponent, &l->credited_tax)))
			break;
		inv->nlines++;
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
	db_free(&r);
	return e;
}

static ierr load_rates(struct db *db, struct arena *a, struct crd_invoice *inv)
{
	struct db_res r;
	size_t cap = 0;
	ierr e;

	e = db_query(db, &r, "SELECT t.vat_category, t.tax_rate, t.tax_amount, (SELECT COALESCE(SUM(ct.tax_amount), 0) "
		     "FROM invoices cn JOIN invoice_tax_totals ct ON ct.invoice_id = cn.id WHERE cn.credited_invoice_id = ? "
		     "AND cn.status IN ('open', 'paid') AND ct.vat_category = t.vat_category AND ct.tax_rate = t.tax_rate) "
		     "FROM invoice_tax_totals t WHERE t.invoice_id = ?", DB_ARGS(DB_I(inv->id), DB_I(inv->id)));
	while (!e && (e = db_next(&r)) == IE_OK) {
		struct crd_rate *x;

		if (!(inv->rates = arena_grow(a, inv->rates, inv->nrates, &cap, sizeof(*inv->rates)))) {
			e = IE_NOMEM;
			break;
		}
		x = &inv->rates[inv->nrates];
		if (!(x->vat_category = ied_col_dup(a, &r, 0))) {
			e = IE_NOMEM;
			break;
		}
		if ((e = ied_col_fixed(&r, 1, 4, &x->rate)) || (e = money_from_db(db_str(&r, 2), inv->exponent, &x->tax))
		    || (e = money_from_db(db_str(&r, 3), inv->exponent, &x->credited_tax)))
			break;
		inv->nrates++;
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
	db_free(&r);
	return e;
}

ierr crd_load(struct db *db, struct arena *a, long long id, int lock, struct crd_invoice *inv)
{
	struct db_res r;
	ierr e;

	memset(inv, 0, sizeof(*inv));
	/* The lock takes the invoice row only. It is the transaction's first read
	 * (once_run only inserts its key before), so the plain reads after it,
	 * the sums over the credit notes included, see every credit committed
	 * before the lock was granted (REPEATABLE READ opens its view at the
	 * first non-locking read). */
	if (lock) {
		e = db_query_row(db, &r, "SELECT id FROM invoices WHERE id = ? FOR UPDATE", DB_ARGS(DB_I(id)));
		db_free(&r);
		if (e)
			return e;
	}
	e = db_query_row(db, &r, "SELECT i.id, i.row_version, i.customer_id, i.kind, i.status, COALESCE(i.number, ''), "
			 "i.currency, c.time_zone, i.tax_rounding, i.total, i.paid_amount, "
			 "(SELECT COALESCE(SUM(cn.total), 0) FROM invoices cn WHERE cn.credited_invoice_id = i.id "
			 "AND cn.status IN ('open', 'paid')) FROM invoices i JOIN customers c ON c.id = i.customer_id "
			 "WHERE i.id = ?", DB_ARGS(DB_I(id)));
	if (e)
		goto out;
	inv->id = db_int(&r, 0);
	inv->row_version = db_int(&r, 1);
	inv->customer_id = db_int(&r, 2);
	inv->kind = ied_col_dup(a, &r, 3);
	inv->status = ied_col_dup(a, &r, 4);
	inv->number = ied_col_dup(a, &r, 5);
	inv->currency = ied_col_dup(a, &r, 6);
	inv->time_zone = ied_col_dup(a, &r, 7);
	inv->per_document = !strcmp(db_str(&r, 8), "document");
	if (!inv->kind || !inv->status || !inv->number || !inv->currency || !inv->time_zone) {
		e = IE_NOMEM;
		goto out;
	}
	if ((inv->exponent = money_exponent(inv->currency)) < 0) {
		e = IE_INTERNAL;
		goto out;
	}
	if ((e = money_from_db(db_str(&r, 9), inv->exponent, &inv->total))
	    || (e = money_from_db(db_str(&r, 10), inv->exponent, &inv->paid))
	    || (e = money_from_db(db_str(&r, 11), inv->exponent, &inv->credited)))
		goto out;
	db_free(&r);
	if ((e = load_lines(db, a, inv)))
		return e;
	return inv->per_document ? load_rates(db, a, inv) : IE_OK;
out:
	db_free(&r);
	return e;
}

ierr crd_notes_each(struct db *db, long long invoice_id, ierr (*fn)(void *ctx, const struct crd_note *n), void *ctx)
{
	struct db_res r;
	ierr e;

	e = db_query(db, &r, "SELECT id, number, status, DATE_FORMAT(invoice_date, '%Y-%m-%d'), total, paid_amount, "
		     "currency FROM invoices WHERE credited_invoice_id = ? AND status <> 'draft' ORDER BY id LIMIT 500",
		     DB_ARGS(DB_I(invoice_id)));
	while (!e && (e = db_next(&r)) == IE_OK) {
		struct crd_note n = { db_int(&r, 0), db_str(&r, 1), db_str(&r, 2), db_str(&r, 3), 0, 0 };
		int x = money_exponent(db_str(&r, 6));

		if (x < 0) {
			e = IE_INTERNAL;
			break;
		}
		if ((e = money_from_db(db_str(&r, 4), x, &n.total)) || (e = money_from_db(db_str(&r, 5), x, &n.applied))
		    || (e = fn(ctx, &n)))
			break;
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
	db_free(&r);
	return e;
}

/* ---------- the transaction ---------- */

static ierr refused(struct crd_ctx *cx, const char *why)
{
	cx->why = why;
	return IE_CONFLICT;
}

/* Links each credit note line (by position) to the invoice line it credits. */
static ierr link_lines(struct db *db, long long cn_id, const struct crd_invoice *inv, const struct crd_plan *p)
{
	char q[48];
	ierr e;

	for (size_t i = 0; i < p->nlines; i++) {
		if ((e = money_to_decimal(p->src[i].quantity, 6, q, sizeof(q))))
			return e;
		if ((e = db_exec(db, "INSERT INTO credit_note_lines (line_id, credited_line_id, quantity) "
				 "SELECT id, ?, ? FROM invoice_lines WHERE invoice_id = ? AND position = ?",
				 DB_ARGS(DB_I(inv->lines[p->src[i].line].id), DB_S(q), DB_I(cn_id), DB_I(i + 1)),
				 NULL, NULL)))
			return e;
	}
	return IE_OK;
}

static ierr audit_credit(struct db *db, struct crd_ctx *cx, const struct crd_invoice *inv, const struct crd_plan *p,
			 const struct crd_request *rq, const struct crd_result *res)
{
	struct audit_json before = AUDIT_JSON_INIT, after = AUDIT_JSON_INIT;
	char left[48], now[48], total[48], applied[48];
	ierr e;

	if ((e = money_to_decimal(crd_left_total(inv), inv->exponent, left, sizeof(left)))
	    || (e = money_to_decimal(crd_left_total(inv) - p->total, inv->exponent, now, sizeof(now)))
	    || (e = money_to_decimal(p->total, inv->exponent, total, sizeof(total)))
	    || (e = money_to_decimal(res->applied, inv->exponent, applied, sizeof(applied))))
		goto out;
	if ((e = audit_json_str(&before, "uncredited", left)) || (e = audit_json_end(&before))
	    || (e = audit_json_int(&after, "credit_note_id", res->credit_note_id))
	    || (e = audit_json_str(&after, "credit_note", res->number)) || (e = audit_json_str(&after, "total", total))
	    || (e = audit_json_str(&after, "applied", applied)) || (e = audit_json_str(&after, "uncredited", now))
	    || (e = audit_json_bool(&after, "full", rq->full))
	    || (e = audit_json_int(&after, "lines", (long long)p->nlines))
	    || (e = audit_json_str(&after, "reason", rq->reason ? rq->reason : "")) || (e = audit_json_end(&after)))
		goto out;
	e = audit_event(db, cx->user, cx->address, "invoice", inv->id, "credit_note", before.b.data, after.b.data);
out:
	audit_json_free(&before);
	audit_json_free(&after);
	return e;
}

ierr crd_create_tx(struct db *db, struct crd_ctx *cx, const struct crd_request *rq, struct crd_result *out)
{
	struct arena *a = arena_new();
	struct crd_invoice inv;
	struct crd_plan plan;
	struct ied_draft d;
	struct ied_issue is;
	struct ied_ctx icx;
	struct alloc_ctx acx;
	struct ied_customer cust;
	money_t open;
	const char *why;
	ierr e;

	cx->why = NULL;
	cx->bad = (size_t)-1;
	memset(out, 0, sizeof(*out));
	memset(&icx, 0, sizeof(icx));
	memset(&acx, 0, sizeof(acx));
	if (!a)
		return IE_NOMEM;
	icx.user = acx.user = cx->user;
	icx.address = acx.address = cx->address;
	if ((e = crd_load(db, a, rq->invoice_id, 1, &inv)))
		goto out;
	if (rq->row_version > 0 && rq->row_version != inv.row_version) {
		e = refused(cx, "This invoice was changed by someone else after you opened the form.");
		goto out;
	}
	if ((e = crd_plan(a, &inv, rq->full, rq->picks, rq->npicks, &plan, &why, &cx->bad))) {
		if (e == IE_CONFLICT)
			cx->why = why;
		goto out;
	}
	if ((e = ied_customer_get(db, a, inv.customer_id, &cust)))
		goto out;
	if (strcmp(cust.currency, inv.currency)) {
		e = refused(cx, "The customer's currency is no longer the invoice's: credit it by hand.");
		goto out;
	}
	memset(&d, 0, sizeof(d));
	d.customer_id = inv.customer_id;
	d.invoice_date = d.due_date = rq->date;
	d.notes = rq->reason ? rq->reason : "";
	d.per_document = inv.per_document;
	d.lines = plan.lines;
	d.nlines = plan.nlines;
	d.credited_invoice_id = inv.id;
	if ((e = ied_save(db, &icx, &d)) || (e = link_lines(db, d.id, &inv, &plan)))
		goto out;
	memset(&is, 0, sizeof(is));
	is.id = d.id;
	is.prefix = rq->prefix;
	is.credit_prefix = rq->credit_prefix;
	is.seller_json = rq->seller_json;
	is.notify = rq->notify;
	if ((e = ied_issue_tx(db, &icx, &is)))
		goto out;
	out->credit_note_id = d.id;
	snprintf(out->number, sizeof(out->number), "%s", is.number);
	out->total = plan.total;
	out->exponent = inv.exponent;
	/* the credit settles what is open of the invoice; the rest stays with the customer */
	open = inv.total > inv.paid && !strcmp(inv.status, "open") ? inv.total - inv.paid : 0;
	out->applied = plan.total < open ? plan.total : open;
	if (out->applied > 0
	    && (e = alloc_add_tx(db, &acx, ALLOC_CREDIT_NOTE, d.id, inv.id, out->applied, NULL)))
		goto out;
	e = audit_credit(db, cx, &inv, &plan, rq, out);
out:
	if (e == IE_CONFLICT && !cx->why)
		cx->why = icx.why ? icx.why : acx.why;
	arena_free(a);
	return e;
}
