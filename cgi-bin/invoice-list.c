/* invoice-list — GET /invoices: search, filters, sorting, paging, column chooser. */
#include <stdio.h>
#include <string.h>
#include "app.h"
#include "html.h"
#include "config.h"
#include "invoice.h"
#include "listq.h"

struct page {
	struct req *req;
	struct buf *rows;          /* the table body, escaped HTML */
	const struct listq *lq;
	const char *today;
	size_t n;
	int can_edit;
};

static ierr set_url(struct req *req, const char *key, const struct listq *lq)
{
	struct buf b = BUF_INIT;
	ierr e = listq_url(lq, "/invoices", &b);

	if (!e)
		e = app_set(req, key, b.data);
	buf_free(&b);
	return e;
}

static ierr set_url_at(struct req *req, const char *prefix, size_t i, const char *field,
		       const struct listq *lq)
{
	struct buf b = BUF_INIT;
	ierr e = listq_url(lq, "/invoices", &b);

	if (!e)
		e = app_set_at(req, prefix, i, field, b.data);
	buf_free(&b);
	return e;
}

/* The rows are built here, through the escapers, rather than as HDF: at 50
 * rows x 10 columns the HDF tree cost more than the rest of the page. */
static ierr put_cell(struct buf *b, const char *key, int numeric, const char *value, const char *link,
		     const char *badge)
{
	ierr e = buf_puts(b, "<td class=\"c-");

	if (!e)
		e = html_attr(b, key, strlen(key));
	if (!e)
		e = buf_puts(b, numeric ? " num\">" : "\">");
	if (!e && link) {
		e = buf_puts(b, "<a href=\"");
		if (!e)
			e = html_attr(b, link, strlen(link));
		if (!e)
			e = buf_puts(b, "\">");
	} else if (!e && badge) {
		e = buf_puts(b, "<span class=\"badge st-");
		if (!e)
			e = html_attr(b, badge, strlen(badge));
		if (!e)
			e = buf_puts(b, "\">");
	}
	if (!e)
		e = html_text(b, value, strlen(value));
	if (!e)
		e = buf_puts(b, link ? "</a></td>" : badge ? "</span></td>" : "</td>");
	return e;
}

/* prefix + id in out (64 bytes), without printf: this runs for every row. */
static const char *prefixed_id(char *out, const char *prefix, long long id)
{
	char tmp[24];
	const char *d = str_of_int(id, tmp);
	size_t n = strlen(prefix);

	memcpy(out, prefix, n);
	memcpy(out + n, d, strlen(d) + 1);
	return out;
}

static ierr add_row(void *ctx, const struct listq_row *row)
{
	struct page *p = ctx;
	const struct listq *lq = p->lq;
	struct buf *b = p->rows;
	enum inv_shown shown = inv_shown_of(row->status, row->paid, row->due_date, p->today);
	int draft = shown == INV_DRAFT;
	char text[160], link[64];
	struct buf url = BUF_INIT;
	size_t k;
	ierr e;

	e = buf_puts(b, "<tr data-id=\"") ?: buf_put_int(b, row->id)
	    ?: buf_puts(b, draft ? "\" class=\"draft\">\n    " : "\">\n    ");
	for (k = 0; !e && k < lq->ncols; k++) {
		enum listq_col c = lq->cols[k];
		const char *key = listq_column(c)->key, *v = text, *l = NULL, *bd = NULL;
		int num = 0;

		text[0] = '\0';
		switch (c) {
		case COL_NUMBER:
			v = row->number ? row->number : prefixed_id(text, "Draft #", row->id);
			l = prefixed_id(link, "/invoices/", row->id);
			break;
		case COL_CUSTOMER:
			v = row->customer ? row->customer : "";
			if (!lq->customer) {
				/* the name filters the list to that customer */
				struct listq f = *lq;

				f.customer = row->customer_id;
				f.page = 1;
				buf_clear(&url);
				e = listq_url(&f, "/invoices", &url);
				l = url.data;
			}
			break;
		case COL_DATE:
			v = row->invoice_date ? row->invoice_date : "";
			break;
		case COL_PERIOD:
			if (row->period_start && row->period_end)
				snprintf(text, sizeof(text), "%s – %s", row->period_start, row->period_end);
			break;
		case COL_DUE:
			v = row->due_date ? row->due_date : "";
			break;
		case COL_TOTAL:
			num = 1;
			e = money_format(row->total, row->currency, text, sizeof(text));
			break;
		case COL_PAID:
			num = 1;
			e = money_format(row->paid, row->currency, text, sizeof(text));
			break;
		case COL_BALANCE:
			num = 1;
			e = money_format(row->balance, row->currency, text, sizeof(text));
			break;
		case COL_PAID_STATE:
			v = inv_paid_state(row->status, row->paid);
			bd = v;
			break;
		case COL_STATUS:
			v = inv_shown_name(shown);
			bd = listq_status_key(shown);
			break;
		default:
			break;
		}
		if (!e)
			e = put_cell(b, key, num, v, l, bd);
	}
	if (!e)
		e = buf_puts(b, "\n    <td class=\"actions\"><a href=\"/invoices/") ?: buf_put_int(b, row->id)
		    ?: buf_puts(b, "\">View</a> <a href=\"/invoices/") ?: buf_put_int(b, row->id)
		    ?: buf_puts(b, ".pdf\">PDF</a>");
	if (!e && draft && p->can_edit)
		e = buf_puts(b, " <a href=\"/admin/invoices/") ?: buf_put_int(b, row->id) ?: buf_puts(b, "/edit\">Edit</a>");
	if (!e)
		e = buf_puts(b, "</td>\n  </tr>");
	buf_free(&url);
	p->n += !e;
	return e;
}

