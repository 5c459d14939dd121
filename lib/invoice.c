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

/*
 * The shown-status rule, once (invoice.h has it as a table in words). Each
 * row is complete on its own (the rows exclude each other; test_invoice.c
 * checks every combination matches exactly one), so the C function takes the
 * first match and every SQL condition is the row's own conjunction.
 */
#define ST_DRAFT 1u
#define ST_OPEN 2u
#define ST_PAID 4u
#define ST_VOID 8u
enum { ANY = -1 };

static const struct inv_status_rule {
	enum inv_shown shown;
	const char *label, *css;
	unsigned stored;       /* ST_* bits */
	int credit;            /* 1 credit notes, 0 invoices, ANY */
	int paid;              /* 1 something paid, 0 nothing, ANY */
	int overdue;           /* 1 due date before today, 0 today or later, ANY */
} rules[] = {
	{ INV_DRAFT, "Draft", "draft", ST_DRAFT, ANY, ANY, ANY },
	{ INV_CANCEL, "Cancelled", "void", ST_VOID, ANY, ANY, ANY },
	{ INV_CREDIT, "Credit note", "credit", ST_OPEN | ST_PAID, 1, ANY, ANY },
	{ INV_PAID, "Paid", "paid", ST_PAID, 0, ANY, ANY },
	{ INV_OVERDUE, "Overdue", "overdue", ST_OPEN, 0, ANY, 1 },
	{ INV_PARTIAL, "Partly paid", "partial", ST_OPEN, 0, 1, 0 },
	{ INV_DUE, "Due", "due", ST_OPEN, 0, 0, 0 },
};
#define NRULES (sizeof(rules) / sizeof(rules[0]))

static const struct inv_status_rule *rule_of(enum inv_shown s)
{
	size_t i;

	for (i = 0; i < NRULES; i++)
		if (rules[i].shown == s)
			return &rules[i];
	return NULL;
}

const char *inv_shown_name(enum inv_shown s)
{
	const struct inv_status_rule *r = rule_of(s);

	return r ? r->label : "";
}

const char *inv_shown_class(enum inv_shown s)
{
	const struct inv_status_rule *r = rule_of(s);

	return r ? r->css : "";
}

unsigned inv_shown_stored(enum inv_shown s)
{
	const struct inv_status_rule *r = rule_of(s);

	return r ? r->stored : 0;
}

int inv_shown_stored_only(enum inv_shown s)
{
	const struct inv_status_rule *r = rule_of(s);

	return r && r->credit == ANY && r->paid == ANY && r->overdue == ANY;
}

static unsigned stored_bit(const char *status)
{
	return !strcmp(status, "draft") ? ST_DRAFT : !strcmp(status, "open") ? ST_OPEN
	       : !strcmp(status, "paid") ? ST_PAID : !strcmp(status, "void") ? ST_VOID : 0;
}

static int fits(int want, int have)
{
	return want == ANY || want == have;
}

enum inv_shown inv_shown_of(const char *status, const char *kind, money_t paid, const char *due_date,
			    const char *today)
{
	unsigned st = stored_bit(status ? status : "");
	int credit = kind && !strcmp(kind, "credit");
	/* no due date or no today: not overdue */
	int overdue = due_date && *due_date && today && *today && strcmp(due_date, today) < 0;
	size_t i;

	for (i = 0; i < NRULES; i++)
		if ((rules[i].stored & st) && fits(rules[i].credit, credit) && fits(rules[i].paid, paid > 0)
		    && fits(rules[i].overdue, overdue))
			return rules[i].shown;
	return INV_DRAFT;   /* an unknown stored status: the least promising */
}

/*
 * SQL of one rule. ROWS (alias i) decides "before today" per customer: the
 * customer's date lies between the earliest and the latest date on earth,
 * so due dates outside that band of a day or two are decided by the index
 * alone, and only the band looks up the customer's zone (one primary-key
 * read per row in it) in a map of every zone in use that the caller binds
 * (INV_ARG_ZONES; a zone missing from it reads as INV_ARG_TODAY, the
 * configured zone's date). DAYS (t) and MONTHS (m) are the totals tables:
 * they have no customer, so they decide by INV_ARG_TODAY (exact for the
 * customers in the configured zone; the sums of a date-derived status are
 * off by the invoices due in the band, a day or two, whose customer's date
 * differs); and the kind only once they carry it (INV_TOTALS_KIND).
 */

