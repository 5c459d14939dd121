#include <string.h>
#include "listq.h"
#include "memo.h"
#include <stdio.h>
#include "app.h"
#include "config.h"
#include "date.h"
#include "html.h"
#include "invoice.h"

/* Column keys, labels and the one SQL expression each sorts by (a whitelist:
 * user input only ever selects a row of this table). */
static const struct col {
	struct listq_colinfo info;
	const char *order;
} columns[COL__COUNT] = {
	[COL_NUMBER]     = { { "number", "Number", 0 }, "i.number" },
	[COL_CUSTOMER]   = { { "customer", "Customer", 0 }, "i.customer_name" },
	[COL_DATE]       = { { "date", "Date", 0 }, "i.invoice_date" },
	[COL_PERIOD]     = { { "period", "Period", 0 }, "i.period_start" },
	[COL_DUE]        = { { "due", "Due", 0 }, "i.due_date" },
	[COL_TOTAL]      = { { "total", "Total", 1 }, "i.total" },
	[COL_PAID]       = { { "paid", "Paid amount", 1 }, "i.paid_amount" },
	[COL_BALANCE]    = { { "balance", "Balance", 1 }, "i.balance" },
	[COL_PAID_STATE] = { { "paid_state", "Paid", 0 }, "i.paid_state" },
	[COL_STATUS]     = { { "status", "Status", 0 }, "i.status" },   /* see order_by */
};

static const enum listq_col default_cols[] = {
	COL_NUMBER, COL_CUSTOMER, COL_DATE, COL_DUE, COL_TOTAL, COL_BALANCE, COL_PAID_STATE, COL_STATUS,
};

static const char *const status_keys[] = {
	[INV_DRAFT] = "draft", [INV_DUE] = "due", [INV_PARTIAL] = "partial",
	[INV_OVERDUE] = "overdue", [INV_PAID] = "paid", [INV_CANCEL] = "void",
};

const struct listq_colinfo *listq_column(enum listq_col c)
{
	return (unsigned)c < COL__COUNT ? &columns[c].info : NULL;
}

static int column_by_key(const char *key, size_t len, enum listq_col *out)
{
	unsigned i;

	for (i = 0; i < COL__COUNT; i++) {
		if (strlen(columns[i].info.key) == len && !memcmp(columns[i].info.key, key, len)) {
			*out = (enum listq_col)i;
			return 1;
		}
	}
	return 0;
}

ierr listq_parse_cols(const char *s, enum listq_col *cols, size_t *n)
{
	unsigned seen = 0;
	size_t k = 0;

	while (*s) {
		const char *comma = strchr(s, ',');
		size_t len = comma ? (size_t)(comma - s) : strlen(s);
		enum listq_col c;

		if (!column_by_key(s, len, &c) || (seen & (1u << c)))
			return IE_INVALID;
		seen |= 1u << c;
		cols[k++] = c;
		s += len + (comma ? 1 : 0);
		if (comma && !*s)
			return IE_INVALID;
	}
	if (!k)
		return IE_INVALID;
	*n = k;
	return IE_OK;
}

void listq_defaults(struct listq *lq)
{
	memset(lq, 0, sizeof(*lq));
	lq->date = DATE_INVOICE;
	lq->sort = COL_DATE;
	lq->desc = 1;
	lq->page = 1;
	lq->per_page = 50;
	lq->count_cap = LISTQ_COUNT_CAP;
	lq->deep_offset = LISTQ_DEEP_OFFSET;
	lq->search_scan = LISTQ_SEARCH_SCAN;
	lq->search_count_cap = LISTQ_SEARCH_COUNT_CAP;
	lq->search_names = LISTQ_NAME_IDS;
	lq->name_seek_from = LISTQ_NAME_SEEK_FROM;
	memcpy(lq->cols, default_cols, sizeof(default_cols));
	lq->ncols = sizeof(default_cols) / sizeof(default_cols[0]);
}

static ierr bad(struct req *req, const char *param, const char *why)
{
	req->error_param = param;
	req->error_msg = arena_printf(req->arena, "The parameter \"%s\" is invalid: %s.", param, why);
	return IE_INVALID;
}

static ierr add_status(struct req *req, const struct app_value *v, void *ctx)
{
	struct listq *lq = ctx;
	unsigned i;

	for (i = 0; i < sizeof(status_keys) / sizeof(status_keys[0]); i++) {
		if (!strcmp(v->s, status_keys[i])) {
			lq->status |= LISTQ_STATUS_BIT(i);
			return IE_OK;
		}
	}
	return bad(req, "status", "use draft, due, partial, overdue, paid or void");
}

/* A value that cannot be used: from a form (f=1), noted for the page and
 * left out (IE_OK); otherwise the 400 naming the parameter. */
static ierr bad_field(struct req *req, struct listq *lq, const char *param, const char *why,
		      const char *msg, const char *value)
{
	if (!lq->form)
		return bad(req, param, why);
	req->error_param = NULL;   /* app_fields named it: no 400 follows */
	if (lq->nerrs < LISTQ_MAX_ERRS) {
		lq->errs[lq->nerrs].param = param;
		lq->errs[lq->nerrs].msg = msg;
		lq->errs[lq->nerrs].value = value ? value : "";
		lq->nerrs++;
	}
	return IE_OK;
}

/* A decimal amount as typed (money_parse_loose): up to 3 decimals, kept as
 * normalized text for binding; "" when a form's value could not be used. */
static ierr parse_amount(struct req *req, struct listq *lq, const char *name, const char *s, char *out, size_t outsz)
{
	int64_t v;

	if (strlen(s) > 40 || money_parse_loose(s, 3, &v) || money_to_decimal(v, 3, out, outsz)) {
		out[0] = '\0';
		return bad_field(req, lq, name, "use a number such as 1250.00",
				 "Use an amount such as 1250.50, 1,250.50 or 1.250,50.", s);
	}
	return IE_OK;
}

/* Text without the spaces around it, at most `chars` characters; -1 when longer. */
static int trimmed(const char *s, size_t chars, char *out, size_t outsz)
{
	size_t n, i, c = 0;

	while (*s == ' ')
		s++;
	n = strlen(s);
	while (n && s[n - 1] == ' ')
		n--;
	for (i = 0; i < n; i++)
		c += ((unsigned char)s[i] & 0xC0) != 0x80;
	if (c > chars || n >= outsz)
		return -1;
	memcpy(out, s, n);
	out[n] = '\0';
	return 0;
}

/* "INV-2026-0001" (the configured prefixes, any case): a number, not words */
static int looks_like_number(const struct req *req, const char *q)
{
	const char *prefixes[2] = { req->cfg->invoice_prefix, config_get(req->cfg, "Invoice.CreditPrefix", "CN") };

	for (int k = 0; k < 2; k++) {
		size_t n = strlen(prefixes[k]);

		if (n && !strncasecmp(q, prefixes[k], n) && q[n] == '-' && !strchr(q, ' '))
			return 1;
	}
	return 0;
}

ierr listq_parse(struct req *req, struct listq *lq)
{
	static const struct app_field fields[] = {
		{ "q", app_v_line, 0 }, { "customer", app_v_id, 0 }, { "currency", app_v_line, 0 },
		{ "date", app_v_line, 0 }, { "from", app_v_date, 0 }, { "to", app_v_date, 0 },
		{ "min", app_v_line, 0 }, { "max", app_v_line, 0 }, { "sort", app_v_line, 0 },
		{ "dir", app_v_line, 0 }, { "page", app_v_id, 0 }, { "per_page", app_v_id, 0 },
		{ "cols", app_v_line, 0 }, { "customer_name", app_v_line, 0 }, { "f", app_v_uint, 0 },
	};
	enum { F_Q, F_CUSTOMER, F_CURRENCY, F_DATE, F_FROM, F_TO, F_MIN, F_MAX, F_SORT, F_DIR,
	       F_PAGE, F_PER_PAGE, F_COLS, F_CNAME, F_FORM, F__N };
	/* what a form shows beside a field it could not use */
	static const char *const field_msg[F__N] = {
		[F_Q] = "Search for at most 100 characters.",
		[F_CUSTOMER] = "Choose a customer from the list.",
		[F_CURRENCY] = "Use a currency code such as EUR.",
		[F_DATE] = "Choose invoice date, due date or billing period.",
		[F_FROM] = "Use a date such as 2026-01-31.",
		[F_TO] = "Use a date such as 2026-01-31.",
		[F_MIN] = "Use an amount such as 1250.50, 1,250.50 or 1.250,50.",
		[F_MAX] = "Use an amount such as 1250.50, 1,250.50 or 1.250,50.",
		[F_PER_PAGE] = "Choose 10 to 500 rows a page.",
		[F_CNAME] = "Type at most 100 characters of the name.",
	};
	struct app_value v[F__N];
	const char *s, *why;
	size_t i;
	ierr e = IE_OK;

	listq_defaults(lq);
	/* the form marker first: it decides how every other field fails */
	if (!app_fields(req, &fields[F_FORM], 1, &v[F_FORM]) && v[F_FORM].present && v[F_FORM].i == 1)
		lq->form = 1;
	for (i = 0; i < F__N; i++) {
		const char *p = fields[i].name;

		if (i == F_FORM || !app_fields(req, &fields[i], 1, &v[i]))
			continue;
		memset(&v[i], 0, sizeof(v[i]));
		why = !strcmp(p, "from") || !strcmp(p, "to") ? "use a date as YYYY-MM-DD"
		      : !strcmp(p, "page") || !strcmp(p, "per_page") || !strcmp(p, "customer")
		      ? "use a whole number from 1" : "it is too long or has control characters";
		/* sort, dir, page and cols come from links, never typed: always a 400 */
		if (!field_msg[i])
			return bad(req, p, why);
		if ((e = bad_field(req, lq, p, why, field_msg[i], app_param(req, p))))
			return e;
	}
	if (v[F_Q].present) {
		if (trimmed(v[F_Q].s, 100, lq->q, sizeof(lq->q)))
			e = bad_field(req, lq, "q", "search for at most 100 characters", field_msg[F_Q], v[F_Q].s);
		else
			lq->q_number = looks_like_number(req, lq->q);
		str_copy(lq->num_prefix[0], sizeof(lq->num_prefix[0]), req->cfg->invoice_prefix);
		str_copy(lq->num_prefix[1], sizeof(lq->num_prefix[1]), config_get(req->cfg, "Invoice.CreditPrefix", "CN"));
		if (e)
			return e;
	}
	if (v[F_CNAME].present && trimmed(v[F_CNAME].s, 100, lq->customer_name, sizeof(lq->customer_name))
	    && (e = bad_field(req, lq, "customer_name", "use at most 100 characters", field_msg[F_CNAME], v[F_CNAME].s)))
		return e;
	if ((e = app_field_each(req, "status", app_v_line, add_status, lq)))
		return e;
	if (v[F_CUSTOMER].present)
		lq->customer = v[F_CUSTOMER].i;
	if (v[F_CURRENCY].present) {
		/* "eur", " EUR " */
		char code[4] = "";

		if (!trimmed(v[F_CURRENCY].s, 3, code, sizeof(code)) && strlen(code) == 3)
			for (i = 0; i < 3; i++)
				code[i] = (char)(code[i] >= 'a' && code[i] <= 'z' ? code[i] - 'a' + 'A' : code[i]);
		if (strlen(code) == 3 && money_currency(code))
			memcpy(lq->currency, code, 4);
		else if ((e = bad_field(req, lq, "currency", "use an ISO 4217 code such as EUR", field_msg[F_CURRENCY],
					v[F_CURRENCY].s)))
			return e;
	}
	if (v[F_DATE].present) {
		s = v[F_DATE].s;
		if (!strcmp(s, "invoice"))
			lq->date = DATE_INVOICE;
		else if (!strcmp(s, "due"))
			lq->date = DATE_DUE;
		else if (!strcmp(s, "period"))
			lq->date = DATE_PERIOD;
		else if ((e = bad_field(req, lq, "date", "use invoice, due or period", field_msg[F_DATE], s)))
			return e;
	}
	/* from after to: the range meant is the other way round */
	if (v[F_FROM].present && v[F_TO].present && v[F_FROM].i > v[F_TO].i) {
		struct app_value t = v[F_FROM];

		v[F_FROM] = v[F_TO];
		v[F_TO] = t;
	}
	if (v[F_FROM].present)
		memcpy(lq->from, v[F_FROM].s, 11);
	if (v[F_TO].present)
		memcpy(lq->to, v[F_TO].s, 11);
	if (v[F_MIN].present && (e = parse_amount(req, lq, "min", v[F_MIN].s, lq->min, sizeof(lq->min))))
		return e;
	if (v[F_MAX].present && (e = parse_amount(req, lq, "max", v[F_MAX].s, lq->max, sizeof(lq->max))))
		return e;
	if (lq->min[0] && lq->max[0]) {
		int64_t lo, hi;

		if (!money_parse(lq->min, 3, &lo) && !money_parse(lq->max, 3, &hi) && lo > hi) {
			char t[sizeof(lq->min)];

			memcpy(t, lq->min, sizeof(t));
			memcpy(lq->min, lq->max, sizeof(t));
			memcpy(lq->max, t, sizeof(t));
		}
	}
	if (v[F_SORT].present && !column_by_key(v[F_SORT].s, v[F_SORT].len, &lq->sort))
		return bad(req, "sort", "use one of the column keys");
	if (v[F_DIR].present) {
		if (!strcmp(v[F_DIR].s, "asc"))
			lq->desc = 0;
		else if (!strcmp(v[F_DIR].s, "desc"))
			lq->desc = 1;
		else
			return bad(req, "dir", "use asc or desc");
	} else if (v[F_SORT].present) {
		lq->desc = 0;
	}
	if (v[F_PAGE].present) {
		if (v[F_PAGE].i > 1000000)
			return bad(req, "page", "use a page from 1 to 1000000");
		lq->page = v[F_PAGE].i;
	}
	if (v[F_PER_PAGE].present) {
		if (v[F_PER_PAGE].i >= 10 && v[F_PER_PAGE].i <= 500)
			lq->per_page = v[F_PER_PAGE].i;
		else if ((e = bad_field(req, lq, "per_page", "use 10 to 500 rows a page", field_msg[F_PER_PAGE],
					app_param(req, "per_page"))))
			return e;
	}
	if (v[F_COLS].present) {
		if (listq_parse_cols(v[F_COLS].s, lq->cols, &lq->ncols))
			return bad(req, "cols", "use column keys separated by commas");
		lq->cols_given = 1;
	}
	return IE_OK;
}