static ierr set_columns(struct req *req, const struct listq *lq)
{
	unsigned shown = 0;
	size_t i, k = 0;
	ierr e;

	for (i = 0; i < lq->ncols; i++) {
		const struct listq_colinfo *ci = listq_column(lq->cols[i]);
		struct listq s = *lq;

		shown |= 1u << lq->cols[i];
		s.sort = lq->cols[i];
		s.desc = lq->sort == lq->cols[i] ? !lq->desc : 0;
		s.page = 1;
		if ((e = app_set_at(req, "Cols", i, "Key", ci->key)) || (e = app_set_at(req, "Cols", i, "Label", ci->label))
		    || (e = app_set_at_int(req, "Cols", i, "Numeric", ci->numeric))
		    || (e = set_url_at(req, "Cols", i, "SortURL", &s)))
			return e;
		if (lq->sort == lq->cols[i] && (e = app_set_at(req, "Cols", i, "Sorted", lq->desc ? "desc" : "asc")))
			return e;
		/* amounts over several currencies sort by currency first (listq_currency_first) */
		if (listq_currency_first(&s) && (e = app_set_at(req, "Cols", i, "Title", "Sorted by currency, then amount")))
			return e;
	}
	/* the chooser: shown columns in their order, then the hidden ones */
	for (i = 0; i < lq->ncols; i++, k++) {
		const struct listq_colinfo *ci = listq_column(lq->cols[i]);

		if ((e = app_set_at(req, "Chooser", k, "Key", ci->key)) || (e = app_set_at(req, "Chooser", k, "Label", ci->label))
		    || (e = app_set_at_int(req, "Chooser", k, "Shown", 1)) || (e = app_set_at_int(req, "Chooser", k, "Pos", (long long)k + 1)))
			return e;
	}
	for (i = 0; i < COL__COUNT; i++, k++) {
		const struct listq_colinfo *ci = listq_column((enum listq_col)i);

		if (shown & (1u << i)) {
			k--;
			continue;
		}
		if ((e = app_set_at(req, "Chooser", k, "Key", ci->key)) || (e = app_set_at(req, "Chooser", k, "Label", ci->label))
		    || (e = app_set_at_int(req, "Chooser", k, "Shown", 0)) || (e = app_set_at_int(req, "Chooser", k, "Pos", (long long)k + 1)))
			return e;
	}
	return IE_OK;
}

