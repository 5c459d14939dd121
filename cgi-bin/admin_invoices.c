/*
 * admin_invoices.c — /admin/invoices: the draft editor (new, edit, lines:
 * add, change, remove, reorder) and the lifecycle confirmations (issue,
 * void, discard). Rules and SQL live in lib/invoice_edit.c; this file parses,
 * checks fields, fills the HDF and answers.
 *
 * The editor is one form: the header fields, then every line as a row of
 * inputs named l<N>_<field> (N from 1, `rows` says how many), plus one
 * empty row for a new line. The buttons "Up", "Down" and "Remove" post the
 * same form with move=up:N / down:N / remove:N, applied before the save, so
 * the page works without JavaScript. Every save recomputes the totals on the
 * server (ied_save) in the transaction of the one-time key (once_run).
 */
#include <stdio.h>
#include <string.h>
#include "admin.h"
#include "audit.h"
#include "config.h"
#include "date.h"
#include "form.h"
#include "invoice.h"
#include "invoice_edit.h"
#include "once.h"

static const char *const roundings[] = { "line", "document", NULL };
static const char *const rounding_labels[] = { "Per line", "Per document (per tax rate)", NULL };

static const struct form_field head_form[] = {
	FORM_FIELD("customer", "Customer", FORM_ID, .required = 1),
	FORM_FIELD("invoice_date", "Invoice date", FORM_DATE, .hint = "Empty: today in the customer's time zone."),
	FORM_FIELD("due_date", "Due date", FORM_DATE,
		   .hint = "Empty: the invoice date plus the customer's payment terms."),
	FORM_FIELD("tax_rounding", "Tax rounding", FORM_ENUM, .required = 1, .choices = roundings,
		   .choice_labels = rounding_labels),
	FORM_FIELD("notes", "Notes (printed on the invoice)", FORM_AREA, .maxlen = 2000),
};
enum { H_CUSTOMER, H_DATE, H_DUE, H_ROUNDING, H_NOTES, NH };

static const struct form_field line_form[] = {
	FORM_FIELD("package", "Package", FORM_ID),
	FORM_FIELD("description", "Description", FORM_TEXT, .maxlen = 2000),
	FORM_FIELD("quantity", "Quantity", FORM_DEC6, .nonneg = 1),
	FORM_FIELD("unit_code", "Unit code", FORM_TEXT, .maxlen = 3),
	FORM_FIELD("unit_price", "Unit price", FORM_DEC6, .nonneg = 1),
	FORM_FIELD("tax_rate", "Tax rate %", FORM_RATE),
	FORM_FIELD("tax_description", "Tax description", FORM_TEXT, .maxlen = 100),
	FORM_FIELD("period_start", "Period start", FORM_DATE),
	FORM_FIELD("period_end", "Period end", FORM_DATE),
};
enum { L_PACKAGE, L_DESC, L_QTY, L_UNIT, L_PRICE, L_RATE, L_TAXDESC, L_PSTART, L_PEND, NL };

struct row {
	struct form_value v[NL];
	struct ied_line line;
};

struct editor {
	long long id;                   /* 0: new */
	struct form_value head[NH];
	struct row *rows;
	size_t nrows;
	struct ied_customer cust;
	int have_cust;
	const char *conflict;           /* 409 message */
	struct ied_field *fields;       /* custom fields as shown (posted or stored) */
	const char **field_errors;
	size_t nfields;
};

/* ---------- custom fields ---------- */

struct field_pick {
	struct req *req;
	struct editor *ed;
	size_t cap;
	int posted;                     /* take the values from the POST body */
};

static ierr add_field(void *ctx, const struct ied_field *f)
{
	struct field_pick *p = ctx;
	struct editor *ed = p->ed;
	struct ied_field *x;
	char key[40];
	const char *v = f->value;

	if (!(ed->fields = arena_grow(p->req->arena, ed->fields, ed->nfields, &p->cap, sizeof(*ed->fields))))
		return IE_NOMEM;
	x = &ed->fields[ed->nfields++];
	if (p->posted) {
		snprintf(key, sizeof(key), "cf_%lld", f->field_id);
		v = app_body_param(p->req, key);
		v = v ? v : "";
	}
	x->field_id = f->field_id;
	x->label = arena_strdup(p->req->arena, f->label);
	x->type = arena_strdup(p->req->arena, f->type);
	x->value = arena_strdup(p->req->arena, v);
	return x->label && x->type && x->value ? IE_OK : IE_NOMEM;
}

