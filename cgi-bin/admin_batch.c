/*
 * admin_batch.c — the invoice list's batch actions for staff (the list's
 * check boxes post here, with the list's filter in the query string):
 *
 *   POST /admin/invoices/batch        action=issue: the confirmation page (changes nothing)
 *                                     action=zip:   the selected invoices' PDFs as one zip, streamed
 *                                     action=pdf:   one PDF with all their pages, for printing
 *   POST /admin/invoices/batch/issue  issues each selected draft in its own transaction
 *                                     (ied_issue_tx), then the result page
 *
 * The selection: the posted `id` values, or with all=1 every invoice the
 * list's filter matches, read again here with the same scope clause
 * (listq). Either way at most BATCH_MAX invoices (400 past it, with the
 * reason). With a customer filter (customer=), ids of another customer are
 * refused: the action never reaches past the list it was chosen from.
 *
 * Double posts: the confirmation form carries one one-time key for the batch;
 * each invoice's issue runs through once_run under a key derived from it
 * (BLAKE2b of the batch key and the id), so a repeat of the whole post
 * changes nothing and shows the same numbers; refusals are not stored (a
 * refused issue rolls back) and are found again the same way.
 */
#include <stdio.h>
#include <string.h>
#include <sodium.h>

#include "admin.h"
#include "config.h"
#include "db.h"
#include "invoice.h"
#include "invoice_edit.h"
#include "listq.h"
#include "log.h"
#include "money.h"
#include "once.h"
#include "pdf.h"
#include "zip.h"

#define BATCH_MAX 500

struct batch {
	struct listq lq;
	long long ids[BATCH_MAX];
	long long versions[BATCH_MAX];   /* from the confirmation form (0: not checked) */
	size_t n, max;            /* max: Batch.Max (1..BATCH_MAX, default BATCH_MAX) */
	int over;                 /* more than max were chosen */
};

static ierr batch_add(struct batch *b, long long id)
{
	for (size_t i = 0; i < b->n; i++)
		if (b->ids[i] == id)
			return IE_OK;
	if (b->n == b->max) {
		b->over = 1;
		return IE_OK;
	}
	b->ids[b->n++] = id;
	return IE_OK;
}

static ierr add_posted(struct req *req, const struct app_value *v, void *ctx)
{
	(void)req;
	return v->i > 0 ? batch_add(ctx, v->i) : IE_INVALID;
}

static ierr add_row(void *ctx, const struct listq_row *row)
{
	return batch_add(ctx, row->id);
}

/* Every invoice the list's filter matches (page 1, BATCH_MAX + 1 rows). */
static ierr batch_all(struct req *req, const struct auth_scope *scope, struct batch *b)
{
	struct listq_sql sql;
	struct inv_zones zones;
	char names[LISTQ_NAMES_SIZE];
	ierr e;

	b->lq.count_cap = req->cfg->list_count_cap;
	b->lq.deep_offset = req->cfg->list_deep_offset;
	b->lq.search_scan = req->cfg->list_search_scan;
	b->lq.search_count_cap = req->cfg->list_search_count_cap;
	b->lq.search_names = req->cfg->list_search_names;
	b->lq.name_seek_from = req->cfg->list_name_seek_from;
	b->lq.page = 1;
	b->lq.per_page = (long long)b->max + 1;
	if ((e = inv_zones_load(req->db, req->arena, scope->customer_id, req->cfg->time_zone, req->now, &zones))
	    || (e = listq_search_plan(req->db, req->memo, &b->lq, names))
	    || (e = listq_build_zones(&b->lq, scope, &zones, &sql)))
		return e;
	e = listq_rows(req->db, &sql, &b->lq, add_row, b);
	listq_sql_free(&sql);
	return e;
}

/* The confirmation form's selection: ids=1,2,3 and vers=4,1,2 (one field
 * each, so 500 invoices stay far below Limits.Params). */