#define CUSTOMER_TODAY "COALESCE((SELECT JSON_VALUE(?, CONCAT('$.\"', c.time_zone, '\"')) " \
	"FROM customers c WHERE c.id = i.customer_id), ?)"

ierr inv_status_sql(struct buf *out, enum inv_shown s, enum inv_sql_form form, enum inv_sql_arg *args,
		    size_t *nargs)
{
	static const char *const stored_sql[3][9] = {
		[INV_SQL_ROWS] = { [ST_DRAFT] = "i.status = 'draft'", [ST_OPEN] = "i.status = 'open'",
				   [ST_PAID] = "i.status = 'paid'", [ST_VOID] = "i.status = 'void'",
				   [ST_OPEN | ST_PAID] = "i.status IN ('open', 'paid')" },
		[INV_SQL_DAYS] = { [ST_DRAFT] = "t.status = 'draft'", [ST_OPEN] = "t.status = 'open'",
				   [ST_PAID] = "t.status = 'paid'", [ST_VOID] = "t.status = 'void'",
				   [ST_OPEN | ST_PAID] = "t.status IN ('open', 'paid')" },
		[INV_SQL_MONTHS] = { [ST_DRAFT] = "m.status = 'draft'", [ST_OPEN] = "m.status = 'open'",
				     [ST_PAID] = "m.status = 'paid'", [ST_VOID] = "m.status = 'void'",
				     [ST_OPEN | ST_PAID] = "m.status IN ('open', 'paid')" },
	};
	static const char *const kind_sql[3][2] = {
		[INV_SQL_ROWS] = { " AND i.kind = 'invoice'", " AND i.kind = 'credit'" },
#if INV_TOTALS_KIND
		[INV_SQL_DAYS] = { " AND t.kind = 'invoice'", " AND t.kind = 'credit'" },
		[INV_SQL_MONTHS] = { " AND m.kind = 'invoice'", " AND m.kind = 'credit'" },
#endif
	};
	/* paid > 0 among open invoices: paid_state 1 in the totals (sql/0002) */
	static const char *const paid_sql[3][2] = {
		[INV_SQL_ROWS] = { " AND i.paid_amount = 0", " AND i.paid_amount > 0" },
		[INV_SQL_DAYS] = { " AND t.paid_state = 0", " AND t.paid_state = 1" },
		[INV_SQL_MONTHS] = { " AND m.paid_state = 0", " AND m.paid_state = 1" },
	};
	/* MONTHS: this month's due dates are the daily totals' part */
	static const char *const due_sql[3][2] = {
		[INV_SQL_ROWS] = {
			" AND i.due_date >= ? AND (i.due_date >= ? OR i.due_date >= " CUSTOMER_TODAY ")",
			" AND i.due_date < ? AND (i.due_date < ? OR i.due_date < " CUSTOMER_TODAY ")" },
		/* the same values as ROWS (the list binds them once for both): every
		 * customer at the configured zone's date (between the other two) */
		[INV_SQL_DAYS] = { " AND t.due_date >= ? AND (t.due_date >= ? OR (? IS NOT NULL AND t.due_date >= ?))",
				   " AND t.due_date < ? AND (t.due_date < ? OR (? IS NOT NULL AND t.due_date < ?))" },
		[INV_SQL_MONTHS] = { " AND m.due_month > ?", " AND m.due_month < ?" },
	};
	const struct inv_status_rule *r = rule_of(s);
	int one;   /* the stored status alone: no parentheses needed */
	ierr e;

	*nargs = 0;
	if (!r || (unsigned)form > INV_SQL_MONTHS || !stored_sql[form][r->stored])
		return IE_INVALID;
	/* the totals cannot tell credit notes apart before they carry the kind */
	if (r->credit != ANY && !kind_sql[form][r->credit])
		return IE_UNSUPPORTED;
	one = r->paid == ANY && r->overdue == ANY && r->credit == ANY;
	if ((!one && (e = buf_puts(out, "("))) || (e = buf_puts(out, stored_sql[form][r->stored])))
		return e;
	if (r->credit != ANY && (e = buf_puts(out, kind_sql[form][r->credit])))
		return e;
	if (r->paid != ANY && (e = buf_puts(out, paid_sql[form][r->paid])))
		return e;
	if (r->overdue != ANY) {
		if ((e = buf_puts(out, due_sql[form][r->overdue])))
			return e;
		if (form != INV_SQL_MONTHS) {
			/* the band's bounds (a range the index reads), then the sure side, then the customer's date */
			args[(*nargs)++] = r->overdue ? INV_ARG_LATEST : INV_ARG_EARLIEST;
			args[(*nargs)++] = r->overdue ? INV_ARG_EARLIEST : INV_ARG_LATEST;
			args[(*nargs)++] = INV_ARG_ZONES;
			args[(*nargs)++] = INV_ARG_TODAY;
		} else {
			args[(*nargs)++] = INV_ARG_MONTH;
		}
	}
	return one ? IE_OK : buf_puts(out, ")");
}