/* The custom fields of the editor: stored values (posted 0) or the posted ones, checked. */
static ierr load_fields(struct req *req, struct editor *ed, long long invoice_id, int posted, size_t *bad)
{
	struct field_pick p = { req, ed, 0, posted };
	ierr e = ied_fields_each(req->db, invoice_id, add_field, &p);

	if (e)
		return e;
	ed->field_errors = arena_alloc(req->arena, (ed->nfields + 1) * sizeof(*ed->field_errors));
	if (!ed->field_errors)
		return IE_NOMEM;
	for (size_t i = 0; posted && i < ed->nfields; i++) {
		const char *v = ed->fields[i].value;
		size_t n = strlen(v);

		while (n && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		while (n && (*v == ' ' || *v == '\t'))
			v++, n--;
		ed->fields[i].value = arena_strndup(req->arena, v, n);
		if (!ed->fields[i].value)
			return IE_NOMEM;
		if ((ed->field_errors[i] = ied_field_check(ed->fields[i].type, ed->fields[i].value)))
			(*bad)++;
	}
	return IE_OK;
}

/* ---------- pickers ---------- */

struct pick {
	struct req *req;
	size_t n;
};

static ierr add_customer(void *ctx, const struct ied_customer *c)
{
	struct pick *p = ctx;
	ierr e;

	if ((e = app_set_at_int(p->req, "Customers", p->n, "Id", c->id))
	    || (e = app_set_at(p->req, "Customers", p->n, "Name", c->name))
	    || (e = app_set_at(p->req, "Customers", p->n, "Currency", c->currency)))
		return e;
	p->n++;
	return IE_OK;
}

/* Fixed point as typed: "1", "0.0045", "19" (no trailing zeros). */
static const char *plain(struct req *req, int64_t v, int decimals)
{
	char tmp[48];
	size_t n;

	if (money_to_decimal(v, decimals, tmp, sizeof(tmp)))
		return "";
	n = strlen(tmp);
	if (decimals > 0) {
		while (n && tmp[n - 1] == '0')
			tmp[--n] = '\0';
		if (n && tmp[n - 1] == '.')
			tmp[--n] = '\0';
	}
	return arena_strdup(req->arena, tmp);
}

static ierr add_package(void *ctx, const struct ied_package *pk)
{
	struct pick *p = ctx;
	ierr e;

	if ((e = app_set_at_int(p->req, "Packages", p->n, "Id", pk->id))
	    || (e = app_set_at(p->req, "Packages", p->n, "Name", pk->name))
	    || (e = app_set_at(p->req, "Packages", p->n, "Currency", pk->currency))
	    || (e = app_set_at(p->req, "Packages", p->n, "Price", plain(p->req, pk->unit_price, 6)))
	    || (e = app_set_at(p->req, "Packages", p->n, "Qty", plain(p->req, pk->default_quantity, 6)))
	    || (e = app_set_at(p->req, "Packages", p->n, "Rate", plain(p->req, pk->tax_rate, 4)))
	    || (e = app_set_at(p->req, "Packages", p->n, "Unit", pk->unit_code))
	    || (e = app_set_at(p->req, "Packages", p->n, "TaxDesc", pk->tax_description)))
		return e;
	p->n++;
	return IE_OK;
}

/* ---------- the form in the HDF ---------- */

static ierr render_editor(struct req *req, struct editor *ed, int status)
{
	struct pick pc = { req, 0 }, pp = { req, 0 };
	char prefix[32];
	size_t errors;
	ierr e;

	if ((e = admin_layout(req, "invoices", ed->id ? "Edit draft invoice" : "New invoice"))
	    || (e = ied_customers_each(req->db, add_customer, &pc)) || (e = ied_packages_each(req->db, add_package, &pp))
	    || (e = form_hdf(req, "Form", head_form, NH, ed->head)))
		return e;
	errors = form_errors(ed->head, NH);
	for (size_t i = 0; i <= ed->nrows; i++) {       /* the last one: the empty row for a new line */
		snprintf(prefix, sizeof(prefix), "Lines.%zu", i);
		if ((e = form_hdf(req, prefix, line_form, NL, i < ed->nrows ? ed->rows[i].v : NULL))
		    || (e = app_set_at_int(req, "Lines", i, "N", (long long)i + 1))
		    || (i == ed->nrows && (e = app_set_at_int(req, "Lines", i, "New", 1))))
			return e;
		if (i < ed->nrows)
			errors += form_errors(ed->rows[i].v, NL);
	}
	for (size_t i = 0; i < ed->nfields; i++) {
		if ((e = app_set_at_int(req, "Fields", i, "Id", ed->fields[i].field_id))
		    || (e = app_set_at(req, "Fields", i, "Label", ed->fields[i].label))
		    || (e = app_set_at(req, "Fields", i, "Type", ed->fields[i].type))
		    || (e = app_set_at(req, "Fields", i, "Value", ed->fields[i].value))
		    || (ed->field_errors && ed->field_errors[i]
			&& (e = app_set_at(req, "Fields", i, "Error", ed->field_errors[i]))))
			return e;
		errors += ed->field_errors && ed->field_errors[i];
	}
	if ((e = app_set_int(req, "Form.Errors", (long long)errors)) || (e = app_set_int(req, "Rows", (long long)ed->nrows + 1))
	    || (e = app_set_int(req, "Editor.Id", ed->id)))
		return e;
	if (ed->conflict && (e = app_set(req, "Conflict", ed->conflict)))
		return e;
	return form_render(req, status, "admin_invoice_form.cs");
}

/* ---------- GET: new and edit ---------- */

static ierr new_invoice(struct req *req)
{
	struct editor ed;
	const char *c = app_param(req, "customer");
	long long cid;
	ierr e;

	memset(&ed, 0, sizeof(ed));
	form_set_raw(&ed.head[H_ROUNDING], req->cfg->tax_per_document ? "document" : "line");
	size_t bad = 0;

	if (c && !str_to_i64(c, 1, 9007199254740992LL, &cid))
		form_set_raw(&ed.head[H_CUSTOMER], c);
	if ((e = load_fields(req, &ed, 0, 0, &bad)) || (e = admin_form_keys(req, 0)))
		return e;
	return render_editor(req, &ed, 200);
}

/* A loaded draft into the editor's shown values. */
static ierr fill_from(struct req *req, struct editor *ed, const struct ied_draft *d)
{
	ed->id = d->id;
	form_set_raw(&ed->head[H_CUSTOMER], arena_printf(req->arena, "%lld", d->customer_id));
	form_set_raw(&ed->head[H_DATE], d->invoice_date);
	form_set_raw(&ed->head[H_DUE], d->due_date);
	form_set_raw(&ed->head[H_ROUNDING], d->per_document ? "document" : "line");
	form_set_raw(&ed->head[H_NOTES], d->notes);
	ed->nrows = d->nlines;
	ed->rows = arena_alloc(req->arena, (d->nlines + 1) * sizeof(*ed->rows));
	if (!ed->rows)
		return IE_NOMEM;
	for (size_t i = 0; i < d->nlines; i++) {
		const struct ied_line *l = &d->lines[i];
		struct form_value *v = ed->rows[i].v;

		form_set_raw(&v[L_PACKAGE], l->package_id ? arena_printf(req->arena, "%lld", l->package_id) : "");
		form_set_raw(&v[L_DESC], l->description);
		form_set_raw(&v[L_QTY], plain(req, l->quantity, 6));
		form_set_raw(&v[L_UNIT], l->unit_code);
		form_set_raw(&v[L_PRICE], plain(req, l->unit_price, 6));
		form_set_raw(&v[L_RATE], plain(req, l->tax_rate, 4));
		form_set_raw(&v[L_TAXDESC], l->tax_description);
		form_set_raw(&v[L_PSTART], l->period_start);
		form_set_raw(&v[L_PEND], l->period_end);
	}
	return IE_OK;
}

/* Loads the draft for editing; a non-draft answers the 409 page. */
static ierr load_draft(struct req *req, long long id, struct ied_draft *d)
{
	const char *to, *why;
	ierr e;

	if ((e = ied_draft_get(req->db, req->arena, id, d)))
		return e;
	if (ied_transition(d->status, IED_EDIT, &to, &why))
		return app_fail(req, IE_CONFLICT, why ? why : "This invoice cannot be changed.");
	return IE_OK;
}

static ierr edit_invoice(struct req *req)
{
	struct editor ed;
	struct ied_draft d;
	ierr e;

	memset(&ed, 0, sizeof(ed));
	size_t bad = 0;

	if ((e = load_draft(req, req->ids[0], &d)) || (e = fill_from(req, &ed, &d))
	    || (e = load_fields(req, &ed, d.id, 0, &bad)) || (e = admin_form_keys(req, d.row_version)))
		return e;
	return render_editor(req, &ed, 200);
}

/* ---------- POST: parse, check, save ---------- */

struct row_get {
	struct req *req;
	long long row;
};

static const char *row_param(void *ctx, const char *name)
{
	struct row_get *g = ctx;
	char key[64];

	snprintf(key, sizeof(key), "l%lld_%s", g->row, name);
	return app_body_param(g->req, key);
}

static int row_blank(struct req *req, long long row)
{
	struct row_get g = { req, row };

	for (size_t i = 0; i < NL; i++) {
		const char *s = row_param(&g, line_form[i].name);

		for (; s && *s; s++)
			if (*s != ' ' && *s != '\t')
				return 0;
	}
	return 1;
}

/* The posted rows in the order to keep, after a move/remove button. */
static ierr row_order(struct req *req, long long **order, size_t *n)
{
	const char *s = app_body_param(req, "rows"), *mv = app_body_param(req, "move");
	long long rows = 0, k = 0;
	size_t m = 0;
	long long *o;

	if (s && *s && str_to_i64(s, 0, IED_MAX_LINES + 1, &rows)) {
		req->error_param = "rows";
		return app_fail(req, IE_INVALID, "The form's line count is not valid.");
	}
	o = arena_alloc(req->arena, ((size_t)rows + 1) * sizeof(*o));
	if (!o)
		return IE_NOMEM;
	for (long long r = 1; r <= rows; r++)
		o[m++] = r;
	if (mv && *mv) {
		const char *colon = strchr(mv, ':');
		size_t at = m;

		if (!colon || str_to_i64(colon + 1, 1, rows, &k)) {
			req->error_param = "move";
			return app_fail(req, IE_INVALID, "The line to move is not valid.");
		}
		for (size_t i = 0; i < m; i++)
			if (o[i] == k)
				at = i;
		if (!strncmp(mv, "remove:", 7)) {
			memmove(o + at, o + at + 1, (m - at - 1) * sizeof(*o));
			m--;
		} else if (!strncmp(mv, "up:", 3) && at > 0) {
			o[at] = o[at - 1];
			o[at - 1] = k;
		} else if (!strncmp(mv, "down:", 5) && at + 1 < m) {
			o[at] = o[at + 1];
			o[at + 1] = k;
		} else if (strncmp(mv, "up:", 3) && strncmp(mv, "down:", 5)) {
			req->error_param = "move";
			return app_fail(req, IE_INVALID, "The line action is not valid.");
		}
	}
	*order = o;
	*n = m;
	return IE_OK;
}

static int unit_code_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 3)
		return 0;
	for (; *s; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9')))
			return 0;
	return 1;
}

