/* invoice_edit.c — drafts, totals from lines, transitions, numbering (invoice_edit.h). */
#include <stdio.h>
#include <string.h>
#include "invoice_edit.h"
#include "date.h"
#include "audit.h"
#include "auth.h"
#include "buf.h"
#include "db.h"
#include "einvoice.h"
#include "outbox.h"

/* ---------- totals ---------- */

const char *ied_default_category(int64_t rate)
{
	return rate > 0 ? "S" : "Z";
}

ierr ied_totals(struct ied_line *lines, size_t n, int exponent, int per_document, struct ied_totals *out)
{
	int given[IED_MAX_RATES];      /* every line of the rate has its tax given */
	ierr e;

	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		struct ied_line *l = &lines[i];
		const char *cat = l->vat_category && *l->vat_category ? l->vat_category
								       : ied_default_category(l->tax_rate);
		struct ied_rate_total *g = NULL;

		if ((e = money_line_net(l->quantity, l->unit_price, exponent, &l->net))
		    || (!l->tax_given && (e = money_tax(l->net, l->tax_rate, &l->tax))))
			return e;
		for (size_t k = 0; k < out->nrates; k++)
			if (out->rates[k].rate == l->tax_rate && !strcmp(out->rates[k].vat_category, cat))
				g = &out->rates[k];
		if (!g) {
			if (out->nrates == IED_MAX_RATES)
				return IE_INVALID;
			given[out->nrates] = 1;
			g = &out->rates[out->nrates++];
			g->vat_category = cat;
			g->rate = l->tax_rate;
		}
		given[g - out->rates] &= l->tax_given != 0;
		if ((e = money_add(g->net, l->net, &g->net)) || (e = money_add(g->tax, l->tax, &g->tax)))
			return e;
	}
	for (size_t k = 0; k < out->nrates; k++) {
		struct ied_rate_total *g = &out->rates[k];

		if (per_document && !given[k] && (e = money_tax(g->net, g->rate, &g->tax)))
			return e;
		if ((e = money_add(out->net, g->net, &out->net)) || (e = money_add(out->tax, g->tax, &out->tax)))
			return e;
	}
	return money_add(out->net, out->tax, &out->gross);
}

/* ---------- transitions ---------- */

static const char *const action_names[IED__ACTIONS] = { "edit", "issue", "void", "discard" };

const char *ied_action_name(enum ied_action a)
{
	return a < IED__ACTIONS ? action_names[a] : "";
}

/* The one table of allowed changes; every pair not listed is refused. */
static const struct {
	const char *from;
	enum ied_action action;
	const char *to;
} allowed[] = {
	{ "draft", IED_EDIT, "draft" },
	{ "draft", IED_ISSUE, "open" },
	{ "draft", IED_DISCARD, "" },
	{ "open", IED_VOID, "void" },
};

ierr ied_transition(const char *status, enum ied_action a, const char **to, const char **why)
{
	static const char *const known[] = { "draft", "open", "paid", "void" };
	int ok = 0;

	*to = NULL;
	*why = NULL;
	for (size_t i = 0; status && i < sizeof(known) / sizeof(known[0]); i++)
		ok |= !strcmp(status, known[i]);
	if (!ok || a >= IED__ACTIONS)
		return IE_INVALID;
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
		if (allowed[i].action == a && !strcmp(allowed[i].from, status)) {
			*to = allowed[i].to;
			return IE_OK;
		}
	if (!strcmp(status, "draft"))
		*why = "Only issued invoices can be voided; a draft is discarded instead.";
	else if (a == IED_VOID && !strcmp(status, "paid"))
		*why = "A paid invoice cannot be voided while payments are allocated to it.";
	else if (a == IED_VOID)
		*why = "This invoice is void already.";
	else
		*why = "Issued invoices cannot be changed: no edits, no second issue, no way back to draft.";
	return IE_CONFLICT;
}

/* ---------- numbering and dates ---------- */

ierr ied_number(const char *prefix, int year, long long seq, char *out, size_t outsz)
{
	size_t pl = prefix ? strlen(prefix) : 0;
	int n;

	if (!pl || pl > 15 || year < 1900 || year > 2999 || seq < 1 || seq > 999999999LL)
		return IE_INVALID;
	n = snprintf(out, outsz, "%s-%04d-%06lld", prefix, year, seq);
	return n < 0 || (size_t)n >= outsz ? IE_OVERFLOW : IE_OK;
}

/* the editor's dates: real days of the years 1900..2999 (as app_v_date) */
int ied_year_of(const char *date)
{
	struct date d;

	return date_parse(date, &d) || d.y < 1900 || d.y > 2999 ? -1 : d.y;
}