/* Active filters as removable chips. */
static ierr set_filters(struct req *req, const struct listq *lq)
{
	static const char *const date_label[] = { "Invoice date", "Due date", "Billing period" };
	size_t n = 0;
	struct listq f;
	char text[128];
	ierr e = IE_OK;

#define CHIP(label, value, clear) do { \
		f = *lq; f.page = 1; clear; \
		if ((e = app_set_at(req, "Filters", n, "Label", label)) || (e = app_set_at(req, "Filters", n, "Value", value)) \
		    || (e = set_url_at(req, "Filters", n, "ClearURL", &f))) \
			return e; \
		n++; \
	} while (0)

	if (lq->q[0])
		CHIP("Search", lq->q, f.q[0] = '\0');
	for (unsigned s = INV_DRAFT; s <= INV_CANCEL; s++)
		if (lq->status & LISTQ_STATUS_BIT(s))
			CHIP("Status", inv_shown_name((enum inv_shown)s), f.status &= ~LISTQ_STATUS_BIT(s));
	if (lq->customer) {
		snprintf(text, sizeof(text), "#%lld", lq->customer);
		CHIP("Customer", text, f.customer = 0);
	}
	if (lq->currency[0])
		CHIP("Currency", lq->currency, f.currency[0] = '\0');
	if (lq->from[0]) {
		snprintf(text, sizeof(text), "%s from", date_label[lq->date]);
		CHIP(text, lq->from, f.from[0] = '\0');
	}
	if (lq->to[0]) {
		snprintf(text, sizeof(text), "%s to", date_label[lq->date]);
		CHIP(text, lq->to, f.to[0] = '\0');
	}
	if (lq->min[0])
		CHIP("Total at least", lq->min, f.min[0] = '\0');
	if (lq->max[0])
		CHIP("Total at most", lq->max, f.max[0] = '\0');
#undef CHIP
	if (n) {
		listq_defaults(&f);
		f.sort = lq->sort;
		f.desc = lq->desc;
		f.per_page = lq->per_page;
		f.cols_given = lq->cols_given;
		memcpy(f.cols, lq->cols, sizeof(f.cols));
		f.ncols = lq->ncols;
		e = set_url(req, "ClearAllURL", &f);
	}
	return e;
}

static ierr set_form(struct req *req, const struct listq *lq)
{
	static const char *const date_key[] = { "invoice", "due", "period" };
	ierr e;

	if ((e = app_set(req, "List.Q", lq->q)) || (e = app_set(req, "List.Currency", lq->currency))
	    || (e = app_set(req, "List.DateField", date_key[lq->date])) || (e = app_set(req, "List.From", lq->from))
	    || (e = app_set(req, "List.To", lq->to)) || (e = app_set(req, "List.Min", lq->min))
	    || (e = app_set(req, "List.Max", lq->max)) || (e = app_set_int(req, "List.PerPage", lq->per_page))
	    || (e = app_set(req, "List.Sort", listq_column(lq->sort)->key))
	    || (e = app_set(req, "List.Dir", lq->desc ? "desc" : "asc")))
		return e;
	if (lq->customer && (e = app_set_int(req, "List.Customer", lq->customer)))
		return e;
	for (unsigned s = INV_DRAFT, n = 0; s <= INV_CANCEL; s++) {
		char key[40];

		if (!(lq->status & LISTQ_STATUS_BIT(s)))
			continue;
		snprintf(key, sizeof(key), "List.Status.%s", listq_status_key((enum inv_shown)s));
		if ((e = app_set(req, key, "1"))
		    || (e = app_set_at(req, "List.StatusKeys", n++, NULL, listq_status_key((enum inv_shown)s))))
			return e;
	}
	if (lq->cols_given) {
		struct buf c = BUF_INIT;

		for (size_t i = 0; !e && i < lq->ncols; i++)
			e = buf_puts(&c, i ? "," : "") ?: buf_puts(&c, listq_column(lq->cols[i])->key);
		if (!e)
			e = app_set(req, "List.Cols", c.data);
		buf_free(&c);
	}
	return e;
}

