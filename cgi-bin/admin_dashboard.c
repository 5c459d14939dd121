/* admin_dashboard.c — GET /admin: the staff dashboard (lib/dashboard.h holds
 * the rules and reads the figures; this fills the HDF and draws the charts). */
#include <string.h>

#include "admin.h"
#include "config.h"
#include "dashboard.h"
#include "html.h"
#include "invoice.h"

static ierr dash_money(struct req *req, const char *prefix, size_t i, const char *field, money_t v,
		       const char *cur)
{
	char t[64];
	ierr e = money_format(v, cur, t, sizeof(t));

	return e ? e : app_set_at(req, prefix, i, field, t);
}

/* /invoices?... as HDF text (the template escapes it into the href) */
static ierr dash_href(struct req *req, const char *prefix, size_t i, const char *field, const char *status,
		      const char *date, const char *from, const char *to, const char *cur)
{
	struct buf b = BUF_INIT;
	ierr e = buf_puts(&b, "/invoices?");

	if (!e && status && *status)
		e = buf_puts(&b, status);
	if (!e && date)
		e = buf_printf(&b, "%sdate=%s", b.len > 10 ? "&" : "", date);
	if (!e && from && *from)
		e = buf_printf(&b, "&from=%s", from);
	if (!e && to && *to)
		e = buf_printf(&b, "&to=%s", to);
	if (!e && cur)
		e = buf_printf(&b, "%scurrency=%s", b.len > 10 ? "&" : "", cur);
	if (!e)
		e = app_set_at(req, prefix, i, field, b.data);
	buf_free(&b);
	return e;
}

static ierr dash_counts(struct req *req, const struct dash *d)
{
	/* the shown statuses in their order, with their status= value (an issued
	 * credit note has none: the unfiltered list shows it) */
	static const struct { enum inv_shown s; const char *q; } order[] = {
		{ INV_DRAFT, "status=draft" }, { INV_DUE, "status=due" }, { INV_PARTIAL, "status=partial" },
		{ INV_OVERDUE, "status=overdue" }, { INV_PAID, "status=paid" }, { INV_CANCEL, "status=void" },
		{ INV_CREDIT, NULL },
	};
	ierr e;

	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if ((e = app_set_at(req, "Counts", i, "Label", inv_shown_name(order[i].s)))
		    || (e = app_set_at(req, "Counts", i, "Class", inv_shown_class(order[i].s)))
		    || (e = app_set_at_int(req, "Counts", i, "N", d->counts[order[i].s]))
		    || (order[i].q && (e = dash_href(req, "Counts", i, "Href", order[i].q, NULL, NULL, NULL, NULL))))
			return e;
	}
	return IE_OK;
}

static ierr dash_currency_hdf(struct req *req, const struct dash *d, size_t i, struct buf *charts)
{
	const struct dash_currency *c = &d->cur[i];
	const char *cur = c->currency;
	char from[11], to[11], id[16], title[80];
	struct buf b = BUF_INIT;
	ierr e;

	if ((e = app_set_at(req, "Cur", i, "Code", cur)) || (e = dash_money(req, "Cur", i, "Billed", c->billed, cur))
	    || (e = dash_money(req, "Cur", i, "Paid", c->paid, cur))
	    || (e = dash_money(req, "Cur", i, "Outstanding", c->outstanding, cur))
	    || (e = dash_money(req, "Cur", i, "Overdue", c->overdue, cur))
	    || (e = app_set_at_int(req, "Cur", i, "OverdueN", c->overdue_n))
	    || (e = dash_href(req, "Cur", i, "OverdueHref", "status=overdue", NULL, NULL, NULL, cur))
	    || (e = dash_href(req, "Cur", i, "AllHref", NULL, NULL, NULL, NULL, cur)))
		return e;
	for (int k = DASH_CURRENT; k < DASH_NBUCKETS; k++) {
		if ((e = buf_printf(&b, "Cur.%zu.Aging", i)))
			goto out;
		if ((e = dash_bucket_range((enum dash_bucket)k, d->today, from, to))
		    || (e = app_set_at(req, b.data, (size_t)k, "Key", dash_bucket_key((enum dash_bucket)k)))
		    || (e = app_set_at(req, b.data, (size_t)k, "Label", dash_bucket_label((enum dash_bucket)k)))
		    || (e = dash_money(req, b.data, (size_t)k, "Amount", c->aging[k], cur))
		    || (e = app_set_at_int(req, b.data, (size_t)k, "N", c->aging_n[k]))
		    || (e = dash_href(req, b.data, (size_t)k, "Href",
				      k == DASH_CURRENT ? "status=due&status=partial" : "status=overdue", "due", from, to,
				      cur)))
			goto out;
		buf_clear(&b);
	}
	for (size_t k = 0; k < DASH_MONTHS; k++) {
		if ((e = buf_printf(&b, "Cur.%zu.Months", i)))
			goto out;
		if ((e = app_set_at(req, b.data, k, "Month", c->months[k].month))
		    || (e = dash_money(req, b.data, k, "Billed", c->months[k].billed, cur))
		    || (e = dash_money(req, b.data, k, "Paid", c->months[k].paid, cur))
		    || (e = dash_href(req, b.data, k, "Href", "", "invoice", d->month_from[k], d->month_to[k], cur)))
			goto out;
		buf_clear(&b);
	}
	/* the chart (html.h escapes its text); its table follows in the template */
	if ((e = buf_printf(&b, "chart-%s", cur)) || (e = str_copy(id, sizeof(id), b.data)))
		goto out;
	buf_clear(&b);
	if ((e = buf_printf(&b, "Billed and paid per month, %s", cur)) || (e = str_copy(title, sizeof(title), b.data)))
		goto out;
	if ((e = buf_puts(charts, "<figure class=\"chart\"><figcaption>")) || (e = html_text(charts, title, strlen(title)))
	    || (e = buf_puts(charts, "</figcaption>"))
	    || (e = dash_svg(charts, id, title, cur, c->months, DASH_MONTHS))
	    || (e = buf_puts(charts, "</figure>")))
		goto out;
out:
	buf_free(&b);
	return e;
}

ierr admin_dashboard(struct req *req)
{
	struct dash d;
	struct buf charts = BUF_INIT;
	struct tmpl_slot slot = { "charts", &charts };
	char today[11];
	ierr e;

	if ((e = admin_layout(req, "dashboard", "Dashboard")) || (e = inv_today(req->cfg->time_zone, req->now, today))
	    || (e = dash_load(req->db, req->memo, today, &d)) || (e = app_set(req, "Dash.Today", today))
	    || (e = app_set(req, "Dash.From", d.month_from[0])) || (e = dash_counts(req, &d)))
		goto out;
	for (size_t i = 0; i < d.ncur; i++)
		if ((e = dash_currency_hdf(req, &d, i, &charts)))
			goto out;
	e = app_render_slots(req, "admin.cs", &slot, 1);
out:
	buf_free(&charts);
	return e;
}
