/* dashboard.c — see dashboard.h. */
#include <string.h>

#include "dashboard.h"
#include "date.h"
#include "db.h"
#include "html.h"
#include "invoice.h"
#include "listq.h"
#include "memo.h"

static const char *const dash_keys[DASH_NBUCKETS] = { "current", "1-30", "31-60", "61-90", "over-90" };
static const char *const dash_labels[DASH_NBUCKETS] = { "Current (not yet due)", "1\xe2\x80\x93" "30 days",
							 "31\xe2\x80\x93" "60 days", "61\xe2\x80\x93" "90 days",
							 "Over 90 days" };

const char *dash_bucket_key(enum dash_bucket b)
{
	return (unsigned)b < DASH_NBUCKETS ? dash_keys[b] : "";
}

const char *dash_bucket_label(enum dash_bucket b)
{
	return (unsigned)b < DASH_NBUCKETS ? dash_labels[b] : "";
}

/* ---- dates ---- */

static int dash_digits(const char *s, int n, long *out)
{
	long v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* the first day of the bucket's days past due; the last is the next one's first - 1 */
static const long dash_first_day[DASH_NBUCKETS] = { -1000000, 1, 31, 61, 91 };

ierr dash_bucket_of(const char *due, const char *today, enum dash_bucket *out)
{
	long long days;
	int b;

	if (date_between(due, today, &days))
		return IE_INVALID;
	for (b = DASH_NBUCKETS - 1; b > 0 && days < dash_first_day[b]; b--)
		;
	*out = (enum dash_bucket)b;
	return IE_OK;
}

ierr dash_bucket_range(enum dash_bucket b, const char *today, char from[11], char to[11])
{
	ierr e;

	from[0] = to[0] = '\0';
	if ((unsigned)b >= DASH_NBUCKETS)
		return IE_INVALID;
	if (b == DASH_CURRENT)
		return date_add(today, 0, from);
	/* days past due in [first, next first - 1]: due in [today - last, today - first] */
	if ((e = date_add(today, -dash_first_day[b], to)))
		return e;
	if (b + 1 < DASH_NBUCKETS)
		return date_add(today, -(dash_first_day[b + 1] - 1), from);
	return IE_OK;
}

/* ---- the chart ---- */

#define SVG_W 640
#define SVG_H 270
#define SVG_LEFT 100
#define SVG_TOP 16
#define SVG_PW 525
#define SVG_PH 180
#define SVG_TICKS 4

static long dash_y(money_t v, money_t max, money_t min)
{
	return SVG_TOP + (long)((__int128)(max - v) * SVG_PH / ((__int128)max - min));
}

static ierr dash_text(struct buf *out, const char *s)
{
	return html_text(out, s, strlen(s));
}

static ierr dash_attr(struct buf *out, const char *s)
{
	return html_attr(out, s, strlen(s));
}

static ierr dash_bar(struct buf *out, const char *cls, long x, long w, money_t v, money_t max, money_t min,
		     const char *month, const char *what, const char *currency)
{
	long y0 = dash_y(0, max, min), y = dash_y(v, max, min);
	char amount[64];
	ierr e;

	if ((e = money_format(v, currency, amount, sizeof(amount))))
		return e;
	if ((e = buf_printf(out, "<rect class=\"%s\" x=\"%ld\" y=\"%ld\" width=\"%ld\" height=\"%ld\"><title>", cls, x,
			    y < y0 ? y : y0, w, y < y0 ? y0 - y : y - y0))
	    || (e = dash_text(out, month)) || (e = buf_printf(out, " %s ", what)) || (e = dash_text(out, amount))
	    || (e = buf_puts(out, "</title></rect>")))
		return e;
	return IE_OK;
}

ierr dash_svg(struct buf *out, const char *id, const char *title, const char *currency,
	      const struct dash_month *m, size_t n)
{
	money_t max = 0, min = 0;
	char amount[64];
	long slot, bw;
	ierr e;

	for (size_t i = 0; i < n; i++) {
		if (m[i].billed > max)
			max = m[i].billed;
		if (m[i].paid > max)
			max = m[i].paid;
		if (m[i].billed < min)
			min = m[i].billed;
		if (m[i].paid < min)
			min = m[i].paid;
	}
	if (max == min)
		max = min + 1;
	if ((e = buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" role=\"img\" "
			    "viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" aria-labelledby=\"",
			    SVG_W, SVG_H, SVG_W, SVG_H))
	    || (e = dash_attr(out, id)) || (e = buf_puts(out, "-t ")) || (e = dash_attr(out, id))
	    || (e = buf_puts(out, "-d\"><title id=\"")) || (e = dash_attr(out, id)) || (e = buf_puts(out, "-t\">"))
	    || (e = dash_text(out, title)) || (e = buf_puts(out, "</title><desc id=\"")) || (e = dash_attr(out, id))
	    || (e = buf_puts(out, "-d\">")))
		return e;
	if (n == 0) {
		if ((e = buf_puts(out, "No data.")))
			return e;
	} else {
		if ((e = buf_printf(out, "Bar chart, %zu months from ", n)) || (e = dash_text(out, m[0].month))
		    || (e = buf_puts(out, " to ")) || (e = dash_text(out, m[n - 1].month))
		    || (e = buf_puts(out, ": billed and paid per month by invoice date in ")) || (e = dash_text(out, currency))
		    || (e = buf_puts(out, "; the table below gives every figure.")))
			return e;
	}
	if ((e = buf_puts(out, "</desc>")))
		return e;
	/* horizontal grid lines with their amounts */
	for (int k = 0; k <= SVG_TICKS; k++) {
		money_t v = min + (money_t)(((__int128)max - min) * k / SVG_TICKS);
		long y = dash_y(v, max, min);

		if ((e = money_format(v, currency, amount, sizeof(amount))))
			return e;
		if ((e = buf_printf(out, "<line class=\"grid\" x1=\"%d\" y1=\"%ld\" x2=\"%d\" y2=\"%ld\"/>"
				    "<text class=\"ylabel\" x=\"%d\" y=\"%ld\" text-anchor=\"end\">",
				    SVG_LEFT, y, SVG_LEFT + SVG_PW, y, SVG_LEFT - 6, y + 4))
		    || (e = dash_text(out, amount)) || (e = buf_puts(out, "</text>")))
			return e;
	}
	if ((e = buf_printf(out, "<line class=\"axis\" x1=\"%d\" y1=\"%ld\" x2=\"%d\" y2=\"%ld\"/>", SVG_LEFT,
			    dash_y(0, max, min), SVG_LEFT + SVG_PW, dash_y(0, max, min))))
		return e;
	if (n == 0)
		return buf_printf(out, "<text class=\"empty\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">No data</text></svg>",
				  SVG_LEFT + SVG_PW / 2, SVG_TOP + SVG_PH / 2);
	slot = SVG_PW / (long)n;
	bw = slot * 2 / 5;
	for (size_t i = 0; i < n; i++) {
		long x = SVG_LEFT + (long)i * slot;

		if ((e = dash_bar(out, "billed", x + slot / 10, bw, m[i].billed, max, min, m[i].month, "billed", currency))
		    || (e = dash_bar(out, "paid", x + slot / 2, bw, m[i].paid, max, min, m[i].month, "paid", currency))
		    || (e = buf_printf(out, "<text class=\"xlabel\" x=\"%ld\" y=\"%d\" text-anchor=\"middle\">",
				       x + slot / 2, SVG_TOP + SVG_PH + 18))
		    || (e = dash_text(out, m[i].month)) || (e = buf_puts(out, "</text>")))
			return e;
	}
	/* the legend */
	return buf_printf(out, "<g class=\"legend\"><rect class=\"billed\" x=\"%d\" y=\"%d\" width=\"12\" height=\"12\"/>"
			  "<text x=\"%d\" y=\"%d\">Billed</text>"
			  "<rect class=\"paid\" x=\"%d\" y=\"%d\" width=\"12\" height=\"12\"/>"
			  "<text x=\"%d\" y=\"%d\">Paid</text></g></svg>",
			  SVG_LEFT, SVG_H - 30, SVG_LEFT + 18, SVG_H - 20, SVG_LEFT + 90, SVG_H - 30, SVG_LEFT + 108,
			  SVG_H - 20);
}