/* One line's rules across fields: a package fills what was left blank. */
static ierr check_line(struct req *req, struct editor *ed, struct row *rw)
{
	struct form_value *v = rw->v;
	struct ied_line *l = &rw->line;
	struct ied_package pk;
	ierr e;

	memset(l, 0, sizeof(*l));
	if (v[L_PACKAGE].present) {
		e = ied_package_get(req->db, req->arena, v[L_PACKAGE].i, &pk);
		if (e == IE_NOTFOUND || (!e && !pk.active)) {
			form_set_error(&v[L_PACKAGE], "is not a package that can be chosen");
		} else if (e) {
			return e;
		} else if (ed->have_cust && strcmp(pk.currency, ed->cust.currency)) {
			form_set_error(&v[L_PACKAGE], arena_printf(req->arena, "is priced in %s; the customer pays in %s",
								   pk.currency, ed->cust.currency));
		} else {
			struct ied_given g = { v[L_DESC].present || v[L_DESC].error, v[L_QTY].present || v[L_QTY].error,
					       v[L_PRICE].present || v[L_PRICE].error, v[L_RATE].present || v[L_RATE].error,
					       v[L_TAXDESC].present || v[L_TAXDESC].error, v[L_UNIT].present || v[L_UNIT].error };

			ied_fill_from_package(l, &g, &pk);
			/* the filled values are shown (and taken below) like typed ones */
			if (!g.description)
				form_set_raw(&v[L_DESC], l->description), v[L_DESC].s = l->description, v[L_DESC].present = 1;
			if (!g.quantity)
				form_set_raw(&v[L_QTY], plain(req, l->quantity, 6)), v[L_QTY].i = l->quantity, v[L_QTY].present = 1;
			if (!g.unit_price)
				form_set_raw(&v[L_PRICE], plain(req, l->unit_price, 6)), v[L_PRICE].i = l->unit_price,
					v[L_PRICE].present = 1;
			if (!g.tax_rate)
				form_set_raw(&v[L_RATE], plain(req, l->tax_rate, 4)), v[L_RATE].i = l->tax_rate, v[L_RATE].present = 1;
			if (!g.tax_description)
				form_set_raw(&v[L_TAXDESC], l->tax_description), v[L_TAXDESC].s = l->tax_description;
			if (!g.unit_code)
				form_set_raw(&v[L_UNIT], l->unit_code), v[L_UNIT].s = l->unit_code, v[L_UNIT].present = 1;
		}
	}
	if (!v[L_DESC].present && !v[L_DESC].error)
		form_set_error(&v[L_DESC], "is required");
	if (!v[L_QTY].present && !v[L_QTY].error)
		form_set_error(&v[L_QTY], "is required");
	if (!v[L_PRICE].present && !v[L_PRICE].error)
		form_set_error(&v[L_PRICE], "is required");
	if (!v[L_RATE].present && !v[L_RATE].error)
		form_set_error(&v[L_RATE], "is required");
	if (v[L_UNIT].present && !unit_code_ok(v[L_UNIT].s))
		form_set_error(&v[L_UNIT], "must be a UN/ECE code like C62, HUR or MIN (capitals and digits)");
	if (v[L_PSTART].present && v[L_PEND].present && v[L_PEND].i < v[L_PSTART].i)
		form_set_error(&v[L_PEND], "must not be before the period start");
	l->description = v[L_DESC].s;
	l->quantity = v[L_QTY].i;
	l->unit_price = v[L_PRICE].i;
	l->tax_rate = v[L_RATE].i;
	l->unit_code = v[L_UNIT].present ? v[L_UNIT].s : "C62";
	l->tax_description = v[L_TAXDESC].s ? v[L_TAXDESC].s : "";
	l->period_start = v[L_PSTART].present ? v[L_PSTART].s : "";
	l->period_end = v[L_PEND].present ? v[L_PEND].s : "";
	return IE_OK;
}