static ierr batch_list(struct batch *b, const char *ids, const char *vers)
{
	char tmp[24];

	while (*ids) {
		size_t k = strcspn(ids, ",");
		long long id;

		if (k == 0 || k >= sizeof(tmp))
			return IE_INVALID;
		memcpy(tmp, ids, k);
		tmp[k] = '\0';
		if (str_to_i64(tmp, 1, 1LL << 53, &id))
			return IE_INVALID;
		batch_add(b, id);
		ids += k + (ids[k] == ',');
	}
	for (size_t i = 0; vers && *vers && i < b->n; i++) {
		size_t k = strcspn(vers, ",");

		if (k == 0 || k >= sizeof(tmp))
			return IE_INVALID;
		memcpy(tmp, vers, k);
		tmp[k] = '\0';
		if (str_to_i64(tmp, 0, 1LL << 53, &b->versions[i]))
			return IE_INVALID;
		vers += k + (vers[k] == ',');
	}
	return IE_OK;
}

/* The selection of this request (see the top of the file). */
static ierr batch_read(struct req *req, const struct auth_scope *scope, struct batch *b)
{
	const char *all = app_body_param(req, "all"), *ids = app_body_param(req, "ids");
	long long max = BATCH_MAX;
	ierr e;

	memset(b, 0, sizeof(*b));
	if (str_to_i64(config_get(req->cfg, "Batch.Max", "500"), 1, BATCH_MAX, &max))
		max = BATCH_MAX;
	b->max = (size_t)max;
	if ((e = listq_parse(req, &b->lq)))
		return e;
	if (all && !strcmp(all, "1"))
		e = batch_all(req, scope, b);
	else if (ids)
		e = batch_list(b, ids, app_body_param(req, "vers"));
	else
		e = app_field_each(req, "id", app_v_uint, add_posted, b);
	if (e == IE_INVALID && !req->error_param) {
		req->error_param = "id";
		return app_fail(req, IE_INVALID, "An invoice id is not a number.");
	}
	if (e)
		return e;
	if (b->over) {
		req->error_param = all ? "all" : "id";
		return app_fail(req, IE_INVALID,
				arena_printf(req->arena, "More than %zu invoices are selected: a batch takes at most %zu. "
					     "Narrow the filter.", b->max, b->max));
	}
	if (b->n == 0) {
		req->error_param = "id";
		return app_fail(req, IE_INVALID, "No invoice is selected: tick at least one row.");
	}
	return IE_OK;
}

/* The list the batch came from, to go back to. */
static ierr set_back(struct req *req, const struct batch *b)
{
	struct buf u = BUF_INIT;
	ierr e = listq_url(&b->lq, "/invoices", &u) ?: app_set(req, "Batch.BackURL", u.data);

	buf_clear(&u);
	if (!e)
		e = listq_url(&b->lq, "/admin/invoices/batch/issue", &u) ?: app_set(req, "Batch.IssueURL", u.data);
	buf_free(&u);
	return e;
}

static const char *label_of(struct arena *a, long long id, const char *number)
{
	return number && number[0] ? number : arena_printf(a, "Draft #%lld", id);
}

/* ---------- batch issue ---------- */

/* The confirmation: every selected invoice, what will happen to it. */
static ierr issue_confirm(struct req *req, struct batch *b)
{
	struct arena *a = arena_new();
	struct buf ids = BUF_INIT, vers = BUF_INIT;
	size_t drafts = 0;
	ierr e = a ? IE_OK : IE_NOMEM;

	for (size_t i = 0; !e && i < b->n; i++) {
		struct ied_draft d;
		struct ied_customer c;
		const char *note = "";

		arena_reset(a);
		e = ied_draft_get(req->db, a, b->ids[i], &d);
		if (!e || e == IE_NOTFOUND)
			e = buf_puts(&ids, i ? "," : "") ?: buf_put_int(&ids, b->ids[i]) ?: buf_puts(&vers, i ? "," : "")
			    ?: buf_put_int(&vers, e == IE_NOTFOUND ? 0 : d.row_version) ?: e;
		if (e == IE_NOTFOUND) {
			e = app_set_at_int(req, "Batch.Items", i, "Id", b->ids[i])
			    ?: app_set_at(req, "Batch.Items", i, "Label", arena_printf(a, "#%lld", b->ids[i]))
			    ?: app_set_at(req, "Batch.Items", i, "Note", "No such invoice: it will be refused.");
			continue;
		}
		if (e || (e = ied_customer_get(req->db, a, d.customer_id, &c)))
			break;
		if (b->lq.customer && d.customer_id != b->lq.customer)
			note = "Another customer's invoice: it will be refused.";
		else if (strcmp(d.status, "draft"))
			note = "Not a draft: it will be refused.";
		else
			drafts++;
		e = app_set_at_int(req, "Batch.Items", i, "Id", d.id)
		    ?: app_set_at(req, "Batch.Items", i, "Label", label_of(a, d.id, d.number))
		    ?: app_set_at(req, "Batch.Items", i, "Customer", c.name)
		    ?: app_set_at(req, "Batch.Items", i, "Date", d.invoice_date)
		    ?: app_set_at_int(req, "Batch.Items", i, "Version", d.row_version)
		    ?: app_set_at(req, "Batch.Items", i, "Note", note);
	}
	if (a)
		arena_free(a);
	if (!e)
		e = app_set(req, "Batch.Ids", ids.data ? ids.data : "") ?: app_set(req, "Batch.Versions", vers.data ? vers.data : "");
	buf_free(&ids);
	buf_free(&vers);
	if (e || (e = admin_layout(req, "invoices", "Issue the selected invoices"))
	    || (e = app_set_int(req, "Batch.Count", (long long)b->n))
	    || (e = app_set_int(req, "Batch.Drafts", (long long)drafts)) || (e = set_back(req, b))
	    || (e = admin_form_keys(req, 0)))
		return e;
	return app_render(req, "admin_batch_confirm.cs");
}