/* ---------- SQL ---------- */

/* The count and sums of filters the sums tables cannot answer: invoices i
 * (the statement goes on with its FROM), grouped as listq_sum_add takes them:
 * currency, status, kind, how many, total, paid, balance. */
#define SUMS_OF_INVOICES "SELECT c.currency, c.status, c.kind, COUNT(*), SUM(c.total), SUM(c.paid_amount), " \
	"SUM(c.balance) FROM (SELECT i.currency, i.status, i.kind, i.total, i.paid_amount, i.balance FROM "
#define SUMS_GROUP " GROUP BY c.currency, c.status, c.kind"

static ierr arg(struct listq_sql *s, struct db_arg a)
{
	if (s->nargs == LISTQ_MAX_ARGS)
		return IE_INTERNAL;
	s->args[s->nargs++] = a;
	return IE_OK;
}

/* Appends a condition on invoices (alias i) and, when the filter can be
 * answered from invoice_day_totals (alias t), the same condition there;
 * `sum` NULL means it cannot, and totals are then counted from invoices. */
static ierr clause2(struct listq_sql *s, const char *sql, const char *sum)
{
	ierr e = buf_puts(&s->where, s->where.len ? " AND " : " WHERE ") ?: buf_puts(&s->where, sql);

	if (e)
		return e;
	if (!sum) {
		s->summable = 0;
		return IE_OK;
	}
	return buf_puts(&s->sumwhere, s->sumwhere.len ? " AND " : " WHERE ") ?: buf_puts(&s->sumwhere, sum);
}

static ierr clause(struct listq_sql *s, const char *sql)
{
	return clause2(s, sql, NULL);
}

/* LIKE pattern for `text`: %, _ and \ escaped, then prefix/suffix wildcards. */
static void like_pattern(const char *text, int leading, char *out, size_t outsz)
{
	size_t o = 0;

	if (leading && o + 1 < outsz)
		out[o++] = '%';
	for (; *text && o + 3 < outsz; text++) {
		if (*text == '%' || *text == '_' || *text == '\\')
			out[o++] = '\\';
		out[o++] = *text;
	}
	out[o++] = '%';
	out[o] = '\0';
}

/* The length in bytes of the first `chars` characters of UTF-8 text w[0..len). */
static size_t utf8_prefix(const char *w, size_t len, size_t chars)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (((unsigned char)w[i] & 0xC0) != 0x80 && chars-- == 0)
			break;
	return i;
}

void listq_fold(const char *in, char *out, size_t outsz)
{
	static const struct { const char *from, *to; } map[] = {
		{ "\xc5\x81", "l" }, { "\xc5\x82", "l" }, { "\xc3\x98", "o" }, { "\xc3\xb8", "o" },
		{ "\xc3\x9f", "ss" }, { "\xe1\xba\x9e", "ss" }, { "\xc3\x86", "ae" }, { "\xc3\xa6", "ae" },
		{ "\xc4\x90", "d" }, { "\xc4\x91", "d" }, { "\xc3\x90", "d" }, { "\xc3\xb0", "d" },
		{ "\xc5\x92", "oe" }, { "\xc5\x93", "oe" }, { "\xc3\x9e", "th" }, { "\xc3\xbe", "th" },
		{ "\xc4\xb1", "i" }, { "\xc4\xa6", "h" }, { "\xc4\xa7", "h" },
	};
	size_t o = 0;

	if (!outsz)
		return;
	while (*in) {
		const char *to = NULL;
		size_t from_len = 1, to_len, k;

		if ((unsigned char)*in >= 0x80)
			for (k = 0; k < sizeof(map) / sizeof(map[0]); k++) {
				size_t n = strlen(map[k].from);

				if (!strncmp(in, map[k].from, n)) {
					to = map[k].to;
					from_len = n;
					break;
				}
			}
		if (to) {
			to_len = strlen(to);
		} else {
			/* one character as it is */
			while (in[from_len] && ((unsigned char)in[from_len] & 0xC0) == 0x80)
				from_len++;
			to = in;
			to_len = from_len;
		}
		if (o + to_len >= outsz)
			break;
		memcpy(out + o, to, to_len);
		o += to_len;
		in += from_len;
	}
	out[o] = '\0';
}

int listq_bare_number(const char *q)
{
	size_t n = strspn(q, "0123456789");

	return n >= 1 && n <= 6 && !q[n];
}

/* The keywords of a search: words of 3+ characters that are not bare numbers
 * (those would match the dates in most lines), at most LISTQ_MAX_WORDS, each
 * as a LIKE prefix pattern for invoice_terms. Returns how many. */
static size_t keywords(const char *text, char pats[][LISTQ_WORD_PAT])
{
	size_t n = 0;

	while (*text && n < LISTQ_MAX_WORDS) {
		char word[LISTQ_WORD_PAT];
		const char *w;
		size_t len;

		while (*text && !((unsigned char)*text >= 0x80 || (*text >= '0' && *text <= '9')
				  || (*text >= 'a' && *text <= 'z') || (*text >= 'A' && *text <= 'Z')))
			text++;
		w = text;
		while ((unsigned char)*text >= 0x80 || (*text >= '0' && *text <= '9')
		       || (*text >= 'a' && *text <= 'z') || (*text >= 'A' && *text <= 'Z'))
			text++;
		len = (size_t)(text - w);
		if (len < 3 || strspn(w, "0123456789") >= len)
			continue;
		/* terms are stored cut at 32 characters; so is the word, never
		 * inside a UTF-8 sequence */
		len = utf8_prefix(w, len, 32);
		if (len > 128)
			len = 128;   /* not UTF-8 (the parser refuses it): the buffer still holds */
		memcpy(word, w, len);
		word[len] = '\0';
		like_pattern(word, 0, pats[n++], LISTQ_WORD_PAT);
	}
	return n;
}

ierr listq_scope_sql(struct listq_sql *s, const struct auth_scope *scope)
{
	ierr e = IE_OK;

	if (scope->customer_id) {
		if (!(e = clause(s, "i.customer_id = ?")))
			e = arg(s, DB_I(scope->customer_id));
	}
	if (!e && !scope->drafts)
		e = clause(s, "i.status <> 'draft'");
	return e;
}

/* The values of one status condition's '?' (inv_status_sql, ROWS and DAYS
 * take the same ones). */
static ierr status_args(struct listq_sql *s, const enum inv_sql_arg *args, size_t n)
{
	size_t k;
	ierr e = IE_OK;

	for (k = 0; !e && k < n; k++)
		e = arg(s, args[k] == INV_ARG_LATEST ? DB_S(s->latest) : args[k] == INV_ARG_EARLIEST ? DB_S(s->earliest)
			   : args[k] == INV_ARG_ZONES ? DB_S(s->zones) : DB_S(s->today));
	return e;
}

/* The status filter, from the one rule (inv_status_sql): over invoices and,
 * the same, over invoice_day_totals when those can tell (IE_UNSUPPORTED: the
 * filter is counted from the invoices). */
static ierr status_sql(struct listq_sql *s, unsigned mask)
{
	enum inv_sql_arg args[INV_SQL_MAX_ARGS], targs_[INV_SQL_MAX_ARGS];
	struct buf rows = BUF_INIT, days = BUF_INIT;
	unsigned i, first = 1;
	int summed = 1;
	size_t n, tn;
	ierr e = buf_puts(&rows, "(") ?: buf_puts(&days, "(");

	for (i = 0; !e && i < sizeof(status_keys) / sizeof(status_keys[0]); i++) {
		if (!(mask & LISTQ_STATUS_BIT(i)))
			continue;
		if (!first && (e = buf_puts(&rows, " OR ") ?: buf_puts(&days, " OR ")))
			break;
		if ((e = inv_status_sql(&rows, (enum inv_shown)i, INV_SQL_ROWS, args, &n)))
			break;
		e = inv_status_sql(&days, (enum inv_shown)i, INV_SQL_DAYS, targs_, &tn);
		if (e == IE_UNSUPPORTED) {
			summed = 0;
			e = IE_OK;
		} else if (!e && (n != tn || memcmp(args, targs_, n * sizeof(args[0])))) {
			e = IE_INTERNAL;   /* the two forms share their values */
		}
		if (!e)
			e = status_args(s, args, n);
		first = 0;
	}
	if (!e)
		e = buf_puts(&rows, ")") ?: buf_puts(&days, ")");
	if (!e)
		e = clause2(s, rows.data, summed ? days.data : NULL);
	buf_free(&rows);
	buf_free(&days);
	return e;
}

static ierr date_sql(struct listq_sql *s, const struct listq *lq)
{
	static const char *const from_sql[][2] = {
		[DATE_INVOICE] = { "i.invoice_date >= ?", "t.invoice_date >= ?" },
		[DATE_DUE] = { "i.due_date >= ?", "t.due_date >= ?" },
		[DATE_PERIOD] = { "i.period_start >= ?", NULL },
	};
	static const char *const to_sql[][2] = {
		[DATE_INVOICE] = { "i.invoice_date <= ?", "t.invoice_date <= ?" },
		[DATE_DUE] = { "i.due_date <= ?", "t.due_date <= ?" },
		[DATE_PERIOD] = { "i.period_end <= ?", NULL },
	};
	ierr e = IE_OK;

	if (lq->from[0] && !(e = clause2(s, from_sql[lq->date][0], from_sql[lq->date][1])))
		e = arg(s, DB_S(lq->from));
	if (!e && lq->to[0] && !(e = clause2(s, to_sql[lq->date][0], to_sql[lq->date][1])))
		e = arg(s, DB_S(lq->to));
	return e;
}

/* A word search's patterns, from the folded text: the number prefix, the
 * name (any part), the keywords, the whole text as a term prefix (one token
 * of 3+ characters that is not just the one keyword: "po-2025-33093",
 * "547"), and a bare number 0-padded to 6 digits. */
static void search_patterns(const struct listq *lq, char prefix[810], char like[810],
			    char words[][LISTQ_WORD_PAT], size_t *nwords, char token[LISTQ_WORD_PAT], char digits[8])
{
	char fq[sizeof(lq->q)], cut[LISTQ_WORD_PAT];
	size_t n;

	listq_fold(lq->q, fq, sizeof(fq));
	like_pattern(lq->q, 0, prefix, 810);
	like_pattern(fq, 1, like, 810);
	*nwords = keywords(fq, words);
	token[0] = digits[0] = '\0';
	n = strlen(fq);
	if (!strchr(fq, ' ') && utf8_prefix(fq, n, 2) < n) {
		/* 3+ characters: cut as the terms are */
		n = utf8_prefix(fq, n, 32);
		if (n > 128)
			n = 128;
		memcpy(cut, fq, n);
		cut[n] = '\0';
		like_pattern(cut, 0, token, LISTQ_WORD_PAT);
		if (*nwords == 1 && !strcmp(token, words[0]))
			token[0] = '\0';
	}
	if (listq_bare_number(lq->q)) {
		n = strlen(lq->q);
		memset(digits, '0', 6 - n);
		memcpy(digits + 6 - n, lq->q, n + 1);
	}
}

