#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sodium.h>
#include "invoice.h"
#include "config.h"
#include "db.h"

const char *inv_shown_name(enum inv_shown s)
{
	static const char *const names[] = {
		[INV_DRAFT] = "DRAFT", [INV_DUE] = "DUE", [INV_PARTIAL] = "PARTIAL",
		[INV_OVERDUE] = "OVER_DUE", [INV_PAID] = "PAID", [INV_CANCEL] = "CANCEL",
	};
	return (unsigned)s <= INV_CANCEL ? names[s] : "";
}

/* Overdue wins over partially paid: it is what needs chasing. */
enum inv_shown inv_shown_of(const char *status, money_t paid, const char *due_date, const char *today)
{
	if (!strcmp(status, "draft"))
		return INV_DRAFT;
	if (!strcmp(status, "paid"))
		return INV_PAID;
	if (!strcmp(status, "void"))
		return INV_CANCEL;
	if (due_date && today && strcmp(due_date, today) < 0)
		return INV_OVERDUE;
	return paid > 0 ? INV_PARTIAL : INV_DUE;
}

const char *inv_paid_state(const char *status, money_t paid)
{
	if (!strcmp(status, "paid"))
		return "Paid";
	return paid > 0 && strcmp(status, "draft") && strcmp(status, "void") ? "Pending" : "Unpaid";
}

ierr inv_today(const char *tz, time_t now, char out[11])
{
	const char *cur = getenv("TZ");
	char saved[128] = "";
	struct tm tm;

	if (!tz || !*tz)
		tz = "UTC";
	/* the process runs in the configured zone (app_main sets TZ once);
	 * switching costs a zoneinfo read, so only another zone switches */
	if (cur && !strcmp(cur, tz)) {
		localtime_r(&now, &tm);
	} else {
		if (cur && str_copy(saved, sizeof(saved), cur))
			return IE_INTERNAL;
		if (setenv("TZ", tz, 1))
			return IE_INTERNAL;
		tzset();
		localtime_r(&now, &tm);
		if (cur)
			setenv("TZ", saved, 1);
		else
			unsetenv("TZ");
		tzset();
	}
	if (tm.tm_year + 1900 < 1000 || tm.tm_year + 1900 > 9999)
		return IE_INTERNAL;
	return strftime(out, 11, "%Y-%m-%d", &tm) == 10 ? IE_OK : IE_INTERNAL;
}

/* ---------- loading ---------- */

static const char *col_dup(struct arena *a, const struct db_res *r, unsigned col)
{
	const char *s = db_str(r, col);

	return arena_strdup(a, s ? s : "");
}

static ierr amount_col(const struct db_res *r, unsigned col, int exponent, money_t *out)
{
	const char *s = db_str(r, col);

	if (!s) {
		*out = 0;
		return IE_OK;
	}
	return money_from_db(s, exponent, out);
}

static ierr fixed_col(const struct db_res *r, unsigned col, int decimals, int64_t *out)
{
	const char *s = db_str(r, col);

	if (!s) {
		*out = 0;
		return IE_OK;
	}
	return money_parse(s, decimals, out);
}