struct issue_ctx {
	struct ied_ctx cx;
	struct ied_issue is;
};

static ierr issue_fn(struct db *db, void *ctx, char *result, size_t resultsz)
{
	struct issue_ctx *c = ctx;
	ierr e = ied_issue_tx(db, &c->cx, &c->is);

	if (!e)
		snprintf(result, resultsz, "%s", c->is.number);
	return e;
}

/* The per-invoice key: BLAKE2b-256(batch key ":" id) in hex. */
static void item_key(const char *batch_key, long long id, char out[ONCE_KEY_LEN + 1])
{
	unsigned char h[32];
	char in[ONCE_KEY_LEN + 24];
	int n = snprintf(in, sizeof(in), "%s:%lld", batch_key, id);

	crypto_generichash(h, sizeof(h), (const unsigned char *)in, (size_t)n, NULL, 0);
	sodium_bin2hex(out, ONCE_KEY_LEN + 1, h, sizeof(h));
}

static const char *refusal_text(const struct issue_ctx *c, ierr e)
{
	if (e == IE_NOTFOUND)
		return "No such invoice.";
	if (e == IE_INVALID)
		return c->cx.why ? c->cx.why : "The invoice is not valid for issuing.";
	switch (c->cx.refusal) {
	case IED_STATUS:
		return "Not a draft: only drafts can be issued.";
	case IED_VERSION:
		return "The draft changed after the confirmation page was made: open it and issue it again.";
	case IED_EMPTY:
		return "The draft has no lines.";
	default:
		return c->cx.why ? c->cx.why : "This invoice cannot be issued.";
	}
}

static ierr issue_one(struct req *req, const struct batch *b, const char *batch_key, const char *seller,
		      int notify, size_t i, const char **number, const char **why)
{
	struct issue_ctx c;
	struct ied_draft d;
	char key[ONCE_KEY_LEN + 1], result[64];
	long long id = b->ids[i], version = b->versions[i];
	int again;
	ierr e;

	*number = *why = NULL;
	memset(&c, 0, sizeof(c));
	e = ied_draft_get(req->db, req->arena, id, &d);
	if (e == IE_NOTFOUND) {
		*why = "No such invoice.";
		return IE_OK;
	}
	if (e)
		return e;
	if (b->lq.customer && d.customer_id != b->lq.customer) {
		*why = "Another customer's invoice: not in the list the batch was chosen from.";
		return IE_OK;
	}
	c.cx.user = &req->session.user;
	c.cx.address = req->remote_addr;
	c.is.id = id;
	c.is.row_version = version;
	c.is.prefix = req->cfg->invoice_prefix[0] ? req->cfg->invoice_prefix : "INV";
	c.is.credit_prefix = config_get(req->cfg, "Invoice.CreditPrefix", "CN");
	c.is.seller_json = seller;
	c.is.notify = notify;
	item_key(batch_key, id, key);
	e = once_run(req->db, key, req->session.user.id, "batch.issue", issue_fn, &c, result, sizeof(result),
		     &again);
	if (!e) {
		*number = arena_strdup(req->arena, result);
		return *number ? IE_OK : IE_NOMEM;
	}
	if (e == IE_CONFLICT || e == IE_INVALID || e == IE_NOTFOUND) {
		*why = refusal_text(&c, e);
		return IE_OK;
	}
	return e;
}