static ierr set_paging(struct req *req, const struct listq *lq, const struct listq_result *res, size_t shown)
{
	long long count = res->count;
	long long pages = count ? (count + lq->per_page - 1) / lq->per_page : 1;
	struct listq f = *lq;
	ierr e;

	if ((e = app_set_int(req, "List.Count", count)) || (e = app_set_int(req, "List.Page", lq->page))
	    || (e = app_set_int(req, "List.First", shown ? (lq->page - 1) * lq->per_page + 1 : 0))
	    || (e = app_set_int(req, "List.Last", (lq->page - 1) * lq->per_page + (long long)shown)))
		return e;
	if (res->capped) {
		/* more than LISTQ_COUNT_CAP rows: the last page is unknown, so no "of N" and no Last */
		if ((e = app_set_int(req, "List.Capped", res->cap)))
			return e;
		pages = (long long)shown == lq->per_page ? lq->page + 1 : lq->page;
	} else if ((e = app_set_int(req, "List.Pages", pages))) {
		return e;
	}
	if (lq->page > pages || (res->capped && !shown && lq->page > 1)) {
		f.page = res->capped ? 1 : pages;
		if ((e = app_set(req, "List.PastEnd", "1")) || (e = set_url(req, "Pager.LastURL", &f)))
			return e;
		return IE_OK;
	}
	if (lq->page > 1) {
		f.page = lq->page - 1;
		if ((e = set_url(req, "Pager.PrevURL", &f)))
			return e;
		f.page = 1;
		if ((e = set_url(req, "Pager.FirstURL", &f)))
			return e;
	}
	if (lq->page < pages) {
		f.page = lq->page + 1;
		if ((e = set_url(req, "Pager.NextURL", &f)))
			return e;
		f.page = pages;
		if (!res->capped && (e = set_url(req, "Pager.LastURL", &f)))
			return e;
	}
	return IE_OK;
}

/* Per currency (listq.h, List figures): the issued documents' billed, paid
 * and balance, and the drafts and void ones on lines of their own. */
static ierr set_sums(struct req *req, const struct listq_result *res)
{
	char text[64];
	size_t i;
	ierr e;

#define MONEY(field, v) ((e = money_format(v, s->currency, text, sizeof(text))) \
			 || (e = app_set_at(req, "Sums", i, field, text)))
	for (i = 0; i < res->nsums; i++) {
		const struct listq_sum *s = &res->sums[i];

		if ((e = app_set_at(req, "Sums", i, "Currency", s->currency))
		    || (e = app_set_at_int(req, "Sums", i, "Count", s->count))
		    || (e = app_set_at_int(req, "Sums", i, "Issued", s->issued))
		    || MONEY("Billed", s->billed) || MONEY("Paid", s->paid) || MONEY("Balance", s->balance)
		    || (e = app_set_at_int(req, "Sums", i, "Drafts", s->drafts)) || MONEY("DraftsTotal", s->drafts_total)
		    || (e = app_set_at_int(req, "Sums", i, "Voids", s->voids)) || MONEY("VoidsTotal", s->voids_total))
			return e;
	}
#undef MONEY
	return IE_OK;
}

static const int per_page_choices[] = { 10, 25, 50, 100, 200, 500 };