/* ---- the figures, from the totals tables ---- */

struct dash_acc {
	struct listq_sum all, aging[DASH_NBUCKETS], months[DASH_MONTHS];
};

/* The entry of currency cur (rows come ordered by currency, but each query
 * may name one the others did not): NULL when there are too many. */
static struct dash_currency *dash_cur(struct dash *d, struct dash_acc *acc, const char *cur, struct dash_acc **a)
{
	size_t i;

	for (i = 0; i < d->ncur; i++)
		if (!strcmp(d->cur[i].currency, cur))
			break;
	if (i == d->ncur) {
		if (d->ncur == DASH_MAX_CURRENCIES || money_exponent(cur) < 0
		    || str_copy(d->cur[i].currency, sizeof(d->cur[i].currency), cur))
			return NULL;
		d->ncur++;
	}
	*a = &acc[i];
	return &d->cur[i];
}

/* columns from `first`: n, total, paid, balance */
static ierr dash_amounts(const struct db_res *r, unsigned first, const char *cur, long long *n, money_t *total,
			 money_t *paid, money_t *balance)
{
	int exp = money_exponent(cur);
	const char *s;
	ierr e;

	*n = db_int(r, first);
	if ((e = money_from_db((s = db_str(r, first + 1)) ? s : "0", exp, total))
	    || (e = money_from_db((s = db_str(r, first + 2)) ? s : "0", exp, paid))
	    || (e = money_from_db((s = db_str(r, first + 3)) ? s : "0", exp, balance)))
		return e;
	return IE_OK;
}

