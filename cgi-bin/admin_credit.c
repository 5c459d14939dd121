/*
 * admin_credit.c — /admin/invoices/{id}/credit: a credit note from an issued
 * invoice. The rule and the transaction live in lib/credit.c; this file
 * parses, fills the HDF and answers.
 *
 * GET shows the form: every line of the invoice with what is still
 * uncredited, an input for a quantity (q_<pos>) and one for a net amount
 * (a_<pos>) per line, "credit the whole rest" (full), the reason and the
 * notification box. A POST without confirm=1 checks everything and shows the
 * confirmation (the credit note's lines and totals, what it does to the
 * invoice's balance), carrying the fields as hidden inputs; nothing is
 * written. A POST with confirm=1 runs crd_create_tx in the transaction of the
 * one-time key (once_run) and redirects to the credit note's page. A wrong
 * field answers 422 with the form and a message beside the field; a rule the
 * lock found broken (another credit meanwhile, the row's version) 409.
 */
#include <stdio.h>
#include <string.h>
#include "admin.h"
#include "config.h"
#include "credit.h"
#include "form.h"
#include "invoice.h"
#include "invoice_edit.h"
#include "once.h"
#include "pdf.h"

static const struct form_field credit_form[] = {
	FORM_FIELD("full", "Credit everything still uncredited", FORM_CHECK),
	FORM_FIELD("reason", "Reason", FORM_TEXT, .required = 1, .maxlen = 500,
		   .hint = "Printed on the credit note and kept in the invoice's history."),
	FORM_FIELD("notify", "Notify the customer by e-mail", FORM_CHECK),
};
enum { F_FULL, F_REASON, F_NOTIFY, NF };

static const struct form_field qty_field = FORM_FIELD("q", "Quantity to credit", FORM_DEC6, .nonneg = 1);
static const struct form_field amt_field = FORM_FIELD("a", "Amount to credit (net)", FORM_AMOUNT, .nonneg = 1);

/* One line's inputs as posted, and the message beside each (a sentence). */
struct pick_in {
	struct form_value q, a;
	const char *qmsg, *amsg;
};

struct page {
	struct crd_invoice inv;
	struct form_value v[NF];
	struct pick_in *in;             /* per invoice line */
	struct crd_pick *picks;
	size_t npicks;
	size_t *pick_line;              /* pick -> invoice line index */
	const char *problem;            /* a sentence about the whole form */
};

static ierr amount_text(struct req *req, const struct crd_invoice *inv, money_t v, const char **out)
{
	char buf[64];
	ierr e = money_format(v, inv->currency, buf, sizeof(buf));

	if (e)
		return e;
	return (*out = arena_strdup(req->arena, buf)) ? IE_OK : IE_NOMEM;
}

static ierr set_amount(struct req *req, const char *key, const struct crd_invoice *inv, money_t v)
{
	const char *s;
	ierr e = amount_text(req, inv, v, &s);

	return e ? e : app_set(req, key, s);
}

static ierr set_amount_at(struct req *req, const char *prefix, size_t i, const char *key,
			  const struct crd_invoice *inv, money_t v)
{
	const char *s;
	ierr e = amount_text(req, inv, v, &s);

	return e ? e : app_set_at(req, prefix, i, key, s);
}