ierr admin_batch_issue(struct req *req)
{
	struct auth_scope scope = auth_scope_of(&req->session.user);
	struct batch *b = arena_alloc(req->arena, sizeof(*b));
	const char *key = app_body_param(req, "once"), *notify = app_body_param(req, "notify"), *seller;
	size_t ok = 0, bad = 0;
	ierr e;

	if (!b)
		return IE_NOMEM;
	if (!once_valid(key ? key : "")) {
		req->error_param = "once";
		return app_fail(req, IE_INVALID, "The form's one-time key is missing or malformed; open the page again.");
	}
	if ((e = batch_read(req, &scope, b)) || (e = admin_seller_json(req, &seller)))
		return e;
	for (size_t i = 0; i < b->n; i++) {
		const char *number, *why;

		if ((e = issue_one(req, b, key, seller, notify && !strcmp(notify, "1"), i, &number, &why)))
			return e;
		if (number) {
			e = app_set_at_int(req, "Batch.Issued", ok, "Id", b->ids[i])
			    ?: app_set_at(req, "Batch.Issued", ok, "Number", number);
			ok++;
		} else {
			e = app_set_at_int(req, "Batch.Refused", bad, "Id", b->ids[i])
			    ?: app_set_at(req, "Batch.Refused", bad, "Reason", why);
			bad++;
		}
		if (e)
			return e;
	}
	if ((e = admin_layout(req, "invoices", "Batch issue: result"))
	    || (e = app_set_int(req, "Batch.IssuedCount", (long long)ok))
	    || (e = app_set_int(req, "Batch.RefusedCount", (long long)bad)) || (e = set_back(req, b)))
		return e;
	return app_render(req, "admin_batch_result.cs");
}

/* ---------- downloads ---------- */

static void batch_pdf_opts(struct req *req, struct pdf_opts *o)
{
	static const char *const keys[PDF_MAX_FALLBACK] = {
		"PDF.FallbackFont.0", "PDF.FallbackFont.1", "PDF.FallbackFont.2", "PDF.FallbackFont.3",
	};
	int any = 0;

	memset(o, 0, sizeof(*o));
	o->paper = req->cfg->paper;
	o->font_path = config_get(req->cfg, "PDF.Font", INVOICE_DATADIR "/fonts/invoice-sans.ttf");
	o->title_prefix = "Invoice";
	for (size_t i = 0; i < PDF_MAX_FALLBACK; i++)
		any |= (o->fallback_fonts[i] = config_get(req->cfg, keys[i], NULL)) != NULL;
	if (!any) {
		o->fallback_fonts[0] = INVOICE_DATADIR "/fonts/invoice-sans-extra.ttf";
		o->fallback_fonts[1] = INVOICE_DATADIR "/fonts/invoice-cjk.ttf";
	}
}

static ierr zip_to_req(void *ctx, const void *p, size_t n)
{
	return app_write(ctx, p, n);
}

/* The PDFs as the customer gets them (the same document as /invoices/{id}.pdf
 * renders), within scope; every id is checked before the first byte goes out,
 * so a refusal is a proper 404, not a broken archive. */