static ierr dash_month_index(const char *first, const char *month, size_t *i)
{
	long fy, fm, y, m, k;

	if (!month || strlen(month) < 7 || dash_digits(first, 4, &fy) || dash_digits(first + 5, 2, &fm)
	    || dash_digits(month, 4, &y) || dash_digits(month + 5, 2, &m))
		return IE_INVALID;
	k = (y * 12 + m) - (fy * 12 + fm);
	if (k < 0 || k >= DASH_MONTHS)
		return IE_INVALID;
	*i = (size_t)k;
	return IE_OK;
}

static ierr dash_fill_months(struct dash *d, char first[11])
{
	struct date t;
	long y, m;
	struct buf b = BUF_INIT;
	ierr e = IE_OK;

	if (date_parse(d->today, &t))
		return IE_INVALID;
	y = t.y;
	m = t.m;
	m -= DASH_MONTHS - 1;
	while (m < 1) {
		m += 12;
		y--;
	}
	for (size_t i = 0; i < DASH_MONTHS && !e; i++) {
		buf_clear(&b);
		if (!(e = buf_printf(&b, "%04ld-%02ld-01", y, m)) && !(e = str_copy(d->month_from[i], 11, b.data))) {
			buf_clear(&b);
			if (!(e = buf_printf(&b, "%04ld-%02ld-%02d", y, m, date_mdays((int)y, (int)m))))
				e = str_copy(d->month_to[i], 11, b.data);
		}
		if (++m > 12) {
			m = 1;
			y++;
		}
	}
	buf_free(&b);
	if (!e)
		e = str_copy(first, 11, d->month_from[0]);
	return e;
}

/* Adds (sign 1) or takes away (sign -1) open invoices in an aging bucket,
 * and in the counts by shown status (partial: the row's paid state is 1). */
static ierr dash_age(struct dash *d, struct dash_currency *c, struct dash_acc *a, enum dash_bucket b, int sign,
		     int partial, long long n, money_t total, money_t paid, money_t balance)
{
	ierr e = listq_sum_add(&a->aging[b], "open", "invoice", sign * n, sign * total, sign * paid, sign * balance);

	if (e)
		return e;
	c->aging_n[b] += sign * n;
	if (b != DASH_CURRENT)
		d->counts[INV_OVERDUE] += sign * n;
	else
		d->counts[partial ? INV_PARTIAL : INV_DUE] += sign * n;
	return IE_OK;
}