/* Parses and checks the whole posted form; IE_INVALID when a field is wrong. */
static ierr parse_editor(struct req *req, struct editor *ed, struct ied_draft *d)
{
	struct form_value *h = ed->head;
	long long *order = NULL;
	size_t n = 0, bad;
	char today[11], due[11];
	ierr e, fe;

	if ((e = row_order(req, &order, &n)))
		return e;
	fe = form_parse(req, head_form, NH, NULL, h);
	if (fe && fe != IE_INVALID)
		return fe;
	if (h[H_CUSTOMER].present) {
		e = ied_customer_get(req->db, req->arena, h[H_CUSTOMER].i, &ed->cust);
		if (e == IE_NOTFOUND || (!e && !ed->cust.active))
			form_set_error(&h[H_CUSTOMER], "is not an active customer");
		else if (e)
			return e;
		else
			ed->have_cust = 1;
	}
	ed->rows = arena_alloc(req->arena, (n + 1) * sizeof(*ed->rows));
	if (!ed->rows)
		return IE_NOMEM;
	for (size_t i = 0; i < n; i++) {
		struct row_get g = { req, order[i] };
		struct row *rw = &ed->rows[ed->nrows];

		if (row_blank(req, order[i]))
			continue;
		if (ed->nrows == IED_MAX_LINES) {
			req->error_param = "rows";
			return app_fail(req, IE_INVALID, "An invoice has at most 200 lines.");
		}
		e = form_parse_with(row_param, &g, req->arena, line_form, NL, NULL, rw->v);
		if (e && e != IE_INVALID)
			return e;
		if ((e = check_line(req, ed, rw)))
			return e;
		ed->nrows++;
	}
	if (ed->have_cust && !h[H_DATE].present && !h[H_DATE].error) {
		if ((e = inv_today(ed->cust.time_zone[0] ? ed->cust.time_zone : req->cfg->time_zone, req->now, today)))
			return e;
		form_set_raw(&h[H_DATE], arena_strdup(req->arena, today));
		h[H_DATE].s = h[H_DATE].raw;
		h[H_DATE].present = 1;
	}
	if (ed->have_cust && h[H_DATE].present && !h[H_DUE].present && !h[H_DUE].error) {
		if ((e = date_add(h[H_DATE].s, ed->cust.payment_days, due)))
			return e;
		if (ied_year_of(due) < 0)   /* past the editor's years */
			return IE_INVALID;
		form_set_raw(&h[H_DUE], arena_strdup(req->arena, due));
		h[H_DUE].s = h[H_DUE].raw;
		h[H_DUE].i = h[H_DATE].i + ed->cust.payment_days;
		h[H_DUE].present = 1;
	}
	if (h[H_DATE].present && h[H_DUE].present && h[H_DUE].i < h[H_DATE].i)
		form_set_error(&h[H_DUE], "must not be before the invoice date");
	bad = 0;
	if ((e = load_fields(req, ed, ed->id, 1, &bad)))
		return e;
	bad += form_errors(h, NH);
	for (size_t i = 0; i < ed->nrows; i++)
		bad += form_errors(ed->rows[i].v, NL);
	if (bad)
		return IE_INVALID;
	d->customer_id = h[H_CUSTOMER].i;
	d->invoice_date = h[H_DATE].s;
	d->due_date = h[H_DUE].s;
	d->notes = h[H_NOTES].s ? h[H_NOTES].s : "";
	d->per_document = h[H_ROUNDING].present && !strcmp(h[H_ROUNDING].s, "document");
	d->nlines = ed->nrows;
	d->lines = arena_alloc(req->arena, (ed->nrows + 1) * sizeof(*d->lines));
	if (!d->lines)
		return IE_NOMEM;
	for (size_t i = 0; i < ed->nrows; i++)
		d->lines[i] = ed->rows[i].line;
	d->fields = ed->fields;
	d->nfields = ed->nfields;
	return IE_OK;
}

