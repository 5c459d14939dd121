/* outbox.c — queueing, claiming and rendering customer notifications (see outbox.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ClearSilver.h>
#include <sodium.h>
#include "audit.h"
#include "auth.h"
#include "config.h"
#include "db.h"
#include "invoice.h"
#include "link.h"
#include "mail.h"
#include "money.h"
#include "outbox.h"
#include "tmpl.h"

static const char *const kind_names[OUTBOX__KINDS] = {
	[OUTBOX_INVOICE_ISSUED] = "invoice_issued",
	[OUTBOX_INVOICE_VOIDED] = "invoice_voided",
	[OUTBOX_CREDIT_NOTE] = "credit_note",
	[OUTBOX_PAYMENT_RECEIVED] = "payment_received",
};

const char *outbox_kind_name(enum outbox_kind k)
{
	return (unsigned)k < OUTBOX__KINDS ? kind_names[k] : "";
}

ierr outbox_dedupe_key(enum outbox_kind k, long long invoice_id, long long ref_id, char *out, size_t outsz)
{
	int n;

	if ((unsigned)k >= OUTBOX__KINDS || invoice_id < 1 || (k == OUTBOX_PAYMENT_RECEIVED && ref_id < 1))
		return IE_INVALID;
	if (k == OUTBOX_PAYMENT_RECEIVED)
		n = snprintf(out, outsz, "%s:%lld:%lld", kind_names[k], ref_id, invoice_id);
	else
		n = snprintf(out, outsz, "%s:%lld", kind_names[k], invoice_id);
	return n < 0 || (size_t)n >= outsz ? IE_OVERFLOW : IE_OK;
}

ierr outbox_queue(struct db *db, enum outbox_kind k, long long invoice_id, long long ref_id, int *queued)
{
	char key[100];
	unsigned long long n = 0;
	ierr e;

	if ((e = outbox_dedupe_key(k, invoice_id, ref_id, key, sizeof(key))))
		return e;
	/* the customer's wish per kind; issued documents only; an address needed */
	e = db_exec(db, "INSERT IGNORE INTO outbox (kind, dedupe_key, customer_id, invoice_id, to_address, subject, body) "
		    "SELECT ?, ?, c.id, i.id, c.email, CONCAT(CASE ? WHEN 'invoice_voided' THEN 'Cancelled: ' "
		    "WHEN 'payment_received' THEN 'Payment received: ' ELSE '' END, "
		    "IF(i.kind = 'credit', 'Credit note ', 'Invoice '), i.number), '' "
		    "FROM invoices i JOIN customers c ON c.id = i.customer_id "
		    "WHERE i.id = ? AND i.status <> 'draft' AND c.email <> '' "
		    "AND (CASE ? WHEN 'invoice_issued' THEN 1 WHEN 'credit_note' THEN 1 "
		    "WHEN 'payment_received' THEN c.notify_payment ELSE c.notify_issued END) = 1",
		    DB_ARGS(DB_S(kind_names[k]), DB_S(key), DB_S(kind_names[k]), DB_I(invoice_id), DB_S(kind_names[k])),
		    &n, NULL);
	if (!e && queued)
		*queued = n > 0;
	return e;
}

long outbox_backoff(unsigned attempts, long base_s)
{
	long s = base_s > 0 ? base_s : 60;
	unsigned i;

	for (i = 1; i < attempts && s < 6 * 3600; i++)
		s *= 2;
	return s < 6 * 3600 ? s : 6 * 3600;
}

static ierr cfg_long(const struct config *cfg, const char *key, long def, long min, long max, long *out)
{
	const char *s = config_get(cfg, key, NULL);
	long long v = def;

	if (s && *s && str_to_i64(s, min, max, &v))
		return IE_INVALID;
	*out = (long)v;
	return IE_OK;
}

ierr outbox_cfg_load(const struct config *cfg, struct outbox_cfg *oc)
{
	const char *seller_email = config_get(cfg, "Seller.Email", "");
	const char *seller_name = config_get(cfg, "Seller.Name", cfg->site_name);
	ierr e;

	oc->sendmail = config_get(cfg, "Mail.Sendmail", "/usr/sbin/sendmail -t -i");
	oc->from = config_get(cfg, "Mail.From", seller_email[0] ? seller_email : "invoices@localhost");
	oc->from_name = config_get(cfg, "Mail.FromName", seller_name);
	if ((e = cfg_long(cfg, "Mail.TimeoutSeconds", 60, 1, 3600, &oc->timeout_s))
	    || (e = cfg_long(cfg, "Mail.LeaseSeconds", 600, 2, 86400, &oc->lease_s))
	    || (e = cfg_long(cfg, "Mail.RetrySeconds", 60, 1, 86400, &oc->retry_s))
	    || (e = cfg_long(cfg, "Mail.MaxAttempts", 8, 1, 100, &oc->max_attempts))
	    || (e = cfg_long(cfg, "Mail.LinkDays", 30, 1, 3650, &oc->link_days))
	    || (e = cfg_long(cfg, "Mail.Batch", 200, 1, 100000, &oc->batch)))
		return e;
	if (oc->lease_s <= oc->timeout_s)
		oc->lease_s = oc->timeout_s + 60;
	return mail_address_ok(oc->from) ? IE_OK : IE_INVALID;
}