/* One table's rows into the accumulators; which: 0 status totals, 1 open
 * documents by aging bucket, 2 months. Columns: currency, key (status,
 * bucket 0-4, month), kind, [status or paid state], n, total, paid, balance. */
static ierr dash_rows(struct dash *d, struct dash_acc *acc, struct db_res *r, int which, const char *first)
{
	ierr e;

	while ((e = db_next(r)) == IE_OK) {
		const char *cur = db_str(r, 0) ? db_str(r, 0) : "", *key = db_str(r, 1), *kind = db_str(r, 2);
		const char *st = db_str(r, 3);
		struct dash_acc *a;
		struct dash_currency *c = dash_cur(d, acc, cur, &a);
		money_t total, paid, balance;
		long long n;
		enum dash_bucket b;
		size_t i;

		if (!c || !key || !kind || !st)
			return IE_INTERNAL;
		if ((e = dash_amounts(r, 4, cur, &n, &total, &paid, &balance)))
			return e;
		if (which == 0) {
			/* all time: the sums rule; the counts the stored status decides */
			if ((e = listq_sum_add(&a->all, key, kind, n, total, paid, balance)))
				return e;
			if (!strcmp(key, "draft"))
				d->counts[INV_DRAFT] += n;
			else if (!strcmp(key, "void"))
				d->counts[INV_CANCEL] += n;
			else if (!strcmp(kind, "credit"))
				d->counts[INV_CREDIT] += n;
			else if (!strcmp(key, "paid"))
				d->counts[INV_PAID] += n;
			/* every open invoice starts "over 90 days" overdue; the rows
			 * of the later due dates (which 1) take theirs out again
			 * (issued credit notes have no status= value: not aged) */
			else if (!strcmp(key, "open") && !strcmp(kind, "invoice")
				 && (e = dash_age(d, c, a, DASH_OVER_90, 1, 0, n, total, paid, balance)))
				return e;
		} else if (which == 1) {
			/* open invoices due from the first day of 61-90 on: due,
			 * partly paid, overdue in the buckets up to 90 days */
			if (strcmp(kind, "invoice"))
				continue;
			if (strlen(key) != 1 || key[0] < '0' || key[0] >= '0' + DASH_OVER_90)
				return IE_INTERNAL;
			b = (enum dash_bucket)(key[0] - '0');
			if ((e = dash_age(d, c, a, b, 1, strcmp(st, "0") != 0, n, total, paid, balance))
			    || (e = dash_age(d, c, a, DASH_OVER_90, -1, 0, n, total, paid, balance)))
				return e;
		} else {
			if ((e = dash_month_index(first, key, &i)))
				return e;
			if ((e = listq_sum_add(&a->months[i], st, kind, n, total, paid, balance)))
				return e;
		}
	}
	return e == IE_NOTFOUND ? IE_OK : e;
}