struct save_ctx {
	struct ied_ctx cx;
	struct ied_draft *d;
	int stay;                       /* a line button: back to the editor, not to the invoice */
};

static ierr save_fn(struct db *db, void *ctx, char *result, size_t resultsz)
{
	struct save_ctx *s = ctx;
	ierr e = ied_save(db, &s->cx, s->d);

	if (!e)
		snprintf(result, resultsz, s->stay ? "/admin/invoices/%lld/edit?done=saved" : "/invoices/%lld?done=saved",
			 s->d->id);
	return e;
}

static ierr save(struct req *req, long long id)
{
	struct editor ed;
	struct ied_draft d;
	struct save_ctx sc;
	const char *mv = app_body_param(req, "move"), *add = app_body_param(req, "add");
	char where[256];
	int again;
	ierr e;

	memset(&ed, 0, sizeof(ed));
	memset(&d, 0, sizeof(d));
	memset(&sc, 0, sizeof(sc));
	ed.id = id;
	if (id) {
		struct ied_draft cur;

		if ((e = load_draft(req, id, &cur)))
			return e;
		d.id = id;
		d.row_version = admin_posted_version(req);
		if (!d.row_version) {
			req->error_param = "row_version";
			return app_fail(req, IE_INVALID, "The form has no row version; open the editor again.");
		}
	}
	e = parse_editor(req, &ed, &d);
	if (e == IE_INVALID && !req->error_param) {
		if ((e = admin_form_keys_again(req)))
			return e;
		return render_editor(req, &ed, 422);
	}
	if (e)
		return e;
	sc.cx.user = &req->session.user;
	sc.cx.address = req->remote_addr;
	sc.d = &d;
	sc.stay = (mv && *mv) || (add && *add);
	e = once_run(req->db, app_body_param(req, "once"), req->session.user.id, "invoice.save", save_fn, &sc,
		     where, sizeof(where), &again);
	if (e == IE_CONFLICT && sc.cx.refusal == IED_VERSION) {
		ed.conflict = sc.cx.why;
		if ((e = admin_form_keys_again(req)))
			return e;
		return render_editor(req, &ed, 409);
	}
	if (e == IE_CONFLICT && sc.cx.why)
		return app_fail(req, IE_CONFLICT, sc.cx.why);
	if (e == IE_INVALID && !req->error_param) {
		req->error_param = "once";
		return app_fail(req, IE_INVALID, "The form's one-time key is missing or malformed; open the form again.");
	}
	if (e)
		return e;
	return app_redirect(req, 303, where);
}