void outbox_row_free(struct outbox_row *r)
{
	buf_free(&r->body);
}

/* ---- claiming ---- */

#define OUTBOX_ROW_COLS "id, COALESCE(invoice_id, 0), COALESCE(customer_id, 0), attempts, " \
	"UNIX_TIMESTAMP(created_at), kind, to_address, subject, body"

static ierr row_read(const struct db_res *r, struct outbox_row *row)
{
	ierr e;

	row->id = db_int(r, 0);
	row->invoice_id = db_int(r, 1);
	row->customer_id = db_int(r, 2);
	row->attempts = (unsigned)db_int(r, 3);
	row->created = (time_t)db_int(r, 4);
	str_copy(row->kind, sizeof(row->kind), db_str(r, 5));
	str_copy(row->to, sizeof(row->to), db_str(r, 6));
	str_copy(row->subject, sizeof(row->subject), db_str(r, 7));
	buf_clear(&row->body);
	e = buf_puts(&row->body, db_str(r, 8));
	return e;
}

struct claim {
	const struct outbox_cfg *oc;
	struct outbox_row *row;
	unsigned interrupted;
	int got;
};

static ierr claim_tx(struct db *db, void *ctx)
{
	struct claim *c = ctx;
	struct db_res r;
	long long id;
	int handed_expired;
	ierr e;

	c->got = 0;
	/* one status per statement: each reads ix_outbox_due (status, next_attempt_at, id)
	 * in order and stops at the first row no other run holds; an IN list would
	 * sort, reading (and locking) every due row first */
	e = db_query_row(db, &r, "SELECT id, handed_at IS NOT NULL FROM outbox "
			 "WHERE status = 'sending' AND next_attempt_at <= NOW() "
			 "ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED", DB_NOARGS);
	if (e == IE_NOTFOUND) {
		db_free(&r);
		e = db_query_row(db, &r, "SELECT id, 0 FROM outbox WHERE status = 'queued' AND next_attempt_at <= NOW() "
				 "ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED", DB_NOARGS);
	}
	id = e ? 0 : db_int(&r, 0);
	handed_expired = e ? 0 : (int)db_int(&r, 1);
	db_free(&r);
	if (e)
		return e;
	if (handed_expired) {
		c->interrupted++;
		return db_exec(db, "UPDATE outbox SET status = 'failed', handed_at = NULL, "
			       "last_error = 'interrupted while handing to sendmail: it may have gone out, so it is "
			       "not sent again automatically' WHERE id = ?", DB_ARGS(DB_I(id)), NULL, NULL);
	}
	if ((e = db_exec(db, "UPDATE outbox SET status = 'sending', attempts = attempts + 1, handed_at = NULL, "
			 "next_attempt_at = NOW() + INTERVAL ? SECOND WHERE id = ?",
			 DB_ARGS(DB_I(c->oc->lease_s), DB_I(id)), NULL, NULL)))
		return e;
	e = db_query_row(db, &r, "SELECT " OUTBOX_ROW_COLS " FROM outbox WHERE id = ?", DB_ARGS(DB_I(id)));
	if (!e)
		e = row_read(&r, c->row);
	db_free(&r);
	c->got = !e;
	return e;
}

ierr outbox_claim(struct db *db, const struct outbox_cfg *oc, struct outbox_row *row, unsigned *interrupted)
{
	struct claim c = { oc, row, 0, 0 };
	ierr e;

	/* an interrupted row is settled in its own transaction; then look again */
	do {
		unsigned before = c.interrupted;

		e = db_tx(db, claim_tx, &c);
		if (e || c.got || c.interrupted == before)
			break;
	} while (1);
	if (interrupted)
		*interrupted += c.interrupted;
	return e;
}

struct peek {
	ierr (*fn)(void *ctx, struct outbox_row *row);
	void *ctx;
	struct outbox_row row;
};

static ierr peek_row(void *ctx, const struct db_res *r)
{
	struct peek *p = ctx;
	ierr e = row_read(r, &p->row);

	return e ? e : p->fn(p->ctx, &p->row);
}