/* A bare number's invoices: PREFIX-YEAR-NNNNNN for every series and year
 * there is, each found by the number's unique index. Binds the invoice
 * prefix, the credit note prefix and the digits. */
#define DIGITS_IDS "SELECT dn.id FROM number_sequences ns STRAIGHT_JOIN invoices dn ON dn.number = " \
	"CONCAT(IF(ns.series = 'credit', ?, ?), '-', ns.year, '-', ?)"

/* An invoice number, exact or a prefix of one: its unique index alone. */
static ierr number_sql(struct listq_sql *s, const struct listq *lq)
{
	like_pattern(lq->q, 0, s->prefix_q, sizeof(s->prefix_q));
	return clause(s, "i.number LIKE ?") ?: arg(s, DB_S(s->prefix_q));
}

/*
 * A word search matches the number (prefix), the customer's name (any part,
 * accent- and case-insensitive) or the line keywords (each a word prefix in
 * some line of the invoice, from invoice_terms). Three statements use it:
 *   few matches (listq_search_plan): the rows start from the matches, a
 *     UNION of one branch per index joined ahead of the WHERE;
 *   many matches: the rows are read in sort order and tested one by one,
 *     which stops after a page of hits;
 *   the count: the same branches with the filters inside and each LIMITed
 *     to cap + 1 rows, which decides "more than cap" as exactly as the whole
 *     UNION would, and reads at most 3 * (cap + 1) ids.
 * It runs after the filters are built: s->where holds them alone then.
 * The customers matched by name come listed (listq_search_plan) unless
 * there are too many; then each statement matches the names itself.
 */
#define NAME_IDS "JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT UNSIGNED PATH '$'))"
/* how keyword k is compared: a term, or a prefix pattern */
static const char *term_is(const struct listq_sql *s, size_t k)
{
	return s->word_exact[k] ? " = ?" : " LIKE ?";
}

/* Keyword k probed in one invoice's terms: head names the invoice (one of
 * the PROBE_* texts), the probe is a scalar subquery (see search_sql on
 * EXISTS). The caller binds word_q[k]. */
#define PROBE_OF_INVOICE "(SELECT 1 FROM invoice_terms tw WHERE tw.invoice_id = i.id AND tw.term"
#define PROBE_OF_TERM "(SELECT 1 FROM invoice_terms tw WHERE tw.invoice_id = t0.invoice_id AND tw.term"
#define PROBE_OF_ROW "(SELECT 1 FROM invoice_terms t WHERE t.invoice_id = i.id AND t.term"
static ierr word_probe(struct buf *out, const struct listq_sql *s, size_t k, const char *head)
{
	return buf_puts(out, head) ?: buf_puts(out, term_is(s, k)) ?: buf_puts(out, " LIMIT 1) IS NOT NULL");
}

static ierr branch(struct listq_sql *s, struct buf *out, int kind, const struct buf *filters,
		   const struct db_arg *fargs, size_t nfargs, long long limit, struct db_arg *args, size_t *nargs)
{
	size_t k, cap = LISTQ_MAX_ARGS * 2;
	ierr e;

#define PUT(a) do { if (*nargs == cap) return IE_INTERNAL; args[(*nargs)++] = (a); } while (0)
	if (limit && (e = buf_puts(out, "(")))
		return e;
	switch (kind) {
	case 0:
		if (s->digits_q[0]) {
			/* a bare number: every series' and year's invoice with it */
			e = buf_puts(out, "SELECT i.id FROM number_sequences ns STRAIGHT_JOIN invoices i ON i.number = "
				     "CONCAT(IF(ns.series = 'credit', ?, ?), '-', ns.year, '-', ?) WHERE 1");
			PUT(DB_S(s->num_prefix[1]));
			PUT(DB_S(s->num_prefix[0]));
			PUT(DB_S(s->digits_q));
			break;
		}
		e = buf_puts(out, "SELECT i.id FROM invoices i WHERE i.number LIKE ?");
		PUT(DB_S(s->prefix_q));
		break;
	case 1:
		if (s->names_q) {
			e = buf_puts(out, "SELECT i.id FROM " NAME_IDS " c STRAIGHT_JOIN invoices i "
				     "ON i.customer_id = c.id WHERE 1");
			PUT(DB_S(s->names_q));
			break;
		}
		e = buf_puts(out, "SELECT i.id FROM customers c STRAIGHT_JOIN invoices i ON i.customer_id = c.id "
			     "WHERE (c.name_fold LIKE ? OR c.email LIKE ?)");
		PUT(DB_S(s->like_q));
		PUT(DB_S(s->like_q));
		break;
	case 3:
		/* the whole text as a term (a custom field's value or word) */
		e = buf_puts(out, limit ? "SELECT DISTINCT tv.invoice_id AS id FROM invoice_terms tv"
				 : "SELECT tv.invoice_id AS id FROM invoice_terms tv");
		if (limit && filters->len && !e)
			e = buf_puts(out, " STRAIGHT_JOIN invoices i ON i.id = tv.invoice_id");
		if (!e)
			e = buf_puts(out, " WHERE tv.term LIKE ?");
		PUT(DB_S(s->token_q));
		break;
	default:
		if (limit && (s->dense_words || s->one_customer) && filters->len) {
			/* dense words and a filter, or one customer's invoices: from
			 * the filter's invoices, each probed for every word (a count's
			 * worth of hits comes soon, or there are few to probe; without
			 * a filter the word's own invoices are quicker) */
			e = buf_puts(out, s->word_exact[0] ? "SELECT i.id" : "SELECT DISTINCT i.id")
			    ?: buf_puts(out, " FROM invoices i STRAIGHT_JOIN invoice_terms t0 ON t0.invoice_id = i.id AND t0.term")
			    ?: buf_puts(out, term_is(s, 0)) ?: buf_puts(out, " WHERE 1");
			PUT(DB_S(s->word_q[0]));
			for (k = 1; !e && k < s->nwords; k++) {
				e = buf_puts(out, " AND ") ?: word_probe(out, s, k, PROBE_OF_INVOICE);
				PUT(DB_S(s->word_q[k]));
			}
			break;
		}
		/* the first word, then every further one in some line of the same invoice */
		/* LIMITed, a branch must count invoices, not terms; the UNION dedups the rest */
		e = buf_puts(out, limit ? "SELECT DISTINCT t0.invoice_id AS id FROM invoice_terms t0"
				 : "SELECT t0.invoice_id AS id FROM invoice_terms t0");
		/* from the word's invoices (the optimizer would rather walk a
		 * filter's index and probe each invoice for the word) */
		if (limit && filters->len && !e)
			e = buf_puts(out, " STRAIGHT_JOIN invoices i ON i.id = t0.invoice_id");
		if (!e)
			e = buf_puts(out, " WHERE t0.term") ?: buf_puts(out, term_is(s, 0));
		PUT(DB_S(s->word_q[0]));
		/* a probe per invoice (see search_sql on EXISTS) */
		for (k = 1; !e && k < s->nwords; k++) {
			e = buf_puts(out, " AND ") ?: word_probe(out, s, k, PROBE_OF_TERM);
			PUT(DB_S(s->word_q[k]));
		}
		break;
	}
	if (!e && limit && filters->len) {
		/* the filters' own " WHERE " continues this one */
		e = buf_puts(out, " AND ") ?: buf_put(out, filters->data + 7, filters->len - 7);
		for (k = 0; !e && k < nfargs; k++)
			PUT(fargs[k]);
	}
	if (!e && limit)
		e = buf_printf(out, " LIMIT %lld)", limit);
#undef PUT
	return e;
}

static ierr search_sql(struct listq_sql *s, const struct listq *lq)
{
	struct buf filters = BUF_INIT;
	struct db_arg fargs[LISTQ_MAX_ARGS], sargs[LISTQ_MAX_ARGS * 2];
	size_t nfargs = s->nargs, nsargs = 0, kinds, k;
	int kind[4];
	ierr e;

	search_patterns(lq, s->prefix_q, s->like_q, s->word_q, &s->nwords, s->token_q, s->digits_q);
	if (lq->q_token_only)
		s->nwords = 0;
	s->num_prefix[0] = lq->num_prefix[0];
	s->num_prefix[1] = lq->num_prefix[1];
	for (k = 0; k < s->nwords; k++) {
		/* a prefix only one term has: that term, found by its key */
		if (!(lq->q_exact & (1u << k)))
			continue;
		memcpy(s->word_q[k], lq->q_term[k], sizeof(s->word_q[k]));
		s->word_exact[k] = 1;
	}
	if (lq->q_rarest && lq->q_rarest < s->nwords) {
		/* the rarest keyword first: it drives, the others are probed */
		char first[LISTQ_WORD_PAT];
		int exact = s->word_exact[0];

		memcpy(first, s->word_q[0], sizeof(first));
		memcpy(s->word_q[0], s->word_q[lq->q_rarest], sizeof(first));
		memcpy(s->word_q[lq->q_rarest], first, sizeof(first));
		s->word_exact[0] = s->word_exact[lq->q_rarest];
		s->word_exact[lq->q_rarest] = exact;
	}
	s->names_q = lq->q_names;
	/* number, name, keywords (when there are), the whole text (when a token) */
	kinds = 0;
	kind[kinds++] = 0;
	kind[kinds++] = 1;
	if (s->nwords)
		kind[kinds++] = 2;
	if (s->token_q[0])
		kind[kinds++] = 3;
	s->summable = 0;
	s->search_count = 1;
	s->common_words = lq->q_common;
	s->dense_words = lq->q_dense;
	/* a search counts exactly up to its own, lower cap */
	if (lq->search_count_cap > 0 && lq->search_count_cap < s->cap)
		s->cap = lq->search_count_cap;
	memcpy(fargs, s->args, nfargs * sizeof(fargs[0]));
	if ((e = buf_put(&filters, s->where.data ? s->where.data : "", s->where.len)))
		goto out;

	/* the count, with the filters in every branch */
	e = buf_puts(&s->totals, SUMS_OF_INVOICES "(");
	for (k = 0; !e && k < kinds; k++)
		e = (k ? buf_puts(&s->totals, " UNION ") : IE_OK)
		    ?: branch(s, &s->totals, kind[k], &filters, fargs, nfargs, s->cap + 1, s->targs, &s->ntargs);
	if (!e)
		e = buf_printf(&s->totals, ") sq STRAIGHT_JOIN invoices i ON i.id = sq.id LIMIT %lld) c" SUMS_GROUP,
			       s->cap + 1);
	if (e)
		goto out;

	if (lq->q_scan) {
		/* many matches: test each row in sort order; the numbers, the names
		 * and a keyword that is not common are each read once into a set
		 * (MariaDB materializes an IN subquery under OR), so the tests need
		 * only id and customer_id, which the filters' indexes hold too (0006) */
		if (s->digits_q[0])
			e = clause(s, "(i.id IN (" DIGITS_IDS ")") ?: arg(s, DB_S(s->num_prefix[1]))
			    ?: arg(s, DB_S(s->num_prefix[0])) ?: arg(s, DB_S(s->digits_q));
		else
			e = clause(s, lq->q_numbers_many ? "(i.number LIKE ?" : "(i.id IN (SELECT n.id FROM invoices n WHERE n.number LIKE ?)")
			    ?: arg(s, DB_S(s->prefix_q));
		/* the whole text as a term: a set when few have it, else a probe per row */
		if (!e && s->token_q[0])
			e = buf_puts(&s->where, lq->q_token_many
				     ? " OR (SELECT 1 FROM invoice_terms tv WHERE tv.invoice_id = i.id AND tv.term LIKE ? LIMIT 1) IS NOT NULL"
				     : " OR i.id IN (SELECT tv.invoice_id FROM invoice_terms tv WHERE tv.term LIKE ?)")
			    ?: arg(s, DB_S(s->token_q));
		/* no name matches: nothing to test, and the walk needs no row but the index's */
		if (!e && s->names_q && strcmp(s->names_q, "[]"))
			e = buf_puts(&s->where, " OR i.customer_id IN (SELECT c.id FROM " NAME_IDS " c)")
			    ?: arg(s, DB_S(s->names_q));
		else if (!e && !s->names_q)
			e = buf_puts(&s->where, " OR i.customer_id IN (SELECT c.id FROM customers c "
				     "WHERE c.name_fold LIKE ? OR c.email LIKE ?)")
			    ?: arg(s, DB_S(s->like_q)) ?: arg(s, DB_S(s->like_q));
		if (!e && s->nwords && !s->common_words) {
			e = buf_puts(&s->where, " OR i.id IN (SELECT t0.invoice_id FROM invoice_terms t0 WHERE t0.term")
			    ?: buf_puts(&s->where, term_is(s, 0)) ?: arg(s, DB_S(s->word_q[0]));
			for (k = 1; !e && k < s->nwords; k++)
				e = buf_puts(&s->where, " AND ") ?: word_probe(&s->where, s, k, PROBE_OF_TERM)
				    ?: arg(s, DB_S(s->word_q[k]));
			if (!e)
				e = buf_puts(&s->where, ")");
		} else {
			for (k = 0; !e && k < s->nwords; k++) {
				e = buf_puts(&s->where, k ? " AND " : " OR (")
				    /* common: a scalar probe per row, which a page of hits
				     * ends soon (10.11 would turn EXISTS into a semi-join
				     * that first reads every invoice with the word) */
				    ?: word_probe(&s->where, s, k, PROBE_OF_ROW) ?: arg(s, DB_S(s->word_q[k]));
			}
			if (!e && s->nwords)
				e = buf_puts(&s->where, ")");
		}
		if (!e)
			e = buf_puts(&s->where, ")");
		goto out;
	}
	/* few matches: start from them (STRAIGHT_JOIN: the optimizer would rather
	 * walk the sort column's index and look each row up in them); they come
	 * before the WHERE, so do their values */
	e = buf_puts(&s->join, "(");
	for (k = 0; !e && k < kinds; k++)
		e = (k ? buf_puts(&s->join, " UNION ") : IE_OK)
		    ?: branch(s, &s->join, kind[k], &filters, NULL, 0, 0, sargs, &nsargs);
	if (!e)
		e = buf_puts(&s->join, ") sq STRAIGHT_JOIN invoices i ON i.id = sq.id");
	if (!e && nsargs + s->nargs > LISTQ_MAX_ARGS)
		e = IE_INTERNAL;
	if (!e) {
		memmove(s->args + nsargs, s->args, s->nargs * sizeof(s->args[0]));
		memcpy(s->args, sargs, nsargs * sizeof(s->args[0]));
		s->nargs += nsargs;
	}
out:
	buf_free(&filters);
	return e;
}

