/*
 * invoice-pdf — GET /invoices/{id}.pdf, GET /invoices/{id}.csv (detailed),
 * GET /invoices/{id}.xml (UBL, Peppol BIS 3.0), /invoices/{id}.cii.xml
 * (CII) and /invoices/{id}.xrechnung.xml (UBL, XRechnung) of issued invoices
 * and credit notes, GET /d/{token} (signed link, no login).
 * Issued invoices are immutable: their PDF is rendered once per state and
 * paid amount, stored with the invoice and served from storage afterwards.
 * With PDF.Files and PDF.AccelRedirect set, a stored PDF also gets a file
 * copy and downloads answer with headers only: nginx sends the file
 * (X-Accel-Redirect), so the bytes cross neither MariaDB nor FastCGI.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include "app.h"
#include "config.h"
#include "csv.h"
#include "einvoice.h"
#include "invoice.h"
#include "link.h"
#include "link_views.h"
#include "log.h"
#include "pdf.h"

#ifndef INVOICE_DATADIR
#define INVOICE_DATADIR "."
#endif

/* "INV-2026-000001" or "draft-12", safe inside a quoted header value */
static void file_name(const char *number, long long id, const char *ext, char *out, size_t outsz)
{
	size_t o = 0;

	if (!number[0]) {
		snprintf(out, outsz, "draft-%lld.%s", id, ext);
		return;
	}
	for (; *number && o + 1 < outsz; number++)
		out[o++] = strchr("\"\\/;", *number) || (unsigned char)*number < 0x20 ? '_' : *number;
	out[o] = '\0';
	snprintf(out + o, outsz - o, ".%s", ext);
}

static ierr file_headers(struct req *req, const char *type, const char *name, const char *etag)
{
	char disp[160], tag[72];
	ierr e;

	snprintf(disp, sizeof(disp), "attachment; filename=\"%s\"", name);
	if ((e = app_header(req, "Content-Type", type)) || (e = app_header(req, "Content-Disposition", disp)))
		return e;
	/* like the pages: invoices are personal data, kept by no cache or browser
	 * store (link downloads have no session, so the program's default does
	 * not apply); a void or a payment changes the file anyway */
	if ((e = app_header(req, "Cache-Control", "private, no-store")))
		return e;
	if (etag) {
		snprintf(tag, sizeof(tag), "\"%s\"", etag);
		if ((e = app_header(req, "ETag", tag)))
			return e;
	}
	return IE_OK;
}

static ierr send_file(struct req *req, const char *type, const char *name, const struct buf *body,
		      const char *etag)
{
	ierr e = file_headers(req, type, name, etag);

	return e ? e : app_write(req, body->data, body->len);
}

/* File copies served by the web server: both keys set (Apache has no X-Accel). */
static int accel_on(const struct config *cfg)
{
	return cfg->pdf_files[0] && cfg->pdf_accel[0];
}

/* Headers only, the same as a direct download; nginx's internal location
 * sends <PDF.Files>/<id>-<etag>.pdf and re-adds what its redirect drops. */
static ierr send_accel(struct req *req, const char *name, const struct inv_pdf_state *st)
{
	char file[96], uri[384];
	ierr e;

	/* the name comes from a validated id and a hex etag only */
	if ((e = inv_pdf_file_name(st->id, st->etag, file, sizeof(file))))
		return e;
	snprintf(uri, sizeof(uri), "%s%s", req->cfg->pdf_accel, file);
	if ((e = file_headers(req, "application/pdf", name, st->etag)))
		return e;
	return app_header(req, "X-Accel-Redirect", uri);
}

/* Writes the file copy of a stored PDF. A failure is logged, never fatal:
 * the caller sends the bytes itself and the next download tries again. */
static void keep_file(struct req *req, long long id, const char *etag, const struct buf *pdf)
{
	ierr e = inv_pdf_file_write(req->cfg->pdf_files, id, etag, pdf);

	if (e)
		log_msg(req->log, "invoice-pdf file write", "invoice-pdf: cannot write the file of invoice %lld (%s) in %s: %s",
			id, ierr_name(e), req->cfg->pdf_files, e == IE_IO ? strerror(errno) : "bad name");
}

static void drop_file(struct req *req, long long id, const char *etag)
{
	if (inv_pdf_file_remove(req->cfg->pdf_files, id, etag))
		log_msg(req->log, "invoice-pdf file remove", "invoice-pdf: cannot remove %s/%lld-%s.pdf: %s",
			req->cfg->pdf_files, id, etag, strerror(errno));
}

static int not_modified(struct req *req, const char *etag)
{
	const char *inm = app_env(req, "HTTP_IF_NONE_MATCH");
	char tag[72];

	if (!inm || !etag[0])
		return 0;
	snprintf(tag, sizeof(tag), "\"%s\"", etag);
	return strstr(inm, tag) != NULL || !strcmp(inm, "*");
}

