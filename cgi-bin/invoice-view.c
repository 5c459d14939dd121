/*
 * invoice-view — GET /invoices/{id}: one invoice as a document.
 *
 * Scoped like every single-invoice query (invoice_load with the user's
 * auth_scope): another customer's invoice, or a draft for a customer, is a
 * 404 that looks exactly like a missing id. `?print=1` renders the same
 * template as a clean document (no navigation, no actions) for the browser's
 * print; the normal page carries an @media print stylesheet as well.
 *
 * Nothing here computes money: amounts come from lib/ and are only formatted.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "admin.h"
#include "app.h"
#include "config.h"
#include "credit.h"
#include "invoice.h"
#include "invoice_edit.h"
#include "db.h"
#include "link.h"
#include "link_views.h"
#include "listq.h"
#include "einvoice.h"
#include "outbox.h"
#include "pdf.h"

#define LINK_DAYS 30

/* "a – b", one date when both are equal or one is missing, "" when none. */
static const char *period_text(struct req *req, const char *a, const char *b)
{
	int ha = a && *a, hb = b && *b;

	if (!ha && !hb)
		return "";
	if (!ha || !hb || !strcmp(a, b))
		return ha ? a : b;
	return arena_printf(req->arena, "%s \xe2\x80\x93 %s", a, b);
}

/* money_format, or without the code for table cells (the header names the currency). */
static ierr amount(const struct invoice *inv, money_t v, int with_code, char *out, size_t outsz)
{
	ierr e = money_format(v, inv->currency, out, outsz);
	char *sp;

	if (!e && !with_code && (sp = strrchr(out, ' ')))
		*sp = '\0';
	return e;
}

static ierr set_amount(struct req *req, const char *key, const struct invoice *inv, money_t v)
{
	char text[64];
	ierr e = amount(inv, v, 1, text, sizeof(text));

	return e ? e : app_set(req, key, text);
}

static ierr set_amount_at(struct req *req, const char *prefix, size_t i, const char *field,
			  const struct invoice *inv, money_t v, int with_code)
{
	char text[64];
	ierr e = amount(inv, v, with_code, text, sizeof(text));

	return e ? e : app_set_at(req, prefix, i, field, text);
}

/* Splits text into Prefix.0, Prefix.1 ... at newlines, or at ", " when it is one line. */
static ierr set_lines(struct req *req, const char *prefix, const char *text)
{
	const char *sep = strchr(text, '\n') ? "\n" : ", ";
	size_t n = 0, seplen = strlen(sep);
	ierr e = IE_OK;

	while (!e && *text) {
		const char *end = strstr(text, sep);
		size_t len = end ? (size_t)(end - text) : strlen(text);
		char *part = arena_strndup(req->arena, text, len);

		if (!part)
			return IE_NOMEM;
		for (size_t k = strlen(part); k && (part[k - 1] == '\r' || part[k - 1] == ' '); k--)
			part[k - 1] = '\0';
		if (*part)
			e = app_set_at(req, prefix, n++, NULL, part);
		text += len + (end ? seplen : 0);
	}
	return e;
}

/* "DE89370400440532013000" -> "DE89 3704 0044 0532 0130 00" */
static ierr set_seller(struct req *req)
{
	struct inv_seller s;
	const char *logo = config_get(req->cfg, "Seller.Logo", "");
	const char *iban;
	ierr e;

	invoice_seller(req->cfg, &s);
	if (!(iban = inv_iban_grouped(req->arena, s.iban)))
		return IE_NOMEM;
	if ((e = app_set(req, "Seller.Name", s.name)) || (e = set_lines(req, "Seller.Address", s.address))
	    || (e = app_set(req, "Seller.TaxId", s.tax_id)) || (e = app_set(req, "Seller.IBAN", iban))
	    || (e = app_set(req, "Seller.BIC", s.bic)) || (e = app_set(req, "Seller.Email", s.email))
	    || (e = app_set(req, "Seller.Phone", s.phone)) || (e = app_set(req, "Seller.Website", s.website)))
		return e;
	/* a logo is an image of this site (CSP img-src 'self'): a path under /static/ only */
	if (!strncmp(logo, "/static/", 8) && !strstr(logo, "..") && !strpbrk(logo, "\"'<> ?#\\"))
		e = app_set(req, "Seller.Logo", logo);
	return e;
}