static ierr load_header(struct db *db, struct arena *a, const struct auth_scope *scope,
			long long id, const char *today, struct invoice *inv)
{
	struct db_res r;
	ierr e;

	e = db_query_row(db, &r,
		"SELECT i.id, i.kind, i.type_code, COALESCE(i.number, ''), i.customer_id, i.status, i.currency, "
		"i.invoice_date, i.due_date, i.period_start, i.period_end, i.issued_at, i.net_total, i.tax_total, "
		"i.total, i.paid_amount, i.notes, i.payment_means, i.buyer_reference, COALESCE(ci.number, ''), "
		"c.name, c.legal_name, c.email, c.street, c.address_line2, c.city, c.post_code, c.region, "
		"c.country, c.vat_id, i.link_epoch, i.voided_at "
		"FROM invoices i JOIN customers c ON c.id = i.customer_id "
		"LEFT JOIN invoices ci ON ci.id = i.credited_invoice_id "
		"WHERE i.id = ? AND " INV_SCOPE_SQL,
		DB_ARGS(DB_I(id), INV_SCOPE_ARGS(scope)));
	if (e)
		goto out;
	inv->id = db_int(&r, 0);
	inv->kind = col_dup(a, &r, 1);
	inv->type_code = (int)db_int(&r, 2);
	inv->number = col_dup(a, &r, 3);
	inv->customer_id = db_int(&r, 4);
	inv->status = col_dup(a, &r, 5);
	inv->currency = col_dup(a, &r, 6);
	inv->exponent = money_exponent(inv->currency);
	if (inv->exponent < 0) {
		e = IE_INTERNAL;
		goto out;
	}
	inv->invoice_date = col_dup(a, &r, 7);
	inv->due_date = col_dup(a, &r, 8);
	inv->period_start = col_dup(a, &r, 9);
	inv->period_end = col_dup(a, &r, 10);
	inv->issued_at = col_dup(a, &r, 11);
	if ((e = amount_col(&r, 12, inv->exponent, &inv->net_total))
	    || (e = amount_col(&r, 13, inv->exponent, &inv->tax_total))
	    || (e = amount_col(&r, 14, inv->exponent, &inv->total))
	    || (e = amount_col(&r, 15, inv->exponent, &inv->paid))
	    || (e = money_sub(inv->total, inv->paid, &inv->balance)))
		goto out;
	if (!strcmp(inv->status, "void"))
		inv->balance = 0;          /* a voided invoice owes nothing */
	inv->notes = col_dup(a, &r, 16);
	inv->payment_means = col_dup(a, &r, 17);
	inv->buyer_reference = col_dup(a, &r, 18);
	inv->credited_number = col_dup(a, &r, 19);
	inv->buyer.name = col_dup(a, &r, 20);
	inv->buyer.legal_name = col_dup(a, &r, 21);
	inv->buyer.email = col_dup(a, &r, 22);
	inv->buyer.street = col_dup(a, &r, 23);
	inv->buyer.address_line2 = col_dup(a, &r, 24);
	inv->buyer.city = col_dup(a, &r, 25);
	inv->buyer.post_code = col_dup(a, &r, 26);
	inv->buyer.region = col_dup(a, &r, 27);
	inv->buyer.country = col_dup(a, &r, 28);
	inv->buyer.vat_id = col_dup(a, &r, 29);
	inv->link_epoch = (int)db_int(&r, 30);
	inv->voided_at = col_dup(a, &r, 31);
	inv->shown = inv_shown_of(inv->status, inv->paid, inv->due_date, today);
out:
	db_free(&r);
	return e;
}