/* lq->q_names: the ids of the customers whose name matches, when few; kept
 * in the memo under customer_names_version (sql/0007) */
static ierr list_names(struct db *db, struct memo *memo, struct listq *lq, const char *like,
		       char names[LISTQ_NAMES_SIZE])
{
	struct buf sql = BUF_INIT, key = BUF_INIT;
	struct db_arg a[2] = { DB_S(like), DB_S(like) };
	struct db_res r;
	size_t o = 0, n = 0;
	long long version = 0;
	ierr e;
	long long most = lq->search_names < LISTQ_NAME_IDS ? lq->search_names : LISTQ_NAME_IDS;

	lq->q_names = NULL;
	names[0] = '\0';
	if (most <= 0)
		return IE_OK;
	if (memo) {
		e = db_query_row(db, &r, "SELECT v FROM customer_names_version WHERE id = 1", NULL, 0);
		if (e == IE_OK)
			version = db_int(&r, 0);
		if (e == IE_OK || e == IE_NOTFOUND)
			db_free(&r);
		if (e && e != IE_NOTFOUND)
			return e;
		e = buf_puts(&key, "names ") ?: buf_put_int(&key, most) ?: buf_puts(&key, " ") ?: buf_puts(&key, like);
		if (e)
			goto out;
		if (version && memo_get(memo, key.data, key.len, version, names, LISTQ_NAMES_SIZE) == IE_OK)
			goto out;
	}
	e = buf_printf(&sql, "SELECT c.id FROM customers c WHERE c.name_fold LIKE ? OR c.email LIKE ? LIMIT %lld",
		       most + 1);
	if (!e)
		e = db_query_built(db, &r, &sql, a, 2);
	if (e)
		goto out;
	names[o++] = '[';
	while ((e = db_next(&r)) == IE_OK && (long long)n < most) {
		char id[24];
		const char *t = str_of_int(db_int(&r, 0), id);
		size_t len = strlen(t);

		if (n++)
			names[o++] = ',';
		memcpy(names + o, t, len);
		o += len;
	}
	if (e == IE_NOTFOUND) {
		names[o++] = ']';
		names[o] = '\0';
		e = IE_OK;
	} else if (e == IE_OK) {
		names[0] = '\0';   /* too many: each statement matches the name */
	}
	db_free(&r);
	/* a full memo only costs the next search this scan */
	if (!e && memo && version)
		(void)memo_put(memo, key.data, key.len, version, names, LISTQ_NAMES_SIZE);
out:
	if (!e && names[0])
		lq->q_names = names;
	buf_free(&sql);
	buf_free(&key);
	return e;
}

/*
 * Matches read from their indexes and joined to the rows cost about ten
 * times a row walked in sort order, and the walk needs a page's worth of hits
 * (offset + per_page) at the matches' density. So the walk pays from about
 * sqrt(rows needed * invoices / 10) matches on: List.SearchScan (2,000, for
 * a million invoices) for 50 rows from the start, more for deeper or longer
 * pages.
 */