static ierr create_invoice(struct req *req)
{
	return save(req, 0);
}

static ierr update_invoice(struct req *req)
{
	return save(req, req->ids[0]);
}

/* ---------- lifecycle: issue, void, discard ---------- */

static const struct form_field void_form[] = {
	FORM_FIELD("reason", "Reason for voiding", FORM_TEXT, .required = 1, .maxlen = 500,
		   .hint = "Kept with the invoice and shown in its history."),
};
static const struct form_field issue_form[] = {
	FORM_FIELD("notify", "Notify the customer by e-mail", FORM_CHECK),
};

struct life {
	enum ied_action action;
	const char *title, *button, *path;
};

static const struct life lives[] = {
	{ IED_ISSUE, "Issue invoice", "Issue the invoice", "issue" },
	{ IED_VOID, "Void invoice", "Void the invoice", "void" },
	{ IED_DISCARD, "Discard draft", "Discard the draft", "discard" },
};

/* The confirmation page: what will happen, the invoice's figures, the form. */
static ierr confirm_page(struct req *req, const struct life *lf, const struct form_value *v, int status)
{
	struct auth_scope all = { 0 };
	struct invoice inv;
	struct ied_draft d;
	const char *to, *why;
	char total[48];
	ierr e;

	all.drafts = 1;
	if ((e = invoice_load(req->db, req->arena, &all, req->ids[0], req->now, 0, &inv))
	    || (e = ied_draft_get(req->db, req->arena, req->ids[0], &d)))
		return e;
	if (ied_transition(inv.status, lf->action, &to, &why))
		return app_fail(req, IE_CONFLICT, why ? why : "This change is not possible.");
	if (lf->action == IED_VOID && inv.paid != 0)
		return app_fail(req, IE_CONFLICT, "Payments are allocated to this invoice: it cannot be voided.");
	if ((e = money_format(inv.total, inv.currency, total, sizeof(total))))
		return e;
	if ((e = admin_layout(req, "invoices", lf->title)) || (e = app_set(req, "Confirm.Action", lf->path))
	    || (e = app_set(req, "Confirm.Button", lf->button)) || (e = app_set_int(req, "Inv.Id", inv.id))
	    || (e = app_set(req, "Inv.Number", inv.number)) || (e = app_set(req, "Inv.Customer", inv.buyer.name))
	    || (e = app_set(req, "Inv.Date", inv.invoice_date)) || (e = app_set(req, "Inv.Due", inv.due_date))
	    || (e = app_set(req, "Inv.Total", total)) || (e = app_set_int(req, "Inv.Lines", (long long)inv.nlines))
	    || (e = app_set(req, "Inv.Email", inv.buyer.email)))
		return e;
	if (lf->action == IED_ISSUE)
		e = form_hdf(req, "Form", issue_form, 1, v);
	else if (lf->action == IED_VOID)
		e = form_hdf(req, "Form", void_form, 1, v);
	if (e)
		return e;
	if (req->method == APP_POST)
		e = admin_form_keys_again(req);
	else
		e = admin_form_keys(req, d.row_version);
	if (e)
		return e;
	return form_render(req, status, "admin_invoice_confirm.cs");
}