static ierr batch_zip(struct req *req, const struct auth_scope *scope, const struct batch *b)
{
	struct arena *a = arena_new();
	struct inv_seller seller;
	struct pdf_opts o;
	struct buf pdf = BUF_INIT;
	struct zip z;
	char disp[96], day[11];
	int zipping = 0;
	ierr e = a ? IE_OK : IE_NOMEM;

	for (size_t i = 0; !e && i < b->n; i++) {
		struct invoice inv;

		arena_reset(a);
		e = invoice_load(req->db, a, scope, b->ids[i], req->now, 1, &inv);
		if (!e && b->lq.customer && inv.customer_id != b->lq.customer)
			e = IE_NOTFOUND;
		if (e == IE_NOTFOUND)
			e = app_fail(req, IE_NOTFOUND,
				     arena_printf(req->arena, "Invoice #%lld is not in this list.", b->ids[i]));
	}
	if (e)
		goto out;
	invoice_seller(req->cfg, &seller);
	batch_pdf_opts(req, &o);
	if ((e = inv_today(req->cfg->time_zone, req->now, day)))
		goto out;
	snprintf(disp, sizeof(disp), "attachment; filename=\"invoices-%s.zip\"", day);
	if ((e = app_header(req, "Content-Type", "application/zip"))
	    || (e = app_header(req, "Content-Disposition", disp))
	    || (e = app_header(req, "Cache-Control", "private, no-store")) || (e = app_stream(req)))
		goto out;
	zip_init(&z, zip_to_req, req, req->now);
	zipping = 1;
	for (size_t i = 0; !e && i < b->n; i++) {
		struct invoice inv;
		char name[64], base[48];

		arena_reset(a);
		buf_clear(&pdf);
		if ((e = invoice_load(req->db, a, scope, b->ids[i], req->now, 1, &inv))
		    || (e = pdf_invoice(&inv, &seller, &o, &pdf)))
			break;
		if (inv.number[0])
			snprintf(base, sizeof(base), "%s", inv.number);
		else
			snprintf(base, sizeof(base), "draft-%lld", inv.id);
		zip_safe_name(base, ".pdf", name, sizeof(name));
		e = zip_add(&z, name, pdf.data, pdf.len);
	}
	if (!e)
		e = zip_finish(&z);
out:
	if (zipping)
		zip_free(&z);
	buf_free(&pdf);
	if (a)
		arena_free(a);
	return e;
}

/* One PDF with every selected invoice's pages, for printing (rendered: the
 * stored PDFs of issued invoices cannot be joined without a PDF merger).
 * libharu builds the document whole, so this one is sent in one piece. */
static ierr batch_pdf(struct req *req, const struct auth_scope *scope, const struct batch *b)
{
	const struct invoice **invs = arena_alloc(req->arena, b->n * sizeof(*invs));
	struct inv_seller seller;
	struct pdf_opts o;
	struct buf pdf = BUF_INIT;
	char disp[96], day[11];
	ierr e = invs ? IE_OK : IE_NOMEM;

	for (size_t i = 0; !e && i < b->n; i++) {
		struct invoice *inv = arena_alloc(req->arena, sizeof(*inv));

		if (!inv) {
			e = IE_NOMEM;
			break;
		}
		e = invoice_load(req->db, req->arena, scope, b->ids[i], req->now, 1, inv);
		if (!e && b->lq.customer && inv->customer_id != b->lq.customer)
			e = IE_NOTFOUND;
		if (e == IE_NOTFOUND)
			e = app_fail(req, IE_NOTFOUND,
				     arena_printf(req->arena, "Invoice #%lld is not in this list.", b->ids[i]));
		invs[i] = inv;
	}
	if (e)
		goto out;
	invoice_seller(req->cfg, &seller);
	batch_pdf_opts(req, &o);
	if ((e = inv_today(req->cfg->time_zone, req->now, day)) || (e = pdf_invoices(invs, b->n, &seller, &o, &pdf)))
		goto out;
	snprintf(disp, sizeof(disp), "inline; filename=\"invoices-%s.pdf\"", day);
	if ((e = app_header(req, "Content-Type", "application/pdf"))
	    || (e = app_header(req, "Content-Disposition", disp))
	    || (e = app_header(req, "Cache-Control", "private, no-store")))
		goto out;
	e = app_write(req, pdf.data, pdf.len);
out:
	buf_free(&pdf);
	return e;
}

ierr admin_batch(struct req *req)
{
	struct auth_scope scope = auth_scope_of(&req->session.user);
	struct batch *b = arena_alloc(req->arena, sizeof(*b));
	const char *action = app_body_param(req, "action");
	ierr e;

	if (!b)
		return IE_NOMEM;
	if (!action || (strcmp(action, "issue") && strcmp(action, "zip") && strcmp(action, "pdf"))) {
		req->error_param = "action";
		return app_fail(req, IE_INVALID,
				"Choose what to do with the selected invoices: issue, download as zip, or one PDF to print.");
	}
	if (!strcmp(action, "issue") && !auth_allowed(req->session.user.role, ACT_INVOICE_WRITE))
		return app_fail(req, IE_DENIED, "Your role may not issue invoices.");
	if ((e = batch_read(req, &scope, b)))
		return e;
	if (!strcmp(action, "issue"))
		return issue_confirm(req, b);
	if (!strcmp(action, "pdf"))
		return batch_pdf(req, &scope, b);
	return batch_zip(req, &scope, b);
}