/* The invoice's facts and its lines with what is left, and the inputs as typed. */
static ierr invoice_hdf(struct req *req, struct page *pg)
{
	const struct crd_invoice *inv = &pg->inv;
	char num[64];
	ierr e;

	if ((e = app_set_int(req, "Inv.Id", inv->id)) || (e = app_set(req, "Inv.Number", inv->number))
	    || (e = app_set(req, "Inv.Currency", inv->currency))
	    || (e = set_amount(req, "Inv.Total", inv, inv->total)) || (e = set_amount(req, "Inv.Paid", inv, inv->paid))
	    || (e = set_amount(req, "Inv.Balance", inv, !strcmp(inv->status, "open") ? inv->total - inv->paid : 0))
	    || (e = set_amount(req, "Inv.Credited", inv, inv->credited))
	    || (e = set_amount(req, "Inv.Left", inv, crd_left_total(inv))))
		return e;
	for (size_t i = 0; i < inv->nlines; i++) {
		const struct crd_line *l = &inv->lines[i];
		struct admin_line al = { l->position, l->description, l->unit_code, l->quantity, l->unit_price,
					 l->tax_rate, inv->exponent };

		if ((e = admin_line_hdf(req, "Lines", i, &al))
		    || (e = set_amount_at(req, "Lines", i, "Net", inv, l->net))
		    || (e = pdf_format_fixed6(crd_left_qty(l), 0, num, sizeof(num)))
		    || (e = app_set_at(req, "Lines", i, "LeftQty", num))
		    || (e = set_amount_at(req, "Lines", i, "LeftNet", inv, crd_left_net(l))))
			return e;
		if (!pg->in)
			continue;
		if ((e = app_set_at(req, "Lines", i, "Q", pg->in[i].q.raw ? pg->in[i].q.raw : ""))
		    || (e = app_set_at(req, "Lines", i, "A", pg->in[i].a.raw ? pg->in[i].a.raw : ""))
		    || (pg->in[i].qmsg && (e = app_set_at(req, "Lines", i, "QError", pg->in[i].qmsg)))
		    || (pg->in[i].amsg && (e = app_set_at(req, "Lines", i, "AError", pg->in[i].amsg))))
			return e;
	}
	return IE_OK;
}

static ierr load(struct req *req, struct page *pg)
{
	memset(pg, 0, sizeof(*pg));
	return crd_load(req->db, req->arena, req->ids[0], 0, &pg->inv);
}

/* The one-time key as posted (or a new one), and the version of the figures
 * the page shows: the database's now (a re-shown form shows current figures). */
static ierr keys_again(struct req *req, const struct page *pg)
{
	ierr e = admin_form_keys_again(req);

	return e ? e : app_set_int(req, "Form.RowVersion", pg->inv.row_version);
}

static ierr render_form(struct req *req, struct page *pg, int status)
{
	size_t errs = form_errors(pg->v, NF);
	ierr e;

	for (size_t i = 0; pg->in && i < pg->inv.nlines; i++)
		errs += (pg->in[i].qmsg != NULL) + (pg->in[i].amsg != NULL);
	if ((e = admin_layout(req, "invoices", "Create credit note")) || (e = invoice_hdf(req, pg))
	    || (e = form_hdf(req, "Form", credit_form, NF, req->method == APP_POST ? pg->v : NULL))
	    || (e = app_set_int(req, "Form.Errors", (long long)errs))
	    || (pg->problem && (e = app_set(req, "Form.Problem", pg->problem))))
		return e;
	if (req->method == APP_POST)
		e = keys_again(req, pg);
	else
		e = admin_form_keys(req, pg->inv.row_version);
	if (e)
		return e;
	return form_render(req, status, "admin_credit.cs");
}

static ierr credit_form_page(struct req *req)
{
	struct page pg;
	const char *no;
	ierr e;

	if ((e = load(req, &pg)))
		return e;
	if ((no = crd_refusal(&pg.inv)))
		return app_fail(req, IE_CONFLICT, no);
	return render_form(req, &pg, 200);
}

/* Reads the form: the fields, and each line's quantity or amount into picks.
 * IE_INVALID (after noting every message) when something is wrong. */