static const struct life *life_of(struct req *req)
{
	for (size_t i = 0; i < sizeof(lives) / sizeof(lives[0]); i++)
		if (strstr(req->path, lives[i].path) && !strcmp(req->path + strlen(req->path) - strlen(lives[i].path),
								  lives[i].path))
			return &lives[i];
	return NULL;
}

static ierr confirm(struct req *req)
{
	const struct life *lf = life_of(req);
	struct form_value v[1];

	if (!lf)
		return IE_NOTFOUND;
	memset(v, 0, sizeof(v));
	if (lf->action == IED_ISSUE) {
		form_set_raw(&v[0], "1");       /* notify: on by default */
		return confirm_page(req, lf, v, 200) ;
	}
	return confirm_page(req, lf, NULL, 200);
}

struct life_ctx {
	struct ied_ctx cx;
	const struct life *lf;
	struct ied_issue is;
	long long id, version;
	const char *reason;
};

static ierr life_fn(struct db *db, void *ctx, char *result, size_t resultsz)
{
	struct life_ctx *c = ctx;
	ierr e;

	switch (c->lf->action) {
	case IED_ISSUE:
		e = ied_issue_tx(db, &c->cx, &c->is);
		break;
	case IED_VOID:
		e = ied_void_tx(db, &c->cx, c->id, c->version, c->reason);
		break;
	case IED_DISCARD:
		e = ied_discard_tx(db, &c->cx, c->id, c->version);
		break;
	default:
		e = IE_INTERNAL;
	}
	if (!e && c->lf->action == IED_DISCARD)
		snprintf(result, resultsz, "/invoices?status=draft");
	else if (!e)
		snprintf(result, resultsz, "/invoices/%lld", c->id);
	return e;
}