static ierr dash_compute(struct db *db, const char *today, struct dash *d)
{
	struct dash_acc acc[DASH_MAX_CURRENCIES];
	struct db_res r = { 0 };
	char first[11], lo[DASH_NBUCKETS][11], hi[11];
	ierr e;

	memset(d, 0, sizeof(*d));
	memset(acc, 0, sizeof(acc));
	if ((e = str_copy(d->today, sizeof(d->today), today)) || (e = dash_fill_months(d, first)))
		return e;
	/* a few dozen rows */
	if ((e = db_query(db, &r, "SELECT currency, status, kind, '-', SUM(n), SUM(total), SUM(paid), SUM(balance) "
			  "FROM invoice_status_totals GROUP BY currency, status, kind HAVING SUM(n) <> 0 ORDER BY currency",
			  DB_NOARGS))
	    || (e = dash_rows(d, acc, &r, 0, first)))
		goto out;
	db_free(&r);
	/* the open invoices per aging bucket: the buckets' first due dates come
	 * from dash_bucket_range (the one rule). Only the due dates from the
	 * first day of 61-90 on are read, per due date (sql/0020: ~2,000 rows at
	 * a million invoices, grouped here); "over 90" is every open invoice (the
	 * status totals above) less those, so old due dates cost nothing. */
	for (int k = DASH_CURRENT; k < DASH_OVER_90; k++)
		if ((e = dash_bucket_range((enum dash_bucket)k, today, lo[k], hi)))
			goto out;
	if ((e = db_query(db, &r, "SELECT currency, CASE WHEN due_date >= ? THEN '0' WHEN due_date >= ? THEN '1' "
			  "WHEN due_date >= ? THEN '2' ELSE '3' END AS bucket, kind, paid_state, SUM(n), SUM(total), "
			  "SUM(paid), SUM(balance) FROM invoice_due_totals WHERE due_date >= ? AND kind = 'invoice' "
			  "GROUP BY currency, bucket, kind, paid_state HAVING SUM(n) <> 0 ORDER BY NULL",
			  DB_ARGS(DB_S(lo[0]), DB_S(lo[1]), DB_S(lo[2]), DB_S(lo[3]))))
	    || (e = dash_rows(d, acc, &r, 1, first)))
		goto out;
	db_free(&r);
	/* billed and paid per invoice month: the list's figures of that month
	 * (sql/0020: one row per month, status, kind and currency) */
	if ((e = db_query(db, &r, "SELECT currency, DATE_FORMAT(month, '%Y-%m'), kind, status, n, total, paid, balance "
			  "FROM invoice_month_status_totals WHERE month >= ? AND month <= ? AND n <> 0",
			  DB_ARGS(DB_S(first), DB_S(today))))
	    || (e = dash_rows(d, acc, &r, 2, first)))
		goto out;
	for (size_t i = 0; i < d->ncur; i++) {
		struct dash_currency *c = &d->cur[i];

		c->billed = acc[i].all.billed;
		c->paid = acc[i].all.paid;
		c->outstanding = acc[i].all.balance;
		for (int b = DASH_CURRENT; b < DASH_NBUCKETS; b++) {
			c->aging[b] = acc[i].aging[b].balance;
			if (b != DASH_CURRENT) {
				c->overdue_n += c->aging_n[b];
				if ((e = money_add(c->overdue, c->aging[b], &c->overdue)))
					goto out;
			}
		}
		for (size_t k = 0; k < DASH_MONTHS; k++) {
			memcpy(c->months[k].month, d->month_from[k], 7);
			c->months[k].month[7] = '\0';
			c->months[k].billed = acc[i].months[k].billed;
			c->months[k].paid = acc[i].months[k].paid;
		}
	}
	/* currencies in code order */
	for (size_t i = 1; i < d->ncur; i++)
		for (size_t j = i; j > 0 && strcmp(d->cur[j - 1].currency, d->cur[j].currency) > 0; j--) {
			struct dash_currency t = d->cur[j];

			d->cur[j] = d->cur[j - 1];
			d->cur[j - 1] = t;
		}
out:
	db_free(&r);
	return e;
}

ierr dash_load(struct db *db, struct memo *memo, const char *today, struct dash *d)
{
	char key[16] = "dash:";
	long long version = 0;
	struct db_res r = { 0 };
	ierr e;

	/* the figures move only with the totals (sql/0003's version, bumped in
	 * the same transaction as every change); the day turns with `today` */
	if (memo) {
		if ((e = db_query(db, &r, "SELECT v FROM invoice_totals_version WHERE id = 1", DB_NOARGS))
		    || (e = db_next(&r)))
			goto out;
		version = db_int(&r, 0);
		db_free(&r);
		memcpy(key + 5, today, 10);
		if (version && memo_get(memo, key, 15, version, d, sizeof(*d)) == IE_OK)
			goto out;
	}
	if ((e = dash_compute(db, today, d)))
		goto out;
	if (memo && version)
		(void)memo_put(memo, key, 15, version, d, sizeof(*d));
out:
	db_free(&r);
	return e;
}