static ierr parse(struct req *req, struct page *pg)
{
	size_t n = pg->inv.nlines;
	int bad = 0;
	ierr e;

	e = form_parse(req, credit_form, NF, NULL, pg->v);
	if (e && e != IE_INVALID)
		return e;
	bad = e == IE_INVALID;
	pg->in = arena_alloc(req->arena, (n ? n : 1) * sizeof(*pg->in));
	pg->picks = arena_alloc(req->arena, (n ? n : 1) * sizeof(*pg->picks));
	pg->pick_line = arena_alloc(req->arena, (n ? n : 1) * sizeof(*pg->pick_line));
	if (!pg->in || !pg->picks || !pg->pick_line)
		return IE_NOMEM;
	for (size_t i = 0; i < n; i++) {
		struct pick_in *in = &pg->in[i];
		char key[32];

		snprintf(key, sizeof(key), "q_%d", pg->inv.lines[i].position);
		if ((e = form_parse_one(&qty_field, app_body_param(req, key), NULL, req->arena, &in->q)))
			return e;
		snprintf(key, sizeof(key), "a_%d", pg->inv.lines[i].position);
		if ((e = form_parse_one(&amt_field, app_body_param(req, key), pg->inv.currency, req->arena, &in->a)))
			return e;
		if (pg->v[F_FULL].i)
			continue;       /* the whole rest: the lines' inputs do not count */
		if (in->q.error)
			in->qmsg = arena_printf(req->arena, "%s %s.", qty_field.label, in->q.error);
		if (in->a.error)
			in->amsg = arena_printf(req->arena, "%s %s.", amt_field.label, in->a.error);
		else if (in->q.present && in->a.present)
			in->amsg = "A line is credited by quantity or by amount, not both.";
		if ((in->q.error && !in->qmsg) || (in->a.error && !in->amsg))
			return IE_NOMEM;
		bad |= in->qmsg || in->amsg;
		if (in->qmsg || in->amsg || (!in->q.present && !in->a.present))
			continue;
		/* "0" typed into a box means nothing for that line */
		if ((in->q.present && in->q.i == 0) || (in->a.present && in->a.i == 0))
			continue;
		pg->picks[pg->npicks].line = i;
		pg->picks[pg->npicks].by_amount = in->a.present;
		pg->picks[pg->npicks].quantity = in->q.i;
		pg->picks[pg->npicks].amount = in->a.i;
		pg->pick_line[pg->npicks++] = i;
	}
	return bad ? IE_INVALID : IE_OK;
}

/* A refusal of the rule: beside the pick's field, or about the whole form. */
static void place_refusal(struct page *pg, const char *why, size_t bad)
{
	if (bad < pg->npicks) {
		struct pick_in *in = &pg->in[pg->pick_line[bad]];

		if (pg->picks[bad].by_amount)
			in->amsg = why;
		else
			in->qmsg = why;
	} else {
		pg->problem = why;
	}
}

/* The confirmation: the credit note's lines and totals, and what it does to the balance. */
static ierr confirm_page(struct req *req, struct page *pg, const struct crd_plan *p)
{
	const struct crd_invoice *inv = &pg->inv;
	money_t open = !strcmp(inv->status, "open") && inv->total > inv->paid ? inv->total - inv->paid : 0;
	money_t applied = p->total < open ? p->total : open;
	ierr e;

	if ((e = admin_layout(req, "invoices", "Confirm credit note")) || (e = invoice_hdf(req, pg))
	    || (e = app_set(req, "Confirm", "1")) || (e = form_hdf(req, "Form", credit_form, NF, pg->v))
	    || (e = set_amount(req, "Plan.Net", inv, p->net)) || (e = set_amount(req, "Plan.Tax", inv, p->tax))
	    || (e = set_amount(req, "Plan.Total", inv, p->total)) || (e = set_amount(req, "Plan.Applied", inv, applied))
	    || (e = set_amount(req, "Plan.Unallocated", inv, p->total - applied))
	    || (e = set_amount(req, "Plan.BalanceAfter", inv, open - applied))
	    || (e = set_amount(req, "Plan.LeftAfter", inv, crd_left_total(inv) - p->total))
	    || (p->total > applied && (e = app_set(req, "Plan.Rest", "1"))))
		return e;
	for (size_t i = 0; i < p->nlines; i++) {
		const struct ied_line *l = &p->lines[i];
		struct admin_line al = { inv->lines[p->src[i].line].position, l->description, l->unit_code, l->quantity,
					 l->unit_price, l->tax_rate, inv->exponent };

		if ((e = admin_line_hdf(req, "Plan.Lines", i, &al))
		    || (e = set_amount_at(req, "Plan.Lines", i, "Net", inv, l->net))
		    || (e = set_amount_at(req, "Plan.Lines", i, "Tax", inv, l->tax)))
			return e;
	}
	if ((e = keys_again(req, pg)))
		return e;
	return form_render(req, 200, "admin_credit.cs");
}