static ierr set_buyer(struct req *req, const struct invoice *inv)
{
	const struct inv_party *b = &inv->buyer;
	const char *name = *b->legal_name ? b->legal_name : b->name;
	const char *city = *b->post_code ? arena_printf(req->arena, "%s %s", b->post_code, b->city) : b->city;
	const char *land = *b->region && *b->country ? arena_printf(req->arena, "%s, %s", b->region, b->country)
			   : *b->region ? b->region : b->country;
	ierr e;

	if (!city || !land)
		return IE_NOMEM;
	if ((e = app_set(req, "Buyer.Name", name)) || (e = app_set(req, "Buyer.Street", b->street))
	    || (e = app_set(req, "Buyer.Line2", b->address_line2)) || (e = app_set(req, "Buyer.City", city))
	    || (e = app_set(req, "Buyer.Country", land))
	    || (e = app_set(req, "Buyer.VatId", b->vat_id)) || (e = app_set(req, "Buyer.Email", b->email)))
		return e;
	/* the trading name, when the legal name differs from it */
	if (*b->legal_name && strcmp(b->legal_name, b->name) && (e = app_set(req, "Buyer.TradeName", b->name)))
		return e;
	return IE_OK;
}

static ierr set_header(struct req *req, const struct invoice *inv)
{
	int credit = !strcmp(inv->kind, "credit");
	int draft = inv->shown == INV_DRAFT;
	const char *doc = credit ? "Credit note" : "Invoice";
	const char *number = draft ? arena_printf(req->arena, "Draft #%lld", inv->id) : inv->number;
	const char *title = draft ? number : arena_printf(req->arena, "%s %s", doc, inv->number);
	ierr e;

	if (!number || !title)
		return IE_NOMEM;
	if ((e = app_set(req, "Page.Title", title)) || (e = app_set_int(req, "Inv.Id", inv->id))
	    || (e = app_set(req, "Inv.Doc", doc)) || (e = app_set(req, "Inv.Number", number))
	    || (e = app_set(req, "Inv.Status", inv_shown_name(inv->shown)))
	    || (e = app_set(req, "Inv.StatusKey", inv_shown_class(inv->shown)))
	    || (e = app_set(req, "Inv.PaidState", inv_paid_state(inv->status, inv->kind, inv->paid)))
	    || (e = app_set(req, "Inv.Date", inv->invoice_date)) || (e = app_set(req, "Inv.Due", inv->due_date))
	    || (e = app_set(req, "Inv.Period", period_text(req, inv->period_start, inv->period_end)))
	    || (e = app_set(req, "Inv.Currency", inv->currency))
	    || (e = app_set(req, "Inv.BuyerRef", inv->buyer_reference))
	    || (e = app_set(req, "Inv.Notes", inv->notes))
	    || (e = app_set(req, "Inv.Means", inv_payment_label(inv->payment_means))))
		return e;
	if ((draft && (e = app_set(req, "Inv.Draft", "1")))
	    || (credit && (e = app_set(req, "Inv.Credit", "1")))
	    || (credit && (e = app_set(req, "Inv.Credited", inv->credited_number)))
	    || (credit && (e = app_set_int(req, "Inv.CreditedId", inv->credited_id)))
	    || (inv->shown == INV_CANCEL && (e = app_set(req, "Inv.Void", "1")))
	    || (inv->shown == INV_CANCEL && (e = app_set(req, "Inv.VoidedOn", inv->voided_at)))
	    || (*inv->issued_at && (e = app_set(req, "Inv.IssuedAt", inv->issued_at))))
		return e;
	/* what is still to pay, and how: issued invoices with an open balance */
	if ((inv->shown == INV_DUE || inv->shown == INV_PARTIAL || inv->shown == INV_OVERDUE) && inv->balance > 0
	    && (e = app_set(req, "Inv.Open", "1")))
		return e;
	if (inv->shown == INV_OVERDUE && (e = app_set(req, "Inv.Overdue", "1")))
		return e;
	return IE_OK;
}