/* The seller block as a snapshot for the issued invoice. */
static ierr seller_json(struct req *req, const char **out)
{
	struct inv_seller s;
	struct audit_json j = AUDIT_JSON_INIT;
	ierr e;

	invoice_seller(req->cfg, &s);
	if ((e = audit_json_str(&j, "name", s.name)) || (e = audit_json_str(&j, "address", s.address))
	    || (e = audit_json_str(&j, "tax_id", s.tax_id)) || (e = audit_json_str(&j, "iban", s.iban))
	    || (e = audit_json_str(&j, "bic", s.bic)) || (e = audit_json_str(&j, "email", s.email))
	    || (e = audit_json_str(&j, "phone", s.phone)) || (e = audit_json_str(&j, "website", s.website))
	    || (e = audit_json_str(&j, "legal_name", s.legal_name)) || (e = audit_json_str(&j, "street", s.street))
	    || (e = audit_json_str(&j, "city", s.city)) || (e = audit_json_str(&j, "post_code", s.post_code))
	    || (e = audit_json_str(&j, "country", s.country)) || (e = audit_json_str(&j, "company_id", s.company_id))
	    || (e = audit_json_str(&j, "endpoint_id", s.endpoint_id))
	    || (e = audit_json_str(&j, "endpoint_scheme", s.endpoint_scheme))
	    || (e = audit_json_str(&j, "contact", s.contact)) || (e = audit_json_end(&j)))
		goto out;
	if (!(*out = arena_strdup(req->arena, j.b.data)))
		e = IE_NOMEM;
out:
	audit_json_free(&j);
	return e;
}

/* The same for the list's batch issue (admin_batch.c). */
ierr admin_seller_json(struct req *req, const char **out)
{
	return seller_json(req, out);
}

static ierr change(struct req *req)
{
	const struct life *lf = life_of(req);
	struct life_ctx c;
	struct form_value v[1];
	char where[256];
	int again;
	ierr e;

	if (!lf)
		return IE_NOTFOUND;
	memset(&c, 0, sizeof(c));
	memset(v, 0, sizeof(v));
	c.cx.user = &req->session.user;
	c.cx.address = req->remote_addr;
	c.lf = lf;
	c.id = req->ids[0];
	c.version = admin_posted_version(req);
	if (!c.version) {
		req->error_param = "row_version";
		return app_fail(req, IE_INVALID, "The form has no row version; open the page again.");
	}
	if (lf->action == IED_VOID) {
		e = form_parse(req, void_form, 1, NULL, v);
		if (e == IE_INVALID)
			return confirm_page(req, lf, v, 422);
		if (e)
			return e;
		c.reason = v[0].s;
	} else if (lf->action == IED_ISSUE) {
		if ((e = form_parse(req, issue_form, 1, NULL, v)))
			return e;
		c.is.id = c.id;
		c.is.row_version = c.version;
		c.is.prefix = req->cfg->invoice_prefix[0] ? req->cfg->invoice_prefix : "INV";
		c.is.credit_prefix = config_get(req->cfg, "Invoice.CreditPrefix", "CN");
		c.is.notify = (int)v[0].i;
		if ((e = seller_json(req, &c.is.seller_json)))
			return e;
	}
	e = once_run(req->db, app_body_param(req, "once"), req->session.user.id, lf->path, life_fn, &c, where,
		     sizeof(where), &again);
	if (e == IE_CONFLICT && c.cx.why)
		return app_fail(req, IE_CONFLICT, c.cx.why);
	if (e == IE_INVALID && !req->error_param) {
		req->error_param = "once";
		return app_fail(req, IE_INVALID, "The form's one-time key is missing or malformed; open the page again.");
	}
	if (e)
		return e;
	return app_redirect(req, 303, where);
}

/* ---------- signed links ---------- */

static ierr revoke_links(struct req *req)
{
	struct auth_scope all = { 0 };
	struct invoice inv;
	ierr e;

	all.drafts = 1;
	if ((e = invoice_load(req->db, req->arena, &all, req->ids[0], req->now, 0, &inv))
	    || (e = invoice_revoke_links(req->db, inv.id, req->session.user.id, req->session.user.email)))
		return e;
	return app_redirect(req, 303, arena_printf(req->arena, "/invoices/%lld?links=revoked", inv.id));
}

/* ---------- the routes (invoice-admin.c's table lists them) ---------- */

ierr admin_invoice_new(struct req *req) { return new_invoice(req); }
ierr admin_invoice_create(struct req *req) { return create_invoice(req); }
ierr admin_invoice_edit(struct req *req) { return edit_invoice(req); }
ierr admin_invoice_update(struct req *req) { return update_invoice(req); }
ierr admin_invoice_confirm(struct req *req) { return confirm(req); }
ierr admin_invoice_change(struct req *req) { return change(req); }
ierr admin_invoice_revoke_links(struct req *req) { return revoke_links(req); }