ierr outbox_peek(struct db *db, long limit, ierr (*fn)(void *ctx, struct outbox_row *row), void *ctx)
{
	struct peek p = { fn, ctx, { 0 } };
	struct db_res r;
	ierr e;

	e = db_query(db, &r, "SELECT " OUTBOX_ROW_COLS " FROM outbox "
		     "WHERE (status = 'queued' OR (status = 'sending' AND handed_at IS NULL)) "
		     "AND next_attempt_at <= NOW() ORDER BY next_attempt_at, id LIMIT ?", DB_ARGS(DB_I(limit)));
	if (!e)
		e = db_each(&r, peek_row, &p);
	db_free(&r);
	outbox_row_free(&p.row);
	return e;
}

ierr outbox_handed(struct db *db, const struct outbox_row *row)
{
	unsigned long long n = 0;
	ierr e = db_exec(db, "UPDATE outbox SET handed_at = NOW() WHERE id = ? AND status = 'sending' AND attempts = ?",
			 DB_ARGS(DB_I(row->id), DB_I(row->attempts)), &n, NULL);

	return e ? e : n ? IE_OK : IE_CONFLICT;
}

ierr outbox_done(struct db *db, const struct outbox_cfg *oc, const struct outbox_row *row, const char *err)
{
	if (!err)
		return db_exec(db, "UPDATE outbox SET status = 'sent', sent_at = NOW(), last_error = '' "
			       "WHERE id = ? AND status = 'sending' AND attempts = ?",
			       DB_ARGS(DB_I(row->id), DB_I(row->attempts)), NULL, NULL);
	return db_exec(db, "UPDATE outbox SET status = IF(attempts >= ?, 'failed', 'queued'), handed_at = NULL, "
		       "last_error = LEFT(?, 500), next_attempt_at = NOW() + INTERVAL ? SECOND "
		       "WHERE id = ? AND status = 'sending' AND attempts = ?",
		       DB_ARGS(DB_I(oc->max_attempts), DB_S(err), DB_I(outbox_backoff(row->attempts, oc->retry_s)),
			       DB_I(row->id), DB_I(row->attempts)), NULL, NULL);
}

/* ---- rendering ---- */

static ierr hset(HDF *hdf, const char *key, const char *value)
{
	NEOERR *err = hdf_set_value(hdf, key, value ? value : "");

	if (!err)
		return IE_OK;
	nerr_ignore(&err);
	return IE_NOMEM;
}

static ierr hset_money(HDF *hdf, const char *key, money_t v, const char *currency)
{
	char s[64];
	ierr e = money_format(v, currency, s, sizeof(s));

	return e ? e : hset(hdf, key, s);
}

/* Mail.* data of an invoice row: what the templates show. */
static ierr fill_invoice(struct db *db, const struct config *cfg, const struct outbox_cfg *oc, HDF *hdf,
			 const struct outbox_row *row, time_t now)
{
	struct auth_scope scope = { row->customer_id, 0 };
	struct arena *a = arena_new();
	struct invoice inv;
	char token[LINK_TOKEN_LEN + 1], url[600];
	ierr e;

	if (!a)
		return IE_NOMEM;
	if ((e = invoice_load(db, a, &scope, row->invoice_id, now, 1, &inv)))
		goto out;
	if ((e = hset(hdf, "Mail.Number", inv.number)) || (e = hset(hdf, "Mail.Credit", strcmp(inv.kind, "credit") ? "" : "1"))
	    || (e = hset(hdf, "Mail.Customer", inv.buyer.name)) || (e = hset(hdf, "Mail.Status", inv_shown_name(inv.shown)))
	    || (e = hset(hdf, "Mail.InvoiceDate", inv.invoice_date)) || (e = hset(hdf, "Mail.DueDate", inv.due_date))
	    || (e = hset_money(hdf, "Mail.Total", inv.total, inv.currency))
	    || (e = hset_money(hdf, "Mail.Paid", inv.paid, inv.currency))
	    || (e = hset_money(hdf, "Mail.Balance", inv.balance, inv.currency)))
		goto out;
	snprintf(url, sizeof(url), "%s/portal", cfg->base_url);
	if ((e = hset(hdf, "Mail.PortalURL", url)))
		goto out;
	if (cfg->has_secret) {
		struct link l = { inv.id, now + (time_t)oc->link_days * 86400, inv.link_epoch };

		if ((e = link_sign(cfg->secret, &l, token, sizeof(token))))
			goto out;
		snprintf(url, sizeof(url), "%s/d/%s", cfg->base_url, token);
		if ((e = hset(hdf, "Mail.PdfURL", url)))
			goto out;
		snprintf(url, sizeof(url), "%ld", oc->link_days);
		e = hset(hdf, "Mail.LinkDays", url);
	}
out:
	arena_free(a);
	return e;
}