static ierr load_lines(struct db *db, struct arena *a, struct invoice *inv)
{
	struct db_res r;
	size_t cap = 0;
	ierr e;

	e = db_query(db, &r, "SELECT position, description, quantity, unit_code, unit_price, tax_rate, "
		     "vat_category, tax_description, period_start, period_end, net_amount, tax_amount "
		     "FROM invoice_lines WHERE invoice_id = ? ORDER BY position",
		     DB_ARGS(DB_I(inv->id)));
	while (!e && (e = db_next(&r)) == IE_OK) {
		struct inv_line *l;

		inv->lines = arena_grow(a, inv->lines, inv->nlines, &cap, sizeof(*inv->lines));
		if (!inv->lines) {
			e = IE_NOMEM;
			break;
		}
		l = &inv->lines[inv->nlines];
		l->position = (int)db_int(&r, 0);
		l->description = col_dup(a, &r, 1);
		l->unit_code = col_dup(a, &r, 3);
		l->vat_category = col_dup(a, &r, 6);
		l->tax_description = col_dup(a, &r, 7);
		l->period_start = col_dup(a, &r, 8);
		l->period_end = col_dup(a, &r, 9);
		if ((e = fixed_col(&r, 2, 6, &l->quantity)) || (e = fixed_col(&r, 4, 6, &l->unit_price))
		    || (e = fixed_col(&r, 5, 4, &l->tax_rate))
		    || (e = amount_col(&r, 10, inv->exponent, &l->net))
		    || (e = amount_col(&r, 11, inv->exponent, &l->tax))
		    || (e = money_add(l->net, l->tax, &l->gross)))
			break;
		inv->nlines++;
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
	db_free(&r);
	return e;
}

static ierr load_taxes(struct db *db, struct arena *a, struct invoice *inv)
{
	struct db_res r;
	size_t cap = 0;
	ierr e;

	e = db_query(db, &r, "SELECT vat_category, tax_rate, exemption_reason, net_amount, tax_amount "
		     "FROM invoice_tax_totals WHERE invoice_id = ? ORDER BY tax_rate DESC, vat_category",
		     DB_ARGS(DB_I(inv->id)));
	while (!e && (e = db_next(&r)) == IE_OK) {
		struct inv_tax_total *t;

		inv->taxes = arena_grow(a, inv->taxes, inv->ntaxes, &cap, sizeof(*inv->taxes));
		if (!inv->taxes) {
			e = IE_NOMEM;
			break;
		}
		t = &inv->taxes[inv->ntaxes];
		t->vat_category = col_dup(a, &r, 0);
		t->exemption_reason = col_dup(a, &r, 2);
		if ((e = fixed_col(&r, 1, 4, &t->rate)) || (e = amount_col(&r, 3, inv->exponent, &t->net))
		    || (e = amount_col(&r, 4, inv->exponent, &t->tax)))
			break;
		inv->ntaxes++;
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
	db_free(&r);
	return e;
}

static ierr load_payments(struct db *db, struct arena *a, struct invoice *inv)
{
	struct db_res r;
	size_t cap = 0;
	ierr e;

	e = db_query(db, &r, "SELECT COALESCE(p.received_on, DATE(a.created_at)), "
		     "COALESCE(p.method, 'credit note'), COALESCE(p.reference, cn.number, ''), a.amount "
		     "FROM payment_allocations a LEFT JOIN payments p ON p.id = a.payment_id "
		     "LEFT JOIN invoices cn ON cn.id = a.credit_note_id "
		     "WHERE a.invoice_id = ? ORDER BY 1, a.id",
		     DB_ARGS(DB_I(inv->id)));
	while (!e && (e = db_next(&r)) == IE_OK) {
		struct inv_payment *p;

		inv->payments = arena_grow(a, inv->payments, inv->npayments, &cap, sizeof(*inv->payments));
		if (!inv->payments) {
			e = IE_NOMEM;
			break;
		}
		p = &inv->payments[inv->npayments];
		p->date = col_dup(a, &r, 0);
		p->method = col_dup(a, &r, 1);
		p->reference = col_dup(a, &r, 2);
		if ((e = amount_col(&r, 3, inv->exponent, &p->amount)))
			break;
		inv->npayments++;
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
	db_free(&r);
	return e;
}

static ierr load_fields(struct db *db, struct arena *a, int customer, int printed, struct invoice *inv)
{
	struct db_res r;
	size_t cap = 0;
	ierr e;

	/* customers see only the fields marked visible to them; the printed
	 * document (PDF) only those marked to be printed */
	e = db_query(db, &r, "SELECT d.label, f.value FROM invoice_custom_fields f "
		     "JOIN custom_field_defs d ON d.id = f.field_id "
		     "WHERE f.invoice_id = ? AND (? = 0 OR d.visible_to_customer = 1) AND (? = 0 OR d.print_on_pdf = 1) "
		     "ORDER BY d.position, d.id",
		     DB_ARGS(DB_I(inv->id), DB_I(customer), DB_I(printed)));
	while (!e && (e = db_next(&r)) == IE_OK) {
		inv->fields = arena_grow(a, inv->fields, inv->nfields, &cap, sizeof(*inv->fields));
		if (!inv->fields) {
			e = IE_NOMEM;
			break;
		}
		inv->fields[inv->nfields].label = col_dup(a, &r, 0);
		inv->fields[inv->nfields].value = col_dup(a, &r, 1);
		inv->nfields++;
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
	db_free(&r);
	return e;
}

ierr invoice_load(struct db *db, struct arena *a, const struct auth_scope *scope, long long id,
		  const char *today, int customer_copy, struct invoice *inv)
{
	ierr e;

	memset(inv, 0, sizeof(*inv));
	if ((e = load_header(db, a, scope, id, today, inv)) || (e = load_lines(db, a, inv))
	    || (e = load_taxes(db, a, inv)) || (e = load_payments(db, a, inv))
	    || (e = load_fields(db, a, customer_copy || scope->customer_id, customer_copy, inv)))
		return e;
	return IE_OK;
}

void invoice_seller(const struct config *cfg, struct inv_seller *s)
{
	s->name = config_get(cfg, "Seller.Name", cfg->site_name);
	s->address = config_get(cfg, "Seller.Address", "");
	s->tax_id = config_get(cfg, "Seller.TaxId", "");
	s->iban = config_get(cfg, "Seller.IBAN", "");
	s->bic = config_get(cfg, "Seller.BIC", "");
	s->email = config_get(cfg, "Seller.Email", "");
	s->phone = config_get(cfg, "Seller.Phone", "");
	s->website = config_get(cfg, "Seller.Website", "");
}

/* ---------- stored PDFs ---------- */

#define PDF_STATE_COLS "i.id, i.status, COALESCE(i.number, ''), i.paid_amount, i.pdf_state, " \
	"COALESCE(i.pdf_paid, ''), COALESCE(i.pdf_etag, ''), i.link_epoch"

ierr invoice_pdf_state(struct db *db, const struct auth_scope *scope, long long id,
		       struct inv_pdf_state *st, struct buf *pdf)
{
	struct db_res r;
	ierr e;

	memset(st, 0, sizeof(*st));
	/* the stored file comes along when it is current and wanted: one round trip */
	if (pdf)
		e = db_query_row(db, &r,
			"SELECT " PDF_STATE_COLS ", "
			"CASE WHEN i.status <> 'draft' AND i.pdf_etag IS NOT NULL AND i.pdf_paid = i.paid_amount "
			"AND i.pdf_state = IF(i.status = 'void', 'void', 'issued') THEN i.pdf END "
			"FROM invoices i WHERE i.id = ? AND " INV_SCOPE_SQL,
			DB_ARGS(DB_I(id), INV_SCOPE_ARGS(scope)));
	else
		/* a query that names the column reads the off-page blob even when
		 * it returns NULL: leave it out altogether */
		e = db_query_row(db, &r,
			"SELECT " PDF_STATE_COLS ", NULL FROM invoices i WHERE i.id = ? AND " INV_SCOPE_SQL,
			DB_ARGS(DB_I(id), INV_SCOPE_ARGS(scope)));
	if (!e) {
		st->id = db_int(&r, 0);
		str_copy(st->status, sizeof(st->status), db_str(&r, 1));
		str_copy(st->number, sizeof(st->number), db_str(&r, 2));
		str_copy(st->paid, sizeof(st->paid), db_str(&r, 3));
		str_copy(st->pdf_state, sizeof(st->pdf_state), db_str(&r, 4));
		str_copy(st->pdf_paid, sizeof(st->pdf_paid), db_str(&r, 5));
		str_copy(st->etag, sizeof(st->etag), db_str(&r, 6));
		st->link_epoch = (int)db_int(&r, 7);
		if (pdf && db_str(&r, 8))
			e = buf_put(pdf, db_str(&r, 8), r.collen[8]);
	}
	db_free(&r);
	return e;
}

const char *inv_pdf_want(const struct inv_pdf_state *st)
{
	if (!strcmp(st->status, "draft"))
		return NULL;
	return !strcmp(st->status, "void") ? "void" : "issued";
}

int inv_pdf_fresh(const struct inv_pdf_state *st)
{
	const char *want = inv_pdf_want(st);

	return want && st->etag[0] && !strcmp(st->pdf_state, want) && !strcmp(st->pdf_paid, st->paid);
}

ierr invoice_pdf_fetch(struct db *db, long long id, struct buf *out)
{
	struct db_res r;
	ierr e;

	e = db_query_row(db, &r, "SELECT pdf FROM invoices WHERE id = ? AND pdf IS NOT NULL", DB_ARGS(DB_I(id)));
	if (!e)
		e = buf_put(out, db_str(&r, 0), r.collen[0]);
	db_free(&r);
	return e;
}

ierr invoice_pdf_store(struct db *db, const struct inv_pdf_state *st, const struct buf *pdf,
		       const char *etag)
{
	const char *want = inv_pdf_want(st);

	if (!want)
		return IE_INVALID;
	/* only if nothing changed since the state was read: a concurrent payment
	 * or void leaves the row alone and the next request renders again */
	/* updated_at stays: storing a rendering does not change the invoice */
	return db_exec(db, "UPDATE invoices SET pdf = ?, pdf_state = ?, pdf_paid = ?, pdf_etag = ?, "
		       "pdf_rendered_at = UTC_TIMESTAMP(), updated_at = updated_at "
		       "WHERE id = ? AND status = ? AND paid_amount = ?",
		       DB_ARGS(DB_B(pdf->data, pdf->len), DB_S(want), DB_S(st->paid), DB_S(etag),
			       DB_I(st->id), DB_S(st->status), DB_S(st->paid)), NULL, NULL);
}

/* ---------- file copies of stored PDFs ---------- */

ierr inv_pdf_file_name(long long id, const char *etag, char *out, size_t outsz)
{
	size_t n = etag ? strlen(etag) : 0;
	int w;

	if (id <= 0 || n == 0 || n > 64 || strspn(etag, "0123456789abcdef") != n)
		return IE_INVALID;
	w = snprintf(out, outsz, "%lld-%s.pdf", id, etag);
	return w > 0 && (size_t)w < outsz ? IE_OK : IE_INVALID;
}

static ierr file_path(const char *dir, long long id, const char *etag, char *out, size_t outsz)
{
	char name[96];
	int w;
	ierr e;

	if (!dir || dir[0] != '/')
		return IE_INVALID;
	if ((e = inv_pdf_file_name(id, etag, name, sizeof(name))))
		return e;
	w = snprintf(out, outsz, "%s/%s", dir, name);
	return w > 0 && (size_t)w < outsz ? IE_OK : IE_INVALID;
}

int inv_pdf_file_exists(const char *dir, long long id, const char *etag)
{
	char path[4096];
	struct stat sb;

	return !file_path(dir, id, etag, path, sizeof(path)) && !stat(path, &sb) && S_ISREG(sb.st_mode)
		&& sb.st_size > 0;
}

ierr inv_pdf_file_write(const char *dir, long long id, const char *etag, const struct buf *pdf)
{
	char path[4096], tmp[4096 + 32], rnd[17];
	unsigned char r[8];
	size_t done = 0;
	int fd = -1, saved, w;
	ierr e;

	if ((e = file_path(dir, id, etag, path, sizeof(path))) || !pdf->len)
		return e ? e : IE_INVALID;
	/* a name of our own: concurrent writers of the same file each rename a whole copy */
	if (sodium_init() < 0)
		return IE_INTERNAL;
	randombytes_buf(r, sizeof(r));
	sodium_bin2hex(rnd, sizeof(rnd), r, sizeof(r));
	w = snprintf(tmp, sizeof(tmp), "%s.%s.tmp", path, rnd);
	if (w < 0 || (size_t)w >= sizeof(tmp))
		return IE_INVALID;
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	if (fd < 0)
		return IE_IO;
	e = IE_IO;
	/* the mode the web server's group needs, whatever the umask */
	if (fchmod(fd, 0640))
		goto out;
	while (done < pdf->len) {
		ssize_t n = write(fd, pdf->data + done, pdf->len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto out;
		done += (size_t)n;
	}
	/* the bytes are on disk before the name appears: a crash leaves no short file */
	if (fsync(fd))
		goto out;
	w = close(fd);
	fd = -1;
	if (w || rename(tmp, path))
		goto out;
	e = IE_OK;
out:
	saved = errno;
	if (fd >= 0)
		close(fd);
	if (e)
		unlink(tmp);
	errno = saved;
	return e;
}

ierr inv_pdf_file_remove(const char *dir, long long id, const char *etag)
{
	char path[4096];
	ierr e;

	if ((e = file_path(dir, id, etag, path, sizeof(path))))
		return e;
	return unlink(path) && errno != ENOENT ? IE_IO : IE_OK;
}

/* ---------- links and audit ---------- */

ierr inv_audit(struct db *db, long long user_id, const char *actor, const char *address,
	       const char *entity, long long entity_id, const char *action,
	       const char *before_json, const char *after_json)
{
	return db_exec(db, "INSERT INTO audit_events (occurred_at, user_id, actor, address, entity, "
		       "entity_id, action, before_json, after_json) "
		       "VALUES (UTC_TIMESTAMP(), ?, ?, ?, ?, ?, ?, ?, ?)",
		       DB_ARGS(user_id > 0 ? DB_I(user_id) : DB_N, DB_S(actor ? actor : ""),
			       DB_S(address ? address : ""), DB_S(entity), DB_I(entity_id), DB_S(action),
			       DB_S(before_json), DB_S(after_json)), NULL, NULL);
}

struct revoke_ctx {
	long long id, user_id;
	const char *actor;
	int epoch;
};

static ierr revoke_tx(struct db *db, void *ctx)
{
	struct revoke_ctx *c = ctx;
	char before[48], after[48];
	struct db_res r;
	ierr e;

	e = db_query_row(db, &r, "SELECT link_epoch FROM invoices WHERE id = ? FOR UPDATE", DB_ARGS(DB_I(c->id)));
	if (!e)
		c->epoch = (int)db_int(&r, 0);
	db_free(&r);
	if (e)
		return e;
	if ((e = db_exec(db, "UPDATE invoices SET link_epoch = link_epoch + 1 WHERE id = ?",
			 DB_ARGS(DB_I(c->id)), NULL, NULL)))
		return e;
	snprintf(before, sizeof(before), "{\"link_epoch\": %d}", c->epoch);
	snprintf(after, sizeof(after), "{\"link_epoch\": %d}", c->epoch + 1);
	c->epoch++;
	return inv_audit(db, c->user_id, c->actor, "", "invoice", c->id, "revoke_links", before, after);
}

ierr invoice_revoke_links(struct db *db, long long id, long long user_id, const char *actor)
{
	struct revoke_ctx c = { id, user_id, actor, 0 };

	return db_tx(db, revoke_tx, &c);
}

const char *inv_unit_label(const char *code)
{
	static const struct {
		const char *code, *label;
	} units[] = {
		{ "C62", "" }, { "H87", "" }, { "EA", "" }, { "XPP", "" },
		{ "SEC", "s" }, { "MIN", "min" }, { "HUR", "h" }, { "DAY", "days" },
		{ "WEE", "weeks" }, { "MON", "months" }, { "ANN", "years" },
		{ "KB", "kB" }, { "4L", "MB" }, { "E34", "GB" }, { "E35", "TB" },
		{ "KWH", "kWh" }, { "MTR", "m" }, { "KGM", "kg" }, { "LTR", "l" },
	};
	size_t i;

	if (!code || !*code)
		return "";
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(units[i].code, code))
			return units[i].label;
	return code;
}

const char *inv_vat_category_name(const char *c)
{
	static const struct {
		const char *code, *name;
	} cats[] = {
		{ "S", "Standard rate" }, { "Z", "Zero rated" }, { "E", "Exempt" },
		{ "AE", "Reverse charge" }, { "K", "Intra-community supply" },
		{ "G", "Export outside the EU" }, { "O", "Outside the scope of VAT" },
		{ "L", "Canary Islands tax" }, { "M", "Ceuta and Melilla tax" },
	};
	size_t i;

	if (!c)
		return "";
	for (i = 0; i < sizeof(cats) / sizeof(cats[0]); i++)
		if (!strcmp(cats[i].code, c))
			return cats[i].name;
	return c;
}

const char *inv_iban_grouped(struct arena *a, const char *iban)
{
	size_t i, o = 0, n = 0, len = strlen(iban);
	char *out = arena_alloc(a, len * 2 + 1);

	if (!out)
		return NULL;
	for (i = 0; i < len; i++) {
		if (iban[i] == ' ')
			continue;
		if (n && n % 4 == 0)
			out[o++] = ' ';
		out[o++] = iban[i];
		n++;
	}
	out[o] = '\0';
	return out;
}