static ierr set_body(struct req *req, const struct invoice *inv)
{
	char num[64];
	size_t i;
	ierr e;

	for (i = 0; i < inv->nlines; i++) {
		const struct inv_line *l = &inv->lines[i];
		/* a line billed for the invoice's own period needs no period of its own (as on the PDF) */
		int own = strcmp(l->period_start, inv->period_start) || strcmp(l->period_end, inv->period_end);
		const char *period = own ? period_text(req, l->period_start, l->period_end) : "";

		if (!period)
			return IE_NOMEM;
		if (*period && ((e = app_set_at(req, "Lines", i, "Period", period)) || (e = app_set(req, "Inv.LinePeriods", "1"))))
			return e;
		struct admin_line al = { l->position, l->description, l->unit_code, l->quantity, l->unit_price,
					 l->tax_rate, inv->exponent };

		if ((e = admin_line_hdf(req, "Lines", i, &al))
		    || (e = app_set_at(req, "Lines", i, "TaxDesc", l->tax_description))
		    || (e = set_amount_at(req, "Lines", i, "Net", inv, l->net, 0))
		    || (e = set_amount_at(req, "Lines", i, "Tax", inv, l->tax, 0))
		    || (e = set_amount_at(req, "Lines", i, "Gross", inv, l->gross, 0)))
			return e;
	}
	for (i = 0; i < inv->ntaxes; i++) {
		const struct inv_tax_total *t = &inv->taxes[i];

		if ((e = pdf_format_rate(t->rate, num, sizeof(num)))
		    || (e = app_set_at(req, "Taxes", i, "Rate", num))
		    || (e = app_set_at(req, "Taxes", i, "Category", t->vat_category))
		    || (e = app_set_at(req, "Taxes", i, "CategoryName", inv_vat_category_name(t->vat_category)))
		    /* the exemption reason, unless it only repeats the category's name */
		    || (strcasecmp(t->exemption_reason, inv_vat_category_name(t->vat_category))
			&& (e = app_set_at(req, "Taxes", i, "Reason", t->exemption_reason)))
		    || (e = set_amount_at(req, "Taxes", i, "Net", inv, t->net, 0))
		    || (e = set_amount_at(req, "Taxes", i, "Tax", inv, t->tax, 0)))
			return e;
	}
	if ((e = set_amount(req, "Totals.Net", inv, inv->net_total)) || (e = set_amount(req, "Totals.Tax", inv, inv->tax_total))
	    || (e = set_amount(req, "Totals.Total", inv, inv->total)) || (e = set_amount(req, "Totals.Paid", inv, inv->paid))
	    || (e = set_amount(req, "Totals.Balance", inv, inv->balance)))
		return e;
	for (i = 0; i < inv->npayments; i++) {
		const struct inv_payment *p = &inv->payments[i];

		if ((e = app_set_at(req, "Payments", i, "Date", p->date))
		    || (e = app_set_at(req, "Payments", i, "Method", inv_payment_label(p->method)))
		    || (e = app_set_at(req, "Payments", i, "Reference", p->reference))
		    || (e = set_amount_at(req, "Payments", i, "Amount", inv, p->amount, 1)))
			return e;
	}
	for (i = 0; i < inv->nfields; i++)
		if ((e = app_set_at(req, "Fields", i, "Label", inv->fields[i].label))
		    || (e = app_set_at(req, "Fields", i, "Value", inv->fields[i].value)))
			return e;
	return IE_OK;
}

/* An invoice's credit notes (CreditNotes.N.Id / Number / Date / Status / Total /
 * Applied), and what is still uncredited: Can.Credit for staff who may write. */
struct notes_fill {
	struct req *req;
	const struct invoice *inv;
	size_t n;
	money_t credited;
};

static ierr add_note(void *ctx, const struct crd_note *cn)
{
	struct notes_fill *f = ctx;
	struct req *req = f->req;
	int issued = strcmp(cn->status, "void") != 0;
	ierr e;

	if ((e = app_set_at_int(req, "CreditNotes", f->n, "Id", cn->id))
	    || (e = app_set_at(req, "CreditNotes", f->n, "Number", cn->number))
	    || (e = app_set_at(req, "CreditNotes", f->n, "Date", cn->date))
	    || (e = app_set_at(req, "CreditNotes", f->n, "Status", issued ? "Credit note" : "Cancelled"))
	    || (e = set_amount_at(req, "CreditNotes", f->n, "Total", f->inv, cn->total, 0))
	    || (e = set_amount_at(req, "CreditNotes", f->n, "Applied", f->inv, cn->applied, 0)))
		return e;
	f->n++;
	if (issued)
		f->credited += cn->total;
	return IE_OK;
}

static ierr set_credit_notes(struct req *req, const struct invoice *inv, int can_write)
{
	struct notes_fill f = { req, inv, 0, 0 };
	ierr e;

	if (strcmp(inv->kind, "invoice") || inv->shown == INV_DRAFT)
		return IE_OK;
	if ((e = crd_notes_each(req->db, inv->id, add_note, &f)))
		return e;
	if (can_write && (!strcmp(inv->status, "open") || !strcmp(inv->status, "paid")) && f.credited < inv->total
	    && (e = app_set(req, "Can.Credit", "1")))
		return e;
	return IE_OK;
}