static ierr list_page(struct req *req)
{
	const struct auth_user *u = &req->session.user;
	struct auth_scope scope = auth_scope_of(u);
	struct listq lq;
	struct listq_sql sql;
	struct listq_result res;
	struct buf rows = BUF_INIT;
	struct page p = { req, &rows, &lq, NULL, 0, auth_allowed(u->role, ACT_INVOICE_WRITE) };
	struct tmpl_slot slot = { "rows", &rows };
	char today[11], names[LISTQ_NAMES_SIZE];   /* a search's customers by name, for lq */
	int built = 0;
	ierr e;

	if ((e = listq_parse(req, &lq)))
		return e;
	lq.count_cap = req->cfg->list_count_cap;
	lq.deep_offset = req->cfg->list_deep_offset;
	lq.search_scan = req->cfg->list_search_scan;
	lq.search_count_cap = req->cfg->list_search_count_cap;
	lq.search_names = req->cfg->list_search_names;
	lq.name_seek_from = req->cfg->list_name_seek_from;
	if (!lq.cols_given)
		listq_saved_cols(auth_pref(req, LISTQ_COLS_PREF), &lq);
	if ((e = inv_today(req->cfg->time_zone, req->now, today)) || (e = listq_search_plan(req->db, req->memo, &lq, names)))
		return e;
	p.today = today;
	if ((e = listq_build(&lq, &scope, today, &sql)))
		return e;
	built = 1;
	/* A scoped user never has drafts: the draft bit stays in the SQL (so
	 * status=draft alone matches nothing, not everything) and is dropped
	 * only from what the page shows (chips, form, links). */
	if (!scope.drafts)
		lq.status &= ~LISTQ_STATUS_BIT(INV_DRAFT);
	/* the rows bring the sums' version, so the sums may come from the memo;
	 * a deep page needs the count first, to read from the nearer end */
	if (listq_deep(&lq))
		e = listq_totals(req->db, NULL, &sql, &res) ?: listq_rows(req->db, &sql, &lq, add_row, &p);
	else
		e = listq_rows(req->db, &sql, &lq, add_row, &p) ?: listq_totals(req->db, req->memo, &sql, &res);
	if (e)
		goto out;
	if ((e = app_set(req, "Page.Title", "Invoices")) || (e = set_columns(req, &lq)) || (e = set_filters(req, &lq))
	    || (e = set_form(req, &lq)) || (e = set_paging(req, &lq, &res, p.n)) || (!res.capped && (e = set_sums(req, &res)))
	    || (e = app_set_int(req, "Can.Drafts", scope.drafts)) || (e = app_set_int(req, "Can.Edit", p.can_edit))
	    || (e = set_url(req, "BackURL", &lq)))
		goto out;
	for (size_t i = 0; i < sizeof(per_page_choices) / sizeof(per_page_choices[0]); i++)
		if ((e = app_set_at_int(req, "PerPageChoices", i, NULL, per_page_choices[i])))
			goto out;
	e = app_render_slots(req, "invoice_list.cs", &slot, 1);
out:
	buf_free(&rows);
	if (built)
		listq_sql_free(&sql);
	return e;
}

/* POST /invoices/columns: the chooser's plain form (checkbox + position per column). */
static ierr save_columns(struct req *req)
{
	enum listq_col cols[COL__COUNT];
	long long pos[COL__COUNT];
	size_t n = 0, i, j;
	const char *back = app_param(req, "back");
	struct app_value v;
	ierr e;

	for (i = 0; i < COL__COUNT; i++) {
		const struct listq_colinfo *ci = listq_column((enum listq_col)i);
		char key[40];
		const char *on, *ps;

		snprintf(key, sizeof(key), "show_%s", ci->key);
		on = app_param(req, key);
		snprintf(key, sizeof(key), "pos_%s", ci->key);
		ps = app_param(req, key);
		if (!on)
			continue;
		if (strcmp(on, "1"))
			return app_fail(req, IE_INVALID, "A column choice is malformed.");
		pos[n] = 100 + (long long)i;
		if (ps && *ps) {
			if (app_v_uint(req, ps, strlen(ps), &v) || v.i > 99) {
				req->error_param = arena_strdup(req->arena, key);
				return app_fail(req, IE_INVALID, "Column positions are numbers from 0 to 99.");
			}
			pos[n] = v.i * 100 + (long long)i;
		}
		cols[n++] = (enum listq_col)i;
	}
	if (!n)
		return app_fail(req, IE_INVALID, "Choose at least one column.");
	/* order by position (ties: table order); n is at most 10 */
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && pos[j - 1] > pos[j]; j--) {
			long long tp = pos[j];
			enum listq_col tc = cols[j];

			pos[j] = pos[j - 1];
			cols[j] = cols[j - 1];
			pos[j - 1] = tp;
			cols[j - 1] = tc;
		}
	if ((e = listq_save_cols(req->db, req->session.user.id, cols, n)))
		return e;
	if (back && !app_v_localpath(req, back, strlen(back), &v) && !strncmp(back, "/invoices", 9))
		return app_redirect(req, 303, back);
	return app_redirect(req, 303, "/invoices");
}

static const struct app_route routes[] = {
	{ APP_GET, "/invoices", ACT_INVOICE_READ, list_page },
	{ APP_POST, "/invoices/columns", ACT_INVOICE_READ, save_columns },
};

static const struct app_def def = { "invoice-list", routes, sizeof(routes) / sizeof(routes[0]), LISTQ_COLS_PREF };

int main(int argc, char **argv)
{
	return app_main(argc, argv, &def);
}