void ied_fill_from_package(struct ied_line *l, const struct ied_given *given, const struct ied_package *p)
{
	l->package_id = p->id;
	l->vat_category = p->vat_category;
	if (!given->description)
		l->description = p->name;
	if (!given->quantity)
		l->quantity = p->default_quantity;
	if (!given->unit_price)
		l->unit_price = p->unit_price;
	if (!given->tax_rate)
		l->tax_rate = p->tax_rate;
	if (!given->tax_description)
		l->tax_description = p->tax_description;
	if (!given->unit_code)
		l->unit_code = p->unit_code;
}

/* ---------- reading ---------- */

const char *ied_col_dup(struct arena *a, const struct db_res *r, unsigned col)
{
	const char *s = db_str(r, col);

	return arena_strdup(a, s ? s : "");
}

ierr ied_col_fixed(const struct db_res *r, unsigned col, int decimals, int64_t *out)
{
	const char *s = db_str(r, col);

	*out = 0;
	return s ? money_parse(s, decimals, out) : IE_OK;
}

ierr ied_customer_get(struct db *db, struct arena *a, long long id, struct ied_customer *c)
{
	struct db_res r;
	ierr e;

	e = db_query_row(db, &r, "SELECT id, name, currency, time_zone, email, payment_days, active "
			 "FROM customers WHERE id = ?", DB_ARGS(DB_I(id)));
	if (!e) {
		c->id = db_int(&r, 0);
		c->name = ied_col_dup(a, &r, 1);
		c->currency = ied_col_dup(a, &r, 2);
		c->time_zone = ied_col_dup(a, &r, 3);
		c->email = ied_col_dup(a, &r, 4);
		c->payment_days = (int)db_int(&r, 5);
		c->active = (int)db_int(&r, 6);
		if (!c->name || !c->currency || !c->time_zone || !c->email)
			e = IE_NOMEM;
	}
	db_free(&r);
	return e;
}

ierr ied_package_get(struct db *db, struct arena *a, long long id, struct ied_package *p)
{
	struct db_res r;
	ierr e;

	e = db_query_row(db, &r, "SELECT id, name, currency, unit_code, vat_category, tax_description, "
			 "unit_price, default_quantity, tax_rate, active FROM packages WHERE id = ?",
			 DB_ARGS(DB_I(id)));
	if (e)
		goto out;
	p->id = db_int(&r, 0);
	p->name = ied_col_dup(a, &r, 1);
	p->currency = ied_col_dup(a, &r, 2);
	p->unit_code = ied_col_dup(a, &r, 3);
	p->vat_category = ied_col_dup(a, &r, 4);
	p->tax_description = ied_col_dup(a, &r, 5);
	p->active = (int)db_int(&r, 9);
	if ((e = ied_col_fixed(&r, 6, 6, &p->unit_price)) || (e = ied_col_fixed(&r, 7, 6, &p->default_quantity))
	    || (e = ied_col_fixed(&r, 8, 4, &p->tax_rate)))
		goto out;
	if (!p->name || !p->currency || !p->unit_code || !p->vat_category || !p->tax_description)
		e = IE_NOMEM;
out:
	db_free(&r);
	return e;
}