/* Staff: a signed PDF link for an issued invoice (30 days, or ?link_days=N), to paste into a mail. */
static ierr set_share_link(struct req *req, const struct invoice *inv, long long days)
{
	struct link l = { inv->id, req->now + days * 86400, inv->link_epoch };
	char token[LINK_TOKEN_LEN + 1], until[11];
	const char *base = req->cfg->base_url;
	size_t blen = strlen(base);
	ierr e;

	if (!req->cfg->has_secret || inv->shown == INV_DRAFT)
		return IE_OK;
	if ((e = link_sign(req->cfg->secret, &l, token, sizeof(token)))
	    || (e = inv_today(req->cfg->time_zone, l.expires, until)))
		return e;
	while (blen && base[blen - 1] == '/')
		blen--;
	if ((e = app_setf(req, "Share.URL", "%.*s/d/%s", (int)blen, base, token))
	    || (e = app_set(req, "Share.Until", until)) || (e = app_set_int(req, "Share.Days", days)))
		return e;
	return IE_OK;
}

/* Staff with write rights: the edit link and the allowed next states
 * (ied_transition decides; void also needs nothing allocated). */
static ierr set_admin_actions(struct req *req, const struct invoice *inv)
{
	static const struct {
		enum ied_action a;
		const char *path, *label;
	} acts[] = {
		{ IED_EDIT, "edit", "Edit" }, { IED_ISSUE, "issue", "Issue" },
		{ IED_VOID, "void", "Void" }, { IED_DISCARD, "discard", "Discard draft" },
	};
	const char *to, *why;
	size_t n = 0;
	ierr e;

	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		if (ied_transition(inv->status, acts[i].a, &to, &why) || (acts[i].a == IED_VOID && inv->paid != 0))
			continue;
		if ((e = app_set_at(req, "AdminActions", n, "URL",
				    arena_printf(req->arena, "/admin/invoices/%lld/%s", inv->id, acts[i].path)))
		    || (e = app_set_at(req, "AdminActions", n, "Label", acts[i].label))
		    || (e = app_set_at(req, "AdminActions", n, "Key", acts[i].path)))
			return e;
		n++;
	}
	if (inv->shown != INV_DRAFT && (e = app_set(req, "Can.Links", "1")))
		return e;
	return IE_OK;
}

/* Staff: the invoice's notifications (outbox.h) with a re-send form for
 * admin and billing, and its downloads through signed links (link_views.h). */
struct rows_ctx {
	struct req *req;
	size_t n;
};

static ierr mail_row(void *ctx, const struct db_res *r)
{
	struct rows_ctx *x = ctx;
	size_t i = x->n++;
	ierr e;

	if ((e = app_set_at_int(x->req, "Mail", i, "Id", db_int(r, 0))) || (e = app_set_at(x->req, "Mail", i, "Kind", db_str(r, 1)))
	    || (e = app_set_at(x->req, "Mail", i, "To", db_str(r, 2))) || (e = app_set_at(x->req, "Mail", i, "Status", db_str(r, 3)))
	    || (e = app_set_at_int(x->req, "Mail", i, "Attempts", db_int(r, 4)))
	    || (e = app_set_at(x->req, "Mail", i, "Error", db_str(r, 5))) || (e = app_set_at(x->req, "Mail", i, "Queued", db_str(r, 6)))
	    || (e = app_set_at(x->req, "Mail", i, "Sent", db_str(r, 7))) || (e = app_set_at(x->req, "Mail", i, "Subject", db_str(r, 8))))
		return e;
	return IE_OK;
}

static ierr view_row(void *ctx, const struct db_res *r)
{
	struct rows_ctx *x = ctx;
	size_t i = x->n++;
	ierr e;

	if ((e = app_set_at(x->req, "LinkViews", i, "When", db_str(r, 0))) || (e = app_set_at(x->req, "LinkViews", i, "Address", db_str(r, 1))))
		return e;
	return IE_OK;
}

static ierr set_mail_and_views(struct req *req, const struct invoice *inv)
{
	struct rows_ctx m = { req, 0 }, v = { req, 0 };
	long long total = 0;
	ierr e;

	if ((e = outbox_history(req->db, inv->id, mail_row, &m)) || (e = linkview_each(req->db, inv->id, 20, view_row, &v, &total))
	    || (e = app_set_int(req, "LinkViewsTotal", total)))
		return e;
	if (m.n && auth_allowed(req->session.user.role, ACT_INVOICE_WRITE)
	    && ((e = app_set(req, "Can.Resend", "1")) || (e = admin_form_keys(req, 0))))
		return e;
	return IE_OK;
}