static void etag_of(const struct buf *b, char out[65])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, (const unsigned char *)b->data, b->len);
	sodium_bin2hex(out, 65, h, 16);   /* 128 bits name a rendering well enough */
}

/* PDF.FallbackFont.0, .1, ...; none set: the installed extra and CJK fonts. */
static void pdf_fallback_fonts(struct req *req, struct pdf_opts *o)
{
	static const char *const keys[PDF_MAX_FALLBACK] = {
		"PDF.FallbackFont.0", "PDF.FallbackFont.1", "PDF.FallbackFont.2", "PDF.FallbackFont.3",
	};
	size_t i;
	int any = 0;

	for (i = 0; i < PDF_MAX_FALLBACK; i++)
		any |= (o->fallback_fonts[i] = config_get(req->cfg, keys[i], NULL)) != NULL;
	if (!any) {
		o->fallback_fonts[0] = INVOICE_DATADIR "/fonts/invoice-sans-extra.ttf";
		o->fallback_fonts[1] = INVOICE_DATADIR "/fonts/invoice-cjk.ttf";
	}
}

static ierr render(struct req *req, const struct auth_scope *scope, long long id, struct buf *out)
{
	struct invoice inv;
	struct inv_seller seller;
	struct pdf_opts o;
	ierr e;

	/* the PDF is the document as the customer gets it, whoever downloads it
	 * (it is stored and may be served to the customer or a link holder) */
	if ((e = invoice_load(req->db, req->arena, scope, id, req->now, 1, &inv)))
		return e;
	invoice_seller(req->cfg, &seller);
	o.paper = req->cfg->paper;
	o.font_path = config_get(req->cfg, "PDF.Font", INVOICE_DATADIR "/fonts/invoice-sans.ttf");
	o.title_prefix = "Invoice";
	pdf_fallback_fonts(req, &o);
	return pdf_invoice(&inv, &seller, &o, out);
}

/* The PDF of one invoice within scope, from storage when it is current.
 * With a link, the link's epoch must still be the invoice's. */
static ierr serve_pdf(struct req *req, const struct auth_scope *scope, long long id, const struct link *l)
{
	struct inv_pdf_state st;
	struct buf pdf = BUF_INIT;
	char name[64], etag[65];
	int revalidating = app_env(req, "HTTP_IF_NONE_MATCH") != NULL;
	int files = accel_on(req->cfg);
	ierr e;

	/* a revalidation needs only the tag; a download takes the file in the same
	 * query, unless the web server sends it from its file copy */
	e = invoice_pdf_state(req->db, scope, id, req->now, &st, revalidating || files ? NULL : &pdf);
	if (e == IE_NOTFOUND && l)
		e = app_fail(req, IE_NOTFOUND, "This download link is not valid.");
	if (e)
		goto out;
	if (l && st.link_epoch != l->epoch) {
		e = app_fail(req, IE_GONE, "This download link has been withdrawn. Please ask for a new one.");
		goto out;
	}
	file_name(st.number, st.id, "pdf", name, sizeof(name));
	if (inv_pdf_fresh(&st)) {
		if (not_modified(req, st.etag)) {
			char tag[72];

			snprintf(tag, sizeof(tag), "\"%s\"", st.etag);
			req->status = 304;
			if (!(e = app_header(req, "ETag", tag)))
				e = app_header(req, "Cache-Control", "private, no-store");
			goto out;
		}
		if (files && inv_pdf_file_exists(req->cfg->pdf_files, st.id, st.etag)) {
			e = send_accel(req, name, &st);
			goto out;
		}
		if (!pdf.len && (e = invoice_pdf_fetch(req->db, st.id, &pdf)) && e != IE_NOTFOUND)
			goto out;
		if (pdf.len) {
			if (files) {
				/* a file's name must name its bytes: the blob came in a second
				 * query, and a concurrent rendering may have replaced it */
				etag_of(&pdf, etag);
				if (!strcmp(etag, st.etag))
					keep_file(req, st.id, st.etag, &pdf);
			}
			e = send_file(req, "application/pdf", name, &pdf, st.etag);
			goto out;
		}
	}
	/* drafts every time; issued invoices once per state */
	buf_clear(&pdf);
	e = render(req, scope, id, &pdf);
	if (e)
		goto out;
	if (inv_pdf_want(&st)) {
		etag_of(&pdf, etag);
		if ((e = invoice_pdf_store(req->db, &st, &pdf, etag)))
			goto out;
		if (files) {
			keep_file(req, st.id, etag, &pdf);
			if (st.etag[0] && strcmp(st.etag, etag))
				drop_file(req, st.id, st.etag);
		}
		e = send_file(req, "application/pdf", name, &pdf, etag);
	} else {
		e = send_file(req, "application/pdf", name, &pdf, NULL);
	}
out:
	buf_free(&pdf);
	return e;
}