ierr ied_customers_each(struct db *db, ierr (*fn)(void *ctx, const struct ied_customer *c), void *ctx)
{
	struct db_res r;
	ierr e;

	e = db_query(db, &r, "SELECT id, name, currency, time_zone, email, payment_days FROM customers "
		     "WHERE active = 1 ORDER BY name, id LIMIT 5000", DB_NOARGS);
	while (!e && (e = db_next(&r)) == IE_OK) {
		struct ied_customer c = { db_int(&r, 0), db_str(&r, 1), db_str(&r, 2), db_str(&r, 3), db_str(&r, 4),
					  (int)db_int(&r, 5), 1 };

		e = fn(ctx, &c);
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
	db_free(&r);
	return e;
}

ierr ied_packages_each(struct db *db, ierr (*fn)(void *ctx, const struct ied_package *p), void *ctx)
{
	struct db_res r;
	ierr e;

	e = db_query(db, &r, "SELECT id, name, currency, unit_code, vat_category, tax_description, unit_price, "
		     "default_quantity, tax_rate FROM packages WHERE active = 1 ORDER BY name, currency, id LIMIT 5000",
		     DB_NOARGS);
	while (!e && (e = db_next(&r)) == IE_OK) {
		struct ied_package p = { db_int(&r, 0), db_str(&r, 1), db_str(&r, 2), db_str(&r, 3), db_str(&r, 4),
					 db_str(&r, 5), 0, 0, 0, 1 };

		if ((e = ied_col_fixed(&r, 6, 6, &p.unit_price)) || (e = ied_col_fixed(&r, 7, 6, &p.default_quantity))
		    || (e = ied_col_fixed(&r, 8, 4, &p.tax_rate)))
			break;
		e = fn(ctx, &p);
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
	db_free(&r);
	return e;
}

ierr ied_fields_each(struct db *db, long long invoice_id, ierr (*fn)(void *ctx, const struct ied_field *f),
		     void *ctx)
{
	struct db_res r;
	ierr e;

	e = db_query(db, &r, "SELECT d.id, d.label, d.field_type, COALESCE(v.value, '') FROM custom_field_defs d "
		     "LEFT JOIN invoice_custom_fields v ON v.field_id = d.id AND v.invoice_id = ? "
		     "WHERE d.active = 1 ORDER BY d.position, d.id LIMIT 200", DB_ARGS(DB_I(invoice_id)));
	while (!e && (e = db_next(&r)) == IE_OK) {
		struct ied_field f = { db_int(&r, 0), db_str(&r, 1), db_str(&r, 2), db_str(&r, 3) };

		e = fn(ctx, &f);
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
	db_free(&r);
	return e;
}

const char *ied_field_check(const char *type, const char *value)
{
	int64_t v;

	if (!value || !*value)
		return NULL;
	if (!strcmp(type, "number"))
		return money_parse(value, 6, &v) ? "must be a number with at most 6 decimals" : NULL;
	if (!strcmp(type, "date"))
		return ied_year_of(value) < 0 ? "must be a date YYYY-MM-DD" : NULL;
	return strlen(value) > 1000 ? "must be at most 1000 characters" : NULL;
}

ierr ied_draft_get(struct db *db, struct arena *a, long long id, struct ied_draft *d)
{
	struct db_res r;
	size_t cap = 0;
	ierr e;

	memset(d, 0, sizeof(*d));
	e = db_query_row(db, &r, "SELECT id, row_version, customer_id, invoice_date, due_date, "
			 "COALESCE(notes, ''), tax_rounding, status, COALESCE(number, ''), currency "
			 "FROM invoices WHERE id = ?", DB_ARGS(DB_I(id)));
	if (!e) {
		d->id = db_int(&r, 0);
		d->row_version = db_int(&r, 1);
		d->customer_id = db_int(&r, 2);
		d->invoice_date = ied_col_dup(a, &r, 3);
		d->due_date = ied_col_dup(a, &r, 4);
		d->notes = ied_col_dup(a, &r, 5);
		d->per_document = !strcmp(db_str(&r, 6), "document");
		d->status = ied_col_dup(a, &r, 7);
		d->number = ied_col_dup(a, &r, 8);
		d->currency = ied_col_dup(a, &r, 9);
	}
	db_free(&r);
	if (e)
		return e;
	e = db_query(db, &r, "SELECT COALESCE(package_id, 0), description, quantity, unit_price, tax_rate, "
		     "unit_code, vat_category, tax_description, COALESCE(period_start, ''), "
		     "COALESCE(period_end, '') FROM invoice_lines WHERE invoice_id = ? ORDER BY position",
		     DB_ARGS(DB_I(id)));
	while (!e && (e = db_next(&r)) == IE_OK) {
		struct ied_line *l;

		if (!(d->lines = arena_grow(a, d->lines, d->nlines, &cap, sizeof(*d->lines)))) {
			e = IE_NOMEM;
			break;
		}
		l = &d->lines[d->nlines];
		memset(l, 0, sizeof(*l));
		l->package_id = db_int(&r, 0);
		l->description = ied_col_dup(a, &r, 1);
		l->unit_code = ied_col_dup(a, &r, 5);
		l->vat_category = ied_col_dup(a, &r, 6);
		l->tax_description = ied_col_dup(a, &r, 7);
		l->period_start = ied_col_dup(a, &r, 8);
		l->period_end = ied_col_dup(a, &r, 9);
		if ((e = ied_col_fixed(&r, 2, 6, &l->quantity)) || (e = ied_col_fixed(&r, 3, 6, &l->unit_price))
		    || (e = ied_col_fixed(&r, 4, 4, &l->tax_rate)))
			break;
		d->nlines++;
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
	db_free(&r);
	return e;
}

/* ---------- transactions ---------- */

static ierr refuse(struct ied_ctx *cx, enum ied_refusal why, const char *text)
{
	cx->refusal = why;
	cx->why = text;
	return IE_CONFLICT;
}

/* Locks the invoice row; checks the action and, when row_version > 0, the version. */
static ierr lock_invoice(struct db *db, struct ied_ctx *cx, long long id, long long row_version,
			 enum ied_action a, char status[8], char kind[8], int *exponent)
{
	struct db_res r;
	const char *to, *why;
	long long version;
	ierr e;

	e = db_query_row(db, &r, "SELECT status, row_version, kind, currency FROM invoices WHERE id = ? FOR UPDATE",
			 DB_ARGS(DB_I(id)));
	if (!e) {
		snprintf(status, 8, "%s", db_str(&r, 0));
		version = db_int(&r, 1);
		snprintf(kind, 8, "%s", db_str(&r, 2));
		*exponent = money_exponent(db_str(&r, 3));
	}
	db_free(&r);
	if (e)
		return e;
	if ((e = ied_transition(status, a, &to, &why)))
		return e == IE_CONFLICT ? refuse(cx, IED_STATUS, why) : IE_INTERNAL;
	if (row_version > 0 && version != row_version)
		return refuse(cx, IED_VERSION, "This invoice was changed by someone else after you opened the form.");
	return *exponent < 0 ? IE_INTERNAL : IE_OK;
}

static ierr dec(struct arena *a, int64_t v, int decimals, const char **out)
{
	char tmp[48];
	ierr e = money_to_decimal(v, decimals, tmp, sizeof(tmp));

	if (e)
		return e;
	return (*out = arena_strdup(a, tmp)) ? IE_OK : IE_NOMEM;
}

static const char *nullable(const char *s)
{
	return s && *s ? s : NULL;
}

/* Rows per multi-row statement: 20 lines of 15 values, within db_exec_built's 320. */
#define IED_ROWS_PER_STMT 20

/* head, then n copies of `group` joined by ", ", then tail: a statement from
 * literal fragments, every value still a bound parameter */
static ierr rows_sql(struct buf *b, const char *head, const char *group, size_t n, const char *tail)
{
	ierr e;

	buf_clear(b);
	if ((e = buf_puts(b, head)))
		return e;
	for (size_t i = 0; i < n; i++)
		if ((i && (e = buf_puts(b, ", "))) || (e = buf_puts(b, group)))
			return e;
	return buf_puts(b, tail);
}

#define LINE_VALUES 15

/* One line's values, in the order of the INSERT below. */
static ierr line_args(struct arena *a, long long id, size_t pos, const struct ied_line *l, int exponent,
		      struct db_arg *v)
{
	const char *q, *p, *rate, *net, *tax;
	ierr e;

	if ((e = dec(a, l->quantity, 6, &q)) || (e = dec(a, l->unit_price, 6, &p)) || (e = dec(a, l->tax_rate, 4, &rate))
	    || (e = dec(a, l->net, exponent, &net)) || (e = dec(a, l->tax, exponent, &tax)))
		return e;
	v[0] = DB_I(id);
	v[1] = DB_I(pos);
	v[2] = l->package_id ? DB_I(l->package_id) : DB_N;
	v[3] = DB_S(l->package_id ? "package" : "manual");
	v[4] = DB_S(l->description);
	v[5] = DB_S(q);
	v[6] = DB_S(l->unit_code && *l->unit_code ? l->unit_code : "C62");
	v[7] = DB_S(p);
	v[8] = DB_S(rate);
	v[9] = DB_S(l->vat_category && *l->vat_category ? l->vat_category : ied_default_category(l->tax_rate));
	v[10] = DB_S(l->tax_description ? l->tax_description : "");
	v[11] = DB_S(nullable(l->period_start));
	v[12] = DB_S(nullable(l->period_end));
	v[13] = DB_S(net);
	v[14] = DB_S(tax);
	return IE_OK;
}

/*
 * Writes the lines and the VAT breakdown (fresh: a new invoice, nothing to
 * replace). Lines go in multi-row statements that overwrite the line at each
 * position in place (INSERT ... ON DUPLICATE KEY UPDATE on (invoice_id,
 * position)) after the positions past the new last one are deleted, so an
 * unchanged line costs no index work. The caller has the search terms
 * redone once afterwards (ied_save, @invoice_terms_later).
 */
static ierr write_lines(struct db *db, struct arena *a, long long id, int fresh, struct ied_line *lines, size_t n,
			const struct ied_totals *t, int exponent)
{
	struct db_arg v[IED_ROWS_PER_STMT * LINE_VALUES];
	struct buf sql = BUF_INIT;
	ierr e = IE_OK;

	if (!fresh && ((e = db_exec(db, "DELETE FROM invoice_lines WHERE invoice_id = ? AND position > ?",
				    DB_ARGS(DB_I(id), DB_I(n)), NULL, NULL))
		       || (e = db_exec(db, "DELETE FROM invoice_tax_totals WHERE invoice_id = ?", DB_ARGS(DB_I(id)),
				       NULL, NULL))))
		goto out;
	for (size_t first = 0; first < n; first += IED_ROWS_PER_STMT) {
		size_t k = n - first < IED_ROWS_PER_STMT ? n - first : IED_ROWS_PER_STMT;

		for (size_t i = 0; i < k; i++)
			if ((e = line_args(a, id, first + i + 1, &lines[first + i], exponent, &v[i * LINE_VALUES])))
				goto out;
		if ((e = rows_sql(&sql, "INSERT INTO invoice_lines (invoice_id, position, package_id, source, description, "
				  "quantity, unit_code, unit_price, tax_rate, vat_category, tax_description, "
				  "period_start, period_end, net_amount, tax_amount) VALUES ",
				  "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", k,
				  " ON DUPLICATE KEY UPDATE package_id = VALUES(package_id), source = VALUES(source), "
				  "description = VALUES(description), quantity = VALUES(quantity), "
				  "unit_code = VALUES(unit_code), unit_price = VALUES(unit_price), "
				  "tax_rate = VALUES(tax_rate), vat_category = VALUES(vat_category), "
				  "exemption_code = '', exemption_reason = '', tax_description = VALUES(tax_description), "
				  "period_start = VALUES(period_start), period_end = VALUES(period_end), "
				  "net_amount = VALUES(net_amount), tax_amount = VALUES(tax_amount)"))
		    || (e = db_exec_built(db, &sql, v, k * LINE_VALUES, NULL, NULL)))
			goto out;
	}
	if (t->nrates) {
		struct db_arg r[IED_MAX_RATES * 5];

		for (size_t k = 0; k < t->nrates; k++) {
			const char *rate, *net, *tax;

			if ((e = dec(a, t->rates[k].rate, 4, &rate)) || (e = dec(a, t->rates[k].net, exponent, &net))
			    || (e = dec(a, t->rates[k].tax, exponent, &tax)))
				goto out;
			r[k * 5] = DB_I(id);
			r[k * 5 + 1] = DB_S(t->rates[k].vat_category);
			r[k * 5 + 2] = DB_S(rate);
			r[k * 5 + 3] = DB_S(net);
			r[k * 5 + 4] = DB_S(tax);
		}
		if ((e = rows_sql(&sql, "INSERT INTO invoice_tax_totals (invoice_id, vat_category, tax_rate, net_amount, "
				  "tax_amount) VALUES ", "(?, ?, ?, ?, ?)", t->nrates, ""))
		    || (e = db_exec_built(db, &sql, r, t->nrates * 5, NULL, NULL)))
			goto out;
	}
out:
	buf_free(&sql);
	return e;
}

/* Every package of the lines exists (IE_NOTFOUND otherwise) and is priced in
 * `currency` (IE_CONFLICT, IED_CURRENCY otherwise): one query for all. */
static ierr check_packages(struct db *db, struct ied_ctx *cx, const struct ied_draft *d, const char *currency)
{
	struct db_arg v[IED_MAX_LINES + 1];
	struct buf sql = BUF_INIT;
	struct db_res r = { 0 };
	size_t n = 0;
	ierr e = IE_OK;

	v[n++] = DB_S(currency);
	for (size_t i = 0; i < d->nlines && i < IED_MAX_LINES; i++) {
		size_t k;

		if (!d->lines[i].package_id)
			continue;
		for (k = 1; k < n && v[k].i != d->lines[i].package_id; k++)
			;
		if (k == n)
			v[n++] = DB_I(d->lines[i].package_id);
	}
	if (d->nlines > IED_MAX_LINES)
		return IE_INVALID;
	if (n == 1)
		return IE_OK;
	if ((e = rows_sql(&sql, "SELECT COUNT(*), COALESCE(SUM(currency <> ?), 0) FROM packages WHERE id IN (", "?",
			  n - 1, ")"))
	    || (e = db_query_built(db, &r, &sql, v, n)) || (e = db_next(&r)))
		goto out;
	if (db_int(&r, 0) != (long long)(n - 1))
		e = IE_NOTFOUND;
	else if (db_int(&r, 1))
		e = refuse(cx, IED_CURRENCY, "A package is priced in another currency than the customer's.");
out:
	db_free(&r);
	buf_free(&sql);
	return e;
}

ierr ied_save(struct db *db, struct ied_ctx *cx, struct ied_draft *d)
{
	struct arena *a = arena_new();
	struct ied_customer c;
	struct ied_totals t;
	struct audit_json after = AUDIT_JSON_INIT;
	const char *net, *tax, *gross;
	char status[8], kind[8], pstart[11] = "", pend[11] = "";
	unsigned long long id;
	int exponent, terms_later = 0;
	ierr e;

	if (!a)
		return IE_NOMEM;
	if (d->id > 0 && (e = lock_invoice(db, cx, d->id, d->row_version, IED_EDIT, status, kind, &exponent)))
		goto out;
	if ((e = ied_customer_get(db, a, d->customer_id, &c)))
		goto out;
	if (!c.active && !d->credited_invoice_id) {
		e = refuse(cx, IED_CURRENCY, "The customer is archived.");
		goto out;
	}
	exponent = money_exponent(c.currency);
	if (exponent < 0) {
		e = IE_INTERNAL;
		goto out;
	}
	if ((e = check_packages(db, cx, d, c.currency)))
		goto out;
	/* the invoice's billing period spans its lines' periods */
	for (size_t i = 0; i < d->nlines; i++) {
		const struct ied_line *l = &d->lines[i];

		if (l->period_start && *l->period_start && (!*pstart || strcmp(l->period_start, pstart) < 0))
			snprintf(pstart, sizeof(pstart), "%s", l->period_start);
		if (l->period_end && *l->period_end && (!*pend || strcmp(l->period_end, pend) > 0))
			snprintf(pend, sizeof(pend), "%s", l->period_end);
	}
	if (*pstart && *pend && strcmp(pend, pstart) < 0)
		pend[0] = '\0';
	if ((e = ied_totals(d->lines, d->nlines, exponent, d->per_document, &t))
	    || (e = dec(a, t.net, exponent, &net)) || (e = dec(a, t.tax, exponent, &tax))
	    || (e = dec(a, t.gross, exponent, &gross)))
		goto out;
	if (d->id > 0) {
		e = db_exec(db, "UPDATE invoices SET customer_id = ?, customer_name = ?, currency = ?, invoice_date = ?, "
			    "due_date = ?, period_start = ?, period_end = ?, notes = ?, tax_rounding = ?, net_total = ?, "
			    "tax_total = ?, total = ?, row_version = row_version + 1 WHERE id = ? AND status = 'draft'",
			    DB_ARGS(DB_I(c.id), DB_S(c.name), DB_S(c.currency), DB_S(d->invoice_date),
				    DB_S(d->due_date), DB_S(nullable(pstart)), DB_S(nullable(pend)), DB_S(nullable(d->notes)),
				    DB_S(d->per_document ? "document" : "line"), DB_S(net), DB_S(tax), DB_S(gross),
				    DB_I(d->id)), NULL, NULL);
		d->row_version++;
	} else {
		int credit = d->credited_invoice_id > 0;

		e = db_exec(db, "INSERT INTO invoices (kind, type_code, credited_invoice_id, customer_id, customer_name, "
			    "status, currency, invoice_date, due_date, period_start, period_end, notes, tax_rounding, "
			    "net_total, tax_total, total) VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			    DB_ARGS(DB_S(credit ? "credit" : "invoice"), DB_I(credit ? 381 : 380),
				    credit ? DB_I(d->credited_invoice_id) : DB_N, DB_I(c.id), DB_S(c.name),
				    DB_S(c.currency), DB_S(d->invoice_date),
				    DB_S(d->due_date), DB_S(nullable(pstart)), DB_S(nullable(pend)), DB_S(nullable(d->notes)),
				    DB_S(d->per_document ? "document" : "line"), DB_S(net), DB_S(tax), DB_S(gross)),
			    NULL, &id);
		d->id = (long long)id;
		d->row_version = 1;
	}
	if (e)
		goto out;
	/* the search terms' triggers wait for invoice_terms_catch_up below
	 * (sql/0020): one pass over the lines, not one per line and field */
	if ((e = db_exec(db, "SET @invoice_terms_later = 1", DB_NOARGS, NULL, NULL)))
		goto out;
	terms_later = 1;
	if ((e = write_lines(db, a, d->id, d->row_version == 1, d->lines, d->nlines, &t, exponent)))
		goto out;
	for (size_t i = 0; i < d->nfields; i++) {
		const struct ied_field *f = &d->fields[i];

		/* (a new invoice has no values to remove) */
		if (!*f->value && d->row_version > 1)
			e = db_exec(db, "DELETE FROM invoice_custom_fields WHERE invoice_id = ? AND field_id = ?",
				    DB_ARGS(DB_I(d->id), DB_I(f->field_id)), NULL, NULL);
		else if (*f->value)
			e = db_exec(db, "INSERT INTO invoice_custom_fields (invoice_id, field_id, value) "
				    "SELECT ?, id, ? FROM custom_field_defs WHERE id = ? AND active = 1 "
				    "ON DUPLICATE KEY UPDATE value = VALUES(value)",
				    DB_ARGS(DB_I(d->id), DB_S(f->value), DB_I(f->field_id)), NULL, NULL);
		if (e || (e = audit_json_str(&after, arena_printf(a, "field_%lld", f->field_id), f->value)))
			goto out;
	}
	if ((e = db_exec(db, "CALL invoice_terms_catch_up(?)", DB_ARGS(DB_I(d->id)), NULL, NULL)))
		goto out;
	terms_later = 0;
	if ((e = audit_json_int(&after, "customer_id", c.id)) || (e = audit_json_str(&after, "invoice_date", d->invoice_date))
	    || (e = audit_json_str(&after, "due_date", d->due_date)) || (e = audit_json_int(&after, "lines", (long long)d->nlines))
	    || (e = audit_json_str(&after, "total", gross)) || (e = audit_json_str(&after, "currency", c.currency))
	    || (e = audit_json_end(&after)))
		goto out;
	e = audit_event(db, cx->user, cx->address, "invoice", d->id, d->row_version == 1 ? "create" : "update",
			NULL, after.b.data);
out:
	/* never leave the triggers waiting on this connection (the transaction
	 * rolls back; its next run, or any other writer, starts clean) */
	if (terms_later)
		(void)db_exec(db, "SET @invoice_terms_later = NULL", DB_NOARGS, NULL, NULL);
	audit_json_free(&after);
	arena_free(a);
	return e;
}

/* Next number of (series, year), the row locked until the transaction ends:
 * one statement reads and moves it (LAST_INSERT_ID(expr) hands the old value
 * back as the insert id), so the row every issuer waits for is held one round
 * trip less than with SELECT ... FOR UPDATE and an UPDATE. */
static ierr take_number(struct db *db, const char *series, int year, long long *seq)
{
	unsigned long long affected = 0, value = 0;
	ierr e;

	for (int pass = 0; pass < 2; pass++) {
		if ((e = db_exec(db, "UPDATE number_sequences SET next_value = LAST_INSERT_ID(next_value) + 1 "
				 "WHERE series = ? AND year = ?", DB_ARGS(DB_S(series), DB_I(year)), &affected, &value)))
			return e;
		if (affected == 1) {
			*seq = (long long)value;
			return *seq > 0 ? IE_OK : IE_INTERNAL;
		}
		/* the year's first number: create the row (a parallel first issuer's
		 * insert is ignored here, and its lock makes us wait above) */
		if ((e = db_exec(db, "INSERT IGNORE INTO number_sequences (series, year, next_value) VALUES (?, ?, 1)",
				 DB_ARGS(DB_S(series), DB_I(year)), NULL, NULL)))
			return e;
	}
	return IE_INTERNAL;
}

ierr ied_issue_tx(struct db *db, struct ied_ctx *cx, struct ied_issue *is)
{
	struct audit_json after = AUDIT_JSON_INIT;
	struct einv_problem ep;
	struct db_res r;
	char status[8], kind[8], date[11] = "";
	long long seq = 0, nlines = 0;
	int exponent, credit;
	ierr e;

	if ((e = lock_invoice(db, cx, is->id, is->row_version, IED_ISSUE, status, kind, &exponent)))
		goto out;
	credit = !strcmp(kind, "credit");
	e = db_query_row(db, &r, "SELECT DATE_FORMAT(invoice_date, '%Y-%m-%d'), "
			 "(SELECT COUNT(*) FROM invoice_lines l WHERE l.invoice_id = i.id) FROM invoices i WHERE i.id = ?",
			 DB_ARGS(DB_I(is->id)));
	if (!e) {
		snprintf(date, sizeof(date), "%s", db_str(&r, 0));
		nlines = db_int(&r, 1);
	}
	db_free(&r);
	if (e)
		goto out;
	if (nlines == 0) {
		e = refuse(cx, IED_EMPTY, "An invoice without lines cannot be issued.");
		goto out;
	}
	/* before a number is spent: a document breaking a fatal EN 16931 rule (einvoice.h) */
	if ((e = einv_issue_check(db, is->id, is->seller_json, &ep)) == IE_CONFLICT)
		e = refuse(cx, IED_EINVOICE, ep.message);
	if (e)
		goto out;
	if ((e = take_number(db, credit ? "credit" : "invoice", ied_year_of(date), &seq))
	    || (e = ied_number(credit ? is->credit_prefix : is->prefix, ied_year_of(date), seq, is->number,
			       sizeof(is->number))))
		goto out;
	if ((e = db_exec(db, "UPDATE invoices i JOIN customers c ON c.id = i.customer_id "
			 "SET i.status = 'open', i.number = ?, i.issued_at = UTC_TIMESTAMP(), i.customer_name = c.name, "
			 "i.buyer_reference = c.buyer_reference, "
			 "i.buyer_snapshot = JSON_OBJECT('name', c.name, 'legal_name', c.legal_name, 'email', c.email, "
			 "'vat_id', c.vat_id, 'street', c.street, 'address_line2', c.address_line2, 'region', c.region, "
			 "'post_code', c.post_code, 'city', c.city, 'country', c.country, "
			 "'buyer_reference', c.buyer_reference), i.seller_snapshot = ?, "
			 "i.row_version = i.row_version + 1 WHERE i.id = ? AND i.status = 'draft'",
			 DB_ARGS(DB_S(is->number), DB_S(is->seller_json), DB_I(is->id)), NULL, NULL)))
		goto out;
	if (is->notify
	    && (e = outbox_queue(db, credit ? OUTBOX_CREDIT_NOTE : OUTBOX_INVOICE_ISSUED, is->id, 0, NULL)))
		goto out;
	if ((e = audit_json_str(&after, "status", "open")) || (e = audit_json_str(&after, "number", is->number))
	    || (e = audit_json_bool(&after, "notify", is->notify)) || (e = audit_json_end(&after)))
		goto out;
	e = audit_event(db, cx->user, cx->address, "invoice", is->id, "issue", "{\"status\": \"draft\"}", after.b.data);
out:
	audit_json_free(&after);
	return e;
}

ierr ied_void_tx(struct db *db, struct ied_ctx *cx, long long id, long long row_version, const char *reason)
{
	struct audit_json after = AUDIT_JSON_INIT;
	struct db_res r;
	char status[8], kind[8];
	long long allocations = 0;
	int exponent;
	ierr e;

	if ((e = lock_invoice(db, cx, id, row_version, IED_VOID, status, kind, &exponent)))
		goto out;
	e = db_query_row(db, &r, "SELECT (SELECT COUNT(*) FROM payment_allocations a WHERE a.invoice_id = i.id "
			 "OR a.credit_note_id = i.id) + (i.paid_amount <> 0) FROM invoices i WHERE i.id = ?",
			 DB_ARGS(DB_I(id)));
	if (!e)
		allocations = db_int(&r, 0);
	db_free(&r);
	if (e)
		goto out;
	if (allocations) {
		e = refuse(cx, IED_ALLOCATED, "Payments are allocated to this invoice: it cannot be voided.");
		goto out;
	}
	if ((e = db_exec(db, "UPDATE invoices SET status = 'void', voided_at = UTC_TIMESTAMP(), void_reason = ?, "
			 "row_version = row_version + 1 WHERE id = ? AND status = 'open'",
			 DB_ARGS(DB_S(reason), DB_I(id)), NULL, NULL))
	    || (e = outbox_queue(db, OUTBOX_INVOICE_VOIDED, id, 0, NULL)))
		goto out;
	if ((e = audit_json_str(&after, "status", "void")) || (e = audit_json_str(&after, "reason", reason))
	    || (e = audit_json_end(&after)))
		goto out;
	e = audit_event(db, cx->user, cx->address, "invoice", id, "void", "{\"status\": \"open\"}", after.b.data);
out:
	audit_json_free(&after);
	return e;
}

ierr ied_discard_tx(struct db *db, struct ied_ctx *cx, long long id, long long row_version)
{
	struct db_res r;
	char status[8], kind[8], before[160];
	int exponent;
	ierr e;

	if ((e = lock_invoice(db, cx, id, row_version, IED_DISCARD, status, kind, &exponent)))
		return e;
	e = db_query_row(db, &r, "SELECT total, currency, customer_id FROM invoices WHERE id = ?", DB_ARGS(DB_I(id)));
	if (!e)
		snprintf(before, sizeof(before), "{\"status\": \"draft\", \"total\": \"%s\", \"currency\": \"%s\", "
			 "\"customer_id\": %lld}", db_str(&r, 0), db_str(&r, 1), db_int(&r, 2));
	db_free(&r);
	if (e || (e = db_exec(db, "DELETE FROM invoices WHERE id = ? AND status = 'draft'", DB_ARGS(DB_I(id)), NULL, NULL)))
		return e;
	return audit_event(db, cx->user, cx->address, "invoice", id, "discard", before, NULL);
}
