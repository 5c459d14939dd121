/* admin_mail.c — POST /admin/invoices/{id}/resend: queue one of the invoice's
 * notifications again (admin and billing; CSRF, one-time key, audited). */
#include <stdio.h>
#include "admin.h"
#include "outbox.h"

struct resend_ctx {
	struct req *req;
	long long invoice_id, outbox_id;
	int no_address;
};

static ierr resend_tx(struct db *db, void *ctx, char *result, size_t resultsz)
{
	struct resend_ctx *c = ctx;
	long long id = 0;
	ierr e = outbox_resend_in(db, &c->req->session.user, c->req->remote_addr, c->invoice_id, c->outbox_id, &id);
	int n;

	if (e == IE_CONFLICT)
		c->no_address = 1;
	if (e)
		return e;
	n = snprintf(result, resultsz, "/invoices/%lld#notifications", c->invoice_id);
	return n < 0 || (size_t)n >= resultsz ? IE_OVERFLOW : IE_OK;
}

ierr admin_invoice_resend(struct req *req)
{
	struct resend_ctx c = { req, req->ids[0], 0, 0 };
	const char *o = app_body_param(req, "outbox");
	char where[256];
	int again;
	ierr e;

	if (!o || str_to_i64(o, 1, 1LL << 53, &c.outbox_id)) {
		req->error_param = "outbox";
		return app_fail(req, IE_INVALID, "Say which message to send again.");
	}
	e = admin_once(req, "invoice.resend", resend_tx, &c, where, sizeof(where), &again);
	if (e == IE_CONFLICT && c.no_address)
		return app_fail(req, e, "The customer has no e-mail address now: add one first.");
	if (e)
		return admin_refused(req, e, "There is no such message for this invoice.");
	return app_redirect(req, 303, where);
}