static ierr render_parts(struct tmpl *text, struct tmpl *html, HDF *hdf, struct buf *t, struct buf *h)
{
	ierr e = tmpl_render(text, "mail_text.cs", hdf, t);

	return e ? e : tmpl_render(html, "mail_html.cs", hdf, h);
}

ierr outbox_message(struct db *db, const struct config *cfg, const struct outbox_cfg *oc, struct tmpl *text,
		    struct tmpl *html, const struct outbox_row *row, time_t now, struct buf *out)
{
	struct buf t = BUF_INIT, h = BUF_INIT;
	char mid[300], boundary[40], rnd[20];
	unsigned char raw[9];
	const char *domain = strchr(oc->from, '@') + 1;
	HDF *hdf = NULL;
	NEOERR *err;
	ierr e = IE_OK;

	snprintf(mid, sizeof(mid), "outbox-%lld.%lld@%s", row->id, (long long)row->created, domain);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(rnd, sizeof(rnd), raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	snprintf(boundary, sizeof(boundary), "=_inv_%s", rnd);
	if (row->invoice_id) {
		if ((err = hdf_init(&hdf))) {
			nerr_ignore(&err);
			return IE_NOMEM;
		}
		if ((e = hset(hdf, "Mail.Kind", row->kind)) || (e = hset(hdf, "Site.Name", cfg->site_name))
		    || (e = hset(hdf, "Mail.FromName", oc->from_name))
		    || (e = fill_invoice(db, cfg, oc, hdf, row, now)) || (e = render_parts(text, html, hdf, &t, &h)))
			goto out;
	} else if ((e = buf_put(&t, row->body.data ? row->body.data : "", row->body.len))) {
		goto out;
	}
	{
		struct mail_msg m = { oc->from_name, oc->from, row->to, row->subject, mid, now, boundary,
				      t.data ? t.data : "", h.data };

		e = mail_compose(&m, out);
	}
out:
	if (hdf)
		hdf_destroy(&hdf);
	buf_free(&t);
	buf_free(&h);
	return e;
}

/* ---- staff ---- */

ierr outbox_history(struct db *db, long long invoice_id, ierr (*fn)(void *ctx, const struct db_res *r), void *ctx)
{
	struct db_res r;
	ierr e = db_query(db, &r, "SELECT id, kind, to_address, status, attempts, last_error, "
			  "DATE_FORMAT(created_at, '%Y-%m-%d %H:%i'), COALESCE(DATE_FORMAT(sent_at, '%Y-%m-%d %H:%i'), ''), "
			  "subject FROM outbox WHERE invoice_id = ? ORDER BY id DESC LIMIT 50", DB_ARGS(DB_I(invoice_id)));

	if (!e)
		e = db_each(&r, fn, ctx);
	db_free(&r);
	return e;
}

ierr outbox_resend_in(struct db *db, const struct auth_user *user, const char *address, long long invoice_id,
		      long long outbox_id, long long *new_id)
{
	struct audit_json after = AUDIT_JSON_INIT;
	unsigned long long n = 0, id = 0;
	struct db_res r;
	ierr e;

	e = db_query_row(db, &r, "SELECT c.email <> '' FROM outbox o JOIN customers c ON c.id = o.customer_id "
			 "WHERE o.id = ? AND o.invoice_id = ?", DB_ARGS(DB_I(outbox_id), DB_I(invoice_id)));
	if (!e && !db_int(&r, 0))
		e = IE_CONFLICT;
	db_free(&r);
	if (e)
		return e;
	if ((e = db_exec(db, "INSERT INTO outbox (kind, customer_id, invoice_id, to_address, subject, body) "
			 "SELECT o.kind, o.customer_id, o.invoice_id, c.email, o.subject, o.body "
			 "FROM outbox o JOIN customers c ON c.id = o.customer_id WHERE o.id = ? AND o.invoice_id = ?",
			 DB_ARGS(DB_I(outbox_id), DB_I(invoice_id)), &n, &id)))
		return e;
	if (n != 1)
		return IE_NOTFOUND;
	*new_id = (long long)id;
	if (!(e = audit_json_int(&after, "outbox", (long long)id)) && !(e = audit_json_int(&after, "copy_of", outbox_id))
	    && !(e = audit_json_end(&after)))
		e = audit_event(db, user, address, "invoice", invoice_id, "resend_mail", NULL, after.b.data);
	audit_json_free(&after);
	return e;
}