const char *inv_paid_state(const char *status, const char *kind, money_t paid)
{
	if (!status || !strcmp(status, "draft") || !strcmp(status, "void") || (kind && !strcmp(kind, "credit")))
		return "\xe2\x80\x94";   /* an em dash: no paid state */
	if (!strcmp(status, "paid"))
		return "Paid";
	return paid > 0 ? "Pending" : "Unpaid";
}

const char *inv_payment_label(const char *m)
{
	static const struct {
		const char *key, *label;
	} labels[] = {
		/* UNTDID 4461 codes (invoices.payment_means) */
		{ "58", "SEPA credit transfer" }, { "30", "Credit transfer" }, { "59", "SEPA direct debit" },
		{ "49", "Direct debit" }, { "48", "Bank card" }, { "10", "Cash" }, { "1", "Not defined" },
		/* payments.method, and allocations from credit notes */
		{ "transfer", "Credit transfer" }, { "direct_debit", "Direct debit" }, { "card", "Bank card" },
		{ "cash", "Cash" }, { "other", "Other" }, { "credit note", "Credit note" },
	};
	size_t i;

	for (i = 0; m && i < sizeof(labels) / sizeof(labels[0]); i++)
		if (!strcmp(labels[i].key, m))
			return labels[i].label;
	return m ? m : "";
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

static const char *col_dup(struct arena *a, const struct db_res *r, unsigned col);

static ierr utc_date(time_t t, char out[11])
{
	struct tm tm;

	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 < 1000 || tm.tm_year + 1900 > 9999)
		return IE_INTERNAL;
	return strftime(out, 11, "%Y-%m-%d", &tm) == 10 ? IE_OK : IE_INTERNAL;
}