struct tx_ctx {
	struct crd_ctx cx;
	struct crd_request rq;
	struct crd_result res;
};

static ierr credit_fn(struct db *db, void *ctx, char *result, size_t resultsz)
{
	struct tx_ctx *c = ctx;
	ierr e = crd_create_tx(db, &c->cx, &c->rq, &c->res);

	if (!e)
		snprintf(result, resultsz, "/invoices/%lld", c->res.credit_note_id);
	return e;
}

static ierr credit_post(struct req *req)
{
	struct page pg;
	struct crd_plan plan;
	struct tx_ctx c;
	const char *why, *confirm = app_body_param(req, "confirm");
	char where[256], today[11];
	size_t bad;
	int again;
	ierr e;

	if ((e = load(req, &pg)))
		return e;
	if (!admin_posted_version(req)) {
		req->error_param = "row_version";
		return app_fail(req, IE_INVALID, "The form has no row version; open the page again.");
	}
	if ((why = crd_refusal(&pg.inv)))
		return app_fail(req, IE_CONFLICT, why);
	e = parse(req, &pg);
	if (e == IE_INVALID)
		return render_form(req, &pg, 422);
	if (e)
		return e;
	e = crd_plan(req->arena, &pg.inv, (int)pg.v[F_FULL].i, pg.picks, pg.npicks, &plan, &why, &bad);
	if (e == IE_CONFLICT) {
		place_refusal(&pg, why, bad);
		return render_form(req, &pg, 422);
	}
	if (e)
		return e;
	if (!confirm || strcmp(confirm, "1"))
		return confirm_page(req, &pg, &plan);
	memset(&c, 0, sizeof(c));
	c.cx.user = &req->session.user;
	c.cx.address = req->remote_addr;
	if ((e = inv_today(pg.inv.time_zone, req->now, today)))
		return e;
	c.rq.invoice_id = pg.inv.id;
	c.rq.row_version = admin_posted_version(req);
	c.rq.full = (int)pg.v[F_FULL].i;
	c.rq.picks = pg.picks;
	c.rq.npicks = pg.npicks;
	c.rq.reason = pg.v[F_REASON].s;
	c.rq.date = today;
	c.rq.prefix = req->cfg->invoice_prefix[0] ? req->cfg->invoice_prefix : "INV";
	c.rq.credit_prefix = config_get(req->cfg, "Invoice.CreditPrefix", "CN");
	c.rq.notify = (int)pg.v[F_NOTIFY].i;
	if ((e = admin_seller_json(req, &c.rq.seller_json)))
		return e;
	e = once_run(req->db, app_body_param(req, "once"), req->session.user.id, "invoice.credit", credit_fn, &c,
		     where, sizeof(where), &again);
	if (e == IE_CONFLICT && c.cx.why) {
		/* the lock saw another state: the form again, from the database as it is now */
		struct page now;

		if ((e = load(req, &now)))
			return e;
		now.in = pg.in;
		memcpy(now.v, pg.v, sizeof(now.v));
		now.picks = pg.picks;
		now.npicks = pg.npicks;
		now.pick_line = pg.pick_line;
		place_refusal(&now, c.cx.why, c.cx.bad);
		return render_form(req, &now, 409);
	}
	return admin_once_answer(req, e, where);
}

/* ---------- the routes (invoice-admin.c's table lists them) ---------- */

ierr admin_credit_form(struct req *req) { return credit_form_page(req); }
ierr admin_credit_create(struct req *req) { return credit_post(req); }