static long long isqrt(long long v)
{
	long long r = 0, bit = 1LL << 62;

	while (bit > v)
		bit >>= 2;
	for (; bit; bit >>= 2) {
		if (v >= r + bit) {
			v -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
	}
	return r;
}

static long long scan_threshold(const struct listq *lq, long long base)
{
	long long page = lq->page > 0 && lq->page < 1000000000 ? lq->page : 1;
	long long need = page * (lq->per_page > 0 ? lq->per_page : 50);

	/* base * sqrt(need / 50), in hundredths */
	return base * isqrt(need * 200) / 100;
}

#define FIRST_TERM "(SELECT t.term FROM invoice_terms t WHERE t.term LIKE ? ORDER BY t.term LIMIT 1)"

ierr listq_search_plan(struct db *db, struct memo *memo, struct listq *lq, char names[LISTQ_NAMES_SIZE])
{
	char prefix[810], like[810], words[LISTQ_MAX_WORDS][LISTQ_WORD_PAT], token[LISTQ_WORD_PAT], digits[8];
	struct db_arg args[8 + 4 * LISTQ_MAX_WORDS];
	struct buf sql = BUF_INIT;
	size_t n, k, nargs = 0;
	long long base = lq->search_scan > 0 ? lq->search_scan : LISTQ_SEARCH_SCAN;
	long long scan = scan_threshold(lq, base), many = scan;
	long long numbers = scan > base * LISTQ_SEARCH_NUMBERS ? scan : base * LISTQ_SEARCH_NUMBERS;
	struct db_res r;
	ierr e;

	lq->q_scan = lq->q_common = lq->q_dense = lq->q_numbers_many = lq->q_token_many = lq->q_token_only = 0;
	lq->q_rarest = 0;
	lq->q_exact = 0;
	lq->q_names = NULL;
	memset(&r, 0, sizeof(r));
	if (!lq->q[0] || lq->q_number)
		return IE_OK;
	search_patterns(lq, prefix, like, words, &n, token, digits);
	if (digits[0]) {
		/* a bare number means an invoice (or a reference), not the
		 * customers whose email has those digits: no names */
		memcpy(names, "[]", 3);
		lq->q_names = names;
	} else if ((e = list_names(db, memo, lq, like, names))) {
		goto out;
	}
	/* each branch counted up to what the decisions need, each keyword alone
	 * with the span of invoice ids its first matches cover (their density);
	 * and a keyword's one term when its prefix has no other (the first
	 * equals the last under the collation), which a key then finds rather
	 * than a pattern (MIN and MAX over a LIKE would read the whole range).
	 * The select list's values come first, then the counts'. */
	e = buf_puts(&sql, "SELECT a.n, b.n");
	for (k = 0; !e && k < n; k++) {
		e = buf_printf(&sql, ", w%zu.n, w%zu.span, ", k, k)
		    ?: buf_puts(&sql, FIRST_TERM ", " FIRST_TERM " = (SELECT t.term FROM invoice_terms t "
				"WHERE t.term LIKE ? ORDER BY t.term DESC LIMIT 1)");
		args[nargs++] = DB_S(words[k]);
		args[nargs++] = DB_S(words[k]);
		args[nargs++] = DB_S(words[k]);
	}
	if (!e)
		e = buf_puts(&sql, ", v.n")
		    ?: buf_puts(&sql, digits[0] ? " FROM (SELECT COUNT(*) n FROM (" DIGITS_IDS
				: " FROM (SELECT COUNT(*) n FROM (SELECT 1 FROM invoices i WHERE i.number LIKE ?")
		    ?: buf_printf(&sql, " LIMIT %lld) x) a, (SELECT COUNT(*) n FROM (SELECT 1 FROM ", numbers + 1)
		    ?: buf_puts(&sql, lq->q_names ? NAME_IDS " c STRAIGHT_JOIN invoices i ON i.customer_id = c.id"
				: "customers c JOIN invoices i ON i.customer_id = c.id WHERE c.name_fold LIKE ? OR c.email LIKE ?")
		    ?: buf_printf(&sql, " LIMIT %lld) x) b", many + 1);
	if (digits[0]) {
		args[nargs++] = DB_S(lq->num_prefix[1]);
		args[nargs++] = DB_S(lq->num_prefix[0]);
		args[nargs++] = DB_S(digits);
	} else {
		args[nargs++] = DB_S(prefix);
	}
	args[nargs++] = lq->q_names ? DB_S(lq->q_names) : DB_S(like);
	if (!lq->q_names)
		args[nargs++] = DB_S(like);
	for (k = 0; !e && k < n; k++) {
		e = buf_printf(&sql, ", (SELECT COUNT(*) n, MAX(x.invoice_id) - MIN(x.invoice_id) + 1 span FROM "
			       "(SELECT t.invoice_id FROM invoice_terms t WHERE t.term LIKE ? LIMIT %lld) x) w%zu", many + 1, k);
		args[nargs++] = DB_S(words[k]);
	}
	if (!e && token[0]) {
		e = buf_printf(&sql, ", (SELECT COUNT(*) n FROM (SELECT 1 FROM invoice_terms t WHERE t.term LIKE ? "
			       "LIMIT %lld) x) v", numbers + 1);
		args[nargs++] = DB_S(token);
	} else if (!e) {
		e = buf_puts(&sql, ", (SELECT 0 n) v");
	}
	if (!e)
		e = db_query_built(db, &r, &sql, args, nargs);
	if (!e && (e = db_next(&r)) == IE_OK) {
		long long by_word = 0, span = 0;

		for (k = 0; k < n; k++) {
			unsigned col = 2 + 4 * (unsigned)k;
			long long c = db_int(&r, col);
			const char *term = db_str(&r, col + 2);

			if (term && db_int(&r, col + 3) == 1 && !str_copy(lq->q_term[k], sizeof(lq->q_term[k]), term))
				lq->q_exact |= 1u << k;
			if (!k || c < by_word) {
				by_word = c;
				span = db_int(&r, col + 1);
				lq->q_rarest = k;
			}
		}
		/* the density of the rarest word's first matches in id order: a
		 * common word is probed on each row walked rather than read into a
		 * set first; a dense one is counted from the filter's invoices */
		lq->q_common = by_word > many && span > 0 && by_word * LISTQ_SEARCH_COMMON >= span;
		lq->q_dense = by_word > many && span > 0 && by_word * LISTQ_SEARCH_DENSE >= span;
		lq->q_numbers_many = db_int(&r, 0) > numbers;
		/* most rows walked then match by number: a set would be read in vain */
		lq->q_common |= lq->q_numbers_many;
		/* like a number prefix: a set unless it holds more than 5 times
		 * the scan threshold (then a probe per row walked) */
		lq->q_token_many = db_int(&r, 2 + 4 * (unsigned)n) > numbers;
		/* one token that is a term ("ctr-00003-2024"): its pieces ("ctr")
		 * as keywords would find every contract */
		lq->q_token_only = n && db_int(&r, 2 + 4 * (unsigned)n) > 0;
		if (lq->q_token_only)
			by_word = 0;
		lq->q_scan = db_int(&r, 0) + db_int(&r, 1) + by_word + db_int(&r, 2 + 4 * (unsigned)n) > scan;
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
	db_free(&r);
out:
	buf_free(&sql);
	return e;
}

/* ---------- totals from the monthly and per-day sums ---------- */

/* out = "YYYY-MM-DD" */
static void put_date(char out[11], int y, int m, int d)
{
	out[0] = (char)('0' + y / 1000 % 10);
	out[1] = (char)('0' + y / 100 % 10);
	out[2] = (char)('0' + y / 10 % 10);
	out[3] = (char)('0' + y % 10);
	out[4] = '-';
	out[5] = (char)('0' + m / 10);
	out[6] = (char)('0' + m % 10);
	out[7] = '-';
	out[8] = (char)('0' + d / 10);
	out[9] = (char)('0' + d % 10);
	out[10] = '\0';
}

/* "YYYY-MM-DD" -> first day of its month, or of the next month (next = 1) */
static void month_of(const char *date, int next, char out[11])
{
	int y = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
	int m = (date[5] - '0') * 10 + (date[6] - '0');

	if (next && ++m == 13) {
		m = 1;
		y++;
	}
	put_date(out, y, m, 1);
}

static int day_of(const char *date)
{
	return (date[8] - '0') * 10 + (date[9] - '0');
}

static int last_day(const char *date)
{
	int y = (date[0] - '0') * 1000 + (date[1] - '0') * 100 + (date[2] - '0') * 10 + (date[3] - '0');
	int m = (date[5] - '0') * 10 + (date[6] - '0');

	return day_of(date) == date_mdays(y, m);
}

static ierr targ(struct listq_sql *s, struct db_arg a)
{
	if (s->ntargs == sizeof(s->targs) / sizeof(s->targs[0]))
		return IE_INTERNAL;
	s->targs[s->ntargs++] = a;
	return IE_OK;
}

/* b holds the monthly part's conditions only; the SELECT is put in front later */
static ierr mcond(struct buf *b, const char *sql)
{
	return buf_puts(b, b->len ? " AND " : " WHERE ") ?: buf_puts(b, sql);
}

/*
 * Whole months come from invoice_month_totals; invoice_day_totals adds the
 * rest: the partial months at the edges of a date range and, when a status
 * turns on today's date (due, partial, overdue), the invoices due this month.
 * R is "counted by month": every range covers the row's whole month and, for
 * those statuses, the row is not due this month. The monthly part sums R with
 * month-level conditions, the daily part sums NOT R with the exact ones.
 */
static ierr totals_summed(struct listq_sql *s, const struct listq *lq)
{
	const unsigned derived_bits = LISTQ_STATUS_BIT(INV_DUE) | LISTQ_STATUS_BIT(INV_PARTIAL)
				      | LISTQ_STATUS_BIT(INV_OVERDUE);
	int derived = (lq->status & derived_bits) != 0;
	int ranged = (lq->date == DATE_INVOICE || lq->date == DATE_DUE) && (lq->from[0] || lq->to[0]);
	const char *mcol = lq->date == DATE_DUE ? "m.due_month" : "m.month";
	struct buf m = BUF_INIT;
	unsigned i, first = 1;
	ierr e;

	month_of(s->today, 0, s->cm);
	month_of(s->today, 1, s->nm);
	if (lq->from[0])
		month_of(lq->from, day_of(lq->from) != 1, s->lo);
	if (lq->to[0])
		month_of(lq->to, last_day(lq->to), s->hi);
	s->ntargs = 0;

	e = IE_OK;
	if (lq->status) {
		e = mcond(&m, "(");
		for (i = 0; !e && i < sizeof(status_keys) / sizeof(status_keys[0]); i++) {
			enum inv_sql_arg margs[INV_SQL_MAX_ARGS];
			size_t k, mn = 0;

			if (!(lq->status & LISTQ_STATUS_BIT(i)))
				continue;
			if (!first)
				e = buf_puts(&m, " OR ");
			if (!e)
				e = inv_status_sql(&m, (enum inv_shown)i, INV_SQL_MONTHS, margs, &mn);
			for (k = 0; !e && k < mn; k++)
				e = targ(s, DB_S(s->cm));
			first = 0;
		}
		if (!e)
			e = buf_puts(&m, ")");
	}
	if (!e && lq->currency[0] && !(e = mcond(&m, "m.currency = ?")))
		e = targ(s, DB_S(lq->currency));
	if (!e && ranged && lq->from[0] && !(e = mcond(&m, mcol)) && !(e = buf_puts(&m, " >= ?")))
		e = targ(s, DB_S(s->lo));
	if (!e && ranged && lq->to[0] && !(e = mcond(&m, mcol)) && !(e = buf_puts(&m, " < ?")))
		e = targ(s, DB_S(s->hi));
	if (!e && derived && !(e = mcond(&m, "m.due_month <> ?")))
		e = targ(s, DB_S(s->cm));

	/* neither a range nor a status that turns on today: the all-time sums, a
	 * few dozen rows read as they are and added up by listq_totals (cheaper
	 * than a GROUP BY's temporary table on the page everyone opens) */
	if (!e)
		e = buf_puts(&s->totals, derived || ranged
			     ? "SELECT x.currency, x.status, x.kind, SUM(x.n), SUM(x.total), SUM(x.paid), SUM(x.balance) "
			       "FROM (SELECT m.currency, m.status, m.kind, m.n, m.total, m.paid, m.balance "
			       "FROM invoice_month_totals m"
			     : "SELECT m.currency, m.status, m.kind, m.n, m.total, m.paid, m.balance FROM invoice_status_totals m");
	if (!e && m.len)
		e = buf_put(&s->totals, m.data, m.len);
	if (!e && (derived || ranged)) {
		const char *dcol = lq->date == DATE_DUE ? "t.due_date" : "t.invoice_date";
		size_t k;
		int or = 0;

		e = buf_puts(&s->totals, " UNION ALL SELECT t.currency, t.status, t.kind, t.n, t.total, t.paid, t.balance "
			     "FROM invoice_day_totals t");
		if (!e)
			e = buf_put(&s->totals, s->sumwhere.data ? s->sumwhere.data : "", s->sumwhere.len);
		for (k = 0; !e && k < s->nargs; k++)
			e = targ(s, s->args[k]);
		if (!e)
			e = buf_puts(&s->totals, s->sumwhere.len ? " AND (" : " WHERE (");
		if (!e && ranged && lq->from[0]) {
			e = buf_puts(&s->totals, dcol) ?: buf_puts(&s->totals, " < ?") ?: targ(s, DB_S(s->lo));
			or = 1;
		}
		if (!e && ranged && lq->to[0]) {
			e = buf_puts(&s->totals, or ? " OR " : "") ?: buf_puts(&s->totals, dcol)
			    ?: buf_puts(&s->totals, " >= ?") ?: targ(s, DB_S(s->hi));
			or = 1;
		}
		if (!e && derived) {
			e = buf_puts(&s->totals, or ? " OR " : "") ?: buf_puts(&s->totals, "(t.due_date >= ? AND t.due_date < ?)")
			    ?: targ(s, DB_S(s->cm)) ?: targ(s, DB_S(s->nm));
		}
		if (!e)
			e = buf_puts(&s->totals, ")");
	}
	if (!e && (derived || ranged))
		e = buf_puts(&s->totals, ") x GROUP BY x.currency, x.status, x.kind");
	buf_free(&m);
	return e;
}

int listq_deep(const struct listq *lq)
{
	return (lq->page - 1) * lq->per_page >= (lq->deep_offset > 0 ? lq->deep_offset : LISTQ_DEEP_OFFSET);
}

/* The page's SELECT in one direction (deep pages read backwards too, see listq_rows);
 * deferred: the ids from an index-only subquery first. */
/*
 * The index a filtered page walks, when MariaDB's choice is known to go
 * wrong: open invoices are the newest and paid ones the oldest, and the
 * largest amounts are in the currencies with the smallest units, so a sort
 * column's own index can pass most rows before it finds the filter's (due
 * invoices by number: 690 ms); and the optimizer sometimes sorts a whole
 * status rather than read it in order (paid by status: 200 ms). These lists
 * read an index that yields just the filter's invoices in order (sql/0009):
 * a currency sorted by an amount, a customer or a date (a customer bills in
 * one currency), else one stored status, and nothing else filtered.
 */
static const char *const status_hints[COL__COUNT] = {
	[COL_NUMBER] = " FORCE INDEX (ix_invoices_status_number)",
	[COL_CUSTOMER] = " FORCE INDEX (ix_invoices_status_customer)",
	[COL_DATE] = " FORCE INDEX (ix_invoices_status_date)",
	[COL_PERIOD] = " FORCE INDEX (ix_invoices_status_period)",
	[COL_DUE] = " FORCE INDEX (ix_invoices_status_due)",
	[COL_TOTAL] = " FORCE INDEX (ix_invoices_status_total)",
	[COL_PAID] = " FORCE INDEX (ix_invoices_status_paid)",
	[COL_BALANCE] = " FORCE INDEX (ix_invoices_status_balance)",
	[COL_PAID_STATE] = " FORCE INDEX (ix_invoices_status_paid_state)",
	[COL_STATUS] = " FORCE INDEX (ix_invoices_status_due)",
};
static const char *const currency_hints[COL__COUNT] = {
	[COL_CUSTOMER] = " FORCE INDEX (ix_invoices_currency_customer)",
	[COL_DATE] = " FORCE INDEX (ix_invoices_currency_date)",
	[COL_TOTAL] = " FORCE INDEX (ix_invoices_currency_total)",
	[COL_PAID] = " FORCE INDEX (ix_invoices_currency_paid)",
	[COL_BALANCE] = " FORCE INDEX (ix_invoices_currency_balance)",
};

/* How many stored statuses the status filter keeps (draft, open, paid, void),
 * from the rule (inv_shown_stored). */
static size_t stored_statuses(unsigned mask)
{
	unsigned i, bits = 0;
	size_t n = 0;

	for (i = 0; i < sizeof(status_keys) / sizeof(status_keys[0]); i++)
		if (mask & LISTQ_STATUS_BIT(i))
			bits |= inv_shown_stored((enum inv_shown)i);
	for (; bits; bits &= bits - 1)
		n++;
	return n;
}

/* a currency under other sorts: the sort column's own index, which holds it */
static const char *const own_hints[COL__COUNT] = {
	[COL_NUMBER] = " FORCE INDEX (ix_invoices_number_id)",
	[COL_PERIOD] = " FORCE INDEX (ix_invoices_period)",
	[COL_DUE] = " FORCE INDEX (ix_invoices_due)",
	[COL_PAID_STATE] = " FORCE INDEX (ix_invoices_paid_state)",
	[COL_STATUS] = " FORCE INDEX (ix_invoices_status_due)",
};

static const char *index_hint(const struct listq *lq, const struct auth_scope *scope)
{
	if (lq->q[0] || lq->customer || scope->customer_id || lq->from[0] || lq->to[0] || lq->min[0] || lq->max[0])
		return NULL;
	/* a currency first: amounts and customers go with it, not with a status */
	if (lq->currency[0] && currency_hints[lq->sort])
		return currency_hints[lq->sort];
	/* one stored status; or drafts and void ones only, few in any book:
	 * reading them all and sorting beats walking past every other invoice
	 * (the amount indexes have the currency after the status: amounts over
	 * several currencies are ordered by currency first, sql/0011) */
	if (stored_statuses(lq->status) == 1
	    || (lq->status && !(lq->status & ~(LISTQ_STATUS_BIT(INV_DRAFT) | LISTQ_STATUS_BIT(INV_CANCEL)))))
		return status_hints[lq->sort];
	/* amounts over several currencies, any other statuses: currency first */
	if (listq_currency_first(lq))
		return currency_hints[lq->sort];
	if (lq->currency[0])
		return own_hints[lq->sort];
	return NULL;
}

/*
 * sort=status orders by the shown status as far as an index can walk it
 * (ix_invoices_status_due: stored status, due date, id): Draft; then the
 * issued open ones by due date, so Overdue (due before today) come before
 * Due and Partly paid (those two by due date); then Paid; then Cancelled.
 * Issued credit notes sort with their stored status (open or paid) by their
 * date. Descending is the reverse. A strict order of the seven labels would
 * need the customer's date and the kind per row: a sort of the whole
 * filter, not a walk.
 */
static ierr order_by_rest(struct buf *out, const char *order, const char *dir);

#define STATUS_ORDER "i.status"
#define STATUS_ORDER_THEN "i.due_date"

int listq_currency_first(const struct listq *lq)
{
	return !lq->currency[0] && (lq->sort == COL_TOTAL || lq->sort == COL_PAID || lq->sort == COL_BALANCE);
}

/* " ORDER BY [i.currency <dir>, ]<order> <dir>, i.id <dir>"; order NULL: by id alone */
static ierr order_by(struct buf *out, int currency_first, const char *order, const char *dir)
{
	ierr e = buf_puts(out, " ORDER BY ")
		 ?: (currency_first ? buf_puts(out, "i.currency") ?: buf_puts(out, dir) ?: buf_puts(out, ", ") : IE_OK);

	if (!e && order && !strcmp(order, STATUS_ORDER))
		e = buf_puts(out, STATUS_ORDER) ?: buf_puts(out, dir) ?: buf_puts(out, ", ")
		    ?: order_by_rest(out, STATUS_ORDER_THEN, dir);
	else if (!e)
		e = order_by_rest(out, order, dir);
	return e;
}

static ierr order_by_rest(struct buf *out, const char *order, const char *dir)
{
	return (order ? buf_puts(out, order) ?: buf_puts(out, dir) ?: buf_puts(out, ", ") : IE_OK)
	       ?: buf_puts(out, "i.id") ?: buf_puts(out, dir);
}

static ierr rows_sql(const struct listq_sql *s, const char *order, int desc, int deferred, const char *extra,
		     struct buf *out)
{
	const char *dir = desc ? " DESC" : " ASC";
	ierr e;

	if ((e = buf_puts(out, "SELECT i.id, i.number, i.customer_id, i.customer_name, i.invoice_date, "
			  "i.period_start, i.period_end, i.due_date, i.currency, i.total, i.paid_amount, "
			  "i.balance, i.status, i.kind, "
			  /* the customer's zone: its date derives the row's shown status */
			  "(SELECT c.time_zone FROM customers c WHERE c.id = i.customer_id), "
			  /* the sums' version rides along (a constant subquery, run once) */
			  "(SELECT v FROM invoice_totals_version WHERE id = 1) FROM invoices i"))
	    || (deferred && (e = buf_puts(out, " JOIN (SELECT i.id FROM ")))
	    /* a search's matches come first (its FROM), the invoices after them */
	    || (deferred && (e = buf_puts(out, s->join.len ? s->join.data : "invoices i")))
	    || (deferred && s->hint && !s->join.len && (e = buf_puts(out, s->hint)))
	    || (e = buf_put(out, s->where.data ? s->where.data : "", s->where.len))
	    || (extra && ((e = buf_puts(out, s->where.len ? " AND " : " WHERE ")) || (e = buf_puts(out, extra))))
	    || (e = order_by(out, s->currency_first, order, dir)) || (e = buf_puts(out, " LIMIT ? OFFSET ?"))
	    || (deferred && ((e = buf_puts(out, ") p ON p.id = i.id"))
			     || (e = order_by(out, s->currency_first, order, dir)))))
		return e;
	return IE_OK;
}

/*
 * Deep pages sorted by a date or an amount need no long OFFSET when the sums
 * tables can count the filter exactly per day or per amount bucket: no date
 * range, no status that turns on today, any currency. Dates: the monthly
 * counts find the page's month, that month's daily counts its first day.
 * Amounts: invoice_amount_totals' buckets (sql/0005). The page is then read
 * between its first and last day or bucket, skipping the few earlier rows of
 * the first.
 */
/* The statements of a seek, per sort column: the whole SQL around the filter
 * conditions, and the rows' bounds per direction. */
struct seek_text {
	enum listq_col col;
	enum listq_seek mode;
	const char *amount;           /* invoice_amount_totals.col, bound; NULL otherwise */
	const char *coarse, *coarse_group, *fine, *fine_group;
	const char *bounds_desc, *bounds_asc;
};

/* Bounded on both sides: an open range with an equality next to it
 * (currency) makes 10.11 drop the range for the ORDER BY. Newest or highest
 * first: up to (amounts: below) the first bound, from the second; else from
 * the first, below the second. */
static const struct seek_text seek_texts[] = {
	{ COL_DATE, SEEK_DATES, NULL,
	  "SELECT x.month, SUM(x.n) FROM invoice_month_totals x WHERE 1 = 1", " GROUP BY x.month ORDER BY x.month",
	  "SELECT x.invoice_date, SUM(x.n) FROM invoice_day_totals x WHERE x.invoice_date >= ? AND x.invoice_date < ?",
	  " GROUP BY x.invoice_date ORDER BY x.invoice_date",
	  "i.invoice_date <= ? AND i.invoice_date >= ?", "i.invoice_date >= ? AND i.invoice_date < ?" },
	{ COL_DUE, SEEK_DATES, NULL,
	  "SELECT x.due_month, SUM(x.n) FROM invoice_month_totals x WHERE 1 = 1",
	  " GROUP BY x.due_month ORDER BY x.due_month",
	  "SELECT x.due_date, SUM(x.n) FROM invoice_day_totals x WHERE x.due_date >= ? AND x.due_date < ?",
	  " GROUP BY x.due_date ORDER BY x.due_date",
	  "i.due_date <= ? AND i.due_date >= ?", "i.due_date >= ? AND i.due_date < ?" },
#define AMOUNT_SEEK(c, key, expr) \
	{ c, SEEK_AMOUNTS, key, "SELECT x.bucket, SUM(x.n) FROM invoice_amount_totals x WHERE x.col = ?", \
	  " GROUP BY x.bucket HAVING SUM(x.n) > 0 ORDER BY x.bucket", NULL, NULL, \
	  expr " < ? AND " expr " >= ?", expr " >= ? AND " expr " < ?" }
	AMOUNT_SEEK(COL_TOTAL, "total", "i.total"),
	AMOUNT_SEEK(COL_PAID, "paid", "i.paid_amount"),
	AMOUNT_SEEK(COL_BALANCE, "balance", "i.balance"),
#undef AMOUNT_SEEK
	/* a name is its own bucket: the page lies between its first and last */
	{ COL_CUSTOMER, SEEK_NAMES, NULL,
	  "SELECT x.customer_name, SUM(x.n) FROM invoice_customer_totals x WHERE 1 = 1",
	  " GROUP BY x.customer_name HAVING SUM(x.n) > 0 ORDER BY x.customer_name", NULL, NULL,
	  "i.customer_name <= ? AND i.customer_name >= ?", "i.customer_name >= ? AND i.customer_name <= ?" },
};

/* Amounts over several currencies (listq_currency_first): the buckets walk
 * per currency, each key the currency followed by the bucket ("EUR1200.000"),
 * and the page lies between two (currency, amount) pairs, each bound written
 * out so that MariaDB reads it as ranges of the currency-first index. */
#define CURRENCY_SEEK(c, key, expr) \
	{ c, SEEK_AMOUNTS, key, "SELECT CONCAT(x.currency, x.bucket), SUM(x.n) FROM invoice_amount_totals x WHERE x.col = ?", \
	  NULL, NULL, NULL, \
	  "(i.currency < ? OR i.currency = ? AND " expr " < ?) AND (i.currency > ? OR i.currency = ? AND " expr " >= ?)", \
	  "(i.currency > ? OR i.currency = ? AND " expr " >= ?) AND (i.currency < ? OR i.currency = ? AND " expr " < ?)" }
static const struct seek_text currency_seek_texts[] = {
	CURRENCY_SEEK(COL_TOTAL, "total", "i.total"),
	CURRENCY_SEEK(COL_PAID, "paid", "i.paid_amount"),
	CURRENCY_SEEK(COL_BALANCE, "balance", "i.balance"),
};
#undef CURRENCY_SEEK
#define CURRENCY_SEEK_GROUP_ASC " GROUP BY x.currency, x.bucket HAVING SUM(x.n) > 0 ORDER BY x.currency ASC, x.bucket"
#define CURRENCY_SEEK_GROUP_DESC " GROUP BY x.currency, x.bucket HAVING SUM(x.n) > 0 ORDER BY x.currency DESC, x.bucket"

static const struct seek_text *seek_text_of(enum listq_col c)
{
	size_t i;

	for (i = 0; i < sizeof(seek_texts) / sizeof(seek_texts[0]); i++)
		if (seek_texts[i].col == c)
			return &seek_texts[i];
	return NULL;
}

static int seekable(const struct listq_sql *s, const struct listq *lq)
{
	unsigned i, stored = 0;

	/* the sums tables count these exactly: the stored status alone decides
	 * (draft, void; paid needs the kind, which they do not have) */
	for (i = 0; i < sizeof(status_keys) / sizeof(status_keys[0]); i++)
		if (inv_shown_stored_only((enum inv_shown)i))
			stored |= LISTQ_STATUS_BIT(i);
	return s->summable && seek_text_of(lq->sort) && !lq->from[0] && !lq->to[0] && !(lq->status & ~stored);
}

/* coarse/fine statement: head, the filter, GROUP BY ... ORDER BY, direction */
static ierr seek_statement(struct buf *out, const char *head, const struct buf *cond, const char *group, int desc)
{
	return buf_puts(out, head) ?: buf_put(out, cond->data ? cond->data : "", cond->len) ?: buf_puts(out, group)
	       ?: buf_puts(out, desc ? " DESC" : " ASC");
}

static ierr seek_sql(struct listq_sql *s, const struct listq *lq)
{
	static const char *const stored[] = {
		[INV_DRAFT] = "'draft'", [INV_PAID] = "'paid'", [INV_CANCEL] = "'void'",
	};
	const struct seek_text *t = seek_text_of(lq->sort);
	const char *group;
	struct buf cond = BUF_INIT;
	unsigned i, n = 0;
	ierr e = IE_OK;

	/* the filter over a sums table aliased x (status list, currency); the
	 * amount column's name is the statement's first value */
	if (s->currency_first)
		t = &currency_seek_texts[lq->sort == COL_TOTAL ? 0 : lq->sort == COL_PAID ? 1 : 2];
	group = !s->currency_first ? t->coarse_group : lq->desc ? CURRENCY_SEEK_GROUP_DESC : CURRENCY_SEEK_GROUP_ASC;
	s->seek_mode = t->mode;
	s->seek_pairs = s->currency_first;
	if (t->amount)
		s->sargs[s->nsargs++] = DB_S(t->amount);
	for (i = 0; !e && i < sizeof(stored) / sizeof(stored[0]); i++) {
		if (!stored[i] || !(lq->status & LISTQ_STATUS_BIT(i)))
			continue;
		e = buf_puts(&cond, n++ ? ", " : " AND x.status IN (") ?: buf_puts(&cond, stored[i]);
	}
	if (!e && n)
		e = buf_puts(&cond, ")");
	if (!e && lq->currency[0]) {
		e = buf_puts(&cond, " AND x.currency = ?");
		s->sargs[s->nsargs++] = DB_S(lq->currency);
	}
	if (!e)
		e = seek_statement(&s->seek_coarse, t->coarse, &cond, group, lq->desc);
	if (!e && t->fine)
		e = seek_statement(&s->seek_fine, t->fine, &cond, t->fine_group, lq->desc);
	if (!e)
		e = rows_sql(s, columns[lq->sort].order, lq->desc, 1, lq->desc ? t->bounds_desc : t->bounds_asc,
			     &s->rows_seek);
	buf_free(&cond);
	return e;
}

static ierr build(const struct listq *lq, const struct auth_scope *scope, const char *today,
		  const char *earliest, const char *latest, const char *zones, struct listq_sql *s);

/* An amount range sorted by currency first: every supported currency named
 * (codes from money.c's table, never input), so that MariaDB reads one range
 * of the currency-first index per currency, in the page's order, rather than
 * walk the whole index past the amounts out of range (min=1000&max=5000 by
 * total: 7-65 ms walking, 3-11 ms by ranges, on a loaded machine). */
static ierr currency_ranges(struct listq_sql *s)
{
	const struct money_currency *c;
	size_t i;
	ierr e = clause(s, "i.currency IN (");

	for (i = 0; !e && (c = money_currency_at(i)); i++)
		e = buf_puts(&s->where, i ? ", '" : "'") ?: buf_put(&s->where, c->code, 3) ?: buf_puts(&s->where, "'");
	return e ?: buf_puts(&s->where, ")");
}

ierr listq_build(const struct listq *lq, const struct auth_scope *scope, const char *today,
		 struct listq_sql *s)
{
	/* one date for every customer: the band between earliest and latest is empty */
	return build(lq, scope, today, today, today, "{}", s);
}

ierr listq_build_zones(const struct listq *lq, const struct auth_scope *scope, const struct inv_zones *z,
		       struct listq_sql *s)
{
	return build(lq, scope, z->today, z->earliest, z->latest, z->json, s);
}

static ierr build(const struct listq *lq, const struct auth_scope *scope, const char *today,
		  const char *earliest, const char *latest, const char *zones, struct listq_sql *s)
{
	/* sorted by a status the filter fixes: by id (a prepared statement
	 * would not see that the index is in that order, and sort them all) */
	const char *order = lq->sort == COL_STATUS && stored_statuses(lq->status) == 1 ? STATUS_ORDER_THEN
			    : columns[lq->sort].order;
	int deep;
	ierr e;

	memset(s, 0, sizeof(*s));
	s->summable = 1;
	s->known_count = -1;
	s->cap = lq->count_cap > 0 ? lq->count_cap : LISTQ_COUNT_CAP;
	if (str_copy(s->today, sizeof(s->today), today) || str_copy(s->earliest, sizeof(s->earliest), earliest)
	    || str_copy(s->latest, sizeof(s->latest), latest) || strcmp(s->earliest, s->today) > 0
	    || strcmp(s->today, s->latest) > 0)
		return IE_INVALID;
	s->zones = zones;
	if ((e = listq_scope_sql(s, scope)))
		goto out;
	if (lq->status && (e = status_sql(s, lq->status)))
		goto out;
	if (lq->customer && (!(e = clause(s, "i.customer_id = ?")) && (e = arg(s, DB_I(lq->customer)))))
		goto out;
	if (e)
		goto out;
	if (lq->currency[0] && ((e = clause2(s, "i.currency = ?", "t.currency = ?")) || (e = arg(s, DB_S(lq->currency)))))
		goto out;
	if ((e = date_sql(s, lq)))
		goto out;
	if (lq->min[0] && ((e = clause(s, "i.total >= ?")) || (e = arg(s, DB_S(lq->min)))))
		goto out;
	if (lq->max[0] && ((e = clause(s, "i.total <= ?")) || (e = arg(s, DB_S(lq->max)))))
		goto out;
	if ((lq->min[0] || lq->max[0]) && listq_currency_first(lq) && (e = currency_ranges(s)))
		goto out;
	s->one_customer = lq->customer || scope->customer_id;
	if (lq->q[0] && (e = lq->q_number ? number_sql(s, lq) : search_sql(s, lq)))
		goto out;
	s->currency_first = listq_currency_first(lq);
	s->hint = index_hint(lq, scope);

	/* the page: ids from the narrowest index first (a deferred join: a filter
	 * is often answered by an index alone, and deep pages walk less), except
	 * for the unfiltered list's near pages, which read the rows directly */
	deep = listq_deep(lq);
	if ((e = rows_sql(s, order, lq->desc, deep || s->where.len || s->join.len, NULL, &s->rows))
	    || (deep && (e = rows_sql(s, order, !lq->desc, deep, NULL, &s->rows_rev)))
	    || (deep && seekable(s, lq) && (e = seek_sql(s, lq))))
		goto out;
	if (s->summable) {
		e = totals_summed(s, lq);
	} else if (!s->search_count) {
		/* filters the per-day totals cannot answer (customer, search, amount,
		 * billing period): count at most LISTQ_COUNT_CAP + 1 rows */
		e = buf_puts(&s->totals, SUMS_OF_INVOICES "invoices i");
		if (!e)
			e = buf_put(&s->totals, s->join.data ? s->join.data : "", s->join.len);
		if (!e)
			e = buf_put(&s->totals, s->where.data ? s->where.data : "", s->where.len);
		if (!e)
			e = buf_printf(&s->totals, " LIMIT %lld) c" SUMS_GROUP, s->cap + 1);
	}
	if (e)
		goto out;
out:
	if (e)
		listq_sql_free(s);
	return e;
}

void listq_sql_free(struct listq_sql *s)
{
	buf_free(&s->join);
	buf_free(&s->where);
	buf_free(&s->sumwhere);
	buf_free(&s->rows);
	buf_free(&s->rows_rev);
	buf_free(&s->seek_coarse);
	buf_free(&s->seek_fine);
	buf_free(&s->rows_seek);
	buf_free(&s->totals);
}

static ierr amount(const struct db_res *r, unsigned col, int exponent, money_t *out)
{
	const char *v = db_str(r, col);

	return v ? money_from_db(v, exponent, out) : (*out = 0, IE_OK);
}

int listq_sign(const char *kind)
{
	return kind && !strcmp(kind, "credit") ? -1 : 1;
}

ierr listq_sum_add(struct listq_sum *sum, const char *status, const char *kind, long long n,
		   money_t total, money_t paid, money_t balance)
{
	/* stored amounts are at most 19 digits: their negatives fit */
	int sign = listq_sign(kind);
	money_t t = sign * total;
	ierr e;

	if (!status)
		return IE_INVALID;
	if (!strcmp(status, "open") || !strcmp(status, "paid")) {
		sum->issued += n;
		e = money_add(sum->billed, t, &sum->billed) ?: money_add(sum->paid, sign * paid, &sum->paid)
		    ?: money_add(sum->balance, sign * balance, &sum->balance);
	} else if (!strcmp(status, "draft")) {
		sum->drafts += n;
		e = money_add(sum->drafts_total, t, &sum->drafts_total);
	} else if (!strcmp(status, "void")) {
		sum->voids += n;
		e = money_add(sum->voids_total, t, &sum->voids_total);
	} else {
		return IE_INVALID;
	}
	if (!e)
		sum->count += n;
	return e;
}

/* Adds one row of sums (currency, status, kind, n, total, paid, balance) to
 * its currency's entry (rows may repeat a currency). */
static ierr add_sum(struct listq_result *out, const struct db_res *r)
{
	const char *cur = db_str(r, 0) ? db_str(r, 0) : "";
	int exp = money_exponent(cur);
	struct listq_sum *sum = NULL;
	money_t total, paid, balance;
	long long n = db_int(r, 3);
	size_t i;
	ierr e;

	if (exp < 0)
		return IE_INTERNAL;
	if ((e = amount(r, 4, exp, &total)) || (e = amount(r, 5, exp, &paid)) || (e = amount(r, 6, exp, &balance)))
		return e;
	for (i = 0; i < out->nsums && !sum; i++)
		if (!strcmp(out->sums[i].currency, cur))
			sum = &out->sums[i];
	if (!sum) {
		if (out->nsums == LISTQ_MAX_CURRENCIES)
			return IE_INTERNAL;
		sum = &out->sums[out->nsums++];
		str_copy(sum->currency, sizeof(sum->currency), cur);
	}
	if ((e = listq_sum_add(sum, db_str(r, 1), db_str(r, 2), n, total, paid, balance)))
		return e == IE_INVALID ? IE_INTERNAL : e;
	out->count += n;
	return IE_OK;
}

/* Currencies with invoices, in code order. */
static void tidy_sums(struct listq_result *out)
{
	size_t i, j, k = 0;

	for (i = 0; i < out->nsums; i++)
		if (out->sums[i].count)
			out->sums[k++] = out->sums[i];
	out->nsums = k;
	for (i = 1; i < out->nsums; i++) {
		struct listq_sum t = out->sums[i];

		for (j = i; j > 0 && strcmp(out->sums[j - 1].currency, t.currency) > 0; j--)
			out->sums[j] = out->sums[j - 1];
		out->sums[j] = t;
	}
}

/* The memo key: the statement and its values (each with its length). */
static ierr totals_key(const struct listq_sql *s, struct buf *key)
{
	size_t i;
	ierr e = buf_put(key, s->totals.data, s->totals.len);

	for (i = 0; !e && i < s->ntargs; i++) {
		const struct db_arg *a = &s->targs[i];
		size_t len = a->s ? strlen(a->s) : 0;

		e = buf_printf(key, "|%d:%lld:%zu:", (int)a->type, a->i, len) ?: buf_put(key, a->s ? a->s : "", len);
	}
	return e;
}

ierr listq_totals(struct db *db, struct memo *memo, struct listq_sql *s, struct listq_result *out)
{
	struct buf key = BUF_INIT;
	struct db_res r;
	ierr e;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	out->cap = s->cap;
	/* only the totals tables move the version; counted filters always ask */
	if (memo && s->summable && s->version) {
		if ((e = totals_key(s, &key)))
			goto out;
		if (memo_get(memo, key.data, key.len, s->version, out, sizeof(*out)) == IE_OK)
			goto out;
	}
	if (s->summable || s->search_count)
		e = db_query_built(db, &r, &s->totals, s->targs, s->ntargs);
	else
		e = db_query_built(db, &r, &s->totals, s->args, s->nargs);
	while (!e && (e = db_next(&r)) == IE_OK)
		e = add_sum(out, &r);
	if (e == IE_NOTFOUND)
		e = IE_OK;
	if (!e)
		tidy_sums(out);
	if (!e && !s->summable && out->count > s->cap)
		out->capped = 1;
	/* a full memo only costs the next request a query */
	if (!e && key.len)
		(void)memo_put(memo, key.data, key.len, s->version, out, sizeof(*out));
	db_free(&r);
out:
	if (!e && !out->capped)
		s->known_count = out->count;
	buf_free(&key);
	return e;
}

static ierr row_of(struct db_res *r, struct listq_sql *s, struct listq_row *row)
{
	int exp;
	ierr e;

	memset(row, 0, sizeof(*row));
	row->id = db_int(r, 0);
	row->number = db_str(r, 1);
	row->customer_id = db_int(r, 2);
	row->customer = db_str(r, 3);
	row->invoice_date = db_str(r, 4);
	row->period_start = db_str(r, 5);
	row->period_end = db_str(r, 6);
	row->due_date = db_str(r, 7);
	row->currency = db_str(r, 8);
	exp = money_exponent(row->currency ? row->currency : "");
	if (exp < 0)
		return IE_INTERNAL;
	if ((e = amount(r, 9, exp, &row->total)) || (e = amount(r, 10, exp, &row->paid))
	    || (e = amount(r, 11, exp, &row->balance)))
		return e;
	row->status = db_str(r, 12);
	row->kind = db_str(r, 13);
	row->time_zone = db_str(r, 14);
	if (listq_sign(row->kind) < 0) {
		/* a credit note lists negative (listq.h, List figures) */
		row->total = -row->total;
		row->paid = -row->paid;
		row->balance = -row->balance;
	}
	s->version = db_int(r, 15);
	return IE_OK;
}

/* "YYYY-MM-DD" -> the day after it. */
static ierr next_day(const char *date, char out[11])
{
	return date_add(date, 1, out) ? IE_INTERNAL : IE_OK;
}

/* Walks (key, count) rows in page order to the one holding row `offset`:
 * its key into at, the rows before it within it into *skip, the key before
 * it into before (or ""), the key where the `need` rows from there on end
 * into until (or the last key), and the key after that into after (or "");
 * before and after may be NULL.
 * Keys are at most LISTQ_KEY - 1 characters. IE_NOTFOUND past the end. */
static ierr walk(struct db *db, const struct buf *sql, const struct db_arg *args, size_t nargs,
		 long long offset, long long need, char *at, long long *skip, char *until, char *before,
		 char *after)
{
	struct db_res r;
	long long seen = 0, have = -1;
	ierr e = db_query_built(db, &r, sql, args, nargs);

	if (before)
		before[0] = '\0';
	if (after)
		after[0] = '\0';
	while (!e && (e = db_next(&r)) == IE_OK) {
		const char *key = db_str(&r, 0) ? db_str(&r, 0) : "";
		long long n = db_int(&r, 1);

		if (have >= need) {
			if (after && str_copy(after, LISTQ_KEY, key))
				e = IE_INTERNAL;
			break;
		}
		if (have >= 0) {
			have += n;
		} else if (seen + n > offset) {
			if (str_copy(at, LISTQ_KEY, key))
				e = IE_INTERNAL;
			*skip = offset - seen;
			have = seen + n - offset;
		} else if (before && str_copy(before, LISTQ_KEY, key)) {
			e = IE_INTERNAL;
		}
		seen += n;
		if (!e && have >= 0 && str_copy(until, LISTQ_KEY, key))
			e = IE_INTERNAL;
	}
	if (e == IE_NOTFOUND && have >= 0)
		e = IE_OK;   /* the list ends within or right after the page */
	db_free(&r);
	return e;
}

/* Dates: the page's first day, the rows of it to skip, and the far end of
 * the days that hold the page (see seekable). */
static ierr seek_date(struct db *db, struct listq_sql *s, long long offset, long long limit, int desc,
		      long long *skip)
{
	struct db_arg args[2 + 2];
	char month[LISTQ_KEY], last_month[LISTQ_KEY], end_day[LISTQ_KEY];
	long long in_month;
	ierr e;

	if ((e = walk(db, &s->seek_coarse, s->sargs, s->nsargs, offset, limit, month, &in_month, last_month,
		      NULL, NULL)))
		return e;
	/* the days from the page's month to the month where it ends */
	month_of(desc ? last_month : month, 0, s->seek_lo);
	month_of(desc ? month : last_month, 1, s->seek_hi);
	args[0] = DB_S(s->seek_lo);
	args[1] = DB_S(s->seek_hi);
	memcpy(args + 2, s->sargs, s->nsargs * sizeof(args[0]));
	if ((e = walk(db, &s->seek_fine, args, 2 + s->nsargs, in_month, limit, s->seek_from, skip, end_day,
		      NULL, NULL)))
		return e;
	/* the rows query's other bound: the page's last day (inclusive when
	 * newest first, exclusive as the day after when oldest first) */
	if (desc)
		return str_copy(s->seek_to, sizeof(s->seek_to), end_day) ? IE_INTERNAL : IE_OK;
	return next_day(end_day, s->seek_to);
}

/* Amounts: buckets are their own lower edges, so the page lies between the
 * bucket it starts in and the one it ends in: for the highest first, below
 * the bucket before the start (or anything) and from the end's bucket on;
 * for the lowest first, from the start's bucket to the bucket after the end. */
static ierr seek_amount(struct db *db, struct listq_sql *s, long long offset, long long limit, int desc,
			long long *skip)
{
	char at[LISTQ_KEY], until[LISTQ_KEY], before[LISTQ_KEY], after[LISTQ_KEY];
	const char *end;
	ierr e;

	if ((e = walk(db, &s->seek_coarse, s->sargs, s->nsargs, offset, limit, at, skip, until, before, after)))
		return e;
	/* past the last bucket: any amount (of any currency: codes are letters) */
	end = s->seek_pairs ? "ZZZ" LISTQ_AMOUNT_MAX : LISTQ_AMOUNT_MAX;
	end = desc ? (before[0] ? before : end) : (after[0] ? after : end);
	if (str_copy(s->seek_from, sizeof(s->seek_from), desc ? end : at)
	    || str_copy(s->seek_to, sizeof(s->seek_to), desc ? until : end))
		return IE_INTERNAL;
	return IE_OK;
}

/* Names: each is its own bucket, so the page lies between the name it starts
 * in and the one it ends in, both included (in the list's order). */
static ierr seek_name(struct db *db, struct listq_sql *s, long long offset, long long limit, long long *skip)
{
	return walk(db, &s->seek_coarse, s->sargs, s->nsargs, offset, limit, s->seek_from, skip, s->seek_to,
		    NULL, NULL);
}

ierr listq_rows(struct db *db, struct listq_sql *s, const struct listq *lq,
		ierr (*fn)(void *ctx, const struct listq_row *row), void *ctx)
{
	struct db_arg args[LISTQ_MAX_ARGS + 8];
	long long offset = (lq->page - 1) * lq->per_page, limit = lq->per_page;
	size_t k;
	long long n = s->known_count;
	const struct buf *sql = &s->rows;
	int backwards = 0;
	struct db_res r;
	struct listq_row row;
	unsigned long long i;
	ierr e;

	/* the counts per name are many (a walk of thousands): from the nearer
	 * end of an exactly counted list, OFFSET is cheaper until it is far */
	if (s->rows_seek.len && s->seek_mode == SEEK_NAMES && n >= 0
	    && (offset < lq->name_seek_from || n - offset - limit < lq->name_seek_from))
		goto plain;
	if (s->rows_seek.len) {
		long long skip;

		e = s->seek_mode == SEEK_AMOUNTS ? seek_amount(db, s, offset, limit, lq->desc, &skip)
		    : s->seek_mode == SEEK_NAMES ? seek_name(db, s, offset, limit, &skip)
		    : seek_date(db, s, offset, limit, lq->desc, &skip);
		if (e == IE_NOTFOUND)
			return IE_OK;   /* past the end */
		if (e)
			return e;
		/* many equal amounts (balances of 0) make one bucket the whole list:
		 * then the plain ways are as good */
		if (skip > LISTQ_SEEK_SKIP_MAX)
			goto plain;
		memcpy(args, s->args, s->nargs * sizeof(args[0]));
		k = s->nargs;
		if (s->seek_pairs) {
			/* "EUR1200.000": the currency, then the amount */
			if (strlen(s->seek_from) < 4 || strlen(s->seek_to) < 4)
				return IE_INTERNAL;
			memcpy(s->seek_cur_from, s->seek_from, 3);
			memcpy(s->seek_cur_to, s->seek_to, 3);
			s->seek_cur_from[3] = s->seek_cur_to[3] = '\0';
			args[k++] = DB_S(s->seek_cur_from);
			args[k++] = DB_S(s->seek_cur_from);
			args[k++] = DB_S(s->seek_from + 3);
			args[k++] = DB_S(s->seek_cur_to);
			args[k++] = DB_S(s->seek_cur_to);
			args[k++] = DB_S(s->seek_to + 3);
		} else {
			args[k++] = DB_S(s->seek_from);
			args[k++] = DB_S(s->seek_to);
		}
		args[k++] = DB_I(limit);
		args[k++] = DB_I(skip);
		e = db_query_built(db, &r, &s->rows_seek, args, k);
		goto rows;
	}
plain:
	/* A deep page nearer the end than the start is the same rows read from
	 * the end: OFFSET walks the index, so the shorter walk wins. */
	if (s->rows_rev.len && n >= 0 && offset < n && offset + limit / 2 > n / 2) {
		limit = n - offset < limit ? n - offset : limit;
		offset = n - offset - limit;
		sql = &s->rows_rev;
		backwards = 1;
	}
	memcpy(args, s->args, s->nargs * sizeof(args[0]));
	args[s->nargs] = DB_I(limit);
	args[s->nargs + 1] = DB_I(offset);
	e = db_query_built(db, &r, sql, args, s->nargs + 2);
rows:
	for (i = 0; !e && i < r.nrows; i++) {
		if (backwards)
			e = db_seek(&r, r.nrows - 1 - i);
		if (!e)
			e = db_next(&r);
		if (!e)
			e = row_of(&r, s, &row);
		if (!e)
			e = fn(ctx, &row);
	}
	if (e == IE_NOTFOUND)
		e = IE_OK;
	db_free(&r);
	return e;
}

/* ---------- URLs of the list (bookmarkable: every filter is in the query) ---------- */

/* key=val (val URL-encoded; NULL: the caller appends the value) */
static ierr qs_add(struct buf *b, const char *key, const char *val)
{
	ierr e = buf_puts(b, b->len ? "&" : "?");

	if (!e)
		e = buf_puts(b, key);
	if (!e)
		e = buf_putc(b, '=');
	if (!e && val)
		e = html_url(b, val, strlen(val));
	return e;
}

ierr listq_url(const struct listq *lq, const char *path, struct buf *out)
{
	struct buf q = BUF_INIT;
	char num[24];
	unsigned i;
	ierr e = IE_OK;

	if (lq->q[0])
		e = qs_add(&q, "q", lq->q);
	for (i = 0; !e && i < sizeof(status_keys) / sizeof(status_keys[0]); i++)
		if (lq->status & LISTQ_STATUS_BIT(i))
			e = qs_add(&q, "status", status_keys[i]);
	if (!e && lq->customer)
		e = qs_add(&q, "customer", NULL) ?: buf_put_int(&q, lq->customer);
	if (!e && lq->currency[0])
		e = qs_add(&q, "currency", lq->currency);
	if (!e && (lq->from[0] || lq->to[0]) && lq->date != DATE_INVOICE)
		e = qs_add(&q, "date", lq->date == DATE_DUE ? "due" : "period");
	if (!e && lq->from[0])
		e = qs_add(&q, "from", lq->from);
	if (!e && lq->to[0])
		e = qs_add(&q, "to", lq->to);
	if (!e && lq->min[0])
		e = qs_add(&q, "min", lq->min);
	if (!e && lq->max[0])
		e = qs_add(&q, "max", lq->max);
	if (!e && !(lq->sort == COL_DATE && lq->desc)) {
		e = qs_add(&q, "sort", columns[lq->sort].info.key);
		if (!e)
			e = qs_add(&q, "dir", lq->desc ? "desc" : "asc");
	}
	if (!e && lq->per_page != 50) {
		snprintf(num, sizeof(num), "%lld", lq->per_page);
		e = qs_add(&q, "per_page", num);
	}
	if (!e && lq->cols_given) {
		struct buf c = BUF_INIT;

		for (i = 0; !e && i < lq->ncols; i++) {
			if (i)
				e = buf_putc(&c, ',');
			if (!e)
				e = buf_puts(&c, columns[lq->cols[i]].info.key);
		}
		if (!e)
			e = qs_add(&q, "cols", c.data);
		buf_free(&c);
	}
	if (!e && lq->page > 1) {
		snprintf(num, sizeof(num), "%lld", lq->page);
		e = qs_add(&q, "page", num);
	}
	if (!e)
		e = buf_puts(out, path);
	if (!e && q.len)
		e = buf_put(out, q.data, q.len);
	buf_free(&q);
	return e;
}

/* ---------- the saved column choice (user_prefs) ---------- */

void listq_saved_cols(const char *saved, struct listq *lq)
{
	enum listq_col cols[COL__COUNT];
	size_t n;

	/* a stale or hand-edited preference falls back to the default */
	if (saved && !listq_parse_cols(saved, cols, &n)) {
		memcpy(lq->cols, cols, n * sizeof(cols[0]));
		lq->ncols = n;
	}
}

ierr listq_save_cols(struct db *db, long long user_id, const enum listq_col *cols, size_t n)
{
	struct buf v = BUF_INIT;
	size_t i;
	ierr e = IE_OK;

	for (i = 0; !e && i < n; i++) {
		if ((unsigned)cols[i] >= COL__COUNT)
			e = IE_INVALID;
		else if (i)
			e = buf_putc(&v, ',');
		if (!e)
			e = buf_puts(&v, columns[cols[i]].info.key);
	}
	if (!e)
		e = db_exec(db, "INSERT INTO user_prefs (user_id, pref, value) VALUES (?, 'invoices.cols', ?) "
			    "ON DUPLICATE KEY UPDATE value = VALUES(value)",
			    DB_ARGS(DB_I(user_id), DB_S(v.data)), NULL, NULL);
	buf_free(&v);
	return e;
}

ierr listq_customers_named(struct db *db, const char *text, struct listq_customer *out, size_t max,
			   size_t *n, int *exact)
{
	char fold[sizeof(((struct listq *)0)->customer_name)], like[810];
	struct buf sql = BUF_INIT;
	struct db_res r;
	ierr e;

	*n = 0;
	*exact = -1;
	listq_fold(text, fold, sizeof(fold));
	like_pattern(fold, 1, like, sizeof(like));
	e = buf_printf(&sql, "SELECT c.id, c.name, c.name_fold = ? FROM customers c "
		       "WHERE c.name_fold LIKE ? OR c.email LIKE ? ORDER BY c.name, c.id LIMIT %zu", max + 1);
	if (!e)
		e = db_query_built(db, &r, &sql, DB_ARGS(DB_S(fold), DB_S(like), DB_S(like)));
	if (e)
		goto out;
	while ((e = db_next(&r)) == IE_OK) {
		if (*n < max) {
			out[*n].id = db_int(&r, 0);
			if (str_copy(out[*n].name, sizeof(out[*n].name), db_str(&r, 1) ? db_str(&r, 1) : ""))
				out[*n].name[0] = '\0';
			if (db_int(&r, 2) == 1)
				*exact = *exact == -1 ? (int)*n : -2;
		}
		(*n)++;
	}
	if (*exact < 0)
		*exact = -1;
	db_free(&r);
	if (e == IE_NOTFOUND)
		e = IE_OK;
out:
	buf_free(&sql);
	return e;
}

ierr listq_customer_name(struct db *db, long long id, char *out, size_t outsz)
{
	struct db_res r;
	ierr e = db_query_row(db, &r, "SELECT c.name FROM customers c WHERE c.id = ?", DB_ARGS(DB_I(id)));

	if (e == IE_OK && str_copy(out, outsz, db_str(&r, 0) ? db_str(&r, 0) : ""))
		e = IE_OVERFLOW;
	if (e == IE_OK || e == IE_NOTFOUND)
		db_free(&r);
	return e;
}

ierr listq_customer_filter(struct db *db, struct listq *lq, int staff, long long own_customer, int name_sent,
			   char *name, size_t namesz, struct listq_customer *pick, size_t max, size_t *npick)
{
	size_t n = 0;
	int exact;
	ierr e;

	name[0] = '\0';
	*npick = 0;
	if (!staff) {
		lq->customer_name[0] = '\0';
		/* their own name; never another customer's (scope keeps the rows out anyway) */
		if (lq->customer && lq->customer == own_customer
		    && (e = listq_customer_name(db, lq->customer, name, namesz)) && e != IE_NOTFOUND)
			return e;
		return IE_OK;
	}
	if (lq->customer) {
		e = listq_customer_name(db, lq->customer, name, namesz);
		if (e && e != IE_NOTFOUND)
			return e;
		if (!lq->customer_name[0] && lq->form && name_sent) {
			/* the form's name field was emptied */
			lq->customer = 0;
			name[0] = '\0';
			return IE_OK;
		}
		if (!lq->customer_name[0] || !strcmp(name, lq->customer_name))
			return IE_OK;
		lq->customer = 0;
		name[0] = '\0';
	}
	if (!lq->customer_name[0])
		return IE_OK;
	if ((e = listq_customers_named(db, lq->customer_name, pick, max, &n, &exact)))
		return e;
	if (!n) {
		if (lq->nerrs < LISTQ_MAX_ERRS) {
			lq->errs[lq->nerrs].param = "customer_name";
			lq->errs[lq->nerrs].msg = "No customer's name or email contains this. Check the spelling, or type less of it.";
			lq->errs[lq->nerrs].value = lq->customer_name;
			lq->nerrs++;
		}
		return IE_OK;
	}
	if (n == 1 || exact >= 0) {
		size_t i = n == 1 ? 0 : (size_t)exact;

		lq->customer = pick[i].id;
		return str_copy(name, namesz, pick[i].name);
	}
	*npick = n;
	return IE_OK;
}

const char *listq_status_key(enum inv_shown s)
{
	return (unsigned)s <= INV_CANCEL ? status_keys[s] : "";
}