static ierr invoice_pdf(struct req *req)
{
	struct auth_scope scope = auth_scope_of(&req->session.user);

	return serve_pdf(req, &scope, req->ids[0], NULL);
}

static ierr invoice_csv(struct req *req)
{
	struct auth_scope scope = auth_scope_of(&req->session.user);
	struct invoice inv;
	struct buf csv = BUF_INIT;
	char name[64];
	ierr e;

	if ((e = invoice_load(req->db, req->arena, &scope, req->ids[0], req->now, 0, &inv)))
		return e;
	file_name(inv.number, inv.id, "csv", name, sizeof(name));
	/* a BOM so spreadsheet programs read the names as UTF-8 */
	e = buf_puts(&csv, "\xEF\xBB\xBF");
	if (!e)
		e = csv_invoice(&inv, &csv);
	if (!e)
		e = send_file(req, "text/csv; charset=utf-8", name, &csv, NULL);
	buf_free(&csv);
	return e;
}

/* The e-invoice of an issued invoice or credit note, in the PDF's scope
 * (another customer's invoice, or a draft for a customer: 404); staff asking
 * for a draft's get 409 (no number, so no e-invoice), everyone asking for a
 * cancelled invoice's too. */
static ierr serve_einvoice(struct req *req, enum einv_syntax syntax)
{
	struct auth_scope scope = auth_scope_of(&req->session.user);
	struct einv_doc d;
	struct einv_problem p;
	struct buf xml = BUF_INIT;
	char name[64];
	ierr e;

	e = einv_load(req->db, req->arena, req->cfg, &scope, req->ids[0], req->now, &d, &p);
	if (!e && syntax == EINV_UBL)
		e = einv_check(&d, EINV_PEPPOL, &p);   /* the Peppol document's own rules */
	if (e == IE_CONFLICT && !*p.rule)
		return app_fail(req, IE_CONFLICT, p.message);
	if (e == IE_CONFLICT)
		return app_fail(req, IE_CONFLICT, arena_printf(req->arena, "This document cannot be an EN 16931 "
							       "e-invoice. %s", p.message));
	if (e)
		return e;
	file_name(d.inv->number, d.inv->id, einv_suffix(syntax) + 1, name, sizeof(name));
	e = einv_write(&d, syntax, &xml);
	if (!e)
		e = send_file(req, "application/xml; charset=utf-8", name, &xml, NULL);
	buf_free(&xml);
	return e;
}

static ierr invoice_ubl(struct req *req)
{
	return serve_einvoice(req, EINV_UBL);
}

static ierr invoice_cii(struct req *req)
{
	return serve_einvoice(req, EINV_CII);
}

static ierr invoice_xrechnung(struct req *req)
{
	return serve_einvoice(req, EINV_XRECHNUNG);
}

/* GET /d/{token}: one issued invoice's PDF for whoever holds a valid link. */
static ierr download(struct req *req)
{
	static const struct auth_scope issued_only = { 0, 0 };
	struct link l;
	ierr e;

	if (!req->cfg->has_secret)
		return app_fail(req, IE_NOTFOUND, "Download links are not enabled on this site.");
	e = link_verify(req->cfg->secret, req->words[0], req->now, &l);
	if (e == IE_GONE)
		return app_fail(req, IE_GONE, "This download link has expired. Please ask for a new one.");
	if (e)
		return app_fail(req, IE_NOTFOUND, "This download link is not valid.");
	/* recorded for staff and rate-limited (link_views.h) */
	e = linkview_note(req->db, req->cfg, l.invoice_id, req->remote_addr);
	if (e == IE_THROTTLED)
		return app_fail(req, e, "Too many downloads in a short time. Please try again in a few minutes.");
	if (e)
		return e;
	return serve_pdf(req, &issued_only, l.invoice_id, &l);
}

static const struct app_route routes[] = {
	{ APP_GET, "/invoices/{id}.pdf", ACT_INVOICE_READ, invoice_pdf },
	{ APP_GET, "/invoices/{id}.csv", ACT_INVOICE_READ, invoice_csv },
	{ APP_GET, "/invoices/{id}.xml", ACT_INVOICE_READ, invoice_ubl },
	{ APP_GET, "/invoices/{id}.cii.xml", ACT_INVOICE_READ, invoice_cii },
	{ APP_GET, "/invoices/{id}.xrechnung.xml", ACT_INVOICE_READ, invoice_xrechnung },
	{ APP_GET, "/d/{tok}", ACT_PUBLIC, download },
};

static const struct app_def def = { "invoice-pdf", routes, sizeof(routes) / sizeof(routes[0]), NULL };

int main(int argc, char **argv)
{
	return app_main(argc, argv, &def);
}