static ierr view(struct req *req)
{
	static const struct app_field fields[] = { { "print", app_v_uint, 0 }, { "link_days", app_v_uint, 0 } };
	const struct auth_user *u = &req->session.user;
	struct auth_scope scope = auth_scope_of(u);
	struct app_value v[2];
	struct invoice inv;
	long long id = req->ids[0], days = LINK_DAYS;
	int print;
	ierr e;

	if ((e = app_fields(req, fields, 2, v)))
		return e;
	if (v[1].present && (v[1].i < 1 || v[1].i > 3650)) {
		req->error_param = "link_days";
		return app_fail(req, IE_INVALID, "The link's validity must be 1 to 3650 days.");
	}
	if (v[1].present)
		days = v[1].i;
	if ((v[0].present && v[0].i != 1) || app_param_count(req, "print") > 1) {
		req->error_param = "print";
		return app_fail(req, IE_INVALID, "The parameter \"print\" can only be 1 (the print layout).");
	}
	print = v[0].present;
	/* outside the scope this is IE_NOTFOUND: app renders the same 404 as for a missing id */
	if ((e = invoice_load(req->db, req->arena, &scope, id, req->now, 0, &inv)))
		return e;
	if ((e = set_header(req, &inv)) || (e = set_seller(req)) || (e = set_buyer(req, &inv))
	    || (e = set_body(req, &inv))
	    || (e = set_credit_notes(req, &inv, !print && scope.customer_id == 0
					 && auth_allowed(u->role, ACT_INVOICE_WRITE))))
		return e;
	if ((e = app_setf(req, "Act.PDF", "/invoices/%lld.pdf", inv.id))
	    || (e = app_setf(req, "Act.CSV", "/invoices/%lld.csv", inv.id))
	    || (e = app_setf(req, "Act.Print", "/invoices/%lld?print=1", inv.id)))
		return e;
	/* e-invoices exist for issued documents only (a draft has no number, a
	 * cancelled one would read as payable);
	 * the customer's format (sql/0025) is marked, XRechnung offered to its customers */
	if (!strcmp(inv.status, "open") || !strcmp(inv.status, "paid")) {
		enum einv_syntax syn;

		if ((e = einv_customer_syntax(req->db, inv.customer_id, &syn))
		    || (e = app_setf(req, "Act.UBL", "/invoices/%lld.xml", inv.id))
		    || (e = app_setf(req, "Act.CII", "/invoices/%lld.cii.xml", inv.id))
		    || (e = app_set(req, "Act.EDefault", syn == EINV_CII ? "cii" : syn == EINV_XRECHNUNG ? "xrechnung" : "peppol"))
		    || (syn == EINV_XRECHNUNG && (e = app_setf(req, "Act.XRechnung", "/invoices/%lld.xrechnung.xml", inv.id))))
			return e;
	}
	if (print)
		e = app_set(req, "Print", "1");
	else if (scope.customer_id == 0) {
		if ((e = app_set(req, "Staff", "1")) || (e = app_setf(req, "Act.Customer", "/invoices?customer=%lld", inv.customer_id))
		    || (e = set_share_link(req, &inv, days)))
			return e;
		if (auth_allowed(u->role, ACT_INVOICE_WRITE) || auth_allowed(u->role, ACT_PAYMENT_WRITE))
			e = app_set(req, "Can.Admin", "1");
		if (!e && auth_allowed(u->role, ACT_INVOICE_WRITE))
			e = set_admin_actions(req, &inv);
		/* payments (admin_payments.c): every staff role views them, payment writers record */
		if (!e && inv.shown != INV_DRAFT)
			e = app_setf(req, "Act.Payments", "/admin/invoices/%lld/payments", inv.id);
		if (!e && inv.shown != INV_DRAFT && !strcmp(inv.kind, "invoice") && !strcmp(inv.status, "open")
		    && auth_allowed(u->role, ACT_PAYMENT_WRITE))
			e = app_set(req, "Can.RecordPayment", "1");
		if (!e)
			e = admin_history_hdf(req, "invoice", inv.id);   /* the admin pages' history (admin_common.c) */
		if (!e)
			e = set_mail_and_views(req, &inv);
	}
	if (e)
		return e;
	return app_render(req, "invoice_view.cs");
}

static const struct app_route routes[] = {
	{ APP_GET, "/invoices/{id}", ACT_INVOICE_READ, view },
};

static const struct app_def def = { "invoice-view", routes, sizeof(routes) / sizeof(routes[0]), NULL };

int main(int argc, char **argv)
{
	return app_main(argc, argv, &def);
}