static int zone_name_ok(const char *z)
{
	size_t n = strlen(z);

	return n > 0 && n < 64 && strspn(z, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") == n;
}

ierr inv_zones_of(struct arena *a, const char *const *zones, size_t n, const char *zone, time_t now,
		  struct inv_zones *z)
{
	struct buf j = BUF_INIT;
	size_t i;
	ierr e;

	memset(z, 0, sizeof(*z));
	/* UTC-12 and UTC+14 have no daylight saving: no zone file to read */
	if ((e = utc_date(now - 12 * 3600, z->earliest)) || (e = utc_date(now + 14 * 3600, z->latest))
	    || (e = inv_today(zone, now, z->today)))
		return e;
	/* a zone beyond UTC-12..+14 (none exists; a bad name reads as UTC) */
	if (strcmp(z->today, z->earliest) < 0 || strcmp(z->today, z->latest) > 0)
		return IE_INTERNAL;
	z->zone = arena_alloc(a, (n ? n : 1) * sizeof(*z->zone));
	z->date = arena_alloc(a, (n ? n : 1) * sizeof(*z->date));
	if (!z->zone || !z->date)
		return IE_NOMEM;
	e = buf_puts(&j, "{");
	for (i = 0; !e && i < n; i++) {
		char *d;

		if (!zones[i] || !zone_name_ok(zones[i]))
			continue;
		if (!(d = arena_alloc(a, 11)) || !(z->zone[z->n] = arena_strdup(a, zones[i]))) {
			e = IE_NOMEM;
			break;
		}
		if ((e = inv_today(zones[i], now, d)))
			break;
		z->date[z->n] = d;
		e = buf_puts(&j, z->n ? ",\"" : "\"") ?: buf_puts(&j, zones[i]) ?: buf_puts(&j, "\":\"")
		    ?: buf_puts(&j, d) ?: buf_puts(&j, "\"");
		z->n++;
	}
	if (!e)
		e = buf_puts(&j, "}");
	if (!e && !(z->json = arena_strdup(a, j.data)))
		e = IE_NOMEM;
	buf_free(&j);
	return e;
}

ierr inv_zones_load(struct db *db, struct arena *a, long long customer_id, const char *zone, time_t now,
		    struct inv_zones *z)
{
	const char **names = NULL;
	size_t n = 0, cap = 0;
	struct db_res r;
	ierr e;

	/* a loose scan of ix_customers_time_zone (sql/0012): one read per zone */
	e = db_query(db, &r, "SELECT DISTINCT time_zone FROM customers WHERE ? = 0 OR id = ?",
		     DB_ARGS(DB_I(customer_id), DB_I(customer_id)));
	while (!e && (e = db_next(&r)) == IE_OK) {
		names = arena_grow(a, names, n, &cap, sizeof(*names));
		if (!names || !(names[n] = col_dup(a, &r, 0))) {
			e = IE_NOMEM;
			break;
		}
		n++;
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
	db_free(&r);
	return e ? e : inv_zones_of(a, names, n, zone, now, z);
}

const char *inv_zone_today(const struct inv_zones *z, const char *zone)
{
	size_t i;

	for (i = 0; zone && i < z->n; i++)
		if (!strcmp(z->zone[i], zone))
			return z->date[i];
	return z->today;
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

/*
 * The buyer of an issued invoice is the one it was issued to: the
 * invoices.buyer_snapshot taken at issue (keys as the customers columns; a
 * key it lacks prints empty), on the page, the PDF, the CSV and every
 * re-render. Drafts, and issued rows from before snapshots (NULL), read the
 * live customer row: for those nothing was frozen to read.
 */
#define BUYER_COL(f) "IF(i.status <> 'draft' AND i.buyer_snapshot IS NOT NULL, " \
	"COALESCE(JSON_VALUE(i.buyer_snapshot, '$." f "'), ''), c." f "), "

static ierr load_header(struct db *db, struct arena *a, const struct auth_scope *scope,
			long long id, time_t now, struct invoice *inv)
{
	struct db_res r;
	char *today;
	ierr e;

	e = db_query_row(db, &r,
		"SELECT i.id, i.kind, i.type_code, COALESCE(i.number, ''), i.customer_id, i.status, i.currency, "
		"i.invoice_date, i.due_date, i.period_start, i.period_end, i.issued_at, i.net_total, i.tax_total, "
		"i.total, i.paid_amount, i.notes, i.payment_means, i.buyer_reference, COALESCE(ci.number, ''), "
		BUYER_COL("name") BUYER_COL("legal_name") BUYER_COL("email") BUYER_COL("street")
		BUYER_COL("address_line2") BUYER_COL("city") BUYER_COL("post_code") BUYER_COL("region")
		BUYER_COL("country") BUYER_COL("vat_id")
		"i.link_epoch, i.voided_at, c.time_zone, COALESCE(i.credited_invoice_id, 0) "
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
	inv->time_zone = col_dup(a, &r, 32);
	inv->credited_id = db_int(&r, 33);
	/* "overdue" turns on the customer's date, as in the list */
	if (!(today = arena_alloc(a, 11))) {
		e = IE_NOMEM;
		goto out;
	}
	if ((e = inv_today(inv->time_zone, now, today)))
		goto out;
	inv->today = today;
	inv->shown = inv_shown_of(inv->status, inv->kind, inv->paid, inv->due_date, inv->today);
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
		  time_t now, int customer_copy, struct invoice *inv)
{
	ierr e;

	memset(inv, 0, sizeof(*inv));
	if ((e = load_header(db, a, scope, id, now, inv)) || (e = load_lines(db, a, inv))
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
	s->legal_name = config_get(cfg, "Seller.LegalName", s->name);
	s->street = config_get(cfg, "Seller.Street", "");
	s->city = config_get(cfg, "Seller.City", "");
	s->post_code = config_get(cfg, "Seller.PostCode", "");
	s->country = config_get(cfg, "Seller.Country", "DE");
	s->company_id = config_get(cfg, "Seller.CompanyID", "");
	s->endpoint_id = config_get(cfg, "Seller.EndpointID", "");
	s->endpoint_scheme = config_get(cfg, "Seller.EndpointScheme", "");
	s->contact = config_get(cfg, "Seller.ContactName", "");
}

/* ---------- stored PDFs ---------- */

#define PDF_STATE_COLS "i.id, i.status, COALESCE(i.number, ''), i.paid_amount, i.pdf_state, " \
	"COALESCE(i.pdf_paid, ''), COALESCE(i.pdf_etag, ''), i.link_epoch, i.kind, i.due_date, " \
	"(SELECT c.time_zone FROM customers c WHERE c.id = i.customer_id)"

ierr invoice_pdf_state(struct db *db, const struct auth_scope *scope, long long id, time_t now,
		       struct inv_pdf_state *st, struct buf *pdf)
{
	struct db_res r;
	char today[11];
	ierr e;

	memset(st, 0, sizeof(*st));
	/* the stored file comes along when it may be current and is wanted: one
	 * round trip (whether it shows "Overdue" yet is decided below) */
	if (pdf)
		e = db_query_row(db, &r,
			"SELECT " PDF_STATE_COLS ", "
			"CASE WHEN i.status <> 'draft' AND i.pdf_etag IS NOT NULL AND i.pdf_paid = i.paid_amount "
			"AND i.pdf_state = IF(i.status = 'void', 'void', i.pdf_state) THEN i.pdf END "
			"FROM invoices i WHERE i.id = ? AND " INV_SCOPE_SQL,
			DB_ARGS(DB_I(id), INV_SCOPE_ARGS(scope)));
	else
		/* a query that names the column reads the off-page blob even when
		 * it returns NULL: leave it out altogether */
		e = db_query_row(db, &r,
			"SELECT " PDF_STATE_COLS ", NULL FROM invoices i WHERE i.id = ? AND " INV_SCOPE_SQL,
			DB_ARGS(DB_I(id), INV_SCOPE_ARGS(scope)));
	if (!e) {
		/* the shown status a rendering carries turns on the customer's date */
		if ((e = inv_today(db_str(&r, 10), now, today)))
			goto out;
		st->overdue = inv_shown_of(db_str(&r, 1), db_str(&r, 8), 0, db_str(&r, 9), today) == INV_OVERDUE;
		st->id = db_int(&r, 0);
		str_copy(st->status, sizeof(st->status), db_str(&r, 1));
		str_copy(st->number, sizeof(st->number), db_str(&r, 2));
		str_copy(st->paid, sizeof(st->paid), db_str(&r, 3));
		str_copy(st->pdf_state, sizeof(st->pdf_state), db_str(&r, 4));
		str_copy(st->pdf_paid, sizeof(st->pdf_paid), db_str(&r, 5));
		str_copy(st->etag, sizeof(st->etag), db_str(&r, 6));
		st->link_epoch = (int)db_int(&r, 7);
		/* stored for another state (it became overdue): not sent */
		if (pdf && db_str(&r, 11) && inv_pdf_want(st) && !strcmp(st->pdf_state, inv_pdf_want(st)))
			e = buf_put(pdf, db_str(&r, 11), r.collen[11]);
	}
out:
	db_free(&r);
	return e;
}

/* One rendering per state: issued, overdue (the status line says so, sql/0012), void. */
const char *inv_pdf_want(const struct inv_pdf_state *st)
{
	if (!strcmp(st->status, "draft"))
		return NULL;
	return !strcmp(st->status, "void") ? "void" : st->overdue ? "overdue" : "issued";
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
